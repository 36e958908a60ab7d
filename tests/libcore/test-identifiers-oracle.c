/* test-identifiers-oracle.c — our Verhoeff against python-stdnum's
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * 100 000 pseudo-random numbers (fixed seed, 1 to 40 digits) go through
 * both implementations; the check digit and the validity of each number as
 * it stands must agree.  python3-stdnum is an independent implementation,
 * widely used to validate Aadhaar numbers, which use the same scheme.
 */

#include "config.h"

#include "idem.h"

#include <gio/gio.h>
#include <string.h>

/* AddressSanitizer slows the comparison down: there, a tenth of the numbers
 * keeps the suite quick, and the normal build compares them all. */
#if defined(__SANITIZE_ADDRESS__)
# define N_NUMBERS 10000
#else
# define N_NUMBERS 100000
#endif

static gboolean
python_has_stdnum (const char *python)
{
  g_autoptr(GSubprocess) process = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                              NULL, python, "-c", "import stdnum.verhoeff", NULL);

  return process != NULL
         && g_subprocess_wait (process, NULL, NULL)
         && g_subprocess_get_if_exited (process)
         && g_subprocess_get_exit_status (process) == 0;
}

/* The first python3 that has stdnum: IDEM_PYTHON if set, then the one on
 * PATH, then the distribution's, where apt installs python3-stdnum (a
 * python3 earlier on PATH, from pyenv or a venv, may lack it). */
static char *
find_python (void)
{
  const char *candidates[] = { g_getenv ("IDEM_PYTHON"), "python3", "/usr/bin/python3" };

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      if (candidates[i] != NULL && python_has_stdnum (candidates[i]))
        return g_strdup (candidates[i]);
    }

  return NULL;
}

static void
test_verhoeff_against_stdnum (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240229);
  g_autoptr(GString) input = g_string_new (NULL);
  g_autoptr(GPtrArray) numbers = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *python = find_python ();
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "libcore", "verhoeff-oracle.py", NULL);
  g_autofree char *output = NULL;
  g_auto(GStrv) lines = NULL;
  guint n_valid = 0;

  if (python == NULL)
    {
      g_test_fail_printf ("no python3 with the stdnum module: install python3-stdnum (tools/debian-packages)");
      return;
    }

  for (guint i = 0; i < N_NUMBERS; i++)
    {
      guint length = g_rand_int_range (rand, 1, 41);
      char *number = g_malloc (length + 1);

      for (guint j = 0; j < length; j++)
        number[j] = (char) ('0' + g_rand_int_range (rand, 0, 10));
      number[length] = '\0';

      /* A tenth get their right check digit, so "valid" is exercised too. */
      if (length > 1 && i % 10 == 0)
        g_assert_true (idem_verhoeff_compute (number, length - 1, &number[length - 1]));

      g_string_append_printf (input, "%s\n", number);
      g_ptr_array_add (numbers, number);
    }

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                              &error, python, script, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input->str, NULL, &output, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);

  lines = g_strsplit (output, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, N_NUMBERS + 1);
  g_assert_cmpstr (lines[N_NUMBERS], ==, "");

  for (guint i = 0; i < N_NUMBERS; i++)
    {
      const char *number = g_ptr_array_index (numbers, i);
      gboolean valid = idem_verhoeff_validate (number, -1);
      char check = 'x';
      g_autofree char *ours = NULL;

      g_assert_true (idem_verhoeff_compute (number, -1, &check));
      ours = g_strdup_printf ("%c %d", check, valid ? 1 : 0);
      if (!g_str_equal (ours, lines[i]))
        g_error ("Verhoeff of %s: ours “%s”, stdnum “%s”", number, ours, lines[i]);
      n_valid += valid;
    }

  /* The comparison covered both answers, not only "invalid". */
  g_assert_cmpuint (n_valid, >, N_NUMBERS / 20);
  g_assert_cmpuint (n_valid, <, N_NUMBERS / 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/identifiers/verhoeff/stdnum-oracle", test_verhoeff_against_stdnum);

  return g_test_run ();
}
