/* reg-test-flow.c — what the registration flow's tests set up alike: the
 * country's schema, keys and master data, a flow on screen, a face photo
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include "reg-test-flow.h"

#include "gui-test-util.h"

#include <glib/gstdio.h>
#include <openssl/bio.h>
#include <openssl/pem.h>

static GFile *
schema_file (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("IDEM_SOURCE_DIR"), "data", "schema", name, NULL);

  return g_file_new_for_path (path);
}

/**
 * reg_test_load_id_schema:
 *
 * Returns: (transfer full): the default ID schema of the source tree
 */
IdemIdSchema *
reg_test_load_id_schema (void)
{
  g_autoptr(GFile) file = schema_file ("id-schema.json");
  g_autoptr(GError) error = NULL;
  IdemIdSchema *schema = idem_id_schema_new_from_file (file, &error);

  g_assert_no_error (error);

  return schema;
}

/**
 * reg_test_load_ui_spec:
 *
 * Returns: (transfer full): the default UI spec of the source tree
 */
IdemUiSpec *
reg_test_load_ui_spec (void)
{
  g_autoptr(GFile) file = schema_file ("ui-spec.json");
  g_autoptr(GError) error = NULL;
  IdemUiSpec *ui_spec = idem_ui_spec_new_from_file (file, &error);

  g_assert_no_error (error);

  return ui_spec;
}

/**
 * reg_test_make_certificate:
 * @key: the key pair to certify
 * @common_name: the subject, "CENTRE_MACHINE" as MOSIP names a machine
 * @serial: the serial number
 *
 * A self-signed certificate, valid for an hour, standing in for the
 * packet certificate a sync brings: packets are encrypted for its key.
 *
 * Returns: (transfer full): the certificate
 */
X509 *
reg_test_make_certificate (EVP_PKEY   *key,
                           const char *common_name,
                           long        serial)
{
  X509 *certificate = X509_new ();
  X509_NAME *name;

  g_assert_nonnull (certificate);
  g_assert_cmpint (X509_set_version (certificate, 2), ==, 1);
  ASN1_INTEGER_set (X509_get_serialNumber (certificate), serial);
  X509_gmtime_adj (X509_getm_notBefore (certificate), 0);
  X509_gmtime_adj (X509_getm_notAfter (certificate), 3600);
  g_assert_cmpint (X509_set_pubkey (certificate, key), ==, 1);
  name = X509_get_subject_name (certificate);
  X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_ASC, (const guchar *) common_name, -1, -1, 0);
  X509_set_issuer_name (certificate, name);
  g_assert_cmpint (X509_sign (certificate, key, EVP_sha256 ()), >, 0);

  return certificate;
}

/**
 * reg_test_certificate_to_pem:
 * @certificate: a certificate
 *
 * Returns: (transfer full): @certificate in PEM, as the sync delivers it
 */
char *
reg_test_certificate_to_pem (X509 *certificate)
{
  BIO *bio = BIO_new (BIO_s_mem ());
  char *data = NULL;
  long length;
  char *pem;

  g_assert_cmpint (PEM_write_bio_X509 (bio, certificate), ==, 1);
  length = BIO_get_mem_data (bio, &data);
  pem = g_strndup (data, (gsize) length);
  BIO_free (bio);

  return pem;
}

/**
 * reg_test_master_data_row:
 * @code: the row's code
 * @english: its English name
 * @arabic: its Arabic name
 * @parent: (nullable): the code of the location it lies in
 *
 * Returns: (transfer full): a master data row as the sync delivers it
 */
JsonObject *
reg_test_master_data_row (const char *code,
                          const char *english,
                          const char *arabic,
                          const char *parent)
{
  JsonObject *object = json_object_new ();
  JsonObject *names = json_object_new ();

  json_object_set_string_member (names, "eng", english);
  json_object_set_string_member (names, "ara", arabic);
  json_object_set_string_member (object, "code", code);
  json_object_set_object_member (object, "names", names);
  if (parent != NULL)
    json_object_set_string_member (object, "parentCode", parent);

  return object;
}

/**
 * reg_test_master_data_add_rows:
 * @master_data: master data, by type
 * @type: the type of the rows
 * @rows: (array length=n_rows) (transfer full): the rows
 * @n_rows: how many
 *
 * Gives @master_data the rows of @type.
 */
void
reg_test_master_data_add_rows (JsonObject  *master_data,
                               const char  *type,
                               JsonObject **rows,
                               guint        n_rows)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < n_rows; i++)
    json_array_add_object_element (array, rows[i]);
  json_object_set_array_member (master_data, type, array);
}

/**
 * reg_test_master_data_cb:
 * @type: a master data type
 * @master_data: a #JsonObject of master data, by type
 *
 * A #RegMasterDataFunc over @master_data, as a synced machine gives one:
 * a type it does not hold has no rows.
 *
 * Returns: (transfer full): the rows of @type
 */
JsonArray *
reg_test_master_data_cb (const char *type,
                         gpointer    master_data)
{
  if (!json_object_has_member (master_data, type))
    return json_array_new ();

  return json_array_ref (json_object_get_array_member (master_data, type));
}

/**
 * reg_test_flow_setup_init:
 * @setup: the setup to fill
 * @process: what the flow registers
 * @rid_sequence: the sequence number in the flow's registration ID
 * @schema: the ID schema
 * @ui_spec: the UI spec
 * @signing_key: the machine's key
 * @certificate: the packet certificate
 *
 * Fills @setup as the test workstation would for operator1, in English,
 * with the test picture as its camera.  What differs between tests (where
 * packets go, the second language, master data, the password check, the
 * operator's fingers) is left for the test to set.
 */
void
reg_test_flow_setup_init (RegFlowSetup      *setup,
                          IdemPacketProcess  process,
                          guint              rid_sequence,
                          IdemIdSchema      *schema,
                          IdemUiSpec        *ui_spec,
                          EVP_PKEY          *signing_key,
                          X509              *certificate)
{
  *setup = (RegFlowSetup) { 0 };
  setup->schema = schema;
  setup->ui_spec = ui_spec;
  setup->process = process;
  setup->centre_id = REG_TEST_CENTRE;
  setup->machine_id = REG_TEST_MACHINE;
  setup->rid_sequence = rid_sequence;
  setup->signing_key = signing_key;
  setup->certificate = certificate;
  setup->operator_id = "operator1";
  setup->primary_language = "eng";
  setup->camera_source = REG_TEST_FACE_SOURCE;
}

/**
 * reg_test_present_flow:
 * @setup: what the flow needs
 * @window: (out): a new window holding the flow
 *
 * Puts a flow made from @setup in a window of its own, of the size the
 * application gives it, on screen.
 *
 * Returns: (transfer none): the flow
 */
RegFlow *
reg_test_present_flow (RegFlowSetup  *setup,
                       GtkWindow    **window)
{
  RegFlow *flow = REG_FLOW (reg_flow_new (setup));

  *window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_child (*window, GTK_WIDGET (flow));
  gtk_window_set_default_size (*window, 800, 760);
  gtk_window_present (*window);

  return flow;
}

static gboolean
face_started (gpointer data)
{
  return !reg_face_step_get_starting (data);
}

static gboolean
face_done (gpointer data)
{
  return !reg_face_step_get_busy (data);
}

/**
 * reg_test_capture_face:
 * @window: the window @face is in
 * @face: a face step on screen
 *
 * Waits for the camera, captures a photo as the operator does, and waits
 * until the step has judged it and the window has drawn the result.
 */
void
reg_test_capture_face (GtkWindow   *window,
                       RegFaceStep *face)
{
  /* The first start of a process may time out while GStreamer builds its
   * registry; the step starts the camera again on Capture. */
  for (guint attempt = 0; attempt < 3; attempt++)
    {
      gui_test_wait_until (face_started, face, "the camera to start");
      if (g_str_has_prefix (reg_face_step_get_status (face), "Ask the resident"))
        break;
      g_test_message ("camera: %s", reg_face_step_get_status (face));
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (face), "face.capture", NULL));
    }
  g_assert_cmpstr (reg_face_step_get_status (face), ==, "Ask the resident to look at the camera, then capture.");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (face), "face.capture", NULL));
  gui_test_wait_until (face_done, face, "the photo");
  gui_test_wait_frames (GTK_WIDGET (window), 2);
}

static gboolean
step_is (gpointer data)
{
  RegFlow *flow = ((gpointer *) data)[0];

  return g_str_equal (reg_flow_get_step_name (flow), ((gpointer *) data)[1]);
}

/**
 * reg_test_wait_for_step:
 * @flow: a flow
 * @step: the name of a step
 * @what: what the flow does meanwhile, for the message
 *
 * Runs the main loop until @flow shows @step.
 */
void
reg_test_wait_for_step (RegFlow    *flow,
                        const char *step,
                        const char *what)
{
  gpointer data[2] = { flow, (gpointer) step };

  gui_test_wait_until (step_is, data, what);
}

/**
 * reg_test_date_years_ago:
 * @years: an age
 *
 * Returns: (transfer full): the date of birth of a resident of that age
 *   today, as the form takes it, so that the age group never depends on
 *   the day the test runs
 */
char *
reg_test_date_years_ago (int years)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) then = g_date_time_add_years (now, -years);

  return g_date_time_format (then, "%Y/%m/%d");
}

/**
 * reg_test_scanned_page:
 *
 * Returns: (transfer full): a small PNG, as a scanner saves a page
 */
GBytes *
reg_test_scanned_page (void)
{
  guint width = 120;
  guint height = 160;
  g_autofree guint8 *pixels = g_malloc (width * height * 4);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  for (guint i = 0; i < width * height; i++)
    {
      guint8 grey = (i / width) % 12 < 2 ? 40 : 240;

      pixels[i * 4] = pixels[i * 4 + 1] = pixels[i * 4 + 2] = grey;
      pixels[i * 4 + 3] = 255;
    }
  bytes = g_bytes_new (pixels, width * height * 4);
  texture = gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8A8, bytes, width * 4);

  return gdk_texture_save_to_png_bytes (texture);
}

static gboolean
have_program (const char *name)
{
  g_autofree char *path = g_find_program_in_path (name);

  return path != NULL;
}

/**
 * reg_test_can_decode_qr:
 *
 * Returns: whether pdftoppm and zbarimg, the independent tools that read
 *   a receipt's QR code back, are installed
 */
gboolean
reg_test_can_decode_qr (void)
{
  return have_program ("pdftoppm") && have_program ("zbarimg");
}

/**
 * reg_test_decode_receipt_qr:
 * @pdf: a receipt
 * @directory: where the rendered page may go for a moment
 *
 * Renders @pdf with pdftoppm and decodes its QR code with zbarimg.
 *
 * Returns: (transfer full): what the QR code holds
 */
char *
reg_test_decode_receipt_qr (const char *pdf,
                            const char *directory)
{
  g_autofree char *prefix = g_build_filename (directory, "receipt-page", NULL);
  g_autofree char *png = g_strconcat (prefix, ".png", NULL);
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  const char *render[] = { "pdftoppm", "-png", "-r", "150", "-singlefile", pdf, prefix, NULL };
  const char *decode[] = { "zbarimg", "--quiet", "--raw", png, NULL };
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) render, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (g_spawn_sync (NULL, (char **) decode, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_unlink (png);

  return g_strstrip (g_steal_pointer (&out));
}
