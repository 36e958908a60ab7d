/* idem-prid.c — the pre-registration ID
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A PRID names an application made online before the resident comes to a
 * registration centre.  MOSIP generates and validates it by the same rules.
 */

#define G_LOG_DOMAIN "idem-prid"

#include "config.h"

#include "idem-prid.h"

static const char * const restricted_numbers[] = { "786", "666", NULL };

/**
 * idem_prid_policy_init:
 * @policy: (out caller-allocates): the policy to fill
 *
 * Fills @policy with MOSIP 1.2's PRID rules (`mosip.kernel.prid.*`): 14
 * digits, the last a Verhoeff check digit; not starting with 0 or 1; no run
 * of 3 (123, 321); equal digits at least 3 positions apart (no 11, no 1x1);
 * no block of 3 or more digits appearing twice; neither 786 nor 666.
 */
void
idem_prid_policy_init (IdemIdPolicy *policy)
{
  g_return_if_fail (policy != NULL);

  *policy = (IdemIdPolicy) {
    .length = IDEM_PRID_LENGTH,
    .forbidden_first_digits = "01",
    .sequence_limit = 3,
    .repeating_limit = 2,
    .repeating_block_limit = 3,
    .restricted_numbers = restricted_numbers,
  };
}

/**
 * idem_prid_validate:
 * @prid: the PRID, as typed
 * @error: (nullable): the first rule broken
 *
 * Returns: whether @prid is a valid PRID
 */
gboolean
idem_prid_validate (const char *prid,
                    GError    **error)
{
  IdemIdPolicy policy;

  g_return_val_if_fail (prid != NULL, FALSE);

  idem_prid_policy_init (&policy);
  return idem_id_policy_validate (&policy, prid, error);
}

/**
 * idem_prid_generate:
 * @error: (nullable): %IDEM_ID_ERROR_RANDOM when the CSPRNG failed
 *
 * Returns: (transfer full) (nullable): a PRID drawn from OpenSSL's CSPRNG
 */
char *
idem_prid_generate (GError **error)
{
  IdemIdPolicy policy;

  idem_prid_policy_init (&policy);
  return idem_id_policy_generate (&policy, error);
}
