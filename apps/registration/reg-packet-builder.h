/* reg-packet-builder.h — turns what a registration collected into a sealed packet
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "idem-ui.h"

G_BEGIN_DECLS

#define REG_PACKET_BUILDER_ERROR (reg_packet_builder_error_quark ())

/**
 * RegPacketBuilderError:
 * @REG_PACKET_BUILDER_ERROR_INCOMPLETE: the registration lacks something
 *   the packet needs (ids, keys, audits, a required biometric)
 * @REG_PACKET_BUILDER_ERROR_BIOMETRICS: a captured image could not be
 *   turned into an ISO 19794 record or CBEFF document
 * @REG_PACKET_BUILDER_ERROR_BUSY: the packet is already being sealed
 *
 * Stable codes of %REG_PACKET_BUILDER_ERROR; new codes are only appended.
 */
typedef enum
{
  REG_PACKET_BUILDER_ERROR_INCOMPLETE = 1,
  REG_PACKET_BUILDER_ERROR_BIOMETRICS = 2,
  REG_PACKET_BUILDER_ERROR_BUSY = 3,
} RegPacketBuilderError;

/* ISO/IEC 19794-4 finger positions, 1 right thumb … 10 left little. */
#define REG_N_FINGERS 10

#define REG_TYPE_PACKET_BUILDER (reg_packet_builder_get_type ())

G_DECLARE_FINAL_TYPE (RegPacketBuilder, reg_packet_builder, REG, PACKET_BUILDER, GObject)

GQuark            reg_packet_builder_error_quark           (void);

const char       *reg_finger_get_attribute                 (guint               position);
const char       *reg_finger_get_subtype                   (guint               position);
const char       *reg_finger_get_label                     (guint               position);
guint             reg_finger_from_attribute                (const char         *attribute);

RegPacketBuilder *reg_packet_builder_new                   (IdemIdSchema       *schema,
                                                            IdemPacketProcess   process);
IdemPacketProcess reg_packet_builder_get_process           (RegPacketBuilder   *self);
void              reg_packet_builder_set_registration      (RegPacketBuilder   *self,
                                                            const char         *rid,
                                                            const char         *centre_id,
                                                            const char         *machine_id);
const char       *reg_packet_builder_get_rid               (RegPacketBuilder   *self);
void              reg_packet_builder_set_operators         (RegPacketBuilder   *self,
                                                            const char         *officer_id,
                                                            const char         *supervisor_id);
void              reg_packet_builder_set_keys              (RegPacketBuilder   *self,
                                                            EVP_PKEY           *signing_key,
                                                            X509               *certificate);
void              reg_packet_builder_set_creation_time     (RegPacketBuilder   *self,
                                                            GDateTime          *time);
void              reg_packet_builder_set_text              (RegPacketBuilder   *self,
                                                            const char         *field,
                                                            const char         *language,
                                                            const char         *value);
void              reg_packet_builder_set_string            (RegPacketBuilder   *self,
                                                            const char         *field,
                                                            const char         *value);
void              reg_packet_builder_add_document          (RegPacketBuilder   *self,
                                                            const char         *field,
                                                            const char         *category,
                                                            const char         *document_type,
                                                            const char         *format,
                                                            GBytes             *bytes);
void              reg_packet_builder_set_face              (RegPacketBuilder   *self,
                                                            IdemVideoFrame     *frame);
void              reg_packet_builder_set_exception_photo   (RegPacketBuilder   *self,
                                                            IdemVideoFrame     *frame);
void              reg_packet_builder_set_finger            (RegPacketBuilder   *self,
                                                            guint               position,
                                                            IdemVideoFrame     *frame,
                                                            int                 quality,
                                                            guint               retries);
void              reg_packet_builder_set_finger_missing    (RegPacketBuilder   *self,
                                                            guint               position,
                                                            const char         *reason);
void              reg_packet_builder_set_introducer_finger (RegPacketBuilder   *self,
                                                            guint               position,
                                                            IdemVideoFrame     *frame,
                                                            int                 quality,
                                                            guint               retries);
void              reg_packet_builder_add_audit             (RegPacketBuilder   *self,
                                                            const char         *event_id,
                                                            const char         *event_name,
                                                            const char         *description);
void              reg_packet_builder_seal_async            (RegPacketBuilder   *self,
                                                            const char         *directory,
                                                            GCancellable       *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer            user_data);
char             *reg_packet_builder_seal_finish           (RegPacketBuilder   *self,
                                                            GAsyncResult       *result,
                                                            GError            **error);
const char       *reg_packet_builder_get_packet_hash       (RegPacketBuilder   *self);
gsize             reg_packet_builder_get_packet_size       (RegPacketBuilder   *self);

G_END_DECLS
