/* test-registration-flow.c — a whole new registration, driven through the
 * flow's widget actions
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Consent, the form generated from the default ID schema and UI spec (with
 * a validation error and a blocklisted word first), a face photo from
 * GStreamer's videotestsrc, ten fingers from libfprint's virtual image
 * device fed with synthetic fingers (the operator's own finger refused,
 * one finger marked missing with an exception photo), the preview with a
 * wrong password and then the right one, and the seal.  The sealed packet
 * must open with libcore's reader and the private key of the certificate
 * this test made, and hold what was entered; the receipt's QR code is read
 * back with pdftoppm and zbarimg.  Every step is saved as a screenshot.
 *
 * Figures reported: sealing time after Save, the worst lateness of a
 * high-priority main-loop probe during captures and sealing, peak RSS.
 */

#include "config.h"

#include "gui-test-util.h"
#include "idem-minutiae-extract.h"
#include "reg-consent-step.h"
#include "reg-demographics-step.h"
#include "reg-documents-step.h"
#include "reg-face-step.h"
#include "reg-fingers-step.h"
#include "reg-flow.h"
#include "reg-store.h"
#include "reg-test-flow.h"
#include "reg-test-reader.h"
#include "synthetic-finger.h"

#include <glib/gstdio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#define PASSWORD        "correct horse battery"
#define OPERATOR_SEED   777
#define MISSING_FINGER  4
#define NO_FACE_SOURCE  "videotestsrc is-live=true pattern=smpte"

static IdemIdSchema *schema;
static IdemUiSpec *ui_spec;
static EVP_PKEY *machine_key;
static EVP_PKEY *packet_key;
static X509 *certificate;
static JsonObject *master_data;

/* The main-loop latency probe: a high-priority timeout that records how
 * late it runs. */
static gint64 probe_expected;
static gint64 probe_worst;
static guint probe_source;

#define PROBE_INTERVAL_MS 10

static gboolean
probe_cb (gpointer user_data)
{
  gint64 now = g_get_monotonic_time ();

  probe_worst = MAX (probe_worst, now - probe_expected);
  probe_expected = now + PROBE_INTERVAL_MS * 1000;

  return G_SOURCE_CONTINUE;
}

static void
probe_start (void)
{
  probe_worst = 0;
  probe_expected = g_get_monotonic_time () + PROBE_INTERVAL_MS * 1000;
  probe_source = g_timeout_add_full (G_PRIORITY_HIGH, PROBE_INTERVAL_MS, probe_cb, NULL, NULL);
}

static gint64
probe_stop (void)
{
  g_clear_handle_id (&probe_source, g_source_remove);

  return probe_worst;
}

/* An applicantValidDocument row, as the sync delivers it. */
static JsonObject *
valid_document (const char *applicant,
                const char *category,
                const char *type)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "applicantType", applicant);
  json_object_set_string_member (object, "documentCategory", category);
  json_object_set_string_member (object, "documentType", type);
  json_object_set_boolean_member (object, "active", TRUE);

  return object;
}

static void
make_master_data (void)
{
  JsonObject *genders[] = {
    reg_test_master_data_row ("FLE", "Female", "أنثى", NULL),
    reg_test_master_data_row ("MLE", "Male", "ذكر", NULL),
  };
  JsonObject *statuses[] = {
    reg_test_master_data_row ("NFR", "Citizen", "مواطن", NULL),
    reg_test_master_data_row ("FR", "Foreigner", "أجنبي", NULL),
  };
  JsonObject *locations[] = {
    reg_test_master_data_row ("RSK", "Rabat Sale Kenitra", "الرباط سلا القنيطرة", NULL),
    reg_test_master_data_row ("MAR", "Marrakech Safi", "مراكش آسفي", NULL),
    reg_test_master_data_row ("KNT", "Kenitra", "القنيطرة", "RSK"),
    reg_test_master_data_row ("SAF", "Safi", "آسفي", "MAR"),
    reg_test_master_data_row ("KNTC", "Kenitra City", "مدينة القنيطرة", "KNT"),
    reg_test_master_data_row ("BMS", "Ben Mansour", "بن منصور", "KNTC"),
  };
  JsonObject *words[] = { reg_test_master_data_row ("damn", "damn", "damn", NULL) };
  JsonObject *documents[] = {
    reg_test_master_data_row ("DOC004", "Utility bill", "فاتورة", NULL),
    reg_test_master_data_row ("DOC006", "Rental contract", "عقد الكراء", NULL),
    reg_test_master_data_row ("DOC001", "Passport", "جواز السفر", NULL),
  };

  master_data = json_object_new ();
  reg_test_master_data_add_rows (master_data, "gender", genders, G_N_ELEMENTS (genders));
  reg_test_master_data_add_rows (master_data, "residenceStatus", statuses, G_N_ELEMENTS (statuses));
  reg_test_master_data_add_rows (master_data, "location", locations, G_N_ELEMENTS (locations));
  reg_test_master_data_add_rows (master_data, "blocklistedWord", words, G_N_ELEMENTS (words));
  json_object_set_string_member (documents[0], "category", "POA");
  json_object_set_string_member (documents[1], "category", "POA");
  json_object_set_string_member (documents[2], "category", "POI");
  reg_test_master_data_add_rows (master_data, "documentType", documents, G_N_ELEMENTS (documents));
  {
    JsonObject *valid[] = {
      valid_document ("ADULT", "POA", "DOC004"),
      valid_document ("ADULT", "POA", "DOC006"),
      valid_document ("ADULT", "POI", "DOC001"),
      valid_document ("INFANT", "POA", "DOC004"),
    };

    reg_test_master_data_add_rows (master_data, "applicantValidDocument", valid, G_N_ELEMENTS (valid));
  }
}

static gboolean
authenticate_cb (const char *user_id,
                 const char *password,
                 gpointer    user_data)
{
  g_assert_false (g_main_context_is_owner (g_main_context_default ()));

  return g_str_equal (user_id, "operator1") && g_str_equal (password, PASSWORD);
}

static IdemFingerTemplate *
operator_template (SyntheticFinger *finger)
{
  g_autofree guint8 *pixels = reg_test_impression (finger, 1);
  g_autoptr(IdemMinutiae) minutiae = NULL;
  g_autoptr(GError) error = NULL;
  IdemFingerTemplate *template;

  minutiae = idem_minutiae_extract (pixels, SYNTHETIC_FINGER_WIDTH, SYNTHETIC_FINGER_HEIGHT, 500, &error);
  g_assert_no_error (error);
  template = idem_finger_template_new (minutiae, 2, &error);
  g_assert_no_error (error);

  return template;
}

static guint
peak_rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmHWM:");

  return line != NULL ? (guint) g_ascii_strtoull (line + 6, NULL, 10) : 0;
}

static gboolean
fingers_idle (gpointer data)
{
  return !reg_fingers_step_get_busy (data);
}

static gboolean
flow_idle (gpointer data)
{
  return !reg_flow_get_busy (data);
}

static gboolean
documents_idle (gpointer data)
{
  return !reg_documents_step_get_busy (data);
}

/* The face step alone: a picture with no face in it is refused with a
 * reason, and a retake with the resident in front of the camera is kept. */
static void
test_face_retake (void)
{
  g_autoptr(IdemCamera) camera = idem_camera_new ();
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  RegFaceStep *face;

  idem_camera_set_source (camera, NO_FACE_SOURCE);
  face = REG_FACE_STEP (reg_face_step_new (camera));
  gtk_window_set_child (window, GTK_WIDGET (face));
  gtk_window_set_default_size (window, 640, 560);
  gtk_window_present (window);

  reg_test_capture_face (window, face);
  g_assert_null (reg_face_step_get_photo (face));
  g_assert_true (g_str_has_prefix (reg_face_step_get_status (face), "No face"));
  gui_test_save_screenshot (GTK_WIDGET (window), "registration-flow-face-refused");

  /* The operator fixes the camera and takes the photo again. */
  gtk_widget_set_visible (GTK_WIDGET (window), FALSE);
  idem_camera_set_source (camera, REG_TEST_FACE_SOURCE);
  gtk_window_present (window);
  reg_test_capture_face (window, face);
  g_assert_nonnull (reg_face_step_get_photo (face));

  gtk_window_destroy (window);
}

static void
sealed_cb (RegFlow    *flow,
           const char *rid,
           char      **out)
{
  *out = g_strdup (rid);
}

static void
fill_address (RegDemographicsStep *form)
{
  g_assert_true (reg_demographics_step_set_value (form, "addressLine1", NULL, "12 Kenitra Road"));
  g_assert_true (reg_demographics_step_set_value (form, "region", NULL, "RSK"));
  g_assert_true (reg_demographics_step_set_value (form, "province", NULL, "KNT"));
  g_assert_true (reg_demographics_step_set_value (form, "city", NULL, "KNTC"));
  g_assert_true (reg_demographics_step_set_value (form, "zone", NULL, "BMS"));
  g_assert_true (reg_demographics_step_set_value (form, "postalCode", NULL, "14000"));
}

static gboolean
summary_has (GPtrArray  *summary,
             const char *label)
{
  for (guint i = 0; i < summary->len; i += 2)
    if (g_str_equal (g_ptr_array_index (summary, i), label))
      return TRUE;

  return FALSE;
}

/* Update UIN: the UIN is asked for and checked, and only the chosen
 * groups of fields are shown, checked and stored. */
static void
test_update_form (void)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  RegDemographicsStep *form;
  g_autoptr(GPtrArray) summary = NULL;

  form = REG_DEMOGRAPHICS_STEP (reg_demographics_step_new (schema, ui_spec, "eng", NULL, reg_test_master_data_cb, master_data));
  reg_demographics_step_set_update_mode (form);
  gtk_window_set_child (window, GTK_WIDGET (form));
  gtk_window_set_default_size (window, 800, 700);
  gtk_window_present (window);

  g_assert_false (reg_demographics_step_get_field_visible (form, "fullName"));
  g_assert_false (reg_demographics_step_get_field_visible (form, "addressLine1"));
  g_assert_true (reg_demographics_step_get_field_visible (form, "UIN"));
  g_assert_false (reg_demographics_step_validate (form));
  g_assert_nonnull (reg_demographics_step_get_error (form, "UIN"));
  g_assert_true (reg_demographics_step_set_value (form, "UIN", NULL, "12345"));
  g_assert_nonnull (reg_demographics_step_get_error (form, "UIN"));
  /* Ten digits, but a wrong check digit: libcore's UIN rules say no. */
  g_assert_true (reg_demographics_step_set_value (form, "UIN", NULL, "2013023800"));
  g_assert_nonnull (reg_demographics_step_get_error (form, "UIN"));
  g_assert_true (reg_demographics_step_set_value (form, "UIN", NULL, "2013023805"));
  g_assert_null (reg_demographics_step_get_error (form, "UIN"));

  reg_demographics_step_set_group_selected (form, "Address", TRUE);
  g_assert_true (reg_demographics_step_get_field_visible (form, "addressLine1"));
  g_assert_false (reg_demographics_step_get_field_visible (form, "fullName"));
  g_assert_false (reg_demographics_step_validate (form));
  g_assert_nonnull (reg_demographics_step_get_error (form, "addressLine1"));
  fill_address (form);
  g_assert_true (reg_demographics_step_validate (form));

  summary = reg_demographics_step_get_summary (form);
  g_assert_true (summary_has (summary, "UIN"));
  g_assert_true (summary_has (summary, "Address line 1"));
  g_assert_false (summary_has (summary, "Full name"));
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  gui_test_save_screenshot (GTK_WIDGET (window), "registration-flow-update");

  gtk_window_destroy (window);
}

static void
test_full_registration (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *store_dir = g_dir_make_tmp ("reg-flow-XXXXXX", &error);
  g_autoptr(RegStore) store = reg_store_new (store_dir, &error);
  g_autoptr(RegPacket) stored = NULL;
  g_autoptr(GBytes) stored_preview = NULL;
  const char *packet_dir = reg_store_get_packet_dir (store);
  g_autoptr(SyntheticFinger) operator_finger = synthetic_finger_new (OPERATOR_SEED, SYNTHETIC_FINGER_ARCH);
  g_autoptr(IdemFingerTemplate) operator = operator_template (operator_finger);
  g_autoptr(HwImageFeeder) feeder = NULL;
  g_autoptr(IdemPacketReader) reader = idem_packet_reader_new ();
  g_autofree char *sealed_rid = NULL;
  g_autofree char *decoded = NULL;
  g_autofree char *wait_data_name = NULL;
  IdemFingerTemplate *operator_fingers[] = { operator };
  guint8 *resident_impressions[REG_N_FINGERS + 1] = { NULL };
  g_autofree guint8 *operator_impression = NULL;
  RegFlowSetup setup;
  GtkWindow *window;
  RegFlow *flow;
  GtkWidget *consent;
  RegDemographicsStep *form;
  RegDocumentsStep *documents;
  RegFaceStep *face;
  RegFingersStep *fingers;
  g_autoptr(GBytes) page = reg_test_scanned_page ();
  g_autofree char *page_path = g_build_filename (packet_dir, "bill.png", NULL);
  g_autofree char *text_path = g_build_filename (packet_dir, "bill.txt", NULL);
  guint8 thumbprint[IDEM_MOSIP_THUMBPRINT_SIZE];
  JsonObject *identity;
  gint64 capture_latency;
  gint64 seal_latency;
  guint n_fingers_in_packet = 0;

  g_assert_no_error (error);
  g_assert_nonnull (store);

  reg_test_flow_setup_init (&setup, IDEM_PACKET_PROCESS_NEW, 17, schema, ui_spec, machine_key, certificate);
  setup.store = store;
  setup.secondary_language = "ara";
  setup.master_data = reg_test_master_data_cb;
  setup.master_data_user_data = master_data;
  setup.authenticate = authenticate_cb;
  setup.operator_fingers = operator_fingers;
  setup.n_operator_fingers = 1;

  flow = reg_test_present_flow (&setup, &window);
  g_signal_connect (flow, "sealed", G_CALLBACK (sealed_cb), &sealed_rid);
  gui_test_wait_frames (GTK_WIDGET (window), 3);

  /* 1. Consent: Next does nothing until the resident agrees. */
  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "consent");
  gui_test_assert_label (GTK_WIDGET (window), "Step 1 of 6: Consent");
  gui_test_save_screenshot (GTK_WIDGET (window), "registration-flow-1-consent");
  /* The steps whose rows are all our own; libadwaita's entry rows carry an
   * unlabelled apply button of their own. */
  gui_test_assert_accessible (reg_flow_get_step (flow, "consent"));
  gui_test_assert_accessible (reg_flow_get_step (flow, "face"));
  gui_test_assert_accessible (reg_flow_get_step (flow, "fingers"));
  gui_test_assert_accessible (reg_flow_get_step (flow, "done"));
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "consent");
  g_assert_nonnull (reg_flow_get_message (flow));
  consent = reg_flow_get_step (flow, "consent");
  gui_test_activate (consent, "consent.accept", NULL);
  g_assert_true (reg_consent_step_get_accepted (REG_CONSENT_STEP (consent)));
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "demographics");

  /* 2. The form: errors show under their fields as they are typed. */
  form = REG_DEMOGRAPHICS_STEP (reg_flow_get_step (flow, "demographics"));
  g_assert_true (reg_demographics_step_set_value (form, "fullName", NULL, "Amina 3enali"));
  g_assert_nonnull (reg_demographics_step_get_error (form, "fullName"));
  g_assert_true (reg_demographics_step_set_value (form, "dateOfBirth", NULL, "1988/13/14"));
  g_assert_nonnull (reg_demographics_step_get_error (form, "dateOfBirth"));
  g_assert_true (reg_demographics_step_set_value (form, "addressLine1", NULL, "12 Damn Road"));
  g_assert_nonnull (strstr (reg_demographics_step_get_error (form, "addressLine1"), "damn"));
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  gui_test_save_screenshot (GTK_WIDGET (window), "registration-flow-2-form-errors");
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "demographics");
  /* Required fields left empty are named too. */
  g_assert_nonnull (reg_demographics_step_get_error (form, "gender"));

  g_assert_true (reg_demographics_step_set_value (form, "fullName", NULL, "Amina Benali"));
  g_assert_true (reg_demographics_step_set_value (form, "fullName", "ara", "أمينة بنعلي"));
  g_assert_null (reg_demographics_step_get_error (form, "fullName"));
  g_assert_true (reg_demographics_step_set_value (form, "dateOfBirth", NULL, "1988/03/14"));
  g_assert_null (reg_demographics_step_get_error (form, "dateOfBirth"));
  g_assert_cmpint (reg_demographics_step_get_age (form), >=, 37);
  g_assert_true (reg_demographics_step_set_value (form, "gender", NULL, "FLE"));
  g_assert_true (reg_demographics_step_set_value (form, "residenceStatus", NULL, "NFR"));
  g_assert_true (reg_demographics_step_set_value (form, "addressLine1", NULL, "12 Kenitra Road"));
  g_assert_true (reg_demographics_step_set_value (form, "addressLine1", "ara", "12 طريق القنيطرة"));
  /* The location hierarchy: provinces follow the chosen region. */
  g_assert_false (reg_demographics_step_set_value (form, "province", NULL, "KNT"));
  g_assert_true (reg_demographics_step_set_value (form, "region", NULL, "MAR"));
  g_assert_false (reg_demographics_step_set_value (form, "province", NULL, "KNT"));
  g_assert_true (reg_demographics_step_set_value (form, "region", NULL, "RSK"));
  g_assert_false (reg_demographics_step_set_value (form, "province", NULL, "SAF"));
  g_assert_true (reg_demographics_step_set_value (form, "province", NULL, "KNT"));
  g_assert_true (reg_demographics_step_set_value (form, "city", NULL, "KNTC"));
  g_assert_true (reg_demographics_step_set_value (form, "zone", NULL, "BMS"));
  g_assert_true (reg_demographics_step_set_value (form, "postalCode", NULL, "14000"));
  g_assert_true (reg_demographics_step_set_value (form, "email", NULL, "amina@example.org"));
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  gui_test_save_screenshot (GTK_WIDGET (window), "registration-flow-2-form");
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  g_assert_cmpstr (reg_flow_get_message (flow), ==, NULL);
  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "documents");

  /* Documents: a file that is not a document is refused with a reason. */
  documents = REG_DOCUMENTS_STEP (reg_flow_get_step (flow, "documents"));
  /* Only the types valid for an adult are offered. */
  {
    g_auto(GStrv) address_types = reg_documents_step_dup_type_codes (documents, "proofOfAddress");
    g_auto(GStrv) identity_types = reg_documents_step_dup_type_codes (documents, "proofOfIdentity");

    g_assert_cmpuint (g_strv_length (address_types), ==, 2);
    g_assert_cmpuint (g_strv_length (identity_types), ==, 1);
    g_assert_cmpstr (identity_types[0], ==, "DOC001");
    g_assert_nonnull (reg_documents_step_get_notice (documents, "proofOfRelationship"));
  }
  g_assert_true (g_file_set_contents (text_path, "not a scan", -1, NULL));
  g_assert_true (g_file_set_contents (page_path, g_bytes_get_data (page, NULL), g_bytes_get_size (page), NULL));
  {
    g_autoptr(GFile) text_file = g_file_new_for_path (text_path);
    g_autoptr(GFile) page_file = g_file_new_for_path (page_path);

    reg_documents_step_load_file (documents, "proofOfAddress", text_file);
    gui_test_wait_until (documents_idle, documents, "the text file");
    g_assert_nonnull (reg_documents_step_get_error (documents, "proofOfAddress"));
    g_assert_false (reg_documents_step_has_file (documents, "proofOfAddress"));
    reg_documents_step_load_file (documents, "proofOfAddress", page_file);
    gui_test_wait_until (documents_idle, documents, "the scanned page");
    g_assert_null (reg_documents_step_get_error (documents, "proofOfAddress"));
    g_assert_true (reg_documents_step_has_file (documents, "proofOfAddress"));
  }
  g_unlink (text_path);
  g_unlink (page_path);
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  gui_test_save_screenshot (GTK_WIDGET (window), "registration-flow-3-documents");
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "face");

  /* 3. The face photo, with the main-loop probe running.  The test's own
   * slow work (growing synthetic fingers, screenshots) stays outside it. */
  face = REG_FACE_STEP (reg_flow_get_step (flow, "face"));
  for (guint position = 1; position <= REG_N_FINGERS; position++)
    {
      g_autoptr(SyntheticFinger) finger = synthetic_finger_new (100 + position, position % 2 ? SYNTHETIC_FINGER_WHORL
                                                                                             : SYNTHETIC_FINGER_LEFT_LOOP);

      resident_impressions[position] = reg_test_impression (finger, 10 + position);
    }
  operator_impression = reg_test_impression (operator_finger, 2);
  probe_start ();
  reg_test_capture_face (window, face);
  capture_latency = probe_stop ();
  g_assert_nonnull (reg_face_step_get_photo (face));
  gui_test_save_screenshot (GTK_WIDGET (window), "registration-flow-4-face");
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "fingers");

  /* 4. Fingers, one by one; the first touch is the operator's own finger. */
  fingers = REG_FINGERS_STEP (reg_flow_get_step (flow, "fingers"));
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "fingers");
  g_assert_cmpuint (reg_fingers_step_get_current (fingers), ==, 1);

  probe_start ();
  reg_test_capture_finger (fingers, &feeder, operator_impression);
  g_assert_false (reg_fingers_step_is_captured (fingers, 1));
  g_assert_nonnull (strstr (reg_fingers_step_get_status (fingers), "operator"));

  while (reg_fingers_step_get_current (fingers) != 0)
    {
      guint position = reg_fingers_step_get_current (fingers);

      if (position == MISSING_FINGER)
        {
          gui_test_activate (GTK_WIDGET (fingers), "fingers.mark-missing", g_variant_new_string ("Missing"));
          continue;
        }

      reg_test_capture_finger (fingers, &feeder, resident_impressions[position]);
      g_assert_true (reg_fingers_step_is_captured (fingers, position));
    }
  g_assert_cmpuint (reg_fingers_step_get_n_captured (fingers), ==, 9);
  g_assert_cmpuint (reg_fingers_step_get_n_missing (fingers), ==, 1);

  /* A missing finger needs its exception photo before going on. */
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "fingers");
  gui_test_activate (GTK_WIDGET (fingers), "fingers.exception-photo", NULL);
  gui_test_wait_until (fingers_idle, fingers, "the exception photo");
  g_assert_true (reg_fingers_step_is_complete (fingers));
  capture_latency = MAX (capture_latency, probe_stop ());
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  gui_test_save_screenshot (GTK_WIDGET (window), "registration-flow-5-fingers");
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "preview");

  /* 5. Preview; a wrong password seals nothing. */
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  gui_test_assert_label (GTK_WIDGET (window), "Amina Benali / أمينة بنعلي");
  gui_test_save_screenshot (GTK_WIDGET (window), "registration-flow-6-preview");
  reg_flow_set_password (flow, "not my password");
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  gui_test_wait_until (flow_idle, flow, "the password check");
  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "preview");
  g_assert_null (sealed_rid);
  {
    g_autoptr(GDir) dir = g_dir_open (packet_dir, 0, NULL);

    g_assert_null (g_dir_read_name (dir));
  }

  /* 6. Seal. */
  reg_flow_set_password (flow, PASSWORD);
  probe_start ();
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  reg_test_wait_for_step (flow, "done", "the packet to be sealed");
  seal_latency = probe_stop ();
  g_assert_nonnull (sealed_rid);
  g_assert_cmpstr (sealed_rid, ==, reg_flow_get_rid (flow));
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  gui_test_save_screenshot (GTK_WIDGET (window), "registration-flow-7-receipt");

  g_test_message ("FIGURE sealing after Save: %.0f ms (packet %lu bytes)",
                  reg_flow_get_seal_time (flow) / 1000.0, (gulong) reg_flow_get_packet_size (flow));
  g_test_message ("FIGURE worst main-loop lateness: %.1f ms during capture, %.1f ms during sealing",
                  capture_latency / 1000.0, seal_latency / 1000.0);
  g_test_message ("FIGURE peak RSS: %u MiB", peak_rss_kib () / 1024);

  /* The packet opens with the certificate's private key and holds the form. */
  idem_mosip_certificate_thumbprint (certificate, thumbprint);
  idem_packet_reader_set_decryption_key (reader, packet_key, thumbprint);
  idem_packet_reader_set_signing_key (reader, machine_key);
  idem_packet_reader_set_schema (reader, schema);
  idem_packet_reader_open_file (reader, reg_flow_get_packet_path (flow), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (idem_packet_reader_get_rid (reader), ==, sealed_rid);
  identity = idem_packet_reader_get_identity (reader);
  g_assert_cmpstr (json_object_get_string_member (identity, "dateOfBirth"), ==, "1988/03/14");
  g_assert_cmpstr (json_object_get_string_member (identity, "email"), ==, "amina@example.org");
  {
    JsonArray *names = json_object_get_array_member (identity, "fullName");
    JsonArray *provinces = json_object_get_array_member (identity, "province");

    g_assert_cmpuint (json_array_get_length (names), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (names, 1), "value"), ==, "Amina Benali");
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (provinces, 0), "value"), ==, "القنيطرة");
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (provinces, 1), "value"), ==, "Kenitra");
  }
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (identity, "proofOfAddress"), "type"), ==, "DOC004");
  {
    IdemPacketSubpacket *id = idem_packet_reader_find_subpacket (reader, "id");

    g_assert_true (g_bytes_equal (idem_packet_subpacket_get_file (id, "proofOfAddress.png"), page));
    g_autoptr(IdemBir) bir = idem_cbeff_read (idem_packet_subpacket_get_file (id, "individualBiometrics_bio_CBEFF.xml"), &error);

    g_assert_no_error (error);
    for (guint i = 0; i < idem_bir_get_n_children (bir); i++)
      {
        IdemBir *child = idem_bir_get_child (bir, i);

        if (idem_bir_get_biometric_type (child) == IDEM_BIOMETRIC_TYPE_FINGER &&
            g_strcmp0 (idem_bir_lookup_other (child, "EXCEPTION"), "false") == 0)
          n_fingers_in_packet++;
      }
    g_assert_cmpuint (n_fingers_in_packet, ==, 9);
    g_assert_cmpuint (idem_bir_get_n_children (bir), ==, 12);
  }

  /* The store recorded it for the supervisor, with its preview. */
  stored = reg_store_get_packet (store, sealed_rid, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored->path, ==, reg_flow_get_packet_path (flow));
  g_assert_cmpint (stored->state, ==, REG_PACKET_STATE_PENDING_APPROVAL);
  g_assert_cmpuint (stored->size, ==, reg_flow_get_packet_size (flow));
  g_assert_cmpstr (stored->operator_id, ==, "operator1");
  {
    g_autoptr(GPtrArray) problems = reg_store_check_packets (store, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (problems->len, ==, 0);
  }
  stored_preview = reg_store_load_preview (store, sealed_rid, &error);
  g_assert_no_error (error);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (stored_preview, NULL), g_bytes_get_size (stored_preview), "Amina Benali"));

  /* The receipt next to it carries the RID in its QR code. */
  g_assert_true (g_file_test (reg_flow_get_receipt_path (flow), G_FILE_TEST_IS_REGULAR));
  if (reg_test_can_decode_qr ())
    {
      decoded = reg_test_decode_receipt_qr (reg_flow_get_receipt_path (flow), packet_dir);
      g_assert_cmpstr (decoded, ==, sealed_rid);
    }

  g_unlink (reg_flow_get_packet_path (flow));
  g_unlink (reg_flow_get_receipt_path (flow));
  gtk_window_destroy (window);
  hw_image_feeder_wait_idle (feeder);
  for (guint position = 1; position <= REG_N_FINGERS; position++)
    g_free (resident_impressions[position]);
  g_clear_object (&store);
  gui_test_remove_tree (store_dir);
}

/* An infant: the introducer's fields appear, and the flow asks for a face
 * photo and the introducer's fingers, but none of the infant's. */
static void
test_infant (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *packet_dir = g_dir_make_tmp ("reg-flow-infant-XXXXXX", &error);
  g_autofree char *birth = reg_test_date_years_ago (2);
  RegFlowSetup setup;
  GtkWindow *window;
  RegFlow *flow;
  RegDemographicsStep *form;

  g_assert_no_error (error);
  reg_test_flow_setup_init (&setup, IDEM_PACKET_PROCESS_NEW, 18, schema, ui_spec, machine_key, certificate);
  setup.packet_dir = packet_dir;
  setup.master_data = reg_test_master_data_cb;
  setup.master_data_user_data = master_data;
  setup.authenticate = authenticate_cb;

  flow = reg_test_present_flow (&setup, &window);

  gui_test_activate (reg_flow_get_step (flow, "consent"), "consent.accept", NULL);
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  form = REG_DEMOGRAPHICS_STEP (reg_flow_get_step (flow, "demographics"));
  g_assert_false (reg_demographics_step_get_field_visible (form, "introducerName"));
  g_assert_true (reg_demographics_step_set_value (form, "fullName", NULL, "Yasmine Benali"));
  g_assert_true (reg_demographics_step_set_value (form, "dateOfBirth", NULL, birth));
  g_assert_cmpint (reg_demographics_step_get_age (form), ==, 2);
  g_assert_true (reg_demographics_step_get_field_visible (form, "introducerName"));
  g_assert_true (reg_demographics_step_get_field_visible (form, "introducerRID"));
  g_assert_true (reg_demographics_step_set_value (form, "introducerName", NULL, "Amina Benali"));
  g_assert_true (reg_demographics_step_set_value (form, "introducerRID", NULL, "123"));
  g_assert_nonnull (reg_demographics_step_get_error (form, "introducerRID"));
  g_assert_true (reg_demographics_step_set_value (form, "introducerRID", NULL, "10001100770001720261122041810"));
  g_assert_null (reg_demographics_step_get_error (form, "introducerRID"));
  g_assert_true (reg_demographics_step_set_value (form, "gender", NULL, "FLE"));
  g_assert_true (reg_demographics_step_set_value (form, "residenceStatus", NULL, "NFR"));
  fill_address (form);
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "documents");
  /* An infant is offered the infant types only. */
  {
    RegDocumentsStep *documents = REG_DOCUMENTS_STEP (reg_flow_get_step (flow, "documents"));
    g_auto(GStrv) address_types = reg_documents_step_dup_type_codes (documents, "proofOfAddress");

    g_assert_cmpuint (g_strv_length (address_types), ==, 1);
    g_assert_cmpstr (address_types[0], ==, "DOC004");
    g_assert_nonnull (reg_documents_step_get_notice (documents, "proofOfIdentity"));
  }
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "face");
  reg_test_capture_face (window, REG_FACE_STEP (reg_flow_get_step (flow, "face")));
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "introducer");
  gui_test_assert_label (GTK_WIDGET (window), "Step 5 of 6: Introducer’s Fingerprints");

  /* Back skips the fingers too. */
  gui_test_activate (GTK_WIDGET (flow), "flow.back", NULL);
  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "face");

  gtk_window_destroy (window);
  g_rmdir (packet_dir);
}

/* Lost UIN: a search by biometrics, face and fingers first; no documents. */
static void
test_lost_uin (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *packet_dir = g_dir_make_tmp ("reg-flow-lost-XXXXXX", &error);
  RegFlowSetup setup;
  GtkWindow *window;
  RegFlow *flow;

  g_assert_no_error (error);
  reg_test_flow_setup_init (&setup, IDEM_PACKET_PROCESS_LOST, 19, schema, ui_spec, machine_key, certificate);
  setup.packet_dir = packet_dir;
  setup.authenticate = authenticate_cb;

  flow = reg_test_present_flow (&setup, &window);

  gui_test_assert_label (GTK_WIDGET (window), "Step 1 of 5: Consent");
  gui_test_activate (reg_flow_get_step (flow, "consent"), "consent.accept", NULL);
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "face");
  gui_test_activate (GTK_WIDGET (flow), "flow.back", NULL);
  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "consent");

  gtk_window_destroy (window);
  g_rmdir (packet_dir);
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
have_result (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

/* From the machine: a workstation without its key and certificate cannot
 * register; once it has them and its synced master data, the flow uses
 * them. */
static void
test_for_machine (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *directory = g_dir_make_tmp ("reg-flow-machine-XXXXXX", &error);
  g_autofree char *key_dir = g_build_filename (directory, "keys", NULL);
  g_autoptr(RegStore) store = reg_store_new (directory, &error);
  g_autoptr(RegMachineKey) key = reg_machine_key_new_software (key_dir);
  g_autoptr(RegMachine) machine = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *master_data_json = NULL;
  g_autofree char *pem = NULL;
  GtkWidget *flow;
  GtkWindow *window;

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir_with_parents (key_dir, 0700), ==, 0);
  machine = reg_machine_new (store, key, &error);
  g_assert_no_error (error);

  flow = reg_flow_new_for_machine (machine, IDEM_PACKET_PROCESS_NEW, "operator1", "eng", REG_TEST_FACE_SOURCE,
                                   authenticate_cb, NULL, &error);
  g_assert_error (error, REG_FLOW_ERROR, REG_FLOW_ERROR_NOT_READY);
  g_assert_null (flow);
  g_clear_error (&error);

  reg_machine_generate_key_async (machine, NULL, store_result_cb, &result);
  gui_test_wait_until (have_result, &result, "the machine key");
  reg_machine_generate_key_finish (machine, result, &error);
  g_assert_no_error (error);
  g_assert_true (reg_machine_set_centre_id (machine, REG_TEST_CENTRE, &error));
  g_assert_true (reg_machine_set_machine_id (machine, REG_TEST_MACHINE, &error));
  pem = reg_test_certificate_to_pem (certificate);
  g_assert_true (reg_machine_apply_sync_document (machine, REG_SYNC_CERTIFICATE, pem, &error));
  g_assert_no_error (error);
  master_data_json = json_to_string (json_node_init_object (json_node_alloc (), master_data), FALSE);
  g_assert_true (reg_machine_apply_sync_document (machine, REG_SYNC_MASTER_DATA, master_data_json, &error));
  g_assert_no_error (error);

  flow = reg_flow_new_for_machine (machine, IDEM_PACKET_PROCESS_NEW, "operator1", "eng", REG_TEST_FACE_SOURCE,
                                   authenticate_cb, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (flow);
  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_child (window, flow);
  gtk_window_present (window);
  g_assert_cmpstr (reg_flow_get_step_name (REG_FLOW (flow)), ==, "consent");
  g_assert_true (reg_demographics_step_set_value (REG_DEMOGRAPHICS_STEP (reg_flow_get_step (REG_FLOW (flow), "demographics")),
                                                  "region", NULL, "RSK"));

  gtk_window_destroy (window);
  g_clear_object (&machine);
  g_clear_object (&store);
  gui_test_remove_tree (directory);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  reg_test_init_with_reader (&argc, &argv);

  schema = reg_test_load_id_schema ();
  ui_spec = reg_test_load_ui_spec ();
  /* An Ed25519 machine key, as RegMachine makes. */
  machine_key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_ED25519, 0, &error);
  g_assert_no_error (error);
  packet_key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_RSA, 3072, &error);
  g_assert_no_error (error);
  certificate = reg_test_make_certificate (packet_key, REG_TEST_CENTRE "_" REG_TEST_MACHINE, 7);
  make_master_data ();

  g_test_add_func ("/registration/flow/face-retake", test_face_retake);
  g_test_add_func ("/registration/flow/update-form", test_update_form);
  g_test_add_func ("/registration/flow/infant", test_infant);
  g_test_add_func ("/registration/flow/lost-uin", test_lost_uin);
  g_test_add_func ("/registration/flow/for-machine", test_for_machine);
  g_test_add_func ("/registration/flow/full-registration", test_full_registration);

  status = g_test_run ();

  json_object_unref (master_data);
  X509_free (certificate);
  EVP_PKEY_free (packet_key);
  EVP_PKEY_free (machine_key);
  g_object_unref (ui_spec);
  g_object_unref (schema);
  reg_test_reader_shutdown ();

  return status;
}
