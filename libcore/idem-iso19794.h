/* idem-iso19794.h — ISO/IEC 19794-4 finger image and 19794-5 face records
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#if !defined(IDEM_INSIDE) && !defined(IDEM_COMPILATION)
# error "Only <idem.h> can be included directly."
#endif

#include <glib-object.h>

G_BEGIN_DECLS

#define IDEM_ISO19794_ERROR (idem_iso19794_error_quark ())

/* No real record holds more; a larger count is a damaged or hostile one. */
#define IDEM_ISO19794_MAX_REPRESENTATIONS 32

/**
 * IdemIso19794Error:
 * @IDEM_ISO19794_ERROR_NOT_ISO19794: the bytes do not start with a
 *   19794 format identifier
 * @IDEM_ISO19794_ERROR_UNSUPPORTED: a 19794 record of a part or version
 *   Idem does not read (iris, 19794-5:2005…)
 * @IDEM_ISO19794_ERROR_TRUNCATED: a header or a declared length runs past
 *   the end of the bytes
 * @IDEM_ISO19794_ERROR_BAD_LENGTH: declared lengths disagree with each
 *   other or with the size of the record
 * @IDEM_ISO19794_ERROR_TOO_MANY: more representations than
 *   %IDEM_ISO19794_MAX_REPRESENTATIONS, or none
 * @IDEM_ISO19794_ERROR_BAD_VALUE: a field holds a value outside its range,
 *   or (when writing) the image bytes do not match their declared format
 *
 * Stable codes; new ones are only ever appended.
 */
typedef enum
{
  IDEM_ISO19794_ERROR_NOT_ISO19794,
  IDEM_ISO19794_ERROR_UNSUPPORTED,
  IDEM_ISO19794_ERROR_TRUNCATED,
  IDEM_ISO19794_ERROR_BAD_LENGTH,
  IDEM_ISO19794_ERROR_TOO_MANY,
  IDEM_ISO19794_ERROR_BAD_VALUE,
} IdemIso19794Error;

typedef enum
{
  IDEM_ISO19794_FINGER,
  IDEM_ISO19794_FACE,
} IdemIso19794Modality;

/**
 * IdemBiometricImageFormat:
 * @IDEM_BIOMETRIC_IMAGE_FORMAT_UNKNOWN: not recognised
 * @IDEM_BIOMETRIC_IMAGE_FORMAT_RAW: uncompressed grey pixels, row by row
 * @IDEM_BIOMETRIC_IMAGE_FORMAT_WSQ: FBI Wavelet Scalar Quantization
 * @IDEM_BIOMETRIC_IMAGE_FORMAT_JPEG: JPEG
 * @IDEM_BIOMETRIC_IMAGE_FORMAT_JPEG2000: JPEG 2000, a JP2 file or a bare codestream
 * @IDEM_BIOMETRIC_IMAGE_FORMAT_PNG: PNG
 */
typedef enum
{
  IDEM_BIOMETRIC_IMAGE_FORMAT_UNKNOWN,
  IDEM_BIOMETRIC_IMAGE_FORMAT_RAW,
  IDEM_BIOMETRIC_IMAGE_FORMAT_WSQ,
  IDEM_BIOMETRIC_IMAGE_FORMAT_JPEG,
  IDEM_BIOMETRIC_IMAGE_FORMAT_JPEG2000,
  IDEM_BIOMETRIC_IMAGE_FORMAT_PNG,
} IdemBiometricImageFormat;

/**
 * IdemIso19794Image:
 * @finger_position: ISO finger position code, 0 unknown, 1 right thumb …
 *   10 left little (fingers only)
 * @quality: quality score 0–100, or -1 when the record has none
 * @quality_vendor: the quality algorithm's vendor (2011 records)
 * @quality_algorithm: the quality algorithm (2011 records)
 * @impression_type: ISO impression type code (fingers only)
 * @width: pixels per line
 * @height: lines
 * @horizontal_ppi: image resolution in pixels per inch, 0 when unrecorded
 * @vertical_ppi: likewise, vertically
 * @bit_depth: bits per pixel (fingers only)
 * @compression: the record's own compression or image data type code
 * @format: the format @compression names
 * @detected_format: the format the image bytes' signature shows
 * @image: the image bytes
 *
 * One representation of a record: one finger, or one face image.
 */
typedef struct
{
  guint                     finger_position;
  int                       quality;
  guint                     quality_vendor;
  guint                     quality_algorithm;
  guint                     impression_type;
  guint                     width;
  guint                     height;
  guint                     horizontal_ppi;
  guint                     vertical_ppi;
  guint                     bit_depth;
  guint                     compression;
  IdemBiometricImageFormat  format;
  IdemBiometricImageFormat  detected_format;
  GBytes                   *image;
} IdemIso19794Image;

#define IDEM_TYPE_ISO19794_RECORD (idem_iso19794_record_get_type ())

typedef struct _IdemIso19794Record IdemIso19794Record;

GType                    idem_iso19794_record_get_type      (void) G_GNUC_CONST;
GQuark                   idem_iso19794_error_quark          (void);

IdemIso19794Record      *idem_iso19794_parse                (GBytes                  *record,
                                                             GError                 **error);
IdemIso19794Record      *idem_iso19794_record_ref           (IdemIso19794Record      *record);
void                     idem_iso19794_record_unref         (IdemIso19794Record      *record);
IdemIso19794Modality     idem_iso19794_record_get_modality  (IdemIso19794Record      *record);
const char              *idem_iso19794_record_get_version   (IdemIso19794Record      *record);
guint                    idem_iso19794_record_get_n_images  (IdemIso19794Record      *record);
const IdemIso19794Image *idem_iso19794_record_get_image     (IdemIso19794Record      *record,
                                                             guint                    n);

GBytes                  *idem_iso19794_write                (IdemIso19794Modality     modality,
                                                             const IdemIso19794Image *image,
                                                             GDateTime               *capture_time,
                                                             GError                 **error);

IdemBiometricImageFormat idem_biometric_image_format_detect    (const guint8             *data,
                                                                gsize                     size);
const char              *idem_biometric_image_format_to_string (IdemBiometricImageFormat  format);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdemIso19794Record, idem_iso19794_record_unref)

G_END_DECLS
