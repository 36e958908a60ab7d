/* idem-language.c — the languages Idem speaks, and switching between them
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "idem-language"

#include "config.h"

#include "idem.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

/* The order is the order shown to users: each name in its own script, so a
 * resident finds their language whatever language the screen is in now. */
static const IdemLanguage languages[] = {
  { "en", "eng", "English", FALSE },
  { "fr", "fra", "Français", FALSE },
  { "ar", "ara", "العربية", TRUE },
};

static const IdemLanguage *current_language;

/**
 * idem_i18n_init:
 *
 * Sets up gettext for the project's text domain.  Call it once from `main()`,
 * before any thread is started.
 *
 * `IDEM_LOCALEDIR` overrides the compiled-in catalogue directory, so an
 * uninstalled build (the demo and the tests) finds the catalogues it just
 * compiled.  When the process runs in the "C" locale, messages are moved to
 * C.UTF-8: glibc ignores `LANGUAGE` under "C", and switching language at run
 * time depends on `LANGUAGE`.
 */
void
idem_i18n_init (void)
{
  const char *localedir = g_getenv ("IDEM_LOCALEDIR");
  const char *messages;

  setlocale (LC_ALL, "");

  messages = setlocale (LC_MESSAGES, NULL);
  if (messages == NULL || g_str_equal (messages, "C") || g_str_equal (messages, "POSIX"))
    setlocale (LC_MESSAGES, "C.UTF-8");

  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

/**
 * idem_language_get_all:
 * @n_languages: (out): the number of languages
 *
 * Returns: (transfer none) (array length=n_languages): every language the
 *   interface is translated into, in display order
 */
const IdemLanguage *
idem_language_get_all (guint *n_languages)
{
  g_return_val_if_fail (n_languages != NULL, NULL);

  *n_languages = G_N_ELEMENTS (languages);
  return languages;
}

/**
 * idem_language_lookup:
 * @code: an ISO 639-1 or ISO 639-3 code, optionally with a territory ("fr_FR")
 *
 * Returns: (transfer none) (nullable): the language, or %NULL when Idem has no
 *   translation for it
 */
const IdemLanguage *
idem_language_lookup (const char *code)
{
  g_autofree char *base = NULL;

  g_return_val_if_fail (code != NULL, NULL);

  base = g_strndup (code, strcspn (code, "_.@-"));

  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    {
      if (g_ascii_strcasecmp (base, languages[i].code) == 0 ||
          g_ascii_strcasecmp (base, languages[i].iso639_3) == 0)
        return &languages[i];
    }

  return NULL;
}

/**
 * idem_language_get_default:
 *
 * Returns: (transfer none): the language of the user's locale when Idem has
 *   it, English otherwise
 */
const IdemLanguage *
idem_language_get_default (void)
{
  const char * const *names = g_get_language_names ();

  for (guint i = 0; names[i] != NULL; i++)
    {
      const IdemLanguage *language = idem_language_lookup (names[i]);

      if (language != NULL)
        return language;
    }

  return &languages[0];
}

/**
 * idem_language_get_current:
 *
 * Returns: (transfer none): the language set with idem_language_set_current(),
 *   or the default language
 */
const IdemLanguage *
idem_language_get_current (void)
{
  if (current_language == NULL)
    return idem_language_get_default ();

  return current_language;
}

/**
 * idem_language_set_current:
 * @code: the code of a language from idem_language_get_all()
 *
 * Makes @code the language of every message looked up from now on.  Strings
 * already on screen stay as they are: callers rebuild what they show.
 *
 * Call it from the main thread only: it changes the process environment.
 *
 * Returns: %TRUE when the language is known and now current
 */
gboolean
idem_language_set_current (const char *code)
{
  const IdemLanguage *language;

  g_return_val_if_fail (code != NULL, FALSE);

  language = idem_language_lookup (code);
  if (language == NULL)
    return FALSE;

  current_language = language;
  g_setenv ("LANGUAGE", language->code, TRUE);

  return TRUE;
}
