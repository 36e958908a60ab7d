/* reg-demographics-step.c — the demographic form, generated from the UI spec
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Every text, dropdown and date field of the UI spec's screens becomes a
 * row; what a field may hold comes from the ID schema (its validators are
 * run by libcore's schema validator on the field alone, so the form and the
 * server apply the same rules), the choices of a dropdown from master data.
 * Location dropdowns form a hierarchy in UI spec order: choosing a region
 * fills the provinces with that region's children, and so on.  A text field
 * of simple type gets one row per language (the primary one and, when the
 * operator chose it, a second one); each row runs in its language's
 * direction, so Arabic is typed right to left even in an English
 * interface.  Errors show under their field as the operator types.
 *
 * Identity numbers (the resident's UIN in an update, an introducer's UIN
 * or RID) may be typed with the digits of any script, Arabic-Indic ones
 * included; they are stored with ASCII digits, and a UIN must pass
 * libcore's UIN rules, check digit included.  An infant's form needs the
 * introducer's UIN or RID: the server refuses an infant without one.
 */

#define G_LOG_DOMAIN "reg-demographics-step"

#include "config.h"

#include "reg-demographics-step.h"

#include <glib/gi18n.h>

#define INTRODUCER_UIN "introducerUIN"
#define INTRODUCER_RID "introducerRID"

#define N_LANGUAGES 2

typedef struct
{
  RegDemographicsStep *self;
  const IdemUiField   *ui;
  char                *id;
  char                *label;
  char                *group;
  gboolean             is_simple;
  gboolean             is_dropdown;
  gboolean             is_date;
  gboolean             is_uin;
  gboolean             is_number;
  gboolean             required;
  GtkWidget           *list;
  guint                location_level;
  GtkWidget           *container;
  GtkWidget           *entries[N_LANGUAGES];
  GtkWidget           *age_entry;
  AdwComboRow         *combo;
  GPtrArray           *choices;        /* JsonObject rows, index + 1 in the combo */
  GtkLabel            *error_label;
  char                *error;
  gboolean             touched;
} Field;

struct _RegDemographicsStep
{
  AdwBin             parent_instance;

  IdemIdSchema      *schema;
  IdemUiSpec        *ui_spec;
  char              *languages[N_LANGUAGES];
  RegMasterDataFunc  master_data;
  gpointer           master_data_user_data;
  GPtrArray         *fields;
  GPtrArray         *blocklist;
  GtkBox            *page;
  AdwComboRow       *language_combo;
  GPtrArray         *language_codes;  /* the combo's rows after None */
  gboolean           update_mode;
  gboolean           optional;
  GHashTable        *selected_groups;
  GHashTable        *group_checks;    /* group → its GtkCheckButton */
  GtkLabel          *groups_error;
  gboolean           updating;
};

G_DEFINE_FINAL_TYPE (RegDemographicsStep, reg_demographics_step, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SECONDARY_LANGUAGE,
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];

static void
field_free (Field *field)
{
  g_free (field->id);
  g_free (field->label);
  g_free (field->group);
  g_clear_pointer (&field->choices, g_ptr_array_unref);
  g_free (field->error);
  g_free (field);
}

static Field *
find_field (RegDemographicsStep *self,
            const char          *id)
{
  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);

      if (g_str_equal (field->id, id))
        return field;
    }

  return NULL;
}

static const char *
row_string (JsonObject *row,
            const char *member)
{
  JsonNode *node = json_object_get_member (row, member);

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  if (json_object_has_member (row, "attributes") && JSON_NODE_HOLDS_OBJECT (json_object_get_member (row, "attributes")))
    {
      JsonObject *attributes = json_object_get_object_member (row, "attributes");

      node = json_object_get_member (attributes, member);
      if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        return json_node_get_string (node);
    }

  return NULL;
}

/* A master-data row's name in @language: `names.<language>`, else English,
 * else its code. */
static const char *
row_name (JsonObject *row,
          const char *language)
{
  if (json_object_has_member (row, "names") && JSON_NODE_HOLDS_OBJECT (json_object_get_member (row, "names")))
    {
      JsonObject *names = json_object_get_object_member (row, "names");

      if (language != NULL && json_object_has_member (names, language))
        return json_object_get_string_member (names, language);
      if (json_object_has_member (names, "eng"))
        return json_object_get_string_member (names, "eng");
    }
  if (row_string (row, "name") != NULL)
    return row_string (row, "name");

  return row_string (row, "code");
}

static JsonObject *
selected_row (Field *field)
{
  guint selected;

  if (field->combo == NULL)
    return NULL;
  selected = adw_combo_row_get_selected (field->combo);
  if (selected == GTK_INVALID_LIST_POSITION || selected == 0 || selected > field->choices->len)
    return NULL;

  return g_ptr_array_index (field->choices, selected - 1);
}

static char *
field_text (Field *field,
            guint  language)
{
  if (field->entries[language] == NULL)
    return NULL;

  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (field->entries[language]))));
}

static gboolean
field_is_visible (Field *field)
{
  return gtk_widget_get_visible (field->container);
}

static gboolean
field_is_empty (Field *field)
{
  g_autofree char *text = NULL;

  if (field->is_dropdown)
    return selected_row (field) == NULL;

  text = field_text (field, 0);
  return text == NULL || *text == '\0';
}

/* @text with the digits of any script as ASCII digits, spaces and hyphens
 * dropped; NULL when it holds anything else. */
static char *
ascii_digits (const char *text)
{
  g_autoptr(GString) digits = g_string_new (NULL);

  if (!g_utf8_validate (text, -1, NULL))
    return NULL;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      int value;

      if (c == '-' || g_unichar_isspace (c))
        continue;
      value = g_unichar_digit_value (c);
      if (value < 0)
        return NULL;
      g_string_append_c (digits, '0' + value);
    }

  return g_string_free (g_steal_pointer (&digits), FALSE);
}

/* What is stored for @field in @language: a number with ASCII digits. */
static char *
field_value (Field *field,
             guint  language)
{
  g_autofree char *text = field_text (field, language);
  char *digits;

  if (text == NULL || !field->is_number)
    return g_steal_pointer (&text);
  digits = ascii_digits (text);

  return digits != NULL ? digits : g_steal_pointer (&text);
}

static const char *
find_blocklisted (RegDemographicsStep *self,
                  const char          *text)
{
  g_autofree char *folded = g_utf8_casefold (text, -1);
  g_auto(GStrv) words = g_regex_split_simple ("[^\\p{L}\\p{M}]+", folded, 0, 0);

  for (guint i = 0; words[i] != NULL; i++)
    for (guint j = 0; j < self->blocklist->len; j++)
      if (*words[i] != '\0' && g_str_equal (words[i], g_ptr_array_index (self->blocklist, j)))
        return g_ptr_array_index (self->blocklist, j);

  return NULL;
}

/* What the schema says about @text as the value of @field, or NULL. */
static char *
check_with_schema (RegDemographicsStep *self,
                   Field               *field,
                   const char          *language,
                   const char          *text)
{
  g_autoptr(JsonObject) identity = json_object_new ();
  g_autoptr(GPtrArray) violations = NULL;

  if (field->is_simple)
    {
      JsonArray *values = json_array_new ();
      JsonObject *value = json_object_new ();

      json_object_set_string_member (value, "language", language);
      json_object_set_string_member (value, "value", text);
      json_array_add_object_element (values, value);
      json_object_set_array_member (identity, field->id, values);
    }
  else
    {
      json_object_set_string_member (identity, field->id, text);
    }

  violations = idem_id_schema_validate (self->schema, identity, IDEM_ID_VALIDATE_PARTIAL);
  for (guint i = 0; violations != NULL && i < violations->len; i++)
    {
      IdemSchemaViolation *violation = g_ptr_array_index (violations, i);

      /* A language the schema does not list is not the operator's fault. */
      if (violation->code == IDEM_SCHEMA_VIOLATION_UNKNOWN_LANGUAGE)
        continue;
      if (violation->code == IDEM_SCHEMA_VIOLATION_PATTERN)
        return g_strdup_printf (_("“%s” is not a valid %s."), text, field->label);
      return g_strdup (violation->message);
    }

  return NULL;
}

/* An infant's identity rests on an introducer's UIN or RID. */
static gboolean
introducer_missing (RegDemographicsStep *self,
                    Field               *field)
{
  Field *rid = find_field (self, INTRODUCER_RID);

  return !self->update_mode && !self->optional && g_str_equal (field->id, INTRODUCER_UIN) &&
         rid != NULL && field_is_visible (rid) && field_is_empty (rid);
}

static char *
check_number (Field *field)
{
  g_autofree char *text = field_text (field, 0);
  g_autofree char *digits = ascii_digits (text);
  g_autoptr(GError) error = NULL;

  if (digits == NULL)
    return g_strdup_printf (_("The %s has only digits, 0 to 9."), field->label);
  if (field->is_uin && !idem_uin_validate (digits, &error))
    return g_strdup_printf (_("“%s” is not a valid UIN: %s"), text, error->message);

  return NULL;
}

static char *
check_field (RegDemographicsStep *self,
             Field               *field)
{
  if (!field_is_visible (field))
    return NULL;

  if (field_is_empty (field))
    {
      if (introducer_missing (self, field))
        return g_strdup (_("An infant needs an introducer: enter the introducer’s UIN or RID."));
      return field->required ? g_strdup_printf (_("Enter the %s."), field->label) : NULL;
    }

  if (field->is_dropdown)
    return NULL;

  if (field->is_number)
    {
      char *message = check_number (field);
      g_autofree char *digits = NULL;

      if (message != NULL)
        return message;
      digits = field_value (field, 0);
      return check_with_schema (self, field, self->languages[0], digits);
    }

  for (guint i = 0; i < N_LANGUAGES; i++)
    {
      g_autofree char *text = field_text (field, i);
      const char *word;
      char *message;

      if (text == NULL || *text == '\0')
        continue;
      word = find_blocklisted (self, text);
      if (word != NULL)
        return g_strdup_printf (_("“%s” may not be used in the %s."), word, field->label);
      message = check_with_schema (self, field, self->languages[i], text);
      if (message != NULL)
        return message;
    }

  return NULL;
}

static GtkWidget *
field_main_widget (Field *field)
{
  return field->combo != NULL ? GTK_WIDGET (field->combo) : field->entries[0];
}

static void
show_field_error (Field *field)
{
  RegDemographicsStep *self = field->self;

  g_free (field->error);
  field->error = check_field (self, field);
  if (field->error != NULL)
    idem_form_show_error (field_main_widget (field), field->error_label, field->error);
  else
    idem_form_clear_error (field_main_widget (field), field->error_label);
}

/* The age in whole years of a yyyy/MM/dd date, or -1. */
static int
age_of (const char *date)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  int year;
  int month;
  int day;
  int age;

  if (date == NULL || sscanf (date, "%4d/%2d/%2d", &year, &month, &day) != 3 || !g_date_valid_dmy (day, month, year))
    return -1;
  age = g_date_time_get_year (now) - year;
  if (g_date_time_get_month (now) < month || (g_date_time_get_month (now) == month && g_date_time_get_day_of_month (now) < day))
    age--;

  return age;
}

static void
update_visibility (RegDemographicsStep *self)
{
  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);
      const char *condition_field;
      const char *operator_name;
      const char *value;
      gboolean visible = TRUE;

      /* An update asks only for the groups of fields being changed. */
      if (self->update_mode && field->ui != NULL)
        visible = field->group != NULL && g_hash_table_contains (self->selected_groups, field->group);

      if (visible && field->ui != NULL &&
          idem_ui_field_get_visible_condition (field->ui, &condition_field, &operator_name, &value))
        {
          Field *other = find_field (self, condition_field);
          g_autofree char *text = other != NULL ? field_text (other, 0) : NULL;
          int age = age_of (text);

          if (g_str_equal (operator_name, "ageBelow"))
            visible = age >= 0 && age < atoi (value);
          else if (g_str_equal (operator_name, "ageAtLeast"))
            visible = age >= atoi (value);
        }
      gtk_widget_set_visible (field->container, visible);
    }
}

/* The first location dropdown is the level under the country, as the UI
 * spec's locationHierarchyLevel 1 says.  The server's master data gives
 * each row its level, the country itself at level 0; rows without levels
 * start from those with no parent. */
static gboolean
is_first_location_level (JsonObject *row)
{
  JsonNode *level = json_object_get_member (row, "level");
  const char *parent;

  if (level != NULL && JSON_NODE_HOLDS_VALUE (level) && json_node_get_value_type (level) == G_TYPE_INT64)
    return json_node_get_int (level) == 1;

  parent = row_string (row, "parentCode");
  return parent == NULL || *parent == '\0';
}

static void
fill_choices (RegDemographicsStep *self,
              Field               *field)
{
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);
  g_autoptr(JsonArray) rows = NULL;
  const char *type = field->location_level > 0 ? "location" : idem_ui_field_get_sub_type (field->ui);
  const char *parent_code = NULL;

  g_ptr_array_set_size (field->choices, 0);
  gtk_string_list_append (list, _("Choose…"));

  if (field->location_level > 1)
    {
      for (guint i = 0; i < self->fields->len; i++)
        {
          Field *other = g_ptr_array_index (self->fields, i);

          if (other->location_level == field->location_level - 1)
            {
              JsonObject *parent = selected_row (other);

              parent_code = parent != NULL ? row_string (parent, "code") : NULL;
            }
        }
    }

  if (self->master_data != NULL && type != NULL && (field->location_level <= 1 || parent_code != NULL))
    rows = self->master_data (type, self->master_data_user_data);

  for (guint i = 0; rows != NULL && i < json_array_get_length (rows); i++)
    {
      JsonNode *node = json_array_get_element (rows, i);
      JsonObject *row;
      const char *parent;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      row = json_node_get_object (node);
      if (row_string (row, "code") == NULL)
        continue;
      parent = row_string (row, "parentCode");
      if (field->location_level == 1 && !is_first_location_level (row))
        continue;
      if (field->location_level > 1 && g_strcmp0 (parent, parent_code) != 0)
        continue;
      g_ptr_array_add (field->choices, json_object_ref (row));
      gtk_string_list_append (list, row_name (row, self->languages[0]));
    }

  self->updating = TRUE;
  adw_combo_row_set_model (field->combo, G_LIST_MODEL (list));
  adw_combo_row_set_selected (field->combo, 0);
  self->updating = FALSE;
}

static void
refill_children (RegDemographicsStep *self,
                 Field               *parent)
{
  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);

      if (parent->location_level > 0 && field->location_level > parent->location_level)
        fill_choices (self, field);
    }
}

static void
entry_changed_cb (GtkEditable *editable,
                  Field       *field)
{
  RegDemographicsStep *self = field->self;

  if (self->updating)
    return;

  field->touched = TRUE;
  if (field->is_date)
    update_visibility (self);
  show_field_error (field);
}

static void
age_changed_cb (GtkEditable *editable,
                Field       *field)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  const char *text = gtk_editable_get_text (editable);
  g_autofree char *date = NULL;
  char *end = NULL;
  guint64 age;

  if (*text == '\0')
    return;
  age = g_ascii_strtoull (text, &end, 10);
  if (*end != '\0' || age > 150)
    {
      idem_form_show_error (field->age_entry, field->error_label, _("Enter the age in whole years."));
      return;
    }
  /* An age alone gives the first of January of the year of birth, as MOSIP does. */
  date = g_strdup_printf ("%04d/01/01", g_date_time_get_year (now) - (int) age);
  gtk_editable_set_text (GTK_EDITABLE (field->entries[0]), date);
}

static void
combo_selected_cb (AdwComboRow *combo,
                   GParamSpec  *pspec,
                   Field       *field)
{
  RegDemographicsStep *self = field->self;

  if (self->updating)
    return;

  field->touched = TRUE;
  refill_children (self, field);
  show_field_error (field);
}

static GtkWidget *
new_entry_row (const char *title)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);

  return row;
}

/* Text runs in the direction of the language it is typed in, whatever the
 * interface's language. */
static void
set_entry_language (GtkWidget  *entry,
                    const char *code)
{
  const IdemLanguage *language = idem_language_lookup (code);

  if (language != NULL)
    gtk_widget_set_direction (entry, language->right_to_left ? GTK_TEXT_DIR_RTL : GTK_TEXT_DIR_LTR);
}

static const char *
language_name (const char *code)
{
  if (g_str_equal (code, "eng"))
    return _("English");
  if (g_str_equal (code, "fra"))
    return _("French");
  if (g_str_equal (code, "ara"))
    return _("Arabic");

  return code;
}

static void
add_field (RegDemographicsStep *self,
           GtkBox              *page,
           const IdemUiField   *ui,
           guint               *n_locations)
{
  const char *control = idem_ui_field_get_control_type (ui);
  const IdemIdField *id_field = idem_id_schema_lookup_field (self->schema, idem_ui_field_get_id (ui));
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *error_label = gtk_label_new (NULL);
  Field *field;

  if (id_field == NULL || control == NULL)
    return;
  if (!g_str_equal (control, "textbox") && !g_str_equal (control, "dropdown") && !g_str_equal (control, "ageDate"))
    return;

  field = g_new0 (Field, 1);
  field->self = self;
  field->ui = ui;
  field->id = g_strdup (idem_ui_field_get_id (ui));
  field->label = g_strdup (idem_ui_field_has_label (ui, self->languages[0])
                           ? idem_ui_field_get_label (ui, self->languages[0])
                           : idem_ui_field_get_label (ui, "eng"));
  field->group = g_strdup (idem_ui_field_get_group (ui));
  field->is_simple = idem_id_field_get_kind (id_field) == IDEM_ID_FIELD_KIND_SIMPLE;
  field->is_dropdown = g_str_equal (control, "dropdown");
  field->is_date = g_str_equal (control, "ageDate");
  field->is_uin = g_str_equal (field->id, INTRODUCER_UIN);
  field->is_number = field->is_uin || g_str_equal (field->id, INTRODUCER_RID);
  field->required = idem_ui_field_is_required (ui);
  field->choices = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  if (field->is_dropdown && g_strcmp0 (idem_ui_field_get_sub_type (ui), "location") == 0)
    field->location_level = ++*n_locations;

  field->container = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  field->list = list;
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_box_append (GTK_BOX (field->container), list);

  if (field->is_dropdown)
    {
      field->combo = ADW_COMBO_ROW (adw_combo_row_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (field->combo), field->label);
      gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (field->combo));
      g_signal_connect (field->combo, "notify::selected", G_CALLBACK (combo_selected_cb), field);
    }
  else
    {
      guint n_entries = field->is_simple && self->languages[1] != NULL ? 2 : 1;

      for (guint i = 0; i < n_entries; i++)
        {
          g_autofree char *title = n_entries > 1
                                   ? g_strdup_printf ("%s (%s)", field->label, language_name (self->languages[i]))
                                   : g_strdup (field->label);

          field->entries[i] = new_entry_row (title);
          if (field->is_simple)
            set_entry_language (field->entries[i], self->languages[i]);
          gtk_list_box_append (GTK_LIST_BOX (list), field->entries[i]);
          g_signal_connect (field->entries[i], "changed", G_CALLBACK (entry_changed_cb), field);
        }
      if (field->is_date)
        {
          gtk_widget_set_tooltip_text (field->entries[0], _("Year/month/day, like 1990/07/25"));
          field->age_entry = new_entry_row (_("Or age in years"));
          gtk_list_box_append (GTK_LIST_BOX (list), field->age_entry);
          g_signal_connect (field->age_entry, "changed", G_CALLBACK (age_changed_cb), field);
        }
    }

  field->error_label = GTK_LABEL (error_label);
  gtk_label_set_xalign (field->error_label, 0);
  gtk_label_set_wrap (field->error_label, TRUE);
  gtk_widget_add_css_class (error_label, "error");
  gtk_widget_set_visible (error_label, FALSE);
  gtk_box_append (GTK_BOX (field->container), error_label);

  gtk_box_append (page, field->container);
  g_ptr_array_add (self->fields, field);
}

static void
entry_row_set_title (Field *field,
                     guint  language)
{
  g_autofree char *title = field->self->languages[1] != NULL
                           ? g_strdup_printf ("%s (%s)", field->label, language_name (field->self->languages[language]))
                           : g_strdup (field->label);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (field->entries[language]), title);
}

/* The second language's rows follow the operator's choice; what was typed
 * in the language given up goes with its rows. */
static void
rebuild_second_rows (RegDemographicsStep *self)
{
  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);

      if (!field->is_simple || field->is_dropdown || field->is_date || field->entries[0] == NULL)
        continue;

      if (field->entries[1] != NULL)
        {
          gtk_list_box_remove (GTK_LIST_BOX (field->list), field->entries[1]);
          field->entries[1] = NULL;
        }
      if (self->languages[1] != NULL)
        {
          field->entries[1] = new_entry_row (NULL);
          set_entry_language (field->entries[1], self->languages[1]);
          gtk_list_box_insert (GTK_LIST_BOX (field->list), field->entries[1], 1);
          g_signal_connect (field->entries[1], "changed", G_CALLBACK (entry_changed_cb), field);
          entry_row_set_title (field, 1);
        }
      entry_row_set_title (field, 0);
      if (field->touched)
        show_field_error (field);
    }
}

static void
language_selected_cb (AdwComboRow         *combo,
                      GParamSpec          *pspec,
                      RegDemographicsStep *self)
{
  guint selected = adw_combo_row_get_selected (combo);

  if (self->updating)
    return;

  reg_demographics_step_set_secondary_language (self,
                                                selected == 0 || selected > self->language_codes->len
                                                ? NULL : g_ptr_array_index (self->language_codes, selected - 1));
}

static GtkWidget *
build_language_chooser (RegDemographicsStep *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  const IdemLanguage *languages;
  GtkWidget *list = gtk_list_box_new ();
  guint n_languages;

  gtk_string_list_append (names, C_("second language", "None"));
  languages = idem_language_get_all (&n_languages);
  for (guint i = 0; i < n_languages; i++)
    if (!g_str_equal (languages[i].iso639_3, self->languages[0]))
      {
        g_ptr_array_add (self->language_codes, g_strdup (languages[i].iso639_3));
        gtk_string_list_append (names, language_name (languages[i].iso639_3));
      }

  self->language_combo = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->language_combo), _("_Second language"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->language_combo), TRUE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->language_combo),
                               _("Names and addresses can also be written in this language"));
  adw_combo_row_set_model (self->language_combo, G_LIST_MODEL (names));
  g_signal_connect (self->language_combo, "notify::selected", G_CALLBACK (language_selected_cb), self);

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (self->language_combo));

  return list;
}

static void
sync_language_combo (RegDemographicsStep *self)
{
  guint selected = 0;

  for (guint i = 0; i < self->language_codes->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->language_codes, i), self->languages[1]) == 0)
      selected = i + 1;

  self->updating = TRUE;
  adw_combo_row_set_selected (self->language_combo, selected);
  self->updating = FALSE;
}

static void
reg_demographics_step_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  RegDemographicsStep *self = REG_DEMOGRAPHICS_STEP (object);

  switch (prop_id)
    {
    case PROP_SECONDARY_LANGUAGE:
      g_value_set_string (value, self->languages[1]);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
reg_demographics_step_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  RegDemographicsStep *self = REG_DEMOGRAPHICS_STEP (object);

  switch (prop_id)
    {
    case PROP_SECONDARY_LANGUAGE:
      reg_demographics_step_set_secondary_language (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
reg_demographics_step_finalize (GObject *object)
{
  RegDemographicsStep *self = REG_DEMOGRAPHICS_STEP (object);

  g_clear_object (&self->schema);
  g_clear_object (&self->ui_spec);
  for (guint i = 0; i < N_LANGUAGES; i++)
    g_free (self->languages[i]);
  g_ptr_array_unref (self->fields);
  g_ptr_array_unref (self->blocklist);
  g_hash_table_unref (self->selected_groups);
  g_ptr_array_unref (self->language_codes);
  g_hash_table_unref (self->group_checks);

  G_OBJECT_CLASS (reg_demographics_step_parent_class)->finalize (object);
}

static void
reg_demographics_step_class_init (RegDemographicsStepClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = reg_demographics_step_finalize;
  object_class->get_property = reg_demographics_step_get_property;
  object_class->set_property = reg_demographics_step_set_property;

  /**
   * RegDemographicsStep:secondary-language:
   *
   * The three-letter code of the optional second language names and
   * addresses are typed in, or %NULL.
   */
  properties[PROP_SECONDARY_LANGUAGE] =
    g_param_spec_string ("secondary-language", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
reg_demographics_step_init (RegDemographicsStep *self)
{
  self->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) field_free);
  self->blocklist = g_ptr_array_new_with_free_func (g_free);
  self->selected_groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->language_codes = g_ptr_array_new_with_free_func (g_free);
  self->group_checks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * reg_demographics_step_new:
 * @schema: the ID schema
 * @ui_spec: the UI spec whose text, dropdown and date fields make the form
 * @primary_language: a three-letter code, like `eng`
 * @secondary_language: (nullable): a second language to enter names and
 *   addresses in
 * @master_data: (nullable): gives the rows of a master-data type
 * @user_data: data for @master_data
 *
 * Returns: (transfer floating): the form
 */
GtkWidget *
reg_demographics_step_new (IdemIdSchema      *schema,
                           IdemUiSpec        *ui_spec,
                           const char        *primary_language,
                           const char        *secondary_language,
                           RegMasterDataFunc  master_data,
                           gpointer           user_data)
{
  RegDemographicsStep *self;
  GtkWidget *scrolled;
  GtkWidget *clamp;
  GtkWidget *page;
  g_autoptr(JsonArray) words = NULL;
  guint n_locations = 0;

  g_return_val_if_fail (IDEM_IS_ID_SCHEMA (schema), NULL);
  g_return_val_if_fail (IDEM_IS_UI_SPEC (ui_spec), NULL);
  g_return_val_if_fail (primary_language != NULL, NULL);

  self = g_object_new (REG_TYPE_DEMOGRAPHICS_STEP, NULL);
  self->schema = g_object_ref (schema);
  self->ui_spec = g_object_ref (ui_spec);
  self->languages[0] = g_strdup (primary_language);
  if (g_strcmp0 (secondary_language, primary_language) != 0)
    self->languages[1] = g_strdup (secondary_language);
  self->master_data = master_data;
  self->master_data_user_data = user_data;

  if (master_data != NULL)
    words = master_data ("blocklistedWord", user_data);
  for (guint i = 0; words != NULL && i < json_array_get_length (words); i++)
    {
      JsonNode *node = json_array_get_element (words, i);
      const char *word = JSON_NODE_HOLDS_OBJECT (node) ? row_string (json_node_get_object (node), "code") : NULL;

      if (word != NULL)
        g_ptr_array_add (self->blocklist, g_utf8_casefold (word, -1));
    }

  page = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  self->page = GTK_BOX (page);
  gtk_widget_set_margin_top (page, 18);
  gtk_widget_set_margin_bottom (page, 18);
  gtk_widget_set_margin_start (page, 12);
  gtk_widget_set_margin_end (page, 12);
  for (guint s = 0; s < idem_ui_spec_get_n_screens (ui_spec); s++)
    {
      const IdemUiScreen *screen = idem_ui_spec_get_screen (ui_spec, s);

      for (guint f = 0; f < idem_ui_screen_get_n_fields (screen); f++)
        add_field (self, GTK_BOX (page), idem_ui_screen_get_field (screen, f), &n_locations);
    }

  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);

      if (field->is_dropdown)
        fill_choices (self, field);
    }
  gtk_box_prepend (GTK_BOX (page), build_language_chooser (self));
  sync_language_combo (self);
  update_visibility (self);

  clamp = adw_clamp_new ();
  adw_clamp_set_child (ADW_CLAMP (clamp), page);
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_widget_set_vexpand (scrolled, TRUE);
  adw_bin_set_child (ADW_BIN (self), scrolled);

  return GTK_WIDGET (self);
}

/**
 * reg_demographics_step_set_value:
 * @self: the form
 * @field: a field id
 * @language: (nullable): for a text field of simple type, the language of
 *   @value; %NULL for the primary one
 * @value: the text as typed, or for a dropdown the chosen row's code
 *
 * Fills a field as the operator would.
 *
 * Returns: %FALSE when the form has no such field, language or choice
 */
gboolean
reg_demographics_step_set_value (RegDemographicsStep *self,
                                 const char          *field_id,
                                 const char          *language,
                                 const char          *value)
{
  Field *field;

  g_return_val_if_fail (REG_IS_DEMOGRAPHICS_STEP (self), FALSE);
  g_return_val_if_fail (field_id != NULL && value != NULL, FALSE);

  field = find_field (self, field_id);
  if (field == NULL)
    return FALSE;

  if (field->is_dropdown)
    {
      for (guint i = 0; i < field->choices->len; i++)
        if (g_strcmp0 (row_string (g_ptr_array_index (field->choices, i), "code"), value) == 0)
          {
            adw_combo_row_set_selected (field->combo, i + 1);
            return TRUE;
          }
      return FALSE;
    }

  for (guint i = 0; i < N_LANGUAGES; i++)
    if (field->entries[i] != NULL && (language == NULL ? i == 0 : g_strcmp0 (language, self->languages[i]) == 0))
      {
        gtk_editable_set_text (GTK_EDITABLE (field->entries[i]), value);
        return TRUE;
      }

  return FALSE;
}

/**
 * reg_demographics_step_get_error:
 * @self: the form
 * @field: a field id
 *
 * Returns: (nullable): the error shown under @field, or %NULL
 */
const char *
reg_demographics_step_get_error (RegDemographicsStep *self,
                                 const char          *field_id)
{
  Field *field;

  g_return_val_if_fail (REG_IS_DEMOGRAPHICS_STEP (self), NULL);
  g_return_val_if_fail (field_id != NULL, NULL);

  field = find_field (self, field_id);

  return field != NULL ? field->error : NULL;
}

/**
 * reg_demographics_step_validate:
 * @self: the form
 *
 * Checks every shown field, shows each error under its field and moves the
 * focus to the first.
 *
 * Returns: %TRUE when the form can be saved
 */
gboolean
reg_demographics_step_validate (RegDemographicsStep *self)
{
  Field *first_invalid = NULL;

  g_return_val_if_fail (REG_IS_DEMOGRAPHICS_STEP (self), FALSE);

  update_visibility (self);
  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);

      show_field_error (field);
      if (field->error != NULL && first_invalid == NULL)
        first_invalid = field;
    }

  /* An update changes something, or it has no reason to exist. */
  if (self->update_mode && g_hash_table_size (self->selected_groups) == 0)
    {
      gtk_label_set_text (self->groups_error, _("Choose the information to change."));
      gtk_widget_set_visible (GTK_WIDGET (self->groups_error), TRUE);
      return FALSE;
    }

  if (first_invalid != NULL)
    gtk_widget_grab_focus (field_main_widget (first_invalid));

  return first_invalid == NULL;
}

/**
 * reg_demographics_step_get_age:
 * @self: the form
 *
 * Returns: the resident's age in years from the date of birth, or -1
 */
int
reg_demographics_step_get_age (RegDemographicsStep *self)
{
  g_return_val_if_fail (REG_IS_DEMOGRAPHICS_STEP (self), -1);

  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);

      if (field->is_date)
        {
          g_autofree char *text = field_text (field, 0);

          return age_of (text);
        }
    }

  return -1;
}

/**
 * reg_demographics_step_collect:
 * @self: a validated form
 * @builder: the packet to fill
 *
 * Hands the shown, filled fields to @builder: texts per language, a
 * dropdown's choice as its name in each language, other fields as strings.
 */
void
reg_demographics_step_collect (RegDemographicsStep *self,
                               RegPacketBuilder    *builder)
{
  g_return_if_fail (REG_IS_DEMOGRAPHICS_STEP (self));
  g_return_if_fail (REG_IS_PACKET_BUILDER (builder));

  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);

      if (!field_is_visible (field) || field_is_empty (field))
        continue;

      if (field->is_dropdown)
        {
          JsonObject *row = selected_row (field);

          for (guint l = 0; l < N_LANGUAGES; l++)
            if (self->languages[l] != NULL)
              {
                if (field->is_simple)
                  reg_packet_builder_set_text (builder, field->id, self->languages[l], row_name (row, self->languages[l]));
                else if (l == 0)
                  reg_packet_builder_set_string (builder, field->id, row_string (row, "code"));
              }
          continue;
        }

      for (guint l = 0; l < N_LANGUAGES; l++)
        {
          g_autofree char *text = field_value (field, l);

          if (text == NULL || *text == '\0')
            continue;
          if (field->is_simple)
            reg_packet_builder_set_text (builder, field->id, self->languages[l], text);
          else
            reg_packet_builder_set_string (builder, field->id, text);
        }
    }
}

/**
 * reg_demographics_step_get_summary:
 * @self: the form
 *
 * Returns: (transfer full) (element-type utf8): label, value, label, value…
 *   of the filled fields, for the preview and the receipt
 */
GPtrArray *
reg_demographics_step_get_summary (RegDemographicsStep *self)
{
  GPtrArray *summary = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (REG_IS_DEMOGRAPHICS_STEP (self), summary);

  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);
      g_autofree char *text = NULL;

      if (!field_is_visible (field) || field_is_empty (field))
        continue;

      if (field->is_dropdown)
        text = g_strdup (row_name (selected_row (field), self->languages[0]));
      else
        {
          g_autofree char *primary = field_value (field, 0);
          g_autofree char *secondary = field_text (field, 1);

          text = secondary != NULL && *secondary != '\0' ? g_strdup_printf ("%s / %s", primary, secondary)
                                                          : g_steal_pointer (&primary);
        }
      g_ptr_array_add (summary, g_strdup (field->label));
      g_ptr_array_add (summary, g_steal_pointer (&text));
    }

  return summary;
}

/* The UI spec names groups for machines; operators read these. */
static const char *
group_title (const char *group)
{
  static const struct
  {
    const char *group;
    const char *title;
  } titles[] = {
    { "FullName", N_("Name") },
    { "DateOfBirth", N_("Date of birth") },
    { "Gender", N_("Gender") },
    { "ResidenceStatus", N_("Residence status") },
    { "Address", N_("Address") },
    { "Contact", N_("Phone and email") },
    { "ReferenceIdentity", N_("Reference identity number") },
    { "Introducer", N_("Introducer") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    if (g_str_equal (titles[i].group, group))
      return _(titles[i].title);

  return group;
}

static void
group_toggled_cb (GtkCheckButton *check,
                  gpointer        user_data)
{
  RegDemographicsStep *self = user_data;
  const char *group = g_object_get_data (G_OBJECT (check), "group");

  reg_demographics_step_set_group_selected (self, group, gtk_check_button_get_active (check));
}

/**
 * reg_demographics_step_set_update_mode:
 * @self: a form just made
 *
 * Turns the form into an update of an existing identity: the operator
 * enters the resident's UIN and chooses which groups of fields change;
 * only those are shown, checked and stored.
 */
void
reg_demographics_step_set_update_mode (RegDemographicsStep *self)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  const IdemIdField *uin_field;
  GtkWidget *groups_list;
  GtkWidget *uin_list;
  GtkWidget *heading;
  Field *field;

  g_return_if_fail (REG_IS_DEMOGRAPHICS_STEP (self));
  g_return_if_fail (!self->update_mode);

  self->update_mode = TRUE;

  heading = gtk_label_new (_("Information to change"));
  gtk_widget_add_css_class (heading, "heading");
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  groups_list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (groups_list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (groups_list, "boxed-list");
  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *other = g_ptr_array_index (self->fields, i);
      GtkWidget *row;
      GtkWidget *check;

      if (other->group == NULL || g_hash_table_contains (seen, other->group))
        continue;
      g_hash_table_add (seen, other->group);
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), group_title (other->group));
      check = gtk_check_button_new ();
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      group_title (other->group), -1);
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      g_object_set_data_full (G_OBJECT (check), "group", g_strdup (other->group), g_free);
      g_signal_connect (check, "toggled", G_CALLBACK (group_toggled_cb), self);
      g_hash_table_insert (self->group_checks, g_strdup (other->group), check);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      gtk_list_box_append (GTK_LIST_BOX (groups_list), row);
    }

  uin_field = idem_id_schema_lookup_field (self->schema, "UIN");
  field = g_new0 (Field, 1);
  field->self = self;
  field->id = g_strdup ("UIN");
  field->label = g_strdup (_("UIN"));
  field->is_uin = TRUE;
  field->is_number = TRUE;
  field->is_simple = uin_field != NULL && idem_id_field_get_kind (uin_field) == IDEM_ID_FIELD_KIND_SIMPLE;
  field->required = TRUE;
  field->choices = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  field->container = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  uin_list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (uin_list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (uin_list, "boxed-list");
  field->list = uin_list;
  field->entries[0] = new_entry_row (_("The resident’s _UIN"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (field->entries[0]), TRUE);
  gtk_editable_set_max_width_chars (GTK_EDITABLE (field->entries[0]), 16);
  gtk_list_box_append (GTK_LIST_BOX (uin_list), field->entries[0]);
  g_signal_connect (field->entries[0], "changed", G_CALLBACK (entry_changed_cb), field);
  field->error_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (field->error_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (field->error_label), "error");
  gtk_widget_set_visible (GTK_WIDGET (field->error_label), FALSE);
  gtk_box_append (GTK_BOX (field->container), uin_list);
  gtk_box_append (GTK_BOX (field->container), GTK_WIDGET (field->error_label));
  g_ptr_array_insert (self->fields, 0, field);

  self->groups_error = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->groups_error, 0);
  gtk_label_set_wrap (self->groups_error, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->groups_error), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->groups_error), FALSE);

  gtk_box_prepend (self->page, GTK_WIDGET (self->groups_error));
  gtk_box_prepend (self->page, groups_list);
  gtk_box_prepend (self->page, heading);
  gtk_box_prepend (self->page, field->container);

  update_visibility (self);
}

/**
 * reg_demographics_step_set_group_selected:
 * @self: a form in update mode
 * @group: a UI spec group, like `Address`
 * @selected: whether the group's fields change
 */
void
reg_demographics_step_set_group_selected (RegDemographicsStep *self,
                                          const char          *group,
                                          gboolean             selected)
{
  g_return_if_fail (REG_IS_DEMOGRAPHICS_STEP (self));
  g_return_if_fail (group != NULL);

  if (selected)
    g_hash_table_add (self->selected_groups, g_strdup (group));
  else
    g_hash_table_remove (self->selected_groups, group);
  if (self->groups_error != NULL && selected)
    gtk_widget_set_visible (GTK_WIDGET (self->groups_error), FALSE);
  if (g_hash_table_contains (self->group_checks, group))
    gtk_check_button_set_active (g_hash_table_lookup (self->group_checks, group), selected);
  update_visibility (self);
}

/**
 * reg_demographics_step_get_field_visible:
 * @self: the form
 * @field: a field id
 *
 * Returns: whether @field is shown (and so checked and stored)
 */
gboolean
reg_demographics_step_get_field_visible (RegDemographicsStep *self,
                                         const char          *field_id)
{
  Field *field;

  g_return_val_if_fail (REG_IS_DEMOGRAPHICS_STEP (self), FALSE);
  g_return_val_if_fail (field_id != NULL, FALSE);

  field = find_field (self, field_id);

  return field != NULL && field_is_visible (field);
}

/**
 * reg_demographics_step_set_secondary_language:
 * @self: the form
 * @language: (nullable): a three-letter code, like `ara`, or %NULL (or the
 *   primary language, or "") for none
 *
 * Chooses the second language names and addresses are typed in, as the
 * operator does with the form's language dropdown.
 */
void
reg_demographics_step_set_secondary_language (RegDemographicsStep *self,
                                              const char          *language)
{
  g_return_if_fail (REG_IS_DEMOGRAPHICS_STEP (self));

  if (language != NULL && (*language == '\0' || g_str_equal (language, self->languages[0])))
    language = NULL;
  if (g_strcmp0 (language, self->languages[1]) == 0)
    return;

  g_free (self->languages[1]);
  self->languages[1] = g_strdup (language);
  rebuild_second_rows (self);
  sync_language_combo (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECONDARY_LANGUAGE]);
}

/**
 * reg_demographics_step_get_secondary_language:
 * @self: the form
 *
 * Returns: (nullable): the second language's three-letter code, or %NULL
 */
const char *
reg_demographics_step_get_secondary_language (RegDemographicsStep *self)
{
  g_return_val_if_fail (REG_IS_DEMOGRAPHICS_STEP (self), NULL);

  return self->languages[1];
}

/**
 * reg_demographics_step_set_optional:
 * @self: a form just made
 *
 * Makes every field optional, for a lost-UIN search: what the resident
 * remembers helps whoever reviews the search, but the biometrics find the
 * UIN.  What is typed is still checked.
 */
void
reg_demographics_step_set_optional (RegDemographicsStep *self)
{
  g_return_if_fail (REG_IS_DEMOGRAPHICS_STEP (self));

  self->optional = TRUE;
  for (guint i = 0; i < self->fields->len; i++)
    ((Field *) g_ptr_array_index (self->fields, i))->required = FALSE;
}
