/* reg-fingers-step.c — guided capture of the resident's fingers
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The step asks for the fingers of the UI spec one after the other.  Each
 * capture is an image from the reader with libfprint's NBIS minutiae
 * count; too few minutiae and the operator is asked to press again.  The
 * quality shown and stored is that count scaled to 0–100 (two points a
 * minutia), a coarse figure until an NFIQ implementation is packaged.
 * Before a finger is kept it is compared, in a worker thread, with the
 * logged-in operator's templates: an operator pressing their own finger
 * would enrol themselves under someone else's name.  A finger that cannot
 * be captured is marked missing with a reason, and then an exception photo
 * is required.
 *
 * The same step captures an introducer's fingers, who vouches for an
 * infant: one good finger is enough to identify them, so none is marked
 * missing, and the fingers go to the packet's introducer biometrics.
 */

#define G_LOG_DOMAIN "reg-fingers-step"

#include "config.h"

#include "reg-fingers-step.h"

#include "idem-minutiae-extract.h"

#include <glib/gi18n.h>

struct _RegFingersStep
{
  AdwBin                  parent_instance;

  IdemFingerprintReader  *reader;
  IdemCamera             *camera;
  GCancellable           *cancellable;
  GPtrArray              *operator_fingers;

  gboolean                wanted[REG_N_FINGERS + 1];
  IdemVideoFrame         *frames[REG_N_FINGERS + 1];
  int                     quality[REG_N_FINGERS + 1];
  guint                   retries[REG_N_FINGERS + 1];
  char                   *missing[REG_N_FINGERS + 1];
  AdwActionRow           *rows[REG_N_FINGERS + 1];
  IdemVideoFrame         *exception_photo;

  GtkLabel               *status_label;
  GtkPicture             *image;
  GtkWidget              *exception_button;
  GtkWidget              *missing_button;
  char                   *status;
  gboolean                introducer;
  guint                   current;
  guint                   n_minutiae;
  gboolean                busy;
};

G_DEFINE_FINAL_TYPE (RegFingersStep, reg_fingers_step, ADW_TYPE_BIN)

static void capture_finger (RegFingersStep *self);

static void
set_status (RegFingersStep *self,
            const char     *status)
{
  g_free (self->status);
  self->status = g_strdup (status);
  gtk_label_set_text (self->status_label, status);
}

static gboolean
finger_is_done (RegFingersStep *self,
                guint           position)
{
  return self->frames[position] != NULL || self->missing[position] != NULL;
}

/* The reason is kept as given, for the packet's biometric exception; the
 * one the step's own button gives reads as one word in the operator's
 * language, not "Missing: Missing". */
static char *
describe_missing (const char *reason)
{
  if (g_str_equal (reason, "Missing"))
    return g_strdup (C_("finger exception", "Missing"));

  return g_strdup_printf (_("Missing: %s"), reason);
}

static void
update_rows (RegFingersStep *self)
{
  gboolean any_missing = FALSE;

  for (guint position = 1; position <= REG_N_FINGERS; position++)
    {
      g_autofree char *subtitle = NULL;

      if (!self->wanted[position])
        continue;

      if (self->frames[position] != NULL)
        subtitle = g_strdup_printf (_("Captured, quality %d"), self->quality[position]);
      else if (self->missing[position] != NULL)
        subtitle = describe_missing (self->missing[position]);
      else if (position == self->current)
        subtitle = g_strdup (_("Next: place this finger on the reader"));
      else if (self->introducer)
        subtitle = g_strdup (_("Optional: one finger is enough"));
      else
        subtitle = g_strdup (_("Not captured yet"));

      any_missing |= self->missing[position] != NULL;
      adw_action_row_set_subtitle (self->rows[position], subtitle);
      if (position == self->current)
        gtk_widget_add_css_class (GTK_WIDGET (self->rows[position]), "accent");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self->rows[position]), "accent");
    }

  gtk_widget_set_visible (self->exception_button, any_missing && !self->introducer);
}

static void
advance (RegFingersStep *self)
{
  guint start = self->current;

  for (guint i = 1; i <= REG_N_FINGERS; i++)
    {
      guint position = (start + i - 1) % REG_N_FINGERS + 1;

      if (self->wanted[position] && !finger_is_done (self, position))
        {
          self->current = position;
          update_rows (self);
          return;
        }
    }

  self->current = 0;
  update_rows (self);
}

typedef struct
{
  IdemVideoFrame *frame;
  guint           position;
  GPtrArray      *operator_fingers;
} OperatorCheck;

static void
operator_check_free (OperatorCheck *check)
{
  idem_video_frame_unref (check->frame);
  g_ptr_array_unref (check->operator_fingers);
  g_free (check);
}

/* The best score of the capture against the operator's fingers. */
static void
operator_check_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  OperatorCheck *check = task_data;
  IdemVideoFrame *frame = check->frame;
  guint width = idem_video_frame_get_width (frame);
  guint height = idem_video_frame_get_height (frame);
  gsize stride = idem_video_frame_get_stride (frame);
  const guint8 *pixels = g_bytes_get_data (idem_video_frame_get_pixels (frame), NULL);
  g_autofree guint8 *packed = g_malloc ((gsize) width * height);
  g_autoptr(IdemMinutiae) minutiae = NULL;
  g_autoptr(IdemFingerTemplate) probe = NULL;
  GError *error = NULL;
  double *best = g_new0 (double, 1);

  for (guint y = 0; y < height; y++)
    memcpy (packed + (gsize) y * width, pixels + y * stride, width);

  minutiae = idem_minutiae_extract (packed, width, height, 500, &error);
  if (minutiae != NULL)
    probe = idem_finger_template_new (minutiae, check->position, &error);
  if (probe == NULL)
    {
      g_free (best);
      g_task_return_error (task, error);
      return;
    }

  for (guint i = 0; i < check->operator_fingers->len; i++)
    *best = MAX (*best, idem_finger_template_compare (probe, g_ptr_array_index (check->operator_fingers, i)));

  g_task_return_pointer (task, best, g_free);
}

static void
accept_capture (RegFingersStep *self,
                guint           position,
                IdemVideoFrame *frame)
{
  g_clear_pointer (&self->frames[position], idem_video_frame_unref);
  self->frames[position] = idem_video_frame_ref (frame);
  self->quality[position] = (int) MIN (100, self->n_minutiae * 2);
  self->retries[position]++;
  set_status (self, _("Finger captured."));
  advance (self);
}

static void
operator_checked_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(RegFingersStep) self = user_data;
  OperatorCheck *check = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree double *best = g_task_propagate_pointer (G_TASK (result), &error);

  self->busy = FALSE;
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  if (best == NULL)
    {
      self->retries[check->position]++;
      set_status (self, _("The finger could not be read well enough. Press it flat on the reader and try again."));
      return;
    }
  g_debug ("finger %u: best operator score %.1f", check->position, *best);
  if (*best >= IDEM_FINGERPRINT_MATCH_THRESHOLD)
    {
      self->retries[check->position]++;
      set_status (self, _("This finger matches the operator’s own. Ask the resident to place their finger."));
      return;
    }

  accept_capture (self, check->position, check->frame);
}

static void
captured_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(RegFingersStep) self = user_data;
  g_autoptr(IdemVideoFrame) frame = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  guint position = self->current;
  guint n_minutiae = 0;

  frame = idem_fingerprint_reader_capture_finish (IDEM_FINGERPRINT_READER (source), result, NULL, &n_minutiae, &error);
  if (frame == NULL)
    {
      self->busy = FALSE;
      if (g_error_matches (error, IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_CANCELLED))
        return;
      if (position != 0)
        self->retries[position]++;
      set_status (self, error->message);
      return;
    }

  texture = idem_video_frame_to_texture (frame);
  gtk_picture_set_paintable (self->image, GDK_PAINTABLE (texture));
  self->n_minutiae = n_minutiae;

  if (n_minutiae < REG_FINGER_MIN_MINUTIAE)
    {
      g_autofree char *message = g_strdup_printf (_("Only %u minutiae were found. Press the finger flat on the reader and try again."),
                                                  n_minutiae);

      self->busy = FALSE;
      self->retries[position]++;
      set_status (self, message);
      return;
    }

  if (self->operator_fingers->len > 0)
    {
      g_autoptr(GTask) task = g_task_new (self, self->cancellable, operator_checked_cb, g_object_ref (self));
      OperatorCheck *check = g_new0 (OperatorCheck, 1);

      check->frame = g_steal_pointer (&frame);
      check->position = position;
      check->operator_fingers = g_ptr_array_ref (self->operator_fingers);
      g_task_set_task_data (task, check, (GDestroyNotify) operator_check_free);
      g_task_run_in_thread (task, operator_check_thread);
      return;
    }

  self->busy = FALSE;
  accept_capture (self, position, frame);
}

static void
capture_finger (RegFingersStep *self)
{
  g_autofree char *status = g_strdup_printf (_("Place the %s on the reader."), reg_finger_get_label (self->current));

  set_status (self, status);
  idem_fingerprint_reader_capture_async (self->reader, self->cancellable, captured_cb, g_object_ref (self));
}

static void
reader_opened_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(RegFingersStep) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!idem_fingerprint_reader_open_finish (IDEM_FINGERPRINT_READER (source), result, &error))
    {
      self->busy = FALSE;
      set_status (self, error->message);
      return;
    }

  capture_finger (self);
}

static void
capture_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  RegFingersStep *self = REG_FINGERS_STEP (widget);

  if (self->busy)
    return;
  if (self->current == 0)
    {
      set_status (self, _("Every finger is done."));
      return;
    }

  self->busy = TRUE;
  if (!idem_fingerprint_reader_get_is_open (self->reader))
    idem_fingerprint_reader_open_async (self->reader, self->cancellable, reader_opened_cb, g_object_ref (self));
  else
    capture_finger (self);
}

static void
mark_missing_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  RegFingersStep *self = REG_FINGERS_STEP (widget);
  const char *reason = g_variant_get_string (parameter, NULL);
  guint position = self->current;

  if (self->busy || position == 0 || self->introducer)
    return;
  if (*reason == '\0')
    {
      set_status (self, _("Give the reason the finger cannot be captured."));
      return;
    }

  g_clear_pointer (&self->frames[position], idem_video_frame_unref);
  g_free (self->missing[position]);
  self->missing[position] = g_strdup (reason);
  set_status (self, _("Finger marked missing. Take an exception photo before going on."));
  advance (self);
}

static void
select_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  RegFingersStep *self = REG_FINGERS_STEP (widget);
  guint position = g_variant_get_uint32 (parameter);

  if (self->busy || position < 1 || position > REG_N_FINGERS || !self->wanted[position])
    return;

  /* Choosing a finger again means capturing it again. */
  g_clear_pointer (&self->frames[position], idem_video_frame_unref);
  g_clear_pointer (&self->missing[position], g_free);
  self->current = position;
  update_rows (self);
}

static void
exception_still_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(RegFingersStep) self = user_data;
  g_autoptr(IdemVideoFrame) frame = NULL;
  g_autoptr(GError) error = NULL;

  frame = idem_camera_capture_still_finish (IDEM_CAMERA (source), result, &error);
  idem_camera_stop (self->camera);
  self->busy = FALSE;
  if (frame == NULL)
    {
      set_status (self, error->message);
      return;
    }

  g_clear_pointer (&self->exception_photo, idem_video_frame_unref);
  self->exception_photo = g_steal_pointer (&frame);
  set_status (self, _("Exception photo taken."));
}

static void
exception_camera_started_cb (GObject      *source,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr(RegFingersStep) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!idem_camera_start_finish (IDEM_CAMERA (source), result, &error))
    {
      self->busy = FALSE;
      set_status (self, error->message);
      return;
    }

  idem_camera_capture_still_async (self->camera, self->cancellable, exception_still_cb, g_object_ref (self));
}

static void
exception_photo_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  RegFingersStep *self = REG_FINGERS_STEP (widget);

  if (self->busy)
    return;

  self->busy = TRUE;
  set_status (self, _("Taking the exception photo…"));
  if (idem_camera_get_running (self->camera))
    idem_camera_capture_still_async (self->camera, self->cancellable, exception_still_cb, g_object_ref (self));
  else
    idem_camera_start_async (self->camera, self->cancellable, exception_camera_started_cb, g_object_ref (self));
}

static void
reg_fingers_step_dispose (GObject *object)
{
  RegFingersStep *self = REG_FINGERS_STEP (object);

  g_cancellable_cancel (self->cancellable);
  /* The resident's step shares the reader and closes it. */
  if (self->reader != NULL && !self->introducer && idem_fingerprint_reader_get_is_open (self->reader))
    idem_fingerprint_reader_close_async (self->reader, NULL, NULL, NULL);
  g_clear_object (&self->reader);
  g_clear_object (&self->camera);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (reg_fingers_step_parent_class)->dispose (object);
}

static void
reg_fingers_step_finalize (GObject *object)
{
  RegFingersStep *self = REG_FINGERS_STEP (object);

  for (guint i = 0; i <= REG_N_FINGERS; i++)
    {
      g_clear_pointer (&self->frames[i], idem_video_frame_unref);
      g_free (self->missing[i]);
    }
  g_clear_pointer (&self->exception_photo, idem_video_frame_unref);
  g_ptr_array_unref (self->operator_fingers);
  g_free (self->status);

  G_OBJECT_CLASS (reg_fingers_step_parent_class)->finalize (object);
}

static void
reg_fingers_step_class_init (RegFingersStepClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = reg_fingers_step_dispose;
  object_class->finalize = reg_fingers_step_finalize;

  gtk_widget_class_install_action (widget_class, "fingers.capture", NULL, capture_action);
  gtk_widget_class_install_action (widget_class, "fingers.mark-missing", "s", mark_missing_action);
  gtk_widget_class_install_action (widget_class, "fingers.select", "u", select_action);
  gtk_widget_class_install_action (widget_class, "fingers.exception-photo", NULL, exception_photo_action);
}

static void
reg_fingers_step_init (RegFingersStep *self)
{
  self->cancellable = g_cancellable_new ();
  self->operator_fingers = g_ptr_array_new_with_free_func ((GDestroyNotify) idem_finger_template_unref);
}

/**
 * reg_fingers_step_new:
 * @reader: the fingerprint reader
 * @camera: the camera, for the exception photo
 * @attributes: the UI spec's biometric attributes; the fingers among them
 *   are asked for
 * @operator_fingers: (array length=n_operator_fingers) (nullable): the
 *   operator's templates
 * @n_operator_fingers: how many
 *
 * Returns: (transfer floating): the fingers step
 */
GtkWidget *
reg_fingers_step_new (IdemFingerprintReader      *reader,
                      IdemCamera                 *camera,
                      const char * const         *attributes,
                      IdemFingerTemplate * const *operator_fingers,
                      guint                       n_operator_fingers)
{
  RegFingersStep *self;
  GtkWidget *box;
  GtkWidget *list;
  GtkWidget *buttons;
  GtkWidget *capture;
  GtkWidget *missing;
  GtkWidget *clamp;
  GtkWidget *scrolled;

  g_return_val_if_fail (IDEM_IS_FINGERPRINT_READER (reader), NULL);
  g_return_val_if_fail (IDEM_IS_CAMERA (camera), NULL);

  self = g_object_new (REG_TYPE_FINGERS_STEP, NULL);
  self->reader = g_object_ref (reader);
  self->camera = g_object_ref (camera);
  for (guint i = 0; i < n_operator_fingers; i++)
    g_ptr_array_add (self->operator_fingers, idem_finger_template_ref (operator_fingers[i]));
  for (guint i = 0; attributes != NULL && attributes[i] != NULL; i++)
    {
      guint position = reg_finger_from_attribute (attributes[i]);

      if (position != 0)
        self->wanted[position] = TRUE;
    }

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  for (guint position = 1; position <= REG_N_FINGERS; position++)
    {
      if (!self->wanted[position])
        continue;
      self->rows[position] = ADW_ACTION_ROW (adw_action_row_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->rows[position]), reg_finger_get_label (position));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->rows[position]), "fingers.select");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (self->rows[position]), "u", position);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self->rows[position]), TRUE);
      gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (self->rows[position]));
    }

  self->image = GTK_PICTURE (gtk_picture_new ());
  gtk_widget_set_size_request (GTK_WIDGET (self->image), 150, 200);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->image), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Last fingerprint image"), -1);
  self->status_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->status_label, TRUE);

  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_halign (buttons, GTK_ALIGN_CENTER);
  capture = gtk_button_new_with_mnemonic (_("_Capture Finger"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (capture), "fingers.capture");
  gtk_widget_add_css_class (capture, "suggested-action");
  missing = gtk_button_new_with_mnemonic (_("Mark _Missing"));
  self->missing_button = missing;
  gtk_actionable_set_detailed_action_name (GTK_ACTIONABLE (missing), "fingers.mark-missing::Missing");
  self->exception_button = gtk_button_new_with_mnemonic (_("Take _Exception Photo"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->exception_button), "fingers.exception-photo");
  gtk_box_append (GTK_BOX (buttons), capture);
  gtk_box_append (GTK_BOX (buttons), missing);
  gtk_box_append (GTK_BOX (buttons), self->exception_button);

  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->image));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->status_label));
  gtk_box_append (GTK_BOX (box), buttons);
  gtk_box_append (GTK_BOX (box), list);

  clamp = adw_clamp_new ();
  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_widget_set_vexpand (scrolled, TRUE);
  adw_bin_set_child (ADW_BIN (self), scrolled);

  self->current = 0;
  advance (self);
  set_status (self, _("Capture each finger in turn."));

  return GTK_WIDGET (self);
}

/**
 * reg_fingers_step_get_current:
 * @self: the fingers step
 *
 * Returns: the ISO position of the finger asked for next, or 0 when all
 *   are done
 */
guint
reg_fingers_step_get_current (RegFingersStep *self)
{
  g_return_val_if_fail (REG_IS_FINGERS_STEP (self), 0);

  return self->current;
}

const char *
reg_fingers_step_get_status (RegFingersStep *self)
{
  g_return_val_if_fail (REG_IS_FINGERS_STEP (self), NULL);

  return self->status;
}

gboolean
reg_fingers_step_get_busy (RegFingersStep *self)
{
  g_return_val_if_fail (REG_IS_FINGERS_STEP (self), FALSE);

  return self->busy;
}

gboolean
reg_fingers_step_is_captured (RegFingersStep *self,
                              guint           position)
{
  g_return_val_if_fail (REG_IS_FINGERS_STEP (self), FALSE);
  g_return_val_if_fail (position >= 1 && position <= REG_N_FINGERS, FALSE);

  return self->frames[position] != NULL;
}

/**
 * reg_fingers_step_is_complete:
 * @self: the fingers step
 *
 * Returns: %TRUE when every finger is captured or missing, and an
 *   exception photo was taken if any is missing
 */
gboolean
reg_fingers_step_is_complete (RegFingersStep *self)
{
  g_return_val_if_fail (REG_IS_FINGERS_STEP (self), FALSE);

  if (self->introducer)
    return reg_fingers_step_get_n_captured (self) > 0;

  for (guint position = 1; position <= REG_N_FINGERS; position++)
    if (self->wanted[position] && !finger_is_done (self, position))
      return FALSE;

  return reg_fingers_step_get_n_missing (self) == 0 || self->exception_photo != NULL;
}

guint
reg_fingers_step_get_n_captured (RegFingersStep *self)
{
  guint n = 0;

  g_return_val_if_fail (REG_IS_FINGERS_STEP (self), 0);

  for (guint position = 1; position <= REG_N_FINGERS; position++)
    n += self->frames[position] != NULL;

  return n;
}

guint
reg_fingers_step_get_n_missing (RegFingersStep *self)
{
  guint n = 0;

  g_return_val_if_fail (REG_IS_FINGERS_STEP (self), 0);

  for (guint position = 1; position <= REG_N_FINGERS; position++)
    n += self->missing[position] != NULL;

  return n;
}

void
reg_fingers_step_collect (RegFingersStep   *self,
                          RegPacketBuilder *builder)
{
  g_return_if_fail (REG_IS_FINGERS_STEP (self));
  g_return_if_fail (REG_IS_PACKET_BUILDER (builder));

  for (guint position = 1; position <= REG_N_FINGERS; position++)
    {
      if (self->introducer)
        {
          if (self->frames[position] != NULL)
            reg_packet_builder_set_introducer_finger (builder, position, self->frames[position],
                                                      self->quality[position], self->retries[position]);
          continue;
        }
      if (self->frames[position] != NULL)
        reg_packet_builder_set_finger (builder, position, self->frames[position], self->quality[position],
                                       self->retries[position]);
      else if (self->missing[position] != NULL)
        reg_packet_builder_set_finger_missing (builder, position, self->missing[position]);
    }
  if (!self->introducer)
    reg_packet_builder_set_exception_photo (builder, self->exception_photo);
}

/**
 * reg_fingers_step_set_introducer:
 * @self: a fingers step just made
 *
 * Makes the step capture the introducer's fingers: one captured finger
 * completes it, none can be marked missing, and reg_fingers_step_collect()
 * stores them as the introducer's.
 */
void
reg_fingers_step_set_introducer (RegFingersStep *self)
{
  g_return_if_fail (REG_IS_FINGERS_STEP (self));

  self->introducer = TRUE;
  update_rows (self);
  gtk_widget_set_visible (self->missing_button, FALSE);
  gtk_widget_set_visible (self->exception_button, FALSE);
  set_status (self, _("Ask the introducer to place a finger on the reader. One finger is enough."));
}

/**
 * reg_fingers_step_get_introducer:
 * @self: a fingers step
 *
 * Returns: whether the step captures the introducer's fingers
 */
gboolean
reg_fingers_step_get_introducer (RegFingersStep *self)
{
  g_return_val_if_fail (REG_IS_FINGERS_STEP (self), FALSE);

  return self->introducer;
}
