/* adm-login-page.c — administrator sign-in
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "adm-login-page"

#include "config.h"

#include "adm-login-page.h"
#include "adm-application.h"

#include <glib/gi18n.h>

struct _AdmLoginPage
{
  AdwBin     parent_instance;

  GSettings *settings;

  GtkEntry  *address_entry;
  GtkLabel  *address_error;
  GtkEntry  *user_entry;
  GtkLabel  *user_error;
  GtkWidget *password_entry;
  GtkLabel  *password_error;
  GtkWidget *status_box;
  GtkLabel  *status_title;
  GtkLabel  *status_label;
  GtkWidget *sign_in_button;
};

G_DEFINE_FINAL_TYPE (AdmLoginPage, adm_login_page, ADW_TYPE_BIN)

static void
sign_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  AdmLoginPage *self = ADM_LOGIN_PAGE (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  g_autofree char *user_name = NULL;
  g_autofree char *message = NULL;
  const char *password;
  GtkWidget *first_invalid = NULL;

  gtk_widget_set_visible (self->status_box, FALSE);

  address = idem_server_address_normalize (gtk_editable_get_text (GTK_EDITABLE (self->address_entry)),
                                           &error);
  if (address == NULL)
    {
      idem_form_show_error (GTK_WIDGET (self->address_entry), self->address_error, error->message);
      first_invalid = GTK_WIDGET (self->address_entry);
    }
  else
    {
      idem_form_clear_error (GTK_WIDGET (self->address_entry), self->address_error);
      gtk_editable_set_text (GTK_EDITABLE (self->address_entry), address);
    }

  user_name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->user_entry))));
  if (user_name[0] == '\0')
    {
      idem_form_show_error (GTK_WIDGET (self->user_entry), self->user_error,
                            _("Enter your user name."));
      if (first_invalid == NULL)
        first_invalid = GTK_WIDGET (self->user_entry);
    }
  else
    idem_form_clear_error (GTK_WIDGET (self->user_entry), self->user_error);

  password = gtk_editable_get_text (GTK_EDITABLE (self->password_entry));
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

  g_settings_set_string (self->settings, "server-url", address);
  g_settings_set_string (self->settings, "user-name", user_name);

  /* Administrator accounts live on the server alone; the console keeps no
   * copy to check against.  It does not talk to the server yet, so it must
   * say that nobody can be let in rather than pretend. */
  message = g_strdup_printf (_("The console cannot reach the server at %s yet, so it cannot check "
                               "your user name and password. Nobody can sign in until it does."),
                             address);
  gtk_label_set_text (self->status_title, _("Sign-in needs the server"));
  gtk_label_set_text (self->status_label, message);
  gtk_widget_set_visible (self->status_box, TRUE);
}

static void
address_changed_cb (AdmLoginPage *self)
{
  if (gtk_widget_get_visible (GTK_WIDGET (self->address_error)))
    idem_form_clear_error (GTK_WIDGET (self->address_entry), self->address_error);
}

static void
user_changed_cb (AdmLoginPage *self)
{
  if (gtk_widget_get_visible (GTK_WIDGET (self->user_error)))
    idem_form_clear_error (GTK_WIDGET (self->user_entry), self->user_error);
}

static void
password_changed_cb (AdmLoginPage *self)
{
  if (gtk_widget_get_visible (GTK_WIDGET (self->password_error)))
    idem_form_clear_error (self->password_entry, self->password_error);
}

static void
adm_login_page_map (GtkWidget *widget)
{
  AdmLoginPage *self = ADM_LOGIN_PAGE (widget);
  GtkWidget *first_empty;

  GTK_WIDGET_CLASS (adm_login_page_parent_class)->map (widget);

  gtk_window_set_default_widget (GTK_WINDOW (gtk_widget_get_root (widget)), self->sign_in_button);

  /* Start where there is something to type. */
  if (gtk_editable_get_text (GTK_EDITABLE (self->address_entry))[0] == '\0')
    first_empty = GTK_WIDGET (self->address_entry);
  else if (gtk_editable_get_text (GTK_EDITABLE (self->user_entry))[0] == '\0')
    first_empty = GTK_WIDGET (self->user_entry);
  else
    first_empty = self->password_entry;
  gtk_widget_grab_focus (first_empty);
}

static void
adm_login_page_dispose (GObject *object)
{
  AdmLoginPage *self = ADM_LOGIN_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), ADM_TYPE_LOGIN_PAGE);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (adm_login_page_parent_class)->dispose (object);
}

static void
adm_login_page_class_init (AdmLoginPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = adm_login_page_dispose;

  widget_class->map = adm_login_page_map;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/idem/Admin/adm-login-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AdmLoginPage, address_entry);
  gtk_widget_class_bind_template_child (widget_class, AdmLoginPage, address_error);
  gtk_widget_class_bind_template_child (widget_class, AdmLoginPage, user_entry);
  gtk_widget_class_bind_template_child (widget_class, AdmLoginPage, user_error);
  gtk_widget_class_bind_template_child (widget_class, AdmLoginPage, password_entry);
  gtk_widget_class_bind_template_child (widget_class, AdmLoginPage, password_error);
  gtk_widget_class_bind_template_child (widget_class, AdmLoginPage, status_box);
  gtk_widget_class_bind_template_child (widget_class, AdmLoginPage, status_title);
  gtk_widget_class_bind_template_child (widget_class, AdmLoginPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, AdmLoginPage, sign_in_button);
  gtk_widget_class_bind_template_callback (widget_class, address_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, user_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, password_changed_cb);

  gtk_widget_class_install_action (widget_class, "login-page.sign-in", NULL, sign_in_action);
}

static void
adm_login_page_init (AdmLoginPage *self)
{
  g_autofree char *server_url = NULL;
  g_autofree char *user_name = NULL;

  g_type_ensure (IDEM_TYPE_LANGUAGE_CHOOSER);

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (ADM_APPLICATION_ID);
  server_url = g_settings_get_string (self->settings, "server-url");
  user_name = g_settings_get_string (self->settings, "user-name");
  gtk_editable_set_text (GTK_EDITABLE (self->address_entry), server_url);
  gtk_editable_set_text (GTK_EDITABLE (self->user_entry), user_name);
}

AdmLoginPage *
adm_login_page_new (void)
{
  return g_object_new (ADM_TYPE_LOGIN_PAGE, NULL);
}

const char *
adm_login_page_get_address (AdmLoginPage *self)
{
  g_return_val_if_fail (ADM_IS_LOGIN_PAGE (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->address_entry));
}

void
adm_login_page_set_address (AdmLoginPage *self,
                            const char   *address)
{
  g_return_if_fail (ADM_IS_LOGIN_PAGE (self));
  g_return_if_fail (address != NULL);

  gtk_editable_set_text (GTK_EDITABLE (self->address_entry), address);
}

const char *
adm_login_page_get_user_name (AdmLoginPage *self)
{
  g_return_val_if_fail (ADM_IS_LOGIN_PAGE (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->user_entry));
}

void
adm_login_page_set_user_name (AdmLoginPage *self,
                              const char   *user_name)
{
  g_return_if_fail (ADM_IS_LOGIN_PAGE (self));
  g_return_if_fail (user_name != NULL);

  gtk_editable_set_text (GTK_EDITABLE (self->user_entry), user_name);
}
