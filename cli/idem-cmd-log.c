/* idem-cmd-log.c — idem log verify: check a server's ledger offline
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Reads a data directory as idem-server left it (idem.conf, the SQLite
 * database, the signing public key) without the server or its passphrase:
 * an auditor needs read access only.  The database is opened read-only.
 */

#define G_LOG_DOMAIN "idem-cli"

#include "config.h"

#include "idem-cli.h"

#include <idem.h>
#include <errno.h>
#include <glib/gi18n.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <sqlite3.h>

static char *since_checkpoint;

static const GOptionEntry verify_options[] = {
  { "since-checkpoint", 'c', 0, G_OPTION_ARG_FILENAME, &since_checkpoint,
    N_("Also check the ledger against a checkpoint saved earlier (the JSON of GET /v1/ledger/checkpoint)"), N_("FILE") },
  { NULL }
};

/* Where idem-server keeps things, unless idem.conf says otherwise. */
static char *
config_path (GKeyFile   *keyfile,
             const char *data_dir,
             const char *group,
             const char *key,
             const char *fallback)
{
  g_autofree char *value = g_key_file_get_string (keyfile, group, key, NULL);

  return g_canonicalize_filename (value != NULL && value[0] != '\0' ? value : fallback, data_dir);
}

static IdemCliExit
fail (const char *format,
      ...) G_GNUC_PRINTF (1, 2);

static IdemCliExit
fail (const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("idem log verify: %s\n", message);
  return IDEM_CLI_EXIT_USAGE;
}

static IdemLedgerCheckpoint *
load_trusted (const char  *path,
              EVP_PKEY    *public_key,
              GError     **error)
{
  g_autoptr(IdemLedgerCheckpoint) checkpoint = NULL;
  g_autofree char *json = NULL;

  if (!g_file_get_contents (path, &json, NULL, error) ||
      !(checkpoint = idem_ledger_checkpoint_from_json (json, error)) ||
      !idem_ledger_checkpoint_verify (checkpoint, public_key, error))
    return NULL;

  return g_steal_pointer (&checkpoint);
}

static IdemCliExit
log_verify (char **args)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(IdemKeystore) keystore = NULL;
  g_autoptr(IdemLedgerCheckpoint) trusted = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *data_dir = g_canonicalize_filename (args[0], NULL);
  g_autofree char *conf = g_build_filename (data_dir, "idem.conf", NULL);
  g_autofree char *database = NULL;
  g_autofree char *keys_dir = NULL;
  g_autofree char *key_name = NULL;
  EVP_PKEY *public_key = NULL;
  sqlite3 *db = NULL;
  guint64 n_leaves = 0;
  gboolean ok;

  if (!g_key_file_load_from_file (keyfile, conf, G_KEY_FILE_NONE, &error))
    return fail (_("%s is not a server data directory: %s"), data_dir, error->message);

  database = config_path (keyfile, data_dir, "database", "path", "idem.db");
  keys_dir = config_path (keyfile, data_dir, "keys", "directory", "keys");
  key_name = g_key_file_get_string (keyfile, "keys", "signing-key", NULL);
  if (key_name == NULL || key_name[0] == '\0')
    {
      g_free (key_name);
      key_name = g_strdup ("server-signing");
    }

  keystore = idem_keystore_new (keys_dir);
  public_key = idem_keystore_load_public (keystore, key_name, &error);
  if (public_key == NULL)
    return fail (_("Cannot read the server’s public key: %s"), error->message);

  if (since_checkpoint != NULL &&
      !(trusted = load_trusted (since_checkpoint, public_key, &error)))
    {
      EVP_PKEY_free (public_key);
      return fail (_("Cannot use the checkpoint %s: %s"), since_checkpoint, error->message);
    }

  /* Read-only, and never creating the file: a typo must not make an
   * empty ledger that then "verifies". */
  if (!g_file_test (database, G_FILE_TEST_IS_REGULAR) ||
      sqlite3_open_v2 (database, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    {
      g_autofree char *message = g_strdup (db != NULL ? sqlite3_errmsg (db) : g_strerror (ENOENT));

      sqlite3_close (db);
      EVP_PKEY_free (public_key);
      return fail (_("Cannot open the database %s: %s"), database, message);
    }

  ok = idem_ledger_verify (db, public_key, trusted, &n_leaves, &problems, &error);
  sqlite3_close (db);
  EVP_PKEY_free (public_key);

  if (!ok)
    return fail ("%s", error->message);

  for (guint i = 0; i < problems->len; i++)
    g_print ("%s\n", (const char *) g_ptr_array_index (problems, i));

  if (problems->len > 0)
    {
      g_print (g_dngettext (GETTEXT_PACKAGE,
                            "Tampering found: %u problem in a ledger of %" PRIu64 " leaves\n",
                            "Tampering found: %u problems in a ledger of %" PRIu64 " leaves\n",
                            problems->len),
               problems->len, n_leaves);
      return IDEM_CLI_EXIT_INVALID;
    }

  g_print (g_dngettext (GETTEXT_PACKAGE,
                        "Ledger intact: %" PRIu64 " leaf, its records and signed checkpoints verified\n",
                        "Ledger intact: %" PRIu64 " leaves, their records and signed checkpoints verified\n",
                        n_leaves),
           n_leaves);
  return IDEM_CLI_EXIT_OK;
}

static const IdemCliCommand log_commands[] = {
  { "verify", N_("DATADIR"), N_("Check a server’s ledger: every leaf, record and signed checkpoint"), verify_options, 1, 1, log_verify },
  { NULL }
};

const IdemCliGroup idem_cli_group_log = {
  "log", N_("The server’s tamper-evident ledger of identity changes."), log_commands,
};
