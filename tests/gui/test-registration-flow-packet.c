/* test-registration-flow-packet.c — sealing a registration and its receipt
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A registration as the flow hands it over (values in two languages, a
 * document, a face photo, nine fingers and one missing) is sealed with a
 * machine key and a packet certificate this test makes; libcore's reader
 * then opens the packet with the matching private key and must find what
 * was entered, the finger images byte for byte in their ISO records, and
 * the exception.  The receipt's QR code is read back from the PDF by
 * independent tools: pdftoppm renders it and zbarimg decodes it.
 */

#include "config.h"

#include "gui-test-util.h"
#include "idem-minutiae-extract.h"
#include "reg-packet-builder.h"
#include "reg-receipt.h"
#include "reg-test-flow.h"
#include "synthetic-finger.h"

#include <glib/gstdio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#define CENTRE  "10001"
#define MACHINE "10077"

static IdemIdSchema *schema;
static EVP_PKEY *machine_key;
static EVP_PKEY *packet_key;
static X509 *certificate;

static IdemVideoFrame *
finger_frame (guint position)
{
  g_autoptr(SyntheticFinger) finger = synthetic_finger_new (1000 + position, position % 2 ? SYNTHETIC_FINGER_WHORL : SYNTHETIC_FINGER_LEFT_LOOP);
  SyntheticImpressionParams params;
  g_autoptr(GBytes) pixels = NULL;
  g_autoptr(GError) error = NULL;
  IdemVideoFrame *frame;

  synthetic_finger_random_impression (position, &params);
  pixels = g_bytes_new_take (synthetic_finger_render (finger, position, &params),
                             SYNTHETIC_FINGER_WIDTH * SYNTHETIC_FINGER_HEIGHT);
  frame = idem_video_frame_new (IDEM_PIXEL_FORMAT_GRAY8, SYNTHETIC_FINGER_WIDTH, SYNTHETIC_FINGER_HEIGHT,
                                SYNTHETIC_FINGER_WIDTH, pixels, &error);
  g_assert_no_error (error);

  return frame;
}

/* A warm gradient with a pattern: something a JPEG encoder works on. */
static IdemVideoFrame *
face_frame (void)
{
  guint width = 240;
  guint height = 320;
  guint8 *pixels = g_malloc (width * height * 4);
  g_autoptr(GError) error = NULL;
  IdemVideoFrame *frame;

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      {
        guint8 *p = pixels + (y * width + x) * 4;

        p[0] = 200 - y / 8;
        p[1] = 150 - x / 8 + ((x / 16 + y / 16) % 2) * 20;
        p[2] = 110;
        p[3] = 255;
      }
  frame = idem_video_frame_new (IDEM_PIXEL_FORMAT_RGBA, width, height, width * 4,
                                g_bytes_new_take (pixels, width * height * 4), &error);
  g_assert_no_error (error);

  return frame;
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static char *
seal (RegPacketBuilder  *builder,
      const char        *directory,
      GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  reg_packet_builder_seal_async (builder, directory, NULL, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return reg_packet_builder_seal_finish (builder, result, error);
}

static char *
make_rid (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  char *rid = idem_rid_build (CENTRE, MACHINE, 42, now, &error);

  g_assert_no_error (error);
  return rid;
}

static void
test_seal_and_open (void)
{
  g_autoptr(RegPacketBuilder) builder = reg_packet_builder_new (schema, IDEM_PACKET_PROCESS_NEW);
  g_autoptr(IdemVideoFrame) face = face_frame ();
  IdemVideoFrame *fingers[REG_N_FINGERS + 1] = { NULL };
  g_autoptr(GBytes) document = g_bytes_new_static ("%PDF-1.4\n%%EOF\n", 15);
  g_autoptr(IdemPacketReader) reader = idem_packet_reader_new ();
  g_autoptr(IdemBir) bir = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *directory = g_dir_make_tmp ("reg-flow-packet-XXXXXX", &error);
  g_autofree char *rid = make_rid ();
  g_autofree char *path = NULL;
  g_autofree char *identity_text = NULL;
  IdemPacketSubpacket *id;
  JsonObject *identity;
  GBytes *cbeff = NULL;
  guint8 thumbprint[IDEM_MOSIP_THUMBPRINT_SIZE];
  guint n_fingers = 0;
  guint n_exceptions = 0;
  guint n_faces = 0;
  gint64 start;

  g_assert_no_error (error);

  reg_packet_builder_set_registration (builder, rid, CENTRE, MACHINE);
  reg_packet_builder_set_operators (builder, "operator1", NULL);
  reg_packet_builder_set_keys (builder, machine_key, certificate);
  reg_packet_builder_set_text (builder, "fullName", "eng", "Amina Benali");
  reg_packet_builder_set_text (builder, "fullName", "ara", "أمينة بنعلي");
  reg_packet_builder_set_string (builder, "dateOfBirth", "1988/03/14");
  reg_packet_builder_set_text (builder, "gender", "eng", "Female");
  reg_packet_builder_set_string (builder, "postalCode", "14000");
  reg_packet_builder_set_text (builder, "residenceStatus", "eng", "Citizen");
  reg_packet_builder_set_text (builder, "addressLine1", "eng", "12 Kenitra Road");
  reg_packet_builder_set_text (builder, "region", "eng", "Rabat Sale Kenitra");
  reg_packet_builder_set_text (builder, "province", "eng", "Kenitra");
  reg_packet_builder_set_text (builder, "city", "eng", "Kenitra");
  reg_packet_builder_set_text (builder, "zone", "eng", "Ben Mansour");
  reg_packet_builder_add_document (builder, "proofOfAddress", "POA", "DOC004", "pdf", document);
  reg_packet_builder_set_face (builder, face);
  for (guint position = 1; position <= REG_N_FINGERS; position++)
    {
      if (position == 4)
        {
          reg_packet_builder_set_finger_missing (builder, position, "Missing");
          continue;
        }
      fingers[position] = finger_frame (position);
      reg_packet_builder_set_finger (builder, position, fingers[position], 60 + position, 1);
    }
  reg_packet_builder_set_exception_photo (builder, face);

  /* No audit trail yet: refused, nothing written. */
  path = seal (builder, directory, &error);
  g_assert_error (error, REG_PACKET_BUILDER_ERROR, REG_PACKET_BUILDER_ERROR_INCOMPLETE);
  g_assert_null (path);
  g_clear_error (&error);
  {
    g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);

    g_assert_null (g_dir_read_name (dir));
  }

  reg_packet_builder_add_audit (builder, "REG-EVT-001", "Registration sealed", "A new registration was saved");
  start = g_get_monotonic_time ();
  path = seal (builder, directory, &error);
  g_assert_no_error (error);
  g_test_message ("sealed %s (%lu bytes) in %.0f ms", path, (gulong) reg_packet_builder_get_packet_size (builder),
                  (g_get_monotonic_time () - start) / 1000.0);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_nonnull (reg_packet_builder_get_packet_hash (builder));

  idem_mosip_certificate_thumbprint (certificate, thumbprint);
  idem_packet_reader_set_decryption_key (reader, packet_key, thumbprint);
  idem_packet_reader_set_signing_key (reader, machine_key);
  idem_packet_reader_set_schema (reader, schema);
  idem_packet_reader_open_file (reader, path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (idem_packet_reader_get_rid (reader), ==, rid);

  identity = idem_packet_reader_get_identity (reader);
  identity_text = json_to_string (json_node_init_object (json_node_alloc (), identity), FALSE);
  g_test_message ("identity: %s", identity_text);
  g_assert_cmpstr (json_object_get_string_member (identity, "dateOfBirth"), ==, "1988/03/14");
  g_assert_cmpstr (json_object_get_string_member (identity, "postalCode"), ==, "14000");
  {
    JsonArray *names = json_object_get_array_member (identity, "fullName");

    g_assert_cmpuint (json_array_get_length (names), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (names, 0), "language"), ==, "ara");
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (names, 0), "value"), ==, "أمينة بنعلي");
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (names, 1), "value"), ==, "Amina Benali");
  }

  id = idem_packet_reader_find_subpacket (reader, "id");
  g_assert_nonnull (id);
  cbeff = idem_packet_subpacket_get_file (id, "individualBiometrics_bio_CBEFF.xml");
  g_assert_true (g_bytes_equal (idem_packet_subpacket_get_file (id, "proofOfAddress.pdf"), document));
  g_assert_nonnull (cbeff);

  bir = idem_cbeff_read (cbeff, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < idem_bir_get_n_children (bir); i++)
    {
      IdemBir *child = idem_bir_get_child (bir, i);
      g_autoptr(IdemIso19794Record) record = NULL;
      const IdemIso19794Image *image;
      guint position;

      switch (idem_bir_get_biometric_type (child))
        {
        case IDEM_BIOMETRIC_TYPE_FINGER:
          for (position = 1; position <= REG_N_FINGERS; position++)
            if (g_str_equal (reg_finger_get_subtype (position), idem_bir_get_subtype (child)))
              break;
          g_assert_cmpuint (position, <=, REG_N_FINGERS);
          if (g_strcmp0 (idem_bir_lookup_other (child, "EXCEPTION"), "true") == 0)
            {
              g_assert_cmpuint (position, ==, 4);
              g_assert_cmpstr (idem_bir_lookup_other (child, "REASON"), ==, "Missing");
              n_exceptions++;
              break;
            }
          record = idem_iso19794_parse (idem_bir_get_bdb (child), &error);
          g_assert_no_error (error);
          image = idem_iso19794_record_get_image (record, 0);
          g_assert_cmpuint (image->finger_position, ==, position);
          g_assert_cmpint (image->quality, ==, 60 + position);
          /* Uncompressed grey, which the server's matcher decodes: the
           * reader's pixels come back exactly. */
          g_assert_cmpint (image->format, ==, IDEM_BIOMETRIC_IMAGE_FORMAT_RAW);
          g_assert_cmpuint (image->width, ==, SYNTHETIC_FINGER_WIDTH);
          g_assert_cmpuint (image->height, ==, SYNTHETIC_FINGER_HEIGHT);
          for (guint y = 0; y < SYNTHETIC_FINGER_HEIGHT; y++)
            g_assert_cmpmem ((const guint8 *) g_bytes_get_data (image->image, NULL) + y * SYNTHETIC_FINGER_WIDTH,
                             SYNTHETIC_FINGER_WIDTH,
                             (const guint8 *) g_bytes_get_data (idem_video_frame_get_pixels (fingers[position]), NULL) + y * SYNTHETIC_FINGER_WIDTH,
                             SYNTHETIC_FINGER_WIDTH);
          {
            g_autoptr(IdemFingerImage) server_view = idem_finger_image_decode_iso (idem_bir_get_bdb (child), &error);

            g_assert_no_error (error);
            g_assert_nonnull (server_view);
          }
          n_fingers++;
          break;

        case IDEM_BIOMETRIC_TYPE_FACE:
          record = idem_iso19794_parse (idem_bir_get_bdb (child), &error);
          g_assert_no_error (error);
          g_assert_cmpint (idem_iso19794_record_get_modality (record), ==, IDEM_ISO19794_FACE);
          g_assert_cmpuint (idem_iso19794_record_get_image (record, 0)->width, ==, 240);
          n_faces++;
          break;

        case IDEM_BIOMETRIC_TYPE_EXCEPTION_PHOTO:
          n_faces++;
          break;

        case IDEM_BIOMETRIC_TYPE_NONE:
        case IDEM_BIOMETRIC_TYPE_IRIS:
        default:
          g_assert_not_reached ();
        }
    }
  g_assert_cmpuint (n_fingers, ==, 9);
  g_assert_cmpuint (n_exceptions, ==, 1);
  g_assert_cmpuint (n_faces, ==, 2);

  for (guint position = 1; position <= REG_N_FINGERS; position++)
    g_clear_pointer (&fingers[position], idem_video_frame_unref);
  g_unlink (path);
  g_rmdir (directory);
}

static void
test_receipt_qr (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *directory = g_dir_make_tmp ("reg-flow-receipt-XXXXXX", &error);
  g_autofree char *pdf = g_build_filename (directory, "receipt.pdf", NULL);
  g_autofree char *printed = g_build_filename (directory, "printed.pdf", NULL);
  g_autofree char *rid = make_rid ();
  g_autofree char *decoded = NULL;
  g_autoptr(RegReceipt) receipt = reg_receipt_new (rid);
  g_autoptr(IdemVideoFrame) face = face_frame ();
  g_autofree char *bogus = g_build_filename (directory, "missing", "receipt.pdf", NULL);

  if (!reg_test_can_decode_qr ())
    {
      g_test_skip ("pdftoppm or zbarimg is not installed (see tools/debian-packages)");
      return;
    }

  reg_receipt_set_photo (receipt, face);
  reg_receipt_add_field (receipt, "Full name", "Amina Benali");
  reg_receipt_add_field (receipt, "الاسم الكامل", "أمينة بنعلي");
  reg_receipt_add_field (receipt, "Date of birth", "1988/03/14");

  g_assert_true (reg_receipt_write_pdf (receipt, pdf, &error));
  g_assert_no_error (error);
  decoded = reg_test_decode_receipt_qr (pdf, directory);
  g_assert_cmpstr (decoded, ==, rid);
  g_clear_pointer (&decoded, g_free);

  /* Printing draws the same page: exported without a dialog, it decodes too. */
  g_assert_true (reg_receipt_print (receipt, NULL, printed, &error));
  g_assert_no_error (error);
  decoded = reg_test_decode_receipt_qr (printed, directory);
  g_assert_cmpstr (decoded, ==, rid);

  /* An unwritable place is an error with its code, and leaves no file. */
  g_assert_false (reg_receipt_write_pdf (receipt, bogus, &error));
  g_assert_error (error, REG_RECEIPT_ERROR, REG_RECEIPT_ERROR_WRITE);
  g_assert_false (g_file_test (bogus, G_FILE_TEST_EXISTS));

  g_unlink (pdf);
  g_unlink (printed);
  g_rmdir (directory);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  gui_test_init (&argc, &argv);
  idem_hw_init (&argc, &argv);

  schema = reg_test_load_id_schema ();
  machine_key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_RSA, 2048, &error);
  g_assert_no_error (error);
  packet_key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_RSA, 3072, &error);
  g_assert_no_error (error);
  certificate = reg_test_make_certificate (packet_key, CENTRE "_" MACHINE, 1);

  g_test_add_func ("/registration/flow/packet/seal-and-open", test_seal_and_open);
  g_test_add_func ("/registration/flow/packet/receipt-qr", test_receipt_qr);

  status = g_test_run ();

  X509_free (certificate);
  EVP_PKEY_free (packet_key);
  EVP_PKEY_free (machine_key);
  g_object_unref (schema);

  return status;
}
