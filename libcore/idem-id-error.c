/* idem-id-error.c — the error domain shared by every identifier
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "idem-id"

#include "config.h"

#include "idem-id-error.h"

#include <glib/gi18n-lib.h>

G_DEFINE_QUARK (idem-id-error-quark, idem_id_error)

typedef struct
{
  const char *name;
  const char *description;
} RuleInfo;

/* Indexed by IdemIdError.  The names are the ones MOSIP's published test
 * values use to say which rule a value breaks; they are stable, so scripts
 * may match on them. */
static const RuleInfo rules[] = {
  [IDEM_ID_ERROR_LENGTH] = { "length", N_("The identifier does not have the expected number of digits.") },
  [IDEM_ID_ERROR_NOT_DIGITS] = { "digits", N_("The identifier may only contain the digits 0 to 9.") },
  [IDEM_ID_ERROR_LEADING_DIGIT] = { "first-digit", N_("The identifier starts with a digit that is not allowed first.") },
  [IDEM_ID_ERROR_SEQUENCE] = { "sequence", N_("The identifier contains an ascending or descending run of digits.") },
  [IDEM_ID_ERROR_REPEATING] = { "repeat", N_("A digit repeats too close to itself.") },
  [IDEM_ID_ERROR_REPEATING_BLOCK] = { "block", N_("A block of digits appears twice.") },
  [IDEM_ID_ERROR_EVEN_DIGITS] = { "even", N_("Too many adjacent digits are among 2, 4, 6 and 8.") },
  [IDEM_ID_ERROR_RESTRICTED] = { "restricted", N_("The identifier contains a restricted number.") },
  [IDEM_ID_ERROR_CYCLIC] = { "cyclic", N_("The identifier contains a cyclic number.") },
  [IDEM_ID_ERROR_CHECKSUM] = { "checksum", N_("The check digit is wrong: the identifier was mistyped or made up.") },
  [IDEM_ID_ERROR_EQUAL_ENDS] = { "equal", N_("The first digits are the same as the last digits.") },
  [IDEM_ID_ERROR_REVERSED_ENDS] = { "reverse", N_("The first digits are the last digits reversed.") },
  [IDEM_ID_ERROR_INVALID_DATE] = { "date", N_("The timestamp is not a real date and time.") },
  [IDEM_ID_ERROR_FUTURE_DATE] = { "future", N_("The timestamp lies in the future.") },
  [IDEM_ID_ERROR_WRONG_CENTRE] = { "centre", N_("The registration centre is not the expected one.") },
  [IDEM_ID_ERROR_WRONG_MACHINE] = { "machine", N_("The registration machine is not the expected one.") },
  [IDEM_ID_ERROR_OUT_OF_RANGE] = { "range", N_("A part of the identifier does not fit its field.") },
  [IDEM_ID_ERROR_RANDOM] = { "random", N_("The system's random number generator failed.") },
  [IDEM_ID_ERROR_EXHAUSTED] = { "exhausted", N_("The rules admit fewer distinct identifiers than were asked for.") },
};

/**
 * idem_id_error_get_rule_name:
 * @code: an #IdemIdError
 *
 * Returns: the short, untranslated and stable name of the rule @code stands
 *   for ("checksum", "sequence", …), or %NULL for an unknown code
 */
const char *
idem_id_error_get_rule_name (IdemIdError code)
{
  if ((guint) code >= G_N_ELEMENTS (rules))
    return NULL;

  return rules[code].name;
}

/**
 * idem_id_error_describe:
 * @code: an #IdemIdError
 *
 * Returns: a translated sentence explaining the rule @code stands for, or
 *   %NULL for an unknown code
 */
const char *
idem_id_error_describe (IdemIdError code)
{
  if ((guint) code >= G_N_ELEMENTS (rules))
    return NULL;

  return g_dgettext (GETTEXT_PACKAGE, rules[code].description);
}
