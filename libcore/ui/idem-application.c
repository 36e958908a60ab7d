/* idem-application.c — what the three apps' application objects share
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "idem-application"

#include "config.h"

#include "idem-ui.h"

/**
 * IdemApplication:
 *
 * The base of each app's application object.  It keeps the settings of the
 * application id, owns the stateful `app.language` action (stored in the
 * `language` key, and retranslating every window when it changes) and the
 * `app.quit` action, binds <kbd>Ctrl</kbd>+<kbd>Q</kbd> to `app.quit` and
 * <kbd>Ctrl</kbd>+<kbd>W</kbd> to `window.close`, and on activation presents
 * the active window or else a new one from
 * #IdemApplicationClass.create_window.
 */
typedef struct
{
  GSettings     *settings;
  GSimpleAction *language_action;
} IdemApplicationPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (IdemApplication, idem_application, ADW_TYPE_APPLICATION)

static void
language_state_cb (IdemApplication *self)
{
  IdemApplicationClass *klass = IDEM_APPLICATION_GET_CLASS (self);

  if (klass->retranslate_window == NULL)
    return;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    klass->retranslate_window (self, l->data);
}

static void
quit_cb (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
  IdemApplication *self = user_data;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    gtk_window_close (l->data);
}

static void
idem_application_startup (GApplication *application)
{
  IdemApplication *self = IDEM_APPLICATION (application);
  IdemApplicationPrivate *priv = idem_application_get_instance_private (self);
  static const char * const quit_accels[] = { "<Control>q", NULL };
  static const char * const close_accels[] = { "<Control>w", NULL };
  g_autoptr(GSimpleAction) quit_action = NULL;

  G_APPLICATION_CLASS (idem_application_parent_class)->startup (application);

  priv->settings = g_settings_new (g_application_get_application_id (application));

  priv->language_action = idem_language_action_new (priv->settings, "language");
  g_signal_connect_object (priv->language_action, "notify::state",
                           G_CALLBACK (language_state_cb), self, G_CONNECT_SWAPPED);
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (priv->language_action));

  quit_action = g_simple_action_new ("quit", NULL);
  g_signal_connect (quit_action, "activate", G_CALLBACK (quit_cb), self);
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (quit_action));

  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);
}

static void
idem_application_activate (GApplication *application)
{
  IdemApplication *self = IDEM_APPLICATION (application);
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (application));
  if (window == NULL)
    window = IDEM_APPLICATION_GET_CLASS (self)->create_window (self);

  gtk_window_present (window);
}

static void
idem_application_dispose (GObject *object)
{
  IdemApplication *self = IDEM_APPLICATION (object);
  IdemApplicationPrivate *priv = idem_application_get_instance_private (self);

  g_clear_object (&priv->language_action);
  g_clear_object (&priv->settings);

  G_OBJECT_CLASS (idem_application_parent_class)->dispose (object);
}

static void
idem_application_class_init (IdemApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = idem_application_dispose;

  application_class->startup = idem_application_startup;
  application_class->activate = idem_application_activate;
}

static void
idem_application_init (IdemApplication *self)
{
}

/**
 * idem_application_get_settings:
 * @self: an #IdemApplication
 *
 * Returns the settings of the application id, which exist from startup on.
 *
 * Returns: (transfer none) (nullable): the settings, or %NULL before startup
 */
GSettings *
idem_application_get_settings (IdemApplication *self)
{
  IdemApplicationPrivate *priv;

  g_return_val_if_fail (IDEM_IS_APPLICATION (self), NULL);

  priv = idem_application_get_instance_private (self);

  return priv->settings;
}
