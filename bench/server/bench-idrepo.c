/* bench-idrepo.c — identity lookups by UIN, on one core
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Fills a fresh repository with --identities (default 100 000) identities,
 * written 1000 per transaction, then looks random UINs up: HMAC-SHA256 of
 * the UIN, the indexed SELECT, and AES-256-GCM opening of the
 * demographics.  Rates are per second of the thread's CPU time.
 *
 *   bench-idrepo [--identities N]
 */

#include "config.h"

#include "srv-data-keys.h"
#include "srv-database.h"
#include "srv-idrepo.h"
#include "srv-ledger.h"

#include <idem.h>
#include <idem-openssl-types.h>

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double
thread_cpu_seconds (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return (double) now.tv_sec + (double) now.tv_nsec / 1e9;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EVP_PKEY) signing = NULL;
  g_autoptr(EVP_PKEY) encryption = NULL;
  g_autoptr(SrvDatabase) database = NULL;
  g_autoptr(SrvLedger) ledger = NULL;
  g_autoptr(SrvDataKeys) keys = NULL;
  g_autoptr(SrvIdrepo) idrepo = NULL;
  g_autoptr(GArray) numbers = NULL;
  g_autoptr(GPtrArray) uins = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  IdemUinPolicy policy;
  guint n_identities = 100000;
  guint n_lookups = 200000;
  double cpu_start;
  gint64 start;

  if (argc == 3 && g_str_equal (argv[1], "--identities"))
    n_identities = MAX (1000, atoi (argv[2]));

  dir = g_dir_make_tmp ("idem-bench-idrepo-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "idem.db", NULL);
  database = srv_database_open (path, TRUE, &error);
  if (database == NULL || !srv_database_migrate (database, &error))
    g_error ("database: %s", error->message);
  signing = idem_crypto_generate_key (IDEM_CRYPTO_KEY_ED25519, 0, &error);
  encryption = idem_crypto_generate_key (IDEM_CRYPTO_KEY_RSA, 3072, &error);
  ledger = srv_ledger_new (database, signing, &error);
  keys = srv_data_keys_load (database, encryption, &error);
  g_assert_no_error (error);
  idrepo = srv_idrepo_new (database, ledger, keys);

  idem_uin_policy_init_generation (&policy);
  numbers = idem_uin_generate_batch (&policy, n_identities, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < numbers->len; i++)
    g_ptr_array_add (uins, g_strdup_printf ("%010" G_GUINT64_FORMAT, g_array_index (numbers, guint64, i)));

  start = g_get_monotonic_time ();
  cpu_start = thread_cpu_seconds ();
  for (guint i = 0; i < n_identities; i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"fullName\":\"Person %u\",\"dateOfBirth\":\"1980/01/%02u\","
                                               "\"gender\":\"FLE\",\"addressLine1\":\"%u Main Street\"}",
                                               i, 1 + i % 28, i);

      if (i % 1000 == 0 && !srv_database_exec (database, "BEGIN IMMEDIATE", &error))
        g_error ("%s", error->message);
      if (!srv_idrepo_create_identity (idrepo, g_ptr_array_index (uins, i), json, NULL, NULL, "bench", &error))
        g_error ("create: %s", error->message);
      if ((i % 1000 == 999 || i == n_identities - 1) && !srv_database_exec (database, "COMMIT", &error))
        g_error ("%s", error->message);
    }
  g_print ("identity writes, 1000 per transaction:  %8.0f /s wall, %8.0f /s per CPU second (%u identities, %" G_GUINT64_FORMAT " ledger leaves)\n",
           n_identities / ((g_get_monotonic_time () - start) / 1e6),
           n_identities / (thread_cpu_seconds () - cpu_start),
           n_identities, srv_ledger_get_size (ledger));

  start = g_get_monotonic_time ();
  cpu_start = thread_cpu_seconds ();
  for (guint i = 0; i < n_lookups; i++)
    {
      const char *uin = g_ptr_array_index (uins, g_rand_int_range (rand, 0, n_identities));
      g_autofree char *json = srv_idrepo_lookup_uin (idrepo, uin, NULL, &error);

      if (json == NULL)
        g_error ("lookup: %s", error->message);
    }
  g_print ("identity lookups by UIN:                %8.0f /s wall, %8.0f /s per CPU second (%u identities)\n",
           n_lookups / ((g_get_monotonic_time () - start) / 1e6),
           n_lookups / (thread_cpu_seconds () - cpu_start), n_identities);

  g_clear_object (&idrepo);
  g_clear_object (&ledger);
  srv_database_close (database, NULL);
  g_clear_object (&database);
  for (const char *suffix = ""; suffix != NULL; suffix = g_str_equal (suffix, "") ? "-wal" : g_str_equal (suffix, "-wal") ? "-shm" : NULL)
    {
      g_autofree char *file = g_strconcat (path, suffix, NULL);

      g_unlink (file);
    }
  g_rmdir (dir);
  return 0;
}
