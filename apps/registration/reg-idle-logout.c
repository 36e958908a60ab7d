/* reg-idle-logout.c — signing out an operator who walked away
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A workstation left signed in lets anyone register people under the
 * operator's name.  Any key press, click, scroll or pointer movement in the
 * watched window counts as activity; after `idle-warning-seconds` short of
 * `idle-logout-seconds` without any, ::countdown tells the window how many
 * seconds are left every second, and ::expired fires at zero.  Activity
 * during the countdown cancels it (::countdown with -1).
 */

#define G_LOG_DOMAIN "reg-idle-logout"

#include "config.h"

#include "reg-idle-logout.h"

#define TICK_MS 200

struct _RegIdleLogout
{
  GObject             parent_instance;

  GtkWidget          *watched;
  GtkEventController *controller;
  GSettings          *settings;
  guint               tick_id;
  gint64              last_activity;
  int                 shown_seconds;
};

G_DEFINE_FINAL_TYPE (RegIdleLogout, reg_idle_logout, G_TYPE_OBJECT)

enum {
  COUNTDOWN,
  EXPIRED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
event_cb (RegIdleLogout *self,
          GdkEvent      *event)
{
  switch ((int) gdk_event_get_event_type (event))
    {
    case GDK_KEY_PRESS:
    case GDK_BUTTON_PRESS:
    case GDK_MOTION_NOTIFY:
    case GDK_SCROLL:
    case GDK_TOUCH_BEGIN:
      reg_idle_logout_poke (self);
      break;

    default:
      break;
    }

  return GDK_EVENT_PROPAGATE;
}

static gboolean
tick_cb (gpointer user_data)
{
  RegIdleLogout *self = user_data;
  gint64 timeout = (gint64) g_settings_get_int (self->settings, "idle-logout-seconds") * G_USEC_PER_SEC;
  gint64 warning = (gint64) g_settings_get_int (self->settings, "idle-warning-seconds") * G_USEC_PER_SEC;
  gint64 idle = g_get_monotonic_time () - self->last_activity;
  int seconds_left;

  if (idle >= timeout)
    {
      self->tick_id = 0;
      self->shown_seconds = -1;
      g_signal_emit (self, signals[EXPIRED], 0);
      return G_SOURCE_REMOVE;
    }

  if (idle < timeout - warning)
    return G_SOURCE_CONTINUE;

  seconds_left = (int) ((timeout - idle + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
  if (seconds_left != self->shown_seconds)
    {
      self->shown_seconds = seconds_left;
      g_signal_emit (self, signals[COUNTDOWN], 0, seconds_left);
    }

  return G_SOURCE_CONTINUE;
}

static void
reg_idle_logout_dispose (GObject *object)
{
  RegIdleLogout *self = REG_IDLE_LOGOUT (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->watched != NULL && self->controller != NULL)
    gtk_widget_remove_controller (self->watched, self->controller);
  self->controller = NULL;
  g_clear_weak_pointer (&self->watched);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (reg_idle_logout_parent_class)->dispose (object);
}

static void
reg_idle_logout_class_init (RegIdleLogoutClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = reg_idle_logout_dispose;

  /**
   * RegIdleLogout::countdown:
   * @seconds_left: seconds until the sign-out, or -1 when activity
   *   cancelled the countdown
   */
  signals[COUNTDOWN] = g_signal_new ("countdown",
                                     G_TYPE_FROM_CLASS (klass),
                                     G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL,
                                     G_TYPE_NONE, 1, G_TYPE_INT);

  /**
   * RegIdleLogout::expired:
   *
   * The operator was idle for the whole timeout: sign them out.
   */
  signals[EXPIRED] = g_signal_new ("expired",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);
}

static void
reg_idle_logout_init (RegIdleLogout *self)
{
  self->shown_seconds = -1;
}

/**
 * reg_idle_logout_new:
 * @watched: the widget (a window) whose input counts as activity
 * @settings: the settings with `idle-logout-seconds` and
 *   `idle-warning-seconds`
 *
 * Returns: (transfer full): a stopped idle watch
 */
RegIdleLogout *
reg_idle_logout_new (GtkWidget *watched,
                     GSettings *settings)
{
  RegIdleLogout *self;

  g_return_val_if_fail (GTK_IS_WIDGET (watched), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (REG_TYPE_IDLE_LOGOUT, NULL);
  g_set_weak_pointer (&self->watched, watched);
  self->settings = g_object_ref (settings);
  self->controller = gtk_event_controller_legacy_new ();
  gtk_event_controller_set_propagation_phase (self->controller, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (self->controller, "event", G_CALLBACK (event_cb), self);
  gtk_widget_add_controller (watched, self->controller);

  return self;
}

/**
 * reg_idle_logout_start:
 * @self: a #RegIdleLogout
 *
 * Starts counting idle time from now (at sign-in).
 */
void
reg_idle_logout_start (RegIdleLogout *self)
{
  g_return_if_fail (REG_IS_IDLE_LOGOUT (self));

  self->last_activity = g_get_monotonic_time ();
  self->shown_seconds = -1;
  if (self->tick_id == 0)
    self->tick_id = g_timeout_add (TICK_MS, tick_cb, self);
}

/**
 * reg_idle_logout_stop:
 * @self: a #RegIdleLogout
 *
 * Stops watching (at sign-out).
 */
void
reg_idle_logout_stop (RegIdleLogout *self)
{
  g_return_if_fail (REG_IS_IDLE_LOGOUT (self));

  g_clear_handle_id (&self->tick_id, g_source_remove);
  self->shown_seconds = -1;
}

/**
 * reg_idle_logout_is_running:
 * @self: a #RegIdleLogout
 *
 * Returns: whether the idle time is being watched
 */
gboolean
reg_idle_logout_is_running (RegIdleLogout *self)
{
  g_return_val_if_fail (REG_IS_IDLE_LOGOUT (self), FALSE);

  return self->tick_id != 0;
}

/**
 * reg_idle_logout_poke:
 * @self: a #RegIdleLogout
 *
 * Counts as activity: the idle time starts again, and a countdown on
 * screen is cancelled.
 */
void
reg_idle_logout_poke (RegIdleLogout *self)
{
  g_return_if_fail (REG_IS_IDLE_LOGOUT (self));

  self->last_activity = g_get_monotonic_time ();
  if (self->tick_id != 0 && self->shown_seconds >= 0)
    {
      self->shown_seconds = -1;
      g_signal_emit (self, signals[COUNTDOWN], 0, -1);
    }
}
