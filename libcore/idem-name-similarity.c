/* idem-name-similarity.c — how alike two names are, from 0 to 1
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Three levels, each built on the one before:
 *
 *  - Jaro-Winkler between two strings (by Unicode character): Jaro counts
 *    the characters that match within a window of half the longer length
 *    and the transpositions among them; Winkler adds 0.1 per character of
 *    common prefix, up to four, when Jaro is at least 0.7.  It suits names
 *    well because typos and transliteration differences seldom touch the
 *    first letters.
 *
 *  - Token similarity: the better of Jaro-Winkler on the normalised
 *    tokens and Jaro-Winkler on their phonetic keys, the latter scaled by
 *    0.95 (0.85 when a key is shorter than three symbols, since two-letter
 *    skeletons such as "Al" are shared by many names).  "mhmd" (محمد) and
 *    "mohamed" are 0.79 apart as strings and identical as keys: 0.95.
 *
 *  - Name similarity, order-insensitive: the tokens of the two names are
 *    paired greedily, best pair first; the score is the average of the
 *    pairs' mean and their worst, so that one common token ("Mohamed")
 *    does not carry a different other one, multiplied by
 *    0.7 + 0.3 × (fewer tokens / more tokens), so that a
 *    missing middle name costs a little and not everything ("Mohamed Ali"
 *    against "Mohamed Ali Hassan" is 0.9).  When the two names have
 *    different numbers of tokens, the whole names, joined in their
 *    written order, are also compared as one token (scaled by 0.95), for
 *    names split or joined differently ("Mohamed Amine" and "Mohamedamine");
 *    the better of the two counts.  Names with as many tokens each are
 *    never compared joined: a long common first name would make any two
 *    "Mohamed X" look alike.
 */

#define G_LOG_DOMAIN "idem-name"

#include "config.h"

#include "idem-name-similarity.h"

#include "idem-name-phonetic.h"

#include <string.h>

#define WINKLER_PREFIX_MAX 4
#define WINKLER_SCALE      0.1
#define WINKLER_THRESHOLD  0.7
#define KEY_WEIGHT         0.95
#define SHORT_KEY_WEIGHT   0.85
#define SHORT_KEY_LENGTH   3
#define COVERAGE_FLOOR     0.7

static double
jaro_winkler_chars (const gunichar *a,
                    glong           a_length,
                    const gunichar *b,
                    glong           b_length)
{
  g_autofree gboolean *a_matched = NULL;
  g_autofree gboolean *b_matched = NULL;
  glong window;
  glong matches = 0;
  glong transpositions = 0;
  glong prefix = 0;
  double jaro;

  if (a_length == 0 && b_length == 0)
    return 1.0;
  if (a_length == 0 || b_length == 0)
    return 0.0;

  window = MAX (a_length, b_length) / 2 - 1;
  if (window < 0)
    window = 0;

  a_matched = g_new0 (gboolean, a_length);
  b_matched = g_new0 (gboolean, b_length);
  for (glong i = 0; i < a_length; i++)
    {
      glong start = MAX (0, i - window);
      glong end = MIN (b_length - 1, i + window);

      for (glong j = start; j <= end; j++)
        if (!b_matched[j] && a[i] == b[j])
          {
            a_matched[i] = b_matched[j] = TRUE;
            matches++;
            break;
          }
    }

  if (matches == 0)
    return 0.0;

  for (glong i = 0, j = 0; i < a_length; i++)
    {
      if (!a_matched[i])
        continue;
      while (!b_matched[j])
        j++;
      if (a[i] != b[j])
        transpositions++;
      j++;
    }

  jaro = ((double) matches / a_length + (double) matches / b_length +
          (matches - transpositions / 2.0) / matches) / 3.0;
  if (jaro < WINKLER_THRESHOLD)
    return jaro;

  while (prefix < MIN (WINKLER_PREFIX_MAX, MIN (a_length, b_length)) && a[prefix] == b[prefix])
    prefix++;

  return jaro + prefix * WINKLER_SCALE * (1.0 - jaro);
}

/**
 * idem_name_jaro_winkler:
 * @a: a UTF-8 string
 * @b: a UTF-8 string
 *
 * Returns: the Jaro-Winkler similarity of @a and @b, compared character
 *   by character: 1 for equal strings, 0 for strings with nothing in common
 */
double
idem_name_jaro_winkler (const char *a,
                        const char *b)
{
  g_autofree gunichar *a_chars = NULL;
  g_autofree gunichar *b_chars = NULL;
  glong a_length = 0;
  glong b_length = 0;

  g_return_val_if_fail (a != NULL, 0.0);
  g_return_val_if_fail (b != NULL, 0.0);

  if (strcmp (a, b) == 0)
    return 1.0;

  a_chars = g_utf8_to_ucs4_fast (a, -1, &a_length);
  b_chars = g_utf8_to_ucs4_fast (b, -1, &b_length);
  return jaro_winkler_chars (a_chars, a_length, b_chars, b_length);
}

/**
 * idem_name_token_similarity:
 * @a: a normalised name token
 * @b: another
 *
 * Returns: how alike the two tokens are, as spelled and as pronounced
 *   (see the top of idem-name-similarity.c), from 0 to 1
 */
double
idem_name_token_similarity (const char *a,
                            const char *b)
{
  g_autofree char *a_key = NULL;
  g_autofree char *b_key = NULL;
  double spelled;
  double pronounced;
  double weight;

  g_return_val_if_fail (a != NULL, 0.0);
  g_return_val_if_fail (b != NULL, 0.0);

  spelled = idem_name_jaro_winkler (a, b);
  if (spelled >= 1.0)
    return 1.0;

  a_key = idem_name_phonetic_key (a);
  b_key = idem_name_phonetic_key (b);
  weight = MIN (strlen (a_key), strlen (b_key)) < SHORT_KEY_LENGTH ? SHORT_KEY_WEIGHT : KEY_WEIGHT;
  pronounced = idem_name_jaro_winkler (a_key, b_key) * weight;

  return MAX (spelled, pronounced);
}

static double
paired_similarity (const char * const *a_tokens,
                   guint               a_count,
                   const char * const *b_tokens,
                   guint               b_count)
{
  g_autofree double *scores = g_new (double, a_count * b_count);
  g_autofree gboolean *a_used = g_new0 (gboolean, a_count);
  g_autofree gboolean *b_used = g_new0 (gboolean, b_count);
  guint pairs = MIN (a_count, b_count);
  double sum = 0.0;
  double worst = 1.0;

  for (guint i = 0; i < a_count; i++)
    for (guint j = 0; j < b_count; j++)
      scores[i * b_count + j] = idem_name_token_similarity (a_tokens[i], b_tokens[j]);

  for (guint k = 0; k < pairs; k++)
    {
      double best = -1.0;
      guint best_i = 0;
      guint best_j = 0;

      for (guint i = 0; i < a_count; i++)
        for (guint j = 0; j < b_count; j++)
          if (!a_used[i] && !b_used[j] && scores[i * b_count + j] > best)
            {
              best = scores[i * b_count + j];
              best_i = i;
              best_j = j;
            }

      a_used[best_i] = b_used[best_j] = TRUE;
      sum += best;
      worst = MIN (worst, best);
    }

  return (sum / pairs + worst) / 2.0 * (COVERAGE_FLOOR + (1.0 - COVERAGE_FLOOR) * pairs / MAX (a_count, b_count));
}

/**
 * idem_name_similarity:
 * @a_tokens: the tokens of a name (see idem_name_tokenize())
 * @b_tokens: the tokens of another
 *
 * Compares two names whatever the order of their tokens (see the top of
 * idem-name-similarity.c for the formula).
 *
 * Returns: 1 for the same tokens in any order, down to 0; 0 when either
 *   name has no token
 */
double
idem_name_similarity (const char * const *a_tokens,
                      const char * const *b_tokens)
{
  g_autofree char *a_joined = NULL;
  g_autofree char *b_joined = NULL;
  guint a_count;
  guint b_count;
  double paired;
  double joined;

  g_return_val_if_fail (a_tokens != NULL, 0.0);
  g_return_val_if_fail (b_tokens != NULL, 0.0);

  a_count = g_strv_length ((GStrv) a_tokens);
  b_count = g_strv_length ((GStrv) b_tokens);
  if (a_count == 0 || b_count == 0)
    return 0.0;

  paired = paired_similarity (a_tokens, a_count, b_tokens, b_count);
  if (a_count == b_count)
    return paired;

  a_joined = g_strjoinv ("", (GStrv) a_tokens);
  b_joined = g_strjoinv ("", (GStrv) b_tokens);
  joined = idem_name_token_similarity (a_joined, b_joined) * KEY_WEIGHT;

  return MAX (paired, joined);
}
