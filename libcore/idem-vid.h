/* idem-vid.h — the Virtual ID
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#if !defined(IDEM_INSIDE) && !defined(IDEM_COMPILATION)
# error "Only <idem.h> can be included directly."
#endif

#include <glib.h>

#include "idem-id-policy.h"

G_BEGIN_DECLS

#define IDEM_VID_LENGTH 16

/**
 * IdemVidPolicy:
 *
 * The rules of a VID, with MOSIP 1.2's defaults (`mosip.kernel.vid.*`):
 * 16 digits, the last a Verhoeff check digit; not starting with 0 or 1; no
 * run of 3 (123, 321, without wrapping around 9→0); equal digits at least 3
 * positions apart (no 11, no 1x1); no block of 2 or more digits appearing
 * twice.
 *
 * Generation (idem_vid_policy_init_generation()) is stricter than validation
 * (idem_vid_policy_init_validation()) in one rule only: a generated VID also
 * contains neither 786 nor 666.
 */
typedef IdemIdPolicy IdemVidPolicy;

void     idem_vid_policy_init_generation (IdemVidPolicy       *policy);
void     idem_vid_policy_init_validation (IdemVidPolicy       *policy);
guint    idem_vid_check                  (const IdemVidPolicy *policy,
                                          const char          *vid,
                                          GError             **error);
gboolean idem_vid_validate               (const char          *vid,
                                          GError             **error);
char    *idem_vid_generate               (const IdemVidPolicy *policy,
                                          GError             **error);
GArray  *idem_vid_generate_batch         (const IdemVidPolicy *policy,
                                          guint                count,
                                          GError             **error);

G_END_DECLS
