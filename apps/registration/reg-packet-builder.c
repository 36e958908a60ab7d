/* reg-packet-builder.c — turns what a registration collected into a sealed packet
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The flow's steps hand their results here as they are confirmed; sealing
 * then runs in a GTask thread: the captured pictures are encoded (fingers
 * as uncompressed grey, which is lossless and what the server's matcher
 * reads, JPEG for photos), wrapped in ISO 19794-4/5
 * records and one CBEFF document, and the packet is signed with the machine
 * key, encrypted for the centre's packet certificate and written atomically.
 * Nothing of the builder changes while it seals.
 */

#define G_LOG_DOMAIN "reg-packet-builder"

#include "config.h"

#include "reg-packet-builder.h"

#include <glib/gi18n.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <string.h>

typedef struct
{
  IdemVideoFrame *frame;
  int             quality;
  guint           retries;
  char           *missing_reason;
} FingerCapture;

typedef struct
{
  char   *field;
  char   *category;
  char   *type;
  char   *format;
  GBytes *bytes;
} Document;

struct _RegPacketBuilder
{
  GObject            parent_instance;

  IdemIdSchema      *schema;
  IdemPacketProcess  process;
  char              *rid;
  char              *centre_id;
  char              *machine_id;
  char              *officer_id;
  char              *supervisor_id;
  EVP_PKEY          *signing_key;
  X509              *certificate;
  GDateTime         *creation_time;

  /* field → JsonNode of its value; simple fields are built at sealing
   * from texts, field → (language → value). */
  GHashTable        *values;
  GHashTable        *texts;
  GPtrArray         *documents;
  IdemVideoFrame    *face;
  IdemVideoFrame    *exception_photo;
  FingerCapture      fingers[REG_N_FINGERS + 1];
  FingerCapture      introducer_fingers[REG_N_FINGERS + 1];
  JsonArray         *audits;

  char              *packet_hash;
  gsize              packet_size;
  gboolean           sealing;
};

G_DEFINE_FINAL_TYPE (RegPacketBuilder, reg_packet_builder, G_TYPE_OBJECT)

G_DEFINE_QUARK (reg-packet-builder-error-quark, reg_packet_builder_error)

/* Position → the UI spec's attribute, MOSIP's CBEFF subtype, a label. */
static const struct
{
  const char *attribute;
  const char *subtype;
  const char *label;
} fingers[REG_N_FINGERS + 1] = {
  { NULL, NULL, NULL },
  { "rightThumb", "Right Thumb", N_("Right thumb") },
  { "rightIndex", "Right IndexFinger", N_("Right index finger") },
  { "rightMiddle", "Right MiddleFinger", N_("Right middle finger") },
  { "rightRing", "Right RingFinger", N_("Right ring finger") },
  { "rightLittle", "Right LittleFinger", N_("Right little finger") },
  { "leftThumb", "Left Thumb", N_("Left thumb") },
  { "leftIndex", "Left IndexFinger", N_("Left index finger") },
  { "leftMiddle", "Left MiddleFinger", N_("Left middle finger") },
  { "leftRing", "Left RingFinger", N_("Left ring finger") },
  { "leftLittle", "Left LittleFinger", N_("Left little finger") },
};

static void
document_free (Document *document)
{
  g_free (document->field);
  g_free (document->category);
  g_free (document->type);
  g_free (document->format);
  g_bytes_unref (document->bytes);
  g_free (document);
}

static void
finger_capture_clear (FingerCapture *capture)
{
  g_clear_pointer (&capture->frame, idem_video_frame_unref);
  g_clear_pointer (&capture->missing_reason, g_free);
  capture->quality = -1;
  capture->retries = 0;
}

static gboolean
builder_is_idle (RegPacketBuilder *self)
{
  if (self->sealing)
    {
      g_critical ("A registration packet cannot change while it is being sealed");
      return FALSE;
    }

  return TRUE;
}

/* A finger's pixels as 8-bit grey rows with no padding, the ISO 19794-4
 * uncompressed image. */
static GBytes *
grey_pixels (IdemVideoFrame *frame)
{
  guint width = idem_video_frame_get_width (frame);
  guint height = idem_video_frame_get_height (frame);
  guint8 *grey = g_malloc ((gsize) width * height);

  if (idem_video_frame_get_format (frame) == IDEM_PIXEL_FORMAT_GRAY8)
    {
      const guint8 *pixels = g_bytes_get_data (idem_video_frame_get_pixels (frame), NULL);
      gsize stride = idem_video_frame_get_stride (frame);

      for (guint y = 0; y < height; y++)
        memcpy (grey + (gsize) y * width, pixels + y * stride, width);
    }
  else
    {
      for (guint y = 0; y < height; y++)
        for (guint x = 0; x < width; x++)
          {
            guint8 red;
            guint8 green;
            guint8 blue;

            idem_video_frame_get_rgb (frame, x, y, &red, &green, &blue);
            grey[(gsize) y * width + x] = (guint8) ((299 * red + 587 * green + 114 * blue + 500) / 1000);
          }
    }

  return g_bytes_new_take (grey, (gsize) width * height);
}

/* A still as an ISO 19794 record in a CBEFF child record. */
static IdemBir *
new_image_bir (IdemBiometricType   type,
               const char         *subtype,
               IdemVideoFrame     *frame,
               guint               position,
               int                 quality,
               GDateTime          *time,
               GError            **error)
{
  g_autoptr(IdemBir) bir = idem_bir_new ();
  g_autoptr(GBytes) encoded = NULL;
  g_autoptr(GBytes) record = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  gboolean is_finger = type == IDEM_BIOMETRIC_TYPE_FINGER;
  IdemIso19794Image image = { 0 };

  /* The server's ABIS decodes uncompressed and JPEG 2000 finger images,
   * not PNG. */
  encoded = is_finger ? grey_pixels (frame) : idem_video_frame_encode (frame, IDEM_IMAGE_FORMAT_JPEG, NULL, error);
  if (encoded == NULL)
    return NULL;

  image.finger_position = position;
  image.quality = quality;
  image.quality_vendor = 0;
  image.quality_algorithm = 0;
  image.width = idem_video_frame_get_width (frame);
  image.height = idem_video_frame_get_height (frame);
  image.format = is_finger ? IDEM_BIOMETRIC_IMAGE_FORMAT_RAW : IDEM_BIOMETRIC_IMAGE_FORMAT_JPEG;
  image.bit_depth = is_finger ? 8 : 0;
  image.image = encoded;
  record = idem_iso19794_write (is_finger ? IDEM_ISO19794_FINGER : IDEM_ISO19794_FACE, &image, time, error);
  if (record == NULL)
    return NULL;

  idem_bir_set_version (bir, 1, 1);
  idem_bir_set_cbeff_version (bir, 1, 1);
  idem_bir_set_integrity (bir, FALSE);
  idem_bir_set_creation_date (bir, time);
  idem_bir_set_bdb_index (bir, uuid);
  idem_bir_set_bdb_creation_date (bir, time);
  idem_bir_set_biometric_type (bir, type);
  if (subtype != NULL)
    idem_bir_set_subtype (bir, subtype);
  idem_bir_set_format (bir, "Mosip", is_finger ? "7" : "8");
  idem_bir_set_level (bir, IDEM_BIR_LEVEL_RAW);
  idem_bir_set_purpose (bir, IDEM_BIR_PURPOSE_ENROLL);
  if (quality >= 0)
    idem_bir_set_quality (bir, "Idem", is_finger ? "NBIS-minutiae" : "luma", quality);
  idem_bir_set_bdb (bir, record);
  idem_bir_set_other (bir, "EXCEPTION", "false");

  return g_steal_pointer (&bir);
}

/* One person's CBEFF document: the resident's (with the face and the
 * exception photo) or the introducer's, whose fingers vouch for an infant. */
static GBytes *
build_cbeff (RegPacketBuilder  *self,
             FingerCapture     *captures,
             IdemVideoFrame    *face,
             IdemVideoFrame    *exception_photo,
             const char        *individual_type,
             JsonObject        *biometrics_meta,
             JsonObject        *exceptions_meta,
             GError           **error)
{
  g_autoptr(IdemBir) set = idem_bir_new ();
  g_autoptr(GError) local_error = NULL;
  GBytes *xml;

  idem_bir_set_creation_date (set, self->creation_time);
  idem_bir_set_integrity (set, FALSE);

  for (guint position = 1; position <= REG_N_FINGERS; position++)
    {
      FingerCapture *capture = &captures[position];
      g_autoptr(IdemBir) bir = NULL;
      JsonObject *entry;

      if (capture->missing_reason != NULL)
        {
          JsonObject *exception = json_object_new ();

          bir = idem_bir_new ();
          idem_bir_set_version (bir, 1, 1);
          idem_bir_set_cbeff_version (bir, 1, 1);
          idem_bir_set_creation_date (bir, self->creation_time);
          idem_bir_set_biometric_type (bir, IDEM_BIOMETRIC_TYPE_FINGER);
          idem_bir_set_subtype (bir, fingers[position].subtype);
          idem_bir_set_level (bir, IDEM_BIR_LEVEL_RAW);
          idem_bir_set_purpose (bir, IDEM_BIR_PURPOSE_ENROLL);
          idem_bir_set_other (bir, "EXCEPTION", "true");
          idem_bir_set_other (bir, "REASON", capture->missing_reason);

          json_object_set_string_member (exception, "type", "Finger");
          json_object_set_string_member (exception, "missingBiometric", fingers[position].attribute);
          json_object_set_string_member (exception, "reason", capture->missing_reason);
          json_object_set_string_member (exception, "exceptionType", "Permanent");
          json_object_set_string_member (exception, "individualType", individual_type);
          json_object_set_object_member (exceptions_meta, fingers[position].attribute, exception);
        }
      else if (capture->frame != NULL)
        {
          bir = new_image_bir (IDEM_BIOMETRIC_TYPE_FINGER, fingers[position].subtype, capture->frame,
                               position, capture->quality, self->creation_time, &local_error);
          if (bir == NULL)
            goto failed;
        }
      else
        {
          continue;
        }

      entry = json_object_new ();
      if (idem_bir_get_bdb_index (bir) != NULL)
        json_object_set_string_member (entry, "birindex", idem_bir_get_bdb_index (bir));
      json_object_set_boolean_member (entry, "forceCaptured", FALSE);
      json_object_set_int_member (entry, "numRetry", capture->retries);
      json_object_set_object_member (biometrics_meta, fingers[position].attribute, entry);
      idem_bir_add_child (set, bir);
    }

  if (face != NULL)
    {
      g_autoptr(IdemBir) bir = new_image_bir (IDEM_BIOMETRIC_TYPE_FACE, NULL, face, 0, -1,
                                              self->creation_time, &local_error);
      JsonObject *entry;

      if (bir == NULL)
        goto failed;
      entry = json_object_new ();
      json_object_set_string_member (entry, "birindex", idem_bir_get_bdb_index (bir));
      json_object_set_boolean_member (entry, "forceCaptured", FALSE);
      json_object_set_int_member (entry, "numRetry", 1);
      json_object_set_object_member (biometrics_meta, "face", entry);
      idem_bir_add_child (set, bir);
    }

  if (exception_photo != NULL)
    {
      g_autoptr(IdemBir) bir = new_image_bir (IDEM_BIOMETRIC_TYPE_EXCEPTION_PHOTO, NULL, exception_photo,
                                              0, -1, self->creation_time, &local_error);

      if (bir == NULL)
        goto failed;
      idem_bir_add_child (set, bir);
    }

  if (idem_bir_get_n_children (set) == 0)
    return NULL;

  xml = idem_cbeff_write (set, &local_error);
  if (xml != NULL)
    return xml;

failed:
  g_set_error (error, REG_PACKET_BUILDER_ERROR, REG_PACKET_BUILDER_ERROR_BIOMETRICS,
               _("The captured biometrics could not be stored: %s"), local_error->message);
  return NULL;
}

static JsonObject *
label_value (const char *label,
             const char *value)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "label", label);
  if (value != NULL)
    json_object_set_string_member (object, "value", value);
  else
    json_object_set_null_member (object, "value");

  return object;
}

static JsonObject *
build_meta_info (RegPacketBuilder *self,
                 JsonObject       *biometrics_meta,
                 JsonObject       *exceptions_meta,
                 JsonObject       *introducer_meta)
{
  JsonObject *meta_info = json_object_new ();
  JsonArray *meta_data = json_array_new ();
  JsonArray *operations = json_array_new ();
  JsonArray *documents = json_array_new ();
  JsonObject *biometrics = json_object_new ();
  JsonObject *exceptions = json_object_new ();
  g_autofree char *created = g_date_time_format_iso8601 (self->creation_time);
  const char *registration_type;

  switch (self->process)
    {
    case IDEM_PACKET_PROCESS_UPDATE: registration_type = "Update"; break;
    case IDEM_PACKET_PROCESS_LOST: registration_type = "Lost"; break;
    case IDEM_PACKET_PROCESS_BIOMETRIC_CORRECTION: registration_type = "Biometric_Correction"; break;
    case IDEM_PACKET_PROCESS_NEW:
    default: registration_type = "New"; break;
    }

  json_array_add_object_element (meta_data, label_value ("creationDate", created));
  json_array_add_object_element (meta_data, label_value ("centerId", self->centre_id));
  json_array_add_object_element (meta_data, label_value ("machineId", self->machine_id));
  json_array_add_object_element (meta_data, label_value ("registrationId", self->rid));
  json_array_add_object_element (meta_data, label_value ("registrationType", registration_type));

  json_array_add_object_element (operations, label_value ("officerId", self->officer_id));
  json_array_add_object_element (operations, label_value ("officerBiometricFileName", NULL));
  json_array_add_object_element (operations, label_value ("supervisorId", self->supervisor_id));
  json_array_add_object_element (operations, label_value ("supervisorBiometricFileName", NULL));
  json_array_add_object_element (operations, label_value ("officerPassword", "true"));
  json_array_add_object_element (operations, label_value ("supervisorPassword", self->supervisor_id != NULL ? "true" : "false"));

  for (guint i = 0; i < self->documents->len; i++)
    {
      Document *document = g_ptr_array_index (self->documents, i);
      JsonObject *entry = json_object_new ();

      json_object_set_null_member (entry, "refNumber");
      json_object_set_string_member (entry, "documentCategory", document->category);
      json_object_set_string_member (entry, "documentOwner", "Applicant");
      json_object_set_string_member (entry, "documentName", document->field);
      json_array_add_object_element (documents, entry);
    }

  json_object_set_object_member (biometrics, "applicant", json_object_ref (biometrics_meta));
  json_object_set_object_member (biometrics, "introducer", json_object_ref (introducer_meta));
  json_object_set_object_member (biometrics, "applicant-auth", json_object_new ());
  if (json_object_get_size (exceptions_meta) > 0)
    json_object_set_object_member (exceptions, "applicant", json_object_ref (exceptions_meta));

  json_object_set_array_member (meta_info, "metaData", meta_data);
  json_object_set_array_member (meta_info, "operationsData", operations);
  json_object_set_array_member (meta_info, "documents", documents);
  json_object_set_object_member (meta_info, "biometrics", biometrics);
  json_object_set_object_member (meta_info, "exceptionBiometrics", exceptions);
  json_object_set_array_member (meta_info, "capturedRegisteredDevices", json_array_new ());
  json_object_set_array_member (meta_info, "blockListedWords", json_array_new ());

  return meta_info;
}

static JsonNode *
build_simple_value (GHashTable *by_language)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GList) languages = g_hash_table_get_keys (by_language);

  /* A stable order, so the same registration gives the same ID.json. */
  languages = g_list_sort (languages, (GCompareFunc) g_strcmp0);
  json_builder_begin_array (builder);
  for (GList *l = languages; l != NULL; l = l->next)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "language");
      json_builder_add_string_value (builder, l->data);
      json_builder_set_member_name (builder, "value");
      json_builder_add_string_value (builder, g_hash_table_lookup (by_language, l->data));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  return json_builder_get_root (builder);
}

static char *
seal (RegPacketBuilder  *self,
      const char        *directory,
      GError           **error)
{
  g_autoptr(IdemPacketWriter) writer = NULL;
  g_autoptr(JsonObject) biometrics_meta = json_object_new ();
  g_autoptr(JsonObject) exceptions_meta = json_object_new ();
  g_autoptr(JsonObject) introducer_meta = json_object_new ();
  g_autoptr(JsonObject) introducer_exceptions = json_object_new ();
  g_autoptr(JsonObject) meta_info = NULL;
  g_autoptr(GBytes) cbeff = NULL;
  g_autoptr(GBytes) introducer_cbeff = NULL;
  g_autoptr(GError) local_error = NULL;
  GHashTableIter iter;
  gpointer key;
  gpointer value;
  char *path;

  writer = idem_packet_writer_new (self->rid, self->centre_id, self->machine_id, self->process);
  idem_packet_writer_set_schema (writer, self->schema);
  idem_packet_writer_set_creation_time (writer, self->creation_time);
  idem_packet_writer_set_signing_key (writer, self->signing_key);
  idem_packet_writer_set_encryption_certificate (writer, self->certificate);

  g_hash_table_iter_init (&iter, self->texts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autoptr(JsonNode) node = build_simple_value (value);

      idem_packet_writer_set_value (writer, key, node);
    }
  g_hash_table_iter_init (&iter, self->values);
  while (g_hash_table_iter_next (&iter, &key, &value))
    idem_packet_writer_set_value (writer, key, value);

  for (guint i = 0; i < self->documents->len; i++)
    {
      Document *document = g_ptr_array_index (self->documents, i);

      idem_packet_writer_add_document (writer, document->field, document->type, document->format,
                                       NULL, document->bytes);
    }

  cbeff = build_cbeff (self, self->fingers, self->face, self->exception_photo, "applicant",
                       biometrics_meta, exceptions_meta, &local_error);
  if (local_error == NULL)
    introducer_cbeff = build_cbeff (self, self->introducer_fingers, NULL, NULL, "introducer",
                                    introducer_meta, introducer_exceptions, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (cbeff != NULL)
    idem_packet_writer_add_biometrics (writer, "individualBiometrics", cbeff);
  if (introducer_cbeff != NULL)
    idem_packet_writer_add_biometrics (writer, "introducerBiometrics", introducer_cbeff);

  idem_packet_writer_set_audits (writer, self->audits);
  meta_info = build_meta_info (self, biometrics_meta, exceptions_meta, introducer_meta);
  idem_packet_writer_set_meta_info (writer, meta_info);

  path = idem_packet_writer_write_file (writer, directory, error);
  if (path != NULL)
    {
      g_free (self->packet_hash);
      self->packet_hash = g_strdup (idem_packet_writer_get_packet_hash (writer));
      self->packet_size = idem_packet_writer_get_packet_size (writer);
    }

  return path;
}

static void
seal_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  RegPacketBuilder *self = source_object;
  GError *error = NULL;
  char *path;

  path = seal (self, task_data, &error);
  if (path == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, path, g_free);
}

static void
reg_packet_builder_finalize (GObject *object)
{
  RegPacketBuilder *self = REG_PACKET_BUILDER (object);

  g_clear_object (&self->schema);
  g_free (self->rid);
  g_free (self->centre_id);
  g_free (self->machine_id);
  g_free (self->officer_id);
  g_free (self->supervisor_id);
  g_clear_pointer (&self->signing_key, EVP_PKEY_free);
  g_clear_pointer (&self->certificate, X509_free);
  g_clear_pointer (&self->creation_time, g_date_time_unref);
  g_hash_table_unref (self->values);
  g_hash_table_unref (self->texts);
  g_ptr_array_unref (self->documents);
  g_clear_pointer (&self->face, idem_video_frame_unref);
  g_clear_pointer (&self->exception_photo, idem_video_frame_unref);
  for (guint i = 0; i <= REG_N_FINGERS; i++)
    {
      finger_capture_clear (&self->fingers[i]);
      finger_capture_clear (&self->introducer_fingers[i]);
    }
  json_array_unref (self->audits);
  g_free (self->packet_hash);

  G_OBJECT_CLASS (reg_packet_builder_parent_class)->finalize (object);
}

static void
reg_packet_builder_class_init (RegPacketBuilderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = reg_packet_builder_finalize;
}

static void
reg_packet_builder_init (RegPacketBuilder *self)
{
  self->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_node_unref);
  self->texts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_hash_table_unref);
  self->documents = g_ptr_array_new_with_free_func ((GDestroyNotify) document_free);
  self->audits = json_array_new ();
  for (guint i = 0; i <= REG_N_FINGERS; i++)
    {
      self->fingers[i].quality = -1;
      self->introducer_fingers[i].quality = -1;
    }
}

/**
 * reg_finger_get_attribute:
 * @position: an ISO finger position, 1 to %REG_N_FINGERS
 *
 * Returns: the UI spec's name of the finger, like `rightIndex`
 */
const char *
reg_finger_get_attribute (guint position)
{
  g_return_val_if_fail (position >= 1 && position <= REG_N_FINGERS, NULL);

  return fingers[position].attribute;
}

/**
 * reg_finger_get_subtype:
 * @position: an ISO finger position, 1 to %REG_N_FINGERS
 *
 * Returns: MOSIP's CBEFF subtype of the finger, like `Right IndexFinger`
 */
const char *
reg_finger_get_subtype (guint position)
{
  g_return_val_if_fail (position >= 1 && position <= REG_N_FINGERS, NULL);

  return fingers[position].subtype;
}

/**
 * reg_finger_get_label:
 * @position: an ISO finger position, 1 to %REG_N_FINGERS
 *
 * Returns: the finger's translated name
 */
const char *
reg_finger_get_label (guint position)
{
  g_return_val_if_fail (position >= 1 && position <= REG_N_FINGERS, NULL);

  return _(fingers[position].label);
}

/**
 * reg_finger_from_attribute:
 * @attribute: a UI spec biometric attribute
 *
 * Returns: the finger's ISO position, or 0 when @attribute is not a finger
 */
guint
reg_finger_from_attribute (const char *attribute)
{
  g_return_val_if_fail (attribute != NULL, 0);

  for (guint position = 1; position <= REG_N_FINGERS; position++)
    if (g_str_equal (fingers[position].attribute, attribute))
      return position;

  return 0;
}

/**
 * reg_packet_builder_new:
 * @schema: the ID schema the packet follows
 * @process: new registration, update, lost UIN…
 *
 * Returns: (transfer full): an empty builder
 */
RegPacketBuilder *
reg_packet_builder_new (IdemIdSchema      *schema,
                        IdemPacketProcess  process)
{
  RegPacketBuilder *self;

  g_return_val_if_fail (IDEM_IS_ID_SCHEMA (schema), NULL);

  self = g_object_new (REG_TYPE_PACKET_BUILDER, NULL);
  self->schema = g_object_ref (schema);
  self->process = process;
  self->creation_time = g_date_time_new_now_utc ();

  return self;
}

IdemPacketProcess
reg_packet_builder_get_process (RegPacketBuilder *self)
{
  g_return_val_if_fail (REG_IS_PACKET_BUILDER (self), IDEM_PACKET_PROCESS_NEW);

  return self->process;
}

/**
 * reg_packet_builder_set_registration:
 * @self: a builder
 * @rid: the registration ID (see idem_rid_build())
 * @centre_id: the registration centre
 * @machine_id: this machine
 */
void
reg_packet_builder_set_registration (RegPacketBuilder *self,
                                     const char       *rid,
                                     const char       *centre_id,
                                     const char       *machine_id)
{
  g_return_if_fail (REG_IS_PACKET_BUILDER (self));
  g_return_if_fail (rid != NULL && centre_id != NULL && machine_id != NULL);

  if (!builder_is_idle (self))
    return;

  g_free (self->rid);
  self->rid = g_strdup (rid);
  g_free (self->centre_id);
  self->centre_id = g_strdup (centre_id);
  g_free (self->machine_id);
  self->machine_id = g_strdup (machine_id);
}

const char *
reg_packet_builder_get_rid (RegPacketBuilder *self)
{
  g_return_val_if_fail (REG_IS_PACKET_BUILDER (self), NULL);

  return self->rid;
}

/**
 * reg_packet_builder_set_operators:
 * @self: a builder
 * @officer_id: the operator who registered the resident
 * @supervisor_id: (nullable): the supervisor, when one took part
 */
void
reg_packet_builder_set_operators (RegPacketBuilder *self,
                                  const char       *officer_id,
                                  const char       *supervisor_id)
{
  g_return_if_fail (REG_IS_PACKET_BUILDER (self));
  g_return_if_fail (officer_id != NULL);

  if (!builder_is_idle (self))
    return;

  g_free (self->officer_id);
  self->officer_id = g_strdup (officer_id);
  g_free (self->supervisor_id);
  self->supervisor_id = g_strdup (supervisor_id);
}

/**
 * reg_packet_builder_set_keys:
 * @self: a builder
 * @signing_key: the machine's private signing key
 * @certificate: the centre and machine's packet encryption certificate
 */
void
reg_packet_builder_set_keys (RegPacketBuilder *self,
                             EVP_PKEY         *signing_key,
                             X509             *certificate)
{
  g_return_if_fail (REG_IS_PACKET_BUILDER (self));
  g_return_if_fail (signing_key != NULL);
  g_return_if_fail (certificate != NULL);

  if (!builder_is_idle (self))
    return;

  EVP_PKEY_up_ref (signing_key);
  g_clear_pointer (&self->signing_key, EVP_PKEY_free);
  self->signing_key = signing_key;
  X509_up_ref (certificate);
  g_clear_pointer (&self->certificate, X509_free);
  self->certificate = certificate;
}

void
reg_packet_builder_set_creation_time (RegPacketBuilder *self,
                                      GDateTime        *time)
{
  g_return_if_fail (REG_IS_PACKET_BUILDER (self));
  g_return_if_fail (time != NULL);

  if (!builder_is_idle (self))
    return;

  g_date_time_unref (self->creation_time);
  self->creation_time = g_date_time_ref (time);
}

/**
 * reg_packet_builder_set_text:
 * @self: a builder
 * @field: a field of kind %IDEM_ID_FIELD_KIND_SIMPLE
 * @language: a three-letter language code, like `eng`
 * @value: (nullable): the value in @language, or %NULL to remove it
 */
void
reg_packet_builder_set_text (RegPacketBuilder *self,
                             const char       *field,
                             const char       *language,
                             const char       *value)
{
  GHashTable *by_language;

  g_return_if_fail (REG_IS_PACKET_BUILDER (self));
  g_return_if_fail (field != NULL);
  g_return_if_fail (language != NULL);

  if (!builder_is_idle (self))
    return;

  by_language = g_hash_table_lookup (self->texts, field);
  if (value == NULL)
    {
      if (by_language != NULL)
        {
          g_hash_table_remove (by_language, language);
          if (g_hash_table_size (by_language) == 0)
            g_hash_table_remove (self->texts, field);
        }
      return;
    }

  if (by_language == NULL)
    {
      by_language = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_hash_table_insert (self->texts, g_strdup (field), by_language);
    }
  g_hash_table_insert (by_language, g_strdup (language), g_strdup (value));
}

/**
 * reg_packet_builder_set_string:
 * @self: a builder
 * @field: a field whose value is a plain string
 * @value: (nullable): the value, or %NULL to remove it
 */
void
reg_packet_builder_set_string (RegPacketBuilder *self,
                               const char       *field,
                               const char       *value)
{
  g_return_if_fail (REG_IS_PACKET_BUILDER (self));
  g_return_if_fail (field != NULL);

  if (!builder_is_idle (self))
    return;

  if (value == NULL)
    g_hash_table_remove (self->values, field);
  else
    g_hash_table_insert (self->values, g_strdup (field), json_node_init_string (json_node_alloc (), value));
}

/**
 * reg_packet_builder_add_document:
 * @self: a builder
 * @field: the document field, like `proofOfAddress`
 * @category: the document category, like `POA`
 * @document_type: the document type code from master data
 * @format: the file's extension, like `pdf` or `png`
 * @bytes: the file
 */
void
reg_packet_builder_add_document (RegPacketBuilder *self,
                                 const char       *field,
                                 const char       *category,
                                 const char       *document_type,
                                 const char       *format,
                                 GBytes           *bytes)
{
  Document *document;

  g_return_if_fail (REG_IS_PACKET_BUILDER (self));
  g_return_if_fail (field != NULL && category != NULL && document_type != NULL && format != NULL);
  g_return_if_fail (bytes != NULL);

  if (!builder_is_idle (self))
    return;

  document = g_new0 (Document, 1);
  document->field = g_strdup (field);
  document->category = g_strdup (category);
  document->type = g_strdup (document_type);
  document->format = g_strdup (format);
  document->bytes = g_bytes_ref (bytes);
  g_ptr_array_add (self->documents, document);
}

void
reg_packet_builder_set_face (RegPacketBuilder *self,
                             IdemVideoFrame   *frame)
{
  g_return_if_fail (REG_IS_PACKET_BUILDER (self));

  if (!builder_is_idle (self))
    return;

  g_clear_pointer (&self->face, idem_video_frame_unref);
  if (frame != NULL)
    self->face = idem_video_frame_ref (frame);
}

/**
 * reg_packet_builder_set_exception_photo:
 * @self: a builder
 * @frame: (nullable): the photo MOSIP asks for when a biometric is missing
 */
void
reg_packet_builder_set_exception_photo (RegPacketBuilder *self,
                                        IdemVideoFrame   *frame)
{
  g_return_if_fail (REG_IS_PACKET_BUILDER (self));

  if (!builder_is_idle (self))
    return;

  g_clear_pointer (&self->exception_photo, idem_video_frame_unref);
  if (frame != NULL)
    self->exception_photo = idem_video_frame_ref (frame);
}

/**
 * reg_packet_builder_set_finger:
 * @self: a builder
 * @position: an ISO finger position, 1 to %REG_N_FINGERS
 * @frame: the 8-bit grey image from the reader
 * @quality: a score from 0 to 100, or -1 when there is none
 * @retries: how many captures it took
 */
void
reg_packet_builder_set_finger (RegPacketBuilder *self,
                               guint             position,
                               IdemVideoFrame   *frame,
                               int               quality,
                               guint             retries)
{
  FingerCapture *capture;

  g_return_if_fail (REG_IS_PACKET_BUILDER (self));
  g_return_if_fail (position >= 1 && position <= REG_N_FINGERS);
  g_return_if_fail (frame != NULL);
  g_return_if_fail (quality >= -1 && quality <= 100);

  if (!builder_is_idle (self))
    return;

  capture = &self->fingers[position];
  finger_capture_clear (capture);
  capture->frame = idem_video_frame_ref (frame);
  capture->quality = quality;
  capture->retries = retries;
}

/**
 * reg_packet_builder_set_finger_missing:
 * @self: a builder
 * @position: an ISO finger position, 1 to %REG_N_FINGERS
 * @reason: why it cannot be captured, a master data code like `Missing`
 *
 * Records a biometric exception for the finger.
 */
void
reg_packet_builder_set_finger_missing (RegPacketBuilder *self,
                                       guint             position,
                                       const char       *reason)
{
  FingerCapture *capture;

  g_return_if_fail (REG_IS_PACKET_BUILDER (self));
  g_return_if_fail (position >= 1 && position <= REG_N_FINGERS);
  g_return_if_fail (reason != NULL);

  if (!builder_is_idle (self))
    return;

  capture = &self->fingers[position];
  finger_capture_clear (capture);
  capture->missing_reason = g_strdup (reason);
}

/**
 * reg_packet_builder_set_introducer_finger:
 * @self: a builder
 * @position: an ISO finger position, 1 to %REG_N_FINGERS
 * @frame: the finger image from the reader
 * @quality: its quality, 0 to 100, or -1 when unknown
 * @retries: how many captures it took
 *
 * Stores a finger of the introducer, who vouches for an infant; it goes
 * into the packet's `introducerBiometrics` CBEFF document.
 */
void
reg_packet_builder_set_introducer_finger (RegPacketBuilder *self,
                                          guint             position,
                                          IdemVideoFrame   *frame,
                                          int               quality,
                                          guint             retries)
{
  FingerCapture *capture;

  g_return_if_fail (REG_IS_PACKET_BUILDER (self));
  g_return_if_fail (position >= 1 && position <= REG_N_FINGERS);
  g_return_if_fail (frame != NULL);
  g_return_if_fail (quality >= -1 && quality <= 100);

  if (!builder_is_idle (self))
    return;

  capture = &self->introducer_fingers[position];
  finger_capture_clear (capture);
  capture->frame = idem_video_frame_ref (frame);
  capture->quality = quality;
  capture->retries = retries;
}

/**
 * reg_packet_builder_add_audit:
 * @self: a builder
 * @event_id: a stable event code, like `REG-EVT-002`
 * @event_name: what happened, in English
 * @description: details, in English
 *
 * Appends an entry to the packet's `audit.json`.
 */
void
reg_packet_builder_add_audit (RegPacketBuilder *self,
                              const char       *event_id,
                              const char       *event_name,
                              const char       *description)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *created = g_date_time_format_iso8601 (now);
  JsonObject *audit;

  g_return_if_fail (REG_IS_PACKET_BUILDER (self));
  g_return_if_fail (event_id != NULL && event_name != NULL && description != NULL);

  if (!builder_is_idle (self))
    return;

  audit = json_object_new ();
  json_object_set_string_member (audit, "uuid", uuid);
  json_object_set_string_member (audit, "createdAt", created);
  json_object_set_string_member (audit, "eventId", event_id);
  json_object_set_string_member (audit, "eventName", event_name);
  json_object_set_string_member (audit, "eventType", "USER");
  json_object_set_string_member (audit, "applicationId", "REG");
  json_object_set_string_member (audit, "applicationName", "Idem Registration");
  json_object_set_string_member (audit, "sessionUserId", self->officer_id != NULL ? self->officer_id : "");
  json_object_set_string_member (audit, "moduleName", "New registration");
  json_object_set_string_member (audit, "description", description);
  json_object_set_string_member (audit, "actionTimeStamp", created);
  json_array_add_object_element (self->audits, audit);
}

/**
 * reg_packet_builder_seal_async:
 * @self: a builder with ids, keys, values and at least one audit
 * @directory: where the packet file goes
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the packet is written
 * @user_data: data for @callback
 *
 * Builds, signs, encrypts and writes the packet in a worker thread.
 */
void
reg_packet_builder_seal_async (RegPacketBuilder    *self,
                               const char          *directory,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (REG_IS_PACKET_BUILDER (self));
  g_return_if_fail (directory != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, reg_packet_builder_seal_async);
  g_task_set_task_data (task, g_strdup (directory), g_free);

  if (self->sealing)
    {
      g_task_return_new_error (task, REG_PACKET_BUILDER_ERROR, REG_PACKET_BUILDER_ERROR_BUSY,
                               _("The registration is already being saved."));
      return;
    }
  if (self->rid == NULL || self->signing_key == NULL || self->certificate == NULL || self->officer_id == NULL)
    {
      g_task_return_new_error (task, REG_PACKET_BUILDER_ERROR, REG_PACKET_BUILDER_ERROR_INCOMPLETE,
                               _("The registration cannot be saved: this machine’s identity, keys or operator are not set."));
      return;
    }
  if (json_array_get_length (self->audits) == 0)
    {
      g_task_return_new_error (task, REG_PACKET_BUILDER_ERROR, REG_PACKET_BUILDER_ERROR_INCOMPLETE,
                               _("The registration cannot be saved without its audit trail."));
      return;
    }

  self->sealing = TRUE;
  g_task_run_in_thread (task, seal_thread);
}

/**
 * reg_packet_builder_seal_finish:
 * @self: a builder
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Returns: (transfer full): the path of the packet file, or %NULL
 */
char *
reg_packet_builder_seal_finish (RegPacketBuilder  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_autoptr(GError) local_error = NULL;
  char *path;

  g_return_val_if_fail (REG_IS_PACKET_BUILDER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  path = g_task_propagate_pointer (G_TASK (result), &local_error);
  /* A seal refused because another runs must not end that other one. */
  if (!g_error_matches (local_error, REG_PACKET_BUILDER_ERROR, REG_PACKET_BUILDER_ERROR_BUSY))
    self->sealing = FALSE;
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));

  return path;
}

const char *
reg_packet_builder_get_packet_hash (RegPacketBuilder *self)
{
  g_return_val_if_fail (REG_IS_PACKET_BUILDER (self), NULL);

  return self->packet_hash;
}

gsize
reg_packet_builder_get_packet_size (RegPacketBuilder *self)
{
  g_return_val_if_fail (REG_IS_PACKET_BUILDER (self), 0);

  return self->packet_size;
}
