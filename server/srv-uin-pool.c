/* srv-uin-pool.c — pre-generated UINs, each issued at most once
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * UINs are drawn in batches by libcore's generator (MOSIP's generation
 * rules, uniform over valid numbers) and stored as AVAILABLE rows; the
 * table's primary key keeps a number from entering twice, so a number
 * drawn again after it was issued is simply dropped.  srv_uin_pool_assign()
 * runs inside the pipeline's transaction that writes the identity: the
 * UIN becomes ASSIGNED to that packet exactly when the identity exists,
 * and a crash before the commit returns it to the pool untouched.
 *
 * Drawing a batch costs CPU, not the database, so the background refill
 * draws in a thread and inserts on the thread that owns the database.
 */

#define G_LOG_DOMAIN "idem-server"

#include "config.h"

#include "srv-uin-pool.h"
#include "srv-error.h"

#include "idem.h"

#include <glib/gi18n.h>
#include <inttypes.h>

struct _SrvUinPool
{
  GObject      parent_instance;

  SrvDatabase *database;
  guint        low_water;
  guint        batch;
};

G_DEFINE_FINAL_TYPE (SrvUinPool, srv_uin_pool, G_TYPE_OBJECT)

static gboolean
database_error (SrvUinPool  *self,
                GError     **error)
{
  g_set_error (error, SRV_ERROR, SRV_ERROR_DATABASE,
               _("UIN pool: %s"), sqlite3_errmsg (srv_database_get_handle (self->database)));
  return FALSE;
}

/* From the database's statement cache: compiled once for the life of
 * the connection.  Declare them g_autoptr(SrvStatement), never finalize. */
static SrvStatement *
prepare (SrvUinPool  *self,
         const char  *sql,
         GError     **error)
{
  SrvStatement *statement = srv_database_statement (self->database, sql, NULL);

  if (statement == NULL)
    database_error (self, error);
  return statement;
}

static void
srv_uin_pool_finalize (GObject *object)
{
  SrvUinPool *self = (SrvUinPool *)object;

  g_clear_object (&self->database);

  G_OBJECT_CLASS (srv_uin_pool_parent_class)->finalize (object);
}

static void
srv_uin_pool_class_init (SrvUinPoolClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = srv_uin_pool_finalize;
}

static void
srv_uin_pool_init (SrvUinPool *self)
{
}

/**
 * srv_uin_pool_new:
 * @database: the server's migrated database
 * @low_water: refill when fewer UINs than this are available
 * @batch: how many UINs a refill draws
 *
 * Returns: (transfer full): the pool
 */
SrvUinPool *
srv_uin_pool_new (SrvDatabase *database,
                  guint        low_water,
                  guint        batch)
{
  SrvUinPool *self;

  g_return_val_if_fail (SRV_IS_DATABASE (database), NULL);
  g_return_val_if_fail (batch > 0, NULL);

  self = g_object_new (SRV_TYPE_UIN_POOL, NULL);
  self->database = g_object_ref (database);
  self->low_water = low_water;
  self->batch = batch;
  return self;
}

/**
 * srv_uin_pool_count_available:
 * @self: a pool
 * @error: return location for a %SRV_ERROR_DATABASE error
 *
 * Returns: how many UINs wait to be issued, or -1 on error
 */
gint64
srv_uin_pool_count_available (SrvUinPool  *self,
                              GError     **error)
{
  g_autoptr(SrvStatement) statement = NULL;

  g_return_val_if_fail (SRV_IS_UIN_POOL (self), -1);

  statement = prepare (self, "SELECT count(*) FROM uin_pool WHERE status = 'AVAILABLE'", error);
  if (statement == NULL)
    return -1;
  if (sqlite3_step (statement) != SQLITE_ROW)
    {
      database_error (self, error);
      return -1;
    }

  return sqlite3_column_int64 (statement, 0);
}

/**
 * srv_uin_pool_add:
 * @self: a pool
 * @uins: (element-type guint64): UINs from idem_uin_generate_batch()
 * @added: (out) (optional): how many were new to the table
 * @error: return location for a %SRV_ERROR_DATABASE error
 *
 * Adds UINs as AVAILABLE, in one transaction; a UIN the table holds
 * already (available or issued) is skipped.
 *
 * Returns: whether the batch was stored
 */
gboolean
srv_uin_pool_add (SrvUinPool  *self,
                  GArray      *uins,
                  guint       *added,
                  GError     **error)
{
  sqlite3 *db;
  g_autoptr(SrvStatement) statement = NULL;
  guint count = 0;

  g_return_val_if_fail (SRV_IS_UIN_POOL (self), FALSE);
  g_return_val_if_fail (uins != NULL, FALSE);

  db = srv_database_get_handle (self->database);
  if (sqlite3_exec (db, "SAVEPOINT uin_pool_add", NULL, NULL, NULL) != SQLITE_OK)
    return database_error (self, error);

  statement = prepare (self, "INSERT OR IGNORE INTO uin_pool (uin, status) VALUES (?, 'AVAILABLE')", error);
  if (statement == NULL)
    goto fail;

  for (guint i = 0; i < uins->len; i++)
    {
      char text[32];

      g_snprintf (text, sizeof text, "%0*" PRIu64, IDEM_UIN_LENGTH, g_array_index (uins, guint64, i));
      sqlite3_bind_text (statement, 1, text, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (statement) != SQLITE_DONE)
        {
          database_error (self, error);
          goto fail;
        }
      count += sqlite3_changes (db);
      sqlite3_reset (statement);
    }

  g_clear_pointer (&statement, srv_statement_release);
  if (sqlite3_exec (db, "RELEASE uin_pool_add", NULL, NULL, NULL) != SQLITE_OK)
    {
      database_error (self, error);
      goto fail;
    }

  if (added != NULL)
    *added = count;
  return TRUE;

fail:
  g_clear_pointer (&statement, srv_statement_release);
  sqlite3_exec (db, "ROLLBACK TO uin_pool_add; RELEASE uin_pool_add", NULL, NULL, NULL);
  return FALSE;
}

/**
 * srv_uin_pool_refill:
 * @self: a pool
 * @error: return location for an error
 *
 * Draws and adds a batch when fewer than the low-water mark are left.
 *
 * Returns: whether the pool is at or above its low-water mark
 */
gboolean
srv_uin_pool_refill (SrvUinPool  *self,
                     GError     **error)
{
  gint64 available;

  g_return_val_if_fail (SRV_IS_UIN_POOL (self), FALSE);

  available = srv_uin_pool_count_available (self, error);
  if (available < 0)
    return FALSE;

  while (available < (gint64) self->low_water || available == 0)
    {
      g_autoptr(GArray) uins = idem_uin_generate_batch (NULL, self->batch, error);
      guint added = 0;

      if (uins == NULL || !srv_uin_pool_add (self, uins, &added, error))
        return FALSE;
      available += added;
      if (added == 0)
        {
          g_set_error (error, SRV_ERROR, SRV_ERROR_DATABASE,
                       _("UIN pool: a batch of %u new UINs were all issued before: the number space is exhausted"),
                       self->batch);
          return FALSE;
        }
    }

  return TRUE;
}

static void
draw_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SrvUinPool *self = source_object;
  GError *error = NULL;
  GArray *uins = idem_uin_generate_batch (NULL, self->batch, &error);

  if (uins == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, uins, (GDestroyNotify) g_array_unref);
}

/**
 * srv_uin_pool_refill_async:
 * @self: a pool
 * @cancellable: (nullable): a cancellable
 * @callback: called on the calling thread's main context once done
 * @user_data: data for @callback
 *
 * Draws a batch in a thread; srv_uin_pool_refill_finish() stores it on the
 * caller's thread, the one that owns the database.
 */
void
srv_uin_pool_refill_async (SrvUinPool          *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SRV_IS_UIN_POOL (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, srv_uin_pool_refill_async);
  g_task_run_in_thread (task, draw_thread);
}

gboolean
srv_uin_pool_refill_finish (SrvUinPool    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_autoptr(GArray) uins = NULL;

  g_return_val_if_fail (SRV_IS_UIN_POOL (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  uins = g_task_propagate_pointer (G_TASK (result), error);
  if (uins == NULL)
    return FALSE;

  return srv_uin_pool_add (self, uins, NULL, error);
}

/**
 * srv_uin_pool_assign:
 * @self: a pool
 * @rid: the packet the UIN is issued for
 * @error: return location for an error
 *
 * Issues a UIN to @rid; call it inside the transaction that writes the
 * identity.  Asking again for the same @rid returns the UIN it already
 * has, so a repeated stage issues nothing new.  An empty pool is refilled
 * on the spot.
 *
 * Returns: (transfer full) (nullable): the UIN
 */
char *
srv_uin_pool_assign (SrvUinPool  *self,
                     const char  *rid,
                     GError     **error)
{
  g_autoptr(SrvStatement) statement = NULL;
  g_autofree char *uin = NULL;

  g_return_val_if_fail (SRV_IS_UIN_POOL (self), NULL);
  g_return_val_if_fail (rid != NULL, NULL);

  statement = prepare (self, "SELECT uin FROM uin_pool WHERE rid = ?", error);
  if (statement == NULL)
    return NULL;
  sqlite3_bind_text (statement, 1, rid, -1, SQLITE_STATIC);
  if (sqlite3_step (statement) == SQLITE_ROW)
    return g_strdup ((const char *) sqlite3_column_text (statement, 0));
  g_clear_pointer (&statement, srv_statement_release);

  for (guint attempt = 0; attempt < 2 && uin == NULL; attempt++)
    {
      int rc;

      statement = prepare (self, "SELECT uin FROM uin_pool WHERE status = 'AVAILABLE' LIMIT 1", error);
      if (statement == NULL)
        return NULL;
      rc = sqlite3_step (statement);
      if (rc == SQLITE_ROW)
        uin = g_strdup ((const char *) sqlite3_column_text (statement, 0));
      else if (rc != SQLITE_DONE)
        {
          database_error (self, error);
          return NULL;
        }
      g_clear_pointer (&statement, srv_statement_release);

      if (uin == NULL && !srv_uin_pool_refill (self, error))
        return NULL;
    }

  if (uin == NULL)
    {
      g_set_error (error, SRV_ERROR, SRV_ERROR_DATABASE, _("UIN pool: no UIN is available"));
      return NULL;
    }

  statement = prepare (self,
                       "UPDATE uin_pool SET status = 'ASSIGNED', rid = ?, assigned_at = unixepoch ()"
                       " WHERE uin = ? AND status = 'AVAILABLE'", error);
  if (statement == NULL)
    return NULL;
  sqlite3_bind_text (statement, 1, rid, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 2, uin, -1, SQLITE_STATIC);
  if (sqlite3_step (statement) != SQLITE_DONE ||
      sqlite3_changes (srv_database_get_handle (self->database)) != 1)
    {
      database_error (self, error);
      return NULL;
    }

  return g_steal_pointer (&uin);
}

/**
 * srv_uin_pool_lookup_rid:
 * @self: a pool
 * @uin: an issued UIN
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the packet @uin was issued for, or
 *   %NULL without an error when it was not issued
 */
char *
srv_uin_pool_lookup_rid (SrvUinPool  *self,
                         const char  *uin,
                         GError     **error)
{
  g_autoptr(SrvStatement) statement = NULL;
  int rc;

  g_return_val_if_fail (SRV_IS_UIN_POOL (self), NULL);
  g_return_val_if_fail (uin != NULL, NULL);

  statement = prepare (self, "SELECT rid FROM uin_pool WHERE uin = ? AND status = 'ASSIGNED'", error);
  if (statement == NULL)
    return NULL;
  sqlite3_bind_text (statement, 1, uin, -1, SQLITE_STATIC);
  rc = sqlite3_step (statement);
  if (rc == SQLITE_ROW)
    return g_strdup ((const char *) sqlite3_column_text (statement, 0));
  if (rc != SQLITE_DONE)
    database_error (self, error);
  return NULL;
}
