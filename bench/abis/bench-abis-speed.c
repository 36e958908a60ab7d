/* bench-abis-speed.c — matcher and gallery speed
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Real templates: NBIS minutiae of synthetic finger images (tests/support).
 * The large gallery: 100 000 persons x 2 fingers whose minutiae are drawn
 * directly (synthetic_minutiae_random(): realistic spacing and ridge-flow
 * directions, microseconds each), plus one person enrolled from real
 * images; the probe is two other impressions of that person's fingers.
 *
 * A comparison is one decision on one probe finger against one enrolled
 * finger at the same position, whether the candidate pre-filter turns it
 * away or the full matcher scores it (as fingerprint ABIS vendors count).
 * Identification is timed with the pre-filter and without it (every
 * decision a full comparison).  Drawn fingers pass the pre-filter less
 * often than extracted ones, so the bench also projects the search time
 * for the pass rate measured on the NBIS impostor pairs.
 *
 *   bench-abis-speed [--persons N] [--workers W]
 */

#include "config.h"

#include <idem.h>
#include <idem-minutiae-extract.h>
#include <synthetic-finger.h>

#include <stdio.h>
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

/* Returns the best CPU time of @runs searches (see the top of the file for
 * what a comparison is). */
static double
time_identify (IdemFingerprintGallery *gallery,
               IdemFingerTemplate    **second,
               int                     n_persons,
               guint                   runs,
               gboolean                prefilter)
{
  double best = G_MAXDOUBLE, worst = 0.0, best_cpu = G_MAXDOUBLE;
  guint found_first = 0;
  const char *label = prefilter ? "with the pre-filter" : "full matcher only";

  for (guint run = 0; run < runs; run++)
    {
      IdemFingerTemplate *probe[2] = { second[0], second[1] };
      g_autoptr(GPtrArray) candidates = NULL;
      double cpu_start = process_cpu_seconds ();
      gint64 start = g_get_monotonic_time ();
      double elapsed;

      candidates = idem_fingerprint_gallery_identify (gallery, probe, 2, 10, 0.0, NULL);
      elapsed = (g_get_monotonic_time () - start) / 1e6;
      best_cpu = MIN (best_cpu, process_cpu_seconds () - cpu_start);
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

  return best_cpu;
}

int
main (int   argc,
      char *argv[])
{
  int n_persons = 100000;
  int n_workers = 0;
  GOptionEntry entries[] = {
    { "persons", 0, 0, G_OPTION_ARG_INT, &n_persons, "Persons in the gallery", "N" },
    { "workers", 0, 0, G_OPTION_ARG_INT, &n_workers, "Identification threads (0: one a processor)", "W" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(IdemFingerprintGallery) gallery = NULL;
  IdemFingerTemplate *first[N_REAL_FINGERS], *second[N_REAL_FINGERS];
  g_autoptr(GPtrArray) random_templates = NULL;
  gint64 start;
  double elapsed;
  gsize rss_before, rss_after;
  guint runs = 5, sampled = 0, passed = 0;
  double drawn_pass, nbis_pass, with_index, full_only, per_comparison, projected;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || n_persons < 1)
    {
      g_printerr ("%s\n", error ? error->message : "need at least one person");
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

  /* Templates are compiled first, then inserted, so both rates show. */
  rss_before = resident_bytes ();
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

  /* How many of these the pre-filter lets through to the full matcher. */
  for (guint t = 0; t < MIN (random_templates->len, 20000); t++)
    {
      IdemFingerTemplate *enrolled = g_ptr_array_index (random_templates, t);

      sampled++;
      passed += idem_finger_template_prefilter_passes (second[t % 2], enrolled);
    }
  g_print ("Pre-filter: %u of %u drawn gallery fingers (%.2f %%) pass on to the full matcher\n",
           passed, sampled, 100.0 * passed / MAX (1, sampled));
  drawn_pass = (double) passed / MAX (1, sampled);
  /* Drawn fingers are easier to turn away than extracted ones: the same
   * figure on the NBIS templates, each first impression against the others. */
  sampled = passed = 0;
  for (guint a = 0; a < N_REAL_FINGERS; a++)
    for (guint b = 0; b < N_REAL_FINGERS; b++)
      if (a != b && first[a] && first[b])
        {
          sampled++;
          passed += idem_finger_template_prefilter_passes (first[a], first[b]);
        }
  g_print ("Pre-filter: %u of %u NBIS impostor pairs (%.2f %%) pass on to the full matcher\n",
           passed, sampled, 100.0 * passed / MAX (1, sampled));
  nbis_pass = (double) passed / MAX (1, sampled);

  gallery = idem_fingerprint_gallery_new (n_workers);
  start = g_get_monotonic_time ();
  for (int p = 0; p < n_persons - 1; p++)
    {
      g_autofree char *reference = g_strdup_printf ("person-%07d", p);

      idem_fingerprint_gallery_insert (gallery, reference,
                                       (IdemFingerTemplate * const *) random_templates->pdata + 2 * p, 2, NULL);
    }
  {
    IdemFingerTemplate *target[2] = { first[0], first[1] };

    idem_fingerprint_gallery_insert (gallery, "target", target, 2, NULL);
  }
  elapsed = (g_get_monotonic_time () - start) / 1e6;
  g_ptr_array_set_size (random_templates, 0);
  rss_after = resident_bytes ();
  g_print ("Gallery insert: %d persons x 2 fingers in %.2f s, %.0f persons/s\n",
           n_persons, elapsed, n_persons / elapsed);
  g_print ("Gallery memory: %.0f bytes a compiled template and %.0f bytes of pre-filter index entry a finger on average;"
           " resident set grew %.0f bytes a finger (allocator and person records included)\n",
           (double) idem_fingerprint_gallery_get_template_bytes (gallery) / (2.0 * n_persons),
           (double) idem_fingerprint_gallery_get_index_bytes (gallery) / (2.0 * n_persons),
           (double) (rss_after - rss_before) / (2.0 * n_persons));

  with_index = time_identify (gallery, second, n_persons, runs, TRUE);
  idem_fingerprint_gallery_set_prefilter (gallery, FALSE);
  full_only = time_identify (gallery, second, n_persons, runs, FALSE);

  /* The drawn gallery flatters the pre-filter; with extracted fingers
   * more pass, and each costs a full comparison. */
  per_comparison = full_only / (2.0 * n_persons);
  projected = with_index + (nbis_pass - drawn_pass) * 2.0 * n_persons * per_comparison;
  g_print ("Identify CPU time projected for a gallery of extracted fingers (%.2f %% passing, as the NBIS impostors):"
           " %.3f CPU s a search; on %u otherwise idle cores %.3f s and %.0f comparisons/s\n",
           100.0 * nbis_pass, projected, g_get_num_processors (), projected / g_get_num_processors (),
           2.0 * n_persons * g_get_num_processors () / projected);

  for (guint f = 0; f < N_REAL_FINGERS; f++)
    {
      g_clear_pointer (&first[f], idem_finger_template_unref);
      g_clear_pointer (&second[f], idem_finger_template_unref);
    }

  return 0;
}
