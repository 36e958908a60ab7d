/* idem-fingerprint-reader.h
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#if !defined(IDEM_INSIDE) && !defined(IDEM_COMPILATION)
# error "Only <idem-hw.h> can be included directly."
#endif

#include <gio/gio.h>
#include <fprint.h>

#include "idem-video-frame.h"

G_BEGIN_DECLS

#define IDEM_FINGERPRINT_READER_ERROR (idem_fingerprint_reader_error_quark ())

/**
 * IdemFingerprintReaderError:
 * @IDEM_FINGERPRINT_READER_ERROR_NO_DEVICE: no fingerprint reader is connected, or
 *   the reader was unplugged
 * @IDEM_FINGERPRINT_READER_ERROR_NOT_OPEN: the reader must be opened first
 * @IDEM_FINGERPRINT_READER_ERROR_BUSY: the reader is doing something else
 * @IDEM_FINGERPRINT_READER_ERROR_CANCELLED: the operation was cancelled
 * @IDEM_FINGERPRINT_READER_ERROR_RETRY: the scan was not usable; the message says
 *   what the person should do differently
 * @IDEM_FINGERPRINT_READER_ERROR_NO_MATCH: the finger does not match the print
 * @IDEM_FINGERPRINT_READER_ERROR_NOT_SUPPORTED: the reader cannot do this (image
 *   capture on a match-on-chip reader)
 * @IDEM_FINGERPRINT_READER_ERROR_INVALID_PRINT: the stored print is damaged or was
 *   made by another kind of reader
 * @IDEM_FINGERPRINT_READER_ERROR_DEVICE_ERROR: the reader failed
 *
 * Errors of #IdemFingerprintReader.  The codes are stable.
 */
typedef enum
{
  IDEM_FINGERPRINT_READER_ERROR_NO_DEVICE,
  IDEM_FINGERPRINT_READER_ERROR_NOT_OPEN,
  IDEM_FINGERPRINT_READER_ERROR_BUSY,
  IDEM_FINGERPRINT_READER_ERROR_CANCELLED,
  IDEM_FINGERPRINT_READER_ERROR_RETRY,
  IDEM_FINGERPRINT_READER_ERROR_NO_MATCH,
  IDEM_FINGERPRINT_READER_ERROR_NOT_SUPPORTED,
  IDEM_FINGERPRINT_READER_ERROR_INVALID_PRINT,
  IDEM_FINGERPRINT_READER_ERROR_DEVICE_ERROR,
} IdemFingerprintReaderError;

#define IDEM_TYPE_FINGERPRINT_READER (idem_fingerprint_reader_get_type ())

G_DECLARE_FINAL_TYPE (IdemFingerprintReader, idem_fingerprint_reader, IDEM, FINGERPRINT_READER, GObject)

GQuark                  idem_fingerprint_reader_error_quark         (void);

IdemFingerprintReader  *idem_fingerprint_reader_new                 (void);

char                  **idem_fingerprint_reader_list_readers        (IdemFingerprintReader  *self);
gboolean                idem_fingerprint_reader_select              (IdemFingerprintReader  *self,
                                                                     const char             *reader_id,
                                                                     GError                **error);
const char             *idem_fingerprint_reader_get_reader_id       (IdemFingerprintReader  *self);
const char             *idem_fingerprint_reader_get_name            (IdemFingerprintReader  *self);
const char             *idem_fingerprint_reader_get_driver          (IdemFingerprintReader  *self);
gboolean                idem_fingerprint_reader_get_is_open         (IdemFingerprintReader  *self);
gboolean                idem_fingerprint_reader_get_can_capture     (IdemFingerprintReader  *self);
guint                   idem_fingerprint_reader_get_n_enroll_stages (IdemFingerprintReader  *self);
gboolean                idem_fingerprint_reader_get_finger_needed   (IdemFingerprintReader  *self);
gboolean                idem_fingerprint_reader_get_finger_present  (IdemFingerprintReader  *self);

void                    idem_fingerprint_reader_open_async          (IdemFingerprintReader  *self,
                                                                     GCancellable           *cancellable,
                                                                     GAsyncReadyCallback     callback,
                                                                     gpointer                user_data);
gboolean                idem_fingerprint_reader_open_finish         (IdemFingerprintReader  *self,
                                                                     GAsyncResult           *result,
                                                                     GError                **error);
void                    idem_fingerprint_reader_close_async         (IdemFingerprintReader  *self,
                                                                     GCancellable           *cancellable,
                                                                     GAsyncReadyCallback     callback,
                                                                     gpointer                user_data);
gboolean                idem_fingerprint_reader_close_finish        (IdemFingerprintReader  *self,
                                                                     GAsyncResult           *result,
                                                                     GError                **error);

void                    idem_fingerprint_reader_enroll_async        (IdemFingerprintReader  *self,
                                                                     FpFinger                finger,
                                                                     GCancellable           *cancellable,
                                                                     GAsyncReadyCallback     callback,
                                                                     gpointer                user_data);
FpPrint                *idem_fingerprint_reader_enroll_finish       (IdemFingerprintReader  *self,
                                                                     GAsyncResult           *result,
                                                                     GError                **error);
void                    idem_fingerprint_reader_verify_async        (IdemFingerprintReader  *self,
                                                                     FpPrint                *enrolled_print,
                                                                     GCancellable           *cancellable,
                                                                     GAsyncReadyCallback     callback,
                                                                     gpointer                user_data);
gboolean                idem_fingerprint_reader_verify_finish       (IdemFingerprintReader  *self,
                                                                     GAsyncResult           *result,
                                                                     GError                **error);
void                    idem_fingerprint_reader_capture_async       (IdemFingerprintReader  *self,
                                                                     GCancellable           *cancellable,
                                                                     GAsyncReadyCallback     callback,
                                                                     gpointer                user_data);
IdemVideoFrame         *idem_fingerprint_reader_capture_finish      (IdemFingerprintReader  *self,
                                                                     GAsyncResult           *result,
                                                                     double                 *pixels_per_mm,
                                                                     guint                  *n_minutiae,
                                                                     GError                **error);

GBytes                 *idem_fingerprint_print_serialize            (FpPrint                *print,
                                                                     GError                **error);
FpPrint                *idem_fingerprint_print_deserialize          (GBytes                 *data,
                                                                     GError                **error);
const char             *idem_fingerprint_retry_get_hint             (FpDeviceRetry           retry);

G_END_DECLS
