/* srv-init.c — `idem-server init`: a new data directory
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A data directory holds everything one server needs:
 *
 *   idem.conf          settings (GKeyFile)
 *   idem.db            the SQLite database, migrated to the current schema
 *   keys/              the keystore: signing (Ed25519) and encryption
 *                      (RSA-3072) keys, and the passphrase file
 *   tls/               the self-signed TLS certificate and its key
 *
 * idem.conf is written last: a directory without it is not a data directory,
 * so an init that failed half-way can never be served.  On failure the
 * directory is emptied again (it was empty or absent before).
 */

#define G_LOG_DOMAIN "idem-server"

#include "config.h"

#include "srv-init.h"
#include "srv-cli.h"
#include "srv-database.h"
#include "srv-demo-country.h"
#include "srv-error.h"
#include "srv-keys.h"
#include "srv-tls.h"

#include "idem.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

static void
remove_contents (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *entry;

  if (dir == NULL)
    return;

  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, entry, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        {
          remove_contents (child);
          g_rmdir (child);
        }
      else
        {
          g_unlink (child);
        }
    }
}

/* Creates @path (mode 0700), or accepts it when it is an empty directory. */
static gboolean
prepare_directory (const char  *path,
                   gboolean    *created,
                   GError     **error)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) local_error = NULL;

  *created = FALSE;

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      if (!g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          g_set_error (error, SRV_ERROR, SRV_ERROR_INVALID_ARGUMENT,
                       _("%s exists and is not a directory: choose a new path for the data directory"),
                       path);
          return FALSE;
        }

      dir = g_dir_open (path, 0, &local_error);
      if (dir == NULL)
        {
          g_set_error (error, SRV_ERROR, SRV_ERROR_IO,
                       _("Could not read %s: %s"), path, local_error->message);
          return FALSE;
        }

      if (g_dir_read_name (dir) != NULL)
        {
          g_set_error (error, SRV_ERROR, SRV_ERROR_DATADIR_NOT_EMPTY,
                       _("%s is not empty: init only creates a new data directory, it never writes over files; choose a new or empty directory"),
                       path);
          return FALSE;
        }

      return TRUE;
    }

  if (g_mkdir_with_parents (path, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, SRV_ERROR, SRV_ERROR_IO,
                   _("Could not create %s: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }

  *created = TRUE;
  return TRUE;
}

static gboolean
populate (SrvConfig  *config,
          GError    **error)
{
  g_autoptr(SrvDatabase) database = NULL;

  if (!srv_keys_create (config, error) ||
      !srv_tls_create_self_signed (config->tls_certificate, config->tls_key, error))
    return FALSE;

  database = srv_database_open (config->database_path, TRUE, error);
  if (database == NULL ||
      !srv_database_migrate (database, error) ||
      (config->demo && !srv_demo_country_seed (config, database, error)) ||
      !srv_database_close (database, error))
    return FALSE;

  return srv_config_save (config, error);
}

/**
 * srv_init_data_dir:
 * @data_dir: a path that does not exist yet, or an empty directory
 * @demo: whether to mark the directory as a demo one
 * @error: return location for an error in %SRV_ERROR
 *
 * Creates a complete data directory with the default configuration.  Bad
 * input (a non-empty directory, a file) is refused and changes nothing; a
 * failure half-way removes what was created.
 *
 * Returns: (transfer full) (nullable): the configuration written
 */
SrvConfig *
srv_init_data_dir (const char  *data_dir,
                   gboolean     demo,
                   GError     **error)
{
  g_autoptr(SrvConfig) config = NULL;
  gboolean created = FALSE;

  g_return_val_if_fail (data_dir != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  config = srv_config_new_default (data_dir);
  config->demo = demo;

  if (!prepare_directory (config->data_dir, &created, error))
    return NULL;

  if (!populate (config, error))
    {
      remove_contents (config->data_dir);
      if (created)
        g_rmdir (config->data_dir);
      return NULL;
    }

  return g_steal_pointer (&config);
}

static void
print_summary (SrvConfig *config)
{
  g_autoptr(IdemKeystore) keystore = idem_keystore_new (config->keys_dir);
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autofree char *conf_path = g_build_filename (config->data_dir, SRV_CONFIG_FILENAME, NULL);
  g_autofree char *signing = idem_keystore_get_fingerprint (keystore, config->signing_key, NULL);
  g_autofree char *encryption = idem_keystore_get_fingerprint (keystore, config->encryption_key, NULL);
  g_autofree char *tls = NULL;
  guint n_migrations = 0;

  srv_migrations_get (&n_migrations);
  certificate = g_tls_certificate_new_from_file (config->tls_certificate, NULL);
  if (certificate != NULL)
    tls = srv_tls_get_fingerprint (certificate);

  g_print (_("Created the Idem data directory %s\n"), config->data_dir);
  g_print (_("  Configuration:    %s\n"), conf_path);
  g_print (_("  Database:         %s (schema version %u)\n"), config->database_path, n_migrations);
  g_print (_("  Signing key:      %s, Ed25519, SHA-256 %s\n"), config->signing_key, signing ? signing : "?");
  g_print (_("  Encryption key:   %s, RSA-3072, SHA-256 %s\n"), config->encryption_key, encryption ? encryption : "?");
  g_print (_("  Key passphrase:   %s (readable by you only)\n"), config->passphrase_file);
  g_print (_("  TLS certificate:  %s, self-signed for localhost, SHA-256 %s\n"),
           config->tls_certificate, tls ? tls : "?");
  if (config->demo)
    g_print (_("This is a demo data directory: use it for trials and training, never for real people.\n"));
  g_print (_("Start the server with:\n  idem-server serve %s\n"), config->data_dir);
}

/**
 * srv_init_command:
 * @argc: the number of arguments after the command name, plus one
 * @argv: (array length=argc): the command name, then its arguments
 *
 * `idem-server init DATADIR [--demo]`
 *
 * Returns: an exit status
 */
int
srv_init_command (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SrvConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  gboolean demo = FALSE;
  int status;
  const GOptionEntry entries[] = {
    { "demo", 0, 0, G_OPTION_ARG_NONE, &demo,
      N_("Mark the directory as a demo one, for trials and training"), NULL },
    G_OPTION_ENTRY_NULL
  };

  context = g_option_context_new (_("DATADIR"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Create a new data directory: configuration (idem.conf), SQLite database,\n"
                                  "the server’s signing and encryption keys, and a self-signed TLS certificate.\n"
                                  "DATADIR must not exist yet or be empty."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  status = srv_cli_parse_command (context, "init", &argc, &argv);
  if (status != SRV_EXIT_OK)
    return status;

  if (argc != 2)
    {
      g_printerr (_("idem-server init: give exactly one DATADIR (see “idem-server init --help”)\n"));
      return SRV_EXIT_USAGE;
    }

  config = srv_init_data_dir (argv[1], demo, &error);
  if (config == NULL)
    {
      g_printerr (_("idem-server init: %s\n"), error->message);
      return SRV_EXIT_FAILURE;
    }

  print_summary (config);
  if (config->demo)
    srv_demo_country_print_login (config);
  return SRV_EXIT_OK;
}
