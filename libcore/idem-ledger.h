/* idem-ledger.h — the ledger's leaf and checkpoint formats, and its verifier
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#if !defined(IDEM_INSIDE) && !defined(IDEM_COMPILATION)
# error "Only <idem.h> can be included directly."
#endif

#include <glib.h>
#include <openssl/types.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define IDEM_LEDGER_ERROR (idem_ledger_error_quark ())

/**
 * IdemLedgerError:
 * @IDEM_LEDGER_ERROR_UNREADABLE: the database cannot be read as a ledger
 * @IDEM_LEDGER_ERROR_BAD_CHECKPOINT: a checkpoint is malformed or its
 *   signature does not verify
 *
 * Stable error codes of %IDEM_LEDGER_ERROR: values are never renumbered.
 */
typedef enum
{
  IDEM_LEDGER_ERROR_UNREADABLE = 1,
  IDEM_LEDGER_ERROR_BAD_CHECKPOINT = 2,
} IdemLedgerError;

/* The longest event name and record table name a leaf can hold. */
#define IDEM_LEDGER_MAX_NAME 64

/**
 * IdemLedgerCheckpoint:
 * @tree_size: the number of leaves
 * @root: the tree's root hash
 * @time: when it was signed, microseconds since the Unix epoch
 * @signature: the Ed25519 signature of idem_ledger_checkpoint_message()
 *
 * A signed statement of the ledger's state.
 */
typedef struct
{
  guint64  tree_size;
  guint8   root[32];
  gint64   time;
  GBytes  *signature;
} IdemLedgerCheckpoint;

GQuark                idem_ledger_error_quark          (void);

gboolean              idem_ledger_leaf_hash            (gint64                       time,
                                                        const char                  *event,
                                                        const char                  *record_table,
                                                        gint64                       record_id,
                                                        const guint8                *record_hash,
                                                        guint8                      *leaf_hash);
GBytes               *idem_ledger_checkpoint_message   (guint64                      tree_size,
                                                        const guint8                *root,
                                                        gint64                       time);
gboolean              idem_ledger_checkpoint_verify    (const IdemLedgerCheckpoint  *checkpoint,
                                                        EVP_PKEY                    *public_key,
                                                        GError                     **error);
IdemLedgerCheckpoint *idem_ledger_checkpoint_from_json (const char                  *json,
                                                        GError                     **error);
char                 *idem_ledger_checkpoint_to_json   (const IdemLedgerCheckpoint  *checkpoint);
void                  idem_ledger_checkpoint_free      (IdemLedgerCheckpoint        *checkpoint);

gboolean              idem_ledger_verify               (sqlite3                     *db,
                                                        EVP_PKEY                    *public_key,
                                                        const IdemLedgerCheckpoint  *trusted,
                                                        guint64                     *n_leaves,
                                                        GPtrArray                  **problems,
                                                        GError                     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdemLedgerCheckpoint, idem_ledger_checkpoint_free)

G_END_DECLS
