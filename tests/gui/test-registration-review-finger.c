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
#include "reg-test-reader.h"
#include "reg-test-workstation.h"
#include "reg-window.h"
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

static char *
make_synced_machine (void)
{
  g_autoptr(SyntheticFinger) finger = synthetic_finger_new (SUPERVISOR_SEED, SYNTHETIC_FINGER_WHORL);
  g_autofree char *template = reg_test_enrolled_template (finger);
  g_autofree char *users = NULL;
  g_autoptr(RegMachine) machine = NULL;
  const char *master_data =
    "{\"rejectionReason\": ["
    "  {\"code\": \"BLURRED_PHOTO\", \"names\": {\"eng\": \"The photo is blurred\"}},"
    "  {\"code\": \"WRONG_DOCUMENT\", \"names\": {\"eng\": \"Wrong document\"}}]}";
  char *directory;

  machine = reg_test_machine_new ("idem-reg-review-finger-XXXXXX", &directory);
  users = g_strdup_printf ("[{\"id\": \"supervisor1\", \"name\": \"Supervisor One\", \"status\": \"ACTIVE\","
                           "  \"roles\": [\"OPERATOR\", \"SUPERVISOR\"], \"passwordHash\": \"x\","
                           "  \"fingerprints\": [{\"finger\": \"RIGHT_THUMB\", \"template\": \"%s\"}]},"
                           " {\"id\": \"supervisor2\", \"name\": \"Supervisor Two\", \"status\": \"ACTIVE\","
                           "  \"roles\": [\"OPERATOR\", \"SUPERVISOR\"], \"passwordHash\": \"" SECOND_HASH "\","
                           "  \"fingerprints\": []}]",
                           template);
  reg_test_apply_sync (machine, users, master_data);

  reg_test_add_sealed_packet (reg_machine_get_store (machine), FIRST_RID, "Amina Diallo", NULL);
  reg_test_add_sealed_packet (reg_machine_get_store (machine), SECOND_RID, "Jean Dupont", NULL);

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

  reg_test_sign_in_with_finger (window, user_id, pixels);
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
  reg_test_sign_out (window);
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
  g_settings_set_int (reg_test_settings (), "login-attempts", 2);
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
  g_settings_set_int (reg_test_settings (), "lockout-seconds", 1);
  g_usleep (1100 * 1000);
  decide_with_finger (review, "review-page.approve", own);
  gui_test_assert_label (GTK_WIDGET (review), "Registration " FIRST_RID " was approved.");
  approved = reg_store_get_packet (store (), FIRST_RID, NULL);
  g_assert_cmpint (approved->state, ==, REG_PACKET_STATE_APPROVED);
  g_assert_cmpstr (approved->supervisor_id, ==, "supervisor1");
  g_assert_null (approved->supervisor_reason);
  g_assert_cmpuint (reg_store_get_login_failures (store (), "supervisor1", NULL), ==, 0);

  g_settings_reset (reg_test_settings (), "login-attempts");
  g_settings_reset (reg_test_settings (), "lockout-seconds");
  reg_test_sign_out (window);
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
  reg_test_sign_out (window);
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
  reg_test_sign_out (window);
}

static void
test_no_enrolled_finger (void)
{
  RegReviewPage *review;

  reg_test_add_sealed_packet (store (), "10001100010000320261122040700", "Fatima Zahra", NULL);

  reg_test_sign_in (window, "supervisor2", SECOND_PASSWORD);
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
  reg_test_sign_out (window);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *directory = NULL;
  int status;

  socket_path = reg_test_init_with_reader (&argc, &argv);

  directory = make_synced_machine ();
  window = reg_test_start_workstation (directory, "https://127.0.0.1:9", &app);

  g_test_add_func ("/registration/review-finger/wrong-finger-refused", test_wrong_finger_refused);
  g_test_add_func ("/registration/review-finger/lockout-then-approve", test_lockout);
  g_test_add_func ("/registration/review-finger/unread-finger-not-counted", test_unread_finger_not_counted);
  g_test_add_func ("/registration/review-finger/own-finger-rejects", test_own_finger_rejects);
  g_test_add_func ("/registration/review-finger/no-enrolled-finger", test_no_enrolled_finger);

  status = g_test_run ();

  gtk_window_destroy (window);
  g_clear_object (&app);
  reg_test_reader_shutdown ();
  gui_test_remove_tree (directory);

  return status;
}
