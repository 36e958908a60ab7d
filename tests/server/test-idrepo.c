/* test-idrepo.c — the ID repository: sealed at rest, lookups, VIDs, locks, ledger
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include "server-test-util.h"

#include "srv-data-keys.h"
#include "srv-database.h"
#include "srv-idrepo.h"
#include "srv-ledger.h"

#include "idem.h"

#include <openssl/evp.h>
#include <string.h>

/* Made once: RSA-3072 generation takes a while. */
static EVP_PKEY *encryption_key;
static EVP_PKEY *signing_key;

typedef struct
{
  char        *tmp_dir;
  char        *path;
  SrvDatabase *database;
  SrvLedger   *ledger;
  SrvDataKeys *keys;
  SrvIdrepo   *idrepo;
  gint64       now;
  char        *uin;
  char        *other_uin;
} Fixture;

static gint64
fake_clock (gpointer user_data)
{
  Fixture *fixture = user_data;

  return fixture->now;
}

static char *
new_uin (void)
{
  g_autoptr(GError) error = NULL;
  IdemUinPolicy policy;
  char *uin;

  idem_uin_policy_init_generation (&policy);
  uin = idem_uin_generate (&policy, &error);
  g_assert_no_error (error);
  return uin;
}

static void
open_repository (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->database = srv_database_open (fixture->path, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (srv_database_migrate (fixture->database, &error));
  fixture->ledger = srv_ledger_new (fixture->database, signing_key, &error);
  g_assert_no_error (error);
  srv_ledger_set_clock (fixture->ledger, fake_clock, fixture);
  fixture->keys = srv_data_keys_load (fixture->database, encryption_key, &error);
  g_assert_no_error (error);
  fixture->idrepo = srv_idrepo_new (fixture->database, fixture->ledger, fixture->keys);
}

static void
close_repository (Fixture *fixture)
{
  g_clear_object (&fixture->idrepo);
  g_clear_pointer (&fixture->keys, srv_data_keys_free);
  g_clear_object (&fixture->ledger);
  if (fixture->database != NULL)
    g_assert_true (srv_database_close (fixture->database, NULL));
  g_clear_object (&fixture->database);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->tmp_dir = srv_test_make_tmp_dir ();
  fixture->path = g_build_filename (fixture->tmp_dir, "idem.db", NULL);
  fixture->now = G_GINT64_CONSTANT (1767225600000000);
  fixture->uin = new_uin ();
  do
    {
      g_free (fixture->other_uin);
      fixture->other_uin = new_uin ();
    }
  while (g_str_equal (fixture->uin, fixture->other_uin));
  open_repository (fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  close_repository (fixture);
  srv_test_remove_tree (fixture->tmp_dir);
  g_free (fixture->tmp_dir);
  g_free (fixture->path);
  g_free (fixture->uin);
  g_free (fixture->other_uin);
}

#define AMINA "{\"fullName\":\"Amina Wanjiru Diallo\",\"dateOfBirth\":\"1987/03/14\",\"gender\":\"FLE\"}"
#define BORIS "{\"fullName\":\"Boris Okonkwo Lindqvist\",\"dateOfBirth\":\"1979/11/02\",\"gender\":\"MLE\"}"

static void
create (Fixture    *fixture,
        const char *uin,
        const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) biometrics = g_bytes_new_static ("<BIR>fingerprint-template-xyz</BIR>", 35);
  g_autoptr(GBytes) documents = g_bytes_new_static ("passport-scan-PA7734912", 23);

  fixture->now += G_USEC_PER_SEC;
  g_assert_true (srv_idrepo_create_identity (fixture->idrepo, uin, json, biometrics, documents, "test", &error));
  g_assert_no_error (error);
}

static void
assert_ledger_intact (Fixture *fixture)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(IdemLedgerCheckpoint) checkpoint = srv_ledger_sign_checkpoint (fixture->ledger, &error);

  g_assert_no_error (error);
  g_assert_true (srv_ledger_verify (fixture->ledger, &problems, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (problems->len, ==, 0);
}

static void
test_create_and_lookup (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *status = NULL;
  g_autoptr(GBytes) biometrics = NULL;
  g_autoptr(GBytes) documents = NULL;
  sqlite3_stmt *statement = NULL;

  create (fixture, fixture->uin, AMINA);
  /* The UIN, demographics, biometrics and documents: a leaf each. */
  g_assert_cmpuint (srv_ledger_get_size (fixture->ledger), ==, 4);

  json = srv_idrepo_lookup_uin (fixture->idrepo, fixture->uin, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json, ==, AMINA);
  g_assert_cmpstr (status, ==, "ACTIVATED");
  biometrics = srv_idrepo_get_biometrics (fixture->idrepo, fixture->uin, &error);
  g_assert_cmpmem (g_bytes_get_data (biometrics, NULL), g_bytes_get_size (biometrics), "<BIR>fingerprint-template-xyz</BIR>", 35);
  documents = srv_idrepo_get_documents (fixture->idrepo, fixture->uin, &error);
  g_assert_cmpuint (g_bytes_get_size (documents), ==, 23);

  /* Bad input changes nothing. */
  g_assert_false (srv_idrepo_create_identity (fixture->idrepo, fixture->uin, BORIS, NULL, NULL, "test", &error));
  g_assert_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_DUPLICATE);
  g_clear_error (&error);
  g_assert_false (srv_idrepo_create_identity (fixture->idrepo, "1234567890", BORIS, NULL, NULL, "test", &error));
  g_assert_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (srv_idrepo_create_identity (fixture->idrepo, fixture->other_uin, "[1, 2]", NULL, NULL, "test", &error));
  g_assert_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (srv_idrepo_lookup_uin (fixture->idrepo, fixture->other_uin, NULL, &error));
  g_assert_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_NOT_FOUND);
  g_assert_cmpuint (srv_ledger_get_size (fixture->ledger), ==, 4);

  /* The audit names the identity by row id only. */
  g_assert_cmpint (sqlite3_prepare_v2 (srv_database_get_handle (fixture->database),
                                       "SELECT count(*) FROM audit_event WHERE action = 'identity.create' AND object = 'identity:1'",
                                       -1, &statement, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (statement, 0), ==, 1);
  sqlite3_finalize (statement);

  assert_ledger_intact (fixture);
}

static gboolean
contains (GBytes     *haystack,
          const char *needle)
{
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (haystack, &length);
  gsize needle_length = strlen (needle);

  for (gsize i = 0; i + needle_length <= length; i++)
    {
      if (memcmp (data + i, needle, needle_length) == 0)
        return TRUE;
    }

  return FALSE;
}

static void
test_sealed_at_rest (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *vid = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) file = NULL;
  gsize length = 0;
  const char *secrets[] = { "Amina", "Wanjiru", "Diallo", "1987/03/14", "Boris", "1979/11/02",
                            "fingerprint-template", "PA7734912" };

  create (fixture, fixture->uin, AMINA);
  create (fixture, fixture->other_uin, BORIS);
  vid = srv_idrepo_create_vid (fixture->idrepo, fixture->uin, SRV_VID_PERPETUAL, "test", &error);
  g_assert_no_error (error);
  g_assert_true (srv_idrepo_set_status (fixture->idrepo, fixture->other_uin, "BLOCKED", "test", &error));

  /* Closing checkpoints the WAL into the file: everything is in it. */
  close_repository (fixture);
  g_assert_true (g_file_get_contents (fixture->path, &contents, &length, &error));
  file = g_bytes_new_take (g_steal_pointer (&contents), length);
  g_assert_cmpuint (length, >, 0);

  g_assert_false (contains (file, fixture->uin));
  g_assert_false (contains (file, fixture->other_uin));
  g_assert_false (contains (file, vid));
  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    g_assert_false (contains (file, secrets[i]));

  /* The same data still opens. */
  open_repository (fixture);
  g_free (contents);
  contents = srv_idrepo_lookup_uin (fixture->idrepo, fixture->uin, NULL, &error);
  g_assert_cmpstr (contents, ==, AMINA);
}

static void
exec (Fixture    *fixture,
      const char *sql)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (srv_database_exec (fixture->database, sql, &error));
  g_assert_no_error (error);
}

static void
test_blob_swap (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;

  create (fixture, fixture->uin, AMINA);
  create (fixture, fixture->other_uin, BORIS);
  assert_ledger_intact (fixture);

  /* Give Amina's identity Boris's sealed demographics. */
  exec (fixture,
        "UPDATE idrepo_blob SET sealed = (SELECT sealed FROM idrepo_blob WHERE identity_id = 2 AND kind = 'demographics')"
        " WHERE identity_id = 1 AND kind = 'demographics'");
  g_assert_null (srv_idrepo_lookup_uin (fixture->idrepo, fixture->uin, NULL, &error));
  g_assert_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_TAMPERED);

  /* And the ledger names the record. */
  g_assert_true (srv_ledger_verify (fixture->ledger, &problems, NULL));
  g_assert_cmpuint (problems->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (problems, 0), ==, "Leaf 1: record idrepo_blob #2 was altered");
}

static void
test_update_history (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) history = NULL;
  g_autofree char *json = NULL;

  create (fixture, fixture->uin, AMINA);
  g_assert_true (srv_idrepo_update_demographics (fixture->idrepo, fixture->uin,
                                                 "{\"fullName\":\"Amina W. Diallo-Keita\"}", "test", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (srv_ledger_get_size (fixture->ledger), ==, 5);
  json = srv_idrepo_lookup_uin (fixture->idrepo, fixture->uin, NULL, &error);
  g_assert_cmpstr (json, ==, "{\"fullName\":\"Amina W. Diallo-Keita\"}");
  history = srv_idrepo_get_demographics_history (fixture->idrepo, fixture->uin, &error);
  g_assert_cmpuint (history->len, ==, 2);

  g_assert_false (srv_idrepo_update_demographics (fixture->idrepo, fixture->uin, "not json", "test", &error));
  g_assert_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_INVALID_ARGUMENT);
  g_assert_cmpuint (srv_ledger_get_size (fixture->ledger), ==, 5);
  assert_ledger_intact (fixture);
}

static void
test_status_and_locks (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;
  g_autofree char *json = NULL;
  g_autofree char *vid = NULL;
  gboolean locked = TRUE;

  create (fixture, fixture->uin, AMINA);
  g_assert_true (srv_idrepo_set_status (fixture->idrepo, fixture->uin, "BLOCKED", "test", &error));
  g_assert_cmpuint (srv_ledger_get_size (fixture->ledger), ==, 5);
  json = srv_idrepo_lookup_uin (fixture->idrepo, fixture->uin, &status, &error);
  g_assert_cmpstr (status, ==, "BLOCKED");

  vid = srv_idrepo_create_vid (fixture->idrepo, fixture->uin, SRV_VID_TEMPORARY, "test", &error);
  g_assert_null (vid);
  g_assert_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_NOT_ACTIVE);
  g_clear_error (&error);

  g_assert_false (srv_idrepo_set_status (fixture->idrepo, fixture->uin, "FROZEN", "test", &error));
  g_assert_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_true (srv_idrepo_is_auth_locked (fixture->idrepo, fixture->uin, "bio-FINGER", &locked, &error));
  g_assert_false (locked);
  g_assert_true (srv_idrepo_set_auth_lock (fixture->idrepo, fixture->uin, "bio-FINGER", TRUE, "test", &error));
  g_assert_true (srv_idrepo_is_auth_locked (fixture->idrepo, fixture->uin, "bio-FINGER", &locked, &error));
  g_assert_true (locked);
  g_assert_true (srv_idrepo_is_auth_locked (fixture->idrepo, fixture->uin, "demo", &locked, &error));
  g_assert_false (locked);
  g_assert_true (srv_idrepo_set_auth_lock (fixture->idrepo, fixture->uin, "bio-FINGER", FALSE, "test", &error));
  g_assert_true (srv_idrepo_is_auth_locked (fixture->idrepo, fixture->uin, "bio-FINGER", &locked, &error));
  g_assert_false (locked);
  g_assert_cmpuint (srv_ledger_get_size (fixture->ledger), ==, 7);

  g_assert_false (srv_idrepo_set_auth_lock (fixture->idrepo, fixture->uin, "bio-TOE", TRUE, "test", &error));
  g_assert_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_INVALID_ARGUMENT);
  g_assert_cmpuint (srv_ledger_get_size (fixture->ledger), ==, 7);
  assert_ledger_intact (fixture);
}

static void
assert_use_fails (Fixture    *fixture,
                  const char *vid,
                  int         code)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uin = srv_idrepo_use_vid (fixture->idrepo, vid, "test", &error);

  g_assert_null (uin);
  g_assert_error (error, SRV_IDREPO_ERROR, code);
}

static void
assert_use_works (Fixture    *fixture,
                  const char *vid)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uin = srv_idrepo_use_vid (fixture->idrepo, vid, "test", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (uin, ==, fixture->uin);
}

static void
test_vid_perpetual (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *vid = NULL;
  g_autofree char *second = NULL;
  g_autofree char *replacement = NULL;
  g_autoptr(GPtrArray) list = NULL;

  create (fixture, fixture->uin, AMINA);
  vid = srv_idrepo_create_vid (fixture->idrepo, fixture->uin, SRV_VID_PERPETUAL, "test", &error);
  g_assert_no_error (error);
  g_assert_true (idem_vid_validate (vid, NULL));

  /* One at a time. */
  second = srv_idrepo_create_vid (fixture->idrepo, fixture->uin, SRV_VID_PERPETUAL, "test", &error);
  g_assert_null (second);
  g_assert_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_VID_LIMIT);
  g_clear_error (&error);

  /* Unlimited uses, no expiry. */
  for (guint i = 0; i < 5; i++)
    assert_use_works (fixture, vid);
  fixture->now += 400 * G_USEC_PER_SEC * G_GINT64_CONSTANT (86400);
  assert_use_works (fixture, vid);

  /* Revoking restores a new one at once. */
  replacement = srv_idrepo_revoke_vid (fixture->idrepo, vid, "test", &error);
  g_assert_no_error (error);
  g_assert_true (idem_vid_validate (replacement, NULL));
  g_assert_cmpstr (replacement, !=, vid);
  assert_use_fails (fixture, vid, SRV_IDREPO_ERROR_VID_REVOKED);
  assert_use_works (fixture, replacement);

  list = srv_idrepo_list_vids (fixture->idrepo, fixture->uin, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (((SrvVidInfo *) g_ptr_array_index (list, 0))->vid, ==, vid);
  g_assert_cmpstr (((SrvVidInfo *) g_ptr_array_index (list, 0))->status, ==, "REVOKED");
  g_assert_cmpstr (((SrvVidInfo *) g_ptr_array_index (list, 1))->vid, ==, replacement);
  g_assert_cmpstr (((SrvVidInfo *) g_ptr_array_index (list, 1))->status, ==, "ACTIVE");
  g_assert_cmpint (((SrvVidInfo *) g_ptr_array_index (list, 1))->uses_left, ==, -1);

  assert_use_fails (fixture, "1234", SRV_IDREPO_ERROR_INVALID_ARGUMENT);
  assert_ledger_intact (fixture);
}

static void
test_vid_temporary (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) vids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *sixth = NULL;
  g_autofree char *later = NULL;

  create (fixture, fixture->uin, AMINA);

  /* Up to five at a time. */
  for (guint i = 0; i < 5; i++)
    {
      g_ptr_array_add (vids, srv_idrepo_create_vid (fixture->idrepo, fixture->uin, SRV_VID_TEMPORARY, "test", &error));
      g_assert_no_error (error);
    }
  sixth = srv_idrepo_create_vid (fixture->idrepo, fixture->uin, SRV_VID_TEMPORARY, "test", &error);
  g_assert_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_VID_LIMIT);
  g_clear_error (&error);

  /* Two uses each. */
  assert_use_works (fixture, g_ptr_array_index (vids, 0));
  assert_use_works (fixture, g_ptr_array_index (vids, 0));
  assert_use_fails (fixture, g_ptr_array_index (vids, 0), SRV_IDREPO_ERROR_VID_USED);

  /* Thirty minutes: at 29:59 it works, at 30:00 it has expired. */
  fixture->now += 30 * 60 * G_USEC_PER_SEC - 1;
  assert_use_works (fixture, g_ptr_array_index (vids, 1));
  fixture->now += 1;
  assert_use_fails (fixture, g_ptr_array_index (vids, 1), SRV_IDREPO_ERROR_VID_EXPIRED);
  /* The expiry was written down, with its leaf. */
  assert_use_fails (fixture, g_ptr_array_index (vids, 1), SRV_IDREPO_ERROR_VID_EXPIRED);
  list = srv_idrepo_list_vids (fixture->idrepo, fixture->uin, &error);
  g_assert_cmpstr (((SrvVidInfo *) g_ptr_array_index (list, 0))->status, ==, "USED");
  g_assert_cmpstr (((SrvVidInfo *) g_ptr_array_index (list, 1))->status, ==, "EXPIRED");
  g_assert_cmpstr (((SrvVidInfo *) g_ptr_array_index (list, 4))->status, ==, "EXPIRED");

  /* Expired ones no longer count against the five. */
  later = srv_idrepo_create_vid (fixture->idrepo, fixture->uin, SRV_VID_TEMPORARY, "test", &error);
  g_assert_no_error (error);
  assert_use_works (fixture, later);
  assert_ledger_intact (fixture);
}

static void
test_vid_one_time (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *vid = NULL;
  g_autofree char *revoked = NULL;

  create (fixture, fixture->uin, AMINA);
  vid = srv_idrepo_create_vid (fixture->idrepo, fixture->uin, SRV_VID_ONE_TIME_USE, "test", &error);
  g_assert_no_error (error);
  assert_use_works (fixture, vid);
  assert_use_fails (fixture, vid, SRV_IDREPO_ERROR_VID_USED);

  revoked = srv_idrepo_revoke_vid (fixture->idrepo, vid, "test", &error);
  g_assert_null (revoked);
  g_assert_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_VID_USED);
  assert_ledger_intact (fixture);
}

/* Inside the caller's transaction, the identity and its leaves roll back
 * together. */
static void
test_caller_transaction (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  create (fixture, fixture->other_uin, BORIS);
  exec (fixture, "BEGIN IMMEDIATE");
  create (fixture, fixture->uin, AMINA);
  g_assert_cmpuint (srv_ledger_get_size (fixture->ledger), ==, 8);
  exec (fixture, "ROLLBACK");

  g_assert_cmpuint (srv_ledger_get_size (fixture->ledger), ==, 4);
  json = srv_idrepo_lookup_uin (fixture->idrepo, fixture->uin, NULL, &error);
  g_assert_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_NOT_FOUND);

  exec (fixture, "BEGIN IMMEDIATE");
  create (fixture, fixture->uin, AMINA);
  exec (fixture, "COMMIT");
  g_assert_cmpuint (srv_ledger_get_size (fixture->ledger), ==, 8);
  assert_ledger_intact (fixture);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  encryption_key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_RSA, 3072, &error);
  g_assert_no_error (error);
  signing_key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_ED25519, 0, &error);
  g_assert_no_error (error);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/idrepo/create-and-lookup", test_create_and_lookup);
  ADD ("/idrepo/sealed-at-rest", test_sealed_at_rest);
  ADD ("/idrepo/blob-swap", test_blob_swap);
  ADD ("/idrepo/update-history", test_update_history);
  ADD ("/idrepo/status-and-locks", test_status_and_locks);
  ADD ("/idrepo/vid/perpetual", test_vid_perpetual);
  ADD ("/idrepo/vid/temporary", test_vid_temporary);
  ADD ("/idrepo/vid/one-time", test_vid_one_time);
  ADD ("/idrepo/caller-transaction", test_caller_transaction);
#undef ADD

  status = g_test_run ();

  EVP_PKEY_free (encryption_key);
  EVP_PKEY_free (signing_key);
  return status;
}
