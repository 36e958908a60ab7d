/* reg-machine-page.c — first run, second step: the machine's key and ID
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * On first showing, the machine generates its Ed25519 key pair (in a
 * thread: the keystore's scrypt takes a moment) and shows its fingerprint,
 * the hex SHA-256 of the public key's DER, which is what the server records
 * for the machine.  The administrator registers it and gives back the
 * 5-digit machine ID that goes into every RID.
 */

#define G_LOG_DOMAIN "reg-machine-page"

#include "config.h"

#include "reg-machine-page.h"

#include <glib/gi18n.h>


struct _RegMachinePage
{
  AdwBin        parent_instance;

  RegMachine   *machine;
  RegSync      *sync;
  gboolean      checking;
  GCancellable *cancellable;
  gulong        changed_id;

  GtkWidget    *generating_box;
  GtkSpinner   *spinner;
  GtkLabel     *fingerprint_label;
  GtkEntry     *machine_id_entry;
  GtkLabel     *machine_id_error;
  GtkLabel     *status_label;
  GtkProgressBar *progress_bar;
  GtkWidget    *check_button;
};

G_DEFINE_FINAL_TYPE (RegMachinePage, reg_machine_page, ADW_TYPE_BIN)

/* Groups of four, so an administrator can read it out over the phone. */
static char *
format_fingerprint (const char *fingerprint)
{
  GString *text = g_string_new (NULL);

  for (gsize i = 0; fingerprint[i] != '\0'; i++)
    {
      if (i > 0 && i % 4 == 0)
        g_string_append_c (text, i % 32 == 0 ? '\n' : ' ');
      g_string_append_c (text, g_ascii_toupper (fingerprint[i]));
    }

  return g_string_free (text, FALSE);
}

static void
update (RegMachinePage *self)
{
  const char *fingerprint = reg_machine_get_key_fingerprint (self->machine);

  gboolean generating = reg_machine_is_generating_key (self->machine);

  gtk_widget_set_visible (self->generating_box, generating);
  gtk_spinner_set_spinning (self->spinner, generating);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "machine-page.check", fingerprint != NULL && !self->checking);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "machine-page.copy-key", fingerprint != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), self->checking);

  if (fingerprint != NULL)
    {
      g_autofree char *text = format_fingerprint (fingerprint);

      gtk_label_set_text (self->fingerprint_label, text);
    }
  else
    gtk_label_set_text (self->fingerprint_label, "");
}

static void
generated_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  RegMachinePage *self = user_data;
  g_autoptr(GError) error = NULL;

  /* The page may have been rebuilt in another language meanwhile: the
   * machine's ::changed updates whichever page is on screen. */
  if (!reg_machine_generate_key_finish (REG_MACHINE (object), result, &error) &&
      !g_cancellable_is_cancelled (self->cancellable))
    {
      gtk_label_set_text (self->status_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->status_label), TRUE);
    }

  g_object_unref (self);
}

static void
show_status (RegMachinePage *self,
             const char     *message)
{
  gtk_label_set_text (self->status_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), message != NULL);
}

static void
sync_progress_cb (RegMachinePage *self,
                  double          fraction)
{
  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
}

static void
checked_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  RegMachinePage *self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = reg_sync_run_finish (REG_SYNC (object), result, &error);
  g_signal_handlers_disconnect_by_func (object, sync_progress_cb, self);
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_object_unref (self);
      return;
    }

  self->checking = FALSE;
  update (self);

  if (ok)
    {
      show_status (self, NULL);
      gtk_widget_activate_action (GTK_WIDGET (self), "reg-window.show-login", NULL);
    }
  else if (g_strcmp0 (idem_client_error_get_code (error), "IDM-MAC-403") == 0)
    show_status (self, _("The server does not know this workstation yet. Check that the administrator registered "
                         "its key fingerprint under this machine ID, then check again."));
  else
    {
      g_autofree char *message = g_strdup_printf (_("The first sync did not finish: %s"), error->message);

      show_status (self, message);
    }

  g_object_unref (self);
}

static void
check_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  RegMachinePage *self = REG_MACHINE_PAGE (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *machine_id = NULL;

  machine_id = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->machine_id_entry))));
  if (!reg_machine_set_machine_id (self->machine, machine_id, &error))
    {
      idem_form_show_error (GTK_WIDGET (self->machine_id_entry), self->machine_id_error, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->machine_id_entry));
      return;
    }

  idem_form_clear_error (GTK_WIDGET (self->machine_id_entry), self->machine_id_error);

  /* Without a server to ask, the workstation still works offline with
   * what it has; the first sync happens from the home page. */
  if (self->sync == NULL)
    {
      gtk_widget_activate_action (widget, "reg-window.show-login", NULL);
      return;
    }

  self->checking = TRUE;
  show_status (self, _("Checking the registration with the server…"));
  update (self);
  g_signal_connect_swapped (self->sync, "progress", G_CALLBACK (sync_progress_cb), self);
  reg_sync_run_async (self->sync, self->cancellable, checked_cb, g_object_ref (self));
}

static void
machine_id_changed_cb (RegMachinePage *self)
{
  if (gtk_widget_get_visible (GTK_WIDGET (self->machine_id_error)))
    idem_form_clear_error (GTK_WIDGET (self->machine_id_entry), self->machine_id_error);
}

static void
reg_machine_page_map (GtkWidget *widget)
{
  RegMachinePage *self = REG_MACHINE_PAGE (widget);

  GTK_WIDGET_CLASS (reg_machine_page_parent_class)->map (widget);

  /* Only once the page is shown: a workstation still being pointed at
   * its server has no key to show yet. */
  if (!reg_machine_has_key (self->machine) && !reg_machine_is_generating_key (self->machine))
    {
      reg_machine_generate_key_async (self->machine, self->cancellable, generated_cb, g_object_ref (self));
      update (self);
    }

  gtk_window_set_default_widget (GTK_WINDOW (gtk_widget_get_root (widget)), self->check_button);
  gtk_widget_grab_focus (GTK_WIDGET (self->machine_id_entry));
}

/* The administrator registers the workstation with its public key (the
 * admin API takes the PEM as it is); the fingerprint on screen lets them
 * check that what they pasted is this workstation's. */
static void
copy_key_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  RegMachinePage *self = REG_MACHINE_PAGE (widget);
  g_autofree char *pem = reg_machine_get_public_key_pem (self->machine);

  if (pem == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), pem);
  gtk_label_set_text (self->status_label, _("The public key is on the clipboard."));
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), TRUE);
}

static void
reg_machine_page_dispose (GObject *object)
{
  RegMachinePage *self = REG_MACHINE_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_signal_handler (&self->changed_id, self->machine);
  if (self->sync != NULL)
    g_signal_handlers_disconnect_by_data (self->sync, self);
  g_clear_object (&self->sync);
  gtk_widget_dispose_template (GTK_WIDGET (self), REG_TYPE_MACHINE_PAGE);
  g_clear_object (&self->machine);

  G_OBJECT_CLASS (reg_machine_page_parent_class)->dispose (object);
}

static void
reg_machine_page_class_init (RegMachinePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = reg_machine_page_dispose;

  widget_class->map = reg_machine_page_map;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/idem/Registration/reg-machine-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RegMachinePage, generating_box);
  gtk_widget_class_bind_template_child (widget_class, RegMachinePage, spinner);
  gtk_widget_class_bind_template_child (widget_class, RegMachinePage, fingerprint_label);
  gtk_widget_class_bind_template_child (widget_class, RegMachinePage, machine_id_entry);
  gtk_widget_class_bind_template_child (widget_class, RegMachinePage, machine_id_error);
  gtk_widget_class_bind_template_child (widget_class, RegMachinePage, status_label);
  gtk_widget_class_bind_template_child (widget_class, RegMachinePage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, RegMachinePage, check_button);
  gtk_widget_class_bind_template_callback (widget_class, machine_id_changed_cb);

  gtk_widget_class_install_action (widget_class, "machine-page.check", NULL, check_action);
  gtk_widget_class_install_action (widget_class, "machine-page.copy-key", NULL, copy_key_action);
}

static void
reg_machine_page_init (RegMachinePage *self)
{
  g_type_ensure (IDEM_TYPE_LANGUAGE_CHOOSER);

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
}

/**
 * reg_machine_page_new:
 * @machine: the workstation's machine
 *
 * Returns: (transfer floating): the page; once shown, it generates the
 *   machine's key pair when the machine has none
 */
RegMachinePage *
reg_machine_page_new (RegMachine *machine)
{
  RegMachinePage *self;

  g_return_val_if_fail (REG_IS_MACHINE (machine), NULL);

  self = g_object_new (REG_TYPE_MACHINE_PAGE, NULL);
  self->machine = g_object_ref (machine);

  if (reg_machine_get_machine_id (machine) != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->machine_id_entry), reg_machine_get_machine_id (machine));

  self->changed_id = g_signal_connect_swapped (machine, "changed", G_CALLBACK (update), self);

  update (self);

  return self;
}

/**
 * reg_machine_page_get_generating:
 * @self: a #RegMachinePage
 *
 * Returns: whether the key pair is being generated
 */
gboolean
reg_machine_page_get_generating (RegMachinePage *self)
{
  g_return_val_if_fail (REG_IS_MACHINE_PAGE (self), FALSE);

  return reg_machine_is_generating_key (self->machine);
}

/**
 * reg_machine_page_set_machine_id:
 * @self: a #RegMachinePage
 * @machine_id: the text of the machine ID field
 */
void
reg_machine_page_set_machine_id (RegMachinePage *self,
                                 const char     *machine_id)
{
  g_return_if_fail (REG_IS_MACHINE_PAGE (self));
  g_return_if_fail (machine_id != NULL);

  gtk_editable_set_text (GTK_EDITABLE (self->machine_id_entry), machine_id);
}

/**
 * reg_machine_page_set_sync:
 * @self: a #RegMachinePage
 * @sync: (nullable): the sync that checks the registration
 */
void
reg_machine_page_set_sync (RegMachinePage *self,
                           RegSync        *sync)
{
  g_return_if_fail (REG_IS_MACHINE_PAGE (self));
  g_return_if_fail (sync == NULL || REG_IS_SYNC (sync));

  g_set_object (&self->sync, sync);
}

/**
 * reg_machine_page_get_checking:
 * @self: a #RegMachinePage
 *
 * Returns: whether the first sync is running
 */
gboolean
reg_machine_page_get_checking (RegMachinePage *self)
{
  g_return_val_if_fail (REG_IS_MACHINE_PAGE (self), FALSE);

  return self->checking;
}
