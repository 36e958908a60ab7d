/* idem-ui.c — language switching for the applications
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "idem-ui"

#include "config.h"

#include "idem-ui.h"

#include <libintl.h>

/* glibc caches every translation it found, and a cached entry stays valid until
 * a catalogue is loaded.  Switching back to a language whose catalogue is
 * already loaded loads nothing, so without this bump gettext would keep
 * answering in the previous language.  The GNU gettext manual documents the
 * counter for exactly this case. */
extern int _nl_msg_cat_cntr;

/**
 * idem_ui_i18n_init:
 *
 * Sets up gettext like idem_i18n_init(), for a program that switches
 * language while it runs.  Call it first thing in `main()`, before any
 * thread exists and before anything is translated.
 *
 * GLib decides once per process, at the first g_dgettext() call, whether to
 * translate at all, and it refuses for good when the default text domain has
 * no catalogue for the language in force at that moment: under the C.UTF-8
 * locale, or in a session language Idem has no translation for, no later
 * language switch would ever reach GtkBuilder's strings.  That first call is
 * made here, with a language Idem does have, and then the environment is put
 * back as it was.
 */
void
idem_ui_i18n_init (void)
{
  /* gettext's answer for the empty message is the catalogue's header. */
  static const char header_msgid[] = "";
  g_autofree char *saved = g_strdup (g_getenv ("LANGUAGE"));
  const IdemLanguage *languages;
  guint n_languages = 0;

  idem_i18n_init ();

  languages = idem_language_get_all (&n_languages);
  for (guint i = 0; i < n_languages; i++)
    {
      g_setenv ("LANGUAGE", languages[i].code, TRUE);
      ++_nl_msg_cat_cntr;
      if (*gettext (header_msgid) != '\0')
        break;
    }

  /* With a header found, GLib records that this program has translations. */
  (void) g_dgettext (GETTEXT_PACKAGE, header_msgid);

  if (saved != NULL)
    g_setenv ("LANGUAGE", saved, TRUE);
  else
    g_unsetenv ("LANGUAGE");
  ++_nl_msg_cat_cntr;
}

/**
 * idem_ui_apply_language:
 * @code: a language code from idem_language_get_all()
 *
 * Makes @code the language of messages and sets the default text direction
 * to match it, so Arabic lays out right to left.  Widgets that are already
 * built keep their strings: the caller rebuilds its content afterwards.
 *
 * Returns: %TRUE when the language is known and applied
 */
gboolean
idem_ui_apply_language (const char *code)
{
  const IdemLanguage *language;

  g_return_val_if_fail (code != NULL, FALSE);

  if (!idem_language_set_current (code))
    return FALSE;

  ++_nl_msg_cat_cntr;

  language = idem_language_get_current ();
  gtk_widget_set_default_direction (language->right_to_left ? GTK_TEXT_DIR_RTL
                                                            : GTK_TEXT_DIR_LTR);
  return TRUE;
}

static const IdemLanguage *
stored_language (GSettings  *settings,
                 const char *key)
{
  g_autofree char *code = g_settings_get_string (settings, key);
  const IdemLanguage *language = NULL;

  if (code[0] != '\0')
    language = idem_language_lookup (code);

  /* An empty or unknown stored value means "the session's language". */
  return language != NULL ? language : idem_language_get_default ();
}

static void
language_settings_changed_cb (GSettings     *settings,
                              const char    *key,
                              GSimpleAction *action)
{
  const IdemLanguage *language = stored_language (settings, key);

  idem_ui_apply_language (language->code);
  g_simple_action_set_state (action, g_variant_new_string (language->code));
}

static void
language_change_state_cb (GSimpleAction *action,
                          GVariant      *value,
                          gpointer       user_data)
{
  GSettings *settings = g_object_get_data (G_OBJECT (action), "idem-settings");
  const char *key = g_object_get_data (G_OBJECT (action), "idem-settings-key");
  const IdemLanguage *language;

  language = idem_language_lookup (g_variant_get_string (value, NULL));
  if (language == NULL)
    {
      g_debug ("Ignoring a request for the unknown language “%s”",
               g_variant_get_string (value, NULL));
      return;
    }

  /* The settings are the one place the choice lives: writing them applies
   * it, through the changed signal, also when another process writes them. */
  g_settings_set_string (settings, key, language->code);
}

/**
 * idem_language_action_new:
 * @settings: the application's settings
 * @key: the string key that stores the language code
 *
 * Creates the stateful `language` action an application adds to itself as
 * `app.language`.  Its state is the code of the language in use; changing
 * it to a known code stores the code in @key, and every change of @key
 * (from the action or from outside) applies the language with
 * idem_ui_apply_language() and updates the state.  An unknown code changes
 * nothing.
 *
 * The stored language is applied at once.  Applications watch
 * `notify::state` to rebuild their windows in the new language.
 *
 * Returns: (transfer full): a new action named "language"
 */
GSimpleAction *
idem_language_action_new (GSettings  *settings,
                          const char *key)
{
  g_autofree char *signal = NULL;
  const IdemLanguage *language;
  GSimpleAction *action;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  language = stored_language (settings, key);
  idem_ui_apply_language (language->code);

  action = g_simple_action_new_stateful ("language", G_VARIANT_TYPE_STRING,
                                         g_variant_new_string (language->code));
  g_object_set_data_full (G_OBJECT (action), "idem-settings",
                          g_object_ref (settings), g_object_unref);
  g_object_set_data_full (G_OBJECT (action), "idem-settings-key",
                          g_strdup (key), g_free);
  g_signal_connect (action, "change-state", G_CALLBACK (language_change_state_cb), NULL);

  signal = g_strdup_printf ("changed::%s", key);
  g_signal_connect_object (settings, signal, G_CALLBACK (language_settings_changed_cb),
                           action, 0);

  return action;
}
