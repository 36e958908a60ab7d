/* idem-verhoeff.c — the Verhoeff check digit
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Verhoeff's scheme catches every single-digit error and every swap of two
 * adjacent digits, which is why MOSIP ends UINs, VIDs and PRIDs with it.  It
 * works in the dihedral group D5: each digit is first permuted according to
 * its position (the permutation repeats every 8 positions), then combined
 * with the running value by the group operation.
 */

#define G_LOG_DOMAIN "idem-verhoeff"

#include "config.h"

#include "idem-verhoeff.h"

#include <string.h>

/* The group operation of D5, with 0–4 the rotations and 5–9 the reflections. */
static const guint8 d5_multiply[10][10] = {
  { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 },
  { 1, 2, 3, 4, 0, 6, 7, 8, 9, 5 },
  { 2, 3, 4, 0, 1, 7, 8, 9, 5, 6 },
  { 3, 4, 0, 1, 2, 8, 9, 5, 6, 7 },
  { 4, 0, 1, 2, 3, 9, 5, 6, 7, 8 },
  { 5, 9, 8, 7, 6, 0, 4, 3, 2, 1 },
  { 6, 5, 9, 8, 7, 1, 0, 4, 3, 2 },
  { 7, 6, 5, 9, 8, 2, 1, 0, 4, 3 },
  { 8, 7, 6, 5, 9, 3, 2, 1, 0, 4 },
  { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0 },
};

/* Row i is the permutation applied to a digit i positions from the right
 * (modulo 8): row 1 applied i times. */
static const guint8 position_permutation[8][10] = {
  { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 },
  { 1, 5, 7, 6, 2, 8, 3, 0, 9, 4 },
  { 5, 8, 0, 3, 7, 9, 6, 1, 4, 2 },
  { 8, 9, 1, 6, 0, 4, 3, 5, 2, 7 },
  { 9, 4, 5, 3, 1, 2, 6, 8, 7, 0 },
  { 4, 2, 8, 6, 5, 7, 3, 9, 0, 1 },
  { 2, 7, 9, 3, 8, 0, 6, 4, 1, 5 },
  { 7, 0, 4, 6, 9, 1, 3, 2, 5, 8 },
};

static const guint8 d5_inverse[10] = { 0, 4, 3, 2, 1, 5, 6, 7, 8, 9 };

/* Folds @n_values digit values into the group, the rightmost one taking
 * position @first_position. */
static guint
fold_values (const guint8 *values,
             gsize         n_values,
             guint         first_position)
{
  guint c = 0;
  guint position = first_position;

  for (gsize i = n_values; i > 0; i--)
    {
      c = d5_multiply[c][position_permutation[position & 7][values[i - 1]]];
      position++;
    }

  return c;
}

/* Converts ASCII digits into values; FALSE when empty or not all digits. */
static gboolean
to_values (const char *digits,
           gsize       length,
           guint8     *values)
{
  if (length == 0)
    return FALSE;

  for (gsize i = 0; i < length; i++)
    {
      if (digits[i] < '0' || digits[i] > '9')
        return FALSE;
      values[i] = (guint8) (digits[i] - '0');
    }

  return TRUE;
}

/**
 * idem_verhoeff_compute_values:
 * @values: (array length=n_values): digit values, each 0–9
 * @n_values: the number of values
 *
 * Returns: the check digit value (0–9) to append to @values
 */
guint
idem_verhoeff_compute_values (const guint8 *values,
                              gsize         n_values)
{
  g_return_val_if_fail (values != NULL || n_values == 0, 0);

  /* Position 0 is the check digit's own, so the payload starts at 1. */
  return d5_inverse[fold_values (values, n_values, 1)];
}

/**
 * idem_verhoeff_validate_values:
 * @values: (array length=n_values): digit values, each 0–9, the last one
 *   being the check digit
 * @n_values: the number of values
 *
 * Returns: whether the last value is the right check digit for the others
 */
gboolean
idem_verhoeff_validate_values (const guint8 *values,
                               gsize         n_values)
{
  g_return_val_if_fail (values != NULL || n_values == 0, FALSE);

  return n_values > 0 && fold_values (values, n_values, 0) == 0;
}

/**
 * idem_verhoeff_compute:
 * @digits: ASCII digits
 * @length: the length of @digits, or -1 if it is nul-terminated
 * @check_digit: (out): the check digit, as an ASCII character
 *
 * Computes the Verhoeff check digit to append to @digits.
 *
 * Returns: %FALSE, leaving @check_digit untouched, when @digits is empty or
 *   contains anything but the digits 0–9
 */
gboolean
idem_verhoeff_compute (const char *digits,
                       gssize      length,
                       char       *check_digit)
{
  g_autofree guint8 *heap_values = NULL;
  guint8 stack_values[64];
  guint8 *values = stack_values;
  gsize n;

  g_return_val_if_fail (digits != NULL, FALSE);
  g_return_val_if_fail (check_digit != NULL, FALSE);

  n = length < 0 ? strlen (digits) : (gsize) length;
  if (n > G_N_ELEMENTS (stack_values))
    values = heap_values = g_new (guint8, n);

  if (!to_values (digits, n, values))
    return FALSE;

  *check_digit = (char) ('0' + idem_verhoeff_compute_values (values, n));
  return TRUE;
}

/**
 * idem_verhoeff_validate:
 * @number: ASCII digits ending with a Verhoeff check digit
 * @length: the length of @number, or -1 if it is nul-terminated
 *
 * Returns: whether @number is non-empty, all digits, and ends with the
 *   right check digit
 */
gboolean
idem_verhoeff_validate (const char *number,
                        gssize      length)
{
  g_autofree guint8 *heap_values = NULL;
  guint8 stack_values[64];
  guint8 *values = stack_values;
  gsize n;

  g_return_val_if_fail (number != NULL, FALSE);

  n = length < 0 ? strlen (number) : (gsize) length;
  if (n > G_N_ELEMENTS (stack_values))
    values = heap_values = g_new (guint8, n);

  if (!to_values (number, n, values))
    return FALSE;

  return idem_verhoeff_validate_values (values, n);
}
