/* test-registration-processes.c — Update UIN, Lost UIN, an infant with
 * an introducer, and the form's second language, driven through the flow's
 * widget actions
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Each process runs from consent to the sealed packet with the real
 * pieces: the form generated from the default ID schema and UI spec, a
 * face photo from GStreamer's videotestsrc, fingers from libfprint's
 * virtual image device fed with synthetic fingers.  The packets are opened
 * with libcore's reader and the private key of the certificate this test
 * made, and must hold what the server's pipeline reads: the process, the
 * UIN of an update, the introducer's UIN and CBEFF document, and names in
 * both languages.  Every process leaves screenshots.
 */

#include "config.h"

#include "gui-test-util.h"
#include "reg-consent-step.h"
#include "reg-demographics-step.h"
#include "reg-face-step.h"
#include "reg-fingers-step.h"
#include "reg-flow.h"
#include "reg-test-flow.h"
#include "reg-test-reader.h"
#include "synthetic-finger.h"

#include <glib/gstdio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#define PASSWORD      "correct horse battery"
/* A valid UIN (tests/vectors), and the same in Arabic-Indic digits. */
#define UIN           "2013023805"
#define UIN_ARABIC    "٢٠١٣٠٢٣٨٠٥"
#define BAD_UIN       "2013023800"

static const char *socket_path;
static IdemIdSchema *schema;
static IdemUiSpec *ui_spec;
static EVP_PKEY *machine_key;
static EVP_PKEY *packet_key;
static X509 *certificate;
static JsonObject *master_data;

static void
make_master_data (void)
{
  JsonObject *genders[] = {
    reg_test_master_data_row ("FLE", "Female", "أنثى", NULL),
    reg_test_master_data_row ("MLE", "Male", "ذكر", NULL),
  };
  JsonObject *statuses[] = { reg_test_master_data_row ("NFR", "Citizen", "مواطن", NULL) };
  JsonObject *locations[] = {
    reg_test_master_data_row ("RSK", "Rabat Sale Kenitra", "الرباط سلا القنيطرة", NULL),
    reg_test_master_data_row ("KNT", "Kenitra", "القنيطرة", "RSK"),
    reg_test_master_data_row ("KNTC", "Kenitra City", "مدينة القنيطرة", "KNT"),
    reg_test_master_data_row ("BMS", "Ben Mansour", "بن منصور", "KNTC"),
  };

  master_data = json_object_new ();
  reg_test_master_data_add_rows (master_data, "gender", genders, G_N_ELEMENTS (genders));
  reg_test_master_data_add_rows (master_data, "residenceStatus", statuses, G_N_ELEMENTS (statuses));
  reg_test_master_data_add_rows (master_data, "location", locations, G_N_ELEMENTS (locations));
}

static gboolean
authenticate_cb (const char *user_id,
                 const char *password,
                 gpointer    user_data)
{
  return g_str_equal (user_id, "operator1") && g_str_equal (password, PASSWORD);
}

/* A flow of @process in a window of its own, writing to @packet_dir. */
static RegFlow *
start_flow (IdemPacketProcess   process,
            const char         *secondary_language,
            const char         *packet_dir,
            GtkWindow         **window)
{
  static guint sequence = 30;
  RegFlowSetup setup;
  RegFlow *flow;

  reg_test_flow_setup_init (&setup, process, sequence++, schema, ui_spec, machine_key, certificate);
  setup.packet_dir = packet_dir;
  setup.secondary_language = secondary_language;
  setup.master_data = reg_test_master_data_cb;
  setup.master_data_user_data = master_data;
  setup.authenticate = authenticate_cb;

  flow = reg_test_present_flow (&setup, window);
  gui_test_wait_frames (GTK_WIDGET (*window), 2);

  gui_test_activate (reg_flow_get_step (flow, "consent"), "consent.accept", NULL);
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);

  return flow;
}

static void
capture_face (GtkWindow *window,
              RegFlow   *flow)
{
  RegFaceStep *face = REG_FACE_STEP (reg_flow_get_step (flow, "face"));

  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "face");
  reg_test_capture_face (window, face);
  g_assert_nonnull (reg_face_step_get_photo (face));
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
}

static guint8 *
impression (guint32 seed)
{
  g_autoptr(SyntheticFinger) finger = synthetic_finger_new (seed, seed % 2 ? SYNTHETIC_FINGER_WHORL
                                                                           : SYNTHETIC_FINGER_LEFT_LOOP);

  return reg_test_impression (finger, seed + 7);
}

/* Captures @n_fingers of @fingers' fingers from synthetic impressions. */
static void
capture_fingers (RegFingersStep  *fingers,
                 HwImageFeeder  **feeder,
                 guint32          seed,
                 guint            n_fingers)
{
  for (guint i = 0; i < n_fingers; i++)
    {
      guint position = reg_fingers_step_get_current (fingers);
      g_autofree guint8 *pixels = impression (seed + position);

      g_assert_cmpuint (position, !=, 0);
      reg_test_capture_finger (fingers, feeder, pixels);
      g_assert_true (reg_fingers_step_is_captured (fingers, position));
    }
}

static void
seal (GtkWindow  *window,
      RegFlow    *flow,
      const char *screenshot)
{
  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "preview");
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  gui_test_save_screenshot (GTK_WIDGET (window), screenshot);
  reg_flow_set_password (flow, PASSWORD);
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  reg_test_wait_for_step (flow, "done", "the packet to be sealed");
  g_assert_nonnull (reg_flow_get_packet_path (flow));
}

/* Opened as the server's pipeline does: a new registration must hold a
 * whole identity, an update or a lost-UIN search only a valid part of
 * one. */
static IdemPacketReader *
open_packet (RegFlow           *flow,
             IdemPacketProcess  process)
{
  IdemPacketReader *reader = idem_packet_reader_new ();
  guint8 thumbprint[IDEM_MOSIP_THUMBPRINT_SIZE];
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) wrapper = json_object_new ();
  g_autoptr(GPtrArray) violations = NULL;

  idem_mosip_certificate_thumbprint (certificate, thumbprint);
  idem_packet_reader_set_decryption_key (reader, packet_key, thumbprint);
  idem_packet_reader_set_signing_key (reader, machine_key);
  idem_packet_reader_set_require_signatures (reader, TRUE);
  if (process == IDEM_PACKET_PROCESS_NEW)
    idem_packet_reader_set_schema (reader, schema);
  idem_packet_reader_open_file (reader, reg_flow_get_packet_path (flow), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (idem_packet_reader_get_rid (reader), ==, reg_flow_get_rid (flow));
  g_assert_cmpstr (idem_packet_reader_get_process (reader), ==, idem_packet_process_to_string (process));

  json_object_set_object_member (wrapper, "identity", json_object_ref (idem_packet_reader_get_identity (reader)));
  violations = idem_id_schema_validate (schema, wrapper, IDEM_ID_VALIDATE_PARTIAL);
  for (guint i = 0; i < violations->len; i++)
    g_test_message ("%s: %s", ((IdemSchemaViolation *) g_ptr_array_index (violations, i))->path,
                    ((IdemSchemaViolation *) g_ptr_array_index (violations, i))->message);
  g_assert_cmpuint (violations->len, ==, 0);

  return reader;
}

/* How many fingers (not exceptions) and faces a CBEFF document holds. */
static void
count_biometrics (IdemPacketReader *reader,
                  const char       *file,
                  guint            *n_fingers,
                  guint            *n_faces)
{
  IdemPacketSubpacket *id = idem_packet_reader_find_subpacket (reader, "id");
  GBytes *cbeff = idem_packet_subpacket_get_file (id, file);
  g_autoptr(IdemBir) bir = NULL;
  g_autoptr(GError) error = NULL;

  *n_fingers = *n_faces = 0;
  if (cbeff == NULL)
    return;
  bir = idem_cbeff_read (cbeff, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < idem_bir_get_n_children (bir); i++)
    {
      IdemBir *child = idem_bir_get_child (bir, i);

      if (idem_bir_get_biometric_type (child) == IDEM_BIOMETRIC_TYPE_FINGER &&
          g_strcmp0 (idem_bir_lookup_other (child, "EXCEPTION"), "false") == 0)
        (*n_fingers)++;
      else if (idem_bir_get_biometric_type (child) == IDEM_BIOMETRIC_TYPE_FACE)
        (*n_faces)++;
    }
}

static const char *
text_in (JsonObject *identity,
         const char *field,
         const char *language)
{
  JsonArray *values;

  if (!json_object_has_member (identity, field))
    return NULL;
  values = json_object_get_array_member (identity, field);
  for (guint i = 0; i < json_array_get_length (values); i++)
    {
      JsonObject *value = json_array_get_object_element (values, i);

      if (g_str_equal (json_object_get_string_member (value, "language"), language))
        return json_object_get_string_member (value, "value");
    }

  return NULL;
}

static const char *
meta_data_value (IdemPacketReader *reader,
                 const char       *label)
{
  JsonObject *meta_info = idem_packet_subpacket_get_meta_info (idem_packet_reader_find_subpacket (reader, "id"));
  JsonArray *meta_data = json_object_get_array_member (meta_info, "metaData");

  for (guint i = 0; i < json_array_get_length (meta_data); i++)
    {
      JsonObject *entry = json_array_get_object_element (meta_data, i);

      if (g_str_equal (json_object_get_string_member (entry, "label"), label))
        return json_object_get_string_member (entry, "value");
    }

  return NULL;
}

/* The entry row titled @title under @root, or NULL. */
static GtkWidget *
find_entry_row (GtkWidget  *root,
                const char *title)
{
  if (ADW_IS_ENTRY_ROW (root) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), title) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_entry_row (child, title);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* The flow's window goes, and with it the reader; the next flow's reader
 * listens on the same socket path, so the old file goes too. */
static void
finish_flow (GtkWindow      *window,
             HwImageFeeder **feeder)
{
  gtk_window_destroy (window);
  if (*feeder != NULL)
    hw_image_feeder_wait_idle (*feeder);
  g_clear_pointer (feeder, hw_image_feeder_free);
  hw_test_iterate (200);
  g_unlink (socket_path);
}

/* Update UIN: the UIN is checked as it is typed (Arabic-Indic digits
 * accepted), at least one group of fields must be chosen, only the chosen
 * groups are asked for; with a second language chosen in the form, the
 * new name goes into the packet in both languages; the resident's fingers
 * prove who they are.  The packet is an UPDATE carrying the UIN. */
static void
test_update (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *packet_dir = g_dir_make_tmp ("reg-update-XXXXXX", &error);
  g_autoptr(HwImageFeeder) feeder = NULL;
  g_autoptr(IdemPacketReader) reader = NULL;
  GtkWindow *window;
  RegFlow *flow;
  RegDemographicsStep *form;
  GtkWidget *arabic_name;
  JsonObject *identity;
  guint n_fingers;
  guint n_faces;

  g_assert_no_error (error);
  flow = start_flow (IDEM_PACKET_PROCESS_UPDATE, NULL, packet_dir, &window);
  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "demographics");
  form = REG_DEMOGRAPHICS_STEP (reg_flow_get_step (flow, "demographics"));

  /* Nothing typed and nothing chosen: Next stays, and says why. */
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "demographics");
  g_assert_nonnull (reg_demographics_step_get_error (form, "UIN"));
  gui_test_assert_label (GTK_WIDGET (window), "Choose the information to change.");

  g_assert_true (reg_demographics_step_set_value (form, "UIN", NULL, BAD_UIN));
  g_assert_nonnull (strstr (reg_demographics_step_get_error (form, "UIN"), "not a valid UIN"));
  g_assert_true (reg_demographics_step_set_value (form, "UIN", NULL, "20130238O5"));
  g_assert_nonnull (strstr (reg_demographics_step_get_error (form, "UIN"), "only digits"));
  g_assert_true (reg_demographics_step_set_value (form, "UIN", NULL, UIN_ARABIC));
  g_assert_null (reg_demographics_step_get_error (form, "UIN"));

  /* Only the name changes. */
  reg_demographics_step_set_group_selected (form, "FullName", TRUE);
  g_assert_true (reg_demographics_step_get_field_visible (form, "fullName"));
  g_assert_false (reg_demographics_step_get_field_visible (form, "dateOfBirth"));
  g_assert_false (reg_demographics_step_get_field_visible (form, "addressLine1"));
  g_assert_false (reg_demographics_step_get_field_visible (form, "gender"));

  /* The operator adds Arabic as the second language: a row for it, right
   * to left although the interface is English. */
  g_assert_false (reg_demographics_step_set_value (form, "fullName", "ara", "أمينة العلوي"));
  reg_demographics_step_set_secondary_language (form, "ara");
  g_assert_cmpstr (reg_demographics_step_get_secondary_language (form), ==, "ara");
  arabic_name = find_entry_row (GTK_WIDGET (form), "Full name (Arabic)");
  g_assert_nonnull (arabic_name);
  g_assert_cmpint (gtk_widget_get_direction (arabic_name), ==, GTK_TEXT_DIR_RTL);
  g_assert_cmpint (gtk_widget_get_direction (find_entry_row (GTK_WIDGET (form), "Full name (English)")), ==, GTK_TEXT_DIR_LTR);
  g_assert_true (reg_demographics_step_set_value (form, "fullName", NULL, "Amina Alaoui"));
  g_assert_true (reg_demographics_step_set_value (form, "fullName", "ara", "أمينة العلوي"));
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  gui_test_save_screenshot (GTK_WIDGET (window), "registration-update-1-form");
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  g_assert_null (reg_flow_get_message (flow));

  /* Documents are optional here; then the face and the fingers. */
  if (g_str_equal (reg_flow_get_step_name (flow), "documents"))
    gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  capture_face (window, flow);
  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "fingers");
  capture_fingers (REG_FINGERS_STEP (reg_flow_get_step (flow, "fingers")), &feeder, 200, REG_N_FINGERS);
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  gui_test_save_screenshot (GTK_WIDGET (window), "registration-update-2-fingers");
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  gui_test_assert_label (GTK_WIDGET (window), "Amina Alaoui / أمينة العلوي");
  /* The UIN as it is stored, in ASCII digits. */
  gui_test_assert_label (GTK_WIDGET (window), UIN);
  seal (window, flow, "registration-update-3-preview");

  reader = open_packet (flow, IDEM_PACKET_PROCESS_UPDATE);
  g_assert_cmpstr (meta_data_value (reader, "registrationType"), ==, "Update");
  identity = idem_packet_reader_get_identity (reader);
  g_assert_cmpstr (json_object_get_string_member (identity, "UIN"), ==, UIN);
  g_assert_cmpstr (text_in (identity, "fullName", "eng"), ==, "Amina Alaoui");
  g_assert_cmpstr (text_in (identity, "fullName", "ara"), ==, "أمينة العلوي");
  g_assert_false (json_object_has_member (identity, "dateOfBirth"));
  g_assert_false (json_object_has_member (identity, "addressLine1"));
  count_biometrics (reader, "individualBiometrics_bio_CBEFF.xml", &n_fingers, &n_faces);
  g_assert_cmpuint (n_fingers, ==, REG_N_FINGERS);
  g_assert_cmpuint (n_faces, ==, 1);

  finish_flow (window, &feeder);
  gui_test_remove_tree (packet_dir);
}

/* Lost UIN: the resident's face and fingers, then an optional form of
 * what they remember; a LOST packet with those biometrics and only what
 * was typed. */
static void
test_lost (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *packet_dir = g_dir_make_tmp ("reg-lost-XXXXXX", &error);
  g_autoptr(HwImageFeeder) feeder = NULL;
  g_autoptr(IdemPacketReader) reader = NULL;
  GtkWindow *window;
  RegFlow *flow;
  RegFingersStep *fingers;
  RegDemographicsStep *form;
  JsonObject *identity;
  guint n_fingers;
  guint n_faces;

  g_assert_no_error (error);
  flow = start_flow (IDEM_PACKET_PROCESS_LOST, "ara", packet_dir, &window);
  gui_test_assert_label (GTK_WIDGET (window), "Step 2 of 5: Face Photo");
  capture_face (window, flow);
  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "fingers");
  fingers = REG_FINGERS_STEP (reg_flow_get_step (flow, "fingers"));

  /* Not every finger yet: Next stays. */
  capture_fingers (fingers, &feeder, 300, 1);
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "fingers");
  capture_fingers (fingers, &feeder, 300, REG_N_FINGERS - 1);
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);

  /* The form comes after the biometrics, every field optional; what is
   * typed is still checked. */
  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "demographics");
  gui_test_assert_label (GTK_WIDGET (window), "Step 4 of 5: Demographic Details");
  form = REG_DEMOGRAPHICS_STEP (reg_flow_get_step (flow, "demographics"));
  g_assert_true (reg_demographics_step_set_value (form, "dateOfBirth", NULL, "1988/13/14"));
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "demographics");
  g_assert_nonnull (reg_demographics_step_get_error (form, "dateOfBirth"));
  g_assert_true (reg_demographics_step_set_value (form, "dateOfBirth", NULL, "1988/03/14"));
  g_assert_true (reg_demographics_step_set_value (form, "fullName", NULL, "Amina Alaoui"));
  g_assert_true (reg_demographics_step_set_value (form, "fullName", "ara", "أمينة العلوي"));
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  gui_test_save_screenshot (GTK_WIDGET (window), "registration-lost-form");
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  g_assert_null (reg_flow_get_message (flow));
  seal (window, flow, "registration-lost-preview");
  gui_test_wait_frames (GTK_WIDGET (window), 3);
  gui_test_save_screenshot (GTK_WIDGET (window), "registration-lost-receipt");

  reader = open_packet (flow, IDEM_PACKET_PROCESS_LOST);
  g_assert_cmpstr (meta_data_value (reader, "registrationType"), ==, "Lost");
  identity = idem_packet_reader_get_identity (reader);
  g_assert_cmpstr (text_in (identity, "fullName", "ara"), ==, "أمينة العلوي");
  g_assert_cmpstr (json_object_get_string_member (identity, "dateOfBirth"), ==, "1988/03/14");
  g_assert_false (json_object_has_member (identity, "gender"));
  g_assert_false (json_object_has_member (identity, "UIN"));
  count_biometrics (reader, "individualBiometrics_bio_CBEFF.xml", &n_fingers, &n_faces);
  g_assert_cmpuint (n_fingers, ==, REG_N_FINGERS);
  g_assert_cmpuint (n_faces, ==, 1);

  finish_flow (window, &feeder);
  gui_test_remove_tree (packet_dir);
}

/* An infant: the introducer's UIN or RID is required, the introducer gives
 * a finger, and the packet carries both the UIN and the introducer's CBEFF
 * document, which the server's infant check and MOSIP expect. */
static void
test_infant_introducer (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *packet_dir = g_dir_make_tmp ("reg-infant-XXXXXX", &error);
  g_autofree char *birth = reg_test_date_years_ago (3);
  g_autoptr(HwImageFeeder) feeder = NULL;
  g_autoptr(IdemPacketReader) reader = NULL;
  GtkWindow *window;
  RegFlow *flow;
  RegDemographicsStep *form;
  RegFingersStep *introducer;
  JsonObject *identity;
  JsonObject *meta_info;
  JsonObject *introducer_meta;
  guint n_fingers;
  guint n_faces;

  g_assert_no_error (error);
  flow = start_flow (IDEM_PACKET_PROCESS_NEW, NULL, packet_dir, &window);
  form = REG_DEMOGRAPHICS_STEP (reg_flow_get_step (flow, "demographics"));
  g_assert_true (reg_demographics_step_set_value (form, "fullName", NULL, "Yasmine Alaoui"));
  g_assert_true (reg_demographics_step_set_value (form, "dateOfBirth", NULL, birth));
  g_assert_true (reg_demographics_step_set_value (form, "gender", NULL, "FLE"));
  g_assert_true (reg_demographics_step_set_value (form, "residenceStatus", NULL, "NFR"));
  g_assert_true (reg_demographics_step_set_value (form, "addressLine1", NULL, "12 Kenitra Road"));
  g_assert_true (reg_demographics_step_set_value (form, "region", NULL, "RSK"));
  g_assert_true (reg_demographics_step_set_value (form, "province", NULL, "KNT"));
  g_assert_true (reg_demographics_step_set_value (form, "city", NULL, "KNTC"));
  g_assert_true (reg_demographics_step_set_value (form, "zone", NULL, "BMS"));
  g_assert_true (reg_demographics_step_set_value (form, "postalCode", NULL, "14000"));
  g_assert_true (reg_demographics_step_set_value (form, "introducerName", NULL, "Amina Alaoui"));

  /* Neither the introducer's UIN nor RID: refused, with the reason under
   * the field. */
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "demographics");
  g_assert_nonnull (strstr (reg_demographics_step_get_error (form, "introducerUIN"), "introducer’s UIN or RID"));
  g_assert_true (reg_demographics_step_set_value (form, "introducerUIN", NULL, BAD_UIN));
  g_assert_nonnull (reg_demographics_step_get_error (form, "introducerUIN"));
  g_assert_true (reg_demographics_step_set_value (form, "introducerUIN", NULL, UIN_ARABIC));
  g_assert_null (reg_demographics_step_get_error (form, "introducerUIN"));
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  gui_test_save_screenshot (GTK_WIDGET (window), "registration-infant-1-form");
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  g_assert_null (reg_flow_get_message (flow));
  if (g_str_equal (reg_flow_get_step_name (flow), "documents"))
    gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  capture_face (window, flow);

  /* The infant gives no fingers; the introducer gives one. */
  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "introducer");
  gui_test_assert_label (GTK_WIDGET (window), "Step 5 of 6: Introducer’s Fingerprints");
  introducer = REG_FINGERS_STEP (reg_flow_get_step (flow, "introducer"));
  g_assert_true (reg_fingers_step_get_introducer (introducer));
  gui_test_assert_accessible (GTK_WIDGET (introducer));
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  g_assert_cmpstr (reg_flow_get_step_name (flow), ==, "introducer");
  g_assert_nonnull (reg_flow_get_message (flow));
  capture_fingers (introducer, &feeder, 400, 1);
  g_assert_true (reg_fingers_step_is_complete (introducer));
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  gui_test_save_screenshot (GTK_WIDGET (window), "registration-infant-2-introducer");
  gui_test_activate (GTK_WIDGET (flow), "flow.next", NULL);
  seal (window, flow, "registration-infant-3-preview");

  reader = open_packet (flow, IDEM_PACKET_PROCESS_NEW);
  identity = idem_packet_reader_get_identity (reader);
  g_assert_cmpstr (json_object_get_string_member (identity, "introducerUIN"), ==, UIN);
  g_assert_cmpstr (text_in (identity, "introducerName", "eng"), ==, "Amina Alaoui");
  g_assert_false (json_object_has_member (identity, "introducerRID"));
  count_biometrics (reader, "individualBiometrics_bio_CBEFF.xml", &n_fingers, &n_faces);
  g_assert_cmpuint (n_fingers, ==, 0);
  g_assert_cmpuint (n_faces, ==, 1);
  count_biometrics (reader, "introducerBiometrics_bio_CBEFF.xml", &n_fingers, &n_faces);
  g_assert_cmpuint (n_fingers, ==, 1);
  g_assert_cmpuint (n_faces, ==, 0);
  meta_info = idem_packet_subpacket_get_meta_info (idem_packet_reader_find_subpacket (reader, "id"));
  introducer_meta = json_object_get_object_member (json_object_get_object_member (meta_info, "biometrics"), "introducer");
  g_assert_cmpuint (json_object_get_size (introducer_meta), ==, 1);

  finish_flow (window, &feeder);
  gui_test_remove_tree (packet_dir);
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *n_notified)
{
  (*n_notified)++;
}

/* The second language from the workstation's last choice; changing it in
 * the form replaces its rows, and None removes them. */
static void
test_second_language (void)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  RegDemographicsStep *form;
  g_autoptr(GPtrArray) summary = NULL;
  guint n_notified = 0;

  form = REG_DEMOGRAPHICS_STEP (reg_demographics_step_new (schema, ui_spec, "eng", "fra", reg_test_master_data_cb, master_data));
  g_signal_connect (form, "notify::secondary-language", G_CALLBACK (count_notify_cb), &n_notified);
  gtk_window_set_child (window, GTK_WIDGET (form));
  gtk_window_present (window);

  g_assert_cmpstr (reg_demographics_step_get_secondary_language (form), ==, "fra");
  g_assert_nonnull (find_entry_row (GTK_WIDGET (form), "Full name (French)"));
  g_assert_cmpint (gtk_widget_get_direction (find_entry_row (GTK_WIDGET (form), "Full name (French)")), ==, GTK_TEXT_DIR_LTR);
  g_assert_true (reg_demographics_step_set_value (form, "fullName", "fra", "Amina Alaoui"));

  g_object_set (form, "secondary-language", "ara", NULL);
  g_assert_cmpuint (n_notified, ==, 1);
  g_object_set (form, "secondary-language", "ara", NULL);
  g_assert_cmpuint (n_notified, ==, 1);
  g_assert_null (find_entry_row (GTK_WIDGET (form), "Full name (French)"));
  g_assert_false (reg_demographics_step_set_value (form, "fullName", "fra", "Amina"));
  g_assert_true (reg_demographics_step_set_value (form, "fullName", "ara", "أمينة العلوي"));
  g_assert_cmpint (gtk_widget_get_direction (find_entry_row (GTK_WIDGET (form), "Address line 1 (Arabic)")), ==, GTK_TEXT_DIR_RTL);

  /* The primary language is no second language. */
  reg_demographics_step_set_secondary_language (form, "eng");
  g_assert_null (reg_demographics_step_get_secondary_language (form));
  g_assert_cmpuint (n_notified, ==, 2);
  g_assert_nonnull (find_entry_row (GTK_WIDGET (form), "Full name"));
  g_assert_null (find_entry_row (GTK_WIDGET (form), "Full name (Arabic)"));
  g_assert_true (reg_demographics_step_set_value (form, "fullName", NULL, "Amina Alaoui"));
  summary = reg_demographics_step_get_summary (form);
  g_assert_cmpstr (g_ptr_array_index (summary, 1), ==, "Amina Alaoui");

  gtk_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  socket_path = reg_test_init_with_reader (&argc, &argv);

  schema = reg_test_load_id_schema ();
  ui_spec = reg_test_load_ui_spec ();
  machine_key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_ED25519, 0, &error);
  g_assert_no_error (error);
  packet_key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_RSA, 3072, &error);
  g_assert_no_error (error);
  certificate = reg_test_make_certificate (packet_key, REG_TEST_CENTRE "_" REG_TEST_MACHINE, 9);
  make_master_data ();

  g_test_add_func ("/registration/processes/second-language", test_second_language);
  g_test_add_func ("/registration/processes/update", test_update);
  g_test_add_func ("/registration/processes/lost", test_lost);
  g_test_add_func ("/registration/processes/infant-introducer", test_infant_introducer);

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
