/* idem-minutiae-extract.h — minutiae from finger images
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Not part of <idem.h>: the extractor lives in its own small library,
 * libcore_extract, because it links libfprint (for NBIS), libopenjp2 and
 * libjpeg, which the rest of the base layer must not need.
 */

#pragma once

#include <gio/gio.h>

#include "idem.h"

G_BEGIN_DECLS

/**
 * IdemFingerImage:
 * @width: in pixels
 * @height: in pixels
 * @resolution: in dots per inch
 * @position: ISO/IEC 19794-4 finger position, 0 when unknown
 * @pixels: @width × @height bytes of 8-bit grey, dark ridges on white
 *
 * A decoded finger image.
 */
typedef struct
{
  guint   width;
  guint   height;
  guint   resolution;
  guint   position;
  guint8 *pixels;
} IdemFingerImage;

void             idem_finger_image_free           (IdemFingerImage *image);
IdemFingerImage *idem_finger_image_decode_iso     (GBytes          *record,
                                                   GError         **error);
IdemMinutiae    *idem_minutiae_extract            (const guint8    *pixels,
                                                   guint            width,
                                                   guint            height,
                                                   guint            resolution,
                                                   GError         **error);
IdemMinutiae    *idem_minutiae_extract_from_image (const IdemFingerImage *image,
                                                   GError         **error);
void             idem_minutiae_extract_async      (const IdemFingerImage *image,
                                                   GCancellable    *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer         user_data);
IdemMinutiae    *idem_minutiae_extract_finish     (GAsyncResult    *result,
                                                   GError         **error);
guint8          *idem_image_decode_grey           (GBytes          *image,
                                                   guint           *width,
                                                   guint           *height,
                                                   GError         **error);
guint8          *idem_iso19794_image_decode_grey  (const IdemIso19794Image *image,
                                                   guint           *width,
                                                   guint           *height,
                                                   GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdemFingerImage, idem_finger_image_free)

G_END_DECLS
