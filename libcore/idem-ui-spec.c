/* idem-ui-spec.c — loading a MOSIP-style UI spec
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The format is MOSIP 1.2's registration client spec: `screens`, each with
 * `name`, `label`, `order` and `fields`; a field has `id`, `controlType`,
 * `label` per ISO 639-3 language, `group`, `required`, `inputRequired`,
 * `subType`, `fieldType`, `type` and `bioAttributes`.  MOSIP writes `visible`
 * as an MVEL expression; Idem reads only its own simple form,
 * `{"engine": "idem", "field": F, "operator": O, "value": V}`, and keeps an
 * expression of another engine out of the form rather than guess at it.
 */

#define G_LOG_DOMAIN "idem-ui-spec"

#include "config.h"

#include "idem-ui-spec.h"
#include "idem-id-schema-private.h"

#include <glib/gi18n-lib.h>

struct _IdemUiField
{
  char       *id;
  char       *control_type;
  char       *group;
  char       *sub_type;
  char       *field_type;
  char       *value_type;
  gboolean    required;
  gboolean    input_required;
  GHashTable *labels;
  char       *first_label;
  GStrv       bio_attributes;
  char       *visible_field;
  char       *visible_operator;
  char       *visible_value;
};

struct _IdemUiScreen
{
  char       *name;
  GHashTable *labels;
  char       *first_label;
  GPtrArray  *fields;
};

struct _IdemUiSpec
{
  GObject     parent_instance;

  GPtrArray  *screens;
  GHashTable *fields_by_id;
};

G_DEFINE_FINAL_TYPE (IdemUiSpec, idem_ui_spec, G_TYPE_OBJECT)

G_DEFINE_QUARK (idem-ui-spec-error-quark, idem_ui_spec_error)

static void
ui_field_free (IdemUiField *field)
{
  g_free (field->id);
  g_free (field->control_type);
  g_free (field->group);
  g_free (field->sub_type);
  g_free (field->field_type);
  g_free (field->value_type);
  g_clear_pointer (&field->labels, g_hash_table_unref);
  g_free (field->first_label);
  g_strfreev (field->bio_attributes);
  g_free (field->visible_field);
  g_free (field->visible_operator);
  g_free (field->visible_value);
  g_free (field);
}

static void
ui_screen_free (IdemUiScreen *screen)
{
  g_free (screen->name);
  g_clear_pointer (&screen->labels, g_hash_table_unref);
  g_free (screen->first_label);
  g_clear_pointer (&screen->fields, g_ptr_array_unref);
  g_free (screen);
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

  /* TRANSLATORS: "screens[0].fields[3].label: must be an object" */
  g_set_error (error, IDEM_UI_SPEC_ERROR, IDEM_UI_SPEC_ERROR_MALFORMED,
               _("The UI spec is malformed at %s: %s"), path, reason);
  return FALSE;
}

static gboolean
read_string (JsonObject  *object,
             const char  *name,
             const char  *path,
             gboolean     required,
             char       **out,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        return malformed (error, path, _("“%s” is missing"), name);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return malformed (error, path, _("“%s” must be a string"), name);

  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
read_boolean (JsonObject  *object,
              const char  *name,
              const char  *path,
              gboolean     fallback,
              gboolean    *out,
              GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  *out = fallback;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return malformed (error, path, _("“%s” must be true or false"), name);

  *out = json_node_get_boolean (node);
  return TRUE;
}

/* `label` maps ISO 639-3 codes to text; the first is kept for languages
 * the spec lacks, after English. */
static gboolean
read_labels (JsonObject  *object,
             const char  *path,
             GHashTable **labels,
             char       **first,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, "label");
  g_autofree char *label_path = g_strdup_printf ("%s.label", path);
  g_autoptr(GList) members = NULL;
  JsonObject *map;

  *labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  *first = NULL;
  if (node == NULL)
    return malformed (error, path, _("“%s” is missing"), "label");
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return malformed (error, label_path, _("must map language codes to text"));

  map = json_node_get_object (node);
  members = json_object_get_members (map);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *text = json_object_get_member (map, l->data);

      if (!JSON_NODE_HOLDS_VALUE (text) || json_node_get_value_type (text) != G_TYPE_STRING)
        {
          g_autofree char *text_path = g_strdup_printf ("%s.%s", label_path, (const char *) l->data);

          return malformed (error, text_path, _("must be a string"));
        }
      g_hash_table_insert (*labels, g_strdup (l->data), g_strdup (json_node_get_string (text)));
      if (*first == NULL)
        *first = g_strdup (json_node_get_string (text));
    }

  if (*first == NULL)
    return malformed (error, label_path, _("has no language"));

  return TRUE;
}

static gboolean
read_visible (JsonObject  *object,
              const char  *path,
              IdemUiField *field,
              GError     **error)
{
  JsonNode *node = json_object_get_member (object, "visible");
  g_autofree char *visible_path = g_strdup_printf ("%s.visible", path);
  g_autofree char *engine = NULL;
  JsonObject *condition;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return malformed (error, visible_path, _("must be an object"));
  condition = json_node_get_object (node);

  if (!read_string (condition, "engine", visible_path, TRUE, &engine, error))
    return FALSE;
  if (!g_str_equal (engine, "idem"))
    return malformed (error, visible_path, _("only the “idem” engine is understood, not “%s”"), engine);

  return read_string (condition, "field", visible_path, TRUE, &field->visible_field, error)
         && read_string (condition, "operator", visible_path, TRUE, &field->visible_operator, error)
         && read_string (condition, "value", visible_path, FALSE, &field->visible_value, error);
}

static gboolean
read_bio_attributes (JsonObject  *object,
                     const char  *path,
                     IdemUiField *field,
                     GError     **error)
{
  JsonNode *node = json_object_get_member (object, "bioAttributes");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        return malformed (error, path, _("“%s” must be a list"), "bioAttributes");

      array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
            return malformed (error, path, _("“%s” must be a list of strings"), "bioAttributes");
          g_strv_builder_add (builder, json_node_get_string (element));
        }
    }

  field->bio_attributes = g_strv_builder_end (builder);
  return TRUE;
}

static IdemUiField *
read_field (JsonNode    *node,
            const char  *path,
            GError     **error)
{
  IdemUiField *field = g_new0 (IdemUiField, 1);
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      malformed (error, path, _("a field must be an object"));
      ui_field_free (field);
      return NULL;
    }
  object = json_node_get_object (node);

  if (!read_string (object, "id", path, TRUE, &field->id, error)
      || !read_string (object, "controlType", path, TRUE, &field->control_type, error)
      || !read_string (object, "group", path, FALSE, &field->group, error)
      || !read_string (object, "subType", path, FALSE, &field->sub_type, error)
      || !read_string (object, "fieldType", path, FALSE, &field->field_type, error)
      || !read_string (object, "type", path, FALSE, &field->value_type, error)
      || !read_boolean (object, "required", path, FALSE, &field->required, error)
      || !read_boolean (object, "inputRequired", path, TRUE, &field->input_required, error)
      || !read_labels (object, path, &field->labels, &field->first_label, error)
      || !read_bio_attributes (object, path, field, error)
      || !read_visible (object, path, field, error))
    {
      ui_field_free (field);
      return NULL;
    }

  return field;
}

static IdemUiScreen *
read_screen (IdemUiSpec  *self,
             JsonNode    *node,
             const char  *path,
             GError     **error)
{
  IdemUiScreen *screen = g_new0 (IdemUiScreen, 1);
  JsonObject *object;
  JsonNode *fields;
  JsonArray *array;

  screen->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) ui_field_free);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      malformed (error, path, _("a screen must be an object"));
      goto fail;
    }
  object = json_node_get_object (node);

  if (!read_string (object, "name", path, TRUE, &screen->name, error)
      || !read_labels (object, path, &screen->labels, &screen->first_label, error))
    goto fail;

  fields = json_object_get_member (object, "fields");
  if (fields == NULL || !JSON_NODE_HOLDS_ARRAY (fields))
    {
      malformed (error, path, _("“%s” must be a list"), "fields");
      goto fail;
    }

  array = json_node_get_array (fields);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *field_path = g_strdup_printf ("%s.fields[%u]", path, i);
      IdemUiField *field = read_field (json_array_get_element (array, i), field_path, error);

      if (field == NULL)
        goto fail;
      if (g_hash_table_contains (self->fields_by_id, field->id))
        {
          malformed (error, field_path, _("the field “%s” appears twice"), field->id);
          ui_field_free (field);
          goto fail;
        }
      g_ptr_array_add (screen->fields, field);
      g_hash_table_insert (self->fields_by_id, field->id, field);
    }

  return screen;

fail:
  /* Fields already indexed belong to this screen: unindex them first. */
  for (guint i = 0; i < screen->fields->len; i++)
    g_hash_table_remove (self->fields_by_id, ((IdemUiField *) g_ptr_array_index (screen->fields, i))->id);
  ui_screen_free (screen);
  return NULL;
}

static gboolean
load (IdemUiSpec  *self,
      JsonNode    *root,
      GError     **error)
{
  JsonNode *screens;
  JsonArray *array;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    return malformed (error, "$", _("the UI spec must be an object"));

  screens = json_object_get_member (json_node_get_object (root), "screens");
  if (screens == NULL || !JSON_NODE_HOLDS_ARRAY (screens))
    return malformed (error, "screens", _("must be a list"));

  array = json_node_get_array (screens);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *path = g_strdup_printf ("screens[%u]", i);
      IdemUiScreen *screen = read_screen (self, json_array_get_element (array, i), path, error);

      if (screen == NULL)
        return FALSE;
      g_ptr_array_add (self->screens, screen);
    }

  return TRUE;
}

static const char *
pick_label (GHashTable *labels,
            const char *first,
            const char *language)
{
  const char *text = NULL;

  if (language != NULL)
    text = g_hash_table_lookup (labels, language);
  if (text == NULL)
    text = g_hash_table_lookup (labels, "eng");

  return text != NULL ? text : first;
}

static void
idem_ui_spec_finalize (GObject *object)
{
  IdemUiSpec *self = (IdemUiSpec *) object;

  g_clear_pointer (&self->fields_by_id, g_hash_table_unref);
  g_clear_pointer (&self->screens, g_ptr_array_unref);

  G_OBJECT_CLASS (idem_ui_spec_parent_class)->finalize (object);
}

static void
idem_ui_spec_class_init (IdemUiSpecClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = idem_ui_spec_finalize;
}

static void
idem_ui_spec_init (IdemUiSpec *self)
{
  self->screens = g_ptr_array_new_with_free_func ((GDestroyNotify) ui_screen_free);
  self->fields_by_id = g_hash_table_new (g_str_hash, g_str_equal);
}

/**
 * idem_ui_spec_new_from_bytes:
 * @bytes: the spec's JSON text
 * @error: return location for an error in %IDEM_UI_SPEC_ERROR
 *
 * Returns: (transfer full): the UI spec, or %NULL with @error set
 */
IdemUiSpec *
idem_ui_spec_new_from_bytes (GBytes  *bytes,
                             GError **error)
{
  g_autoptr(IdemUiSpec) self = NULL;
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  root = idem_json_parse_bounded (bytes, IDEM_UI_SPEC_ERROR, IDEM_UI_SPEC_ERROR_PARSE,
                                  IDEM_UI_SPEC_ERROR_TOO_LARGE, error);
  if (root == NULL)
    return NULL;

  self = g_object_new (IDEM_TYPE_UI_SPEC, NULL);
  if (!load (self, root, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * idem_ui_spec_new_from_file:
 * @file: a JSON file
 * @error: return location for an error in %IDEM_UI_SPEC_ERROR
 *
 * Reads and loads a UI spec; this blocks on the file's I/O.
 *
 * Returns: (transfer full): the UI spec, or %NULL with @error set
 */
IdemUiSpec *
idem_ui_spec_new_from_file (GFile   *file,
                            GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  bytes = g_file_load_bytes (file, NULL, NULL, &local_error);
  if (bytes == NULL)
    {
      g_set_error (error, IDEM_UI_SPEC_ERROR, IDEM_UI_SPEC_ERROR_IO,
                   _("The UI spec could not be read: %s"), local_error->message);
      return NULL;
    }

  return idem_ui_spec_new_from_bytes (bytes, error);
}

/**
 * idem_ui_spec_get_n_screens:
 * @self: a UI spec
 *
 * Returns: how many screens the form has
 */
guint
idem_ui_spec_get_n_screens (IdemUiSpec *self)
{
  g_return_val_if_fail (IDEM_IS_UI_SPEC (self), 0);

  return self->screens->len;
}

/**
 * idem_ui_spec_get_screen:
 * @self: a UI spec
 * @position: a screen's position, in the spec's order
 *
 * Returns: (transfer none): the screen
 */
const IdemUiScreen *
idem_ui_spec_get_screen (IdemUiSpec *self,
                         guint       position)
{
  g_return_val_if_fail (IDEM_IS_UI_SPEC (self), NULL);
  g_return_val_if_fail (position < self->screens->len, NULL);

  return g_ptr_array_index (self->screens, position);
}

/**
 * idem_ui_spec_lookup_field:
 * @self: a UI spec
 * @id: a field id
 *
 * Returns: (transfer none) (nullable): the field on whichever screen it is, or %NULL
 */
const IdemUiField *
idem_ui_spec_lookup_field (IdemUiSpec *self,
                           const char *id)
{
  g_return_val_if_fail (IDEM_IS_UI_SPEC (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return g_hash_table_lookup (self->fields_by_id, id);
}

/**
 * idem_ui_spec_check_schema:
 * @self: a UI spec
 * @schema: the ID schema the form fills
 * @error: return location for an error in %IDEM_UI_SPEC_ERROR
 *
 * Checks that every field the spec captures exists in @schema, so that the
 * form can only produce identities the schema describes.
 *
 * Returns: %TRUE if it does
 */
gboolean
idem_ui_spec_check_schema (IdemUiSpec    *self,
                           IdemIdSchema  *schema,
                           GError       **error)
{
  g_return_val_if_fail (IDEM_IS_UI_SPEC (self), FALSE);
  g_return_val_if_fail (IDEM_IS_ID_SCHEMA (schema), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint i = 0; i < self->screens->len; i++)
    {
      IdemUiScreen *screen = g_ptr_array_index (self->screens, i);

      for (guint j = 0; j < screen->fields->len; j++)
        {
          IdemUiField *field = g_ptr_array_index (screen->fields, j);

          if (idem_id_schema_lookup_field (schema, field->id) == NULL)
            {
              g_set_error (error, IDEM_UI_SPEC_ERROR, IDEM_UI_SPEC_ERROR_SCHEMA_MISMATCH,
                           _("The UI spec’s field “%s” (screens[%u].fields[%u]) is not in the ID schema."),
                           field->id, i, j);
              return FALSE;
            }
        }
    }

  return TRUE;
}

/**
 * idem_ui_screen_get_name:
 * @screen: a screen
 *
 * Returns: the screen's name, an identifier ("DemographicDetails")
 */
const char *
idem_ui_screen_get_name (const IdemUiScreen *screen)
{
  g_return_val_if_fail (screen != NULL, NULL);

  return screen->name;
}

/**
 * idem_ui_screen_get_label:
 * @screen: a screen
 * @language: (nullable): an ISO 639-3 code ("fra")
 *
 * Returns: the screen's title in @language, else in English, else in the
 *   spec's first language
 */
const char *
idem_ui_screen_get_label (const IdemUiScreen *screen,
                          const char         *language)
{
  g_return_val_if_fail (screen != NULL, NULL);

  return pick_label (screen->labels, screen->first_label, language);
}

/**
 * idem_ui_screen_get_n_fields:
 * @screen: a screen
 *
 * Returns: how many fields the screen has
 */
guint
idem_ui_screen_get_n_fields (const IdemUiScreen *screen)
{
  g_return_val_if_fail (screen != NULL, 0);

  return screen->fields->len;
}

/**
 * idem_ui_screen_get_field:
 * @screen: a screen
 * @position: a field's position on the screen
 *
 * Returns: (transfer none): the field
 */
const IdemUiField *
idem_ui_screen_get_field (const IdemUiScreen *screen,
                          guint               position)
{
  g_return_val_if_fail (screen != NULL, NULL);
  g_return_val_if_fail (position < screen->fields->len, NULL);

  return g_ptr_array_index (screen->fields, position);
}

/**
 * idem_ui_field_get_id:
 * @field: a field
 *
 * Returns: the ID schema field it captures ("fullName")
 */
const char *
idem_ui_field_get_id (const IdemUiField *field)
{
  g_return_val_if_fail (field != NULL, NULL);

  return field->id;
}

/**
 * idem_ui_field_get_control_type:
 * @field: a field
 *
 * Returns: MOSIP's control type: "textbox", "dropdown", "ageDate",
 *   "fileupload", "biometrics", "checkbox", …
 */
const char *
idem_ui_field_get_control_type (const IdemUiField *field)
{
  g_return_val_if_fail (field != NULL, NULL);

  return field->control_type;
}

/**
 * idem_ui_field_get_label:
 * @field: a field
 * @language: (nullable): an ISO 639-3 code ("ara")
 *
 * Returns: the field's label in @language, else in English, else in the
 *   spec's first language
 */
const char *
idem_ui_field_get_label (const IdemUiField *field,
                         const char        *language)
{
  g_return_val_if_fail (field != NULL, NULL);

  return pick_label (field->labels, field->first_label, language);
}

/**
 * idem_ui_field_has_label:
 * @field: a field
 * @language: an ISO 639-3 code
 *
 * Returns: whether the spec gives the field a label of its own in @language
 */
gboolean
idem_ui_field_has_label (const IdemUiField *field,
                         const char        *language)
{
  g_return_val_if_fail (field != NULL, FALSE);
  g_return_val_if_fail (language != NULL, FALSE);

  return g_hash_table_contains (field->labels, language);
}

/**
 * idem_ui_field_get_group:
 * @field: a field
 *
 * Returns: (nullable): the group fields are updated together in ("Address")
 */
const char *
idem_ui_field_get_group (const IdemUiField *field)
{
  g_return_val_if_fail (field != NULL, NULL);

  return field->group;
}

/**
 * idem_ui_field_get_sub_type:
 * @field: a field
 *
 * Returns: (nullable): what the field holds: for a dropdown the master-data
 *   type ("gender", "location"), for a document its category ("POI")
 */
const char *
idem_ui_field_get_sub_type (const IdemUiField *field)
{
  g_return_val_if_fail (field != NULL, NULL);

  return field->sub_type;
}

/**
 * idem_ui_field_get_field_type:
 * @field: a field
 *
 * Returns: (nullable): "default", or "dynamic" for values from master data
 */
const char *
idem_ui_field_get_field_type (const IdemUiField *field)
{
  g_return_val_if_fail (field != NULL, NULL);

  return field->field_type;
}

/**
 * idem_ui_field_get_value_type:
 * @field: a field
 *
 * Returns: (nullable): the spec's `type`: "simpleType", "string",
 *   "documentType", "biometricsType", …
 */
const char *
idem_ui_field_get_value_type (const IdemUiField *field)
{
  g_return_val_if_fail (field != NULL, NULL);

  return field->value_type;
}

/**
 * idem_ui_field_is_required:
 * @field: a field
 *
 * Returns: whether the form cannot be submitted without the field
 */
gboolean
idem_ui_field_is_required (const IdemUiField *field)
{
  g_return_val_if_fail (field != NULL, FALSE);

  return field->required;
}

/**
 * idem_ui_field_is_input_required:
 * @field: a field
 *
 * Returns: whether the operator enters the field (%FALSE for values the
 *   client fills in itself)
 */
gboolean
idem_ui_field_is_input_required (const IdemUiField *field)
{
  g_return_val_if_fail (field != NULL, FALSE);

  return field->input_required;
}

/**
 * idem_ui_field_get_bio_attributes:
 * @field: a field
 *
 * Returns: (transfer none): the biometric attributes to capture; empty for
 *   other fields
 */
const char * const *
idem_ui_field_get_bio_attributes (const IdemUiField *field)
{
  g_return_val_if_fail (field != NULL, NULL);

  return (const char * const *) field->bio_attributes;
}

/**
 * idem_ui_field_get_visible_condition:
 * @field: a field
 * @field_id: (out) (optional): the field the condition looks at
 * @operator_name: (out) (optional): the test: "ageBelow", "equals", …
 * @value: (out) (optional) (nullable): the value tested against
 *
 * Returns: whether the field is shown only under a condition
 */
gboolean
idem_ui_field_get_visible_condition (const IdemUiField  *field,
                                     const char        **field_id,
                                     const char        **operator_name,
                                     const char        **value)
{
  g_return_val_if_fail (field != NULL, FALSE);

  if (field_id != NULL)
    *field_id = field->visible_field;
  if (operator_name != NULL)
    *operator_name = field->visible_operator;
  if (value != NULL)
    *value = field->visible_value;

  return field->visible_field != NULL;
}
