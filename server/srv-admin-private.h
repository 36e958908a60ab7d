/* srv-admin-private.h — what the admin API's files share
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include <sqlite3.h>

#include "srv-admin.h"
#include "srv-admin-call.h"
#include "srv-server.h"

G_BEGIN_DECLS

#define SRV_ADMIN_CODE_PREFIX "IDM-ADM"

/* Lists answer at most this many rows; the admin API manages reference
 * data, not people, so a country's lists fit. */
#define SRV_ADMIN_MAX_ROWS 10000

/**
 * SrvAdminColumnKind:
 * @SRV_ADMIN_COLUMN_TEXT: a string
 * @SRV_ADMIN_COLUMN_INT: a whole number
 * @SRV_ADMIN_COLUMN_BOOL: 0 or 1, sent as false or true
 * @SRV_ADMIN_COLUMN_REAL: a number
 * @SRV_ADMIN_COLUMN_JSON: JSON text, sent as the value it holds; text that
 *   is not JSON is a damaged row and is sent as null, never as a string
 *   that a reader would take for the value
 * @SRV_ADMIN_COLUMN_BASE64: a blob, sent in base64
 *
 * How a result column becomes a JSON member.  What a NULL becomes is the
 * column's SrvAdminNull, whatever its kind.
 */
typedef enum
{
  SRV_ADMIN_COLUMN_TEXT,
  SRV_ADMIN_COLUMN_INT,
  SRV_ADMIN_COLUMN_BOOL,
  SRV_ADMIN_COLUMN_REAL,
  SRV_ADMIN_COLUMN_JSON,
  SRV_ADMIN_COLUMN_BASE64,
} SrvAdminColumnKind;

/**
 * SrvAdminNull:
 * @SRV_ADMIN_NULL_IS_NULL: a NULL is sent as null, the default: a reader
 *   is told the value is unknown rather than given a made-up 0 or ""
 * @SRV_ADMIN_NULL_IS_FALSE: a NULL is sent as false, for a flag whose
 *   absence means no
 *
 * What a NULL column becomes, said column by column.
 */
typedef enum
{
  SRV_ADMIN_NULL_IS_NULL,
  SRV_ADMIN_NULL_IS_FALSE,
} SrvAdminNull;

typedef struct
{
  const char         *name;
  SrvAdminColumnKind  kind;
  SrvAdminNull        null;
} SrvAdminColumn;

/* Adds more members to the object of one row, such as a centre's working
 * hours; @id is the row's first column. */
typedef gboolean (*SrvAdminRowFunc) (sqlite3     *db,
                                     const char  *id,
                                     JsonBuilder *builder,
                                     GError     **error);

sqlite3    *srv_admin_db                (SrvAdminCall          *call);
void        srv_admin_set_sqlite_error  (GError               **error,
                                         sqlite3               *db);
gboolean    srv_admin_begin             (SrvAdminCall          *call,
                                         GError               **error);
gboolean    srv_admin_commit            (SrvAdminCall          *call,
                                         GError               **error);
void        srv_admin_rollback          (SrvAdminCall          *call);
gboolean    srv_admin_next_version      (SrvAdminCall          *call,
                                         gint64                *version,
                                         GError               **error);
gboolean    srv_admin_exec              (sqlite3               *db,
                                         GError               **error,
                                         const char            *sql,
                                         const char            *types,
                                         ...);
gboolean    srv_admin_exists            (sqlite3               *db,
                                         gboolean              *exists,
                                         GError               **error,
                                         const char            *sql,
                                         const char            *types,
                                         ...);
gboolean    srv_admin_query_text        (sqlite3               *db,
                                         char                 **value,
                                         GError               **error,
                                         const char            *sql,
                                         const char            *types,
                                         ...);
void        srv_admin_add_row           (JsonBuilder           *builder,
                                         sqlite3_stmt          *statement,
                                         const SrvAdminColumn  *columns,
                                         guint                  n_columns);
gboolean    srv_admin_add_object        (JsonBuilder           *builder,
                                         sqlite3               *db,
                                         sqlite3_stmt          *statement,
                                         const SrvAdminColumn  *columns,
                                         guint                  n_columns,
                                         SrvAdminRowFunc        extra,
                                         GError               **error);
gboolean    srv_admin_add_rows          (JsonBuilder           *builder,
                                         const char            *name,
                                         sqlite3               *db,
                                         sqlite3_stmt          *statement,
                                         const SrvAdminColumn  *columns,
                                         guint                  n_columns,
                                         SrvAdminRowFunc        extra,
                                         GError               **error);
gboolean    srv_admin_add_rows_for      (JsonBuilder           *builder,
                                         const char            *name,
                                         sqlite3               *db,
                                         const char            *sql,
                                         const char            *key,
                                         const SrvAdminColumn  *columns,
                                         guint                  n_columns,
                                         GError               **error);
JsonNode   *srv_admin_read_one          (sqlite3               *db,
                                         const char            *sql,
                                         const char            *key,
                                         const char            *key2,
                                         const SrvAdminColumn  *columns,
                                         guint                  n_columns,
                                         SrvAdminRowFunc        extra,
                                         GError               **error);
void        srv_admin_respond_list      (SrvAdminCall          *call,
                                         const char            *sql,
                                         const char            *key,
                                         const SrvAdminColumn  *columns,
                                         guint                  n_columns,
                                         SrvAdminRowFunc        extra);
void        srv_admin_respond_one       (SrvAdminCall          *call,
                                         guint                  status,
                                         const char            *sql,
                                         const char            *key,
                                         const char            *key2,
                                         const SrvAdminColumn  *columns,
                                         guint                  n_columns,
                                         SrvAdminRowFunc        extra);
gboolean    srv_admin_add_schedule      (sqlite3               *db,
                                         const char            *id,
                                         JsonBuilder           *builder,
                                         GError               **error);
void        srv_admin_refuse_not_found  (SrvAdminCall          *call,
                                         const char            *what,
                                         const char            *id);
gboolean    srv_admin_is_status         (const char            *status);

extern const char * const srv_admin_statuses[];

gboolean    srv_admin_documents_check   (sqlite3               *db,
                                         const char            *kind,
                                         GBytes                *content,
                                         GError               **error);
gboolean    srv_admin_documents_insert  (sqlite3               *db,
                                         const char            *kind,
                                         const char            *content,
                                         gint64                 sync_version,
                                         gint64                *version,
                                         GError               **error);

void        srv_admin_locations_add_routes  (SrvRouter *router,
                                             SrvServer *server);
void        srv_admin_centres_add_routes    (SrvRouter *router,
                                             SrvServer *server);
void        srv_admin_machines_add_routes   (SrvRouter *router,
                                             SrvServer *server);
void        srv_admin_devices_add_routes    (SrvRouter *router,
                                             SrvServer *server);
void        srv_admin_users_add_routes      (SrvRouter *router,
                                             SrvServer *server);
void        srv_admin_masterdata_add_routes (SrvRouter *router,
                                             SrvServer *server);
void        srv_admin_documents_add_routes  (SrvRouter *router,
                                             SrvServer *server);

G_END_DECLS
