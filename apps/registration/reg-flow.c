/* reg-flow.c — the steps of a registration, from consent to receipt
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A stack of steps with Back and Next, and a line saying where the
 * operator is.  Next checks the step before leaving it.  Which steps apply
 * follows the process and the resident: a lost-UIN search asks only for
 * biometrics, an infant (under five) gives a face photo and no fingers,
 * and the introducer who vouches for the infant gives at least one finger
 * (a second fingers step, in its introducer mode).  A lost-UIN search
 * takes the biometrics first, then what the resident remembers, all of it
 * optional, to help whoever reviews the search.  An update asks for the
 * UIN and the groups of fields that change, then the resident's
 * biometrics, which the server matches against the UIN's.
 * Saving checks the operator's password in a worker thread, seals the
 * packet in another and writes the receipt PDF next to it; the main loop
 * only collects the steps' values, which is quick.
 */

#define G_LOG_DOMAIN "reg-flow"

#include "config.h"

#include "reg-flow.h"

#include "reg-consent-step.h"
#include "reg-documents-step.h"
#include "reg-face-step.h"
#include "reg-fingers-step.h"
#include "reg-preview-step.h"
#include "reg-receipt.h"

#include <glib/gi18n.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

/* Infants give a face photo only, as MOSIP's client does. */
#define INFANT_AGE 5

typedef enum
{
  STEP_CONSENT,
  STEP_DEMOGRAPHICS,
  STEP_DOCUMENTS,
  STEP_FACE,
  STEP_FINGERS,
  STEP_INTRODUCER,
  STEP_PREVIEW,
  STEP_DONE,
  N_STEPS,
} Step;

static const char * const step_names[N_STEPS] = {
  "consent", "demographics", "documents", "face", "fingers", "introducer", "preview", "done",
};

static const char * const step_titles[N_STEPS] = {
  N_("Consent"), N_("Demographic Details"), N_("Documents"), N_("Face Photo"), N_("Fingerprints"),
  N_("Introducer’s Fingerprints"), N_("Preview"), N_("Receipt"),
};

struct _RegFlow
{
  AdwBin                 parent_instance;

  IdemIdSchema          *schema;
  IdemUiSpec            *ui_spec;
  IdemPacketProcess      process;
  char                  *centre_id;
  char                  *machine_id;
  guint                  rid_sequence;
  EVP_PKEY              *signing_key;
  X509                  *certificate;
  RegStore              *store;
  RegMachine            *machine;
  char                  *packet_dir;
  char                  *operator_id;
  RegFlowAuthFunc        authenticate;
  gpointer               authenticate_data;

  IdemCamera            *camera;
  IdemFingerprintReader *reader;
  GCancellable          *cancellable;

  GtkStack              *stack;
  GtkLabel              *indicator;
  GtkLabel              *message_label;
  GtkWidget             *back_button;
  GtkWidget             *next_button;
  GtkLabel              *rid_label;
  GtkWidget             *steps[N_STEPS];
  Step                   current;

  RegPacketBuilder      *builder;
  RegReceipt            *receipt;
  char                  *message;
  char                  *rid;
  char                  *packet_path;
  char                  *packet_hash;
  gsize                  packet_size;
  char                  *receipt_path;
  GBytes                *preview_json;
  gint64                 seal_started;
  gint64                 seal_time;
  gboolean               busy;
};

G_DEFINE_FINAL_TYPE (RegFlow, reg_flow, ADW_TYPE_BIN)

G_DEFINE_QUARK (reg-flow-error-quark, reg_flow_error)

enum {
  SIGNAL_SEALED,
  SIGNAL_CANCELLED,
  SIGNAL_FINISHED,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

static void
set_message (RegFlow    *self,
             const char *message)
{
  g_free (self->message);
  self->message = g_strdup (message);
  gtk_label_set_text (self->message_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

static gboolean
step_applies (RegFlow *self,
              Step     step)
{
  switch (step)
    {
    case STEP_DEMOGRAPHICS:
      return TRUE;

    case STEP_DOCUMENTS:
      return self->process != IDEM_PACKET_PROCESS_LOST &&
             reg_documents_step_get_n_fields (REG_DOCUMENTS_STEP (self->steps[STEP_DOCUMENTS])) > 0;

    case STEP_FINGERS:
      {
        int age = reg_demographics_step_get_age (REG_DEMOGRAPHICS_STEP (self->steps[STEP_DEMOGRAPHICS]));

        return self->process == IDEM_PACKET_PROCESS_LOST || age < 0 || age >= INFANT_AGE;
      }

    case STEP_INTRODUCER:
      {
        int age = reg_demographics_step_get_age (REG_DEMOGRAPHICS_STEP (self->steps[STEP_DEMOGRAPHICS]));

        return self->process == IDEM_PACKET_PROCESS_NEW && age >= 0 && age < INFANT_AGE;
      }

    case STEP_CONSENT:
    case STEP_FACE:
    case STEP_PREVIEW:
    case STEP_DONE:
    case N_STEPS:
    default:
      return TRUE;
    }
}

/* Where a step comes in its process: a lost-UIN search moves the (then
 * optional) form after the biometrics. */
static int
step_rank (RegFlow *self,
           Step     step)
{
  if (self->process == IDEM_PACKET_PROCESS_LOST && step == STEP_DEMOGRAPHICS)
    return STEP_INTRODUCER * 2 + 1;

  return step * 2;
}

/* The step that applies right after (or before) @from, or @from. */
static Step
neighbour_step (RegFlow  *self,
                Step      from,
                gboolean  forward)
{
  Step best = from;

  for (Step s = STEP_CONSENT; s < STEP_DONE; s++)
    {
      int rank = step_rank (self, s);

      if (s == from || !step_applies (self, s))
        continue;
      if (forward && rank > step_rank (self, from) && (best == from || rank < step_rank (self, best)))
        best = s;
      else if (!forward && rank < step_rank (self, from) && (best == from || rank > step_rank (self, best)))
        best = s;
    }

  return best;
}

static void
show_step (RegFlow *self,
           Step     step)
{
  g_autofree char *indicator = NULL;
  guint n_shown = 0;
  guint position = 0;

  self->current = step;
  /* The documents offered depend on the age just entered. */
  if (step == STEP_DOCUMENTS)
    reg_documents_step_set_age (REG_DOCUMENTS_STEP (self->steps[STEP_DOCUMENTS]),
                                reg_demographics_step_get_age (REG_DEMOGRAPHICS_STEP (self->steps[STEP_DEMOGRAPHICS])));
  gtk_stack_set_visible_child_name (self->stack, step_names[step]);
  set_message (self, NULL);

  for (Step s = STEP_CONSENT; s < STEP_DONE; s++)
    if (step_applies (self, s))
      {
        n_shown++;
        if (step_rank (self, s) <= step_rank (self, step))
          position++;
      }

  if (step == STEP_DONE)
    indicator = g_strdup (_(step_titles[step]));
  else
    /* Translators: “Step 2 of 5: Demographic Details” */
    indicator = g_strdup_printf (_("Step %u of %u: %s"), position, n_shown, _(step_titles[step]));
  gtk_label_set_text (self->indicator, indicator);

  gtk_widget_set_visible (self->back_button, step != STEP_CONSENT && step != STEP_DONE);
  gtk_widget_set_visible (self->next_button, step != STEP_DONE);
  gtk_button_set_label (GTK_BUTTON (self->next_button), step == STEP_PREVIEW ? _("_Save") : _("_Next"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "flow.back", step != STEP_CONSENT && step != STEP_DONE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "flow.print", step == STEP_DONE);
}

static GPtrArray *
build_summary (RegFlow *self)
{
  RegFingersStep *fingers = REG_FINGERS_STEP (self->steps[STEP_FINGERS]);
  GPtrArray *summary = NULL;

  if (step_applies (self, STEP_DEMOGRAPHICS))
    summary = reg_demographics_step_get_summary (REG_DEMOGRAPHICS_STEP (self->steps[STEP_DEMOGRAPHICS]));
  else
    summary = g_ptr_array_new_with_free_func (g_free);
  if (step_applies (self, STEP_DOCUMENTS))
    reg_documents_step_add_summary (REG_DOCUMENTS_STEP (self->steps[STEP_DOCUMENTS]), summary);

  if (step_applies (self, STEP_FINGERS))
    {
      g_ptr_array_add (summary, g_strdup (_("Fingerprints")));
      g_ptr_array_add (summary, g_strdup_printf (_("%u captured, %u missing"),
                                                 reg_fingers_step_get_n_captured (fingers),
                                                 reg_fingers_step_get_n_missing (fingers)));
    }
  if (step_applies (self, STEP_INTRODUCER))
    {
      g_ptr_array_add (summary, g_strdup (_("Introducer’s fingerprints")));
      g_ptr_array_add (summary, g_strdup_printf (_("%u captured"),
                                                 reg_fingers_step_get_n_captured (REG_FINGERS_STEP (self->steps[STEP_INTRODUCER]))));
    }

  return summary;
}

static gboolean
check_step (RegFlow *self)
{
  switch (self->current)
    {
    case STEP_CONSENT:
      if (!reg_consent_step_get_accepted (REG_CONSENT_STEP (self->steps[STEP_CONSENT])))
        {
          set_message (self, _("The resident must agree before the registration can go on."));
          return FALSE;
        }
      return TRUE;

    case STEP_DEMOGRAPHICS:
      if (!reg_demographics_step_validate (REG_DEMOGRAPHICS_STEP (self->steps[STEP_DEMOGRAPHICS])))
        {
          set_message (self, _("Some fields need attention."));
          return FALSE;
        }
      return TRUE;

    case STEP_DOCUMENTS:
      if (!reg_documents_step_validate (REG_DOCUMENTS_STEP (self->steps[STEP_DOCUMENTS])))
        {
          set_message (self, _("Some documents are missing or still being read."));
          return FALSE;
        }
      return TRUE;

    case STEP_FACE:
      if (reg_face_step_get_photo (REG_FACE_STEP (self->steps[STEP_FACE])) == NULL)
        {
          set_message (self, _("Take the resident’s photo first."));
          return FALSE;
        }
      return TRUE;

    case STEP_FINGERS:
      if (!reg_fingers_step_is_complete (REG_FINGERS_STEP (self->steps[STEP_FINGERS])))
        {
          set_message (self, _("Capture every finger, or mark it missing and take an exception photo."));
          return FALSE;
        }
      return TRUE;

    case STEP_INTRODUCER:
      if (!reg_fingers_step_is_complete (REG_FINGERS_STEP (self->steps[STEP_INTRODUCER])))
        {
          set_message (self, _("Capture at least one of the introducer’s fingers."));
          return FALSE;
        }
      return TRUE;

    case STEP_PREVIEW:
    case STEP_DONE:
    case N_STEPS:
    default:
      return TRUE;
    }
}

static void
fill_builder (RegFlow *self)
{
  RegFaceStep *face = REG_FACE_STEP (self->steps[STEP_FACE]);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;

  g_clear_object (&self->builder);
  g_clear_pointer (&self->rid, g_free);
  self->rid = idem_rid_build (self->centre_id, self->machine_id, self->rid_sequence, now, &error);
  if (self->rid == NULL)
    {
      g_critical ("The flow was set up with ids that make no RID: %s", error->message);
      return;
    }

  self->builder = reg_packet_builder_new (self->schema, self->process);
  reg_packet_builder_set_registration (self->builder, self->rid, self->centre_id, self->machine_id);
  reg_packet_builder_set_operators (self->builder, self->operator_id, NULL);
  reg_packet_builder_set_keys (self->builder, self->signing_key, self->certificate);
  reg_packet_builder_set_creation_time (self->builder, now);

  if (step_applies (self, STEP_DEMOGRAPHICS))
    reg_demographics_step_collect (REG_DEMOGRAPHICS_STEP (self->steps[STEP_DEMOGRAPHICS]), self->builder);
  if (step_applies (self, STEP_DOCUMENTS))
    reg_documents_step_collect (REG_DOCUMENTS_STEP (self->steps[STEP_DOCUMENTS]), self->builder);
  reg_packet_builder_set_face (self->builder, reg_face_step_get_photo (face));
  if (step_applies (self, STEP_FINGERS))
    reg_fingers_step_collect (REG_FINGERS_STEP (self->steps[STEP_FINGERS]), self->builder);
  if (step_applies (self, STEP_INTRODUCER))
    reg_fingers_step_collect (REG_FINGERS_STEP (self->steps[STEP_INTRODUCER]), self->builder);

  reg_packet_builder_add_audit (self->builder, "REG-EVT-001", "Consent given", "The resident agreed to the registration");
  reg_packet_builder_add_audit (self->builder, "REG-EVT-002", "Operator authenticated", "The operator confirmed with a password");
  reg_packet_builder_add_audit (self->builder, "REG-EVT-003", "Registration saved", "The packet was sealed on this machine");
}

static GBytes *
build_preview_json (RegFlow   *self,
                    GPtrArray *summary)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  gsize length;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "rid");
  json_builder_add_string_value (builder, self->rid);
  json_builder_set_member_name (builder, "process");
  json_builder_add_string_value (builder, idem_packet_process_to_string (self->process));
  json_builder_set_member_name (builder, "fields");
  json_builder_begin_array (builder);
  for (guint i = 0; i < summary->len; i += 2)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "label");
      json_builder_add_string_value (builder, g_ptr_array_index (summary, i));
      json_builder_set_member_name (builder, "value");
      json_builder_add_string_value (builder, g_ptr_array_index (summary, i + 1));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);
  length = strlen (text);

  return g_bytes_new_take (g_steal_pointer (&text), length);
}

static void
receipt_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  RegReceipt *receipt = task_data;
  RegFlow *self = source_object;
  GError *error = NULL;

  if (!reg_receipt_write_pdf (receipt, self->receipt_path, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
receipt_written_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  RegFlow *self = REG_FLOW (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) store_error = NULL;
  g_autofree char *rid_text = NULL;

  self->busy = FALSE;

  /* The packet is safe even without its receipt, which can still be printed. */
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_clear_pointer (&self->receipt_path, g_free);

  /* The packet is on disk whatever happens here; a store that could not
   * record it finds it when it next checks its packet directory. */
  if (self->store != NULL &&
      (!reg_store_add_packet (self->store, self->rid, self->packet_path, self->packet_hash, self->packet_size,
                              self->operator_id, &store_error) ||
       !reg_store_add_preview (self->store, self->rid, self->preview_json, &store_error)))
    g_debug ("%s was sealed but not recorded: %s", self->rid, store_error->message);
  self->seal_time = g_get_monotonic_time () - self->seal_started;
  g_debug ("sealed and recorded %s with its receipt in %.0f ms", self->rid, self->seal_time / 1000.0);

  rid_text = g_strdup_printf (_("Registration ID: %s"), self->rid);
  gtk_label_set_text (self->rid_label, rid_text);
  show_step (self, STEP_DONE);
  if (store_error != NULL)
    set_message (self, store_error->message);
  else if (error != NULL)
    set_message (self, error->message);
  g_signal_emit (self, signals[SIGNAL_SEALED], 0, self->rid);
}

static void
packet_sealed_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  RegFlow *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) summary = NULL;
  g_autofree char *name = NULL;

  g_clear_pointer (&self->packet_path, g_free);
  self->packet_path = reg_packet_builder_seal_finish (REG_PACKET_BUILDER (source), result, &error);
  if (self->packet_path == NULL)
    {
      self->busy = FALSE;
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_message (self, error->message);
      g_object_unref (self);
      return;
    }

  /* Lowercase, as the store keeps it and the RID sync declares it. */
  g_free (self->packet_hash);
  self->packet_hash = g_ascii_strdown (reg_packet_builder_get_packet_hash (self->builder), -1);
  self->packet_size = reg_packet_builder_get_packet_size (self->builder);

  summary = build_summary (self);
  g_clear_pointer (&self->preview_json, g_bytes_unref);
  self->preview_json = build_preview_json (self, summary);

  g_clear_object (&self->receipt);
  self->receipt = reg_receipt_new (self->rid);
  reg_receipt_set_photo (self->receipt, reg_face_step_get_photo (REG_FACE_STEP (self->steps[STEP_FACE])));
  for (guint i = 0; i < summary->len; i += 2)
    reg_receipt_add_field (self->receipt, g_ptr_array_index (summary, i), g_ptr_array_index (summary, i + 1));

  name = g_strconcat (self->rid, "-receipt.pdf", NULL);
  g_free (self->receipt_path);
  self->receipt_path = g_build_filename (self->packet_dir, name, NULL);

  task = g_task_new (self, self->cancellable, receipt_written_cb, NULL);
  g_task_set_task_data (task, g_object_ref (self->receipt), g_object_unref);
  g_task_run_in_thread (task, receipt_thread);
  g_object_unref (self);
}

static void
authenticate_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  RegFlow *self = source_object;

  g_task_return_boolean (task, self->authenticate (self->operator_id, task_data, self->authenticate_data));
}

static void
authenticated_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  RegFlow *self = REG_FLOW (source);
  RegPreviewStep *preview = REG_PREVIEW_STEP (self->steps[STEP_PREVIEW]);

  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    {
      self->busy = FALSE;
      if (!g_cancellable_is_cancelled (self->cancellable))
        reg_preview_step_show_error (preview, _("That is not your password. The registration was not saved."));
      return;
    }

  reg_preview_step_show_error (preview, NULL);
  self->seal_started = g_get_monotonic_time ();
  fill_builder (self);
  if (self->builder == NULL)
    {
      self->busy = FALSE;
      return;
    }
  set_message (self, _("Saving the registration…"));
  reg_packet_builder_seal_async (self->builder, self->packet_dir, self->cancellable, packet_sealed_cb, g_object_ref (self));
}

static void
seal (RegFlow *self)
{
  RegPreviewStep *preview = REG_PREVIEW_STEP (self->steps[STEP_PREVIEW]);
  const char *password = reg_preview_step_get_password (preview);
  g_autoptr(GTask) task = NULL;

  if (*password == '\0')
    {
      reg_preview_step_show_error (preview, _("Enter your password to save the registration."));
      return;
    }
  if (self->authenticate == NULL)
    {
      reg_preview_step_show_error (preview, _("This workstation cannot check passwords yet."));
      return;
    }

  self->busy = TRUE;
  task = g_task_new (self, self->cancellable, authenticated_cb, NULL);
  g_task_set_task_data (task, g_strdup (password), g_free);
  g_task_run_in_thread (task, authenticate_thread);
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  RegFlow *self = REG_FLOW (widget);
  Step next;

  if (self->busy || self->current == STEP_DONE)
    return;
  if (!check_step (self))
    return;

  if (self->current == STEP_PREVIEW)
    {
      seal (self);
      return;
    }

  next = neighbour_step (self, self->current, TRUE);
  if (next == STEP_PREVIEW)
    {
      g_autoptr(GPtrArray) summary = build_summary (self);

      reg_preview_step_show (REG_PREVIEW_STEP (self->steps[STEP_PREVIEW]), summary,
                             reg_face_step_get_photo (REG_FACE_STEP (self->steps[STEP_FACE])));
    }
  show_step (self, next);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  RegFlow *self = REG_FLOW (widget);

  if (self->busy || self->current == STEP_CONSENT || self->current == STEP_DONE)
    return;

  show_step (self, neighbour_step (self, self->current, FALSE));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  RegFlow *self = REG_FLOW (widget);

  if (self->busy)
    return;

  g_signal_emit (self, signals[SIGNAL_CANCELLED], 0);
}

static void
finish_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  g_signal_emit (widget, signals[SIGNAL_FINISHED], 0);
}

static void
print_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  RegFlow *self = REG_FLOW (widget);
  g_autoptr(GError) error = NULL;
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->receipt == NULL)
    return;
  if (!reg_receipt_print (self->receipt, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, NULL, &error))
    set_message (self, error->message);
}

static GtkWidget *
build_done_page (RegFlow *self)
{
  GtkWidget *page = adw_status_page_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *print = gtk_button_new_with_mnemonic (_("_Print Receipt"));
  GtkWidget *finish = gtk_button_new_with_mnemonic (_("_Done"));

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (page), "emblem-ok-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (page), _("Registration Saved"));
  self->rid_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_selectable (self->rid_label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->rid_label), "title-3");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (print), "flow.print");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (finish), "flow.finish");
  gtk_widget_add_css_class (print, "pill");
  gtk_widget_add_css_class (finish, "pill");
  gtk_widget_add_css_class (finish, "suggested-action");
  gtk_widget_set_halign (box, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->rid_label));
  gtk_box_append (GTK_BOX (box), print);
  gtk_box_append (GTK_BOX (box), finish);
  adw_status_page_set_child (ADW_STATUS_PAGE (page), box);

  return page;
}

static void
reg_flow_dispose (GObject *object)
{
  RegFlow *self = REG_FLOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->builder);
  g_clear_object (&self->receipt);
  g_clear_object (&self->camera);
  g_clear_object (&self->reader);
  g_clear_object (&self->store);
  g_clear_object (&self->machine);

  G_OBJECT_CLASS (reg_flow_parent_class)->dispose (object);
}

static void
reg_flow_finalize (GObject *object)
{
  RegFlow *self = REG_FLOW (object);

  g_clear_object (&self->schema);
  g_clear_object (&self->ui_spec);
  g_free (self->centre_id);
  g_free (self->machine_id);
  g_clear_pointer (&self->signing_key, EVP_PKEY_free);
  g_clear_pointer (&self->certificate, X509_free);
  g_free (self->packet_dir);
  g_free (self->operator_id);
  g_free (self->message);
  g_free (self->rid);
  g_free (self->packet_path);
  g_free (self->packet_hash);
  g_free (self->receipt_path);
  g_clear_pointer (&self->preview_json, g_bytes_unref);

  G_OBJECT_CLASS (reg_flow_parent_class)->finalize (object);
}

static void
reg_flow_class_init (RegFlowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = reg_flow_dispose;
  object_class->finalize = reg_flow_finalize;

  /**
   * RegFlow::sealed:
   * @rid: the registration ID
   *
   * The packet and its receipt are written; the shell records them in the
   * store (see reg_flow_get_packet_path() and reg_flow_dup_preview_json()).
   */
  signals[SIGNAL_SEALED] =
    g_signal_new ("sealed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_CANCELLED] =
    g_signal_new ("cancelled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "flow.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "flow.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "flow.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "flow.finish", NULL, finish_action);
  gtk_widget_class_install_action (widget_class, "flow.print", NULL, print_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, GDK_ALT_MASK, "flow.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "flow.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "flow.cancel", NULL);
}

static void
reg_flow_init (RegFlow *self)
{
  self->cancellable = g_cancellable_new ();
}

/**
 * reg_flow_new:
 * @setup: what the registration needs from the workstation
 *
 * Returns: (transfer floating): a registration at its consent step
 */
GtkWidget *
reg_flow_new (const RegFlowSetup *setup)
{
  RegFlow *self;
  const IdemUiField *biometrics;
  const IdemUiField *introducer_biometrics;
  GtkWidget *box;
  GtkWidget *bar;
  GtkWidget *cancel;

  g_return_val_if_fail (setup != NULL, NULL);
  g_return_val_if_fail (IDEM_IS_ID_SCHEMA (setup->schema), NULL);
  g_return_val_if_fail (IDEM_IS_UI_SPEC (setup->ui_spec), NULL);
  g_return_val_if_fail (setup->centre_id != NULL && setup->machine_id != NULL, NULL);
  g_return_val_if_fail (setup->signing_key != NULL && setup->certificate != NULL, NULL);
  g_return_val_if_fail (setup->store == NULL || REG_IS_STORE (setup->store), NULL);
  g_return_val_if_fail (setup->packet_dir != NULL || setup->store != NULL, NULL);
  g_return_val_if_fail (setup->operator_id != NULL, NULL);
  g_return_val_if_fail (setup->primary_language != NULL, NULL);

  self = g_object_new (REG_TYPE_FLOW, NULL);
  self->schema = g_object_ref (setup->schema);
  self->ui_spec = g_object_ref (setup->ui_spec);
  self->process = setup->process;
  self->centre_id = g_strdup (setup->centre_id);
  self->machine_id = g_strdup (setup->machine_id);
  self->rid_sequence = setup->rid_sequence;
  EVP_PKEY_up_ref (setup->signing_key);
  self->signing_key = setup->signing_key;
  X509_up_ref (setup->certificate);
  self->certificate = setup->certificate;
  self->store = setup->store != NULL ? g_object_ref (setup->store) : NULL;
  self->packet_dir = g_strdup (setup->packet_dir != NULL ? setup->packet_dir : reg_store_get_packet_dir (setup->store));
  self->operator_id = g_strdup (setup->operator_id);
  self->authenticate = setup->authenticate;
  self->authenticate_data = setup->authenticate_data;

  self->camera = idem_camera_new ();
  idem_camera_set_source (self->camera, setup->camera_source != NULL ? setup->camera_source : IDEM_CAMERA_DEFAULT_SOURCE);
  self->reader = idem_fingerprint_reader_new ();

  biometrics = idem_ui_spec_lookup_field (self->ui_spec, "individualBiometrics");
  introducer_biometrics = idem_ui_spec_lookup_field (self->ui_spec, "introducerBiometrics");
  if (introducer_biometrics == NULL)
    introducer_biometrics = biometrics;

  self->steps[STEP_CONSENT] = reg_consent_step_new (setup->consent_text);
  self->steps[STEP_DEMOGRAPHICS] = reg_demographics_step_new (self->schema, self->ui_spec, setup->primary_language,
                                                              setup->secondary_language, setup->master_data,
                                                              setup->master_data_user_data);
  if (self->process == IDEM_PACKET_PROCESS_UPDATE)
    reg_demographics_step_set_update_mode (REG_DEMOGRAPHICS_STEP (self->steps[STEP_DEMOGRAPHICS]));
  else if (self->process == IDEM_PACKET_PROCESS_LOST)
    reg_demographics_step_set_optional (REG_DEMOGRAPHICS_STEP (self->steps[STEP_DEMOGRAPHICS]));
  self->steps[STEP_DOCUMENTS] = reg_documents_step_new (self->ui_spec, setup->primary_language, setup->master_data,
                                                        setup->master_data_user_data);
  self->steps[STEP_FACE] = reg_face_step_new (self->camera);
  self->steps[STEP_FINGERS] = reg_fingers_step_new (self->reader, self->camera,
                                                    biometrics != NULL ? idem_ui_field_get_bio_attributes (biometrics) : NULL,
                                                    setup->operator_fingers, setup->n_operator_fingers);
  self->steps[STEP_INTRODUCER] = reg_fingers_step_new (self->reader, self->camera,
                                                       introducer_biometrics != NULL
                                                       ? idem_ui_field_get_bio_attributes (introducer_biometrics) : NULL,
                                                       setup->operator_fingers, setup->n_operator_fingers);
  reg_fingers_step_set_introducer (REG_FINGERS_STEP (self->steps[STEP_INTRODUCER]));
  self->steps[STEP_PREVIEW] = reg_preview_step_new ();
  self->steps[STEP_DONE] = build_done_page (self);

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_set_transition_type (self->stack, GTK_STACK_TRANSITION_TYPE_SLIDE_LEFT_RIGHT);
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);
  for (Step step = STEP_CONSENT; step < N_STEPS; step++)
    {
      GtkStackPage *page = gtk_stack_add_titled (self->stack, self->steps[step], step_names[step], _(step_titles[step]));

      gtk_stack_page_set_name (page, step_names[step]);
    }

  self->indicator = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->indicator), "heading");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->indicator), GTK_ACCESSIBLE_PROPERTY_LEVEL, 1, -1);
  gtk_widget_set_margin_top (GTK_WIDGET (self->indicator), 12);
  self->message_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "error");
  gtk_label_set_wrap (self->message_label, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->message_label), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Registration status"), -1);

  bar = gtk_center_box_new ();
  gtk_widget_set_margin_start (bar, 12);
  gtk_widget_set_margin_end (bar, 12);
  gtk_widget_set_margin_bottom (bar, 12);
  self->back_button = gtk_button_new_with_mnemonic (_("_Back"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->back_button), "flow.back");
  self->next_button = gtk_button_new_with_mnemonic (_("_Next"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->next_button), "flow.next");
  gtk_widget_add_css_class (self->next_button, "suggested-action");
  cancel = gtk_button_new_with_mnemonic (_("_Cancel Registration"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (cancel), "flow.cancel");
  gtk_widget_add_css_class (cancel, "flat");
  gtk_center_box_set_start_widget (GTK_CENTER_BOX (bar), self->back_button);
  gtk_center_box_set_center_widget (GTK_CENTER_BOX (bar), cancel);
  gtk_center_box_set_end_widget (GTK_CENTER_BOX (bar), self->next_button);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->indicator));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->stack));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->message_label));
  gtk_box_append (GTK_BOX (box), bar);
  adw_bin_set_child (ADW_BIN (self), box);

  show_step (self, STEP_CONSENT);

  return GTK_WIDGET (self);
}

static JsonArray *
machine_master_data_cb (const char *type,
                        gpointer    user_data)
{
  return reg_machine_get_master_data (REG_MACHINE (user_data), type);
}

/**
 * reg_flow_new_for_machine:
 * @machine: the workstation, registered and synced
 * @process: new registration, update, lost UIN
 * @operator_id: the logged-in operator
 * @primary_language: three-letter code of the form's first language
 * @camera_source: (nullable): the GStreamer source of the camera, from the
 *   workstation's settings
 * @authenticate: checks the operator's password before sealing
 * @authenticate_data: data for @authenticate
 * @error: return location for an error
 *
 * Sets a registration up from what the machine synced: its ids, key and
 * packet certificate, the ID schema, UI spec and master data, and its
 * store, which also numbers the RID.
 *
 * Returns: (transfer floating): a registration at its consent step, or
 *   %NULL with %REG_FLOW_ERROR_NOT_READY, or a %REG_STORE_ERROR when the
 *   store cannot give a RID sequence number
 */
GtkWidget *
reg_flow_new_for_machine (RegMachine         *machine,
                          IdemPacketProcess   process,
                          const char         *operator_id,
                          const char         *primary_language,
                          const char         *camera_source,
                          RegFlowAuthFunc     authenticate,
                          gpointer            authenticate_data,
                          GError            **error)
{
  const char *certificate_pem;
  X509 *certificate = NULL;
  RegFlowSetup setup = { 0 };
  RegStore *store;
  RegFlow *self;

  g_return_val_if_fail (REG_IS_MACHINE (machine), NULL);
  g_return_val_if_fail (operator_id != NULL, NULL);
  g_return_val_if_fail (primary_language != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  certificate_pem = reg_machine_get_certificate_pem (machine);
  if (certificate_pem != NULL)
    {
      BIO *bio = BIO_new_mem_buf (certificate_pem, -1);

      certificate = bio != NULL ? PEM_read_bio_X509 (bio, NULL, NULL, NULL) : NULL;
      BIO_free (bio);
      ERR_clear_error ();
    }
  if (reg_machine_get_signing_key (machine) == NULL || reg_machine_get_centre_id (machine) == NULL ||
      reg_machine_get_machine_id (machine) == NULL || certificate == NULL)
    {
      X509_free (certificate);
      g_set_error_literal (error, REG_FLOW_ERROR, REG_FLOW_ERROR_NOT_READY,
                           _("This workstation cannot register residents until it has its key, its centre and "
                             "machine IDs and its packet certificate. Synchronise it with the server first."));
      return NULL;
    }

  /* The store hands out RID sequence numbers, so no two packets share one. */
  store = reg_machine_get_store (machine);
  setup.rid_sequence = reg_store_next_sequence (store, error);
  if (setup.rid_sequence == 0)
    {
      X509_free (certificate);
      return NULL;
    }
  setup.schema = reg_machine_get_id_schema (machine);
  setup.ui_spec = reg_machine_get_ui_spec (machine);
  setup.process = process;
  setup.centre_id = reg_machine_get_centre_id (machine);
  setup.machine_id = reg_machine_get_machine_id (machine);
  setup.signing_key = reg_machine_get_signing_key (machine);
  setup.certificate = certificate;
  setup.store = store;
  setup.operator_id = operator_id;
  setup.primary_language = primary_language;
  setup.camera_source = camera_source;
  setup.master_data = machine_master_data_cb;
  setup.master_data_user_data = machine;
  setup.authenticate = authenticate;
  setup.authenticate_data = authenticate_data;

  self = REG_FLOW (reg_flow_new (&setup));
  self->machine = g_object_ref (machine);
  X509_free (certificate);

  return GTK_WIDGET (self);
}

/**
 * reg_flow_get_step_name:
 * @self: a flow
 *
 * Returns: the name of the step on screen: `consent`, `demographics`,
 *   `documents`, `face`, `fingers`, `introducer`, `preview` or `done`
 */
const char *
reg_flow_get_step_name (RegFlow *self)
{
  g_return_val_if_fail (REG_IS_FLOW (self), NULL);

  return step_names[self->current];
}

/**
 * reg_flow_get_step:
 * @self: a flow
 * @name: a step name
 *
 * Returns: (transfer none) (nullable): the step's widget
 */
GtkWidget *
reg_flow_get_step (RegFlow    *self,
                   const char *name)
{
  g_return_val_if_fail (REG_IS_FLOW (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (Step step = STEP_CONSENT; step < N_STEPS; step++)
    if (g_str_equal (step_names[step], name))
      return self->steps[step];

  return NULL;
}

/**
 * reg_flow_get_message:
 * @self: a flow
 *
 * Returns: (nullable): what the flow last told the operator under the step
 */
const char *
reg_flow_get_message (RegFlow *self)
{
  g_return_val_if_fail (REG_IS_FLOW (self), NULL);

  return self->message;
}

gboolean
reg_flow_get_busy (RegFlow *self)
{
  g_return_val_if_fail (REG_IS_FLOW (self), FALSE);

  return self->busy;
}

const char *
reg_flow_get_rid (RegFlow *self)
{
  g_return_val_if_fail (REG_IS_FLOW (self), NULL);

  return self->rid;
}

const char *
reg_flow_get_packet_path (RegFlow *self)
{
  g_return_val_if_fail (REG_IS_FLOW (self), NULL);

  return self->packet_path;
}

const char *
reg_flow_get_packet_hash (RegFlow *self)
{
  g_return_val_if_fail (REG_IS_FLOW (self), NULL);

  return self->packet_hash;
}

gsize
reg_flow_get_packet_size (RegFlow *self)
{
  g_return_val_if_fail (REG_IS_FLOW (self), 0);

  return self->packet_size;
}

/**
 * reg_flow_get_receipt_path:
 * @self: a flow
 *
 * Returns: (nullable): the receipt PDF written next to the packet
 */
const char *
reg_flow_get_receipt_path (RegFlow *self)
{
  g_return_val_if_fail (REG_IS_FLOW (self), NULL);

  return self->receipt_path;
}

/**
 * reg_flow_dup_preview_json:
 * @self: a sealed flow
 *
 * Returns: (transfer full) (nullable): the fields shown in the preview as
 *   JSON, for reg_store_add_preview()
 */
GBytes *
reg_flow_dup_preview_json (RegFlow *self)
{
  g_return_val_if_fail (REG_IS_FLOW (self), NULL);

  return self->preview_json != NULL ? g_bytes_ref (self->preview_json) : NULL;
}

/**
 * reg_flow_get_seal_time:
 * @self: a sealed flow
 *
 * Returns: microseconds from Save (once the password was accepted) to the
 *   packet and its receipt being written and recorded in the store
 */
gint64
reg_flow_get_seal_time (RegFlow *self)
{
  g_return_val_if_fail (REG_IS_FLOW (self), 0);

  return self->seal_time;
}

/**
 * reg_flow_set_password:
 * @self: a flow at its preview step
 * @password: the operator's password, as typed
 */
void
reg_flow_set_password (RegFlow    *self,
                       const char *password)
{
  g_return_if_fail (REG_IS_FLOW (self));
  g_return_if_fail (password != NULL);

  reg_preview_step_set_password (REG_PREVIEW_STEP (self->steps[STEP_PREVIEW]), password);
}
