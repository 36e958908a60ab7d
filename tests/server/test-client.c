/* test-client.c — libcore's REST client against the real server over HTTPS
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * IdemClient is what the applications use; here it talks to the server
 * running in this process: envelopes both ways, machine signatures the
 * server accepts, the server's error codes carried in the GError, pinning
 * that refuses another certificate (even one the system's authorities
 * would vouch for), the sync answers' signatures checked, and an
 * unreachable server told apart from a refusing one.
 */

#include "config.h"

#include "server-test-util.h"

#include "srv-http.h"
#include "srv-machine-auth.h"
#include "srv-server.h"
#include "srv-tls.h"

#include "idem.h"
#include "idem-openssl-types.h"

#include <glib/gstdio.h>
#include <string.h>

typedef struct
{
  char            *tmp_dir;
  char            *data_dir;
  SrvServer       *server;
  GTlsCertificate *certificate;
  IdemClient      *client;
  EVP_PKEY        *key;
} Fixture;

/* Echoes what the server received, after checking the machine's signature
 * when the request carries one. */
static void
echo_cb (SoupServerMessage *msg,
         GHashTable        *params,
         gpointer           user_data)
{
  SrvServer *server = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *machine_id = NULL;
  g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));

  if (soup_message_headers_get_one (headers, IDEM_REQUEST_HEADER_SIGNATURE) != NULL &&
      !srv_machine_auth_verify (server, msg, "idem.test", body, &machine_id, NULL))
    return;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "machineId");
  json_builder_add_string_value (builder, machine_id);
  json_builder_set_member_name (builder, "authorization");
  json_builder_add_string_value (builder, soup_message_headers_get_one (headers, "Authorization"));
  json_builder_set_member_name (builder, "contentType");
  json_builder_add_string_value (builder, soup_message_headers_get_content_type (headers, NULL));
  json_builder_set_member_name (builder, "body");
  json_builder_add_string_value (builder, text);
  json_builder_end_object (builder);
  srv_http_respond (msg, SOUP_STATUS_OK, "idem.test", json_builder_get_root (builder), NULL);
}

/* Stores the body it receives, so a test can tell whether a request got
 * through to the server at all. */
static void
store_cb (SoupServerMessage *msg,
          GHashTable        *params,
          gpointer           user_data)
{
  SrvServer *server = user_data;
  sqlite3 *db = srv_database_get_handle (srv_server_get_database (server));
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO test_store (body) VALUES (?)", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_blob (stmt, 1, g_bytes_get_data (body, NULL), g_bytes_get_size (body), SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  srv_http_respond (msg, SOUP_STATUS_OK, "idem.test", json_node_new (JSON_NODE_NULL), NULL);
}

static gint64
count_stored (Fixture *fixture)
{
  sqlite3 *db = srv_database_get_handle (srv_server_get_database (fixture->server));
  sqlite3_stmt *stmt = NULL;
  gint64 count;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM test_store", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return count;
}

/* A self-signed certificate for localhost and 127.0.0.1, made as the
 * server makes its own, in @dir. */
static GTlsCertificate *
new_self_signed_certificate (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cert_path = g_build_filename (dir, "server.crt", NULL);
  g_autofree char *key_path = g_build_filename (dir, "server.key", NULL);
  GTlsCertificate *certificate;

  g_assert_true (srv_tls_create_self_signed (cert_path, key_path, &error));
  g_assert_no_error (error);
  certificate = srv_tls_load (cert_path, key_path, &error);
  g_assert_no_error (error);
  return certificate;
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
  g_autofree char *fingerprint = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der, der_length);

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
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  SrvConfig *config;

  fixture->data_dir = srv_test_new_data_dir (&fixture->tmp_dir);
  fixture->certificate = srv_test_load_certificate (fixture->data_dir);
  fixture->key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_ED25519, 0, &error);
  g_assert_no_error (error);

  config = srv_config_load (fixture->data_dir, &error);
  g_assert_no_error (error);
  g_assert_true (srv_config_set_port (config, 0, &error));
  fixture->server = srv_server_new (config);
  g_assert_true (srv_server_start (fixture->server, &error));
  g_assert_no_error (error);
  srv_router_add (srv_server_get_router (fixture->server), SOUP_METHOD_POST, "/v1/test/echo",
                  echo_cb, fixture->server);
  srv_router_add (srv_server_get_router (fixture->server), SOUP_METHOD_POST, "/v1/test/store",
                  store_cb, fixture->server);

  g_assert_true (srv_database_exec (srv_server_get_database (fixture->server),
                                    "INSERT INTO location (code, level, level_name, names, version)"
                                    "  VALUES ('RSK', 1, 'Region', '{}', 1);"
                                    "INSERT INTO centre (id, names, location_code, time_zone, status, version)"
                                    "  VALUES ('10001', '{}', 'RSK', 'Africa/Casablanca', 'ACTIVE', 1);"
                                    "INSERT INTO master_data (type, code, names, version)"
                                    "  VALUES ('gender', 'FLE', '{\"eng\":\"Female\"}', 0);"
                                    "CREATE TABLE test_store (body BLOB);",
                                    &error));
  g_assert_no_error (error);
  register_machine (fixture, "10011", fixture->key, "ACTIVE");

  url = srv_server_get_url (fixture->server);
  fixture->client = idem_client_new (url);
  idem_client_set_pinned_certificate (fixture->client, fixture->certificate);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  g_clear_object (&fixture->client);
  g_assert_true (srv_server_stop (fixture->server, &error));
  g_assert_no_error (error);
  g_clear_object (&fixture->server);
  g_clear_object (&fixture->certificate);
  g_clear_pointer (&fixture->key, EVP_PKEY_free);
  srv_test_remove_tree (fixture->tmp_dir);
  g_clear_pointer (&fixture->tmp_dir, g_free);
  g_clear_pointer (&fixture->data_dir, g_free);
}

static void
call_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* Calls and waits, iterating the main context the server also runs in. */
static JsonNode *
call (IdemClient           *client,
      const char           *method,
      const char           *path,
      JsonNode             *request,
      GBytes               *raw_body,
      IdemClientCallFlags   flags,
      GCancellable         *cancellable,
      GError              **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  idem_client_call_full_async (client, method, path, request, raw_body, flags, cancellable, call_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return idem_client_call_finish (client, result, error);
}

static void
test_envelope (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) health = NULL;
  g_autoptr(JsonNode) echo = NULL;
  g_autoptr(JsonNode) request = json_from_string ("{\"userId\":\"operator1\",\"password\":\"s3cret\"}", NULL);
  g_autoptr(JsonNode) sent = NULL;
  JsonObject *envelope;

  health = call (fixture->client, "GET", "/health", NULL, NULL, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (health), "status"), ==, "UP");

  /* The request goes out in MOSIP's envelope, with the token. */
  idem_client_set_token (fixture->client, "t0ken");
  echo = call (fixture->client, "POST", "/v1/test/echo", request, NULL, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (echo), "authorization"), ==, "Bearer t0ken");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (echo), "contentType"), ==, "application/json");
  sent = json_from_string (json_object_get_string_member (json_node_get_object (echo), "body"), &error);
  g_assert_no_error (error);
  envelope = json_node_get_object (sent);
  g_assert_cmpstr (json_object_get_string_member (envelope, "version"), ==, "v1");
  g_assert_true (g_str_has_suffix (json_object_get_string_member (envelope, "requesttime"), "Z"));
  g_assert_true (json_node_equal (json_object_get_member (envelope, "request"), request));
}

static void
test_server_error_codes (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) response = NULL;
  g_autoptr(EVP_PKEY) inactive_key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_ED25519, 0, NULL);

  response = call (fixture->client, "GET", "/v1/nowhere", NULL, NULL, 0, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, IDEM_CLIENT_ERROR, IDEM_CLIENT_ERROR_SERVER);
  g_assert_cmpstr (idem_client_error_get_code (error), ==, "IDM-SRV-404");
  g_assert_cmpuint (idem_client_error_get_status (error), ==, 404);
  g_assert_cmpstr (error->message, ==, "No resource at /v1/nowhere");
  g_clear_error (&error);

  /* The sync API without a machine key. */
  response = call (fixture->client, "GET", "/v1/sync/masterdata", NULL, NULL, 0, NULL, &error);
  g_assert_error (error, IDEM_CLIENT_ERROR, IDEM_CLIENT_ERROR_SERVER);
  g_assert_cmpstr (idem_client_error_get_code (error), ==, "IDM-MAC-401");
  g_assert_cmpuint (idem_client_error_get_status (error), ==, 401);
  g_clear_error (&error);

  register_machine (fixture, "10012", inactive_key, "INACTIVE");
  idem_client_set_machine_key (fixture->client, "10012", inactive_key);
  g_assert_cmpstr (idem_client_get_machine_id (fixture->client), ==, "10012");
  response = call (fixture->client, "GET", "/v1/sync/masterdata", NULL, NULL, 0, NULL, &error);
  g_assert_error (error, IDEM_CLIENT_ERROR, IDEM_CLIENT_ERROR_SERVER);
  g_assert_cmpstr (idem_client_error_get_code (error), ==, "IDM-MAC-INACTIVE");
  g_assert_cmpuint (idem_client_error_get_status (error), ==, 403);
  g_clear_error (&error);

  /* Codes survive g_error_copy(), as GTask and callers copy errors. */
  {
    g_autoptr(GError) original = NULL;
    g_autoptr(GError) copy = NULL;

    response = call (fixture->client, "GET", "/v1/sync/masterdata", NULL, NULL, 0, NULL, &original);
    copy = g_error_copy (original);
    g_assert_cmpstr (idem_client_error_get_code (copy), ==, "IDM-MAC-INACTIVE");
  }

  /* Not an error of this client: no code. */
  g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_FAILED, "elsewhere");
  g_assert_null (idem_client_error_get_code (error));
  g_assert_cmpuint (idem_client_error_get_status (error), ==, 0);
}

static void
test_signed_calls (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) master = NULL;
  g_autoptr(JsonNode) echo = NULL;
  g_autoptr(JsonNode) posted = NULL;
  g_autoptr(JsonNode) request = json_from_string ("{\"rids\":[\"10001100110000120260131120000\"]}", NULL);
  static const char zip_like[] = "PK\003\004 not really a zip";
  g_autoptr(GBytes) packet = g_bytes_new_static (zip_like, sizeof zip_like - 1);
  JsonObject *object;

  idem_client_set_machine_key (fixture->client, "10011", fixture->key);

  master = call (fixture->client, "GET", "/v1/sync/masterdata?since=0", NULL, NULL, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (master), "since"), ==, 0);

  /* A JSON body and a raw body, both covered by the signature. */
  echo = call (fixture->client, "POST", "/v1/test/echo?rid=1", request, NULL, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (echo), "machineId"), ==, "10011");

  posted = call (fixture->client, "POST", "/v1/test/echo", NULL, packet, 0, NULL, &error);
  g_assert_no_error (error);
  object = json_node_get_object (posted);
  g_assert_cmpstr (json_object_get_string_member (object, "machineId"), ==, "10011");
  g_assert_cmpstr (json_object_get_string_member (object, "contentType"), ==, "application/octet-stream");
  g_assert_cmpstr (json_object_get_string_member (object, "body"), ==, "PK\003\004 not really a zip");

  /* Each call has its own nonce: the same call twice is no replay. */
  g_clear_pointer (&master, json_node_unref);
  master = call (fixture->client, "GET", "/v1/sync/masterdata?since=0", NULL, NULL, 0, NULL, &error);
  g_assert_no_error (error);
}

static void
test_response_signature (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) certificate = NULL;
  g_autoptr(JsonNode) master = NULL;
  g_autoptr(EVP_PKEY) server_key = NULL;
  g_autoptr(EVP_PKEY) impostor = idem_crypto_generate_key (IDEM_CRYPTO_KEY_ED25519, 0, NULL);
  g_autoptr(BIO) bio = NULL;

  idem_client_set_machine_key (fixture->client, "10011", fixture->key);

  /* Without a key to check with, a checked call fails. */
  master = call (fixture->client, "GET", "/v1/sync/masterdata", NULL, NULL, IDEM_CLIENT_CALL_VERIFY_SIGNATURE, NULL, &error);
  g_assert_null (master);
  g_assert_error (error, IDEM_CLIENT_ERROR, IDEM_CLIENT_ERROR_BAD_SIGNATURE);
  g_clear_error (&error);

  /* The first sync pins the server's signing key. */
  certificate = call (fixture->client, "GET", "/v1/sync/certificate", NULL, NULL, 0, NULL, &error);
  g_assert_no_error (error);
  bio = BIO_new_mem_buf (json_object_get_string_member (json_node_get_object (certificate), "serverSigningKey"), -1);
  server_key = PEM_read_bio_PUBKEY (bio, NULL, NULL, NULL);
  g_assert_nonnull (server_key);

  idem_client_set_server_key (fixture->client, server_key);
  master = call (fixture->client, "GET", "/v1/sync/masterdata", NULL, NULL, IDEM_CLIENT_CALL_VERIFY_SIGNATURE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (master);
  g_clear_pointer (&master, json_node_unref);

  /* Another key: the answer is refused. */
  idem_client_set_server_key (fixture->client, impostor);
  master = call (fixture->client, "GET", "/v1/sync/masterdata", NULL, NULL, IDEM_CLIENT_CALL_VERIFY_SIGNATURE, NULL, &error);
  g_assert_null (master);
  g_assert_error (error, IDEM_CLIENT_ERROR, IDEM_CLIENT_ERROR_BAD_SIGNATURE);
  g_clear_error (&error);

  /* An answer that is not signed at all (health) is refused too. */
  idem_client_set_server_key (fixture->client, server_key);
  master = call (fixture->client, "GET", "/health", NULL, NULL, IDEM_CLIENT_CALL_VERIFY_SIGNATURE, NULL, &error);
  g_assert_null (master);
  g_assert_error (error, IDEM_CLIENT_ERROR, IDEM_CLIENT_ERROR_BAD_SIGNATURE);
}

static void
test_clock_offset (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) master = NULL;

  /* A machine that believes its clock is ten minutes behind the server's:
   * its first signature is out of the window, the server's Date header
   * tells the truth, and the call is signed again and goes through. */
  idem_client_set_machine_key (fixture->client, "10011", fixture->key);
  idem_client_set_clock_offset (fixture->client, -600);
  master = call (fixture->client, "GET", "/v1/sync/masterdata", NULL, NULL, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (master);
  g_assert_cmpint (ABS (idem_client_get_clock_offset (fixture->client)), <=, 2);

  /* Without a machine key there is nothing to sign again: the refusal
   * stands. */
  g_clear_pointer (&master, json_node_unref);
  idem_client_set_machine_key (fixture->client, NULL, NULL);
  idem_client_set_clock_offset (fixture->client, 3600);
  master = call (fixture->client, "GET", "/v1/sync/masterdata", NULL, NULL, 0, NULL, &error);
  g_assert_error (error, IDEM_CLIENT_ERROR, IDEM_CLIENT_ERROR_SERVER);
  g_assert_cmpstr (idem_client_error_get_code (error), ==, "IDM-MAC-401");
  g_assert_cmpint (ABS (idem_client_get_clock_offset (fixture->client)), <=, 2);
}

static void
test_pinning (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) response = NULL;
  g_autofree char *other_dir = srv_test_make_tmp_dir ();
  g_autoptr(GTlsCertificate) other = new_self_signed_certificate (other_dir);

  idem_client_set_pinned_certificate (fixture->client, other);
  response = call (fixture->client, "GET", "/health", NULL, NULL, 0, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, IDEM_CLIENT_ERROR, IDEM_CLIENT_ERROR_UNTRUSTED);
  g_clear_error (&error);

  /* Without a pin, the system's authorities do not know a self-signed
   * certificate either. */
  idem_client_set_pinned_certificate (fixture->client, NULL);
  response = call (fixture->client, "GET", "/health", NULL, NULL, 0, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, IDEM_CLIENT_ERROR, IDEM_CLIENT_ERROR_UNTRUSTED);

  srv_test_remove_tree (other_dir);
}

static void
test_pin_beats_system_trust (Fixture       *fixture,
                             gconstpointer  user_data)
{
  GTlsBackend *backend = g_tls_backend_get_default ();
  g_autoptr(GTlsDatabase) system_database = g_tls_backend_get_default_database (backend);
  g_autoptr(GTlsDatabase) vouching = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) request = json_from_string ("{\"note\":\"registration data\"}", NULL);
  g_autofree char *anchors = g_build_filename (fixture->data_dir, "tls", "server.crt", NULL);
  g_autofree char *other_dir = srv_test_make_tmp_dir ();
  g_autoptr(GTlsCertificate) other = new_self_signed_certificate (other_dir);
  JsonNode *response;

  /* The system's authorities vouch for the server's certificate, as they
   * would for a publicly signed certificate of the server's host name: a
   * file database of it stands in for them as the backend's default. */
  vouching = g_tls_file_database_new (anchors, &error);
  g_assert_no_error (error);
  g_tls_backend_set_default_database (backend, vouching);

  /* Without a pin the client goes by the system's trust. */
  idem_client_set_pinned_certificate (fixture->client, NULL);
  response = call (fixture->client, "POST", "/v1/test/store", request, NULL, 0, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&response, json_node_unref);
  g_assert_cmpint (count_stored (fixture), ==, 1);

  /* Pinned to another certificate: refused before anything is sent,
   * however much the system trusts the one presented. */
  idem_client_set_pinned_certificate (fixture->client, other);
  response = call (fixture->client, "POST", "/v1/test/store", request, NULL, 0, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, IDEM_CLIENT_ERROR, IDEM_CLIENT_ERROR_UNTRUSTED);
  g_clear_error (&error);
  g_assert_cmpint (count_stored (fixture), ==, 1);

  /* The right pin goes through. */
  idem_client_set_pinned_certificate (fixture->client, fixture->certificate);
  response = call (fixture->client, "POST", "/v1/test/store", request, NULL, 0, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&response, json_node_unref);
  g_assert_cmpint (count_stored (fixture), ==, 2);

  /* Unpinned again: the system's trust once more. */
  idem_client_set_pinned_certificate (fixture->client, NULL);
  response = call (fixture->client, "POST", "/v1/test/store", request, NULL, 0, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&response, json_node_unref);
  g_assert_cmpint (count_stored (fixture), ==, 3);

  g_tls_backend_set_default_database (backend, system_database);
  srv_test_remove_tree (other_dir);
}

/* The database on its own, without a connection. */
static void
test_pinned_database (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = srv_test_make_tmp_dir ();
  g_autofree char *pinned_dir = g_build_filename (dir, "pinned", NULL);
  g_autofree char *other_dir = g_build_filename (dir, "other", NULL);
  g_autofree char *anchors = g_build_filename (pinned_dir, "server.crt", NULL);
  g_autoptr(GTlsCertificate) pinned = NULL;
  g_autoptr(GTlsCertificate) other = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GTlsDatabase) nothing = idem_pinned_database_new (NULL);
  g_autoptr(GTlsDatabase) file_database = NULL;
  g_autoptr(GSocketConnectable) elsewhere = g_network_address_new ("elsewhere.example", 443);
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GByteArray) issuer = g_byte_array_new ();

  g_assert_no_errno (g_mkdir (pinned_dir, 0700));
  g_assert_no_errno (g_mkdir (other_dir, 0700));
  pinned = new_self_signed_certificate (pinned_dir);
  other = new_self_signed_certificate (other_dir);
  database = idem_pinned_database_new (pinned);
  g_assert_true (idem_pinned_database_get_certificate (IDEM_PINNED_DATABASE (database)) == pinned);
  g_assert_null (idem_pinned_database_get_certificate (IDEM_PINNED_DATABASE (nothing)));

  g_assert_cmpint (g_tls_database_verify_chain (database, pinned, G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER,
                                                NULL, NULL, G_TLS_DATABASE_VERIFY_NONE, NULL, &error),
                   ==, G_TLS_CERTIFICATE_NO_FLAGS);
  g_assert_no_error (error);
  g_assert_cmpint (g_tls_database_verify_chain (database, other, G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER,
                                                NULL, NULL, G_TLS_DATABASE_VERIFY_NONE, NULL, &error),
                   ==, G_TLS_CERTIFICATE_UNKNOWN_CA);
  g_assert_no_error (error);
  g_assert_cmpint (g_tls_database_verify_chain (nothing, pinned, G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER,
                                                NULL, NULL, G_TLS_DATABASE_VERIFY_NONE, NULL, &error),
                   ==, G_TLS_CERTIFICATE_UNKNOWN_CA);
  g_assert_no_error (error);

  /* A name the certificate does not carry: GnuTLS's own database says so,
   * and the pin does not mind. */
  file_database = g_tls_file_database_new (anchors, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_tls_database_verify_chain (file_database, pinned, G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER,
                                                elsewhere, NULL, G_TLS_DATABASE_VERIFY_NONE, NULL, &error),
                   ==, G_TLS_CERTIFICATE_BAD_IDENTITY);
  g_assert_no_error (error);
  g_assert_cmpint (g_tls_database_verify_chain (database, pinned, G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER,
                                                elsewhere, NULL, G_TLS_DATABASE_VERIFY_NONE, NULL, &error),
                   ==, G_TLS_CERTIFICATE_NO_FLAGS);
  g_assert_no_error (error);

  /* Cancelled: no verdict. */
  g_cancellable_cancel (cancelled);
  g_assert_cmpint (g_tls_database_verify_chain (database, pinned, G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER,
                                                NULL, NULL, G_TLS_DATABASE_VERIFY_NONE, cancelled, &error),
                   ==, G_TLS_CERTIFICATE_GENERIC_ERROR);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* GTlsDatabase's asynchronous verification runs the same check. */
  g_tls_database_verify_chain_async (database, pinned, G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER, NULL, NULL,
                                     G_TLS_DATABASE_VERIFY_NONE, NULL, call_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (g_tls_database_verify_chain_finish (database, result, &error), ==, G_TLS_CERTIFICATE_NO_FLAGS);
  g_assert_no_error (error);

  /* It holds nothing to look up, and says so without a critical. */
  g_assert_null (g_tls_database_create_certificate_handle (database, pinned));
  g_assert_null (g_tls_database_lookup_certificate_for_handle (database, "pkcs11:object=server", NULL,
                                                               G_TLS_DATABASE_LOOKUP_NONE, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (g_tls_database_lookup_certificate_issuer (database, other, NULL,
                                                           G_TLS_DATABASE_LOOKUP_NONE, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (g_tls_database_lookup_certificates_issued_by (database, issuer, NULL,
                                                               G_TLS_DATABASE_LOOKUP_NONE, NULL, &error));
  g_assert_no_error (error);

  srv_test_remove_tree (dir);
}

static void
test_unreachable (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) response = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *url = NULL;

  /* A port that was free a moment ago and has no listener. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, address, FALSE, &error));
  bound = g_socket_get_local_address (socket, &error);
  url = g_strdup_printf ("https://127.0.0.1:%u/", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_socket_close (socket, NULL);

  idem_client_set_base_url (fixture->client, url);
  response = call (fixture->client, "GET", "/health", NULL, NULL, 0, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, IDEM_CLIENT_ERROR, IDEM_CLIENT_ERROR_UNREACHABLE);
}

static void
test_cancelled_and_bad_calls (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) response = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  g_cancellable_cancel (cancellable);
  response = call (fixture->client, "GET", "/health", NULL, NULL, 0, cancellable, &error);
  g_assert_null (response);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  response = call (fixture->client, "GET", "health", NULL, NULL, 0, NULL, &error);
  g_assert_error (error, IDEM_CLIENT_ERROR, IDEM_CLIENT_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  idem_client_set_base_url (fixture->client, "not a url at all");
  response = call (fixture->client, "GET", "/health", NULL, NULL, 0, NULL, &error);
  g_assert_error (error, IDEM_CLIENT_ERROR, IDEM_CLIENT_ERROR_INVALID_ARGUMENT);
}

int
main (int   argc,
      char *argv[])
{
  int result;

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
        g_test_add ("/client/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("envelope", test_envelope);
  ADD ("server-error-codes", test_server_error_codes);
  ADD ("signed-calls", test_signed_calls);
  ADD ("response-signature", test_response_signature);
  ADD ("clock-offset", test_clock_offset);
  ADD ("pinning", test_pinning);
  ADD ("pin-beats-system-trust", test_pin_beats_system_trust);
  ADD ("unreachable", test_unreachable);
  ADD ("cancelled-and-bad-calls", test_cancelled_and_bad_calls);

#undef ADD

  g_test_add_func ("/pinned-database/verify", test_pinned_database);

  result = g_test_run ();
  srv_test_cleanup ();
  return result;
}
