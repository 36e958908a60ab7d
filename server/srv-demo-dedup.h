/* srv-demo-dedup.h — demographic de-duplication: is this resident already
 * known under a name spelled differently?
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * MOSIP compares an exact hash of name, date of birth and gender, so
 * "Mohamed" and "Muhammad", or a name typed in Arabic script at one centre
 * and in Latin at another, are different people to it.  This index
 * normalises names (case, diacritics, transliteration to Latin), keys them
 * phonetically for candidate search and scores candidates with a fuzzy
 * string measure, together with date of birth and gender.
 *
 * Privacy: like every index in the server, it stores no personal data in
 * clear (blocking keys are HMACs; what scoring needs is sealed).
 */

#pragma once

#include <json-glib/json-glib.h>

#include "srv-data-keys.h"
#include "srv-database.h"

G_BEGIN_DECLS

#define SRV_DEMO_DEDUP_ERROR (srv_demo_dedup_error_quark ())

/**
 * SrvDemoDedupError:
 * @SRV_DEMO_DEDUP_ERROR_INVALID_ARGUMENT: the identity has no name to
 *   index or compare, or an empty reference id
 * @SRV_DEMO_DEDUP_ERROR_DATABASE: the database failed
 * @SRV_DEMO_DEDUP_ERROR_TAMPERED: an index entry does not open: altered,
 *   moved or under another key
 *
 * Stable error codes of %SRV_DEMO_DEDUP_ERROR: values are never renumbered.
 */
typedef enum
{
  SRV_DEMO_DEDUP_ERROR_INVALID_ARGUMENT = 1,
  SRV_DEMO_DEDUP_ERROR_DATABASE = 2,
  SRV_DEMO_DEDUP_ERROR_TAMPERED = 3,
} SrvDemoDedupError;

/* The score from which a candidate is returned when the caller has no
 * threshold of its own: see srv-demo-dedup.c for what it means. */
#define SRV_DEMO_DEDUP_THRESHOLD 0.85

/**
 * SrvDemoCandidate:
 * @reference_id: the entry that may be the same person (a RID or a UIN,
 *   as it was added)
 * @score: the similarity, 0 (nothing alike) to 1 (identical after
 *   normalisation)
 *
 * One candidate of srv_demo_dedup_find(), best first.
 */
typedef struct
{
  char   *reference_id;
  double  score;
} SrvDemoCandidate;

#define SRV_TYPE_DEMO_DEDUP (srv_demo_dedup_get_type ())

G_DECLARE_FINAL_TYPE (SrvDemoDedup, srv_demo_dedup, SRV, DEMO_DEDUP, GObject)

GQuark        srv_demo_dedup_error_quark (void);

SrvDemoDedup *srv_demo_dedup_new         (SrvDatabase   *database,
                                          SrvDataKeys   *keys);

/* @identity: the "identity" object of an ID.json (fullName, dateOfBirth,
 * gender … as the ID schema names them).  add() runs inside the caller's
 * transaction when there is one, so the index moves with the identity. */
gboolean      srv_demo_dedup_add         (SrvDemoDedup  *self,
                                          const char    *reference_id,
                                          JsonObject    *identity,
                                          GError       **error);
gboolean      srv_demo_dedup_remove      (SrvDemoDedup  *self,
                                          const char    *reference_id,
                                          GError       **error);
GPtrArray    *srv_demo_dedup_find        (SrvDemoDedup  *self,
                                          JsonObject    *identity,
                                          double         threshold,
                                          GError       **error);
double        srv_demo_dedup_compare     (JsonObject    *a,
                                          JsonObject    *b,
                                          GError       **error);

void          srv_demo_candidate_free    (SrvDemoCandidate *candidate);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrvDemoCandidate, srv_demo_candidate_free)

G_END_DECLS
