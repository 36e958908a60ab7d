/* bench-abis-accuracy.c — how well the matcher tells fingers apart
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * 1. Synthetic fingers (tests/support): N fingers of the five pattern
 *    classes, several impressions each (rotation, shift, elastic distortion,
 *    noise, partial contact), minutiae by NBIS.  Genuine pairs: every pair of
 *    impressions of a finger.  Impostor pairs: the first impressions of every
 *    pair of different fingers (the FVC protocol).  Prints the score
 *    distributions, FNMR at FMR 1e-3 and 1e-4, and the EER.
 * 2. The MOSIP ISO/IEC 19794-4 samples: every JPEG 2000 Registration finger
 *    against every Auth finger of the same profile.
 *
 *   bench-abis-accuracy [--fingers N] [--impressions K] [--minutiae-cache FILE]
 *
 * Extraction takes most of the time; --minutiae-cache keeps the extracted
 * minutiae in FILE (written when absent, read when present), so that
 * matcher changes can be measured again in seconds on the same fingers.
 */

#include "config.h"

#include <idem.h>
#include <idem-minutiae-extract.h>
#include <synthetic-finger.h>

#include "minutiae-cache.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct
{
  guint                finger;
  guint                impressions;
  IdemFingerTemplate **templates;   /* impressions of this finger, NULL when extraction failed */
  IdemMinutiae       **minutiae;
  guint               *n_minutiae;
} FingerJob;

static void
finger_job_cb (gpointer data,
               gpointer user_data)
{
  FingerJob *job = data;
  g_autoptr(SyntheticFinger) finger = synthetic_finger_new (job->finger + 1, job->finger % SYNTHETIC_FINGER_N_CLASSES);

  for (guint k = 0; k < job->impressions; k++)
    {
      guint32 seed = (job->finger + 1) * 64 + k;
      SyntheticImpressionParams params;
      g_autofree guint8 *pixels = NULL;
      g_autoptr(IdemMinutiae) minutiae = NULL;
      g_autoptr(GError) error = NULL;

      synthetic_finger_random_impression (seed, &params);
      pixels = synthetic_finger_render (finger, seed, &params);
      minutiae = idem_minutiae_extract (pixels, SYNTHETIC_FINGER_WIDTH, SYNTHETIC_FINGER_HEIGHT, 500, &error);
      if (minutiae == NULL)
        continue;
      job->n_minutiae[k] = idem_minutiae_get_count (minutiae);
      job->templates[k] = idem_finger_template_new (minutiae, 0, NULL);
      job->minutiae[k] = g_steal_pointer (&minutiae);
    }
}

/* The cache holds every impression of every finger, in order. */
static gboolean
load_cache (const char *path,
            FingerJob  *jobs,
            guint       n_fingers,
            guint       n_impressions)
{
  g_autofree IdemMinutiae **minutiae = g_new0 (IdemMinutiae *, n_fingers * n_impressions);

  if (!minutiae_cache_load (path, minutiae, n_fingers, n_impressions))
    return FALSE;
  for (guint f = 0; f < n_fingers; f++)
    for (guint k = 0; k < n_impressions; k++)
      {
        IdemMinutiae *extracted = minutiae[f * n_impressions + k];

        if (extracted == NULL)
          continue;
        jobs[f].n_minutiae[k] = idem_minutiae_get_count (extracted);
        jobs[f].templates[k] = idem_finger_template_new (extracted, 0, NULL);
        jobs[f].minutiae[k] = extracted;
      }

  return TRUE;
}

static void
save_cache (const char *path,
            FingerJob  *jobs,
            guint       n_fingers,
            guint       n_impressions)
{
  g_autofree IdemMinutiae **minutiae = g_new0 (IdemMinutiae *, n_fingers * n_impressions);

  for (guint f = 0; f < n_fingers; f++)
    for (guint k = 0; k < n_impressions; k++)
      minutiae[f * n_impressions + k] = jobs[f].minutiae[k];
  minutiae_cache_save (path, minutiae, n_fingers, n_impressions);
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* Smallest threshold t with FMR(t) = P(impostor ≥ t) ≤ target. */
static double
threshold_for_fmr (const double *impostor,
                   gsize         n_impostor,
                   double        target)
{
  gsize allowed = (gsize) floor (target * n_impostor);
  /* impostor is sorted ascending: the (allowed+1)-th largest must fall below t. */
  double above = impostor[n_impostor - 1 - allowed];

  return nextafter (above, INFINITY);
}

static double
fnmr_at (const double *genuine,
         gsize         n_genuine,
         double        threshold)
{
  gsize below = 0;

  for (gsize i = 0; i < n_genuine; i++)
    if (genuine[i] < threshold)
      below++;

  return (double) below / n_genuine;
}

static double
fmr_at (const double *impostor,
        gsize         n_impostor,
        double        threshold)
{
  gsize above = 0;

  for (gsize i = 0; i < n_impostor; i++)
    if (impostor[i] >= threshold)
      above++;

  return (double) above / n_impostor;
}

static void
print_distribution (const char   *name,
                    const double *scores,
                    gsize         n)
{
  double sum = 0.0;
  gsize zeros = 0;

  for (gsize i = 0; i < n; i++)
    {
      sum += scores[i];
      zeros += scores[i] == 0.0;
    }
  g_print ("  %-9s n=%-7" G_GSIZE_FORMAT " mean %6.1f  p1 %6.1f  p5 %6.1f  p50 %6.1f  p95 %6.1f  p99.99 %6.1f  max %6.1f  prefiltered %.1f %%\n",
           name, n, sum / n, scores[n / 100], scores[n / 20], scores[n / 2], scores[n * 95 / 100],
           scores[MIN (n - 1, n * 9999 / 10000)], scores[n - 1], 100.0 * zeros / n);
}

/* Closed-set identification as an ABIS runs it: every finger's first
 * impression enrolled, every other impression searched against all of
 * them, with and without the candidate pre-filter in front.  Rank 1 is how
 * often the mate scores highest; FNIR at a given FPIR how often the mate
 * falls below the threshold at which that share of searches for someone
 * not enrolled (the same searches without the mate) return a candidate.
 * The pre-filter's own figures: how many of the mates the matcher finds at
 * FMR 1e-4 it keeps, and how many non-mates it lets through to the
 * matcher. */
static void
identification_accuracy (FingerJob *jobs,
                         guint      n_fingers,
                         guint      n_impressions,
                         double     match_threshold)
{
  GArray *top_non_mate[2] = { g_array_new (FALSE, FALSE, sizeof (double)),
                              g_array_new (FALSE, FALSE, sizeof (double)) };
  GArray *mate_score[2] = { g_array_new (FALSE, FALSE, sizeof (double)),
                            g_array_new (FALSE, FALSE, sizeof (double)) };
  g_autoptr(GArray) found_mates = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) non_mates = g_array_new (FALSE, FALSE, sizeof (double));
  guint rank1[2] = { 0, 0 }, kept = 0, through = 0;
  gint64 start = g_get_monotonic_time ();

  for (guint f = 0; f < n_fingers; f++)
    for (guint k = 1; k < n_impressions; k++)
      {
        IdemFingerTemplate *probe = jobs[f].templates[k];
        double best_other[2] = { 0.0, 0.0 }, mate[2] = { 0.0, 0.0 };

        if (probe == NULL || jobs[f].templates[0] == NULL)
          continue;
        for (guint g = 0; g < n_fingers; g++)
          {
            IdemFingerTemplate *enrolled = jobs[g].templates[0];
            double score, pre;
            gboolean passes;

            if (enrolled == NULL)
              continue;
            score = idem_finger_template_compare (probe, enrolled);
            pre = idem_finger_template_prefilter_score (probe, enrolled);
            passes = pre >= IDEM_FINGERPRINT_PREFILTER_THRESHOLD;
            if (g == f)
              {
                mate[0] = score;
                mate[1] = passes ? score : 0.0;
                if (score >= match_threshold)
                  {
                    g_array_append_val (found_mates, pre);
                    kept += passes;
                  }
              }
            else
              {
                g_array_append_val (non_mates, pre);
                through += passes;
                best_other[0] = MAX (best_other[0], score);
                if (passes)
                  best_other[1] = MAX (best_other[1], score);
              }
          }
        for (guint w = 0; w < 2; w++)
          {
            rank1[w] += mate[w] > best_other[w];
            g_array_append_val (mate_score[w], mate[w]);
            g_array_append_val (top_non_mate[w], best_other[w]);
          }
      }
  if (found_mates->len == 0 || non_mates->len == 0)
    goto out;

  g_print ("Identification: %u searches against %u enrolled fingers in %.1f s\n",
           mate_score[0]->len, n_fingers, (g_get_monotonic_time () - start) / 1e6);
  g_print ("  pre-filter (threshold %.1f): keeps %u of the %u mates the matcher finds at FMR 1e-4 (%.2f %%),"
           " lets %u of %u non-mates through to the matcher (%.2f %%)\n",
           IDEM_FINGERPRINT_PREFILTER_THRESHOLD, kept, found_mates->len, 100.0 * kept / found_mates->len,
           through, non_mates->len, 100.0 * through / non_mates->len);
  qsort (found_mates->data, found_mates->len, sizeof (double), compare_doubles);
  qsort (non_mates->data, non_mates->len, sizeof (double), compare_doubles);
  for (guint q = 0; q < 4; q++)
    {
      static const double keep[] = { 0.98, 0.99, 0.995, 0.999 };
      double t = g_array_index (found_mates, double, (guint) ((1.0 - keep[q]) * found_mates->len));
      guint above = 0;

      for (guint i = 0; i < non_mates->len; i++)
        above += g_array_index (non_mates, double, i) >= t;
      g_print ("  keeping %.1f %% of those mates would take threshold %.2f and let %.2f %% of non-mates through\n",
               100 * keep[q], t, 100.0 * above / non_mates->len);
    }
  g_print ("  mate at rank 1: %.2f %% without the pre-filter, %.2f %% with it\n",
           100.0 * rank1[0] / mate_score[0]->len, 100.0 * rank1[1] / mate_score[1]->len);
  g_print ("  | FPIR | FNIR without pre-filter (threshold) | FNIR with pre-filter (threshold) |\n");
  g_print ("  |---|---|---|\n");
  for (guint w = 0; w < 2; w++)
    qsort (top_non_mate[w]->data, top_non_mate[w]->len, sizeof (double), compare_doubles);
  for (guint i = 0; i < 2; i++)
    {
      double target = i == 0 ? 1e-2 : 1e-3;
      double t[2];

      for (guint w = 0; w < 2; w++)
        t[w] = threshold_for_fmr ((double *) (gpointer) top_non_mate[w]->data, top_non_mate[w]->len, target);
      g_print ("  | %g | %.2f %% (%.1f) | %.2f %% (%.1f) |\n", target,
               100.0 * fnmr_at ((double *) (gpointer) mate_score[0]->data, mate_score[0]->len, t[0]), t[0],
               100.0 * fnmr_at ((double *) (gpointer) mate_score[1]->data, mate_score[1]->len, t[1]), t[1]);
    }
  g_print ("\n");

out:
  for (guint w = 0; w < 2; w++)
    {
      g_array_unref (top_non_mate[w]);
      g_array_unref (mate_score[w]);
    }
}

static void
synthetic_accuracy (guint       n_fingers,
                    guint       n_impressions,
                    const char *cache)
{
  g_autofree FingerJob *jobs = g_new0 (FingerJob, n_fingers);
  g_autoptr(GArray) genuine = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) impostor = g_array_new (FALSE, FALSE, sizeof (double));
  GThreadPool *pool;
  gint64 start;
  guint failed = 0;
  guint64 minutiae_total = 0, minutiae_count = 0;
  double eer = 1.0, eer_threshold = 0.0;

  start = g_get_monotonic_time ();
  for (guint f = 0; f < n_fingers; f++)
    {
      jobs[f].finger = f;
      jobs[f].impressions = n_impressions;
      jobs[f].templates = g_new0 (IdemFingerTemplate *, n_impressions);
      jobs[f].minutiae = g_new0 (IdemMinutiae *, n_impressions);
      jobs[f].n_minutiae = g_new0 (guint, n_impressions);
    }
  if (cache == NULL || !load_cache (cache, jobs, n_fingers, n_impressions))
    {
      pool = g_thread_pool_new (finger_job_cb, NULL, g_get_num_processors (), TRUE, NULL);
      for (guint f = 0; f < n_fingers; f++)
        {
          for (guint k = 0; k < n_impressions; k++)
            {
              g_clear_pointer (&jobs[f].templates[k], idem_finger_template_unref);
              g_clear_pointer (&jobs[f].minutiae[k], idem_minutiae_unref);
            }
          g_thread_pool_push (pool, &jobs[f], NULL);
        }
      g_thread_pool_free (pool, FALSE, TRUE);
      /* A cache of other fingers is left alone rather than overwritten. */
      if (cache != NULL && !g_file_test (cache, G_FILE_TEST_EXISTS))
        save_cache (cache, jobs, n_fingers, n_impressions);
      else if (cache != NULL)
        g_printerr ("%s holds other fingers; it was not used and is left as it is\n", cache);
    }

  for (guint f = 0; f < n_fingers; f++)
    for (guint k = 0; k < n_impressions; k++)
      {
        if (jobs[f].templates[k] == NULL)
          failed++;
        else
          {
            minutiae_total += jobs[f].n_minutiae[k];
            minutiae_count++;
          }
      }

  g_print ("Synthetic fingers: %u fingers x %u impressions, generated and extracted in %.1f s\n",
           n_fingers, n_impressions, (g_get_monotonic_time () - start) / 1e6);
  g_print ("  failure to enrol (fewer than %u minutiae): %u of %u impressions; mean %.1f NBIS minutiae\n",
           IDEM_MINUTIAE_MIN, failed, n_fingers * n_impressions,
           minutiae_count ? (double) minutiae_total / minutiae_count : 0.0);

  start = g_get_monotonic_time ();
  for (guint f = 0; f < n_fingers; f++)
    for (guint a = 0; a < n_impressions; a++)
      for (guint b = a + 1; b < n_impressions; b++)
        {
          /* A failed enrolment counts as a false non-match. */
          double s = 0.0;

          if (jobs[f].templates[a] && jobs[f].templates[b])
            s = idem_finger_template_compare (jobs[f].templates[a], jobs[f].templates[b]);
          g_array_append_val (genuine, s);
        }
  for (guint f = 0; f < n_fingers; f++)
    for (guint g = f + 1; g < n_fingers; g++)
      {
        double s;

        if (!jobs[f].templates[0] || !jobs[g].templates[0])
          continue;
        s = idem_finger_template_compare (jobs[f].templates[0], jobs[g].templates[0]);
        g_array_append_val (impostor, s);
      }
  g_print ("  %u comparisons in %.2f s on one thread\n", genuine->len + impostor->len,
           (g_get_monotonic_time () - start) / 1e6);

  qsort (genuine->data, genuine->len, sizeof (double), compare_doubles);
  qsort (impostor->data, impostor->len, sizeof (double), compare_doubles);
  print_distribution ("genuine", (double *) (gpointer) genuine->data, genuine->len);
  print_distribution ("impostor", (double *) (gpointer) impostor->data, impostor->len);

  for (guint i = 0; i < genuine->len; i++)
    {
      double t = g_array_index (genuine, double, i);
      double fnmr = fnmr_at ((double *) (gpointer) genuine->data, genuine->len, t);
      double fmr = fmr_at ((double *) (gpointer) impostor->data, impostor->len, t);

      if (t > 0.0 && fabs (fnmr - fmr) < eer)
        {
          eer = MAX (fnmr, fmr);
          eer_threshold = t;
        }
      if (fnmr >= fmr)
        break;
    }

  g_print ("\n  | operating point | threshold | FMR measured | FNMR |\n");
  g_print ("  |---|---|---|---|\n");
  for (guint i = 0; i < 2; i++)
    {
      double target = i == 0 ? 1e-3 : 1e-4;
      double t = threshold_for_fmr ((double *) (gpointer) impostor->data, impostor->len, target);

      g_print ("  | FMR = %g | %.1f | %.2e | %.2f %% |\n", target, t,
               fmr_at ((double *) (gpointer) impostor->data, impostor->len, t),
               100.0 * fnmr_at ((double *) (gpointer) genuine->data, genuine->len, t));
    }
  g_print ("  | fixed threshold %.0f | %.1f | %.2e | %.2f %% |\n", IDEM_FINGERPRINT_MATCH_THRESHOLD,
           IDEM_FINGERPRINT_MATCH_THRESHOLD,
           fmr_at ((double *) (gpointer) impostor->data, impostor->len, IDEM_FINGERPRINT_MATCH_THRESHOLD),
           100.0 * fnmr_at ((double *) (gpointer) genuine->data, genuine->len, IDEM_FINGERPRINT_MATCH_THRESHOLD));
  g_print ("  | EER | %.1f | %.2f %% | %.2f %% |\n\n", eer_threshold, 100 * eer, 100 * eer);

  identification_accuracy (jobs, n_fingers, n_impressions,
                           threshold_for_fmr ((double *) (gpointer) impostor->data, impostor->len, 1e-4));

  for (guint f = 0; f < n_fingers; f++)
    {
      for (guint k = 0; k < n_impressions; k++)
        {
          g_clear_pointer (&jobs[f].templates[k], idem_finger_template_unref);
          g_clear_pointer (&jobs[f].minutiae[k], idem_minutiae_unref);
        }
      g_free (jobs[f].templates);
      g_free (jobs[f].minutiae);
      g_free (jobs[f].n_minutiae);
    }
}

static IdemFingerTemplate *
template_from_iso (const char  *path,
                   GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(IdemFingerImage) image = NULL;
  g_autoptr(IdemMinutiae) minutiae = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  image = idem_finger_image_decode_iso (bytes, error);
  if (image == NULL)
    return NULL;
  minutiae = idem_minutiae_extract_from_image (image, error);
  if (minutiae == NULL)
    return NULL;

  return idem_finger_template_new (minutiae, image->position, error);
}

static const char *mosip_fingers[] = {
  "Left_Thumb", "Left_Index", "Left_Middle", "Left_Ring", "Left_Little",
  "Right_Thumb", "Right_Index", "Right_Middle", "Right_Ring", "Right_Little",
};

static void
mosip_accuracy (const char *shared_dir)
{
  const struct { const char *profile; const char *prefix; } profiles[] = {
    { "Default", "" },
    { "Automatic", "0001" },
  };

  g_print ("MOSIP ISO/IEC 19794-4 samples (JPEG 2000; Registration x Auth of each profile):\n");
  for (guint p = 0; p < G_N_ELEMENTS (profiles); p++)
    {
      IdemFingerTemplate *registration[G_N_ELEMENTS (mosip_fingers)] = { NULL };
      IdemFingerTemplate *auth[G_N_ELEMENTS (mosip_fingers)] = { NULL };
      double genuine_min = INFINITY, impostor_max = 0.0;
      guint n_genuine = 0, n_impostor = 0, genuine_ok = 0, impostor_ok = 0;

      for (guint f = 0; f < G_N_ELEMENTS (mosip_fingers); f++)
        {
          g_autofree char *name = g_strdup_printf ("%s%s.iso", profiles[p].prefix, mosip_fingers[f]);
          g_autofree char *reg_path = g_build_filename (shared_dir, "biometrics", "mosip-iso-samples", "Profile",
                                                        profiles[p].profile, "Registration", name, NULL);
          g_autofree char *auth_path = g_build_filename (shared_dir, "biometrics", "mosip-iso-samples", "Profile",
                                                         profiles[p].profile, "Auth", name, NULL);
          g_autoptr(GError) reg_error = NULL;
          g_autoptr(GError) auth_error = NULL;

          registration[f] = template_from_iso (reg_path, &reg_error);
          auth[f] = template_from_iso (auth_path, &auth_error);
          if (reg_error || auth_error)
            g_print ("  %s %s: %s\n", profiles[p].profile, name, (reg_error ? reg_error : auth_error)->message);
        }

      for (guint r = 0; r < G_N_ELEMENTS (mosip_fingers); r++)
        for (guint a = 0; a < G_N_ELEMENTS (mosip_fingers); a++)
          {
            double s;

            if (!registration[r] || !auth[a])
              continue;
            s = idem_finger_template_compare (auth[a], registration[r]);
            if (r == a)
              {
                n_genuine++;
                genuine_ok += s >= IDEM_FINGERPRINT_MATCH_THRESHOLD;
                genuine_min = MIN (genuine_min, s);
                g_print ("  %s %-12s genuine score %6.1f\n", profiles[p].profile, mosip_fingers[r], s);
              }
            else
              {
                n_impostor++;
                impostor_ok += s < IDEM_FINGERPRINT_MATCH_THRESHOLD;
                impostor_max = MAX (impostor_max, s);
              }
          }
      g_print ("  %s: genuine matched %u/%u (lowest %.1f), different fingers rejected %u/%u (highest %.1f)\n",
               profiles[p].profile, genuine_ok, n_genuine, genuine_min, impostor_ok, n_impostor, impostor_max);

      for (guint f = 0; f < G_N_ELEMENTS (mosip_fingers); f++)
        {
          g_clear_pointer (&registration[f], idem_finger_template_unref);
          g_clear_pointer (&auth[f], idem_finger_template_unref);
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  int n_fingers = 500;
  int n_impressions = 4;
  gboolean skip_mosip = FALSE;
  g_autofree char *cache = NULL;
  GOptionEntry entries[] = {
    { "minutiae-cache", 0, 0, G_OPTION_ARG_FILENAME, &cache, "Keep extracted minutiae in this file", "FILE" },
    { "fingers", 0, 0, G_OPTION_ARG_INT, &n_fingers, "Synthetic fingers", "N" },
    { "impressions", 0, 0, G_OPTION_ARG_INT, &n_impressions, "Impressions a finger", "K" },
    { "skip-mosip", 0, 0, G_OPTION_ARG_NONE, &skip_mosip, "Leave out the MOSIP samples", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  const char *shared_dir = g_getenv ("IDEM_SHARED_DIR");

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || n_fingers < 2 || n_impressions < 2)
    {
      g_printerr ("%s\n", error ? error->message : "need at least 2 fingers and 2 impressions");
      return 2;
    }

  synthetic_accuracy (n_fingers, n_impressions, cache);
  if (!skip_mosip && shared_dir != NULL)
    mosip_accuracy (shared_dir);
  else if (!skip_mosip)
    g_print ("MOSIP samples: IDEM_SHARED_DIR is not set, skipped\n");

  return 0;
}
