/* idem-image-quality.h
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#if !defined(IDEM_INSIDE) && !defined(IDEM_COMPILATION)
# error "Only <idem-hw.h> can be included directly."
#endif

#include "idem-video-frame.h"

G_BEGIN_DECLS

/**
 * IdemImageQuality:
 * @exposure: the mean luma, 0 (black) to 255 (white)
 * @sharpness: the variance of the Laplacian of the luma; 0 for a flat
 *   picture, a few hundred for a focused face at 640 × 480, thousands
 *   for fine high-contrast detail
 *
 * Figures describing how usable a photo is.
 */
typedef struct
{
  double exposure;
  double sharpness;
} IdemImageQuality;

/**
 * IdemImageProblems:
 * @IDEM_IMAGE_PROBLEM_NONE: the photo looks usable
 * @IDEM_IMAGE_PROBLEM_TOO_DARK: the mean luma is under 60
 * @IDEM_IMAGE_PROBLEM_TOO_BRIGHT: the mean luma is over 200
 * @IDEM_IMAGE_PROBLEM_BLURRY: the sharpness is under 50
 *
 * Reasons to take a photo again.
 */
typedef enum
{
  IDEM_IMAGE_PROBLEM_NONE       = 0,
  IDEM_IMAGE_PROBLEM_TOO_DARK   = 1 << 0,
  IDEM_IMAGE_PROBLEM_TOO_BRIGHT = 1 << 1,
  IDEM_IMAGE_PROBLEM_BLURRY     = 1 << 2,
} IdemImageProblems;

#define IDEM_IMAGE_QUALITY_MIN_EXPOSURE  60.0
#define IDEM_IMAGE_QUALITY_MAX_EXPOSURE  200.0
#define IDEM_IMAGE_QUALITY_MIN_SHARPNESS 50.0

void               idem_image_quality_measure        (IdemVideoFrame         *frame,
                                                      IdemImageQuality       *quality);
gboolean           idem_image_quality_measure_region (IdemVideoFrame         *frame,
                                                      guint                   x,
                                                      guint                   y,
                                                      guint                   width,
                                                      guint                   height,
                                                      IdemImageQuality       *quality);
IdemImageProblems  idem_image_quality_get_problems   (const IdemImageQuality *quality);
const char        *idem_image_problem_get_hint       (IdemImageProblems       problem);

G_END_DECLS
