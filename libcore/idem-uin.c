/* idem-uin.c — the Unique Identification Number
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "idem-uin"

#include "config.h"

#include "idem-uin.h"

static const char * const restricted_numbers[] = { "786", "666", NULL };

/* The repetends of 1/7, 1/17, 1/19, 1/23, 1/29, 1/47, 1/59, 1/61 and 1/97,
 * as MOSIP lists them; only those no longer than the UIN can ever match. */
static const char * const cyclic_numbers[] = {
  "142857",
  "0588235294117647",
  "052631578947368421",
  "0434782608695652173913",
  "0344827586206896551724137931",
  "0212765957446808510638297872340425531914893617",
  "0169491525423728813559322033898305084745762711864406779661",
  "016393442622950819672131147540983606557377049180327868852459",
  "010309278350515463917525773195876288659793814432989690721649484536082474226804123711340206185567",
  NULL
};

static void
init_common (IdemUinPolicy *policy)
{
  *policy = (IdemUinPolicy) {
    .length = IDEM_UIN_LENGTH,
    .forbidden_first_digits = "01",
    .sequence_limit = 3,
    .repeating_block_limit = 2,
    .even_digits_limit = 3,
    .restricted_numbers = restricted_numbers,
    .equal_ends_limit = 5,
    .reversed_ends_limit = 5,
  };
}

/**
 * idem_uin_policy_init_generation:
 * @policy: (out caller-allocates): the policy to fill
 *
 * Fills @policy with the rules MOSIP generates UINs by; see #IdemUinPolicy.
 */
void
idem_uin_policy_init_generation (IdemUinPolicy *policy)
{
  g_return_if_fail (policy != NULL);

  init_common (policy);
  policy->sequence_wraps = TRUE;
  policy->repeating_limit = 2;
  policy->cyclic_numbers = cyclic_numbers;
}

/**
 * idem_uin_policy_init_validation:
 * @policy: (out caller-allocates): the policy to fill
 *
 * Fills @policy with the rules MOSIP validates UINs by; see #IdemUinPolicy.
 */
void
idem_uin_policy_init_validation (IdemUinPolicy *policy)
{
  g_return_if_fail (policy != NULL);

  init_common (policy);
  policy->repeating_run_limit = 3;
}

/**
 * idem_uin_check:
 * @policy: (nullable): the rules, or %NULL for MOSIP's validation rules
 * @uin: the UIN, as typed
 * @error: (nullable): the first rule broken
 *
 * Returns: a mask of IDEM_ID_RULE() bits, one for each rule @uin breaks
 */
guint
idem_uin_check (const IdemUinPolicy *policy,
                const char          *uin,
                GError             **error)
{
  IdemUinPolicy validation;

  g_return_val_if_fail (uin != NULL, IDEM_ID_RULE (IDEM_ID_ERROR_LENGTH));

  if (policy == NULL)
    {
      idem_uin_policy_init_validation (&validation);
      policy = &validation;
    }

  return idem_id_policy_check (policy, uin, error);
}

/**
 * idem_uin_validate:
 * @uin: the UIN, as typed
 * @error: (nullable): the first rule broken
 *
 * Validates @uin by MOSIP's validation rules.
 *
 * Returns: whether @uin is a valid UIN
 */
gboolean
idem_uin_validate (const char *uin,
                   GError    **error)
{
  g_return_val_if_fail (uin != NULL, FALSE);

  return idem_uin_check (NULL, uin, error) == 0;
}

/**
 * idem_uin_generate:
 * @policy: (nullable): the rules, or %NULL for MOSIP's generation rules
 * @error: (nullable): %IDEM_ID_ERROR_RANDOM when the CSPRNG failed
 *
 * Draws one UIN.  Nothing remembers it: to issue each UIN at most once, draw
 * a pool with idem_uin_generate_batch() and keep track of the ones issued.
 *
 * Returns: (transfer full) (nullable): the UIN
 */
char *
idem_uin_generate (const IdemUinPolicy *policy,
                   GError             **error)
{
  IdemUinPolicy generation;

  if (policy == NULL)
    {
      idem_uin_policy_init_generation (&generation);
      policy = &generation;
    }

  return idem_id_policy_generate (policy, error);
}

/**
 * idem_uin_generate_batch:
 * @policy: (nullable): the rules, or %NULL for MOSIP's generation rules
 * @count: how many UINs to draw
 * @error: (nullable): why the pool could not be drawn
 *
 * Draws a pool of @count distinct UINs; see idem_id_policy_generate_batch().
 *
 * Returns: (transfer full) (element-type guint64) (nullable): the UINs
 */
GArray *
idem_uin_generate_batch (const IdemUinPolicy *policy,
                         guint                count,
                         GError             **error)
{
  IdemUinPolicy generation;

  if (policy == NULL)
    {
      idem_uin_policy_init_generation (&generation);
      policy = &generation;
    }

  return idem_id_policy_generate_batch (policy, count, error);
}
