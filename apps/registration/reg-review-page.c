/* reg-review-page.c — the supervisor approves or rejects packets
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The packets are encrypted for the server, so the supervisor reviews the
 * demographic preview the workstation sealed for itself when the packet
 * was made.  Each decision is signed by the supervisor's password, checked
 * offline against the synced hash, or by one of the supervisor's fingers,
 * matched against the synced templates; either way the check runs off the
 * main thread, failures count toward the sign-in lockout, and the decision
 * is recorded in one statement.
 */

#define G_LOG_DOMAIN "reg-review-page"

#include "config.h"

#include "reg-review-page.h"
#include "reg-application.h"
#include "reg-finger-auth.h"
#include "reg-lockout.h"
#include "reg-password.h"

#include <glib/gi18n.h>

struct _RegReviewPage
{
  AdwBin         parent_instance;

  RegMachine    *machine;
  GSettings     *settings;
  RegFingerAuth *finger_auth;
  char          *user_id;
  gboolean       is_supervisor;
  gboolean       use_fingerprint;
  GPtrArray     *packets;
  GPtrArray     *reason_codes;
  GCancellable  *cancellable;
  gboolean       busy;
  struct _Decision *finger_decision;

  GtkLabel      *status_label;
  GtkListBox    *packet_list;
  GtkWidget     *detail_box;
  GtkLabel      *detail_title;
  GtkListBox    *preview_list;
  GtkDropDown   *reason_dropdown;
  GtkWidget     *finger_check;
  GtkWidget     *password_box;
  GtkWidget     *password_entry;
  GtkLabel      *finger_prompt;
  GtkLabel      *decision_error;
};

G_DEFINE_FINAL_TYPE (RegReviewPage, reg_review_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_USE_FINGERPRINT,
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];

typedef struct _Decision
{
  char     *rid;
  char     *supervisor_id;
  char     *password;
  char     *hash;
  char     *reason;
  gboolean  approve;
} Decision;

static void
decision_free (Decision *decision)
{
  if (decision == NULL)
    return;
  g_free (decision->rid);
  g_free (decision->supervisor_id);
  if (decision->password != NULL)
    idem_crypto_wipe (decision->password, strlen (decision->password));
  g_free (decision->password);
  g_free (decision->hash);
  g_free (decision->reason);
  g_free (decision);
}

static const char *
localized_name (JsonObject *row)
{
  const IdemLanguage *language = idem_language_get_current ();
  JsonNode *names = json_object_get_member (row, "names");

  if (names != NULL && JSON_NODE_HOLDS_OBJECT (names))
    {
      JsonObject *object = json_node_get_object (names);
      const char *name = json_object_get_string_member_with_default (object, language->iso639_3, NULL);

      if (name == NULL)
        name = json_object_get_string_member_with_default (object, "eng", NULL);
      if (name != NULL)
        return name;
    }

  return json_object_get_string_member_with_default (row, "name",
                                                     json_object_get_string_member_with_default (row, "code", ""));
}

static gboolean
user_has_role (JsonObject *user,
               const char *wanted)
{
  JsonNode *roles = user != NULL ? json_object_get_member (user, "roles") : NULL;

  if (roles == NULL || !JSON_NODE_HOLDS_ARRAY (roles))
    return FALSE;

  for (guint i = 0; i < json_array_get_length (json_node_get_array (roles)); i++)
    if (g_strcmp0 (json_node_get_string (json_array_get_element (json_node_get_array (roles), i)), wanted) == 0)
      return TRUE;

  return FALSE;
}

static const RegPacket *
selected_packet (RegReviewPage *self)
{
  GtkListBoxRow *row;
  int index;

  /* The list empties itself while the page is disposed. */
  if (self->packet_list == NULL || self->packets == NULL)
    return NULL;

  row = gtk_list_box_get_selected_row (self->packet_list);
  if (row == NULL)
    return NULL;

  index = gtk_list_box_row_get_index (row);
  if (index < 0 || (guint) index >= self->packets->len)
    return NULL;

  return g_ptr_array_index (self->packets, index);
}

static void
update_actions (RegReviewPage *self)
{
  gboolean can_decide = self->is_supervisor && !self->busy && selected_packet (self) != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review-page.approve", can_decide);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review-page.reject",
                                 can_decide && self->reason_codes->len > 0);
}

static void
add_preview_row (RegReviewPage *self,
                 const char    *title,
                 const char    *value)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  gtk_list_box_append (self->preview_list, row);
}

/* A value as the supervisor reads it: the text in the interface language
 * when the field is language-tagged, else the first language's. */
static char *
describe_value (JsonNode *node)
{
  const IdemLanguage *language = idem_language_get_current ();

  if (JSON_NODE_HOLDS_VALUE (node))
    {
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        return g_strdup (json_node_get_string (node));
      if (json_node_get_value_type (node) == G_TYPE_INT64)
        return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
      if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
        return g_strdup (json_node_get_boolean (node) ? _("Yes") : _("No"));
    }

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *values = json_node_get_array (node);
      const char *first = NULL;

      for (guint i = 0; i < json_array_get_length (values); i++)
        {
          JsonNode *element = json_array_get_element (values, i);
          JsonObject *value;
          const char *text;

          if (!JSON_NODE_HOLDS_OBJECT (element))
            continue;
          value = json_node_get_object (element);
          text = json_object_get_string_member_with_default (value, "value", NULL);
          if (text == NULL)
            continue;
          if (g_strcmp0 (json_object_get_string_member_with_default (value, "language", NULL),
                         language->iso639_3) == 0)
            return g_strdup (text);
          if (first == NULL)
            first = text;
        }

      return g_strdup (first != NULL ? first : "");
    }

  if (JSON_NODE_HOLDS_OBJECT (node))
    return g_strdup (json_object_get_string_member_with_default (json_node_get_object (node), "value", ""));

  return g_strdup ("");
}

static void
show_preview (RegReviewPage   *self,
              const RegPacket *packet)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) preview = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *title = NULL;
  GtkWidget *child;
  JsonNode *root;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->preview_list))) != NULL)
    gtk_list_box_remove (self->preview_list, child);

  title = g_strdup_printf (_("Registration %s, by %s"), packet->rid, packet->operator_id);
  gtk_label_set_text (self->detail_title, title);

  preview = reg_store_load_preview (reg_machine_get_store (self->machine), packet->rid, &error);
  if (preview == NULL)
    {
      add_preview_row (self, _("No preview"), error->message);
      return;
    }

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, g_bytes_get_data (preview, NULL), (gssize) g_bytes_get_size (preview), NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      add_preview_row (self, _("No preview"), _("The preview kept for this packet is not readable"));
      return;
    }

  {
    JsonObject *object = json_node_get_object (root);
    IdemUiSpec *spec = reg_machine_get_ui_spec (self->machine);
    g_autoptr(GList) members = json_object_get_members (object);

    for (const GList *l = members; l != NULL; l = l->next)
      {
        const char *field_id = l->data;
        const IdemUiField *field = idem_ui_spec_lookup_field (spec, field_id);
        const char *label = field != NULL ? idem_ui_field_get_label (field, idem_language_get_current ()->iso639_3) : NULL;
        g_autofree char *value = describe_value (json_object_get_member (object, field_id));

        add_preview_row (self, label != NULL ? label : field_id, value);
      }
  }
}

static void
row_selected_cb (RegReviewPage *self,
                 GtkListBoxRow *row)
{
  const RegPacket *packet = selected_packet (self);

  if (self->detail_box == NULL)
    return;

  gtk_widget_set_visible (self->detail_box, packet != NULL);
  idem_form_clear_error (self->password_entry, self->decision_error);
  idem_form_clear_error (self->finger_check, self->decision_error);
  if (packet != NULL)
    show_preview (self, packet);

  update_actions (self);
}

static void
verify_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Decision *decision = task_data;

  g_task_return_boolean (task, reg_password_verify (decision->hash, decision->password));
}

/* Shows why the decision was not signed, and counts it as a failed
 * authentication when @counts. */
static void
refuse (RegReviewPage *self,
        const char    *message,
        gboolean       counts)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *locked = NULL;
  guint left = 1;

  if (counts)
    left = reg_lockout_record_failure (reg_machine_get_store (self->machine), self->settings, self->user_id, &error);
  if (left == G_MAXUINT)
    message = error->message;
  else if (left == 0)
    message = locked = reg_lockout_describe (g_settings_get_int (self->settings, "lockout-seconds"));

  idem_form_show_error (self->use_fingerprint ? self->finger_check : self->password_entry,
                        self->decision_error, message);
  if (!self->use_fingerprint)
    gtk_widget_grab_focus (self->password_entry);
}

static void
record_decision (RegReviewPage  *self,
                 const Decision *decision)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  reg_store_clear_login_failures (reg_machine_get_store (self->machine), decision->supervisor_id);
  if (!reg_store_set_supervisor_decision (reg_machine_get_store (self->machine), decision->rid,
                                          decision->approve, decision->supervisor_id, decision->reason,
                                          &error))
    {
      idem_form_show_error (self->password_entry, self->decision_error, error->message);
      update_actions (self);
      return;
    }

  reg_review_page_reload (self);
  message = g_strdup_printf (decision->approve ? _("Registration %s was approved.")
                                               : _("Registration %s was rejected."),
                             decision->rid);
  gtk_label_set_text (self->status_label, message);
}

static void
verified_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  RegReviewPage *self = REG_REVIEW_PAGE (object);
  Decision *decision = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = g_task_propagate_boolean (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->busy = FALSE;
  gtk_editable_set_text (GTK_EDITABLE (self->password_entry), "");

  if (!ok)
    {
      refuse (self, _("The password is wrong. Enter your own password to sign the decision."), TRUE);
      update_actions (self);
      return;
    }

  record_decision (self, decision);
}

static void
finger_verified_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(RegReviewPage) self = user_data;
  Decision *decision;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = reg_finger_auth_verify_finish (REG_FINGER_AUTH (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  decision = g_steal_pointer (&self->finger_decision);

  self->busy = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->finger_prompt), FALSE);

  if (ok)
    record_decision (self, decision);
  else if (g_error_matches (error, REG_FINGER_AUTH_ERROR, REG_FINGER_AUTH_ERROR_NO_MATCH))
    refuse (self, _("The finger does not match your enrolled fingerprints. Place one of your own fingers to sign the decision."), TRUE);
  else if (g_error_matches (error, REG_FINGER_AUTH_ERROR, REG_FINGER_AUTH_ERROR_NO_READER))
    {
      g_autofree char *message = g_strdup_printf (_("No fingerprint reader: %s Connect one, or sign with your password."),
                                                  error->message);

      refuse (self, message, FALSE);
    }
  else
    {
      g_autofree char *message = g_strdup_printf (_("The finger was not read: %s Try again."), error->message);

      refuse (self, message, FALSE);
    }

  decision_free (decision);
  update_actions (self);
}

static void
finger_needed_cb (RegReviewPage *self)
{
  gtk_label_set_text (self->finger_prompt, _("Place one of your fingers on the reader to sign the decision."));
  gtk_widget_set_visible (GTK_WIDGET (self->finger_prompt), TRUE);
}

static void
decide (RegReviewPage *self,
        gboolean       approve)
{
  const RegPacket *packet = selected_packet (self);
  g_autoptr(JsonObject) user = NULL;
  g_autoptr(GTask) task = NULL;
  const char *password;
  Decision *decision;
  guint reason;
  gint64 remaining;

  if (packet == NULL || self->busy || !self->is_supervisor)
    return;

  idem_form_clear_error (self->password_entry, self->decision_error);
  idem_form_clear_error (self->finger_check, self->decision_error);

  remaining = reg_lockout_get_remaining (reg_machine_get_store (self->machine), self->settings, self->user_id);
  if (remaining > 0)
    {
      g_autofree char *message = reg_lockout_describe (remaining);

      refuse (self, message, FALSE);
      return;
    }

  user = reg_machine_find_user (self->machine, self->user_id);
  password = gtk_editable_get_text (GTK_EDITABLE (self->password_entry));
  if (self->use_fingerprint && (user == NULL || reg_finger_auth_count_templates (user) == 0))
    {
      refuse (self, _("No fingerprint is enrolled for you on this workstation. Sign with your password."), FALSE);
      return;
    }
  if (!self->use_fingerprint && password[0] == '\0')
    {
      refuse (self, _("Enter your password to sign the decision."), FALSE);
      return;
    }

  reason = gtk_drop_down_get_selected (self->reason_dropdown);

  decision = g_new0 (Decision, 1);
  decision->rid = g_strdup (packet->rid);
  decision->supervisor_id = g_strdup (self->user_id);
  decision->approve = approve;
  if (!approve && reason < self->reason_codes->len)
    decision->reason = g_strdup (g_ptr_array_index (self->reason_codes, reason));

  self->busy = TRUE;
  update_actions (self);

  if (self->use_fingerprint)
    {
      self->finger_decision = decision;
      reg_finger_auth_verify_async (self->finger_auth, user, self->cancellable, finger_verified_cb, g_object_ref (self));
      return;
    }

  decision->password = g_strdup (password);
  decision->hash = g_strdup (user != NULL ? json_object_get_string_member_with_default (user, "passwordHash", NULL) : NULL);

  task = g_task_new (self, self->cancellable, verified_cb, NULL);
  g_task_set_source_tag (task, decide);
  g_task_set_task_data (task, decision, (GDestroyNotify) decision_free);
  g_task_run_in_thread (task, verify_thread);
}

static void
approve_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  decide (REG_REVIEW_PAGE (widget), TRUE);
}

static void
reject_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  decide (REG_REVIEW_PAGE (widget), FALSE);
}

static void
load_reasons (RegReviewPage *self)
{
  g_autoptr(JsonArray) rows = reg_machine_get_master_data (self->machine, "rejectionReason");
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  g_ptr_array_set_size (self->reason_codes, 0);
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonNode *node = json_array_get_element (rows, i);
      JsonObject *row;
      const char *code;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      row = json_node_get_object (node);
      code = json_object_get_string_member_with_default (row, "code", NULL);
      if (code == NULL || !json_object_get_boolean_member_with_default (row, "active", TRUE))
        continue;

      g_ptr_array_add (self->reason_codes, g_strdup (code));
      gtk_string_list_append (names, localized_name (row));
    }

  gtk_drop_down_set_model (self->reason_dropdown, G_LIST_MODEL (names));
}

static void
reg_review_page_dispose (GObject *object)
{
  RegReviewPage *self = REG_REVIEW_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->finger_auth);
  gtk_widget_dispose_template (GTK_WIDGET (self), REG_TYPE_REVIEW_PAGE);
  g_clear_object (&self->machine);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (reg_review_page_parent_class)->dispose (object);
}

static void
reg_review_page_finalize (GObject *object)
{
  RegReviewPage *self = REG_REVIEW_PAGE (object);

  g_clear_pointer (&self->packets, g_ptr_array_unref);
  g_clear_pointer (&self->reason_codes, g_ptr_array_unref);
  g_clear_pointer (&self->finger_decision, decision_free);
  g_free (self->user_id);

  G_OBJECT_CLASS (reg_review_page_parent_class)->finalize (object);
}

static void
reg_review_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  RegReviewPage *self = REG_REVIEW_PAGE (object);

  switch (prop_id)
    {
    case PROP_USE_FINGERPRINT:
      g_value_set_boolean (value, reg_review_page_get_use_fingerprint (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
reg_review_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  RegReviewPage *self = REG_REVIEW_PAGE (object);

  switch (prop_id)
    {
    case PROP_USE_FINGERPRINT:
      reg_review_page_set_use_fingerprint (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
reg_review_page_class_init (RegReviewPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = reg_review_page_dispose;
  object_class->finalize = reg_review_page_finalize;
  object_class->get_property = reg_review_page_get_property;
  object_class->set_property = reg_review_page_set_property;

  /**
   * RegReviewPage:use-fingerprint:
   *
   * Whether the supervisor signs decisions with a finger rather than
   * their password.
   */
  properties[PROP_USE_FINGERPRINT] =
    g_param_spec_boolean ("use-fingerprint", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/idem/Registration/reg-review-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RegReviewPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, RegReviewPage, packet_list);
  gtk_widget_class_bind_template_child (widget_class, RegReviewPage, detail_box);
  gtk_widget_class_bind_template_child (widget_class, RegReviewPage, detail_title);
  gtk_widget_class_bind_template_child (widget_class, RegReviewPage, preview_list);
  gtk_widget_class_bind_template_child (widget_class, RegReviewPage, reason_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RegReviewPage, finger_check);
  gtk_widget_class_bind_template_child (widget_class, RegReviewPage, password_box);
  gtk_widget_class_bind_template_child (widget_class, RegReviewPage, password_entry);
  gtk_widget_class_bind_template_child (widget_class, RegReviewPage, finger_prompt);
  gtk_widget_class_bind_template_child (widget_class, RegReviewPage, decision_error);
  gtk_widget_class_bind_template_callback (widget_class, row_selected_cb);

  gtk_widget_class_install_action (widget_class, "review-page.approve", NULL, approve_action);
  gtk_widget_class_install_action (widget_class, "review-page.reject", NULL, reject_action);
  gtk_widget_class_install_property_action (widget_class, "review-page.use-fingerprint", "use-fingerprint");
}

static void
reg_review_page_init (RegReviewPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->reason_codes = g_ptr_array_new_with_free_func (g_free);
  self->settings = g_settings_new (REG_APPLICATION_ID);
  self->finger_auth = reg_finger_auth_new ();
  g_signal_connect_object (self->finger_auth, "finger-needed", G_CALLBACK (finger_needed_cb), self, G_CONNECT_SWAPPED);
}

/**
 * reg_review_page_new:
 * @machine: the workstation's machine
 * @user_id: who is signed in; only a supervisor can decide
 *
 * Returns: (transfer floating): a new review page
 */
RegReviewPage *
reg_review_page_new (RegMachine *machine,
                     const char *user_id)
{
  RegReviewPage *self;
  g_autoptr(JsonObject) user = NULL;

  g_return_val_if_fail (REG_IS_MACHINE (machine), NULL);
  g_return_val_if_fail (user_id != NULL, NULL);

  self = g_object_new (REG_TYPE_REVIEW_PAGE, NULL);
  self->machine = g_object_ref (machine);
  self->user_id = g_strdup (user_id);
  user = reg_machine_find_user (machine, user_id);
  self->is_supervisor = user_has_role (user, "SUPERVISOR");

  load_reasons (self);
  reg_review_page_reload (self);

  return self;
}

/**
 * reg_review_page_reload:
 * @self: a #RegReviewPage
 *
 * Lists the packets pending approval again.
 */
void
reg_review_page_reload (RegReviewPage *self)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  g_return_if_fail (REG_IS_REVIEW_PAGE (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->packet_list))) != NULL)
    gtk_list_box_remove (self->packet_list, child);
  g_clear_pointer (&self->packets, g_ptr_array_unref);
  gtk_widget_set_visible (self->detail_box, FALSE);

  self->packets = reg_store_list_packets (reg_machine_get_store (self->machine),
                                          REG_PACKET_STATE_PENDING_APPROVAL, &error);
  if (self->packets == NULL)
    {
      gtk_label_set_text (self->status_label, error->message);
      self->packets = g_ptr_array_new_with_free_func ((GDestroyNotify) reg_packet_free);
    }
  else if (!self->is_supervisor)
    gtk_label_set_text (self->status_label,
                        _("Only a supervisor can approve or reject registrations. Ask your supervisor to sign in."));
  else if (self->packets->len == 0)
    gtk_label_set_text (self->status_label, _("No registration is waiting for review."));
  else
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "%u registration is waiting for review.",
                                                            "%u registrations are waiting for review.",
                                                            self->packets->len),
                                               self->packets->len);

      gtk_label_set_text (self->status_label, text);
    }

  for (guint i = 0; i < self->packets->len; i++)
    {
      const RegPacket *packet = g_ptr_array_index (self->packets, i);
      g_autoptr(GDateTime) created = g_date_time_new_from_unix_local (packet->created);
      g_autofree char *when = g_date_time_format (created, "%x %X");
      g_autofree char *subtitle = g_strdup_printf (_("%s, by %s"), when, packet->operator_id);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), packet->rid);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_list_box_append (self->packet_list, row);
    }

  update_actions (self);
}

/**
 * reg_review_page_get_n_pending:
 * @self: a #RegReviewPage
 *
 * Returns: how many packets the page lists
 */
guint
reg_review_page_get_n_pending (RegReviewPage *self)
{
  g_return_val_if_fail (REG_IS_REVIEW_PAGE (self), 0);

  return self->packets != NULL ? self->packets->len : 0;
}

/**
 * reg_review_page_select:
 * @self: a #RegReviewPage
 * @rid: a listed packet's RID
 *
 * Opens a packet, as clicking its row does.
 *
 * Returns: whether the packet is listed
 */
gboolean
reg_review_page_select (RegReviewPage *self,
                        const char    *rid)
{
  g_return_val_if_fail (REG_IS_REVIEW_PAGE (self), FALSE);
  g_return_val_if_fail (rid != NULL, FALSE);

  for (guint i = 0; i < self->packets->len; i++)
    {
      const RegPacket *packet = g_ptr_array_index (self->packets, i);

      if (g_str_equal (packet->rid, rid))
        {
          gtk_list_box_select_row (self->packet_list, gtk_list_box_get_row_at_index (self->packet_list, (int) i));
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * reg_review_page_get_selected:
 * @self: a #RegReviewPage
 *
 * Returns: (nullable): the RID of the open packet
 */
const char *
reg_review_page_get_selected (RegReviewPage *self)
{
  const RegPacket *packet;

  g_return_val_if_fail (REG_IS_REVIEW_PAGE (self), NULL);

  packet = selected_packet (self);
  return packet != NULL ? packet->rid : NULL;
}

/**
 * reg_review_page_set_reason:
 * @self: a #RegReviewPage
 * @code: a rejection reason's master-data code
 *
 * Chooses the rejection reason, as the dropdown does.
 *
 * Returns: whether @code is a known reason
 */
gboolean
reg_review_page_set_reason (RegReviewPage *self,
                            const char    *code)
{
  g_return_val_if_fail (REG_IS_REVIEW_PAGE (self), FALSE);
  g_return_val_if_fail (code != NULL, FALSE);

  for (guint i = 0; i < self->reason_codes->len; i++)
    if (g_str_equal (g_ptr_array_index (self->reason_codes, i), code))
      {
        gtk_drop_down_set_selected (self->reason_dropdown, i);
        return TRUE;
      }

  return FALSE;
}

/**
 * reg_review_page_get_busy:
 * @self: a #RegReviewPage
 *
 * Returns: whether a decision's password is being checked
 */
gboolean
reg_review_page_get_busy (RegReviewPage *self)
{
  g_return_val_if_fail (REG_IS_REVIEW_PAGE (self), FALSE);

  return self->busy;
}

/**
 * reg_review_page_get_use_fingerprint:
 * @self: a #RegReviewPage
 *
 * Returns: whether decisions are signed with a finger
 */
gboolean
reg_review_page_get_use_fingerprint (RegReviewPage *self)
{
  g_return_val_if_fail (REG_IS_REVIEW_PAGE (self), FALSE);

  return self->use_fingerprint;
}

/**
 * reg_review_page_set_use_fingerprint:
 * @self: a #RegReviewPage
 * @use_fingerprint: sign with a finger rather than the password
 *
 * Chooses how the supervisor signs the next decision, as the check
 * button does.  Not while a decision is being checked.
 */
void
reg_review_page_set_use_fingerprint (RegReviewPage *self,
                                     gboolean       use_fingerprint)
{
  g_return_if_fail (REG_IS_REVIEW_PAGE (self));

  use_fingerprint = !!use_fingerprint;
  if (self->use_fingerprint == use_fingerprint || self->busy)
    return;

  self->use_fingerprint = use_fingerprint;
  idem_form_clear_error (self->password_entry, self->decision_error);
  idem_form_clear_error (self->finger_check, self->decision_error);
  gtk_widget_set_visible (self->password_box, !use_fingerprint);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USE_FINGERPRINT]);
}
