/* idem-prid.h — the pre-registration ID
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

#define IDEM_PRID_LENGTH 14

void     idem_prid_policy_init (IdemIdPolicy       *policy);
gboolean idem_prid_validate    (const char         *prid,
                                GError            **error);
char    *idem_prid_generate    (GError            **error);

G_END_DECLS
