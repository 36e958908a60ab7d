/* srv-keys.h — the server's own keys
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include <openssl/evp.h>

#include "srv-config.h"

G_BEGIN_DECLS

/**
 * SrvKeys:
 * @signing: the Ed25519 key the server signs with (ledger checkpoints,
 *   synced data)
 * @encryption: the RSA-3072 key packets are encrypted to (RSA-OAEP)
 * @signing_fingerprint: SHA-256 of the signing public key, hex
 * @encryption_fingerprint: SHA-256 of the encryption public key, hex
 *
 * The server's key pairs, loaded from the keystore at start-up.
 */
typedef struct
{
  EVP_PKEY *signing;
  EVP_PKEY *encryption;
  char     *signing_fingerprint;
  char     *encryption_fingerprint;
} SrvKeys;

gboolean  srv_keys_create (SrvConfig  *config,
                           GError    **error);
SrvKeys  *srv_keys_load   (SrvConfig  *config,
                           GError    **error);
void      srv_keys_free   (SrvKeys    *keys);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrvKeys, srv_keys_free)

G_END_DECLS
