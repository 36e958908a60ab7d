/* test-cli.c — the idem tool, run as a process
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Exit status 0 for valid values, 1 for invalid ones, 2 for a wrong command
 * line; messages that name the rule broken.
 */

#include "config.h"

#include "idem.h"

#include <gio/gio.h>
#include <string.h>

static const char *idem_path;

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static const char *language;

/* Runs idem with the arguments, up to a NULL, in the C locale and in
 * @language when it is set. */
static void
run_idem (Run        *run,
          const char *first_arg,
          ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  va_list args;

  g_ptr_array_add (argv, (char *) idem_path);
  va_start (args, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  if (language != NULL)
    g_subprocess_launcher_setenv (launcher, "LANGUAGE", language, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "LANGUAGE");
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);
}

#define assert_contains(haystack, needle) \
  G_STMT_START { \
    if (strstr ((haystack), (needle)) == NULL) \
      g_error ("“%s” not found in:\n%s", (needle), (haystack)); \
  } G_STMT_END

static void
test_version_and_help (void)
{
  {
    g_auto(Run) run = { 0 };

    run_idem (&run, "--version", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpstr (run.out, ==, "idem " PACKAGE_VERSION "\n");
  }
  {
    g_auto(Run) run = { 0 };

    run_idem (&run, "--help", NULL);
    g_assert_cmpint (run.status, ==, 0);
    assert_contains (run.out, "uin validate NUMBER…");
    assert_contains (run.out, "uin generate");
    assert_contains (run.out, "vid validate");
    assert_contains (run.out, "rid validate RID…");
    g_assert_cmpstr (run.err, ==, "");
  }
  {
    g_auto(Run) run = { 0 };

    run_idem (&run, "help", "uin", "validate", NULL);
    g_assert_cmpint (run.status, ==, 0);
    assert_contains (run.out, "idem uin validate [OPTION…] NUMBER…");
    assert_contains (run.out, "--all");
  }
  {
    g_auto(Run) run = { 0 };

    run_idem (&run, "help", "rid", NULL);
    g_assert_cmpint (run.status, ==, 0);
    assert_contains (run.out, "rid validate");
  }
  {
    g_auto(Run) run = { 0 };

    run_idem (&run, "uin", "generate", "--help", NULL);
    g_assert_cmpint (run.status, ==, 0);
    assert_contains (run.out, "--count=COUNT");
  }
}

static void
test_usage_errors (void)
{
  const char *cases[][4] = {
    { NULL },
    { "frobnicate", NULL },
    { "--frobnicate", NULL },
    { "uin", NULL },
    { "uin", "frobnicate", NULL },
    { "uin", "validate", NULL },
    { "uin", "validate", "--frobnicate", "2013023805" },
    { "uin", "generate", "-n", "0" },
    { "uin", "generate", "-n", "ten" },
    { "uin", "generate", "-n", "-3" },
    { "uin", "generate", "2013023805", NULL },
    { "help", "frobnicate", NULL },
    { "help", "uin", "frobnicate", NULL },
    { "rid", "validate", "--centre=123", "27847657360002520181208183050" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Run) run = { 0 };

      run_idem (&run, cases[i][0], cases[i][1], cases[i][2], cases[i][3], NULL);
      if (run.status != 2)
        g_error ("case %u: exit status %d, expected 2\n%s%s", i, run.status, run.out, run.err);
      g_assert_cmpstr (run.out, ==, "");
      g_assert_cmpstr (run.err, !=, "");
    }
}

static void
test_uin_validate (void)
{
  {
    g_auto(Run) run = { 0 };

    run_idem (&run, "uin", "validate", "2013023805", "3029384756", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpstr (run.out, ==, "2013023805: valid UIN\n3029384756: valid UIN\n");
  }
  {
    g_auto(Run) run = { 0 };

    /* One invalid value among valid ones fails the whole run. */
    run_idem (&run, "uin", "validate", "2013023805", "2013023800", NULL);
    g_assert_cmpint (run.status, ==, 1);
    assert_contains (run.out, "2013023805: valid UIN\n");
    assert_contains (run.out, "2013023800: invalid UIN: The check digit is wrong");
  }
  {
    g_auto(Run) run = { 0 };

    run_idem (&run, "uin", "validate", "201302380", NULL);
    g_assert_cmpint (run.status, ==, 1);
    assert_contains (run.out, "it must have 10 digits");
  }
  {
    g_auto(Run) run = { 0 };

    run_idem (&run, "uin", "validate", "--all", "4345643456", NULL);
    g_assert_cmpint (run.status, ==, 1);
    assert_contains (run.out, "4345643456: invalid UIN: The digits “345” are an ascending or descending run.");
    assert_contains (run.out, "(sequence)");
    assert_contains (run.out, "(block)");
    assert_contains (run.out, "(checksum)");
    assert_contains (run.out, "(equal)");
    g_assert_null (strstr (run.out, "(reverse)"));
  }
}

static void
test_generate (void)
{
  g_auto(Run) run = { 0 };
  g_auto(GStrv) lines = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  run_idem (&run, "uin", "generate", "-n", "50", NULL);
  g_assert_cmpint (run.status, ==, 0);
  lines = g_strsplit (run.out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 51);
  for (guint i = 0; i < 50; i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (idem_uin_validate (lines[i], &error));
      g_assert_no_error (error);
      g_assert_true (g_hash_table_add (seen, lines[i]));
    }

  {
    g_auto(Run) vid = { 0 };

    run_idem (&vid, "vid", "generate", NULL);
    g_assert_cmpint (vid.status, ==, 0);
    g_assert_cmpuint (strlen (vid.out), ==, IDEM_VID_LENGTH + 1);
    vid.out[IDEM_VID_LENGTH] = '\0';
    g_assert_true (idem_vid_validate (vid.out, NULL));
  }
  {
    g_auto(Run) prid = { 0 };

    run_idem (&prid, "prid", "generate", "--count=2", NULL);
    g_assert_cmpint (prid.status, ==, 0);
    g_assert_cmpuint (strlen (prid.out), ==, 2 * (IDEM_PRID_LENGTH + 1));
    prid.out[IDEM_PRID_LENGTH] = '\0';
    g_assert_true (idem_prid_validate (prid.out, NULL));
  }
}

static void
test_vid_and_prid_validate (void)
{
  {
    g_auto(Run) run = { 0 };

    run_idem (&run, "vid", "validate", "5371843613598206", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpstr (run.out, ==, "5371843613598206: valid VID\n");
  }
  {
    g_auto(Run) run = { 0 };

    run_idem (&run, "vid", "validate", "53718A3613598206", NULL);
    g_assert_cmpint (run.status, ==, 1);
    assert_contains (run.out, "Character 6 of the identifier is not a digit");
  }
  {
    g_auto(Run) run = { 0 };

    run_idem (&run, "prid", "validate", "75124301328620", "75124301328666", NULL);
    g_assert_cmpint (run.status, ==, 1);
    assert_contains (run.out, "75124301328620: valid PRID\n");
    assert_contains (run.out, "75124301328666: invalid PRID");
  }
}

static void
test_rid_validate (void)
{
  {
    g_auto(Run) run = { 0 };

    run_idem (&run, "rid", "validate", "--centre", "27847", "--machine", "65736",
              "27847657360002520181208183050", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpstr (run.out, ==,
                     "27847657360002520181208183050: valid RID (centre 27847, machine 65736, "
                     "sequence 00025, 2018-12-08 18:30:50 UTC)\n");
  }
  {
    g_auto(Run) run = { 0 };

    run_idem (&run, "rid", "validate", "-c", "27846", "27847657360002520181208183050", NULL);
    g_assert_cmpint (run.status, ==, 1);
    assert_contains (run.out, "comes from centre 27847, not 27846");
  }
  {
    g_auto(Run) run = { 0 };

    run_idem (&run, "rid", "validate", "27847657360002520181308183050", NULL);
    g_assert_cmpint (run.status, ==, 1);
    assert_contains (run.out, "not a real date and time");
  }
}

static void
test_translated (void)
{
  g_auto(Run) run = { 0 };
  g_auto(Run) arabic = { 0 };

  language = "fr";
  run_idem (&run, "uin", "validate", "2013023805", "2013023800", NULL);
  language = "ar";
  run_idem (&arabic, "rid", "validate", "27847657360002520181308183050", NULL);
  language = NULL;

  g_assert_cmpint (run.status, ==, 1);
  assert_contains (run.out, "2013023805 : UIN valide\n");
  assert_contains (run.out, "2013023800 : UIN non valide : Le chiffre de contrôle est faux");
  g_assert_cmpint (arabic.status, ==, 1);
  assert_contains (arabic.out, "RID غير صالح: الطابع الزمني 20181308183050 ليس تاريخًا ووقتًا حقيقيين");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_assert_cmpint (argc, ==, 2);
  idem_path = argv[1];

  g_test_add_func ("/cli/version-and-help", test_version_and_help);
  g_test_add_func ("/cli/usage-errors", test_usage_errors);
  g_test_add_func ("/cli/uin/validate", test_uin_validate);
  g_test_add_func ("/cli/generate", test_generate);
  g_test_add_func ("/cli/vid-and-prid/validate", test_vid_and_prid_validate);
  g_test_add_func ("/cli/rid/validate", test_rid_validate);
  g_test_add_func ("/cli/translated", test_translated);

  return g_test_run ();
}
