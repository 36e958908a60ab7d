/* idem-name-similarity.h — how alike two names are, from 0 to 1
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#if !defined(IDEM_INSIDE) && !defined(IDEM_COMPILATION)
# error "Only <idem.h> can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

double idem_name_jaro_winkler      (const char         *a,
                                    const char         *b);
double idem_name_token_similarity  (const char         *a,
                                    const char         *b);
double idem_name_similarity        (const char * const *a_tokens,
                                    const char * const *b_tokens);

G_END_DECLS
