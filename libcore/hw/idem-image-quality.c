/* idem-image-quality.c — exposure and sharpness of a photo, for retake hints
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Exposure is the mean luma.  Sharpness is the variance of the Laplacian of
 * the luma: a focused picture has strong second derivatives at its edges, a
 * blurred or flat one has almost none.  Both are cheap enough to run on every
 * still, and neither needs a model.
 */

#define G_LOG_DOMAIN "idem-image-quality"

#include "config.h"

#include "idem-hw.h"

#include <glib/gi18n-lib.h>

/* ITU-R BT.601 luma weights, scaled by 256. */
static inline int
luma (const guint8    *p,
      IdemPixelFormat  format)
{
  switch (format)
    {
    case IDEM_PIXEL_FORMAT_RGBA:
      return (77 * p[0] + 150 * p[1] + 29 * p[2]) >> 8;
    case IDEM_PIXEL_FORMAT_BGRA:
      return (77 * p[2] + 150 * p[1] + 29 * p[0]) >> 8;
    case IDEM_PIXEL_FORMAT_GRAY8:
    default:
      return p[0];
    }
}

/**
 * idem_image_quality_measure_region:
 * @frame: a frame
 * @x: the left edge of the region
 * @y: the top edge of the region
 * @width: the region's width
 * @height: the region's height
 * @quality: (out caller-allocates): the figures
 *
 * Measures a part of the frame, such as the area where the face is.
 * Sharpness needs a region of at least 3 × 3 pixels and is 0 below that.
 *
 * Returns: %FALSE (and leaves @quality zeroed) when the region is empty or
 *   does not lie inside the frame
 */
gboolean
idem_image_quality_measure_region (IdemVideoFrame   *frame,
                                   guint             x,
                                   guint             y,
                                   guint             width,
                                   guint             height,
                                   IdemImageQuality *quality)
{
  IdemPixelFormat format;
  const guint8 *pixels;
  gsize stride;
  guint bpp;
  guint64 luma_sum = 0;
  double laplacian_sum = 0;
  double laplacian_square_sum = 0;
  guint64 n_laplacian = 0;

  g_return_val_if_fail (frame != NULL, FALSE);
  g_return_val_if_fail (quality != NULL, FALSE);

  quality->exposure = 0;
  quality->sharpness = 0;

  if (width == 0 || height == 0 ||
      x >= idem_video_frame_get_width (frame) ||
      y >= idem_video_frame_get_height (frame) ||
      width > idem_video_frame_get_width (frame) - x ||
      height > idem_video_frame_get_height (frame) - y)
    return FALSE;

  format = idem_video_frame_get_format (frame);
  pixels = g_bytes_get_data (idem_video_frame_get_pixels (frame), NULL);
  stride = idem_video_frame_get_stride (frame);
  bpp = idem_video_frame_get_bytes_per_pixel (frame);

  for (guint row = y; row < y + height; row++)
    {
      const guint8 *line = pixels + row * stride;

      for (guint col = x; col < x + width; col++)
        luma_sum += luma (line + col * bpp, format);
    }

  quality->exposure = (double) luma_sum / ((guint64) width * height);

  if (width < 3 || height < 3)
    return TRUE;

  /* The 4-neighbour Laplacian over the interior of the region. */
  for (guint row = y + 1; row < y + height - 1; row++)
    {
      const guint8 *above = pixels + (row - 1) * stride;
      const guint8 *line = pixels + row * stride;
      const guint8 *below = pixels + (row + 1) * stride;

      for (guint col = x + 1; col < x + width - 1; col++)
        {
          int value = 4 * luma (line + col * bpp, format)
                      - luma (line + (col - 1) * bpp, format)
                      - luma (line + (col + 1) * bpp, format)
                      - luma (above + col * bpp, format)
                      - luma (below + col * bpp, format);

          laplacian_sum += value;
          laplacian_square_sum += (double) value * value;
          n_laplacian++;
        }
    }

  {
    double mean = laplacian_sum / n_laplacian;

    quality->sharpness = MAX (0.0, laplacian_square_sum / n_laplacian - mean * mean);
  }

  return TRUE;
}

/**
 * idem_image_quality_measure:
 * @frame: a frame
 * @quality: (out caller-allocates): the figures
 *
 * Measures the whole frame.
 */
void
idem_image_quality_measure (IdemVideoFrame   *frame,
                            IdemImageQuality *quality)
{
  g_return_if_fail (frame != NULL);
  g_return_if_fail (quality != NULL);

  idem_image_quality_measure_region (frame, 0, 0,
                                     idem_video_frame_get_width (frame),
                                     idem_video_frame_get_height (frame),
                                     quality);
}

/**
 * idem_image_quality_get_problems:
 * @quality: figures from idem_image_quality_measure()
 *
 * Returns: the reasons to retake the photo, %IDEM_IMAGE_PROBLEM_NONE if none
 */
IdemImageProblems
idem_image_quality_get_problems (const IdemImageQuality *quality)
{
  IdemImageProblems problems = IDEM_IMAGE_PROBLEM_NONE;

  g_return_val_if_fail (quality != NULL, IDEM_IMAGE_PROBLEM_NONE);

  if (quality->exposure < IDEM_IMAGE_QUALITY_MIN_EXPOSURE)
    problems |= IDEM_IMAGE_PROBLEM_TOO_DARK;
  else if (quality->exposure > IDEM_IMAGE_QUALITY_MAX_EXPOSURE)
    problems |= IDEM_IMAGE_PROBLEM_TOO_BRIGHT;

  if (quality->sharpness < IDEM_IMAGE_QUALITY_MIN_SHARPNESS)
    problems |= IDEM_IMAGE_PROBLEM_BLURRY;

  return problems;
}

/**
 * idem_image_problem_get_hint:
 * @problem: a single problem
 *
 * Returns: (nullable): a translated sentence telling the operator what to
 *   change, or %NULL for %IDEM_IMAGE_PROBLEM_NONE or a combination of flags
 */
const char *
idem_image_problem_get_hint (IdemImageProblems problem)
{
  switch ((int) problem)
    {
    case IDEM_IMAGE_PROBLEM_TOO_DARK:
      return _("The photo is too dark: add light in front of the person");
    case IDEM_IMAGE_PROBLEM_TOO_BRIGHT:
      return _("The photo is too bright: reduce the light or move away from the window");
    case IDEM_IMAGE_PROBLEM_BLURRY:
      return _("The photo is blurred: ask the person to keep still and check the focus");
    default:
      return NULL;
    }
}
