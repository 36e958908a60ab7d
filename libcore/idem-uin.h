/* idem-uin.h — the Unique Identification Number
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

#define IDEM_UIN_LENGTH 10

/**
 * IdemUinPolicy:
 *
 * The rules of a UIN, with MOSIP 1.2's defaults (`mosip.kernel.uin.*`):
 * 10 digits, the last a Verhoeff check digit; not starting with 0 or 1; no
 * run of 3 (123, 321); no block of 2 or more digits appearing twice; no 3
 * adjacent digits from {2, 4, 6, 8}; neither 786 nor 666; the first 5 digits
 * neither equal to the last 5 nor to them reversed.
 *
 * MOSIP generates UINs by stricter rules than it validates them with, so
 * there are two policies:
 *
 * - generation (idem_uin_policy_init_generation()) also treats 9→0 as a
 *   step, so 890, 901, 210 and 109 are runs; keeps equal digits at least 3
 *   positions apart (no 11 and no 1x1); and refuses cyclic numbers (142857,
 *   which at the default limits the even-digit rule already excludes: 428);
 * - validation (idem_uin_policy_init_validation()) accepts runs that wrap
 *   around and accepts 11 and 1x1 (only 111, a digit three times in a row,
 *   is refused), so every UIN MOSIP ever issued validates.
 */
typedef IdemIdPolicy IdemUinPolicy;

void     idem_uin_policy_init_generation (IdemUinPolicy       *policy);
void     idem_uin_policy_init_validation (IdemUinPolicy       *policy);
guint    idem_uin_check                  (const IdemUinPolicy *policy,
                                          const char          *uin,
                                          GError             **error);
gboolean idem_uin_validate               (const char          *uin,
                                          GError             **error);
char    *idem_uin_generate               (const IdemUinPolicy *policy,
                                          GError             **error);
GArray  *idem_uin_generate_batch         (const IdemUinPolicy *policy,
                                          guint                count,
                                          GError             **error);

G_END_DECLS
