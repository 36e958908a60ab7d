/* idem-mosip-crypto.h — MOSIP's hybrid encryption envelope for packets
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

#define IDEM_MOSIP_CRYPTO_ERROR (idem_mosip_crypto_error_quark ())

/**
 * IdemMosipCryptoError:
 * @IDEM_MOSIP_CRYPTO_ERROR_BAD_KEY: the key is not an RSA key of at least
 *   2048 bits, or decryption was given a key without its private part
 * @IDEM_MOSIP_CRYPTO_ERROR_TOO_SHORT: the envelope is shorter than its
 *   fixed parts
 * @IDEM_MOSIP_CRYPTO_ERROR_NO_KEY_SPLITTER: `#KEY_SPLITTER#` is missing
 * @IDEM_MOSIP_CRYPTO_ERROR_BAD_KEY_BLOCK: the bytes before the splitter are
 *   not a thumbprint and a wrapped key for a key of this size
 * @IDEM_MOSIP_CRYPTO_ERROR_THUMBPRINT_MISMATCH: the envelope was made for
 *   another certificate
 * @IDEM_MOSIP_CRYPTO_ERROR_UNWRAP_FAILED: the AES key could not be
 *   unwrapped: wrong private key, or the wrapped key was altered
 * @IDEM_MOSIP_CRYPTO_ERROR_AUTH_FAILED: the GCM tag does not match: the
 *   ciphertext, nonce, AAD or tag was altered
 * @IDEM_MOSIP_CRYPTO_ERROR_INTERNAL: OpenSSL failed where it should not
 *
 * Error codes of %IDEM_MOSIP_CRYPTO_ERROR.  The values are stable.
 */
typedef enum
{
  IDEM_MOSIP_CRYPTO_ERROR_BAD_KEY = 1,
  IDEM_MOSIP_CRYPTO_ERROR_TOO_SHORT,
  IDEM_MOSIP_CRYPTO_ERROR_NO_KEY_SPLITTER,
  IDEM_MOSIP_CRYPTO_ERROR_BAD_KEY_BLOCK,
  IDEM_MOSIP_CRYPTO_ERROR_THUMBPRINT_MISMATCH,
  IDEM_MOSIP_CRYPTO_ERROR_UNWRAP_FAILED,
  IDEM_MOSIP_CRYPTO_ERROR_AUTH_FAILED,
  IDEM_MOSIP_CRYPTO_ERROR_INTERNAL,
} IdemMosipCryptoError;

#define IDEM_MOSIP_NONCE_SIZE         12
#define IDEM_MOSIP_AAD_SIZE           32
#define IDEM_MOSIP_THUMBPRINT_SIZE    32
#define IDEM_MOSIP_KEY_SPLITTER       "#KEY_SPLITTER#"
#define IDEM_MOSIP_KEY_SPLITTER_SIZE  14
#define IDEM_MOSIP_TAG_SIZE           16

GQuark    idem_mosip_crypto_error_quark        (void);

void      idem_mosip_certificate_thumbprint    (X509          *certificate,
                                                guint8        *thumbprint);
gsize     idem_mosip_envelope_size             (EVP_PKEY      *key,
                                                gsize          payload_length);
GBytes   *idem_mosip_encrypt                   (GBytes        *payload,
                                                EVP_PKEY      *public_key,
                                                const guint8  *thumbprint,
                                                const guint8  *aad,
                                                GError       **error);
GBytes   *idem_mosip_encrypt_for_certificate   (GBytes        *payload,
                                                X509          *certificate,
                                                const guint8  *aad,
                                                GError       **error);
gboolean  idem_mosip_envelope_get_thumbprint   (GBytes        *envelope,
                                                guint8        *thumbprint,
                                                GError       **error);
GBytes   *idem_mosip_decrypt                   (GBytes        *envelope,
                                                EVP_PKEY      *private_key,
                                                const guint8  *expected_thumbprint,
                                                GError       **error);

G_END_DECLS
