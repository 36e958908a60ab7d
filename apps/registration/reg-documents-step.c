/* reg-documents-step.c — the resident's supporting documents
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * One row per document field of the UI spec (proof of identity, address…):
 * the document type, chosen among the master data's active `documentType`
 * rows of that category, and a file picked with the desktop's file chooser.
 * Only the types the `applicantValidDocument` rows accept for the
 * resident's age group are offered, as the server refuses the others; when
 * none is, the field says so and sends nothing, never the category code
 * in place of a type.  The age groups are the server's: an infant is
 * under 5, a minor under 18.  Files
 * are read asynchronously and recognised by their first bytes, not their
 * name: PDF, JPEG or PNG, at most REG_DOCUMENT_MAX_SIZE.  Images are
 * previewed; a PDF shows its name and size (poppler-glib, which could draw
 * its first page, is not a dependency).
 */

#define G_LOG_DOMAIN "reg-documents-step"

#include "config.h"

#include "reg-documents-step.h"

#include <glib/gi18n.h>

#define INFANT_AGE 5
#define MINOR_AGE  18

typedef struct
{
  RegDocumentsStep *self;
  char             *id;
  char             *label;
  char             *category;
  gboolean          required;
  AdwComboRow      *type_row;
  GtkStringList    *type_names;
  GPtrArray        *type_codes;
  GPtrArray        *category_codes;
  GPtrArray        *category_names;
  GtkLabel         *notice_label;
  GtkWidget        *choose_button;
  AdwActionRow     *file_row;
  GtkPicture       *preview;
  GtkLabel         *error_label;
  char             *error;
  GBytes           *bytes;
  char             *format;
  char             *file_name;
} Document;

struct _RegDocumentsStep
{
  AdwBin        parent_instance;

  GPtrArray    *documents;
  JsonArray    *valid_documents;
  char         *age_group;
  GCancellable *cancellable;
  guint         n_loading;
};

G_DEFINE_FINAL_TYPE (RegDocumentsStep, reg_documents_step, ADW_TYPE_BIN)

static void
document_free (Document *document)
{
  g_free (document->id);
  g_free (document->label);
  g_free (document->category);
  g_ptr_array_unref (document->type_codes);
  g_ptr_array_unref (document->category_codes);
  g_ptr_array_unref (document->category_names);
  g_free (document->error);
  g_clear_pointer (&document->bytes, g_bytes_unref);
  g_free (document->format);
  g_free (document->file_name);
  g_free (document);
}

static Document *
find_document (RegDocumentsStep *self,
               const char       *id)
{
  for (guint i = 0; i < self->documents->len; i++)
    {
      Document *document = g_ptr_array_index (self->documents, i);

      if (g_str_equal (document->id, id))
        return document;
    }

  return NULL;
}

static void
set_error (Document   *document,
           const char *message)
{
  g_free (document->error);
  document->error = g_strdup (message);
  if (message != NULL)
    idem_form_show_error (GTK_WIDGET (document->file_row), document->error_label, message);
  else
    idem_form_clear_error (GTK_WIDGET (document->file_row), document->error_label);
}

/* The file's format from its first bytes, or NULL. */
static const char *
sniff_format (GBytes *bytes)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  if (size >= 5 && memcmp (data, "%PDF-", 5) == 0)
    return "pdf";
  if (size >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
    return "jpg";
  if (size >= 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0)
    return "png";

  return NULL;
}

typedef struct
{
  Document *document;
  GFile    *file;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_object_unref (data->file);
  g_free (data);
}

static void
file_loaded_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  LoadData *data = user_data;
  Document *document = data->document;
  RegDocumentsStep *self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *name = g_file_get_basename (data->file);
  g_autofree char *size_text = NULL;
  g_autofree char *subtitle = NULL;
  const char *format;
  gsize length = 0;

  if (!g_file_load_contents_finish (G_FILE (source), result, &contents, &length, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = g_strdup_printf (_("“%s” could not be read: %s"), name, error->message);

          document->self->n_loading--;
          set_error (document, message);
        }
      load_data_free (data);
      return;
    }

  self = document->self;
  self->n_loading--;
  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  format = sniff_format (bytes);
  if (length > REG_DOCUMENT_MAX_SIZE)
    {
      g_autofree char *limit = g_format_size (REG_DOCUMENT_MAX_SIZE);
      g_autofree char *message = g_strdup_printf (_("“%s” is larger than %s. Scan it at a lower resolution."), name, limit);

      set_error (document, message);
      load_data_free (data);
      return;
    }
  if (length == 0 || format == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not a PDF, JPEG or PNG file."), name);

      set_error (document, message);
      load_data_free (data);
      return;
    }

  g_clear_pointer (&document->bytes, g_bytes_unref);
  document->bytes = g_steal_pointer (&bytes);
  g_free (document->format);
  document->format = g_strdup (format);
  g_free (document->file_name);
  document->file_name = g_steal_pointer (&name);
  set_error (document, NULL);

  size_text = g_format_size (length);
  subtitle = g_strdup_printf ("%s (%s)", document->file_name, size_text);
  adw_action_row_set_subtitle (document->file_row, subtitle);

  if (g_str_equal (format, "pdf"))
    {
      gtk_picture_set_paintable (document->preview, NULL);
      gtk_widget_set_visible (GTK_WIDGET (document->preview), FALSE);
      adw_action_row_set_icon_name (document->file_row, "x-office-document-symbolic");
    }
  else
    {
      g_autoptr(GdkTexture) texture = gdk_texture_new_from_bytes (document->bytes, NULL);

      gtk_picture_set_paintable (document->preview, GDK_PAINTABLE (texture));
      gtk_widget_set_visible (GTK_WIDGET (document->preview), texture != NULL);
      adw_action_row_set_icon_name (document->file_row, "image-x-generic-symbolic");
    }

  load_data_free (data);
}

static void
chooser_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     Document        *document)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      reg_documents_step_load_file (document->self, document->id, file);
    }

  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
choose_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  RegDocumentsStep *self = REG_DOCUMENTS_STEP (widget);
  Document *document = find_document (self, g_variant_get_string (parameter, NULL));
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *chooser;

  if (document == NULL)
    return;

  chooser = gtk_file_chooser_native_new (document->label, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Documents and images"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), document);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static const char *
row_text (JsonObject *row,
          const char *member)
{
  JsonNode *node = json_object_get_member (row, member);

  if (node == NULL && json_object_has_member (row, "attributes") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (row, "attributes")))
    node = json_object_get_member (json_object_get_object_member (row, "attributes"), member);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static gboolean
row_is_active (JsonObject *row)
{
  JsonNode *node = json_object_get_member (row, "active");

  return node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN ||
         json_node_get_boolean (node);
}

/* Whether an active applicantValidDocument row accepts @type of @category
 * for the resident's age group, or for any group when the age is unknown
 * (an update that leaves the date of birth alone: the server knows it). */
static gboolean
type_is_valid (RegDocumentsStep *self,
               const char       *category,
               const char       *type)
{
  for (guint i = 0; self->valid_documents != NULL && i < json_array_get_length (self->valid_documents); i++)
    {
      JsonNode *node = json_array_get_element (self->valid_documents, i);
      JsonObject *row;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      row = json_node_get_object (node);
      if (row_is_active (row) &&
          g_strcmp0 (row_text (row, "documentCategory"), category) == 0 &&
          g_strcmp0 (row_text (row, "documentType"), type) == 0 &&
          (self->age_group == NULL || g_strcmp0 (row_text (row, "applicantType"), self->age_group) == 0))
        return TRUE;
    }

  return FALSE;
}

static const char *
no_type_notice (RegDocumentsStep *self)
{
  if (g_strcmp0 (self->age_group, "INFANT") == 0)
    return _("No document of this kind is accepted for a child under 5.");
  if (g_strcmp0 (self->age_group, "MINOR") == 0)
    return _("No document of this kind is accepted for a resident under 18.");
  if (g_strcmp0 (self->age_group, "ADULT") == 0)
    return _("No document of this kind is accepted for an adult.");

  return _("No document of this kind is accepted. Synchronise the workstation, or ask an administrator to set up the document types.");
}

/* Offers the valid types of the document's category, keeping the chosen
 * one when it is still valid. */
static void
refresh_types (Document *document)
{
  RegDocumentsStep *self = document->self;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autofree char *chosen = NULL;
  guint selected = adw_combo_row_get_selected (document->type_row);
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (document->type_names));
  gboolean none;

  if (selected < document->type_codes->len)
    chosen = g_strdup (g_ptr_array_index (document->type_codes, selected));

  g_ptr_array_set_size (document->type_codes, 0);
  for (guint i = 0; i < document->category_codes->len; i++)
    {
      const char *code = g_ptr_array_index (document->category_codes, i);

      if (!type_is_valid (self, document->category, code))
        continue;
      g_ptr_array_add (document->type_codes, g_strdup (code));
      g_ptr_array_add (names, g_ptr_array_index (document->category_names, i));
    }
  g_ptr_array_add (names, NULL);
  gtk_string_list_splice (document->type_names, 0, n_items, (const char * const *) names->pdata);

  for (guint i = 0; chosen != NULL && i < document->type_codes->len; i++)
    if (g_str_equal (g_ptr_array_index (document->type_codes, i), chosen))
      adw_combo_row_set_selected (document->type_row, i);

  none = document->type_codes->len == 0;
  gtk_label_set_text (document->notice_label, none ? no_type_notice (self) : "");
  gtk_widget_set_visible (GTK_WIDGET (document->notice_label), none);
  gtk_widget_set_sensitive (GTK_WIDGET (document->type_row), !none);
  gtk_widget_set_sensitive (document->choose_button, !none);
  if (none)
    {
      gtk_accessible_update_relation (GTK_ACCESSIBLE (document->type_row),
                                      GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, document->notice_label, NULL,
                                      -1);
      gtk_accessible_update_relation (GTK_ACCESSIBLE (document->choose_button),
                                      GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, document->notice_label, NULL,
                                      -1);
    }
  else
    {
      gtk_accessible_reset_relation (GTK_ACCESSIBLE (document->type_row), GTK_ACCESSIBLE_RELATION_DESCRIBED_BY);
      gtk_accessible_reset_relation (GTK_ACCESSIBLE (document->choose_button), GTK_ACCESSIBLE_RELATION_DESCRIBED_BY);
    }
}

static void
add_document (RegDocumentsStep  *self,
              GtkBox            *page,
              const IdemUiField *field,
              const char        *language,
              RegMasterDataFunc  master_data,
              gpointer           user_data)
{
  g_autoptr(JsonArray) rows = NULL;
  GtkWidget *list = gtk_list_box_new ();
  Document *document = g_new0 (Document, 1);

  document->self = self;
  document->id = g_strdup (idem_ui_field_get_id (field));
  document->label = g_strdup (idem_ui_field_has_label (field, language) ? idem_ui_field_get_label (field, language)
                                                                        : idem_ui_field_get_label (field, "eng"));
  document->category = g_strdup (idem_ui_field_get_sub_type (field) != NULL ? idem_ui_field_get_sub_type (field)
                                                                              : document->id);
  document->required = idem_ui_field_is_required (field);
  document->type_codes = g_ptr_array_new_with_free_func (g_free);
  document->category_codes = g_ptr_array_new_with_free_func (g_free);
  document->category_names = g_ptr_array_new_with_free_func (g_free);

  /* The active document types of this category; refresh_types() keeps
   * those valid for the resident. */
  if (master_data != NULL)
    rows = master_data ("documentType", user_data);
  for (guint i = 0; rows != NULL && i < json_array_get_length (rows); i++)
    {
      JsonNode *node = json_array_get_element (rows, i);
      JsonObject *row;
      const char *code;
      const char *name;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      row = json_node_get_object (node);
      code = row_text (row, "code");
      if (code == NULL || !row_is_active (row) || g_strcmp0 (row_text (row, "category"), document->category) != 0)
        continue;
      name = NULL;
      if (json_object_has_member (row, "names") && JSON_NODE_HOLDS_OBJECT (json_object_get_member (row, "names")))
        {
          JsonObject *names = json_object_get_object_member (row, "names");
          JsonNode *name_node = json_object_get_member (names, language);

          if (name_node != NULL && JSON_NODE_HOLDS_VALUE (name_node) && json_node_get_value_type (name_node) == G_TYPE_STRING)
            name = json_node_get_string (name_node);
        }
      g_ptr_array_add (document->category_codes, g_strdup (code));
      g_ptr_array_add (document->category_names, g_strdup (name != NULL ? name : code));
    }

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  document->type_names = gtk_string_list_new (NULL);
  document->type_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (document->type_row), document->label);
  adw_combo_row_set_model (document->type_row, G_LIST_MODEL (document->type_names));
  g_object_unref (document->type_names);
  document->file_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (document->file_row), _("File"));
  adw_action_row_set_subtitle (document->file_row, document->required ? _("Required") : _("Optional"));
  document->choose_button = gtk_button_new_with_mnemonic (_("C_hoose File…"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (document->choose_button), "documents.choose");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (document->choose_button), "s", document->id);
  gtk_widget_set_valign (document->choose_button, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (document->file_row, document->choose_button);
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (document->type_row));
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (document->file_row));

  document->notice_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (document->notice_label), "dim-label");
  gtk_label_set_xalign (document->notice_label, 0);
  gtk_label_set_wrap (document->notice_label, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (document->notice_label), FALSE);

  document->preview = GTK_PICTURE (gtk_picture_new ());
  gtk_widget_set_size_request (GTK_WIDGET (document->preview), -1, 120);
  gtk_widget_set_visible (GTK_WIDGET (document->preview), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (document->preview), GTK_ACCESSIBLE_PROPERTY_LABEL, document->label, -1);
  document->error_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (document->error_label), "error");
  gtk_label_set_xalign (document->error_label, 0);
  gtk_label_set_wrap (document->error_label, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (document->error_label), FALSE);

  gtk_box_append (page, list);
  gtk_box_append (page, GTK_WIDGET (document->notice_label));
  gtk_box_append (page, GTK_WIDGET (document->preview));
  gtk_box_append (page, GTK_WIDGET (document->error_label));
  g_ptr_array_add (self->documents, document);
  refresh_types (document);
}

static void
reg_documents_step_dispose (GObject *object)
{
  RegDocumentsStep *self = REG_DOCUMENTS_STEP (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (reg_documents_step_parent_class)->dispose (object);
}

static void
reg_documents_step_finalize (GObject *object)
{
  RegDocumentsStep *self = REG_DOCUMENTS_STEP (object);

  g_ptr_array_unref (self->documents);
  g_clear_pointer (&self->valid_documents, json_array_unref);
  g_free (self->age_group);

  G_OBJECT_CLASS (reg_documents_step_parent_class)->finalize (object);
}

static void
reg_documents_step_class_init (RegDocumentsStepClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = reg_documents_step_dispose;
  object_class->finalize = reg_documents_step_finalize;

  gtk_widget_class_install_action (widget_class, "documents.choose", "s", choose_action);
}

static void
reg_documents_step_init (RegDocumentsStep *self)
{
  self->documents = g_ptr_array_new_with_free_func ((GDestroyNotify) document_free);
  self->cancellable = g_cancellable_new ();
}

/**
 * reg_documents_step_new:
 * @ui_spec: the UI spec; its `fileupload` fields are the documents
 * @language: three-letter code of the labels' language
 * @master_data: (nullable): gives the `documentType` and
 *   `applicantValidDocument` rows
 * @user_data: data for @master_data
 *
 * Returns: (transfer floating): the documents step
 */
GtkWidget *
reg_documents_step_new (IdemUiSpec        *ui_spec,
                        const char        *language,
                        RegMasterDataFunc  master_data,
                        gpointer           user_data)
{
  RegDocumentsStep *self;
  GtkWidget *page;
  GtkWidget *clamp;
  GtkWidget *scrolled;

  g_return_val_if_fail (IDEM_IS_UI_SPEC (ui_spec), NULL);
  g_return_val_if_fail (language != NULL, NULL);

  self = g_object_new (REG_TYPE_DOCUMENTS_STEP, NULL);
  page = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_top (page, 18);
  gtk_widget_set_margin_bottom (page, 18);
  gtk_widget_set_margin_start (page, 12);
  gtk_widget_set_margin_end (page, 12);

  if (master_data != NULL)
    self->valid_documents = master_data ("applicantValidDocument", user_data);

  for (guint s = 0; s < idem_ui_spec_get_n_screens (ui_spec); s++)
    {
      const IdemUiScreen *screen = idem_ui_spec_get_screen (ui_spec, s);

      for (guint f = 0; f < idem_ui_screen_get_n_fields (screen); f++)
        {
          const IdemUiField *field = idem_ui_screen_get_field (screen, f);

          if (g_strcmp0 (idem_ui_field_get_control_type (field), "fileupload") == 0)
            add_document (self, GTK_BOX (page), field, language, master_data, user_data);
        }
    }

  clamp = adw_clamp_new ();
  adw_clamp_set_child (ADW_CLAMP (clamp), page);
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_widget_set_vexpand (scrolled, TRUE);
  adw_bin_set_child (ADW_BIN (self), scrolled);

  return GTK_WIDGET (self);
}

guint
reg_documents_step_get_n_fields (RegDocumentsStep *self)
{
  g_return_val_if_fail (REG_IS_DOCUMENTS_STEP (self), 0);

  return self->documents->len;
}

/**
 * reg_documents_step_set_age:
 * @self: the documents step
 * @age: the resident's age in years, or -1 when it is not known
 *
 * Offers for each document the types valid for the age group of @age (all
 * the types valid for some group when @age is -1), keeping each choice
 * that stays valid.
 */
void
reg_documents_step_set_age (RegDocumentsStep *self,
                            int               age)
{
  const char *age_group = NULL;

  g_return_if_fail (REG_IS_DOCUMENTS_STEP (self));

  if (age >= 0)
    age_group = age < INFANT_AGE ? "INFANT" : age < MINOR_AGE ? "MINOR" : "ADULT";
  if (g_strcmp0 (age_group, self->age_group) == 0)
    return;

  g_free (self->age_group);
  self->age_group = g_strdup (age_group);
  for (guint i = 0; i < self->documents->len; i++)
    refresh_types (g_ptr_array_index (self->documents, i));
}

/**
 * reg_documents_step_dup_type_codes:
 * @self: the documents step
 * @field: a document field, like `proofOfAddress`
 *
 * Returns: (transfer full) (nullable): the codes of the document types
 *   offered for @field, in order; %NULL for an unknown field
 */
char **
reg_documents_step_dup_type_codes (RegDocumentsStep *self,
                                   const char       *field)
{
  Document *document;
  g_autoptr(GStrvBuilder) builder = NULL;

  g_return_val_if_fail (REG_IS_DOCUMENTS_STEP (self), NULL);
  g_return_val_if_fail (field != NULL, NULL);

  document = find_document (self, field);
  if (document == NULL)
    return NULL;

  builder = g_strv_builder_new ();
  for (guint i = 0; i < document->type_codes->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (document->type_codes, i));

  return g_strv_builder_end (builder);
}

/**
 * reg_documents_step_select_type:
 * @self: the documents step
 * @field: a document field
 * @code: the code of a document type offered for @field
 *
 * Returns: %TRUE if @code is offered for @field and is now chosen
 */
gboolean
reg_documents_step_select_type (RegDocumentsStep *self,
                                const char       *field,
                                const char       *code)
{
  Document *document;

  g_return_val_if_fail (REG_IS_DOCUMENTS_STEP (self), FALSE);
  g_return_val_if_fail (field != NULL, FALSE);
  g_return_val_if_fail (code != NULL, FALSE);

  document = find_document (self, field);
  for (guint i = 0; document != NULL && i < document->type_codes->len; i++)
    if (g_str_equal (g_ptr_array_index (document->type_codes, i), code))
      {
        adw_combo_row_set_selected (document->type_row, i);
        return TRUE;
      }

  return FALSE;
}

/**
 * reg_documents_step_get_document_type:
 * @self: the documents step
 * @field: a document field
 *
 * Returns: (nullable): the code of the document type chosen for @field,
 *   or %NULL when no type is offered for it
 */
const char *
reg_documents_step_get_document_type (RegDocumentsStep *self,
                                      const char       *field)
{
  Document *document;
  guint selected;

  g_return_val_if_fail (REG_IS_DOCUMENTS_STEP (self), NULL);
  g_return_val_if_fail (field != NULL, NULL);

  document = find_document (self, field);
  if (document == NULL || document->type_codes->len == 0)
    return NULL;
  selected = adw_combo_row_get_selected (document->type_row);

  return g_ptr_array_index (document->type_codes, selected < document->type_codes->len ? selected : 0);
}

/**
 * reg_documents_step_get_notice:
 * @self: the documents step
 * @field: a document field
 *
 * Returns: (nullable): why no document can be given for @field, or %NULL
 *   when some type is offered
 */
const char *
reg_documents_step_get_notice (RegDocumentsStep *self,
                               const char       *field)
{
  Document *document;

  g_return_val_if_fail (REG_IS_DOCUMENTS_STEP (self), NULL);
  g_return_val_if_fail (field != NULL, NULL);

  document = find_document (self, field);
  if (document == NULL || document->type_codes->len > 0)
    return NULL;

  return gtk_label_get_text (document->notice_label);
}

/**
 * reg_documents_step_load_file:
 * @self: the documents step
 * @field: a document field, like `proofOfAddress`
 * @file: the file the operator picked
 *
 * Reads @file in the background for @field; an unreadable, unknown or
 * oversized file shows an error under the field and keeps what it had.
 */
void
reg_documents_step_load_file (RegDocumentsStep *self,
                              const char       *field,
                              GFile            *file)
{
  Document *document;
  LoadData *data;

  g_return_if_fail (REG_IS_DOCUMENTS_STEP (self));
  g_return_if_fail (field != NULL);
  g_return_if_fail (G_IS_FILE (file));

  document = find_document (self, field);
  g_return_if_fail (document != NULL);

  data = g_new0 (LoadData, 1);
  data->document = document;
  data->file = g_object_ref (file);
  self->n_loading++;
  g_file_load_contents_async (file, self->cancellable, file_loaded_cb, data);
}

gboolean
reg_documents_step_get_busy (RegDocumentsStep *self)
{
  g_return_val_if_fail (REG_IS_DOCUMENTS_STEP (self), FALSE);

  return self->n_loading > 0;
}

/**
 * reg_documents_step_get_error:
 * @self: the documents step
 * @field: a document field
 *
 * Returns: (nullable): the error shown under @field
 */
const char *
reg_documents_step_get_error (RegDocumentsStep *self,
                              const char       *field)
{
  Document *document;

  g_return_val_if_fail (REG_IS_DOCUMENTS_STEP (self), NULL);
  g_return_val_if_fail (field != NULL, NULL);

  document = find_document (self, field);

  return document != NULL ? document->error : NULL;
}

gboolean
reg_documents_step_has_file (RegDocumentsStep *self,
                             const char       *field)
{
  Document *document;

  g_return_val_if_fail (REG_IS_DOCUMENTS_STEP (self), FALSE);
  g_return_val_if_fail (field != NULL, FALSE);

  document = find_document (self, field);

  return document != NULL && document->bytes != NULL;
}

/**
 * reg_documents_step_validate:
 * @self: the documents step
 *
 * Returns: %TRUE when every required document has a file and no file is
 *   still being read
 */
gboolean
reg_documents_step_validate (RegDocumentsStep *self)
{
  gboolean valid = self->n_loading == 0;

  g_return_val_if_fail (REG_IS_DOCUMENTS_STEP (self), FALSE);

  for (guint i = 0; i < self->documents->len; i++)
    {
      Document *document = g_ptr_array_index (self->documents, i);

      /* The notice under the field already says why. */
      if (document->required && document->type_codes->len == 0)
        valid = FALSE;
      else if (document->required && document->bytes == NULL)
        {
          g_autofree char *message = g_strdup_printf (_("Add the %s."), document->label);

          set_error (document, message);
          valid = FALSE;
        }
    }

  return valid;
}

void
reg_documents_step_collect (RegDocumentsStep *self,
                            RegPacketBuilder *builder)
{
  g_return_if_fail (REG_IS_DOCUMENTS_STEP (self));
  g_return_if_fail (REG_IS_PACKET_BUILDER (builder));

  for (guint i = 0; i < self->documents->len; i++)
    {
      Document *document = g_ptr_array_index (self->documents, i);
      guint selected = adw_combo_row_get_selected (document->type_row);

      /* A file kept from before the age changed, with no type valid now,
       * is not sent: the server would refuse the whole packet. */
      if (document->bytes == NULL || document->type_codes->len == 0)
        continue;
      if (selected >= document->type_codes->len)
        selected = 0;
      reg_packet_builder_add_document (builder, document->id, document->category,
                                       g_ptr_array_index (document->type_codes, selected),
                                       document->format, document->bytes);
    }
}

/**
 * reg_documents_step_add_summary:
 * @self: the documents step
 * @summary: (element-type utf8): label, value… to append to
 */
void
reg_documents_step_add_summary (RegDocumentsStep *self,
                                GPtrArray        *summary)
{
  g_return_if_fail (REG_IS_DOCUMENTS_STEP (self));
  g_return_if_fail (summary != NULL);

  for (guint i = 0; i < self->documents->len; i++)
    {
      Document *document = g_ptr_array_index (self->documents, i);

      if (document->bytes == NULL || document->type_codes->len == 0)
        continue;
      g_ptr_array_add (summary, g_strdup (document->label));
      g_ptr_array_add (summary, g_strdup (document->file_name));
    }
}
