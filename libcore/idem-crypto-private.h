/* idem-crypto-private.h — what the crypto sources share and keep to themselves
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "idem-crypto.h"
#include "idem-openssl-types.h"

G_BEGIN_DECLS

/* Algorithms fetched once for the life of the process: an implicit fetch by
 * name on every call costs more than hashing a short input does. */
EVP_MD     *idem_crypto_fetch_sha256          (void);
EVP_CIPHER *idem_crypto_fetch_aes_256_gcm     (void);
EVP_MAC    *idem_crypto_fetch_hmac            (void);
EVP_KDF    *idem_crypto_fetch_hkdf            (void);

void        idem_crypto_set_error             (GError            **error,
                                               IdemCryptoError     code,
                                               const char         *format,
                                               ...) G_GNUC_PRINTF (3, 4);
void        idem_crypto_set_internal_error    (GError            **error,
                                               const char         *operation);
gboolean    idem_crypto_check_key             (EVP_PKEY           *key,
                                               IdemCryptoKeyType   type,
                                               gboolean            need_private,
                                               GError            **error);

G_END_DECLS
