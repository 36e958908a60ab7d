/* srv-admin-locations.c — the location tree and zones
 *
 *   GET  /v1/admin/locations            every location, parents first
 *   GET  /v1/admin/locations/{code}
 *   POST /v1/admin/locations            {code, parentCode?, level, levelName, names, isZone?, active?}
 *   PUT  /v1/admin/locations/{code}     {levelName?, names?, isZone?, active?}
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A country is a tree: level 0 has no parent, and every other location
 * sits exactly one level below its parent, so the tree cannot loop.  A
 * zone is a location marked is_zone, the unit an administrator's
 * responsibility is drawn on.  A location's place in the tree (parent,
 * level) is fixed once created: moving it would silently move every
 * centre under it.
 */

#define G_LOG_DOMAIN "idem-server"

#include "config.h"

#include "srv-admin-private.h"

#include <glib/gi18n.h>

#define MAX_LEVEL 16

static const SrvAdminColumn columns[] = {
  { "code", SRV_ADMIN_COLUMN_TEXT },
  { "parentCode", SRV_ADMIN_COLUMN_TEXT },
  { "level", SRV_ADMIN_COLUMN_INT },
  { "levelName", SRV_ADMIN_COLUMN_TEXT },
  { "names", SRV_ADMIN_COLUMN_JSON },
  { "isZone", SRV_ADMIN_COLUMN_BOOL, SRV_ADMIN_NULL_IS_FALSE },
  { "active", SRV_ADMIN_COLUMN_BOOL, SRV_ADMIN_NULL_IS_FALSE },
  { "version", SRV_ADMIN_COLUMN_INT },
};

#define SELECT "SELECT code, parent_code, level, level_name, names, is_zone, active, version FROM location"

static void
list_cb (SoupServerMessage *msg,
         GHashTable        *params,
         gpointer           user_data)
{
  g_auto(SrvAdminCall) call = { 0 };

  srv_admin_call_init (&call, user_data, msg, SRV_API_ID_ADMIN, SRV_ADMIN_CODE_PREFIX, NULL);
  if (!srv_admin_call_authorize (&call, SRV_ROLE_ADMIN))
    return;

  srv_admin_respond_list (&call, SELECT " ORDER BY level, code", NULL, columns, G_N_ELEMENTS (columns), NULL);
}

static void
get_cb (SoupServerMessage *msg,
        GHashTable        *params,
        gpointer           user_data)
{
  g_auto(SrvAdminCall) call = { 0 };

  srv_admin_call_init (&call, user_data, msg, SRV_API_ID_ADMIN, SRV_ADMIN_CODE_PREFIX, NULL);
  if (!srv_admin_call_authorize (&call, SRV_ROLE_ADMIN))
    return;

  srv_admin_respond_one (&call, SOUP_STATUS_OK, SELECT " WHERE code = ?1",
                         g_hash_table_lookup (params, "code"), NULL,
                         columns, G_N_ELEMENTS (columns), NULL);
}

static void
create_cb (SoupServerMessage *msg,
           GHashTable        *params,
           gpointer           user_data)
{
  g_auto(SrvAdminCall) call = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *names = NULL;
  g_autofree char *parent_level = NULL;
  const char *code;
  const char *parent_code;
  const char *level_name;
  gint64 level = 0;
  gboolean is_zone = FALSE;
  gboolean active = TRUE;
  gboolean exists = FALSE;
  gint64 version = 0;
  sqlite3 *db;

  srv_admin_call_init (&call, user_data, msg, SRV_API_ID_ADMIN, SRV_ADMIN_CODE_PREFIX, "location.create");
  if (!srv_admin_call_authorize (&call, SRV_ROLE_ADMIN) ||
      !srv_admin_call_read (&call, SRV_ADMIN_MAX_BODY_BYTES) ||
      !srv_admin_call_get_id (&call, call.request, "code", TRUE, &code) ||
      !srv_admin_call_get_id (&call, call.request, "parentCode", FALSE, &parent_code) ||
      !srv_admin_call_get_int (&call, call.request, "level", TRUE, 0, MAX_LEVEL, &level) ||
      !srv_admin_call_get_string (&call, call.request, "levelName", TRUE, 64, &level_name) ||
      !srv_admin_call_get_names (&call, call.request, "names", TRUE, &names) ||
      !srv_admin_call_get_boolean (&call, call.request, "isZone", FALSE, NULL, &is_zone) ||
      !srv_admin_call_get_boolean (&call, call.request, "active", FALSE, NULL, &active))
    return;

  srv_admin_call_set_object (&call, code);

  if ((level == 0) != (parent_code == NULL))
    {
      srv_admin_call_refuse (&call, SOUP_STATUS_BAD_REQUEST, SRV_ADMIN_CODE_INVALID,
                             _("A location of level 0 has no parent; every other location has one"));
      return;
    }

  db = srv_admin_db (&call);
  if (!srv_admin_begin (&call, &error))
    goto fail;

  if (!srv_admin_exists (db, &exists, &error, "SELECT 1 FROM location WHERE code = ?", "t", code))
    goto fail;
  if (exists)
    {
      g_autofree char *message = g_strdup_printf (_("The location “%s” exists already"), code);

      srv_admin_rollback (&call);
      srv_admin_call_refuse (&call, SOUP_STATUS_CONFLICT, SRV_ADMIN_CODE_EXISTS, message);
      return;
    }

  if (parent_code != NULL)
    {
      if (!srv_admin_query_text (db, &parent_level, &error, "SELECT level FROM location WHERE code = ?", "t", parent_code))
        goto fail;
      if (parent_level == NULL || g_ascii_strtoll (parent_level, NULL, 10) != level - 1)
        {
          g_autofree char *message = parent_level == NULL
                                     ? g_strdup_printf (_("There is no parent location “%s”"), parent_code)
                                     : g_strdup_printf (_("The parent location “%s” is at level %s, so this one must be at level %s + 1"),
                                                        parent_code, parent_level, parent_level);

          srv_admin_rollback (&call);
          srv_admin_call_refuse (&call, SOUP_STATUS_BAD_REQUEST, SRV_ADMIN_CODE_REFERENCE, message);
          return;
        }
    }

  if (!srv_admin_next_version (&call, &version, &error) ||
      !srv_admin_exec (db, &error,
                       "INSERT INTO location (code, parent_code, level, level_name, names, is_zone, active, version)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       "ttittiii", code, parent_code, level, level_name, names,
                       (gint64) is_zone, (gint64) active, version) ||
      !srv_admin_call_audit_success (&call, NULL, &error) ||
      !srv_admin_commit (&call, &error))
    goto fail;

  srv_admin_respond_one (&call, SOUP_STATUS_CREATED, SELECT " WHERE code = ?1", code, NULL,
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
  const char *code = g_hash_table_lookup (params, "code");
  const char *level_name;
  gboolean is_zone = FALSE;
  gboolean active = FALSE;
  gboolean has_zone = FALSE;
  gboolean has_active = FALSE;
  gboolean exists = FALSE;
  gint64 version = 0;
  sqlite3 *db;

  srv_admin_call_init (&call, user_data, msg, SRV_API_ID_ADMIN, SRV_ADMIN_CODE_PREFIX, "location.update");
  srv_admin_call_set_object (&call, code);
  if (!srv_admin_call_authorize (&call, SRV_ROLE_ADMIN) ||
      !srv_admin_call_read (&call, SRV_ADMIN_MAX_BODY_BYTES) ||
      !srv_admin_call_get_string (&call, call.request, "levelName", FALSE, 64, &level_name) ||
      !srv_admin_call_get_names (&call, call.request, "names", FALSE, &names) ||
      !srv_admin_call_get_boolean (&call, call.request, "isZone", FALSE, &has_zone, &is_zone) ||
      !srv_admin_call_get_boolean (&call, call.request, "active", FALSE, &has_active, &active))
    return;

  if (json_object_has_member (call.request, "parentCode") || json_object_has_member (call.request, "level"))
    {
      srv_admin_call_refuse (&call, SOUP_STATUS_BAD_REQUEST, SRV_ADMIN_CODE_INVALID,
                             _("A location’s place in the tree cannot change: create a new location instead"));
      return;
    }

  db = srv_admin_db (&call);
  if (!srv_admin_begin (&call, &error) ||
      !srv_admin_exists (db, &exists, &error, "SELECT 1 FROM location WHERE code = ?", "t", code))
    goto fail;
  if (!exists)
    {
      srv_admin_rollback (&call);
      srv_admin_refuse_not_found (&call, _("location"), code);
      return;
    }

  if (!srv_admin_next_version (&call, &version, &error) ||
      !srv_admin_exec (db, &error,
                       "UPDATE location SET level_name = coalesce(?2, level_name), names = coalesce(?3, names),"
                       " is_zone = CASE WHEN ?4 THEN ?5 ELSE is_zone END,"
                       " active = CASE WHEN ?6 THEN ?7 ELSE active END, version = ?8 WHERE code = ?1",
                       "tttiiiii", code, level_name, names, (gint64) has_zone, (gint64) is_zone,
                       (gint64) has_active, (gint64) active, version) ||
      !srv_admin_call_audit_success (&call, NULL, &error) ||
      !srv_admin_commit (&call, &error))
    goto fail;

  srv_admin_respond_one (&call, SOUP_STATUS_OK, SELECT " WHERE code = ?1", code, NULL,
                         columns, G_N_ELEMENTS (columns), NULL);
  return;

fail:
  srv_admin_rollback (&call);
  srv_admin_call_fail (&call, error);
}

void
srv_admin_locations_add_routes (SrvRouter *router,
                                SrvServer *server)
{
  srv_router_add (router, SOUP_METHOD_GET, "/v1/admin/locations", list_cb, server);
  srv_router_add (router, SOUP_METHOD_POST, "/v1/admin/locations", create_cb, server);
  srv_router_add (router, SOUP_METHOD_GET, "/v1/admin/locations/{code}", get_cb, server);
  srv_router_add (router, SOUP_METHOD_PUT, "/v1/admin/locations/{code}", update_cb, server);
}
