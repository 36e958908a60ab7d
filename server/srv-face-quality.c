/* srv-face-quality.c — basic quality figures of a face image
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Sharpness is the variance of the 4-neighbour Laplacian, the usual cheap
 * focus measure: blur removes high frequencies, and with them the
 * Laplacian's spread.  Exposure is the mean grey level and the share of
 * pixels clipped at either end of the range.
 */

#define G_LOG_DOMAIN "idem-abis"

#include "config.h"

#include "srv-face-quality.h"

/* Grey levels at or beyond these count as clipped. */
#define DARK_LIMIT 4
#define BRIGHT_LIMIT 251

/**
 * srv_face_quality_measure:
 * @pixels: @width × @height bytes of 8-bit grey
 * @width: in pixels
 * @height: in pixels
 * @quality: (out caller-allocates): the figures
 */
void
srv_face_quality_measure (const guint8   *pixels,
                          guint           width,
                          guint           height,
                          SrvFaceQuality *quality)
{
  gsize n_pixels = (gsize) width * height;
  guint64 sum = 0, dark = 0, bright = 0;
  double laplacian_sum = 0.0, laplacian_squares = 0.0;
  gsize n_inner = 0;

  g_return_if_fail (pixels != NULL || n_pixels == 0);
  g_return_if_fail (quality != NULL);

  *quality = (SrvFaceQuality) { width, height, 0.0, 0.0, 0.0, 0.0 };
  if (n_pixels == 0)
    return;

  for (gsize i = 0; i < n_pixels; i++)
    {
      sum += pixels[i];
      dark += pixels[i] <= DARK_LIMIT;
      bright += pixels[i] >= BRIGHT_LIMIT;
    }

  for (guint y = 1; y + 1 < height; y++)
    for (guint x = 1; x + 1 < width; x++)
      {
        const guint8 *p = pixels + (gsize) y * width + x;
        double value = (double) p[-1] + p[1] + p[-(gssize) width] + p[width] - 4.0 * p[0];

        laplacian_sum += value;
        laplacian_squares += value * value;
        n_inner++;
      }

  quality->brightness = (double) sum / (double) n_pixels;
  quality->clipped_dark = (double) dark / (double) n_pixels;
  quality->clipped_bright = (double) bright / (double) n_pixels;
  if (n_inner > 0)
    {
      double mean = laplacian_sum / (double) n_inner;

      quality->sharpness = laplacian_squares / (double) n_inner - mean * mean;
    }
}
