/* idem-packet-writer.c — writes MOSIP 1.2 registration packets
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The layout, file by file and byte by byte, is that of MOSIP 1.2's
 * packet-manager PacketWriterImpl with the registration client's settings:
 *
 *   <rid>-<centre>_<machine>-<yyyyMMddHHmmss>.zip = ENVELOPE (zip of
 *     REGISTRATION_CLIENT/<PROCESS>/<rid>_<name>.zip   ENVELOPE (sub-packet zip)
 *     REGISTRATION_CLIENT/<PROCESS>/<rid>_<name>.json  meta JSON)
 *
 * for each sub-packet (evidence, optional, id) that at least one schema
 * field routes to.  Each sub-packet zip is signed (RSA-SHA256 over its
 * plaintext bytes) by the machine key, then encrypted for the
 * `<centre>_<machine>` key; its meta JSON holds the signature and the
 * SHA-256 of the envelope.  The container is encrypted the same way.
 *
 * Compression: documents and CBEFF files are STORED.  The images inside
 * CBEFF are JPEG 2000 or WSQ, already compressed; DEFLATE only wins back
 * the base64 overhead (about a quarter, measured on random image bytes)
 * and costs every reader an inflate of the largest files.  JSON and the
 * hash files are small and compress well, so they are DEFLATEd.  The
 * sub-packet envelopes in the container are ciphertext: STORED.
 */

#define G_LOG_DOMAIN "idem-packet"

#include "config.h"

#include "idem-packet-writer.h"
#include "idem-packet-error.h"
#include "idem-packet-meta.h"
#include "idem-packet-zip.h"
#include "idem-crypto.h"
#include "idem-mosip-crypto.h"
#include "idem-openssl-types.h"

#include <glib/gi18n-lib.h>
#include <string.h>

typedef struct
{
  char   *type;
  char   *format;
  char   *ref_number;
  GBytes *bytes;
} Document;

struct _IdemPacketWriter
{
  GObject            parent_instance;

  char              *rid;
  char              *centre_id;
  char              *machine_id;
  IdemPacketProcess  process;

  GPtrArray         *fields;
  double             schema_version;
  GHashTable        *values;        /* field → JsonNode */
  GHashTable        *documents;     /* field → Document */
  GHashTable        *biometrics;    /* field → GBytes */
  GBytes            *officer_biometrics;
  GBytes            *supervisor_biometrics;
  JsonArray         *audits;
  JsonObject        *meta_info;
  GDateTime         *creation_time;

  EVP_PKEY          *signing_key;
  EVP_PKEY          *encryption_key;
  guint8             thumbprint[IDEM_MOSIP_THUMBPRINT_SIZE];

  char              *packet_id;
  char              *packet_hash;
  gsize              packet_size;
};

G_DEFINE_FINAL_TYPE (IdemPacketWriter, idem_packet_writer, G_TYPE_OBJECT)

static const char * const process_names[] = {
  [IDEM_PACKET_PROCESS_NEW] = "NEW",
  [IDEM_PACKET_PROCESS_UPDATE] = "UPDATE",
  [IDEM_PACKET_PROCESS_LOST] = "LOST",
  [IDEM_PACKET_PROCESS_BIOMETRIC_CORRECTION] = "BIOMETRIC_CORRECTION",
};

/**
 * idem_packet_process_to_string:
 * @process: a process
 *
 * Returns: the process as the container's folder names it ("NEW"), or
 *   %NULL for an unknown value
 */
const char *
idem_packet_process_to_string (IdemPacketProcess process)
{
  if (process < IDEM_PACKET_PROCESS_NEW || process > IDEM_PACKET_PROCESS_BIOMETRIC_CORRECTION)
    return NULL;

  return process_names[process];
}

static void
document_free (Document *document)
{
  g_free (document->type);
  g_free (document->format);
  g_free (document->ref_number);
  g_bytes_unref (document->bytes);
  g_free (document);
}

static void
idem_packet_writer_finalize (GObject *object)
{
  IdemPacketWriter *self = (IdemPacketWriter *) object;

  g_free (self->rid);
  g_free (self->centre_id);
  g_free (self->machine_id);
  g_clear_pointer (&self->fields, g_ptr_array_unref);
  g_clear_pointer (&self->values, g_hash_table_unref);
  g_clear_pointer (&self->documents, g_hash_table_unref);
  g_clear_pointer (&self->biometrics, g_hash_table_unref);
  g_clear_pointer (&self->officer_biometrics, g_bytes_unref);
  g_clear_pointer (&self->supervisor_biometrics, g_bytes_unref);
  g_clear_pointer (&self->audits, json_array_unref);
  g_clear_pointer (&self->meta_info, json_object_unref);
  g_clear_pointer (&self->creation_time, g_date_time_unref);
  g_clear_pointer (&self->signing_key, EVP_PKEY_free);
  g_clear_pointer (&self->encryption_key, EVP_PKEY_free);
  g_free (self->packet_id);
  g_free (self->packet_hash);

  G_OBJECT_CLASS (idem_packet_writer_parent_class)->finalize (object);
}

static void
idem_packet_writer_class_init (IdemPacketWriterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = idem_packet_writer_finalize;
}

static void
idem_packet_writer_init (IdemPacketWriter *self)
{
  self->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_node_unref);
  self->documents = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) document_free);
  self->biometrics = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
}

/**
 * idem_packet_writer_new:
 * @rid: the registration ID
 * @centre_id: the registration centre
 * @machine_id: the registration machine
 * @process: the registration process
 *
 * Returns: (transfer full): a writer for one packet
 */
IdemPacketWriter *
idem_packet_writer_new (const char        *rid,
                        const char        *centre_id,
                        const char        *machine_id,
                        IdemPacketProcess  process)
{
  IdemPacketWriter *self;

  g_return_val_if_fail (rid != NULL, NULL);
  g_return_val_if_fail (centre_id != NULL, NULL);
  g_return_val_if_fail (machine_id != NULL, NULL);
  g_return_val_if_fail (idem_packet_process_to_string (process) != NULL, NULL);

  self = g_object_new (IDEM_TYPE_PACKET_WRITER, NULL);
  self->rid = g_strdup (rid);
  self->centre_id = g_strdup (centre_id);
  self->machine_id = g_strdup (machine_id);
  self->process = process;

  return self;
}

/**
 * idem_packet_writer_set_schema:
 * @self: a writer
 * @schema: the ID schema
 *
 * Sets the schema whose `fieldCategory` routes each field to the id,
 * evidence or optional sub-packet, whose order the files follow, and whose
 * version is written as `IDSchemaVersion`.
 */
void
idem_packet_writer_set_schema (IdemPacketWriter *self,
                               IdemIdSchema     *schema)
{
  g_return_if_fail (IDEM_IS_PACKET_WRITER (self));
  g_return_if_fail (IDEM_IS_ID_SCHEMA (schema));

  g_clear_pointer (&self->fields, g_ptr_array_unref);
  self->fields = idem_packet_schema_fields (schema);
  self->schema_version = idem_id_schema_get_version (schema);
}

/**
 * idem_packet_writer_set_value:
 * @self: a writer
 * @field: a demographic field of the schema
 * @value: its value (a string, or language-tagged values)
 */
void
idem_packet_writer_set_value (IdemPacketWriter *self,
                              const char       *field,
                              JsonNode         *value)
{
  g_return_if_fail (IDEM_IS_PACKET_WRITER (self));
  g_return_if_fail (field != NULL);
  g_return_if_fail (value != NULL);

  g_hash_table_replace (self->values, g_strdup (field), json_node_copy (value));
}

/**
 * idem_packet_writer_set_value_string:
 * @self: a writer
 * @field: a demographic field of the schema
 * @value: its value as text
 *
 * As MOSIP's RegistrationPacket does: text that parses as a JSON object
 * or array is stored as that structure, anything else as a string.
 */
void
idem_packet_writer_set_value_string (IdemPacketWriter *self,
                                     const char       *field,
                                     const char       *value)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonNode) node = NULL;
  JsonNode *root;

  g_return_if_fail (IDEM_IS_PACKET_WRITER (self));
  g_return_if_fail (field != NULL);
  g_return_if_fail (value != NULL);

  if (json_parser_load_from_data (parser, value, -1, NULL)
      && (root = json_parser_get_root (parser)) != NULL
      && (JSON_NODE_HOLDS_OBJECT (root) || JSON_NODE_HOLDS_ARRAY (root)))
    node = json_node_copy (root);
  else
    node = json_node_init_string (json_node_alloc (), value);

  g_hash_table_replace (self->values, g_strdup (field), g_steal_pointer (&node));
}

/**
 * idem_packet_writer_add_document:
 * @self: a writer
 * @field: a document field of the schema ("proofOfAddress")
 * @type: the document type code ("RNC")
 * @format: the file extension ("pdf")
 * @ref_number: (nullable): the document's reference number
 * @bytes: the file
 */
void
idem_packet_writer_add_document (IdemPacketWriter *self,
                                 const char       *field,
                                 const char       *type,
                                 const char       *format,
                                 const char       *ref_number,
                                 GBytes           *bytes)
{
  Document *document;

  g_return_if_fail (IDEM_IS_PACKET_WRITER (self));
  g_return_if_fail (field != NULL);
  g_return_if_fail (type != NULL);
  g_return_if_fail (format != NULL);
  g_return_if_fail (bytes != NULL);

  document = g_new0 (Document, 1);
  document->type = g_strdup (type);
  document->format = g_strdup (format);
  document->ref_number = g_strdup (ref_number);
  document->bytes = g_bytes_ref (bytes);
  g_hash_table_replace (self->documents, g_strdup (field), document);
}

/**
 * idem_packet_writer_add_biometrics:
 * @self: a writer
 * @field: a biometrics field of the schema ("individualBiometrics")
 * @cbeff_xml: the CBEFF XML record
 */
void
idem_packet_writer_add_biometrics (IdemPacketWriter *self,
                                   const char       *field,
                                   GBytes           *cbeff_xml)
{
  g_return_if_fail (IDEM_IS_PACKET_WRITER (self));
  g_return_if_fail (field != NULL);
  g_return_if_fail (cbeff_xml != NULL);

  g_hash_table_replace (self->biometrics, g_strdup (field), g_bytes_ref (cbeff_xml));
}

/**
 * idem_packet_writer_set_officer_biometrics:
 * @self: a writer
 * @cbeff_xml: (nullable): the operator's CBEFF record
 */
void
idem_packet_writer_set_officer_biometrics (IdemPacketWriter *self,
                                           GBytes           *cbeff_xml)
{
  g_return_if_fail (IDEM_IS_PACKET_WRITER (self));

  g_clear_pointer (&self->officer_biometrics, g_bytes_unref);
  self->officer_biometrics = cbeff_xml != NULL ? g_bytes_ref (cbeff_xml) : NULL;
}

/**
 * idem_packet_writer_set_supervisor_biometrics:
 * @self: a writer
 * @cbeff_xml: (nullable): the supervisor's CBEFF record
 */
void
idem_packet_writer_set_supervisor_biometrics (IdemPacketWriter *self,
                                              GBytes           *cbeff_xml)
{
  g_return_if_fail (IDEM_IS_PACKET_WRITER (self));

  g_clear_pointer (&self->supervisor_biometrics, g_bytes_unref);
  self->supervisor_biometrics = cbeff_xml != NULL ? g_bytes_ref (cbeff_xml) : NULL;
}

/**
 * idem_packet_writer_set_audits:
 * @self: a writer
 * @audits: the audit events, at least one (MOSIP requires them)
 */
void
idem_packet_writer_set_audits (IdemPacketWriter *self,
                               JsonArray        *audits)
{
  g_return_if_fail (IDEM_IS_PACKET_WRITER (self));
  g_return_if_fail (audits != NULL);

  g_clear_pointer (&self->audits, json_array_unref);
  self->audits = json_array_ref (audits);
}

/**
 * idem_packet_writer_set_meta_info:
 * @self: a writer
 * @meta_info: the client's meta info: `metaData` and `operationsData`
 *   label/value lists, `biometrics`, `exceptionBiometrics`, `documents`,
 *   `capturedRegisteredDevices`, …
 *
 * The writer adds `registrationId`, `creationDate`, the document types
 * and the hash sequences to it in each sub-packet.
 */
void
idem_packet_writer_set_meta_info (IdemPacketWriter *self,
                                  JsonObject       *meta_info)
{
  g_return_if_fail (IDEM_IS_PACKET_WRITER (self));
  g_return_if_fail (meta_info != NULL);

  g_clear_pointer (&self->meta_info, json_object_unref);
  self->meta_info = json_object_ref (meta_info);
}

/**
 * idem_packet_writer_set_creation_time:
 * @self: a writer
 * @time: when the packet was made; the packet ID and dates use it in UTC
 */
void
idem_packet_writer_set_creation_time (IdemPacketWriter *self,
                                      GDateTime        *time)
{
  g_return_if_fail (IDEM_IS_PACKET_WRITER (self));
  g_return_if_fail (time != NULL);

  g_clear_pointer (&self->creation_time, g_date_time_unref);
  self->creation_time = g_date_time_to_utc (time);
}

/**
 * idem_packet_writer_set_signing_key:
 * @self: a writer
 * @private_key: the machine's signing key: RSA, as MOSIP's machines have,
 *   or Ed25519
 */
void
idem_packet_writer_set_signing_key (IdemPacketWriter *self,
                                    EVP_PKEY         *private_key)
{
  g_return_if_fail (IDEM_IS_PACKET_WRITER (self));
  g_return_if_fail (private_key != NULL);

  g_clear_pointer (&self->signing_key, EVP_PKEY_free);
  EVP_PKEY_up_ref (private_key);
  self->signing_key = private_key;
}

/**
 * idem_packet_writer_set_encryption_key:
 * @self: a writer
 * @public_key: the `<centre>_<machine>` packet encryption key
 * @thumbprint: the SHA-256 of its certificate's DER, 32 bytes
 */
void
idem_packet_writer_set_encryption_key (IdemPacketWriter *self,
                                       EVP_PKEY         *public_key,
                                       const guint8     *thumbprint)
{
  g_return_if_fail (IDEM_IS_PACKET_WRITER (self));
  g_return_if_fail (public_key != NULL);
  g_return_if_fail (thumbprint != NULL);

  g_clear_pointer (&self->encryption_key, EVP_PKEY_free);
  EVP_PKEY_up_ref (public_key);
  self->encryption_key = public_key;
  memcpy (self->thumbprint, thumbprint, sizeof self->thumbprint);
}

/**
 * idem_packet_writer_set_encryption_certificate:
 * @self: a writer
 * @certificate: the `<centre>_<machine>` packet encryption certificate
 */
void
idem_packet_writer_set_encryption_certificate (IdemPacketWriter *self,
                                               X509             *certificate)
{
  guint8 thumbprint[IDEM_MOSIP_THUMBPRINT_SIZE];
  EVP_PKEY *key;

  g_return_if_fail (IDEM_IS_PACKET_WRITER (self));
  g_return_if_fail (certificate != NULL);

  key = X509_get0_pubkey (certificate);
  g_return_if_fail (key != NULL);
  idem_mosip_certificate_thumbprint (certificate, thumbprint);
  idem_packet_writer_set_encryption_key (self, key, thumbprint);
}

static gboolean
check_bytes (GBytes      *bytes,
             const char  *what,
             GError     **error)
{
  if (g_bytes_get_size (bytes) == 0)
    {
      /* MOSIP's validator never finds an empty file: it is left out of its
       * checksum map, so the packet would fail on the server. */
      g_set_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_INVALID_INPUT,
                   _("The file for “%s” is empty"), what);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_input (IdemPacketWriter  *self,
             GError           **error)
{
  g_autoptr(GHashTable) known = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key, value;

  if (self->fields == NULL)
    {
      g_set_error_literal (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_INVALID_INPUT,
                           _("The packet has no ID schema to route its fields"));
      return FALSE;
    }
  if (self->signing_key == NULL || self->encryption_key == NULL)
    {
      g_set_error_literal (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_INVALID_INPUT,
                           _("The packet needs the machine's signing key and the encryption key"));
      return FALSE;
    }
  if (self->audits == NULL || json_array_get_length (self->audits) == 0)
    {
      g_set_error_literal (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_INVALID_INPUT,
                           _("A packet needs at least one audit event"));
      return FALSE;
    }

  for (guint i = 0; i < self->fields->len; i++)
    {
      IdemPacketField *field = g_ptr_array_index (self->fields, i);

      g_hash_table_insert (known, field->name, field);
    }

  g_hash_table_iter_init (&iter, self->values);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      IdemPacketField *field = g_hash_table_lookup (known, key);

      if (field == NULL || field->kind != IDEM_PACKET_FIELD_VALUE || g_str_equal (key, "IDSchemaVersion"))
        {
          g_set_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_INVALID_INPUT,
                       _("“%s” is not a demographic field of the ID schema"), (const char *) key);
          return FALSE;
        }
    }

  g_hash_table_iter_init (&iter, self->documents);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      IdemPacketField *field = g_hash_table_lookup (known, key);
      Document *document = value;

      if (field == NULL || field->kind != IDEM_PACKET_FIELD_DOCUMENT)
        {
          g_set_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_INVALID_INPUT,
                       _("“%s” is not a document field of the ID schema"), (const char *) key);
          return FALSE;
        }
      if (!check_bytes (document->bytes, key, error))
        return FALSE;
      if (document->format[0] == '\0' || strpbrk (document->format, "/\\.") != NULL)
        {
          g_set_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_INVALID_INPUT,
                       _("The document format “%s” is not a file extension"), document->format);
          return FALSE;
        }
    }

  g_hash_table_iter_init (&iter, self->biometrics);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      IdemPacketField *field = g_hash_table_lookup (known, key);

      if (field == NULL || field->kind != IDEM_PACKET_FIELD_BIOMETRICS)
        {
          g_set_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_INVALID_INPUT,
                       _("“%s” is not a biometrics field of the ID schema"), (const char *) key);
          return FALSE;
        }
      if (!check_bytes (value, key, error))
        return FALSE;
    }

  if ((self->officer_biometrics != NULL && !check_bytes (self->officer_biometrics, "officer", error))
      || (self->supervisor_biometrics != NULL && !check_bytes (self->supervisor_biometrics, "supervisor", error)))
    return FALSE;

  return TRUE;
}

static JsonNode *
sequence_element (const char *label,
                  GPtrArray  *names)
{
  JsonObject *object = json_object_new ();
  JsonArray *array = json_array_new ();
  JsonNode *node;

  for (guint i = 0; i < names->len; i++)
    json_array_add_string_element (array, g_ptr_array_index (names, i));
  json_object_set_string_member (object, "label", label);
  json_object_set_array_member (object, "value", array);
  node = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);

  return node;
}

/* The upper-case hex SHA-256 over the files of @names, concatenated. */
static GBytes *
sequence_hash (GHashTable *files_by_stem,
               GPtrArray  *names)
{
  g_autoptr(IdemSha256) sha = idem_sha256_new ();
  guint8 digest[IDEM_SHA256_SIZE];
  char *hex;

  for (guint i = 0; i < names->len; i++)
    {
      GBytes *bytes = g_hash_table_lookup (files_by_stem, g_ptr_array_index (names, i));

      idem_sha256_update (sha, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
    }
  idem_sha256_finish (sha, digest);
  hex = idem_packet_hex_upper (digest);

  return g_bytes_new_take (hex, IDEM_PACKET_HEX_HASH_LENGTH);
}

typedef struct
{
  GPtrArray  *names;   /* zip entry names, in order */
  GPtrArray  *bytes;
  GHashTable *by_stem; /* name without extension → bytes, for the hashes */
} FileList;

static void
file_list_init (FileList *list)
{
  list->names = g_ptr_array_new_with_free_func (g_free);
  list->bytes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  list->by_stem = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static void
file_list_clear (FileList *list)
{
  g_clear_pointer (&list->names, g_ptr_array_unref);
  g_clear_pointer (&list->bytes, g_ptr_array_unref);
  g_clear_pointer (&list->by_stem, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FileList, file_list_clear)

static void
file_list_add (FileList   *list,
               const char *stem,
               const char *extension,
               GBytes     *bytes)
{
  g_ptr_array_add (list->names, g_strconcat (stem, ".", extension, NULL));
  g_ptr_array_add (list->bytes, g_bytes_ref (bytes));
  g_hash_table_insert (list->by_stem, g_strdup (stem), bytes);
}

static char *
format_creation_date (GDateTime *time)
{
  g_autofree char *seconds = g_date_time_format (time, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", seconds, g_date_time_get_microsecond (time) / 1000);
}

/* Builds the plaintext zip of one sub-packet. */
static GBytes *
build_subpacket (IdemPacketWriter         *self,
                 IdemPacketSubpacketKind   kind,
                 GError                  **error)
{
  g_auto(FileList) files = { 0 };
  g_autoptr(JsonObject) identity = json_object_new ();
  g_autoptr(JsonObject) meta_info = NULL;
  g_autoptr(GPtrArray) biometric_names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) demographic_names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) operation_names = g_ptr_array_new ();
  g_autoptr(IdemZipWriter) zip = idem_zip_writer_new ();
  g_autoptr(JsonNode) identity_node = NULL;
  g_autoptr(JsonNode) meta_info_node = NULL;
  g_autoptr(GBytes) id_json = NULL;
  g_autoptr(GBytes) data_hash = NULL;
  g_autoptr(GBytes) meta_info_json = NULL;
  g_autofree char *creation_date = format_creation_date (self->creation_time);
  JsonArray *sequence1, *sequence2 = NULL;

  file_list_init (&files);
  meta_info = json_object_new ();
  if (self->meta_info != NULL)
    {
      g_autoptr(GList) members = json_object_get_members (self->meta_info);

      for (GList *l = members; l != NULL; l = l->next)
        json_object_set_member (meta_info, l->data,
                                json_node_copy (json_object_get_member (self->meta_info, l->data)));
    }

  json_object_set_double_member (identity, "IDSchemaVersion", self->schema_version);

  for (guint i = 0; i < self->fields->len; i++)
    {
      IdemPacketField *field = g_ptr_array_index (self->fields, i);
      JsonNode *value;
      Document *document;
      GBytes *cbeff;

      if ((field->subpackets & (1 << kind)) == 0)
        continue;

      switch (field->kind)
        {
        case IDEM_PACKET_FIELD_BIOMETRICS:
          if ((cbeff = g_hash_table_lookup (self->biometrics, field->name)) != NULL)
            {
              g_autofree char *stem = g_strconcat (field->name, "_bio_CBEFF", NULL);
              JsonObject *object = json_object_new ();

              json_object_set_string_member (object, "format", "cbeff");
              json_object_set_double_member (object, "version", 1.0);
              json_object_set_string_member (object, "value", stem);
              json_object_set_object_member (identity, field->name, object);
              file_list_add (&files, stem, "xml", cbeff);
              g_ptr_array_add (biometric_names, g_steal_pointer (&stem));
            }
          break;

        case IDEM_PACKET_FIELD_DOCUMENT:
          if ((document = g_hash_table_lookup (self->documents, field->name)) != NULL)
            {
              JsonObject *object = json_object_new ();

              json_object_set_string_member (object, "value", field->name);
              json_object_set_string_member (object, "type", document->type);
              json_object_set_string_member (object, "format", document->format);
              if (document->ref_number != NULL)
                json_object_set_string_member (object, "refNumber", document->ref_number);
              else
                json_object_set_null_member (object, "refNumber");
              json_object_set_object_member (identity, field->name, object);
              json_object_set_string_member (meta_info, field->name, document->type);
              file_list_add (&files, field->name, document->format, document->bytes);
              g_ptr_array_add (demographic_names, g_strdup (field->name));
            }
          break;

        case IDEM_PACKET_FIELD_VALUE:
        default:
          if ((value = g_hash_table_lookup (self->values, field->name)) != NULL)
            json_object_set_member (identity, field->name, json_node_copy (value));
          break;
        }
    }

  identity_node = json_node_init_object (json_node_alloc (), identity);
  id_json = idem_packet_frame_identity (identity_node);
  file_list_add (&files, "ID", "json", id_json);
  g_ptr_array_add (demographic_names, g_strdup ("ID"));

  if (kind == IDEM_PACKET_SUBPACKET_ID)
    {
      g_autoptr(JsonNode) audits_node = json_node_init_array (json_node_alloc (), self->audits);
      g_autoptr(GBytes) audits = NULL;
      g_autoptr(GBytes) operations_hash = NULL;
      g_autofree char *audits_text = idem_packet_json_pretty (audits_node);

      if (self->officer_biometrics != NULL)
        {
          file_list_add (&files, "officer_bio_cbeff", "xml", self->officer_biometrics);
          g_ptr_array_add (operation_names, (gpointer) "officer_bio_cbeff");
        }
      if (self->supervisor_biometrics != NULL)
        {
          file_list_add (&files, "supervisor_bio_cbeff", "xml", self->supervisor_biometrics);
          g_ptr_array_add (operation_names, (gpointer) "supervisor_bio_cbeff");
        }
      audits = g_bytes_new_take (audits_text, strlen (audits_text));
      audits_text = NULL;
      file_list_add (&files, "audit", "json", audits);
      g_ptr_array_add (operation_names, (gpointer) "audit");

      operations_hash = sequence_hash (files.by_stem, operation_names);
      g_ptr_array_add (files.names, g_strdup (IDEM_PACKET_OPS_HASH_FILE));
      g_ptr_array_add (files.bytes, g_steal_pointer (&operations_hash));

      sequence2 = json_array_new ();
      json_array_add_element (sequence2, sequence_element ("otherFiles", operation_names));
    }

  /* packet_data_hash.txt: biometrics, then documents and ID, as listed */
  {
    g_autoptr(GPtrArray) all = g_ptr_array_new ();

    for (guint i = 0; i < biometric_names->len; i++)
      g_ptr_array_add (all, g_ptr_array_index (biometric_names, i));
    for (guint i = 0; i < demographic_names->len; i++)
      g_ptr_array_add (all, g_ptr_array_index (demographic_names, i));
    data_hash = sequence_hash (files.by_stem, all);
  }
  g_ptr_array_add (files.names, g_strdup (IDEM_PACKET_DATA_HASH_FILE));
  g_ptr_array_add (files.bytes, g_steal_pointer (&data_hash));

  sequence1 = json_array_new ();
  if (biometric_names->len > 0)
    json_array_add_element (sequence1, sequence_element ("biometricSequence", biometric_names));
  json_array_add_element (sequence1, sequence_element ("demographicSequence", demographic_names));

  json_object_set_string_member (meta_info, "registrationId", self->rid);
  json_object_set_string_member (meta_info, "creationDate", creation_date);
  json_object_set_array_member (meta_info, "hashSequence1", sequence1);
  if (sequence2 != NULL)
    json_object_set_array_member (meta_info, "hashSequence2", sequence2);
  meta_info_node = json_node_init_object (json_node_alloc (), meta_info);
  meta_info_json = idem_packet_frame_identity (meta_info_node);
  g_ptr_array_add (files.names, g_strdup (IDEM_PACKET_META_INFO_FILE));
  g_ptr_array_add (files.bytes, g_steal_pointer (&meta_info_json));

  for (guint i = 0; i < files.names->len; i++)
    {
      const char *name = g_ptr_array_index (files.names, i);
      IdemZipMethod method = g_str_has_suffix (name, ".json") || g_str_has_suffix (name, ".txt")
                             ? IDEM_ZIP_DEFLATE : IDEM_ZIP_STORED;

      if (!idem_zip_writer_add (zip, name, g_ptr_array_index (files.bytes, i), method, error))
        return NULL;
    }

  return idem_zip_writer_finish (zip);
}

static gboolean
subpacket_is_routed (IdemPacketWriter        *self,
                     IdemPacketSubpacketKind  kind)
{
  for (guint i = 0; i < self->fields->len; i++)
    {
      IdemPacketField *field = g_ptr_array_index (self->fields, i);

      if (field->subpackets & (1 << kind))
        return TRUE;
    }

  return FALSE;
}

/**
 * idem_packet_writer_seal:
 * @self: a writer
 * @error: return location for an error
 *
 * Builds, signs and encrypts the packet.  Afterwards the packet ID, its
 * hash and size (what the client declares when it syncs) can be read.
 *
 * Returns: (transfer full): the bytes of `<packetId>.zip`
 */
GBytes *
idem_packet_writer_seal (IdemPacketWriter  *self,
                         GError           **error)
{
  g_autoptr(IdemZipWriter) container = idem_zip_writer_new ();
  g_autoptr(GBytes) container_bytes = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_autofree char *stamp = NULL;
  g_autofree char *ref_id = NULL;
  g_autofree char *creation_date = NULL;
  g_autofree char *schema_version = NULL;
  guint8 digest[IDEM_SHA256_SIZE];
  const char *process;
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_val_if_fail (IDEM_IS_PACKET_WRITER (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_input (self, error))
    return NULL;

  if (self->creation_time == NULL)
    self->creation_time = g_date_time_new_now_utc ();

  process = idem_packet_process_to_string (self->process);
  stamp = g_date_time_format (self->creation_time, "%Y%m%d%H%M%S");
  ref_id = g_strdup_printf ("%s_%s", self->centre_id, self->machine_id);
  creation_date = format_creation_date (self->creation_time);
  /* Java's Double.toString(): "0.1", "1.0" */
  g_ascii_dtostr (buffer, sizeof buffer, self->schema_version);
  schema_version = strpbrk (buffer, ".eE") != NULL ? g_strdup (buffer) : g_strconcat (buffer, ".0", NULL);
  g_free (self->packet_id);
  self->packet_id = g_strdup_printf ("%s-%s-%s", self->rid, ref_id, stamp);

  for (IdemPacketSubpacketKind kind = 0; kind < IDEM_PACKET_N_SUBPACKETS; kind++)
    {
      g_autoptr(GBytes) plain = NULL;
      g_autoptr(GBytes) envelope = NULL;
      g_autoptr(IdemPacketMeta) meta = NULL;
      g_autoptr(GBytes) meta_json = NULL;
      g_autofree char *stem = NULL;
      g_autofree char *zip_name = NULL;
      g_autofree char *json_name = NULL;
      char *text;

      if (!subpacket_is_routed (self, kind))
        continue;

      plain = build_subpacket (self, kind, error);
      if (plain == NULL)
        return NULL;

      meta = g_new0 (IdemPacketMeta, 1);
      meta->signature = idem_crypto_sign (self->signing_key, idem_packet_signature_algorithm (self->signing_key),
                                          g_bytes_get_data (plain, NULL), g_bytes_get_size (plain), error);
      if (meta->signature == NULL)
        return NULL;
      envelope = idem_mosip_encrypt (plain, self->encryption_key, self->thumbprint, NULL, error);
      if (envelope == NULL)
        return NULL;
      idem_sha256 (g_bytes_get_data (envelope, NULL), g_bytes_get_size (envelope), meta->encrypted_hash);

      stem = g_strdup_printf ("%s_%s", self->rid, idem_packet_subpacket_names[kind]);
      meta->id = g_strdup (self->packet_id);
      meta->packet_name = g_strdup (stem);
      meta->source = g_strdup (IDEM_PACKET_SOURCE);
      meta->process = g_strdup (process);
      meta->schema_version = g_strdup (schema_version);
      meta->provider_name = g_strdup (IDEM_PACKET_PROVIDER_NAME);
      meta->provider_version = g_strdup (IDEM_PACKET_PROVIDER_VERSION);
      meta->creation_date = g_strdup (creation_date);
      meta->ref_id = g_strdup (ref_id);
      text = idem_packet_meta_to_json (meta);
      meta_json = g_bytes_new_take (text, strlen (text));

      zip_name = g_strdup_printf ("%s/%s/%s.zip", IDEM_PACKET_SOURCE, process, stem);
      json_name = g_strdup_printf ("%s/%s/%s.json", IDEM_PACKET_SOURCE, process, stem);
      if (!idem_zip_writer_add (container, zip_name, envelope, IDEM_ZIP_STORED, error)
          || !idem_zip_writer_add (container, json_name, meta_json, IDEM_ZIP_DEFLATE, error))
        return NULL;
    }

  container_bytes = idem_zip_writer_finish (container);
  sealed = idem_mosip_encrypt (container_bytes, self->encryption_key, self->thumbprint, NULL, error);
  if (sealed == NULL)
    return NULL;

  idem_sha256 (g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed), digest);
  g_free (self->packet_hash);
  self->packet_hash = idem_packet_hex_upper (digest);
  self->packet_size = g_bytes_get_size (sealed);

  return g_steal_pointer (&sealed);
}

/**
 * idem_packet_writer_write_file:
 * @self: a writer
 * @directory: where to write the packet
 * @error: return location for an error
 *
 * Seals the packet and writes it atomically as `<packetId>.zip` in
 * @directory: a crash leaves either the whole file or none.
 *
 * Returns: (transfer full): the file's path, or %NULL
 */
char *
idem_packet_writer_write_file (IdemPacketWriter  *self,
                               const char        *directory,
                               GError           **error)
{
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (IDEM_IS_PACKET_WRITER (self), NULL);
  g_return_val_if_fail (directory != NULL, NULL);

  sealed = idem_packet_writer_seal (self, error);
  if (sealed == NULL)
    return NULL;

  name = g_strconcat (self->packet_id, ".zip", NULL);
  path = g_build_filename (directory, name, NULL);
  if (!g_file_set_contents_full (path, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed),
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local_error))
    {
      g_set_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_IO,
                   _("The packet could not be written: %s"), local_error->message);
      return NULL;
    }

  return g_steal_pointer (&path);
}

static void
write_file_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  GError *error = NULL;
  char *path;

  path = idem_packet_writer_write_file (source_object, task_data, &error);
  if (path == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, path, g_free);
}

/**
 * idem_packet_writer_write_file_async:
 * @self: a writer, not to be changed until the call finishes
 * @directory: where to write the packet
 * @cancellable: (nullable): a cancellable
 * @callback: called when the file is written
 * @user_data: data for @callback
 *
 * Does idem_packet_writer_write_file() in a worker thread: signing,
 * encrypting and a durable write take tens of milliseconds.
 */
void
idem_packet_writer_write_file_async (IdemPacketWriter    *self,
                                     const char          *directory,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (IDEM_IS_PACKET_WRITER (self));
  g_return_if_fail (directory != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, idem_packet_writer_write_file_async);
  g_task_set_task_data (task, g_strdup (directory), g_free);
  g_task_run_in_thread (task, write_file_thread);
}

/**
 * idem_packet_writer_write_file_finish:
 * @self: a writer
 * @result: the result
 * @error: return location for an error
 *
 * Returns: (transfer full): the file's path, or %NULL
 */
char *
idem_packet_writer_write_file_finish (IdemPacketWriter  *self,
                                      GAsyncResult      *result,
                                      GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * idem_packet_writer_get_packet_id:
 * @self: a writer
 *
 * Returns: (nullable): `<rid>-<centre>_<machine>-<yyyyMMddHHmmss>`, once sealed
 */
const char *
idem_packet_writer_get_packet_id (IdemPacketWriter *self)
{
  g_return_val_if_fail (IDEM_IS_PACKET_WRITER (self), NULL);

  return self->packet_id;
}

/**
 * idem_packet_writer_get_packet_hash:
 * @self: a writer
 *
 * Returns: (nullable): the upper-case hex SHA-256 of the sealed packet,
 *   the `packetHashValue` a client declares
 */
const char *
idem_packet_writer_get_packet_hash (IdemPacketWriter *self)
{
  g_return_val_if_fail (IDEM_IS_PACKET_WRITER (self), NULL);

  return self->packet_hash;
}

/**
 * idem_packet_writer_get_packet_size:
 * @self: a writer
 *
 * Returns: the size of the sealed packet in bytes, or 0 before sealing
 */
gsize
idem_packet_writer_get_packet_size (IdemPacketWriter *self)
{
  g_return_val_if_fail (IDEM_IS_PACKET_WRITER (self), 0);

  return self->packet_size;
}
