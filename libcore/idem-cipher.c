/* idem-cipher.c — AES-256-GCM and RSA-OAEP-SHA256 key wrapping
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "idem-crypto"

#include "config.h"

#include "idem-crypto-private.h"

#include <glib/gi18n-lib.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

/* EVP_*Update take an int length. */
#define CIPHER_CHUNK (1 << 30)

/* NIST SP 800-38D §5.2.1.1: at most 2^39 - 256 bits of plaintext under one
 * nonce; far above any packet, but the bound is cheap to enforce. */
#define GCM_MAX_PLAINTEXT ((G_GUINT64_CONSTANT (1) << 36) - 32)

/* RFC 8017 §7.1.1: an OAEP message is at most k - 2 hLen - 2 bytes. */
#define OAEP_SHA256_OVERHEAD (2 * IDEM_SHA256_SIZE + 2)

static const guint8 empty[1];

static gboolean
gcm_feed_aad (EVP_CIPHER_CTX *ctx,
              const guint8   *aad,
              gsize           aad_length)
{
  for (gsize done = 0; done < aad_length;)
    {
      int chunk = (int) MIN (aad_length - done, (gsize) CIPHER_CHUNK);
      int out_length = 0;

      if (EVP_CipherUpdate (ctx, NULL, &out_length, aad + done, chunk) != 1)
        return FALSE;
      done += chunk;
    }

  return TRUE;
}

static gboolean
gcm_feed_data (EVP_CIPHER_CTX *ctx,
               const guint8   *in,
               gsize           length,
               guint8         *out)
{
  for (gsize done = 0; done < length;)
    {
      int chunk = (int) MIN (length - done, (gsize) CIPHER_CHUNK);
      int out_length = 0;

      /* GCM is a stream mode: every byte in comes out at once. */
      if (EVP_CipherUpdate (ctx, out + done, &out_length, in + done, chunk) != 1 ||
          out_length != chunk)
        return FALSE;
      done += chunk;
    }

  return TRUE;
}

/**
 * idem_aes_gcm_seal:
 * @key: (array fixed-size=32): the AES-256 key
 * @nonce: (array fixed-size=12): the nonce; never use one twice with a key
 * @aad: (array length=aad_length) (nullable): associated data, authenticated
 *   but not encrypted
 * @aad_length: its size
 * @plaintext: (array length=length) (nullable): the data to encrypt
 * @length: its size
 * @sealed: (out caller-allocates) (array length=length): @length + 16 bytes
 *   for the ciphertext followed by the tag; may be @plaintext itself
 * @error: return location for a #GError
 *
 * Encrypts and authenticates with AES-256-GCM and a 128-bit tag, writing
 * ciphertext ‖ tag as Java's `AES/GCM` and MOSIP do.
 *
 * Returns: %TRUE on success
 */
gboolean
idem_aes_gcm_seal (const guint8  *key,
                   const guint8  *nonce,
                   const guint8  *aad,
                   gsize          aad_length,
                   const guint8  *plaintext,
                   gsize          length,
                   guint8        *sealed,
                   GError       **error)
{
  g_autoptr(EVP_CIPHER_CTX) ctx = NULL;
  OSSL_PARAM params[2];
  int final_length = 0;

  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (nonce != NULL, FALSE);
  g_return_val_if_fail (aad != NULL || aad_length == 0, FALSE);
  g_return_val_if_fail (plaintext != NULL || length == 0, FALSE);
  g_return_val_if_fail (sealed != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((guint64) length > GCM_MAX_PLAINTEXT)
    {
      idem_crypto_set_error (error, IDEM_CRYPTO_ERROR_BAD_INPUT,
                             _("The data is too large to encrypt with AES-GCM under one nonce"));
      return FALSE;
    }

  ctx = EVP_CIPHER_CTX_new ();
  if (ctx == NULL ||
      EVP_EncryptInit_ex2 (ctx, idem_crypto_fetch_aes_256_gcm (), key, nonce, NULL) != 1 ||
      !gcm_feed_aad (ctx, aad, aad_length) ||
      !gcm_feed_data (ctx, plaintext, length, sealed) ||
      EVP_EncryptFinal_ex (ctx, sealed + length, &final_length) != 1)
    goto failed;

  params[0] = OSSL_PARAM_construct_octet_string (OSSL_CIPHER_PARAM_AEAD_TAG,
                                                 sealed + length, IDEM_GCM_TAG_SIZE);
  params[1] = OSSL_PARAM_construct_end ();
  if (EVP_CIPHER_CTX_get_params (ctx, params) != 1)
    goto failed;

  return TRUE;

failed:
  idem_crypto_wipe (sealed, length + IDEM_GCM_TAG_SIZE);
  idem_crypto_set_internal_error (error, _("AES-256-GCM encryption"));
  return FALSE;
}

/**
 * idem_aes_gcm_open:
 * @key: (array fixed-size=32): the AES-256 key
 * @nonce: (array fixed-size=12): the nonce the data was sealed with
 * @aad: (array length=aad_length) (nullable): the associated data it was
 *   sealed with
 * @aad_length: its size
 * @sealed: (array length=sealed_length): ciphertext ‖ 16-byte tag
 * @sealed_length: its size, at least 16
 * @plaintext: (out caller-allocates): @sealed_length - 16 bytes for the
 *   plaintext; may be @sealed itself
 * @error: return location for a #GError
 *
 * Checks and decrypts what idem_aes_gcm_seal() wrote.  When anything was
 * altered (ciphertext, tag, nonce, associated data or key), fails with
 * %IDEM_CRYPTO_ERROR_AUTH_FAILED and zeroes @plaintext, so unauthenticated
 * data is never left for the caller to use by mistake.
 *
 * Returns: %TRUE if the data is authentic
 */
gboolean
idem_aes_gcm_open (const guint8  *key,
                   const guint8  *nonce,
                   const guint8  *aad,
                   gsize          aad_length,
                   const guint8  *sealed,
                   gsize          sealed_length,
                   guint8        *plaintext,
                   GError       **error)
{
  g_autoptr(EVP_CIPHER_CTX) ctx = NULL;
  OSSL_PARAM params[2];
  gsize length;
  int final_length = 0;

  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (nonce != NULL, FALSE);
  g_return_val_if_fail (aad != NULL || aad_length == 0, FALSE);
  g_return_val_if_fail (sealed != NULL || sealed_length == 0, FALSE);
  g_return_val_if_fail (plaintext != NULL || sealed_length <= IDEM_GCM_TAG_SIZE, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (sealed_length < IDEM_GCM_TAG_SIZE)
    {
      idem_crypto_set_error (error, IDEM_CRYPTO_ERROR_BAD_INPUT,
                             _("The encrypted data has %lu bytes, fewer than its %d-byte authentication tag"),
                             (gulong) sealed_length, IDEM_GCM_TAG_SIZE);
      return FALSE;
    }

  length = sealed_length - IDEM_GCM_TAG_SIZE;
  if ((guint64) length > GCM_MAX_PLAINTEXT)
    {
      idem_crypto_set_error (error, IDEM_CRYPTO_ERROR_BAD_INPUT,
                             _("The data is too large to have been encrypted with AES-GCM under one nonce"));
      return FALSE;
    }

  /* The tag is copied out first: @plaintext may overlap @sealed. */
  params[0] = OSSL_PARAM_construct_octet_string (OSSL_CIPHER_PARAM_AEAD_TAG,
                                                 (void *) (sealed + length), IDEM_GCM_TAG_SIZE);
  params[1] = OSSL_PARAM_construct_end ();

  ctx = EVP_CIPHER_CTX_new ();
  if (ctx == NULL ||
      EVP_DecryptInit_ex2 (ctx, idem_crypto_fetch_aes_256_gcm (), key, nonce, NULL) != 1 ||
      EVP_CIPHER_CTX_set_params (ctx, params) != 1 ||
      !gcm_feed_aad (ctx, aad, aad_length) ||
      !gcm_feed_data (ctx, sealed, length, plaintext))
    {
      idem_crypto_wipe (plaintext, length);
      idem_crypto_set_internal_error (error, _("AES-256-GCM decryption"));
      return FALSE;
    }

  if (EVP_DecryptFinal_ex (ctx, length > 0 ? plaintext + length : NULL, &final_length) != 1)
    {
      idem_crypto_wipe (plaintext, length);
      idem_crypto_set_error (error, IDEM_CRYPTO_ERROR_AUTH_FAILED,
                             _("The encrypted data failed its authentication check: it was altered, or the key, nonce or associated data is wrong"));
      return FALSE;
    }

  return TRUE;
}

/**
 * idem_aes_gcm_seal_bytes:
 * @key: (array fixed-size=32): the AES-256 key
 * @nonce: (array fixed-size=12): the nonce; never use one twice with a key
 * @aad: (nullable): associated data
 * @plaintext: the data to encrypt
 * @error: return location for a #GError
 *
 * Like idem_aes_gcm_seal(), returning a new #GBytes.
 *
 * Returns: (transfer full): ciphertext ‖ tag, or %NULL with @error set
 */
GBytes *
idem_aes_gcm_seal_bytes (const guint8  *key,
                         const guint8  *nonce,
                         GBytes        *aad,
                         GBytes        *plaintext,
                         GError       **error)
{
  g_autofree guint8 *sealed = NULL;
  const guint8 *aad_data = NULL;
  const guint8 *data;
  gsize aad_length = 0;
  gsize length;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (nonce != NULL, NULL);
  g_return_val_if_fail (plaintext != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (aad != NULL)
    aad_data = g_bytes_get_data (aad, &aad_length);
  data = g_bytes_get_data (plaintext, &length);

  sealed = g_malloc (length + IDEM_GCM_TAG_SIZE);
  if (!idem_aes_gcm_seal (key, nonce, aad_data, aad_length, data, length, sealed, error))
    return NULL;

  return g_bytes_new_take (g_steal_pointer (&sealed), length + IDEM_GCM_TAG_SIZE);
}

/**
 * idem_aes_gcm_open_bytes:
 * @key: (array fixed-size=32): the AES-256 key
 * @nonce: (array fixed-size=12): the nonce
 * @aad: (nullable): associated data
 * @sealed: ciphertext ‖ tag
 * @error: return location for a #GError
 *
 * Like idem_aes_gcm_open(), returning a new #GBytes.
 *
 * Returns: (transfer full): the plaintext, or %NULL with @error set
 */
GBytes *
idem_aes_gcm_open_bytes (const guint8  *key,
                         const guint8  *nonce,
                         GBytes        *aad,
                         GBytes        *sealed,
                         GError       **error)
{
  g_autofree guint8 *plaintext = NULL;
  const guint8 *aad_data = NULL;
  const guint8 *data;
  gsize aad_length = 0;
  gsize length;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (nonce != NULL, NULL);
  g_return_val_if_fail (sealed != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (aad != NULL)
    aad_data = g_bytes_get_data (aad, &aad_length);
  data = g_bytes_get_data (sealed, &length);

  /* One spare byte keeps the allocation non-empty for an empty plaintext. */
  plaintext = g_malloc (length >= IDEM_GCM_TAG_SIZE ? length - IDEM_GCM_TAG_SIZE + 1 : 1);
  if (!idem_aes_gcm_open (key, nonce, aad_data, aad_length,
                          data != NULL ? data : empty, length, plaintext, error))
    return NULL;

  return g_bytes_new_take (g_steal_pointer (&plaintext), length - IDEM_GCM_TAG_SIZE);
}

static EVP_PKEY_CTX *
oaep_context_new (EVP_PKEY *key,
                  gboolean  decrypt)
{
  g_autoptr(EVP_PKEY_CTX) ctx = EVP_PKEY_CTX_new_from_pkey (NULL, key, NULL);

  /* MOSIP's CryptoCore names SHA-256 for both the OAEP digest and MGF1;
   * Java's default would be MGF1-SHA1, so neither is left to defaults. */
  if (ctx == NULL ||
      (decrypt ? EVP_PKEY_decrypt_init (ctx) : EVP_PKEY_encrypt_init (ctx)) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding (ctx, RSA_PKCS1_OAEP_PADDING) != 1 ||
      EVP_PKEY_CTX_set_rsa_oaep_md_name (ctx, "SHA2-256", NULL) != 1 ||
      EVP_PKEY_CTX_set_rsa_mgf1_md_name (ctx, "SHA2-256", NULL) != 1)
    return NULL;

  return g_steal_pointer (&ctx);
}

/**
 * idem_rsa_oaep_wrap:
 * @public_key: an RSA key of at least 2048 bits
 * @secret: (array length=length): the secret to wrap, typically an AES key
 * @length: its size: at most the modulus size less 66 bytes
 * @error: return location for a #GError
 *
 * Encrypts a short secret with RSAES-OAEP (RFC 8017), SHA-256 as the hash
 * and as MGF1's hash, and an empty label: the key wrapping of MOSIP packets.
 *
 * Returns: (transfer full): the wrapped secret, as long as the modulus, or
 *   %NULL with @error set
 */
GBytes *
idem_rsa_oaep_wrap (EVP_PKEY      *public_key,
                    const guint8  *secret,
                    gsize          length,
                    GError       **error)
{
  g_autoptr(EVP_PKEY_CTX) ctx = NULL;
  g_autofree guint8 *wrapped = NULL;
  size_t wrapped_length = 0;
  gsize max_length;

  g_return_val_if_fail (public_key != NULL, NULL);
  g_return_val_if_fail (secret != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!idem_crypto_check_key (public_key, IDEM_CRYPTO_KEY_RSA, FALSE, error))
    return NULL;

  max_length = (gsize) EVP_PKEY_get_size (public_key) - OAEP_SHA256_OVERHEAD;
  if (length > max_length)
    {
      idem_crypto_set_error (error, IDEM_CRYPTO_ERROR_BAD_INPUT,
                             _("RSA-OAEP with this key wraps at most %lu bytes, not %lu"),
                             (gulong) max_length, (gulong) length);
      return NULL;
    }

  ctx = oaep_context_new (public_key, FALSE);
  if (ctx == NULL ||
      EVP_PKEY_encrypt (ctx, NULL, &wrapped_length, secret != NULL ? secret : empty, length) != 1)
    {
      idem_crypto_set_internal_error (error, _("RSA-OAEP encryption"));
      return NULL;
    }

  wrapped = g_malloc (wrapped_length);
  if (EVP_PKEY_encrypt (ctx, wrapped, &wrapped_length, secret != NULL ? secret : empty, length) != 1)
    {
      idem_crypto_set_internal_error (error, _("RSA-OAEP encryption"));
      return NULL;
    }

  return g_bytes_new_take (g_steal_pointer (&wrapped), wrapped_length);
}

/**
 * idem_rsa_oaep_unwrap:
 * @private_key: the RSA private key
 * @wrapped: (array length=length): what idem_rsa_oaep_wrap() returned
 * @length: its size, the modulus size
 * @error: return location for a #GError
 *
 * Decrypts a secret wrapped with RSA-OAEP-SHA256.  A wrong key and altered
 * data give the same %IDEM_CRYPTO_ERROR_DECRYPT_FAILED with the same
 * message, so the error cannot serve as a padding oracle.
 *
 * Returns: (transfer full): the secret, in a #GBytes wiped when freed, or
 *   %NULL with @error set
 */
GBytes *
idem_rsa_oaep_unwrap (EVP_PKEY      *private_key,
                      const guint8  *wrapped,
                      gsize          length,
                      GError       **error)
{
  g_autoptr(EVP_PKEY_CTX) ctx = NULL;
  g_autoptr(GBytes) secret = NULL;
  guint8 *buffer;
  size_t buffer_size;
  size_t secret_length;
  gboolean ok;

  g_return_val_if_fail (private_key != NULL, NULL);
  g_return_val_if_fail (wrapped != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!idem_crypto_check_key (private_key, IDEM_CRYPTO_KEY_RSA, TRUE, error))
    return NULL;

  buffer_size = (size_t) EVP_PKEY_get_size (private_key);
  if (length != buffer_size)
    {
      idem_crypto_set_error (error, IDEM_CRYPTO_ERROR_BAD_INPUT,
                             _("The wrapped key has %lu bytes; this RSA key wraps into %lu"),
                             (gulong) length, (gulong) buffer_size);
      return NULL;
    }

  ctx = oaep_context_new (private_key, TRUE);
  if (ctx == NULL)
    {
      idem_crypto_set_internal_error (error, _("RSA-OAEP decryption"));
      return NULL;
    }

  /* OpenSSL wants room for a whole modulus, whatever the secret's size. */
  buffer = g_malloc (buffer_size);
  secret_length = buffer_size;
  ok = EVP_PKEY_decrypt (ctx, buffer, &secret_length, wrapped, length) == 1;
  if (ok)
    secret = idem_crypto_secret_bytes_new (buffer, secret_length);
  idem_crypto_wipe (buffer, buffer_size);
  g_free (buffer);

  if (!ok)
    {
      idem_crypto_set_error (error, IDEM_CRYPTO_ERROR_DECRYPT_FAILED,
                             _("The wrapped key could not be decrypted: it is for another key, or it was altered"));
      return NULL;
    }

  return g_steal_pointer (&secret);
}
