/* test-admin-users.c — users, roles, centre mapping and login fingers through the admin API
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include "test-admin-util.h"

#include "idem.h"

#include <string.h>

static void
seed_centres (AdminFixture *fixture)
{
  const char *calls[] = {
    "/v1/admin/locations", "{\"request\": {\"code\": \"KA\", \"level\": 0, \"levelName\": \"Country\", \"names\": {\"eng\": \"Kalia\"}}}",
    "/v1/admin/centres", "{\"request\": {\"id\": \"10001\", \"names\": {\"eng\": \"One\"}, \"locationCode\": \"KA\", \"timeZone\": \"UTC\"}}",
    "/v1/admin/centres", "{\"request\": {\"id\": \"10002\", \"names\": {\"eng\": \"Two\"}, \"locationCode\": \"KA\", \"timeZone\": \"UTC\"}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (calls); i += 2)
    {
      g_autoptr(SrvTestResponse) response = NULL;

      admin_expect (fixture, &response, "POST", calls[i], calls[i + 1], SOUP_STATUS_CREATED);
    }
}

/* A template of 20 minutiae on a 500 dpi, 400×500 image, in base64. */
static char *
template_base64 (guint seed)
{
  g_autoptr(IdemMinutiae) minutiae = idem_minutiae_new (400, 500, 500);
  g_autoptr(GBytes) bytes = NULL;
  GRand *rand = g_rand_new_with_seed (seed);

  for (guint i = 0; i < 20; i++)
    {
      IdemMinutia minutia = {
        .x = g_rand_int_range (rand, 10, 390),
        .y = g_rand_int_range (rand, 10, 490),
        .angle = g_rand_int_range (rand, 0, 256),
        .type = IDEM_MINUTIA_ENDING,
        .quality = 40,
      };

      g_assert_true (idem_minutiae_add (minutiae, &minutia, NULL));
    }
  g_rand_free (rand);

  bytes = idem_minutiae_serialize (minutiae);
  return g_base64_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static void
test_users (AdminFixture  *fixture,
            gconstpointer  user_data)
{
  g_autofree char *template = template_base64 (7);
  g_autofree char *body = NULL;
  g_autofree char *token = NULL;
  g_autofree char *hash = NULL;
  g_autoptr(SrvTestResponse) created = NULL;
  g_autoptr(SrvTestResponse) got = NULL;
  g_autoptr(SrvTestResponse) moved = NULL;
  g_autoptr(SrvTestResponse) list = NULL;
  g_autoptr(SrvTestResponse) session = NULL;
  JsonObject *object;
  JsonArray *history;
  gint64 clock;

  admin_fixture_start_admin (fixture);
  seed_centres (fixture);
  clock = admin_sync_clock (fixture);

  body = g_strdup_printf ("{\"request\": {\"id\": \"operator7\", \"name\": \"Awa Diallo\", \"email\": \"awa@example.org\","
                          " \"password\": \"seven seas sail\", \"roles\": [\"OPERATOR\", \"SUPERVISOR\"], \"centreId\": \"10001\","
                          " \"fingerprints\": [{\"finger\": \"Right IndexFinger\", \"template\": \"%s\"}]}}", template);
  object = admin_expect (fixture, &created, "POST", "/v1/admin/users", body, SOUP_STATUS_CREATED);
  g_assert_cmpstr (json_object_get_string_member (object, "id"), ==, "operator7");
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "ACTIVE");
  g_assert_cmpstr (json_object_get_string_member (object, "centreId"), ==, "10001");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "roles")), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (object, "fingers"), 0), ==, "Right IndexFinger");
  g_assert_cmpint (json_object_get_int_member (object, "version"), ==, clock + 1);
  g_assert_false (json_object_get_boolean_member (object, "locked"));

  /* Never a password hash in an answer. */
  g_assert_null (strstr (g_bytes_get_data (created->body, NULL), "scrypt"));
  g_assert_false (json_object_has_member (object, "password"));
  g_assert_false (json_object_has_member (object, "passwordHash"));
  hash = admin_query_text (fixture, "SELECT password_hash FROM app_user WHERE id = 'operator7'");
  g_assert_true (g_str_has_prefix (hash, "$scrypt$"));

  /* The stored template is the one sent. */
  {
    g_autofree char *stored = admin_query_text (fixture, "SELECT hex(template) FROM user_biometric");
    g_autofree guchar *raw = NULL;
    g_autoptr(GString) hex = g_string_new (NULL);
    gsize length = 0;

    raw = g_base64_decode (template, &length);
    for (gsize i = 0; i < length; i++)
      g_string_append_printf (hex, "%02X", raw[i]);
    g_assert_cmpstr (stored, ==, hex->str);
  }

  /* The new user logs in with the password set. */
  token = admin_login (fixture, "operator7", "seven seas sail");

  /* Moving to another centre keeps the history, and ends no session.
   * The mapping began an hour ago (a history's key is its start second). */
  admin_exec (fixture, "UPDATE user_centre SET valid_from = valid_from - 3600");
  object = admin_expect (fixture, &moved, "PUT", "/v1/admin/users/operator7", "{\"request\": {\"centreId\": \"10002\"}}",
                         SOUP_STATUS_OK);
  g_assert_cmpstr (json_object_get_string_member (object, "centreId"), ==, "10002");
  history = json_object_get_array_member (object, "centreHistory");
  g_assert_cmpuint (json_array_get_length (history), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 0), "centreId"), ==, "10001");
  g_assert_false (json_object_get_null_member (json_array_get_object_element (history, 0), "validTo"));
  g_assert_true (json_object_get_null_member (json_array_get_object_element (history, 1), "validTo"));

  session = admin_call (fixture, "GET", "/v1/auth/session", token, NULL);
  g_assert_cmpuint (session->status, ==, SOUP_STATUS_OK);

  /* A new password ends the sessions and lifts a lockout. */
  admin_exec (fixture, "UPDATE app_user SET locked_until = strftime('%s', 'now') + 900 WHERE id = 'operator7'");
  g_clear_pointer (&moved, srv_test_response_free);
  admin_expect (fixture, &moved, "PUT", "/v1/admin/users/operator7", "{\"request\": {\"password\": \"a brand new one\"}}",
                SOUP_STATUS_OK);
  g_clear_pointer (&session, srv_test_response_free);
  session = admin_call (fixture, "GET", "/v1/auth/session", token, NULL);
  g_assert_cmpuint (session->status, ==, SOUP_STATUS_UNAUTHORIZED);
  g_free (token);
  token = admin_login (fixture, "operator7", "a brand new one");

  /* Quick remappings, in the same second or not, keep one open mapping. */
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(SrvTestResponse) remapped = NULL;

      admin_expect (fixture, &remapped, "PUT", "/v1/admin/users/operator7",
                    i % 2 == 0 ? "{\"request\": {\"centreId\": \"10001\"}}" : "{\"request\": {\"centreId\": \"10002\"}}",
                    SOUP_STATUS_OK);
    }
  g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM user_centre WHERE user_id = 'operator7' AND valid_to IS NULL"),
                   ==, 1);
  g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM user_centre WHERE valid_to < valid_from"), ==, 0);

  /* Unmapping, with null. */
  g_clear_pointer (&moved, srv_test_response_free);
  object = admin_expect (fixture, &moved, "PUT", "/v1/admin/users/operator7", "{\"request\": {\"centreId\": null}}",
                         SOUP_STATUS_OK);
  g_assert_true (json_object_get_null_member (object, "centreId"));

  object = admin_expect (fixture, &list, "GET", "/v1/admin/users", NULL, SOUP_STATUS_OK);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "items")), ==, 2);
  object = admin_expect (fixture, &got, "GET", "/v1/admin/users/operator7", NULL, SOUP_STATUS_OK);
  g_assert_cmpstr (json_object_get_string_member (object, "email"), ==, "awa@example.org");

  g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM audit_event WHERE action = 'user.update' AND outcome = 'success'"),
                   ==, 6);
  g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM audit_event WHERE detail LIKE '%scrypt%'"), ==, 0);
}

static void
test_users_bad_input (AdminFixture  *fixture,
                      gconstpointer  user_data)
{
  const char *count = "SELECT (SELECT count(*) FROM app_user) * 100 + (SELECT count(*) FROM user_role) * 10"
                      " + (SELECT count(*) FROM user_centre) + (SELECT count(*) FROM user_biometric) * 1000";
  g_autofree char *bad_template = g_base64_encode ((const guint8 *) "not a template at all", 21);
  g_autofree char *template = template_base64 (3);
  g_autofree char *bad_finger = NULL;
  g_autofree char *twice = NULL;
  const char *bodies[][2] = {
    { "{\"request\": {\"id\": \"u1\", \"name\": \"U\", \"roles\": [\"OPERATOR\"]}}", "IDM-ADM-MISSING" },
    { "{\"request\": {\"id\": \"u1\", \"name\": \"U\", \"password\": \"short\", \"roles\": [\"OPERATOR\"]}}", "IDM-ADM-PASSWORD" },
    { "{\"request\": {\"id\": \"u1\", \"name\": \"U\", \"password\": \"long enough\", \"roles\": [\"KING\"]}}", "IDM-ADM-INVALID" },
    { "{\"request\": {\"id\": \"u1\", \"name\": \"U\", \"password\": \"long enough\", \"roles\": []}}", "IDM-ADM-INVALID" },
    { "{\"request\": {\"id\": \"u1\", \"name\": \"U\", \"password\": \"long enough\", \"roles\": \"OPERATOR\"}}", "IDM-ADM-TYPE" },
    { "{\"request\": {\"id\": \"u1\", \"name\": \"U\", \"password\": \"long enough\", \"roles\": [\"OPERATOR\"], \"email\": \"nobody\"}}", "IDM-ADM-INVALID" },
    { "{\"request\": {\"id\": \"u1\", \"name\": \"U\", \"password\": \"long enough\", \"roles\": [\"OPERATOR\"], \"status\": \"DECOMMISSIONED\"}}", "IDM-ADM-INVALID" },
    { "{\"request\": {\"id\": \"u1\", \"name\": \"U\", \"password\": \"long enough\", \"roles\": [\"OPERATOR\"], \"centreId\": \"99999\"}}", "IDM-ADM-REFERENCE" },
    { "{\"request\": {\"id\": \"u1\", \"name\": 5, \"password\": \"long enough\", \"roles\": [\"OPERATOR\"]}}", "IDM-ADM-TYPE" },
  };

  admin_fixture_start_admin (fixture);
  seed_centres (fixture);

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    admin_assert_refused (fixture, "POST", "/v1/admin/users", bodies[i][0], SOUP_STATUS_BAD_REQUEST, bodies[i][1], count);

  bad_finger = g_strdup_printf ("{\"request\": {\"id\": \"u1\", \"name\": \"U\", \"password\": \"long enough\", \"roles\": [\"OPERATOR\"],"
                                " \"fingerprints\": [{\"finger\": \"Right IndexFinger\", \"template\": \"%s\"}]}}", bad_template);
  admin_assert_refused (fixture, "POST", "/v1/admin/users", bad_finger, SOUP_STATUS_BAD_REQUEST, "IDM-ADM-INVALID", count);
  twice = g_strdup_printf ("{\"request\": {\"id\": \"u1\", \"name\": \"U\", \"password\": \"long enough\", \"roles\": [\"OPERATOR\"],"
                           " \"fingerprints\": [{\"finger\": \"Left Thumb\", \"template\": \"%s\"},"
                           " {\"finger\": \"Left Thumb\", \"template\": \"%s\"}]}}", template, template);
  admin_assert_refused (fixture, "POST", "/v1/admin/users", twice, SOUP_STATUS_BAD_REQUEST, "IDM-ADM-INVALID", count);

  /* The administrator exists already; unknown users are 404. */
  admin_assert_refused (fixture, "POST", "/v1/admin/users",
                        "{\"request\": {\"id\": \"root\", \"name\": \"R\", \"password\": \"long enough\", \"roles\": [\"ADMIN\"]}}",
                        SOUP_STATUS_CONFLICT, "IDM-ADM-EXISTS", count);
  admin_assert_refused (fixture, "PUT", "/v1/admin/users/ghost", "{\"request\": {\"name\": \"G\"}}",
                        SOUP_STATUS_NOT_FOUND, "IDM-ADM-NOT-FOUND", count);
  admin_assert_refused (fixture, "PUT", "/v1/admin/users/ghost", "{\"request\": {\"password\": \"long enough\"}}",
                        SOUP_STATUS_NOT_FOUND, "IDM-ADM-NOT-FOUND", count);
  admin_assert_refused (fixture, "GET", "/v1/admin/users/ghost", NULL, SOUP_STATUS_NOT_FOUND, "IDM-ADM-NOT-FOUND", count);
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

  ADD ("/server/admin/users", test_users);
  ADD ("/server/admin/users-bad-input", test_users_bad_input);

#undef ADD

  status = g_test_run ();
  srv_test_cleanup ();

  return status;
}
