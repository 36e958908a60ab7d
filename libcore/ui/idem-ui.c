/* idem-ui.c — language switching for the applications
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "idem-ui"

#include "config.h"

#include "idem-ui.h"

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

  language = idem_language_get_current ();
  gtk_widget_set_default_direction (language->right_to_left ? GTK_TEXT_DIR_RTL
                                                            : GTK_TEXT_DIR_LTR);
  return TRUE;
}
