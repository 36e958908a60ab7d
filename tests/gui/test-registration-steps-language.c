/* test-registration-steps-language.c — the camera and finger steps in
 * French and Arabic
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The face step runs GStreamer's videotestsrc and the fingers step
 * libfprint's virtual image reader fed a synthetic finger, with the
 * interface in French and then in Arabic.  Every text the steps show is
 * compared with the catalogues through g_dgettext(), not with copies of
 * the translations, and the strings the catalogues are known to hold must
 * come out different from the English.  Arabic lays out right to left.
 *
 * What is not mirrored, on purpose: the camera picture (the operator
 * looks at the resident as the camera sees them, in every language) and
 * the fingerprint image (a print read in a mirror is another print), and
 * the order of the fingers, which follows the ISO positions — right thumb
 * first — whatever the direction of the text: a left hand is still a left
 * hand.  The list is vertical, so only its text alignment follows the
 * direction.  Screenshots of both steps in each language are saved.
 */

#include "config.h"

#include "gui-test-util.h"
#include "reg-face-step.h"
#include "reg-fingers-step.h"
#include "reg-test-flow.h"
#include "reg-test-reader.h"
#include "synthetic-finger.h"

#include <glib/gstdio.h>


static const char *socket_path;

static const char * const all_fingers[] = {
  "rightThumb", "rightIndex", "rightMiddle", "rightRing", "rightLittle",
  "leftThumb", "leftIndex", "leftMiddle", "leftRing", "leftLittle", NULL,
};

/* A message as the catalogue gives it, mnemonic underscores taken out as
 * a label shows it. */
static char *
translated (const char *msgid)
{
  const char *text = g_dgettext (GETTEXT_PACKAGE, msgid);
  GString *shown = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    if (*p != '_')
      g_string_append_c (shown, *p);

  return g_string_free (shown, FALSE);
}

/* Asserts that @msgid is translated into the current language and that
 * the translation is on screen under @root. */
static void
assert_translated_label (GtkWidget  *root,
                         const char *msgid)
{
  g_autofree char *text = translated (msgid);

  g_assert_cmpstr (g_dgettext (GETTEXT_PACKAGE, msgid), !=, msgid);
  gui_test_assert_label (root, text);
}

static gboolean
face_started (gpointer data)
{
  return !reg_face_step_get_starting (data) && reg_face_step_get_status (data) != NULL &&
         !g_str_equal (reg_face_step_get_status (data), g_dgettext (GETTEXT_PACKAGE, "Starting the camera…"));
}

static gboolean
face_idle (gpointer data)
{
  return !reg_face_step_get_busy (data);
}

static gboolean
fingers_idle (gpointer data)
{
  return !reg_fingers_step_get_busy (data);
}

static gboolean
status_is (gpointer data)
{
  gpointer *pair = data;

  return g_strcmp0 (reg_fingers_step_get_status (pair[0]), pair[1]) == 0;
}

static gboolean
reader_closed (gpointer data)
{
  return !idem_fingerprint_reader_get_is_open (data);
}

static guint8 *
finger_image (void)
{
  g_autoptr(SyntheticFinger) finger = synthetic_finger_new (4242, SYNTHETIC_FINGER_WHORL);

  return reg_test_impression (finger, 1);
}

/* The rows of the fingers list, in the order they are laid out. */
static GPtrArray *
finger_rows (GtkWidget *step)
{
  GtkWidget *list = gui_test_find_widget (step, GTK_TYPE_LIST_BOX);
  GPtrArray *rows = g_ptr_array_new ();

  g_assert_nonnull (list);
  for (GtkWidget *child = gtk_widget_get_first_child (list); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (ADW_IS_ACTION_ROW (child))
      g_ptr_array_add (rows, child);

  return rows;
}

static void
check_face_step (GtkWindow  *window,
                 const char *code)
{
  g_autoptr(IdemCamera) camera = idem_camera_new ();
  g_autofree char *screenshot = g_strdup_printf ("registration-face-%s", code);
  GtkWidget *step;

  idem_camera_set_source (camera, REG_TEST_FACE_SOURCE);
  step = reg_face_step_new (camera);
  gtk_window_set_child (window, step);
  gui_test_wait_frames (GTK_WIDGET (window), 2);

  gui_test_wait_until (face_started, step, "the camera");
  g_assert_cmpstr (reg_face_step_get_status (REG_FACE_STEP (step)), ==,
                   g_dgettext (GETTEXT_PACKAGE, "Ask the resident to look at the camera, then capture."));
  assert_translated_label (step, "Ask the resident to look at the camera, then capture.");
  assert_translated_label (step, "_Capture Photo");

  g_assert_true (gtk_widget_activate_action (step, "face.capture", NULL));
  gui_test_wait_until (face_idle, step, "the photo");
  g_assert_nonnull (reg_face_step_get_photo (REG_FACE_STEP (step)));
  assert_translated_label (step, "Photo taken. Capture again to retake it.");

  gui_test_assert_direction (GTK_WIDGET (window), g_str_equal (code, "ar") ? GTK_TEXT_DIR_RTL : GTK_TEXT_DIR_LTR);
  gui_test_assert_accessible (step);
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  gui_test_save_screenshot (GTK_WIDGET (window), screenshot);

  gtk_window_set_child (window, NULL);
  gui_test_wait_frames (GTK_WIDGET (window), 1);
  g_assert_false (idem_camera_get_running (camera));
}

static void
check_fingers_step (GtkWindow  *window,
                    const char *code)
{
  g_autoptr(IdemFingerprintReader) reader = idem_fingerprint_reader_new ();
  g_autoptr(IdemCamera) camera = idem_camera_new ();
  g_autoptr(HwImageFeeder) feeder = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *screenshot = g_strdup_printf ("registration-fingers-%s", code);
  g_autofree guint8 *pixels = finger_image ();
  g_autofree char *place = NULL;
  g_autofree char *captured_prefix = NULL;
  gpointer pair[2];
  GtkWidget *step;

  idem_camera_set_source (camera, REG_TEST_FACE_SOURCE);
  step = reg_fingers_step_new (reader, camera, (const char * const *) all_fingers, NULL, 0);
  gtk_window_set_child (window, step);
  gui_test_wait_frames (GTK_WIDGET (window), 2);

  assert_translated_label (step, "Capture each finger in turn.");
  assert_translated_label (step, "_Capture Finger");
  assert_translated_label (step, "Mark _Missing");

  /* The fingers keep their ISO order in every direction, each under its
   * translated name. */
  rows = finger_rows (step);
  g_assert_cmpuint (rows->len, ==, REG_N_FINGERS);
  for (guint i = 0; i < rows->len; i++)
    {
      const char *title = adw_preferences_row_get_title (g_ptr_array_index (rows, i));

      g_assert_cmpstr (title, ==, reg_finger_get_label (i + 1));
      g_assert_cmpstr (title, !=, i == 0 ? "Right thumb" : i == 9 ? "Left little finger" : "");
    }
  g_assert_cmpstr (adw_action_row_get_subtitle (g_ptr_array_index (rows, 0)), ==,
                   g_dgettext (GETTEXT_PACKAGE, "Next: place this finger on the reader"));

  /* One finger from the reader. */
  g_assert_true (gtk_widget_activate_action (step, "fingers.capture", NULL));
  place = g_strdup_printf (g_dgettext (GETTEXT_PACKAGE, "Place the %s on the reader."), reg_finger_get_label (1));
  pair[0] = step;
  pair[1] = place;
  gui_test_wait_until (status_is, pair, "the reader to wait for a finger");
  feeder = hw_image_feeder_new (socket_path);
  hw_image_feeder_send_image (feeder, pixels, SYNTHETIC_FINGER_WIDTH, SYNTHETIC_FINGER_HEIGHT);
  gui_test_wait_until (fingers_idle, step, "the finger");
  g_assert_true (reg_fingers_step_is_captured (REG_FINGERS_STEP (step), 1));
  assert_translated_label (step, "Finger captured.");
  captured_prefix = g_strdup (g_dgettext (GETTEXT_PACKAGE, "Captured, quality %d"));
  g_assert_cmpstr (captured_prefix, !=, "Captured, quality %d");
  *strstr (captured_prefix, "%d") = '\0';
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (g_ptr_array_index (rows, 0)), captured_prefix));

  /* The next finger marked missing: the reason reads in the language. */
  g_assert_cmpuint (reg_fingers_step_get_current (REG_FINGERS_STEP (step)), ==, 2);
  g_assert_true (gtk_widget_activate_action (step, "fingers.mark-missing", "s", "Missing"));
  assert_translated_label (step, "Finger marked missing. Take an exception photo before going on.");
  g_assert_cmpstr (adw_action_row_get_subtitle (g_ptr_array_index (rows, 1)), ==,
                   g_dpgettext2 (GETTEXT_PACKAGE, "finger exception", "Missing"));

  gui_test_assert_direction (GTK_WIDGET (window), g_str_equal (code, "ar") ? GTK_TEXT_DIR_RTL : GTK_TEXT_DIR_LTR);
  gui_test_assert_accessible (step);
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  gui_test_save_screenshot (GTK_WIDGET (window), screenshot);

  /* The step closes the reader as it goes; the next language opens it
   * again. */
  gtk_window_set_child (window, NULL);
  gui_test_wait_until (reader_closed, reader, "the reader to close");
}

static void
test_language (gconstpointer data)
{
  const char *code = data;
  GtkWindow *window;

  g_assert_true (idem_ui_apply_language (code));
  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 800, 760);
  gtk_window_present (window);

  check_face_step (window, code);
  check_fingers_step (window, code);

  gtk_window_destroy (window);
  g_assert_true (idem_ui_apply_language ("en"));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  socket_path = reg_test_init_with_reader (&argc, &argv);

  g_test_add_data_func ("/registration/steps-language/fr", "fr", test_language);
  g_test_add_data_func ("/registration/steps-language/ar", "ar", test_language);

  status = g_test_run ();

  reg_test_reader_shutdown ();

  return status;
}
