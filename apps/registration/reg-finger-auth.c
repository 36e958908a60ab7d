/* reg-finger-auth.c — a user proves who they are with one finger
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Sign-in and the supervisor's decisions both accept a finger instead of a
 * password.  The reader captures one image; in a worker thread its
 * minutiae are extracted and compared with the templates the sync brought
 * for the user (IdemMinutiae serialisations, base64), so the main loop
 * never waits on the reader or the matcher.  The reader is opened for one
 * capture and closed again: another page may need it next.
 */

#define G_LOG_DOMAIN "reg-finger-auth"

#include "config.h"

#include "reg-finger-auth.h"

#include "idem-minutiae-extract.h"

#include <glib/gi18n.h>

struct _RegFingerAuth
{
  GObject                parent_instance;

  IdemFingerprintReader *reader;
};

G_DEFINE_FINAL_TYPE (RegFingerAuth, reg_finger_auth, G_TYPE_OBJECT)

G_DEFINE_QUARK (reg-finger-auth-error-quark, reg_finger_auth_error)

enum {
  FINGER_NEEDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  GPtrArray      *templates;
  IdemVideoFrame *frame;
} Verification;

static void
verification_free (Verification *verification)
{
  g_clear_pointer (&verification->templates, g_ptr_array_unref);
  g_clear_pointer (&verification->frame, idem_video_frame_unref);
  g_free (verification);
}

static GPtrArray *
user_templates (JsonObject *user)
{
  GPtrArray *templates = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  JsonNode *fingers = user != NULL ? json_object_get_member (user, "fingerprints") : NULL;

  if (fingers == NULL || !JSON_NODE_HOLDS_ARRAY (fingers))
    return templates;

  for (guint i = 0; i < json_array_get_length (json_node_get_array (fingers)); i++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (fingers), i);
      const char *encoded;
      guchar *data;
      gsize length = 0;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      encoded = json_object_get_string_member_with_default (json_node_get_object (node), "template", NULL);
      if (encoded == NULL || encoded[0] == '\0')
        continue;
      data = g_base64_decode (encoded, &length);
      g_ptr_array_add (templates, g_bytes_new_take (data, length));
    }

  return templates;
}

static void
close_reader (RegFingerAuth *self)
{
  if (self->reader != NULL && idem_fingerprint_reader_get_is_open (self->reader))
    idem_fingerprint_reader_close_async (self->reader, NULL, NULL, NULL);
  g_clear_object (&self->reader);
}

static void
match_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Verification *verification = task_data;
  IdemVideoFrame *frame = verification->frame;
  guint width = idem_video_frame_get_width (frame);
  guint height = idem_video_frame_get_height (frame);
  gsize stride = idem_video_frame_get_stride (frame);
  const guint8 *pixels = g_bytes_get_data (idem_video_frame_get_pixels (frame), NULL);
  g_autofree guint8 *packed = g_malloc ((gsize) width * height);
  g_autoptr(IdemMinutiae) minutiae = NULL;
  g_autoptr(IdemFingerTemplate) probe = NULL;
  double best = 0;

  for (guint y = 0; y < height; y++)
    memcpy (packed + (gsize) y * width, pixels + y * stride, width);

  minutiae = idem_minutiae_extract (packed, width, height, 500, NULL);
  if (minutiae != NULL)
    probe = idem_finger_template_new (minutiae, 0, NULL);
  if (probe == NULL)
    {
      g_task_return_new_error (task, REG_FINGER_AUTH_ERROR, REG_FINGER_AUTH_ERROR_NOT_READ,
                               _("The finger could not be read well enough. Press it flat on the reader and try again."));
      return;
    }

  for (guint i = 0; i < verification->templates->len; i++)
    {
      g_autoptr(IdemMinutiae) enrolled = idem_minutiae_deserialize (g_ptr_array_index (verification->templates, i), NULL);
      g_autoptr(IdemFingerTemplate) reference = NULL;

      if (g_task_return_error_if_cancelled (task))
        return;
      if (enrolled != NULL)
        reference = idem_finger_template_new (enrolled, 0, NULL);
      if (reference != NULL)
        best = MAX (best, idem_finger_template_compare (probe, reference));
    }

  g_debug ("best score %.1f over %u templates", best, verification->templates->len);
  if (best < IDEM_FINGERPRINT_MATCH_THRESHOLD)
    {
      g_task_return_new_error (task, REG_FINGER_AUTH_ERROR, REG_FINGER_AUTH_ERROR_NO_MATCH,
                               _("The finger does not match the fingerprints enrolled for this user."));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
captured_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RegFingerAuth *self = g_task_get_source_object (task);
  Verification *verification = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  verification->frame = idem_fingerprint_reader_capture_finish (IDEM_FINGERPRINT_READER (object), result,
                                                                NULL, NULL, &error);
  close_reader (self);

  if (g_task_return_error_if_cancelled (task))
    return;
  if (verification->frame == NULL)
    {
      g_task_return_new_error (task, REG_FINGER_AUTH_ERROR, REG_FINGER_AUTH_ERROR_NOT_READ,
                               "%s", error->message);
      return;
    }

  g_task_run_in_thread (task, match_thread);
}

static void
reader_opened_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RegFingerAuth *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!idem_fingerprint_reader_open_finish (IDEM_FINGERPRINT_READER (object), result, &error))
    {
      g_clear_object (&self->reader);
      if (g_task_return_error_if_cancelled (task))
        return;
      g_task_return_new_error (task, REG_FINGER_AUTH_ERROR, REG_FINGER_AUTH_ERROR_NO_READER,
                               "%s", error->message);
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    {
      close_reader (self);
      return;
    }

  g_signal_emit (self, signals[FINGER_NEEDED], 0);
  idem_fingerprint_reader_capture_async (self->reader, g_task_get_cancellable (task), captured_cb,
                                         g_object_ref (task));
}

static void
reg_finger_auth_dispose (GObject *object)
{
  RegFingerAuth *self = REG_FINGER_AUTH (object);

  close_reader (self);

  G_OBJECT_CLASS (reg_finger_auth_parent_class)->dispose (object);
}

static void
reg_finger_auth_class_init (RegFingerAuthClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = reg_finger_auth_dispose;

  /**
   * RegFingerAuth::finger-needed:
   *
   * Emitted when the reader is open and waits for the finger: the moment
   * to ask the user to place it.
   */
  signals[FINGER_NEEDED] = g_signal_new ("finger-needed",
                                         G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 0);
}

static void
reg_finger_auth_init (RegFingerAuth *self)
{
}

RegFingerAuth *
reg_finger_auth_new (void)
{
  return g_object_new (REG_TYPE_FINGER_AUTH, NULL);
}

/**
 * reg_finger_auth_verify_async:
 * @self: a #RegFingerAuth
 * @user: (nullable): the user's synced record, or %NULL for an unknown user
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the finger has been read and compared
 * @user_data: data for @callback
 *
 * Opens the reader, captures one finger and compares it with @user's
 * templates.  An unknown user, or one without templates, is still asked
 * for a finger and then refused, so that the answer does not tell which
 * users exist.  One verification at a time.
 */
void
reg_finger_auth_verify_async (RegFingerAuth       *self,
                              JsonObject          *user,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Verification *verification;

  g_return_if_fail (REG_IS_FINGER_AUTH (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, reg_finger_auth_verify_async);

  if (self->reader != NULL)
    {
      g_task_return_new_error (task, REG_FINGER_AUTH_ERROR, REG_FINGER_AUTH_ERROR_NOT_READ,
                               _("The reader is already waiting for a finger."));
      return;
    }

  verification = g_new0 (Verification, 1);
  verification->templates = user_templates (user);
  g_task_set_task_data (task, verification, (GDestroyNotify) verification_free);

  self->reader = idem_fingerprint_reader_new ();
  idem_fingerprint_reader_open_async (self->reader, cancellable, reader_opened_cb, g_steal_pointer (&task));
}

/**
 * reg_finger_auth_verify_finish:
 * @self: a #RegFingerAuth
 * @result: the result given to the callback
 * @error: the #RegFingerAuthError, or %G_IO_ERROR_CANCELLED
 *
 * Returns: %TRUE when the finger matched one of the user's templates
 */
gboolean
reg_finger_auth_verify_finish (RegFingerAuth *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (REG_IS_FINGER_AUTH (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * reg_finger_auth_count_templates:
 * @user: a user's synced record
 *
 * Returns: how many finger templates the sync brought for @user
 */
guint
reg_finger_auth_count_templates (JsonObject *user)
{
  g_autoptr(GPtrArray) templates = NULL;

  g_return_val_if_fail (user != NULL, 0);

  templates = user_templates (user);
  return templates->len;
}
