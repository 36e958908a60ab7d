/* srv-database.h — the server's SQLite database
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

#include "srv-migrations.h"

G_BEGIN_DECLS

#define SRV_TYPE_DATABASE (srv_database_get_type ())

/* A statement compiled once and kept by the database: see
 * srv_database_statement(). */
typedef sqlite3_stmt SrvStatement;

G_DECLARE_FINAL_TYPE (SrvDatabase, srv_database, SRV, DATABASE, GObject)

SrvDatabase  *srv_database_open               (const char          *path,
                                               gboolean             create,
                                               GError             **error);
const char   *srv_database_get_path           (SrvDatabase         *self);
sqlite3      *srv_database_get_handle         (SrvDatabase         *self);
gboolean      srv_database_is_open            (SrvDatabase         *self);
gboolean      srv_database_exec               (SrvDatabase         *self,
                                               const char          *sql,
                                               GError             **error);
SrvStatement *srv_database_statement          (SrvDatabase         *self,
                                               const char          *sql,
                                               GError             **error);
void          srv_statement_release           (SrvStatement        *stmt);
void          srv_database_sync_async         (SrvDatabase         *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean      srv_database_sync_finish        (SrvDatabase         *self,
                                               GAsyncResult        *result,
                                               GError             **error);
gboolean      srv_database_migrate            (SrvDatabase         *self,
                                               GError             **error);
gboolean      srv_database_apply_migrations   (SrvDatabase         *self,
                                               const SrvMigration  *migrations,
                                               guint                n_migrations,
                                               GError             **error);
gboolean      srv_database_get_schema_version (SrvDatabase         *self,
                                               guint               *version,
                                               GError             **error);
gboolean      srv_database_close              (SrvDatabase         *self,
                                               GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrvStatement, srv_statement_release)

G_END_DECLS
