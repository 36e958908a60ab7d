/* reg-window.c — the registration client's main window
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "reg-window"

#include "config.h"

#include "reg-window.h"
#include "reg-login-page.h"
#include "reg-setup-page.h"

#include <glib/gi18n.h>

struct _RegWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;

  GtkStack             *stack;
  RegSetupPage         *setup_page;
  RegLoginPage         *login_page;
};

G_DEFINE_FINAL_TYPE (RegWindow, reg_window, ADW_TYPE_APPLICATION_WINDOW)

/* Builds the pages anew, so that every string is looked up again in the
 * current language; what the operator typed survives the rebuild. */
static void
reg_window_build_pages (RegWindow *self)
{
  g_autofree char *visible = NULL;
  g_autofree char *address = NULL;
  g_autofree char *user_id = NULL;
  GtkStackTransitionType transition;

  if (self->setup_page != NULL)
    {
      visible = g_strdup (gtk_stack_get_visible_child_name (self->stack));
      address = g_strdup (reg_setup_page_get_address (self->setup_page));
      user_id = g_strdup (reg_login_page_get_user_id (self->login_page));

      gtk_stack_remove (self->stack, GTK_WIDGET (self->setup_page));
      gtk_stack_remove (self->stack, GTK_WIDGET (self->login_page));
    }
  else
    {
      g_autofree char *server_url = g_settings_get_string (self->settings, "server-url");

      visible = g_strdup (server_url[0] == '\0' ? "setup" : "login");
    }

  self->setup_page = reg_setup_page_new ();
  self->login_page = reg_login_page_new ();

  if (address != NULL)
    reg_setup_page_set_address (self->setup_page, address);
  if (user_id != NULL)
    reg_login_page_set_user_id (self->login_page, user_id);

  transition = gtk_stack_get_transition_type (self->stack);
  gtk_stack_set_transition_type (self->stack, GTK_STACK_TRANSITION_TYPE_NONE);
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->setup_page), "setup");
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->login_page), "login");
  gtk_stack_set_visible_child_name (self->stack, visible);
  gtk_stack_set_transition_type (self->stack, transition);

  gtk_window_set_title (GTK_WINDOW (self), _("Idem Registration"));
}

static void
show_setup_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  RegWindow *self = REG_WINDOW (widget);

  gtk_stack_set_visible_child_name (self->stack, "setup");
}

static void
show_login_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  RegWindow *self = REG_WINDOW (widget);

  reg_login_page_reload (self->login_page);
  gtk_stack_set_visible_child_name (self->stack, "login");
}

static void
reg_window_constructed (GObject *object)
{
  RegWindow *self = REG_WINDOW (object);

  G_OBJECT_CLASS (reg_window_parent_class)->constructed (object);

  /* Not in init: the construct-time "maximized" property would undo it. */
  idem_window_remember_geometry (GTK_WINDOW (self), self->settings);
}

static void
reg_window_dispose (GObject *object)
{
  RegWindow *self = REG_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), REG_TYPE_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (reg_window_parent_class)->dispose (object);
}

static void
reg_window_class_init (RegWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = reg_window_constructed;
  object_class->dispose = reg_window_dispose;


  gtk_widget_class_set_template_from_resource (widget_class, "/org/idem/Registration/reg-window.ui");
  gtk_widget_class_bind_template_child (widget_class, RegWindow, stack);

  gtk_widget_class_install_action (widget_class, "reg-window.show-setup", NULL, show_setup_action);
  gtk_widget_class_install_action (widget_class, "reg-window.show-login", NULL, show_login_action);
}

static void
reg_window_init (RegWindow *self)
{
  g_type_ensure (REG_TYPE_SETUP_PAGE);
  g_type_ensure (REG_TYPE_LOGIN_PAGE);

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (REG_APPLICATION_ID);

  reg_window_build_pages (self);
}

RegWindow *
reg_window_new (RegApplication *application)
{
  g_return_val_if_fail (REG_IS_APPLICATION (application), NULL);

  return g_object_new (REG_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

/**
 * reg_window_retranslate:
 * @self: a #RegWindow
 *
 * Rebuilds the window's content in the current language.
 */
void
reg_window_retranslate (RegWindow *self)
{
  g_return_if_fail (REG_IS_WINDOW (self));

  reg_window_build_pages (self);
}

/**
 * reg_window_get_page:
 * @self: a #RegWindow
 *
 * Returns: (transfer none): the page on screen
 */
GtkWidget *
reg_window_get_page (RegWindow *self)
{
  g_return_val_if_fail (REG_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child (self->stack);
}
