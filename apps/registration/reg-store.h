/* reg-store.h — the workstation's local database and packet directory
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "idem-ui.h"

G_BEGIN_DECLS

/**
 * REG_STORE_DIR_ENV:
 *
 * The environment variable that, when set, names the directory the store
 * uses instead of `$XDG_DATA_HOME/idem/registration`.  Tests set it.
 */
#define REG_STORE_DIR_ENV "IDEM_REGISTRATION_DIR"

#define REG_STORE_ERROR (reg_store_error_quark ())

/**
 * RegStoreError:
 * @REG_STORE_ERROR_IO: a file or directory could not be read or written
 * @REG_STORE_ERROR_DATABASE: SQLite failed
 * @REG_STORE_ERROR_INVALID_ARGUMENT: a malformed RID, hash, path or reason
 * @REG_STORE_ERROR_EXISTS: a packet with that RID is already stored
 * @REG_STORE_ERROR_NOT_FOUND: no packet has that RID
 * @REG_STORE_ERROR_WRONG_STATE: the packet is not in a state that allows
 *   the change (approving a packet that was uploaded, say)
 * @REG_STORE_ERROR_CORRUPT: a sealed preview does not open: it was altered
 *   or sealed with another machine's key
 *
 * Stable error codes of %REG_STORE_ERROR; new codes are only appended.
 */
typedef enum
{
  REG_STORE_ERROR_IO = 1,
  REG_STORE_ERROR_DATABASE = 2,
  REG_STORE_ERROR_INVALID_ARGUMENT = 3,
  REG_STORE_ERROR_EXISTS = 4,
  REG_STORE_ERROR_NOT_FOUND = 5,
  REG_STORE_ERROR_WRONG_STATE = 6,
  REG_STORE_ERROR_CORRUPT = 7,
} RegStoreError;

/**
 * RegPacketState:
 * @REG_PACKET_STATE_ANY: no state: every packet (only as a filter)
 * @REG_PACKET_STATE_PENDING_APPROVAL: sealed, waiting for the supervisor
 * @REG_PACKET_STATE_APPROVED: approved by the supervisor, not uploaded yet
 * @REG_PACKET_STATE_REJECTED_BY_SUPERVISOR: rejected by the supervisor; it
 *   is still uploaded, so the server knows the RID's fate
 * @REG_PACKET_STATE_UPLOADED: the server acknowledged the upload
 *
 * Where a packet is on this workstation.  The server's own view of it is
 * the packet's server status.  Stable values.
 */
typedef enum
{
  REG_PACKET_STATE_ANY = 0,
  REG_PACKET_STATE_PENDING_APPROVAL = 1,
  REG_PACKET_STATE_APPROVED = 2,
  REG_PACKET_STATE_REJECTED_BY_SUPERVISOR = 3,
  REG_PACKET_STATE_UPLOADED = 4,
} RegPacketState;

/**
 * RegPacketProblem:
 * @REG_PACKET_PROBLEM_MISSING: the packet's file is gone
 * @REG_PACKET_PROBLEM_SIZE: the file's size differs from the recorded one
 *   (a write that did not finish)
 * @REG_PACKET_PROBLEM_HASH: the file's SHA-256 differs from the recorded one
 *
 * What reg_store_check_packets() can find wrong with a stored packet.
 */
typedef enum
{
  REG_PACKET_PROBLEM_MISSING = 1,
  REG_PACKET_PROBLEM_SIZE = 2,
  REG_PACKET_PROBLEM_HASH = 3,
} RegPacketProblem;

/**
 * RegPacket:
 * @rid: the registration ID
 * @path: the packet file
 * @packet_hash: lowercase hex SHA-256 of the file, as declared to the server
 * @size: the file's size in bytes
 * @operator_id: who created the packet
 * @created: when, in Unix seconds
 * @state: where the packet is on this workstation
 * @supervisor_id: (nullable): who approved or rejected it
 * @supervisor_reason: (nullable): the rejection reason's master-data code,
 *   or the approval's comment
 * @decided: when the supervisor decided, in Unix seconds, or 0
 * @declared: when the server accepted the RID sync (hash and size), or 0
 * @uploaded: when the server acknowledged the upload, or 0
 * @server_status: (nullable): the server's last reported status
 *   (`RECEIVED`, `PROCESSING`, `PROCESSED`, `REREGISTER`, `REJECTED`, …)
 * @server_reason: (nullable): the reason or detail that came with it
 * @problem: set by reg_store_check_packets(), 0 otherwise
 * @has_uin: whether the server told the packet's UIN; read it with
 *   reg_store_load_uin()
 *
 * One stored packet, as a copy: changing it changes nothing in the store.
 */
typedef struct
{
  char             *rid;
  char             *path;
  char             *packet_hash;
  guint64           size;
  char             *operator_id;
  gint64            created;
  RegPacketState    state;
  char             *supervisor_id;
  char             *supervisor_reason;
  gint64            decided;
  gint64            declared;
  gint64            uploaded;
  char             *server_status;
  char             *server_reason;
  RegPacketProblem  problem;
  gboolean          has_uin;
} RegPacket;

#define REG_TYPE_PACKET (reg_packet_get_type ())

GType       reg_packet_get_type            (void) G_GNUC_CONST;
RegPacket  *reg_packet_copy                (const RegPacket *packet);
void        reg_packet_free                (RegPacket       *packet);
const char *reg_packet_state_to_string     (RegPacketState   state);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RegPacket, reg_packet_free)

#define REG_TYPE_STORE (reg_store_get_type ())

G_DECLARE_FINAL_TYPE (RegStore, reg_store, REG, STORE, GObject)

GQuark      reg_store_error_quark          (void);

char       *reg_store_get_default_directory (void);
RegStore   *reg_store_new                  (const char      *directory,
                                            GError         **error);
const char *reg_store_get_directory        (RegStore        *self);
const char *reg_store_get_packet_dir       (RegStore        *self);

gboolean    reg_store_add_packet           (RegStore        *self,
                                            const char      *rid,
                                            const char      *path,
                                            const char      *packet_hash,
                                            gsize            size,
                                            const char      *operator_id,
                                            GError         **error);
gboolean    reg_store_add_preview          (RegStore        *self,
                                            const char      *rid,
                                            GBytes          *preview_json,
                                            GError         **error);
GBytes     *reg_store_load_preview         (RegStore        *self,
                                            const char      *rid,
                                            GError         **error);
RegPacket  *reg_store_get_packet           (RegStore        *self,
                                            const char      *rid,
                                            GError         **error);
GPtrArray  *reg_store_list_packets         (RegStore        *self,
                                            RegPacketState   state,
                                            GError         **error);
GPtrArray  *reg_store_list_recent_packets  (RegStore        *self,
                                            guint            limit,
                                            GError         **error);
guint       reg_store_count_packets        (RegStore        *self,
                                            RegPacketState   state,
                                            gint64           created_since);
gboolean    reg_store_set_supervisor_decision (RegStore     *self,
                                               const char   *rid,
                                               gboolean      approved,
                                               const char   *supervisor_id,
                                               const char   *reason,
                                               GError      **error);
gboolean    reg_store_mark_declared        (RegStore        *self,
                                            const char      *rid,
                                            GError         **error);
gboolean    reg_store_mark_uploaded        (RegStore        *self,
                                            const char      *rid,
                                            const char      *server_status,
                                            GError         **error);
gboolean    reg_store_set_server_status    (RegStore        *self,
                                            const char      *rid,
                                            const char      *server_status,
                                            const char      *server_reason,
                                            const char      *uin,
                                            GError         **error);
char       *reg_store_load_uin             (RegStore        *self,
                                            const char      *rid,
                                            GError         **error);
GPtrArray  *reg_store_check_packets        (RegStore        *self,
                                            guint           *n_temporary_removed,
                                            GError         **error);
void        reg_store_check_packets_async  (RegStore            *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
GPtrArray  *reg_store_check_packets_finish (RegStore        *self,
                                            GAsyncResult    *result,
                                            GError         **error);

char       *reg_store_get_value            (RegStore        *self,
                                            const char      *key);
gboolean    reg_store_set_value            (RegStore        *self,
                                            const char      *key,
                                            const char      *value,
                                            GError         **error);

guint       reg_store_add_login_failure    (RegStore        *self,
                                            const char      *user_id,
                                            GError         **error);
void        reg_store_clear_login_failures (RegStore        *self,
                                            const char      *user_id);
guint       reg_store_get_login_failures   (RegStore        *self,
                                            const char      *user_id,
                                            gint64          *last_failure);

gboolean    reg_store_save_sync_document   (RegStore        *self,
                                            const char      *kind,
                                            const char      *content,
                                            GError         **error);
char       *reg_store_load_sync_document   (RegStore        *self,
                                            const char      *kind);
guint       reg_store_next_sequence        (RegStore        *self,
                                            GError         **error);

G_END_DECLS
