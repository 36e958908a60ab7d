/* idem-mosip-crypto.c — MOSIP's hybrid encryption envelope for packets
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The envelope MOSIP 1.2 wraps every sub-packet and the outer packet in
 * (keymanager's cryptomanager, called by packet-manager with a fresh nonce
 * and AAD):
 *
 *   nonce (12) ‖ AAD (32) ‖ thumbprint (32) ‖ RSA-OAEP-SHA256 (AES key)
 *     ‖ "#KEY_SPLITTER#" ‖ AES-256-GCM ciphertext ‖ tag (16)
 *
 * The thumbprint is the SHA-256 of the recipient certificate's DER.  The
 * AAD is 32 random bytes of its own, not the nonce; the GCM authenticates
 * exactly those 32 bytes.  A reader finds the first "#KEY_SPLITTER#" after
 * the AAD, as MOSIP's does.  MOSIP's own decryptor only recognises the
 * thumbprint when the wrapped key is 256 bytes (RSA-2048); larger keys work
 * between Idem peers.
 */

#define G_LOG_DOMAIN "idem-mosip-crypto"

#include "config.h"

#include "idem-mosip-crypto.h"
#include "idem-crypto-private.h"

#include <glib/gi18n-lib.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <string.h>

G_DEFINE_QUARK (idem-mosip-crypto-error-quark, idem_mosip_crypto_error)

#define HEADER_SIZE (IDEM_MOSIP_NONCE_SIZE + IDEM_MOSIP_AAD_SIZE)
#define MIN_ENVELOPE_SIZE (HEADER_SIZE + IDEM_MOSIP_THUMBPRINT_SIZE + \
                           IDEM_MOSIP_KEY_SPLITTER_SIZE + IDEM_MOSIP_TAG_SIZE)

typedef struct
{
  const guint8 *nonce;
  const guint8 *aad;
  const guint8 *thumbprint;
  const guint8 *wrapped_key;
  gsize         wrapped_key_length;
  const guint8 *sealed;
  gsize         sealed_length;
} Envelope;

static void
set_error (GError               **error,
           IdemMosipCryptoError   code,
           const char            *format,
           ...) G_GNUC_PRINTF (3, 4);

static void
set_error (GError               **error,
           IdemMosipCryptoError   code,
           const char            *format,
           ...)
{
  va_list args;

  ERR_clear_error ();

  if (error == NULL)
    return;

  va_start (args, format);
  *error = g_error_new_valist (IDEM_MOSIP_CRYPTO_ERROR, code, format, args);
  va_end (args);
}

/* Hands on a crypto error under this domain, keeping its message. */
static void
propagate_crypto_error (GError               **error,
                        GError                *crypto_error,
                        IdemMosipCryptoError   code)
{
  if (crypto_error->domain == IDEM_CRYPTO_ERROR &&
      crypto_error->code == IDEM_CRYPTO_ERROR_BAD_KEY)
    code = IDEM_MOSIP_CRYPTO_ERROR_BAD_KEY;
  else if (crypto_error->domain == IDEM_CRYPTO_ERROR &&
           crypto_error->code == IDEM_CRYPTO_ERROR_INTERNAL)
    code = IDEM_MOSIP_CRYPTO_ERROR_INTERNAL;

  g_set_error_literal (error, IDEM_MOSIP_CRYPTO_ERROR, code, crypto_error->message);
  g_error_free (crypto_error);
}

static const guint8 *
find_splitter (const guint8 *data,
               gsize         length)
{
  static const guint8 splitter[] = IDEM_MOSIP_KEY_SPLITTER;
  const guint8 *end;

  if (length < IDEM_MOSIP_KEY_SPLITTER_SIZE)
    return NULL;

  end = data + length - IDEM_MOSIP_KEY_SPLITTER_SIZE;
  for (const guint8 *p = data; p <= end; p++)
    {
      p = memchr (p, splitter[0], end - p + 1);
      if (p == NULL)
        return NULL;
      if (memcmp (p, splitter, IDEM_MOSIP_KEY_SPLITTER_SIZE) == 0)
        return p;
    }

  return NULL;
}

static gboolean
envelope_parse (GBytes    *bytes,
                Envelope  *envelope,
                GError   **error)
{
  const guint8 *data;
  const guint8 *splitter;
  gsize length;
  gsize key_block_length;
  gsize rest;

  data = g_bytes_get_data (bytes, &length);

  if (length < MIN_ENVELOPE_SIZE)
    {
      set_error (error, IDEM_MOSIP_CRYPTO_ERROR_TOO_SHORT,
                 _("The encrypted data has %lu bytes, fewer than the %d an envelope needs at least"),
                 (gulong) length, MIN_ENVELOPE_SIZE);
      return FALSE;
    }

  splitter = find_splitter (data + HEADER_SIZE, length - HEADER_SIZE);
  if (splitter == NULL)
    {
      set_error (error, IDEM_MOSIP_CRYPTO_ERROR_NO_KEY_SPLITTER,
                 _("The encrypted data has no “%s” between the wrapped key and the ciphertext"),
                 IDEM_MOSIP_KEY_SPLITTER);
      return FALSE;
    }

  key_block_length = splitter - (data + HEADER_SIZE);
  if (key_block_length <= IDEM_MOSIP_THUMBPRINT_SIZE)
    {
      set_error (error, IDEM_MOSIP_CRYPTO_ERROR_BAD_KEY_BLOCK,
                 _("The key block before “%s” has %lu bytes, too few for a thumbprint and a wrapped key"),
                 IDEM_MOSIP_KEY_SPLITTER, (gulong) key_block_length);
      return FALSE;
    }

  rest = length - (splitter + IDEM_MOSIP_KEY_SPLITTER_SIZE - data);
  if (rest < IDEM_MOSIP_TAG_SIZE)
    {
      set_error (error, IDEM_MOSIP_CRYPTO_ERROR_TOO_SHORT,
                 _("The encrypted data ends %lu bytes after “%s”, before its %d-byte authentication tag"),
                 (gulong) rest, IDEM_MOSIP_KEY_SPLITTER, IDEM_MOSIP_TAG_SIZE);
      return FALSE;
    }

  envelope->nonce = data;
  envelope->aad = data + IDEM_MOSIP_NONCE_SIZE;
  envelope->thumbprint = data + HEADER_SIZE;
  envelope->wrapped_key = envelope->thumbprint + IDEM_MOSIP_THUMBPRINT_SIZE;
  envelope->wrapped_key_length = key_block_length - IDEM_MOSIP_THUMBPRINT_SIZE;
  envelope->sealed = splitter + IDEM_MOSIP_KEY_SPLITTER_SIZE;
  envelope->sealed_length = rest;

  return TRUE;
}

/**
 * idem_mosip_certificate_thumbprint:
 * @certificate: the recipient's encryption certificate
 * @thumbprint: (out caller-allocates) (array fixed-size=32): its thumbprint
 *
 * Computes what MOSIP calls the certificate thumbprint: the SHA-256 of the
 * certificate's DER encoding.
 */
void
idem_mosip_certificate_thumbprint (X509   *certificate,
                                   guint8 *thumbprint)
{
  unsigned char *der = NULL;
  int length;

  g_return_if_fail (certificate != NULL);
  g_return_if_fail (thumbprint != NULL);

  length = i2d_X509 (certificate, &der);
  if (length <= 0)
    g_error ("Encoding a certificate failed inside OpenSSL (out of memory?)");

  idem_sha256 (der, (gsize) length, thumbprint);
  OPENSSL_free (der);
}

/**
 * idem_mosip_envelope_size:
 * @key: the recipient's RSA key
 * @payload_length: the size of the plaintext
 *
 * Returns: the size of the envelope idem_mosip_encrypt() makes for a
 *   payload of @payload_length bytes
 */
gsize
idem_mosip_envelope_size (EVP_PKEY *key,
                          gsize     payload_length)
{
  g_return_val_if_fail (key != NULL, 0);

  return HEADER_SIZE + IDEM_MOSIP_THUMBPRINT_SIZE + (gsize) EVP_PKEY_get_size (key) +
         IDEM_MOSIP_KEY_SPLITTER_SIZE + payload_length + IDEM_MOSIP_TAG_SIZE;
}

/**
 * idem_mosip_encrypt:
 * @payload: the plaintext (a sub-packet zip, or the outer container zip)
 * @public_key: the recipient's RSA public key
 * @thumbprint: (array fixed-size=32): the thumbprint to write, normally
 *   idem_mosip_certificate_thumbprint() of the certificate holding @public_key
 * @aad: (array fixed-size=32) (nullable): the 32 bytes of associated data,
 *   or %NULL for fresh random ones as MOSIP's writer uses
 * @error: return location for a #GError
 *
 * Encrypts @payload into a MOSIP envelope under a fresh AES-256 key, which
 * is wrapped for @public_key with RSA-OAEP-SHA256 and wiped afterwards.
 * The nonce is always fresh and random.
 *
 * Returns: (transfer full): the envelope, or %NULL with @error set
 */
GBytes *
idem_mosip_encrypt (GBytes        *payload,
                    EVP_PKEY      *public_key,
                    const guint8  *thumbprint,
                    const guint8  *aad,
                    GError       **error)
{
  g_autoptr(GBytes) wrapped_key = NULL;
  g_autofree guint8 *envelope = NULL;
  GError *crypto_error = NULL;
  guint8 key[IDEM_AES_256_KEY_SIZE];
  const guint8 *wrapped_data;
  const guint8 *data;
  gsize wrapped_length;
  gsize envelope_length;
  gsize length;
  guint8 *p;
  gboolean sealed;

  g_return_val_if_fail (payload != NULL, NULL);
  g_return_val_if_fail (public_key != NULL, NULL);
  g_return_val_if_fail (thumbprint != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!idem_crypto_check_key (public_key, IDEM_CRYPTO_KEY_RSA, FALSE, &crypto_error))
    {
      propagate_crypto_error (error, crypto_error, IDEM_MOSIP_CRYPTO_ERROR_BAD_KEY);
      return NULL;
    }

  data = g_bytes_get_data (payload, &length);
  envelope_length = idem_mosip_envelope_size (public_key, length);
  envelope = g_malloc (envelope_length);
  p = envelope;

  if (!idem_crypto_random_bytes (p, IDEM_MOSIP_NONCE_SIZE, &crypto_error) ||
      (aad == NULL &&
       !idem_crypto_random_bytes (p + IDEM_MOSIP_NONCE_SIZE, IDEM_MOSIP_AAD_SIZE, &crypto_error)) ||
      !idem_crypto_random_bytes (key, sizeof key, &crypto_error))
    {
      idem_crypto_wipe (key, sizeof key);
      propagate_crypto_error (error, crypto_error, IDEM_MOSIP_CRYPTO_ERROR_INTERNAL);
      return NULL;
    }
  if (aad != NULL)
    memcpy (p + IDEM_MOSIP_NONCE_SIZE, aad, IDEM_MOSIP_AAD_SIZE);
  p += HEADER_SIZE;

  memcpy (p, thumbprint, IDEM_MOSIP_THUMBPRINT_SIZE);
  p += IDEM_MOSIP_THUMBPRINT_SIZE;

  wrapped_key = idem_rsa_oaep_wrap (public_key, key, sizeof key, &crypto_error);
  if (wrapped_key == NULL)
    {
      idem_crypto_wipe (key, sizeof key);
      propagate_crypto_error (error, crypto_error, IDEM_MOSIP_CRYPTO_ERROR_INTERNAL);
      return NULL;
    }
  wrapped_data = g_bytes_get_data (wrapped_key, &wrapped_length);
  g_assert (wrapped_length == (gsize) EVP_PKEY_get_size (public_key));
  memcpy (p, wrapped_data, wrapped_length);
  p += wrapped_length;

  memcpy (p, IDEM_MOSIP_KEY_SPLITTER, IDEM_MOSIP_KEY_SPLITTER_SIZE);
  p += IDEM_MOSIP_KEY_SPLITTER_SIZE;

  sealed = idem_aes_gcm_seal (key, envelope, envelope + IDEM_MOSIP_NONCE_SIZE, IDEM_MOSIP_AAD_SIZE,
                              data, length, p, &crypto_error);
  idem_crypto_wipe (key, sizeof key);
  if (!sealed)
    {
      propagate_crypto_error (error, crypto_error, IDEM_MOSIP_CRYPTO_ERROR_INTERNAL);
      return NULL;
    }

  return g_bytes_new_take (g_steal_pointer (&envelope), envelope_length);
}

/**
 * idem_mosip_encrypt_for_certificate:
 * @payload: the plaintext
 * @certificate: the recipient's encryption certificate (RSA)
 * @aad: (array fixed-size=32) (nullable): associated data, or %NULL for
 *   random
 * @error: return location for a #GError
 *
 * Like idem_mosip_encrypt(), taking the key and the thumbprint from
 * @certificate, as MOSIP's registration client does.
 *
 * Returns: (transfer full): the envelope, or %NULL with @error set
 */
GBytes *
idem_mosip_encrypt_for_certificate (GBytes        *payload,
                                    X509          *certificate,
                                    const guint8  *aad,
                                    GError       **error)
{
  guint8 thumbprint[IDEM_MOSIP_THUMBPRINT_SIZE];
  EVP_PKEY *public_key;

  g_return_val_if_fail (payload != NULL, NULL);
  g_return_val_if_fail (certificate != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  public_key = X509_get0_pubkey (certificate);
  if (public_key == NULL)
    {
      set_error (error, IDEM_MOSIP_CRYPTO_ERROR_BAD_KEY,
                 _("The certificate's public key cannot be read"));
      return NULL;
    }

  idem_mosip_certificate_thumbprint (certificate, thumbprint);

  return idem_mosip_encrypt (payload, public_key, thumbprint, aad, error);
}

/**
 * idem_mosip_envelope_get_thumbprint:
 * @envelope: an envelope
 * @thumbprint: (out caller-allocates) (array fixed-size=32): the thumbprint
 *   of the certificate it was made for
 * @error: return location for a #GError
 *
 * Reads which certificate an envelope was encrypted for, so a reader
 * holding several keys (one per machine) can pick the right one before
 * decrypting.
 *
 * Returns: %TRUE if @envelope is well-formed enough to carry a thumbprint
 */
gboolean
idem_mosip_envelope_get_thumbprint (GBytes  *envelope,
                                    guint8  *thumbprint,
                                    GError **error)
{
  Envelope parsed;

  g_return_val_if_fail (envelope != NULL, FALSE);
  g_return_val_if_fail (thumbprint != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!envelope_parse (envelope, &parsed, error))
    return FALSE;

  memcpy (thumbprint, parsed.thumbprint, IDEM_MOSIP_THUMBPRINT_SIZE);

  return TRUE;
}

/**
 * idem_mosip_decrypt:
 * @envelope: an envelope made by idem_mosip_encrypt() or by MOSIP
 * @private_key: the recipient's RSA private key
 * @expected_thumbprint: (array fixed-size=32) (nullable): the thumbprint of
 *   the certificate holding @private_key's public half; %NULL skips the
 *   check, leaving a wrong key to be caught by the unwrap
 * @error: return location for a #GError
 *
 * Checks and decrypts an envelope.  Each failure has its own code, in the
 * order the checks run: %IDEM_MOSIP_CRYPTO_ERROR_TOO_SHORT,
 * %IDEM_MOSIP_CRYPTO_ERROR_NO_KEY_SPLITTER,
 * %IDEM_MOSIP_CRYPTO_ERROR_BAD_KEY_BLOCK,
 * %IDEM_MOSIP_CRYPTO_ERROR_THUMBPRINT_MISMATCH,
 * %IDEM_MOSIP_CRYPTO_ERROR_UNWRAP_FAILED and
 * %IDEM_MOSIP_CRYPTO_ERROR_AUTH_FAILED.
 *
 * Returns: (transfer full): the payload, or %NULL with @error set
 */
GBytes *
idem_mosip_decrypt (GBytes        *envelope,
                    EVP_PKEY      *private_key,
                    const guint8  *expected_thumbprint,
                    GError       **error)
{
  g_autoptr(GBytes) key = NULL;
  g_autofree guint8 *payload = NULL;
  GError *crypto_error = NULL;
  Envelope parsed;
  const guint8 *key_data;
  gsize key_length;
  gsize payload_length;
  gsize expected_wrapped_length;

  g_return_val_if_fail (envelope != NULL, NULL);
  g_return_val_if_fail (private_key != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!idem_crypto_check_key (private_key, IDEM_CRYPTO_KEY_RSA, TRUE, &crypto_error))
    {
      propagate_crypto_error (error, crypto_error, IDEM_MOSIP_CRYPTO_ERROR_BAD_KEY);
      return NULL;
    }

  if (!envelope_parse (envelope, &parsed, error))
    return NULL;

  expected_wrapped_length = (gsize) EVP_PKEY_get_size (private_key);
  if (parsed.wrapped_key_length != expected_wrapped_length)
    {
      set_error (error, IDEM_MOSIP_CRYPTO_ERROR_BAD_KEY_BLOCK,
                 _("The wrapped key has %lu bytes; a %d-bit RSA key wraps into %lu"),
                 (gulong) parsed.wrapped_key_length, EVP_PKEY_get_bits (private_key),
                 (gulong) expected_wrapped_length);
      return NULL;
    }

  if (expected_thumbprint != NULL &&
      memcmp (parsed.thumbprint, expected_thumbprint, IDEM_MOSIP_THUMBPRINT_SIZE) != 0)
    {
      set_error (error, IDEM_MOSIP_CRYPTO_ERROR_THUMBPRINT_MISMATCH,
                 _("The data was encrypted for another certificate"));
      return NULL;
    }

  key = idem_rsa_oaep_unwrap (private_key, parsed.wrapped_key, parsed.wrapped_key_length, &crypto_error);
  if (key == NULL)
    {
      propagate_crypto_error (error, crypto_error, IDEM_MOSIP_CRYPTO_ERROR_UNWRAP_FAILED);
      return NULL;
    }

  key_data = g_bytes_get_data (key, &key_length);
  if (key_length != IDEM_AES_256_KEY_SIZE)
    {
      set_error (error, IDEM_MOSIP_CRYPTO_ERROR_UNWRAP_FAILED,
                 _("The unwrapped key has %lu bytes, not the %d of an AES-256 key"),
                 (gulong) key_length, IDEM_AES_256_KEY_SIZE);
      return NULL;
    }

  payload_length = parsed.sealed_length - IDEM_MOSIP_TAG_SIZE;
  /* One spare byte keeps the allocation non-empty for an empty payload. */
  payload = g_malloc (payload_length + 1);
  if (!idem_aes_gcm_open (key_data, parsed.nonce, parsed.aad, IDEM_MOSIP_AAD_SIZE,
                          parsed.sealed, parsed.sealed_length, payload, &crypto_error))
    {
      propagate_crypto_error (error, crypto_error, IDEM_MOSIP_CRYPTO_ERROR_AUTH_FAILED);
      return NULL;
    }

  return g_bytes_new_take (g_steal_pointer (&payload), payload_length);
}
