/* idem-packet-writer.h — writes MOSIP 1.2 registration packets
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#if !defined(IDEM_INSIDE) && !defined(IDEM_COMPILATION)
# error "Only <idem.h> can be included directly."
#endif

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <openssl/types.h>

#include "idem-id-schema.h"

G_BEGIN_DECLS

/**
 * IdemPacketProcess:
 * @IDEM_PACKET_PROCESS_NEW: a new registration
 * @IDEM_PACKET_PROCESS_UPDATE: an update of an identity
 * @IDEM_PACKET_PROCESS_LOST: a lost-UIN search
 * @IDEM_PACKET_PROCESS_BIOMETRIC_CORRECTION: a biometric correction
 *
 * The registration processes; each names a folder of the outer container.
 */
typedef enum
{
  IDEM_PACKET_PROCESS_NEW = 1,
  IDEM_PACKET_PROCESS_UPDATE,
  IDEM_PACKET_PROCESS_LOST,
  IDEM_PACKET_PROCESS_BIOMETRIC_CORRECTION,
} IdemPacketProcess;

const char *idem_packet_process_to_string (IdemPacketProcess process);

#define IDEM_TYPE_PACKET_WRITER (idem_packet_writer_get_type ())

G_DECLARE_FINAL_TYPE (IdemPacketWriter, idem_packet_writer, IDEM, PACKET_WRITER, GObject)

IdemPacketWriter *idem_packet_writer_new                       (const char          *rid,
                                                                const char          *centre_id,
                                                                const char          *machine_id,
                                                                IdemPacketProcess    process);
void              idem_packet_writer_set_schema                (IdemPacketWriter    *self,
                                                                IdemIdSchema        *schema);
void              idem_packet_writer_set_value                 (IdemPacketWriter    *self,
                                                                const char          *field,
                                                                JsonNode            *value);
void              idem_packet_writer_set_value_string          (IdemPacketWriter    *self,
                                                                const char          *field,
                                                                const char          *value);
void              idem_packet_writer_add_document              (IdemPacketWriter    *self,
                                                                const char          *field,
                                                                const char          *type,
                                                                const char          *format,
                                                                const char          *ref_number,
                                                                GBytes              *bytes);
void              idem_packet_writer_add_biometrics            (IdemPacketWriter    *self,
                                                                const char          *field,
                                                                GBytes              *cbeff_xml);
void              idem_packet_writer_set_officer_biometrics    (IdemPacketWriter    *self,
                                                                GBytes              *cbeff_xml);
void              idem_packet_writer_set_supervisor_biometrics (IdemPacketWriter    *self,
                                                                GBytes              *cbeff_xml);
void              idem_packet_writer_set_audits                (IdemPacketWriter    *self,
                                                                JsonArray           *audits);
void              idem_packet_writer_set_meta_info             (IdemPacketWriter    *self,
                                                                JsonObject          *meta_info);
void              idem_packet_writer_set_creation_time         (IdemPacketWriter    *self,
                                                                GDateTime           *time);
void              idem_packet_writer_set_signing_key           (IdemPacketWriter    *self,
                                                                EVP_PKEY            *private_key);
void              idem_packet_writer_set_encryption_key        (IdemPacketWriter    *self,
                                                                EVP_PKEY            *public_key,
                                                                const guint8        *thumbprint);
void              idem_packet_writer_set_encryption_certificate (IdemPacketWriter   *self,
                                                                 X509                *certificate);
GBytes           *idem_packet_writer_seal                      (IdemPacketWriter    *self,
                                                                GError             **error);
char             *idem_packet_writer_write_file                (IdemPacketWriter    *self,
                                                                const char          *directory,
                                                                GError             **error);
void              idem_packet_writer_write_file_async          (IdemPacketWriter    *self,
                                                                const char          *directory,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
char             *idem_packet_writer_write_file_finish         (IdemPacketWriter    *self,
                                                                GAsyncResult        *result,
                                                                GError             **error);
const char       *idem_packet_writer_get_packet_id             (IdemPacketWriter    *self);
const char       *idem_packet_writer_get_packet_hash           (IdemPacketWriter    *self);
gsize             idem_packet_writer_get_packet_size           (IdemPacketWriter    *self);

G_END_DECLS
