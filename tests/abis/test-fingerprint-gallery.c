/* test-fingerprint-gallery.c — 1:N identification against a brute-force
 * reference, through inserts and removals
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The gallery spreads a search over worker threads, keeps only the best
 * candidates, and reorders persons when one is removed.  None of that may
 * change a result: every search here is checked against scoring every
 * enrolled person one by one with idem_fingerprint_fuse_person().
 *
 * The same holds with the candidate pre-filter, against brute force that
 * asks idem_finger_template_prefilter_passes() for each finger; and the
 * pre-filter must keep the mates.
 *
 * Fingers are drawn directly (synthetic_minutiae_random()), so the test
 * needs no image and runs in well under a second; a mate is the same
 * minutiae turned, shifted, jittered and with some left out, as a second
 * impression would be.
 */

#include "config.h"

#include <idem.h>
#include <synthetic-finger.h>

#include <math.h>

#define N_PERSONS 160
#define N_MATES 12

static IdemFingerTemplate *
drawn_template (guint32 seed,
                guint   position)
{
  g_autoptr(IdemMinutiae) minutiae = synthetic_minutiae_random (seed);
  g_autoptr(GError) error = NULL;
  IdemFingerTemplate *template = idem_finger_template_new (minutiae, position, &error);

  g_assert_no_error (error);

  return template;
}

/* Another impression of the finger drawn from @seed: turned by up to 20°
 * about the centre, shifted by up to 20 px, each minutia moved by up to
 * 2 px, and one in eight lost. */
static IdemFingerTemplate *
mate_template (guint32 seed,
               guint   position)
{
  g_autoptr(IdemMinutiae) original = synthetic_minutiae_random (seed);
  g_autoptr(IdemMinutiae) moved = idem_minutiae_new (SYNTHETIC_FINGER_WIDTH, SYNTHETIC_FINGER_HEIGHT, 500);
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed * 7919u + 1);
  g_autoptr(GError) error = NULL;
  double turn = g_rand_double_range (rand, -20.0, 20.0) * G_PI / 180.0;
  double shift_x = g_rand_double_range (rand, -20.0, 20.0);
  double shift_y = g_rand_double_range (rand, -20.0, 20.0);
  double cx = SYNTHETIC_FINGER_WIDTH / 2.0, cy = SYNTHETIC_FINGER_HEIGHT / 2.0;
  const IdemMinutia *all;
  guint n;
  IdemFingerTemplate *template;

  all = idem_minutiae_get_all (original, &n);
  for (guint i = 0; i < n; i++)
    {
      IdemMinutia m = all[i];
      double x = all[i].x - cx, y = all[i].y - cy;
      long nx = lrint (cx + x * cos (turn) - y * sin (turn) + shift_x + g_rand_double_range (rand, -2.0, 2.0));
      long ny = lrint (cy + x * sin (turn) + y * cos (turn) + shift_y + g_rand_double_range (rand, -2.0, 2.0));

      if (g_rand_int_range (rand, 0, 8) == 0
          || nx < 0 || ny < 0 || nx >= SYNTHETIC_FINGER_WIDTH || ny >= SYNTHETIC_FINGER_HEIGHT)
        continue;
      m.x = (guint16) nx;
      m.y = (guint16) ny;
      m.angle = (guint8) (all[i].angle + lrint (turn * 128.0 / G_PI));
      g_assert_true (idem_minutiae_add (moved, &m, &error));
      g_assert_no_error (error);
    }
  template = idem_finger_template_new (moved, position, &error);
  g_assert_no_error (error);

  return template;
}

typedef struct
{
  char               *reference_id;
  IdemFingerTemplate *fingers[2];
} Enrolled;

static void
enrolled_free (Enrolled *person)
{
  g_free (person->reference_id);
  idem_finger_template_unref (person->fingers[0]);
  idem_finger_template_unref (person->fingers[1]);
  g_free (person);
}

static Enrolled *
enrolled_new (guint index)
{
  Enrolled *person = g_new0 (Enrolled, 1);

  person->reference_id = g_strdup_printf ("person-%04u", index);
  person->fingers[0] = drawn_template (2 * index, 2);
  person->fingers[1] = drawn_template (2 * index + 1, 7);

  return person;
}

static int
by_score_then_reference (gconstpointer a,
                         gconstpointer b)
{
  const IdemFingerprintCandidate *x = *(IdemFingerprintCandidate * const *) a;
  const IdemFingerprintCandidate *y = *(IdemFingerprintCandidate * const *) b;

  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;

  return g_strcmp0 (x->reference_id, y->reference_id);
}

/* The sum rule of idem_fingerprint_fuse_person(), with the pre-filter's
 * decision taken finger by finger when @prefilter. */
static double
fuse (IdemFingerTemplate * const *probe,
      guint                       n_probe,
      IdemFingerTemplate * const *fingers,
      gboolean                    prefilter,
      double                     *best_finger_score)
{
  double total = 0.0, best_overall = 0.0;

  if (!prefilter)
    return idem_fingerprint_fuse_person (probe, n_probe, fingers, 2, best_finger_score);

  for (guint p = 0; p < n_probe; p++)
    {
      double best = 0.0;

      for (guint e = 0; e < 2; e++)
        if (idem_finger_template_get_position (probe[p]) == idem_finger_template_get_position (fingers[e])
            && idem_finger_template_prefilter_passes (probe[p], fingers[e]))
          best = MAX (best, idem_finger_template_compare (probe[p], fingers[e]));
      total += best;
      best_overall = MAX (best_overall, best);
    }
  *best_finger_score = best_overall;

  return total;
}

/* What the gallery must answer: every enrolled person scored one by one. */
static GPtrArray *
brute_force (GHashTable                 *enrolled,
             IdemFingerTemplate * const *probe,
             guint                       n_probe,
             gboolean                    prefilter)
{
  GPtrArray *all = g_ptr_array_new_with_free_func ((GDestroyNotify) idem_fingerprint_candidate_free);
  GHashTableIter iter;
  Enrolled *person;

  g_hash_table_iter_init (&iter, enrolled);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &person))
    {
      IdemFingerprintCandidate *candidate = g_new0 (IdemFingerprintCandidate, 1);

      candidate->score = fuse (probe, n_probe, person->fingers, prefilter, &candidate->best_finger_score);
      candidate->reference_id = g_strdup (person->reference_id);
      if (candidate->score > 0.0)
        g_ptr_array_add (all, candidate);
      else
        idem_fingerprint_candidate_free (candidate);
    }
  g_ptr_array_sort (all, by_score_then_reference);

  return all;
}

static void
assert_same_answer (IdemFingerprintGallery     *gallery,
                    GHashTable                 *enrolled,
                    IdemFingerTemplate * const *probe,
                    guint                       n_probe)
{
  g_autoptr(GPtrArray) expected = brute_force (enrolled, probe, n_probe,
                                               idem_fingerprint_gallery_get_prefilter (gallery));
  g_autoptr(GPtrArray) everyone = NULL;
  g_autoptr(GPtrArray) top = NULL;
  g_autoptr(GError) error = NULL;
  guint max_results = 5;

  /* Everyone above 0: the same candidates with the same scores. */
  everyone = idem_fingerprint_gallery_identify (gallery, probe, n_probe, N_PERSONS + N_MATES, 0.0, &error);
  g_assert_no_error (error);
  g_ptr_array_sort (everyone, by_score_then_reference);
  g_assert_cmpuint (everyone->len, ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    {
      IdemFingerprintCandidate *want = g_ptr_array_index (expected, i);
      IdemFingerprintCandidate *got = g_ptr_array_index (everyone, i);

      g_assert_cmpstr (got->reference_id, ==, want->reference_id);
      g_assert_cmpfloat (got->score, ==, want->score);
      g_assert_cmpfloat (got->best_finger_score, ==, want->best_finger_score);
    }

  /* The best few: the brute-force scores at the top, best first. */
  top = idem_fingerprint_gallery_identify (gallery, probe, n_probe, max_results, 0.0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (top->len, ==, MIN (max_results, expected->len));
  for (guint i = 0; i < top->len; i++)
    {
      IdemFingerprintCandidate *want = g_ptr_array_index (expected, i);
      IdemFingerprintCandidate *got = g_ptr_array_index (top, i);

      g_assert_cmpfloat (got->score, ==, want->score);
      if (i > 0)
        g_assert_cmpfloat (got->score, <=, ((IdemFingerprintCandidate *) g_ptr_array_index (top, i - 1))->score);
    }
}

static void
check_searches (IdemFingerprintGallery *gallery,
                GHashTable             *enrolled)
{
  for (guint m = 0; m < N_MATES; m++)
    {
      g_autoptr(IdemFingerTemplate) first = mate_template (2 * m, 2);
      g_autoptr(IdemFingerTemplate) second = mate_template (2 * m + 1, 7);
      IdemFingerTemplate *probe[2] = { first, second };
      g_autofree char *reference = g_strdup_printf ("person-%04u", m);

      /* Both ways: every finger compared, and only those the index passes. */
      for (guint pass = 0; pass < 2; pass++)
        {
          idem_fingerprint_gallery_set_prefilter (gallery, pass == 1);
          assert_same_answer (gallery, enrolled, probe, 2);
          assert_same_answer (gallery, enrolled, probe, 1);
        }
      g_assert_true (idem_fingerprint_gallery_get_prefilter (gallery));

      /* An enrolled mate passes the pre-filter and comes first. */
      if (g_hash_table_contains (enrolled, reference))
        {
          Enrolled *person = g_hash_table_lookup (enrolled, reference);

          g_assert_true (idem_finger_template_prefilter_passes (first, person->fingers[0]));
          g_assert_true (idem_finger_template_prefilter_passes (second, person->fingers[1]));
          g_assert_cmpfloat (idem_finger_template_prefilter_score (first, person->fingers[0]), >=,
                             IDEM_FINGERPRINT_PREFILTER_THRESHOLD);
          g_autoptr(GPtrArray) candidates = idem_fingerprint_gallery_identify (gallery, probe, 2, 1, 0.0, NULL);

          g_assert_cmpuint (candidates->len, ==, 1);
          g_assert_cmpstr (((IdemFingerprintCandidate *) g_ptr_array_index (candidates, 0))->reference_id, ==,
                           reference);
          g_assert_cmpfloat (((IdemFingerprintCandidate *) g_ptr_array_index (candidates, 0))->score, >=,
                             2 * IDEM_FINGERPRINT_MATCH_THRESHOLD);
        }
    }
}

static void
test_identify_matches_brute_force (void)
{
  g_autoptr(IdemFingerprintGallery) gallery = idem_fingerprint_gallery_new (2);
  g_autoptr(GHashTable) enrolled = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                          (GDestroyNotify) enrolled_free);
  g_autoptr(GError) error = NULL;

  for (guint p = 0; p < N_PERSONS; p++)
    {
      Enrolled *person = enrolled_new (p);

      g_assert_true (idem_fingerprint_gallery_insert (gallery, person->reference_id, person->fingers, 2, &error));
      g_assert_no_error (error);
      g_hash_table_insert (enrolled, person->reference_id, person);
    }
  check_searches (gallery, enrolled);

  /* Removals move the last person into the hole: every third person goes,
   * mates among them, and the searches must not notice anything else. */
  for (guint p = 0; p < N_PERSONS; p += 3)
    {
      g_autofree char *reference = g_strdup_printf ("person-%04u", p);

      g_assert_true (idem_fingerprint_gallery_remove (gallery, reference, &error));
      g_assert_no_error (error);
      g_hash_table_remove (enrolled, reference);
    }
  g_assert_cmpuint (idem_fingerprint_gallery_get_count (gallery), ==, g_hash_table_size (enrolled));
  check_searches (gallery, enrolled);

  /* Half of them back, in another order. */
  for (int p = N_PERSONS - 1; p >= 0; p--)
    if (p % 6 == 0)
      {
        Enrolled *person = enrolled_new (p);

        g_assert_true (idem_fingerprint_gallery_insert (gallery, person->reference_id, person->fingers, 2, &error));
        g_assert_no_error (error);
        g_hash_table_insert (enrolled, person->reference_id, person);
      }
  g_assert_cmpuint (idem_fingerprint_gallery_get_count (gallery), ==, g_hash_table_size (enrolled));
  check_searches (gallery, enrolled);
}

/* The pre-filter earns its keep: unrelated fingers rarely pass. */
static void
test_prefilter_rejects_strangers (void)
{
  g_autoptr(GPtrArray) strangers = g_ptr_array_new_with_free_func ((GDestroyNotify) idem_finger_template_unref);
  guint passed = 0, n_strangers = 300;

  for (guint s = 0; s < n_strangers; s++)
    g_ptr_array_add (strangers, drawn_template (100000 + s, 2));
  for (guint m = 0; m < N_MATES; m++)
    {
      g_autoptr(IdemFingerTemplate) probe = mate_template (2 * m, 2);

      for (guint s = 0; s < n_strangers; s++)
        passed += idem_finger_template_prefilter_passes (probe, g_ptr_array_index (strangers, s));
    }
  g_test_message ("%u of %u stranger comparisons passed the pre-filter", passed, N_MATES * n_strangers);
  g_assert_cmpuint (passed, <, N_MATES * n_strangers / 10);
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
test_bad_requests_change_nothing (void)
{
  g_autoptr(IdemFingerprintGallery) gallery = idem_fingerprint_gallery_new (1);
  g_autoptr(IdemFingerTemplate) finger = drawn_template (1, 2);
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GError) error = NULL;
  IdemFingerTemplate *fingers[1] = { finger };

  g_assert_true (idem_fingerprint_gallery_insert (gallery, "only", fingers, 1, &error));
  g_assert_false (idem_fingerprint_gallery_insert (gallery, "only", fingers, 1, &error));
  g_assert_error (error, IDEM_FINGERPRINT_ERROR, IDEM_FINGERPRINT_ERROR_DUPLICATE_REFERENCE);
  g_clear_error (&error);
  g_assert_false (idem_fingerprint_gallery_remove (gallery, "nobody", &error));
  g_assert_error (error, IDEM_FINGERPRINT_ERROR, IDEM_FINGERPRINT_ERROR_UNKNOWN_REFERENCE);
  g_clear_error (&error);
  g_assert_null (idem_fingerprint_gallery_identify (gallery, fingers, 1, 0, 0.0, &error));
  g_assert_error (error, IDEM_FINGERPRINT_ERROR, IDEM_FINGERPRINT_ERROR_EMPTY);
  g_clear_error (&error);

  g_assert_cmpuint (idem_fingerprint_gallery_get_count (gallery), ==, 1);
  g_assert_cmpuint (idem_fingerprint_gallery_get_index_bytes (gallery), >, 0);

  /* The switch notifies only when it changes. */
  {
    guint notified = 0;

    g_signal_connect (gallery, "notify::prefilter", G_CALLBACK (count_notify_cb), &notified);
    idem_fingerprint_gallery_set_prefilter (gallery, TRUE);
    g_assert_cmpuint (notified, ==, 0);
    g_object_set (gallery, "prefilter", FALSE, NULL);
    g_assert_cmpuint (notified, ==, 1);
    g_assert_false (idem_fingerprint_gallery_get_prefilter (gallery));
  }

  candidates = idem_fingerprint_gallery_identify (gallery, fingers, 1, 3, 0.0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (candidates->len, ==, 1);
  g_assert_cmpstr (((IdemFingerprintCandidate *) g_ptr_array_index (candidates, 0))->reference_id, ==, "only");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/abis/gallery/identify-matches-brute-force", test_identify_matches_brute_force);
  g_test_add_func ("/abis/gallery/prefilter-rejects-strangers", test_prefilter_rejects_strangers);
  g_test_add_func ("/abis/gallery/bad-requests-change-nothing", test_bad_requests_change_nothing);

  return g_test_run ();
}
