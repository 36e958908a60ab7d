/* test-server-database.c — SQLite opening and versioned migrations
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include "server-test-util.h"

#include "srv-database.h"
#include "srv-error.h"

#include "idem.h"

typedef struct
{
  char *tmp_dir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->tmp_dir = srv_test_make_tmp_dir ();
  fixture->path = g_build_filename (fixture->tmp_dir, "test.db", NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  srv_test_remove_tree (fixture->tmp_dir);
  g_free (fixture->tmp_dir);
  g_free (fixture->path);
}

static char *
query_text (SrvDatabase *database,
            const char  *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *text;

  g_assert_cmpint (sqlite3_prepare_v2 (srv_database_get_handle (database), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  return text;
}

static gint64
query_int (SrvDatabase *database,
           const char  *sql)
{
  g_autofree char *text = query_text (database, sql);

  return g_ascii_strtoll (text, NULL, 10);
}

static SrvDatabase *
open_migrated (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  SrvDatabase *database = srv_database_open (fixture->path, TRUE, &error);

  g_assert_no_error (error);
  g_assert_true (srv_database_migrate (database, &error));
  g_assert_no_error (error);

  return database;
}

static void
test_fresh (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autoptr(SrvDatabase) database = open_migrated (fixture);
  g_autoptr(GError) error = NULL;
  g_autofree char *journal = NULL;
  const SrvMigration *migrations;
  guint n_migrations = 0;
  guint version = 0;

  migrations = srv_migrations_get (&n_migrations);
  g_assert_cmpuint (n_migrations, >=, 2);

  g_assert_true (srv_database_get_schema_version (database, &version, &error));
  g_assert_cmpuint (version, ==, n_migrations);

  /* Each step is recorded once, in order, with its description. */
  g_assert_cmpint (query_int (database, "SELECT count(*) FROM schema_migrations"), ==, n_migrations);
  for (guint i = 0; i < n_migrations; i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT description FROM schema_migrations WHERE version = %u",
                                              migrations[i].version);
      g_autofree char *description = query_text (database, sql);

      g_assert_cmpuint (migrations[i].version, ==, i + 1);
      g_assert_cmpstr (description, ==, migrations[i].description);
    }

  /* The tables of the steps exist. */
  g_assert_cmpint (query_int (database, "SELECT count(*) FROM server_metadata WHERE key = 'instance-id'"), ==, 1);
  g_assert_cmpint (query_int (database, "SELECT count(*) FROM audit_event"), ==, 0);

  /* The connection is set up as documented. */
  journal = query_text (database, "PRAGMA journal_mode");
  g_assert_cmpstr (journal, ==, "wal");
  g_assert_cmpint (query_int (database, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpint (query_int (database, "PRAGMA busy_timeout"), >, 0);

  g_assert_true (srv_database_close (database, &error));
  g_assert_no_error (error);
}

static void
test_applied_once (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(SrvDatabase) first = open_migrated (fixture);
  g_autoptr(SrvDatabase) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *applied_before = NULL;
  g_autofree char *applied_after = NULL;
  g_autofree char *instance_before = NULL;
  g_autofree char *instance_after = NULL;
  guint n_migrations = 0;

  srv_migrations_get (&n_migrations);
  applied_before = query_text (first, "SELECT group_concat(applied_at) FROM schema_migrations");
  instance_before = query_text (first, "SELECT value FROM server_metadata WHERE key = 'instance-id'");

  /* Again on the same connection, then on a new one. */
  g_assert_true (srv_database_migrate (first, &error));
  g_assert_true (srv_database_close (first, &error));
  g_assert_no_error (error);

  second = open_migrated (fixture);
  applied_after = query_text (second, "SELECT group_concat(applied_at) FROM schema_migrations");
  instance_after = query_text (second, "SELECT value FROM server_metadata WHERE key = 'instance-id'");

  g_assert_cmpint (query_int (second, "SELECT count(*) FROM schema_migrations"), ==, n_migrations);
  g_assert_cmpstr (applied_after, ==, applied_before);
  g_assert_cmpstr (instance_after, ==, instance_before);
}

static void
test_future_refused (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(SrvDatabase) database = open_migrated (fixture);
  g_autoptr(SrvDatabase) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  guint n_migrations = 0;
  guint version = 0;

  /* As if a newer idem-server had migrated this database further. */
  srv_migrations_get (&n_migrations);
  sql = g_strdup_printf ("INSERT INTO schema_migrations VALUES (%u, 'from the future', '2099-01-01T00:00:00.000Z')",
                         n_migrations + 1);
  g_assert_true (srv_database_exec (database, sql, &error));
  g_assert_true (srv_database_close (database, &error));
  g_assert_no_error (error);

  again = srv_database_open (fixture->path, FALSE, &error);
  g_assert_no_error (error);
  g_assert_false (srv_database_migrate (again, &error));
  g_assert_error (error, SRV_ERROR, SRV_ERROR_SCHEMA_TOO_NEW);
  g_assert_nonnull (strstr (error->message, "newer"));
  g_clear_error (&error);

  /* Refused, and left untouched. */
  g_assert_true (srv_database_get_schema_version (again, &version, &error));
  g_assert_cmpuint (version, ==, n_migrations + 1);
  g_assert_cmpint (query_int (again, "SELECT count(*) FROM schema_migrations"), ==, n_migrations + 1);
}

static void
test_failed_step_rolls_back (Fixture       *fixture,
                             gconstpointer  user_data)
{
  static const SrvMigration steps[] = {
    { 1, "first", "CREATE TABLE first (x INTEGER);" },
    { 2, "broken", "CREATE TABLE second (x INTEGER); INSERT INTO missing_table VALUES (1);" },
  };
  g_autoptr(SrvDatabase) database = NULL;
  g_autoptr(GError) error = NULL;
  guint version = 0;

  database = srv_database_open (fixture->path, TRUE, &error);
  g_assert_no_error (error);

  g_assert_false (srv_database_apply_migrations (database, steps, G_N_ELEMENTS (steps), &error));
  g_assert_error (error, SRV_ERROR, SRV_ERROR_DATABASE);
  g_assert_nonnull (strstr (error->message, "broken"));
  g_clear_error (&error);

  /* Step 1 stays; step 2 left nothing behind, not even its first table. */
  g_assert_true (srv_database_get_schema_version (database, &version, &error));
  g_assert_cmpuint (version, ==, 1);
  g_assert_cmpint (query_int (database, "SELECT count(*) FROM sqlite_schema WHERE name = 'first'"), ==, 1);
  g_assert_cmpint (query_int (database, "SELECT count(*) FROM sqlite_schema WHERE name = 'second'"), ==, 0);

  /* And the connection is usable: no transaction was left open. */
  g_assert_true (srv_database_exec (database, "BEGIN; COMMIT;", &error));
  g_assert_no_error (error);
}

static void
test_open_missing (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(SrvDatabase) database = NULL;
  g_autoptr(GError) error = NULL;

  database = srv_database_open (fixture->path, FALSE, &error);
  g_assert_null (database);
  g_assert_error (error, SRV_ERROR, SRV_ERROR_DATABASE);
  g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
}

static void
test_open_not_a_database (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(SrvDatabase) database = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  char garbage[4096];

  memset (garbage, 'x', sizeof garbage);
  g_assert_true (g_file_set_contents (fixture->path, garbage, sizeof garbage, NULL));

  database = srv_database_open (fixture->path, FALSE, &error);
  g_assert_null (database);
  g_assert_error (error, SRV_ERROR, SRV_ERROR_DATABASE);

  /* The file was not "repaired" into an empty database. */
  g_assert_true (g_file_get_contents (fixture->path, &contents, NULL, NULL));
  g_assert_cmpmem (contents, sizeof garbage, garbage, sizeof garbage);
}

static void
test_closed (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr(SrvDatabase) database = open_migrated (fixture);
  g_autoptr(GError) error = NULL;
  guint version = 0;

  g_assert_true (srv_database_close (database, &error));
  g_assert_true (srv_database_close (database, &error));
  g_assert_no_error (error);
  g_assert_false (srv_database_is_open (database));

  g_assert_false (srv_database_get_schema_version (database, &version, &error));
  g_assert_error (error, SRV_ERROR, SRV_ERROR_DATABASE);
}

/* A cached statement is compiled once, comes back reset with its
 * parameters cleared, refuses a nested use, and does not keep the
 * connection from closing. */
static void
test_statement_cache (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(SrvDatabase) database = open_migrated (fixture);
  g_autoptr(GError) error = NULL;
  const char *sql = "SELECT coalesce (?1, 'unbound'), count(*) FROM schema_migrations";
  SrvStatement *first;
  SrvStatement *again;

  first = srv_database_statement (database, sql, &error);
  g_assert_no_error (error);
  g_assert_nonnull (first);
  g_assert_cmpint (sqlite3_bind_text (first, 1, "bound", -1, SQLITE_STATIC), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (first), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (first, 0), ==, "bound");

  /* Still stepping: the same text cannot be handed out twice. */
  g_assert_null (srv_database_statement (database, sql, &error));
  g_assert_error (error, SRV_ERROR, SRV_ERROR_DATABASE);
  g_clear_error (&error);
  srv_statement_release (first);

  again = srv_database_statement (database, sql, &error);
  g_assert_no_error (error);
  g_assert_true (again == first);
  g_assert_cmpint (sqlite3_step (again), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (again, 0), ==, "unbound");
  g_assert_cmpint (sqlite3_column_int (again, 1), >, 0);

  /* Released by scope: no read left open, so the next use is clean. */
  {
    g_autoptr(SrvStatement) scoped = srv_database_statement (database, "SELECT 1", &error);

    g_assert_no_error (error);
    g_assert_cmpint (sqlite3_step (scoped), ==, SQLITE_ROW);
  }
  g_assert_false (sqlite3_stmt_busy (srv_database_statement (database, "SELECT 1", &error)));
  srv_statement_release (again);

  g_assert_null (srv_database_statement (database, "SELECT FROM nowhere", &error));
  g_assert_error (error, SRV_ERROR, SRV_ERROR_DATABASE);
  g_clear_error (&error);

  /* A connection with compiled statements would refuse to close. */
  g_assert_true (srv_database_close (database, &error));
  g_assert_no_error (error);
  g_assert_null (srv_database_statement (database, sql, &error));
  g_assert_error (error, SRV_ERROR, SRV_ERROR_DATABASE);
}

typedef struct
{
  guint   done;
  guint   succeeded;
  GError *error;
} SyncWait;

static void
synced_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  SyncWait *wait = user_data;
  g_autoptr(GError) error = NULL;

  if (srv_database_sync_finish (SRV_DATABASE (object), result, &error))
    wait->succeeded++;
  else if (wait->error == NULL)
    wait->error = g_steal_pointer (&error);
  wait->done++;
}

/* Callers that ask together share a sync, those who ask while it runs get
 * the next one, and every one of them is answered; a closed database
 * answers with an error. */
static void
test_sync_shared (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(SrvDatabase) database = open_migrated (fixture);
  g_autoptr(GError) error = NULL;
  SyncWait wait = { 0, 0, NULL };

  g_assert_true (srv_database_exec (database,
                                    "PRAGMA synchronous = NORMAL;"
                                    "CREATE TABLE t (x INTEGER);"
                                    "INSERT INTO t VALUES (1);",
                                    &error));
  g_assert_no_error (error);

  srv_database_sync_async (database, NULL, synced_cb, &wait);
  srv_database_sync_async (database, NULL, synced_cb, &wait);
  /* Not answered before the disk is: never from within the call. */
  g_assert_cmpuint (wait.done, ==, 0);
  g_assert_true (srv_database_exec (database, "INSERT INTO t VALUES (2)", &error));
  srv_database_sync_async (database, NULL, synced_cb, &wait);
  while (wait.done < 3)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (wait.error);
  g_assert_cmpuint (wait.succeeded, ==, 3);

  g_assert_true (srv_database_close (database, &error));
  srv_database_sync_async (database, NULL, synced_cb, &wait);
  while (wait.done < 4)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (wait.succeeded, ==, 3);
  g_assert_error (wait.error, SRV_ERROR, SRV_ERROR_DATABASE);
  g_clear_error (&wait.error);
}

int
main (int   argc,
      char *argv[])
{
  idem_i18n_init ();
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/database/migrate/fresh", test_fresh);
  ADD ("/database/migrate/applied-once", test_applied_once);
  ADD ("/database/migrate/future-refused", test_future_refused);
  ADD ("/database/migrate/failed-step-rolls-back", test_failed_step_rolls_back);
  ADD ("/database/open/missing", test_open_missing);
  ADD ("/database/open/not-a-database", test_open_not_a_database);
  ADD ("/database/close", test_closed);
  ADD ("/database/statement-cache", test_statement_cache);
  ADD ("/database/sync-shared", test_sync_shared);

#undef ADD

  return g_test_run ();
}
