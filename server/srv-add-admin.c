/* srv-add-admin.c — `idem-server add-admin`: the first administrator
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The admin API creates users, but only for a caller who is already an
 * administrator: a new data directory needs one made from the command
 * line, by whoever holds the data directory.  The password is generated,
 * printed once and never stored in clear; the administrator changes it
 * through the admin API.  The command works on a stopped server's data
 * directory (SQLite's lock refuses it while another writer holds it).
 */

#define G_LOG_DOMAIN "idem-server"

#include "config.h"

#include "srv-add-admin.h"
#include "srv-admin-private.h"
#include "srv-audit.h"
#include "srv-cli.h"
#include "srv-config.h"
#include "srv-database.h"
#include "srv-error.h"
#include "srv-password.h"

#include "idem.h"

#include <glib/gi18n.h>
#include <string.h>

/**
 * srv_add_admin:
 * @config: the data directory's configuration
 * @user_id: the new administrator's user id
 * @name: the administrator's name as shown in the admin console
 * @password: (out) (transfer full): the generated password
 * @error: return location for an error in %SRV_ERROR
 *
 * Creates an active user with the ADMIN role, in one transaction with its
 * audit event.  An existing user id is refused and changes nothing.
 *
 * Returns: whether the administrator was created
 */
gboolean
srv_add_admin (SrvConfig   *config,
               const char  *user_id,
               const char  *name,
               char       **password,
               GError     **error)
{
  g_autoptr(SrvDatabase) database = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *generated = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *version = NULL;
  gboolean exists = FALSE;
  sqlite3 *db;

  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (user_id != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (password != NULL, FALSE);

  if (!srv_admin_is_id (user_id))
    {
      g_set_error (error, SRV_ERROR, SRV_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a user id: use 1 to 64 letters, digits, “.”, “_” or “-”, starting with a letter or digit"), user_id);
      return FALSE;
    }

  generated = srv_password_generate (error);
  if (generated == NULL)
    return FALSE;
  hash = srv_password_hash (generated, &local_error);
  if (hash == NULL)
    {
      g_set_error (error, SRV_ERROR, SRV_ERROR_INVALID_ARGUMENT, "%s", local_error->message);
      return FALSE;
    }

  database = srv_database_open (config->database_path, FALSE, error);
  if (database == NULL || !srv_database_migrate (database, error))
    return FALSE;
  db = srv_database_get_handle (database);

  if (!srv_database_exec (database, "BEGIN IMMEDIATE", &local_error) ||
      !srv_admin_exists (db, &exists, &local_error, "SELECT 1 FROM app_user WHERE id = ?", "t", user_id))
    goto fail;

  if (exists)
    {
      srv_database_exec (database, "ROLLBACK", NULL);
      g_set_error (error, SRV_ERROR, SRV_ERROR_INVALID_ARGUMENT,
                   _("A user “%s” already exists: choose another user id"), user_id);
      return FALSE;
    }

  /* A new user is a change machines may sync, like any admin API write. */
  if (!srv_admin_query_text (db, &version, &local_error,
                             "UPDATE sync_clock SET version = version + 1 WHERE id = 1 RETURNING version", NULL) ||
      !srv_admin_exec (db, &local_error,
                       "INSERT INTO app_user (id, name, password_hash, status, version)"
                       " VALUES (?, ?, ?, 'ACTIVE', ?)",
                       "ttti", user_id, name, hash, g_ascii_strtoll (version, NULL, 10)) ||
      !srv_admin_exec (db, &local_error, "INSERT INTO user_role (user_id, role) VALUES (?, 'ADMIN')", "t", user_id) ||
      !srv_audit_record (database, "system", "user.create", user_id, TRUE, "idem-server add-admin", NULL, &local_error) ||
      !srv_database_exec (database, "COMMIT", &local_error) ||
      !srv_database_close (database, &local_error))
    goto fail;

  *password = g_steal_pointer (&generated);
  return TRUE;

fail:
  if (!sqlite3_get_autocommit (db))
    srv_database_exec (database, "ROLLBACK", NULL);
  idem_crypto_wipe (generated, strlen (generated));
  g_set_error (error, SRV_ERROR, SRV_ERROR_DATABASE,
               _("Could not create the administrator: %s"), local_error->message);
  return FALSE;
}

/**
 * srv_add_admin_command:
 * @argc: the number of arguments after the command name, plus one
 * @argv: (array length=argc): the command name, then its arguments
 *
 * `idem-server add-admin DATADIR USER_ID [--name NAME]`
 *
 * Returns: an exit status
 */
int
srv_add_admin_command (int    argc,
                       char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SrvConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *password = NULL;
  int status;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name,
      N_("The administrator’s name, as the admin console shows it"), N_("NAME") },
    G_OPTION_ENTRY_NULL
  };

  context = g_option_context_new (_("DATADIR USER_ID"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Create an administrator in a data directory, with a generated password\n"
                                  "printed once.  Run it while the server is stopped."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  status = srv_cli_parse_command (context, "add-admin", &argc, &argv);
  if (status != SRV_EXIT_OK)
    return status;

  if (argc != 3)
    {
      g_printerr (_("idem-server add-admin: give a DATADIR and a USER_ID (see “idem-server add-admin --help”)\n"));
      return SRV_EXIT_USAGE;
    }

  config = srv_config_load (argv[1], &error);
  if (config == NULL ||
      !srv_add_admin (config, argv[2], name != NULL ? name : argv[2], &password, &error))
    {
      g_printerr (_("idem-server add-admin: %s\n"), error->message);
      return SRV_EXIT_FAILURE;
    }

  g_print (_("Created the administrator %s with the password:\n  %s\n"
             "It is shown only this once: change it after the first login.\n"), argv[2], password);
  idem_crypto_wipe (password, strlen (password));

  return SRV_EXIT_OK;
}
