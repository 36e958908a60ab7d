/* test-iso19794.c — ISO/IEC 19794-4 finger and 19794-5 face records
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * MOSIP's sample records (2005 and 2011 finger images, 2011 faces) are
 * parsed in place and checked against values read off their bytes by
 * hand; written records are read back; every kind of damage gives its own
 * error code.
 */

#include "config.h"

#include "idem.h"

#include <string.h>

/* A real 4×3 grey PNG. */
static const guint8 tiny_png[] = {
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
  0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x00, 0x00, 0x91, 0x9f, 0xf1,
  0x1a, 0x00, 0x00, 0x00, 0x17, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x60, 0x10, 0x50, 0x30,
  0x60, 0x60, 0x14, 0x54, 0x34, 0x64, 0x60, 0x12, 0x52, 0x32, 0x02, 0x00, 0x07, 0xc1, 0x01, 0x2d,
  0x05, 0xd7, 0xf5, 0x5d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};

static GBytes *
load_shared (const char *first,
             ...)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  char *contents;
  gsize length;
  va_list args;

  g_ptr_array_add (parts, (gpointer) g_getenv ("IDEM_SHARED_DIR"));
  g_ptr_array_add (parts, (gpointer) first);
  va_start (args, first);
  for (const char *part = va_arg (args, const char *); part != NULL; part = va_arg (args, const char *))
    g_ptr_array_add (parts, (gpointer) part);
  va_end (args);
  g_ptr_array_add (parts, NULL);

  path = g_build_filenamev ((char **) parts->pdata);
  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);

  return g_bytes_new_take (contents, length);
}

static IdemIso19794Record *
parse_ok (GBytes *bytes)
{
  g_autoptr(GError) error = NULL;
  IdemIso19794Record *record = idem_iso19794_parse (bytes, &error);

  g_assert_no_error (error);
  g_assert_nonnull (record);

  return record;
}

static void
assert_parse_error (GBytes *bytes,
                    int     code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdemIso19794Record) record = idem_iso19794_parse (bytes, &error);

  g_assert_error (error, IDEM_ISO19794_ERROR, code);
  g_assert_null (record);
}

/* A copy of @bytes with @value written big-endian over @n_bytes at @offset. */
static GBytes *
patched (GBytes  *bytes,
         gsize    offset,
         guint64  value,
         guint    n_bytes)
{
  gsize size;
  guint8 *data = g_bytes_unref_to_data (g_bytes_ref (bytes), &size);

  g_assert_cmpuint (offset + n_bytes, <=, size);
  for (guint i = 0; i < n_bytes; i++)
    data[offset + i] = (guint8) (value >> (8 * (n_bytes - 1 - i)));

  return g_bytes_new_take (data, size);
}

static void
test_mosip_2011_records (void)
{
  static const struct {
    const char *file;
    guint position;
    int quality;
    guint width;
    guint height;
    IdemBiometricImageFormat format;
  } fingers[] = {
    { "Auth/Left_Index.iso", 7, 50, 280, 448, IDEM_BIOMETRIC_IMAGE_FORMAT_JPEG2000 },
    { "Auth/Left_Index_wsq.iso", 7, 50, 280, 448, IDEM_BIOMETRIC_IMAGE_FORMAT_WSQ },
    { "Registration/Left_Index.iso", 7, 57, 280, 448, IDEM_BIOMETRIC_IMAGE_FORMAT_JPEG2000 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (fingers); i++)
    {
      g_autoptr(GBytes) bytes = load_shared ("biometrics", "mosip-iso-samples", "Profile", "Default",
                                             fingers[i].file, NULL);
      g_autoptr(IdemIso19794Record) record = parse_ok (bytes);
      const IdemIso19794Image *image;

      g_assert_cmpint (idem_iso19794_record_get_modality (record), ==, IDEM_ISO19794_FINGER);
      g_assert_cmpstr (idem_iso19794_record_get_version (record), ==, "020");
      g_assert_cmpuint (idem_iso19794_record_get_n_images (record), ==, 1);
      image = idem_iso19794_record_get_image (record, 0);
      g_assert_cmpuint (image->finger_position, ==, fingers[i].position);
      g_assert_cmpint (image->quality, ==, fingers[i].quality);
      g_assert_cmpuint (image->width, ==, fingers[i].width);
      g_assert_cmpuint (image->height, ==, fingers[i].height);
      g_assert_cmpuint (image->horizontal_ppi, ==, 500);
      g_assert_cmpuint (image->vertical_ppi, ==, 500);
      g_assert_cmpuint (image->bit_depth, ==, 8);
      g_assert_cmpint (image->format, ==, fingers[i].format);
      g_assert_cmpint (image->detected_format, ==, fingers[i].format);
    }

  /* The registration face: JPEG 2000 lossless, 240×320, quality 80. */
  {
    g_autoptr(GBytes) bytes = load_shared ("biometrics", "mosip-iso-samples", "Profile", "Default",
                                           "Registration", "Face.iso", NULL);
    g_autoptr(IdemIso19794Record) record = parse_ok (bytes);
    const IdemIso19794Image *image = idem_iso19794_record_get_image (record, 0);

    g_assert_cmpint (idem_iso19794_record_get_modality (record), ==, IDEM_ISO19794_FACE);
    g_assert_cmpstr (idem_iso19794_record_get_version (record), ==, "030");
    g_assert_cmpuint (image->width, ==, 240);
    g_assert_cmpuint (image->height, ==, 320);
    g_assert_cmpint (image->quality, ==, 80);
    g_assert_cmpuint (image->compression, ==, 2);
    g_assert_cmpint (image->format, ==, IDEM_BIOMETRIC_IMAGE_FORMAT_JPEG2000);
    g_assert_cmpint (image->detected_format, ==, IDEM_BIOMETRIC_IMAGE_FORMAT_JPEG2000);
    g_assert_cmpuint (g_bytes_get_size (image->image), ==, 67014);
  }
}

static void
test_mosip_2005_records (void)
{
  g_autoptr(GBytes) index = load_shared ("biometrics", "mosip-cbeff", "images", "FingerPrintLeft_Index.iso", NULL);
  g_autoptr(GBytes) raw = load_shared ("biometrics", "mosip-cbeff", "images", "ISOImage.iso", NULL);
  g_autoptr(IdemIso19794Record) record = NULL;
  const IdemIso19794Image *image;

  record = parse_ok (index);
  g_assert_cmpstr (idem_iso19794_record_get_version (record), ==, "010");
  image = idem_iso19794_record_get_image (record, 0);
  g_assert_cmpuint (image->finger_position, ==, 7);
  g_assert_cmpint (image->quality, ==, 81);
  g_assert_cmpuint (image->width, ==, 252);
  g_assert_cmpuint (image->height, ==, 427);
  g_assert_cmpuint (image->horizontal_ppi, ==, 500);
  g_assert_cmpint (image->format, ==, IDEM_BIOMETRIC_IMAGE_FORMAT_JPEG2000);
  g_assert_cmpint (image->detected_format, ==, IDEM_BIOMETRIC_IMAGE_FORMAT_JPEG2000);
  g_clear_pointer (&record, idem_iso19794_record_unref);

  /* ISOImage.iso is not a face: an uncompressed 316×354 finger image,
   * whose pixels are exactly width × height bytes. */
  record = parse_ok (raw);
  image = idem_iso19794_record_get_image (record, 0);
  g_assert_cmpint (idem_iso19794_record_get_modality (record), ==, IDEM_ISO19794_FINGER);
  g_assert_cmpint (image->format, ==, IDEM_BIOMETRIC_IMAGE_FORMAT_RAW);
  g_assert_cmpuint (image->finger_position, ==, 0);
  g_assert_cmpuint (image->width, ==, 316);
  g_assert_cmpuint (image->height, ==, 354);
  g_assert_cmpuint (g_bytes_get_size (image->image), ==, 316 * 354);
}

/* Every sample: finger and face records parse, declared and detected
 * formats agree; iris records are refused with their own code. */
static void
walk_samples (const char *directory,
              guint      *n_parsed,
              guint      *n_iris)
{
  g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (directory, name, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(IdemIso19794Record) record = NULL;
      g_autoptr(GBytes) bytes = NULL;
      char *contents;
      gsize length;

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          walk_samples (path, n_parsed, n_iris);
          continue;
        }
      if (!g_str_has_suffix (name, ".iso"))
        continue;

      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      bytes = g_bytes_new_take (contents, length);
      record = idem_iso19794_parse (bytes, &error);
      if (memcmp (contents, "IIR", 3) == 0)
        {
          g_assert_error (error, IDEM_ISO19794_ERROR, IDEM_ISO19794_ERROR_UNSUPPORTED);
          (*n_iris)++;
          continue;
        }

      g_assert_no_error (error);
      for (guint i = 0; i < idem_iso19794_record_get_n_images (record); i++)
        {
          const IdemIso19794Image *image = idem_iso19794_record_get_image (record, i);

          g_test_message ("%s: %s %s %ux%u %u ppi, position %u, quality %d",
                          name, idem_iso19794_record_get_version (record),
                          idem_biometric_image_format_to_string (image->format),
                          image->width, image->height, image->horizontal_ppi,
                          image->finger_position, image->quality);
          if (image->format != IDEM_BIOMETRIC_IMAGE_FORMAT_RAW)
            g_assert_cmpint (image->detected_format, ==, image->format);
          g_assert_cmpuint (image->width, >, 0);
          g_assert_cmpuint (image->height, >, 0);
        }
      (*n_parsed)++;
    }
}

static void
test_all_samples (void)
{
  g_autofree char *cbeff_images = g_build_filename (g_getenv ("IDEM_SHARED_DIR"), "biometrics",
                                                    "mosip-cbeff", "images", NULL);
  g_autofree char *iso_samples = g_build_filename (g_getenv ("IDEM_SHARED_DIR"), "biometrics",
                                                   "mosip-iso-samples", NULL);
  guint n_parsed = 0;
  guint n_iris = 0;

  walk_samples (cbeff_images, &n_parsed, &n_iris);
  walk_samples (iso_samples, &n_parsed, &n_iris);

  /* 11 + 68 finger and face records, 1 + 9 iris records. */
  g_assert_cmpuint (n_parsed, ==, 11 + 68);
  g_assert_cmpuint (n_iris, ==, 1 + 9);
}

static GBytes *
write_ok (IdemIso19794Modality     modality,
          const IdemIso19794Image *image)
{
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 11, 22, 2, 30, 15.25);
  g_autoptr(GError) error = NULL;
  GBytes *bytes = idem_iso19794_write (modality, image, now, &error);

  g_assert_no_error (error);
  g_assert_nonnull (bytes);

  return bytes;
}

static void
assert_same_image (const IdemIso19794Image *written,
                   const IdemIso19794Image *read)
{
  g_assert_cmpuint (read->finger_position, ==, written->finger_position);
  g_assert_cmpint (read->quality, ==, written->quality);
  g_assert_cmpuint (read->width, ==, written->width);
  g_assert_cmpuint (read->height, ==, written->height);
  g_assert_cmpint (read->format, ==, written->format);
  g_assert_true (g_bytes_equal (read->image, written->image));
}

static void
test_write_finger (void)
{
  g_autoptr(GBytes) sample = load_shared ("biometrics", "mosip-iso-samples", "Profile", "Default",
                                          "Auth", "Right_Thumb.iso", NULL);
  g_autoptr(GBytes) wsq_sample = load_shared ("biometrics", "mosip-iso-samples", "Profile", "Default",
                                              "Auth", "Right_Thumb_wsq.iso", NULL);
  g_autoptr(IdemIso19794Record) source = parse_ok (sample);
  g_autoptr(IdemIso19794Record) wsq_source = parse_ok (wsq_sample);
  g_autoptr(GBytes) grey = NULL;
  g_autoptr(GBytes) png = g_bytes_new_static (tiny_png, sizeof tiny_png);
  guint8 *pixels = g_malloc (64 * 48);
  IdemIso19794Image images[4] = {
    { 0 },
    { .finger_position = 1, .quality = 40, .width = 280, .height = 448, .bit_depth = 8,
      .format = IDEM_BIOMETRIC_IMAGE_FORMAT_WSQ,
      .image = idem_iso19794_record_get_image (wsq_source, 0)->image },
    { .finger_position = 10, .quality = -1, .width = 64, .height = 48, .bit_depth = 8,
      .format = IDEM_BIOMETRIC_IMAGE_FORMAT_RAW },
    { .finger_position = 6, .quality = 0, .width = 4, .height = 3, .bit_depth = 8,
      .format = IDEM_BIOMETRIC_IMAGE_FORMAT_PNG, .image = png },
  };

  /* The JPEG 2000 one copies everything from MOSIP's record. */
  images[0] = *idem_iso19794_record_get_image (source, 0);

  for (guint i = 0; i < 64 * 48; i++)
    pixels[i] = (guint8) (i * 7);
  grey = g_bytes_new_take (pixels, 64 * 48);
  images[2].image = grey;

  for (guint i = 0; i < G_N_ELEMENTS (images); i++)
    {
      g_autoptr(GBytes) written = write_ok (IDEM_ISO19794_FINGER, &images[i]);
      g_autoptr(IdemIso19794Record) record = parse_ok (written);
      const IdemIso19794Image *read = idem_iso19794_record_get_image (record, 0);

      g_assert_cmpstr (idem_iso19794_record_get_version (record), ==, "020");
      assert_same_image (&images[i], read);
      g_assert_cmpuint (read->horizontal_ppi, ==, 500);
      if (images[i].quality >= 0)
        {
          g_assert_cmpuint (read->quality_vendor, ==, images[i].quality_vendor);
          g_assert_cmpuint (read->quality_algorithm, ==, images[i].quality_algorithm);
        }
    }

  /* The header of the JPEG 2000 one matches MOSIP's byte for byte, but
   * for the capture date and device and the compression code: ours says
   * lossless (MOSIP's registration profile), this sample says lossy. */
  {
    g_autoptr(GBytes) written = write_ok (IDEM_ISO19794_FINGER, &images[0]);
    const guint8 *ours = g_bytes_get_data (written, NULL);
    const guint8 *theirs = g_bytes_get_data (sample, NULL);

    g_assert_cmpuint (g_bytes_get_size (written), ==, g_bytes_get_size (sample));
    g_assert_cmpmem (ours, 20, theirs, 20);
    g_assert_cmpmem (ours + 34, 18, theirs + 34, 18);
    g_assert_cmpuint (ours[52], ==, 5);
    g_assert_cmpuint (theirs[52], ==, 4);
    g_assert_cmpmem (ours + 53, g_bytes_get_size (sample) - 53, theirs + 53, g_bytes_get_size (sample) - 53);
  }
}

static void
test_write_face (void)
{
  g_autoptr(GBytes) sample = load_shared ("biometrics", "mosip-iso-samples", "Profile", "Default",
                                          "Registration", "Exception_Photo.iso", NULL);
  g_autoptr(IdemIso19794Record) source = parse_ok (sample);
  const IdemIso19794Image *original = idem_iso19794_record_get_image (source, 0);
  IdemIso19794Image image = *original;
  g_autoptr(GBytes) png = g_bytes_new_static (tiny_png, sizeof tiny_png);
  g_autoptr(GBytes) written = write_ok (IDEM_ISO19794_FACE, &image);
  g_autoptr(IdemIso19794Record) record = parse_ok (written);

  g_assert_cmpuint (image.width, ==, 600);
  g_assert_cmpuint (image.height, ==, 400);
  g_assert_cmpint (idem_iso19794_record_get_modality (record), ==, IDEM_ISO19794_FACE);
  assert_same_image (&image, idem_iso19794_record_get_image (record, 0));
  /* The same header size as MOSIP's: the image starts at the same offset. */
  g_assert_cmpuint (g_bytes_get_size (written), ==, g_bytes_get_size (sample));

  image = (IdemIso19794Image) { .quality = 70, .width = 4, .height = 3,
                                .format = IDEM_BIOMETRIC_IMAGE_FORMAT_PNG, .image = png };
  {
    g_autoptr(GBytes) png_record = write_ok (IDEM_ISO19794_FACE, &image);
    g_autoptr(IdemIso19794Record) png_read = parse_ok (png_record);

    assert_same_image (&image, idem_iso19794_record_get_image (png_read, 0));
    g_assert_cmpuint (idem_iso19794_record_get_image (png_read, 0)->compression, ==, 3);
  }
}

static void
test_write_rejects (void)
{
  g_autoptr(GBytes) png = g_bytes_new_static (tiny_png, sizeof tiny_png);
  g_autoptr(GBytes) grey = g_bytes_new_take (g_malloc0 (100), 100);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  struct {
    IdemIso19794Modality modality;
    IdemIso19794Image image;
    int code;
  } cases[] = {
    /* PNG bytes declared as JPEG 2000 */
    { IDEM_ISO19794_FINGER, { .width = 4, .height = 3, .quality = -1, .format = IDEM_BIOMETRIC_IMAGE_FORMAT_JPEG2000, .image = png },
      IDEM_ISO19794_ERROR_BAD_VALUE },
    /* 100 grey bytes are not 11 × 10 pixels */
    { IDEM_ISO19794_FINGER, { .width = 11, .height = 10, .quality = -1, .format = IDEM_BIOMETRIC_IMAGE_FORMAT_RAW, .image = grey },
      IDEM_ISO19794_ERROR_BAD_LENGTH },
    /* a face cannot be raw grey or WSQ */
    { IDEM_ISO19794_FACE, { .width = 10, .height = 10, .quality = -1, .format = IDEM_BIOMETRIC_IMAGE_FORMAT_RAW, .image = grey },
      IDEM_ISO19794_ERROR_BAD_VALUE },
    { IDEM_ISO19794_FINGER, { .width = 0, .height = 3, .quality = -1, .format = IDEM_BIOMETRIC_IMAGE_FORMAT_PNG, .image = png },
      IDEM_ISO19794_ERROR_BAD_VALUE },
    { IDEM_ISO19794_FINGER, { .width = 4, .height = 3, .quality = 101, .format = IDEM_BIOMETRIC_IMAGE_FORMAT_PNG, .image = png },
      IDEM_ISO19794_ERROR_BAD_VALUE },
    { IDEM_ISO19794_FINGER, { .width = 4, .height = 3, .quality = -1, .finger_position = 99,
                              .format = IDEM_BIOMETRIC_IMAGE_FORMAT_PNG, .image = png },
      IDEM_ISO19794_ERROR_BAD_VALUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) written = idem_iso19794_write (cases[i].modality, &cases[i].image, now, &error);

      g_assert_error (error, IDEM_ISO19794_ERROR, cases[i].code);
      g_assert_null (written);
    }
}

static void
test_damaged (void)
{
  g_autoptr(GBytes) png = g_bytes_new_static (tiny_png, sizeof tiny_png);
  IdemIso19794Image finger = { .finger_position = 2, .quality = 60, .width = 4, .height = 3,
                               .format = IDEM_BIOMETRIC_IMAGE_FORMAT_PNG, .image = png };
  IdemIso19794Image face = { .quality = 60, .width = 4, .height = 3,
                             .format = IDEM_BIOMETRIC_IMAGE_FORMAT_PNG, .image = png };
  g_autoptr(GBytes) record = write_ok (IDEM_ISO19794_FINGER, &finger);
  g_autoptr(GBytes) face_record = write_ok (IDEM_ISO19794_FACE, &face);
  gsize size = g_bytes_get_size (record);
  gsize face_size = g_bytes_get_size (face_record);
  /* Offsets in the finger record written above (one quality block). */
  const gsize image_length_offset = 16 + 4 + 14 + 6 + 18;

  /* Every proper prefix is cut short: the record length says so. */
  for (gsize n = 0; n < size; n++)
    {
      g_autoptr(GBytes) prefix = g_bytes_new_from_bytes (record, 0, n);

      assert_parse_error (prefix, IDEM_ISO19794_ERROR_TRUNCATED);
    }
  for (gsize n = 0; n < face_size; n++)
    {
      g_autoptr(GBytes) prefix = g_bytes_new_from_bytes (face_record, 0, n);

      assert_parse_error (prefix, IDEM_ISO19794_ERROR_TRUNCATED);
    }

  /* A prefix whose record length was fixed up is still caught, by the
   * representation's own length. */
  {
    g_autoptr(GBytes) prefix = g_bytes_new_from_bytes (record, 0, size - 10);
    g_autoptr(GBytes) fixed = patched (prefix, 8, size - 10, 4);

    assert_parse_error (fixed, IDEM_ISO19794_ERROR_TRUNCATED);
  }

  /* Lengths that lie */
  {
    g_autoptr(GBytes) longer = patched (record, 8, size + 1, 4);
    g_autoptr(GBytes) shorter = patched (record, 8, size - 1, 4);
    g_autoptr(GBytes) huge_image = patched (record, image_length_offset, 0xFFFFFFF0u, 4);
    g_autoptr(GBytes) short_image = patched (record, image_length_offset, sizeof tiny_png - 1, 4);
    g_autoptr(GBytes) tiny_representation = patched (record, 16, 3, 4);
    g_autoptr(GBytes) huge_representation = patched (record, 16, 0xFFFFFFFFu, 4);
    g_autoptr(GBytes) huge_face_image = patched (face_record, face_size - sizeof tiny_png - 4, 0x7FFFFFFFu, 4);

    assert_parse_error (longer, IDEM_ISO19794_ERROR_TRUNCATED);
    assert_parse_error (shorter, IDEM_ISO19794_ERROR_BAD_LENGTH);
    assert_parse_error (huge_image, IDEM_ISO19794_ERROR_TRUNCATED);
    /* One byte left over after the image: an extended data block of one
     * byte cannot be. */
    assert_parse_error (short_image, IDEM_ISO19794_ERROR_TRUNCATED);
    assert_parse_error (tiny_representation, IDEM_ISO19794_ERROR_BAD_LENGTH);
    assert_parse_error (huge_representation, IDEM_ISO19794_ERROR_TRUNCATED);
    assert_parse_error (huge_face_image, IDEM_ISO19794_ERROR_TRUNCATED);
  }

  /* Counts */
  {
    g_autoptr(GBytes) none = patched (record, 12, 0, 2);
    g_autoptr(GBytes) many = patched (record, 12, 65535, 2);
    g_autoptr(GBytes) two = patched (record, 12, 2, 2);
    g_autoptr(GBytes) many_landmarks = patched (face_record, 17 + 4 + 14 + 6, 5000, 2);

    assert_parse_error (none, IDEM_ISO19794_ERROR_TOO_MANY);
    assert_parse_error (many, IDEM_ISO19794_ERROR_TOO_MANY);
    /* A second representation that is not there */
    assert_parse_error (two, IDEM_ISO19794_ERROR_TRUNCATED);
    assert_parse_error (many_landmarks, IDEM_ISO19794_ERROR_TRUNCATED);
  }

  /* Values and identity */
  {
    g_autoptr(GBytes) quality = patched (record, 16 + 4 + 14 + 1, 150, 1);
    g_autoptr(GBytes) position = patched (record, 16 + 4 + 14 + 6, 200, 1);
    g_autoptr(GBytes) magic = patched (record, 0, 0x46495A00, 4);
    g_autoptr(GBytes) version = patched (record, 4, 0x30333000, 4);
    g_autoptr(GBytes) old_face = patched (face_record, 4, 0x30313000, 4);

    assert_parse_error (quality, IDEM_ISO19794_ERROR_BAD_VALUE);
    assert_parse_error (position, IDEM_ISO19794_ERROR_BAD_VALUE);
    assert_parse_error (magic, IDEM_ISO19794_ERROR_NOT_ISO19794);
    assert_parse_error (version, IDEM_ISO19794_ERROR_UNSUPPORTED);
    assert_parse_error (old_face, IDEM_ISO19794_ERROR_UNSUPPORTED);
  }

  /* Garbage after the record, declared in the record length */
  {
    gsize padded_size = size + 3;
    guint8 *data = g_malloc0 (padded_size);
    g_autoptr(GBytes) padded = NULL;
    g_autoptr(GBytes) fixed = NULL;

    memcpy (data, g_bytes_get_data (record, NULL), size);
    padded = g_bytes_new_take (data, padded_size);
    fixed = patched (padded, 8, padded_size, 4);
    assert_parse_error (fixed, IDEM_ISO19794_ERROR_BAD_LENGTH);
  }
}

static void
test_detect (void)
{
  static const guint8 j2k[] = { 0xFF, 0x4F, 0xFF, 0x51, 0x00 };
  static const guint8 wsq[] = { 0xFF, 0xA0, 0xFF, 0xA8 };
  static const guint8 jpeg[] = { 0xFF, 0xD8, 0xFF, 0xE0 };
  static const guint8 jp2_short[] = { 0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50 };

  g_assert_cmpint (idem_biometric_image_format_detect (j2k, sizeof j2k), ==, IDEM_BIOMETRIC_IMAGE_FORMAT_JPEG2000);
  g_assert_cmpint (idem_biometric_image_format_detect (wsq, sizeof wsq), ==, IDEM_BIOMETRIC_IMAGE_FORMAT_WSQ);
  g_assert_cmpint (idem_biometric_image_format_detect (jpeg, sizeof jpeg), ==, IDEM_BIOMETRIC_IMAGE_FORMAT_JPEG);
  g_assert_cmpint (idem_biometric_image_format_detect (tiny_png, sizeof tiny_png), ==, IDEM_BIOMETRIC_IMAGE_FORMAT_PNG);
  g_assert_cmpint (idem_biometric_image_format_detect (jp2_short, sizeof jp2_short), ==, IDEM_BIOMETRIC_IMAGE_FORMAT_UNKNOWN);
  g_assert_cmpint (idem_biometric_image_format_detect (NULL, 0), ==, IDEM_BIOMETRIC_IMAGE_FORMAT_UNKNOWN);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/iso19794/mosip-2011-records", test_mosip_2011_records);
  g_test_add_func ("/iso19794/mosip-2005-records", test_mosip_2005_records);
  g_test_add_func ("/iso19794/all-samples", test_all_samples);
  g_test_add_func ("/iso19794/write-finger", test_write_finger);
  g_test_add_func ("/iso19794/write-face", test_write_face);
  g_test_add_func ("/iso19794/write-rejects", test_write_rejects);
  g_test_add_func ("/iso19794/damaged", test_damaged);
  g_test_add_func ("/iso19794/detect", test_detect);

  return g_test_run ();
}
