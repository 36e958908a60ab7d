/* idem-fingerprint-index-private.h — the gallery's candidate pre-filter
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "idem-fingerprint-matcher.h"

G_BEGIN_DECLS

#define IDEM_FINGER_INDEX_BITS 16384
#define IDEM_FINGER_INDEX_MAX_TOKENS 64

/* An enrolled finger's entry: the hashed local-structure tokens of its
 * minutiae, exact bins, each once. */
typedef struct
{
  guint8  n_tokens;
  guint16 tokens[IDEM_FINGER_INDEX_MAX_TOKENS];
} IdemFingerIndexEntry;

/* A probe finger's query: its tokens with every bin within tolerance set,
 * and the number of shared tokens each entry size needs to pass. */
typedef struct
{
  guint   bits;
  guint8  min_shared[IDEM_FINGER_INDEX_MAX_TOKENS + 1];
  guint64 words[IDEM_FINGER_INDEX_BITS / 64];
} IdemFingerIndexQuery;

void     _idem_finger_index_entry_init  (IdemFingerIndexEntry       *entry,
                                         const IdemFingerTemplate   *template);
void     _idem_finger_index_query_init  (IdemFingerIndexQuery       *query,
                                         const IdemFingerTemplate   *template);
guint    _idem_finger_index_shared      (const IdemFingerIndexQuery *query,
                                         const IdemFingerIndexEntry *entry);

static inline gboolean
_idem_finger_index_passes (const IdemFingerIndexQuery *query,
                           const IdemFingerIndexEntry *entry)
{
  return _idem_finger_index_shared (query, entry) >= query->min_shared[entry->n_tokens];
}

/* Defined in idem-fingerprint-matcher.c, which owns the template layout. */
void     _idem_finger_template_get_geometry (const IdemFingerTemplate *self,
                                             const gint16            **x,
                                             const gint16            **y,
                                             const guint8            **angles);

G_END_DECLS
