/* test-abis-http.c — MOSIP's ABIS API over real HTTPS, and a server whose
 * ABIS is another server's, through that API
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Server B runs the built-in ABIS.  Server A's idem.conf names B as its
 * external ABIS: what A is asked lands in B.  Both run in this process;
 * A's client calls B synchronously from worker threads while this thread
 * iterates the main context both servers answer on.
 */

#include "config.h"

#include "srv-abis-api.h"
#include "srv-abis-http.h"
#include "srv-server.h"
#include "srv-tls.h"

#include "test-abis-support.h"
#include "test-admin-util.h"

#include <string.h>

typedef struct
{
  AdminFixture  b;
  AdminFixture  a;
  char         *token_a;
  char         *token_b;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *password_file = NULL;
  SrvConfig *config;

  admin_fixture_set_up (&fixture->b, NULL);
  admin_fixture_start (&fixture->b);
  admin_add_user (&fixture->b, "abis-caller", "caller-Secret-1", "ADMIN");
  admin_add_user (&fixture->b, "operator", "operator-Secret-1", "OPERATOR");
  fixture->token_b = admin_login (&fixture->b, "abis-caller", "caller-Secret-1");

  admin_fixture_set_up (&fixture->a, NULL);
  password_file = g_build_filename (fixture->a.tmp_dir, "abis-password", NULL);
  g_assert_true (g_file_set_contents (password_file, "caller-Secret-1\n", -1, &error));
  config = srv_config_load (fixture->a.data_dir, &error);
  g_assert_no_error (error);
  g_assert_true (srv_config_set_port (config, 0, &error));
  config->abis_url = srv_server_get_url (fixture->b.server);
  config->abis_user = g_strdup ("abis-caller");
  config->abis_password_file = g_strdup (password_file);
  config->abis_certificate = g_strdup (srv_server_get_config (fixture->b.server)->tls_certificate);
  fixture->a.server = srv_server_new (config);
  g_assert_true (srv_server_start (fixture->a.server, &error));
  g_assert_no_error (error);
  fixture->a.url = srv_server_get_url (fixture->a.server);
  admin_add_user (&fixture->a, "admin-a", "admin-Secret-1", "ADMIN");
  fixture->token_a = admin_login (&fixture->a, "admin-a", "admin-Secret-1");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  admin_fixture_tear_down (&fixture->a, NULL);
  admin_fixture_tear_down (&fixture->b, NULL);
  g_free (fixture->token_a);
  g_free (fixture->token_b);
}

static SrvAbis *
abis_of (AdminFixture *server)
{
  return srv_server_get_abis (server->server);
}

/* Runs @func in a thread while this one serves both servers. */
typedef struct
{
  GThreadFunc func;
  gpointer    data;
  gboolean    done;
} Background;

static gpointer
background_thread (gpointer user_data)
{
  Background *background = user_data;

  background->func (background->data);
  g_atomic_int_set (&background->done, TRUE);
  g_main_context_wakeup (NULL);
  return NULL;
}

static void
run_in_background (GThreadFunc func,
                   gpointer    data)
{
  Background background = { func, data, FALSE };
  GThread *thread = g_thread_new ("abis-client", background_thread, &background);

  while (!g_atomic_int_get (&background.done))
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (thread);
}

static char *
request_body (const char *api_id,
              const char *reference_id,
              GBytes     *cbeff,
              const char *extra)
{
  g_autofree char *encoded = cbeff != NULL
                             ? g_base64_encode (g_bytes_get_data (cbeff, NULL), g_bytes_get_size (cbeff)) : NULL;
  g_autofree char *reference = reference_id != NULL ? g_strdup_printf (", \"referenceId\": \"%s\"", reference_id)
                               : g_strdup ("");
  g_autofree char *biometrics = encoded != NULL ? g_strdup_printf (", \"biometrics\": \"%s\"", encoded)
                                : g_strdup ("");

  return g_strdup_printf ("{\"id\": \"%s\", \"version\": \"1.1\", \"requestId\": \"5a1e9c1e-0000-4000-8000-000000000001\","
                          " \"requesttime\": \"2026-11-22T04:00:00.000Z\"%s%s%s}",
                          api_id, reference, biometrics, extra != NULL ? extra : "");
}

static SrvTestResponse *
abis_call (AdminFixture *server,
           const char   *token,
           const char   *operation,
           const char   *body)
{
  g_autofree char *path = g_strconcat ("/v1/abis/", operation, NULL);

  return admin_call (server, "POST", path, token, body);
}

static const char *
response_string (SrvTestResponse *response,
                 const char      *member)
{
  return json_object_get_string_member (admin_response_object (response), member);
}

static void
expect_failure (SrvTestResponse *response,
                guint            status,
                const char      *code,
                const char      *reason)
{
  g_test_message ("%u %s", response->status, (const char *) g_bytes_get_data (response->body, NULL));
  g_assert_cmpuint (response->status, ==, status);
  g_assert_cmpstr (admin_error_code (response), ==, code);
  g_assert_cmpstr (response_string (response, "returnValue"), ==, "2");
  g_assert_cmpstr (response_string (response, "failureReason"), ==, reason);
}

static void
test_api_on_builtin (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GBytes) person = abis_test_synthetic_person (1, 11);
  g_autoptr(GBytes) again = abis_test_synthetic_person (1, 77);
  g_autoptr(GBytes) other = abis_test_synthetic_person (2, 22);
  g_autofree char *insert = request_body (SRV_ABIS_API_INSERT, "rid-1", person, NULL);
  g_autofree char *insert_other = request_body (SRV_ABIS_API_INSERT, "rid-2", other, NULL);
  g_autofree char *conflict = request_body (SRV_ABIS_API_INSERT, "rid-1", other, NULL);
  g_autofree char *identify = request_body (SRV_ABIS_API_IDENTIFY, NULL, again,
                                            ", \"flags\": {\"maxResults\": \"5\", \"targetFPIR\": \"40\"}");
  g_autofree char *identify_gallery = request_body (SRV_ABIS_API_IDENTIFY, "rid-2", NULL,
                                                    ", \"gallery\": {\"referenceIds\": [{\"referenceId\": \"rid-1\"}]}");
  g_autofree char *count = request_body (SRV_ABIS_API_REFERENCE_COUNT, NULL, NULL, NULL);
  g_autofree char *jobs = request_body (SRV_ABIS_API_PENDING_JOBS, NULL, NULL, NULL);
  g_autofree char *ping = request_body (SRV_ABIS_API_PING, NULL, NULL, NULL);
  g_autofree char *delete = request_body (SRV_ABIS_API_DELETE, "rid-2", NULL, NULL);
  SrvTestResponse *response;
  JsonObject *list, *candidate;

  response = abis_call (&fixture->b, fixture->token_b, "insert", insert);
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);
  g_assert_cmpstr (response_string (response, "id"), ==, SRV_ABIS_API_INSERT);
  g_assert_cmpstr (response_string (response, "requestId"), ==, "5a1e9c1e-0000-4000-8000-000000000001");
  g_assert_cmpstr (response_string (response, "returnValue"), ==, "1");
  srv_test_response_free (response);
  response = abis_call (&fixture->b, fixture->token_b, "insert", insert_other);
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);
  srv_test_response_free (response);

  response = abis_call (&fixture->b, fixture->token_b, "insert", conflict);
  expect_failure (response, SOUP_STATUS_CONFLICT, SRV_ERROR_CODE_ABIS_EXISTS, "10");
  srv_test_response_free (response);

  response = abis_call (&fixture->b, fixture->token_b, "identify", identify);
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);
  list = json_object_get_object_member (admin_response_object (response), "candidateList");
  g_assert_cmpstr (json_object_get_string_member (list, "count"), ==, "1");
  candidate = json_array_get_object_element (json_object_get_array_member (list, "candidates"), 0);
  g_assert_cmpstr (json_object_get_string_member (candidate, "referenceId"), ==, "rid-1");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (candidate, "modalities"), 0),
                                                  "biometricType"), ==, "FIR");
  g_assert_cmpfloat (g_ascii_strtod (json_object_get_string_member (json_object_get_object_member (candidate, "analytics"),
                                                                    "internalScore"), NULL), >=, 50.0);
  srv_test_response_free (response);

  /* Person 2 against a gallery of person 1 only: no candidate. */
  response = abis_call (&fixture->b, fixture->token_b, "identify", identify_gallery);
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);
  list = json_object_get_object_member (admin_response_object (response), "candidateList");
  g_assert_cmpstr (json_object_get_string_member (list, "count"), ==, "0");
  srv_test_response_free (response);

  response = abis_call (&fixture->b, fixture->token_b, "referenceCount", count);
  g_assert_cmpstr (response_string (response, "count"), ==, "2");
  srv_test_response_free (response);
  response = abis_call (&fixture->b, fixture->token_b, "pendingJobs", jobs);
  g_assert_cmpstr (response_string (response, "jobscount"), ==, "0");
  srv_test_response_free (response);
  response = abis_call (&fixture->b, fixture->token_b, "ping", ping);
  g_assert_cmpstr (response_string (response, "returnValue"), ==, "1");
  srv_test_response_free (response);

  response = abis_call (&fixture->b, fixture->token_b, "delete", delete);
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);
  srv_test_response_free (response);
  response = abis_call (&fixture->b, fixture->token_b, "delete", delete);
  expect_failure (response, SOUP_STATUS_NOT_FOUND, SRV_ERROR_CODE_ABIS_NOT_FOUND, "12");
  srv_test_response_free (response);

  /* Every change and search was audited, refusals too. */
  g_assert_cmpint (admin_query_int (&fixture->b, "SELECT count(*) FROM audit_event WHERE action = 'abis.insert'"),
                   ==, 3);
  g_assert_cmpint (admin_query_int (&fixture->b, "SELECT count(*) FROM audit_event WHERE action = 'abis.delete'"
                                    " AND outcome = 'failure'"), ==, 1);
  g_assert_cmpint (admin_query_int (&fixture->b, "SELECT count(*) FROM audit_event WHERE action = 'abis.identify'"),
                   ==, 2);
}

static void
test_api_refusals (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GBytes) person = abis_test_synthetic_person (3, 33);
  g_autoptr(GBytes) not_cbeff = g_bytes_new_static ("not xml", 7);
  g_autofree char *insert = request_body (SRV_ABIS_API_INSERT, "rid-3", person, NULL);
  g_autofree char *wrong_id = request_body (SRV_ABIS_API_IDENTIFY, "rid-3", person, NULL);
  g_autofree char *no_reference = request_body (SRV_ABIS_API_INSERT, NULL, person, NULL);
  g_autofree char *no_data = request_body (SRV_ABIS_API_INSERT, "rid-3", NULL, NULL);
  g_autofree char *bad_cbeff = request_body (SRV_ABIS_API_INSERT, "rid-3", not_cbeff, NULL);
  g_autofree char *bad_flags = request_body (SRV_ABIS_API_IDENTIFY, "rid-3", NULL, ", \"flags\": {\"maxResults\": \"0\"}");
  g_autofree char *unknown = request_body (SRV_ABIS_API_IDENTIFY, "nobody", NULL, NULL);
  g_autofree char *dead_url = request_body (SRV_ABIS_API_INSERT, "rid-4", NULL,
                                            ", \"referenceURL\": \"http://127.0.0.1:9/none\"");
  const char *no_time = "{\"id\": \"mosip.abis.ping\", \"requestId\": \"r\"}";
  const char *bad_time = "{\"id\": \"mosip.abis.ping\", \"requestId\": \"r\", \"requesttime\": \"yesterday\"}";
  const char *no_request_id = "{\"id\": \"mosip.abis.ping\", \"requesttime\": \"2026-11-22T04:00:00Z\"}";
  g_autofree char *operator_token = admin_login (&fixture->b, "operator", "operator-Secret-1");
  SrvTestResponse *response;

  response = abis_call (&fixture->b, NULL, "insert", insert);
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_UNAUTHORIZED);
  srv_test_response_free (response);
  response = abis_call (&fixture->b, operator_token, "insert", insert);
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_FORBIDDEN);
  srv_test_response_free (response);

  response = abis_call (&fixture->b, fixture->token_b, "insert", "{\"id\": ");
  expect_failure (response, SOUP_STATUS_BAD_REQUEST, SRV_ERROR_CODE_ABIS_JSON, "4");
  srv_test_response_free (response);
  response = abis_call (&fixture->b, fixture->token_b, "insert", wrong_id);
  expect_failure (response, SOUP_STATUS_BAD_REQUEST, SRV_ERROR_CODE_ABIS_INVALID, "14");
  srv_test_response_free (response);
  response = abis_call (&fixture->b, fixture->token_b, "insert", no_reference);
  expect_failure (response, SOUP_STATUS_BAD_REQUEST, SRV_ERROR_CODE_ABIS_INVALID, "5");
  srv_test_response_free (response);
  response = abis_call (&fixture->b, fixture->token_b, "ping", no_request_id);
  expect_failure (response, SOUP_STATUS_BAD_REQUEST, SRV_ERROR_CODE_ABIS_INVALID, "6");
  srv_test_response_free (response);
  response = abis_call (&fixture->b, fixture->token_b, "insert", no_data);
  expect_failure (response, SOUP_STATUS_BAD_REQUEST, SRV_ERROR_CODE_ABIS_INVALID, "8");
  srv_test_response_free (response);
  response = abis_call (&fixture->b, fixture->token_b, "ping", no_time);
  expect_failure (response, SOUP_STATUS_BAD_REQUEST, SRV_ERROR_CODE_ABIS_INVALID, "9");
  srv_test_response_free (response);
  response = abis_call (&fixture->b, fixture->token_b, "ping", bad_time);
  expect_failure (response, SOUP_STATUS_BAD_REQUEST, SRV_ERROR_CODE_ABIS_INVALID, "15");
  srv_test_response_free (response);
  response = abis_call (&fixture->b, fixture->token_b, "insert", bad_cbeff);
  expect_failure (response, SOUP_STATUS_UNPROCESSABLE_ENTITY, SRV_ERROR_CODE_ABIS_BIOMETRICS, "16");
  srv_test_response_free (response);
  response = abis_call (&fixture->b, fixture->token_b, "identify", bad_flags);
  expect_failure (response, SOUP_STATUS_BAD_REQUEST, SRV_ERROR_CODE_ABIS_INVALID, "4");
  srv_test_response_free (response);
  response = abis_call (&fixture->b, fixture->token_b, "identify", unknown);
  expect_failure (response, SOUP_STATUS_NOT_FOUND, SRV_ERROR_CODE_ABIS_NOT_FOUND, "12");
  srv_test_response_free (response);
  response = abis_call (&fixture->b, fixture->token_b, "insert", dead_url);
  expect_failure (response, SOUP_STATUS_UNPROCESSABLE_ENTITY, SRV_ERROR_CODE_ABIS_FETCH, "7");
  srv_test_response_free (response);

  /* Nothing was stored. */
  g_assert_cmpint (srv_abis_reference_count (abis_of (&fixture->b), NULL), ==, 0);
}

/* Through server A, whose ABIS is B. */

typedef struct
{
  Fixture    *fixture;
  GPtrArray  *candidates;
  GError     *errors[4];
  gint64      count;
} ExternalCalls;

static gpointer
external_calls_thread (gpointer user_data)
{
  ExternalCalls *calls = user_data;
  SrvAbis *abis = abis_of (&calls->fixture->a);
  g_autoptr(GBytes) person = abis_test_synthetic_person (5, 55);
  g_autoptr(GBytes) again = abis_test_synthetic_person (5, 99);
  g_autoptr(GBytes) other = abis_test_synthetic_person (6, 66);
  g_autoptr(GBytes) junk = g_bytes_new_static ("<x/>", 4);
  g_autoptr(GError) error = NULL;

  g_assert_true (srv_abis_ping (abis, &error));
  g_assert_no_error (error);
  g_assert_true (srv_abis_insert (abis, "rid-5", person, &error));
  g_assert_no_error (error);
  g_assert_true (srv_abis_insert (abis, "rid-6", other, &error));
  g_assert_no_error (error);
  calls->candidates = srv_abis_identify (abis, NULL, again, NULL, 3, 50.0, &error);
  g_assert_no_error (error);
  calls->count = srv_abis_reference_count (abis, &error);
  g_assert_no_error (error);

  /* Refusals come back as the same errors as in-process. */
  srv_abis_insert (abis, "rid-5", other, &calls->errors[0]);
  srv_abis_remove (abis, "nobody", &calls->errors[1]);
  g_assert_null (srv_abis_identify (abis, NULL, junk, NULL, 3, 50.0, &calls->errors[2]));
  g_assert_true (srv_abis_remove (abis, "rid-6", &error));
  g_assert_no_error (error);

  return NULL;
}

static void
test_external (Fixture       *fixture,
               gconstpointer  data)
{
  ExternalCalls calls = { fixture };
  const SrvAbisCandidate *candidate;

  g_assert_true (SRV_IS_ABIS_HTTP (abis_of (&fixture->a)));
  run_in_background (external_calls_thread, &calls);

  g_assert_cmpint (calls.count, ==, 2);
  g_assert_cmpuint (calls.candidates->len, ==, 1);
  candidate = g_ptr_array_index (calls.candidates, 0);
  g_assert_cmpstr (candidate->reference_id, ==, "rid-5");
  g_assert_cmpfloat (candidate->finger_score, >=, 50.0);
  g_assert_cmpfloat (candidate->face_score, ==, -1.0);
  g_assert_error (calls.errors[0], SRV_ABIS_ERROR, SRV_ABIS_ERROR_DUPLICATE_REFERENCE);
  g_assert_error (calls.errors[1], SRV_ABIS_ERROR, SRV_ABIS_ERROR_REFERENCE_NOT_FOUND);
  g_assert_error (calls.errors[2], SRV_ABIS_ERROR, SRV_ABIS_ERROR_BAD_BIOMETRICS);
  for (guint i = 0; i < G_N_ELEMENTS (calls.errors); i++)
    g_clear_error (&calls.errors[i]);
  g_ptr_array_unref (calls.candidates);

  /* It all landed in B: A holds nothing of its own. */
  g_assert_cmpint (srv_abis_reference_count (abis_of (&fixture->b), NULL), ==, 1);
  g_assert_cmpint (admin_query_int (&fixture->a, "SELECT count(*) FROM abis_reference"), ==, 0);
  g_assert_cmpint (admin_query_int (&fixture->b, "SELECT count(*) FROM abis_reference"), ==, 1);
  g_assert_cmpint (admin_query_int (&fixture->b, "SELECT count(*) FROM audit_event"
                                    " WHERE action = 'abis.insert' AND actor = 'abis-caller'"), ==, 3);
}

static void
test_external_through_api (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GBytes) person = abis_test_synthetic_person (7, 70);
  g_autoptr(GBytes) again = abis_test_synthetic_person (7, 71);
  g_autofree char *insert = request_body (SRV_ABIS_API_INSERT, "rid-7", person, NULL);
  g_autofree char *identify = request_body (SRV_ABIS_API_IDENTIFY, NULL, again, NULL);
  g_autofree char *conflict = request_body (SRV_ABIS_API_INSERT, "rid-7", again, NULL);
  SrvTestResponse *response;
  JsonObject *list;

  /* A's API, answered by B's gallery: MOSIP → A → B and back. */
  response = abis_call (&fixture->a, fixture->token_a, "insert", insert);
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);
  srv_test_response_free (response);
  g_assert_cmpint (srv_abis_reference_count (abis_of (&fixture->b), NULL), ==, 1);

  response = abis_call (&fixture->a, fixture->token_a, "identify", identify);
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);
  list = json_object_get_object_member (admin_response_object (response), "candidateList");
  g_assert_cmpstr (json_object_get_string_member (list, "count"), ==, "1");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (list, "candidates"), 0),
                                                  "referenceId"), ==, "rid-7");
  srv_test_response_free (response);

  response = abis_call (&fixture->a, fixture->token_a, "insert", conflict);
  expect_failure (response, SOUP_STATUS_CONFLICT, SRV_ERROR_CODE_ABIS_EXISTS, "10");
  srv_test_response_free (response);
}

/* What A would do, with B's server certificate trusted by the system. */
typedef struct
{
  SrvAbisHttp *abis;
  gboolean     answered;
  GError      *error;
} PingCall;

static gpointer
ping_thread (gpointer user_data)
{
  PingCall *ping = user_data;

  ping->answered = srv_abis_ping (SRV_ABIS (ping->abis), &ping->error);
  return NULL;
}

static void
test_pin_beats_system_trust (Fixture       *fixture,
                             gconstpointer  data)
{
  GTlsBackend *backend = g_tls_backend_get_default ();
  g_autoptr(GTlsDatabase) previous_default = g_tls_backend_get_default_database (backend);
  const SrvConfig *config_b = srv_server_get_config (fixture->b.server);
  g_autoptr(GTlsCertificate) certificate_b = g_tls_certificate_new_from_file (config_b->tls_certificate, NULL);
  g_autofree char *other_path = g_build_filename (fixture->a.tmp_dir, "other.crt", NULL);
  g_autofree char *other_key_path = g_build_filename (fixture->a.tmp_dir, "other.key", NULL);
  g_autoptr(GTlsCertificate) other = NULL;
  g_autoptr(GTlsDatabase) vouching = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url_b = srv_server_get_url (fixture->b.server);
  PingCall wrong_pin = { NULL };
  PingCall right_pin = { NULL };

  g_assert_true (srv_tls_create_self_signed (other_path, other_key_path, &error));
  g_assert_no_error (error);
  other = g_tls_certificate_new_from_file (other_path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (certificate_b);
  g_assert_false (g_tls_certificate_is_same (other, certificate_b));

  /* A file database of B's certificate, as the backend's default, stands
   * in for system authorities that vouch for it. */
  vouching = g_tls_file_database_new (config_b->tls_certificate, &error);
  g_assert_no_error (error);
  g_tls_backend_set_default_database (backend, vouching);

  wrong_pin.abis = srv_abis_http_new (url_b, "abis-caller", "caller-Secret-1", other, &error);
  g_assert_no_error (error);
  run_in_background (ping_thread, &wrong_pin);
  g_assert_false (wrong_pin.answered);
  g_assert_error (wrong_pin.error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_UNAVAILABLE);

  right_pin.abis = srv_abis_http_new (url_b, "abis-caller", "caller-Secret-1", certificate_b, &error);
  g_assert_no_error (error);
  run_in_background (ping_thread, &right_pin);
  g_assert_no_error (right_pin.error);
  g_assert_true (right_pin.answered);

  g_tls_backend_set_default_database (backend, previous_default);
  g_clear_error (&wrong_pin.error);
  g_object_unref (wrong_pin.abis);
  g_object_unref (right_pin.abis);
}

static void
test_error_from_foreign_abis (void)
{
  /* A MOSIP ABIS that is not Idem answers with failure reasons only. */
  const struct
  {
    const char   *json;
    guint         status;
    SrvAbisError  code;
  } cases[] = {
    { "{\"response\": {\"returnValue\": \"2\", \"failureReason\": \"10\"}}", 200, SRV_ABIS_ERROR_DUPLICATE_REFERENCE },
    { "{\"response\": {\"returnValue\": \"2\", \"failureReason\": \"12\"}}", 200, SRV_ABIS_ERROR_REFERENCE_NOT_FOUND },
    { "{\"response\": {\"returnValue\": \"2\", \"failureReason\": \"7\"}}", 200, SRV_ABIS_ERROR_BAD_BIOMETRICS },
    { "{\"response\": {\"returnValue\": \"2\", \"failureReason\": \"5\"}}", 200, SRV_ABIS_ERROR_INVALID_REQUEST },
    { "{\"response\": {\"returnValue\": \"2\", \"failureReason\": \"1\"}}", 200, SRV_ABIS_ERROR_INTERNAL },
    { "not json", 502, SRV_ABIS_ERROR_UNAVAILABLE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      JsonNode *root = NULL;

      if (json_parser_load_from_data (parser, cases[i].json, -1, NULL))
        root = json_parser_get_root (parser);
      error = srv_abis_api_error_from_response (cases[i].status, root);
      g_assert_error (error, SRV_ABIS_ERROR, cases[i].code);
    }

  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    GError *none;

    g_assert_true (json_parser_load_from_data (parser, "{\"response\": {\"returnValue\": \"1\"}, \"errors\": []}", -1, NULL));
    none = srv_abis_api_error_from_response (200, json_parser_get_root (parser));
    g_assert_no_error (none);
  }

  g_assert_cmpfloat (srv_abis_api_threshold_for_fpir (40), ==, 50.0);
  g_assert_cmpfloat (srv_abis_api_threshold_for_fpir (1000), ==, 99.0);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add ("/abis/http/api", Fixture, NULL, fixture_set_up, test_api_on_builtin, fixture_tear_down);
  g_test_add ("/abis/http/refusals", Fixture, NULL, fixture_set_up, test_api_refusals, fixture_tear_down);
  g_test_add ("/abis/http/external", Fixture, NULL, fixture_set_up, test_external, fixture_tear_down);
  g_test_add ("/abis/http/external-through-api", Fixture, NULL, fixture_set_up, test_external_through_api,
              fixture_tear_down);
  g_test_add ("/abis/http/pin-beats-system-trust", Fixture, NULL, fixture_set_up, test_pin_beats_system_trust,
              fixture_tear_down);
  g_test_add_func ("/abis/http/foreign-errors", test_error_from_foreign_abis);

  status = g_test_run ();
  srv_test_cleanup ();
  return status;
}
