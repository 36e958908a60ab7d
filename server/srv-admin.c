/* srv-admin.c — the admin API: centres, machines, devices, users, master data, documents
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * JSON over HTTPS for the admin console, every route for role ADMIN,
 * answers in the usual envelope:
 *
 *   /v1/admin/locations[/{code}]               zones and the location tree
 *   /v1/admin/centres[/{id}]                   with working hours and holidays
 *   /v1/admin/machines[/{id}]                  with their Ed25519 public keys
 *   /v1/admin/devices[/{id}]
 *   /v1/admin/users[/{id}]                     roles, centre mapping, login fingers
 *   /v1/admin/masterdata/{type}[/{code}]       coded lists
 *   /v1/admin/applicant-valid-documents
 *   /v1/admin/documents/{kind}[/{version}]     ID schema and UI spec, versioned
 *
 * GET lists or reads; POST on a collection creates (201); PUT on an object
 * changes the members it is given and keeps the others.  Nothing is ever
 * deleted: objects are deactivated or decommissioned, so machines that
 * download deltas learn about removals.
 *
 * Every write runs in one transaction that also advances sync_clock and
 * stamps the changed row with the new value (machines ask for "everything
 * after version N"), and records its audit event; a refused write is
 * rolled back and then audited on its own.  Handlers read and check the
 * whole request before they open the transaction, and every database
 * access stays on the main thread: the process shares one connection.
 */

#define G_LOG_DOMAIN "idem-server"

#include "config.h"

#include "srv-admin.h"
#include "srv-admin-private.h"
#include "srv-error.h"

#include <glib/gi18n.h>
#include <stdarg.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

const char * const srv_admin_statuses[] = { "ACTIVE", "INACTIVE", "DECOMMISSIONED", NULL };

sqlite3 *
srv_admin_db (SrvAdminCall *call)
{
  return srv_database_get_handle (srv_server_get_database (call->server));
}

void
srv_admin_set_sqlite_error (GError **error,
                            sqlite3 *db)
{
  g_set_error (error, SRV_ERROR, SRV_ERROR_DATABASE, "%s", sqlite3_errmsg (db));
}

gboolean
srv_admin_begin (SrvAdminCall  *call,
                 GError       **error)
{
  return srv_database_exec (srv_server_get_database (call->server), "BEGIN IMMEDIATE", error);
}

gboolean
srv_admin_commit (SrvAdminCall  *call,
                  GError       **error)
{
  return srv_database_exec (srv_server_get_database (call->server), "COMMIT", error);
}

void
srv_admin_rollback (SrvAdminCall *call)
{
  if (!sqlite3_get_autocommit (srv_admin_db (call)))
    srv_database_exec (srv_server_get_database (call->server), "ROLLBACK", NULL);
}

/**
 * srv_admin_next_version:
 * @version: (out): the new value of the sync clock
 *
 * Advances the sync clock; call it inside the write's transaction.
 */
gboolean
srv_admin_next_version (SrvAdminCall  *call,
                        gint64        *version,
                        GError       **error)
{
  sqlite3 *db = srv_admin_db (call);
  g_autoptr(sqlite3_stmt) statement = NULL;

  if (sqlite3_prepare_v2 (db, "UPDATE sync_clock SET version = version + 1 WHERE id = 1 RETURNING version",
                          -1, &statement, NULL) != SQLITE_OK ||
      sqlite3_step (statement) != SQLITE_ROW)
    {
      srv_admin_set_sqlite_error (error, db);
      return FALSE;
    }

  *version = sqlite3_column_int64 (statement, 0);
  return TRUE;
}

/* Binds parameters by a type string: 't' text (NULL binds null), 'i'
 * gint64, 'r' double, 'b' blob (pointer and gsize; a NULL pointer binds
 * null), 'n' null (takes no argument). */
static sqlite3_stmt *
prepare_va (sqlite3     *db,
            GError     **error,
            const char  *sql,
            const char  *types,
            va_list      args)
{
  sqlite3_stmt *statement = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &statement, NULL) != SQLITE_OK)
    {
      srv_admin_set_sqlite_error (error, db);
      return NULL;
    }

  for (int i = 0; types != NULL && types[i] != '\0'; i++)
    {
      switch (types[i])
        {
        case 't':
          sqlite3_bind_text (statement, i + 1, va_arg (args, const char *), -1, SQLITE_TRANSIENT);
          break;

        case 'i':
          sqlite3_bind_int64 (statement, i + 1, va_arg (args, gint64));
          break;

        case 'r':
          sqlite3_bind_double (statement, i + 1, va_arg (args, double));
          break;

        case 'b':
          {
            const void *data = va_arg (args, const void *);
            gsize length = va_arg (args, gsize);

            if (data != NULL)
              sqlite3_bind_blob (statement, i + 1, data, length, SQLITE_TRANSIENT);
            else
              sqlite3_bind_null (statement, i + 1);
          }
          break;

        case 'n':
        default:
          sqlite3_bind_null (statement, i + 1);
          break;
        }
    }

  return statement;
}

/**
 * srv_admin_exec:
 * @types: the parameters' types, see prepare_va()
 *
 * Runs one statement that returns no rows.
 */
gboolean
srv_admin_exec (sqlite3     *db,
                GError     **error,
                const char  *sql,
                const char  *types,
                ...)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  va_list args;

  va_start (args, types);
  statement = prepare_va (db, error, sql, types, args);
  va_end (args);

  if (statement == NULL)
    return FALSE;

  if (sqlite3_step (statement) != SQLITE_DONE)
    {
      srv_admin_set_sqlite_error (error, db);
      return FALSE;
    }

  return TRUE;
}

gboolean
srv_admin_exists (sqlite3     *db,
                  gboolean    *exists,
                  GError     **error,
                  const char  *sql,
                  const char  *types,
                  ...)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  va_list args;
  int rc;

  va_start (args, types);
  statement = prepare_va (db, error, sql, types, args);
  va_end (args);

  if (statement == NULL)
    return FALSE;

  rc = sqlite3_step (statement);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      srv_admin_set_sqlite_error (error, db);
      return FALSE;
    }

  *exists = rc == SQLITE_ROW;
  return TRUE;
}

/**
 * srv_admin_query_text:
 * @value: (out) (transfer full): the first column of the first row, or
 *   %NULL when there is no row or it is null
 */
gboolean
srv_admin_query_text (sqlite3     *db,
                      char       **value,
                      GError     **error,
                      const char  *sql,
                      const char  *types,
                      ...)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  va_list args;
  int rc;

  *value = NULL;
  va_start (args, types);
  statement = prepare_va (db, error, sql, types, args);
  va_end (args);

  if (statement == NULL)
    return FALSE;

  rc = sqlite3_step (statement);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      srv_admin_set_sqlite_error (error, db);
      return FALSE;
    }

  if (rc == SQLITE_ROW)
    *value = g_strdup ((const char *) sqlite3_column_text (statement, 0));
  return TRUE;
}

/**
 * srv_admin_add_row:
 * @statement: a statement on a row, its columns in the order of @columns
 *
 * Adds one member a column to the object being built: the one place where
 * the admin API and machine sync turn rows into JSON.
 */
void
srv_admin_add_row (JsonBuilder          *builder,
                   sqlite3_stmt         *statement,
                   const SrvAdminColumn *columns,
                   guint                 n_columns)
{
  for (guint i = 0; i < n_columns; i++)
    {
      int type = sqlite3_column_type (statement, i);

      json_builder_set_member_name (builder, columns[i].name);

      if (type == SQLITE_NULL)
        {
          if (columns[i].null == SRV_ADMIN_NULL_IS_FALSE)
            json_builder_add_boolean_value (builder, FALSE);
          else
            json_builder_add_null_value (builder);
          continue;
        }

      switch (columns[i].kind)
        {
        case SRV_ADMIN_COLUMN_INT:
          json_builder_add_int_value (builder, sqlite3_column_int64 (statement, i));
          break;

        case SRV_ADMIN_COLUMN_BOOL:
          json_builder_add_boolean_value (builder, sqlite3_column_int64 (statement, i) != 0);
          break;

        case SRV_ADMIN_COLUMN_REAL:
          json_builder_add_double_value (builder, sqlite3_column_double (statement, i));
          break;

        case SRV_ADMIN_COLUMN_JSON:
          {
            g_autoptr(JsonNode) node = json_from_string ((const char *) sqlite3_column_text (statement, i), NULL);

            if (node != NULL)
              json_builder_add_value (builder, g_steal_pointer (&node));
            else
              json_builder_add_null_value (builder);
          }
          break;

        case SRV_ADMIN_COLUMN_BASE64:
          {
            g_autofree char *b64 = g_base64_encode (sqlite3_column_blob (statement, i),
                                                    sqlite3_column_bytes (statement, i));

            json_builder_add_string_value (builder, b64);
          }
          break;

        case SRV_ADMIN_COLUMN_TEXT:
        default:
          json_builder_add_string_value (builder, (const char *) sqlite3_column_text (statement, i));
          break;
        }
    }
}

/**
 * srv_admin_add_object:
 * @statement: a statement on a row
 * @extra: (nullable): adds more members, given the row's first column
 *
 * Adds the row as an object, to an array or after a member name.
 */
gboolean
srv_admin_add_object (JsonBuilder           *builder,
                      sqlite3               *db,
                      sqlite3_stmt          *statement,
                      const SrvAdminColumn  *columns,
                      guint                  n_columns,
                      SrvAdminRowFunc        extra,
                      GError               **error)
{
  g_autofree char *id = g_strdup ((const char *) sqlite3_column_text (statement, 0));

  json_builder_begin_object (builder);
  srv_admin_add_row (builder, statement, columns, n_columns);
  if (extra != NULL && !extra (db, id, builder, error))
    return FALSE;
  json_builder_end_object (builder);

  return TRUE;
}

/**
 * srv_admin_add_rows:
 * @name: the member that holds the array
 * @statement: a statement not yet stepped, its parameters bound
 * @extra: (nullable): adds more members to each row's object
 *
 * Adds @name with an array of one object a row of @statement, all of them.
 */
gboolean
srv_admin_add_rows (JsonBuilder           *builder,
                    const char            *name,
                    sqlite3               *db,
                    sqlite3_stmt          *statement,
                    const SrvAdminColumn  *columns,
                    guint                  n_columns,
                    SrvAdminRowFunc        extra,
                    GError               **error)
{
  int rc;

  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    if (!srv_admin_add_object (builder, db, statement, columns, n_columns, extra, error))
      return FALSE;
  json_builder_end_array (builder);

  if (rc != SQLITE_DONE)
    {
      srv_admin_set_sqlite_error (error, db);
      return FALSE;
    }

  return TRUE;
}

/**
 * srv_admin_add_rows_for:
 * @sql: a query with parameter ?1
 * @key: the value of ?1, such as the id of the object the rows belong to
 *
 * Adds @name with an array of the rows of @sql, as srv_admin_add_rows().
 */
gboolean
srv_admin_add_rows_for (JsonBuilder           *builder,
                        const char            *name,
                        sqlite3               *db,
                        const char            *sql,
                        const char            *key,
                        const SrvAdminColumn  *columns,
                        guint                  n_columns,
                        GError               **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &statement, NULL) != SQLITE_OK)
    {
      srv_admin_set_sqlite_error (error, db);
      return FALSE;
    }
  sqlite3_bind_text (statement, 1, key, -1, SQLITE_TRANSIENT);

  return srv_admin_add_rows (builder, name, db, statement, columns, n_columns, NULL, error);
}

/**
 * srv_admin_read_one:
 * @sql: a query with parameters ?1 (and ?2 when @key2 is given)
 *
 * Returns: (transfer full) (nullable): the first row as an object; %NULL
 *   with no error when there is none
 */
JsonNode *
srv_admin_read_one (sqlite3               *db,
                    const char            *sql,
                    const char            *key,
                    const char            *key2,
                    const SrvAdminColumn  *columns,
                    guint                  n_columns,
                    SrvAdminRowFunc        extra,
                    GError               **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  int rc;

  if (sqlite3_prepare_v2 (db, sql, -1, &statement, NULL) != SQLITE_OK)
    {
      srv_admin_set_sqlite_error (error, db);
      return NULL;
    }
  sqlite3_bind_text (statement, 1, key, -1, SQLITE_TRANSIENT);
  if (key2 != NULL)
    sqlite3_bind_text (statement, 2, key2, -1, SQLITE_TRANSIENT);

  rc = sqlite3_step (statement);
  if (rc == SQLITE_DONE)
    return NULL;
  if (rc != SQLITE_ROW)
    {
      srv_admin_set_sqlite_error (error, db);
      return NULL;
    }

  if (!srv_admin_add_object (builder, db, statement, columns, n_columns, extra, error))
    return NULL;

  return json_builder_get_root (builder);
}

/**
 * srv_admin_respond_list:
 * @sql: a query, with parameter ?1 when @key is given
 *
 * Answers {"items": [...]} with one object a row.
 */
void
srv_admin_respond_list (SrvAdminCall          *call,
                        const char            *sql,
                        const char            *key,
                        const SrvAdminColumn  *columns,
                        guint                  n_columns,
                        SrvAdminRowFunc        extra)
{
  sqlite3 *db = srv_admin_db (call);
  g_autoptr(sqlite3_stmt) statement = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;
  guint n_rows = 0;
  int rc;

  if (sqlite3_prepare_v2 (db, sql, -1, &statement, NULL) != SQLITE_OK)
    {
      srv_admin_set_sqlite_error (&error, db);
      srv_admin_call_fail (call, error);
      return;
    }
  if (key != NULL)
    sqlite3_bind_text (statement, 1, key, -1, SQLITE_TRANSIENT);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  while (n_rows < SRV_ADMIN_MAX_ROWS && (rc = sqlite3_step (statement)) == SQLITE_ROW)
    {
      if (!srv_admin_add_object (builder, db, statement, columns, n_columns, extra, &error))
        {
          srv_admin_call_fail (call, error);
          return;
        }
      n_rows++;
    }
  if (n_rows < SRV_ADMIN_MAX_ROWS && rc != SQLITE_DONE)
    {
      srv_admin_set_sqlite_error (&error, db);
      srv_admin_call_fail (call, error);
      return;
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  srv_admin_call_respond (call, SOUP_STATUS_OK, json_builder_get_root (builder));
}

void
srv_admin_refuse_not_found (SrvAdminCall *call,
                            const char   *what,
                            const char   *id)
{
  g_autofree char *message = g_strdup_printf (_("There is no %s “%s”"), what, id);

  srv_admin_call_refuse (call, SOUP_STATUS_NOT_FOUND, SRV_ADMIN_CODE_NOT_FOUND, message);
}

/**
 * srv_admin_respond_one:
 *
 * Answers the object one row describes, or 404 when there is none.
 */
void
srv_admin_respond_one (SrvAdminCall          *call,
                       guint                  status,
                       const char            *sql,
                       const char            *key,
                       const char            *key2,
                       const SrvAdminColumn  *columns,
                       guint                  n_columns,
                       SrvAdminRowFunc        extra)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  node = srv_admin_read_one (srv_admin_db (call), sql, key, key2, columns, n_columns, extra, &error);
  if (error != NULL)
    srv_admin_call_fail (call, error);
  else if (node == NULL)
    srv_admin_refuse_not_found (call, _("such object"), key);
  else
    srv_admin_call_respond (call, status, node);
}

gboolean
srv_admin_is_status (const char *status)
{
  return status != NULL && g_strv_contains (srv_admin_statuses, status);
}

/**
 * srv_admin_add_routes:
 * @router: the server's router
 * @server: the server, which must outlive the router
 */
void
srv_admin_add_routes (SrvRouter *router,
                      SrvServer *server)
{
  g_return_if_fail (SRV_IS_ROUTER (router));
  g_return_if_fail (SRV_IS_SERVER (server));

  srv_admin_locations_add_routes (router, server);
  srv_admin_centres_add_routes (router, server);
  srv_admin_machines_add_routes (router, server);
  srv_admin_devices_add_routes (router, server);
  srv_admin_users_add_routes (router, server);
  srv_admin_masterdata_add_routes (router, server);
  srv_admin_documents_add_routes (router, server);
}
