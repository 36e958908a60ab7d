/* idem-video-frame.h
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#if !defined(IDEM_INSIDE) && !defined(IDEM_COMPILATION)
# error "Only <idem-hw.h> can be included directly."
#endif

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * IdemPixelFormat:
 * @IDEM_PIXEL_FORMAT_RGBA: 8-bit red, green, blue, alpha, in that byte order
 * @IDEM_PIXEL_FORMAT_BGRA: 8-bit blue, green, red, alpha, in that byte order
 * @IDEM_PIXEL_FORMAT_GRAY8: 8-bit grey, 0 black to 255 white
 *
 * How the bytes of a frame's row map to pixels.
 */
typedef enum
{
  IDEM_PIXEL_FORMAT_RGBA,
  IDEM_PIXEL_FORMAT_BGRA,
  IDEM_PIXEL_FORMAT_GRAY8,
} IdemPixelFormat;

/**
 * IdemImageFormat:
 * @IDEM_IMAGE_FORMAT_PNG: lossless PNG
 * @IDEM_IMAGE_FORMAT_JPEG: JPEG at quality 90
 *
 * The encodings a frame can be stored in.
 */
typedef enum
{
  IDEM_IMAGE_FORMAT_PNG,
  IDEM_IMAGE_FORMAT_JPEG,
} IdemImageFormat;

#define IDEM_VIDEO_FRAME_ERROR (idem_video_frame_error_quark ())

/**
 * IdemVideoFrameError:
 * @IDEM_VIDEO_FRAME_ERROR_INVALID: the frame's size, stride or pixels do not
 *   agree with each other, or the format is unknown
 * @IDEM_VIDEO_FRAME_ERROR_ENCODE: the frame could not be encoded
 * @IDEM_VIDEO_FRAME_ERROR_DECODE: the bytes are not an image GStreamer can read
 *
 * Errors of #IdemVideoFrame.  The codes are stable.
 */
typedef enum
{
  IDEM_VIDEO_FRAME_ERROR_INVALID,
  IDEM_VIDEO_FRAME_ERROR_ENCODE,
  IDEM_VIDEO_FRAME_ERROR_DECODE,
} IdemVideoFrameError;

typedef struct _IdemVideoFrame IdemVideoFrame;

#define IDEM_TYPE_VIDEO_FRAME (idem_video_frame_get_type ())

GType            idem_video_frame_get_type            (void) G_GNUC_CONST;
GQuark           idem_video_frame_error_quark         (void);

IdemVideoFrame  *idem_video_frame_new                 (IdemPixelFormat       format,
                                                       guint                 width,
                                                       guint                 height,
                                                       gsize                 stride,
                                                       GBytes               *pixels,
                                                       GError              **error);
IdemVideoFrame  *idem_video_frame_ref                 (IdemVideoFrame       *self);
void             idem_video_frame_unref               (IdemVideoFrame       *self);

IdemPixelFormat  idem_video_frame_get_format          (IdemVideoFrame       *self);
guint            idem_video_frame_get_width           (IdemVideoFrame       *self);
guint            idem_video_frame_get_height          (IdemVideoFrame       *self);
gsize            idem_video_frame_get_stride          (IdemVideoFrame       *self);
GBytes          *idem_video_frame_get_pixels          (IdemVideoFrame       *self);
guint            idem_video_frame_get_bytes_per_pixel (IdemVideoFrame       *self);
void             idem_video_frame_get_rgb             (IdemVideoFrame       *self,
                                                       guint                 x,
                                                       guint                 y,
                                                       guint8               *red,
                                                       guint8               *green,
                                                       guint8               *blue);

GBytes          *idem_video_frame_encode              (IdemVideoFrame       *self,
                                                       IdemImageFormat       format,
                                                       GCancellable         *cancellable,
                                                       GError              **error);
void             idem_video_frame_encode_async        (IdemVideoFrame       *self,
                                                       IdemImageFormat       format,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
GBytes          *idem_video_frame_encode_finish       (IdemVideoFrame       *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
IdemVideoFrame  *idem_video_frame_decode              (GBytes               *data,
                                                       IdemPixelFormat       format,
                                                       GCancellable         *cancellable,
                                                       GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdemVideoFrame, idem_video_frame_unref)

G_END_DECLS
