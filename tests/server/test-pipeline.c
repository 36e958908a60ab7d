/* test-pipeline.c — packets through the whole pipeline, in a real server
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Every test drives a server in this process over HTTPS as a registration
 * machine does (signed RID sync, signed upload) and reads the outcome
 * from the database the server wrote.  Biometrics are synthetic fingers
 * matched by the built-in ABIS, the real one: a duplicate is caught
 * because the fingers match, not because a stub says so.
 */

#include "config.h"

#include "test-abis-support.h"
#include "test-pipeline-util.h"

#include "srv-pipeline.h"

#include <string.h>

/* Uploads a packet and waits for the pipeline to leave it. */
static char *
submit (PipelineTest *test,
        TestPacket   *packet,
        const char   *process,
        char        **reason)
{
  g_autofree char *code = NULL;

  g_assert_cmpuint (pipeline_test_sync (test, packet, process, "APPROVED", &code), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (pipeline_test_upload (test, packet, &code), ==, SOUP_STATUS_OK);
  g_assert_null (code);
  return pipeline_test_wait (test, packet->rid, "PROCESSING", reason);
}

static char *
uin_of (PipelineTest *test,
        const char   *rid)
{
  g_autofree char *sql = g_strdup_printf ("SELECT uin FROM uin_pool WHERE rid = '%s'", rid);

  return g_strdup_printf ("%010" G_GINT64_FORMAT, pipeline_test_count (test, sql));
}

/* The machine status answer names the packet's UIN exactly when one was
 * issued or found for it; the administrators' status call never does. */
static void
expect_status_uin (PipelineTest *test,
                   const char   *token,
                   const char   *rid,
                   const char   *uin)
{
  g_autofree char *text = g_strdup_printf ("{\"request\":[{\"registrationId\":\"%s\"}]}", rid);
  g_autoptr(GBytes) body = g_bytes_new (text, strlen (text));
  g_autofree char *path = g_strdup_printf ("/v1/packets/%s/status", rid);
  g_autoptr(JsonNode) json = NULL;
  JsonArray *statuses;
  JsonObject *entry;

  g_assert_cmpuint (pipeline_test_post (test, "/v1/registration/status", body, &json, NULL), ==, SOUP_STATUS_OK);
  statuses = json_object_get_array_member (json_node_get_object (json), "response");
  g_assert_cmpuint (json_array_get_length (statuses), ==, 1);
  entry = json_array_get_object_element (statuses, 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "registrationId"), ==, rid);
  g_assert_cmpstr (json_object_get_string_member_with_default (entry, "uin", NULL), ==, uin);
  g_assert_cmpint (json_object_has_member (entry, "uin"), ==, uin != NULL);
  g_clear_pointer (&json, json_node_unref);

  g_assert_cmpuint (pipeline_test_call (test, "GET", path, NULL, FALSE, token, &json, NULL), ==, SOUP_STATUS_OK);
  g_assert_false (json_object_has_member (srv_test_get_object (json, "response"), "uin"));
}

static void
wait_for_notification (PipelineTest *test,
                       const char   *rid,
                       const char   *needle)
{
  g_autofree char *path = g_build_filename (test->data_dir, "notifications.jsonl", NULL);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autofree char *contents = NULL;

      if (g_file_get_contents (path, &contents, NULL, NULL) && strstr (contents, rid) != NULL &&
          strstr (contents, needle) != NULL)
        return;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (10000);
    }
}

static void
test_new_registration (void)
{
  PipelineTest *test = pipeline_test_new (NULL, TRUE);
  g_autoptr(GBytes) fingers = abis_test_synthetic_person (0, 1);
  g_autoptr(TestPacket) packet = pipeline_test_make_packet (test, "NEW", "Amina Benali", "1988/03/14", fingers, NULL);
  g_autofree char *state = submit (test, packet, "NEW", NULL);
  g_autofree char *uin = NULL;
  g_autofree char *identity = NULL;
  g_autofree char *status = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (state, ==, "PROCESSED");

  /* The UIN is MOSIP-valid, issued once, and finds the identity. */
  uin = uin_of (test, packet->rid);
  g_assert_true (idem_uin_validate (uin, &error));
  g_assert_no_error (error);
  identity = srv_idrepo_lookup_uin (srv_server_get_idrepo (test->server), uin, &status, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (identity, "Amina Benali"));
  g_assert_cmpstr (status, ==, "ACTIVATED");
  g_assert_nonnull (srv_idrepo_get_biometrics (srv_server_get_idrepo (test->server), uin, &error));

  /* One history row per stage, in order, and the age group. */
  sql = g_strdup_printf ("SELECT group_concat (stage || ':' || outcome, ' ') FROM"
                         " (SELECT stage, outcome FROM packet_history WHERE rid = '%s' ORDER BY id)", packet->rid);
  {
    sqlite3 *db = srv_database_get_handle (srv_server_get_database (test->server));
    sqlite3_stmt *statement = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &statement, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (statement, 0), ==,
                     "validate:PASS centre:PASS operator:PASS classify:PASS demo_dedup:PASS bio_dedup:PASS"
                     " issue_uin:PROCESSED");
    sqlite3_finalize (statement);
  }
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT age_group = 'ADULT' FROM packet WHERE rid = '%s'", packet->rid);
  g_assert_cmpint (pipeline_test_count (test, sql), ==, 1);

  /* The resident is told, once. */
  wait_for_notification (test, packet->rid, uin);
  g_assert_cmpint (pipeline_test_count (test, "SELECT count(*) FROM outbox WHERE status = 'SENT'"), ==, 1);

  /* The ledger took the identity's records. */
  g_assert_cmpint (pipeline_test_count (test, "SELECT count(*) FROM ledger_leaf"), >, 0);

  pipeline_test_free (test);
}

static JsonArray *
adjudication_queue (PipelineTest *test,
                    const char   *token)
{
  g_autoptr(JsonNode) json = NULL;

  g_assert_cmpuint (pipeline_test_call (test, "GET", "/v1/adjudication", NULL, FALSE, token, &json, NULL), ==,
                    SOUP_STATUS_OK);
  return json_array_ref (json_object_get_array_member (json_node_get_object (json), "response"));
}

static guint
decide (PipelineTest  *test,
        const char    *token,
        const char    *rid,
        const char    *decision,
        char         **code)
{
  g_autofree char *path = g_strdup_printf ("/v1/adjudication/%s/decision", rid);
  g_autofree char *text = g_strdup_printf ("{\"request\":{\"decision\":\"%s\"}}", decision);
  g_autoptr(GBytes) body = g_bytes_new (text, strlen (text));

  return pipeline_test_call (test, "POST", path, body, FALSE, token, NULL, code);
}

static void
test_duplicate (void)
{
  PipelineTest *test = pipeline_test_new (NULL, TRUE);
  g_autoptr(GBytes) first_fingers = abis_test_synthetic_person (1, 11);
  g_autoptr(GBytes) same_fingers = abis_test_synthetic_person (1, 12);
  g_autoptr(GBytes) other_fingers = abis_test_synthetic_person (2, 13);
  g_autoptr(TestPacket) first = pipeline_test_make_packet (test, "NEW", "Youssef Idrissi", "1975/06/02",
                                                           first_fingers, NULL);
  g_autoptr(TestPacket) again = pipeline_test_make_packet (test, "NEW", "Karim Tazi", "1979/11/23", same_fingers, NULL);
  g_autoptr(TestPacket) again2 = pipeline_test_make_packet (test, "NEW", "Omar Fassi", "1981/01/09", same_fingers, NULL);
  g_autoptr(TestPacket) other = pipeline_test_make_packet (test, "NEW", "Salma Bennani", "1990/12/30",
                                                           other_fingers, NULL);
  g_autofree char *token = pipeline_test_admin_token (test, "ADJUDICATOR");
  g_autoptr(JsonArray) queue = NULL;
  g_autofree char *state = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *code = NULL;
  JsonObject *entry;
  JsonArray *candidates;

  state = submit (test, first, "NEW", NULL);
  g_assert_cmpstr (state, ==, "PROCESSED");
  g_clear_pointer (&state, g_free);

  /* Another person is not a duplicate. */
  state = submit (test, other, "NEW", NULL);
  g_assert_cmpstr (state, ==, "PROCESSED");
  g_clear_pointer (&state, g_free);

  /* The same fingers under another name wait for a person, with the
   * first registration as the candidate. */
  state = submit (test, again, "NEW", &reason);
  g_assert_cmpstr (state, ==, "ADJUDICATION");
  g_assert_cmpstr (reason, ==, "IDM-PIP-040");
  g_clear_pointer (&state, g_free);

  queue = adjudication_queue (test, token);
  g_assert_cmpuint (json_array_get_length (queue), ==, 1);
  entry = json_array_get_object_element (queue, 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "registrationId"), ==, again->rid);
  candidates = json_object_get_array_member (entry, "candidates");
  g_assert_cmpuint (json_array_get_length (candidates), >=, 1);
  {
    gboolean found = FALSE;

    for (guint i = 0; i < json_array_get_length (candidates); i++)
      {
        JsonObject *candidate = json_array_get_object_element (candidates, i);

        if (g_strcmp0 (json_object_get_string_member (candidate, "kind"), "biometric") == 0)
          {
            g_assert_cmpstr (json_object_get_string_member (candidate, "referenceId"), ==, first->rid);
            found = TRUE;
          }
        g_assert_cmpstr (json_object_get_string_member (candidate, "referenceId"), !=, other->rid);
      }
    g_assert_true (found);
  }

  /* Bad decisions change nothing. */
  g_assert_cmpuint (decide (test, token, again->rid, "MAYBE", &code), ==, SOUP_STATUS_BAD_REQUEST);
  g_assert_cmpstr (code, ==, "IDM-PIP-INVALID");
  g_clear_pointer (&code, g_free);
  g_assert_cmpuint (decide (test, token, first->rid, "DUPLICATE", &code), ==, SOUP_STATUS_CONFLICT);
  g_assert_cmpstr (code, ==, "IDM-PIP-STATE");
  g_clear_pointer (&code, g_free);
  g_assert_cmpuint (decide (test, NULL, again->rid, "DUPLICATE", &code), ==, SOUP_STATUS_UNAUTHORIZED);
  g_clear_pointer (&code, g_free);
  state = pipeline_test_get_state (test, again->rid, NULL);
  g_assert_cmpstr (state, ==, "ADJUDICATION");
  g_clear_pointer (&state, g_free);

  /* A duplicate is rejected and gets no UIN. */
  g_assert_cmpuint (decide (test, token, again->rid, "DUPLICATE", &code), ==, SOUP_STATUS_OK);
  g_clear_pointer (&reason, g_free);
  state = pipeline_test_get_state (test, again->rid, &reason);
  g_assert_cmpstr (state, ==, "REJECTED");
  g_assert_cmpstr (reason, ==, "IDM-PIP-040");
  g_clear_pointer (&state, g_free);
  g_clear_pointer (&reason, g_free);

  /* The rejected duplicate left the ABIS gallery. */
  g_assert_cmpint (srv_abis_reference_count (srv_server_get_abis (test->server), NULL), ==, 2);

  /* A case found not to be a duplicate goes on to a UIN. */
  state = submit (test, again2, "NEW", NULL);
  g_assert_cmpstr (state, ==, "ADJUDICATION");
  g_clear_pointer (&state, g_free);
  g_assert_cmpuint (decide (test, token, again2->rid, "NOT_DUPLICATE", &code), ==, SOUP_STATUS_OK);
  state = pipeline_test_wait (test, again2->rid, "ADJUDICATION", NULL);
  if (g_strcmp0 (state, "PROCESSING") == 0)
    {
      g_free (state);
      state = pipeline_test_wait (test, again2->rid, "PROCESSING", NULL);
    }
  g_assert_cmpstr (state, ==, "PROCESSED");

  g_assert_cmpint (pipeline_test_count (test, "SELECT count(*) FROM uin_pool WHERE status = 'ASSIGNED'"), ==, 3);
  g_assert_cmpint (pipeline_test_count (test, "SELECT count(*) FROM idrepo_identity"), ==, 3);
  g_assert_cmpint (pipeline_test_count (test, "SELECT count(*) FROM audit_event WHERE action = 'adjudication.decide'"),
                   ==, 4);

  pipeline_test_free (test);
}

static void
exec_sql (PipelineTest *test,
          const char   *sql)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (srv_database_exec (srv_server_get_database (test->server), sql, &error));
  g_assert_no_error (error);
}

static void
expect_rejected (PipelineTest *test,
                 TestPacket   *packet,
                 const char   *supervisor_status,
                 const char   *want_state,
                 const char   *want_reason)
{
  g_autofree char *code = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *state = NULL;

  g_assert_cmpuint (pipeline_test_sync (test, packet, "NEW", supervisor_status, &code), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (pipeline_test_upload (test, packet, &code), ==, SOUP_STATUS_OK);
  state = pipeline_test_wait (test, packet->rid, "PROCESSING", &reason);
  g_assert_cmpstr (state, ==, want_state);
  g_assert_cmpstr (reason, ==, want_reason);
}

static void
test_checks (void)
{
  PipelineTest *test = pipeline_test_new (NULL, TRUE);
  g_autoptr(GBytes) fingers = abis_test_synthetic_person (3, 21);
  g_autoptr(TestPacket) refused = pipeline_test_make_packet (test, "NEW", "Nadia Chraibi", "1992/04/18", fingers, NULL);
  g_autoptr(TestPacket) closed = pipeline_test_make_packet (test, "NEW", "Hamza Berrada", "1985/07/07", fingers, NULL);
  g_autoptr(TestPacket) unmapped = pipeline_test_make_packet (test, "NEW", "Ilyas Amrani", "1999/09/19", fingers, NULL);
  g_autoptr(TestPacket) infant = NULL;
  g_autoptr(TestPacket) bad_date = pipeline_test_make_packet (test, "NEW", "Rania Lahlou", "2099/01/01", fingers, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *infant_birth = g_date_time_format (now, "%Y/01/01");
  g_autofree char *sql = NULL;

  expect_rejected (test, refused, "REJECTED", "REJECTED", "IDM-PIP-006");
  expect_rejected (test, bad_date, "APPROVED", "REJECTED", "IDM-PIP-030");

  /* An infant needs an introducer. */
  infant = pipeline_test_make_packet (test, "NEW", "Yasmine Ouali", infant_birth, fingers, NULL);
  expect_rejected (test, infant, "APPROVED", "REJECTED", "IDM-PIP-031");

  /* The operator left the centre before the packet was made. */
  sql = g_strdup_printf ("UPDATE user_centre SET valid_to = %" G_GINT64_FORMAT " WHERE user_id = '"
                         PIPELINE_TEST_OPERATOR "'", g_date_time_to_unix (now) - 3600);
  exec_sql (test, sql);
  expect_rejected (test, unmapped, "APPROVED", "REJECTED", "IDM-PIP-020");
  exec_sql (test, "UPDATE user_centre SET valid_to = NULL");

  /* The centre is closed every day. */
  exec_sql (test, "DELETE FROM centre_working_hours");
  expect_rejected (test, closed, "APPROVED", "REJECTED", "IDM-PIP-013");

  /* A rejected packet can be reprocessed once the cause is fixed. */
  {
    g_autofree char *token = pipeline_test_admin_token (test, "ADMIN");
    g_autofree char *path = g_strdup_printf ("/v1/packets/%s/reprocess", closed->rid);
    g_autofree char *code = NULL;
    g_autofree char *state = NULL;

    exec_sql (test, PIPELINE_TEST_OPEN_ALL_WEEK);
    g_assert_cmpuint (pipeline_test_call (test, "POST", path, NULL, FALSE, NULL, NULL, &code), ==,
                      SOUP_STATUS_UNAUTHORIZED);
    g_clear_pointer (&code, g_free);
    g_assert_cmpuint (pipeline_test_call (test, "POST", path, NULL, FALSE, token, NULL, &code), ==, SOUP_STATUS_OK);
    state = pipeline_test_wait (test, closed->rid, "REJECTED", NULL);
    if (g_strcmp0 (state, "PROCESSING") == 0)
      {
        g_free (state);
        state = pipeline_test_wait (test, closed->rid, "PROCESSING", NULL);
      }
    g_assert_cmpstr (state, ==, "PROCESSED");

    /* A processed packet is never reprocessed. */
    g_assert_cmpuint (pipeline_test_call (test, "POST", path, NULL, FALSE, token, NULL, &code), ==,
                      SOUP_STATUS_CONFLICT);
    g_assert_cmpstr (code, ==, "IDM-PIP-STATE");
  }

  g_assert_cmpint (pipeline_test_count (test, "SELECT count(*) FROM uin_pool WHERE status = 'ASSIGNED'"), ==, 1);

  pipeline_test_free (test);
}

static void
test_update_and_lost (void)
{
  PipelineTest *test = pipeline_test_new (NULL, TRUE);
  g_autoptr(GBytes) enrolled = abis_test_synthetic_person (4, 31);
  g_autoptr(GBytes) same = abis_test_synthetic_person (4, 32);
  g_autoptr(GBytes) stranger = abis_test_synthetic_person (5, 33);
  g_autoptr(TestPacket) first = pipeline_test_make_packet (test, "NEW", "Leila Mansouri", "1970/02/20", enrolled, NULL);
  g_autoptr(TestPacket) update = NULL;
  g_autoptr(TestPacket) impostor = NULL;
  g_autoptr(TestPacket) lost = NULL;
  g_autoptr(TestPacket) unknown = NULL;
  g_autofree char *state = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *uin = NULL;
  g_autofree char *identity = NULL;
  g_autofree char *status = NULL;
  g_autofree char *token = pipeline_test_admin_token (test, "ADMIN");
  g_autoptr(GError) error = NULL;

  state = submit (test, first, "NEW", NULL);
  g_assert_cmpstr (state, ==, "PROCESSED");
  g_clear_pointer (&state, g_free);
  uin = uin_of (test, first->rid);
  expect_status_uin (test, token, first->rid, uin);

  /* An update with the resident's fingers changes the name. */
  update = pipeline_test_make_packet (test, "UPDATE", "Leila Mansouri El Alami", NULL, same, uin);
  state = submit (test, update, "UPDATE", &reason);
  g_assert_cmpstr (reason, ==, NULL);
  g_assert_cmpstr (state, ==, "PROCESSED");
  g_clear_pointer (&state, g_free);
  identity = srv_idrepo_lookup_uin (srv_server_get_idrepo (test->server), uin, &status, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (identity, "Leila Mansouri El Alami"));
  g_assert_nonnull (strstr (identity, "1970/02/20"));
  expect_status_uin (test, token, update->rid, uin);

  /* Someone else's fingers cannot change it. */
  impostor = pipeline_test_make_packet (test, "UPDATE", "Someone Else", NULL, stranger, uin);
  g_clear_pointer (&reason, g_free);
  state = submit (test, impostor, "UPDATE", &reason);
  g_assert_cmpstr (state, ==, "REJECTED");
  g_assert_cmpstr (reason, ==, "IDM-PIP-041");
  g_clear_pointer (&state, g_free);
  expect_status_uin (test, token, impostor->rid, NULL);

  /* A lost UIN is found by the fingers, and told to the resident. */
  lost = pipeline_test_make_packet (test, "LOST", NULL, NULL, same, NULL);
  state = submit (test, lost, "LOST", NULL);
  g_assert_cmpstr (state, ==, "PROCESSED");
  g_clear_pointer (&state, g_free);
  wait_for_notification (test, lost->rid, uin);
  expect_status_uin (test, token, lost->rid, uin);

  unknown = pipeline_test_make_packet (test, "LOST", NULL, NULL, stranger, NULL);
  g_clear_pointer (&reason, g_free);
  state = submit (test, unknown, "LOST", &reason);
  g_assert_cmpstr (state, ==, "REJECTED");
  g_assert_cmpstr (reason, ==, "IDM-PIP-042");
  expect_status_uin (test, token, unknown->rid, NULL);

  /* Nothing but the first registration issued a UIN. */
  g_assert_cmpint (pipeline_test_count (test, "SELECT count(*) FROM uin_pool WHERE status = 'ASSIGNED'"), ==, 1);

  pipeline_test_free (test);
}

static GBytes *
bytes_of (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

static void
test_pause_and_reject (void)
{
  /* No workers: the packets stay where intake put them. */
  PipelineTest *test = pipeline_test_new ("[pipeline]\nworkers=1\nbiometric-matching=false\n", TRUE);
  g_autoptr(TestPacket) packet = pipeline_test_make_packet (test, "NEW", "Mehdi Kettani", "1966/10/10", NULL, NULL);
  g_autofree char *token = pipeline_test_admin_token (test, "ADMIN");
  g_autofree char *pause = g_strdup_printf ("/v1/packets/%s/pause", packet->rid);
  g_autofree char *resume = g_strdup_printf ("/v1/packets/%s/resume", packet->rid);
  g_autofree char *reject = g_strdup_printf ("/v1/packets/%s/reject", packet->rid);
  g_autofree char *code = NULL;
  g_autofree char *state = NULL;
  g_autofree char *reason = NULL;
  g_autoptr(GBytes) bad_reason = bytes_of ("{\"request\":{\"reasonCode\":\"no spaces allowed\"}}");
  g_autoptr(GBytes) not_json = bytes_of ("{\"request\":");
  g_autoptr(GBytes) good_reason = bytes_of ("{\"request\":{\"reasonCode\":\"FRAUD-1\"}}");

  srv_pipeline_stop (srv_server_get_pipeline (test->server));
  g_assert_cmpuint (pipeline_test_sync (test, packet, "NEW", "APPROVED", &code), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (pipeline_test_upload (test, packet, &code), ==, SOUP_STATUS_OK);

  g_assert_cmpuint (pipeline_test_call (test, "POST", "/v1/packets/10001100770000120260101000000/pause", NULL, FALSE,
                                        token, NULL, &code), ==, SOUP_STATUS_NOT_FOUND);
  g_assert_cmpstr (code, ==, "IDM-PIP-NOT-FOUND");
  g_clear_pointer (&code, g_free);
  g_assert_cmpuint (pipeline_test_call (test, "POST", resume, NULL, FALSE, token, NULL, &code), ==,
                    SOUP_STATUS_CONFLICT);
  g_clear_pointer (&code, g_free);
  g_assert_cmpuint (pipeline_test_call (test, "POST", pause, NULL, FALSE, token, NULL, &code), ==, SOUP_STATUS_OK);
  g_assert_cmpint (pipeline_test_count (test, "SELECT paused FROM packet"), ==, 1);
  g_assert_cmpuint (pipeline_test_call (test, "POST", pause, NULL, FALSE, token, NULL, &code), ==,
                    SOUP_STATUS_CONFLICT);
  g_clear_pointer (&code, g_free);
  g_assert_cmpuint (pipeline_test_call (test, "POST", resume, NULL, FALSE, token, NULL, &code), ==, SOUP_STATUS_OK);
  g_assert_cmpint (pipeline_test_count (test, "SELECT paused FROM packet"), ==, 0);

  g_assert_cmpuint (pipeline_test_call (test, "POST", reject, bad_reason, FALSE, token, NULL, &code), ==,
                    SOUP_STATUS_BAD_REQUEST);
  g_assert_cmpstr (code, ==, "IDM-PIP-INVALID");
  g_clear_pointer (&code, g_free);
  g_assert_cmpuint (pipeline_test_call (test, "POST", reject, not_json, FALSE, token, NULL, &code), ==,
                    SOUP_STATUS_BAD_REQUEST);
  g_assert_cmpstr (code, ==, "IDM-PIP-JSON");
  g_clear_pointer (&code, g_free);
  state = pipeline_test_get_state (test, packet->rid, NULL);
  g_assert_cmpstr (state, ==, "PROCESSING");
  g_clear_pointer (&state, g_free);

  g_assert_cmpuint (pipeline_test_call (test, "POST", reject, good_reason, FALSE, token, NULL, &code), ==,
                    SOUP_STATUS_OK);
  state = pipeline_test_get_state (test, packet->rid, &reason);
  g_assert_cmpstr (state, ==, "REJECTED");
  g_assert_cmpstr (reason, ==, "FRAUD-1");

  pipeline_test_free (test);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pipeline/new-registration", test_new_registration);
  g_test_add_func ("/pipeline/duplicate", test_duplicate);
  g_test_add_func ("/pipeline/checks", test_checks);
  g_test_add_func ("/pipeline/update-and-lost", test_update_and_lost);
  g_test_add_func ("/pipeline/pause-and-reject", test_pause_and_reject);

  status = g_test_run ();
  pipeline_test_cleanup ();
  srv_test_cleanup ();
  return status;
}
