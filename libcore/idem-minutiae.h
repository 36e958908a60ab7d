/* idem-minutiae.h — finger minutiae templates and their serialized form
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#if !defined(IDEM_INSIDE) && !defined(IDEM_COMPILATION)
# error "Only <idem.h> can be included directly."
#endif

#include <glib-object.h>

G_BEGIN_DECLS

#define IDEM_MINUTIAE_ERROR (idem_minutiae_error_quark ())

/**
 * IdemMinutiaeError:
 * @IDEM_MINUTIAE_ERROR_INVALID: the data is not an Idem minutiae template
 * @IDEM_MINUTIAE_ERROR_TRUNCATED: the data ends before the template does
 * @IDEM_MINUTIAE_ERROR_UNSUPPORTED_VERSION: a template version this build cannot read
 * @IDEM_MINUTIAE_ERROR_OUT_OF_RANGE: a minutia lies outside the image or a field is out of range
 * @IDEM_MINUTIAE_ERROR_TOO_FEW: too few minutiae to compare reliably
 * @IDEM_MINUTIAE_ERROR_IMAGE: the finger image cannot be decoded
 * @IDEM_MINUTIAE_ERROR_EXTRACTION: minutiae extraction failed
 *
 * Error codes of the minutiae domain; the values are stable.
 */
typedef enum
{
  IDEM_MINUTIAE_ERROR_INVALID = 1,
  IDEM_MINUTIAE_ERROR_TRUNCATED = 2,
  IDEM_MINUTIAE_ERROR_UNSUPPORTED_VERSION = 3,
  IDEM_MINUTIAE_ERROR_OUT_OF_RANGE = 4,
  IDEM_MINUTIAE_ERROR_TOO_FEW = 5,
  IDEM_MINUTIAE_ERROR_IMAGE = 6,
  IDEM_MINUTIAE_ERROR_EXTRACTION = 7,
} IdemMinutiaeError;

/**
 * IdemMinutiaType:
 * @IDEM_MINUTIA_OTHER: unknown or not recorded
 * @IDEM_MINUTIA_ENDING: a ridge ending
 * @IDEM_MINUTIA_BIFURCATION: a ridge bifurcation
 */
typedef enum
{
  IDEM_MINUTIA_OTHER = 0,
  IDEM_MINUTIA_ENDING = 1,
  IDEM_MINUTIA_BIFURCATION = 2,
} IdemMinutiaType;

/**
 * IdemMinutia:
 * @x: column in pixels, from the left edge
 * @y: row in pixels, from the top edge
 * @angle: ridge direction in 1/256 of a turn, measured in image coordinates
 *   (x right, y down), so a rotation of the image by a turns adds a to it
 * @type: an #IdemMinutiaType
 * @quality: reliability, 0 (worst) to 63 (best)
 *
 * One minutia, in the pixel grid of its image.
 */
typedef struct
{
  guint16 x;
  guint16 y;
  guint8  angle;
  guint8  type;
  guint8  quality;
} IdemMinutia;

/* At most this many minutiae are stored; an extractor keeps the most reliable. */
#define IDEM_MINUTIAE_MAX 255

/* Fewer than this and a comparison means little: templates are refused. */
#define IDEM_MINUTIAE_MIN 8

typedef struct _IdemMinutiae IdemMinutiae;

GType              idem_minutiae_get_type       (void) G_GNUC_CONST;
GQuark             idem_minutiae_error_quark    (void);
IdemMinutiae      *idem_minutiae_new            (guint              width,
                                                 guint              height,
                                                 guint              resolution_dpi);
IdemMinutiae      *idem_minutiae_ref            (IdemMinutiae      *self);
void               idem_minutiae_unref          (IdemMinutiae      *self);
gboolean           idem_minutiae_add            (IdemMinutiae      *self,
                                                 const IdemMinutia *minutia,
                                                 GError           **error);
void               idem_minutiae_keep_best      (IdemMinutiae      *self,
                                                 guint              max_minutiae);
guint              idem_minutiae_get_width      (IdemMinutiae      *self);
guint              idem_minutiae_get_height     (IdemMinutiae      *self);
guint              idem_minutiae_get_resolution (IdemMinutiae      *self);
guint              idem_minutiae_get_count      (IdemMinutiae      *self);
const IdemMinutia *idem_minutiae_get_all        (IdemMinutiae      *self,
                                                 guint             *n_minutiae);
GBytes            *idem_minutiae_serialize      (IdemMinutiae      *self);
IdemMinutiae      *idem_minutiae_deserialize    (GBytes            *bytes,
                                                 GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdemMinutiae, idem_minutiae_unref)

G_END_DECLS
