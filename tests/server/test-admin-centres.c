/* test-admin-centres.c — locations and centres through the admin API, over real HTTPS
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include "test-admin-util.h"

#include "idem.h"

#define COUNTRY "{\"request\": {\"code\": \"KA\", \"level\": 0, \"levelName\": \"Country\", \"names\": {\"eng\": \"Kalia\", \"fra\": \"Kalie\"}}}"
#define REGION  "{\"request\": {\"code\": \"KA-N\", \"parentCode\": \"KA\", \"level\": 1, \"levelName\": \"Region\", \"names\": {\"eng\": \"North\"}, \"isZone\": true}}"
#define CENTRE \
        "{\"request\": {\"id\": \"10001\", \"names\": {\"eng\": \"North Centre\", \"ara\": \"المركز الشمالي\"}," \
        " \"locationCode\": \"KA-N\", \"timeZone\": \"Africa/Abidjan\", \"address\": \"1 Main Street\"," \
        " \"latitude\": 5.35, \"longitude\": -4.01," \
        " \"workingHours\": [{\"weekday\": 1, \"opens\": \"08:00\", \"closes\": \"17:00\"}," \
        "                    {\"weekday\": 6, \"opens\": \"08:00\", \"closes\": \"12:00\"}]," \
        " \"holidays\": [{\"date\": \"2026-08-07\", \"names\": {\"eng\": \"Independence Day\"}}]}}"

static void
seed_locations (AdminFixture *fixture)
{
  g_autoptr(SrvTestResponse) country = NULL;
  g_autoptr(SrvTestResponse) region = NULL;

  admin_expect (fixture, &country, "POST", "/v1/admin/locations", COUNTRY, SOUP_STATUS_CREATED);
  admin_expect (fixture, &region, "POST", "/v1/admin/locations", REGION, SOUP_STATUS_CREATED);
}

static void
test_locations (AdminFixture  *fixture,
                gconstpointer  user_data)
{
  g_autoptr(SrvTestResponse) country = NULL;
  g_autoptr(SrvTestResponse) region = NULL;
  g_autoptr(SrvTestResponse) list = NULL;
  g_autoptr(SrvTestResponse) updated = NULL;
  g_autoptr(SrvTestResponse) got = NULL;
  JsonObject *object;
  JsonArray *items;
  gint64 clock;

  admin_fixture_start_admin (fixture);
  clock = admin_sync_clock (fixture);

  object = admin_expect (fixture, &country, "POST", "/v1/admin/locations", COUNTRY, SOUP_STATUS_CREATED);
  g_assert_cmpstr (json_object_get_string_member (object, "code"), ==, "KA");
  g_assert_true (json_object_get_null_member (object, "parentCode"));
  g_assert_cmpint (json_object_get_int_member (object, "version"), ==, clock + 1);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "names"), "fra"), ==, "Kalie");

  object = admin_expect (fixture, &region, "POST", "/v1/admin/locations", REGION, SOUP_STATUS_CREATED);
  g_assert_true (json_object_get_boolean_member (object, "isZone"));
  g_assert_true (json_object_get_boolean_member (object, "active"));
  g_assert_cmpint (json_object_get_int_member (object, "version"), ==, clock + 2);
  g_assert_cmpint (admin_sync_clock (fixture), ==, clock + 2);

  object = admin_expect (fixture, &list, "GET", "/v1/admin/locations", NULL, SOUP_STATUS_OK);
  items = json_object_get_array_member (object, "items");
  g_assert_cmpuint (json_array_get_length (items), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, 1), "parentCode"), ==, "KA");

  /* An update changes what it names and stamps the row with a new version. */
  object = admin_expect (fixture, &updated, "PUT", "/v1/admin/locations/KA-N",
                         "{\"request\": {\"active\": false, \"names\": {\"eng\": \"Northern Region\"}}}", SOUP_STATUS_OK);
  g_assert_false (json_object_get_boolean_member (object, "active"));
  g_assert_true (json_object_get_boolean_member (object, "isZone"));
  g_assert_cmpstr (json_object_get_string_member (object, "levelName"), ==, "Region");
  g_assert_cmpint (json_object_get_int_member (object, "version"), ==, clock + 3);

  object = admin_expect (fixture, &got, "GET", "/v1/admin/locations/KA-N", NULL, SOUP_STATUS_OK);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "names"), "eng"), ==,
                   "Northern Region");

  g_assert_cmpint (admin_query_int (fixture,
                                    "SELECT count(*) FROM audit_event WHERE actor = 'root' AND outcome = 'success'"
                                    " AND action IN ('location.create', 'location.update') AND origin = '127.0.0.1'"),
                   ==, 3);
}

static void
test_locations_bad_input (AdminFixture  *fixture,
                          gconstpointer  user_data)
{
  const char *count = "SELECT count(*) FROM location";
  g_autoptr(GString) big = g_string_new ("{\"request\": {\"code\": \"X\", \"levelName\": \"");

  admin_fixture_start_admin (fixture);
  seed_locations (fixture);

  admin_assert_refused (fixture, "POST", "/v1/admin/locations", "{\"request\": ", SOUP_STATUS_BAD_REQUEST, "IDM-ADM-JSON", count);
  admin_assert_refused (fixture, "POST", "/v1/admin/locations", "{\"request\": {\"code\": \"X\", \"level\": 0, \"levelName\": \"Country\"}}",
                        SOUP_STATUS_BAD_REQUEST, "IDM-ADM-MISSING", count);
  admin_assert_refused (fixture, "POST", "/v1/admin/locations",
                        "{\"request\": {\"code\": \"X\", \"level\": \"0\", \"levelName\": \"Country\", \"names\": {\"eng\": \"X\"}}}",
                        SOUP_STATUS_BAD_REQUEST, "IDM-ADM-TYPE", count);
  admin_assert_refused (fixture, "POST", "/v1/admin/locations",
                        "{\"request\": {\"code\": \"X\", \"level\": 0, \"levelName\": \"Country\", \"names\": {\"english\": \"X\"}}}",
                        SOUP_STATUS_BAD_REQUEST, "IDM-ADM-INVALID", count);
  admin_assert_refused (fixture, "POST", "/v1/admin/locations",
                        "{\"request\": {\"code\": \"../X\", \"level\": 0, \"levelName\": \"Country\", \"names\": {\"eng\": \"X\"}}}",
                        SOUP_STATUS_BAD_REQUEST, "IDM-ADM-INVALID", count);
  /* A level-2 location under the country (level 0), an unknown parent, a
   * second country with a parent. */
  admin_assert_refused (fixture, "POST", "/v1/admin/locations",
                        "{\"request\": {\"code\": \"X\", \"parentCode\": \"KA\", \"level\": 2, \"levelName\": \"City\", \"names\": {\"eng\": \"X\"}}}",
                        SOUP_STATUS_BAD_REQUEST, "IDM-ADM-REFERENCE", count);
  admin_assert_refused (fixture, "POST", "/v1/admin/locations",
                        "{\"request\": {\"code\": \"X\", \"parentCode\": \"ZZ\", \"level\": 1, \"levelName\": \"Region\", \"names\": {\"eng\": \"X\"}}}",
                        SOUP_STATUS_BAD_REQUEST, "IDM-ADM-REFERENCE", count);
  admin_assert_refused (fixture, "POST", "/v1/admin/locations",
                        "{\"request\": {\"code\": \"X\", \"parentCode\": \"KA\", \"level\": 0, \"levelName\": \"Country\", \"names\": {\"eng\": \"X\"}}}",
                        SOUP_STATUS_BAD_REQUEST, "IDM-ADM-INVALID", count);
  admin_assert_refused (fixture, "POST", "/v1/admin/locations", COUNTRY, SOUP_STATUS_CONFLICT, "IDM-ADM-EXISTS", count);
  admin_assert_refused (fixture, "PUT", "/v1/admin/locations/NOWHERE", "{\"request\": {\"active\": false}}",
                        SOUP_STATUS_NOT_FOUND, "IDM-ADM-NOT-FOUND", count);
  admin_assert_refused (fixture, "PUT", "/v1/admin/locations/KA-N", "{\"request\": {\"level\": 3}}",
                        SOUP_STATUS_BAD_REQUEST, "IDM-ADM-INVALID", "SELECT sum(level) FROM location");
  admin_assert_refused (fixture, "GET", "/v1/admin/locations/NOWHERE", NULL, SOUP_STATUS_NOT_FOUND, "IDM-ADM-NOT-FOUND", count);

  for (guint i = 0; i < 70000; i++)
    g_string_append_c (big, 'x');
  g_string_append (big, "\"}}");
  admin_assert_refused (fixture, "POST", "/v1/admin/locations", big->str,
                        SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "IDM-ADM-TOO-LARGE", count);
}

static void
test_centres (AdminFixture  *fixture,
              gconstpointer  user_data)
{
  g_autoptr(SrvTestResponse) created = NULL;
  g_autoptr(SrvTestResponse) updated = NULL;
  g_autoptr(SrvTestResponse) list = NULL;
  g_autoptr(SrvTestResponse) decommissioned = NULL;
  JsonObject *object;
  JsonArray *hours;
  gint64 clock;

  admin_fixture_start_admin (fixture);
  seed_locations (fixture);
  clock = admin_sync_clock (fixture);

  object = admin_expect (fixture, &created, "POST", "/v1/admin/centres", CENTRE, SOUP_STATUS_CREATED);
  g_assert_cmpstr (json_object_get_string_member (object, "id"), ==, "10001");
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "ACTIVE");
  g_assert_cmpstr (json_object_get_string_member (object, "timeZone"), ==, "Africa/Abidjan");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (object, "latitude"), 5.35, 1e-9);
  g_assert_cmpint (json_object_get_int_member (object, "version"), ==, clock + 1);
  hours = json_object_get_array_member (object, "workingHours");
  g_assert_cmpuint (json_array_get_length (hours), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (hours, 1), "weekday"), ==, 6);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (hours, 1), "closes"), ==, "12:00");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (object, "holidays"), 0), "date"),
                   ==, "2026-08-07");

  /* New working hours replace the old; members not given are kept. */
  object = admin_expect (fixture, &updated, "PUT", "/v1/admin/centres/10001",
                         "{\"request\": {\"status\": \"INACTIVE\", \"workingHours\": [{\"weekday\": 2, \"opens\": \"09:30\", \"closes\": \"16:00\"}]}}",
                         SOUP_STATUS_OK);
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "INACTIVE");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "workingHours")), ==, 1);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "holidays")), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (object, "address"), ==, "1 Main Street");
  g_assert_cmpint (json_object_get_int_member (object, "version"), ==, clock + 2);
  g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM centre_working_hours"), ==, 1);

  object = admin_expect (fixture, &list, "GET", "/v1/admin/centres", NULL, SOUP_STATUS_OK);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "items")), ==, 1);

  /* Decommissioning is final. */
  object = admin_expect (fixture, &decommissioned, "PUT", "/v1/admin/centres/10001",
                         "{\"request\": {\"status\": \"DECOMMISSIONED\"}}", SOUP_STATUS_OK);
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "DECOMMISSIONED");
  admin_assert_refused (fixture, "PUT", "/v1/admin/centres/10001", "{\"request\": {\"status\": \"ACTIVE\"}}",
                        SOUP_STATUS_CONFLICT, "IDM-ADM-CONFLICT", "SELECT count(*) FROM centre WHERE status = 'ACTIVE'");
}

static void
test_centres_bad_input (AdminFixture  *fixture,
                        gconstpointer  user_data)
{
  const char *count = "SELECT (SELECT count(*) FROM centre) * 1000 + (SELECT count(*) FROM centre_working_hours) * 10"
                      " + (SELECT count(*) FROM centre_holiday)";
  const char *bodies[][2] = {
    { "{\"request\": {\"id\": \"C2\", \"names\": {\"eng\": \"C\"}, \"locationCode\": \"KA-N\"}}", "IDM-ADM-MISSING" },
    { "{\"request\": {\"id\": \"C2\", \"names\": {\"eng\": \"C\"}, \"locationCode\": \"KA-N\", \"timeZone\": \"Mars/Olympus\"}}", "IDM-ADM-INVALID" },
    { "{\"request\": {\"id\": \"C2\", \"names\": {\"eng\": \"C\"}, \"locationCode\": \"KA-N\", \"timeZone\": \"UTC\", \"latitude\": 95}}", "IDM-ADM-INVALID" },
    { "{\"request\": {\"id\": \"C2\", \"names\": {\"eng\": \"C\"}, \"locationCode\": \"KA-N\", \"timeZone\": \"UTC\", \"latitude\": \"north\"}}", "IDM-ADM-TYPE" },
    { "{\"request\": {\"id\": \"C2\", \"names\": {\"eng\": \"C\"}, \"locationCode\": \"KA-N\", \"timeZone\": \"UTC\", \"status\": \"OPEN\"}}", "IDM-ADM-INVALID" },
    { "{\"request\": {\"id\": \"C2\", \"names\": {\"eng\": \"C\"}, \"locationCode\": \"KA-N\", \"timeZone\": \"UTC\", \"status\": \"DECOMMISSIONED\"}}", "IDM-ADM-INVALID" },
    { "{\"request\": {\"id\": \"C2\", \"names\": {\"eng\": \"C\"}, \"locationCode\": \"KA-N\", \"timeZone\": \"UTC\","
      " \"workingHours\": [{\"weekday\": 8, \"opens\": \"08:00\", \"closes\": \"17:00\"}]}}", "IDM-ADM-INVALID" },
    { "{\"request\": {\"id\": \"C2\", \"names\": {\"eng\": \"C\"}, \"locationCode\": \"KA-N\", \"timeZone\": \"UTC\","
      " \"workingHours\": [{\"weekday\": 1, \"opens\": \"17:00\", \"closes\": \"08:00\"}]}}", "IDM-ADM-INVALID" },
    { "{\"request\": {\"id\": \"C2\", \"names\": {\"eng\": \"C\"}, \"locationCode\": \"KA-N\", \"timeZone\": \"UTC\","
      " \"workingHours\": [{\"weekday\": 1, \"opens\": \"24:00\", \"closes\": \"25:00\"}]}}", "IDM-ADM-INVALID" },
    { "{\"request\": {\"id\": \"C2\", \"names\": {\"eng\": \"C\"}, \"locationCode\": \"KA-N\", \"timeZone\": \"UTC\","
      " \"workingHours\": [{\"weekday\": 1, \"opens\": \"08:00\", \"closes\": \"17:00\"}, {\"weekday\": 1, \"opens\": \"08:00\", \"closes\": \"12:00\"}]}}", "IDM-ADM-INVALID" },
    { "{\"request\": {\"id\": \"C2\", \"names\": {\"eng\": \"C\"}, \"locationCode\": \"KA-N\", \"timeZone\": \"UTC\","
      " \"workingHours\": \"weekdays\"}}", "IDM-ADM-TYPE" },
    { "{\"request\": {\"id\": \"C2\", \"names\": {\"eng\": \"C\"}, \"locationCode\": \"KA-N\", \"timeZone\": \"UTC\","
      " \"holidays\": [{\"date\": \"2026-02-30\", \"names\": {\"eng\": \"Never\"}}]}}", "IDM-ADM-INVALID" },
    { "{\"request\": {\"id\": \"C2\", \"names\": {\"eng\": \"C\"}, \"locationCode\": \"NOWHERE\", \"timeZone\": \"UTC\"}}", "IDM-ADM-REFERENCE" },
  };

  admin_fixture_start_admin (fixture);
  seed_locations (fixture);
  {
    g_autoptr(SrvTestResponse) created = NULL;

    admin_expect (fixture, &created, "POST", "/v1/admin/centres", CENTRE, SOUP_STATUS_CREATED);
  }

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    admin_assert_refused (fixture, "POST", "/v1/admin/centres", bodies[i][0], SOUP_STATUS_BAD_REQUEST, bodies[i][1], count);

  admin_assert_refused (fixture, "POST", "/v1/admin/centres", CENTRE, SOUP_STATUS_CONFLICT, "IDM-ADM-EXISTS", count);
  admin_assert_refused (fixture, "PUT", "/v1/admin/centres/99999", "{\"request\": {\"status\": \"INACTIVE\"}}",
                        SOUP_STATUS_NOT_FOUND, "IDM-ADM-NOT-FOUND", count);
  /* An update with one bad member changes nothing, not even the good ones. */
  admin_assert_refused (fixture, "PUT", "/v1/admin/centres/10001",
                        "{\"request\": {\"address\": \"2 Side Street\", \"holidays\": [{\"date\": \"someday\", \"names\": {\"eng\": \"x\"}}]}}",
                        SOUP_STATUS_BAD_REQUEST, "IDM-ADM-INVALID", "SELECT count(*) FROM centre WHERE address = '1 Main Street'");
}

/* An operator's token does not open the admin API; no token is a 401. */
static void
test_roles (AdminFixture  *fixture,
            gconstpointer  user_data)
{
  g_autoptr(SrvTestResponse) read = NULL;
  g_autoptr(SrvTestResponse) write = NULL;
  g_autoptr(SrvTestResponse) anonymous = NULL;
  g_autofree char *operator = NULL;

  admin_fixture_start_admin (fixture);
  admin_add_user (fixture, "op", "operator password", "OPERATOR,SUPERVISOR");
  operator = admin_login (fixture, "op", "operator password");

  read = admin_call (fixture, "GET", "/v1/admin/centres", operator, NULL);
  g_assert_cmpuint (read->status, ==, SOUP_STATUS_FORBIDDEN);
  g_assert_cmpstr (admin_error_code (read), ==, "IDM-AUT-403");

  write = admin_call (fixture, "POST", "/v1/admin/locations", operator, COUNTRY);
  g_assert_cmpuint (write->status, ==, SOUP_STATUS_FORBIDDEN);
  g_assert_cmpstr (admin_error_code (write), ==, "IDM-AUT-403");
  g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM location"), ==, 0);
  g_assert_cmpint (admin_query_int (fixture,
                                    "SELECT count(*) FROM audit_event WHERE actor = 'op' AND outcome = 'failure'"
                                    " AND detail = 'IDM-AUT-403' AND action = 'POST /v1/admin/locations'"), ==, 1);

  anonymous = admin_call (fixture, "POST", "/v1/admin/locations", NULL, COUNTRY);
  g_assert_cmpuint (anonymous->status, ==, SOUP_STATUS_UNAUTHORIZED);
  g_assert_cmpstr (admin_error_code (anonymous), ==, "IDM-AUT-401");
  g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM location"), ==, 0);
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

  ADD ("/server/admin/locations", test_locations);
  ADD ("/server/admin/locations-bad-input", test_locations_bad_input);
  ADD ("/server/admin/centres", test_centres);
  ADD ("/server/admin/centres-bad-input", test_centres_bad_input);
  ADD ("/server/admin/roles", test_roles);

#undef ADD

  status = g_test_run ();
  srv_test_cleanup ();

  return status;
}
