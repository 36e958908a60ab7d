/* idem-id-schema-validator.c — checking an identity against its ID schema
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Every violation is reported, not only the first, so an operator can fix
 * a whole form at once.  Work is bounded for hostile input: the JSON is
 * checked for size and depth before it is parsed, a field holds at most
 * IDEM_ID_SCHEMA_MAX_VALUES language-tagged values, strings longer than
 * IDEM_ID_SCHEMA_MAX_VALUE_LENGTH are not run through regular expressions,
 * and the list stops after IDEM_ID_SCHEMA_MAX_VIOLATIONS entries.
 */

#define G_LOG_DOMAIN "idem-id-schema"

#include "config.h"

#include "idem-id-schema.h"
#include "idem-id-schema-private.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

G_DEFINE_BOXED_TYPE (IdemSchemaViolation, idem_schema_violation,
                     idem_schema_violation_copy, idem_schema_violation_free)

typedef struct
{
  IdemIdSchema        *schema;
  IdemIdValidateFlags  flags;
  GPtrArray           *violations;
  gboolean             truncated;
} Check;

/**
 * idem_schema_violation_new:
 * @code: what is wrong
 * @path: where
 * @message: a sentence saying what is wrong
 *
 * Returns: (transfer full): a new violation
 */
IdemSchemaViolation *
idem_schema_violation_new (IdemSchemaViolationCode  code,
                           const char              *path,
                           const char              *message)
{
  IdemSchemaViolation *violation;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (message != NULL, NULL);

  violation = g_new0 (IdemSchemaViolation, 1);
  violation->code = code;
  violation->path = g_strdup (path);
  violation->message = g_strdup (message);

  return violation;
}

/**
 * idem_schema_violation_copy:
 * @violation: a violation
 *
 * Returns: (transfer full): a copy of @violation
 */
IdemSchemaViolation *
idem_schema_violation_copy (const IdemSchemaViolation *violation)
{
  g_return_val_if_fail (violation != NULL, NULL);

  return idem_schema_violation_new (violation->code, violation->path, violation->message);
}

/**
 * idem_schema_violation_free:
 * @violation: (nullable): a violation
 */
void
idem_schema_violation_free (IdemSchemaViolation *violation)
{
  if (violation == NULL)
    return;

  g_free (violation->path);
  g_free (violation->message);
  g_free (violation);
}

/**
 * idem_schema_violation_code_to_string:
 * @code: a violation code
 *
 * Returns: a stable name for @code, for scripts and logs ("required",
 *   "pattern", …), or %NULL if it is not a code
 */
const char *
idem_schema_violation_code_to_string (IdemSchemaViolationCode code)
{
  switch (code)
    {
    case IDEM_SCHEMA_VIOLATION_REQUIRED:
      return "required";
    case IDEM_SCHEMA_VIOLATION_WRONG_TYPE:
      return "wrong-type";
    case IDEM_SCHEMA_VIOLATION_PATTERN:
      return "pattern";
    case IDEM_SCHEMA_VIOLATION_UNKNOWN_FIELD:
      return "unknown-field";
    case IDEM_SCHEMA_VIOLATION_UNKNOWN_LANGUAGE:
      return "unknown-language";
    case IDEM_SCHEMA_VIOLATION_DUPLICATE_LANGUAGE:
      return "duplicate-language";
    case IDEM_SCHEMA_VIOLATION_OUT_OF_RANGE:
      return "out-of-range";
    case IDEM_SCHEMA_VIOLATION_BAD_DOCUMENT:
      return "bad-document";
    case IDEM_SCHEMA_VIOLATION_BAD_BIOMETRICS:
      return "bad-biometrics";
    case IDEM_SCHEMA_VIOLATION_TOO_LARGE:
      return "too-large";
    case IDEM_SCHEMA_VIOLATION_TOO_DEEP:
      return "too-deep";
    case IDEM_SCHEMA_VIOLATION_TOO_MANY:
      return "too-many";
    case IDEM_SCHEMA_VIOLATION_NOT_AN_OBJECT:
      return "not-an-object";
    default:
      return NULL;
    }
}

static void report (Check                   *check,
                    IdemSchemaViolationCode  code,
                    const char              *path,
                    const char              *format,
                    ...) G_GNUC_PRINTF (4, 5);

static void
report (Check                   *check,
        IdemSchemaViolationCode  code,
        const char              *path,
        const char              *format,
        ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (check->truncated)
    return;

  if (check->violations->len >= IDEM_ID_SCHEMA_MAX_VIOLATIONS - 1)
    {
      g_autofree char *text = g_strdup_printf (_("More than %d violations; the rest are not listed."),
                                               IDEM_ID_SCHEMA_MAX_VIOLATIONS - 1);

      g_ptr_array_add (check->violations, idem_schema_violation_new (IDEM_SCHEMA_VIOLATION_TOO_MANY, "identity", text));
      check->truncated = TRUE;
      return;
    }

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_ptr_array_add (check->violations, idem_schema_violation_new (code, path, message));
}

/* Names a member of @parent: `parent.name`, or `parent["name"]` when the
 * name is empty or holds characters that would make the path ambiguous. */
static char *
member_path (const char *parent,
             const char *name)
{
  g_autofree char *escaped = NULL;
  gboolean plain = name[0] != '\0';

  for (const char *c = name; *c != '\0' && plain; c++)
    plain = g_ascii_isalnum (*c) || *c == '_' || *c == '-' || *c == '$';

  if (plain)
    return parent[0] != '\0' ? g_strdup_printf ("%s.%s", parent, name) : g_strdup (name);

  escaped = g_strescape (name, NULL);
  return g_strdup_printf ("%s[\"%s\"]", parent, escaped);
}

static const char *
json_type_name (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      return _("an object");
    case JSON_NODE_ARRAY:
      return _("a list");
    case JSON_NODE_NULL:
      return _("null");
    case JSON_NODE_VALUE:
    default:
      break;
    }

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return _("a string");
    case G_TYPE_BOOLEAN:
      return _("a boolean");
    case G_TYPE_INT64:
    case G_TYPE_DOUBLE:
    default:
      return _("a number");
    }
}

static gboolean
holds_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
holds_number (JsonNode *node)
{
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

static gboolean
language_is_known (IdemIdSchema *schema,
                   const char   *language)
{
  if (schema->languages != NULL)
    return g_strv_contains ((const char * const *) schema->languages, language);

  return strlen (language) == 3
         && g_ascii_islower (language[0]) && g_ascii_islower (language[1]) && g_ascii_islower (language[2]);
}

/* Runs the validators meant for @language (or for every language) on
 * @value, reporting each that fails. */
static void
check_patterns (Check             *check,
                const IdemIdField *field,
                const char        *value,
                const char        *language,
                const char        *path)
{
  gsize length;

  if (field->validators->len == 0)
    return;

  length = strlen (value);
  if (length > IDEM_ID_SCHEMA_MAX_VALUE_LENGTH)
    {
      report (check, IDEM_SCHEMA_VIOLATION_TOO_LARGE, path,
              _("The value is longer than %d bytes, the most that is accepted."),
              IDEM_ID_SCHEMA_MAX_VALUE_LENGTH);
      return;
    }
  if (!g_utf8_validate (value, length, NULL))
    {
      report (check, IDEM_SCHEMA_VIOLATION_PATTERN, path, _("The value is not valid UTF-8 text."));
      return;
    }

  for (guint i = 0; i < field->validators->len; i++)
    {
      IdemIdValidator *validator = g_ptr_array_index (field->validators, i);
      g_autoptr(GError) error = NULL;

      if (validator->language != NULL && (language == NULL || !g_str_equal (validator->language, language)))
        continue;

      if (g_regex_match_full (validator->regex, value, length, 0, 0, NULL, &error))
        continue;

      if (error != NULL)
        report (check, IDEM_SCHEMA_VIOLATION_PATTERN, path,
                _("The value could not be checked against the pattern %s: %s"),
                validator->pattern, error->message);
      else
        report (check, IDEM_SCHEMA_VIOLATION_PATTERN, path,
                _("The value does not have the expected form (pattern %s)."), validator->pattern);
    }
}

static void
check_simple (Check             *check,
              const IdemIdField *field,
              JsonNode          *node,
              const char        *path)
{
  g_autoptr(GHashTable) seen = NULL;
  JsonArray *array;
  guint length;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      report (check, IDEM_SCHEMA_VIOLATION_WRONG_TYPE, path,
              _("Expected a list of values with their language, found %s."), json_type_name (node));
      return;
    }

  array = json_node_get_array (node);
  length = json_array_get_length (array);
  if (length == 0 && field->required)
    report (check, IDEM_SCHEMA_VIOLATION_REQUIRED, path, _("The field is required but holds no value."));
  if (length > IDEM_ID_SCHEMA_MAX_VALUES)
    {
      report (check, IDEM_SCHEMA_VIOLATION_TOO_LARGE, path,
              _("The field holds %u values; at most %d are accepted."), length, IDEM_ID_SCHEMA_MAX_VALUES);
      return;
    }

  seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < length; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autofree char *element_path = g_strdup_printf ("%s[%u]", path, i);
      g_autofree char *language_path = g_strdup_printf ("%s.language", element_path);
      g_autofree char *value_path = g_strdup_printf ("%s.value", element_path);
      g_autoptr(GList) members = NULL;
      const char *language = NULL;
      JsonObject *object;
      JsonNode *member;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          report (check, IDEM_SCHEMA_VIOLATION_WRONG_TYPE, element_path,
                  _("Expected an object with a language and a value, found %s."), json_type_name (element));
          continue;
        }
      object = json_node_get_object (element);

      members = json_object_get_members (object);
      for (const GList *l = members; l != NULL; l = l->next)
        {
          if (!g_str_equal (l->data, "language") && !g_str_equal (l->data, "value"))
            {
              g_autofree char *unknown_path = member_path (element_path, l->data);

              report (check, IDEM_SCHEMA_VIOLATION_UNKNOWN_FIELD, unknown_path,
                      _("A language-tagged value has only a language and a value."));
            }
        }

      member = json_object_get_member (object, "language");
      if (member == NULL)
        report (check, IDEM_SCHEMA_VIOLATION_REQUIRED, language_path, _("The value’s language is missing."));
      else if (!holds_string (member))
        report (check, IDEM_SCHEMA_VIOLATION_WRONG_TYPE, language_path,
                _("Expected a language code, found %s."), json_type_name (member));
      else
        {
          language = json_node_get_string (member);
          if (!language_is_known (check->schema, language))
            report (check, IDEM_SCHEMA_VIOLATION_UNKNOWN_LANGUAGE, language_path,
                    _("“%s” is not one of the languages collected."), language);
          else if (!g_hash_table_add (seen, (gpointer) language))
            report (check, IDEM_SCHEMA_VIOLATION_DUPLICATE_LANGUAGE, language_path,
                    _("There is already a value in “%s”."), language);
        }

      member = json_object_get_member (object, "value");
      if (member == NULL)
        report (check, IDEM_SCHEMA_VIOLATION_REQUIRED, value_path, _("The value is missing."));
      else if (!holds_string (member))
        report (check, IDEM_SCHEMA_VIOLATION_WRONG_TYPE, value_path,
                _("Expected a string, found %s."), json_type_name (member));
      else
        check_patterns (check, field, json_node_get_string (member), language, value_path);
    }
}

typedef struct
{
  const char *name;
  gboolean    required;
  gboolean    is_number;
  gboolean    nullable;
} Member;

/* Documents and biometrics are small fixed objects, as MOSIP defines them. */
static void
check_reference (Check                   *check,
                 JsonNode                *node,
                 const char              *path,
                 const Member            *members,
                 guint                    n_members,
                 IdemSchemaViolationCode  code)
{
  g_autoptr(GList) names = NULL;
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      if (code == IDEM_SCHEMA_VIOLATION_BAD_DOCUMENT)
        report (check, IDEM_SCHEMA_VIOLATION_WRONG_TYPE, path,
                _("Expected a document reference (an object), found %s."), json_type_name (node));
      else
        report (check, IDEM_SCHEMA_VIOLATION_WRONG_TYPE, path,
                _("Expected a biometrics reference (an object), found %s."), json_type_name (node));
      return;
    }
  object = json_node_get_object (node);

  names = json_object_get_members (object);
  for (const GList *l = names; l != NULL; l = l->next)
    {
      gboolean known = FALSE;

      for (guint i = 0; i < n_members && !known; i++)
        known = g_str_equal (members[i].name, l->data);
      if (!known)
        {
          g_autofree char *unknown_path = member_path (path, l->data);

          report (check, code, unknown_path, _("“%s” is not part of this reference."), (const char *) l->data);
        }
    }

  for (guint i = 0; i < n_members; i++)
    {
      JsonNode *member = json_object_get_member (object, members[i].name);
      g_autofree char *known_path = member_path (path, members[i].name);

      if (member == NULL)
        {
          if (members[i].required)
            report (check, code, known_path, _("The reference needs “%s”."), members[i].name);
          continue;
        }

      if (JSON_NODE_HOLDS_NULL (member) && members[i].nullable)
        continue;

      if (members[i].is_number)
        {
          if (!holds_number (member))
            report (check, code, known_path, _("Expected a number, found %s."), json_type_name (member));
          else if (json_node_get_double (member) < 0)
            report (check, code, known_path, _("The version cannot be negative."));
        }
      else if (!holds_string (member))
        report (check, code, known_path, _("Expected a string, found %s."), json_type_name (member));
      else if (members[i].required && *json_node_get_string (member) == '\0')
        report (check, code, known_path, _("“%s” cannot be empty."), members[i].name);
    }
}

static void
check_document (Check      *check,
                JsonNode   *node,
                const char *path)
{
  static const Member members[] = {
    { "format", TRUE, FALSE, FALSE },
    { "type", FALSE, FALSE, FALSE },
    { "value", TRUE, FALSE, FALSE },
    { "refNumber", FALSE, FALSE, TRUE },
  };

  check_reference (check, node, path, members, G_N_ELEMENTS (members), IDEM_SCHEMA_VIOLATION_BAD_DOCUMENT);
}

static void
check_biometrics (Check      *check,
                  JsonNode   *node,
                  const char *path)
{
  static const Member members[] = {
    { "format", TRUE, FALSE, FALSE },
    { "version", FALSE, TRUE, FALSE },
    { "value", TRUE, FALSE, FALSE },
  };

  check_reference (check, node, path, members, G_N_ELEMENTS (members), IDEM_SCHEMA_VIOLATION_BAD_BIOMETRICS);
}

static void
check_number (Check             *check,
              const IdemIdField *field,
              JsonNode          *node,
              const char        *path)
{
  double value;

  if (!holds_number (node))
    {
      report (check, IDEM_SCHEMA_VIOLATION_WRONG_TYPE, path, _("Expected a number, found %s."), json_type_name (node));
      return;
    }

  if (field->kind == IDEM_ID_FIELD_KIND_INTEGER && json_node_get_value_type (node) != G_TYPE_INT64)
    {
      /* floor(), not a cast to gint64: 1e300 has no integer to cast to. */
      value = json_node_get_double (node);
      if (!isfinite (value) || value != floor (value))
        {
          report (check, IDEM_SCHEMA_VIOLATION_WRONG_TYPE, path, _("Expected a whole number."));
          return;
        }
    }

  value = json_node_get_double (node);
  if (field->has_minimum && value < field->minimum)
    report (check, IDEM_SCHEMA_VIOLATION_OUT_OF_RANGE, path, _("The value is below the minimum, %g."), field->minimum);
  if (field->has_maximum && value > field->maximum)
    report (check, IDEM_SCHEMA_VIOLATION_OUT_OF_RANGE, path, _("The value is above the maximum, %g."), field->maximum);
}

static void
check_field (Check             *check,
             const IdemIdField *field,
             JsonNode          *node,
             const char        *path)
{
  if (JSON_NODE_HOLDS_NULL (node))
    {
      if (field->nullable)
        return;
      if (field->required)
        report (check, IDEM_SCHEMA_VIOLATION_REQUIRED, path, _("The field is required but is null."));
      else
        report (check, IDEM_SCHEMA_VIOLATION_WRONG_TYPE, path, _("The field cannot be null; leave it out instead."));
      return;
    }

  switch (field->kind)
    {
    case IDEM_ID_FIELD_KIND_SIMPLE:
      check_simple (check, field, node, path);
      break;
    case IDEM_ID_FIELD_KIND_DOCUMENT:
      check_document (check, node, path);
      break;
    case IDEM_ID_FIELD_KIND_BIOMETRICS:
      check_biometrics (check, node, path);
      break;
    case IDEM_ID_FIELD_KIND_STRING:
      if (!holds_string (node))
        report (check, IDEM_SCHEMA_VIOLATION_WRONG_TYPE, path, _("Expected a string, found %s."), json_type_name (node));
      else
        check_patterns (check, field, json_node_get_string (node), NULL, path);
      break;
    case IDEM_ID_FIELD_KIND_NUMBER:
    case IDEM_ID_FIELD_KIND_INTEGER:
      check_number (check, field, node, path);
      break;
    case IDEM_ID_FIELD_KIND_BOOLEAN:
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        report (check, IDEM_SCHEMA_VIOLATION_WRONG_TYPE, path, _("Expected true or false, found %s."),
                json_type_name (node));
      break;
    default:
      g_assert_not_reached ();
    }
}

/* The nesting bound protects the recursion here as well as json-glib's:
 * a JsonObject built by a caller rather than parsed by us can be deeper. */
static guint
node_depth (JsonNode *node,
            guint     limit)
{
  guint deepest = 0;

  if (limit == 0)
    return 1;

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array) && deepest < limit; i++)
        {
          guint depth = node_depth (json_array_get_element (array, i), limit - 1);

          deepest = MAX (deepest, depth);
        }
      return deepest + 1;
    }

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autoptr(GList) members = json_object_get_values (json_node_get_object (node));

      for (const GList *l = members; l != NULL && deepest < limit; l = l->next)
        {
          guint depth = node_depth (l->data, limit - 1);

          deepest = MAX (deepest, depth);
        }
      return deepest + 1;
    }

  return 0;
}

static void
check_identity (Check      *check,
                JsonObject *identity)
{
  IdemIdSchema *schema = check->schema;
  g_autoptr(GList) names = json_object_get_members (identity);

  /* Unknown fields first, in the identity's order, then the schema's
   * fields in the schema's order: a stable order for tests and users. */
  for (const GList *l = names; l != NULL; l = l->next)
    {
      const char *name = l->data;
      g_autofree char *path = NULL;

      if (g_hash_table_contains (schema->fields_by_id, name) || schema->allows_unknown_fields)
        continue;

      path = member_path ("identity", name);
      report (check, IDEM_SCHEMA_VIOLATION_UNKNOWN_FIELD, path, _("The ID schema has no field “%s”."), name);
    }

  for (guint i = 0; i < schema->fields->len; i++)
    {
      const IdemIdField *field = g_ptr_array_index (schema->fields, i);
      g_autofree char *path = member_path ("identity", field->id);
      JsonNode *node = json_object_get_member (identity, field->id);

      if (node == NULL)
        {
          if (field->required && (check->flags & IDEM_ID_VALIDATE_PARTIAL) == 0)
            report (check, IDEM_SCHEMA_VIOLATION_REQUIRED, path, _("The field is required."));
          continue;
        }

      if (node_depth (node, IDEM_ID_SCHEMA_MAX_DEPTH) >= IDEM_ID_SCHEMA_MAX_DEPTH)
        {
          report (check, IDEM_SCHEMA_VIOLATION_TOO_DEEP, path,
                  _("The value nests lists and objects more than %d deep."), IDEM_ID_SCHEMA_MAX_DEPTH);
          continue;
        }

      check_field (check, field, node, path);
    }
}

/**
 * idem_id_schema_validate:
 * @self: a schema
 * @object: an identity, either wrapped as MOSIP writes it
 *   (`{"identity": {…}}`) or bare
 * @flags: how strictly to read the wrapper
 *
 * Checks @object against the schema and lists every violation, in a stable
 * order: unknown fields, then each schema field in the schema's order.
 * Paths always start with `identity.`, wrapped or not.
 *
 * Returns: (transfer container) (element-type IdemSchemaViolation): the
 *   violations, empty when the identity is valid
 */
GPtrArray *
idem_id_schema_validate (IdemIdSchema        *self,
                         JsonObject          *object,
                         IdemIdValidateFlags  flags)
{
  Check check = { 0 };
  JsonNode *identity;

  g_return_val_if_fail (IDEM_IS_ID_SCHEMA (self), NULL);
  g_return_val_if_fail (object != NULL, NULL);

  check.schema = self;
  check.flags = flags;
  check.violations = g_ptr_array_new_with_free_func ((GDestroyNotify) idem_schema_violation_free);

  identity = json_object_get_member (object, "identity");
  if (identity == NULL)
    {
      check_identity (&check, object);
      return check.violations;
    }

  if ((flags & IDEM_ID_VALIDATE_STRICT_WRAPPER) != 0 && !self->root_allows_unknown)
    {
      g_autoptr(GList) names = json_object_get_members (object);

      for (const GList *l = names; l != NULL; l = l->next)
        {
          g_autofree char *path = NULL;

          if (g_str_equal (l->data, "identity"))
            continue;

          path = member_path ("", l->data);
          report (&check, IDEM_SCHEMA_VIOLATION_UNKNOWN_FIELD, path,
                  _("Only “identity” may stand at the top level, not “%s”."), (const char *) l->data);
        }
    }

  if (!JSON_NODE_HOLDS_OBJECT (identity))
    report (&check, IDEM_SCHEMA_VIOLATION_NOT_AN_OBJECT, "identity",
            _("The identity must be an object, not %s."), json_type_name (identity));
  else
    check_identity (&check, json_node_get_object (identity));

  return check.violations;
}

/**
 * idem_id_schema_validate_node:
 * @self: a schema
 * @node: a JSON node, normally holding an identity object
 * @flags: how strictly to read the wrapper
 *
 * Like idem_id_schema_validate(), for a node that may hold anything: a node
 * that is not an object gives one %IDEM_SCHEMA_VIOLATION_NOT_AN_OBJECT.
 *
 * Returns: (transfer container) (element-type IdemSchemaViolation): the violations
 */
GPtrArray *
idem_id_schema_validate_node (IdemIdSchema        *self,
                              JsonNode            *node,
                              IdemIdValidateFlags  flags)
{
  GPtrArray *violations;

  g_return_val_if_fail (IDEM_IS_ID_SCHEMA (self), NULL);
  g_return_val_if_fail (node != NULL, NULL);

  if (JSON_NODE_HOLDS_OBJECT (node))
    return idem_id_schema_validate (self, json_node_get_object (node), flags);

  violations = g_ptr_array_new_with_free_func ((GDestroyNotify) idem_schema_violation_free);
  g_ptr_array_add (violations, idem_schema_violation_new (IDEM_SCHEMA_VIOLATION_NOT_AN_OBJECT, "identity",
                                                          _("The identity must be a JSON object.")));
  return violations;
}

/**
 * idem_id_schema_validate_bytes:
 * @self: a schema
 * @bytes: an identity's JSON text, such as a packet's `ID.json`
 * @flags: how strictly to read the wrapper
 * @error: return location for an error in %IDEM_ID_SCHEMA_ERROR
 *
 * Parses @bytes within the size and depth limits and validates the result.
 *
 * Returns: (transfer container) (element-type IdemSchemaViolation): the
 *   violations, or %NULL with @error set when @bytes is not JSON or too
 *   large or deep to read
 */
GPtrArray *
idem_id_schema_validate_bytes (IdemIdSchema         *self,
                               GBytes               *bytes,
                               IdemIdValidateFlags   flags,
                               GError              **error)
{
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (IDEM_IS_ID_SCHEMA (self), NULL);
  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  root = idem_json_parse_bounded (bytes, IDEM_ID_SCHEMA_ERROR, IDEM_ID_SCHEMA_ERROR_PARSE,
                                  IDEM_ID_SCHEMA_ERROR_TOO_LARGE, error);
  if (root == NULL)
    return NULL;

  return idem_id_schema_validate_node (self, root, flags);
}
