/* idem-packet-meta.h — the JSON and hash files of a packet (private)
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Not part of the umbrella header: shared by the packet writer and reader.
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <openssl/evp.h>

#include "idem-crypto.h"
#include "idem-id-schema.h"

G_BEGIN_DECLS

#define IDEM_PACKET_SOURCE            "REGISTRATION_CLIENT"
#define IDEM_PACKET_PROVIDER_NAME     "PacketWriterImpl"
#define IDEM_PACKET_PROVIDER_VERSION  "v1.0"
#define IDEM_PACKET_DATA_HASH_FILE    "packet_data_hash.txt"
#define IDEM_PACKET_OPS_HASH_FILE     "packet_operations_hash.txt"
#define IDEM_PACKET_ID_FILE           "ID.json"
#define IDEM_PACKET_META_INFO_FILE    "packet_meta_info.json"
#define IDEM_PACKET_AUDIT_FILE        "audit.json"
#define IDEM_PACKET_HEX_HASH_LENGTH   64

/**
 * IdemPacketMeta:
 *
 * The meta JSON that sits next to each sub-packet in the outer container
 * (`<rid>_<name>.json`), decoded.
 */
typedef struct
{
  char   *id;
  char   *packet_name;
  char   *source;
  char   *process;
  char   *schema_version;
  char   *creation_date;
  char   *ref_id;
  char   *provider_name;
  char   *provider_version;
  GBytes *signature;
  guint8  encrypted_hash[32];
  guint   signature_is_standard_base64 : 1;
} IdemPacketMeta;

/* The sub-packets, in the order MOSIP's writer builds them (HashMap order). */
typedef enum
{
  IDEM_PACKET_SUBPACKET_EVIDENCE,
  IDEM_PACKET_SUBPACKET_OPTIONAL,
  IDEM_PACKET_SUBPACKET_ID,
  IDEM_PACKET_N_SUBPACKETS,
} IdemPacketSubpacketKind;

typedef enum
{
  IDEM_PACKET_FIELD_VALUE,
  IDEM_PACKET_FIELD_DOCUMENT,
  IDEM_PACKET_FIELD_BIOMETRICS,
} IdemPacketFieldKind;

/**
 * IdemPacketField:
 *
 * One identity field of an ID schema, as the packet needs it: where it
 * goes (a bit per #IdemPacketSubpacketKind) and what it holds.
 */
typedef struct
{
  char                *name;
  IdemPacketFieldKind  kind;
  guint                subpackets;
} IdemPacketField;

extern const char * const idem_packet_subpacket_names[IDEM_PACKET_N_SUBPACKETS];

GPtrArray      *idem_packet_schema_fields       (IdemIdSchema  *schema);

char           *idem_packet_base64url_encode    (const guint8  *data,
                                                 gsize          length);
GBytes         *idem_packet_base64_decode_any   (const char    *text,
                                                 gboolean      *was_standard);
char           *idem_packet_hex_upper           (const guint8  *digest);
IdemSignatureAlgorithm idem_packet_signature_algorithm (EVP_PKEY      *key);

char           *idem_packet_json_pretty         (JsonNode      *node);
GBytes         *idem_packet_frame_identity      (JsonNode      *identity);
JsonObject     *idem_packet_parse_identity_file (GBytes        *bytes,
                                                 const char    *file,
                                                 GError       **error);

char           *idem_packet_meta_to_json        (const IdemPacketMeta *meta);
IdemPacketMeta *idem_packet_meta_parse          (GBytes        *bytes,
                                                 const char    *file,
                                                 GError       **error);
void            idem_packet_meta_free           (IdemPacketMeta *meta);

JsonArray      *idem_packet_hash_sequence_get   (JsonObject    *meta_info,
                                                 const char    *key,
                                                 const char    *file,
                                                 GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdemPacketMeta, idem_packet_meta_free)

G_END_DECLS
