/* test-minutiae.c — templates, their serialization, the matcher and the
 * gallery on minutiae alone (no image, no extractor)
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include <idem.h>
#include <synthetic-finger.h>

#include <math.h>

#define GOLDEN_SAME_ROTATED 317.070312
#define GOLDEN_PARTIAL_ROTATED 202.8125
#define GOLDEN_PARTIAL_TURNED 215.039062

static IdemMinutiae *
transformed (IdemMinutiae *source,
             double        degrees,
             int           shift_x,
             int           shift_y)
{
  const IdemMinutia *all;
  guint n;
  double angle = degrees * G_PI / 180.0;
  double cx = idem_minutiae_get_width (source) / 2.0;
  double cy = idem_minutiae_get_height (source) / 2.0;
  /* A canvas large enough for any rotation of the source. */
  guint side = 2 * MAX (idem_minutiae_get_width (source), idem_minutiae_get_height (source));
  IdemMinutiae *result = idem_minutiae_new (side, side, idem_minutiae_get_resolution (source));

  all = idem_minutiae_get_all (source, &n);
  for (guint i = 0; i < n; i++)
    {
      double dx = all[i].x - cx, dy = all[i].y - cy;
      IdemMinutia m = all[i];

      m.x = (guint16) lrint (side / 2.0 + dx * cos (angle) - dy * sin (angle) + shift_x);
      m.y = (guint16) lrint (side / 2.0 + dx * sin (angle) + dy * cos (angle) + shift_y);
      m.angle = (guint8) (all[i].angle + (int) lrint (degrees * 256.0 / 360.0));
      g_assert_true (idem_minutiae_add (result, &m, NULL));
    }

  return result;
}

static void
test_round_trip (void)
{
  g_autoptr(IdemMinutiae) minutiae = synthetic_minutiae_random (7);
  g_autoptr(IdemMinutiae) copy = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autoptr(GError) error = NULL;
  const IdemMinutia *a, *b;
  guint n, n_copy;

  bytes = idem_minutiae_serialize (minutiae);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, 14 + 6 * idem_minutiae_get_count (minutiae));

  copy = idem_minutiae_deserialize (bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (idem_minutiae_get_width (copy), ==, idem_minutiae_get_width (minutiae));
  g_assert_cmpuint (idem_minutiae_get_height (copy), ==, idem_minutiae_get_height (minutiae));
  g_assert_cmpuint (idem_minutiae_get_resolution (copy), ==, 500);

  a = idem_minutiae_get_all (minutiae, &n);
  b = idem_minutiae_get_all (copy, &n_copy);
  g_assert_cmpuint (n, ==, n_copy);
  g_assert_cmpuint (n, >=, 40);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpuint (a[i].x, ==, b[i].x);
      g_assert_cmpuint (a[i].y, ==, b[i].y);
      g_assert_cmpuint (a[i].angle, ==, b[i].angle);
      g_assert_cmpuint (a[i].type, ==, b[i].type);
      g_assert_cmpuint (a[i].quality, ==, b[i].quality);
    }

  again = idem_minutiae_serialize (copy);
  g_assert_true (g_bytes_equal (bytes, again));
}

static void
expect_refused (const guint8 *data,
                gsize         size,
                int           code)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(IdemMinutiae) minutiae = idem_minutiae_deserialize (bytes, &error);

  g_assert_null (minutiae);
  g_assert_error (error, IDEM_MINUTIAE_ERROR, code);
  g_assert_nonnull (error->message);
}

static void
test_bad_templates (void)
{
  g_autoptr(IdemMinutiae) minutiae = synthetic_minutiae_random (11);
  g_autoptr(GBytes) bytes = idem_minutiae_serialize (minutiae);
  gsize size;
  const guint8 *good = g_bytes_get_data (bytes, &size);
  g_autofree guint8 *copy = g_memdup2 (good, size);
  static const guint8 garbage[] = "this is not a template at all";

  expect_refused (NULL, 0, IDEM_MINUTIAE_ERROR_INVALID);
  expect_refused (garbage, sizeof garbage, IDEM_MINUTIAE_ERROR_INVALID);
  expect_refused (good, 10, IDEM_MINUTIAE_ERROR_TRUNCATED);
  expect_refused (good, size - 1, IDEM_MINUTIAE_ERROR_TRUNCATED);

  copy[4] = 2;
  expect_refused (copy, size, IDEM_MINUTIAE_ERROR_UNSUPPORTED_VERSION);
  copy[4] = 1;

  /* The first minutia's x moved beyond the image width. */
  copy[14] = 0xff;
  expect_refused (copy, size, IDEM_MINUTIAE_ERROR_OUT_OF_RANGE);
  copy[14] = good[14];

  /* Type 3 does not exist. */
  copy[19] = 0xc0;
  expect_refused (copy, size, IDEM_MINUTIAE_ERROR_OUT_OF_RANGE);
  copy[19] = good[19];

  {
    g_autofree guint8 *longer = g_malloc0 (size + 6);

    memcpy (longer, good, size);
    expect_refused (longer, size + 6, IDEM_MINUTIAE_ERROR_INVALID);
  }
}

static void
test_add_refuses (void)
{
  g_autoptr(IdemMinutiae) minutiae = idem_minutiae_new (100, 100, 500);
  g_autoptr(GError) error = NULL;
  IdemMinutia outside = { 100, 5, 0, IDEM_MINUTIA_ENDING, 10 };
  IdemMinutia bad_quality = { 5, 5, 0, IDEM_MINUTIA_ENDING, 64 };
  IdemMinutia good = { 5, 5, 0, IDEM_MINUTIA_ENDING, 63 };

  g_assert_false (idem_minutiae_add (minutiae, &outside, &error));
  g_assert_error (error, IDEM_MINUTIAE_ERROR, IDEM_MINUTIAE_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);
  g_assert_false (idem_minutiae_add (minutiae, &bad_quality, &error));
  g_assert_error (error, IDEM_MINUTIAE_ERROR, IDEM_MINUTIAE_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);
  g_assert_cmpuint (idem_minutiae_get_count (minutiae), ==, 0);

  g_assert_true (idem_minutiae_add (minutiae, &good, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (idem_minutiae_get_count (minutiae), ==, 1);
}

static void
test_keep_best (void)
{
  g_autoptr(IdemMinutiae) minutiae = synthetic_minutiae_random (3);
  const IdemMinutia *all;
  guint n;

  idem_minutiae_keep_best (minutiae, 20);
  all = idem_minutiae_get_all (minutiae, &n);
  g_assert_cmpuint (n, ==, 20);
  for (guint i = 1; i < n; i++)
    g_assert_cmpuint (all[i - 1].quality, >=, all[i].quality);
}

static void
test_template_refused (void)
{
  g_autoptr(IdemMinutiae) few = idem_minutiae_new (300, 400, 500);
  g_autoptr(IdemMinutiae) many = synthetic_minutiae_random (5);
  g_autoptr(IdemFingerTemplate) template = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < IDEM_MINUTIAE_MIN - 1; i++)
    {
      IdemMinutia m = { 20 + 30 * i, 50, 8 * i, IDEM_MINUTIA_ENDING, 40 };

      g_assert_true (idem_minutiae_add (few, &m, NULL));
    }
  template = idem_finger_template_new (few, 0, &error);
  g_assert_null (template);
  g_assert_error (error, IDEM_FINGERPRINT_ERROR, IDEM_FINGERPRINT_ERROR_TOO_FEW_MINUTIAE);
  g_clear_error (&error);

  template = idem_finger_template_new (many, IDEM_FINGER_POSITION_MAX + 1, &error);
  g_assert_null (template);
  g_assert_error (error, IDEM_FINGERPRINT_ERROR, IDEM_FINGERPRINT_ERROR_INVALID_POSITION);
}

static void
test_rotation_invariance (void)
{
  g_autoptr(IdemMinutiae) original = synthetic_minutiae_random (21);
  g_autoptr(IdemMinutiae) other = synthetic_minutiae_random (22);
  g_autoptr(IdemFingerTemplate) reference = idem_finger_template_new (original, 0, NULL);
  g_autoptr(IdemFingerTemplate) stranger = idem_finger_template_new (other, 0, NULL);
  const double angles[] = { 0, 15, -30, 90, 180, 255 };

  g_assert_nonnull (reference);
  g_assert_nonnull (stranger);
  for (guint i = 0; i < G_N_ELEMENTS (angles); i++)
    {
      g_autoptr(IdemMinutiae) moved = transformed (original, angles[i], 17 * i, -11 * (int) i);
      g_autoptr(IdemFingerTemplate) probe = idem_finger_template_new (moved, 0, NULL);
      double score = idem_finger_template_compare (probe, reference);

      g_test_message ("rotated %g°: score %.1f", angles[i], score);
      g_assert_cmpfloat (score, >=, IDEM_FINGERPRINT_MATCH_THRESHOLD);
      g_assert_cmpfloat (idem_finger_template_compare (probe, stranger), <, IDEM_FINGERPRINT_MATCH_THRESHOLD);
    }
}

static void
test_resolution_is_normalized (void)
{
  g_autoptr(IdemMinutiae) original = synthetic_minutiae_random (31);
  g_autoptr(IdemMinutiae) at_1000 = idem_minutiae_new (600, 800, 1000);
  g_autoptr(IdemFingerTemplate) a = NULL;
  g_autoptr(IdemFingerTemplate) b = NULL;
  const IdemMinutia *all;
  guint n;

  all = idem_minutiae_get_all (original, &n);
  for (guint i = 0; i < n; i++)
    {
      IdemMinutia m = all[i];

      m.x *= 2;
      m.y *= 2;
      g_assert_true (idem_minutiae_add (at_1000, &m, NULL));
    }
  a = idem_finger_template_new (original, 0, NULL);
  b = idem_finger_template_new (at_1000, 0, NULL);
  g_assert_cmpfloat (idem_finger_template_compare (a, b), >=, IDEM_FINGERPRINT_MATCH_THRESHOLD);
}

/* Exact scores of fixed pairs.  The AVX-512 and the portable similarity
 * loops must give the same numbers: meson runs this program twice, once
 * with IDEM_MATCHER_NO_AVX512 set. */
/* A third of the minutiae dropped and the rest jittered by up to 3 px. */
static IdemMinutiae *
partial_copy (IdemMinutiae *source)
{
  IdemMinutiae *result = idem_minutiae_new (idem_minutiae_get_width (source),
                                            idem_minutiae_get_height (source),
                                            idem_minutiae_get_resolution (source));
  const IdemMinutia *all;
  guint n;

  all = idem_minutiae_get_all (source, &n);
  for (guint i = 0; i < n; i++)
    {
      IdemMinutia m = all[i];

      if (i % 3 == 0)
        continue;
      m.x = CLAMP ((int) m.x + (int) (i % 7) - 3, 0, (int) idem_minutiae_get_width (source) - 1);
      m.y = CLAMP ((int) m.y + (int) (i % 5) - 2, 0, (int) idem_minutiae_get_height (source) - 1);
      m.angle += (i % 3) * 2;
      g_assert_true (idem_minutiae_add (result, &m, NULL));
    }

  return result;
}

/* Exact scores of fixed pairs.  The AVX-512 and the portable similarity
 * loops must give the same numbers: meson runs this program twice, once
 * with IDEM_MATCHER_NO_AVX512 set. */
static void
test_golden_scores (void)
{
  const struct { guint32 seed; gboolean partial; double degrees; double expected; } cases[] = {
    { 41, FALSE, 33, GOLDEN_SAME_ROTATED },
    { 42, TRUE, -20, GOLDEN_PARTIAL_ROTATED },
    { 43, TRUE, 75, GOLDEN_PARTIAL_TURNED },
  };
  g_autoptr(IdemMinutiae) stranger = synthetic_minutiae_random (44);
  g_autoptr(IdemFingerTemplate) stranger_template = idem_finger_template_new (stranger, 0, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(IdemMinutiae) a = synthetic_minutiae_random (cases[i].seed);
      g_autoptr(IdemMinutiae) b = cases[i].partial ? partial_copy (a) : idem_minutiae_ref (a);
      g_autoptr(IdemMinutiae) moved = transformed (b, cases[i].degrees, 3, -4);
      g_autoptr(IdemFingerTemplate) ta = idem_finger_template_new (a, 0, NULL);
      g_autoptr(IdemFingerTemplate) tb = idem_finger_template_new (moved, 0, NULL);
      double score = idem_finger_template_compare (tb, ta);

      g_test_message ("case %u: %.6f", i, score);
      g_assert_cmpfloat_with_epsilon (score, cases[i].expected, 1e-4);
      g_assert_cmpfloat (idem_finger_template_compare (tb, stranger_template), ==, 0.0);
    }
}

static void
test_template_serialize (void)
{
  g_autoptr(IdemMinutiae) a = synthetic_minutiae_random (51);
  g_autoptr(IdemMinutiae) moved = transformed (a, 20, 5, 7);
  g_autoptr(IdemFingerTemplate) ta = idem_finger_template_new (a, 7, NULL);
  g_autoptr(IdemFingerTemplate) tb = idem_finger_template_new (moved, 7, NULL);
  g_autoptr(GBytes) bytes = idem_finger_template_serialize (ta);
  g_autoptr(IdemFingerTemplate) loaded = NULL;
  g_autoptr(GError) error = NULL;
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  loaded = idem_finger_template_deserialize (bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (idem_finger_template_get_position (loaded), ==, 7);
  g_assert_cmpuint (idem_finger_template_get_n_minutiae (loaded), ==, idem_finger_template_get_n_minutiae (ta));
  g_assert_cmpfloat (idem_finger_template_compare (tb, loaded), >, 0.0);
  g_assert_cmpfloat (idem_finger_template_compare (tb, loaded), ==, idem_finger_template_compare (tb, ta));
  g_assert_cmpfloat (idem_finger_template_compare (loaded, tb), ==, idem_finger_template_compare (ta, tb));

  /* Truncated, padded, another version, a bad count or position: refused. */
  for (guint i = 0; i < 6; i++)
    {
      g_autofree guint8 *copy = g_malloc (size + 1);
      g_autoptr(GBytes) bad = NULL;
      g_autoptr(IdemFingerTemplate) refused = NULL;
      gsize bad_size = size;

      memcpy (copy, data, size);
      copy[size] = 0;
      switch (i)
        {
        case 0: bad_size = size - 1; break;
        case 1: bad_size = size + 1; break;
        case 2: copy[3]++; break;
        case 3: copy[4] = 200; break;
        case 4: copy[5] = 11; break;
        default: bad_size = 3; break;
        }
      bad = g_bytes_new (copy, bad_size);
      refused = idem_finger_template_deserialize (bad, &error);
      g_assert_error (error, IDEM_FINGERPRINT_ERROR, IDEM_FINGERPRINT_ERROR_STALE_TEMPLATE);
      g_assert_null (refused);
      g_clear_error (&error);
    }
}

static IdemFingerTemplate *
random_template (guint32 seed,
                 guint   position)
{
  g_autoptr(IdemMinutiae) minutiae = synthetic_minutiae_random (seed);

  return idem_finger_template_new (minutiae, position, NULL);
}

static void
test_gallery_errors (void)
{
  g_autoptr(IdemFingerprintGallery) gallery = idem_fingerprint_gallery_new (2);
  g_autoptr(IdemFingerTemplate) finger = random_template (1, 2);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autofree char *long_reference = g_strnfill (300, 'x');
  double score = -1;
  gsize bytes;

  g_assert_true (idem_fingerprint_gallery_insert (gallery, "a", &finger, 1, &error));
  g_assert_no_error (error);
  bytes = idem_fingerprint_gallery_get_template_bytes (gallery);
  g_assert_cmpuint (bytes, ==, idem_finger_template_get_size (finger));

  g_assert_false (idem_fingerprint_gallery_insert (gallery, "a", &finger, 1, &error));
  g_assert_error (error, IDEM_FINGERPRINT_ERROR, IDEM_FINGERPRINT_ERROR_DUPLICATE_REFERENCE);
  g_clear_error (&error);
  g_assert_false (idem_fingerprint_gallery_insert (gallery, "", &finger, 1, &error));
  g_assert_error (error, IDEM_FINGERPRINT_ERROR, IDEM_FINGERPRINT_ERROR_INVALID_REFERENCE);
  g_clear_error (&error);
  g_assert_false (idem_fingerprint_gallery_insert (gallery, long_reference, &finger, 1, &error));
  g_assert_error (error, IDEM_FINGERPRINT_ERROR, IDEM_FINGERPRINT_ERROR_INVALID_REFERENCE);
  g_clear_error (&error);
  g_assert_false (idem_fingerprint_gallery_insert (gallery, "b", NULL, 0, &error));
  g_assert_error (error, IDEM_FINGERPRINT_ERROR, IDEM_FINGERPRINT_ERROR_EMPTY);
  g_clear_error (&error);
  /* None of the refusals changed anything. */
  g_assert_cmpuint (idem_fingerprint_gallery_get_count (gallery), ==, 1);
  g_assert_cmpuint (idem_fingerprint_gallery_get_template_bytes (gallery), ==, bytes);

  g_assert_false (idem_fingerprint_gallery_remove (gallery, "nobody", &error));
  g_assert_error (error, IDEM_FINGERPRINT_ERROR, IDEM_FINGERPRINT_ERROR_UNKNOWN_REFERENCE);
  g_clear_error (&error);
  g_assert_false (idem_fingerprint_gallery_verify (gallery, "nobody", &finger, 1, &score, &error));
  g_assert_error (error, IDEM_FINGERPRINT_ERROR, IDEM_FINGERPRINT_ERROR_UNKNOWN_REFERENCE);
  g_clear_error (&error);
  g_assert_false (idem_fingerprint_gallery_verify (gallery, "a", NULL, 0, &score, &error));
  g_assert_error (error, IDEM_FINGERPRINT_ERROR, IDEM_FINGERPRINT_ERROR_EMPTY);
  g_clear_error (&error);
  none = idem_fingerprint_gallery_identify (gallery, NULL, 0, 5, 0.0, &error);
  g_assert_null (none);
  g_assert_error (error, IDEM_FINGERPRINT_ERROR, IDEM_FINGERPRINT_ERROR_EMPTY);
  g_clear_error (&error);

  g_assert_true (idem_fingerprint_gallery_verify (gallery, "a", &finger, 1, &score, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (score, >=, IDEM_FINGERPRINT_MATCH_THRESHOLD);

  g_assert_true (idem_fingerprint_gallery_remove (gallery, "a", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (idem_fingerprint_gallery_get_count (gallery), ==, 0);
  g_assert_cmpuint (idem_fingerprint_gallery_get_template_bytes (gallery), ==, 0);
  g_assert_false (idem_fingerprint_gallery_contains (gallery, "a"));
}

#define N_PERSONS 300

static void
test_gallery_identify (void)
{
  g_autoptr(IdemFingerprintGallery) gallery = idem_fingerprint_gallery_new (0);

  for (guint p = 0; p < N_PERSONS; p++)
    {
      g_autofree char *reference = g_strdup_printf ("person-%u", p);
      IdemFingerTemplate *fingers[2] = { random_template (2 * p, 2), random_template (2 * p + 1, 7) };

      g_assert_true (idem_fingerprint_gallery_insert (gallery, reference, fingers, 2, NULL));
      idem_finger_template_unref (fingers[0]);
      idem_finger_template_unref (fingers[1]);
    }
  g_assert_cmpuint (idem_fingerprint_gallery_get_count (gallery), ==, N_PERSONS);

  /* Remove some persons, so that identification runs over swapped slots. */
  for (guint p = 0; p < N_PERSONS; p += 7)
    {
      g_autofree char *reference = g_strdup_printf ("person-%u", p);

      g_assert_true (idem_fingerprint_gallery_remove (gallery, reference, NULL));
    }

  for (guint p = 1; p < N_PERSONS; p += 37)
    {
      g_autofree char *expected = g_strdup_printf ("person-%u", p);
      g_autoptr(IdemMinutiae) m0 = synthetic_minutiae_random (2 * p);
      g_autoptr(IdemMinutiae) m1 = synthetic_minutiae_random (2 * p + 1);
      g_autoptr(IdemMinutiae) moved0 = transformed (m0, 20, 5, 9);
      g_autoptr(IdemMinutiae) moved1 = transformed (m1, -12, -8, 3);
      g_autoptr(IdemFingerTemplate) probe0 = idem_finger_template_new (moved0, 2, NULL);
      g_autoptr(IdemFingerTemplate) probe1 = idem_finger_template_new (moved1, 7, NULL);
      IdemFingerTemplate *probe[2] = { probe0, probe1 };
      g_autoptr(GPtrArray) candidates = NULL;
      IdemFingerprintCandidate *best;
      g_autoptr(GError) error = NULL;

      /* Removed above. */
      if (p % 7 == 0)
        continue;
      candidates = idem_fingerprint_gallery_identify (gallery, probe, 2, 5, 0.0, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (candidates->len, >=, 1);
      best = g_ptr_array_index (candidates, 0);
      g_assert_cmpstr (best->reference_id, ==, expected);
      /* Both fingers count: the fused score exceeds either finger's. */
      g_assert_cmpfloat (best->score, >, best->best_finger_score);
      g_assert_cmpfloat (best->score, >=, 2 * IDEM_FINGERPRINT_MATCH_THRESHOLD);
      for (guint c = 1; c < candidates->len; c++)
        g_assert_cmpfloat (((IdemFingerprintCandidate *) g_ptr_array_index (candidates, c))->score,
                           <, IDEM_FINGERPRINT_MATCH_THRESHOLD);
    }
}

typedef struct
{
  IdemFingerprintGallery *gallery;
  guint                   first;
} Writer;

static gpointer
writer_thread (gpointer data)
{
  Writer *writer = data;

  for (guint p = writer->first; p < writer->first + 100; p++)
    {
      g_autofree char *reference = g_strdup_printf ("w-%u", p);
      g_autoptr(IdemFingerTemplate) finger = random_template (5000 + p, 0);

      g_assert_true (idem_fingerprint_gallery_insert (writer->gallery, reference, &finger, 1, NULL));
      if (p % 3 == 0)
        g_assert_true (idem_fingerprint_gallery_remove (writer->gallery, reference, NULL));
    }

  return NULL;
}

static void
identify_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GPtrArray **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = idem_fingerprint_gallery_identify_finish (IDEM_FINGERPRINT_GALLERY (object), result, &error);
  g_assert_no_error (error);
}

static void
test_gallery_concurrent (void)
{
  g_autoptr(IdemFingerprintGallery) gallery = idem_fingerprint_gallery_new (2);
  g_autoptr(IdemFingerTemplate) probe = random_template (5000 + 151, 0);
  Writer writers[2] = { { gallery, 0 }, { gallery, 100 } };
  GThread *threads[2];
  guint expected = 0;

  threads[0] = g_thread_new ("writer-0", writer_thread, &writers[0]);
  threads[1] = g_thread_new ("writer-1", writer_thread, &writers[1]);

  /* Identify while the writers insert and remove. */
  for (guint round = 0; round < 20; round++)
    {
      g_autoptr(GPtrArray) candidates = idem_fingerprint_gallery_identify (gallery, &probe, 1, 3, 0.0, NULL);

      g_assert_nonnull (candidates);
    }

  g_thread_join (threads[0]);
  g_thread_join (threads[1]);
  for (guint p = 0; p < 200; p++)
    expected += p % 3 != 0;
  g_assert_cmpuint (idem_fingerprint_gallery_get_count (gallery), ==, expected);

  {
    GPtrArray *candidates = NULL;
    IdemFingerprintCandidate *best;

    idem_fingerprint_gallery_identify_async (gallery, &probe, 1, 3, 0.0, NULL, identify_done_cb, &candidates);
    while (candidates == NULL)
      g_main_context_iteration (NULL, TRUE);
    g_assert_cmpuint (candidates->len, >=, 1);
    best = g_ptr_array_index (candidates, 0);
    g_assert_cmpstr (best->reference_id, ==, "w-151");
    g_ptr_array_unref (candidates);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/abis/minutiae/round-trip", test_round_trip);
  g_test_add_func ("/abis/minutiae/bad-templates", test_bad_templates);
  g_test_add_func ("/abis/minutiae/add-refuses", test_add_refuses);
  g_test_add_func ("/abis/minutiae/keep-best", test_keep_best);
  g_test_add_func ("/abis/matcher/template-refused", test_template_refused);
  g_test_add_func ("/abis/matcher/rotation-invariance", test_rotation_invariance);
  g_test_add_func ("/abis/matcher/resolution", test_resolution_is_normalized);
  g_test_add_func ("/abis/matcher/golden-scores", test_golden_scores);
  g_test_add_func ("/abis/matcher/template-serialize", test_template_serialize);
  g_test_add_func ("/abis/gallery/errors", test_gallery_errors);
  g_test_add_func ("/abis/gallery/identify", test_gallery_identify);
  g_test_add_func ("/abis/gallery/concurrent", test_gallery_concurrent);

  return g_test_run ();
}
