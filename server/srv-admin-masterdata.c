/* srv-admin-masterdata.c — coded lists, and which documents each applicant may bring
 *
 *   GET  /v1/admin/masterdata                     the types and how many entries each has
 *   GET  /v1/admin/masterdata/{type}
 *   GET  /v1/admin/masterdata/{type}/{code}
 *   POST /v1/admin/masterdata/{type}              {code, names, attributes?, active?}
 *   PUT  /v1/admin/masterdata/{type}/{code}       {names?, attributes?, active?}
 *   GET  /v1/admin/applicant-valid-documents
 *   PUT  /v1/admin/applicant-valid-documents      {applicantType, documentCategory, documentType, active?}
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The types are MOSIP's: a documentType names its documentCategory in
 * attributes.category, a rejectionReason its reasonCategory, and those
 * must exist.  A code is any short text without "/" (a blocklisted word
 * is its own code, in any script).
 */

#define G_LOG_DOMAIN "idem-server"

#include "config.h"

#include "srv-admin-private.h"

#include <glib/gi18n.h>
#include <string.h>

#define MAX_ATTRIBUTES_BYTES 4096

/* Each type, and the type its attributes.category must name (or NULL). */
static const struct
{
  const char *type;
  const char *category_type;
} types[] = {
  { "gender", NULL },
  { "individualType", NULL },
  { "residenceStatus", NULL },
  { "title", NULL },
  { "documentCategory", NULL },
  { "documentType", "documentCategory" },
  { "reasonCategory", NULL },
  { "rejectionReason", "reasonCategory" },
  { "blocklistedWord", NULL },
};

static const SrvAdminColumn columns[] = {
  { "code", SRV_ADMIN_COLUMN_TEXT },
  { "type", SRV_ADMIN_COLUMN_TEXT },
  { "names", SRV_ADMIN_COLUMN_JSON },
  { "attributes", SRV_ADMIN_COLUMN_JSON },
  { "active", SRV_ADMIN_COLUMN_BOOL, SRV_ADMIN_NULL_IS_FALSE },
  { "version", SRV_ADMIN_COLUMN_INT },
};

static const SrvAdminColumn avd_columns[] = {
  { "applicantType", SRV_ADMIN_COLUMN_TEXT },
  { "documentCategory", SRV_ADMIN_COLUMN_TEXT },
  { "documentType", SRV_ADMIN_COLUMN_TEXT },
  { "active", SRV_ADMIN_COLUMN_BOOL, SRV_ADMIN_NULL_IS_FALSE },
  { "version", SRV_ADMIN_COLUMN_INT },
};

#define SELECT "SELECT code, type, names, attributes, active, version FROM master_data"
#define SELECT_AVD "SELECT applicant_type, document_category, document_type, active, version FROM applicant_valid_document"

static gboolean
lookup_type (const char  *type,
             const char **category_type)
{
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      if (g_str_equal (types[i].type, type))
        {
          if (category_type != NULL)
            *category_type = types[i].category_type;
          return TRUE;
        }
    }

  return FALSE;
}

/* Refuses a type this server does not know, with 404. */
static gboolean
check_type (SrvAdminCall *call,
            const char   *type,
            const char  **category_type)
{
  if (lookup_type (type, category_type))
    return TRUE;

  srv_admin_refuse_not_found (call, _("master data type"), type);
  return FALSE;
}

static void
types_cb (SoupServerMessage *msg,
          GHashTable        *params,
          gpointer           user_data)
{
  g_auto(SrvAdminCall) call = { 0 };
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;

  srv_admin_call_init (&call, user_data, msg, SRV_API_ID_ADMIN, SRV_ADMIN_CODE_PREFIX, NULL);
  if (!srv_admin_call_authorize (&call, SRV_ROLE_ADMIN))
    return;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      g_autofree char *count = NULL;

      if (!srv_admin_query_text (srv_admin_db (&call), &count, &error,
                                 "SELECT count(*) FROM master_data WHERE type = ?", "t", types[i].type))
        {
          srv_admin_call_fail (&call, error);
          return;
        }

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, types[i].type);
      json_builder_set_member_name (builder, "entries");
      json_builder_add_int_value (builder, g_ascii_strtoll (count, NULL, 10));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  srv_admin_call_respond (&call, SOUP_STATUS_OK, json_builder_get_root (builder));
}

static void
list_cb (SoupServerMessage *msg,
         GHashTable        *params,
         gpointer           user_data)
{
  g_auto(SrvAdminCall) call = { 0 };
  const char *type = g_hash_table_lookup (params, "type");

  srv_admin_call_init (&call, user_data, msg, SRV_API_ID_ADMIN, SRV_ADMIN_CODE_PREFIX, NULL);
  if (!srv_admin_call_authorize (&call, SRV_ROLE_ADMIN) || !check_type (&call, type, NULL))
    return;

  srv_admin_respond_list (&call, SELECT " WHERE type = ?1 ORDER BY code", type, columns, G_N_ELEMENTS (columns), NULL);
}

static void
get_cb (SoupServerMessage *msg,
        GHashTable        *params,
        gpointer           user_data)
{
  g_auto(SrvAdminCall) call = { 0 };
  const char *type = g_hash_table_lookup (params, "type");

  srv_admin_call_init (&call, user_data, msg, SRV_API_ID_ADMIN, SRV_ADMIN_CODE_PREFIX, NULL);
  if (!srv_admin_call_authorize (&call, SRV_ROLE_ADMIN) || !check_type (&call, type, NULL))
    return;

  srv_admin_respond_one (&call, SOUP_STATUS_OK, SELECT " WHERE code = ?1 AND type = ?2",
                         g_hash_table_lookup (params, "code"), type, columns, G_N_ELEMENTS (columns), NULL);
}

static gboolean
get_code (SrvAdminCall  *call,
          const char   **code)
{
  if (!srv_admin_call_get_string (call, call->request, "code", TRUE, 64, code))
    return FALSE;

  if (strchr (*code, '/') != NULL)
    {
      srv_admin_call_refuse (call, SOUP_STATUS_BAD_REQUEST, SRV_ADMIN_CODE_INVALID,
                             _("A code cannot hold “/”"));
      return FALSE;
    }

  return TRUE;
}

/* attributes: an object, small; *text NULL when absent. */
static gboolean
get_attributes (SrvAdminCall  *call,
                char         **text,
                const char   **category)
{
  JsonObject *attributes;
  g_autoptr(JsonNode) node = NULL;

  *text = NULL;
  *category = NULL;
  if (!srv_admin_call_get_object (call, call->request, "attributes", FALSE, &attributes))
    return FALSE;
  if (attributes == NULL)
    return TRUE;

  if (json_object_has_member (attributes, "category") &&
      !srv_admin_call_get_string (call, attributes, "category", TRUE, 64, category))
    return FALSE;

  node = json_node_init_object (json_node_alloc (), attributes);
  *text = json_to_string (node, FALSE);
  if (strlen (*text) > MAX_ATTRIBUTES_BYTES)
    {
      g_clear_pointer (text, g_free);
      srv_admin_call_refuse (call, SOUP_STATUS_BAD_REQUEST, SRV_ADMIN_CODE_INVALID,
                             _("“attributes” is too large"));
      return FALSE;
    }

  return TRUE;
}

/* A type with a category type needs an existing category; refuses (after
 * rolling back) when not. */
static gboolean
check_category (SrvAdminCall  *call,
                const char    *category_type,
                const char    *category,
                gboolean       required,
                gboolean      *ok,
                GError       **error)
{
  gboolean exists = FALSE;
  g_autofree char *message = NULL;

  *ok = TRUE;
  if (category_type == NULL || (category == NULL && !required))
    return TRUE;

  if (category != NULL &&
      !srv_admin_exists (srv_admin_db (call), &exists, error,
                         "SELECT 1 FROM master_data WHERE type = ? AND code = ? AND active", "tt",
                         category_type, category))
    return FALSE;

  if (!exists)
    {
      message = g_strdup_printf (_("“attributes.category” must name an active %s"), category_type);
      srv_admin_rollback (call);
      srv_admin_call_refuse (call, SOUP_STATUS_BAD_REQUEST, SRV_ADMIN_CODE_REFERENCE, message);
      *ok = FALSE;
    }

  return TRUE;
}

static void
create_cb (SoupServerMessage *msg,
           GHashTable        *params,
           gpointer           user_data)
{
  g_auto(SrvAdminCall) call = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *names = NULL;
  g_autofree char *attributes = NULL;
  g_autofree char *object = NULL;
  const char *type = g_hash_table_lookup (params, "type");
  const char *category_type = NULL;
  const char *category;
  const char *code;
  gboolean active = TRUE;
  gboolean exists = FALSE;
  gboolean ok = FALSE;
  gint64 version = 0;
  sqlite3 *db;

  srv_admin_call_init (&call, user_data, msg, SRV_API_ID_ADMIN, SRV_ADMIN_CODE_PREFIX, "masterdata.create");
  if (!srv_admin_call_authorize (&call, SRV_ROLE_ADMIN) ||
      !check_type (&call, type, &category_type) ||
      !srv_admin_call_read (&call, SRV_ADMIN_MAX_BODY_BYTES) ||
      !get_code (&call, &code) ||
      !srv_admin_call_get_names (&call, call.request, "names", TRUE, &names) ||
      !get_attributes (&call, &attributes, &category) ||
      !srv_admin_call_get_boolean (&call, call.request, "active", FALSE, NULL, &active))
    return;

  object = g_strdup_printf ("%s/%s", type, code);
  srv_admin_call_set_object (&call, object);

  db = srv_admin_db (&call);
  if (!srv_admin_begin (&call, &error) ||
      !srv_admin_exists (db, &exists, &error, "SELECT 1 FROM master_data WHERE type = ? AND code = ?", "tt", type, code))
    goto fail;
  if (exists)
    {
      g_autofree char *message = g_strdup_printf (_("The %s “%s” exists already"), type, code);

      srv_admin_rollback (&call);
      srv_admin_call_refuse (&call, SOUP_STATUS_CONFLICT, SRV_ADMIN_CODE_EXISTS, message);
      return;
    }

  if (!check_category (&call, category_type, category, TRUE, &ok, &error))
    goto fail;
  if (!ok)
    return;

  if (!srv_admin_next_version (&call, &version, &error) ||
      !srv_admin_exec (db, &error,
                       "INSERT INTO master_data (type, code, names, attributes, active, version) VALUES (?, ?, ?, ?, ?, ?)",
                       "ttttii", type, code, names, attributes, (gint64) active, version) ||
      !srv_admin_call_audit_success (&call, NULL, &error) ||
      !srv_admin_commit (&call, &error))
    goto fail;

  srv_admin_respond_one (&call, SOUP_STATUS_CREATED, SELECT " WHERE code = ?1 AND type = ?2", code, type,
                         columns, G_N_ELEMENTS (columns), NULL);
  return;

fail:
  srv_admin_rollback (&call);
  srv_admin_call_fail (&call, error);
}

static void
update_cb (SoupServerMessage *msg,
           GHashTable        *params,
           gpointer           user_data)
{
  g_auto(SrvAdminCall) call = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *names = NULL;
  g_autofree char *attributes = NULL;
  g_autofree char *object = NULL;
  const char *type = g_hash_table_lookup (params, "type");
  const char *code = g_hash_table_lookup (params, "code");
  const char *category_type = NULL;
  const char *category;
  gboolean active = FALSE;
  gboolean has_active = FALSE;
  gboolean exists = FALSE;
  gboolean ok = FALSE;
  gint64 version = 0;
  sqlite3 *db;

  object = g_strdup_printf ("%s/%s", type, code);
  srv_admin_call_init (&call, user_data, msg, SRV_API_ID_ADMIN, SRV_ADMIN_CODE_PREFIX, "masterdata.update");
  srv_admin_call_set_object (&call, object);
  if (!srv_admin_call_authorize (&call, SRV_ROLE_ADMIN) ||
      !check_type (&call, type, &category_type) ||
      !srv_admin_call_read (&call, SRV_ADMIN_MAX_BODY_BYTES) ||
      !srv_admin_call_get_names (&call, call.request, "names", FALSE, &names) ||
      !get_attributes (&call, &attributes, &category) ||
      !srv_admin_call_get_boolean (&call, call.request, "active", FALSE, &has_active, &active))
    return;

  db = srv_admin_db (&call);
  if (!srv_admin_begin (&call, &error) ||
      !srv_admin_exists (db, &exists, &error, "SELECT 1 FROM master_data WHERE type = ? AND code = ?", "tt", type, code))
    goto fail;
  if (!exists)
    {
      srv_admin_rollback (&call);
      srv_admin_refuse_not_found (&call, type, code);
      return;
    }

  if (!check_category (&call, category_type, category, attributes != NULL, &ok, &error))
    goto fail;
  if (!ok)
    return;

  if (!srv_admin_next_version (&call, &version, &error) ||
      !srv_admin_exec (db, &error,
                       "UPDATE master_data SET names = coalesce(?3, names), attributes = coalesce(?4, attributes),"
                       " active = CASE WHEN ?5 THEN ?6 ELSE active END, version = ?7 WHERE type = ?1 AND code = ?2",
                       "ttttiii", type, code, names, attributes, (gint64) has_active, (gint64) active, version) ||
      !srv_admin_call_audit_success (&call, NULL, &error) ||
      !srv_admin_commit (&call, &error))
    goto fail;

  srv_admin_respond_one (&call, SOUP_STATUS_OK, SELECT " WHERE code = ?1 AND type = ?2", code, type,
                         columns, G_N_ELEMENTS (columns), NULL);
  return;

fail:
  srv_admin_rollback (&call);
  srv_admin_call_fail (&call, error);
}

static void
avd_list_cb (SoupServerMessage *msg,
             GHashTable        *params,
             gpointer           user_data)
{
  g_auto(SrvAdminCall) call = { 0 };

  srv_admin_call_init (&call, user_data, msg, SRV_API_ID_ADMIN, SRV_ADMIN_CODE_PREFIX, NULL);
  if (!srv_admin_call_authorize (&call, SRV_ROLE_ADMIN))
    return;

  srv_admin_respond_list (&call, SELECT_AVD " ORDER BY applicant_type, document_category, document_type", NULL,
                          avd_columns, G_N_ELEMENTS (avd_columns), NULL);
}

/* Adds or changes one rule: the applicant type may bring this document
 * type for this category. */
static void
avd_put_cb (SoupServerMessage *msg,
            GHashTable        *params,
            gpointer           user_data)
{
  g_auto(SrvAdminCall) call = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *object = NULL;
  g_autofree char *document_category = NULL;
  const char *applicant_type;
  const char *category;
  const char *document_type;
  gboolean active = TRUE;
  gint64 version = 0;
  sqlite3 *db;

  srv_admin_call_init (&call, user_data, msg, SRV_API_ID_ADMIN, SRV_ADMIN_CODE_PREFIX, "applicant-valid-document.put");
  if (!srv_admin_call_authorize (&call, SRV_ROLE_ADMIN) ||
      !srv_admin_call_read (&call, SRV_ADMIN_MAX_BODY_BYTES) ||
      !srv_admin_call_get_id (&call, call.request, "applicantType", TRUE, &applicant_type) ||
      !srv_admin_call_get_string (&call, call.request, "documentCategory", TRUE, 64, &category) ||
      !srv_admin_call_get_string (&call, call.request, "documentType", TRUE, 64, &document_type) ||
      !srv_admin_call_get_boolean (&call, call.request, "active", FALSE, NULL, &active))
    return;

  object = g_strdup_printf ("%s/%s/%s", applicant_type, category, document_type);
  srv_admin_call_set_object (&call, object);

  db = srv_admin_db (&call);
  if (!srv_admin_begin (&call, &error) ||
      !srv_admin_query_text (db, &document_category, &error,
                             "SELECT json_extract(attributes, '$.category') FROM master_data"
                             " WHERE type = 'documentType' AND code = ? AND active", "t", document_type))
    goto fail;

  if (g_strcmp0 (document_category, category) != 0)
    {
      g_autofree char *message = g_strdup_printf (_("There is no active document type “%s” in the category “%s”"),
                                                  document_type, category);

      srv_admin_rollback (&call);
      srv_admin_call_refuse (&call, SOUP_STATUS_BAD_REQUEST, SRV_ADMIN_CODE_REFERENCE, message);
      return;
    }

  if (!srv_admin_next_version (&call, &version, &error) ||
      !srv_admin_exec (db, &error,
                       "INSERT INTO applicant_valid_document (applicant_type, document_category, document_type, active, version)"
                       " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO UPDATE SET active = ?4, version = ?5",
                       "tttii", applicant_type, category, document_type, (gint64) active, version) ||
      !srv_admin_call_audit_success (&call, active ? "active" : "inactive", &error) ||
      !srv_admin_commit (&call, &error))
    goto fail;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "applicantType");
  json_builder_add_string_value (builder, applicant_type);
  json_builder_set_member_name (builder, "documentCategory");
  json_builder_add_string_value (builder, category);
  json_builder_set_member_name (builder, "documentType");
  json_builder_add_string_value (builder, document_type);
  json_builder_set_member_name (builder, "active");
  json_builder_add_boolean_value (builder, active);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, version);
  json_builder_end_object (builder);
  srv_admin_call_respond (&call, SOUP_STATUS_OK, json_builder_get_root (builder));
  return;

fail:
  srv_admin_rollback (&call);
  srv_admin_call_fail (&call, error);
}

void
srv_admin_masterdata_add_routes (SrvRouter *router,
                                 SrvServer *server)
{
  srv_router_add (router, SOUP_METHOD_GET, "/v1/admin/masterdata", types_cb, server);
  srv_router_add (router, SOUP_METHOD_GET, "/v1/admin/masterdata/{type}", list_cb, server);
  srv_router_add (router, SOUP_METHOD_POST, "/v1/admin/masterdata/{type}", create_cb, server);
  srv_router_add (router, SOUP_METHOD_GET, "/v1/admin/masterdata/{type}/{code}", get_cb, server);
  srv_router_add (router, SOUP_METHOD_PUT, "/v1/admin/masterdata/{type}/{code}", update_cb, server);
  srv_router_add (router, SOUP_METHOD_GET, "/v1/admin/applicant-valid-documents", avd_list_cb, server);
  srv_router_add (router, SOUP_METHOD_PUT, "/v1/admin/applicant-valid-documents", avd_put_cb, server);
}
