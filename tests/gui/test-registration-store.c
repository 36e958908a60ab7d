/* test-registration-store.c — the registration client's store and machine
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include "gui-test-util.h"
#include "reg-machine.h"
#include "reg-store.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#define HASH_ZERO "0000000000000000000000000000000000000000000000000000000000000000"

static char *
make_directory (void)
{
  g_autoptr(GError) error = NULL;
  char *directory = g_dir_make_tmp ("idem-reg-store-XXXXXX", &error);

  g_assert_no_error (error);
  return directory;
}

static char *
sha256_hex (const char *data,
            gsize       length)
{
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, length);
}

/* Writes a fake packet file into the store's packet directory and records
 * it; returns its path. */
static char *
add_packet (RegStore   *store,
            const char *rid,
            const char *operator_id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = g_strdup_printf ("packet %s", rid);
  g_autofree char *hash = sha256_hex (contents, strlen (contents));
  char *path = g_build_filename (reg_store_get_packet_dir (store), rid, NULL);

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  g_assert_true (reg_store_add_packet (store, rid, path, hash, strlen (contents), operator_id, &error));
  g_assert_no_error (error);

  return path;
}

static void
test_store_lifecycle (void)
{
  g_autofree char *directory = make_directory ();
  g_autoptr(GError) error = NULL;
  g_autoptr(RegStore) store = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(RegPacket) packet = NULL;
  g_autofree char *path_a = NULL;
  g_autofree char *path_b = NULL;
  g_autofree char *path_c = NULL;
  g_autofree char *key_path = NULL;
  GStatBuf info;

  store = reg_store_new (directory, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (reg_store_get_packet_dir (store), G_FILE_TEST_IS_DIR));

  /* The preview key is private to the user. */
  key_path = g_build_filename (directory, "preview.key", NULL);
  g_assert_cmpint (g_stat (key_path, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0600);
  g_assert_cmpint (info.st_size, ==, 32);

  path_a = add_packet (store, "10001100010000120261122040500", "operator1");
  path_b = add_packet (store, "10001100010000220261122040600", "operator1");
  path_c = add_packet (store, "10001100010000320261122040700", "operator2");

  g_assert_cmpuint (reg_store_count_packets (store, REG_PACKET_STATE_ANY, 0), ==, 3);
  g_assert_cmpuint (reg_store_count_packets (store, REG_PACKET_STATE_PENDING_APPROVAL, 0), ==, 3);
  g_assert_cmpuint (reg_store_count_packets (store, REG_PACKET_STATE_ANY,
                                             g_get_real_time () / G_USEC_PER_SEC + 3600), ==, 0);

  pending = reg_store_list_packets (store, REG_PACKET_STATE_PENDING_APPROVAL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pending->len, ==, 3);
  packet = reg_packet_copy (g_ptr_array_index (pending, 2));
  g_assert_cmpstr (packet->operator_id, ==, "operator2");
  g_assert_cmpstr (packet->path, ==, path_c);
  g_assert_cmpint (packet->state, ==, REG_PACKET_STATE_PENDING_APPROVAL);

  /* Approve one, reject one with a reason. */
  g_assert_true (reg_store_set_supervisor_decision (store, "10001100010000120261122040500", TRUE,
                                                    "supervisor1", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (reg_store_set_supervisor_decision (store, "10001100010000220261122040600", FALSE,
                                                    "supervisor1", "BLURRED_PHOTO", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (reg_store_count_packets (store, REG_PACKET_STATE_APPROVED, 0), ==, 1);
  g_assert_cmpuint (reg_store_count_packets (store, REG_PACKET_STATE_REJECTED_BY_SUPERVISOR, 0), ==, 1);

  g_clear_pointer (&packet, reg_packet_free);
  packet = reg_store_get_packet (store, "10001100010000220261122040600", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (packet->supervisor_id, ==, "supervisor1");
  g_assert_cmpstr (packet->supervisor_reason, ==, "BLURRED_PHOTO");
  g_assert_cmpint (packet->decided, >, 0);

  /* A pending packet is not sent. */
  g_assert_false (reg_store_mark_declared (store, "10001100010000320261122040700", &error));
  g_assert_error (error, REG_STORE_ERROR, REG_STORE_ERROR_WRONG_STATE);
  g_clear_error (&error);
  g_assert_false (reg_store_mark_uploaded (store, "10001100010000320261122040700", "RECEIVED", &error));
  g_assert_error (error, REG_STORE_ERROR, REG_STORE_ERROR_WRONG_STATE);
  g_clear_error (&error);

  /* Declared, then uploaded; the decision is then fixed. */
  g_assert_true (reg_store_mark_declared (store, "10001100010000120261122040500", &error));
  g_assert_no_error (error);
  g_assert_false (reg_store_set_supervisor_decision (store, "10001100010000120261122040500", FALSE,
                                                     "supervisor1", "OTHER", &error));
  g_assert_error (error, REG_STORE_ERROR, REG_STORE_ERROR_WRONG_STATE);
  g_clear_error (&error);
  g_assert_true (reg_store_mark_uploaded (store, "10001100010000120261122040500", "RECEIVED", &error));
  g_assert_no_error (error);
  g_assert_true (reg_store_set_server_status (store, "10001100010000120261122040500", "PROCESSED",
                                              "UIN_GENERATED", NULL, &error));
  g_assert_no_error (error);

  g_clear_pointer (&packet, reg_packet_free);
  packet = reg_store_get_packet (store, "10001100010000120261122040500", &error);
  g_assert_no_error (error);
  g_assert_cmpint (packet->state, ==, REG_PACKET_STATE_UPLOADED);
  g_assert_cmpstr (packet->server_status, ==, "PROCESSED");
  g_assert_cmpstr (packet->server_reason, ==, "UIN_GENERATED");
  g_assert_cmpint (packet->declared, >, 0);
  g_assert_cmpint (packet->uploaded, >=, packet->declared);

  /* Everything survives closing and opening the store again. */
  g_clear_object (&store);
  store = reg_store_new (directory, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (reg_store_count_packets (store, REG_PACKET_STATE_UPLOADED, 0), ==, 1);
  g_assert_cmpuint (reg_store_count_packets (store, REG_PACKET_STATE_REJECTED_BY_SUPERVISOR, 0), ==, 1);
  g_assert_cmpuint (reg_store_count_packets (store, REG_PACKET_STATE_PENDING_APPROVAL, 0), ==, 1);

  g_clear_object (&store);
  gui_test_remove_tree (directory);
}

static void
test_store_refuses_bad_input (void)
{
  g_autofree char *directory = make_directory ();
  g_autoptr(GError) error = NULL;
  g_autoptr(RegStore) store = NULL;
  g_autofree char *path = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *outside = NULL;

  store = reg_store_new (directory, &error);
  g_assert_no_error (error);
  path = add_packet (store, "10001100010000120261122040500", "operator1");
  hash = sha256_hex ("packet 10001100010000120261122040500", 36);

  /* A RID that would escape the packet directory. */
  g_assert_false (reg_store_add_packet (store, "../evil", path, hash, 36, "operator1", &error));
  g_assert_error (error, REG_STORE_ERROR, REG_STORE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* A hash in capitals or too short. */
  g_assert_false (reg_store_add_packet (store, "10001100010000220261122040600", path,
                                        "ABCDEF", 36, "operator1", &error));
  g_assert_error (error, REG_STORE_ERROR, REG_STORE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* A size that is not the file's: a write that did not finish. */
  g_assert_false (reg_store_add_packet (store, "10001100010000220261122040600", path, hash, 37,
                                        "operator1", &error));
  g_assert_error (error, REG_STORE_ERROR, REG_STORE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* A file that does not exist. */
  outside = g_build_filename (directory, "nowhere", NULL);
  g_assert_false (reg_store_add_packet (store, "10001100010000220261122040600", outside, hash, 36,
                                        "operator1", &error));
  g_assert_error (error, REG_STORE_ERROR, REG_STORE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* The same RID twice. */
  g_assert_false (reg_store_add_packet (store, "10001100010000120261122040500", path, hash, 36,
                                        "operator1", &error));
  g_assert_error (error, REG_STORE_ERROR, REG_STORE_ERROR_EXISTS);
  g_clear_error (&error);

  /* Rejection needs a reason; unknown packets are unknown. */
  g_assert_false (reg_store_set_supervisor_decision (store, "10001100010000120261122040500", FALSE,
                                                     "supervisor1", NULL, &error));
  g_assert_error (error, REG_STORE_ERROR, REG_STORE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (reg_store_set_supervisor_decision (store, "10001100010000920261122040500", TRUE,
                                                     "supervisor1", NULL, &error));
  g_assert_error (error, REG_STORE_ERROR, REG_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Nothing changed. */
  g_assert_cmpuint (reg_store_count_packets (store, REG_PACKET_STATE_ANY, 0), ==, 1);
  g_assert_cmpuint (reg_store_count_packets (store, REG_PACKET_STATE_PENDING_APPROVAL, 0), ==, 1);

  g_clear_object (&store);
  gui_test_remove_tree (directory);
}

static void
test_store_preview (void)
{
  g_autofree char *directory = make_directory ();
  g_autofree char *other_directory = make_directory ();
  g_autoptr(GError) error = NULL;
  g_autoptr(RegStore) store = NULL;
  g_autoptr(RegStore) other = NULL;
  g_autoptr(GBytes) preview = NULL;
  g_autoptr(GBytes) opened = NULL;
  g_autofree char *path = NULL;
  g_autofree char *db_path = NULL;
  const char *json = "{\"fullName\":[{\"language\":\"eng\",\"value\":\"Amina Diallo\"}]}";

  store = reg_store_new (directory, &error);
  g_assert_no_error (error);
  path = add_packet (store, "10001100010000120261122040500", "operator1");
  preview = g_bytes_new_static (json, strlen (json));

  /* No packet, no preview. */
  g_assert_false (reg_store_add_preview (store, "10001100010000220261122040600", preview, &error));
  g_assert_error (error, REG_STORE_ERROR, REG_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (reg_store_add_preview (store, "10001100010000120261122040500", preview, &error));
  g_assert_no_error (error);
  opened = reg_store_load_preview (store, "10001100010000120261122040500", &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (opened, preview));

  /* Sealed at rest: the name is not in the database file. */
  g_clear_object (&store);
  {
    g_autofree char *contents = NULL;
    gsize length;

    db_path = g_build_filename (directory, "registration.db", NULL);
    g_file_get_contents (db_path, &contents, &length, &error);
    g_assert_no_error (error);
    g_assert_null (g_strstr_len (contents, length, "Amina"));
  }

  /* Another workstation's key does not open it: copy the database over. */
  other = reg_store_new (other_directory, &error);
  g_assert_no_error (error);
  g_clear_object (&other);
  {
    g_autofree char *contents = NULL;
    g_autofree char *other_db = g_build_filename (other_directory, "registration.db", NULL);
    g_autofree char *other_wal = g_build_filename (other_directory, "registration.db-wal", NULL);
    gsize length;

    g_file_get_contents (db_path, &contents, &length, &error);
    g_assert_no_error (error);
    g_unlink (other_wal);
    g_file_set_contents (other_db, contents, (gssize) length, &error);
    g_assert_no_error (error);
  }
  other = reg_store_new (other_directory, &error);
  g_assert_no_error (error);
  g_clear_pointer (&opened, g_bytes_unref);
  opened = reg_store_load_preview (other, "10001100010000120261122040500", &error);
  g_assert_error (error, REG_STORE_ERROR, REG_STORE_ERROR_CORRUPT);
  g_assert_null (opened);
  g_clear_error (&error);

  g_clear_object (&other);
  gui_test_remove_tree (directory);
  gui_test_remove_tree (other_directory);
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;
  return g_strstr_len (contents, length, needle) != NULL;
}

static void
exec_sql (const char *db_path,
          const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static void
test_store_uin (void)
{
  const char *rid = "10001100010000120261122040500";
  const char *uin = "4827305916";
  g_autofree char *directory = make_directory ();
  g_autofree char *db_path = g_build_filename (directory, "registration.db", NULL);
  g_autofree char *wal_path = g_build_filename (directory, "registration.db-wal", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(RegStore) store = NULL;
  g_autoptr(RegPacket) packet = NULL;
  g_autoptr(GBytes) preview = g_bytes_new_static ("{}", 2);
  g_autofree char *path = NULL;
  g_autofree char *loaded = NULL;
  const char *bad_uins[] = { "", "48273O5916", "4827 305916", "-4827305916",
                             "12345678901234567890123456789012345678901234567890123456789012345" };

  store = reg_store_new (directory, &error);
  g_assert_no_error (error);
  path = add_packet (store, rid, "operator1");
  g_free (add_packet (store, "10001100010000220261122040600", "operator1"));
  g_free (add_packet (store, "10001100010000320261122040700", "operator1"));
  g_assert_true (reg_store_add_preview (store, rid, preview, &error));
  g_assert_no_error (error);

  /* No UIN until the server tells one. */
  packet = reg_store_get_packet (store, rid, &error);
  g_assert_no_error (error);
  g_assert_false (packet->has_uin);
  g_assert_null (reg_store_load_uin (store, rid, &error));
  g_assert_error (error, REG_STORE_ERROR, REG_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (reg_store_set_server_status (store, rid, "UIN_GENERATED", NULL, uin, &error));
  g_assert_no_error (error);
  g_clear_pointer (&packet, reg_packet_free);
  packet = reg_store_get_packet (store, rid, &error);
  g_assert_true (packet->has_uin);
  g_assert_cmpstr (packet->server_status, ==, "UIN_GENERATED");
  loaded = reg_store_load_uin (store, rid, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (loaded, ==, uin);
  g_clear_pointer (&loaded, g_free);

  /* What is not a UIN is refused and changes nothing. */
  for (guint i = 0; i < G_N_ELEMENTS (bad_uins); i++)
    {
      g_assert_false (reg_store_set_server_status (store, rid, "PROCESSED", "X", bad_uins[i], &error));
      g_assert_error (error, REG_STORE_ERROR, REG_STORE_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
    }
  g_assert_false (reg_store_set_server_status (store, "10001100010000920261122040900", "PROCESSED", NULL, uin,
                                               &error));
  g_assert_error (error, REG_STORE_ERROR, REG_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (reg_store_load_uin (store, "../registration", &error));
  g_assert_error (error, REG_STORE_ERROR, REG_STORE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* A later status without a UIN keeps the one issued. */
  g_assert_true (reg_store_set_server_status (store, rid, "UIN_GENERATED", NULL, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&packet, reg_packet_free);
  packet = reg_store_get_packet (store, rid, &error);
  g_assert_cmpstr (packet->server_status, ==, "UIN_GENERATED");
  g_assert_null (packet->server_reason);
  loaded = reg_store_load_uin (store, rid, &error);
  g_assert_cmpstr (loaded, ==, uin);
  g_clear_pointer (&loaded, g_free);

  /* Newest first, with the UIN flag. */
  {
    g_autoptr(GPtrArray) recent = reg_store_list_recent_packets (store, 2, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (recent->len, ==, 2);
    g_assert_cmpstr (((RegPacket *) g_ptr_array_index (recent, 0))->rid, ==, "10001100010000320261122040700");
    g_assert_cmpstr (((RegPacket *) g_ptr_array_index (recent, 1))->rid, ==, "10001100010000220261122040600");
    g_assert_false (((RegPacket *) g_ptr_array_index (recent, 0))->has_uin);
    g_clear_pointer (&recent, g_ptr_array_unref);
    recent = reg_store_list_recent_packets (store, 10, &error);
    g_assert_cmpuint (recent->len, ==, 3);
    g_assert_cmpstr (((RegPacket *) g_ptr_array_index (recent, 2))->rid, ==, rid);
    g_assert_true (((RegPacket *) g_ptr_array_index (recent, 2))->has_uin);
  }

  /* Sealed at rest, and it survives closing and opening the store. */
  g_clear_object (&store);
  g_assert_false (file_contains (db_path, uin));
  g_assert_false (file_contains (wal_path, uin));
  store = reg_store_new (directory, &error);
  g_assert_no_error (error);
  loaded = reg_store_load_uin (store, rid, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (loaded, ==, uin);
  g_clear_pointer (&loaded, g_free);
  g_clear_object (&store);

  /* Bound to its packet and to being a UIN: the packet's sealed preview
   * put in its place does not open as one. */
  exec_sql (db_path, "UPDATE packet SET sealed_uin = (SELECT sealed FROM preview WHERE rid = packet.rid)"
            " WHERE rid = '10001100010000120261122040500'");
  store = reg_store_new (directory, &error);
  g_assert_no_error (error);
  g_assert_null (reg_store_load_uin (store, rid, &error));
  g_assert_error (error, REG_STORE_ERROR, REG_STORE_ERROR_CORRUPT);
  g_clear_error (&error);

  g_clear_object (&store);
  gui_test_remove_tree (directory);
}

/* The packet table as the first release of the store made it, before it
 * kept UINs, with no user_version. */
static const char old_schema[] =
  "PRAGMA journal_mode = WAL;"
  "CREATE TABLE packet ("
  "  rid TEXT PRIMARY KEY NOT NULL, path TEXT NOT NULL, packet_hash TEXT NOT NULL, size INTEGER NOT NULL,"
  "  operator_id TEXT NOT NULL, created INTEGER NOT NULL, state INTEGER NOT NULL CHECK (state BETWEEN 1 AND 4),"
  "  supervisor_id TEXT, supervisor_reason TEXT, decided INTEGER NOT NULL DEFAULT 0,"
  "  declared INTEGER NOT NULL DEFAULT 0, uploaded INTEGER NOT NULL DEFAULT 0,"
  "  server_status TEXT, server_reason TEXT"
  ") STRICT;"
  "CREATE INDEX packet_by_state ON packet (state, created);"
  "INSERT INTO packet (rid, path, packet_hash, size, operator_id, created, state, server_status)"
  "  VALUES ('10001100010000120261122040500', 'p', '" HASH_ZERO "', 10, 'operator1', 1790000000, 4, 'PROCESSING');";

static void
test_store_upgrade (void)
{
  g_autofree char *directory = make_directory ();
  g_autofree char *db_path = g_build_filename (directory, "registration.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(RegStore) store = NULL;
  g_autoptr(RegPacket) packet = NULL;
  g_autofree char *loaded = NULL;

  exec_sql (db_path, old_schema);

  store = reg_store_new (directory, &error);
  g_assert_no_error (error);
  packet = reg_store_get_packet (store, "10001100010000120261122040500", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (packet->server_status, ==, "PROCESSING");
  g_assert_cmpint (packet->created, ==, 1790000000);
  g_assert_false (packet->has_uin);
  g_assert_true (reg_store_set_server_status (store, packet->rid, "UIN_GENERATED", NULL, "4827305916", &error));
  g_assert_no_error (error);

  /* Opened again, the upgraded store is left as it is. */
  g_clear_object (&store);
  store = reg_store_new (directory, &error);
  g_assert_no_error (error);
  loaded = reg_store_load_uin (store, packet->rid, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (loaded, ==, "4827305916");
  g_clear_object (&store);

  /* A store from a newer build is not touched. */
  exec_sql (db_path, "PRAGMA user_version = 99");
  g_assert_null (reg_store_new (directory, &error));
  g_assert_error (error, REG_STORE_ERROR, REG_STORE_ERROR_DATABASE);
  g_clear_error (&error);

  gui_test_remove_tree (directory);
}

static void
test_store_recovery (void)
{
  g_autofree char *directory = make_directory ();
  g_autoptr(GError) error = NULL;
  g_autoptr(RegStore) store = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *truncated = NULL;
  g_autofree char *altered = NULL;
  g_autofree char *good = NULL;
  g_autofree char *uploaded = NULL;
  g_autofree char *temporary = NULL;
  guint removed = 0;

  store = reg_store_new (directory, &error);
  g_assert_no_error (error);
  missing = add_packet (store, "10001100010000120261122040500", "operator1");
  truncated = add_packet (store, "10001100010000220261122040600", "operator1");
  altered = add_packet (store, "10001100010000320261122040700", "operator1");
  good = add_packet (store, "10001100010000420261122040800", "operator1");
  uploaded = add_packet (store, "10001100010000520261122040900", "operator1");

  /* An uploaded packet's file may be cleaned away: not a problem. */
  g_assert_true (reg_store_set_supervisor_decision (store, "10001100010000520261122040900", TRUE,
                                                    "supervisor1", NULL, &error));
  g_assert_true (reg_store_mark_uploaded (store, "10001100010000520261122040900", "RECEIVED", &error));
  g_assert_no_error (error);
  g_unlink (uploaded);

  /* What a crash could leave: a file gone, one cut short, one altered,
   * and a temporary file of a packet being written. */
  g_unlink (missing);
  g_file_set_contents (truncated, "packet", -1, &error);
  g_file_set_contents (altered, "packet 10001100010000320261122040799", -1, &error);
  temporary = g_build_filename (reg_store_get_packet_dir (store), ".tmp-ABC123", NULL);
  g_file_set_contents (temporary, "half a packet", -1, &error);
  g_assert_no_error (error);

  /* The workstation starts again. */
  g_clear_object (&store);
  store = reg_store_new (directory, &error);
  g_assert_no_error (error);
  problems = reg_store_check_packets (store, &removed, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (removed, ==, 1);
  g_assert_false (g_file_test (temporary, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (problems->len, ==, 3);
  g_assert_cmpstr (((RegPacket *) g_ptr_array_index (problems, 0))->rid, ==, "10001100010000120261122040500");
  g_assert_cmpint (((RegPacket *) g_ptr_array_index (problems, 0))->problem, ==, REG_PACKET_PROBLEM_MISSING);
  g_assert_cmpint (((RegPacket *) g_ptr_array_index (problems, 1))->problem, ==, REG_PACKET_PROBLEM_SIZE);
  g_assert_cmpint (((RegPacket *) g_ptr_array_index (problems, 2))->problem, ==, REG_PACKET_PROBLEM_HASH);

  g_clear_object (&store);
  gui_test_remove_tree (directory);
}

static void
test_store_login_failures (void)
{
  g_autofree char *directory = make_directory ();
  g_autoptr(GError) error = NULL;
  g_autoptr(RegStore) store = NULL;
  gint64 last = 0;

  store = reg_store_new (directory, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (reg_store_get_login_failures (store, "operator1", &last), ==, 0);
  g_assert_cmpint (last, ==, 0);
  for (guint i = 1; i <= 3; i++)
    g_assert_cmpuint (reg_store_add_login_failure (store, "operator1", &error), ==, i);
  g_assert_cmpuint (reg_store_add_login_failure (store, "operator2", &error), ==, 1);

  /* A restart does not forget them. */
  g_clear_object (&store);
  store = reg_store_new (directory, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (reg_store_get_login_failures (store, "operator1", &last), ==, 3);
  g_assert_cmpint (last, >, 0);

  reg_store_clear_login_failures (store, "operator1");
  g_assert_cmpuint (reg_store_get_login_failures (store, "operator1", NULL), ==, 0);
  g_assert_cmpuint (reg_store_get_login_failures (store, "operator2", NULL), ==, 1);

  g_clear_object (&store);
  gui_test_remove_tree (directory);
}

static void
generated_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GError **error = user_data;

  reg_machine_generate_key_finish (REG_MACHINE (object), result, error);
  g_main_context_wakeup (NULL);
  *(gboolean *) g_object_get_data (object, "done") = TRUE;
}

static void
test_machine_key (void)
{
  g_autofree char *directory = make_directory ();
  g_autoptr(GError) error = NULL;
  g_autoptr(RegStore) store = NULL;
  g_autoptr(RegMachine) machine = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *public_pem = NULL;
  g_autofree char *key_file = NULL;
  g_autofree char *key_text = NULL;
  g_autoptr(GBytes) signature = NULL;
  gboolean done = FALSE;
  EVP_PKEY *key;

  store = reg_store_new (directory, &error);
  g_assert_no_error (error);
  machine = reg_machine_new (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (reg_machine_has_key (machine));
  g_assert_null (reg_machine_get_signing_key (machine));
  g_assert_null (reg_machine_get_key_fingerprint (machine));

  g_object_set_data (G_OBJECT (machine), "done", &done);
  reg_machine_generate_key_async (machine, NULL, generated_cb, &error);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (error);

  key = reg_machine_get_signing_key (machine);
  g_assert_nonnull (key);
  g_assert_true (idem_crypto_key_has_private (key));
  fingerprint = g_strdup (reg_machine_get_key_fingerprint (machine));
  g_assert_cmpuint (strlen (fingerprint), ==, 64);
  public_pem = reg_machine_get_public_key_pem (machine);
  g_assert_true (g_str_has_prefix (public_pem, "-----BEGIN PUBLIC KEY-----"));

  /* It signs, and its public half verifies. */
  signature = idem_crypto_sign (key, IDEM_SIGNATURE_ED25519, (const guint8 *) "hello", 5, &error);
  g_assert_no_error (error);
  g_assert_true (idem_crypto_verify (key, IDEM_SIGNATURE_ED25519, (const guint8 *) "hello", 5,
                                     g_bytes_get_data (signature, NULL), g_bytes_get_size (signature), &error));
  g_assert_no_error (error);

  /* The private key is encrypted on disk. */
  key_file = g_build_filename (directory, "keys", "machine-signing.key.pem", NULL);
  g_assert_nonnull (key_file);
  g_file_get_contents (key_file, &key_text, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (key_text, "BEGIN ENCRYPTED PRIVATE KEY"));

  /* A restart finds the same key. */
  g_clear_object (&machine);
  machine = reg_machine_new (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (reg_machine_has_key (machine));
  g_assert_cmpstr (reg_machine_get_key_fingerprint (machine), ==, fingerprint);

  /* A second key is refused and the first is kept. */
  done = FALSE;
  g_object_set_data (G_OBJECT (machine), "done", &done);
  reg_machine_generate_key_async (machine, NULL, generated_cb, &error);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_cmpstr (reg_machine_get_key_fingerprint (machine), ==, fingerprint);

  g_clear_object (&machine);
  g_clear_object (&store);
  gui_test_remove_tree (directory);
}

static void
test_machine_identity_and_sync (void)
{
  g_autofree char *directory = make_directory ();
  g_autoptr(GError) error = NULL;
  g_autoptr(RegStore) store = NULL;
  g_autoptr(RegMachine) machine = NULL;
  g_autoptr(JsonArray) genders = NULL;
  g_autoptr(JsonArray) nothing = NULL;
  g_autoptr(JsonObject) user = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) last = NULL;
  const char *users = "[{\"userId\": \"operator1\", \"name\": \"Operator One\", \"roles\": [\"OPERATOR\"]},"
                      " {\"userId\": \"supervisor1\", \"roles\": [\"SUPERVISOR\"]}]";
  const char *master_data = "{\"gender\": [{\"code\": \"FLE\", \"names\": {\"eng\": \"Female\"}},"
                            " {\"code\": \"MLE\", \"names\": {\"eng\": \"Male\"}}]}";

  store = reg_store_new (directory, &error);
  g_assert_no_error (error);
  machine = reg_machine_new (store, NULL, &error);
  g_assert_no_error (error);

  /* Before any sync: the built-in form, no users, no master data. */
  g_assert_nonnull (reg_machine_get_id_schema (machine));
  g_assert_nonnull (idem_id_schema_lookup_field (reg_machine_get_id_schema (machine), "fullName"));
  g_assert_nonnull (reg_machine_get_ui_spec (machine));
  g_assert_cmpuint (idem_ui_spec_get_n_screens (reg_machine_get_ui_spec (machine)), >, 0);
  nothing = reg_machine_get_master_data (machine, "gender");
  g_assert_cmpuint (json_array_get_length (nothing), ==, 0);
  g_assert_null (reg_machine_find_user (machine, "operator1"));
  g_assert_false (reg_machine_is_synced (machine));
  g_assert_null (reg_machine_get_certificate_pem (machine));

  /* Machine IDs are 5 digits. */
  g_assert_null (reg_machine_get_machine_id (machine));
  g_assert_false (reg_machine_set_machine_id (machine, "1234", &error));
  g_assert_error (error, REG_MACHINE_ERROR, REG_MACHINE_ERROR_BAD_MACHINE_ID);
  g_clear_error (&error);
  g_assert_false (reg_machine_set_machine_id (machine, "1234x", &error));
  g_assert_error (error, REG_MACHINE_ERROR, REG_MACHINE_ERROR_BAD_MACHINE_ID);
  g_clear_error (&error);
  g_assert_null (reg_machine_get_machine_id (machine));
  g_assert_true (reg_machine_set_machine_id (machine, "10001", &error));
  g_assert_no_error (error);
  g_assert_true (reg_machine_set_centre_id (machine, "10002", &error));
  g_assert_no_error (error);

  /* Synced documents; a bad one is refused and changes nothing. */
  g_assert_true (reg_machine_apply_sync_document (machine, REG_SYNC_USERS, users, &error));
  g_assert_no_error (error);
  g_assert_true (reg_machine_apply_sync_document (machine, REG_SYNC_MASTER_DATA, master_data, &error));
  g_assert_no_error (error);
  g_assert_false (reg_machine_apply_sync_document (machine, REG_SYNC_USERS, "{\"not\": \"a list\"}", &error));
  g_assert_error (error, REG_MACHINE_ERROR, REG_MACHINE_ERROR_BAD_SYNC_DATA);
  g_clear_error (&error);
  g_assert_false (reg_machine_apply_sync_document (machine, REG_SYNC_ID_SCHEMA, "{oops", &error));
  g_assert_error (error, REG_MACHINE_ERROR, REG_MACHINE_ERROR_BAD_SYNC_DATA);
  g_clear_error (&error);
  g_assert_false (reg_machine_apply_sync_document (machine, REG_SYNC_CERTIFICATE, "-----BEGIN CERTIFICATE-----\nAAAA\n", &error));
  g_assert_error (error, REG_MACHINE_ERROR, REG_MACHINE_ERROR_BAD_SYNC_DATA);
  g_clear_error (&error);
  g_assert_nonnull (idem_id_schema_lookup_field (reg_machine_get_id_schema (machine), "fullName"));
  g_assert_true (reg_machine_set_last_sync (machine, now, &error));
  g_assert_no_error (error);

  /* A restart, offline: everything is there. */
  g_clear_object (&machine);
  machine = reg_machine_new (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (reg_machine_get_machine_id (machine), ==, "10001");
  g_assert_cmpstr (reg_machine_get_centre_id (machine), ==, "10002");
  g_assert_true (reg_machine_is_synced (machine));
  last = reg_machine_get_last_sync (machine);
  g_assert_cmpint (g_date_time_to_unix (last), ==, g_date_time_to_unix (now));

  genders = reg_machine_get_master_data (machine, "gender");
  g_assert_cmpuint (json_array_get_length (genders), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (genders, 1), "code"), ==, "MLE");
  user = reg_machine_find_user (machine, "supervisor1");
  g_assert_nonnull (user);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (user, "roles"), 0), ==, "SUPERVISOR");
  g_assert_null (reg_machine_find_user (machine, "nobody"));

  g_clear_object (&machine);
  g_clear_object (&store);
  gui_test_remove_tree (directory);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/registration/store/lifecycle", test_store_lifecycle);
  g_test_add_func ("/registration/store/refuses-bad-input", test_store_refuses_bad_input);
  g_test_add_func ("/registration/store/preview", test_store_preview);
  g_test_add_func ("/registration/store/uin", test_store_uin);
  g_test_add_func ("/registration/store/upgrade", test_store_upgrade);
  g_test_add_func ("/registration/store/recovery", test_store_recovery);
  g_test_add_func ("/registration/store/login-failures", test_store_login_failures);
  g_test_add_func ("/registration/machine/key", test_machine_key);
  g_test_add_func ("/registration/machine/identity-and-sync", test_machine_identity_and_sync);

  return g_test_run ();
}
