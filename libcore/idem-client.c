/* idem-client.c — the REST client the applications talk to the server with
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * One IdemClient per server: a SoupSession with the server's address, the
 * TLS certificate it is pinned to, and what the caller authenticates with —
 * a machine's Ed25519 key (every request signed, see
 * idem-request-signature.c), an operator's bearer token, or both.
 *
 * A call sends `{"id", "version", "requesttime", "request": …}` (or raw
 * bytes, for a packet upload) and hands back the envelope's "response".
 * A server error becomes %IDEM_CLIENT_ERROR_SERVER with the server's own
 * message, and its stable errorCode and HTTP status attached to the GError
 * (G_DEFINE_EXTENDED_ERROR), so the apps choose what to show by code and
 * never by parsing text.  Network failures are
 * %IDEM_CLIENT_ERROR_UNREACHABLE: the apps go on offline.
 *
 * The session belongs to the thread-default main context the client was
 * made in: make calls from that context, as with any libsoup session.
 */

#define G_LOG_DOMAIN "idem-client"

#include "config.h"

#include "idem-client.h"
#include "idem-crypto.h"
#include "idem-pinned-database.h"
#include "idem-request-signature.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <openssl/evp.h>
#include <string.h>

/* How long to wait on a silent server before calling it unreachable.  A
 * machine's first certificate request makes an RSA-3072 key on the
 * server, which can take seconds on a busy one. */
#define TIMEOUT_S 60

typedef struct
{
  char  *code;
  guint  status;
} IdemClientErrorPrivate;

static void
idem_client_error_private_init (IdemClientErrorPrivate *priv)
{
}

static void
idem_client_error_private_copy (const IdemClientErrorPrivate *source,
                                IdemClientErrorPrivate       *destination)
{
  destination->code = g_strdup (source->code);
  destination->status = source->status;
}

static void
idem_client_error_private_clear (IdemClientErrorPrivate *priv)
{
  g_clear_pointer (&priv->code, g_free);
}

G_DEFINE_EXTENDED_ERROR (IdemClientError, idem_client_error)

struct _IdemClient
{
  GObject          parent_instance;

  SoupSession     *session;
  char            *base_url;
  GTlsCertificate *pinned_certificate;
  char            *token;
  char            *machine_id;
  EVP_PKEY        *machine_key;
  EVP_PKEY        *server_key;
  gint64           clock_offset;
};

G_DEFINE_FINAL_TYPE (IdemClient, idem_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_PINNED_CERTIFICATE,
  PROP_TOKEN,
  PROP_MACHINE_ID,
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  char                *method;
  char                *url;
  GBytes              *body;
  const char          *content_type;
  SoupMessage         *msg;
  EVP_PKEY            *server_key;
  IdemClientCallFlags  flags;
  gboolean             retried;
} Call;

static void
call_free (Call *call)
{
  g_free (call->method);
  g_free (call->url);
  g_clear_pointer (&call->body, g_bytes_unref);
  g_clear_object (&call->msg);
  g_clear_pointer (&call->server_key, EVP_PKEY_free);
  g_free (call);
}

static GError *
server_error_new (guint       status,
                  const char *code,
                  const char *message)
{
  GError *error = g_error_new_literal (IDEM_CLIENT_ERROR, IDEM_CLIENT_ERROR_SERVER, message);
  IdemClientErrorPrivate *priv = idem_client_error_get_private (error);

  priv->code = g_strdup (code);
  priv->status = status;
  return error;
}

/**
 * idem_client_error_get_code:
 * @error: an error from an #IdemClient call
 *
 * Returns: (nullable): the server's stable error code, such as
 *   "IDM-MAC-INACTIVE", when @error is %IDEM_CLIENT_ERROR_SERVER
 */
const char *
idem_client_error_get_code (const GError *error)
{
  IdemClientErrorPrivate *priv;

  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain != IDEM_CLIENT_ERROR)
    return NULL;

  priv = idem_client_error_get_private (error);
  return priv != NULL ? priv->code : NULL;
}

/**
 * idem_client_error_get_status:
 * @error: an error from an #IdemClient call
 *
 * Returns: the HTTP status of the server's answer, or 0 when there was none
 */
guint
idem_client_error_get_status (const GError *error)
{
  IdemClientErrorPrivate *priv;

  g_return_val_if_fail (error != NULL, 0);

  if (error->domain != IDEM_CLIENT_ERROR)
    return 0;

  priv = idem_client_error_get_private (error);
  return priv != NULL ? priv->status : 0;
}

/* Pinning is the session's TLS database, not an "accept-certificate"
 * handler: that signal is only emitted when verification has failed, so a
 * certificate the system's authorities vouch for would get past a handler
 * unseen.  Verification asks the session's database, and a pinned one
 * trusts the pinned certificate and nothing else.  Without a pin the
 * session keeps the system's database; as a session's database cannot be
 * set back to "the default", a change of pin makes a new session. */
static SoupSession *
session_new (GTlsCertificate *pinned)
{
  g_autoptr(GTlsDatabase) database = NULL;

  if (pinned == NULL)
    return soup_session_new_with_options ("timeout", TIMEOUT_S,
                                          "idle-timeout", TIMEOUT_S,
                                          NULL);

  database = idem_pinned_database_new (pinned);
  return soup_session_new_with_options ("timeout", TIMEOUT_S,
                                        "idle-timeout", TIMEOUT_S,
                                        "tls-database", database,
                                        NULL);
}

static void
idem_client_dispose (GObject *object)
{
  IdemClient *self = (IdemClient *)object;

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  g_clear_object (&self->pinned_certificate);

  G_OBJECT_CLASS (idem_client_parent_class)->dispose (object);
}

static void
idem_client_finalize (GObject *object)
{
  IdemClient *self = (IdemClient *)object;

  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->token, g_free);
  g_clear_pointer (&self->machine_id, g_free);
  g_clear_pointer (&self->machine_key, EVP_PKEY_free);
  g_clear_pointer (&self->server_key, EVP_PKEY_free);

  G_OBJECT_CLASS (idem_client_parent_class)->finalize (object);
}

static void
idem_client_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  IdemClient *self = IDEM_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;

    case PROP_PINNED_CERTIFICATE:
      g_value_set_object (value, self->pinned_certificate);
      break;

    case PROP_TOKEN:
      g_value_set_string (value, self->token);
      break;

    case PROP_MACHINE_ID:
      g_value_set_string (value, self->machine_id);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
idem_client_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  IdemClient *self = IDEM_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      idem_client_set_base_url (self, g_value_get_string (value));
      break;

    case PROP_PINNED_CERTIFICATE:
      idem_client_set_pinned_certificate (self, g_value_get_object (value));
      break;

    case PROP_TOKEN:
      idem_client_set_token (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
idem_client_class_init (IdemClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = idem_client_dispose;
  object_class->finalize = idem_client_finalize;
  object_class->get_property = idem_client_get_property;
  object_class->set_property = idem_client_set_property;

  /**
   * IdemClient:base-url:
   *
   * The server's address, such as "https://idem.example.org:8443/".
   */
  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * IdemClient:pinned-certificate:
   *
   * The only TLS certificate the server may present, even when the
   * system's certificate authorities would vouch for another one; %NULL
   * trusts the system's authorities instead.
   */
  properties[PROP_PINNED_CERTIFICATE] =
    g_param_spec_object ("pinned-certificate", NULL, NULL, G_TYPE_TLS_CERTIFICATE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * IdemClient:token:
   *
   * A bearer token from POST /v1/auth/login, sent with every call; %NULL
   * for none.
   */
  properties[PROP_TOKEN] =
    g_param_spec_string ("token", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * IdemClient:machine-id:
   *
   * The registered machine whose key signs every call, set with
   * idem_client_set_machine_key(); %NULL when calls are not signed.
   */
  properties[PROP_MACHINE_ID] =
    g_param_spec_string ("machine-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
idem_client_init (IdemClient *self)
{
  self->session = session_new (NULL);
}

/**
 * idem_client_new:
 * @base_url: the server's address, such as "https://idem.example.org/"
 *
 * Returns: (transfer full): a client for that server
 */
IdemClient *
idem_client_new (const char *base_url)
{
  g_return_val_if_fail (base_url != NULL, NULL);

  return g_object_new (IDEM_TYPE_CLIENT, "base-url", base_url, NULL);
}

const char *
idem_client_get_base_url (IdemClient *self)
{
  g_return_val_if_fail (IDEM_IS_CLIENT (self), NULL);

  return self->base_url;
}

void
idem_client_set_base_url (IdemClient *self,
                          const char *base_url)
{
  g_return_if_fail (IDEM_IS_CLIENT (self));

  if (g_strcmp0 (self->base_url, base_url) == 0)
    return;

  g_free (self->base_url);
  self->base_url = g_strdup (base_url);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BASE_URL]);
}

/**
 * idem_client_get_pinned_certificate:
 * @self: a client
 *
 * Returns: (transfer none) (nullable): the pinned certificate
 */
GTlsCertificate *
idem_client_get_pinned_certificate (IdemClient *self)
{
  g_return_val_if_fail (IDEM_IS_CLIENT (self), NULL);

  return self->pinned_certificate;
}

/**
 * idem_client_set_pinned_certificate:
 * @self: a client
 * @certificate: (nullable): the server's own certificate, or %NULL to
 *   trust the system's certificate authorities
 */
void
idem_client_set_pinned_certificate (IdemClient      *self,
                                    GTlsCertificate *certificate)
{
  g_return_if_fail (IDEM_IS_CLIENT (self));
  g_return_if_fail (certificate == NULL || G_IS_TLS_CERTIFICATE (certificate));

  if (!g_set_object (&self->pinned_certificate, certificate))
    return;

  /* Calls already sent finish on the old session, under the pin they were
   * made with; it goes when they are done. */
  g_clear_object (&self->session);
  self->session = session_new (certificate);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PINNED_CERTIFICATE]);
}

const char *
idem_client_get_token (IdemClient *self)
{
  g_return_val_if_fail (IDEM_IS_CLIENT (self), NULL);

  return self->token;
}

/**
 * idem_client_set_token:
 * @self: a client
 * @token: (nullable): a bearer token, or %NULL to send none
 */
void
idem_client_set_token (IdemClient *self,
                       const char *token)
{
  g_return_if_fail (IDEM_IS_CLIENT (self));

  if (g_strcmp0 (self->token, token) == 0)
    return;

  g_free (self->token);
  self->token = g_strdup (token);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN]);
}

const char *
idem_client_get_machine_id (IdemClient *self)
{
  g_return_val_if_fail (IDEM_IS_CLIENT (self), NULL);

  return self->machine_id;
}

/**
 * idem_client_set_machine_key:
 * @self: a client
 * @machine_id: (nullable): the machine's registered id
 * @key: (nullable): the machine's Ed25519 private key
 *
 * Signs every following call as the machine; %NULL for both stops signing.
 */
void
idem_client_set_machine_key (IdemClient *self,
                             const char *machine_id,
                             EVP_PKEY   *key)
{
  g_return_if_fail (IDEM_IS_CLIENT (self));
  g_return_if_fail ((machine_id == NULL) == (key == NULL));

  if (key != NULL)
    EVP_PKEY_up_ref (key);
  g_clear_pointer (&self->machine_key, EVP_PKEY_free);
  self->machine_key = key;

  if (g_strcmp0 (self->machine_id, machine_id) == 0)
    return;

  g_free (self->machine_id);
  self->machine_id = g_strdup (machine_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MACHINE_ID]);
}

/**
 * idem_client_set_server_key:
 * @self: a client
 * @key: (nullable): the server's Ed25519 public key, as the machine pinned
 *   it (the sync certificate answer gives it as "serverSigningKey")
 *
 * The key that checks answers of calls made with
 * %IDEM_CLIENT_CALL_VERIFY_SIGNATURE.
 */
void
idem_client_set_server_key (IdemClient *self,
                            EVP_PKEY   *key)
{
  g_return_if_fail (IDEM_IS_CLIENT (self));

  if (key != NULL)
    EVP_PKEY_up_ref (key);
  g_clear_pointer (&self->server_key, EVP_PKEY_free);
  self->server_key = key;
}

/**
 * idem_client_get_clock_offset:
 * @self: a client
 *
 * How far the server's clock is ahead of this machine's, in seconds, as
 * learnt from its answers.  Signed requests are timed in the server's
 * clock, and a request refused with IDM-MAC-CLOCK is signed again once;
 * the applications can show the offset so the clock gets fixed.
 *
 * Returns: the offset in seconds, negative when the server is behind
 */
gint64
idem_client_get_clock_offset (IdemClient *self)
{
  g_return_val_if_fail (IDEM_IS_CLIENT (self), 0);

  return self->clock_offset;
}

/**
 * idem_client_set_clock_offset:
 * @self: a client
 * @offset: seconds the server's clock is ahead of this machine's
 *
 * Sets the offset, such as one saved from an earlier session.
 */
void
idem_client_set_clock_offset (IdemClient *self,
                              gint64      offset)
{
  g_return_if_fail (IDEM_IS_CLIENT (self));

  self->clock_offset = offset;
}

static GBytes *
wrap_request (JsonNode *request)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *seconds = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S");
  g_autofree char *time = g_strdup_printf ("%s.%03dZ", seconds, g_date_time_get_microsecond (now) / 1000);
  char *data;
  gsize length = 0;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, "idem.client");
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, "v1");
  json_builder_set_member_name (builder, "requesttime");
  json_builder_add_string_value (builder, time);
  json_builder_set_member_name (builder, "metadata");
  json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "request");
  json_builder_add_value (builder, json_node_copy (request));
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  data = json_generator_to_data (generator, &length);
  return g_bytes_new_take (data, length);
}

static char *
build_url (const char *base_url,
           const char *path)
{
  gsize n = strlen (base_url);

  while (n > 0 && base_url[n - 1] == '/')
    n--;

  return g_strdup_printf ("%.*s%s", (int) n, base_url, path);
}

static char *
path_and_query_of (SoupMessage *msg)
{
  GUri *uri = soup_message_get_uri (msg);
  const char *query = g_uri_get_query (uri);

  if (query != NULL)
    return g_strconcat (g_uri_get_path (uri), "?", query, NULL);

  return g_strdup (g_uri_get_path (uri));
}

static gboolean
check_signature (Call     *call,
                 GBytes   *body,
                 GError  **error)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (call->msg);
  const char *text = soup_message_headers_get_one (headers, IDEM_CLIENT_HEADER_RESPONSE_SIGNATURE);
  g_autoptr(GBytes) signature = NULL;
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (body, &length);

  if (call->server_key == NULL)
    {
      g_set_error_literal (error, IDEM_CLIENT_ERROR, IDEM_CLIENT_ERROR_BAD_SIGNATURE,
                           _("No server key is known to check the answer with: sync the certificate first"));
      return FALSE;
    }

  if (text == NULL)
    {
      g_set_error_literal (error, IDEM_CLIENT_ERROR, IDEM_CLIENT_ERROR_BAD_SIGNATURE,
                           _("The server’s answer is not signed"));
      return FALSE;
    }

  signature = idem_base64url_decode (text);
  if (signature == NULL ||
      !idem_crypto_verify (call->server_key, IDEM_SIGNATURE_ED25519, data != NULL ? data : (const guint8 *) "", length,
                           g_bytes_get_data (signature, NULL), g_bytes_get_size (signature), NULL))
    {
      g_set_error_literal (error, IDEM_CLIENT_ERROR, IDEM_CLIENT_ERROR_BAD_SIGNATURE,
                           _("The answer’s signature does not match the server’s key: it did not come from the server this machine trusts, or it was altered"));
      return FALSE;
    }

  return TRUE;
}

static GError *
translate_transport_error (GError *error)
{
  GError *translated;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return error;

  if (error->domain == G_TLS_ERROR)
    translated = g_error_new (IDEM_CLIENT_ERROR, IDEM_CLIENT_ERROR_UNTRUSTED,
                              _("The server’s certificate is not the one this machine trusts (%s). "
                                "Check the server address, or ask your administrator for the server’s certificate."),
                              error->message);
  else
    translated = g_error_new (IDEM_CLIENT_ERROR, IDEM_CLIENT_ERROR_UNREACHABLE,
                              _("The server cannot be reached (%s). "
                                "Check the server address and the network connection, then try again."),
                              error->message);

  g_error_free (error);
  return translated;
}

/* The envelope's "response", or the error it reports. */
static JsonNode *
read_envelope (Call    *call,
               GBytes  *body,
               GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  guint status = soup_message_get_status (call->msg);
  gsize length = 0;
  const char *data = g_bytes_get_data (body, &length);
  JsonObject *root;
  JsonNode *errors;
  JsonNode *response;

  if (length == 0 || !json_parser_load_from_data (parser, data, length, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, IDEM_CLIENT_ERROR, IDEM_CLIENT_ERROR_BAD_RESPONSE,
                   _("The server answered HTTP %u without a JSON envelope"), status);
      return NULL;
    }

  root = json_node_get_object (json_parser_get_root (parser));
  errors = json_object_get_member (root, "errors");
  if (errors != NULL && JSON_NODE_HOLDS_ARRAY (errors) && json_array_get_length (json_node_get_array (errors)) > 0)
    {
      JsonNode *first = json_array_get_element (json_node_get_array (errors), 0);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (first) ? json_node_get_object (first) : NULL;
      const char *code = object != NULL ? json_object_get_string_member_with_default (object, "errorCode", NULL) : NULL;
      const char *message = object != NULL ? json_object_get_string_member_with_default (object, "message", NULL) : NULL;

      if (error != NULL)
        *error = server_error_new (status, code, message != NULL ? message : _("The server refused the request"));
      return NULL;
    }

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_set_error (error, IDEM_CLIENT_ERROR, IDEM_CLIENT_ERROR_BAD_RESPONSE,
                   _("The server answered HTTP %u without saying why"), status);
      return NULL;
    }

  response = json_object_get_member (root, "response");
  if (response == NULL)
    {
      g_set_error_literal (error, IDEM_CLIENT_ERROR, IDEM_CLIENT_ERROR_BAD_RESPONSE,
                           _("The server’s answer has no “response”"));
      return NULL;
    }

  return json_node_copy (response);
}

/* Learns how far the server's clock is from this machine's, from the
 * Date header, so that requests are signed in the server's time: a
 * workstation that was offline for weeks often has a clock minutes off. */
static gboolean
learn_clock_offset (IdemClient  *self,
                    SoupMessage *msg)
{
  const char *date = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Date");
  g_autoptr(GDateTime) server_time = date != NULL ? soup_date_time_new_from_http_string (date) : NULL;
  gint64 offset;

  if (server_time == NULL)
    return FALSE;

  /* The header has whole seconds: small differences are its rounding. */
  offset = g_date_time_to_unix (server_time) - g_get_real_time () / G_USEC_PER_SEC;
  if (ABS (offset - self->clock_offset) <= 2)
    return FALSE;

  self->clock_offset = offset;
  return TRUE;
}

static void start_attempt (GTask *task);

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  IdemClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;
  JsonNode *response;
  gboolean clock_moved;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, translate_transport_error (error));
      return;
    }

  clock_moved = learn_clock_offset (self, call->msg);

  if ((call->flags & IDEM_CLIENT_CALL_VERIFY_SIGNATURE) != 0 &&
      SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (call->msg)) &&
      !check_signature (call, body, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  response = read_envelope (call, body, &error);
  if (response != NULL)
    {
      g_task_return_pointer (task, response, (GDestroyNotify) json_node_unref);
      return;
    }

  /* Refused for the time alone: signed again in the server's time, once. */
  if (clock_moved && !call->retried && self->machine_key != NULL &&
      g_strcmp0 (idem_client_error_get_code (error), "IDM-MAC-CLOCK") == 0)
    {
      g_clear_error (&error);
      call->retried = TRUE;
      start_attempt (g_steal_pointer (&task));
      return;
    }

  g_task_return_error (task, error);
}

/* Builds the message from the call, signs it now, and sends it; takes
 * @task. */
static void
start_attempt (GTask *task)
{
  IdemClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;

  g_clear_object (&call->msg);
  call->msg = soup_message_new (call->method, call->url);
  if (call->msg == NULL)
    {
      g_task_return_new_error (task, IDEM_CLIENT_ERROR, IDEM_CLIENT_ERROR_INVALID_ARGUMENT,
                               _("“%s” is not a valid server address"), call->url);
      g_object_unref (task);
      return;
    }

  if (call->body != NULL)
    soup_message_set_request_body_from_bytes (call->msg, call->content_type, call->body);

  headers = soup_message_get_request_headers (call->msg);
  soup_message_headers_replace (headers, "Accept", "application/json");

  if (self->token != NULL)
    {
      g_autofree char *authorization = g_strconcat ("Bearer ", self->token, NULL);

      soup_message_headers_replace (headers, "Authorization", authorization);
    }

  if (self->machine_key != NULL)
    {
      g_autofree char *path_and_query = path_and_query_of (call->msg);
      g_autoptr(GDateTime) now = g_date_time_new_from_unix_utc (g_get_real_time () / G_USEC_PER_SEC + self->clock_offset);
      g_auto(GStrv) signed_headers = NULL;

      signed_headers = idem_request_sign (self->machine_key, self->machine_id, soup_message_get_method (call->msg),
                                          path_and_query, call->body, now, &error);
      if (signed_headers == NULL)
        {
          g_task_return_new_error (task, IDEM_CLIENT_ERROR, IDEM_CLIENT_ERROR_INVALID_ARGUMENT,
                                   _("The request cannot be signed: %s"), error->message);
          g_object_unref (task);
          return;
        }

      for (guint i = 0; signed_headers[i] != NULL && signed_headers[i + 1] != NULL; i += 2)
        soup_message_headers_replace (headers, signed_headers[i], signed_headers[i + 1]);
    }

  soup_session_send_and_read_async (self->session, call->msg, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), send_cb, task);
}

/**
 * idem_client_call_async:
 * @self: a client
 * @method: an HTTP method, such as "GET" or "POST"
 * @path: the absolute path and query, such as "/v1/sync/users?since=3"
 * @request: (nullable): the value of the envelope's "request", or %NULL
 * @raw_body: (nullable): bytes to send as they are, in place of an
 *   envelope (a packet upload); not both @request and @raw_body
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the answer is in
 * @user_data: data for @callback
 *
 * Calls the server, signed as the machine when a machine key is set and
 * with the bearer token when one is set.  See
 * idem_client_call_full_async().
 */
void
idem_client_call_async (IdemClient          *self,
                        const char          *method,
                        const char          *path,
                        JsonNode            *request,
                        GBytes              *raw_body,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  idem_client_call_full_async (self, method, path, request, raw_body, IDEM_CLIENT_CALL_NONE,
                               cancellable, callback, user_data);
}

/**
 * idem_client_call_full_async:
 * @self: a client
 * @method: an HTTP method, such as "GET" or "POST"
 * @path: the absolute path and query, such as "/v1/sync/users?since=3"
 * @request: (nullable): the value of the envelope's "request", or %NULL
 * @raw_body: (nullable): bytes to send as they are, in place of an envelope
 * @flags: what to check of the answer
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the answer is in
 * @user_data: data for @callback
 *
 * Like idem_client_call_async(), with @flags; the sync API's answers are
 * checked with %IDEM_CLIENT_CALL_VERIFY_SIGNATURE.
 */
void
idem_client_call_full_async (IdemClient          *self,
                             const char          *method,
                             const char          *path,
                             JsonNode            *request,
                             GBytes              *raw_body,
                             IdemClientCallFlags  flags,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Call *call;

  g_return_if_fail (IDEM_IS_CLIENT (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (path != NULL);
  g_return_if_fail (request == NULL || raw_body == NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, idem_client_call_full_async);

  if (path[0] != '/' || self->base_url == NULL)
    {
      g_task_return_new_error (task, IDEM_CLIENT_ERROR, IDEM_CLIENT_ERROR_INVALID_ARGUMENT,
                               _("The path “%s” must start with “/”, and the client needs a server address"), path);
      return;
    }

  call = g_new0 (Call, 1);
  call->flags = flags;
  call->method = g_strdup (method);
  call->url = build_url (self->base_url, path);
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);

  if (request != NULL)
    {
      call->body = wrap_request (request);
      call->content_type = "application/json";
    }
  else if (raw_body != NULL)
    {
      call->body = g_bytes_ref (raw_body);
      call->content_type = "application/octet-stream";
    }

  if (self->server_key != NULL)
    {
      EVP_PKEY_up_ref (self->server_key);
      call->server_key = self->server_key;
    }

  start_attempt (g_steal_pointer (&task));
}

/**
 * idem_client_call_finish:
 * @self: a client
 * @result: the result given to the callback
 * @error: return location for an error in %IDEM_CLIENT_ERROR, or
 *   %G_IO_ERROR_CANCELLED
 *
 * Returns: (transfer full) (nullable): the envelope's "response" (a JSON
 *   null node when the server sent null)
 */
JsonNode *
idem_client_call_finish (IdemClient    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (IDEM_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
