/* idem-fingerprint-index.c — the gallery's candidate pre-filter
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A full comparison (idem-fingerprint-matcher.c) costs a few thousand
 * popcounts and a geometric check; 1:N identification would pay that for
 * every enrolled finger.  The pre-filter turns most of them away for the
 * price of 64 bit tests, against an index entry made once, when the finger
 * is enrolled.
 *
 * Tokens.  Each minutia and its two nearest neighbours (8–110 px away) make
 * one token: the two distances, the directions of the two segments seen
 * from the minutia, and the two neighbours' ridge directions relative to
 * its own — all unchanged when the finger moves or turns — quantised and
 * hashed into IDEM_FINGER_INDEX_BITS.  An entry keeps the enrolled finger's
 * tokens, exact bins, as a list of at most 64 bit numbers (128 bytes).  A
 * probe is turned into a bit set instead, with every bin its values lie
 * close to set as well (the tolerance absorbs skin distortion and the
 * extractor's angle error), so an entry token found in it is one whose
 * values agree with one of the probe's within tolerance.
 *
 * Decision.  Impostors share some tokens by chance, the more the denser the
 * probe's bit set: an entry passes when its shared tokens lie at least
 * IDEM_FINGERPRINT_PREFILTER_THRESHOLD standard deviations above that
 * chance.  The query precomputes, for every entry size, how many shared
 * tokens that takes, so the hot loop is bit tests and one compare.
 *
 * Why not pairs of minutiae, or a bit set on both sides: pair features
 * have too few distinct values (every finger's pairs cover a third of
 * them), and spreading both sides saturates the set; on bench-abis-accuracy
 * either let through most impostors to keep 99 % of the mates.
 */

#define G_LOG_DOMAIN "idem-fingerprint"

#include "config.h"

#include "idem-fingerprint-index-private.h"

#include <math.h>
#include <string.h>

#define MIN_DISTANCE 8.0f
#define MAX_DISTANCE 110.0f
#define DISTANCE_BIN 12.0f
#define N_DISTANCE_BINS 9
#define SEGMENT_BIN 16.0f      /* 1/256 turn */
#define N_SEGMENT_BINS 16
#define DIRECTION_BIN 32.0f    /* 1/256 turn */
#define N_DIRECTION_BINS 8
/* The probe side's tolerances.  Ridge directions get none: NBIS gives them
 * in steps of 8, and a 32-wide bin already holds one step either way more
 * often than a spread bin helps. */
#define DISTANCE_MARGIN 2.0f
#define DISTANCE_MARGIN_SLOPE 0.06f
#define SEGMENT_MARGIN 5.0f

G_STATIC_ASSERT (IDEM_FINGER_INDEX_BITS <= 65536);

typedef struct
{
  float values[6];
} Token;

/* The two nearest neighbours of each minutia, as tokens; returns how many. */
static guint
make_tokens (const IdemFingerTemplate *template,
             Token                     tokens[IDEM_FINGER_INDEX_MAX_TOKENS])
{
  const gint16 *xs, *ys;
  const guint8 *angles;
  guint n = idem_finger_template_get_n_minutiae (template);
  guint count = 0;

  _idem_finger_template_get_geometry (template, &xs, &ys, &angles);
  n = MIN (n, IDEM_FINGER_INDEX_MAX_TOKENS);

  for (guint i = 0; i < n; i++)
    {
      guint nearest[2] = { 0, 0 };
      float nearest_r2[2] = { G_MAXFLOAT, G_MAXFLOAT };
      Token *token = &tokens[count];

      for (guint j = 0; j < n; j++)
        {
          float dx = (float) (xs[j] - xs[i]);
          float dy = (float) (ys[j] - ys[i]);
          float r2 = dx * dx + dy * dy;

          if (j == i || r2 < MIN_DISTANCE * MIN_DISTANCE || r2 >= MAX_DISTANCE * MAX_DISTANCE)
            continue;
          if (r2 < nearest_r2[0])
            {
              nearest_r2[1] = nearest_r2[0];
              nearest[1] = nearest[0];
              nearest_r2[0] = r2;
              nearest[0] = j;
            }
          else if (r2 < nearest_r2[1])
            {
              nearest_r2[1] = r2;
              nearest[1] = j;
            }
        }
      if (nearest_r2[1] == G_MAXFLOAT)
        continue;

      for (guint q = 0; q < 2; q++)
        {
          guint j = nearest[q];
          float dx = (float) (xs[j] - xs[i]);
          float dy = (float) (ys[j] - ys[i]);
          float segment = atan2f (dy, dx) * 128.0f / (float) G_PI - (float) angles[i];

          token->values[q] = sqrtf (nearest_r2[q]) - MIN_DISTANCE;
          token->values[2 + q] = fmodf (segment + 512.0f, 256.0f);
          token->values[4 + q] = (float) (guint8) (angles[j] - angles[i]);
        }
      count++;
    }

  return count;
}

static const float bin_width[6] = {
  DISTANCE_BIN, DISTANCE_BIN, SEGMENT_BIN, SEGMENT_BIN, DIRECTION_BIN, DIRECTION_BIN,
};
static const int n_bins[6] = {
  N_DISTANCE_BINS, N_DISTANCE_BINS, N_SEGMENT_BINS, N_SEGMENT_BINS, N_DIRECTION_BINS, N_DIRECTION_BINS,
};

static int
wrap_bin (int   bin,
          guint feature)
{
  /* Distances are the first two features; the rest are angles. */
  if (feature >= 2)
    return ((bin % n_bins[feature]) + n_bins[feature]) % n_bins[feature];

  return bin < 0 || bin >= n_bins[feature] ? -1 : bin;
}

static guint16
token_bit (const int bins[6])
{
  guint32 key = 0;
  guint32 hash;

  for (guint f = 0; f < 6; f++)
    key = key * (guint32) n_bins[f] + (guint32) bins[f];
  hash = (key * 2654435761u) ^ (key >> 15);
  hash *= 0x85ebca6bu;
  hash ^= hash >> 13;

  return (guint16) (hash % IDEM_FINGER_INDEX_BITS);
}

void
_idem_finger_index_entry_init (IdemFingerIndexEntry     *entry,
                               const IdemFingerTemplate *template)
{
  Token tokens[IDEM_FINGER_INDEX_MAX_TOKENS];
  guint count = make_tokens (template, tokens);

  entry->n_tokens = 0;
  for (guint t = 0; t < count; t++)
    {
      int bins[6];
      guint16 bit;
      gboolean seen = FALSE;

      for (guint f = 0; f < 6; f++)
        {
          bins[f] = wrap_bin ((int) floorf (tokens[t].values[f] / bin_width[f]), f);
          if (bins[f] < 0)
            bins[f] = n_bins[f] - 1;
        }
      bit = token_bit (bins);
      for (guint k = 0; k < entry->n_tokens && !seen; k++)
        seen = entry->tokens[k] == bit;
      if (!seen)
        entry->tokens[entry->n_tokens++] = bit;
    }
}

/* Sets the bits of every bin combination within tolerance of @token. */
static void
query_add_token (IdemFingerIndexQuery *query,
                 const Token          *token)
{
  int bins[6][3];
  guint counts[6];
  guint at[6] = { 0 };

  for (guint f = 0; f < 6; f++)
    {
      float margin = f < 2 ? DISTANCE_MARGIN + DISTANCE_MARGIN_SLOPE * token->values[f]
                     : f < 4 ? SEGMENT_MARGIN : 0.0f;
      int low = (int) floorf ((token->values[f] - margin) / bin_width[f]);
      int high = (int) floorf ((token->values[f] + margin) / bin_width[f]);

      counts[f] = 0;
      for (int b = low; b <= high && counts[f] < 3; b++)
        {
          int bin = wrap_bin (b, f);

          if (bin >= 0)
            bins[f][counts[f]++] = bin;
        }
      if (counts[f] == 0)
        bins[f][counts[f]++] = n_bins[f] - 1;
    }

  /* Every combination, as an odometer over the six features. */
  for (;;)
    {
      int chosen[6];
      guint16 bit;
      guint f;

      for (f = 0; f < 6; f++)
        chosen[f] = bins[f][at[f]];
      bit = token_bit (chosen);
      query->words[bit >> 6] |= G_GUINT64_CONSTANT (1) << (bit & 63);

      for (f = 0; f < 6; f++)
        {
          if (++at[f] < counts[f])
            break;
          at[f] = 0;
        }
      if (f == 6)
        break;
    }
}

void
_idem_finger_index_query_init (IdemFingerIndexQuery     *query,
                               const IdemFingerTemplate *template)
{
  Token tokens[IDEM_FINGER_INDEX_MAX_TOKENS];
  guint count = make_tokens (template, tokens);
  double density;

  memset (query, 0, sizeof *query);
  for (guint t = 0; t < count; t++)
    query_add_token (query, &tokens[t]);
  for (guint w = 0; w < G_N_ELEMENTS (query->words); w++)
    query->bits += __builtin_popcountll (query->words[w]);

  /* Shared tokens needed, for each entry size: chance plus the threshold
   * in standard deviations.  An entry never passes on nothing shared. */
  density = (double) query->bits / IDEM_FINGER_INDEX_BITS;
  for (guint n = 0; n <= IDEM_FINGER_INDEX_MAX_TOKENS; n++)
    {
      double expected = n * density;
      double needed = ceil (expected + IDEM_FINGERPRINT_PREFILTER_THRESHOLD * sqrt (expected + 1.0));

      query->min_shared[n] = (guint8) CLAMP (needed, 1.0, 255.0);
    }
}

guint
_idem_finger_index_shared (const IdemFingerIndexQuery *query,
                           const IdemFingerIndexEntry *entry)
{
  guint shared = 0;

  for (guint t = 0; t < entry->n_tokens; t++)
    shared += (query->words[entry->tokens[t] >> 6] >> (entry->tokens[t] & 63)) & 1;

  return shared;
}

/**
 * idem_finger_template_prefilter_score:
 * @probe: a probe's finger
 * @candidate: an enrolled finger
 *
 * The score the gallery's pre-filter gives @candidate for @probe: how many
 * standard deviations the local-structure tokens they share lie above
 * chance.  A gallery makes the index entries once and each query once a
 * search; this makes both at every call, for measurements.
 *
 * Returns: the pre-filter score; identification compares fully only the
 *   fingers at or above %IDEM_FINGERPRINT_PREFILTER_THRESHOLD
 */
double
idem_finger_template_prefilter_score (const IdemFingerTemplate *probe,
                                      const IdemFingerTemplate *candidate)
{
  g_autofree IdemFingerIndexQuery *query = g_new (IdemFingerIndexQuery, 1);
  IdemFingerIndexEntry entry;
  double expected;

  g_return_val_if_fail (probe != NULL, 0.0);
  g_return_val_if_fail (candidate != NULL, 0.0);

  _idem_finger_index_query_init (query, probe);
  _idem_finger_index_entry_init (&entry, candidate);
  expected = (double) entry.n_tokens * query->bits / IDEM_FINGER_INDEX_BITS;

  return (_idem_finger_index_shared (query, &entry) - expected) / sqrt (expected + 1.0);
}

/**
 * idem_finger_template_prefilter_passes:
 * @probe: a probe's finger
 * @candidate: an enrolled finger
 *
 * Returns: whether identification would compare @candidate with @probe
 *   fully, exactly as a gallery decides it
 */
gboolean
idem_finger_template_prefilter_passes (const IdemFingerTemplate *probe,
                                       const IdemFingerTemplate *candidate)
{
  g_autofree IdemFingerIndexQuery *query = g_new (IdemFingerIndexQuery, 1);
  IdemFingerIndexEntry entry;

  g_return_val_if_fail (probe != NULL, FALSE);
  g_return_val_if_fail (candidate != NULL, FALSE);

  _idem_finger_index_query_init (query, probe);
  _idem_finger_index_entry_init (&entry, candidate);

  return _idem_finger_index_passes (query, &entry);
}
