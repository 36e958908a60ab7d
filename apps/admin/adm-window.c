/* adm-window.c — the admin console's main window
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "adm-window"

#include "config.h"

#include "adm-window.h"
#include "adm-login-page.h"

#include <glib/gi18n.h>

struct _AdmWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;

  GtkStack             *stack;
  AdmLoginPage         *login_page;
};

G_DEFINE_FINAL_TYPE (AdmWindow, adm_window, ADW_TYPE_APPLICATION_WINDOW)

/* Builds the pages anew, so that every string is looked up again in the
 * current language; what the administrator typed survives the rebuild. */
static void
adm_window_build_pages (AdmWindow *self)
{
  g_autofree char *address = NULL;
  g_autofree char *user_name = NULL;

  if (self->login_page != NULL)
    {
      address = g_strdup (adm_login_page_get_address (self->login_page));
      user_name = g_strdup (adm_login_page_get_user_name (self->login_page));
      gtk_stack_remove (self->stack, GTK_WIDGET (self->login_page));
    }

  self->login_page = adm_login_page_new ();
  if (address != NULL)
    adm_login_page_set_address (self->login_page, address);
  if (user_name != NULL)
    adm_login_page_set_user_name (self->login_page, user_name);

  gtk_stack_add_named (self->stack, GTK_WIDGET (self->login_page), "login");
  gtk_stack_set_visible_child_name (self->stack, "login");

  gtk_window_set_title (GTK_WINDOW (self), _("Idem Admin"));
}

static void
adm_window_constructed (GObject *object)
{
  AdmWindow *self = ADM_WINDOW (object);

  G_OBJECT_CLASS (adm_window_parent_class)->constructed (object);

  /* Not in init: the construct-time "maximized" property would undo it. */
  idem_window_remember_geometry (GTK_WINDOW (self), self->settings);
}

static void
adm_window_dispose (GObject *object)
{
  AdmWindow *self = ADM_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), ADM_TYPE_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (adm_window_parent_class)->dispose (object);
}

static void
adm_window_class_init (AdmWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = adm_window_constructed;
  object_class->dispose = adm_window_dispose;


  gtk_widget_class_set_template_from_resource (widget_class, "/org/idem/Admin/adm-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AdmWindow, stack);
}

static void
adm_window_init (AdmWindow *self)
{
  g_type_ensure (ADM_TYPE_LOGIN_PAGE);

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (ADM_APPLICATION_ID);

  adm_window_build_pages (self);
}

AdmWindow *
adm_window_new (AdmApplication *application)
{
  g_return_val_if_fail (ADM_IS_APPLICATION (application), NULL);

  return g_object_new (ADM_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

/**
 * adm_window_retranslate:
 * @self: a #AdmWindow
 *
 * Rebuilds the window's content in the current language.
 */
void
adm_window_retranslate (AdmWindow *self)
{
  g_return_if_fail (ADM_IS_WINDOW (self));

  adm_window_build_pages (self);
}

/**
 * adm_window_get_page:
 * @self: a #AdmWindow
 *
 * Returns: (transfer none): the page on screen
 */
GtkWidget *
adm_window_get_page (AdmWindow *self)
{
  g_return_val_if_fail (ADM_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child (self->stack);
}
