/* test-registration-finger-login.c — an operator signs in with a finger
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * libfprint's virtual image reader is fed synthetic fingerprints; the
 * operator's synced template is made from another impression of the same
 * finger.  A finger of another pattern type is turned away and counted as
 * a failed sign-in.
 */

#include "config.h"

#include "gui-test-util.h"
#include "reg-application.h"
#include "reg-home-page.h"
#include "reg-login-page.h"
#include "reg-window.h"
#include "reg-test-reader.h"
#include "synthetic-finger.h"

#include <glib/gstdio.h>

#define OPERATOR_SEED 7

static RegApplication *app;
static GtkWindow *window;
static const char *socket_path;

static GtkWidget *
page (void)
{
  return reg_window_get_page (REG_WINDOW (window));
}

static char *
make_synced_machine (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RegStore) store = NULL;
  g_autoptr(RegMachineKey) key = NULL;
  g_autoptr(RegMachine) machine = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(SyntheticFinger) finger = synthetic_finger_new (OPERATOR_SEED, SYNTHETIC_FINGER_WHORL);
  g_autofree char *template = reg_test_enrolled_template (finger);
  g_autofree char *users = NULL;
  char *directory = g_dir_make_tmp ("idem-reg-finger-XXXXXX", &error);

  g_assert_no_error (error);
  store = reg_store_new (directory, &error);
  g_assert_no_error (error);
  key = reg_machine_key_new_software (directory);
  g_assert_true (reg_machine_key_generate (key, &error));
  machine = reg_machine_new (store, key, &error);
  g_assert_no_error (error);
  g_assert_true (reg_machine_set_machine_id (machine, "10001", &error));

  users = g_strdup_printf ("[{\"id\": \"operator1\", \"name\": \"Operator One\", \"status\": \"ACTIVE\","
                           "  \"roles\": [\"OPERATOR\"], \"passwordHash\": \"$scrypt$ln=10,r=8,p=1$AAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA\","
                           "  \"fingerprints\": [{\"finger\": \"RIGHT_INDEX\", \"template\": \"%s\"}]},"
                           " {\"id\": \"operator2\", \"name\": \"Operator Two\", \"status\": \"ACTIVE\","
                           "  \"roles\": [\"OPERATOR\"], \"passwordHash\": \"x\", \"fingerprints\": []}]",
                           template);
  g_assert_true (reg_machine_apply_sync_document (machine, REG_SYNC_USERS, users, &error));
  g_assert_no_error (error);
  g_assert_true (reg_machine_set_last_sync (machine, now, &error));
  g_assert_no_error (error);

  return directory;
}

static void
sign_in_with_finger (const char *user_id,
                     guint8     *pixels)
{
  g_autoptr(HwImageFeeder) feeder = NULL;
  GtkWidget *login = page ();

  g_assert_true (REG_IS_LOGIN_PAGE (login));
  reg_login_page_set_user_id (REG_LOGIN_PAGE (login), user_id);
  g_assert_true (gtk_widget_activate_action (login, "login-page.sign-in-finger", NULL));

  /* The reader is open and waiting for a finger. */
  GUI_TEST_WAIT_UNTIL (gui_test_find_label (login, "Place your finger on the reader") != NULL);
  feeder = hw_image_feeder_new (socket_path);
  hw_image_feeder_send_image (feeder, pixels, SYNTHETIC_FINGER_WIDTH, SYNTHETIC_FINGER_HEIGHT);
  GUI_TEST_WAIT_UNTIL (!REG_IS_LOGIN_PAGE (page ()) || !reg_login_page_get_busy (REG_LOGIN_PAGE (login)));
  gui_test_wait_frames (GTK_WIDGET (window), 2);
}

static void
test_other_finger_refused (void)
{
  g_autoptr(SyntheticFinger) other = synthetic_finger_new (99, SYNTHETIC_FINGER_ARCH);
  g_autofree guint8 *pixels = reg_test_impression (other, 3);
  RegMachine *machine = reg_application_get_machine (app, NULL);

  sign_in_with_finger ("operator1", pixels);
  g_assert_true (REG_IS_LOGIN_PAGE (page ()));
  g_assert_null (reg_window_get_user_id (REG_WINDOW (window)));
  g_assert_cmpuint (reg_store_get_login_failures (reg_machine_get_store (machine), "operator1", NULL), ==, 1);
  gui_test_save_screenshot (GTK_WIDGET (window), "registration-login-finger-refused-en");
}

static void
test_own_finger_signs_in (void)
{
  g_autoptr(SyntheticFinger) finger = synthetic_finger_new (OPERATOR_SEED, SYNTHETIC_FINGER_WHORL);
  g_autofree guint8 *pixels = reg_test_impression (finger, 2);
  RegMachine *machine = reg_application_get_machine (app, NULL);

  sign_in_with_finger ("operator1", pixels);
  g_assert_true (REG_IS_HOME_PAGE (page ()));
  g_assert_cmpstr (reg_window_get_user_id (REG_WINDOW (window)), ==, "operator1");
  g_assert_cmpuint (reg_store_get_login_failures (reg_machine_get_store (machine), "operator1", NULL), ==, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "reg-window.sign-out", NULL));
  gui_test_wait_frames (GTK_WIDGET (window), 2);
}

static void
test_no_templates_refused (void)
{
  g_autoptr(SyntheticFinger) finger = synthetic_finger_new (OPERATOR_SEED, SYNTHETIC_FINGER_WHORL);
  g_autofree guint8 *pixels = reg_test_impression (finger, 4);

  /* The operator's finger, offered as another user who enrolled none. */
  sign_in_with_finger ("operator2", pixels);
  g_assert_true (REG_IS_LOGIN_PAGE (page ()));
  g_assert_null (reg_window_get_user_id (REG_WINDOW (window)));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *directory = NULL;
  g_autoptr(GSettings) settings = NULL;
  int status;

  socket_path = reg_test_init_with_reader (&argc, &argv);

  directory = make_synced_machine ();
  g_setenv (REG_STORE_DIR_ENV, directory, TRUE);
  settings = g_settings_new (REG_APPLICATION_ID);
  g_settings_set_string (settings, "server-url", "https://127.0.0.1:9");
  g_settings_set_string (settings, "language", "en");

  app = reg_application_new ();
  window = gui_test_start_application (G_APPLICATION (app));

  g_test_add_func ("/registration/finger-login/other-finger-refused", test_other_finger_refused);
  g_test_add_func ("/registration/finger-login/own-finger-signs-in", test_own_finger_signs_in);
  g_test_add_func ("/registration/finger-login/no-templates-refused", test_no_templates_refused);

  status = g_test_run ();

  gtk_window_destroy (window);
  g_clear_object (&app);
  reg_test_reader_shutdown ();
  gui_test_remove_tree (directory);

  return status;
}
