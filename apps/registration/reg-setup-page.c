/* reg-setup-page.c — first run: which server this workstation reports to
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "reg-setup-page"

#include "config.h"

#include "reg-setup-page.h"
#include "reg-application.h"

struct _RegSetupPage
{
  AdwBin     parent_instance;

  GSettings *settings;

  GtkEntry  *address_entry;
  GtkLabel  *address_error;
  GtkWidget *continue_button;
};

G_DEFINE_FINAL_TYPE (RegSetupPage, reg_setup_page, ADW_TYPE_BIN)

static void
continue_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  RegSetupPage *self = REG_SETUP_PAGE (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;

  address = idem_server_address_normalize (gtk_editable_get_text (GTK_EDITABLE (self->address_entry)),
                                           &error);
  if (address == NULL)
    {
      idem_form_show_error (GTK_WIDGET (self->address_entry), self->address_error, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->address_entry));
      return;
    }

  idem_form_clear_error (GTK_WIDGET (self->address_entry), self->address_error);
  gtk_editable_set_text (GTK_EDITABLE (self->address_entry), address);
  g_settings_set_string (self->settings, "server-url", address);

  gtk_widget_activate_action (widget, "reg-window.show-login", NULL);
}

static void
address_changed_cb (RegSetupPage *self)
{
  /* The error described the old text: once the operator edits it, it no
   * longer applies. */
  if (gtk_widget_get_visible (GTK_WIDGET (self->address_error)))
    idem_form_clear_error (GTK_WIDGET (self->address_entry), self->address_error);
}

static void
reg_setup_page_map (GtkWidget *widget)
{
  RegSetupPage *self = REG_SETUP_PAGE (widget);

  GTK_WIDGET_CLASS (reg_setup_page_parent_class)->map (widget);

  gtk_window_set_default_widget (GTK_WINDOW (gtk_widget_get_root (widget)), self->continue_button);
  gtk_widget_grab_focus (GTK_WIDGET (self->address_entry));
}

static void
reg_setup_page_dispose (GObject *object)
{
  RegSetupPage *self = REG_SETUP_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), REG_TYPE_SETUP_PAGE);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (reg_setup_page_parent_class)->dispose (object);
}

static void
reg_setup_page_class_init (RegSetupPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = reg_setup_page_dispose;

  widget_class->map = reg_setup_page_map;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/idem/Registration/reg-setup-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RegSetupPage, address_entry);
  gtk_widget_class_bind_template_child (widget_class, RegSetupPage, address_error);
  gtk_widget_class_bind_template_child (widget_class, RegSetupPage, continue_button);
  gtk_widget_class_bind_template_callback (widget_class, address_changed_cb);

  gtk_widget_class_install_action (widget_class, "setup-page.continue", NULL, continue_action);
}

static void
reg_setup_page_init (RegSetupPage *self)
{
  g_autofree char *server_url = NULL;

  g_type_ensure (IDEM_TYPE_LANGUAGE_CHOOSER);

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (REG_APPLICATION_ID);
  server_url = g_settings_get_string (self->settings, "server-url");
  gtk_editable_set_text (GTK_EDITABLE (self->address_entry), server_url);
}

RegSetupPage *
reg_setup_page_new (void)
{
  return g_object_new (REG_TYPE_SETUP_PAGE, NULL);
}

const char *
reg_setup_page_get_address (RegSetupPage *self)
{
  g_return_val_if_fail (REG_IS_SETUP_PAGE (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->address_entry));
}

void
reg_setup_page_set_address (RegSetupPage *self,
                            const char   *address)
{
  g_return_if_fail (REG_IS_SETUP_PAGE (self));
  g_return_if_fail (address != NULL);

  gtk_editable_set_text (GTK_EDITABLE (self->address_entry), address);
}
