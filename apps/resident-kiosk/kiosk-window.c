/* kiosk-window.c — the kiosk's one full-screen window
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "kiosk-window"

#include "config.h"

#include "kiosk-window.h"
#include "kiosk-login-page.h"
#include "kiosk-welcome-page.h"

#include <glib/gi18n.h>

struct _KioskWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;

  GtkStack             *stack;
  KioskWelcomePage     *welcome_page;
  KioskLoginPage       *login_page;
};

G_DEFINE_FINAL_TYPE (KioskWindow, kiosk_window, ADW_TYPE_APPLICATION_WINDOW)

/* Builds the pages anew, so that every string is looked up again in the
 * current language; the number the resident typed survives the rebuild. */
static void
kiosk_window_build_pages (KioskWindow *self)
{
  g_autofree char *visible = NULL;
  g_autofree char *individual_id = NULL;
  GtkStackTransitionType transition;

  if (self->welcome_page != NULL)
    {
      visible = g_strdup (gtk_stack_get_visible_child_name (self->stack));
      individual_id = g_strdup (kiosk_login_page_get_individual_id (self->login_page));

      gtk_stack_remove (self->stack, GTK_WIDGET (self->welcome_page));
      gtk_stack_remove (self->stack, GTK_WIDGET (self->login_page));
    }

  self->welcome_page = kiosk_welcome_page_new ();
  self->login_page = kiosk_login_page_new ();
  if (individual_id != NULL)
    kiosk_login_page_set_individual_id (self->login_page, individual_id);

  transition = gtk_stack_get_transition_type (self->stack);
  gtk_stack_set_transition_type (self->stack, GTK_STACK_TRANSITION_TYPE_NONE);
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->welcome_page), "welcome");
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->login_page), "login");
  gtk_stack_set_visible_child_name (self->stack, visible != NULL ? visible : "welcome");
  gtk_stack_set_transition_type (self->stack, transition);

  gtk_window_set_title (GTK_WINDOW (self), _("Idem Resident Kiosk"));
}

static void
show_welcome_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  KioskWindow *self = KIOSK_WINDOW (widget);

  gtk_stack_set_visible_child_name (self->stack, "welcome");
}

static void
show_login_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  KioskWindow *self = KIOSK_WINDOW (widget);

  gtk_stack_set_visible_child_name (self->stack, "login");
}

static void
kiosk_window_constructed (GObject *object)
{
  KioskWindow *self = KIOSK_WINDOW (object);

  G_OBJECT_CLASS (kiosk_window_parent_class)->constructed (object);

  /* A kiosk owns its screen; the setting exists to try it on a desktop.
   * Not in init: the construct-time "fullscreened" property would undo it. */
  if (g_settings_get_boolean (self->settings, "fullscreen"))
    gtk_window_fullscreen (GTK_WINDOW (self));
}

static void
kiosk_window_dispose (GObject *object)
{
  KioskWindow *self = KIOSK_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), KIOSK_TYPE_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (kiosk_window_parent_class)->dispose (object);
}

static void
kiosk_window_class_init (KioskWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = kiosk_window_constructed;
  object_class->dispose = kiosk_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/idem/ResidentKiosk/kiosk-window.ui");
  gtk_widget_class_bind_template_child (widget_class, KioskWindow, stack);

  gtk_widget_class_install_action (widget_class, "kiosk-window.show-welcome", NULL, show_welcome_action);
  gtk_widget_class_install_action (widget_class, "kiosk-window.show-login", NULL, show_login_action);
}

static void
kiosk_window_init (KioskWindow *self)
{
  g_type_ensure (KIOSK_TYPE_WELCOME_PAGE);
  g_type_ensure (KIOSK_TYPE_LOGIN_PAGE);

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (KIOSK_APPLICATION_ID);

  kiosk_window_build_pages (self);
}

KioskWindow *
kiosk_window_new (KioskApplication *application)
{
  g_return_val_if_fail (KIOSK_IS_APPLICATION (application), NULL);

  return g_object_new (KIOSK_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

/**
 * kiosk_window_retranslate:
 * @self: a #KioskWindow
 *
 * Rebuilds the window's content in the current language.
 */
void
kiosk_window_retranslate (KioskWindow *self)
{
  g_return_if_fail (KIOSK_IS_WINDOW (self));

  kiosk_window_build_pages (self);
}

/**
 * kiosk_window_get_page:
 * @self: a #KioskWindow
 *
 * Returns: (transfer none): the page on screen
 */
GtkWidget *
kiosk_window_get_page (KioskWindow *self)
{
  g_return_val_if_fail (KIOSK_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child (self->stack);
}
