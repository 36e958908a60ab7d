/* reg-login-page.c — operator sign-in
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "reg-login-page"

#include "config.h"

#include "reg-login-page.h"
#include "reg-application.h"

#include <glib/gi18n.h>

struct _RegLoginPage
{
  AdwBin          parent_instance;

  GSettings      *settings;

  AdwWindowTitle *window_title;
  GtkEntry       *user_entry;
  GtkLabel       *user_error;
  GtkWidget      *password_entry;
  GtkLabel       *password_error;
  GtkWidget      *status_box;
  GtkLabel       *status_title;
  GtkLabel       *status_label;
  GtkWidget      *sign_in_button;
};

G_DEFINE_FINAL_TYPE (RegLoginPage, reg_login_page, ADW_TYPE_BIN)

static void
sign_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  RegLoginPage *self = REG_LOGIN_PAGE (widget);
  g_autofree char *user_id = NULL;
  g_autofree char *server_url = NULL;
  g_autofree char *message = NULL;
  const char *password;
  GtkWidget *first_invalid = NULL;

  user_id = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->user_entry))));
  password = gtk_editable_get_text (GTK_EDITABLE (self->password_entry));

  gtk_widget_set_visible (self->status_box, FALSE);

  if (user_id[0] == '\0')
    {
      idem_form_show_error (GTK_WIDGET (self->user_entry), self->user_error,
                            _("Enter your user ID."));
      first_invalid = GTK_WIDGET (self->user_entry);
    }
  else
    idem_form_clear_error (GTK_WIDGET (self->user_entry), self->user_error);

  if (password[0] == '\0')
    {
      idem_form_show_error (self->password_entry, self->password_error,
                            _("Enter your password."));
      if (first_invalid == NULL)
        first_invalid = self->password_entry;
    }
  else
    idem_form_clear_error (self->password_entry, self->password_error);

  if (first_invalid != NULL)
    {
      gtk_widget_grab_focus (first_invalid);
      return;
    }

  /* Operators are checked against the accounts the machine downloads when it
   * syncs with its server.  Until it has synced there is nobody to check the
   * credentials against, and the operator must be told so, not let in. */
  server_url = g_settings_get_string (self->settings, "server-url");
  message = g_strdup_printf (_("This workstation has not downloaded its operator accounts from %s "
                               "yet, so it cannot check your user ID and password. Connect it to "
                               "the network and sync it with the server, then sign in again."),
                             server_url);
  gtk_label_set_text (self->status_title, _("Sign-in needs a synced machine"));
  gtk_label_set_text (self->status_label, message);
  gtk_widget_set_visible (self->status_box, TRUE);
}

static void
user_changed_cb (RegLoginPage *self)
{
  if (gtk_widget_get_visible (GTK_WIDGET (self->user_error)))
    idem_form_clear_error (GTK_WIDGET (self->user_entry), self->user_error);
}

static void
password_changed_cb (RegLoginPage *self)
{
  if (gtk_widget_get_visible (GTK_WIDGET (self->password_error)))
    idem_form_clear_error (self->password_entry, self->password_error);
}

static void
reg_login_page_map (GtkWidget *widget)
{
  RegLoginPage *self = REG_LOGIN_PAGE (widget);

  GTK_WIDGET_CLASS (reg_login_page_parent_class)->map (widget);

  gtk_window_set_default_widget (GTK_WINDOW (gtk_widget_get_root (widget)), self->sign_in_button);
  gtk_widget_grab_focus (GTK_WIDGET (self->user_entry));
}

static void
reg_login_page_dispose (GObject *object)
{
  RegLoginPage *self = REG_LOGIN_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), REG_TYPE_LOGIN_PAGE);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (reg_login_page_parent_class)->dispose (object);
}

static void
reg_login_page_class_init (RegLoginPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = reg_login_page_dispose;

  widget_class->map = reg_login_page_map;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/idem/Registration/reg-login-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RegLoginPage, window_title);
  gtk_widget_class_bind_template_child (widget_class, RegLoginPage, user_entry);
  gtk_widget_class_bind_template_child (widget_class, RegLoginPage, user_error);
  gtk_widget_class_bind_template_child (widget_class, RegLoginPage, password_entry);
  gtk_widget_class_bind_template_child (widget_class, RegLoginPage, password_error);
  gtk_widget_class_bind_template_child (widget_class, RegLoginPage, status_box);
  gtk_widget_class_bind_template_child (widget_class, RegLoginPage, status_title);
  gtk_widget_class_bind_template_child (widget_class, RegLoginPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, RegLoginPage, sign_in_button);
  gtk_widget_class_bind_template_callback (widget_class, user_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, password_changed_cb);

  gtk_widget_class_install_action (widget_class, "login-page.sign-in", NULL, sign_in_action);
}

static void
reg_login_page_init (RegLoginPage *self)
{
  g_type_ensure (IDEM_TYPE_LANGUAGE_CHOOSER);

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (REG_APPLICATION_ID);
  reg_login_page_reload (self);
}

RegLoginPage *
reg_login_page_new (void)
{
  return g_object_new (REG_TYPE_LOGIN_PAGE, NULL);
}

/**
 * reg_login_page_reload:
 * @self: a #RegLoginPage
 *
 * Shows the server address from the settings, which the setup page may have
 * just changed.
 */
void
reg_login_page_reload (RegLoginPage *self)
{
  g_autofree char *server_url = NULL;
  g_autoptr(GUri) uri = NULL;

  g_return_if_fail (REG_IS_LOGIN_PAGE (self));

  server_url = g_settings_get_string (self->settings, "server-url");
  uri = g_uri_parse (server_url, G_URI_FLAGS_NONE, NULL);
  adw_window_title_set_subtitle (self->window_title, uri != NULL ? g_uri_get_host (uri) : "");
}

const char *
reg_login_page_get_user_id (RegLoginPage *self)
{
  g_return_val_if_fail (REG_IS_LOGIN_PAGE (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->user_entry));
}

void
reg_login_page_set_user_id (RegLoginPage *self,
                            const char   *user_id)
{
  g_return_if_fail (REG_IS_LOGIN_PAGE (self));
  g_return_if_fail (user_id != NULL);

  gtk_editable_set_text (GTK_EDITABLE (self->user_entry), user_id);
}
