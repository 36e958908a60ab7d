/* test-admin-util.c — a server in this process and JSON calls with a bearer token
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include "test-admin-util.h"

#include "srv-password.h"

void
admin_fixture_set_up (AdminFixture  *fixture,
                      gconstpointer  user_data)
{
  fixture->data_dir = srv_test_new_data_dir (&fixture->tmp_dir);
  fixture->session = srv_test_session_new ();
  fixture->certificate = srv_test_load_certificate (fixture->data_dir);
}

void
admin_fixture_tear_down (AdminFixture  *fixture,
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
  g_clear_pointer (&fixture->token, g_free);
}

void
admin_fixture_start (AdminFixture *fixture)
{
  g_autoptr(GError) error = NULL;
  SrvConfig *config;

  config = srv_config_load (fixture->data_dir, &error);
  g_assert_no_error (error);
  g_assert_true (srv_config_set_port (config, 0, &error));

  fixture->server = srv_server_new (config);
  g_assert_true (srv_server_start (fixture->server, &error));
  g_assert_no_error (error);
  fixture->url = srv_server_get_url (fixture->server);
}

/* Starts the server with an administrator "root" logged in. */
void
admin_fixture_start_admin (AdminFixture *fixture)
{
  admin_fixture_start (fixture);
  admin_add_user (fixture, "root", "root password", "ADMIN");
  fixture->token = admin_login (fixture, "root", "root password");
}

static gboolean
accept_certificate_cb (SoupMessage          *msg,
                       GTlsCertificate      *peer,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  return g_tls_certificate_is_same (peer, user_data);
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

/**
 * admin_call_bytes:
 * @token: (nullable): a bearer token
 * @body: (nullable): a JSON body
 *
 * Sends one request to the server in this process, iterating the main
 * context until the answer is in.
 */
SrvTestResponse *
admin_call_bytes (AdminFixture *fixture,
                  const char   *method,
                  const char   *path,
                  const char   *token,
                  GBytes       *body)
{
  g_autofree char *url = g_strconcat (fixture->url, path[0] == '/' ? path + 1 : path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(SrvTestResponse) response = g_new0 (SrvTestResponse, 1);
  CallState state = { NULL, NULL, FALSE };
  const char *content_type;

  g_assert_nonnull (msg);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_certificate_cb), fixture->certificate);

  if (token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }

  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, "application/json", body);

  soup_session_send_and_read_async (fixture->session, msg, G_PRIORITY_DEFAULT, NULL, send_cb, &state);
  while (!state.done)
    g_main_context_iteration (NULL, TRUE);

  g_assert_no_error (state.error);

  response->status = soup_message_get_status (msg);
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  response->body = state.body;

  content_type = soup_message_headers_get_content_type (response->headers, NULL);
  if (g_strcmp0 (content_type, "application/json") == 0 && g_bytes_get_size (response->body) > 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      gsize length = 0;
      const char *data = g_bytes_get_data (response->body, &length);

      json_parser_load_from_data (parser, data, length, &error);
      g_assert_no_error (error);
      response->json = json_node_ref (json_parser_get_root (parser));
    }

  return g_steal_pointer (&response);
}

SrvTestResponse *
admin_call (AdminFixture *fixture,
            const char   *method,
            const char   *path,
            const char   *token,
            const char   *body)
{
  g_autoptr(GBytes) bytes = NULL;

  if (body != NULL)
    bytes = g_bytes_new (body, strlen (body));

  return admin_call_bytes (fixture, method, path, token, bytes);
}

/* The first error's code, or NULL when the answer has no error. */
const char *
admin_error_code (SrvTestResponse *response)
{
  JsonObject *root = srv_test_get_object (response->json, "");
  JsonArray *errors = json_object_get_array_member (root, "errors");

  if (json_array_get_length (errors) == 0)
    return NULL;

  g_assert_true (json_object_has_member (json_array_get_object_element (errors, 0), "message"));
  return json_object_get_string_member (json_array_get_object_element (errors, 0), "errorCode");
}

JsonObject *
admin_response_object (SrvTestResponse *response)
{
  return srv_test_get_object (response->json, "response");
}

/* Logs in and returns the token; the test fails when login fails. */
char *
admin_login (AdminFixture *fixture,
             const char   *user_id,
             const char   *password)
{
  g_autoptr(SrvTestResponse) response = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "request");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "userId");
  json_builder_add_string_value (builder, user_id);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = json_to_string (root, FALSE);

  response = admin_call (fixture, "POST", "/v1/auth/login", NULL, body);
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);
  return g_strdup (json_object_get_string_member (admin_response_object (response), "token"));
}

/**
 * admin_add_user:
 * @roles: role names separated by commas, such as "ADMIN,SUPERVISOR"
 *
 * Writes an active user straight into the database of the running server,
 * for tests that need one before the users API is under test.
 */
void
admin_add_user (AdminFixture *fixture,
                const char   *user_id,
                const char   *password,
                const char   *roles)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = srv_password_hash (password, &error);
  g_auto(GStrv) role_list = g_strsplit (roles, ",", -1);
  sqlite3 *db = srv_database_get_handle (srv_server_get_database (fixture->server));
  sqlite3_stmt *statement = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "INSERT INTO app_user (id, name, password_hash, status, version)"
                                       " VALUES (?, ?, ?, 'ACTIVE', 0)",
                                       -1, &statement, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (statement, 1, user_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 2, user_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 3, hash, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_DONE);
  sqlite3_finalize (statement);

  for (guint i = 0; role_list[i] != NULL; i++)
    {
      g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO user_role (user_id, role) VALUES (?, ?)",
                                           -1, &statement, NULL), ==, SQLITE_OK);
      sqlite3_bind_text (statement, 1, user_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (statement, 2, role_list[i], -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_DONE);
      sqlite3_finalize (statement);
    }
}

gint64
admin_query_int (AdminFixture *fixture,
                 const char   *sql)
{
  sqlite3 *db = srv_database_get_handle (srv_server_get_database (fixture->server));
  sqlite3_stmt *statement = NULL;
  gint64 value;

  if (sqlite3_prepare_v2 (db, sql, -1, &statement, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (statement, 0);
  sqlite3_finalize (statement);

  return value;
}

char *
admin_query_text (AdminFixture *fixture,
                  const char   *sql)
{
  sqlite3 *db = srv_database_get_handle (srv_server_get_database (fixture->server));
  sqlite3_stmt *statement = NULL;
  char *value;

  if (sqlite3_prepare_v2 (db, sql, -1, &statement, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_ROW);
  value = g_strdup ((const char *) sqlite3_column_text (statement, 0));
  sqlite3_finalize (statement);

  return value;
}

void
admin_exec (AdminFixture *fixture,
            const char   *sql)
{
  g_autoptr(GError) error = NULL;

  srv_database_exec (srv_server_get_database (fixture->server), sql, &error);
  g_assert_no_error (error);
}

gint64
admin_sync_clock (AdminFixture *fixture)
{
  return admin_query_int (fixture, "SELECT version FROM sync_clock");
}

/**
 * admin_expect:
 * @out: (out): where to keep the response, which owns the object returned
 *
 * Calls with the fixture's token and checks the status.
 *
 * Returns: (transfer none): the envelope's "response" object
 */
JsonObject *
admin_expect (AdminFixture     *fixture,
              SrvTestResponse **out,
              const char       *method,
              const char       *path,
              const char       *body,
              guint             status)
{
  SrvTestResponse *response = admin_call (fixture, method, path, fixture->token, body);

  if (response->status != status)
    g_error ("%s %s: status %u, expected %u: %.*s", method, path, response->status, status,
             (int) g_bytes_get_size (response->body), (const char *) g_bytes_get_data (response->body, NULL));

  *out = response;
  if (status >= 400)
    return NULL;
  return admin_response_object (response);
}

/**
 * admin_assert_refused:
 * @count_sql: a query counting the rows the call must not change
 *
 * Checks that a call is refused with @status and @code, that the rows
 * counted and the sync clock are unchanged, and that the refusal was
 * audited.
 */
void
admin_assert_refused (AdminFixture *fixture,
                      const char   *method,
                      const char   *path,
                      const char   *body,
                      guint         status,
                      const char   *code,
                      const char   *count_sql)
{
  g_autoptr(SrvTestResponse) response = NULL;
  gint64 rows = admin_query_int (fixture, count_sql);
  gint64 clock = admin_sync_clock (fixture);
  gint64 refusals = admin_query_int (fixture, "SELECT count(*) FROM audit_event WHERE outcome = 'failure'");
  g_autofree char *detail = NULL;

  response = admin_call (fixture, method, path, fixture->token, body);
  if (response->status != status || g_strcmp0 (admin_error_code (response), code) != 0)
    g_error ("%s %s %s: status %u, expected %u %s: %.*s", method, path, body != NULL ? body : "", response->status,
             status, code, (int) g_bytes_get_size (response->body), (const char *) g_bytes_get_data (response->body, NULL));

  g_assert_cmpint (admin_query_int (fixture, count_sql), ==, rows);
  g_assert_cmpint (admin_sync_clock (fixture), ==, clock);

  /* Reads are not audited; refused writes are, with the code. */
  if (!g_str_equal (method, "GET"))
    {
      g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM audit_event WHERE outcome = 'failure'"), ==,
                       refusals + 1);
      detail = admin_query_text (fixture, "SELECT detail FROM audit_event ORDER BY id DESC LIMIT 1");
      g_assert_cmpstr (detail, ==, code);
    }
}
