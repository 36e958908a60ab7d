/* test-image-decode.c — JPEG and JPEG 2000 images to grey, and what a
 * hostile image gets: truncated, oversized, garbage, too many scans
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The JPEG images are made here with libjpeg's compressor, so each test
 * knows exactly what the decoder should give back.
 */

#include "config.h"

#include <idem.h>
#include <idem-minutiae-extract.h>

#include <setjmp.h>
#include <stdio.h>
#include <jpeglib.h>

#define WIDTH 320
#define HEIGHT 240

typedef enum
{
  ENCODE_COLOUR,
  ENCODE_GREY,
  ENCODE_GREY_PROGRESSIVE,
  ENCODE_GREY_MANY_SCANS,
  ENCODE_CMYK,
} EncodeKind;

/* A colour picture with enough structure to notice a wrong row or a
 * swapped channel: horizontal red ramp, vertical green ramp, blue bars. */
static void
reference_rgb (guint   x,
               guint   y,
               guint8 *rgb)
{
  rgb[0] = (guint8) (x * 255 / (WIDTH - 1));
  rgb[1] = (guint8) (y * 255 / (HEIGHT - 1));
  rgb[2] = (x / 40) % 2 ? 200 : 40;
}

static guint8
reference_luma (guint x,
                guint y)
{
  guint8 rgb[3];

  reference_rgb (x, y, rgb);

  return (guint8) ((299 * rgb[0] + 587 * rgb[1] + 114 * rgb[2] + 500) / 1000);
}

/* Progressive grey: DC, then each AC coefficient on its own at half
 * precision, then each again to refine it, 127 scans in all. */
static jpeg_scan_info many_scans[1 + 63 + 63];

static void
set_many_scans (j_compress_ptr compress)
{
  guint n = 0;

  many_scans[n++] = (jpeg_scan_info) { 1, { 0 }, 0, 0, 0, 0 };
  for (int ah = 0; ah <= 1; ah++)
    for (int k = 1; k < 64; k++)
      many_scans[n++] = (jpeg_scan_info) { 1, { 0 }, k, k, ah, 1 - ah }
  ;
  compress->scan_info = many_scans;
  compress->num_scans = n;
}

static GBytes *
encode (EncodeKind kind,
        guint      width,
        guint      height)
{
  struct jpeg_compress_struct compress;
  struct jpeg_error_mgr errors;
  unsigned char *buffer = NULL;
  unsigned long size = 0;
  g_autofree guint8 *row = NULL;
  GBytes *bytes;

  compress.err = jpeg_std_error (&errors);
  jpeg_create_compress (&compress);
  jpeg_mem_dest (&compress, &buffer, &size);
  compress.image_width = width;
  compress.image_height = height;
  switch (kind)
    {
    case ENCODE_COLOUR:
      compress.input_components = 3;
      compress.in_color_space = JCS_RGB;
      break;

    case ENCODE_CMYK:
      compress.input_components = 4;
      compress.in_color_space = JCS_CMYK;
      break;

    case ENCODE_GREY:
    case ENCODE_GREY_PROGRESSIVE:
    case ENCODE_GREY_MANY_SCANS:
    default:
      compress.input_components = 1;
      compress.in_color_space = JCS_GRAYSCALE;
      break;
    }
  jpeg_set_defaults (&compress);
  jpeg_set_quality (&compress, 95, TRUE);
  if (kind == ENCODE_GREY_PROGRESSIVE)
    jpeg_simple_progression (&compress);
  else if (kind == ENCODE_GREY_MANY_SCANS)
    set_many_scans (&compress);
  jpeg_start_compress (&compress, TRUE);

  row = g_new (guint8, width * 4);
  while (compress.next_scanline < height)
    {
      guint y = compress.next_scanline;
      JSAMPROW rows[1] = { row };

      for (guint x = 0; x < width; x++)
        {
          guint8 rgb[3];

          reference_rgb (x % WIDTH, y % HEIGHT, rgb);
          if (compress.input_components == 3)
            memcpy (row + 3 * x, rgb, 3);
          else if (compress.input_components == 4)
            memcpy (row + 4 * x, (guint8[]) { rgb[0], rgb[1], rgb[2], 0 }, 4);
          else
            row[x] = reference_luma (x % WIDTH, y % HEIGHT);
        }
      jpeg_write_scanlines (&compress, rows, 1);
    }
  jpeg_finish_compress (&compress);
  jpeg_destroy_compress (&compress);

  bytes = g_bytes_new (buffer, size);
  free (buffer);

  return bytes;
}

/* Mean absolute difference from the reference luma. */
static double
luma_error (const guint8 *pixels)
{
  double sum = 0;

  for (guint y = 0; y < HEIGHT; y++)
    for (guint x = 0; x < WIDTH; x++)
      sum += ABS ((int) pixels[y * WIDTH + x] - (int) reference_luma (x, y));

  return sum / (WIDTH * HEIGHT);
}

static void
assert_decodes (GBytes *jpeg)
{
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *pixels = NULL;
  guint width = 0, height = 0;
  double difference;

  pixels = idem_image_decode_grey (jpeg, &width, &height, &error);
  g_assert_no_error (error);
  g_assert_nonnull (pixels);
  g_assert_cmpuint (width, ==, WIDTH);
  g_assert_cmpuint (height, ==, HEIGHT);
  difference = luma_error (pixels);
  g_test_message ("mean luma difference %.2f", difference);
  g_assert_cmpfloat (difference, <, 2.0);
}

static void
assert_refused (GBytes     *image,
                const char *reason)
{
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *pixels = NULL;
  guint width = 7, height = 7;

  pixels = idem_image_decode_grey (image, &width, &height, &error);
  g_assert_error (error, IDEM_MINUTIAE_ERROR, IDEM_MINUTIAE_ERROR_IMAGE);
  g_assert_null (pixels);
  g_assert_cmpuint (width, ==, 7);
  g_assert_cmpuint (height, ==, 7);
  g_test_message ("%s: %s", reason, error->message);
}

static void
test_jpeg_colour (void)
{
  g_autoptr(GBytes) jpeg = encode (ENCODE_COLOUR, WIDTH, HEIGHT);

  assert_decodes (jpeg);
}

static void
test_jpeg_grey (void)
{
  g_autoptr(GBytes) baseline = encode (ENCODE_GREY, WIDTH, HEIGHT);
  g_autoptr(GBytes) progressive = encode (ENCODE_GREY_PROGRESSIVE, WIDTH, HEIGHT);

  assert_decodes (baseline);
  assert_decodes (progressive);
}

static void
test_jpeg_truncated (void)
{
  g_autoptr(GBytes) jpeg = encode (ENCODE_COLOUR, WIDTH, HEIGHT);
  gsize size = g_bytes_get_size (jpeg);

  /* In the middle of the entropy-coded data, just before the end-of-image
   * marker, and inside the header. */
  for (guint i = 0; i < 3; i++)
    {
      gsize kept = i == 0 ? size / 2 : i == 1 ? size - 2 : 100;
      g_autoptr(GBytes) cut = g_bytes_new_from_bytes (jpeg, 0, kept);

      assert_refused (cut, "truncated");
    }
}

/* Offset of the start-of-frame's height field in a JPEG made here. */
static gsize
frame_size_offset (const guint8 *data,
                   gsize         size)
{
  for (gsize i = 2; i + 9 < size; i++)
    if (data[i] == 0xFF && (data[i + 1] == 0xC0 || data[i + 1] == 0xC2))
      return i + 5;
  g_assert_not_reached ();
}

static GBytes *
with_declared_size (GBytes *jpeg,
                    guint   width,
                    guint   height)
{
  gsize size;
  guint8 *data = g_bytes_unref_to_data (g_bytes_ref (jpeg), &size);
  gsize offset = frame_size_offset (data, size);

  data[offset] = height >> 8;
  data[offset + 1] = height & 0xFF;
  data[offset + 2] = width >> 8;
  data[offset + 3] = width & 0xFF;

  return g_bytes_new_take (data, size);
}

static void
test_jpeg_bomb (void)
{
  g_autoptr(GBytes) jpeg = encode (ENCODE_GREY, 64, 64);
  g_autoptr(GBytes) huge = with_declared_size (jpeg, 65000, 65000);
  g_autoptr(GBytes) too_many = with_declared_size (jpeg, 5001, 5001);
  g_autoptr(GBytes) too_wide = with_declared_size (jpeg, 20000, 8);
  gint64 start = g_get_monotonic_time ();

  /* Refused from the header alone: no 4 GB buffer, and at once. */
  assert_refused (huge, "65000×65000");
  assert_refused (too_many, "5001×5001");
  assert_refused (too_wide, "20000×8");
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
}

static void
test_jpeg_many_scans (void)
{
  g_autoptr(GBytes) jpeg = encode (ENCODE_GREY_MANY_SCANS, WIDTH, HEIGHT);
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *pixels = NULL;
  guint width, height;

  pixels = idem_image_decode_grey (jpeg, &width, &height, &error);
  g_assert_error (error, IDEM_MINUTIAE_ERROR, IDEM_MINUTIAE_ERROR_IMAGE);
  g_assert_nonnull (strstr (error->message, "more than 100 scans"));
}

static void
test_jpeg_cmyk (void)
{
  g_autoptr(GBytes) jpeg = encode (ENCODE_CMYK, WIDTH, HEIGHT);

  assert_refused (jpeg, "CMYK");
}

static void
test_jpeg_garbage (void)
{
  g_autoptr(GBytes) jpeg = encode (ENCODE_COLOUR, WIDTH, HEIGHT);
  g_autoptr(GRand) rand = g_rand_new_with_seed (19794);
  const guint8 *original;
  gsize size;

  /* The signature and nothing else, then random bytes after it. */
  {
    g_autoptr(GBytes) bare = g_bytes_new_static ("\xFF\xD8\xFF", 3);

    assert_refused (bare, "signature only");
  }
  for (guint n = 0; n < 20; n++)
    {
      gsize length = 3 + g_rand_int_range (rand, 0, 4096);
      guint8 *data = g_malloc (length);
      g_autoptr(GBytes) garbage = NULL;

      data[0] = 0xFF;
      data[1] = 0xD8;
      data[2] = 0xFF;
      for (gsize i = 3; i < length; i++)
        data[i] = g_rand_int (rand) & 0xFF;
      garbage = g_bytes_new_take (data, length);
      assert_refused (garbage, "random");
    }

  /* A valid image with bytes flipped all over its entropy-coded data:
   * either refused or decoded to the right size, never a crash. */
  original = g_bytes_get_data (jpeg, &size);
  for (guint n = 0; n < 50; n++)
    {
      guint8 *data = g_memdup2 (original, size);
      g_autoptr(GBytes) damaged = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree guint8 *pixels = NULL;
      guint width = 0, height = 0;

      for (guint k = 0; k < 8; k++)
        data[g_rand_int_range (rand, 2, size)] ^= 1 << g_rand_int_range (rand, 0, 8);
      damaged = g_bytes_new_take (data, size);
      pixels = idem_image_decode_grey (damaged, &width, &height, &error);
      g_assert_true ((pixels == NULL) == (error != NULL));
      if (error != NULL)
        g_assert_error (error, IDEM_MINUTIAE_ERROR, IDEM_MINUTIAE_ERROR_IMAGE);
      else
        g_assert_true (width >= 1 && height >= 1 && (guint64) width * height <= 5000 * 5000);
    }
}

static void
test_other_formats_refused (void)
{
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0 };
  static const guint8 wsq[] = { 0xFF, 0xA0, 0xFF, 0xA8, 0, 0 };
  g_autoptr(GBytes) png_bytes = g_bytes_new_static (png, sizeof png);
  g_autoptr(GBytes) wsq_bytes = g_bytes_new_static (wsq, sizeof wsq);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);

  assert_refused (png_bytes, "PNG");
  assert_refused (wsq_bytes, "WSQ");
  assert_refused (empty, "empty");
}

/* The MOSIP sample face is JPEG 2000: still decoded the same way. */
static void
test_jpeg2000_face (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("IDEM_SHARED_DIR"), "biometrics", "mosip-iso-samples",
                                            "Profile", "Default", "Registration", "Face.iso", NULL);
  g_autoptr(IdemIso19794Record) record = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree guint8 *pixels = NULL;
  const IdemIso19794Image *image;
  guint width = 0, height = 0;
  char *contents;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  bytes = g_bytes_new_take (contents, length);
  record = idem_iso19794_parse (bytes, &error);
  g_assert_no_error (error);
  image = idem_iso19794_record_get_image (record, 0);

  pixels = idem_iso19794_image_decode_grey (image, &width, &height, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (width, ==, image->width);
  g_assert_cmpuint (height, ==, image->height);
}

static GBytes *
face_record (GBytes                   *jpeg,
             IdemBiometricImageFormat  format,
             guint                     width,
             guint                     height)
{
  g_autoptr(GDateTime) time = g_date_time_new_utc (2026, 1, 1, 9, 0, 0);
  g_autoptr(GError) error = NULL;
  IdemIso19794Image image = { .quality = -1, .width = width, .height = height,
                              .format = format, .image = jpeg };
  GBytes *record;

  record = idem_iso19794_write (IDEM_ISO19794_FACE, &image, time, &error);
  g_assert_no_error (error);

  return record;
}

/* A face record as the registration client writes one: JPEG inside. */
static void
test_record_jpeg (void)
{
  g_autoptr(GBytes) jpeg = encode (ENCODE_COLOUR, WIDTH, HEIGHT);
  g_autoptr(GBytes) bytes = face_record (jpeg, IDEM_BIOMETRIC_IMAGE_FORMAT_JPEG, WIDTH, HEIGHT);
  g_autoptr(IdemIso19794Record) record = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *pixels = NULL;
  guint width = 0, height = 0;

  record = idem_iso19794_parse (bytes, &error);
  g_assert_no_error (error);
  pixels = idem_iso19794_image_decode_grey (idem_iso19794_record_get_image (record, 0), &width, &height, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (width, ==, WIDTH);
  g_assert_cmpuint (height, ==, HEIGHT);
  g_assert_cmpfloat (luma_error (pixels), <, 2.0);
}

/* The record's own fields must agree with the image it carries. */
static void
test_record_mismatch (void)
{
  g_autoptr(GBytes) jpeg = encode (ENCODE_COLOUR, WIDTH, HEIGHT);
  struct
  {
    IdemBiometricImageFormat format;
    guint                    width;
    guint                    height;
  } lies[] = {
    { IDEM_BIOMETRIC_IMAGE_FORMAT_JPEG, WIDTH + 1, HEIGHT },
    { IDEM_BIOMETRIC_IMAGE_FORMAT_JPEG, WIDTH, HEIGHT / 2 },
  };
  IdemIso19794Image image = { .quality = -1, .width = WIDTH, .height = HEIGHT,
                              .format = IDEM_BIOMETRIC_IMAGE_FORMAT_JPEG2000,
                              .detected_format = IDEM_BIOMETRIC_IMAGE_FORMAT_JPEG,
                              .image = jpeg };
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *pixels = NULL;
  guint width, height;

  /* The writer refuses such a record, so it is put together by hand, as
   * a hostile workstation would. */
  pixels = idem_iso19794_image_decode_grey (&image, &width, &height, &error);
  g_assert_error (error, IDEM_MINUTIAE_ERROR, IDEM_MINUTIAE_ERROR_IMAGE);
  g_assert_null (pixels);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  for (guint i = 0; i < G_N_ELEMENTS (lies); i++)
    {
      g_autoptr(GBytes) bytes = face_record (jpeg, lies[i].format, lies[i].width, lies[i].height);
      g_autoptr(IdemIso19794Record) record = idem_iso19794_parse (bytes, &error);

      g_assert_no_error (error);
      pixels = idem_iso19794_image_decode_grey (idem_iso19794_record_get_image (record, 0),
                                                &width, &height, &error);
      g_assert_error (error, IDEM_MINUTIAE_ERROR, IDEM_MINUTIAE_ERROR_IMAGE);
      g_assert_null (pixels);
      g_test_message ("%s", error->message);
      g_clear_error (&error);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/abis/image-decode/jpeg-colour", test_jpeg_colour);
  g_test_add_func ("/abis/image-decode/jpeg-grey", test_jpeg_grey);
  g_test_add_func ("/abis/image-decode/jpeg-truncated", test_jpeg_truncated);
  g_test_add_func ("/abis/image-decode/jpeg-bomb", test_jpeg_bomb);
  g_test_add_func ("/abis/image-decode/jpeg-many-scans", test_jpeg_many_scans);
  g_test_add_func ("/abis/image-decode/jpeg-cmyk", test_jpeg_cmyk);
  g_test_add_func ("/abis/image-decode/jpeg-garbage", test_jpeg_garbage);
  g_test_add_func ("/abis/image-decode/other-formats-refused", test_other_formats_refused);
  g_test_add_func ("/abis/image-decode/jpeg2000-face", test_jpeg2000_face);
  g_test_add_func ("/abis/image-decode/record-jpeg", test_record_jpeg);
  g_test_add_func ("/abis/image-decode/record-mismatch", test_record_mismatch);

  return g_test_run ();
}
