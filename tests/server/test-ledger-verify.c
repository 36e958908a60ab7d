/* test-ledger-verify.c — `idem log verify` on a data directory the server wrote
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The server writes records and their leaves and stops (signing its last
 * checkpoint); then the database is changed behind its back with SQLite,
 * and the offline tool, a separate process linking only libcore, must say
 * which leaf and record.  The path of the tool comes from meson as
 * --idem=PATH.
 */

#include "config.h"

#include "server-test-util.h"

#include "srv-server.h"

#include "idem.h"

#include <sqlite3.h>
#include <string.h>

static char *idem_binary;

typedef struct
{
  char *tmp_dir;
  char *data_dir;
  char *database;
  char *checkpoint_file;
} Fixture;

/* Runs the server on a fresh data directory, writes @n records with their
 * leaves, keeps the checkpoint of the first @n_trusted, and stops it. */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(SrvServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) biometrics = g_bytes_new_static ("<BIR/>", 6);
  g_autofree char *json = NULL;
  SrvConfig *config;
  SrvDatabase *database;
  sqlite3 *db;

  fixture->data_dir = srv_test_new_data_dir (&fixture->tmp_dir);
  fixture->database = g_build_filename (fixture->data_dir, "idem.db", NULL);
  fixture->checkpoint_file = g_build_filename (fixture->tmp_dir, "checkpoint.json", NULL);

  config = srv_config_load (fixture->data_dir, &error);
  g_assert_no_error (error);
  g_assert_true (srv_config_set_port (config, 0, &error));
  server = srv_server_new (config);
  g_assert_true (srv_server_start (server, &error));
  g_assert_no_error (error);

  database = srv_server_get_database (server);
  db = srv_database_get_handle (database);
  g_assert_true (srv_database_exec (database,
                                    "CREATE TABLE test_record (id INTEGER PRIMARY KEY, sealed BLOB NOT NULL)",
                                    &error));

  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *sealed = g_strdup_printf ("ciphertext-%u", i);
      sqlite3_stmt *statement = NULL;

      g_assert_true (srv_database_exec (database, "BEGIN IMMEDIATE", &error));
      g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO test_record (sealed) VALUES (?)", -1, &statement, NULL), ==, SQLITE_OK);
      sqlite3_bind_blob (statement, 1, sealed, strlen (sealed), SQLITE_TRANSIENT);
      g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_DONE);
      sqlite3_finalize (statement);
      g_assert_true (srv_ledger_append (srv_server_get_ledger (server), "identity.create", "test_record",
                                        sqlite3_last_insert_rowid (db),
                                        (const guint8 *) sealed, strlen (sealed), NULL, &error));
      g_assert_no_error (error);
      g_assert_true (srv_database_exec (database, "COMMIT", &error));

      if (i == 15)
        {
          g_autoptr(IdemLedgerCheckpoint) checkpoint = srv_ledger_sign_checkpoint (srv_server_get_ledger (server), &error);

          g_assert_no_error (error);
          json = idem_ledger_checkpoint_to_json (checkpoint);
          g_assert_true (g_file_set_contents (fixture->checkpoint_file, json, -1, &error));
        }
    }

  /* And one identity through the ID repository: its UIN, demographics
   * and biometrics are idrepo_blob rows 1 to 3, leaves 20 to 22. */
  g_assert_true (srv_idrepo_create_identity (srv_server_get_idrepo (server), "5463049318",
                                             "{\"fullName\":\"Amina Diallo\"}",
                                             biometrics, NULL, "test", &error));
  g_assert_no_error (error);

  g_assert_true (srv_server_stop (server, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  srv_test_remove_tree (fixture->tmp_dir);
  g_free (fixture->tmp_dir);
  g_free (fixture->data_dir);
  g_free (fixture->database);
  g_free (fixture->checkpoint_file);
}

static int
run_verify (Fixture     *fixture,
            char       **output,
            const char  *option)
{
  g_autoptr(GSubprocessLauncher) launcher = srv_test_launcher_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *errors = NULL;
  g_autofree char *text = NULL;

  g_subprocess_launcher_set_flags (launcher, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C", TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "en", TRUE);
  if (option != NULL)
    process = g_subprocess_launcher_spawn (launcher, &error, idem_binary, "log", "verify",
                                           option, fixture->checkpoint_file, fixture->data_dir, NULL);
  else
    process = g_subprocess_launcher_spawn (launcher, &error, idem_binary, "log", "verify",
                                           fixture->data_dir, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &text, &errors, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));

  if (output != NULL)
    *output = g_strconcat (text, errors, NULL);
  return g_subprocess_get_exit_status (process);
}

static void
tamper (Fixture    *fixture,
        const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (fixture->database, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
}

static void
test_clean (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autofree char *output = NULL;
  g_autofree char *with_checkpoint = NULL;

  g_assert_cmpint (run_verify (fixture, &output, NULL), ==, 0);
  g_assert_nonnull (strstr (output, "Ledger intact: 23 leaves"));
  g_assert_cmpint (run_verify (fixture, &with_checkpoint, "--since-checkpoint"), ==, 0);
}

static void
test_altered_record (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autofree char *output = NULL;

  tamper (fixture, "UPDATE test_record SET sealed = X'deadbeef' WHERE id = 8");
  g_assert_cmpint (run_verify (fixture, &output, NULL), ==, 1);
  g_assert_nonnull (strstr (output, "Leaf 7: record test_record #8 was altered"));
  g_assert_nonnull (strstr (output, "Tampering found: 1 problem"));
}

/* A sealed identity record changed in place is named by its leaf. */
static void
test_altered_identity (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autofree char *output = NULL;

  tamper (fixture, "UPDATE idrepo_blob SET sealed = randomblob(length(sealed)) WHERE kind = 'demographics'");
  g_assert_cmpint (run_verify (fixture, &output, NULL), ==, 1);
  g_assert_nonnull (strstr (output, "Leaf 21: record idrepo_blob #2 was altered"));
}

static void
test_removed_leaf (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autofree char *output = NULL;

  tamper (fixture, "DELETE FROM ledger_leaf WHERE leaf_index = 12; DELETE FROM test_record WHERE id = 13");
  g_assert_cmpint (run_verify (fixture, &output, NULL), ==, 1);
  g_assert_nonnull (strstr (output, "Leaves 12 to 12 were removed"));
  g_assert_nonnull (strstr (output, "does not match the ledger"));
}

static void
test_reordered (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autofree char *output = NULL;

  tamper (fixture,
          "UPDATE ledger_leaf SET leaf_index = -1 WHERE leaf_index = 2;"
          "UPDATE ledger_leaf SET leaf_index = 2 WHERE leaf_index = 9;"
          "UPDATE ledger_leaf SET leaf_index = 9 WHERE leaf_index = -1;");
  g_assert_cmpint (run_verify (fixture, &output, NULL), ==, 1);
  g_assert_nonnull (strstr (output, "Leaves 2 and 3 differ"));
  g_assert_nonnull (strstr (output, "Leaves 8 and 9 differ"));
}

/* Cutting the tail of the log with its checkpoints leaves a database that
 * agrees with itself; only a checkpoint kept elsewhere shows the cut. */
static void
test_truncated_since_checkpoint (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  g_autofree char *output = NULL;
  g_autofree char *with_checkpoint = NULL;

  tamper (fixture,
          "DELETE FROM ledger_leaf WHERE leaf_index >= 10;"
          "DELETE FROM ledger_node WHERE ((node_index + 1) << level) > 10;"
          "DELETE FROM ledger_checkpoint WHERE tree_size > 10;"
          "DELETE FROM test_record WHERE id > 10;");
  g_assert_cmpint (run_verify (fixture, &output, NULL), ==, 0);
  g_assert_cmpint (run_verify (fixture, &with_checkpoint, "--since-checkpoint"), ==, 1);
  g_assert_nonnull (strstr (with_checkpoint, "The trusted checkpoint covers 16 leaves but the ledger holds 10"));
}

static void
test_usage (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autofree char *output = NULL;
  g_autofree char *forged = NULL;
  g_autofree char *json = NULL;

  g_free (fixture->data_dir);
  fixture->data_dir = g_build_filename (fixture->tmp_dir, "no-such-dir", NULL);
  g_assert_cmpint (run_verify (fixture, &output, NULL), ==, 2);
  g_assert_nonnull (strstr (output, "is not a server data directory"));
  g_free (fixture->data_dir);
  fixture->data_dir = g_build_filename (fixture->tmp_dir, "data", NULL);

  /* A checkpoint the server did not sign is refused outright. */
  g_assert_true (g_file_get_contents (fixture->checkpoint_file, &json, NULL, NULL));
  json[strstr (json, "\"timestamp_us\":") - json + 16] ^= 1;
  g_assert_true (g_file_set_contents (fixture->checkpoint_file, json, -1, NULL));
  g_assert_cmpint (run_verify (fixture, &forged, "--since-checkpoint"), ==, 2);
  g_assert_nonnull (strstr (forged, "not signed by this server"));
}

int
main (int   argc,
      char *argv[])
{
  for (int i = 1; i < argc; i++)
    {
      if (g_str_has_prefix (argv[i], "--idem="))
        {
          idem_binary = g_strdup (argv[i] + strlen ("--idem="));
          memmove (&argv[i], &argv[i + 1], (argc - i) * sizeof (char *));
          argc--;
          break;
        }
    }

  g_test_init (&argc, &argv, NULL);

  if (idem_binary == NULL)
    g_error ("Give the idem binary as --idem=PATH");

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/ledger-verify/clean", test_clean);
  ADD ("/ledger-verify/altered-record", test_altered_record);
  ADD ("/ledger-verify/altered-identity", test_altered_identity);
  ADD ("/ledger-verify/removed-leaf", test_removed_leaf);
  ADD ("/ledger-verify/reordered", test_reordered);
  ADD ("/ledger-verify/truncated-since-checkpoint", test_truncated_since_checkpoint);
  ADD ("/ledger-verify/usage", test_usage);
#undef ADD

  return g_test_run ();
}
