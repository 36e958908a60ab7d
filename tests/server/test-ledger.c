/* test-ledger.c — the ledger in SQLite: appends, restarts, checkpoints, tampering, API
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include "server-test-util.h"

#include "srv-database.h"
#include "srv-error.h"
#include "srv-ledger.h"
#include "srv-ledger-api.h"
#include "srv-server.h"

#include "idem.h"

#include "idem-openssl-types.h"

#include <openssl/evp.h>
#include <string.h>

typedef struct
{
  char        *tmp_dir;
  char        *path;
  SrvDatabase *database;
  EVP_PKEY    *key;
  EVP_PKEY    *public_key;
  SrvLedger   *ledger;
  gint64       now;
} Fixture;

static gint64
fake_clock (gpointer user_data)
{
  Fixture *fixture = user_data;

  return fixture->now;
}

static void
open_ledger (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->ledger = srv_ledger_new (fixture->database, fixture->key, &error);
  g_assert_no_error (error);
  srv_ledger_set_clock (fixture->ledger, fake_clock, fixture);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  guint8 public[32];

  fixture->tmp_dir = srv_test_make_tmp_dir ();
  fixture->path = g_build_filename (fixture->tmp_dir, "idem.db", NULL);
  fixture->database = srv_database_open (fixture->path, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (srv_database_migrate (fixture->database, &error));
  g_assert_true (srv_database_exec (fixture->database,
                                    "CREATE TABLE test_record (id INTEGER PRIMARY KEY, sealed BLOB NOT NULL)",
                                    &error));
  g_assert_no_error (error);

  fixture->key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_ED25519, 0, &error);
  g_assert_no_error (error);
  g_assert_true (idem_crypto_ed25519_get_public (fixture->key, public, &error));
  fixture->public_key = idem_crypto_ed25519_new_public (public, &error);
  g_assert_no_error (error);

  fixture->now = G_GINT64_CONSTANT (1767225600000000);
  open_ledger (fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_object (&fixture->ledger);
  if (fixture->database != NULL)
    g_assert_true (srv_database_close (fixture->database, NULL));
  g_clear_object (&fixture->database);
  g_clear_pointer (&fixture->key, EVP_PKEY_free);
  g_clear_pointer (&fixture->public_key, EVP_PKEY_free);
  srv_test_remove_tree (fixture->tmp_dir);
  g_free (fixture->tmp_dir);
  g_free (fixture->path);
}

/* Writes a record and its leaf in one transaction, like an identity write. */
static guint64
write_record (Fixture *fixture,
              guint    n)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sealed = g_strdup_printf ("sealed-record-%u", n);
  sqlite3 *db = srv_database_get_handle (fixture->database);
  sqlite3_stmt *statement = NULL;
  guint64 index = G_MAXUINT64;

  fixture->now += 1000;
  g_assert_true (srv_database_exec (fixture->database, "BEGIN IMMEDIATE", &error));
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO test_record (sealed) VALUES (?)", -1, &statement, NULL), ==, SQLITE_OK);
  sqlite3_bind_blob (statement, 1, sealed, strlen (sealed), SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_DONE);
  sqlite3_finalize (statement);
  g_assert_true (srv_ledger_append (fixture->ledger, "identity.create", "test_record",
                                    sqlite3_last_insert_rowid (db),
                                    (const guint8 *) sealed, strlen (sealed), &index, &error));
  g_assert_no_error (error);
  g_assert_true (srv_database_exec (fixture->database, "COMMIT", &error));

  return index;
}

/* The same leaves computed independently, from the formats alone. */
static void
expected_root (guint    n,
               gint64   first_time,
               guint8  *root)
{
  g_autoptr(IdemMerkleTree) tree = idem_merkle_tree_new ();

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *sealed = g_strdup_printf ("sealed-record-%u", i);
      guint8 record_hash[32];
      guint8 leaf[32];

      idem_sha256 ((const guint8 *) sealed, strlen (sealed), record_hash);
      g_assert_true (idem_ledger_leaf_hash (first_time + 1000 * (i + 1), "identity.create", "test_record",
                                            i + 1, record_hash, leaf));
      idem_merkle_tree_append (tree, leaf);
    }

  idem_merkle_tree_get_root (tree, root);
}

static void
test_append_and_restart (Fixture       *fixture,
                         gconstpointer  user_data)
{
  gint64 start = fixture->now;
  guint8 root[32];
  guint8 expected[32];

  for (guint i = 0; i < 37; i++)
    g_assert_cmpuint (write_record (fixture, i), ==, i);

  g_assert_cmpuint (srv_ledger_get_size (fixture->ledger), ==, 37);
  srv_ledger_get_root (fixture->ledger, root);
  expected_root (37, start, expected);
  g_assert_cmpmem (root, 32, expected, 32);

  /* A restart reads the frontier back and carries on where it stopped. */
  g_clear_object (&fixture->ledger);
  open_ledger (fixture);
  g_assert_cmpuint (srv_ledger_get_size (fixture->ledger), ==, 37);
  srv_ledger_get_root (fixture->ledger, root);
  g_assert_cmpmem (root, 32, expected, 32);

  for (guint i = 37; i < 64; i++)
    g_assert_cmpuint (write_record (fixture, i), ==, i);
  srv_ledger_get_root (fixture->ledger, root);
  expected_root (64, start, expected);
  g_assert_cmpmem (root, 32, expected, 32);
}

static void
test_rollback (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  gint64 start = fixture->now;
  guint64 index = 0;
  guint8 root[32];
  guint8 expected[32];

  for (guint i = 0; i < 3; i++)
    write_record (fixture, i);

  /* A leaf appended in a transaction that rolls back is forgotten. */
  g_assert_true (srv_database_exec (fixture->database, "BEGIN", &error));
  g_assert_true (srv_ledger_append (fixture->ledger, "identity.update", "test_record", 99,
                                    (const guint8 *) "x", 1, &index, &error));
  g_assert_cmpuint (index, ==, 3);
  g_assert_true (srv_database_exec (fixture->database, "ROLLBACK", &error));
  g_assert_cmpuint (srv_ledger_get_size (fixture->ledger), ==, 3);

  fixture->now = start + 3000;
  g_assert_cmpuint (write_record (fixture, 3), ==, 3);
  srv_ledger_get_root (fixture->ledger, root);
  expected_root (4, start, expected);
  g_assert_cmpmem (root, 32, expected, 32);

  /* Bad names are refused and write nothing. */
  g_assert_false (srv_ledger_append (fixture->ledger, "", "test_record", 1, (const guint8 *) "x", 1, NULL, &error));
  g_assert_error (error, SRV_ERROR, SRV_ERROR_INVALID_ARGUMENT);
  g_assert_cmpuint (srv_ledger_get_size (fixture->ledger), ==, 4);
}

static void
test_checkpoint_signature (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(IdemLedgerCheckpoint) checkpoint = NULL;
  g_autoptr(IdemLedgerCheckpoint) again = NULL;
  g_autoptr(IdemLedgerCheckpoint) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  guint8 root[32];

  for (guint i = 0; i < 5; i++)
    write_record (fixture, i);

  fixture->now = G_GINT64_CONSTANT (1767225700000000);
  checkpoint = srv_ledger_sign_checkpoint (fixture->ledger, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (checkpoint->tree_size, ==, 5);
  g_assert_cmpint (checkpoint->time, ==, fixture->now);
  srv_ledger_get_root (fixture->ledger, root);
  g_assert_cmpmem (checkpoint->root, 32, root, 32);

  /* It verifies with the public key alone, and not once changed. */
  g_assert_true (idem_ledger_checkpoint_verify (checkpoint, fixture->public_key, &error));
  g_assert_no_error (error);
  checkpoint->root[7] ^= 1;
  g_assert_false (idem_ledger_checkpoint_verify (checkpoint, fixture->public_key, &error));
  g_assert_error (error, IDEM_LEDGER_ERROR, IDEM_LEDGER_ERROR_BAD_CHECKPOINT);
  g_clear_error (&error);
  checkpoint->root[7] ^= 1;
  checkpoint->time++;
  g_assert_false (idem_ledger_checkpoint_verify (checkpoint, fixture->public_key, NULL));
  checkpoint->time--;

  /* Its JSON form round-trips. */
  json = idem_ledger_checkpoint_to_json (checkpoint);
  parsed = idem_ledger_checkpoint_from_json (json, &error);
  g_assert_no_error (error);
  g_assert_true (idem_ledger_checkpoint_verify (parsed, fixture->public_key, &error));
  g_assert_null (idem_ledger_checkpoint_from_json ("{\"tree_size\": \"5\"}", &error));
  g_assert_error (error, IDEM_LEDGER_ERROR, IDEM_LEDGER_ERROR_BAD_CHECKPOINT);
  g_clear_error (&error);

  /* Nothing new: no new signature, the latest comes back. */
  fixture->now += 5000000;
  again = srv_ledger_sign_checkpoint (fixture->ledger, &error);
  g_assert_cmpint (again->time, ==, checkpoint->time);
}

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static guint64
latest_checkpoint_size (Fixture *fixture)
{
  g_autoptr(IdemLedgerCheckpoint) checkpoint = srv_ledger_get_latest_checkpoint (fixture->ledger, NULL);

  return checkpoint != NULL ? checkpoint->tree_size : 0;
}

static void
test_checkpoint_cadence (Fixture       *fixture,
                         gconstpointer  user_data)
{
  gboolean timed_out = FALSE;
  guint timeout;

  srv_ledger_start_checkpoints (fixture->ledger, 50);

  /* Each burst of appends gets its checkpoint from the timer alone. */
  for (guint round = 1; round <= 3; round++)
    {
      for (guint i = 0; i < 10; i++)
        write_record (fixture, (round - 1) * 10 + i);

      timeout = g_timeout_add (2000, timeout_cb, &timed_out);
      while (!timed_out && latest_checkpoint_size (fixture) != round * 10)
        g_main_context_iteration (NULL, TRUE);
      g_assert_false (timed_out);
      g_source_remove (timeout);
    }

  srv_ledger_stop_checkpoints (fixture->ledger);
}

static void
tamper (Fixture    *fixture,
        const char *sql)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (srv_database_exec (fixture->database, sql, &error));
  g_assert_no_error (error);
}

static char *
verify_problems (Fixture *fixture)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (srv_ledger_verify (fixture->ledger, &problems, &error));
  g_assert_no_error (error);
  g_ptr_array_add (problems, NULL);
  return g_strjoinv ("\n", (char **) problems->pdata);
}

static void
write_signed_ledger (Fixture *fixture,
                     guint    n)
{
  g_autoptr(IdemLedgerCheckpoint) checkpoint = NULL;
  g_autofree char *clean = NULL;

  for (guint i = 0; i < n; i++)
    {
      write_record (fixture, i);
      if (i % 4 == 3)
        {
          g_clear_pointer (&checkpoint, idem_ledger_checkpoint_free);
          checkpoint = srv_ledger_sign_checkpoint (fixture->ledger, NULL);
        }
    }
  g_clear_pointer (&checkpoint, idem_ledger_checkpoint_free);
  checkpoint = srv_ledger_sign_checkpoint (fixture->ledger, NULL);
  g_assert_nonnull (checkpoint);

  clean = verify_problems (fixture);
  g_assert_cmpstr (clean, ==, "");
}

static void
test_detects_altered_record (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autofree char *problems = NULL;

  write_signed_ledger (fixture, 10);
  tamper (fixture, "UPDATE test_record SET sealed = X'00112233' WHERE id = 6");
  problems = verify_problems (fixture);
  g_assert_nonnull (strstr (problems, "Leaf 5: record test_record #6 was altered"));
}

static void
test_detects_altered_leaf (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autofree char *problems = NULL;
  g_autofree char *consistent = NULL;

  write_signed_ledger (fixture, 10);

  /* Changing a field shows against the leaf's own hash… */
  tamper (fixture, "UPDATE ledger_leaf SET event = 'identity.delete' WHERE leaf_index = 2");
  problems = verify_problems (fixture);
  g_assert_nonnull (strstr (problems, "Leaf 2 (record test_record #3, identity.delete) was altered"));

  /* …and rewriting the hash too shows against the signed checkpoints. */
  tamper (fixture, "UPDATE ledger_leaf SET leaf_hash = zeroblob(32) WHERE leaf_index = 2");
  consistent = verify_problems (fixture);
  g_assert_nonnull (strstr (consistent, "does not match the ledger"));
  g_assert_nonnull (strstr (consistent, "Leaves 2 and 3 differ"));
}

static void
test_detects_removed (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autofree char *problems = NULL;
  g_autofree char *record_gone = NULL;

  write_signed_ledger (fixture, 10);
  tamper (fixture, "DELETE FROM test_record WHERE id = 10");
  record_gone = verify_problems (fixture);
  g_assert_nonnull (strstr (record_gone, "Leaf 9: record test_record #10 was removed"));

  tamper (fixture, "DELETE FROM ledger_leaf WHERE leaf_index = 4");
  problems = verify_problems (fixture);
  g_assert_nonnull (strstr (problems, "Leaves 4 to 4 were removed"));
  g_assert_nonnull (strstr (problems, "does not match the ledger"));
}

static void
test_detects_reordered (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autofree char *problems = NULL;

  write_signed_ledger (fixture, 10);

  /* Swap leaves 6 and 7 whole, each intact on its own. */
  tamper (fixture,
          "UPDATE ledger_leaf SET leaf_index = -1 WHERE leaf_index = 6;"
          "UPDATE ledger_leaf SET leaf_index = 6 WHERE leaf_index = 7;"
          "UPDATE ledger_leaf SET leaf_index = 7 WHERE leaf_index = -1;");
  problems = verify_problems (fixture);
  g_assert_nonnull (strstr (problems, "Leaf 7 is older than the leaf before it"));
  g_assert_nonnull (strstr (problems, "Leaves 6 and 7 differ"));
  g_assert_nonnull (strstr (problems, "does not match the ledger"));
  g_assert_null (strstr (problems, "fields no longer give its hash"));
  g_assert_null (strstr (problems, "record test_record"));
}

/* Over real HTTPS, through the server. */
typedef struct
{
  char            *tmp_dir;
  char            *data_dir;
  SrvServer       *server;
  SoupSession     *session;
  GTlsCertificate *certificate;
  char            *url;
} ApiFixture;

static void
api_set_up (ApiFixture    *fixture,
            gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  SrvConfig *config;

  fixture->data_dir = srv_test_new_data_dir (&fixture->tmp_dir);
  fixture->session = srv_test_session_new ();
  fixture->certificate = srv_test_load_certificate (fixture->data_dir);

  config = srv_config_load (fixture->data_dir, &error);
  g_assert_no_error (error);
  g_assert_true (srv_config_set_port (config, 0, &error));
  fixture->server = srv_server_new (config);
  g_assert_true (srv_server_start (fixture->server, &error));
  g_assert_no_error (error);
  fixture->url = srv_server_get_url (fixture->server);
}

static void
api_tear_down (ApiFixture    *fixture,
               gconstpointer  user_data)
{
  g_assert_true (srv_server_stop (fixture->server, NULL));
  g_clear_object (&fixture->server);
  g_clear_object (&fixture->session);
  g_clear_object (&fixture->certificate);
  srv_test_remove_tree (fixture->tmp_dir);
  g_free (fixture->tmp_dir);
  g_free (fixture->data_dir);
  g_free (fixture->url);
}

static SrvTestResponse *
api_get (ApiFixture *fixture,
         const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strconcat (fixture->url, path + 1, NULL);
  SrvTestResponse *response;

  response = srv_test_request (fixture->session, fixture->certificate, "GET", url, &error);
  g_assert_no_error (error);
  return response;
}

static void
assert_api_error (ApiFixture *fixture,
                  const char *path,
                  guint       status,
                  const char *code)
{
  g_autoptr(SrvTestResponse) response = api_get (fixture, path);
  JsonArray *errors = json_object_get_array_member (srv_test_get_object (response->json, ""), "errors");

  g_assert_cmpuint (response->status, ==, status);
  g_assert_cmpuint (json_array_get_length (errors), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (errors, 0), "errorCode"), ==, code);
}

static guint8 *
decode_hash (JsonObject *object,
             const char *member)
{
  gsize length = 0;
  guint8 *hash = g_base64_decode (json_object_get_string_member (object, member), &length);

  g_assert_cmpuint (length, ==, 32);
  return hash;
}

static GBytes *
decode_hashes (JsonArray *array)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      gsize length = 0;
      g_autofree guchar *hash = g_base64_decode (json_array_get_string_element (array, i), &length);

      g_assert_cmpuint (length, ==, 32);
      g_byte_array_append (bytes, hash, 32);
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

static void
test_api (ApiFixture    *fixture,
          gconstpointer  user_data)
{
  SrvLedger *ledger = srv_server_get_ledger (fixture->server);
  g_autoptr(SrvTestResponse) checkpoint = NULL;
  g_autoptr(SrvTestResponse) inclusion = NULL;
  g_autoptr(SrvTestResponse) consistency = NULL;
  g_autoptr(SrvTestResponse) leaves = NULL;
  g_autoptr(IdemLedgerCheckpoint) parsed = NULL;
  g_autoptr(IdemLedgerCheckpoint) signed_checkpoint = NULL;
  g_autoptr(IdemKeystore) keystore = NULL;
  g_autoptr(EVP_PKEY) public_key = NULL;
  g_autoptr(GBytes) proof = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *keys_dir = g_build_filename (fixture->data_dir, "keys", NULL);
  g_autofree char *body = NULL;
  g_autofree guint8 *root = NULL;
  g_autofree guint8 *leaf = NULL;
  g_autofree guint8 *old_root = NULL;
  g_autofree guint8 *new_root = NULL;
  JsonObject *object;
  JsonArray *array;

  for (guint i = 0; i < 11; i++)
    g_assert_true (srv_ledger_append (ledger, "identity.create", "test_record", i + 1,
                                      (const guint8 *) &i, sizeof i, NULL, &error));

  /* The checkpoint is signed by the server's key. */
  signed_checkpoint = srv_ledger_sign_checkpoint (ledger, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (signed_checkpoint->tree_size, ==, 11);
  checkpoint = api_get (fixture, "/v1/ledger/checkpoint");
  g_assert_cmpuint (checkpoint->status, ==, 200);
  object = srv_test_get_object (checkpoint->json, "response");
  g_assert_cmpint (json_object_get_int_member (object, "tree_size"), ==, 11);
  g_assert_cmpstr (json_object_get_string_member (object, "algorithm"), ==, "Ed25519");
  body = g_strndup (g_bytes_get_data (checkpoint->body, NULL), g_bytes_get_size (checkpoint->body));
  parsed = idem_ledger_checkpoint_from_json (body, &error);
  g_assert_no_error (error);
  keystore = idem_keystore_new (keys_dir);
  public_key = idem_keystore_load_public (keystore, "server-signing", &error);
  g_assert_no_error (error);
  g_assert_true (idem_ledger_checkpoint_verify (parsed, public_key, &error));
  g_assert_no_error (error);

  /* An inclusion proof from the API verifies against the signed root. */
  inclusion = api_get (fixture, "/v1/ledger/proof/inclusion?index=6&size=11");
  g_assert_cmpuint (inclusion->status, ==, 200);
  object = srv_test_get_object (inclusion->json, "response");
  leaf = decode_hash (object, "leaf_hash");
  root = decode_hash (object, "root_hash");
  g_assert_cmpmem (root, 32, parsed->root, 32);
  proof = decode_hashes (json_object_get_array_member (object, "audit_path"));
  g_assert_true (idem_merkle_verify_inclusion (6, 11, leaf, g_bytes_get_data (proof, NULL),
                                               g_bytes_get_size (proof), parsed->root, &error));
  g_assert_no_error (error);
  g_clear_pointer (&proof, g_bytes_unref);

  consistency = api_get (fixture, "/v1/ledger/proof/consistency?from=3&to=11");
  g_assert_cmpuint (consistency->status, ==, 200);
  object = srv_test_get_object (consistency->json, "response");
  old_root = decode_hash (object, "from_root");
  new_root = decode_hash (object, "to_root");
  g_assert_cmpmem (new_root, 32, parsed->root, 32);
  proof = decode_hashes (json_object_get_array_member (object, "proof"));
  g_assert_true (idem_merkle_verify_consistency (3, 11, old_root, new_root, g_bytes_get_data (proof, NULL),
                                                 g_bytes_get_size (proof), &error));
  g_assert_no_error (error);

  leaves = api_get (fixture, "/v1/ledger/leaves?start=9&count=5");
  g_assert_cmpuint (leaves->status, ==, 200);
  array = json_object_get_array_member (srv_test_get_object (leaves->json, "response"), "leaves");
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  object = json_array_get_object_element (array, 0);
  g_assert_cmpint (json_object_get_int_member (object, "index"), ==, 9);
  g_assert_cmpstr (json_object_get_string_member (object, "event"), ==, "identity.create");

  /* Bad parameters: a stable code each. */
  assert_api_error (fixture, "/v1/ledger/proof/inclusion", 400, SRV_ERROR_CODE_LEDGER_MISSING_PARAMETER);
  assert_api_error (fixture, "/v1/ledger/proof/inclusion?index=abc", 400, SRV_ERROR_CODE_LEDGER_NOT_A_NUMBER);
  assert_api_error (fixture, "/v1/ledger/proof/inclusion?index=-1", 400, SRV_ERROR_CODE_LEDGER_NOT_A_NUMBER);
  assert_api_error (fixture, "/v1/ledger/proof/inclusion?index=3&size=1e3", 400, SRV_ERROR_CODE_LEDGER_NOT_A_NUMBER);
  assert_api_error (fixture, "/v1/ledger/proof/inclusion?index=11&size=11", 400, SRV_ERROR_CODE_LEDGER_OUT_OF_RANGE);
  assert_api_error (fixture, "/v1/ledger/proof/inclusion?index=1&size=12", 404, SRV_ERROR_CODE_LEDGER_BEYOND_TREE);
  assert_api_error (fixture, "/v1/ledger/proof/consistency?to=4", 400, SRV_ERROR_CODE_LEDGER_MISSING_PARAMETER);
  assert_api_error (fixture, "/v1/ledger/proof/consistency?from=0&to=4", 400, SRV_ERROR_CODE_LEDGER_OUT_OF_RANGE);
  assert_api_error (fixture, "/v1/ledger/proof/consistency?from=5&to=4", 400, SRV_ERROR_CODE_LEDGER_OUT_OF_RANGE);
  assert_api_error (fixture, "/v1/ledger/proof/consistency?from=5&to=99999999999", 404, SRV_ERROR_CODE_LEDGER_BEYOND_TREE);
  assert_api_error (fixture, "/v1/ledger/leaves?start=0&count=0", 400, SRV_ERROR_CODE_LEDGER_OUT_OF_RANGE);
  assert_api_error (fixture, "/v1/ledger/leaves?start=0&count=1001", 400, SRV_ERROR_CODE_LEDGER_OUT_OF_RANGE);
  assert_api_error (fixture, "/v1/ledger/leaves?start=11", 404, SRV_ERROR_CODE_LEDGER_BEYOND_TREE);
  assert_api_error (fixture, "/v1/ledger/leaves?start=x", 400, SRV_ERROR_CODE_LEDGER_NOT_A_NUMBER);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/ledger/append-and-restart", test_append_and_restart);
  ADD ("/ledger/rollback", test_rollback);
  ADD ("/ledger/checkpoint/signature", test_checkpoint_signature);
  ADD ("/ledger/checkpoint/cadence", test_checkpoint_cadence);
  ADD ("/ledger/tamper/record", test_detects_altered_record);
  ADD ("/ledger/tamper/leaf", test_detects_altered_leaf);
  ADD ("/ledger/tamper/removed", test_detects_removed);
  ADD ("/ledger/tamper/reordered", test_detects_reordered);
#undef ADD

  g_test_add ("/ledger/api", ApiFixture, NULL, api_set_up, test_api, api_tear_down);

  return g_test_run ();
}
