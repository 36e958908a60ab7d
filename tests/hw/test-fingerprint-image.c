/* test-fingerprint-image.c — IdemFingerprintReader over libfprint's
 * virtual_image driver: image capture, and enrol and verify with NBIS
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The driver is an image sensor whose pictures come from this test through
 * a Unix socket.  Everything after the picture is libfprint's real image
 * path: NBIS minutiae extraction, five enrol stages, bozorth3 matching with
 * its threshold of 40.  The pictures are synthetic fingers: impressions of
 * one finger must match each other, and a finger of another pattern class
 * must not.
 */

#include "config.h"

#include <idem-hw.h>

#include "hw-test-util.h"
#include "synthetic-finger.h"

#define FINGER_SEED       20241
#define OTHER_FINGER_SEED 5077

static char *socket_path;

/* Growing a finger takes a while; every test touches the same one. */
static SyntheticFinger *enrolled_finger;

typedef struct
{
  IdemFingerprintReader *reader;
  HwImageFeeder         *feeder;
  SyntheticFinger       *finger;   /* borrowed */
  guint                  next_impression;
  guint                  n_progress;
  guint                  n_retries;
  const char            *last_hint;
} Fixture;

/* One touch of @finger: placement, distortion and noise follow from
 * @impression, so every run sends the same pictures. */
static guint8 *
render_impression (SyntheticFinger *finger,
                   guint32          impression)
{
  SyntheticImpressionParams params;

  synthetic_finger_random_impression (impression, &params);

  return synthetic_finger_render (finger, impression, &params);
}

static void
send_impression (Fixture         *fixture,
                 SyntheticFinger *finger,
                 guint32          impression)
{
  g_autofree guint8 *image = render_impression (finger, impression);

  hw_image_feeder_send_image (fixture->feeder, image, SYNTHETIC_FINGER_WIDTH, SYNTHETIC_FINGER_HEIGHT);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  fixture->reader = idem_fingerprint_reader_new ();
  g_assert_cmpstr (idem_fingerprint_reader_get_driver (fixture->reader), ==, "virtual_image");
  g_assert_true (idem_fingerprint_reader_get_can_capture (fixture->reader));

  idem_fingerprint_reader_open_async (fixture->reader, NULL, hw_test_store_result_cb, &slot);
  result = hw_test_wait_result (&slot, "the reader to open");
  g_assert_true (idem_fingerprint_reader_open_finish (fixture->reader, result, &error));
  g_assert_no_error (error);

  fixture->feeder = hw_image_feeder_new (socket_path);
  if (enrolled_finger == NULL)
    enrolled_finger = synthetic_finger_new (FINGER_SEED, SYNTHETIC_FINGER_LEFT_LOOP);
  fixture->finger = enrolled_finger;
}

static void
close_reader (IdemFingerprintReader *reader)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  idem_fingerprint_reader_close_async (reader, NULL, hw_test_store_result_cb, &slot);
  result = hw_test_wait_result (&slot, "the reader to close");
  g_assert_true (idem_fingerprint_reader_close_finish (reader, result, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  hw_image_feeder_wait_idle (fixture->feeder);
  hw_image_feeder_free (fixture->feeder);

  close_reader (fixture->reader);
  g_assert_finalize_object (fixture->reader);
}

static IdemVideoFrame *
capture (Fixture  *fixture,
         double   *pixels_per_mm,
         guint    *n_minutiae,
         GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;

  idem_fingerprint_reader_capture_async (fixture->reader, NULL, hw_test_store_result_cb, &slot);
  result = hw_test_wait_result (&slot, "the capture");

  return idem_fingerprint_reader_capture_finish (fixture->reader, result, pixels_per_mm, n_minutiae, error);
}

static void
test_capture (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree guint8 *sent = render_impression (fixture->finger, 1);
  g_autoptr(IdemVideoFrame) frame = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *pixels;
  gsize stride;
  guint n_same = 0;
  guint n_dark = 0;
  guint n_minutiae = 0;
  double ppmm = 0;

  hw_image_feeder_send_image (fixture->feeder, sent, SYNTHETIC_FINGER_WIDTH, SYNTHETIC_FINGER_HEIGHT);
  frame = capture (fixture, &ppmm, &n_minutiae, &error);
  g_assert_no_error (error);
  g_assert_nonnull (frame);

  g_assert_cmpint (idem_video_frame_get_format (frame), ==, IDEM_PIXEL_FORMAT_GRAY8);
  g_assert_cmpuint (idem_video_frame_get_width (frame), ==, SYNTHETIC_FINGER_WIDTH);
  g_assert_cmpuint (idem_video_frame_get_height (frame), ==, SYNTHETIC_FINGER_HEIGHT);
  /* The virtual sensor does not state its resolution. */
  g_assert_cmpfloat (ppmm, >=, 0);

  /* The image is the finger that was placed: same pixels, ridges and all. */
  pixels = g_bytes_get_data (idem_video_frame_get_pixels (frame), NULL);
  stride = idem_video_frame_get_stride (frame);
  for (guint y = 0; y < SYNTHETIC_FINGER_HEIGHT; y++)
    for (guint x = 0; x < SYNTHETIC_FINGER_WIDTH; x++)
      {
        guint8 value = pixels[y * stride + x];

        n_same += value == sent[y * SYNTHETIC_FINGER_WIDTH + x];
        n_dark += value < 100;
      }

  g_test_message ("captured %u × %u at %.1f px/mm: %u identical pixels, %u dark, %u minutiae",
                  SYNTHETIC_FINGER_WIDTH, SYNTHETIC_FINGER_HEIGHT, ppmm, n_same, n_dark, n_minutiae);
  g_assert_cmpuint (n_same, ==, SYNTHETIC_FINGER_WIDTH * SYNTHETIC_FINGER_HEIGHT);
  g_assert_cmpuint (n_dark, >, SYNTHETIC_FINGER_WIDTH * SYNTHETIC_FINGER_HEIGHT / 10);
  g_assert_cmpuint (n_dark, <, SYNTHETIC_FINGER_WIDTH * SYNTHETIC_FINGER_HEIGHT * 9 / 10);

  /* NBIS sees a usable finger in it. */
  g_assert_cmpuint (n_minutiae, >=, 10);
}

static void
test_capture_retry (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(IdemVideoFrame) frame = NULL;
  g_autoptr(GError) error = NULL;

  hw_image_feeder_send_command (fixture->feeder, -1, FP_DEVICE_RETRY_CENTER_FINGER);
  frame = capture (fixture, NULL, NULL, &error);
  g_assert_null (frame);
  g_assert_error (error, IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_RETRY);
  g_assert_cmpstr (error->message, ==, idem_fingerprint_retry_get_hint (FP_DEVICE_RETRY_CENTER_FINGER));
  g_clear_error (&error);

  /* The next touch is read normally. */
  send_impression (fixture, fixture->finger, 2);
  frame = capture (fixture, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (frame);
}

static void
test_capture_device_error (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(IdemVideoFrame) frame = NULL;
  g_autoptr(GError) error = NULL;

  hw_image_feeder_send_command (fixture->feeder, -2, FP_DEVICE_ERROR_GENERAL);
  frame = capture (fixture, NULL, NULL, &error);
  g_assert_null (frame);
  g_assert_error (error, IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_DEVICE_ERROR);
}

/* Each accepted or refused scan asks for the next touch, as a person
 * following the on-screen prompt would. */
static void
enroll_progress_cb (IdemFingerprintReader *reader,
                    guint                  completed,
                    guint                  n_stages,
                    const char            *hint,
                    Fixture               *fixture)
{
  g_assert_cmpuint (n_stages, ==, 5);
  g_assert_cmpuint (completed, <=, n_stages);

  fixture->n_progress++;
  if (hint != NULL)
    {
      g_test_message ("enrol scan refused: %s", hint);
      fixture->n_retries++;
      fixture->last_hint = g_intern_string (hint);
    }

  if (completed < n_stages)
    send_impression (fixture, fixture->finger, fixture->next_impression++);
}

static FpPrint *
enroll_finger (Fixture  *fixture,
               gboolean  swipe_too_short_first)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  FpPrint *print;
  gulong handler;

  handler = g_signal_connect (fixture->reader, "enroll-progress", G_CALLBACK (enroll_progress_cb), fixture);
  fixture->next_impression = 10;

  idem_fingerprint_reader_enroll_async (fixture->reader, FP_FINGER_RIGHT_INDEX, NULL,
                                        hw_test_store_result_cb, &slot);
  if (swipe_too_short_first)
    {
      /* Finger down, rejected by the sensor, finger up. */
      hw_image_feeder_send_command (fixture->feeder, -4, TRUE);
      hw_image_feeder_send_command (fixture->feeder, -1, FP_DEVICE_RETRY_TOO_SHORT);
      hw_image_feeder_send_command (fixture->feeder, -4, FALSE);
    }
  else
    {
      send_impression (fixture, fixture->finger, fixture->next_impression++);
    }
  result = hw_test_wait_result (&slot, "the enrolment of five impressions");

  print = idem_fingerprint_reader_enroll_finish (fixture->reader, result, &error);
  g_assert_no_error (error);
  g_assert_true (FP_IS_PRINT (print));
  g_signal_handler_disconnect (fixture->reader, handler);

  g_test_message ("enrolled with %u scans, %u refused", fixture->n_progress, fixture->n_retries);
  g_assert_cmpuint (fixture->n_progress - fixture->n_retries, ==, 5);

  return print;
}

static gboolean
verify_impression (Fixture          *fixture,
                   FpPrint          *print,
                   SyntheticFinger  *finger,
                   guint32           impression,
                   GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;

  idem_fingerprint_reader_verify_async (fixture->reader, print, NULL, hw_test_store_result_cb, &slot);
  send_impression (fixture, finger, impression);
  result = hw_test_wait_result (&slot, "the verification");

  return idem_fingerprint_reader_verify_finish (fixture->reader, result, error);
}

static void
test_enroll_verify (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(SyntheticFinger) other = synthetic_finger_new (OTHER_FINGER_SEED, SYNTHETIC_FINGER_WHORL);
  g_autoptr(FpPrint) print = NULL;
  g_autoptr(FpPrint) restored = NULL;
  g_autoptr(GBytes) stored = NULL;
  g_autoptr(GError) error = NULL;

  print = enroll_finger (fixture, FALSE);
  g_assert_cmpuint (fixture->n_retries, ==, 0);

  /* An NBIS print goes through storage like any other. */
  stored = idem_fingerprint_print_serialize (print, &error);
  g_assert_no_error (error);
  restored = idem_fingerprint_print_deserialize (stored, &error);
  g_assert_no_error (error);
  g_assert_true (fp_print_equal (print, restored));

  /* A new touch of the same finger, placed differently. */
  g_assert_true (verify_impression (fixture, restored, fixture->finger, 100, &error));
  g_assert_no_error (error);

  /* Another person's finger. */
  g_assert_false (verify_impression (fixture, restored, other, 1, &error));
  g_assert_error (error, IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_NO_MATCH);
}

static void
test_enroll_retry (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(FpPrint) print = NULL;

  /* A touch the sensor rejects is refused with a hint, and the enrolment
   * goes on with the next. */
  print = enroll_finger (fixture, TRUE);
  g_assert_cmpuint (fixture->n_retries, ==, 1);
  g_assert_cmpstr (fixture->last_hint, ==, idem_fingerprint_retry_get_hint (FP_DEVICE_RETRY_TOO_SHORT));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *socket_dir = NULL;
  int status;

  /* Read by libfprint when its context enumerates: set before any thread. */
  socket_dir = hw_test_make_socket_dir ();
  socket_path = g_build_filename (socket_dir, "virtual-image.socket", NULL);
  g_setenv ("FP_DRIVERS_WHITELIST", "virtual_image", TRUE);
  g_setenv ("FP_DRIVERS_ALLOWLIST", "virtual_image", TRUE);
  g_setenv ("FP_VIRTUAL_IMAGE", socket_path, TRUE);

  hw_test_init (&argc, &argv);

  g_test_add ("/hw/fingerprint/image/capture", Fixture, NULL,
              fixture_set_up, test_capture, fixture_tear_down);
  g_test_add ("/hw/fingerprint/image/capture-retry", Fixture, NULL,
              fixture_set_up, test_capture_retry, fixture_tear_down);
  g_test_add ("/hw/fingerprint/image/capture-device-error", Fixture, NULL,
              fixture_set_up, test_capture_device_error, fixture_tear_down);
  g_test_add ("/hw/fingerprint/image/enroll-verify", Fixture, NULL,
              fixture_set_up, test_enroll_verify, fixture_tear_down);
  g_test_add ("/hw/fingerprint/image/enroll-retry", Fixture, NULL,
              fixture_set_up, test_enroll_retry, fixture_tear_down);

  status = g_test_run ();

  g_clear_pointer (&enrolled_finger, synthetic_finger_free);
  hw_test_remove_socket_dir (socket_dir);
  g_free (socket_path);

  return status;
}
