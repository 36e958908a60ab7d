/* idem-rid.c — the registration ID
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A RID names one registration packet: where it was made (centre and
 * machine), the machine's running sequence number, and when.  It carries no
 * check digit, so validation checks its structure and that the timestamp is
 * a real moment that has already happened.
 */

#define G_LOG_DOMAIN "idem-rid"

#include "config.h"

#include "idem-rid.h"
#include "idem-id-error.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#define CENTRE_OFFSET    0
#define MACHINE_OFFSET   (CENTRE_OFFSET + IDEM_RID_CENTRE_LENGTH)
#define SEQUENCE_OFFSET  (MACHINE_OFFSET + IDEM_RID_MACHINE_LENGTH)
#define TIMESTAMP_OFFSET (SEQUENCE_OFFSET + IDEM_RID_SEQUENCE_LENGTH)

G_STATIC_ASSERT (TIMESTAMP_OFFSET + IDEM_RID_TIMESTAMP_LENGTH == IDEM_RID_LENGTH);
G_STATIC_ASSERT (IDEM_RID_CENTRE_LENGTH == IDEM_RID_MACHINE_LENGTH);

static gboolean
all_digits (const char *text,
            gsize       length)
{
  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return FALSE;
    }

  return TRUE;
}

static guint
parse_digits (const char *text,
              gsize       length)
{
  guint value = 0;

  for (gsize i = 0; i < length; i++)
    value = value * 10 + (guint) (text[i] - '0');

  return value;
}

/* Checks that a centre or machine id given to the builder is 5 digits. */
static gboolean
check_part (const char  *part,
            gboolean     is_centre,
            GError     **error)
{
  if (strlen (part) != IDEM_RID_CENTRE_LENGTH)
    {
      g_set_error (error, IDEM_ID_ERROR, IDEM_ID_ERROR_LENGTH,
                   is_centre ? _("The registration centre id must have %u digits.")
                             : _("The registration machine id must have %u digits."),
                   IDEM_RID_CENTRE_LENGTH);
      return FALSE;
    }

  if (!all_digits (part, IDEM_RID_CENTRE_LENGTH))
    {
      g_set_error_literal (error, IDEM_ID_ERROR, IDEM_ID_ERROR_NOT_DIGITS,
                           is_centre ? _("The registration centre id may only contain the digits 0 to 9.")
                                     : _("The registration machine id may only contain the digits 0 to 9."));
      return FALSE;
    }

  return TRUE;
}

/* Reads the timestamp of a RID already known to be 29 digits. */
static GDateTime *
parse_timestamp (const char  *rid,
                 GError     **error)
{
  const char *t = rid + TIMESTAMP_OFFSET;
  guint year = parse_digits (t, 4);
  guint month = parse_digits (t + 4, 2);
  guint day = parse_digits (t + 6, 2);
  guint hour = parse_digits (t + 8, 2);
  guint minute = parse_digits (t + 10, 2);
  guint second = parse_digits (t + 12, 2);

  /* g_date_valid_dmy() knows month lengths and leap years (no 30 February,
   * 29 February 2024 but not 2023); GDateTime would also accept hour 24. */
  if (year == 0 || month < 1 || month > 12
      || !g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year)
      || hour > 23 || minute > 59 || second > 59)
    {
      g_set_error (error, IDEM_ID_ERROR, IDEM_ID_ERROR_INVALID_DATE,
                   _("The timestamp %.*s is not a real date and time (yyyyMMddHHmmss)."),
                   IDEM_RID_TIMESTAMP_LENGTH, t);
      return NULL;
    }

  return g_date_time_new_utc ((int) year, (int) month, (int) day,
                              (int) hour, (int) minute, (double) second);
}

static gboolean
check_structure (const char  *rid,
                 GError     **error)
{
  gsize length = strlen (rid);

  if (length != IDEM_RID_LENGTH)
    {
      g_set_error (error, IDEM_ID_ERROR, IDEM_ID_ERROR_LENGTH,
                   _("The registration ID has %u characters; it must have %u digits."),
                   (guint) MIN (length, G_MAXUINT), IDEM_RID_LENGTH);
      return FALSE;
    }

  for (guint i = 0; i < length; i++)
    {
      if (!g_ascii_isdigit (rid[i]))
        {
          g_set_error (error, IDEM_ID_ERROR, IDEM_ID_ERROR_NOT_DIGITS,
                       _("Character %u of the registration ID is not a digit from 0 to 9."), i + 1);
          return FALSE;
        }
    }

  return TRUE;
}

/**
 * idem_rid_build:
 * @centre_id: the registration centre's id, 5 digits
 * @machine_id: the registration machine's id, 5 digits
 * @sequence: the machine's running number for this registration, at most
 *   %IDEM_RID_MAX_SEQUENCE
 * @timestamp: when the registration was made; written in UTC
 * @error: (nullable): %IDEM_ID_ERROR_LENGTH or %IDEM_ID_ERROR_NOT_DIGITS for
 *   a malformed id, %IDEM_ID_ERROR_OUT_OF_RANGE for a sequence or a year
 *   that does not fit
 *
 * Returns: (transfer full) (nullable): the 29-digit RID
 */
char *
idem_rid_build (const char  *centre_id,
                const char  *machine_id,
                guint        sequence,
                GDateTime   *timestamp,
                GError     **error)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autofree char *time_text = NULL;

  g_return_val_if_fail (centre_id != NULL, NULL);
  g_return_val_if_fail (machine_id != NULL, NULL);
  g_return_val_if_fail (timestamp != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_part (centre_id, TRUE, error) || !check_part (machine_id, FALSE, error))
    return NULL;

  if (sequence > IDEM_RID_MAX_SEQUENCE)
    {
      g_set_error (error, IDEM_ID_ERROR, IDEM_ID_ERROR_OUT_OF_RANGE,
                   _("The sequence number %u does not fit in %u digits."),
                   sequence, IDEM_RID_SEQUENCE_LENGTH);
      return NULL;
    }

  utc = g_date_time_to_utc (timestamp);
  if (utc == NULL || g_date_time_get_year (utc) < 1000)
    {
      g_set_error_literal (error, IDEM_ID_ERROR, IDEM_ID_ERROR_OUT_OF_RANGE,
                           _("The timestamp's year does not fit in 4 digits."));
      return NULL;
    }

  time_text = g_date_time_format (utc, "%Y%m%d%H%M%S");
  return g_strdup_printf ("%s%s%05u%s", centre_id, machine_id, sequence, time_text);
}

/**
 * idem_rid_validate_at:
 * @rid: the RID, as typed
 * @centre_id: (nullable): the centre the RID must come from, or %NULL
 * @machine_id: (nullable): the machine the RID must come from, or %NULL
 * @now: the current time
 * @future_tolerance: how far after @now the timestamp may lie
 * @error: (nullable): the first rule broken
 *
 * Checks that @rid is 29 digits, comes from the expected centre and machine
 * when they are given, and carries a real date and time (UTC) that is not
 * later than @now plus @future_tolerance.
 *
 * Returns: whether @rid is valid
 */
gboolean
idem_rid_validate_at (const char  *rid,
                      const char  *centre_id,
                      const char  *machine_id,
                      GDateTime   *now,
                      GTimeSpan    future_tolerance,
                      GError     **error)
{
  g_autoptr(GDateTime) timestamp = NULL;
  g_autoptr(GDateTime) latest = NULL;

  g_return_val_if_fail (rid != NULL, FALSE);
  g_return_val_if_fail (now != NULL, FALSE);
  g_return_val_if_fail (future_tolerance >= 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_structure (rid, error))
    return FALSE;

  if (centre_id != NULL
      && (strlen (centre_id) != IDEM_RID_CENTRE_LENGTH
          || memcmp (rid + CENTRE_OFFSET, centre_id, IDEM_RID_CENTRE_LENGTH) != 0))
    {
      g_set_error (error, IDEM_ID_ERROR, IDEM_ID_ERROR_WRONG_CENTRE,
                   _("The registration ID comes from centre %.*s, not %s."),
                   IDEM_RID_CENTRE_LENGTH, rid + CENTRE_OFFSET, centre_id);
      return FALSE;
    }

  if (machine_id != NULL
      && (strlen (machine_id) != IDEM_RID_MACHINE_LENGTH
          || memcmp (rid + MACHINE_OFFSET, machine_id, IDEM_RID_MACHINE_LENGTH) != 0))
    {
      g_set_error (error, IDEM_ID_ERROR, IDEM_ID_ERROR_WRONG_MACHINE,
                   _("The registration ID comes from machine %.*s, not %s."),
                   IDEM_RID_MACHINE_LENGTH, rid + MACHINE_OFFSET, machine_id);
      return FALSE;
    }

  timestamp = parse_timestamp (rid, error);
  if (timestamp == NULL)
    return FALSE;

  latest = g_date_time_add (now, future_tolerance);
  if (latest != NULL && g_date_time_compare (timestamp, latest) > 0)
    {
      g_autofree char *when = g_date_time_format_iso8601 (timestamp);

      g_set_error (error, IDEM_ID_ERROR, IDEM_ID_ERROR_FUTURE_DATE,
                   _("The registration ID's timestamp %s lies in the future."), when);
      return FALSE;
    }

  return TRUE;
}

/**
 * idem_rid_validate:
 * @rid: the RID, as typed
 * @centre_id: (nullable): the centre the RID must come from, or %NULL
 * @machine_id: (nullable): the machine the RID must come from, or %NULL
 * @error: (nullable): the first rule broken
 *
 * Validates @rid against the current time, allowing
 * %IDEM_RID_DEFAULT_FUTURE_TOLERANCE of clock error; see
 * idem_rid_validate_at().
 *
 * Returns: whether @rid is valid
 */
gboolean
idem_rid_validate (const char  *rid,
                   const char  *centre_id,
                   const char  *machine_id,
                   GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  g_return_val_if_fail (rid != NULL, FALSE);

  return idem_rid_validate_at (rid, centre_id, machine_id, now,
                               IDEM_RID_DEFAULT_FUTURE_TOLERANCE, error);
}

/**
 * idem_rid_get_timestamp:
 * @rid: a RID
 * @error: (nullable): why @rid has no readable timestamp
 *
 * Returns: (transfer full) (nullable): when the registration was made, in UTC
 */
GDateTime *
idem_rid_get_timestamp (const char  *rid,
                        GError     **error)
{
  g_return_val_if_fail (rid != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_structure (rid, error))
    return NULL;

  return parse_timestamp (rid, error);
}
