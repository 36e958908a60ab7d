/* idem-name-phonetic.h — a phonetic key for name tokens
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#if !defined(IDEM_INSIDE) && !defined(IDEM_COMPILATION)
# error "Only <idem.h> can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

char *idem_name_phonetic_key (const char *token);

G_END_DECLS
