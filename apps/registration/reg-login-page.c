/* reg-login-page.c — operator sign-in
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "reg-login-page"

#include "config.h"

#include "reg-login-page.h"
#include "reg-application.h"
#include "reg-finger-auth.h"
#include "reg-lockout.h"
#include "reg-password.h"

#include <glib/gi18n.h>

struct _RegLoginPage
{
  AdwBin          parent_instance;

  GSettings      *settings;
  RegMachine     *machine;
  GCancellable   *cancellable;
  RegFingerAuth  *finger_auth;
  char           *finger_user_id;
  gboolean        busy;

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

enum {
  SIGNED_IN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  char       *user_id;
  char       *password;
  char       *hash;
} Attempt;

static void
attempt_free (Attempt *attempt)
{
  g_free (attempt->user_id);
  if (attempt->password != NULL)
    idem_crypto_wipe (attempt->password, strlen (attempt->password));
  g_free (attempt->password);
  g_free (attempt->hash);
  g_free (attempt);
}

static void
show_status (RegLoginPage *self,
             const char   *title,
             const char   *message)
{
  gtk_label_set_text (self->status_title, title);
  gtk_label_set_text (self->status_label, message);
  gtk_widget_set_visible (self->status_box, TRUE);
}

static void
set_busy (RegLoginPage *self,
          gboolean      busy)
{
  /* Only the button: an entry made insensitive while it has the focus
   * keeps its cursor blinking without it. */
  self->busy = busy;
  gtk_widget_set_sensitive (self->sign_in_button, !busy);
}

static gint64
lockout_remaining (RegLoginPage *self,
                   const char   *user_id)
{
  return reg_lockout_get_remaining (reg_machine_get_store (self->machine), self->settings, user_id);
}

static void
show_locked (RegLoginPage *self,
             gint64        seconds)
{
  g_autofree char *message = reg_lockout_describe (seconds);

  show_status (self, _("This user is locked out"), message);
}

static void
record_failure (RegLoginPage *self,
                const char   *user_id)
{
  g_autoptr(GError) error = NULL;
  guint left;
  g_autofree char *message = NULL;

  left = reg_lockout_record_failure (reg_machine_get_store (self->machine), self->settings, user_id, &error);
  if (left == G_MAXUINT)
    {
      show_status (self, _("Sign-in failed"), error->message);
      return;
    }

  if (left == 0)
    {
      show_locked (self, g_settings_get_int (self->settings, "lockout-seconds"));
      return;
    }

  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "Check them and try again. %u attempt is left before this user is locked out.",
                                          "Check them and try again. %u attempts are left before this user is locked out.",
                                          left),
                             left);
  show_status (self, _("The user ID or password is wrong"), message);
}

static void
verify_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Attempt *attempt = task_data;

  g_task_return_boolean (task, reg_password_verify (attempt->hash, attempt->password));
}

static void
verified_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  RegLoginPage *self = REG_LOGIN_PAGE (object);
  Attempt *attempt = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = g_task_propagate_boolean (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);

  if (!ok)
    {
      record_failure (self, attempt->user_id);
      gtk_editable_set_text (GTK_EDITABLE (self->password_entry), "");
      gtk_widget_grab_focus (self->password_entry);
      return;
    }

  reg_store_clear_login_failures (reg_machine_get_store (self->machine), attempt->user_id);
  gtk_editable_set_text (GTK_EDITABLE (self->password_entry), "");
  g_signal_emit (self, signals[SIGNED_IN], 0, attempt->user_id);
}

static gboolean
user_may_register (JsonObject *user)
{
  JsonArray *roles;

  if (g_strcmp0 (json_object_get_string_member_with_default (user, "status", "ACTIVE"), "ACTIVE") != 0)
    return FALSE;

  if (!json_object_has_member (user, "roles") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (user, "roles")))
    return FALSE;

  roles = json_object_get_array_member (user, "roles");
  for (guint i = 0; i < json_array_get_length (roles); i++)
    {
      const char *role = json_node_get_string (json_array_get_element (roles, i));

      if (g_strcmp0 (role, "OPERATOR") == 0 || g_strcmp0 (role, "SUPERVISOR") == 0)
        return TRUE;
    }

  return FALSE;
}

static void
sign_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  RegLoginPage *self = REG_LOGIN_PAGE (widget);
  g_autofree char *user_id = NULL;
  g_autofree char *server_url = NULL;
  g_autofree char *message = NULL;
  g_autoptr(JsonObject) user = NULL;
  g_autoptr(GTask) task = NULL;
  const char *password;
  GtkWidget *first_invalid = NULL;
  Attempt *attempt;
  gint64 remaining;

  if (self->busy)
    return;

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
  if (self->machine == NULL || !reg_machine_is_synced (self->machine))
    {
      server_url = g_settings_get_string (self->settings, "server-url");
      message = g_strdup_printf (_("This workstation has not downloaded its operator accounts from %s "
                                   "yet, so it cannot check your user ID and password. Connect it to "
                                   "the network and sync it with the server, then sign in again."),
                                 server_url);
      show_status (self, _("Sign-in needs a synced machine"), message);
      return;
    }

  remaining = lockout_remaining (self, user_id);
  if (remaining > 0)
    {
      show_locked (self, remaining);
      return;
    }

  user = reg_machine_find_user (self->machine, user_id);
  if (user == NULL || !user_may_register (user))
    {
      /* Unknown, inactive and not-an-operator all look the same from
       * outside: the screen does not confirm which user IDs exist. */
      record_failure (self, user_id);
      return;
    }

  attempt = g_new0 (Attempt, 1);
  attempt->user_id = g_strdup (user_id);
  attempt->password = g_strdup (password);
  attempt->hash = g_strdup (json_object_get_string_member_with_default (user, "passwordHash", NULL));

  set_busy (self, TRUE);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  task = g_task_new (self, self->cancellable, verified_cb, NULL);
  g_task_set_source_tag (task, sign_in_action);
  g_task_set_task_data (task, attempt, (GDestroyNotify) attempt_free);
  g_task_run_in_thread (task, verify_thread);
}

/* Fingerprint sign-in: reg-finger-auth captures one finger and compares
 * it with the user's synced templates in a worker thread. */
static void
finger_verified_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(RegLoginPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *user_id = g_steal_pointer (&self->finger_user_id);

  if (reg_finger_auth_verify_finish (REG_FINGER_AUTH (object), result, &error))
    {
      set_busy (self, FALSE);
      reg_store_clear_login_failures (reg_machine_get_store (self->machine), user_id);
      g_signal_emit (self, signals[SIGNED_IN], 0, user_id);
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);
  if (g_error_matches (error, REG_FINGER_AUTH_ERROR, REG_FINGER_AUTH_ERROR_NO_READER))
    show_status (self, _("No fingerprint reader"), error->message);
  else if (g_error_matches (error, REG_FINGER_AUTH_ERROR, REG_FINGER_AUTH_ERROR_NOT_READ))
    show_status (self, _("The finger was not read"), error->message);
  else
    record_failure (self, user_id);
}

static void
finger_needed_cb (RegLoginPage *self)
{
  show_status (self, _("Place your finger on the reader"), _("Any of the fingers you enrolled."));
}

static void
sign_in_finger_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  RegLoginPage *self = REG_LOGIN_PAGE (widget);
  g_autofree char *user_id = NULL;
  g_autoptr(JsonObject) user = NULL;
  gint64 remaining;

  if (self->busy)
    return;

  user_id = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->user_entry))));
  gtk_widget_set_visible (self->status_box, FALSE);
  if (user_id[0] == '\0')
    {
      idem_form_show_error (GTK_WIDGET (self->user_entry), self->user_error, _("Enter your user ID."));
      gtk_widget_grab_focus (GTK_WIDGET (self->user_entry));
      return;
    }
  idem_form_clear_error (GTK_WIDGET (self->user_entry), self->user_error);

  if (self->machine == NULL || !reg_machine_is_synced (self->machine))
    {
      show_status (self, _("Sign-in needs a synced machine"),
                   _("This workstation has not downloaded its operator accounts yet. Sync it with the server, then sign in again."));
      return;
    }

  remaining = lockout_remaining (self, user_id);
  if (remaining > 0)
    {
      show_locked (self, remaining);
      return;
    }

  set_busy (self, TRUE);
  user = reg_machine_find_user (self->machine, user_id);
  self->finger_user_id = g_steal_pointer (&user_id);
  reg_finger_auth_verify_async (self->finger_auth, user, self->cancellable, finger_verified_cb, g_object_ref (self));
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

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->finger_auth);
  g_clear_pointer (&self->finger_user_id, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), REG_TYPE_LOGIN_PAGE);
  g_clear_object (&self->settings);
  g_clear_object (&self->machine);

  G_OBJECT_CLASS (reg_login_page_parent_class)->dispose (object);
}

static void
reg_login_page_class_init (RegLoginPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = reg_login_page_dispose;

  widget_class->map = reg_login_page_map;

  /**
   * RegLoginPage::signed-in:
   * @user_id: who signed in
   *
   * Emitted when a user's password matched their synced hash.
   */
  signals[SIGNED_IN] = g_signal_new ("signed-in",
                                     G_TYPE_FROM_CLASS (klass),
                                     G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL,
                                     G_TYPE_NONE, 1, G_TYPE_STRING);

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
  gtk_widget_class_install_action (widget_class, "login-page.sign-in-finger", NULL, sign_in_finger_action);
}

static void
reg_login_page_init (RegLoginPage *self)
{
  g_type_ensure (IDEM_TYPE_LANGUAGE_CHOOSER);

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (REG_APPLICATION_ID);
  self->cancellable = g_cancellable_new ();
  self->finger_auth = reg_finger_auth_new ();
  g_signal_connect_object (self->finger_auth, "finger-needed", G_CALLBACK (finger_needed_cb), self, G_CONNECT_SWAPPED);
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

/**
 * reg_login_page_set_machine:
 * @self: a #RegLoginPage
 * @machine: (nullable): the machine whose synced users may sign in
 */
void
reg_login_page_set_machine (RegLoginPage *self,
                            RegMachine   *machine)
{
  g_return_if_fail (REG_IS_LOGIN_PAGE (self));
  g_return_if_fail (machine == NULL || REG_IS_MACHINE (machine));

  g_set_object (&self->machine, machine);
}

/**
 * reg_login_page_get_busy:
 * @self: a #RegLoginPage
 *
 * Returns: whether a password is being checked
 */
gboolean
reg_login_page_get_busy (RegLoginPage *self)
{
  g_return_val_if_fail (REG_IS_LOGIN_PAGE (self), FALSE);

  return self->busy;
}
