/* test-sync.c — what registration machines download, as signed deltas
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The server runs in this process over real HTTPS.  The country is rows
 * put in SQLite directly, with the versions the admin API would give
 * them; each sync request is signed as the machine with libcore's
 * idem_request_sign(), and each answer's signature is checked with
 * OpenSSL against the server's own key.
 */

#include "config.h"

#include "server-test-util.h"

#include "srv-machine-auth.h"
#include "srv-server.h"
#include "srv-sync.h"

#include "idem.h"
#include "idem-openssl-types.h"

#include <string.h>

typedef struct
{
  char            *tmp_dir;
  char            *data_dir;
  SrvServer       *server;
  SoupSession     *session;
  GTlsCertificate *certificate;
  char            *url;
  EVP_PKEY        *key;
} Fixture;

typedef struct
{
  guint     status;
  JsonNode *root;
  char     *code;
} Answer;

static void
answer_clear (Answer *answer)
{
  g_clear_pointer (&answer->root, json_node_unref);
  g_clear_pointer (&answer->code, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Answer, answer_clear)

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
                  const char *centre_id,
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
                                       " VALUES (?, ?, ?, ?, ?, ?, 1)",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, centre_id, -1, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 4, der, der_length, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, fingerprint, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, status, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  OPENSSL_free (der);
}

/* A small country at sync clock 3: what changed at 1, 2 and 3 is spread
 * over the tables so deltas can be told apart. */
static const char country[] =
  "UPDATE sync_clock SET version = 3;"
  "INSERT INTO location (code, parent_code, level, level_name, names, version) VALUES"
  "  ('MOR', NULL, 0, 'Country', '{\"eng\":\"Morocco\",\"fra\":\"Maroc\"}', 1),"
  "  ('RSK', 'MOR', 1, 'Region', '{\"eng\":\"Rabat-Salé-Kénitra\"}', 1),"
  "  ('KEN', 'RSK', 2, 'Province', '{\"eng\":\"Kénitra\"}', 3);"
  "INSERT INTO centre (id, names, location_code, time_zone, address, latitude, longitude, status, version) VALUES"
  "  ('10001', '{\"eng\":\"Agdal\"}', 'RSK', 'Africa/Casablanca', '1 Avenue de France', 33.99, -6.85, 'ACTIVE', 2),"
  "  ('10002', '{\"eng\":\"Kénitra\"}', 'KEN', 'Africa/Casablanca', NULL, NULL, NULL, 'ACTIVE', 3);"
  "INSERT INTO centre_working_hours (centre_id, weekday, opens, closes) VALUES"
  "  ('10001', 1, '08:30', '16:30'), ('10001', 2, '08:30', '16:30'), ('10002', 1, '09:00', '12:00');"
  "INSERT INTO device (id, type, make, model, serial, centre_id, machine_id, status, version) VALUES"
  "  ('FP-1', 'FINGERPRINT', 'Acme', 'Scan 5', 'SN001', '10001', NULL, 'ACTIVE', 1),"
  "  ('CAM-1', 'CAMERA', 'Acme', 'Cam 2', 'SN002', '10001', NULL, 'INACTIVE', 3),"
  "  ('FP-9', 'FINGERPRINT', 'Acme', 'Scan 5', 'SN009', '10002', NULL, 'ACTIVE', 1);"
  "INSERT INTO centre_holiday (centre_id, date, names) VALUES"
  "  ('10001', '2026-11-18', '{\"eng\":\"Independence Day\"}');"
  "INSERT INTO master_data (type, code, names, attributes, active, version) VALUES"
  "  ('gender', 'FLE', '{\"eng\":\"Female\",\"fra\":\"Femme\"}', NULL, 1, 1),"
  "  ('gender', 'MLE', '{\"eng\":\"Male\",\"fra\":\"Homme\"}', NULL, 1, 1),"
  "  ('gender', 'OTH', '{\"eng\":\"Other\"}', NULL, 0, 3),"
  "  ('documentType', 'PASSPORT', '{\"eng\":\"Passport\"}', '{\"category\":\"POI\"}', 1, 2);"
  "INSERT INTO applicant_valid_document (applicant_type, document_category, document_type, active, version) VALUES"
  "  ('NFR_ADULT', 'POI', 'PASSPORT', 1, 2);"
  "INSERT INTO app_user (id, name, email, password_hash, status, version) VALUES"
  "  ('operator1', 'Amina Diallo', 'amina@example.org', 'scrypt$N=16384$r=8$p=1$c2FsdA$aGFzaA', 'ACTIVE', 1),"
  "  ('supervisor1', 'Boris Lind', NULL, 'scrypt$N=16384$r=8$p=1$c2FsdDI$aGFzaDI', 'ACTIVE', 3),"
  "  ('leaver', 'Chidi Okafor', NULL, 'scrypt$N=16384$r=8$p=1$c2FsdDM$aGFzaDM', 'ACTIVE', 1),"
  "  ('elsewhere', 'Dana Roe', NULL, 'scrypt$N=16384$r=8$p=1$c2FsdDQ$aGFzaDQ', 'ACTIVE', 1);"
  "INSERT INTO user_role (user_id, role) VALUES"
  "  ('operator1', 'OPERATOR'), ('supervisor1', 'SUPERVISOR'), ('supervisor1', 'OPERATOR'),"
  "  ('leaver', 'OPERATOR'), ('elsewhere', 'OPERATOR');"
  "INSERT INTO user_centre (user_id, centre_id, valid_from, valid_to) VALUES"
  "  ('operator1', '10001', 1000, NULL), ('supervisor1', '10001', 1000, NULL),"
  "  ('leaver', '10001', 1000, 2000), ('elsewhere', '10002', 1000, NULL);"
  "INSERT INTO user_biometric (user_id, finger, template) VALUES"
  "  ('operator1', 'RIGHT_INDEX', x'00010203fffe');"
  "INSERT INTO published_document (kind, version, content, published) VALUES"
  "  ('id-schema', 1, '{\"schema\":[{\"id\":\"fullName\"}]}', '2026-01-01T00:00:00Z'),"
  "  ('id-schema', 2, '{\"schema\":[{\"id\":\"fullName\"},{\"id\":\"gender\"}]}', '2026-02-01T00:00:00Z'),"
  "  ('ui-spec', 1, '{\"screens\":[]}', '2026-01-01T00:00:00Z');";

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  SrvConfig *config;

  fixture->data_dir = srv_test_new_data_dir (&fixture->tmp_dir);
  /* Longer than the other server tests' timeout: the first certificate
   * request makes an RSA-3072 key, which on a loaded machine under a
   * sanitizer has taken more than ten seconds. */
  fixture->session = srv_test_session_new ();
  g_object_set (fixture->session, "timeout", 120, "idle-timeout", 120, NULL);
  fixture->certificate = srv_test_load_certificate (fixture->data_dir);
  fixture->key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_ED25519, 0, &error);
  g_assert_no_error (error);

  config = srv_config_load (fixture->data_dir, &error);
  g_assert_no_error (error);
  g_assert_true (srv_config_set_port (config, 0, &error));
  fixture->server = srv_server_new (config);
  g_assert_true (srv_server_start (fixture->server, &error));
  g_assert_no_error (error);
  fixture->url = srv_server_get_url (fixture->server);

  exec_sql (fixture, country);
  register_machine (fixture, "10011", "10001", fixture->key, "ACTIVE");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (srv_server_stop (fixture->server, &error));
  g_assert_no_error (error);
  g_clear_object (&fixture->server);
  g_clear_object (&fixture->session);
  g_clear_object (&fixture->certificate);
  g_clear_pointer (&fixture->key, EVP_PKEY_free);
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

/* Checks the body's detached signature with OpenSSL and the server's
 * public key, as a machine that pinned it would. */
static void
assert_signed_by_server (Fixture            *fixture,
                         SoupMessageHeaders *headers,
                         GBytes             *body)
{
  SrvKeys *keys = srv_server_get_keys (fixture->server);
  const char *signature_text = soup_message_headers_get_one (headers, SRV_SYNC_HEADER_SIGNATURE);
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(EVP_MD_CTX) ctx = EVP_MD_CTX_new ();
  g_autoptr(GByteArray) altered = NULL;

  g_assert_nonnull (signature_text);
  g_assert_cmpstr (soup_message_headers_get_one (headers, SRV_SYNC_HEADER_KEY), ==, keys->signing_fingerprint);
  signature = idem_base64url_decode (signature_text);
  g_assert_nonnull (signature);

  g_assert_cmpint (EVP_DigestVerifyInit (ctx, NULL, NULL, NULL, keys->signing), ==, 1);
  g_assert_cmpint (EVP_DigestVerify (ctx, g_bytes_get_data (signature, NULL), g_bytes_get_size (signature),
                                     g_bytes_get_data (body, NULL), g_bytes_get_size (body)), ==, 1);

  /* And it covers the body: one byte changed, it no longer verifies. */
  altered = g_byte_array_new ();
  g_byte_array_append (altered, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  altered->data[altered->len / 2] ^= 1;
  EVP_MD_CTX_reset (ctx);
  g_assert_cmpint (EVP_DigestVerifyInit (ctx, NULL, NULL, NULL, keys->signing), ==, 1);
  g_assert_cmpint (EVP_DigestVerify (ctx, g_bytes_get_data (signature, NULL), g_bytes_get_size (signature),
                                     altered->data, altered->len), !=, 1);
}

/* GETs @path_and_query signed as @machine_id (unsigned when @key is
 * NULL), with @request_body when not NULL. */
static void
sync_send (Fixture    *fixture,
           EVP_PKEY   *key,
           const char *machine_id,
           const char *path_and_query,
           GBytes     *request_body,
           Answer     *answer)
{
  g_autofree char *url = g_strconcat (fixture->url, path_and_query + 1, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *errors;

  g_assert_nonnull (msg);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_certificate_cb), fixture->certificate);
  if (key != NULL)
    {
      g_auto(GStrv) headers = idem_request_sign (key, machine_id, "GET", path_and_query, request_body, NULL, &error);

      g_assert_no_error (error);
      for (guint i = 0; headers[i] != NULL; i += 2)
        soup_message_headers_replace (soup_message_get_request_headers (msg), headers[i], headers[i + 1]);
    }

  if (request_body != NULL)
    soup_message_set_request_body_from_bytes (msg, "application/json", request_body);

  soup_session_send_and_read_async (fixture->session, msg, G_PRIORITY_DEFAULT, NULL, send_cb, &body);
  while (body == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error));
  g_assert_no_error (error);

  answer->status = soup_message_get_status (msg);
  answer->root = json_node_ref (json_parser_get_root (parser));
  errors = json_object_get_array_member (srv_test_get_object (answer->root, ""), "errors");
  answer->code = json_array_get_length (errors) > 0
    ? g_strdup (json_object_get_string_member (json_array_get_object_element (errors, 0), "errorCode"))
    : NULL;

  if (answer->status == SOUP_STATUS_OK)
    assert_signed_by_server (fixture, soup_message_get_response_headers (msg), body);
}

static void
sync_get (Fixture    *fixture,
          EVP_PKEY   *key,
          const char *machine_id,
          const char *path_and_query,
          Answer     *answer)
{
  sync_send (fixture, key, machine_id, path_and_query, NULL, answer);
}

static JsonObject *
response_of (Answer *answer)
{
  g_assert_cmpuint (answer->status, ==, SOUP_STATUS_OK);
  return srv_test_get_object (answer->root, "response");
}

/* "type/code" or "code" of every element, joined by spaces. */
static char *
keys_of (JsonArray  *array,
         const char *first,
         const char *second)
{
  g_autoptr(GString) keys = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *element = json_array_get_object_element (array, i);

      if (keys->len > 0)
        g_string_append_c (keys, ' ');
      g_string_append (keys, json_object_get_string_member (element, first));
      if (second != NULL)
        g_string_append_printf (keys, "/%s", json_object_get_string_member (element, second));
    }

  return g_string_free (g_steal_pointer (&keys), FALSE);
}

static void
test_master_data_full_and_delta (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  g_auto(Answer) full = { 0 };
  g_auto(Answer) delta = { 0 };
  g_auto(Answer) none = { 0 };
  g_autofree char *master = NULL;
  g_autofree char *locations = NULL;
  JsonObject *response;
  JsonObject *female;

  sync_get (fixture, fixture->key, "10011", "/v1/sync/masterdata", &full);
  response = response_of (&full);
  g_assert_cmpint (json_object_get_int_member (response, "since"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (response, "version"), ==, 3);
  master = keys_of (json_object_get_array_member (response, "masterData"), "type", "code");
  g_assert_cmpstr (master, ==, "documentType/PASSPORT gender/FLE gender/MLE gender/OTH");
  locations = keys_of (json_object_get_array_member (response, "locations"), "code", NULL);
  g_assert_cmpstr (locations, ==, "MOR RSK KEN");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (response, "applicantValidDocuments")), ==, 1);

  /* Names in every language, as JSON, not as a string. */
  female = json_array_get_object_element (json_object_get_array_member (response, "masterData"), 1);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (female, "names"), "fra"), ==, "Femme");
  g_assert_true (json_object_get_boolean_member (female, "active"));

  /* From version 2: only what changed at 3, the deactivated gender too. */
  sync_get (fixture, fixture->key, "10011", "/v1/sync/masterdata?since=2", &delta);
  response = response_of (&delta);
  g_clear_pointer (&master, g_free);
  master = keys_of (json_object_get_array_member (response, "masterData"), "type", "code");
  g_assert_cmpstr (master, ==, "gender/OTH");
  g_assert_false (json_object_get_boolean_member (json_array_get_object_element (json_object_get_array_member (response, "masterData"), 0),
                                                  "active"));
  g_clear_pointer (&locations, g_free);
  locations = keys_of (json_object_get_array_member (response, "locations"), "code", NULL);
  g_assert_cmpstr (locations, ==, "KEN");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (response, "applicantValidDocuments")), ==, 0);

  /* A row written with a version above the clock read first is left for
   * the next sync, not skipped. */
  exec_sql (fixture, "INSERT INTO master_data (type, code, names, active, version) VALUES ('gender', 'UNK', '{}', 1, 4)");
  sync_get (fixture, fixture->key, "10011", "/v1/sync/masterdata?since=3", &none);
  response = response_of (&none);
  g_assert_cmpint (json_object_get_int_member (response, "version"), ==, 3);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (response, "masterData")), ==, 0);
}

static void
test_centre (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_auto(Answer) full = { 0 };
  g_auto(Answer) unchanged = { 0 };
  g_autofree char *devices = NULL;
  JsonObject *centre;
  JsonArray *hours;

  sync_get (fixture, fixture->key, "10011", "/v1/sync/centre?since=0", &full);
  centre = json_object_get_object_member (response_of (&full), "centre");
  g_assert_nonnull (centre);
  g_assert_cmpstr (json_object_get_string_member (centre, "id"), ==, "10001");
  g_assert_cmpstr (json_object_get_string_member (centre, "timeZone"), ==, "Africa/Casablanca");
  g_assert_cmpstr (json_object_get_string_member (centre, "status"), ==, "ACTIVE");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (centre, "latitude"), 33.99, 1e-9);
  hours = json_object_get_array_member (centre, "workingHours");
  g_assert_cmpuint (json_array_get_length (hours), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (hours, 0), "opens"), ==, "08:30");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (centre, "holidays")), ==, 1);

  devices = keys_of (json_object_get_array_member (response_of (&full), "devices"), "id", NULL);
  g_assert_cmpstr (devices, ==, "CAM-1 FP-1");

  /* Only its own centre, and only when it changed; devices by their own
   * versions, the deactivated camera included. */
  sync_get (fixture, fixture->key, "10011", "/v1/sync/centre?since=2", &unchanged);
  g_assert_true (json_object_get_null_member (response_of (&unchanged), "centre"));
  g_clear_pointer (&devices, g_free);
  devices = keys_of (json_object_get_array_member (response_of (&unchanged), "devices"), "id", NULL);
  g_assert_cmpstr (devices, ==, "CAM-1");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (response_of (&unchanged), "devices"), 0),
                                                  "status"), ==, "INACTIVE");
}

static void
test_users (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_auto(Answer) full = { 0 };
  g_auto(Answer) delta = { 0 };
  g_autofree char *ids = NULL;
  g_autofree char *users = NULL;
  JsonObject *response;
  JsonObject *operator;
  JsonArray *fingerprints;
  g_autofree guchar *template = NULL;
  gsize template_length = 0;

  sync_get (fixture, fixture->key, "10011", "/v1/sync/users", &full);
  response = response_of (&full);

  /* Mapped to the centre now: not the one who left, not another centre's. */
  {
    JsonArray *array = json_object_get_array_member (response, "userIds");
    g_autoptr(GString) joined = g_string_new (NULL);

    for (guint i = 0; i < json_array_get_length (array); i++)
      g_string_append_printf (joined, "%s%s", i > 0 ? " " : "", json_array_get_string_element (array, i));
    ids = g_strdup (joined->str);
  }
  g_assert_cmpstr (ids, ==, "operator1 supervisor1");
  users = keys_of (json_object_get_array_member (response, "users"), "id", NULL);
  g_assert_cmpstr (users, ==, "operator1 supervisor1");

  operator = json_array_get_object_element (json_object_get_array_member (response, "users"), 0);
  g_assert_cmpstr (json_object_get_string_member (operator, "passwordHash"), ==, "scrypt$N=16384$r=8$p=1$c2FsdA$aGFzaA");
  g_assert_cmpstr (json_object_get_string_member (operator, "status"), ==, "ACTIVE");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (operator, "roles"), 0), ==, "OPERATOR");
  fingerprints = json_object_get_array_member (operator, "fingerprints");
  g_assert_cmpuint (json_array_get_length (fingerprints), ==, 1);
  template = g_base64_decode (json_object_get_string_member (json_array_get_object_element (fingerprints, 0), "template"),
                              &template_length);
  g_assert_cmpmem (template, template_length, "\x00\x01\x02\x03\xff\xfe", 6);

  /* The delta lists only who changed, and still every mapped id. */
  sync_get (fixture, fixture->key, "10011", "/v1/sync/users?since=1", &delta);
  response = response_of (&delta);
  g_clear_pointer (&users, g_free);
  users = keys_of (json_object_get_array_member (response, "users"), "id", NULL);
  g_assert_cmpstr (users, ==, "supervisor1");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (response, "userIds")), ==, 2);
}

static void
test_schema (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_auto(Answer) latest = { 0 };
  g_auto(Answer) newer = { 0 };
  g_auto(Answer) each = { 0 };
  g_auto(Answer) bad = { 0 };
  JsonObject *response;
  JsonObject *schema;

  sync_get (fixture, fixture->key, "10011", "/v1/sync/schema", &latest);
  response = response_of (&latest);
  schema = json_object_get_object_member (response, "idSchema");
  g_assert_cmpint (json_object_get_int_member (schema, "version"), ==, 2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_object_get_object_member (schema, "content"),
                                                                         "schema")), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (response, "uiSpec"), "version"), ==, 1);

  sync_get (fixture, fixture->key, "10011", "/v1/sync/schema?since=1", &newer);
  response = response_of (&newer);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (response, "idSchema"), "version"), ==, 2);
  g_assert_true (json_object_get_null_member (response, "uiSpec"));

  /* Each document by its own version: the UI spec republished as 2 while
   * the machine holds ID schema 2 and UI spec 1. */
  exec_sql (fixture, "INSERT INTO published_document (kind, version, content, published)"
            " VALUES ('ui-spec', 2, '{\"screens\":[{}]}', '2026-03-01T00:00:00Z')");
  sync_get (fixture, fixture->key, "10011", "/v1/sync/schema?idSchemaSince=2&uiSpecSince=1", &each);
  response = response_of (&each);
  g_assert_true (json_object_get_null_member (response, "idSchema"));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (response, "uiSpec"), "version"), ==, 2);

  sync_get (fixture, fixture->key, "10011", "/v1/sync/schema?idSchemaSince=2&uiSpecSince=x", &bad);
  g_assert_cmpuint (bad.status, ==, SOUP_STATUS_BAD_REQUEST);
  g_assert_cmpstr (bad.code, ==, "IDM-SYN-SINCE");
}

static void
test_certificate (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_auto(Answer) first = { 0 };
  g_auto(Answer) second = { 0 };
  g_autoptr(BIO) bio = NULL;
  g_autoptr(X509) certificate = NULL;
  g_autoptr(EVP_PKEY) server_key = NULL;
  JsonObject *response;
  const char *pem;

  sync_get (fixture, fixture->key, "10011", "/v1/sync/certificate", &first);
  response = response_of (&first);
  g_assert_cmpstr (json_object_get_string_member (response, "referenceId"), ==, "10001_10011");
  pem = json_object_get_string_member (response, "certificate");
  bio = BIO_new_mem_buf (pem, -1);
  certificate = PEM_read_bio_X509 (bio, NULL, NULL, NULL);
  g_assert_nonnull (certificate);
  g_assert_cmpint (X509_verify (certificate, srv_server_get_keys (fixture->server)->signing), ==, 1);

  /* The key it is signed with is the one the answer names. */
  BIO_free_all (g_steal_pointer (&bio));
  bio = BIO_new_mem_buf (json_object_get_string_member (response, "serverSigningKey"), -1);
  server_key = PEM_read_bio_PUBKEY (bio, NULL, NULL, NULL);
  g_assert_cmpint (EVP_PKEY_eq (server_key, srv_server_get_keys (fixture->server)->signing), ==, 1);

  sync_get (fixture, fixture->key, "10011", "/v1/sync/certificate", &second);
  g_assert_cmpstr (json_object_get_string_member (response_of (&second), "certificate"), ==, pem);
}

static void
test_refused_machines (Fixture       *fixture,
                       gconstpointer  user_data)
{
  const char *paths[] = {
    "/v1/sync/masterdata", "/v1/sync/centre", "/v1/sync/users", "/v1/sync/schema", "/v1/sync/certificate",
  };
  g_autoptr(EVP_PKEY) other = idem_crypto_generate_key (IDEM_CRYPTO_KEY_ED25519, 0, NULL);
  g_autoptr(EVP_PKEY) third = idem_crypto_generate_key (IDEM_CRYPTO_KEY_ED25519, 0, NULL);

  register_machine (fixture, "10012", "10001", other, "INACTIVE");
  register_machine (fixture, "10013", "10002", third, "DECOMMISSIONED");

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_auto(Answer) unsigned_request = { 0 };
      g_auto(Answer) unknown = { 0 };
      g_auto(Answer) wrong_key = { 0 };
      g_auto(Answer) inactive = { 0 };
      g_auto(Answer) decommissioned = { 0 };

      sync_get (fixture, NULL, NULL, paths[i], &unsigned_request);
      g_assert_cmpuint (unsigned_request.status, ==, SOUP_STATUS_UNAUTHORIZED);
      g_assert_cmpstr (unsigned_request.code, ==, "IDM-MAC-401");
      g_assert_true (json_object_get_null_member (srv_test_get_object (unsigned_request.root, ""), "response"));

      sync_get (fixture, fixture->key, "99999", paths[i], &unknown);
      g_assert_cmpuint (unknown.status, ==, SOUP_STATUS_FORBIDDEN);
      g_assert_cmpstr (unknown.code, ==, "IDM-MAC-403");

      sync_get (fixture, other, "10011", paths[i], &wrong_key);
      g_assert_cmpuint (wrong_key.status, ==, SOUP_STATUS_UNAUTHORIZED);
      g_assert_cmpstr (wrong_key.code, ==, "IDM-MAC-401");

      sync_get (fixture, other, "10012", paths[i], &inactive);
      g_assert_cmpuint (inactive.status, ==, SOUP_STATUS_FORBIDDEN);
      g_assert_cmpstr (inactive.code, ==, "IDM-MAC-INACTIVE");

      sync_get (fixture, third, "10013", paths[i], &decommissioned);
      g_assert_cmpuint (decommissioned.status, ==, SOUP_STATUS_FORBIDDEN);
      g_assert_cmpstr (decommissioned.code, ==, "IDM-MAC-DECOMMISSIONED");
    }

  /* Nobody was given a packet key on the way. */
  {
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (srv_database_get_handle (srv_server_get_database (fixture->server)),
                                         "SELECT count(*) FROM packet_key", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
    sqlite3_finalize (stmt);
  }
}

static void
test_bad_since (Fixture       *fixture,
                gconstpointer  user_data)
{
  const char *bad[] = {
    "/v1/sync/masterdata?since=abc", "/v1/sync/masterdata?since=-1", "/v1/sync/masterdata?since=",
    "/v1/sync/users?since=1.5", "/v1/sync/centre?since=99999999999999999999", "/v1/sync/schema?since=+1",
    "/v1/sync/masterdata?since=0x10",
  };
  g_auto(Answer) ahead = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_auto(Answer) answer = { 0 };

      sync_get (fixture, fixture->key, "10011", bad[i], &answer);
      g_assert_cmpuint (answer.status, ==, SOUP_STATUS_BAD_REQUEST);
      g_assert_cmpstr (answer.code, ==, "IDM-SYN-SINCE");
    }

  /* A machine ahead of the server (restored from a backup) is told to
   * start again. */
  sync_get (fixture, fixture->key, "10011", "/v1/sync/masterdata?since=4", &ahead);
  g_assert_cmpuint (ahead.status, ==, SOUP_STATUS_CONFLICT);
  g_assert_cmpstr (ahead.code, ==, "IDM-SYN-AHEAD");

  /* Sync requests carry no body; a large one is refused before anything
   * is looked at, even when signed. */
  {
    g_autofree char *padding = g_strnfill (5000, ' ');
    g_autoptr(GBytes) body = g_bytes_new_take (g_steal_pointer (&padding), 5000);
    g_auto(Answer) oversize = { 0 };

    sync_send (fixture, fixture->key, "10011", "/v1/sync/masterdata", body, &oversize);
    g_assert_cmpuint (oversize.status, ==, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE);
    g_assert_cmpstr (oversize.code, ==, "IDM-SYN-BODY");
  }
}

static const char wire_master_data[] =
  "{\"since\":0,\"version\":3,\"masterData\":[{\"type\":\"documentType\",\"code\":\"PASSPORT\",\"names\":{\"eng\":\"Passport\"},"
  "\"attributes\":{\"category\":\"POI\"},\"active\":true,\"version\":2},{\"type\":\"gender\",\"code\":\"FLE\","
  "\"names\":{\"eng\":\"Female\",\"fra\":\"Femme\"},\"attributes\":null,\"active\":true,\"version\":1},"
  "{\"type\":\"gender\",\"code\":\"MLE\",\"names\":{\"eng\":\"Male\",\"fra\":\"Homme\"},\"attributes\":null,"
  "\"active\":true,\"version\":1},{\"type\":\"gender\",\"code\":\"OTH\",\"names\":{\"eng\":\"Other\"},"
  "\"attributes\":null,\"active\":false,\"version\":3}],\"locations\":[{\"code\":\"MOR\",\"parentCode\":null,"
  "\"level\":0,\"levelName\":\"Country\",\"names\":{\"eng\":\"Morocco\",\"fra\":\"Maroc\"},\"isZone\":false,"
  "\"active\":true,\"version\":1},{\"code\":\"RSK\",\"parentCode\":\"MOR\",\"level\":1,\"levelName\":\"Region\","
  "\"names\":{\"eng\":\"Rabat-Salé-Kénitra\"},\"isZone\":false,\"active\":true,\"version\":1},{\"code\":\"KEN\","
  "\"parentCode\":\"RSK\",\"level\":2,\"levelName\":\"Province\",\"names\":{\"eng\":\"Kénitra\"},\"isZone\":false,"
  "\"active\":true,\"version\":3}],\"applicantValidDocuments\":[{\"applicantType\":\"NFR_ADULT\","
  "\"documentCategory\":\"POI\",\"documentType\":\"PASSPORT\",\"active\":true,\"version\":2}]}";

static const char wire_centre_agdal[] =
  "{\"since\":0,\"version\":3,\"centre\":{\"id\":\"10001\",\"names\":{\"eng\":\"Agdal\"},\"locationCode\":\"RSK\","
  "\"timeZone\":\"Africa/Casablanca\",\"address\":\"1 Avenue de France\",\"latitude\":33.990000000000002,"
  "\"longitude\":-6.8499999999999996,\"status\":\"ACTIVE\",\"version\":2,\"workingHours\":[{\"weekday\":1,"
  "\"opens\":\"08:30\",\"closes\":\"16:30\"},{\"weekday\":2,\"opens\":\"08:30\",\"closes\":\"16:30\"}],"
  "\"holidays\":[{\"date\":\"2026-11-18\",\"names\":{\"eng\":\"Independence Day\"}}]},\"devices\":[{\"id\":\"CAM-1\","
  "\"type\":\"CAMERA\",\"make\":\"Acme\",\"model\":\"Cam 2\",\"serial\":\"SN002\",\"machineId\":null,"
  "\"status\":\"INACTIVE\",\"version\":3},{\"id\":\"FP-1\",\"type\":\"FINGERPRINT\",\"make\":\"Acme\","
  "\"model\":\"Scan 5\",\"serial\":\"SN001\",\"machineId\":null,\"status\":\"ACTIVE\",\"version\":1}]}";

static const char wire_centre_kenitra[] =
  "{\"since\":0,\"version\":3,\"centre\":{\"id\":\"10002\",\"names\":{\"eng\":\"Kénitra\"},\"locationCode\":\"KEN\","
  "\"timeZone\":\"Africa/Casablanca\",\"address\":null,\"latitude\":null,\"longitude\":null,\"status\":\"ACTIVE\","
  "\"version\":3,\"workingHours\":[{\"weekday\":1,\"opens\":\"09:00\",\"closes\":\"12:00\"}],\"holidays\":[]},"
  "\"devices\":[{\"id\":\"FP-9\",\"type\":\"FINGERPRINT\",\"make\":\"Acme\",\"model\":\"Scan 5\",\"serial\":\"SN009\","
  "\"machineId\":null,\"status\":\"ACTIVE\",\"version\":1}]}";

static const char wire_users[] =
  "{\"since\":0,\"version\":3,\"userIds\":[\"operator1\",\"supervisor1\"],\"users\":[{\"id\":\"operator1\","
  "\"name\":\"Amina Diallo\",\"email\":\"amina@example.org\",\"status\":\"ACTIVE\",\"passwordHash\":\"scrypt$N=16384$r=8$p=1$c2FsdA$aGFzaA\","
  "\"version\":1,\"roles\":[\"OPERATOR\"],\"fingerprints\":[{\"finger\":\"RIGHT_INDEX\",\"template\":\"AAECA//+\"}]},"
  "{\"id\":\"supervisor1\",\"name\":\"Boris Lind\",\"email\":null,\"status\":\"ACTIVE\",\"passwordHash\":\"scrypt$N=16384$r=8$p=1$c2FsdDI$aGFzaDI\","
  "\"version\":3,\"roles\":[\"OPERATOR\",\"SUPERVISOR\"],\"fingerprints\":[]}]}";

static const char wire_schema[] =
  "{\"since\":0,\"idSchema\":{\"version\":2,\"published\":\"2026-02-01T00:00:00Z\",\"content\":{\"schema\":[{\"id\":\"fullName\"},"
  "{\"id\":\"gender\"}]}},\"uiSpec\":{\"version\":1,\"published\":\"2026-01-01T00:00:00Z\",\"content\":{\"screens\":[]}}}";

/* Exactly what machines receive for the country above, member order and
 * nulls included: how the server builds its rows may change, the bytes it
 * sends may not.  The Kénitra centre has no address and no position. */
static void
test_wire_format (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EVP_PKEY) kenitra_key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_ED25519, 0, &error);
  struct
  {
    EVP_PKEY   *key;
    const char *machine_id;
    const char *path;
    const char *expected;
  } cases[] = {
    { fixture->key, "10011", "/v1/sync/masterdata", wire_master_data },
    { fixture->key, "10011", "/v1/sync/centre", wire_centre_agdal },
    { kenitra_key, "10021", "/v1/sync/centre", wire_centre_kenitra },
    { fixture->key, "10011", "/v1/sync/users", wire_users },
    { fixture->key, "10011", "/v1/sync/schema", wire_schema },
  };

  g_assert_no_error (error);
  register_machine (fixture, "10021", "10002", kenitra_key, "ACTIVE");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Answer) answer = { 0 };
      g_autoptr(JsonNode) response = NULL;
      g_autofree char *text = NULL;

      sync_get (fixture, cases[i].key, cases[i].machine_id, cases[i].path, &answer);
      response = json_node_init_object (json_node_alloc (), response_of (&answer));
      text = json_to_string (response, FALSE);
      g_test_message ("%s %s: %s", cases[i].machine_id, cases[i].path, text);
      g_assert_cmpstr (text, ==, cases[i].expected);
    }
}

/* A JSON column holding text that is not JSON is a damaged row: machines
 * get null for it, as the admin API gives, not the text as a string
 * that a machine would take for the names. */
static void
test_damaged_json (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_auto(Answer) answer = { 0 };
  JsonArray *master_data;
  JsonObject *female;

  exec_sql (fixture, "UPDATE master_data SET names = 'Female' WHERE code = 'FLE'");
  sync_get (fixture, fixture->key, "10011", "/v1/sync/masterdata", &answer);
  master_data = json_object_get_array_member (response_of (&answer), "masterData");
  female = json_array_get_object_element (master_data, 1);
  g_assert_cmpstr (json_object_get_string_member (female, "code"), ==, "FLE");
  g_assert_true (json_object_get_null_member (female, "names"));
  g_assert_true (json_object_get_null_member (female, "attributes"));
  g_assert_true (json_object_get_boolean_member (female, "active"));
}

int
main (int   argc,
      char *argv[])
{
  int result;

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
        g_test_add ("/sync/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("master-data", test_master_data_full_and_delta);
  ADD ("centre", test_centre);
  ADD ("users", test_users);
  ADD ("schema", test_schema);
  ADD ("certificate", test_certificate);
  ADD ("refused-machines", test_refused_machines);
  ADD ("bad-since", test_bad_since);
  ADD ("wire-format", test_wire_format);
  ADD ("damaged-json", test_damaged_json);

#undef ADD

  result = g_test_run ();
  srv_test_cleanup ();
  return result;
}
