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
 */

#define G_LOG_DOMAIN "reg-face-step"

#include "config.h"

#include "reg-face-step.h"

#include <glib/gi18n.h>

#define PREVIEW_INTERVAL_MS 66
#define MIN_SKIN_FRACTION   0.2

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

static gboolean
refresh_preview_cb (gpointer user_data)
{
  RegFaceStep *self = user_data;
  g_autoptr(IdemVideoFrame) frame = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  if (self->photo != NULL)
    return G_SOURCE_CONTINUE;

  frame = idem_camera_dup_latest_frame (self->camera);
  if (frame != NULL)
    {
      texture = idem_video_frame_to_texture (frame);
      gtk_picture_set_paintable (self->preview, GDK_PAINTABLE (texture));
    }

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

static void
still_captured_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(RegFaceStep) self = user_data;
  g_autoptr(IdemVideoFrame) frame = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;
  IdemImageQuality quality;
  IdemImageProblems problems;
  guint width;
  guint height;
  guint x0;
  guint y0;

  self->busy = FALSE;
  frame = idem_camera_capture_still_finish (IDEM_CAMERA (source), result, &error);
  if (frame == NULL)
    {
      if (!g_error_matches (error, IDEM_CAMERA_ERROR, IDEM_CAMERA_ERROR_CANCELLED))
        set_status (self, error->message);
      return;
    }

  width = idem_video_frame_get_width (frame);
  height = idem_video_frame_get_height (frame);
  x0 = width / 4;
  y0 = height / 6;
  idem_image_quality_measure_region (frame, x0, y0, width / 2, height * 2 / 3, &quality);
  problems = idem_image_quality_get_problems (&quality);
  g_debug ("photo: exposure %.0f, sharpness %.0f", quality.exposure, quality.sharpness);

  if (skin_fraction (frame, x0, y0, width / 2, height * 2 / 3) < MIN_SKIN_FRACTION)
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
  self->photo = g_steal_pointer (&frame);
  texture = idem_video_frame_to_texture (self->photo);
  gtk_picture_set_paintable (self->preview, GDK_PAINTABLE (texture));
  set_status (self, _("Photo taken. Capture again to retake it."));
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
  gtk_widget_set_vexpand (GTK_WIDGET (self->preview), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->preview), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Camera picture"), -1);
  self->status_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->status_label, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->status_label), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("Photo status"), -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "face.capture");
  gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "pill");

  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);
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
