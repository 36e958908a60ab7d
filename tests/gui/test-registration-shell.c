/* test-registration-shell.c — the registration client around its form:
 * first-run registration of the machine, sign-in, home, supervisor review,
 * export, idle sign-out
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include "gui-test-util.h"
#include "reg-application.h"
#include "reg-home-page.h"
#include "reg-login-page.h"
#include "reg-machine-page.h"
#include "reg-password.h"
#include "reg-review-page.h"
#include "reg-flow.h"
#include "reg-setup-page.h"
#include "reg-test-flow.h"
#include "reg-test-workstation.h"
#include "reg-window.h"

#include "idem-openssl-types.h"

#include <glib/gstdio.h>
#include <openssl/pem.h>

/* Hashes made by an independent implementation (Python's hashlib.scrypt),
 * in the server's `$scrypt$` format.  The supervisor's is RFC 7914's own
 * test vector: scrypt ("password", "NaCl", N = 1024, r = 8, p = 16). */
#define OPERATOR_PASSWORD   "correct horse"
#define OPERATOR_HASH       "$scrypt$ln=12,r=8,p=1$AAECAwQFBgcICQoLDA0ODw$nxT5yUcmhFTg/6o1qwf57vRwZhaunnM+rEA0Ksy6waw"
#define SUPERVISOR_PASSWORD "password"
#define SUPERVISOR_HASH     "$scrypt$ln=10,r=8,p=16$TmFDbA$/bq+HJ00cgB4VucZDQHp/nxq18vII3gw53N2Y0s3MWIurzDZLiKjiG/xCSedmDDaxyevuUqD7m2DYMvfoswGQA"

static RegApplication *app;
static GtkWindow *window;
static char *directory;

static RegMachine *
machine (void)
{
  return reg_application_get_machine (app, NULL);
}

static RegStore *
store (void)
{
  return reg_machine_get_store (machine ());
}

static GtkWidget *
page (void)
{
  return reg_window_get_page (REG_WINDOW (window));
}

static void
screenshot (const char *name)
{
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  gui_test_save_screenshot (GTK_WIDGET (window), name);
}

static GtkWidget *
find_named (GtkWidget  *root,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static const char *
named_label_text (const char *name)
{
  GtkWidget *label = find_named (page (), name);

  g_assert_nonnull (label);
  return gtk_label_get_text (GTK_LABEL (label));
}

/* The server's sync, as the workstation keeps it: two users, master data. */
static void
apply_sync (void)
{
  const char *users =
    "[{\"userId\": \"operator1\", \"name\": \"Operator One\", \"status\": \"ACTIVE\","
    "  \"roles\": [\"OPERATOR\"], \"passwordHash\": \"" OPERATOR_HASH "\"},"
    " {\"userId\": \"operator2\", \"name\": \"Operator Two\", \"status\": \"ACTIVE\","
    "  \"roles\": [\"OPERATOR\"], \"passwordHash\": \"" OPERATOR_HASH "\"},"
    " {\"userId\": \"retired1\", \"name\": \"Retired\", \"status\": \"INACTIVE\","
    "  \"roles\": [\"OPERATOR\"], \"passwordHash\": \"" OPERATOR_HASH "\"},"
    " {\"userId\": \"supervisor1\", \"name\": \"Supervisor One\", \"status\": \"ACTIVE\","
    "  \"roles\": [\"OPERATOR\", \"SUPERVISOR\"], \"passwordHash\": \"" SUPERVISOR_HASH "\"}]";
  const char *master_data =
    "{\"rejectionReason\": ["
    "  {\"code\": \"BLURRED_PHOTO\", \"names\": {\"eng\": \"The photo is blurred\", \"fra\": \"La photo est floue\"}},"
    "  {\"code\": \"WRONG_DOCUMENT\", \"names\": {\"eng\": \"Wrong document\"}}]}";

  reg_test_apply_sync (machine (), users, master_data);
}

static void
test_password_verifier (void)
{
  g_assert_true (reg_password_verify (OPERATOR_HASH, OPERATOR_PASSWORD));
  g_assert_false (reg_password_verify (OPERATOR_HASH, "correct horsE"));
  g_assert_true (reg_password_verify (SUPERVISOR_HASH, SUPERVISOR_PASSWORD));
  g_assert_false (reg_password_verify (SUPERVISOR_HASH, ""));

  /* Malformed or out-of-bounds strings never match. */
  g_assert_false (reg_password_verify (NULL, OPERATOR_PASSWORD));
  g_assert_false (reg_password_verify ("", OPERATOR_PASSWORD));
  g_assert_false (reg_password_verify ("$bcrypt$ln=12,r=8,p=1$AAECAwQFBgcICQoLDA0ODw$nxT5yUcmhFTg/6o1qwf57vRwZhaunnM+rEA0Ksy6waw", OPERATOR_PASSWORD));
  g_assert_false (reg_password_verify ("$scrypt$ln=30,r=8,p=1$AAECAwQFBgcICQoLDA0ODw$nxT5yUcmhFTg/6o1qwf57vRwZhaunnM+rEA0Ksy6waw", OPERATOR_PASSWORD));
  g_assert_false (reg_password_verify ("$scrypt$ln=12,r=8,p=1$AAECAwQFBgcICQoLDA0ODw==$nxT5yUcmhFTg/6o1qwf57vRwZhaunnM+rEA0Ksy6waw", OPERATOR_PASSWORD));
  g_assert_false (reg_password_verify ("$scrypt$ln=12,r=8,p=1$AAECAwQFBgcICQoLDA0ODw$mxT5yUcmhFTg/6o1qwf57vRwZhaunnM+rEA0Ksy6waw", OPERATOR_PASSWORD));
  g_assert_false (reg_password_verify ("$scrypt$ln=12,r=8$AAECAwQFBgcICQoLDA0ODw$nxT5yUcmhFTg/6o1qwf57vRwZhaunnM+rEA0Ksy6waw", OPERATOR_PASSWORD));
}

static void
test_setup_generates_key (void)
{
  g_autofree char *stored = NULL;
  g_autofree char *expected = NULL;
  const char *shown;
  GString *compact;

  /* A fresh workstation opens on the server address. */
  g_assert_true (REG_IS_SETUP_PAGE (page ()));
  g_assert_false (reg_machine_has_key (machine ()));

  /* A server that is not there: the first sync cannot happen yet. */
  reg_setup_page_set_address (REG_SETUP_PAGE (page ()), "https://127.0.0.1:9");
  g_assert_true (gtk_widget_activate_action (page (), "setup-page.continue", NULL));
  gui_test_wait_frames (GTK_WIDGET (window), 2);

  /* Then the machine makes its key and shows its fingerprint. */
  g_assert_true (REG_IS_MACHINE_PAGE (page ()));
  GUI_TEST_WAIT_UNTIL (!reg_machine_page_get_generating (REG_MACHINE_PAGE (page ())));
  g_assert_true (reg_machine_has_key (machine ()));
  shown = named_label_text ("fingerprint");
  compact = g_string_new (NULL);
  for (const char *c = shown; *c != '\0'; c++)
    if (!g_ascii_isspace (*c))
      g_string_append_c (compact, g_ascii_tolower (*c));
  expected = idem_public_key_fingerprint (reg_machine_get_signing_key (machine ()));
  g_assert_cmpstr (compact->str, ==, expected);
  g_assert_cmpstr (compact->str, ==, reg_machine_get_key_fingerprint (machine ()));
  g_string_free (compact, TRUE);

  /* Copy Public Key puts the PEM the admin API takes on the clipboard:
   * the same key as the fingerprint shown. */
  {
    GdkContentProvider *content;
    g_auto(GValue) value = G_VALUE_INIT;
    g_autoptr(GError) error = NULL;
    g_autofree char *copied_fingerprint = NULL;
    BIO *bio;
    EVP_PKEY *copied;

    g_assert_true (gtk_widget_activate_action (page (), "machine-page.copy-key", NULL));
    content = gdk_clipboard_get_content (gtk_widget_get_clipboard (page ()));
    g_assert_nonnull (content);
    g_value_init (&value, G_TYPE_STRING);
    g_assert_true (gdk_content_provider_get_value (content, &value, &error));
    g_assert_no_error (error);
    g_assert_true (g_str_has_prefix (g_value_get_string (&value), "-----BEGIN PUBLIC KEY-----"));
    bio = BIO_new_mem_buf (g_value_get_string (&value), -1);
    copied = PEM_read_bio_PUBKEY (bio, NULL, NULL, NULL);
    BIO_free (bio);
    g_assert_nonnull (copied);
    copied_fingerprint = idem_public_key_fingerprint (copied);
    EVP_PKEY_free (copied);
    g_assert_cmpstr (copied_fingerprint, ==, expected);
    gui_test_assert_label (page (), "The public key is on the clipboard.");
  }

  gui_test_assert_accessible (GTK_WIDGET (window));
  screenshot ("registration-machine-en");

  /* The page survives a change of language, and keeps the key. */
  gui_test_set_language (GTK_WIDGET (window), "fr");
  g_assert_true (REG_IS_MACHINE_PAGE (page ()));
  screenshot ("registration-machine-fr");
  gui_test_set_language (GTK_WIDGET (window), "en");
  g_assert_cmpstr (reg_machine_get_key_fingerprint (machine ()), ==, expected);

  /* A machine ID that is not 5 digits is refused next to the field. */
  reg_machine_page_set_machine_id (REG_MACHINE_PAGE (page ()), "12a");
  g_assert_true (gtk_widget_activate_action (page (), "machine-page.check", NULL));
  gui_test_wait_frames (GTK_WIDGET (window), 1);
  g_assert_true (REG_IS_MACHINE_PAGE (page ()));
  gui_test_assert_label (page (), "“12a” is not a machine ID: your administrator gives you one of 5 digits");
  g_assert_null (reg_machine_get_machine_id (machine ()));

  /* Check Registration keeps the ID and tries the first sync, which
   * cannot reach the server: the page says so and stays. */
  reg_machine_page_set_machine_id (REG_MACHINE_PAGE (page ()), "10001");
  g_assert_true (gtk_widget_activate_action (page (), "machine-page.check", NULL));
  GUI_TEST_WAIT_UNTIL (!reg_machine_page_get_checking (REG_MACHINE_PAGE (page ())));
  g_assert_cmpstr (reg_machine_get_machine_id (machine ()), ==, "10001");
  stored = reg_store_get_value (store (), "machine-id");
  g_assert_cmpstr (stored, ==, "10001");
  g_assert_true (REG_IS_MACHINE_PAGE (page ()));
  g_assert_false (reg_machine_is_synced (machine ()));
  screenshot ("registration-machine-offline-en");

  /* Sign-in is the next page all the same. */
  g_assert_true (gtk_widget_activate_action (page (), "reg-window.show-login", NULL));
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_true (REG_IS_LOGIN_PAGE (page ()));
}

static void
test_login (void)
{
  g_assert_true (REG_IS_LOGIN_PAGE (page ()));

  /* Not synced yet: nobody to check against. */
  reg_test_sign_in (window, "operator1", OPERATOR_PASSWORD);
  g_assert_true (REG_IS_LOGIN_PAGE (page ()));
  gui_test_assert_label (page (), "Sign-in needs a synced machine");

  apply_sync ();

  /* Wrong password, unknown user, inactive user: the same answer. */
  reg_test_sign_in (window, "operator1", "wrong horse");
  g_assert_true (REG_IS_LOGIN_PAGE (page ()));
  gui_test_assert_label (page (), "The user ID or password is wrong");
  gui_test_assert_label (page (), "Check them and try again. 4 attempts are left before this user is locked out.");
  g_assert_cmpuint (reg_store_get_login_failures (store (), "operator1", NULL), ==, 1);
  screenshot ("registration-login-wrong-en");

  reg_test_sign_in (window, "nobody", OPERATOR_PASSWORD);
  gui_test_assert_label (page (), "The user ID or password is wrong");
  reg_test_sign_in (window, "retired1", OPERATOR_PASSWORD);
  gui_test_assert_label (page (), "The user ID or password is wrong");
  g_assert_null (reg_window_get_user_id (REG_WINDOW (window)));

  /* The right password, offline: home, and the failures are forgotten. */
  reg_test_sign_in (window, "operator1", OPERATOR_PASSWORD);
  g_assert_true (REG_IS_HOME_PAGE (page ()));
  g_assert_cmpstr (reg_window_get_user_id (REG_WINDOW (window)), ==, "operator1");
  g_assert_cmpuint (reg_store_get_login_failures (store (), "operator1", NULL), ==, 0);
  gui_test_assert_label (page (), "Signed in as operator1");
  reg_test_sign_out (window);
}

static void
test_login_lockout (void)
{
  g_settings_set_int (reg_test_settings (), "lockout-seconds", 600);

  for (guint i = 0; i < 5; i++)
    reg_test_sign_in (window, "operator2", "guess");
  gui_test_assert_label (page (), "This user is locked out");
  gui_test_assert_label (page (), "Too many sign-ins failed in a row. Try again in 10 minutes, or ask your supervisor.");
  screenshot ("registration-login-locked-en");

  /* Locked: even the right password is turned away. */
  reg_test_sign_in (window, "operator2", OPERATOR_PASSWORD);
  g_assert_true (REG_IS_LOGIN_PAGE (page ()));
  gui_test_assert_label (page (), "This user is locked out");
  g_assert_null (reg_window_get_user_id (REG_WINDOW (window)));

  /* Other users are not. */
  reg_test_sign_in (window, "operator1", OPERATOR_PASSWORD);
  g_assert_true (REG_IS_HOME_PAGE (page ()));
  reg_test_sign_out (window);

  /* When the lockout time has passed, the right password works again. */
  g_settings_set_int (reg_test_settings (), "lockout-seconds", 1);
  g_usleep (1100 * 1000);
  reg_test_sign_in (window, "operator2", OPERATOR_PASSWORD);
  g_assert_true (REG_IS_HOME_PAGE (page ()));
  reg_test_sign_out (window);
  g_settings_reset (reg_test_settings (), "lockout-seconds");
}

static void
test_home_counts (void)
{
  g_autoptr(GError) error = NULL;

  reg_test_add_sealed_packet (store (), "10001100010000120261122040500", "Amina Diallo", "1990/05/17");
  reg_test_add_sealed_packet (store (), "10001100010000220261122040600", "Jean Dupont", "1990/05/17");
  reg_test_add_sealed_packet (store (), "10001100010000320261122040700", "Fatima Zahra", "1990/05/17");
  g_assert_true (reg_store_set_supervisor_decision (store (), "10001100010000320261122040700", TRUE,
                                                    "supervisor1", NULL, &error));
  g_assert_no_error (error);

  reg_test_sign_in (window, "operator1", OPERATOR_PASSWORD);
  g_assert_true (REG_IS_HOME_PAGE (page ()));
  g_assert_cmpstr (named_label_text ("today-count"), ==, "3");
  g_assert_cmpstr (named_label_text ("pending-count"), ==, "2");
  g_assert_cmpstr (named_label_text ("upload-count"), ==, "1");
  g_assert_cmpstr (named_label_text ("last-sync"), !=, "Never");

  /* What the machine cannot do yet is offered disabled, with a reason,
   * rather than as a button that fails: no packet certificate yet. */
  g_assert_false (gtk_widget_is_sensitive (gui_test_find_label (page (), "New Registration")));
  g_assert_false (gtk_widget_is_sensitive (gui_test_find_label (page (), "Update UIN")));
  g_assert_true (gtk_widget_is_sensitive (gui_test_find_label (page (), "Upload")));
  g_assert_true (gtk_widget_is_sensitive (gui_test_find_label (page (), "Export")));
  g_assert_true (gtk_widget_is_sensitive (gui_test_find_label (page (), "Supervisor Review")));

  /* Sync Now with the server away: the page says the workstation works
   * offline, and nothing changes. */
  g_assert_true (gtk_widget_activate_action (page (), "home-page.sync", NULL));
  GUI_TEST_WAIT_UNTIL (!reg_home_page_get_busy (REG_HOME_PAGE (page ())));
  g_assert_cmpstr (named_label_text ("server-state"), ==, "Not reachable — working offline");
  g_assert_true (gtk_widget_get_visible (find_named (page (), "home-message")));
  g_assert_cmpstr (named_label_text ("pending-count"), ==, "2");
  gui_test_assert_accessible (GTK_WIDGET (window));
  screenshot ("registration-home-en");

  gui_test_set_language (GTK_WIDGET (window), "ar");
  g_assert_true (REG_IS_HOME_PAGE (page ()));
  gui_test_assert_direction (GTK_WIDGET (window), GTK_TEXT_DIR_RTL);
  screenshot ("registration-home-ar");
  gui_test_set_language (GTK_WIDGET (window), "en");

  reg_test_sign_out (window);
}

static void
test_review (void)
{
  g_autoptr(RegPacket) approved = NULL;
  g_autoptr(RegPacket) rejected = NULL;
  RegReviewPage *review;

  /* An operator sees the list but cannot decide. */
  reg_test_sign_in (window, "operator1", OPERATOR_PASSWORD);
  g_assert_true (gtk_widget_activate_action (page (), "reg-window.show-review", NULL));
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  review = REG_REVIEW_PAGE (page ());
  gui_test_assert_label (page (), "Only a supervisor can approve or reject registrations. Ask your supervisor to sign in.");
  g_assert_true (reg_review_page_select (review, "10001100010000120261122040500"));
  gtk_editable_set_text (GTK_EDITABLE (gui_test_find_widget (page (), GTK_TYPE_PASSWORD_ENTRY)), OPERATOR_PASSWORD);
  gtk_widget_activate_action (page (), "review-page.approve", NULL);
  g_assert_false (reg_review_page_get_busy (review));
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_cmpuint (reg_store_count_packets (store (), REG_PACKET_STATE_PENDING_APPROVAL, 0), ==, 2);
  reg_test_sign_out (window);

  reg_test_sign_in (window, "supervisor1", SUPERVISOR_PASSWORD);
  g_assert_true (REG_IS_HOME_PAGE (page ()));
  g_assert_true (gtk_widget_activate_action (page (), "reg-window.show-review", NULL));
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  review = REG_REVIEW_PAGE (page ());
  g_assert_cmpuint (reg_review_page_get_n_pending (review), ==, 2);
  gui_test_assert_label (page (), "2 registrations are waiting for review.");

  /* The preview opens from the workstation's sealed copy. */
  g_assert_true (reg_review_page_select (review, "10001100010000120261122040500"));
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  gui_test_assert_label (page (), "Amina Diallo");
  gui_test_assert_label (page (), "Full name");
  screenshot ("registration-review-en");

  /* A wrong password signs nothing. */
  gtk_editable_set_text (GTK_EDITABLE (gui_test_find_widget (page (), GTK_TYPE_PASSWORD_ENTRY)), "nope");
  g_assert_true (gtk_widget_activate_action (page (), "review-page.approve", NULL));
  GUI_TEST_WAIT_UNTIL (!reg_review_page_get_busy (review));
  gui_test_assert_label (page (), "The password is wrong. Enter your own password to sign the decision.");
  g_assert_cmpuint (reg_store_count_packets (store (), REG_PACKET_STATE_PENDING_APPROVAL, 0), ==, 2);

  /* Approve. */
  gtk_editable_set_text (GTK_EDITABLE (gui_test_find_widget (page (), GTK_TYPE_PASSWORD_ENTRY)), SUPERVISOR_PASSWORD);
  g_assert_true (gtk_widget_activate_action (page (), "review-page.approve", NULL));
  GUI_TEST_WAIT_UNTIL (!reg_review_page_get_busy (review));
  gui_test_assert_label (page (), "Registration 10001100010000120261122040500 was approved.");
  approved = reg_store_get_packet (store (), "10001100010000120261122040500", NULL);
  g_assert_cmpint (approved->state, ==, REG_PACKET_STATE_APPROVED);
  g_assert_cmpstr (approved->supervisor_id, ==, "supervisor1");
  g_assert_cmpuint (reg_review_page_get_n_pending (review), ==, 1);

  /* Reject with a reason from master data. */
  g_assert_true (reg_review_page_select (review, "10001100010000220261122040600"));
  g_assert_false (reg_review_page_set_reason (review, "NOT_A_REASON"));
  g_assert_true (reg_review_page_set_reason (review, "WRONG_DOCUMENT"));
  gtk_editable_set_text (GTK_EDITABLE (gui_test_find_widget (page (), GTK_TYPE_PASSWORD_ENTRY)), SUPERVISOR_PASSWORD);
  g_assert_true (gtk_widget_activate_action (page (), "review-page.reject", NULL));
  GUI_TEST_WAIT_UNTIL (!reg_review_page_get_busy (review));
  rejected = reg_store_get_packet (store (), "10001100010000220261122040600", NULL);
  g_assert_cmpint (rejected->state, ==, REG_PACKET_STATE_REJECTED_BY_SUPERVISOR);
  g_assert_cmpstr (rejected->supervisor_reason, ==, "WRONG_DOCUMENT");
  gui_test_assert_label (page (), "Registration 10001100010000220261122040600 was rejected.");
  g_assert_cmpuint (reg_review_page_get_n_pending (review), ==, 0);

  g_assert_true (gtk_widget_activate_action (page (), "reg-window.show-home", NULL));
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_cmpstr (named_label_text ("pending-count"), ==, "0");
  g_assert_cmpstr (named_label_text ("upload-count"), ==, "3");
  reg_test_sign_out (window);
}

static void
test_export (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *target = g_build_filename (directory, "usb-stick", NULL);
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *export_dir = NULL;
  g_autofree char *manifest = NULL;
  JsonArray *packets;
  const char *name;

  g_assert_cmpint (g_mkdir (target, 0700), ==, 0);
  folder = g_file_new_for_path (target);

  reg_test_sign_in (window, "supervisor1", SUPERVISOR_PASSWORD);
  reg_home_page_export_to (REG_HOME_PAGE (page ()), folder);
  GUI_TEST_WAIT_UNTIL (gtk_widget_get_visible (find_named (page (), "home-message")));
  g_assert_true (g_str_has_prefix (named_label_text ("home-message"), "3 packets were exported to "));
  screenshot ("registration-export-en");

  dir = g_dir_open (target, 0, &error);
  g_assert_no_error (error);
  name = g_dir_read_name (dir);
  g_assert_nonnull (name);
  g_assert_true (g_str_has_prefix (name, "idem-export-10001-"));
  export_dir = g_build_filename (target, name, NULL);
  g_assert_null (g_dir_read_name (dir));

  manifest = g_build_filename (export_dir, "manifest.json", NULL);
  json_parser_load_from_file (parser, manifest, &error);
  g_assert_no_error (error);
  packets = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "packets");
  g_assert_cmpuint (json_array_get_length (packets), ==, 3);

  /* Each copy matches the hash the manifest gives, and the store's. */
  for (guint i = 0; i < json_array_get_length (packets); i++)
    {
      JsonObject *entry = json_array_get_object_element (packets, i);
      g_autofree char *copy = g_build_filename (export_dir, json_object_get_string_member (entry, "file"), NULL);
      g_autofree char *contents = NULL;
      g_autofree char *hash = NULL;
      g_autoptr(RegPacket) packet = NULL;
      gsize length;

      g_file_get_contents (copy, &contents, &length, &error);
      g_assert_no_error (error);
      hash = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
      g_assert_cmpstr (hash, ==, json_object_get_string_member (entry, "packetHashValue"));
      packet = reg_store_get_packet (store (), json_object_get_string_member (entry, "registrationId"), &error);
      g_assert_no_error (error);
      g_assert_cmpstr (hash, ==, packet->packet_hash);
      g_assert_cmpint (packet->state, !=, REG_PACKET_STATE_UPLOADED);
    }

  reg_test_sign_out (window);
}

static void
test_idle_sign_out (void)
{
  const char *message;

  g_settings_set_int (reg_test_settings (), "idle-logout-seconds", 3);
  g_settings_set_int (reg_test_settings (), "idle-warning-seconds", 2);

  reg_test_sign_in (window, "operator1", OPERATOR_PASSWORD);
  g_assert_true (REG_IS_HOME_PAGE (page ()));

  /* The countdown shows, and activity cancels it. */
  GUI_TEST_WAIT_UNTIL (reg_window_get_idle_message (REG_WINDOW (window)) != NULL);
  message = reg_window_get_idle_message (REG_WINDOW (window));
  g_assert_true (g_str_has_prefix (message, "No activity: you will be signed out in "));
  screenshot ("registration-idle-warning-en");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "reg-window.stay-signed-in", NULL));
  g_assert_null (reg_window_get_idle_message (REG_WINDOW (window)));
  g_assert_true (REG_IS_HOME_PAGE (page ()));

  /* Left alone, the operator is signed out. */
  GUI_TEST_WAIT_UNTIL (reg_window_get_idle_message (REG_WINDOW (window)) != NULL);
  GUI_TEST_WAIT_UNTIL (REG_IS_LOGIN_PAGE (page ()));
  g_assert_null (reg_window_get_user_id (REG_WINDOW (window)));
  g_assert_null (reg_window_get_idle_message (REG_WINDOW (window)));

  g_settings_reset (reg_test_settings (), "idle-logout-seconds");
  g_settings_reset (reg_test_settings (), "idle-warning-seconds");
}

/* A self-signed RSA certificate standing in for the server's packet
 * certificate, which a sync would bring. */
static char *
make_certificate_pem (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EVP_PKEY) key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_RSA, 2048, &error);
  X509 *certificate;
  char *pem;

  g_assert_no_error (error);
  certificate = reg_test_make_certificate (key, "10001_10001", 1);
  pem = reg_test_certificate_to_pem (certificate);
  X509_free (certificate);

  return pem;
}

static void
test_new_registration (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pem = make_certificate_pem ();

  /* Without the packet certificate and the centre, there is nothing to
   * seal a packet for. */
  reg_test_sign_in (window, "operator1", OPERATOR_PASSWORD);
  g_assert_false (gtk_widget_is_sensitive (gui_test_find_label (page (), "New Registration")));
  reg_test_sign_out (window);

  g_assert_true (reg_machine_apply_sync_document (machine (), REG_SYNC_CERTIFICATE, pem, &error));
  g_assert_no_error (error);
  g_assert_true (reg_machine_set_centre_id (machine (), "10001", &error));
  g_assert_no_error (error);
  g_settings_set_string (reg_test_settings (), "camera-source", "videotestsrc is-live=true");

  reg_test_sign_in (window, "operator1", OPERATOR_PASSWORD);
  g_assert_true (gtk_widget_is_sensitive (gui_test_find_label (page (), "New Registration")));
  g_assert_true (gtk_widget_activate_action (page (), "home-page.new-registration", NULL));
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_true (REG_IS_FLOW (page ()));
  g_assert_true (reg_window_get_flow (REG_WINDOW (window)) == page ());
  g_assert_cmpstr (reg_flow_get_step_name (REG_FLOW (page ())), ==, "consent");
  screenshot ("registration-new-registration-en");

  /* Cancelled, the operator is back home and nothing was recorded. */
  g_assert_true (gtk_widget_activate_action (page (), "flow.cancel", NULL));
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_true (REG_IS_HOME_PAGE (page ()));
  g_assert_null (reg_window_get_flow (REG_WINDOW (window)));
  reg_test_sign_out (window);
}

static void
test_restart_recovery (void)
{
  g_autofree char *temporary = g_build_filename (g_getenv (REG_STORE_DIR_ENV), "packets", ".tmp-crashed", NULL);

  if (g_test_subprocess ())
    {
      g_autoptr(RegApplication) fresh = NULL;
      GtkWindow *fresh_window;
      GtkWidget *message;

      /* The workstation starts again after a crash. */
      g_settings_set_string (reg_test_settings (), "server-url", "https://127.0.0.1:9");
      fresh = reg_application_new ();
      fresh_window = gui_test_start_application (G_APPLICATION (fresh));
      app = fresh;
      window = fresh_window;
      GUI_TEST_WAIT_UNTIL (!g_file_test (temporary, G_FILE_TEST_EXISTS));

      reg_test_sign_in (window, "operator1", OPERATOR_PASSWORD);
      g_assert_true (REG_IS_HOME_PAGE (page ()));
      message = find_named (page (), "home-message");
      GUI_TEST_WAIT_UNTIL (gtk_widget_get_visible (message));
      g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (message)),
                                "10001100010000320261122040700: its file is missing"));
      g_assert_null (strstr (gtk_label_get_text (GTK_LABEL (message)), "10001100010000120261122040500"));
      screenshot ("registration-recovery-en");
      gtk_window_destroy (fresh_window);
      window = NULL;
      app = NULL;
      return;
    }

  /* What a crash can leave: a packet's file gone, a half-written one. */
  {
    g_autoptr(RegPacket) packet = reg_store_get_packet (store (), "10001100010000320261122040700", NULL);
    g_autoptr(GError) error = NULL;

    g_assert_cmpint (g_unlink (packet->path), ==, 0);
    g_file_set_contents (temporary, "half a packet", -1, &error);
    g_assert_no_error (error);
  }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  g_assert_false (g_file_test (temporary, G_FILE_TEST_EXISTS));
}

static void
test_cold_start (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(RegApplication) fresh = NULL;
      GtkWindow *fresh_window;
      gint64 start;

      /* The workstation set up above, started afresh. */
      g_settings_set_string (reg_test_settings (), "server-url", "https://idem.example.org");
      start = g_get_monotonic_time ();

      fresh = reg_application_new ();
      fresh_window = gui_test_start_application (G_APPLICATION (fresh));
      gui_test_wait_frames (GTK_WIDGET (fresh_window), 1);
      g_assert_true (REG_IS_LOGIN_PAGE (reg_window_get_page (REG_WINDOW (fresh_window))));
      /* A figure for the record, not a pass mark: tests are not timed. */
      g_printerr ("cold start to sign-in window: %.0f ms\n",
                  (g_get_monotonic_time () - start) / 1000.0);
      gtk_window_destroy (fresh_window);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  gui_test_init (&argc, &argv);

  if (!g_test_subprocess ())
    {
      directory = g_dir_make_tmp ("idem-reg-shell-XXXXXX", &error);
      g_assert_no_error (error);
      window = reg_test_start_workstation (directory, "", &app);
    }

  g_test_add_func ("/registration/shell/password-verifier", test_password_verifier);
  g_test_add_func ("/registration/shell/setup-generates-key", test_setup_generates_key);
  g_test_add_func ("/registration/shell/login", test_login);
  g_test_add_func ("/registration/shell/login-lockout", test_login_lockout);
  g_test_add_func ("/registration/shell/home-counts", test_home_counts);
  g_test_add_func ("/registration/shell/review", test_review);
  g_test_add_func ("/registration/shell/export", test_export);
  g_test_add_func ("/registration/shell/idle-sign-out", test_idle_sign_out);
  g_test_add_func ("/registration/shell/new-registration", test_new_registration);
  g_test_add_func ("/registration/shell/restart-recovery", test_restart_recovery);
  g_test_add_func ("/registration/shell/cold-start", test_cold_start);

  status = g_test_run ();

  if (window != NULL)
    gtk_window_destroy (window);
  g_clear_object (&app);
  if (directory != NULL)
    gui_test_remove_tree (directory);
  g_free (directory);

  return status;
}
