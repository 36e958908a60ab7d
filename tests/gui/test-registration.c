/* test-registration.c — the registration client's first screens
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include "gui-test-util.h"
#include "reg-application.h"
#include "reg-login-page.h"
#include "reg-machine.h"
#include "reg-setup-page.h"
#include "reg-test-workstation.h"
#include "reg-window.h"

#include <glib/gstdio.h>

static RegApplication *app;
static GtkWindow *window;

static GtkWidget *
page (void)
{
  return reg_window_get_page (REG_WINDOW (window));
}

/* Fresh machine: no server yet, English, setup page on screen. */
static void
reset_to_setup (void)
{
  gui_test_set_language (GTK_WIDGET (window), "en");
  g_settings_set_string (reg_test_settings (), "server-url", "");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "reg-window.show-setup", NULL));
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_true (REG_IS_SETUP_PAGE (page ()));
  reg_setup_page_set_address (REG_SETUP_PAGE (page ()), "");
}

static void
reset_to_login (void)
{
  gui_test_set_language (GTK_WIDGET (window), "en");
  g_settings_set_string (reg_test_settings (), "server-url", "https://idem.example.org");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "reg-window.show-login", NULL));
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_true (REG_IS_LOGIN_PAGE (page ()));
}

static void
test_setup_first_screen (void)
{
  static const struct {
    const char *code;
    const char *title;
    const char *field;
    const char *button;
    const char *window_title;
    GtkTextDirection direction;
  } screens[] = {
    { "en", "Set Up This Workstation", "Server address", "Continue", "Idem Registration", GTK_TEXT_DIR_LTR },
    { "fr", "Configurer ce poste de travail", "Adresse du serveur", "Continuer", "Idem Enregistrement", GTK_TEXT_DIR_LTR },
    { "ar", "إعداد محطة العمل هذه", "عنوان الخادم", "متابعة", "تسجيل Idem", GTK_TEXT_DIR_RTL },
    { "en", "Set Up This Workstation", "Server address", "Continue", "Idem Registration", GTK_TEXT_DIR_LTR },
  };

  reset_to_setup ();
  gui_test_assert_accessible (GTK_WIDGET (window));
  g_assert_true (gtk_window_get_default_widget (window) != NULL);
  g_assert_cmpstr (gtk_widget_get_name (gtk_window_get_default_widget (window)), ==, "continue");

  for (guint i = 0; i < G_N_ELEMENTS (screens); i++)
    {
      g_autofree char *name = g_strdup_printf ("registration-%s", screens[i].code);
      g_autofree char *stored = NULL;

      gui_test_set_language (GTK_WIDGET (window), screens[i].code);
      stored = g_settings_get_string (reg_test_settings (), "language");
      g_assert_cmpstr (stored, ==, screens[i].code);

      g_assert_true (REG_IS_SETUP_PAGE (page ()));
      gui_test_assert_label (GTK_WIDGET (window), screens[i].title);
      gui_test_assert_label (GTK_WIDGET (window), screens[i].field);
      gui_test_assert_label (GTK_WIDGET (window), screens[i].button);
      g_assert_cmpstr (gtk_window_get_title (window), ==, screens[i].window_title);
      gui_test_assert_direction (GTK_WIDGET (window), screens[i].direction);
      gui_test_assert_accessible (GTK_WIDGET (window));

      if (i < 3)
        gui_test_save_screenshot (GTK_WIDGET (window), name);
    }
}

static void
test_setup_address_validation (void)
{
  static const struct {
    const char *typed;
    const char *message;
  } refused[] = {
    { "", "Enter the address of the server." },
    { "   ", "Enter the address of the server." },
    { "http://idem.example.org", "The address must start with https:// — Idem only talks to its server over an encrypted connection." },
    { "ftp://idem.example.org", "The address must start with https:// — Idem only talks to its server over an encrypted connection." },
    { "idem.example.org", "This is not a web address. Write the full address, for example https://idem.example.org" },
    { "https://idem example.org", "This is not a web address. Write the full address, for example https://idem.example.org" },
    { "https://admin:secret@idem.example.org", "Give only the server, with its port and path if it has one: no user name, “?” or “#” parts." },
    { "https://idem.example.org/?x=1", "Give only the server, with its port and path if it has one: no user name, “?” or “#” parts." },
  };
  g_autofree char *stored = NULL;
  GtkWidget *error_label;

  reset_to_setup ();

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *still_empty = NULL;

      g_test_message ("Refusing “%s”", refused[i].typed);
      reg_setup_page_set_address (REG_SETUP_PAGE (page ()), refused[i].typed);
      g_assert_true (gtk_widget_activate_action (page (), "setup-page.continue", NULL));
      gui_test_wait_frames (GTK_WIDGET (window), 1);

      /* The error shows next to the field, and nothing else changed. */
      g_assert_true (REG_IS_SETUP_PAGE (page ()));
      error_label = gui_test_find_label (page (), refused[i].message);
      g_assert_nonnull (error_label);
      g_assert_true (gtk_widget_has_css_class (error_label, "error"));
      still_empty = g_settings_get_string (reg_test_settings (), "server-url");
      g_assert_cmpstr (still_empty, ==, "");
    }

  /* The same check speaks French. */
  gui_test_set_language (GTK_WIDGET (window), "fr");
  reg_setup_page_set_address (REG_SETUP_PAGE (page ()), "http://idem.example.org");
  g_assert_true (gtk_widget_activate_action (page (), "setup-page.continue", NULL));
  gui_test_wait_frames (GTK_WIDGET (window), 1);
  gui_test_assert_label (page (), "L’adresse doit commencer par https:// — Idem ne communique avec son serveur que par une connexion chiffrée.");
  gui_test_save_screenshot (GTK_WIDGET (window), "registration-setup-error-fr");
  gui_test_set_language (GTK_WIDGET (window), "en");

  /* A good address is stored in canonical form and leads to sign-in. */
  reg_setup_page_set_address (REG_SETUP_PAGE (page ()), "  HTTPS://Idem.Example.ORG:8443/registration/ ");
  g_assert_true (gtk_widget_activate_action (page (), "setup-page.continue", NULL));
  gui_test_wait_frames (GTK_WIDGET (window), 2);

  stored = g_settings_get_string (reg_test_settings (), "server-url");
  g_assert_cmpstr (stored, ==, "https://idem.example.org:8443/registration");
  g_assert_true (REG_IS_LOGIN_PAGE (page ()));
  gui_test_assert_label (GTK_WIDGET (window), "idem.example.org");
}

static void
test_setup_enter_continues (void)
{
  GtkWidget *text;

  reset_to_setup ();

  /* The address field has the focus, and Enter in it presses Continue, the
   * window's default. */
  reg_setup_page_set_address (REG_SETUP_PAGE (page ()), "http://idem.example.org");
  text = GTK_WIDGET (gtk_editable_get_delegate (GTK_EDITABLE (gui_test_find_widget (page (), GTK_TYPE_ENTRY))));
  g_assert_true (gtk_window_get_focus (window) == text);
  g_signal_emit_by_name (text, "activate");
  gui_test_wait_for_label (page (), "The address must start with https:// — Idem only talks to its server over an encrypted connection.");
  g_assert_true (REG_IS_SETUP_PAGE (page ()));
}

static void
test_setup_keeps_typed_text (void)
{
  reset_to_setup ();

  reg_setup_page_set_address (REG_SETUP_PAGE (page ()), "https://half-typed");
  gui_test_set_language (GTK_WIDGET (window), "ar");
  g_assert_true (REG_IS_SETUP_PAGE (page ()));
  g_assert_cmpstr (reg_setup_page_get_address (REG_SETUP_PAGE (page ())), ==, "https://half-typed");
  gui_test_set_language (GTK_WIDGET (window), "en");
}

static void
test_login_first_screen (void)
{
  static const struct {
    const char *code;
    const char *title;
    const char *user;
    const char *password;
    GtkTextDirection direction;
  } screens[] = {
    { "en", "Sign In", "User ID", "Password", GTK_TEXT_DIR_LTR },
    { "fr", "Connexion", "Identifiant", "Mot de passe", GTK_TEXT_DIR_LTR },
    { "ar", "تسجيل الدخول", "معرّف المستخدم", "كلمة المرور", GTK_TEXT_DIR_RTL },
  };

  reset_to_login ();
  g_assert_cmpstr (gtk_widget_get_name (gtk_window_get_default_widget (window)), ==, "sign-in");

  for (guint i = 0; i < G_N_ELEMENTS (screens); i++)
    {
      g_autofree char *name = g_strdup_printf ("registration-login-%s", screens[i].code);

      gui_test_set_language (GTK_WIDGET (window), screens[i].code);
      g_assert_true (REG_IS_LOGIN_PAGE (page ()));
      gui_test_assert_label (GTK_WIDGET (window), screens[i].title);
      gui_test_assert_label (GTK_WIDGET (window), screens[i].user);
      gui_test_assert_label (GTK_WIDGET (window), screens[i].password);
      gui_test_assert_direction (GTK_WIDGET (window), screens[i].direction);
      gui_test_assert_accessible (GTK_WIDGET (window));
      gui_test_save_screenshot (GTK_WIDGET (window), name);
    }

  gui_test_set_language (GTK_WIDGET (window), "en");
}

static void
test_login_needs_synced_machine (void)
{
  reset_to_login ();

  /* Empty fields are refused next to each field. */
  reg_login_page_set_user_id (REG_LOGIN_PAGE (page ()), "");
  g_assert_true (gtk_widget_activate_action (page (), "login-page.sign-in", NULL));
  gui_test_wait_frames (GTK_WIDGET (window), 1);
  gui_test_assert_label (page (), "Enter your user ID.");
  gui_test_assert_label (page (), "Enter your password.");
  g_assert_null (gui_test_find_label (page (), "Sign-in needs a synced machine"));

  /* Filled in, the machine says it cannot check them: it has not synced. */
  reg_login_page_set_user_id (REG_LOGIN_PAGE (page ()), "operator1");
  gtk_editable_set_text (GTK_EDITABLE (gui_test_find_widget (page (), GTK_TYPE_PASSWORD_ENTRY)),
                         "correct horse");
  g_assert_true (gtk_widget_activate_action (page (), "login-page.sign-in", NULL));
  gui_test_wait_frames (GTK_WIDGET (window), 1);
  g_assert_null (gui_test_find_label (page (), "Enter your user ID."));
  g_assert_null (gui_test_find_label (page (), "Enter your password."));
  gui_test_assert_label (page (), "Sign-in needs a synced machine");
  g_assert_true (REG_IS_LOGIN_PAGE (page ()));
  gui_test_save_screenshot (GTK_WIDGET (window), "registration-login-not-synced-en");
}

static void
test_unknown_language_changes_nothing (void)
{
  g_autofree char *stored = NULL;
  g_autoptr(GVariant) state = NULL;

  reset_to_setup ();
  gui_test_set_language (GTK_WIDGET (window), "fr");
  gui_test_set_language (GTK_WIDGET (window), "xx");

  stored = g_settings_get_string (reg_test_settings (), "language");
  g_assert_cmpstr (stored, ==, "fr");
  state = g_action_group_get_action_state (G_ACTION_GROUP (app), "language");
  g_assert_cmpstr (g_variant_get_string (state, NULL), ==, "fr");
  gui_test_assert_label (GTK_WIDGET (window), "Configurer ce poste de travail");

  gui_test_set_language (GTK_WIDGET (window), "en");
}

static void
test_stored_language_applies_at_start (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(RegApplication) fresh = NULL;
      GtkWindow *fresh_window;

      g_settings_set_string (reg_test_settings (), "language", "ar");
      fresh = reg_application_new ();
      fresh_window = gui_test_start_application (G_APPLICATION (fresh));
      gui_test_assert_label (GTK_WIDGET (fresh_window), "إعداد محطة العمل هذه");
      gui_test_assert_direction (GTK_WIDGET (fresh_window), GTK_TEXT_DIR_RTL);
      gtk_window_destroy (fresh_window);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* These screens are those of a workstation that has its key and machine
 * ID; first-run registration is tested in test-registration-shell. */
static char *
make_registered_machine (void)
{
  g_autoptr(RegMachine) machine = NULL;
  char *directory;

  machine = reg_test_machine_new ("idem-reg-XXXXXX", &directory);

  return directory;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *directory = NULL;
  gboolean made_directory = FALSE;
  int status;

  gui_test_init (&argc, &argv);

  directory = g_strdup (g_getenv (REG_STORE_DIR_ENV));
  if (directory == NULL)
    {
      directory = make_registered_machine ();
      made_directory = TRUE;
      g_setenv (REG_STORE_DIR_ENV, directory, TRUE);
    }

  g_test_add_func ("/registration/stored-language-applies-at-start", test_stored_language_applies_at_start);

  if (!g_test_subprocess ())
    {
      app = reg_application_new ();
      window = gui_test_start_application (G_APPLICATION (app));
    }

  g_test_add_func ("/registration/setup/first-screen", test_setup_first_screen);
  g_test_add_func ("/registration/setup/address-validation", test_setup_address_validation);
  g_test_add_func ("/registration/setup/enter-continues", test_setup_enter_continues);
  g_test_add_func ("/registration/setup/keeps-typed-text", test_setup_keeps_typed_text);
  g_test_add_func ("/registration/login/first-screen", test_login_first_screen);
  g_test_add_func ("/registration/login/needs-synced-machine", test_login_needs_synced_machine);
  g_test_add_func ("/registration/unknown-language-changes-nothing", test_unknown_language_changes_nothing);

  status = g_test_run ();

  if (window != NULL)
    gtk_window_destroy (window);
  g_clear_object (&app);

  if (made_directory)
    gui_test_remove_tree (directory);

  return status;
}
