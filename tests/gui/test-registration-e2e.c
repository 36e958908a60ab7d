/* test-registration-e2e.c — one registration from the workstation to a UIN
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The real server runs in this process over HTTPS on a demo data directory
 * (srv_init_data_dir (…, TRUE, …)), with its pipeline and built-in ABIS.
 * The registration client's real window is set up as the demo machine
 * 10011: its generated key is registered through the admin API, the first
 * sync runs from the machine page.  operator1 signs in and registers a
 * resident through the flow's widget actions (consent, form, document,
 * face from videotestsrc, ten fingers from libfprint's virtual image
 * device fed with synthetic fingers, preview, seal); supervisor1 approves
 * the packet on the review page; the home page uploads it.  The server's
 * pipeline must then issue a UIN for that RID (read from the server's own
 * UIN pool and from its status API), and the status sync must bring
 * UIN_GENERATED and that UIN back to the workstation, where the
 * Registrations page shows it masked until the operator reveals it.  Every
 * step is saved as a screenshot.
 */

#include "config.h"

#include "gui-test-util.h"
#include "reg-application.h"
#include "reg-demographics-step.h"
#include "reg-documents-step.h"
#include "reg-face-step.h"
#include "reg-fingers-step.h"
#include "reg-flow.h"
#include "reg-home-page.h"
#include "reg-login-page.h"
#include "reg-machine-page.h"
#include "reg-packets-page.h"
#include "reg-review-page.h"
#include "reg-setup-page.h"
#include "reg-test-flow.h"
#include "reg-test-reader.h"
#include "reg-test-workstation.h"
#include "reg-window.h"
#include "synthetic-finger.h"

#include "server-test-util.h"
#include "srv-demo-country.h"
#include "srv-idrepo.h"
#include "srv-init.h"
#include "srv-pipeline.h"
#include "srv-server.h"
#include "test-admin-util.h"

#include "idem-openssl-types.h"

#include <glib/gstdio.h>
#include <openssl/pem.h>

#define MACHINE     "10011"
#define CENTRE      "10001"

static AdminFixture server;
static GHashTable *passwords;
static const char *socket_path;
static RegApplication *app;
static GtkWindow *window;
static char *issued_uin;

static GtkWidget *
page (void)
{
  return reg_window_get_page (REG_WINDOW (window));
}

static RegStore *
store (void)
{
  return reg_machine_get_store (reg_application_get_machine (app, NULL));
}

static void
screenshot (const char *name)
{
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  gui_test_save_screenshot (GTK_WIDGET (window), name);
}

/* The demo seeding writes each user's generated password as
 * "user ID (ROLE, centre C): password P". */
static void
read_demo_passwords (void)
{
  g_autofree char *path = g_build_filename (server.data_dir, SRV_DEMO_CREDENTIALS_FILE, NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  passwords = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *marker = strstr (lines[i], ": password ");

      if (g_str_has_prefix (lines[i], "user ") && marker != NULL)
        {
          const char *id = lines[i] + strlen ("user ");

          g_hash_table_insert (passwords, g_strndup (id, strcspn (id, " ")),
                               g_strdup (marker + strlen (": password ")));
        }
    }
}

static const char *
password_of (const char *user_id)
{
  const char *password = g_hash_table_lookup (passwords, user_id);

  g_assert_nonnull (password);
  return password;
}

static SrvTestResponse *
admin_put (const char *path,
           const char *body)
{
  SrvTestResponse *response = admin_call (&server, "PUT", path, server.token, body);

  if (response->status != 200)
    g_test_message ("PUT %s: %u %.*s", path, response->status, (int) g_bytes_get_size (response->body),
                    (const char *) g_bytes_get_data (response->body, NULL));
  g_assert_cmpuint (response->status, ==, 200);
  return response;
}

static char *
server_text (const char *sql,
             const char *rid)
{
  sqlite3 *db = srv_database_get_handle (srv_server_get_database (server.server));
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, rid, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  return text;
}

static gboolean
pipeline_settled (const char *rid)
{
  g_autofree char *state = server_text ("SELECT state FROM packet WHERE rid = ?", rid);

  return state != NULL && g_strcmp0 (state, "PROCESSING") != 0 && g_strcmp0 (state, "DECLARED") != 0;
}

static void
sign_in (const char *user_id)
{
  reg_test_sign_in (window, user_id, password_of (user_id));
  g_assert_true (REG_IS_HOME_PAGE (page ()));
  g_assert_cmpstr (reg_window_get_user_id (REG_WINDOW (window)), ==, user_id);
}

/* What the administrator does with the key the machine page shows. */
static void
register_machine_key (void)
{
  EVP_PKEY *key = reg_machine_get_signing_key (reg_application_get_machine (app, NULL));
  g_autoptr(BIO) bio = BIO_new (BIO_s_mem ());
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(SrvTestResponse) response = NULL;
  g_autofree char *pem = NULL;
  g_autofree char *body = NULL;
  char *data;
  long length;

  g_assert_cmpint (PEM_write_bio_PUBKEY (bio, key), ==, 1);
  length = BIO_get_mem_data (bio, &data);
  pem = g_strndup (data, (gsize) length);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "request");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "publicKey");
  json_builder_add_string_value (builder, pem);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = json_to_string (root, FALSE);
  response = admin_put ("/v1/admin/machines/" MACHINE, body);
}

/* The demo centres keep office hours, Monday to Saturday, and a holiday;
 * the pipeline rejects a packet made outside them, and the flow stamps
 * its packet with the time it is sealed, which the test cannot choose.
 * Open the centre every day, all day, with no holiday, so that the test
 * passes whenever it runs. */
static void
open_centre_all_week (void)
{
  g_autoptr(SrvTestResponse) response = NULL;
  GString *body = g_string_new ("{\"request\": {\"workingHours\": [");

  for (guint weekday = 1; weekday <= 7; weekday++)
    g_string_append_printf (body, "%s{\"weekday\": %u, \"opens\": \"00:00\", \"closes\": \"23:59\"}",
                            weekday > 1 ? ", " : "", weekday);
  g_string_append (body, "], \"holidays\": []}}");
  response = admin_put ("/v1/admin/centres/" CENTRE, body->str);
  g_string_free (body, TRUE);
}

/* What the page says, for the log of a failing run. */
static void
log_labels (GtkWidget *root)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_visible (root))
    g_test_message ("label: %s", gtk_label_get_text (GTK_LABEL (root)));
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    log_labels (child);
}

static void
set_up_machine (void)
{
  g_autofree char *fingerprint = NULL;

  if (REG_IS_SETUP_PAGE (page ()))
    {
      reg_setup_page_set_address (REG_SETUP_PAGE (page ()), server.url);
      gui_test_activate (page (), "setup-page.continue", NULL);
      gui_test_wait_frames (GTK_WIDGET (window), 2);
    }
  g_assert_true (REG_IS_MACHINE_PAGE (page ()));
  GUI_TEST_WAIT_UNTIL (!reg_machine_page_get_generating (REG_MACHINE_PAGE (page ())));
  screenshot ("registration-e2e-01-machine");

  register_machine_key ();
  fingerprint = server_text ("SELECT key_fingerprint FROM machine WHERE id = ?", MACHINE);
  g_assert_cmpstr (fingerprint, ==, reg_machine_get_key_fingerprint (reg_application_get_machine (app, NULL)));

  reg_machine_page_set_machine_id (REG_MACHINE_PAGE (page ()), MACHINE);
  gui_test_activate (page (), "machine-page.check", NULL);
  GUI_TEST_WAIT_UNTIL (!REG_IS_MACHINE_PAGE (page ()) || !reg_machine_page_get_checking (REG_MACHINE_PAGE (page ())));
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  if (!REG_IS_LOGIN_PAGE (page ()))
    log_labels (page ());
  g_assert_true (REG_IS_LOGIN_PAGE (page ()));
  g_assert_true (reg_machine_is_synced (reg_application_get_machine (app, NULL)));
  g_assert_cmpstr (reg_machine_get_centre_id (reg_application_get_machine (app, NULL)), ==, CENTRE);
  screenshot ("registration-e2e-02-login");
}

/* Chooses the first entry the dropdown offers under its parent, as an
 * operator who knows the resident's address would pick the right one. */
static void
fill_form (RegDemographicsStep *form)
{
  g_assert_true (reg_demographics_step_set_value (form, "fullName", NULL, "Nadia Okonkwo"));
  g_assert_true (reg_demographics_step_set_value (form, "dateOfBirth", NULL, "1990/07/21"));
  g_assert_true (reg_demographics_step_set_value (form, "gender", NULL, "FLE"));
  g_assert_true (reg_demographics_step_set_value (form, "residenceStatus", NULL, "NFR"));
  g_assert_true (reg_demographics_step_set_value (form, "addressLine1", NULL, "4 Market Street"));
  g_assert_true (reg_demographics_step_set_value (form, "region", NULL, "VRD-N"));
  g_assert_true (reg_demographics_step_set_value (form, "province", NULL, "VRD-N-HL"));
  g_assert_true (reg_demographics_step_set_value (form, "city", NULL, "AMB"));
  /* The zone dropdown lists the city's zones, not its postal codes. */
  g_assert_false (reg_demographics_step_set_value (form, "zone", NULL, "10101"));
  g_assert_true (reg_demographics_step_set_value (form, "zone", NULL, "AMB-OT"));
  g_assert_true (reg_demographics_step_set_value (form, "postalCode", NULL, "10101"));
  g_assert_true (reg_demographics_step_set_value (form, "email", NULL, "nadia@example.org"));
}

static char *
register_resident (void)
{
  g_autofree char *scratch = g_dir_make_tmp ("reg-e2e-page-XXXXXX", NULL);
  g_autofree char *page_path = g_build_filename (scratch, "bill.png", NULL);
  g_autoptr(GBytes) scan = reg_test_scanned_page ();
  g_autoptr(HwImageFeeder) feeder = NULL;
  guint8 *impressions[REG_N_FINGERS + 1] = { NULL };
  RegFlow *flow;
  RegDemographicsStep *form;
  RegDocumentsStep *documents;
  RegFaceStep *face;
  RegFingersStep *fingers;
  char *rid;

  gui_test_activate (page (), "home-page.new-registration", NULL);
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_true (REG_IS_FLOW (page ()));
  flow = REG_FLOW (page ());

  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "consent");
  screenshot ("registration-e2e-04-consent");
  gui_test_activate (reg_flow_get_step (flow, "consent"), "consent.accept", NULL);
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "demographics");

  form = REG_DEMOGRAPHICS_STEP (reg_flow_get_step (flow, "demographics"));
  fill_form (form);
  screenshot ("registration-e2e-05-form");
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  g_assert_cmpstr (reg_flow_get_message (flow), ==, NULL);
  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "documents");

  documents = REG_DOCUMENTS_STEP (reg_flow_get_step (flow, "documents"));
  g_assert_true (g_file_set_contents (page_path, g_bytes_get_data (scan, NULL), g_bytes_get_size (scan), NULL));
  {
    g_autoptr(GFile) file = g_file_new_for_path (page_path);

    reg_documents_step_load_file (documents, "proofOfAddress", file);
    GUI_TEST_WAIT_UNTIL (!reg_documents_step_get_busy (documents));
    g_assert_null (reg_documents_step_get_error (documents, "proofOfAddress"));
  }
  g_unlink (page_path);
  g_rmdir (scratch);
  screenshot ("registration-e2e-06-documents");
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "face");

  for (guint position = 1; position <= REG_N_FINGERS; position++)
    {
      g_autoptr(SyntheticFinger) finger = synthetic_finger_new (300 + position, position % 2 ? SYNTHETIC_FINGER_WHORL
                                                                                             : SYNTHETIC_FINGER_LEFT_LOOP);

      impressions[position] = reg_test_impression (finger, 40 + position);
    }

  face = REG_FACE_STEP (reg_flow_get_step (flow, "face"));
  reg_test_capture_face (window, face);
  g_assert_nonnull (reg_face_step_get_photo (face));
  screenshot ("registration-e2e-07-face");
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "fingers");

  fingers = REG_FINGERS_STEP (reg_flow_get_step (flow, "fingers"));
  while (reg_fingers_step_get_current (fingers) != 0)
    {
      guint position = reg_fingers_step_get_current (fingers);

      reg_test_capture_finger (fingers, &feeder, impressions[position]);
      g_assert_true (reg_fingers_step_is_captured (fingers, position));
    }
  g_assert_cmpuint (reg_fingers_step_get_n_captured (fingers), ==, REG_N_FINGERS);
  screenshot ("registration-e2e-08-fingers");
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "preview");
  screenshot ("registration-e2e-09-preview");

  reg_flow_set_password (flow, password_of ("operator1"));
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  GUI_TEST_WAIT_UNTIL (g_str_equal (reg_flow_get_step_name (flow), "done") || !reg_flow_get_busy (flow));
  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "done");
  rid = g_strdup (reg_flow_get_rid (flow));
  screenshot ("registration-e2e-10-receipt");

  gui_test_activate (GTK_WIDGET (flow), "flow.finish", NULL);
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_true (REG_IS_HOME_PAGE (page ()));

  hw_image_feeder_wait_idle (feeder);
  for (guint position = 1; position <= REG_N_FINGERS; position++)
    g_free (impressions[position]);

  return rid;
}

static void
approve (const char *rid)
{
  g_autoptr(RegPacket) packet = NULL;
  RegReviewPage *review;

  sign_in ("supervisor1");
  gui_test_activate (page (), "reg-window.show-review", NULL);
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  review = REG_REVIEW_PAGE (page ());
  g_assert_true (reg_review_page_select (review, rid));
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  gui_test_assert_label (page (), "Nadia Okonkwo");
  screenshot ("registration-e2e-11-review");
  gtk_editable_set_text (GTK_EDITABLE (gui_test_find_widget (page (), GTK_TYPE_PASSWORD_ENTRY)),
                         password_of ("supervisor1"));
  gui_test_activate (page (), "review-page.approve", NULL);
  GUI_TEST_WAIT_UNTIL (!reg_review_page_get_busy (review));
  packet = reg_store_get_packet (store (), rid, NULL);
  g_assert_cmpint (packet->state, ==, REG_PACKET_STATE_APPROVED);
  g_assert_cmpstr (packet->supervisor_id, ==, "supervisor1");
  screenshot ("registration-e2e-12-approved");
  gui_test_activate (page (), "reg-window.show-home", NULL);
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_true (REG_IS_HOME_PAGE (page ()));
}

static void
log_history (const char *rid)
{
  sqlite3 *db = srv_database_get_handle (srv_server_get_database (server.server));
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT stage, outcome, detail FROM packet_history WHERE rid = ? ORDER BY id",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, rid, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_test_message ("pipeline %s: %s %s", sqlite3_column_text (stmt, 0), sqlite3_column_text (stmt, 1),
                    sqlite3_column_type (stmt, 2) != SQLITE_NULL ? (const char *) sqlite3_column_text (stmt, 2) : "");
  sqlite3_finalize (stmt);
}

/* The UIN the server issued comes back sealed into the workstation's
 * store, and the Registrations page shows it masked, then whole. */
static void
show_uin (const char *rid,
          const char *uin)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RegPacket) packet = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *identity = NULL;
  g_autofree char *identity_status = NULL;
  g_autofree char *tail = g_strdup (uin + strlen (uin) - 4);
  g_autofree char *shown = NULL;
  RegPacketsPage *packets;

  identity = srv_idrepo_lookup_uin (srv_server_get_idrepo (server.server), uin, &identity_status, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (identity, "Nadia Okonkwo"));

  packet = reg_store_get_packet (store (), rid, &error);
  g_assert_no_error (error);
  g_assert_true (packet->has_uin);
  stored = reg_store_load_uin (store (), rid, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored, ==, uin);

  gui_test_activate (page (), "reg-window.show-packets", NULL);
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_true (REG_IS_PACKETS_PAGE (page ()));
  packets = REG_PACKETS_PAGE (page ());
  g_assert_cmpuint (reg_packets_page_get_n_packets (packets), ==, 1);
  gui_test_assert_label (page (), rid);
  gui_test_assert_accessible (page ());

  /* Masked: only the last digits show. */
  shown = g_strdup (reg_packets_page_get_uin_text (packets, rid));
  g_assert_nonnull (shown);
  g_assert_cmpstr (shown, !=, uin);
  g_assert_true (g_str_has_suffix (shown, tail));
  g_assert_null (strstr (shown, uin));
  g_assert_null (gui_test_find_label (page (), uin));
  gui_test_assert_label (page (), "Show UIN");
  screenshot ("registration-e2e-15-registrations");

  gui_test_activate (page (), "packets-page.toggle-uin", g_variant_new_string (rid));
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_cmpstr (reg_packets_page_get_uin_text (packets, rid), ==, uin);
  gui_test_assert_label (page (), uin);
  gui_test_assert_label (page (), "Hide UIN");
  screenshot ("registration-e2e-16-uin-shown");

  /* And hidden again. */
  gui_test_activate (page (), "packets-page.toggle-uin", g_variant_new_string (rid));
  g_assert_cmpstr (reg_packets_page_get_uin_text (packets, rid), ==, shown);
  g_assert_null (gui_test_find_label (page (), uin));

  /* In Arabic the page is rebuilt right to left, the UIN masked again. */
  gui_test_set_language (GTK_WIDGET (window), "ar");
  g_assert_true (REG_IS_PACKETS_PAGE (page ()));
  packets = REG_PACKETS_PAGE (page ());
  gui_test_assert_direction (page (), GTK_TEXT_DIR_RTL);
  g_assert_cmpstr (reg_packets_page_get_uin_text (packets, rid), ==, shown);
  gui_test_activate (page (), "packets-page.toggle-uin", g_variant_new_string (rid));
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_cmpstr (reg_packets_page_get_uin_text (packets, rid), ==, uin);
  screenshot ("registration-e2e-17-uin-arabic");
  gui_test_set_language (GTK_WIDGET (window), "en");
  g_assert_true (REG_IS_PACKETS_PAGE (page ()));

  gui_test_activate (page (), "reg-window.show-home", NULL);
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_true (REG_IS_HOME_PAGE (page ()));
}

static void
test_new_registration (void)
{
  g_autofree char *rid = NULL;
  g_autofree char *state = NULL;
  g_autofree char *uin = NULL;
  g_autoptr(RegPacket) uploaded = NULL;
  g_autoptr(RegPacket) synced = NULL;
  g_autoptr(SrvTestResponse) status = NULL;
  g_autofree char *status_path = NULL;
  g_autofree char *external = NULL;
  JsonObject *answer;

  set_up_machine ();

  sign_in ("operator1");
  screenshot ("registration-e2e-03-home");
  rid = register_resident ();
  g_assert_true (g_str_has_prefix (rid, CENTRE MACHINE));
  reg_test_sign_out (window);

  approve (rid);

  gui_test_activate (page (), "home-page.upload", NULL);
  GUI_TEST_WAIT_UNTIL (!reg_home_page_get_busy (REG_HOME_PAGE (page ())));
  uploaded = reg_store_get_packet (store (), rid, NULL);
  g_assert_cmpint (uploaded->state, ==, REG_PACKET_STATE_UPLOADED);
  screenshot ("registration-e2e-13-uploaded");

  /* The pipeline, on the server's side, issues the UIN. */
  GUI_TEST_WAIT_UNTIL (pipeline_settled (rid));
  log_history (rid);
  state = server_text ("SELECT state FROM packet WHERE rid = ?", rid);
  g_assert_cmpstr (state, ==, "PROCESSED");
  uin = server_text ("SELECT uin FROM uin_pool WHERE rid = ? AND status = 'ASSIGNED'", rid);
  g_assert_nonnull (uin);
  g_test_message ("%s was given UIN %s", rid, uin);
  issued_uin = g_strdup (uin);

  status_path = g_strdup_printf ("/v1/packets/%s/status", rid);
  status = admin_call (&server, "GET", status_path, server.token, NULL);
  g_assert_cmpuint (status->status, ==, 200);
  answer = admin_response_object (status);
  g_assert_cmpstr (json_object_get_string_member (answer, "registrationId"), ==, rid);
  external = g_strdup (srv_pipeline_external_status (state, NULL, "NEW"));
  g_assert_cmpstr (external, ==, "UIN_GENERATED");
  g_assert_cmpstr (json_object_get_string_member (answer, "statusCode"), ==, external);
  g_assert_cmpstr (json_object_get_string_member (answer, "state"), ==, "PROCESSED");

  /* The status sync brings it back to the workstation. */
  gui_test_activate (page (), "home-page.sync", NULL);
  GUI_TEST_WAIT_UNTIL (!reg_home_page_get_busy (REG_HOME_PAGE (page ())));
  synced = reg_store_get_packet (store (), rid, NULL);
  g_assert_cmpstr (synced->server_status, ==, external);
  screenshot ("registration-e2e-14-synced");
  show_uin (rid, uin);
  reg_test_sign_out (window);
}

/* Update UIN on the same workstation: the resident given a UIN above
 * comes back to change their email.  The operator starts from the home
 * page's Update UIN, types the UIN, chooses the contact group and French
 * as the second language (kept in the settings for the next form), and
 * the same fingers prove who the resident is: the server's pipeline
 * matches them 1:1 with the UIN's and updates the identity. */
static void
test_update_registration (void)
{
  g_autoptr(GSettings) settings = g_settings_new (REG_APPLICATION_ID);
  g_autoptr(HwImageFeeder) feeder = NULL;
  g_autoptr(RegPacket) packet = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *language = NULL;
  g_autofree char *rid = NULL;
  g_autofree char *state = NULL;
  g_autofree char *identity = NULL;
  g_autofree char *identity_status = NULL;
  RegFlow *flow;
  RegDemographicsStep *form;
  RegFaceStep *face;
  RegFingersStep *fingers;
  RegReviewPage *review;

  if (issued_uin == NULL)
    {
      g_test_skip ("needs the UIN of /registration/e2e/new-registration");
      return;
    }

  /* The last flow's reader is closed; its socket file goes so that this
   * flow's reader can listen again. */
  g_unlink (socket_path);

  sign_in ("operator1");
  gui_test_activate (page (), "home-page.update-uin", NULL);
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_true (REG_IS_FLOW (page ()));
  flow = REG_FLOW (page ());
  gui_test_activate (reg_flow_get_step (flow, "consent"), "consent.accept", NULL);
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "demographics");

  form = REG_DEMOGRAPHICS_STEP (reg_flow_get_step (flow, "demographics"));
  g_assert_true (reg_demographics_step_set_value (form, "UIN", NULL, issued_uin));
  g_assert_null (reg_demographics_step_get_error (form, "UIN"));
  reg_demographics_step_set_group_selected (form, "Contact", TRUE);
  g_assert_false (reg_demographics_step_get_field_visible (form, "fullName"));
  g_assert_true (reg_demographics_step_set_value (form, "email", NULL, "nadia.okonkwo@example.org"));
  reg_demographics_step_set_secondary_language (form, "fra");
  language = g_settings_get_string (settings, "secondary-language");
  g_assert_cmpstr (language, ==, "fra");
  screenshot ("registration-e2e-20-update-form");
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  g_assert_null (reg_flow_get_message (flow));
  if (g_str_equal (reg_flow_get_step_name (flow), "documents"))
    gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);

  face = REG_FACE_STEP (reg_flow_get_step (flow, "face"));
  reg_test_capture_face (window, face);
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "fingers");

  /* The same fingers as at enrolment, pressed again. */
  fingers = REG_FINGERS_STEP (reg_flow_get_step (flow, "fingers"));
  while (reg_fingers_step_get_current (fingers) != 0)
    {
      guint position = reg_fingers_step_get_current (fingers);
      g_autoptr(SyntheticFinger) finger = synthetic_finger_new (300 + position, position % 2 ? SYNTHETIC_FINGER_WHORL
                                                                                             : SYNTHETIC_FINGER_LEFT_LOOP);
      g_autofree guint8 *pixels = reg_test_impression (finger, 40 + position);

      reg_test_capture_finger (fingers, &feeder, pixels);
      g_assert_true (reg_fingers_step_is_captured (fingers, position));
    }
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "preview");
  screenshot ("registration-e2e-21-update-preview");
  reg_flow_set_password (flow, password_of ("operator1"));
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  GUI_TEST_WAIT_UNTIL (g_str_equal (reg_flow_get_step_name (flow), "done") || !reg_flow_get_busy (flow));
  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "done");
  rid = g_strdup (reg_flow_get_rid (flow));
  gui_test_activate (GTK_WIDGET (flow), "flow.finish", NULL);
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  hw_image_feeder_wait_idle (feeder);

  /* The next form offers French first, as the operator left it. */
  gui_test_activate (page (), "home-page.new-registration", NULL);
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_true (REG_IS_FLOW (page ()));
  form = REG_DEMOGRAPHICS_STEP (reg_flow_get_step (REG_FLOW (page ()), "demographics"));
  g_assert_cmpstr (reg_demographics_step_get_secondary_language (form), ==, "fra");
  gui_test_activate (page (), "flow.cancel", NULL);
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_true (REG_IS_HOME_PAGE (page ()));
  reg_test_sign_out (window);

  sign_in ("supervisor1");
  gui_test_activate (page (), "reg-window.show-review", NULL);
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  review = REG_REVIEW_PAGE (page ());
  g_assert_true (reg_review_page_select (review, rid));
  gtk_editable_set_text (GTK_EDITABLE (gui_test_find_widget (page (), GTK_TYPE_PASSWORD_ENTRY)),
                         password_of ("supervisor1"));
  gui_test_activate (page (), "review-page.approve", NULL);
  GUI_TEST_WAIT_UNTIL (!reg_review_page_get_busy (review));
  packet = reg_store_get_packet (store (), rid, NULL);
  g_assert_cmpint (packet->state, ==, REG_PACKET_STATE_APPROVED);
  gui_test_activate (page (), "reg-window.show-home", NULL);
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  gui_test_activate (page (), "home-page.upload", NULL);
  GUI_TEST_WAIT_UNTIL (!reg_home_page_get_busy (REG_HOME_PAGE (page ())));

  GUI_TEST_WAIT_UNTIL (pipeline_settled (rid));
  log_history (rid);
  state = server_text ("SELECT state FROM packet WHERE rid = ?", rid);
  g_assert_cmpstr (state, ==, "PROCESSED");
  identity = srv_idrepo_lookup_uin (srv_server_get_idrepo (server.server), issued_uin, &identity_status, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (identity, "nadia.okonkwo@example.org"));
  g_assert_nonnull (strstr (identity, "Nadia Okonkwo"));
  screenshot ("registration-e2e-22-update-uploaded");
  reg_test_sign_out (window);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrvConfig) config = NULL;
  g_autofree char *store_dir = NULL;
  g_autofree char *certificate_path = NULL;
  int status;

  socket_path = reg_test_init_with_reader (&argc, &argv);

  server.tmp_dir = srv_test_make_tmp_dir ();
  server.data_dir = g_build_filename (server.tmp_dir, "data", NULL);
  config = srv_init_data_dir (server.data_dir, TRUE, &error);
  g_assert_no_error (error);
  server.session = srv_test_session_new ();
  server.certificate = srv_test_load_certificate (server.data_dir);
  admin_fixture_start (&server);
  read_demo_passwords ();
  server.token = admin_login (&server, "admin", password_of ("admin"));
  open_centre_all_week ();

  store_dir = g_build_filename (server.tmp_dir, "workstation", NULL);
  certificate_path = g_build_filename (server.data_dir, "tls", "server.crt", NULL);
  g_setenv ("IDEM_SERVER_CERTIFICATE", certificate_path, TRUE);
  g_settings_set_string (reg_test_settings (), "camera-source", REG_TEST_FACE_SOURCE);
  window = reg_test_start_workstation (store_dir, "", &app);

  g_test_add_func ("/registration/e2e/new-registration", test_new_registration);
  g_test_add_func ("/registration/e2e/update-registration", test_update_registration);

  status = g_test_run ();

  gtk_window_destroy (window);
  g_clear_object (&app);
  g_hash_table_unref (passwords);
  admin_fixture_tear_down (&server, NULL);
  srv_test_cleanup ();
  reg_test_reader_shutdown ();
  g_free (issued_uin);

  return status;
}
