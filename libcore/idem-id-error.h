/* idem-id-error.h — why an identifier was rejected
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#if !defined(IDEM_INSIDE) && !defined(IDEM_COMPILATION)
# error "Only <idem.h> can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

#define IDEM_ID_ERROR (idem_id_error_quark ())

/**
 * IdemIdError:
 * @IDEM_ID_ERROR_LENGTH: the identifier does not have the expected length
 * @IDEM_ID_ERROR_NOT_DIGITS: the identifier contains something else than the digits 0–9
 * @IDEM_ID_ERROR_LEADING_DIGIT: the identifier starts with a forbidden digit (0 or 1)
 * @IDEM_ID_ERROR_SEQUENCE: the identifier contains an ascending or descending run (123, 321)
 * @IDEM_ID_ERROR_REPEATING: a digit repeats too close to itself (11, 1x1 or 111)
 * @IDEM_ID_ERROR_REPEATING_BLOCK: a block of digits appears twice
 * @IDEM_ID_ERROR_EVEN_DIGITS: too many adjacent digits from {2, 4, 6, 8}
 * @IDEM_ID_ERROR_RESTRICTED: the identifier contains a restricted number (786, 666)
 * @IDEM_ID_ERROR_CYCLIC: the identifier contains a cyclic number (142857)
 * @IDEM_ID_ERROR_CHECKSUM: the Verhoeff check digit is wrong
 * @IDEM_ID_ERROR_EQUAL_ENDS: the first digits equal the last digits
 * @IDEM_ID_ERROR_REVERSED_ENDS: the first digits equal the last digits reversed
 * @IDEM_ID_ERROR_INVALID_DATE: the timestamp is not a real date and time
 * @IDEM_ID_ERROR_FUTURE_DATE: the timestamp lies in the future
 * @IDEM_ID_ERROR_WRONG_CENTRE: the centre id is not the expected one
 * @IDEM_ID_ERROR_WRONG_MACHINE: the machine id is not the expected one
 * @IDEM_ID_ERROR_OUT_OF_RANGE: a part given to a builder does not fit its field
 * @IDEM_ID_ERROR_RANDOM: the random number generator failed
 * @IDEM_ID_ERROR_EXHAUSTED: the policy admits fewer distinct identifiers than asked for
 *
 * Stable codes: each names the rule an identifier broke, so callers and
 * users learn what is wrong, not only that something is.  New codes are only
 * ever appended.
 */
typedef enum
{
  IDEM_ID_ERROR_LENGTH,
  IDEM_ID_ERROR_NOT_DIGITS,
  IDEM_ID_ERROR_LEADING_DIGIT,
  IDEM_ID_ERROR_SEQUENCE,
  IDEM_ID_ERROR_REPEATING,
  IDEM_ID_ERROR_REPEATING_BLOCK,
  IDEM_ID_ERROR_EVEN_DIGITS,
  IDEM_ID_ERROR_RESTRICTED,
  IDEM_ID_ERROR_CYCLIC,
  IDEM_ID_ERROR_CHECKSUM,
  IDEM_ID_ERROR_EQUAL_ENDS,
  IDEM_ID_ERROR_REVERSED_ENDS,
  IDEM_ID_ERROR_INVALID_DATE,
  IDEM_ID_ERROR_FUTURE_DATE,
  IDEM_ID_ERROR_WRONG_CENTRE,
  IDEM_ID_ERROR_WRONG_MACHINE,
  IDEM_ID_ERROR_OUT_OF_RANGE,
  IDEM_ID_ERROR_RANDOM,
  IDEM_ID_ERROR_EXHAUSTED,
} IdemIdError;

/**
 * IDEM_ID_RULE:
 * @code: an #IdemIdError
 *
 * The bit standing for @code in a mask of broken rules, as returned by
 * idem_id_policy_check().
 */
#define IDEM_ID_RULE(code) (1u << (code))

GQuark      idem_id_error_quark         (void);
const char *idem_id_error_get_rule_name (IdemIdError code);
const char *idem_id_error_describe      (IdemIdError code);

G_END_DECLS
