/* srv-migrations.c — the database schema, as an ordered list of steps
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Each module that needs tables (sync, intake, pipeline, idrepo, auth,
 * ledger, …) appends its own steps here.  The runner in srv-database.c
 * applies the steps a database has not seen yet, each in its own
 * transaction, and records each in schema_migrations.
 */

#define G_LOG_DOMAIN "idem-server"

#include "config.h"

#include "srv-migrations.h"

static const SrvMigration migrations[] = {
  {
    1, "server metadata",
    /* Facts about this server instance that must survive restarts and
     * travel with the database: when it was created, its instance id. */
    "CREATE TABLE server_metadata ("
    "  key   TEXT PRIMARY KEY NOT NULL,"
    "  value TEXT NOT NULL"
    ") STRICT;"
    "INSERT INTO server_metadata (key, value)"
    "  VALUES ('created', strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),"
    "         ('instance-id', lower(hex(randomblob(16))));"
  },
  {
    2, "audit events",
    /* Every operation leaves an audit event (who, what, on which object,
     * with which outcome); identity changes also go to the ledger. */
    "CREATE TABLE audit_event ("
    "  id         INTEGER PRIMARY KEY,"
    "  time       TEXT NOT NULL,"
    "  actor      TEXT NOT NULL,"
    "  action     TEXT NOT NULL,"
    "  object     TEXT,"
    "  outcome    TEXT NOT NULL CHECK (outcome IN ('success', 'failure')),"
    "  detail     TEXT"
    ") STRICT;"
    "CREATE INDEX audit_event_time ON audit_event (time);"
  },
  {
    3, "ledger",
    /* The RFC 9162 Merkle tree of identity changes (srv-ledger.c).  A leaf
     * holds a hash of the sealed record, never the record; ledger_node
     * keeps each perfect subtree of two or more leaves as it completes, so
     * proofs and the restart frontier cost O(log n) reads. */
    "CREATE TABLE ledger_leaf ("
    "  leaf_index   INTEGER PRIMARY KEY,"
    "  time         INTEGER NOT NULL,"
    "  event        TEXT NOT NULL,"
    "  record_table TEXT NOT NULL,"
    "  record_id    INTEGER NOT NULL,"
    "  record_hash  BLOB NOT NULL,"
    "  leaf_hash    BLOB NOT NULL"
    ") STRICT;"
    "CREATE TABLE ledger_node ("
    "  level      INTEGER NOT NULL,"
    "  node_index INTEGER NOT NULL,"
    "  hash       BLOB NOT NULL,"
    "  PRIMARY KEY (level, node_index)"
    ") STRICT, WITHOUT ROWID;"
    "CREATE TABLE ledger_checkpoint ("
    "  tree_size       INTEGER PRIMARY KEY,"
    "  root_hash       BLOB NOT NULL,"
    "  time            INTEGER NOT NULL,"
    "  signature       BLOB NOT NULL,"
    "  key_fingerprint TEXT NOT NULL"
    ") STRICT;"
  },
  {
    4, "ID repository",
    /* Sealed identities (srv-idrepo.c, srv-data-keys.c).  Nothing personal
     * in clear: lookups go through HMAC-SHA256 of the UIN or VID, every
     * piece of data is an AES-256-GCM sealed, immutable idrepo_blob row
     * with its own ledger leaf. */
    "CREATE TABLE data_key ("
    "  name    TEXT PRIMARY KEY NOT NULL,"
    "  wrapped BLOB NOT NULL,"
    "  created TEXT NOT NULL"
    ") STRICT;"
    "CREATE TABLE idrepo_identity ("
    "  id              INTEGER PRIMARY KEY,"
    "  uin_hmac        BLOB NOT NULL UNIQUE,"
    "  status          TEXT NOT NULL CHECK (status IN ('ACTIVATED', 'BLOCKED', 'DEACTIVATED')),"
    "  demographics_id INTEGER NOT NULL,"
    "  created         INTEGER NOT NULL,"
    "  updated         INTEGER NOT NULL"
    ") STRICT;"
    "CREATE TABLE idrepo_blob ("
    "  id          INTEGER PRIMARY KEY,"
    "  identity_id INTEGER NOT NULL REFERENCES idrepo_identity (id),"
    "  kind        TEXT NOT NULL,"
    "  version     INTEGER NOT NULL,"
    "  sealed      BLOB NOT NULL,"
    "  UNIQUE (identity_id, kind, version)"
    ") STRICT;"
    "CREATE TABLE idrepo_vid ("
    "  id          INTEGER PRIMARY KEY,"
    "  identity_id INTEGER NOT NULL REFERENCES idrepo_identity (id),"
    "  vid_hmac    BLOB NOT NULL UNIQUE,"
    "  type        TEXT NOT NULL CHECK (type IN ('PERPETUAL', 'TEMPORARY', 'ONETIMEUSE')),"
    "  status      TEXT NOT NULL CHECK (status IN ('ACTIVE', 'REVOKED', 'EXPIRED', 'USED')),"
    "  created     INTEGER NOT NULL,"
    "  expires     INTEGER,"
    "  uses_left   INTEGER,"
    "  vid_blob_id INTEGER NOT NULL REFERENCES idrepo_blob (id)"
    ") STRICT;"
    "CREATE INDEX idrepo_vid_identity ON idrepo_vid (identity_id);"
    "CREATE TABLE idrepo_auth_lock ("
    "  identity_id INTEGER NOT NULL REFERENCES idrepo_identity (id),"
    "  auth_type   TEXT NOT NULL,"
    "  locked      INTEGER NOT NULL,"
    "  PRIMARY KEY (identity_id, auth_type)"
    ") STRICT;"
  },
};

/**
 * srv_migrations_get:
 * @n_migrations: (out): the number of steps
 *
 * Returns: (transfer none) (array length=n_migrations): the schema steps in
 *   order; step i has version i + 1
 */
const SrvMigration *
srv_migrations_get (guint *n_migrations)
{
  g_return_val_if_fail (n_migrations != NULL, NULL);

  *n_migrations = G_N_ELEMENTS (migrations);
  return migrations;
}
