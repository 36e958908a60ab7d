/* test-machine-auth.c — registration machines authenticated by their request signatures
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The server runs in this process over real HTTPS; the machines and their
 * centre are rows put in SQLite directly, as the admin API would; requests
 * are signed with libcore's idem_request_sign() and sent through libsoup.
 */

#include "config.h"

#include "server-test-util.h"

#include "srv-http.h"
#include "srv-machine-auth.h"
#include "srv-server.h"

#include "idem.h"
#include "idem-openssl-types.h"

#include <string.h>

#define TEST_PATH "/v1/test/machine"

typedef struct
{
  char            *tmp_dir;
  char            *data_dir;
  SrvServer       *server;
  SoupSession     *session;
  GTlsCertificate *certificate;
  char            *url;
  EVP_PKEY        *key;
  EVP_PKEY        *other_key;
} Fixture;

static void
machine_route_cb (SoupServerMessage *msg,
                  GHashTable        *params,
                  gpointer           user_data)
{
  SrvServer *server = user_data;
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *machine_id = NULL;
  g_autofree char *centre_id = NULL;

  if (!srv_machine_auth_verify (server, msg, "idem.test", body, &machine_id, &centre_id))
    return;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "machineId");
  json_builder_add_string_value (builder, machine_id);
  json_builder_set_member_name (builder, "centreId");
  json_builder_add_string_value (builder, centre_id);
  json_builder_end_object (builder);
  srv_http_respond (msg, SOUP_STATUS_OK, "idem.test", json_builder_get_root (builder), NULL);
}

static void
exec_sql (Fixture    *fixture,
          const char *sql)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (srv_database_exec (srv_server_get_database (fixture->server), sql, &error));
  g_assert_no_error (error);
}

static void
register_machine (Fixture    *fixture,
                  const char *id,
                  EVP_PKEY   *key,
                  const char *status)
{
  sqlite3 *db = srv_database_get_handle (srv_server_get_database (fixture->server));
  sqlite3_stmt *stmt = NULL;
  unsigned char *der = NULL;
  int der_length = i2d_PUBKEY (key, &der);
  g_autofree char *fingerprint = NULL;

  g_assert_cmpint (der_length, >, 0);
  fingerprint = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der, der_length);

  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "INSERT INTO machine (id, name, centre_id, public_key, key_fingerprint, status, version)"
                                       " VALUES (?, ?, '10001', ?, ?, ?, 1)",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 3, der, der_length, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, fingerprint, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, status, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  OPENSSL_free (der);
}

static void
start_server (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  SrvConfig *config;

  config = srv_config_load (fixture->data_dir, &error);
  g_assert_no_error (error);
  g_assert_true (srv_config_set_port (config, 0, &error));

  fixture->server = srv_server_new (config);
  g_assert_true (srv_server_start (fixture->server, &error));
  g_assert_no_error (error);

  srv_router_add (srv_server_get_router (fixture->server), SOUP_METHOD_GET, TEST_PATH,
                  machine_route_cb, fixture->server);
  srv_router_add (srv_server_get_router (fixture->server), SOUP_METHOD_POST, TEST_PATH,
                  machine_route_cb, fixture->server);

  g_free (fixture->url);
  fixture->url = srv_server_get_url (fixture->server);
}

static void
stop_server (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (srv_server_stop (fixture->server, &error));
  g_assert_no_error (error);
  g_clear_object (&fixture->server);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->data_dir = srv_test_new_data_dir (&fixture->tmp_dir);
  fixture->session = srv_test_session_new ();
  fixture->certificate = srv_test_load_certificate (fixture->data_dir);
  fixture->key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_ED25519, 0, &error);
  g_assert_no_error (error);
  fixture->other_key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_ED25519, 0, &error);
  g_assert_no_error (error);

  start_server (fixture);
  exec_sql (fixture,
            "INSERT INTO location (code, level, level_name, names, version)"
            "  VALUES ('RSK', 1, 'Region', '{\"eng\":\"Rabat Salé Kénitra\"}', 1);"
            "INSERT INTO centre (id, names, location_code, time_zone, status, version)"
            "  VALUES ('10001', '{\"eng\":\"Centre Agdal\"}', 'RSK', 'Africa/Casablanca', 'ACTIVE', 1);");
  register_machine (fixture, "10011", fixture->key, "ACTIVE");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  if (fixture->server != NULL)
    stop_server (fixture);

  g_clear_object (&fixture->session);
  g_clear_object (&fixture->certificate);
  g_clear_pointer (&fixture->key, EVP_PKEY_free);
  g_clear_pointer (&fixture->other_key, EVP_PKEY_free);
  srv_test_remove_tree (fixture->tmp_dir);
  g_clear_pointer (&fixture->tmp_dir, g_free);
  g_clear_pointer (&fixture->data_dir, g_free);
  g_clear_pointer (&fixture->url, g_free);
}

static gboolean
accept_certificate_cb (SoupMessage          *msg,
                       GTlsCertificate      *peer,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  return g_tls_certificate_is_same (peer, user_data);
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GBytes **body = user_data;
  g_autoptr(GError) error = NULL;

  *body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  g_assert_no_error (error);
}

/* Sends @method @path_and_query with @headers (name, value, …) and @body;
 * returns the HTTP status and, in @code, the first error code. */
static guint
send_request (Fixture     *fixture,
              const char  *method,
              const char  *path_and_query,
              GStrv        headers,
              const char  *body,
              char       **code)
{
  g_autofree char *url = g_strconcat (fixture->url, path_and_query + 1, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) response = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;
  JsonArray *errors;

  g_assert_nonnull (msg);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_certificate_cb), fixture->certificate);
  for (guint i = 0; headers != NULL && headers[i] != NULL; i += 2)
    soup_message_headers_replace (soup_message_get_request_headers (msg), headers[i], headers[i + 1]);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  soup_session_send_and_read_async (fixture->session, msg, G_PRIORITY_DEFAULT, NULL, send_cb, &response);
  while (response == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (response, NULL),
                                             g_bytes_get_size (response), &error));
  g_assert_no_error (error);
  root = srv_test_get_object (json_parser_get_root (parser), "");
  errors = json_object_get_array_member (root, "errors");
  if (code != NULL)
    *code = json_array_get_length (errors) > 0
      ? g_strdup (json_object_get_string_member (json_array_get_object_element (errors, 0), "errorCode"))
      : NULL;

  if (soup_message_get_status (msg) == SOUP_STATUS_OK)
    {
      JsonObject *answer = json_object_get_object_member (root, "response");

      g_assert_cmpstr (json_object_get_string_member (answer, "centreId"), ==, "10001");
      g_assert_nonnull (json_object_get_string_member (answer, "machineId"));
    }
  else
    {
      /* Every refusal says why, for people. */
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (errors, 0), "message"), !=, "");
    }

  return soup_message_get_status (msg);
}

static GStrv
sign_as (EVP_PKEY   *key,
         const char *machine_id,
         const char *method,
         const char *path_and_query,
         const char *body,
         GDateTime  *when)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = body != NULL ? g_bytes_new (body, strlen (body)) : NULL;
  GStrv headers;

  headers = idem_request_sign (key, machine_id, method, path_and_query, bytes, when, &error);
  g_assert_no_error (error);
  return headers;
}

static gint64
count_nonces (Fixture *fixture)
{
  sqlite3 *db = srv_database_get_handle (srv_server_get_database (fixture->server));
  sqlite3_stmt *stmt = NULL;
  gint64 count;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM machine_request_nonce", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return count;
}

/* Sends a request signed with @key as @machine_id and expects @status and
 * @code; a refused request leaves no nonce behind. */
static void
expect (Fixture    *fixture,
        EVP_PKEY   *key,
        const char *machine_id,
        GDateTime  *when,
        guint       status,
        const char *code)
{
  g_auto(GStrv) headers = sign_as (key, machine_id, "GET", TEST_PATH "?since=4", NULL, when);
  g_autofree char *got_code = NULL;
  gint64 before = count_nonces (fixture);

  g_assert_cmpuint (send_request (fixture, "GET", TEST_PATH "?since=4", headers, NULL, &got_code), ==, status);
  g_assert_cmpstr (got_code, ==, code);
  g_assert_cmpint (count_nonces (fixture), ==, before + (status == SOUP_STATUS_OK ? 1 : 0));
}

static void
test_good_signature (Fixture       *fixture,
                     gconstpointer  user_data)
{
  const char *body = "{\"request\":{\"rids\":[\"10001100110000120260131120000\"]}}";
  g_auto(GStrv) post = sign_as (fixture->key, "10011", "POST", TEST_PATH, body, NULL);
  g_autoptr(GDateTime) recent = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) four_minutes_ago = g_date_time_add_minutes (recent, -4);
  g_autoptr(GDateTime) four_minutes_ahead = g_date_time_add_minutes (recent, 4);

  expect (fixture, fixture->key, "10011", NULL, SOUP_STATUS_OK, NULL);
  g_assert_cmpuint (send_request (fixture, "POST", TEST_PATH, post, body, NULL), ==, SOUP_STATUS_OK);
  expect (fixture, fixture->key, "10011", four_minutes_ago, SOUP_STATUS_OK, NULL);
  expect (fixture, fixture->key, "10011", four_minutes_ahead, SOUP_STATUS_OK, NULL);
}

static void
test_wrong_key (Fixture       *fixture,
                gconstpointer  user_data)
{
  expect (fixture, fixture->other_key, "10011", NULL, SOUP_STATUS_UNAUTHORIZED, "IDM-MAC-401");
}

static void
test_altered_request (Fixture       *fixture,
                      gconstpointer  user_data)
{
  const char *body = "{\"request\":{\"amount\":1}}";
  g_auto(GStrv) post = sign_as (fixture->key, "10011", "POST", TEST_PATH, body, NULL);
  g_auto(GStrv) get = sign_as (fixture->key, "10011", "GET", TEST_PATH "?since=4", NULL, NULL);
  g_auto(GStrv) get_again = sign_as (fixture->key, "10011", "GET", TEST_PATH "?since=4", NULL, NULL);
  g_autofree char *code = NULL;

  g_assert_cmpuint (send_request (fixture, "POST", TEST_PATH, post, "{\"request\":{\"amount\":9}}", &code),
                    ==, SOUP_STATUS_UNAUTHORIZED);
  g_assert_cmpstr (code, ==, "IDM-MAC-401");
  g_clear_pointer (&code, g_free);

  g_assert_cmpuint (send_request (fixture, "GET", TEST_PATH "?since=0", get, NULL, &code),
                    ==, SOUP_STATUS_UNAUTHORIZED);
  g_assert_cmpstr (code, ==, "IDM-MAC-401");
  g_clear_pointer (&code, g_free);

  g_assert_cmpuint (send_request (fixture, "POST", TEST_PATH "?since=4", get_again, NULL, &code),
                    ==, SOUP_STATUS_UNAUTHORIZED);
  g_assert_cmpstr (code, ==, "IDM-MAC-401");
  g_assert_cmpint (count_nonces (fixture), ==, 0);

  /* The same headers on the request they were made for still pass: the
   * refusals above consumed nothing. */
  g_assert_cmpuint (send_request (fixture, "GET", TEST_PATH "?since=4", get, NULL, NULL), ==, SOUP_STATUS_OK);
}

static void
test_unknown_machine (Fixture       *fixture,
                      gconstpointer  user_data)
{
  expect (fixture, fixture->key, "99999", NULL, SOUP_STATUS_FORBIDDEN, "IDM-MAC-403");
}

static void
test_machine_status (Fixture       *fixture,
                     gconstpointer  user_data)
{
  register_machine (fixture, "10012", fixture->other_key, "INACTIVE");
  expect (fixture, fixture->other_key, "10012", NULL, SOUP_STATUS_FORBIDDEN, "IDM-MAC-INACTIVE");

  exec_sql (fixture, "UPDATE machine SET status = 'DECOMMISSIONED' WHERE id = '10012'");
  expect (fixture, fixture->other_key, "10012", NULL, SOUP_STATUS_FORBIDDEN, "IDM-MAC-DECOMMISSIONED");

  /* An inactive machine's status is not told to someone without its key. */
  expect (fixture, fixture->key, "10012", NULL, SOUP_STATUS_UNAUTHORIZED, "IDM-MAC-401");

  exec_sql (fixture, "UPDATE machine SET status = 'ACTIVE' WHERE id = '10012'");
  expect (fixture, fixture->other_key, "10012", NULL, SOUP_STATUS_OK, NULL);
}

static void
test_clock_window (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) late = g_date_time_add_minutes (now, -6);
  g_autoptr(GDateTime) early = g_date_time_add_minutes (now, 6);
  g_autoptr(GDateTime) long_ago = g_date_time_new_utc (2001, 9, 9, 1, 46, 40);

  expect (fixture, fixture->key, "10011", late, SOUP_STATUS_UNAUTHORIZED, "IDM-MAC-CLOCK");
  expect (fixture, fixture->key, "10011", early, SOUP_STATUS_UNAUTHORIZED, "IDM-MAC-CLOCK");
  expect (fixture, fixture->key, "10011", long_ago, SOUP_STATUS_UNAUTHORIZED, "IDM-MAC-CLOCK");
}

static void
test_replay (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_auto(GStrv) headers = sign_as (fixture->key, "10011", "GET", TEST_PATH "?since=4", NULL, NULL);
  g_autofree char *code = NULL;

  g_assert_cmpuint (send_request (fixture, "GET", TEST_PATH "?since=4", headers, NULL, NULL), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (send_request (fixture, "GET", TEST_PATH "?since=4", headers, NULL, &code), ==, SOUP_STATUS_CONFLICT);
  g_assert_cmpstr (code, ==, "IDM-MAC-REPLAY");
  g_clear_pointer (&code, g_free);

  /* The nonces are in the database: a restart does not reopen the window. */
  stop_server (fixture);
  start_server (fixture);
  g_assert_cmpuint (send_request (fixture, "GET", TEST_PATH "?since=4", headers, NULL, &code), ==, SOUP_STATUS_CONFLICT);
  g_assert_cmpstr (code, ==, "IDM-MAC-REPLAY");
  g_assert_cmpint (count_nonces (fixture), ==, 1);
}

static void
test_prune (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) earlier = g_date_time_add_minutes (now, -3);
  SrvDatabase *database = srv_server_get_database (fixture->server);
  g_autoptr(GError) error = NULL;
  gint64 t = g_date_time_to_unix (now);

  expect (fixture, fixture->key, "10011", earlier, SOUP_STATUS_OK, NULL);
  expect (fixture, fixture->key, "10011", now, SOUP_STATUS_OK, NULL);

  /* Both are inside the window now; the earlier leaves it in 2 minutes,
   * the later in 5. */
  g_assert_cmpint (srv_machine_auth_prune_nonces (database, t, &error), ==, 0);
  g_assert_cmpint (srv_machine_auth_prune_nonces (database, t + 2 * 60 + 2, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_cmpint (count_nonces (fixture), ==, 1);
  g_assert_cmpint (srv_machine_auth_prune_nonces (database, t + 5 * 60 + 2, &error), ==, 1);
  g_assert_cmpint (count_nonces (fixture), ==, 0);
}

static void
test_malformed_headers (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_auto(GStrv) good = sign_as (fixture->key, "10011", "GET", TEST_PATH, NULL, NULL);
  const char * const replacements[][2] = {
    { "X-Idem-Timestamp", "yesterday" },
    { "X-Idem-Timestamp", "2026-01-31T12:00:00+01:00" },
    { "X-Idem-Nonce", "short" },
    { "X-Idem-Nonce", "AAAAAAAAAAAAAAAAAAAA==" },
    { "X-Idem-Signature", "not base64url!" },
    { "X-Idem-Signature", "" },
    { "X-Idem-Machine", "" },
  };

  for (guint i = 0; i < 8; i += 2)
    {
      g_auto(GStrv) missing = g_strdupv (good);
      g_autofree char *code = NULL;

      /* Drop one header by renaming it. */
      g_free (missing[i]);
      missing[i] = g_strdup ("X-Idem-Other");
      g_assert_cmpuint (send_request (fixture, "GET", TEST_PATH, missing, NULL, &code), ==, SOUP_STATUS_UNAUTHORIZED);
      g_assert_cmpstr (code, ==, "IDM-MAC-401");
    }

  for (guint i = 0; i < G_N_ELEMENTS (replacements); i++)
    {
      g_auto(GStrv) altered = g_strdupv (good);
      g_autofree char *code = NULL;

      for (guint j = 0; altered[j] != NULL; j += 2)
        if (g_str_equal (altered[j], replacements[i][0]))
          {
            g_free (altered[j + 1]);
            altered[j + 1] = g_strdup (replacements[i][1]);
          }
      g_assert_cmpuint (send_request (fixture, "GET", TEST_PATH, altered, NULL, &code), ==, SOUP_STATUS_UNAUTHORIZED);
      g_assert_cmpstr (code, ==, "IDM-MAC-401");
    }

  g_assert_cmpint (count_nonces (fixture), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  int result;

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
        g_test_add ("/machine-auth/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("good-signature", test_good_signature);
  ADD ("wrong-key", test_wrong_key);
  ADD ("altered-request", test_altered_request);
  ADD ("unknown-machine", test_unknown_machine);
  ADD ("machine-status", test_machine_status);
  ADD ("clock-window", test_clock_window);
  ADD ("replay", test_replay);
  ADD ("prune", test_prune);
  ADD ("malformed-headers", test_malformed_headers);

#undef ADD

  result = g_test_run ();
  srv_test_cleanup ();
  return result;
}
