/* reg-window.c — the registration client's main window
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "reg-window"

#include "config.h"

#include "reg-window.h"
#include "reg-flow.h"
#include "reg-home-page.h"
#include "reg-idle-logout.h"
#include "reg-login-page.h"
#include "reg-machine-page.h"
#include "reg-packets-page.h"
#include "reg-password.h"
#include "reg-review-page.h"
#include "reg-setup-page.h"

#include <glib/gi18n.h>
#include <openssl/err.h>
#include <openssl/pem.h>

struct _RegWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;
  RegMachine           *machine;
  RegIdleLogout        *idle_logout;
  char                 *user_id;

  GtkStack             *stack;
  GtkRevealer          *idle_revealer;
  GtkLabel             *idle_label;
  RegSetupPage         *setup_page;
  RegMachinePage       *machine_page;
  RegLoginPage         *login_page;
  RegHomePage          *home_page;
  RegReviewPage        *review_page;
  RegPacketsPage       *packets_page;
  GtkWidget            *flow;
  GtkWidget            *error_page;
  GCancellable         *cancellable;
  char                 *recovery_report;
};

G_DEFINE_FINAL_TYPE (RegWindow, reg_window, ADW_TYPE_APPLICATION_WINDOW)

static void signed_in_cb (RegWindow  *self,
                          const char *user_id);

static void
remove_page (RegWindow  *self,
             GtkWidget **page)
{
  if (*page != NULL)
    gtk_stack_remove (self->stack, *page);
  *page = NULL;
}

static void
add_page (RegWindow  *self,
          GtkWidget  *page,
          const char *name)
{
  GtkStackTransitionType transition = gtk_stack_get_transition_type (self->stack);

  gtk_stack_set_transition_type (self->stack, GTK_STACK_TRANSITION_TYPE_NONE);
  gtk_stack_add_named (self->stack, page, name);
  gtk_stack_set_transition_type (self->stack, transition);
}

static void
show_page (RegWindow  *self,
           const char *name,
           gboolean    animate)
{
  GtkStackTransitionType transition = gtk_stack_get_transition_type (self->stack);

  if (!animate)
    gtk_stack_set_transition_type (self->stack, GTK_STACK_TRANSITION_TYPE_NONE);
  gtk_stack_set_visible_child_name (self->stack, name);
  gtk_stack_set_transition_type (self->stack, transition);
}

/* Where a window opens: the first setup step not done yet, else sign-in. */
static const char *
first_page (RegWindow *self)
{
  g_autofree char *server_url = g_settings_get_string (self->settings, "server-url");

  if (self->machine == NULL)
    return "error";
  if (server_url[0] == '\0')
    return "setup";
  if (!reg_machine_has_key (self->machine) || reg_machine_get_machine_id (self->machine) == NULL)
    return "machine";

  return "login";
}

static RegSync *
get_sync (RegWindow *self)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));

  return application != NULL ? reg_application_get_sync (REG_APPLICATION (application)) : NULL;
}

static void
build_session_pages (RegWindow *self)
{
  remove_page (self, (GtkWidget **) &self->home_page);
  remove_page (self, (GtkWidget **) &self->review_page);
  remove_page (self, (GtkWidget **) &self->packets_page);
  remove_page (self, &self->flow);

  if (self->user_id == NULL)
    return;

  self->home_page = reg_home_page_new (self->machine, get_sync (self), self->user_id);
  if (self->recovery_report != NULL)
    reg_home_page_show_message (self->home_page, self->recovery_report, TRUE);
  add_page (self, GTK_WIDGET (self->home_page), "home");
}

/* Builds the pages anew, so that every string is looked up again in the
 * current language; what the operator typed survives the rebuild. */
static void
reg_window_build_pages (RegWindow *self)
{
  g_autofree char *visible = NULL;
  g_autofree char *address = NULL;
  g_autofree char *user_id = NULL;

  if (self->setup_page != NULL)
    {
      visible = g_strdup (gtk_stack_get_visible_child_name (self->stack));
      address = g_strdup (reg_setup_page_get_address (self->setup_page));
      user_id = g_strdup (reg_login_page_get_user_id (self->login_page));
    }
  else
    visible = g_strdup (first_page (self));

  remove_page (self, (GtkWidget **) &self->setup_page);
  remove_page (self, (GtkWidget **) &self->machine_page);
  remove_page (self, (GtkWidget **) &self->login_page);
  remove_page (self, &self->error_page);

  self->setup_page = reg_setup_page_new ();
  self->login_page = reg_login_page_new ();
  reg_login_page_set_machine (self->login_page, self->machine);
  g_signal_connect_object (self->login_page, "signed-in", G_CALLBACK (signed_in_cb), self, G_CONNECT_SWAPPED);

  if (address != NULL)
    reg_setup_page_set_address (self->setup_page, address);
  if (user_id != NULL)
    reg_login_page_set_user_id (self->login_page, user_id);

  add_page (self, GTK_WIDGET (self->setup_page), "setup");
  add_page (self, GTK_WIDGET (self->login_page), "login");

  if (self->machine != NULL)
    {
      self->machine_page = reg_machine_page_new (self->machine);
      reg_machine_page_set_sync (self->machine_page, get_sync (self));
      add_page (self, GTK_WIDGET (self->machine_page), "machine");
    }
  else
    {
      g_autoptr(GError) error = NULL;
      GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));

      if (application != NULL)
        reg_application_get_machine (REG_APPLICATION (application), &error);
      self->error_page = adw_status_page_new ();
      adw_status_page_set_icon_name (ADW_STATUS_PAGE (self->error_page), "dialog-error-symbolic");
      adw_status_page_set_title (ADW_STATUS_PAGE (self->error_page),
                                 _("The workstation’s data cannot be opened"));
      adw_status_page_set_description (ADW_STATUS_PAGE (self->error_page),
                                       error != NULL ? error->message : NULL);
      add_page (self, self->error_page, "error");
    }

  if (g_strcmp0 (visible, "home") == 0 || g_strcmp0 (visible, "review") == 0)
    {
      build_session_pages (self);
      if (g_strcmp0 (visible, "review") == 0)
        {
          self->review_page = reg_review_page_new (self->machine, self->user_id);
          add_page (self, GTK_WIDGET (self->review_page), "review");
        }
      else if (g_strcmp0 (visible, "packets") == 0)
        {
          self->packets_page = reg_packets_page_new (self->machine);
          add_page (self, GTK_WIDGET (self->packets_page), "packets");
        }
    }

  show_page (self, visible, FALSE);
  gtk_window_set_title (GTK_WINDOW (self), _("Idem Registration"));
}

static const char *
problem_to_string (RegPacketProblem problem)
{
  switch (problem)
    {
    case REG_PACKET_PROBLEM_MISSING:
      return _("its file is missing");

    case REG_PACKET_PROBLEM_SIZE:
      return _("its file was not completely written");

    case REG_PACKET_PROBLEM_HASH:
      return _("its file was altered");

    default:
      return "";
    }
}

static void
packets_checked_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  RegWindow *self = user_data;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  GString *report;

  problems = reg_store_check_packets_finish (REG_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_object_unref (self);
      return;
    }

  if (problems == NULL)
    report = g_string_new (error->message);
  else if (problems->len == 0)
    {
      g_object_unref (self);
      return;
    }
  else
    {
      report = g_string_new (g_dngettext (GETTEXT_PACKAGE,
                                          "A packet on this workstation cannot be sent, and the resident must be registered again:",
                                          "Packets on this workstation cannot be sent, and the residents must be registered again:",
                                          problems->len));
      for (guint i = 0; i < problems->len; i++)
        {
          const RegPacket *packet = g_ptr_array_index (problems, i);

          g_string_append_printf (report, "\n%s: %s", packet->rid, problem_to_string (packet->problem));
        }
    }

  g_free (self->recovery_report);
  self->recovery_report = g_string_free (report, FALSE);
  if (self->home_page != NULL)
    reg_home_page_show_message (self->home_page, self->recovery_report, TRUE);

  g_object_unref (self);
}

static void
idle_countdown_cb (RegWindow *self,
                   int        seconds_left)
{
  g_autofree char *text = NULL;

  if (seconds_left < 0)
    {
      gtk_revealer_set_reveal_child (self->idle_revealer, FALSE);
      return;
    }

  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "No activity: you will be signed out in %d second.",
                                       "No activity: you will be signed out in %d seconds.",
                                       seconds_left),
                          seconds_left);
  gtk_label_set_text (self->idle_label, text);
  gtk_revealer_set_reveal_child (self->idle_revealer, TRUE);
}

static void
sign_out (RegWindow *self)
{
  reg_idle_logout_stop (self->idle_logout);
  gtk_revealer_set_reveal_child (self->idle_revealer, FALSE);
  g_clear_pointer (&self->user_id, g_free);
  show_page (self, "login", TRUE);
  build_session_pages (self);
  reg_login_page_reload (self->login_page);
}

static void
idle_expired_cb (RegWindow *self)
{
  /* Never in the middle of sealing a packet: that would lose it. */
  if (self->flow != NULL && reg_flow_get_busy (REG_FLOW (self->flow)))
    {
      reg_idle_logout_start (self->idle_logout);
      return;
    }

  sign_out (self);
}

static void
signed_in_cb (RegWindow  *self,
              const char *user_id)
{
  g_free (self->user_id);
  self->user_id = g_strdup (user_id);
  build_session_pages (self);
  show_page (self, "home", TRUE);
  reg_idle_logout_start (self->idle_logout);
}

static void
show_setup_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  RegWindow *self = REG_WINDOW (widget);

  if (self->user_id != NULL)
    return;

  show_page (self, "setup", TRUE);
}

static void
show_login_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  RegWindow *self = REG_WINDOW (widget);
  const char *next = first_page (self);

  /* The setup page's Continue leads here: go on to the machine step when
   * the machine is not registered yet. */
  if (self->user_id != NULL)
    return;

  /* The machine page was built with the server address of the window's
   * start, none on a new workstation: give it the one just entered. */
  if (self->machine_page != NULL)
    reg_machine_page_set_sync (self->machine_page, get_sync (self));

  reg_login_page_reload (self->login_page);
  show_page (self, g_str_equal (next, "setup") ? "login" : next, TRUE);
}

static void
show_home_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  RegWindow *self = REG_WINDOW (widget);

  if (self->home_page == NULL)
    return;

  reg_home_page_refresh (self->home_page);
  show_page (self, "home", TRUE);
  remove_page (self, (GtkWidget **) &self->review_page);
  remove_page (self, (GtkWidget **) &self->packets_page);
}

/* Built anew each time, so it lists what the last sync brought and shows
 * every UIN masked again. */
static void
show_packets_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  RegWindow *self = REG_WINDOW (widget);

  if (self->user_id == NULL)
    return;

  remove_page (self, (GtkWidget **) &self->packets_page);
  self->packets_page = reg_packets_page_new (self->machine);
  add_page (self, GTK_WIDGET (self->packets_page), "packets");
  show_page (self, "packets", TRUE);
}

static void
show_review_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  RegWindow *self = REG_WINDOW (widget);

  if (self->user_id == NULL)
    return;

  remove_page (self, (GtkWidget **) &self->review_page);
  self->review_page = reg_review_page_new (self->machine, self->user_id);
  add_page (self, GTK_WIDGET (self->review_page), "review");
  show_page (self, "review", TRUE);
}

/* The flow asks from the main thread and frees the rows it gets. */
static JsonArray *
flow_master_data (const char *type,
                  gpointer    user_data)
{
  RegWindow *self = user_data;

  return reg_machine_get_master_data (self->machine, type);
}

/* Called in a worker thread: only the hash copied at the flow's start. */
static gboolean
flow_authenticate (const char *user_id,
                   const char *password,
                   gpointer    user_data)
{
  return reg_password_verify (user_data, password);
}

static void
flow_done_cb (RegWindow *self)
{
  show_page (self, "home", TRUE);
  remove_page (self, &self->flow);
  if (self->home_page != NULL)
    reg_home_page_refresh (self->home_page);
}

static X509 *
certificate_from_pem (const char *pem)
{
  BIO *bio = BIO_new_mem_buf (pem, -1);
  X509 *certificate = bio != NULL ? PEM_read_bio_X509 (bio, NULL, NULL, NULL) : NULL;

  BIO_free (bio);
  ERR_clear_error ();
  return certificate;
}

/* The second language of the form is remembered for the next one. */
static void
secondary_language_changed_cb (RegDemographicsStep *form,
                               GParamSpec          *pspec,
                               RegWindow           *self)
{
  const char *language = reg_demographics_step_get_secondary_language (form);

  g_settings_set_string (self->settings, "secondary-language", language != NULL ? language : "");
}

static void
start_registration (RegWindow         *self,
                    IdemPacketProcess  process)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) user = NULL;
  const char *pem;
  g_autofree char *camera_source = NULL;
  g_autofree char *secondary_language = NULL;
  RegFlowSetup setup = { 0 };
  X509 *certificate;
  guint sequence;
  char *hash;

  if (self->user_id == NULL || self->flow != NULL)
    return;

  pem = reg_machine_get_certificate_pem (self->machine);
  certificate = pem != NULL ? certificate_from_pem (pem) : NULL;
  if (certificate == NULL || reg_machine_get_centre_id (self->machine) == NULL)
    {
      g_clear_pointer (&certificate, X509_free);
      return;
    }

  sequence = reg_store_next_sequence (reg_machine_get_store (self->machine), &error);
  if (sequence == 0)
    {
      X509_free (certificate);
      if (self->home_page != NULL)
        reg_home_page_show_message (self->home_page, error->message, TRUE);
      return;
    }

  user = reg_machine_find_user (self->machine, self->user_id);
  hash = g_strdup (user != NULL ? json_object_get_string_member_with_default (user, "passwordHash", "") : "");

  setup.schema = reg_machine_get_id_schema (self->machine);
  setup.ui_spec = reg_machine_get_ui_spec (self->machine);
  setup.process = process;
  setup.centre_id = reg_machine_get_centre_id (self->machine);
  setup.machine_id = reg_machine_get_machine_id (self->machine);
  setup.rid_sequence = sequence;
  setup.signing_key = reg_machine_get_signing_key (self->machine);
  setup.certificate = certificate;
  setup.store = reg_machine_get_store (self->machine);
  setup.operator_id = self->user_id;
  setup.primary_language = idem_language_get_current ()->iso639_3;
  secondary_language = g_settings_get_string (self->settings, "secondary-language");
  setup.secondary_language = *secondary_language != '\0' ? secondary_language : NULL;
  camera_source = g_settings_get_string (self->settings, "camera-source");
  setup.camera_source = camera_source;
  setup.master_data = flow_master_data;
  setup.master_data_user_data = self;
  setup.authenticate = flow_authenticate;
  setup.authenticate_data = hash;

  self->flow = reg_flow_new (&setup);
  X509_free (certificate);
  g_object_set_data_full (G_OBJECT (self->flow), "reg-window-password-hash", hash, g_free);
  g_signal_connect_object (self->flow, "cancelled", G_CALLBACK (flow_done_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->flow, "finished", G_CALLBACK (flow_done_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (reg_flow_get_step (REG_FLOW (self->flow), "demographics"), "notify::secondary-language",
                           G_CALLBACK (secondary_language_changed_cb), self, 0);
  add_page (self, self->flow, "flow");
  show_page (self, "flow", TRUE);
}

static void
new_registration_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  start_registration (REG_WINDOW (widget), IDEM_PACKET_PROCESS_NEW);
}

static void
update_uin_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  start_registration (REG_WINDOW (widget), IDEM_PACKET_PROCESS_UPDATE);
}

static void
lost_uin_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  start_registration (REG_WINDOW (widget), IDEM_PACKET_PROCESS_LOST);
}

static void
sign_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  RegWindow *self = REG_WINDOW (widget);

  if (self->flow != NULL && reg_flow_get_busy (REG_FLOW (self->flow)))
    return;

  sign_out (self);
}

static void
stay_signed_in_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  reg_idle_logout_poke (REG_WINDOW (widget)->idle_logout);
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

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->recovery_report, g_free);
  if (self->idle_logout != NULL)
    reg_idle_logout_stop (self->idle_logout);
  g_clear_object (&self->idle_logout);
  gtk_widget_dispose_template (GTK_WIDGET (self), REG_TYPE_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->machine);
  g_clear_pointer (&self->user_id, g_free);

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
  gtk_widget_class_bind_template_child (widget_class, RegWindow, idle_revealer);
  gtk_widget_class_bind_template_child (widget_class, RegWindow, idle_label);

  gtk_widget_class_install_action (widget_class, "reg-window.show-setup", NULL, show_setup_action);
  gtk_widget_class_install_action (widget_class, "reg-window.show-login", NULL, show_login_action);
  gtk_widget_class_install_action (widget_class, "reg-window.show-home", NULL, show_home_action);
  gtk_widget_class_install_action (widget_class, "reg-window.show-review", NULL, show_review_action);
  gtk_widget_class_install_action (widget_class, "reg-window.show-packets", NULL, show_packets_action);
  gtk_widget_class_install_action (widget_class, "reg-window.sign-out", NULL, sign_out_action);
  gtk_widget_class_install_action (widget_class, "reg-window.new-registration", NULL, new_registration_action);
  gtk_widget_class_install_action (widget_class, "reg-window.update-uin", NULL, update_uin_action);
  gtk_widget_class_install_action (widget_class, "reg-window.lost-uin", NULL, lost_uin_action);
  gtk_widget_class_install_action (widget_class, "reg-window.stay-signed-in", NULL, stay_signed_in_action);
}

static void
reg_window_init (RegWindow *self)
{
  g_type_ensure (REG_TYPE_SETUP_PAGE);
  g_type_ensure (REG_TYPE_LOGIN_PAGE);

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (REG_APPLICATION_ID);
  self->cancellable = g_cancellable_new ();
  self->idle_logout = reg_idle_logout_new (GTK_WIDGET (self), self->settings);
  g_signal_connect_object (self->idle_logout, "countdown", G_CALLBACK (idle_countdown_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->idle_logout, "expired", G_CALLBACK (idle_expired_cb), self, G_CONNECT_SWAPPED);
}

RegWindow *
reg_window_new (RegApplication *application)
{
  RegWindow *self;
  RegMachine *machine;

  g_return_val_if_fail (REG_IS_APPLICATION (application), NULL);

  self = g_object_new (REG_TYPE_WINDOW,
                       "application", application,
                       NULL);

  /* Here rather than in constructed(): "application" is set after it. */
  machine = reg_application_get_machine (application, NULL);
  if (machine != NULL)
    self->machine = g_object_ref (machine);
  reg_window_build_pages (self);

  /* What a crash may have left: temporary files go, and packets whose
   * file is gone or cut short are reported once someone signs in. */
  if (self->machine != NULL)
    reg_store_check_packets_async (reg_machine_get_store (self->machine), self->cancellable,
                                   packets_checked_cb, g_object_ref (self));

  return self;
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

/**
 * reg_window_get_user_id:
 * @self: a #RegWindow
 *
 * Returns: (nullable): who is signed in
 */
const char *
reg_window_get_user_id (RegWindow *self)
{
  g_return_val_if_fail (REG_IS_WINDOW (self), NULL);

  return self->user_id;
}

/**
 * reg_window_get_idle_message:
 * @self: a #RegWindow
 *
 * Returns: (nullable): the idle sign-out countdown on screen, or %NULL
 */
const char *
reg_window_get_idle_message (RegWindow *self)
{
  g_return_val_if_fail (REG_IS_WINDOW (self), NULL);

  if (!gtk_revealer_get_reveal_child (self->idle_revealer))
    return NULL;

  return gtk_label_get_text (self->idle_label);
}

/**
 * reg_window_get_flow:
 * @self: a #RegWindow
 *
 * Returns: (transfer none) (nullable): the registration under way
 */
GtkWidget *
reg_window_get_flow (RegWindow *self)
{
  g_return_val_if_fail (REG_IS_WINDOW (self), NULL);

  return self->flow;
}
