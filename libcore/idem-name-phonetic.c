/* idem-name-phonetic.c — a phonetic key for name tokens
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Soundex and its kin were made for English surnames; the names of this
 * country come transliterated from Arabic, or French, or English, by
 * clerks who each spell them their own way.  What survives every one of
 * those spellings is the consonant skeleton, so the key is that skeleton
 * with the consonants that writers confuse put in one class:
 *
 *  - Vowels carry little: Arabic script does not write short ones, and
 *    transliterations disagree on them (Mohamed, Muhammad, Mehmed).  All
 *    are dropped but the first letter's, which becomes "A" whatever it was
 *    (Omar, Umar, عمر).  "w" and "y" inside a word are vowels too (Aisha,
 *    Aysha; Dawud, Daoud), and French "ou" before a vowel is a "w"
 *    (Oualid, Walid).
 *  - Digraphs first: sh/ch/sch → S (Aïcha, Aisha, عائشة); ph → f;
 *    th → t (ث is t or s across dialects); dh → z (ذ, said z in most);
 *    kh → k (Khaled, Haled is rarer than Kaled); gh → j.
 *  - Classes: c/k/q/ck/qu → k, c before e, i, y → s; g and j → j
 *    (جمال is Jamal and Egyptian Gamal); x → ks.
 *  - A letter doubled, or a class repeated, counts once (Hassan, Hasan;
 *    Mohammed, Mohamed).
 *  - A final h is dropped (Abdullah, Abdulla; Fatimah, Fatima; صالح,
 *    Saleh, Sale) — only at the end, because Mohamed and Ahmed need theirs.
 *
 * The key is for blocking (finding candidates cheaply) and for a second
 * opinion in the fuzzy score; it is never a verdict on its own.  A token
 * that is not ASCII Latin (a script with no transliteration) is its own
 * key.
 */

#define G_LOG_DOMAIN "idem-name"

#include "config.h"

#include "idem-name-phonetic.h"

#include <string.h>

#define VOWEL 'V'

static gboolean
is_vowel_letter (char c)
{
  return c != '\0' && strchr ("aeiouy", c) != NULL;
}

static gboolean
is_front_vowel (char c)
{
  return c == 'e' || c == 'i' || c == 'y';
}

/* Maps the letters of @token to class symbols, one per sound, with VOWEL
 * standing for every vowel sound.  Returns how many letters the sound at
 * @i used, and its symbol in @symbol. */
static guint
read_sound (const char *token,
            gsize       i,
            char       *symbol)
{
  char c = token[i];
  char next = token[i + 1];
  char after = next != '\0' ? token[i + 2] : '\0';

  if (c == 's' && next == 'c' && after == 'h')
    return *symbol = 'S', 3;
  if ((c == 's' || c == 'c') && next == 'h')
    return *symbol = 'S', 2;
  if (c == 'p' && next == 'h')
    return *symbol = 'f', 2;
  if (c == 't' && next == 'h')
    return *symbol = 't', 2;
  if (c == 'd' && next == 'h')
    return *symbol = 'z', 2;
  if (c == 'k' && next == 'h')
    return *symbol = 'k', 2;
  if (c == 'g' && next == 'h')
    return *symbol = 'j', 2;
  if (c == 'c' && next == 'k')
    return *symbol = 'k', 2;
  if (c == 'q' && next == 'u')
    return *symbol = 'k', 2;
  if (c == 'o' && next == 'u')
    return *symbol = is_vowel_letter (after) ? 'w' : VOWEL, 2;

  switch (c)
    {
    case 'a': case 'e': case 'i': case 'o': case 'u':
      return *symbol = VOWEL, 1;

    case 'y':
      /* A consonant only where it opens the word before a vowel (Yusuf). */
      return *symbol = (i == 0 && is_vowel_letter (next)) ? 'y' : VOWEL, 1;

    case 'w':
      return *symbol = i == 0 ? 'w' : VOWEL, 1;

    case 'c':
      return *symbol = is_front_vowel (next) ? 's' : 'k', 1;

    case 'q':
      return *symbol = 'k', 1;

    case 'g':
      return *symbol = 'j', 1;

    case 'x':
      return *symbol = 'X', 1;

    default:
      return *symbol = c, 1;
    }
}

/**
 * idem_name_phonetic_key:
 * @token: one normalised name token (see idem_name_tokenize())
 *
 * Computes the token's phonetic key: its consonant skeleton in sound
 * classes, so that "mohamed", "muhammad", "mohammed" and the
 * transliterated "mhmd" all give "mhmd", and "omar" and "umar" give "Amr".
 *
 * Returns: (transfer full): the key; "" for an empty token
 */
char *
idem_name_phonetic_key (const char *token)
{
  GString *key;
  gsize length;
  char previous = '\0';

  g_return_val_if_fail (token != NULL, NULL);

  length = strlen (token);
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_islower (token[i]))
      return g_strdup (token);

  key = g_string_sized_new (length);
  for (gsize i = 0; i < length;)
    {
      char symbol;
      guint used = read_sound (token, i, &symbol);

      if (i == 0 && symbol == VOWEL)
        g_string_append_c (key, 'A');
      else if (symbol == 'X' && previous != 'X')
        g_string_append (key, "ks");
      else if (symbol != VOWEL && symbol != previous && symbol != 'X')
        g_string_append_c (key, symbol);

      previous = symbol;
      i += used;
    }

  if (key->len > 1 && key->str[key->len - 1] == 'h')
    g_string_truncate (key, key->len - 1);

  return g_string_free (key, FALSE);
}
