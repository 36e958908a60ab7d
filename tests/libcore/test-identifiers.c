/* test-identifiers.c — Verhoeff, UIN, VID, PRID and RID against MOSIP's values
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Every value of the shared identifiers.json gives the result it states, and
 * for UINs and VIDs the exact set of rules it lists as broken.
 */

#include "config.h"

#include "idem.h"

#include <json-glib/json-glib.h>
#include <string.h>

static JsonObject *vectors;

static JsonObject *
load_vectors (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  const char *shared_dir = g_getenv ("IDEM_SHARED_DIR");

  g_assert_nonnull (shared_dir);
  path = g_build_filename (shared_dir, "vectors", "identifiers.json", NULL);
  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);

  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static JsonObject *
section (const char *name)
{
  g_assert_true (json_object_has_member (vectors, name));
  return json_object_get_object_member (vectors, name);
}

/* Maps the rule names identifiers.json uses to our error codes. */
static guint
parse_breaks (const char *text)
{
  g_auto(GStrv) names = NULL;
  guint mask = 0;

  g_assert_true (g_str_has_prefix (text, "breaks: "));
  names = g_strsplit (text + strlen ("breaks: "), ", ", -1);
  for (guint i = 0; names[i] != NULL; i++)
    {
      gboolean found = FALSE;

      for (IdemIdError code = 0; idem_id_error_get_rule_name (code) != NULL; code++)
        {
          if (g_str_equal (idem_id_error_get_rule_name (code), names[i]))
            {
              mask |= IDEM_ID_RULE (code);
              found = TRUE;
            }
        }
      if (!found)
        g_error ("unknown rule name “%s” in identifiers.json", names[i]);
    }

  return mask;
}

/* The lowest bit set: rules are checked in code order, so it is the error. */
static IdemIdError
first_rule (guint mask)
{
  g_assert_cmpuint (mask, !=, 0);
  return (IdemIdError) g_bit_nth_lsf (mask, -1);
}

static char *
describe_mask (guint mask)
{
  GString *names = g_string_new (NULL);

  for (IdemIdError code = 0; idem_id_error_get_rule_name (code) != NULL; code++)
    {
      if (mask & IDEM_ID_RULE (code))
        g_string_append_printf (names, "%s%s", names->len ? ", " : "", idem_id_error_get_rule_name (code));
    }

  return g_string_free (names, FALSE);
}

static void
test_verhoeff_vectors (void)
{
  JsonObject *verhoeff = section ("verhoeff");
  JsonObject *check_digits = json_object_get_object_member (verhoeff, "check_digit");
  JsonArray *valid = json_object_get_array_member (verhoeff, "valid");
  JsonArray *invalid = json_object_get_array_member (verhoeff, "invalid");
  g_autoptr(GList) members = json_object_get_members (check_digits);

  g_assert_cmpuint (g_list_length (members), >=, 9);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *digits = l->data;
      const char *expected = json_object_get_string_member (check_digits, digits);
      g_autofree char *with_check = NULL;
      char check = 'x';

      g_assert_true (idem_verhoeff_compute (digits, -1, &check));
      g_assert_cmpint (check, ==, expected[0]);

      with_check = g_strdup_printf ("%s%c", digits, check);
      g_assert_true (idem_verhoeff_validate (with_check, -1));
    }

  g_assert_cmpuint (json_array_get_length (valid), >, 0);
  for (guint i = 0; i < json_array_get_length (valid); i++)
    g_assert_true (idem_verhoeff_validate (json_array_get_string_element (valid, i), -1));

  g_assert_cmpuint (json_array_get_length (invalid), >, 0);
  for (guint i = 0; i < json_array_get_length (invalid); i++)
    g_assert_false (idem_verhoeff_validate (json_array_get_string_element (invalid, i), -1));
}

static void
test_verhoeff_bad_input (void)
{
  char check = 'x';

  g_assert_false (idem_verhoeff_compute ("", -1, &check));
  g_assert_false (idem_verhoeff_compute ("12a4", -1, &check));
  g_assert_false (idem_verhoeff_compute ("12 4", -1, &check));
  g_assert_cmpint (check, ==, 'x');
  g_assert_false (idem_verhoeff_validate ("", -1));
  g_assert_false (idem_verhoeff_validate ("2363 ", -1));
  g_assert_false (idem_verhoeff_validate ("-2363", -1));

  /* An explicit length reads only that many characters. */
  g_assert_true (idem_verhoeff_validate ("2363xyz", 4));
  g_assert_true (idem_verhoeff_compute ("236999", 3, &check));
  g_assert_cmpint (check, ==, '3');

  /* Long numbers take the heap path. */
  {
    g_autofree char *long_number = g_strnfill (100, '7');

    g_assert_true (idem_verhoeff_compute (long_number, 99, &check));
    long_number[99] = check;
    g_assert_true (idem_verhoeff_validate (long_number, -1));
  }
}

/* Verhoeff's promise: every single-digit error and every swap of two
 * different adjacent digits changes the check. */
static void
test_verhoeff_detects_errors (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (169);

  for (guint round = 0; round < 2000; round++)
    {
      char number[24];
      guint length = g_rand_int_range (rand, 2, 20);

      for (guint i = 0; i + 1 < length; i++)
        number[i] = (char) ('0' + g_rand_int_range (rand, 0, 10));
      g_assert_true (idem_verhoeff_compute (number, length - 1, &number[length - 1]));
      number[length] = '\0';
      g_assert_true (idem_verhoeff_validate (number, -1));

      for (guint i = 0; i < length; i++)
        {
          char saved = number[i];

          for (char d = '0'; d <= '9'; d++)
            {
              if (d == saved)
                continue;
              number[i] = d;
              g_assert_false (idem_verhoeff_validate (number, -1));
            }
          number[i] = saved;

          if (i + 1 < length && number[i] != number[i + 1])
            {
              number[i] = number[i + 1];
              number[i + 1] = saved;
              g_assert_false (idem_verhoeff_validate (number, -1));
              number[i + 1] = number[i];
              number[i] = saved;
            }
        }
    }
}

typedef guint (*CheckFunc) (const IdemIdPolicy *policy,
                            const char         *id,
                            GError            **error);

static void
check_breaks_vectors (const char *name,
                      CheckFunc   check)
{
  JsonObject *ids = section (name);
  JsonArray *valid = json_object_get_array_member (ids, "valid");
  JsonObject *invalid = json_object_get_object_member (ids, "invalid");
  g_autoptr(GList) members = json_object_get_members (invalid);

  g_assert_cmpuint (json_array_get_length (valid), >, 0);
  for (guint i = 0; i < json_array_get_length (valid); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_cmpuint (check (NULL, json_array_get_string_element (valid, i), &error), ==, 0);
      g_assert_no_error (error);
    }

  g_assert_cmpuint (g_list_length (members), >, 0);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *id = l->data;
      guint expected = parse_breaks (json_object_get_string_member (invalid, id));
      g_autoptr(GError) error = NULL;
      guint broken = check (NULL, id, &error);

      if (broken != expected)
        {
          g_autofree char *got = describe_mask (broken);
          g_autofree char *want = describe_mask (expected);

          g_error ("%s %s breaks [%s], expected [%s]", name, id, got, want);
        }
      g_assert_error (error, IDEM_ID_ERROR, (int) first_rule (expected));
      g_assert_cmpstr (error->message, !=, "");
    }
}

static void
test_uin_vectors (void)
{
  JsonArray *valid = json_object_get_array_member (section ("uin"), "valid");

  check_breaks_vectors ("uin", idem_uin_check);

  for (guint i = 0; i < json_array_get_length (valid); i++)
    g_assert_true (idem_uin_validate (json_array_get_string_element (valid, i), NULL));
}

static void
test_vid_vectors (void)
{
  JsonArray *valid = json_object_get_array_member (section ("vid"), "valid");

  check_breaks_vectors ("vid", idem_vid_check);

  for (guint i = 0; i < json_array_get_length (valid); i++)
    g_assert_true (idem_vid_validate (json_array_get_string_element (valid, i), NULL));
}

/* PRID and RID values explain in words what is wrong; each maps to a code. */
typedef struct
{
  const char  *word;
  IdemIdError  code;
} WordToCode;

static IdemIdError
code_for_description (const WordToCode *table,
                      const char       *description)
{
  for (guint i = 0; table[i].word != NULL; i++)
    {
      if (strstr (description, table[i].word) != NULL)
        return table[i].code;
    }

  g_error ("no error code for “%s”", description);
}

static void
test_prid_vectors (void)
{
  static const WordToCode words[] = {
    { "too short", IDEM_ID_ERROR_LENGTH },
    { "starts with", IDEM_ID_ERROR_LEADING_DIGIT },
    { "checksum", IDEM_ID_ERROR_CHECKSUM },
    { "not numeric", IDEM_ID_ERROR_NOT_DIGITS },
    { "repeated block", IDEM_ID_ERROR_REPEATING_BLOCK },
    { "sequence", IDEM_ID_ERROR_SEQUENCE },
    { "restricted", IDEM_ID_ERROR_RESTRICTED },
    { NULL, 0 }
  };
  JsonObject *prid = section ("prid");
  JsonArray *valid = json_object_get_array_member (prid, "valid");
  JsonObject *invalid = json_object_get_object_member (prid, "invalid");
  g_autoptr(GList) members = json_object_get_members (invalid);
  IdemIdPolicy policy;

  idem_prid_policy_init (&policy);

  g_assert_cmpuint (json_array_get_length (valid), >, 0);
  for (guint i = 0; i < json_array_get_length (valid); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (idem_prid_validate (json_array_get_string_element (valid, i), &error));
      g_assert_no_error (error);
    }

  g_assert_cmpuint (g_list_length (members), >, 0);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *id = l->data;
      IdemIdError code = code_for_description (words, json_object_get_string_member (invalid, id));
      g_autoptr(GError) error = NULL;
      guint broken = idem_id_policy_check (&policy, id, NULL);

      g_assert_false (idem_prid_validate (id, &error));
      g_assert_nonnull (error);
      g_assert_true (error->domain == IDEM_ID_ERROR);
      if ((broken & IDEM_ID_RULE (code)) == 0)
        g_error ("PRID %s does not break rule %s", id, idem_id_error_get_rule_name (code));
    }
}

static GDateTime *
rid_now (void)
{
  return g_date_time_new_utc (2026, 11, 22, 12, 0, 0);
}

static void
test_rid_vectors (void)
{
  static const WordToCode words[] = {
    { "centre", IDEM_ID_ERROR_WRONG_CENTRE },
    { "machine", IDEM_ID_ERROR_WRONG_MACHINE },
    { "month", IDEM_ID_ERROR_INVALID_DATE },
    { "day", IDEM_ID_ERROR_INVALID_DATE },
    { "hour", IDEM_ID_ERROR_INVALID_DATE },
    { "minute", IDEM_ID_ERROR_INVALID_DATE },
    { "second", IDEM_ID_ERROR_INVALID_DATE },
    { "not numeric", IDEM_ID_ERROR_NOT_DIGITS },
    { "too short", IDEM_ID_ERROR_LENGTH },
    { NULL, 0 }
  };
  JsonObject *rid = section ("rid");
  const char *centre = json_object_get_string_member (rid, "centre");
  const char *machine = json_object_get_string_member (rid, "machine");
  JsonArray *valid = json_object_get_array_member (rid, "valid");
  JsonObject *invalid = json_object_get_object_member (rid, "invalid");
  g_autoptr(GList) members = json_object_get_members (invalid);
  g_autoptr(GDateTime) now = rid_now ();

  g_assert_cmpuint (json_array_get_length (valid), >, 0);
  for (guint i = 0; i < json_array_get_length (valid); i++)
    {
      const char *id = json_array_get_string_element (valid, i);
      g_autoptr(GError) error = NULL;

      g_assert_true (idem_rid_validate_at (id, centre, machine, now, 0, &error));
      g_assert_no_error (error);
      g_assert_true (idem_rid_validate (id, centre, machine, &error));
      g_assert_no_error (error);
      g_assert_true (idem_rid_validate (id, NULL, NULL, &error));
      g_assert_no_error (error);
    }

  g_assert_cmpuint (g_list_length (members), >, 0);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *id = l->data;
      IdemIdError code = code_for_description (words, json_object_get_string_member (invalid, id));
      g_autoptr(GError) error = NULL;

      g_assert_false (idem_rid_validate_at (id, centre, machine, now, 0, &error));
      g_assert_error (error, IDEM_ID_ERROR, (int) code);
    }
}

static void
test_rid_round_trip (void)
{
  g_autoptr(GDateTime) now = rid_now ();
  g_autoptr(GTimeZone) plus_three = g_time_zone_new_offset (3 * 3600);
  g_autoptr(GDateTime) local = g_date_time_new (plus_three, 2024, 2, 29, 1, 2, 3);
  g_autoptr(GDateTime) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *rid = NULL;
  g_autofree char *last = NULL;

  /* 01:02:03 at UTC+3 is written as the UTC time of the day before. */
  rid = idem_rid_build ("10001", "20002", 42, local, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rid, ==, "10001200020004220240228220203");
  g_assert_cmpuint (strlen (rid), ==, IDEM_RID_LENGTH);

  g_assert_true (idem_rid_validate_at (rid, "10001", "20002", now, 0, &error));
  g_assert_no_error (error);

  parsed = idem_rid_get_timestamp (rid, &error);
  g_assert_no_error (error);
  g_assert_true (g_date_time_equal (parsed, local));

  last = idem_rid_build ("99999", "00000", IDEM_RID_MAX_SEQUENCE, now, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (last, ==, "99999000009999920261122120000");
  g_assert_true (idem_rid_validate_at (last, "99999", "00000", now, 0, &error));
  g_assert_no_error (error);
}

static void
assert_rid_rejected (const char  *rid,
                     const char  *centre,
                     const char  *machine,
                     IdemIdError  code)
{
  g_autoptr(GDateTime) now = rid_now ();
  g_autoptr(GError) error = NULL;

  g_assert_false (idem_rid_validate_at (rid, centre, machine, now, G_TIME_SPAN_HOUR, &error));
  g_assert_error (error, IDEM_ID_ERROR, (int) code);
  g_assert_cmpstr (error->message, !=, "");
}

static void
test_rid_rejections (void)
{
  g_autoptr(GDateTime) now = rid_now ();
  g_autoptr(GDateTime) future = g_date_time_add_minutes (now, 61);
  g_autoptr(GDateTime) soon = g_date_time_add_minutes (now, 59);
  g_autoptr(GDateTime) ancient = g_date_time_new_utc (999, 1, 1, 0, 0, 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *future_rid = NULL;
  g_autofree char *soon_rid = NULL;
  char *rid;

  /* Calendar: no 30 February, 29 February only in leap years, no 24:00. */
  assert_rid_rejected ("10001200020004220240230120000", NULL, NULL, IDEM_ID_ERROR_INVALID_DATE);
  assert_rid_rejected ("10001200020004220230229120000", NULL, NULL, IDEM_ID_ERROR_INVALID_DATE);
  assert_rid_rejected ("10001200020004219000229120000", NULL, NULL, IDEM_ID_ERROR_INVALID_DATE);
  assert_rid_rejected ("10001200020004220240431120000", NULL, NULL, IDEM_ID_ERROR_INVALID_DATE);
  assert_rid_rejected ("10001200020004220240100120000", NULL, NULL, IDEM_ID_ERROR_INVALID_DATE);
  assert_rid_rejected ("10001200020004220241200120000", NULL, NULL, IDEM_ID_ERROR_INVALID_DATE);
  assert_rid_rejected ("10001200020004220240101240000", NULL, NULL, IDEM_ID_ERROR_INVALID_DATE);
  assert_rid_rejected ("10001200020004220240101250000", NULL, NULL, IDEM_ID_ERROR_INVALID_DATE);
  g_assert_true (idem_rid_validate_at ("10001200020004220240229235959", NULL, NULL, now, 0, NULL));
  g_assert_true (idem_rid_validate_at ("10001200020004220000229235959", NULL, NULL, now, 0, NULL));

  /* Structure. */
  assert_rid_rejected ("", NULL, NULL, IDEM_ID_ERROR_LENGTH);
  assert_rid_rejected ("100012000200042202402292359590", NULL, NULL, IDEM_ID_ERROR_LENGTH);
  assert_rid_rejected ("1000120002000422024022923595", NULL, NULL, IDEM_ID_ERROR_LENGTH);
  assert_rid_rejected ("10001200020004220240229 35959", NULL, NULL, IDEM_ID_ERROR_NOT_DIGITS);
  assert_rid_rejected ("1000120002000422024022923595\xc3", NULL, NULL, IDEM_ID_ERROR_NOT_DIGITS);

  /* Expected centre and machine, including malformed expectations. */
  assert_rid_rejected ("10001200020004220240229235959", "10002", NULL, IDEM_ID_ERROR_WRONG_CENTRE);
  assert_rid_rejected ("10001200020004220240229235959", "1000", NULL, IDEM_ID_ERROR_WRONG_CENTRE);
  assert_rid_rejected ("10001200020004220240229235959", "10001", "20003", IDEM_ID_ERROR_WRONG_MACHINE);
  assert_rid_rejected ("10001200020004220240229235959", "10001", "200020", IDEM_ID_ERROR_WRONG_MACHINE);

  /* The future, beyond the tolerance only. */
  future_rid = idem_rid_build ("10001", "20002", 1, future, &error);
  g_assert_no_error (error);
  assert_rid_rejected (future_rid, NULL, NULL, IDEM_ID_ERROR_FUTURE_DATE);
  soon_rid = idem_rid_build ("10001", "20002", 1, soon, &error);
  g_assert_no_error (error);
  g_assert_true (idem_rid_validate_at (soon_rid, NULL, NULL, now, G_TIME_SPAN_HOUR, NULL));
  g_assert_false (idem_rid_validate_at (soon_rid, NULL, NULL, now, 0, NULL));

  /* The builder refuses what does not fit, and builds nothing. */
  rid = idem_rid_build ("1000", "20002", 1, now, &error);
  g_assert_error (error, IDEM_ID_ERROR, IDEM_ID_ERROR_LENGTH);
  g_assert_null (rid);
  g_clear_error (&error);
  rid = idem_rid_build ("10001", "2000a", 1, now, &error);
  g_assert_error (error, IDEM_ID_ERROR, IDEM_ID_ERROR_NOT_DIGITS);
  g_assert_null (rid);
  g_clear_error (&error);
  rid = idem_rid_build ("10001", "20002", IDEM_RID_MAX_SEQUENCE + 1, now, &error);
  g_assert_error (error, IDEM_ID_ERROR, IDEM_ID_ERROR_OUT_OF_RANGE);
  g_assert_null (rid);
  g_clear_error (&error);
  rid = idem_rid_build ("10001", "20002", 1, ancient, &error);
  g_assert_error (error, IDEM_ID_ERROR, IDEM_ID_ERROR_OUT_OF_RANGE);
  g_assert_null (rid);
  g_clear_error (&error);

  g_assert_null (idem_rid_get_timestamp ("10001200020004220240230120000", &error));
  g_assert_error (error, IDEM_ID_ERROR, IDEM_ID_ERROR_INVALID_DATE);
}

static void
test_error_names (void)
{
  /* Rule names are an interface (scripts match on them): keep them fixed. */
  g_assert_cmpstr (idem_id_error_get_rule_name (IDEM_ID_ERROR_LENGTH), ==, "length");
  g_assert_cmpstr (idem_id_error_get_rule_name (IDEM_ID_ERROR_NOT_DIGITS), ==, "digits");
  g_assert_cmpstr (idem_id_error_get_rule_name (IDEM_ID_ERROR_LEADING_DIGIT), ==, "first-digit");
  g_assert_cmpstr (idem_id_error_get_rule_name (IDEM_ID_ERROR_CHECKSUM), ==, "checksum");
  g_assert_cmpstr (idem_id_error_get_rule_name (IDEM_ID_ERROR_EXHAUSTED), ==, "exhausted");
  g_assert_null (idem_id_error_get_rule_name (IDEM_ID_ERROR_EXHAUSTED + 1));
  g_assert_null (idem_id_error_describe (IDEM_ID_ERROR_EXHAUSTED + 1));

  for (IdemIdError code = 0; code <= IDEM_ID_ERROR_EXHAUSTED; code++)
    {
      g_assert_nonnull (idem_id_error_get_rule_name (code));
      g_assert_cmpstr (idem_id_error_describe (code), !=, "");
    }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  idem_i18n_init ();
  g_test_init (&argc, &argv, NULL);

  vectors = load_vectors ();

  g_test_add_func ("/identifiers/verhoeff/vectors", test_verhoeff_vectors);
  g_test_add_func ("/identifiers/verhoeff/bad-input", test_verhoeff_bad_input);
  g_test_add_func ("/identifiers/verhoeff/detects-errors", test_verhoeff_detects_errors);
  g_test_add_func ("/identifiers/uin/vectors", test_uin_vectors);
  g_test_add_func ("/identifiers/vid/vectors", test_vid_vectors);
  g_test_add_func ("/identifiers/prid/vectors", test_prid_vectors);
  g_test_add_func ("/identifiers/rid/vectors", test_rid_vectors);
  g_test_add_func ("/identifiers/rid/round-trip", test_rid_round_trip);
  g_test_add_func ("/identifiers/rid/rejections", test_rid_rejections);
  g_test_add_func ("/identifiers/errors/names", test_error_names);

  status = g_test_run ();
  json_object_unref (vectors);

  return status;
}
