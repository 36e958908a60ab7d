/* test-id-schema.c — loading ID schemas and validating identities
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * MOSIP's sample schema and the identities of its sample packet, Idem's
 * default schema, and hand-made identities that each break the schema in
 * known ways: every violation must come out, with its code and path.
 */

#include "config.h"

#include "idem.h"

#include <stdlib.h>
#include <string.h>

static IdemIdSchema *
load_schema_file (const char *env,
                  const char *first_element,
                  ...)
{
  g_autoptr(GPtrArray) elements = g_ptr_array_new ();
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  IdemIdSchema *schema;
  va_list args;

  g_assert_nonnull (g_getenv (env));
  g_ptr_array_add (elements, (char *) g_getenv (env));
  va_start (args, first_element);
  for (const char *e = first_element; e != NULL; e = va_arg (args, const char *))
    g_ptr_array_add (elements, (char *) e);
  va_end (args);
  g_ptr_array_add (elements, NULL);

  path = g_build_filenamev ((char **) elements->pdata);
  file = g_file_new_for_path (path);
  schema = idem_id_schema_new_from_file (file, &error);
  g_assert_no_error (error);
  g_assert_nonnull (schema);

  return schema;
}

static IdemIdSchema *
load_sample_schema (void)
{
  return load_schema_file ("IDEM_SHARED_DIR", "vectors", "mosip-packet", "id-schema-sample.json", NULL);
}

static IdemIdSchema *
load_default_schema (void)
{
  return load_schema_file ("IDEM_SOURCE_DIR", "data", "schema", "id-schema.json", NULL);
}

static IdemIdSchema *
schema_from_text (const char *text)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
  g_autoptr(GError) error = NULL;
  IdemIdSchema *schema;

  schema = idem_id_schema_new_from_bytes (bytes, &error);
  g_assert_no_error (error);

  return schema;
}

static JsonObject *
object_from_text (const char *text)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  node = json_from_string (text, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));

  return json_object_ref (json_node_get_object (node));
}

static JsonObject *
object_from_shared_file (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("IDEM_SHARED_DIR"), "vectors", "mosip-packet",
                                            "components", name, "ID.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);

  return object_from_text (text);
}

/* "code path" lines, one per violation, for exact comparisons. */
static char *
describe (GPtrArray *violations)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < violations->len; i++)
    {
      IdemSchemaViolation *violation = g_ptr_array_index (violations, i);

      g_assert_nonnull (violation->message);
      g_assert_cmpstr (violation->message, !=, "");
      g_string_append_printf (text, "%s %s\n", idem_schema_violation_code_to_string (violation->code), violation->path);
    }

  return g_string_free (text, FALSE);
}

static int
compare_lines (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The lines in sorted order: the validator's order follows the schema's
 * fields, which is checked on its own in test_report_order(). */
static char *
sorted_lines (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  guint n = g_strv_length (lines);

  qsort (lines, n, sizeof (char *), compare_lines);
  return g_strjoinv ("\n", lines);
}

static void
assert_violations (IdemIdSchema        *schema,
                   const char          *identity,
                   IdemIdValidateFlags  flags,
                   const char          *expected)
{
  g_autoptr(JsonObject) object = object_from_text (identity);
  g_autoptr(GPtrArray) violations = idem_id_schema_validate (schema, object, flags);
  g_autofree char *found = describe (violations);
  g_autofree char *found_sorted = sorted_lines (found);
  g_autofree char *expected_sorted = sorted_lines (expected);

  if (g_strcmp0 (found_sorted, expected_sorted) != 0)
    g_error ("For %s\nexpected:\n%s\nfound:\n%s", identity, expected, found);
}

/* Unknown fields in the identity's order, then the schema's fields in the
 * schema's order, each field's own faults in the order of its values. */
static void
test_report_order (void)
{
  g_autoptr(IdemIdSchema) schema = schema_from_text (
    "{\"definitions\":{\"simpleType\":{}},"
    "\"properties\":{\"identity\":{\"additionalProperties\":false,\"required\":[\"b\",\"a\"],\"properties\":{"
    "\"z\":{\"$ref\":\"#/definitions/simpleType\"},\"b\":{\"type\":\"string\"},\"a\":{\"type\":\"string\"}}}}}");
  g_autoptr(JsonObject) object = object_from_text (
    "{\"y\":1,\"z\":[{\"language\":\"eng\",\"value\":1},{\"language\":\"eng\",\"value\":\"x\"}],\"x\":1}");
  g_autoptr(GPtrArray) violations = idem_id_schema_validate (schema, object, IDEM_ID_VALIDATE_NONE);
  g_autofree char *found = describe (violations);

  g_assert_cmpstr (found, ==,
                   "unknown-field identity.y\n"
                   "unknown-field identity.x\n"
                   "wrong-type identity.z[0].value\n"
                   "duplicate-language identity.z[1].language\n"
                   "required identity.b\n"
                   "required identity.a\n");
}

static void
test_sample_schema_fields (void)
{
  g_autoptr(IdemIdSchema) schema = load_sample_schema ();
  const IdemIdField *field;
  double bound;

  g_assert_cmpuint (idem_id_schema_get_n_fields (schema), ==, 29);
  g_assert_false (idem_id_schema_get_allows_unknown_fields (schema));

  /* The schema's own order. */
  g_assert_cmpstr (idem_id_field_get_id (idem_id_schema_get_field (schema, 0)), ==, "proofOfAddress");
  g_assert_cmpstr (idem_id_field_get_id (idem_id_schema_get_field (schema, 28)), ==, "region");

  field = idem_id_schema_lookup_field (schema, "fullName");
  g_assert_nonnull (field);
  g_assert_cmpint (idem_id_field_get_kind (field), ==, IDEM_ID_FIELD_KIND_SIMPLE);
  g_assert_cmpint (idem_id_field_get_category (field), ==, IDEM_FIELD_CATEGORY_PVT);
  g_assert_cmpint (idem_id_field_get_subpackets (field), ==, IDEM_SUBPACKET_ID);
  g_assert_true (idem_id_field_is_required (field));
  g_assert_cmpuint (idem_id_field_get_n_validators (field), ==, 1);
  g_assert_cmpstr (idem_id_field_get_validator_pattern (field, 0), ==, "^(?=.{3,50}$).*");
  g_assert_null (idem_id_field_get_validator_language (field, 0));
  g_assert_cmpstr (idem_id_field_get_field_type (field), ==, "default");

  field = idem_id_schema_lookup_field (schema, "IDSchemaVersion");
  g_assert_cmpint (idem_id_field_get_kind (field), ==, IDEM_ID_FIELD_KIND_NUMBER);
  g_assert_cmpint (idem_id_field_get_category (field), ==, IDEM_FIELD_CATEGORY_NONE);
  g_assert_cmpint (idem_id_field_get_subpackets (field), ==, IDEM_SUBPACKET_ALL);
  g_assert_true (idem_id_field_get_minimum (field, &bound));
  g_assert_cmpfloat (bound, ==, 0);
  g_assert_false (idem_id_field_get_maximum (field, NULL));

  field = idem_id_schema_lookup_field (schema, "residenceStatus");
  g_assert_cmpint (idem_id_field_get_category (field), ==, IDEM_FIELD_CATEGORY_KYC);
  g_assert_cmpint (idem_id_field_get_subpackets (field), ==, IDEM_SUBPACKET_ID);
  g_assert_false (idem_id_field_is_required (field));

  field = idem_id_schema_lookup_field (schema, "proofOfException");
  g_assert_cmpint (idem_id_field_get_kind (field), ==, IDEM_ID_FIELD_KIND_DOCUMENT);
  g_assert_cmpint (idem_id_field_get_subpackets (field), ==, IDEM_SUBPACKET_EVIDENCE);

  field = idem_id_schema_lookup_field (schema, "individualBiometrics");
  g_assert_cmpint (idem_id_field_get_kind (field), ==, IDEM_ID_FIELD_KIND_BIOMETRICS);
  g_assert_cmpuint (g_strv_length ((char **) idem_id_field_get_bio_attributes (field)), ==, 13);
  g_assert_true (g_strv_contains (idem_id_field_get_bio_attributes (field), "face"));

  field = idem_id_schema_lookup_field (schema, "postalCode");
  g_assert_cmpint (idem_id_field_get_kind (field), ==, IDEM_ID_FIELD_KIND_STRING);
  g_assert_cmpuint (g_strv_length ((char **) idem_id_field_get_bio_attributes (field)), ==, 0);

  g_assert_null (idem_id_schema_lookup_field (schema, "nickname"));
}

static void
test_category_routing (void)
{
  IdemFieldCategory category;

  g_assert_cmpint (idem_field_category_get_subpackets (IDEM_FIELD_CATEGORY_PVT), ==, IDEM_SUBPACKET_ID);
  g_assert_cmpint (idem_field_category_get_subpackets (IDEM_FIELD_CATEGORY_KYC), ==, IDEM_SUBPACKET_ID);
  g_assert_cmpint (idem_field_category_get_subpackets (IDEM_FIELD_CATEGORY_EVIDENCE), ==, IDEM_SUBPACKET_EVIDENCE);
  g_assert_cmpint (idem_field_category_get_subpackets (IDEM_FIELD_CATEGORY_OPTIONAL), ==, IDEM_SUBPACKET_OPTIONAL);
  g_assert_cmpint (idem_field_category_get_subpackets (IDEM_FIELD_CATEGORY_NONE), ==, IDEM_SUBPACKET_ALL);

  g_assert_true (idem_field_category_from_string ("Evidence", &category));
  g_assert_cmpint (category, ==, IDEM_FIELD_CATEGORY_EVIDENCE);
  g_assert_cmpstr (idem_field_category_to_string (category), ==, "evidence");
  g_assert_false (idem_field_category_from_string ("secret", &category));

  /* A field without fieldCategory goes everywhere, as one with "none". */
  {
    g_autoptr(IdemIdSchema) schema = schema_from_text (
      "{\"properties\":{\"identity\":{\"properties\":{"
      "\"a\":{\"type\":\"string\"},"
      "\"b\":{\"type\":\"string\",\"fieldCategory\":\"optional\"}}}}}");

    g_assert_cmpint (idem_id_field_get_category (idem_id_schema_lookup_field (schema, "a")), ==, IDEM_FIELD_CATEGORY_NONE);
    g_assert_cmpint (idem_id_field_get_subpackets (idem_id_schema_lookup_field (schema, "a")), ==, IDEM_SUBPACKET_ALL);
    g_assert_cmpint (idem_id_field_get_subpackets (idem_id_schema_lookup_field (schema, "b")), ==, IDEM_SUBPACKET_OPTIONAL);
    g_assert_true (idem_id_schema_get_allows_unknown_fields (schema));
  }
}

/* The sample packet's names are 92 characters long, beyond the sample
 * schema's own limit of 50 (^(?=.{3,50}$).*): MOSIP's documentation made
 * the packet with a data generator that does not apply the validators.
 * Everything else in it is valid. */
static const char sample_name_violations[] =
  "pattern identity.fullName[0].value\n"
  "pattern identity.fullName[1].value\n"
  "pattern identity.fullName[2].value\n";

static void
test_sample_identity (void)
{
  g_autoptr(IdemIdSchema) schema = load_sample_schema ();
  g_autoptr(JsonObject) id = object_from_shared_file ("id");
  g_autoptr(GPtrArray) violations = NULL;
  g_autoptr(GPtrArray) strict = NULL;
  g_autofree char *found = NULL;
  g_autofree char *found_strict = NULL;

  violations = idem_id_schema_validate (schema, id, IDEM_ID_VALIDATE_NONE);
  found = describe (violations);
  g_assert_cmpstr (found, ==, sample_name_violations);

  /* The sample also has "introducerBiometrics": "null" beside "identity",
   * which MOSIP's reader never looks at; a strict reading reports it. */
  strict = idem_id_schema_validate (schema, id, IDEM_ID_VALIDATE_STRICT_WRAPPER);
  found_strict = describe (strict);
  g_assert_cmpstr (found_strict, ==, "unknown-field introducerBiometrics\n"
                   "pattern identity.fullName[0].value\n"
                   "pattern identity.fullName[1].value\n"
                   "pattern identity.fullName[2].value\n");

  /* Member names that are empty or hold path characters are quoted, so
   * every path is non-empty and names one member. */
  assert_violations (schema, "{\"\":1,\"a.b\":2,\"identity\":{\"\":1,\"x[0]\":2,\"proofOfAddress\":"
                     "{\"format\":\"pdf\",\"value\":\"p\",\"\\\"\":3}}}",
                     IDEM_ID_VALIDATE_STRICT_WRAPPER | IDEM_ID_VALIDATE_PARTIAL,
                     "unknown-field [\"\"]\n"
                     "unknown-field [\"a.b\"]\n"
                     "unknown-field identity[\"\"]\n"
                     "unknown-field identity[\"x[0]\"]\n"
                     "bad-document identity.proofOfAddress[\"\\\"\"]\n");

  /* With names the schema allows, the sample is valid. */
  {
    JsonObject *identity = json_object_get_object_member (id, "identity");
    JsonArray *names = json_object_get_array_member (identity, "fullName");

    for (guint i = 0; i < json_array_get_length (names); i++)
      json_object_set_string_member (json_array_get_object_element (names, i), "value", "Pavlo Tvlcsq");

    g_clear_pointer (&violations, g_ptr_array_unref);
    violations = idem_id_schema_validate (schema, id, IDEM_ID_VALIDATE_NONE);
    g_assert_cmpuint (violations->len, ==, 0);
  }
}

/* The evidence and optional sub-packets hold only their own fields: each is
 * valid field by field, and the three together make the whole identity. */
static void
test_sample_subpackets (void)
{
  g_autoptr(IdemIdSchema) schema = load_sample_schema ();
  g_autoptr(JsonObject) id = object_from_shared_file ("id");
  g_autoptr(JsonObject) whole = json_object_new ();
  g_autoptr(JsonObject) merged = json_object_new ();
  const char *names[] = { "evidence", "optional" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(JsonObject) part = object_from_shared_file (names[i]);
      g_autoptr(GPtrArray) violations = idem_id_schema_validate (schema, part, IDEM_ID_VALIDATE_PARTIAL);
      g_autoptr(GPtrArray) whole_violations = idem_id_schema_validate (schema, part, IDEM_ID_VALIDATE_NONE);
      JsonObject *identity = json_object_get_object_member (part, "identity");
      g_autoptr(GList) members = json_object_get_members (identity);

      g_assert_cmpuint (violations->len, ==, 0);
      /* On its own a sub-packet lacks the required fields of the others. */
      g_assert_cmpuint (whole_violations->len, ==, 15);

      for (const GList *l = members; l != NULL; l = l->next)
        {
          const IdemIdField *field = idem_id_schema_lookup_field (schema, l->data);

          g_assert_nonnull (field);
          /* The documentation's optional sub-packet repeats the evidence
           * one's ID.json, proofOfException and all, though that field is
           * routed to evidence only: check the routing on evidence. */
          if (i == 0)
            g_assert_true (idem_id_field_get_subpackets (field) & IDEM_SUBPACKET_EVIDENCE);
          json_object_set_member (merged, l->data, json_node_copy (json_object_get_member (identity, l->data)));
        }
    }

  {
    JsonObject *identity = json_object_get_object_member (id, "identity");
    g_autoptr(GList) members = json_object_get_members (identity);
    g_autoptr(GPtrArray) violations = NULL;
    g_autofree char *found = NULL;

    for (const GList *l = members; l != NULL; l = l->next)
      json_object_set_member (merged, l->data, json_node_copy (json_object_get_member (identity, l->data)));
    json_object_set_object_member (whole, "identity", json_object_ref (merged));

    violations = idem_id_schema_validate (schema, whole, IDEM_ID_VALIDATE_NONE);
    found = describe (violations);
    g_assert_cmpstr (found, ==, sample_name_violations);
  }
}

/* The sample's required fields, valid, to which each case adds or changes
 * one thing. */
#define VALID_MEMBERS \
  "\"IDSchemaVersion\":0.1," \
  "\"fullName\":[{\"language\":\"eng\",\"value\":\"Amina Diallo\"}]," \
  "\"dateOfBirth\":\"1990/04/17\"," \
  "\"gender\":[{\"language\":\"eng\",\"value\":\"FLE\"}]," \
  "\"addressLine1\":[{\"language\":\"eng\",\"value\":\"12 Rue Ibn Sina\"}]," \
  "\"addressLine2\":[{\"language\":\"eng\",\"value\":\"Apt 3\"}]," \
  "\"addressLine3\":[{\"language\":\"eng\",\"value\":\"Agdal\"}]," \
  "\"region\":[{\"language\":\"eng\",\"value\":\"Rabat Sale Kenitra\"}]," \
  "\"province\":[{\"language\":\"eng\",\"value\":\"Rabat\"}]," \
  "\"city\":[{\"language\":\"eng\",\"value\":\"Rabat\"}]," \
  "\"zone\":[{\"language\":\"eng\",\"value\":\"Agdal\"}]," \
  "\"postalCode\":\"10090\"," \
  "\"phone\":\"0612345678\"," \
  "\"email\":\"amina.diallo@example.org\"," \
  "\"proofOfIdentity\":{\"format\":\"pdf\",\"type\":\"DOC001\",\"value\":\"proofOfIdentity\"}," \
  "\"individualBiometrics\":{\"format\":\"cbeff\",\"version\":1.0,\"value\":\"individualBiometrics_bio_CBEFF\"}"

typedef struct
{
  const char *name;
  const char *identity;
  const char *expected;
} InvalidCase;

static const InvalidCase invalid_cases[] = {
  { "valid", "{\"identity\":{" VALID_MEMBERS "}}", "" },
  { "valid-bare", "{" VALID_MEMBERS "}", "" },
  { "missing-required",
    "{\"identity\":{\"IDSchemaVersion\":0.1}}",
    "required identity.fullName\n"
    "required identity.dateOfBirth\n"
    "required identity.gender\n"
    "required identity.addressLine1\n"
    "required identity.addressLine2\n"
    "required identity.addressLine3\n"
    "required identity.region\n"
    "required identity.province\n"
    "required identity.city\n"
    "required identity.zone\n"
    "required identity.postalCode\n"
    "required identity.phone\n"
    "required identity.email\n"
    "required identity.proofOfIdentity\n"
    "required identity.individualBiometrics\n" },
  { "wrong-types",
    "{\"identity\":{" VALID_MEMBERS ",\"IDSchemaVersion\":\"0.1\",\"postalCode\":10090,"
    "\"city\":\"Rabat\",\"UIN\":true}}",
    "wrong-type identity.postalCode\n"
    "wrong-type identity.city\n"
    "wrong-type identity.IDSchemaVersion\n"
    "wrong-type identity.UIN\n" },
  { "bad-patterns",
    "{\"identity\":{" VALID_MEMBERS ",\"dateOfBirth\":\"17/04/1990\",\"phone\":\"+33 6 12\","
    "\"email\":\"amina@\",\"postalCode\":\"1009\"}}",
    "pattern identity.postalCode\n"
    "pattern identity.email\n"
    "pattern identity.dateOfBirth\n"
    "pattern identity.phone\n" },
  { "unknown-fields",
    "{\"identity\":{\"nickname\":\"Mimi\"," VALID_MEMBERS ",\"bloodGroup\":\"O+\"}}",
    "unknown-field identity.nickname\n"
    "unknown-field identity.bloodGroup\n" },
  { "languages",
    "{\"identity\":{" VALID_MEMBERS ",\"city\":[{\"language\":\"eng\",\"value\":\"Rabat\"},"
    "{\"language\":\"fra\",\"value\":\"Rabat\"},{\"language\":\"eng\",\"value\":\"Rbat\"},"
    "{\"language\":\"English\",\"value\":\"Rabat\"},{\"value\":\"Rabat\"},"
    "{\"language\":\"ara\",\"value\":7,\"script\":\"Arab\"},\"Rabat\"]}}",
    "duplicate-language identity.city[2].language\n"
    "unknown-language identity.city[3].language\n"
    "required identity.city[4].language\n"
    "unknown-field identity.city[5].script\n"
    "wrong-type identity.city[5].value\n"
    "wrong-type identity.city[6]\n" },
  { "documents",
    "{\"identity\":{" VALID_MEMBERS ",\"proofOfIdentity\":\"proofOfIdentity.pdf\","
    "\"proofOfAddress\":{\"format\":\"pdf\",\"type\":\"RNC\"},"
    "\"proofOfRelationship\":{\"format\":\"pdf\",\"value\":\"proofOfRelationship\",\"size\":12,\"refNumber\":null},"
    "\"proofOfDateOfBirth\":{\"format\":5,\"value\":\"\",\"refNumber\":42}}}",
    "bad-document identity.proofOfAddress.value\n"
    "bad-document identity.proofOfDateOfBirth.format\n"
    "bad-document identity.proofOfDateOfBirth.value\n"
    "bad-document identity.proofOfDateOfBirth.refNumber\n"
    "wrong-type identity.proofOfIdentity\n"
    "bad-document identity.proofOfRelationship.size\n" },
  { "biometrics",
    "{\"identity\":{" VALID_MEMBERS ",\"individualBiometrics\":{\"format\":\"cbeff\",\"version\":-1},"
    "\"introducerBiometrics\":[1],\"individualAuthBiometrics\":{\"format\":\"cbeff\",\"value\":\"x\",\"version\":\"1\"}}}",
    "bad-biometrics identity.individualBiometrics.version\n"
    "bad-biometrics identity.individualBiometrics.value\n"
    "wrong-type identity.introducerBiometrics\n"
    "bad-biometrics identity.individualAuthBiometrics.version\n" },
  { "out-of-range", "{\"identity\":{" VALID_MEMBERS ",\"IDSchemaVersion\":-0.5}}",
    "out-of-range identity.IDSchemaVersion\n" },
  { "nulls",
    "{\"identity\":{" VALID_MEMBERS ",\"fullName\":null,\"UIN\":null}}",
    "required identity.fullName\n"
    "wrong-type identity.UIN\n" },
  { "empty-required-list", "{\"identity\":{" VALID_MEMBERS ",\"gender\":[]}}",
    "required identity.gender\n" },
  { "identity-not-object", "{\"identity\":[1,2]}", "not-an-object identity\n" },
  { "several-at-once",
    "{\"identity\":{\"IDSchemaVersion\":0.1,\"extra\":1,"
    "\"fullName\":[{\"language\":\"eng\",\"value\":\"A\"},{\"language\":\"eng\",\"value\":\"Amina\"}],"
    "\"dateOfBirth\":\"1990-04-17\",\"gender\":[{\"language\":\"eng\",\"value\":\"FLE\"}],"
    "\"addressLine1\":[{\"language\":\"eng\",\"value\":\"1\"}],\"addressLine2\":[{\"language\":\"eng\",\"value\":\"22\"}],"
    "\"addressLine3\":[{\"language\":\"eng\",\"value\":\"333\"}],\"region\":[],\"province\":{},\"city\":[],"
    "\"zone\":[{\"language\":\"eng\",\"value\":\"Z\"}],\"postalCode\":\"NA\",\"phone\":\"0612345678\","
    "\"email\":\"a@b.cd\",\"proofOfIdentity\":{\"format\":\"pdf\",\"value\":\"p\"},"
    "\"individualBiometrics\":{\"format\":\"cbeff\",\"value\":\"b\"}}}",
    "unknown-field identity.extra\n"
    "required identity.region\n"
    "wrong-type identity.province\n"
    "required identity.city\n"
    "pattern identity.addressLine2[0].value\n"
    "pattern identity.fullName[0].value\n"
    "duplicate-language identity.fullName[1].language\n"
    "pattern identity.dateOfBirth\n" },
};

/* The sample schema's fields are not in a form's order: it is the order the
 * validator reports in, after the unknown fields. */
static void
test_invalid_identities (void)
{
  g_autoptr(IdemIdSchema) schema = load_sample_schema ();

  for (guint i = 0; i < G_N_ELEMENTS (invalid_cases); i++)
    {
      g_test_message ("case %s", invalid_cases[i].name);
      assert_violations (schema, invalid_cases[i].identity, IDEM_ID_VALIDATE_NONE, invalid_cases[i].expected);
    }
}

static void
test_messages_translatable (void)
{
  g_autoptr(IdemIdSchema) schema = load_sample_schema ();
  g_autoptr(JsonObject) object = object_from_text ("{\"identity\":{" VALID_MEMBERS ",\"postalCode\":\"1\"}}");
  g_autoptr(GPtrArray) violations = idem_id_schema_validate (schema, object, IDEM_ID_VALIDATE_NONE);
  IdemSchemaViolation *violation;
  g_autoptr(IdemSchemaViolation) copy = NULL;

  g_assert_cmpuint (violations->len, ==, 1);
  violation = g_ptr_array_index (violations, 0);
  g_assert_cmpint (violation->code, ==, IDEM_SCHEMA_VIOLATION_PATTERN);
  g_assert_nonnull (strstr (violation->message, "^[(?i)A-Z0-9]{5}$|^NA$"));

  copy = g_boxed_copy (IDEM_TYPE_SCHEMA_VIOLATION, violation);
  g_assert_cmpstr (copy->path, ==, violation->path);
  g_assert_cmpstr (copy->message, ==, violation->message);
  g_assert_cmpint (copy->code, ==, violation->code);
}

/* Kinds the sample does not use: integer and boolean, maximum, nullable
 * strings, a validator limited to one language, additional properties
 * allowed, and a deployment's list of languages. */
static void
test_other_kinds (void)
{
  g_autoptr(IdemIdSchema) schema = schema_from_text (
    "{\"definitions\":{\"simpleType\":{}},"
    "\"properties\":{\"identity\":{\"required\":[\"age\"],\"properties\":{"
    "\"age\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":150,\"fieldCategory\":\"kyc\"},"
    "\"consent\":{\"type\":\"boolean\"},"
    "\"refNumber\":{\"type\":[\"string\",\"null\"],\"validators\":[{\"type\":\"regex\",\"validator\":\"[0-9]+\"}]},"
    "\"name\":{\"$ref\":\"#/definitions/simpleType\",\"validators\":["
    "  {\"type\":\"regex\",\"validator\":\"[A-Za-z ]+\",\"langCode\":\"eng\"},"
    "  {\"type\":\"regex\",\"validator\":\"[\\\\p{Arabic} ]+\",\"langCode\":\"ara\"}]}"
    "}}}}");
  const char * const languages[] = { "eng", "ara", NULL };

  assert_violations (schema, "{\"age\":30,\"consent\":true,\"refNumber\":null,\"other\":1,"
                     "\"name\":[{\"language\":\"eng\",\"value\":\"Amina\"},{\"language\":\"ara\",\"value\":\"أمينة\"},"
                     "{\"language\":\"fra\",\"value\":\"Amina 2\"}]}",
                     IDEM_ID_VALIDATE_NONE, "");
  assert_violations (schema, "{\"age\":30.5,\"consent\":\"yes\",\"refNumber\":\"12a\","
                     "\"name\":[{\"language\":\"eng\",\"value\":\"أمينة\"},{\"language\":\"ara\",\"value\":\"Amina\"}]}",
                     IDEM_ID_VALIDATE_NONE,
                     "wrong-type identity.age\n"
                     "wrong-type identity.consent\n"
                     "pattern identity.refNumber\n"
                     "pattern identity.name[0].value\n"
                     "pattern identity.name[1].value\n");
  assert_violations (schema, "{\"age\":151}", IDEM_ID_VALIDATE_NONE, "out-of-range identity.age\n");
  assert_violations (schema, "{\"age\":-1.0}", IDEM_ID_VALIDATE_NONE, "out-of-range identity.age\n");
  assert_violations (schema, "{\"age\":150.0}", IDEM_ID_VALIDATE_NONE, "");
  assert_violations (schema, "{\"age\":1e300}", IDEM_ID_VALIDATE_NONE, "out-of-range identity.age\n");
  assert_violations (schema, "{\"age\":-1e300}", IDEM_ID_VALIDATE_NONE, "out-of-range identity.age\n");
  assert_violations (schema, "{\"consent\":false}", IDEM_ID_VALIDATE_NONE, "required identity.age\n");
  assert_violations (schema, "{\"consent\":false}", IDEM_ID_VALIDATE_PARTIAL, "");

  idem_id_schema_set_languages (schema, languages);
  g_assert_true (g_strv_equal (idem_id_schema_get_languages (schema), languages));
  assert_violations (schema, "{\"age\":1,\"name\":[{\"language\":\"fra\",\"value\":\"Amina\"}]}",
                     IDEM_ID_VALIDATE_NONE, "unknown-language identity.name[0].language\n");
  idem_id_schema_set_languages (schema, NULL);
  g_assert_null (idem_id_schema_get_languages (schema));
}

/* A realistic registration in Idem's three languages, against the schema
 * Idem ships. */
#define DEFAULT_IDENTITY \
  "{\"identity\":{" \
  "\"IDSchemaVersion\":0.1," \
  "\"fullName\":[{\"language\":\"eng\",\"value\":\"Amina Diallo\"},{\"language\":\"fra\",\"value\":\"Amina Diallo\"}," \
  "{\"language\":\"ara\",\"value\":\"أمينة ديالو\"}]," \
  "\"dateOfBirth\":\"1990/04/17\"," \
  "\"gender\":[{\"language\":\"eng\",\"value\":\"Female\"},{\"language\":\"fra\",\"value\":\"Féminin\"}," \
  "{\"language\":\"ara\",\"value\":\"أنثى\"}]," \
  "\"residenceStatus\":[{\"language\":\"eng\",\"value\":\"Resident\"},{\"language\":\"fra\",\"value\":\"Résident\"}," \
  "{\"language\":\"ara\",\"value\":\"مقيم\"}]," \
  "\"addressLine1\":[{\"language\":\"eng\",\"value\":\"12 Ibn Sina Street\"},{\"language\":\"fra\",\"value\":\"12 rue Ibn Sina\"}," \
  "{\"language\":\"ara\",\"value\":\"12 شارع ابن سينا\"}]," \
  "\"region\":[{\"language\":\"eng\",\"value\":\"Rabat-Sale-Kenitra\"},{\"language\":\"fra\",\"value\":\"Rabat-Salé-Kénitra\"}," \
  "{\"language\":\"ara\",\"value\":\"الرباط سلا القنيطرة\"}]," \
  "\"province\":[{\"language\":\"eng\",\"value\":\"Rabat\"},{\"language\":\"fra\",\"value\":\"Rabat\"},{\"language\":\"ara\",\"value\":\"الرباط\"}]," \
  "\"city\":[{\"language\":\"eng\",\"value\":\"Rabat\"},{\"language\":\"fra\",\"value\":\"Rabat\"},{\"language\":\"ara\",\"value\":\"الرباط\"}]," \
  "\"zone\":[{\"language\":\"eng\",\"value\":\"Agdal\"},{\"language\":\"fra\",\"value\":\"Agdal\"},{\"language\":\"ara\",\"value\":\"أكدال\"}]," \
  "\"postalCode\":\"10090\"," \
  "\"phone\":\"+212612345678\"," \
  "\"email\":\"amina.diallo@example.org\"," \
  "\"referenceIdentityNumber\":\"123456789012\"," \
  "\"proofOfIdentity\":{\"format\":\"pdf\",\"type\":\"DOC001\",\"value\":\"proofOfIdentity\",\"refNumber\":\"P1234567\"}," \
  "\"proofOfAddress\":{\"format\":\"jpg\",\"type\":\"DOC004\",\"value\":\"proofOfAddress\",\"refNumber\":null}," \
  "\"individualBiometrics\":{\"format\":\"cbeff\",\"version\":1.0,\"value\":\"individualBiometrics_bio_CBEFF\"}" \
  "}}"

static void
test_default_schema (void)
{
  g_autoptr(IdemIdSchema) schema = load_default_schema ();
  const char * const languages[] = { "eng", "fra", "ara", NULL };
  const char * const expected_fields[] = {
    "IDSchemaVersion", "fullName", "dateOfBirth", "gender", "residenceStatus",
    "addressLine1", "addressLine2", "addressLine3", "region", "province", "city", "zone",
    "postalCode", "phone", "email", "referenceIdentityNumber",
    "proofOfIdentity", "proofOfAddress", "proofOfRelationship", "proofOfDateOfBirth", "proofOfException",
    "introducerName", "introducerUIN", "introducerRID", "introducerBiometrics",
    "individualBiometrics", "individualAuthBiometrics", "UIN",
  };
  g_autoptr(IdemIdSchema) sample = load_sample_schema ();

  g_assert_cmpfloat (idem_id_schema_get_version (schema), ==, 0.1);
  idem_id_schema_set_languages (schema, languages);

  for (guint i = 0; i < G_N_ELEMENTS (expected_fields); i++)
    {
      const IdemIdField *field = idem_id_schema_lookup_field (schema, expected_fields[i]);
      const IdemIdField *mosip = idem_id_schema_lookup_field (sample, expected_fields[i]);

      g_test_message ("field %s", expected_fields[i]);
      g_assert_nonnull (field);
      /* Same ids, kinds and categories as MOSIP's sample, so packets move
       * between the two. */
      g_assert_nonnull (mosip);
      g_assert_cmpint (idem_id_field_get_kind (field), ==, idem_id_field_get_kind (mosip));
      g_assert_cmpint (idem_id_field_get_category (field), ==, idem_id_field_get_category (mosip));
    }

  assert_violations (schema, DEFAULT_IDENTITY, IDEM_ID_VALIDATE_NONE, "");
  assert_violations (schema,
                     "{\"identity\":{\"IDSchemaVersion\":0.1,"
                     "\"fullName\":[{\"language\":\"eng\",\"value\":\"Amina 2\"},{\"language\":\"deu\",\"value\":\"Amina\"}],"
                     "\"dateOfBirth\":\"1990/02/30x\",\"phone\":\"12\",\"email\":\"a@b\",\"UIN\":\"12345\","
                     "\"introducerRID\":\"1000110077100692022012822361\"}}",
                     IDEM_ID_VALIDATE_NONE,
                     "pattern identity.fullName[0].value\n"
                     "unknown-language identity.fullName[1].language\n"
                     "pattern identity.dateOfBirth\n"
                     "required identity.gender\n"
                     "required identity.residenceStatus\n"
                     "required identity.addressLine1\n"
                     "required identity.region\n"
                     "required identity.province\n"
                     "required identity.city\n"
                     "required identity.zone\n"
                     "required identity.postalCode\n"
                     "pattern identity.phone\n"
                     "pattern identity.email\n"
                     "pattern identity.introducerRID\n"
                     "required identity.individualBiometrics\n"
                     "pattern identity.UIN\n");

  /* MOSIP's sample packet, names and all, is valid under Idem's schema but
   * for the fields Idem requires and the sample lacks. */
  {
    g_autoptr(JsonObject) id = object_from_shared_file ("id");
    g_autoptr(GPtrArray) violations = idem_id_schema_validate (schema, id, IDEM_ID_VALIDATE_NONE);
    g_autofree char *found = describe (violations);

    g_assert_cmpstr (found, ==, "required identity.residenceStatus\n");
  }
}

typedef struct
{
  const char        *name;
  const char        *schema;
  IdemIdSchemaError  code;
  const char        *where;
} MalformedCase;

static const MalformedCase malformed_cases[] = {
  { "not-json", "{\"properties\":", IDEM_ID_SCHEMA_ERROR_PARSE, "not valid JSON" },
  { "empty", "", IDEM_ID_SCHEMA_ERROR_PARSE, "" },
  { "nul-byte", "{}\0{}", IDEM_ID_SCHEMA_ERROR_PARSE, "NUL" },
  { "not-object", "[]", IDEM_ID_SCHEMA_ERROR_MALFORMED, " $: " },
  { "no-properties", "{}", IDEM_ID_SCHEMA_ERROR_MALFORMED, " properties: " },
  { "no-identity", "{\"properties\":{}}", IDEM_ID_SCHEMA_ERROR_MALFORMED, " properties.identity: " },
  { "identity-not-object", "{\"properties\":{\"identity\":true}}", IDEM_ID_SCHEMA_ERROR_MALFORMED, " properties.identity: " },
  { "no-fields", "{\"properties\":{\"identity\":{}}}", IDEM_ID_SCHEMA_ERROR_MALFORMED, " properties.identity.properties: " },
  { "field-not-object", "{\"properties\":{\"identity\":{\"properties\":{\"a\":1}}}}",
    IDEM_ID_SCHEMA_ERROR_MALFORMED, " properties.identity.properties.a: " },
  { "field-no-type", "{\"properties\":{\"identity\":{\"properties\":{\"a\":{}}}}}",
    IDEM_ID_SCHEMA_ERROR_MALFORMED, " properties.identity.properties.a: " },
  { "bad-type", "{\"properties\":{\"identity\":{\"properties\":{\"a\":{\"type\":\"object\"}}}}}",
    IDEM_ID_SCHEMA_ERROR_MALFORMED, " properties.identity.properties.a.type: " },
  { "bad-type-list", "{\"properties\":{\"identity\":{\"properties\":{\"a\":{\"type\":[\"null\",3]}}}}}",
    IDEM_ID_SCHEMA_ERROR_MALFORMED, " properties.identity.properties.a.type[1]: " },
  { "only-null", "{\"properties\":{\"identity\":{\"properties\":{\"a\":{\"type\":[\"null\"]}}}}}",
    IDEM_ID_SCHEMA_ERROR_MALFORMED, " properties.identity.properties.a.type: " },
  { "missing-definition", "{\"properties\":{\"identity\":{\"properties\":{\"a\":{\"$ref\":\"#/definitions/simpleType\"}}}}}",
    IDEM_ID_SCHEMA_ERROR_MALFORMED, " properties.identity.properties.a.$ref: " },
  { "foreign-ref", "{\"properties\":{\"identity\":{\"properties\":{\"a\":{\"$ref\":\"other.json#/x\"}}}}}",
    IDEM_ID_SCHEMA_ERROR_MALFORMED, " properties.identity.properties.a.$ref: " },
  { "unknown-definition",
    "{\"definitions\":{\"dateType\":{}},\"properties\":{\"identity\":{\"properties\":{\"a\":{\"$ref\":\"#/definitions/dateType\"}}}}}",
    IDEM_ID_SCHEMA_ERROR_UNSUPPORTED, " properties.identity.properties.a.$ref " },
  { "bad-category",
    "{\"properties\":{\"identity\":{\"properties\":{\"a\":{\"type\":\"string\",\"fieldCategory\":\"secret\"}}}}}",
    IDEM_ID_SCHEMA_ERROR_MALFORMED, " properties.identity.properties.a.fieldCategory: " },
  { "category-not-string",
    "{\"properties\":{\"identity\":{\"properties\":{\"a\":{\"type\":\"string\",\"fieldCategory\":1}}}}}",
    IDEM_ID_SCHEMA_ERROR_MALFORMED, " properties.identity.properties.a: " },
  { "minimum-not-number",
    "{\"properties\":{\"identity\":{\"properties\":{\"a\":{\"type\":\"number\",\"minimum\":\"0\"}}}}}",
    IDEM_ID_SCHEMA_ERROR_MALFORMED, " properties.identity.properties.a: " },
  { "validators-not-list",
    "{\"properties\":{\"identity\":{\"properties\":{\"a\":{\"type\":\"string\",\"validators\":{}}}}}}",
    IDEM_ID_SCHEMA_ERROR_MALFORMED, " properties.identity.properties.a.validators: " },
  { "validator-incomplete",
    "{\"properties\":{\"identity\":{\"properties\":{\"a\":{\"type\":\"string\",\"validators\":[{\"type\":\"regex\"}]}}}}}",
    IDEM_ID_SCHEMA_ERROR_MALFORMED, " properties.identity.properties.a.validators[0]: " },
  { "validator-engine",
    "{\"properties\":{\"identity\":{\"properties\":{\"a\":{\"type\":\"string\",\"validators\":["
    "{\"type\":\"regex\",\"validator\":\".*\"},{\"type\":\"MVEL\",\"validator\":\"x > 1\"}]}}}}}",
    IDEM_ID_SCHEMA_ERROR_UNSUPPORTED, " properties.identity.properties.a.validators[1] " },
  { "bad-regex",
    "{\"properties\":{\"identity\":{\"properties\":{\"a\":{\"type\":\"string\",\"validators\":["
    "{\"type\":\"regex\",\"validator\":\"^([0-9]$\"}]}}}}}",
    IDEM_ID_SCHEMA_ERROR_BAD_REGEX, " properties.identity.properties.a.validators[0].validator " },
  { "regex-escapes-anchor",
    "{\"properties\":{\"identity\":{\"properties\":{\"a\":{\"type\":\"string\",\"validators\":["
    "{\"type\":\"regex\",\"validator\":\"abc\\\\\"}]}}}}}",
    IDEM_ID_SCHEMA_ERROR_BAD_REGEX, " properties.identity.properties.a.validators[0].validator " },
  { "bio-not-strings",
    "{\"properties\":{\"identity\":{\"properties\":{\"a\":{\"type\":\"string\",\"bioAttributes\":[\"face\",1]}}}}}",
    IDEM_ID_SCHEMA_ERROR_MALFORMED, " properties.identity.properties.a.bioAttributes[1]: " },
  { "required-unknown",
    "{\"properties\":{\"identity\":{\"required\":[\"a\",\"b\"],\"properties\":{\"a\":{\"type\":\"string\"}}}}}",
    IDEM_ID_SCHEMA_ERROR_MALFORMED, " properties.identity.required[1]: " },
  { "required-not-list",
    "{\"properties\":{\"identity\":{\"required\":\"a\",\"properties\":{\"a\":{\"type\":\"string\"}}}}}",
    IDEM_ID_SCHEMA_ERROR_MALFORMED, " properties.identity.required: " },
  { "additional-properties",
    "{\"properties\":{\"identity\":{\"additionalProperties\":\"no\",\"properties\":{}}}}",
    IDEM_ID_SCHEMA_ERROR_MALFORMED, " properties.identity: " },
  { "definitions-not-object", "{\"definitions\":[],\"properties\":{}}", IDEM_ID_SCHEMA_ERROR_MALFORMED, " definitions: " },
  { "version-not-number", "{\"schemaVersion\":\"0.1\",\"properties\":{}}", IDEM_ID_SCHEMA_ERROR_MALFORMED, " $: " },
};

static void
test_malformed_schemas (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (malformed_cases); i++)
    {
      const MalformedCase *c = &malformed_cases[i];
      gsize length = g_str_equal (c->name, "nul-byte") ? 5 : strlen (c->schema);
      g_autoptr(GBytes) bytes = g_bytes_new (c->schema, length);
      g_autoptr(GError) error = NULL;
      g_autoptr(IdemIdSchema) schema = NULL;

      g_test_message ("case %s", c->name);
      schema = idem_id_schema_new_from_bytes (bytes, &error);
      g_assert_null (schema);
      g_assert_error (error, IDEM_ID_SCHEMA_ERROR, (int) c->code);
      if (strstr (error->message, c->where) == NULL)
        g_error ("case %s: “%s” not in “%s”", c->name, c->where, error->message);
    }

  /* A file that is not there is an I/O error, not a crash. */
  {
    g_autoptr(GFile) file = g_file_new_for_path ("/nonexistent/id-schema.json");
    g_autoptr(GError) error = NULL;
    g_autoptr(IdemIdSchema) schema = idem_id_schema_new_from_file (file, &error);

    g_assert_null (schema);
    g_assert_error (error, IDEM_ID_SCHEMA_ERROR, IDEM_ID_SCHEMA_ERROR_IO);
  }
}

static void
test_hostile_input (void)
{
  g_autoptr(IdemIdSchema) schema = load_sample_schema ();

  /* Deep nesting is refused before json-glib's recursive parser sees it. */
  {
    GString *text = g_string_new ("{\"identity\":{\"city\":");
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) violations = NULL;

    for (guint i = 0; i < 100000; i++)
      g_string_append_c (text, '[');
    bytes = g_string_free_to_bytes (text);
    violations = idem_id_schema_validate_bytes (schema, bytes, IDEM_ID_VALIDATE_NONE, &error);
    g_assert_null (violations);
    g_assert_error (error, IDEM_ID_SCHEMA_ERROR, IDEM_ID_SCHEMA_ERROR_TOO_LARGE);
  }

  /* Brackets inside strings do not count. */
  {
    const char *text = "{\"identity\":{\"postalCode\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\\"[[[[[\"}}";
    g_autoptr(GBytes) bytes = g_bytes_new_static (text, strlen (text));
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) violations = idem_id_schema_validate_bytes (schema, bytes, IDEM_ID_VALIDATE_PARTIAL, &error);
    g_autofree char *found = NULL;

    g_assert_no_error (error);
    found = describe (violations);
    g_assert_cmpstr (found, ==, "pattern identity.postalCode\n");
  }

  /* A tree built in memory rather than parsed is bounded too. */
  {
    g_autoptr(JsonNode) deep = json_node_new (JSON_NODE_ARRAY);
    g_autoptr(JsonObject) identity = json_object_new ();
    g_autoptr(GPtrArray) violations = NULL;
    g_autofree char *found = NULL;
    JsonArray *array = json_array_new ();

    json_node_take_array (deep, array);
    for (guint i = 0; i < 200; i++)
      {
        JsonArray *inner = json_array_new ();

        json_array_add_array_element (array, inner);
        array = inner;
      }
    json_object_set_member (identity, "city", g_steal_pointer (&deep));
    violations = idem_id_schema_validate (schema, identity, IDEM_ID_VALIDATE_PARTIAL);
    found = describe (violations);
    g_assert_cmpstr (found, ==, "too-deep identity.city\n");
  }

  /* Too many values, too long a value. */
  {
    GString *text = g_string_new ("{\"identity\":{\"city\":[");
    g_autofree char *long_value = g_strnfill (IDEM_ID_SCHEMA_MAX_VALUE_LENGTH + 1, '1');
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) violations = NULL;
    g_autofree char *found = NULL;

    for (guint i = 0; i < 100000; i++)
      g_string_append_printf (text, "%s{\"language\":\"eng\",\"value\":\"x\"}", i ? "," : "");
    g_string_append_printf (text, "],\"phone\":\"%s\"}}", long_value);
    bytes = g_string_free_to_bytes (text);
    violations = idem_id_schema_validate_bytes (schema, bytes, IDEM_ID_VALIDATE_PARTIAL, &error);
    g_assert_no_error (error);
    found = describe (violations);
    g_assert_cmpstr (found, ==, "too-large identity.city\ntoo-large identity.phone\n");
  }

  /* Thousands of faults: the list stops, and says so. */
  {
    g_autoptr(IdemIdSchema) open_schema = schema_from_text (
      "{\"properties\":{\"identity\":{\"additionalProperties\":false,\"properties\":{}}}}");
    g_autoptr(JsonObject) identity = json_object_new ();
    g_autoptr(GPtrArray) violations = NULL;
    IdemSchemaViolation *last;

    for (guint i = 0; i < 5000; i++)
      {
        g_autofree char *name = g_strdup_printf ("f%u", i);

        json_object_set_int_member (identity, name, i);
      }
    violations = idem_id_schema_validate (open_schema, identity, IDEM_ID_VALIDATE_NONE);
    g_assert_cmpuint (violations->len, ==, IDEM_ID_SCHEMA_MAX_VIOLATIONS);
    last = g_ptr_array_index (violations, violations->len - 1);
    g_assert_cmpint (last->code, ==, IDEM_SCHEMA_VIOLATION_TOO_MANY);
  }

  /* Not an object at all. */
  {
    g_autoptr(GBytes) bytes = g_bytes_new_static ("[1]", 3);
    g_autoptr(GPtrArray) violations = idem_id_schema_validate_bytes (schema, bytes, IDEM_ID_VALIDATE_NONE, NULL);
    g_autofree char *found = describe (violations);

    g_assert_cmpstr (found, ==, "not-an-object identity\n");
  }
}

/* A pattern that backtracks exponentially: PCRE2's match limit ends the
 * attempt, and the value is reported as not checked, quickly. */
static void
test_catastrophic_pattern (void)
{
  g_autoptr(IdemIdSchema) schema = schema_from_text (
    "{\"properties\":{\"identity\":{\"properties\":{\"a\":{\"type\":\"string\","
    "\"validators\":[{\"type\":\"regex\",\"validator\":\"^(\\\\w+\\\\s?)*$\"}]}}}}}");
  g_autoptr(JsonObject) identity = json_object_new ();
  g_autofree char *value = g_strconcat ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "!", NULL);
  g_autoptr(GPtrArray) violations = NULL;
  IdemSchemaViolation *violation;
  gint64 start = g_get_monotonic_time ();

  json_object_set_string_member (identity, "a", value);
  violations = idem_id_schema_validate (schema, identity, IDEM_ID_VALIDATE_NONE);
  g_assert_cmpuint (violations->len, ==, 1);
  violation = g_ptr_array_index (violations, 0);
  g_assert_cmpint (violation->code, ==, IDEM_SCHEMA_VIOLATION_PATTERN);
  g_test_message ("%s", violation->message);
  g_assert_nonnull (strstr (violation->message, "could not be checked"));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/id-schema/sample/fields", test_sample_schema_fields);
  g_test_add_func ("/id-schema/category-routing", test_category_routing);
  g_test_add_func ("/id-schema/sample/identity", test_sample_identity);
  g_test_add_func ("/id-schema/sample/subpackets", test_sample_subpackets);
  g_test_add_func ("/id-schema/invalid-identities", test_invalid_identities);
  g_test_add_func ("/id-schema/report-order", test_report_order);
  g_test_add_func ("/id-schema/messages", test_messages_translatable);
  g_test_add_func ("/id-schema/other-kinds", test_other_kinds);
  g_test_add_func ("/id-schema/default", test_default_schema);
  g_test_add_func ("/id-schema/malformed", test_malformed_schemas);
  g_test_add_func ("/id-schema/hostile-input", test_hostile_input);
  g_test_add_func ("/id-schema/catastrophic-pattern", test_catastrophic_pattern);

  return g_test_run ();
}
