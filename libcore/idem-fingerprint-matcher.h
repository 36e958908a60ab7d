/* idem-fingerprint-matcher.h — fast minutiae matching, 1:1 and 1:N
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#if !defined(IDEM_INSIDE) && !defined(IDEM_COMPILATION)
# error "Only <idem.h> can be included directly."
#endif

#include <gio/gio.h>

#include "idem-minutiae.h"

G_BEGIN_DECLS

#define IDEM_FINGERPRINT_ERROR (idem_fingerprint_error_quark ())

/**
 * IdemFingerprintError:
 * @IDEM_FINGERPRINT_ERROR_TOO_FEW_MINUTIAE: the template has too few minutiae to compare
 * @IDEM_FINGERPRINT_ERROR_INVALID_POSITION: a finger position outside 0–10
 * @IDEM_FINGERPRINT_ERROR_DUPLICATE_REFERENCE: the gallery already holds that reference ID
 * @IDEM_FINGERPRINT_ERROR_UNKNOWN_REFERENCE: the gallery holds no such reference ID
 * @IDEM_FINGERPRINT_ERROR_EMPTY: no finger was given
 * @IDEM_FINGERPRINT_ERROR_INVALID_REFERENCE: an empty or overlong reference ID
 * @IDEM_FINGERPRINT_ERROR_STALE_TEMPLATE: stored bytes are not a compiled
 *   template of this matcher version
 *
 * Error codes of the fingerprint matcher; the values are stable.
 */
typedef enum
{
  IDEM_FINGERPRINT_ERROR_TOO_FEW_MINUTIAE = 1,
  IDEM_FINGERPRINT_ERROR_INVALID_POSITION = 2,
  IDEM_FINGERPRINT_ERROR_DUPLICATE_REFERENCE = 3,
  IDEM_FINGERPRINT_ERROR_UNKNOWN_REFERENCE = 4,
  IDEM_FINGERPRINT_ERROR_EMPTY = 5,
  IDEM_FINGERPRINT_ERROR_INVALID_REFERENCE = 6,
  IDEM_FINGERPRINT_ERROR_STALE_TEMPLATE = 7,
} IdemFingerprintError;

/* ISO/IEC 19794-4 finger positions: 0 unknown, 1 right thumb … 10 left little. */
#define IDEM_FINGER_POSITION_UNKNOWN 0
#define IDEM_FINGER_POSITION_MAX     10

/**
 * IDEM_FINGERPRINT_MATCH_THRESHOLD:
 *
 * The 1:1 decision threshold on a single finger's score.  It was chosen on
 * the synthetic benchmark (bench-abis-accuracy) to give a false match rate
 * below 1e-4; callers with another operating point pick their own.
 */
#define IDEM_FINGERPRINT_MATCH_THRESHOLD 90.0

/**
 * IDEM_FINGERPRINT_PREFILTER_THRESHOLD:
 *
 * Identification compares fully only the enrolled fingers whose pre-filter
 * score (idem_finger_template_prefilter_score()) reaches this, in standard
 * deviations above chance.  Chosen on bench-abis-accuracy to keep about
 * 99 % of the mates the matcher finds at FMR 1e-4.
 */
#define IDEM_FINGERPRINT_PREFILTER_THRESHOLD 3.0

typedef struct _IdemFingerTemplate IdemFingerTemplate;

GType               idem_finger_template_get_type      (void) G_GNUC_CONST;
GQuark              idem_fingerprint_error_quark       (void);
IdemFingerTemplate *idem_finger_template_new           (IdemMinutiae             *minutiae,
                                                        guint                     position,
                                                        GError                  **error);
IdemFingerTemplate *idem_finger_template_ref           (IdemFingerTemplate       *self);
void                idem_finger_template_unref         (IdemFingerTemplate       *self);
guint               idem_finger_template_get_position  (const IdemFingerTemplate *self);
guint               idem_finger_template_get_n_minutiae (const IdemFingerTemplate *self);
gsize               idem_finger_template_get_size      (const IdemFingerTemplate *self);
GBytes             *idem_finger_template_serialize     (const IdemFingerTemplate *self);
IdemFingerTemplate *idem_finger_template_deserialize   (GBytes                   *bytes,
                                                        GError                  **error);
double              idem_finger_template_compare       (const IdemFingerTemplate *probe,
                                                        const IdemFingerTemplate *candidate);
double              idem_finger_template_prefilter_score (const IdemFingerTemplate *probe,
                                                          const IdemFingerTemplate *candidate);
gboolean            idem_finger_template_prefilter_passes (const IdemFingerTemplate *probe,
                                                           const IdemFingerTemplate *candidate);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdemFingerTemplate, idem_finger_template_unref)

/**
 * IdemFingerprintCandidate:
 * @reference_id: the person's reference ID in the gallery
 * @score: the fused score of all probe fingers (sum rule)
 * @best_finger_score: the best single-finger score among them
 *
 * One entry of an identification result.
 */
typedef struct
{
  char   *reference_id;
  double  score;
  double  best_finger_score;
} IdemFingerprintCandidate;

void idem_fingerprint_candidate_free (IdemFingerprintCandidate *candidate);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdemFingerprintCandidate, idem_fingerprint_candidate_free)

double idem_fingerprint_fuse_person (IdemFingerTemplate * const *probe,
                                     guint                       n_probe,
                                     IdemFingerTemplate * const *enrolled,
                                     guint                       n_enrolled,
                                     double                     *best_finger_score);

#define IDEM_TYPE_FINGERPRINT_GALLERY (idem_fingerprint_gallery_get_type ())

G_DECLARE_FINAL_TYPE (IdemFingerprintGallery, idem_fingerprint_gallery, IDEM, FINGERPRINT_GALLERY, GObject)

IdemFingerprintGallery *idem_fingerprint_gallery_new            (guint                    n_workers);
guint                   idem_fingerprint_gallery_get_n_workers  (IdemFingerprintGallery  *self);
guint                   idem_fingerprint_gallery_get_count      (IdemFingerprintGallery  *self);
gsize                   idem_fingerprint_gallery_get_template_bytes (IdemFingerprintGallery *self);
gsize                   idem_fingerprint_gallery_get_index_bytes (IdemFingerprintGallery *self);
gboolean                idem_fingerprint_gallery_get_prefilter  (IdemFingerprintGallery  *self);
void                    idem_fingerprint_gallery_set_prefilter  (IdemFingerprintGallery  *self,
                                                                 gboolean                 prefilter);
gboolean                idem_fingerprint_gallery_insert         (IdemFingerprintGallery  *self,
                                                                 const char              *reference_id,
                                                                 IdemFingerTemplate * const *fingers,
                                                                 guint                    n_fingers,
                                                                 GError                 **error);
gboolean                idem_fingerprint_gallery_remove         (IdemFingerprintGallery  *self,
                                                                 const char              *reference_id,
                                                                 GError                 **error);
gboolean                idem_fingerprint_gallery_contains       (IdemFingerprintGallery  *self,
                                                                 const char              *reference_id);
GPtrArray              *idem_fingerprint_gallery_get_fingers    (IdemFingerprintGallery  *self,
                                                                 const char              *reference_id);
gboolean                idem_fingerprint_gallery_verify         (IdemFingerprintGallery  *self,
                                                                 const char              *reference_id,
                                                                 IdemFingerTemplate * const *probe,
                                                                 guint                    n_probe,
                                                                 double                  *score,
                                                                 GError                 **error);
GPtrArray              *idem_fingerprint_gallery_identify       (IdemFingerprintGallery  *self,
                                                                 IdemFingerTemplate * const *probe,
                                                                 guint                    n_probe,
                                                                 guint                    max_results,
                                                                 double                   min_score,
                                                                 GError                 **error);
void                    idem_fingerprint_gallery_identify_async (IdemFingerprintGallery  *self,
                                                                 IdemFingerTemplate * const *probe,
                                                                 guint                    n_probe,
                                                                 guint                    max_results,
                                                                 double                   min_score,
                                                                 GCancellable            *cancellable,
                                                                 GAsyncReadyCallback      callback,
                                                                 gpointer                 user_data);
GPtrArray              *idem_fingerprint_gallery_identify_finish (IdemFingerprintGallery *self,
                                                                  GAsyncResult           *result,
                                                                  GError                **error);

G_END_DECLS
