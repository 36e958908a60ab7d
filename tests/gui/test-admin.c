/* test-admin.c — the admin console's first screen
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include "adm-application.h"
#include "adm-login-page.h"
#include "adm-window.h"
#include "gui-test-util.h"

static AdmApplication *app;
static GtkWindow *window;

static GSettings *
settings (void)
{
  static GSettings *settings;

  if (settings == NULL)
    settings = g_settings_new (ADM_APPLICATION_ID);

  return settings;
}

static GtkWidget *
page (void)
{
  return adm_window_get_page (ADM_WINDOW (window));
}

static void
fill_in (const char *address,
         const char *user_name,
         const char *password)
{
  adm_login_page_set_address (ADM_LOGIN_PAGE (page ()), address);
  adm_login_page_set_user_name (ADM_LOGIN_PAGE (page ()), user_name);
  gtk_editable_set_text (GTK_EDITABLE (gui_test_find_widget (page (), GTK_TYPE_PASSWORD_ENTRY)),
                         password);
}

static void
test_login_first_screen (void)
{
  static const struct {
    const char *code;
    const char *title;
    const char *address;
    const char *user;
    const char *password;
    const char *button;
    GtkTextDirection direction;
  } screens[] = {
    { "en", "Sign In", "Server address", "User name", "Password", "Sign In", GTK_TEXT_DIR_LTR },
    { "fr", "Connexion", "Adresse du serveur", "Nom d’utilisateur", "Mot de passe", "Se connecter", GTK_TEXT_DIR_LTR },
    { "ar", "تسجيل الدخول", "عنوان الخادم", "اسم المستخدم", "كلمة المرور", "دخول", GTK_TEXT_DIR_RTL },
  };

  gui_test_set_language (GTK_WIDGET (window), "en");
  g_assert_true (ADM_IS_LOGIN_PAGE (page ()));
  g_assert_cmpstr (gtk_widget_get_name (gtk_window_get_default_widget (window)), ==, "sign-in");

  for (guint i = 0; i < G_N_ELEMENTS (screens); i++)
    {
      g_autofree char *name = g_strdup_printf ("admin-%s", screens[i].code);
      g_autofree char *stored = NULL;

      gui_test_set_language (GTK_WIDGET (window), screens[i].code);
      stored = g_settings_get_string (settings (), "language");
      g_assert_cmpstr (stored, ==, screens[i].code);

      g_assert_true (ADM_IS_LOGIN_PAGE (page ()));
      gui_test_assert_label (GTK_WIDGET (window), screens[i].title);
      gui_test_assert_label (GTK_WIDGET (window), screens[i].address);
      gui_test_assert_label (GTK_WIDGET (window), screens[i].user);
      gui_test_assert_label (GTK_WIDGET (window), screens[i].password);
      gui_test_assert_label (GTK_WIDGET (window), screens[i].button);
      gui_test_assert_direction (GTK_WIDGET (window), screens[i].direction);
      gui_test_assert_accessible (GTK_WIDGET (window));
      gui_test_save_screenshot (GTK_WIDGET (window), name);
    }

  gui_test_set_language (GTK_WIDGET (window), "en");
}

static void
test_login_checks_fields (void)
{
  g_autofree char *stored_url = NULL;
  g_autofree char *stored_user = NULL;

  gui_test_set_language (GTK_WIDGET (window), "en");

  fill_in ("http://idem.example.org", "", "");
  g_assert_true (gtk_widget_activate_action (page (), "login-page.sign-in", NULL));
  gui_test_wait_frames (GTK_WIDGET (window), 1);
  gui_test_assert_label (page (), "The address must start with https:// — Idem only talks to its server over an encrypted connection.");
  gui_test_assert_label (page (), "Enter your user name.");
  gui_test_assert_label (page (), "Enter your password.");
  g_assert_null (gui_test_find_label (page (), "Sign-in needs the server"));
  stored_url = g_settings_get_string (settings (), "server-url");
  g_assert_cmpstr (stored_url, ==, "");

  /* Fixing the fields clears their errors; the console then says plainly
   * that it cannot check the account, and lets nobody in. */
  fill_in ("https://Idem.Example.org/", "admin", "correct horse");
  g_assert_true (gtk_widget_activate_action (page (), "login-page.sign-in", NULL));
  gui_test_wait_frames (GTK_WIDGET (window), 1);
  g_assert_null (gui_test_find_label (page (), "Enter your user name."));
  g_assert_null (gui_test_find_label (page (), "Enter your password."));
  gui_test_assert_label (page (), "Sign-in needs the server");
  g_assert_cmpstr (adm_login_page_get_address (ADM_LOGIN_PAGE (page ())), ==, "https://idem.example.org");
  g_assert_true (ADM_IS_LOGIN_PAGE (page ()));

  g_clear_pointer (&stored_url, g_free);
  stored_url = g_settings_get_string (settings (), "server-url");
  g_assert_cmpstr (stored_url, ==, "https://idem.example.org");
  stored_user = g_settings_get_string (settings (), "user-name");
  g_assert_cmpstr (stored_user, ==, "admin");

  /* What was typed survives a change of language. */
  gui_test_set_language (GTK_WIDGET (window), "ar");
  g_assert_cmpstr (adm_login_page_get_user_name (ADM_LOGIN_PAGE (page ())), ==, "admin");
  g_assert_cmpstr (adm_login_page_get_address (ADM_LOGIN_PAGE (page ())), ==, "https://idem.example.org");
  gui_test_set_language (GTK_WIDGET (window), "en");
}

static void
test_unknown_language_changes_nothing (void)
{
  g_autofree char *stored = NULL;

  gui_test_set_language (GTK_WIDGET (window), "ar");
  gui_test_set_language (GTK_WIDGET (window), "de");

  stored = g_settings_get_string (settings (), "language");
  g_assert_cmpstr (stored, ==, "ar");
  gui_test_assert_direction (GTK_WIDGET (window), GTK_TEXT_DIR_RTL);
  gui_test_assert_label (GTK_WIDGET (window), "كلمة المرور");

  gui_test_set_language (GTK_WIDGET (window), "en");
  gui_test_assert_direction (GTK_WIDGET (window), GTK_TEXT_DIR_LTR);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  gui_test_init (&argc, &argv);

  app = adm_application_new ();
  window = gui_test_start_application (G_APPLICATION (app));

  g_test_add_func ("/admin/login/first-screen", test_login_first_screen);
  g_test_add_func ("/admin/login/checks-fields", test_login_checks_fields);
  g_test_add_func ("/admin/unknown-language-changes-nothing", test_unknown_language_changes_nothing);

  status = g_test_run ();

  gtk_window_destroy (window);
  g_clear_object (&app);

  return status;
}
