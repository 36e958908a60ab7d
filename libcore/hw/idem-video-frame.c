/* idem-video-frame.c — a picture as plain pixels, and its PNG/JPEG encodings
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Frames leave the hardware layer as bytes plus a size, a stride and a pixel
 * format, so nothing here needs GTK: the ui layer wraps them in a
 * GdkMemoryTexture, the registration client stores their PNG or JPEG
 * encoding.  Encoding and decoding run a short GStreamer pipeline
 * (appsrc → converter → encoder → appsink) so the codecs are the ones the
 * camera path already depends on.
 */

#define G_LOG_DOMAIN "idem-video-frame"

#include "config.h"

#include "idem-video-frame-private.h"

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/video/video.h>
#include <glib/gi18n-lib.h>

struct _IdemVideoFrame
{
  gatomicrefcount  ref_count;
  IdemPixelFormat  format;
  guint            width;
  guint            height;
  gsize            stride;
  GBytes          *pixels;
};

G_DEFINE_BOXED_TYPE (IdemVideoFrame, idem_video_frame,
                     idem_video_frame_ref, idem_video_frame_unref)

G_DEFINE_QUARK (idem-video-frame-error-quark, idem_video_frame_error)

/* A decoded picture larger than this is refused: no camera or scanner we
 * support comes near it, and it bounds what a hostile file can allocate. */
#define MAX_DIMENSION 16384

/* How long one encode or decode may take before it is abandoned; a single
 * still takes milliseconds, so reaching this means a stuck pipeline. */
#define PIPELINE_TIMEOUT_USEC (10 * G_USEC_PER_SEC)

static guint
bytes_per_pixel (IdemPixelFormat format)
{
  switch (format)
    {
    case IDEM_PIXEL_FORMAT_RGBA:
    case IDEM_PIXEL_FORMAT_BGRA:
      return 4;
    case IDEM_PIXEL_FORMAT_GRAY8:
      return 1;
    default:
      return 0;
    }
}

const char *
_idem_pixel_format_to_gst_name (IdemPixelFormat format)
{
  switch (format)
    {
    case IDEM_PIXEL_FORMAT_RGBA:
      return "RGBA";
    case IDEM_PIXEL_FORMAT_BGRA:
      return "BGRA";
    case IDEM_PIXEL_FORMAT_GRAY8:
      return "GRAY8";
    default:
      return NULL;
    }
}

static gboolean
pixel_format_from_gst (GstVideoFormat   gst_format,
                       IdemPixelFormat *format)
{
  switch ((int) gst_format)
    {
    case GST_VIDEO_FORMAT_RGBA:
      *format = IDEM_PIXEL_FORMAT_RGBA;
      return TRUE;
    case GST_VIDEO_FORMAT_BGRA:
      *format = IDEM_PIXEL_FORMAT_BGRA;
      return TRUE;
    case GST_VIDEO_FORMAT_GRAY8:
      *format = IDEM_PIXEL_FORMAT_GRAY8;
      return TRUE;
    default:
      return FALSE;
    }
}

/**
 * idem_video_frame_new:
 * @format: how the pixels are laid out
 * @width: the width in pixels, at least 1
 * @height: the height in pixels, at least 1
 * @stride: the distance in bytes between the starts of two rows
 * @pixels: the pixel data, at least `stride × (height − 1) + width × bpp` bytes
 * @error: return location for an %IDEM_VIDEO_FRAME_ERROR_INVALID error
 *
 * Returns: (transfer full) (nullable): a new frame holding a reference to
 *   @pixels, or %NULL when the description does not fit the data
 */
IdemVideoFrame *
idem_video_frame_new (IdemPixelFormat   format,
                      guint             width,
                      guint             height,
                      gsize             stride,
                      GBytes           *pixels,
                      GError          **error)
{
  IdemVideoFrame *self;
  guint bpp;

  g_return_val_if_fail (pixels != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  bpp = bytes_per_pixel (format);
  if (bpp == 0)
    {
      g_set_error (error, IDEM_VIDEO_FRAME_ERROR, IDEM_VIDEO_FRAME_ERROR_INVALID,
                   _("Unknown pixel format %d"), (int) format);
      return NULL;
    }

  if (width == 0 || height == 0 || width > MAX_DIMENSION || height > MAX_DIMENSION)
    {
      g_set_error (error, IDEM_VIDEO_FRAME_ERROR, IDEM_VIDEO_FRAME_ERROR_INVALID,
                   _("A picture of %u × %u pixels is not supported"), width, height);
      return NULL;
    }

  if (stride < (gsize) width * bpp)
    {
      g_set_error (error, IDEM_VIDEO_FRAME_ERROR, IDEM_VIDEO_FRAME_ERROR_INVALID,
                   _("A row of %lu bytes cannot hold %u pixels"),
                   (unsigned long) stride, width);
      return NULL;
    }

  if (g_bytes_get_size (pixels) < stride * (height - 1) + (gsize) width * bpp)
    {
      g_set_error (error, IDEM_VIDEO_FRAME_ERROR, IDEM_VIDEO_FRAME_ERROR_INVALID,
                   _("%lu bytes are too few for a picture of %u × %u pixels"),
                   (unsigned long) g_bytes_get_size (pixels), width, height);
      return NULL;
    }

  self = g_new0 (IdemVideoFrame, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->format = format;
  self->width = width;
  self->height = height;
  self->stride = stride;
  self->pixels = g_bytes_ref (pixels);

  return self;
}

/**
 * idem_video_frame_ref:
 * @self: a frame
 *
 * Returns: (transfer full): @self
 */
IdemVideoFrame *
idem_video_frame_ref (IdemVideoFrame *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * idem_video_frame_unref:
 * @self: (transfer full): a frame
 *
 * Drops a reference; the pixels are released with the last one.
 */
void
idem_video_frame_unref (IdemVideoFrame *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_bytes_unref (self->pixels);
      g_free (self);
    }
}

IdemPixelFormat
idem_video_frame_get_format (IdemVideoFrame *self)
{
  g_return_val_if_fail (self != NULL, IDEM_PIXEL_FORMAT_RGBA);

  return self->format;
}

guint
idem_video_frame_get_width (IdemVideoFrame *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->width;
}

guint
idem_video_frame_get_height (IdemVideoFrame *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->height;
}

gsize
idem_video_frame_get_stride (IdemVideoFrame *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->stride;
}

/**
 * idem_video_frame_get_pixels:
 * @self: a frame
 *
 * Returns: (transfer none): the pixel data, row after row, @stride apart
 */
GBytes *
idem_video_frame_get_pixels (IdemVideoFrame *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->pixels;
}

guint
idem_video_frame_get_bytes_per_pixel (IdemVideoFrame *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return bytes_per_pixel (self->format);
}

/**
 * idem_video_frame_get_rgb:
 * @self: a frame
 * @x: the column, less than the width
 * @y: the row, less than the height
 * @red: (out) (optional): the red value
 * @green: (out) (optional): the green value
 * @blue: (out) (optional): the blue value
 *
 * Reads one pixel whatever the layout; grey pixels read as equal components.
 */
void
idem_video_frame_get_rgb (IdemVideoFrame *self,
                          guint           x,
                          guint           y,
                          guint8         *red,
                          guint8         *green,
                          guint8         *blue)
{
  const guint8 *p;
  guint8 r, g, b;

  g_return_if_fail (self != NULL);
  g_return_if_fail (x < self->width && y < self->height);

  p = (const guint8 *) g_bytes_get_data (self->pixels, NULL)
      + y * self->stride + x * bytes_per_pixel (self->format);

  switch (self->format)
    {
    case IDEM_PIXEL_FORMAT_RGBA:
      r = p[0], g = p[1], b = p[2];
      break;
    case IDEM_PIXEL_FORMAT_BGRA:
      r = p[2], g = p[1], b = p[0];
      break;
    case IDEM_PIXEL_FORMAT_GRAY8:
    default:
      r = g = b = p[0];
      break;
    }

  if (red != NULL)
    *red = r;
  if (green != NULL)
    *green = g;
  if (blue != NULL)
    *blue = b;
}

typedef struct
{
  GstVideoFrame video_frame;
} MappedFrame;

static void
mapped_frame_free (gpointer data)
{
  MappedFrame *mapped = data;

  gst_video_frame_unmap (&mapped->video_frame);
  g_free (mapped);
}

/* Wraps the sample's first plane without copying: the GBytes keeps the
 * buffer mapped (and so referenced) for as long as the frame lives. */
IdemVideoFrame *
_idem_video_frame_new_from_sample (GstSample  *sample,
                                   GError    **error)
{
  g_autoptr(GBytes) pixels = NULL;
  GstVideoInfo info;
  IdemPixelFormat format;
  MappedFrame *mapped;
  GstCaps *caps;
  GstBuffer *buffer;
  const guint8 *plane;
  gsize offset;
  gsize available;
  gsize stride;

  caps = gst_sample_get_caps (sample);
  buffer = gst_sample_get_buffer (sample);

  if (caps == NULL || buffer == NULL || !gst_video_info_from_caps (&info, caps))
    {
      g_set_error_literal (error, IDEM_VIDEO_FRAME_ERROR, IDEM_VIDEO_FRAME_ERROR_INVALID,
                           _("The picture arrived without a description of its pixels"));
      return NULL;
    }

  if (!pixel_format_from_gst (GST_VIDEO_INFO_FORMAT (&info), &format))
    {
      g_set_error (error, IDEM_VIDEO_FRAME_ERROR, IDEM_VIDEO_FRAME_ERROR_INVALID,
                   _("Pixel format %s is not supported"),
                   gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (&info)));
      return NULL;
    }

  mapped = g_new0 (MappedFrame, 1);
  if (!gst_video_frame_map (&mapped->video_frame, &info, buffer, GST_MAP_READ))
    {
      g_free (mapped);
      g_set_error_literal (error, IDEM_VIDEO_FRAME_ERROR, IDEM_VIDEO_FRAME_ERROR_INVALID,
                           _("The picture's memory could not be read"));
      return NULL;
    }

  plane = GST_VIDEO_FRAME_PLANE_DATA (&mapped->video_frame, 0);
  stride = GST_VIDEO_FRAME_PLANE_STRIDE (&mapped->video_frame, 0);
  offset = plane - (const guint8 *) mapped->video_frame.map[0].data;
  available = mapped->video_frame.map[0].size - offset;

  pixels = g_bytes_new_with_free_func (plane,
                                       MIN (available, stride * GST_VIDEO_INFO_HEIGHT (&info)),
                                       mapped_frame_free,
                                       mapped);

  return idem_video_frame_new (format,
                               GST_VIDEO_INFO_WIDTH (&info),
                               GST_VIDEO_INFO_HEIGHT (&info),
                               stride,
                               pixels,
                               error);
}

/* GStreamer expects a full last row; a frame may end right after its last
 * pixel, so such a frame is copied into padded memory. */
static GstBuffer *
buffer_from_frame (IdemVideoFrame *self)
{
  gsize size = g_bytes_get_size (self->pixels);
  gsize full_size = self->stride * self->height;
  GstBuffer *buffer;

  if (size >= full_size)
    return gst_buffer_new_wrapped_full (GST_MEMORY_FLAG_READONLY,
                                        (gpointer) g_bytes_get_data (self->pixels, NULL),
                                        size, 0, size,
                                        g_bytes_ref (self->pixels),
                                        (GDestroyNotify) g_bytes_unref);

  buffer = gst_buffer_new_allocate (NULL, full_size, NULL);
  gst_buffer_fill (buffer, 0, g_bytes_get_data (self->pixels, NULL), size);
  gst_buffer_memset (buffer, size, 0, full_size - size);

  return buffer;
}

/* Pushes one buffer through `appsrc ! DESCRIPTION ! appsink` and returns the
 * first sample that comes out.  The pipeline has its own streaming thread;
 * this one waits on the sink, watching the bus for errors and @cancellable. */
static GstSample *
run_single_buffer_pipeline (const char    *description,
                            GstCaps       *input_caps,
                            GstBuffer     *input,
                            GQuark         error_domain,
                            int            error_code,
                            GCancellable  *cancellable,
                            GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) src = NULL;
  g_autoptr(GstElement) sink = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstSample) sample = NULL;
  g_autofree char *full_description = NULL;
  gint64 deadline;

  full_description = g_strdup_printf ("appsrc name=src ! %s ! appsink name=sink sync=false",
                                      description);
  pipeline = gst_parse_launch_full (full_description, NULL, GST_PARSE_FLAG_FATAL_ERRORS,
                                    &local_error);
  if (pipeline == NULL)
    {
      g_set_error (error, error_domain, error_code,
                   _("The image codec is not available: %s"), local_error->message);
      return NULL;
    }

  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  bus = gst_element_get_bus (pipeline);

  if (input_caps != NULL)
    gst_app_src_set_caps (GST_APP_SRC (src), input_caps);

  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error_literal (error, error_domain, error_code,
                           _("The image codec could not be started"));
      return NULL;
    }

  gst_app_src_push_buffer (GST_APP_SRC (src), input);
  gst_app_src_end_of_stream (GST_APP_SRC (src));

  deadline = g_get_monotonic_time () + PIPELINE_TIMEOUT_USEC;
  while (sample == NULL)
    {
      g_autoptr(GstMessage) message = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        break;

      message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
      if (message != NULL)
        {
          g_autoptr(GError) gst_error = NULL;

          gst_message_parse_error (message, &gst_error, NULL);
          g_set_error (error, error_domain, error_code, "%s", gst_error->message);
          break;
        }

      sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), 20 * GST_MSECOND);
      if (sample == NULL && gst_app_sink_is_eos (GST_APP_SINK (sink)))
        {
          g_set_error_literal (error, error_domain, error_code,
                               _("The image codec produced no picture"));
          break;
        }

      if (sample == NULL && g_get_monotonic_time () > deadline)
        {
          g_set_error_literal (error, error_domain, error_code,
                               _("The image codec did not answer in time"));
          break;
        }
    }

  gst_element_set_state (pipeline, GST_STATE_NULL);

  return g_steal_pointer (&sample);
}

/**
 * idem_video_frame_encode:
 * @self: a frame
 * @format: the encoding
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an %IDEM_VIDEO_FRAME_ERROR_ENCODE error
 *
 * Encodes the frame as a PNG or JPEG file.  This blocks for the time of the
 * encoding (milliseconds for a camera still); use
 * idem_video_frame_encode_async() from the main thread.
 *
 * Returns: (transfer full) (nullable): the encoded file
 */
GBytes *
idem_video_frame_encode (IdemVideoFrame   *self,
                         IdemImageFormat   format,
                         GCancellable     *cancellable,
                         GError          **error)
{
  g_autoptr(GstCaps) caps = NULL;
  g_autoptr(GstSample) sample = NULL;
  GstBuffer *buffer;
  GstMapInfo map;
  GBytes *encoded;
  const char *encoder;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  switch (format)
    {
    case IDEM_IMAGE_FORMAT_PNG:
      encoder = "pngenc";
      break;
    case IDEM_IMAGE_FORMAT_JPEG:
      encoder = "jpegenc quality=90";
      break;
    default:
      g_set_error (error, IDEM_VIDEO_FRAME_ERROR, IDEM_VIDEO_FRAME_ERROR_ENCODE,
                   _("Unknown image format %d"), (int) format);
      return NULL;
    }

  caps = gst_caps_new_simple ("video/x-raw",
                              "format", G_TYPE_STRING, _idem_pixel_format_to_gst_name (self->format),
                              "width", G_TYPE_INT, (int) self->width,
                              "height", G_TYPE_INT, (int) self->height,
                              "framerate", GST_TYPE_FRACTION, 0, 1,
                              NULL);

  /* The stride travels as video meta, so rows padded by the camera are
   * read correctly. */
  buffer = buffer_from_frame (self);
  {
    gsize offsets[GST_VIDEO_MAX_PLANES] = { 0 };
    gint strides[GST_VIDEO_MAX_PLANES] = { (gint) self->stride };
    GstVideoInfo info;

    gst_video_info_from_caps (&info, caps);
    gst_buffer_add_video_meta_full (buffer, GST_VIDEO_FRAME_FLAG_NONE,
                                    GST_VIDEO_INFO_FORMAT (&info),
                                    self->width, self->height, 1,
                                    offsets, strides);
  }

  {
    g_autofree char *description = g_strdup_printf ("videoconvert ! %s", encoder);

    sample = run_single_buffer_pipeline (description, caps, buffer,
                                         IDEM_VIDEO_FRAME_ERROR,
                                         IDEM_VIDEO_FRAME_ERROR_ENCODE,
                                         cancellable, error);
  }
  if (sample == NULL)
    return NULL;

  buffer = gst_sample_get_buffer (sample);
  if (buffer == NULL || !gst_buffer_map (buffer, &map, GST_MAP_READ))
    {
      g_set_error_literal (error, IDEM_VIDEO_FRAME_ERROR, IDEM_VIDEO_FRAME_ERROR_ENCODE,
                           _("The encoded picture could not be read"));
      return NULL;
    }

  encoded = g_bytes_new (map.data, map.size);
  gst_buffer_unmap (buffer, &map);

  return encoded;
}

typedef struct
{
  IdemVideoFrame  *frame;
  IdemImageFormat  format;
} EncodeData;

static void
encode_data_free (gpointer data)
{
  EncodeData *encode = data;

  idem_video_frame_unref (encode->frame);
  g_free (encode);
}

static void
encode_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  EncodeData *encode = task_data;
  GError *error = NULL;
  GBytes *encoded;

  encoded = idem_video_frame_encode (encode->frame, encode->format, cancellable, &error);
  if (encoded == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, encoded, (GDestroyNotify) g_bytes_unref);
}

/**
 * idem_video_frame_encode_async:
 * @self: a frame
 * @format: the encoding
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the current thread-default main context when done
 * @user_data: data for @callback
 *
 * Encodes the frame in a worker thread.
 */
void
idem_video_frame_encode_async (IdemVideoFrame      *self,
                               IdemImageFormat      format,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  EncodeData *encode;

  g_return_if_fail (self != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  encode = g_new0 (EncodeData, 1);
  encode->frame = idem_video_frame_ref (self);
  encode->format = format;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, idem_video_frame_encode_async);
  g_task_set_task_data (task, encode, encode_data_free);
  g_task_run_in_thread (task, encode_thread);
}

/**
 * idem_video_frame_encode_finish:
 * @self: the frame passed to idem_video_frame_encode_async()
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the encoded file
 */
GBytes *
idem_video_frame_encode_finish (IdemVideoFrame  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == idem_video_frame_encode_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * idem_video_frame_decode:
 * @data: a PNG or JPEG file
 * @format: the pixel layout wanted
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an %IDEM_VIDEO_FRAME_ERROR_DECODE error
 *
 * Decodes a stored picture, such as a photo taken with
 * idem_video_frame_encode(), back into pixels.  Blocks like encoding does.
 *
 * Returns: (transfer full) (nullable): the picture
 */
IdemVideoFrame *
idem_video_frame_decode (GBytes           *data,
                         IdemPixelFormat   format,
                         GCancellable     *cancellable,
                         GError          **error)
{
  g_autoptr(GstSample) sample = NULL;
  g_autofree char *description = NULL;
  GstBuffer *buffer;
  const char *format_name;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  format_name = _idem_pixel_format_to_gst_name (format);
  if (format_name == NULL)
    {
      g_set_error (error, IDEM_VIDEO_FRAME_ERROR, IDEM_VIDEO_FRAME_ERROR_INVALID,
                   _("Unknown pixel format %d"), (int) format);
      return NULL;
    }

  if (g_bytes_get_size (data) == 0)
    {
      g_set_error_literal (error, IDEM_VIDEO_FRAME_ERROR, IDEM_VIDEO_FRAME_ERROR_DECODE,
                           _("The picture file is empty"));
      return NULL;
    }

  buffer = gst_buffer_new_wrapped_full (GST_MEMORY_FLAG_READONLY,
                                        (gpointer) g_bytes_get_data (data, NULL),
                                        g_bytes_get_size (data),
                                        0,
                                        g_bytes_get_size (data),
                                        g_bytes_ref (data),
                                        (GDestroyNotify) g_bytes_unref);

  description = g_strdup_printf ("decodebin ! videoconvert ! video/x-raw,format=%s",
                                 format_name);
  sample = run_single_buffer_pipeline (description, NULL, buffer,
                                       IDEM_VIDEO_FRAME_ERROR,
                                       IDEM_VIDEO_FRAME_ERROR_DECODE,
                                       cancellable, error);
  if (sample == NULL)
    return NULL;

  return _idem_video_frame_new_from_sample (sample, error);
}
