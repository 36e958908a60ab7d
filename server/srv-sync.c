/* srv-sync.c — what registration machines download
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Every route is a GET signed by a registered, active machine
 * (srv-machine-auth.c), answered in the usual envelope:
 *
 *   GET /v1/sync/masterdata?since=N   coded lists, locations, applicant-valid documents
 *   GET /v1/sync/centre?since=N       the machine's centre, working hours, holidays, devices
 *   GET /v1/sync/users?since=N        the centre's operators and supervisors
 *   GET /v1/sync/schema?since=N       the latest published ID schema and UI spec
 *   GET /v1/sync/certificate          the centre+machine's packet-encryption certificate
 *
 * Deltas: every synced row carries the sync clock's value when it last
 * changed (see migration 5).  A machine sends the "version" its last
 * answer gave as `since` and gets the rows with since < version ≤ the
 * clock as read first, deactivated rows included so it can drop them,
 * and the new "version".  Reading the clock first and bounding by it
 * means a row written meanwhile is left for the next sync instead of
 * being skipped.  The users answer also lists every user mapped to the
 * centre now ("userIds"), so a machine drops those who left it.  The
 * schema's `since` is the published documents' own version.
 *
 * Every answer body is signed by the server's Ed25519 key (a detached
 * signature in X-Idem-Response-Signature, the key's fingerprint in
 * X-Idem-Response-Key), so a machine that pinned the server's key knows
 * the data came from it, even through a TLS-terminating proxy.
 */

#define G_LOG_DOMAIN "idem-server"

#include "config.h"

#include "srv-sync.h"
#include "srv-admin-private.h"
#include "srv-machine-auth.h"
#include "srv-packet-keys.h"

#include "idem.h"
#include "idem-openssl-types.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <string.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* Sync requests are GETs: a body beyond this is not a sync request. */
#define MAX_BODY_SIZE 4096

typedef struct
{
  SrvServer         *server;
  SoupServerMessage *msg;
  const char        *api_id;
  char              *machine_id;
  char              *centre_id;
  const char        *query_text;
  GHashTable        *query;
  gint64             since;
  gint64             version;
} SyncRequest;

static void
sync_request_clear (SyncRequest *request)
{
  g_clear_pointer (&request->machine_id, g_free);
  g_clear_pointer (&request->centre_id, g_free);
  g_clear_pointer (&request->query, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SyncRequest, sync_request_clear)

/**
 * srv_sync_sign_response:
 * @server: the server
 * @msg: a request whose response body is set
 *
 * Adds the server's detached Ed25519 signature of the response body.
 *
 * Returns: whether the signature was added
 */
gboolean
srv_sync_sign_response (SrvServer         *server,
                        SoupServerMessage *msg)
{
  SrvKeys *keys = srv_server_get_keys (server);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gsize length = 0;
  const guint8 *data;

  g_return_val_if_fail (SRV_IS_SERVER (server), FALSE);
  g_return_val_if_fail (SOUP_IS_SERVER_MESSAGE (msg), FALSE);

  body = soup_message_body_flatten (soup_server_message_get_response_body (msg));
  data = g_bytes_get_data (body, &length);
  signature = idem_crypto_sign (keys->signing, IDEM_SIGNATURE_ED25519, data != NULL ? data : (const guint8 *) "",
                                length, &error);
  if (signature == NULL)
    {
      g_message ("Could not sign a sync response: %s", error->message);
      return FALSE;
    }

  text = idem_base64url_encode (g_bytes_get_data (signature, NULL), g_bytes_get_size (signature));
  soup_message_headers_replace (headers, SRV_SYNC_HEADER_SIGNATURE, text);
  soup_message_headers_replace (headers, SRV_SYNC_HEADER_KEY, keys->signing_fingerprint);
  return TRUE;
}

static void
respond (SyncRequest *request,
         JsonNode    *response)
{
  srv_http_respond (request->msg, SOUP_STATUS_OK, request->api_id, response, NULL);
  srv_sync_sign_response (request->server, request->msg);
}

static void
respond_internal (SyncRequest  *request,
                  const GError *error)
{
  g_message ("Sync for machine %s failed: %s", request->machine_id, error->message);
  srv_http_respond_error (request->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, request->api_id,
                          SRV_ERROR_CODE_INTERNAL, error->message);
}

static gboolean
read_clock (sqlite3  *db,
            gint64   *version,
            GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT version FROM sync_clock WHERE id = 1", -1, &stmt, NULL) != SQLITE_OK ||
      sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not read the sync clock: %s", sqlite3_errmsg (db));
      return FALSE;
    }

  *version = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

/* Reads the version parameter @name (0 when absent); answers 400 when it
 * is not a whole number. */
static gboolean
get_since (SyncRequest *request,
           const char  *name,
           gint64       fallback,
           gint64      *value)
{
  const char *text = NULL;
  guint64 number = 0;

  /* A query that does not even parse is reported as it came. */
  if (request->query_text != NULL)
    text = request->query != NULL ? g_hash_table_lookup (request->query, name) : request->query_text;

  if (text == NULL)
    {
      *value = fallback;
      return TRUE;
    }

  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64, &number, NULL))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” must be the whole number a previous sync answered as a version, not “%.32s”"),
                                                  name, text);

      srv_http_respond_error (request->msg, SOUP_STATUS_BAD_REQUEST, request->api_id,
                              SRV_ERROR_CODE_SYNC_BAD_SINCE, message);
      return FALSE;
    }

  *value = (gint64) number;
  return TRUE;
}

/* Authenticates the machine and reads `since`; answers the refusals. */
static gboolean
begin_request (SyncRequest       *request,
               SrvServer         *server,
               SoupServerMessage *msg,
               const char        *api_id)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);

  request->server = server;
  request->msg = msg;
  request->api_id = api_id;

  if (request_body->length > MAX_BODY_SIZE)
    {
      srv_http_respond_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, api_id, SRV_ERROR_CODE_SYNC_BODY,
                              _("Sync requests carry no body"));
      return FALSE;
    }
  body = soup_message_body_flatten (request_body);

  if (!srv_machine_auth_verify (server, msg, api_id, body, &request->machine_id, &request->centre_id))
    return FALSE;

  request->query_text = g_uri_get_query (soup_server_message_get_uri (msg));
  if (request->query_text != NULL)
    request->query = g_uri_parse_params (request->query_text, -1, "&", G_URI_PARAMS_NONE, NULL);

  if (!get_since (request, "since", 0, &request->since))
    return FALSE;

  if (!read_clock (srv_database_get_handle (srv_server_get_database (server)), &request->version, &error))
    {
      respond_internal (request, error);
      return FALSE;
    }

  return TRUE;
}

/* For routes whose `since` counts the sync clock. */
static gboolean
check_not_ahead (SyncRequest *request)
{
  g_autofree char *message = NULL;

  if (request->since <= request->version)
    return TRUE;

  message = g_strdup_printf (_("This machine has version %" PRId64 " but the server is at %" PRId64 ": the server was restored from a backup; sync again from the start (since=0)"),
                             request->since, request->version);
  srv_http_respond_error (request->msg, SOUP_STATUS_CONFLICT, request->api_id, SRV_ERROR_CODE_SYNC_AHEAD, message);
  return FALSE;
}

static void
add_versions (JsonBuilder *builder,
              SyncRequest *request)
{
  json_builder_set_member_name (builder, "since");
  json_builder_add_int_value (builder, request->since);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, request->version);
}

/* Prepares @sql, a delta query: ?1 is `since`, ?2 the clock as read
 * first, and ?3, when the query has it, the machine's centre. */
static sqlite3_stmt *
prepare_delta (sqlite3      *db,
               const char   *sql,
               SyncRequest  *request,
               GError      **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not read the sync data: %s", sqlite3_errmsg (db));
      sqlite3_finalize (stmt);
      return NULL;
    }

  sqlite3_bind_int64 (stmt, 1, request->since);
  sqlite3_bind_int64 (stmt, 2, request->version);
  if (sqlite3_bind_parameter_count (stmt) >= 3)
    sqlite3_bind_text (stmt, 3, request->centre_id, -1, SQLITE_STATIC);
  return stmt;
}

static gboolean
step_done (sqlite3  *db,
           int       rc,
           GError  **error)
{
  if (rc == SQLITE_DONE)
    return TRUE;

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not read the sync data: %s", sqlite3_errmsg (db));
  return FALSE;
}

/* Rows become JSON as the admin API makes them (srv_admin_add_row()), so
 * a machine and the admin console read a row alike.  The columns of each
 * synced table, in SELECT order; flags are sent as false when NULL, any
 * other NULL as null. */
#define FLAG(name) { name, SRV_ADMIN_COLUMN_BOOL, SRV_ADMIN_NULL_IS_FALSE }
#define COLUMNS(table) table, G_N_ELEMENTS (table)

static const SrvAdminColumn master_data_columns[] = {
  { "type", SRV_ADMIN_COLUMN_TEXT },
  { "code", SRV_ADMIN_COLUMN_TEXT },
  { "names", SRV_ADMIN_COLUMN_JSON },
  { "attributes", SRV_ADMIN_COLUMN_JSON },
  FLAG ("active"),
  { "version", SRV_ADMIN_COLUMN_INT },
};

static const SrvAdminColumn location_columns[] = {
  { "code", SRV_ADMIN_COLUMN_TEXT },
  { "parentCode", SRV_ADMIN_COLUMN_TEXT },
  { "level", SRV_ADMIN_COLUMN_INT },
  { "levelName", SRV_ADMIN_COLUMN_TEXT },
  { "names", SRV_ADMIN_COLUMN_JSON },
  FLAG ("isZone"),
  FLAG ("active"),
  { "version", SRV_ADMIN_COLUMN_INT },
};

static const SrvAdminColumn valid_document_columns[] = {
  { "applicantType", SRV_ADMIN_COLUMN_TEXT },
  { "documentCategory", SRV_ADMIN_COLUMN_TEXT },
  { "documentType", SRV_ADMIN_COLUMN_TEXT },
  FLAG ("active"),
  { "version", SRV_ADMIN_COLUMN_INT },
};

static const SrvAdminColumn centre_columns[] = {
  { "id", SRV_ADMIN_COLUMN_TEXT },
  { "names", SRV_ADMIN_COLUMN_JSON },
  { "locationCode", SRV_ADMIN_COLUMN_TEXT },
  { "timeZone", SRV_ADMIN_COLUMN_TEXT },
  { "address", SRV_ADMIN_COLUMN_TEXT },
  { "latitude", SRV_ADMIN_COLUMN_REAL },
  { "longitude", SRV_ADMIN_COLUMN_REAL },
  { "status", SRV_ADMIN_COLUMN_TEXT },
  { "version", SRV_ADMIN_COLUMN_INT },
};

static const SrvAdminColumn device_columns[] = {
  { "id", SRV_ADMIN_COLUMN_TEXT },
  { "type", SRV_ADMIN_COLUMN_TEXT },
  { "make", SRV_ADMIN_COLUMN_TEXT },
  { "model", SRV_ADMIN_COLUMN_TEXT },
  { "serial", SRV_ADMIN_COLUMN_TEXT },
  { "machineId", SRV_ADMIN_COLUMN_TEXT },
  { "status", SRV_ADMIN_COLUMN_TEXT },
  { "version", SRV_ADMIN_COLUMN_INT },
};

static const SrvAdminColumn user_columns[] = {
  { "id", SRV_ADMIN_COLUMN_TEXT },
  { "name", SRV_ADMIN_COLUMN_TEXT },
  { "email", SRV_ADMIN_COLUMN_TEXT },
  { "status", SRV_ADMIN_COLUMN_TEXT },
  { "passwordHash", SRV_ADMIN_COLUMN_TEXT },
  { "version", SRV_ADMIN_COLUMN_INT },
};

static const SrvAdminColumn fingerprint_columns[] = {
  { "finger", SRV_ADMIN_COLUMN_TEXT },
  { "template", SRV_ADMIN_COLUMN_BASE64 },
};

static const SrvAdminColumn document_columns[] = {
  { "version", SRV_ADMIN_COLUMN_INT },
  { "published", SRV_ADMIN_COLUMN_TEXT },
  { "content", SRV_ADMIN_COLUMN_JSON },
};

/* @name: an array of the rows of the delta query @sql (see
 * prepare_delta()), each with @extra's members too. */
static gboolean
add_delta_rows (JsonBuilder           *builder,
                const char            *name,
                sqlite3               *db,
                SyncRequest           *request,
                const char            *sql,
                const SrvAdminColumn  *columns,
                guint                  n_columns,
                SrvAdminRowFunc        extra,
                GError               **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare_delta (db, sql, request, error);

  return stmt != NULL && srv_admin_add_rows (builder, name, db, stmt, columns, n_columns, extra, error);
}

/* @name: the first row of @stmt as an object, or null when there is none. */
static gboolean
add_first_row (JsonBuilder           *builder,
               const char            *name,
               sqlite3               *db,
               sqlite3_stmt          *stmt,
               const SrvAdminColumn  *columns,
               guint                  n_columns,
               SrvAdminRowFunc        extra,
               GError               **error)
{
  int rc;

  json_builder_set_member_name (builder, name);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      json_builder_add_null_value (builder);
      return step_done (db, rc, error);
    }

  return srv_admin_add_object (builder, db, stmt, columns, n_columns, extra, error);
}

static void
master_data_cb (SoupServerMessage *msg,
                GHashTable        *params,
                gpointer           user_data)
{
  SrvServer *server = user_data;
  sqlite3 *db = srv_database_get_handle (srv_server_get_database (server));
  g_auto(SyncRequest) request = { 0 };
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;

  if (!begin_request (&request, server, msg, SRV_API_ID_SYNC ".masterdata") || !check_not_ahead (&request))
    return;

  json_builder_begin_object (builder);
  add_versions (builder, &request);
  if (!add_delta_rows (builder, "masterData", db, &request,
                       "SELECT type, code, names, attributes, active, version FROM master_data"
                       " WHERE version > ?1 AND version <= ?2 ORDER BY type, code",
                       COLUMNS (master_data_columns), NULL, &error) ||
      !add_delta_rows (builder, "locations", db, &request,
                       "SELECT code, parent_code, level, level_name, names, is_zone, active, version FROM location"
                       " WHERE version > ?1 AND version <= ?2 ORDER BY level, code",
                       COLUMNS (location_columns), NULL, &error) ||
      !add_delta_rows (builder, "applicantValidDocuments", db, &request,
                       "SELECT applicant_type, document_category, document_type, active, version"
                       " FROM applicant_valid_document WHERE version > ?1 AND version <= ?2"
                       " ORDER BY applicant_type, document_category, document_type",
                       COLUMNS (valid_document_columns), NULL, &error))
    {
      respond_internal (&request, error);
      return;
    }
  json_builder_end_object (builder);

  respond (&request, json_builder_get_root (builder));
}

/* The centre with its hours and holidays, or null when unchanged since
 * `since`.  Changing hours or holidays bumps the centre's version. */
static gboolean
add_centre (JsonBuilder  *builder,
            sqlite3      *db,
            SyncRequest  *request,
            GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = prepare_delta (db,
                        "SELECT id, names, location_code, time_zone, address, latitude, longitude, status, version"
                        " FROM centre WHERE version > ?1 AND version <= ?2 AND id = ?3",
                        request, error);
  if (stmt == NULL)
    return FALSE;

  return add_first_row (builder, "centre", db, stmt, COLUMNS (centre_columns), srv_admin_add_schedule, error);
}

static void
centre_cb (SoupServerMessage *msg,
           GHashTable        *params,
           gpointer           user_data)
{
  SrvServer *server = user_data;
  sqlite3 *db = srv_database_get_handle (srv_server_get_database (server));
  g_auto(SyncRequest) request = { 0 };
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;

  if (!begin_request (&request, server, msg, SRV_API_ID_SYNC ".centre") || !check_not_ahead (&request))
    return;

  /* The centre's devices (readers, cameras, …) changed since `since`,
   * deactivated ones included: each has a version of its own. */
  json_builder_begin_object (builder);
  add_versions (builder, &request);
  if (!add_centre (builder, db, &request, &error) ||
      !add_delta_rows (builder, "devices", db, &request,
                       "SELECT id, type, make, model, serial, machine_id, status, version FROM device"
                       " WHERE version > ?1 AND version <= ?2 AND centre_id = ?3 ORDER BY id",
                       COLUMNS (device_columns), NULL, &error))
    {
      respond_internal (&request, error);
      return;
    }
  json_builder_end_object (builder);

  respond (&request, json_builder_get_root (builder));
}

/* Users mapped to the centre now: the mapping keeps its history, and a
 * machine only logs in those who belong to its centre today. */
#define MAPPED_USERS                                                  \
        "SELECT DISTINCT user_id FROM user_centre WHERE centre_id = ?3" \
        " AND valid_from <= ?4 AND (valid_to IS NULL OR valid_to > ?4)"

static gboolean
add_user_ids (JsonBuilder  *builder,
              sqlite3      *db,
              SyncRequest  *request,
              gint64        now,
              GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, MAPPED_USERS " ORDER BY user_id", -1, &stmt, NULL) != SQLITE_OK)
    return step_done (db, SQLITE_ERROR, error);
  sqlite3_bind_text (stmt, 3, request->centre_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, now);

  json_builder_set_member_name (builder, "userIds");
  json_builder_begin_array (builder);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, 0));
  json_builder_end_array (builder);

  return step_done (db, rc, error);
}

static gboolean
add_user_roles (JsonBuilder  *builder,
                sqlite3      *db,
                const char   *user_id,
                GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, "SELECT role FROM user_role WHERE user_id = ? ORDER BY role", -1, &stmt, NULL) != SQLITE_OK)
    return step_done (db, SQLITE_ERROR, error);
  sqlite3_bind_text (stmt, 1, user_id, -1, SQLITE_STATIC);

  json_builder_set_member_name (builder, "roles");
  json_builder_begin_array (builder);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, 0));
  json_builder_end_array (builder);

  return step_done (db, rc, error);
}

/* A user's roles and fingerprint templates: a SrvAdminRowFunc. */
static gboolean
add_user_details (sqlite3      *db,
                  const char   *user_id,
                  JsonBuilder  *builder,
                  GError      **error)
{
  return add_user_roles (builder, db, user_id, error) &&
         srv_admin_add_rows_for (builder, "fingerprints", db,
                                 "SELECT finger, template FROM user_biometric WHERE user_id = ? ORDER BY finger",
                                 user_id, COLUMNS (fingerprint_columns), error);
}

/* Changing a user's roles, templates or password bumps the user's version. */
static gboolean
add_users (JsonBuilder  *builder,
           sqlite3      *db,
           SyncRequest  *request,
           gint64        now,
           GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = prepare_delta (db,
                        "SELECT id, name, email, status, password_hash, version FROM app_user"
                        " WHERE version > ?1 AND version <= ?2 AND id IN (" MAPPED_USERS ") ORDER BY id",
                        request, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 4, now);

  return srv_admin_add_rows (builder, "users", db, stmt, COLUMNS (user_columns), add_user_details, error);
}

static void
users_cb (SoupServerMessage *msg,
          GHashTable        *params,
          gpointer           user_data)
{
  SrvServer *server = user_data;
  sqlite3 *db = srv_database_get_handle (srv_server_get_database (server));
  g_auto(SyncRequest) request = { 0 };
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (!begin_request (&request, server, msg, SRV_API_ID_SYNC ".users") || !check_not_ahead (&request))
    return;

  json_builder_begin_object (builder);
  add_versions (builder, &request);
  if (!add_user_ids (builder, db, &request, now, &error) ||
      !add_users (builder, db, &request, now, &error))
    {
      respond_internal (&request, error);
      return;
    }
  json_builder_end_object (builder);

  respond (&request, json_builder_get_root (builder));
}

/* The latest published document of @kind when newer than @since, else null. */
static gboolean
add_document (JsonBuilder  *builder,
              sqlite3      *db,
              const char   *name,
              const char   *kind,
              gint64        since,
              GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT version, published, content FROM published_document"
                          " WHERE kind = ? AND version > ? ORDER BY version DESC LIMIT 1",
                          -1, &stmt, NULL) != SQLITE_OK)
    return step_done (db, SQLITE_ERROR, error);
  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, since);

  return add_first_row (builder, name, db, stmt, COLUMNS (document_columns), NULL, error);
}

static void
schema_cb (SoupServerMessage *msg,
           GHashTable        *params,
           gpointer           user_data)
{
  SrvServer *server = user_data;
  sqlite3 *db = srv_database_get_handle (srv_server_get_database (server));
  g_auto(SyncRequest) request = { 0 };
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;

  gint64 id_schema_since;
  gint64 ui_spec_since;

  /* The two documents are published with versions of their own: each has
   * its own `since`, and plain `since` stands for both. */
  if (!begin_request (&request, server, msg, SRV_API_ID_SYNC ".schema") ||
      !get_since (&request, "idSchemaSince", request.since, &id_schema_since) ||
      !get_since (&request, "uiSpecSince", request.since, &ui_spec_since))
    return;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "since");
  json_builder_add_int_value (builder, request.since);
  if (!add_document (builder, db, "idSchema", "id-schema", id_schema_since, &error) ||
      !add_document (builder, db, "uiSpec", "ui-spec", ui_spec_since, &error))
    {
      respond_internal (&request, error);
      return;
    }
  json_builder_end_object (builder);

  respond (&request, json_builder_get_root (builder));
}

typedef struct
{
  SrvServer         *server;
  SoupServerMessage *msg;
  char              *machine_id;
  char              *centre_id;
  char              *certificate;
} CertificateJob;

static void
certificate_job_free (CertificateJob *job)
{
  g_object_unref (job->server);
  g_object_unref (job->msg);
  g_free (job->machine_id);
  g_free (job->centre_id);
  g_free (job->certificate);
  g_free (job);
}

static void
certificate_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  CertificateJob *job = task_data;
  GError *error = NULL;
  SrvPacketKeys *packet_keys = srv_server_get_packet_keys (job->server);

  /* The first request of a machine makes an RSA-3072 key: not on the
   * main loop, which answers every other request meanwhile. */
  if (packet_keys == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CLOSED, "The server is stopping");
      return;
    }

  job->certificate = srv_packet_keys_get_certificate_pem (packet_keys, job->centre_id, job->machine_id, &error);
  if (job->certificate == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
certificate_done_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  CertificateJob *job = g_task_get_task_data (G_TASK (result));
  const char *api_id = SRV_API_ID_SYNC ".certificate";
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *reference_id = NULL;
  g_autofree char *server_key = NULL;
  SrvKeys *keys;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      guint status = g_error_matches (error, SRV_PACKET_KEYS_ERROR, SRV_PACKET_KEYS_ERROR_INVALID_ARGUMENT)
        ? SOUP_STATUS_UNPROCESSABLE_ENTITY : SOUP_STATUS_INTERNAL_SERVER_ERROR;

      srv_http_respond_error (job->msg, status, api_id, SRV_ERROR_CODE_SYNC_CERTIFICATE, error->message);
      soup_server_message_unpause (job->msg);
      return;
    }

  keys = srv_server_get_keys (job->server);
  if (keys != NULL)
    {
      g_autoptr(BIO) bio = BIO_new (BIO_s_mem ());
      char *data = NULL;
      long length;

      if (bio != NULL && PEM_write_bio_PUBKEY (bio, keys->signing))
        {
          length = BIO_get_mem_data (bio, &data);
          server_key = g_strndup (data, length);
        }
    }

  reference_id = srv_packet_keys_reference_id (job->centre_id, job->machine_id);
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "referenceId");
  json_builder_add_string_value (builder, reference_id);
  json_builder_set_member_name (builder, "certificate");
  json_builder_add_string_value (builder, job->certificate);
  json_builder_set_member_name (builder, "serverSigningKey");
  json_builder_add_string_value (builder, server_key);
  json_builder_set_member_name (builder, "serverSigningKeyFingerprint");
  json_builder_add_string_value (builder, keys != NULL ? keys->signing_fingerprint : NULL);
  json_builder_end_object (builder);

  srv_http_respond (job->msg, SOUP_STATUS_OK, api_id, json_builder_get_root (builder), NULL);
  srv_sync_sign_response (job->server, job->msg);
  soup_server_message_unpause (job->msg);
}

static void
certificate_cb (SoupServerMessage *msg,
                GHashTable        *params,
                gpointer           user_data)
{
  SrvServer *server = user_data;
  g_auto(SyncRequest) request = { 0 };
  g_autoptr(GTask) task = NULL;
  CertificateJob *job;

  if (!begin_request (&request, server, msg, SRV_API_ID_SYNC ".certificate"))
    return;

  job = g_new0 (CertificateJob, 1);
  job->server = g_object_ref (server);
  job->msg = g_object_ref (msg);
  job->machine_id = g_steal_pointer (&request.machine_id);
  job->centre_id = g_steal_pointer (&request.centre_id);

  soup_server_message_pause (msg);
  task = g_task_new (NULL, NULL, certificate_done_cb, NULL);
  g_task_set_source_tag (task, certificate_cb);
  g_task_set_task_data (task, job, (GDestroyNotify) certificate_job_free);
  g_task_run_in_thread (task, certificate_thread);
}

/**
 * srv_sync_add_routes:
 * @router: the server's router
 * @server: the server, which outlives the router
 *
 * Adds the machine sync routes under /v1/sync/.
 */
void
srv_sync_add_routes (SrvRouter *router,
                     SrvServer *server)
{
  g_return_if_fail (SRV_IS_ROUTER (router));
  g_return_if_fail (SRV_IS_SERVER (server));

  srv_router_add (router, SOUP_METHOD_GET, "/v1/sync/masterdata", master_data_cb, server);
  srv_router_add (router, SOUP_METHOD_GET, "/v1/sync/centre", centre_cb, server);
  srv_router_add (router, SOUP_METHOD_GET, "/v1/sync/users", users_cb, server);
  srv_router_add (router, SOUP_METHOD_GET, "/v1/sync/schema", schema_cb, server);
  srv_router_add (router, SOUP_METHOD_GET, "/v1/sync/certificate", certificate_cb, server);
}
