/* test-add-admin.c — `idem-server add-admin`, the first administrator
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Runs the real binary on a fresh (not demo) data directory, then logs in
 * over HTTPS with the password it printed.  The path of the binary comes
 * from meson as --idem-server=PATH.
 */

#include "config.h"

#include "test-admin-util.h"

#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>

static char *server_binary;

/* The server is not running while add-admin works: read its database
 * directly. */
static char *
query_text (AdminFixture *fixture,
            const char   *sql)
{
  g_autofree char *path = g_build_filename (fixture->data_dir, "idem.db", NULL);
  sqlite3_stmt *statement = NULL;
  sqlite3 *db = NULL;
  char *value;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  if (sqlite3_prepare_v2 (db, sql, -1, &statement, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_ROW);
  value = g_strdup ((const char *)sqlite3_column_text (statement, 0));
  sqlite3_finalize (statement);
  sqlite3_close (db);

  return value;
}

static gint64
query_int (AdminFixture *fixture,
           const char   *sql)
{
  g_autofree char *text = query_text (fixture, sql);

  return g_ascii_strtoll (text, NULL, 10);
}

static int
run_add_admin (const char * const  *arguments,
               char               **out,
               char               **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *ignored_out = NULL;
  g_autofree char *ignored_err = NULL;
  int wait_status = 0;

  g_ptr_array_add (argv, server_binary);
  g_ptr_array_add (argv, (char *)"add-admin");
  for (guint i = 0; arguments[i] != NULL; i++)
    g_ptr_array_add (argv, (char *)arguments[i]);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                out != NULL ? out : &ignored_out, err != NULL ? err : &ignored_err,
                &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));

  return WEXITSTATUS (wait_status);
}

/* The password is the indented line after the first one. */
static char *
printed_password (const char *out)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);

  g_assert_cmpuint (g_strv_length (lines), >=, 2);
  g_assert_true (g_str_has_prefix (lines[1], "  "));
  return g_strdup (g_strstrip (lines[1]));
}

static void
test_first_admin (AdminFixture  *fixture,
                  gconstpointer  user_data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *password = NULL;
  g_autofree char *name = NULL;
  g_autofree char *hash = NULL;
  g_autoptr(SrvTestResponse) session = NULL;
  const char *arguments[] = { fixture->data_dir, "chief", "--name", "Amina Chief", NULL };
  JsonObject *object;
  gint64 clock_before;

  clock_before = query_int (fixture, "SELECT version FROM sync_clock");
  g_assert_cmpint (run_add_admin (arguments, &out, &err), ==, 0);
  password = printed_password (out);
  g_assert_cmpuint (strlen (password), ==, 19);

  /* Stored as a hash only, with a new sync version and an audit event. */
  hash = query_text (fixture, "SELECT password_hash FROM app_user WHERE id = 'chief'");
  g_assert_true (g_str_has_prefix (hash, "$scrypt$"));
  g_assert_null (strstr (hash, password));
  name = query_text (fixture, "SELECT name FROM app_user WHERE id = 'chief'");
  g_assert_cmpstr (name, ==, "Amina Chief");
  g_assert_cmpint (query_int (fixture, "SELECT version FROM sync_clock"), ==, clock_before + 1);
  g_assert_cmpint (query_int (fixture, "SELECT count(*) FROM audit_event"
                              " WHERE action = 'user.create' AND object = 'chief'"), ==, 1);

  admin_fixture_start (fixture);
  fixture->token = admin_login (fixture, "chief", password);
  object = admin_expect (fixture, &session, "GET", "/v1/auth/session", NULL, SOUP_STATUS_OK);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (object, "roles"), 0), ==, "ADMIN");
}

/* A taken or malformed user id, or a directory that is not a data
 * directory, is refused with a message and changes nothing. */
static void
test_refusals (AdminFixture  *fixture,
               gconstpointer  user_data)
{
  const char *first[] = { fixture->data_dir, "chief", NULL };
  const char *again[] = { fixture->data_dir, "chief", NULL };
  const char *bad_id[] = { fixture->data_dir, "chief/../x", NULL };
  const char *not_datadir[] = { fixture->tmp_dir, "chief2", NULL };
  const char *missing[] = { fixture->data_dir, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  gint64 users, events, clock;

  g_assert_cmpint (run_add_admin (first, NULL, NULL), ==, 0);
  users = query_int (fixture, "SELECT count(*) FROM app_user");
  events = query_int (fixture, "SELECT count(*) FROM audit_event");
  clock = query_int (fixture, "SELECT version FROM sync_clock");

  g_assert_cmpint (run_add_admin (again, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "already exists"));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_add_admin (bad_id, NULL, &err), ==, 1);
  g_assert_nonnull (strstr (err, "is not a user id"));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_add_admin (not_datadir, NULL, &err), ==, 1);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_add_admin (missing, NULL, &err), ==, 2);

  g_assert_cmpint (query_int (fixture, "SELECT count(*) FROM app_user"), ==, users);
  g_assert_cmpint (query_int (fixture, "SELECT count(*) FROM audit_event"), ==, events);
  g_assert_cmpint (query_int (fixture, "SELECT version FROM sync_clock"), ==, clock);
}

int
main (int    argc,
      char **argv)
{
  /* Take our own argument out before GLib's test options are parsed. */
  for (int i = 1; i < argc; i++)
    {
      if (g_str_has_prefix (argv[i], "--idem-server="))
        {
          server_binary = g_strdup (argv[i] + strlen ("--idem-server="));
          memmove (&argv[i], &argv[i + 1], (argc - i) * sizeof (char *));
          argc--;
          break;
        }
    }

  g_test_init (&argc, &argv, NULL);

  if (server_binary == NULL)
    g_error ("Give the idem-server binary as --idem-server=PATH");

  g_test_add ("/server/add-admin/first-admin", AdminFixture, NULL,
              admin_fixture_set_up, test_first_admin, admin_fixture_tear_down);
  g_test_add ("/server/add-admin/refusals", AdminFixture, NULL,
              admin_fixture_set_up, test_refusals, admin_fixture_tear_down);

  return g_test_run ();
}
