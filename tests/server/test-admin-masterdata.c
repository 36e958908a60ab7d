/* test-admin-masterdata.c — master data, applicant-valid documents and published documents
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include "test-admin-util.h"

#include "idem.h"

static void
test_masterdata (AdminFixture  *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(SrvTestResponse) category = NULL;
  g_autoptr(SrvTestResponse) type = NULL;
  g_autoptr(SrvTestResponse) word = NULL;
  g_autoptr(SrvTestResponse) updated = NULL;
  g_autoptr(SrvTestResponse) list = NULL;
  g_autoptr(SrvTestResponse) types = NULL;
  g_autoptr(SrvTestResponse) rule = NULL;
  g_autoptr(SrvTestResponse) rules = NULL;
  g_autoptr(SrvTestResponse) got = NULL;
  JsonObject *object;
  gint64 clock;

  admin_fixture_start_admin (fixture);
  clock = admin_sync_clock (fixture);

  object = admin_expect (fixture, &category, "POST", "/v1/admin/masterdata/documentCategory",
                         "{\"request\": {\"code\": \"POI\", \"names\": {\"eng\": \"Proof of identity\", \"fra\": \"Preuve d’identité\","
                         " \"ara\": \"إثبات الهوية\"}}}", SOUP_STATUS_CREATED);
  g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, "documentCategory");
  g_assert_cmpint (json_object_get_int_member (object, "version"), ==, clock + 1);

  object = admin_expect (fixture, &type, "POST", "/v1/admin/masterdata/documentType",
                         "{\"request\": {\"code\": \"PASSPORT\", \"names\": {\"eng\": \"Passport\"}, \"attributes\": {\"category\": \"POI\"}}}",
                         SOUP_STATUS_CREATED);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "attributes"), "category"), ==, "POI");

  /* A blocklisted word is its own code, in any script. */
  object = admin_expect (fixture, &word, "POST", "/v1/admin/masterdata/blocklistedWord",
                         "{\"request\": {\"code\": \"كلمة\", \"names\": {\"ara\": \"كلمة\"}}}", SOUP_STATUS_CREATED);
  object = admin_expect (fixture, &got, "GET", "/v1/admin/masterdata/blocklistedWord/%D9%83%D9%84%D9%85%D8%A9", NULL, SOUP_STATUS_OK);
  g_assert_cmpstr (json_object_get_string_member (object, "code"), ==, "كلمة");

  object = admin_expect (fixture, &updated, "PUT", "/v1/admin/masterdata/documentType/PASSPORT",
                         "{\"request\": {\"active\": false}}", SOUP_STATUS_OK);
  g_assert_false (json_object_get_boolean_member (object, "active"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "names"), "eng"), ==, "Passport");
  g_assert_cmpint (json_object_get_int_member (object, "version"), ==, clock + 4);

  object = admin_expect (fixture, &list, "GET", "/v1/admin/masterdata/documentType", NULL, SOUP_STATUS_OK);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "items")), ==, 1);

  object = admin_expect (fixture, &types, "GET", "/v1/admin/masterdata", NULL, SOUP_STATUS_OK);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "items")), >=, 9);

  /* An inactive document type is no valid document for anyone. */
  admin_assert_refused (fixture, "PUT", "/v1/admin/applicant-valid-documents",
                        "{\"request\": {\"applicantType\": \"ADULT\", \"documentCategory\": \"POI\", \"documentType\": \"PASSPORT\"}}",
                        SOUP_STATUS_BAD_REQUEST, "IDM-ADM-REFERENCE", "SELECT count(*) FROM applicant_valid_document");
  g_clear_pointer (&updated, srv_test_response_free);
  admin_expect (fixture, &updated, "PUT", "/v1/admin/masterdata/documentType/PASSPORT",
                "{\"request\": {\"active\": true}}", SOUP_STATUS_OK);
  object = admin_expect (fixture, &rule, "PUT", "/v1/admin/applicant-valid-documents",
                         "{\"request\": {\"applicantType\": \"ADULT\", \"documentCategory\": \"POI\", \"documentType\": \"PASSPORT\"}}",
                         SOUP_STATUS_OK);
  g_assert_true (json_object_get_boolean_member (object, "active"));
  g_assert_cmpint (json_object_get_int_member (object, "version"), ==, admin_sync_clock (fixture));
  object = admin_expect (fixture, &rules, "GET", "/v1/admin/applicant-valid-documents", NULL, SOUP_STATUS_OK);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "items")), ==, 1);
}

static void
test_masterdata_bad_input (AdminFixture  *fixture,
                           gconstpointer  user_data)
{
  const char *count = "SELECT count(*) FROM master_data";
  g_autoptr(SrvTestResponse) category = NULL;

  admin_fixture_start_admin (fixture);
  admin_expect (fixture, &category, "POST", "/v1/admin/masterdata/gender",
                "{\"request\": {\"code\": \"FLE\", \"names\": {\"eng\": \"Female\"}}}", SOUP_STATUS_CREATED);

  admin_assert_refused (fixture, "POST", "/v1/admin/masterdata/planet", "{\"request\": {\"code\": \"X\", \"names\": {\"eng\": \"X\"}}}",
                        SOUP_STATUS_NOT_FOUND, "IDM-ADM-NOT-FOUND", count);
  admin_assert_refused (fixture, "GET", "/v1/admin/masterdata/planet", NULL, SOUP_STATUS_NOT_FOUND, "IDM-ADM-NOT-FOUND", count);
  admin_assert_refused (fixture, "POST", "/v1/admin/masterdata/gender", "{\"request\": {\"code\": \"FLE\", \"names\": {\"eng\": \"Female\"}}}",
                        SOUP_STATUS_CONFLICT, "IDM-ADM-EXISTS", count);
  admin_assert_refused (fixture, "POST", "/v1/admin/masterdata/gender", "{\"request\": {\"code\": \"a/b\", \"names\": {\"eng\": \"X\"}}}",
                        SOUP_STATUS_BAD_REQUEST, "IDM-ADM-INVALID", count);
  admin_assert_refused (fixture, "POST", "/v1/admin/masterdata/gender", "{\"request\": {\"code\": \"MLE\", \"names\": {}}}",
                        SOUP_STATUS_BAD_REQUEST, "IDM-ADM-INVALID", count);
  admin_assert_refused (fixture, "POST", "/v1/admin/masterdata/gender", "{\"request\": {\"code\": \"MLE\", \"names\": {\"eng\": 1}}}",
                        SOUP_STATUS_BAD_REQUEST, "IDM-ADM-TYPE", count);
  admin_assert_refused (fixture, "POST", "/v1/admin/masterdata/gender", "{\"request\": {\"code\": \"MLE\", \"names\": [\"Male\"]}}",
                        SOUP_STATUS_BAD_REQUEST, "IDM-ADM-TYPE", count);
  admin_assert_refused (fixture, "POST", "/v1/admin/masterdata/gender", "{\"request\": {\"code\": \"MLE\"}}",
                        SOUP_STATUS_BAD_REQUEST, "IDM-ADM-MISSING", count);
  admin_assert_refused (fixture, "POST", "/v1/admin/masterdata/gender", "{\"request\": {\"code\": \"MLE\", \"names\": {\"eng\": \"Male\"}, \"attributes\": 3}}",
                        SOUP_STATUS_BAD_REQUEST, "IDM-ADM-TYPE", count);
  /* A document type in a category that does not exist. */
  admin_assert_refused (fixture, "POST", "/v1/admin/masterdata/documentType",
                        "{\"request\": {\"code\": \"ID\", \"names\": {\"eng\": \"ID card\"}, \"attributes\": {\"category\": \"NOPE\"}}}",
                        SOUP_STATUS_BAD_REQUEST, "IDM-ADM-REFERENCE", count);
  admin_assert_refused (fixture, "POST", "/v1/admin/masterdata/documentType",
                        "{\"request\": {\"code\": \"ID\", \"names\": {\"eng\": \"ID card\"}}}",
                        SOUP_STATUS_BAD_REQUEST, "IDM-ADM-REFERENCE", count);
  admin_assert_refused (fixture, "PUT", "/v1/admin/masterdata/gender/NOPE", "{\"request\": {\"active\": false}}",
                        SOUP_STATUS_NOT_FOUND, "IDM-ADM-NOT-FOUND", count);
  admin_assert_refused (fixture, "PUT", "/v1/admin/masterdata/gender/FLE", "{\"request\": {\"active\": \"no\"}}",
                        SOUP_STATUS_BAD_REQUEST, "IDM-ADM-TYPE", "SELECT count(*) FROM master_data WHERE active");
}

static char *
read_default (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("IDEM_SOURCE_DIR"), "data", "schema", name, NULL);
  g_autofree char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return g_strdup_printf ("{\"request\": {\"content\": %s}}", contents);
}

static void
test_documents (AdminFixture  *fixture,
                gconstpointer  user_data)
{
  g_autofree char *schema = read_default ("id-schema.json");
  g_autofree char *spec = read_default ("ui-spec.json");
  g_autoptr(SrvTestResponse) first = NULL;
  g_autoptr(SrvTestResponse) second = NULL;
  g_autoptr(SrvTestResponse) ui = NULL;
  g_autoptr(SrvTestResponse) list = NULL;
  g_autoptr(SrvTestResponse) latest = NULL;
  g_autoptr(SrvTestResponse) one = NULL;
  const char *count = "SELECT count(*) FROM published_document";
  JsonObject *object;

  admin_fixture_start_admin (fixture);

  /* No UI spec before the schema it fills. */
  admin_assert_refused (fixture, "POST", "/v1/admin/documents/ui-spec", spec, SOUP_STATUS_BAD_REQUEST, "IDM-ADM-DOCUMENT", count);

  object = admin_expect (fixture, &first, "POST", "/v1/admin/documents/id-schema", schema, SOUP_STATUS_CREATED);
  g_assert_cmpint (json_object_get_int_member (object, "version"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (object, "syncVersion"), ==, admin_sync_clock (fixture));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "content"), "title"), ==, "Idem identity");
  object = admin_expect (fixture, &second, "POST", "/v1/admin/documents/id-schema", schema, SOUP_STATUS_CREATED);
  g_assert_cmpint (json_object_get_int_member (object, "version"), ==, 2);
  object = admin_expect (fixture, &ui, "POST", "/v1/admin/documents/ui-spec", spec, SOUP_STATUS_CREATED);
  g_assert_cmpint (json_object_get_int_member (object, "version"), ==, 1);

  object = admin_expect (fixture, &list, "GET", "/v1/admin/documents/id-schema", NULL, SOUP_STATUS_OK);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "items")), ==, 2);
  g_assert_false (json_object_has_member (json_array_get_object_element (json_object_get_array_member (object, "items"), 0), "content"));
  object = admin_expect (fixture, &latest, "GET", "/v1/admin/documents/id-schema/latest", NULL, SOUP_STATUS_OK);
  g_assert_cmpint (json_object_get_int_member (object, "version"), ==, 2);
  object = admin_expect (fixture, &one, "GET", "/v1/admin/documents/ui-spec/1", NULL, SOUP_STATUS_OK);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_object_get_object_member (object, "content"), "screens")),
                    >, 0);

  g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM audit_event WHERE action = 'document.publish' AND outcome = 'success'"
                                    " AND object = 'id-schema/2' AND length(detail) = 64"), ==, 1);
}

static void
test_documents_bad_input (AdminFixture  *fixture,
                          gconstpointer  user_data)
{
  const char *count = "SELECT count(*) FROM published_document";
  g_autofree char *schema = read_default ("id-schema.json");
  g_autoptr(SrvTestResponse) first = NULL;

  admin_fixture_start_admin (fixture);
  admin_assert_refused (fixture, "POST", "/v1/admin/documents/id-schema",
                        "{\"request\": {\"content\": {\"type\": \"object\", \"properties\": 5}}}",
                        SOUP_STATUS_BAD_REQUEST, "IDM-ADM-DOCUMENT", count);
  admin_assert_refused (fixture, "POST", "/v1/admin/documents/id-schema", "{\"request\": {\"content\": \"a schema\"}}",
                        SOUP_STATUS_BAD_REQUEST, "IDM-ADM-TYPE", count);
  admin_assert_refused (fixture, "POST", "/v1/admin/documents/id-schema", "{\"request\": {}}",
                        SOUP_STATUS_BAD_REQUEST, "IDM-ADM-MISSING", count);
  admin_assert_refused (fixture, "POST", "/v1/admin/documents/recipe", schema, SOUP_STATUS_NOT_FOUND, "IDM-ADM-NOT-FOUND", count);

  /* A UI spec capturing a field the schema does not have. */
  admin_expect (fixture, &first, "POST", "/v1/admin/documents/id-schema", schema, SOUP_STATUS_CREATED);
  admin_assert_refused (fixture, "POST", "/v1/admin/documents/ui-spec",
                        "{\"request\": {\"content\": {\"idSchemaVersion\": 0.1, \"screens\": [{\"order\": 1, \"name\": \"S\","
                        " \"label\": {\"eng\": \"S\"}, \"fields\": [{\"id\": \"favouriteColour\", \"controlType\": \"textbox\","
                        " \"label\": {\"eng\": \"Colour\"}}]}]}}}",
                        SOUP_STATUS_BAD_REQUEST, "IDM-ADM-DOCUMENT", count);
  admin_assert_refused (fixture, "GET", "/v1/admin/documents/id-schema/7", NULL, SOUP_STATUS_NOT_FOUND, "IDM-ADM-NOT-FOUND", count);
  admin_assert_refused (fixture, "GET", "/v1/admin/documents/id-schema/x", NULL, SOUP_STATUS_NOT_FOUND, "IDM-ADM-NOT-FOUND", count);
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

  ADD ("/server/admin/masterdata", test_masterdata);
  ADD ("/server/admin/masterdata-bad-input", test_masterdata_bad_input);
  ADD ("/server/admin/documents", test_documents);
  ADD ("/server/admin/documents-bad-input", test_documents_bad_input);

#undef ADD

  status = g_test_run ();
  srv_test_cleanup ();

  return status;
}
