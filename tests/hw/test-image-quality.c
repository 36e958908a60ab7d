/* test-image-quality.c — exposure and sharpness figures on known pictures
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include <idem-hw.h>

#include "hw-test-util.h"

typedef guint8 (*GreyFunc) (guint x,
                            guint y);

static IdemVideoFrame *
make_grey_frame (IdemPixelFormat format,
                 guint           width,
                 guint           height,
                 GreyFunc        grey)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  guint bpp = format == IDEM_PIXEL_FORMAT_GRAY8 ? 1 : 4;
  gsize stride = width * bpp + 8;   /* padded rows, as cameras deliver them */
  guint8 *pixels = g_malloc0 (stride * height);
  IdemVideoFrame *frame;

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      {
        guint8 *p = pixels + y * stride + x * bpp;
        guint8 value = grey (x, y);

        memset (p, value, bpp);
        if (bpp == 4)
          p[3] = 255;
      }

  bytes = g_bytes_new_take (pixels, stride * height);
  frame = idem_video_frame_new (format, width, height, stride, bytes, &error);
  g_assert_no_error (error);

  return frame;
}

static guint8
flat_grey (guint x,
           guint y)
{
  return 128;
}

static guint8
black (guint x,
       guint y)
{
  return 0;
}

static guint8
white (guint x,
       guint y)
{
  return 255;
}

static guint8
checkerboard (guint x,
              guint y)
{
  return ((x / 4 + y / 4) % 2) ? 255 : 0;
}

static guint8
halves (guint x,
        guint y)
{
  return x < 32 ? 0 : 255;
}

/* The checkerboard seen through a defocused lens: a 7 × 7 box blur. */
static guint8
blurred_checkerboard (guint x,
                      guint y)
{
  guint sum = 0;

  for (int dy = -3; dy <= 3; dy++)
    for (int dx = -3; dx <= 3; dx++)
      sum += checkerboard (x + dx + 8, y + dy + 8);

  return sum / 49;
}

static void
test_flat (void)
{
  g_autoptr(IdemVideoFrame) frame = make_grey_frame (IDEM_PIXEL_FORMAT_RGBA, 64, 48, flat_grey);
  IdemImageQuality quality;

  idem_image_quality_measure (frame, &quality);
  g_assert_cmpfloat_with_epsilon (quality.exposure, 128, 1);
  g_assert_cmpfloat_with_epsilon (quality.sharpness, 0, 1e-9);
  g_assert_cmpint (idem_image_quality_get_problems (&quality), ==, IDEM_IMAGE_PROBLEM_BLURRY);
}

static void
test_checkerboard (void)
{
  g_autoptr(IdemVideoFrame) sharp = make_grey_frame (IDEM_PIXEL_FORMAT_GRAY8, 64, 48, checkerboard);
  g_autoptr(IdemVideoFrame) blurred = make_grey_frame (IDEM_PIXEL_FORMAT_GRAY8, 64, 48, blurred_checkerboard);
  IdemImageQuality sharp_quality;
  IdemImageQuality blurred_quality;

  idem_image_quality_measure (sharp, &sharp_quality);
  idem_image_quality_measure (blurred, &blurred_quality);
  g_test_message ("sharpness: checkerboard %.0f, blurred %.0f",
                  sharp_quality.sharpness, blurred_quality.sharpness);

  g_assert_cmpfloat_with_epsilon (sharp_quality.exposure, 127.5, 1);
  g_assert_cmpfloat (sharp_quality.sharpness, >, 10000);
  g_assert_cmpint (idem_image_quality_get_problems (&sharp_quality), ==, IDEM_IMAGE_PROBLEM_NONE);

  /* Blur keeps the exposure and loses most of the sharpness. */
  g_assert_cmpfloat_with_epsilon (blurred_quality.exposure, sharp_quality.exposure, 4);
  g_assert_cmpfloat (blurred_quality.sharpness, <, sharp_quality.sharpness / 10);
}

static void
test_exposure (void)
{
  g_autoptr(IdemVideoFrame) dark = make_grey_frame (IDEM_PIXEL_FORMAT_BGRA, 32, 32, black);
  g_autoptr(IdemVideoFrame) bright = make_grey_frame (IDEM_PIXEL_FORMAT_RGBA, 32, 32, white);
  IdemImageQuality quality;

  idem_image_quality_measure (dark, &quality);
  g_assert_cmpfloat_with_epsilon (quality.exposure, 0, 1e-9);
  g_assert_cmpint (idem_image_quality_get_problems (&quality), ==,
                   IDEM_IMAGE_PROBLEM_TOO_DARK | IDEM_IMAGE_PROBLEM_BLURRY);

  idem_image_quality_measure (bright, &quality);
  g_assert_cmpfloat_with_epsilon (quality.exposure, 255, 1);
  g_assert_cmpint (idem_image_quality_get_problems (&quality), ==,
                   IDEM_IMAGE_PROBLEM_TOO_BRIGHT | IDEM_IMAGE_PROBLEM_BLURRY);
}

static void
test_colour_luma (void)
{
  static const guint8 red_rgba[] = { 255, 0, 0, 255 };
  static const guint8 red_bgra[] = { 0, 0, 255, 255 };
  g_autoptr(GBytes) rgba_bytes = g_bytes_new_static (red_rgba, sizeof red_rgba);
  g_autoptr(GBytes) bgra_bytes = g_bytes_new_static (red_bgra, sizeof red_bgra);
  g_autoptr(IdemVideoFrame) rgba = NULL;
  g_autoptr(IdemVideoFrame) bgra = NULL;
  g_autoptr(GError) error = NULL;
  IdemImageQuality a, b;

  rgba = idem_video_frame_new (IDEM_PIXEL_FORMAT_RGBA, 1, 1, 4, rgba_bytes, &error);
  g_assert_no_error (error);
  bgra = idem_video_frame_new (IDEM_PIXEL_FORMAT_BGRA, 1, 1, 4, bgra_bytes, &error);
  g_assert_no_error (error);

  /* Pure red is dark to the eye: BT.601 gives it 30 % of white. */
  idem_image_quality_measure (rgba, &a);
  idem_image_quality_measure (bgra, &b);
  g_assert_cmpfloat_with_epsilon (a.exposure, 76, 1);
  g_assert_cmpfloat_with_epsilon (a.exposure, b.exposure, 1e-9);
}

static void
test_region (void)
{
  g_autoptr(IdemVideoFrame) frame = make_grey_frame (IDEM_PIXEL_FORMAT_RGBA, 64, 32, halves);
  IdemImageQuality quality;

  g_assert_true (idem_image_quality_measure_region (frame, 0, 0, 32, 32, &quality));
  g_assert_cmpfloat_with_epsilon (quality.exposure, 0, 1e-9);
  g_assert_true (idem_image_quality_measure_region (frame, 32, 0, 32, 32, &quality));
  g_assert_cmpfloat_with_epsilon (quality.exposure, 255, 1);

  /* The edge between the halves is the only detail. */
  g_assert_true (idem_image_quality_measure_region (frame, 16, 0, 32, 32, &quality));
  g_assert_cmpfloat (quality.sharpness, >, 100);

  /* Bad input: a region outside the frame measures nothing. */
  g_assert_false (idem_image_quality_measure_region (frame, 60, 0, 8, 8, &quality));
  g_assert_cmpfloat (quality.exposure, ==, 0);
  g_assert_cmpfloat (quality.sharpness, ==, 0);
  g_assert_false (idem_image_quality_measure_region (frame, 0, 0, 0, 8, &quality));
  g_assert_false (idem_image_quality_measure_region (frame, 0, 40, 8, 8, &quality));
}

static void
test_hints (void)
{
  g_assert_null (idem_image_problem_get_hint (IDEM_IMAGE_PROBLEM_NONE));
  g_assert_nonnull (idem_image_problem_get_hint (IDEM_IMAGE_PROBLEM_TOO_DARK));
  g_assert_nonnull (idem_image_problem_get_hint (IDEM_IMAGE_PROBLEM_TOO_BRIGHT));
  g_assert_nonnull (idem_image_problem_get_hint (IDEM_IMAGE_PROBLEM_BLURRY));
  g_assert_null (idem_image_problem_get_hint (IDEM_IMAGE_PROBLEM_TOO_DARK | IDEM_IMAGE_PROBLEM_BLURRY));
}

static void
test_camera_still (void)
{
  g_autoptr(IdemCamera) camera = idem_camera_new ();
  g_autoptr(IdemVideoFrame) still = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  IdemImageQuality quality;

  idem_camera_set_source (camera, "videotestsrc is-live=true pattern=smpte");
  idem_camera_set_width (camera, 320);
  idem_camera_set_height (camera, 240);
  idem_camera_start_async (camera, NULL, NULL, NULL);
  idem_camera_capture_still_async (camera, NULL, hw_test_store_result_cb, &slot);
  result = hw_test_wait_result (&slot, "a still");
  still = idem_camera_capture_still_finish (camera, result, &error);
  g_assert_no_error (error);
  idem_camera_stop (camera);

  /* Colour bars: mid exposure, hard edges. */
  idem_image_quality_measure (still, &quality);
  g_test_message ("SMPTE bars: exposure %.1f, sharpness %.0f", quality.exposure, quality.sharpness);
  g_assert_cmpfloat (quality.exposure, >, IDEM_IMAGE_QUALITY_MIN_EXPOSURE);
  g_assert_cmpfloat (quality.exposure, <, IDEM_IMAGE_QUALITY_MAX_EXPOSURE);
  g_assert_cmpfloat (quality.sharpness, >, IDEM_IMAGE_QUALITY_MIN_SHARPNESS);
}

int
main (int   argc,
      char *argv[])
{
  hw_test_init (&argc, &argv);

  g_test_add_func ("/hw/image-quality/flat", test_flat);
  g_test_add_func ("/hw/image-quality/checkerboard", test_checkerboard);
  g_test_add_func ("/hw/image-quality/exposure", test_exposure);
  g_test_add_func ("/hw/image-quality/colour-luma", test_colour_luma);
  g_test_add_func ("/hw/image-quality/region", test_region);
  g_test_add_func ("/hw/image-quality/hints", test_hints);
  g_test_add_func ("/hw/image-quality/camera-still", test_camera_still);

  return g_test_run ();
}
