/* srv-admin-call.c — one call of the JSON APIs people use: reading, checking, answering
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Requests come in MOSIP's envelope, {"id": …, "version": …,
 * "requesttime": …, "request": { … }}; only "request" is read.  Each
 * getter checks one member (present, of the right JSON type, within its
 * bounds) and on failure answers 400 with a code naming the kind of
 * mistake and a message naming the member, so a client can point at the
 * field.  Nothing has been written when a getter refuses: handlers read
 * and check everything before they open a transaction.
 */

#define G_LOG_DOMAIN "idem-server"

#include "config.h"

#include "srv-admin-call.h"
#include "srv-audit.h"
#include "srv-server.h"

#include <glib/gi18n.h>
#include <string.h>

#define MAX_ID_LENGTH   64
#define MAX_NAME_LENGTH 256
#define MAX_LANGUAGES   16

/**
 * srv_admin_call_init:
 * @call: the call to fill
 * @server: the server answering
 * @msg: the request
 * @api_id: the API's id, for the envelope
 * @code_prefix: the prefix of the API's error codes
 * @action: (nullable): the audited action, %NULL for a read
 */
void
srv_admin_call_init (SrvAdminCall      *call,
                     SrvServer         *server,
                     SoupServerMessage *msg,
                     const char        *api_id,
                     const char        *code_prefix,
                     const char        *action)
{
  const char *remote;

  g_return_if_fail (call != NULL);
  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));

  memset (call, 0, sizeof *call);
  call->server = server;
  call->msg = msg;
  call->api_id = api_id;
  call->code_prefix = code_prefix;
  call->action = action;
  call->actor = g_strdup ("anonymous");
  remote = soup_server_message_get_remote_host (msg);
  call->origin = g_strdup (remote != NULL ? remote : "");
}

void
srv_admin_call_clear (SrvAdminCall *call)
{
  g_clear_pointer (&call->actor, g_free);
  g_clear_pointer (&call->origin, g_free);
  g_clear_pointer (&call->object, g_free);
  g_clear_object (&call->parser);
  call->request = NULL;
}

void
srv_admin_call_set_object (SrvAdminCall *call,
                           const char   *object)
{
  g_return_if_fail (call != NULL);

  g_free (call->object);
  call->object = g_strdup (object);
}

static void
audit (SrvAdminCall *call,
       gboolean      success,
       const char   *detail)
{
  g_autoptr(GError) error = NULL;
  SrvDatabase *database;

  if (call->action == NULL || call->server == NULL)
    return;

  database = srv_server_get_database (call->server);
  if (database == NULL ||
      !srv_audit_record (database, call->actor, call->action, call->object,
                         success, call->origin, detail, &error))
    g_message ("Could not audit %s by %s: %s", call->action, call->actor,
               error != NULL ? error->message : "no database");
}

/**
 * srv_admin_call_refuse:
 * @call: a call
 * @status: the HTTP status, 4xx
 * @code_suffix: one of the SRV_ADMIN_CODE_* suffixes
 * @message: what is wrong, for people
 *
 * Answers with one error and audits the refusal.
 */
void
srv_admin_call_refuse (SrvAdminCall *call,
                       guint         status,
                       const char   *code_suffix,
                       const char   *message)
{
  g_autofree char *code = NULL;

  g_return_if_fail (call != NULL);

  code = g_strdup_printf ("%s-%s", call->code_prefix, code_suffix);
  srv_http_respond_error (call->msg, status, call->api_id, code, message);
  audit (call, FALSE, code);
}

/**
 * srv_admin_call_fail:
 * @call: a call
 * @error: what failed inside the server
 *
 * Answers 500 and audits the failure.
 */
void
srv_admin_call_fail (SrvAdminCall *call,
                     const GError *error)
{
  g_return_if_fail (call != NULL);
  g_return_if_fail (error != NULL);

  g_message ("%s failed: %s", call->action != NULL ? call->action : call->api_id, error->message);
  srv_admin_call_refuse (call, SOUP_STATUS_INTERNAL_SERVER_ERROR, SRV_ADMIN_CODE_INTERNAL, error->message);
}

/**
 * srv_admin_call_audit_success:
 * @call: an audited call
 * @detail: (nullable): what changed, briefly
 * @error: return location for a database error
 *
 * Records the success, in the caller's transaction, so the change and its
 * audit event commit or roll back together.
 *
 * Returns: whether the event was written
 */
gboolean
srv_admin_call_audit_success (SrvAdminCall  *call,
                              const char    *detail,
                              GError       **error)
{
  g_return_val_if_fail (call != NULL, FALSE);

  if (call->action == NULL)
    return TRUE;

  return srv_audit_record (srv_server_get_database (call->server), call->actor, call->action,
                           call->object, TRUE, call->origin, detail, error);
}

/**
 * srv_admin_call_respond:
 * @call: a call
 * @status: the HTTP status
 * @response: (transfer full) (nullable): the envelope's "response"
 */
void
srv_admin_call_respond (SrvAdminCall *call,
                        guint         status,
                        JsonNode     *response)
{
  g_return_if_fail (call != NULL);

  srv_http_respond (call->msg, status, call->api_id, response, NULL);
}

/**
 * srv_admin_call_authorize:
 * @call: a call
 * @any_of: the roles, one of which the caller must hold
 *
 * Checks the bearer token; on success the caller becomes the call's actor.
 *
 * Returns: whether the call may go on; when not, it has been answered
 */
gboolean
srv_admin_call_authorize (SrvAdminCall *call,
                          SrvRole       any_of)
{
  char *user_id = NULL;

  g_return_val_if_fail (call != NULL, FALSE);

  if (!srv_admin_auth_require (call->server, call->msg, call->api_id, any_of, &user_id))
    return FALSE;

  g_free (call->actor);
  call->actor = user_id;
  return TRUE;
}

/**
 * srv_admin_call_read:
 * @call: a call
 * @max_bytes: the largest body accepted
 *
 * Parses the body as a JSON envelope with a "request" object.
 *
 * Returns: whether @call->request is set; when not, the call has been
 *   answered 413 or 400
 */
gboolean
srv_admin_call_read (SrvAdminCall *call,
                     gsize         max_bytes)
{
  SoupMessageBody *body;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  JsonNode *root;
  JsonNode *request;

  g_return_val_if_fail (call != NULL, FALSE);

  body = soup_server_message_get_request_body (call->msg);
  if (body->length > (goffset) max_bytes)
    {
      g_autofree char *size = g_strdup_printf ("%" G_GOFFSET_FORMAT, body->length);
      g_autofree char *limit = g_strdup_printf ("%" G_GSIZE_FORMAT, max_bytes);

      message = g_strdup_printf (_("The request body has %s bytes; this call accepts at most %s"), size, limit);
      srv_admin_call_refuse (call, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, SRV_ADMIN_CODE_TOO_LARGE, message);
      return FALSE;
    }

  call->parser = json_parser_new_immutable ();
  if (body->length == 0 ||
      !json_parser_load_from_data (call->parser, body->data, body->length, &error))
    {
      message = g_strdup_printf (_("The request body is not JSON: %s"),
                                 error != NULL ? error->message : _("it is empty"));
      srv_admin_call_refuse (call, SOUP_STATUS_BAD_REQUEST, SRV_ADMIN_CODE_JSON, message);
      return FALSE;
    }

  root = json_parser_get_root (call->parser);
  request = root != NULL && JSON_NODE_HOLDS_OBJECT (root)
            ? json_object_get_member (json_node_get_object (root), "request")
            : NULL;
  if (request == NULL || !JSON_NODE_HOLDS_OBJECT (request))
    {
      srv_admin_call_refuse (call, SOUP_STATUS_BAD_REQUEST, SRV_ADMIN_CODE_JSON,
                             _("The request body must be a JSON object with a “request” object in it"));
      return FALSE;
    }

  call->request = json_node_get_object (request);
  return TRUE;
}

/* Finds @name in @object; answers 400 when it is required and absent.
 * A JSON null counts as absent. */
static gboolean
lookup (SrvAdminCall  *call,
        JsonObject    *object,
        const char    *name,
        gboolean       required,
        JsonNode     **node)
{
  *node = json_object_get_member (object, name);
  if (*node != NULL && JSON_NODE_HOLDS_NULL (*node))
    *node = NULL;

  if (*node == NULL && required)
    {
      g_autofree char *message = g_strdup_printf (_("The member “%s” is missing"), name);

      srv_admin_call_refuse (call, SOUP_STATUS_BAD_REQUEST, SRV_ADMIN_CODE_MISSING, message);
      return FALSE;
    }

  return TRUE;
}

static void
refuse_type (SrvAdminCall *call,
             const char   *name,
             const char   *expected)
{
  g_autofree char *message = g_strdup_printf (_("The member “%s” must be %s"), name, expected);

  srv_admin_call_refuse (call, SOUP_STATUS_BAD_REQUEST, SRV_ADMIN_CODE_TYPE, message);
}

static void
refuse_invalid (SrvAdminCall *call,
                const char   *name,
                const char   *why)
{
  g_autofree char *message = g_strdup_printf (_("The member “%s” is not valid: %s"), name, why);

  srv_admin_call_refuse (call, SOUP_STATUS_BAD_REQUEST, SRV_ADMIN_CODE_INVALID, message);
}

static gboolean
holds_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

/**
 * srv_admin_call_get_string:
 * @call: a call
 * @object: the object holding the member
 * @name: the member
 * @required: whether it must be there
 * @max_length: the most characters allowed
 * @value: (out) (transfer none): the string, or %NULL when absent
 *
 * A non-empty string of valid UTF-8 without control characters, of at most
 * @max_length characters.
 *
 * Returns: whether the member is acceptable; when not, the call is answered
 */
gboolean
srv_admin_call_get_string (SrvAdminCall  *call,
                           JsonObject    *object,
                           const char    *name,
                           gboolean       required,
                           gsize          max_length,
                           const char   **value)
{
  JsonNode *node;
  const char *text;

  *value = NULL;
  if (!lookup (call, object, name, required, &node))
    return FALSE;
  if (node == NULL)
    return TRUE;

  if (!holds_string (node))
    {
      refuse_type (call, name, _("a string"));
      return FALSE;
    }

  text = json_node_get_string (node);
  if (text[0] == '\0')
    {
      refuse_invalid (call, name, _("it is empty"));
      return FALSE;
    }

  if (g_utf8_strlen (text, -1) > (glong) max_length)
    {
      g_autofree char *why = g_strdup_printf (_("it is longer than %u characters"), (guint) max_length);

      refuse_invalid (call, name, why);
      return FALSE;
    }

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (g_unichar_iscntrl (g_utf8_get_char (p)))
        {
          refuse_invalid (call, name, _("it holds control characters"));
          return FALSE;
        }
    }

  *value = text;
  return TRUE;
}

/**
 * srv_admin_is_id:
 * @text: a candidate identifier
 *
 * Returns: whether @text is 1 to 64 ASCII letters, digits, '.', '_' or '-',
 *   starting with a letter or digit, so ids are safe in paths, file names
 *   and logs
 */
gboolean
srv_admin_is_id (const char *text)
{
  gboolean ok;

  g_return_val_if_fail (text != NULL, FALSE);

  ok = g_ascii_isalnum (text[0]) && strlen (text) <= MAX_ID_LENGTH;
  for (const char *p = text; ok && *p != '\0'; p++)
    ok = g_ascii_isalnum (*p) || *p == '.' || *p == '_' || *p == '-';

  return ok;
}

/**
 * srv_admin_call_get_id:
 *
 * Like srv_admin_call_get_string() for an identifier, as srv_admin_is_id()
 * defines one.
 */
gboolean
srv_admin_call_get_id (SrvAdminCall  *call,
                       JsonObject    *object,
                       const char    *name,
                       gboolean       required,
                       const char   **value)
{
  const char *text;

  if (!srv_admin_call_get_string (call, object, name, required, MAX_ID_LENGTH, &text))
    return FALSE;

  if (text != NULL)
    {
      if (!srv_admin_is_id (text))
        {
          refuse_invalid (call, name, _("an identifier has letters, digits, “.”, “_” and “-” only, and starts with a letter or digit"));
          *value = NULL;
          return FALSE;
        }
    }

  *value = text;
  return TRUE;
}

/**
 * srv_admin_call_get_int:
 * @value: (out): the number; left unchanged when absent
 *
 * A whole JSON number between @min and @max.
 */
gboolean
srv_admin_call_get_int (SrvAdminCall *call,
                        JsonObject   *object,
                        const char   *name,
                        gboolean      required,
                        gint64        min,
                        gint64        max,
                        gint64       *value)
{
  JsonNode *node;
  gint64 number;

  if (!lookup (call, object, name, required, &node))
    return FALSE;
  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      refuse_type (call, name, _("a whole number"));
      return FALSE;
    }

  number = json_node_get_int (node);
  if (number < min || number > max)
    {
      g_autofree char *low = g_strdup_printf ("%" G_GINT64_FORMAT, min);
      g_autofree char *high = g_strdup_printf ("%" G_GINT64_FORMAT, max);
      g_autofree char *why = g_strdup_printf (_("it must lie between %s and %s"), low, high);

      refuse_invalid (call, name, why);
      return FALSE;
    }

  *value = number;
  return TRUE;
}

/**
 * srv_admin_call_get_double:
 * @present: (out): whether the member is there
 * @value: (out): the number; left unchanged when absent
 *
 * A JSON number (whole or not) between @min and @max.
 */
gboolean
srv_admin_call_get_double (SrvAdminCall *call,
                           JsonObject   *object,
                           const char   *name,
                           gboolean      required,
                           double        min,
                           double        max,
                           gboolean     *present,
                           double       *value)
{
  JsonNode *node;
  double number;

  *present = FALSE;
  if (!lookup (call, object, name, required, &node))
    return FALSE;
  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_INT64 && json_node_get_value_type (node) != G_TYPE_DOUBLE))
    {
      refuse_type (call, name, _("a number"));
      return FALSE;
    }

  number = json_node_get_double (node);
  if (!(number >= min && number <= max))
    {
      g_autofree char *why = g_strdup_printf (_("it must lie between %g and %g"), min, max);

      refuse_invalid (call, name, why);
      return FALSE;
    }

  *present = TRUE;
  *value = number;
  return TRUE;
}

/**
 * srv_admin_call_get_boolean:
 * @present: (out) (optional): whether the member is there
 * @value: (out): the value; left unchanged when absent
 */
gboolean
srv_admin_call_get_boolean (SrvAdminCall *call,
                            JsonObject   *object,
                            const char   *name,
                            gboolean      required,
                            gboolean     *present,
                            gboolean     *value)
{
  JsonNode *node;

  if (present != NULL)
    *present = FALSE;
  if (!lookup (call, object, name, required, &node))
    return FALSE;
  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      refuse_type (call, name, _("true or false"));
      return FALSE;
    }

  if (present != NULL)
    *present = TRUE;
  *value = json_node_get_boolean (node);
  return TRUE;
}

gboolean
srv_admin_call_get_object (SrvAdminCall  *call,
                           JsonObject    *object,
                           const char    *name,
                           gboolean       required,
                           JsonObject   **value)
{
  JsonNode *node;

  *value = NULL;
  if (!lookup (call, object, name, required, &node))
    return FALSE;
  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      refuse_type (call, name, _("an object"));
      return FALSE;
    }

  *value = json_node_get_object (node);
  return TRUE;
}

gboolean
srv_admin_call_get_array (SrvAdminCall  *call,
                          JsonObject    *object,
                          const char    *name,
                          gboolean       required,
                          guint          max_length,
                          JsonArray    **value)
{
  JsonNode *node;

  *value = NULL;
  if (!lookup (call, object, name, required, &node))
    return FALSE;
  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      refuse_type (call, name, _("an array"));
      return FALSE;
    }

  if (json_array_get_length (json_node_get_array (node)) > max_length)
    {
      g_autofree char *why = g_strdup_printf (_("it has more than %u elements"), max_length);

      refuse_invalid (call, name, why);
      return FALSE;
    }

  *value = json_node_get_array (node);
  return TRUE;
}

/**
 * srv_admin_call_get_enum:
 * @allowed: (array zero-terminated=1): the accepted values
 *
 * A string that is one of @allowed.
 */
gboolean
srv_admin_call_get_enum (SrvAdminCall       *call,
                         JsonObject         *object,
                         const char         *name,
                         gboolean            required,
                         const char * const *allowed,
                         const char        **value)
{
  const char *text;

  if (!srv_admin_call_get_string (call, object, name, required, MAX_ID_LENGTH, &text))
    return FALSE;

  if (text != NULL && !g_strv_contains (allowed, text))
    {
      g_autofree char *list = g_strjoinv (", ", (char **) allowed);
      g_autofree char *why = g_strdup_printf (_("it must be one of %s"), list);

      refuse_invalid (call, name, why);
      *value = NULL;
      return FALSE;
    }

  *value = text;
  return TRUE;
}

static gboolean
is_language_code (const char *code)
{
  return strlen (code) == 3 &&
         g_ascii_islower (code[0]) && g_ascii_islower (code[1]) && g_ascii_islower (code[2]);
}

/**
 * srv_admin_call_get_names:
 * @value: (out) (transfer full): the names as compact JSON, or %NULL when
 *   absent
 *
 * Names in several languages: an object of one to 16 members keyed by
 * ISO 639-3 codes ("eng", "fra", "ara"), each a non-empty string of at
 * most 256 characters.
 */
gboolean
srv_admin_call_get_names (SrvAdminCall  *call,
                          JsonObject    *object,
                          const char    *name,
                          gboolean       required,
                          char         **value)
{
  g_autoptr(JsonNode) copy = NULL;
  JsonObject *names;
  g_autoptr(GList) members = NULL;
  guint n_members;

  *value = NULL;
  if (!srv_admin_call_get_object (call, object, name, required, &names))
    return FALSE;
  if (names == NULL)
    return TRUE;

  n_members = json_object_get_size (names);
  if (n_members == 0 || n_members > MAX_LANGUAGES)
    {
      refuse_invalid (call, name, _("give a name in one to 16 languages"));
      return FALSE;
    }

  members = json_object_get_members (names);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *language = l->data;
      const char *text;

      if (!is_language_code (language))
        {
          g_autofree char *why = g_strdup_printf (_("“%s” is not a three-letter language code such as “eng”"), language);

          refuse_invalid (call, name, why);
          return FALSE;
        }

      if (!srv_admin_call_get_string (call, names, language, TRUE, MAX_NAME_LENGTH, &text))
        return FALSE;
    }

  copy = json_node_init_object (json_node_alloc (), names);
  *value = json_to_string (copy, FALSE);
  return TRUE;
}
