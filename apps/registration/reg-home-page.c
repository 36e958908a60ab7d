/* reg-home-page.c — what an operator sees after signing in
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "reg-home-page"

#include "config.h"

#include "reg-home-page.h"
#include "reg-export.h"

#include <glib/gi18n.h>

struct _RegHomePage
{
  AdwBin               parent_instance;

  RegMachine          *machine;
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
unavailable_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  /* The actions below are disabled until what they need exists; this is
   * never reached while they are. */
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
  g_clear_object (&self->machine);
  gtk_widget_dispose_template (GTK_WIDGET (self), REG_TYPE_HOME_PAGE);

  G_OBJECT_CLASS (reg_home_page_parent_class)->dispose (object);
}

static void
reg_home_page_finalize (GObject *object)
{
  RegHomePage *self = REG_HOME_PAGE (object);

  g_free (self->user_id);

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
  gtk_widget_class_bind_template_child (widget_class, RegHomePage, new_registration_row);
  gtk_widget_class_bind_template_child (widget_class, RegHomePage, update_row);
  gtk_widget_class_bind_template_child (widget_class, RegHomePage, lost_row);
  gtk_widget_class_bind_template_child (widget_class, RegHomePage, upload_row);
  gtk_widget_class_bind_template_child (widget_class, RegHomePage, sync_row);

  gtk_widget_class_install_action (widget_class, "home-page.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "home-page.new-registration", NULL, unavailable_action);
  gtk_widget_class_install_action (widget_class, "home-page.update-uin", NULL, unavailable_action);
  gtk_widget_class_install_action (widget_class, "home-page.lost-uin", NULL, unavailable_action);
  gtk_widget_class_install_action (widget_class, "home-page.upload", NULL, unavailable_action);
  gtk_widget_class_install_action (widget_class, "home-page.sync", NULL, unavailable_action);
}

static void
reg_home_page_init (RegHomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();

  /* What these need is not part of this workstation yet: say so rather
   * than offer a button that fails. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "home-page.new-registration", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "home-page.update-uin", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "home-page.lost-uin", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "home-page.upload", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "home-page.sync", FALSE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->new_registration_row),
                               _("The registration form is not installed on this workstation"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->update_row),
                               _("Updates are not available on this workstation yet"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->lost_row),
                               _("Lost UIN searches are not available on this workstation yet"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->upload_row),
                               _("This workstation cannot reach its server yet: export the packets instead"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->sync_row),
                               _("This workstation cannot reach its server yet"));
}

/**
 * reg_home_page_new:
 * @machine: the workstation's machine
 * @user_id: who is signed in
 *
 * Returns: (transfer floating): a new home page
 */
RegHomePage *
reg_home_page_new (RegMachine *machine,
                   const char *user_id)
{
  RegHomePage *self;
  g_autofree char *greeting = NULL;

  g_return_val_if_fail (REG_IS_MACHINE (machine), NULL);
  g_return_val_if_fail (user_id != NULL, NULL);

  self = g_object_new (REG_TYPE_HOME_PAGE, NULL);
  self->machine = g_object_ref (machine);
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
