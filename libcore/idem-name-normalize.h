/* idem-name-normalize.h — personal names reduced to comparable tokens
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#if !defined(IDEM_INSIDE) && !defined(IDEM_COMPILATION)
# error "Only <idem.h> can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

char  *idem_name_normalize (const char *name);
GStrv  idem_name_tokenize  (const char *name);

G_END_DECLS
