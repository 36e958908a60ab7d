/* srv-abis-api.c — MOSIP's ABIS API over HTTP, at /v1/abis/
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * MOSIP talks to an ABIS through a message queue; Idem serves the same
 * operations, with the same JSON, over HTTP:
 *
 *   POST /v1/abis/insert          mosip.abis.insert
 *   POST /v1/abis/identify        mosip.abis.identify
 *   POST /v1/abis/delete          mosip.abis.delete
 *   POST /v1/abis/ping            mosip.abis.ping
 *   POST /v1/abis/pendingJobs     mosip.abis.pendingJobs
 *   POST /v1/abis/referenceCount  mosip.abis.referenceCount
 *
 * A request is MOSIP's flat object (id, version, requestId, requesttime,
 * referenceId, referenceURL, gallery, flags).  Besides referenceURL, from
 * which the CBEFF document is fetched, Idem accepts the document inline
 * as `biometrics`, base64.  An identify with `biometrics` searches with
 * those; otherwise the referenceId names the probe, already inserted.
 *
 * The answer is the server's usual envelope; its `response` is MOSIP's
 * response object (id, requestId, responsetime, returnValue, and
 * failureReason, candidateList, jobscount or count).  A refusal has
 * returnValue "2" with MOSIP's failure reason, an HTTP status in the 4xx
 * or 5xx range and a stable IDM-ABS-* code in `errors`, so both MOSIP
 * clients and Idem's own (srv-abis-http.c) can act on it.
 *
 * Callers are people or systems holding the ADMIN role, by bearer token
 * (srv_admin_auth_require()): the ABIS holds every resident's biometrics,
 * and its natural callers are the registration processor in the same
 * process (through SrvAbis directly) and, over HTTP, an Idem server whose
 * idem.conf names this one as its external ABIS, which logs in as a user
 * of its own.  Inserts, deletions and identifications are audited.
 *
 * targetFPIR, as MOSIP defines it, is -10·log10 of the false positive
 * identification rate wanted (30 for 1e-3).  The score scale is calibrated
 * at one point: 50 is a single finger at the matcher's threshold, where the
 * synthetic benchmark measures a false match rate under 1e-4, targetFPIR
 * 40.  The threshold is 50 × targetFPIR / 40: stricter above that point,
 * looser below, and only the calibrated point is measured.
 */

#define G_LOG_DOMAIN "idem-abis"

#include "config.h"

#include "srv-abis-api.h"
#include "srv-admin-auth.h"
#include "srv-audit.h"
#include "srv-server.h"

#include <glib/gi18n.h>
#include <string.h>

#define MAX_GALLERY 100000
#define MAX_MAX_RESULTS 1000
#define FETCH_TIMEOUT_S 30

typedef enum
{
  OP_INSERT,
  OP_IDENTIFY,
  OP_DELETE,
  OP_PING,
  OP_PENDING_JOBS,
  OP_REFERENCE_COUNT,
} Operation;

static const struct
{
  const char *path;
  const char *api_id;
  const char *audit_action;
} operations[] = {
  [OP_INSERT] = { "/v1/abis/insert", SRV_ABIS_API_INSERT, "abis.insert" },
  [OP_IDENTIFY] = { "/v1/abis/identify", SRV_ABIS_API_IDENTIFY, "abis.identify" },
  [OP_DELETE] = { "/v1/abis/delete", SRV_ABIS_API_DELETE, "abis.delete" },
  [OP_PING] = { "/v1/abis/ping", SRV_ABIS_API_PING, NULL },
  [OP_PENDING_JOBS] = { "/v1/abis/pendingJobs", SRV_ABIS_API_PENDING_JOBS, NULL },
  [OP_REFERENCE_COUNT] = { "/v1/abis/referenceCount", SRV_ABIS_API_REFERENCE_COUNT, NULL },
};

/* One call, from the handler to the worker thread and back. */
typedef struct
{
  SrvServer         *server;
  SoupServerMessage *msg;
  Operation          op;
  char              *user_id;
  char              *origin;
  char              *request_id;
  char              *reference_id;
  char              *reference_url;
  GBytes            *cbeff;
  GPtrArray         *gallery;
  guint              max_results;
  double             threshold;
  /* Results */
  GPtrArray         *candidates;
  gint64             count;
  GError            *error;
} Call;

static void
call_free (Call *call)
{
  g_object_unref (call->msg);
  g_object_unref (call->server);
  g_free (call->user_id);
  g_free (call->origin);
  g_free (call->request_id);
  g_free (call->reference_id);
  g_free (call->reference_url);
  g_clear_pointer (&call->cbeff, g_bytes_unref);
  g_clear_pointer (&call->gallery, g_ptr_array_unref);
  g_clear_pointer (&call->candidates, g_ptr_array_unref);
  g_clear_error (&call->error);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Call, call_free)

static char *
format_time (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *seconds = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", seconds, g_date_time_get_microsecond (now) / 1000);
}

/* MOSIP's response object, to which the caller adds what the operation
 * returns; closed by respond(). */
static JsonBuilder *
begin_response (Operation   op,
                const char *request_id,
                gboolean    success)
{
  JsonBuilder *builder = json_builder_new ();
  g_autofree char *time = format_time ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, operations[op].api_id);
  json_builder_set_member_name (builder, "requestId");
  if (request_id != NULL)
    json_builder_add_string_value (builder, request_id);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "responsetime");
  json_builder_add_string_value (builder, time);
  json_builder_set_member_name (builder, "returnValue");
  json_builder_add_string_value (builder, success ? "1" : "2");

  return builder;
}

static void
respond (SoupServerMessage *msg,
         Operation          op,
         guint              status,
         JsonBuilder       *builder,
         const char        *code,
         const char        *message)
{
  JsonNode *errors = NULL;

  json_builder_end_object (builder);
  if (code != NULL)
    {
      errors = json_node_new (JSON_NODE_ARRAY);
      json_node_take_array (errors, json_array_new ());
      json_array_add_element (json_node_get_array (errors), srv_http_error_new (code, message));
    }
  srv_http_respond (msg, status, operations[op].api_id, json_builder_get_root (builder), errors);
}

static void
respond_failure (SoupServerMessage    *msg,
                 Operation             op,
                 const char           *request_id,
                 guint                 status,
                 SrvAbisFailureReason  reason,
                 const char           *code,
                 const char           *message)
{
  g_autoptr(JsonBuilder) builder = begin_response (op, request_id, FALSE);
  g_autofree char *reason_text = g_strdup_printf ("%d", reason);

  json_builder_set_member_name (builder, "failureReason");
  json_builder_add_string_value (builder, reason_text);
  respond (msg, op, status, builder, code, message);
}

static void
respond_error (SoupServerMessage *msg,
               Operation          op,
               const char        *request_id,
               const GError      *error)
{
  guint status = SOUP_STATUS_INTERNAL_SERVER_ERROR;
  SrvAbisFailureReason reason = SRV_ABIS_FAILURE_INTERNAL;
  const char *code = SRV_ERROR_CODE_ABIS_INTERNAL;

  if (error->domain == SRV_ABIS_ERROR)
    switch ((SrvAbisError) error->code)
      {
      case SRV_ABIS_ERROR_INVALID_REQUEST:
        status = SOUP_STATUS_BAD_REQUEST;
        reason = SRV_ABIS_FAILURE_INVALID_REQUEST;
        code = SRV_ERROR_CODE_ABIS_INVALID;
        break;

      case SRV_ABIS_ERROR_BAD_BIOMETRICS:
        status = SOUP_STATUS_UNPROCESSABLE_ENTITY;
        reason = SRV_ABIS_FAILURE_INVALID_CBEFF;
        code = SRV_ERROR_CODE_ABIS_BIOMETRICS;
        break;

      case SRV_ABIS_ERROR_DUPLICATE_REFERENCE:
        status = SOUP_STATUS_CONFLICT;
        reason = SRV_ABIS_FAILURE_REFERENCE_EXISTS;
        code = SRV_ERROR_CODE_ABIS_EXISTS;
        break;

      case SRV_ABIS_ERROR_REFERENCE_NOT_FOUND:
        status = SOUP_STATUS_NOT_FOUND;
        reason = SRV_ABIS_FAILURE_REFERENCE_NOT_FOUND;
        code = SRV_ERROR_CODE_ABIS_NOT_FOUND;
        break;

      case SRV_ABIS_ERROR_UNAVAILABLE:
        status = SOUP_STATUS_SERVICE_UNAVAILABLE;
        reason = SRV_ABIS_FAILURE_ABORTED;
        code = SRV_ERROR_CODE_ABIS_UNAVAILABLE;
        break;

      case SRV_ABIS_ERROR_INTERNAL:
      default:
        break;
      }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      /* The referenceURL could not be fetched. */
      status = SOUP_STATUS_UNPROCESSABLE_ENTITY;
      reason = SRV_ABIS_FAILURE_FETCH;
      code = SRV_ERROR_CODE_ABIS_FETCH;
    }

  respond_failure (msg, op, request_id, status, reason, code, error->message);
}

/* Request parsing */

typedef struct
{
  SrvAbisFailureReason  reason;
  const char           *message;
} Refusal;

static gboolean
refuse (Refusal              *refusal,
        SrvAbisFailureReason  reason,
        const char           *message)
{
  refusal->reason = reason;
  refusal->message = message;
  return FALSE;
}

static gboolean
get_string (JsonObject  *object,
            const char  *name,
            const char **value)
{
  JsonNode *node = json_object_get_member (object, name);

  *value = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;
  *value = json_node_get_string (node);
  return TRUE;
}

/* MOSIP writes numbers as strings ("maxResults": "10"); both are taken. */
static gboolean
get_number (JsonObject *object,
            const char *name,
            gboolean   *present,
            double     *value)
{
  JsonNode *node = json_object_get_member (object, name);
  const char *text;
  char *end = NULL;

  *present = FALSE;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  *present = TRUE;
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

static gboolean
parse_common (JsonObject *request,
              Operation   op,
              Call       *call,
              Refusal    *refusal)
{
  const char *id, *version, *request_id, *time, *reference_id;
  g_autoptr(GDateTime) parsed = NULL;

  if (!get_string (request, "requestId", &request_id))
    return refuse (refusal, SRV_ABIS_FAILURE_INVALID_REQUEST, _("“requestId” must be a string"));
  call->request_id = g_strdup (request_id);

  if (!get_string (request, "id", &id) || id == NULL || !g_str_equal (id, operations[op].api_id))
    return refuse (refusal, SRV_ABIS_FAILURE_INVALID_ID, _("“id” does not name this operation"));
  if (!get_string (request, "version", &version))
    return refuse (refusal, SRV_ABIS_FAILURE_INVALID_VERSION, _("“version” must be a string"));
  if (request_id == NULL || request_id[0] == '\0')
    return refuse (refusal, SRV_ABIS_FAILURE_MISSING_REQUEST_ID, _("“requestId” is missing"));
  if (!get_string (request, "requesttime", &time) || time == NULL)
    return refuse (refusal, SRV_ABIS_FAILURE_MISSING_REQUEST_TIME, _("“requesttime” is missing"));
  parsed = g_date_time_new_from_iso8601 (time, NULL);
  if (parsed == NULL)
    return refuse (refusal, SRV_ABIS_FAILURE_INVALID_REQUEST_TIME,
                   _("“requesttime” is not an ISO 8601 time with a zone"));

  if (!get_string (request, "referenceId", &reference_id))
    return refuse (refusal, SRV_ABIS_FAILURE_INVALID_REQUEST, _("“referenceId” must be a string"));
  call->reference_id = g_strdup (reference_id);

  return TRUE;
}

static gboolean
parse_biometrics (JsonObject *request,
                  Call       *call,
                  Refusal    *refusal)
{
  const char *biometrics, *url;
  guchar *decoded;
  gsize length = 0;

  if (!get_string (request, "biometrics", &biometrics))
    return refuse (refusal, SRV_ABIS_FAILURE_INVALID_REQUEST, _("“biometrics” must be a base64 string"));
  if (!get_string (request, "referenceURL", &url) || (url == NULL && !get_string (request, "referenceUrl", &url)))
    return refuse (refusal, SRV_ABIS_FAILURE_INVALID_REQUEST, _("“referenceURL” must be a string"));
  if (url != NULL && url[0] == '\0')
    url = NULL;

  if (biometrics != NULL)
    {
      decoded = g_base64_decode (biometrics, &length);
      if (length == 0)
        {
          g_free (decoded);
          return refuse (refusal, SRV_ABIS_FAILURE_CBEFF_NO_DATA, _("“biometrics” holds no data"));
        }
      call->cbeff = g_bytes_new_take (decoded, length);
    }
  else if (url != NULL)
    {
      g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

      if (uri == NULL || (g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 &&
                          g_strcmp0 (g_uri_get_scheme (uri), "http") != 0))
        return refuse (refusal, SRV_ABIS_FAILURE_INVALID_REQUEST, _("“referenceURL” is not an http or https URL"));
      call->reference_url = g_strdup (url);
    }

  return TRUE;
}

static gboolean
parse_identify (JsonObject *request,
                Call       *call,
                Refusal    *refusal)
{
  JsonNode *flags_node = json_object_get_member (request, "flags");
  JsonNode *gallery_node = json_object_get_member (request, "gallery");
  gboolean present;
  double value;

  call->max_results = SRV_ABIS_API_DEFAULT_MAX_RESULTS;
  call->threshold = SRV_ABIS_API_DEFAULT_THRESHOLD;

  if (flags_node != NULL && !JSON_NODE_HOLDS_NULL (flags_node))
    {
      JsonObject *flags;

      if (!JSON_NODE_HOLDS_OBJECT (flags_node))
        return refuse (refusal, SRV_ABIS_FAILURE_INVALID_REQUEST, _("“flags” must be an object"));
      flags = json_node_get_object (flags_node);
      if (!get_number (flags, "maxResults", &present, &value))
        return refuse (refusal, SRV_ABIS_FAILURE_INVALID_REQUEST, _("“flags.maxResults” must be a number"));
      if (present)
        {
          if (!(value >= 1 && value <= MAX_MAX_RESULTS) || value != (double) (guint) value)
            return refuse (refusal, SRV_ABIS_FAILURE_INVALID_REQUEST,
                           _("“flags.maxResults” must be a whole number from 1 to 1000"));
          call->max_results = (guint) value;
        }
      if (!get_number (flags, "targetFPIR", &present, &value))
        return refuse (refusal, SRV_ABIS_FAILURE_INVALID_REQUEST, _("“flags.targetFPIR” must be a number"));
      if (present)
        {
          if (!(value >= 0 && value <= 200))
            return refuse (refusal, SRV_ABIS_FAILURE_INVALID_REQUEST,
                           _("“flags.targetFPIR” must lie between 0 and 200"));
          call->threshold = srv_abis_api_threshold_for_fpir (value);
        }
    }

  if (gallery_node != NULL && !JSON_NODE_HOLDS_NULL (gallery_node))
    {
      JsonNode *ids_node;
      JsonArray *ids;

      if (!JSON_NODE_HOLDS_OBJECT (gallery_node))
        return refuse (refusal, SRV_ABIS_FAILURE_INVALID_REQUEST, _("“gallery” must be an object"));
      ids_node = json_object_get_member (json_node_get_object (gallery_node), "referenceIds");
      if (ids_node == NULL || !JSON_NODE_HOLDS_ARRAY (ids_node))
        return refuse (refusal, SRV_ABIS_FAILURE_INVALID_REQUEST, _("“gallery.referenceIds” must be an array"));
      ids = json_node_get_array (ids_node);
      if (json_array_get_length (ids) > MAX_GALLERY)
        return refuse (refusal, SRV_ABIS_FAILURE_INVALID_REQUEST, _("“gallery.referenceIds” is too long"));

      call->gallery = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < json_array_get_length (ids); i++)
        {
          JsonNode *element = json_array_get_element (ids, i);
          const char *id = NULL;

          /* MOSIP sends {"referenceId": "…"}; a bare string is taken too. */
          if (JSON_NODE_HOLDS_OBJECT (element))
            get_string (json_node_get_object (element), "referenceId", &id);
          else if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
            id = json_node_get_string (element);
          if (id == NULL)
            return refuse (refusal, SRV_ABIS_FAILURE_INVALID_REQUEST,
                           _("Each gallery entry needs a “referenceId” string"));
          g_ptr_array_add (call->gallery, g_strdup (id));
        }
      g_ptr_array_add (call->gallery, NULL);
    }

  return TRUE;
}

static gboolean
parse_request (JsonObject *request,
               Call       *call,
               Refusal    *refusal)
{
  if (!parse_common (request, call->op, call, refusal))
    return FALSE;

  switch (call->op)
    {
    case OP_INSERT:
      if (call->reference_id == NULL)
        return refuse (refusal, SRV_ABIS_FAILURE_MISSING_REFERENCE_ID, _("“referenceId” is missing"));
      if (!parse_biometrics (request, call, refusal))
        return FALSE;
      if (call->cbeff == NULL && call->reference_url == NULL)
        return refuse (refusal, SRV_ABIS_FAILURE_MISSING_REFERENCE_URL,
                       _("An insert needs “referenceURL” or inline “biometrics”"));
      return TRUE;

    case OP_IDENTIFY:
      if (!parse_biometrics (request, call, refusal))
        return FALSE;
      if (call->reference_id == NULL && call->cbeff == NULL && call->reference_url == NULL)
        return refuse (refusal, SRV_ABIS_FAILURE_MISSING_REFERENCE_ID,
                       _("An identification needs “referenceId”, “referenceURL” or “biometrics”"));
      return parse_identify (request, call, refusal);

    case OP_DELETE:
      if (call->reference_id == NULL)
        return refuse (refusal, SRV_ABIS_FAILURE_MISSING_REFERENCE_ID, _("“referenceId” is missing"));
      return TRUE;

    case OP_PING:
    case OP_PENDING_JOBS:
    case OP_REFERENCE_COUNT:
    default:
      return TRUE;
    }
}

/* The worker */

static GBytes *
fetch_reference (const char  *url,
                 GError     **error)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", FETCH_TIMEOUT_S, NULL);
  g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_GET, url);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) body = NULL;

  if (message != NULL)
    body = soup_session_send_and_read (session, message, NULL, &local_error);
  if (body == NULL || !SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (message)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("The biometrics cannot be fetched from the reference URL: %s"),
                   local_error != NULL ? local_error->message
                   : message == NULL ? _("bad URL") : soup_message_get_reason_phrase (message));
      return NULL;
    }
  if (g_bytes_get_size (body) > SRV_ABIS_API_MAX_BODY_BYTES)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("The document at the reference URL is larger than %u bytes"), SRV_ABIS_API_MAX_BODY_BYTES);
      return NULL;
    }

  return g_steal_pointer (&body);
}

static void
call_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Call *call = task_data;
  SrvAbis *abis = srv_server_get_abis (call->server);

  if (abis == NULL)
    {
      g_set_error (&call->error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_UNAVAILABLE, _("The server has no ABIS running"));
      goto out;
    }
  if (call->reference_url != NULL && call->cbeff == NULL)
    {
      call->cbeff = fetch_reference (call->reference_url, &call->error);
      if (call->cbeff == NULL)
        goto out;
    }

  switch (call->op)
    {
    case OP_INSERT:
      srv_abis_insert (abis, call->reference_id, call->cbeff, &call->error);
      break;

    case OP_IDENTIFY:
      call->candidates = srv_abis_identify (abis, call->cbeff != NULL ? NULL : call->reference_id, call->cbeff,
                                            call->gallery != NULL ? (const char * const *) call->gallery->pdata
                                            : NULL,
                                            call->max_results, call->threshold, &call->error);
      break;

    case OP_DELETE:
      srv_abis_remove (abis, call->reference_id, &call->error);
      break;

    case OP_PING:
      srv_abis_ping (abis, &call->error);
      break;

    case OP_PENDING_JOBS:
      call->count = srv_abis_pending_jobs (abis, &call->error);
      break;

    case OP_REFERENCE_COUNT:
      call->count = srv_abis_reference_count (abis, &call->error);
      break;

    default:
      g_assert_not_reached ();
    }

out:
  g_task_return_boolean (task, TRUE);
}

static void
add_score_analytics (JsonBuilder *builder,
                     double       score)
{
  g_autofree char *text = g_strdup_printf ("%.1f", score);

  json_builder_set_member_name (builder, "analytics");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "confidence");
  json_builder_add_string_value (builder, text);
  json_builder_set_member_name (builder, "internalScore");
  json_builder_add_string_value (builder, text);
  json_builder_end_object (builder);
}

static void
add_candidates (JsonBuilder *builder,
                GPtrArray   *candidates)
{
  g_autofree char *count = g_strdup_printf ("%u", candidates->len);

  json_builder_set_member_name (builder, "candidateList");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "count");
  json_builder_add_string_value (builder, count);
  json_builder_set_member_name (builder, "candidates");
  json_builder_begin_array (builder);
  for (guint i = 0; i < candidates->len; i++)
    {
      const SrvAbisCandidate *candidate = g_ptr_array_index (candidates, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "referenceId");
      json_builder_add_string_value (builder, candidate->reference_id);
      add_score_analytics (builder, candidate->score);
      json_builder_set_member_name (builder, "modalities");
      json_builder_begin_array (builder);
      if (candidate->finger_score >= 0)
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "biometricType");
          json_builder_add_string_value (builder, "FIR");
          add_score_analytics (builder, candidate->finger_score);
          json_builder_end_object (builder);
        }
      if (candidate->face_score >= 0)
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "biometricType");
          json_builder_add_string_value (builder, "FID");
          add_score_analytics (builder, candidate->face_score);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

static void
audit (Call       *call,
       gboolean    success,
       const char *detail)
{
  g_autoptr(GError) error = NULL;

  if (operations[call->op].audit_action == NULL)
    return;
  if (!srv_audit_record (srv_server_get_database (call->server), call->user_id, operations[call->op].audit_action,
                         call->reference_id, success, call->origin, detail, &error))
    g_warning ("The ABIS call could not be audited: %s", error->message);
}

static void
call_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Call *call = g_task_get_task_data (G_TASK (result));
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *count = NULL;

  if (call->error != NULL)
    {
      audit (call, FALSE, call->error->message);
      respond_error (call->msg, call->op, call->request_id, call->error);
      soup_server_message_unpause (call->msg);
      return;
    }

  builder = begin_response (call->op, call->request_id, TRUE);
  switch (call->op)
    {
    case OP_IDENTIFY:
      add_candidates (builder, call->candidates);
      detail = g_strdup_printf ("%u candidates", call->candidates->len);
      break;

    case OP_PENDING_JOBS:
      count = g_strdup_printf ("%" G_GINT64_FORMAT, call->count);
      json_builder_set_member_name (builder, "jobscount");
      json_builder_add_string_value (builder, count);
      break;

    case OP_REFERENCE_COUNT:
      count = g_strdup_printf ("%" G_GINT64_FORMAT, call->count);
      json_builder_set_member_name (builder, "count");
      json_builder_add_string_value (builder, count);
      break;

    case OP_INSERT:
    case OP_DELETE:
    case OP_PING:
    default:
      break;
    }
  audit (call, TRUE, detail);
  respond (call->msg, call->op, SOUP_STATUS_OK, builder, NULL, NULL);
  soup_server_message_unpause (call->msg);
}

static void
handle (SoupServerMessage *msg,
        Operation          op,
        SrvServer         *server)
{
  g_autoptr(Call) call = g_new0 (Call, 1);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GTask) task = NULL;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  const char *remote = soup_server_message_get_remote_host (msg);
  JsonNode *root;
  Refusal refusal = { 0 };

  call->server = g_object_ref (server);
  call->msg = g_object_ref (msg);
  call->op = op;
  call->origin = g_strdup (remote != NULL ? remote : "");

  if (!srv_admin_auth_require (server, msg, operations[op].api_id, SRV_ROLE_ADMIN, &call->user_id))
    return;

  if (body->length > SRV_ABIS_API_MAX_BODY_BYTES)
    {
      audit (call, FALSE, "request too large");
      respond_failure (msg, op, NULL, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, SRV_ABIS_FAILURE_INVALID_REQUEST,
                       SRV_ERROR_CODE_ABIS_TOO_LARGE, _("The request is larger than the ABIS accepts"));
      return;
    }
  if (!json_parser_load_from_data (parser, body->data != NULL ? body->data : "", body->length, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      audit (call, FALSE, "not a JSON object");
      respond_failure (msg, op, NULL, SOUP_STATUS_BAD_REQUEST, SRV_ABIS_FAILURE_INVALID_REQUEST,
                       SRV_ERROR_CODE_ABIS_JSON, _("The request is not a JSON object"));
      return;
    }
  if (!parse_request (json_node_get_object (root), call, &refusal))
    {
      audit (call, FALSE, refusal.message);
      respond_failure (msg, op, call->request_id, SOUP_STATUS_BAD_REQUEST, refusal.reason,
                       SRV_ERROR_CODE_ABIS_INVALID, refusal.message);
      return;
    }

  soup_server_message_pause (msg);
  task = g_task_new (NULL, NULL, call_done_cb, NULL);
  g_task_set_source_tag (task, handle);
  g_task_set_task_data (task, g_steal_pointer (&call), (GDestroyNotify) call_free);
  g_task_run_in_thread (task, call_thread);
}

#define DEFINE_HANDLER(name, op) \
        static void \
        name (SoupServerMessage *msg, \
              GHashTable        *params, \
              gpointer           user_data) \
        { \
          handle (msg, op, user_data); \
        }

DEFINE_HANDLER (insert_cb, OP_INSERT)
DEFINE_HANDLER (identify_cb, OP_IDENTIFY)
DEFINE_HANDLER (delete_cb, OP_DELETE)
DEFINE_HANDLER (ping_cb, OP_PING)
DEFINE_HANDLER (pending_jobs_cb, OP_PENDING_JOBS)
DEFINE_HANDLER (reference_count_cb, OP_REFERENCE_COUNT)

/**
 * srv_abis_api_add_routes:
 * @router: the server's router
 * @server: the server, whose ABIS answers
 *
 * Adds the six ABIS operations under /v1/abis/.
 */
void
srv_abis_api_add_routes (SrvRouter *router,
                         SrvServer *server)
{
  const SrvRouteFunc handlers[] = {
    [OP_INSERT] = insert_cb,
    [OP_IDENTIFY] = identify_cb,
    [OP_DELETE] = delete_cb,
    [OP_PING] = ping_cb,
    [OP_PENDING_JOBS] = pending_jobs_cb,
    [OP_REFERENCE_COUNT] = reference_count_cb,
  };

  g_return_if_fail (SRV_IS_ROUTER (router));
  g_return_if_fail (SRV_IS_SERVER (server));

  for (guint i = 0; i < G_N_ELEMENTS (operations); i++)
    srv_router_add (router, "POST", operations[i].path, handlers[i], server);
}

/**
 * srv_abis_api_threshold_for_fpir:
 * @target_fpir: MOSIP's targetFPIR, -10·log10 of the identification false
 *   positive rate
 *
 * Returns: the score threshold, 0–100 (see the top of this file)
 */
double
srv_abis_api_threshold_for_fpir (double target_fpir)
{
  return CLAMP (SRV_ABIS_API_DEFAULT_THRESHOLD * target_fpir / 40.0, 0.0, 99.0);
}

static SrvAbisError
error_for_reason (guint reason)
{
  switch (reason)
    {
    case SRV_ABIS_FAILURE_REFERENCE_EXISTS:
      return SRV_ABIS_ERROR_DUPLICATE_REFERENCE;

    case SRV_ABIS_FAILURE_REFERENCE_NOT_FOUND:
      return SRV_ABIS_ERROR_REFERENCE_NOT_FOUND;

    case SRV_ABIS_FAILURE_FETCH:
    case SRV_ABIS_FAILURE_CBEFF_NO_DATA:
    case SRV_ABIS_FAILURE_INVALID_CBEFF:
    case 17:
    case 18:
      return SRV_ABIS_ERROR_BAD_BIOMETRICS;

    case SRV_ABIS_FAILURE_ABORTED:
      return SRV_ABIS_ERROR_UNAVAILABLE;

    case SRV_ABIS_FAILURE_INTERNAL:
    case SRV_ABIS_FAILURE_UNEXPECTED:
      return SRV_ABIS_ERROR_INTERNAL;

    default:
      return SRV_ABIS_ERROR_INVALID_REQUEST;
    }
}

/**
 * srv_abis_api_error_from_response:
 * @status: the HTTP status of an ABIS API answer
 * @root: (nullable): its JSON, if it had any
 *
 * Reads a refusal back into %SRV_ABIS_ERROR, for clients of the API: by
 * the IDM-ABS-* code when an Idem server answered, else by MOSIP's failure
 * reason, else by the HTTP status.
 *
 * Returns: (transfer full) (nullable): the error, or %NULL when the answer
 *   is a success
 */
GError *
srv_abis_api_error_from_response (guint     status,
                                  JsonNode *root)
{
  JsonObject *object = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonObject *response = NULL;
  const char *code = NULL, *message = NULL, *return_value = NULL, *reason = NULL;
  SrvAbisError error_code;

  if (object != NULL && json_object_has_member (object, "response")
      && JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "response")))
    response = json_object_get_object_member (object, "response");
  if (object != NULL && json_object_has_member (object, "errors")
      && JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "errors")))
    {
      JsonArray *errors = json_object_get_array_member (object, "errors");

      if (json_array_get_length (errors) > 0 && JSON_NODE_HOLDS_OBJECT (json_array_get_element (errors, 0)))
        {
          JsonObject *first = json_array_get_object_element (errors, 0);

          get_string (first, "errorCode", &code);
          get_string (first, "message", &message);
        }
    }
  if (response != NULL)
    {
      get_string (response, "returnValue", &return_value);
      get_string (response, "failureReason", &reason);
    }

  if (SOUP_STATUS_IS_SUCCESSFUL (status) && code == NULL && g_strcmp0 (return_value, "1") == 0)
    return NULL;

  if (g_strcmp0 (code, SRV_ERROR_CODE_ABIS_EXISTS) == 0)
    error_code = SRV_ABIS_ERROR_DUPLICATE_REFERENCE;
  else if (g_strcmp0 (code, SRV_ERROR_CODE_ABIS_NOT_FOUND) == 0)
    error_code = SRV_ABIS_ERROR_REFERENCE_NOT_FOUND;
  else if (g_strcmp0 (code, SRV_ERROR_CODE_ABIS_BIOMETRICS) == 0 || g_strcmp0 (code, SRV_ERROR_CODE_ABIS_FETCH) == 0)
    error_code = SRV_ABIS_ERROR_BAD_BIOMETRICS;
  else if (g_strcmp0 (code, SRV_ERROR_CODE_ABIS_UNAVAILABLE) == 0)
    error_code = SRV_ABIS_ERROR_UNAVAILABLE;
  else if (g_strcmp0 (code, SRV_ERROR_CODE_ABIS_INTERNAL) == 0)
    error_code = SRV_ABIS_ERROR_INTERNAL;
  else if (g_strcmp0 (code, SRV_ERROR_CODE_ABIS_INVALID) == 0 || g_strcmp0 (code, SRV_ERROR_CODE_ABIS_JSON) == 0
           || g_strcmp0 (code, SRV_ERROR_CODE_ABIS_TOO_LARGE) == 0)
    error_code = SRV_ABIS_ERROR_INVALID_REQUEST;
  else if (reason != NULL)
    error_code = error_for_reason ((guint) g_ascii_strtoull (reason, NULL, 10));
  else if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN || status >= 500 || status < 100)
    error_code = SRV_ABIS_ERROR_UNAVAILABLE;
  else
    error_code = SRV_ABIS_ERROR_INTERNAL;

  return g_error_new (SRV_ABIS_ERROR, error_code, _("The ABIS refused: %s (HTTP %u%s%s)"),
                      message != NULL ? message : _("no reason given"), status,
                      code != NULL ? ", " : "", code != NULL ? code : "");
}
