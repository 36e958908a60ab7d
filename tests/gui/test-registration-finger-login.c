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
#include "reg-test-reader.h"
#include "reg-test-workstation.h"
#include "reg-window.h"
#include "synthetic-finger.h"

#include <glib/gstdio.h>

#define OPERATOR_SEED 7

static RegApplication *app;
static GtkWindow *window;

static GtkWidget *
page (void)
{
  return reg_window_get_page (REG_WINDOW (window));
}

/* operator1 has the finger of OPERATOR_SEED enrolled, operator2 none. */
static char *
make_synced_machine (void)
{
  g_autoptr(SyntheticFinger) finger = synthetic_finger_new (OPERATOR_SEED, SYNTHETIC_FINGER_WHORL);
  g_autofree char *template = reg_test_enrolled_template (finger);
  g_autofree char *users = NULL;
  g_autoptr(RegMachine) machine = NULL;
  char *directory;

  machine = reg_test_machine_new ("idem-reg-finger-XXXXXX", &directory);
  users = g_strdup_printf ("[{\"id\": \"operator1\", \"name\": \"Operator One\", \"status\": \"ACTIVE\","
                           "  \"roles\": [\"OPERATOR\"], \"passwordHash\": \"$scrypt$ln=10,r=8,p=1$AAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA\","
                           "  \"fingerprints\": [{\"finger\": \"RIGHT_INDEX\", \"template\": \"%s\"}]},"
                           " {\"id\": \"operator2\", \"name\": \"Operator Two\", \"status\": \"ACTIVE\","
                           "  \"roles\": [\"OPERATOR\"], \"passwordHash\": \"x\", \"fingerprints\": []}]",
                           template);
  reg_test_apply_sync (machine, users, NULL);

  return directory;
}

static void
test_other_finger_refused (void)
{
  g_autoptr(SyntheticFinger) other = synthetic_finger_new (99, SYNTHETIC_FINGER_ARCH);
  g_autofree guint8 *pixels = reg_test_impression (other, 3);
  RegMachine *machine = reg_application_get_machine (app, NULL);

  reg_test_sign_in_with_finger (window, "operator1", pixels);
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

  reg_test_sign_in_with_finger (window, "operator1", pixels);
  g_assert_true (REG_IS_HOME_PAGE (page ()));
  g_assert_cmpstr (reg_window_get_user_id (REG_WINDOW (window)), ==, "operator1");
  g_assert_cmpuint (reg_store_get_login_failures (reg_machine_get_store (machine), "operator1", NULL), ==, 0);
  reg_test_sign_out (window);
}

static void
test_no_templates_refused (void)
{
  g_autoptr(SyntheticFinger) finger = synthetic_finger_new (OPERATOR_SEED, SYNTHETIC_FINGER_WHORL);
  g_autofree guint8 *pixels = reg_test_impression (finger, 4);

  /* The operator's finger, offered as another user who enrolled none. */
  reg_test_sign_in_with_finger (window, "operator2", pixels);
  g_assert_true (REG_IS_LOGIN_PAGE (page ()));
  g_assert_null (reg_window_get_user_id (REG_WINDOW (window)));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *directory = NULL;
  int status;

  reg_test_init_with_reader (&argc, &argv);

  directory = make_synced_machine ();
  window = reg_test_start_workstation (directory, "https://127.0.0.1:9", &app);

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
