/* idem-verhoeff.h — the Verhoeff check digit
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#if !defined(IDEM_INSIDE) && !defined(IDEM_COMPILATION)
# error "Only <idem.h> can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

gboolean idem_verhoeff_compute         (const char   *digits,
                                        gssize        length,
                                        char         *check_digit);
gboolean idem_verhoeff_validate        (const char   *number,
                                        gssize        length);
guint    idem_verhoeff_compute_values  (const guint8 *values,
                                        gsize         n_values);
gboolean idem_verhoeff_validate_values (const guint8 *values,
                                        gsize         n_values);

G_END_DECLS
