/* idem-video-frame-texture.c — camera and reader frames as GDK textures
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The hardware layer hands frames over as plain pixel buffers so that it
 * never links GTK; this is where they become something a GtkPicture shows.
 */

#define G_LOG_DOMAIN "idem-ui"

#include "config.h"

#include "idem-ui.h"

/* GDK 4.8 has no grey memory format: a fingerprint image is widened to
 * RGB, one byte copied three times. */
static GBytes *
expand_gray_to_rgb (IdemVideoFrame *frame,
                    gsize          *out_stride)
{
  GBytes *pixels = idem_video_frame_get_pixels (frame);
  const guint8 *grey = g_bytes_get_data (pixels, NULL);
  guint width = idem_video_frame_get_width (frame);
  guint height = idem_video_frame_get_height (frame);
  gsize stride = idem_video_frame_get_stride (frame);
  gsize rgb_stride = (gsize) width * 3;
  guint8 *rgb = g_malloc (rgb_stride * height);

  for (guint y = 0; y < height; y++)
    {
      const guint8 *in = grey + y * stride;
      guint8 *out = rgb + y * rgb_stride;

      for (guint x = 0; x < width; x++)
        out[3 * x] = out[3 * x + 1] = out[3 * x + 2] = in[x];
    }

  *out_stride = rgb_stride;
  return g_bytes_new_take (rgb, rgb_stride * height);
}

/**
 * idem_video_frame_to_texture:
 * @frame: a frame from the camera or the fingerprint reader
 *
 * Wraps @frame's pixels in a #GdkMemoryTexture without copying them (grey
 * frames excepted, which GDK cannot show as they are).
 *
 * Returns: (transfer full): a texture of the frame's size
 */
GdkTexture *
idem_video_frame_to_texture (IdemVideoFrame *frame)
{
  g_autoptr(GBytes) expanded = NULL;
  GdkMemoryFormat memory_format;
  GBytes *pixels;
  gsize stride;

  g_return_val_if_fail (frame != NULL, NULL);

  pixels = idem_video_frame_get_pixels (frame);
  stride = idem_video_frame_get_stride (frame);

  switch (idem_video_frame_get_format (frame))
    {
    case IDEM_PIXEL_FORMAT_RGBA:
      memory_format = GDK_MEMORY_R8G8B8A8;
      break;

    case IDEM_PIXEL_FORMAT_BGRA:
      memory_format = GDK_MEMORY_B8G8R8A8;
      break;

    case IDEM_PIXEL_FORMAT_GRAY8:
      expanded = expand_gray_to_rgb (frame, &stride);
      pixels = expanded;
      memory_format = GDK_MEMORY_R8G8B8;
      break;

    default:
      g_return_val_if_reached (NULL);
    }

  return gdk_memory_texture_new (idem_video_frame_get_width (frame),
                                 idem_video_frame_get_height (frame),
                                 memory_format,
                                 pixels,
                                 stride);
}
