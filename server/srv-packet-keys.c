/* srv-packet-keys.c — the packet-encryption key of each centre and machine
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Each registration machine encrypts its packets to a key of its own
 * centre+machine pair, MOSIP's reference id "CENTRE_MACHINE": a machine
 * that is stolen or decommissioned exposes nothing of the others, and the
 * pipeline knows from the thumbprint which key opens a packet.
 *
 * The key pair is RSA-3072, made on first use.  Its private half never
 * leaves the server and is stored sealed:
 *
 *   server-encryption (RSA-3072, keystore)
 *     └─ wraps (RSA-OAEP-SHA256) a fresh 32-byte key per packet key
 *          └─ seals (AES-256-GCM, AAD = the reference id) the private
 *             key's DER: nonce ‖ ciphertext ‖ tag
 *
 * The machine gets an X.509 certificate for the public half, issued and
 * signed by the server's Ed25519 key, so it can check where it came from;
 * the packet writer takes the certificate as it is.
 */

#define G_LOG_DOMAIN "idem-server"

#include "config.h"

#include "srv-packet-keys.h"
#include "srv-audit.h"

#include "idem.h"
#include "idem-openssl-types.h"

#include <glib/gi18n.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <string.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

G_DEFINE_QUARK (srv-packet-keys-error-quark, srv_packet_keys_error)

#define MAX_ID_LENGTH 64

struct _SrvPacketKeys
{
  GObject      parent_instance;

  SrvDatabase *database;
  EVP_PKEY    *encryption_key;
  EVP_PKEY    *signing_key;

  /* Unsealed private keys by reference id: the pipeline opens many
   * packets of the same machine, and each unsealing costs an RSA
   * decryption.  The mutex also keeps two first uses from both making a
   * key. */
  GMutex       mutex;
  GHashTable  *private_keys;
};

G_DEFINE_FINAL_TYPE (SrvPacketKeys, srv_packet_keys, G_TYPE_OBJECT)

static void
srv_packet_keys_finalize (GObject *object)
{
  SrvPacketKeys *self = (SrvPacketKeys *)object;

  g_clear_object (&self->database);
  g_clear_pointer (&self->encryption_key, EVP_PKEY_free);
  g_clear_pointer (&self->signing_key, EVP_PKEY_free);
  g_clear_pointer (&self->private_keys, g_hash_table_unref);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (srv_packet_keys_parent_class)->finalize (object);
}

static void
srv_packet_keys_class_init (SrvPacketKeysClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = srv_packet_keys_finalize;
}

static void
srv_packet_keys_init (SrvPacketKeys *self)
{
  g_mutex_init (&self->mutex);
  self->private_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) EVP_PKEY_free);
}

/**
 * srv_packet_keys_new:
 * @database: the server's migrated database
 * @encryption_key: the server's RSA key, which wraps the sealing keys
 * @signing_key: the server's Ed25519 key, which signs the certificates
 *
 * Returns: (transfer full): the packet keys
 */
SrvPacketKeys *
srv_packet_keys_new (SrvDatabase *database,
                     EVP_PKEY    *encryption_key,
                     EVP_PKEY    *signing_key)
{
  SrvPacketKeys *self;

  g_return_val_if_fail (SRV_IS_DATABASE (database), NULL);
  g_return_val_if_fail (encryption_key != NULL, NULL);
  g_return_val_if_fail (signing_key != NULL, NULL);

  self = g_object_new (SRV_TYPE_PACKET_KEYS, NULL);
  self->database = g_object_ref (database);
  self->encryption_key = encryption_key;
  EVP_PKEY_up_ref (encryption_key);
  self->signing_key = signing_key;
  EVP_PKEY_up_ref (signing_key);

  return self;
}

static gboolean
is_valid_id (const char *id)
{
  gsize n;

  if (id == NULL)
    return FALSE;

  n = strlen (id);
  if (n == 0 || n > MAX_ID_LENGTH)
    return FALSE;

  /* "_" separates the two ids in a reference id. */
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isalnum (id[i]) && id[i] != '-' && id[i] != '.')
      return FALSE;

  return TRUE;
}

/**
 * srv_packet_keys_reference_id:
 * @centre_id: a centre id
 * @machine_id: a machine id
 *
 * Returns: (transfer full) (nullable): "CENTRE_MACHINE", or %NULL when an
 *   id is empty, longer than 64 characters, or holds anything but ASCII
 *   letters, digits, "-" and "."
 */
char *
srv_packet_keys_reference_id (const char *centre_id,
                              const char *machine_id)
{
  if (!is_valid_id (centre_id) || !is_valid_id (machine_id))
    return NULL;

  return g_strconcat (centre_id, "_", machine_id, NULL);
}

static void
set_crypto_error (GError     **error,
                  const char  *what)
{
  unsigned long code = ERR_peek_last_error ();
  char reason[256] = "";

  if (code != 0)
    ERR_error_string_n (code, reason, sizeof reason);
  ERR_clear_error ();

  g_set_error (error, SRV_PACKET_KEYS_ERROR, SRV_PACKET_KEYS_ERROR_CRYPTO, "%s (%s)", what,
               reason[0] != '\0' ? reason : "no detail from OpenSSL");
}

static gboolean
add_extension (X509       *certificate,
               X509V3_CTX *ctx,
               int         nid,
               const char *value)
{
  X509_EXTENSION *extension = X509V3_EXT_nconf_nid (NULL, ctx, nid, value);
  gboolean ok;

  if (extension == NULL)
    return FALSE;

  ok = X509_add_ext (certificate, extension, -1) == 1;
  X509_EXTENSION_free (extension);
  return ok;
}

static char *
issuer_name (EVP_PKEY *signing_key)
{
  g_autofree char *fingerprint = idem_public_key_fingerprint (signing_key);

  return g_strdup_printf ("Idem server %.16s", fingerprint != NULL ? fingerprint : "");
}

static char *
make_certificate_pem (SrvPacketKeys  *self,
                      EVP_PKEY       *key,
                      const char     *reference_id,
                      GError        **error)
{
  g_autoptr(X509) certificate = X509_new ();
  g_autoptr(BIGNUM) serial = BN_new ();
  g_autoptr(BIO) bio = BIO_new (BIO_s_mem ());
  g_autofree char *issuer = issuer_name (self->signing_key);
  X509_NAME *subject_name;
  X509_NAME *issuer_x509_name;
  X509V3_CTX ctx;
  char *data = NULL;
  long length;

  if (certificate == NULL || serial == NULL || bio == NULL)
    goto fail;

  /* RFC 5280: a positive serial of at most 20 octets; 159 random bits. */
  if (!X509_set_version (certificate, X509_VERSION_3) ||
      !BN_rand (serial, 159, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) ||
      BN_to_ASN1_INTEGER (serial, X509_get_serialNumber (certificate)) == NULL)
    goto fail;

  /* An hour of slack for machine clocks that run behind. */
  if (X509_gmtime_adj (X509_getm_notBefore (certificate), -3600) == NULL ||
      X509_gmtime_adj (X509_getm_notAfter (certificate), (long) SRV_PACKET_KEY_VALIDITY_DAYS * 24 * 3600) == NULL)
    goto fail;

  subject_name = X509_get_subject_name (certificate);
  if (!X509_NAME_add_entry_by_txt (subject_name, "O", MBSTRING_UTF8, (const guchar *) "Idem", -1, -1, 0) ||
      !X509_NAME_add_entry_by_txt (subject_name, "OU", MBSTRING_UTF8, (const guchar *) "Packet encryption", -1, -1, 0) ||
      !X509_NAME_add_entry_by_txt (subject_name, "CN", MBSTRING_UTF8, (const guchar *) reference_id, -1, -1, 0))
    goto fail;

  issuer_x509_name = X509_get_issuer_name (certificate);
  if (!X509_NAME_add_entry_by_txt (issuer_x509_name, "O", MBSTRING_UTF8, (const guchar *) "Idem", -1, -1, 0) ||
      !X509_NAME_add_entry_by_txt (issuer_x509_name, "CN", MBSTRING_UTF8, (const guchar *) issuer, -1, -1, 0))
    goto fail;

  if (!X509_set_pubkey (certificate, key))
    goto fail;

  X509V3_set_ctx (&ctx, NULL, certificate, NULL, NULL, 0);
  if (!add_extension (certificate, &ctx, NID_basic_constraints, "critical,CA:FALSE") ||
      !add_extension (certificate, &ctx, NID_key_usage, "critical,keyEncipherment") ||
      !add_extension (certificate, &ctx, NID_subject_key_identifier, "hash"))
    goto fail;

  /* Ed25519 takes no separate digest. */
  if (X509_sign (certificate, self->signing_key, NULL) <= 0)
    goto fail;

  if (!PEM_write_bio_X509 (bio, certificate))
    goto fail;

  length = BIO_get_mem_data (bio, &data);
  return g_strndup (data, length);

fail:
  set_crypto_error (error, _("Could not make the packet-encryption certificate"));
  return NULL;
}

/* The private key's DER, sealed: wrapped sealing key, and nonce ‖ ciphertext ‖ tag. */
static gboolean
seal_private_key (SrvPacketKeys  *self,
                  EVP_PKEY       *key,
                  const char     *reference_id,
                  GBytes        **out_wrapped,
                  GBytes        **out_sealed,
                  GError        **error)
{
  g_autoptr(GBytes) wrapped = NULL;
  g_autoptr(GBytes) plaintext = NULL;
  g_autoptr(GBytes) aad = g_bytes_new (reference_id, strlen (reference_id));
  g_autoptr(GBytes) ciphertext = NULL;
  g_autoptr(GByteArray) sealed = NULL;
  guint8 sealing_key[IDEM_AES_256_KEY_SIZE];
  guint8 nonce[IDEM_GCM_NONCE_SIZE];
  unsigned char *der = NULL;
  int der_length;

  der_length = i2d_PrivateKey (key, &der);
  if (der_length <= 0)
    {
      set_crypto_error (error, _("Could not encode the packet-encryption key"));
      return FALSE;
    }
  plaintext = idem_crypto_secret_bytes_new (der, der_length);
  OPENSSL_clear_free (der, der_length);

  if (!idem_crypto_random_bytes (sealing_key, sizeof sealing_key, error) ||
      !idem_crypto_random_bytes (nonce, sizeof nonce, error))
    return FALSE;

  wrapped = idem_rsa_oaep_wrap (self->encryption_key, sealing_key, sizeof sealing_key, error);
  if (wrapped != NULL)
    ciphertext = idem_aes_gcm_seal_bytes (sealing_key, nonce, aad, plaintext, error);
  idem_crypto_wipe (sealing_key, sizeof sealing_key);
  if (ciphertext == NULL)
    return FALSE;

  sealed = g_byte_array_sized_new (sizeof nonce + g_bytes_get_size (ciphertext));
  g_byte_array_append (sealed, nonce, sizeof nonce);
  g_byte_array_append (sealed, g_bytes_get_data (ciphertext, NULL), g_bytes_get_size (ciphertext));

  *out_wrapped = g_steal_pointer (&wrapped);
  *out_sealed = g_byte_array_free_to_bytes (g_steal_pointer (&sealed));
  return TRUE;
}

static EVP_PKEY *
open_private_key (SrvPacketKeys  *self,
                  const char     *reference_id,
                  const guint8   *wrapped,
                  gsize           wrapped_length,
                  const guint8   *sealed,
                  gsize           sealed_length,
                  GError        **error)
{
  g_autoptr(GBytes) sealing_key = NULL;
  g_autoptr(GBytes) aad = g_bytes_new (reference_id, strlen (reference_id));
  g_autoptr(GBytes) ciphertext = NULL;
  g_autoptr(GBytes) der = NULL;
  g_autoptr(GError) local_error = NULL;
  const unsigned char *p;
  EVP_PKEY *key;

  if (sealed_length <= IDEM_GCM_NONCE_SIZE + IDEM_GCM_TAG_SIZE)
    {
      g_set_error (error, SRV_PACKET_KEYS_ERROR, SRV_PACKET_KEYS_ERROR_CRYPTO,
                   _("The sealed packet-encryption key %s is truncated"), reference_id);
      return NULL;
    }

  sealing_key = idem_rsa_oaep_unwrap (self->encryption_key, wrapped, wrapped_length, &local_error);
  if (sealing_key == NULL || g_bytes_get_size (sealing_key) != IDEM_AES_256_KEY_SIZE)
    {
      g_set_error (error, SRV_PACKET_KEYS_ERROR, SRV_PACKET_KEYS_ERROR_CRYPTO,
                   _("The packet-encryption key %s cannot be unwrapped with the server’s key"), reference_id);
      return NULL;
    }

  ciphertext = g_bytes_new (sealed + IDEM_GCM_NONCE_SIZE, sealed_length - IDEM_GCM_NONCE_SIZE);
  der = idem_aes_gcm_open_bytes (g_bytes_get_data (sealing_key, NULL), sealed, aad, ciphertext, &local_error);
  if (der == NULL)
    {
      g_set_error (error, SRV_PACKET_KEYS_ERROR, SRV_PACKET_KEYS_ERROR_CRYPTO,
                   _("The sealed packet-encryption key %s was altered: %s"), reference_id, local_error->message);
      return NULL;
    }

  p = g_bytes_get_data (der, NULL);
  key = d2i_PrivateKey (EVP_PKEY_RSA, NULL, &p, g_bytes_get_size (der));
  if (key == NULL)
    set_crypto_error (error, _("Could not decode the packet-encryption key"));

  return key;
}

/* NULL with no error: no row. */
static char *
read_certificate (SrvPacketKeys  *self,
                  const char     *reference_id,
                  GError        **error)
{
  sqlite3 *db = srv_database_get_handle (self->database);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, "SELECT certificate FROM packet_key WHERE reference_id = ?", -1, &stmt, NULL) != SQLITE_OK)
    goto fail;
  sqlite3_bind_text (stmt, 1, reference_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return NULL;
  if (rc != SQLITE_ROW)
    goto fail;

  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));

fail:
  g_set_error (error, SRV_PACKET_KEYS_ERROR, SRV_PACKET_KEYS_ERROR_DATABASE,
               _("Could not read the packet-encryption key %s: %s"), reference_id, sqlite3_errmsg (db));
  return NULL;
}

static gboolean
store_key (SrvPacketKeys  *self,
           const char     *reference_id,
           const char     *centre_id,
           const char     *machine_id,
           GBytes         *wrapped,
           GBytes         *sealed,
           const char     *certificate,
           GError        **error)
{
  sqlite3 *db = srv_database_get_handle (self->database);
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (sqlite3_prepare_v2 (db,
                          "INSERT INTO packet_key"
                          " (reference_id, centre_id, machine_id, wrapped_key, sealed_key, certificate, created)"
                          " VALUES (?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                          -1, &stmt, NULL) != SQLITE_OK)
    goto fail;
  sqlite3_bind_text (stmt, 1, reference_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, centre_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, machine_id, -1, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 4, g_bytes_get_data (wrapped, NULL), g_bytes_get_size (wrapped), SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 5, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed), SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, certificate, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    goto fail;

  return TRUE;

fail:
  g_set_error (error, SRV_PACKET_KEYS_ERROR, SRV_PACKET_KEYS_ERROR_DATABASE,
               _("Could not store the packet-encryption key %s: %s"), reference_id, sqlite3_errmsg (db));
  return FALSE;
}

static char *
create_key (SrvPacketKeys  *self,
            const char     *reference_id,
            const char     *centre_id,
            const char     *machine_id,
            GError        **error)
{
  g_autoptr(EVP_PKEY) key = NULL;
  g_autoptr(GBytes) wrapped = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *certificate = NULL;

  key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_RSA, SRV_PACKET_KEY_BITS, &local_error);
  if (key == NULL)
    {
      g_set_error (error, SRV_PACKET_KEYS_ERROR, SRV_PACKET_KEYS_ERROR_CRYPTO,
                   _("Could not make the packet-encryption key %s: %s"), reference_id, local_error->message);
      return NULL;
    }

  certificate = make_certificate_pem (self, key, reference_id, error);
  if (certificate == NULL)
    return NULL;

  if (!seal_private_key (self, key, reference_id, &wrapped, &sealed, &local_error))
    {
      g_set_error (error, SRV_PACKET_KEYS_ERROR, SRV_PACKET_KEYS_ERROR_CRYPTO,
                   _("Could not seal the packet-encryption key %s: %s"), reference_id, local_error->message);
      return NULL;
    }

  if (!store_key (self, reference_id, centre_id, machine_id, wrapped, sealed, certificate, error))
    return NULL;

  g_hash_table_replace (self->private_keys, g_strdup (reference_id), g_steal_pointer (&key));
  g_info ("Made the packet-encryption key %s", reference_id);

  /* The machine whose first request made the key is its actor. */
  if (!srv_audit_record (self->database, machine_id, "packet-key.create", reference_id, TRUE,
                         machine_id, "RSA-3072", &local_error))
    g_message ("Could not audit the new packet-encryption key %s: %s", reference_id, local_error->message);

  return g_steal_pointer (&certificate);
}

/**
 * srv_packet_keys_get_certificate_pem:
 * @self: the packet keys
 * @centre_id: the machine's centre
 * @machine_id: the machine
 * @error: return location for an error in %SRV_PACKET_KEYS_ERROR
 *
 * Returns the certificate of the centre+machine's packet-encryption key,
 * making the key pair on first use: that takes an RSA-3072 generation, so
 * call it from a worker thread.
 *
 * Returns: (transfer full) (nullable): the certificate in PEM
 */
char *
srv_packet_keys_get_certificate_pem (SrvPacketKeys  *self,
                                     const char     *centre_id,
                                     const char     *machine_id,
                                     GError        **error)
{
  g_autofree char *reference_id = NULL;
  g_autoptr(GError) local_error = NULL;
  char *certificate;

  g_return_val_if_fail (SRV_IS_PACKET_KEYS (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  reference_id = srv_packet_keys_reference_id (centre_id, machine_id);
  if (reference_id == NULL)
    {
      g_set_error_literal (error, SRV_PACKET_KEYS_ERROR, SRV_PACKET_KEYS_ERROR_INVALID_ARGUMENT,
                           _("Centre and machine ids must be 1 to 64 ASCII letters, digits, “-” or “.”"));
      return NULL;
    }

  g_mutex_lock (&self->mutex);
  certificate = read_certificate (self, reference_id, &local_error);
  if (certificate == NULL && local_error == NULL)
    certificate = create_key (self, reference_id, centre_id, machine_id, &local_error);
  g_mutex_unlock (&self->mutex);

  if (certificate == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));

  return certificate;
}

/**
 * srv_packet_keys_get_private:
 * @self: the packet keys
 * @reference_id: "CENTRE_MACHINE", as a packet names it
 * @error: return location for an error in %SRV_PACKET_KEYS_ERROR
 *
 * Returns the private key that opens the packets of a centre+machine.
 * Never makes one: a key nobody was given a certificate for opens nothing.
 * Safe to call from any thread.
 *
 * Returns: (transfer full) (nullable): the RSA private key
 */
EVP_PKEY *
srv_packet_keys_get_private (SrvPacketKeys  *self,
                             const char     *reference_id,
                             GError        **error)
{
  sqlite3 *db;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  EVP_PKEY *key;
  int rc;

  g_return_val_if_fail (SRV_IS_PACKET_KEYS (self), NULL);
  g_return_val_if_fail (reference_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g_mutex_lock (&self->mutex);

  key = g_hash_table_lookup (self->private_keys, reference_id);
  if (key != NULL)
    {
      EVP_PKEY_up_ref (key);
      goto out;
    }

  db = srv_database_get_handle (self->database);
  if (sqlite3_prepare_v2 (db, "SELECT wrapped_key, sealed_key FROM packet_key WHERE reference_id = ?",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, SRV_PACKET_KEYS_ERROR, SRV_PACKET_KEYS_ERROR_DATABASE,
                   _("Could not read the packet-encryption key %s: %s"), reference_id, sqlite3_errmsg (db));
      goto out;
    }
  sqlite3_bind_text (stmt, 1, reference_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, SRV_PACKET_KEYS_ERROR, SRV_PACKET_KEYS_ERROR_NOT_FOUND,
                   _("No packet-encryption key was ever issued for “%s”"), reference_id);
      goto out;
    }
  if (rc != SQLITE_ROW)
    {
      g_set_error (error, SRV_PACKET_KEYS_ERROR, SRV_PACKET_KEYS_ERROR_DATABASE,
                   _("Could not read the packet-encryption key %s: %s"), reference_id, sqlite3_errmsg (db));
      goto out;
    }

  key = open_private_key (self, reference_id,
                          sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0),
                          sqlite3_column_blob (stmt, 1), sqlite3_column_bytes (stmt, 1),
                          error);
  if (key != NULL)
    {
      g_hash_table_replace (self->private_keys, g_strdup (reference_id), key);
      EVP_PKEY_up_ref (key);
    }

out:
  g_mutex_unlock (&self->mutex);
  return key;
}
