/* idem-camera.c — live pictures and stills from a camera, through GStreamer
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The pipeline is "SOURCE ! videoconvert ! videoscale ! CAPS ! appsink".
 * The source is a setting: v4l2src on a workstation, videotestsrc in tests.
 * The appsink keeps one buffer and drops the rest, so a slow consumer only
 * ever sees the newest picture.  Samples arrive on GStreamer's streaming
 * thread; they are handed to the main context through one idle source that
 * always carries the latest frame, so consumers (widgets) are only ever
 * touched from the context that started the camera.
 */

#define G_LOG_DOMAIN "idem-camera"

#include "config.h"

#include "idem-hw.h"
#include "idem-video-frame-private.h"

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <glib/gi18n-lib.h>

/* How long a started camera may take to send its first picture, unless set
 * otherwise.  USB cameras take one or two seconds to wake; ten means
 * something is wrong. */
#define DEFAULT_START_TIMEOUT_SECONDS 10

typedef enum
{
  WAITER_START,
  WAITER_STILL,
} WaiterKind;

typedef struct
{
  WaiterKind  kind;
  GTask      *task;
  GSource    *cancel_source;
} Waiter;

struct _IdemCamera
{
  GObject          parent_instance;

  char            *source;
  guint            width;
  guint            height;
  IdemPixelFormat  pixel_format;
  guint            start_timeout;

  /* Main-context state. */
  GMainContext    *context;
  GstElement      *pipeline;
  GSource         *bus_source;
  GSource         *timeout_source;
  GQueue           waiters;
  IdemVideoFrame  *latest_frame;
  gboolean         running;

  /* Shared with the streaming thread. */
  GMutex           lock;
  IdemVideoFrame  *pending_frame;
  GSource         *dispatch_source;
};

G_DEFINE_FINAL_TYPE (IdemCamera, idem_camera, G_TYPE_OBJECT)

G_DEFINE_QUARK (idem-camera-error-quark, idem_camera_error)

enum {
  PROP_0,
  PROP_SOURCE,
  PROP_WIDTH,
  PROP_HEIGHT,
  PROP_PIXEL_FORMAT,
  PROP_START_TIMEOUT,
  PROP_RUNNING,
  N_PROPS,
};

enum {
  FRAME,
  FAILED,
  N_SIGNALS,
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
waiter_free (Waiter *waiter)
{
  if (waiter->cancel_source != NULL)
    {
      g_source_destroy (waiter->cancel_source);
      g_source_unref (waiter->cancel_source);
    }
  g_clear_object (&waiter->task);
  g_free (waiter);
}

/* Steals the queue first: returning a task may run its callback at once,
 * and the callback may start or stop the camera. */
static void
fail_waiters (IdemCamera   *self,
              const GError *error)
{
  GQueue waiters = self->waiters;

  g_queue_init (&self->waiters);

  for (GList *l = waiters.head; l != NULL; l = l->next)
    {
      Waiter *waiter = l->data;

      g_task_return_error (waiter->task, g_error_copy (error));
      waiter_free (waiter);
    }
  g_list_free (waiters.head);
}

static void
complete_waiters (IdemCamera     *self,
                  IdemVideoFrame *frame)
{
  GQueue waiters = self->waiters;

  g_queue_init (&self->waiters);

  for (GList *l = waiters.head; l != NULL; l = l->next)
    {
      Waiter *waiter = l->data;

      if (waiter->kind == WAITER_START)
        g_task_return_boolean (waiter->task, TRUE);
      else
        g_task_return_pointer (waiter->task, idem_video_frame_ref (frame),
                               (GDestroyNotify) idem_video_frame_unref);
      waiter_free (waiter);
    }
  g_list_free (waiters.head);
}

static void
set_running (IdemCamera *self,
             gboolean    running)
{
  if (self->running == running)
    return;

  self->running = running;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

static void
teardown_pipeline (IdemCamera *self)
{
  if (self->pipeline != NULL)
    {
      /* Setting NULL joins the streaming thread: after this, no sample
       * callback can run, so the shared state below is ours alone. */
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      g_clear_object (&self->pipeline);
    }

  if (self->bus_source != NULL)
    {
      g_source_destroy (self->bus_source);
      g_clear_pointer (&self->bus_source, g_source_unref);
    }

  if (self->timeout_source != NULL)
    {
      g_source_destroy (self->timeout_source);
      g_clear_pointer (&self->timeout_source, g_source_unref);
    }

  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->pending_frame, idem_video_frame_unref);
  if (self->dispatch_source != NULL)
    {
      g_source_destroy (self->dispatch_source);
      g_clear_pointer (&self->dispatch_source, g_source_unref);
    }
  g_mutex_unlock (&self->lock);

  g_clear_pointer (&self->latest_frame, idem_video_frame_unref);
  set_running (self, FALSE);
}

/* Ends the session with @error: pending start and still requests get it;
 * if nobody was waiting, the camera was in use and ::failed tells its user. */
static void
fail (IdemCamera   *self,
      const GError *error)
{
  gboolean had_waiters = !g_queue_is_empty (&self->waiters);

  g_object_ref (self);

  teardown_pipeline (self);

  if (had_waiters)
    fail_waiters (self, error);
  else
    g_signal_emit (self, signals[FAILED], 0, error);

  g_object_unref (self);
}

/* Turns what GStreamer says into what an operator can act on. */
static GError *
camera_error_from_gst (const GError *gst_error)
{
  if (gst_error->domain == GST_RESOURCE_ERROR)
    {
      switch (gst_error->code)
        {
        case GST_RESOURCE_ERROR_NOT_FOUND:
        case GST_RESOURCE_ERROR_OPEN_READ:
        case GST_RESOURCE_ERROR_OPEN_READ_WRITE:
        case GST_RESOURCE_ERROR_OPEN_WRITE:
          return g_error_new_literal (IDEM_CAMERA_ERROR, IDEM_CAMERA_ERROR_NO_DEVICE,
                                      _("No camera was found. Plug in the camera, "
                                        "or choose another one in the settings, then try again."));

        case GST_RESOURCE_ERROR_BUSY:
          return g_error_new_literal (IDEM_CAMERA_ERROR, IDEM_CAMERA_ERROR_BUSY,
                                      _("The camera is being used by another program. "
                                        "Close that program, then try again."));

        case GST_RESOURCE_ERROR_SETTINGS:
          return g_error_new_literal (IDEM_CAMERA_ERROR, IDEM_CAMERA_ERROR_UNSUPPORTED_FORMAT,
                                      _("The camera cannot take pictures of the requested size. "
                                        "Choose another size in the settings."));

        default:
          break;
        }
    }
  else if (gst_error->domain == GST_CORE_ERROR &&
           gst_error->code == GST_CORE_ERROR_NEGOTIATION)
    {
      return g_error_new_literal (IDEM_CAMERA_ERROR, IDEM_CAMERA_ERROR_UNSUPPORTED_FORMAT,
                                  _("The camera cannot take pictures of the requested size. "
                                    "Choose another size in the settings."));
    }
  else if (gst_error->domain == GST_STREAM_ERROR &&
           (gst_error->code == GST_STREAM_ERROR_FORMAT ||
            gst_error->code == GST_STREAM_ERROR_WRONG_TYPE))
    {
      return g_error_new_literal (IDEM_CAMERA_ERROR, IDEM_CAMERA_ERROR_UNSUPPORTED_FORMAT,
                                  _("The camera cannot take pictures of the requested size. "
                                    "Choose another size in the settings."));
    }

  return g_error_new (IDEM_CAMERA_ERROR, IDEM_CAMERA_ERROR_STREAM,
                      _("The camera stopped working (%s). Check its cable, then try again."),
                      gst_error->message);
}

static GError *
camera_error_from_message (GstMessage *message)
{
  g_autoptr(GError) gst_error = NULL;
  g_autofree char *debug = NULL;

  gst_message_parse_error (message, &gst_error, &debug);
  g_debug ("Camera pipeline error: %s (%s)", gst_error->message, debug ? debug : "");

  return camera_error_from_gst (gst_error);
}

static gboolean
bus_message_cb (GstBus     *bus,
                GstMessage *message,
                gpointer    user_data)
{
  IdemCamera *self = IDEM_CAMERA (user_data);

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ERROR:
      {
        g_autoptr(GError) error = camera_error_from_message (message);

        fail (self, error);
        return G_SOURCE_REMOVE;
      }

    case GST_MESSAGE_EOS:
      {
        g_autoptr(GError) error = NULL;

        error = g_error_new_literal (IDEM_CAMERA_ERROR, IDEM_CAMERA_ERROR_STREAM,
                                     _("The camera stopped sending pictures. "
                                       "Check its cable, then start it again."));
        fail (self, error);
        return G_SOURCE_REMOVE;
      }

    default:
      return G_SOURCE_CONTINUE;
    }
}

static gboolean
start_timeout_cb (gpointer user_data)
{
  IdemCamera *self = IDEM_CAMERA (user_data);
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&self->timeout_source, g_source_unref);

  error = g_error_new (IDEM_CAMERA_ERROR, IDEM_CAMERA_ERROR_TIMED_OUT,
                       _("The camera sent no picture within %d seconds. "
                         "Unplug it and plug it in again, then try again."),
                       (int) self->start_timeout);
  fail (self, error);

  return G_SOURCE_REMOVE;
}

/* Main context: deliver the newest frame the streaming thread left. */
static gboolean
dispatch_frame_cb (gpointer user_data)
{
  IdemCamera *self = IDEM_CAMERA (user_data);
  g_autoptr(IdemVideoFrame) frame = NULL;

  g_mutex_lock (&self->lock);
  frame = g_steal_pointer (&self->pending_frame);
  g_clear_pointer (&self->dispatch_source, g_source_unref);
  g_mutex_unlock (&self->lock);

  if (frame == NULL || self->pipeline == NULL)
    return G_SOURCE_REMOVE;

  g_clear_pointer (&self->latest_frame, idem_video_frame_unref);
  self->latest_frame = idem_video_frame_ref (frame);

  if (!self->running)
    {
      if (self->timeout_source != NULL)
        {
          g_source_destroy (self->timeout_source);
          g_clear_pointer (&self->timeout_source, g_source_unref);
        }
      set_running (self, TRUE);
    }

  complete_waiters (self, frame);

  if (self->pipeline != NULL)
    g_signal_emit (self, signals[FRAME], 0, frame);

  return G_SOURCE_REMOVE;
}

/* Streaming thread. */
static GstFlowReturn
new_sample_cb (GstAppSink *sink,
               gpointer    user_data)
{
  IdemCamera *self = IDEM_CAMERA (user_data);
  g_autoptr(GstSample) sample = NULL;
  g_autoptr(IdemVideoFrame) frame = NULL;
  g_autoptr(GError) error = NULL;

  sample = gst_app_sink_pull_sample (sink);
  if (sample == NULL)
    return GST_FLOW_FLUSHING;

  frame = _idem_video_frame_new_from_sample (sample, &error);
  if (frame == NULL)
    {
      g_debug ("Dropping a camera frame: %s", error->message);
      return GST_FLOW_OK;
    }

  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->pending_frame, idem_video_frame_unref);
  self->pending_frame = g_steal_pointer (&frame);
  if (self->dispatch_source == NULL)
    {
      self->dispatch_source = g_idle_source_new ();
      g_source_set_priority (self->dispatch_source, G_PRIORITY_DEFAULT);
      g_source_set_static_name (self->dispatch_source, "[idem] camera frame");
      g_source_set_callback (self->dispatch_source, dispatch_frame_cb,
                             g_object_ref (self), g_object_unref);
      g_source_attach (self->dispatch_source, self->context);
    }
  g_mutex_unlock (&self->lock);

  return GST_FLOW_OK;
}

static gboolean
waiter_cancelled_cb (GCancellable *cancellable,
                     gpointer      user_data)
{
  Waiter *waiter = user_data;
  IdemCamera *self = g_task_get_source_object (waiter->task);

  g_queue_remove (&self->waiters, waiter);
  g_task_return_new_error (waiter->task, IDEM_CAMERA_ERROR, IDEM_CAMERA_ERROR_CANCELLED,
                           _("The camera operation was cancelled"));
  waiter_free (waiter);

  /* A start nobody waits for any more is abandoned. */
  if (!self->running && g_queue_is_empty (&self->waiters))
    teardown_pipeline (self);

  return G_SOURCE_REMOVE;
}

static void
add_waiter (IdemCamera *self,
            WaiterKind  kind,
            GTask      *task)
{
  Waiter *waiter = g_new0 (Waiter, 1);
  GCancellable *cancellable = g_task_get_cancellable (task);

  waiter->kind = kind;
  waiter->task = g_object_ref (task);

  if (cancellable != NULL)
    {
      waiter->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (waiter->cancel_source, G_SOURCE_FUNC (waiter_cancelled_cb),
                             waiter, NULL);
      g_source_attach (waiter->cancel_source, self->context);
    }

  g_queue_push_tail (&self->waiters, waiter);
}

static char *
build_caps_description (IdemCamera *self)
{
  GString *caps = g_string_new ("video/x-raw");

  g_string_append_printf (caps, ",format=%s", _idem_pixel_format_to_gst_name (self->pixel_format));
  if (self->width > 0)
    g_string_append_printf (caps, ",width=%u", self->width);
  if (self->height > 0)
    g_string_append_printf (caps, ",height=%u", self->height);

  return g_string_free (caps, FALSE);
}

static GstElement *
build_pipeline (IdemCamera  *self,
                GError     **error)
{
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) sink = NULL;
  g_autofree char *caps = build_caps_description (self);
  g_autofree char *description = NULL;
  GstAppSinkCallbacks callbacks = { .new_sample = new_sample_cb };

  description = g_strdup_printf ("%s ! videoconvert ! videoscale ! %s ! "
                                 "appsink name=idem-camera-sink max-buffers=1 drop=true sync=false",
                                 self->source, caps);

  pipeline = gst_parse_launch_full (description, NULL, GST_PARSE_FLAG_FATAL_ERRORS, &parse_error);
  if (pipeline == NULL)
    {
      g_debug ("Cannot build camera pipeline \"%s\": %s", description, parse_error->message);

      if (g_error_matches (parse_error, GST_PARSE_ERROR, GST_PARSE_ERROR_NO_SUCH_ELEMENT))
        g_set_error (error, IDEM_CAMERA_ERROR, IDEM_CAMERA_ERROR_INVALID_SOURCE,
                     _("The camera source \"%s\" needs a GStreamer plugin that is not "
                       "installed (%s). Install it, or choose another source."),
                     self->source, parse_error->message);
      else
        g_set_error (error, IDEM_CAMERA_ERROR, IDEM_CAMERA_ERROR_INVALID_SOURCE,
                     _("The camera source \"%s\" is not valid (%s). Correct it in the settings."),
                     self->source, parse_error->message);
      return NULL;
    }

  sink = gst_bin_get_by_name (GST_BIN (pipeline), "idem-camera-sink");
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, self, NULL);

  return g_steal_pointer (&pipeline);
}

static void
idem_camera_dispose (GObject *object)
{
  IdemCamera *self = IDEM_CAMERA (object);
  g_autoptr(GError) error = NULL;

  teardown_pipeline (self);

  if (!g_queue_is_empty (&self->waiters))
    {
      error = g_error_new_literal (IDEM_CAMERA_ERROR, IDEM_CAMERA_ERROR_CANCELLED,
                                   _("The camera operation was cancelled"));
      fail_waiters (self, error);
    }

  G_OBJECT_CLASS (idem_camera_parent_class)->dispose (object);
}

static void
idem_camera_finalize (GObject *object)
{
  IdemCamera *self = IDEM_CAMERA (object);

  g_free (self->source);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (idem_camera_parent_class)->finalize (object);
}

static void
idem_camera_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  IdemCamera *self = IDEM_CAMERA (object);

  switch (prop_id)
    {
    case PROP_SOURCE:
      g_value_set_string (value, self->source);
      break;

    case PROP_WIDTH:
      g_value_set_uint (value, self->width);
      break;

    case PROP_HEIGHT:
      g_value_set_uint (value, self->height);
      break;

    case PROP_PIXEL_FORMAT:
      g_value_set_enum (value, self->pixel_format);
      break;

    case PROP_START_TIMEOUT:
      g_value_set_uint (value, self->start_timeout);
      break;

    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
idem_camera_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  IdemCamera *self = IDEM_CAMERA (object);

  switch (prop_id)
    {
    case PROP_SOURCE:
      idem_camera_set_source (self, g_value_get_string (value));
      break;

    case PROP_WIDTH:
      idem_camera_set_width (self, g_value_get_uint (value));
      break;

    case PROP_HEIGHT:
      idem_camera_set_height (self, g_value_get_uint (value));
      break;

    case PROP_PIXEL_FORMAT:
      idem_camera_set_pixel_format (self, g_value_get_enum (value));
      break;

    case PROP_START_TIMEOUT:
      idem_camera_set_start_timeout (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
idem_camera_class_init (IdemCameraClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = idem_camera_dispose;
  object_class->finalize = idem_camera_finalize;
  object_class->get_property = idem_camera_get_property;
  object_class->set_property = idem_camera_set_property;

  /**
   * IdemCamera:source:
   *
   * The GStreamer element description producing the pictures, such as
   * "v4l2src device=/dev/video2".  A change takes effect at the next start.
   */
  properties[PROP_SOURCE] =
    g_param_spec_string ("source", NULL, NULL,
                         IDEM_CAMERA_DEFAULT_SOURCE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * IdemCamera:width:
   *
   * The picture width to ask for, or 0 to take the camera's own.
   */
  properties[PROP_WIDTH] =
    g_param_spec_uint ("width", NULL, NULL,
                       0, 16384, 0,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * IdemCamera:height:
   *
   * The picture height to ask for, or 0 to take the camera's own.
   */
  properties[PROP_HEIGHT] =
    g_param_spec_uint ("height", NULL, NULL,
                       0, 16384, 0,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * IdemCamera:pixel-format:
   *
   * The layout of the frames delivered: RGBA or BGRA (or grey).
   */
  properties[PROP_PIXEL_FORMAT] =
    g_param_spec_enum ("pixel-format", NULL, NULL,
                       IDEM_TYPE_PIXEL_FORMAT,
                       IDEM_PIXEL_FORMAT_RGBA,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * IdemCamera:start-timeout:
   *
   * How many seconds a starting camera may take to send its first picture
   * before the start fails with %IDEM_CAMERA_ERROR_TIMED_OUT.
   */
  properties[PROP_START_TIMEOUT] =
    g_param_spec_uint ("start-timeout", NULL, NULL,
                       1, 600, DEFAULT_START_TIMEOUT_SECONDS,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * IdemCamera:running:
   *
   * Whether the camera is delivering pictures.
   */
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * IdemCamera::frame:
   * @self: the camera
   * @frame: the newest picture
   *
   * Emitted on the main context that started the camera, at most once per
   * picture and never with a picture older than one already delivered;
   * pictures that arrive while the main context is busy are skipped.
   */
  signals[FRAME] =
    g_signal_new ("frame",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  IDEM_TYPE_VIDEO_FRAME | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * IdemCamera::failed:
   * @self: the camera
   * @error: what went wrong, in the %IDEM_CAMERA_ERROR domain
   *
   * Emitted when a running camera stops on its own (unplugged, stream
   * error).  The camera is stopped when this is emitted.
   */
  signals[FAILED] =
    g_signal_new ("failed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  G_TYPE_ERROR);
}

static void
idem_camera_init (IdemCamera *self)
{
  self->source = g_strdup (IDEM_CAMERA_DEFAULT_SOURCE);
  self->pixel_format = IDEM_PIXEL_FORMAT_RGBA;
  self->start_timeout = DEFAULT_START_TIMEOUT_SECONDS;
  self->context = g_main_context_ref_thread_default ();
  g_mutex_init (&self->lock);
  g_queue_init (&self->waiters);
}

/**
 * idem_camera_new:
 *
 * Creates a stopped camera.  Its frames and results are delivered on the
 * thread-default main context of the caller.
 *
 * Returns: (transfer full): a new camera
 */
IdemCamera *
idem_camera_new (void)
{
  return g_object_new (IDEM_TYPE_CAMERA, NULL);
}

const char *
idem_camera_get_source (IdemCamera *self)
{
  g_return_val_if_fail (IDEM_IS_CAMERA (self), NULL);

  return self->source;
}

/**
 * idem_camera_set_source:
 * @self: a camera
 * @source: (nullable): a GStreamer source description, %NULL for
 *   %IDEM_CAMERA_DEFAULT_SOURCE
 */
void
idem_camera_set_source (IdemCamera *self,
                        const char *source)
{
  g_return_if_fail (IDEM_IS_CAMERA (self));

  if (source == NULL || *source == '\0')
    source = IDEM_CAMERA_DEFAULT_SOURCE;

  if (g_strcmp0 (self->source, source) == 0)
    return;

  g_free (self->source);
  self->source = g_strdup (source);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOURCE]);
}

guint
idem_camera_get_width (IdemCamera *self)
{
  g_return_val_if_fail (IDEM_IS_CAMERA (self), 0);

  return self->width;
}

void
idem_camera_set_width (IdemCamera *self,
                       guint       width)
{
  g_return_if_fail (IDEM_IS_CAMERA (self));

  if (self->width == width)
    return;

  self->width = width;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WIDTH]);
}

guint
idem_camera_get_height (IdemCamera *self)
{
  g_return_val_if_fail (IDEM_IS_CAMERA (self), 0);

  return self->height;
}

void
idem_camera_set_height (IdemCamera *self,
                        guint       height)
{
  g_return_if_fail (IDEM_IS_CAMERA (self));

  if (self->height == height)
    return;

  self->height = height;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HEIGHT]);
}

IdemPixelFormat
idem_camera_get_pixel_format (IdemCamera *self)
{
  g_return_val_if_fail (IDEM_IS_CAMERA (self), IDEM_PIXEL_FORMAT_RGBA);

  return self->pixel_format;
}

void
idem_camera_set_pixel_format (IdemCamera      *self,
                              IdemPixelFormat  pixel_format)
{
  g_return_if_fail (IDEM_IS_CAMERA (self));
  g_return_if_fail (_idem_pixel_format_to_gst_name (pixel_format) != NULL);

  if (self->pixel_format == pixel_format)
    return;

  self->pixel_format = pixel_format;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PIXEL_FORMAT]);
}

guint
idem_camera_get_start_timeout (IdemCamera *self)
{
  g_return_val_if_fail (IDEM_IS_CAMERA (self), 0);

  return self->start_timeout;
}

void
idem_camera_set_start_timeout (IdemCamera *self,
                               guint       start_timeout)
{
  g_return_if_fail (IDEM_IS_CAMERA (self));
  g_return_if_fail (start_timeout >= 1 && start_timeout <= 600);

  if (self->start_timeout == start_timeout)
    return;

  self->start_timeout = start_timeout;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_START_TIMEOUT]);
}

gboolean
idem_camera_get_running (IdemCamera *self)
{
  g_return_val_if_fail (IDEM_IS_CAMERA (self), FALSE);

  return self->running;
}

/**
 * idem_camera_dup_latest_frame:
 * @self: a camera
 *
 * Returns: (transfer full) (nullable): the last picture delivered through
 *   #IdemCamera::frame, or %NULL when the camera is not running
 */
IdemVideoFrame *
idem_camera_dup_latest_frame (IdemCamera *self)
{
  g_return_val_if_fail (IDEM_IS_CAMERA (self), NULL);

  return self->latest_frame ? idem_video_frame_ref (self->latest_frame) : NULL;
}

/**
 * idem_camera_start_async:
 * @self: a camera
 * @cancellable: (nullable): a #GCancellable; cancelling abandons the start
 * @callback: called when the first picture arrived, or the start failed
 * @user_data: data for @callback
 *
 * Builds the pipeline from #IdemCamera:source and starts it.  Starting a
 * running camera succeeds at once.  Fails with %IDEM_CAMERA_ERROR_NO_DEVICE
 * when there is no camera, %IDEM_CAMERA_ERROR_TIMED_OUT when it sends nothing.
 */
void
idem_camera_start_async (IdemCamera          *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GstBus) bus = NULL;

  g_return_if_fail (IDEM_IS_CAMERA (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, idem_camera_start_async);
  /* Cancellation is reported in this component's own error domain. */
  g_task_set_check_cancellable (task, FALSE);

  if (self->running)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (self->pipeline != NULL)
    {
      g_task_return_new_error (task, IDEM_CAMERA_ERROR, IDEM_CAMERA_ERROR_BUSY,
                               _("The camera is already starting"));
      return;
    }

  if (g_cancellable_is_cancelled (cancellable))
    {
      g_task_return_new_error (task, IDEM_CAMERA_ERROR, IDEM_CAMERA_ERROR_CANCELLED,
                               _("The camera operation was cancelled"));
      return;
    }

  self->pipeline = build_pipeline (self, &error);
  if (self->pipeline == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  bus = gst_element_get_bus (self->pipeline);
  self->bus_source = gst_bus_create_watch (bus);
  g_source_set_callback (self->bus_source, G_SOURCE_FUNC (bus_message_cb), self, NULL);
  g_source_attach (self->bus_source, self->context);

  self->timeout_source = g_timeout_source_new_seconds (self->start_timeout);
  g_source_set_callback (self->timeout_source, start_timeout_cb, self, NULL);
  g_source_attach (self->timeout_source, self->context);

  add_waiter (self, WAITER_START, task);

  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_autoptr(GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

      /* Most sources (v4l2src opening a missing device) fail here at once,
       * with the reason already posted on the bus. */
      if (message != NULL)
        error = camera_error_from_message (message);
      else
        error = g_error_new_literal (IDEM_CAMERA_ERROR, IDEM_CAMERA_ERROR_STREAM,
                                     _("The camera could not be started. Check its cable, then try again."));
      fail (self, error);
    }
}

/**
 * idem_camera_start_finish:
 * @self: a camera
 * @result: the result given to the callback
 * @error: return location for an %IDEM_CAMERA_ERROR
 *
 * Returns: %TRUE when the camera is running
 */
gboolean
idem_camera_start_finish (IdemCamera    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (IDEM_IS_CAMERA (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == idem_camera_start_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * idem_camera_stop:
 * @self: a camera
 *
 * Stops the pipeline and releases the device.  A start still in progress
 * fails with %IDEM_CAMERA_ERROR_CANCELLED.
 */
void
idem_camera_stop (IdemCamera *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (IDEM_IS_CAMERA (self));

  teardown_pipeline (self);

  if (!g_queue_is_empty (&self->waiters))
    {
      error = g_error_new_literal (IDEM_CAMERA_ERROR, IDEM_CAMERA_ERROR_CANCELLED,
                                   _("The camera was stopped before it sent a picture"));
      fail_waiters (self, error);
    }
}

/**
 * idem_camera_capture_still_async:
 * @self: a camera, started or starting
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the picture
 * @user_data: data for @callback
 *
 * Takes the newest full picture.  On a running camera this is the frame last
 * delivered through #IdemCamera::frame; on a starting one, the first frame.
 */
void
idem_camera_capture_still_async (IdemCamera          *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (IDEM_IS_CAMERA (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, idem_camera_capture_still_async);
  /* Cancellation is reported in this component's own error domain. */
  g_task_set_check_cancellable (task, FALSE);

  if (self->pipeline == NULL)
    {
      g_task_return_new_error (task, IDEM_CAMERA_ERROR, IDEM_CAMERA_ERROR_NOT_RUNNING,
                               _("Start the camera before taking a photo"));
      return;
    }

  if (self->latest_frame != NULL)
    {
      g_task_return_pointer (task, idem_video_frame_ref (self->latest_frame),
                             (GDestroyNotify) idem_video_frame_unref);
      return;
    }

  add_waiter (self, WAITER_STILL, task);
}

/**
 * idem_camera_capture_still_finish:
 * @self: a camera
 * @result: the result given to the callback
 * @error: return location for an %IDEM_CAMERA_ERROR
 *
 * Returns: (transfer full) (nullable): the picture
 */
IdemVideoFrame *
idem_camera_capture_still_finish (IdemCamera    *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (IDEM_IS_CAMERA (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == idem_camera_capture_still_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
