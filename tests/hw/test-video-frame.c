/* test-video-frame.c — frames as plain pixels: validation and PNG/JPEG
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include <idem-hw.h>

#include "hw-test-util.h"

static void
test_new_bad_input (void)
{
  g_autoptr(GBytes) bytes = g_bytes_new_take (g_malloc0 (100), 100);
  g_autoptr(GError) error = NULL;
  IdemVideoFrame *frame;

  frame = idem_video_frame_new (IDEM_PIXEL_FORMAT_RGBA, 0, 1, 4, bytes, &error);
  g_assert_null (frame);
  g_assert_error (error, IDEM_VIDEO_FRAME_ERROR, IDEM_VIDEO_FRAME_ERROR_INVALID);
  g_clear_error (&error);

  /* A row of 5 RGBA pixels needs 20 bytes. */
  frame = idem_video_frame_new (IDEM_PIXEL_FORMAT_RGBA, 5, 1, 16, bytes, &error);
  g_assert_null (frame);
  g_assert_error (error, IDEM_VIDEO_FRAME_ERROR, IDEM_VIDEO_FRAME_ERROR_INVALID);
  g_clear_error (&error);

  /* 5 rows of 20 bytes fit exactly; 6 do not. */
  frame = idem_video_frame_new (IDEM_PIXEL_FORMAT_RGBA, 5, 6, 20, bytes, &error);
  g_assert_null (frame);
  g_assert_error (error, IDEM_VIDEO_FRAME_ERROR, IDEM_VIDEO_FRAME_ERROR_INVALID);
  g_clear_error (&error);

  frame = idem_video_frame_new ((IdemPixelFormat) 42, 5, 5, 20, bytes, &error);
  g_assert_null (frame);
  g_assert_error (error, IDEM_VIDEO_FRAME_ERROR, IDEM_VIDEO_FRAME_ERROR_INVALID);
  g_clear_error (&error);

  frame = idem_video_frame_new (IDEM_PIXEL_FORMAT_RGBA, 5, 5, 20, bytes, &error);
  g_assert_no_error (error);
  g_assert_nonnull (frame);
  g_assert_cmpuint (idem_video_frame_get_bytes_per_pixel (frame), ==, 4);
  idem_video_frame_unref (frame);

  /* The last row need not be padded to the stride. */
  frame = idem_video_frame_new (IDEM_PIXEL_FORMAT_GRAY8, 10, 10, 10, bytes, &error);
  g_assert_no_error (error);
  idem_video_frame_unref (frame);
  frame = idem_video_frame_new (IDEM_PIXEL_FORMAT_GRAY8, 4, 5, 24, bytes, &error);
  g_assert_no_error (error);
  idem_video_frame_unref (frame);
}

/* A gradient with padded rows whose padding is garbage: encoders must use
 * the stride, not assume packed rows. */
static IdemVideoFrame *
make_gradient (IdemPixelFormat format,
               guint           width,
               guint           height)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  guint bpp = format == IDEM_PIXEL_FORMAT_GRAY8 ? 1 : 4;
  gsize stride = width * bpp + 12;
  guint8 *pixels = g_malloc (stride * height);
  IdemVideoFrame *frame;

  memset (pixels, 0x5a, stride * height);
  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      {
        guint8 *p = pixels + y * stride + x * bpp;

        p[0] = (x * 255) / (width - 1);
        if (bpp == 4)
          {
            p[1] = (y * 255) / (height - 1);
            p[2] = ((x + y) * 7) & 0xff;
            p[3] = 255;
          }
      }

  bytes = g_bytes_new_take (pixels, stride * height);
  frame = idem_video_frame_new (format, width, height, stride, bytes, &error);
  g_assert_no_error (error);

  return frame;
}

static void
assert_same_pixels (IdemVideoFrame *a,
                    IdemVideoFrame *b)
{
  g_assert_cmpuint (idem_video_frame_get_width (a), ==, idem_video_frame_get_width (b));
  g_assert_cmpuint (idem_video_frame_get_height (a), ==, idem_video_frame_get_height (b));

  for (guint y = 0; y < idem_video_frame_get_height (a); y++)
    for (guint x = 0; x < idem_video_frame_get_width (a); x++)
      {
        guint8 pa[3], pb[3];

        idem_video_frame_get_rgb (a, x, y, &pa[0], &pa[1], &pa[2]);
        idem_video_frame_get_rgb (b, x, y, &pb[0], &pb[1], &pb[2]);
        if (memcmp (pa, pb, 3) != 0)
          g_error ("Pixel %u,%u differs: (%d,%d,%d) != (%d,%d,%d)", x, y,
                   pa[0], pa[1], pa[2], pb[0], pb[1], pb[2]);
      }
}

static void
test_png_round_trip (gconstpointer data)
{
  IdemPixelFormat format = GPOINTER_TO_INT (data);
  g_autoptr(IdemVideoFrame) frame = make_gradient (format, 61, 37);
  g_autoptr(IdemVideoFrame) decoded = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GError) error = NULL;

  png = idem_video_frame_encode (frame, IDEM_IMAGE_FORMAT_PNG, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (png);

  decoded = idem_video_frame_decode (png, format, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (idem_video_frame_get_format (decoded), ==, format);
  assert_same_pixels (frame, decoded);
}

static void
test_encode_short_last_row (void)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(IdemVideoFrame) frame = NULL;
  g_autoptr(IdemVideoFrame) decoded = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GError) error = NULL;
  guint8 pixels[3 * 16 + 5];

  /* Three rows 16 bytes apart, the last one only 5 pixels long. */
  for (guint i = 0; i < sizeof pixels; i++)
    pixels[i] = (i % 16) < 5 ? 40 * (i % 16) + i / 16 : 0xee;

  bytes = g_bytes_new (pixels, sizeof pixels);
  frame = idem_video_frame_new (IDEM_PIXEL_FORMAT_GRAY8, 5, 4, 16, bytes, &error);
  g_assert_no_error (error);

  png = idem_video_frame_encode (frame, IDEM_IMAGE_FORMAT_PNG, NULL, &error);
  g_assert_no_error (error);
  decoded = idem_video_frame_decode (png, IDEM_PIXEL_FORMAT_GRAY8, NULL, &error);
  g_assert_no_error (error);
  assert_same_pixels (frame, decoded);
}

static void
test_decode_bad_input (void)
{
  static const guint8 truncated_png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13 };
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GBytes) text = g_bytes_new_static ("this is not a picture, only words", 33);
  g_autoptr(GBytes) truncated = g_bytes_new_static (truncated_png, sizeof truncated_png);
  GBytes *inputs[] = { empty, text, truncated };

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(IdemVideoFrame) frame = NULL;

      frame = idem_video_frame_decode (inputs[i], IDEM_PIXEL_FORMAT_RGBA, NULL, &error);
      g_assert_null (frame);
      g_assert_error (error, IDEM_VIDEO_FRAME_ERROR, IDEM_VIDEO_FRAME_ERROR_DECODE);
    }
}

static void
test_encode_cancelled (void)
{
  g_autoptr(IdemVideoFrame) frame = make_gradient (IDEM_PIXEL_FORMAT_RGBA, 16, 16);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GBytes) encoded = NULL;
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  encoded = idem_video_frame_encode (frame, IDEM_IMAGE_FORMAT_JPEG, cancellable, &error);
  g_assert_null (encoded);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  hw_test_init (&argc, &argv);

  g_test_add_func ("/hw/video-frame/new-bad-input", test_new_bad_input);
  g_test_add_data_func ("/hw/video-frame/png-round-trip/rgba", GINT_TO_POINTER (IDEM_PIXEL_FORMAT_RGBA),
                        test_png_round_trip);
  g_test_add_data_func ("/hw/video-frame/png-round-trip/bgra", GINT_TO_POINTER (IDEM_PIXEL_FORMAT_BGRA),
                        test_png_round_trip);
  g_test_add_data_func ("/hw/video-frame/png-round-trip/gray8", GINT_TO_POINTER (IDEM_PIXEL_FORMAT_GRAY8),
                        test_png_round_trip);
  g_test_add_func ("/hw/video-frame/encode-short-last-row", test_encode_short_last_row);
  g_test_add_func ("/hw/video-frame/decode-bad-input", test_decode_bad_input);
  g_test_add_func ("/hw/video-frame/encode-cancelled", test_encode_cancelled);

  return g_test_run ();
}
