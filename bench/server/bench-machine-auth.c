/* bench-machine-auth.c — what checking a machine's request signature costs
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Three figures:
 *
 *   sign        idem_request_sign(): what a machine pays per request
 *   verify      idem_request_verify(): the Ed25519 check alone
 *   server      srv_machine_auth_verify() inside a real server, timed in
 *               the route handler: headers, clock, the machine's row,
 *               the signature, and the nonce written to SQLite (WAL,
 *               synchronous=FULL, so one durable commit per request);
 *               wall time, and the thread's CPU time, which leaves out
 *               the wait for the disk
 *
 * The server figure comes from --requests (default 2000) signed GETs
 * over plain HTTP on 127.0.0.1, each a new connection.
 *
 *   bench-machine-auth [--requests N]
 */

#include "config.h"

#include "srv-http.h"
#include "srv-init.h"
#include "srv-machine-auth.h"
#include "srv-server.h"

#include <idem.h>
#include <idem-openssl-types.h>

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct
{
  SrvServer *server;
  gint64     verify_us;
  double     verify_cpu_s;
  guint      verified;
} Bench;

static double
thread_cpu_seconds (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return (double) now.tv_sec + (double) now.tv_nsec / 1e9;
}

static void
timed_route_cb (SoupServerMessage *msg,
                GHashTable        *params,
                gpointer           user_data)
{
  Bench *bench = user_data;
  gint64 start = g_get_monotonic_time ();
  double cpu_start = thread_cpu_seconds ();
  gboolean ok = srv_machine_auth_verify (bench->server, msg, "idem.bench", NULL, NULL, NULL);

  bench->verify_cpu_s += thread_cpu_seconds () - cpu_start;
  bench->verify_us += g_get_monotonic_time () - start;
  if (!ok)
    return;

  bench->verified++;
  srv_http_respond (msg, SOUP_STATUS_OK, "idem.bench", NULL, NULL);
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, NULL);

  *done = TRUE;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *entry;

  while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, entry, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EVP_PKEY) key = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *url = NULL;
  g_autofree char *fingerprint = NULL;
  unsigned char *der = NULL;
  int der_length;
  guint n_requests = 2000;
  guint n_crypto = 20000;
  gint64 start;
  double sign_us, verify_us;
  Bench bench = { 0 };
  SrvConfig *config;
  GStrv headers;

  if (argc == 3 && g_str_equal (argv[1], "--requests"))
    n_requests = MAX (10, atoi (argv[2]));

  key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_ED25519, 0, &error);
  g_assert_no_error (error);

  /* The client's side and the check alone. */
  start = g_get_monotonic_time ();
  for (guint i = 0; i < n_crypto; i++)
    {
      headers = idem_request_sign (key, "10011", "GET", "/v1/sync/masterdata?since=42", NULL, NULL, &error);
      g_assert_no_error (error);
      g_strfreev (headers);
    }
  sign_us = (double) (g_get_monotonic_time () - start) / n_crypto;

  headers = idem_request_sign (key, "10011", "GET", "/v1/sync/masterdata?since=42", NULL, NULL, &error);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < n_crypto; i++)
    if (!idem_request_verify (key, "GET", "/v1/sync/masterdata?since=42", headers[3], headers[5], NULL, headers[7], NULL))
      g_error ("A good signature did not verify");
  verify_us = (double) (g_get_monotonic_time () - start) / n_crypto;
  g_strfreev (headers);

  g_print ("sign:   %7.1f us per request  %9.0f requests/s\n", sign_us, 1e6 / sign_us);
  g_print ("verify: %7.1f us per request  %9.0f requests/s (Ed25519 and the body hash)\n", verify_us, 1e6 / verify_us);

  /* A real server over plain HTTP, a registered machine. */
  tmp = g_dir_make_tmp ("idem-bench-machine-auth-XXXXXX", &error);
  g_assert_no_error (error);
  data_dir = g_build_filename (tmp, "data", NULL);
  config = srv_init_data_dir (data_dir, FALSE, &error);
  g_assert_no_error (error);
  srv_config_free (config);

  config = srv_config_load (data_dir, &error);
  g_assert_no_error (error);
  g_assert_true (srv_config_set_port (config, 0, &error));
  config->tls = FALSE;
  bench.server = srv_server_new (config);
  g_assert_true (srv_server_start (bench.server, &error));
  srv_router_add (srv_server_get_router (bench.server), SOUP_METHOD_GET, "/v1/bench", timed_route_cb, &bench);

  der_length = i2d_PUBKEY (key, &der);
  fingerprint = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der, der_length);
  {
    sqlite3 *db = srv_database_get_handle (srv_server_get_database (bench.server));
    sqlite3_stmt *stmt = NULL;

    g_assert_true (srv_database_exec (srv_server_get_database (bench.server),
                                      "INSERT INTO location (code, level, level_name, names, version)"
                                      "  VALUES ('RSK', 1, 'Region', '{}', 1);"
                                      "INSERT INTO centre (id, names, location_code, time_zone, status, version)"
                                      "  VALUES ('10001', '{}', 'RSK', 'UTC', 'ACTIVE', 1);",
                                      &error));
    sqlite3_prepare_v2 (db, "INSERT INTO machine (id, name, centre_id, public_key, key_fingerprint, status, version)"
                        " VALUES ('10011', 'bench', '10001', ?, ?, 'ACTIVE', 1)", -1, &stmt, NULL);
    sqlite3_bind_blob (stmt, 1, der, der_length, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 2, fingerprint, -1, SQLITE_STATIC);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
    sqlite3_finalize (stmt);
  }
  OPENSSL_free (der);

  base_url = srv_server_get_url (bench.server);
  url = g_strconcat (base_url, "v1/bench", NULL);
  session = soup_session_new ();
  start = g_get_monotonic_time ();
  for (guint i = 0; i < n_requests; i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
      g_auto(GStrv) signed_headers = idem_request_sign (key, "10011", "GET", "/v1/bench", NULL, NULL, NULL);
      gboolean done = FALSE;

      for (guint h = 0; signed_headers[h] != NULL; h += 2)
        soup_message_headers_replace (soup_message_get_request_headers (msg), signed_headers[h], signed_headers[h + 1]);
      soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, send_cb, &done);
      while (!done)
        g_main_context_iteration (NULL, TRUE);
    }

  if (bench.verified != n_requests)
    g_error ("Only %u of %u requests were accepted", bench.verified, n_requests);

  g_print ("server: %7.1f us per request  %9.0f requests/s verified (with the nonce's durable SQLite commit)\n",
           (double) bench.verify_us / n_requests, n_requests * 1e6 / bench.verify_us);
  g_print ("        %7.1f us of CPU per request  %9.0f requests/s per core without waiting for the disk\n",
           bench.verify_cpu_s * 1e6 / n_requests, n_requests / bench.verify_cpu_s);
  g_print ("        %u HTTP round trips on new connections took %.1f s in all\n",
           n_requests, (g_get_monotonic_time () - start) / 1e6);

  g_assert_true (srv_server_stop (bench.server, NULL));
  g_clear_object (&bench.server);
  remove_tree (tmp);

  return EXIT_SUCCESS;
}
