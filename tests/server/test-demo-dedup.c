/* test-demo-dedup.c — demographic de-duplication: spellings, scripts,
 * dates, thresholds, and an index that keeps nothing in clear
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include "server-test-util.h"

#include "srv-data-keys.h"
#include "srv-database.h"
#include "srv-demo-dedup.h"

#include "idem.h"

#include <openssl/evp.h>
#include <string.h>

static EVP_PKEY *encryption_key;

typedef struct
{
  char         *tmp_dir;
  char         *path;
  SrvDatabase  *database;
  SrvDataKeys  *keys;
  SrvDemoDedup *dedup;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->tmp_dir = srv_test_make_tmp_dir ();
  fixture->path = g_build_filename (fixture->tmp_dir, "idem.db", NULL);
  fixture->database = srv_database_open (fixture->path, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (srv_database_migrate (fixture->database, &error));
  fixture->keys = srv_data_keys_load (fixture->database, encryption_key, &error);
  g_assert_no_error (error);
  fixture->dedup = srv_demo_dedup_new (fixture->database, fixture->keys);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_object (&fixture->dedup);
  g_clear_pointer (&fixture->keys, srv_data_keys_free);
  if (fixture->database != NULL)
    srv_database_close (fixture->database, NULL);
  g_clear_object (&fixture->database);
  srv_test_remove_tree (fixture->tmp_dir);
  g_free (fixture->path);
  g_free (fixture->tmp_dir);
}

/* An ID.json "identity" object in the default schema's shape: fullName
 * and gender as MOSIP's simpleType lists.  @arabic_name may be NULL. */
static JsonObject *
make_identity (const char *name,
               const char *arabic_name,
               const char *birth,
               const char *gender)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "IDSchemaVersion");
  json_builder_add_double_value (builder, 0.1);
  json_builder_set_member_name (builder, "fullName");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "language");
  json_builder_add_string_value (builder, "eng");
  json_builder_set_member_name (builder, "value");
  json_builder_add_string_value (builder, name);
  json_builder_end_object (builder);
  if (arabic_name != NULL)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "language");
      json_builder_add_string_value (builder, "ara");
      json_builder_set_member_name (builder, "value");
      json_builder_add_string_value (builder, arabic_name);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (birth != NULL)
    {
      json_builder_set_member_name (builder, "dateOfBirth");
      json_builder_add_string_value (builder, birth);
    }
  if (gender != NULL)
    {
      json_builder_set_member_name (builder, "gender");
      json_builder_begin_array (builder);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "language");
      json_builder_add_string_value (builder, "eng");
      json_builder_set_member_name (builder, "value");
      json_builder_add_string_value (builder, gender);
      json_builder_end_object (builder);
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_object_ref (json_node_get_object (root));
}

static JsonObject *
parse_identity (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
add (Fixture    *fixture,
     const char *reference_id,
     const char *name,
     const char *arabic_name,
     const char *birth,
     const char *gender)
{
  g_autoptr(JsonObject) identity = make_identity (name, arabic_name, birth, gender);
  g_autoptr(GError) error = NULL;

  g_assert_true (srv_demo_dedup_add (fixture->dedup, reference_id, identity, &error));
  g_assert_no_error (error);
}

/* The candidates of a query, as "ref=score" for the first, or NULL. */
static GPtrArray *
find (Fixture    *fixture,
      const char *name,
      const char *birth,
      const char *gender,
      double      threshold)
{
  g_autoptr(JsonObject) identity = make_identity (name, NULL, birth, gender);
  g_autoptr(GError) error = NULL;
  GPtrArray *candidates;

  candidates = srv_demo_dedup_find (fixture->dedup, identity, threshold, &error);
  g_assert_no_error (error);
  g_assert_nonnull (candidates);
  for (guint i = 1; i < candidates->len; i++)
    g_assert_cmpfloat (((SrvDemoCandidate *) g_ptr_array_index (candidates, i - 1))->score, >=,
                       ((SrvDemoCandidate *) g_ptr_array_index (candidates, i))->score);
  return candidates;
}

static gboolean
has_candidate (GPtrArray  *candidates,
               const char *reference_id)
{
  for (guint i = 0; i < candidates->len; i++)
    if (g_str_equal (((SrvDemoCandidate *) g_ptr_array_index (candidates, i))->reference_id, reference_id))
      return TRUE;

  return FALSE;
}

static void
assert_found (Fixture    *fixture,
              const char *name,
              const char *birth,
              const char *gender,
              const char *expected)
{
  g_autoptr(GPtrArray) candidates = find (fixture, name, birth, gender, SRV_DEMO_DEDUP_THRESHOLD);

  if (!has_candidate (candidates, expected))
    g_error ("“%s” (%s, %s) did not find %s", name, birth, gender, expected);
}

static void
assert_not_found (Fixture    *fixture,
                  const char *name,
                  const char *birth,
                  const char *gender,
                  const char *unexpected)
{
  g_autoptr(GPtrArray) candidates = find (fixture, name, birth, gender, SRV_DEMO_DEDUP_THRESHOLD);

  if (has_candidate (candidates, unexpected))
    g_error ("“%s” (%s, %s) found %s", name, birth, gender, unexpected);
}

/* A small population, with people who share a token, a date or a key
 * with the ones looked for. */
static void
add_population (Fixture *fixture)
{
  add (fixture, "R-MOHAMED", "Mohamed Ali", NULL, "1990/05/12", "Male");
  add (fixture, "R-SALEM", "Mohamed Salem", NULL, "1990/05/12", "Male");
  add (fixture, "R-HELENE", "Hélène Dupont", NULL, "1985/11/03", "Female");
  add (fixture, "R-HASSAN", "Ali Hassan", NULL, "1979/02/07", "Male");
  add (fixture, "R-FATIMA", "فاطمة الزهراء", NULL, "2001/08/30", "Female");
  add (fixture, "R-KARIM", "Karim Benslimane", NULL, "1995/03/21", "Male");
  add (fixture, "R-NODATE", "Youssef Haddad", NULL, NULL, "Male");
  add (fixture, "R-OTHER", "Jean Martin", NULL, "1990/05/12", "Male");
}

static void
test_spellings (Fixture       *fixture,
                gconstpointer  user_data)
{
  add_population (fixture);

  assert_found (fixture, "Mohamed Ali", "1990/05/12", "Male", "R-MOHAMED");
  assert_found (fixture, "Muhammad Ali", "1990/05/12", "Male", "R-MOHAMED");
  assert_found (fixture, "Mohammed Aly", "1990/05/12", "Male", "R-MOHAMED");
  /* Arabic script against the Latin entry, and Latin against Arabic. */
  assert_found (fixture, "محمد علي", "1990/05/12", "Male", "R-MOHAMED");
  assert_found (fixture, "Fatima El-Zahra", "2001/08/30", "Female", "R-FATIMA");
  assert_found (fixture, "Fatma Zahra", "2001/08/30", "Female", "R-FATIMA");
  /* French accents, case and spacing. */
  assert_found (fixture, "HELENE  DUPONT", "1985/11/03", "Female", "R-HELENE");
  assert_found (fixture, "Helene Dupont", "1985-11-03", "F", "R-HELENE");
  /* Tokens in another order. */
  assert_found (fixture, "Hassan Ali", "1979/02/07", "Male", "R-HASSAN");
  /* One letter wrong, added or missing. */
  assert_found (fixture, "Karim Benslimame", "1995/03/21", "Male", "R-KARIM");
  assert_found (fixture, "Karim Benslimanne", "1995/03/21", "Male", "R-KARIM");
  assert_found (fixture, "Krim Benslimane", "1995/03/21", "Male", "R-KARIM");
  /* A missing middle name. */
  assert_found (fixture, "Karim Ahmed Benslimane", "1995/03/21", "Male", "R-KARIM");
}

static void
test_dates_and_gender (Fixture       *fixture,
                       gconstpointer  user_data)
{
  add_population (fixture);

  /* Day and month swapped, and a year's slip, still match. */
  assert_found (fixture, "Ali Hassan", "1979/07/02", "Male", "R-HASSAN");
  assert_found (fixture, "Ali Hassan", "1980/02/07", "Male", "R-HASSAN");
  assert_found (fixture, "Ali Hassan", "1978/02/07", "Male", "R-HASSAN");
  /* Unknown on either side: an exact name still matches. */
  assert_found (fixture, "Ali Hassan", NULL, "Male", "R-HASSAN");
  assert_found (fixture, "Youssef Haddad", "1970/01/01", "Male", "R-NODATE");
  assert_found (fixture, "Youssef Haddad", NULL, NULL, "R-NODATE");
  assert_found (fixture, "Yusuf Haddad", NULL, "Male", "R-NODATE");

  /* Any other date, or another gender, is someone else. */
  assert_not_found (fixture, "Mohamed Ali", "1990/05/13", "Male", "R-MOHAMED");
  assert_not_found (fixture, "Mohamed Ali", "1991/06/12", "Male", "R-MOHAMED");
  assert_not_found (fixture, "Mohamed Ali", "1992/05/12", "Male", "R-MOHAMED");
  assert_not_found (fixture, "Mohamed Ali", "1990/05/12", "Female", "R-MOHAMED");
  assert_not_found (fixture, "Hélène Dupont", "1985/11/03", "Male", "R-HELENE");
}

static void
test_unrelated (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GPtrArray) mohamed = NULL;
  g_autoptr(GPtrArray) stranger = NULL;
  SrvDemoCandidate *first;

  add_population (fixture);

  /* Same date and gender, one token in common: not a candidate. */
  mohamed = find (fixture, "Mohamed Ali", "1990/05/12", "Male", SRV_DEMO_DEDUP_THRESHOLD);
  g_assert_cmpuint (mohamed->len, ==, 1);
  first = g_ptr_array_index (mohamed, 0);
  g_assert_cmpstr (first->reference_id, ==, "R-MOHAMED");
  g_assert_cmpfloat (first->score, ==, 1.0);

  stranger = find (fixture, "Pierre Lambert", "1990/05/12", "Male", SRV_DEMO_DEDUP_THRESHOLD);
  g_assert_cmpuint (stranger->len, ==, 0);
  assert_not_found (fixture, "Mohamed Salah", "1990/05/12", "Male", "R-MOHAMED");
  assert_not_found (fixture, "Ahmed Ali", "1990/05/12", "Male", "R-MOHAMED");
}

static void
test_threshold (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) strict = NULL;
  g_autoptr(GPtrArray) exact = NULL;
  SrvDemoCandidate *best;
  double salem = -1.0;

  add_population (fixture);

  /* A threshold of 0 returns everyone in the blocks, best first: the
   * same date and a shared key brings Mohamed Salem, but below. */
  all = find (fixture, "Muhammad Ali", "1990/05/12", "Male", 0.0);
  g_assert_cmpuint (all->len, >=, 2);
  best = g_ptr_array_index (all, 0);
  g_assert_cmpstr (best->reference_id, ==, "R-MOHAMED");
  g_assert_cmpfloat (best->score, >=, 0.95);
  g_assert_cmpfloat (best->score, <, 1.0);
  for (guint i = 0; i < all->len; i++)
    if (g_str_equal (((SrvDemoCandidate *) g_ptr_array_index (all, i))->reference_id, "R-SALEM"))
      salem = ((SrvDemoCandidate *) g_ptr_array_index (all, i))->score;
  g_assert_cmpfloat (salem, >, 0.0);
  g_assert_cmpfloat (salem, <, SRV_DEMO_DEDUP_THRESHOLD);
  /* Blocking: an entry sharing neither a date nor a key is not looked at. */
  g_assert_false (has_candidate (all, "R-HELENE"));

  /* Between the two scores: only the right one. */
  strict = find (fixture, "Muhammad Ali", "1990/05/12", "Male", (salem + best->score) / 2);
  g_assert_cmpuint (strict->len, ==, 1);

  /* Above the best score: none. */
  exact = find (fixture, "Muhammad Ali", "1990/05/12", "Male", 1.0);
  g_assert_cmpuint (exact->len, ==, 0);
}

static void
test_compare (void)
{
  g_autoptr(JsonObject) latin = make_identity ("Mohamed Ali", NULL, "1990/05/12", "Male");
  g_autoptr(JsonObject) both = make_identity ("Mohammed Aly", "محمد علي", "1990/05/12", "MLE");
  g_autoptr(JsonObject) swapped = make_identity ("Mohamed Ali", NULL, "1990/12/05", "Male");
  g_autoptr(JsonObject) female = make_identity ("Mohamed Ali", NULL, "1990/05/12", "Féminin");
  g_autoptr(JsonObject) arabic_gender = parse_identity ("{\"fullName\": [{\"language\": \"ara\", \"value\": \"محمد علي\"}],"
                                                        " \"dateOfBirth\": \"1990/05/12\","
                                                        " \"gender\": [{\"language\": \"ara\", \"value\": \"ذكر\"}]}");
  g_autoptr(JsonObject) split = parse_identity ("{\"firstName\": [{\"language\": \"eng\", \"value\": \"Muhammad\"}],"
                                                " \"lastName\": [{\"language\": \"eng\", \"value\": \"Ali\"}],"
                                                " \"dateOfBirth\": \"1990/05/12\", \"gender\": \"male\"}");
  g_autoptr(JsonObject) nameless = parse_identity ("{\"fullName\": [{\"language\": \"eng\", \"value\": \" -- \"}],"
                                                   " \"dateOfBirth\": 19900512, \"gender\": 7}");
  g_autoptr(GError) error = NULL;

  /* The better of a two-language name's values counts: here the Arabic
   * one, whose "علي" is exactly "ali". */
  g_assert_cmpfloat (srv_demo_dedup_compare (latin, both, &error), >=, 0.96);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (srv_demo_dedup_compare (latin, swapped, NULL), 0.95, 1e-9);
  g_assert_cmpfloat_with_epsilon (srv_demo_dedup_compare (latin, female, NULL), 0.5, 1e-9);
  g_assert_cmpfloat (srv_demo_dedup_compare (latin, arabic_gender, NULL), >=, 0.96);
  /* Schemas with first and last names. */
  g_assert_cmpfloat (srv_demo_dedup_compare (latin, split, NULL), >=, 0.95);

  /* No name: a clear error, whichever side. */
  g_assert_cmpfloat (srv_demo_dedup_compare (latin, nameless, &error), <, 0.0);
  g_assert_error (error, SRV_DEMO_DEDUP_ERROR, SRV_DEMO_DEDUP_ERROR_INVALID_ARGUMENT);
}

static gint64
count_rows (Fixture    *fixture,
            const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);
  sqlite3_stmt *statement = NULL;
  gint64 count;

  g_assert_cmpint (sqlite3_prepare_v2 (srv_database_get_handle (fixture->database), sql, -1, &statement, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_ROW);
  count = sqlite3_column_int64 (statement, 0);
  sqlite3_finalize (statement);
  return count;
}

static void
test_bad_input (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(JsonObject) nameless = parse_identity ("{\"fullName\": [], \"dateOfBirth\": \"1990/05/12\"}");
  g_autoptr(JsonObject) wrong_types = parse_identity ("{\"fullName\": 42, \"dateOfBirth\": [1], \"gender\": {}}");
  g_autoptr(JsonObject) good = make_identity ("Mohamed Ali", NULL, "1990/05/12", "Male");
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (srv_demo_dedup_add (fixture->dedup, "R-1", nameless, &error));
  g_assert_error (error, SRV_DEMO_DEDUP_ERROR, SRV_DEMO_DEDUP_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (srv_demo_dedup_add (fixture->dedup, "R-1", wrong_types, &error));
  g_assert_error (error, SRV_DEMO_DEDUP_ERROR, SRV_DEMO_DEDUP_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (srv_demo_dedup_add (fixture->dedup, "", good, &error));
  g_assert_error (error, SRV_DEMO_DEDUP_ERROR, SRV_DEMO_DEDUP_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (srv_demo_dedup_find (fixture->dedup, nameless, SRV_DEMO_DEDUP_THRESHOLD, &error));
  g_assert_error (error, SRV_DEMO_DEDUP_ERROR, SRV_DEMO_DEDUP_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* Nothing was stored. */
  g_assert_cmpint (count_rows (fixture, "demo_dedup_entry"), ==, 0);
  g_assert_cmpint (count_rows (fixture, "demo_dedup_block"), ==, 0);

  /* An invalid date counts as unknown, it is not an error. */
  none = find (fixture, "Mohamed Ali", "1990/13/45", "Male", SRV_DEMO_DEDUP_THRESHOLD);
  g_assert_cmpuint (none->len, ==, 0);
}

static void
test_replace_and_remove (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GPtrArray) gone = NULL;
  g_autoptr(GError) error = NULL;
  gint64 blocks;

  add (fixture, "R-1", "Mohamed Ali", NULL, "1990/05/12", "Male");
  blocks = count_rows (fixture, "demo_dedup_block");
  /* A retried add replaces, never doubles. */
  add (fixture, "R-1", "Mohamed Ali", NULL, "1990/05/12", "Male");
  g_assert_cmpint (count_rows (fixture, "demo_dedup_entry"), ==, 1);
  g_assert_cmpint (count_rows (fixture, "demo_dedup_block"), ==, blocks);

  before = find (fixture, "Mohamed Ali", "1990/05/12", "Male", SRV_DEMO_DEDUP_THRESHOLD);
  g_assert_cmpuint (before->len, ==, 1);

  /* Replaced by someone else: the old name no longer leads to it. */
  add (fixture, "R-1", "Hélène Dupont", NULL, "1985/11/03", "Female");
  after = find (fixture, "Mohamed Ali", "1990/05/12", "Male", 0.0);
  g_assert_cmpuint (after->len, ==, 0);

  g_assert_true (srv_demo_dedup_remove (fixture->dedup, "R-1", &error));
  g_assert_no_error (error);
  g_assert_true (srv_demo_dedup_remove (fixture->dedup, "R-1", &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (fixture, "demo_dedup_entry"), ==, 0);
  g_assert_cmpint (count_rows (fixture, "demo_dedup_block"), ==, 0);
  gone = find (fixture, "Hélène Dupont", "1985/11/03", "Female", 0.0);
  g_assert_cmpuint (gone->len, ==, 0);
}

/* Inside a caller's transaction that rolls back, the entry goes too. */
static void
test_transaction (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (srv_database_exec (fixture->database, "BEGIN", &error));
  add (fixture, "R-1", "Mohamed Ali", NULL, "1990/05/12", "Male");
  g_assert_cmpint (count_rows (fixture, "demo_dedup_entry"), ==, 1);
  g_assert_true (srv_database_exec (fixture->database, "ROLLBACK", &error));
  g_assert_cmpint (count_rows (fixture, "demo_dedup_entry"), ==, 0);
  g_assert_cmpint (count_rows (fixture, "demo_dedup_block"), ==, 0);
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  gsize needle_length = strlen (needle);

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;
  for (gsize i = 0; i + needle_length <= length; i++)
    if (memcmp (contents + i, needle, needle_length) == 0)
      return TRUE;
  return FALSE;
}

static void
test_nothing_in_clear (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  g_autoptr(GError) error = NULL;
  const char * const secrets[] = { "R-SECRET", "Zenobia", "zenobia", "znb", "19770704", "1977/07/04", NULL };

  add (fixture, "R-SECRET", "Zenobia Quartermaine", NULL, "1977/07/04", "Female");
  g_assert_true (srv_database_exec (fixture->database, "PRAGMA wal_checkpoint(TRUNCATE)", &error));
  g_assert_no_error (error);

  for (guint i = 0; secrets[i] != NULL; i++)
    {
      g_assert_false (file_contains (fixture->path, secrets[i]));
      g_assert_false (file_contains (wal, secrets[i]));
    }
}

/* A sealed record moved onto another entry does not open. */
static void
test_tampered (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) query = make_identity ("Mohamed Ali", NULL, "1990/05/12", "Male");

  add (fixture, "R-1", "Mohamed Ali", NULL, "1990/05/12", "Male");
  add (fixture, "R-2", "Hélène Dupont", NULL, "1985/11/03", "Female");
  g_assert_true (srv_database_exec (fixture->database,
                                    "UPDATE demo_dedup_entry SET sealed ="
                                    " (SELECT sealed FROM demo_dedup_entry WHERE id = 2) WHERE id = 1",
                                    &error));
  g_assert_no_error (error);

  candidates = srv_demo_dedup_find (fixture->dedup, query, SRV_DEMO_DEDUP_THRESHOLD, &error);
  g_assert_null (candidates);
  g_assert_error (error, SRV_DEMO_DEDUP_ERROR, SRV_DEMO_DEDUP_ERROR_TAMPERED);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  encryption_key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_RSA, 2048, &error);
  g_assert_no_error (error);

#define ADD(path, func) \
        g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/demo-dedup/spellings", test_spellings);
  ADD ("/demo-dedup/dates-and-gender", test_dates_and_gender);
  ADD ("/demo-dedup/unrelated", test_unrelated);
  ADD ("/demo-dedup/threshold", test_threshold);
  ADD ("/demo-dedup/bad-input", test_bad_input);
  ADD ("/demo-dedup/replace-and-remove", test_replace_and_remove);
  ADD ("/demo-dedup/transaction", test_transaction);
  ADD ("/demo-dedup/nothing-in-clear", test_nothing_in_clear);
  ADD ("/demo-dedup/tampered", test_tampered);
  g_test_add_func ("/demo-dedup/compare", test_compare);

#undef ADD

  status = g_test_run ();
  srv_test_cleanup ();
  EVP_PKEY_free (encryption_key);
  return status;
}
