/* test-idrepo-api.c — the ID repository's HTTP API over HTTPS: identities,
 * status, VIDs under a policy file, authentication locks, drafts, and
 * refusals that change nothing
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include "test-admin-util.h"

#include "srv-idrepo.h"
#include "srv-idrepo-api.h"

#include "idem.h"

#include <string.h>

typedef struct
{
  AdminFixture  admin;
  char         *token;
} Fixture;

#define IDENTITY_JSON \
        "{\"fullName\": [{\"language\": \"eng\", \"value\": \"Mohamed Ali\"}]," \
        " \"dateOfBirth\": \"1990/05/12\", \"email\": \"m.ali@example.org\"}"

/* Counts what a refused call must leave alone. */
#define CHANGES_SQL \
        "SELECT (SELECT count(*) FROM idrepo_blob) + (SELECT count(*) FROM idrepo_vid)" \
        " + (SELECT count(*) FROM idrepo_draft) + (SELECT count(*) FROM idrepo_auth_lock)" \
        " + (SELECT count(*) FROM ledger_leaf)" \
        " + (SELECT count(*) FROM idrepo_identity WHERE status <> 'ACTIVATED')"

static char *
new_uin (void)
{
  g_autoptr(GError) error = NULL;
  IdemUinPolicy policy;
  char *uin;

  idem_uin_policy_init_generation (&policy);
  uin = idem_uin_generate (&policy, &error);
  g_assert_no_error (error);
  return uin;
}

static char *
add_identity (Fixture      *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) biometrics = g_bytes_new_static ("<BIR>finger</BIR>", 17);
  g_autoptr(GBytes) documents = g_bytes_new_static ("%PDF proof of address", 21);
  char *uin = new_uin ();

  g_assert_true (srv_idrepo_create_identity (srv_server_get_idrepo (fixture->admin.server), uin, IDENTITY_JSON,
                                             biometrics, documents, "test", &error));
  g_assert_no_error (error);
  return uin;
}

/* Calls with the administrator's token and expects @status; returns the
 * envelope's response object for a success. */
static JsonObject *
expect (Fixture      *fixture,
        const char   *method,
        const char   *path,
        const char   *body,
        guint         status)
{
  g_autoptr(SrvTestResponse) response = admin_call (&fixture->admin, method, path, fixture->token, body);

  if (response->status != status)
    g_error ("%s %s: status %u, expected %u: %.*s", method, path, response->status, status,
             (int) g_bytes_get_size (response->body), (const char *) g_bytes_get_data (response->body, NULL));

  if (status >= 400)
    return NULL;
  return json_object_ref (admin_response_object (response));
}

/* Checks that a call is refused with @status and @code, that the rows
 * @count_sql counts are unchanged, and that a refused change is audited
 * with its code. */
static void
assert_refused (Fixture      *fixture,
                const char   *method,
                const char   *path,
                const char   *body,
                guint         status,
                const char   *code,
                const char   *count_sql)
{
  g_autoptr(SrvTestResponse) response = NULL;
  g_autofree char *detail = NULL;
  gint64 rows = admin_query_int (&fixture->admin, count_sql);
  gint64 refusals = admin_query_int (&fixture->admin, "SELECT count(*) FROM audit_event WHERE outcome = 'failure'");

  response = admin_call (&fixture->admin, method, path, fixture->token, body);
  if (response->status != status || g_strcmp0 (admin_error_code (response), code) != 0)
    g_error ("%s %s: status %u, expected %u %s: %.*s", method, path, response->status, status, code,
             (int) g_bytes_get_size (response->body), (const char *) g_bytes_get_data (response->body, NULL));

  g_assert_cmpint (admin_query_int (&fixture->admin, count_sql), ==, rows);
  if (!g_str_equal (method, "GET"))
    {
      g_assert_cmpint (admin_query_int (&fixture->admin, "SELECT count(*) FROM audit_event WHERE outcome = 'failure'"), ==,
                       refusals + 1);
      detail = admin_query_text (&fixture->admin, "SELECT detail FROM audit_event ORDER BY id DESC LIMIT 1");
      g_assert_cmpstr (detail, ==, code);
    }
}

/* Starts the server with an administrator "root" logged in. */
static void
start_admin (Fixture      *fixture)
{
  admin_fixture_start (&fixture->admin);
  admin_add_user (&fixture->admin, "root", "root password", "ADMIN");
  fixture->token = admin_login (&fixture->admin, "root", "root password");
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  admin_fixture_set_up (&fixture->admin, user_data);
}

static void
fixture_start (Fixture       *fixture,
               gconstpointer  user_data)
{
  fixture_set_up (fixture, user_data);
  start_admin (fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  admin_fixture_tear_down (&fixture->admin, user_data);
  g_clear_pointer (&fixture->token, g_free);
}

static void
test_get_identity (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autofree char *uin = add_identity (fixture);
  g_autofree char *path = g_strdup_printf ("/v1/idrepo/identities/%s", uin);
  g_autofree char *all_path = g_strdup_printf ("%s?type=all", path);
  g_autofree char *bad_type = g_strdup_printf ("%s?type=everything", path);
  g_autofree char *bad_id_type = g_strdup_printf ("%s?idType=VID", path);
  g_autofree char *unknown = new_uin ();
  g_autofree char *unknown_path = g_strdup_printf ("/v1/idrepo/identities/%s", unknown);
  g_autofree char *vid_path = NULL;
  g_autofree char *body = g_strdup_printf ("{\"request\": {\"uin\": \"%s\", \"vidType\": \"Perpetual\"}}", uin);
  g_autofree char *operator_token = NULL;
  g_autofree char *biometrics = NULL;
  g_autoptr(JsonObject) demo = NULL;
  g_autoptr(JsonObject) all = NULL;
  g_autoptr(JsonObject) vid = NULL;
  g_autoptr(JsonObject) by_vid = NULL;
  g_autoptr(SrvTestResponse) anonymous = NULL;
  g_autoptr(SrvTestResponse) operator = NULL;
  JsonObject *identity;
  gsize length = 0;

  demo = expect (fixture, "GET", path, NULL, SOUP_STATUS_OK);
  g_assert_cmpstr (json_object_get_string_member (demo, "uin"), ==, uin);
  g_assert_cmpstr (json_object_get_string_member (demo, "status"), ==, "ACTIVATED");
  identity = json_object_get_object_member (demo, "identity");
  g_assert_cmpstr (json_object_get_string_member (identity, "email"), ==, "m.ali@example.org");
  /* Biometrics and documents only when asked for. */
  g_assert_false (json_object_has_member (demo, "biometrics"));
  g_assert_false (json_object_has_member (demo, "documents"));

  all = expect (fixture, "GET", all_path, NULL, SOUP_STATUS_OK);
  biometrics = (char *) g_base64_decode (json_object_get_string_member (all, "biometrics"), &length);
  g_assert_cmpmem (biometrics, length, "<BIR>finger</BIR>", 17);
  g_assert_nonnull (json_object_get_string_member (all, "documents"));

  /* By VID, which a read does not use up. */
  vid = expect (fixture, "POST", "/v1/idrepo/vids", body, SOUP_STATUS_CREATED);
  vid_path = g_strdup_printf ("/v1/idrepo/identities/%s", json_object_get_string_member (vid, "vid"));
  by_vid = expect (fixture, "GET", vid_path, NULL, SOUP_STATUS_OK);
  g_assert_cmpstr (json_object_get_string_member (by_vid, "uin"), ==, uin);

  /* Refusals. */
  assert_refused (fixture, "GET", "/v1/idrepo/identities/2345678901", NULL, SOUP_STATUS_BAD_REQUEST,
                  "IDM-IDR-INVALID", CHANGES_SQL);
  assert_refused (fixture, "GET", bad_type, NULL, SOUP_STATUS_BAD_REQUEST, "IDM-IDR-INVALID", CHANGES_SQL);
  assert_refused (fixture, "GET", bad_id_type, NULL, SOUP_STATUS_BAD_REQUEST, "IDM-IDR-INVALID", CHANGES_SQL);
  assert_refused (fixture, "GET", unknown_path, NULL, SOUP_STATUS_NOT_FOUND, "IDM-IDR-NOT-FOUND", CHANGES_SQL);

  /* Without a token, or without a reading role. */
  anonymous = admin_call (&fixture->admin, "GET", path, NULL, NULL);
  g_assert_cmpuint (anonymous->status, ==, SOUP_STATUS_UNAUTHORIZED);
  g_assert_cmpstr (admin_error_code (anonymous), ==, "IDM-AUT-401");
  admin_add_user (&fixture->admin, "clerk", "clerk password", "OPERATOR");
  operator_token = admin_login (&fixture->admin, "clerk", "clerk password");
  operator = admin_call (&fixture->admin, "GET", path, operator_token, NULL);
  g_assert_cmpuint (operator->status, ==, SOUP_STATUS_FORBIDDEN);
  g_assert_cmpstr (admin_error_code (operator), ==, "IDM-AUT-403");
}

static void
test_status (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autofree char *uin = add_identity (fixture);
  g_autofree char *path = g_strdup_printf ("/v1/idrepo/identities/%s/status", uin);
  g_autofree char *vid_body = g_strdup_printf ("{\"request\": {\"uin\": \"%s\", \"vidType\": \"Temporary\"}}", uin);
  g_autofree char *status = NULL;
  g_autofree char *origin = NULL;
  g_autofree char *huge = NULL;
  g_autofree char *uin_in_audit = g_strdup_printf ("SELECT count(*) FROM audit_event WHERE instr(coalesce(object, ''), '%s') > 0"
                                                   " OR instr(coalesce(detail, ''), '%s') > 0", uin, uin);
  g_autoptr(JsonObject) blocked = NULL;
  g_autoptr(GError) error = NULL;
  gint64 leaves = admin_query_int (&fixture->admin, "SELECT count(*) FROM ledger_leaf");

  /* Bad input first: nothing changes, each refusal is audited. */
  assert_refused (fixture, "PATCH", path, "{\"request\": {\"status\": \"SUSPENDED\"}}",
                  SOUP_STATUS_BAD_REQUEST, "IDM-IDR-INVALID", CHANGES_SQL);
  assert_refused (fixture, "PATCH", path, "{\"request\": {}}",
                  SOUP_STATUS_BAD_REQUEST, "IDM-IDR-MISSING", CHANGES_SQL);
  assert_refused (fixture, "PATCH", path, "{\"request\": {\"status\": 3}}",
                  SOUP_STATUS_BAD_REQUEST, "IDM-IDR-TYPE", CHANGES_SQL);
  assert_refused (fixture, "PATCH", path, "{\"request\": {\"status\": ",
                  SOUP_STATUS_BAD_REQUEST, "IDM-IDR-JSON", CHANGES_SQL);
  assert_refused (fixture, "PATCH", path, "[\"BLOCKED\"]",
                  SOUP_STATUS_BAD_REQUEST, "IDM-IDR-JSON", CHANGES_SQL);
  huge = g_strdup_printf ("{\"request\": {\"status\": \"BLOCKED\", \"pad\": \"%0*d\"}}", SRV_IDREPO_MAX_BODY_BYTES, 0);
  assert_refused (fixture, "PATCH", path, huge,
                  SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "IDM-IDR-TOO-LARGE", CHANGES_SQL);
  assert_refused (fixture, "PATCH", "/v1/idrepo/identities/12/status", "{\"request\": {\"status\": \"BLOCKED\"}}",
                  SOUP_STATUS_BAD_REQUEST, "IDM-IDR-INVALID", CHANGES_SQL);

  blocked = expect (fixture, "PATCH", path, "{\"request\": {\"status\": \"BLOCKED\"}}", SOUP_STATUS_OK);
  g_assert_cmpstr (json_object_get_string_member (blocked, "status"), ==, "BLOCKED");
  g_free (srv_idrepo_lookup_uin (srv_server_get_idrepo (fixture->admin.server), uin, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (status, ==, "BLOCKED");
  /* The change has its ledger leaf and an audit event naming who and
   * from where, by row id and never by UIN. */
  g_assert_cmpint (admin_query_int (&fixture->admin, "SELECT count(*) FROM ledger_leaf"), ==, leaves + 1);
  g_assert_cmpint (admin_query_int (&fixture->admin, uin_in_audit), ==, 0);
  origin = admin_query_text (&fixture->admin, "SELECT origin FROM audit_event WHERE action = 'idrepo.status'"
                             " AND outcome = 'success' AND actor = 'root' AND object = 'identity:1'");
  g_assert_cmpstr (origin, ==, "127.0.0.1");

  /* A blocked identity gets no VID. */
  assert_refused (fixture, "POST", "/v1/idrepo/vids", vid_body,
                  SOUP_STATUS_CONFLICT, "IDM-IDR-NOT-ACTIVE", CHANGES_SQL);
}

static JsonObject *
create_vid (Fixture      *fixture,
            const char   *uin,
            const char   *type)
{
  g_autofree char *body = g_strdup_printf ("{\"request\": {\"uin\": \"%s\", \"vidType\": \"%s\"}}", uin, type);

  return expect (fixture, "POST", "/v1/idrepo/vids", body, SOUP_STATUS_CREATED);
}

static void
test_vids (Fixture       *fixture,
           gconstpointer  user_data)
{
  g_autofree char *uin = add_identity (fixture);
  g_autofree char *list_path = g_strdup_printf ("/v1/idrepo/identities/%s/vids", uin);
  g_autofree char *perpetual_body = g_strdup_printf ("{\"request\": {\"uin\": \"%s\", \"vidType\": \"PERPETUAL\"}}", uin);
  g_autofree char *temporary_body = g_strdup_printf ("{\"request\": {\"uin\": \"%s\", \"vidType\": \"Temporary\"}}", uin);
  g_autofree char *bad_type_body = g_strdup_printf ("{\"request\": {\"uin\": \"%s\", \"vidType\": \"Forever\"}}", uin);
  g_autofree char *perpetual_path = NULL;
  g_autofree char *temporary_path = NULL;
  g_autofree char *revoked_identity = NULL;
  g_autoptr(JsonObject) perpetual = create_vid (fixture, uin, "Perpetual");
  g_autoptr(JsonObject) temporary = NULL;
  g_autoptr(JsonObject) read = NULL;
  g_autoptr(JsonObject) revoked = NULL;
  g_autoptr(JsonObject) list = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *vids;
  guint active = 0;

  g_assert_cmpstr (json_object_get_string_member (perpetual, "vidType"), ==, "PERPETUAL");
  g_assert_cmpstr (json_object_get_string_member (perpetual, "status"), ==, "ACTIVE");
  g_assert_true (json_object_get_null_member (perpetual, "expiresAt"));
  g_assert_true (idem_vid_validate (json_object_get_string_member (perpetual, "vid"), &error));

  /* The policy file: one perpetual VID, five temporary ones of 2 uses
   * and 30 minutes. */
  assert_refused (fixture, "POST", "/v1/idrepo/vids", perpetual_body,
                  SOUP_STATUS_CONFLICT, "IDM-IDR-VID-LIMIT", CHANGES_SQL);
  for (guint i = 0; i < 5; i++)
    {
      g_clear_pointer (&temporary, json_object_unref);
      temporary = create_vid (fixture, uin, "Temporary");
    }
  g_assert_cmpint (json_object_get_int_member (temporary, "usesLeft"), ==, 2);
  g_assert_nonnull (json_object_get_string_member (temporary, "expiresAt"));
  assert_refused (fixture, "POST", "/v1/idrepo/vids", temporary_body,
                  SOUP_STATUS_CONFLICT, "IDM-IDR-VID-LIMIT", CHANGES_SQL);
  assert_refused (fixture, "POST", "/v1/idrepo/vids", bad_type_body,
                  SOUP_STATUS_BAD_REQUEST, "IDM-IDR-INVALID", CHANGES_SQL);
  assert_refused (fixture, "POST", "/v1/idrepo/vids", "{\"request\": {\"vidType\": \"Temporary\"}}",
                  SOUP_STATUS_BAD_REQUEST, "IDM-IDR-MISSING", CHANGES_SQL);

  /* Reading a VID does not use it. */
  temporary_path = g_strdup_printf ("/v1/idrepo/vids/%s", json_object_get_string_member (temporary, "vid"));
  read = expect (fixture, "GET", temporary_path, NULL, SOUP_STATUS_OK);
  g_clear_pointer (&read, json_object_unref);
  read = expect (fixture, "GET", temporary_path, NULL, SOUP_STATUS_OK);
  g_assert_cmpint (json_object_get_int_member (read, "usesLeft"), ==, 2);

  /* Revoking the perpetual VID restores a new one at once. */
  perpetual_path = g_strdup_printf ("/v1/idrepo/vids/%s", json_object_get_string_member (perpetual, "vid"));
  assert_refused (fixture, "PATCH", perpetual_path, "{\"request\": {\"vidStatus\": \"ACTIVE\"}}",
                  SOUP_STATUS_BAD_REQUEST, "IDM-IDR-INVALID", CHANGES_SQL);
  revoked = expect (fixture, "PATCH", perpetual_path, "{\"request\": {\"vidStatus\": \"REVOKED\"}}", SOUP_STATUS_OK);
  g_assert_cmpstr (json_object_get_string_member (revoked, "vidStatus"), ==, "REVOKED");
  g_assert_nonnull (json_object_get_string_member (revoked, "restoredVid"));
  g_assert_cmpstr (json_object_get_string_member (revoked, "restoredVid"), !=,
                   json_object_get_string_member (perpetual, "vid"));
  assert_refused (fixture, "PATCH", perpetual_path, "{\"request\": {\"vidStatus\": \"REVOKED\"}}",
                  SOUP_STATUS_CONFLICT, "IDM-IDR-VID-REVOKED", CHANGES_SQL);
  revoked_identity = g_strdup_printf ("/v1/idrepo/identities/%s", json_object_get_string_member (perpetual, "vid"));
  assert_refused (fixture, "GET", revoked_identity, NULL, SOUP_STATUS_CONFLICT, "IDM-IDR-VID-REVOKED", CHANGES_SQL);
  /* A temporary VID revoked is not restored. */
  g_clear_pointer (&revoked, json_object_unref);
  revoked = expect (fixture, "PATCH", temporary_path, "{\"request\": {\"vidStatus\": \"REVOKED\"}}", SOUP_STATUS_OK);
  g_assert_true (json_object_get_null_member (revoked, "restoredVid"));

  list = expect (fixture, "GET", list_path, NULL, SOUP_STATUS_OK);
  vids = json_object_get_array_member (list, "vids");
  g_assert_cmpuint (json_array_get_length (vids), ==, 7);
  for (guint i = 0; i < json_array_get_length (vids); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (vids, i), "status"), "ACTIVE"))
      active++;
  g_assert_cmpuint (active, ==, 5);

  assert_refused (fixture, "GET", "/v1/idrepo/vids/1234", NULL,
                  SOUP_STATUS_BAD_REQUEST, "IDM-IDR-INVALID", CHANGES_SQL);
}

static void
write_policy (Fixture      *fixture,
              const char   *json)
{
  g_autofree char *path = g_build_filename (fixture->admin.data_dir, SRV_IDREPO_VID_POLICY_FILENAME, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, json, -1, &error));
  g_assert_no_error (error);
}

/* A data directory's vid-policy.json replaces the built-in one. */
static void
test_vid_policy_file (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autofree char *uin = NULL;
  g_autofree char *body = NULL;
  g_autoptr(JsonObject) temporary = NULL;

  write_policy (fixture,
                "{\"vidPolicies\": [{\"vidType\": \"Temporary\", \"vidPolicy\": {\"validForInMinutes\": 5,"
                " \"transactionsAllowed\": 3, \"instancesAllowed\": 1, \"autoRestoreAllowed\": false,"
                " \"restoreOnAction\": \"REVOKE\"}}]}");
  start_admin (fixture);
  uin = add_identity (fixture);

  temporary = create_vid (fixture, uin, "Temporary");
  g_assert_cmpint (json_object_get_int_member (temporary, "usesLeft"), ==, 3);
  body = g_strdup_printf ("{\"request\": {\"uin\": \"%s\", \"vidType\": \"Temporary\"}}", uin);
  assert_refused (fixture, "POST", "/v1/idrepo/vids", body,
                  SOUP_STATUS_CONFLICT, "IDM-IDR-VID-LIMIT", CHANGES_SQL);
  /* A type the policy does not name cannot be made. */
  g_free (body);
  body = g_strdup_printf ("{\"request\": {\"uin\": \"%s\", \"vidType\": \"Perpetual\"}}", uin);
  assert_refused (fixture, "POST", "/v1/idrepo/vids", body,
                  SOUP_STATUS_BAD_REQUEST, "IDM-IDR-INVALID", CHANGES_SQL);
}

/* A policy that is not one is refused and changes nothing; in a data
 * directory, it stops the server from starting. */
static void
test_vid_policy_invalid (Fixture       *fixture,
                         gconstpointer  user_data)
{
  const char * const policies[] = {
    "not json",
    "{\"vidPolicies\": []}",
    "{\"vidPolicies\": [{\"vidType\": \"Forever\", \"vidPolicy\": {}}]}",
    "{\"vidPolicies\": [{\"vidType\": \"Temporary\", \"vidPolicy\": {\"instancesAllowed\": -2}}]}",
    "{\"vidPolicies\": [{\"vidType\": \"Temporary\", \"vidPolicy\": {\"validForInMinutes\": \"30\"}}]}",
    "{\"vidPolicies\": [{\"vidType\": \"Temporary\", \"vidPolicy\": {}},"
    " {\"vidType\": \"TEMPORARY\", \"vidPolicy\": {}}]}",
    NULL
  };
  g_autofree char *uin = NULL;
  g_autoptr(JsonObject) temporary = NULL;
  g_autoptr(GError) error = NULL;
  SrvConfig *config;

  for (guint i = 0; policies[i] != NULL; i++)
    {
      g_autoptr(GBytes) policy = g_bytes_new_static (policies[i], strlen (policies[i]));
      g_autoptr(GError) policy_error = NULL;

      g_assert_false (srv_idrepo_set_vid_policy (srv_server_get_idrepo (fixture->admin.server), policy, &policy_error));
      g_assert_error (policy_error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_INVALID_ARGUMENT);
    }

  /* The built-in policy still holds: temporary VIDs of 2 uses. */
  uin = add_identity (fixture);
  temporary = create_vid (fixture, uin, "Temporary");
  g_assert_cmpint (json_object_get_int_member (temporary, "usesLeft"), ==, 2);

  g_assert_true (srv_server_stop (fixture->admin.server, &error));
  g_clear_object (&fixture->admin.server);
  write_policy (fixture, policies[3]);
  config = srv_config_load (fixture->admin.data_dir, &error);
  g_assert_no_error (error);
  g_assert_true (srv_config_set_port (config, 0, &error));
  fixture->admin.server = srv_server_new (config);
  g_assert_false (srv_server_start (fixture->admin.server, &error));
  g_assert_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_INVALID_ARGUMENT);
  g_clear_object (&fixture->admin.server);
}

static gboolean
lock_state (JsonObject *locks,
            const char *auth_type)
{
  JsonArray *types = json_object_get_array_member (locks, "authTypes");

  for (guint i = 0; i < json_array_get_length (types); i++)
    {
      JsonObject *entry = json_array_get_object_element (types, i);

      if (g_str_equal (json_object_get_string_member (entry, "authType"), auth_type))
        return json_object_get_boolean_member (entry, "locked");
    }

  g_assert_not_reached ();
}

static void
test_auth_locks (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autofree char *uin = add_identity (fixture);
  g_autofree char *path = g_strdup_printf ("/v1/idrepo/identities/%s/auth-locks", uin);
  g_autoptr(JsonObject) before = expect (fixture, "GET", path, NULL, SOUP_STATUS_OK);
  g_autoptr(JsonObject) changed = NULL;
  g_autoptr(JsonObject) after = NULL;
  gboolean locked = FALSE;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (before, "authTypes")), ==, 6);
  g_assert_false (lock_state (before, "bio-FINGER"));

  /* One bad entry refuses the whole change. */
  assert_refused (fixture, "PATCH", path,
                  "{\"request\": {\"authTypes\": [{\"authType\": \"bio-FINGER\", \"locked\": true},"
                  " {\"authType\": \"bio-DNA\", \"locked\": true}]}}",
                  SOUP_STATUS_BAD_REQUEST, "IDM-IDR-INVALID", CHANGES_SQL);
  assert_refused (fixture, "PATCH", path,
                  "{\"request\": {\"authTypes\": [{\"authType\": \"demo\", \"locked\": \"yes\"}]}}",
                  SOUP_STATUS_BAD_REQUEST, "IDM-IDR-TYPE", CHANGES_SQL);
  assert_refused (fixture, "PATCH", path, "{\"request\": {\"authTypes\": []}}",
                  SOUP_STATUS_BAD_REQUEST, "IDM-IDR-INVALID", CHANGES_SQL);
  assert_refused (fixture, "PATCH", path, "{\"request\": {\"authTypes\": [\"demo\"]}}",
                  SOUP_STATUS_BAD_REQUEST, "IDM-IDR-TYPE", CHANGES_SQL);
  g_assert_true (srv_idrepo_is_auth_locked (srv_server_get_idrepo (fixture->admin.server), uin, "bio-FINGER", &locked, &error));
  g_assert_false (locked);

  changed = expect (fixture, "PATCH", path,
                    "{\"request\": {\"authTypes\": [{\"authType\": \"bio-FINGER\", \"locked\": true},"
                    " {\"authType\": \"otp-phone\", \"locked\": true}]}}", SOUP_STATUS_OK);
  g_assert_true (lock_state (changed, "bio-FINGER"));
  g_assert_true (lock_state (changed, "otp-phone"));
  g_assert_false (lock_state (changed, "demo"));

  after = expect (fixture, "PATCH", path,
                  "{\"request\": {\"authTypes\": [{\"authType\": \"otp-phone\", \"locked\": false}]}}", SOUP_STATUS_OK);
  g_assert_true (lock_state (after, "bio-FINGER"));
  g_assert_false (lock_state (after, "otp-phone"));
  g_assert_cmpint (admin_query_int (&fixture->admin, "SELECT count(*) FROM audit_event WHERE action = 'idrepo.auth-lock'"
                                    " AND outcome = 'success'"), ==, 2);
}

/* Publishes the default ID schema, as the admin API would. */
static void
publish_schema (Fixture *fixture)
{
  g_autofree char *path = g_build_filename (g_getenv ("IDEM_SOURCE_DIR"), "data", "schema", "id-schema.json", NULL);
  g_autofree char *content = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = srv_database_get_handle (srv_server_get_database (fixture->admin.server));
  sqlite3_stmt *statement = NULL;

  g_assert_true (g_file_get_contents (path, &content, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "INSERT INTO published_document (kind, version, content, published)"
                                       " VALUES ('id-schema', 1, ?, '2026-01-01T00:00:00Z')",
                                       -1, &statement, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (statement, 1, content, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_DONE);
  sqlite3_finalize (statement);
}

static void
test_drafts (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autofree char *uin = add_identity (fixture);
  g_autofree char *path = g_strdup_printf ("/v1/idrepo/drafts/%s", uin);
  g_autofree char *publish = g_strdup_printf ("/v1/idrepo/drafts/%s/publish", uin);
  g_autofree char *identity_path = g_strdup_printf ("/v1/idrepo/identities/%s", uin);
  g_autofree char *current = NULL;
  g_autoptr(JsonObject) draft = NULL;
  g_autoptr(JsonObject) edited = NULL;
  g_autoptr(JsonObject) unchanged = NULL;
  g_autoptr(JsonObject) published = NULL;
  g_autoptr(JsonObject) updated = NULL;
  g_autoptr(JsonObject) discarded = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *identity;
  gint64 leaves;

  assert_refused (fixture, "GET", path, NULL, SOUP_STATUS_NOT_FOUND, "IDM-IDR-NO-DRAFT", CHANGES_SQL);
  assert_refused (fixture, "POST", publish, NULL, SOUP_STATUS_NOT_FOUND, "IDM-IDR-NO-DRAFT", CHANGES_SQL);

  draft = expect (fixture, "POST", path, NULL, SOUP_STATUS_CREATED);
  identity = json_object_get_object_member (draft, "identity");
  g_assert_cmpstr (json_object_get_string_member (identity, "email"), ==, "m.ali@example.org");
  assert_refused (fixture, "POST", path, NULL, SOUP_STATUS_CONFLICT, "IDM-IDR-DRAFT-EXISTS", CHANGES_SQL);

  /* Edits: a member replaced, one removed; bad edits change nothing. */
  assert_refused (fixture, "PATCH", path, "{\"request\": {\"identity\": \"Ali\"}}",
                  SOUP_STATUS_BAD_REQUEST, "IDM-IDR-TYPE", CHANGES_SQL);
  assert_refused (fixture, "PATCH", path, "{\"request\": {}}",
                  SOUP_STATUS_BAD_REQUEST, "IDM-IDR-MISSING", CHANGES_SQL);
  edited = expect (fixture, "PATCH", path,
                   "{\"request\": {\"identity\": {\"fullName\": [{\"language\": \"eng\", \"value\": \"Mohamed Ali Hassan\"}],"
                   " \"email\": null}}}", SOUP_STATUS_OK);
  identity = json_object_get_object_member (edited, "identity");
  g_assert_false (json_object_has_member (identity, "email"));
  g_assert_cmpstr (json_object_get_string_member (identity, "dateOfBirth"), ==, "1990/05/12");

  /* Once an ID schema is published, edits must keep to it. */
  publish_schema (fixture);
  assert_refused (fixture, "PATCH", path, "{\"request\": {\"identity\": {\"dateOfBirth\": \"12 May 1990\"}}}",
                  SOUP_STATUS_BAD_REQUEST, "IDM-IDR-SCHEMA", CHANGES_SQL);
  assert_refused (fixture, "PATCH", path, "{\"request\": {\"identity\": {\"fullName\": null}}}",
                  SOUP_STATUS_BAD_REQUEST, "IDM-IDR-SCHEMA", CHANGES_SQL);
  assert_refused (fixture, "PATCH", path, "{\"request\": {\"identity\": {\"nickname\": \"Momo\"}}}",
                  SOUP_STATUS_BAD_REQUEST, "IDM-IDR-SCHEMA", CHANGES_SQL);
  g_clear_pointer (&edited, json_object_unref);
  edited = expect (fixture, "PATCH", path, "{\"request\": {\"identity\": {\"phone\": \"+212600000000\"}}}",
                   SOUP_STATUS_OK);
  identity = json_object_get_object_member (edited, "identity");
  g_assert_cmpstr (json_object_get_string_member (identity, "phone"), ==, "+212600000000");

  /* The identity is unchanged until the draft is published. */
  unchanged = expect (fixture, "GET", identity_path, NULL, SOUP_STATUS_OK);
  g_assert_true (json_object_has_member (json_object_get_object_member (unchanged, "identity"), "email"));

  leaves = admin_query_int (&fixture->admin, "SELECT count(*) FROM ledger_leaf");
  published = expect (fixture, "POST", publish, NULL, SOUP_STATUS_OK);
  g_assert_cmpint (json_object_get_int_member (published, "version"), ==, 2);
  g_assert_cmpint (admin_query_int (&fixture->admin, "SELECT count(*) FROM ledger_leaf"), ==, leaves + 1);
  g_assert_cmpint (admin_query_int (&fixture->admin, "SELECT count(*) FROM idrepo_draft"), ==, 0);
  updated = expect (fixture, "GET", identity_path, NULL, SOUP_STATUS_OK);
  identity = json_object_get_object_member (updated, "identity");
  g_assert_false (json_object_has_member (identity, "email"));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (identity, "fullName"), 0),
                                                  "value"), ==, "Mohamed Ali Hassan");

  /* A draft made before another update is stale: refused, kept, and
   * can be discarded. */
  g_clear_pointer (&draft, json_object_unref);
  draft = expect (fixture, "POST", path, NULL, SOUP_STATUS_CREATED);
  current = srv_idrepo_lookup_uin (srv_server_get_idrepo (fixture->admin.server), uin, NULL, &error);
  g_assert_true (srv_idrepo_update_demographics (srv_server_get_idrepo (fixture->admin.server), uin, current, "test", &error));
  g_assert_no_error (error);
  assert_refused (fixture, "POST", publish, NULL, SOUP_STATUS_CONFLICT, "IDM-IDR-DRAFT-STALE", CHANGES_SQL);
  g_assert_cmpint (admin_query_int (&fixture->admin, "SELECT count(*) FROM idrepo_draft"), ==, 1);
  discarded = expect (fixture, "DELETE", path, NULL, SOUP_STATUS_OK);
  g_assert_cmpint (admin_query_int (&fixture->admin, "SELECT count(*) FROM idrepo_draft"), ==, 0);
  assert_refused (fixture, "DELETE", path, NULL, SOUP_STATUS_NOT_FOUND, "IDM-IDR-NO-DRAFT", CHANGES_SQL);

  /* Draft contents are sealed, like demographics. */
  g_clear_pointer (&draft, json_object_unref);
  draft = expect (fixture, "POST", path, NULL, SOUP_STATUS_CREATED);
  g_assert_cmpint (admin_query_int (&fixture->admin, "SELECT count(*) FROM idrepo_draft WHERE instr(sealed, 'Mohamed') > 0"), ==, 0);
  admin_exec (&fixture->admin, "UPDATE idrepo_draft SET version = version + 1");
  assert_refused (fixture, "GET", path, NULL, SOUP_STATUS_INTERNAL_SERVER_ERROR, "IDM-IDR-500", CHANGES_SQL);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
        g_test_add (path, Fixture, NULL, fixture_start, func, fixture_tear_down)

  ADD ("/idrepo-api/get-identity", test_get_identity);
  ADD ("/idrepo-api/status", test_status);
  ADD ("/idrepo-api/vids", test_vids);
  ADD ("/idrepo-api/auth-locks", test_auth_locks);
  ADD ("/idrepo-api/drafts", test_drafts);
  g_test_add ("/idrepo-api/vid-policy-file", Fixture, NULL, fixture_set_up, test_vid_policy_file, fixture_tear_down);
  ADD ("/idrepo-api/vid-policy-invalid", test_vid_policy_invalid);

#undef ADD

  status = g_test_run ();
  srv_test_cleanup ();
  return status;
}
