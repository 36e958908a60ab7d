/* test-name-matching.c — name normalisation, transliteration, phonetic keys
 * and the fuzzy measure
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include "idem.h"

static void
assert_normalized (const char *name,
                   const char *expected)
{
  g_autofree char *normalized = idem_name_normalize (name);

  g_assert_cmpstr (normalized, ==, expected);
}

static void
test_normalize_latin (void)
{
  assert_normalized ("Hélène", "helene");
  assert_normalized ("  HÉLÈNE   Dupont-Moreau ", "helene dupont moreau");
  assert_normalized ("François Lefèvre", "francois lefevre");
  assert_normalized ("Zoë Çelik", "zoe celik");
  assert_normalized ("O'Brien", "obrien");
  assert_normalized ("Søren Łukasz Straße", "soren lukasz strasse");
  assert_normalized ("Œdipe Æsir", "oedipe aesir");
  /* Compatibility forms: full-width letters and the "ﬁ" ligature. */
  assert_normalized ("Ｍａｒｉｅ ﬁne", "marie fine");
  assert_normalized ("", "");
  assert_normalized ("  -- 42 ", "");
  assert_normalized (NULL, "");
  /* Invalid UTF-8 is replaced, never read past. */
  assert_normalized ("Ali\xff" "Hassan", "ali hassan");
}

static void
test_normalize_arabic (void)
{
  assert_normalized ("محمد علي", "mhmd ali");
  /* Short vowels and shadda are dropped: the same letters, vowelled. */
  assert_normalized ("مُحَمَّد عَلِيّ", "mhmd ali");
  /* Alef variants and hamza carriers. */
  assert_normalized ("أحمد", "ahmd");
  assert_normalized ("إبراهيم", "abrahim");
  assert_normalized ("آمنة", "amna");
  /* Ta marbuta, long vowels, waw and ya as consonants. */
  assert_normalized ("فاطمة", "fatma");
  assert_normalized ("يوسف", "yusf");
  assert_normalized ("عمر", "amr");
  assert_normalized ("وليد", "wlid");
  assert_normalized ("زياد", "zyad");
  assert_normalized ("داود", "dawd");
  assert_normalized ("عائشة", "aysha");
  assert_normalized ("خالد", "khald");
  /* Tatweel is ornament; Arabic punctuation separates. */
  assert_normalized ("محـــمد،علي", "mhmd ali");
  /* The article is a word of its own, as Latin writes it. */
  assert_normalized ("الزهراء", "al zhra");
  assert_normalized ("عبد الله", "abd al lh");
}

static void
test_tokenize (void)
{
  g_auto(GStrv) simple = idem_name_tokenize ("Ali  Hassan");
  g_auto(GStrv) particles = idem_name_tokenize ("Abd al-Rahman de la Fontaine");
  g_auto(GStrv) arabic = idem_name_tokenize ("عبد الرحمن");
  g_auto(GStrv) trailing = idem_name_tokenize ("Mohamed El");
  g_auto(GStrv) article = idem_name_tokenize ("Fatima El-Zahra");
  g_auto(GStrv) empty = idem_name_tokenize ("...");
  const char * const expected_simple[] = { "ali", "hassan", NULL };
  const char * const expected_particles[] = { "abdrahman", "delafontaine", NULL };
  const char * const expected_arabic[] = { "abdrhmn", NULL };
  const char * const expected_trailing[] = { "mohamed", "el", NULL };
  const char * const expected_article[] = { "fatima", "zahra", NULL };

  g_assert_true (g_strv_equal ((const char * const *) simple, expected_simple));
  g_assert_true (g_strv_equal ((const char * const *) particles, expected_particles));
  g_assert_true (g_strv_equal ((const char * const *) arabic, expected_arabic));
  g_assert_true (g_strv_equal ((const char * const *) trailing, expected_trailing));
  g_assert_true (g_strv_equal ((const char * const *) article, expected_article));
  g_assert_cmpuint (g_strv_length (empty), ==, 0);
}

static void
assert_key (const char *token,
            const char *expected)
{
  g_autofree char *key = idem_name_phonetic_key (token);

  g_assert_cmpstr (key, ==, expected);
}

static void
test_phonetic_key (void)
{
  /* One key for the spellings of one name, Latin or transliterated. */
  assert_key ("mohamed", "mhmd");
  assert_key ("muhammad", "mhmd");
  assert_key ("mohammed", "mhmd");
  assert_key ("mhmd", "mhmd");
  assert_key ("omar", "Amr");
  assert_key ("umar", "Amr");
  assert_key ("amr", "Amr");
  assert_key ("youssef", "ysf");
  assert_key ("yusuf", "ysf");
  assert_key ("yusf", "ysf");
  assert_key ("aicha", "AS");
  assert_key ("aisha", "AS");
  assert_key ("walid", "wld");
  assert_key ("oualid", "wld");
  assert_key ("wlid", "wld");
  assert_key ("abdullah", "Abdl");
  assert_key ("abdulla", "Abdl");
  assert_key ("khaled", "kld");
  assert_key ("khald", "kld");
  assert_key ("jamal", "jml");
  assert_key ("gamal", "jml");
  assert_key ("philippe", "flp");
  assert_key ("filip", "flp");
  assert_key ("jacques", "jks");
  assert_key ("jakes", "jks");
  assert_key ("cecile", "ssl");
  assert_key ("alexandre", "Alksndr");
  assert_key ("helene", "hln");
  /* Different names keep different keys. */
  assert_key ("hassan", "hsn");
  assert_key ("karim", "krm");
  assert_key ("", "");
  /* A script with no transliteration is its own key. */
  assert_key ("李", "李");
}

static void
test_jaro_winkler (void)
{
  /* The textbook values. */
  g_assert_cmpfloat_with_epsilon (idem_name_jaro_winkler ("martha", "marhta"), 0.961, 0.001);
  g_assert_cmpfloat_with_epsilon (idem_name_jaro_winkler ("dwayne", "duane"), 0.840, 0.001);
  g_assert_cmpfloat_with_epsilon (idem_name_jaro_winkler ("dixon", "dicksonx"), 0.813, 0.001);
  g_assert_cmpfloat (idem_name_jaro_winkler ("abc", "abc"), ==, 1.0);
  g_assert_cmpfloat (idem_name_jaro_winkler ("abc", "xyz"), ==, 0.0);
  g_assert_cmpfloat (idem_name_jaro_winkler ("", "abc"), ==, 0.0);
  g_assert_cmpfloat (idem_name_jaro_winkler ("", ""), ==, 1.0);
  /* Symmetric, and by character, not byte. */
  g_assert_cmpfloat (idem_name_jaro_winkler ("hélène", "helene"),
                     ==, idem_name_jaro_winkler ("helene", "hélène"));
  g_assert_cmpfloat_with_epsilon (idem_name_jaro_winkler ("é", "e"), 0.0, 1e-9);
}

static double
names_similarity (const char *a,
                  const char *b)
{
  g_auto(GStrv) a_tokens = idem_name_tokenize (a);
  g_auto(GStrv) b_tokens = idem_name_tokenize (b);
  double forward = idem_name_similarity ((const char * const *) a_tokens, (const char * const *) b_tokens);
  double backward = idem_name_similarity ((const char * const *) b_tokens, (const char * const *) a_tokens);

  g_assert_cmpfloat_with_epsilon (forward, backward, 1e-9);
  g_assert_cmpfloat (forward, >=, 0.0);
  g_assert_cmpfloat (forward, <=, 1.0);
  return forward;
}

static void
test_similarity (void)
{
  /* The same person. */
  g_assert_cmpfloat (names_similarity ("Ali Hassan", "Hassan Ali"), ==, 1.0);
  g_assert_cmpfloat (names_similarity ("Hélène Dupont", "HELENE DUPONT"), ==, 1.0);
  g_assert_cmpfloat (names_similarity ("Mohamed Ali", "Muhammad Ali"), >=, 0.95);
  g_assert_cmpfloat (names_similarity ("Mohammed Ali", "محمد علي"), >=, 0.95);
  g_assert_cmpfloat (names_similarity ("Youssef Benali", "Yusuf Ben Ali"), >=, 0.9);
  g_assert_cmpfloat (names_similarity ("Fatima Zahra", "فاطمة الزهراء"), >=, 0.85);
  g_assert_cmpfloat (names_similarity ("Abd al-Rahman Saleh", "Abdelrahman Salih"), >=, 0.9);
  /* One letter wrong. */
  g_assert_cmpfloat (names_similarity ("Karim Benslimane", "Karim Benslimame"), >=, 0.95);
  /* A missing middle name costs a little. */
  g_assert_cmpfloat (names_similarity ("Mohamed Ali", "Mohamed Ali Hassan"), >=, 0.85);
  g_assert_cmpfloat (names_similarity ("Mohamed Ali", "Mohamed Ali Hassan"), <, 1.0);

  /* Different people. */
  g_assert_cmpfloat (names_similarity ("Mohamed Ali", "Mohamed Salem"), <, 0.85);
  g_assert_cmpfloat (names_similarity ("Hélène Dupont", "Karim Benslimane"), <, 0.6);
  g_assert_cmpfloat (names_similarity ("Jean Martin", "Fatima Zahra"), <, 0.6);
  g_assert_cmpfloat (names_similarity ("", "Ali"), ==, 0.0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/name/normalize/latin", test_normalize_latin);
  g_test_add_func ("/name/normalize/arabic", test_normalize_arabic);
  g_test_add_func ("/name/tokenize", test_tokenize);
  g_test_add_func ("/name/phonetic-key", test_phonetic_key);
  g_test_add_func ("/name/jaro-winkler", test_jaro_winkler);
  g_test_add_func ("/name/similarity", test_similarity);

  return g_test_run ();
}
