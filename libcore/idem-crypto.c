/* idem-crypto.c — error domain, random numbers, key generation and key checks
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Every function here and in the other idem-crypto sources leaves OpenSSL's
 * thread-local error queue empty when it returns, success or failure: a stale
 * entry would otherwise be reported by whichever unrelated OpenSSL call fails
 * next (libsoup's TLS, a later verification), and would mislead.
 */

#define G_LOG_DOMAIN "idem-crypto"

#include "config.h"

#include "idem-crypto-private.h"

#include <glib/gi18n-lib.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/provider.h>
#include <openssl/rand.h>

G_DEFINE_QUARK (idem-crypto-error-quark, idem_crypto_error)

/* RAND_bytes() and friends take an int length. */
#define RANDOM_CHUNK (1 << 30)

#define DEFINE_FETCH(func_name, type, fetch_call)                       \
  type *                                                                \
  func_name (void)                                                      \
  {                                                                     \
    static type *algorithm;                                             \
                                                                        \
    if (g_once_init_enter (&algorithm))                                 \
      {                                                                 \
        type *fetched = fetch_call;                                     \
                                                                        \
        if (fetched == NULL)                                            \
          g_error ("OpenSSL's default provider lacks %s", #fetch_call); \
        g_once_init_leave (&algorithm, fetched);                        \
      }                                                                 \
                                                                        \
    return algorithm;                                                   \
  }

DEFINE_FETCH (idem_crypto_fetch_sha256, EVP_MD, EVP_MD_fetch (NULL, "SHA2-256", NULL))
DEFINE_FETCH (idem_crypto_fetch_aes_256_gcm, EVP_CIPHER, EVP_CIPHER_fetch (NULL, "AES-256-GCM", NULL))
DEFINE_FETCH (idem_crypto_fetch_hmac, EVP_MAC, EVP_MAC_fetch (NULL, "HMAC", NULL))
DEFINE_FETCH (idem_crypto_fetch_hkdf, EVP_KDF, EVP_KDF_fetch (NULL, "HKDF", NULL))

void
idem_crypto_set_error (GError          **error,
                       IdemCryptoError   code,
                       const char       *format,
                       ...)
{
  va_list args;

  ERR_clear_error ();

  if (error == NULL)
    return;

  va_start (args, format);
  *error = g_error_new_valist (IDEM_CRYPTO_ERROR, code, format, args);
  va_end (args);
}

/* OpenSSL's reason strings name what failed inside the library and never
 * carry key material, so they are safe to pass on. */
void
idem_crypto_set_internal_error (GError     **error,
                                const char  *operation)
{
  unsigned long code = ERR_peek_last_error ();
  const char *reason = code != 0 ? ERR_reason_error_string (code) : NULL;

  if (reason != NULL)
    idem_crypto_set_error (error, IDEM_CRYPTO_ERROR_INTERNAL,
                           /* Translators: the first %s is an operation such as “AES-256-GCM encryption”, the second OpenSSL's reason */
                           _("%s failed inside OpenSSL: %s"), operation, reason);
  else
    idem_crypto_set_error (error, IDEM_CRYPTO_ERROR_INTERNAL,
                           _("%s failed inside OpenSSL"), operation);
}

static const char *
key_type_name (IdemCryptoKeyType type)
{
  switch (type)
    {
    case IDEM_CRYPTO_KEY_RSA:
      return "RSA";
    case IDEM_CRYPTO_KEY_ED25519:
      return "Ed25519";
    case IDEM_CRYPTO_KEY_EC_P256:
      return "EC P-256";
    default:
      return "?";
    }
}

static gboolean
key_is_type (EVP_PKEY          *key,
             IdemCryptoKeyType  type)
{
  char group[64];
  size_t group_length = 0;
  gboolean is_p256;

  switch (type)
    {
    case IDEM_CRYPTO_KEY_RSA:
      return EVP_PKEY_is_a (key, "RSA");

    case IDEM_CRYPTO_KEY_ED25519:
      return EVP_PKEY_is_a (key, "ED25519");

    case IDEM_CRYPTO_KEY_EC_P256:
      if (!EVP_PKEY_is_a (key, "EC"))
        return FALSE;
      ERR_set_mark ();
      is_p256 = EVP_PKEY_get_group_name (key, group, sizeof group, &group_length) == 1 &&
                (g_str_equal (group, "prime256v1") || g_str_equal (group, "P-256"));
      ERR_pop_to_mark ();
      return is_p256;

    default:
      return FALSE;
    }
}

gboolean
idem_crypto_check_key (EVP_PKEY           *key,
                       IdemCryptoKeyType   type,
                       gboolean            need_private,
                       GError            **error)
{
  if (!key_is_type (key, type))
    {
      idem_crypto_set_error (error, IDEM_CRYPTO_ERROR_BAD_KEY,
                             /* Translators: %s is a key type such as “RSA” or “Ed25519” */
                             _("The key is not an %s key"), key_type_name (type));
      return FALSE;
    }

  if (type == IDEM_CRYPTO_KEY_RSA && EVP_PKEY_get_bits (key) < IDEM_RSA_MIN_BITS)
    {
      idem_crypto_set_error (error, IDEM_CRYPTO_ERROR_BAD_KEY,
                             _("The RSA key has %d bits; at least %d are required"),
                             EVP_PKEY_get_bits (key), IDEM_RSA_MIN_BITS);
      return FALSE;
    }

  if (need_private && !idem_crypto_key_has_private (key))
    {
      idem_crypto_set_error (error, IDEM_CRYPTO_ERROR_BAD_KEY,
                             _("The operation needs a private key, and only a public key was given"));
      return FALSE;
    }

  return TRUE;
}

/**
 * idem_crypto_random_bytes:
 * @buffer: (out caller-allocates) (array length=length): where to write
 * @length: how many bytes to write
 * @error: return location for a #GError
 *
 * Fills @buffer from OpenSSL's CSPRNG, which the kernel seeds.
 *
 * Returns: %TRUE on success; %FALSE only when the generator cannot be
 *   seeded, in which case @buffer is zeroed
 */
gboolean
idem_crypto_random_bytes (guint8  *buffer,
                          gsize    length,
                          GError **error)
{
  g_return_val_if_fail (buffer != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (gsize done = 0; done < length;)
    {
      int chunk = (int) MIN (length - done, (gsize) RANDOM_CHUNK);

      if (RAND_bytes (buffer + done, chunk) != 1)
        {
          memset (buffer, 0, length);
          idem_crypto_set_internal_error (error, _("Random number generation"));
          return FALSE;
        }
      done += chunk;
    }

  return TRUE;
}

/**
 * idem_crypto_equal:
 * @a: (array length=length): first buffer
 * @b: (array length=length): second buffer
 * @length: number of bytes to compare
 *
 * Compares two buffers in time that depends only on @length, so comparing a
 * received MAC or token with the expected one leaks nothing about where they
 * differ.
 *
 * Returns: %TRUE if the buffers are equal
 */
gboolean
idem_crypto_equal (const guint8 *a,
                   const guint8 *b,
                   gsize         length)
{
  g_return_val_if_fail (a != NULL || length == 0, FALSE);
  g_return_val_if_fail (b != NULL || length == 0, FALSE);

  if (length == 0)
    return TRUE;

  return CRYPTO_memcmp (a, b, length) == 0;
}

/**
 * idem_crypto_wipe:
 * @buffer: (nullable): memory holding a secret
 * @length: its size
 *
 * Overwrites a secret in a way the compiler cannot optimise away.
 */
void
idem_crypto_wipe (gpointer buffer,
                  gsize    length)
{
  if (buffer != NULL && length > 0)
    OPENSSL_cleanse (buffer, length);
}

typedef struct
{
  gsize  length;
  guint8 data[];
} SecretBlock;

static void
secret_block_free (gpointer data)
{
  SecretBlock *block = data;

  OPENSSL_cleanse (block->data, block->length);
  g_free (block);
}

/**
 * idem_crypto_secret_bytes_new:
 * @data: (array length=length) (nullable): the secret
 * @length: its size
 *
 * Copies a secret into a #GBytes whose memory is wiped when the last
 * reference goes, so keys handed around as #GBytes do not linger in freed
 * memory.
 *
 * Returns: (transfer full): a new #GBytes
 */
GBytes *
idem_crypto_secret_bytes_new (const guint8 *data,
                              gsize         length)
{
  SecretBlock *block;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  block = g_malloc (sizeof (SecretBlock) + length);
  block->length = length;
  if (length > 0)
    memcpy (block->data, data, length);

  return g_bytes_new_with_free_func (block->data, length, secret_block_free, block);
}

/**
 * idem_crypto_generate_key:
 * @type: the kind of key
 * @bits: the modulus size for %IDEM_CRYPTO_KEY_RSA (2048 to 16384); ignored
 *   for the other types
 * @error: return location for a #GError
 *
 * Generates a fresh key pair.  Generating RSA keys takes a while (a tenth
 * of a second for 2048 bits, a second or more for 4096): do it in a thread.
 *
 * Returns: (transfer full): the key pair, or %NULL with @error set
 */
EVP_PKEY *
idem_crypto_generate_key (IdemCryptoKeyType   type,
                          guint               bits,
                          GError            **error)
{
  EVP_PKEY *key = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  switch (type)
    {
    case IDEM_CRYPTO_KEY_RSA:
      if (bits < IDEM_RSA_MIN_BITS || bits > 16384)
        {
          idem_crypto_set_error (error, IDEM_CRYPTO_ERROR_BAD_INPUT,
                                 _("An RSA key must have between %d and %d bits, not %u"),
                                 IDEM_RSA_MIN_BITS, 16384, bits);
          return NULL;
        }
      key = EVP_PKEY_Q_keygen (NULL, NULL, "RSA", (size_t) bits);
      break;

    case IDEM_CRYPTO_KEY_ED25519:
      key = EVP_PKEY_Q_keygen (NULL, NULL, "ED25519");
      break;

    case IDEM_CRYPTO_KEY_EC_P256:
      key = EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-256");
      break;

    default:
      idem_crypto_set_error (error, IDEM_CRYPTO_ERROR_BAD_INPUT,
                             _("Unknown key type %d"), (int) type);
      return NULL;
    }

  if (key == NULL)
    {
      idem_crypto_set_internal_error (error, _("Key generation"));
      return NULL;
    }

  return key;
}

/**
 * idem_crypto_ed25519_new_private:
 * @seed: (array fixed-size=32): the 32-byte private key of RFC 8032
 * @error: return location for a #GError
 *
 * Builds an Ed25519 key pair from its raw private key, as multikey and JWK
 * encodings carry it.
 *
 * Returns: (transfer full): the key, or %NULL with @error set
 */
EVP_PKEY *
idem_crypto_ed25519_new_private (const guint8  *seed,
                                 GError       **error)
{
  EVP_PKEY *key;

  g_return_val_if_fail (seed != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  key = EVP_PKEY_new_raw_private_key_ex (NULL, "ED25519", NULL, seed, IDEM_ED25519_KEY_SIZE);
  if (key == NULL)
    idem_crypto_set_internal_error (error, _("Loading an Ed25519 private key"));

  return key;
}

/**
 * idem_crypto_ed25519_new_public:
 * @public_key: (array fixed-size=32): the 32-byte encoded point of RFC 8032
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the public key, or %NULL with @error set
 */
EVP_PKEY *
idem_crypto_ed25519_new_public (const guint8  *public_key,
                                GError       **error)
{
  EVP_PKEY *key;

  g_return_val_if_fail (public_key != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  key = EVP_PKEY_new_raw_public_key_ex (NULL, "ED25519", NULL, public_key, IDEM_ED25519_KEY_SIZE);
  if (key == NULL)
    idem_crypto_set_error (error, IDEM_CRYPTO_ERROR_BAD_KEY,
                           _("The bytes are not an Ed25519 public key"));

  return key;
}

/**
 * idem_crypto_ed25519_get_public:
 * @key: an Ed25519 key, public or private
 * @public_key: (out caller-allocates) (array fixed-size=32): the raw public key
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success
 */
gboolean
idem_crypto_ed25519_get_public (EVP_PKEY  *key,
                                guint8    *public_key,
                                GError   **error)
{
  size_t length = IDEM_ED25519_KEY_SIZE;

  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (public_key != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!idem_crypto_check_key (key, IDEM_CRYPTO_KEY_ED25519, FALSE, error))
    return FALSE;

  if (EVP_PKEY_get_raw_public_key (key, public_key, &length) != 1 ||
      length != IDEM_ED25519_KEY_SIZE)
    {
      idem_crypto_set_internal_error (error, _("Reading an Ed25519 public key"));
      return FALSE;
    }

  return TRUE;
}

/**
 * idem_crypto_key_has_private:
 * @key: a key
 *
 * Tells whether @key holds its private part.  Keys that live in another
 * provider (a PKCS#11 token) never export their private part, so for them
 * this answers %TRUE and leaves the verdict to the operation itself.
 *
 * Returns: %TRUE if @key can sign and decrypt
 */
gboolean
idem_crypto_key_has_private (EVP_PKEY *key)
{
  const OSSL_PROVIDER *provider;
  const char *provider_name;
  gboolean has_private = FALSE;

  g_return_val_if_fail (key != NULL, FALSE);

  provider = EVP_PKEY_get0_provider (key);
  provider_name = provider != NULL ? OSSL_PROVIDER_get0_name (provider) : NULL;
  if (provider_name != NULL &&
      !g_str_equal (provider_name, "default") &&
      !g_str_equal (provider_name, "fips"))
    return TRUE;

  ERR_set_mark ();

  if (EVP_PKEY_is_a (key, "ED25519") || EVP_PKEY_is_a (key, "X25519") ||
      EVP_PKEY_is_a (key, "ED448") || EVP_PKEY_is_a (key, "X448"))
    {
      size_t length = 0;

      has_private = EVP_PKEY_get_octet_string_param (key, OSSL_PKEY_PARAM_PRIV_KEY,
                                                     NULL, 0, &length) == 1 && length > 0;
    }
  else
    {
      const char *name = EVP_PKEY_is_a (key, "RSA") ? OSSL_PKEY_PARAM_RSA_D : OSSL_PKEY_PARAM_PRIV_KEY;
      BIGNUM *secret = NULL;

      has_private = EVP_PKEY_get_bn_param (key, name, &secret) == 1 && secret != NULL;
      BN_clear_free (secret);
    }

  ERR_pop_to_mark ();

  return has_private;
}
