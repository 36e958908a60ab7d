/* test-admin-auth.c — logging in, bearer tokens, lockout and roles, over real HTTPS
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include "test-admin-util.h"

#include "srv-admin-auth.h"

#include "idem.h"

#include <string.h>

#define LOGIN_BODY(user, password) \
        "{\"id\": \"idem.auth.login\", \"version\": \"v1\", \"request\": {\"userId\": \"" user "\", \"password\": \"" password "\"}}"

static gint64
count_audit (AdminFixture *fixture,
             const char   *action,
             const char   *outcome)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM audit_event WHERE action = '%s' AND outcome = '%s'",
                                          action, outcome);

  return admin_query_int (fixture, sql);
}

static void
test_login_ok (AdminFixture  *fixture,
               gconstpointer  user_data)
{
  g_autoptr(SrvTestResponse) response = NULL;
  g_autoptr(SrvTestResponse) session = NULL;
  g_autoptr(GDateTime) expires = NULL;
  g_autofree char *origin = NULL;
  JsonObject *object;
  JsonArray *roles;
  const char *token;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *hex = NULL;
  g_autofree char *sql = NULL;

  admin_fixture_start (fixture);
  admin_add_user (fixture, "ada", "analytical engine", "ADMIN,SUPERVISOR");

  response = admin_call (fixture, "POST", "/v1/auth/login", NULL, LOGIN_BODY ("ada", "analytical engine"));
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);
  g_assert_null (admin_error_code (response));
  object = admin_response_object (response);
  g_assert_cmpstr (json_object_get_string_member (object, "userId"), ==, "ada");

  /* 32 random bytes in base64url without padding. */
  token = json_object_get_string_member (object, "token");
  g_assert_cmpuint (strlen (token), ==, 43);
  g_assert_null (strpbrk (token, "+/="));

  expires = g_date_time_new_from_iso8601 (json_object_get_string_member (object, "expires"), NULL);
  g_assert_nonnull (expires);
  g_assert_cmpint (g_date_time_to_unix (expires), >=, now + SRV_AUTH_TOKEN_LIFETIME_S - 5);
  g_assert_cmpint (g_date_time_to_unix (expires), <=, now + SRV_AUTH_TOKEN_LIFETIME_S + 5);

  roles = json_object_get_array_member (object, "roles");
  g_assert_cmpuint (json_array_get_length (roles), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (roles, 0), ==, "ADMIN");
  g_assert_cmpstr (json_array_get_string_element (roles, 1), ==, "SUPERVISOR");

  /* The database holds an HMAC of the token, not the token nor its plain
   * SHA-256. */
  g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM user_session WHERE user_id = 'ada'"), ==, 1);
  g_assert_cmpint (admin_query_int (fixture, "SELECT length(token_hmac) FROM user_session"), ==, 32);
  hex = g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
  sql = g_strdup_printf ("SELECT count(*) FROM user_session WHERE lower(hex(token_hmac)) = '%s'", hex);
  g_assert_cmpint (admin_query_int (fixture, sql), ==, 0);

  /* The token opens the session. */
  session = admin_call (fixture, "GET", "/v1/auth/session", token, NULL);
  g_assert_cmpuint (session->status, ==, SOUP_STATUS_OK);
  g_assert_cmpstr (json_object_get_string_member (admin_response_object (session), "userId"), ==, "ada");
  g_assert_cmpstr (json_object_get_string_member (admin_response_object (session), "expires"), ==,
                   json_object_get_string_member (object, "expires"));

  g_assert_cmpint (count_audit (fixture, "auth.login", "success"), ==, 1);
  origin = admin_query_text (fixture, "SELECT origin FROM audit_event WHERE action = 'auth.login'");
  g_assert_cmpstr (origin, ==, "127.0.0.1");
  g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM audit_event WHERE actor = 'ada' AND object = 'ada'"), ==, 1);
}

static void
test_wrong_password (AdminFixture  *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(SrvTestResponse) wrong = NULL;
  g_autoptr(SrvTestResponse) unknown = NULL;

  admin_fixture_start (fixture);
  admin_add_user (fixture, "ada", "analytical engine", "ADMIN");

  wrong = admin_call (fixture, "POST", "/v1/auth/login", NULL, LOGIN_BODY ("ada", "difference engine"));
  g_assert_cmpuint (wrong->status, ==, SOUP_STATUS_UNAUTHORIZED);
  g_assert_cmpstr (admin_error_code (wrong), ==, "IDM-AUT-FAILED");
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (srv_test_get_object (wrong->json, ""), "response")));

  /* An unknown user gets the very same answer. */
  unknown = admin_call (fixture, "POST", "/v1/auth/login", NULL, LOGIN_BODY ("charles", "difference engine"));
  g_assert_cmpuint (unknown->status, ==, SOUP_STATUS_UNAUTHORIZED);
  g_assert_cmpstr (admin_error_code (unknown), ==, "IDM-AUT-FAILED");

  g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM user_session"), ==, 0);
  g_assert_cmpint (admin_query_int (fixture, "SELECT failed_logins FROM app_user WHERE id = 'ada'"), ==, 1);
  g_assert_cmpint (count_audit (fixture, "auth.login", "failure"), ==, 2);
  g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM audit_event WHERE actor = 'charles'"), ==, 1);
}

static void
test_lockout (AdminFixture  *fixture,
              gconstpointer  user_data)
{
  g_autoptr(SrvTestResponse) locked = NULL;
  g_autofree char *token = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 locked_until;

  admin_fixture_start (fixture);
  admin_add_user (fixture, "ada", "analytical engine", "ADMIN");

  for (guint i = 0; i < SRV_AUTH_MAX_FAILED_LOGINS; i++)
    {
      g_autoptr(SrvTestResponse) wrong = admin_call (fixture, "POST", "/v1/auth/login", NULL,
                                                     LOGIN_BODY ("ada", "difference engine"));

      g_assert_cmpuint (wrong->status, ==, SOUP_STATUS_UNAUTHORIZED);
      g_assert_cmpstr (admin_error_code (wrong), ==, "IDM-AUT-FAILED");
    }

  locked_until = admin_query_int (fixture, "SELECT locked_until FROM app_user WHERE id = 'ada'");
  g_assert_cmpint (locked_until, >=, now + SRV_AUTH_LOCKOUT_S - 5);
  g_assert_cmpint (locked_until, <=, now + SRV_AUTH_LOCKOUT_S + 5);

  /* Now even the right password is refused, and no session opens. */
  locked = admin_call (fixture, "POST", "/v1/auth/login", NULL, LOGIN_BODY ("ada", "analytical engine"));
  g_assert_cmpuint (locked->status, ==, SOUP_STATUS_FORBIDDEN);
  g_assert_cmpstr (admin_error_code (locked), ==, "IDM-AUT-LOCKED");
  g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM user_session"), ==, 0);
  g_assert_cmpint (admin_query_int (fixture,
                                    "SELECT count(*) FROM audit_event WHERE action = 'auth.login'"
                                    " AND detail = 'IDM-AUT-LOCKED'"), ==, 1);

  /* Once the lock has run out, the right password works and resets it. */
  admin_exec (fixture, "UPDATE app_user SET locked_until = strftime('%s', 'now') - 1 WHERE id = 'ada'");
  token = admin_login (fixture, "ada", "analytical engine");
  g_assert_nonnull (token);
  g_assert_cmpint (admin_query_int (fixture, "SELECT failed_logins + locked_until FROM app_user WHERE id = 'ada'"), ==, 0);
}

static void
test_expired (AdminFixture  *fixture,
              gconstpointer  user_data)
{
  g_autoptr(SrvTestResponse) response = NULL;
  g_autofree char *token = NULL;

  admin_fixture_start (fixture);
  admin_add_user (fixture, "ada", "analytical engine", "ADMIN");
  token = admin_login (fixture, "ada", "analytical engine");

  admin_exec (fixture, "UPDATE user_session SET expires = strftime('%s', 'now') - 1");
  response = admin_call (fixture, "GET", "/v1/auth/session", token, NULL);
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_UNAUTHORIZED);
  g_assert_cmpstr (admin_error_code (response), ==, SRV_ERROR_CODE_AUTH_UNAUTHENTICATED);
  g_assert_cmpstr (soup_message_headers_get_one (response->headers, "WWW-Authenticate"), ==, "Bearer realm=\"idem\"");

  /* The next login sweeps the expired session away. */
  g_clear_pointer (&token, g_free);
  token = admin_login (fixture, "ada", "analytical engine");
  g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM user_session"), ==, 1);
}

static void
test_bad_tokens (AdminFixture  *fixture,
                 gconstpointer  user_data)
{
  const char *tokens[] = {
    "",
    "not a token",
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+",
  };
  g_autoptr(SrvTestResponse) none = NULL;
  g_autoptr(SrvTestResponse) logout = NULL;

  admin_fixture_start (fixture);

  none = admin_call (fixture, "GET", "/v1/auth/session", NULL, NULL);
  g_assert_cmpuint (none->status, ==, SOUP_STATUS_UNAUTHORIZED);
  g_assert_cmpstr (admin_error_code (none), ==, "IDM-AUT-401");

  for (guint i = 0; i < G_N_ELEMENTS (tokens); i++)
    {
      g_autoptr(SrvTestResponse) response = admin_call (fixture, "GET", "/v1/auth/session", tokens[i], NULL);

      g_assert_cmpuint (response->status, ==, SOUP_STATUS_UNAUTHORIZED);
      g_assert_cmpstr (admin_error_code (response), ==, "IDM-AUT-401");
    }

  /* A refused call that would change something is audited. */
  logout = admin_call (fixture, "POST", "/v1/auth/logout", tokens[2], "{}");
  g_assert_cmpuint (logout->status, ==, SOUP_STATUS_UNAUTHORIZED);
  g_assert_cmpint (admin_query_int (fixture,
                                    "SELECT count(*) FROM audit_event WHERE action = 'POST /v1/auth/logout'"
                                    " AND outcome = 'failure' AND actor = 'anonymous' AND detail = 'IDM-AUT-401'"),
                   ==, 1);
}

static void
test_logout (AdminFixture  *fixture,
             gconstpointer  user_data)
{
  g_autoptr(SrvTestResponse) logout = NULL;
  g_autoptr(SrvTestResponse) after = NULL;
  g_autofree char *token = NULL;
  g_autofree char *other = NULL;

  admin_fixture_start (fixture);
  admin_add_user (fixture, "ada", "analytical engine", "OPERATOR");
  token = admin_login (fixture, "ada", "analytical engine");
  other = admin_login (fixture, "ada", "analytical engine");

  logout = admin_call (fixture, "POST", "/v1/auth/logout", token, NULL);
  g_assert_cmpuint (logout->status, ==, SOUP_STATUS_OK);
  after = admin_call (fixture, "GET", "/v1/auth/session", token, NULL);
  g_assert_cmpuint (after->status, ==, SOUP_STATUS_UNAUTHORIZED);
  g_assert_cmpint (count_audit (fixture, "auth.logout", "success"), ==, 1);

  /* The user's other session lives on. */
  g_clear_pointer (&after, srv_test_response_free);
  after = admin_call (fixture, "GET", "/v1/auth/session", other, NULL);
  g_assert_cmpuint (after->status, ==, SOUP_STATUS_OK);
}

static void
test_inactive (AdminFixture  *fixture,
               gconstpointer  user_data)
{
  g_autoptr(SrvTestResponse) session = NULL;
  g_autoptr(SrvTestResponse) login = NULL;
  g_autofree char *token = NULL;

  admin_fixture_start (fixture);
  admin_add_user (fixture, "ada", "analytical engine", "ADMIN");
  token = admin_login (fixture, "ada", "analytical engine");

  /* Deactivation takes effect on live tokens at once. */
  admin_exec (fixture, "UPDATE app_user SET status = 'INACTIVE' WHERE id = 'ada'");
  session = admin_call (fixture, "GET", "/v1/auth/session", token, NULL);
  g_assert_cmpuint (session->status, ==, SOUP_STATUS_UNAUTHORIZED);

  login = admin_call (fixture, "POST", "/v1/auth/login", NULL, LOGIN_BODY ("ada", "analytical engine"));
  g_assert_cmpuint (login->status, ==, SOUP_STATUS_FORBIDDEN);
  g_assert_cmpstr (admin_error_code (login), ==, "IDM-AUT-INACTIVE");
}

static void
test_roles_read_live (AdminFixture  *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(SrvTestResponse) session = NULL;
  g_autofree char *token = NULL;
  JsonArray *roles;

  admin_fixture_start (fixture);
  admin_add_user (fixture, "ada", "analytical engine", "ADMIN,OPERATOR");
  token = admin_login (fixture, "ada", "analytical engine");

  admin_exec (fixture, "DELETE FROM user_role WHERE user_id = 'ada' AND role = 'ADMIN'");
  session = admin_call (fixture, "GET", "/v1/auth/session", token, NULL);
  g_assert_cmpuint (session->status, ==, SOUP_STATUS_OK);
  roles = json_object_get_array_member (admin_response_object (session), "roles");
  g_assert_cmpuint (json_array_get_length (roles), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (roles, 0), ==, "OPERATOR");
}

static void
test_bad_input (AdminFixture  *fixture,
                gconstpointer  user_data)
{
  const struct
  {
    const char *body;
    guint       status;
    const char *code;
  } cases[] = {
    { "", SOUP_STATUS_BAD_REQUEST, "IDM-AUT-JSON" },
    { "{\"request\": {\"userId\": \"ada\"", SOUP_STATUS_BAD_REQUEST, "IDM-AUT-JSON" },
    { "[1, 2]", SOUP_STATUS_BAD_REQUEST, "IDM-AUT-JSON" },
    { "{\"userId\": \"ada\", \"password\": \"analytical engine\"}", SOUP_STATUS_BAD_REQUEST, "IDM-AUT-JSON" },
    { "{\"request\": \"ada\"}", SOUP_STATUS_BAD_REQUEST, "IDM-AUT-JSON" },
    { "{\"request\": {\"userId\": \"ada\"}}", SOUP_STATUS_BAD_REQUEST, "IDM-AUT-MISSING" },
    { "{\"request\": {\"password\": \"analytical engine\"}}", SOUP_STATUS_BAD_REQUEST, "IDM-AUT-MISSING" },
    { "{\"request\": {\"userId\": 42, \"password\": \"analytical engine\"}}", SOUP_STATUS_BAD_REQUEST, "IDM-AUT-TYPE" },
    { "{\"request\": {\"userId\": \"ada\", \"password\": [\"a\"]}}", SOUP_STATUS_BAD_REQUEST, "IDM-AUT-TYPE" },
    { "{\"request\": {\"userId\": \"\", \"password\": \"analytical engine\"}}", SOUP_STATUS_BAD_REQUEST, "IDM-AUT-INVALID" },
  };
  g_autoptr(SrvTestResponse) oversize = NULL;
  g_autoptr(GString) big = g_string_new ("{\"request\": {\"userId\": \"ada\", \"password\": \"");

  admin_fixture_start (fixture);
  admin_add_user (fixture, "ada", "analytical engine", "ADMIN");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SrvTestResponse) response = admin_call (fixture, "POST", "/v1/auth/login", NULL, cases[i].body);

      g_test_message ("body: %s", cases[i].body);
      g_assert_cmpuint (response->status, ==, cases[i].status);
      g_assert_cmpstr (admin_error_code (response), ==, cases[i].code);
    }

  for (guint i = 0; i < 5000; i++)
    g_string_append_c (big, 'x');
  g_string_append (big, "\"}}");
  oversize = admin_call (fixture, "POST", "/v1/auth/login", NULL, big->str);
  g_assert_cmpuint (oversize->status, ==, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE);
  g_assert_cmpstr (admin_error_code (oversize), ==, "IDM-AUT-TOO-LARGE");

  /* Nothing counted against the user, no session, every refusal audited. */
  g_assert_cmpint (admin_query_int (fixture, "SELECT failed_logins FROM app_user WHERE id = 'ada'"), ==, 0);
  g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM user_session"), ==, 0);
  g_assert_cmpint (count_audit (fixture, "auth.login", "failure"), ==, G_N_ELEMENTS (cases) + 1);
}

/* The session key is kept (wrapped) in the database: tokens survive a
 * restart of the server. */
static void
test_token_survives_restart (AdminFixture  *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(SrvTestResponse) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  admin_fixture_start (fixture);
  admin_add_user (fixture, "ada", "analytical engine", "ADMIN");
  token = admin_login (fixture, "ada", "analytical engine");
  g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM data_key WHERE name = 'user-session'"), ==, 1);

  g_assert_true (srv_server_stop (fixture->server, &error));
  g_assert_no_error (error);
  g_clear_object (&fixture->server);
  g_clear_pointer (&fixture->url, g_free);

  admin_fixture_start (fixture);
  session = admin_call (fixture, "GET", "/v1/auth/session", token, NULL);
  g_assert_cmpuint (session->status, ==, SOUP_STATUS_OK);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  idem_i18n_init ();
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, AdminFixture, NULL, admin_fixture_set_up, func, admin_fixture_tear_down)

  ADD ("/server/auth/login-ok", test_login_ok);
  ADD ("/server/auth/wrong-password", test_wrong_password);
  ADD ("/server/auth/lockout", test_lockout);
  ADD ("/server/auth/expired", test_expired);
  ADD ("/server/auth/bad-tokens", test_bad_tokens);
  ADD ("/server/auth/logout", test_logout);
  ADD ("/server/auth/inactive", test_inactive);
  ADD ("/server/auth/roles-read-live", test_roles_read_live);
  ADD ("/server/auth/bad-input", test_bad_input);
  ADD ("/server/auth/token-survives-restart", test_token_survives_restart);

#undef ADD

  status = g_test_run ();
  srv_test_cleanup ();

  return status;
}
