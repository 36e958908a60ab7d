/* test-pipeline-util.c — a registration machine for the intake and
 * pipeline tests: registry rows, signed and encrypted packets, signed
 * requests
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The registry (a centre open every hour of every day, a machine, an
 * operator, a supervisor and the default ID schema, published) is written
 * before the server starts, through a connection of the test's own, so
 * the same data directory serves a server in this process or the real
 * binary in another.  Packets are made with libcore's writer exactly as
 * the registration client makes them: signed with the machine's Ed25519
 * key and encrypted for the certificate the server issues for the
 * centre+machine.
 */

#include "config.h"

#include "test-pipeline-util.h"

#include "srv-database.h"
#include "srv-keys.h"
#include "srv-packet-keys.h"
#include "srv-password.h"

#include "idem-openssl-types.h"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <string.h>

#define ADMIN_PASSWORD "correct horse battery staple"

static void
exec_sql (sqlite3    *db,
          const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static void
add_user (sqlite3    *db,
          const char *user_id,
          const char *roles)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = srv_password_hash (ADMIN_PASSWORD, &error);
  g_auto(GStrv) role_list = g_strsplit (roles, ",", -1);
  sqlite3_stmt *statement = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "INSERT INTO app_user (id, name, password_hash, status, version)"
                                       " VALUES (?, ?, ?, 'ACTIVE', 1)", -1, &statement, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (statement, 1, user_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 2, user_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 3, hash, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_DONE);
  sqlite3_finalize (statement);

  for (guint i = 0; role_list[i] != NULL; i++)
    {
      g_autofree char *sql = g_strdup_printf ("INSERT INTO user_role (user_id, role) VALUES ('%s', '%s');"
                                              "INSERT OR IGNORE INTO user_centre (user_id, centre_id, valid_from)"
                                              " VALUES ('%s', '" PIPELINE_TEST_CENTRE "', 0);",
                                              user_id, role_list[i], user_id);

      exec_sql (db, sql);
    }
}

static void
seed (PipelineTest *test,
      SrvConfig    *config)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrvDatabase) database = NULL;
  g_autoptr(SrvKeys) keys = NULL;
  g_autoptr(SrvPacketKeys) packet_keys = NULL;
  g_autofree char *pem = NULL;
  g_autofree char *schema_path = NULL;
  g_autofree char *schema_text = NULL;
  g_autoptr(BIO) bio = NULL;
  unsigned char *der = NULL;
  int der_length;
  g_autofree char *fingerprint = NULL;
  sqlite3_stmt *statement = NULL;
  sqlite3 *db;

  database = srv_database_open (config->database_path, FALSE, &error);
  g_assert_no_error (error);
  g_assert_true (srv_database_migrate (database, &error));
  db = srv_database_get_handle (database);

  exec_sql (db,
            "INSERT INTO location (code, level, level_name, names, version)"
            "  VALUES ('RSK', 1, 'Region', '{\"eng\":\"Rabat Salé Kénitra\"}', 1);"
            "INSERT INTO centre (id, names, location_code, time_zone, status, version)"
            "  VALUES ('" PIPELINE_TEST_CENTRE "', '{\"eng\":\"Centre Agdal\"}', 'RSK', 'Africa/Casablanca', 'ACTIVE', 1);"
            PIPELINE_TEST_OPEN_ALL_WEEK ";");

  der_length = i2d_PUBKEY (test->machine_key, &der);
  g_assert_cmpint (der_length, >, 0);
  fingerprint = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der, der_length);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "INSERT INTO machine (id, name, centre_id, public_key, key_fingerprint, status, version)"
                                       " VALUES ('" PIPELINE_TEST_MACHINE "', 'Station 7', '" PIPELINE_TEST_CENTRE "',"
                                       " ?, ?, 'ACTIVE', 1)", -1, &statement, NULL), ==, SQLITE_OK);
  sqlite3_bind_blob (statement, 1, der, der_length, SQLITE_STATIC);
  sqlite3_bind_text (statement, 2, fingerprint, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_DONE);
  sqlite3_finalize (statement);
  OPENSSL_free (der);

  add_user (db, PIPELINE_TEST_OPERATOR, "OPERATOR");
  add_user (db, PIPELINE_TEST_SUPERVISOR, "SUPERVISOR");
  add_user (db, "admin1", "ADMIN,ADJUDICATOR");

  schema_path = g_build_filename (g_getenv ("IDEM_SOURCE_DIR"), "data", "schema", "id-schema.json", NULL);
  g_assert_true (g_file_get_contents (schema_path, &schema_text, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "INSERT INTO published_document (kind, version, content, published)"
                                       " VALUES ('id-schema', 1, ?, '2026-01-01T00:00:00Z')",
                                       -1, &statement, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (statement, 1, schema_text, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_DONE);
  sqlite3_finalize (statement);
  {
    g_autoptr(GBytes) bytes = g_bytes_new (schema_text, strlen (schema_text));

    test->schema = idem_id_schema_new_from_bytes (bytes, &error);
    g_assert_no_error (error);
  }

  keys = srv_keys_load (config, &error);
  g_assert_no_error (error);
  packet_keys = srv_packet_keys_new (database, keys->encryption, keys->signing);
  pem = srv_packet_keys_get_certificate_pem (packet_keys, PIPELINE_TEST_CENTRE, PIPELINE_TEST_MACHINE, &error);
  g_assert_no_error (error);
  bio = BIO_new_mem_buf (pem, -1);
  test->packet_certificate = PEM_read_bio_X509 (bio, NULL, NULL, NULL);
  g_assert_nonnull (test->packet_certificate);

  g_clear_object (&packet_keys);
  g_assert_true (srv_database_close (database, &error));
  g_assert_no_error (error);
}

/**
 * pipeline_test_new:
 * @conf_lines: (nullable): lines appended to idem.conf, such as a
 *   `[pipeline]` group
 * @in_process: whether to start a server in this process
 *
 * Returns: a fresh data directory with the registry, and its server
 */
/* One registry per test program, copied for each test: the packet key
 * (RSA-3072) takes seconds to make. */
static PipelineTest *template;

static PipelineTest *
get_template (void)
{
  g_autoptr(GError) error = NULL;
  SrvConfig *config;

  if (template != NULL)
    return template;

  template = g_new0 (PipelineTest, 1);
  template->data_dir = srv_test_new_data_dir (&template->tmp_dir);
  template->machine_key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_ED25519, 0, &error);
  g_assert_no_error (error);
  config = srv_config_load (template->data_dir, &error);
  g_assert_no_error (error);
  seed (template, config);
  srv_config_free (config);
  return template;
}

/**
 * pipeline_test_cleanup:
 *
 * Removes the registry template; call at the end of main().
 */
void
pipeline_test_cleanup (void)
{
  if (template == NULL)
    return;
  pipeline_test_free (template);
  template = NULL;
}

PipelineTest *
pipeline_test_new (const char *conf_lines,
                   gboolean    in_process)
{
  PipelineTest *test = g_new0 (PipelineTest, 1);
  PipelineTest *source = get_template ();
  g_autoptr(GError) error = NULL;
  SrvConfig *config;

  test->tmp_dir = srv_test_make_tmp_dir ();
  test->data_dir = g_build_filename (test->tmp_dir, "data", NULL);
  srv_test_copy_tree (source->data_dir, test->data_dir);
  test->session = srv_test_session_new ();
  test->certificate = srv_test_load_certificate (test->data_dir);
  test->machine_key = source->machine_key;
  EVP_PKEY_up_ref (test->machine_key);
  test->packet_certificate = source->packet_certificate;
  X509_up_ref (test->packet_certificate);
  test->schema = g_object_ref (source->schema);

  if (conf_lines != NULL)
    {
      g_autofree char *path = g_build_filename (test->data_dir, "idem.conf", NULL);
      g_autofree char *contents = NULL;
      g_autofree char *joined = NULL;

      g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
      joined = g_strconcat (contents, "\n", conf_lines, "\n", NULL);
      g_assert_true (g_file_set_contents (path, joined, -1, NULL));
    }

  if (!in_process)
    return test;

  config = srv_config_load (test->data_dir, &error);
  g_assert_no_error (error);
  g_assert_true (srv_config_set_port (config, 0, &error));
  test->server = srv_server_new (config);
  g_assert_true (srv_server_start (test->server, &error));
  g_assert_no_error (error);
  test->url = srv_server_get_url (test->server);
  return test;
}

void
pipeline_test_set_url (PipelineTest *test,
                       guint         port)
{
  g_free (test->url);
  test->url = g_strdup_printf ("https://127.0.0.1:%u/", port);
}

void
pipeline_test_free (PipelineTest *test)
{
  if (test->server != NULL)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (srv_server_stop (test->server, &error));
      g_assert_no_error (error);
      g_clear_object (&test->server);
    }
  g_clear_object (&test->session);
  g_clear_object (&test->certificate);
  g_clear_pointer (&test->machine_key, EVP_PKEY_free);
  g_clear_pointer (&test->packet_certificate, X509_free);
  g_clear_object (&test->schema);
  srv_test_remove_tree (test->tmp_dir);
  g_free (test->tmp_dir);
  g_free (test->data_dir);
  g_free (test->url);
  g_free (test);
}

char *
pipeline_test_next_rid (PipelineTest *test)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  char *rid = idem_rid_build (PIPELINE_TEST_CENTRE, PIPELINE_TEST_MACHINE, ++test->sequence, now, &error);

  g_assert_no_error (error);
  return rid;
}

static JsonNode *
language_value (const char *text)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "language");
  json_builder_add_string_value (builder, "eng");
  json_builder_set_member_name (builder, "value");
  json_builder_add_string_value (builder, text);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  return json_builder_get_root (builder);
}

static void
add_label (JsonArray  *list,
           const char *label,
           const char *value)
{
  JsonObject *pair = json_object_new ();

  json_object_set_string_member (pair, "label", label);
  json_object_set_string_member (pair, "value", value);
  json_array_add_object_element (list, pair);
}

/**
 * pipeline_test_make_packet:
 * @process: "NEW", "UPDATE" or "LOST"
 * @name: the resident's full name
 * @date_of_birth: as the schema writes it, "1988/03/14"
 * @cbeff: (nullable): the resident's biometrics
 * @uin: (nullable): for an update, the UIN it changes
 *
 * Returns: a packet made at this instant by the test's machine
 */
TestPacket *
pipeline_test_make_packet (PipelineTest *test,
                           const char   *process,
                           const char   *name,
                           const char   *date_of_birth,
                           GBytes       *cbeff,
                           const char   *uin)
{
  g_autofree char *rid = pipeline_test_next_rid (test);
  IdemPacketProcess kind = g_str_equal (process, "UPDATE") ? IDEM_PACKET_PROCESS_UPDATE
                           : g_str_equal (process, "LOST") ? IDEM_PACKET_PROCESS_LOST : IDEM_PACKET_PROCESS_NEW;
  g_autoptr(IdemPacketWriter) writer = idem_packet_writer_new (rid, PIPELINE_TEST_CENTRE, PIPELINE_TEST_MACHINE, kind);
  g_autoptr(JsonObject) meta_info = json_object_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  JsonArray *meta_data = json_array_new ();
  JsonArray *operations = json_array_new ();
  TestPacket *packet;
  struct
  {
    const char *field;
    const char *value;
  } simple[] = {
    { "gender", "Female" }, { "residenceStatus", "Resident" }, { "addressLine1", "12 Avenue Mohammed V" },
    { "region", "Rabat Salé Kénitra" }, { "province", "Rabat" }, { "city", "Rabat" }, { "zone", "Agdal" },
  };

  idem_packet_writer_set_schema (writer, test->schema);
  idem_packet_writer_set_signing_key (writer, test->machine_key);
  idem_packet_writer_set_encryption_certificate (writer, test->packet_certificate);
  idem_packet_writer_set_creation_time (writer, now);

  if (name != NULL)
    {
      g_autoptr(JsonNode) value = language_value (name);

      idem_packet_writer_set_value (writer, "fullName", value);
    }
  if (kind == IDEM_PACKET_PROCESS_NEW)
    {
      for (guint i = 0; i < G_N_ELEMENTS (simple); i++)
        {
          g_autoptr(JsonNode) value = language_value (simple[i].value);

          idem_packet_writer_set_value (writer, simple[i].field, value);
        }
      idem_packet_writer_set_value_string (writer, "postalCode", "10090");
    }
  if (date_of_birth != NULL)
    idem_packet_writer_set_value_string (writer, "dateOfBirth", date_of_birth);
  if (uin != NULL)
    idem_packet_writer_set_value_string (writer, "UIN", uin);
  if (cbeff != NULL)
    idem_packet_writer_add_biometrics (writer, "individualBiometrics", cbeff);

  add_label (meta_data, "centerId", PIPELINE_TEST_CENTRE);
  add_label (meta_data, "machineId", PIPELINE_TEST_MACHINE);
  add_label (operations, "officerId", PIPELINE_TEST_OPERATOR);
  add_label (operations, "supervisorId", PIPELINE_TEST_SUPERVISOR);
  json_object_set_array_member (meta_info, "metaData", meta_data);
  json_object_set_array_member (meta_info, "operationsData", operations);
  json_object_set_array_member (meta_info, "capturedRegisteredDevices", json_array_new ());
  json_object_set_object_member (meta_info, "exceptionBiometrics", json_object_new ());
  idem_packet_writer_set_meta_info (writer, meta_info);
  {
    g_autoptr(JsonArray) audits = json_array_new ();

    json_array_add_string_element (audits, "{\"eventId\":\"REG-EVT-066\",\"description\":\"Packet created\"}");
    idem_packet_writer_set_audits (writer, audits);
  }

  packet = g_new0 (TestPacket, 1);
  packet->sealed = idem_packet_writer_seal (writer, &error);
  g_assert_no_error (error);
  packet->rid = g_steal_pointer (&rid);
  packet->hash = g_strdup (idem_packet_writer_get_packet_hash (writer));
  return packet;
}

void
test_packet_free (TestPacket *packet)
{
  g_free (packet->rid);
  g_clear_pointer (&packet->sealed, g_bytes_unref);
  g_free (packet->hash);
  g_free (packet);
}

typedef struct
{
  GBytes  *body;
  GError  *error;
  gboolean done;
} CallState;

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  CallState *state = user_data;

  state->body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &state->error);
  state->done = TRUE;
}

static gboolean
accept_certificate_cb (SoupMessage          *msg,
                       GTlsCertificate      *peer,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  return g_tls_certificate_is_same (peer, user_data);
}

/**
 * pipeline_test_call:
 * @sign: whether to sign the request as the test's machine
 * @token: (nullable): a bearer token
 * @json: (out) (optional): the response envelope
 * @code: (out) (optional): the first error code
 *
 * Returns: the HTTP status, 0 when the server could not be reached
 */
guint
pipeline_test_call (PipelineTest  *test,
                    const char    *method,
                    const char    *path,
                    GBytes        *body,
                    gboolean       sign,
                    const char    *token,
                    JsonNode     **json,
                    char         **code)
{
  g_autofree char *url = g_strconcat (test->url, path + 1, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  CallState state = { NULL, NULL, FALSE };
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  g_assert_nonnull (msg);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_certificate_cb), test->certificate);
  if (sign)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_auto(GStrv) headers = idem_request_sign (test->machine_key, PIPELINE_TEST_MACHINE, method, path, body, now,
                                                 &error);

      g_assert_no_error (error);
      for (guint i = 0; headers[i] != NULL && headers[i + 1] != NULL; i += 2)
        soup_message_headers_replace (soup_message_get_request_headers (msg), headers[i], headers[i + 1]);
    }
  if (token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, "application/json", body);

  soup_session_send_and_read_async (test->session, msg, G_PRIORITY_DEFAULT, NULL, send_cb, &state);
  while (!state.done)
    g_main_context_iteration (NULL, TRUE);
  if (state.error != NULL)
    {
      g_test_message ("%s %s: %s", method, path, state.error->message);
      g_error_free (state.error);
      if (code != NULL)
        *code = NULL;
      return 0;
    }

  if (code != NULL)
    *code = NULL;
  if (json != NULL)
    *json = NULL;
  if (g_bytes_get_size (state.body) > 0 &&
      json_parser_load_from_data (parser, g_bytes_get_data (state.body, NULL), g_bytes_get_size (state.body), NULL) &&
      (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonNode *errors = json_object_get_member (json_node_get_object (root), "errors");

      if (code != NULL && errors != NULL && JSON_NODE_HOLDS_ARRAY (errors) &&
          json_array_get_length (json_node_get_array (errors)) > 0)
        *code = g_strdup (json_object_get_string_member (json_array_get_object_element (json_node_get_array (errors), 0),
                                                         "errorCode"));
      if (json != NULL)
        *json = json_node_copy (root);
    }
  g_bytes_unref (state.body);

  return soup_message_get_status (msg);
}

/**
 * pipeline_test_post:
 *
 * Sends @body signed by the test's machine.
 *
 * Returns: the HTTP status, 0 when the server could not be reached
 */
guint
pipeline_test_post (PipelineTest  *test,
                    const char    *path,
                    GBytes        *body,
                    JsonNode     **json,
                    char         **code)
{
  return pipeline_test_call (test, "POST", path, body, TRUE, NULL, json, code);
}

guint
pipeline_test_sync (PipelineTest  *test,
                    TestPacket    *packet,
                    const char    *process,
                    const char    *supervisor_status,
                    char         **code)
{
  g_autofree char *text = g_strdup_printf ("{\"id\":\"mosip.registration.sync\",\"version\":\"1.0\",\"request\":[{"
                                           "\"registrationId\":\"%s\",\"packetHashValue\":\"%s\","
                                           "\"packetSize\":%" G_GSIZE_FORMAT ",\"supervisorStatus\":\"%s\","
                                           "\"supervisorComment\":\"\",\"registrationType\":\"%s\"}]}",
                                           packet->rid, packet->hash, g_bytes_get_size (packet->sealed),
                                           supervisor_status, process);
  g_autoptr(GBytes) body = g_bytes_new_take (g_steal_pointer (&text), strlen (text));

  return pipeline_test_post (test, "/v1/registration/sync", body, NULL, code);
}

guint
pipeline_test_upload (PipelineTest  *test,
                      TestPacket    *packet,
                      char         **code)
{
  g_autofree char *path = g_strconcat ("/v1/registration/packets/", packet->rid, NULL);

  return pipeline_test_post (test, path, packet->sealed, NULL, code);
}

static sqlite3 *
open_db (PipelineTest *test)
{
  g_autofree char *path = g_build_filename (test->data_dir, "idem.db", NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  return db;
}

/**
 * pipeline_test_get_state:
 * @reason: (out) (optional): the reason code
 *
 * Returns: the packet's state, or %NULL when the server knows no such RID
 */
char *
pipeline_test_get_state (PipelineTest  *test,
                         const char    *rid,
                         char         **reason)
{
  sqlite3 *db = open_db (test);
  sqlite3_stmt *statement = NULL;
  char *state = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT state, reason_code FROM packet WHERE rid = ?", -1, &statement, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_text (statement, 1, rid, -1, SQLITE_STATIC);
  if (sqlite3_step (statement) == SQLITE_ROW)
    {
      state = g_strdup ((const char *) sqlite3_column_text (statement, 0));
      if (reason != NULL)
        *reason = g_strdup ((const char *) sqlite3_column_text (statement, 1));
    }
  sqlite3_finalize (statement);
  sqlite3_close (db);
  return state;
}

/**
 * pipeline_test_wait:
 * @until_not: wait while the packet is in this state
 *
 * Iterates the main context (the server may be in this process) until the
 * packet leaves @until_not, for at most 30 s.
 *
 * Returns: the state it reached
 */
char *
pipeline_test_wait (PipelineTest  *test,
                    const char    *rid,
                    const char    *until_not,
                    char         **reason)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autofree char *got_reason = NULL;
      g_autofree char *state = pipeline_test_get_state (test, rid, &got_reason);

      if (g_strcmp0 (state, until_not) != 0 || g_get_monotonic_time () > deadline)
        {
          if (reason != NULL)
            *reason = g_steal_pointer (&got_reason);
          return g_steal_pointer (&state);
        }
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (5000);
    }
}

gint64
pipeline_test_count (PipelineTest *test,
                     const char   *sql)
{
  sqlite3 *db = open_db (test);
  sqlite3_stmt *statement = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &statement, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (statement, 0);
  sqlite3_finalize (statement);
  sqlite3_close (db);
  return value;
}

/**
 * pipeline_test_admin_token:
 *
 * Returns: a bearer token of the test's administrator (ADMIN, ADJUDICATOR)
 */
char *
pipeline_test_admin_token (PipelineTest *test,
                           const char   *role)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *text = g_strdup ("{\"request\":{\"userId\":\"admin1\",\"password\":\"" ADMIN_PASSWORD "\"}}");

  body = g_bytes_new (text, strlen (text));
  g_assert_cmpuint (pipeline_test_call (test, "POST", "/v1/auth/login", body, FALSE, NULL, &json, NULL), ==, SOUP_STATUS_OK);
  return g_strdup (json_object_get_string_member (srv_test_get_object (json, "response"), "token"));
}
