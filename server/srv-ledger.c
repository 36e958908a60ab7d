/* srv-ledger.c — the tamper-evident ledger of identity changes
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * An RFC 9162 Merkle tree in SQLite.  Each append writes its leaf row and
 * the perfect subtrees it completes (one on average), in the caller's
 * transaction: an identity change and its leaf commit or roll back
 * together.  The right edge of the tree (the frontier) stays in memory so
 * an append costs O(log n) hashing and no reads; at start-up it is read
 * back from the stored subtrees with one query per bit of the tree size.
 * After a rollback the frontier is reloaded, since the leaves it counted
 * are gone.
 *
 * A checkpoint signs the tree size, root and time with the server's
 * Ed25519 key.  A timer signs one every second while the tree grows, and
 * the server signs a last one when it stops.
 */

#define G_LOG_DOMAIN "idem-server"

#include "config.h"

#include "srv-ledger.h"
#include "srv-error.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <string.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

struct _SrvLedger
{
  GObject             parent_instance;

  SrvDatabase        *database;
  EVP_PKEY           *signing_key;     /* owned by the server's SrvKeys */
  IdemMerkleFrontier  frontier;
  gboolean            stale;
  gint64              last_time;
  guint64             checkpoint_size;
  gboolean            have_checkpoint;
  guint               checkpoint_source;

  SrvClockFunc        clock;
  gpointer            clock_data;

  /* Prepared per operation, not kept: an open statement would keep the
   * database from closing. */
  sqlite3_stmt       *insert_node;
};

G_DEFINE_FINAL_TYPE (SrvLedger, srv_ledger, G_TYPE_OBJECT)

static gboolean
database_error (SrvLedger  *self,
                GError    **error)
{
  g_set_error (error, SRV_ERROR, SRV_ERROR_DATABASE,
               _("Ledger: %s"), sqlite3_errmsg (srv_database_get_handle (self->database)));
  return FALSE;
}

static void
rollback_cb (void *user_data)
{
  SrvLedger *self = user_data;

  self->stale = TRUE;
}

static gboolean
get_node_cb (guint     level,
             guint64   index,
             guint8   *hash,
             gpointer  user_data,
             GError  **error)
{
  SrvLedger *self = user_data;
  sqlite3 *db = srv_database_get_handle (self->database);
  g_autoptr(sqlite3_stmt) statement = NULL;
  gboolean found;

  if (sqlite3_prepare_v2 (db,
                          level == 0 ? "SELECT leaf_hash FROM ledger_leaf WHERE leaf_index = ?"
                                     : "SELECT hash FROM ledger_node WHERE level = ? AND node_index = ?",
                          -1, &statement, NULL) != SQLITE_OK)
    return database_error (self, error);

  if (level == 0)
    sqlite3_bind_int64 (statement, 1, index);
  else
    {
      sqlite3_bind_int (statement, 1, level);
      sqlite3_bind_int64 (statement, 2, index);
    }

  found = sqlite3_step (statement) == SQLITE_ROW && sqlite3_column_bytes (statement, 0) == 32;
  if (found)
    memcpy (hash, sqlite3_column_blob (statement, 0), 32);

  if (!found)
    g_set_error (error, IDEM_MERKLE_ERROR, IDEM_MERKLE_ERROR_MISSING_NODE,
                 _("The ledger lacks subtree %" PRIu64 " at level %u"), index, level);

  return found;
}

static gboolean
load_frontier (SrvLedger  *self,
               GError    **error)
{
  sqlite3 *db = srv_database_get_handle (self->database);
  g_autoptr(sqlite3_stmt) statement = NULL;
  guint64 size = 0;

  if (sqlite3_prepare_v2 (db, "SELECT max(leaf_index) + 1, max(time) FROM ledger_leaf", -1, &statement, NULL) != SQLITE_OK ||
      sqlite3_step (statement) != SQLITE_ROW)
    return database_error (self, error);

  if (sqlite3_column_type (statement, 0) != SQLITE_NULL)
    {
      size = sqlite3_column_int64 (statement, 0);
      self->last_time = sqlite3_column_int64 (statement, 1);
    }

  if (!idem_merkle_frontier_load (&self->frontier, size, get_node_cb, self, error))
    return FALSE;

  self->stale = FALSE;
  return TRUE;
}

static gboolean
load_checkpoint_size (SrvLedger  *self,
                      GError    **error)
{
  sqlite3 *db = srv_database_get_handle (self->database);
  g_autoptr(sqlite3_stmt) statement = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT max(tree_size) FROM ledger_checkpoint", -1, &statement, NULL) != SQLITE_OK ||
      sqlite3_step (statement) != SQLITE_ROW)
    return database_error (self, error);

  self->have_checkpoint = sqlite3_column_type (statement, 0) != SQLITE_NULL;
  self->checkpoint_size = sqlite3_column_int64 (statement, 0);
  return TRUE;
}

static gboolean
ensure_fresh (SrvLedger  *self,
              GError    **error)
{
  return !self->stale || load_frontier (self, error);
}

static void
srv_ledger_finalize (GObject *object)
{
  SrvLedger *self = (SrvLedger *)object;

  srv_ledger_stop_checkpoints (self);

  if (self->database != NULL && srv_database_is_open (self->database))
    sqlite3_rollback_hook (srv_database_get_handle (self->database), NULL, NULL);

  g_clear_object (&self->database);

  G_OBJECT_CLASS (srv_ledger_parent_class)->finalize (object);
}

static void
srv_ledger_class_init (SrvLedgerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = srv_ledger_finalize;
}

static void
srv_ledger_init (SrvLedger *self)
{
  idem_merkle_frontier_init (&self->frontier);
}

/**
 * srv_ledger_new:
 * @database: the server's open, migrated database
 * @signing_key: the server's Ed25519 key; must outlive the ledger
 * @error: return location for a %SRV_ERROR_DATABASE error
 *
 * Returns: (transfer full) (nullable): the ledger, its frontier loaded
 */
SrvLedger *
srv_ledger_new (SrvDatabase  *database,
                EVP_PKEY     *signing_key,
                GError      **error)
{
  g_autoptr(SrvLedger) self = NULL;

  g_return_val_if_fail (SRV_IS_DATABASE (database), NULL);
  g_return_val_if_fail (signing_key != NULL, NULL);

  self = g_object_new (SRV_TYPE_LEDGER, NULL);
  self->database = g_object_ref (database);
  self->signing_key = signing_key;

  if (!load_frontier (self, error) || !load_checkpoint_size (self, error))
    return NULL;

  sqlite3_rollback_hook (srv_database_get_handle (database), rollback_cb, self);
  return g_steal_pointer (&self);
}

/**
 * srv_ledger_set_clock:
 * @self: a ledger
 * @clock: (nullable): the clock to use; %NULL for the real one
 * @user_data: data for @clock
 */
void
srv_ledger_set_clock (SrvLedger    *self,
                      SrvClockFunc  clock,
                      gpointer      user_data)
{
  g_return_if_fail (SRV_IS_LEDGER (self));

  self->clock = clock;
  self->clock_data = user_data;
}

/**
 * srv_ledger_now:
 * @self: a ledger
 *
 * Returns: the ledger clock's time, µs since the Unix epoch
 */
gint64
srv_ledger_now (SrvLedger *self)
{
  g_return_val_if_fail (SRV_IS_LEDGER (self), 0);

  return self->clock != NULL ? self->clock (self->clock_data) : g_get_real_time ();
}

typedef struct
{
  SrvLedger *self;
  gboolean   failed;
} NodeWrite;

static void
store_node_cb (guint         level,
               guint64       index,
               const guint8 *hash,
               gpointer      user_data)
{
  NodeWrite *write = user_data;
  sqlite3_stmt *statement = write->self->insert_node;

  /* Leaves are stored in their own rows already. */
  if (level == 0 || write->failed)
    return;

  sqlite3_reset (statement);
  sqlite3_bind_int (statement, 1, level);
  sqlite3_bind_int64 (statement, 2, index);
  sqlite3_bind_blob (statement, 3, hash, 32, SQLITE_STATIC);
  if (sqlite3_step (statement) != SQLITE_DONE)
    write->failed = TRUE;
  sqlite3_reset (statement);
}

/* Writes the leaf row and the subtrees it completes into @next's tree. */
static gboolean
write_rows (SrvLedger           *self,
            sqlite3             *db,
            gint64               time,
            const char          *event,
            const char          *record_table,
            gint64               record_id,
            const guint8        *record_hash,
            const guint8        *leaf_hash,
            IdemMerkleFrontier  *next,
            GError             **error)
{
  g_autoptr(SrvStatement) insert_leaf = NULL;
  g_autoptr(SrvStatement) insert_node = NULL;
  NodeWrite write = { self, FALSE };

  /* Every identity written appends leaves: the statements stay compiled
   * in the database's cache. */
  insert_leaf = srv_database_statement (self->database,
                                        "INSERT INTO ledger_leaf (leaf_index, time, event, record_table, record_id,"
                                        " record_hash, leaf_hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                        NULL);
  insert_node = srv_database_statement (self->database,
                                        "INSERT INTO ledger_node (level, node_index, hash) VALUES (?, ?, ?)",
                                        NULL);
  if (insert_leaf == NULL || insert_node == NULL)
    return database_error (self, error);

  sqlite3_bind_int64 (insert_leaf, 1, self->frontier.size);
  sqlite3_bind_int64 (insert_leaf, 2, time);
  sqlite3_bind_text (insert_leaf, 3, event, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert_leaf, 4, record_table, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (insert_leaf, 5, record_id);
  sqlite3_bind_blob (insert_leaf, 6, record_hash, 32, SQLITE_STATIC);
  sqlite3_bind_blob (insert_leaf, 7, leaf_hash, 32, SQLITE_STATIC);
  if (sqlite3_step (insert_leaf) != SQLITE_DONE)
    return database_error (self, error);

  *next = self->frontier;
  self->insert_node = insert_node;
  idem_merkle_frontier_append (next, leaf_hash, store_node_cb, &write);
  self->insert_node = NULL;
  if (write.failed)
    return database_error (self, error);

  return TRUE;
}

/* The leaf and its subtrees go in together even outside a transaction: a
 * leaf without its subtrees would leave a frontier that cannot be read
 * back. */
static gboolean
append_rows (SrvLedger           *self,
             sqlite3             *db,
             gint64               time,
             const char          *event,
             const char          *record_table,
             gint64               record_id,
             const guint8        *record_hash,
             const guint8        *leaf_hash,
             IdemMerkleFrontier  *next,
             GError             **error)
{
  if (sqlite3_exec (db, "SAVEPOINT ledger_append", NULL, NULL, NULL) != SQLITE_OK)
    return database_error (self, error);

  if (!write_rows (self, db, time, event, record_table, record_id, record_hash, leaf_hash, next, error))
    {
      sqlite3_exec (db, "ROLLBACK TO ledger_append; RELEASE ledger_append", NULL, NULL, NULL);
      return FALSE;
    }

  if (sqlite3_exec (db, "RELEASE ledger_append", NULL, NULL, NULL) != SQLITE_OK)
    return database_error (self, error);

  return TRUE;
}

/**
 * srv_ledger_append:
 * @self: a ledger
 * @event: what happened ("identity.create"); a plain name
 * @record_table: the table of the sealed record; a plain name
 * @record_id: the record's id in that table
 * @sealed: (array length=sealed_length): the sealed record's bytes, exactly
 *   as stored in its sealed column
 * @sealed_length: their length
 * @index: (out) (optional): the new leaf's index
 * @error: return location for an error in %SRV_ERROR
 *
 * Appends a leaf.  Call it inside the transaction that writes the record:
 * both commit together.  The leaf holds the record's hash, never the
 * record.
 *
 * Returns: whether the leaf was written
 */
gboolean
srv_ledger_append (SrvLedger     *self,
                   const char    *event,
                   const char    *record_table,
                   gint64         record_id,
                   const guint8  *sealed,
                   gsize          sealed_length,
                   guint64       *index,
                   GError       **error)
{
  sqlite3 *db;
  IdemMerkleFrontier next;
  guint8 record_hash[32];
  guint8 leaf_hash[32];
  gint64 time;

  g_return_val_if_fail (SRV_IS_LEDGER (self), FALSE);
  g_return_val_if_fail (event != NULL && record_table != NULL, FALSE);
  g_return_val_if_fail (sealed != NULL || sealed_length == 0, FALSE);

  if (!ensure_fresh (self, error))
    return FALSE;

  /* Leaf times never go backwards, so the verifier can tell a reordering
   * from a clock step. */
  time = MAX (srv_ledger_now (self), self->last_time);

  idem_sha256 (sealed, sealed_length, record_hash);
  if (!idem_ledger_leaf_hash (time, event, record_table, record_id, record_hash, leaf_hash))
    {
      g_set_error (error, SRV_ERROR, SRV_ERROR_INVALID_ARGUMENT,
                   _("Ledger: bad event or table name “%s”, “%s”"), event, record_table);
      return FALSE;
    }

  db = srv_database_get_handle (self->database);
  if (!append_rows (self, db, time, event, record_table, record_id, record_hash, leaf_hash, &next, error))
    return FALSE;

  if (index != NULL)
    *index = self->frontier.size;
  self->frontier = next;
  self->last_time = time;
  return TRUE;
}

/**
 * srv_ledger_get_database_handle:
 * @self: a ledger
 *
 * Returns: (transfer none): the SQLite connection the ledger writes with
 */
sqlite3 *
srv_ledger_get_database_handle (SrvLedger *self)
{
  g_return_val_if_fail (SRV_IS_LEDGER (self), NULL);

  return srv_database_get_handle (self->database);
}

/**
 * srv_ledger_invalidate:
 * @self: a ledger
 *
 * Tells the ledger that leaves it appended may have been rolled back
 * without SQLite's rollback hook firing (ROLLBACK TO a savepoint): it
 * reloads its frontier from the database before its next use.
 */
void
srv_ledger_invalidate (SrvLedger *self)
{
  g_return_if_fail (SRV_IS_LEDGER (self));

  self->stale = TRUE;
}

/**
 * srv_ledger_get_size:
 * @self: a ledger
 *
 * Returns: the number of leaves, including any appended in an open
 *   transaction
 */
guint64
srv_ledger_get_size (SrvLedger *self)
{
  g_return_val_if_fail (SRV_IS_LEDGER (self), 0);

  if (self->stale)
    load_frontier (self, NULL);

  return self->frontier.size;
}

/**
 * srv_ledger_get_root:
 * @self: a ledger
 * @root: (out caller-allocates) (array fixed-size=32): the current root
 */
void
srv_ledger_get_root (SrvLedger *self,
                     guint8    *root)
{
  g_return_if_fail (SRV_IS_LEDGER (self));

  if (self->stale)
    load_frontier (self, NULL);

  idem_merkle_frontier_get_root (&self->frontier, root);
}

/**
 * srv_ledger_sign_checkpoint:
 * @self: a ledger, outside any transaction
 * @error: return location for an error
 *
 * Signs and stores a checkpoint of the current tree, unless the latest one
 * already covers it.
 *
 * Returns: (transfer full) (nullable): the latest checkpoint
 */
IdemLedgerCheckpoint *
srv_ledger_sign_checkpoint (SrvLedger  *self,
                            GError    **error)
{
  sqlite3 *db;
  g_autoptr(IdemLedgerCheckpoint) checkpoint = NULL;
  g_autoptr(GBytes) message = NULL;
  g_autoptr(sqlite3_stmt) statement = NULL;
  g_autofree char *fingerprint = NULL;

  g_return_val_if_fail (SRV_IS_LEDGER (self), NULL);

  if (!ensure_fresh (self, error))
    return NULL;

  if (self->have_checkpoint && self->checkpoint_size == self->frontier.size)
    return srv_ledger_get_latest_checkpoint (self, error);

  checkpoint = g_new0 (IdemLedgerCheckpoint, 1);
  checkpoint->tree_size = self->frontier.size;
  checkpoint->time = srv_ledger_now (self);
  idem_merkle_frontier_get_root (&self->frontier, checkpoint->root);
  message = idem_ledger_checkpoint_message (checkpoint->tree_size, checkpoint->root, checkpoint->time);
  checkpoint->signature = idem_crypto_sign (self->signing_key, IDEM_SIGNATURE_ED25519,
                                            g_bytes_get_data (message, NULL), g_bytes_get_size (message),
                                            error);
  if (checkpoint->signature == NULL)
    return NULL;

  fingerprint = idem_public_key_fingerprint (self->signing_key);
  db = srv_database_get_handle (self->database);
  if (sqlite3_prepare_v2 (db,
                          "INSERT INTO ledger_checkpoint (tree_size, root_hash, time, signature, key_fingerprint)"
                          " VALUES (?, ?, ?, ?, ?)",
                          -1, &statement, NULL) != SQLITE_OK)
    {
      database_error (self, error);
      return NULL;
    }

  sqlite3_bind_int64 (statement, 1, checkpoint->tree_size);
  sqlite3_bind_blob (statement, 2, checkpoint->root, 32, SQLITE_STATIC);
  sqlite3_bind_int64 (statement, 3, checkpoint->time);
  sqlite3_bind_blob (statement, 4, g_bytes_get_data (checkpoint->signature, NULL),
                     g_bytes_get_size (checkpoint->signature), SQLITE_STATIC);
  sqlite3_bind_text (statement, 5, fingerprint, -1, SQLITE_STATIC);
  if (sqlite3_step (statement) != SQLITE_DONE)
    {
      database_error (self, error);
      return NULL;
    }

  self->have_checkpoint = TRUE;
  self->checkpoint_size = checkpoint->tree_size;
  return g_steal_pointer (&checkpoint);
}

/**
 * srv_ledger_get_latest_checkpoint:
 * @self: a ledger
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the checkpoint of the largest tree
 *   signed so far; %NULL without error when none was signed yet
 */
IdemLedgerCheckpoint *
srv_ledger_get_latest_checkpoint (SrvLedger  *self,
                                  GError    **error)
{
  sqlite3 *db;
  g_autoptr(sqlite3_stmt) statement = NULL;
  g_autoptr(IdemLedgerCheckpoint) checkpoint = NULL;
  int rc;

  g_return_val_if_fail (SRV_IS_LEDGER (self), NULL);

  db = srv_database_get_handle (self->database);
  if (sqlite3_prepare_v2 (db,
                          "SELECT tree_size, root_hash, time, signature FROM ledger_checkpoint"
                          " ORDER BY tree_size DESC LIMIT 1",
                          -1, &statement, NULL) != SQLITE_OK)
    {
      database_error (self, error);
      return NULL;
    }

  rc = sqlite3_step (statement);
  if (rc == SQLITE_DONE)
    return NULL;
  if (rc != SQLITE_ROW || sqlite3_column_bytes (statement, 1) != 32)
    {
      database_error (self, error);
      return NULL;
    }

  checkpoint = g_new0 (IdemLedgerCheckpoint, 1);
  checkpoint->tree_size = sqlite3_column_int64 (statement, 0);
  memcpy (checkpoint->root, sqlite3_column_blob (statement, 1), 32);
  checkpoint->time = sqlite3_column_int64 (statement, 2);
  checkpoint->signature = g_bytes_new (sqlite3_column_blob (statement, 3), sqlite3_column_bytes (statement, 3));
  return g_steal_pointer (&checkpoint);
}

static gboolean
checkpoint_timer_cb (gpointer user_data)
{
  SrvLedger *self = user_data;
  g_autoptr(IdemLedgerCheckpoint) checkpoint = NULL;
  g_autoptr(GError) error = NULL;

  /* A checkpoint covers committed leaves only: wait while a transaction
   * is open. */
  if (!sqlite3_get_autocommit (srv_database_get_handle (self->database)))
    return G_SOURCE_CONTINUE;

  if (srv_ledger_get_size (self) == self->checkpoint_size && self->have_checkpoint)
    return G_SOURCE_CONTINUE;

  checkpoint = srv_ledger_sign_checkpoint (self, &error);
  if (checkpoint == NULL && error != NULL)
    g_message ("Could not sign a ledger checkpoint: %s", error->message);

  return G_SOURCE_CONTINUE;
}

/**
 * srv_ledger_start_checkpoints:
 * @self: a ledger
 * @interval_ms: how often to sign while the tree grows
 *
 * Signs checkpoints from a timer on the thread-default main context.
 */
void
srv_ledger_start_checkpoints (SrvLedger *self,
                              guint      interval_ms)
{
  g_return_if_fail (SRV_IS_LEDGER (self));
  g_return_if_fail (interval_ms > 0);

  srv_ledger_stop_checkpoints (self);
  self->checkpoint_source = g_timeout_add (interval_ms, checkpoint_timer_cb, self);
}

void
srv_ledger_stop_checkpoints (SrvLedger *self)
{
  g_return_if_fail (SRV_IS_LEDGER (self));

  g_clear_handle_id (&self->checkpoint_source, g_source_remove);
}

/**
 * srv_ledger_get_leaf_hash:
 * @self: a ledger
 * @index: a leaf index
 * @leaf_hash: (out caller-allocates) (array fixed-size=32): its hash
 * @error: return location for an error
 *
 * Returns: whether the leaf exists
 */
gboolean
srv_ledger_get_leaf_hash (SrvLedger  *self,
                          guint64     index,
                          guint8     *leaf_hash,
                          GError    **error)
{
  g_return_val_if_fail (SRV_IS_LEDGER (self), FALSE);

  return get_node_cb (0, index, leaf_hash, self, error);
}

static gboolean
check_size (SrvLedger  *self,
            guint64     size,
            GError    **error)
{
  if (size > srv_ledger_get_size (self))
    {
      g_set_error (error, IDEM_MERKLE_ERROR, IDEM_MERKLE_ERROR_OUT_OF_RANGE,
                   _("The ledger holds %" PRIu64 " leaves, fewer than %" PRIu64),
                   srv_ledger_get_size (self), size);
      return FALSE;
    }

  return TRUE;
}

/**
 * srv_ledger_get_root_at:
 * @self: a ledger
 * @size: a tree size, at most the ledger's
 * @root: (out caller-allocates) (array fixed-size=32): the root of the
 *   first @size leaves
 * @error: return location for an error
 *
 * Returns: whether @root was computed
 */
gboolean
srv_ledger_get_root_at (SrvLedger  *self,
                        guint64     size,
                        guint8     *root,
                        GError    **error)
{
  g_return_val_if_fail (SRV_IS_LEDGER (self), FALSE);

  return check_size (self, size, error) &&
         idem_merkle_root (size, get_node_cb, self, root, error);
}

/**
 * srv_ledger_inclusion_proof:
 * @self: a ledger
 * @index: a leaf index
 * @size: the tree size to prove inclusion in
 * @error: return location for an %IDEM_MERKLE_ERROR error
 *
 * Returns: (transfer full) (nullable): the audit path
 */
GBytes *
srv_ledger_inclusion_proof (SrvLedger  *self,
                            guint64     index,
                            guint64     size,
                            GError    **error)
{
  g_return_val_if_fail (SRV_IS_LEDGER (self), NULL);

  if (!check_size (self, size, error))
    return NULL;

  return idem_merkle_inclusion_proof (index, size, get_node_cb, self, error);
}

/**
 * srv_ledger_consistency_proof:
 * @self: a ledger
 * @old_size: the earlier size
 * @new_size: the later size
 * @error: return location for an %IDEM_MERKLE_ERROR error
 *
 * Returns: (transfer full) (nullable): the consistency proof
 */
GBytes *
srv_ledger_consistency_proof (SrvLedger  *self,
                              guint64     old_size,
                              guint64     new_size,
                              GError    **error)
{
  g_return_val_if_fail (SRV_IS_LEDGER (self), NULL);

  if (!check_size (self, new_size, error))
    return NULL;

  return idem_merkle_consistency_proof (old_size, new_size, get_node_cb, self, error);
}

/**
 * srv_ledger_verify:
 * @self: a ledger
 * @problems: (out) (transfer full) (element-type utf8): what is altered,
 *   removed or re-ordered; empty when the ledger is intact
 * @error: return location for an error
 *
 * Runs the offline verifier (the one `idem log verify` runs) on the
 * server's own database.
 *
 * Returns: whether the check could run
 */
gboolean
srv_ledger_verify (SrvLedger  *self,
                   GPtrArray **problems,
                   GError    **error)
{
  g_return_val_if_fail (SRV_IS_LEDGER (self), FALSE);

  return idem_ledger_verify (srv_database_get_handle (self->database), self->signing_key,
                             NULL, NULL, problems, error);
}
