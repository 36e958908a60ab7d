/* srv-admin-call.h — one call of the JSON APIs people use: reading, checking, answering
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "srv-admin-auth.h"

G_BEGIN_DECLS

/* The error codes of a call are its API's prefix ("IDM-ADM", "IDM-AUT")
 * followed by one of these suffixes. */
#define SRV_ADMIN_CODE_JSON      "JSON"      /* 400: not JSON, or no "request" object */
#define SRV_ADMIN_CODE_MISSING   "MISSING"   /* 400: a required member is absent */
#define SRV_ADMIN_CODE_TYPE      "TYPE"      /* 400: a member has the wrong JSON type */
#define SRV_ADMIN_CODE_INVALID   "INVALID"   /* 400: a value is out of range or badly formed */
#define SRV_ADMIN_CODE_TOO_LARGE "TOO-LARGE" /* 413: the body is over the route's limit */
#define SRV_ADMIN_CODE_NOT_FOUND "NOT-FOUND" /* 404: no object with that id */
#define SRV_ADMIN_CODE_EXISTS    "EXISTS"    /* 409: an object with that id exists */
#define SRV_ADMIN_CODE_CONFLICT  "CONFLICT"  /* 409: the change is not allowed in this state */
#define SRV_ADMIN_CODE_REFERENCE "REFERENCE" /* 400: a referenced object does not exist */
#define SRV_ADMIN_CODE_INTERNAL  "500"       /* 500: the server failed */

/* The default body limit of a call. */
#define SRV_ADMIN_MAX_BODY_BYTES (64 * 1024)

/**
 * SrvAdminCall:
 * @server: the server answering
 * @msg: the request
 * @api_id: the id of the API, for the envelope
 * @code_prefix: the prefix of the call's error codes, such as "IDM-ADM"
 * @action: (nullable): the audited action, such as "centre.create"; %NULL
 *   for calls that change nothing and are not audited
 * @actor: who calls: the user id once authorized, else "anonymous"
 * @origin: the client's address
 * @object: (nullable): the id of what the call acts on, for the audit
 * @parser: the parser holding the request
 * @request: (nullable): the envelope's "request" object once read
 *
 * The state of one call.  Every refusal answers with a stable code and,
 * for an audited call, records a failed audit event.
 */
typedef struct
{
  SrvServer         *server;
  SoupServerMessage *msg;
  const char        *api_id;
  const char        *code_prefix;
  const char        *action;
  char              *actor;
  char              *origin;
  char              *object;
  JsonParser        *parser;
  JsonObject        *request;
} SrvAdminCall;

void         srv_admin_call_init           (SrvAdminCall       *call,
                                            SrvServer          *server,
                                            SoupServerMessage  *msg,
                                            const char         *api_id,
                                            const char         *code_prefix,
                                            const char         *action);
void         srv_admin_call_clear          (SrvAdminCall       *call);
void         srv_admin_call_set_object     (SrvAdminCall       *call,
                                            const char         *object);
gboolean     srv_admin_call_authorize      (SrvAdminCall       *call,
                                            SrvRole             any_of);
gboolean     srv_admin_call_read           (SrvAdminCall       *call,
                                            gsize               max_bytes);
void         srv_admin_call_refuse         (SrvAdminCall       *call,
                                            guint               status,
                                            const char         *code_suffix,
                                            const char         *message);
void         srv_admin_call_fail           (SrvAdminCall       *call,
                                            const GError       *error);
gboolean     srv_admin_call_audit_success  (SrvAdminCall       *call,
                                            const char         *detail,
                                            GError            **error);
void         srv_admin_call_respond        (SrvAdminCall       *call,
                                            guint               status,
                                            JsonNode           *response);

gboolean     srv_admin_call_get_string     (SrvAdminCall       *call,
                                            JsonObject         *object,
                                            const char         *name,
                                            gboolean            required,
                                            gsize               max_length,
                                            const char        **value);
gboolean     srv_admin_is_id               (const char         *text);
gboolean     srv_admin_call_get_id         (SrvAdminCall       *call,
                                            JsonObject         *object,
                                            const char         *name,
                                            gboolean            required,
                                            const char        **value);
gboolean     srv_admin_call_get_int        (SrvAdminCall       *call,
                                            JsonObject         *object,
                                            const char         *name,
                                            gboolean            required,
                                            gint64              min,
                                            gint64              max,
                                            gint64             *value);
gboolean     srv_admin_call_get_double     (SrvAdminCall       *call,
                                            JsonObject         *object,
                                            const char         *name,
                                            gboolean            required,
                                            double              min,
                                            double              max,
                                            gboolean           *present,
                                            double             *value);
gboolean     srv_admin_call_get_boolean    (SrvAdminCall       *call,
                                            JsonObject         *object,
                                            const char         *name,
                                            gboolean            required,
                                            gboolean           *present,
                                            gboolean           *value);
gboolean     srv_admin_call_get_object     (SrvAdminCall       *call,
                                            JsonObject         *object,
                                            const char         *name,
                                            gboolean            required,
                                            JsonObject        **value);
gboolean     srv_admin_call_get_array      (SrvAdminCall       *call,
                                            JsonObject         *object,
                                            const char         *name,
                                            gboolean            required,
                                            guint               max_length,
                                            JsonArray         **value);
gboolean     srv_admin_call_get_enum       (SrvAdminCall       *call,
                                            JsonObject         *object,
                                            const char         *name,
                                            gboolean            required,
                                            const char * const *allowed,
                                            const char        **value);
gboolean     srv_admin_call_get_names      (SrvAdminCall       *call,
                                            JsonObject         *object,
                                            const char         *name,
                                            gboolean            required,
                                            char              **value);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SrvAdminCall, srv_admin_call_clear)

G_END_DECLS
