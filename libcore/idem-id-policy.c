/* idem-id-policy.c — checking and generating numeric identifiers
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * UINs, VIDs and PRIDs are all random digits ending with a Verhoeff check
 * digit, filtered so that no number is easy to guess, to mistype into another
 * valid one, or unpleasant to carry.  The filters differ only by their
 * parameters, so they live here once and each identifier supplies a policy.
 */

#define G_LOG_DOMAIN "idem-id"

#include "config.h"

#include "idem-id-policy.h"
#include "idem-verhoeff.h"

#include <glib/gi18n-lib.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <string.h>

/* A policy that admits (almost) nothing must fail rather than spin: even the
 * strictest MOSIP policy accepts about one candidate in a hundred. */
#define MAX_DRAWS_PER_ID 10000000

/* When this many distinct-looking draws in a row were already in a batch,
 * the policy has run out of identifiers. */
#define MAX_DUPLICATES_IN_A_ROW 10000

static gboolean
policy_is_sane (const IdemIdPolicy *policy)
{
  return policy->length >= 2 && policy->length <= IDEM_ID_MAX_LENGTH;
}

static gboolean
is_even_digit (guint8 value)
{
  return value != 0 && (value & 1) == 0;
}

static gboolean
breaks_first_digit (const IdemIdPolicy *policy,
                    const guint8       *v)
{
  return policy->forbidden_first_digits != NULL
         && strchr (policy->forbidden_first_digits, '0' + v[0]) != NULL;
}

/* Whether the digits v[end - limit + 1 .. end] are an ascending or a
 * descending run. */
static gboolean
run_ends_at (const IdemIdPolicy *policy,
             const guint8       *v,
             guint               end)
{
  guint limit = policy->sequence_limit;
  guint start;

  if (limit < 2 || end + 1 < limit)
    return FALSE;

  start = end + 1 - limit;
  for (int step = -1; step <= 1; step += 2)
    {
      gboolean is_run = TRUE;

      for (guint i = start; i < end && is_run; i++)
        {
          int next = (int) v[i] + step;

          if (policy->sequence_wraps)
            next = (next + 10) % 10;
          is_run = next == v[i + 1];
        }

      if (is_run)
        return TRUE;
    }

  return FALSE;
}

/* Whether v[i] equals a digit at most repeating_limit positions before it;
 * the distance goes to @distance. */
static gboolean
repeats_at (const IdemIdPolicy *policy,
            const guint8       *v,
            guint               i,
            guint              *distance)
{
  for (guint k = 1; k <= policy->repeating_limit && k <= i; k++)
    {
      if (v[i - k] == v[i])
        {
          *distance = k;
          return TRUE;
        }
    }

  return FALSE;
}

/* Whether v[i] ends a run of repeating_run_limit identical digits. */
static gboolean
identical_run_ends_at (const IdemIdPolicy *policy,
                       const guint8       *v,
                       guint               i)
{
  guint limit = policy->repeating_run_limit;

  if (limit < 2 || i + 1 < limit)
    return FALSE;

  for (guint k = 1; k < limit; k++)
    {
      if (v[i - k] != v[i])
        return FALSE;
    }

  return TRUE;
}

/* Whether v[i] ends even_digits_limit adjacent digits from {2, 4, 6, 8}. */
static gboolean
even_run_ends_at (const IdemIdPolicy *policy,
                  const guint8       *v,
                  guint               i)
{
  guint limit = policy->even_digits_limit;

  if (limit == 0 || i + 1 < limit)
    return FALSE;

  for (guint k = 0; k < limit; k++)
    {
      if (!is_even_digit (v[i - k]))
        return FALSE;
    }

  return TRUE;
}

/* A block repeats when the same repeating_block_limit digits appear twice
 * without overlapping; any longer repeated block contains such a pair. */
static gboolean
find_repeated_block (const IdemIdPolicy *policy,
                     const guint8       *v,
                     guint               n,
                     guint              *first)
{
  guint b = policy->repeating_block_limit;

  if (b == 0 || 2 * b > n)
    return FALSE;

  /* MOSIP's usual limit, and the generator's hot path: one table lookup per
   * pair, each pair entering the table once the next one cannot overlap it. */
  if (b == 2)
    {
      gint8 start_of[100];

      memset (start_of, -1, sizeof start_of);
      for (guint j = 0; j + 2 <= n; j++)
        {
          if (j >= 2 && start_of[v[j - 2] * 10 + v[j - 1]] < 0)
            start_of[v[j - 2] * 10 + v[j - 1]] = (gint8) (j - 2);
          if (start_of[v[j] * 10 + v[j + 1]] >= 0)
            {
              *first = (guint) start_of[v[j] * 10 + v[j + 1]];
              return TRUE;
            }
        }

      return FALSE;
    }

  for (guint i = 0; i + 2 * b <= n; i++)
    {
      for (guint j = i + b; j + b <= n; j++)
        {
          if (memcmp (v + i, v + j, b) == 0)
            {
              *first = i;
              return TRUE;
            }
        }
    }

  return FALSE;
}

static const char *
find_contained (const char * const *numbers,
                const char         *id)
{
  if (numbers == NULL)
    return NULL;

  for (guint i = 0; numbers[i] != NULL; i++)
    {
      if (numbers[i][0] != '\0' && strstr (id, numbers[i]) != NULL)
        return numbers[i];
    }

  return NULL;
}

static gboolean
ends_are_equal (const IdemIdPolicy *policy,
                const guint8       *v,
                guint               n)
{
  guint e = policy->equal_ends_limit;

  return e > 0 && e <= n && memcmp (v, v + n - e, e) == 0;
}

static gboolean
ends_are_reversed (const IdemIdPolicy *policy,
                   const guint8       *v,
                   guint               n)
{
  guint e = policy->reversed_ends_limit;

  if (e == 0 || e > n)
    return FALSE;

  for (guint k = 0; k < e; k++)
    {
      if (v[k] != v[n - 1 - k])
        return FALSE;
    }

  return TRUE;
}

static gboolean
note_broken (guint       *broken,
             IdemIdError  code,
             gboolean     stop_at_first)
{
  *broken |= IDEM_ID_RULE (code);
  return stop_at_first;
}

/* Applies every rule but length and digits to the values @v of the ASCII
 * identifier @id.  Rules are checked in the order of their error codes; the
 * first one broken sets @error, which is then set to NULL so that later
 * rules only add their bit to the mask. */
static guint
check_values (const IdemIdPolicy *policy,
              const guint8       *v,
              const char         *id,
              guint               n,
              gboolean            stop_at_first,
              GError            **error)
{
  guint broken = 0;
  const char *number;
  guint at;

  if (breaks_first_digit (policy, v))
    {
      g_set_error (error, IDEM_ID_ERROR, IDEM_ID_ERROR_LEADING_DIGIT,
                   _("The identifier may not start with the digit %c."), id[0]);
      error = NULL;
      if (note_broken (&broken, IDEM_ID_ERROR_LEADING_DIGIT, stop_at_first))
        return broken;
    }

  for (guint i = 0; i < n; i++)
    {
      if (run_ends_at (policy, v, i))
        {
          g_set_error (error, IDEM_ID_ERROR, IDEM_ID_ERROR_SEQUENCE,
                       _("The digits “%.*s” are an ascending or descending run."),
                       (int) policy->sequence_limit, id + i + 1 - policy->sequence_limit);
          error = NULL;
          if (note_broken (&broken, IDEM_ID_ERROR_SEQUENCE, stop_at_first))
            return broken;
          break;
        }
    }

  for (guint i = 0; i < n; i++)
    {
      guint distance = 0;

      if (repeats_at (policy, v, i, &distance))
        {
          g_set_error (error, IDEM_ID_ERROR, IDEM_ID_ERROR_REPEATING,
                       _("The digit %c repeats too close to itself in “%.*s”."),
                       id[i], (int) distance + 1, id + i - distance);
          error = NULL;
          if (note_broken (&broken, IDEM_ID_ERROR_REPEATING, stop_at_first))
            return broken;
          break;
        }
      if (identical_run_ends_at (policy, v, i))
        {
          g_set_error (error, IDEM_ID_ERROR, IDEM_ID_ERROR_REPEATING,
                       _("The digit %c appears %u times in a row."),
                       id[i], policy->repeating_run_limit);
          error = NULL;
          if (note_broken (&broken, IDEM_ID_ERROR_REPEATING, stop_at_first))
            return broken;
          break;
        }
    }

  if (find_repeated_block (policy, v, n, &at))
    {
      g_set_error (error, IDEM_ID_ERROR, IDEM_ID_ERROR_REPEATING_BLOCK,
                   _("The block of digits “%.*s” appears twice."),
                   (int) policy->repeating_block_limit, id + at);
      error = NULL;
      if (note_broken (&broken, IDEM_ID_ERROR_REPEATING_BLOCK, stop_at_first))
        return broken;
    }

  for (guint i = 0; i < n; i++)
    {
      if (even_run_ends_at (policy, v, i))
        {
          g_set_error (error, IDEM_ID_ERROR, IDEM_ID_ERROR_EVEN_DIGITS,
                       _("The digits “%.*s” are %u adjacent digits from 2, 4, 6 and 8."),
                       (int) policy->even_digits_limit, id + i + 1 - policy->even_digits_limit,
                       policy->even_digits_limit);
          error = NULL;
          if (note_broken (&broken, IDEM_ID_ERROR_EVEN_DIGITS, stop_at_first))
            return broken;
          break;
        }
    }

  if ((number = find_contained (policy->restricted_numbers, id)) != NULL)
    {
      g_set_error (error, IDEM_ID_ERROR, IDEM_ID_ERROR_RESTRICTED,
                   _("The identifier contains the restricted number %s."), number);
      error = NULL;
      if (note_broken (&broken, IDEM_ID_ERROR_RESTRICTED, stop_at_first))
        return broken;
    }

  if ((number = find_contained (policy->cyclic_numbers, id)) != NULL)
    {
      g_set_error (error, IDEM_ID_ERROR, IDEM_ID_ERROR_CYCLIC,
                   _("The identifier contains the cyclic number %s."), number);
      error = NULL;
      if (note_broken (&broken, IDEM_ID_ERROR_CYCLIC, stop_at_first))
        return broken;
    }

  if (!idem_verhoeff_validate_values (v, n))
    {
      g_set_error_literal (error, IDEM_ID_ERROR, IDEM_ID_ERROR_CHECKSUM,
                           _("The check digit is wrong: the identifier was mistyped or made up."));
      error = NULL;
      if (note_broken (&broken, IDEM_ID_ERROR_CHECKSUM, stop_at_first))
        return broken;
    }

  if (ends_are_equal (policy, v, n))
    {
      g_set_error (error, IDEM_ID_ERROR, IDEM_ID_ERROR_EQUAL_ENDS,
                   _("The first %u digits are the same as the last %u."),
                   policy->equal_ends_limit, policy->equal_ends_limit);
      error = NULL;
      if (note_broken (&broken, IDEM_ID_ERROR_EQUAL_ENDS, stop_at_first))
        return broken;
    }

  if (ends_are_reversed (policy, v, n))
    {
      g_set_error (error, IDEM_ID_ERROR, IDEM_ID_ERROR_REVERSED_ENDS,
                   _("The first %u digits are the last %u in reverse order."),
                   policy->reversed_ends_limit, policy->reversed_ends_limit);
      error = NULL;
      note_broken (&broken, IDEM_ID_ERROR_REVERSED_ENDS, stop_at_first);
    }

  return broken;
}

/**
 * idem_id_policy_check:
 * @policy: the rules
 * @id: the identifier, as typed
 * @error: (nullable): the first rule broken
 *
 * Checks @id against every rule of @policy.  A wrong length or a character
 * that is not a digit ends the check there; otherwise every rule is checked,
 * so the result lists them all.
 *
 * Returns: a mask of IDEM_ID_RULE() bits, one for each rule broken; 0 when
 *   @id is valid
 */
guint
idem_id_policy_check (const IdemIdPolicy *policy,
                      const char         *id,
                      GError            **error)
{
  guint8 v[IDEM_ID_MAX_LENGTH];
  gsize n;

  g_return_val_if_fail (policy != NULL, IDEM_ID_RULE (IDEM_ID_ERROR_LENGTH));
  g_return_val_if_fail (policy_is_sane (policy), IDEM_ID_RULE (IDEM_ID_ERROR_LENGTH));
  g_return_val_if_fail (id != NULL, IDEM_ID_RULE (IDEM_ID_ERROR_LENGTH));
  g_return_val_if_fail (error == NULL || *error == NULL, IDEM_ID_RULE (IDEM_ID_ERROR_LENGTH));

  n = strlen (id);
  if (n != policy->length)
    {
      g_set_error (error, IDEM_ID_ERROR, IDEM_ID_ERROR_LENGTH,
                   _("The identifier has %u characters; it must have %u digits."),
                   (guint) MIN (n, G_MAXUINT), policy->length);
      return IDEM_ID_RULE (IDEM_ID_ERROR_LENGTH);
    }

  for (guint i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (id[i]))
        {
          g_set_error (error, IDEM_ID_ERROR, IDEM_ID_ERROR_NOT_DIGITS,
                       _("Character %u of the identifier is not a digit from 0 to 9."), i + 1);
          return IDEM_ID_RULE (IDEM_ID_ERROR_NOT_DIGITS);
        }
      v[i] = (guint8) (id[i] - '0');
    }

  return check_values (policy, v, id, n, FALSE, error);
}

/**
 * idem_id_policy_validate:
 * @policy: the rules
 * @id: the identifier, as typed
 * @error: (nullable): the first rule broken
 *
 * Returns: whether @id follows every rule of @policy
 */
gboolean
idem_id_policy_validate (const IdemIdPolicy *policy,
                         const char         *id,
                         GError            **error)
{
  return idem_id_policy_check (policy, id, error) == 0;
}

typedef struct
{
  guint8 bytes[512];
  gsize  position;
} RandomDigits;

static void
random_digits_init (RandomDigits *random)
{
  random->position = sizeof random->bytes;
}

static void
random_digits_clear (RandomDigits *random)
{
  /* Unused bytes would tell what the next identifiers were going to be. */
  OPENSSL_cleanse (random->bytes, sizeof random->bytes);
}

static gboolean
random_digit (RandomDigits *random,
              guint8       *digit,
              GError      **error)
{
  for (;;)
    {
      guint8 byte;

      if (random->position == sizeof random->bytes)
        {
          if (RAND_bytes (random->bytes, sizeof random->bytes) != 1)
            {
              g_set_error_literal (error, IDEM_ID_ERROR, IDEM_ID_ERROR_RANDOM,
                                   _("The system's random number generator failed."));
              return FALSE;
            }
          random->position = 0;
        }

      /* Bytes 250–255 are dropped: 250 is the largest multiple of 10 a byte
       * can hold, so every digit keeps exactly the same probability. */
      byte = random->bytes[random->position++];
      if (byte < 250)
        {
          *digit = byte % 10;
          return TRUE;
        }
    }
}

/* Rules that a prefix can already break whatever digits follow. */
static gboolean
prefix_is_hopeless (const IdemIdPolicy *policy,
                    const guint8       *v,
                    guint               i)
{
  guint distance;

  return (i == 0 && breaks_first_digit (policy, v))
         || repeats_at (policy, v, i, &distance)
         || identical_run_ends_at (policy, v, i)
         || run_ends_at (policy, v, i)
         || even_run_ends_at (policy, v, i);
}

/* Draws uniformly among the identifiers @policy accepts: each attempt draws
 * all random digits afresh and is kept only if the whole identifier passes.
 * Abandoning an attempt as soon as its prefix is hopeless only saves work; it
 * never changes which identifiers come out, nor how often. */
static gboolean
draw_id (const IdemIdPolicy *policy,
         RandomDigits       *random,
         guint8             *v,
         char               *id,
         GError            **error)
{
  guint n = policy->length;

  for (guint draws = 0; draws < MAX_DRAWS_PER_ID; draws++)
    {
      guint i;

      for (i = 0; i + 1 < n; i++)
        {
          if (!random_digit (random, &v[i], error))
            return FALSE;
          if (prefix_is_hopeless (policy, v, i))
            break;
        }
      if (i + 1 < n)
        continue;

      v[n - 1] = (guint8) idem_verhoeff_compute_values (v, n - 1);
      for (i = 0; i < n; i++)
        id[i] = (char) ('0' + v[i]);
      id[n] = '\0';

      if (check_values (policy, v, id, n, TRUE, NULL) == 0)
        return TRUE;
    }

  g_set_error_literal (error, IDEM_ID_ERROR, IDEM_ID_ERROR_EXHAUSTED,
                       _("The rules admit too few identifiers to draw one."));
  return FALSE;
}

/**
 * idem_id_policy_generate:
 * @policy: the rules
 * @error: (nullable): %IDEM_ID_ERROR_RANDOM when OpenSSL's generator failed
 *
 * Draws an identifier from OpenSSL's CSPRNG, uniformly among those that
 * follow every rule of @policy.
 *
 * Returns: (transfer full) (nullable): the identifier
 */
char *
idem_id_policy_generate (const IdemIdPolicy *policy,
                         GError            **error)
{
  RandomDigits random;
  guint8 v[IDEM_ID_MAX_LENGTH];
  char id[IDEM_ID_MAX_LENGTH + 1];
  gboolean drawn;

  g_return_val_if_fail (policy != NULL, NULL);
  g_return_val_if_fail (policy_is_sane (policy), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  random_digits_init (&random);
  drawn = draw_id (policy, &random, v, id, error);
  random_digits_clear (&random);

  return drawn ? g_strdup (id) : NULL;
}

static guint64
mix64 (guint64 x)
{
  x ^= x >> 30;
  x *= G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  x ^= x >> 27;
  x *= G_GUINT64_CONSTANT (0x94d049bb133111eb);
  x ^= x >> 31;
  return x;
}

/* Adds @key (never 0) to an open-addressing set; FALSE if already there. */
static gboolean
set_add (guint64 *slots,
         gsize    mask,
         guint64  key)
{
  gsize i = mix64 (key) & mask;

  while (slots[i] != 0)
    {
      if (slots[i] == key)
        return FALSE;
      i = (i + 1) & mask;
    }

  slots[i] = key;
  return TRUE;
}

/**
 * idem_id_policy_generate_batch:
 * @policy: the rules; identifiers of at most %IDEM_ID_MAX_BATCH_LENGTH digits
 * @count: how many identifiers to draw
 * @error: (nullable): %IDEM_ID_ERROR_RANDOM, or %IDEM_ID_ERROR_EXHAUSTED
 *   when @policy admits fewer than @count identifiers
 *
 * Draws @count distinct identifiers, as a pool to issue from: random draws
 * repeat sooner than one expects (among tens of millions of valid UINs, a
 * million draws hold thousands of duplicates), so the pool drops repeats.
 * The identifiers come in the order drawn; idem_id_policy_format() writes
 * one out.
 *
 * Returns: (transfer full) (element-type guint64) (nullable): the identifiers
 */
GArray *
idem_id_policy_generate_batch (const IdemIdPolicy *policy,
                               guint               count,
                               GError            **error)
{
  g_autoptr(GArray) ids = NULL;
  g_autofree guint64 *slots = NULL;
  RandomDigits random;
  guint8 v[IDEM_ID_MAX_LENGTH];
  char id[IDEM_ID_MAX_LENGTH + 1];
  gsize n_slots = 16;
  guint duplicates_in_a_row = 0;
  gboolean failed = FALSE;

  g_return_val_if_fail (policy != NULL, NULL);
  g_return_val_if_fail (policy_is_sane (policy), NULL);
  g_return_val_if_fail (policy->length <= IDEM_ID_MAX_BATCH_LENGTH, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  while (n_slots < 2 * (gsize) count)
    n_slots *= 2;
  slots = g_new0 (guint64, n_slots);
  ids = g_array_sized_new (FALSE, FALSE, sizeof (guint64), count);

  random_digits_init (&random);
  while (ids->len < count)
    {
      guint64 value = 0;

      if (!draw_id (policy, &random, v, id, error))
        {
          failed = TRUE;
          break;
        }

      for (guint i = 0; i < policy->length; i++)
        value = value * 10 + v[i];

      /* The set reserves 0 for empty slots: store value + 1. */
      if (set_add (slots, n_slots - 1, value + 1))
        {
          g_array_append_val (ids, value);
          duplicates_in_a_row = 0;
        }
      else if (++duplicates_in_a_row == MAX_DUPLICATES_IN_A_ROW)
        {
          g_set_error (error, IDEM_ID_ERROR, IDEM_ID_ERROR_EXHAUSTED,
                       _("The rules admit too few identifiers for %u distinct ones."), count);
          failed = TRUE;
          break;
        }
    }
  random_digits_clear (&random);

  return failed ? NULL : g_steal_pointer (&ids);
}

/**
 * idem_id_policy_format:
 * @policy: the rules the identifier was drawn by
 * @value: an identifier from idem_id_policy_generate_batch()
 *
 * Returns: (transfer full): @value written out with the policy's number of
 *   digits
 */
char *
idem_id_policy_format (const IdemIdPolicy *policy,
                       guint64             value)
{
  g_return_val_if_fail (policy != NULL, NULL);
  g_return_val_if_fail (policy->length <= IDEM_ID_MAX_BATCH_LENGTH, NULL);

  return g_strdup_printf ("%0*" G_GUINT64_FORMAT, (int) policy->length, value);
}
