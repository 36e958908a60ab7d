/* srv-migrations.h — the database schema, as an ordered list of steps
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * SrvMigration:
 * @version: the schema version this step produces; steps are numbered 1, 2, …
 * @description: what the step does, recorded in schema_migrations
 * @sql: the statements of the step, run in one transaction
 *
 * One step of the schema.  A released step is never edited: a change to the
 * schema is a new step appended to the list.
 */
typedef struct
{
  guint       version;
  const char *description;
  const char *sql;
} SrvMigration;

const SrvMigration *srv_migrations_get (guint *n_migrations);

G_END_DECLS
