/* bench-identifiers.c — how fast UINs are made and checked, on one core
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Prints one line per figure, "name: N per second".  Each figure is the best
 * of a few rounds, so a machine busy with something else disturbs it less.
 */

#include "config.h"

#include "idem.h"

#include <string.h>

#define ROUNDS 3

/* Keeps the compiler from optimising a measured loop away. */
static volatile guint sink;

typedef guint (*BenchFunc) (gpointer data,
                            guint    iterations);

static guint
bench_uin_generate (gpointer data,
                    guint    iterations)
{
  g_autoptr(GArray) uins = idem_uin_generate_batch (data, iterations, NULL);

  g_assert (uins != NULL);
  return (guint) g_array_index (uins, guint64, 0);
}

static guint
bench_uin_generate_one (gpointer data,
                        guint    iterations)
{
  guint total = 0;

  for (guint i = 0; i < iterations; i++)
    {
      g_autofree char *uin = idem_uin_generate (data, NULL);

      total += (guint) uin[9];
    }

  return total;
}

static guint
bench_uin_validate (gpointer data,
                    guint    iterations)
{
  GPtrArray *uins = data;
  guint valid = 0;

  for (guint i = 0; i < iterations; i++)
    valid += idem_uin_validate (g_ptr_array_index (uins, i % uins->len), NULL);

  return valid;
}

static guint
bench_verhoeff (gpointer data,
                guint    iterations)
{
  GPtrArray *numbers = data;
  guint valid = 0;

  for (guint i = 0; i < iterations; i++)
    valid += idem_verhoeff_validate (g_ptr_array_index (numbers, i % numbers->len), 10);

  return valid;
}

static void
report (const char *name,
        BenchFunc   func,
        gpointer    data,
        guint       iterations)
{
  double best = 0;

  for (guint round = 0; round < ROUNDS; round++)
    {
      gint64 start = g_get_monotonic_time ();
      double seconds;

      sink += func (data, iterations);
      seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
      best = MAX (best, iterations / MAX (seconds, 1e-9));
    }

  g_print ("%s: %.0f per second\n", name, best);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) uins = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) numbers = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) pool = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (10);
  IdemUinPolicy policy;

  idem_uin_policy_init_generation (&policy);

  /* Validation sees realistic input: half valid UINs, half typos of them. */
  pool = idem_uin_generate_batch (&policy, 50000, NULL);
  for (guint i = 0; i < pool->len; i++)
    {
      char *uin = idem_id_policy_format (&policy, g_array_index (pool, guint64, i));

      if (i % 2 == 1)
        uin[g_rand_int_range (rand, 0, 10)] = (char) ('0' + g_rand_int_range (rand, 0, 10));
      g_ptr_array_add (uins, uin);
    }

  for (guint i = 0; i < 50000; i++)
    {
      char *number = g_malloc (11);

      for (guint j = 0; j < 10; j++)
        number[j] = (char) ('0' + g_rand_int_range (rand, 0, 10));
      number[10] = '\0';
      g_ptr_array_add (numbers, number);
    }

  report ("uin-generate", bench_uin_generate, &policy, 1000000);
  report ("uin-generate-one", bench_uin_generate_one, &policy, 200000);
  report ("uin-validate", bench_uin_validate, uins, 5000000);
  report ("verhoeff-validate", bench_verhoeff, numbers, 10000000);

  return 0;
}
