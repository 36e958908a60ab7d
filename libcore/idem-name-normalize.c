/* idem-name-normalize.c — personal names reduced to comparable tokens
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The same person is written "Hélène", "HELENE" and "Helene", or "محمد"
 * at one centre and "Mohamed" at another.  Normalising brings every
 * spelling to lower-case ASCII Latin where it can:
 *
 *  1. Unicode NFKD, so that ligatures and presentation forms become their
 *     letters, and accented letters a base letter and a combining mark;
 *     Arabic hamza and madda carriers (أ إ آ ؤ ئ) decompose the same way.
 *  2. Every combining mark is dropped: Latin accents, and the Arabic short
 *     vowels, shadda, sukun, hamza and madda, which most writers omit
 *     anyway.
 *  3. Case folding.
 *  4. Transliteration: the Arabic alphabet (and the few Persian and Urdu
 *     letters seen in names) through a table, and the Latin letters NFKD
 *     leaves alone (ø, æ, œ, ł, đ, þ …).  Letters of other scripts are kept
 *     as they are, so they still compare exactly.
 *  5. Apostrophes vanish ("O'Brien", "Sa'id"); every other non-letter
 *     separates tokens, and runs of separators collapse to one space.
 *
 * Arabic writes long vowels and leaves short ones out, so "محمد" becomes
 * "mhmd" while Latin writers give "mohamed": the phonetic key
 * (idem-name-phonetic.c) is what brings the two together.
 */

#define G_LOG_DOMAIN "idem-name"

#include "config.h"

#include "idem-name-normalize.h"

#include <string.h>

/* Arabic letters in the block U+0621–U+064A, by code point − 0x0621.  The
 * context-dependent letters (ع و ي) are handled in code. */
static const char * const arabic_letters[] = {
  "",   /* ء hamza alone: a glottal stop Latin spellings omit */
  "a",  /* آ (decomposed by NFKD; kept for completeness) */
  "a",  /* أ */
  "u",  /* ؤ */
  "a",  /* إ */
  "i",  /* ئ */
  "a",  /* ا alef */
  "b",  /* ب */
  "a",  /* ة ta marbuta: the final "-a" of Fatima, Aisha */
  "t",  /* ت */
  "th", /* ث */
  "j",  /* ج */
  "h",  /* ح */
  "kh", /* خ */
  "d",  /* د */
  "dh", /* ذ */
  "r",  /* ر */
  "z",  /* ز */
  "s",  /* س */
  "sh", /* ش */
  "s",  /* ص */
  "d",  /* ض */
  "t",  /* ط */
  "z",  /* ظ */
  NULL, /* ع ayn: in code */
  "gh", /* غ */
  NULL, NULL, NULL, NULL, NULL, /* U+063B–U+063F: not Arabic letters */
  "",   /* ـ tatweel, a stretching stroke */
  "f",  /* ف */
  "q",  /* ق */
  "k",  /* ك */
  "l",  /* ل */
  "m",  /* م */
  "n",  /* ن */
  "h",  /* ه */
  NULL, /* و waw: in code */
  "a",  /* ى alef maksura */
  NULL, /* ي ya: in code */
};

static gboolean
is_arabic_letter (gunichar c)
{
  return (c >= 0x0621 && c <= 0x064A && c != 0x0640) ||
         c == 0x067E || c == 0x0686 || c == 0x06A9 || c == 0x06AF ||
         c == 0x06C1 || c == 0x06CC;
}

static gboolean
is_alef_like (gunichar c)
{
  return c == 0x0627 || c == 0x0649;
}

static gboolean
last_is_vowel (GString *out)
{
  return out->len > 0 && strchr ("aeiou", out->str[out->len - 1]) != NULL;
}

static gboolean
is_word_start (GString *out)
{
  return out->len == 0 || out->str[out->len - 1] == ' ';
}

/* Appends the Latin for the Arabic letter chars[i].  Waw and ya are
 * consonants (w, y) at the start of a word, before alef or after a vowel,
 * and long vowels (u, i) elsewhere; ayn opens the word with a vowel
 * (Ali, Omar, Issa) and is silent inside it (Saad, Ismail). */
static void
append_arabic (GString        *out,
               const gunichar *chars,
               glong           i,
               glong           n_chars)
{
  gunichar c = chars[i];
  gunichar next = i + 1 < n_chars ? chars[i + 1] : 0;

  switch (c)
    {
    case 0x0639: /* ع */
      if (is_word_start (out))
        g_string_append_c (out, 'a');
      return;

    case 0x0648: /* و */
      if (is_word_start (out) || is_alef_like (next) || last_is_vowel (out))
        g_string_append_c (out, 'w');
      else
        g_string_append_c (out, 'u');
      return;

    case 0x064A: /* ي */
    case 0x06CC: /* Persian ye */
      if (is_word_start (out) || is_alef_like (next) || last_is_vowel (out))
        g_string_append_c (out, 'y');
      else
        g_string_append_c (out, 'i');
      return;

    case 0x067E:
      g_string_append_c (out, 'p');
      return;

    case 0x0686:
      g_string_append (out, "ch");
      return;

    case 0x06A9:
      g_string_append_c (out, 'k');
      return;

    case 0x06AF:
      g_string_append_c (out, 'g');
      return;

    case 0x06C1:
      g_string_append_c (out, 'h');
      return;

    case 0x0627: /* ا */
      /* The article ال written onto its word is a word of its own, as
       * Latin spellings write it (Al-Zahra, El Zahra, Zahra). */
      if (is_word_start (out) && next == 0x0644 && i + 2 < n_chars && is_arabic_letter (chars[i + 2]))
        g_string_append (out, "al ");
      /* After a vowel it lengthens it: عا is "a", not "aa". */
      else if (out->len == 0 || out->str[out->len - 1] != 'a')
        g_string_append_c (out, 'a');
      return;

    default:
      if (c >= 0x0621 && c <= 0x064A && arabic_letters[c - 0x0621] != NULL)
        g_string_append (out, arabic_letters[c - 0x0621]);
      return;
    }
}

/* Latin letters that NFKD does not decompose into a base letter. */
static const char *
latin_special (gunichar c)
{
  switch (c)
    {
    case 0x00DF: return "ss";  /* ß */
    case 0x00E6: return "ae";  /* æ */
    case 0x00F0: return "d";   /* ð */
    case 0x00F8: return "o";   /* ø */
    case 0x00FE: return "th";  /* þ */
    case 0x0111: return "d";   /* đ */
    case 0x0127: return "h";   /* ħ */
    case 0x0131: return "i";   /* dotless ı */
    case 0x0142: return "l";   /* ł */
    case 0x0153: return "oe";  /* œ */
    case 0x0180: return "b";   /* ƀ */
    case 0x0192: return "f";   /* ƒ */
    default: return NULL;
    }
}

static gboolean
is_apostrophe (gunichar c)
{
  return c == '\'' || c == '`' || c == 0x2018 || c == 0x2019 || c == 0x02BC ||
         c == 0x02BE || c == 0x02BF || c == 0x02B9 || c == 0x00B4;
}

static void
append_separator (GString *out)
{
  if (out->len > 0 && out->str[out->len - 1] != ' ')
    g_string_append_c (out, ' ');
}

/**
 * idem_name_normalize:
 * @name: (nullable): a personal name, UTF-8 (invalid bytes are replaced)
 *
 * Brings a name to the form names are compared in: lower-case, without
 * accents, Arabic transliterated to Latin, tokens separated by one space,
 * no leading or trailing space.  "  Hélène  D'Arc-Dupont " becomes
 * "helene darc dupont" and "مُحَمَّد عَلِي" becomes "mhmd ali".
 *
 * Returns: (transfer full): the normalised name, "" when nothing of it is
 *   a letter or @name is %NULL
 */
char *
idem_name_normalize (const char *name)
{
  g_autofree char *valid = NULL;
  g_autofree char *decomposed = NULL;
  g_autofree char *folded = NULL;
  g_autofree gunichar *chars = NULL;
  g_autoptr(GString) stripped = NULL;
  GString *out;
  glong n_chars = 0;

  if (name == NULL)
    return g_strdup ("");

  valid = g_utf8_make_valid (name, -1);
  decomposed = g_utf8_normalize (valid, -1, G_NORMALIZE_NFKD);
  if (decomposed == NULL)
    return g_strdup ("");

  stripped = g_string_sized_new (strlen (decomposed));
  for (const char *p = decomposed; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      GUnicodeType type = g_unichar_type (c);

      if (type == G_UNICODE_NON_SPACING_MARK || type == G_UNICODE_SPACING_MARK ||
          type == G_UNICODE_ENCLOSING_MARK || c == 0x0640)
        continue;
      g_string_append_unichar (stripped, c);
    }

  folded = g_utf8_casefold (stripped->str, stripped->len);
  chars = g_utf8_to_ucs4_fast (folded, -1, &n_chars);

  out = g_string_sized_new (n_chars + 8);
  for (glong i = 0; i < n_chars; i++)
    {
      gunichar c = chars[i];
      const char *special;

      /* The lam of an article already written as "al ". */
      if (c == 0x0644 && i >= 1 && chars[i - 1] == 0x0627 && out->len >= 3 &&
          g_str_has_suffix (out->str, "al ") && (i == 1 || !is_arabic_letter (chars[i - 2])))
        continue;

      if (c < 0x80 && g_ascii_isalpha (c))
        g_string_append_c (out, g_ascii_tolower (c));
      else if (is_arabic_letter (c))
        append_arabic (out, chars, i, n_chars);
      else if ((special = latin_special (c)) != NULL)
        g_string_append (out, special);
      else if (is_apostrophe (c))
        continue;
      else if (g_unichar_isalpha (c))
        g_string_append_unichar (out, c);
      else
        append_separator (out);
    }

  if (out->len > 0 && out->str[out->len - 1] == ' ')
    g_string_truncate (out, out->len - 1);

  return g_string_free (out, FALSE);
}

/* The Arabic article, written or not, attached or not: "Al-Zahra",
 * "El Zahra", "الزهراء" and "Zahra" are one surname.  Dropped before
 * another word. */
static const char * const articles[] = { "al", "el", NULL };

/* Particles that belong to the word after them: "Abd al-Rahman",
 * "Abdel Rahman" and "Abderrahmane" are one name written three ways, and
 * "de la Fontaine" is "Delafontaine" to a clerk.  Joined, each becomes a
 * single token the fuzzy measure can compare whole. */
static const char * const particles[] = {
  "abd", "abdel", "abdul", "abdal", "abu", "abou",
  "da", "de", "del", "della", "des", "di", "du", "la", "le",
  "van", "von", "der", "den", "ter",
  NULL
};

/**
 * idem_name_tokenize:
 * @name: (nullable): a personal name, UTF-8
 *
 * Normalises @name (see idem_name_normalize()) and splits it into tokens,
 * dropping the Arabic article (al, el) before a word and joining
 * particles (abd, abu, de, la, van …) to the token after them.  Order is kept; comparisons ignore it.
 *
 * Returns: (transfer full): the tokens, possibly none
 */
GStrv
idem_name_tokenize (const char *name)
{
  g_autofree char *normalized = idem_name_normalize (name);
  g_auto(GStrv) words = g_strsplit (normalized, " ", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GString) pending = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    {
      if (*words[i] == '\0')
        continue;
      if (words[i + 1] != NULL && g_strv_contains (articles, words[i]))
        continue;

      g_string_append (pending, words[i]);
      if (words[i + 1] != NULL && g_strv_contains (particles, words[i]))
        continue;

      g_strv_builder_add (builder, pending->str);
      g_string_truncate (pending, 0);
    }

  if (pending->len > 0)
    g_strv_builder_add (builder, pending->str);

  return g_strv_builder_end (builder);
}
