/* test-resident-kiosk.c — the kiosk's welcome and login screens
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include "gui-test-util.h"
#include "kiosk-application.h"
#include "kiosk-individual-id.h"
#include "kiosk-login-page.h"
#include "kiosk-welcome-page.h"
#include "kiosk-window.h"

static KioskApplication *app;
static GtkWindow *window;

static GtkWidget *
page (void)
{
  return kiosk_window_get_page (KIOSK_WINDOW (window));
}

static void
show_welcome (void)
{
  gui_test_set_language (GTK_WIDGET (window), "en");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk-window.show-welcome", NULL));
  gui_test_wait_frames (GTK_WIDGET (window), 1);
  g_assert_true (KIOSK_IS_WELCOME_PAGE (page ()));
}

static void
test_welcome_first_screen (void)
{
  static const struct {
    const char *code;
    const char *title;
    const char *button;
    GtkTextDirection direction;
  } screens[] = {
    { "en", "Welcome", "Log in with UIN or VID", GTK_TEXT_DIR_LTR },
    { "fr", "Bienvenue", "Se connecter avec un UIN ou un VID", GTK_TEXT_DIR_LTR },
    { "ar", "مرحبًا بكم", "الدخول برقم UIN أو VID", GTK_TEXT_DIR_RTL },
  };

  show_welcome ();
  g_assert_cmpstr (gtk_widget_get_name (gtk_window_get_default_widget (window)), ==, "log-in");

  for (guint i = 0; i < G_N_ELEMENTS (screens); i++)
    {
      g_autofree char *name = g_strdup_printf ("resident-kiosk-%s", screens[i].code);

      gui_test_set_language (GTK_WIDGET (window), screens[i].code);
      g_assert_true (KIOSK_IS_WELCOME_PAGE (page ()));
      gui_test_assert_label (GTK_WIDGET (window), screens[i].title);
      gui_test_assert_label (GTK_WIDGET (window), screens[i].button);

      /* The three languages are offered in their own scripts, whatever
       * the language on screen. */
      gui_test_assert_label (GTK_WIDGET (window), "English");
      gui_test_assert_label (GTK_WIDGET (window), "Français");
      gui_test_assert_label (GTK_WIDGET (window), "العربية");

      gui_test_assert_direction (GTK_WIDGET (window), screens[i].direction);
      gui_test_assert_accessible (GTK_WIDGET (window));
      gui_test_save_screenshot (GTK_WIDGET (window), name);
    }

  gui_test_set_language (GTK_WIDGET (window), "en");
}

static void
test_login_screen (void)
{
  static const struct {
    const char *code;
    const char *label;
    GtkTextDirection direction;
  } screens[] = {
    { "en", "UIN or VID", GTK_TEXT_DIR_LTR },
    { "fr", "UIN ou VID", GTK_TEXT_DIR_LTR },
    { "ar", "رقم UIN أو VID", GTK_TEXT_DIR_RTL },
  };

  show_welcome ();
  g_assert_true (gtk_widget_activate_action (page (), "kiosk-window.show-login", NULL));
  gui_test_wait_frames (GTK_WIDGET (window), 1);
  g_assert_true (KIOSK_IS_LOGIN_PAGE (page ()));
  g_assert_cmpstr (gtk_widget_get_name (gtk_window_get_default_widget (window)), ==, "continue");

  for (guint i = 0; i < G_N_ELEMENTS (screens); i++)
    {
      g_autofree char *name = g_strdup_printf ("resident-kiosk-login-%s", screens[i].code);

      gui_test_set_language (GTK_WIDGET (window), screens[i].code);
      g_assert_true (KIOSK_IS_LOGIN_PAGE (page ()));
      gui_test_assert_label (GTK_WIDGET (window), screens[i].label);
      gui_test_assert_direction (GTK_WIDGET (window), screens[i].direction);
      gui_test_assert_accessible (GTK_WIDGET (window));
      gui_test_save_screenshot (GTK_WIDGET (window), name);
    }

  gui_test_set_language (GTK_WIDGET (window), "en");
  g_assert_true (gtk_widget_activate_action (page (), "kiosk-window.show-welcome", NULL));
  gui_test_wait_frames (GTK_WIDGET (window), 1);
  g_assert_true (KIOSK_IS_WELCOME_PAGE (page ()));
}

static void
test_login_checks_number (void)
{
  static const struct {
    const char *typed;
    const char *message;
  } refused[] = {
    { "", "Enter your UIN or VID." },
    { "12345", "A UIN has 10 digits and a VID has 16, but this number has 5 digits." },
    { "1", "A UIN has 10 digits and a VID has 16, but this number has 1 digit." },
    { "12345678901", "A UIN has 10 digits and a VID has 16, but this number has 11 digits." },
    { "12345ABCDE", "A UIN or VID has only digits, 0 to 9." },
  };

  show_welcome ();
  g_assert_true (gtk_widget_activate_action (page (), "kiosk-window.show-login", NULL));
  gui_test_wait_frames (GTK_WIDGET (window), 1);

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      kiosk_login_page_set_individual_id (KIOSK_LOGIN_PAGE (page ()), refused[i].typed);
      g_assert_true (gtk_widget_activate_action (page (), "login-page.continue", NULL));
      gui_test_wait_frames (GTK_WIDGET (window), 1);
      gui_test_assert_label (page (), refused[i].message);
      g_assert_null (gui_test_find_label (page (), "This is a UIN"));
    }

  /* A wrong length, in Arabic, with the plural form Arabic uses for 5. */
  gui_test_set_language (GTK_WIDGET (window), "ar");
  kiosk_login_page_set_individual_id (KIOSK_LOGIN_PAGE (page ()), "12345");
  g_assert_true (gtk_widget_activate_action (page (), "login-page.continue", NULL));
  gui_test_wait_frames (GTK_WIDGET (window), 1);
  gui_test_assert_label (page (), "يتكوّن رقم UIN من 10 أرقام ورقم VID من 16 رقمًا، لكن هذا الرقم يتكوّن من 5 أرقام.");
  gui_test_save_screenshot (GTK_WIDGET (window), "resident-kiosk-login-error-ar");
  gui_test_set_language (GTK_WIDGET (window), "en");

  /* Ten digits are a UIN, sixteen a VID, spaces and Arabic-Indic digits
   * allowed; the kiosk then says it cannot go on without the server. */
  kiosk_login_page_set_individual_id (KIOSK_LOGIN_PAGE (page ()), "2345 6789 01");
  g_assert_true (gtk_widget_activate_action (page (), "login-page.continue", NULL));
  gui_test_wait_frames (GTK_WIDGET (window), 1);
  gui_test_assert_label (page (), "This is a UIN");
  gui_test_assert_label (page (), "This kiosk is not connected to the Idem server yet, so it cannot send you a one-time password. Please ask at the counter.");

  kiosk_login_page_set_individual_id (KIOSK_LOGIN_PAGE (page ()), "١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦");
  g_assert_true (gtk_widget_activate_action (page (), "login-page.continue", NULL));
  gui_test_wait_frames (GTK_WIDGET (window), 1);
  gui_test_assert_label (page (), "This is a VID");
}

static void
test_individual_id_parse (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *digits = NULL;

  g_assert_cmpint (kiosk_individual_id_parse ("2345678901", &digits, &error), ==, KIOSK_INDIVIDUAL_ID_UIN);
  g_assert_no_error (error);
  g_assert_cmpstr (digits, ==, "2345678901");
  g_clear_pointer (&digits, g_free);

  g_assert_cmpint (kiosk_individual_id_parse ("1234-5678-9012-3456", &digits, &error), ==, KIOSK_INDIVIDUAL_ID_VID);
  g_assert_no_error (error);
  g_assert_cmpstr (digits, ==, "1234567890123456");
  g_clear_pointer (&digits, g_free);

  g_assert_cmpint (kiosk_individual_id_parse ("٢٣٤٥٦٧٨٩٠١", &digits, &error), ==, KIOSK_INDIVIDUAL_ID_UIN);
  g_assert_no_error (error);
  g_assert_cmpstr (digits, ==, "2345678901");
  g_clear_pointer (&digits, g_free);

  g_assert_cmpint (kiosk_individual_id_parse ("  ", &digits, &error), ==, KIOSK_INDIVIDUAL_ID_NONE);
  g_assert_error (error, KIOSK_INDIVIDUAL_ID_ERROR, KIOSK_INDIVIDUAL_ID_ERROR_EMPTY);
  g_assert_null (digits);
  g_clear_error (&error);

  g_assert_cmpint (kiosk_individual_id_parse ("23456789012", &digits, &error), ==, KIOSK_INDIVIDUAL_ID_NONE);
  g_assert_error (error, KIOSK_INDIVIDUAL_ID_ERROR, KIOSK_INDIVIDUAL_ID_ERROR_WRONG_LENGTH);
  g_assert_null (digits);
  g_clear_error (&error);

  g_assert_cmpint (kiosk_individual_id_parse ("234567890x", &digits, &error), ==, KIOSK_INDIVIDUAL_ID_NONE);
  g_assert_error (error, KIOSK_INDIVIDUAL_ID_ERROR, KIOSK_INDIVIDUAL_ID_ERROR_NOT_DIGITS);
  g_assert_null (digits);
  g_clear_error (&error);

  g_assert_cmpint (kiosk_individual_id_parse ("\xff\xfe", &digits, &error), ==, KIOSK_INDIVIDUAL_ID_NONE);
  g_assert_error (error, KIOSK_INDIVIDUAL_ID_ERROR, KIOSK_INDIVIDUAL_ID_ERROR_NOT_DIGITS);
  g_clear_error (&error);
}

static void
test_fullscreen (void)
{
  /* With the default settings the kiosk asks for the whole screen.  The
   * test display has no window manager to grant the request, so what is
   * checked is the request itself, before the window is shown. */
  if (g_test_subprocess ())
    {
      g_autoptr(KioskApplication) fresh = kiosk_application_new ();
      g_autoptr(GSettings) settings = g_settings_new (KIOSK_APPLICATION_ID);
      g_autoptr(GError) error = NULL;
      KioskWindow *fresh_window;
      gboolean fullscreened = FALSE;

      g_assert_true (g_settings_get_boolean (settings, "fullscreen"));
      g_application_set_flags (G_APPLICATION (fresh), G_APPLICATION_NON_UNIQUE);
      g_application_register (G_APPLICATION (fresh), NULL, &error);
      g_assert_no_error (error);

      fresh_window = kiosk_window_new (fresh);
      g_object_get (fresh_window, "fullscreened", &fullscreened, NULL);
      g_assert_true (fullscreened);
      gtk_window_destroy (GTK_WINDOW (fresh_window));

      /* Turned off, it is an ordinary window. */
      g_settings_set_boolean (settings, "fullscreen", FALSE);
      fresh_window = kiosk_window_new (fresh);
      g_object_get (fresh_window, "fullscreened", &fullscreened, NULL);
      g_assert_false (fullscreened);
      gtk_window_destroy (GTK_WINDOW (fresh_window));
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  int status;

  gui_test_init (&argc, &argv);

  g_test_add_func ("/resident-kiosk/individual-id/parse", test_individual_id_parse);
  g_test_add_func ("/resident-kiosk/fullscreen", test_fullscreen);

  if (!g_test_subprocess ())
    {
      g_autoptr(GSettings) settings = g_settings_new (KIOSK_APPLICATION_ID);

      /* Screenshots of a known size: the test display has no window manager
       * to make the window fill it. */
      g_settings_set_boolean (settings, "fullscreen", FALSE);

      app = kiosk_application_new ();
      window = gui_test_start_application (G_APPLICATION (app));

      g_test_add_func ("/resident-kiosk/welcome/first-screen", test_welcome_first_screen);
      g_test_add_func ("/resident-kiosk/login/first-screen", test_login_screen);
      g_test_add_func ("/resident-kiosk/login/checks-number", test_login_checks_number);
    }

  status = g_test_run ();

  if (window != NULL)
    gtk_window_destroy (window);
  g_clear_object (&app);

  return status;
}
