/* srv-abis-http.c — an external ABIS, reached over MOSIP's ABIS API
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The client side of srv-abis-api.c: each SrvAbis call becomes one POST to
 * the external ABIS's /v1/abis/ operation, made synchronously from the
 * calling thread (the pipeline's workers, the API's GTask threads).  Each
 * call has its own SoupSession on the calling thread, so nothing is shared
 * between threads but the bearer token, under a lock.
 *
 * The client logs in as a user of the external server (POST
 * /v1/auth/login) and keeps the token; when the token expires (401), it
 * logs in again once and repeats the call.  With a pinned certificate, the
 * external server must present exactly that one: the sessions verify
 * against an IdemPinnedDatabase of it, so a certificate the system's
 * authorities vouch for cannot stand in for it (an "accept-certificate"
 * handler would only be asked after such a certificate had passed).
 */

#define G_LOG_DOMAIN "idem-abis"

#include "config.h"

#include "srv-abis-http.h"
#include "srv-abis-api.h"
#include "idem.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#define TIMEOUT_S 120
#define API_VERSION "1.1"

struct _SrvAbisHttp
{
  GObject          parent_instance;

  char            *base_url;
  char            *user_id;
  char            *password;
  GTlsDatabase    *pinned;
  GMutex           lock;
  char            *token;
  gint             in_flight;
};

static void srv_abis_http_iface_init (SrvAbisInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SrvAbisHttp, srv_abis_http, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (SRV_TYPE_ABIS, srv_abis_http_iface_init))

static char *
format_time (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *seconds = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", seconds, g_date_time_get_microsecond (now) / 1000);
}

/* One POST with a JSON body; the answer's status and JSON (NULL when it
 * had none).  Fails only when nothing came back. */
static gboolean
post_json (SrvAbisHttp  *self,
           const char   *path,
           const char   *token,
           const char   *body,
           guint        *status,
           JsonNode    **root,
           GError      **error)
{
  g_autofree char *url = g_strconcat (self->base_url, path, NULL);
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_POST, url);
  g_autoptr(GBytes) request = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  gsize size;
  const char *data;

  if (message == NULL)
    {
      g_set_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_UNAVAILABLE, _("“%s” is not a valid URL"), url);
      return FALSE;
    }
  /* The pinned database is immutable, so sessions on any thread share it. */
  if (self->pinned != NULL)
    session = soup_session_new_with_options ("timeout", TIMEOUT_S, "tls-database", self->pinned, NULL);
  else
    session = soup_session_new_with_options ("timeout", TIMEOUT_S, NULL);
  if (token != NULL)
    {
      g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", authorization);
    }
  request = g_bytes_new (body, strlen (body));
  soup_message_set_request_body_from_bytes (message, "application/json", request);

  answer = soup_session_send_and_read (session, message, NULL, &local_error);
  if (answer == NULL)
    {
      g_set_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_UNAVAILABLE,
                   _("The external ABIS at %s cannot be reached: %s"), self->base_url, local_error->message);
      return FALSE;
    }

  *status = soup_message_get_status (message);
  *root = NULL;
  data = g_bytes_get_data (answer, &size);
  if (size > 0 && json_parser_load_from_data (parser, data, size, NULL) && json_parser_get_root (parser) != NULL)
    *root = json_node_copy (json_parser_get_root (parser));

  return TRUE;
}

static char *
login (SrvAbisHttp  *self,
       GError      **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) request = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;
  JsonObject *response;
  guint status = 0;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "request");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "userId");
  json_builder_add_string_value (builder, self->user_id);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, self->password);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  request = json_builder_get_root (builder);
  body = json_to_string (request, FALSE);

  if (!post_json (self, "v1/auth/login", NULL, body, &status, &root, error))
    return NULL;

  if (status != SOUP_STATUS_OK || root == NULL || !JSON_NODE_HOLDS_OBJECT (root)
      || !json_object_has_member (json_node_get_object (root), "response")
      || !JSON_NODE_HOLDS_OBJECT (json_object_get_member (json_node_get_object (root), "response")))
    {
      g_set_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_UNAVAILABLE,
                   _("The external ABIS refused the login of “%s” (HTTP %u)"), self->user_id, status);
      return NULL;
    }
  response = json_object_get_object_member (json_node_get_object (root), "response");
  if (!json_object_has_member (response, "token")
      || json_node_get_value_type (json_object_get_member (response, "token")) != G_TYPE_STRING)
    {
      g_set_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_UNAVAILABLE,
                   _("The external ABIS answered the login without a token"));
      return NULL;
    }

  return g_strdup (json_object_get_string_member (response, "token"));
}

/* Makes a call with the current token, logging in first or again when
 * needed.  Returns MOSIP's response object, or NULL with @error set. */
static JsonNode *
call (SrvAbisHttp  *self,
      const char   *operation,
      JsonBuilder  *request,
      GError      **error)
{
  g_autoptr(JsonNode) request_root = json_builder_get_root (request);
  g_autofree char *body = json_to_string (request_root, FALSE);
  g_autofree char *path = g_strconcat ("v1/abis/", operation, NULL);

  for (guint attempt = 0; attempt < 2; attempt++)
    {
      g_autofree char *token = NULL;
      g_autoptr(JsonNode) root = NULL;
      g_autoptr(GError) refusal = NULL;
      guint status = 0;

      g_mutex_lock (&self->lock);
      if (self->token == NULL)
        self->token = login (self, error);
      token = g_strdup (self->token);
      g_mutex_unlock (&self->lock);
      if (token == NULL)
        return NULL;

      if (!post_json (self, path, token, body, &status, &root, error))
        return NULL;

      if (status == SOUP_STATUS_UNAUTHORIZED && attempt == 0)
        {
          g_mutex_lock (&self->lock);
          if (g_strcmp0 (self->token, token) == 0)
            g_clear_pointer (&self->token, g_free);
          g_mutex_unlock (&self->lock);
          continue;
        }

      refusal = srv_abis_api_error_from_response (status, root);
      if (refusal != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&refusal));
          return NULL;
        }

      return json_node_copy (json_object_get_member (json_node_get_object (root), "response"));
    }

  g_set_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_UNAVAILABLE,
               _("The external ABIS refuses this server’s login"));
  return NULL;
}

static JsonBuilder *
begin_request (const char *api_id,
               const char *reference_id)
{
  JsonBuilder *builder = json_builder_new ();
  g_autofree char *request_id = g_uuid_string_random ();
  g_autofree char *time = format_time ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, api_id);
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, API_VERSION);
  json_builder_set_member_name (builder, "requestId");
  json_builder_add_string_value (builder, request_id);
  json_builder_set_member_name (builder, "requesttime");
  json_builder_add_string_value (builder, time);
  if (reference_id != NULL)
    {
      json_builder_set_member_name (builder, "referenceId");
      json_builder_add_string_value (builder, reference_id);
    }

  return builder;
}

static void
add_biometrics (JsonBuilder *builder,
                GBytes      *cbeff)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (cbeff, &size);
  g_autofree char *encoded = g_base64_encode (data, size);

  json_builder_set_member_name (builder, "biometrics");
  json_builder_add_string_value (builder, encoded);
}

static gboolean
run (SrvAbisHttp  *self,
     const char   *operation,
     JsonBuilder  *builder,
     JsonNode    **response,
     GError      **error)
{
  g_autoptr(JsonNode) answer = NULL;

  json_builder_end_object (builder);
  g_atomic_int_inc (&self->in_flight);
  answer = call (self, operation, builder, error);
  g_atomic_int_add (&self->in_flight, -1);
  if (answer == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (answer))
    {
      g_set_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_INTERNAL, _("The external ABIS answered without a response"));
      return FALSE;
    }
  if (response != NULL)
    *response = g_steal_pointer (&answer);

  return TRUE;
}

/* A number MOSIP may write as a string. */
static gboolean
read_number (JsonObject *object,
             const char *name,
             double     *value)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;
  const char *text;
  char *end = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      *value = (double) json_node_get_int (node);
      return TRUE;

    case G_TYPE_DOUBLE:
      *value = json_node_get_double (node);
      return TRUE;

    case G_TYPE_STRING:
      text = json_node_get_string (node);
      *value = g_ascii_strtod (text, &end);
      return end != text && *end == '\0';

    default:
      return FALSE;
    }
}

static double
read_score (JsonObject *holder)
{
  JsonNode *node = json_object_get_member (holder, "analytics");
  JsonObject *analytics = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  double value;

  if (read_number (analytics, "internalScore", &value) || read_number (analytics, "confidence", &value))
    return CLAMP (value, 0.0, 100.0);

  return -1.0;
}

static gboolean
srv_abis_http_insert (SrvAbis     *abis,
                      const char  *reference_id,
                      GBytes      *cbeff,
                      GError     **error)
{
  g_autoptr(JsonBuilder) builder = begin_request (SRV_ABIS_API_INSERT, reference_id);

  add_biometrics (builder, cbeff);
  return run (SRV_ABIS_HTTP (abis), "insert", builder, NULL, error);
}

static GPtrArray *
srv_abis_http_identify (SrvAbis             *abis,
                        const char          *reference_id,
                        GBytes              *cbeff,
                        const char * const  *gallery,
                        guint                max_results,
                        double               threshold,
                        GError             **error)
{
  g_autoptr(JsonBuilder) builder = begin_request (SRV_ABIS_API_IDENTIFY, reference_id);
  g_autoptr(JsonNode) response = NULL;
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) srv_abis_candidate_free);
  JsonNode *list_node, *array_node;
  JsonArray *array;

  if (cbeff != NULL)
    add_biometrics (builder, cbeff);
  json_builder_set_member_name (builder, "flags");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "maxResults");
  json_builder_add_int_value (builder, max_results);
  /* The threshold travels as the targetFPIR the API turns back into it. */
  json_builder_set_member_name (builder, "targetFPIR");
  json_builder_add_double_value (builder, threshold * 40.0 / SRV_ABIS_API_DEFAULT_THRESHOLD);
  json_builder_end_object (builder);
  if (gallery != NULL)
    {
      json_builder_set_member_name (builder, "gallery");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "referenceIds");
      json_builder_begin_array (builder);
      for (guint i = 0; gallery[i] != NULL; i++)
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "referenceId");
          json_builder_add_string_value (builder, gallery[i]);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }

  if (!run (SRV_ABIS_HTTP (abis), "identify", builder, &response, error))
    return NULL;

  list_node = json_object_get_member (json_node_get_object (response), "candidateList");
  if (list_node == NULL || JSON_NODE_HOLDS_NULL (list_node))
    return g_steal_pointer (&candidates);
  array_node = JSON_NODE_HOLDS_OBJECT (list_node)
               ? json_object_get_member (json_node_get_object (list_node), "candidates") : NULL;
  if (array_node == NULL || !JSON_NODE_HOLDS_ARRAY (array_node))
    goto malformed;

  array = json_node_get_array (array_node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *object;
      JsonNode *id_node, *modalities;
      SrvAbisCandidate *candidate;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        goto malformed;
      object = json_node_get_object (element);
      id_node = json_object_get_member (object, "referenceId");
      if (id_node == NULL || json_node_get_value_type (id_node) != G_TYPE_STRING)
        goto malformed;

      candidate = g_new0 (SrvAbisCandidate, 1);
      candidate->reference_id = g_strdup (json_node_get_string (id_node));
      candidate->score = MAX (0.0, read_score (object));
      candidate->finger_score = -1.0;
      candidate->face_score = -1.0;
      g_ptr_array_add (candidates, candidate);

      modalities = json_object_get_member (object, "modalities");
      for (guint m = 0; modalities != NULL && JSON_NODE_HOLDS_ARRAY (modalities)
           && m < json_array_get_length (json_node_get_array (modalities)); m++)
        {
          JsonNode *modality = json_array_get_element (json_node_get_array (modalities), m);
          const char *type;

          if (!JSON_NODE_HOLDS_OBJECT (modality)
              || !json_object_has_member (json_node_get_object (modality), "biometricType"))
            continue;
          type = json_object_get_string_member_with_default (json_node_get_object (modality), "biometricType", "");
          if (g_str_equal (type, "FIR") || g_str_equal (type, "FMR") || g_str_equal (type, "Finger"))
            candidate->finger_score = read_score (json_node_get_object (modality));
          else if (g_str_equal (type, "FID") || g_str_equal (type, "Face"))
            candidate->face_score = read_score (json_node_get_object (modality));
        }
    }

  return g_steal_pointer (&candidates);

malformed:
  g_set_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_INTERNAL, _("The external ABIS sent a malformed candidate list"));
  return NULL;
}

static gboolean
srv_abis_http_remove (SrvAbis     *abis,
                      const char  *reference_id,
                      GError     **error)
{
  g_autoptr(JsonBuilder) builder = begin_request (SRV_ABIS_API_DELETE, reference_id);

  return run (SRV_ABIS_HTTP (abis), "delete", builder, NULL, error);
}

static gboolean
srv_abis_http_ping (SrvAbis  *abis,
                    GError  **error)
{
  g_autoptr(JsonBuilder) builder = begin_request (SRV_ABIS_API_PING, NULL);

  return run (SRV_ABIS_HTTP (abis), "ping", builder, NULL, error);
}

static gint64
read_count (SrvAbisHttp *self,
            const char  *api_id,
            const char  *operation,
            const char  *member,
            GError     **error)
{
  g_autoptr(JsonBuilder) builder = begin_request (api_id, NULL);
  g_autoptr(JsonNode) response = NULL;
  double value;

  if (!run (self, operation, builder, &response, error))
    return -1;
  if (!read_number (json_node_get_object (response), member, &value) || value < 0)
    {
      g_set_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_INTERNAL,
                   _("The external ABIS answered without “%s”"), member);
      return -1;
    }

  return (gint64) value;
}

static gint64
srv_abis_http_pending_jobs (SrvAbis  *abis,
                            GError  **error)
{
  return read_count (SRV_ABIS_HTTP (abis), SRV_ABIS_API_PENDING_JOBS, "pendingJobs", "jobscount", error);
}

static gint64
srv_abis_http_reference_count (SrvAbis  *abis,
                               GError  **error)
{
  return read_count (SRV_ABIS_HTTP (abis), SRV_ABIS_API_REFERENCE_COUNT, "referenceCount", "count", error);
}

static void
srv_abis_http_iface_init (SrvAbisInterface *iface)
{
  iface->insert = srv_abis_http_insert;
  iface->identify = srv_abis_http_identify;
  iface->remove = srv_abis_http_remove;
  iface->ping = srv_abis_http_ping;
  iface->pending_jobs = srv_abis_http_pending_jobs;
  iface->reference_count = srv_abis_http_reference_count;
}

static void
srv_abis_http_finalize (GObject *object)
{
  SrvAbisHttp *self = SRV_ABIS_HTTP (object);

  g_free (self->base_url);
  g_free (self->user_id);
  if (self->password != NULL)
    {
      memset (self->password, 0, strlen (self->password));
      g_free (self->password);
    }
  g_free (self->token);
  g_clear_object (&self->pinned);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (srv_abis_http_parent_class)->finalize (object);
}

static void
srv_abis_http_class_init (SrvAbisHttpClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = srv_abis_http_finalize;
}

static void
srv_abis_http_init (SrvAbisHttp *self)
{
  g_mutex_init (&self->lock);
}

/**
 * srv_abis_http_new:
 * @base_url: the external server's base URL, such as "https://abis.example:8443/"
 * @user_id: the user this server logs in as there; it needs the ADMIN role
 * @password: that user's password
 * @pinned_certificate: (nullable): the certificate the external server
 *   must present; %NULL to rely on the system's trusted authorities
 * @error: return location for an error in %SRV_ABIS_ERROR
 *
 * Nothing is sent yet: the first call logs in.
 *
 * Returns: (transfer full) (nullable): the client
 */
SrvAbisHttp *
srv_abis_http_new (const char       *base_url,
                   const char       *user_id,
                   const char       *password,
                   GTlsCertificate  *pinned_certificate,
                   GError          **error)
{
  g_autoptr(GUri) uri = NULL;
  SrvAbisHttp *self;

  g_return_val_if_fail (base_url != NULL, NULL);
  g_return_val_if_fail (user_id != NULL, NULL);
  g_return_val_if_fail (password != NULL, NULL);
  g_return_val_if_fail (pinned_certificate == NULL || G_IS_TLS_CERTIFICATE (pinned_certificate), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  uri = g_uri_parse (base_url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || (g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 &&
                      g_strcmp0 (g_uri_get_scheme (uri), "http") != 0))
    {
      g_set_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_INVALID_REQUEST,
                   _("“%s” is not an http or https URL"), base_url);
      return NULL;
    }

  self = g_object_new (SRV_TYPE_ABIS_HTTP, NULL);
  self->base_url = g_str_has_suffix (base_url, "/") ? g_strdup (base_url) : g_strconcat (base_url, "/", NULL);
  self->user_id = g_strdup (user_id);
  self->password = g_strdup (password);
  self->pinned = pinned_certificate != NULL ? idem_pinned_database_new (pinned_certificate) : NULL;

  return self;
}
