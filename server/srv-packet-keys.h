/* srv-packet-keys.h — the packet-encryption key of each centre and machine
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include <glib-object.h>
#include <openssl/types.h>

#include "srv-database.h"

G_BEGIN_DECLS

#define SRV_PACKET_KEYS_ERROR (srv_packet_keys_error_quark ())

/**
 * SrvPacketKeysError:
 * @SRV_PACKET_KEYS_ERROR_INVALID_ARGUMENT: a centre, machine or reference
 *   id is empty or malformed
 * @SRV_PACKET_KEYS_ERROR_NOT_FOUND: no key was ever made for the reference id
 * @SRV_PACKET_KEYS_ERROR_CRYPTO: a key could not be made, sealed or opened
 * @SRV_PACKET_KEYS_ERROR_DATABASE: the key could not be stored or read
 *
 * Stable error codes of %SRV_PACKET_KEYS_ERROR.
 */
typedef enum
{
  SRV_PACKET_KEYS_ERROR_INVALID_ARGUMENT = 1,
  SRV_PACKET_KEYS_ERROR_NOT_FOUND = 2,
  SRV_PACKET_KEYS_ERROR_CRYPTO = 3,
  SRV_PACKET_KEYS_ERROR_DATABASE = 4,
} SrvPacketKeysError;

/* RSA modulus of packet-encryption keys. */
#define SRV_PACKET_KEY_BITS 3072

/* How long a packet-encryption certificate is valid. */
#define SRV_PACKET_KEY_VALIDITY_DAYS (3 * 365)

#define SRV_TYPE_PACKET_KEYS (srv_packet_keys_get_type ())

G_DECLARE_FINAL_TYPE (SrvPacketKeys, srv_packet_keys, SRV, PACKET_KEYS, GObject)

GQuark         srv_packet_keys_error_quark          (void);
SrvPacketKeys *srv_packet_keys_new                  (SrvDatabase    *database,
                                                     EVP_PKEY       *encryption_key,
                                                     EVP_PKEY       *signing_key);
char          *srv_packet_keys_reference_id         (const char     *centre_id,
                                                     const char     *machine_id);
char          *srv_packet_keys_get_certificate_pem  (SrvPacketKeys  *self,
                                                     const char     *centre_id,
                                                     const char     *machine_id,
                                                     GError        **error);
EVP_PKEY      *srv_packet_keys_get_private          (SrvPacketKeys  *self,
                                                     const char     *reference_id,
                                                     GError        **error);

G_END_DECLS
