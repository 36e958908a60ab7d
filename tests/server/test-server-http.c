/* test-server-http.c — the server in this process, over real HTTPS
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include "server-test-util.h"

#include "srv-error.h"
#include "srv-http.h"
#include "srv-server.h"
#include "srv-tls.h"

#include "idem.h"

#include <glib/gstdio.h>

typedef struct
{
  char            *tmp_dir;
  char            *data_dir;
  SrvServer       *server;
  SoupSession     *session;
  GTlsCertificate *certificate;
  char            *url;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->data_dir = srv_test_new_data_dir (&fixture->tmp_dir);
  fixture->session = srv_test_session_new ();
  fixture->certificate = srv_test_load_certificate (fixture->data_dir);
}

/* Loads the fixture's data directory, lets @adjust change the
 * configuration, and starts the server on a free port. */
static void
fixture_start (Fixture *fixture,
               void   (*adjust)(SrvConfig *config))
{
  g_autoptr(GError) error = NULL;
  SrvConfig *config;

  config = srv_config_load (fixture->data_dir, &error);
  g_assert_no_error (error);
  g_assert_true (srv_config_set_port (config, 0, &error));
  if (adjust != NULL)
    adjust (config);

  fixture->server = srv_server_new (config);
  g_assert_true (srv_server_start (fixture->server, &error));
  g_assert_no_error (error);

  fixture->url = srv_server_get_url (fixture->server);
  g_assert_true (g_str_has_prefix (fixture->url, "https://127.0.0.1:"));
  g_assert_cmpuint (srv_server_get_port (fixture->server), >, 0);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  if (fixture->server != NULL)
    {
      g_assert_true (srv_server_stop (fixture->server, &error));
      g_assert_no_error (error);
    }

  g_clear_object (&fixture->server);
  g_clear_object (&fixture->session);
  g_clear_object (&fixture->certificate);
  srv_test_remove_tree (fixture->tmp_dir);
  g_clear_pointer (&fixture->tmp_dir, g_free);
  g_clear_pointer (&fixture->data_dir, g_free);
  g_clear_pointer (&fixture->url, g_free);
}

static SrvTestResponse *
request (Fixture    *fixture,
         const char *method,
         const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strconcat (fixture->url, path[0] == '/' ? path + 1 : path, NULL);
  SrvTestResponse *response;

  response = srv_test_request (fixture->session, fixture->certificate, method, url, &error);
  g_assert_no_error (error);
  g_assert_nonnull (response);
  return response;
}

/* Checks the envelope every response shares, and returns "response". */
static JsonNode *
assert_envelope (SrvTestResponse *response,
                 const char      *api_id,
                 guint            n_errors)
{
  JsonObject *root = srv_test_get_object (response->json, "");
  const char *time;

  g_assert_cmpstr (soup_message_headers_get_content_type (response->headers, NULL), ==, "application/json");
  g_assert_cmpstr (json_object_get_string_member (root, "id"), ==, api_id);
  g_assert_cmpstr (json_object_get_string_member (root, "version"), ==, "v1");
  time = json_object_get_string_member (root, "responsetime");
  /* 2026-01-31T12:00:00.000Z */
  g_assert_cmpuint (strlen (time), ==, 24);
  g_assert_true (g_str_has_suffix (time, "Z"));
  g_assert_true (json_object_has_member (root, "metadata"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "errors")), ==, n_errors);

  return json_object_get_member (root, "response");
}

static const char *
first_error_code (SrvTestResponse *response)
{
  JsonArray *errors = json_object_get_array_member (srv_test_get_object (response->json, ""), "errors");
  JsonObject *error = json_array_get_object_element (errors, 0);

  g_assert_true (json_object_has_member (error, "message"));
  return json_object_get_string_member (error, "errorCode");
}

static void
test_health_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(SrvTestResponse) response = NULL;
  g_autoptr(SrvTestResponse) head = NULL;
  g_autoptr(IdemKeystore) keystore = NULL;
  g_autofree char *keys_dir = g_build_filename (fixture->data_dir, "keys", NULL);
  g_autofree char *signing = NULL;
  g_autofree char *encryption = NULL;
  JsonObject *health;
  JsonObject *component;
  guint n_migrations = 0;

  fixture_start (fixture, NULL);
  response = request (fixture, "GET", "/health");
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);
  assert_envelope (response, "idem.health", 0);

  health = srv_test_get_object (response->json, "response");
  g_assert_cmpstr (json_object_get_string_member (health, "status"), ==, "UP");
  g_assert_cmpstr (json_object_get_string_member (health, "version"), ==, IDEM_VERSION_STRING);
  g_assert_cmpint (json_object_get_int_member (health, "uptime_s"), >=, 0);
  g_assert_cmpint (json_object_get_int_member (health, "uptime_s"), <, 60);

  srv_migrations_get (&n_migrations);
  component = srv_test_get_object (response->json, "response.components.database");
  g_assert_cmpstr (json_object_get_string_member (component, "status"), ==, "UP");
  g_assert_cmpint (json_object_get_int_member (component, "schema_version"), ==, n_migrations);

  /* The fingerprints reported are those of the keys in the keystore. */
  keystore = idem_keystore_new (keys_dir);
  signing = idem_keystore_get_fingerprint (keystore, "server-signing", NULL);
  encryption = idem_keystore_get_fingerprint (keystore, "server-encryption", NULL);
  component = srv_test_get_object (response->json, "response.components.keys");
  g_assert_cmpstr (json_object_get_string_member (component, "status"), ==, "UP");
  component = srv_test_get_object (response->json, "response.components.keys.signing");
  g_assert_true (json_object_get_boolean_member (component, "loaded"));
  g_assert_cmpstr (json_object_get_string_member (component, "type"), ==, "ed25519");
  g_assert_cmpstr (json_object_get_string_member (component, "fingerprint"), ==, signing);
  component = srv_test_get_object (response->json, "response.components.keys.encryption");
  g_assert_cmpstr (json_object_get_string_member (component, "type"), ==, "rsa-3072");
  g_assert_cmpstr (json_object_get_string_member (component, "fingerprint"), ==, encryption);

  component = srv_test_get_object (response->json, "response.components.disk");
  g_assert_cmpstr (json_object_get_string_member (component, "status"), ==, "UP");
  g_assert_cmpint (json_object_get_int_member (component, "free_bytes"), >, 0);

  /* HEAD answers like GET, without a body. */
  head = request (fixture, "HEAD", "/health");
  g_assert_cmpuint (head->status, ==, SOUP_STATUS_OK);
  g_assert_cmpuint (g_bytes_get_size (head->body), ==, 0);
}

static void
demand_impossible_free_space (SrvConfig *config)
{
  config->disk_min_free = G_MAXINT64;
}

static void
test_health_disk_down (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(SrvTestResponse) response = NULL;
  JsonObject *component;

  fixture_start (fixture, demand_impossible_free_space);
  response = request (fixture, "GET", "/health");
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_SERVICE_UNAVAILABLE);
  assert_envelope (response, "idem.health", 1);
  g_assert_cmpstr (first_error_code (response), ==, SRV_ERROR_CODE_UNAVAILABLE);

  g_assert_cmpstr (json_object_get_string_member (srv_test_get_object (response->json, "response"), "status"),
                   ==, "DOWN");
  component = srv_test_get_object (response->json, "response.components.disk");
  g_assert_cmpstr (json_object_get_string_member (component, "status"), ==, "DOWN");
  g_assert_true (json_object_has_member (component, "error"));
  /* The other components are still up: the report says which one failed. */
  component = srv_test_get_object (response->json, "response.components.database");
  g_assert_cmpstr (json_object_get_string_member (component, "status"), ==, "UP");
}

static void
test_health_database_down (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(SrvTestResponse) response = NULL;
  JsonObject *component;

  fixture_start (fixture, NULL);
  /* The database going away under a running server: health must notice. */
  g_assert_true (srv_database_close (srv_server_get_database (fixture->server), NULL));

  response = request (fixture, "GET", "/health");
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_SERVICE_UNAVAILABLE);
  component = srv_test_get_object (response->json, "response.components.database");
  g_assert_cmpstr (json_object_get_string_member (component, "status"), ==, "DOWN");
}

static void
test_not_found (Fixture       *fixture,
                gconstpointer  user_data)
{
  static const char * const paths[] = { "/", "/nope", "/health/", "/health/extra", "/HEALTH" };

  fixture_start (fixture, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(SrvTestResponse) response = request (fixture, "GET", paths[i]);
      JsonNode *body;

      g_assert_cmpuint (response->status, ==, SOUP_STATUS_NOT_FOUND);
      body = assert_envelope (response, SRV_API_ID_SERVER, 1);
      g_assert_true (JSON_NODE_HOLDS_NULL (body));
      g_assert_cmpstr (first_error_code (response), ==, "IDM-SRV-404");
    }
}

static void
test_method_not_allowed (Fixture       *fixture,
                         gconstpointer  user_data)
{
  static const char * const methods[] = { "POST", "PUT", "DELETE", "PATCH" };

  fixture_start (fixture, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_autoptr(SrvTestResponse) response = request (fixture, methods[i], "/health");

      g_assert_cmpuint (response->status, ==, SOUP_STATUS_METHOD_NOT_ALLOWED);
      assert_envelope (response, SRV_API_ID_SERVER, 1);
      g_assert_cmpstr (first_error_code (response), ==, "IDM-SRV-405");
      g_assert_cmpstr (soup_message_headers_get_one (response->headers, "Allow"), ==, "GET, HEAD");
    }
}

static void
echo_cb (SoupServerMessage *msg,
         GHashTable        *params,
         gpointer           user_data)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, g_hash_table_lookup (params, "id"));
  srv_http_respond (msg, SOUP_STATUS_OK, "idem.test", node, NULL);
}

/* Later modules add routes with {name} segments: they are matched one
 * segment at a time and handed over unescaped. */
static void
test_router_parameters (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(SrvTestResponse) plain = NULL;
  g_autoptr(SrvTestResponse) escaped = NULL;
  g_autoptr(SrvTestResponse) empty = NULL;
  g_autoptr(SrvTestResponse) deeper = NULL;
  g_autoptr(SrvTestResponse) wrong = NULL;

  fixture_start (fixture, NULL);
  srv_router_add (srv_server_get_router (fixture->server), "GET", "/things/{id}", echo_cb, NULL);

  plain = request (fixture, "GET", "/things/10001");
  g_assert_cmpuint (plain->status, ==, SOUP_STATUS_OK);
  g_assert_cmpstr (json_node_get_string (assert_envelope (plain, "idem.test", 0)), ==, "10001");

  escaped = request (fixture, "GET", "/things/a%20b");
  g_assert_cmpuint (escaped->status, ==, SOUP_STATUS_OK);
  g_assert_cmpstr (json_node_get_string (assert_envelope (escaped, "idem.test", 0)), ==, "a b");

  empty = request (fixture, "GET", "/things/");
  g_assert_cmpuint (empty->status, ==, SOUP_STATUS_NOT_FOUND);
  deeper = request (fixture, "GET", "/things/a/b");
  g_assert_cmpuint (deeper->status, ==, SOUP_STATUS_NOT_FOUND);
  wrong = request (fixture, "DELETE", "/things/1");
  g_assert_cmpuint (wrong->status, ==, SOUP_STATUS_METHOD_NOT_ALLOWED);
}

/* The client pins the data directory's certificate; a client pinning some
 * other certificate must not get through, which shows the pin is checked. */
static void
test_certificate_pinned (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) other = NULL;
  g_autoptr(SrvTestResponse) response = NULL;
  g_autofree char *other_dir = srv_test_make_tmp_dir ();
  g_autofree char *other_crt = g_build_filename (other_dir, "other.crt", NULL);
  g_autofree char *other_key = g_build_filename (other_dir, "other.key", NULL);
  g_autofree char *url = NULL;

  fixture_start (fixture, NULL);

  g_assert_true (srv_tls_create_self_signed (other_crt, other_key, &error));
  g_assert_no_error (error);
  other = g_tls_certificate_new_from_file (other_crt, &error);
  g_assert_no_error (error);

  url = g_strconcat (fixture->url, "health", NULL);
  response = srv_test_request (fixture->session, other, "GET", url, &error);
  g_assert_null (response);
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);

  srv_test_remove_tree (other_dir);
}

static guint
count_open_files (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;

  return n;
}

/* Clients that come, ask once and go must not leave anything behind on the
 * server: libsoup 3.2 keeps every kept-alive connection a client closes
 * while idle, with its socket, for the life of the server.  Counting this
 * process's open files (server and client sides alike) shows it. */
static void
test_connections_released (Fixture       *fixture,
                           gconstpointer  user_data)
{
  const guint n_clients = 40;
  g_autoptr(SrvTestResponse) warm_up = NULL;
  gint64 deadline;
  guint baseline;
  guint open_files;

  fixture_start (fixture, NULL);
  /* The first request loads the TLS backend and opens its files. */
  warm_up = request (fixture, "GET", "/health");
  g_assert_cmpuint (warm_up->status, ==, SOUP_STATUS_OK);
  g_clear_object (&fixture->session);
  baseline = count_open_files ();

  for (guint i = 0; i < n_clients; i++)
    {
      g_autoptr(SoupSession) session = srv_test_session_new ();
      g_autoptr(SrvTestResponse) response = NULL;
      g_autofree char *url = g_strconcat (fixture->url, "health", NULL);
      g_autoptr(GError) error = NULL;

      response = srv_test_request (session, fixture->certificate, "GET", url, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);
    }

  /* Let the server see the clients go. */
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while ((open_files = count_open_files ()) > baseline + 2 && g_get_monotonic_time () < deadline)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (10000);
    }

  g_test_message ("open files: %u before, %u after %u clients", baseline, open_files, n_clients);
  g_assert_cmpuint (open_files, <=, baseline + 2);
}

static void
assert_start_fails (Fixture    *fixture,
                    int         code,
                    const char *expected_text)
{
  g_autoptr(GError) error = NULL;
  SrvConfig *config;

  config = srv_config_load (fixture->data_dir, &error);
  g_assert_no_error (error);
  g_assert_true (srv_config_set_port (config, 0, NULL));

  fixture->server = srv_server_new (config);
  g_assert_false (srv_server_start (fixture->server, &error));
  g_assert_error (error, SRV_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, expected_text));

  /* Nothing is left half-open. */
  g_assert_cmpuint (srv_server_get_port (fixture->server), ==, 0);
  g_assert_null (srv_server_get_database (fixture->server));
  g_assert_null (srv_server_get_keys (fixture->server));
}

static void
test_missing_key (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autofree char *path = g_build_filename (fixture->data_dir, "keys", "server-signing.key.pem", NULL);

  g_assert_no_errno (g_unlink (path));
  assert_start_fails (fixture, SRV_ERROR_KEYS, "server-signing");
}

static void
test_wrong_passphrase (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autofree char *path = g_build_filename (fixture->data_dir, "keys", "passphrase", NULL);

  g_assert_true (g_file_set_contents_full (path, "not the passphrase\n", -1,
                                           G_FILE_SET_CONTENTS_NONE, 0600, NULL));
  assert_start_fails (fixture, SRV_ERROR_KEYS, "Wrong passphrase");
}

static void
test_passphrase_readable_by_others (Fixture       *fixture,
                                    gconstpointer  user_data)
{
  g_autofree char *path = g_build_filename (fixture->data_dir, "keys", "passphrase", NULL);

  g_assert_no_errno (g_chmod (path, 0644));
  assert_start_fails (fixture, SRV_ERROR_KEYS, "chmod 600");
}

static void
test_missing_database (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autofree char *path = g_build_filename (fixture->data_dir, "idem.db", NULL);

  g_assert_no_errno (g_unlink (path));
  assert_start_fails (fixture, SRV_ERROR_DATABASE, "idem-server init");
}

static void
test_port_in_use (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrvServer) second = NULL;
  SrvConfig *config;

  fixture_start (fixture, NULL);

  config = srv_config_load (fixture->data_dir, &error);
  g_assert_no_error (error);
  g_assert_true (srv_config_set_port (config, srv_server_get_port (fixture->server), NULL));
  second = srv_server_new (config);
  g_assert_false (srv_server_start (second, &error));
  g_assert_error (error, SRV_ERROR, SRV_ERROR_LISTEN);
}

/* Stopping checkpoints the write-ahead log: the database file alone holds
 * everything, and no -wal file is left behind. */
static void
test_stop_checkpoints (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *wal = g_build_filename (fixture->data_dir, "idem.db-wal", NULL);
  GStatBuf st;

  fixture_start (fixture, NULL);
  g_assert_true (srv_database_exec (srv_server_get_database (fixture->server),
                                    "INSERT INTO server_metadata (key, value) VALUES ('test', 'x')",
                                    &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));

  g_assert_true (srv_server_stop (fixture->server, &error));
  g_assert_no_error (error);
  g_assert_true (g_stat (wal, &st) != 0 || st.st_size == 0);
  g_assert_cmpuint (srv_server_get_port (fixture->server), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  idem_i18n_init ();
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/server/health/up", test_health_up);
  ADD ("/server/health/disk-down", test_health_disk_down);
  ADD ("/server/health/database-down", test_health_database_down);
  ADD ("/server/http/not-found", test_not_found);
  ADD ("/server/http/method-not-allowed", test_method_not_allowed);
  ADD ("/server/http/router-parameters", test_router_parameters);
  ADD ("/server/http/certificate-pinned", test_certificate_pinned);
  ADD ("/server/http/connections-released", test_connections_released);
  ADD ("/server/start/missing-key", test_missing_key);
  ADD ("/server/start/wrong-passphrase", test_wrong_passphrase);
  ADD ("/server/start/passphrase-readable-by-others", test_passphrase_readable_by_others);
  ADD ("/server/start/missing-database", test_missing_database);
  ADD ("/server/start/port-in-use", test_port_in_use);
  ADD ("/server/stop/checkpoints", test_stop_checkpoints);

#undef ADD

  status = g_test_run ();
  srv_test_cleanup ();

  return status;
}
