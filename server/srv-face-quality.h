/* srv-face-quality.h — basic quality figures of a face image
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * SrvFaceQuality:
 * @width: in pixels
 * @height: in pixels
 * @sharpness: the variance of the image's Laplacian: focus, a few tens for
 *   a blurred portrait, hundreds and more for a sharp one
 * @brightness: the mean grey level, 0–255: exposure
 * @clipped_dark: the fraction of pixels at 0–4, crushed shadows
 * @clipped_bright: the fraction of pixels at 251–255, blown highlights
 *
 * What the ABIS records of a face it stores: figures an adjudicator or a
 * later face matcher can filter on, not a verdict.
 */
typedef struct
{
  guint  width;
  guint  height;
  double sharpness;
  double brightness;
  double clipped_dark;
  double clipped_bright;
} SrvFaceQuality;

void srv_face_quality_measure (const guint8   *pixels,
                               guint           width,
                               guint           height,
                               SrvFaceQuality *quality);

G_END_DECLS
