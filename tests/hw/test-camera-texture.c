/* test-camera-texture.c — a camera still, captured and shown as a texture
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The whole path a face photo takes before the operator sees it: the real
 * GStreamer pipeline (videotestsrc standing in for the camera), a still from
 * IdemCamera, and the GdkTexture a GtkPicture would show, read back pixel by
 * pixel.
 */

#include "config.h"

#include <idem-ui.h>

#include "hw-test-util.h"

/* videotestsrc's SMPTE pattern: seven full-intensity bars across the top
 * two thirds, left to right. */
static const guint8 smpte_bars[][3] = {
  { 255, 255, 255 },
  { 255, 255, 0 },
  { 0, 255, 255 },
  { 0, 255, 0 },
  { 255, 0, 255 },
  { 255, 0, 0 },
  { 0, 0, 255 },
};

/* Reads the texture the way a renderer would: as premultiplied BGRA in
 * native byte order (GDK's download format), here with an opaque alpha. */
static void
texture_get_rgb (const guint8 *downloaded,
                 gsize         stride,
                 guint         x,
                 guint         y,
                 guint8        rgb[3])
{
  guint32 pixel = *(const guint32 *) (downloaded + y * stride + 4 * x);

  rgb[0] = (pixel >> 16) & 0xff;
  rgb[1] = (pixel >> 8) & 0xff;
  rgb[2] = pixel & 0xff;
}

static void
save_screenshot (GdkTexture *texture,
                 const char *name)
{
  g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "screenshots", NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Saved %s", path);
}

static void
test_still_to_texture (gconstpointer data)
{
  IdemPixelFormat format = GPOINTER_TO_INT (data);
  g_autoptr(IdemCamera) camera = idem_camera_new ();
  g_autoptr(IdemVideoFrame) still = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *downloaded = NULL;
  GAsyncResult *slot = NULL;
  const guint width = 320;
  const guint height = 240;
  const gsize stride = width * 4;

  idem_camera_set_source (camera, "videotestsrc is-live=true pattern=smpte");
  idem_camera_set_width (camera, width);
  idem_camera_set_height (camera, height);
  idem_camera_set_pixel_format (camera, format);

  idem_camera_start_async (camera, NULL, NULL, NULL);
  idem_camera_capture_still_async (camera, NULL, hw_test_store_result_cb, &slot);
  result = hw_test_wait_result (&slot, "a still");
  still = idem_camera_capture_still_finish (camera, result, &error);
  g_assert_no_error (error);
  idem_camera_stop (camera);

  texture = idem_video_frame_to_texture (still);
  g_assert_nonnull (texture);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, width);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, height);

  downloaded = g_malloc (stride * height);
  gdk_texture_download (texture, downloaded, stride);

  for (guint i = 0; i < G_N_ELEMENTS (smpte_bars); i++)
    {
      guint8 rgb[3];

      texture_get_rgb (downloaded, stride, (2 * i + 1) * width / 14, height / 3, rgb);
      for (guint c = 0; c < 3; c++)
        g_assert_cmpint (ABS ((int) rgb[c] - smpte_bars[i][c]), <=, 2);
    }

  if (format == IDEM_PIXEL_FORMAT_RGBA)
    save_screenshot (texture, "camera-still.png");
}

static void
test_gray_frame_to_texture (void)
{
  const guint width = 7;
  const guint height = 3;
  const gsize frame_stride = 8; /* padded rows, as a reader may give */
  g_autofree guint8 *grey = g_malloc0 (frame_stride * height);
  g_autofree guint8 *downloaded = g_malloc (width * 4 * height);
  g_autoptr(IdemVideoFrame) frame = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GBytes) pixels = NULL;
  g_autoptr(GError) error = NULL;

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      grey[y * frame_stride + x] = (guint8) (x * 40 + y);

  pixels = g_bytes_new (grey, frame_stride * height);
  frame = idem_video_frame_new (IDEM_PIXEL_FORMAT_GRAY8, width, height, frame_stride, pixels, &error);
  g_assert_no_error (error);

  texture = idem_video_frame_to_texture (frame);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, width);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, height);
  gdk_texture_download (texture, downloaded, width * 4);

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      {
        guint8 rgb[3];

        texture_get_rgb (downloaded, width * 4, x, y, rgb);
        g_assert_cmpuint (rgb[0], ==, x * 40 + y);
        g_assert_cmpuint (rgb[1], ==, x * 40 + y);
        g_assert_cmpuint (rgb[2], ==, x * 40 + y);
      }
}

int
main (int   argc,
      char *argv[])
{
  hw_test_init (&argc, &argv);

  g_test_add_data_func ("/hw/camera-texture/still/rgba", GINT_TO_POINTER (IDEM_PIXEL_FORMAT_RGBA),
                        test_still_to_texture);
  g_test_add_data_func ("/hw/camera-texture/still/bgra", GINT_TO_POINTER (IDEM_PIXEL_FORMAT_BGRA),
                        test_still_to_texture);
  g_test_add_func ("/hw/camera-texture/gray", test_gray_frame_to_texture);

  return g_test_run ();
}
