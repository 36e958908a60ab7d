/* srv-demo-dedup.c — demographic de-duplication: is this resident already
 * known under a name spelled differently?
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * What is compared.  From the identity (ID.json's "identity" object):
 * every language's value of fullName (or firstName, middleName and
 * lastName joined, for schemas that split the name), each reduced to
 * tokens by idem_name_tokenize(); dateOfBirth ("YYYY/MM/DD", or with
 * hyphens); gender, as a code (M, F) when a value is recognised in
 * English, French or Arabic, else its normalised value.
 *
 * The score of a candidate is
 *
 *     score = name × birth × gender
 *
 *  - name: the best idem_name_similarity() over every pair of name
 *    variants (so an Arabic-script name meets its Latin transliteration);
 *  - birth: 1 for the same date, 0.95 for day and month swapped, 0.92 for
 *    the same day and month a year apart (a clerk's slip), 0.9 when either
 *    date is unknown, 0.3 for any other date;
 *  - gender: 1 for the same, 0.95 when either is unknown, 0.5 for a
 *    different one.
 *
 * With the default threshold SRV_DEMO_DEDUP_THRESHOLD = 0.85: a different
 * date of birth (≤ 0.3) or gender (≤ 0.5) never passes; the same date and
 * gender pass from a name similarity of 0.85 (a one-letter typo, Mohamed
 * and Muhammad, Arabic and Latin script, a missing middle name at 0.9);
 * a swapped date needs 0.9, a year's slip 0.93, an unknown date 0.95.
 * Two different people sharing only one of two tokens score about 0.77
 * (Mohamed Ali, Mohamed Salem) and stay below.
 *
 * Blocking.  Scoring every entry would not scale, so each entry is filed
 * under blocking keys and find() scores only the entries sharing one with
 * the query.  Since a candidate with a different date of birth can never
 * pass, an entry with a date is filed under (date, phonetic key of a
 * token) for each token, and a query with a date looks up its date, the
 * date with day and month swapped and the same day a year either side,
 * each with each of its tokens' keys: a duplicate is found when its date
 * is one of those and one name token keeps its phonetic key.  An entry
 * without a date is filed under each key alone ("u:"), which queries with
 * a date also look up; and every entry is filed under each key ("n:") for
 * queries without a date, which therefore see larger blocks.
 *
 * Privacy.  Nothing personal is in clear: a blocking key is stored as
 * HMAC-SHA256, truncated to 16 bytes, under a key derived from the
 * lookup key; what scoring needs (reference id, tokens, date, gender) is
 * one JSON record sealed with AES-256-GCM under the demographics key, its
 * associated data binding it to the HMAC of its reference id, and opened
 * only for the candidates of a query.
 */

#define G_LOG_DOMAIN "idem-server"

#include "config.h"

#include "srv-demo-dedup.h"

#include "idem.h"

#include <glib/gi18n.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

G_DEFINE_QUARK (srv-demo-dedup-error-quark, srv_demo_dedup_error)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

#define BLOCK_MAC_SIZE  16
#define AAD_LABEL       "idem-demo-dedup-v1|"
#define BLOCKING_INFO   "idem demo-dedup blocking v1"

#define BIRTH_SAME      1.0
#define BIRTH_SWAPPED   0.95
#define BIRTH_YEAR_SLIP 0.92
#define BIRTH_UNKNOWN   0.9
#define BIRTH_OTHER     0.3
#define GENDER_SAME     1.0
#define GENDER_UNKNOWN  0.95
#define GENDER_OTHER    0.5

struct _SrvDemoDedup
{
  GObject      parent_instance;

  SrvDatabase *database;
  SrvDataKeys *keys;      /* owned by the caller, outlives the index */
  IdemHmac    *blocking;
  GMutex       blocking_lock;
};

G_DEFINE_FINAL_TYPE (SrvDemoDedup, srv_demo_dedup, G_TYPE_OBJECT)

/* What is compared of one identity. */
typedef struct
{
  GPtrArray *names;       /* of GStrv, one per spelling */
  GDate      birth;       /* invalid when unknown */
  char      *gender;      /* "M", "F", another value, or NULL */
} Person;

static void
person_clear (Person *person)
{
  g_clear_pointer (&person->names, g_ptr_array_unref);
  g_clear_pointer (&person->gender, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Person, person_clear)

static void
srv_demo_dedup_finalize (GObject *object)
{
  SrvDemoDedup *self = (SrvDemoDedup *)object;

  g_clear_pointer (&self->blocking, idem_hmac_free);
  g_mutex_clear (&self->blocking_lock);
  g_clear_object (&self->database);

  G_OBJECT_CLASS (srv_demo_dedup_parent_class)->finalize (object);
}

static void
srv_demo_dedup_class_init (SrvDemoDedupClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = srv_demo_dedup_finalize;
}

static void
srv_demo_dedup_init (SrvDemoDedup *self)
{
  g_mutex_init (&self->blocking_lock);
}

/**
 * srv_demo_dedup_new:
 * @database: the server's migrated database
 * @keys: the data keys; must outlive the index
 *
 * Returns: (transfer full): the demographic index
 */
SrvDemoDedup *
srv_demo_dedup_new (SrvDatabase *database,
                    SrvDataKeys *keys)
{
  SrvDemoDedup *self;
  guint8 blocking_key[32];

  g_return_val_if_fail (SRV_IS_DATABASE (database), NULL);
  g_return_val_if_fail (keys != NULL, NULL);

  self = g_object_new (SRV_TYPE_DEMO_DEDUP, NULL);
  self->database = g_object_ref (database);
  self->keys = keys;
  /* A key of its own, so that a blocking HMAC can never equal a UIN or
   * VID lookup HMAC, and one-way from the lookup key. */
  idem_hmac_sha256 (keys->lookup, sizeof keys->lookup,
                    (const guint8 *) BLOCKING_INFO, strlen (BLOCKING_INFO),
                    blocking_key, NULL);
  self->blocking = idem_hmac_new (blocking_key, sizeof blocking_key, NULL);
  OPENSSL_cleanse (blocking_key, sizeof blocking_key);
  return self;
}

static sqlite3 *
db_of (SrvDemoDedup *self)
{
  return srv_database_get_handle (self->database);
}

static gboolean
database_error (SrvDemoDedup  *self,
                GError       **error)
{
  g_set_error (error, SRV_DEMO_DEDUP_ERROR, SRV_DEMO_DEDUP_ERROR_DATABASE,
               _("Demographic index: %s"), sqlite3_errmsg (db_of (self)));
  return FALSE;
}

static sqlite3_stmt *
prepare (SrvDemoDedup  *self,
         const char    *sql,
         GError       **error)
{
  sqlite3_stmt *statement = NULL;

  if (sqlite3_prepare_v2 (db_of (self), sql, -1, &statement, NULL) != SQLITE_OK)
    {
      database_error (self, error);
      return NULL;
    }

  return statement;
}

static void
mac_of (SrvDemoDedup *self,
        const char   *text,
        guint8       *mac)
{
  guint8 full[32];

  /* One keyed context, restored for each MAC, is several times faster
   * than keying anew; it is not thread-safe, and the pipeline's workers
   * share the index. */
  g_mutex_lock (&self->blocking_lock);
  idem_hmac_compute (self->blocking, (const guint8 *) text, strlen (text), full);
  g_mutex_unlock (&self->blocking_lock);
  memcpy (mac, full, BLOCK_MAC_SIZE);
}

/* Reading the identity */

/* A member's string value, or NULL when absent or of another type. */
static const char *
string_member (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* The string values of a field that is either a string or MOSIP's
 * simpleType, a list of {language, value}. */
static GPtrArray *
field_values (JsonObject *identity,
              const char *member)
{
  GPtrArray *values = g_ptr_array_new ();
  JsonNode *node = json_object_get_member (identity, member);

  if (node == NULL)
    return values;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    g_ptr_array_add (values, (gpointer) json_node_get_string (node));
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          JsonNode *value;

          if (!JSON_NODE_HOLDS_OBJECT (element))
            continue;
          value = json_object_get_member (json_node_get_object (element), "value");
          if (value != NULL && JSON_NODE_HOLDS_VALUE (value) &&
              json_node_get_value_type (value) == G_TYPE_STRING)
            g_ptr_array_add (values, (gpointer) json_node_get_string (value));
        }
    }

  return values;
}

static const char *
field_value_in (JsonObject *identity,
                const char *member,
                const char *language)
{
  JsonArray *array;

  if (!json_object_has_member (identity, member))
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (json_object_get_member (identity, member)))
    return language == NULL ? string_member (identity, member) : NULL;

  array = json_object_get_array_member (identity, member);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *object;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      object = json_node_get_object (element);
      if (g_strcmp0 (string_member (object, "language"), language) == 0)
        return string_member (object, "value");
    }

  return NULL;
}

static gboolean
same_tokens (GPtrArray *names,
             GStrv      tokens)
{
  for (guint i = 0; i < names->len; i++)
    if (g_strv_equal ((const char * const *) g_ptr_array_index (names, i), (const char * const *) tokens))
      return TRUE;

  return FALSE;
}

static void
add_name (GPtrArray  *names,
          const char *name)
{
  GStrv tokens = idem_name_tokenize (name);

  if (tokens[0] == NULL || same_tokens (names, tokens))
    g_strfreev (tokens);
  else
    g_ptr_array_add (names, tokens);
}

/* Schemas that split the name: first, middle and last name of each
 * language present, in that order. */
static void
add_split_names (GPtrArray  *names,
                 JsonObject *identity)
{
  static const char * const parts[] = { "firstName", "middleName", "lastName", NULL };
  g_autoptr(GHashTable) languages = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer language;

  for (guint p = 0; parts[p] != NULL; p++)
    {
      JsonNode *node = json_object_get_member (identity, parts[p]);

      if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *array = json_node_get_array (node);

          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              JsonNode *element = json_array_get_element (array, i);
              const char *code;

              if (JSON_NODE_HOLDS_OBJECT (element) &&
                  (code = string_member (json_node_get_object (element), "language")) != NULL)
                g_hash_table_add (languages, (gpointer) code);
            }
        }
      else if (node != NULL)
        g_hash_table_add (languages, (gpointer) "");
    }

  g_hash_table_iter_init (&iter, languages);
  while (g_hash_table_iter_next (&iter, &language, NULL))
    {
      g_autoptr(GString) whole = g_string_new (NULL);

      for (guint p = 0; parts[p] != NULL; p++)
        {
          const char *value = field_value_in (identity, parts[p], *(const char *) language != '\0' ? language : NULL);

          if (value != NULL)
            g_string_append_printf (whole, "%s%s", whole->len > 0 ? " " : "", value);
        }
      add_name (names, whole->str);
    }
}

static void
read_birth (JsonObject *identity,
            GDate      *birth)
{
  const char *text = string_member (identity, "dateOfBirth");
  guint year;
  guint month;
  guint day;
  char separator[3];

  g_date_clear (birth, 1);
  if (text == NULL ||
      sscanf (text, "%4u%1[/-]%2u%1[/-]%2u", &year, &separator[0], &month, &separator[1], &day) != 5 ||
      strlen (text) != 10 || !g_date_valid_dmy (day, month, year))
    return;

  g_date_set_dmy (birth, day, month, year);
}

/* Gender values as master data writes them in English, French and
 * Arabic, after normalisation. */
static char *
gender_code (const char *value)
{
  static const char * const male[] = { "m", "male", "mle", "man", "masculin", "homme", "h", "dhkr", NULL };
  static const char * const female[] = { "f", "female", "fle", "woman", "feminin", "femme", "antha", "anth", NULL };
  g_autofree char *normalized = idem_name_normalize (value);

  if (g_strv_contains (male, normalized))
    return g_strdup ("M");
  if (g_strv_contains (female, normalized))
    return g_strdup ("F");
  return *normalized != '\0' ? g_steal_pointer (&normalized) : NULL;
}

static gboolean
is_gender_code (const char *code)
{
  return g_strcmp0 (code, "M") == 0 || g_strcmp0 (code, "F") == 0;
}

/* The first recognised code among the gender's values (one per
 * language), else the first value as written. */
static char *
read_gender (JsonObject *identity)
{
  g_autoptr(GPtrArray) values = field_values (identity, "gender");
  g_autofree char *first = NULL;

  for (guint i = 0; i < values->len; i++)
    {
      g_autofree char *code = gender_code (g_ptr_array_index (values, i));

      if (is_gender_code (code))
        return g_steal_pointer (&code);
      if (first == NULL)
        first = g_steal_pointer (&code);
    }

  return g_steal_pointer (&first);
}

static gboolean
read_person (JsonObject  *identity,
             Person      *person,
             GError     **error)
{
  g_autoptr(GPtrArray) full_names = NULL;

  person->names = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  full_names = field_values (identity, "fullName");
  for (guint i = 0; i < full_names->len; i++)
    add_name (person->names, g_ptr_array_index (full_names, i));
  if (person->names->len == 0)
    add_split_names (person->names, identity);

  if (person->names->len == 0)
    {
      g_set_error_literal (error, SRV_DEMO_DEDUP_ERROR, SRV_DEMO_DEDUP_ERROR_INVALID_ARGUMENT,
                           _("The identity has no name to compare"));
      return FALSE;
    }

  read_birth (identity, &person->birth);
  person->gender = read_gender (identity);
  return TRUE;
}

/* Scoring */

static gboolean
same_day_of_year (const GDate *a,
                  const GDate *b)
{
  return g_date_get_month (a) == g_date_get_month (b) && g_date_get_day (a) == g_date_get_day (b);
}

static double
birth_factor (const GDate *a,
              const GDate *b)
{
  int years;

  if (!g_date_valid (a) || !g_date_valid (b))
    return BIRTH_UNKNOWN;
  if (g_date_compare (a, b) == 0)
    return BIRTH_SAME;
  if (g_date_get_year (a) == g_date_get_year (b) &&
      g_date_get_day (a) == g_date_get_month (b) && g_date_get_month (a) == g_date_get_day (b))
    return BIRTH_SWAPPED;

  years = (int) g_date_get_year (a) - (int) g_date_get_year (b);
  if ((years == 1 || years == -1) && same_day_of_year (a, b))
    return BIRTH_YEAR_SLIP;

  return BIRTH_OTHER;
}

static double
gender_factor (const char *a,
               const char *b)
{
  if (a == NULL || b == NULL)
    return GENDER_UNKNOWN;
  return g_str_equal (a, b) ? GENDER_SAME : GENDER_OTHER;
}

static double
score_people (const Person *a,
              const Person *b)
{
  double name = 0.0;

  for (guint i = 0; i < a->names->len; i++)
    for (guint j = 0; j < b->names->len; j++)
      name = MAX (name, idem_name_similarity (g_ptr_array_index (a->names, i),
                                              g_ptr_array_index (b->names, j)));

  return name * birth_factor (&a->birth, &b->birth) * gender_factor (a->gender, b->gender);
}

/**
 * srv_demo_dedup_compare:
 * @a: the "identity" object of an ID.json
 * @b: another
 * @error: return location for a %SRV_DEMO_DEDUP_ERROR_INVALID_ARGUMENT
 *   error when either has no name
 *
 * Scores two identities as find() scores a candidate, without any index.
 *
 * Returns: the score, 0 to 1, or a negative number on error
 */
double
srv_demo_dedup_compare (JsonObject  *a,
                        JsonObject  *b,
                        GError     **error)
{
  g_auto(Person) a_person = { 0 };
  g_auto(Person) b_person = { 0 };

  g_return_val_if_fail (a != NULL, -1.0);
  g_return_val_if_fail (b != NULL, -1.0);

  if (!read_person (a, &a_person, error) || !read_person (b, &b_person, error))
    return -1.0;

  return score_people (&a_person, &b_person);
}

/* Blocking keys */

static GPtrArray *
phonetic_keys (const Person *person)
{
  GPtrArray *keys = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < person->names->len; i++)
    {
      GStrv tokens = g_ptr_array_index (person->names, i);

      for (guint t = 0; tokens[t] != NULL; t++)
        {
          g_autofree char *key = idem_name_phonetic_key (tokens[t]);

          if (*key != '\0' && !g_ptr_array_find_with_equal_func (keys, key, g_str_equal, NULL))
            g_ptr_array_add (keys, g_steal_pointer (&key));
        }
    }

  return keys;
}

static char *
date_text (const GDate *date)
{
  return g_strdup_printf ("%04u%02u%02u", g_date_get_year (date), g_date_get_month (date), g_date_get_day (date));
}

/* The blocks an entry is filed under. */
static GPtrArray *
entry_blocks (const Person *person)
{
  g_autoptr(GPtrArray) keys = phonetic_keys (person);
  GPtrArray *blocks = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *birth = g_date_valid (&person->birth) ? date_text (&person->birth) : NULL;

  for (guint i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);

      g_ptr_array_add (blocks, g_strconcat ("n:", key, NULL));
      if (birth != NULL)
        g_ptr_array_add (blocks, g_strconcat ("d:", birth, "|", key, NULL));
      else
        g_ptr_array_add (blocks, g_strconcat ("u:", key, NULL));
    }

  return blocks;
}

static void
add_birth_variant (GPtrArray *births,
                   guint      day,
                   guint      month,
                   guint      year)
{
  GDate date;

  if (!g_date_valid_dmy (day, month, year))
    return;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, day, month, year);
  g_ptr_array_add (births, date_text (&date));
}

/* The blocks a query looks in: those of every entry that could score
 * above BIRTH_OTHER × 1 (see the top of this file). */
static GPtrArray *
query_blocks (const Person *person)
{
  g_autoptr(GPtrArray) keys = phonetic_keys (person);
  g_autoptr(GPtrArray) births = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *blocks = g_ptr_array_new_with_free_func (g_free);

  if (g_date_valid (&person->birth))
    {
      guint day = g_date_get_day (&person->birth);
      guint month = g_date_get_month (&person->birth);
      guint year = g_date_get_year (&person->birth);

      add_birth_variant (births, day, month, year);
      if (day != month)
        add_birth_variant (births, month, day, year);
      add_birth_variant (births, day, month, year - 1);
      add_birth_variant (births, day, month, year + 1);
    }

  for (guint i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);

      if (births->len == 0)
        g_ptr_array_add (blocks, g_strconcat ("n:", key, NULL));
      else
        g_ptr_array_add (blocks, g_strconcat ("u:", key, NULL));
      for (guint b = 0; b < births->len; b++)
        g_ptr_array_add (blocks, g_strconcat ("d:", (char *) g_ptr_array_index (births, b), "|", key, NULL));
    }

  return blocks;
}

/* The sealed record */

static void
reference_mac (SrvDemoDedup *self,
               const char   *reference_id,
               guint8       *mac)
{
  g_autofree char *text = g_strconcat ("ref:", reference_id, NULL);

  mac_of (self, text, mac);
}

static GBytes *
make_aad (const guint8 *ref_mac)
{
  GString *aad = g_string_new (AAD_LABEL);

  for (guint i = 0; i < BLOCK_MAC_SIZE; i++)
    g_string_append_printf (aad, "%02x", ref_mac[i]);

  return g_string_free_to_bytes (aad);
}

static char *
record_json (const char   *reference_id,
             const Person *person)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "reference");
  json_builder_add_string_value (builder, reference_id);
  json_builder_set_member_name (builder, "names");
  json_builder_begin_array (builder);
  for (guint i = 0; i < person->names->len; i++)
    {
      GStrv tokens = g_ptr_array_index (person->names, i);

      json_builder_begin_array (builder);
      for (guint t = 0; tokens[t] != NULL; t++)
        json_builder_add_string_value (builder, tokens[t]);
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "birth");
  if (g_date_valid (&person->birth))
    json_builder_add_int_value (builder, g_date_get_julian (&person->birth));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "gender");
  if (person->gender != NULL)
    json_builder_add_string_value (builder, person->gender);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* Reads back what record_json() wrote; FALSE when it is not that shape. */
static gboolean
parse_record (const char  *json,
              gsize        length,
              char       **reference_id,
              Person      *person)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *record;
  JsonArray *names;
  JsonNode *birth;

  if (!json_parser_load_from_data (parser, json, length, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return FALSE;

  record = json_node_get_object (json_parser_get_root (parser));
  if (!json_object_has_member (record, "reference") || !json_object_has_member (record, "names") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (record, "names")))
    return FALSE;

  person->names = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  names = json_object_get_array_member (record, "names");
  for (guint i = 0; i < json_array_get_length (names); i++)
    {
      JsonNode *element = json_array_get_element (names, i);
      g_autoptr(GStrvBuilder) tokens = g_strv_builder_new ();
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (element))
        return FALSE;
      array = json_node_get_array (element);
      for (guint t = 0; t < json_array_get_length (array); t++)
        g_strv_builder_add (tokens, json_array_get_string_element (array, t));
      g_ptr_array_add (person->names, g_strv_builder_end (tokens));
    }

  g_date_clear (&person->birth, 1);
  birth = json_object_get_member (record, "birth");
  if (birth != NULL && JSON_NODE_HOLDS_VALUE (birth) && g_date_valid_julian (json_node_get_int (birth)))
    g_date_set_julian (&person->birth, json_node_get_int (birth));
  person->gender = g_strdup (string_member (record, "gender"));
  *reference_id = g_strdup (json_object_get_string_member (record, "reference"));
  return *reference_id != NULL;
}

static GBytes *
seal_record (SrvDemoDedup  *self,
             const guint8  *ref_mac,
             const char    *json,
             GError       **error)
{
  g_autoptr(GBytes) aad = make_aad (ref_mac);
  g_autoptr(GBytes) plaintext = g_bytes_new (json, strlen (json));
  g_autoptr(GBytes) sealed = NULL;
  GByteArray *stored;
  guint8 nonce[IDEM_GCM_NONCE_SIZE];

  if (!idem_crypto_random_bytes (nonce, sizeof nonce, error) ||
      !(sealed = idem_aes_gcm_seal_bytes (self->keys->demographics, nonce, aad, plaintext, error)))
    return NULL;

  stored = g_byte_array_sized_new (sizeof nonce + g_bytes_get_size (sealed));
  g_byte_array_append (stored, nonce, sizeof nonce);
  g_byte_array_append (stored, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed));
  return g_byte_array_free_to_bytes (stored);
}

static gboolean
open_record (SrvDemoDedup  *self,
             const guint8  *ref_mac,
             const guint8  *stored,
             gsize          length,
             char         **reference_id,
             Person        *person,
             GError       **error)
{
  g_autoptr(GBytes) aad = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GBytes) plaintext = NULL;

  if (length >= IDEM_GCM_NONCE_SIZE + IDEM_GCM_TAG_SIZE)
    {
      aad = make_aad (ref_mac);
      sealed = g_bytes_new_static (stored + IDEM_GCM_NONCE_SIZE, length - IDEM_GCM_NONCE_SIZE);
      plaintext = idem_aes_gcm_open_bytes (self->keys->demographics, stored, aad, sealed, NULL);
    }

  if (plaintext == NULL ||
      !parse_record (g_bytes_get_data (plaintext, NULL), g_bytes_get_size (plaintext), reference_id, person))
    {
      g_set_error_literal (error, SRV_DEMO_DEDUP_ERROR, SRV_DEMO_DEDUP_ERROR_TAMPERED,
                           _("An entry of the demographic index does not open: altered or moved"));
      return FALSE;
    }

  return TRUE;
}

/* Writing */

/* A savepoint works inside the caller's transaction (the pipeline's) and
 * alone, where it is a transaction of its own. */
static gboolean
begin (SrvDemoDedup  *self,
       GError       **error)
{
  return sqlite3_exec (db_of (self), "SAVEPOINT demo_dedup", NULL, NULL, NULL) == SQLITE_OK ||
         database_error (self, error);
}

static gboolean
commit (SrvDemoDedup  *self,
        GError       **error)
{
  return sqlite3_exec (db_of (self), "RELEASE demo_dedup", NULL, NULL, NULL) == SQLITE_OK ||
         database_error (self, error);
}

static void
rollback (SrvDemoDedup *self)
{
  sqlite3_exec (db_of (self), "ROLLBACK TO demo_dedup; RELEASE demo_dedup", NULL, NULL, NULL);
}

static gboolean
delete_entry (SrvDemoDedup  *self,
              const guint8  *ref_mac,
              gboolean      *deleted,
              GError       **error)
{
  g_autoptr(sqlite3_stmt) find = NULL;
  g_autoptr(sqlite3_stmt) blocks = NULL;
  g_autoptr(sqlite3_stmt) entry = NULL;
  gint64 id;

  *deleted = FALSE;
  find = prepare (self, "SELECT id FROM demo_dedup_entry WHERE reference_mac = ?", error);
  if (find == NULL)
    return FALSE;
  sqlite3_bind_blob (find, 1, ref_mac, BLOCK_MAC_SIZE, SQLITE_STATIC);
  if (sqlite3_step (find) != SQLITE_ROW)
    return TRUE;
  id = sqlite3_column_int64 (find, 0);

  blocks = prepare (self, "DELETE FROM demo_dedup_block WHERE entry_id = ?", error);
  entry = prepare (self, "DELETE FROM demo_dedup_entry WHERE id = ?", error);
  if (blocks == NULL || entry == NULL)
    return FALSE;
  sqlite3_bind_int64 (blocks, 1, id);
  sqlite3_bind_int64 (entry, 1, id);
  if (sqlite3_step (blocks) != SQLITE_DONE || sqlite3_step (entry) != SQLITE_DONE)
    return database_error (self, error);

  *deleted = TRUE;
  return TRUE;
}

static gboolean
insert_entry (SrvDemoDedup  *self,
              const guint8  *ref_mac,
              GBytes        *sealed,
              GPtrArray     *blocks,
              GError       **error)
{
  g_autoptr(sqlite3_stmt) entry = NULL;
  g_autoptr(sqlite3_stmt) block = NULL;
  gint64 id;

  entry = prepare (self, "INSERT INTO demo_dedup_entry (reference_mac, sealed) VALUES (?, ?)", error);
  if (entry == NULL)
    return FALSE;
  sqlite3_bind_blob (entry, 1, ref_mac, BLOCK_MAC_SIZE, SQLITE_STATIC);
  sqlite3_bind_blob (entry, 2, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed), SQLITE_STATIC);
  if (sqlite3_step (entry) != SQLITE_DONE)
    return database_error (self, error);
  id = sqlite3_last_insert_rowid (db_of (self));

  block = prepare (self, "INSERT OR IGNORE INTO demo_dedup_block (block_mac, entry_id) VALUES (?, ?)", error);
  if (block == NULL)
    return FALSE;
  for (guint i = 0; i < blocks->len; i++)
    {
      guint8 mac[BLOCK_MAC_SIZE];

      mac_of (self, g_ptr_array_index (blocks, i), mac);
      sqlite3_reset (block);
      sqlite3_bind_blob (block, 1, mac, sizeof mac, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (block, 2, id);
      if (sqlite3_step (block) != SQLITE_DONE)
        return database_error (self, error);
    }

  return TRUE;
}

/**
 * srv_demo_dedup_add:
 * @self: the demographic index
 * @reference_id: the RID or UIN the entry stands for
 * @identity: the "identity" object of an ID.json
 * @error: return location for an error in %SRV_DEMO_DEDUP_ERROR
 *
 * Files the identity under @reference_id, replacing what that reference
 * had, so that a retried call changes nothing.  Runs inside the caller's
 * transaction when one is open; nothing is written on error.
 *
 * Returns: whether the entry was written
 */
gboolean
srv_demo_dedup_add (SrvDemoDedup  *self,
                    const char    *reference_id,
                    JsonObject    *identity,
                    GError       **error)
{
  g_auto(Person) person = { 0 };
  g_autoptr(GPtrArray) blocks = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_autofree char *json = NULL;
  guint8 ref_mac[BLOCK_MAC_SIZE];
  gboolean replaced;

  g_return_val_if_fail (SRV_IS_DEMO_DEDUP (self), FALSE);
  g_return_val_if_fail (identity != NULL, FALSE);

  if (reference_id == NULL || *reference_id == '\0')
    {
      g_set_error_literal (error, SRV_DEMO_DEDUP_ERROR, SRV_DEMO_DEDUP_ERROR_INVALID_ARGUMENT,
                           _("A demographic index entry needs a reference id"));
      return FALSE;
    }

  if (!read_person (identity, &person, error))
    return FALSE;

  reference_mac (self, reference_id, ref_mac);
  json = record_json (reference_id, &person);
  sealed = seal_record (self, ref_mac, json, error);
  if (sealed == NULL)
    return FALSE;
  blocks = entry_blocks (&person);

  if (!begin (self, error))
    return FALSE;
  if (!delete_entry (self, ref_mac, &replaced, error) ||
      !insert_entry (self, ref_mac, sealed, blocks, error) ||
      !commit (self, error))
    {
      rollback (self);
      return FALSE;
    }

  return TRUE;
}

/**
 * srv_demo_dedup_remove:
 * @self: the demographic index
 * @reference_id: the reference of an entry
 * @error: return location for an error in %SRV_DEMO_DEDUP_ERROR
 *
 * Removes the entry, if there is one: removing an absent entry succeeds.
 *
 * Returns: whether the index no longer holds @reference_id
 */
gboolean
srv_demo_dedup_remove (SrvDemoDedup  *self,
                       const char    *reference_id,
                       GError       **error)
{
  guint8 ref_mac[BLOCK_MAC_SIZE];
  gboolean deleted;

  g_return_val_if_fail (SRV_IS_DEMO_DEDUP (self), FALSE);

  if (reference_id == NULL || *reference_id == '\0')
    {
      g_set_error_literal (error, SRV_DEMO_DEDUP_ERROR, SRV_DEMO_DEDUP_ERROR_INVALID_ARGUMENT,
                           _("A demographic index entry needs a reference id"));
      return FALSE;
    }

  reference_mac (self, reference_id, ref_mac);
  if (!begin (self, error))
    return FALSE;
  if (!delete_entry (self, ref_mac, &deleted, error) || !commit (self, error))
    {
      rollback (self);
      return FALSE;
    }

  return TRUE;
}

/* Finding */

void
srv_demo_candidate_free (SrvDemoCandidate *candidate)
{
  if (candidate == NULL)
    return;

  g_free (candidate->reference_id);
  g_free (candidate);
}

static int
compare_candidates (gconstpointer a,
                    gconstpointer b)
{
  const SrvDemoCandidate *x = *(SrvDemoCandidate * const *) a;
  const SrvDemoCandidate *y = *(SrvDemoCandidate * const *) b;

  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  return strcmp (x->reference_id, y->reference_id);
}

static char *
candidate_query (guint n_blocks)
{
  GString *sql = g_string_new ("SELECT e.reference_mac, e.sealed FROM demo_dedup_entry e WHERE e.id IN"
                               " (SELECT entry_id FROM demo_dedup_block WHERE block_mac IN (");

  for (guint i = 0; i < n_blocks; i++)
    g_string_append (sql, i == 0 ? "?" : ", ?");
  g_string_append (sql, "))");
  return g_string_free (sql, FALSE);
}

/**
 * srv_demo_dedup_find:
 * @self: the demographic index
 * @identity: the "identity" object of an ID.json
 * @threshold: the lowest score returned, such as %SRV_DEMO_DEDUP_THRESHOLD
 * @error: return location for an error in %SRV_DEMO_DEDUP_ERROR
 *
 * Finds the entries that may be the same person (see the top of
 * srv-demo-dedup.c for the score and which entries are looked at).
 *
 * Returns: (transfer full) (nullable) (element-type SrvDemoCandidate): the
 *   candidates scoring at least @threshold, best first, possibly none;
 *   %NULL on error
 */
GPtrArray *
srv_demo_dedup_find (SrvDemoDedup  *self,
                     JsonObject    *identity,
                     double         threshold,
                     GError       **error)
{
  g_auto(Person) query = { 0 };
  g_autoptr(GPtrArray) blocks = NULL;
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(sqlite3_stmt) statement = NULL;
  g_autofree char *sql = NULL;
  int status;

  g_return_val_if_fail (SRV_IS_DEMO_DEDUP (self), NULL);
  g_return_val_if_fail (identity != NULL, NULL);

  if (!read_person (identity, &query, error))
    return NULL;

  candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) srv_demo_candidate_free);
  blocks = query_blocks (&query);
  if (blocks->len == 0)
    return g_steal_pointer (&candidates);

  sql = candidate_query (blocks->len);
  statement = prepare (self, sql, error);
  if (statement == NULL)
    return NULL;
  for (guint i = 0; i < blocks->len; i++)
    {
      guint8 mac[BLOCK_MAC_SIZE];

      mac_of (self, g_ptr_array_index (blocks, i), mac);
      sqlite3_bind_blob (statement, i + 1, mac, sizeof mac, SQLITE_TRANSIENT);
    }

  while ((status = sqlite3_step (statement)) == SQLITE_ROW)
    {
      g_auto(Person) entry = { 0 };
      g_autofree char *reference_id = NULL;
      double score;

      if (sqlite3_column_bytes (statement, 0) != BLOCK_MAC_SIZE)
        {
          g_set_error_literal (error, SRV_DEMO_DEDUP_ERROR, SRV_DEMO_DEDUP_ERROR_TAMPERED,
                               _("An entry of the demographic index does not open: altered or moved"));
          return NULL;
        }

      if (!open_record (self, sqlite3_column_blob (statement, 0),
                        sqlite3_column_blob (statement, 1), sqlite3_column_bytes (statement, 1),
                        &reference_id, &entry, error))
        return NULL;

      score = score_people (&query, &entry);
      if (score >= threshold)
        {
          SrvDemoCandidate *candidate = g_new0 (SrvDemoCandidate, 1);

          candidate->reference_id = g_steal_pointer (&reference_id);
          candidate->score = score;
          g_ptr_array_add (candidates, candidate);
        }
    }

  if (status != SQLITE_DONE)
    {
      database_error (self, error);
      return NULL;
    }

  g_ptr_array_sort (candidates, compare_candidates);
  return g_steal_pointer (&candidates);
}
