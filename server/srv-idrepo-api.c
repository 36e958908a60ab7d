/* srv-idrepo-api.c — the ID repository's HTTP API
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * For administrators (and adjudicators, who read): MOSIP's ID repository
 * operations in the usual envelope, with a bearer token.
 *
 *   GET    /v1/idrepo/identities/{id}?type=demo|bio|doc|all&idType=UIN|VID
 *          { uin, status, identity, biometrics?, documents? }   (base64)
 *   PATCH  /v1/idrepo/identities/{uin}/status     { status }
 *   GET    /v1/idrepo/identities/{uin}/vids       { vids: [ … ] }
 *   GET    /v1/idrepo/identities/{uin}/auth-locks { authTypes: [{ authType, locked }] }
 *   PATCH  /v1/idrepo/identities/{uin}/auth-locks { authTypes: [{ authType, locked }] }
 *   POST   /v1/idrepo/vids                        { uin, vidType }
 *   GET    /v1/idrepo/vids/{vid}                  (does not count a use)
 *   PATCH  /v1/idrepo/vids/{vid}                  { vidStatus: "REVOKED" }
 *   POST   /v1/idrepo/drafts/{uin}                a draft from the identity
 *   GET    /v1/idrepo/drafts/{uin}
 *   PATCH  /v1/idrepo/drafts/{uin}                { identity: { member: value or null } }
 *          the edited draft must keep to the latest published ID schema:
 *          every member it holds valid, no required member removed
 *   POST   /v1/idrepo/drafts/{uin}/publish        the next version, with its ledger leaf
 *   DELETE /v1/idrepo/drafts/{uin}
 *
 * Every change runs in one transaction with its audit event (the
 * repository records its own, naming the identity by row id; the API's
 * adds who called from where), and every refusal is audited with its
 * code.  Audit events never carry a UIN or VID: they name the identity
 * "identity:N".  Refusals change nothing: requests are read and checked
 * before the transaction opens, and the repository rolls its savepoint
 * back on error.
 */

#define G_LOG_DOMAIN "idem-server"

#include "config.h"

#include "srv-idrepo-api.h"
#include "srv-admin-call.h"
#include "srv-server.h"

#include "idem.h"

#include <glib/gi18n.h>

#define READERS (SRV_ROLE_ADMIN | SRV_ROLE_ADJUDICATOR)
#define WRITERS SRV_ROLE_ADMIN
#define MAX_LOCK_CHANGES 16

static SrvIdrepo *
idrepo_of (SrvAdminCall *call)
{
  return srv_server_get_idrepo (call->server);
}

static void
call_init (SrvAdminCall      *call,
           SoupServerMessage *msg,
           gpointer           user_data,
           const char        *action)
{
  srv_admin_call_init (call, user_data, msg, SRV_API_ID_IDREPO, SRV_IDREPO_CODE_PREFIX, action);
}

/* Answers a refusal or failure of the repository with its stable code. */
static void
refuse_error (SrvAdminCall *call,
              const GError *error)
{
  guint status = SOUP_STATUS_CONFLICT;
  const char *code = NULL;

  if (error->domain == SRV_IDREPO_ERROR)
    {
      switch ((SrvIdrepoError) error->code)
        {
        case SRV_IDREPO_ERROR_NOT_FOUND:
          status = SOUP_STATUS_NOT_FOUND;
          code = SRV_IDREPO_CODE_NOT_FOUND;
          break;

        case SRV_IDREPO_ERROR_INVALID_ARGUMENT:
          status = SOUP_STATUS_BAD_REQUEST;
          code = SRV_ADMIN_CODE_INVALID;
          break;

        case SRV_IDREPO_ERROR_DUPLICATE:
          code = SRV_ADMIN_CODE_EXISTS;
          break;

        case SRV_IDREPO_ERROR_VID_LIMIT:
          code = SRV_IDREPO_CODE_VID_LIMIT;
          break;

        case SRV_IDREPO_ERROR_VID_EXPIRED:
          code = SRV_IDREPO_CODE_VID_EXPIRED;
          break;

        case SRV_IDREPO_ERROR_VID_REVOKED:
          code = SRV_IDREPO_CODE_VID_REVOKED;
          break;

        case SRV_IDREPO_ERROR_VID_USED:
          code = SRV_IDREPO_CODE_VID_USED;
          break;

        case SRV_IDREPO_ERROR_NOT_ACTIVE:
          code = SRV_IDREPO_CODE_NOT_ACTIVE;
          break;

        case SRV_IDREPO_ERROR_DRAFT_EXISTS:
          code = SRV_IDREPO_CODE_DRAFT_EXISTS;
          break;

        case SRV_IDREPO_ERROR_NO_DRAFT:
          status = SOUP_STATUS_NOT_FOUND;
          code = SRV_IDREPO_CODE_NO_DRAFT;
          break;

        case SRV_IDREPO_ERROR_DRAFT_STALE:
          code = SRV_IDREPO_CODE_DRAFT_STALE;
          break;

        case SRV_IDREPO_ERROR_TAMPERED:
        case SRV_IDREPO_ERROR_DATABASE:
        default:
          break;
        }
    }

  if (code == NULL)
    srv_admin_call_fail (call, error);
  else
    srv_admin_call_refuse (call, status, code, error->message);
}

/* Names the identity in the call's audit events by its row id, never by
 * its UIN.  Answers the call when there is no such identity. */
static gboolean
set_identity (SrvAdminCall *call,
              const char   *uin)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *object = NULL;
  gint64 id = srv_idrepo_get_identity_id (idrepo_of (call), uin, &error);

  if (id < 0)
    {
      refuse_error (call, error);
      return FALSE;
    }

  object = g_strdup_printf ("identity:%" G_GINT64_FORMAT, id);
  srv_admin_call_set_object (call, object);
  return TRUE;
}

static sqlite3 *
db_of (SrvAdminCall *call)
{
  return srv_database_get_handle (srv_server_get_database (call->server));
}

/* Every change and its audit event commit together or not at all. */
static gboolean
begin (SrvAdminCall  *call,
       GError       **error)
{
  return srv_database_exec (srv_server_get_database (call->server), "BEGIN IMMEDIATE", error);
}

static gboolean
commit (SrvAdminCall  *call,
        GError       **error)
{
  return srv_database_exec (srv_server_get_database (call->server), "COMMIT", error);
}

static void
rollback (SrvAdminCall *call)
{
  if (!sqlite3_get_autocommit (db_of (call)))
    sqlite3_exec (db_of (call), "ROLLBACK", NULL, NULL, NULL);
}

/* Ends a change: on success audits it and commits; on error rolls back
 * and answers with the error's code.  Returns whether it committed. */
static gboolean
finish_change (SrvAdminCall *call,
               gboolean      ok,
               GError       *change_error,
               const char   *detail)
{
  g_autoptr(GError) error = NULL;

  if (ok && srv_admin_call_audit_success (call, detail, &error) && commit (call, &error))
    return TRUE;

  rollback (call);
  refuse_error (call, change_error != NULL ? change_error : error);
  return FALSE;
}

static char *
format_time (gint64 time_us)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (time_us / G_USEC_PER_SEC);

  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
}

static void
add_vid_info (JsonBuilder      *builder,
              const SrvVidInfo *info)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "vid");
  json_builder_add_string_value (builder, info->vid);
  json_builder_set_member_name (builder, "vidType");
  json_builder_add_string_value (builder, srv_vid_type_to_string (info->type));
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, info->status);
  json_builder_set_member_name (builder, "expiresAt");
  if (info->expires > 0)
    {
      g_autofree char *expires = format_time (info->expires);

      json_builder_add_string_value (builder, expires);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "usesLeft");
  if (info->uses_left >= 0)
    json_builder_add_int_value (builder, info->uses_left);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
}

static JsonNode *
parse_object (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (json == NULL || !json_parser_load_from_data (parser, json, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;

  return json_node_copy (json_parser_get_root (parser));
}

/* Identities */

static void
add_bytes (JsonBuilder *builder,
           const char  *name,
           GBytes      *bytes)
{
  g_autofree char *encoded = NULL;

  json_builder_set_member_name (builder, name);
  if (bytes == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }

  encoded = g_base64_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  json_builder_add_string_value (builder, encoded);
}

typedef GBytes * (*PartGetter) (SrvIdrepo   *idrepo,
                                const char  *uin,
                                GError     **error);

/* A part the identity does not have is null; any other failure answers
 * the call and returns FALSE. */
static gboolean
get_part (SrvAdminCall  *call,
          PartGetter     getter,
          const char    *uin,
          GBytes       **part)
{
  g_autoptr(GError) error = NULL;

  *part = getter (idrepo_of (call), uin, &error);
  if (*part == NULL && !g_error_matches (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_NOT_FOUND))
    {
      refuse_error (call, error);
      return FALSE;
    }

  return TRUE;
}

/* The UIN behind a path's {id}: a UIN, or an active VID when @id_type
 * says VID or @id is not a UIN. */
static char *
resolve_id (SrvAdminCall *call,
            const char   *id,
            const char   *id_type)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SrvVidInfo) info = NULL;
  g_autofree char *uin = NULL;
  gboolean is_vid;

  if (id_type != NULL && !g_str_equal (id_type, "UIN") && !g_str_equal (id_type, "VID"))
    {
      srv_admin_call_refuse (call, SOUP_STATUS_BAD_REQUEST, SRV_ADMIN_CODE_INVALID,
                             _("The query parameter “idType” must be UIN or VID"));
      return NULL;
    }

  is_vid = id_type != NULL ? g_str_equal (id_type, "VID") : !idem_uin_validate (id, NULL);
  if (!is_vid)
    return g_strdup (id);

  uin = srv_idrepo_lookup_vid (idrepo_of (call), id, &info, &error);
  if (uin == NULL)
    {
      refuse_error (call, error);
      return NULL;
    }

  if (!g_str_equal (info->status, "ACTIVE"))
    {
      g_autoptr(GError) inactive = NULL;
      SrvIdrepoError code = g_str_equal (info->status, "REVOKED") ? SRV_IDREPO_ERROR_VID_REVOKED :
                            g_str_equal (info->status, "USED") ? SRV_IDREPO_ERROR_VID_USED :
                            SRV_IDREPO_ERROR_VID_EXPIRED;

      g_set_error (&inactive, SRV_IDREPO_ERROR, code, _("This VID is %s"), info->status);
      refuse_error (call, inactive);
      return NULL;
    }

  return g_steal_pointer (&uin);
}

static void
get_identity_cb (SoupServerMessage *msg,
                 GHashTable        *params,
                 gpointer           user_data)
{
  g_auto(SrvAdminCall) call = { 0 };
  g_autoptr(GHashTable) query = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) identity = NULL;
  g_autoptr(GBytes) biometrics = NULL;
  g_autoptr(GBytes) documents = NULL;
  g_autofree char *uin = NULL;
  g_autofree char *status = NULL;
  g_autofree char *demographics = NULL;
  const char *raw_query;
  const char *type = "demo";
  const char *id_type = NULL;
  gboolean want_bio;
  gboolean want_doc;

  call_init (&call, msg, user_data, NULL);
  if (!srv_admin_call_authorize (&call, READERS))
    return;

  raw_query = g_uri_get_query (soup_server_message_get_uri (msg));
  if (raw_query != NULL)
    query = g_uri_parse_params (raw_query, -1, "&", G_URI_PARAMS_NONE, NULL);
  if (query != NULL)
    {
      type = g_hash_table_lookup (query, "type") != NULL ? g_hash_table_lookup (query, "type") : type;
      id_type = g_hash_table_lookup (query, "idType");
    }

  if (!g_strv_contains ((const char * const[]) { "demo", "bio", "doc", "all", NULL }, type))
    {
      srv_admin_call_refuse (&call, SOUP_STATUS_BAD_REQUEST, SRV_ADMIN_CODE_INVALID,
                             _("The query parameter “type” must be demo, bio, doc or all"));
      return;
    }
  want_bio = g_str_equal (type, "bio") || g_str_equal (type, "all");
  want_doc = g_str_equal (type, "doc") || g_str_equal (type, "all");

  uin = resolve_id (&call, g_hash_table_lookup (params, "id"), id_type);
  if (uin == NULL)
    return;

  demographics = srv_idrepo_lookup_uin (idrepo_of (&call), uin, &status, &error);
  if (demographics == NULL)
    {
      refuse_error (&call, error);
      return;
    }
  if ((want_bio && !get_part (&call, srv_idrepo_get_biometrics, uin, &biometrics)) ||
      (want_doc && !get_part (&call, srv_idrepo_get_documents, uin, &documents)))
    return;

  identity = parse_object (demographics);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "uin");
  json_builder_add_string_value (builder, uin);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, status);
  json_builder_set_member_name (builder, "identity");
  json_builder_add_value (builder, identity != NULL ? g_steal_pointer (&identity) : json_node_new (JSON_NODE_NULL));
  if (want_bio)
    add_bytes (builder, "biometrics", biometrics);
  if (want_doc)
    add_bytes (builder, "documents", documents);
  json_builder_end_object (builder);

  srv_admin_call_respond (&call, SOUP_STATUS_OK, json_builder_get_root (builder));
}

static JsonNode *
status_response (const char *uin,
                 const char *status)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "uin");
  json_builder_add_string_value (builder, uin);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, status);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
set_status_cb (SoupServerMessage *msg,
               GHashTable        *params,
               gpointer           user_data)
{
  static const char * const statuses[] = { "ACTIVATED", "BLOCKED", "DEACTIVATED", NULL };
  g_auto(SrvAdminCall) call = { 0 };
  g_autoptr(GError) error = NULL;
  const char *uin = g_hash_table_lookup (params, "uin");
  const char *status;
  gboolean ok;

  call_init (&call, msg, user_data, "idrepo.status");
  if (!srv_admin_call_authorize (&call, WRITERS) ||
      !srv_admin_call_read (&call, SRV_IDREPO_MAX_BODY_BYTES) ||
      !srv_admin_call_get_enum (&call, call.request, "status", TRUE, statuses, &status) ||
      !set_identity (&call, uin))
    return;
  if (!begin (&call, &error))
    {
      srv_admin_call_fail (&call, error);
      return;
    }

  ok = srv_idrepo_set_status (idrepo_of (&call), uin, status, call.actor, &error);
  if (finish_change (&call, ok, error, status))
    srv_admin_call_respond (&call, SOUP_STATUS_OK, status_response (uin, status));
}

/* VIDs */

static JsonNode *
vid_list_response (GPtrArray *vids)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "vids");
  json_builder_begin_array (builder);
  for (guint i = 0; i < vids->len; i++)
    add_vid_info (builder, g_ptr_array_index (vids, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
list_vids_cb (SoupServerMessage *msg,
              GHashTable        *params,
              gpointer           user_data)
{
  g_auto(SrvAdminCall) call = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) vids = NULL;

  call_init (&call, msg, user_data, NULL);
  if (!srv_admin_call_authorize (&call, READERS))
    return;

  vids = srv_idrepo_list_vids (idrepo_of (&call), g_hash_table_lookup (params, "uin"), &error);
  if (vids == NULL)
    {
      refuse_error (&call, error);
      return;
    }

  srv_admin_call_respond (&call, SOUP_STATUS_OK, vid_list_response (vids));
}

static JsonNode *
vid_response (SrvAdminCall *call,
              const char   *vid,
              GError      **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(SrvVidInfo) info = NULL;
  g_autofree char *uin = srv_idrepo_lookup_vid (idrepo_of (call), vid, &info, error);

  if (uin == NULL)
    return NULL;

  add_vid_info (builder, info);
  return json_builder_get_root (builder);
}

static void
create_vid_cb (SoupServerMessage *msg,
               GHashTable        *params,
               gpointer           user_data)
{
  g_auto(SrvAdminCall) call = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) response = NULL;
  g_autofree char *vid = NULL;
  const char *uin;
  const char *type_name;
  SrvVidType type;

  call_init (&call, msg, user_data, "idrepo.vid.create");
  if (!srv_admin_call_authorize (&call, WRITERS) ||
      !srv_admin_call_read (&call, SRV_IDREPO_MAX_BODY_BYTES) ||
      !srv_admin_call_get_string (&call, call.request, "uin", TRUE, 64, &uin) ||
      !srv_admin_call_get_string (&call, call.request, "vidType", TRUE, 32, &type_name))
    return;

  if (!srv_vid_type_from_string (type_name, &type))
    {
      srv_admin_call_refuse (&call, SOUP_STATUS_BAD_REQUEST, SRV_ADMIN_CODE_INVALID,
                             _("The member “vidType” must be Perpetual, Temporary or OneTimeUse"));
      return;
    }

  if (!set_identity (&call, uin))
    return;
  if (!begin (&call, &error))
    {
      srv_admin_call_fail (&call, error);
      return;
    }

  vid = srv_idrepo_create_vid (idrepo_of (&call), uin, type, call.actor, &error);
  if (vid != NULL)
    response = vid_response (&call, vid, &error);
  if (finish_change (&call, response != NULL, error, srv_vid_type_to_string (type)))
    srv_admin_call_respond (&call, SOUP_STATUS_CREATED, g_steal_pointer (&response));
}

static void
get_vid_cb (SoupServerMessage *msg,
            GHashTable        *params,
            gpointer           user_data)
{
  g_auto(SrvAdminCall) call = { 0 };
  g_autoptr(GError) error = NULL;
  JsonNode *response;

  call_init (&call, msg, user_data, NULL);
  if (!srv_admin_call_authorize (&call, READERS))
    return;

  response = vid_response (&call, g_hash_table_lookup (params, "vid"), &error);
  if (response == NULL)
    refuse_error (&call, error);
  else
    srv_admin_call_respond (&call, SOUP_STATUS_OK, response);
}

static void
revoke_vid_cb (SoupServerMessage *msg,
               GHashTable        *params,
               gpointer           user_data)
{
  static const char * const vid_statuses[] = { "REVOKED", NULL };
  g_auto(SrvAdminCall) call = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(SrvVidInfo) info = NULL;
  g_autofree char *uin = NULL;
  g_autofree char *replacement = NULL;
  const char *vid = g_hash_table_lookup (params, "vid");
  const char *vid_status;

  call_init (&call, msg, user_data, "idrepo.vid.revoke");
  if (!srv_admin_call_authorize (&call, WRITERS) ||
      !srv_admin_call_read (&call, SRV_IDREPO_MAX_BODY_BYTES) ||
      !srv_admin_call_get_enum (&call, call.request, "vidStatus", TRUE, vid_statuses, &vid_status))
    return;

  uin = srv_idrepo_lookup_vid (idrepo_of (&call), vid, &info, &error);
  if (uin == NULL)
    {
      refuse_error (&call, error);
      return;
    }
  if (!set_identity (&call, uin))
    return;
  if (!begin (&call, &error))
    {
      srv_admin_call_fail (&call, error);
      return;
    }

  replacement = srv_idrepo_revoke_vid (idrepo_of (&call), vid, call.actor, &error);
  if (!finish_change (&call, replacement != NULL, error, srv_vid_type_to_string (info->type)))
    return;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "vid");
  json_builder_add_string_value (builder, vid);
  json_builder_set_member_name (builder, "vidStatus");
  json_builder_add_string_value (builder, "REVOKED");
  json_builder_set_member_name (builder, "restoredVid");
  if (*replacement != '\0')
    json_builder_add_string_value (builder, replacement);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  srv_admin_call_respond (&call, SOUP_STATUS_OK, json_builder_get_root (builder));
}

/* Authentication-type locks */

static JsonNode *
locks_response (SrvAdminCall  *call,
                const char    *uin,
                GError       **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char * const *types = srv_idrepo_get_auth_types ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "authTypes");
  json_builder_begin_array (builder);
  for (guint i = 0; types[i] != NULL; i++)
    {
      gboolean locked = FALSE;

      if (!srv_idrepo_is_auth_locked (idrepo_of (call), uin, types[i], &locked, error))
        return NULL;
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "authType");
      json_builder_add_string_value (builder, types[i]);
      json_builder_set_member_name (builder, "locked");
      json_builder_add_boolean_value (builder, locked);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
get_locks_cb (SoupServerMessage *msg,
              GHashTable        *params,
              gpointer           user_data)
{
  g_auto(SrvAdminCall) call = { 0 };
  g_autoptr(GError) error = NULL;
  JsonNode *response;

  call_init (&call, msg, user_data, NULL);
  if (!srv_admin_call_authorize (&call, READERS))
    return;

  response = locks_response (&call, g_hash_table_lookup (params, "uin"), &error);
  if (response == NULL)
    refuse_error (&call, error);
  else
    srv_admin_call_respond (&call, SOUP_STATUS_OK, response);
}

typedef struct
{
  const char *auth_type;
  gboolean    locked;
} LockChange;

/* Reads and checks every change before any is made. */
static GArray *
read_lock_changes (SrvAdminCall *call)
{
  g_autoptr(GArray) changes = g_array_new (FALSE, FALSE, sizeof (LockChange));
  const char * const *types = srv_idrepo_get_auth_types ();
  JsonArray *list;

  if (!srv_admin_call_get_array (call, call->request, "authTypes", TRUE, MAX_LOCK_CHANGES, &list))
    return NULL;
  if (json_array_get_length (list) == 0)
    {
      srv_admin_call_refuse (call, SOUP_STATUS_BAD_REQUEST, SRV_ADMIN_CODE_INVALID,
                             _("The member “authTypes” must list at least one change"));
      return NULL;
    }

  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *element = json_array_get_element (list, i);
      LockChange change = { NULL, FALSE };
      gboolean present;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          srv_admin_call_refuse (call, SOUP_STATUS_BAD_REQUEST, SRV_ADMIN_CODE_TYPE,
                                 _("Every entry of “authTypes” must be an object"));
          return NULL;
        }
      if (!srv_admin_call_get_enum (call, json_node_get_object (element), "authType", TRUE, types, &change.auth_type) ||
          !srv_admin_call_get_boolean (call, json_node_get_object (element), "locked", TRUE, &present, &change.locked))
        return NULL;
      g_array_append_val (changes, change);
    }

  return g_steal_pointer (&changes);
}

static void
set_locks_cb (SoupServerMessage *msg,
              GHashTable        *params,
              gpointer           user_data)
{
  g_auto(SrvAdminCall) call = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) changes = NULL;
  g_autoptr(GString) detail = g_string_new (NULL);
  g_autoptr(JsonNode) response = NULL;
  const char *uin = g_hash_table_lookup (params, "uin");
  gboolean ok = TRUE;

  call_init (&call, msg, user_data, "idrepo.auth-lock");
  if (!srv_admin_call_authorize (&call, WRITERS) ||
      !srv_admin_call_read (&call, SRV_IDREPO_MAX_BODY_BYTES) ||
      !(changes = read_lock_changes (&call)) ||
      !set_identity (&call, uin))
    return;
  if (!begin (&call, &error))
    {
      srv_admin_call_fail (&call, error);
      return;
    }

  for (guint i = 0; ok && i < changes->len; i++)
    {
      const LockChange *change = &g_array_index (changes, LockChange, i);

      ok = srv_idrepo_set_auth_lock (idrepo_of (&call), uin, change->auth_type, change->locked, call.actor, &error);
      g_string_append_printf (detail, "%s%s=%s", i > 0 ? "," : "", change->auth_type,
                              change->locked ? "locked" : "unlocked");
    }
  if (ok)
    response = locks_response (&call, uin, &error);

  if (finish_change (&call, response != NULL, error, detail->str))
    srv_admin_call_respond (&call, SOUP_STATUS_OK, g_steal_pointer (&response));
}

/* Drafts */

static JsonNode *
draft_response (SrvAdminCall  *call,
                const char    *uin,
                GError       **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *draft = srv_idrepo_get_draft (idrepo_of (call), uin, error);
  JsonNode *identity;

  if (draft == NULL)
    return NULL;

  identity = parse_object (draft);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "uin");
  json_builder_add_string_value (builder, uin);
  json_builder_set_member_name (builder, "identity");
  json_builder_add_value (builder, identity != NULL ? identity : json_node_new (JSON_NODE_NULL));
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
create_draft_cb (SoupServerMessage *msg,
                 GHashTable        *params,
                 gpointer           user_data)
{
  g_auto(SrvAdminCall) call = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) response = NULL;
  const char *uin = g_hash_table_lookup (params, "uin");

  call_init (&call, msg, user_data, "idrepo.draft.create");
  if (!srv_admin_call_authorize (&call, WRITERS) || !set_identity (&call, uin))
    return;
  if (!begin (&call, &error))
    {
      srv_admin_call_fail (&call, error);
      return;
    }

  if (srv_idrepo_create_draft (idrepo_of (&call), uin, call.actor, &error))
    response = draft_response (&call, uin, &error);
  if (finish_change (&call, response != NULL, error, NULL))
    srv_admin_call_respond (&call, SOUP_STATUS_CREATED, g_steal_pointer (&response));
}

static void
get_draft_cb (SoupServerMessage *msg,
              GHashTable        *params,
              gpointer           user_data)
{
  g_auto(SrvAdminCall) call = { 0 };
  g_autoptr(GError) error = NULL;
  JsonNode *response;

  call_init (&call, msg, user_data, NULL);
  if (!srv_admin_call_authorize (&call, READERS))
    return;

  response = draft_response (&call, g_hash_table_lookup (params, "uin"), &error);
  if (response == NULL)
    refuse_error (&call, error);
  else
    srv_admin_call_respond (&call, SOUP_STATUS_OK, response);
}

/* The latest published ID schema, or NULL with no error when none is. */
static IdemIdSchema *
published_schema (SrvAdminCall  *call,
                  GError       **error)
{
  g_autoptr(GBytes) content = NULL;
  sqlite3_stmt *statement = NULL;
  int status;

  if (sqlite3_prepare_v2 (db_of (call),
                          "SELECT content FROM published_document WHERE kind = 'id-schema'"
                          " ORDER BY version DESC LIMIT 1", -1, &statement, NULL) != SQLITE_OK)
    {
      g_set_error (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_DATABASE,
                   _("ID repository: %s"), sqlite3_errmsg (db_of (call)));
      return NULL;
    }

  status = sqlite3_step (statement);
  if (status == SQLITE_ROW)
    content = g_bytes_new (sqlite3_column_text (statement, 0), sqlite3_column_bytes (statement, 0));
  sqlite3_finalize (statement);
  if (content == NULL)
    return NULL;

  return idem_id_schema_new_from_bytes (content, error);
}

/* Checks the edited draft against the published ID schema: what it holds
 * must be valid (a share of an identity, as the schema reads a
 * sub-packet's), and @changes must not remove a required member.
 * Returns what is wrong, or NULL when it keeps to it or on error. */
static char *
draft_violation (SrvAdminCall *call,
                 const char   *merged,
                 JsonObject   *changes,
                 GError      **error)
{
  g_autoptr(IdemIdSchema) schema = published_schema (call, error);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) violations = NULL;
  g_autoptr(GList) members = NULL;

  if (schema == NULL)
    return NULL;

  members = json_object_get_members (changes);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const IdemIdField *field = idem_id_schema_lookup_field (schema, l->data);

      if (JSON_NODE_HOLDS_NULL (json_object_get_member (changes, l->data)) &&
          field != NULL && idem_id_field_is_required (field))
        return g_strdup_printf (_("The ID schema requires “%s”: it cannot be removed"), (const char *) l->data);
    }

  root = parse_object (merged);
  violations = idem_id_schema_validate (schema, json_node_get_object (root), IDEM_ID_VALIDATE_PARTIAL);
  if (violations->len > 0)
    {
      IdemSchemaViolation *first = g_ptr_array_index (violations, 0);

      return g_strdup_printf ("%s: %s", first->path, first->message);
    }

  return NULL;
}

/* Applies @changes to the draft @draft: a member set to null is removed,
 * any other value replaces the member's. */
static char *
merge_draft (const char *draft,
             JsonObject *changes)
{
  g_autoptr(JsonNode) root = parse_object (draft);
  g_autoptr(GList) members = json_object_get_members (changes);
  JsonObject *identity;

  if (root == NULL)
    return NULL;

  identity = json_node_get_object (root);
  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *value = json_object_get_member (changes, l->data);

      if (JSON_NODE_HOLDS_NULL (value))
        json_object_remove_member (identity, l->data);
      else
        json_object_set_member (identity, l->data, json_node_copy (value));
    }

  return json_to_string (root, FALSE);
}

static void
update_draft_cb (SoupServerMessage *msg,
                 GHashTable        *params,
                 gpointer           user_data)
{
  g_auto(SrvAdminCall) call = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) response = NULL;
  g_autofree char *draft = NULL;
  g_autofree char *merged = NULL;
  g_autofree char *violation = NULL;
  const char *uin = g_hash_table_lookup (params, "uin");
  JsonObject *changes;
  gboolean ok;

  call_init (&call, msg, user_data, "idrepo.draft.update");
  if (!srv_admin_call_authorize (&call, WRITERS) ||
      !srv_admin_call_read (&call, SRV_IDREPO_MAX_DRAFT_BODY_BYTES) ||
      !srv_admin_call_get_object (&call, call.request, "identity", TRUE, &changes) ||
      !set_identity (&call, uin))
    return;
  if (!begin (&call, &error))
    {
      srv_admin_call_fail (&call, error);
      return;
    }

  draft = srv_idrepo_get_draft (idrepo_of (&call), uin, &error);
  merged = draft != NULL ? merge_draft (draft, changes) : NULL;
  if (merged != NULL && (violation = draft_violation (&call, merged, changes, &error)) != NULL)
    {
      /* Rolled back first, so the refusal's audit event stays. */
      rollback (&call);
      srv_admin_call_refuse (&call, SOUP_STATUS_BAD_REQUEST, SRV_IDREPO_CODE_SCHEMA, violation);
      return;
    }
  ok = merged != NULL && error == NULL && srv_idrepo_update_draft (idrepo_of (&call), uin, merged, call.actor, &error);
  if (ok)
    response = draft_response (&call, uin, &error);
  if (finish_change (&call, response != NULL, error, NULL))
    srv_admin_call_respond (&call, SOUP_STATUS_OK, g_steal_pointer (&response));
}

static void
publish_draft_cb (SoupServerMessage *msg,
                  GHashTable        *params,
                  gpointer           user_data)
{
  g_auto(SrvAdminCall) call = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GArray) versions = NULL;
  const char *uin = g_hash_table_lookup (params, "uin");
  gboolean ok;

  call_init (&call, msg, user_data, "idrepo.draft.publish");
  if (!srv_admin_call_authorize (&call, WRITERS) || !set_identity (&call, uin))
    return;
  if (!begin (&call, &error))
    {
      srv_admin_call_fail (&call, error);
      return;
    }

  ok = srv_idrepo_publish_draft (idrepo_of (&call), uin, call.actor, &error) &&
       (versions = srv_idrepo_get_demographics_history (idrepo_of (&call), uin, &error)) != NULL;
  if (!finish_change (&call, ok, error, NULL))
    return;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "uin");
  json_builder_add_string_value (builder, uin);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, versions->len);
  json_builder_end_object (builder);
  srv_admin_call_respond (&call, SOUP_STATUS_OK, json_builder_get_root (builder));
}

static void
discard_draft_cb (SoupServerMessage *msg,
                  GHashTable        *params,
                  gpointer           user_data)
{
  g_auto(SrvAdminCall) call = { 0 };
  g_autoptr(GError) error = NULL;
  const char *uin = g_hash_table_lookup (params, "uin");
  gboolean ok;

  call_init (&call, msg, user_data, "idrepo.draft.discard");
  if (!srv_admin_call_authorize (&call, WRITERS) || !set_identity (&call, uin))
    return;
  if (!begin (&call, &error))
    {
      srv_admin_call_fail (&call, error);
      return;
    }

  ok = srv_idrepo_discard_draft (idrepo_of (&call), uin, call.actor, &error);
  if (finish_change (&call, ok, error, NULL))
    srv_admin_call_respond (&call, SOUP_STATUS_OK, status_response (uin, "DISCARDED"));
}

/**
 * srv_idrepo_api_add_routes:
 * @router: the server's router
 * @server: the server, whose ID repository the routes use
 */
void
srv_idrepo_api_add_routes (SrvRouter *router,
                           SrvServer *server)
{
  g_return_if_fail (SRV_IS_ROUTER (router));

  srv_router_add (router, SOUP_METHOD_GET, "/v1/idrepo/identities/{id}", get_identity_cb, server);
  srv_router_add (router, "PATCH", "/v1/idrepo/identities/{uin}/status", set_status_cb, server);
  srv_router_add (router, SOUP_METHOD_GET, "/v1/idrepo/identities/{uin}/vids", list_vids_cb, server);
  srv_router_add (router, SOUP_METHOD_GET, "/v1/idrepo/identities/{uin}/auth-locks", get_locks_cb, server);
  srv_router_add (router, "PATCH", "/v1/idrepo/identities/{uin}/auth-locks", set_locks_cb, server);
  srv_router_add (router, SOUP_METHOD_POST, "/v1/idrepo/vids", create_vid_cb, server);
  srv_router_add (router, SOUP_METHOD_GET, "/v1/idrepo/vids/{vid}", get_vid_cb, server);
  srv_router_add (router, "PATCH", "/v1/idrepo/vids/{vid}", revoke_vid_cb, server);
  srv_router_add (router, SOUP_METHOD_POST, "/v1/idrepo/drafts/{uin}", create_draft_cb, server);
  srv_router_add (router, SOUP_METHOD_GET, "/v1/idrepo/drafts/{uin}", get_draft_cb, server);
  srv_router_add (router, "PATCH", "/v1/idrepo/drafts/{uin}", update_draft_cb, server);
  srv_router_add (router, SOUP_METHOD_POST, "/v1/idrepo/drafts/{uin}/publish", publish_draft_cb, server);
  srv_router_add (router, SOUP_METHOD_DELETE, "/v1/idrepo/drafts/{uin}", discard_draft_cb, server);
}

/**
 * srv_idrepo_api_load_vid_policy:
 * @idrepo: the ID repository
 * @data_dir: the data directory
 * @error: return location for an error
 *
 * Replaces the built-in VID policy with the data directory's
 * vid-policy.json, when there is one.
 *
 * Returns: whether the policy in force is valid: %FALSE when the file
 *   exists and cannot be read or is not a valid policy
 */
gboolean
srv_idrepo_api_load_vid_policy (SrvIdrepo   *idrepo,
                                const char  *data_dir,
                                GError     **error)
{
  g_autofree char *path = g_build_filename (data_dir, SRV_IDREPO_VID_POLICY_FILENAME, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize length = 0;

  g_return_val_if_fail (SRV_IS_IDREPO (idrepo), FALSE);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;

  if (!g_file_get_contents (path, &contents, &length, error))
    return FALSE;

  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  return srv_idrepo_set_vid_policy (idrepo, bytes, error);
}
