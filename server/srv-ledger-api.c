/* srv-ledger-api.c — the ledger's HTTP API
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Read-only routes, answered in the usual envelope; hashes in base64:
 *
 *   GET /v1/ledger/checkpoint
 *       { tree_size, root_hash, timestamp_us, signature, key_fingerprint }
 *   GET /v1/ledger/proof/inclusion?index=N&size=M
 *       { index, tree_size, leaf_hash, root_hash, audit_path: [...] }
 *   GET /v1/ledger/proof/consistency?from=A&to=B
 *       { from, to, from_root, to_root, proof: [...] }
 *   GET /v1/ledger/leaves?start=S&count=C     (C ≤ 1000)
 *       { start, leaves: [{ index, time_us, event, record_table,
 *                           record_id, record_hash, leaf_hash }] }
 *
 * Sizes beyond the tree, indexes out of range and parameters that are
 * missing or not numbers get 400 (404 for a size beyond the tree) with a
 * stable IDM-LDG-* code.
 */

#define G_LOG_DOMAIN "idem-server"

#include "config.h"

#include "srv-ledger-api.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <string.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* Reads a whole non-negative decimal query parameter.  Without a value,
 * answers 400 and returns FALSE. */
static gboolean
get_number (SoupServerMessage *msg,
            GHashTable        *query,
            const char        *name,
            gboolean           required,
            guint64           *value)
{
  const char *text = query != NULL ? g_hash_table_lookup (query, name) : NULL;
  g_autofree char *message = NULL;

  if (text == NULL)
    {
      if (!required)
        return TRUE;

      message = g_strdup_printf (_("The query parameter “%s” is missing"), name);
      srv_http_respond_error (msg, SOUP_STATUS_BAD_REQUEST, SRV_API_ID_LEDGER,
                              SRV_ERROR_CODE_LEDGER_MISSING_PARAMETER, message);
      return FALSE;
    }

  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64, value, NULL))
    {
      message = g_strdup_printf (_("The query parameter “%s” is not a whole number: “%s”"), name, text);
      srv_http_respond_error (msg, SOUP_STATUS_BAD_REQUEST, SRV_API_ID_LEDGER,
                              SRV_ERROR_CODE_LEDGER_NOT_A_NUMBER, message);
      return FALSE;
    }

  return TRUE;
}

static GHashTable *
parse_query (SoupServerMessage *msg)
{
  GUri *uri = soup_server_message_get_uri (msg);
  const char *query = g_uri_get_query (uri);

  if (query == NULL)
    return NULL;

  return g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, NULL);
}

static void
respond_size_error (SoupServerMessage *msg,
                    SrvLedger         *ledger,
                    guint64            size)
{
  g_autofree char *message = g_strdup_printf (_("The ledger holds %" PRIu64 " leaves, fewer than %" PRIu64),
                                              srv_ledger_get_size (ledger), size);

  srv_http_respond_error (msg, SOUP_STATUS_NOT_FOUND, SRV_API_ID_LEDGER,
                          SRV_ERROR_CODE_LEDGER_BEYOND_TREE, message);
}

static void
respond_proof_error (SoupServerMessage *msg,
                     const GError      *error)
{
  if (g_error_matches (error, IDEM_MERKLE_ERROR, IDEM_MERKLE_ERROR_OUT_OF_RANGE))
    srv_http_respond_error (msg, SOUP_STATUS_BAD_REQUEST, SRV_API_ID_LEDGER,
                            SRV_ERROR_CODE_LEDGER_OUT_OF_RANGE, error->message);
  else
    srv_http_respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, SRV_API_ID_LEDGER,
                            SRV_ERROR_CODE_INTERNAL, error->message);
}

static void
add_hash (JsonBuilder  *builder,
          const char   *name,
          const guint8 *hash)
{
  g_autofree char *b64 = g_base64_encode (hash, 32);

  if (name != NULL)
    json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, b64);
}

static void
add_hash_list (JsonBuilder *builder,
               const char  *name,
               GBytes      *hashes)
{
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (hashes, &length);

  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (gsize offset = 0; offset + 32 <= length; offset += 32)
    add_hash (builder, NULL, data + offset);
  json_builder_end_array (builder);
}

static void
checkpoint_cb (SoupServerMessage *msg,
               GHashTable        *params,
               gpointer           user_data)
{
  SrvLedger *ledger = user_data;
  g_autoptr(IdemLedgerCheckpoint) checkpoint = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *signature = NULL;

  checkpoint = srv_ledger_get_latest_checkpoint (ledger, &error);
  if (checkpoint == NULL && error == NULL)
    checkpoint = srv_ledger_sign_checkpoint (ledger, &error);
  if (checkpoint == NULL)
    {
      srv_http_respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, SRV_API_ID_LEDGER,
                              SRV_ERROR_CODE_LEDGER_NO_CHECKPOINT,
                              error != NULL ? error->message : _("No checkpoint has been signed yet"));
      return;
    }

  signature = g_base64_encode (g_bytes_get_data (checkpoint->signature, NULL),
                               g_bytes_get_size (checkpoint->signature));
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "tree_size");
  json_builder_add_int_value (builder, checkpoint->tree_size);
  add_hash (builder, "root_hash", checkpoint->root);
  json_builder_set_member_name (builder, "timestamp_us");
  json_builder_add_int_value (builder, checkpoint->time);
  json_builder_set_member_name (builder, "signature");
  json_builder_add_string_value (builder, signature);
  json_builder_set_member_name (builder, "algorithm");
  json_builder_add_string_value (builder, "Ed25519");
  json_builder_end_object (builder);

  srv_http_respond (msg, SOUP_STATUS_OK, SRV_API_ID_LEDGER, json_builder_get_root (builder), NULL);
}

static void
inclusion_cb (SoupServerMessage *msg,
              GHashTable        *params,
              gpointer           user_data)
{
  SrvLedger *ledger = user_data;
  g_autoptr(GHashTable) query = parse_query (msg);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GBytes) proof = NULL;
  g_autoptr(GError) error = NULL;
  guint64 size = srv_ledger_get_size (ledger);
  guint64 index = 0;
  guint8 leaf[32];
  guint8 root[32];

  if (!get_number (msg, query, "index", TRUE, &index) ||
      !get_number (msg, query, "size", FALSE, &size))
    return;

  if (size > srv_ledger_get_size (ledger))
    {
      respond_size_error (msg, ledger, size);
      return;
    }

  proof = srv_ledger_inclusion_proof (ledger, index, size, &error);
  if (proof == NULL ||
      !srv_ledger_get_leaf_hash (ledger, index, leaf, &error) ||
      !srv_ledger_get_root_at (ledger, size, root, &error))
    {
      respond_proof_error (msg, error);
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "index");
  json_builder_add_int_value (builder, index);
  json_builder_set_member_name (builder, "tree_size");
  json_builder_add_int_value (builder, size);
  add_hash (builder, "leaf_hash", leaf);
  add_hash (builder, "root_hash", root);
  add_hash_list (builder, "audit_path", proof);
  json_builder_end_object (builder);

  srv_http_respond (msg, SOUP_STATUS_OK, SRV_API_ID_LEDGER, json_builder_get_root (builder), NULL);
}

static void
consistency_cb (SoupServerMessage *msg,
                GHashTable        *params,
                gpointer           user_data)
{
  SrvLedger *ledger = user_data;
  g_autoptr(GHashTable) query = parse_query (msg);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GBytes) proof = NULL;
  g_autoptr(GError) error = NULL;
  guint64 from = 0;
  guint64 to = srv_ledger_get_size (ledger);
  guint8 from_root[32];
  guint8 to_root[32];

  if (!get_number (msg, query, "from", TRUE, &from) ||
      !get_number (msg, query, "to", FALSE, &to))
    return;

  if (to > srv_ledger_get_size (ledger))
    {
      respond_size_error (msg, ledger, to);
      return;
    }

  proof = srv_ledger_consistency_proof (ledger, from, to, &error);
  if (proof == NULL ||
      !srv_ledger_get_root_at (ledger, from, from_root, &error) ||
      !srv_ledger_get_root_at (ledger, to, to_root, &error))
    {
      respond_proof_error (msg, error);
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "from");
  json_builder_add_int_value (builder, from);
  json_builder_set_member_name (builder, "to");
  json_builder_add_int_value (builder, to);
  add_hash (builder, "from_root", from_root);
  add_hash (builder, "to_root", to_root);
  add_hash_list (builder, "proof", proof);
  json_builder_end_object (builder);

  srv_http_respond (msg, SOUP_STATUS_OK, SRV_API_ID_LEDGER, json_builder_get_root (builder), NULL);
}

static gboolean
add_leaves (JsonBuilder  *builder,
            sqlite3      *db,
            guint64       start,
            guint64       count)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db,
                          "SELECT leaf_index, time, event, record_table, record_id, record_hash, leaf_hash"
                          " FROM ledger_leaf WHERE leaf_index >= ? ORDER BY leaf_index LIMIT ?",
                          -1, &statement, NULL) != SQLITE_OK)
    return FALSE;

  sqlite3_bind_int64 (statement, 1, start);
  sqlite3_bind_int64 (statement, 2, count);

  json_builder_set_member_name (builder, "leaves");
  json_builder_begin_array (builder);
  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "index");
      json_builder_add_int_value (builder, sqlite3_column_int64 (statement, 0));
      json_builder_set_member_name (builder, "time_us");
      json_builder_add_int_value (builder, sqlite3_column_int64 (statement, 1));
      json_builder_set_member_name (builder, "event");
      json_builder_add_string_value (builder, (const char *) sqlite3_column_text (statement, 2));
      json_builder_set_member_name (builder, "record_table");
      json_builder_add_string_value (builder, (const char *) sqlite3_column_text (statement, 3));
      json_builder_set_member_name (builder, "record_id");
      json_builder_add_int_value (builder, sqlite3_column_int64 (statement, 4));
      if (sqlite3_column_bytes (statement, 5) != 32 || sqlite3_column_bytes (statement, 6) != 32)
        return FALSE;
      add_hash (builder, "record_hash", sqlite3_column_blob (statement, 5));
      add_hash (builder, "leaf_hash", sqlite3_column_blob (statement, 6));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  return rc == SQLITE_DONE;
}

static void
leaves_cb (SoupServerMessage *msg,
           GHashTable        *params,
           gpointer           user_data)
{
  SrvLedger *ledger = user_data;
  g_autoptr(GHashTable) query = parse_query (msg);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  guint64 start = 0;
  guint64 count = 100;

  if (!get_number (msg, query, "start", TRUE, &start) ||
      !get_number (msg, query, "count", FALSE, &count))
    return;

  if (count == 0 || count > SRV_LEDGER_MAX_LEAVES_PER_REQUEST)
    {
      g_autofree char *message = g_strdup_printf (_("“count” must be from 1 to %d"),
                                                  SRV_LEDGER_MAX_LEAVES_PER_REQUEST);

      srv_http_respond_error (msg, SOUP_STATUS_BAD_REQUEST, SRV_API_ID_LEDGER,
                              SRV_ERROR_CODE_LEDGER_OUT_OF_RANGE, message);
      return;
    }

  if (start >= srv_ledger_get_size (ledger))
    {
      respond_size_error (msg, ledger, start + 1);
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "start");
  json_builder_add_int_value (builder, start);
  if (!add_leaves (builder, srv_ledger_get_database_handle (ledger), start, count))
    {
      srv_http_respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, SRV_API_ID_LEDGER,
                              SRV_ERROR_CODE_INTERNAL, _("The ledger’s leaves cannot be read"));
      return;
    }
  json_builder_end_object (builder);

  srv_http_respond (msg, SOUP_STATUS_OK, SRV_API_ID_LEDGER, json_builder_get_root (builder), NULL);
}

/**
 * srv_ledger_api_add_routes:
 * @router: the server's router
 * @ledger: the ledger to answer about; outlives the router
 *
 * Adds the read-only ledger routes under /v1/ledger.
 */
void
srv_ledger_api_add_routes (SrvRouter *router,
                           SrvLedger *ledger)
{
  g_return_if_fail (SRV_IS_ROUTER (router));
  g_return_if_fail (SRV_IS_LEDGER (ledger));

  srv_router_add (router, SOUP_METHOD_GET, "/v1/ledger/checkpoint", checkpoint_cb, ledger);
  srv_router_add (router, SOUP_METHOD_GET, "/v1/ledger/proof/inclusion", inclusion_cb, ledger);
  srv_router_add (router, SOUP_METHOD_GET, "/v1/ledger/proof/consistency", consistency_cb, ledger);
  srv_router_add (router, SOUP_METHOD_GET, "/v1/ledger/leaves", leaves_cb, ledger);
}
