/* srv-intake.c — RID sync, packet upload and registration status
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A registration machine first declares its packets (RID sync: hash,
 * size, the supervisor's decision), then uploads each.  Both calls are
 * signed with the machine's key (srv-machine-auth.c).  An upload is
 * answered 2xx only once the packet is durable: written to a temporary
 * file, fsynced, renamed to packets/<rid>.zip, the directory fsynced, and
 * only then the packet row moved from DECLARED to PROCESSING in a
 * transaction committed and synced to disk (uploads that arrive together
 * share the sync: srv_database_sync_async()).  A crash before the commit
 * leaves a DECLARED
 * row (and maybe the file), so the client, having no answer, uploads
 * again; a crash after it leaves a packet the pipeline picks up.
 *
 * Sizes are checked from Content-Length before the body is read (an early
 * handler), against the declared size and the server's limit, so an
 * oversize upload costs the server nothing.  Hashing and writing run in
 * a GTask thread; the database is touched on the main context only.
 */

#define G_LOG_DOMAIN "idem-intake"

#include "config.h"

#include "srv-intake.h"
#include "srv-admin-auth.h"
#include "srv-audit.h"
#include "srv-machine-auth.h"
#include "srv-pipeline.h"
#include "srv-server.h"

#include "idem.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

#define PACKETS_PATH "/v1/registration/packets/"

static sqlite3 *
db_of (SrvServer *server)
{
  return srv_database_get_handle (srv_server_get_database (server));
}

static void
respond_internal (SoupServerMessage *msg,
                  SrvServer         *server)
{
  g_message ("Intake: %s", sqlite3_errmsg (db_of (server)));
  srv_http_respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, SRV_API_ID_INTAKE,
                          SRV_ERROR_CODE_INTAKE_INTERNAL, "The server could not store the request");
}

static void
audit (SrvServer  *server,
       const char *machine_id,
       const char *action,
       const char *object,
       gboolean    success,
       const char *detail)
{
  g_autoptr(GError) error = NULL;

  if (!srv_audit_record (srv_server_get_database (server), machine_id, action, object, success,
                         machine_id, detail, &error))
    g_message ("Could not record an audit event: %s", error->message);
}

static GBytes *
request_body (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  return soup_message_body_flatten (body);
}

/* The "request" member of an envelope, which must be an array; on failure
 * the response is set. */
static JsonArray *
parse_request_array (SoupServerMessage *msg,
                     GBytes            *body,
                     JsonParser        *parser)
{
  gsize length = 0;
  const char *data = g_bytes_get_data (body, &length);
  JsonNode *root;
  JsonNode *request;

  if (!json_parser_load_from_data (parser, data != NULL ? data : "", length, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      srv_http_respond_error (msg, SOUP_STATUS_BAD_REQUEST, SRV_API_ID_INTAKE, SRV_ERROR_CODE_INTAKE_JSON,
                              "The body is not a JSON object");
      return NULL;
    }
  request = json_object_get_member (json_node_get_object (root), "request");
  if (request == NULL)
    {
      srv_http_respond_error (msg, SOUP_STATUS_BAD_REQUEST, SRV_API_ID_INTAKE, SRV_ERROR_CODE_INTAKE_MISSING,
                              "The envelope has no “request” member");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_ARRAY (request))
    {
      srv_http_respond_error (msg, SOUP_STATUS_BAD_REQUEST, SRV_API_ID_INTAKE, SRV_ERROR_CODE_INTAKE_TYPE,
                              "“request” must be an array");
      return NULL;
    }
  if (json_array_get_length (json_node_get_array (request)) > SRV_INTAKE_MAX_ENTRIES)
    {
      srv_http_respond_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, SRV_API_ID_INTAKE,
                              SRV_ERROR_CODE_INTAKE_TOO_LARGE, "Too many entries in one request");
      return NULL;
    }
  return json_node_get_array (request);
}

/* A string member; on failure the response is set. */
static const char *
get_string (SoupServerMessage *msg,
            JsonObject        *object,
            const char        *name,
            gboolean           optional,
            gsize              max_length,
            guint              index)
{
  JsonNode *node = json_object_get_member (object, name);
  const char *value;

  if (node == NULL || (optional && JSON_NODE_HOLDS_NULL (node)))
    {
      if (!optional)
        {
          g_autofree char *message = g_strdup_printf ("Entry %u has no “%s”", index, name);

          srv_http_respond_error (msg, SOUP_STATUS_BAD_REQUEST, SRV_API_ID_INTAKE,
                                  SRV_ERROR_CODE_INTAKE_MISSING, message);
        }
      return NULL;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_autofree char *message = g_strdup_printf ("Entry %u: “%s” must be a string", index, name);

      srv_http_respond_error (msg, SOUP_STATUS_BAD_REQUEST, SRV_API_ID_INTAKE, SRV_ERROR_CODE_INTAKE_TYPE, message);
      return NULL;
    }
  value = json_node_get_string (node);
  if (strlen (value) > max_length || !g_utf8_validate (value, -1, NULL))
    {
      g_autofree char *message = g_strdup_printf ("Entry %u: “%s” is too long", index, name);

      srv_http_respond_error (msg, SOUP_STATUS_BAD_REQUEST, SRV_API_ID_INTAKE, SRV_ERROR_CODE_INTAKE_INVALID, message);
      return NULL;
    }
  return value;
}

static gboolean
one_of (const char         *value,
        const char * const *allowed)
{
  return value != NULL && g_strv_contains (allowed, value);
}

static gboolean
is_hex_sha256 (const char *text)
{
  if (strlen (text) != 64)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isxdigit (*p))
      return FALSE;
  return TRUE;
}

typedef struct
{
  const char *rid;
  char       *hash;
  gint64      size;
  const char *supervisor_status;
  const char *supervisor_comment;
  const char *registration_type;
} Declaration;

static void
declaration_clear (Declaration *declaration)
{
  g_free (declaration->hash);
}

/* Checks one entry of a RID sync; on failure the response is set. */
static gboolean
read_declaration (SoupServerMessage *msg,
                  SrvServer         *server,
                  JsonNode          *node,
                  guint              index,
                  const char        *centre_id,
                  const char        *machine_id,
                  Declaration       *declaration)
{
  static const char * const statuses[] = { "APPROVED", "REJECTED", NULL };
  static const char * const types[] = { "NEW", "UPDATE", "LOST", NULL };
  const SrvPipelineSettings *settings = srv_pipeline_get_settings (srv_server_get_pipeline (server));
  JsonObject *object;
  JsonNode *size;
  const char *hash;
  g_autoptr(GError) error = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autofree char *message = g_strdup_printf ("Entry %u must be an object", index);

      srv_http_respond_error (msg, SOUP_STATUS_BAD_REQUEST, SRV_API_ID_INTAKE, SRV_ERROR_CODE_INTAKE_TYPE, message);
      return FALSE;
    }
  object = json_node_get_object (node);

  if (!(declaration->rid = get_string (msg, object, "registrationId", FALSE, 64, index)) ||
      !(hash = get_string (msg, object, "packetHashValue", FALSE, 128, index)) ||
      !(declaration->supervisor_status = get_string (msg, object, "supervisorStatus", FALSE, 32, index)) ||
      !(declaration->registration_type = get_string (msg, object, "registrationType", FALSE, 32, index)))
    return FALSE;
  declaration->supervisor_comment = get_string (msg, object, "supervisorComment", TRUE, 1024, index);
  if (declaration->supervisor_comment == NULL && soup_server_message_get_status (msg) != 0)
    return FALSE;

  size = json_object_get_member (object, "packetSize");
  if (size == NULL)
    {
      g_autofree char *message = g_strdup_printf ("Entry %u has no “packetSize”", index);

      srv_http_respond_error (msg, SOUP_STATUS_BAD_REQUEST, SRV_API_ID_INTAKE, SRV_ERROR_CODE_INTAKE_MISSING, message);
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_VALUE (size) || json_node_get_value_type (size) != G_TYPE_INT64)
    {
      g_autofree char *message = g_strdup_printf ("Entry %u: “packetSize” must be a whole number", index);

      srv_http_respond_error (msg, SOUP_STATUS_BAD_REQUEST, SRV_API_ID_INTAKE, SRV_ERROR_CODE_INTAKE_TYPE, message);
      return FALSE;
    }
  declaration->size = json_node_get_int (size);
  if (declaration->size <= 0 || (guint64) declaration->size > settings->max_packet_size)
    {
      g_autofree char *message = g_strdup_printf ("Entry %u: a packet is 1 to %" G_GUINT64_FORMAT " bytes",
                                                  index, settings->max_packet_size);

      srv_http_respond_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, SRV_API_ID_INTAKE,
                              SRV_ERROR_CODE_INTAKE_TOO_LARGE, message);
      return FALSE;
    }

  if (!is_hex_sha256 (hash))
    {
      g_autofree char *message = g_strdup_printf ("Entry %u: “packetHashValue” must be a hex SHA-256", index);

      srv_http_respond_error (msg, SOUP_STATUS_BAD_REQUEST, SRV_API_ID_INTAKE, SRV_ERROR_CODE_INTAKE_INVALID, message);
      return FALSE;
    }
  declaration->hash = g_ascii_strup (hash, -1);

  if (!one_of (declaration->supervisor_status, statuses) || !one_of (declaration->registration_type, types))
    {
      g_autofree char *message = g_strdup_printf ("Entry %u: “supervisorStatus” is APPROVED or REJECTED,"
                                                  " “registrationType” NEW, UPDATE or LOST", index);

      srv_http_respond_error (msg, SOUP_STATUS_BAD_REQUEST, SRV_API_ID_INTAKE, SRV_ERROR_CODE_INTAKE_INVALID, message);
      return FALSE;
    }

  /* A machine declares only the RIDs it generated. */
  if (!idem_rid_validate (declaration->rid, centre_id, machine_id, &error))
    {
      g_autofree char *message = g_strdup_printf ("Entry %u: %s", index, error->message);

      srv_http_respond_error (msg, SOUP_STATUS_BAD_REQUEST, SRV_API_ID_INTAKE, SRV_ERROR_CODE_INTAKE_RID, message);
      return FALSE;
    }

  return TRUE;
}

/* Stores one declaration in the open transaction.  Declaring a packet
 * again with the same hash and size changes nothing; with another, it is
 * a conflict and the whole sync is rolled back. */
static gboolean
store_declaration (SrvServer   *server,
                   Declaration *declaration,
                   const char  *centre_id,
                   const char  *machine_id,
                   gboolean    *conflict)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db_of (server),
                          "SELECT declared_hash, declared_size, machine_id FROM packet WHERE rid = ?",
                          -1, &statement, NULL) != SQLITE_OK)
    return FALSE;
  sqlite3_bind_text (statement, 1, declaration->rid, -1, SQLITE_STATIC);
  rc = sqlite3_step (statement);
  if (rc == SQLITE_ROW)
    {
      *conflict = g_strcmp0 ((const char *) sqlite3_column_text (statement, 0), declaration->hash) != 0 ||
                  sqlite3_column_int64 (statement, 1) != declaration->size ||
                  g_strcmp0 ((const char *) sqlite3_column_text (statement, 2), machine_id) != 0;
      return TRUE;
    }
  if (rc != SQLITE_DONE)
    return FALSE;
  g_clear_pointer (&statement, sqlite3_finalize);

  if (sqlite3_prepare_v2 (db_of (server),
                          "INSERT INTO packet (rid, machine_id, centre_id, registration_type, declared_hash,"
                          " declared_size, supervisor_status, supervisor_comment, state, declared_at, updated_at)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'DECLARED', unixepoch (), unixepoch ())",
                          -1, &statement, NULL) != SQLITE_OK)
    return FALSE;
  sqlite3_bind_text (statement, 1, declaration->rid, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 2, machine_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 3, centre_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 4, declaration->registration_type, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 5, declaration->hash, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (statement, 6, declaration->size);
  sqlite3_bind_text (statement, 7, declaration->supervisor_status, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 8, declaration->supervisor_comment, -1, SQLITE_STATIC);
  if (sqlite3_step (statement) != SQLITE_DONE)
    return FALSE;

  return TRUE;
}

static void
sync_cb (SoupServerMessage *msg,
         GHashTable        *params,
         gpointer           user_data)
{
  SrvServer *server = user_data;
  g_autoptr(GBytes) body = request_body (msg);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *machine_id = NULL;
  g_autofree char *centre_id = NULL;
  g_autoptr(GArray) declarations = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) response = NULL;
  JsonArray *entries;
  guint n_entries;

  if (!srv_machine_auth_verify (server, msg, SRV_API_ID_INTAKE, body, &machine_id, &centre_id))
    return;

  entries = parse_request_array (msg, body, parser);
  if (entries == NULL)
    {
      audit (server, machine_id, "registration.sync", NULL, FALSE, "malformed request");
      return;
    }

  n_entries = json_array_get_length (entries);
  declarations = g_array_sized_new (FALSE, TRUE, sizeof (Declaration), n_entries);
  g_array_set_clear_func (declarations, (GDestroyNotify) declaration_clear);
  for (guint i = 0; i < n_entries; i++)
    {
      Declaration declaration = { 0 };

      if (!read_declaration (msg, server, json_array_get_element (entries, i), i, centre_id, machine_id,
                             &declaration))
        {
          declaration_clear (&declaration);
          audit (server, machine_id, "registration.sync", NULL, FALSE, "invalid entry");
          return;
        }
      g_array_append_val (declarations, declaration);
    }

  if (sqlite3_exec (db_of (server), "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    {
      respond_internal (msg, server);
      return;
    }
  for (guint i = 0; i < declarations->len; i++)
    {
      Declaration *declaration = &g_array_index (declarations, Declaration, i);
      gboolean conflict = FALSE;

      if (!store_declaration (server, declaration, centre_id, machine_id, &conflict))
        {
          respond_internal (msg, server);
          sqlite3_exec (db_of (server), "ROLLBACK", NULL, NULL, NULL);
          return;
        }
      if (conflict)
        {
          g_autofree char *message = g_strdup_printf ("Packet %s was declared before with another hash, size"
                                                      " or machine", declaration->rid);

          sqlite3_exec (db_of (server), "ROLLBACK", NULL, NULL, NULL);
          srv_http_respond_error (msg, SOUP_STATUS_CONFLICT, SRV_API_ID_INTAKE, SRV_ERROR_CODE_INTAKE_CONFLICT,
                                  message);
          audit (server, machine_id, "registration.sync", declaration->rid, FALSE, "conflicting declaration");
          return;
        }
    }
  if (sqlite3_exec (db_of (server), "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    {
      respond_internal (msg, server);
      sqlite3_exec (db_of (server), "ROLLBACK", NULL, NULL, NULL);
      return;
    }

  {
    g_autofree char *detail = g_strdup_printf ("%u packet(s)", declarations->len);

    audit (server, machine_id, "registration.sync", NULL, TRUE, detail);
  }

  builder = json_builder_new ();
  json_builder_begin_array (builder);
  for (guint i = 0; i < declarations->len; i++)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "registrationId");
      json_builder_add_string_value (builder, g_array_index (declarations, Declaration, i).rid);
      json_builder_set_member_name (builder, "status");
      json_builder_add_string_value (builder, "SUCCESS");
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  response = json_builder_get_root (builder);
  srv_http_respond (msg, SOUP_STATUS_OK, SRV_API_ID_INTAKE, g_steal_pointer (&response), NULL);
}

/* ---- Upload ------------------------------------------------------------- */

typedef struct
{
  SrvServer         *server;
  SoupServerMessage *msg;
  char              *rid;
  char              *machine_id;
  char              *declared_hash;
  char              *state;
  GBytes            *body;
  char              *hash;
  char              *path;
  char              *directory;
} Upload;

static void
upload_free (Upload *upload)
{
  g_object_unref (upload->server);
  g_object_unref (upload->msg);
  g_free (upload->rid);
  g_free (upload->machine_id);
  g_free (upload->declared_hash);
  g_free (upload->state);
  g_clear_pointer (&upload->body, g_bytes_unref);
  g_free (upload->hash);
  g_free (upload->path);
  g_free (upload->directory);
  g_free (upload);
}

static gboolean
fsync_path (const char *path,
            int         flags)
{
  int fd = g_open (path, flags | O_CLOEXEC, 0);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = fsync (fd) == 0;
  close (fd);
  return ok;
}

static gboolean
write_durably (Upload  *upload,
               GError **error)
{
  g_autofree char *template = g_strdup_printf ("%s/.%s.XXXXXX", upload->directory, upload->rid);
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (upload->body, &length);
  gsize done = 0;
  int fd;

  fd = g_mkstemp_full (template, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    goto fail;
  while (done < length)
    {
      ssize_t written = write (fd, data + done, length - done);

      if (written < 0 && errno == EINTR)
        continue;
      if (written <= 0)
        {
          close (fd);
          goto fail;
        }
      done += written;
    }
  if (fsync (fd) != 0 || close (fd) != 0)
    goto fail;
  if (g_rename (template, upload->path) != 0)
    goto fail;
  /* The rename is durable only once the directory is. */
  if (!fsync_path (upload->directory, O_RDONLY | O_DIRECTORY))
    goto fail;
  return TRUE;

fail:
  {
    int saved_errno = errno;

    g_unlink (template);
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                 _("Could not store packet %s: %s"), upload->rid, g_strerror (saved_errno));
    return FALSE;
  }
}

static void
upload_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Upload *upload = task_data;
  g_autofree char *hex = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, upload->body);
  GError *error = NULL;

  upload->hash = g_ascii_strup (hex, -1);

  /* Only a first upload with the declared content is written; the rest
   * is decided on the main context. */
  if (g_strcmp0 (upload->state, "DECLARED") == 0 && g_strcmp0 (upload->hash, upload->declared_hash) == 0 &&
      !write_durably (upload, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
respond_received (SoupServerMessage *msg,
                  const char        *rid)
{
  g_autoptr(JsonObject) response = json_object_new ();
  g_autoptr(JsonNode) node = NULL;

  json_object_set_string_member (response, "registrationId", rid);
  json_object_set_string_member (response, "status", "RECEIVED");
  node = json_node_init_object (json_node_alloc (), response);
  srv_http_respond (msg, SOUP_STATUS_OK, SRV_API_ID_INTAKE, g_steal_pointer (&node), NULL);
}

static void
arrival_synced_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Upload *upload = user_data;
  g_autoptr(GError) error = NULL;

  if (srv_database_sync_finish (SRV_DATABASE (object), result, &error))
    respond_received (upload->msg, upload->rid);
  else
    {
      /* Not known to be durable: no RECEIVED.  The machine uploads
       * again and gets its answer once a sync succeeds. */
      g_message ("Packet %s: %s", upload->rid, error->message);
      respond_internal (upload->msg, upload->server);
    }
  soup_server_message_unpause (upload->msg);
  upload_free (upload);
}

/* The packet's arrival and its audit row, in one transaction. */
static gboolean
store_arrival (SrvServer *server,
               Upload    *upload)
{
  g_autoptr(SrvStatement) statement = NULL;

  if (sqlite3_exec (db_of (server), "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    return FALSE;
  statement = srv_database_statement (srv_server_get_database (server),
                                      "UPDATE packet SET state = 'PROCESSING', stage = 'validate',"
                                      " received_at = unixepoch (), updated_at = unixepoch ()"
                                      " WHERE rid = ? AND state = 'DECLARED'",
                                      NULL);
  if (statement == NULL)
    goto fail;
  sqlite3_bind_text (statement, 1, upload->rid, -1, SQLITE_STATIC);
  if (sqlite3_step (statement) != SQLITE_DONE)
    goto fail;
  g_clear_pointer (&statement, srv_statement_release);
  audit (server, upload->machine_id, "registration.upload", upload->rid, TRUE, "received");
  if (sqlite3_exec (db_of (server), "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    goto fail;
  return TRUE;

fail:
  sqlite3_exec (db_of (server), "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

/* Returns FALSE when the answer waits for the database's sync. */
static gboolean
answer_upload (Upload *upload,
               GError *error)
{
  SrvServer *server = upload->server;
  SoupServerMessage *msg = upload->msg;
  gboolean first = g_strcmp0 (upload->state, "DECLARED") == 0;

  if (error != NULL)
    {
      g_message ("%s", error->message);
      srv_http_respond_error (msg, SOUP_STATUS_INSUFFICIENT_STORAGE, SRV_API_ID_INTAKE,
                              SRV_ERROR_CODE_INTAKE_INTERNAL, "The server could not store the packet");
      audit (server, upload->machine_id, "registration.upload", upload->rid, FALSE, "not stored");
      return TRUE;
    }

  if (g_strcmp0 (upload->hash, upload->declared_hash) != 0)
    {
      if (first)
        srv_http_respond_error (msg, SOUP_STATUS_BAD_REQUEST, SRV_API_ID_INTAKE, SRV_ERROR_CODE_INTAKE_HASH,
                                "The packet's SHA-256 is not the declared hash");
      else
        srv_http_respond_error (msg, SOUP_STATUS_CONFLICT, SRV_API_ID_INTAKE, SRV_ERROR_CODE_INTAKE_CONFLICT,
                                "A different packet with this RID was received before");
      audit (server, upload->machine_id, "registration.upload", upload->rid, FALSE,
             first ? "hash mismatch" : "different content");
      return TRUE;
    }

  if (first)
    {
      sqlite3 *db = db_of (server);
      Upload *answer;
      gboolean stored;

      /* The arrival must be durable before the answer: a machine deletes
       * its copy once told RECEIVED.  It commits with synchronous=NORMAL
       * (in WAL mode, safe from a crash of the process at once) and the
       * answer waits for a WAL sync run in a thread and shared by the
       * uploads that commit meanwhile: one fsync for a burst of uploads,
       * and the main context is not blocked on the disk.  synchronous
       * cannot change inside a transaction, hence around it. */
      if (sqlite3_exec (db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL) != SQLITE_OK)
        {
          respond_internal (msg, server);
          return TRUE;
        }
      stored = store_arrival (server, upload);
      if (sqlite3_exec (db, "PRAGMA synchronous = FULL", NULL, NULL, NULL) != SQLITE_OK)
        g_critical ("Could not restore synchronous=FULL: %s", sqlite3_errmsg (db));
      if (!stored)
        {
          respond_internal (msg, server);
          return TRUE;
        }
      srv_pipeline_wake (srv_server_get_pipeline (server));

      answer = g_new0 (Upload, 1);
      answer->server = g_object_ref (server);
      answer->msg = g_object_ref (msg);
      answer->rid = g_strdup (upload->rid);
      srv_database_sync_async (srv_server_get_database (server), NULL, arrival_synced_cb, answer);
      return FALSE;
    }

  audit (server, upload->machine_id, "registration.upload", upload->rid, TRUE, "again");
  respond_received (msg, upload->rid);
  return TRUE;
}

static void
upload_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Upload *upload = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);
  if (answer_upload (upload, error))
    soup_server_message_unpause (upload->msg);
}

static void
upload_cb (SoupServerMessage *msg,
           GHashTable        *params,
           gpointer           user_data)
{
  SrvServer *server = user_data;
  const char *rid = g_hash_table_lookup (params, "rid");
  g_autoptr(GBytes) body = request_body (msg);
  g_autofree char *machine_id = NULL;
  g_autofree char *centre_id = NULL;
  g_autoptr(sqlite3_stmt) statement = NULL;
  g_autoptr(GTask) task = NULL;
  Upload *upload;
  int rc;

  if (!srv_machine_auth_verify (server, msg, SRV_API_ID_INTAKE, body, &machine_id, &centre_id))
    return;

  if (sqlite3_prepare_v2 (db_of (server), "SELECT machine_id, declared_hash, declared_size, state FROM packet WHERE rid = ?",
                          -1, &statement, NULL) != SQLITE_OK)
    {
      respond_internal (msg, server);
      return;
    }
  sqlite3_bind_text (statement, 1, rid, -1, SQLITE_STATIC);
  rc = sqlite3_step (statement);
  if (rc == SQLITE_DONE)
    {
      srv_http_respond_error (msg, SOUP_STATUS_NOT_FOUND, SRV_API_ID_INTAKE, SRV_ERROR_CODE_INTAKE_NOT_DECLARED,
                              "No packet with this RID was declared: sync it first");
      audit (server, machine_id, "registration.upload", rid, FALSE, "not declared");
      return;
    }
  if (rc != SQLITE_ROW)
    {
      respond_internal (msg, server);
      return;
    }
  if (g_strcmp0 ((const char *) sqlite3_column_text (statement, 0), machine_id) != 0)
    {
      srv_http_respond_error (msg, SOUP_STATUS_FORBIDDEN, SRV_API_ID_INTAKE, SRV_ERROR_CODE_INTAKE_MACHINE,
                              "The packet was declared by another machine");
      audit (server, machine_id, "registration.upload", rid, FALSE, "another machine's packet");
      return;
    }
  if ((gint64) g_bytes_get_size (body) != sqlite3_column_int64 (statement, 2))
    {
      srv_http_respond_error (msg, SOUP_STATUS_BAD_REQUEST, SRV_API_ID_INTAKE, SRV_ERROR_CODE_INTAKE_SIZE,
                              "The packet's size is not the declared size");
      audit (server, machine_id, "registration.upload", rid, FALSE, "size mismatch");
      return;
    }

  upload = g_new0 (Upload, 1);
  upload->server = g_object_ref (server);
  upload->msg = g_object_ref (msg);
  upload->rid = g_strdup (rid);
  upload->machine_id = g_strdup (machine_id);
  upload->declared_hash = g_strdup ((const char *) sqlite3_column_text (statement, 1));
  upload->state = g_strdup ((const char *) sqlite3_column_text (statement, 3));
  upload->body = g_steal_pointer (&body);
  upload->directory = g_strdup (srv_pipeline_get_packet_dir (srv_server_get_pipeline (server)));
  {
    g_autofree char *name = g_strconcat (rid, ".zip", NULL);

    upload->path = g_build_filename (upload->directory, name, NULL);
  }

  soup_server_message_pause (msg);
  task = g_task_new (NULL, NULL, upload_done_cb, NULL);
  g_task_set_task_data (task, upload, (GDestroyNotify) upload_free);
  g_task_run_in_thread (task, upload_thread);
}

/* Refuses an oversize body from its headers, before it is read: setting
 * a status here makes libsoup answer without reading the body. */
static void
early_cb (SoupServer        *soup,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  SrvServer *server = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const SrvPipelineSettings *settings = srv_pipeline_get_settings (srv_server_get_pipeline (server));
  goffset length;
  guint64 limit = SRV_INTAKE_MAX_JSON_BYTES;

  if (g_strcmp0 (soup_server_message_get_method (msg), SOUP_METHOD_POST) != 0 ||
      !g_str_has_prefix (path, "/v1/registration/"))
    return;

  if (g_str_has_prefix (path, PACKETS_PATH))
    {
      const char *rid = path + strlen (PACKETS_PATH);
      g_autoptr(sqlite3_stmt) statement = NULL;

      limit = settings->max_packet_size;
      if (sqlite3_prepare_v2 (db_of (server), "SELECT declared_size FROM packet WHERE rid = ?", -1,
                              &statement, NULL) == SQLITE_OK)
        {
          sqlite3_bind_text (statement, 1, rid, -1, SQLITE_STATIC);
          if (sqlite3_step (statement) == SQLITE_ROW)
            limit = MIN (limit, (guint64) sqlite3_column_int64 (statement, 0));
        }
    }

  if (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH)
    {
      if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_NONE)
        return;
      srv_http_respond_error (msg, SOUP_STATUS_LENGTH_REQUIRED, SRV_API_ID_INTAKE, SRV_ERROR_CODE_INTAKE_LENGTH,
                              "Send the body with a Content-Length");
      return;
    }
  length = soup_message_headers_get_content_length (headers);
  if (length < 0 || (guint64) length > limit)
    {
      g_autofree char *message = g_strdup_printf ("The body is over the limit of %" G_GUINT64_FORMAT " bytes", limit);

      srv_http_respond_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, SRV_API_ID_INTAKE,
                              SRV_ERROR_CODE_INTAKE_TOO_LARGE, message);
    }
}

/* ---- Status ------------------------------------------------------------- */

/* @uin_column is the column holding the packet's UIN, or -1 when the
 * caller is not one to be told it. */
static void
add_status (JsonBuilder  *builder,
            sqlite3_stmt *statement,
            const char   *rid,
            int           uin_column)
{
  const char *state = (const char *) sqlite3_column_text (statement, 0);
  const char *stage = (const char *) sqlite3_column_text (statement, 1);
  const char *type = (const char *) sqlite3_column_text (statement, 2);
  const char *reason = (const char *) sqlite3_column_text (statement, 3);
  const char *uin = uin_column >= 0 ? (const char *) sqlite3_column_text (statement, uin_column) : NULL;

  json_builder_set_member_name (builder, "registrationId");
  json_builder_add_string_value (builder, rid);
  json_builder_set_member_name (builder, "statusCode");
  json_builder_add_string_value (builder, srv_pipeline_external_status (state, stage, type));
  json_builder_set_member_name (builder, "reasonCode");
  if (reason != NULL)
    json_builder_add_string_value (builder, reason);
  else
    json_builder_add_null_value (builder);
  if (uin != NULL)
    {
      json_builder_set_member_name (builder, "uin");
      json_builder_add_string_value (builder, uin);
    }
}

static void
status_cb (SoupServerMessage *msg,
           GHashTable        *params,
           gpointer           user_data)
{
  SrvServer *server = user_data;
  g_autoptr(GBytes) body = request_body (msg);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *machine_id = NULL;
  g_autofree char *centre_id = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonArray) errors = json_array_new ();
  g_autoptr(JsonNode) response = NULL;
  g_autoptr(JsonNode) errors_node = NULL;
  JsonArray *entries;

  if (!srv_machine_auth_verify (server, msg, SRV_API_ID_INTAKE, body, &machine_id, &centre_id))
    return;
  entries = parse_request_array (msg, body, parser);
  if (entries == NULL)
    return;

  json_builder_begin_array (builder);
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      g_autoptr(sqlite3_stmt) statement = NULL;
      JsonNode *node = json_array_get_element (entries, i);
      const char *rid;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          srv_http_respond_error (msg, SOUP_STATUS_BAD_REQUEST, SRV_API_ID_INTAKE, SRV_ERROR_CODE_INTAKE_TYPE,
                                  "Each entry must be an object");
          return;
        }
      rid = get_string (msg, json_node_get_object (node), "registrationId", FALSE, 64, i);
      if (rid == NULL)
        return;

      /* A machine sees the packets of its own centre only.  The UIN of a
       * processed packet is the one the pool assigned to it (NEW), or else
       * the one its final notification carries (UPDATE, LOST): that row is
       * written in the transaction that makes the packet PROCESSED. */
      if (sqlite3_prepare_v2 (db_of (server),
                              "SELECT state, stage, registration_type, reason_code,"
                              " CASE WHEN state = 'PROCESSED' THEN coalesce ("
                              "  (SELECT uin FROM uin_pool WHERE uin_pool.rid = packet.rid AND status = 'ASSIGNED'),"
                              "  (SELECT json_extract (payload, '$.uin') FROM outbox"
                              "   WHERE outbox.rid = packet.rid AND event = 'PACKET_PROCESSED')) END"
                              " FROM packet WHERE rid = ? AND centre_id = ?", -1, &statement, NULL) != SQLITE_OK)
        {
          respond_internal (msg, server);
          return;
        }
      sqlite3_bind_text (statement, 1, rid, -1, SQLITE_STATIC);
      sqlite3_bind_text (statement, 2, centre_id, -1, SQLITE_STATIC);
      if (sqlite3_step (statement) == SQLITE_ROW)
        {
          json_builder_begin_object (builder);
          add_status (builder, statement, rid, 4);
          json_builder_end_object (builder);
        }
      else
        {
          g_autofree char *message = g_strdup_printf ("No packet %s is known for this centre", rid);

          json_array_add_element (errors, srv_http_error_new (SRV_ERROR_CODE_INTAKE_NOT_FOUND, message));
        }
    }
  json_builder_end_array (builder);

  response = json_builder_get_root (builder);
  errors_node = json_node_init_array (json_node_alloc (), errors);
  srv_http_respond (msg, SOUP_STATUS_OK, SRV_API_ID_INTAKE, g_steal_pointer (&response),
                    json_array_get_length (errors) > 0 ? g_steal_pointer (&errors_node) : NULL);
}

static void
packet_status_cb (SoupServerMessage *msg,
                  GHashTable        *params,
                  gpointer           user_data)
{
  SrvServer *server = user_data;
  const char *rid = g_hash_table_lookup (params, "rid");
  g_autoptr(sqlite3_stmt) statement = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) response = NULL;
  g_autofree char *user_id = NULL;

  if (!srv_admin_auth_require (server, msg, SRV_API_ID_INTAKE, SRV_ROLE_ALL, &user_id))
    return;

  if (sqlite3_prepare_v2 (db_of (server),
                          "SELECT state, stage, registration_type, reason_code, paused, age_group FROM packet"
                          " WHERE rid = ?", -1, &statement, NULL) != SQLITE_OK)
    {
      respond_internal (msg, server);
      return;
    }
  sqlite3_bind_text (statement, 1, rid, -1, SQLITE_STATIC);
  if (sqlite3_step (statement) != SQLITE_ROW)
    {
      srv_http_respond_error (msg, SOUP_STATUS_NOT_FOUND, SRV_API_ID_INTAKE, SRV_ERROR_CODE_INTAKE_NOT_FOUND,
                              "No packet has this RID");
      return;
    }

  json_builder_begin_object (builder);
  add_status (builder, statement, rid, -1);
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, (const char *) sqlite3_column_text (statement, 0));
  json_builder_set_member_name (builder, "stage");
  if (sqlite3_column_type (statement, 1) != SQLITE_NULL)
    json_builder_add_string_value (builder, (const char *) sqlite3_column_text (statement, 1));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "registrationType");
  json_builder_add_string_value (builder, (const char *) sqlite3_column_text (statement, 2));
  json_builder_set_member_name (builder, "paused");
  json_builder_add_boolean_value (builder, sqlite3_column_int (statement, 4) != 0);
  json_builder_set_member_name (builder, "ageGroup");
  if (sqlite3_column_type (statement, 5) != SQLITE_NULL)
    json_builder_add_string_value (builder, (const char *) sqlite3_column_text (statement, 5));
  else
    json_builder_add_null_value (builder);
  g_clear_pointer (&statement, sqlite3_finalize);

  json_builder_set_member_name (builder, "history");
  json_builder_begin_array (builder);
  if (sqlite3_prepare_v2 (db_of (server),
                          "SELECT stage, outcome, time, detail FROM packet_history WHERE rid = ? ORDER BY id",
                          -1, &statement, NULL) == SQLITE_OK)
    {
      sqlite3_bind_text (statement, 1, rid, -1, SQLITE_STATIC);
      while (sqlite3_step (statement) == SQLITE_ROW)
        {
          g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (sqlite3_column_int64 (statement, 2));
          g_autofree char *iso = g_date_time_format_iso8601 (time);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "stage");
          json_builder_add_string_value (builder, (const char *) sqlite3_column_text (statement, 0));
          json_builder_set_member_name (builder, "outcome");
          json_builder_add_string_value (builder, (const char *) sqlite3_column_text (statement, 1));
          json_builder_set_member_name (builder, "time");
          json_builder_add_string_value (builder, iso);
          json_builder_set_member_name (builder, "detail");
          if (sqlite3_column_type (statement, 3) != SQLITE_NULL)
            json_builder_add_string_value (builder, (const char *) sqlite3_column_text (statement, 3));
          else
            json_builder_add_null_value (builder);
          json_builder_end_object (builder);
        }
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  response = json_builder_get_root (builder);
  srv_http_respond (msg, SOUP_STATUS_OK, SRV_API_ID_INTAKE, g_steal_pointer (&response), NULL);
}

/**
 * srv_intake_add_routes:
 * @router: the server's router
 * @server: the server, which outlives the routes
 *
 * Adds RID sync, upload and the status calls, and the early size check.
 */
void
srv_intake_add_routes (SrvRouter *router,
                       SrvServer *server)
{
  g_return_if_fail (SRV_IS_ROUTER (router));
  g_return_if_fail (SRV_IS_SERVER (server));

  /* For every path: libsoup picks one handler entry per request, the
   * longest matching path, so an early handler on a path of its own would
   * hide the router's handler of the whole server. */
  soup_server_add_early_handler (srv_server_get_soup (server), NULL, early_cb, server, NULL);
  srv_router_add (router, SOUP_METHOD_POST, "/v1/registration/sync", sync_cb, server);
  srv_router_add (router, SOUP_METHOD_POST, "/v1/registration/packets/{rid}", upload_cb, server);
  srv_router_add (router, SOUP_METHOD_POST, "/v1/registration/status", status_cb, server);
  srv_router_add (router, SOUP_METHOD_GET, "/v1/packets/{rid}/status", packet_status_cb, server);
}
