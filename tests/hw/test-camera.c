/* test-camera.c — IdemCamera over real GStreamer pipelines
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * videotestsrc stands in for the camera: its SMPTE pattern has known colours
 * at known places, so a still can be checked pixel by pixel.  A v4l2src on a
 * device that does not exist is the "no camera plugged in" case.
 */

#include "config.h"

#include <idem-hw.h>

#include "hw-test-util.h"

#define SMPTE_SOURCE "videotestsrc is-live=true pattern=smpte"

static GThread *main_thread;

typedef struct
{
  guint    n_frames;
  guint    wanted;
  gboolean reached;
  guint    last_width;
  guint    last_height;
} FrameCounter;

static void
frame_cb (IdemCamera     *camera,
          IdemVideoFrame *frame,
          FrameCounter   *counter)
{
  /* Consumers are widgets: they must only ever be called on the main thread. */
  g_assert_true (g_thread_self () == main_thread);
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));

  counter->n_frames++;
  counter->reached = counter->n_frames >= counter->wanted;
  counter->last_width = idem_video_frame_get_width (frame);
  counter->last_height = idem_video_frame_get_height (frame);
}

static gboolean
start_camera (IdemCamera  *camera,
              GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;

  idem_camera_start_async (camera, NULL, hw_test_store_result_cb, &slot);
  result = hw_test_wait_result (&slot, "the camera to start");

  return idem_camera_start_finish (camera, result, error);
}

static IdemVideoFrame *
capture_still (IdemCamera  *camera,
               GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;

  idem_camera_capture_still_async (camera, NULL, hw_test_store_result_cb, &slot);
  result = hw_test_wait_result (&slot, "a still");

  return idem_camera_capture_still_finish (camera, result, error);
}

static IdemCamera *
new_smpte_camera (guint           width,
                  guint           height,
                  IdemPixelFormat format)
{
  IdemCamera *camera = idem_camera_new ();

  g_assert_cmpstr (idem_camera_get_source (camera), ==, IDEM_CAMERA_DEFAULT_SOURCE);
  idem_camera_set_source (camera, SMPTE_SOURCE);
  idem_camera_set_width (camera, width);
  idem_camera_set_height (camera, height);
  idem_camera_set_pixel_format (camera, format);

  return camera;
}

static void
test_frames_on_main_context (void)
{
  g_autoptr(IdemCamera) camera = new_smpte_camera (160, 120, IDEM_PIXEL_FORMAT_RGBA);
  g_autoptr(GError) error = NULL;
  FrameCounter counter = { .wanted = 5 };
  gulong handler;

  handler = g_signal_connect (camera, "frame", G_CALLBACK (frame_cb), &counter);

  g_assert_false (idem_camera_get_running (camera));
  g_assert_true (start_camera (camera, &error));
  g_assert_no_error (error);
  g_assert_true (idem_camera_get_running (camera));

  hw_test_wait_for (&counter.reached, "five frames");
  g_assert_cmpuint (counter.last_width, ==, 160);
  g_assert_cmpuint (counter.last_height, ==, 120);

  idem_camera_stop (camera);
  g_assert_false (idem_camera_get_running (camera));
  g_assert_null (idem_camera_dup_latest_frame (camera));

  /* Stopped means stopped: no frame arrives afterwards. */
  counter.n_frames = 0;
  hw_test_iterate (200);
  g_assert_cmpuint (counter.n_frames, ==, 0);

  g_signal_handler_disconnect (camera, handler);
}

static void
test_slow_consumer (void)
{
  g_autoptr(IdemCamera) camera = new_smpte_camera (160, 120, IDEM_PIXEL_FORMAT_RGBA);
  g_autoptr(GError) error = NULL;
  FrameCounter counter = { .wanted = 1 };
  guint before;

  g_signal_connect (camera, "frame", G_CALLBACK (frame_cb), &counter);
  g_assert_true (start_camera (camera, &error));
  hw_test_wait_for (&counter.reached, "a first frame");

  /* The main loop is stuck for ten frame periods (30 fps)... */
  g_usleep (333 * G_TIME_SPAN_MILLISECOND);

  /* ...and then gets the newest frame, not a backlog of old ones. */
  before = counter.n_frames;
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_test_message ("frames delivered after the stall: %u", counter.n_frames - before);
  g_assert_cmpuint (counter.n_frames - before, >=, 1);
  g_assert_cmpuint (counter.n_frames - before, <=, 2);

  idem_camera_stop (camera);
}

/* The top two thirds of videotestsrc's SMPTE pattern: seven full-intensity
 * bars, left to right. */
static const struct
{
  const char *name;
  guint8      red;
  guint8      green;
  guint8      blue;
} smpte_bars[] = {
  { "white", 255, 255, 255 },
  { "yellow", 255, 255, 0 },
  { "cyan", 0, 255, 255 },
  { "green", 0, 255, 0 },
  { "magenta", 255, 0, 255 },
  { "red", 255, 0, 0 },
  { "blue", 0, 0, 255 },
};

static void
assert_smpte_bars (IdemVideoFrame *frame,
                   int             tolerance)
{
  guint width = idem_video_frame_get_width (frame);
  guint height = idem_video_frame_get_height (frame);

  for (guint i = 0; i < G_N_ELEMENTS (smpte_bars); i++)
    {
      guint x = (2 * i + 1) * width / 14;
      guint8 r, g, b;

      idem_video_frame_get_rgb (frame, x, height / 3, &r, &g, &b);
      if (ABS ((int) r - smpte_bars[i].red) > tolerance ||
          ABS ((int) g - smpte_bars[i].green) > tolerance ||
          ABS ((int) b - smpte_bars[i].blue) > tolerance)
        g_error ("Bar %u should be %s (%d,%d,%d), is (%d,%d,%d)", i, smpte_bars[i].name,
                 smpte_bars[i].red, smpte_bars[i].green, smpte_bars[i].blue, r, g, b);
    }
}

static void
test_still_smpte (gconstpointer data)
{
  IdemPixelFormat format = GPOINTER_TO_INT (data);
  g_autoptr(IdemCamera) camera = new_smpte_camera (320, 240, format);
  g_autoptr(IdemVideoFrame) still = NULL;
  g_autoptr(IdemVideoFrame) latest = NULL;
  g_autoptr(GError) error = NULL;

  /* A still asked for while the camera starts is its first picture. */
  idem_camera_start_async (camera, NULL, NULL, NULL);
  still = capture_still (camera, &error);
  g_assert_no_error (error);
  g_assert_nonnull (still);
  g_assert_true (idem_camera_get_running (camera));

  g_assert_cmpuint (idem_video_frame_get_width (still), ==, 320);
  g_assert_cmpuint (idem_video_frame_get_height (still), ==, 240);
  g_assert_cmpint (idem_video_frame_get_format (still), ==, format);
  g_assert_cmpuint (idem_video_frame_get_stride (still), >=, 320 * 4);
  assert_smpte_bars (still, 2);

  latest = idem_camera_dup_latest_frame (camera);
  g_assert_nonnull (latest);

  g_clear_pointer (&still, idem_video_frame_unref);
  still = capture_still (camera, &error);
  g_assert_no_error (error);
  assert_smpte_bars (still, 2);

  idem_camera_stop (camera);

  /* The frame outlives the pipeline that made it. */
  assert_smpte_bars (latest, 2);
}

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static void
test_still_encoding (void)
{
  static const guint8 png_signature[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autoptr(IdemCamera) camera = new_smpte_camera (320, 240, IDEM_PIXEL_FORMAT_RGBA);
  g_autoptr(IdemVideoFrame) still = NULL;
  g_autoptr(IdemVideoFrame) from_png = NULL;
  g_autoptr(IdemVideoFrame) from_jpeg = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GBytes) jpeg = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  const guint8 *data;
  gsize size;

  g_assert_true (start_camera (camera, &error));
  still = capture_still (camera, &error);
  g_assert_no_error (error);
  idem_camera_stop (camera);

  /* PNG, from a worker thread as the registration client does it. */
  idem_video_frame_encode_async (still, IDEM_IMAGE_FORMAT_PNG, NULL, hw_test_store_result_cb, &slot);
  result = hw_test_wait_result (&slot, "the PNG encoding");
  png = idem_video_frame_encode_finish (still, result, &error);
  g_assert_no_error (error);

  data = g_bytes_get_data (png, &size);
  g_assert_cmpuint (size, >, 33);
  g_assert_cmpmem (data, sizeof png_signature, png_signature, sizeof png_signature);
  g_assert_cmpmem (data + 12, 4, "IHDR", 4);
  g_assert_cmpuint (read_be32 (data + 16), ==, 320);
  g_assert_cmpuint (read_be32 (data + 20), ==, 240);

  /* PNG is lossless: decoding gives the camera's pixels back. */
  from_png = idem_video_frame_decode (png, IDEM_PIXEL_FORMAT_RGBA, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (idem_video_frame_get_width (from_png), ==, 320);
  g_assert_cmpuint (idem_video_frame_get_height (from_png), ==, 240);
  for (guint y = 0; y < 240; y += 17)
    for (guint x = 0; x < 320; x += 13)
      {
        guint8 a[3], b[3];

        idem_video_frame_get_rgb (still, x, y, &a[0], &a[1], &a[2]);
        idem_video_frame_get_rgb (from_png, x, y, &b[0], &b[1], &b[2]);
        g_assert_cmpmem (a, 3, b, 3);
      }

  jpeg = idem_video_frame_encode (still, IDEM_IMAGE_FORMAT_JPEG, NULL, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (jpeg, &size);
  g_assert_cmpuint (size, >, 3);
  g_assert_cmpuint (data[0], ==, 0xff);
  g_assert_cmpuint (data[1], ==, 0xd8);
  g_assert_cmpuint (data[2], ==, 0xff);

  /* JPEG is lossy and subsamples colour: the bars stay recognisable. */
  from_jpeg = idem_video_frame_decode (jpeg, IDEM_PIXEL_FORMAT_BGRA, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (idem_video_frame_get_width (from_jpeg), ==, 320);
  g_assert_cmpuint (idem_video_frame_get_height (from_jpeg), ==, 240);
  assert_smpte_bars (from_jpeg, 16);
}

static void
test_no_device (void)
{
  g_autoptr(IdemCamera) camera = idem_camera_new ();
  g_autoptr(GError) error = NULL;
  gint64 start;

  idem_camera_set_source (camera, "v4l2src device=/dev/video-none");

  start = g_get_monotonic_time ();
  g_assert_false (start_camera (camera, &error));
  g_assert_error (error, IDEM_CAMERA_ERROR, IDEM_CAMERA_ERROR_NO_DEVICE);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
  g_assert_false (idem_camera_get_running (camera));
  g_test_message ("No camera: %s", error->message);

  /* The camera object stays usable: fix the setting and start again. */
  g_clear_error (&error);
  idem_camera_set_source (camera, SMPTE_SOURCE);
  g_assert_true (start_camera (camera, &error));
  g_assert_no_error (error);
  idem_camera_stop (camera);
}

static void
test_invalid_source (void)
{
  static const char *sources[] = {
    "no-such-element-at-all",
    "videotestsrc ! ! !",
    "videotestsrc pattern=no-such-pattern",
  };

  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    {
      g_autoptr(IdemCamera) camera = idem_camera_new ();
      g_autoptr(GError) error = NULL;

      idem_camera_set_source (camera, sources[i]);
      g_assert_false (start_camera (camera, &error));
      g_assert_error (error, IDEM_CAMERA_ERROR, IDEM_CAMERA_ERROR_INVALID_SOURCE);
      g_assert_false (idem_camera_get_running (camera));
    }
}

static void
test_still_needs_start (void)
{
  g_autoptr(IdemCamera) camera = new_smpte_camera (64, 48, IDEM_PIXEL_FORMAT_RGBA);
  g_autoptr(IdemVideoFrame) still = NULL;
  g_autoptr(GError) error = NULL;

  still = capture_still (camera, &error);
  g_assert_null (still);
  g_assert_error (error, IDEM_CAMERA_ERROR, IDEM_CAMERA_ERROR_NOT_RUNNING);
}

static void
test_stop_while_starting (void)
{
  g_autoptr(IdemCamera) camera = new_smpte_camera (64, 48, IDEM_PIXEL_FORMAT_RGBA);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) busy_result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  GAsyncResult *busy_slot = NULL;

  idem_camera_start_async (camera, NULL, hw_test_store_result_cb, &slot);
  idem_camera_start_async (camera, NULL, hw_test_store_result_cb, &busy_slot);
  idem_camera_stop (camera);

  busy_result = hw_test_wait_result (&busy_slot, "the refused second start");
  g_assert_false (idem_camera_start_finish (camera, busy_result, &error));
  g_assert_error (error, IDEM_CAMERA_ERROR, IDEM_CAMERA_ERROR_BUSY);
  g_clear_error (&error);

  result = hw_test_wait_result (&slot, "the stopped start");
  g_assert_false (idem_camera_start_finish (camera, result, &error));
  g_assert_error (error, IDEM_CAMERA_ERROR, IDEM_CAMERA_ERROR_CANCELLED);
  g_assert_false (idem_camera_get_running (camera));
}

static void
test_cancel_start (void)
{
  g_autoptr(IdemCamera) camera = idem_camera_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  /* A live source that never produces a picture: only cancelling ends it. */
  idem_camera_set_source (camera, "videotestsrc is-live=true ! valve drop=true");
  idem_camera_start_async (camera, cancellable, hw_test_store_result_cb, &slot);
  hw_test_iterate (200);
  g_assert_null (slot);

  g_cancellable_cancel (cancellable);
  result = hw_test_wait_result (&slot, "the cancelled start");
  g_assert_false (idem_camera_start_finish (camera, result, &error));
  g_assert_error (error, IDEM_CAMERA_ERROR, IDEM_CAMERA_ERROR_CANCELLED);
  g_assert_false (idem_camera_get_running (camera));
}

static void
test_start_timeout (void)
{
  g_autoptr(IdemCamera) camera = idem_camera_new ();
  g_autoptr(GError) error = NULL;
  gint64 start;

  /* A camera that opens but never sends a picture. */
  idem_camera_set_source (camera, "videotestsrc is-live=true ! valve drop=true");
  g_assert_cmpuint (idem_camera_get_start_timeout (camera), ==, 10);
  idem_camera_set_start_timeout (camera, 1);

  start = g_get_monotonic_time ();
  g_assert_false (start_camera (camera, &error));
  g_assert_error (error, IDEM_CAMERA_ERROR, IDEM_CAMERA_ERROR_TIMED_OUT);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, G_USEC_PER_SEC / 2);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_assert_false (idem_camera_get_running (camera));
}

typedef struct
{
  GError   *error;
  gboolean  failed;
} Failure;

static void
failed_cb (IdemCamera   *camera,
           const GError *error,
           Failure      *failure)
{
  g_assert_false (failure->failed);
  g_assert_false (idem_camera_get_running (camera));
  failure->error = g_error_copy (error);
  failure->failed = TRUE;
}

static void
test_stream_ends (void)
{
  g_autoptr(IdemCamera) camera = new_smpte_camera (64, 48, IDEM_PIXEL_FORMAT_RGBA);
  g_autoptr(GError) error = NULL;
  Failure failure = { NULL, FALSE };

  /* A camera unplugged mid-session: the source ends after a few frames. */
  idem_camera_set_source (camera, "videotestsrc is-live=true num-buffers=3");
  g_signal_connect (camera, "failed", G_CALLBACK (failed_cb), &failure);

  g_assert_true (start_camera (camera, &error));
  g_assert_no_error (error);

  hw_test_wait_for (&failure.failed, "the camera to report the end of the stream");
  g_assert_error (failure.error, IDEM_CAMERA_ERROR, IDEM_CAMERA_ERROR_STREAM);
  g_assert_false (idem_camera_get_running (camera));
  g_clear_error (&failure.error);
}

int
main (int   argc,
      char *argv[])
{
  hw_test_init (&argc, &argv);
  main_thread = g_thread_self ();

  g_test_add_func ("/hw/camera/frames-on-main-context", test_frames_on_main_context);
  g_test_add_func ("/hw/camera/slow-consumer", test_slow_consumer);
  g_test_add_data_func ("/hw/camera/still-smpte/rgba", GINT_TO_POINTER (IDEM_PIXEL_FORMAT_RGBA),
                        test_still_smpte);
  g_test_add_data_func ("/hw/camera/still-smpte/bgra", GINT_TO_POINTER (IDEM_PIXEL_FORMAT_BGRA),
                        test_still_smpte);
  g_test_add_func ("/hw/camera/still-encoding", test_still_encoding);
  g_test_add_func ("/hw/camera/no-device", test_no_device);
  g_test_add_func ("/hw/camera/invalid-source", test_invalid_source);
  g_test_add_func ("/hw/camera/still-needs-start", test_still_needs_start);
  g_test_add_func ("/hw/camera/stop-while-starting", test_stop_while_starting);
  g_test_add_func ("/hw/camera/cancel-start", test_cancel_start);
  g_test_add_func ("/hw/camera/start-timeout", test_start_timeout);
  g_test_add_func ("/hw/camera/stream-ends", test_stream_ends);

  return g_test_run ();
}
