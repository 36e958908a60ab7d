/* srv-admin-documents.c — publishing the ID schema and the UI spec, in versions
 *
 *   GET  /v1/admin/documents/{kind}              the versions: [{version, published, bytes}]
 *   GET  /v1/admin/documents/{kind}/{version}    one version ("latest" for the newest), with its content
 *   POST /v1/admin/documents/{kind}              {"content": the document} → the new version
 *
 * kind is "id-schema" or "ui-spec".
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The registration form is generated from these documents, so a broken
 * one would stop every centre: a document is published only after
 * libcore's own parser accepts it (IdemIdSchema, IdemUiSpec), and a UI
 * spec only when every field it captures is in the latest published ID
 * schema.  Published versions are never changed; a fix is a new version.
 */

#define G_LOG_DOMAIN "idem-server"

#include "config.h"

#include "srv-admin-private.h"
#include "srv-error.h"

#include "idem.h"

#include <glib/gi18n.h>
#include <string.h>

/* The largest ID schema libcore reads, and some room for the envelope. */
#define MAX_BODY_BYTES (IDEM_ID_SCHEMA_MAX_BYTES + 4096)

static const SrvAdminColumn list_columns[] = {
  { "version", SRV_ADMIN_COLUMN_INT },
  { "published", SRV_ADMIN_COLUMN_TEXT },
  { "bytes", SRV_ADMIN_COLUMN_INT },
  { "syncVersion", SRV_ADMIN_COLUMN_INT },
};

static const SrvAdminColumn columns[] = {
  { "version", SRV_ADMIN_COLUMN_INT },
  { "kind", SRV_ADMIN_COLUMN_TEXT },
  { "published", SRV_ADMIN_COLUMN_TEXT },
  { "syncVersion", SRV_ADMIN_COLUMN_INT },
  { "content", SRV_ADMIN_COLUMN_JSON },
};

static gboolean
is_kind (const char *kind)
{
  return g_strcmp0 (kind, "id-schema") == 0 || g_strcmp0 (kind, "ui-spec") == 0;
}

static gboolean
check_kind (SrvAdminCall *call,
            const char   *kind)
{
  if (is_kind (kind))
    return TRUE;

  srv_admin_refuse_not_found (call, _("kind of document (id-schema, ui-spec)"), kind);
  return FALSE;
}

/**
 * srv_admin_documents_check:
 * @db: the database, for the latest ID schema
 * @kind: "id-schema" or "ui-spec"
 * @content: the document
 * @error: return location for libcore's error
 *
 * Returns: whether @content may be published as @kind
 */
gboolean
srv_admin_documents_check (sqlite3     *db,
                           const char  *kind,
                           GBytes      *content,
                           GError     **error)
{
  g_autoptr(IdemIdSchema) schema = NULL;
  g_autoptr(IdemUiSpec) spec = NULL;
  g_autofree char *schema_text = NULL;
  g_autoptr(GBytes) schema_bytes = NULL;

  g_return_val_if_fail (is_kind (kind), FALSE);

  if (g_str_equal (kind, "id-schema"))
    {
      schema = idem_id_schema_new_from_bytes (content, error);
      return schema != NULL;
    }

  spec = idem_ui_spec_new_from_bytes (content, error);
  if (spec == NULL)
    return FALSE;

  if (!srv_admin_query_text (db, &schema_text, error,
                             "SELECT content FROM published_document WHERE kind = 'id-schema'"
                             " ORDER BY version DESC LIMIT 1", NULL))
    return FALSE;

  if (schema_text == NULL)
    {
      g_set_error_literal (error, IDEM_UI_SPEC_ERROR, IDEM_UI_SPEC_ERROR_SCHEMA_MISMATCH,
                           _("Publish an ID schema before the UI spec that fills it"));
      return FALSE;
    }

  schema_bytes = g_bytes_new (schema_text, strlen (schema_text));
  schema = idem_id_schema_new_from_bytes (schema_bytes, error);

  return schema != NULL && idem_ui_spec_check_schema (spec, schema, error);
}

/**
 * srv_admin_documents_insert:
 * @db: the database, inside the caller's transaction
 * @kind: "id-schema" or "ui-spec"
 * @content: the document, checked by srv_admin_documents_check()
 * @sync_version: the sync clock value of this write
 * @version: (out): the document's new version, 1 for the first
 * @error: return location for a database error
 */
gboolean
srv_admin_documents_insert (sqlite3     *db,
                            const char  *kind,
                            const char  *content,
                            gint64       sync_version,
                            gint64      *version,
                            GError     **error)
{
  g_autofree char *last = NULL;

  if (!srv_admin_query_text (db, &last, error,
                             "SELECT coalesce(max(version), 0) FROM published_document WHERE kind = ?", "t", kind))
    return FALSE;

  *version = g_ascii_strtoll (last, NULL, 10) + 1;
  return srv_admin_exec (db, error,
                         "INSERT INTO published_document (kind, version, content, published, sync_version)"
                         " VALUES (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?)",
                         "titi", kind, *version, content, sync_version);
}

static void
list_cb (SoupServerMessage *msg,
         GHashTable        *params,
         gpointer           user_data)
{
  g_auto(SrvAdminCall) call = { 0 };
  const char *kind = g_hash_table_lookup (params, "kind");

  srv_admin_call_init (&call, user_data, msg, SRV_API_ID_ADMIN, SRV_ADMIN_CODE_PREFIX, NULL);
  if (!srv_admin_call_authorize (&call, SRV_ROLE_ADMIN) || !check_kind (&call, kind))
    return;

  srv_admin_respond_list (&call,
                          "SELECT version, published, length(CAST(content AS BLOB)), sync_version"
                          " FROM published_document WHERE kind = ?1 ORDER BY version",
                          kind, list_columns, G_N_ELEMENTS (list_columns), NULL);
}

static void
get_cb (SoupServerMessage *msg,
        GHashTable        *params,
        gpointer           user_data)
{
  g_auto(SrvAdminCall) call = { 0 };
  const char *kind = g_hash_table_lookup (params, "kind");
  const char *version = g_hash_table_lookup (params, "version");
  guint64 number = 0;

  srv_admin_call_init (&call, user_data, msg, SRV_API_ID_ADMIN, SRV_ADMIN_CODE_PREFIX, NULL);
  if (!srv_admin_call_authorize (&call, SRV_ROLE_ADMIN) || !check_kind (&call, kind))
    return;

  if (g_str_equal (version, "latest"))
    {
      srv_admin_respond_one (&call, SOUP_STATUS_OK,
                             "SELECT version, kind, published, sync_version, content FROM published_document"
                             " WHERE kind = ?1 ORDER BY version DESC LIMIT 1",
                             kind, NULL, columns, G_N_ELEMENTS (columns), NULL);
      return;
    }

  if (!g_ascii_string_to_unsigned (version, 10, 1, G_MAXINT32, &number, NULL))
    {
      srv_admin_refuse_not_found (&call, kind, version);
      return;
    }

  srv_admin_respond_one (&call, SOUP_STATUS_OK,
                         "SELECT version, kind, published, sync_version, content FROM published_document"
                         " WHERE kind = ?1 AND version = CAST(?2 AS INTEGER)",
                         kind, version, columns, G_N_ELEMENTS (columns), NULL);
}

static void
publish_cb (SoupServerMessage *msg,
            GHashTable        *params,
            gpointer           user_data)
{
  g_auto(SrvAdminCall) call = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *content = NULL;
  g_autofree char *object = NULL;
  g_autofree char *detail = NULL;
  const char *kind = g_hash_table_lookup (params, "kind");
  JsonObject *document;
  gint64 version = 0;
  gint64 sync_version = 0;
  sqlite3 *db;

  srv_admin_call_init (&call, user_data, msg, SRV_API_ID_ADMIN, SRV_ADMIN_CODE_PREFIX, "document.publish");
  srv_admin_call_set_object (&call, kind);
  if (!srv_admin_call_authorize (&call, SRV_ROLE_ADMIN) ||
      !check_kind (&call, kind) ||
      !srv_admin_call_read (&call, MAX_BODY_BYTES) ||
      !srv_admin_call_get_object (&call, call.request, "content", TRUE, &document))
    return;

  node = json_node_init_object (json_node_alloc (), document);
  content = json_to_string (node, FALSE);
  bytes = g_bytes_new_static (content, strlen (content));

  db = srv_admin_db (&call);
  if (!srv_admin_documents_check (db, kind, bytes, &error))
    {
      g_autofree char *message = NULL;

      if (error->domain == SRV_ERROR)
        {
          srv_admin_call_fail (&call, error);
          return;
        }

      message = g_strdup_printf (_("The %s cannot be published: %s"), kind, error->message);
      srv_admin_call_refuse (&call, SOUP_STATUS_BAD_REQUEST, "DOCUMENT", message);
      return;
    }

  if (!srv_admin_begin (&call, &error) ||
      !srv_admin_next_version (&call, &sync_version, &error) ||
      !srv_admin_documents_insert (db, kind, content, sync_version, &version, &error))
    goto fail;

  object = g_strdup_printf ("%s/%" G_GINT64_FORMAT, kind, version);
  srv_admin_call_set_object (&call, object);
  detail = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  if (!srv_admin_call_audit_success (&call, detail, &error) ||
      !srv_admin_commit (&call, &error))
    goto fail;

  srv_admin_respond_one (&call, SOUP_STATUS_CREATED,
                         "SELECT version, kind, published, sync_version, content FROM published_document"
                         " WHERE kind = ?1 ORDER BY version DESC LIMIT 1",
                         kind, NULL, columns, G_N_ELEMENTS (columns), NULL);
  return;

fail:
  srv_admin_rollback (&call);
  srv_admin_call_fail (&call, error);
}

void
srv_admin_documents_add_routes (SrvRouter *router,
                                SrvServer *server)
{
  srv_router_add (router, SOUP_METHOD_GET, "/v1/admin/documents/{kind}", list_cb, server);
  srv_router_add (router, SOUP_METHOD_POST, "/v1/admin/documents/{kind}", publish_cb, server);
  srv_router_add (router, SOUP_METHOD_GET, "/v1/admin/documents/{kind}/{version}", get_cb, server);
}
