/* idem-packet-reader.h — reads and verifies MOSIP 1.2 registration packets
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
 * IdemPacketCheck:
 * @IDEM_PACKET_CHECK_NOT_DONE: the check was not made (an earlier one
 *   failed, or it cannot be made in this mode)
 * @IDEM_PACKET_CHECK_PASSED: the check passed
 * @IDEM_PACKET_CHECK_FAILED: the check failed
 *
 * The outcome of one check on one sub-packet.
 */
typedef enum
{
  IDEM_PACKET_CHECK_NOT_DONE,
  IDEM_PACKET_CHECK_PASSED,
  IDEM_PACKET_CHECK_FAILED,
} IdemPacketCheck;

typedef struct _IdemPacketSubpacket IdemPacketSubpacket;

/**
 * IdemPacketSigningKeyFunc:
 * @ref_id: the sub-packet's `refid` (`<centre>_<machine>`), or %NULL when
 *   its meta JSON has none
 * @machine_id: the machine part of @ref_id, or %NULL
 * @user_data: the data given with the function
 *
 * Finds the public signing key a registration machine registered.
 *
 * Returns: (transfer full) (nullable): the key, or %NULL if none is known
 */
typedef EVP_PKEY * (*IdemPacketSigningKeyFunc) (const char *ref_id,
                                                const char *machine_id,
                                                gpointer    user_data);

#define IDEM_TYPE_PACKET_READER (idem_packet_reader_get_type ())

G_DECLARE_FINAL_TYPE (IdemPacketReader, idem_packet_reader, IDEM, PACKET_READER, GObject)

IdemPacketReader    *idem_packet_reader_new                        (void);
void                 idem_packet_reader_set_declared               (IdemPacketReader             *self,
                                                                    const char                   *hash,
                                                                    gsize                         size);
void                 idem_packet_reader_set_decryption_key         (IdemPacketReader             *self,
                                                                    EVP_PKEY                     *private_key,
                                                                    const guint8                 *thumbprint);
void                 idem_packet_reader_set_signing_key            (IdemPacketReader             *self,
                                                                    EVP_PKEY                     *public_key);
void                 idem_packet_reader_set_signing_key_func       (IdemPacketReader             *self,
                                                                    IdemPacketSigningKeyFunc      func,
                                                                    gpointer                      user_data,
                                                                    GDestroyNotify                destroy);
void                 idem_packet_reader_set_schema                 (IdemPacketReader             *self,
                                                                    IdemIdSchema                 *schema);
void                 idem_packet_reader_set_plaintext_subpackets   (IdemPacketReader             *self,
                                                                    gboolean                      plaintext);
void                 idem_packet_reader_set_require_signatures     (IdemPacketReader             *self,
                                                                    gboolean                      require);
gboolean             idem_packet_reader_open                       (IdemPacketReader             *self,
                                                                    GBytes                       *packet,
                                                                    GError                      **error);
gboolean             idem_packet_reader_open_file                  (IdemPacketReader             *self,
                                                                    const char                   *path,
                                                                    GError                      **error);
void                 idem_packet_reader_open_file_async            (IdemPacketReader             *self,
                                                                    const char                   *path,
                                                                    GCancellable                 *cancellable,
                                                                    GAsyncReadyCallback           callback,
                                                                    gpointer                      user_data);
gboolean             idem_packet_reader_open_file_finish           (IdemPacketReader             *self,
                                                                    GAsyncResult                 *result,
                                                                    GError                      **error);

const char          *idem_packet_reader_get_rid                    (IdemPacketReader             *self);
const char          *idem_packet_reader_get_process                (IdemPacketReader             *self);
const char          *idem_packet_reader_get_packet_hash            (IdemPacketReader             *self);
gsize                idem_packet_reader_get_packet_size            (IdemPacketReader             *self);
guint                idem_packet_reader_get_n_subpackets           (IdemPacketReader             *self);
IdemPacketSubpacket *idem_packet_reader_get_subpacket              (IdemPacketReader             *self,
                                                                    guint                         index);
IdemPacketSubpacket *idem_packet_reader_find_subpacket             (IdemPacketReader             *self,
                                                                    const char                   *name);
JsonObject          *idem_packet_reader_get_identity               (IdemPacketReader             *self);
GPtrArray           *idem_packet_reader_get_violations             (IdemPacketReader             *self);

const char          *idem_packet_subpacket_get_name                (IdemPacketSubpacket          *subpacket);
const char          *idem_packet_subpacket_get_container_name      (IdemPacketSubpacket          *subpacket);
GBytes              *idem_packet_subpacket_get_meta_json           (IdemPacketSubpacket          *subpacket);
JsonObject          *idem_packet_subpacket_get_identity            (IdemPacketSubpacket          *subpacket);
JsonObject          *idem_packet_subpacket_get_meta_info           (IdemPacketSubpacket          *subpacket);
guint                idem_packet_subpacket_get_n_files             (IdemPacketSubpacket          *subpacket);
const char          *idem_packet_subpacket_get_file_name           (IdemPacketSubpacket          *subpacket,
                                                                    guint                         index);
GBytes              *idem_packet_subpacket_get_file                (IdemPacketSubpacket          *subpacket,
                                                                    const char                   *name);
IdemPacketCheck      idem_packet_subpacket_get_signature_check     (IdemPacketSubpacket          *subpacket);
IdemPacketCheck      idem_packet_subpacket_get_encrypted_hash_check (IdemPacketSubpacket         *subpacket);
IdemPacketCheck      idem_packet_subpacket_get_data_hash_check     (IdemPacketSubpacket          *subpacket);
IdemPacketCheck      idem_packet_subpacket_get_operations_hash_check (IdemPacketSubpacket        *subpacket);

G_END_DECLS
