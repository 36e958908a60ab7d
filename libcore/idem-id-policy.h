/* idem-id-policy.h — the digit rules a numeric identifier must follow
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#if !defined(IDEM_INSIDE) && !defined(IDEM_COMPILATION)
# error "Only <idem.h> can be included directly."
#endif

#include <glib.h>

#include "idem-id-error.h"

G_BEGIN_DECLS

/* The longest identifier a policy may describe. */
#define IDEM_ID_MAX_LENGTH 32

/* The longest identifier that still fits a guint64, as batches return them. */
#define IDEM_ID_MAX_BATCH_LENGTH 19

/**
 * IdemIdPolicy:
 * @length: the number of digits, check digit included
 * @forbidden_first_digits: (nullable): digits the identifier may not start with
 * @sequence_limit: no ascending or descending run of this many digits
 *   (3 forbids 123 and 321, allows 12); 0 or 1 disables the rule
 * @sequence_wraps: whether 9 is followed by 0 in a run, so that 890, 901,
 *   210 and 109 are runs too
 * @repeating_limit: two equal digits must be more than this many positions
 *   apart (2 forbids 11 and 1x1); 0 disables the rule
 * @repeating_run_limit: no digit this many times in a row (3 forbids 111,
 *   allows 11); 0 or 1 disables the rule
 * @repeating_block_limit: no block of this many or more digits may appear
 *   twice (2 forbids 48xxx48); 0 disables the rule
 * @even_digits_limit: no this many adjacent digits from {2, 4, 6, 8};
 *   0 disables the rule
 * @restricted_numbers: (nullable) (array zero-terminated=1): numbers the
 *   identifier may not contain
 * @cyclic_numbers: (nullable) (array zero-terminated=1): cyclic numbers
 *   (142857…) the identifier may not contain
 * @equal_ends_limit: the first this many digits may not equal the last as
 *   many; 0 disables the rule
 * @reversed_ends_limit: the first this many digits may not equal the last as
 *   many reversed; 0 disables the rule
 *
 * The rules of one kind of MOSIP identifier, each a parameter with MOSIP's
 * property name in mind (`mosip.kernel.uin.length.sequence-limit` and so on).
 * The last digit is always a Verhoeff check digit, and every rule applies to
 * the whole identifier, check digit included.
 */
typedef struct
{
  guint               length;
  const char         *forbidden_first_digits;
  guint               sequence_limit;
  gboolean            sequence_wraps;
  guint               repeating_limit;
  guint               repeating_run_limit;
  guint               repeating_block_limit;
  guint               even_digits_limit;
  const char * const *restricted_numbers;
  const char * const *cyclic_numbers;
  guint               equal_ends_limit;
  guint               reversed_ends_limit;
} IdemIdPolicy;

guint    idem_id_policy_check          (const IdemIdPolicy *policy,
                                        const char         *id,
                                        GError            **error);
gboolean idem_id_policy_validate       (const IdemIdPolicy *policy,
                                        const char         *id,
                                        GError            **error);
char    *idem_id_policy_generate       (const IdemIdPolicy *policy,
                                        GError            **error);
GArray  *idem_id_policy_generate_batch (const IdemIdPolicy *policy,
                                        guint               count,
                                        GError            **error);
char    *idem_id_policy_format         (const IdemIdPolicy *policy,
                                        guint64             value);

G_END_DECLS
