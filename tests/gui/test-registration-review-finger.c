/* test-registration-review-finger.c — a supervisor signs decisions with a
 * finger
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * libfprint's virtual image reader is fed synthetic fingerprints; the
 * supervisor's synced template is made from another impression of the
 * same finger.  A finger of another pattern type signs nothing, changes
 * no packet and counts toward the sign-in lockout; once locked out, the
 * supervisor cannot sign until the lockout ends.  The right finger
 * approves one packet and rejects another with a reason from master data.
 * A finger the reader asks for again is not a failure.  A supervisor with
 * no enrolled finger is told to use the password.
 */

#include "config.h"

#include "gui-test-util.h"
#include "reg-application.h"
#include "reg-home-page.h"
#include "reg-login-page.h"
#include "reg-review-page.h"
#include "reg-window.h"
#include "reg-test-reader.h"
#include "synthetic-finger.h"

#include <glib/gstdio.h>

#define SUPERVISOR_SEED     31
#define SECOND_PASSWORD     "password"
#define SECOND_HASH         "$scrypt$ln=10,r=8,p=16$TmFDbA$/bq+HJ00cgB4VucZDQHp/nxq18vII3gw53N2Y0s3MWIurzDZLiKjiG/xCSedmDDaxyevuUqD7m2DYMvfoswGQA"
#define FIRST_RID           "10001100010000120261122040500"
#define SECOND_RID          "10001100010000220261122040600"
#define FINGER_PROMPT       "Place one of your fingers on the reader to sign the decision."

static RegApplication *app;
static GtkWindow *window;
static const char *socket_path;

static GtkWidget *
page (void)
{
  return reg_window_get_page (REG_WINDOW (window));
}

static RegStore *
store (void)
{
  return reg_machine_get_store (reg_application_get_machine (app, NULL));
}

static GSettings *
settings (void)
{
  static GSettings *settings;

  if (settings == NULL)
    settings = g_settings_new (REG_APPLICATION_ID);

  return settings;
}

static guint8 *
supervisor_impression (guint32 seed)
{
  g_autoptr(SyntheticFinger) finger = synthetic_finger_new (SUPERVISOR_SEED, SYNTHETIC_FINGER_WHORL);

  return reg_test_impression (finger, seed);
}

static guint8 *
stranger_impression (guint32 seed)
{
  g_autoptr(SyntheticFinger) finger = synthetic_finger_new (99, SYNTHETIC_FINGER_ARCH);

  return reg_test_impression (finger, seed);
}

static void
add_packet (RegStore   *packet_store,
            const char *rid,
            const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = g_strdup_printf ("sealed packet %s", rid);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, contents, -1);
  g_autofree char *path = g_build_filename (reg_store_get_packet_dir (packet_store), rid, NULL);
  g_autofree char *preview_json = NULL;
  g_autoptr(GBytes) preview = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  g_assert_true (reg_store_add_packet (packet_store, rid, path, hash, strlen (contents), "operator1", &error));
  g_assert_no_error (error);

  preview_json = g_strdup_printf ("{\"fullName\": [{\"language\": \"eng\", \"value\": \"%s\"}]}", name);
  preview = g_bytes_new (preview_json, strlen (preview_json));
  g_assert_true (reg_store_add_preview (packet_store, rid, preview, &error));
  g_assert_no_error (error);
}

static char *
make_synced_machine (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RegStore) machine_store = NULL;
  g_autoptr(RegMachineKey) key = NULL;
  g_autoptr(RegMachine) machine = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(SyntheticFinger) finger = synthetic_finger_new (SUPERVISOR_SEED, SYNTHETIC_FINGER_WHORL);
  g_autofree char *template = reg_test_enrolled_template (finger);
  g_autofree char *users = NULL;
  const char *master_data =
    "{\"rejectionReason\": ["
    "  {\"code\": \"BLURRED_PHOTO\", \"names\": {\"eng\": \"The photo is blurred\"}},"
    "  {\"code\": \"WRONG_DOCUMENT\", \"names\": {\"eng\": \"Wrong document\"}}]}";
  char *directory = g_dir_make_tmp ("idem-reg-review-finger-XXXXXX", &error);

  g_assert_no_error (error);
  machine_store = reg_store_new (directory, &error);
  g_assert_no_error (error);
  key = reg_machine_key_new_software (directory);
  g_assert_true (reg_machine_key_generate (key, &error));
  machine = reg_machine_new (machine_store, key, &error);
  g_assert_no_error (error);
  g_assert_true (reg_machine_set_machine_id (machine, "10001", &error));

  users = g_strdup_printf ("[{\"id\": \"supervisor1\", \"name\": \"Supervisor One\", \"status\": \"ACTIVE\","
                           "  \"roles\": [\"OPERATOR\", \"SUPERVISOR\"], \"passwordHash\": \"x\","
                           "  \"fingerprints\": [{\"finger\": \"RIGHT_THUMB\", \"template\": \"%s\"}]},"
                           " {\"id\": \"supervisor2\", \"name\": \"Supervisor Two\", \"status\": \"ACTIVE\","
                           "  \"roles\": [\"OPERATOR\", \"SUPERVISOR\"], \"passwordHash\": \"" SECOND_HASH "\","
                           "  \"fingerprints\": []}]",
                           template);
  g_assert_true (reg_machine_apply_sync_document (machine, REG_SYNC_USERS, users, &error));
  g_assert_no_error (error);
  g_assert_true (reg_machine_apply_sync_document (machine, REG_SYNC_MASTER_DATA, master_data, &error));
  g_assert_no_error (error);
  g_assert_true (reg_machine_set_last_sync (machine, now, &error));
  g_assert_no_error (error);

  add_packet (machine_store, FIRST_RID, "Amina Diallo");
  add_packet (machine_store, SECOND_RID, "Jean Dupont");

  return directory;
}

/* The feeder writes as the main loop runs: keep it until the finger is
 * read. */
static HwImageFeeder *
feed (guint8 *pixels)
{
  HwImageFeeder *feeder = hw_image_feeder_new (socket_path);

  hw_image_feeder_send_image (feeder, pixels, SYNTHETIC_FINGER_WIDTH, SYNTHETIC_FINGER_HEIGHT);

  return feeder;
}

static void
sign_in_with_finger (const char *user_id)
{
  g_autofree guint8 *pixels = supervisor_impression (2);
  g_autoptr(HwImageFeeder) feeder = NULL;
  GtkWidget *login = page ();

  g_assert_true (REG_IS_LOGIN_PAGE (login));
  reg_login_page_set_user_id (REG_LOGIN_PAGE (login), user_id);
  g_assert_true (gtk_widget_activate_action (login, "login-page.sign-in-finger", NULL));
  GUI_TEST_WAIT_UNTIL (gui_test_find_label (login, "Place your finger on the reader") != NULL);
  feeder = feed (pixels);
  GUI_TEST_WAIT_UNTIL (!REG_IS_LOGIN_PAGE (page ()) || !reg_login_page_get_busy (REG_LOGIN_PAGE (login)));
  g_assert_true (REG_IS_HOME_PAGE (page ()));
}

static RegReviewPage *
open_review (const char *rid)
{
  RegReviewPage *review;

  g_assert_true (gtk_widget_activate_action (page (), "reg-window.show-review", NULL));
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  review = REG_REVIEW_PAGE (page ());
  g_assert_true (reg_review_page_select (review, rid));

  /* The check button chooses the finger, through the page's action. */
  if (!reg_review_page_get_use_fingerprint (review))
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (review), "review-page.use-fingerprint", NULL));
  g_assert_true (reg_review_page_get_use_fingerprint (review));
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_false (gtk_widget_is_visible (gui_test_find_widget (GTK_WIDGET (review), GTK_TYPE_PASSWORD_ENTRY)));

  return review;
}

/* Asks for a decision and presses @pixels on the reader once it waits. */
static void
decide_with_finger (RegReviewPage *review,
                    const char    *action,
                    guint8        *pixels)
{
  g_autoptr(HwImageFeeder) feeder = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (review), action, NULL));
  g_assert_true (reg_review_page_get_busy (review));
  GUI_TEST_WAIT_UNTIL (gui_test_find_label (GTK_WIDGET (review), FINGER_PROMPT) != NULL);
  feeder = feed (pixels);
  GUI_TEST_WAIT_UNTIL (!reg_review_page_get_busy (review));
  gui_test_wait_frames (GTK_WIDGET (window), 2);
}

static RegPacketState
packet_state (const char *rid)
{
  g_autoptr(RegPacket) packet = reg_store_get_packet (store (), rid, NULL);

  g_assert_nonnull (packet);
  return packet->state;
}

static void
sign_out (void)
{
  if (reg_window_get_user_id (REG_WINDOW (window)) != NULL)
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "reg-window.sign-out", NULL));
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_true (REG_IS_LOGIN_PAGE (page ()));
}

static void
test_wrong_finger_refused (void)
{
  g_autofree guint8 *stranger = stranger_impression (3);
  RegReviewPage *review;

  sign_in_with_finger ("supervisor1");
  review = open_review (FIRST_RID);
  decide_with_finger (review, "review-page.approve", stranger);

  gui_test_assert_label (GTK_WIDGET (review),
                         "The finger does not match your enrolled fingerprints. Place one of your own fingers to sign the decision.");
  g_assert_cmpint (packet_state (FIRST_RID), ==, REG_PACKET_STATE_PENDING_APPROVAL);
  g_assert_cmpuint (reg_review_page_get_n_pending (review), ==, 2);
  g_assert_cmpstr (reg_review_page_get_selected (review), ==, FIRST_RID);
  g_assert_cmpuint (reg_store_get_login_failures (store (), "supervisor1", NULL), ==, 1);
  gui_test_assert_accessible (GTK_WIDGET (review));
  gui_test_save_screenshot (GTK_WIDGET (window), "registration-review-finger-refused-en");
  sign_out ();
}

static void
test_lockout (void)
{
  g_autofree guint8 *stranger = stranger_impression (4);
  g_autofree guint8 *own = supervisor_impression (5);
  g_autoptr(RegPacket) approved = NULL;
  RegReviewPage *review;

  /* Two failures in a row lock the supervisor out: the one just before
   * and this one. */
  g_settings_set_int (settings (), "login-attempts", 2);
  sign_in_with_finger ("supervisor1");
  /* Signing in clears the count; one failure again, then another. */
  g_assert_cmpuint (reg_store_get_login_failures (store (), "supervisor1", NULL), ==, 0);
  review = open_review (FIRST_RID);
  decide_with_finger (review, "review-page.approve", stranger);
  g_assert_cmpuint (reg_store_get_login_failures (store (), "supervisor1", NULL), ==, 1);
  decide_with_finger (review, "review-page.approve", stranger);
  g_assert_cmpuint (reg_store_get_login_failures (store (), "supervisor1", NULL), ==, 2);
  gui_test_assert_label (GTK_WIDGET (review),
                         "Too many sign-ins failed in a row. Try again in 15 minutes, or ask your supervisor.");

  /* Locked out: even the right finger is not asked for. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (review), "review-page.approve", NULL));
  g_assert_false (reg_review_page_get_busy (review));
  gui_test_assert_label (GTK_WIDGET (review),
                         "Too many sign-ins failed in a row. Try again in 15 minutes, or ask your supervisor.");
  g_assert_cmpint (packet_state (FIRST_RID), ==, REG_PACKET_STATE_PENDING_APPROVAL);
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  gui_test_save_screenshot (GTK_WIDGET (window), "registration-review-finger-locked-en");

  /* The lockout ends (its time, here shortened to a second). */
  g_settings_set_int (settings (), "lockout-seconds", 1);
  g_usleep (1100 * 1000);
  decide_with_finger (review, "review-page.approve", own);
  gui_test_assert_label (GTK_WIDGET (review), "Registration " FIRST_RID " was approved.");
  approved = reg_store_get_packet (store (), FIRST_RID, NULL);
  g_assert_cmpint (approved->state, ==, REG_PACKET_STATE_APPROVED);
  g_assert_cmpstr (approved->supervisor_id, ==, "supervisor1");
  g_assert_null (approved->supervisor_reason);
  g_assert_cmpuint (reg_store_get_login_failures (store (), "supervisor1", NULL), ==, 0);

  g_settings_reset (settings (), "login-attempts");
  g_settings_reset (settings (), "lockout-seconds");
  sign_out ();
}

static void
test_unread_finger_not_counted (void)
{
  g_autoptr(HwImageFeeder) feeder = NULL;
  g_autofree char *expected = NULL;
  RegReviewPage *review;

  sign_in_with_finger ("supervisor1");
  review = open_review (SECOND_RID);

  /* The reader asks for the finger again (badly placed): nothing is
   * signed, the supervisor is told to try again, and it is not a failed
   * authentication. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (review), "review-page.approve", NULL));
  GUI_TEST_WAIT_UNTIL (gui_test_find_label (GTK_WIDGET (review), FINGER_PROMPT) != NULL);
  feeder = hw_image_feeder_new (socket_path);
  hw_image_feeder_send_command (feeder, -1, FP_DEVICE_RETRY_CENTER_FINGER);
  GUI_TEST_WAIT_UNTIL (!reg_review_page_get_busy (review));
  gui_test_wait_frames (GTK_WIDGET (window), 2);

  expected = g_strdup_printf ("The finger was not read: %s Try again.",
                              idem_fingerprint_retry_get_hint (FP_DEVICE_RETRY_CENTER_FINGER));
  gui_test_assert_label (GTK_WIDGET (review), expected);
  g_assert_cmpint (packet_state (SECOND_RID), ==, REG_PACKET_STATE_PENDING_APPROVAL);
  g_assert_cmpuint (reg_store_get_login_failures (store (), "supervisor1", NULL), ==, 0);
  sign_out ();
}

static void
test_own_finger_rejects (void)
{
  g_autofree guint8 *own = supervisor_impression (6);
  g_autoptr(RegPacket) rejected = NULL;
  RegReviewPage *review;

  sign_in_with_finger ("supervisor1");
  review = open_review (SECOND_RID);
  g_assert_true (reg_review_page_set_reason (review, "WRONG_DOCUMENT"));
  decide_with_finger (review, "review-page.reject", own);

  gui_test_assert_label (GTK_WIDGET (review), "Registration " SECOND_RID " was rejected.");
  rejected = reg_store_get_packet (store (), SECOND_RID, NULL);
  g_assert_cmpint (rejected->state, ==, REG_PACKET_STATE_REJECTED_BY_SUPERVISOR);
  g_assert_cmpstr (rejected->supervisor_id, ==, "supervisor1");
  g_assert_cmpstr (rejected->supervisor_reason, ==, "WRONG_DOCUMENT");
  g_assert_cmpuint (reg_review_page_get_n_pending (review), ==, 0);
  gui_test_save_screenshot (GTK_WIDGET (window), "registration-review-finger-signed-en");
  sign_out ();
}

static void
test_no_enrolled_finger (void)
{
  GtkWidget *login = page ();
  RegReviewPage *review;

  add_packet (store (), "10001100010000320261122040700", "Fatima Zahra");

  reg_login_page_set_user_id (REG_LOGIN_PAGE (login), "supervisor2");
  gtk_editable_set_text (GTK_EDITABLE (gui_test_find_widget (login, GTK_TYPE_PASSWORD_ENTRY)), SECOND_PASSWORD);
  g_assert_true (gtk_widget_activate_action (login, "login-page.sign-in", NULL));
  GUI_TEST_WAIT_UNTIL (!REG_IS_LOGIN_PAGE (page ()) || !reg_login_page_get_busy (REG_LOGIN_PAGE (login)));
  g_assert_true (REG_IS_HOME_PAGE (page ()));

  review = open_review ("10001100010000320261122040700");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (review), "review-page.approve", NULL));
  g_assert_false (reg_review_page_get_busy (review));
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  gui_test_assert_label (GTK_WIDGET (review),
                         "No fingerprint is enrolled for you on this workstation. Sign with your password.");
  g_assert_cmpint (packet_state ("10001100010000320261122040700"), ==, REG_PACKET_STATE_PENDING_APPROVAL);
  g_assert_cmpuint (reg_store_get_login_failures (store (), "supervisor2", NULL), ==, 0);

  /* Back to the password, which signs. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (review), "review-page.use-fingerprint", NULL));
  g_assert_false (reg_review_page_get_use_fingerprint (review));
  gtk_editable_set_text (GTK_EDITABLE (gui_test_find_widget (GTK_WIDGET (review), GTK_TYPE_PASSWORD_ENTRY)), SECOND_PASSWORD);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (review), "review-page.approve", NULL));
  GUI_TEST_WAIT_UNTIL (!reg_review_page_get_busy (review));
  g_assert_cmpint (packet_state ("10001100010000320261122040700"), ==, REG_PACKET_STATE_APPROVED);
  sign_out ();
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *directory = NULL;
  int status;

  socket_path = reg_test_init_with_reader (&argc, &argv);

  directory = make_synced_machine ();
  g_setenv (REG_STORE_DIR_ENV, directory, TRUE);
  g_settings_set_string (settings (), "server-url", "https://127.0.0.1:9");
  g_settings_set_string (settings (), "language", "en");

  app = reg_application_new ();
  window = gui_test_start_application (G_APPLICATION (app));

  g_test_add_func ("/registration/review-finger/wrong-finger-refused", test_wrong_finger_refused);
  g_test_add_func ("/registration/review-finger/lockout-then-approve", test_lockout);
  g_test_add_func ("/registration/review-finger/unread-finger-not-counted", test_unread_finger_not_counted);
  g_test_add_func ("/registration/review-finger/own-finger-rejects", test_own_finger_rejects);
  g_test_add_func ("/registration/review-finger/no-enrolled-finger", test_no_enrolled_finger);

  status = g_test_run ();

  gtk_window_destroy (window);
  g_clear_object (&app);
  g_object_unref (settings ());
  reg_test_reader_shutdown ();
  gui_test_remove_tree (directory);

  return status;
}
