/* test-crash-safety.c — kill -9 the real idem-server while it takes in and
 * processes packets, restart it, and check that nothing was lost or done
 * twice
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A registration machine uploads two hundred packets (sixty under the
 * sanitizers, where each costs several times more) to the real binary
 * (--idem-server=PATH) while the test kills it with SIGKILL at random
 * instants, during uploads and during processing, and starts it again;
 * the machine retries what got no answer, as the registration client
 * does.  Once every packet is through, the test checks:
 *
 * - every packet the server accepted (answered 2xx) is in exactly one
 *   final state, PROCESSED, with none lost;
 * - no UIN was issued twice, and every packet has exactly one;
 * - every UIN opens an identity in the ID repository, and there are no
 *   other identities (no half-written one);
 * - each packet was notified exactly once, in the outbox and in the sink;
 * - the ledger verifies.
 *
 * Biometric matching is off (its cost would dominate the run, and the
 * pipeline's crash safety does not depend on it); everything else is the
 * full pipeline.  The random instants come from the test's seed
 * (--seed to replay one).
 */

#include "config.h"

#include "test-abis-support.h"
#include "test-pipeline-util.h"
#include "test-sanitizer.h"

#include <signal.h>
#include <string.h>

/* Enough packets that intake usually outlasts a few kills (the first one
 * comes within 1.5 s) in either build; when it is faster than that, the
 * loop below kills halfway through intake anyway. */
#define N_PACKETS       TEST_SIZE (200, 60)
#define N_KILLS_INTAKE  4
#define N_KILLS_PROCESS 3

static char *server_binary;

typedef struct
{
  GSubprocess *process;
  guint        kill_source;
  guint        kills;
} Server;

static void
start (PipelineTest *test,
       Server       *server)
{
  g_autoptr(GSubprocessLauncher) launcher = srv_test_launcher_new ();
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  const char *port;

  /* The request log goes to stderr; nobody reads it here, and a full pipe
   * would stall the server. */
  g_subprocess_launcher_set_flags (launcher, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  server->process = g_subprocess_launcher_spawn (launcher, &error, server_binary, "serve", test->data_dir,
                                                 "--port", "0", NULL);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  port = strstr (line, "127.0.0.1:");
  g_assert_nonnull (port);
  pipeline_test_set_url (test, (guint) g_ascii_strtoull (port + strlen ("127.0.0.1:"), NULL, 10));

  /* A new session: the old one's connections died with the server. */
  g_clear_object (&test->session);
  test->session = srv_test_session_new ();
}

static void
kill_now (Server *server)
{
  if (server->process == NULL)
    return;
  g_subprocess_send_signal (server->process, SIGKILL);
  g_assert_true (g_subprocess_wait (server->process, NULL, NULL));
  g_assert_true (g_subprocess_get_if_signaled (server->process));
  g_clear_object (&server->process);
  server->kills++;
}

static gboolean
kill_cb (gpointer user_data)
{
  Server *server = user_data;

  server->kill_source = 0;
  kill_now (server);
  return G_SOURCE_REMOVE;
}

static void
schedule_kill (Server *server,
               guint   min_ms,
               guint   max_ms)
{
  g_clear_handle_id (&server->kill_source, g_source_remove);
  server->kill_source = g_timeout_add (g_test_rand_int_range (min_ms, max_ms), kill_cb, server);
}

static void
stop (Server *server)
{
  g_clear_handle_id (&server->kill_source, g_source_remove);
  if (server->process != NULL)
    {
      g_subprocess_send_signal (server->process, SIGTERM);
      g_assert_true (g_subprocess_wait (server->process, NULL, NULL));
      g_clear_object (&server->process);
    }
}

static TestPacket *
make_packet (PipelineTest *test,
             GBytes       *cbeff,
             guint         i)
{
  static const char * const given[] = { "Amina", "Youssef", "Khadija", "Omar", "Salma", "Hamza", "Nadia", "Karim" };
  static const char * const family[] = { "Benali", "Idrissi", "Tazi", "Fassi", "Bennani", "Berrada", "Chraibi" };
  g_autoptr(GDate) birth = g_date_new_dmy (1, 1, 1950);
  g_autofree char *name = NULL;
  char date[16];

  /* Different names and dates of birth: no two residents alike, so none
   * waits for an adjudicator. */
  g_date_add_days (birth, i * 37);
  g_date_strftime (date, sizeof date, "%Y/%m/%d", birth);
  name = g_strdup_printf ("%s %s %c%c", given[i % G_N_ELEMENTS (given)], family[(i / 8) % G_N_ELEMENTS (family)],
                          'A' + (i / 56) % 26, 'a' + i % 26);
  return pipeline_test_make_packet (test, "NEW", name, date, cbeff, NULL);
}

static const char *
rid_of (GPtrArray *packets,
        guint      i)
{
  return ((TestPacket *) g_ptr_array_index (packets, i))->rid;
}

static void
test_kill_during_intake_and_processing (void)
{
  PipelineTest *test = pipeline_test_new ("[pipeline]\nworkers=2\nbiometric-matching=false\nretry-seconds=1\n",
                                          FALSE);
  g_autoptr(GPtrArray) packets = g_ptr_array_new_with_free_func ((GDestroyNotify) test_packet_free);
  g_autoptr(GBytes) record = g_bytes_new_static ("not an image: matching is off", 29);
  AbisTestBir bir = { IDEM_BIOMETRIC_TYPE_FINGER, "Right IndexFinger", record };
  g_autoptr(GBytes) cbeff = abis_test_cbeff_new (&bir, 1);
  g_autofree gboolean *synced = g_new0 (gboolean, N_PACKETS);
  g_autofree gboolean *accepted = g_new0 (gboolean, N_PACKETS);
  Server server = { NULL, 0, 0 };
  guint n_accepted = 0;
  gint64 deadline;

  for (guint i = 0; i < N_PACKETS; i++)
    g_ptr_array_add (packets, make_packet (test, cbeff, i));

  /* Intake, killed a few times on the way. */
  start (test, &server);
  schedule_kill (&server, 200, 1500);
  while (n_accepted < N_PACKETS)
    {
      for (guint i = 0; i < N_PACKETS && server.process != NULL; i++)
        {
          TestPacket *packet = g_ptr_array_index (packets, i);
          g_autofree char *code = NULL;
          guint status;

          if (accepted[i])
            continue;
          if (!synced[i])
            {
              status = pipeline_test_sync (test, packet, "NEW", "APPROVED", &code);
              if (status == 0)
                break;
              g_assert_cmpuint (status, ==, SOUP_STATUS_OK);
              synced[i] = TRUE;
            }
          status = pipeline_test_upload (test, packet, &code);
          if (status == 0)
            break;
          g_assert_cmpuint (status, ==, SOUP_STATUS_OK);
          accepted[i] = TRUE;
          n_accepted++;

          /* Intake outran the timer: kill now, while the workers are busy
           * with what came in, so that intake always sees a kill. */
          if (server.kills == 0 && n_accepted == N_PACKETS / 2)
            kill_now (&server);
        }

      if (server.process == NULL)
        {
          start (test, &server);
          if (server.kills < N_KILLS_INTAKE)
            schedule_kill (&server, 100, 1500);
        }
    }
  g_test_message ("%u kills during intake", server.kills);
  g_assert_cmpuint (server.kills, >=, 1);

  /* Processing, killed a few more times. */
  for (guint k = 0; k < N_KILLS_PROCESS; k++)
    {
      schedule_kill (&server, 50, 800);
      while (server.process != NULL)
        g_main_context_iteration (NULL, TRUE);
      start (test, &server);
    }

  /* Let it finish: every accepted packet reaches a final state. */
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (pipeline_test_count (test, "SELECT count(*) FROM packet WHERE state IN ('DECLARED', 'PROCESSING')") > 0 ||
         pipeline_test_count (test, "SELECT count(*) FROM outbox WHERE status = 'PENDING'") > 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (50000);
    }
  stop (&server);
  g_test_message ("%u kills in all", server.kills);

  /* None lost, each in exactly one final state: PROCESSED. */
  g_assert_cmpint (pipeline_test_count (test, "SELECT count(*) FROM packet"), ==, N_PACKETS);
  g_assert_cmpint (pipeline_test_count (test, "SELECT count(*) FROM packet WHERE state = 'PROCESSED'"), ==, N_PACKETS);

  /* One UIN per packet, none twice. */
  g_assert_cmpint (pipeline_test_count (test, "SELECT count(*) FROM uin_pool WHERE status = 'ASSIGNED'"), ==,
                   N_PACKETS);
  g_assert_cmpint (pipeline_test_count (test, "SELECT count(DISTINCT rid) FROM uin_pool WHERE status = 'ASSIGNED'"),
                   ==, N_PACKETS);
  g_assert_cmpint (pipeline_test_count (test, "SELECT count(*) FROM packet p WHERE NOT EXISTS"
                                        " (SELECT 1 FROM uin_pool u WHERE u.rid = p.rid)"), ==, 0);
  g_assert_cmpint (pipeline_test_count (test, "SELECT count(*) FROM packet_history WHERE stage = 'issue_uin'"
                                        " AND outcome = 'PROCESSED'"), ==, N_PACKETS);

  /* Notified once each, in the outbox and in the sink. */
  g_assert_cmpint (pipeline_test_count (test, "SELECT count(*) FROM outbox WHERE event = 'PACKET_PROCESSED'"
                                        " AND status = 'SENT'"), ==, N_PACKETS);
  {
    g_autofree char *path = g_build_filename (test->data_dir, "notifications.jsonl", NULL);
    g_autofree char *contents = NULL;
    g_auto(GStrv) lines = NULL;
    g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

    g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
    lines = g_strsplit (contents, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++)
      {
        g_autoptr(JsonParser) parser = json_parser_new ();
        const char *rid;

        if (lines[i][0] == '\0')
          continue;
        g_assert_true (json_parser_load_from_data (parser, lines[i], -1, NULL));
        rid = json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "rid");
        g_assert_false (g_hash_table_contains (seen, rid));
        g_hash_table_add (seen, g_strdup (rid));
      }
    g_assert_cmpuint (g_hash_table_size (seen), ==, N_PACKETS);
    for (guint i = 0; i < N_PACKETS; i++)
      g_assert_true (g_hash_table_contains (seen, rid_of (packets, i)));
  }

  /* Every UIN opens its identity, and there is no other. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(SrvConfig) config = srv_config_load (test->data_dir, &error);
    g_autoptr(SrvServer) local = NULL;
    g_autoptr(GPtrArray) problems = NULL;
    g_autofree char *db_path = g_build_filename (test->data_dir, "idem.db", NULL);
    sqlite3 *db = NULL;
    sqlite3_stmt *statement = NULL;
    guint opened = 0;

    g_assert_no_error (error);
    g_assert_true (srv_config_set_port (config, 0, &error));
    local = srv_server_new (g_steal_pointer (&config));
    g_assert_true (srv_server_start (local, &error));
    g_assert_no_error (error);

    g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT uin, rid FROM uin_pool WHERE status = 'ASSIGNED'", -1,
                                         &statement, NULL), ==, SQLITE_OK);
    while (sqlite3_step (statement) == SQLITE_ROW)
      {
        g_autofree char *status = NULL;
        g_autofree char *identity = srv_idrepo_lookup_uin (srv_server_get_idrepo (local),
                                                           (const char *) sqlite3_column_text (statement, 0),
                                                           &status, &error);

        g_assert_no_error (error);
        g_assert_nonnull (identity);
        opened++;
      }
    sqlite3_finalize (statement);
    sqlite3_close (db);
    g_assert_cmpuint (opened, ==, N_PACKETS);
    g_assert_cmpint (pipeline_test_count (test, "SELECT count(*) FROM idrepo_identity"), ==, N_PACKETS);

    g_assert_true (srv_ledger_verify (srv_server_get_ledger (local), &problems, &error));
    g_assert_no_error (error);
    g_assert_true (problems == NULL || problems->len == 0);

    g_assert_true (srv_server_stop (local, &error));
    g_assert_no_error (error);
  }

  pipeline_test_free (test);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  for (int i = 1; i < argc; i++)
    if (g_str_has_prefix (argv[i], "--idem-server="))
      server_binary = g_strdup (argv[i] + strlen ("--idem-server="));
  g_assert_nonnull (server_binary);

  g_test_add_func ("/crash-safety/kill-during-intake-and-processing", test_kill_during_intake_and_processing);

  status = g_test_run ();
  pipeline_test_cleanup ();
  srv_test_cleanup ();
  g_free (server_binary);
  return status;
}
