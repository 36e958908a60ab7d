/* srv-http.h — routing requests and writing JSON envelopes
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* The version in every envelope; bumped only on incompatible changes. */
#define SRV_API_VERSION "v1"

/* The API id of responses the router writes itself (404, 405). */
#define SRV_API_ID_SERVER "idem.server"

/* Stable error codes: clients act on these, and translate them for users;
 * the English "message" next to each is for people reading logs. */
#define SRV_ERROR_CODE_NOT_FOUND          "IDM-SRV-404"
#define SRV_ERROR_CODE_METHOD_NOT_ALLOWED "IDM-SRV-405"
#define SRV_ERROR_CODE_INTERNAL           "IDM-SRV-500"
#define SRV_ERROR_CODE_UNAVAILABLE        "IDM-SRV-503"

/**
 * SrvRouteFunc:
 * @msg: the request; the function sets its response
 * @params: the `{name}` segments of the route's pattern, by name, unescaped
 * @user_data: the data given to srv_router_add()
 *
 * Handles one request.  Slow work pauses @msg, runs in a #GTask thread and
 * unpauses it when the response is set.
 */
typedef void (*SrvRouteFunc) (SoupServerMessage *msg,
                              GHashTable        *params,
                              gpointer           user_data);

#define SRV_TYPE_ROUTER (srv_router_get_type ())

G_DECLARE_FINAL_TYPE (SrvRouter, srv_router, SRV, ROUTER, GObject)

SrvRouter *srv_router_new             (void);
void       srv_router_add             (SrvRouter         *self,
                                       const char        *method,
                                       const char        *pattern,
                                       SrvRouteFunc       func,
                                       gpointer           user_data);
void       srv_router_attach          (SrvRouter         *self,
                                       SoupServer        *server);
void       srv_router_detach          (SrvRouter         *self);

JsonNode  *srv_http_error_new         (const char        *code,
                                       const char        *message);
void       srv_http_respond           (SoupServerMessage *msg,
                                       guint              status,
                                       const char        *api_id,
                                       JsonNode          *response,
                                       JsonNode          *errors);
void       srv_http_respond_error     (SoupServerMessage *msg,
                                       guint              status,
                                       const char        *api_id,
                                       const char        *code,
                                       const char        *message);

G_END_DECLS
