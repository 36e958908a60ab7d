/* reg-home-page.c — what an operator sees after signing in
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "reg-home-page"

#include "config.h"

#include "reg-home-page.h"
#include "reg-export.h"
#include "reg-upload.h"

#include <glib/gi18n.h>

struct _RegHomePage
{
  AdwBin               parent_instance;

  RegMachine          *machine;
  RegSync             *sync;
  RegUpload           *upload;
  gboolean             busy;
  GString             *upload_report;
  char                *user_id;
  RegServerState       server_state;
  GCancellable        *cancellable;
  GtkFileChooserNative *chooser;
  gulong               changed_id;

  AdwWindowTitle      *window_title;
  GtkLabel            *greeting_label;
  GtkLabel            *today_count;
  GtkLabel            *pending_count;
  GtkLabel            *upload_count;
  GtkLabel            *last_sync_label;
  GtkLabel            *server_label;
  GtkLabel            *message_label;
  GtkProgressBar      *progress_bar;
  AdwActionRow        *new_registration_row;
  AdwActionRow        *update_row;
  AdwActionRow        *lost_row;
  AdwActionRow        *upload_row;
  AdwActionRow        *sync_row;
};

G_DEFINE_FINAL_TYPE (RegHomePage, reg_home_page, ADW_TYPE_BIN)

static void
set_count (GtkLabel *label,
           guint     count)
{
  g_autofree char *text = g_strdup_printf ("%u", count);

  gtk_label_set_text (label, text);
}

static void
show_message (RegHomePage *self,
              const char  *message,
              gboolean     is_error)
{
  gtk_label_set_text (self->message_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), TRUE);
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "error");
}

static void
exported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  RegHomePage *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) folder = NULL;
  g_autofree char *path = NULL;
  g_autofree char *message = NULL;
  guint n_packets = 0;

  folder = reg_export_packets_finish (REG_MACHINE (object), result, &n_packets, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_object_unref (self);
      return;
    }

  if (folder == NULL)
    show_message (self, error->message, TRUE);
  else
    {
      path = g_file_get_path (folder);
      message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "%u packet was exported to %s. Take it to the server, then keep the workstation’s copy until the server confirms it.",
                                              "%u packets were exported to %s. Take them to the server, then keep the workstation’s copy until the server confirms them.",
                                              n_packets),
                                 n_packets, path);
      show_message (self, message, FALSE);
    }

  g_object_unref (self);
}

static void
chooser_response_cb (RegHomePage          *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) folder = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

  g_clear_object (&self->chooser);

  if (folder != NULL)
    reg_home_page_export_to (self, folder);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  RegHomePage *self = REG_HOME_PAGE (widget);
  GtkNative *native = gtk_widget_get_native (widget);

  if (self->chooser != NULL)
    return;

  self->chooser = gtk_file_chooser_native_new (_("Export Packets To"),
                                               GTK_IS_WINDOW (native) ? GTK_WINDOW (native) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                               _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect_swapped (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
update_actions (RegHomePage *self)
{
  gboolean online = self->sync != NULL && !self->busy;
  gboolean can_register = reg_machine_get_certificate_pem (self->machine) != NULL &&
                          reg_machine_get_centre_id (self->machine) != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "home-page.sync", online);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "home-page.upload", online);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "home-page.new-registration", can_register && !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "home-page.update-uin", can_register && !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "home-page.lost-uin", can_register && !self->busy);

  gtk_widget_set_tooltip_text (GTK_WIDGET (self->new_registration_row),
                               can_register ? NULL
                               : _("Sync the workstation first: it needs its centre and the server’s packet certificate"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->update_row),
                               can_register ? NULL
                               : _("Sync the workstation first: it needs its centre and the server’s packet certificate"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->lost_row),
                               can_register ? NULL
                               : _("Sync the workstation first: it needs its centre and the server’s packet certificate"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->upload_row),
                               self->sync != NULL ? NULL : _("Set the server address first"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->sync_row),
                               self->sync != NULL ? NULL : _("Set the server address first"));
}

static void
set_busy (RegHomePage *self,
          gboolean     busy)
{
  self->busy = busy;
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), busy);
  if (busy)
    gtk_progress_bar_set_fraction (self->progress_bar, 0);
  update_actions (self);
}

static void
note_server (RegHomePage  *self,
             const GError *error)
{
  if (error == NULL)
    self->server_state = REG_SERVER_STATE_REACHABLE;
  else if (g_error_matches (error, IDEM_CLIENT_ERROR, IDEM_CLIENT_ERROR_UNREACHABLE))
    self->server_state = REG_SERVER_STATE_UNREACHABLE;
  else if (error->domain == IDEM_CLIENT_ERROR)
    self->server_state = REG_SERVER_STATE_REACHABLE;
}

static void
sync_progress_cb (RegHomePage *self,
                  double       fraction)
{
  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  gtk_progress_bar_set_text (self->progress_bar, _("Syncing…"));
}

static void
synced_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  RegHomePage *self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = reg_sync_run_finish (REG_SYNC (object), result, &error);
  g_signal_handlers_disconnect_by_func (object, sync_progress_cb, self);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      set_busy (self, FALSE);
      note_server (self, error);
      if (!ok && self->upload_report == NULL)
        show_message (self, error->message, TRUE);
      else if (self->upload_report != NULL)
        show_message (self, self->upload_report->str, !ok);
      else
        show_message (self, _("The workstation is up to date with the server."), FALSE);
      if (self->upload_report != NULL)
        g_string_free (g_steal_pointer (&self->upload_report), TRUE);
      reg_home_page_refresh (self);
    }

  g_object_unref (self);
}

static void
start_sync (RegHomePage *self)
{
  set_busy (self, TRUE);
  gtk_progress_bar_set_text (self->progress_bar, _("Syncing…"));
  g_signal_connect_swapped (self->sync, "progress", G_CALLBACK (sync_progress_cb), self);
  reg_sync_run_async (self->sync, self->cancellable, synced_cb, g_object_ref (self));
}

static void
sync_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  RegHomePage *self = REG_HOME_PAGE (widget);

  if (self->sync == NULL || self->busy)
    return;

  gtk_widget_set_visible (GTK_WIDGET (self->message_label), FALSE);
  start_sync (self);
}

static void
upload_progress_cb (RegHomePage *self,
                    guint        done,
                    guint        total)
{
  g_autofree char *text = g_strdup_printf (_("Uploading packet %u of %u…"), MIN (done + 1, total), total);

  gtk_progress_bar_set_fraction (self->progress_bar, total > 0 ? (double) done / total : 1.0);
  gtk_progress_bar_set_text (self->progress_bar, text);
}

static void
packet_done_cb (RegHomePage *self,
                const char  *rid,
                gboolean     success,
                const char  *detail)
{
  if (self->upload_report == NULL)
    self->upload_report = g_string_new (NULL);
  if (self->upload_report->len > 0)
    g_string_append_c (self->upload_report, '\n');
  if (success)
    g_string_append_printf (self->upload_report, _("%s: sent (%s)"), rid, detail);
  else
    g_string_append_printf (self->upload_report, _("%s: not sent — %s"), rid, detail);
}

static void
uploaded_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  RegHomePage *self = user_data;
  g_autoptr(GError) error = NULL;
  guint uploaded;

  uploaded = reg_upload_run_finish (REG_UPLOAD (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_object_unref (self);
      return;
    }

  note_server (self, error);
  if (self->upload_report == NULL)
    self->upload_report = g_string_new (NULL);
  if (self->upload_report->len > 0)
    g_string_append_c (self->upload_report, '\n');
  if (error != NULL)
    g_string_append_printf (self->upload_report,
                            _("The upload stopped: %s. The packets not sent are kept and go with the next upload."),
                            error->message);
  else
    g_string_append_printf (self->upload_report,
                            g_dngettext (GETTEXT_PACKAGE, "%u packet sent.", "%u packets sent.", uploaded),
                            uploaded);

  /* Then bring the statuses back, when the server is there. */
  if (error == NULL)
    start_sync (self);
  else
    {
      set_busy (self, FALSE);
      show_message (self, self->upload_report->str, TRUE);
      g_string_free (g_steal_pointer (&self->upload_report), TRUE);
      reg_home_page_refresh (self);
    }

  g_object_unref (self);
}

static void
upload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  RegHomePage *self = REG_HOME_PAGE (widget);

  if (self->sync == NULL || self->busy)
    return;

  gtk_widget_set_visible (GTK_WIDGET (self->message_label), FALSE);
  if (self->upload == NULL)
    {
      self->upload = reg_upload_new (self->sync);
      g_signal_connect_object (self->upload, "progress", G_CALLBACK (upload_progress_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->upload, "packet-done", G_CALLBACK (packet_done_cb), self, G_CONNECT_SWAPPED);
    }

  set_busy (self, TRUE);
  reg_upload_run_async (self->upload, self->cancellable, uploaded_cb, g_object_ref (self));
}

static void
new_registration_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  gtk_widget_activate_action (widget, "reg-window.new-registration", NULL);
}

static void
update_uin_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  gtk_widget_activate_action (widget, "reg-window.update-uin", NULL);
}

static void
lost_uin_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  gtk_widget_activate_action (widget, "reg-window.lost-uin", NULL);
}

static void
machine_changed_cb (RegHomePage *self)
{
  reg_home_page_refresh (self);
}

static void
reg_home_page_dispose (GObject *object)
{
  RegHomePage *self = REG_HOME_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_signal_handler (&self->changed_id, self->machine);
  if (self->sync != NULL)
    g_signal_handlers_disconnect_by_data (self->sync, self);
  g_clear_object (&self->upload);
  g_clear_object (&self->sync);
  g_clear_object (&self->machine);
  gtk_widget_dispose_template (GTK_WIDGET (self), REG_TYPE_HOME_PAGE);

  G_OBJECT_CLASS (reg_home_page_parent_class)->dispose (object);
}

static void
reg_home_page_finalize (GObject *object)
{
  RegHomePage *self = REG_HOME_PAGE (object);

  g_free (self->user_id);
  if (self->upload_report != NULL)
    g_string_free (self->upload_report, TRUE);

  G_OBJECT_CLASS (reg_home_page_parent_class)->finalize (object);
}

static void
reg_home_page_class_init (RegHomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = reg_home_page_dispose;
  object_class->finalize = reg_home_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/idem/Registration/reg-home-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RegHomePage, window_title);
  gtk_widget_class_bind_template_child (widget_class, RegHomePage, greeting_label);
  gtk_widget_class_bind_template_child (widget_class, RegHomePage, today_count);
  gtk_widget_class_bind_template_child (widget_class, RegHomePage, pending_count);
  gtk_widget_class_bind_template_child (widget_class, RegHomePage, upload_count);
  gtk_widget_class_bind_template_child (widget_class, RegHomePage, last_sync_label);
  gtk_widget_class_bind_template_child (widget_class, RegHomePage, server_label);
  gtk_widget_class_bind_template_child (widget_class, RegHomePage, message_label);
  gtk_widget_class_bind_template_child (widget_class, RegHomePage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, RegHomePage, new_registration_row);
  gtk_widget_class_bind_template_child (widget_class, RegHomePage, update_row);
  gtk_widget_class_bind_template_child (widget_class, RegHomePage, lost_row);
  gtk_widget_class_bind_template_child (widget_class, RegHomePage, upload_row);
  gtk_widget_class_bind_template_child (widget_class, RegHomePage, sync_row);

  gtk_widget_class_install_action (widget_class, "home-page.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "home-page.new-registration", NULL, new_registration_action);
  gtk_widget_class_install_action (widget_class, "home-page.update-uin", NULL, update_uin_action);
  gtk_widget_class_install_action (widget_class, "home-page.lost-uin", NULL, lost_uin_action);
  gtk_widget_class_install_action (widget_class, "home-page.upload", NULL, upload_action);
  gtk_widget_class_install_action (widget_class, "home-page.sync", NULL, sync_action);
}

static void
reg_home_page_init (RegHomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
}

/**
 * reg_home_page_new:
 * @machine: the workstation's machine
 * @sync: (nullable): the sync with the server, %NULL without a server
 * @user_id: who is signed in
 *
 * Returns: (transfer floating): a new home page
 */
RegHomePage *
reg_home_page_new (RegMachine *machine,
                   RegSync    *sync,
                   const char *user_id)
{
  RegHomePage *self;
  g_autofree char *greeting = NULL;

  g_return_val_if_fail (REG_IS_MACHINE (machine), NULL);
  g_return_val_if_fail (sync == NULL || REG_IS_SYNC (sync), NULL);
  g_return_val_if_fail (user_id != NULL, NULL);

  self = g_object_new (REG_TYPE_HOME_PAGE, NULL);
  self->machine = g_object_ref (machine);
  self->sync = sync != NULL ? g_object_ref (sync) : NULL;
  self->user_id = g_strdup (user_id);
  self->changed_id = g_signal_connect_swapped (machine, "changed", G_CALLBACK (machine_changed_cb), self);

  greeting = g_strdup_printf (_("Signed in as %s"), user_id);
  gtk_label_set_text (self->greeting_label, greeting);
  reg_home_page_refresh (self);

  return self;
}

/**
 * reg_home_page_refresh:
 * @self: a #RegHomePage
 *
 * Reads the counts and the last sync time again from the store.
 */
void
reg_home_page_refresh (RegHomePage *self)
{
  RegStore *store;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) midnight = NULL;
  g_autoptr(GDateTime) last_sync = NULL;
  g_autofree char *subtitle = NULL;

  g_return_if_fail (REG_IS_HOME_PAGE (self));

  store = reg_machine_get_store (self->machine);
  now = g_date_time_new_now_local ();
  midnight = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                    g_date_time_get_day_of_month (now), 0, 0, 0);

  set_count (self->today_count, reg_store_count_packets (store, REG_PACKET_STATE_ANY,
                                                         g_date_time_to_unix (midnight)));
  set_count (self->pending_count, reg_store_count_packets (store, REG_PACKET_STATE_PENDING_APPROVAL, 0));
  set_count (self->upload_count,
             reg_store_count_packets (store, REG_PACKET_STATE_APPROVED, 0) +
             reg_store_count_packets (store, REG_PACKET_STATE_REJECTED_BY_SUPERVISOR, 0));

  last_sync = reg_machine_get_last_sync (self->machine);
  if (last_sync == NULL)
    gtk_label_set_text (self->last_sync_label, _("Never"));
  else
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (last_sync);
      g_autofree char *text = g_date_time_format (local, "%x %X");

      gtk_label_set_text (self->last_sync_label, text);
    }

  switch (self->server_state)
    {
    case REG_SERVER_STATE_REACHABLE:
      gtk_label_set_text (self->server_label, _("Reachable"));
      break;

    case REG_SERVER_STATE_UNREACHABLE:
      gtk_label_set_text (self->server_label, _("Not reachable — working offline"));
      break;

    case REG_SERVER_STATE_UNKNOWN:
    default:
      gtk_label_set_text (self->server_label, _("Not checked yet"));
      break;
    }

  if (reg_machine_get_machine_id (self->machine) != NULL)
    subtitle = g_strdup_printf (_("Machine %s"), reg_machine_get_machine_id (self->machine));
  adw_window_title_set_subtitle (self->window_title, subtitle != NULL ? subtitle : "");
  update_actions (self);
}

/**
 * reg_home_page_set_server_state:
 * @self: a #RegHomePage
 * @state: what the last request to the server found
 */
void
reg_home_page_set_server_state (RegHomePage    *self,
                                RegServerState  state)
{
  g_return_if_fail (REG_IS_HOME_PAGE (self));

  self->server_state = state;
  reg_home_page_refresh (self);
}

/**
 * reg_home_page_export_to:
 * @self: a #RegHomePage
 * @folder: the folder the operator chose
 *
 * Exports the reviewed packets into @folder, as the Export action does
 * after its folder chooser; the outcome shows on the page.
 */
void
reg_home_page_export_to (RegHomePage *self,
                         GFile       *folder)
{
  g_return_if_fail (REG_IS_HOME_PAGE (self));
  g_return_if_fail (G_IS_FILE (folder));

  gtk_widget_set_visible (GTK_WIDGET (self->message_label), FALSE);
  reg_export_packets_async (self->machine, folder, self->cancellable, exported_cb, g_object_ref (self));
}

/**
 * reg_home_page_get_busy:
 * @self: a #RegHomePage
 *
 * Returns: whether a sync or an upload is running
 */
gboolean
reg_home_page_get_busy (RegHomePage *self)
{
  g_return_val_if_fail (REG_IS_HOME_PAGE (self), FALSE);

  return self->busy;
}

/**
 * reg_home_page_show_message:
 * @self: a #RegHomePage
 * @message: what to tell the operator
 * @is_error: whether it is a failure
 */
void
reg_home_page_show_message (RegHomePage *self,
                            const char  *message,
                            gboolean     is_error)
{
  g_return_if_fail (REG_IS_HOME_PAGE (self));
  g_return_if_fail (message != NULL);

  show_message (self, message, is_error);
}
