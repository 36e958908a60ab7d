/* kiosk-individual-id.c — recognising the UIN or VID a resident types
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "kiosk-individual-id"

#include "config.h"

#include "kiosk-individual-id.h"

#include <glib/gi18n.h>

G_DEFINE_QUARK (kiosk-individual-id-error-quark, kiosk_individual_id_error)

/**
 * kiosk_individual_id_parse:
 * @text: what the resident typed
 * @digits: (out) (optional): the number in ASCII digits, without the spaces
 *   and hyphens a card prints between groups of digits
 * @error: return location for a #GError in %KIOSK_INDIVIDUAL_ID_ERROR
 *
 * Tells a UIN (10 digits) from a VID (16 digits) by its length.  This only
 * checks the shape of the number; whether it exists is for the server.
 *
 * Returns: the kind of number, or %KIOSK_INDIVIDUAL_ID_NONE with @error set
 */
KioskIndividualIdType
kiosk_individual_id_parse (const char  *text,
                           char       **digits,
                           GError     **error)
{
  g_autoptr(GString) kept = NULL;
  guint n_digits;

  g_return_val_if_fail (text != NULL, KIOSK_INDIVIDUAL_ID_NONE);
  g_return_val_if_fail (error == NULL || *error == NULL, KIOSK_INDIVIDUAL_ID_NONE);

  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, KIOSK_INDIVIDUAL_ID_ERROR, KIOSK_INDIVIDUAL_ID_ERROR_NOT_DIGITS,
                           _("A UIN or VID has only digits, 0 to 9."));
      return KIOSK_INDIVIDUAL_ID_NONE;
    }

  /* Digits of any script count, so that a resident may type the
   * Arabic-Indic digits their keyboard gives them. */
  kept = g_string_new (NULL);
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      int value;

      if (c == '-' || g_unichar_isspace (c))
        continue;

      value = g_unichar_digit_value (c);
      if (value < 0)
        {
          g_set_error_literal (error, KIOSK_INDIVIDUAL_ID_ERROR, KIOSK_INDIVIDUAL_ID_ERROR_NOT_DIGITS,
                               _("A UIN or VID has only digits, 0 to 9."));
          return KIOSK_INDIVIDUAL_ID_NONE;
        }

      g_string_append_c (kept, '0' + value);
    }

  n_digits = kept->len;
  if (n_digits == 0)
    {
      g_set_error_literal (error, KIOSK_INDIVIDUAL_ID_ERROR, KIOSK_INDIVIDUAL_ID_ERROR_EMPTY,
                           _("Enter your UIN or VID."));
      return KIOSK_INDIVIDUAL_ID_NONE;
    }

  if (n_digits != KIOSK_UIN_LENGTH && n_digits != KIOSK_VID_LENGTH)
    {
      g_set_error (error, KIOSK_INDIVIDUAL_ID_ERROR, KIOSK_INDIVIDUAL_ID_ERROR_WRONG_LENGTH,
                   ngettext ("A UIN has 10 digits and a VID has 16, but this number has %u digit.",
                             "A UIN has 10 digits and a VID has 16, but this number has %u digits.",
                             n_digits),
                   n_digits);
      return KIOSK_INDIVIDUAL_ID_NONE;
    }

  if (digits != NULL)
    *digits = g_string_free (g_steal_pointer (&kept), FALSE);

  return n_digits == KIOSK_UIN_LENGTH ? KIOSK_INDIVIDUAL_ID_UIN : KIOSK_INDIVIDUAL_ID_VID;
}
