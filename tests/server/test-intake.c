/* test-intake.c — RID sync, upload and status: what is accepted, and every
 * refusal with its code, leaving nothing behind
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A server in this process with its pipeline stopped, so packets stay
 * where intake leaves them; requests are signed by a registered machine
 * as the registration client signs them.
 */

#include "config.h"

#include "test-abis-support.h"
#include "test-pipeline-util.h"

#include <string.h>

static GBytes *
bytes_of (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

static PipelineTest *
new_test (void)
{
  PipelineTest *test = pipeline_test_new ("[pipeline]\nworkers=1\nbiometric-matching=false\n", TRUE);

  srv_pipeline_stop (srv_server_get_pipeline (test->server));
  return test;
}

static TestPacket *
new_packet (PipelineTest *test)
{
  g_autoptr(GBytes) record = g_bytes_new_static ("no image", 8);
  AbisTestBir bir = { IDEM_BIOMETRIC_TYPE_FINGER, "Right IndexFinger", record };
  g_autoptr(GBytes) cbeff = abis_test_cbeff_new (&bir, 1);

  return pipeline_test_make_packet (test, "NEW", "Amina Benali", "1988/03/14", cbeff, NULL);
}

static void
expect_sync (PipelineTest *test,
             const char   *body,
             guint         status,
             const char   *code)
{
  g_autoptr(GBytes) bytes = bytes_of (body);
  g_autofree char *got = NULL;

  g_assert_cmpuint (pipeline_test_post (test, "/v1/registration/sync", bytes, NULL, &got), ==, status);
  g_assert_cmpstr (got, ==, code);
  g_assert_cmpint (pipeline_test_count (test, "SELECT count(*) FROM packet"), ==, 0);
}

static char *
entry (const char *rid,
       const char *hash,
       const char *size,
       const char *status,
       const char *type)
{
  return g_strdup_printf ("{\"registrationId\":\"%s\",\"packetHashValue\":%s,\"packetSize\":%s,"
                          "\"supervisorStatus\":\"%s\",\"supervisorComment\":\"ok\",\"registrationType\":\"%s\"}",
                          rid, hash, size, status, type);
}

static void
test_sync_bad_input (void)
{
  PipelineTest *test = new_test ();
  g_autofree char *rid = pipeline_test_next_rid (test);
  g_autofree char *hash = g_strdup_printf ("\"%s\"", "0F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C4B5A69788796A5B4C3D2E1F0");
  g_autofree char *good = entry (rid, hash, "1000", "APPROVED", "NEW");
  g_autofree char *body = NULL;
  g_autofree char *other_rid = NULL;
  g_autofree char *code = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;

  expect_sync (test, "{\"request\":", SOUP_STATUS_BAD_REQUEST, "IDM-INT-JSON");
  expect_sync (test, "{\"id\":\"x\"}", SOUP_STATUS_BAD_REQUEST, "IDM-INT-MISSING");
  expect_sync (test, "{\"request\":{}}", SOUP_STATUS_BAD_REQUEST, "IDM-INT-TYPE");
  expect_sync (test, "{\"request\":[42]}", SOUP_STATUS_BAD_REQUEST, "IDM-INT-TYPE");

  body = g_strdup_printf ("{\"request\":[{\"registrationId\":\"%s\",\"packetSize\":1,\"supervisorStatus\":\"APPROVED\","
                          "\"registrationType\":\"NEW\"}]}", rid);
  expect_sync (test, body, SOUP_STATUS_BAD_REQUEST, "IDM-INT-MISSING");
  g_free (body);

  {
    g_autofree char *e = entry (rid, hash, "\"1000\"", "APPROVED", "NEW");

    body = g_strdup_printf ("{\"request\":[%s]}", e);
    expect_sync (test, body, SOUP_STATUS_BAD_REQUEST, "IDM-INT-TYPE");
    g_free (body);
  }
  {
    g_autofree char *e = entry (rid, "\"not hex\"", "1000", "APPROVED", "NEW");

    body = g_strdup_printf ("{\"request\":[%s]}", e);
    expect_sync (test, body, SOUP_STATUS_BAD_REQUEST, "IDM-INT-INVALID");
    g_free (body);
  }
  {
    g_autofree char *e = entry (rid, hash, "1000", "MAYBE", "NEW");

    body = g_strdup_printf ("{\"request\":[%s]}", e);
    expect_sync (test, body, SOUP_STATUS_BAD_REQUEST, "IDM-INT-INVALID");
    g_free (body);
  }
  {
    g_autofree char *e = entry (rid, hash, "1000000000000", "APPROVED", "NEW");

    body = g_strdup_printf ("{\"request\":[%s]}", e);
    expect_sync (test, body, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "IDM-INT-TOO-LARGE");
    g_free (body);
  }

  /* A machine declares only its own RIDs. */
  other_rid = idem_rid_build (PIPELINE_TEST_CENTRE, "10078", 1, now, &error);
  g_assert_no_error (error);
  {
    g_autofree char *e = entry (other_rid, hash, "1000", "APPROVED", "NEW");

    body = g_strdup_printf ("{\"request\":[%s]}", e);
    expect_sync (test, body, SOUP_STATUS_BAD_REQUEST, "IDM-INT-RID");
    g_free (body);
  }

  /* One bad entry refuses the whole sync. */
  {
    g_autofree char *e = entry (other_rid, hash, "1000", "APPROVED", "NEW");

    body = g_strdup_printf ("{\"request\":[%s,%s]}", good, e);
    expect_sync (test, body, SOUP_STATUS_BAD_REQUEST, "IDM-INT-RID");
    g_free (body);
  }

  /* Unsigned. */
  {
    g_autoptr(GBytes) bytes = NULL;

    body = g_strdup_printf ("{\"request\":[%s]}", good);
    bytes = bytes_of (body);
    g_assert_cmpuint (pipeline_test_call (test, "POST", "/v1/registration/sync", bytes, FALSE, NULL, NULL, &code), ==,
                      SOUP_STATUS_UNAUTHORIZED);
    g_assert_cmpstr (code, ==, "IDM-MAC-401");
    g_clear_pointer (&code, g_free);
    g_assert_cmpint (pipeline_test_count (test, "SELECT count(*) FROM packet"), ==, 0);
  }

  /* Oversize, refused from its length. */
  {
    g_autofree char *big = g_malloc (2 * 1024 * 1024 + 1);

    memset (big, ' ', 2 * 1024 * 1024);
    big[2 * 1024 * 1024] = '\0';
    expect_sync (test, big, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "IDM-INT-TOO-LARGE");
  }

  /* Declared once; again the same is fine; again different is a conflict. */
  {
    g_autoptr(GBytes) bytes = NULL;
    g_autofree char *other_hash = g_strdup_printf ("\"%s\"",
                                                   "1F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C4B5A69788796A5B4C3D2E1F0");
    g_autofree char *changed = entry (rid, other_hash, "1000", "APPROVED", "NEW");

    g_free (body);
    body = g_strdup_printf ("{\"request\":[%s]}", good);
    bytes = bytes_of (body);
    g_assert_cmpuint (pipeline_test_post (test, "/v1/registration/sync", bytes, NULL, &code), ==, SOUP_STATUS_OK);
    g_assert_cmpuint (pipeline_test_post (test, "/v1/registration/sync", bytes, NULL, &code), ==, SOUP_STATUS_OK);
    g_clear_pointer (&bytes, g_bytes_unref);
    g_free (body);
    body = g_strdup_printf ("{\"request\":[%s]}", changed);
    bytes = bytes_of (body);
    g_assert_cmpuint (pipeline_test_post (test, "/v1/registration/sync", bytes, NULL, &code), ==,
                      SOUP_STATUS_CONFLICT);
    g_assert_cmpstr (code, ==, "IDM-INT-CONFLICT");
    g_assert_cmpint (pipeline_test_count (test, "SELECT count(*) FROM packet WHERE declared_hash LIKE '0F1E%'"), ==, 1);
    g_assert_cmpint (pipeline_test_count (test, "SELECT count(*) FROM packet"), ==, 1);
  }

  g_assert_cmpint (pipeline_test_count (test, "SELECT count(*) FROM audit_event WHERE action = 'registration.sync'"
                                        " AND outcome = 'failure'"), >=, 10);

  pipeline_test_free (test);
}

static guint
upload_bytes (PipelineTest  *test,
              const char    *rid,
              GBytes        *body,
              char         **code)
{
  g_autofree char *path = g_strconcat ("/v1/registration/packets/", rid, NULL);

  return pipeline_test_post (test, path, body, NULL, code);
}

static gboolean
packet_file_exists (PipelineTest *test,
                    const char   *rid)
{
  g_autofree char *name = g_strconcat (rid, ".zip", NULL);
  g_autofree char *path = g_build_filename (test->data_dir, "packets", name, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static void
test_upload (void)
{
  PipelineTest *test = new_test ();
  g_autoptr(TestPacket) packet = new_packet (test);
  g_autoptr(TestPacket) undeclared = new_packet (test);
  gsize size = g_bytes_get_size (packet->sealed);
  g_autoptr(GBytes) shorter = g_bytes_new_from_bytes (packet->sealed, 0, size - 1);
  g_autoptr(GBytes) longer = NULL;
  g_autoptr(GBytes) altered = NULL;
  g_autofree char *code = NULL;
  g_autofree char *state = NULL;

  {
    guint8 *copy = g_malloc0 (size + 10);

    memcpy (copy, g_bytes_get_data (packet->sealed, NULL), size);
    longer = g_bytes_new_take (copy, size + 10);
    copy = g_memdup2 (g_bytes_get_data (packet->sealed, NULL), size);
    copy[size / 2] ^= 0x01;
    altered = g_bytes_new_take (copy, size);
  }

  g_assert_cmpuint (pipeline_test_upload (test, undeclared, &code), ==, SOUP_STATUS_NOT_FOUND);
  g_assert_cmpstr (code, ==, "IDM-INT-NOT-DECLARED");
  g_clear_pointer (&code, g_free);

  g_assert_cmpuint (pipeline_test_sync (test, packet, "NEW", "APPROVED", &code), ==, SOUP_STATUS_OK);

  g_assert_cmpuint (upload_bytes (test, packet->rid, shorter, &code), ==, SOUP_STATUS_BAD_REQUEST);
  g_assert_cmpstr (code, ==, "IDM-INT-SIZE");
  g_clear_pointer (&code, g_free);
  g_assert_cmpuint (upload_bytes (test, packet->rid, longer, &code), ==, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE);
  g_assert_cmpstr (code, ==, "IDM-INT-TOO-LARGE");
  g_clear_pointer (&code, g_free);
  g_assert_cmpuint (upload_bytes (test, packet->rid, altered, &code), ==, SOUP_STATUS_BAD_REQUEST);
  g_assert_cmpstr (code, ==, "IDM-INT-HASH");
  g_clear_pointer (&code, g_free);
  g_assert_cmpuint (pipeline_test_call (test, "POST", "/v1/registration/packets/x", packet->sealed, FALSE, NULL, NULL,
                                        &code), ==, SOUP_STATUS_UNAUTHORIZED);
  g_clear_pointer (&code, g_free);

  /* None of that stored anything. */
  state = pipeline_test_get_state (test, packet->rid, NULL);
  g_assert_cmpstr (state, ==, "DECLARED");
  g_clear_pointer (&state, g_free);
  g_assert_false (packet_file_exists (test, packet->rid));

  /* The packet itself is stored, byte for byte, and queued. */
  g_assert_cmpuint (pipeline_test_upload (test, packet, &code), ==, SOUP_STATUS_OK);
  g_assert_null (code);
  g_assert_true (packet_file_exists (test, packet->rid));
  {
    g_autofree char *name = g_strconcat (packet->rid, ".zip", NULL);
    g_autofree char *path = g_build_filename (test->data_dir, "packets", name, NULL);
    g_autofree char *contents = NULL;
    gsize length = 0;

    g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
    g_assert_cmpmem (contents, length, g_bytes_get_data (packet->sealed, NULL), size);
  }
  state = pipeline_test_get_state (test, packet->rid, NULL);
  g_assert_cmpstr (state, ==, "PROCESSING");

  /* Again: the same answer; other content: a conflict. */
  g_assert_cmpuint (pipeline_test_upload (test, packet, &code), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (upload_bytes (test, packet->rid, altered, &code), ==, SOUP_STATUS_CONFLICT);
  g_assert_cmpstr (code, ==, "IDM-INT-CONFLICT");

  g_assert_cmpint (pipeline_test_count (test, "SELECT count(*) FROM audit_event WHERE action = 'registration.upload'"
                                        " AND outcome = 'success'"), ==, 2);

  pipeline_test_free (test);
}

static void
test_status (void)
{
  PipelineTest *test = new_test ();
  g_autoptr(TestPacket) packet = new_packet (test);
  g_autoptr(TestPacket) declared = new_packet (test);
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *text = NULL;
  g_autofree char *code = NULL;
  g_autofree char *token = NULL;
  g_autofree char *path = NULL;
  JsonArray *statuses;
  JsonArray *errors;

  g_assert_cmpuint (pipeline_test_sync (test, packet, "NEW", "APPROVED", &code), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (pipeline_test_upload (test, packet, &code), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (pipeline_test_sync (test, declared, "NEW", "APPROVED", &code), ==, SOUP_STATUS_OK);

  text = g_strdup_printf ("{\"request\":[{\"registrationId\":\"%s\"},{\"registrationId\":\"%s\"},"
                          "{\"registrationId\":\"10001100770999920260101000000\"}]}", packet->rid, declared->rid);
  body = bytes_of (text);
  g_assert_cmpuint (pipeline_test_post (test, "/v1/registration/status", body, &json, &code), ==, SOUP_STATUS_OK);
  g_assert_cmpstr (code, ==, "IDM-INT-NOT-FOUND");
  statuses = json_object_get_array_member (json_node_get_object (json), "response");
  g_assert_cmpuint (json_array_get_length (statuses), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (statuses, 0), "statusCode"), ==,
                   "RECEIVED");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (statuses, 1), "statusCode"), ==,
                   "RESEND");
  errors = json_object_get_array_member (json_node_get_object (json), "errors");
  g_assert_cmpuint (json_array_get_length (errors), ==, 1);
  g_clear_pointer (&code, g_free);
  g_clear_pointer (&json, json_node_unref);

  /* Administrators see the state and the history; others nothing. */
  path = g_strdup_printf ("/v1/packets/%s/status", packet->rid);
  g_assert_cmpuint (pipeline_test_call (test, "GET", path, NULL, FALSE, NULL, NULL, &code), ==,
                    SOUP_STATUS_UNAUTHORIZED);
  g_assert_cmpstr (code, ==, "IDM-AUT-401");
  g_clear_pointer (&code, g_free);
  token = pipeline_test_admin_token (test, "ADMIN");
  g_assert_cmpuint (pipeline_test_call (test, "GET", path, NULL, FALSE, token, &json, &code), ==, SOUP_STATUS_OK);
  g_assert_cmpstr (json_object_get_string_member (srv_test_get_object (json, "response"), "state"), ==, "PROCESSING");
  g_assert_cmpstr (json_object_get_string_member (srv_test_get_object (json, "response"), "stage"), ==, "validate");
  g_clear_pointer (&json, json_node_unref);
  g_assert_cmpuint (pipeline_test_call (test, "GET", "/v1/packets/10001100770999920260101000000/status", NULL, FALSE,
                                        token, NULL, &code), ==, SOUP_STATUS_NOT_FOUND);
  g_assert_cmpstr (code, ==, "IDM-INT-NOT-FOUND");

  pipeline_test_free (test);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/intake/sync-bad-input", test_sync_bad_input);
  g_test_add_func ("/intake/upload", test_upload);
  g_test_add_func ("/intake/status", test_status);

  status = g_test_run ();
  pipeline_test_cleanup ();
  srv_test_cleanup ();
  return status;
}
