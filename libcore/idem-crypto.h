/* idem-crypto.h — the cryptographic primitives Idem builds on, over OpenSSL 3
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#if !defined(IDEM_INSIDE) && !defined(IDEM_COMPILATION)
# error "Only <idem.h> can be included directly."
#endif

#include <glib.h>
#include <openssl/types.h>

G_BEGIN_DECLS

#define IDEM_CRYPTO_ERROR (idem_crypto_error_quark ())

/**
 * IdemCryptoError:
 * @IDEM_CRYPTO_ERROR_BAD_KEY: the key is of the wrong type or size, or lacks
 *   the private part the operation needs
 * @IDEM_CRYPTO_ERROR_BAD_INPUT: an argument has a length or form the
 *   operation cannot accept
 * @IDEM_CRYPTO_ERROR_AUTH_FAILED: authenticated decryption found the data,
 *   the nonce, the associated data or the key altered (GCM tag mismatch)
 * @IDEM_CRYPTO_ERROR_DECRYPT_FAILED: RSA decryption failed: wrong key or
 *   altered ciphertext (deliberately not told apart)
 * @IDEM_CRYPTO_ERROR_BAD_SIGNATURE: the signature does not verify
 * @IDEM_CRYPTO_ERROR_INTERNAL: OpenSSL failed where it should not
 *   (out of memory, missing provider, failing random generator)
 *
 * Error codes of %IDEM_CRYPTO_ERROR.  The values are stable.
 */
typedef enum
{
  IDEM_CRYPTO_ERROR_BAD_KEY = 1,
  IDEM_CRYPTO_ERROR_BAD_INPUT,
  IDEM_CRYPTO_ERROR_AUTH_FAILED,
  IDEM_CRYPTO_ERROR_DECRYPT_FAILED,
  IDEM_CRYPTO_ERROR_BAD_SIGNATURE,
  IDEM_CRYPTO_ERROR_INTERNAL,
} IdemCryptoError;

#define IDEM_SHA256_SIZE        32
#define IDEM_AES_256_KEY_SIZE   32
#define IDEM_GCM_NONCE_SIZE     12
#define IDEM_GCM_TAG_SIZE       16
#define IDEM_ED25519_KEY_SIZE   32
#define IDEM_ES256_RAW_SIZE     64
#define IDEM_RSA_MIN_BITS       2048

/**
 * IdemCryptoKeyType:
 * @IDEM_CRYPTO_KEY_RSA: RSA; the size is given in bits
 * @IDEM_CRYPTO_KEY_ED25519: Ed25519
 * @IDEM_CRYPTO_KEY_EC_P256: ECDSA on NIST P-256 (for ES256)
 *
 * The kinds of asymmetric keys Idem generates and uses.
 */
typedef enum
{
  IDEM_CRYPTO_KEY_RSA = 1,
  IDEM_CRYPTO_KEY_ED25519,
  IDEM_CRYPTO_KEY_EC_P256,
} IdemCryptoKeyType;

/**
 * IdemSignatureAlgorithm:
 * @IDEM_SIGNATURE_RSA_SHA256: RSASSA-PKCS1-v1_5 with SHA-256, as MOSIP signs
 *   packets (JOSE "RS256")
 * @IDEM_SIGNATURE_ED25519: pure Ed25519 (RFC 8032; JOSE "EdDSA")
 * @IDEM_SIGNATURE_ES256_DER: ECDSA P-256 with SHA-256, the signature as an
 *   ASN.1 DER `Ecdsa-Sig-Value` (X.509, CMS)
 * @IDEM_SIGNATURE_ES256_RAW: ECDSA P-256 with SHA-256, the signature as the
 *   64 bytes r ‖ s that JOSE ("ES256") and COSE use
 *
 * The signature schemes of idem_crypto_sign() and idem_crypto_verify().
 */
typedef enum
{
  IDEM_SIGNATURE_RSA_SHA256 = 1,
  IDEM_SIGNATURE_ED25519,
  IDEM_SIGNATURE_ES256_DER,
  IDEM_SIGNATURE_ES256_RAW,
} IdemSignatureAlgorithm;

typedef struct _IdemSha256 IdemSha256;
typedef struct _IdemHmac   IdemHmac;

GQuark      idem_crypto_error_quark          (void);

/* Random numbers, comparison, wiping */
gboolean    idem_crypto_random_bytes         (guint8                 *buffer,
                                              gsize                   length,
                                              GError                **error);
gboolean    idem_crypto_equal                (const guint8           *a,
                                              const guint8           *b,
                                              gsize                   length);
void        idem_crypto_wipe                 (gpointer                buffer,
                                              gsize                   length);
GBytes     *idem_crypto_secret_bytes_new     (const guint8           *data,
                                              gsize                   length);

/* Asymmetric keys */
EVP_PKEY   *idem_crypto_generate_key         (IdemCryptoKeyType       type,
                                              guint                   bits,
                                              GError                **error);
EVP_PKEY   *idem_crypto_ed25519_new_private  (const guint8           *seed,
                                              GError                **error);
EVP_PKEY   *idem_crypto_ed25519_new_public   (const guint8           *public_key,
                                              GError                **error);
gboolean    idem_crypto_ed25519_get_public   (EVP_PKEY               *key,
                                              guint8                 *public_key,
                                              GError                **error);
gboolean    idem_crypto_key_has_private      (EVP_PKEY               *key);

/* SHA-256 */
void        idem_sha256                      (const guint8           *data,
                                              gsize                   length,
                                              guint8                 *digest);
IdemSha256 *idem_sha256_new                  (void);
void        idem_sha256_update               (IdemSha256             *self,
                                              const guint8           *data,
                                              gsize                   length);
void        idem_sha256_finish               (IdemSha256             *self,
                                              guint8                 *digest);
void        idem_sha256_free                 (IdemSha256             *self);

/* HMAC-SHA256 */
gboolean    idem_hmac_sha256                 (const guint8           *key,
                                              gsize                   key_length,
                                              const guint8           *data,
                                              gsize                   length,
                                              guint8                 *mac,
                                              GError                **error);
IdemHmac   *idem_hmac_new                    (const guint8           *key,
                                              gsize                   key_length,
                                              GError                **error);
void        idem_hmac_compute                (IdemHmac               *self,
                                              const guint8           *data,
                                              gsize                   length,
                                              guint8                 *mac);
void        idem_hmac_free                   (IdemHmac               *self);

/* HKDF-SHA256 (RFC 5869) */
gboolean    idem_hkdf_sha256_extract         (const guint8           *salt,
                                              gsize                   salt_length,
                                              const guint8           *ikm,
                                              gsize                   ikm_length,
                                              guint8                 *prk,
                                              GError                **error);
gboolean    idem_hkdf_sha256_expand          (const guint8           *prk,
                                              gsize                   prk_length,
                                              const guint8           *info,
                                              gsize                   info_length,
                                              guint8                 *okm,
                                              gsize                   okm_length,
                                              GError                **error);
gboolean    idem_hkdf_sha256                 (const guint8           *salt,
                                              gsize                   salt_length,
                                              const guint8           *ikm,
                                              gsize                   ikm_length,
                                              const guint8           *info,
                                              gsize                   info_length,
                                              guint8                 *okm,
                                              gsize                   okm_length,
                                              GError                **error);

/* AES-256-GCM */
gboolean    idem_aes_gcm_seal                (const guint8           *key,
                                              const guint8           *nonce,
                                              const guint8           *aad,
                                              gsize                   aad_length,
                                              const guint8           *plaintext,
                                              gsize                   length,
                                              guint8                 *sealed,
                                              GError                **error);
gboolean    idem_aes_gcm_open                (const guint8           *key,
                                              const guint8           *nonce,
                                              const guint8           *aad,
                                              gsize                   aad_length,
                                              const guint8           *sealed,
                                              gsize                   sealed_length,
                                              guint8                 *plaintext,
                                              GError                **error);
GBytes     *idem_aes_gcm_seal_bytes          (const guint8           *key,
                                              const guint8           *nonce,
                                              GBytes                 *aad,
                                              GBytes                 *plaintext,
                                              GError                **error);
GBytes     *idem_aes_gcm_open_bytes          (const guint8           *key,
                                              const guint8           *nonce,
                                              GBytes                 *aad,
                                              GBytes                 *sealed,
                                              GError                **error);

/* RSA-OAEP with SHA-256 and MGF1-SHA-256 */
GBytes     *idem_rsa_oaep_wrap               (EVP_PKEY               *public_key,
                                              const guint8           *secret,
                                              gsize                   length,
                                              GError                **error);
GBytes     *idem_rsa_oaep_unwrap             (EVP_PKEY               *private_key,
                                              const guint8           *wrapped,
                                              gsize                   length,
                                              GError                **error);

/* Signatures */
GBytes     *idem_crypto_sign                 (EVP_PKEY               *private_key,
                                              IdemSignatureAlgorithm  algorithm,
                                              const guint8           *data,
                                              gsize                   length,
                                              GError                **error);
gboolean    idem_crypto_verify               (EVP_PKEY               *public_key,
                                              IdemSignatureAlgorithm  algorithm,
                                              const guint8           *data,
                                              gsize                   length,
                                              const guint8           *signature,
                                              gsize                   signature_length,
                                              GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdemSha256, idem_sha256_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdemHmac, idem_hmac_free)

G_END_DECLS
