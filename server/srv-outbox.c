/* srv-outbox.c — notifications written with the change that causes them,
 * delivered once afterwards
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The pipeline inserts an outbox row in the transaction that moves a
 * packet to its final state, so a notification exists exactly when the
 * change does.  A sender on the main context delivers PENDING rows in id
 * order and marks them SENT.  The development sink is a file of JSON
 * lines under the data directory, each line carrying its outbox id; the
 * file is fsynced before the rows are marked.  A crash between the two
 * leaves lines whose rows still say PENDING: at start-up
 * srv_outbox_recover() reads the last id in the file and marks every row
 * up to it SENT, so no notification is written twice or lost.
 */

#define G_LOG_DOMAIN "idem-server"

#include "config.h"

#include "srv-outbox.h"
#include "srv-error.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* How far from the end of the sink recovery looks for the last line. */
#define TAIL_BYTES 65536

struct _SrvOutbox
{
  GObject      parent_instance;

  SrvDatabase *database;
  char        *sink_path;
  guint        timer;
};

G_DEFINE_FINAL_TYPE (SrvOutbox, srv_outbox, G_TYPE_OBJECT)

static gboolean
database_error (SrvOutbox  *self,
                GError    **error)
{
  g_set_error (error, SRV_ERROR, SRV_ERROR_DATABASE,
               _("Outbox: %s"), sqlite3_errmsg (srv_database_get_handle (self->database)));
  return FALSE;
}

static gboolean
io_error (GError     **error,
          const char  *path,
          int          saved_errno)
{
  g_set_error (error, SRV_ERROR, SRV_ERROR_IO,
               _("Could not write notifications to %s: %s"), path, g_strerror (saved_errno));
  return FALSE;
}

static void
srv_outbox_dispose (GObject *object)
{
  srv_outbox_stop (SRV_OUTBOX (object));

  G_OBJECT_CLASS (srv_outbox_parent_class)->dispose (object);
}

static void
srv_outbox_finalize (GObject *object)
{
  SrvOutbox *self = (SrvOutbox *)object;

  g_clear_object (&self->database);
  g_clear_pointer (&self->sink_path, g_free);

  G_OBJECT_CLASS (srv_outbox_parent_class)->finalize (object);
}

static void
srv_outbox_class_init (SrvOutboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = srv_outbox_dispose;
  object_class->finalize = srv_outbox_finalize;
}

static void
srv_outbox_init (SrvOutbox *self)
{
}

/**
 * srv_outbox_new:
 * @database: the server's migrated database
 * @sink_path: the JSON-lines file notifications are delivered to
 *
 * Returns: (transfer full): the outbox
 */
SrvOutbox *
srv_outbox_new (SrvDatabase *database,
                const char  *sink_path)
{
  SrvOutbox *self;

  g_return_val_if_fail (SRV_IS_DATABASE (database), NULL);
  g_return_val_if_fail (sink_path != NULL, NULL);

  self = g_object_new (SRV_TYPE_OUTBOX, NULL);
  self->database = g_object_ref (database);
  self->sink_path = g_strdup (sink_path);
  return self;
}

/**
 * srv_outbox_enqueue:
 * @self: an outbox
 * @rid: the packet the notification is about
 * @event: what happened, such as "UIN_GENERATED"
 * @payload: what the notification says
 * @error: return location for a %SRV_ERROR_DATABASE error
 *
 * Adds a notification in the caller's transaction.  A packet has at most
 * one notification per event: enqueuing it again changes nothing, so a
 * repeated stage does not notify twice.
 *
 * Returns: whether the row is stored
 */
gboolean
srv_outbox_enqueue (SrvOutbox   *self,
                    const char  *rid,
                    const char  *event,
                    JsonObject  *payload,
                    GError     **error)
{
  g_autoptr(SrvStatement) statement = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (SRV_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (rid != NULL, FALSE);
  g_return_val_if_fail (event != NULL, FALSE);
  g_return_val_if_fail (payload != NULL, FALSE);

  node = json_node_init_object (json_node_alloc (), payload);
  text = json_to_string (node, FALSE);

  statement = srv_database_statement (self->database,
                                      "INSERT OR IGNORE INTO outbox (rid, event, payload, status, created)"
                                      " VALUES (?, ?, ?, 'PENDING', unixepoch ())",
                                      NULL);
  if (statement == NULL)
    return database_error (self, error);
  sqlite3_bind_text (statement, 1, rid, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 2, event, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 3, text, -1, SQLITE_STATIC);
  if (sqlite3_step (statement) != SQLITE_DONE)
    return database_error (self, error);

  return TRUE;
}

static gboolean
mark_sent_up_to (SrvOutbox  *self,
                 gint64      last_id,
                 GError    **error)
{
  sqlite3 *db = srv_database_get_handle (self->database);
  g_autoptr(SrvStatement) statement = NULL;
  gboolean relaxed;
  int rc;

  statement = srv_database_statement (self->database,
                                      "UPDATE outbox SET status = 'SENT', sent = unixepoch ()"
                                      " WHERE status = 'PENDING' AND id <= ?",
                                      NULL);
  if (statement == NULL)
    return database_error (self, error);
  sqlite3_bind_int64 (statement, 1, last_id);

  /* No fsync of its own (synchronous=NORMAL): the sink is durable
   * already, and should a power cut drop this commit, start-up recovery
   * marks the rows again from the sink.  synchronous cannot change inside
   * a transaction, so only an autocommit update is relaxed. */
  relaxed = sqlite3_get_autocommit (db) &&
            sqlite3_exec (db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL) == SQLITE_OK;
  rc = sqlite3_step (statement);
  if (rc != SQLITE_DONE)
    database_error (self, error);
  if (relaxed && sqlite3_exec (db, "PRAGMA synchronous = FULL", NULL, NULL, NULL) != SQLITE_OK)
    g_critical ("Could not restore synchronous=FULL: %s", sqlite3_errmsg (db));

  return rc == SQLITE_DONE;
}

/* The outbox id of the last complete line of the sink, 0 when none. */
static gint64
read_last_delivered (const char *path)
{
  g_autofree char *tail = NULL;
  gint64 last = 0;
  GStatBuf st;
  gsize length;
  int fd;

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    return 0;
  if (fstat (fd, &st) != 0 || st.st_size == 0)
    {
      close (fd);
      return 0;
    }

  length = MIN ((gsize) st.st_size, TAIL_BYTES);
  tail = g_malloc0 (length + 1);
  if (pread (fd, tail, length, st.st_size - length) != (ssize_t) length)
    length = 0;
  close (fd);

  /* A torn last line (a crash mid-write) has no newline and is ignored:
   * its row is still PENDING and will be written again, whole. */
  for (char *line = tail, *end; (end = strchr (line, '\n')) != NULL; line = end + 1)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonNode *root;

      *end = '\0';
      if (!json_parser_load_from_data (parser, line, -1, NULL))
        continue;
      root = json_parser_get_root (parser);
      if (JSON_NODE_HOLDS_OBJECT (root) && json_object_has_member (json_node_get_object (root), "id"))
        last = MAX (last, json_object_get_int_member (json_node_get_object (root), "id"));
    }

  return last;
}

/**
 * srv_outbox_recover:
 * @self: an outbox
 * @error: return location for a %SRV_ERROR_DATABASE error
 *
 * Marks SENT every row the sink already holds: call at start-up, before
 * delivering.
 *
 * Returns: whether the outbox is consistent with the sink
 */
gboolean
srv_outbox_recover (SrvOutbox  *self,
                    GError    **error)
{
  gint64 last;

  g_return_val_if_fail (SRV_IS_OUTBOX (self), FALSE);

  last = read_last_delivered (self->sink_path);
  return last == 0 || mark_sent_up_to (self, last, error);
}

/**
 * srv_outbox_deliver:
 * @self: an outbox
 * @max_rows: the most rows to deliver in this call
 * @error: return location for an error
 *
 * Writes up to @max_rows pending notifications to the sink, in id order,
 * fsyncs it and marks them SENT.
 *
 * Returns: how many were delivered, or -1 on error
 */
gint64
srv_outbox_deliver (SrvOutbox  *self,
                    guint       max_rows,
                    GError    **error)
{
  g_autoptr(SrvStatement) statement = NULL;
  g_autoptr(GString) lines = g_string_new (NULL);
  gint64 last_id = 0;
  gint64 count = 0;
  int fd;
  int rc;

  g_return_val_if_fail (SRV_IS_OUTBOX (self), -1);

  statement = srv_database_statement (self->database,
                                      "SELECT id, rid, event, payload, created FROM outbox"
                                      " WHERE status = 'PENDING' ORDER BY id LIMIT ?",
                                      NULL);
  if (statement == NULL)
    {
      database_error (self, error);
      return -1;
    }
  sqlite3_bind_int64 (statement, 1, max_rows);

  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *line = NULL;

      last_id = sqlite3_column_int64 (statement, 0);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, last_id);
      json_builder_set_member_name (builder, "rid");
      json_builder_add_string_value (builder, (const char *) sqlite3_column_text (statement, 1));
      json_builder_set_member_name (builder, "event");
      json_builder_add_string_value (builder, (const char *) sqlite3_column_text (statement, 2));
      json_builder_set_member_name (builder, "created");
      json_builder_add_int_value (builder, sqlite3_column_int64 (statement, 4));
      json_builder_set_member_name (builder, "payload");
      if (json_parser_load_from_data (parser, (const char *) sqlite3_column_text (statement, 3), -1, NULL))
        json_builder_add_value (builder, json_node_copy (json_parser_get_root (parser)));
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);

      root = json_builder_get_root (builder);
      line = json_to_string (root, FALSE);
      g_string_append (lines, line);
      g_string_append_c (lines, '\n');
      count++;
    }
  if (rc != SQLITE_DONE)
    {
      database_error (self, error);
      return -1;
    }
  g_clear_pointer (&statement, srv_statement_release);

  if (count == 0)
    return 0;

  fd = g_open (self->sink_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      io_error (error, self->sink_path, errno);
      return -1;
    }
  for (gsize done = 0; done < lines->len;)
    {
      ssize_t written = write (fd, lines->str + done, lines->len - done);

      if (written < 0 && errno == EINTR)
        continue;
      if (written <= 0)
        {
          int saved_errno = errno;

          close (fd);
          io_error (error, self->sink_path, saved_errno);
          return -1;
        }
      done += written;
    }
  if (fsync (fd) != 0)
    {
      int saved_errno = errno;

      close (fd);
      io_error (error, self->sink_path, saved_errno);
      return -1;
    }
  close (fd);

  if (!mark_sent_up_to (self, last_id, error))
    return -1;

  return count;
}

static gboolean
deliver_cb (gpointer user_data)
{
  SrvOutbox *self = user_data;
  g_autoptr(GError) error = NULL;

  if (srv_outbox_deliver (self, 500, &error) < 0)
    g_message ("%s", error->message);

  return G_SOURCE_CONTINUE;
}

/**
 * srv_outbox_start:
 * @self: an outbox
 * @interval_ms: how often the sender looks for pending notifications
 *
 * Starts the sender on the thread-default main context.
 */
void
srv_outbox_start (SrvOutbox *self,
                  guint      interval_ms)
{
  g_return_if_fail (SRV_IS_OUTBOX (self));

  if (self->timer == 0)
    self->timer = g_timeout_add (interval_ms, deliver_cb, self);
}

void
srv_outbox_stop (SrvOutbox *self)
{
  g_return_if_fail (SRV_IS_OUTBOX (self));

  g_clear_handle_id (&self->timer, g_source_remove);
}
