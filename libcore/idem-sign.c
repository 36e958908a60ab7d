/* idem-sign.c — RSA-SHA256, Ed25519 and ES256 signatures
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "idem-crypto"

#include "config.h"

#include "idem-crypto-private.h"

#include <glib/gi18n-lib.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#define P256_SCALAR_SIZE (IDEM_ES256_RAW_SIZE / 2)

static const guint8 empty[1];

static gboolean
algorithm_key_type (IdemSignatureAlgorithm   algorithm,
                    IdemCryptoKeyType       *type,
                    const char             **digest)
{
  switch (algorithm)
    {
    case IDEM_SIGNATURE_RSA_SHA256:
      *type = IDEM_CRYPTO_KEY_RSA;
      *digest = "SHA2-256";
      return TRUE;

    case IDEM_SIGNATURE_ED25519:
      /* Pure EdDSA hashes internally and takes no digest. */
      *type = IDEM_CRYPTO_KEY_ED25519;
      *digest = NULL;
      return TRUE;

    case IDEM_SIGNATURE_ES256_DER:
    case IDEM_SIGNATURE_ES256_RAW:
      *type = IDEM_CRYPTO_KEY_EC_P256;
      *digest = "SHA2-256";
      return TRUE;

    default:
      return FALSE;
    }
}

static gboolean
check_algorithm_and_key (EVP_PKEY                *key,
                         IdemSignatureAlgorithm   algorithm,
                         gboolean                 need_private,
                         const char             **digest,
                         GError                 **error)
{
  IdemCryptoKeyType type;

  if (!algorithm_key_type (algorithm, &type, digest))
    {
      idem_crypto_set_error (error, IDEM_CRYPTO_ERROR_BAD_INPUT,
                             _("Unknown signature algorithm %d"), (int) algorithm);
      return FALSE;
    }

  return idem_crypto_check_key (key, type, need_private, error);
}

static EVP_MD_CTX *
signature_context_new (EVP_PKEY               *key,
                       IdemSignatureAlgorithm  algorithm,
                       const char             *digest,
                       gboolean                sign)
{
  g_autoptr(EVP_MD_CTX) ctx = EVP_MD_CTX_new ();
  EVP_PKEY_CTX *pkey_ctx = NULL;
  int ok;

  if (ctx == NULL)
    return NULL;

  if (sign)
    ok = EVP_DigestSignInit_ex (ctx, &pkey_ctx, digest, NULL, NULL, key, NULL);
  else
    ok = EVP_DigestVerifyInit_ex (ctx, &pkey_ctx, digest, NULL, NULL, key, NULL);
  if (ok != 1)
    return NULL;

  /* PKCS#1 v1.5 is OpenSSL's default for RSA too, but MOSIP's verifier
   * accepts nothing else, so it is stated rather than assumed. */
  if (algorithm == IDEM_SIGNATURE_RSA_SHA256 &&
      EVP_PKEY_CTX_set_rsa_padding (pkey_ctx, RSA_PKCS1_PADDING) != 1)
    return NULL;

  return g_steal_pointer (&ctx);
}

/* JOSE and COSE carry an ECDSA signature as r ‖ s, each left-padded to the
 * size of the curve order; OpenSSL speaks DER. */
static GBytes *
ecdsa_der_to_raw (const guint8 *der,
                  gsize         der_length)
{
  g_autoptr(ECDSA_SIG) sig = NULL;
  const unsigned char *p = der;
  const BIGNUM *r;
  const BIGNUM *s;
  guint8 raw[IDEM_ES256_RAW_SIZE];

  sig = d2i_ECDSA_SIG (NULL, &p, (long) der_length);
  if (sig == NULL || p != der + der_length)
    return NULL;

  ECDSA_SIG_get0 (sig, &r, &s);
  if (BN_bn2binpad (r, raw, P256_SCALAR_SIZE) != P256_SCALAR_SIZE ||
      BN_bn2binpad (s, raw + P256_SCALAR_SIZE, P256_SCALAR_SIZE) != P256_SCALAR_SIZE)
    return NULL;

  return g_bytes_new (raw, sizeof raw);
}

static guint8 *
ecdsa_raw_to_der (const guint8 *raw,
                  gsize        *der_length)
{
  g_autoptr(ECDSA_SIG) sig = ECDSA_SIG_new ();
  g_autoptr(BIGNUM) r = BN_bin2bn (raw, P256_SCALAR_SIZE, NULL);
  g_autoptr(BIGNUM) s = BN_bin2bn (raw + P256_SCALAR_SIZE, P256_SCALAR_SIZE, NULL);
  unsigned char *openssl_der = NULL;
  guint8 *der;
  int length;

  if (sig == NULL || r == NULL || s == NULL ||
      ECDSA_SIG_set0 (sig, r, s) != 1)
    return NULL;

  /* The signature owns them now. */
  r = NULL;
  s = NULL;

  length = i2d_ECDSA_SIG (sig, &openssl_der);
  if (length <= 0)
    return NULL;

  der = g_memdup2 (openssl_der, (gsize) length);
  OPENSSL_free (openssl_der);
  *der_length = (gsize) length;

  return der;
}

/**
 * idem_crypto_sign:
 * @private_key: the signing key, matching @algorithm: RSA (2048 bits or
 *   more), Ed25519 or EC P-256
 * @algorithm: the signature scheme
 * @data: (array length=length) (nullable): the message (not a digest:
 *   hashing is part of every scheme here)
 * @length: its size
 * @error: return location for a #GError
 *
 * Signs a message.  %IDEM_SIGNATURE_RSA_SHA256 is MOSIP's packet signature
 * (Java's `SHA256withRSA`).
 *
 * Returns: (transfer full): the signature, or %NULL with @error set
 */
GBytes *
idem_crypto_sign (EVP_PKEY                *private_key,
                  IdemSignatureAlgorithm   algorithm,
                  const guint8            *data,
                  gsize                    length,
                  GError                 **error)
{
  g_autoptr(EVP_MD_CTX) ctx = NULL;
  g_autofree guint8 *signature = NULL;
  const char *digest = NULL;
  size_t signature_length = 0;

  g_return_val_if_fail (private_key != NULL, NULL);
  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_algorithm_and_key (private_key, algorithm, TRUE, &digest, error))
    return NULL;

  if (data == NULL)
    data = empty;

  ctx = signature_context_new (private_key, algorithm, digest, TRUE);
  if (ctx == NULL ||
      EVP_DigestSign (ctx, NULL, &signature_length, data, length) != 1)
    goto failed;

  signature = g_malloc (signature_length);
  if (EVP_DigestSign (ctx, signature, &signature_length, data, length) != 1)
    goto failed;

  if (algorithm == IDEM_SIGNATURE_ES256_RAW)
    {
      GBytes *raw = ecdsa_der_to_raw (signature, signature_length);

      if (raw == NULL)
        goto failed;
      return raw;
    }

  return g_bytes_new_take (g_steal_pointer (&signature), signature_length);

failed:
  idem_crypto_set_internal_error (error, _("Signing"));
  return NULL;
}

/**
 * idem_crypto_verify:
 * @public_key: the signer's key (a private key works too)
 * @algorithm: the signature scheme
 * @data: (array length=length) (nullable): the signed message
 * @length: its size
 * @signature: (array length=signature_length) (nullable): the signature
 * @signature_length: its size
 * @error: return location for a #GError
 *
 * Verifies a signature made by idem_crypto_sign() or any conforming signer.
 * A key of the wrong type gives %IDEM_CRYPTO_ERROR_BAD_KEY; a signature
 * that does not verify, whatever the reason (altered message, another key,
 * malformed or truncated signature), gives %IDEM_CRYPTO_ERROR_BAD_SIGNATURE.
 *
 * Returns: %TRUE if the signature is valid
 */
gboolean
idem_crypto_verify (EVP_PKEY                *public_key,
                    IdemSignatureAlgorithm   algorithm,
                    const guint8            *data,
                    gsize                    length,
                    const guint8            *signature,
                    gsize                    signature_length,
                    GError                 **error)
{
  g_autoptr(EVP_MD_CTX) ctx = NULL;
  g_autofree guint8 *der = NULL;
  const char *digest = NULL;

  g_return_val_if_fail (public_key != NULL, FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (signature != NULL || signature_length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_algorithm_and_key (public_key, algorithm, FALSE, &digest, error))
    return FALSE;

  if (data == NULL)
    data = empty;
  if (signature == NULL)
    signature = empty;

  if (algorithm == IDEM_SIGNATURE_ES256_RAW)
    {
      if (signature_length != IDEM_ES256_RAW_SIZE)
        {
          idem_crypto_set_error (error, IDEM_CRYPTO_ERROR_BAD_SIGNATURE,
                                 _("An ES256 signature has %d bytes, not %lu"),
                                 IDEM_ES256_RAW_SIZE, (gulong) signature_length);
          return FALSE;
        }

      der = ecdsa_raw_to_der (signature, &signature_length);
      if (der == NULL)
        {
          idem_crypto_set_internal_error (error, _("Verifying"));
          return FALSE;
        }
      signature = der;
    }

  ctx = signature_context_new (public_key, algorithm, digest, FALSE);
  if (ctx == NULL)
    {
      idem_crypto_set_internal_error (error, _("Verifying"));
      return FALSE;
    }

  if (EVP_DigestVerify (ctx, signature, signature_length, data, length) != 1)
    {
      idem_crypto_set_error (error, IDEM_CRYPTO_ERROR_BAD_SIGNATURE,
                             _("The signature does not match the data and the key"));
      return FALSE;
    }

  return TRUE;
}
