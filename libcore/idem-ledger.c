/* idem-ledger.c — the ledger's leaf and checkpoint formats, and its verifier
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The server writes the ledger and `idem log verify` checks it offline, so
 * both take the byte formats from here.
 *
 * A leaf never holds personal data: it is the hash of the sealed record it
 * stands for (already AES-GCM ciphertext), the event's name, its time and
 * the record's table and row id.  Its bytes:
 *
 *   0x01 ‖ time (int64, big-endian µs) ‖ len ‖ event ‖ len ‖ table ‖
 *   record id (int64, big-endian) ‖ SHA-256(sealed record)
 *
 * with each len one byte, then the RFC 9162 leaf hash of that.
 *
 * A checkpoint signs the text
 *
 *   idem-ledger-checkpoint-v1\n<tree size>\n<base64 root>\n<time µs>\n
 *
 * with the server's Ed25519 key: text, so anyone can rebuild it by hand.
 *
 * The database layout the verifier reads (see the server's migrations):
 * ledger_leaf (leaf_index, time, event, record_table, record_id,
 * record_hash, leaf_hash), ledger_node (level, node_index, hash) for
 * complete subtrees of two or more leaves, ledger_checkpoint (tree_size,
 * root_hash, time, signature); and every table a leaf names has the
 * columns id and sealed.
 */

#define G_LOG_DOMAIN "idem-core"

#include "config.h"

#include "idem-ledger.h"
#include "idem-crypto.h"
#include "idem-merkle.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <inttypes.h>
#include <string.h>

G_DEFINE_QUARK (idem-ledger-error-quark, idem_ledger_error)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

#define LEAF_VERSION 0x01
#define CHECKPOINT_HEADER "idem-ledger-checkpoint-v1\n"

static void
put_be64 (guint8  *out,
          guint64  value)
{
  for (int i = 7; i >= 0; i--)
    {
      out[i] = value & 0xff;
      value >>= 8;
    }
}

/**
 * idem_ledger_leaf_hash:
 * @time: the event's time, µs since the Unix epoch
 * @event: the event's name ("identity.create")
 * @record_table: the table holding the sealed record
 * @record_id: the record's row id
 * @record_hash: (array fixed-size=32): SHA-256 of the sealed record's bytes
 * @leaf_hash: (out caller-allocates) (array fixed-size=32): the leaf's hash
 *
 * Returns: %FALSE when @event or @record_table is empty or longer than
 *   %IDEM_LEDGER_MAX_NAME bytes
 */
gboolean
idem_ledger_leaf_hash (gint64        time,
                       const char   *event,
                       const char   *record_table,
                       gint64        record_id,
                       const guint8 *record_hash,
                       guint8       *leaf_hash)
{
  guint8 buffer[1 + 8 + 1 + IDEM_LEDGER_MAX_NAME + 1 + IDEM_LEDGER_MAX_NAME + 8 + 32];
  gsize event_length;
  gsize table_length;
  gsize n = 0;

  g_return_val_if_fail (event != NULL && record_table != NULL, FALSE);
  g_return_val_if_fail (record_hash != NULL && leaf_hash != NULL, FALSE);

  event_length = strlen (event);
  table_length = strlen (record_table);
  if (event_length == 0 || event_length > IDEM_LEDGER_MAX_NAME ||
      table_length == 0 || table_length > IDEM_LEDGER_MAX_NAME)
    return FALSE;

  buffer[n++] = LEAF_VERSION;
  put_be64 (buffer + n, (guint64) time);
  n += 8;
  buffer[n++] = event_length;
  memcpy (buffer + n, event, event_length);
  n += event_length;
  buffer[n++] = table_length;
  memcpy (buffer + n, record_table, table_length);
  n += table_length;
  put_be64 (buffer + n, (guint64) record_id);
  n += 8;
  memcpy (buffer + n, record_hash, 32);
  n += 32;

  idem_merkle_hash_leaf (buffer, n, leaf_hash);
  return TRUE;
}

/**
 * idem_ledger_checkpoint_message:
 * @tree_size: the number of leaves
 * @root: (array fixed-size=32): the root hash
 * @time: the signing time, µs since the Unix epoch
 *
 * Returns: (transfer full): the bytes a checkpoint's signature covers
 */
GBytes *
idem_ledger_checkpoint_message (guint64       tree_size,
                                const guint8 *root,
                                gint64        time)
{
  g_autofree char *root_b64 = NULL;
  char *text;

  g_return_val_if_fail (root != NULL, NULL);

  root_b64 = g_base64_encode (root, 32);
  text = g_strdup_printf (CHECKPOINT_HEADER "%" PRIu64 "\n%s\n%" PRId64 "\n",
                          tree_size, root_b64, time);
  return g_bytes_new_take (text, strlen (text));
}

/**
 * idem_ledger_checkpoint_verify:
 * @checkpoint: a checkpoint
 * @public_key: the server's Ed25519 public key
 * @error: return location for a %IDEM_LEDGER_ERROR_BAD_CHECKPOINT error
 *
 * Returns: whether the signature is the server's over this checkpoint
 */
gboolean
idem_ledger_checkpoint_verify (const IdemLedgerCheckpoint  *checkpoint,
                               EVP_PKEY                    *public_key,
                               GError                     **error)
{
  g_autoptr(GBytes) message = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize signature_length = 0;
  const guint8 *signature;

  g_return_val_if_fail (checkpoint != NULL, FALSE);
  g_return_val_if_fail (public_key != NULL, FALSE);

  message = idem_ledger_checkpoint_message (checkpoint->tree_size, checkpoint->root, checkpoint->time);
  signature = checkpoint->signature != NULL ? g_bytes_get_data (checkpoint->signature, &signature_length) : NULL;
  if (signature == NULL ||
      !idem_crypto_verify (public_key, IDEM_SIGNATURE_ED25519,
                           g_bytes_get_data (message, NULL), g_bytes_get_size (message),
                           signature, signature_length, &local_error))
    {
      g_set_error (error, IDEM_LEDGER_ERROR, IDEM_LEDGER_ERROR_BAD_CHECKPOINT,
                   _("The checkpoint of %" PRIu64 " leaves is not signed by this server’s key"),
                   checkpoint->tree_size);
      return FALSE;
    }

  return TRUE;
}

static gboolean
bad_checkpoint (GError     **error,
                const char  *what)
{
  g_set_error (error, IDEM_LEDGER_ERROR, IDEM_LEDGER_ERROR_BAD_CHECKPOINT,
               _("The checkpoint is malformed: %s"), what);
  return FALSE;
}

static gboolean
decode_b64 (JsonObject  *object,
            const char  *member,
            gsize        expected_length,
            GBytes     **bytes,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  g_autofree guchar *data = NULL;
  gsize length = 0;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return bad_checkpoint (error, member);

  data = g_base64_decode (json_node_get_string (node), &length);
  if (length == 0 || (expected_length != 0 && length != expected_length))
    return bad_checkpoint (error, member);

  *bytes = g_bytes_new_take (g_steal_pointer (&data), length);
  return TRUE;
}

static gboolean
get_int (JsonObject  *object,
         const char  *member,
         gint64      *value,
         GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return bad_checkpoint (error, member);

  *value = json_node_get_int (node);
  return TRUE;
}

/**
 * idem_ledger_checkpoint_from_json:
 * @json: a checkpoint as the server's API gives it: an object with
 *   tree_size, root_hash (base64), timestamp_us and signature (base64),
 *   alone or inside an API envelope's "response"
 * @error: return location for a %IDEM_LEDGER_ERROR_BAD_CHECKPOINT error
 *
 * Returns: (transfer full) (nullable): the checkpoint, not yet verified
 */
IdemLedgerCheckpoint *
idem_ledger_checkpoint_from_json (const char  *json,
                                  GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(IdemLedgerCheckpoint) checkpoint = g_new0 (IdemLedgerCheckpoint, 1);
  g_autoptr(GBytes) root = NULL;
  JsonObject *object;
  JsonNode *node;
  gint64 size = 0;

  g_return_val_if_fail (json != NULL, NULL);

  if (!json_parser_load_from_data (parser, json, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      bad_checkpoint (error, _("not a JSON object"));
      return NULL;
    }

  object = json_node_get_object (json_parser_get_root (parser));
  node = json_object_get_member (object, "response");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    object = json_node_get_object (node);

  if (!get_int (object, "tree_size", &size, error) ||
      !get_int (object, "timestamp_us", &checkpoint->time, error) ||
      !decode_b64 (object, "root_hash", 32, &root, error) ||
      !decode_b64 (object, "signature", 0, &checkpoint->signature, error))
    return NULL;

  if (size < 0)
    {
      bad_checkpoint (error, "tree_size");
      return NULL;
    }

  checkpoint->tree_size = size;
  memcpy (checkpoint->root, g_bytes_get_data (root, NULL), 32);
  return g_steal_pointer (&checkpoint);
}

/**
 * idem_ledger_checkpoint_to_json:
 * @checkpoint: a checkpoint
 *
 * Returns: (transfer full): the checkpoint as a JSON object, the form
 *   idem_ledger_checkpoint_from_json() reads
 */
char *
idem_ledger_checkpoint_to_json (const IdemLedgerCheckpoint *checkpoint)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *root_b64 = NULL;
  g_autofree char *signature_b64 = NULL;

  g_return_val_if_fail (checkpoint != NULL, NULL);

  root_b64 = g_base64_encode (checkpoint->root, 32);
  if (checkpoint->signature != NULL)
    signature_b64 = g_base64_encode (g_bytes_get_data (checkpoint->signature, NULL),
                                     g_bytes_get_size (checkpoint->signature));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "tree_size");
  json_builder_add_int_value (builder, checkpoint->tree_size);
  json_builder_set_member_name (builder, "root_hash");
  json_builder_add_string_value (builder, root_b64);
  json_builder_set_member_name (builder, "timestamp_us");
  json_builder_add_int_value (builder, checkpoint->time);
  json_builder_set_member_name (builder, "signature");
  json_builder_add_string_value (builder, signature_b64 != NULL ? signature_b64 : "");
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

void
idem_ledger_checkpoint_free (IdemLedgerCheckpoint *checkpoint)
{
  if (checkpoint == NULL)
    return;

  g_clear_pointer (&checkpoint->signature, g_bytes_unref);
  g_free (checkpoint);
}

typedef struct
{
  sqlite3        *db;
  GPtrArray      *problems;
  IdemMerkleTree *tree;
  GHashTable     *record_statements;   /* table name → sqlite3_stmt */
} Verifier;

static void
problem (Verifier   *verifier,
         const char *format,
         ...) G_GNUC_PRINTF (2, 3);

static void
problem (Verifier   *verifier,
         const char *format,
         ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (verifier->problems, g_strdup_vprintf (format, args));
  va_end (args);
}

static gboolean
unreadable (Verifier  *verifier,
            GError   **error)
{
  g_set_error (error, IDEM_LEDGER_ERROR, IDEM_LEDGER_ERROR_UNREADABLE,
               _("Could not read the ledger: %s"), sqlite3_errmsg (verifier->db));
  return FALSE;
}

/* Table names come from the database being checked: only plain names are
 * put into SQL. */
static gboolean
is_plain_name (const char *name)
{
  if (name == NULL || !g_ascii_islower (name[0]) || strlen (name) > IDEM_LEDGER_MAX_NAME)
    return FALSE;

  for (const char *p = name; *p != '\0'; p++)
    {
      if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '_')
        return FALSE;
    }

  return TRUE;
}

static void
check_record (Verifier     *verifier,
              guint64       leaf_index,
              const char   *table,
              gint64        record_id,
              const guint8 *record_hash)
{
  sqlite3_stmt *statement;
  guint8 hash[32];
  int rc;

  if (!is_plain_name (table))
    {
      problem (verifier, _("Leaf %" PRIu64 " names the table “%s”, which is not a record table"),
               leaf_index, table);
      return;
    }

  statement = g_hash_table_lookup (verifier->record_statements, table);
  if (statement == NULL)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT sealed FROM \"%s\" WHERE id = ?", table);

      if (sqlite3_prepare_v2 (verifier->db, sql, -1, &statement, NULL) != SQLITE_OK)
        {
          problem (verifier, _("Leaf %" PRIu64 ": the record table “%s” is missing or unreadable"),
                   leaf_index, table);
          return;
        }
      g_hash_table_insert (verifier->record_statements, g_strdup (table), statement);
    }

  sqlite3_reset (statement);
  sqlite3_bind_int64 (statement, 1, record_id);
  rc = sqlite3_step (statement);
  if (rc != SQLITE_ROW)
    {
      problem (verifier, _("Leaf %" PRIu64 ": record %s #%" PRId64 " was removed"),
               leaf_index, table, record_id);
      return;
    }

  idem_sha256 (sqlite3_column_blob (statement, 0), sqlite3_column_bytes (statement, 0), hash);
  if (!idem_crypto_equal (hash, record_hash, 32))
    problem (verifier, _("Leaf %" PRIu64 ": record %s #%" PRId64 " was altered"),
             leaf_index, table, record_id);
}

static gboolean
check_leaves (Verifier  *verifier,
              GError   **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  guint64 expected = 0;
  gint64 previous_time = G_MININT64;
  int rc;

  if (sqlite3_prepare_v2 (verifier->db,
                          "SELECT leaf_index, time, event, record_table, record_id, record_hash, leaf_hash"
                          " FROM ledger_leaf ORDER BY leaf_index",
                          -1, &statement, NULL) != SQLITE_OK)
    return unreadable (verifier, error);

  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    {
      gint64 index = sqlite3_column_int64 (statement, 0);
      gint64 time = sqlite3_column_int64 (statement, 1);
      const char *event = (const char *) sqlite3_column_text (statement, 2);
      g_autofree char *table = g_strdup ((const char *) sqlite3_column_text (statement, 3));
      gint64 record_id = sqlite3_column_int64 (statement, 4);
      guint8 record_hash[32] = { 0 };
      guint8 stored_leaf[32] = { 0 };
      guint8 leaf[32];

      if (sqlite3_column_bytes (statement, 5) == 32)
        memcpy (record_hash, sqlite3_column_blob (statement, 5), 32);
      if (sqlite3_column_bytes (statement, 6) == 32)
        memcpy (stored_leaf, sqlite3_column_blob (statement, 6), 32);

      if (index < 0 || (guint64) index != expected)
        {
          if (index > 0 && (guint64) index > expected)
            problem (verifier, _("Leaves %" PRIu64 " to %" PRId64 " were removed"),
                     expected, index - 1);
          expected = index;
        }

      if (event == NULL || table == NULL ||
          !idem_ledger_leaf_hash (time, event, table, record_id, record_hash, leaf))
        {
          problem (verifier, _("Leaf %" PRId64 " is malformed"), index);
          memset (leaf, 0, sizeof leaf);
        }
      else if (!idem_crypto_equal (leaf, stored_leaf, 32))
        problem (verifier, _("Leaf %" PRId64 " (record %s #%" PRId64 ", %s) was altered: its fields no longer give its hash"),
                 index, table, record_id, event);

      if (time < previous_time)
        problem (verifier, _("Leaf %" PRId64 " is older than the leaf before it: leaves were reordered"), index);
      previous_time = time;

      if (table != NULL)
        check_record (verifier, index, table, record_id, record_hash);

      /* The tree is rebuilt from the leaves as they now are, so a change
       * anywhere shows against the signed checkpoints. */
      idem_merkle_tree_append (verifier->tree, leaf);
      expected++;
    }

  if (rc != SQLITE_DONE)
    return unreadable (verifier, error);

  return TRUE;
}

/* The pairs stored when they completed name the leaves of a reordering
 * even when each leaf is intact on its own. */
static gboolean
check_pairs (Verifier  *verifier,
             GError   **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  int rc;

  if (sqlite3_prepare_v2 (verifier->db,
                          "SELECT node_index, hash FROM ledger_node WHERE level = 1 ORDER BY node_index",
                          -1, &statement, NULL) != SQLITE_OK)
    return unreadable (verifier, error);

  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    {
      gint64 index = sqlite3_column_int64 (statement, 0);
      guint8 hash[32];

      if (index < 0 || !idem_merkle_tree_get_node (1, index, hash, verifier->tree, NULL))
        continue;

      if (sqlite3_column_bytes (statement, 1) != 32 ||
          !idem_crypto_equal (hash, sqlite3_column_blob (statement, 1), 32))
        problem (verifier, _("Leaves %" PRId64 " and %" PRId64 " differ from the pair recorded when they were appended: altered, removed or reordered"),
                 2 * index, 2 * index + 1);
    }

  if (rc != SQLITE_DONE)
    return unreadable (verifier, error);

  return TRUE;
}

/* Returns whether the checkpoint holds for the leaves as they are now. */
static gboolean
check_checkpoint (Verifier                   *verifier,
                  const IdemLedgerCheckpoint *checkpoint,
                  EVP_PKEY                   *public_key,
                  const char                 *label,
                  guint64                     last_good_size)
{
  guint64 n_leaves = idem_merkle_tree_get_size (verifier->tree);
  guint8 root[32];

  if (public_key != NULL && !idem_ledger_checkpoint_verify (checkpoint, public_key, NULL))
    {
      problem (verifier, _("%s of %" PRIu64 " leaves has a bad signature"),
               label, checkpoint->tree_size);
      return FALSE;
    }

  if (checkpoint->tree_size > n_leaves)
    {
      problem (verifier, _("%s covers %" PRIu64 " leaves but the ledger holds %" PRIu64 ": leaves were removed"),
               label, checkpoint->tree_size, n_leaves);
      return FALSE;
    }

  if (!idem_merkle_root (checkpoint->tree_size, idem_merkle_tree_get_node, verifier->tree, root, NULL) ||
      !idem_crypto_equal (root, checkpoint->root, 32))
    {
      problem (verifier, _("%s of %" PRIu64 " leaves does not match the ledger: a leaf from %" PRIu64 " to %" PRIu64 " was altered, removed or reordered"),
               label, checkpoint->tree_size, last_good_size, checkpoint->tree_size - 1);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_checkpoints (Verifier  *verifier,
                   EVP_PKEY  *public_key,
                   GError   **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  guint64 last_good_size = 0;
  int rc;

  if (sqlite3_prepare_v2 (verifier->db,
                          "SELECT tree_size, root_hash, time, signature FROM ledger_checkpoint ORDER BY tree_size",
                          -1, &statement, NULL) != SQLITE_OK)
    return unreadable (verifier, error);

  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    {
      IdemLedgerCheckpoint checkpoint = { 0 };
      g_autoptr(GBytes) signature = NULL;

      checkpoint.tree_size = sqlite3_column_int64 (statement, 0);
      if (sqlite3_column_bytes (statement, 1) == 32)
        memcpy (checkpoint.root, sqlite3_column_blob (statement, 1), 32);
      checkpoint.time = sqlite3_column_int64 (statement, 2);
      signature = g_bytes_new (sqlite3_column_blob (statement, 3), sqlite3_column_bytes (statement, 3));
      checkpoint.signature = signature;

      if (check_checkpoint (verifier, &checkpoint, public_key, _("The checkpoint"), last_good_size))
        last_good_size = checkpoint.tree_size;
    }

  if (rc != SQLITE_DONE)
    return unreadable (verifier, error);

  return TRUE;
}

/**
 * idem_ledger_verify:
 * @db: a server database, opened read-only is enough
 * @public_key: (nullable): the server's signing public key; without it
 *   checkpoint signatures are not checked
 * @trusted: (nullable): a checkpoint kept outside the database, already
 *   verified by the caller
 * @n_leaves: (out) (optional): the number of leaves read
 * @problems: (out) (transfer full) (element-type utf8): what was found
 *   altered, removed or re-ordered, one sentence each; empty when clean
 * @error: return location for a %IDEM_LEDGER_ERROR_UNREADABLE error
 *
 * Recomputes every leaf from its fields and every record's hash from the
 * sealed record, rebuilds the tree, and checks it against the pairs
 * recorded at append time, every signed checkpoint in the database and
 * @trusted.
 *
 * Returns: whether the ledger could be read; then @problems says whether
 *   it is intact
 */
gboolean
idem_ledger_verify (sqlite3                     *db,
                    EVP_PKEY                    *public_key,
                    const IdemLedgerCheckpoint  *trusted,
                    guint64                     *n_leaves,
                    GPtrArray                  **problems,
                    GError                     **error)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(IdemMerkleTree) tree = idem_merkle_tree_new ();
  g_autoptr(GHashTable) statements = NULL;
  Verifier verifier;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (problems != NULL, FALSE);

  statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) sqlite3_finalize);
  verifier = (Verifier) { db, found, tree, statements };

  if (!check_leaves (&verifier, error) ||
      !check_pairs (&verifier, error) ||
      !check_checkpoints (&verifier, public_key, error))
    return FALSE;

  if (trusted != NULL)
    check_checkpoint (&verifier, trusted, NULL, _("The trusted checkpoint"), 0);

  if (n_leaves != NULL)
    *n_leaves = idem_merkle_tree_get_size (tree);
  *problems = g_steal_pointer (&found);
  return TRUE;
}
