/* srv-http.c — routing requests and writing JSON envelopes
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Every response body, success or failure, is one JSON envelope in the shape
 * MOSIP's services use, so clients written for MOSIP read it unchanged:
 *
 *   {
 *     "id": "idem.health",                      the API that answered
 *     "version": "v1",
 *     "responsetime": "2026-01-31T12:00:00.000Z",  UTC, milliseconds
 *     "metadata": null,
 *     "response": { … } or null on failure,
 *     "errors": [ { "errorCode": "IDM-SRV-404", "message": "…" } ]  or []
 *   }
 *
 * The HTTP status says what happened (200, 404, 503, …); errorCode says why,
 * stably.  Routes are a table of method + path pattern → function: a module
 * adds its routes with srv_router_add() and never touches SoupServer.
 */

#define G_LOG_DOMAIN "idem-server"

#include "config.h"

#include "srv-http.h"

typedef struct
{
  char         *method;
  char         *pattern;
  char        **segments;
  SrvRouteFunc  func;
  gpointer      user_data;
} SrvRoute;

struct _SrvRouter
{
  GObject     parent_instance;

  GPtrArray  *routes;
  SoupServer *server;
  gulong      started_id;
  gulong      finished_id;
  gulong      aborted_id;
  gboolean    close_connections;
};

G_DEFINE_FINAL_TYPE (SrvRouter, srv_router, G_TYPE_OBJECT)

static GQuark start_time_quark;

static void
srv_route_free (SrvRoute *route)
{
  g_free (route->method);
  g_free (route->pattern);
  g_strfreev (route->segments);
  g_free (route);
}

static char **
split_path (const char *path)
{
  /* "/a/b" → { "a", "b" }; "/" → { "" } */
  return g_strsplit (path[0] == '/' ? path + 1 : path, "/", -1);
}

static gboolean
route_matches_path (SrvRoute    *route,
                    char       **segments,
                    GHashTable  *params)
{
  if (g_strv_length (route->segments) != g_strv_length (segments))
    return FALSE;

  for (guint i = 0; route->segments[i] != NULL; i++)
    {
      const char *pattern = route->segments[i];
      gsize length = strlen (pattern);
      g_autofree char *value = g_uri_unescape_string (segments[i], "/");

      /* Undecodable escapes, or an escaped "/", match no route. */
      if (value == NULL)
        return FALSE;

      if (length > 2 && pattern[0] == '{' && pattern[length - 1] == '}')
        {
          if (value[0] == '\0')
            return FALSE;
          if (params != NULL)
            g_hash_table_insert (params,
                                 g_strndup (pattern + 1, length - 2),
                                 g_steal_pointer (&value));
        }
      else if (!g_str_equal (pattern, value))
        {
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
method_matches (const char *route_method,
                const char *method)
{
  /* HEAD is GET without a body; libsoup drops the body itself. */
  return g_str_equal (route_method, method) ||
         (g_str_equal (method, SOUP_METHOD_HEAD) && g_str_equal (route_method, SOUP_METHOD_GET));
}

static void
handle_request_cb (SoupServer        *server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  SrvRouter *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  g_auto(GStrv) segments = split_path (path);
  g_autoptr(GString) allowed = NULL;

  for (guint i = 0; i < self->routes->len; i++)
    {
      SrvRoute *route = g_ptr_array_index (self->routes, i);
      g_autoptr(GHashTable) params = NULL;

      params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      if (!route_matches_path (route, segments, params))
        continue;

      if (method_matches (route->method, method))
        {
          route->func (msg, params, route->user_data);
          return;
        }

      if (allowed == NULL)
        allowed = g_string_new (NULL);
      else
        g_string_append (allowed, ", ");
      g_string_append (allowed, route->method);
      if (g_str_equal (route->method, SOUP_METHOD_GET))
        g_string_append (allowed, ", HEAD");
    }

  if (allowed != NULL)
    {
      g_autofree char *message = g_strdup_printf ("Method %s is not allowed on %s; allowed: %s",
                                                  method, path, allowed->str);

      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Allow", allowed->str);
      srv_http_respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, SRV_API_ID_SERVER,
                              SRV_ERROR_CODE_METHOD_NOT_ALLOWED, message);
    }
  else
    {
      g_autofree char *message = g_strdup_printf ("No resource at %s", path);

      srv_http_respond_error (msg, SOUP_STATUS_NOT_FOUND, SRV_API_ID_SERVER,
                              SRV_ERROR_CODE_NOT_FOUND, message);
    }
}

/* libsoup before 3.3 never frees a kept-alive connection that the client
 * closes while it is idle: the connection and its TLS session stay in the
 * server's list until the server is disconnected (upstream commit
 * "server: do not leak idle connections closed by the client").  Measured
 * here: about 25 KB for every HTTPS connection, without bound.  Asking for
 * the connection to be closed after each response makes libsoup free it;
 * the price is one TLS handshake per request. */
static gboolean
needs_connection_close (void)
{
  return soup_get_major_version () == 3 && soup_get_minor_version () < 3;
}

static void
request_started_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  SrvRouter *self = user_data;
  gint64 *start = g_new (gint64, 1);

  *start = g_get_monotonic_time ();
  g_object_set_qdata_full (G_OBJECT (msg), start_time_quark, start, g_free);

  if (self->close_connections)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "Connection", "close");
}

/* One structured log line per request.  The fields go to the journal as they
 * are, so `journalctl HTTP_STATUS=503` finds failing requests. */
static void
log_request (SoupServerMessage *msg,
             gboolean           aborted)
{
  const gint64 *start = g_object_get_qdata (G_OBJECT (msg), start_time_quark);
  gint64 duration_us = start != NULL ? g_get_monotonic_time () - *start : 0;
  GUri *uri = soup_server_message_get_uri (msg);
  const char *path = uri != NULL ? g_uri_get_path (uri) : "";
  const char *method = soup_server_message_get_method (msg);
  const char *remote = soup_server_message_get_remote_host (msg);
  guint status = soup_server_message_get_status (msg);
  char status_str[16];
  char duration_str[32];

  g_snprintf (status_str, sizeof status_str, "%u", status);
  g_snprintf (duration_str, sizeof duration_str, "%" G_GINT64_FORMAT, duration_us);

  g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_INFO,
                    "HTTP_METHOD", method != NULL ? method : "",
                    "HTTP_PATH", path,
                    "HTTP_STATUS", status_str,
                    "HTTP_DURATION_US", duration_str,
                    "HTTP_REMOTE", remote != NULL ? remote : "",
                    "MESSAGE", "%s %s %s %.1f ms%s",
                    method != NULL ? method : "-", path, status_str,
                    duration_us / 1000.0, aborted ? " (aborted)" : "");
}

static void
request_finished_cb (SoupServer        *server,
                     SoupServerMessage *msg,
                     gpointer           user_data)
{
  log_request (msg, FALSE);
}

static void
request_aborted_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  log_request (msg, TRUE);
}

static void
srv_router_dispose (GObject *object)
{
  SrvRouter *self = (SrvRouter *)object;

  srv_router_detach (self);

  G_OBJECT_CLASS (srv_router_parent_class)->dispose (object);
}

static void
srv_router_finalize (GObject *object)
{
  SrvRouter *self = (SrvRouter *)object;

  g_clear_pointer (&self->routes, g_ptr_array_unref);

  G_OBJECT_CLASS (srv_router_parent_class)->finalize (object);
}

static void
srv_router_class_init (SrvRouterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = srv_router_dispose;
  object_class->finalize = srv_router_finalize;

  start_time_quark = g_quark_from_static_string ("srv-request-start-time");
}

static void
srv_router_init (SrvRouter *self)
{
  self->routes = g_ptr_array_new_with_free_func ((GDestroyNotify) srv_route_free);
  self->close_connections = needs_connection_close ();
}

SrvRouter *
srv_router_new (void)
{
  return g_object_new (SRV_TYPE_ROUTER, NULL);
}

/**
 * srv_router_add:
 * @self: a router
 * @method: an HTTP method, such as %SOUP_METHOD_GET
 * @pattern: an absolute path; a segment written `{name}` matches any one
 *   non-empty segment and is passed to @func under `name`
 * @func: the handler
 * @user_data: data for @func, not owned: it must outlive the router
 *
 * Adds a route.  Routes are tried in the order they were added.  A path that
 * matches a route under another method is answered 405 with an Allow header;
 * a path that matches none, 404.
 */
void
srv_router_add (SrvRouter    *self,
                const char   *method,
                const char   *pattern,
                SrvRouteFunc  func,
                gpointer      user_data)
{
  SrvRoute *route;

  g_return_if_fail (SRV_IS_ROUTER (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (pattern != NULL && pattern[0] == '/');
  g_return_if_fail (func != NULL);

  route = g_new0 (SrvRoute, 1);
  route->method = g_strdup (method);
  route->pattern = g_strdup (pattern);
  route->segments = split_path (pattern);
  route->func = func;
  route->user_data = user_data;

  g_ptr_array_add (self->routes, route);
}

/**
 * srv_router_attach:
 * @self: a router
 * @server: the server whose every request the router answers and logs
 */
void
srv_router_attach (SrvRouter  *self,
                   SoupServer *server)
{
  g_return_if_fail (SRV_IS_ROUTER (self));
  g_return_if_fail (SOUP_IS_SERVER (server));
  g_return_if_fail (self->server == NULL);

  self->server = g_object_ref (server);
  soup_server_add_handler (server, NULL, handle_request_cb, self, NULL);
  self->started_id = g_signal_connect (server, "request-started",
                                       G_CALLBACK (request_started_cb), self);
  self->finished_id = g_signal_connect (server, "request-finished",
                                        G_CALLBACK (request_finished_cb), self);
  self->aborted_id = g_signal_connect (server, "request-aborted",
                                       G_CALLBACK (request_aborted_cb), self);
}

void
srv_router_detach (SrvRouter *self)
{
  g_return_if_fail (SRV_IS_ROUTER (self));

  if (self->server == NULL)
    return;

  soup_server_remove_handler (self->server, NULL);
  g_clear_signal_handler (&self->started_id, self->server);
  g_clear_signal_handler (&self->finished_id, self->server);
  g_clear_signal_handler (&self->aborted_id, self->server);
  g_clear_object (&self->server);
}

/**
 * srv_http_error_new:
 * @code: a stable error code, such as %SRV_ERROR_CODE_NOT_FOUND
 * @message: an English explanation for people reading logs
 *
 * Returns: (transfer full): one entry of an envelope's "errors" array
 */
JsonNode *
srv_http_error_new (const char *code,
                    const char *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (code != NULL, NULL);
  g_return_val_if_fail (message != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "errorCode");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static char *
format_response_time (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *seconds = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", seconds, g_date_time_get_microsecond (now) / 1000);
}

/**
 * srv_http_respond:
 * @msg: the request to answer
 * @status: the HTTP status
 * @api_id: the id of the API answering, such as "idem.health"
 * @response: (transfer full) (nullable): the envelope's "response"
 * @errors: (transfer full) (nullable): a JSON array for "errors"; %NULL
 *   for none
 *
 * Sets @msg's status and its JSON envelope body.
 */
void
srv_http_respond (SoupServerMessage *msg,
                  guint              status,
                  const char        *api_id,
                  JsonNode          *response,
                  JsonNode          *errors)
{
  g_autoptr(JsonNode) response_node = response;
  g_autoptr(JsonNode) errors_node = errors;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *time = format_response_time ();
  SoupMessageHeaders *headers;
  char *body;
  gsize length = 0;

  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));
  g_return_if_fail (api_id != NULL);
  g_return_if_fail (errors == NULL || JSON_NODE_HOLDS_ARRAY (errors));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, api_id);
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, SRV_API_VERSION);
  json_builder_set_member_name (builder, "responsetime");
  json_builder_add_string_value (builder, time);
  json_builder_set_member_name (builder, "metadata");
  json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "response");
  if (response_node != NULL)
    json_builder_add_value (builder, g_steal_pointer (&response_node));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "errors");
  if (errors_node != NULL)
    {
      json_builder_add_value (builder, g_steal_pointer (&errors_node));
    }
  else
    {
      json_builder_begin_array (builder);
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  body = json_generator_to_data (generator, &length);

  headers = soup_server_message_get_response_headers (msg);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, body, length);
}

/**
 * srv_http_respond_error:
 * @msg: the request to answer
 * @status: the HTTP status
 * @api_id: the id of the API answering
 * @code: a stable error code
 * @message: an English explanation
 *
 * Answers with an envelope holding no response and one error.
 */
void
srv_http_respond_error (SoupServerMessage *msg,
                        guint              status,
                        const char        *api_id,
                        const char        *code,
                        const char        *message)
{
  JsonArray *errors = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  json_array_add_element (errors, srv_http_error_new (code, message));
  json_node_take_array (node, errors);

  srv_http_respond (msg, status, api_id, NULL, node);
}
