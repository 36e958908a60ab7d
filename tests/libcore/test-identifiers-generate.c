/* test-identifiers-generate.c — properties of generated UINs, VIDs and PRIDs
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The generation rules are checked here by a second, deliberately naive
 * implementation written from identifiers.json's rule list (string searches,
 * no shared code with the generator but the Verhoeff check, which has its own
 * differential test), so a bug in the generator's filters cannot hide behind
 * the same bug in its checker.
 */

#include "config.h"

#include "idem.h"

#include <stdlib.h>
#include <string.h>

/* AddressSanitizer makes every draw several times slower: there, a tenth of
 * the draws keeps the suite quick, and the normal build does them all. */
#if defined(__SANITIZE_ADDRESS__)
# define SANITIZER_DIVISOR 10
#else
# define SANITIZER_DIVISOR 1
#endif

/* The count can be set through the environment, for a longer run. */
static guint
count_from_env (const char *name,
                guint       normal)
{
  const char *value = g_getenv (name);

  return value != NULL ? (guint) g_ascii_strtoull (value, NULL, 10) : normal / SANITIZER_DIVISOR;
}

static int
digit (const char *id,
       guint       i)
{
  return id[i] - '0';
}

static gboolean
is_run (const char *id,
        guint       i,
        gboolean    wraps)
{
  int a = digit (id, i), b = digit (id, i + 1), c = digit (id, i + 2);

  if (wraps)
    return ((a + 1) % 10 == b && (b + 1) % 10 == c)
           || ((a + 9) % 10 == b && (b + 9) % 10 == c);

  return (a + 1 == b && b + 1 == c) || (a - 1 == b && b - 1 == c);
}

static gboolean
has_repeated_pair (const char *id)
{
  guint n = strlen (id);

  for (guint i = 0; i + 1 < n; i++)
    {
      char pair[3] = { id[i], id[i + 1], '\0' };

      if (strstr (id + i + 2, pair) != NULL)
        return TRUE;
    }

  return FALSE;
}

/* The UIN generation rules of identifiers.json; returns the rule broken. */
static const char *
uin_generation_rule_broken (const char *uin)
{
  char reversed_tail[6];

  if (strlen (uin) != 10 || strspn (uin, "0123456789") != 10)
    return "length 10, digits";
  if (!idem_verhoeff_validate (uin, -1))
    return "Verhoeff check digit";
  for (guint i = 0; i + 2 < 10; i++)
    if (is_run (uin, i, TRUE))
      return "no 3-digit run, wrapping included";
  for (guint i = 0; i + 1 < 10; i++)
    if (uin[i] == uin[i + 1] || (i + 2 < 10 && uin[i] == uin[i + 2]))
      return "no 11, no 1x1";
  if (has_repeated_pair (uin))
    return "no repeated block";
  for (guint i = 0; i + 2 < 10; i++)
    if (strchr ("2468", uin[i]) && strchr ("2468", uin[i + 1]) && strchr ("2468", uin[i + 2]))
      return "no three adjacent digits from {2,4,6,8}";
  if (strncmp (uin, uin + 5, 5) == 0)
    return "first 5 differ from the last 5";
  for (guint i = 0; i < 5; i++)
    reversed_tail[i] = uin[9 - i];
  reversed_tail[5] = '\0';
  if (strncmp (uin, reversed_tail, 5) == 0)
    return "first 5 differ from the last 5 reversed";
  if (strstr (uin, "786") || strstr (uin, "666") || strstr (uin, "142857"))
    return "neither 786 nor 666 nor 142857";
  if (uin[0] == '0' || uin[0] == '1')
    return "does not start with 0 or 1";

  return NULL;
}

/* The VID generation rules of identifiers.json. */
static const char *
vid_generation_rule_broken (const char *vid)
{
  if (strlen (vid) != 16 || strspn (vid, "0123456789") != 16)
    return "length 16, digits";
  if (!idem_verhoeff_validate (vid, -1))
    return "Verhoeff check digit";
  for (guint i = 0; i + 2 < 16; i++)
    if (is_run (vid, i, FALSE))
      return "no 3-digit run";
  for (guint i = 0; i + 1 < 16; i++)
    if (vid[i] == vid[i + 1] || (i + 2 < 16 && vid[i] == vid[i + 2]))
      return "no 11, no 1x1";
  if (has_repeated_pair (vid))
    return "no repeated 2-digit block";
  if (vid[0] == '0' || vid[0] == '1')
    return "does not start with 0 or 1";
  if (strstr (vid, "786") || strstr (vid, "666"))
    return "neither 786 nor 666";

  return NULL;
}

static int
compare_guint64 (const void *a,
                 const void *b)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;

  return x < y ? -1 : x > y;
}

static void
assert_all_distinct (GArray *ids)
{
  g_autofree guint64 *sorted = g_memdup2 (ids->data, ids->len * sizeof (guint64));

  qsort (sorted, ids->len, sizeof (guint64), compare_guint64);
  for (guint i = 1; i < ids->len; i++)
    {
      if (sorted[i] == sorted[i - 1])
        g_error ("%" G_GUINT64_FORMAT " was drawn twice", sorted[i]);
    }
}

static void
test_uin_generation_properties (void)
{
  guint count = count_from_env ("IDEM_TEST_UIN_COUNT", 1000000);
  g_autoptr(GArray) uins = NULL;
  g_autoptr(GError) error = NULL;
  IdemUinPolicy policy;
  guint first_digits[10] = { 0 };

  idem_uin_policy_init_generation (&policy);
  uins = idem_uin_generate_batch (NULL, count, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (uins->len, ==, count);

  for (guint i = 0; i < uins->len; i++)
    {
      guint64 value = g_array_index (uins, guint64, i);
      char uin[11];
      const char *broken;

      g_snprintf (uin, sizeof uin, "%010" G_GUINT64_FORMAT, value);
      broken = uin_generation_rule_broken (uin);
      if (broken != NULL)
        g_error ("generated UIN %s breaks “%s”", uin, broken);
      /* The validator is laxer than the generator: it must accept them all. */
      if (!idem_uin_validate (uin, NULL))
        g_error ("the validator refuses generated UIN %s", uin);
      first_digits[uin[0] - '0']++;
    }

  assert_all_distinct (uins);

  /* Every allowed first digit comes out, and none is starved. */
  for (guint d = 2; d <= 9; d++)
    g_assert_cmpuint (first_digits[d], >, count / 40);

  {
    g_autofree char *formatted = idem_id_policy_format (&policy, g_array_index (uins, guint64, 0));

    g_assert_cmpuint (strlen (formatted), ==, IDEM_UIN_LENGTH);
    g_assert_null (uin_generation_rule_broken (formatted));
  }
}

static void
test_uin_generate_one (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = idem_uin_generate (NULL, &error);
  g_autofree char *b = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (a);
  g_assert_null (uin_generation_rule_broken (a));
  g_assert_true (idem_uin_validate (a, &error));
  g_assert_no_error (error);

  b = idem_uin_generate (NULL, &error);
  g_assert_no_error (error);
  g_assert_null (uin_generation_rule_broken (b));
}

/* Builds a number that passes the validation policy but not generation,
 * breaking exactly @code: proof that the generator is stricter there. */
static void
assert_generator_stricter (IdemIdError code)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (1234 + code);
  IdemUinPolicy generation, validation;

  idem_uin_policy_init_generation (&generation);
  idem_uin_policy_init_validation (&validation);

  for (guint attempt = 0; attempt < 10000000; attempt++)
    {
      char uin[11];

      for (guint i = 0; i < 9; i++)
        uin[i] = (char) ('0' + g_rand_int_range (rand, 0, 10));
      g_assert_true (idem_verhoeff_compute (uin, 9, &uin[9]));
      uin[10] = '\0';

      if (idem_id_policy_check (&validation, uin, NULL) == 0
          && idem_id_policy_check (&generation, uin, NULL) == IDEM_ID_RULE (code))
        {
          g_autoptr(GError) error = NULL;

          g_assert_true (idem_uin_validate (uin, NULL));
          g_assert_false (idem_id_policy_validate (&generation, uin, &error));
          g_assert_error (error, IDEM_ID_ERROR, (int) code);
          g_test_message ("%s is a valid UIN that is never generated (%s)",
                          uin, idem_id_error_get_rule_name (code));
          return;
        }
    }

  g_error ("found no UIN the validator accepts and generation refuses for %s",
           idem_id_error_get_rule_name (code));
}

static void
test_uin_generator_stricter (void)
{
  assert_generator_stricter (IDEM_ID_ERROR_SEQUENCE);
  assert_generator_stricter (IDEM_ID_ERROR_REPEATING);
}

static void
test_uin_cyclic (void)
{
  IdemUinPolicy generation, validation;
  g_autoptr(GError) error = NULL;
  char uin[11] = "314285795";

  idem_uin_policy_init_generation (&generation);
  idem_uin_policy_init_validation (&validation);
  g_assert_true (idem_verhoeff_compute (uin, 9, &uin[9]));

  /* Generation names the cyclic number; validation refuses it as well, for
   * its adjacent even digits 4, 2, 8. */
  g_assert_true (idem_id_policy_check (&generation, uin, NULL) & IDEM_ID_RULE (IDEM_ID_ERROR_CYCLIC));
  g_assert_cmpuint (idem_id_policy_check (&validation, uin, &error), ==, IDEM_ID_RULE (IDEM_ID_ERROR_EVEN_DIGITS));
  g_assert_error (error, IDEM_ID_ERROR, IDEM_ID_ERROR_EVEN_DIGITS);
}

static void
test_vid_generation_properties (void)
{
  guint count = count_from_env ("IDEM_TEST_VID_COUNT", 100000);
  g_autoptr(GArray) vids = NULL;
  g_autoptr(GError) error = NULL;
  IdemVidPolicy policy;

  idem_vid_policy_init_generation (&policy);
  vids = idem_vid_generate_batch (&policy, count, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vids->len, ==, count);

  for (guint i = 0; i < vids->len; i++)
    {
      g_autofree char *vid = idem_id_policy_format (&policy, g_array_index (vids, guint64, i));
      const char *broken = vid_generation_rule_broken (vid);

      if (broken != NULL)
        g_error ("generated VID %s breaks “%s”", vid, broken);
      if (!idem_vid_validate (vid, NULL))
        g_error ("the validator refuses generated VID %s", vid);
    }

  assert_all_distinct (vids);

  {
    g_autofree char *vid = idem_vid_generate (NULL, &error);

    g_assert_no_error (error);
    g_assert_null (vid_generation_rule_broken (vid));
  }
}

static void
test_prid_generation (void)
{
  for (guint i = 0; i < 10000; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *prid = idem_prid_generate (&error);

      g_assert_no_error (error);
      g_assert_cmpuint (strlen (prid), ==, IDEM_PRID_LENGTH);
      g_assert_true (idem_verhoeff_validate (prid, -1));
      g_assert_true (strchr ("23456789", prid[0]) != NULL);
      g_assert_null (strstr (prid, "786"));
      if (!idem_prid_validate (prid, &error))
        g_error ("generated PRID %s is invalid: %s", prid, error->message);
    }
}

static void
test_policy_exhausted (void)
{
  /* Two random digits and a check digit: 100 identifiers, 90 without 0 first. */
  IdemIdPolicy tiny = { .length = 3, .forbidden_first_digits = "0" };
  g_autoptr(GArray) all = NULL;
  g_autoptr(GArray) too_many = NULL;
  g_autoptr(GError) error = NULL;

  all = idem_id_policy_generate_batch (&tiny, 90, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 90);
  assert_all_distinct (all);

  too_many = idem_id_policy_generate_batch (&tiny, 91, &error);
  g_assert_error (error, IDEM_ID_ERROR, IDEM_ID_ERROR_EXHAUSTED);
  g_assert_null (too_many);
}

int
main (int   argc,
      char *argv[])
{
  idem_i18n_init ();
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/identifiers/uin/generation-properties", test_uin_generation_properties);
  g_test_add_func ("/identifiers/uin/generate-one", test_uin_generate_one);
  g_test_add_func ("/identifiers/uin/generator-stricter", test_uin_generator_stricter);
  g_test_add_func ("/identifiers/uin/cyclic", test_uin_cyclic);
  g_test_add_func ("/identifiers/vid/generation-properties", test_vid_generation_properties);
  g_test_add_func ("/identifiers/prid/generation", test_prid_generation);
  g_test_add_func ("/identifiers/policy/exhausted", test_policy_exhausted);

  return g_test_run ();
}
