/* srv-idrepo.c — the ID repository: sealed identities, VIDs, locks
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Nothing personal is stored in clear.  An identity row holds only
 * HMAC-SHA256(lookup key, "uin:" ‖ UIN), its status and the id of its
 * current demographics.  Every piece of data is an immutable row of
 * idrepo_blob, sealed with AES-256-GCM under the key of its kind (see
 * srv-data-keys.c), as nonce ‖ ciphertext ‖ tag, with associated data
 * binding it to its identity, kind and version: a blob copied onto
 * another identity, or given another kind, fails to open.
 *
 * Kinds: "uin" (the UIN itself, so a VID can lead back to it),
 * "demographics" (one version per update, the old ones kept),
 * "biometrics", "documents", and the events "status", "vid" and "lock"
 * (a sealed JSON note of what changed).  Each blob row gets a ledger leaf
 * in the same transaction, and each change an audit event naming the
 * identity by row id only.
 *
 * VIDs follow MOSIP's policies: a VID row holds HMAC(lookup, "vid:" ‖ VID),
 * its type, status, expiry and uses left; the VID itself is sealed in a
 * "vid" blob.  The policies are data in MOSIP's JSON shape: the server's
 * built-in data/vid-policy.json (a GResource), which a deployment replaces
 * with srv_idrepo_set_vid_policy().
 *
 * Drafts: an update is prepared as a draft (one per identity, sealed like
 * demographics, with the demographics version it started from) and
 * published as the next demographics version in one transaction, with its
 * ledger leaf; a draft whose base is no longer current is refused rather
 * than overwrite the newer version.
 */

#define G_LOG_DOMAIN "idem-server"

#include "config.h"

#include "srv-idrepo.h"
#include "srv-audit.h"

#include "idem.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <inttypes.h>
#include <string.h>

G_DEFINE_QUARK (srv-idrepo-error-quark, srv_idrepo_error)


#define AAD_LABEL "idem-idrepo-v1"
#define VID_POLICY_RESOURCE "/org/idem/Server/vid-policy.json"

/* One VID type's rules; a value <= 0 means "no limit". */
typedef struct
{
  gboolean defined;
  gint64   valid_for_minutes;
  gint64   transactions_allowed;
  gint64   instances_allowed;
  gboolean auto_restore;
} VidPolicy;

struct _SrvIdrepo
{
  GObject      parent_instance;

  SrvDatabase *database;
  SrvLedger   *ledger;
  SrvDataKeys *keys;      /* owned by the caller, outlives the repository */
  IdemHmac    *lookup;
  GMutex       lookup_lock;
  VidPolicy    vid_policies[SRV_VID_ONE_TIME_USE + 1];
};

G_DEFINE_FINAL_TYPE (SrvIdrepo, srv_idrepo, G_TYPE_OBJECT)

static const char * const statuses[] = { "ACTIVATED", "BLOCKED", "DEACTIVATED", NULL };
static const char * const vid_types[] = { NULL, "PERPETUAL", "TEMPORARY", "ONETIMEUSE" };

static void
srv_idrepo_finalize (GObject *object)
{
  SrvIdrepo *self = (SrvIdrepo *)object;

  g_clear_object (&self->database);
  g_clear_object (&self->ledger);
  g_clear_pointer (&self->lookup, idem_hmac_free);
  g_mutex_clear (&self->lookup_lock);

  G_OBJECT_CLASS (srv_idrepo_parent_class)->finalize (object);
}

static void
srv_idrepo_class_init (SrvIdrepoClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = srv_idrepo_finalize;
}

static void
srv_idrepo_init (SrvIdrepo *self)
{
  g_mutex_init (&self->lookup_lock);
}

/**
 * srv_idrepo_new:
 * @database: the server's migrated database
 * @ledger: the ledger every change goes to
 * @keys: the data keys; must outlive the repository
 *
 * Returns: (transfer full): the ID repository
 */
SrvIdrepo *
srv_idrepo_new (SrvDatabase *database,
                SrvLedger   *ledger,
                SrvDataKeys *keys)
{
  SrvIdrepo *self;

  g_return_val_if_fail (SRV_IS_DATABASE (database), NULL);
  g_return_val_if_fail (SRV_IS_LEDGER (ledger), NULL);
  g_return_val_if_fail (keys != NULL, NULL);

  self = g_object_new (SRV_TYPE_IDREPO, NULL);
  self->database = g_object_ref (database);
  self->ledger = g_object_ref (ledger);
  self->keys = keys;
  self->lookup = idem_hmac_new (keys->lookup, sizeof keys->lookup, NULL);

  /* The built-in policy is part of the program: if it does not load, the
   * build is broken. */
  {
    g_autoptr(GBytes) policy = g_resources_lookup_data (VID_POLICY_RESOURCE, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
    g_autoptr(GError) error = NULL;

    if (policy == NULL || !srv_idrepo_set_vid_policy (self, policy, &error))
      g_error ("The built-in VID policy does not load: %s", error != NULL ? error->message : "missing");
  }

  return self;
}

static sqlite3 *
db_of (SrvIdrepo *self)
{
  return srv_database_get_handle (self->database);
}

static gboolean
database_error (SrvIdrepo  *self,
                GError    **error)
{
  g_set_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_DATABASE,
               _("ID repository: %s"), sqlite3_errmsg (db_of (self)));
  return FALSE;
}

/* From the database's statement cache: compiled once for the life of
 * the connection.  Declare them g_autoptr(SrvStatement), never finalize. */
static SrvStatement *
prepare (SrvIdrepo   *self,
         const char  *sql,
         GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  SrvStatement *statement;

  statement = srv_database_statement (self->database, sql, &local_error);
  if (statement == NULL)
    g_set_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_DATABASE,
                 _("ID repository: %s"), local_error->message);
  return statement;
}

/* A savepoint works inside the caller's transaction (the pipeline's) and
 * alone, where it is a transaction of its own. */
static gboolean
begin (SrvIdrepo  *self,
       GError    **error)
{
  return sqlite3_exec (db_of (self), "SAVEPOINT idrepo", NULL, NULL, NULL) == SQLITE_OK ||
         database_error (self, error);
}

static gboolean
commit (SrvIdrepo  *self,
        GError    **error)
{
  return sqlite3_exec (db_of (self), "RELEASE idrepo", NULL, NULL, NULL) == SQLITE_OK ||
         database_error (self, error);
}

static void
rollback (SrvIdrepo *self)
{
  sqlite3_exec (db_of (self), "ROLLBACK TO idrepo; RELEASE idrepo", NULL, NULL, NULL);
  /* Rolling back to a savepoint does not fire SQLite's rollback hook. */
  srv_ledger_invalidate (self->ledger);
}

static void
lookup_hash (SrvIdrepo  *self,
             const char *prefix,
             const char *number,
             guint8     *mac)
{
  g_autofree char *text = g_strconcat (prefix, number, NULL);

  /* An HMAC context is not thread-safe, and handlers and the pipeline's
   * workers share the repository. */
  g_mutex_lock (&self->lookup_lock);
  idem_hmac_compute (self->lookup, (const guint8 *) text, strlen (text), mac);
  g_mutex_unlock (&self->lookup_lock);
}

static const guint8 *
key_for_kind (SrvIdrepo  *self,
              const char *kind)
{
  if (g_str_equal (kind, "demographics") || g_str_equal (kind, "draft"))
    return self->keys->demographics;
  if (g_str_equal (kind, "biometrics"))
    return self->keys->biometrics;
  if (g_str_equal (kind, "documents"))
    return self->keys->documents;
  return self->keys->events;
}

static GBytes *
make_aad (gint64      identity_id,
          const char *kind,
          gint64      version)
{
  char *text = g_strdup_printf (AAD_LABEL "|%" PRId64 "|%s|%" G_GINT64_FORMAT,
                                identity_id, kind, version);

  return g_bytes_new_take (text, strlen (text));
}

static gint64
next_version (SrvIdrepo  *self,
              gint64      identity_id,
              const char *kind)
{
  g_autoptr(SrvStatement) statement = prepare (self,
                                               "SELECT coalesce(max(version), 0) + 1 FROM idrepo_blob"
                                               " WHERE identity_id = ? AND kind = ?", NULL);

  if (statement == NULL)
    return -1;
  sqlite3_bind_int64 (statement, 1, identity_id);
  sqlite3_bind_text (statement, 2, kind, -1, SQLITE_STATIC);
  return sqlite3_step (statement) == SQLITE_ROW ? sqlite3_column_int64 (statement, 0) : -1;
}

/* Seals @plaintext as the next version of @kind for the identity, stores
 * it and appends its leaf.  Returns the blob's row id, or -1. */
static gint64
write_blob (SrvIdrepo     *self,
            gint64         identity_id,
            const char    *kind,
            const char    *event,
            GBytes        *plaintext,
            GError       **error)
{
  g_autoptr(SrvStatement) statement = NULL;
  g_autoptr(GBytes) aad = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GByteArray) stored = g_byte_array_new ();
  guint8 nonce[IDEM_GCM_NONCE_SIZE];
  gint64 version;
  gint64 blob_id;

  version = next_version (self, identity_id, kind);
  if (version < 0)
    {
      database_error (self, error);
      return -1;
    }

  aad = make_aad (identity_id, kind, version);
  if (!idem_crypto_random_bytes (nonce, sizeof nonce, error) ||
      !(sealed = idem_aes_gcm_seal_bytes (key_for_kind (self, kind), nonce, aad, plaintext, error)))
    return -1;

  g_byte_array_append (stored, nonce, sizeof nonce);
  g_byte_array_append (stored, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed));

  statement = prepare (self, "INSERT INTO idrepo_blob (identity_id, kind, version, sealed) VALUES (?, ?, ?, ?)", error);
  if (statement == NULL)
    return -1;
  sqlite3_bind_int64 (statement, 1, identity_id);
  sqlite3_bind_text (statement, 2, kind, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (statement, 3, version);
  sqlite3_bind_blob (statement, 4, stored->data, stored->len, SQLITE_STATIC);
  if (sqlite3_step (statement) != SQLITE_DONE)
    {
      database_error (self, error);
      return -1;
    }

  blob_id = sqlite3_last_insert_rowid (db_of (self));
  if (!srv_ledger_append (self->ledger, event, "idrepo_blob", blob_id, stored->data, stored->len, NULL, error))
    return -1;

  return blob_id;
}

static GBytes *
read_blob (SrvIdrepo  *self,
           gint64      blob_id,
           gint64      identity_id,
           GError    **error)
{
  g_autoptr(SrvStatement) statement = NULL;
  g_autoptr(GBytes) aad = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *kind = NULL;
  const guint8 *data;
  gsize length;
  GBytes *plaintext;

  statement = prepare (self, "SELECT kind, version, sealed FROM idrepo_blob WHERE id = ?", error);
  if (statement == NULL)
    return NULL;
  sqlite3_bind_int64 (statement, 1, blob_id);
  if (sqlite3_step (statement) != SQLITE_ROW)
    {
      g_set_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_TAMPERED,
                   _("A sealed record of identity %" PRId64 " is missing"), identity_id);
      return NULL;
    }

  kind = g_strdup ((const char *) sqlite3_column_text (statement, 0));
  aad = make_aad (identity_id, kind, sqlite3_column_int64 (statement, 1));
  data = sqlite3_column_blob (statement, 2);
  length = sqlite3_column_bytes (statement, 2);
  if (length < IDEM_GCM_NONCE_SIZE + IDEM_GCM_TAG_SIZE)
    {
      g_set_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_TAMPERED,
                   _("A sealed record of identity %" PRId64 " is truncated"), identity_id);
      return NULL;
    }

  sealed = g_bytes_new (data + IDEM_GCM_NONCE_SIZE, length - IDEM_GCM_NONCE_SIZE);
  plaintext = idem_aes_gcm_open_bytes (key_for_kind (self, kind), data, aad, sealed, &local_error);
  if (plaintext == NULL)
    g_set_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_TAMPERED,
                 _("The %s record of identity %" PRId64 " does not open: altered or moved"),
                 kind, identity_id);

  return plaintext;
}

static gboolean
audit (SrvIdrepo  *self,
       const char *actor,
       const char *action,
       gint64      identity_id,
       GError    **error)
{
  g_autofree char *object = g_strdup_printf ("identity:%" G_GINT64_FORMAT, identity_id);
  g_autoptr(GError) local_error = NULL;

  if (!srv_audit_record (self->database, actor != NULL ? actor : "system", action, object,
                         TRUE, NULL, NULL, &local_error))
    {
      g_set_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_DATABASE,
                   _("ID repository: %s"), local_error->message);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_uin (const char  *uin,
           GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (uin == NULL || !idem_uin_validate (uin, &local_error))
    {
      g_set_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_INVALID_ARGUMENT,
                   _("Not a valid UIN: %s"), local_error != NULL ? local_error->message : "");
      return FALSE;
    }

  return TRUE;
}

typedef struct
{
  gint64  id;
  gint64  demographics_id;
  char   *status;
} IdentityRow;

static void
identity_row_clear (IdentityRow *row)
{
  g_clear_pointer (&row->status, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (IdentityRow, identity_row_clear)

static gboolean
find_identity (SrvIdrepo    *self,
               const char   *uin,
               IdentityRow  *row,
               GError      **error)
{
  g_autoptr(SrvStatement) statement = NULL;
  guint8 mac[32];

  if (!check_uin (uin, error))
    return FALSE;

  lookup_hash (self, "uin:", uin, mac);
  statement = prepare (self, "SELECT id, demographics_id, status FROM idrepo_identity WHERE uin_hmac = ?", error);
  if (statement == NULL)
    return FALSE;
  sqlite3_bind_blob (statement, 1, mac, sizeof mac, SQLITE_STATIC);
  if (sqlite3_step (statement) != SQLITE_ROW)
    {
      g_set_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_NOT_FOUND, _("No identity has this UIN"));
      return FALSE;
    }

  row->id = sqlite3_column_int64 (statement, 0);
  row->demographics_id = sqlite3_column_int64 (statement, 1);
  row->status = g_strdup ((const char *) sqlite3_column_text (statement, 2));
  return TRUE;
}

static gboolean
check_json_object (const char  *json,
                   GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (json == NULL || !json_parser_load_from_data (parser, json, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_INVALID_ARGUMENT,
                   _("The identity is not a JSON object"));
      return FALSE;
    }

  return TRUE;
}

static GBytes *
text_bytes (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

static GBytes *
event_note (SrvIdrepo  *self,
            const char *what,
            const char *value)
{
  char *text = g_strdup_printf ("{\"event\":\"%s\",\"value\":\"%s\",\"time_us\":%" PRId64 "}",
                                what, value, srv_ledger_now (self->ledger));

  return g_bytes_new_take (text, strlen (text));
}

/**
 * srv_idrepo_create_identity:
 * @self: the ID repository
 * @uin: the identity's UIN
 * @identity_json: the demographics, a JSON object
 * @biometrics: (nullable): the biometric records (CBEFF XML)
 * @documents: (nullable): the documents
 * @actor: (nullable): who asks, for the audit log
 * @error: return location for an error in %SRV_IDREPO_ERROR
 *
 * Writes a new ACTIVATED identity, each part sealed on its own, with its
 * ledger leaves and audit event, inside the caller's transaction if one
 * is open.  Nothing is written on error.
 *
 * Returns: whether the identity was written
 */
gboolean
srv_idrepo_create_identity (SrvIdrepo   *self,
                            const char  *uin,
                            const char  *identity_json,
                            GBytes      *biometrics,
                            GBytes      *documents,
                            const char  *actor,
                            GError     **error)
{
  g_autoptr(SrvStatement) insert = NULL;
  g_autoptr(SrvStatement) link = NULL;
  g_autoptr(GBytes) uin_bytes = NULL;
  g_autoptr(GBytes) demographics = NULL;
  guint8 mac[32];
  gint64 now;
  gint64 identity_id;
  gint64 demographics_id;

  g_return_val_if_fail (SRV_IS_IDREPO (self), FALSE);

  if (!check_uin (uin, error) || !check_json_object (identity_json, error))
    return FALSE;

  lookup_hash (self, "uin:", uin, mac);
  now = srv_ledger_now (self->ledger);
  if (!begin (self, error))
    return FALSE;

  insert = prepare (self,
                    "INSERT INTO idrepo_identity (uin_hmac, status, demographics_id, created, updated)"
                    " VALUES (?, 'ACTIVATED', 0, ?, ?)", error);
  if (insert == NULL)
    goto fail;
  sqlite3_bind_blob (insert, 1, mac, sizeof mac, SQLITE_STATIC);
  sqlite3_bind_int64 (insert, 2, now);
  sqlite3_bind_int64 (insert, 3, now);
  if (sqlite3_step (insert) != SQLITE_DONE)
    {
      if (sqlite3_extended_errcode (db_of (self)) == SQLITE_CONSTRAINT_UNIQUE)
        g_set_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_DUPLICATE, _("This UIN already has an identity"));
      else
        database_error (self, error);
      goto fail;
    }
  identity_id = sqlite3_last_insert_rowid (db_of (self));

  uin_bytes = text_bytes (uin);
  demographics = text_bytes (identity_json);
  if (write_blob (self, identity_id, "uin", "identity.create", uin_bytes, error) < 0 ||
      (demographics_id = write_blob (self, identity_id, "demographics", "identity.create", demographics, error)) < 0 ||
      (biometrics != NULL && write_blob (self, identity_id, "biometrics", "identity.create", biometrics, error) < 0) ||
      (documents != NULL && write_blob (self, identity_id, "documents", "identity.create", documents, error) < 0))
    goto fail;

  link = prepare (self, "UPDATE idrepo_identity SET demographics_id = ? WHERE id = ?", error);
  if (link == NULL)
    goto fail;
  sqlite3_bind_int64 (link, 1, demographics_id);
  sqlite3_bind_int64 (link, 2, identity_id);
  if (sqlite3_step (link) != SQLITE_DONE)
    {
      database_error (self, error);
      goto fail;
    }

  if (!audit (self, actor, "identity.create", identity_id, error) || !commit (self, error))
    goto fail;

  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

/**
 * srv_idrepo_lookup_uin:
 * @self: the ID repository
 * @uin: a UIN
 * @status: (out) (optional) (transfer full): the identity's status
 * @error: return location for an error in %SRV_IDREPO_ERROR
 *
 * Finds the identity by the HMAC of its UIN and opens its demographics.
 *
 * Returns: (transfer full) (nullable): the demographics JSON
 */
char *
srv_idrepo_lookup_uin (SrvIdrepo   *self,
                       const char  *uin,
                       char       **status,
                       GError     **error)
{
  g_auto(IdentityRow) row = { 0 };
  g_autoptr(GBytes) plaintext = NULL;

  g_return_val_if_fail (SRV_IS_IDREPO (self), NULL);

  if (!find_identity (self, uin, &row, error) ||
      !(plaintext = read_blob (self, row.demographics_id, row.id, error)))
    return NULL;

  if (status != NULL)
    *status = g_strdup (row.status);
  return g_strndup (g_bytes_get_data (plaintext, NULL), g_bytes_get_size (plaintext));
}

static GBytes *
get_latest (SrvIdrepo   *self,
            const char  *uin,
            const char  *kind,
            GError     **error)
{
  g_auto(IdentityRow) row = { 0 };
  g_autoptr(SrvStatement) statement = NULL;

  if (!find_identity (self, uin, &row, error))
    return NULL;

  statement = prepare (self,
                       "SELECT id FROM idrepo_blob WHERE identity_id = ? AND kind = ? ORDER BY version DESC LIMIT 1",
                       error);
  if (statement == NULL)
    return NULL;
  sqlite3_bind_int64 (statement, 1, row.id);
  sqlite3_bind_text (statement, 2, kind, -1, SQLITE_STATIC);
  if (sqlite3_step (statement) != SQLITE_ROW)
    {
      g_set_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_NOT_FOUND, _("The identity has no %s"), kind);
      return NULL;
    }

  return read_blob (self, sqlite3_column_int64 (statement, 0), row.id, error);
}

/**
 * srv_idrepo_get_biometrics:
 * @self: the ID repository
 * @uin: a UIN
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the identity's biometric records
 */
GBytes *
srv_idrepo_get_biometrics (SrvIdrepo   *self,
                           const char  *uin,
                           GError     **error)
{
  g_return_val_if_fail (SRV_IS_IDREPO (self), NULL);

  return get_latest (self, uin, "biometrics", error);
}

/**
 * srv_idrepo_get_documents:
 * @self: the ID repository
 * @uin: a UIN
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the identity's documents
 */
GBytes *
srv_idrepo_get_documents (SrvIdrepo   *self,
                          const char  *uin,
                          GError     **error)
{
  g_return_val_if_fail (SRV_IS_IDREPO (self), NULL);

  return get_latest (self, uin, "documents", error);
}

/**
 * srv_idrepo_update_demographics:
 * @self: the ID repository
 * @uin: a UIN
 * @identity_json: the new demographics, a JSON object
 * @actor: (nullable): who asks
 * @error: return location for an error
 *
 * Seals the new demographics as the next version; earlier versions stay.
 *
 * Returns: whether the update was written
 */
gboolean
srv_idrepo_update_demographics (SrvIdrepo   *self,
                                const char  *uin,
                                const char  *identity_json,
                                const char  *actor,
                                GError     **error)
{
  g_auto(IdentityRow) row = { 0 };
  g_autoptr(SrvStatement) link = NULL;
  g_autoptr(GBytes) demographics = NULL;
  gint64 blob_id;

  g_return_val_if_fail (SRV_IS_IDREPO (self), FALSE);

  if (!check_json_object (identity_json, error) || !find_identity (self, uin, &row, error) ||
      !begin (self, error))
    return FALSE;

  demographics = text_bytes (identity_json);
  blob_id = write_blob (self, row.id, "demographics", "identity.update", demographics, error);
  if (blob_id < 0)
    goto fail;

  link = prepare (self, "UPDATE idrepo_identity SET demographics_id = ?, updated = ? WHERE id = ?", error);
  if (link == NULL)
    goto fail;
  sqlite3_bind_int64 (link, 1, blob_id);
  sqlite3_bind_int64 (link, 2, srv_ledger_now (self->ledger));
  sqlite3_bind_int64 (link, 3, row.id);
  if (sqlite3_step (link) != SQLITE_DONE)
    {
      database_error (self, error);
      goto fail;
    }

  if (!audit (self, actor, "identity.update", row.id, error) || !commit (self, error))
    goto fail;
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

/**
 * srv_idrepo_get_demographics_history:
 * @self: the ID repository
 * @uin: a UIN
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable) (element-type gint64): the blob ids
 *   of every demographics version, oldest first
 */
GArray *
srv_idrepo_get_demographics_history (SrvIdrepo   *self,
                                     const char  *uin,
                                     GError     **error)
{
  g_auto(IdentityRow) row = { 0 };
  g_autoptr(SrvStatement) statement = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_return_val_if_fail (SRV_IS_IDREPO (self), NULL);

  if (!find_identity (self, uin, &row, error))
    return NULL;

  statement = prepare (self,
                       "SELECT id FROM idrepo_blob WHERE identity_id = ? AND kind = 'demographics' ORDER BY version",
                       error);
  if (statement == NULL)
    return NULL;
  sqlite3_bind_int64 (statement, 1, row.id);
  while (sqlite3_step (statement) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (statement, 0);

      g_array_append_val (ids, id);
    }

  return g_steal_pointer (&ids);
}

/**
 * srv_idrepo_set_status:
 * @self: the ID repository
 * @uin: a UIN
 * @status: "ACTIVATED", "BLOCKED" or "DEACTIVATED"
 * @actor: (nullable): who asks
 * @error: return location for an error
 *
 * Returns: whether the status was written
 */
gboolean
srv_idrepo_set_status (SrvIdrepo   *self,
                       const char  *uin,
                       const char  *status,
                       const char  *actor,
                       GError     **error)
{
  g_auto(IdentityRow) row = { 0 };
  g_autoptr(SrvStatement) statement = NULL;
  g_autoptr(GBytes) note = NULL;

  g_return_val_if_fail (SRV_IS_IDREPO (self), FALSE);

  if (status == NULL || !g_strv_contains (statuses, status))
    {
      g_set_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a UIN status"), status != NULL ? status : "");
      return FALSE;
    }

  if (!find_identity (self, uin, &row, error) || !begin (self, error))
    return FALSE;

  note = event_note (self, "status", status);
  statement = prepare (self, "UPDATE idrepo_identity SET status = ?, updated = ? WHERE id = ?", error);
  if (statement == NULL ||
      write_blob (self, row.id, "status", "identity.status", note, error) < 0)
    goto fail;
  sqlite3_bind_text (statement, 1, status, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (statement, 2, srv_ledger_now (self->ledger));
  sqlite3_bind_int64 (statement, 3, row.id);
  if (sqlite3_step (statement) != SQLITE_DONE)
    {
      database_error (self, error);
      goto fail;
    }

  if (!audit (self, actor, "identity.status", row.id, error) || !commit (self, error))
    goto fail;
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

static const char * const auth_types[] = { "demo", "bio-FINGER", "bio-IRIS", "bio-FACE", "otp-email", "otp-phone", NULL };

/**
 * srv_idrepo_get_auth_types:
 *
 * Returns: (transfer none): the authentication types a lock can name
 */
const char * const *
srv_idrepo_get_auth_types (void)
{
  return auth_types;
}

static gboolean
check_auth_type (const char  *auth_type,
                 GError     **error)
{
  if (auth_type == NULL || !g_strv_contains (auth_types, auth_type))
    {
      g_set_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an authentication type"), auth_type != NULL ? auth_type : "");
      return FALSE;
    }

  return TRUE;
}

/**
 * srv_idrepo_set_auth_lock:
 * @self: the ID repository
 * @uin: a UIN
 * @auth_type: "demo", "bio-FINGER", "bio-IRIS", "bio-FACE", "otp-email"
 *   or "otp-phone"
 * @locked: whether that type of authentication is refused
 * @actor: (nullable): who asks
 * @error: return location for an error
 *
 * Returns: whether the lock status was written
 */
gboolean
srv_idrepo_set_auth_lock (SrvIdrepo   *self,
                          const char  *uin,
                          const char  *auth_type,
                          gboolean     locked,
                          const char  *actor,
                          GError     **error)
{
  g_auto(IdentityRow) row = { 0 };
  g_autoptr(SrvStatement) statement = NULL;
  g_autoptr(GBytes) note = NULL;
  g_autofree char *value = NULL;

  g_return_val_if_fail (SRV_IS_IDREPO (self), FALSE);

  if (!check_auth_type (auth_type, error) || !find_identity (self, uin, &row, error) || !begin (self, error))
    return FALSE;

  value = g_strdup_printf ("%s=%s", auth_type, locked ? "locked" : "unlocked");
  note = event_note (self, "lock", value);
  statement = prepare (self,
                       "INSERT INTO idrepo_auth_lock (identity_id, auth_type, locked) VALUES (?, ?, ?)"
                       " ON CONFLICT (identity_id, auth_type) DO UPDATE SET locked = excluded.locked",
                       error);
  if (statement == NULL ||
      write_blob (self, row.id, "lock", "identity.lock", note, error) < 0)
    goto fail;
  sqlite3_bind_int64 (statement, 1, row.id);
  sqlite3_bind_text (statement, 2, auth_type, -1, SQLITE_STATIC);
  sqlite3_bind_int (statement, 3, locked ? 1 : 0);
  if (sqlite3_step (statement) != SQLITE_DONE)
    {
      database_error (self, error);
      goto fail;
    }

  if (!audit (self, actor, locked ? "identity.lock" : "identity.unlock", row.id, error) || !commit (self, error))
    goto fail;
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

/**
 * srv_idrepo_is_auth_locked:
 * @self: the ID repository
 * @uin: a UIN
 * @auth_type: an authentication type
 * @locked: (out): whether it is locked
 * @error: return location for an error
 *
 * Returns: whether @locked was set
 */
gboolean
srv_idrepo_is_auth_locked (SrvIdrepo   *self,
                           const char  *uin,
                           const char  *auth_type,
                           gboolean    *locked,
                           GError     **error)
{
  g_auto(IdentityRow) row = { 0 };
  g_autoptr(SrvStatement) statement = NULL;

  g_return_val_if_fail (SRV_IS_IDREPO (self), FALSE);
  g_return_val_if_fail (locked != NULL, FALSE);

  if (!check_auth_type (auth_type, error) || !find_identity (self, uin, &row, error))
    return FALSE;

  statement = prepare (self, "SELECT locked FROM idrepo_auth_lock WHERE identity_id = ? AND auth_type = ?", error);
  if (statement == NULL)
    return FALSE;
  sqlite3_bind_int64 (statement, 1, row.id);
  sqlite3_bind_text (statement, 2, auth_type, -1, SQLITE_STATIC);
  *locked = sqlite3_step (statement) == SQLITE_ROW && sqlite3_column_int (statement, 0) != 0;
  return TRUE;
}

/* Marks the identity's time-expired VIDs EXPIRED, each with its leaf. */
static gboolean
expire_vids (SrvIdrepo  *self,
             gint64      identity_id,
             GError    **error)
{
  g_autoptr(SrvStatement) select = NULL;
  g_autoptr(GArray) expired = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 now = srv_ledger_now (self->ledger);

  select = prepare (self,
                    "SELECT id FROM idrepo_vid WHERE identity_id = ? AND status = 'ACTIVE'"
                    " AND expires IS NOT NULL AND expires <= ?", error);
  if (select == NULL)
    return FALSE;
  sqlite3_bind_int64 (select, 1, identity_id);
  sqlite3_bind_int64 (select, 2, now);
  while (sqlite3_step (select) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (select, 0);

      g_array_append_val (expired, id);
    }

  for (guint i = 0; i < expired->len; i++)
    {
      g_autoptr(SrvStatement) update = prepare (self, "UPDATE idrepo_vid SET status = 'EXPIRED' WHERE id = ?", error);
      g_autofree char *value = g_strdup_printf ("%" PRId64 "=EXPIRED", g_array_index (expired, gint64, i));
      g_autoptr(GBytes) note = event_note (self, "vid", value);

      if (update == NULL)
        return FALSE;
      sqlite3_bind_int64 (update, 1, g_array_index (expired, gint64, i));
      if (sqlite3_step (update) != SQLITE_DONE)
        return database_error (self, error);
      if (write_blob (self, identity_id, "vid", "vid.expire", note, error) < 0)
        return FALSE;
    }

  return TRUE;
}

static gint64
count_active (SrvIdrepo  *self,
              gint64      identity_id,
              SrvVidType  type)
{
  g_autoptr(SrvStatement) statement = prepare (self,
                                               "SELECT count(*) FROM idrepo_vid WHERE identity_id = ?"
                                               " AND type = ? AND status = 'ACTIVE'", NULL);

  if (statement == NULL)
    return -1;
  sqlite3_bind_int64 (statement, 1, identity_id);
  sqlite3_bind_text (statement, 2, vid_types[type], -1, SQLITE_STATIC);
  return sqlite3_step (statement) == SQLITE_ROW ? sqlite3_column_int64 (statement, 0) : -1;
}

/* Draws and stores a VID; inside a savepoint. */
static char *
insert_vid (SrvIdrepo   *self,
            gint64       identity_id,
            SrvVidType   type,
            GError     **error)
{
  g_autoptr(SrvStatement) statement = NULL;
  g_autoptr(GBytes) note = NULL;
  g_autofree char *vid = NULL;
  IdemVidPolicy policy;
  const VidPolicy *policy_rules = &self->vid_policies[type];
  guint8 mac[32];
  gint64 now = srv_ledger_now (self->ledger);
  gint64 blob_id;

  idem_vid_policy_init_generation (&policy);
  vid = idem_vid_generate (&policy, error);
  if (vid == NULL)
    return NULL;

  note = g_bytes_new (vid, strlen (vid));
  blob_id = write_blob (self, identity_id, "vid", "vid.create", note, error);
  if (blob_id < 0)
    return NULL;

  lookup_hash (self, "vid:", vid, mac);
  statement = prepare (self,
                       "INSERT INTO idrepo_vid (identity_id, vid_hmac, type, status, created, expires, uses_left, vid_blob_id)"
                       " VALUES (?, ?, ?, 'ACTIVE', ?, ?, ?, ?)", error);
  if (statement == NULL)
    return NULL;
  sqlite3_bind_int64 (statement, 1, identity_id);
  sqlite3_bind_blob (statement, 2, mac, sizeof mac, SQLITE_STATIC);
  sqlite3_bind_text (statement, 3, vid_types[type], -1, SQLITE_STATIC);
  sqlite3_bind_int64 (statement, 4, now);
  if (policy_rules->valid_for_minutes > 0)
    sqlite3_bind_int64 (statement, 5, now + policy_rules->valid_for_minutes * 60 * G_USEC_PER_SEC);
  else
    sqlite3_bind_null (statement, 5);
  if (policy_rules->transactions_allowed > 0)
    sqlite3_bind_int64 (statement, 6, policy_rules->transactions_allowed);
  else
    sqlite3_bind_null (statement, 6);
  sqlite3_bind_int64 (statement, 7, blob_id);
  if (sqlite3_step (statement) != SQLITE_DONE)
    {
      database_error (self, error);
      return NULL;
    }

  return g_steal_pointer (&vid);
}

/**
 * srv_idrepo_create_vid:
 * @self: the ID repository
 * @uin: the UIN the VID stands for; its identity must be ACTIVATED
 * @type: the VID policy
 * @actor: (nullable): who asks
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the new VID
 */
char *
srv_idrepo_create_vid (SrvIdrepo   *self,
                       const char  *uin,
                       SrvVidType   type,
                       const char  *actor,
                       GError     **error)
{
  g_auto(IdentityRow) row = { 0 };
  g_autofree char *vid = NULL;
  gint64 active;

  g_return_val_if_fail (SRV_IS_IDREPO (self), NULL);

  if (type < SRV_VID_PERPETUAL || type > SRV_VID_ONE_TIME_USE || !self->vid_policies[type].defined)
    {
      g_set_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_INVALID_ARGUMENT,
                   _("The VID policy has no such VID type"));
      return NULL;
    }

  if (!find_identity (self, uin, &row, error))
    return NULL;
  if (!g_str_equal (row.status, "ACTIVATED"))
    {
      g_set_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_NOT_ACTIVE,
                   _("The identity is %s: no VID can be made for it"), row.status);
      return NULL;
    }

  if (!begin (self, error))
    return NULL;

  if (!expire_vids (self, row.id, error) || (active = count_active (self, row.id, type)) < 0)
    goto fail;

  if (self->vid_policies[type].instances_allowed > 0 && active >= self->vid_policies[type].instances_allowed)
    {
      g_set_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_VID_LIMIT,
                   _("The identity already has as many active %s VIDs as the policy allows"), vid_types[type]);
      goto fail;
    }

  vid = insert_vid (self, row.id, type, error);
  if (vid == NULL || !audit (self, actor, "vid.create", row.id, error) || !commit (self, error))
    goto fail;

  return g_steal_pointer (&vid);

fail:
  rollback (self);
  return NULL;
}

typedef struct
{
  gint64      id;
  gint64      identity_id;
  SrvVidType  type;
  char       *status;
  gint64      expires;
  gint64      uses_left;
} VidRow;

static void
vid_row_clear (VidRow *row)
{
  g_clear_pointer (&row->status, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VidRow, vid_row_clear)

static gboolean
find_vid (SrvIdrepo   *self,
          const char  *vid,
          VidRow      *row,
          GError     **error)
{
  g_autoptr(SrvStatement) statement = NULL;
  g_autoptr(GError) local_error = NULL;
  guint8 mac[32];
  const char *type;

  if (vid == NULL || !idem_vid_validate (vid, &local_error))
    {
      g_set_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_INVALID_ARGUMENT,
                   _("Not a valid VID: %s"), local_error != NULL ? local_error->message : "");
      return FALSE;
    }

  lookup_hash (self, "vid:", vid, mac);
  statement = prepare (self,
                       "SELECT id, identity_id, type, status, coalesce(expires, 0), coalesce(uses_left, -1)"
                       " FROM idrepo_vid WHERE vid_hmac = ?", error);
  if (statement == NULL)
    return FALSE;
  sqlite3_bind_blob (statement, 1, mac, sizeof mac, SQLITE_STATIC);
  if (sqlite3_step (statement) != SQLITE_ROW)
    {
      g_set_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_NOT_FOUND, _("No identity has this VID"));
      return FALSE;
    }

  row->id = sqlite3_column_int64 (statement, 0);
  row->identity_id = sqlite3_column_int64 (statement, 1);
  type = (const char *) sqlite3_column_text (statement, 2);
  row->type = g_str_equal (type, "PERPETUAL") ? SRV_VID_PERPETUAL :
              g_str_equal (type, "TEMPORARY") ? SRV_VID_TEMPORARY : SRV_VID_ONE_TIME_USE;
  row->status = g_strdup ((const char *) sqlite3_column_text (statement, 3));
  row->expires = sqlite3_column_int64 (statement, 4);
  row->uses_left = sqlite3_column_int64 (statement, 5);
  return TRUE;
}

static char *
uin_of (SrvIdrepo  *self,
        gint64      identity_id,
        GError    **error)
{
  g_autoptr(SrvStatement) statement = NULL;
  g_autoptr(GBytes) plaintext = NULL;

  statement = prepare (self, "SELECT id FROM idrepo_blob WHERE identity_id = ? AND kind = 'uin' AND version = 1", error);
  if (statement == NULL)
    return NULL;
  sqlite3_bind_int64 (statement, 1, identity_id);
  if (sqlite3_step (statement) != SQLITE_ROW)
    {
      g_set_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_TAMPERED, _("The identity’s UIN record is missing"));
      return NULL;
    }

  plaintext = read_blob (self, sqlite3_column_int64 (statement, 0), identity_id, error);
  if (plaintext == NULL)
    return NULL;

  return g_strndup (g_bytes_get_data (plaintext, NULL), g_bytes_get_size (plaintext));
}

static gboolean
set_vid_state (SrvIdrepo   *self,
               VidRow      *row,
               const char  *status,
               gint64       uses_left,
               const char  *event,
               GError     **error)
{
  g_autoptr(SrvStatement) statement = NULL;
  g_autofree char *value = g_strdup_printf ("%" PRId64 "=%s/%" G_GINT64_FORMAT, row->id, status, uses_left);
  g_autoptr(GBytes) note = event_note (self, "vid", value);

  statement = prepare (self, "UPDATE idrepo_vid SET status = ?, uses_left = ? WHERE id = ?", error);
  if (statement == NULL)
    return FALSE;
  sqlite3_bind_text (statement, 1, status, -1, SQLITE_STATIC);
  if (uses_left >= 0)
    sqlite3_bind_int64 (statement, 2, uses_left);
  else
    sqlite3_bind_null (statement, 2);
  sqlite3_bind_int64 (statement, 3, row->id);
  if (sqlite3_step (statement) != SQLITE_DONE)
    return database_error (self, error);

  return write_blob (self, row->identity_id, "vid", event, note, error) >= 0;
}

static gboolean
check_vid_usable (VidRow  *row,
                  gint64   now,
                  GError **error)
{
  if (g_str_equal (row->status, "REVOKED"))
    g_set_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_VID_REVOKED, _("This VID was revoked"));
  else if (g_str_equal (row->status, "USED"))
    g_set_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_VID_USED, _("This VID has no uses left"));
  else if (g_str_equal (row->status, "EXPIRED") || (row->expires != 0 && row->expires <= now))
    g_set_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_VID_EXPIRED, _("This VID has expired"));
  else
    return TRUE;

  return FALSE;
}

/**
 * srv_idrepo_use_vid:
 * @self: the ID repository
 * @vid: a VID presented for authentication
 * @actor: (nullable): who asks
 * @error: return location for an error
 *
 * Resolves a VID to its UIN and counts one use: a temporary VID after its
 * second use and a one-time VID after its first become USED; an expired
 * one is marked EXPIRED and refused.
 *
 * Returns: (transfer full) (nullable): the UIN
 */
char *
srv_idrepo_use_vid (SrvIdrepo   *self,
                    const char  *vid,
                    const char  *actor,
                    GError     **error)
{
  g_auto(VidRow) row = { 0 };
  g_autofree char *uin = NULL;
  g_autoptr(GError) refusal = NULL;

  g_return_val_if_fail (SRV_IS_IDREPO (self), NULL);

  if (!find_vid (self, vid, &row, error) || !begin (self, error))
    return NULL;

  if (!check_vid_usable (&row, srv_ledger_now (self->ledger), &refusal))
    {
      /* The expiry is written down even though the use is refused. */
      if (g_error_matches (refusal, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_VID_EXPIRED) &&
          g_str_equal (row.status, "ACTIVE"))
        {
          if (!set_vid_state (self, &row, "EXPIRED", row.uses_left, "vid.expire", error) ||
              !commit (self, error))
            goto fail;
        }
      else
        rollback (self);
      g_propagate_error (error, g_steal_pointer (&refusal));
      return NULL;
    }

  if (row.uses_left > 0 &&
      !set_vid_state (self, &row, row.uses_left == 1 ? "USED" : "ACTIVE", row.uses_left - 1, "vid.use", error))
    goto fail;

  uin = uin_of (self, row.identity_id, error);
  if (uin == NULL || !audit (self, actor, "vid.use", row.identity_id, error) || !commit (self, error))
    goto fail;

  return g_steal_pointer (&uin);

fail:
  rollback (self);
  return NULL;
}

/**
 * srv_idrepo_revoke_vid:
 * @self: the ID repository
 * @vid: an active VID
 * @actor: (nullable): who asks
 * @error: return location for an error
 *
 * Revokes a VID.  When the policy of its type allows auto-restore (MOSIP's
 * default: perpetual VIDs), a new one replaces it at once, returned.
 *
 * Returns: (transfer full) (nullable): the replacement VID, or "" when
 *   the policy restores none; %NULL on error
 */
char *
srv_idrepo_revoke_vid (SrvIdrepo   *self,
                       const char  *vid,
                       const char  *actor,
                       GError     **error)
{
  g_auto(VidRow) row = { 0 };
  g_autofree char *replacement = NULL;

  g_return_val_if_fail (SRV_IS_IDREPO (self), NULL);

  if (!find_vid (self, vid, &row, error))
    return NULL;
  if (!check_vid_usable (&row, srv_ledger_now (self->ledger), error) || !begin (self, error))
    return NULL;

  if (!set_vid_state (self, &row, "REVOKED", row.uses_left, "vid.revoke", error))
    goto fail;

  if (self->vid_policies[row.type].auto_restore)
    replacement = insert_vid (self, row.identity_id, row.type, error);
  else
    replacement = g_strdup ("");

  if (replacement == NULL || !audit (self, actor, "vid.revoke", row.identity_id, error) || !commit (self, error))
    goto fail;

  return g_steal_pointer (&replacement);

fail:
  rollback (self);
  return NULL;
}

void
srv_vid_info_free (SrvVidInfo *info)
{
  if (info == NULL)
    return;

  g_free (info->vid);
  g_free (info->status);
  g_free (info);
}

/**
 * srv_idrepo_list_vids:
 * @self: the ID repository
 * @uin: a UIN
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable) (element-type SrvVidInfo): the
 *   identity's VIDs, oldest first, whatever their status
 */
GPtrArray *
srv_idrepo_list_vids (SrvIdrepo   *self,
                      const char  *uin,
                      GError     **error)
{
  g_auto(IdentityRow) row = { 0 };
  g_autoptr(SrvStatement) statement = NULL;
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) srv_vid_info_free);
  gint64 now;

  g_return_val_if_fail (SRV_IS_IDREPO (self), NULL);

  if (!find_identity (self, uin, &row, error))
    return NULL;

  now = srv_ledger_now (self->ledger);
  statement = prepare (self,
                       "SELECT vid_blob_id, type, status, coalesce(expires, 0), coalesce(uses_left, -1)"
                       " FROM idrepo_vid WHERE identity_id = ? ORDER BY id", error);
  if (statement == NULL)
    return NULL;
  sqlite3_bind_int64 (statement, 1, row.id);
  while (sqlite3_step (statement) == SQLITE_ROW)
    {
      g_autoptr(SrvVidInfo) info = g_new0 (SrvVidInfo, 1);
      g_autoptr(GBytes) vid = read_blob (self, sqlite3_column_int64 (statement, 0), row.id, error);
      const char *type = (const char *) sqlite3_column_text (statement, 1);

      if (vid == NULL)
        return NULL;

      info->vid = g_strndup (g_bytes_get_data (vid, NULL), g_bytes_get_size (vid));
      info->type = g_str_equal (type, "PERPETUAL") ? SRV_VID_PERPETUAL :
                   g_str_equal (type, "TEMPORARY") ? SRV_VID_TEMPORARY : SRV_VID_ONE_TIME_USE;
      info->status = g_strdup ((const char *) sqlite3_column_text (statement, 2));
      info->expires = sqlite3_column_int64 (statement, 3);
      info->uses_left = sqlite3_column_int64 (statement, 4);
      /* Reported as it stands now, even before a use writes it down. */
      if (g_str_equal (info->status, "ACTIVE") && info->expires != 0 && info->expires <= now)
        {
          g_free (info->status);
          info->status = g_strdup ("EXPIRED");
        }
      g_ptr_array_add (list, g_steal_pointer (&info));
    }

  return g_steal_pointer (&list);
}

/**
 * srv_vid_type_to_string:
 * @type: a VID type
 *
 * Returns: (transfer none) (nullable): its name in the database and the
 *   API ("PERPETUAL", "TEMPORARY", "ONETIMEUSE")
 */
const char *
srv_vid_type_to_string (SrvVidType type)
{
  if (type < SRV_VID_PERPETUAL || type > SRV_VID_ONE_TIME_USE)
    return NULL;
  return vid_types[type];
}

/**
 * srv_vid_type_from_string:
 * @name: a VID type's name, in any case ("Perpetual", "TEMPORARY",
 *   "OneTimeUse")
 * @type: (out): the type
 *
 * Returns: whether @name is a VID type
 */
gboolean
srv_vid_type_from_string (const char *name,
                          SrvVidType *type)
{
  g_return_val_if_fail (type != NULL, FALSE);

  for (SrvVidType t = SRV_VID_PERPETUAL; name != NULL && t <= SRV_VID_ONE_TIME_USE; t++)
    if (g_ascii_strcasecmp (name, vid_types[t]) == 0)
      {
        *type = t;
        return TRUE;
      }

  return FALSE;
}

static gboolean
policy_error (GError     **error,
              const char  *message)
{
  g_set_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_INVALID_ARGUMENT,
               _("The VID policy is not valid: %s"), message);
  return FALSE;
}

/* A policy limit: a whole number from 1, or null for none. */
static gboolean
read_limit (JsonObject  *object,
            const char  *member,
            gint64      *value,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *value = 0;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) < 1 || json_node_get_int (node) > 1000000)
    {
      g_autofree char *message = g_strdup_printf (_("“%s” must be null or a whole number from 1"), member);

      return policy_error (error, message);
    }

  *value = json_node_get_int (node);
  return TRUE;
}

static gboolean
read_vid_policy (JsonObject  *entry,
                 VidPolicy   *policies,
                 GError     **error)
{
  JsonNode *type_node = json_object_get_member (entry, "vidType");
  JsonNode *policy_node = json_object_get_member (entry, "vidPolicy");
  JsonNode *restore_node;
  JsonNode *action_node;
  JsonObject *policy;
  SrvVidType type;
  VidPolicy *rules;

  if (type_node == NULL || !JSON_NODE_HOLDS_VALUE (type_node) ||
      json_node_get_value_type (type_node) != G_TYPE_STRING ||
      !srv_vid_type_from_string (json_node_get_string (type_node), &type))
    return policy_error (error, _("every entry needs a “vidType” of Perpetual, Temporary or OneTimeUse"));

  rules = &policies[type];
  if (rules->defined)
    return policy_error (error, _("a VID type is defined twice"));
  if (policy_node == NULL || !JSON_NODE_HOLDS_OBJECT (policy_node))
    return policy_error (error, _("every entry needs a “vidPolicy” object"));

  policy = json_node_get_object (policy_node);
  if (!read_limit (policy, "validForInMinutes", &rules->valid_for_minutes, error) ||
      !read_limit (policy, "transactionsAllowed", &rules->transactions_allowed, error) ||
      !read_limit (policy, "instancesAllowed", &rules->instances_allowed, error))
    return FALSE;

  restore_node = json_object_get_member (policy, "autoRestoreAllowed");
  action_node = json_object_get_member (policy, "restoreOnAction");
  if (restore_node != NULL && !JSON_NODE_HOLDS_NULL (restore_node) &&
      (!JSON_NODE_HOLDS_VALUE (restore_node) || json_node_get_value_type (restore_node) != G_TYPE_BOOLEAN))
    return policy_error (error, _("“autoRestoreAllowed” must be true or false"));
  if (action_node != NULL && !JSON_NODE_HOLDS_NULL (action_node) &&
      (!JSON_NODE_HOLDS_VALUE (action_node) || json_node_get_value_type (action_node) != G_TYPE_STRING))
    return policy_error (error, _("“restoreOnAction” must be a string"));

  /* MOSIP restores on the action named; revoking is the only one here. */
  rules->auto_restore = restore_node != NULL && JSON_NODE_HOLDS_VALUE (restore_node) &&
                        json_node_get_boolean (restore_node) &&
                        (action_node == NULL || JSON_NODE_HOLDS_NULL (action_node) ||
                         g_str_equal (json_node_get_string (action_node), "REVOKE"));
  rules->defined = TRUE;
  return TRUE;
}

/**
 * srv_idrepo_set_vid_policy:
 * @self: the ID repository
 * @json: a VID policy in MOSIP's shape: {"vidPolicies": [{"vidType":
 *   "Perpetual", "vidPolicy": {"validForInMinutes", "transactionsAllowed",
 *   "instancesAllowed", "autoRestoreAllowed", "restoreOnAction"}}, …]}
 * @error: return location for a %SRV_IDREPO_ERROR_INVALID_ARGUMENT error
 *
 * Replaces the VID policy; types it does not name can no longer be
 * created.  VIDs already issued keep the expiry and uses they were given.
 * On error the policy is unchanged.
 *
 * Returns: whether the policy was taken
 */
gboolean
srv_idrepo_set_vid_policy (SrvIdrepo  *self,
                           GBytes     *json,
                           GError    **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) parse_error = NULL;
  VidPolicy policies[G_N_ELEMENTS (self->vid_policies)] = { { 0 } };
  JsonNode *root;
  JsonNode *list;
  JsonArray *array;
  gsize length = 0;
  const char *data;

  g_return_val_if_fail (SRV_IS_IDREPO (self), FALSE);
  g_return_val_if_fail (json != NULL, FALSE);

  data = g_bytes_get_data (json, &length);
  if (!json_parser_load_from_data (parser, data != NULL ? data : "", length, &parse_error))
    return policy_error (error, parse_error->message);

  root = json_parser_get_root (parser);
  list = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ?
         json_object_get_member (json_node_get_object (root), "vidPolicies") : NULL;
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list) || json_array_get_length (json_node_get_array (list)) == 0)
    return policy_error (error, _("it needs a non-empty “vidPolicies” list"));

  array = json_node_get_array (list);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *entry = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_OBJECT (entry))
        return policy_error (error, _("every entry of “vidPolicies” must be an object"));
      if (!read_vid_policy (json_node_get_object (entry), policies, error))
        return FALSE;
    }

  memcpy (self->vid_policies, policies, sizeof policies);
  return TRUE;
}

/**
 * srv_idrepo_lookup_vid:
 * @self: the ID repository
 * @vid: a VID
 * @info: (out) (optional) (transfer full): the VID's type, status, expiry
 *   and uses left, its status as it stands now
 * @error: return location for an error
 *
 * Resolves a VID to its UIN without counting a use, for administration;
 * authentication goes through srv_idrepo_use_vid().
 *
 * Returns: (transfer full) (nullable): the UIN
 */
char *
srv_idrepo_lookup_vid (SrvIdrepo   *self,
                       const char  *vid,
                       SrvVidInfo **info,
                       GError     **error)
{
  g_auto(VidRow) row = { 0 };
  g_autofree char *uin = NULL;

  g_return_val_if_fail (SRV_IS_IDREPO (self), NULL);

  if (!find_vid (self, vid, &row, error) || !(uin = uin_of (self, row.identity_id, error)))
    return NULL;

  if (info != NULL)
    {
      *info = g_new0 (SrvVidInfo, 1);
      (*info)->vid = g_strdup (vid);
      (*info)->type = row.type;
      (*info)->expires = row.expires;
      (*info)->uses_left = row.uses_left;
      (*info)->status = g_strdup (g_str_equal (row.status, "ACTIVE") && row.expires != 0 &&
                                  row.expires <= srv_ledger_now (self->ledger) ? "EXPIRED" : row.status);
    }

  return g_steal_pointer (&uin);
}

/**
 * srv_idrepo_get_identity_id:
 * @self: the ID repository
 * @uin: a UIN
 * @error: return location for an error
 *
 * Returns: the identity's row id, which audit events name it by instead
 *   of its UIN ("identity:N"), or -1 on error
 */
gint64
srv_idrepo_get_identity_id (SrvIdrepo   *self,
                            const char  *uin,
                            GError     **error)
{
  g_auto(IdentityRow) row = { 0 };

  g_return_val_if_fail (SRV_IS_IDREPO (self), -1);

  if (!find_identity (self, uin, &row, error))
    return -1;
  return row.id;
}

/* Drafts */

typedef struct
{
  gint64  base_id;
  gint64  version;
  GBytes *content;
} DraftRow;

static void
draft_row_clear (DraftRow *row)
{
  g_clear_pointer (&row->content, g_bytes_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DraftRow, draft_row_clear)

static gboolean
read_draft (SrvIdrepo  *self,
            gint64      identity_id,
            DraftRow   *row,
            GError    **error)
{
  g_autoptr(SrvStatement) statement = NULL;
  g_autoptr(GBytes) aad = NULL;
  g_autoptr(GBytes) sealed = NULL;
  const guint8 *data;
  gsize length;

  statement = prepare (self, "SELECT base_id, version, sealed FROM idrepo_draft WHERE identity_id = ?", error);
  if (statement == NULL)
    return FALSE;
  sqlite3_bind_int64 (statement, 1, identity_id);
  if (sqlite3_step (statement) != SQLITE_ROW)
    {
      g_set_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_NO_DRAFT, _("The identity has no draft"));
      return FALSE;
    }

  row->base_id = sqlite3_column_int64 (statement, 0);
  row->version = sqlite3_column_int64 (statement, 1);
  data = sqlite3_column_blob (statement, 2);
  length = sqlite3_column_bytes (statement, 2);
  if (length < IDEM_GCM_NONCE_SIZE + IDEM_GCM_TAG_SIZE)
    {
      g_set_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_TAMPERED,
                   _("The draft of identity %" PRId64 " is truncated"), identity_id);
      return FALSE;
    }

  aad = make_aad (identity_id, "draft", row->version);
  sealed = g_bytes_new (data + IDEM_GCM_NONCE_SIZE, length - IDEM_GCM_NONCE_SIZE);
  row->content = idem_aes_gcm_open_bytes (key_for_kind (self, "draft"), data, aad, sealed, NULL);
  if (row->content == NULL)
    {
      g_set_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_TAMPERED,
                   _("The draft of identity %" PRId64 " does not open: altered or moved"), identity_id);
      return FALSE;
    }

  return TRUE;
}

/* Seals @content as version @version of the identity's draft, inserting
 * or replacing the row. */
static gboolean
write_draft (SrvIdrepo   *self,
             gint64       identity_id,
             gint64       base_id,
             gint64       version,
             GBytes      *content,
             GError     **error)
{
  g_autoptr(SrvStatement) statement = NULL;
  g_autoptr(GBytes) aad = make_aad (identity_id, "draft", version);
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GByteArray) stored = g_byte_array_new ();
  guint8 nonce[IDEM_GCM_NONCE_SIZE];
  gint64 now = srv_ledger_now (self->ledger);

  if (!idem_crypto_random_bytes (nonce, sizeof nonce, error) ||
      !(sealed = idem_aes_gcm_seal_bytes (key_for_kind (self, "draft"), nonce, aad, content, error)))
    return FALSE;
  g_byte_array_append (stored, nonce, sizeof nonce);
  g_byte_array_append (stored, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed));

  statement = prepare (self,
                       "INSERT INTO idrepo_draft (identity_id, base_id, version, sealed, created, updated)"
                       " VALUES (?1, ?2, ?3, ?4, ?5, ?5)"
                       " ON CONFLICT (identity_id) DO UPDATE SET version = excluded.version,"
                       " sealed = excluded.sealed, updated = excluded.updated",
                       error);
  if (statement == NULL)
    return FALSE;
  sqlite3_bind_int64 (statement, 1, identity_id);
  sqlite3_bind_int64 (statement, 2, base_id);
  sqlite3_bind_int64 (statement, 3, version);
  sqlite3_bind_blob (statement, 4, stored->data, stored->len, SQLITE_STATIC);
  sqlite3_bind_int64 (statement, 5, now);
  return sqlite3_step (statement) == SQLITE_DONE || database_error (self, error);
}

static gboolean
delete_draft (SrvIdrepo  *self,
              gint64      identity_id,
              GError    **error)
{
  g_autoptr(SrvStatement) statement = prepare (self, "DELETE FROM idrepo_draft WHERE identity_id = ?", error);

  if (statement == NULL)
    return FALSE;
  sqlite3_bind_int64 (statement, 1, identity_id);
  return sqlite3_step (statement) == SQLITE_DONE || database_error (self, error);
}

/**
 * srv_idrepo_create_draft:
 * @self: the ID repository
 * @uin: the UIN of an identity without a draft
 * @actor: (nullable): who asks
 * @error: return location for an error
 *
 * Starts an update: the draft is a copy of the current demographics.
 *
 * Returns: whether the draft was made
 */
gboolean
srv_idrepo_create_draft (SrvIdrepo   *self,
                         const char  *uin,
                         const char  *actor,
                         GError     **error)
{
  g_auto(IdentityRow) row = { 0 };
  g_autoptr(SrvStatement) exists = NULL;
  g_autoptr(GBytes) demographics = NULL;

  g_return_val_if_fail (SRV_IS_IDREPO (self), FALSE);

  if (!find_identity (self, uin, &row, error) || !begin (self, error))
    return FALSE;

  exists = prepare (self, "SELECT 1 FROM idrepo_draft WHERE identity_id = ?", error);
  if (exists == NULL)
    goto fail;
  sqlite3_bind_int64 (exists, 1, row.id);
  if (sqlite3_step (exists) == SQLITE_ROW)
    {
      g_set_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_DRAFT_EXISTS,
                   _("The identity already has a draft: publish or discard it first"));
      goto fail;
    }

  demographics = read_blob (self, row.demographics_id, row.id, error);
  if (demographics == NULL ||
      !write_draft (self, row.id, row.demographics_id, 1, demographics, error) ||
      !audit (self, actor, "identity.draft.create", row.id, error) ||
      !commit (self, error))
    goto fail;
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

/**
 * srv_idrepo_get_draft:
 * @self: the ID repository
 * @uin: a UIN
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the draft's demographics JSON
 */
char *
srv_idrepo_get_draft (SrvIdrepo   *self,
                      const char  *uin,
                      GError     **error)
{
  g_auto(IdentityRow) row = { 0 };
  g_auto(DraftRow) draft = { 0 };

  g_return_val_if_fail (SRV_IS_IDREPO (self), NULL);

  if (!find_identity (self, uin, &row, error) || !read_draft (self, row.id, &draft, error))
    return NULL;

  return g_strndup (g_bytes_get_data (draft.content, NULL), g_bytes_get_size (draft.content));
}

/**
 * srv_idrepo_update_draft:
 * @self: the ID repository
 * @uin: the UIN of an identity with a draft
 * @identity_json: the draft's new demographics, a JSON object
 * @actor: (nullable): who asks
 * @error: return location for an error
 *
 * Replaces the draft's content; the identity itself is unchanged until
 * the draft is published.
 *
 * Returns: whether the draft was written
 */
gboolean
srv_idrepo_update_draft (SrvIdrepo   *self,
                         const char  *uin,
                         const char  *identity_json,
                         const char  *actor,
                         GError     **error)
{
  g_auto(IdentityRow) row = { 0 };
  g_auto(DraftRow) draft = { 0 };
  g_autoptr(GBytes) content = NULL;

  g_return_val_if_fail (SRV_IS_IDREPO (self), FALSE);

  if (!check_json_object (identity_json, error) || !find_identity (self, uin, &row, error) ||
      !begin (self, error))
    return FALSE;

  content = text_bytes (identity_json);
  if (!read_draft (self, row.id, &draft, error) ||
      !write_draft (self, row.id, draft.base_id, draft.version + 1, content, error) ||
      !audit (self, actor, "identity.draft.update", row.id, error) ||
      !commit (self, error))
    goto fail;
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

/**
 * srv_idrepo_publish_draft:
 * @self: the ID repository
 * @uin: the UIN of an identity with a draft
 * @actor: (nullable): who asks
 * @error: return location for an error
 *
 * Makes the draft the identity's next demographics version, with its
 * ledger leaf, and removes the draft, in one transaction.  A draft made
 * from a version that is no longer the current one is refused
 * (%SRV_IDREPO_ERROR_DRAFT_STALE) and kept.
 *
 * Returns: whether the new version was written
 */
gboolean
srv_idrepo_publish_draft (SrvIdrepo   *self,
                          const char  *uin,
                          const char  *actor,
                          GError     **error)
{
  g_auto(IdentityRow) row = { 0 };
  g_auto(DraftRow) draft = { 0 };
  g_autoptr(SrvStatement) link = NULL;
  gint64 blob_id;

  g_return_val_if_fail (SRV_IS_IDREPO (self), FALSE);

  if (!find_identity (self, uin, &row, error) || !begin (self, error))
    return FALSE;

  if (!read_draft (self, row.id, &draft, error))
    goto fail;
  if (draft.base_id != row.demographics_id)
    {
      g_set_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_DRAFT_STALE,
                   _("The identity changed since the draft was made: discard the draft and start again"));
      goto fail;
    }

  blob_id = write_blob (self, row.id, "demographics", "identity.update", draft.content, error);
  if (blob_id < 0)
    goto fail;

  link = prepare (self, "UPDATE idrepo_identity SET demographics_id = ?, updated = ? WHERE id = ?", error);
  if (link == NULL)
    goto fail;
  sqlite3_bind_int64 (link, 1, blob_id);
  sqlite3_bind_int64 (link, 2, srv_ledger_now (self->ledger));
  sqlite3_bind_int64 (link, 3, row.id);
  if (sqlite3_step (link) != SQLITE_DONE)
    {
      database_error (self, error);
      goto fail;
    }

  if (!delete_draft (self, row.id, error) ||
      !audit (self, actor, "identity.draft.publish", row.id, error) ||
      !commit (self, error))
    goto fail;
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

/**
 * srv_idrepo_discard_draft:
 * @self: the ID repository
 * @uin: the UIN of an identity with a draft
 * @actor: (nullable): who asks
 * @error: return location for an error
 *
 * Returns: whether the draft was removed
 */
gboolean
srv_idrepo_discard_draft (SrvIdrepo   *self,
                          const char  *uin,
                          const char  *actor,
                          GError     **error)
{
  g_auto(IdentityRow) row = { 0 };
  g_auto(DraftRow) draft = { 0 };

  g_return_val_if_fail (SRV_IS_IDREPO (self), FALSE);

  if (!find_identity (self, uin, &row, error) || !begin (self, error))
    return FALSE;

  if (!read_draft (self, row.id, &draft, error) ||
      !delete_draft (self, row.id, error) ||
      !audit (self, actor, "identity.draft.discard", row.id, error) ||
      !commit (self, error))
    goto fail;
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}
