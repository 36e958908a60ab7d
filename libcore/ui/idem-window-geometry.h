/* idem-window-geometry.h
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#if !defined(IDEM_INSIDE) && !defined(IDEM_COMPILATION)
# error "Only <idem-ui.h> can be included directly."
#endif

#include <gtk/gtk.h>

G_BEGIN_DECLS

void idem_window_remember_geometry (GtkWindow *window,
                                    GSettings *settings);

G_END_DECLS
