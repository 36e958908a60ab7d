/* reg-test-workstation.c — a registration workstation for the tests: its
 * machine and sync, its window, signing in and out
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include "reg-test-workstation.h"

#include "gui-test-util.h"
#include "reg-login-page.h"
#include "reg-window.h"

/**
 * reg_test_settings:
 *
 * The application's settings, made once and kept for the whole test, as
 * the application keeps its own: with the memory backend, every
 * #GSettings of the process shares the values.
 *
 * Returns: (transfer none): the registration client's settings
 */
GSettings *
reg_test_settings (void)
{
  static GSettings *settings;

  if (settings == NULL)
    settings = g_settings_new (REG_APPLICATION_ID);

  return settings;
}

/**
 * reg_test_start_workstation:
 * @store_dir: where the workstation keeps its store and key
 * @server_url: the server address the settings hold, "" for none yet
 * @app: (out): the application
 *
 * Starts the registration client in English on @store_dir, as it starts
 * on a workstation, and waits until its window is drawn.
 *
 * Returns: (transfer none): the application's window
 */
GtkWindow *
reg_test_start_workstation (const char      *store_dir,
                            const char      *server_url,
                            RegApplication **app)
{
  g_setenv (REG_STORE_DIR_ENV, store_dir, TRUE);
  g_settings_set_string (reg_test_settings (), "server-url", server_url);
  g_settings_set_string (reg_test_settings (), "language", "en");

  *app = reg_application_new ();

  return gui_test_start_application (G_APPLICATION (*app));
}

/**
 * reg_test_machine_new:
 * @name_template: the name of the directory to make, ending in XXXXXX
 * @directory: (out): the directory made, for the test to remove
 *
 * A workstation as its first run leaves it: a store and a software key
 * in a new temporary directory, and machine ID 10001, but no sync yet.
 *
 * Returns: (transfer full): the machine
 */
RegMachine *
reg_test_machine_new (const char  *name_template,
                      char       **directory)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RegStore) store = NULL;
  g_autoptr(RegMachineKey) key = NULL;
  RegMachine *machine;

  *directory = g_dir_make_tmp (name_template, &error);
  g_assert_no_error (error);
  store = reg_store_new (*directory, &error);
  g_assert_no_error (error);
  key = reg_machine_key_new_software (*directory);
  g_assert_true (reg_machine_key_generate (key, &error));
  g_assert_no_error (error);
  machine = reg_machine_new (store, key, &error);
  g_assert_no_error (error);
  g_assert_true (reg_machine_set_machine_id (machine, "10001", &error));
  g_assert_no_error (error);

  return machine;
}

/**
 * reg_test_apply_sync:
 * @machine: a machine
 * @users: the users document, as the server's sync delivers it
 * @master_data: (nullable): the master data document
 *
 * Stores what a sync with the server would, and records it as done now,
 * so that the machine counts as synced without a server.
 */
void
reg_test_apply_sync (RegMachine *machine,
                     const char *users,
                     const char *master_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  g_assert_true (reg_machine_apply_sync_document (machine, REG_SYNC_USERS, users, &error));
  g_assert_no_error (error);
  if (master_data != NULL)
    {
      g_assert_true (reg_machine_apply_sync_document (machine, REG_SYNC_MASTER_DATA, master_data, &error));
      g_assert_no_error (error);
    }
  g_assert_true (reg_machine_set_last_sync (machine, now, &error));
  g_assert_no_error (error);
}

/**
 * reg_test_add_sealed_packet:
 * @store: a workstation's store
 * @rid: the packet's registration ID
 * @name: the resident's name in the preview
 * @date_of_birth: (nullable): the resident's date of birth in the preview
 *
 * Records a packet as operator1 sealed it, pending approval, with a
 * stand-in for its file and the preview a supervisor reviews.
 */
void
reg_test_add_sealed_packet (RegStore   *store,
                            const char *rid,
                            const char *name,
                            const char *date_of_birth)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = g_strdup_printf ("sealed packet %s", rid);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, contents, -1);
  g_autofree char *path = g_build_filename (reg_store_get_packet_dir (store), rid, NULL);
  g_autofree char *born = NULL;
  g_autofree char *preview_json = NULL;
  g_autoptr(GBytes) preview = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  g_assert_true (reg_store_add_packet (store, rid, path, hash, strlen (contents), "operator1", &error));
  g_assert_no_error (error);

  if (date_of_birth != NULL)
    born = g_strdup_printf (", \"dateOfBirth\": \"%s\"", date_of_birth);
  preview_json = g_strdup_printf ("{\"fullName\": [{\"language\": \"eng\", \"value\": \"%s\"}]%s}",
                                  name, born != NULL ? born : "");
  preview = g_bytes_new (preview_json, strlen (preview_json));
  g_assert_true (reg_store_add_preview (store, rid, preview, &error));
  g_assert_no_error (error);
}

/**
 * reg_test_sign_in:
 * @window: the registration client's window, on its sign-in page
 * @user_id: who signs in
 * @password: the password typed
 *
 * Signs in as a user does, and waits until the sign-in page has answered:
 * either another page shows, or the sign-in page says why not.
 */
void
reg_test_sign_in (GtkWindow  *window,
                  const char *user_id,
                  const char *password)
{
  GtkWidget *login = reg_window_get_page (REG_WINDOW (window));

  g_assert_true (REG_IS_LOGIN_PAGE (login));
  reg_login_page_set_user_id (REG_LOGIN_PAGE (login), user_id);
  gtk_editable_set_text (GTK_EDITABLE (gui_test_find_widget (login, GTK_TYPE_PASSWORD_ENTRY)), password);
  g_assert_true (gtk_widget_activate_action (login, "login-page.sign-in", NULL));
  GUI_TEST_WAIT_UNTIL (!REG_IS_LOGIN_PAGE (reg_window_get_page (REG_WINDOW (window))) ||
                       !reg_login_page_get_busy (REG_LOGIN_PAGE (login)));
  gui_test_wait_frames (GTK_WIDGET (window), 2);
}

/**
 * reg_test_sign_out:
 * @window: the registration client's window
 *
 * Signs out whoever is signed in, and checks that the sign-in page is
 * back.
 */
void
reg_test_sign_out (GtkWindow *window)
{
  if (reg_window_get_user_id (REG_WINDOW (window)) != NULL)
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "reg-window.sign-out", NULL));
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_true (REG_IS_LOGIN_PAGE (reg_window_get_page (REG_WINDOW (window))));
}
