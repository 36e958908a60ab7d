/* reg-sync.c — downloading what the machine needs, and packet statuses
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * One run walks the server's sync API in order, each call signed with the
 * machine's key: the packet certificate (which also names the server's
 * signing key, pinned at the first sync), the ID schema and UI spec,
 * master data, the centre, the users, and last the statuses of uploaded
 * packets.  Every answer but the last is checked against the pinned key.
 * Each step keeps the "version" its answer gave and sends it as `since`
 * next time, so later runs download only what changed.  A step's data is
 * stored before its version, so a run cut short repeats at worst a delta
 * it already applied, which merging makes harmless.
 */

#define G_LOG_DOMAIN "reg-sync"

#include "config.h"

#include "reg-sync.h"

#include "idem-openssl-types.h"

#include <glib/gi18n.h>
#include <openssl/err.h>

#define VALUE_SERVER_KEY "server-signing-key"

typedef enum
{
  STEP_CERTIFICATE,
  STEP_SCHEMA,
  STEP_MASTER_DATA,
  STEP_CENTRE,
  STEP_USERS,
  STEP_STATUSES,
  N_STEPS,
} Step;

static const char * const step_names[N_STEPS] = {
  "certificate", "schema", "masterdata", "centre", "users", "statuses",
};

struct _RegSync
{
  GObject     parent_instance;

  RegMachine *machine;
  IdemClient *client;
  gboolean    busy;
};

G_DEFINE_FINAL_TYPE (RegSync, reg_sync, G_TYPE_OBJECT)

G_DEFINE_QUARK (reg-sync-error-quark, reg_sync_error)

enum {
  PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  Step       step;
  GPtrArray *status_rids;
} Run;

static void
run_free (Run *run)
{
  g_clear_pointer (&run->status_rids, g_ptr_array_unref);
  g_free (run);
}

static void run_step (GTask *task);

static char *
since_key (Step step)
{
  return g_strconcat ("sync-since-", step_names[step], NULL);
}

static gint64
get_since (RegSync *self,
           Step     step)
{
  g_autofree char *key = since_key (step);
  g_autofree char *value = reg_store_get_value (reg_machine_get_store (self->machine), key);

  return value != NULL ? g_ascii_strtoll (value, NULL, 10) : 0;
}

static gboolean
set_since (RegSync  *self,
           Step      step,
           gint64    since,
           GError  **error)
{
  g_autofree char *key = since_key (step);
  g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, since);

  return reg_store_set_value (reg_machine_get_store (self->machine), key, value, error);
}

static EVP_PKEY *
public_key_from_pem (const char *pem)
{
  g_autoptr(BIO) bio = BIO_new_mem_buf (pem, -1);
  EVP_PKEY *key = bio != NULL ? PEM_read_bio_PUBKEY (bio, NULL, NULL, NULL) : NULL;

  ERR_clear_error ();
  return key;
}

static gboolean
bad_answer (GError     **error,
            const char  *what)
{
  g_set_error (error, REG_SYNC_ERROR, REG_SYNC_ERROR_BAD_ANSWER,
               _("The server’s answer to the %s sync is not what the sync API gives"), what);
  return FALSE;
}

static gint64
member_int (JsonObject *object,
            const char *name,
            gint64      fallback)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return fallback;

  return json_node_get_int (node);
}

/* Puts @row into @rows in place of the row with the same @key_of value,
 * or at the end. */
typedef char * (*RowKeyFunc) (JsonObject *row);

static char *
code_key (JsonObject *row)
{
  return g_strdup (json_object_get_string_member_with_default (row, "code", ""));
}

static char *
user_key (JsonObject *row)
{
  return g_strdup (json_object_get_string_member_with_default (row, "id",
                                                               json_object_get_string_member_with_default (row, "userId", "")));
}

static char *
document_key (JsonObject *row)
{
  return g_strjoin ("\x1f",
                    json_object_get_string_member_with_default (row, "applicantType", ""),
                    json_object_get_string_member_with_default (row, "documentCategory", ""),
                    json_object_get_string_member_with_default (row, "documentType", ""),
                    NULL);
}

static void
merge_row (JsonArray  *rows,
           JsonNode   *row,
           RowKeyFunc  key_of)
{
  g_autofree char *key = key_of (json_node_get_object (row));

  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonNode *existing = json_array_get_element (rows, i);
      g_autofree char *existing_key = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (existing))
        continue;
      existing_key = key_of (json_node_get_object (existing));
      if (g_str_equal (existing_key, key))
        {
          json_array_remove_element (rows, i);
          break;
        }
    }

  json_array_add_element (rows, json_node_copy (row));
}

static JsonArray *
rows_of_type (JsonObject *types,
              const char *type)
{
  if (!json_object_has_member (types, type) || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (types, type)))
    json_object_set_array_member (types, type, json_array_new ());

  return json_object_get_array_member (types, type);
}

static gboolean
apply_document (RegSync     *self,
                const char  *kind,
                JsonNode    *node,
                GError     **error)
{
  g_autofree char *text = json_to_string (node, FALSE);

  return reg_machine_apply_sync_document (self->machine, kind, text, error);
}

static JsonObject *
load_object_document (RegSync    *self,
                      const char *kind)
{
  g_autofree char *text = reg_store_load_sync_document (reg_machine_get_store (self->machine), kind);
  g_autoptr(JsonNode) node = text != NULL ? json_from_string (text, NULL) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return json_object_new ();

  return json_object_ref (json_node_get_object (node));
}

static gboolean
apply_certificate (RegSync     *self,
                   JsonObject  *answer,
                   GError     **error)
{
  const char *certificate = json_object_get_string_member_with_default (answer, "certificate", NULL);
  const char *server_key = json_object_get_string_member_with_default (answer, "serverSigningKey", NULL);
  g_autofree char *pinned = reg_store_get_value (reg_machine_get_store (self->machine), VALUE_SERVER_KEY);
  g_autofree char *offered = NULL;
  g_autoptr(EVP_PKEY) key = NULL;

  if (certificate == NULL || server_key == NULL || (key = public_key_from_pem (server_key)) == NULL)
    return bad_answer (error, step_names[STEP_CERTIFICATE]);

  offered = g_strstrip (g_strdup (server_key));
  if (pinned != NULL && !g_str_equal (g_strstrip (pinned), offered))
    {
      g_set_error_literal (error, REG_SYNC_ERROR, REG_SYNC_ERROR_SERVER_KEY_CHANGED,
                           _("The server signs with another key than at this workstation’s first sync: "
                             "ask your administrator before syncing again"));
      return FALSE;
    }

  if (!reg_machine_apply_sync_document (self->machine, REG_SYNC_CERTIFICATE, certificate, error))
    return FALSE;

  if (pinned == NULL && !reg_store_set_value (reg_machine_get_store (self->machine), VALUE_SERVER_KEY, offered, error))
    return FALSE;

  idem_client_set_server_key (self->client, key);
  return TRUE;
}

static gboolean
apply_schema (RegSync     *self,
              JsonObject  *answer,
              GError     **error)
{
  gint64 since = get_since (self, STEP_SCHEMA);
  static const struct {
    const char *member;
    const char *kind;
  } documents[] = {
    { "idSchema", REG_SYNC_ID_SCHEMA },
    { "uiSpec", REG_SYNC_UI_SPEC },
  };

  /* The ID schema first: the UI spec is checked against it. */
  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      JsonNode *node = json_object_get_member (answer, documents[i].member);
      JsonObject *document;
      JsonNode *content;

      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        continue;
      if (!JSON_NODE_HOLDS_OBJECT (node))
        return bad_answer (error, step_names[STEP_SCHEMA]);

      document = json_node_get_object (node);
      content = json_object_get_member (document, "content");
      if (content == NULL || !JSON_NODE_HOLDS_OBJECT (content))
        return bad_answer (error, step_names[STEP_SCHEMA]);
      if (!apply_document (self, documents[i].kind, content, error))
        return FALSE;

      since = MAX (since, member_int (document, "version", since));
    }

  return set_since (self, STEP_SCHEMA, since, error);
}

static gboolean
merge_array (JsonObject  *answer,
             const char  *member,
             JsonObject  *types,
             const char  *type,
             RowKeyFunc   key_of,
             GError     **error)
{
  JsonNode *node = json_object_get_member (answer, member);
  JsonArray *rows;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return bad_answer (error, step_names[STEP_MASTER_DATA]);

  rows = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonNode *row = json_array_get_element (rows, i);
      const char *row_type = type;

      if (!JSON_NODE_HOLDS_OBJECT (row))
        return bad_answer (error, step_names[STEP_MASTER_DATA]);
      if (row_type == NULL)
        row_type = json_object_get_string_member_with_default (json_node_get_object (row), "type", NULL);
      if (row_type == NULL)
        return bad_answer (error, step_names[STEP_MASTER_DATA]);

      merge_row (rows_of_type (types, row_type), row, key_of);
    }

  return TRUE;
}

static gboolean
apply_master_data (RegSync     *self,
                   JsonObject  *answer,
                   GError     **error)
{
  g_autoptr(JsonObject) types = load_object_document (self, REG_SYNC_MASTER_DATA);
  g_autoptr(JsonNode) node = NULL;

  if (!merge_array (answer, "masterData", types, NULL, code_key, error) ||
      !merge_array (answer, "locations", types, "location", code_key, error) ||
      !merge_array (answer, "applicantValidDocuments", types, "applicantValidDocument", document_key, error))
    return FALSE;

  node = json_node_init_object (json_node_alloc (), types);
  if (!apply_document (self, REG_SYNC_MASTER_DATA, node, error))
    return FALSE;

  return set_since (self, STEP_MASTER_DATA, member_int (answer, "version", 0), error);
}

static gboolean
apply_centre (RegSync     *self,
              JsonObject  *answer,
              GError     **error)
{
  JsonNode *node = json_object_get_member (answer, "centre");

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      const char *centre_id = json_object_get_string_member_with_default (json_node_get_object (node), "id", NULL);

      if (!reg_machine_set_centre_id (self->machine, centre_id, error))
        return FALSE;
    }

  return set_since (self, STEP_CENTRE, member_int (answer, "version", 0), error);
}

static gboolean
apply_users (RegSync     *self,
             JsonObject  *answer,
             GError     **error)
{
  g_autofree char *text = reg_store_load_sync_document (reg_machine_get_store (self->machine), REG_SYNC_USERS);
  g_autoptr(JsonNode) current = text != NULL ? json_from_string (text, NULL) : NULL;
  g_autoptr(JsonArray) users = NULL;
  g_autoptr(JsonArray) kept = json_array_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GHashTable) mapped = g_hash_table_new (g_str_hash, g_str_equal);
  JsonNode *delta = json_object_get_member (answer, "users");
  JsonNode *ids = json_object_get_member (answer, "userIds");

  if (delta == NULL || !JSON_NODE_HOLDS_ARRAY (delta) || ids == NULL || !JSON_NODE_HOLDS_ARRAY (ids))
    return bad_answer (error, step_names[STEP_USERS]);

  users = current != NULL && JSON_NODE_HOLDS_ARRAY (current)
    ? json_array_ref (json_node_get_array (current)) : json_array_new ();

  for (guint i = 0; i < json_array_get_length (json_node_get_array (delta)); i++)
    {
      JsonNode *row = json_array_get_element (json_node_get_array (delta), i);

      if (!JSON_NODE_HOLDS_OBJECT (row))
        return bad_answer (error, step_names[STEP_USERS]);
      merge_row (users, row, user_key);
    }

  /* Whoever is no longer mapped to this centre can no longer sign in. */
  for (guint i = 0; i < json_array_get_length (json_node_get_array (ids)); i++)
    {
      const char *id = json_node_get_string (json_array_get_element (json_node_get_array (ids), i));

      if (id != NULL)
        g_hash_table_add (mapped, (gpointer) id);
    }

  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      JsonNode *row = json_array_get_element (users, i);
      g_autofree char *id = JSON_NODE_HOLDS_OBJECT (row) ? user_key (json_node_get_object (row)) : NULL;

      if (id != NULL && g_hash_table_contains (mapped, id))
        json_array_add_element (kept, json_node_copy (row));
    }

  node = json_node_init_array (json_node_alloc (), kept);
  if (!apply_document (self, REG_SYNC_USERS, node, error))
    return FALSE;

  return set_since (self, STEP_USERS, member_int (answer, "version", 0), error);
}

static gboolean
apply_statuses (RegSync     *self,
                JsonNode    *answer,
                GError     **error)
{
  RegStore *store = reg_machine_get_store (self->machine);
  JsonArray *entries;

  if (!JSON_NODE_HOLDS_ARRAY (answer))
    return bad_answer (error, step_names[STEP_STATUSES]);

  entries = json_node_get_array (answer);
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonNode *node = json_array_get_element (entries, i);
      JsonObject *entry;
      const char *rid;
      const char *status;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return bad_answer (error, step_names[STEP_STATUSES]);
      entry = json_node_get_object (node);
      rid = json_object_get_string_member_with_default (entry, "registrationId", NULL);
      status = json_object_get_string_member_with_default (entry, "statusCode", NULL);
      if (rid == NULL || status == NULL)
        return bad_answer (error, step_names[STEP_STATUSES]);

      if (!reg_store_set_server_status (store, rid, status,
                                        json_object_get_string_member_with_default (entry, "reasonCode", NULL),
                                        json_object_get_string_member_with_default (entry, "uin", NULL),
                                        error))
        return FALSE;
    }

  return TRUE;
}

/* Packets the server has not finished with: their status may change.  A
 * processed packet is followed until its UIN has come back too. */
static GPtrArray *
packets_to_follow (RegSync *self)
{
  g_autoptr(GPtrArray) uploaded = reg_store_list_packets (reg_machine_get_store (self->machine),
                                                          REG_PACKET_STATE_UPLOADED, NULL);
  GPtrArray *rids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; uploaded != NULL && i < uploaded->len; i++)
    {
      const RegPacket *packet = g_ptr_array_index (uploaded, i);

      gboolean processed = g_strcmp0 (packet->server_status, "PROCESSED") == 0 ||
                           g_strcmp0 (packet->server_status, "UIN_GENERATED") == 0;

      if (!(processed && packet->has_uin) &&
          g_strcmp0 (packet->server_status, "REJECTED") != 0 &&
          g_strcmp0 (packet->server_status, "REREGISTER") != 0)
        g_ptr_array_add (rids, g_strdup (packet->rid));
    }

  return rids;
}

static void
step_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RegSync *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  answer = idem_client_call_finish (IDEM_CLIENT (object), result, &error);
  if (answer == NULL)
    {
      self->busy = FALSE;
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (run->step == STEP_STATUSES)
    ok = apply_statuses (self, answer, &error);
  else if (!JSON_NODE_HOLDS_OBJECT (answer))
    ok = bad_answer (&error, step_names[run->step]);
  else
    {
      JsonObject *object_answer = json_node_get_object (answer);

      switch (run->step)
        {
        case STEP_CERTIFICATE:
          ok = apply_certificate (self, object_answer, &error);
          break;

        case STEP_SCHEMA:
          ok = apply_schema (self, object_answer, &error);
          break;

        case STEP_MASTER_DATA:
          ok = apply_master_data (self, object_answer, &error);
          break;

        case STEP_CENTRE:
          ok = apply_centre (self, object_answer, &error);
          break;

        case STEP_USERS:
          ok = apply_users (self, object_answer, &error);
          break;

        case STEP_STATUSES:
        case N_STEPS:
        default:
          g_assert_not_reached ();
        }
    }

  if (!ok)
    {
      self->busy = FALSE;
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  run->step++;
  run_step (g_steal_pointer (&task));
}

static void
run_step (GTask *task)
{
  RegSync *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(JsonNode) request = NULL;
  g_autofree char *path = NULL;
  IdemClientCallFlags flags = IDEM_CLIENT_CALL_VERIFY_SIGNATURE;
  const char *method = "GET";

  g_signal_emit (self, signals[PROGRESS], 0, (double) run->step / N_STEPS);

  if (run->step == STEP_STATUSES)
    {
      g_autoptr(JsonArray) entries = json_array_new ();

      run->status_rids = packets_to_follow (self);
      if (run->status_rids->len == 0)
        run->step++;
      for (guint i = 0; i < run->status_rids->len; i++)
        {
          JsonObject *entry = json_object_new ();

          json_object_set_string_member (entry, "registrationId", g_ptr_array_index (run->status_rids, i));
          json_array_add_object_element (entries, entry);
        }
      request = json_node_init_array (json_node_alloc (), entries);
    }

  if (run->step == N_STEPS)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autoptr(GError) error = NULL;

      self->busy = FALSE;
      g_signal_emit (self, signals[PROGRESS], 0, 1.0);
      if (!reg_machine_set_last_sync (self->machine, now, &error))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  switch (run->step)
    {
    case STEP_CERTIFICATE:
      path = g_strdup ("/v1/sync/certificate");
      /* The first sync learns the key it checks every later one with. */
      {
        g_autofree char *pinned = reg_store_get_value (reg_machine_get_store (self->machine), VALUE_SERVER_KEY);
        g_autoptr(EVP_PKEY) key = pinned != NULL ? public_key_from_pem (pinned) : NULL;

        idem_client_set_server_key (self->client, key);
        if (key == NULL)
          flags = IDEM_CLIENT_CALL_NONE;
      }
      break;

    case STEP_STATUSES:
      path = g_strdup ("/v1/registration/status");
      method = "POST";
      flags = IDEM_CLIENT_CALL_NONE;
      break;

    case STEP_SCHEMA:
    case STEP_MASTER_DATA:
    case STEP_CENTRE:
    case STEP_USERS:
      path = g_strdup_printf ("/v1/sync/%s?since=%" G_GINT64_FORMAT, step_names[run->step],
                              get_since (self, run->step));
      break;

    case N_STEPS:
    default:
      g_assert_not_reached ();
    }

  idem_client_call_full_async (self->client, method, path, request, NULL, flags,
                               g_task_get_cancellable (task), step_cb, task);
}

static void
reg_sync_dispose (GObject *object)
{
  RegSync *self = REG_SYNC (object);

  g_clear_object (&self->client);
  g_clear_object (&self->machine);

  G_OBJECT_CLASS (reg_sync_parent_class)->dispose (object);
}

static void
reg_sync_class_init (RegSyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = reg_sync_dispose;

  /**
   * RegSync::progress:
   * @fraction: how much of the run is done, 0 to 1
   */
  signals[PROGRESS] = g_signal_new ("progress",
                                    G_TYPE_FROM_CLASS (klass),
                                    G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL,
                                    G_TYPE_NONE, 1, G_TYPE_DOUBLE);
}

static void
reg_sync_init (RegSync *self)
{
}

/**
 * reg_sync_new:
 * @machine: the workstation's machine
 * @server_url: the server's https address
 *
 * Returns: (transfer full): a sync for @machine; its client is made in
 *   the thread-default main context, where the calls must be made
 */
RegSync *
reg_sync_new (RegMachine *machine,
              const char *server_url)
{
  RegSync *self;

  g_return_val_if_fail (REG_IS_MACHINE (machine), NULL);
  g_return_val_if_fail (server_url != NULL, NULL);

  self = g_object_new (REG_TYPE_SYNC, NULL);
  self->machine = g_object_ref (machine);
  self->client = idem_client_new (server_url);

  return self;
}

/**
 * reg_sync_get_machine:
 * @self: a #RegSync
 *
 * Returns: (transfer none): the machine
 */
RegMachine *
reg_sync_get_machine (RegSync *self)
{
  g_return_val_if_fail (REG_IS_SYNC (self), NULL);

  return self->machine;
}

/**
 * reg_sync_get_client:
 * @self: a #RegSync
 *
 * Returns: (transfer none): the client that talks to the server as the
 *   machine; the upload uses it too
 */
IdemClient *
reg_sync_get_client (RegSync *self)
{
  g_return_val_if_fail (REG_IS_SYNC (self), NULL);

  return self->client;
}

/**
 * reg_sync_set_pinned_certificate:
 * @self: a #RegSync
 * @certificate: (nullable): the server's TLS certificate, when it is not
 *   signed by an authority the system trusts (a test or a closed network)
 */
void
reg_sync_set_pinned_certificate (RegSync         *self,
                                 GTlsCertificate *certificate)
{
  g_return_if_fail (REG_IS_SYNC (self));

  idem_client_set_pinned_certificate (self->client, certificate);
}

/**
 * reg_sync_prepare_client:
 * @self: a #RegSync
 * @error: return location for a #GError
 *
 * Gives the client the machine's identity and key.
 *
 * Returns: %FALSE with %REG_SYNC_ERROR_NOT_REGISTERED when the machine has
 *   no key or no machine ID yet
 */
gboolean
reg_sync_prepare_client (RegSync  *self,
                         GError  **error)
{
  g_return_val_if_fail (REG_IS_SYNC (self), FALSE);

  if (reg_machine_get_signing_key (self->machine) == NULL || reg_machine_get_machine_id (self->machine) == NULL)
    {
      g_set_error_literal (error, REG_SYNC_ERROR, REG_SYNC_ERROR_NOT_REGISTERED,
                           _("This workstation has no machine ID yet: finish its setup first"));
      return FALSE;
    }

  idem_client_set_machine_key (self->client, reg_machine_get_machine_id (self->machine),
                               reg_machine_get_signing_key (self->machine));
  return TRUE;
}

/**
 * reg_sync_run_async:
 * @self: a #RegSync
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the run is over
 * @user_data: data for @callback
 *
 * Runs a whole sync; ::progress tells how far it is.
 */
void
reg_sync_run_async (RegSync             *self,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (REG_IS_SYNC (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, reg_sync_run_async);
  g_task_set_task_data (task, g_new0 (Run, 1), (GDestroyNotify) run_free);

  if (self->busy)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY, _("A sync is already running"));
      return;
    }

  if (!reg_sync_prepare_client (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  self->busy = TRUE;
  run_step (g_steal_pointer (&task));
}

/**
 * reg_sync_run_finish:
 * @self: a #RegSync
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE when every step succeeded
 */
gboolean
reg_sync_run_finish (RegSync       *self,
                     GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (REG_IS_SYNC (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * reg_sync_get_busy:
 * @self: a #RegSync
 *
 * Returns: whether a run is going on
 */
gboolean
reg_sync_get_busy (RegSync *self)
{
  g_return_val_if_fail (REG_IS_SYNC (self), FALSE);

  return self->busy;
}
