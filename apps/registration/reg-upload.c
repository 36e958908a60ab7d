/* reg-upload.c — sending reviewed packets to the server
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * As MOSIP's client does: first the RID sync declares every approved or
 * rejected packet (its hash, size and the supervisor's decision) in one
 * signed call, then each packet is uploaded on its own.  The server
 * answers an upload only once the packet is durable, and declaring or
 * uploading the same packet again changes nothing there, so a run cut
 * short (network, server, or this workstation going down) is simply run
 * again: packets the server acknowledged are UPLOADED in the store, the
 * others are still waiting, none is lost or half-marked.
 */

#define G_LOG_DOMAIN "reg-upload"

#include "config.h"

#include "reg-upload.h"

#include <glib/gi18n.h>

struct _RegUpload
{
  GObject    parent_instance;

  RegSync   *sync;
  gboolean   busy;
};

G_DEFINE_FINAL_TYPE (RegUpload, reg_upload, G_TYPE_OBJECT)

enum {
  PROGRESS,
  PACKET_DONE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  GPtrArray *packets;
  guint      next;
  guint      uploaded;
} Run;

static void
run_free (Run *run)
{
  g_clear_pointer (&run->packets, g_ptr_array_unref);
  g_free (run);
}

static void upload_next (GTask *task);

static RegStore *
store_of (RegUpload *self)
{
  return reg_machine_get_store (reg_sync_get_machine (self->sync));
}

static void
finish_run (GTask  *task,
            GError *error)
{
  RegUpload *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);

  self->busy = FALSE;
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, run->uploaded);
}

static void
uploaded_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RegUpload *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  const RegPacket *packet = g_ptr_array_index (run->packets, run->next);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;
  const char *status = "RECEIVED";

  answer = idem_client_call_finish (IDEM_CLIENT (object), result, &error);
  if (answer == NULL)
    {
      g_signal_emit (self, signals[PACKET_DONE], 0, packet->rid, FALSE, error->message);
      /* Unreachable: the rest would fail the same way; stop and keep them
       * for the next run.  A refusal of this packet: go on with the next. */
      if (g_error_matches (error, IDEM_CLIENT_ERROR, IDEM_CLIENT_ERROR_UNREACHABLE) ||
          g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          finish_run (task, g_steal_pointer (&error));
          return;
        }
    }
  else
    {
      if (JSON_NODE_HOLDS_OBJECT (answer))
        status = json_object_get_string_member_with_default (json_node_get_object (answer), "status", status);

      if (!reg_store_mark_uploaded (store_of (self), packet->rid, status, &error))
        {
          finish_run (task, g_steal_pointer (&error));
          return;
        }

      run->uploaded++;
      g_signal_emit (self, signals[PACKET_DONE], 0, packet->rid, TRUE, status);
    }

  run->next++;
  upload_next (g_steal_pointer (&task));
}

static void
upload_next (GTask *task)
{
  RegUpload *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  const RegPacket *packet;

  g_signal_emit (self, signals[PROGRESS], 0, run->next, run->packets->len);

  if (run->next >= run->packets->len)
    {
      finish_run (task, NULL);
      g_object_unref (task);
      return;
    }

  packet = g_ptr_array_index (run->packets, run->next);
  mapped = g_mapped_file_new (packet->path, FALSE, &error);
  if (mapped == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Packet %s cannot be read: %s"), packet->rid, error->message);

      g_signal_emit (self, signals[PACKET_DONE], 0, packet->rid, FALSE, message);
      run->next++;
      upload_next (task);
      return;
    }

  body = g_mapped_file_get_bytes (mapped);
  path = g_strdup_printf ("/v1/registration/packets/%s", packet->rid);
  idem_client_call_async (reg_sync_get_client (self->sync), "POST", path, NULL, body,
                          g_task_get_cancellable (task), uploaded_cb, task);
}

static void
declared_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RegUpload *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(JsonNode) answer = NULL;
  GError *error = NULL;

  answer = idem_client_call_finish (IDEM_CLIENT (object), result, &error);
  if (answer == NULL)
    {
      finish_run (task, error);
      return;
    }

  for (guint i = 0; i < run->packets->len; i++)
    {
      const RegPacket *packet = g_ptr_array_index (run->packets, i);

      if (packet->declared == 0 && !reg_store_mark_declared (store_of (self), packet->rid, &error))
        {
          finish_run (task, error);
          return;
        }
    }

  upload_next (g_steal_pointer (&task));
}

/* NEW, UPDATE or LOST, from the preview the flow recorded at sealing;
 * the server's pipeline runs the stages of the declared process. */
static const char *
registration_type_of (RegStore   *store,
                      const char *rid)
{
  g_autoptr(GBytes) preview = reg_store_load_preview (store, rid, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  const char *process;

  if (preview == NULL ||
      !json_parser_load_from_data (parser, g_bytes_get_data (preview, NULL), g_bytes_get_size (preview), NULL))
    return "NEW";
  root = json_parser_get_root (parser);
  process = JSON_NODE_HOLDS_OBJECT (root)
            ? json_object_get_string_member_with_default (json_node_get_object (root), "process", NULL) : NULL;
  if (g_strcmp0 (process, "UPDATE") == 0)
    return "UPDATE";
  if (g_strcmp0 (process, "LOST") == 0)
    return "LOST";

  return "NEW";
}

static JsonNode *
build_declarations (RegStore  *store,
                    GPtrArray *packets)
{
  g_autoptr(JsonArray) entries = json_array_new ();

  for (guint i = 0; i < packets->len; i++)
    {
      const RegPacket *packet = g_ptr_array_index (packets, i);
      JsonObject *entry = json_object_new ();

      json_object_set_string_member (entry, "registrationId", packet->rid);
      json_object_set_string_member (entry, "packetHashValue", packet->packet_hash);
      json_object_set_int_member (entry, "packetSize", (gint64) packet->size);
      json_object_set_string_member (entry, "supervisorStatus",
                                     packet->state == REG_PACKET_STATE_APPROVED ? "APPROVED" : "REJECTED");
      if (packet->supervisor_reason != NULL)
        json_object_set_string_member (entry, "supervisorComment", packet->supervisor_reason);
      else
        json_object_set_null_member (entry, "supervisorComment");
      json_object_set_string_member (entry, "registrationType", registration_type_of (store, packet->rid));
      json_array_add_object_element (entries, entry);
    }

  return json_node_init_array (json_node_alloc (), entries);
}

static void
reg_upload_dispose (GObject *object)
{
  RegUpload *self = REG_UPLOAD (object);

  g_clear_object (&self->sync);

  G_OBJECT_CLASS (reg_upload_parent_class)->dispose (object);
}

static void
reg_upload_class_init (RegUploadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = reg_upload_dispose;

  /**
   * RegUpload::progress:
   * @done: packets handled so far
   * @total: packets in this run
   */
  signals[PROGRESS] = g_signal_new ("progress",
                                    G_TYPE_FROM_CLASS (klass),
                                    G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL,
                                    G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);

  /**
   * RegUpload::packet-done:
   * @rid: the packet
   * @success: whether the server acknowledged it
   * @detail: the server's status, or what went wrong
   */
  signals[PACKET_DONE] = g_signal_new ("packet-done",
                                       G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_BOOLEAN, G_TYPE_STRING);
}

static void
reg_upload_init (RegUpload *self)
{
}

/**
 * reg_upload_new:
 * @sync: the sync whose client talks to the server as the machine
 *
 * Returns: (transfer full): an upload
 */
RegUpload *
reg_upload_new (RegSync *sync)
{
  RegUpload *self;

  g_return_val_if_fail (REG_IS_SYNC (sync), NULL);

  self = g_object_new (REG_TYPE_UPLOAD, NULL);
  self->sync = g_object_ref (sync);

  return self;
}

/**
 * reg_upload_run_async:
 * @self: a #RegUpload
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the run is over
 * @user_data: data for @callback
 *
 * Declares and uploads every approved or rejected packet not uploaded yet.
 */
void
reg_upload_run_async (RegUpload           *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) rejected = NULL;
  g_autoptr(JsonNode) request = NULL;
  GError *error = NULL;
  Run *run;

  g_return_if_fail (REG_IS_UPLOAD (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, reg_upload_run_async);
  run = g_new0 (Run, 1);
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);

  if (self->busy)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY, _("An upload is already running"));
      return;
    }

  if (!reg_sync_prepare_client (self->sync, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  run->packets = reg_store_list_packets (store_of (self), REG_PACKET_STATE_APPROVED, &error);
  if (run->packets != NULL)
    rejected = reg_store_list_packets (store_of (self), REG_PACKET_STATE_REJECTED_BY_SUPERVISOR, &error);
  if (rejected == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < rejected->len; i++)
    g_ptr_array_add (run->packets, reg_packet_copy (g_ptr_array_index (rejected, i)));

  self->busy = TRUE;
  if (run->packets->len == 0)
    {
      upload_next (g_steal_pointer (&task));
      return;
    }

  request = build_declarations (store_of (self), run->packets);
  idem_client_call_async (reg_sync_get_client (self->sync), "POST", "/v1/registration/sync", request, NULL,
                          cancellable, declared_cb, g_steal_pointer (&task));
}

/**
 * reg_upload_run_finish:
 * @self: a #RegUpload
 * @result: the result given to the callback
 * @error: return location for a #GError; set when the run stopped early
 *   (the server unreachable, say)
 *
 * Packets the server refused are reported by ::packet-done and the run
 * goes on; they stay in the store for the next run.
 *
 * Returns: how many packets the server acknowledged
 */
guint
reg_upload_run_finish (RegUpload     *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  gssize uploaded;

  g_return_val_if_fail (REG_IS_UPLOAD (self), 0);
  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  uploaded = g_task_propagate_int (G_TASK (result), error);
  return uploaded > 0 ? (guint) uploaded : 0;
}

/**
 * reg_upload_get_busy:
 * @self: a #RegUpload
 *
 * Returns: whether a run is going on
 */
gboolean
reg_upload_get_busy (RegUpload *self)
{
  g_return_val_if_fail (REG_IS_UPLOAD (self), FALSE);

  return self->busy;
}
