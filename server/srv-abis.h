/* srv-abis.h — the ABIS interface: what the pipeline and authentication ask
 * of a biometric identification system
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The operations follow MOSIP's ABIS API (insert, identify, delete, ping,
 * pending jobs, reference count).  Two implementations speak it: the
 * built-in one (srv-abis-builtin.c, an in-memory gallery over libcore's
 * fingerprint matcher) and a client of any external ABIS that serves the
 * same API over HTTP (srv-abis-http.c).  Calls block: the pipeline makes
 * them from its worker threads, the HTTP handlers from GTask threads, so
 * every implementation is safe to call from several threads at once.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SRV_ABIS_ERROR (srv_abis_error_quark ())

/**
 * SrvAbisError:
 * @SRV_ABIS_ERROR_INVALID_REQUEST: a missing or malformed field
 * @SRV_ABIS_ERROR_BAD_BIOMETRICS: the CBEFF record cannot be read, or has no
 *   usable finger
 * @SRV_ABIS_ERROR_DUPLICATE_REFERENCE: insert of a reference ID the gallery
 *   already holds with different biometrics
 * @SRV_ABIS_ERROR_REFERENCE_NOT_FOUND: identify, delete or a gallery entry
 *   names a reference ID the gallery does not hold
 * @SRV_ABIS_ERROR_UNAVAILABLE: the ABIS cannot be reached or is not ready;
 *   transient, the caller retries later
 * @SRV_ABIS_ERROR_INTERNAL: the ABIS failed for a reason of its own
 *
 * Stable error codes of %SRV_ABIS_ERROR, mapped one to one onto MOSIP's
 * ABIS failure reasons in the HTTP API: values are never renumbered.
 */
typedef enum
{
  SRV_ABIS_ERROR_INVALID_REQUEST = 1,
  SRV_ABIS_ERROR_BAD_BIOMETRICS = 2,
  SRV_ABIS_ERROR_DUPLICATE_REFERENCE = 3,
  SRV_ABIS_ERROR_REFERENCE_NOT_FOUND = 4,
  SRV_ABIS_ERROR_UNAVAILABLE = 5,
  SRV_ABIS_ERROR_INTERNAL = 6,
} SrvAbisError;

/**
 * SrvAbisCandidate:
 * @reference_id: the matching gallery entry
 * @score: the fused score over all modalities, 0–100
 * @finger_score: the fused fingerprint score, 0–100, or -1 when not compared
 * @face_score: the face score, 0–100, or -1 when not compared
 *
 * One candidate of an identify, best first in the array it comes in.
 */
typedef struct
{
  char   *reference_id;
  double  score;
  double  finger_score;
  double  face_score;
} SrvAbisCandidate;

#define SRV_TYPE_ABIS (srv_abis_get_type ())

G_DECLARE_INTERFACE (SrvAbis, srv_abis, SRV, ABIS, GObject)

struct _SrvAbisInterface
{
  GTypeInterface parent_iface;

  gboolean   (*insert)          (SrvAbis             *self,
                                 const char          *reference_id,
                                 GBytes              *cbeff,
                                 GError             **error);
  GPtrArray * (*identify)        (SrvAbis             *self,
                                  const char          *reference_id,
                                  GBytes              *cbeff,
                                  const char * const  *gallery,
                                  guint                max_results,
                                  double               threshold,
                                  GError             **error);
  gboolean   (*remove)          (SrvAbis             *self,
                                 const char          *reference_id,
                                 GError             **error);
  gboolean   (*ping)            (SrvAbis             *self,
                                 GError             **error);
  gint64     (*pending_jobs)    (SrvAbis             *self,
                                 GError             **error);
  gint64     (*reference_count) (SrvAbis             *self,
                                 GError             **error);
};

GQuark     srv_abis_error_quark     (void);

gboolean   srv_abis_insert          (SrvAbis             *self,
                                     const char          *reference_id,
                                     GBytes              *cbeff,
                                     GError             **error);
GPtrArray *srv_abis_identify        (SrvAbis             *self,
                                     const char          *reference_id,
                                     GBytes              *cbeff,
                                     const char * const  *gallery,
                                     guint                max_results,
                                     double               threshold,
                                     GError             **error);
gboolean   srv_abis_remove          (SrvAbis             *self,
                                     const char          *reference_id,
                                     GError             **error);
gboolean   srv_abis_ping            (SrvAbis             *self,
                                     GError             **error);
gint64     srv_abis_pending_jobs    (SrvAbis             *self,
                                     GError             **error);
gint64     srv_abis_reference_count (SrvAbis             *self,
                                     GError             **error);

void       srv_abis_candidate_free  (SrvAbisCandidate    *candidate);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrvAbisCandidate, srv_abis_candidate_free)

G_END_DECLS
