/* idem-fingerprint-matcher.c — fast minutiae matching, 1:1 and 1:N
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * How a comparison works, and why it is fast:
 *
 * 1. When a template is compiled (once, at enrolment), its 64 most reliable
 *    minutiae each get a 128-bit code of their neighbourhood, seen from the
 *    minutia itself: each neighbour within 90 px (4.5 mm at 500 dpi) sets the
 *    bit of its cell in a polar grid of 4 rings × 8 sectors, crossed with 4
 *    bins of its ridge direction relative to the centre's.  Positions are
 *    taken in the centre minutia's own frame, so the code does not change
 *    when the finger is moved or turned.  A neighbour near a cell border also
 *    sets the neighbouring cell, which absorbs skin distortion and the
 *    extractor's angle error.  Codes are stored in the order the vector loop
 *    reads them.
 * 2. A comparison computes the Dice similarity of every minutia pair's codes
 *    (AND and popcount; with AVX-512 eight pairs an instruction, with the
 *    row's two best found inside one register) and keeps each probe
 *    minutia's two most similar candidates.  The mean of the best row
 *    maxima is a prefilter: below it, the score is 0 and most impostors stop
 *    here — most of them after only the probe's 32 most reliable minutiae,
 *    for half the work.
 * 3. Otherwise the 32 most similar pairs are checked against each other for
 *    geometric consistency (the same rotation, and segment vectors that agree
 *    once rotated, with a tolerance that grows with distance for elastic
 *    skin).  Compatibility is kept as one 32-bit mask a pair, and the largest
 *    mutually consistent set is grown greedily from the best seeds with mask
 *    operations.  The score is the sum of the similarities in that set,
 *    scaled by 10: independent of how many minutiae lie outside the overlap,
 *    so partial impressions still score.
 *
 * Multi-finger fusion (idem_fingerprint_fuse_person()) uses the sum rule:
 * each probe finger is compared with the enrolled fingers at the same
 * position (all of them when either position is unknown), its best score
 * counts, and the scores of the probe's fingers add up.  Sums reward several
 * fingers agreeing, which a max rule would not, and keep one finger's score
 * scale for single-finger probes.
 *
 * 1:N identification puts a candidate pre-filter in front of step 2
 * (idem-fingerprint-index.c): each enrolled finger has a 130-byte index
 * entry of hashed local-structure tokens, made at insertion and dropped at
 * removal with the person, and each probe finger one query a search; an
 * entry that shares too few tokens with the query is turned away after 64
 * bit tests, about a twentieth of a comparison's cost.  On
 * bench-abis-accuracy's 500 fingers x 4 impressions it keeps 99.5 % of the
 * mates the matcher finds at FMR 1e-4 and lets 16 % of impostors through;
 * 1:1 verification and idem_fingerprint_fuse_person() never use it.
 */

#define G_LOG_DOMAIN "idem-fingerprint"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "idem-fingerprint-matcher.h"
#include "idem-fingerprint-index-private.h"

#include <immintrin.h>
#include <math.h>
#include <string.h>

/* Minutiae compiled into a template: the most reliable ones. */
#define MAX_MINUTIAE 64
/* Neighbourhood of a minutia's code, in pixels at 500 dpi. */
#define CODE_RADIUS 90.0f
#define CODE_MIN_RADIUS 8.0f
#define RING_MARGIN 5.0f
#define SECTOR_MARGIN 6.0f      /* in 1/256 turn */
#define DIRECTION_MARGIN 10.0f  /* in 1/256 turn */
/* A code with fewer bits than this says too little to compare. */
#define MIN_CODE_BITS 5
/* Early exit: the mean of the best EARLY_BEST row maxima of the first
 * EARLY_ROWS probe minutiae, in 1/256.  Both thresholds were set on
 * bench-abis-accuracy's 500 fingers x 4 impressions: at 165 and 173 the
 * early exit stopped 31 % of impostor comparisons and 34 % went on to the
 * geometric check; at 170 and 177, 54 % and 18 %, for an FNMR at FMR 1e-4
 * of 2.4 % instead of 1.9 %. */
#define EARLY_ROWS 32
#define EARLY_BEST 8
#define EARLY_THRESHOLD 170
/* Prefilter: mean of the best row maxima below this rejects at once. */
#define PREFILTER_THRESHOLD 177
#define MIN_PAIR_SIMILARITY 0.25f
#define TOP_PAIRS 32
#define SEEDS 4
/* Consistency tolerances. */
#define MAX_ROTATION_DIFF 22      /* 1/256 turn, about 31° */
#define VECTOR_TOLERANCE 10.0f    /* px */
#define VECTOR_TOLERANCE_SLOPE 0.2f
#define MAX_REFERENCE_LENGTH 256

static const float ring_edges[] = { CODE_MIN_RADIUS, 30.0f, 50.0f, 70.0f, CODE_RADIUS };

struct _IdemFingerTemplate
{
  gatomicrefcount ref_count;
  guint8          n;
  guint8          position;
  guint8          reserved[2];
  /* The codes, two words each, in groups of 8 (padded with empty codes) laid
   * out in the order the vector loop reads them (see code_slot()); then
   * n x, n y (gint16), n angles and padded(n) bit counts (guint8). */
  guint64         data[];
};

static inline const guint64 *
template_codes (const IdemFingerTemplate *self)
{
  return self->data;
}

static inline guint
padded (guint n)
{
  return (n + 7) & ~7u;
}

/* Where minutia j's code lives: within each group of 8, minutiae 0, 2, 4, 6
 * take slots 0–3 and minutiae 1, 3, 5, 7 slots 4–7, so that the AVX-512
 * loop's unpack of two loads yields the counts in minutia order. */
static inline guint
code_slot (guint j)
{
  guint p = j & 7;

  return (j & ~7u) + ((p & 1) ? 4 + p / 2 : p / 2);
}

static inline const gint16 *
template_x (const IdemFingerTemplate *self)
{
  return (const gint16 *) (gconstpointer) (self->data + 2 * padded (self->n));
}

static inline const gint16 *
template_y (const IdemFingerTemplate *self)
{
  return template_x (self) + self->n;
}

static inline const guint8 *
template_angles (const IdemFingerTemplate *self)
{
  return (const guint8 *) (template_y (self) + self->n);
}

static inline const guint8 *
template_bits (const IdemFingerTemplate *self)
{
  return template_angles (self) + self->n;
}

static gsize
template_size_for (guint n)
{
  return sizeof (IdemFingerTemplate) + padded (n) * (2 * sizeof (guint64) + 1) + n * (2 * sizeof (gint16) + 1);
}

G_DEFINE_BOXED_TYPE (IdemFingerTemplate, idem_finger_template,
                     idem_finger_template_ref, idem_finger_template_unref)
G_DEFINE_QUARK (idem-fingerprint-error-quark, idem_fingerprint_error)

typedef struct _RowTops RowTops;
typedef void (*FillRowTops) (const IdemFingerTemplate *probe,
                             const IdemFingerTemplate *candidate,
                             guint                     first_row,
                             guint                     last_row,
                             RowTops                  *tops);

/* The multiversioning attributes sit on these first declarations too: clang
 * refuses to make a function multiversioned after its first use. */
__attribute__((target_clones ("popcnt", "default")))
static void fill_row_tops_scalar (const IdemFingerTemplate *probe,
                                  const IdemFingerTemplate *candidate,
                                  guint                     first_row,
                                  guint                     last_row,
                                  RowTops                  *tops);
__attribute__((target ("avx512f,avx512bw,avx512vl,avx512vpopcntdq")))
static void fill_row_tops_avx512 (const IdemFingerTemplate *probe,
                                  const IdemFingerTemplate *candidate,
                                  guint                     first_row,
                                  guint                     last_row,
                                  RowTops                  *tops);

/* Picked once, by what the processor can do. */
static FillRowTops fill_row_tops;

/* Cosine and sine of a 1/256 turn, filled once. */
static float cos_table[256];
static float sin_table[256];

static void
ensure_tables (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      for (guint i = 0; i < 256; i++)
        {
          cos_table[i] = cosf ((float) i * (float) G_PI / 128.0f);
          sin_table[i] = sinf ((float) i * (float) G_PI / 128.0f);
        }
      __builtin_cpu_init ();
      if (__builtin_cpu_supports ("avx512f") && __builtin_cpu_supports ("avx512bw")
          && __builtin_cpu_supports ("avx512vl") && __builtin_cpu_supports ("avx512vpopcntdq")
          && g_getenv ("IDEM_MATCHER_NO_AVX512") == NULL)
        fill_row_tops = fill_row_tops_avx512;
      else
        fill_row_tops = fill_row_tops_scalar;
      g_once_init_leave (&initialized, 1);
    }
}

static guint
soft_bins (float    value,
           float    width,
           guint    n_bins,
           float    margin,
           gboolean circular,
           guint    bins[2])
{
  guint count = 0;
  int bin = (int) floorf (value / width);
  float offset = value - (float) bin * width;

  bin = CLAMP (bin, 0, (int) n_bins - 1);
  bins[count++] = bin;
  if (offset < margin)
    {
      if (bin > 0)
        bins[count++] = bin - 1;
      else if (circular)
        bins[count++] = n_bins - 1;
    }
  else if (width - offset < margin)
    {
      if (bin + 1 < (int) n_bins)
        bins[count++] = bin + 1;
      else if (circular)
        bins[count++] = 0;
    }

  return count;
}

static guint
ring_bins (float r,
           guint bins[2])
{
  guint count = 0;
  guint ring = 0;

  while (ring < 3 && r >= ring_edges[ring + 1])
    ring++;
  bins[count++] = ring;
  if (ring > 0 && r - ring_edges[ring] < RING_MARGIN)
    bins[count++] = ring - 1;
  else if (ring < 3 && ring_edges[ring + 1] - r < RING_MARGIN)
    bins[count++] = ring + 1;

  return count;
}

static void
compute_code (const float  *xs,
              const float  *ys,
              const guint8 *angles,
              guint         n,
              guint         centre,
              guint64       code[2])
{
  code[0] = code[1] = 0;

  for (guint j = 0; j < n; j++)
    {
      float dx, dy, r2, r, phi, delta;
      guint rings[2], sectors[2], dirs[2];
      guint n_rings, n_sectors, n_dirs;

      if (j == centre)
        continue;
      dx = xs[j] - xs[centre];
      dy = ys[j] - ys[centre];
      r2 = dx * dx + dy * dy;
      if (r2 >= CODE_RADIUS * CODE_RADIUS || r2 < CODE_MIN_RADIUS * CODE_MIN_RADIUS)
        continue;
      r = sqrtf (r2);
      phi = atan2f (dy, dx) * 128.0f / (float) G_PI - (float) angles[centre];
      phi = fmodf (phi + 512.0f, 256.0f);
      delta = (float) (guint8) (angles[j] - angles[centre]);

      n_rings = ring_bins (r, rings);
      n_sectors = soft_bins (phi, 32.0f, 8, SECTOR_MARGIN, TRUE, sectors);
      n_dirs = soft_bins (delta, 64.0f, 4, DIRECTION_MARGIN, TRUE, dirs);

      for (guint a = 0; a < n_rings; a++)
        for (guint b = 0; b < n_sectors; b++)
          for (guint c = 0; c < n_dirs; c++)
            {
              guint bit = (rings[a] * 8 + sectors[b]) * 4 + dirs[c];

              code[bit >> 6] |= G_GUINT64_CONSTANT (1) << (bit & 63);
            }
    }
}

/**
 * idem_finger_template_new:
 * @minutiae: the minutiae of one finger impression
 * @position: the ISO/IEC 19794-4 finger position, 0 when unknown
 * @error: return location for an error
 *
 * Compiles minutiae into the matcher's compact form: the 40 most reliable
 * minutiae, rescaled to 500 dpi, each with its neighbourhood code.
 *
 * Returns: (transfer full): the template, or %NULL with @error set
 */
IdemFingerTemplate *
idem_finger_template_new (IdemMinutiae *minutiae,
                          guint         position,
                          GError      **error)
{
  g_autofree IdemMinutia *chosen = NULL;
  const IdemMinutia *all;
  IdemFingerTemplate *self;
  float xs[MAX_MINUTIAE], ys[MAX_MINUTIAE];
  guint8 angles[MAX_MINUTIAE];
  guint n_all, n;
  float scale;
  guint64 *codes;
  gint16 *tx, *ty;
  guint8 *ta, *tb;

  g_return_val_if_fail (minutiae != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ensure_tables ();

  if (position > IDEM_FINGER_POSITION_MAX)
    {
      g_set_error (error, IDEM_FINGERPRINT_ERROR, IDEM_FINGERPRINT_ERROR_INVALID_POSITION,
                   _("Finger position %u is not an ISO/IEC 19794-4 position (0–10)"), position);
      return NULL;
    }

  all = idem_minutiae_get_all (minutiae, &n_all);
  if (n_all < IDEM_MINUTIAE_MIN)
    {
      g_set_error (error, IDEM_FINGERPRINT_ERROR, IDEM_FINGERPRINT_ERROR_TOO_FEW_MINUTIAE,
                   _("The finger has %u minutiae; at least %u are needed to compare it"),
                   n_all, IDEM_MINUTIAE_MIN);
      return NULL;
    }

  /* The most reliable first; equal quality keeps the extractor's order. */
  chosen = g_memdup2 (all, n_all * sizeof (IdemMinutia));
  for (guint i = 1; i < n_all; i++)
    {
      IdemMinutia m = chosen[i];
      guint k = i;

      while (k > 0 && chosen[k - 1].quality < m.quality)
        {
          chosen[k] = chosen[k - 1];
          k--;
        }
      chosen[k] = m;
    }
  n = MIN (n_all, MAX_MINUTIAE);

  scale = 500.0f / (float) idem_minutiae_get_resolution (minutiae);
  for (guint i = 0; i < n; i++)
    {
      xs[i] = (float) chosen[i].x * scale;
      ys[i] = (float) chosen[i].y * scale;
      angles[i] = chosen[i].angle;
    }

  self = g_malloc0 (template_size_for (n));
  g_atomic_ref_count_init (&self->ref_count);
  self->n = n;
  self->position = position;

  codes = self->data;
  tx = (gint16 *) (gpointer) (self->data + 2 * padded (n));
  ty = tx + n;
  ta = (guint8 *) (ty + n);
  tb = ta + n;
  for (guint i = 0; i < n; i++)
    {
      guint64 *code = codes + 2 * code_slot (i);
      guint bits;

      compute_code (xs, ys, angles, n, i, code);
      bits = __builtin_popcountll (code[0]) + __builtin_popcountll (code[1]);
      if (bits < MIN_CODE_BITS)
        {
          code[0] = code[1] = 0;
          bits = 0;
        }
      tx[i] = (gint16) lrintf (xs[i]);
      ty[i] = (gint16) lrintf (ys[i]);
      ta[i] = angles[i];
      tb[i] = bits;
    }

  return self;
}

IdemFingerTemplate *
idem_finger_template_ref (IdemFingerTemplate *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
idem_finger_template_unref (IdemFingerTemplate *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    g_free (self);
}

guint
idem_finger_template_get_position (const IdemFingerTemplate *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->position;
}

guint
idem_finger_template_get_n_minutiae (const IdemFingerTemplate *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n;
}

void
_idem_finger_template_get_geometry (const IdemFingerTemplate *self,
                                    const gint16            **x,
                                    const gint16            **y,
                                    const guint8            **angles)
{
  *x = template_x (self);
  *y = template_y (self);
  *angles = template_angles (self);
}

/* The compiled form's layout and the parameters that shape it; bumped
 * whenever either changes, so stale compiled templates are recompiled. */
#define TEMPLATE_FORMAT_MAGIC "IFT"
#define TEMPLATE_FORMAT_VERSION 1

/**
 * idem_finger_template_serialize:
 * @self: a template
 *
 * The compiled form, to store next to the minutiae it came from: loading
 * it back with idem_finger_template_deserialize() skips the compilation,
 * which costs far more than a comparison.
 *
 * Returns: (transfer full): the bytes
 */
GBytes *
idem_finger_template_serialize (const IdemFingerTemplate *self)
{
  gsize body;
  guint8 *out;

  g_return_val_if_fail (self != NULL, NULL);

  body = template_size_for (self->n) - sizeof (IdemFingerTemplate);
  out = g_malloc (6 + body);
  memcpy (out, TEMPLATE_FORMAT_MAGIC, 3);
  out[3] = TEMPLATE_FORMAT_VERSION;
  out[4] = self->n;
  out[5] = self->position;
  memcpy (out + 6, self->data, body);

  return g_bytes_new_take (out, 6 + body);
}

/**
 * idem_finger_template_deserialize:
 * @bytes: what idem_finger_template_serialize() returned
 * @error: return location for an error
 *
 * Returns: (transfer full): the template, or %NULL with
 *   %IDEM_FINGERPRINT_ERROR_STALE_TEMPLATE when the bytes are not a compiled
 *   template of this matcher version (compile the minutiae again)
 */
IdemFingerTemplate *
idem_finger_template_deserialize (GBytes  *bytes,
                                  GError **error)
{
  IdemFingerTemplate *self;
  const guint8 *data;
  gsize size;
  guint n;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ensure_tables ();

  data = g_bytes_get_data (bytes, &size);
  n = size >= 6 ? data[4] : 0;
  if (size < 6 || memcmp (data, TEMPLATE_FORMAT_MAGIC, 3) != 0 || data[3] != TEMPLATE_FORMAT_VERSION
      || n < IDEM_MINUTIAE_MIN || n > MAX_MINUTIAE || data[5] > IDEM_FINGER_POSITION_MAX
      || size != 6 + template_size_for (n) - sizeof (IdemFingerTemplate))
    {
      g_set_error (error, IDEM_FINGERPRINT_ERROR, IDEM_FINGERPRINT_ERROR_STALE_TEMPLATE,
                   _("The bytes are not a compiled template of this matcher version"));
      return NULL;
    }

  self = g_malloc (template_size_for (n));
  g_atomic_ref_count_init (&self->ref_count);
  self->n = n;
  self->position = data[5];
  self->reserved[0] = self->reserved[1] = 0;
  memcpy (self->data, data + 6, size - 6);

  return self;
}

/**
 * idem_finger_template_get_size:
 * @self: a template
 *
 * Returns: the bytes the compiled template occupies in memory
 */
gsize
idem_finger_template_get_size (const IdemFingerTemplate *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return template_size_for (self->n);
}

/* RowTops: for each probe minutia, its two most similar candidate minutiae
 * (Dice coefficient of the codes, in 1/256) and where they are.  Ties go to
 * the lowest index, in both versions below, so both give the same scores. */
struct _RowTops
{
  guint8 value[2 * MAX_MINUTIAE];
  guint8 index[2 * MAX_MINUTIAE];
  guint  row_max[MAX_MINUTIAE];
};

static inline guint8
dice (guint common,
      guint bits_a,
      guint bits_b)
{
  float value = (float) common * 512.0f / (float) MAX (1u, bits_a + bits_b);

  return (guint8) MIN (255, (int) value);
}

/* The hot loop, portable version (POPCNT where the processor has it). */
__attribute__((target_clones ("popcnt", "default")))
static void
fill_row_tops_scalar (const IdemFingerTemplate *probe,
                      const IdemFingerTemplate *candidate,
                      guint                     first_row,
                      guint                     last_row,
                      RowTops                  *tops)
{
  const guint64 *pc = template_codes (probe);
  const guint64 *gc = template_codes (candidate);
  const guint8 *pb = template_bits (probe);
  const guint8 *gb = template_bits (candidate);
  guint8 row[MAX_MINUTIAE];

  for (guint i = first_row; i < last_row; i++)
    {
      const guint64 *a = pc + 2 * code_slot (i);
      guint first = 0, first_j = 0, second = 0, second_j;

      for (guint j = 0; j < candidate->n; j++)
        {
          const guint64 *b = gc + 2 * code_slot (j);

          row[j] = dice (__builtin_popcountll (a[0] & b[0]) + __builtin_popcountll (a[1] & b[1]), pb[i], gb[j]);
          if (row[j] > first)
            {
              first = row[j];
              first_j = j;
            }
        }
      second_j = first_j == 0 ? 1 : 0;
      for (guint j = 0; j < candidate->n; j++)
        if (j != first_j && row[j] > second)
          {
            second = row[j];
            second_j = j;
          }

      tops->value[2 * i] = first;
      tops->index[2 * i] = first_j;
      tops->value[2 * i + 1] = second;
      tops->index[2 * i + 1] = second_j;
      tops->row_max[i] = first;
    }
}

/* GCC 12's AVX-512 headers start some intrinsics from a deliberately
 * undefined vector and then warn about it (GCC bug 105593). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

__attribute__((target ("avx512f,avx512bw,avx512vl,avx512vpopcntdq")))
static inline guint
max_byte_avx512 (__m512i v)
{
  __m128i x;

  v = _mm512_max_epu8 (v, _mm512_shuffle_i64x2 (v, v, _MM_SHUFFLE (1, 0, 3, 2)));
  v = _mm512_max_epu8 (v, _mm512_shuffle_i64x2 (v, v, _MM_SHUFFLE (2, 3, 0, 1)));
  x = _mm512_castsi512_si128 (v);
  x = _mm_max_epu8 (x, _mm_srli_si128 (x, 8));
  x = _mm_max_epu8 (x, _mm_srli_si128 (x, 4));
  x = _mm_max_epu8 (x, _mm_srli_si128 (x, 2));
  x = _mm_max_epu8 (x, _mm_srli_si128 (x, 1));

  return (guint) _mm_cvtsi128_si32 (x) & 0xff;
}

/* The same with AVX-512: eight candidate minutiae an iteration, popcounts
 * in the vector unit, and a whole row (at most 64 bytes) searched for its
 * two best in one register. */
__attribute__((target ("avx512f,avx512bw,avx512vl,avx512vpopcntdq")))
static void
fill_row_tops_avx512 (const IdemFingerTemplate *probe,
                      const IdemFingerTemplate *candidate,
                      guint                     first_row,
                      guint                     last_row,
                      RowTops                  *tops)
{
  const guint64 *pc = template_codes (probe);
  const guint64 *gc = template_codes (candidate);
  const guint8 *pb = template_bits (probe);
  const guint8 *gb = template_bits (candidate);
  guint groups = padded (candidate->n) / 8;
  guint64 valid = candidate->n >= 64 ? G_MAXUINT64 : (G_GUINT64_CONSTANT (1) << candidate->n) - 1;
  const __m256i one = _mm256_set1_epi32 (1);
  const __m256i limit = _mm256_set1_epi32 (255);
  const __m256 scale = _mm256_set1_ps (512.0f);

  for (guint i = first_row; i < last_row; i++)
    {
      const guint64 *a = pc + 2 * code_slot (i);
      __m512i broadcast = _mm512_set_epi64 (a[1], a[0], a[1], a[0], a[1], a[0], a[1], a[0]);
      __m256i na = _mm256_set1_epi32 (pb[i]);
      __m512i values = _mm512_setzero_si512 ();
      guint64 at_first, at_second;
      guint first, second, first_j;

      for (guint g = 0; g < groups; g++)
        {
          __m512i c0 = _mm512_popcnt_epi64 (_mm512_and_si512 (broadcast, _mm512_loadu_si512 (gc + 16 * g)));
          __m512i c1 = _mm512_popcnt_epi64 (_mm512_and_si512 (broadcast, _mm512_loadu_si512 (gc + 16 * g + 8)));
          __m512i sums = _mm512_add_epi64 (_mm512_unpacklo_epi64 (c0, c1), _mm512_unpackhi_epi64 (c0, c1));
          __m256i common = _mm512_cvtepi64_epi32 (sums);
          __m256i nb = _mm256_cvtepu8_epi32 (_mm_loadl_epi64 ((const __m128i *) (gconstpointer) (gb + 8 * g)));
          __m256i denominator = _mm256_max_epi32 (_mm256_add_epi32 (na, nb), one);
          __m256 value = _mm256_div_ps (_mm256_mul_ps (_mm256_cvtepi32_ps (common), scale),
                                        _mm256_cvtepi32_ps (denominator));

          /* The row stays in a register: eight bytes into 64-bit lane g. */
          values = _mm512_mask_broadcastq_epi64 (values, 1 << g,
                                                 _mm256_cvtepi32_epi8 (_mm256_min_epi32 (_mm256_cvttps_epi32 (value), limit)));
        }

      values = _mm512_maskz_mov_epi8 (valid, values);
      first = max_byte_avx512 (values);
      at_first = _mm512_cmpeq_epi8_mask (values, _mm512_set1_epi8 ((char) first)) & valid;
      first_j = __builtin_ctzll (at_first);
      values = _mm512_mask_mov_epi8 (values, G_GUINT64_CONSTANT (1) << first_j, _mm512_setzero_si512 ());
      second = max_byte_avx512 (values);
      at_second = _mm512_cmpeq_epi8_mask (values, _mm512_set1_epi8 ((char) second)) & valid
                  & ~(G_GUINT64_CONSTANT (1) << first_j);

      tops->value[2 * i] = first;
      tops->index[2 * i] = first_j;
      tops->value[2 * i + 1] = second;
      tops->index[2 * i + 1] = at_second ? __builtin_ctzll (at_second) : (first_j == 0 ? 1 : 0);
      tops->row_max[i] = first;
    }
}

#pragma GCC diagnostic pop

/* The mean of the k largest of n byte-sized values (k at most 16), kept
 * in a short descending list: a comparison asks twice, and for k this small
 * that beats counting sort's pass over 256 counters. */
static guint
mean_of_best (const guint *values,
              guint        n,
              guint        k)
{
  guint best[16];
  guint taken = 0, sum = 0;

  k = MIN (MIN (k, n), G_N_ELEMENTS (best));
  if (k == 0)
    return 0;
  for (guint i = 0; i < n; i++)
    {
      guint v = values[i];
      guint slot;

      if (taken == k && v <= best[k - 1])
        continue;
      slot = taken < k ? taken++ : k - 1;
      while (slot > 0 && best[slot - 1] < v)
        {
          best[slot] = best[slot - 1];
          slot--;
        }
      best[slot] = v;
    }
  for (guint i = 0; i < k; i++)
    sum += best[i];

  return sum / k;
}

typedef struct
{
  guint8 i;
  guint8 j;
  guint8 rotation;
  float  sim;
} Pair;

static gboolean
pairs_compatible (const IdemFingerTemplate *probe,
                  const IdemFingerTemplate *candidate,
                  const Pair               *a,
                  const Pair               *b)
{
  const gint16 *px = template_x (probe);
  const gint16 *py = template_y (probe);
  const gint16 *gx = template_x (candidate);
  const gint16 *gy = template_y (candidate);
  gint8 rotation_diff;
  guint8 rotation;
  float pdx, pdy, gdx, gdy, rx, ry, dp, tolerance, ex, ey;

  if (a->i == b->i || a->j == b->j)
    return FALSE;

  rotation_diff = (gint8) (guint8) (b->rotation - a->rotation);
  if (ABS (rotation_diff) > MAX_ROTATION_DIFF)
    return FALSE;
  rotation = (guint8) (a->rotation + rotation_diff / 2);

  pdx = (float) (px[b->i] - px[a->i]);
  pdy = (float) (py[b->i] - py[a->i]);
  gdx = (float) (gx[b->j] - gx[a->j]);
  gdy = (float) (gy[b->j] - gy[a->j]);

  rx = pdx * cos_table[rotation] - pdy * sin_table[rotation];
  ry = pdx * sin_table[rotation] + pdy * cos_table[rotation];
  dp = sqrtf (pdx * pdx + pdy * pdy);
  tolerance = VECTOR_TOLERANCE + VECTOR_TOLERANCE_SLOPE * dp;
  ex = rx - gdx;
  ey = ry - gdy;

  return ex * ex + ey * ey <= tolerance * tolerance;
}

static float
consolidate (const IdemFingerTemplate *probe,
             const IdemFingerTemplate *candidate,
             const RowTops            *tops)
{
  const guint8 *pa = template_angles (probe);
  const guint8 *ga = template_angles (candidate);
  Pair pairs[TOP_PAIRS];
  guint32 masks[TOP_PAIRS];
  guint n_pairs = 0;
  float best_score = 0.0f;

  /* The TOP_PAIRS most similar minutia pairs among each probe minutia's two
   * best, kept sorted, best first. */
  for (guint r = 0; r < 2 * probe->n; r++)
    {
      float s = tops->value[r] * (1.0f / 256.0f);
      guint i = r / 2;
      guint j = tops->index[r];
      guint k;

      if (s < MIN_PAIR_SIMILARITY || (n_pairs == TOP_PAIRS && s <= pairs[n_pairs - 1].sim))
        continue;
      k = n_pairs < TOP_PAIRS ? n_pairs++ : TOP_PAIRS - 1;
      while (k > 0 && pairs[k - 1].sim < s)
        {
          pairs[k] = pairs[k - 1];
          k--;
        }
      pairs[k] = (Pair) { i, j, (guint8) (ga[j] - pa[i]), s };
    }

  for (guint a = 0; a < n_pairs; a++)
    masks[a] = 0;
  for (guint a = 0; a < n_pairs; a++)
    for (guint b = a + 1; b < n_pairs; b++)
      if (pairs_compatible (probe, candidate, &pairs[a], &pairs[b]))
        {
          masks[a] |= 1u << b;
          masks[b] |= 1u << a;
        }

  /* Grow a mutually consistent set from each of the best seeds. */
  for (guint seed = 0; seed < MIN (SEEDS, n_pairs); seed++)
    {
      guint32 chosen = 1u << seed;
      float score = pairs[seed].sim;
      guint size = 1;

      for (guint p = 0; p < n_pairs; p++)
        if (p != seed && (masks[p] & chosen) == chosen)
          {
            chosen |= 1u << p;
            score += pairs[p].sim;
            size++;
          }
      if (size >= 3)
        best_score = MAX (best_score, score);
    }

  return best_score * 10.0f;
}

/**
 * idem_finger_template_compare:
 * @probe: a template
 * @candidate: another template
 *
 * Compares two fingers.  Scores start at 0 (certainly different) and grow
 * with the number of consistently matching minutiae; see
 * %IDEM_FINGERPRINT_MATCH_THRESHOLD for the decision threshold.
 *
 * Returns: the similarity score
 */
double
idem_finger_template_compare (const IdemFingerTemplate *probe,
                              const IdemFingerTemplate *candidate)
{
  RowTops tops;
  guint early_rows, n_best;

  g_return_val_if_fail (probe != NULL, 0.0);
  g_return_val_if_fail (candidate != NULL, 0.0);

  ensure_tables ();

  /* The probe's minutiae come most reliable first: half of them tell most
   * impostors apart, for half the work. */
  early_rows = MIN (probe->n, EARLY_ROWS);
  fill_row_tops (probe, candidate, 0, early_rows, &tops);
  if (early_rows < probe->n && mean_of_best (tops.row_max, early_rows, EARLY_BEST) < EARLY_THRESHOLD)
    return 0.0;
  fill_row_tops (probe, candidate, early_rows, probe->n, &tops);

  n_best = CLAMP (MIN (probe->n, candidate->n) / 4, 4, 16);
  if (mean_of_best (tops.row_max, probe->n, n_best) < PREFILTER_THRESHOLD)
    return 0.0;

  return consolidate (probe, candidate, &tops);
}

static gboolean
positions_compatible (guint a,
                      guint b)
{
  return a == IDEM_FINGER_POSITION_UNKNOWN || b == IDEM_FINGER_POSITION_UNKNOWN || a == b;
}

/**
 * idem_fingerprint_fuse_person:
 * @probe: (array length=n_probe): the probe's fingers
 * @n_probe: how many
 * @enrolled: (array length=n_enrolled): a person's enrolled fingers
 * @n_enrolled: how many
 * @best_finger_score: (out) (optional): the best single-finger score
 *
 * Fuses the finger scores of a probe against one person with the sum rule
 * (see the top of this file).
 *
 * Returns: the fused score
 */
double
idem_fingerprint_fuse_person (IdemFingerTemplate * const *probe,
                              guint                       n_probe,
                              IdemFingerTemplate * const *enrolled,
                              guint                       n_enrolled,
                              double                     *best_finger_score)
{
  double total = 0.0;
  double best_overall = 0.0;

  for (guint p = 0; p < n_probe; p++)
    {
      double best = 0.0;

      for (guint e = 0; e < n_enrolled; e++)
        if (positions_compatible (probe[p]->position, enrolled[e]->position))
          best = MAX (best, idem_finger_template_compare (probe[p], enrolled[e]));
      total += best;
      best_overall = MAX (best_overall, best);
    }

  if (best_finger_score != NULL)
    *best_finger_score = best_overall;

  return total;
}

void
idem_fingerprint_candidate_free (IdemFingerprintCandidate *candidate)
{
  if (candidate == NULL)
    return;
  g_free (candidate->reference_id);
  g_free (candidate);
}

/* Gallery */

typedef struct
{
  char                 *reference_id;
  guint                 slot;
  guint                 n_fingers;
  /* The pre-filter's index entries, one a finger, made at insertion. */
  IdemFingerIndexEntry *entries;
  IdemFingerTemplate   *fingers[];
} Person;

struct _IdemFingerprintGallery
{
  GObject      parent_instance;

  GRWLock      lock;
  GPtrArray   *persons;
  GHashTable  *by_reference;
  gsize        template_bytes;
  guint        n_workers;
  gboolean     prefilter;
  GThreadPool *pool;
};

G_DEFINE_FINAL_TYPE (IdemFingerprintGallery, idem_fingerprint_gallery, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_N_WORKERS,
  PROP_PREFILTER,
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];

/* Persons a worker takes at a time during identification: at most this
 * many, and about an eighth of a worker's share in a small gallery, so the
 * work is shared evenly and taking it costs nothing. */
#define IDENTIFY_BLOCK 256
#define IDENTIFY_BLOCK_MIN 16

typedef struct
{
  const Person *person;
  guint         position;   /* in the gallery: breaks ties, so results do
                             * not depend on which worker found whom */
  double        score;
  double        best_finger_score;
} Hit;

typedef struct
{
  GMutex  mutex;
  GCond   cond;
  guint   pending;
} Barrier;

typedef struct
{
  IdemFingerprintGallery     *gallery;
  IdemFingerTemplate * const *probe;
  /* One a probe finger, or NULL to compare every finger fully. */
  const IdemFingerIndexQuery *queries;
  guint                       n_probe;
  gint                       *next;     /* shared: the next person to take */
  guint                       block;
  guint                       end;
  guint                       max_results;
  double                      min_score;
  GCancellable               *cancellable;
  Hit                        *hits;
  guint                       n_hits;
  Barrier                    *barrier;
} Chunk;

static void
person_free (Person *person)
{
  for (guint i = 0; i < person->n_fingers; i++)
    idem_finger_template_unref (person->fingers[i]);
  g_free (person->entries);
  g_free (person->reference_id);
  g_free (person);
}

/* Higher score first; on a tie, the earlier enrolled. */
static inline gboolean
hit_ranks_before (const Hit *a,
                  const Hit *b)
{
  return a->score > b->score || (a->score == b->score && a->position < b->position);
}

static void
hits_offer (Hit    *hits,
            guint  *n_hits,
            guint   capacity,
            Hit     hit)
{
  guint k;

  if (*n_hits == capacity && !hit_ranks_before (&hit, &hits[capacity - 1]))
    return;
  k = *n_hits < capacity ? (*n_hits)++ : capacity - 1;
  while (k > 0 && hit_ranks_before (&hit, &hits[k - 1]))
    {
      hits[k] = hits[k - 1];
      k--;
    }
  hits[k] = hit;
}

/* idem_fingerprint_fuse_person(), comparing fully only the enrolled
 * fingers whose index entry passes the probe finger's query. */
static double
fuse_person_prefiltered (const Chunk  *chunk,
                         const Person *person,
                         double       *best_finger_score)
{
  double total = 0.0;
  double best_overall = 0.0;

  for (guint p = 0; p < chunk->n_probe; p++)
    {
      const IdemFingerTemplate *probe = chunk->probe[p];
      double best = 0.0;

      for (guint e = 0; e < person->n_fingers; e++)
        if (positions_compatible (probe->position, person->fingers[e]->position)
            && _idem_finger_index_passes (&chunk->queries[p], &person->entries[e]))
          best = MAX (best, idem_finger_template_compare (probe, person->fingers[e]));
      total += best;
      best_overall = MAX (best_overall, best);
    }
  *best_finger_score = best_overall;

  return total;
}

static void
chunk_run (Chunk *chunk)
{
  GPtrArray *persons = chunk->gallery->persons;
  guint start;

  /* Workers take blocks of persons from a shared cursor rather than a
   * fixed half each: how many fingers pass the pre-filter, and so the cost
   * of a block, varies along the gallery, and a fixed split left one core
   * idle while the other finished. */
  while ((start = (guint) g_atomic_int_add (chunk->next, chunk->block)) < chunk->end)
    {
      guint end = MIN (chunk->end, start + chunk->block);

      if (g_cancellable_is_cancelled (chunk->cancellable))
        break;
      for (guint i = start; i < end; i++)
        {
          const Person *person = g_ptr_array_index (persons, i);
          Hit hit = { person, i, 0.0, 0.0 };

          if (chunk->queries != NULL)
            hit.score = fuse_person_prefiltered (chunk, person, &hit.best_finger_score);
          else
            hit.score = idem_fingerprint_fuse_person (chunk->probe, chunk->n_probe,
                                                      person->fingers, person->n_fingers,
                                                      &hit.best_finger_score);
          if (hit.score > 0.0 && hit.score >= chunk->min_score)
            hits_offer (chunk->hits, &chunk->n_hits, chunk->max_results, hit);
        }
    }
}

static void
worker_cb (gpointer data,
           gpointer user_data)
{
  Chunk *chunk = data;

  chunk_run (chunk);

  g_mutex_lock (&chunk->barrier->mutex);
  if (--chunk->barrier->pending == 0)
    g_cond_signal (&chunk->barrier->cond);
  g_mutex_unlock (&chunk->barrier->mutex);
}

static void
idem_fingerprint_gallery_finalize (GObject *object)
{
  IdemFingerprintGallery *self = IDEM_FINGERPRINT_GALLERY (object);

  if (self->pool != NULL)
    g_thread_pool_free (self->pool, FALSE, TRUE);
  g_clear_pointer (&self->by_reference, g_hash_table_unref);
  g_clear_pointer (&self->persons, g_ptr_array_unref);
  g_rw_lock_clear (&self->lock);

  G_OBJECT_CLASS (idem_fingerprint_gallery_parent_class)->finalize (object);
}

static void
idem_fingerprint_gallery_constructed (GObject *object)
{
  IdemFingerprintGallery *self = IDEM_FINGERPRINT_GALLERY (object);

  G_OBJECT_CLASS (idem_fingerprint_gallery_parent_class)->constructed (object);

  if (self->n_workers == 0)
    self->n_workers = MAX (1, g_get_num_processors ());
  /* The caller's thread takes one share of the work itself. */
  if (self->n_workers > 1)
    self->pool = g_thread_pool_new (worker_cb, NULL, self->n_workers - 1, TRUE, NULL);
}

static void
idem_fingerprint_gallery_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  IdemFingerprintGallery *self = IDEM_FINGERPRINT_GALLERY (object);

  switch (prop_id)
    {
    case PROP_N_WORKERS:
      g_value_set_uint (value, self->n_workers);
      break;

    case PROP_PREFILTER:
      g_value_set_boolean (value, idem_fingerprint_gallery_get_prefilter (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
idem_fingerprint_gallery_set_property (GObject      *object,
                                       guint         prop_id,
                                       const GValue *value,
                                       GParamSpec   *pspec)
{
  IdemFingerprintGallery *self = IDEM_FINGERPRINT_GALLERY (object);

  switch (prop_id)
    {
    case PROP_N_WORKERS:
      self->n_workers = g_value_get_uint (value);
      break;

    case PROP_PREFILTER:
      idem_fingerprint_gallery_set_prefilter (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
idem_fingerprint_gallery_class_init (IdemFingerprintGalleryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = idem_fingerprint_gallery_constructed;
  object_class->finalize = idem_fingerprint_gallery_finalize;
  object_class->get_property = idem_fingerprint_gallery_get_property;
  object_class->set_property = idem_fingerprint_gallery_set_property;

  /**
   * IdemFingerprintGallery:n-workers:
   *
   * Threads an identification uses, the caller's included; 0 means one a
   * processor.
   */
  properties[PROP_N_WORKERS] =
    g_param_spec_uint ("n-workers", NULL, NULL,
                       0, 256, 0,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * IdemFingerprintGallery:prefilter:
   *
   * Whether identification compares fully only the fingers that pass the
   * candidate pre-filter (see idem-fingerprint-index.c).  Off, every
   * finger at a compatible position is compared: slower, for measurements
   * and checks.
   */
  properties[PROP_PREFILTER] =
    g_param_spec_boolean ("prefilter", NULL, NULL,
                          TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
idem_fingerprint_gallery_init (IdemFingerprintGallery *self)
{
  g_rw_lock_init (&self->lock);
  self->persons = g_ptr_array_new_with_free_func ((GDestroyNotify) person_free);
  self->by_reference = g_hash_table_new (g_str_hash, g_str_equal);
  self->prefilter = TRUE;
}

/**
 * idem_fingerprint_gallery_new:
 * @n_workers: threads for identification, the caller's included; 0 for one
 *   a processor
 *
 * Returns: (transfer full): an empty in-memory gallery
 */
IdemFingerprintGallery *
idem_fingerprint_gallery_new (guint n_workers)
{
  return g_object_new (IDEM_TYPE_FINGERPRINT_GALLERY, "n-workers", n_workers, NULL);
}

guint
idem_fingerprint_gallery_get_n_workers (IdemFingerprintGallery *self)
{
  g_return_val_if_fail (IDEM_IS_FINGERPRINT_GALLERY (self), 0);

  return self->n_workers;
}

guint
idem_fingerprint_gallery_get_count (IdemFingerprintGallery *self)
{
  guint count;

  g_return_val_if_fail (IDEM_IS_FINGERPRINT_GALLERY (self), 0);

  g_rw_lock_reader_lock (&self->lock);
  count = self->persons->len;
  g_rw_lock_reader_unlock (&self->lock);

  return count;
}

/**
 * idem_fingerprint_gallery_get_template_bytes:
 * @self: a gallery
 *
 * Returns: the memory held by the compiled templates of all persons
 */
gsize
idem_fingerprint_gallery_get_template_bytes (IdemFingerprintGallery *self)
{
  gsize bytes;

  g_return_val_if_fail (IDEM_IS_FINGERPRINT_GALLERY (self), 0);

  g_rw_lock_reader_lock (&self->lock);
  bytes = self->template_bytes;
  g_rw_lock_reader_unlock (&self->lock);

  return bytes;
}

/**
 * idem_fingerprint_gallery_get_index_bytes:
 * @self: a gallery
 *
 * Returns: the memory held by the pre-filter's index entries, on top of
 *   idem_fingerprint_gallery_get_template_bytes()
 */
gsize
idem_fingerprint_gallery_get_index_bytes (IdemFingerprintGallery *self)
{
  gsize fingers = 0;

  g_return_val_if_fail (IDEM_IS_FINGERPRINT_GALLERY (self), 0);

  g_rw_lock_reader_lock (&self->lock);
  for (guint i = 0; i < self->persons->len; i++)
    fingers += ((const Person *) g_ptr_array_index (self->persons, i))->n_fingers;
  g_rw_lock_reader_unlock (&self->lock);

  return fingers * sizeof (IdemFingerIndexEntry);
}

gboolean
idem_fingerprint_gallery_get_prefilter (IdemFingerprintGallery *self)
{
  gboolean prefilter;

  g_return_val_if_fail (IDEM_IS_FINGERPRINT_GALLERY (self), FALSE);

  g_rw_lock_reader_lock (&self->lock);
  prefilter = self->prefilter;
  g_rw_lock_reader_unlock (&self->lock);

  return prefilter;
}

/**
 * idem_fingerprint_gallery_set_prefilter:
 * @self: a gallery
 * @prefilter: whether identification uses the candidate pre-filter
 *
 * See #IdemFingerprintGallery:prefilter.  Waits for running
 * identifications to finish.
 */
void
idem_fingerprint_gallery_set_prefilter (IdemFingerprintGallery *self,
                                        gboolean                prefilter)
{
  gboolean changed;

  g_return_if_fail (IDEM_IS_FINGERPRINT_GALLERY (self));

  prefilter = !!prefilter;
  g_rw_lock_writer_lock (&self->lock);
  changed = self->prefilter != prefilter;
  self->prefilter = prefilter;
  g_rw_lock_writer_unlock (&self->lock);

  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PREFILTER]);
}

static gboolean
check_reference (const char  *reference_id,
                 GError     **error)
{
  if (reference_id[0] == '\0' || strlen (reference_id) > MAX_REFERENCE_LENGTH)
    {
      g_set_error (error, IDEM_FINGERPRINT_ERROR, IDEM_FINGERPRINT_ERROR_INVALID_REFERENCE,
                   _("A reference ID must have 1 to %u bytes"), MAX_REFERENCE_LENGTH);
      return FALSE;
    }

  return TRUE;
}

/**
 * idem_fingerprint_gallery_insert:
 * @self: a gallery
 * @reference_id: the person's reference ID
 * @fingers: (array length=n_fingers): the person's fingers
 * @n_fingers: how many, at least one
 * @error: return location for an error
 *
 * Adds a person.  Safe to call from any thread, also while identifications
 * run (they see the gallery either before or after the insert).  A reference
 * ID already present is refused with
 * %IDEM_FINGERPRINT_ERROR_DUPLICATE_REFERENCE and nothing changes.
 *
 * Returns: %TRUE when the person was added
 */
gboolean
idem_fingerprint_gallery_insert (IdemFingerprintGallery     *self,
                                 const char                 *reference_id,
                                 IdemFingerTemplate * const *fingers,
                                 guint                       n_fingers,
                                 GError                    **error)
{
  Person *person;

  g_return_val_if_fail (IDEM_IS_FINGERPRINT_GALLERY (self), FALSE);
  g_return_val_if_fail (reference_id != NULL, FALSE);
  g_return_val_if_fail (fingers != NULL || n_fingers == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_reference (reference_id, error))
    return FALSE;
  if (n_fingers == 0)
    {
      g_set_error (error, IDEM_FINGERPRINT_ERROR, IDEM_FINGERPRINT_ERROR_EMPTY,
                   _("Person “%s” has no finger to enrol"), reference_id);
      return FALSE;
    }

  person = g_malloc0 (sizeof (Person) + n_fingers * sizeof (IdemFingerTemplate *));
  person->reference_id = g_strdup (reference_id);
  person->n_fingers = n_fingers;
  /* The index entries are made outside the lock: searches go on. */
  person->entries = g_new (IdemFingerIndexEntry, n_fingers);
  for (guint i = 0; i < n_fingers; i++)
    {
      person->fingers[i] = idem_finger_template_ref (fingers[i]);
      _idem_finger_index_entry_init (&person->entries[i], fingers[i]);
    }

  g_rw_lock_writer_lock (&self->lock);
  if (g_hash_table_contains (self->by_reference, reference_id))
    {
      g_rw_lock_writer_unlock (&self->lock);
      person_free (person);
      g_set_error (error, IDEM_FINGERPRINT_ERROR, IDEM_FINGERPRINT_ERROR_DUPLICATE_REFERENCE,
                   _("The gallery already holds reference ID “%s”"), reference_id);
      return FALSE;
    }
  person->slot = self->persons->len;
  g_ptr_array_add (self->persons, person);
  g_hash_table_insert (self->by_reference, person->reference_id, person);
  for (guint i = 0; i < n_fingers; i++)
    self->template_bytes += idem_finger_template_get_size (fingers[i]);
  g_rw_lock_writer_unlock (&self->lock);

  return TRUE;
}

/**
 * idem_fingerprint_gallery_remove:
 * @self: a gallery
 * @reference_id: the person's reference ID
 * @error: return location for an error
 *
 * Removes a person; thread-safe like idem_fingerprint_gallery_insert().
 *
 * Returns: %TRUE when the person was removed,
 *   %IDEM_FINGERPRINT_ERROR_UNKNOWN_REFERENCE when there was none
 */
gboolean
idem_fingerprint_gallery_remove (IdemFingerprintGallery  *self,
                                 const char              *reference_id,
                                 GError                 **error)
{
  Person *person;
  guint slot;

  g_return_val_if_fail (IDEM_IS_FINGERPRINT_GALLERY (self), FALSE);
  g_return_val_if_fail (reference_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_rw_lock_writer_lock (&self->lock);
  person = g_hash_table_lookup (self->by_reference, reference_id);
  if (person == NULL)
    {
      g_rw_lock_writer_unlock (&self->lock);
      g_set_error (error, IDEM_FINGERPRINT_ERROR, IDEM_FINGERPRINT_ERROR_UNKNOWN_REFERENCE,
                   _("The gallery holds no reference ID “%s”"), reference_id);
      return FALSE;
    }

  for (guint i = 0; i < person->n_fingers; i++)
    self->template_bytes -= idem_finger_template_get_size (person->fingers[i]);
  g_hash_table_remove (self->by_reference, reference_id);

  /* Swap the last person into the hole: removal stays O(1). */
  slot = person->slot;
  if (slot != self->persons->len - 1)
    {
      Person *last = g_ptr_array_index (self->persons, self->persons->len - 1);

      self->persons->pdata[slot] = last;
      last->slot = slot;
      self->persons->pdata[self->persons->len - 1] = person;
    }
  g_ptr_array_remove_index (self->persons, self->persons->len - 1);
  g_rw_lock_writer_unlock (&self->lock);

  return TRUE;
}

gboolean
idem_fingerprint_gallery_contains (IdemFingerprintGallery *self,
                                   const char             *reference_id)
{
  gboolean found;

  g_return_val_if_fail (IDEM_IS_FINGERPRINT_GALLERY (self), FALSE);
  g_return_val_if_fail (reference_id != NULL, FALSE);

  g_rw_lock_reader_lock (&self->lock);
  found = g_hash_table_contains (self->by_reference, reference_id);
  g_rw_lock_reader_unlock (&self->lock);

  return found;
}

/**
 * idem_fingerprint_gallery_get_fingers:
 * @self: a gallery
 * @reference_id: a person's reference ID
 *
 * Returns: (transfer container) (element-type IdemFingerTemplate) (nullable):
 *   the person's enrolled fingers, or %NULL when the gallery holds no such
 *   person
 */
GPtrArray *
idem_fingerprint_gallery_get_fingers (IdemFingerprintGallery *self,
                                      const char             *reference_id)
{
  const Person *person;
  GPtrArray *fingers = NULL;

  g_return_val_if_fail (IDEM_IS_FINGERPRINT_GALLERY (self), NULL);
  g_return_val_if_fail (reference_id != NULL, NULL);

  g_rw_lock_reader_lock (&self->lock);
  person = g_hash_table_lookup (self->by_reference, reference_id);
  if (person != NULL)
    {
      fingers = g_ptr_array_new_full (person->n_fingers, (GDestroyNotify) idem_finger_template_unref);
      for (guint i = 0; i < person->n_fingers; i++)
        g_ptr_array_add (fingers, idem_finger_template_ref (person->fingers[i]));
    }
  g_rw_lock_reader_unlock (&self->lock);

  return fingers;
}

/**
 * idem_fingerprint_gallery_verify:
 * @self: a gallery
 * @reference_id: whom the probe claims to be
 * @probe: (array length=n_probe): the probe's fingers
 * @n_probe: how many
 * @score: (out): the fused score
 * @error: return location for an error
 *
 * 1:1 verification against one enrolled person.
 *
 * Returns: %TRUE with @score set, or %FALSE with @error set
 */
gboolean
idem_fingerprint_gallery_verify (IdemFingerprintGallery     *self,
                                 const char                 *reference_id,
                                 IdemFingerTemplate * const *probe,
                                 guint                       n_probe,
                                 double                     *score,
                                 GError                    **error)
{
  const Person *person;

  g_return_val_if_fail (IDEM_IS_FINGERPRINT_GALLERY (self), FALSE);
  g_return_val_if_fail (reference_id != NULL, FALSE);
  g_return_val_if_fail (probe != NULL || n_probe == 0, FALSE);
  g_return_val_if_fail (score != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (n_probe == 0)
    {
      g_set_error (error, IDEM_FINGERPRINT_ERROR, IDEM_FINGERPRINT_ERROR_EMPTY,
                   _("The probe has no finger"));
      return FALSE;
    }

  g_rw_lock_reader_lock (&self->lock);
  person = g_hash_table_lookup (self->by_reference, reference_id);
  if (person == NULL)
    {
      g_rw_lock_reader_unlock (&self->lock);
      g_set_error (error, IDEM_FINGERPRINT_ERROR, IDEM_FINGERPRINT_ERROR_UNKNOWN_REFERENCE,
                   _("The gallery holds no reference ID “%s”"), reference_id);
      return FALSE;
    }
  *score = idem_fingerprint_fuse_person (probe, n_probe, person->fingers, person->n_fingers, NULL);
  g_rw_lock_reader_unlock (&self->lock);

  return TRUE;
}

static GPtrArray *
identify_locked (IdemFingerprintGallery     *self,
                 IdemFingerTemplate * const *probe,
                 guint                       n_probe,
                 guint                       max_results,
                 double                      min_score,
                 GCancellable               *cancellable)
{
  guint n_persons = self->persons->len;
  guint n_chunks = MAX (1, MIN (self->n_workers, n_persons / 64 + 1));
  guint block = CLAMP (n_persons / (n_chunks * 8), IDENTIFY_BLOCK_MIN, IDENTIFY_BLOCK);
  gint next = 0;
  g_autofree Chunk *chunks = g_new0 (Chunk, n_chunks);
  g_autofree Hit *merged = g_new (Hit, max_results);
  g_autofree IdemFingerIndexQuery *queries = NULL;
  guint n_merged = 0;
  Barrier barrier;
  GPtrArray *result;

  g_mutex_init (&barrier.mutex);
  g_cond_init (&barrier.cond);
  barrier.pending = n_chunks - 1;

  if (self->prefilter)
    {
      queries = g_new (IdemFingerIndexQuery, n_probe);
      for (guint p = 0; p < n_probe; p++)
        _idem_finger_index_query_init (&queries[p], probe[p]);
    }

  for (guint c = 0; c < n_chunks; c++)
    {
      chunks[c] = (Chunk) {
        .gallery = self,
        .probe = probe,
        .queries = queries,
        .n_probe = n_probe,
        .next = &next,
        .block = block,
        .end = n_persons,
        .max_results = max_results,
        .min_score = min_score,
        .cancellable = cancellable,
        .hits = g_new (Hit, max_results),
        .barrier = &barrier,
      };
      if (c > 0)
        g_thread_pool_push (self->pool, &chunks[c], NULL);
    }

  chunk_run (&chunks[0]);

  g_mutex_lock (&barrier.mutex);
  while (barrier.pending > 0)
    g_cond_wait (&barrier.cond, &barrier.mutex);
  g_mutex_unlock (&barrier.mutex);
  g_mutex_clear (&barrier.mutex);
  g_cond_clear (&barrier.cond);

  for (guint c = 0; c < n_chunks; c++)
    {
      for (guint h = 0; h < chunks[c].n_hits; h++)
        hits_offer (merged, &n_merged, max_results, chunks[c].hits[h]);
      g_free (chunks[c].hits);
    }

  result = g_ptr_array_new_with_free_func ((GDestroyNotify) idem_fingerprint_candidate_free);
  for (guint h = 0; h < n_merged; h++)
    {
      IdemFingerprintCandidate *candidate = g_new0 (IdemFingerprintCandidate, 1);

      candidate->reference_id = g_strdup (merged[h].person->reference_id);
      candidate->score = merged[h].score;
      candidate->best_finger_score = merged[h].best_finger_score;
      g_ptr_array_add (result, candidate);
    }

  return result;
}

static gboolean
check_identify_args (IdemFingerTemplate * const *probe,
                     guint                       n_probe,
                     guint                       max_results,
                     GError                    **error)
{
  if (n_probe == 0)
    {
      g_set_error (error, IDEM_FINGERPRINT_ERROR, IDEM_FINGERPRINT_ERROR_EMPTY,
                   _("The probe has no finger"));
      return FALSE;
    }
  if (max_results == 0)
    {
      g_set_error (error, IDEM_FINGERPRINT_ERROR, IDEM_FINGERPRINT_ERROR_EMPTY,
                   _("At least one result must be asked for"));
      return FALSE;
    }

  return TRUE;
}

/**
 * idem_fingerprint_gallery_identify:
 * @self: a gallery
 * @probe: (array length=n_probe): the probe's fingers
 * @n_probe: how many
 * @max_results: the most candidates to return
 * @min_score: candidates below this fused score are left out
 * @error: return location for an error
 *
 * 1:N identification over the whole gallery, spread over the gallery's
 * workers.  Blocks; see idem_fingerprint_gallery_identify_async().
 *
 * Returns: (transfer container) (element-type IdemFingerprintCandidate):
 *   candidates, best first
 */
GPtrArray *
idem_fingerprint_gallery_identify (IdemFingerprintGallery     *self,
                                   IdemFingerTemplate * const *probe,
                                   guint                       n_probe,
                                   guint                       max_results,
                                   double                      min_score,
                                   GError                    **error)
{
  GPtrArray *result;

  g_return_val_if_fail (IDEM_IS_FINGERPRINT_GALLERY (self), NULL);
  g_return_val_if_fail (probe != NULL || n_probe == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_identify_args (probe, n_probe, max_results, error))
    return NULL;

  g_rw_lock_reader_lock (&self->lock);
  result = identify_locked (self, probe, n_probe, max_results, min_score, NULL);
  g_rw_lock_reader_unlock (&self->lock);

  return result;
}

typedef struct
{
  GPtrArray *probe;
  guint      max_results;
  double     min_score;
} IdentifyData;

static void
identify_data_free (IdentifyData *data)
{
  g_ptr_array_unref (data->probe);
  g_free (data);
}

static void
identify_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  IdemFingerprintGallery *self = source_object;
  IdentifyData *data = task_data;
  GPtrArray *result;

  g_rw_lock_reader_lock (&self->lock);
  result = identify_locked (self, (IdemFingerTemplate * const *) data->probe->pdata, data->probe->len,
                            data->max_results, data->min_score, cancellable);
  g_rw_lock_reader_unlock (&self->lock);

  if (g_task_return_error_if_cancelled (task))
    g_ptr_array_unref (result);
  else
    g_task_return_pointer (task, result, (GDestroyNotify) g_ptr_array_unref);
}

void
idem_fingerprint_gallery_identify_async (IdemFingerprintGallery     *self,
                                         IdemFingerTemplate * const *probe,
                                         guint                       n_probe,
                                         guint                       max_results,
                                         double                      min_score,
                                         GCancellable               *cancellable,
                                         GAsyncReadyCallback         callback,
                                         gpointer                    user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  IdentifyData *data;

  g_return_if_fail (IDEM_IS_FINGERPRINT_GALLERY (self));
  g_return_if_fail (probe != NULL || n_probe == 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, idem_fingerprint_gallery_identify_async);

  if (!check_identify_args (probe, n_probe, max_results, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data = g_new0 (IdentifyData, 1);
  data->probe = g_ptr_array_new_full (n_probe, (GDestroyNotify) idem_finger_template_unref);
  for (guint i = 0; i < n_probe; i++)
    g_ptr_array_add (data->probe, idem_finger_template_ref (probe[i]));
  data->max_results = max_results;
  data->min_score = min_score;
  g_task_set_task_data (task, data, (GDestroyNotify) identify_data_free);
  g_task_run_in_thread (task, identify_thread);
}

GPtrArray *
idem_fingerprint_gallery_identify_finish (IdemFingerprintGallery  *self,
                                          GAsyncResult            *result,
                                          GError                 **error)
{
  g_return_val_if_fail (IDEM_IS_FINGERPRINT_GALLERY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
