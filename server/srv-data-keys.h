/* srv-data-keys.h — the symmetric keys that seal identity data
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include <openssl/types.h>

#include "srv-database.h"

G_BEGIN_DECLS

/**
 * SrvDataKeys:
 * @demographics: AES-256-GCM key of demographic records
 * @biometrics: AES-256-GCM key of biometric records
 * @documents: AES-256-GCM key of documents
 * @events: AES-256-GCM key of identity events (UIN, status, VIDs, locks)
 * @lookup: HMAC-SHA256 key of UIN and VID lookups
 *
 * Per-purpose keys derived from one root key.
 */
typedef struct
{
  guint8 demographics[32];
  guint8 biometrics[32];
  guint8 documents[32];
  guint8 events[32];
  guint8 lookup[32];
} SrvDataKeys;

SrvDataKeys *srv_data_keys_load (SrvDatabase  *database,
                                 EVP_PKEY     *encryption_key,
                                 GError      **error);
void         srv_data_keys_free (SrvDataKeys  *keys);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrvDataKeys, srv_data_keys_free)

G_END_DECLS
