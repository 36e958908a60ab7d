/* test-language.c
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include "idem.h"

static void
test_language_table (void)
{
  const IdemLanguage *languages;
  guint n_languages = 0;

  languages = idem_language_get_all (&n_languages);
  g_assert_cmpuint (n_languages, ==, 3);
  g_assert_cmpstr (languages[0].code, ==, "en");
  g_assert_cmpstr (languages[1].code, ==, "fr");
  g_assert_cmpstr (languages[2].code, ==, "ar");
  g_assert_false (languages[0].right_to_left);
  g_assert_false (languages[1].right_to_left);
  g_assert_true (languages[2].right_to_left);

  for (guint i = 0; i < n_languages; i++)
    g_assert_true (g_utf8_validate (languages[i].native_name, -1, NULL));
}

static void
test_language_lookup (void)
{
  g_assert_cmpstr (idem_language_lookup ("fr")->code, ==, "fr");
  g_assert_cmpstr (idem_language_lookup ("fr_FR.UTF-8")->code, ==, "fr");
  g_assert_cmpstr (idem_language_lookup ("ara")->code, ==, "ar");
  g_assert_cmpstr (idem_language_lookup ("EN")->code, ==, "en");
  g_assert_null (idem_language_lookup ("de"));
  g_assert_null (idem_language_lookup (""));
}

static void
test_language_set_current (void)
{
  g_assert_true (idem_language_set_current ("ar"));
  g_assert_cmpstr (idem_language_get_current ()->code, ==, "ar");
  g_assert_cmpstr (g_getenv ("LANGUAGE"), ==, "ar");

  /* An unknown language changes nothing. */
  g_assert_false (idem_language_set_current ("xx"));
  g_assert_cmpstr (idem_language_get_current ()->code, ==, "ar");
  g_assert_cmpstr (g_getenv ("LANGUAGE"), ==, "ar");

  g_assert_true (idem_language_set_current ("en"));
  g_assert_cmpstr (idem_language_get_current ()->code, ==, "en");
}

int
main (int   argc,
      char *argv[])
{
  idem_i18n_init ();
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/language/table", test_language_table);
  g_test_add_func ("/language/lookup", test_language_lookup);
  g_test_add_func ("/language/set-current", test_language_set_current);

  return g_test_run ();
}
