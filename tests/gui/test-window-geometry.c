/* test-window-geometry.c — windows open as they were last closed
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Runs idem_window_remember_geometry() against the admin console's real
 * GSettings schema (memory backend), on a plain window.
 */

#include "config.h"

#include <idem-ui.h>

#include "gui-test-util.h"

#define SCHEMA_ID "org.idem.Admin"

static void
test_geometry_restored (void)
{
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  GtkWindow *window;
  int width;
  int height;

  g_settings_set_int (settings, "window-width", 640);
  g_settings_set_int (settings, "window-height", 480);
  g_settings_set_boolean (settings, "window-maximized", FALSE);

  window = GTK_WINDOW (gtk_window_new ());
  idem_window_remember_geometry (window, settings);

  gtk_window_get_default_size (window, &width, &height);
  g_assert_cmpint (width, ==, 640);
  g_assert_cmpint (height, ==, 480);

  gtk_window_destroy (window);
}

static void
test_geometry_saved_on_close (void)
{
  g_autoptr(GSettings) settings = g_settings_new (SCHEMA_ID);
  GtkWindow *window;

  g_settings_set_int (settings, "window-width", 640);
  g_settings_set_int (settings, "window-height", 480);

  window = GTK_WINDOW (gtk_window_new ());
  idem_window_remember_geometry (window, settings);
  gtk_window_present (window);
  gui_test_wait_frames (GTK_WIDGET (window), 2);

  /* What a user's resize leaves behind. */
  gtk_window_set_default_size (window, 1100, 700);
  gtk_window_close (window);

  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1100);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 700);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));
}

int
main (int   argc,
      char *argv[])
{
  gui_test_init (&argc, &argv);

  g_test_add_func ("/window-geometry/restored", test_geometry_restored);
  g_test_add_func ("/window-geometry/saved-on-close", test_geometry_saved_on_close);

  return g_test_run ();
}
