/* idem-camera.h
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#if !defined(IDEM_INSIDE) && !defined(IDEM_COMPILATION)
# error "Only <idem-hw.h> can be included directly."
#endif

#include <gio/gio.h>

#include "idem-video-frame.h"

G_BEGIN_DECLS

#define IDEM_CAMERA_ERROR (idem_camera_error_quark ())

/**
 * IdemCameraError:
 * @IDEM_CAMERA_ERROR_NO_DEVICE: no camera is connected at the configured place
 * @IDEM_CAMERA_ERROR_BUSY: another program is using the camera, or the camera
 *   is already starting
 * @IDEM_CAMERA_ERROR_INVALID_SOURCE: the source description cannot be built
 *   (unknown element, syntax error)
 * @IDEM_CAMERA_ERROR_UNSUPPORTED_FORMAT: the camera cannot deliver the
 *   requested picture size or format
 * @IDEM_CAMERA_ERROR_NOT_RUNNING: the camera is not started
 * @IDEM_CAMERA_ERROR_TIMED_OUT: the camera started but sent no picture in time
 * @IDEM_CAMERA_ERROR_STREAM: the camera stopped working while in use
 * @IDEM_CAMERA_ERROR_CANCELLED: the operation was cancelled
 *
 * Errors of #IdemCamera.  The codes are stable.
 */
typedef enum
{
  IDEM_CAMERA_ERROR_NO_DEVICE,
  IDEM_CAMERA_ERROR_BUSY,
  IDEM_CAMERA_ERROR_INVALID_SOURCE,
  IDEM_CAMERA_ERROR_UNSUPPORTED_FORMAT,
  IDEM_CAMERA_ERROR_NOT_RUNNING,
  IDEM_CAMERA_ERROR_TIMED_OUT,
  IDEM_CAMERA_ERROR_STREAM,
  IDEM_CAMERA_ERROR_CANCELLED,
} IdemCameraError;

/**
 * IDEM_CAMERA_DEFAULT_SOURCE:
 *
 * The GStreamer source used when none is set: the first Video4Linux camera.
 */
#define IDEM_CAMERA_DEFAULT_SOURCE "v4l2src"

#define IDEM_TYPE_CAMERA (idem_camera_get_type ())

G_DECLARE_FINAL_TYPE (IdemCamera, idem_camera, IDEM, CAMERA, GObject)

GQuark           idem_camera_error_quark          (void);

IdemCamera      *idem_camera_new                  (void);

const char      *idem_camera_get_source           (IdemCamera           *self);
void             idem_camera_set_source           (IdemCamera           *self,
                                                   const char           *source);
guint            idem_camera_get_width            (IdemCamera           *self);
void             idem_camera_set_width            (IdemCamera           *self,
                                                   guint                 width);
guint            idem_camera_get_height           (IdemCamera           *self);
void             idem_camera_set_height           (IdemCamera           *self,
                                                   guint                 height);
IdemPixelFormat  idem_camera_get_pixel_format     (IdemCamera           *self);
void             idem_camera_set_pixel_format     (IdemCamera           *self,
                                                   IdemPixelFormat       pixel_format);
guint            idem_camera_get_start_timeout    (IdemCamera           *self);
void             idem_camera_set_start_timeout    (IdemCamera           *self,
                                                   guint                 start_timeout);
gboolean         idem_camera_get_running          (IdemCamera           *self);
IdemVideoFrame  *idem_camera_dup_latest_frame     (IdemCamera           *self);

void             idem_camera_start_async          (IdemCamera           *self,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean         idem_camera_start_finish         (IdemCamera           *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
void             idem_camera_stop                 (IdemCamera           *self);

void             idem_camera_capture_still_async  (IdemCamera           *self,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
IdemVideoFrame  *idem_camera_capture_still_finish (IdemCamera           *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

G_END_DECLS
