/* srv-adjudication.c — the administrators' hold on the pipeline: pause,
 * resume, reprocess, reject, and the queue of suspected duplicates
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 *   POST /v1/packets/{rid}/pause | resume | reprocess     role ADMIN
 *   POST /v1/packets/{rid}/reject  {"request": {"reasonCode": …}}  ADMIN
 *   GET  /v1/adjudication                                  ADMIN, ADJUDICATOR
 *   POST /v1/adjudication/{rid}/decision
 *        {"request": {"decision": "DUPLICATE" | "NOT_DUPLICATE"}}
 *
 * Every call that changes something is audited, refused or not.
 */

#define G_LOG_DOMAIN "idem-pipeline"

#include "config.h"

#include "srv-adjudication.h"
#include "srv-admin-auth.h"
#include "srv-audit.h"
#include "srv-pipeline.h"
#include "srv-server.h"

#include <glib/gi18n.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

typedef enum
{
  ACTION_PAUSE,
  ACTION_RESUME,
  ACTION_REPROCESS,
  ACTION_REJECT,
  ACTION_DECIDE,
} Action;

static const char * const action_names[] = {
  "packet.pause", "packet.resume", "packet.reprocess", "packet.reject", "adjudication.decide",
};

typedef struct
{
  SrvServer *server;
  Action     action;
} Route;

static void
audit (SrvServer         *server,
       SoupServerMessage *msg,
       const char        *actor,
       Action             action,
       const char        *rid,
       gboolean           success,
       const char        *detail)
{
  g_autoptr(GError) error = NULL;

  if (!srv_audit_record (srv_server_get_database (server), actor, action_names[action], rid, success,
                         soup_server_message_get_remote_host (msg), detail, &error))
    g_message ("Could not record an audit event: %s", error->message);
}

/* The "request" object of an optional JSON body; on failure the response
 * is set and FALSE returned. */
static gboolean
read_request (SoupServerMessage  *msg,
              JsonParser         *parser,
              gboolean            required,
              JsonObject        **request)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  gsize length = 0;
  const char *data = g_bytes_get_data (bytes, &length);
  JsonNode *root;
  JsonNode *node;

  *request = NULL;
  if (length > SRV_ADJUDICATION_MAX_BODY_BYTES)
    {
      srv_http_respond_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, SRV_API_ID_PIPELINE,
                              SRV_ERROR_CODE_PIPELINE_TOO_LARGE, "The body is too large");
      return FALSE;
    }
  if (length == 0 && !required)
    return TRUE;
  if (!json_parser_load_from_data (parser, data != NULL ? data : "", length, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      (node = json_object_get_member (json_node_get_object (root), "request")) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (node))
    {
      srv_http_respond_error (msg, SOUP_STATUS_BAD_REQUEST, SRV_API_ID_PIPELINE, SRV_ERROR_CODE_PIPELINE_JSON,
                              "The body must be a JSON envelope with a “request” object");
      return FALSE;
    }
  *request = json_node_get_object (node);
  return TRUE;
}

static void
respond_error (SoupServerMessage *msg,
               GError            *error)
{
  if (g_error_matches (error, SRV_PIPELINE_ERROR, SRV_PIPELINE_ERROR_NOT_FOUND))
    srv_http_respond_error (msg, SOUP_STATUS_NOT_FOUND, SRV_API_ID_PIPELINE, SRV_ERROR_CODE_PIPELINE_NOT_FOUND,
                            error->message);
  else if (g_error_matches (error, SRV_PIPELINE_ERROR, SRV_PIPELINE_ERROR_WRONG_STATE))
    srv_http_respond_error (msg, SOUP_STATUS_CONFLICT, SRV_API_ID_PIPELINE, SRV_ERROR_CODE_PIPELINE_STATE,
                            error->message);
  else if (g_error_matches (error, SRV_PIPELINE_ERROR, SRV_PIPELINE_ERROR_INVALID_ARGUMENT))
    srv_http_respond_error (msg, SOUP_STATUS_BAD_REQUEST, SRV_API_ID_PIPELINE, SRV_ERROR_CODE_PIPELINE_INVALID,
                            error->message);
  else
    srv_http_respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, SRV_API_ID_PIPELINE,
                            SRV_ERROR_CODE_PIPELINE_INTERNAL, error->message);
}

static const char *
get_optional_string (SoupServerMessage *msg,
                     JsonObject        *request,
                     const char        *name,
                     gboolean          *ok)
{
  JsonNode *node = request != NULL ? json_object_get_member (request, name) : NULL;

  *ok = TRUE;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_autofree char *message = g_strdup_printf ("“%s” must be a string", name);

      srv_http_respond_error (msg, SOUP_STATUS_BAD_REQUEST, SRV_API_ID_PIPELINE, SRV_ERROR_CODE_PIPELINE_INVALID,
                              message);
      *ok = FALSE;
      return NULL;
    }
  return json_node_get_string (node);
}

static void
packet_action_cb (SoupServerMessage *msg,
                  GHashTable        *params,
                  gpointer           user_data)
{
  Route *route = user_data;
  SrvServer *server = route->server;
  SrvPipeline *pipeline = srv_server_get_pipeline (server);
  const char *rid = g_hash_table_lookup (params, "rid");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *user_id = NULL;
  g_autoptr(JsonObject) response = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  JsonObject *request = NULL;
  const char *text = NULL;
  gboolean ok = FALSE;
  SrvRole roles = route->action == ACTION_DECIDE ? SRV_ROLE_ADMIN | SRV_ROLE_ADJUDICATOR : SRV_ROLE_ADMIN;

  if (!srv_admin_auth_require (server, msg, SRV_API_ID_PIPELINE, roles, &user_id))
    return;

  if (!read_request (msg, parser, route->action == ACTION_DECIDE, &request))
    {
      audit (server, msg, user_id, route->action, rid, FALSE, "malformed request");
      return;
    }

  switch (route->action)
    {
    case ACTION_PAUSE:
      ok = srv_pipeline_pause (pipeline, rid, &error);
      break;

    case ACTION_RESUME:
      ok = srv_pipeline_resume (pipeline, rid, &error);
      break;

    case ACTION_REPROCESS:
      ok = srv_pipeline_reprocess (pipeline, rid, &error);
      break;

    case ACTION_REJECT:
      text = get_optional_string (msg, request, "reasonCode", &ok);
      if (!ok)
        {
          audit (server, msg, user_id, route->action, rid, FALSE, "malformed request");
          return;
        }
      ok = srv_pipeline_reject (pipeline, rid, text, user_id, &error);
      break;

    case ACTION_DECIDE:
    default:
      text = get_optional_string (msg, request, "decision", &ok);
      if (!ok)
        {
          audit (server, msg, user_id, route->action, rid, FALSE, "malformed request");
          return;
        }
      if (g_strcmp0 (text, "DUPLICATE") != 0 && g_strcmp0 (text, "NOT_DUPLICATE") != 0)
        {
          srv_http_respond_error (msg, SOUP_STATUS_BAD_REQUEST, SRV_API_ID_PIPELINE, SRV_ERROR_CODE_PIPELINE_INVALID,
                                  "“decision” is DUPLICATE or NOT_DUPLICATE");
          audit (server, msg, user_id, route->action, rid, FALSE, "bad decision");
          return;
        }
      ok = srv_pipeline_decide (pipeline, rid, g_str_equal (text, "DUPLICATE"), user_id, &error);
      break;
    }

  audit (server, msg, user_id, route->action, rid, ok, ok ? text : error->message);
  if (!ok)
    {
      respond_error (msg, error);
      return;
    }

  json_object_set_string_member (response, "registrationId", rid);
  json_object_set_string_member (response, "status", "DONE");
  node = json_node_init_object (json_node_alloc (), response);
  srv_http_respond (msg, SOUP_STATUS_OK, SRV_API_ID_PIPELINE, g_steal_pointer (&node), NULL);
}

static void
queue_cb (SoupServerMessage *msg,
          GHashTable        *params,
          gpointer           user_data)
{
  Route *route = user_data;
  SrvServer *server = route->server;
  g_autoptr(sqlite3_stmt) statement = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) response = NULL;
  g_autofree char *user_id = NULL;
  sqlite3 *db = srv_database_get_handle (srv_server_get_database (server));

  if (!srv_admin_auth_require (server, msg, SRV_API_ID_PIPELINE, SRV_ROLE_ADMIN | SRV_ROLE_ADJUDICATOR, &user_id))
    return;

  if (sqlite3_prepare_v2 (db,
                          "SELECT a.rid, a.candidates, a.created, p.centre_id FROM adjudication a"
                          " JOIN packet p ON p.rid = a.rid WHERE a.status = 'PENDING' ORDER BY a.created, a.rid",
                          -1, &statement, NULL) != SQLITE_OK)
    {
      srv_http_respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, SRV_API_ID_PIPELINE,
                              SRV_ERROR_CODE_PIPELINE_INTERNAL, sqlite3_errmsg (db));
      return;
    }

  json_builder_begin_array (builder);
  while (sqlite3_step (statement) == SQLITE_ROW)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GDateTime) created = g_date_time_new_from_unix_utc (sqlite3_column_int64 (statement, 2));
      g_autofree char *iso = g_date_time_format_iso8601 (created);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "registrationId");
      json_builder_add_string_value (builder, (const char *) sqlite3_column_text (statement, 0));
      json_builder_set_member_name (builder, "centreId");
      json_builder_add_string_value (builder, (const char *) sqlite3_column_text (statement, 3));
      json_builder_set_member_name (builder, "created");
      json_builder_add_string_value (builder, iso);
      json_builder_set_member_name (builder, "candidates");
      if (json_parser_load_from_data (parser, (const char *) sqlite3_column_text (statement, 1), -1, NULL))
        json_builder_add_value (builder, json_node_copy (json_parser_get_root (parser)));
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  response = json_builder_get_root (builder);
  srv_http_respond (msg, SOUP_STATUS_OK, SRV_API_ID_PIPELINE, g_steal_pointer (&response), NULL);
}

/**
 * srv_adjudication_add_routes:
 * @router: the server's router
 * @server: the server, which outlives the routes
 */
void
srv_adjudication_add_routes (SrvRouter *router,
                             SrvServer *server)
{
  Route *routes;

  g_return_if_fail (SRV_IS_ROUTER (router));
  g_return_if_fail (SRV_IS_SERVER (server));

  /* The router owns the routes' data, so it lives as long as they do. */
  routes = g_new0 (Route, ACTION_DECIDE + 1);
  g_object_set_data_full (G_OBJECT (router), "srv-adjudication-routes", routes, g_free);
  for (guint i = 0; i <= ACTION_DECIDE; i++)
    {
      routes[i].server = server;
      routes[i].action = i;
    }

  srv_router_add (router, SOUP_METHOD_POST, "/v1/packets/{rid}/pause", packet_action_cb, &routes[ACTION_PAUSE]);
  srv_router_add (router, SOUP_METHOD_POST, "/v1/packets/{rid}/resume", packet_action_cb, &routes[ACTION_RESUME]);
  srv_router_add (router, SOUP_METHOD_POST, "/v1/packets/{rid}/reprocess", packet_action_cb,
                  &routes[ACTION_REPROCESS]);
  srv_router_add (router, SOUP_METHOD_POST, "/v1/packets/{rid}/reject", packet_action_cb, &routes[ACTION_REJECT]);
  srv_router_add (router, SOUP_METHOD_GET, "/v1/adjudication", queue_cb, &routes[ACTION_PAUSE]);
  srv_router_add (router, SOUP_METHOD_POST, "/v1/adjudication/{rid}/decision", packet_action_cb,
                  &routes[ACTION_DECIDE]);
}
