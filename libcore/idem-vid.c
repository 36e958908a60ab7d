/* idem-vid.c — the Virtual ID
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A VID stands in for a UIN in authentication, so a resident never has to
 * hand out the UIN itself.  It is longer than a UIN so that many can be
 * issued per person and revoked ones are never drawn again.
 */

#define G_LOG_DOMAIN "idem-vid"

#include "config.h"

#include "idem-vid.h"

static const char * const restricted_numbers[] = { "786", "666", NULL };

/**
 * idem_vid_policy_init_validation:
 * @policy: (out caller-allocates): the policy to fill
 *
 * Fills @policy with the rules MOSIP validates VIDs by; see #IdemVidPolicy.
 */
void
idem_vid_policy_init_validation (IdemVidPolicy *policy)
{
  g_return_if_fail (policy != NULL);

  *policy = (IdemVidPolicy) {
    .length = IDEM_VID_LENGTH,
    .forbidden_first_digits = "01",
    .sequence_limit = 3,
    .repeating_limit = 2,
    .repeating_block_limit = 2,
  };
}

/**
 * idem_vid_policy_init_generation:
 * @policy: (out caller-allocates): the policy to fill
 *
 * Fills @policy with the rules MOSIP generates VIDs by; see #IdemVidPolicy.
 */
void
idem_vid_policy_init_generation (IdemVidPolicy *policy)
{
  g_return_if_fail (policy != NULL);

  idem_vid_policy_init_validation (policy);
  policy->restricted_numbers = restricted_numbers;
}

/**
 * idem_vid_check:
 * @policy: (nullable): the rules, or %NULL for MOSIP's validation rules
 * @vid: the VID, as typed
 * @error: (nullable): the first rule broken
 *
 * Returns: a mask of IDEM_ID_RULE() bits, one for each rule @vid breaks
 */
guint
idem_vid_check (const IdemVidPolicy *policy,
                const char          *vid,
                GError             **error)
{
  IdemVidPolicy validation;

  g_return_val_if_fail (vid != NULL, IDEM_ID_RULE (IDEM_ID_ERROR_LENGTH));

  if (policy == NULL)
    {
      idem_vid_policy_init_validation (&validation);
      policy = &validation;
    }

  return idem_id_policy_check (policy, vid, error);
}

/**
 * idem_vid_validate:
 * @vid: the VID, as typed
 * @error: (nullable): the first rule broken
 *
 * Returns: whether @vid is valid by MOSIP's validation rules
 */
gboolean
idem_vid_validate (const char *vid,
                   GError    **error)
{
  g_return_val_if_fail (vid != NULL, FALSE);

  return idem_vid_check (NULL, vid, error) == 0;
}

/**
 * idem_vid_generate:
 * @policy: (nullable): the rules, or %NULL for MOSIP's generation rules
 * @error: (nullable): %IDEM_ID_ERROR_RANDOM when the CSPRNG failed
 *
 * Returns: (transfer full) (nullable): a VID drawn from OpenSSL's CSPRNG
 */
char *
idem_vid_generate (const IdemVidPolicy *policy,
                   GError             **error)
{
  IdemVidPolicy generation;

  if (policy == NULL)
    {
      idem_vid_policy_init_generation (&generation);
      policy = &generation;
    }

  return idem_id_policy_generate (policy, error);
}

/**
 * idem_vid_generate_batch:
 * @policy: (nullable): the rules, or %NULL for MOSIP's generation rules
 * @count: how many VIDs to draw
 * @error: (nullable): why the pool could not be drawn
 *
 * Returns: (transfer full) (element-type guint64) (nullable): @count
 *   distinct VIDs
 */
GArray *
idem_vid_generate_batch (const IdemVidPolicy *policy,
                         guint                count,
                         GError             **error)
{
  IdemVidPolicy generation;

  if (policy == NULL)
    {
      idem_vid_policy_init_generation (&generation);
      policy = &generation;
    }

  return idem_id_policy_generate_batch (policy, count, error);
}
