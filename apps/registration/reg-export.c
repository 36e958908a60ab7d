/* reg-export.c — copying reviewed packets to removable media
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * For a centre with no network: every packet the supervisor approved or
 * rejected and that is not uploaded yet is copied into a new folder
 * `idem-export-MACHINE-YYYYMMDDTHHMMSSZ` inside the chosen one, with
 * `manifest.json` listing each packet's RID, file, size, SHA-256 and the
 * supervisor's decision, so whoever carries it to the server can check it.
 * Each copy is read back and hashed; the manifest is written last, so an
 * export without a manifest is one that did not finish.
 */

#define G_LOG_DOMAIN "reg-export"

#include "config.h"

#include "reg-export.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

G_DEFINE_QUARK (reg-export-error-quark, reg_export_error)

typedef struct
{
  GPtrArray *packets;
  char      *folder;
  char      *machine_id;
  char      *centre_id;
  guint      n_packets;
} ExportData;

static void
export_data_free (ExportData *data)
{
  g_clear_pointer (&data->packets, g_ptr_array_unref);
  g_free (data->folder);
  g_free (data->machine_id);
  g_free (data->centre_id);
  g_free (data);
}

static char *
file_sha256 (const char  *path,
             guint64     *size,
             GError     **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GError) local_error = NULL;

  mapped = g_mapped_file_new (path, FALSE, &local_error);
  if (mapped == NULL)
    {
      g_set_error (error, REG_EXPORT_ERROR, REG_EXPORT_ERROR_IO,
                   _("Could not read %s: %s"), path, local_error->message);
      return NULL;
    }

  *size = g_mapped_file_get_length (mapped);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                      (const guchar *) g_mapped_file_get_contents (mapped),
                                      g_mapped_file_get_length (mapped));
}

static void
remove_partial (const char *directory)
{
  g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (directory, name, NULL);

      g_unlink (path);
    }

  g_rmdir (directory);
}

static gboolean
copy_packet (const RegPacket  *packet,
             const char       *target,
             GCancellable     *cancellable,
             GError          **error)
{
  g_autoptr(GFile) source_file = g_file_new_for_path (packet->path);
  g_autoptr(GFile) target_file = g_file_new_for_path (target);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  guint64 size = 0;

  before = file_sha256 (packet->path, &size, error);
  if (before == NULL)
    return FALSE;
  if (!g_str_equal (before, packet->packet_hash) || size != packet->size)
    {
      g_set_error (error, REG_EXPORT_ERROR, REG_EXPORT_ERROR_CORRUPT,
                   _("Packet %s on this workstation no longer matches its hash: it was not exported"),
                   packet->rid);
      return FALSE;
    }

  if (!g_file_copy (source_file, target_file, G_FILE_COPY_NONE, cancellable, NULL, NULL, &local_error))
    {
      g_set_error (error, REG_EXPORT_ERROR, REG_EXPORT_ERROR_IO,
                   _("Could not copy packet %s: %s"), packet->rid, local_error->message);
      return FALSE;
    }

  /* Removable media fail quietly: check what actually landed. */
  after = file_sha256 (target, &size, error);
  if (after == NULL)
    return FALSE;
  if (!g_str_equal (after, packet->packet_hash) || size != packet->size)
    {
      g_set_error (error, REG_EXPORT_ERROR, REG_EXPORT_ERROR_CORRUPT,
                   _("The copy of packet %s on %s does not match the original"),
                   packet->rid, target);
      return FALSE;
    }

  return TRUE;
}

static JsonNode *
build_manifest (ExportData *data,
                GDateTime  *now)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *exported = g_date_time_format_iso8601 (now);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "machineId");
  json_builder_add_string_value (builder, data->machine_id != NULL ? data->machine_id : "");
  json_builder_set_member_name (builder, "centreId");
  json_builder_add_string_value (builder, data->centre_id != NULL ? data->centre_id : "");
  json_builder_set_member_name (builder, "exported");
  json_builder_add_string_value (builder, exported);
  json_builder_set_member_name (builder, "packets");
  json_builder_begin_array (builder);
  for (guint i = 0; i < data->packets->len; i++)
    {
      const RegPacket *packet = g_ptr_array_index (data->packets, i);
      g_autofree char *file = g_strconcat (packet->rid, ".zip", NULL);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "registrationId");
      json_builder_add_string_value (builder, packet->rid);
      json_builder_set_member_name (builder, "file");
      json_builder_add_string_value (builder, file);
      json_builder_set_member_name (builder, "packetHashValue");
      json_builder_add_string_value (builder, packet->packet_hash);
      json_builder_set_member_name (builder, "packetSize");
      json_builder_add_int_value (builder, (gint64) packet->size);
      json_builder_set_member_name (builder, "supervisorStatus");
      json_builder_add_string_value (builder, packet->state == REG_PACKET_STATE_APPROVED ? "APPROVED" : "REJECTED");
      json_builder_set_member_name (builder, "supervisorComment");
      json_builder_add_string_value (builder, packet->supervisor_reason != NULL ? packet->supervisor_reason : "");
      json_builder_set_member_name (builder, "supervisorId");
      json_builder_add_string_value (builder, packet->supervisor_id != NULL ? packet->supervisor_id : "");
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportData *data = task_data;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) manifest = NULL;
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");
  g_autofree char *name = NULL;
  g_autofree char *directory = NULL;
  g_autofree char *manifest_path = NULL;
  g_autofree char *manifest_text = NULL;
  GError *error = NULL;

  name = g_strdup_printf ("idem-export-%s-%s", data->machine_id != NULL ? data->machine_id : "unregistered", stamp);
  directory = g_build_filename (data->folder, name, NULL);

  if (g_mkdir (directory, 0700) != 0)
    {
      int saved_errno = errno;

      g_task_return_new_error (task, REG_EXPORT_ERROR, REG_EXPORT_ERROR_IO,
                               _("Could not create %s: %s"), directory, g_strerror (saved_errno));
      return;
    }

  for (guint i = 0; i < data->packets->len; i++)
    {
      const RegPacket *packet = g_ptr_array_index (data->packets, i);
      g_autofree char *file = g_strconcat (packet->rid, ".zip", NULL);
      g_autofree char *target = g_build_filename (directory, file, NULL);

      if (!copy_packet (packet, target, cancellable, &error))
        {
          remove_partial (directory);
          g_task_return_error (task, error);
          return;
        }
    }

  manifest = build_manifest (data, now);
  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, manifest);
  manifest_text = json_generator_to_data (generator, NULL);
  manifest_path = g_build_filename (directory, REG_EXPORT_MANIFEST, NULL);

  if (!g_file_set_contents_full (manifest_path, manifest_text, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &error))
    {
      g_autoptr(GError) write_error = error;

      remove_partial (directory);
      g_task_return_new_error (task, REG_EXPORT_ERROR, REG_EXPORT_ERROR_IO,
                               _("Could not write the export’s manifest: %s"), write_error->message);
      return;
    }

  data->n_packets = data->packets->len;
  g_task_return_pointer (task, g_file_new_for_path (directory), g_object_unref);
}

/**
 * reg_export_packets_async:
 * @machine: the machine whose packets are exported
 * @folder: where to create the export's folder (removable media, say)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the export is done
 * @user_data: data for @callback
 *
 * Copies every approved or rejected packet not uploaded yet, in a thread.
 * Exported packets stay on the workstation, in the same state: only the
 * server's status, later, says they arrived.
 */
void
reg_export_packets_async (RegMachine          *machine,
                          GFile               *folder,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) approved = NULL;
  g_autoptr(GPtrArray) rejected = NULL;
  g_autofree char *folder_path = NULL;
  GError *error = NULL;
  ExportData *data;
  RegStore *store;

  g_return_if_fail (REG_IS_MACHINE (machine));
  g_return_if_fail (G_IS_FILE (folder));

  task = g_task_new (machine, cancellable, callback, user_data);
  g_task_set_source_tag (task, reg_export_packets_async);

  folder_path = g_file_get_path (folder);
  if (folder_path == NULL)
    {
      g_task_return_new_error (task, REG_EXPORT_ERROR, REG_EXPORT_ERROR_IO,
                               _("Choose a folder on a local or removable disk"));
      return;
    }

  store = reg_machine_get_store (machine);
  approved = reg_store_list_packets (store, REG_PACKET_STATE_APPROVED, &error);
  if (approved != NULL)
    rejected = reg_store_list_packets (store, REG_PACKET_STATE_REJECTED_BY_SUPERVISOR, &error);
  if (rejected == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  for (guint i = 0; i < rejected->len; i++)
    g_ptr_array_add (approved, reg_packet_copy (g_ptr_array_index (rejected, i)));

  if (approved->len == 0)
    {
      g_task_return_new_error (task, REG_EXPORT_ERROR, REG_EXPORT_ERROR_NOTHING,
                               _("No packet is waiting: the supervisor approves or rejects packets before they are exported"));
      return;
    }

  data = g_new0 (ExportData, 1);
  data->packets = g_steal_pointer (&approved);
  data->folder = g_steal_pointer (&folder_path);
  data->machine_id = g_strdup (reg_machine_get_machine_id (machine));
  data->centre_id = g_strdup (reg_machine_get_centre_id (machine));
  g_task_set_task_data (task, data, (GDestroyNotify) export_data_free);
  g_task_run_in_thread (task, export_thread);
}

/**
 * reg_export_packets_finish:
 * @machine: a #RegMachine
 * @result: the result given to the callback
 * @n_packets: (out) (optional): how many packets were exported
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the export's folder, or %NULL with @error set
 */
GFile *
reg_export_packets_finish (RegMachine    *machine,
                           GAsyncResult  *result,
                           guint         *n_packets,
                           GError       **error)
{
  GFile *folder;

  g_return_val_if_fail (REG_IS_MACHINE (machine), NULL);
  g_return_val_if_fail (g_task_is_valid (result, machine), NULL);

  folder = g_task_propagate_pointer (G_TASK (result), error);
  if (n_packets != NULL)
    {
      ExportData *data = g_task_get_task_data (G_TASK (result));

      *n_packets = folder != NULL && data != NULL ? data->n_packets : 0;
    }

  return folder;
}
