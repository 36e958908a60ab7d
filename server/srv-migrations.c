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
  {
    5, "centres, machines, users and master data",
    /* What the admin API manages and registration machines download
     * (srv-admin*.c, srv-sync*.c).  Every row a machine syncs carries the
     * value of sync_clock when it last changed, so a machine asks for
     * "everything after version N" and gets a delta; rows are deactivated,
     * never deleted, so deltas can carry removals.  Names in several
     * languages are JSON objects keyed by language code ({"eng": …}). */
    "CREATE TABLE sync_clock ("
    "  id      INTEGER PRIMARY KEY CHECK (id = 1),"
    "  version INTEGER NOT NULL"
    ") STRICT;"
    "INSERT INTO sync_clock (id, version) VALUES (1, 0);"
    "CREATE TABLE location ("
    "  code        TEXT PRIMARY KEY NOT NULL,"
    "  parent_code TEXT REFERENCES location (code),"
    "  level       INTEGER NOT NULL,"
    "  level_name  TEXT NOT NULL,"
    "  names       TEXT NOT NULL,"
    "  is_zone     INTEGER NOT NULL DEFAULT 0,"
    "  active      INTEGER NOT NULL DEFAULT 1,"
    "  version     INTEGER NOT NULL"
    ") STRICT;"
    "CREATE TABLE centre ("
    "  id            TEXT PRIMARY KEY NOT NULL,"
    "  names         TEXT NOT NULL,"
    "  location_code TEXT NOT NULL REFERENCES location (code),"
    "  time_zone     TEXT NOT NULL,"
    "  address       TEXT,"
    "  latitude      REAL,"
    "  longitude     REAL,"
    "  status        TEXT NOT NULL CHECK (status IN ('ACTIVE', 'INACTIVE', 'DECOMMISSIONED')),"
    "  version       INTEGER NOT NULL"
    ") STRICT;"
    /* ISO weekday 1 (Monday) … 7; a day without a row is closed. */
    "CREATE TABLE centre_working_hours ("
    "  centre_id TEXT NOT NULL REFERENCES centre (id),"
    "  weekday   INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),"
    "  opens     TEXT NOT NULL,"
    "  closes    TEXT NOT NULL,"
    "  PRIMARY KEY (centre_id, weekday)"
    ") STRICT;"
    "CREATE TABLE centre_holiday ("
    "  centre_id TEXT NOT NULL REFERENCES centre (id),"
    "  date      TEXT NOT NULL,"
    "  names     TEXT NOT NULL,"
    "  PRIMARY KEY (centre_id, date)"
    ") STRICT;"
    /* public_key: DER SubjectPublicKeyInfo of the machine's Ed25519
     * signing key; key_fingerprint: hex SHA-256 of that DER. */
    "CREATE TABLE machine ("
    "  id              TEXT PRIMARY KEY NOT NULL,"
    "  name            TEXT NOT NULL,"
    "  centre_id       TEXT NOT NULL REFERENCES centre (id),"
    "  public_key      BLOB NOT NULL,"
    "  key_fingerprint TEXT NOT NULL UNIQUE,"
    "  status          TEXT NOT NULL CHECK (status IN ('ACTIVE', 'INACTIVE', 'DECOMMISSIONED')),"
    "  version         INTEGER NOT NULL"
    ") STRICT;"
    "CREATE TABLE device ("
    "  id         TEXT PRIMARY KEY NOT NULL,"
    "  type       TEXT NOT NULL CHECK (type IN ('FINGERPRINT', 'CAMERA', 'IRIS', 'SCANNER', 'PRINTER')),"
    "  make       TEXT NOT NULL,"
    "  model      TEXT NOT NULL,"
    "  serial     TEXT NOT NULL,"
    "  centre_id  TEXT NOT NULL REFERENCES centre (id),"
    "  machine_id TEXT REFERENCES machine (id),"
    "  status     TEXT NOT NULL CHECK (status IN ('ACTIVE', 'INACTIVE', 'DECOMMISSIONED')),"
    "  version    INTEGER NOT NULL"
    ") STRICT;"
    /* password_hash: a self-describing KDF string (algorithm, parameters,
     * salt, hash), so parameters can be raised without a migration. */
    "CREATE TABLE app_user ("
    "  id            TEXT PRIMARY KEY NOT NULL,"
    "  name          TEXT NOT NULL,"
    "  email         TEXT,"
    "  password_hash TEXT NOT NULL,"
    "  status        TEXT NOT NULL CHECK (status IN ('ACTIVE', 'INACTIVE')),"
    "  failed_logins INTEGER NOT NULL DEFAULT 0,"
    "  locked_until  INTEGER NOT NULL DEFAULT 0,"
    "  version       INTEGER NOT NULL"
    ") STRICT;"
    "CREATE TABLE user_role ("
    "  user_id TEXT NOT NULL REFERENCES app_user (id),"
    "  role    TEXT NOT NULL CHECK (role IN ('ADMIN', 'SUPERVISOR', 'OPERATOR', 'ADJUDICATOR')),"
    "  PRIMARY KEY (user_id, role)"
    ") STRICT;"
    /* Mappings keep their history: the pipeline checks that the operator
     * belonged to the centre when the packet was created, not today.
     * Times are Unix seconds; valid_to NULL means still mapped. */
    "CREATE TABLE user_centre ("
    "  user_id    TEXT NOT NULL REFERENCES app_user (id),"
    "  centre_id  TEXT NOT NULL REFERENCES centre (id),"
    "  valid_from INTEGER NOT NULL,"
    "  valid_to   INTEGER,"
    "  PRIMARY KEY (user_id, valid_from)"
    ") STRICT;"
    /* Templates for fingerprint login at the registration client:
     * IdemMinutiae serialisations, one per finger. */
    "CREATE TABLE user_biometric ("
    "  user_id  TEXT NOT NULL REFERENCES app_user (id),"
    "  finger   TEXT NOT NULL,"
    "  template BLOB NOT NULL,"
    "  PRIMARY KEY (user_id, finger)"
    ") STRICT;"
    /* Coded lists: gender, documentCategory, documentType, reasonCategory,
     * rejectionReason, blocklistedWord, individualType, …; attributes holds
     * what a type needs beyond a name (a document type's category). */
    "CREATE TABLE master_data ("
    "  type       TEXT NOT NULL,"
    "  code       TEXT NOT NULL,"
    "  names      TEXT NOT NULL,"
    "  attributes TEXT,"
    "  active     INTEGER NOT NULL DEFAULT 1,"
    "  version    INTEGER NOT NULL,"
    "  PRIMARY KEY (type, code)"
    ") STRICT;"
    "CREATE TABLE applicant_valid_document ("
    "  applicant_type    TEXT NOT NULL,"
    "  document_category TEXT NOT NULL,"
    "  document_type     TEXT NOT NULL,"
    "  active            INTEGER NOT NULL DEFAULT 1,"
    "  version           INTEGER NOT NULL,"
    "  PRIMARY KEY (applicant_type, document_category, document_type)"
    ") STRICT;"
    /* The ID schema and UI spec are data; each publication is a version. */
    "CREATE TABLE published_document ("
    "  kind      TEXT NOT NULL CHECK (kind IN ('id-schema', 'ui-spec')),"
    "  version   INTEGER NOT NULL,"
    "  content   TEXT NOT NULL,"
    "  published TEXT NOT NULL,"
    "  PRIMARY KEY (kind, version)"
    ") STRICT;"
    /* Where each audited call came from: a client address or a machine. */
    "ALTER TABLE audit_event ADD COLUMN origin TEXT;"
    /* The sync clock value of each publication, for machines' deltas. */
    "ALTER TABLE published_document ADD COLUMN sync_version INTEGER NOT NULL DEFAULT 0;"
    /* Bearer tokens of logged-in users (srv-admin-auth.c), stored only as
     * HMAC-SHA256 under a server key: a copy of the database logs no one
     * in.  Times are Unix seconds. */
    "CREATE TABLE user_session ("
    "  token_hmac BLOB PRIMARY KEY NOT NULL,"
    "  user_id    TEXT NOT NULL REFERENCES app_user (id),"
    "  created    INTEGER NOT NULL,"
    "  expires    INTEGER NOT NULL"
    ") STRICT;"
    "CREATE INDEX user_session_expires ON user_session (expires);"
  },
  {
    6, "packet intake and processing",
    /* Intake and the processing pipeline (srv-intake.c, srv-pipeline.c).
     * A packet row exists from the moment its machine declares it (state
     * DECLARED) and is never deleted; state and stage say exactly where
     * it is, and every stage's outcome is a packet_history row written in
     * the transaction that moves the packet on.  Times are Unix seconds,
     * next_attempt too (the backoff of transient failures). */
    "CREATE TABLE packet ("
    "  rid                TEXT PRIMARY KEY NOT NULL,"
    "  machine_id         TEXT NOT NULL,"
    "  centre_id          TEXT NOT NULL,"
    "  registration_type  TEXT NOT NULL CHECK (registration_type IN ('NEW', 'UPDATE', 'LOST')),"
    "  declared_hash      TEXT NOT NULL,"
    "  declared_size      INTEGER NOT NULL,"
    "  supervisor_status  TEXT NOT NULL CHECK (supervisor_status IN ('APPROVED', 'REJECTED')),"
    "  supervisor_comment TEXT,"
    "  state              TEXT NOT NULL CHECK (state IN ('DECLARED', 'PROCESSING', 'ADJUDICATION',"
    "                                                    'PROCESSED', 'REJECTED', 'REREGISTER', 'FAILED')),"
    "  stage              TEXT,"
    "  reason_code        TEXT,"
    "  paused             INTEGER NOT NULL DEFAULT 0,"
    "  attempts           INTEGER NOT NULL DEFAULT 0,"
    "  next_attempt       INTEGER NOT NULL DEFAULT 0,"
    "  age_group          TEXT,"
    "  declared_at        INTEGER NOT NULL,"
    "  received_at        INTEGER,"
    "  updated_at         INTEGER NOT NULL"
    ") STRICT;"
    "CREATE INDEX packet_runnable ON packet (state, next_attempt) WHERE state = 'PROCESSING';"
    "CREATE TABLE packet_history ("
    "  id      INTEGER PRIMARY KEY,"
    "  rid     TEXT NOT NULL REFERENCES packet (rid),"
    "  stage   TEXT NOT NULL,"
    "  outcome TEXT NOT NULL,"
    "  time    INTEGER NOT NULL,"
    "  detail  TEXT"
    ") STRICT;"
    "CREATE INDEX packet_history_rid ON packet_history (rid);"
    /* Pre-generated UINs.  A UIN is marked ASSIGNED, with its packet, in
     * the transaction that writes the identity, so one is never issued
     * twice nor lost to a crash. */
    "CREATE TABLE uin_pool ("
    "  uin         TEXT PRIMARY KEY NOT NULL,"
    "  status      TEXT NOT NULL CHECK (status IN ('AVAILABLE', 'ASSIGNED')),"
    "  rid         TEXT UNIQUE REFERENCES packet (rid),"
    "  assigned_at INTEGER"
    ") STRICT;"
    "CREATE INDEX uin_pool_available ON uin_pool (status) WHERE status = 'AVAILABLE';"
    /* Suspected duplicates waiting for an adjudicator's decision. */
    "CREATE TABLE adjudication ("
    "  rid        TEXT PRIMARY KEY NOT NULL REFERENCES packet (rid),"
    "  candidates TEXT NOT NULL,"
    "  status     TEXT NOT NULL CHECK (status IN ('PENDING', 'DUPLICATE', 'NOT_DUPLICATE')),"
    "  created    INTEGER NOT NULL,"
    "  decided_by TEXT,"
    "  decided_at INTEGER"
    ") STRICT;"
    /* Notifications written with the state change that causes them and
     * delivered afterwards; a row moves to SENT once delivered. */
    "CREATE TABLE outbox ("
    "  id      INTEGER PRIMARY KEY,"
    "  rid     TEXT NOT NULL,"
    "  event   TEXT NOT NULL,"
    "  payload TEXT NOT NULL,"
    "  status  TEXT NOT NULL CHECK (status IN ('PENDING', 'SENT')),"
    "  created INTEGER NOT NULL,"
    "  sent    INTEGER,"
    "  UNIQUE (rid, event)"
    ") STRICT;"
    "CREATE INDEX outbox_pending ON outbox (id) WHERE status = 'PENDING';"
  },
  {
    7, "machine request nonces and packet keys",
    /* Nonces of signed machine requests (srv-machine-auth.c), kept with
     * the request's signed time so a restart does not reopen the replay
     * window; pruned once that time is out of the window. */
    "CREATE TABLE machine_request_nonce ("
    "  machine_id   TEXT NOT NULL,"
    "  nonce        TEXT NOT NULL,"
    "  request_time INTEGER NOT NULL,"
    "  PRIMARY KEY (machine_id, nonce)"
    ") STRICT, WITHOUT ROWID;"
    "CREATE INDEX machine_request_nonce_time ON machine_request_nonce (request_time);"
    /* The RSA packet-encryption key of each centre+machine
     * (srv-packet-keys.c): the private key sealed with AES-256-GCM under a
     * key wrapped by the server's encryption key, and its certificate
     * signed by the server. */
    "CREATE TABLE packet_key ("
    "  reference_id TEXT PRIMARY KEY NOT NULL,"
    "  centre_id    TEXT NOT NULL,"
    "  machine_id   TEXT NOT NULL,"
    "  wrapped_key  BLOB NOT NULL,"
    "  sealed_key   BLOB NOT NULL,"
    "  certificate  TEXT NOT NULL,"
    "  created      TEXT NOT NULL"
    ") STRICT;"
  },
  {
    8, "built-in ABIS",
    /* The built-in ABIS's gallery (srv-abis-builtin.c), apart from
     * demographics: per reference ID, the finger minutiae sealed with
     * AES-256-GCM, an HMAC of the biometric data blocks (tells a retried
     * insert from a conflicting one), and the face image sealed, with its
     * quality figures in clear for filtering. */
    "CREATE TABLE abis_reference ("
    "  reference_id        TEXT PRIMARY KEY NOT NULL,"
    "  digest              BLOB NOT NULL,"
    "  templates           BLOB NOT NULL,"
    "  face                BLOB,"
    "  face_width          INTEGER,"
    "  face_height         INTEGER,"
    "  face_sharpness      REAL,"
    "  face_brightness     REAL,"
    "  face_clipped_dark   REAL,"
    "  face_clipped_bright REAL,"
    "  inserted            TEXT NOT NULL"
    ") STRICT;"
  },
  {
    9, "demographic de-duplication index",
    /* The demographic index (srv-demo-dedup.c): per entry, an HMAC of its
     * reference id and one sealed record of what scoring needs; blocks
     * are truncated HMACs of blocking keys (date of birth and phonetic
     * name keys), never a name or a date in clear. */
    "CREATE TABLE demo_dedup_entry ("
    "  id            INTEGER PRIMARY KEY,"
    "  reference_mac BLOB NOT NULL UNIQUE,"
    "  sealed        BLOB NOT NULL"
    ") STRICT;"
    "CREATE TABLE demo_dedup_block ("
    "  block_mac BLOB NOT NULL,"
    "  entry_id  INTEGER NOT NULL REFERENCES demo_dedup_entry (id),"
    "  PRIMARY KEY (block_mac, entry_id)"
    ") STRICT, WITHOUT ROWID;"
    "CREATE INDEX demo_dedup_block_entry ON demo_dedup_block (entry_id);"
  },
  {
    10, "ID repository drafts",
    /* Drafts of identity updates (srv-idrepo.c): one per identity, its
     * demographics sealed like a demographics record, and the record it
     * was made from, so that publishing over a newer version is refused. */
    "CREATE TABLE idrepo_draft ("
    "  identity_id INTEGER PRIMARY KEY REFERENCES idrepo_identity (id),"
    "  base_id     INTEGER NOT NULL REFERENCES idrepo_blob (id),"
    "  version     INTEGER NOT NULL,"
    "  sealed      BLOB NOT NULL,"
    "  created     INTEGER NOT NULL,"
    "  updated     INTEGER NOT NULL"
    ") STRICT;"
  },
  {
    11, "lost-UIN search results",
    /* What the biometric search of a LOST packet found, written in the
     * transaction that moves the packet on (srv_stage_report_lost()), so
     * a retried or restarted last stage still knows it.  Packets an
     * older server left at that stage search again: the search only
     * reads. */
    "CREATE TABLE packet_search_result ("
    "  rid          TEXT PRIMARY KEY NOT NULL REFERENCES packet (rid),"
    "  reference_id TEXT NOT NULL,"
    "  score        REAL NOT NULL,"
    "  searched_at  INTEGER NOT NULL"
    ") STRICT;"
    "UPDATE packet SET stage = 'bio_search', attempts = 0, next_attempt = 0"
    " WHERE state = 'PROCESSING' AND registration_type = 'LOST' AND stage = 'report_lost';"
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
