/* test-fingerprint-device.c — IdemFingerprintReader over libfprint's
 * virtual_device driver: enrol, verify, retries, errors, cancellation
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The driver is real libfprint code; only the finger is simulated, by text
 * commands on the driver's Unix socket ("SCAN <finger-id>", "RETRY n",
 * "ERROR n", "SET_ENROLL_STAGES n").  A scan of the same id as the enrolled
 * one matches; any other id does not.
 */

#include "config.h"

#include <idem-hw.h>

#include "hw-test-util.h"

static char *socket_path;

typedef struct
{
  IdemFingerprintReader *reader;
  HwCommandFeeder       *feeder;
  GPtrArray             *progress;   /* "n/N" or "n/N: hint" */
} Fixture;

static void
enroll_progress_cb (IdemFingerprintReader *reader,
                    guint                  completed,
                    guint                  n_stages,
                    const char            *hint,
                    Fixture               *fixture)
{
  if (hint != NULL)
    g_ptr_array_add (fixture->progress, g_strdup_printf ("%u/%u: %s", completed, n_stages, hint));
  else
    g_ptr_array_add (fixture->progress, g_strdup_printf ("%u/%u", completed, n_stages));
}

static void
open_reader (IdemFingerprintReader *reader)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  idem_fingerprint_reader_open_async (reader, NULL, hw_test_store_result_cb, &slot);
  result = hw_test_wait_result (&slot, "the reader to open");
  g_assert_true (idem_fingerprint_reader_open_finish (reader, result, &error));
  g_assert_no_error (error);
  g_assert_true (idem_fingerprint_reader_get_is_open (reader));
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
  g_assert_false (idem_fingerprint_reader_get_is_open (reader));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->reader = idem_fingerprint_reader_new ();
  fixture->feeder = hw_command_feeder_new (socket_path);
  fixture->progress = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (fixture->reader, "enroll-progress", G_CALLBACK (enroll_progress_cb), fixture);

  g_assert_cmpstr (idem_fingerprint_reader_get_driver (fixture->reader), ==, "virtual_device");
  open_reader (fixture->reader);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  hw_command_feeder_wait_idle (fixture->feeder);
  if (idem_fingerprint_reader_get_is_open (fixture->reader))
    close_reader (fixture->reader);

  hw_command_feeder_free (fixture->feeder);
  g_ptr_array_unref (fixture->progress);
  g_assert_finalize_object (fixture->reader);
}

static FpPrint *
enroll (Fixture   *fixture,
        FpFinger   finger,
        GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;

  idem_fingerprint_reader_enroll_async (fixture->reader, finger, NULL, hw_test_store_result_cb, &slot);
  result = hw_test_wait_result (&slot, "the enrolment");

  return idem_fingerprint_reader_enroll_finish (fixture->reader, result, error);
}

static gboolean
verify (Fixture  *fixture,
        FpPrint  *print,
        GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  GAsyncResult *slot = NULL;

  idem_fingerprint_reader_verify_async (fixture->reader, print, NULL, hw_test_store_result_cb, &slot);
  result = hw_test_wait_result (&slot, "the verification");

  return idem_fingerprint_reader_verify_finish (fixture->reader, result, error);
}

static FpPrint *
enroll_right_index (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  FpPrint *print;

  hw_command_feeder_push (fixture->feeder, "SET_ENROLL_STAGES 3");
  hw_command_feeder_wait_idle (fixture->feeder);
  g_assert_cmpuint (idem_fingerprint_reader_get_n_enroll_stages (fixture->reader), ==, 3);

  for (guint i = 0; i < 3; i++)
    hw_command_feeder_push (fixture->feeder, "SCAN right-index");

  print = enroll (fixture, FP_FINGER_RIGHT_INDEX, &error);
  g_assert_no_error (error);
  g_assert_true (FP_IS_PRINT (print));
  g_assert_cmpint (fp_print_get_finger (print), ==, FP_FINGER_RIGHT_INDEX);

  return print;
}

static void
test_discovery (void)
{
  g_autoptr(IdemFingerprintReader) reader = idem_fingerprint_reader_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) readers = NULL;
  const char *reader_id;

  readers = idem_fingerprint_reader_list_readers (reader);
  g_assert_cmpuint (g_strv_length (readers), ==, 1);

  reader_id = idem_fingerprint_reader_get_reader_id (reader);
  g_assert_nonnull (reader_id);
  g_assert_cmpstr (readers[0], ==, reader_id);
  g_assert_true (g_str_has_prefix (reader_id, "virtual_device:"));
  g_assert_nonnull (idem_fingerprint_reader_get_name (reader));
  g_assert_false (idem_fingerprint_reader_get_is_open (reader));
  g_assert_false (idem_fingerprint_reader_get_can_capture (reader));
  g_assert_cmpuint (idem_fingerprint_reader_get_n_enroll_stages (reader), >, 0);

  g_assert_true (idem_fingerprint_reader_select (reader, reader_id, &error));
  g_assert_no_error (error);

  /* Bad input: an unknown reader changes nothing. */
  g_assert_false (idem_fingerprint_reader_select (reader, "no-such-driver:0", &error));
  g_assert_error (error, IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_NO_DEVICE);
  g_assert_cmpstr (idem_fingerprint_reader_get_reader_id (reader), ==, reader_id);
}

static void
test_not_open (void)
{
  g_autoptr(IdemFingerprintReader) reader = idem_fingerprint_reader_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FpPrint) print = NULL;
  GAsyncResult *slot = NULL;

  idem_fingerprint_reader_enroll_async (reader, FP_FINGER_LEFT_THUMB, NULL, hw_test_store_result_cb, &slot);
  result = hw_test_wait_result (&slot, "the refused enrolment");
  print = idem_fingerprint_reader_enroll_finish (reader, result, &error);
  g_assert_null (print);
  g_assert_error (error, IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_NOT_OPEN);
}

static void
test_enroll_verify (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(FpPrint) print = NULL;
  g_autoptr(FpPrint) restored = NULL;
  g_autoptr(GBytes) stored = NULL;
  g_autoptr(GError) error = NULL;

  print = enroll_right_index (fixture);

  g_assert_cmpuint (fixture->progress->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (fixture->progress, 0), ==, "1/3");
  g_assert_cmpstr (g_ptr_array_index (fixture->progress, 1), ==, "2/3");
  g_assert_cmpstr (g_ptr_array_index (fixture->progress, 2), ==, "3/3");

  /* What the database keeps is what is verified against. */
  stored = idem_fingerprint_print_serialize (print, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (stored), >, 0);
  restored = idem_fingerprint_print_deserialize (stored, &error);
  g_assert_no_error (error);
  g_assert_true (fp_print_equal (print, restored));
  g_assert_cmpint (fp_print_get_finger (restored), ==, FP_FINGER_RIGHT_INDEX);

  hw_command_feeder_push (fixture->feeder, "SCAN right-index");
  g_assert_true (verify (fixture, restored, &error));
  g_assert_no_error (error);

  hw_command_feeder_push (fixture->feeder, "SCAN left-thumb");
  g_assert_false (verify (fixture, restored, &error));
  g_assert_error (error, IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_NO_MATCH);
  g_clear_error (&error);

  /* The reader is free again after a refusal. */
  hw_command_feeder_push (fixture->feeder, "SCAN right-index");
  g_assert_true (verify (fixture, print, &error));
  g_assert_no_error (error);
}

static void
test_enroll_retry (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(FpPrint) print = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;

  hw_command_feeder_push (fixture->feeder, "SET_ENROLL_STAGES 2");
  hw_command_feeder_push (fixture->feeder, "SCAN right-index");
  hw_command_feeder_push (fixture->feeder, "RETRY 2");
  hw_command_feeder_push (fixture->feeder, "SCAN right-index");

  print = enroll (fixture, FP_FINGER_RIGHT_INDEX, &error);
  g_assert_no_error (error);
  g_assert_nonnull (print);

  /* The refused scan does not count, and says why. */
  expected = g_strdup_printf ("1/2: %s", idem_fingerprint_retry_get_hint (FP_DEVICE_RETRY_CENTER_FINGER));
  g_assert_cmpuint (fixture->progress->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (fixture->progress, 0), ==, "1/2");
  g_assert_cmpstr (g_ptr_array_index (fixture->progress, 1), ==, expected);
  g_assert_cmpstr (g_ptr_array_index (fixture->progress, 2), ==, "2/2");
  g_assert_cmpstr (idem_fingerprint_retry_get_hint (FP_DEVICE_RETRY_CENTER_FINGER), ==,
                   "Finger not centred, try again");
}

static void
test_verify_retry (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(FpPrint) print = NULL;
  g_autoptr(GError) error = NULL;

  print = enroll_right_index (fixture);

  hw_command_feeder_push (fixture->feeder, "RETRY 1");
  g_assert_false (verify (fixture, print, &error));
  g_assert_error (error, IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_RETRY);
  g_assert_cmpstr (error->message, ==, idem_fingerprint_retry_get_hint (FP_DEVICE_RETRY_TOO_SHORT));
}

static void
test_device_errors (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(FpPrint) print = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *general = g_strdup_printf ("ERROR %d", FP_DEVICE_ERROR_GENERAL);
  g_autofree char *busy = g_strdup_printf ("ERROR %d", FP_DEVICE_ERROR_BUSY);

  hw_command_feeder_push (fixture->feeder, general);
  print = enroll (fixture, FP_FINGER_LEFT_INDEX, &error);
  g_assert_null (print);
  g_assert_error (error, IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_DEVICE_ERROR);
  g_clear_error (&error);

  print = enroll_right_index (fixture);

  hw_command_feeder_push (fixture->feeder, busy);
  g_assert_false (verify (fixture, print, &error));
  g_assert_error (error, IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_BUSY);
}

static void
count_notify_cb (guint *n_notifies)
{
  (*n_notifies)++;
}

static void
test_busy_and_cancel (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(FpPrint) print = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *first_slot = NULL;
  GAsyncResult *second_slot = NULL;
  guint n_finger_notifies = 0;

  print = enroll_right_index (fixture);
  g_signal_connect_swapped (fixture->reader, "notify::finger-needed",
                            G_CALLBACK (count_notify_cb), &n_finger_notifies);

  /* Nobody touches the sensor: the first verification waits. */
  idem_fingerprint_reader_verify_async (fixture->reader, print, cancellable,
                                        hw_test_store_result_cb, &first_slot);
  idem_fingerprint_reader_verify_async (fixture->reader, print, NULL,
                                        hw_test_store_result_cb, &second_slot);

  second = hw_test_wait_result (&second_slot, "the refused second verification");
  g_assert_false (idem_fingerprint_reader_verify_finish (fixture->reader, second, &error));
  g_assert_error (error, IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_BUSY);
  g_clear_error (&error);

  hw_test_iterate (100);
  g_assert_null (first_slot);
  g_assert_true (idem_fingerprint_reader_get_finger_needed (fixture->reader));
  g_assert_false (idem_fingerprint_reader_get_finger_present (fixture->reader));
  g_assert_cmpuint (n_finger_notifies, >, 0);

  g_cancellable_cancel (cancellable);
  first = hw_test_wait_result (&first_slot, "the cancelled verification");
  g_assert_false (idem_fingerprint_reader_verify_finish (fixture->reader, first, &error));
  g_assert_error (error, IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_CANCELLED);
  g_clear_error (&error);

  /* Cancelling frees the reader for the next person. */
  hw_command_feeder_push (fixture->feeder, "SCAN right-index");
  g_assert_true (verify (fixture, print, &error));
  g_assert_no_error (error);
}

static void
test_capture_not_supported (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(IdemVideoFrame) frame = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  /* A match-on-chip reader gives no images for the ABIS. */
  idem_fingerprint_reader_capture_async (fixture->reader, NULL, hw_test_store_result_cb, &slot);
  result = hw_test_wait_result (&slot, "the refused capture");
  frame = idem_fingerprint_reader_capture_finish (fixture->reader, result, NULL, NULL, &error);
  g_assert_null (frame);
  g_assert_error (error, IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_NOT_SUPPORTED);
}

static void
test_print_bad_input (void)
{
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GBytes) garbage = g_bytes_new_static ("FP3 not a print at all", 22);
  g_autoptr(GBytes) short_magic = g_bytes_new_static ("FP", 2);
  g_autoptr(GError) error = NULL;
  FpPrint *print;

  print = idem_fingerprint_print_deserialize (empty, &error);
  g_assert_null (print);
  g_assert_error (error, IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_INVALID_PRINT);
  g_clear_error (&error);

  print = idem_fingerprint_print_deserialize (garbage, &error);
  g_assert_null (print);
  g_assert_error (error, IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_INVALID_PRINT);
  g_clear_error (&error);

  print = idem_fingerprint_print_deserialize (short_magic, &error);
  g_assert_null (print);
  g_assert_error (error, IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_INVALID_PRINT);
}

static void
reader_removed_cb (IdemFingerprintReader *reader,
                   const char            *reader_id,
                   gboolean              *removed)
{
  g_assert_true (g_str_has_prefix (reader_id, "virtual_device:"));
  *removed = TRUE;
}

static void
test_unplug (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FpPrint) print = NULL;
  gboolean removed = FALSE;

  g_signal_connect (fixture->reader, "reader-removed", G_CALLBACK (reader_removed_cb), &removed);

  hw_command_feeder_push (fixture->feeder, "UNPLUG");
  hw_command_feeder_wait_idle (fixture->feeder);

  /* libfprint removes an open device once it is closed. */
  close_reader (fixture->reader);
  hw_test_wait_for (&removed, "the reader to be removed");

  g_assert_null (idem_fingerprint_reader_get_reader_id (fixture->reader));
  print = enroll (fixture, FP_FINGER_RIGHT_INDEX, &error);
  g_assert_null (print);
  g_assert_error (error, IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_NO_DEVICE);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *socket_dir = NULL;
  int status;

  /* libfprint reads these when its context enumerates; set before any
   * thread exists.  Both spellings: libfprint renamed the variable. */
  socket_dir = hw_test_make_socket_dir ();
  socket_path = g_build_filename (socket_dir, "virtual-device.socket", NULL);
  g_setenv ("FP_DRIVERS_WHITELIST", "virtual_device", TRUE);
  g_setenv ("FP_DRIVERS_ALLOWLIST", "virtual_device", TRUE);
  g_setenv ("FP_VIRTUAL_DEVICE", socket_path, TRUE);

  hw_test_init (&argc, &argv);

  g_test_add_func ("/hw/fingerprint/device/discovery", test_discovery);
  g_test_add_func ("/hw/fingerprint/device/not-open", test_not_open);
  g_test_add_func ("/hw/fingerprint/device/print-bad-input", test_print_bad_input);
  g_test_add ("/hw/fingerprint/device/enroll-verify", Fixture, NULL,
              fixture_set_up, test_enroll_verify, fixture_tear_down);
  g_test_add ("/hw/fingerprint/device/enroll-retry", Fixture, NULL,
              fixture_set_up, test_enroll_retry, fixture_tear_down);
  g_test_add ("/hw/fingerprint/device/verify-retry", Fixture, NULL,
              fixture_set_up, test_verify_retry, fixture_tear_down);
  g_test_add ("/hw/fingerprint/device/device-errors", Fixture, NULL,
              fixture_set_up, test_device_errors, fixture_tear_down);
  g_test_add ("/hw/fingerprint/device/busy-and-cancel", Fixture, NULL,
              fixture_set_up, test_busy_and_cancel, fixture_tear_down);
  g_test_add ("/hw/fingerprint/device/capture-not-supported", Fixture, NULL,
              fixture_set_up, test_capture_not_supported, fixture_tear_down);
  g_test_add ("/hw/fingerprint/device/unplug", Fixture, NULL,
              fixture_set_up, test_unplug, fixture_tear_down);

  status = g_test_run ();

  hw_test_remove_socket_dir (socket_dir);
  g_free (socket_path);

  return status;
}
