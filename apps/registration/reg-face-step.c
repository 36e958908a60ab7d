/* reg-face-step.c — the resident's face photo from the camera
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The camera runs while the step is on screen; the preview is refreshed
 * from its latest frame.  A capture is kept only if it passes three checks
 * on the centre of the picture, where the guide asks the resident to be:
 * exposure and sharpness (libcore's image quality figures), and a face
 * area heuristic — at least a fifth of the centre's pixels must have a
 * skin tone by a simple RGB rule (red above 95, green above 40, blue above
 * 20, red the largest by more than 15).  It is not face detection: it only
 * catches an empty chair, a wall or a covered lens, and tells the operator
 * to retake.
 *
 * The main loop only swaps pictures.  Under a software renderer the cost
 * of a preview frame is the pixels painted, so the preview is shown at
 * the camera's own size, never stretched to the window, and a camera
 * larger than PREVIEW_MAX_WIDTH × PREVIEW_MAX_HEIGHT is scaled down in a
 * worker thread.  A new preview frame is shown only once the previous one
 * has been painted: on a busy machine the preview drops frames rather than
 * queueing redraws.  The checks of a capture run in a worker too.
 */

#define G_LOG_DOMAIN "reg-face-step"

#include "config.h"

#include "reg-face-step.h"

#include <glib/gi18n.h>

#define PREVIEW_INTERVAL_MS 66
#define MIN_SKIN_FRACTION   0.2
#define PREVIEW_MAX_WIDTH   640
#define PREVIEW_MAX_HEIGHT  480

struct _RegFaceStep
{
  AdwBin          parent_instance;

  IdemCamera     *camera;
  GCancellable   *cancellable;
  GtkPicture     *preview;
  GtkLabel       *status_label;
  IdemVideoFrame *photo;
  char           *status;
  guint           preview_source;
  GdkFrameClock  *frame_clock;
  gulong          after_paint_handler;
  gboolean        preview_pending;
  gboolean        starting;
  gboolean        busy;
};

G_DEFINE_FINAL_TYPE (RegFaceStep, reg_face_step, ADW_TYPE_BIN)

static void
set_status (RegFaceStep *self,
            const char  *status)
{
  g_free (self->status);
  self->status = g_strdup (status);
  gtk_label_set_text (self->status_label, status);
}

/* What a worker makes of a frame for the screen: its pixels scaled down
 * to @width × @height when the frame is larger than the preview, as
 * GDK_MEMORY_DEFAULT (premultiplied B8G8R8A8, cairo's own). */
typedef struct
{
  IdemVideoFrame *frame;
  int             width;
  int             height;
  int             stride;
  GBytes         *pixels;
} Scaled;

static void
scaled_free (Scaled *scaled)
{
  g_clear_pointer (&scaled->frame, idem_video_frame_unref);
  g_clear_pointer (&scaled->pixels, g_bytes_unref);
  g_free (scaled);
}

static Scaled *
scaled_new (IdemVideoFrame *frame,
            GtkWidget      *widget)
{
  Scaled *scaled = g_new0 (Scaled, 1);
  int scale = gtk_widget_get_scale_factor (widget);
  double frame_width = idem_video_frame_get_width (frame);
  double frame_height = idem_video_frame_get_height (frame);
  double factor = MIN (1.0, MIN (PREVIEW_MAX_WIDTH * scale / frame_width, PREVIEW_MAX_HEIGHT * scale / frame_height));

  scaled->frame = idem_video_frame_ref (frame);
  scaled->width = MAX (1, (int) (frame_width * factor));
  scaled->height = MAX (1, (int) (frame_height * factor));

  return scaled;
}

static gboolean
scaled_needs_scaling (Scaled *scaled)
{
  return scaled->width != (int) idem_video_frame_get_width (scaled->frame) ||
         scaled->height != (int) idem_video_frame_get_height (scaled->frame);
}

/* Bilinear, which is smooth enough for a preview. */
static void
scale_frame (Scaled *scaled)
{
  IdemVideoFrame *frame = scaled->frame;
  guint frame_width = idem_video_frame_get_width (frame);
  guint frame_height = idem_video_frame_get_height (frame);
  double x_step = (double) frame_width / scaled->width;
  double y_step = (double) frame_height / scaled->height;
  guint8 *out;

  scaled->stride = scaled->width * 4;
  out = g_malloc ((gsize) scaled->stride * scaled->height);

  for (int y = 0; y < scaled->height; y++)
    {
      double source_y = CLAMP ((y + 0.5) * y_step - 0.5, 0, frame_height - 1);
      guint y0 = (guint) source_y;
      guint y1 = MIN (y0 + 1, frame_height - 1);
      double fy = source_y - y0;
      guint8 *row = out + (gsize) y * scaled->stride;

      for (int x = 0; x < scaled->width; x++)
        {
          double source_x = CLAMP ((x + 0.5) * x_step - 0.5, 0, frame_width - 1);
          guint x0 = (guint) source_x;
          guint x1 = MIN (x0 + 1, frame_width - 1);
          double fx = source_x - x0;
          guint8 c[4][3];

          idem_video_frame_get_rgb (frame, x0, y0, &c[0][0], &c[0][1], &c[0][2]);
          idem_video_frame_get_rgb (frame, x1, y0, &c[1][0], &c[1][1], &c[1][2]);
          idem_video_frame_get_rgb (frame, x0, y1, &c[2][0], &c[2][1], &c[2][2]);
          idem_video_frame_get_rgb (frame, x1, y1, &c[3][0], &c[3][1], &c[3][2]);

          for (guint i = 0; i < 3; i++)
            {
              double top = c[0][i] + (c[1][i] - c[0][i]) * fx;
              double bottom = c[2][i] + (c[3][i] - c[2][i]) * fx;

              /* B, G, R, A in memory. */
              row[x * 4 + 2 - i] = (guint8) (top + (bottom - top) * fy + 0.5);
            }
          row[x * 4 + 3] = 0xff;
        }
    }

  scaled->pixels = g_bytes_new_take (out, (gsize) scaled->stride * scaled->height);
}

static GdkTexture *
scaled_to_texture (Scaled *scaled)
{
  if (scaled->pixels == NULL)
    return idem_video_frame_to_texture (scaled->frame);

  return gdk_memory_texture_new (scaled->width, scaled->height, GDK_MEMORY_DEFAULT,
                                 scaled->pixels, scaled->stride);
}

static void
scale_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  scale_frame (task_data);
  g_task_return_boolean (task, TRUE);
}

static void
after_paint_cb (GdkFrameClock *clock,
                RegFaceStep   *self)
{
  self->preview_pending = FALSE;
}

static void
disconnect_after_paint (RegFaceStep *self)
{
  if (self->frame_clock != NULL)
    g_clear_signal_handler (&self->after_paint_handler, self->frame_clock);
  g_clear_object (&self->frame_clock);
  self->preview_pending = FALSE;
}

/* Shows a live frame and waits for it to be painted before the next. */
static void
show_preview (RegFaceStep *self,
              Scaled      *scaled)
{
  g_autoptr(GdkTexture) texture = NULL;
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self->preview));

  /* A photo taken meanwhile stays on screen. */
  if (self->photo != NULL || clock == NULL)
    {
      self->preview_pending = FALSE;
      return;
    }

  if (clock != self->frame_clock)
    {
      disconnect_after_paint (self);
      self->frame_clock = g_object_ref (clock);
      self->after_paint_handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), self);
    }

  self->preview_pending = TRUE;
  texture = scaled_to_texture (scaled);
  gtk_picture_set_paintable (self->preview, GDK_PAINTABLE (texture));
}

static void
preview_scaled_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  RegFaceStep *self = REG_FACE_STEP (object);

  /* Cancelled: the step left the screen, and the next map starts over. */
  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    return;

  show_preview (self, g_task_get_task_data (G_TASK (result)));
}

static gboolean
refresh_preview_cb (gpointer user_data)
{
  RegFaceStep *self = user_data;
  g_autoptr(IdemVideoFrame) frame = NULL;
  g_autoptr(GTask) task = NULL;
  Scaled *scaled;

  /* The last picture is still being made or has not been painted yet. */
  if (self->photo != NULL || self->preview_pending)
    return G_SOURCE_CONTINUE;

  frame = idem_camera_dup_latest_frame (self->camera);
  if (frame == NULL)
    return G_SOURCE_CONTINUE;

  scaled = scaled_new (frame, GTK_WIDGET (self->preview));
  if (!scaled_needs_scaling (scaled))
    {
      show_preview (self, scaled);
      scaled_free (scaled);
      return G_SOURCE_CONTINUE;
    }

  self->preview_pending = TRUE;
  task = g_task_new (self, self->cancellable, preview_scaled_cb, NULL);
  g_task_set_source_tag (task, refresh_preview_cb);
  g_task_set_task_data (task, scaled, (GDestroyNotify) scaled_free);
  g_task_run_in_thread (task, scale_thread);

  return G_SOURCE_CONTINUE;
}

static void
camera_started_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(RegFaceStep) self = user_data;
  g_autoptr(GError) error = NULL;

  self->starting = FALSE;
  if (!idem_camera_start_finish (IDEM_CAMERA (source), result, &error))
    {
      if (!g_error_matches (error, IDEM_CAMERA_ERROR, IDEM_CAMERA_ERROR_CANCELLED))
        set_status (self, error->message);
      return;
    }

  set_status (self, _("Ask the resident to look at the camera, then capture."));
  if (self->preview_source == 0)
    self->preview_source = g_timeout_add (PREVIEW_INTERVAL_MS, refresh_preview_cb, self);
}

static double
skin_fraction (IdemVideoFrame *frame,
               guint           x0,
               guint           y0,
               guint           width,
               guint           height)
{
  guint n_skin = 0;
  guint n = 0;

  for (guint y = y0; y < y0 + height; y += 2)
    for (guint x = x0; x < x0 + width; x += 2)
      {
        guint8 r;
        guint8 g;
        guint8 b;

        idem_video_frame_get_rgb (frame, x, y, &r, &g, &b);
        n_skin += r > 95 && g > 40 && b > 20 && r > g && r > b && r - MIN (g, b) > 15;
        n++;
      }

  return n > 0 ? (double) n_skin / n : 0;
}

/* A capture's checks, made in a worker with its picture for the screen. */
typedef struct
{
  Scaled            *scaled;
  IdemImageProblems  problems;
  gboolean           face;
} StillCheck;

static void
still_check_free (StillCheck *check)
{
  g_clear_pointer (&check->scaled, scaled_free);
  g_free (check);
}

static void
still_check_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  StillCheck *check = task_data;
  IdemVideoFrame *frame = check->scaled->frame;
  guint width = idem_video_frame_get_width (frame);
  guint height = idem_video_frame_get_height (frame);
  guint x0 = width / 4;
  guint y0 = height / 6;
  IdemImageQuality quality;

  idem_image_quality_measure_region (frame, x0, y0, width / 2, height * 2 / 3, &quality);
  check->problems = idem_image_quality_get_problems (&quality);
  check->face = skin_fraction (frame, x0, y0, width / 2, height * 2 / 3) >= MIN_SKIN_FRACTION;
  g_debug ("photo: exposure %.0f, sharpness %.0f", quality.exposure, quality.sharpness);
  if (check->face && check->problems == IDEM_IMAGE_PROBLEM_NONE && scaled_needs_scaling (check->scaled))
    scale_frame (check->scaled);

  g_task_return_boolean (task, TRUE);
}

static void
still_checked_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  RegFaceStep *self = REG_FACE_STEP (object);
  StillCheck *check = g_task_get_task_data (G_TASK (result));
  g_autoptr(GdkTexture) texture = NULL;
  IdemImageProblems problems = check->problems;

  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    return;

  self->busy = FALSE;
  if (!check->face)
    {
      set_status (self, _("No face in the middle of the picture. Ask the resident to face the camera and take it again."));
      return;
    }
  if (problems != IDEM_IMAGE_PROBLEM_NONE)
    {
      set_status (self, idem_image_problem_get_hint (problems & IDEM_IMAGE_PROBLEM_TOO_DARK ? IDEM_IMAGE_PROBLEM_TOO_DARK
                                                     : problems & IDEM_IMAGE_PROBLEM_TOO_BRIGHT ? IDEM_IMAGE_PROBLEM_TOO_BRIGHT
                                                     : IDEM_IMAGE_PROBLEM_BLURRY));
      return;
    }

  g_clear_pointer (&self->photo, idem_video_frame_unref);
  self->photo = idem_video_frame_ref (check->scaled->frame);
  texture = scaled_to_texture (check->scaled);
  gtk_picture_set_paintable (self->preview, GDK_PAINTABLE (texture));
  set_status (self, _("Photo taken. Capture again to retake it."));
}

static void
still_captured_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(RegFaceStep) self = user_data;
  g_autoptr(IdemVideoFrame) frame = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  StillCheck *check;

  frame = idem_camera_capture_still_finish (IDEM_CAMERA (source), result, &error);
  if (frame == NULL)
    {
      self->busy = FALSE;
      if (!g_error_matches (error, IDEM_CAMERA_ERROR, IDEM_CAMERA_ERROR_CANCELLED))
        set_status (self, error->message);
      return;
    }

  check = g_new0 (StillCheck, 1);
  check->scaled = scaled_new (frame, GTK_WIDGET (self->preview));
  task = g_task_new (self, self->cancellable, still_checked_cb, NULL);
  g_task_set_source_tag (task, still_captured_cb);
  g_task_set_task_data (task, check, (GDestroyNotify) still_check_free);
  g_task_run_in_thread (task, still_check_thread);
}

static void
start_camera (RegFaceStep *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->starting = TRUE;
  set_status (self, _("Starting the camera…"));
  idem_camera_start_async (self->camera, self->cancellable, camera_started_cb, g_object_ref (self));
}

static void
capture_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  RegFaceStep *self = REG_FACE_STEP (widget);

  if (self->busy)
    return;
  /* A camera that failed to start (unplugged, busy) is tried again. */
  if (!idem_camera_get_running (self->camera))
    {
      if (!self->starting)
        start_camera (self);
      return;
    }

  /* A retake goes back to the live picture until the new still arrives. */
  g_clear_pointer (&self->photo, idem_video_frame_unref);
  self->busy = TRUE;
  idem_camera_capture_still_async (self->camera, self->cancellable, still_captured_cb, g_object_ref (self));
}

static void
reg_face_step_map (GtkWidget *widget)
{
  RegFaceStep *self = REG_FACE_STEP (widget);

  GTK_WIDGET_CLASS (reg_face_step_parent_class)->map (widget);

  if (!idem_camera_get_running (self->camera))
    start_camera (self);
}

static void
reg_face_step_unmap (GtkWidget *widget)
{
  RegFaceStep *self = REG_FACE_STEP (widget);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->preview_source, g_source_remove);
  disconnect_after_paint (self);
  idem_camera_stop (self->camera);
  self->busy = FALSE;
  self->starting = FALSE;

  GTK_WIDGET_CLASS (reg_face_step_parent_class)->unmap (widget);
}

static void
reg_face_step_dispose (GObject *object)
{
  RegFaceStep *self = REG_FACE_STEP (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->preview_source, g_source_remove);
  disconnect_after_paint (self);
  if (self->camera != NULL)
    idem_camera_stop (self->camera);
  g_clear_object (&self->camera);

  G_OBJECT_CLASS (reg_face_step_parent_class)->dispose (object);
}

static void
reg_face_step_finalize (GObject *object)
{
  RegFaceStep *self = REG_FACE_STEP (object);

  g_clear_pointer (&self->photo, idem_video_frame_unref);
  g_free (self->status);

  G_OBJECT_CLASS (reg_face_step_parent_class)->finalize (object);
}

static void
reg_face_step_class_init (RegFaceStepClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = reg_face_step_dispose;
  object_class->finalize = reg_face_step_finalize;
  widget_class->map = reg_face_step_map;
  widget_class->unmap = reg_face_step_unmap;

  gtk_widget_class_install_action (widget_class, "face.capture", NULL, capture_action);
}

static void
reg_face_step_init (RegFaceStep *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Capture Photo"));

  self->cancellable = g_cancellable_new ();
  self->preview = GTK_PICTURE (gtk_picture_new ());
  gtk_picture_set_can_shrink (self->preview, TRUE);
  gtk_widget_set_size_request (GTK_WIDGET (self->preview), 320, 240);
  /* At its own size, not stretched; the step's content stays together in
   * the middle of the page. */
  gtk_widget_set_halign (GTK_WIDGET (self->preview), GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->preview), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Camera picture"), -1);
  self->status_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->status_label, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->status_label), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("Photo status"), -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "face.capture");
  gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "pill");

  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->preview));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->status_label));
  gtk_box_append (GTK_BOX (box), button);
  adw_bin_set_child (ADW_BIN (self), box);
}

/**
 * reg_face_step_new:
 * @camera: the camera, its source already chosen
 *
 * Returns: (transfer floating): the face step
 */
GtkWidget *
reg_face_step_new (IdemCamera *camera)
{
  RegFaceStep *self;

  g_return_val_if_fail (IDEM_IS_CAMERA (camera), NULL);

  self = g_object_new (REG_TYPE_FACE_STEP, NULL);
  self->camera = g_object_ref (camera);

  return GTK_WIDGET (self);
}

/**
 * reg_face_step_get_photo:
 * @self: the face step
 *
 * Returns: (transfer none) (nullable): the accepted photo
 */
IdemVideoFrame *
reg_face_step_get_photo (RegFaceStep *self)
{
  g_return_val_if_fail (REG_IS_FACE_STEP (self), NULL);

  return self->photo;
}

const char *
reg_face_step_get_status (RegFaceStep *self)
{
  g_return_val_if_fail (REG_IS_FACE_STEP (self), NULL);

  return self->status;
}

/**
 * reg_face_step_get_starting:
 * @self: the face step
 *
 * Returns: whether the camera is being started
 */
gboolean
reg_face_step_get_starting (RegFaceStep *self)
{
  g_return_val_if_fail (REG_IS_FACE_STEP (self), FALSE);

  return self->starting;
}

gboolean
reg_face_step_get_busy (RegFaceStep *self)
{
  g_return_val_if_fail (REG_IS_FACE_STEP (self), FALSE);

  return self->busy;
}
