/* bench-pipeline.c — intake and processing throughput of the real
 * idem-server, and its memory
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Makes N registration packets as a registration machine does (signed,
 * encrypted for the centre+machine certificate), starts the real
 * idem-server on a fresh data directory, declares them (RID sync, 100 per
 * request), uploads them over HTTPS, eight at a time, and times until
 * the pipeline has processed every one: validation with decryption and
 * signatures, the centre, operator and age checks, demographic
 * de-duplication, a UIN, the sealed identity, its ledger leaves and its
 * notification.  Biometric matching is off unless --biometrics is given
 * (then each resident has two synthetic fingers and the built-in ABIS
 * compares them with everyone before).
 *
 * It also reads the server's resident memory (VmRSS in /proc) when idle
 * after start-up and after the run.
 *
 *   bench-pipeline [--packets N] [--workers N] [--biometrics]
 */

#include "config.h"

#include "test-abis-support.h"
#include "test-pipeline-util.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

/* Uploads in flight at once. */
#define UPLOADS_IN_FLIGHT 8

static gint64
rss_kib (GSubprocess *process)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status", g_subprocess_get_identifier (process));
  g_autofree char *contents = NULL;
  const char *line;

  if (!g_file_get_contents (path, &contents, NULL, NULL) || (line = strstr (contents, "VmRSS:")) == NULL)
    return -1;
  return g_ascii_strtoll (line + strlen ("VmRSS:"), NULL, 10);
}

/* CPU seconds the process used, user and system, from /proc: a figure
 * that holds on a busy machine, where wall time does not. */
static double
cpu_seconds (GSubprocess *process)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat", g_subprocess_get_identifier (process));
  g_autofree char *contents = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_name;

  if (!g_file_get_contents (path, &contents, NULL, NULL) || (after_name = strrchr (contents, ')')) == NULL)
    return -1;
  /* Fields after "(comm)": state is field 3, utime 14 and stime 15. */
  fields = g_strsplit (after_name + 2, " ", -1);
  if (g_strv_length (fields) < 13)
    return -1;
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) / sysconf (_SC_CLK_TCK);
}

/* CPU seconds of the server's main thread (the main context: HTTP and
 * every database call) and of its pipeline workers, from /proc; what
 * other threads (GTask pools, TLS) used is the rest of cpu_seconds(). */
static void
thread_cpu_seconds (GSubprocess *process,
                    double      *main_thread,
                    double      *workers)
{
  g_autofree char *dir_path = g_strdup_printf ("/proc/%s/task", g_subprocess_get_identifier (process));
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *tid;

  *main_thread = 0;
  *workers = 0;
  while (dir != NULL && (tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, tid, "stat", NULL);
      g_autofree char *contents = NULL;
      g_auto(GStrv) fields = NULL;
      const char *after_name;
      double seconds;

      if (!g_file_get_contents (path, &contents, NULL, NULL) || (after_name = strrchr (contents, ')')) == NULL)
        continue;
      fields = g_strsplit (after_name + 2, " ", -1);
      if (g_strv_length (fields) < 13)
        continue;
      seconds = (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) / sysconf (_SC_CLK_TCK);
      if (g_strcmp0 (tid, g_subprocess_get_identifier (process)) == 0)
        *main_thread = seconds;
      else if (strstr (contents, "(pipeline-") != NULL)
        *workers += seconds;
    }
}

static GSubprocess *
start_server (PipelineTest *test)
{
  const char *log = g_getenv ("BENCH_SERVER_LOG");
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       (log == NULL ? G_SUBPROCESS_FLAGS_STDERR_SILENCE
                                                                        : 0));

  /* BENCH_SERVER_LOG=FILE keeps the server's log, with each request's
   * duration, for looking into a figure. */
  if (log != NULL)
    g_subprocess_launcher_set_stderr_file_path (launcher, log);
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  GSubprocess *process;
  const char *port;

  process = g_subprocess_launcher_spawn (launcher, &error, IDEM_SERVER_BINARY, "serve", test->data_dir,
                                         "--port", "0", NULL);
  if (process == NULL)
    g_error ("%s", error->message);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  if (line == NULL || (port = strstr (line, "127.0.0.1:")) == NULL)
    g_error ("idem-server did not start");
  pipeline_test_set_url (test, (guint) g_ascii_strtoull (port + strlen ("127.0.0.1:"), NULL, 10));
  return process;
}

/* The upload clients trust the server's own certificate and nothing else,
 * as a registration machine pinned to its server does.  It also keeps the
 * load generator light: glib-networking builds each new client
 * connection's trust list from its database, and with the system database
 * that means parsing every CA certificate on the machine.  As the server
 * answers each upload with "Connection: close", perf showed that parsing
 * taking a third of both cores, away from the server being measured.  A
 * pinned database builds no trust list at all.  It must be the default
 * one, because libsoup creates the connection (and its trust list) before
 * it applies a session's own. */
static void
trust_only_the_server (PipelineTest *test)
{
  g_autoptr(GTlsDatabase) server_only = idem_pinned_database_new (test->certificate);

  g_tls_backend_set_default_database (g_tls_backend_get_default (), server_only);
}

static void
sync_batch (PipelineTest *test,
            GPtrArray    *packets,
            guint         first,
            guint         count)
{
  g_autoptr(GString) body = g_string_new ("{\"id\":\"mosip.registration.sync\",\"version\":\"1.0\",\"request\":[");
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *code = NULL;

  for (guint i = first; i < first + count; i++)
    {
      TestPacket *packet = g_ptr_array_index (packets, i);

      g_string_append_printf (body, "%s{\"registrationId\":\"%s\",\"packetHashValue\":\"%s\",\"packetSize\":%lu,"
                              "\"supervisorStatus\":\"APPROVED\",\"supervisorComment\":\"\",\"registrationType\":\"NEW\"}",
                              i > first ? "," : "", packet->rid, packet->hash,
                              (unsigned long) g_bytes_get_size (packet->sealed));
    }
  g_string_append (body, "]}");
  bytes = g_string_free_to_bytes (g_steal_pointer (&body));
  if (pipeline_test_post (test, "/v1/registration/sync", bytes, NULL, &code) != SOUP_STATUS_OK)
    g_error ("RID sync refused: %s", code);
}

typedef struct
{
  PipelineTest *test;
  GPtrArray    *packets;
  guint         next;
  guint         in_flight;
  guint         done;
  guint         failed;
} Uploads;

static void upload_next (Uploads *uploads);

static gboolean
accept_certificate_cb (SoupMessage          *msg,
                       GTlsCertificate      *peer,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  return g_tls_certificate_is_same (peer, user_data);
}

static void
uploaded_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Uploads *uploads = user_data;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (body == NULL || soup_message_get_status (msg) != SOUP_STATUS_OK)
    uploads->failed++;
  uploads->in_flight--;
  uploads->done++;
  upload_next (uploads);
}

/* Keeps a few uploads in flight, as several registration machines would. */
static void
upload_next (Uploads *uploads)
{
  while (uploads->in_flight < UPLOADS_IN_FLIGHT && uploads->next < uploads->packets->len)
    {
      TestPacket *packet = g_ptr_array_index (uploads->packets, uploads->next++);
      g_autofree char *path = g_strconcat ("/v1/registration/packets/", packet->rid, NULL);
      g_autofree char *url = g_strconcat (uploads->test->url, path + 1, NULL);
      g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_POST, url);
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) headers = idem_request_sign (uploads->test->machine_key, PIPELINE_TEST_MACHINE, SOUP_METHOD_POST,
                                                 path, packet->sealed, now, &error);

      if (headers == NULL)
        g_error ("%s", error->message);
      for (guint i = 0; headers[i] != NULL && headers[i + 1] != NULL; i += 2)
        soup_message_headers_replace (soup_message_get_request_headers (msg), headers[i], headers[i + 1]);
      soup_message_set_request_body_from_bytes (msg, "application/zip", packet->sealed);
      g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_certificate_cb), uploads->test->certificate);
      uploads->in_flight++;
      soup_session_send_and_read_async (uploads->test->session, msg, G_PRIORITY_DEFAULT, NULL, uploaded_cb, uploads);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) packets = g_ptr_array_new_with_free_func ((GDestroyNotify) test_packet_free);
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GBytes) fake_record = g_bytes_new_static ("no image: matching is off", 25);
  g_autofree char *conf = NULL;
  int n_packets = 1000;
  int workers = 2;
  gboolean biometrics = FALSE;
  GOptionEntry entries[] = {
    { "packets", 0, 0, G_OPTION_ARG_INT, &n_packets, "How many packets", "N" },
    { "workers", 0, 0, G_OPTION_ARG_INT, &workers, "Pipeline worker threads", "N" },
    { "biometrics", 0, 0, G_OPTION_ARG_NONE, &biometrics, "Match fingerprints with the built-in ABIS", NULL },
    { NULL },
  };
  PipelineTest *test;
  gint64 start;
  gint64 uploaded;
  gint64 processed;
  gint64 idle_rss;
  gint64 final_rss;
  double seconds;
  double cpu_before;
  double cpu_after;
  double main_before;
  double main_after;
  double workers_before;
  double workers_after;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || n_packets < 1 || workers < 1)
    {
      g_printerr ("%s\n", error != NULL ? error->message : "--packets and --workers must be at least 1");
      return 2;
    }
  if (g_getenv ("IDEM_SOURCE_DIR") == NULL)
    g_setenv ("IDEM_SOURCE_DIR", IDEM_SOURCE_ROOT, TRUE);

  conf = g_strdup_printf ("[pipeline]\nworkers=%d\nbiometric-matching=%s\n", workers, biometrics ? "true" : "false");
  test = pipeline_test_new (conf, FALSE);
  trust_only_the_server (test);

  start = g_get_monotonic_time ();
  for (int i = 0; i < n_packets; i++)
    {
      g_autoptr(GBytes) cbeff = NULL;
      g_autofree char *name = g_strdup_printf ("Resident %c%c%c %c%c", 'A' + i % 26, 'a' + (i / 26) % 26,
                                               'a' + (i / 676) % 26, 'A' + (i / 17576) % 26, 'a' + (i * 7) % 26);
      g_autoptr(GDate) birth = g_date_new_dmy (1, 1, 1940);
      char date[16];

      g_date_add_days (birth, i % 25000);
      g_date_strftime (date, sizeof date, "%Y/%m/%d", birth);
      if (biometrics)
        cbeff = abis_test_synthetic_person (1000 + i, i);
      else
        {
          AbisTestBir bir = { IDEM_BIOMETRIC_TYPE_FINGER, "Right IndexFinger", fake_record };

          cbeff = abis_test_cbeff_new (&bir, 1);
        }
      g_ptr_array_add (packets, pipeline_test_make_packet (test, "NEW", name, date, cbeff, NULL));
    }
  g_print ("packets made:    %d in %.1f s (%lu bytes each)\n", n_packets,
           (g_get_monotonic_time () - start) / 1e6,
           (unsigned long) g_bytes_get_size (((TestPacket *) g_ptr_array_index (packets, 0))->sealed));

  server = start_server (test);
  g_usleep (2 * G_USEC_PER_SEC);
  idle_rss = rss_kib (server);
  g_print ("idle RSS:        %.1f MB\n", idle_rss / 1024.0);

  for (int i = 0; i < n_packets; i += 100)
    sync_batch (test, packets, i, MIN (100, n_packets - i));

  cpu_before = cpu_seconds (server);
  thread_cpu_seconds (server, &main_before, &workers_before);
  start = g_get_monotonic_time ();
  {
    Uploads uploads = { test, packets, 0, 0, 0, 0 };

    upload_next (&uploads);
    while (uploads.done < packets->len)
      g_main_context_iteration (NULL, TRUE);
    if (uploads.failed > 0)
      g_error ("%u uploads failed", uploads.failed);
  }
  uploaded = g_get_monotonic_time ();
  while (pipeline_test_count (test, "SELECT count(*) FROM packet WHERE state = 'PROCESSING'") > 0)
    g_usleep (20000);
  processed = g_get_monotonic_time ();
  final_rss = rss_kib (server);
  cpu_after = cpu_seconds (server);
  thread_cpu_seconds (server, &main_after, &workers_after);

  seconds = (processed - start) / 1e6;
  g_print ("intake:          %.1f packets/s (uploads alone, processing alongside)\n",
           n_packets / ((uploaded - start) / 1e6));
  g_print ("intake+process:  %.1f packets/s (%d packets in %.1f s, %d workers, biometric matching %s)\n",
           n_packets / seconds, n_packets, seconds, workers, biometrics ? "on" : "off");
  g_print ("server CPU:      %.1f ms a packet (%.0f packets per CPU-second; load average while measured: see uptime)\n",
           (cpu_after - cpu_before) * 1000.0 / n_packets, n_packets / (cpu_after - cpu_before));
  g_print ("  of which:       main thread %.1f ms, pipeline workers %.1f ms, other threads %.1f ms\n",
           (main_after - main_before) * 1000.0 / n_packets, (workers_after - workers_before) * 1000.0 / n_packets,
           ((cpu_after - cpu_before) - (main_after - main_before) - (workers_after - workers_before)) * 1000.0 /
           n_packets);
  g_print ("processed:       %" G_GINT64_FORMAT ", other states: %" G_GINT64_FORMAT "\n",
           pipeline_test_count (test, "SELECT count(*) FROM packet WHERE state = 'PROCESSED'"),
           pipeline_test_count (test, "SELECT count(*) FROM packet WHERE state <> 'PROCESSED'"));
  g_print ("RSS after run:   %.1f MB (%.2f times idle)\n", final_rss / 1024.0, (double) final_rss / idle_rss);

  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
  pipeline_test_free (test);
  pipeline_test_cleanup ();
  srv_test_cleanup ();
  return 0;
}
