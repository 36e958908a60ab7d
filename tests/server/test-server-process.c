/* test-server-process.c — the real idem-server binary, as an operator runs it
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The path of the binary comes from meson as --idem-server=PATH.
 */

#include "config.h"

#include "server-test-util.h"

#include "srv-migrations.h"

#include "idem.h"

#include <signal.h>
#include <sqlite3.h>

static char *server_binary;

typedef struct
{
  int   exit_status;
  char *out;
  char *err;
} RunResult;

static void
run_result_clear (RunResult *result)
{
  g_clear_pointer (&result->out, g_free);
  g_clear_pointer (&result->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RunResult, run_result_clear)

static void
run (RunResult  *result,
     const char *first_arg,
     ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = srv_test_launcher_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list ap;

  g_ptr_array_add (args, server_binary);
  va_start (ap, first_arg);
  for (arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &result->out, &result->err, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  result->exit_status = g_subprocess_get_exit_status (process);

  g_test_message ("%s %s → %d\nstdout: %s\nstderr: %s", server_binary, first_arg,
                  result->exit_status, result->out, result->err);
}

static void
test_help (void)
{
  g_auto(RunResult) help = { 0 };
  g_auto(RunResult) help_command = { 0 };
  g_auto(RunResult) serve_help = { 0 };
  g_auto(RunResult) init_help = { 0 };
  g_auto(RunResult) version = { 0 };

  run (&help, "--help", NULL);
  g_assert_cmpint (help.exit_status, ==, 0);
  g_assert_nonnull (strstr (help.out, "init DATADIR"));
  g_assert_nonnull (strstr (help.out, "serve DATADIR"));
  g_assert_nonnull (strstr (help.out, "help [COMMAND]"));

  run (&help_command, "help", NULL);
  g_assert_cmpint (help_command.exit_status, ==, 0);
  g_assert_cmpstr (help_command.out, ==, help.out);

  run (&serve_help, "help", "serve", NULL);
  g_assert_cmpint (serve_help.exit_status, ==, 0);
  g_assert_nonnull (strstr (serve_help.out, "--address"));
  g_assert_nonnull (strstr (serve_help.out, "--port"));
  g_assert_nonnull (strstr (serve_help.out, "SIGTERM"));

  run (&init_help, "init", "--help", NULL);
  g_assert_cmpint (init_help.exit_status, ==, 0);
  g_assert_nonnull (strstr (init_help.out, "--demo"));

  run (&version, "--version", NULL);
  g_assert_cmpint (version.exit_status, ==, 0);
  g_assert_nonnull (strstr (version.out, IDEM_VERSION_STRING));
}

static void
test_usage_errors (void)
{
  g_auto(RunResult) none = { 0 };
  g_auto(RunResult) unknown = { 0 };
  g_auto(RunResult) no_datadir = { 0 };
  g_auto(RunResult) bad_port = { 0 };
  g_auto(RunResult) bad_option = { 0 };

  run (&none, NULL);
  g_assert_cmpint (none.exit_status, ==, 2);
  g_assert_nonnull (strstr (none.err, "serve DATADIR"));

  run (&unknown, "frobnicate", NULL);
  g_assert_cmpint (unknown.exit_status, ==, 2);
  g_assert_nonnull (strstr (unknown.err, "frobnicate"));
  g_assert_nonnull (strstr (unknown.err, "init DATADIR"));
  g_assert_cmpstr (unknown.out, ==, "");

  run (&no_datadir, "serve", NULL);
  g_assert_cmpint (no_datadir.exit_status, ==, 2);

  run (&bad_port, "serve", "/nonexistent", "--port", "http", NULL);
  g_assert_cmpint (bad_port.exit_status, ==, 2);
  g_assert_nonnull (strstr (bad_port.err, "--port"));

  run (&bad_option, "init", "--no-such-option", "/nonexistent", NULL);
  g_assert_cmpint (bad_option.exit_status, ==, 2);
  g_assert_nonnull (strstr (bad_option.err, "no-such-option"));
}

static void
test_refusals (void)
{
  g_autofree char *tmp_dir = srv_test_make_tmp_dir ();
  g_autofree char *file = g_build_filename (tmp_dir, "something", NULL);
  g_auto(RunResult) serve = { 0 };
  g_auto(RunResult) init = { 0 };

  /* An empty directory is not a data directory. */
  run (&serve, "serve", tmp_dir, "--port", "0", NULL);
  g_assert_cmpint (serve.exit_status, ==, 1);
  g_assert_nonnull (strstr (serve.err, "idem-server init"));
  g_assert_null (strstr (serve.out, "Listening"));

  /* init never writes into a directory that holds files. */
  g_assert_true (g_file_set_contents (file, "x", -1, NULL));
  run (&init, "init", tmp_dir, NULL);
  g_assert_cmpint (init.exit_status, ==, 1);
  g_assert_nonnull (strstr (init.err, "not empty"));

  srv_test_remove_tree (tmp_dir);
}

static void
wait_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  gboolean *done = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *done = TRUE;
}

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static void
assert_database_intact (const char *data_dir)
{
  g_autofree char *path = g_build_filename (data_dir, "idem.db", NULL);
  g_autofree char *wal = g_build_filename (data_dir, "idem.db-wal", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  guint n_migrations = 0;

  /* The write-ahead log was folded back on shutdown. */
  if (g_file_test (wal, G_FILE_TEST_EXISTS))
    {
      g_autofree char *contents = NULL;
      gsize length = 0;

      g_assert_true (g_file_get_contents (wal, &contents, &length, NULL));
      g_assert_cmpuint (length, ==, 0);
    }

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);

  srv_migrations_get (&n_migrations);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT max(version) FROM schema_migrations", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, n_migrations);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

/* Starts `serve DATADIR --port 0`, asks it for /health over HTTPS, sends
 * @signal_number and expects a clean exit with status 0 within 3 seconds. */
static void
serve_and_stop (const char *data_dir,
                int         signal_number)
{
  g_autoptr(GSubprocessLauncher) launcher = srv_test_launcher_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupSession) session = srv_test_session_new ();
  g_autoptr(GTlsCertificate) certificate = srv_test_load_certificate (data_dir);
  g_autoptr(SrvTestResponse) response = NULL;
  g_autofree char *line = NULL;
  g_autofree char *url = NULL;
  g_autofree char *health_url = NULL;
  g_autofree char *rest_out = NULL;
  g_autofree char *err = NULL;
  const char *start;
  gboolean done = FALSE;
  gboolean timed_out = FALSE;
  gint64 signalled_at;
  double seconds;
  guint timeout_id;

  process = g_subprocess_launcher_spawn (launcher, &error,
                                         server_binary, "serve", data_dir, "--port", "0", NULL);
  g_assert_no_error (error);

  /* The first line of stdout names the URL the server actually bound. */
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  start = strstr (line, "https://127.0.0.1:");
  g_assert_nonnull (start);
  url = g_strdup (start);
  g_strchomp (url);
  g_assert_true (g_str_has_suffix (url, "/"));

  health_url = g_strconcat (url, "health", NULL);
  response = srv_test_request (session, certificate, "GET", health_url, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (srv_test_get_object (response->json, "response"), "status"),
                   ==, "UP");
  /* Close the connection, as a client going away would. */
  g_clear_object (&session);

  signalled_at = g_get_monotonic_time ();
  g_subprocess_send_signal (process, signal_number);
  g_subprocess_wait_async (process, NULL, wait_cb, &done);
  timeout_id = g_timeout_add_seconds (10, timeout_cb, &timed_out);
  while (!done && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  seconds = (g_get_monotonic_time () - signalled_at) / (double) G_USEC_PER_SEC;
  if (!timed_out)
    g_source_remove (timeout_id);

  if (timed_out)
    {
      g_subprocess_force_exit (process);
      g_subprocess_wait (process, NULL, NULL);
    }

  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &rest_out, &err, &error));
  g_test_message ("signal %d: stopped in %.3f s; stderr:\n%s", signal_number, seconds, err);

  g_assert_false (timed_out);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  g_assert_cmpfloat (seconds, <, 3.0);

  /* The log has the request line, with method, path and status. */
  g_assert_nonnull (strstr (err, "GET /health 200"));

  assert_database_intact (data_dir);
}

static void
test_init_serve_stop (void)
{
  g_autofree char *tmp_dir = srv_test_make_tmp_dir ();
  g_autofree char *data_dir = g_build_filename (tmp_dir, "data", NULL);
  g_auto(RunResult) init = { 0 };

  run (&init, "init", data_dir, "--demo", NULL);
  g_assert_cmpint (init.exit_status, ==, 0);
  g_assert_nonnull (strstr (init.out, data_dir));
  g_assert_nonnull (strstr (init.out, "idem-server serve"));

  serve_and_stop (data_dir, SIGTERM);
  /* And again: the data directory starts again after a clean stop. */
  serve_and_stop (data_dir, SIGINT);

  srv_test_remove_tree (tmp_dir);
}

int
main (int   argc,
      char *argv[])
{
  int status;

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

  idem_i18n_init ();
  g_test_init (&argc, &argv, NULL);

  if (server_binary == NULL)
    g_error ("Give the idem-server binary as --idem-server=PATH");

  g_test_add_func ("/process/help", test_help);
  g_test_add_func ("/process/usage-errors", test_usage_errors);
  g_test_add_func ("/process/refusals", test_refusals);
  g_test_add_func ("/process/init-serve-stop", test_init_serve_stop);

  status = g_test_run ();
  g_free (server_binary);

  return status;
}
