/* test-registration-upload.c — the registration client syncs with a real
 * server, uploads reviewed packets, follows their statuses, and survives
 * the server going away in the middle of an upload
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The server runs in this process over real HTTPS on 127.0.0.1, with its
 * real SQLite database and pipeline.  The country is put in its database
 * directly, as the admin API would leave it; the test also plays the
 * administrator who registers the workstation's public key.
 */

#include "config.h"

#include "gui-test-util.h"
#include "reg-sync.h"
#include "reg-upload.h"
#include "reg-password.h"

#include "server-test-util.h"
#include "srv-pipeline.h"
#include "srv-server.h"

#include "idem-openssl-types.h"

#include <glib/gstdio.h>

#define OPERATOR_HASH "$scrypt$ln=12,r=8,p=1$AAECAwQFBgcICQoLDA0ODw$nxT5yUcmhFTg/6o1qwf57vRwZhaunnM+rEA0Ksy6waw"

typedef struct
{
  char            *tmp_dir;
  char            *data_dir;
  char            *reg_dir;
  SrvServer       *server;
  GTlsCertificate *certificate;
  char            *url;
  RegStore        *store;
  RegMachine      *machine;
  RegSync         *sync;
  guint            sequence;
} Fixture;

static const char country[] =
  "UPDATE sync_clock SET version = 2;"
  "INSERT INTO location (code, parent_code, level, level_name, names, version) VALUES"
  "  ('MOR', NULL, 0, 'Country', '{\"eng\":\"Morocco\"}', 1);"
  "INSERT INTO centre (id, names, location_code, time_zone, status, version) VALUES"
  "  ('10001', '{\"eng\":\"Agdal\"}', 'MOR', 'Africa/Casablanca', 'ACTIVE', 1),"
  "  ('10002', '{\"eng\":\"Kenitra\"}', 'MOR', 'Africa/Casablanca', 'ACTIVE', 1);"
  "INSERT INTO master_data (type, code, names, attributes, active, version) VALUES"
  "  ('gender', 'FLE', '{\"eng\":\"Female\"}', NULL, 1, 1),"
  "  ('rejectionReason', 'BLURRED_PHOTO', '{\"eng\":\"The photo is blurred\"}', NULL, 1, 1),"
  "  ('rejectionReason', 'WRONG_DOCUMENT', '{\"eng\":\"Wrong document\"}', NULL, 1, 2);"
  "INSERT INTO app_user (id, name, password_hash, status, version) VALUES"
  "  ('operator1', 'Amina Diallo', '" OPERATOR_HASH "', 'ACTIVE', 1),"
  "  ('supervisor1', 'Boris Lind', '" OPERATOR_HASH "', 'ACTIVE', 2),"
  "  ('elsewhere', 'Dana Roe', '" OPERATOR_HASH "', 'ACTIVE', 1);"
  "INSERT INTO user_role (user_id, role) VALUES"
  "  ('operator1', 'OPERATOR'), ('supervisor1', 'SUPERVISOR'), ('elsewhere', 'OPERATOR');"
  "INSERT INTO user_centre (user_id, centre_id, valid_from, valid_to) VALUES"
  "  ('operator1', '10001', 1000, NULL), ('supervisor1', '10001', 1000, NULL),"
  "  ('elsewhere', '10002', 1000, NULL);";

static sqlite3 *
server_db (Fixture *fixture)
{
  return srv_database_get_handle (srv_server_get_database (fixture->server));
}

static void
exec_sql (Fixture    *fixture,
          const char *sql)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (srv_database_exec (srv_server_get_database (fixture->server), sql, &error));
  g_assert_no_error (error);
}

static void
publish (Fixture    *fixture,
         const char *kind,
         const char *resource)
{
  g_autoptr(GBytes) content = g_resources_lookup_data (resource, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  sqlite3_stmt *stmt = NULL;

  g_assert_nonnull (content);
  g_assert_cmpint (sqlite3_prepare_v2 (server_db (fixture),
                                       "INSERT INTO published_document (kind, version, content, published)"
                                       " VALUES (?, 1, ?, '2026-01-01T00:00:00Z')", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, g_bytes_get_data (content, NULL), (int) g_bytes_get_size (content), SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
}

/* What the administrator does with the fingerprint the machine shows. */
static void
register_machine (Fixture    *fixture,
                  const char *id,
                  const char *centre_id)
{
  EVP_PKEY *key = reg_machine_get_signing_key (fixture->machine);
  sqlite3_stmt *stmt = NULL;
  unsigned char *der = NULL;
  int der_length = i2d_PUBKEY (key, &der);

  g_assert_cmpint (sqlite3_prepare_v2 (server_db (fixture),
                                       "INSERT INTO machine (id, name, centre_id, public_key, key_fingerprint, status, version)"
                                       " VALUES (?, ?, ?, ?, ?, 'ACTIVE', 1)", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, centre_id, -1, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 4, der, der_length, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, reg_machine_get_key_fingerprint (fixture->machine), -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  OPENSSL_free (der);
}

static void
start_server (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  SrvConfig *config;

  config = srv_config_load (fixture->data_dir, &error);
  g_assert_no_error (error);
  g_assert_true (srv_config_set_port (config, 0, &error));
  fixture->server = srv_server_new (config);
  g_assert_true (srv_server_start (fixture->server, &error));
  g_assert_no_error (error);
  g_free (fixture->url);
  fixture->url = srv_server_get_url (fixture->server);

  /* A workstation keeps its address; a restarted test server gets a new
   * port, which is as if the administrator moved it. */
  g_clear_object (&fixture->sync);
  fixture->sync = reg_sync_new (fixture->machine, fixture->url);
  reg_sync_set_pinned_certificate (fixture->sync, fixture->certificate);
}

static void
stop_server (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (srv_server_stop (fixture->server, &error));
  g_assert_no_error (error);
  g_clear_object (&fixture->server);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RegMachineKey) key = NULL;

  fixture->data_dir = srv_test_new_data_dir (&fixture->tmp_dir);
  fixture->certificate = srv_test_load_certificate (fixture->data_dir);
  fixture->reg_dir = g_build_filename (fixture->tmp_dir, "workstation", NULL);

  fixture->store = reg_store_new (fixture->reg_dir, &error);
  g_assert_no_error (error);
  key = reg_machine_key_new_software (fixture->reg_dir);
  g_assert_true (reg_machine_key_generate (key, &error));
  g_assert_no_error (error);
  fixture->machine = reg_machine_new (fixture->store, key, &error);
  g_assert_no_error (error);
  g_assert_true (reg_machine_set_machine_id (fixture->machine, "10011", &error));
  g_assert_no_error (error);

  start_server (fixture);
  exec_sql (fixture, country);
  publish (fixture, "id-schema", "/org/idem/Registration/schema/id-schema.json");
  publish (fixture, "ui-spec", "/org/idem/Registration/schema/ui-spec.json");
  register_machine (fixture, "10011", "10001");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  if (fixture->server != NULL)
    stop_server (fixture);
  g_clear_object (&fixture->sync);
  g_clear_object (&fixture->machine);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->certificate);
  srv_test_remove_tree (fixture->tmp_dir);
  g_clear_pointer (&fixture->tmp_dir, g_free);
  g_clear_pointer (&fixture->data_dir, g_free);
  g_clear_pointer (&fixture->reg_dir, g_free);
  g_clear_pointer (&fixture->url, g_free);
}

static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
run_sync (Fixture  *fixture,
          GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  reg_sync_run_async (fixture->sync, NULL, done_cb, &result);
  GUI_TEST_WAIT_UNTIL (result != NULL);
  return reg_sync_run_finish (fixture->sync, result, error);
}

static guint
run_upload (Fixture    *fixture,
            RegUpload  *upload,
            GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  reg_upload_run_async (upload, NULL, done_cb, &result);
  GUI_TEST_WAIT_UNTIL (result != NULL);
  return reg_upload_run_finish (upload, result, error);
}

/* A sealed packet as the flow leaves it: the file in the packet
 * directory, recorded as pending approval. */
static char *
add_packet (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *path = NULL;
  g_autofree char *hash = NULL;
  guint8 contents[4096];
  char *rid;

  rid = idem_rid_build ("10001", "10011", ++fixture->sequence, now, &error);
  g_assert_no_error (error);
  g_assert_true (idem_crypto_random_bytes (contents, sizeof contents, NULL));
  path = g_build_filename (reg_store_get_packet_dir (fixture->store), rid, NULL);
  g_file_set_contents (path, (const char *) contents, sizeof contents, &error);
  g_assert_no_error (error);
  hash = g_compute_checksum_for_data (G_CHECKSUM_SHA256, contents, sizeof contents);
  g_assert_true (reg_store_add_packet (fixture->store, rid, path, hash, sizeof contents, "operator1", &error));
  g_assert_no_error (error);

  return rid;
}

static void
decide (Fixture    *fixture,
        const char *rid,
        gboolean    approve)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (reg_store_set_supervisor_decision (fixture->store, rid, approve, "supervisor1",
                                                    approve ? NULL : "BLURRED_PHOTO", &error));
  g_assert_no_error (error);
}

static char *
server_packet_text (Fixture    *fixture,
                    const char *sql,
                    const char *rid)
{
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (server_db (fixture), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, rid, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  return text;
}

/* The status the server's pipeline gives a packet now, computed from its
 * own row rather than through the API under test. */
static char *
server_status (Fixture    *fixture,
               const char *rid)
{
  sqlite3_stmt *stmt = NULL;
  char *status = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (server_db (fixture),
                                       "SELECT state, stage, registration_type FROM packet WHERE rid = ?",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, rid, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    status = g_strdup (srv_pipeline_external_status ((const char *) sqlite3_column_text (stmt, 0),
                                                     (const char *) sqlite3_column_text (stmt, 1),
                                                     (const char *) sqlite3_column_text (stmt, 2)));
  sqlite3_finalize (stmt);

  return status;
}

static gboolean
pipeline_settled (Fixture    *fixture,
                  const char *rid)
{
  g_autofree char *state = server_packet_text (fixture, "SELECT state FROM packet WHERE rid = ?", rid);

  return state != NULL && g_strcmp0 (state, "PROCESSING") != 0 && g_strcmp0 (state, "DECLARED") != 0;
}

static void
progress_cb (RegSync *sync,
             double   fraction,
             gpointer user_data)
{
  double *last = user_data;

  /* Progress only goes forward. */
  g_assert_cmpfloat (fraction, >=, *last);
  *last = fraction;
}

static void
test_sync (Fixture       *fixture,
           gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) operator1 = NULL;
  g_autoptr(JsonArray) reasons = NULL;
  g_autoptr(JsonArray) genders = NULL;
  g_autofree char *pinned = NULL;
  g_autoptr(GTlsCertificate) packet_certificate = NULL;
  double last_fraction = -1;

  g_assert_false (reg_machine_is_synced (fixture->machine));

  g_signal_connect (fixture->sync, "progress", G_CALLBACK (progress_cb), &last_fraction);
  g_assert_true (run_sync (fixture, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (last_fraction, ==, 1.0);
  last_fraction = -1;

  /* Who the machine is and what it needs, from the server. */
  g_assert_true (reg_machine_is_synced (fixture->machine));
  g_assert_cmpstr (reg_machine_get_centre_id (fixture->machine), ==, "10001");
  packet_certificate = g_tls_certificate_new_from_pem (reg_machine_get_certificate_pem (fixture->machine), -1, &error);
  g_assert_no_error (error);
  pinned = reg_store_get_value (fixture->store, "server-signing-key");
  g_assert_true (g_str_has_prefix (pinned, "-----BEGIN PUBLIC KEY-----"));

  /* The centre's users only, with hashes that check offline. */
  operator1 = reg_machine_find_user (fixture->machine, "operator1");
  g_assert_nonnull (operator1);
  g_assert_true (reg_password_verify (json_object_get_string_member (operator1, "passwordHash"), "correct horse"));
  g_assert_nonnull (reg_machine_find_user (fixture->machine, "supervisor1"));
  g_assert_null (reg_machine_find_user (fixture->machine, "elsewhere"));

  reasons = reg_machine_get_master_data (fixture->machine, "rejectionReason");
  g_assert_cmpuint (json_array_get_length (reasons), ==, 2);
  g_assert_nonnull (idem_id_schema_lookup_field (reg_machine_get_id_schema (fixture->machine), "fullName"));

  /* A delta: a new gender, a user leaves the centre. */
  exec_sql (fixture,
            "UPDATE sync_clock SET version = 3;"
            "INSERT INTO master_data (type, code, names, attributes, active, version) VALUES"
            "  ('gender', 'MLE', '{\"eng\":\"Male\"}', NULL, 1, 3);"
            "UPDATE user_centre SET valid_to = 2000 WHERE user_id = 'supervisor1';");
  g_assert_true (run_sync (fixture, &error));
  g_assert_no_error (error);
  genders = reg_machine_get_master_data (fixture->machine, "gender");
  g_assert_cmpuint (json_array_get_length (genders), ==, 2);
  g_assert_null (reg_machine_find_user (fixture->machine, "supervisor1"));
  g_assert_nonnull (reg_machine_find_user (fixture->machine, "operator1"));
}

static void
test_sync_refusals (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RegSync) stranger = NULL;

  /* A machine the administrator has not registered is refused, with the
   * server's stable code, and nothing is stored. */
  g_assert_true (reg_machine_set_machine_id (fixture->machine, "10012", &error));
  g_assert_false (run_sync (fixture, &error));
  g_assert_error (error, IDEM_CLIENT_ERROR, IDEM_CLIENT_ERROR_SERVER);
  g_assert_cmpstr (idem_client_error_get_code (error), ==, "IDM-MAC-403");
  g_clear_error (&error);
  g_assert_false (reg_machine_is_synced (fixture->machine));
  g_assert_null (reg_machine_get_certificate_pem (fixture->machine));

  /* A server that is not there. */
  g_assert_true (reg_machine_set_machine_id (fixture->machine, "10011", &error));
  stranger = reg_sync_new (fixture->machine, "https://127.0.0.1:1");
  {
    g_autoptr(GAsyncResult) result = NULL;

    reg_sync_run_async (stranger, NULL, done_cb, &result);
    GUI_TEST_WAIT_UNTIL (result != NULL);
    g_assert_false (reg_sync_run_finish (stranger, result, &error));
    g_assert_error (error, IDEM_CLIENT_ERROR, IDEM_CLIENT_ERROR_UNREACHABLE);
    g_clear_error (&error);
  }
  g_assert_false (reg_machine_is_synced (fixture->machine));
}

static void
packet_done_cb (RegUpload  *upload,
                const char *rid,
                gboolean    success,
                const char *detail,
                gpointer    user_data)
{
  Fixture *fixture = user_data;

  /* The server goes down right after acknowledging the first packet. */
  if (success && fixture->server != NULL && g_object_get_data (G_OBJECT (upload), "stop-after-first") != NULL)
    {
      g_object_set_data (G_OBJECT (upload), "stop-after-first", NULL);
      stop_server (fixture);
    }
}

static void
test_upload_and_statuses (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RegUpload) upload = NULL;
  g_autofree char *approved = NULL;
  g_autofree char *rejected = NULL;
  g_autofree char *pending = NULL;
  const char *rids[2];

  g_assert_true (run_sync (fixture, &error));
  g_assert_no_error (error);

  approved = add_packet (fixture);
  rejected = add_packet (fixture);
  pending = add_packet (fixture);
  decide (fixture, approved, TRUE);
  decide (fixture, rejected, FALSE);

  upload = reg_upload_new (fixture->sync);
  g_assert_cmpuint (run_upload (fixture, upload, &error), ==, 2);
  g_assert_no_error (error);

  /* Uploaded here, declared with our hash and the decision there. */
  rids[0] = approved;
  rids[1] = rejected;
  for (guint i = 0; i < G_N_ELEMENTS (rids); i++)
    {
      g_autoptr(RegPacket) packet = reg_store_get_packet (fixture->store, rids[i], &error);
      g_autofree char *hash = server_packet_text (fixture, "SELECT declared_hash FROM packet WHERE rid = ?", rids[i]);
      g_autofree char *ours = NULL;

      g_assert_no_error (error);
      g_assert_cmpint (packet->state, ==, REG_PACKET_STATE_UPLOADED);
      g_assert_cmpstr (packet->server_status, ==, "RECEIVED");
      ours = g_ascii_strup (packet->packet_hash, -1);
      g_assert_cmpstr (hash, ==, ours);
    }
  {
    g_autofree char *supervisor = server_packet_text (fixture, "SELECT supervisor_status FROM packet WHERE rid = ?", rejected);

    g_assert_cmpstr (supervisor, ==, "REJECTED");
  }

  /* The pending packet was not sent. */
  g_assert_null (server_packet_text (fixture, "SELECT rid FROM packet WHERE rid = ?", pending));

  /* Once the pipeline has done with them, the status sync brings back
   * what the server says. */
  GUI_TEST_WAIT_UNTIL (pipeline_settled (fixture, approved) && pipeline_settled (fixture, rejected));
  g_assert_true (run_sync (fixture, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (rids); i++)
    {
      g_autoptr(RegPacket) packet = reg_store_get_packet (fixture->store, rids[i], &error);
      g_autofree char *expected = server_status (fixture, rids[i]);

      g_assert_nonnull (expected);
      g_assert_cmpstr (packet->server_status, ==, expected);
      g_test_message ("%s: %s (%s)", rids[i], packet->server_status,
                      packet->server_reason != NULL ? packet->server_reason : "no reason");
    }
}

static void
test_upload_server_stops (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RegUpload) upload = NULL;
  g_autoptr(RegPacket) first = NULL;
  g_autoptr(RegPacket) second = NULL;
  g_autofree char *rid1 = NULL;
  g_autofree char *rid2 = NULL;
  g_autofree char *rid3 = NULL;

  g_assert_true (run_sync (fixture, &error));
  g_assert_no_error (error);

  rid1 = add_packet (fixture);
  rid2 = add_packet (fixture);
  rid3 = add_packet (fixture);
  decide (fixture, rid1, TRUE);
  decide (fixture, rid2, TRUE);
  decide (fixture, rid3, FALSE);

  upload = reg_upload_new (fixture->sync);
  g_object_set_data (G_OBJECT (upload), "stop-after-first", GINT_TO_POINTER (1));
  g_signal_connect (upload, "packet-done", G_CALLBACK (packet_done_cb), fixture);
  g_assert_cmpuint (run_upload (fixture, upload, &error), ==, 0);
  g_assert_error (error, IDEM_CLIENT_ERROR, IDEM_CLIENT_ERROR_UNREACHABLE);
  g_clear_error (&error);
  g_assert_null (fixture->server);

  /* The store says exactly what happened: one uploaded, the others still
   * waiting (declared), and offline work goes on: a review still records. */
  first = reg_store_get_packet (fixture->store, rid1, NULL);
  second = reg_store_get_packet (fixture->store, rid2, NULL);
  g_assert_cmpint (first->state, ==, REG_PACKET_STATE_UPLOADED);
  g_assert_cmpint (second->state, ==, REG_PACKET_STATE_APPROVED);
  g_assert_cmpint (second->declared, >, 0);
  g_assert_cmpuint (reg_store_count_packets (fixture->store, REG_PACKET_STATE_UPLOADED, 0), ==, 1);
  {
    g_autofree char *offline = add_packet (fixture);

    decide (fixture, offline, TRUE);
  }

  /* The workstation restarts, reopening its store, and the server is back. */
  g_clear_object (&upload);
  g_clear_object (&fixture->sync);
  g_clear_object (&fixture->machine);
  g_clear_object (&fixture->store);
  fixture->store = reg_store_new (fixture->reg_dir, &error);
  g_assert_no_error (error);
  fixture->machine = reg_machine_new (fixture->store, NULL, &error);
  g_assert_no_error (error);
  start_server (fixture);

  upload = reg_upload_new (fixture->sync);
  g_assert_cmpuint (run_upload (fixture, upload, &error), ==, 3);
  g_assert_no_error (error);
  g_assert_cmpuint (reg_store_count_packets (fixture->store, REG_PACKET_STATE_UPLOADED, 0), ==, 4);
  g_assert_cmpuint (reg_store_count_packets (fixture->store, REG_PACKET_STATE_APPROVED, 0), ==, 0);
  {
    g_autofree char *count = server_packet_text (fixture, "SELECT count(*) FROM packet WHERE ?1 = ?1", "x");

    g_assert_cmpstr (count, ==, "4");
  }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add ("/registration/upload/sync", Fixture, NULL, fixture_set_up, test_sync, fixture_tear_down);
  g_test_add ("/registration/upload/sync-refusals", Fixture, NULL, fixture_set_up, test_sync_refusals,
              fixture_tear_down);
  g_test_add ("/registration/upload/upload-and-statuses", Fixture, NULL, fixture_set_up, test_upload_and_statuses,
              fixture_tear_down);
  g_test_add ("/registration/upload/server-stops", Fixture, NULL, fixture_set_up, test_upload_server_stops,
              fixture_tear_down);

  status = g_test_run ();
  srv_test_cleanup ();

  return status;
}
