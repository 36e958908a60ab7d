/* bench-abis-server.c — the server's built-in ABIS with a large gallery
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * What the server pays, on top of the matcher: sealing each person's
 * minutiae into SQLite at insert, unsealing and compiling them all at
 * start-up, and extracting the probe's minutiae from its CBEFF images.
 *
 * The gallery holds N persons x 2 fingers of drawn minutiae
 * (synthetic_minutiae_random(), as in bench-abis-speed) and one person
 * enrolled from NBIS minutiae of synthetic images; the probe is a CBEFF
 * document of two other impressions of that person's fingers.
 *
 *   bench-abis-server [--persons N]
 */

#include "config.h"

#include "srv-abis-builtin.h"
#include "srv-database.h"

#include <idem-minutiae-extract.h>
#include <synthetic-finger.h>

#include <glib/gstdio.h>
#include <stdio.h>
#include <unistd.h>

#define SINGLE_INSERTS 200

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

static GBytes *
finger_record (SyntheticFinger *finger,
               guint32          seed,
               guint            position)
{
  g_autoptr(GDateTime) captured = g_date_time_new_now_utc ();
  g_autoptr(GBytes) pixels = NULL;
  SyntheticImpressionParams params;
  IdemIso19794Image image = { 0 };

  synthetic_finger_random_impression (seed, &params);
  pixels = g_bytes_new_take (synthetic_finger_render (finger, seed, &params),
                             SYNTHETIC_FINGER_WIDTH * SYNTHETIC_FINGER_HEIGHT);
  image.finger_position = position;
  image.quality = -1;
  image.width = SYNTHETIC_FINGER_WIDTH;
  image.height = SYNTHETIC_FINGER_HEIGHT;
  image.horizontal_ppi = 500;
  image.vertical_ppi = 500;
  image.bit_depth = 8;
  image.format = IDEM_BIOMETRIC_IMAGE_FORMAT_RAW;
  image.image = pixels;

  return idem_iso19794_write (IDEM_ISO19794_FINGER, &image, captured, NULL);
}

static GBytes *
cbeff_of (GBytes *right,
          GBytes *left)
{
  g_autoptr(IdemBir) set = idem_bir_new ();
  GBytes *records[2] = { right, left };
  const char *subtypes[2] = { "Right IndexFinger", "Left IndexFinger" };

  idem_bir_set_version (set, 1, 1);
  idem_bir_set_cbeff_version (set, 1, 1);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(IdemBir) bir = idem_bir_new ();

      idem_bir_set_version (bir, 1, 1);
      idem_bir_set_cbeff_version (bir, 1, 1);
      idem_bir_set_biometric_type (bir, IDEM_BIOMETRIC_TYPE_FINGER);
      idem_bir_set_subtype (bir, subtypes[i]);
      idem_bir_set_format (bir, "Mosip", "7");
      idem_bir_set_bdb (bir, records[i]);
      idem_bir_add_child (set, bir);
    }

  return idem_cbeff_write (set, NULL);
}

static void
insert_random (SrvAbisBuiltin *abis,
               guint           person)
{
  g_autoptr(IdemMinutiae) right = synthetic_minutiae_random (2 * person);
  g_autoptr(IdemMinutiae) left = synthetic_minutiae_random (2 * person + 1);
  g_autofree char *reference = g_strdup_printf ("person-%07u", person);
  IdemMinutiae *fingers[2] = { right, left };
  const guint positions[2] = { 2, 7 };
  g_autoptr(GError) error = NULL;

  if (!srv_abis_builtin_insert_minutiae (abis, reference, fingers, positions, 2, &error))
    g_error ("insert %s: %s", reference, error->message);
}

int
main (int   argc,
      char *argv[])
{
  int n_persons = 100000;
  GOptionEntry entries[] = {
    { "persons", 0, 0, G_OPTION_ARG_INT, &n_persons, "Persons in the gallery", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp_dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(SrvDatabase) database = NULL;
  g_autoptr(SrvAbisBuiltin) abis = NULL;
  g_autoptr(SyntheticFinger) right = synthetic_finger_new (424242, SYNTHETIC_FINGER_WHORL);
  g_autoptr(SyntheticFinger) left = synthetic_finger_new (424243, SYNTHETIC_FINGER_LEFT_LOOP);
  g_autoptr(GBytes) enrolment = NULL;
  g_autoptr(GBytes) probe = NULL;
  SrvDataKeys keys;
  gsize rss_before;
  gint64 start;
  double elapsed;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || n_persons <= SINGLE_INSERTS)
    {
      g_printerr ("%s\n", error ? error->message : "need more persons than the single inserts");
      return 2;
    }

  tmp_dir = g_dir_make_tmp ("bench-abis-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (tmp_dir, "idem.db", NULL);
  database = srv_database_open (path, TRUE, &error);
  g_assert_no_error (error);
  srv_database_migrate (database, &error);
  g_assert_no_error (error);
  idem_crypto_random_bytes ((guint8 *) &keys, sizeof keys, NULL);
  abis = srv_abis_builtin_new (database, &keys, 0, &error);
  g_assert_no_error (error);

  {
    g_autoptr(GBytes) r = finger_record (right, 1, 2);
    g_autoptr(GBytes) l = finger_record (left, 2, 7);
    g_autoptr(GBytes) r2 = finger_record (right, 3, 2);
    g_autoptr(GBytes) l2 = finger_record (left, 4, 7);

    enrolment = cbeff_of (r, l);
    probe = cbeff_of (r2, l2);
  }

  start = g_get_monotonic_time ();
  if (!srv_abis_insert (SRV_ABIS (abis), "target", enrolment, &error))
    g_error ("%s", error->message);
  g_print ("Insert from CBEFF (2 fingers: decode, NBIS, seal, store): %.1f ms\n",
           (g_get_monotonic_time () - start) / 1e3);

  start = g_get_monotonic_time ();
  for (guint p = 0; p < SINGLE_INSERTS; p++)
    insert_random (abis, p);
  elapsed = (g_get_monotonic_time () - start) / 1e6;
  g_print ("Insert of extracted minutiae, one transaction each (durable, fsync): %.0f persons/s\n",
           SINGLE_INSERTS / elapsed);

  start = g_get_monotonic_time ();
  srv_database_exec (database, "BEGIN", NULL);
  for (guint p = SINGLE_INSERTS; p < (guint) n_persons - 1; p++)
    insert_random (abis, p);
  srv_database_exec (database, "COMMIT", NULL);
  elapsed = (g_get_monotonic_time () - start) / 1e6;
  g_print ("Insert of extracted minutiae in one transaction (seal, store, compile): %.0f persons/s\n",
           (n_persons - 1 - SINGLE_INSERTS) / elapsed);

  g_clear_object (&abis);
  rss_before = resident_bytes ();
  abis = srv_abis_builtin_new (database, &keys, 0, &error);
  g_assert_no_error (error);
  g_print ("Start-up: %d persons x 2 fingers unsealed, compiled and loaded in %.2f s on %u threads;"
           " resident set grew %.0f bytes a finger\n",
           n_persons, srv_abis_builtin_get_load_seconds (abis), g_get_num_processors (),
           (double) (resident_bytes () - rss_before) / (2.0 * n_persons));

  for (guint run = 0; run < 2; run++)
    {
      g_autoptr(GPtrArray) by_reference = NULL;
      g_autoptr(GPtrArray) inline_probe = NULL;
      double reference_seconds, inline_seconds;

      start = g_get_monotonic_time ();
      by_reference = srv_abis_identify (SRV_ABIS (abis), "target", NULL, NULL, 10, 0.0, &error);
      reference_seconds = (g_get_monotonic_time () - start) / 1e6;
      g_assert_no_error (error);

      start = g_get_monotonic_time ();
      inline_probe = srv_abis_identify (SRV_ABIS (abis), NULL, probe, NULL, 10, 50.0, &error);
      inline_seconds = (g_get_monotonic_time () - start) / 1e6;
      g_assert_no_error (error);

      g_print ("Identify against %d persons: by reference %.3f s; inline CBEFF (NBIS included) %.3f s,"
               " %u candidates at 50 or more, first %s %.1f\n",
               n_persons, reference_seconds, inline_seconds, inline_probe->len,
               inline_probe->len > 0 ? ((SrvAbisCandidate *) g_ptr_array_index (inline_probe, 0))->reference_id : "-",
               inline_probe->len > 0 ? ((SrvAbisCandidate *) g_ptr_array_index (inline_probe, 0))->score : 0.0);
    }

  g_clear_object (&abis);
  srv_database_close (database, NULL);
  g_unlink (path);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_unlink (wal);
    g_unlink (shm);
  }
  g_rmdir (tmp_dir);

  return 0;
}
