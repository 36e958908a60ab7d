/* reg-store.c — the workstation's local database and packet directory
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * One directory holds everything the workstation must not lose:
 *
 *   registration.db   SQLite in WAL mode: packets and their states, sealed
 *                     previews and UINs, what the last sync downloaded,
 *                     login failures
 *   packets/          the sealed packet files, named after their RID
 *   preview.key       the 32-byte AES-256-GCM key of the previews and UINs
 *                     (0600)
 *
 * Every change is one transaction, so a crash leaves each packet in exactly
 * one state; reg_store_check_packets() finds files that a crash left
 * missing or half-written and removes temporary files.
 */

#define G_LOG_DOMAIN "reg-store"

#include "config.h"

#include "reg-store.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <unistd.h>

#define BUSY_TIMEOUT_MS   5000
#define MAX_RID_LENGTH    64
#define MAX_REASON_LENGTH 1024
#define MAX_UIN_LENGTH    64
#define PREVIEW_KEY_FILE  "preview.key"
#define TEMPORARY_PREFIX  ".tmp-"

struct _RegStore
{
  GObject   parent_instance;

  char     *directory;
  char     *packet_dir;
  sqlite3  *db;
  GMutex    mutex;
  guint8    preview_key[IDEM_AES_256_KEY_SIZE];
};

G_DEFINE_FINAL_TYPE (RegStore, reg_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (reg-store-error-quark, reg_store_error)

G_DEFINE_BOXED_TYPE (RegPacket, reg_packet, reg_packet_copy, reg_packet_free)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

static const char schema_sql[] =
  "CREATE TABLE IF NOT EXISTS packet ("
  "  rid               TEXT PRIMARY KEY NOT NULL,"
  "  path              TEXT NOT NULL,"
  "  packet_hash       TEXT NOT NULL,"
  "  size              INTEGER NOT NULL,"
  "  operator_id       TEXT NOT NULL,"
  "  created           INTEGER NOT NULL,"
  "  state             INTEGER NOT NULL CHECK (state BETWEEN 1 AND 4),"
  "  supervisor_id     TEXT,"
  "  supervisor_reason TEXT,"
  "  decided           INTEGER NOT NULL DEFAULT 0,"
  "  declared          INTEGER NOT NULL DEFAULT 0,"
  "  uploaded          INTEGER NOT NULL DEFAULT 0,"
  "  server_status     TEXT,"
  "  server_reason     TEXT"
  ") STRICT;"
  "CREATE INDEX IF NOT EXISTS packet_by_state ON packet (state, created);"
  /* nonce ‖ ciphertext ‖ tag; the RID is the associated data, so a preview
   * cannot be passed off as another packet's. */
  "CREATE TABLE IF NOT EXISTS preview ("
  "  rid    TEXT PRIMARY KEY NOT NULL REFERENCES packet (rid),"
  "  sealed BLOB NOT NULL"
  ") STRICT;"
  "CREATE TABLE IF NOT EXISTS sync_document ("
  "  kind    TEXT PRIMARY KEY NOT NULL,"
  "  content TEXT NOT NULL,"
  "  saved   INTEGER NOT NULL"
  ") STRICT;"
  "CREATE TABLE IF NOT EXISTS machine_value ("
  "  key   TEXT PRIMARY KEY NOT NULL,"
  "  value TEXT NOT NULL"
  ") STRICT;"
  "CREATE TABLE IF NOT EXISTS login_failure ("
  "  user_id      TEXT PRIMARY KEY NOT NULL,"
  "  failures     INTEGER NOT NULL,"
  "  last_failure INTEGER NOT NULL"
  ") STRICT;";

/* Changes to the tables above, in order: step i brings the database's
 * user_version from i to i + 1, so a store made by an older build is
 * upgraded in place when it is opened.  A new database is made by
 * schema_sql and then goes through every step. */
static const char * const schema_upgrades[] = {
  /* The UIN the server issued for the packet, sealed like a preview:
   * nonce ‖ ciphertext ‖ tag. */
  "ALTER TABLE packet ADD COLUMN sealed_uin BLOB;",
};

static void
set_db_error (RegStore   *self,
              GError    **error,
              const char *what)
{
  g_set_error (error, REG_STORE_ERROR, REG_STORE_ERROR_DATABASE,
               _("%s in the workstation database %s/registration.db: %s"),
               what, self->directory, sqlite3_errmsg (self->db));
}

static gboolean
exec_locked (RegStore    *self,
             const char  *sql,
             GError     **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    {
      set_db_error (self, error, _("Could not update"));
      return FALSE;
    }

  return TRUE;
}

static sqlite3_stmt *
prepare_locked (RegStore    *self,
                const char  *sql,
                GError     **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      set_db_error (self, error, _("Could not query"));
      return NULL;
    }

  return stmt;
}

static gboolean
check_rid (const char  *rid,
           GError     **error)
{
  gsize length = rid != NULL ? strlen (rid) : 0;

  /* A RID names the packet's file, so it must be a plain name. */
  if (length == 0 || length > MAX_RID_LENGTH)
    goto bad;

  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalnum (rid[i]) && rid[i] != '-' && rid[i] != '_')
      goto bad;

  return TRUE;

bad:
  g_set_error (error, REG_STORE_ERROR, REG_STORE_ERROR_INVALID_ARGUMENT,
               _("“%s” is not a registration ID: it must be 1 to 64 letters, digits, “-” or “_”"),
               rid != NULL ? rid : "");
  return FALSE;
}

static gboolean
check_hash (const char  *hash,
            GError     **error)
{
  gboolean ok = hash != NULL && strlen (hash) == 2 * IDEM_SHA256_SIZE;

  for (gsize i = 0; ok && hash[i] != '\0'; i++)
    ok = g_ascii_isxdigit (hash[i]) && !g_ascii_isupper (hash[i]);

  if (!ok)
    g_set_error (error, REG_STORE_ERROR, REG_STORE_ERROR_INVALID_ARGUMENT,
                 _("“%s” is not a packet hash: it must be 64 lowercase hexadecimal digits"),
                 hash != NULL ? hash : "");

  return ok;
}

static gboolean
check_text (const char  *text,
            const char  *what,
            GError     **error)
{
  if (text == NULL || *text == '\0' || strlen (text) > MAX_REASON_LENGTH ||
      !g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, REG_STORE_ERROR, REG_STORE_ERROR_INVALID_ARGUMENT,
                   _("The %s must be UTF-8 text of 1 to 1024 bytes"), what);
      return FALSE;
    }

  return TRUE;
}

static char *
column_strdup (sqlite3_stmt *stmt,
               int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

#define PACKET_COLUMNS \
  "rid, path, packet_hash, size, operator_id, created, state, supervisor_id, " \
  "supervisor_reason, decided, declared, uploaded, server_status, server_reason, " \
  "sealed_uin IS NOT NULL"

static RegPacket *
packet_from_row (sqlite3_stmt *stmt)
{
  RegPacket *packet = g_new0 (RegPacket, 1);

  packet->rid = column_strdup (stmt, 0);
  packet->path = column_strdup (stmt, 1);
  packet->packet_hash = column_strdup (stmt, 2);
  packet->size = (guint64) sqlite3_column_int64 (stmt, 3);
  packet->operator_id = column_strdup (stmt, 4);
  packet->created = sqlite3_column_int64 (stmt, 5);
  packet->state = (RegPacketState) sqlite3_column_int (stmt, 6);
  packet->supervisor_id = column_strdup (stmt, 7);
  packet->supervisor_reason = column_strdup (stmt, 8);
  packet->decided = sqlite3_column_int64 (stmt, 9);
  packet->declared = sqlite3_column_int64 (stmt, 10);
  packet->uploaded = sqlite3_column_int64 (stmt, 11);
  packet->server_status = column_strdup (stmt, 12);
  packet->server_reason = column_strdup (stmt, 13);
  packet->has_uin = sqlite3_column_int (stmt, 14) != 0;

  return packet;
}

static RegPacket *
get_packet_locked (RegStore    *self,
                   const char  *rid,
                   GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int status;

  stmt = prepare_locked (self, "SELECT " PACKET_COLUMNS " FROM packet WHERE rid = ?", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, rid, -1, SQLITE_TRANSIENT);
  status = sqlite3_step (stmt);
  if (status == SQLITE_ROW)
    return packet_from_row (stmt);

  if (status == SQLITE_DONE)
    g_set_error (error, REG_STORE_ERROR, REG_STORE_ERROR_NOT_FOUND,
                 _("There is no packet %s on this workstation"), rid);
  else
    set_db_error (self, error, _("Could not read a packet"));

  return NULL;
}

/* Writes @contents to @path through a temporary file in the same directory,
 * fsynced and renamed into place, so a crash leaves the old file or the new
 * one, never half of one. */
static gboolean
write_file_atomically (const char  *path,
                       const void  *contents,
                       gsize        length,
                       GError     **error)
{
  g_autofree char *directory = g_path_get_dirname (path);
  g_autofree char *template = g_build_filename (directory, TEMPORARY_PREFIX "XXXXXX", NULL);
  const guint8 *cursor = contents;
  int saved_errno;
  int fd;

  fd = g_mkstemp_full (template, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    goto fail;

  while (length > 0)
    {
      gssize written = write (fd, cursor, length);

      if (written < 0 && errno == EINTR)
        continue;
      if (written < 0)
        goto fail_fd;

      cursor += written;
      length -= (gsize) written;
    }

  if (fsync (fd) != 0)
    goto fail_fd;
  if (close (fd) != 0)
    {
      fd = -1;
      goto fail_fd;
    }
  fd = -1;

  if (g_rename (template, path) != 0)
    goto fail_fd;

  return TRUE;

fail_fd:
  saved_errno = errno;
  if (fd >= 0)
    close (fd);
  g_unlink (template);
  errno = saved_errno;
fail:
  saved_errno = errno;
  g_set_error (error, REG_STORE_ERROR, REG_STORE_ERROR_IO,
               _("Could not write %s: %s"), path, g_strerror (saved_errno));
  return FALSE;
}

/* nonce ‖ AES-256-GCM(@plain) ‖ tag under the store's key, bound to @aad. */
static GByteArray *
seal_record (RegStore    *self,
             const char  *aad_text,
             GBytes      *plain,
             GError     **error)
{
  g_autoptr(GBytes) aad = g_bytes_new (aad_text, strlen (aad_text));
  g_autoptr(GBytes) sealed = NULL;
  GByteArray *record;
  guint8 nonce[IDEM_GCM_NONCE_SIZE];

  if (!idem_crypto_random_bytes (nonce, sizeof nonce, error))
    return NULL;

  sealed = idem_aes_gcm_seal_bytes (self->preview_key, nonce, aad, plain, error);
  if (sealed == NULL)
    return NULL;

  record = g_byte_array_sized_new (sizeof nonce + g_bytes_get_size (sealed));
  g_byte_array_append (record, nonce, sizeof nonce);
  g_byte_array_append (record, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed));
  return record;
}

/* The opposite of seal_record(): %NULL when @record was altered, is bound
 * to other associated data or was sealed under another key. */
static GBytes *
open_record (RegStore     *self,
             const char   *aad_text,
             const guint8 *record,
             gsize         length)
{
  g_autoptr(GBytes) aad = NULL;
  g_autoptr(GBytes) sealed = NULL;

  if (record == NULL || length < IDEM_GCM_NONCE_SIZE + IDEM_GCM_TAG_SIZE)
    return NULL;

  aad = g_bytes_new (aad_text, strlen (aad_text));
  sealed = g_bytes_new (record + IDEM_GCM_NONCE_SIZE, length - IDEM_GCM_NONCE_SIZE);
  return idem_aes_gcm_open_bytes (self->preview_key, record, aad, sealed, NULL);
}

/* A UIN's associated data names what it is as well as the packet, so a
 * packet's sealed preview cannot be passed off as its UIN. */
static char *
uin_aad (const char *rid)
{
  return g_strconcat ("uin:", rid, NULL);
}

static gboolean
check_uin (const char  *uin,
           GError     **error)
{
  gsize length = uin != NULL ? strlen (uin) : 0;
  gboolean ok = length > 0 && length <= MAX_UIN_LENGTH;

  for (gsize i = 0; ok && i < length; i++)
    ok = g_ascii_isdigit (uin[i]);

  if (!ok)
    g_set_error_literal (error, REG_STORE_ERROR, REG_STORE_ERROR_INVALID_ARGUMENT,
                         _("A UIN must be 1 to 64 digits"));

  return ok;
}

static gboolean
upgrade_schema_locked (RegStore  *self,
                       GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int version;

  /* IMMEDIATE: two processes opening an old store at once upgrade it once. */
  if (!exec_locked (self, "BEGIN IMMEDIATE", error))
    return FALSE;

  stmt = prepare_locked (self, "PRAGMA user_version", error);
  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    goto fail;
  version = sqlite3_column_int (stmt, 0);
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (version > (int) G_N_ELEMENTS (schema_upgrades))
    {
      exec_locked (self, "ROLLBACK", NULL);
      g_set_error (error, REG_STORE_ERROR, REG_STORE_ERROR_DATABASE,
                   _("The workstation database %s/registration.db was written by a newer version of this application"),
                   self->directory);
      return FALSE;
    }

  for (guint i = (guint) version; i < G_N_ELEMENTS (schema_upgrades); i++)
    {
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %u", i + 1);

      if (!exec_locked (self, schema_upgrades[i], error) || !exec_locked (self, set_version, error))
        goto fail;
    }

  return exec_locked (self, "COMMIT", error);

fail:
  if (error != NULL && *error == NULL)
    set_db_error (self, error, _("Could not upgrade"));
  exec_locked (self, "ROLLBACK", NULL);
  return FALSE;
}

static gboolean
load_preview_key (RegStore  *self,
                  GError   **error)
{
  g_autofree char *path = g_build_filename (self->directory, PREVIEW_KEY_FILE, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) read_error = NULL;
  gsize length = 0;

  if (g_file_get_contents (path, &contents, &length, &read_error))
    {
      if (length != sizeof self->preview_key)
        {
          idem_crypto_wipe (contents, length);
          g_set_error (error, REG_STORE_ERROR, REG_STORE_ERROR_CORRUPT,
                       _("The preview key %s is damaged: it holds %lu bytes instead of 32"),
                       path, (unsigned long) length);
          return FALSE;
        }

      memcpy (self->preview_key, contents, length);
      idem_crypto_wipe (contents, length);
      return TRUE;
    }

  if (!g_error_matches (read_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      g_set_error (error, REG_STORE_ERROR, REG_STORE_ERROR_IO,
                   _("Could not read the preview key: %s"), read_error->message);
      return FALSE;
    }

  if (!idem_crypto_random_bytes (self->preview_key, sizeof self->preview_key, error))
    return FALSE;

  return write_file_atomically (path, self->preview_key, sizeof self->preview_key, error);
}

static gboolean
open_database (RegStore  *self,
               GError   **error)
{
  g_autofree char *path = g_build_filename (self->directory, "registration.db", NULL);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *mode;

  if (sqlite3_open_v2 (path, &self->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX |
                       SQLITE_OPEN_EXRESCODE,
                       NULL) != SQLITE_OK)
    {
      set_db_error (self, error, _("Could not open"));
      return FALSE;
    }

  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);

  /* WAL with synchronous=FULL: a packet whose sealing was reported to the
   * operator survives a power cut, not only a crash of the program. */
  stmt = prepare_locked (self, "PRAGMA journal_mode = WAL", error);
  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      set_db_error (self, error, _("Could not open"));
      return FALSE;
    }
  mode = (const char *) sqlite3_column_text (stmt, 0);
  if (mode == NULL || g_ascii_strcasecmp (mode, "wal") != 0)
    {
      g_set_error (error, REG_STORE_ERROR, REG_STORE_ERROR_DATABASE,
                   _("The workstation database %s cannot use write-ahead logging (is it on a network file system?)"),
                   path);
      return FALSE;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  return exec_locked (self,
                      "PRAGMA foreign_keys = ON;"
                      "PRAGMA synchronous = FULL;",
                      error) &&
         exec_locked (self, schema_sql, error) &&
         upgrade_schema_locked (self, error);
}

static void
reg_store_finalize (GObject *object)
{
  RegStore *self = (RegStore *) object;

  if (self->db != NULL)
    sqlite3_close_v2 (self->db);

  idem_crypto_wipe (self->preview_key, sizeof self->preview_key);
  g_mutex_clear (&self->mutex);
  g_clear_pointer (&self->directory, g_free);
  g_clear_pointer (&self->packet_dir, g_free);

  G_OBJECT_CLASS (reg_store_parent_class)->finalize (object);
}

static void
reg_store_class_init (RegStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = reg_store_finalize;
}

static void
reg_store_init (RegStore *self)
{
  g_mutex_init (&self->mutex);
}

/**
 * reg_packet_copy:
 * @packet: a #RegPacket
 *
 * Returns: (transfer full): a deep copy of @packet
 */
RegPacket *
reg_packet_copy (const RegPacket *packet)
{
  RegPacket *copy;

  g_return_val_if_fail (packet != NULL, NULL);

  copy = g_memdup2 (packet, sizeof *packet);
  copy->rid = g_strdup (packet->rid);
  copy->path = g_strdup (packet->path);
  copy->packet_hash = g_strdup (packet->packet_hash);
  copy->operator_id = g_strdup (packet->operator_id);
  copy->supervisor_id = g_strdup (packet->supervisor_id);
  copy->supervisor_reason = g_strdup (packet->supervisor_reason);
  copy->server_status = g_strdup (packet->server_status);
  copy->server_reason = g_strdup (packet->server_reason);

  return copy;
}

/**
 * reg_packet_free:
 * @packet: (nullable): a #RegPacket
 *
 * Frees @packet and its strings.
 */
void
reg_packet_free (RegPacket *packet)
{
  if (packet == NULL)
    return;

  g_free (packet->rid);
  g_free (packet->path);
  g_free (packet->packet_hash);
  g_free (packet->operator_id);
  g_free (packet->supervisor_id);
  g_free (packet->supervisor_reason);
  g_free (packet->server_status);
  g_free (packet->server_reason);
  g_free (packet);
}

/**
 * reg_packet_state_to_string:
 * @state: a #RegPacketState
 *
 * Returns: the state's stable name, such as `PENDING_APPROVAL`
 */
const char *
reg_packet_state_to_string (RegPacketState state)
{
  switch (state)
    {
    case REG_PACKET_STATE_ANY:
      return "ANY";

    case REG_PACKET_STATE_PENDING_APPROVAL:
      return "PENDING_APPROVAL";

    case REG_PACKET_STATE_APPROVED:
      return "APPROVED";

    case REG_PACKET_STATE_REJECTED_BY_SUPERVISOR:
      return "REJECTED_BY_SUPERVISOR";

    case REG_PACKET_STATE_UPLOADED:
      return "UPLOADED";

    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * reg_store_get_default_directory:
 *
 * Returns: (transfer full): the directory named by %REG_STORE_DIR_ENV, or
 *   else `idem/registration` in the user's data directory
 */
char *
reg_store_get_default_directory (void)
{
  const char *directory = g_getenv (REG_STORE_DIR_ENV);

  if (directory != NULL && *directory != '\0')
    return g_strdup (directory);

  return g_build_filename (g_get_user_data_dir (), "idem", "registration", NULL);
}

/**
 * reg_store_new:
 * @directory: where the store lives; created (0700) when missing
 * @error: return location for a #GError
 *
 * Opens the store in @directory, creating its database, packet directory
 * and preview key the first time.
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
RegStore *
reg_store_new (const char  *directory,
               GError     **error)
{
  g_autoptr(RegStore) self = NULL;

  g_return_val_if_fail (directory != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (REG_TYPE_STORE, NULL);
  self->directory = g_strdup (directory);
  self->packet_dir = g_build_filename (directory, "packets", NULL);

  if (g_mkdir_with_parents (self->packet_dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, REG_STORE_ERROR, REG_STORE_ERROR_IO,
                   _("Could not create %s: %s"), self->packet_dir, g_strerror (saved_errno));
      return NULL;
    }

  if (!load_preview_key (self, error) || !open_database (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * reg_store_get_directory:
 * @self: a #RegStore
 *
 * Returns: the store's directory
 */
const char *
reg_store_get_directory (RegStore *self)
{
  g_return_val_if_fail (REG_IS_STORE (self), NULL);

  return self->directory;
}

/**
 * reg_store_get_packet_dir:
 * @self: a #RegStore
 *
 * The directory where sealed packets are written.  Write a packet to a
 * temporary name starting with `.tmp-` there and rename it into place
 * before calling reg_store_add_packet(): reg_store_check_packets() removes
 * temporary files a crash left behind.
 *
 * Returns: the packet directory
 */
const char *
reg_store_get_packet_dir (RegStore *self)
{
  g_return_val_if_fail (REG_IS_STORE (self), NULL);

  return self->packet_dir;
}

/**
 * reg_store_add_packet:
 * @self: a #RegStore
 * @rid: the packet's registration ID
 * @path: the sealed packet file, which must exist
 * @packet_hash: lowercase hex SHA-256 of the file
 * @size: the file's size in bytes
 * @operator_id: who created the packet
 * @error: return location for a #GError
 *
 * Records a newly sealed packet as pending the supervisor's approval.
 * Nothing is recorded when an argument is malformed, the RID is already
 * stored or the file's size is not @size.
 *
 * Returns: %TRUE when the packet was recorded
 */
gboolean
reg_store_add_packet (RegStore    *self,
                      const char  *rid,
                      const char  *path,
                      const char  *packet_hash,
                      gsize        size,
                      const char  *operator_id,
                      GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GStatBuf info;
  int status;

  g_return_val_if_fail (REG_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_rid (rid, error) || !check_hash (packet_hash, error) ||
      !check_text (operator_id, _("operator ID"), error))
    return FALSE;

  if (path == NULL || !g_path_is_absolute (path) || g_stat (path, &info) != 0 ||
      !S_ISREG (info.st_mode))
    {
      g_set_error (error, REG_STORE_ERROR, REG_STORE_ERROR_INVALID_ARGUMENT,
                   _("The packet file “%s” does not exist or is not a regular file"),
                   path != NULL ? path : "");
      return FALSE;
    }

  if ((guint64) info.st_size != (guint64) size)
    {
      g_set_error (error, REG_STORE_ERROR, REG_STORE_ERROR_INVALID_ARGUMENT,
                   _("The packet file %s holds %lu bytes, not the %lu declared"),
                   path, (unsigned long) info.st_size, (unsigned long) size);
      return FALSE;
    }

  locker = g_mutex_locker_new (&self->mutex);
  stmt = prepare_locked (self,
                         "INSERT INTO packet (rid, path, packet_hash, size, operator_id, created, state)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?)",
                         error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, rid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, path, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, packet_hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, (sqlite3_int64) size);
  sqlite3_bind_text (stmt, 5, operator_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 6, g_get_real_time () / G_USEC_PER_SEC);
  sqlite3_bind_int (stmt, 7, REG_PACKET_STATE_PENDING_APPROVAL);

  status = sqlite3_step (stmt);
  if (status == SQLITE_CONSTRAINT_PRIMARYKEY)
    {
      g_set_error (error, REG_STORE_ERROR, REG_STORE_ERROR_EXISTS,
                   _("A packet %s is already stored on this workstation"), rid);
      return FALSE;
    }
  if (status != SQLITE_DONE)
    {
      set_db_error (self, error, _("Could not record a packet"));
      return FALSE;
    }

  return TRUE;
}

/**
 * reg_store_add_preview:
 * @self: a #RegStore
 * @rid: a stored packet's registration ID
 * @preview_json: the demographic preview the supervisor will see
 * @error: return location for a #GError
 *
 * Keeps @preview_json sealed with the workstation's own AES-256-GCM key,
 * so the supervisor can review a packet that is encrypted for the server.
 * A second preview replaces the first.
 *
 * Returns: %TRUE when the preview was stored
 */
gboolean
reg_store_add_preview (RegStore    *self,
                       const char  *rid,
                       GBytes      *preview_json,
                       GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(RegPacket) packet = NULL;
  g_autoptr(GByteArray) record = NULL;

  g_return_val_if_fail (REG_IS_STORE (self), FALSE);
  g_return_val_if_fail (preview_json != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_rid (rid, error))
    return FALSE;

  locker = g_mutex_locker_new (&self->mutex);
  packet = get_packet_locked (self, rid, error);
  if (packet == NULL)
    return FALSE;

  record = seal_record (self, rid, preview_json, error);
  if (record == NULL)
    return FALSE;

  stmt = prepare_locked (self, "INSERT OR REPLACE INTO preview (rid, sealed) VALUES (?, ?)", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, rid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_blob (stmt, 2, record->data, (int) record->len, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      set_db_error (self, error, _("Could not record a preview"));
      return FALSE;
    }

  return TRUE;
}

/**
 * reg_store_load_preview:
 * @self: a #RegStore
 * @rid: a stored packet's registration ID
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the preview given to reg_store_add_preview(),
 *   or %NULL with @error set (%REG_STORE_ERROR_NOT_FOUND when there is none,
 *   %REG_STORE_ERROR_CORRUPT when it does not open)
 */
GBytes *
reg_store_load_preview (RegStore    *self,
                        const char  *rid,
                        GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GBytes *preview;
  int status;

  g_return_val_if_fail (REG_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_rid (rid, error))
    return NULL;

  locker = g_mutex_locker_new (&self->mutex);
  stmt = prepare_locked (self, "SELECT sealed FROM preview WHERE rid = ?", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, rid, -1, SQLITE_TRANSIENT);
  status = sqlite3_step (stmt);
  if (status == SQLITE_DONE)
    {
      g_set_error (error, REG_STORE_ERROR, REG_STORE_ERROR_NOT_FOUND,
                   _("There is no preview of packet %s on this workstation"), rid);
      return NULL;
    }
  if (status != SQLITE_ROW)
    {
      set_db_error (self, error, _("Could not read a preview"));
      return NULL;
    }

  preview = open_record (self, rid, sqlite3_column_blob (stmt, 0), (gsize) sqlite3_column_bytes (stmt, 0));
  if (preview != NULL)
    return preview;

  g_set_error (error, REG_STORE_ERROR, REG_STORE_ERROR_CORRUPT,
               _("The preview of packet %s does not open: it was altered or sealed on another workstation"),
               rid);
  return NULL;
}

/**
 * reg_store_get_packet:
 * @self: a #RegStore
 * @rid: a registration ID
 * @error: return location for a #GError
 *
 * Returns: (transfer full): a copy of the stored packet, or %NULL with
 *   @error set
 */
RegPacket *
reg_store_get_packet (RegStore    *self,
                      const char  *rid,
                      GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (REG_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_rid (rid, error))
    return NULL;

  locker = g_mutex_locker_new (&self->mutex);
  return get_packet_locked (self, rid, error);
}

/**
 * reg_store_list_packets:
 * @self: a #RegStore
 * @state: the state of the packets to list, or %REG_PACKET_STATE_ANY
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type RegPacket): the packets in
 *   @state, oldest first, or %NULL with @error set
 */
GPtrArray *
reg_store_list_packets (RegStore        *self,
                        RegPacketState   state,
                        GError         **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) packets = NULL;
  int status;

  g_return_val_if_fail (REG_IS_STORE (self), NULL);
  g_return_val_if_fail (state >= REG_PACKET_STATE_ANY && state <= REG_PACKET_STATE_UPLOADED, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = g_mutex_locker_new (&self->mutex);
  stmt = prepare_locked (self,
                         "SELECT " PACKET_COLUMNS " FROM packet WHERE ?1 = 0 OR state = ?1"
                         " ORDER BY created, rid",
                         error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int (stmt, 1, state);
  packets = g_ptr_array_new_with_free_func ((GDestroyNotify) reg_packet_free);
  while ((status = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (packets, packet_from_row (stmt));

  if (status != SQLITE_DONE)
    {
      set_db_error (self, error, _("Could not list packets"));
      return NULL;
    }

  return g_steal_pointer (&packets);
}

/**
 * reg_store_list_recent_packets:
 * @self: a #RegStore
 * @limit: the most packets to list
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type RegPacket): at most @limit
 *   packets in any state, newest first, or %NULL with @error set
 */
GPtrArray *
reg_store_list_recent_packets (RegStore  *self,
                               guint      limit,
                               GError   **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) packets = NULL;
  int status;

  g_return_val_if_fail (REG_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = g_mutex_locker_new (&self->mutex);
  stmt = prepare_locked (self, "SELECT " PACKET_COLUMNS " FROM packet ORDER BY created DESC, rid DESC LIMIT ?",
                         error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, limit);
  packets = g_ptr_array_new_with_free_func ((GDestroyNotify) reg_packet_free);
  while ((status = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (packets, packet_from_row (stmt));

  if (status != SQLITE_DONE)
    {
      set_db_error (self, error, _("Could not list packets"));
      return NULL;
    }

  return g_steal_pointer (&packets);
}

/**
 * reg_store_count_packets:
 * @self: a #RegStore
 * @state: the state of the packets to count, or %REG_PACKET_STATE_ANY
 * @created_since: count only packets created at or after this Unix time
 *   (0 for all)
 *
 * Returns: how many packets match; 0 when the database cannot be read
 */
guint
reg_store_count_packets (RegStore       *self,
                         RegPacketState  state,
                         gint64          created_since)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REG_IS_STORE (self), 0);

  locker = g_mutex_locker_new (&self->mutex);
  stmt = prepare_locked (self,
                         "SELECT count(*) FROM packet WHERE (?1 = 0 OR state = ?1) AND created >= ?2",
                         NULL);
  if (stmt == NULL)
    return 0;

  sqlite3_bind_int (stmt, 1, state);
  sqlite3_bind_int64 (stmt, 2, created_since);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return 0;

  return (guint) sqlite3_column_int64 (stmt, 0);
}

/**
 * reg_store_set_supervisor_decision:
 * @self: a #RegStore
 * @rid: a packet pending approval, or already decided but not uploaded
 * @approved: %TRUE to approve, %FALSE to reject
 * @supervisor_id: who decides
 * @reason: (nullable): the rejection reason's code (required to reject),
 *   or a comment on an approval
 * @error: return location for a #GError
 *
 * Records the supervisor's decision.  A decision can be changed until the
 * packet is uploaded; after that it is %REG_STORE_ERROR_WRONG_STATE.
 *
 * Returns: %TRUE when the decision was recorded
 */
gboolean
reg_store_set_supervisor_decision (RegStore    *self,
                                   const char  *rid,
                                   gboolean     approved,
                                   const char  *supervisor_id,
                                   const char  *reason,
                                   GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(RegPacket) packet = NULL;

  g_return_val_if_fail (REG_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_rid (rid, error) || !check_text (supervisor_id, _("supervisor ID"), error))
    return FALSE;
  if ((!approved || reason != NULL) && !check_text (reason, _("rejection reason"), error))
    return FALSE;

  locker = g_mutex_locker_new (&self->mutex);
  packet = get_packet_locked (self, rid, error);
  if (packet == NULL)
    return FALSE;

  if (packet->state == REG_PACKET_STATE_UPLOADED || packet->declared != 0)
    {
      g_set_error (error, REG_STORE_ERROR, REG_STORE_ERROR_WRONG_STATE,
                   _("Packet %s was already sent to the server: its review can no longer change"),
                   rid);
      return FALSE;
    }

  stmt = prepare_locked (self,
                         "UPDATE packet SET state = ?, supervisor_id = ?, supervisor_reason = ?, decided = ?"
                         " WHERE rid = ?",
                         error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int (stmt, 1, approved ? REG_PACKET_STATE_APPROVED : REG_PACKET_STATE_REJECTED_BY_SUPERVISOR);
  sqlite3_bind_text (stmt, 2, supervisor_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, reason, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  sqlite3_bind_text (stmt, 5, rid, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      set_db_error (self, error, _("Could not record the review"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
require_decided_locked (RegStore    *self,
                        const char  *rid,
                        gboolean     allow_uploaded,
                        GError     **error)
{
  g_autoptr(RegPacket) packet = get_packet_locked (self, rid, error);

  if (packet == NULL)
    return FALSE;

  if (packet->state == REG_PACKET_STATE_PENDING_APPROVAL ||
      (!allow_uploaded && packet->state == REG_PACKET_STATE_UPLOADED))
    {
      g_set_error (error, REG_STORE_ERROR, REG_STORE_ERROR_WRONG_STATE,
                   _("Packet %s is %s: only approved or rejected packets are sent to the server"),
                   rid, reg_packet_state_to_string (packet->state));
      return FALSE;
    }

  return TRUE;
}

/**
 * reg_store_mark_declared:
 * @self: a #RegStore
 * @rid: an approved or rejected packet
 * @error: return location for a #GError
 *
 * Records that the server accepted the packet's RID sync (its hash and
 * size); from then on the supervisor's decision is fixed.
 *
 * Returns: %TRUE when recorded
 */
gboolean
reg_store_mark_declared (RegStore    *self,
                         const char  *rid,
                         GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REG_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_rid (rid, error))
    return FALSE;

  locker = g_mutex_locker_new (&self->mutex);
  if (!require_decided_locked (self, rid, TRUE, error))
    return FALSE;

  stmt = prepare_locked (self, "UPDATE packet SET declared = ? WHERE rid = ? AND declared = 0", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, g_get_real_time () / G_USEC_PER_SEC);
  sqlite3_bind_text (stmt, 2, rid, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      set_db_error (self, error, _("Could not record the RID sync"));
      return FALSE;
    }

  return TRUE;
}

/**
 * reg_store_mark_uploaded:
 * @self: a #RegStore
 * @rid: an approved or rejected packet
 * @server_status: the status the server answered (`RECEIVED`, say)
 * @error: return location for a #GError
 *
 * Records that the server acknowledged the packet's upload.
 *
 * Returns: %TRUE when recorded
 */
gboolean
reg_store_mark_uploaded (RegStore    *self,
                         const char  *rid,
                         const char  *server_status,
                         GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_return_val_if_fail (REG_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_rid (rid, error) || !check_text (server_status, _("server status"), error))
    return FALSE;

  locker = g_mutex_locker_new (&self->mutex);
  if (!require_decided_locked (self, rid, FALSE, error))
    return FALSE;

  stmt = prepare_locked (self,
                         "UPDATE packet SET state = ?, uploaded = ?, server_status = ?, server_reason = NULL,"
                         " declared = CASE declared WHEN 0 THEN ?2 ELSE declared END WHERE rid = ?",
                         error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int (stmt, 1, REG_PACKET_STATE_UPLOADED);
  sqlite3_bind_int64 (stmt, 2, now);
  sqlite3_bind_text (stmt, 3, server_status, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, rid, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      set_db_error (self, error, _("Could not record the upload"));
      return FALSE;
    }

  return TRUE;
}

/**
 * reg_store_set_server_status:
 * @self: a #RegStore
 * @rid: a stored packet
 * @server_status: the status the server reports
 * @server_reason: (nullable): its reason or detail
 * @uin: (nullable): the UIN the server issued or found for the packet
 * @error: return location for a #GError
 *
 * Records the server's latest word on a packet, as the status sync brings
 * it back, in one statement.  @uin is kept sealed under the store's key,
 * with the RID in its associated data; a %NULL @uin leaves a UIN already
 * recorded, since a UIN, once issued, stays the resident's.
 *
 * Returns: %TRUE when recorded
 */
gboolean
reg_store_set_server_status (RegStore    *self,
                             const char  *rid,
                             const char  *server_status,
                             const char  *server_reason,
                             const char  *uin,
                             GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(RegPacket) packet = NULL;
  g_autoptr(GByteArray) sealed_uin = NULL;

  g_return_val_if_fail (REG_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_rid (rid, error) || !check_text (server_status, _("server status"), error))
    return FALSE;
  if (server_reason != NULL && !check_text (server_reason, _("server reason"), error))
    return FALSE;
  if (uin != NULL && !check_uin (uin, error))
    return FALSE;

  locker = g_mutex_locker_new (&self->mutex);
  packet = get_packet_locked (self, rid, error);
  if (packet == NULL)
    return FALSE;

  if (uin != NULL)
    {
      g_autofree char *aad = uin_aad (rid);
      g_autoptr(GBytes) plain = g_bytes_new (uin, strlen (uin));

      sealed_uin = seal_record (self, aad, plain, error);
      if (sealed_uin == NULL)
        return FALSE;
    }

  stmt = prepare_locked (self,
                         "UPDATE packet SET server_status = ?, server_reason = ?,"
                         " sealed_uin = coalesce (?, sealed_uin) WHERE rid = ?",
                         error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, server_status, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, server_reason, -1, SQLITE_TRANSIENT);
  if (sealed_uin != NULL)
    sqlite3_bind_blob (stmt, 3, sealed_uin->data, (int) sealed_uin->len, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 3);
  sqlite3_bind_text (stmt, 4, rid, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      set_db_error (self, error, _("Could not record the server status"));
      return FALSE;
    }

  return TRUE;
}

/**
 * reg_store_load_uin:
 * @self: a #RegStore
 * @rid: a stored packet's registration ID
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the UIN recorded by
 *   reg_store_set_server_status(), or %NULL with @error set
 *   (%REG_STORE_ERROR_NOT_FOUND when the packet or its UIN is unknown,
 *   %REG_STORE_ERROR_CORRUPT when the sealed UIN does not open)
 */
char *
reg_store_load_uin (RegStore    *self,
                    const char  *rid,
                    GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autofree char *aad = NULL;
  g_autofree char *uin = NULL;
  int status;

  g_return_val_if_fail (REG_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_rid (rid, error))
    return NULL;

  locker = g_mutex_locker_new (&self->mutex);
  stmt = prepare_locked (self, "SELECT sealed_uin FROM packet WHERE rid = ? AND sealed_uin IS NOT NULL", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, rid, -1, SQLITE_TRANSIENT);
  status = sqlite3_step (stmt);
  if (status == SQLITE_DONE)
    {
      g_set_error (error, REG_STORE_ERROR, REG_STORE_ERROR_NOT_FOUND,
                   _("No UIN is known on this workstation for packet %s"), rid);
      return NULL;
    }
  if (status != SQLITE_ROW)
    {
      set_db_error (self, error, _("Could not read a UIN"));
      return NULL;
    }

  aad = uin_aad (rid);
  plain = open_record (self, aad, sqlite3_column_blob (stmt, 0), (gsize) sqlite3_column_bytes (stmt, 0));
  if (plain != NULL)
    uin = g_strndup (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain));
  if (uin == NULL || !check_uin (uin, NULL))
    {
      g_set_error (error, REG_STORE_ERROR, REG_STORE_ERROR_CORRUPT,
                   _("The UIN of packet %s does not open: it was altered or sealed on another workstation"),
                   rid);
      return NULL;
    }

  return g_steal_pointer (&uin);
}

static RegPacketProblem
check_packet_file (const RegPacket *packet)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autofree char *hash_hex = NULL;
  guint8 hash[IDEM_SHA256_SIZE];
  GStatBuf info;

  if (g_stat (packet->path, &info) != 0 || !S_ISREG (info.st_mode))
    return REG_PACKET_PROBLEM_MISSING;
  if ((guint64) info.st_size != packet->size)
    return REG_PACKET_PROBLEM_SIZE;

  mapped = g_mapped_file_new (packet->path, FALSE, NULL);
  if (mapped == NULL)
    return REG_PACKET_PROBLEM_MISSING;

  idem_sha256 ((const guint8 *) g_mapped_file_get_contents (mapped), g_mapped_file_get_length (mapped), hash);
  hash_hex = g_malloc (2 * sizeof hash + 1);
  for (gsize i = 0; i < sizeof hash; i++)
    g_snprintf (hash_hex + 2 * i, 3, "%02x", hash[i]);

  return g_str_equal (hash_hex, packet->packet_hash) ? 0 : REG_PACKET_PROBLEM_HASH;
}

/**
 * reg_store_check_packets:
 * @self: a #RegStore
 * @n_temporary_removed: (out) (optional): how many temporary files were
 *   removed
 * @error: return location for a #GError
 *
 * What the workstation does when it starts: removes the temporary files an
 * interrupted write left in the packet directory, and checks that every
 * packet not yet uploaded still has its whole file (size and SHA-256).
 * It reads every such file, so call it from a thread.
 *
 * Returns: (transfer full) (element-type RegPacket): the packets with a
 *   problem, each with #RegPacket.problem set, or %NULL with @error set
 */
GPtrArray *
reg_store_check_packets (RegStore  *self,
                         guint     *n_temporary_removed,
                         GError   **error)
{
  g_autoptr(GPtrArray) packets = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint removed = 0;

  g_return_val_if_fail (REG_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  dir = g_dir_open (self->packet_dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      if (g_str_has_prefix (name, TEMPORARY_PREFIX))
        {
          g_autofree char *path = g_build_filename (self->packet_dir, name, NULL);

          if (g_unlink (path) == 0)
            removed++;
        }
    }

  if (n_temporary_removed != NULL)
    *n_temporary_removed = removed;

  packets = reg_store_list_packets (self, REG_PACKET_STATE_ANY, error);
  if (packets == NULL)
    return NULL;

  problems = g_ptr_array_new_with_free_func ((GDestroyNotify) reg_packet_free);
  for (guint i = 0; i < packets->len; i++)
    {
      RegPacket *packet = g_ptr_array_index (packets, i);

      /* An uploaded packet's file may be archived or cleaned away. */
      if (packet->state == REG_PACKET_STATE_UPLOADED)
        continue;

      packet->problem = check_packet_file (packet);
      if (packet->problem != 0)
        g_ptr_array_add (problems, reg_packet_copy (packet));
    }

  return g_steal_pointer (&problems);
}

/**
 * reg_store_get_value:
 * @self: a #RegStore
 * @key: the name of a machine setting
 *
 * Returns: (transfer full) (nullable): the value stored under @key
 */
char *
reg_store_get_value (RegStore   *self,
                     const char *key)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REG_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  locker = g_mutex_locker_new (&self->mutex);
  stmt = prepare_locked (self, "SELECT value FROM machine_value WHERE key = ?", NULL);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;

  return column_strdup (stmt, 0);
}

/**
 * reg_store_set_value:
 * @self: a #RegStore
 * @key: the name of a machine setting
 * @value: (nullable): its new value, or %NULL to remove it
 * @error: return location for a #GError
 *
 * Returns: %TRUE when stored
 */
gboolean
reg_store_set_value (RegStore    *self,
                     const char  *key,
                     const char  *value,
                     GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REG_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  locker = g_mutex_locker_new (&self->mutex);
  stmt = prepare_locked (self,
                         value != NULL
                         ? "INSERT OR REPLACE INTO machine_value (key, value) VALUES (?, ?)"
                         : "DELETE FROM machine_value WHERE key = ?",
                         error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  if (value != NULL)
    sqlite3_bind_text (stmt, 2, value, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      set_db_error (self, error, _("Could not store a machine setting"));
      return FALSE;
    }

  return TRUE;
}

/**
 * reg_store_add_login_failure:
 * @self: a #RegStore
 * @user_id: who failed to sign in
 * @error: return location for a #GError
 *
 * Counts a failed sign-in.  The count survives a restart, so closing the
 * application does not reset a lockout.
 *
 * Returns: the number of failures in a row, or 0 with @error set
 */
guint
reg_store_add_login_failure (RegStore    *self,
                             const char  *user_id,
                             GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REG_IS_STORE (self), 0);
  g_return_val_if_fail (user_id != NULL, 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  locker = g_mutex_locker_new (&self->mutex);
  stmt = prepare_locked (self,
                         "INSERT INTO login_failure (user_id, failures, last_failure) VALUES (?1, 1, ?2)"
                         " ON CONFLICT (user_id) DO UPDATE SET failures = failures + 1, last_failure = ?2"
                         " RETURNING failures",
                         error);
  if (stmt == NULL)
    return 0;

  sqlite3_bind_text (stmt, 1, user_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time () / G_USEC_PER_SEC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      set_db_error (self, error, _("Could not count a failed sign-in"));
      return 0;
    }

  return (guint) sqlite3_column_int64 (stmt, 0);
}

/**
 * reg_store_clear_login_failures:
 * @self: a #RegStore
 * @user_id: who signed in
 *
 * Forgets @user_id's failed sign-ins, after a successful one.
 */
void
reg_store_clear_login_failures (RegStore   *self,
                                const char *user_id)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_if_fail (REG_IS_STORE (self));
  g_return_if_fail (user_id != NULL);

  locker = g_mutex_locker_new (&self->mutex);
  stmt = prepare_locked (self, "DELETE FROM login_failure WHERE user_id = ?", NULL);
  if (stmt == NULL)
    return;

  sqlite3_bind_text (stmt, 1, user_id, -1, SQLITE_TRANSIENT);
  sqlite3_step (stmt);
}

/**
 * reg_store_get_login_failures:
 * @self: a #RegStore
 * @user_id: a user ID
 * @last_failure: (out) (optional): when the last one happened, in Unix
 *   seconds, or 0
 *
 * Returns: how many sign-ins of @user_id failed in a row
 */
guint
reg_store_get_login_failures (RegStore   *self,
                              const char *user_id,
                              gint64     *last_failure)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REG_IS_STORE (self), 0);
  g_return_val_if_fail (user_id != NULL, 0);

  if (last_failure != NULL)
    *last_failure = 0;

  locker = g_mutex_locker_new (&self->mutex);
  stmt = prepare_locked (self, "SELECT failures, last_failure FROM login_failure WHERE user_id = ?", NULL);
  if (stmt == NULL)
    return 0;

  sqlite3_bind_text (stmt, 1, user_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return 0;

  if (last_failure != NULL)
    *last_failure = sqlite3_column_int64 (stmt, 1);

  return (guint) sqlite3_column_int64 (stmt, 0);
}

/**
 * reg_store_save_sync_document:
 * @self: a #RegStore
 * @kind: what the document is: `id-schema`, `ui-spec`, `master-data`,
 *   `users`, `certificate`, …
 * @content: its text, as the sync API delivered it
 * @error: return location for a #GError
 *
 * Keeps what the last sync downloaded, replacing the previous copy.
 *
 * Returns: %TRUE when stored
 */
gboolean
reg_store_save_sync_document (RegStore    *self,
                              const char  *kind,
                              const char  *content,
                              GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REG_IS_STORE (self), FALSE);
  g_return_val_if_fail (kind != NULL, FALSE);
  g_return_val_if_fail (content != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  locker = g_mutex_locker_new (&self->mutex);
  stmt = prepare_locked (self,
                         "INSERT OR REPLACE INTO sync_document (kind, content, saved) VALUES (?, ?, ?)",
                         error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, content, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time () / G_USEC_PER_SEC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      set_db_error (self, error, _("Could not store synced data"));
      return FALSE;
    }

  return TRUE;
}

/**
 * reg_store_load_sync_document:
 * @self: a #RegStore
 * @kind: what the document is
 *
 * Returns: (transfer full) (nullable): the last synced copy of @kind
 */
char *
reg_store_load_sync_document (RegStore   *self,
                              const char *kind)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REG_IS_STORE (self), NULL);
  g_return_val_if_fail (kind != NULL, NULL);

  locker = g_mutex_locker_new (&self->mutex);
  stmt = prepare_locked (self, "SELECT content FROM sync_document WHERE kind = ?", NULL);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;

  return column_strdup (stmt, 0);
}

/**
 * reg_store_next_sequence:
 * @self: a #RegStore
 * @error: return location for a #GError
 *
 * Hands out the sequence number of the next RID: 1 to 99999, then 1
 * again, each number once, across restarts.
 *
 * Returns: the number, or 0 with @error set
 */
guint
reg_store_next_sequence (RegStore  *self,
                         GError   **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (REG_IS_STORE (self), 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  locker = g_mutex_locker_new (&self->mutex);
  stmt = prepare_locked (self,
                         "INSERT INTO machine_value (key, value) VALUES ('rid-sequence', '1')"
                         " ON CONFLICT (key) DO UPDATE SET value = CAST (CAST (value AS INTEGER) % 99999 + 1 AS TEXT)"
                         " RETURNING CAST (value AS INTEGER)",
                         error);
  if (stmt == NULL)
    return 0;

  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      set_db_error (self, error, _("Could not number a registration"));
      return 0;
    }

  return (guint) sqlite3_column_int64 (stmt, 0);
}

static void
check_packets_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *problems = reg_store_check_packets (source_object, NULL, &error);

  if (problems == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, problems, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * reg_store_check_packets_async:
 * @self: a #RegStore
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the packets that have a problem
 * @user_data: data for @callback
 *
 * Runs reg_store_check_packets() in a thread.
 */
void
reg_store_check_packets_async (RegStore            *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (REG_IS_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, reg_store_check_packets_async);
  g_task_run_in_thread (task, check_packets_thread);
}

/**
 * reg_store_check_packets_finish:
 * @self: a #RegStore
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type RegPacket): the packets with a
 *   problem, or %NULL with @error set
 */
GPtrArray *
reg_store_check_packets_finish (RegStore      *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (REG_IS_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
