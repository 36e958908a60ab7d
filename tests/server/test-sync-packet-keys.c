/* test-sync-packet-keys.c — the packet-encryption key of each centre and machine
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Real keys, a real SQLite database: a certificate is issued once per
 * centre+machine and checked with OpenSSL against the server's key; a
 * payload sealed for it with MOSIP's envelope opens with the private key
 * the pipeline gets back, also after a restart; a damaged or foreign
 * sealing is refused.
 */

#include "config.h"

#include "server-test-util.h"

#include "srv-database.h"
#include "srv-packet-keys.h"

#include "idem.h"
#include "idem-openssl-types.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <string.h>

/* Made once: RSA generation takes a while. */
static EVP_PKEY *encryption_key;
static EVP_PKEY *other_encryption_key;
static EVP_PKEY *signing_key;

typedef struct
{
  char          *tmp_dir;
  SrvDatabase   *database;
  SrvPacketKeys *keys;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->tmp_dir = srv_test_make_tmp_dir ();
  path = g_build_filename (fixture->tmp_dir, "idem.db", NULL);
  fixture->database = srv_database_open (path, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (srv_database_migrate (fixture->database, &error));
  fixture->keys = srv_packet_keys_new (fixture->database, encryption_key, signing_key);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_object (&fixture->keys);
  g_assert_true (srv_database_close (fixture->database, NULL));
  g_clear_object (&fixture->database);
  srv_test_remove_tree (fixture->tmp_dir);
  g_free (fixture->tmp_dir);
}

static X509 *
parse_pem (const char *pem)
{
  g_autoptr(BIO) bio = BIO_new_mem_buf (pem, -1);
  X509 *certificate = PEM_read_bio_X509 (bio, NULL, NULL, NULL);

  g_assert_nonnull (certificate);
  return certificate;
}

static gint64
count_keys (Fixture *fixture)
{
  sqlite3_stmt *stmt = NULL;
  gint64 count;

  g_assert_cmpint (sqlite3_prepare_v2 (srv_database_get_handle (fixture->database),
                                       "SELECT count(*) FROM packet_key", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return count;
}

static gint64
count_audit_events (Fixture    *fixture,
                    const char *actor,
                    const char *object)
{
  sqlite3_stmt *stmt = NULL;
  gint64 count;

  g_assert_cmpint (sqlite3_prepare_v2 (srv_database_get_handle (fixture->database),
                                       "SELECT count(*) FROM audit_event WHERE action = 'packet-key.create'"
                                       " AND actor = ? AND object = ? AND outcome = 'success' AND origin = ?",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, actor, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, object, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, actor, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return count;
}

static void
test_certificate (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pem = NULL;
  g_autofree char *again = NULL;
  g_autofree char *other = NULL;
  g_autoptr(X509) certificate = NULL;
  g_autoptr(EVP_PKEY) public_key = NULL;
  char common_name[64] = "";
  int usage;

  pem = srv_packet_keys_get_certificate_pem (fixture->keys, "10001", "10011", &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (pem, "-----BEGIN CERTIFICATE-----"));

  certificate = parse_pem (pem);
  /* Issued by the server: its Ed25519 key verifies the signature. */
  g_assert_cmpint (X509_verify (certificate, signing_key), ==, 1);
  g_assert_cmpint (X509_verify (certificate, encryption_key), !=, 1);
  ERR_clear_error ();

  X509_NAME_get_text_by_NID (X509_get_subject_name (certificate), NID_commonName, common_name, sizeof common_name);
  g_assert_cmpstr (common_name, ==, "10001_10011");

  public_key = X509_get_pubkey (certificate);
  g_assert_true (EVP_PKEY_is_a (public_key, "RSA"));
  g_assert_cmpint (EVP_PKEY_get_bits (public_key), ==, 3072);

  usage = X509_get_key_usage (certificate);
  g_assert_true (usage & KU_KEY_ENCIPHERMENT);
  g_assert_false (usage & KU_DIGITAL_SIGNATURE);
  g_assert_cmpint (X509_cmp_current_time (X509_get0_notBefore (certificate)), <, 0);
  g_assert_cmpint (X509_cmp_current_time (X509_get0_notAfter (certificate)), >, 0);

  /* Made once: the same certificate comes back. */
  again = srv_packet_keys_get_certificate_pem (fixture->keys, "10001", "10011", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, pem);
  g_assert_cmpint (count_keys (fixture), ==, 1);
  g_assert_cmpint (count_audit_events (fixture, "10011", "10001_10011"), ==, 1);

  /* Another machine of the same centre gets a key of its own. */
  other = srv_packet_keys_get_certificate_pem (fixture->keys, "10001", "10012", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (other, !=, pem);
  g_assert_cmpint (count_keys (fixture), ==, 2);
}

static GBytes *
seal_for (const char *pem,
          GBytes     *payload)
{
  g_autoptr(X509) certificate = parse_pem (pem);
  g_autoptr(GError) error = NULL;
  guint8 aad[IDEM_MOSIP_AAD_SIZE] = { 0 };
  GBytes *envelope;

  envelope = idem_mosip_encrypt_for_certificate (payload, certificate, aad, &error);
  g_assert_no_error (error);
  return envelope;
}

static void
test_private_key_opens_packets (Fixture       *fixture,
                                gconstpointer  user_data)
{
  g_autoptr(GBytes) payload = g_bytes_new_static ("{\"identity\":{\"fullName\":\"Amina\"}}", 34);
  g_autoptr(GBytes) envelope = NULL;
  g_autoptr(GBytes) opened = NULL;
  g_autoptr(GBytes) reopened = NULL;
  g_autoptr(EVP_PKEY) private_key = NULL;
  g_autoptr(EVP_PKEY) after_restart = NULL;
  g_autoptr(X509) certificate = NULL;
  g_autoptr(EVP_PKEY) certified = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pem = NULL;

  pem = srv_packet_keys_get_certificate_pem (fixture->keys, "10001", "10011", &error);
  g_assert_no_error (error);
  envelope = seal_for (pem, payload);

  private_key = srv_packet_keys_get_private (fixture->keys, "10001_10011", &error);
  g_assert_no_error (error);
  g_assert_true (idem_crypto_key_has_private (private_key));
  certificate = parse_pem (pem);
  certified = X509_get_pubkey (certificate);
  g_assert_cmpint (EVP_PKEY_eq (private_key, certified), ==, 1);

  opened = idem_mosip_decrypt (envelope, private_key, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (opened, payload));

  /* A restarted server unseals the key from the database. */
  g_clear_object (&fixture->keys);
  fixture->keys = srv_packet_keys_new (fixture->database, encryption_key, signing_key);
  after_restart = srv_packet_keys_get_private (fixture->keys, "10001_10011", &error);
  g_assert_no_error (error);
  g_assert_cmpint (EVP_PKEY_eq (after_restart, certified), ==, 1);
  reopened = idem_mosip_decrypt (envelope, after_restart, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (reopened, payload));
}

static gboolean
contains (const guint8 *haystack,
          gsize         haystack_length,
          const guint8 *needle,
          gsize         needle_length)
{
  for (gsize i = 0; i + needle_length <= haystack_length; i++)
    if (memcmp (haystack + i, needle, needle_length) == 0)
      return TRUE;

  return FALSE;
}

static void
test_sealed_at_rest (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EVP_PKEY) key = NULL;
  g_autofree char *pem = NULL;
  unsigned char *der_out = NULL;
  int der_length;
  sqlite3_stmt *stmt = NULL;
  const guint8 *sealed;
  int sealed_length;

  pem = srv_packet_keys_get_certificate_pem (fixture->keys, "10001", "10011", &error);
  g_assert_no_error (error);
  key = srv_packet_keys_get_private (fixture->keys, "10001_10011", &error);
  g_assert_no_error (error);

  /* No 32-byte run of the private key's DER appears in the stored row. */
  der_length = i2d_PrivateKey (key, &der_out);
  g_assert_cmpint (der_length, >, 1000);
  g_assert_cmpint (sqlite3_prepare_v2 (srv_database_get_handle (fixture->database),
                                       "SELECT sealed_key || wrapped_key || certificate FROM packet_key",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  sealed = sqlite3_column_blob (stmt, 0);
  sealed_length = sqlite3_column_bytes (stmt, 0);
  /* Skip the DER header, which is public structure. */
  for (int offset = 16; offset + 32 <= der_length; offset += 97)
    g_assert_false (contains (sealed, sealed_length, der_out + offset, 32));
  sqlite3_finalize (stmt);
  OPENSSL_clear_free (der_out, der_length);
}

static void
flip_sealed_byte (Fixture *fixture,
                  int      offset)
{
  sqlite3 *db = srv_database_get_handle (fixture->database);
  sqlite3_stmt *stmt = NULL;
  g_autofree guint8 *sealed = NULL;
  int length;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT sealed_key FROM packet_key", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  length = sqlite3_column_bytes (stmt, 0);
  sealed = g_memdup2 (sqlite3_column_blob (stmt, 0), length);
  sqlite3_finalize (stmt);

  g_assert_cmpint (offset, <, length);
  sealed[offset] ^= 0x5a;
  g_assert_cmpint (sqlite3_prepare_v2 (db, "UPDATE packet_key SET sealed_key = ?", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_blob (stmt, 1, sealed, length, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
}

static void
test_damaged_or_foreign (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrvPacketKeys) foreign = NULL;
  g_autoptr(EVP_PKEY) key = NULL;
  g_autofree char *pem = NULL;

  pem = srv_packet_keys_get_certificate_pem (fixture->keys, "10001", "10011", &error);
  g_assert_no_error (error);

  /* Another server's encryption key cannot unwrap it. */
  foreign = srv_packet_keys_new (fixture->database, other_encryption_key, signing_key);
  key = srv_packet_keys_get_private (foreign, "10001_10011", &error);
  g_assert_null (key);
  g_assert_error (error, SRV_PACKET_KEYS_ERROR, SRV_PACKET_KEYS_ERROR_CRYPTO);
  g_clear_error (&error);

  /* One byte of the sealed key changed: the GCM tag refuses it. */
  flip_sealed_byte (fixture, 40);
  g_clear_object (&fixture->keys);
  fixture->keys = srv_packet_keys_new (fixture->database, encryption_key, signing_key);
  key = srv_packet_keys_get_private (fixture->keys, "10001_10011", &error);
  g_assert_null (key);
  g_assert_error (error, SRV_PACKET_KEYS_ERROR, SRV_PACKET_KEYS_ERROR_CRYPTO);
  g_clear_error (&error);

  /* Moved to another reference id: the AAD binds it to its own. */
  g_assert_true (srv_database_exec (fixture->database,
                                    "UPDATE packet_key SET reference_id = '10001_10099'", &error));
  key = srv_packet_keys_get_private (fixture->keys, "10001_10099", &error);
  g_assert_null (key);
  g_assert_error (error, SRV_PACKET_KEYS_ERROR, SRV_PACKET_KEYS_ERROR_CRYPTO);
}

static void
test_bad_input (Fixture       *fixture,
                gconstpointer  user_data)
{
  const char *bad[][2] = {
    { "", "10011" }, { "10001", "" }, { "100_01", "10011" }, { "10001", "100/11" },
    { "10001", "10011\n" }, { "1000000000000000000000000000000000000000000000000000000000000000000001", "1" },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(EVP_PKEY) key = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *pem = srv_packet_keys_get_certificate_pem (fixture->keys, bad[i][0], bad[i][1], &error);

      g_assert_null (pem);
      g_assert_error (error, SRV_PACKET_KEYS_ERROR, SRV_PACKET_KEYS_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
    }
  g_assert_cmpint (count_keys (fixture), ==, 0);

  /* The pipeline never makes a key: one nobody was given opens nothing. */
  key = srv_packet_keys_get_private (fixture->keys, "10001_10011", &error);
  g_assert_null (key);
  g_assert_error (error, SRV_PACKET_KEYS_ERROR, SRV_PACKET_KEYS_ERROR_NOT_FOUND);
  g_assert_cmpint (count_keys (fixture), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int result;

  g_test_init (&argc, &argv, NULL);

  encryption_key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_RSA, 2048, &error);
  g_assert_no_error (error);
  other_encryption_key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_RSA, 2048, &error);
  g_assert_no_error (error);
  signing_key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_ED25519, 0, &error);
  g_assert_no_error (error);

#define ADD(path, func) \
        g_test_add ("/packet-keys/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("certificate", test_certificate);
  ADD ("private-key-opens-packets", test_private_key_opens_packets);
  ADD ("sealed-at-rest", test_sealed_at_rest);
  ADD ("damaged-or-foreign", test_damaged_or_foreign);
  ADD ("bad-input", test_bad_input);

#undef ADD

  result = g_test_run ();

  EVP_PKEY_free (encryption_key);
  EVP_PKEY_free (other_encryption_key);
  EVP_PKEY_free (signing_key);

  return result;
}
