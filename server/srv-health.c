/* srv-health.c — GET /health: is each part of the server able to work?
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The answer (inside the usual envelope's "response"):
 *
 *   { "status": "UP", "version": "0.1.0", "uptime_s": 42,
 *     "components": {
 *       "database": { "status": "UP", "schema_version": 2 },
 *       "keys":     { "status": "UP", "signing": {…}, "encryption": {…} },
 *       "disk":     { "status": "UP", "free_bytes": …, "min_free_bytes": … } } }
 *
 * HTTP 200 when every component is UP, 503 when one is DOWN, so a load
 * balancer or a supervisor reads the status code alone.  Each check is real
 * and cheap: a query on the database, the keys held in memory, the free
 * space of the data directory's file system.
 */

#define G_LOG_DOMAIN "idem-server"

#include "config.h"

#include "srv-health.h"

#include "idem.h"

typedef struct
{
  JsonBuilder *builder;
  GPtrArray   *down;
} HealthReport;

static void
component_begin (HealthReport *report,
                 const char   *name,
                 gboolean      up)
{
  json_builder_set_member_name (report->builder, name);
  json_builder_begin_object (report->builder);
  json_builder_set_member_name (report->builder, "status");
  json_builder_add_string_value (report->builder, up ? "UP" : "DOWN");

  if (!up)
    g_ptr_array_add (report->down, (gpointer) name);
}

static void
add_error_member (HealthReport *report,
                  const GError *error)
{
  json_builder_set_member_name (report->builder, "error");
  json_builder_add_string_value (report->builder, error->message);
}

static void
check_database (HealthReport *report,
                SrvServer    *server)
{
  SrvDatabase *database = srv_server_get_database (server);
  g_autoptr(GError) error = NULL;
  guint version = 0;
  guint expected = 0;
  gboolean up;

  srv_migrations_get (&expected);

  if (database == NULL)
    g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_CLOSED, "The database is not open");
  else if (srv_database_get_schema_version (database, &version, &error) && version != expected)
    g_set_error (&error, G_IO_ERROR, G_IO_ERROR_FAILED,
                 "Schema version %u, expected %u", version, expected);

  up = error == NULL;
  component_begin (report, "database", up);
  json_builder_set_member_name (report->builder, "schema_version");
  json_builder_add_int_value (report->builder, version);
  if (!up)
    add_error_member (report, error);
  json_builder_end_object (report->builder);
}

static void
add_key (JsonBuilder *builder,
         const char  *member,
         const char  *type,
         EVP_PKEY    *key,
         const char  *fingerprint)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "loaded");
  json_builder_add_boolean_value (builder, key != NULL);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type);
  /* The public key's fingerprint only: public, and lets an operator check
   * which key a running server holds. */
  json_builder_set_member_name (builder, "fingerprint");
  if (fingerprint != NULL)
    json_builder_add_string_value (builder, fingerprint);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
}

static void
check_keys (HealthReport *report,
            SrvServer    *server)
{
  SrvKeys *keys = srv_server_get_keys (server);
  gboolean up = keys != NULL && keys->signing != NULL && keys->encryption != NULL;

  component_begin (report, "keys", up);
  add_key (report->builder, "signing", idem_key_type_to_string (IDEM_KEY_TYPE_ED25519),
           keys != NULL ? keys->signing : NULL,
           keys != NULL ? keys->signing_fingerprint : NULL);
  add_key (report->builder, "encryption", idem_key_type_to_string (IDEM_KEY_TYPE_RSA_3072),
           keys != NULL ? keys->encryption : NULL,
           keys != NULL ? keys->encryption_fingerprint : NULL);
  json_builder_end_object (report->builder);
}

static void
check_disk (HealthReport *report,
            SrvServer    *server)
{
  SrvConfig *config = srv_server_get_config (server);
  g_autoptr(GFile) data_dir = g_file_new_for_path (config->data_dir);
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  guint64 free_bytes = 0;
  gboolean up;

  info = g_file_query_filesystem_info (data_dir, G_FILE_ATTRIBUTE_FILESYSTEM_FREE, NULL, &error);
  if (info != NULL)
    {
      free_bytes = g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_FILESYSTEM_FREE);
      if (free_bytes < config->disk_min_free)
        g_set_error (&error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                     "%" G_GUINT64_FORMAT " bytes free, below the minimum of %" G_GUINT64_FORMAT,
                     free_bytes, config->disk_min_free);
    }

  up = error == NULL;
  component_begin (report, "disk", up);
  json_builder_set_member_name (report->builder, "free_bytes");
  json_builder_add_int_value (report->builder, (gint64) MIN (free_bytes, (guint64) G_MAXINT64));
  json_builder_set_member_name (report->builder, "min_free_bytes");
  json_builder_add_int_value (report->builder, (gint64) MIN (config->disk_min_free, (guint64) G_MAXINT64));
  if (!up)
    add_error_member (report, error);
  json_builder_end_object (report->builder);
}

static void
health_cb (SoupServerMessage *msg,
           GHashTable        *params,
           gpointer           user_data)
{
  SrvServer *server = user_data;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) down = g_ptr_array_new ();
  HealthReport report = { builder, down };
  gint64 uptime_s = (g_get_monotonic_time () - srv_server_get_start_time (server)) / G_USEC_PER_SEC;
  JsonNode *errors = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "components");
  json_builder_begin_object (builder);
  check_database (&report, server);
  check_keys (&report, server);
  check_disk (&report, server);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, down->len == 0 ? "UP" : "DOWN");
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, IDEM_VERSION_STRING);
  json_builder_set_member_name (builder, "uptime_s");
  json_builder_add_int_value (builder, uptime_s);
  json_builder_end_object (builder);

  if (down->len > 0)
    {
      g_autoptr(GString) message = g_string_new ("Components down:");
      JsonArray *array = json_array_new ();

      for (guint i = 0; i < down->len; i++)
        g_string_append_printf (message, " %s", (const char *) g_ptr_array_index (down, i));

      json_array_add_element (array, srv_http_error_new (SRV_ERROR_CODE_UNAVAILABLE, message->str));
      errors = json_node_new (JSON_NODE_ARRAY);
      json_node_take_array (errors, array);
    }

  srv_http_respond (msg,
                    down->len == 0 ? SOUP_STATUS_OK : SOUP_STATUS_SERVICE_UNAVAILABLE,
                    SRV_API_ID_HEALTH,
                    json_builder_get_root (builder),
                    errors);
}

/**
 * srv_health_add_routes:
 * @router: the server's router
 * @server: the server to report on; outlives the router
 *
 * Adds `GET /health`.
 */
void
srv_health_add_routes (SrvRouter *router,
                       SrvServer *server)
{
  g_return_if_fail (SRV_IS_ROUTER (router));
  g_return_if_fail (SRV_IS_SERVER (server));

  srv_router_add (router, SOUP_METHOD_GET, "/health", health_cb, server);
}
