/* test-audit.c — audit events in the real database
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include "server-test-util.h"

#include "srv-audit.h"
#include "srv-error.h"

#include "idem.h"

#include <string.h>

typedef struct
{
  char        *tmp_dir;
  SrvDatabase *database;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->tmp_dir = srv_test_make_tmp_dir ();
  path = g_build_filename (fixture->tmp_dir, "idem.db", NULL);
  fixture->database = srv_database_open (path, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (srv_database_migrate (fixture->database, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  srv_database_close (fixture->database, NULL);
  g_clear_object (&fixture->database);
  srv_test_remove_tree (fixture->tmp_dir);
  g_free (fixture->tmp_dir);
}

static char *
query_text (Fixture    *fixture,
            const char *sql)
{
  sqlite3 *db = srv_database_get_handle (fixture->database);
  sqlite3_stmt *statement = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &statement, NULL), ==, SQLITE_OK);
  if (sqlite3_step (statement) == SQLITE_ROW && sqlite3_column_type (statement, 0) != SQLITE_NULL)
    value = g_strdup ((const char *) sqlite3_column_text (statement, 0));
  sqlite3_finalize (statement);

  return value;
}

static void
test_record (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *row = NULL;
  g_autofree char *time = NULL;
  g_autoptr(GDateTime) parsed = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  g_assert_true (srv_audit_record (fixture->database, "admin", "centre.create", "10001", TRUE,
                                   "192.0.2.7", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (srv_audit_record (fixture->database, "anonymous", "auth.login", NULL, FALSE,
                                   NULL, "IDM-AUT-FAILED", &error));
  g_assert_no_error (error);

  row = query_text (fixture, "SELECT group_concat(actor || '|' || action || '|' || coalesce(object, '-') || '|' || outcome"
                    " || '|' || coalesce(origin, '-') || '|' || coalesce(detail, '-'), ';') FROM audit_event");
  g_assert_cmpstr (row, ==, "admin|centre.create|10001|success|192.0.2.7|-;anonymous|auth.login|-|failure|-|IDM-AUT-FAILED");

  /* When, in UTC with milliseconds, and now. */
  time = query_text (fixture, "SELECT time FROM audit_event LIMIT 1");
  parsed = g_date_time_new_from_iso8601 (time, NULL);
  g_assert_nonnull (parsed);
  g_assert_true (g_str_has_suffix (time, "Z"));
  g_assert_cmpint (ABS (g_date_time_difference (now, parsed)), <, 60 * G_USEC_PER_SEC);
}

/* A caller's transaction takes the event with it when it rolls back. */
static void
test_in_transaction (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *count = NULL;

  g_assert_true (srv_database_exec (fixture->database, "BEGIN", &error));
  g_assert_true (srv_audit_record (fixture->database, "admin", "user.create", "u1", TRUE, "::1", NULL, &error));
  g_assert_true (srv_database_exec (fixture->database, "ROLLBACK", &error));
  g_assert_no_error (error);

  count = query_text (fixture, "SELECT count(*) FROM audit_event");
  g_assert_cmpstr (count, ==, "0");
}

/* Hostile text is bounded and kept valid UTF-8. */
static void
test_bounded (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) huge = g_string_new (NULL);
  g_autofree char *length = NULL;
  g_autofree char *valid = NULL;
  g_autofree char *object = NULL;

  for (guint i = 0; i < 10000; i++)
    g_string_append (huge, "é");

  g_assert_true (srv_audit_record (fixture->database, "x", "test", "bad \xff\xfe object", FALSE, huge->str, huge->str, &error));
  g_assert_no_error (error);

  length = query_text (fixture, "SELECT length(CAST(detail AS BLOB)) <= 2048 AND length(CAST(origin AS BLOB)) <= 256 FROM audit_event");
  g_assert_cmpstr (length, ==, "1");
  valid = query_text (fixture, "SELECT detail FROM audit_event");
  g_assert_true (g_utf8_validate (valid, -1, NULL));
  g_assert_true (g_str_has_prefix (valid, "éé"));
  object = query_text (fixture, "SELECT object FROM audit_event");
  g_assert_true (g_utf8_validate (object, -1, NULL));
  g_assert_true (g_str_has_prefix (object, "bad "));
}

static void
test_closed_database (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (srv_database_close (fixture->database, NULL));
  g_assert_false (srv_audit_record (fixture->database, "admin", "centre.create", "10001", TRUE, NULL, NULL, &error));
  g_assert_error (error, SRV_ERROR, SRV_ERROR_DATABASE);
}

int
main (int   argc,
      char *argv[])
{
  idem_i18n_init ();
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/server/audit/record", test_record);
  ADD ("/server/audit/in-transaction", test_in_transaction);
  ADD ("/server/audit/bounded", test_bounded);
  ADD ("/server/audit/closed-database", test_closed_database);

#undef ADD

  return g_test_run ();
}
