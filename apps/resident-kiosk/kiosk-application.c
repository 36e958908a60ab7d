/* kiosk-application.c — the resident kiosk's application object
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "kiosk-application"

#include "config.h"

#include "kiosk-application.h"
#include "kiosk-window.h"

struct _KioskApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  GSimpleAction  *language_action;
};

G_DEFINE_FINAL_TYPE (KioskApplication, kiosk_application, ADW_TYPE_APPLICATION)

static void
language_state_cb (KioskApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    {
      if (KIOSK_IS_WINDOW (l->data))
        kiosk_window_retranslate (l->data);
    }
}

static void
quit_cb (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
  KioskApplication *self = user_data;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    gtk_window_close (l->data);
}

static void
kiosk_application_startup (GApplication *application)
{
  KioskApplication *self = KIOSK_APPLICATION (application);
  static const char * const quit_accels[] = { "<Control>q", NULL };
  static const char * const close_accels[] = { "<Control>w", NULL };
  g_autoptr(GSimpleAction) quit_action = NULL;

  G_APPLICATION_CLASS (kiosk_application_parent_class)->startup (application);

  self->settings = g_settings_new (KIOSK_APPLICATION_ID);

  self->language_action = idem_language_action_new (self->settings, "language");
  g_signal_connect_object (self->language_action, "notify::state",
                           G_CALLBACK (language_state_cb), self, G_CONNECT_SWAPPED);
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (self->language_action));

  quit_action = g_simple_action_new ("quit", NULL);
  g_signal_connect (quit_action, "activate", G_CALLBACK (quit_cb), self);
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (quit_action));

  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);
}

static void
kiosk_application_activate (GApplication *application)
{
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (application));
  if (window == NULL)
    window = GTK_WINDOW (kiosk_window_new (KIOSK_APPLICATION (application)));

  gtk_window_present (window);
}

static void
kiosk_application_dispose (GObject *object)
{
  KioskApplication *self = KIOSK_APPLICATION (object);

  g_clear_object (&self->language_action);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (kiosk_application_parent_class)->dispose (object);
}

static void
kiosk_application_class_init (KioskApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = kiosk_application_dispose;

  application_class->startup = kiosk_application_startup;
  application_class->activate = kiosk_application_activate;
}

static void
kiosk_application_init (KioskApplication *self)
{
}

KioskApplication *
kiosk_application_new (void)
{
  return g_object_new (KIOSK_TYPE_APPLICATION,
                       "application-id", KIOSK_APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/org/idem/ResidentKiosk",
                       NULL);
}
