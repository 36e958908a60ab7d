/* idem-packet-reader.c — reads and verifies MOSIP 1.2 registration packets
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Checks in the order MOSIP's registration processor makes them and stops
 * at the first that fails, naming it with its own error code:
 *
 *   1. declared size, then declared SHA-256 of the file
 *   2. outer envelope decrypts; the container zip is sound and holds only
 *      REGISTRATION_CLIENT/<PROCESS>/<rid>_<name>.zip|.json pairs
 *   3. for id, evidence, optional: meta JSON, envelope decrypts, signature
 *      over the plaintext zip, `encryptedhash` over the envelope, the zip
 *      is sound, ID.json and packet_meta_info.json parse
 *   4. the merged identity against the ID schema
 *   5. for each sub-packet: every file named in the hash sequences exists
 *      (found as MOSIP does: name without extension, any case, first in
 *      zip order), no unnamed file is there, then packet_data_hash.txt and
 *      packet_operations_hash.txt
 *
 * Stricter than MOSIP in two places: packet_data_hash.txt must exist (MOSIP
 * skips a missing one, though its writer always writes it), and so must
 * packet_operations_hash.txt when hashSequence2 names files.
 *
 * The "plaintext sub-packets" mode reads MOSIP's documentation sample,
 * whose layers are not encrypted: the container and the sub-packets are
 * plain zips, and `encryptedhash` (which belongs to the original) is not
 * checked.  Everything a reader learns stays available after a failure,
 * so a caller can show how far the packet got.
 */

#define G_LOG_DOMAIN "idem-packet"

#include "config.h"

#include "idem-packet-reader.h"
#include "idem-packet-private.h"
#include "idem-packet-error.h"
#include "idem-packet-meta.h"
#include "idem-packet-zip.h"
#include "idem-crypto.h"
#include "idem-mosip-crypto.h"
#include "idem-openssl-types.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* The order MOSIP validates in (mosip.commons.packetnames). */
static const IdemPacketSubpacketKind validation_order[] = {
  IDEM_PACKET_SUBPACKET_ID,
  IDEM_PACKET_SUBPACKET_EVIDENCE,
  IDEM_PACKET_SUBPACKET_OPTIONAL,
};

struct _IdemPacketSubpacket
{
  IdemPacketSubpacketKind  kind;
  char                    *container_name;
  GBytes                  *envelope;
  GBytes                  *meta_json;
  IdemPacketMeta          *meta;
  GPtrArray               *entries;      /* IdemZipEntry */
  JsonObject              *identity;
  JsonObject              *meta_info;
  IdemPacketCheck          signature;
  IdemPacketCheck          encrypted_hash;
  IdemPacketCheck          data_hash;
  IdemPacketCheck          operations_hash;
};

struct _IdemPacketReader
{
  GObject                       parent_instance;

  char                         *declared_hash;
  gsize                         declared_size;
  gboolean                      has_declared;
  EVP_PKEY                     *decryption_key;
  guint8                        thumbprint[IDEM_MOSIP_THUMBPRINT_SIZE];
  gboolean                      has_thumbprint;
  EVP_PKEY                     *signing_key;
  IdemPacketSigningKeyFunc      signing_key_func;
  gpointer                      signing_key_data;
  GDestroyNotify                signing_key_destroy;
  IdemIdSchema                 *schema;
  GPtrArray                    *schema_fields;
  gboolean                      plaintext;
  gboolean                      require_signatures;

  char                         *rid;
  char                         *process;
  char                         *packet_hash;
  gsize                         packet_size;
  GPtrArray                    *subpackets;  /* in validation order */
  JsonObject                   *identity;
  GPtrArray                    *violations;
};

G_DEFINE_FINAL_TYPE (IdemPacketReader, idem_packet_reader, G_TYPE_OBJECT)

static void
subpacket_free (IdemPacketSubpacket *subpacket)
{
  g_free (subpacket->container_name);
  g_clear_pointer (&subpacket->envelope, g_bytes_unref);
  g_clear_pointer (&subpacket->meta_json, g_bytes_unref);
  g_clear_pointer (&subpacket->meta, idem_packet_meta_free);
  g_clear_pointer (&subpacket->entries, g_ptr_array_unref);
  g_clear_pointer (&subpacket->identity, json_object_unref);
  g_clear_pointer (&subpacket->meta_info, json_object_unref);
  g_free (subpacket);
}

static void
reset_results (IdemPacketReader *self)
{
  g_clear_pointer (&self->rid, g_free);
  g_clear_pointer (&self->process, g_free);
  g_clear_pointer (&self->packet_hash, g_free);
  self->packet_size = 0;
  g_clear_pointer (&self->subpackets, g_ptr_array_unref);
  g_clear_pointer (&self->identity, json_object_unref);
  g_clear_pointer (&self->violations, g_ptr_array_unref);
  self->subpackets = g_ptr_array_new_with_free_func ((GDestroyNotify) subpacket_free);
  self->violations = g_ptr_array_new_with_free_func (g_free);
}

static void
idem_packet_reader_finalize (GObject *object)
{
  IdemPacketReader *self = (IdemPacketReader *) object;

  reset_results (self);
  g_clear_pointer (&self->subpackets, g_ptr_array_unref);
  g_clear_pointer (&self->violations, g_ptr_array_unref);
  g_free (self->declared_hash);
  g_clear_pointer (&self->decryption_key, EVP_PKEY_free);
  g_clear_pointer (&self->signing_key, EVP_PKEY_free);
  if (self->signing_key_destroy != NULL)
    self->signing_key_destroy (self->signing_key_data);
  g_clear_object (&self->schema);
  g_clear_pointer (&self->schema_fields, g_ptr_array_unref);

  G_OBJECT_CLASS (idem_packet_reader_parent_class)->finalize (object);
}

static void
idem_packet_reader_class_init (IdemPacketReaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = idem_packet_reader_finalize;
}

static void
idem_packet_reader_init (IdemPacketReader *self)
{
  self->require_signatures = TRUE;
  reset_results (self);
}

/**
 * idem_packet_reader_new:
 *
 * Returns: (transfer full): a reader; give it keys, then open a packet
 */
IdemPacketReader *
idem_packet_reader_new (void)
{
  return g_object_new (IDEM_TYPE_PACKET_READER, NULL);
}

/**
 * idem_packet_reader_set_declared:
 * @self: a reader
 * @hash: (nullable): the declared upper-case hex SHA-256 of the file
 *   (`packetHashValue`), or %NULL to check no declaration
 * @size: the declared size in bytes (`packetSize`)
 */
void
idem_packet_reader_set_declared (IdemPacketReader *self,
                                 const char       *hash,
                                 gsize             size)
{
  g_return_if_fail (IDEM_IS_PACKET_READER (self));

  g_clear_pointer (&self->declared_hash, g_free);
  self->has_declared = hash != NULL;
  self->declared_hash = g_strdup (hash);
  self->declared_size = size;
}

/**
 * idem_packet_reader_set_decryption_key:
 * @self: a reader
 * @private_key: the `<centre>_<machine>` packet key
 * @thumbprint: (nullable): the SHA-256 of its certificate, 32 bytes; when
 *   given, an envelope made for another certificate is refused before any
 *   RSA work
 */
void
idem_packet_reader_set_decryption_key (IdemPacketReader *self,
                                       EVP_PKEY         *private_key,
                                       const guint8     *thumbprint)
{
  g_return_if_fail (IDEM_IS_PACKET_READER (self));
  g_return_if_fail (private_key != NULL);

  g_clear_pointer (&self->decryption_key, EVP_PKEY_free);
  EVP_PKEY_up_ref (private_key);
  self->decryption_key = private_key;
  self->has_thumbprint = thumbprint != NULL;
  if (thumbprint != NULL)
    memcpy (self->thumbprint, thumbprint, sizeof self->thumbprint);
}

/**
 * idem_packet_reader_set_signing_key:
 * @self: a reader
 * @public_key: the machine's public signing key
 */
void
idem_packet_reader_set_signing_key (IdemPacketReader *self,
                                    EVP_PKEY         *public_key)
{
  g_return_if_fail (IDEM_IS_PACKET_READER (self));
  g_return_if_fail (public_key != NULL);

  g_clear_pointer (&self->signing_key, EVP_PKEY_free);
  EVP_PKEY_up_ref (public_key);
  self->signing_key = public_key;
}

/**
 * idem_packet_reader_set_signing_key_func:
 * @self: a reader
 * @func: finds a machine's key by the sub-packet's `refid`
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data
 *
 * Used when no key was given with idem_packet_reader_set_signing_key().
 */
void
idem_packet_reader_set_signing_key_func (IdemPacketReader         *self,
                                         IdemPacketSigningKeyFunc  func,
                                         gpointer                  user_data,
                                         GDestroyNotify            destroy)
{
  g_return_if_fail (IDEM_IS_PACKET_READER (self));

  if (self->signing_key_destroy != NULL)
    self->signing_key_destroy (self->signing_key_data);
  self->signing_key_func = func;
  self->signing_key_data = user_data;
  self->signing_key_destroy = destroy;
}

/**
 * idem_packet_reader_set_schema:
 * @self: a reader
 * @schema: (nullable): the ID schema
 *
 * Validates the identity merged over the sub-packets against @schema,
 * and requires the sub-packets it routes fields to.
 */
void
idem_packet_reader_set_schema (IdemPacketReader *self,
                               IdemIdSchema     *schema)
{
  g_return_if_fail (IDEM_IS_PACKET_READER (self));
  g_return_if_fail (schema == NULL || IDEM_IS_ID_SCHEMA (schema));

  g_clear_pointer (&self->schema_fields, g_ptr_array_unref);
  g_set_object (&self->schema, schema);
  if (schema != NULL)
    self->schema_fields = idem_packet_schema_fields (schema);
}

/**
 * idem_packet_reader_set_plaintext_subpackets:
 * @self: a reader
 * @plaintext: whether the container and sub-packets are unencrypted zips
 *
 * Only for MOSIP's documentation sample, whose layers were left
 * unencrypted.  Never use it for packets received from machines.
 */
void
idem_packet_reader_set_plaintext_subpackets (IdemPacketReader *self,
                                             gboolean          plaintext)
{
  g_return_if_fail (IDEM_IS_PACKET_READER (self));

  self->plaintext = !!plaintext;
}

/**
 * idem_packet_reader_set_require_signatures:
 * @self: a reader
 * @require: whether a sub-packet without a known signing key fails
 *
 * %TRUE by default.  Only a tool that shows a packet to a person without
 * the machine's key turns it off; the signatures are then reported as not
 * checked.
 */
void
idem_packet_reader_set_require_signatures (IdemPacketReader *self,
                                           gboolean          require)
{
  g_return_if_fail (IDEM_IS_PACKET_READER (self));

  self->require_signatures = !!require;
}

/* Splits REGISTRATION_CLIENT/<PROCESS>/<rid>_<name>.<ext>. */
static gboolean
parse_container_name (const char               *entry_name,
                      char                    **process,
                      char                    **rid,
                      IdemPacketSubpacketKind  *kind,
                      gboolean                 *is_zip)
{
  g_auto(GStrv) parts = g_strsplit (entry_name, "/", -1);
  const char *file, *underscore, *dot;

  if (g_strv_length (parts) != 3 || !g_str_equal (parts[0], IDEM_PACKET_SOURCE))
    return FALSE;
  if (g_strcmp0 (parts[1], "NEW") != 0 && g_strcmp0 (parts[1], "UPDATE") != 0
      && g_strcmp0 (parts[1], "LOST") != 0 && g_strcmp0 (parts[1], "BIOMETRIC_CORRECTION") != 0)
    return FALSE;

  file = parts[2];
  dot = strrchr (file, '.');
  underscore = strrchr (file, '_');
  if (dot == NULL || underscore == NULL || underscore > dot || underscore == file)
    return FALSE;
  if (g_str_equal (dot, ".zip"))
    *is_zip = TRUE;
  else if (g_str_equal (dot, ".json"))
    *is_zip = FALSE;
  else
    return FALSE;

  for (*kind = 0; *kind < IDEM_PACKET_N_SUBPACKETS; (*kind)++)
    {
      const char *name = idem_packet_subpacket_names[*kind];

      if ((gsize) (dot - underscore - 1) == strlen (name) && strncmp (underscore + 1, name, dot - underscore - 1) == 0)
        break;
    }
  if (*kind == IDEM_PACKET_N_SUBPACKETS)
    return FALSE;

  *process = g_strdup (parts[1]);
  *rid = g_strndup (file, underscore - file);

  return TRUE;
}

static gboolean
failed (GError          **error,
        IdemPacketError   code,
        const char       *format,
        ...) G_GNUC_PRINTF (3, 4);

static gboolean
failed (GError          **error,
        IdemPacketError   code,
        const char       *format,
        ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, IDEM_PACKET_ERROR, code, message);

  return FALSE;
}

static gboolean
collect_subpackets (IdemPacketReader  *self,
                    GPtrArray         *entries,
                    GError           **error)
{
  IdemZipEntry *found_zip[IDEM_PACKET_N_SUBPACKETS] = { NULL };
  IdemZipEntry *found_json[IDEM_PACKET_N_SUBPACKETS] = { NULL };

  for (guint i = 0; i < entries->len; i++)
    {
      IdemZipEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *process = NULL;
      g_autofree char *rid = NULL;
      IdemPacketSubpacketKind kind;
      gboolean is_zip;

      if (!parse_container_name (entry->name, &process, &rid, &kind, &is_zip)
          || (self->rid != NULL && (!g_str_equal (rid, self->rid) || !g_str_equal (process, self->process))))
        return failed (error, IDEM_PACKET_ERROR_ZIP_UNEXPECTED_ENTRY,
                       _("The packet holds “%s”, which is not a sub-packet of this registration"),
                       entry->name);

      if (self->rid == NULL)
        {
          self->rid = g_steal_pointer (&rid);
          self->process = g_steal_pointer (&process);
        }
      if (is_zip)
        found_zip[kind] = entry;
      else
        found_json[kind] = entry;
    }

  for (guint i = 0; i < G_N_ELEMENTS (validation_order); i++)
    {
      IdemPacketSubpacketKind kind = validation_order[i];
      const char *name = idem_packet_subpacket_names[kind];
      IdemPacketSubpacket *subpacket;

      if (found_zip[kind] == NULL && found_json[kind] == NULL)
        {
          if (kind == IDEM_PACKET_SUBPACKET_ID)
            return failed (error, IDEM_PACKET_ERROR_MISSING_SUBPACKET,
                           _("The packet has no “%s” sub-packet"), name);
          continue;
        }
      if (found_zip[kind] == NULL || found_json[kind] == NULL)
        return failed (error, IDEM_PACKET_ERROR_MISSING_SUBPACKET,
                       _("The “%s” sub-packet has no %s"), name,
                       found_zip[kind] == NULL ? "zip" : "meta JSON");

      subpacket = g_new0 (IdemPacketSubpacket, 1);
      subpacket->kind = kind;
      subpacket->container_name = g_strdup (found_zip[kind]->name);
      subpacket->envelope = g_bytes_ref (found_zip[kind]->data);
      subpacket->meta_json = g_bytes_ref (found_json[kind]->data);
      g_ptr_array_add (self->subpackets, subpacket);
    }

  /* Sub-packets the schema routes fields to must be there. */
  if (self->schema_fields != NULL)
    {
      for (IdemPacketSubpacketKind kind = 0; kind < IDEM_PACKET_N_SUBPACKETS; kind++)
        {
          gboolean routed = FALSE;

          for (guint i = 0; i < self->schema_fields->len && !routed; i++)
            routed = (((IdemPacketField *) g_ptr_array_index (self->schema_fields, i))->subpackets & (1 << kind)) != 0;
          if (routed && found_zip[kind] == NULL)
            return failed (error, IDEM_PACKET_ERROR_MISSING_SUBPACKET,
                           _("The packet has no “%s” sub-packet, though the ID schema routes fields to it"),
                           idem_packet_subpacket_names[kind]);
        }
    }

  return TRUE;
}

/* Zips that came out of a GCM envelope need no CRC check: the tag proved
 * every byte.  Plaintext layers (the sample, the fuzzer) get the check. */
static void
get_zip_limits (IdemPacketReader *self,
                IdemZipLimits    *limits)
{
  *limits = *idem_zip_default_limits ();
  limits->authenticated = !self->plaintext;
}

static EVP_PKEY *
find_signing_key (IdemPacketReader *self,
                  const char       *ref_id)
{
  const char *machine_id = NULL;

  if (self->signing_key != NULL)
    return EVP_PKEY_up_ref (self->signing_key) ? self->signing_key : NULL;
  if (self->signing_key_func == NULL)
    return NULL;
  if (ref_id != NULL && strchr (ref_id, '_') != NULL)
    machine_id = strchr (ref_id, '_') + 1;

  return self->signing_key_func (ref_id, machine_id, self->signing_key_data);
}

static const char *
kind_name (IdemPacketSubpacket *subpacket)
{
  return idem_packet_subpacket_names[subpacket->kind];
}

/* Step 3 for one sub-packet. */
static gboolean
open_subpacket (IdemPacketReader     *self,
                IdemPacketSubpacket  *subpacket,
                GError              **error)
{
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *json_name = g_strdup_printf ("%s_%s.json", self->rid, kind_name (subpacket));
  g_autofree char *expected_name = g_strdup_printf ("%s_%s", self->rid, kind_name (subpacket));
  IdemZipLimits limits;
  IdemZipEntry *id_json, *meta_info;

  subpacket->meta = idem_packet_meta_parse (subpacket->meta_json, json_name, error);
  if (subpacket->meta == NULL)
    return FALSE;
  if (!g_str_equal (subpacket->meta->packet_name, expected_name)
      || !g_str_equal (subpacket->meta->process, self->process))
    return failed (error, IDEM_PACKET_ERROR_META_INVALID,
                   _("%s names packet “%s” of process “%s”, not this one"),
                   json_name, subpacket->meta->packet_name, subpacket->meta->process);

  if (self->plaintext)
    plain = g_bytes_ref (subpacket->envelope);
  else
    {
      plain = idem_mosip_decrypt (subpacket->envelope, self->decryption_key,
                                  self->has_thumbprint ? self->thumbprint : NULL, &local_error);
      if (plain == NULL)
        return failed (error, IDEM_PACKET_ERROR_SUBPACKET_DECRYPT,
                       _("The “%s” sub-packet does not decrypt: %s"), kind_name (subpacket), local_error->message);
    }

  {
    g_autoptr(EVP_PKEY) key = find_signing_key (self, subpacket->meta->ref_id);

    if (key == NULL && !self->plaintext && self->require_signatures)
      return failed (error, IDEM_PACKET_ERROR_NO_SIGNING_KEY,
                     _("No signing key is known for machine “%s”"),
                     subpacket->meta->ref_id != NULL ? subpacket->meta->ref_id : "?");
    if (key != NULL)
      {
        if (!idem_crypto_verify (key, idem_packet_signature_algorithm (key),
                                 g_bytes_get_data (plain, NULL), g_bytes_get_size (plain),
                                 g_bytes_get_data (subpacket->meta->signature, NULL),
                                 g_bytes_get_size (subpacket->meta->signature), NULL))
          {
            subpacket->signature = IDEM_PACKET_CHECK_FAILED;
            return failed (error, IDEM_PACKET_ERROR_SIGNATURE_INVALID,
                           _("The signature of the “%s” sub-packet does not verify with the machine's key"),
                           kind_name (subpacket));
          }
        subpacket->signature = IDEM_PACKET_CHECK_PASSED;
      }
  }

  if (!self->plaintext)
    {
      guint8 digest[IDEM_SHA256_SIZE];

      idem_sha256 (g_bytes_get_data (subpacket->envelope, NULL), g_bytes_get_size (subpacket->envelope), digest);
      if (!idem_crypto_equal (digest, subpacket->meta->encrypted_hash, sizeof digest))
        {
          subpacket->encrypted_hash = IDEM_PACKET_CHECK_FAILED;
          return failed (error, IDEM_PACKET_ERROR_ENCRYPTED_HASH_MISMATCH,
                         _("The encrypted “%s” sub-packet does not match the encryptedhash of %s"),
                         kind_name (subpacket), json_name);
        }
      subpacket->encrypted_hash = IDEM_PACKET_CHECK_PASSED;
    }

  get_zip_limits (self, &limits);
  subpacket->entries = idem_zip_read (plain, &limits, &local_error);
  if (subpacket->entries == NULL)
    return failed (error, local_error->code, _("The “%s” sub-packet: %s"), kind_name (subpacket), local_error->message);

  id_json = idem_zip_entry_find (subpacket->entries, IDEM_PACKET_ID_FILE);
  meta_info = idem_zip_entry_find (subpacket->entries, IDEM_PACKET_META_INFO_FILE);
  if (id_json == NULL || meta_info == NULL)
    return failed (error, IDEM_PACKET_ERROR_MISSING_FILE, _("The “%s” sub-packet has no %s"),
                   kind_name (subpacket), id_json == NULL ? IDEM_PACKET_ID_FILE : IDEM_PACKET_META_INFO_FILE);

  subpacket->identity = idem_packet_parse_identity_file (id_json->data, IDEM_PACKET_ID_FILE, &local_error);
  if (subpacket->identity == NULL)
    return failed (error, local_error->code, _("The “%s” sub-packet: %s"), kind_name (subpacket), local_error->message);
  subpacket->meta_info = idem_packet_parse_identity_file (meta_info->data, IDEM_PACKET_META_INFO_FILE, &local_error);
  if (subpacket->meta_info == NULL)
    return failed (error, local_error->code, _("The “%s” sub-packet: %s"), kind_name (subpacket), local_error->message);

  return TRUE;
}

/* MOSIP's ZipUtils: the first entry whose name without extension equals
 * @stem, ignoring case. */
static IdemZipEntry *
lookup_stem (GPtrArray  *entries,
             const char *stem)
{
  gsize stem_length = strlen (stem);

  for (guint i = 0; i < entries->len; i++)
    {
      IdemZipEntry *entry = g_ptr_array_index (entries, i);
      const char *dot = strrchr (entry->name, '.');
      gsize length = dot != NULL ? (gsize) (dot - entry->name) : strlen (entry->name);

      if (length == stem_length && g_ascii_strncasecmp (entry->name, stem, length) == 0)
        return entry;
    }

  return NULL;
}

static gboolean
check_sequence_files (IdemPacketSubpacket  *subpacket,
                      JsonArray            *sequence,
                      const char           *key,
                      GHashTable           *accounted,
                      GError              **error)
{
  for (guint i = 0; i < json_array_get_length (sequence); i++)
    {
      JsonArray *names = json_object_get_array_member (json_array_get_object_element (sequence, i), "value");

      for (guint j = 0; j < json_array_get_length (names); j++)
        {
          const char *stem = json_array_get_string_element (names, j);
          IdemZipEntry *entry = lookup_stem (subpacket->entries, stem);

          if (entry == NULL)
            return failed (error, IDEM_PACKET_ERROR_MISSING_FILE,
                           _("The “%s” sub-packet has no file “%s”, which %s names"),
                           idem_packet_subpacket_names[subpacket->kind], stem, key);
          g_hash_table_add (accounted, entry);
        }
    }

  return TRUE;
}

/* Compares a hash file with the SHA-256 over the sequence's files. */
static IdemPacketCheck
check_sequence_hash (IdemPacketSubpacket *subpacket,
                     JsonArray           *sequence,
                     IdemZipEntry        *hash_file)
{
  g_autoptr(IdemSha256) sha = idem_sha256_new ();
  g_autofree char *hex = NULL;
  guint8 digest[IDEM_SHA256_SIZE];
  gsize length;
  const char *text = g_bytes_get_data (hash_file->data, &length);

  for (guint i = 0; i < json_array_get_length (sequence); i++)
    {
      JsonArray *names = json_object_get_array_member (json_array_get_object_element (sequence, i), "value");

      for (guint j = 0; j < json_array_get_length (names); j++)
        {
          IdemZipEntry *entry = lookup_stem (subpacket->entries, json_array_get_string_element (names, j));

          idem_sha256_update (sha, g_bytes_get_data (entry->data, NULL), g_bytes_get_size (entry->data));
        }
    }
  idem_sha256_finish (sha, digest);
  hex = idem_packet_hex_upper (digest);

  if (length != IDEM_PACKET_HEX_HASH_LENGTH || g_ascii_strncasecmp (text, hex, length) != 0)
    return IDEM_PACKET_CHECK_FAILED;

  return IDEM_PACKET_CHECK_PASSED;
}

static guint
count_names (JsonArray *sequence)
{
  guint count = 0;

  for (guint i = 0; i < json_array_get_length (sequence); i++)
    count += json_array_get_length (json_object_get_array_member (json_array_get_object_element (sequence, i), "value"));

  return count;
}

/* Step 5 for one sub-packet: names, then hashes.  Records both hash
 * outcomes even when the first fails, so a caller sees the whole picture. */
static gboolean
check_subpacket_files (IdemPacketSubpacket  *subpacket,
                       GError              **error)
{
  g_autoptr(JsonArray) sequence1 = NULL;
  g_autoptr(JsonArray) sequence2 = NULL;
  g_autoptr(GHashTable) accounted = g_hash_table_new (NULL, NULL);
  const char *name = idem_packet_subpacket_names[subpacket->kind];
  IdemZipEntry *data_hash, *operations_hash;

  sequence1 = idem_packet_hash_sequence_get (subpacket->meta_info, "hashSequence1", IDEM_PACKET_META_INFO_FILE, error);
  if (sequence1 == NULL)
    return FALSE;
  sequence2 = idem_packet_hash_sequence_get (subpacket->meta_info, "hashSequence2", IDEM_PACKET_META_INFO_FILE, error);
  if (sequence2 == NULL)
    return FALSE;

  if (!check_sequence_files (subpacket, sequence1, "hashSequence1", accounted, error)
      || !check_sequence_files (subpacket, sequence2, "hashSequence2", accounted, error))
    return FALSE;

  data_hash = idem_zip_entry_find (subpacket->entries, IDEM_PACKET_DATA_HASH_FILE);
  operations_hash = idem_zip_entry_find (subpacket->entries, IDEM_PACKET_OPS_HASH_FILE);
  if (data_hash == NULL)
    return failed (error, IDEM_PACKET_ERROR_MISSING_FILE, _("The “%s” sub-packet has no %s"),
                   name, IDEM_PACKET_DATA_HASH_FILE);
  if (operations_hash == NULL && count_names (sequence2) > 0)
    return failed (error, IDEM_PACKET_ERROR_MISSING_FILE, _("The “%s” sub-packet has no %s"),
                   name, IDEM_PACKET_OPS_HASH_FILE);

  g_hash_table_add (accounted, data_hash);
  if (operations_hash != NULL)
    g_hash_table_add (accounted, operations_hash);
  g_hash_table_add (accounted, idem_zip_entry_find (subpacket->entries, IDEM_PACKET_ID_FILE));
  g_hash_table_add (accounted, idem_zip_entry_find (subpacket->entries, IDEM_PACKET_META_INFO_FILE));
  for (guint i = 0; i < subpacket->entries->len; i++)
    {
      IdemZipEntry *entry = g_ptr_array_index (subpacket->entries, i);

      if (!g_hash_table_contains (accounted, entry))
        return failed (error, IDEM_PACKET_ERROR_ZIP_UNEXPECTED_ENTRY,
                       _("The “%s” sub-packet holds “%s”, which no hash sequence covers"), name, entry->name);
    }

  subpacket->data_hash = check_sequence_hash (subpacket, sequence1, data_hash);
  if (operations_hash != NULL)
    subpacket->operations_hash = check_sequence_hash (subpacket, sequence2, operations_hash);

  if (subpacket->data_hash == IDEM_PACKET_CHECK_FAILED)
    return failed (error, IDEM_PACKET_ERROR_DATA_HASH_MISMATCH,
                   _("In the “%s” sub-packet, %s does not match the files of hashSequence1"),
                   name, IDEM_PACKET_DATA_HASH_FILE);
  if (subpacket->operations_hash == IDEM_PACKET_CHECK_FAILED)
    return failed (error, IDEM_PACKET_ERROR_OPERATIONS_HASH_MISMATCH,
                   _("In the “%s” sub-packet, %s does not match the files of hashSequence2"),
                   name, IDEM_PACKET_OPS_HASH_FILE);

  return TRUE;
}

static void
merge_identities (IdemPacketReader *self)
{
  self->identity = json_object_new ();

  for (guint i = 0; i < self->subpackets->len; i++)
    {
      IdemPacketSubpacket *subpacket = g_ptr_array_index (self->subpackets, i);
      g_autoptr(GList) members = NULL;

      if (subpacket->identity == NULL)
        continue;
      members = json_object_get_members (subpacket->identity);
      for (GList *l = members; l != NULL; l = l->next)
        {
          if (!json_object_has_member (self->identity, l->data))
            json_object_set_member (self->identity, l->data,
                                    json_node_copy (json_object_get_member (subpacket->identity, l->data)));
        }
    }
}

static gboolean
check_schema (IdemPacketReader  *self,
              GError           **error)
{
  g_autoptr(JsonObject) wrapper = NULL;
  g_autoptr(GPtrArray) violations = NULL;

  if (self->schema == NULL)
    return TRUE;

  /* Wrapped, so that a field named "identity" is not taken for the wrapper */
  wrapper = json_object_new ();
  json_object_set_object_member (wrapper, "identity", json_object_ref (self->identity));
  violations = idem_id_schema_validate (self->schema, wrapper, IDEM_ID_VALIDATE_NONE);
  for (guint i = 0; i < violations->len; i++)
    {
      IdemSchemaViolation *violation = g_ptr_array_index (violations, i);

      g_ptr_array_add (self->violations, g_strdup_printf ("%s: %s", violation->path, violation->message));
    }

  if (self->violations->len > 0)
    return failed (error, IDEM_PACKET_ERROR_SCHEMA_INVALID,
                   _("The identity breaks the ID schema: %s"),
                   (const char *) g_ptr_array_index (self->violations, 0));

  return TRUE;
}

/**
 * idem_packet_reader_open_container: (skip)
 * @self: a reader
 * @container: the plaintext of the outer envelope, a zip
 * @error: return location for an error
 *
 * Steps 2 to 5 once the outer layer is decrypted.
 */
gboolean
idem_packet_reader_open_container (IdemPacketReader  *self,
                                   GBytes            *container,
                                   GError           **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  IdemZipLimits limits;

  get_zip_limits (self, &limits);
  entries = idem_zip_read (container, &limits, error);
  if (entries == NULL)
    return FALSE;

  if (!collect_subpackets (self, entries, error))
    return FALSE;

  for (guint i = 0; i < self->subpackets->len; i++)
    {
      if (!open_subpacket (self, g_ptr_array_index (self->subpackets, i), error))
        return FALSE;
    }

  merge_identities (self);
  if (!check_schema (self, error))
    return FALSE;

  {
    GError *first_error = NULL;

    for (guint i = 0; i < self->subpackets->len; i++)
      {
        g_autoptr(GError) local_error = NULL;

        if (!check_subpacket_files (g_ptr_array_index (self->subpackets, i), &local_error)
            && first_error == NULL)
          first_error = g_steal_pointer (&local_error);
      }
    if (first_error != NULL)
      {
        g_propagate_error (error, first_error);
        return FALSE;
      }
  }

  return TRUE;
}

/**
 * idem_packet_check_subpacket_zip: (skip)
 * @name: the sub-packet's name: id, evidence or optional
 * @zip: the plaintext sub-packet zip
 * @error: return location for an error
 *
 * Steps 3 (after decryption) and 5 on one sub-packet zip.
 */
gboolean
idem_packet_check_subpacket_zip (const char  *name,
                                 GBytes      *zip,
                                 GError     **error)
{
  IdemPacketSubpacket *subpacket = g_new0 (IdemPacketSubpacket, 1);
  g_autoptr(GError) local_error = NULL;
  IdemZipEntry *id_json, *meta_info;
  gboolean ok = FALSE;

  subpacket->kind = IDEM_PACKET_SUBPACKET_ID;
  for (IdemPacketSubpacketKind kind = 0; kind < IDEM_PACKET_N_SUBPACKETS; kind++)
    if (g_str_equal (name, idem_packet_subpacket_names[kind]))
      subpacket->kind = kind;

  subpacket->entries = idem_zip_read (zip, NULL, error);
  if (subpacket->entries == NULL)
    goto out;
  id_json = idem_zip_entry_find (subpacket->entries, IDEM_PACKET_ID_FILE);
  meta_info = idem_zip_entry_find (subpacket->entries, IDEM_PACKET_META_INFO_FILE);
  if (id_json == NULL || meta_info == NULL)
    {
      failed (error, IDEM_PACKET_ERROR_MISSING_FILE, _("The “%s” sub-packet has no %s"), name,
              id_json == NULL ? IDEM_PACKET_ID_FILE : IDEM_PACKET_META_INFO_FILE);
      goto out;
    }
  subpacket->identity = idem_packet_parse_identity_file (id_json->data, IDEM_PACKET_ID_FILE, error);
  if (subpacket->identity == NULL)
    goto out;
  subpacket->meta_info = idem_packet_parse_identity_file (meta_info->data, IDEM_PACKET_META_INFO_FILE, error);
  if (subpacket->meta_info == NULL)
    goto out;
  ok = check_subpacket_files (subpacket, error);

out:
  subpacket_free (subpacket);
  return ok;
}

/**
 * idem_packet_reader_open:
 * @self: a reader with its keys set
 * @packet: the bytes of `<packetId>.zip`
 * @error: return location for an error
 *
 * Verifies and reads a packet.  On failure @error names the first check
 * that failed (an %IDEM_PACKET_ERROR code) and the sub-packet and file
 * concerned; what was read before it stays available.
 *
 * Returns: %TRUE if every check passed
 */
gboolean
idem_packet_reader_open (IdemPacketReader  *self,
                         GBytes            *packet,
                         GError           **error)
{
  g_autoptr(GBytes) container = NULL;
  g_autoptr(GError) local_error = NULL;
  guint8 digest[IDEM_SHA256_SIZE];

  g_return_val_if_fail (IDEM_IS_PACKET_READER (self), FALSE);
  g_return_val_if_fail (packet != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  reset_results (self);

  if (!self->plaintext && self->decryption_key == NULL)
    return failed (error, IDEM_PACKET_ERROR_INVALID_INPUT, _("No decryption key was given for the packet"));

  self->packet_size = g_bytes_get_size (packet);
  idem_sha256 (g_bytes_get_data (packet, NULL), self->packet_size, digest);
  self->packet_hash = idem_packet_hex_upper (digest);

  if (self->has_declared)
    {
      if (self->packet_size != self->declared_size)
        return failed (error, IDEM_PACKET_ERROR_SIZE_MISMATCH,
                       _("The packet has %lu bytes, not the %lu declared"),
                       (gulong) self->packet_size, (gulong) self->declared_size);
      if (g_ascii_strcasecmp (self->packet_hash, self->declared_hash) != 0)
        return failed (error, IDEM_PACKET_ERROR_HASH_MISMATCH,
                       _("The packet's SHA-256 is %s, not the %s declared"),
                       self->packet_hash, self->declared_hash);
    }

  if (self->plaintext)
    container = g_bytes_ref (packet);
  else
    {
      container = idem_mosip_decrypt (packet, self->decryption_key,
                                      self->has_thumbprint ? self->thumbprint : NULL, &local_error);
      if (container == NULL)
        return failed (error, IDEM_PACKET_ERROR_DECRYPT,
                       _("The packet does not decrypt: %s"), local_error->message);
    }

  return idem_packet_reader_open_container (self, container, error);
}

/**
 * idem_packet_reader_open_file:
 * @self: a reader with its keys set
 * @path: the packet file
 * @error: return location for an error
 *
 * Like idem_packet_reader_open(), reading the file first.
 *
 * Returns: %TRUE if every check passed
 */
gboolean
idem_packet_reader_open_file (IdemPacketReader  *self,
                              const char        *path,
                              GError           **error)
{
  g_autoptr(GMappedFile) file = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (IDEM_IS_PACKET_READER (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  file = g_mapped_file_new (path, FALSE, &local_error);
  if (file == NULL)
    return failed (error, IDEM_PACKET_ERROR_IO, _("The packet could not be read: %s"), local_error->message);
  bytes = g_mapped_file_get_bytes (file);

  return idem_packet_reader_open (self, bytes, error);
}

static void
open_file_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GError *error = NULL;

  if (idem_packet_reader_open_file (source_object, task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * idem_packet_reader_open_file_async:
 * @self: a reader, not to be used until the call finishes
 * @path: the packet file
 * @cancellable: (nullable): a cancellable
 * @callback: called when the packet is read
 * @user_data: data for @callback
 *
 * Does idem_packet_reader_open_file() in a worker thread.
 */
void
idem_packet_reader_open_file_async (IdemPacketReader    *self,
                                    const char          *path,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (IDEM_IS_PACKET_READER (self));
  g_return_if_fail (path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, idem_packet_reader_open_file_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, open_file_thread);
}

/**
 * idem_packet_reader_open_file_finish:
 * @self: a reader
 * @result: the result
 * @error: return location for an error
 *
 * Returns: %TRUE if every check passed
 */
gboolean
idem_packet_reader_open_file_finish (IdemPacketReader  *self,
                                     GAsyncResult      *result,
                                     GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * idem_packet_reader_get_rid:
 * @self: a reader
 *
 * Returns: (nullable): the RID the container's names carry
 */
const char *
idem_packet_reader_get_rid (IdemPacketReader *self)
{
  g_return_val_if_fail (IDEM_IS_PACKET_READER (self), NULL);

  return self->rid;
}

/**
 * idem_packet_reader_get_process:
 * @self: a reader
 *
 * Returns: (nullable): the process folder ("NEW")
 */
const char *
idem_packet_reader_get_process (IdemPacketReader *self)
{
  g_return_val_if_fail (IDEM_IS_PACKET_READER (self), NULL);

  return self->process;
}

/**
 * idem_packet_reader_get_packet_hash:
 * @self: a reader
 *
 * Returns: (nullable): the upper-case hex SHA-256 of the opened file
 */
const char *
idem_packet_reader_get_packet_hash (IdemPacketReader *self)
{
  g_return_val_if_fail (IDEM_IS_PACKET_READER (self), NULL);

  return self->packet_hash;
}

/**
 * idem_packet_reader_get_packet_size:
 * @self: a reader
 *
 * Returns: the size of the opened file
 */
gsize
idem_packet_reader_get_packet_size (IdemPacketReader *self)
{
  g_return_val_if_fail (IDEM_IS_PACKET_READER (self), 0);

  return self->packet_size;
}

/**
 * idem_packet_reader_get_n_subpackets:
 * @self: a reader
 *
 * Returns: how many sub-packets were found, in the order id, evidence,
 *   optional
 */
guint
idem_packet_reader_get_n_subpackets (IdemPacketReader *self)
{
  g_return_val_if_fail (IDEM_IS_PACKET_READER (self), 0);

  return self->subpackets->len;
}

/**
 * idem_packet_reader_get_subpacket:
 * @self: a reader
 * @index: an index below idem_packet_reader_get_n_subpackets()
 *
 * Returns: (transfer none): the sub-packet
 */
IdemPacketSubpacket *
idem_packet_reader_get_subpacket (IdemPacketReader *self,
                                  guint             index)
{
  g_return_val_if_fail (IDEM_IS_PACKET_READER (self), NULL);
  g_return_val_if_fail (index < self->subpackets->len, NULL);

  return g_ptr_array_index (self->subpackets, index);
}

/**
 * idem_packet_reader_find_subpacket:
 * @self: a reader
 * @name: id, evidence or optional
 *
 * Returns: (transfer none) (nullable): the sub-packet
 */
IdemPacketSubpacket *
idem_packet_reader_find_subpacket (IdemPacketReader *self,
                                   const char       *name)
{
  g_return_val_if_fail (IDEM_IS_PACKET_READER (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < self->subpackets->len; i++)
    {
      IdemPacketSubpacket *subpacket = g_ptr_array_index (self->subpackets, i);

      if (g_str_equal (kind_name (subpacket), name))
        return subpacket;
    }

  return NULL;
}

/**
 * idem_packet_reader_get_identity:
 * @self: a reader
 *
 * Returns: (transfer none) (nullable): the identity merged over the
 *   sub-packets (id first), once every sub-packet was read
 */
JsonObject *
idem_packet_reader_get_identity (IdemPacketReader *self)
{
  g_return_val_if_fail (IDEM_IS_PACKET_READER (self), NULL);

  return self->identity;
}

/**
 * idem_packet_reader_get_violations:
 * @self: a reader
 *
 * Returns: (transfer none) (element-type utf8): the ID schema violations found
 */
GPtrArray *
idem_packet_reader_get_violations (IdemPacketReader *self)
{
  g_return_val_if_fail (IDEM_IS_PACKET_READER (self), NULL);

  return self->violations;
}

const char *
idem_packet_subpacket_get_name (IdemPacketSubpacket *subpacket)
{
  g_return_val_if_fail (subpacket != NULL, NULL);

  return kind_name (subpacket);
}

const char *
idem_packet_subpacket_get_container_name (IdemPacketSubpacket *subpacket)
{
  g_return_val_if_fail (subpacket != NULL, NULL);

  return subpacket->container_name;
}

/**
 * idem_packet_subpacket_get_meta_json:
 * @subpacket: a sub-packet
 *
 * Returns: (transfer none): the bytes of `<rid>_<name>.json`
 */
GBytes *
idem_packet_subpacket_get_meta_json (IdemPacketSubpacket *subpacket)
{
  g_return_val_if_fail (subpacket != NULL, NULL);

  return subpacket->meta_json;
}

/**
 * idem_packet_subpacket_get_identity:
 * @subpacket: a sub-packet
 *
 * Returns: (transfer none) (nullable): the identity of its ID.json
 */
JsonObject *
idem_packet_subpacket_get_identity (IdemPacketSubpacket *subpacket)
{
  g_return_val_if_fail (subpacket != NULL, NULL);

  return subpacket->identity;
}

/**
 * idem_packet_subpacket_get_meta_info:
 * @subpacket: a sub-packet
 *
 * Returns: (transfer none) (nullable): the identity of its packet_meta_info.json
 */
JsonObject *
idem_packet_subpacket_get_meta_info (IdemPacketSubpacket *subpacket)
{
  g_return_val_if_fail (subpacket != NULL, NULL);

  return subpacket->meta_info;
}

guint
idem_packet_subpacket_get_n_files (IdemPacketSubpacket *subpacket)
{
  g_return_val_if_fail (subpacket != NULL, 0);

  return subpacket->entries != NULL ? subpacket->entries->len : 0;
}

const char *
idem_packet_subpacket_get_file_name (IdemPacketSubpacket *subpacket,
                                     guint                index)
{
  g_return_val_if_fail (subpacket != NULL, NULL);
  g_return_val_if_fail (index < idem_packet_subpacket_get_n_files (subpacket), NULL);

  return ((IdemZipEntry *) g_ptr_array_index (subpacket->entries, index))->name;
}

/**
 * idem_packet_subpacket_get_file:
 * @subpacket: a sub-packet
 * @name: a file name in the sub-packet zip ("ID.json")
 *
 * Returns: (transfer none) (nullable): the file's bytes
 */
GBytes *
idem_packet_subpacket_get_file (IdemPacketSubpacket *subpacket,
                                const char          *name)
{
  IdemZipEntry *entry;

  g_return_val_if_fail (subpacket != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (subpacket->entries == NULL)
    return NULL;
  entry = idem_zip_entry_find (subpacket->entries, name);

  return entry != NULL ? entry->data : NULL;
}

IdemPacketCheck
idem_packet_subpacket_get_signature_check (IdemPacketSubpacket *subpacket)
{
  g_return_val_if_fail (subpacket != NULL, IDEM_PACKET_CHECK_NOT_DONE);

  return subpacket->signature;
}

IdemPacketCheck
idem_packet_subpacket_get_encrypted_hash_check (IdemPacketSubpacket *subpacket)
{
  g_return_val_if_fail (subpacket != NULL, IDEM_PACKET_CHECK_NOT_DONE);

  return subpacket->encrypted_hash;
}

IdemPacketCheck
idem_packet_subpacket_get_data_hash_check (IdemPacketSubpacket *subpacket)
{
  g_return_val_if_fail (subpacket != NULL, IDEM_PACKET_CHECK_NOT_DONE);

  return subpacket->data_hash;
}

IdemPacketCheck
idem_packet_subpacket_get_operations_hash_check (IdemPacketSubpacket *subpacket)
{
  g_return_val_if_fail (subpacket != NULL, IDEM_PACKET_CHECK_NOT_DONE);

  return subpacket->operations_hash;
}
