/* idem-form.h
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#if !defined(IDEM_INSIDE) && !defined(IDEM_COMPILATION)
# error "Only <idem-ui.h> can be included directly."
#endif

#include <gtk/gtk.h>

G_BEGIN_DECLS

void idem_form_show_error  (GtkWidget  *field,
                            GtkLabel   *error_label,
                            const char *message);
void idem_form_clear_error (GtkWidget  *field,
                            GtkLabel   *error_label);

G_END_DECLS
