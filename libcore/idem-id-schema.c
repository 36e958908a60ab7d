/* idem-id-schema.c — loading a MOSIP-style ID schema
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Only the part of JSON Schema that MOSIP's ID schemas use is understood:
 * `properties.identity` with its `properties`, `required` and
 * `additionalProperties`; per field a `$ref` to one of the three MOSIP
 * definitions or a plain `type`, `minimum`/`maximum`, `fieldCategory`,
 * `validators`, `format`, `fieldType` and `bioAttributes`.  Anything else a
 * field says is ignored, as JSON Schema ignores unknown keywords; anything it
 * says wrongly is refused, naming the JSON path, so a broken schema never
 * half-validates identities.
 */

#define G_LOG_DOMAIN "idem-id-schema"

#include "config.h"

#include "idem-id-schema.h"
#include "idem-id-schema-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

G_DEFINE_FINAL_TYPE (IdemIdSchema, idem_id_schema, G_TYPE_OBJECT)

G_DEFINE_QUARK (idem-id-schema-error-quark, idem_id_schema_error)

static const char * const category_names[] = {
  [IDEM_FIELD_CATEGORY_NONE] = "none",
  [IDEM_FIELD_CATEGORY_PVT] = "pvt",
  [IDEM_FIELD_CATEGORY_KYC] = "kyc",
  [IDEM_FIELD_CATEGORY_EVIDENCE] = "evidence",
  [IDEM_FIELD_CATEGORY_OPTIONAL] = "optional",
};

static void
validator_free (IdemIdValidator *validator)
{
  g_free (validator->pattern);
  g_free (validator->language);
  g_clear_pointer (&validator->regex, g_regex_unref);
  g_free (validator);
}

static void
field_free (IdemIdField *field)
{
  g_free (field->id);
  g_free (field->format);
  g_free (field->field_type);
  g_strfreev (field->bio_attributes);
  g_clear_pointer (&field->validators, g_ptr_array_unref);
  g_free (field);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdemIdField, field_free)

/* Counts the nesting of arrays and objects before json-glib sees the text:
 * its parser recurses once per level, so a few megabytes of "[" would
 * otherwise exhaust the stack. */
static gboolean
nesting_within (const char *data,
                gsize       length,
                guint       max_depth)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }

      if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > max_depth)
            return FALSE;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }

  return TRUE;
}

JsonNode *
idem_json_parse_bounded (GBytes  *bytes,
                         GQuark   domain,
                         int      parse_code,
                         int      too_large_code,
                         GError **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *data;
  gsize length;

  data = g_bytes_get_data (bytes, &length);
  if (length > IDEM_ID_SCHEMA_MAX_BYTES)
    {
      g_set_error (error, domain, too_large_code,
                   _("The document is longer than %d bytes, the most that is read."),
                   IDEM_ID_SCHEMA_MAX_BYTES);
      return NULL;
    }
  /* json-glib stops at a NUL byte even when given a length; say so rather
   * than let it report a puzzling syntax error at the end of the text. */
  if (length > 0 && memchr (data, '\0', length) != NULL)
    {
      g_set_error_literal (error, domain, parse_code, _("The document contains a NUL byte: it is not JSON text."));
      return NULL;
    }
  if (!nesting_within (data, length, IDEM_ID_SCHEMA_MAX_DEPTH))
    {
      g_set_error (error, domain, too_large_code,
                   _("The document nests arrays and objects more than %d deep."), IDEM_ID_SCHEMA_MAX_DEPTH);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, length > 0 ? data : "", length, &local_error))
    {
      g_set_error (error, domain, parse_code, _("The document is not valid JSON: %s"), local_error->message);
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error_literal (error, domain, parse_code, _("The document is empty."));
      return NULL;
    }

  return json_node_ref (json_parser_get_root (parser));
}

static gboolean malformed (GError    **error,
                           const char *path,
                           const char *format,
                           ...) G_GNUC_PRINTF (3, 4);

static gboolean
malformed (GError    **error,
           const char *path,
           const char *format,
           ...)
{
  g_autofree char *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);

  /* TRANSLATORS: "properties.identity.required[2]: must be a string" */
  g_set_error (error, IDEM_ID_SCHEMA_ERROR, IDEM_ID_SCHEMA_ERROR_MALFORMED,
               _("The ID schema is malformed at %s: %s"), path, reason);
  return FALSE;
}

static JsonObject *
object_member (JsonObject  *object,
               const char  *name,
               const char  *path,
               GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);
  g_autofree char *member_path = g_strdup_printf ("%s%s%s", path, *path ? "." : "", name);

  if (node == NULL)
    {
      malformed (error, member_path, _("the member is missing"));
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      malformed (error, member_path, _("must be an object"));
      return NULL;
    }

  return json_node_get_object (node);
}

/* Reads an optional string member; %FALSE (with @error set) only when it is
 * there with another type. */
static gboolean
optional_string (JsonObject  *object,
                 const char  *name,
                 const char  *path,
                 char       **out,
                 GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return malformed (error, path, _("“%s” must be a string"), name);

  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
node_is_number (JsonNode *node)
{
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

static gboolean
optional_number (JsonObject  *object,
                 const char  *name,
                 const char  *path,
                 gboolean    *present,
                 double      *out,
                 GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  *present = FALSE;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!node_is_number (node))
    return malformed (error, path, _("“%s” must be a number"), name);

  *present = TRUE;
  *out = json_node_get_double (node);
  return TRUE;
}

/* `additionalProperties` is either absent (allowed), a boolean, or a schema
 * object, which Idem reads as "allowed". */
static gboolean
read_additional_properties (JsonObject  *object,
                            const char  *path,
                            gboolean    *allowed,
                            GError     **error)
{
  JsonNode *node = json_object_get_member (object, "additionalProperties");

  *allowed = TRUE;
  if (node == NULL || JSON_NODE_HOLDS_OBJECT (node))
    return TRUE;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    {
      *allowed = json_node_get_boolean (node);
      return TRUE;
    }

  return malformed (error, path, _("“additionalProperties” must be a boolean or an object"));
}

static gboolean
read_reference (const char       *reference,
                JsonObject       *definitions,
                const char       *path,
                IdemIdFieldKind  *kind,
                GError          **error)
{
  static const struct
  {
    const char      *name;
    IdemIdFieldKind  kind;
  } known[] = {
    { "simpleType", IDEM_ID_FIELD_KIND_SIMPLE },
    { "documentType", IDEM_ID_FIELD_KIND_DOCUMENT },
    { "biometricsType", IDEM_ID_FIELD_KIND_BIOMETRICS },
  };
  const char *prefix = "#/definitions/";

  if (!g_str_has_prefix (reference, prefix))
    return malformed (error, path, _("“%s” is not a reference to #/definitions/"), reference);

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    {
      if (!g_str_equal (reference + strlen (prefix), known[i].name))
        continue;
      if (definitions == NULL || !json_object_has_member (definitions, known[i].name))
        return malformed (error, path, _("“%s” refers to a definition the schema does not have"), reference);
      *kind = known[i].kind;
      return TRUE;
    }

  g_set_error (error, IDEM_ID_SCHEMA_ERROR, IDEM_ID_SCHEMA_ERROR_UNSUPPORTED,
               _("The ID schema at %s refers to “%s”: only simpleType, documentType and biometricsType are known."),
               path, reference);
  return FALSE;
}

static gboolean
kind_from_type_name (const char      *name,
                     IdemIdFieldKind *kind)
{
  if (g_str_equal (name, "string"))
    *kind = IDEM_ID_FIELD_KIND_STRING;
  else if (g_str_equal (name, "number"))
    *kind = IDEM_ID_FIELD_KIND_NUMBER;
  else if (g_str_equal (name, "integer"))
    *kind = IDEM_ID_FIELD_KIND_INTEGER;
  else if (g_str_equal (name, "boolean"))
    *kind = IDEM_ID_FIELD_KIND_BOOLEAN;
  else
    return FALSE;

  return TRUE;
}

/* `type` is a name or a list of names, of which "null" may be one. */
static gboolean
read_type (JsonNode     *node,
           const char   *path,
           IdemIdField  *field,
           GError      **error)
{
  g_autofree char *type_path = g_strdup_printf ("%s.type", path);
  gboolean have_kind = FALSE;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      if (!kind_from_type_name (json_node_get_string (node), &field->kind))
        return malformed (error, type_path, _("“%s” is not a type an identity field can have"),
                          json_node_get_string (node));
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return malformed (error, type_path, _("must be a type name or a list of them"));

  for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
    {
      JsonNode *element = json_array_get_element (json_node_get_array (node), i);
      g_autofree char *element_path = g_strdup_printf ("%s[%u]", type_path, i);
      IdemIdFieldKind kind;
      const char *name;

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        return malformed (error, element_path, _("must be a string"));

      name = json_node_get_string (element);
      if (g_str_equal (name, "null"))
        field->nullable = TRUE;
      else if (have_kind || !kind_from_type_name (name, &kind))
        return malformed (error, element_path, _("“%s” is not a type an identity field can have here"), name);
      else
        {
          field->kind = kind;
          have_kind = TRUE;
        }
    }

  if (!have_kind)
    return malformed (error, type_path, _("names no type besides null"));

  return TRUE;
}

static gboolean
read_validators (JsonNode     *node,
                 const char   *path,
                 IdemIdField  *field,
                 GError      **error)
{
  g_autofree char *list_path = g_strdup_printf ("%s.validators", path);
  JsonArray *array;

  if (JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return malformed (error, list_path, _("must be a list"));

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autofree char *element_path = g_strdup_printf ("%s[%u]", list_path, i);
      g_autofree char *type = NULL;
      g_autofree char *pattern = NULL;
      g_autofree char *language = NULL;
      g_autofree char *anchored = NULL;
      g_autoptr(GError) regex_error = NULL;
      IdemIdValidator *validator;
      JsonObject *object;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        return malformed (error, element_path, _("must be an object"));
      object = json_node_get_object (element);

      if (!optional_string (object, "type", element_path, &type, error)
          || !optional_string (object, "validator", element_path, &pattern, error)
          || !optional_string (object, "langCode", element_path, &language, error))
        return FALSE;

      if (type == NULL || pattern == NULL)
        return malformed (error, element_path, _("a validator needs a “type” and a “validator”"));

      if (!g_str_equal (type, "regex"))
        {
          g_set_error (error, IDEM_ID_SCHEMA_ERROR, IDEM_ID_SCHEMA_ERROR_UNSUPPORTED,
                       _("The ID schema at %s uses a “%s” validator: only “regex” can be checked."),
                       element_path, type);
          return FALSE;
        }

      /* MOSIP's Java code tests a value with String.matches(), which needs
       * the whole value to match: anchor the pattern the same way.  PCRE2's
       * default match limit (ten million steps) bounds a catastrophic
       * pattern's backtracking; the validator reports a value it could not
       * finish checking instead of hanging on it. */
      anchored = g_strdup_printf ("\\A(?:%s)\\z", pattern);
      validator = g_new0 (IdemIdValidator, 1);
      validator->regex = g_regex_new (anchored, G_REGEX_OPTIMIZE, 0, &regex_error);
      if (validator->regex == NULL)
        {
          validator_free (validator);
          g_set_error (error, IDEM_ID_SCHEMA_ERROR, IDEM_ID_SCHEMA_ERROR_BAD_REGEX,
                       _("The ID schema at %s.validator has a regular expression that does not compile: %s"),
                       element_path, regex_error->message);
          return FALSE;
        }
      validator->pattern = g_steal_pointer (&pattern);
      validator->language = g_steal_pointer (&language);
      g_ptr_array_add (field->validators, validator);
    }

  return TRUE;
}

static gboolean
read_bio_attributes (JsonNode     *node,
                     const char   *path,
                     IdemIdField  *field,
                     GError      **error)
{
  g_autofree char *list_path = g_strdup_printf ("%s.bioAttributes", path);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;

  if (JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return malformed (error, list_path, _("must be a list"));

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        {
          g_autofree char *element_path = g_strdup_printf ("%s[%u]", list_path, i);

          return malformed (error, element_path, _("must be a string"));
        }
      g_strv_builder_add (builder, json_node_get_string (element));
    }

  field->bio_attributes = g_strv_builder_end (builder);
  return TRUE;
}

static IdemIdField *
read_field (const char  *id,
            JsonNode    *node,
            JsonObject  *definitions,
            const char  *parent_path,
            GError     **error)
{
  g_autofree char *path = g_strdup_printf ("%s.%s", parent_path, id);
  g_autoptr(IdemIdField) field = g_new0 (IdemIdField, 1);
  g_autofree char *category = NULL;
  g_autofree char *reference = NULL;
  JsonObject *object;
  JsonNode *member;

  field->id = g_strdup (id);
  field->validators = g_ptr_array_new_with_free_func ((GDestroyNotify) validator_free);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      malformed (error, path, _("a field must be an object"));
      return NULL;
    }
  object = json_node_get_object (node);

  if (!optional_string (object, "$ref", path, &reference, error))
    return NULL;
  member = json_object_get_member (object, "type");
  if (reference != NULL)
    {
      g_autofree char *reference_path = g_strdup_printf ("%s.$ref", path);

      if (!read_reference (reference, definitions, reference_path, &field->kind, error))
        return NULL;
    }
  else if (member != NULL)
    {
      if (!read_type (member, path, field, error))
        return NULL;
    }
  else
    {
      malformed (error, path, _("a field needs a “$ref” or a “type”"));
      return NULL;
    }

  if (!optional_string (object, "fieldCategory", path, &category, error)
      || !optional_string (object, "format", path, &field->format, error)
      || !optional_string (object, "fieldType", path, &field->field_type, error)
      || !optional_number (object, "minimum", path, &field->has_minimum, &field->minimum, error)
      || !optional_number (object, "maximum", path, &field->has_maximum, &field->maximum, error))
    return NULL;

  if (category != NULL && !idem_field_category_from_string (category, &field->category))
    {
      g_autofree char *category_path = g_strdup_printf ("%s.fieldCategory", path);

      malformed (error, category_path, _("“%s” is not one of pvt, kyc, evidence, optional, none"), category);
      return NULL;
    }

  if ((member = json_object_get_member (object, "validators")) != NULL
      && !read_validators (member, path, field, error))
    return NULL;
  if ((member = json_object_get_member (object, "bioAttributes")) != NULL
      && !read_bio_attributes (member, path, field, error))
    return NULL;

  if (field->bio_attributes == NULL)
    field->bio_attributes = g_new0 (char *, 1);

  return g_steal_pointer (&field);
}

static gboolean
read_required (IdemIdSchema  *self,
               JsonObject    *identity,
               GError       **error)
{
  JsonNode *node = json_object_get_member (identity, "required");
  const char *path = "properties.identity.required";
  JsonArray *array;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return malformed (error, path, _("must be a list"));

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autofree char *element_path = g_strdup_printf ("%s[%u]", path, i);
      IdemIdField *field;

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        return malformed (error, element_path, _("must be a string"));

      field = g_hash_table_lookup (self->fields_by_id, json_node_get_string (element));
      if (field == NULL)
        return malformed (error, element_path, _("“%s” is not a field of the schema"),
                          json_node_get_string (element));
      field->required = TRUE;
    }

  return TRUE;
}

static gboolean
load (IdemIdSchema  *self,
      JsonNode      *root,
      GError       **error)
{
  JsonObject *object;
  JsonObject *properties;
  JsonObject *identity;
  JsonObject *fields;
  JsonObject *definitions = NULL;
  JsonNode *member;
  g_autoptr(GList) names = NULL;
  gboolean has_version;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    return malformed (error, "$", _("the schema must be an object"));
  object = json_node_get_object (root);

  if ((member = json_object_get_member (object, "definitions")) != NULL)
    {
      if (!JSON_NODE_HOLDS_OBJECT (member))
        return malformed (error, "definitions", _("must be an object"));
      definitions = json_node_get_object (member);
    }

  if (!optional_number (object, "schemaVersion", "$", &has_version, &self->version, error)
      || !read_additional_properties (object, "$", &self->root_allows_unknown, error))
    return FALSE;

  if ((properties = object_member (object, "properties", "", error)) == NULL
      || (identity = object_member (properties, "identity", "properties", error)) == NULL
      || (fields = object_member (identity, "properties", "properties.identity", error)) == NULL)
    return FALSE;

  if (!read_additional_properties (identity, "properties.identity", &self->allows_unknown_fields, error))
    return FALSE;

  names = json_object_get_members (fields);
  if (g_list_length (names) > IDEM_ID_SCHEMA_MAX_FIELDS)
    {
      g_set_error (error, IDEM_ID_SCHEMA_ERROR, IDEM_ID_SCHEMA_ERROR_TOO_LARGE,
                   _("The ID schema defines %u fields; at most %d are allowed."),
                   g_list_length (names), IDEM_ID_SCHEMA_MAX_FIELDS);
      return FALSE;
    }

  for (const GList *l = names; l != NULL; l = l->next)
    {
      const char *id = l->data;
      IdemIdField *field;

      field = read_field (id, json_object_get_member (fields, id), definitions,
                          "properties.identity.properties", error);
      if (field == NULL)
        return FALSE;

      g_ptr_array_add (self->fields, field);
      g_hash_table_insert (self->fields_by_id, field->id, field);
    }

  return read_required (self, identity, error);
}

static void
idem_id_schema_finalize (GObject *object)
{
  IdemIdSchema *self = (IdemIdSchema *) object;

  g_clear_pointer (&self->fields_by_id, g_hash_table_unref);
  g_clear_pointer (&self->fields, g_ptr_array_unref);
  g_clear_pointer (&self->languages, g_strfreev);

  G_OBJECT_CLASS (idem_id_schema_parent_class)->finalize (object);
}

static void
idem_id_schema_class_init (IdemIdSchemaClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = idem_id_schema_finalize;
}

static void
idem_id_schema_init (IdemIdSchema *self)
{
  self->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) field_free);
  self->fields_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->allows_unknown_fields = TRUE;
  self->root_allows_unknown = TRUE;
}

/**
 * idem_field_category_to_string:
 * @category: a field category
 *
 * Returns: MOSIP's name of @category ("pvt"), or %NULL if it is not one
 */
const char *
idem_field_category_to_string (IdemFieldCategory category)
{
  if ((guint) category >= G_N_ELEMENTS (category_names))
    return NULL;

  return category_names[category];
}

/**
 * idem_field_category_from_string:
 * @string: MOSIP's name of a category, in any case ("pvt", "Evidence")
 * @category: (out): where to store the category
 *
 * Returns: whether @string names a category
 */
gboolean
idem_field_category_from_string (const char        *string,
                                 IdemFieldCategory *category)
{
  g_return_val_if_fail (string != NULL, FALSE);
  g_return_val_if_fail (category != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (category_names); i++)
    {
      if (g_ascii_strcasecmp (string, category_names[i]) == 0)
        {
          *category = i;
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * idem_field_category_get_subpackets:
 * @category: a field category
 *
 * MOSIP's routing rule: `pvt` and `kyc` fields go into the `id` sub-packet,
 * `evidence` into `evidence`, `optional` into `optional`, and `none` (or a
 * missing category) into all three.
 *
 * Returns: the sub-packets a field of @category is written to
 */
IdemSubpackets
idem_field_category_get_subpackets (IdemFieldCategory category)
{
  switch (category)
    {
    case IDEM_FIELD_CATEGORY_PVT:
    case IDEM_FIELD_CATEGORY_KYC:
      return IDEM_SUBPACKET_ID;
    case IDEM_FIELD_CATEGORY_EVIDENCE:
      return IDEM_SUBPACKET_EVIDENCE;
    case IDEM_FIELD_CATEGORY_OPTIONAL:
      return IDEM_SUBPACKET_OPTIONAL;
    case IDEM_FIELD_CATEGORY_NONE:
    default:
      return IDEM_SUBPACKET_ALL;
    }
}

/**
 * idem_id_field_kind_to_string:
 * @kind: a field kind
 *
 * Returns: a short stable name for @kind ("simple", "document",
 *   "biometrics", "string", …), or %NULL if it is not one
 */
const char *
idem_id_field_kind_to_string (IdemIdFieldKind kind)
{
  switch (kind)
    {
    case IDEM_ID_FIELD_KIND_SIMPLE:
      return "simple";
    case IDEM_ID_FIELD_KIND_DOCUMENT:
      return "document";
    case IDEM_ID_FIELD_KIND_BIOMETRICS:
      return "biometrics";
    case IDEM_ID_FIELD_KIND_STRING:
      return "string";
    case IDEM_ID_FIELD_KIND_NUMBER:
      return "number";
    case IDEM_ID_FIELD_KIND_INTEGER:
      return "integer";
    case IDEM_ID_FIELD_KIND_BOOLEAN:
      return "boolean";
    default:
      return NULL;
    }
}

/**
 * idem_id_schema_new_from_bytes:
 * @bytes: the schema's JSON text
 * @error: return location for an error in %IDEM_ID_SCHEMA_ERROR
 *
 * Loads an ID schema and compiles its validators.
 *
 * Returns: (transfer full): the schema, or %NULL with @error set
 */
IdemIdSchema *
idem_id_schema_new_from_bytes (GBytes  *bytes,
                               GError **error)
{
  g_autoptr(IdemIdSchema) self = NULL;
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  root = idem_json_parse_bounded (bytes, IDEM_ID_SCHEMA_ERROR, IDEM_ID_SCHEMA_ERROR_PARSE,
                                  IDEM_ID_SCHEMA_ERROR_TOO_LARGE, error);
  if (root == NULL)
    return NULL;

  self = g_object_new (IDEM_TYPE_ID_SCHEMA, NULL);
  if (!load (self, root, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * idem_id_schema_new_from_file:
 * @file: a JSON file
 * @error: return location for an error in %IDEM_ID_SCHEMA_ERROR
 *
 * Reads and loads an ID schema.  This blocks on the file's I/O: schemas are
 * small and local.
 *
 * Returns: (transfer full): the schema, or %NULL with @error set
 */
IdemIdSchema *
idem_id_schema_new_from_file (GFile   *file,
                              GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  bytes = g_file_load_bytes (file, NULL, NULL, &local_error);
  if (bytes == NULL)
    {
      g_set_error (error, IDEM_ID_SCHEMA_ERROR, IDEM_ID_SCHEMA_ERROR_IO,
                   _("The ID schema could not be read: %s"), local_error->message);
      return NULL;
    }

  return idem_id_schema_new_from_bytes (bytes, error);
}

/**
 * idem_id_schema_get_version:
 * @self: a schema
 *
 * Returns: the schema's top-level `schemaVersion`, the value identities
 *   carry as `IDSchemaVersion`, or 0 when the schema does not say
 */
double
idem_id_schema_get_version (IdemIdSchema *self)
{
  g_return_val_if_fail (IDEM_IS_ID_SCHEMA (self), 0);

  return self->version;
}

/**
 * idem_id_schema_get_n_fields:
 * @self: a schema
 *
 * Returns: how many fields the schema defines
 */
guint
idem_id_schema_get_n_fields (IdemIdSchema *self)
{
  g_return_val_if_fail (IDEM_IS_ID_SCHEMA (self), 0);

  return self->fields->len;
}

/**
 * idem_id_schema_get_field:
 * @self: a schema
 * @position: a field's position, in the schema's order
 *
 * Returns: (transfer none): the field
 */
const IdemIdField *
idem_id_schema_get_field (IdemIdSchema *self,
                          guint         position)
{
  g_return_val_if_fail (IDEM_IS_ID_SCHEMA (self), NULL);
  g_return_val_if_fail (position < self->fields->len, NULL);

  return g_ptr_array_index (self->fields, position);
}

/**
 * idem_id_schema_lookup_field:
 * @self: a schema
 * @id: a field's id ("fullName")
 *
 * Returns: (transfer none) (nullable): the field, or %NULL if the schema has none by that id
 */
const IdemIdField *
idem_id_schema_lookup_field (IdemIdSchema *self,
                             const char   *id)
{
  g_return_val_if_fail (IDEM_IS_ID_SCHEMA (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return g_hash_table_lookup (self->fields_by_id, id);
}

/**
 * idem_id_schema_get_allows_unknown_fields:
 * @self: a schema
 *
 * Returns: whether an identity may hold fields the schema does not define
 *   (`additionalProperties` is not %FALSE)
 */
gboolean
idem_id_schema_get_allows_unknown_fields (IdemIdSchema *self)
{
  g_return_val_if_fail (IDEM_IS_ID_SCHEMA (self), FALSE);

  return self->allows_unknown_fields;
}

/**
 * idem_id_schema_set_languages:
 * @self: a schema
 * @languages: (nullable) (array zero-terminated=1): the ISO 639-3 codes a
 *   deployment collects ("eng", "fra", "ara"), or %NULL for any
 *
 * Sets the languages language-tagged values may be in.  Without a list any
 * three-letter lower-case code is accepted.
 */
void
idem_id_schema_set_languages (IdemIdSchema       *self,
                              const char * const *languages)
{
  g_return_if_fail (IDEM_IS_ID_SCHEMA (self));

  g_clear_pointer (&self->languages, g_strfreev);
  self->languages = g_strdupv ((char **) languages);
}

/**
 * idem_id_schema_get_languages:
 * @self: a schema
 *
 * Returns: (nullable) (transfer none): the languages set with
 *   idem_id_schema_set_languages(), or %NULL
 */
const char * const *
idem_id_schema_get_languages (IdemIdSchema *self)
{
  g_return_val_if_fail (IDEM_IS_ID_SCHEMA (self), NULL);

  return (const char * const *) self->languages;
}

/**
 * idem_id_field_get_id:
 * @field: a field
 *
 * Returns: the field's id, its member name in identities ("fullName")
 */
const char *
idem_id_field_get_id (const IdemIdField *field)
{
  g_return_val_if_fail (field != NULL, NULL);

  return field->id;
}

/**
 * idem_id_field_get_kind:
 * @field: a field
 *
 * Returns: what the field's values look like
 */
IdemIdFieldKind
idem_id_field_get_kind (const IdemIdField *field)
{
  g_return_val_if_fail (field != NULL, 0);

  return field->kind;
}

/**
 * idem_id_field_get_category:
 * @field: a field
 *
 * Returns: the field's `fieldCategory`; %IDEM_FIELD_CATEGORY_NONE when the
 *   schema gives none
 */
IdemFieldCategory
idem_id_field_get_category (const IdemIdField *field)
{
  g_return_val_if_fail (field != NULL, IDEM_FIELD_CATEGORY_NONE);

  return field->category;
}

/**
 * idem_id_field_get_subpackets:
 * @field: a field
 *
 * Returns: the sub-packets of a registration packet the field is written
 *   to; see idem_field_category_get_subpackets()
 */
IdemSubpackets
idem_id_field_get_subpackets (const IdemIdField *field)
{
  g_return_val_if_fail (field != NULL, IDEM_SUBPACKET_ALL);

  return idem_field_category_get_subpackets (field->category);
}

/**
 * idem_id_field_is_required:
 * @field: a field
 *
 * Returns: whether `properties.identity.required` lists the field
 */
gboolean
idem_id_field_is_required (const IdemIdField *field)
{
  g_return_val_if_fail (field != NULL, FALSE);

  return field->required;
}

/**
 * idem_id_field_is_nullable:
 * @field: a field
 *
 * Returns: whether the field's `type` admits `null`
 */
gboolean
idem_id_field_is_nullable (const IdemIdField *field)
{
  g_return_val_if_fail (field != NULL, FALSE);

  return field->nullable;
}

/**
 * idem_id_field_get_format:
 * @field: a field
 *
 * Returns: (nullable): the field's `format` ("none", "lowercase", …)
 */
const char *
idem_id_field_get_format (const IdemIdField *field)
{
  g_return_val_if_fail (field != NULL, NULL);

  return field->format;
}

/**
 * idem_id_field_get_field_type:
 * @field: a field
 *
 * Returns: (nullable): the field's `fieldType` ("default" or "dynamic")
 */
const char *
idem_id_field_get_field_type (const IdemIdField *field)
{
  g_return_val_if_fail (field != NULL, NULL);

  return field->field_type;
}

/**
 * idem_id_field_get_bio_attributes:
 * @field: a field
 *
 * Returns: (transfer none): the biometric attributes the field may hold
 *   ("leftEye", "rightThumb", "face", …); empty for other fields
 */
const char * const *
idem_id_field_get_bio_attributes (const IdemIdField *field)
{
  g_return_val_if_fail (field != NULL, NULL);

  return (const char * const *) field->bio_attributes;
}

/**
 * idem_id_field_get_minimum:
 * @field: a field
 * @minimum: (out) (optional): where to store the minimum
 *
 * Returns: whether the field has a `minimum`
 */
gboolean
idem_id_field_get_minimum (const IdemIdField *field,
                           double            *minimum)
{
  g_return_val_if_fail (field != NULL, FALSE);

  if (minimum != NULL && field->has_minimum)
    *minimum = field->minimum;
  return field->has_minimum;
}

/**
 * idem_id_field_get_maximum:
 * @field: a field
 * @maximum: (out) (optional): where to store the maximum
 *
 * Returns: whether the field has a `maximum`
 */
gboolean
idem_id_field_get_maximum (const IdemIdField *field,
                           double            *maximum)
{
  g_return_val_if_fail (field != NULL, FALSE);

  if (maximum != NULL && field->has_maximum)
    *maximum = field->maximum;
  return field->has_maximum;
}

/**
 * idem_id_field_get_n_validators:
 * @field: a field
 *
 * Returns: how many regular-expression validators the field has
 */
guint
idem_id_field_get_n_validators (const IdemIdField *field)
{
  g_return_val_if_fail (field != NULL, 0);

  return field->validators->len;
}

/**
 * idem_id_field_get_validator_pattern:
 * @field: a field
 * @position: a validator's position
 *
 * Returns: the validator's regular expression, as the schema writes it
 */
const char *
idem_id_field_get_validator_pattern (const IdemIdField *field,
                                     guint              position)
{
  g_return_val_if_fail (field != NULL, NULL);
  g_return_val_if_fail (position < field->validators->len, NULL);

  return ((IdemIdValidator *) g_ptr_array_index (field->validators, position))->pattern;
}

/**
 * idem_id_field_get_validator_language:
 * @field: a field
 * @position: a validator's position
 *
 * Returns: (nullable): the language (`langCode`) whose values the validator
 *   checks, or %NULL when it checks values in every language
 */
const char *
idem_id_field_get_validator_language (const IdemIdField *field,
                                      guint              position)
{
  g_return_val_if_fail (field != NULL, NULL);
  g_return_val_if_fail (position < field->validators->len, NULL);

  return ((IdemIdValidator *) g_ptr_array_index (field->validators, position))->language;
}
