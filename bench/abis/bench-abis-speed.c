/* bench-abis-speed.c — matcher and gallery speed
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Real templates: NBIS minutiae of synthetic finger images (tests/support).
 * The probe is two impressions of one person's fingers; other impressions
 * of them, also extracted, are that person's enrolled fingers (the true
 * mate), put at a random place among 100 000 persons x 2 fingers.  Two
 * galleries, one after the other (--gallery picks one):
 *
 *  - drawn: minutiae drawn directly (synthetic_minutiae_random(): realistic
 *    spacing and ridge-flow directions, microseconds each).  They pass the
 *    candidate pre-filter less often than extracted fingers, so the bench
 *    also projects the search time for the pass rate measured on the NBIS
 *    impostor pairs;
 *  - extracted: every finger a distinct variant of one of a pool of NBIS
 *    templates (--pool synthetic fingers, one impression each, as
 *    bench-abis-accuracy extracts them): a random rigid move (turn within
 *    30 degrees either way, shift within 40 px), 10-25 % of the minutiae
 *    dropped (--max-dropout), small position and direction jitter and a few
 *    spurious minutiae.  The search time is measured on them, not
 *    projected.  The dropout thins the fingers, and thinner fingers pass the
 *    pre-filter less often: the bench prints the pass rate of the pool as
 *    extracted beside the gallery's, and --max-dropout 0 keeps the density
 *    of extracted fingers, which brings the rate closer to theirs.
 *    Extracting the pool takes about 0.2 s a finger; --minutiae-cache keeps
 *    it in bench-abis-accuracy's cache format (read when present, written
 *    when absent; a cache of that bench with the same number of fingers
 *    serves as well).
 *
 * A comparison, or decision, is one decision on one probe finger against
 * one enrolled finger at the same position, whether the candidate
 * pre-filter turns it away or the full matcher scores it (as fingerprint
 * ABIS vendors count): two a person here.  Identification is timed with the
 * pre-filter and without it (every decision a full comparison); lines of
 * the extracted gallery say so in their label.  The "Identify median" lines
 * give the median of the runs, wall clock and CPU time, and where the true
 * person ranked.  The second gallery is built once the first is freed, so
 * its resident-set growth is flattered by the memory the first gave back.
 *
 *   bench-abis-speed [--persons N] [--workers W] [--runs R]
 *                    [--gallery drawn|extracted|both] [--pool F]
 *                    [--minutiae-cache FILE] [--cache-impressions K]
 *                    [--max-dropout P]
 */

#include "config.h"

#include <idem.h>
#include <idem-minutiae-extract.h>
#include <synthetic-finger.h>

#include "minutiae-cache.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define N_REAL_FINGERS 24

static IdemFingerTemplate *
real_template (guint finger,
               guint impression,
               guint position)
{
  g_autoptr(SyntheticFinger) master = synthetic_finger_new (100000 + finger, finger % SYNTHETIC_FINGER_N_CLASSES);
  g_autoptr(IdemMinutiae) minutiae = NULL;
  g_autofree guint8 *pixels = NULL;
  SyntheticImpressionParams params;
  guint32 seed = (100000 + finger) * 64 + impression;

  synthetic_finger_random_impression (seed, &params);
  pixels = synthetic_finger_render (master, seed, &params);
  minutiae = idem_minutiae_extract (pixels, SYNTHETIC_FINGER_WIDTH, SYNTHETIC_FINGER_HEIGHT, 500, NULL);
  if (minutiae == NULL)
    return NULL;

  return idem_finger_template_new (minutiae, position, NULL);
}

static gsize
resident_bytes (void)
{
  unsigned long pages = 0, resident = 0;
  FILE *statm = fopen ("/proc/self/statm", "r");

  if (statm == NULL)
    return 0;
  if (fscanf (statm, "%lu %lu", &pages, &resident) != 2)
    resident = 0;
  fclose (statm);

  return (gsize) resident * sysconf (_SC_PAGESIZE);
}

/* CPU seconds this process has used, all threads: the machine is shared,
 * so wall-clock figures alone would measure the neighbours too. */
static double
process_cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);

  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec
         + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

static double
thread_cpu_seconds (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);

  return now.tv_sec + now.tv_nsec / 1e9;
}

static void
one_to_one (IdemFingerTemplate **first,
            IdemFingerTemplate **second)
{
  guint64 comparisons = 0;
  double start = thread_cpu_seconds ();
  double elapsed, sink = 0.0;

  /* Impostors: first impressions of different fingers.  Timed in this
   * thread's CPU time, which the neighbours on a shared machine do not eat. */
  do
    {
      for (guint a = 0; a < N_REAL_FINGERS; a++)
        for (guint b = 0; b < N_REAL_FINGERS; b++)
          if (a != b && first[a] && first[b])
            {
              sink += idem_finger_template_compare (first[a], first[b]);
              comparisons++;
            }
    }
  while (thread_cpu_seconds () - start < 1.0);
  elapsed = thread_cpu_seconds () - start;
  g_print ("1:1 impostor comparisons (NBIS templates), one thread: %.0f per CPU second (%.2f us each)\n",
           comparisons / elapsed, 1e6 * elapsed / comparisons);

  comparisons = 0;
  start = thread_cpu_seconds ();
  do
    {
      for (guint a = 0; a < N_REAL_FINGERS; a++)
        if (first[a] && second[a])
          {
            sink += idem_finger_template_compare (second[a], first[a]);
            comparisons++;
          }
    }
  while (thread_cpu_seconds () - start < 1.0);
  elapsed = thread_cpu_seconds () - start;
  g_print ("1:1 genuine comparisons (NBIS templates), one thread: %.0f per CPU second (%.2f us each)\n",
           comparisons / elapsed, 1e6 * elapsed / comparisons);
  if (sink < 0)
    g_print ("%f\n", sink);
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof (double), compare_doubles);

  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

/* Returns the best CPU time of @runs searches (see the top of the file for
 * what a comparison is). */
static double
time_identify (IdemFingerprintGallery *gallery,
               IdemFingerTemplate    **second,
               int                     n_persons,
               guint                   runs,
               gboolean                prefilter,
               const char             *gallery_name)
{
  double best = G_MAXDOUBLE, worst = 0.0, best_cpu = G_MAXDOUBLE;
  g_autofree double *walls = g_new (double, runs);
  g_autofree double *cpus = g_new (double, runs);
  guint found_first = 0;
  int first_rank = 0;
  g_autofree char *label = g_strdup_printf ("%s%s%s", prefilter ? "with the pre-filter" : "full matcher only",
                                            gallery_name ? ", " : "", gallery_name ? gallery_name : "");
  g_autofree char *rank = NULL;
  double wall_median, cpu_median;

  for (guint run = 0; run < runs; run++)
    {
      IdemFingerTemplate *probe[2] = { second[0], second[1] };
      g_autoptr(GPtrArray) candidates = NULL;
      double cpu_start = process_cpu_seconds ();
      gint64 start = g_get_monotonic_time ();
      double elapsed;

      candidates = idem_fingerprint_gallery_identify (gallery, probe, 2, 10, 0.0, NULL);
      elapsed = (g_get_monotonic_time () - start) / 1e6;
      cpus[run] = process_cpu_seconds () - cpu_start;
      walls[run] = elapsed;
      best_cpu = MIN (best_cpu, cpus[run]);
      best = MIN (best, elapsed);
      worst = MAX (worst, elapsed);
      if (candidates->len > 0
          && g_str_equal (((IdemFingerprintCandidate *) g_ptr_array_index (candidates, 0))->reference_id, "target"))
        found_first++;
      if (run == 0)
        {
          g_print ("Identify result (%s): %u candidates above 0;", label, candidates->len);
          for (guint c = 0; c < MIN (candidates->len, 3); c++)
            {
              IdemFingerprintCandidate *candidate = g_ptr_array_index (candidates, c);

              g_print (" %s %.1f", candidate->reference_id, candidate->score);
            }
          g_print ("\n");
          for (guint c = 0; c < candidates->len && first_rank == 0; c++)
            if (g_str_equal (((IdemFingerprintCandidate *) g_ptr_array_index (candidates, c))->reference_id, "target"))
              first_rank = c + 1;
        }
    }
  g_print ("Identify (%s), 2-finger probe against %d persons x 2 fingers, %u workers: best %.3f s, worst %.3f s of %u runs"
           " (wall clock); %.0f finger comparisons/s; true person first in %u/%u\n",
           label, n_persons, idem_fingerprint_gallery_get_n_workers (gallery), best, worst, runs,
           2.0 * n_persons / best, found_first, runs);
  g_print ("Identify CPU time (%s): %.3f CPU s a search, %.0f finger comparisons a CPU second;"
           " on %u otherwise idle cores that is %.3f s and %.0f comparisons/s\n",
           label, best_cpu, 2.0 * n_persons / best_cpu, g_get_num_processors (),
           best_cpu / g_get_num_processors (), 2.0 * n_persons * g_get_num_processors () / best_cpu);
  wall_median = median (walls, runs);
  cpu_median = median (cpus, runs);
  rank = first_rank ? g_strdup_printf ("%d", first_rank) : g_strdup ("none (not in the top 10)");
  g_print ("Identify median (%s), %u workers, %u runs: %.3f s wall clock, %.3f CPU s a search;"
           " %.0f decisions/s (wall clock), %.0f a CPU second; true person at rank %s\n",
           label, idem_fingerprint_gallery_get_n_workers (gallery), runs, wall_median, cpu_median,
           2.0 * n_persons / wall_median, 2.0 * n_persons / cpu_median, rank);

  return best_cpu;
}

/* Pool of extracted fingers for the realistic gallery: impression 0 of
 * bench-abis-accuracy's fingers 0 .. F-1 (the same seeds). */
typedef struct
{
  guint         finger;
  IdemMinutiae *minutiae;
} PoolJob;

static void
pool_job_cb (gpointer data,
             gpointer user_data)
{
  PoolJob *job = data;
  g_autoptr(SyntheticFinger) finger = synthetic_finger_new (job->finger + 1, job->finger % SYNTHETIC_FINGER_N_CLASSES);
  guint32 seed = (job->finger + 1) * 64;
  SyntheticImpressionParams params;
  g_autofree guint8 *pixels = NULL;

  synthetic_finger_random_impression (seed, &params);
  pixels = synthetic_finger_render (finger, seed, &params);
  job->minutiae = idem_minutiae_extract (pixels, SYNTHETIC_FINGER_WIDTH, SYNTHETIC_FINGER_HEIGHT, 500, NULL);
}

/* bench-abis-accuracy's cache of every impression; the pool takes each
 * finger's first that extraction did not fail on. */
static gboolean
load_pool_cache (const char *path,
                 PoolJob    *jobs,
                 guint       n_fingers,
                 guint       n_impressions)
{
  guint n_slots = n_fingers * n_impressions;
  g_autofree IdemMinutiae **minutiae = g_new0 (IdemMinutiae *, n_slots);

  if (!minutiae_cache_load (path, minutiae, n_fingers, n_impressions))
    return FALSE;
  for (guint slot = 0; slot < n_slots; slot++)
    {
      PoolJob *job = &jobs[slot / n_impressions];

      if (job->minutiae == NULL)
        job->minutiae = g_steal_pointer (&minutiae[slot]);
      else
        g_clear_pointer (&minutiae[slot], idem_minutiae_unref);
    }

  return TRUE;
}

/* Written in the same format, with the other impressions empty. */
static void
save_pool_cache (const char *path,
                 PoolJob    *jobs,
                 guint       n_fingers,
                 guint       n_impressions)
{
  g_autofree IdemMinutiae **minutiae = g_new0 (IdemMinutiae *, n_fingers * n_impressions);

  for (guint f = 0; f < n_fingers; f++)
    minutiae[f * n_impressions] = jobs[f].minutiae;
  minutiae_cache_save (path, minutiae, n_fingers, n_impressions);
}

/* Returns the pool's templates (those extraction gave enough minutiae). */
static GPtrArray *
extracted_pool (guint       n_fingers,
                const char *cache,
                guint       n_impressions)
{
  g_autofree PoolJob *jobs = g_new0 (PoolJob, n_fingers);
  GPtrArray *pool = g_ptr_array_new_with_free_func ((GDestroyNotify) idem_minutiae_unref);
  gint64 start = g_get_monotonic_time ();
  const char *source = "extracted";

  for (guint f = 0; f < n_fingers; f++)
    jobs[f].finger = f;
  if (cache != NULL && load_pool_cache (cache, jobs, n_fingers, n_impressions))
    source = "read from the cache";
  else
    {
      GThreadPool *threads = g_thread_pool_new (pool_job_cb, NULL, g_get_num_processors (), TRUE, NULL);

      for (guint f = 0; f < n_fingers; f++)
        {
          g_clear_pointer (&jobs[f].minutiae, idem_minutiae_unref);
          g_thread_pool_push (threads, &jobs[f], NULL);
        }
      g_thread_pool_free (threads, FALSE, TRUE);
      /* A cache of other fingers is left alone rather than overwritten. */
      if (cache != NULL && !g_file_test (cache, G_FILE_TEST_EXISTS))
        save_pool_cache (cache, jobs, n_fingers, n_impressions);
      else if (cache != NULL)
        g_printerr ("%s holds other fingers; it was not used and is left as it is\n", cache);
    }
  for (guint f = 0; f < n_fingers; f++)
    if (jobs[f].minutiae != NULL && idem_minutiae_get_count (jobs[f].minutiae) >= IDEM_MINUTIAE_MIN)
      g_ptr_array_add (pool, g_steal_pointer (&jobs[f].minutiae));
    else
      g_clear_pointer (&jobs[f].minutiae, idem_minutiae_unref);
  g_print ("Pool of extracted fingers: %u of %u synthetic fingers (NBIS, one impression each) %s in %.1f s\n",
           pool->len, n_fingers, source, (g_get_monotonic_time () - start) / 1e6);

  return pool;
}

/* One gallery finger from a pool finger: turned about its centre and
 * shifted, some minutiae dropped, the rest jittered (1.5 px), a few
 * spurious ones added.  Minutiae moved off the image are lost, as on a
 * capture. */
static IdemMinutiae *
variant_minutiae (IdemMinutiae *source,
                  GRand        *rand,
                  gboolean      steps_of_8,
                  double        max_dropout)
{
  guint n = 0, width = idem_minutiae_get_width (source), height = idem_minutiae_get_height (source);
  const IdemMinutia *all = idem_minutiae_get_all (source, &n);
  IdemMinutiae *out = idem_minutiae_new (width, height, idem_minutiae_get_resolution (source));
  double turn = g_rand_double_range (rand, -30.0, 30.0) / 360.0;
  double cos_t = cos (2 * G_PI * turn), sin_t = sin (2 * G_PI * turn);
  double shift_x = g_rand_double_range (rand, -40.0, 40.0);
  double shift_y = g_rand_double_range (rand, -40.0, 40.0);
  double dropout = g_rand_double_range (rand, MIN (0.10, max_dropout), max_dropout);
  double centre_x = 0.0, centre_y = 0.0, min_x = width, min_y = height, max_x = 0.0, max_y = 0.0;
  guint spurious = g_rand_int_range (rand, 2, 6);

  for (guint i = 0; i < n; i++)
    {
      centre_x += all[i].x / (double) n;
      centre_y += all[i].y / (double) n;
    }
  for (guint i = 0; i < n; i++)
    {
      IdemMinutia m = all[i];
      double dx = all[i].x - centre_x, dy = all[i].y - centre_y;
      double x = centre_x + cos_t * dx - sin_t * dy + shift_x + g_rand_double_range (rand, -1.5, 1.5);
      double y = centre_y + sin_t * dx + cos_t * dy + shift_y + g_rand_double_range (rand, -1.5, 1.5);
      double angle = all[i].angle + 256.0 * turn;

      if (g_rand_double (rand) < dropout || x < 0 || y < 0 || x > width - 1 || y > height - 1)
        continue;
      /* Direction jitter: back to NBIS's steps after the turn (up to half
       * a step either way), or as much when the pool has no steps. */
      if (steps_of_8)
        angle = 8.0 * lrint (angle / 8.0);
      else
        angle += g_rand_double_range (rand, -4.0, 4.0);
      m.x = (guint16) lrint (x);
      m.y = (guint16) lrint (y);
      m.angle = (guint8) (lrint (angle) & 255);
      idem_minutiae_add (out, &m, NULL);
      min_x = MIN (min_x, x);
      min_y = MIN (min_y, y);
      max_x = MAX (max_x, x);
      max_y = MAX (max_y, y);
    }
  /* Spurious minutiae, anywhere within the finger's extent. */
  for (guint i = 0; i < spurious && max_x > min_x && max_y > min_y; i++)
    {
      IdemMinutia m;
      double angle = g_rand_double_range (rand, 0.0, 256.0);

      if (steps_of_8)
        angle = 8.0 * lrint (angle / 8.0);
      m.x = (guint16) lrint (g_rand_double_range (rand, min_x, max_x));
      m.y = (guint16) lrint (g_rand_double_range (rand, min_y, max_y));
      m.angle = (guint8) (lrint (angle) & 255);
      m.type = g_rand_boolean (rand) ? IDEM_MINUTIA_ENDING : IDEM_MINUTIA_BIFURCATION;
      m.quality = g_rand_int_range (rand, 5, 40);
      idem_minutiae_add (out, &m, NULL);
    }

  return out;
}

/* How many of @templates (two a person) the pre-filter lets through to
 * the full matcher: 20 000 fingers spread over them, against the probe
 * finger at the same position. */
static double
prefilter_pass_rate (GPtrArray           *templates,
                     IdemFingerTemplate **second,
                     const char          *what)
{
  guint sampled = 0, passed = 0, stride = MAX (1, templates->len / 20000);

  for (guint t = 0; t < templates->len; t += stride)
    {
      IdemFingerTemplate *enrolled = g_ptr_array_index (templates, t);

      sampled++;
      passed += idem_finger_template_prefilter_passes (second[t % 2], enrolled);
    }
  g_print ("Pre-filter: %u of %u %s gallery fingers (%.2f %%) pass on to the full matcher\n",
           passed, sampled, what, 100.0 * passed / MAX (1, sampled));

  return (double) passed / MAX (1, sampled);
}

/* Inserts @templates (two a person, the true person's @target at a random
 * place), then times identification; @with_index and @full_only get the
 * best CPU seconds of a search with and without the pre-filter. */
static void
measure_gallery (GPtrArray           *templates,
                 IdemFingerTemplate **target,
                 IdemFingerTemplate **second,
                 int                  n_persons,
                 int                  n_workers,
                 guint                runs,
                 const char          *gallery_name,
                 double              *with_index,
                 double              *full_only)
{
  g_autoptr(IdemFingerprintGallery) gallery = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (n_persons ^ 0x7a3c);
  int target_at = g_rand_int_range (rand, 0, n_persons);
  gsize rss_before, rss_after;
  gint64 start;
  double elapsed;

  rss_before = resident_bytes ();
  gallery = idem_fingerprint_gallery_new (n_workers);
  start = g_get_monotonic_time ();
  for (int p = 0, other = 0; p < n_persons; p++)
    {
      g_autofree char *reference = NULL;

      if (p == target_at)
        {
          idem_fingerprint_gallery_insert (gallery, "target", target, 2, NULL);
          continue;
        }
      reference = g_strdup_printf ("person-%07d", other);
      idem_fingerprint_gallery_insert (gallery, reference,
                                       (IdemFingerTemplate * const *) templates->pdata + 2 * other, 2, NULL);
      other++;
    }
  elapsed = (g_get_monotonic_time () - start) / 1e6;
  g_ptr_array_set_size (templates, 0);
  rss_after = resident_bytes ();
  g_print ("Gallery insert: %d persons x 2 fingers in %.2f s, %.0f persons/s\n",
           n_persons, elapsed, n_persons / elapsed);
  g_print ("True person enrolled as person %d of %d\n", target_at + 1, n_persons);
  g_print ("Gallery memory: %.0f bytes a compiled template and %.0f bytes of pre-filter index entry a finger on average;"
           " resident set grew %.0f bytes a finger (allocator and person records included)\n",
           (double) idem_fingerprint_gallery_get_template_bytes (gallery) / (2.0 * n_persons),
           (double) idem_fingerprint_gallery_get_index_bytes (gallery) / (2.0 * n_persons),
           (double) (rss_after - rss_before) / (2.0 * n_persons));

  *with_index = time_identify (gallery, second, n_persons, runs, TRUE, gallery_name);
  idem_fingerprint_gallery_set_prefilter (gallery, FALSE);
  *full_only = time_identify (gallery, second, n_persons, runs, FALSE, gallery_name);
}

static void
drawn_gallery (IdemFingerTemplate **first,
               IdemFingerTemplate **second,
               int                  n_persons,
               int                  n_workers,
               guint                runs)
{
  IdemFingerTemplate *target[2] = { first[0], first[1] };
  g_autoptr(GPtrArray) random_templates = NULL;
  guint sampled = 0, passed = 0;
  gint64 start;
  double elapsed, drawn_pass, nbis_pass, with_index, full_only, per_comparison, projected;

  /* Templates are compiled first, then inserted, so both rates show. */
  start = g_get_monotonic_time ();
  random_templates = g_ptr_array_new_with_free_func ((GDestroyNotify) idem_finger_template_unref);
  for (int p = 0; p < n_persons - 1; p++)
    for (guint f = 0; f < 2; f++)
      {
        g_autoptr(IdemMinutiae) minutiae = synthetic_minutiae_random (p * 2 + f);

        g_ptr_array_add (random_templates, idem_finger_template_new (minutiae, f ? 7 : 2, NULL));
      }
  elapsed = (g_get_monotonic_time () - start) / 1e6;
  g_print ("Template compilation (drawing minutiae included): %.0f templates/s\n",
           random_templates->len / elapsed);

  drawn_pass = prefilter_pass_rate (random_templates, second, "drawn");
  /* Drawn fingers are easier to turn away than extracted ones: the same
   * figure on the NBIS templates, each first impression against the others. */
  for (guint a = 0; a < N_REAL_FINGERS; a++)
    for (guint b = 0; b < N_REAL_FINGERS; b++)
      if (a != b && first[a] && first[b])
        {
          sampled++;
          passed += idem_finger_template_prefilter_passes (first[a], first[b]);
        }
  nbis_pass = (double) passed / MAX (1, sampled);

  g_print ("Pre-filter: %u of %u NBIS impostor pairs (%.2f %%) pass on to the full matcher\n",
           passed, sampled, 100.0 * nbis_pass);
  measure_gallery (random_templates, target, second, n_persons, n_workers, runs, NULL, &with_index, &full_only);

  /* The drawn gallery flatters the pre-filter; with extracted fingers
   * more pass, and each costs a full comparison. */
  per_comparison = full_only / (2.0 * n_persons);
  projected = with_index + (nbis_pass - drawn_pass) * 2.0 * n_persons * per_comparison;
  g_print ("Identify CPU time projected for a gallery of extracted fingers (%.2f %% passing, as the NBIS impostors):"
           " %.3f CPU s a search; on %u otherwise idle cores %.3f s and %.0f comparisons/s\n",
           100.0 * nbis_pass, projected, g_get_num_processors (), projected / g_get_num_processors (),
           2.0 * n_persons * g_get_num_processors () / projected);
}

static void
extracted_gallery (IdemFingerTemplate **first,
                   IdemFingerTemplate **second,
                   int                  n_persons,
                   int                  n_workers,
                   guint                runs,
                   guint                n_pool,
                   const char          *cache,
                   guint                cache_impressions,
                   double               max_dropout)
{
  IdemFingerTemplate *target[2] = { first[0], first[1] };
  g_autoptr(GPtrArray) pool = extracted_pool (n_pool, cache, cache_impressions);
  g_autoptr(GPtrArray) templates = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (0x1dea);
  gboolean steps_of_8 = TRUE;
  guint64 pool_minutiae = 0, gallery_minutiae = 0;
  gint64 start;
  double elapsed, with_index, full_only;

  if (pool->len == 0)
    {
      g_printerr ("No extracted finger in the pool\n");
      return;
    }
  /* NBIS gives directions in steps of 8/256 of a turn; variants keep to
   * them when the pool does. */
  for (guint i = 0; i < pool->len; i++)
    {
      guint n = 0;
      const IdemMinutia *all = idem_minutiae_get_all (g_ptr_array_index (pool, i), &n);

      pool_minutiae += n;
      for (guint m = 0; m < n; m++)
        steps_of_8 = steps_of_8 && all[m].angle % 8 == 0;
    }

  /* The pool as extracted, for comparison: every finger against both
   * probe fingers. */
  templates = g_ptr_array_new_with_free_func ((GDestroyNotify) idem_finger_template_unref);
  for (guint i = 0; i < pool->len; i++)
    for (guint f = 0; f < 2; f++)
      g_ptr_array_add (templates, idem_finger_template_new (g_ptr_array_index (pool, i), f ? 7 : 2, NULL));
  prefilter_pass_rate (templates, second, "unaltered pool");
  g_ptr_array_set_size (templates, 0);

  start = g_get_monotonic_time ();
  for (int p = 0; p < n_persons - 1; p++)
    for (guint f = 0; f < 2; f++)
      {
        IdemFingerTemplate *template = NULL;

        while (template == NULL)
          {
            IdemMinutiae *source = g_ptr_array_index (pool, g_rand_int_range (rand, 0, pool->len));
            g_autoptr(IdemMinutiae) minutiae = variant_minutiae (source, rand, steps_of_8, max_dropout / 100.0);

            template = idem_finger_template_new (minutiae, f ? 7 : 2, NULL);
            if (template != NULL)
              gallery_minutiae += idem_minutiae_get_count (minutiae);
          }
        g_ptr_array_add (templates, template);
      }
  elapsed = (g_get_monotonic_time () - start) / 1e6;
  g_print ("Extracted gallery: %u variants of %u pool fingers, %.1f minutiae on average (the pool %.1f);"
           " template compilation (variants included): %.0f templates/s\n",
           templates->len, pool->len, (double) gallery_minutiae / MAX (1, templates->len),
           (double) pool_minutiae / pool->len, templates->len / elapsed);

  prefilter_pass_rate (templates, second, "extracted");
  measure_gallery (templates, target, second, n_persons, n_workers, runs, "extracted gallery", &with_index, &full_only);
}

int
main (int   argc,
      char *argv[])
{
  int n_persons = 100000;
  int n_workers = 0;
  int runs = 5;
  int n_pool = 500;
  int cache_impressions = 4;
  double max_dropout = 25.0;
  g_autofree char *which = NULL;
  g_autofree char *cache = NULL;
  GOptionEntry entries[] = {
    { "persons", 0, 0, G_OPTION_ARG_INT, &n_persons, "Persons in the gallery", "N" },
    { "workers", 0, 0, G_OPTION_ARG_INT, &n_workers, "Identification threads (0: one a processor)", "W" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Searches timed in each mode (5)", "R" },
    { "gallery", 0, 0, G_OPTION_ARG_STRING, &which, "drawn, extracted or both (the default)", "KIND" },
    { "pool", 0, 0, G_OPTION_ARG_INT, &n_pool, "Extracted fingers the extracted gallery is made from (500)", "F" },
    { "minutiae-cache", 0, 0, G_OPTION_ARG_FILENAME, &cache, "Keep the pool's extracted minutiae in this file", "FILE" },
    { "cache-impressions", 0, 0, G_OPTION_ARG_INT, &cache_impressions,
      "Impressions a finger in the cache, as bench-abis-accuracy --impressions (4)", "K" },
    { "max-dropout", 0, 0, G_OPTION_ARG_DOUBLE, &max_dropout,
      "Extracted gallery: at most this percentage of minutiae dropped (25; at least 10, or this when lower)", "P" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  IdemFingerTemplate *first[N_REAL_FINGERS], *second[N_REAL_FINGERS];
  gboolean drawn = TRUE, extracted = TRUE;
  gint64 start;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || n_persons < 1 || runs < 1 || n_pool < 1
      || cache_impressions < 1 || max_dropout < 0.0 || max_dropout > 90.0)
    {
      g_printerr ("%s\n", error ? error->message : "need at least one person, run, pool finger and impression");
      return 2;
    }
  if (which != NULL && g_str_equal (which, "drawn"))
    extracted = FALSE;
  else if (which != NULL && g_str_equal (which, "extracted"))
    drawn = FALSE;
  else if (which != NULL && !g_str_equal (which, "both"))
    {
      g_printerr ("--gallery is drawn, extracted or both\n");
      return 2;
    }

  start = g_get_monotonic_time ();
  for (guint f = 0; f < N_REAL_FINGERS; f++)
    {
      first[f] = real_template (f, 0, f % 2 ? 7 : 2);
      second[f] = real_template (f, 1, f % 2 ? 7 : 2);
    }
  g_print ("%u real templates (synthetic images, NBIS) in %.1f s; %u minutiae kept of the first, %" G_GSIZE_FORMAT " bytes compiled\n",
           2 * N_REAL_FINGERS, (g_get_monotonic_time () - start) / 1e6,
           idem_finger_template_get_n_minutiae (first[0]), idem_finger_template_get_size (first[0]));

  one_to_one (first, second);

  if (drawn)
    drawn_gallery (first, second, n_persons, n_workers, runs);
  if (extracted)
    extracted_gallery (first, second, n_persons, n_workers, runs, n_pool, cache, cache_impressions, max_dropout);

  for (guint f = 0; f < N_REAL_FINGERS; f++)
    {
      g_clear_pointer (&first[f], idem_finger_template_unref);
      g_clear_pointer (&second[f], idem_finger_template_unref);
    }

  return 0;
}
