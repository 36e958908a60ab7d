/* idem-hash.c — SHA-256, HMAC-SHA256 and HKDF-SHA256
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "idem-crypto"

#include "config.h"

#include "idem-crypto-private.h"

#include <glib/gi18n-lib.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/kdf.h>

/* RFC 5869 §2.3: at most 255 blocks of output. */
#define HKDF_SHA256_MAX_OUTPUT (255 * IDEM_SHA256_SIZE)

/* OpenSSL's update functions take size_t, but a NULL pointer for an empty
 * input is not accepted by every one of them. */
static const guint8 empty[1];

struct _IdemSha256
{
  EVP_MD_CTX *ctx;
};

struct _IdemHmac
{
  EVP_MAC_CTX *ctx;
};

/**
 * idem_sha256:
 * @data: (array length=length) (nullable): the input
 * @length: its size
 * @digest: (out caller-allocates) (array fixed-size=32): the digest
 *
 * Computes the SHA-256 digest of @data in one call.
 */
void
idem_sha256 (const guint8 *data,
             gsize         length,
             guint8       *digest)
{
  g_return_if_fail (data != NULL || length == 0);
  g_return_if_fail (digest != NULL);

  if (EVP_Digest (data != NULL ? data : empty, length, digest, NULL,
                  idem_crypto_fetch_sha256 (), NULL) != 1)
    g_error ("SHA-256 failed inside OpenSSL (out of memory?)");
}

/**
 * idem_sha256_new:
 *
 * Starts a streaming SHA-256 digest, for input that arrives in pieces (a
 * file, or the files a packet hash sequence names one after another).
 *
 * Returns: (transfer full): a new digest context
 */
IdemSha256 *
idem_sha256_new (void)
{
  IdemSha256 *self = g_new0 (IdemSha256, 1);

  self->ctx = EVP_MD_CTX_new ();
  if (self->ctx == NULL ||
      EVP_DigestInit_ex2 (self->ctx, idem_crypto_fetch_sha256 (), NULL) != 1)
    g_error ("SHA-256 failed inside OpenSSL (out of memory?)");

  return self;
}

/**
 * idem_sha256_update:
 * @self: a digest context
 * @data: (array length=length) (nullable): more input
 * @length: its size
 *
 * Feeds more input to the digest.
 */
void
idem_sha256_update (IdemSha256   *self,
                    const guint8 *data,
                    gsize         length)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (data != NULL || length == 0);

  if (length == 0)
    return;

  if (EVP_DigestUpdate (self->ctx, data, length) != 1)
    g_error ("SHA-256 failed inside OpenSSL");
}

/**
 * idem_sha256_finish:
 * @self: a digest context
 * @digest: (out caller-allocates) (array fixed-size=32): the digest
 *
 * Writes the digest of everything fed so far, then resets @self so it can
 * digest a new input.
 */
void
idem_sha256_finish (IdemSha256 *self,
                    guint8     *digest)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (digest != NULL);

  if (EVP_DigestFinal_ex (self->ctx, digest, NULL) != 1 ||
      EVP_DigestInit_ex2 (self->ctx, NULL, NULL) != 1)
    g_error ("SHA-256 failed inside OpenSSL");
}

void
idem_sha256_free (IdemSha256 *self)
{
  if (self == NULL)
    return;

  EVP_MD_CTX_free (self->ctx);
  g_free (self);
}

/**
 * idem_hmac_new:
 * @key: (array length=key_length) (nullable): the secret key
 * @key_length: its size; any size, though RFC 2104 advises at least 32
 * @error: return location for a #GError
 *
 * Prepares HMAC-SHA256 with a key, for computing many MACs under the same
 * key: the key schedule (the padded inner and outer hash states) is done
 * once here, and idem_hmac_compute() only restores it.  OpenSSL keeps its
 * own copy of the key, wiped when @self is freed; the caller may wipe @key
 * at once.
 *
 * A context is not thread-safe: use one per thread.
 *
 * Returns: (transfer full): a new HMAC context, or %NULL with @error set
 */
IdemHmac *
idem_hmac_new (const guint8  *key,
               gsize          key_length,
               GError       **error)
{
  g_autoptr(EVP_MAC_CTX) ctx = NULL;
  OSSL_PARAM params[2];
  IdemHmac *self;

  g_return_val_if_fail (key != NULL || key_length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  params[0] = OSSL_PARAM_construct_utf8_string (OSSL_MAC_PARAM_DIGEST, (char *) "SHA2-256", 0);
  params[1] = OSSL_PARAM_construct_end ();

  ctx = EVP_MAC_CTX_new (idem_crypto_fetch_hmac ());
  if (ctx == NULL ||
      EVP_MAC_init (ctx, key != NULL ? key : empty, key_length, params) != 1)
    {
      idem_crypto_set_internal_error (error, _("Setting up HMAC-SHA256"));
      return NULL;
    }

  self = g_new0 (IdemHmac, 1);
  self->ctx = g_steal_pointer (&ctx);

  return self;
}

/**
 * idem_hmac_compute:
 * @self: an HMAC context
 * @data: (array length=length) (nullable): the message
 * @length: its size
 * @mac: (out caller-allocates) (array fixed-size=32): the MAC
 *
 * Computes HMAC-SHA256 of @data under the context's key.
 */
void
idem_hmac_compute (IdemHmac     *self,
                   const guint8 *data,
                   gsize         length,
                   guint8       *mac)
{
  size_t mac_length = 0;

  g_return_if_fail (self != NULL);
  g_return_if_fail (data != NULL || length == 0);
  g_return_if_fail (mac != NULL);

  /* A NULL key restarts from the stored key schedule. */
  if (EVP_MAC_init (self->ctx, NULL, 0, NULL) != 1 ||
      (length > 0 && EVP_MAC_update (self->ctx, data, length) != 1) ||
      EVP_MAC_final (self->ctx, mac, &mac_length, IDEM_SHA256_SIZE) != 1 ||
      mac_length != IDEM_SHA256_SIZE)
    g_error ("HMAC-SHA256 failed inside OpenSSL (out of memory?)");
}

void
idem_hmac_free (IdemHmac *self)
{
  if (self == NULL)
    return;

  EVP_MAC_CTX_free (self->ctx);
  g_free (self);
}

/**
 * idem_hmac_sha256:
 * @key: (array length=key_length) (nullable): the secret key
 * @key_length: its size
 * @data: (array length=length) (nullable): the message
 * @length: its size
 * @mac: (out caller-allocates) (array fixed-size=32): the MAC
 * @error: return location for a #GError
 *
 * Computes one HMAC-SHA256.  For many MACs under one key, use idem_hmac_new().
 *
 * Returns: %TRUE on success
 */
gboolean
idem_hmac_sha256 (const guint8  *key,
                  gsize          key_length,
                  const guint8  *data,
                  gsize          length,
                  guint8        *mac,
                  GError       **error)
{
  g_autoptr(IdemHmac) hmac = NULL;

  g_return_val_if_fail (key != NULL || key_length == 0, FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (mac != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  hmac = idem_hmac_new (key, key_length, error);
  if (hmac == NULL)
    return FALSE;

  idem_hmac_compute (hmac, data, length, mac);

  return TRUE;
}

static gboolean
hkdf_derive (int            mode,
             const guint8  *salt,
             gsize          salt_length,
             const guint8  *key,
             gsize          key_length,
             const guint8  *info,
             gsize          info_length,
             guint8        *out,
             gsize          out_length,
             GError       **error)
{
  g_autoptr(EVP_KDF_CTX) ctx = NULL;
  OSSL_PARAM params[6];
  OSSL_PARAM *p = params;

  *p++ = OSSL_PARAM_construct_utf8_string (OSSL_KDF_PARAM_DIGEST, (char *) "SHA2-256", 0);
  *p++ = OSSL_PARAM_construct_int (OSSL_KDF_PARAM_MODE, &mode);
  *p++ = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_KEY,
                                            (void *) (key != NULL ? key : empty), key_length);
  if (salt_length > 0)
    *p++ = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_SALT, (void *) salt, salt_length);
  if (info_length > 0)
    *p++ = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_INFO, (void *) info, info_length);
  *p = OSSL_PARAM_construct_end ();

  ctx = EVP_KDF_CTX_new (idem_crypto_fetch_hkdf ());
  if (ctx == NULL || EVP_KDF_derive (ctx, out, out_length, params) != 1)
    {
      idem_crypto_wipe (out, out_length);
      idem_crypto_set_internal_error (error, "HKDF-SHA256");
      return FALSE;
    }

  return TRUE;
}

/**
 * idem_hkdf_sha256_extract:
 * @salt: (array length=salt_length) (nullable): the salt; empty means
 *   32 zero bytes, as RFC 5869 says
 * @salt_length: its size
 * @ikm: (array length=ikm_length) (nullable): the input keying material
 * @ikm_length: its size
 * @prk: (out caller-allocates) (array fixed-size=32): the pseudorandom key
 * @error: return location for a #GError
 *
 * The extract step of HKDF (RFC 5869 §2.2).
 *
 * Returns: %TRUE on success
 */
gboolean
idem_hkdf_sha256_extract (const guint8  *salt,
                          gsize          salt_length,
                          const guint8  *ikm,
                          gsize          ikm_length,
                          guint8        *prk,
                          GError       **error)
{
  g_return_val_if_fail (salt != NULL || salt_length == 0, FALSE);
  g_return_val_if_fail (ikm != NULL || ikm_length == 0, FALSE);
  g_return_val_if_fail (prk != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return hkdf_derive (EVP_KDF_HKDF_MODE_EXTRACT_ONLY,
                      salt, salt_length, ikm, ikm_length, NULL, 0,
                      prk, IDEM_SHA256_SIZE, error);
}

static gboolean
check_okm_length (gsize    okm_length,
                  GError **error)
{
  if (okm_length == 0 || okm_length > HKDF_SHA256_MAX_OUTPUT)
    {
      idem_crypto_set_error (error, IDEM_CRYPTO_ERROR_BAD_INPUT,
                             _("HKDF-SHA256 can derive 1 to %d bytes, not %lu"),
                             HKDF_SHA256_MAX_OUTPUT, (gulong) okm_length);
      return FALSE;
    }

  return TRUE;
}

/**
 * idem_hkdf_sha256_expand:
 * @prk: (array length=prk_length): a pseudorandom key of at least 32 bytes
 * @prk_length: its size
 * @info: (array length=info_length) (nullable): context and application
 *   specific information
 * @info_length: its size
 * @okm: (out caller-allocates) (array length=okm_length): the output
 * @okm_length: how many bytes to derive, 1 to 8160
 * @error: return location for a #GError
 *
 * The expand step of HKDF (RFC 5869 §2.3).
 *
 * Returns: %TRUE on success
 */
gboolean
idem_hkdf_sha256_expand (const guint8  *prk,
                         gsize          prk_length,
                         const guint8  *info,
                         gsize          info_length,
                         guint8        *okm,
                         gsize          okm_length,
                         GError       **error)
{
  g_return_val_if_fail (prk != NULL, FALSE);
  g_return_val_if_fail (info != NULL || info_length == 0, FALSE);
  g_return_val_if_fail (okm != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (prk_length < IDEM_SHA256_SIZE)
    {
      idem_crypto_set_error (error, IDEM_CRYPTO_ERROR_BAD_INPUT,
                             _("An HKDF-SHA256 pseudorandom key has at least %d bytes, not %lu"),
                             IDEM_SHA256_SIZE, (gulong) prk_length);
      return FALSE;
    }

  if (!check_okm_length (okm_length, error))
    return FALSE;

  return hkdf_derive (EVP_KDF_HKDF_MODE_EXPAND_ONLY,
                      NULL, 0, prk, prk_length, info, info_length,
                      okm, okm_length, error);
}

/**
 * idem_hkdf_sha256:
 * @salt: (array length=salt_length) (nullable): the salt
 * @salt_length: its size
 * @ikm: (array length=ikm_length) (nullable): the input keying material
 * @ikm_length: its size
 * @info: (array length=info_length) (nullable): context information
 * @info_length: its size
 * @okm: (out caller-allocates) (array length=okm_length): the output
 * @okm_length: how many bytes to derive, 1 to 8160
 * @error: return location for a #GError
 *
 * HKDF-SHA256, extract then expand (RFC 5869).
 *
 * Returns: %TRUE on success
 */
gboolean
idem_hkdf_sha256 (const guint8  *salt,
                  gsize          salt_length,
                  const guint8  *ikm,
                  gsize          ikm_length,
                  const guint8  *info,
                  gsize          info_length,
                  guint8        *okm,
                  gsize          okm_length,
                  GError       **error)
{
  g_return_val_if_fail (salt != NULL || salt_length == 0, FALSE);
  g_return_val_if_fail (ikm != NULL || ikm_length == 0, FALSE);
  g_return_val_if_fail (info != NULL || info_length == 0, FALSE);
  g_return_val_if_fail (okm != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_okm_length (okm_length, error))
    return FALSE;

  return hkdf_derive (EVP_KDF_HKDF_MODE_EXTRACT_AND_EXPAND,
                      salt, salt_length, ikm, ikm_length, info, info_length,
                      okm, okm_length, error);
}
