/* test-id-schema-ui-spec.c — the registration form's UI spec
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The default UI spec must only capture fields the default ID schema has,
 * label every field and screen in English, French and Arabic, and name the
 * master data behind its dropdowns; malformed specs are refused with the
 * path of the fault.
 */

#include "config.h"

#include "idem.h"

#include <string.h>

static char *
source_path (const char *name)
{
  g_assert_nonnull (g_getenv ("IDEM_SOURCE_DIR"));
  return g_build_filename (g_getenv ("IDEM_SOURCE_DIR"), "data", "schema", name, NULL);
}

static IdemUiSpec *
load_default_spec (void)
{
  g_autofree char *path = source_path ("ui-spec.json");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  IdemUiSpec *spec = idem_ui_spec_new_from_file (file, &error);

  g_assert_no_error (error);
  return spec;
}

static IdemIdSchema *
load_default_schema (void)
{
  g_autofree char *path = source_path ("id-schema.json");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  IdemIdSchema *schema = idem_id_schema_new_from_file (file, &error);

  g_assert_no_error (error);
  return schema;
}

static void
test_default_spec_matches_schema (void)
{
  g_autoptr(IdemUiSpec) spec = load_default_spec ();
  g_autoptr(IdemIdSchema) schema = load_default_schema ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  const char * const languages[] = { "eng", "fra", "ara" };
  g_autoptr(GError) error = NULL;

  g_assert_true (idem_ui_spec_check_schema (spec, schema, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (idem_ui_spec_get_n_screens (spec), ==, 3);

  for (guint i = 0; i < idem_ui_spec_get_n_screens (spec); i++)
    {
      const IdemUiScreen *screen = idem_ui_spec_get_screen (spec, i);

      for (guint l = 0; l < G_N_ELEMENTS (languages); l++)
        g_assert_cmpstr (idem_ui_screen_get_label (screen, languages[l]), !=, "");

      for (guint j = 0; j < idem_ui_screen_get_n_fields (screen); j++)
        {
          const IdemUiField *field = idem_ui_screen_get_field (screen, j);
          const IdemIdField *schema_field = idem_id_schema_lookup_field (schema, idem_ui_field_get_id (field));
          const char *control = idem_ui_field_get_control_type (field);

          g_test_message ("field %s", idem_ui_field_get_id (field));
          g_assert_nonnull (schema_field);
          g_hash_table_add (seen, (gpointer) idem_ui_field_get_id (field));

          /* Every field is labelled in all three languages, each its own. */
          for (guint l = 0; l < G_N_ELEMENTS (languages); l++)
            {
              g_assert_true (idem_ui_field_has_label (field, languages[l]));
              g_assert_cmpstr (idem_ui_field_get_label (field, languages[l]), !=, "");
            }
          g_assert_cmpstr (idem_ui_field_get_label (field, "ara"), !=, idem_ui_field_get_label (field, "eng"));

          /* The control suits the schema's kind of value. */
          switch (idem_id_field_get_kind (schema_field))
            {
            case IDEM_ID_FIELD_KIND_DOCUMENT:
              g_assert_cmpstr (control, ==, "fileupload");
              g_assert_nonnull (idem_ui_field_get_sub_type (field));
              break;
            case IDEM_ID_FIELD_KIND_BIOMETRICS:
              g_assert_cmpstr (control, ==, "biometrics");
              g_assert_true (g_strv_equal (idem_ui_field_get_bio_attributes (field),
                                           idem_id_field_get_bio_attributes (schema_field)));
              break;
            case IDEM_ID_FIELD_KIND_SIMPLE:
            case IDEM_ID_FIELD_KIND_STRING:
              g_assert_true (g_str_equal (control, "textbox") || g_str_equal (control, "dropdown")
                             || g_str_equal (control, "ageDate"));
              break;
            case IDEM_ID_FIELD_KIND_NUMBER:
            case IDEM_ID_FIELD_KIND_INTEGER:
            case IDEM_ID_FIELD_KIND_BOOLEAN:
            default:
              g_assert_not_reached ();
            }

          /* A field the schema requires is required on the form too. */
          if (idem_id_field_is_required (schema_field))
            g_assert_true (idem_ui_field_is_required (field));

          if (g_str_equal (control, "dropdown"))
            g_assert_nonnull (idem_ui_field_get_sub_type (field));
        }
    }

  /* The form captures every field but those the system fills itself. */
  for (guint i = 0; i < idem_id_schema_get_n_fields (schema); i++)
    {
      const char *id = idem_id_field_get_id (idem_id_schema_get_field (schema, i));

      if (g_str_equal (id, "IDSchemaVersion") || g_str_equal (id, "UIN")
          || g_str_equal (id, "individualAuthBiometrics") || g_str_equal (id, "proofOfException-1"))
        g_assert_false (g_hash_table_contains (seen, id));
      else if (!g_hash_table_contains (seen, id))
        g_error ("the UI spec does not capture %s", id);
    }
}

static void
test_default_spec_details (void)
{
  g_autoptr(IdemUiSpec) spec = load_default_spec ();
  const IdemUiField *field;
  const char *watched, *operator_name, *value;

  field = idem_ui_spec_lookup_field (spec, "gender");
  g_assert_cmpstr (idem_ui_field_get_control_type (field), ==, "dropdown");
  g_assert_cmpstr (idem_ui_field_get_sub_type (field), ==, "gender");
  g_assert_cmpstr (idem_ui_field_get_field_type (field), ==, "dynamic");
  g_assert_cmpstr (idem_ui_field_get_label (field, "fra"), ==, "Sexe");
  g_assert_cmpstr (idem_ui_field_get_label (field, "ara"), ==, "الجنس");
  /* A language the spec lacks falls back to English. */
  g_assert_cmpstr (idem_ui_field_get_label (field, "spa"), ==, "Gender");
  g_assert_cmpstr (idem_ui_field_get_label (field, NULL), ==, "Gender");
  g_assert_false (idem_ui_field_has_label (field, "spa"));
  g_assert_false (idem_ui_field_get_visible_condition (field, NULL, NULL, NULL));

  field = idem_ui_spec_lookup_field (spec, "city");
  g_assert_cmpstr (idem_ui_field_get_sub_type (field), ==, "location");
  g_assert_cmpstr (idem_ui_field_get_group (field), ==, "Address");

  field = idem_ui_spec_lookup_field (spec, "dateOfBirth");
  g_assert_cmpstr (idem_ui_field_get_control_type (field), ==, "ageDate");
  g_assert_true (idem_ui_field_is_input_required (field));

  field = idem_ui_spec_lookup_field (spec, "introducerName");
  g_assert_true (idem_ui_field_get_visible_condition (field, &watched, &operator_name, &value));
  g_assert_cmpstr (watched, ==, "dateOfBirth");
  g_assert_cmpstr (operator_name, ==, "ageBelow");
  g_assert_cmpstr (value, ==, "5");

  field = idem_ui_spec_lookup_field (spec, "proofOfAddress");
  g_assert_cmpstr (idem_ui_field_get_sub_type (field), ==, "POA");
  g_assert_cmpstr (idem_ui_field_get_value_type (field), ==, "documentType");

  g_assert_cmpstr (idem_ui_screen_get_name (idem_ui_spec_get_screen (spec, 0)), ==, "DemographicDetails");
  g_assert_cmpstr (idem_ui_screen_get_label (idem_ui_spec_get_screen (spec, 2), "fra"), ==, "Biométrie");
  g_assert_null (idem_ui_spec_lookup_field (spec, "UIN"));
}

static void
test_spec_schema_mismatch (void)
{
  const char *text = "{\"screens\":[{\"name\":\"s\",\"label\":{\"eng\":\"S\"},\"fields\":["
                     "{\"id\":\"fullName\",\"controlType\":\"textbox\",\"label\":{\"eng\":\"Name\"}},"
                     "{\"id\":\"favouriteColour\",\"controlType\":\"textbox\",\"label\":{\"fra\":\"Couleur\"}}]}]}";
  g_autoptr(GBytes) bytes = g_bytes_new_static (text, strlen (text));
  g_autoptr(GError) error = NULL;
  g_autoptr(IdemUiSpec) spec = idem_ui_spec_new_from_bytes (bytes, &error);
  g_autoptr(IdemIdSchema) schema = load_default_schema ();

  g_assert_no_error (error);
  /* Without English, the first language the spec gives. */
  g_assert_cmpstr (idem_ui_field_get_label (idem_ui_spec_lookup_field (spec, "favouriteColour"), "ara"), ==, "Couleur");
  g_assert_false (idem_ui_spec_check_schema (spec, schema, &error));
  g_assert_error (error, IDEM_UI_SPEC_ERROR, IDEM_UI_SPEC_ERROR_SCHEMA_MISMATCH);
  g_assert_nonnull (strstr (error->message, "favouriteColour"));
  g_assert_nonnull (strstr (error->message, "screens[0].fields[1]"));
}

typedef struct
{
  const char      *name;
  const char      *spec;
  IdemUiSpecError  code;
  const char      *where;
} MalformedCase;

#define FIELD_OK "{\"id\":\"a\",\"controlType\":\"textbox\",\"label\":{\"eng\":\"A\"}}"

static const MalformedCase malformed_cases[] = {
  { "not-json", "{", IDEM_UI_SPEC_ERROR_PARSE, "" },
  { "not-object", "[]", IDEM_UI_SPEC_ERROR_MALFORMED, " $: " },
  { "no-screens", "{}", IDEM_UI_SPEC_ERROR_MALFORMED, " screens: " },
  { "screen-not-object", "{\"screens\":[1]}", IDEM_UI_SPEC_ERROR_MALFORMED, " screens[0]: " },
  { "screen-no-name", "{\"screens\":[{\"label\":{\"eng\":\"S\"},\"fields\":[]}]}", IDEM_UI_SPEC_ERROR_MALFORMED, " screens[0]: " },
  { "screen-no-fields", "{\"screens\":[{\"name\":\"s\",\"label\":{\"eng\":\"S\"}}]}", IDEM_UI_SPEC_ERROR_MALFORMED, " screens[0]: " },
  { "label-not-object", "{\"screens\":[{\"name\":\"s\",\"label\":\"S\",\"fields\":[]}]}",
    IDEM_UI_SPEC_ERROR_MALFORMED, " screens[0].label: " },
  { "label-empty", "{\"screens\":[{\"name\":\"s\",\"label\":{},\"fields\":[]}]}",
    IDEM_UI_SPEC_ERROR_MALFORMED, " screens[0].label: " },
  { "label-not-string", "{\"screens\":[{\"name\":\"s\",\"label\":{\"eng\":\"S\"},\"fields\":["
    "{\"id\":\"a\",\"controlType\":\"textbox\",\"label\":{\"eng\":\"A\",\"fra\":2}}]}]}",
    IDEM_UI_SPEC_ERROR_MALFORMED, " screens[0].fields[0].label.fra: " },
  { "field-no-control", "{\"screens\":[{\"name\":\"s\",\"label\":{\"eng\":\"S\"},\"fields\":["
    FIELD_OK ",{\"id\":\"b\",\"label\":{\"eng\":\"B\"}}]}]}",
    IDEM_UI_SPEC_ERROR_MALFORMED, " screens[0].fields[1]: " },
  { "required-not-boolean", "{\"screens\":[{\"name\":\"s\",\"label\":{\"eng\":\"S\"},\"fields\":["
    "{\"id\":\"a\",\"controlType\":\"textbox\",\"required\":\"yes\",\"label\":{\"eng\":\"A\"}}]}]}",
    IDEM_UI_SPEC_ERROR_MALFORMED, " screens[0].fields[0]: " },
  { "duplicate-field", "{\"screens\":[{\"name\":\"s\",\"label\":{\"eng\":\"S\"},\"fields\":[" FIELD_OK "]},"
    "{\"name\":\"t\",\"label\":{\"eng\":\"T\"},\"fields\":[" FIELD_OK "]}]}",
    IDEM_UI_SPEC_ERROR_MALFORMED, " screens[1].fields[0]: " },
  { "visible-mvel", "{\"screens\":[{\"name\":\"s\",\"label\":{\"eng\":\"S\"},\"fields\":["
    "{\"id\":\"a\",\"controlType\":\"textbox\",\"label\":{\"eng\":\"A\"},"
    "\"visible\":{\"engine\":\"MVEL\",\"expr\":\"identity.isChild\"}}]}]}",
    IDEM_UI_SPEC_ERROR_MALFORMED, " screens[0].fields[0].visible: " },
  { "bio-not-list", "{\"screens\":[{\"name\":\"s\",\"label\":{\"eng\":\"S\"},\"fields\":["
    "{\"id\":\"a\",\"controlType\":\"biometrics\",\"label\":{\"eng\":\"A\"},\"bioAttributes\":\"face\"}]}]}",
    IDEM_UI_SPEC_ERROR_MALFORMED, " screens[0].fields[0]: " },
};

static void
test_malformed_specs (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (malformed_cases); i++)
    {
      const MalformedCase *c = &malformed_cases[i];
      g_autoptr(GBytes) bytes = g_bytes_new_static (c->spec, strlen (c->spec));
      g_autoptr(GError) error = NULL;
      g_autoptr(IdemUiSpec) spec = NULL;

      g_test_message ("case %s", c->name);
      spec = idem_ui_spec_new_from_bytes (bytes, &error);
      g_assert_null (spec);
      g_assert_error (error, IDEM_UI_SPEC_ERROR, (int) c->code);
      if (strstr (error->message, c->where) == NULL)
        g_error ("case %s: “%s” not in “%s”", c->name, c->where, error->message);
    }

  {
    g_autoptr(GFile) file = g_file_new_for_path ("/nonexistent/ui-spec.json");
    g_autoptr(GError) error = NULL;
    g_autoptr(IdemUiSpec) spec = idem_ui_spec_new_from_file (file, &error);

    g_assert_null (spec);
    g_assert_error (error, IDEM_UI_SPEC_ERROR, IDEM_UI_SPEC_ERROR_IO);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui-spec/default/matches-schema", test_default_spec_matches_schema);
  g_test_add_func ("/ui-spec/default/details", test_default_spec_details);
  g_test_add_func ("/ui-spec/schema-mismatch", test_spec_schema_mismatch);
  g_test_add_func ("/ui-spec/malformed", test_malformed_specs);

  return g_test_run ();
}
