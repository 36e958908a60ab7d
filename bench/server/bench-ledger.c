/* bench-ledger.c — how fast the ledger appends, signs and proves
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * On a fresh database in a temporary directory (WAL, as the server runs
 * it), on one thread:
 *
 *   - appends committed one per transaction, as a single identity write
 *     commits with its leaf;
 *   - appends committed 1000 per transaction, as a pipeline that commits
 *     a batch of identities at once would;
 *   - signed checkpoints (Ed25519 signature and its row), one per append,
 *     each committed, then all in one transaction (no fsync);
 *   - inclusion and consistency proofs in the resulting tree.
 *
 * Append rates are given per second of wall time (SQLite's fsync waits
 * count) and per second of the thread's CPU time (what one core does
 * when the disk keeps up).
 *
 *   bench-ledger [--leaves N]
 */

#include "config.h"

#include "srv-database.h"
#include "srv-ledger.h"

#include <idem.h>
#include <idem-openssl-types.h>

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static guint n_leaves = 100000;

typedef struct
{
  SrvDatabase *database;
  SrvLedger   *ledger;
  guint64      next_record;
} Bench;

static void
append_one (Bench *bench)
{
  g_autoptr(GError) error = NULL;
  guint8 sealed[256];

  memset (sealed, 0, sizeof sealed);
  memcpy (sealed, &bench->next_record, sizeof bench->next_record);
  if (!srv_ledger_append (bench->ledger, "identity.create", "idrepo_blob", (gint64)++ bench->next_record,
                          sealed, sizeof sealed, NULL, &error))
    g_error ("append: %s", error->message);
}

static void
exec (Bench      *bench,
      const char *sql)
{
  g_autoptr(GError) error = NULL;

  if (!srv_database_exec (bench->database, sql, &error))
    g_error ("%s: %s", sql, error->message);
}

static double
thread_cpu_seconds (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return (double) now.tv_sec + (double) now.tv_nsec / 1e9;
}

static void
report_appends (Bench      *bench,
                const char *label,
                guint       count,
                guint       per_transaction)
{
  gint64 start = g_get_monotonic_time ();
  double cpu_start = thread_cpu_seconds ();

  for (guint done = 0; done < count; done += per_transaction)
    {
      exec (bench, "BEGIN IMMEDIATE");
      for (guint i = 0; i < per_transaction; i++)
        append_one (bench);
      exec (bench, "COMMIT");
    }

  g_print ("%s %8.0f /s wall, %8.0f /s per CPU second (%u leaves)\n", label,
           count / ((g_get_monotonic_time () - start) / 1e6),
           count / (thread_cpu_seconds () - cpu_start), count);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EVP_PKEY) key = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  Bench bench = { 0 };
  gint64 start;
  guint count;
  guint64 size;

  if (argc == 3 && g_str_equal (argv[1], "--leaves"))
    n_leaves = MAX (2000, atoi (argv[2]));

  dir = g_dir_make_tmp ("idem-bench-ledger-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "idem.db", NULL);
  bench.database = srv_database_open (path, TRUE, &error);
  if (bench.database == NULL || !srv_database_migrate (bench.database, &error))
    g_error ("database: %s", error->message);
  key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_ED25519, 0, &error);
  bench.ledger = srv_ledger_new (bench.database, key, &error);
  g_assert_no_error (error);

  report_appends (&bench, "ledger appends, 1 per transaction:   ", 2000, 1);
  report_appends (&bench, "ledger appends, 1000 per transaction:", n_leaves, 1000);

  /* A checkpoint after every append: the worst case of the timer. */
  start = g_get_monotonic_time ();
  for (count = 0; count < 2000; count++)
    {
      g_autoptr(IdemLedgerCheckpoint) checkpoint = NULL;

      append_one (&bench);
      checkpoint = srv_ledger_sign_checkpoint (bench.ledger, &error);
      if (checkpoint == NULL)
        g_error ("checkpoint: %s", error->message);
    }
  g_print ("append + signed checkpoint:             %8.0f /s (%.1f us each)\n",
           count / ((g_get_monotonic_time () - start) / 1e6),
           (g_get_monotonic_time () - start) / (double) count);

  /* The same inside one transaction: the signature, the root and the row,
   * without the fsync of each commit. */
  exec (&bench, "BEGIN IMMEDIATE");
  start = g_get_monotonic_time ();
  for (count = 0; count < 2000; count++)
    {
      g_autoptr(IdemLedgerCheckpoint) checkpoint = NULL;

      append_one (&bench);
      checkpoint = srv_ledger_sign_checkpoint (bench.ledger, &error);
      if (checkpoint == NULL)
        g_error ("checkpoint: %s", error->message);
    }
  g_print ("append + signed checkpoint, no fsync:   %8.0f /s (%.1f us each)\n",
           count / ((g_get_monotonic_time () - start) / 1e6),
           (g_get_monotonic_time () - start) / (double) count);
  exec (&bench, "COMMIT");

  size = srv_ledger_get_size (bench.ledger);
  start = g_get_monotonic_time ();
  for (count = 0; count < 5000; count++)
    {
      g_autoptr(GBytes) proof = srv_ledger_inclusion_proof (bench.ledger, (count * 7919) % size, size, &error);

      if (proof == NULL)
        g_error ("proof: %s", error->message);
    }
  g_print ("inclusion proofs in %" G_GUINT64_FORMAT " leaves:    %8.0f /s\n", size,
           count / ((g_get_monotonic_time () - start) / 1e6));

  start = g_get_monotonic_time ();
  for (count = 0; count < 2000; count++)
    {
      g_autoptr(GBytes) proof = srv_ledger_consistency_proof (bench.ledger, 1 + (count * 7919) % size, size, &error);

      if (proof == NULL)
        g_error ("proof: %s", error->message);
    }
  g_print ("consistency proofs in %" G_GUINT64_FORMAT " leaves:  %8.0f /s\n", size,
           count / ((g_get_monotonic_time () - start) / 1e6));

  g_clear_object (&bench.ledger);
  srv_database_close (bench.database, NULL);
  g_clear_object (&bench.database);
  for (const char *suffix = ""; suffix != NULL; suffix = g_str_equal (suffix, "") ? "-wal" : g_str_equal (suffix, "-wal") ? "-shm" : NULL)
    {
      g_autofree char *file = g_strconcat (path, suffix, NULL);

      g_unlink (file);
    }
  g_rmdir (dir);
  return 0;
}
