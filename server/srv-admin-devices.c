/* srv-admin-devices.c — the devices of a centre: fingerprint readers, cameras, …
 *
 *   GET  /v1/admin/devices
 *   GET  /v1/admin/devices/{id}
 *   POST /v1/admin/devices        {id, type, make, model, serial, centreId, machineId?, status?}
 *   PUT  /v1/admin/devices/{id}   {make?, model?, serial?, centreId?, machineId?, status?}
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A device belongs to a centre and may be attached to one of that
 * centre's machines; the pipeline checks that a packet's devices were the
 * centre's.  "machineId": null in an update detaches the device.
 */

#define G_LOG_DOMAIN "idem-server"

#include "config.h"

#include "srv-admin-private.h"

#include <glib/gi18n.h>

static const char * const device_types[] = { "FINGERPRINT", "CAMERA", "IRIS", "SCANNER", "PRINTER", NULL };

static const SrvAdminColumn columns[] = {
  { "id", SRV_ADMIN_COLUMN_TEXT },
  { "type", SRV_ADMIN_COLUMN_TEXT },
  { "make", SRV_ADMIN_COLUMN_TEXT },
  { "model", SRV_ADMIN_COLUMN_TEXT },
  { "serial", SRV_ADMIN_COLUMN_TEXT },
  { "centreId", SRV_ADMIN_COLUMN_TEXT },
  { "machineId", SRV_ADMIN_COLUMN_TEXT },
  { "status", SRV_ADMIN_COLUMN_TEXT },
  { "version", SRV_ADMIN_COLUMN_INT },
};

#define SELECT "SELECT id, type, make, model, serial, centre_id, machine_id, status, version FROM device"

static void
respond_device (SrvAdminCall *call,
                guint         status,
                const char   *id)
{
  srv_admin_respond_one (call, status, SELECT " WHERE id = ?1", id, NULL, columns, G_N_ELEMENTS (columns), NULL);
}

static void
list_cb (SoupServerMessage *msg,
         GHashTable        *params,
         gpointer           user_data)
{
  g_auto(SrvAdminCall) call = { 0 };

  srv_admin_call_init (&call, user_data, msg, SRV_API_ID_ADMIN, SRV_ADMIN_CODE_PREFIX, NULL);
  if (!srv_admin_call_authorize (&call, SRV_ROLE_ADMIN))
    return;

  srv_admin_respond_list (&call, SELECT " ORDER BY id", NULL, columns, G_N_ELEMENTS (columns), NULL);
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

  respond_device (&call, SOUP_STATUS_OK, g_hash_table_lookup (params, "id"));
}

/* The centre exists and is not decommissioned; the machine, when given,
 * is one of that centre's. */
static gboolean
check_references (SrvAdminCall  *call,
                  const char    *centre_id,
                  const char    *machine_id,
                  gboolean      *ok,
                  GError       **error)
{
  sqlite3 *db = srv_admin_db (call);
  g_autofree char *status = NULL;
  g_autofree char *machine_centre = NULL;
  g_autofree char *message = NULL;

  *ok = FALSE;
  if (!srv_admin_query_text (db, &status, error, "SELECT status FROM centre WHERE id = ?", "t", centre_id))
    return FALSE;
  if (status == NULL || g_str_equal (status, "DECOMMISSIONED"))
    message = g_strdup_printf (_("There is no centre “%s” that devices can belong to"), centre_id);

  if (message == NULL && machine_id != NULL)
    {
      if (!srv_admin_query_text (db, &machine_centre, error, "SELECT centre_id FROM machine WHERE id = ?", "t", machine_id))
        return FALSE;
      if (g_strcmp0 (machine_centre, centre_id) != 0)
        message = g_strdup_printf (_("There is no machine “%s” at the centre “%s”"), machine_id, centre_id);
    }

  if (message != NULL)
    {
      srv_admin_rollback (call);
      srv_admin_call_refuse (call, SOUP_STATUS_BAD_REQUEST, SRV_ADMIN_CODE_REFERENCE, message);
      return TRUE;
    }

  *ok = TRUE;
  return TRUE;
}

static void
create_cb (SoupServerMessage *msg,
           GHashTable        *params,
           gpointer           user_data)
{
  g_auto(SrvAdminCall) call = { 0 };
  g_autoptr(GError) error = NULL;
  const char *id;
  const char *type;
  const char *make;
  const char *model;
  const char *serial;
  const char *centre_id;
  const char *machine_id;
  const char *status;
  gboolean exists = FALSE;
  gboolean ok = FALSE;
  gint64 version = 0;
  sqlite3 *db;

  srv_admin_call_init (&call, user_data, msg, SRV_API_ID_ADMIN, SRV_ADMIN_CODE_PREFIX, "device.create");
  if (!srv_admin_call_authorize (&call, SRV_ROLE_ADMIN) ||
      !srv_admin_call_read (&call, SRV_ADMIN_MAX_BODY_BYTES) ||
      !srv_admin_call_get_id (&call, call.request, "id", TRUE, &id) ||
      !srv_admin_call_get_enum (&call, call.request, "type", TRUE, device_types, &type) ||
      !srv_admin_call_get_string (&call, call.request, "make", TRUE, 128, &make) ||
      !srv_admin_call_get_string (&call, call.request, "model", TRUE, 128, &model) ||
      !srv_admin_call_get_string (&call, call.request, "serial", TRUE, 128, &serial) ||
      !srv_admin_call_get_id (&call, call.request, "centreId", TRUE, &centre_id) ||
      !srv_admin_call_get_id (&call, call.request, "machineId", FALSE, &machine_id) ||
      !srv_admin_call_get_enum (&call, call.request, "status", FALSE, srv_admin_statuses, &status))
    return;

  srv_admin_call_set_object (&call, id);
  db = srv_admin_db (&call);
  if (!srv_admin_begin (&call, &error) ||
      !srv_admin_exists (db, &exists, &error, "SELECT 1 FROM device WHERE id = ?", "t", id))
    goto fail;
  if (exists)
    {
      g_autofree char *message = g_strdup_printf (_("The device “%s” exists already"), id);

      srv_admin_rollback (&call);
      srv_admin_call_refuse (&call, SOUP_STATUS_CONFLICT, SRV_ADMIN_CODE_EXISTS, message);
      return;
    }

  if (!check_references (&call, centre_id, machine_id, &ok, &error))
    goto fail;
  if (!ok)
    return;

  if (!srv_admin_next_version (&call, &version, &error) ||
      !srv_admin_exec (db, &error,
                       "INSERT INTO device (id, type, make, model, serial, centre_id, machine_id, status, version)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       "tttttttti", id, type, make, model, serial, centre_id, machine_id,
                       status != NULL ? status : "ACTIVE", version) ||
      !srv_admin_call_audit_success (&call, NULL, &error) ||
      !srv_admin_commit (&call, &error))
    goto fail;

  respond_device (&call, SOUP_STATUS_CREATED, id);
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
  g_autofree char *current_status = NULL;
  g_autofree char *current_centre = NULL;
  g_autofree char *current_machine = NULL;
  const char *id = g_hash_table_lookup (params, "id");
  const char *make;
  const char *model;
  const char *serial;
  const char *centre_id;
  const char *machine_id;
  const char *status;
  gboolean detach;
  gboolean ok = FALSE;
  gint64 version = 0;
  sqlite3 *db;

  srv_admin_call_init (&call, user_data, msg, SRV_API_ID_ADMIN, SRV_ADMIN_CODE_PREFIX, "device.update");
  srv_admin_call_set_object (&call, id);
  if (!srv_admin_call_authorize (&call, SRV_ROLE_ADMIN) ||
      !srv_admin_call_read (&call, SRV_ADMIN_MAX_BODY_BYTES) ||
      !srv_admin_call_get_string (&call, call.request, "make", FALSE, 128, &make) ||
      !srv_admin_call_get_string (&call, call.request, "model", FALSE, 128, &model) ||
      !srv_admin_call_get_string (&call, call.request, "serial", FALSE, 128, &serial) ||
      !srv_admin_call_get_id (&call, call.request, "centreId", FALSE, &centre_id) ||
      !srv_admin_call_get_id (&call, call.request, "machineId", FALSE, &machine_id) ||
      !srv_admin_call_get_enum (&call, call.request, "status", FALSE, srv_admin_statuses, &status))
    return;

  if (json_object_has_member (call.request, "type"))
    {
      srv_admin_call_refuse (&call, SOUP_STATUS_BAD_REQUEST, SRV_ADMIN_CODE_INVALID,
                             _("A device’s type cannot change: register the other device instead"));
      return;
    }

  detach = machine_id == NULL && json_object_has_member (call.request, "machineId");

  db = srv_admin_db (&call);
  if (!srv_admin_begin (&call, &error) ||
      !srv_admin_query_text (db, &current_status, &error, "SELECT status FROM device WHERE id = ?", "t", id) ||
      !srv_admin_query_text (db, &current_centre, &error, "SELECT centre_id FROM device WHERE id = ?", "t", id) ||
      !srv_admin_query_text (db, &current_machine, &error, "SELECT machine_id FROM device WHERE id = ?", "t", id))
    goto fail;

  if (current_status == NULL)
    {
      srv_admin_rollback (&call);
      srv_admin_refuse_not_found (&call, _("device"), id);
      return;
    }

  if (g_str_equal (current_status, "DECOMMISSIONED"))
    {
      srv_admin_rollback (&call);
      srv_admin_call_refuse (&call, SOUP_STATUS_CONFLICT, SRV_ADMIN_CODE_CONFLICT,
                             _("This device is decommissioned, which is final"));
      return;
    }

  /* Moving to another centre detaches from the old centre's machine. */
  if (centre_id != NULL && !g_str_equal (centre_id, current_centre) && machine_id == NULL)
    detach = TRUE;

  if (!check_references (&call, centre_id != NULL ? centre_id : current_centre,
                         machine_id != NULL ? machine_id : (detach ? NULL : current_machine), &ok, &error))
    goto fail;
  if (!ok)
    return;

  if (!srv_admin_next_version (&call, &version, &error) ||
      !srv_admin_exec (db, &error,
                       "UPDATE device SET make = coalesce(?2, make), model = coalesce(?3, model),"
                       " serial = coalesce(?4, serial), centre_id = coalesce(?5, centre_id),"
                       " machine_id = CASE WHEN ?7 THEN NULL ELSE coalesce(?6, machine_id) END,"
                       " status = coalesce(?8, status), version = ?9 WHERE id = ?1",
                       "ttttttiti", id, make, model, serial, centre_id, machine_id, (gint64) detach, status, version) ||
      !srv_admin_call_audit_success (&call, status, &error) ||
      !srv_admin_commit (&call, &error))
    goto fail;

  respond_device (&call, SOUP_STATUS_OK, id);
  return;

fail:
  srv_admin_rollback (&call);
  srv_admin_call_fail (&call, error);
}

void
srv_admin_devices_add_routes (SrvRouter *router,
                              SrvServer *server)
{
  srv_router_add (router, SOUP_METHOD_GET, "/v1/admin/devices", list_cb, server);
  srv_router_add (router, SOUP_METHOD_POST, "/v1/admin/devices", create_cb, server);
  srv_router_add (router, SOUP_METHOD_GET, "/v1/admin/devices/{id}", get_cb, server);
  srv_router_add (router, SOUP_METHOD_PUT, "/v1/admin/devices/{id}", update_cb, server);
}
