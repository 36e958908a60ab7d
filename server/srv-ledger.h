/* srv-ledger.h — the tamper-evident ledger of identity changes
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include <openssl/types.h>

#include "srv-database.h"

#include "idem.h"

G_BEGIN_DECLS

/* How often a checkpoint is signed while leaves are appended. */
#define SRV_LEDGER_CHECKPOINT_INTERVAL_MS 1000

/**
 * SrvClockFunc:
 * @user_data: the data given with the function
 *
 * Returns: the time, µs since the Unix epoch; tests inject their own
 */
typedef gint64 (*SrvClockFunc) (gpointer user_data);

#define SRV_TYPE_LEDGER (srv_ledger_get_type ())

G_DECLARE_FINAL_TYPE (SrvLedger, srv_ledger, SRV, LEDGER, GObject)

SrvLedger            *srv_ledger_new                    (SrvDatabase   *database,
                                                         EVP_PKEY      *signing_key,
                                                         GError       **error);
void                  srv_ledger_set_clock              (SrvLedger     *self,
                                                         SrvClockFunc   clock,
                                                         gpointer       user_data);
gint64                srv_ledger_now                    (SrvLedger     *self);
gboolean              srv_ledger_append                 (SrvLedger     *self,
                                                         const char    *event,
                                                         const char    *record_table,
                                                         gint64         record_id,
                                                         const guint8  *sealed,
                                                         gsize          sealed_length,
                                                         guint64       *index,
                                                         GError       **error);
sqlite3              *srv_ledger_get_database_handle    (SrvLedger     *self);
void                  srv_ledger_invalidate             (SrvLedger     *self);
guint64               srv_ledger_get_size               (SrvLedger     *self);
void                  srv_ledger_get_root               (SrvLedger     *self,
                                                         guint8        *root);
IdemLedgerCheckpoint *srv_ledger_sign_checkpoint        (SrvLedger     *self,
                                                         GError       **error);
IdemLedgerCheckpoint *srv_ledger_get_latest_checkpoint  (SrvLedger     *self,
                                                         GError       **error);
void                  srv_ledger_start_checkpoints      (SrvLedger     *self,
                                                         guint          interval_ms);
void                  srv_ledger_stop_checkpoints       (SrvLedger     *self);
gboolean              srv_ledger_get_leaf_hash          (SrvLedger     *self,
                                                         guint64        index,
                                                         guint8        *leaf_hash,
                                                         GError       **error);
gboolean              srv_ledger_get_root_at            (SrvLedger     *self,
                                                         guint64        size,
                                                         guint8        *root,
                                                         GError       **error);
GBytes               *srv_ledger_inclusion_proof        (SrvLedger     *self,
                                                         guint64        index,
                                                         guint64        size,
                                                         GError       **error);
GBytes               *srv_ledger_consistency_proof      (SrvLedger     *self,
                                                         guint64        old_size,
                                                         guint64        new_size,
                                                         GError       **error);
gboolean              srv_ledger_verify                 (SrvLedger     *self,
                                                         GPtrArray    **problems,
                                                         GError       **error);

G_END_DECLS
