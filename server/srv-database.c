/* srv-database.c — opening, migrating and closing the SQLite database
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * One connection per process, opened at start-up and closed at shutdown.
 * SQLite is built serialized (SQLITE_THREADSAFE=1) on the platform, so
 * worker threads may share the connection; statements that must not
 * interleave run inside transactions.
 */

#define G_LOG_DOMAIN "idem-server"

#include "config.h"

#include "srv-database.h"
#include "srv-error.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

/* How long a writer waits for another connection's lock (an operator's
 * sqlite3 shell, a backup) before giving up. */
#define BUSY_TIMEOUT_MS 5000

struct _SrvDatabase
{
  GObject  parent_instance;

  char       *path;
  sqlite3    *db;

  /* SQL text → its compiled sqlite3_stmt, for srv_database_statement() */
  GHashTable *statements;
  GThread    *statements_owner;

  /* srv_database_sync_async(): the write-ahead log, opened on first use;
   * whether a sync runs; the callers waiting for the next one. */
  int         wal_fd;
  gboolean    syncing;
  GPtrArray  *sync_waiting;
};

G_DEFINE_FINAL_TYPE (SrvDatabase, srv_database, G_TYPE_OBJECT)

static void
set_sqlite_error (GError     **error,
                  sqlite3     *db,
                  const char  *what)
{
  g_set_error (error, SRV_ERROR, SRV_ERROR_DATABASE,
               "%s: %s", what, db != NULL ? sqlite3_errmsg (db) : "out of memory");
}

static gboolean
query_uint (SrvDatabase  *self,
            const char   *sql,
            guint        *value,
            GError      **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      set_sqlite_error (error, self->db, _("Could not query the database"));
      return FALSE;
    }

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      set_sqlite_error (error, self->db, _("Could not query the database"));
      sqlite3_finalize (stmt);
      return FALSE;
    }

  *value = (guint) sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return TRUE;
}

static gboolean
configure_connection (SrvDatabase  *self,
                      GError      **error)
{
  sqlite3_stmt *stmt = NULL;
  const char *mode;
  gboolean is_wal;

  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);

  /* WAL: readers never block the writer, and a crash loses no committed
   * transaction.  synchronous=FULL because a committed identity or packet
   * receipt must survive a power cut, not only a process crash. */
  if (sqlite3_prepare_v2 (self->db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL) != SQLITE_OK ||
      sqlite3_step (stmt) != SQLITE_ROW)
    {
      set_sqlite_error (error, self->db, _("Could not open the database"));
      sqlite3_finalize (stmt);
      return FALSE;
    }

  mode = (const char *) sqlite3_column_text (stmt, 0);
  is_wal = mode != NULL && g_ascii_strcasecmp (mode, "wal") == 0;
  sqlite3_finalize (stmt);

  if (!is_wal)
    {
      g_set_error (error, SRV_ERROR, SRV_ERROR_DATABASE,
                   _("The database %s cannot use write-ahead logging (is it on a network file system?)"),
                   self->path);
      return FALSE;
    }

  return srv_database_exec (self,
                            "PRAGMA foreign_keys = ON;"
                            "PRAGMA synchronous = FULL;",
                            error);
}

static void
srv_database_finalize (GObject *object)
{
  SrvDatabase *self = (SrvDatabase *)object;

  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->sync_waiting, g_ptr_array_unref);
  if (self->wal_fd >= 0)
    close (self->wal_fd);

  /* Callers close explicitly to learn about checkpoint errors; this is the
   * safety net for error paths. */
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);

  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (srv_database_parent_class)->finalize (object);
}

static void
srv_database_class_init (SrvDatabaseClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = srv_database_finalize;
}

static void
srv_database_init (SrvDatabase *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) sqlite3_finalize);
  self->wal_fd = -1;
  self->sync_waiting = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * srv_database_open:
 * @path: the database file
 * @create: whether to create the file when it does not exist
 * @error: return location for a %SRV_ERROR_DATABASE error
 *
 * Opens the database in WAL mode with foreign keys enforced and a busy
 * timeout.  Does not migrate: see srv_database_migrate().
 *
 * Returns: (transfer full) (nullable): the open database
 */
SrvDatabase *
srv_database_open (const char  *path,
                   gboolean     create,
                   GError     **error)
{
  g_autoptr(SrvDatabase) self = NULL;
  int flags = SQLITE_OPEN_READWRITE;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!create && !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, SRV_ERROR, SRV_ERROR_DATABASE,
                   _("There is no database at %s: was this data directory made by “idem-server init”?"),
                   path);
      return NULL;
    }

  if (create)
    flags |= SQLITE_OPEN_CREATE;

  self = g_object_new (SRV_TYPE_DATABASE, NULL);
  self->path = g_strdup (path);

  if (sqlite3_open_v2 (path, &self->db, flags | SQLITE_OPEN_EXRESCODE, NULL) != SQLITE_OK)
    {
      g_autofree char *what = g_strdup_printf (_("Could not open the database %s"), path);

      set_sqlite_error (error, self->db, what);
      return NULL;
    }

  if (!configure_connection (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
srv_database_get_path (SrvDatabase *self)
{
  g_return_val_if_fail (SRV_IS_DATABASE (self), NULL);

  return self->path;
}

/**
 * srv_database_get_handle:
 * @self: a database
 *
 * Returns: (transfer none) (nullable): the SQLite connection, %NULL once closed
 */
sqlite3 *
srv_database_get_handle (SrvDatabase *self)
{
  g_return_val_if_fail (SRV_IS_DATABASE (self), NULL);

  return self->db;
}

gboolean
srv_database_is_open (SrvDatabase *self)
{
  g_return_val_if_fail (SRV_IS_DATABASE (self), FALSE);

  return self->db != NULL;
}

static gboolean
check_open (SrvDatabase  *self,
            GError      **error)
{
  if (self->db != NULL)
    return TRUE;

  g_set_error (error, SRV_ERROR, SRV_ERROR_DATABASE,
               _("The database %s is closed"), self->path);
  return FALSE;
}

/**
 * srv_database_exec:
 * @self: a database
 * @sql: one or more statements, with no results to read
 * @error: return location for a %SRV_ERROR_DATABASE error
 *
 * Returns: whether every statement succeeded
 */
gboolean
srv_database_exec (SrvDatabase  *self,
                   const char   *sql,
                   GError      **error)
{
  char *message = NULL;

  g_return_val_if_fail (SRV_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (sql != NULL, FALSE);

  if (!check_open (self, error))
    return FALSE;

  if (sqlite3_exec (self->db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, SRV_ERROR, SRV_ERROR_DATABASE,
                   "%s", message != NULL ? message : sqlite3_errmsg (self->db));
      sqlite3_free (message);
      return FALSE;
    }

  return TRUE;
}

/**
 * srv_database_statement:
 * @self: a database
 * @sql: one SQL statement
 * @error: return location for a %SRV_ERROR_DATABASE error
 *
 * Hands out @sql compiled, from a cache kept for the life of the
 * connection: the first call compiles it, the next ones only reset it.
 * The statement comes reset, with its parameters cleared.
 *
 * The statement stays owned by the cache: never finalize it.  Release it
 * as soon as its results are read, with srv_statement_release() or by
 * declaring it `g_autoptr(SrvStatement)`: a statement left stepping keeps
 * its read transaction open.  The same @sql is not to be requested again
 * while it is in use (a nested query of the same text fails here with an
 * error rather than resetting the outer one).
 *
 * Not for PRAGMAs: some act when compiled, not when stepped, and would
 * do nothing the second time.
 *
 * Main context only: the cache belongs to the thread that first calls
 * this, and a call from another thread is a programming error.
 *
 * Returns: (transfer none) (nullable): the statement, ready to bind
 */
SrvStatement *
srv_database_statement (SrvDatabase  *self,
                        const char   *sql,
                        GError      **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (SRV_IS_DATABASE (self), NULL);
  g_return_val_if_fail (sql != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (self->statements_owner == NULL)
    self->statements_owner = g_thread_self ();
  g_return_val_if_fail (self->statements_owner == g_thread_self (), NULL);

  if (!check_open (self, error))
    return NULL;

  stmt = g_hash_table_lookup (self->statements, sql);
  if (stmt != NULL)
    {
      if (sqlite3_stmt_busy (stmt))
        {
          g_set_error (error, SRV_ERROR, SRV_ERROR_DATABASE,
                       "The statement “%s” is already in use", sql);
          return NULL;
        }
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      set_sqlite_error (error, self->db, _("Could not query the database"));
      sqlite3_finalize (stmt);
      return NULL;
    }

  g_hash_table_insert (self->statements, g_strdup (sql), stmt);
  return stmt;
}

/**
 * srv_statement_release:
 * @stmt: (nullable): a statement from srv_database_statement()
 *
 * Ends the statement's run (and with it any read it holds open) and lets
 * go of its parameters, so that it can be handed out again.
 */
void
srv_statement_release (SrvStatement *stmt)
{
  if (stmt == NULL)
    return;

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

/* ---- Group commit ---------------------------------------------------- */

static void start_sync (SrvDatabase *self);

static void
sync_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  int fd = GPOINTER_TO_INT (task_data);
  int result;

  do
    result = fdatasync (fd);
  while (result != 0 && errno == EINTR);

  if (result != 0)
    {
      int saved_errno = errno;

      g_task_return_new_error (task, SRV_ERROR, SRV_ERROR_IO,
                               _("Could not sync the database’s write-ahead log: %s"), g_strerror (saved_errno));
    }
  else
    g_task_return_boolean (task, TRUE);
  close (fd);
}

static void
finish_waiters (GPtrArray    *waiters,
                const GError *error)
{
  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *waiter = g_ptr_array_index (waiters, i);

      if (error != NULL)
        g_task_return_error (waiter, g_error_copy (error));
      else
        g_task_return_boolean (waiter, TRUE);
    }
}

static void
sync_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  SrvDatabase *self = SRV_DATABASE (object);
  g_autoptr(GPtrArray) waiters = user_data;
  g_autoptr(GError) error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);
  self->syncing = FALSE;
  finish_waiters (waiters, error);

  /* Those who came while this sync ran may have committed after it
   * began: they need one of their own, which they share. */
  if (self->sync_waiting->len > 0)
    start_sync (self);
}

static void
start_sync (SrvDatabase *self)
{
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->sync_waiting);
  g_autoptr(GTask) task = NULL;
  int fd;

  self->sync_waiting = g_ptr_array_new_with_free_func (g_object_unref);

  /* SQLite keeps no lock on the log itself, and never replaces the file
   * while this connection is open; fdatasync() on any descriptor of it
   * flushes what every descriptor wrote. */
  if (self->wal_fd < 0 && self->db != NULL)
    {
      g_autofree char *wal_path = g_strconcat (self->path, "-wal", NULL);

      self->wal_fd = g_open (wal_path, O_RDONLY | O_CLOEXEC, 0);
    }
  fd = self->wal_fd >= 0 ? dup (self->wal_fd) : -1;
  if (fd < 0)
    {
      int saved_errno = errno;
      g_autoptr(GError) error = NULL;

      if (self->db == NULL)
        g_set_error (&error, SRV_ERROR, SRV_ERROR_DATABASE, _("The database %s is closed"), self->path);
      else
        g_set_error (&error, SRV_ERROR, SRV_ERROR_IO,
                     _("Could not open the database’s write-ahead log: %s"), g_strerror (saved_errno));
      finish_waiters (waiters, error);
      return;
    }

  self->syncing = TRUE;
  task = g_task_new (self, NULL, sync_done_cb, g_steal_pointer (&waiters));
  g_task_set_source_tag (task, start_sync);
  g_task_set_task_data (task, GINT_TO_POINTER (fd), NULL);
  g_task_run_in_thread (task, sync_thread);
}

/**
 * srv_database_sync_async:
 * @self: a database
 * @cancellable: (nullable): not used; for the usual signature
 * @callback: called on the caller's main context once done
 * @user_data: its data
 *
 * Makes every commit made so far durable, in a thread: what a commit
 * with synchronous=FULL does, but without blocking the main context, and
 * shared: callers that come while a sync runs wait for the next one, and
 * all of them share it.  So a transaction can commit with
 * synchronous=NORMAL (durable against a crash of the process at once, in
 * WAL mode) and answer once this completes, and a burst of commits costs
 * one fsync, not one each.
 *
 * Main context only, like srv_database_statement().
 */
void
srv_database_sync_async (SrvDatabase         *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (SRV_IS_DATABASE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, srv_database_sync_async);
  g_ptr_array_add (self->sync_waiting, task);
  if (!self->syncing)
    start_sync (self);
}

/**
 * srv_database_sync_finish:
 * @self: a database
 * @result: the result given to the callback
 * @error: return location for a %SRV_ERROR_IO or %SRV_ERROR_DATABASE error
 *
 * Returns: whether every commit made before srv_database_sync_async() was
 *   called is durable
 */
gboolean
srv_database_sync_finish (SrvDatabase   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
record_migration (SrvDatabase         *self,
                  const SrvMigration  *migration,
                  GError             **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (self->db,
                          "INSERT INTO schema_migrations (version, description, applied_at)"
                          " VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      set_sqlite_error (error, self->db, _("Could not record a migration"));
      return FALSE;
    }

  sqlite3_bind_int64 (stmt, 1, migration->version);
  sqlite3_bind_text (stmt, 2, migration->description, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, self->db, _("Could not record a migration"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
apply_one (SrvDatabase         *self,
           const SrvMigration  *migration,
           GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  guint current = 0;

  if (!srv_database_exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;

  /* Read again under the write lock: another process may have applied this
   * step since we looked. */
  if (!query_uint (self, "SELECT coalesce(max(version), 0) FROM schema_migrations", &current, &local_error))
    goto fail;

  if (current >= migration->version)
    return srv_database_exec (self, "COMMIT", error);

  if (!srv_database_exec (self, migration->sql, &local_error) ||
      !record_migration (self, migration, &local_error) ||
      !srv_database_exec (self, "COMMIT", &local_error))
    goto fail;

  g_info ("Applied database migration %u (%s)", migration->version, migration->description);
  return TRUE;

fail:
  srv_database_exec (self, "ROLLBACK", NULL);
  g_set_error (error, SRV_ERROR, SRV_ERROR_DATABASE,
               _("Database migration %u (%s) failed and was rolled back: %s"),
               migration->version, migration->description, local_error->message);
  return FALSE;
}

/**
 * srv_database_apply_migrations:
 * @self: a database
 * @migrations: (array length=n_migrations): steps numbered 1 to @n_migrations
 * @n_migrations: the number of steps
 * @error: return location for an error in %SRV_ERROR
 *
 * Applies, in order, each step the database has not recorded yet, each in
 * its own transaction: a failing step is rolled back and leaves the database
 * at the previous version.  A database whose version is above
 * @n_migrations was written by a newer server and is refused with
 * %SRV_ERROR_SCHEMA_TOO_NEW, untouched.
 *
 * Returns: whether the database is now at version @n_migrations
 */
gboolean
srv_database_apply_migrations (SrvDatabase         *self,
                               const SrvMigration  *migrations,
                               guint                n_migrations,
                               GError             **error)
{
  guint current = 0;

  g_return_val_if_fail (SRV_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (migrations != NULL || n_migrations == 0, FALSE);

  for (guint i = 0; i < n_migrations; i++)
    g_return_val_if_fail (migrations[i].version == i + 1, FALSE);

  if (!srv_database_exec (self,
                          "CREATE TABLE IF NOT EXISTS schema_migrations ("
                          "  version     INTEGER PRIMARY KEY NOT NULL,"
                          "  description TEXT NOT NULL,"
                          "  applied_at  TEXT NOT NULL"
                          ") STRICT",
                          error) ||
      !srv_database_get_schema_version (self, &current, error))
    return FALSE;

  if (current > n_migrations)
    {
      g_set_error (error, SRV_ERROR, SRV_ERROR_SCHEMA_TOO_NEW,
                   _("The database %s has schema version %u, but this idem-server knows versions up to %u only: run the newer idem-server that wrote it (databases are never migrated backwards)"),
                   self->path, current, n_migrations);
      return FALSE;
    }

  for (guint i = current; i < n_migrations; i++)
    {
      if (!apply_one (self, &migrations[i], error))
        return FALSE;
    }

  return TRUE;
}

/**
 * srv_database_migrate:
 * @self: a database
 * @error: return location for an error in %SRV_ERROR
 *
 * Brings the database to this server's schema: see
 * srv_database_apply_migrations().
 *
 * Returns: whether the database is now at this server's schema version
 */
gboolean
srv_database_migrate (SrvDatabase  *self,
                      GError      **error)
{
  const SrvMigration *migrations;
  guint n_migrations = 0;

  g_return_val_if_fail (SRV_IS_DATABASE (self), FALSE);

  migrations = srv_migrations_get (&n_migrations);
  return srv_database_apply_migrations (self, migrations, n_migrations, error);
}

/**
 * srv_database_get_schema_version:
 * @self: a database
 * @version: (out): the highest migration recorded, 0 for none
 * @error: return location for a %SRV_ERROR_DATABASE error
 *
 * A real query on the database, cheap enough for a health check.
 *
 * Returns: whether the version could be read
 */
gboolean
srv_database_get_schema_version (SrvDatabase  *self,
                                 guint        *version,
                                 GError      **error)
{
  g_return_val_if_fail (SRV_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (version != NULL, FALSE);

  if (!check_open (self, error))
    return FALSE;

  return query_uint (self, "SELECT coalesce(max(version), 0) FROM schema_migrations", version, error);
}

/**
 * srv_database_close:
 * @self: a database
 * @error: return location for a %SRV_ERROR_DATABASE error
 *
 * Checkpoints the write-ahead log into the database file and closes the
 * connection, so the data directory holds one self-contained file that can
 * be copied or backed up.  Closing twice is harmless.
 *
 * Returns: whether the checkpoint and the close succeeded
 */
gboolean
srv_database_close (SrvDatabase  *self,
                    GError      **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (SRV_IS_DATABASE (self), FALSE);

  if (self->db == NULL)
    return TRUE;

  /* sqlite3_close() refuses a connection with statements still compiled. */
  g_hash_table_remove_all (self->statements);
  /* A sync still running works on its own copy of the descriptor. */
  if (self->wal_fd >= 0)
    {
      close (self->wal_fd);
      self->wal_fd = -1;
    }
  srv_database_exec (self, "PRAGMA wal_checkpoint(TRUNCATE)", &local_error);

  if (sqlite3_close (self->db) != SQLITE_OK)
    {
      set_sqlite_error (error, self->db, _("Could not close the database"));
      /* Statements are still open: a bug.  Let SQLite close it once they
       * are finalized. */
      sqlite3_close_v2 (self->db);
      self->db = NULL;
      return FALSE;
    }

  self->db = NULL;

  if (local_error != NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  _("Could not checkpoint the database: "));
      return FALSE;
    }

  return TRUE;
}
