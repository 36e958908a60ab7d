/* idem-window-geometry.c — windows that open as they were last closed
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "idem-ui"

#include "config.h"

#include "idem-ui.h"

static gboolean
save_geometry_cb (GtkWindow *window,
                  GSettings *settings)
{
  int width;
  int height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (settings, "window-width", width);
  g_settings_set_int (settings, "window-height", height);
  g_settings_set_boolean (settings, "window-maximized", gtk_window_is_maximized (window));

  return FALSE;
}

/**
 * idem_window_remember_geometry:
 * @window: a window that is constructed but not shown yet
 * @settings: settings with the integer keys `window-width` and
 *   `window-height` and the boolean key `window-maximized`
 *
 * Gives @window the size and maximized state stored in @settings, and stores
 * them again when the window is closed.  Call it from the window's
 * `constructed` handler, not from `init`: the construct-time "maximized"
 * property would undo the maximizing.
 */
void
idem_window_remember_geometry (GtkWindow *window,
                               GSettings *settings)
{
  g_return_if_fail (GTK_IS_WINDOW (window));
  g_return_if_fail (G_IS_SETTINGS (settings));

  gtk_window_set_default_size (window,
                               g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (window);

  g_signal_connect_data (window, "close-request",
                         G_CALLBACK (save_geometry_cb),
                         g_object_ref (settings),
                         (GClosureNotify) g_object_unref,
                         0);
}
