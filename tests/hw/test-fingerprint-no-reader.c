/* test-fingerprint-no-reader.c — IdemFingerprintReader on a machine without
 * a fingerprint reader
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * libfprint is told to load no driver at all, which is what a workstation
 * with nothing plugged in looks like: every operation must say so clearly
 * and at once, never wait.
 */

#include "config.h"

#include <idem-hw.h>

#include "hw-test-util.h"

static void
test_no_reader (void)
{
  g_autoptr(IdemFingerprintReader) reader = idem_fingerprint_reader_new ();
  g_autoptr(GAsyncResult) open_result = NULL;
  g_autoptr(GAsyncResult) enroll_result = NULL;
  g_autoptr(GAsyncResult) capture_result = NULL;
  g_autoptr(GAsyncResult) close_result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FpPrint) print = NULL;
  g_autoptr(IdemVideoFrame) frame = NULL;
  g_auto(GStrv) readers = NULL;
  GAsyncResult *slot = NULL;

  readers = idem_fingerprint_reader_list_readers (reader);
  g_assert_cmpuint (g_strv_length (readers), ==, 0);
  g_assert_null (idem_fingerprint_reader_get_reader_id (reader));
  g_assert_null (idem_fingerprint_reader_get_name (reader));
  g_assert_false (idem_fingerprint_reader_get_can_capture (reader));
  g_assert_cmpuint (idem_fingerprint_reader_get_n_enroll_stages (reader), ==, 0);

  idem_fingerprint_reader_open_async (reader, NULL, hw_test_store_result_cb, &slot);
  open_result = hw_test_wait_result (&slot, "the refused open");
  g_assert_false (idem_fingerprint_reader_open_finish (reader, open_result, &error));
  g_assert_error (error, IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_NO_DEVICE);
  g_test_message ("No reader: %s", error->message);
  g_clear_error (&error);

  idem_fingerprint_reader_enroll_async (reader, FP_FINGER_LEFT_INDEX, NULL, hw_test_store_result_cb, &slot);
  enroll_result = hw_test_wait_result (&slot, "the refused enrolment");
  print = idem_fingerprint_reader_enroll_finish (reader, enroll_result, &error);
  g_assert_null (print);
  g_assert_error (error, IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_NO_DEVICE);
  g_clear_error (&error);

  idem_fingerprint_reader_capture_async (reader, NULL, hw_test_store_result_cb, &slot);
  capture_result = hw_test_wait_result (&slot, "the refused capture");
  frame = idem_fingerprint_reader_capture_finish (reader, capture_result, NULL, NULL, &error);
  g_assert_null (frame);
  g_assert_error (error, IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_NO_DEVICE);
  g_clear_error (&error);

  /* Closing nothing is not an error. */
  idem_fingerprint_reader_close_async (reader, NULL, hw_test_store_result_cb, &slot);
  close_result = hw_test_wait_result (&slot, "the close");
  g_assert_true (idem_fingerprint_reader_close_finish (reader, close_result, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  /* An allowlist naming no real driver: libfprint loads none. */
  g_setenv ("FP_DRIVERS_WHITELIST", "idem-no-such-driver", TRUE);
  g_setenv ("FP_DRIVERS_ALLOWLIST", "idem-no-such-driver", TRUE);
  g_unsetenv ("FP_VIRTUAL_DEVICE");
  g_unsetenv ("FP_VIRTUAL_IMAGE");

  hw_test_init (&argc, &argv);

  g_test_add_func ("/hw/fingerprint/no-reader", test_no_reader);

  return g_test_run ();
}
