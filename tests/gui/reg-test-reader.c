/* reg-test-reader.c — libfprint's virtual image reader, pressed with
 * synthetic fingers, for the registration client's tests
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include "reg-test-reader.h"

#include "gui-test-util.h"
#include "idem-minutiae-extract.h"
#include "reg-login-page.h"
#include "reg-window.h"

static char *socket_dir;
static char *socket_path;

static gboolean
socket_exists (gpointer data)
{
  return g_file_test (socket_path, G_FILE_TEST_EXISTS);
}

static gboolean
fingers_idle (gpointer data)
{
  return !reg_fingers_step_get_busy (data);
}

/**
 * reg_test_init_with_reader:
 * @argc: the test's argument count
 * @argv: the test's arguments
 *
 * Does what gui_test_init() does, and sets up the hardware layer with
 * libfprint's virtual image reader as its only device.  libfprint reads
 * the variables naming the device when its context enumerates, and the
 * environment must not change once threads run: call this first in main().
 *
 * Returns: the socket the virtual reader listens on while a reader is open
 */
const char *
reg_test_init_with_reader (int    *argc,
                           char ***argv)
{
  socket_dir = hw_test_make_socket_dir ();
  socket_path = g_build_filename (socket_dir, "virtual-image.socket", NULL);
  g_setenv ("FP_DRIVERS_WHITELIST", "virtual_image", TRUE);
  g_setenv ("FP_DRIVERS_ALLOWLIST", "virtual_image", TRUE);
  g_setenv ("FP_VIRTUAL_IMAGE", socket_path, TRUE);

  gui_test_init (argc, argv);
  idem_hw_init (argc, argv);

  return socket_path;
}

/**
 * reg_test_reader_shutdown:
 *
 * Removes the directory of the reader's socket.
 */
void
reg_test_reader_shutdown (void)
{
  hw_test_remove_socket_dir (socket_dir);
  g_clear_pointer (&socket_dir, g_free);
  g_clear_pointer (&socket_path, g_free);
}

/**
 * reg_test_impression:
 * @finger: a synthetic finger
 * @seed: chooses how the finger lies on the reader
 *
 * Returns: (transfer full): one impression of @finger, as grey pixels of
 *   %SYNTHETIC_FINGER_WIDTH × %SYNTHETIC_FINGER_HEIGHT
 */
guint8 *
reg_test_impression (SyntheticFinger *finger,
                     guint32          seed)
{
  SyntheticImpressionParams params;

  synthetic_finger_random_impression (seed, &params);

  return synthetic_finger_render (finger, seed, &params);
}

/**
 * reg_test_enrolled_template:
 * @finger: a synthetic finger
 *
 * What the admin console enrols and the sync hands out for @finger: the
 * minutiae of its first impression, serialised, in base64.  A test then
 * presses another impression of the same finger.
 *
 * Returns: (transfer full): the template, for a user's `fingerprints`
 */
char *
reg_test_enrolled_template (SyntheticFinger *finger)
{
  g_autofree guint8 *pixels = reg_test_impression (finger, 1);
  g_autoptr(IdemMinutiae) minutiae = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  minutiae = idem_minutiae_extract (pixels, SYNTHETIC_FINGER_WIDTH, SYNTHETIC_FINGER_HEIGHT, 500, &error);
  g_assert_no_error (error);
  bytes = idem_minutiae_serialize (minutiae);

  return g_base64_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

/**
 * reg_test_capture_finger:
 * @fingers: a fingers step on screen
 * @feeder: (inout): where the test keeps its feeder, %NULL before the first
 * @pixels: the impression to press
 *
 * Captures the finger @fingers asks for now, as an operator does, with
 * @pixels on the reader, and waits until the step has judged it.  The
 * step opens the reader on the first capture, and only then does the
 * virtual device listen: the feeder is made then, and kept for the next
 * fingers because the device reads all its images from one connection.
 */
void
reg_test_capture_finger (RegFingersStep  *fingers,
                         HwImageFeeder  **feeder,
                         const guint8    *pixels)
{
  guint position = reg_fingers_step_get_current (fingers);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fingers), "fingers.capture", NULL));
  if (*feeder == NULL)
    {
      gui_test_wait_until (socket_exists, NULL, "the reader to open");
      *feeder = hw_image_feeder_new (socket_path);
    }
  hw_image_feeder_send_image (*feeder, pixels, SYNTHETIC_FINGER_WIDTH, SYNTHETIC_FINGER_HEIGHT);
  gui_test_wait_until (fingers_idle, fingers, "a finger");
  g_test_message ("finger %u: %s", position, reg_fingers_step_get_status (fingers));
}

/**
 * reg_test_sign_in_with_finger:
 * @window: the registration client's window, on its sign-in page
 * @user_id: who signs in
 * @pixels: the impression to press
 *
 * Signs in with a finger as a user does, with @pixels on the reader, and
 * waits until the sign-in page has answered.  The reader listens only once
 * the page asks for the finger.
 */
void
reg_test_sign_in_with_finger (GtkWindow    *window,
                              const char   *user_id,
                              const guint8 *pixels)
{
  g_autoptr(HwImageFeeder) feeder = NULL;
  GtkWidget *login = reg_window_get_page (REG_WINDOW (window));

  g_assert_true (REG_IS_LOGIN_PAGE (login));
  reg_login_page_set_user_id (REG_LOGIN_PAGE (login), user_id);
  g_assert_true (gtk_widget_activate_action (login, "login-page.sign-in-finger", NULL));
  GUI_TEST_WAIT_UNTIL (gui_test_find_label (login, "Place your finger on the reader") != NULL);
  feeder = hw_image_feeder_new (socket_path);
  hw_image_feeder_send_image (feeder, pixels, SYNTHETIC_FINGER_WIDTH, SYNTHETIC_FINGER_HEIGHT);
  GUI_TEST_WAIT_UNTIL (!REG_IS_LOGIN_PAGE (reg_window_get_page (REG_WINDOW (window))) ||
                       !reg_login_page_get_busy (REG_LOGIN_PAGE (login)));
  gui_test_wait_frames (GTK_WIDGET (window), 2);
}
