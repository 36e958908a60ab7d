/* test-packet.c — the MOSIP 1.2 registration packet writer and reader
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A round trip with fresh RSA-2048 keys; MOSIP's documentation sample;
 * and every kind of tampering, each expected to fail with its own error
 * code: a byte flipped in every file of every layer (re-signed with the
 * machine key where the signature would otherwise hide the deeper check),
 * files removed and added, wrong keys, truncated archives, zip bombs,
 * hostile names and sizes, declared hash and size mismatches.
 */

#include "config.h"

#include "idem.h"
#include "idem-openssl-types.h"
#include "idem-packet-meta.h"
#include "idem-packet-private.h"
#include "idem-packet-zip.h"

#include <glib/gstdio.h>
#include <string.h>
#include <zlib.h>

#define RID      "10001100771006920220128223618"
#define CENTRE   "10001"
#define MACHINE  "10077"

static const char audits_json[] =
  "[{\"uuid\":\"2b1c\",\"eventId\":\"REG-EVT-001\",\"eventName\":\"Login\",\"eventType\":\"USER\","
  "\"hostName\":\"station-3\",\"description\":\"Operator logged in\"},"
  "{\"uuid\":\"2b1d\",\"eventId\":\"REG-EVT-066\",\"eventName\":\"Packet created\",\"eventType\":\"SYSTEM\","
  "\"hostName\":\"station-3\",\"description\":\"Registration saved\"}]";

static const char meta_info_json[] =
  "{\"metaData\":[{\"label\":\"centerId\",\"value\":\"10001\"},{\"label\":\"machineId\",\"value\":\"10077\"}],"
  "\"operationsData\":[{\"label\":\"officerId\",\"value\":\"110024\"}],"
  "\"capturedRegisteredDevices\":[],\"exceptionBiometrics\":{}}";

static EVP_PKEY *encryption_key;
static EVP_PKEY *machine_key;
static EVP_PKEY *other_key;
static guint8 thumbprint[IDEM_MOSIP_THUMBPRINT_SIZE];
static IdemIdSchema *schema;

/* A packet and what went into it */
typedef struct
{
  GBytes     *sealed;
  char       *hash;
  gsize       size;
  char       *packet_id;
  GBytes     *cbeff;
  GBytes     *officer;
  GBytes     *address_proof;
  GBytes     *exception_proof;
  JsonArray  *audits;
} Packet;

static void
packet_clear (Packet *packet)
{
  g_clear_pointer (&packet->sealed, g_bytes_unref);
  g_clear_pointer (&packet->hash, g_free);
  g_clear_pointer (&packet->packet_id, g_free);
  g_clear_pointer (&packet->cbeff, g_bytes_unref);
  g_clear_pointer (&packet->officer, g_bytes_unref);
  g_clear_pointer (&packet->address_proof, g_bytes_unref);
  g_clear_pointer (&packet->exception_proof, g_bytes_unref);
  g_clear_pointer (&packet->audits, json_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Packet, packet_clear)

static char *
shared_path (const char *relative)
{
  const char *shared = g_getenv ("IDEM_SHARED_DIR");

  g_assert_nonnull (shared);
  return g_build_filename (shared, "vectors", "mosip-packet", relative, NULL);
}

static GBytes *
random_bytes (gsize length)
{
  guint8 *data = g_malloc (length);

  g_assert_true (idem_crypto_random_bytes (data, length, NULL));
  return g_bytes_new_take (data, length);
}

/* A CBEFF-shaped XML file whose BDB is base64 of random bytes; the packet
 * treats it as opaque, and random content exercises STORED entries. */
static GBytes *
fake_cbeff (gsize image_size)
{
  g_autoptr(GBytes) image = random_bytes (image_size);
  g_autofree char *base64 = g_base64_encode (g_bytes_get_data (image, NULL), image_size);
  char *xml = g_strdup_printf ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                               "<BIR xmlns=\"http://standards.iso.org/iso-iec/19785/-3/ed-2/\">"
                               "<BIR><BDB>%s</BDB></BIR></BIR>\n", base64);

  return g_bytes_new_take (xml, strlen (xml));
}

static JsonNode *
language_values (const char *english,
                 const char *french)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "language");
  json_builder_add_string_value (builder, "eng");
  json_builder_set_member_name (builder, "value");
  json_builder_add_string_value (builder, english);
  json_builder_end_object (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "language");
  json_builder_add_string_value (builder, "fra");
  json_builder_set_member_name (builder, "value");
  json_builder_add_string_value (builder, french);
  json_builder_end_object (builder);
  json_builder_end_array (builder);

  return json_builder_get_root (builder);
}

static IdemPacketWriter *
new_writer (Packet   *packet,
            gboolean  with_full_name)
{
  IdemPacketWriter *writer = idem_packet_writer_new (RID, CENTRE, MACHINE, IDEM_PACKET_PROCESS_NEW);
  g_autoptr(GDateTime) time = g_date_time_new_utc (2022, 1, 28, 22, 36, 18.495);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonObject) meta_info = json_object_new ();
  const char *simple[] = { "gender", "city", "province", "region", "zone", "addressLine1", "addressLine2", "addressLine3" };

  idem_packet_writer_set_schema (writer, schema);
  idem_packet_writer_set_creation_time (writer, time);
  idem_packet_writer_set_signing_key (writer, machine_key);
  idem_packet_writer_set_encryption_key (writer, encryption_key, thumbprint);

  if (with_full_name)
    {
      g_autoptr(JsonNode) name = language_values ("Amina Benali", "Amina Benali");

      idem_packet_writer_set_value (writer, "fullName", name);
    }
  for (guint i = 0; i < G_N_ELEMENTS (simple); i++)
    {
      g_autoptr(JsonNode) value = language_values ("Kenitra Road", "Route de Kénitra");

      idem_packet_writer_set_value (writer, simple[i], value);
    }
  idem_packet_writer_set_value_string (writer, "dateOfBirth", "1988/03/14");
  idem_packet_writer_set_value_string (writer, "postalCode", "14000");
  idem_packet_writer_set_value_string (writer, "phone", "0612345678");
  idem_packet_writer_set_value_string (writer, "email", "amina.benali@example.org");
  idem_packet_writer_set_value_string (writer, "introducerName", "[{\"language\":\"eng\",\"value\":\"Omar\"}]");
  idem_packet_writer_set_value_string (writer, "introducerRID", "10001100771000120220101101010");

  packet->address_proof = random_bytes (3000);
  packet->exception_proof = random_bytes (1500);
  idem_packet_writer_add_document (writer, "proofOfIdentity", "DOC001", "pdf", "P-778", packet->address_proof);
  idem_packet_writer_add_document (writer, "proofOfException", "COE", "pdf", NULL, packet->exception_proof);

  packet->cbeff = fake_cbeff (20000);
  idem_packet_writer_add_biometrics (writer, "individualBiometrics", packet->cbeff);
  packet->officer = fake_cbeff (2000);
  idem_packet_writer_set_officer_biometrics (writer, packet->officer);

  g_assert_true (json_parser_load_from_data (parser, audits_json, -1, NULL));
  packet->audits = json_array_ref (json_node_get_array (json_parser_get_root (parser)));
  idem_packet_writer_set_audits (writer, packet->audits);

  {
    g_autoptr(JsonParser) meta_parser = json_parser_new ();

    g_assert_true (json_parser_load_from_data (meta_parser, meta_info_json, -1, NULL));
    json_object_unref (meta_info);
    meta_info = json_object_ref (json_node_get_object (json_parser_get_root (meta_parser)));
  }
  idem_packet_writer_set_meta_info (writer, meta_info);

  return writer;
}

static void
make_packet (Packet *packet)
{
  g_autoptr(IdemPacketWriter) writer = new_writer (packet, TRUE);
  g_autoptr(GError) error = NULL;

  packet->sealed = idem_packet_writer_seal (writer, &error);
  g_assert_no_error (error);
  packet->hash = g_strdup (idem_packet_writer_get_packet_hash (writer));
  packet->size = idem_packet_writer_get_packet_size (writer);
  packet->packet_id = g_strdup (idem_packet_writer_get_packet_id (writer));
}

static IdemPacketReader *
new_reader (void)
{
  IdemPacketReader *reader = idem_packet_reader_new ();

  idem_packet_reader_set_decryption_key (reader, encryption_key, thumbprint);
  idem_packet_reader_set_signing_key (reader, machine_key);
  idem_packet_reader_set_schema (reader, schema);

  return reader;
}

/* Opens @bytes with a fresh reader and checks the error code; the
 * message must name @names_subpacket when given. */
static void
assert_open_fails (GBytes     *bytes,
                   int         code,
                   const char *names_subpacket)
{
  g_autoptr(IdemPacketReader) reader = new_reader ();
  g_autoptr(GError) error = NULL;

  g_assert_false (idem_packet_reader_open (reader, bytes, &error));
  if (error->code != code)
    g_test_message ("expected %s, got %s: %s", idem_packet_error_get_name (code),
                    idem_packet_error_get_name (error->code), error->message);
  g_assert_error (error, IDEM_PACKET_ERROR, code);
  if (names_subpacket != NULL)
    g_assert_nonnull (strstr (error->message, names_subpacket));
}

static gboolean
bytes_equal (GBytes *a,
             GBytes *b)
{
  return a != NULL && b != NULL && g_bytes_equal (a, b);
}

static void
test_round_trip (void)
{
  g_auto(Packet) packet = { 0 };
  g_autoptr(IdemPacketReader) reader = new_reader ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonNode) audits_node = NULL;
  IdemPacketSubpacket *id, *evidence, *optional;
  JsonObject *identity;
  GBytes *audit;

  make_packet (&packet);
  g_assert_cmpstr (packet.packet_id, ==, RID "-" CENTRE "_" MACHINE "-20220128223618");
  g_assert_cmpuint (strlen (packet.hash), ==, 64);
  g_assert_cmpuint (packet.size, ==, g_bytes_get_size (packet.sealed));

  idem_packet_reader_set_declared (reader, packet.hash, packet.size);
  g_assert_true (idem_packet_reader_open (reader, packet.sealed, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (idem_packet_reader_get_rid (reader), ==, RID);
  g_assert_cmpstr (idem_packet_reader_get_process (reader), ==, "NEW");
  g_assert_cmpuint (idem_packet_reader_get_n_subpackets (reader), ==, 3);

  id = idem_packet_reader_find_subpacket (reader, "id");
  evidence = idem_packet_reader_find_subpacket (reader, "evidence");
  optional = idem_packet_reader_find_subpacket (reader, "optional");
  g_assert_nonnull (id);
  g_assert_nonnull (evidence);
  g_assert_nonnull (optional);
  g_assert_cmpstr (idem_packet_subpacket_get_container_name (id), ==, "REGISTRATION_CLIENT/NEW/" RID "_id.zip");

  for (guint i = 0; i < 3; i++)
    {
      IdemPacketSubpacket *subpacket = idem_packet_reader_get_subpacket (reader, i);

      g_assert_cmpint (idem_packet_subpacket_get_signature_check (subpacket), ==, IDEM_PACKET_CHECK_PASSED);
      g_assert_cmpint (idem_packet_subpacket_get_encrypted_hash_check (subpacket), ==, IDEM_PACKET_CHECK_PASSED);
      g_assert_cmpint (idem_packet_subpacket_get_data_hash_check (subpacket), ==, IDEM_PACKET_CHECK_PASSED);
    }
  g_assert_cmpint (idem_packet_subpacket_get_operations_hash_check (id), ==, IDEM_PACKET_CHECK_PASSED);
  g_assert_cmpint (idem_packet_subpacket_get_operations_hash_check (evidence), ==, IDEM_PACKET_CHECK_NOT_DONE);
  g_assert_null (idem_packet_subpacket_get_file (evidence, "packet_operations_hash.txt"));

  /* The bytes that went in come out */
  g_assert_true (bytes_equal (idem_packet_subpacket_get_file (id, "individualBiometrics_bio_CBEFF.xml"), packet.cbeff));
  g_assert_true (bytes_equal (idem_packet_subpacket_get_file (id, "officer_bio_cbeff.xml"), packet.officer));
  g_assert_true (bytes_equal (idem_packet_subpacket_get_file (id, "proofOfIdentity.pdf"), packet.address_proof));
  g_assert_true (bytes_equal (idem_packet_subpacket_get_file (evidence, "proofOfException.pdf"), packet.exception_proof));
  g_assert_null (idem_packet_subpacket_get_file (id, "proofOfException.pdf"));
  g_assert_null (idem_packet_subpacket_get_file (optional, "proofOfException.pdf"));

  audit = idem_packet_subpacket_get_file (id, "audit.json");
  g_assert_nonnull (audit);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (audit, NULL), g_bytes_get_size (audit), NULL));
  audits_node = json_node_init_array (json_node_alloc (), packet.audits);
  g_assert_true (json_node_equal (json_parser_get_root (parser), audits_node));

  /* The identity, routed by fieldCategory */
  identity = idem_packet_reader_get_identity (reader);
  g_assert_cmpstr (json_object_get_string_member (identity, "dateOfBirth"), ==, "1988/03/14");
  g_assert_cmpstr (json_object_get_string_member (identity, "email"), ==, "amina.benali@example.org");
  g_assert_cmpfloat (json_object_get_double_member (identity, "IDSchemaVersion"), ==, idem_id_schema_get_version (schema));
  g_assert_true (json_object_has_member (idem_packet_subpacket_get_identity (id), "fullName"));
  g_assert_false (json_object_has_member (idem_packet_subpacket_get_identity (evidence), "fullName"));
  g_assert_true (json_object_has_member (idem_packet_subpacket_get_identity (evidence), "introducerRID"));
  g_assert_true (json_node_get_node_type (json_object_get_member (identity, "introducerName")) == JSON_NODE_ARRAY);
  {
    JsonObject *document = json_object_get_object_member (identity, "proofOfIdentity");
    JsonObject *biometrics = json_object_get_object_member (identity, "individualBiometrics");

    g_assert_cmpstr (json_object_get_string_member (document, "value"), ==, "proofOfIdentity");
    g_assert_cmpstr (json_object_get_string_member (document, "type"), ==, "DOC001");
    g_assert_cmpstr (json_object_get_string_member (document, "format"), ==, "pdf");
    g_assert_cmpstr (json_object_get_string_member (document, "refNumber"), ==, "P-778");
    g_assert_cmpstr (json_object_get_string_member (biometrics, "value"), ==, "individualBiometrics_bio_CBEFF");
    g_assert_cmpstr (json_object_get_string_member (biometrics, "format"), ==, "cbeff");
  }

  /* The framing and the meta JSON exactly as MOSIP writes them */
  {
    GBytes *id_json = idem_packet_subpacket_get_file (id, "ID.json");
    g_autofree char *text = g_strndup (g_bytes_get_data (id_json, NULL), g_bytes_get_size (id_json));
    g_autoptr(JsonParser) meta_parser = json_parser_new ();
    GBytes *meta_json = idem_packet_subpacket_get_meta_json (id);
    JsonObject *meta;
    const char *signature;

    g_assert_true (g_str_has_prefix (text, "{ \"identity\" : {\n  \"IDSchemaVersion\" : "));
    g_assert_true (g_str_has_suffix (text, "\n} } "));
    g_assert_nonnull (strstr (text, "\"version\" : 1.0,"));

    g_assert_true (json_parser_load_from_data (meta_parser, g_bytes_get_data (meta_json, NULL),
                                               g_bytes_get_size (meta_json), NULL));
    meta = json_node_get_object (json_parser_get_root (meta_parser));
    g_assert_cmpstr (json_object_get_string_member (meta, "id"), ==, packet.packet_id);
    g_assert_cmpstr (json_object_get_string_member (meta, "packetname"), ==, RID "_id");
    g_assert_cmpstr (json_object_get_string_member (meta, "source"), ==, "REGISTRATION_CLIENT");
    g_assert_cmpstr (json_object_get_string_member (meta, "process"), ==, "NEW");
    g_assert_cmpstr (json_object_get_string_member (meta, "providername"), ==, "PacketWriterImpl");
    g_assert_cmpstr (json_object_get_string_member (meta, "providerversion"), ==, "v1.0");
    g_assert_cmpstr (json_object_get_string_member (meta, "creationdate"), ==, "2022-01-28T22:36:18.495Z");
    g_assert_cmpstr (json_object_get_string_member (meta, "refid"), ==, CENTRE "_" MACHINE);
    g_assert_true (json_node_get_value_type (json_object_get_member (meta, "schemaversion")) == G_TYPE_STRING);
    signature = json_object_get_string_member (meta, "signature");
    g_assert_cmpuint (strlen (signature), ==, 342);
    g_assert_null (strpbrk (signature, "+/="));
    g_assert_cmpuint (strlen (json_object_get_string_member (meta, "encryptedhash")), ==, 43);
  }

  /* Entry order of §3: files, ID.json, operator files, audit, hashes, meta */
  {
    const char *expected[] = { "individualBiometrics_bio_CBEFF.xml", "proofOfIdentity.pdf", "ID.json",
                               "officer_bio_cbeff.xml", "audit.json", "packet_operations_hash.txt",
                               "packet_data_hash.txt", "packet_meta_info.json" };

    g_assert_cmpuint (idem_packet_subpacket_get_n_files (id), ==, G_N_ELEMENTS (expected));
    for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
      g_assert_cmpstr (idem_packet_subpacket_get_file_name (id, i), ==, expected[i]);
  }
}

static void
write_file_done_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  char **path = user_data;
  g_autoptr(GError) error = NULL;

  *path = idem_packet_writer_write_file_finish (IDEM_PACKET_WRITER (object), result, &error);
  g_assert_no_error (error);
}

static void
open_file_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (idem_packet_reader_open_file_finish (IDEM_PACKET_READER (object), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
test_file_async (void)
{
  g_auto(Packet) packet = { 0 };
  g_autoptr(IdemPacketWriter) writer = new_writer (&packet, TRUE);
  g_autoptr(IdemPacketReader) reader = new_reader ();
  g_autoptr(GError) error = NULL;
  g_autofree char *directory = g_dir_make_tmp ("idem-packet-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *base = NULL;
  gboolean done = FALSE;

  g_assert_no_error (error);
  idem_packet_writer_write_file_async (writer, directory, NULL, write_file_done_cb, &path);
  while (path == NULL)
    g_main_context_iteration (NULL, TRUE);

  base = g_path_get_basename (path);
  g_assert_cmpstr (base, ==, RID "-" CENTRE "_" MACHINE "-20220128223618.zip");
  idem_packet_reader_set_declared (reader, idem_packet_writer_get_packet_hash (writer),
                                   idem_packet_writer_get_packet_size (writer));
  idem_packet_reader_open_file_async (reader, path, NULL, open_file_done_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);

  g_assert_false (idem_packet_reader_open_file (reader, "/nonexistent/packet.zip", &error));
  g_assert_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_IO);

  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (directory), ==, 0);
}

/* java.util.zip.ZipInputStream reads sizes from the local header: every
 * local header must carry the CRC and sizes, and no entry may use a data
 * descriptor (general purpose bit 3). */
static void
assert_java_readable (GBytes *zip)
{
  g_autoptr(GPtrArray) entries = idem_zip_read (zip, NULL, NULL);
  gsize length;
  const guint8 *data = g_bytes_get_data (zip, &length);
  gsize offset = 0;
  guint seen = 0;

  g_assert_nonnull (entries);
  while (offset + 30 <= length && data[offset] == 'P' && data[offset + 1] == 'K'
         && data[offset + 2] == 3 && data[offset + 3] == 4)
    {
      guint flags = data[offset + 6] | (data[offset + 7] << 8);
      guint method = data[offset + 8] | (data[offset + 9] << 8);
      guint32 compressed = data[offset + 18] | (data[offset + 19] << 8) | (data[offset + 20] << 16) | ((guint32) data[offset + 21] << 24);
      guint32 size = data[offset + 22] | (data[offset + 23] << 8) | (data[offset + 24] << 16) | ((guint32) data[offset + 25] << 24);
      guint name_length = data[offset + 26] | (data[offset + 27] << 8);
      guint extra_length = data[offset + 28] | (data[offset + 29] << 8);
      IdemZipEntry *entry = g_ptr_array_index (entries, seen);

      g_assert_cmpuint (flags & 0x0008, ==, 0);
      g_assert_cmpuint (flags & 0x0800, ==, 0x0800);
      g_assert_true (method == 0 || method == 8);
      g_assert_cmpuint (size, ==, g_bytes_get_size (entry->data));
      g_assert_cmpuint (size, >, 0);
      if (method == 0)
        g_assert_cmpuint (compressed, ==, size);
      g_assert_cmpuint (name_length, ==, strlen (entry->name));
      g_assert_false (g_str_has_suffix (entry->name, "/"));
      offset += 30 + name_length + extra_length + compressed;
      seen++;
    }
  g_assert_cmpuint (seen, ==, entries->len);
}

static GBytes *
decrypt_outer (GBytes *sealed)
{
  g_autoptr(GError) error = NULL;
  GBytes *container = idem_mosip_decrypt (sealed, encryption_key, thumbprint, &error);

  g_assert_no_error (error);
  return container;
}

static void
test_zip_layout (void)
{
  g_auto(Packet) packet = { 0 };
  g_autoptr(GBytes) container = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *directory = NULL;
  g_autofree char *path = NULL;
  g_autofree char *output = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  make_packet (&packet);
  container = decrypt_outer (packet.sealed);
  assert_java_readable (container);
  entries = idem_zip_read (container, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 6);

  for (guint i = 0; i < entries->len; i++)
    {
      IdemZipEntry *entry = g_ptr_array_index (entries, i);
      g_autoptr(GBytes) plain = NULL;

      if (!g_str_has_suffix (entry->name, ".zip"))
        continue;
      plain = idem_mosip_decrypt (entry->data, encryption_key, thumbprint, &error);
      g_assert_no_error (error);
      assert_java_readable (plain);
    }

  /* An independent reader: Python's zipfile tests every CRC */
  directory = g_dir_make_tmp ("idem-zip-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (directory, "container.zip", NULL);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (container, NULL), g_bytes_get_size (container), NULL));
  {
    const char *argv[] = { "python3", "-c",
                           "import sys, zipfile\n"
                           "z = zipfile.ZipFile(sys.argv[1])\n"
                           "assert z.testzip() is None\n"
                           "print(len(z.namelist()))\n", path, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                                 &output, NULL, &status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    g_assert_cmpstr (output, ==, "6\n");
  }
  g_unlink (path);
  g_rmdir (directory);
}

/* Builds the documentation sample's container from its files. */
static GBytes *
sample_container (void)
{
  g_autoptr(IdemZipWriter) writer = idem_zip_writer_new ();
  g_autofree char *folder = shared_path ("full-packet/REGISTRATION_CLIENT/NEW");
  const char *names[] = { "id", "evidence", "optional" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      for (guint j = 0; j < 2; j++)
        {
          g_autofree char *file = g_strdup_printf ("%s_%s.%s", RID, names[i], j == 0 ? "zip" : "json");
          g_autofree char *path = g_build_filename (folder, file, NULL);
          g_autofree char *entry = g_strconcat ("REGISTRATION_CLIENT/NEW/", file, NULL);
          g_autoptr(GBytes) bytes = NULL;
          char *contents;
          gsize length;

          g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
          bytes = g_bytes_new_take (contents, length);
          g_assert_true (idem_zip_writer_add (writer, entry, bytes, IDEM_ZIP_STORED, NULL));
        }
    }

  return idem_zip_writer_finish (writer);
}

static void
test_sample (void)
{
  g_autoptr(IdemPacketReader) reader = idem_packet_reader_new ();
  g_autoptr(GBytes) container = sample_container ();
  g_autoptr(GError) error = NULL;
  IdemPacketSubpacket *id, *evidence, *optional;
  JsonObject *identity;

  idem_packet_reader_set_plaintext_subpackets (reader, TRUE);
  g_assert_false (idem_packet_reader_open (reader, container, &error));

  /* FORMAT.md §6: the id CBEFF was edited after the packet was made */
  g_assert_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_DATA_HASH_MISMATCH);
  g_assert_nonnull (strstr (error->message, "“id”"));
  g_assert_nonnull (strstr (error->message, "packet_data_hash.txt"));

  id = idem_packet_reader_find_subpacket (reader, "id");
  evidence = idem_packet_reader_find_subpacket (reader, "evidence");
  optional = idem_packet_reader_find_subpacket (reader, "optional");
  g_assert_cmpint (idem_packet_subpacket_get_data_hash_check (id), ==, IDEM_PACKET_CHECK_FAILED);
  g_assert_cmpint (idem_packet_subpacket_get_data_hash_check (evidence), ==, IDEM_PACKET_CHECK_PASSED);
  g_assert_cmpint (idem_packet_subpacket_get_data_hash_check (optional), ==, IDEM_PACKET_CHECK_PASSED);
  /* ... and an operations hash over nothing in each */
  g_assert_cmpint (idem_packet_subpacket_get_operations_hash_check (id), ==, IDEM_PACKET_CHECK_PASSED);
  g_assert_cmpint (idem_packet_subpacket_get_operations_hash_check (evidence), ==, IDEM_PACKET_CHECK_PASSED);
  g_assert_cmpint (idem_packet_subpacket_get_operations_hash_check (optional), ==, IDEM_PACKET_CHECK_PASSED);
  /* The signatures belong to the original encrypted packet: not checked */
  g_assert_cmpint (idem_packet_subpacket_get_signature_check (id), ==, IDEM_PACKET_CHECK_NOT_DONE);
  g_assert_cmpint (idem_packet_subpacket_get_encrypted_hash_check (id), ==, IDEM_PACKET_CHECK_NOT_DONE);

  g_assert_cmpstr (idem_packet_reader_get_rid (reader), ==, RID);
  identity = idem_packet_subpacket_get_identity (id);
  g_assert_cmpstr (json_object_get_string_member (identity, "dateOfBirth"), ==, "1958/01/29");
  g_assert_cmpstr (json_object_get_string_member (identity, "postalCode"), ==, "10114");
  g_assert_cmpuint (idem_packet_subpacket_get_n_files (id), ==, 8);
  g_assert_cmpuint (g_bytes_get_size (idem_packet_subpacket_get_file (id, "individualBiometrics_bio_CBEFF.xml")), ==, 753034);
  g_assert_true (json_object_has_member (idem_packet_subpacket_get_identity (evidence), "proofOfException"));
  g_assert_true (json_object_has_member (idem_packet_subpacket_get_meta_info (optional), "hashSequence1"));

  /* Each sub-packet on its own, through the entry point the fuzzer uses */
  {
    const char *names[] = { "id", "evidence", "optional" };

    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        IdemPacketSubpacket *subpacket = idem_packet_reader_find_subpacket (reader, names[i]);
        g_autoptr(GPtrArray) entries = idem_zip_read (container, NULL, NULL);
        g_autoptr(GError) local_error = NULL;
        IdemZipEntry *entry = idem_zip_entry_find (entries, idem_packet_subpacket_get_container_name (subpacket));
        gboolean ok = idem_packet_check_subpacket_zip (names[i], entry->data, &local_error);

        g_assert_true (ok == (i != 0));
        if (i == 0)
          g_assert_error (local_error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_DATA_HASH_MISMATCH);
      }
  }
}

/* --- Tampering -------------------------------------------------------- */

typedef void (*EditEntries) (GPtrArray *entries,
                             gpointer   user_data);

static GBytes *
rebuild_zip (GPtrArray *entries)
{
  g_autoptr(IdemZipWriter) writer = idem_zip_writer_new ();

  for (guint i = 0; i < entries->len; i++)
    {
      IdemZipEntry *entry = g_ptr_array_index (entries, i);

      g_assert_true (idem_zip_writer_add (writer, entry->name, entry->data,
                                          g_str_has_suffix (entry->name, ".json") ? IDEM_ZIP_DEFLATE : IDEM_ZIP_STORED,
                                          NULL));
    }

  return idem_zip_writer_finish (writer);
}

static void
replace_entry (IdemZipEntry *entry,
               GBytes       *data)
{
  g_bytes_unref (entry->data);
  entry->data = g_bytes_ref (data);
}

static GBytes *
encrypt (GBytes *plain)
{
  g_autoptr(GError) error = NULL;
  GBytes *sealed = idem_mosip_encrypt (plain, encryption_key, thumbprint, NULL, &error);

  g_assert_no_error (error);
  return sealed;
}

/* Opens the packet as a registration processor would, edits one
 * sub-packet's files with @edit_inner, then seals everything again.  With
 * @resign the sub-packet gets a valid signature and encryptedhash, as a
 * machine whose key was stolen could make; without, its old signature
 * stays.  @edit_container then edits the container's entries. */
static GBytes *
tamper (GBytes      *sealed,
        const char  *subpacket,
        EditEntries  edit_inner,
        gboolean     resign,
        EditEntries  edit_container,
        gpointer     user_data)
{
  g_autoptr(GBytes) container = decrypt_outer (sealed);
  g_autoptr(GPtrArray) entries = idem_zip_read (container, NULL, NULL);
  g_autoptr(GBytes) rebuilt = NULL;
  g_autofree char *target = NULL;

  g_assert_nonnull (entries);
  if (subpacket != NULL)
    {
      g_autofree char *json_name = g_strdup_printf ("REGISTRATION_CLIENT/NEW/" RID "_%s.json", subpacket);
      IdemZipEntry *zip_entry, *json_entry;
      g_autoptr(GBytes) plain = NULL;
      g_autoptr(GBytes) new_plain = NULL;
      g_autoptr(GBytes) envelope = NULL;
      g_autoptr(GPtrArray) inner = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      JsonObject *meta;
      guint8 digest[IDEM_SHA256_SIZE];
      g_autofree char *encrypted_hash = NULL;
      g_autofree char *meta_text = NULL;
      gsize meta_length;

      target = g_strdup_printf ("REGISTRATION_CLIENT/NEW/" RID "_%s.zip", subpacket);
      zip_entry = idem_zip_entry_find (entries, target);
      json_entry = idem_zip_entry_find (entries, json_name);
      plain = idem_mosip_decrypt (zip_entry->data, encryption_key, thumbprint, NULL);
      inner = idem_zip_read (plain, NULL, NULL);
      g_assert_nonnull (inner);
      edit_inner (inner, user_data);
      new_plain = rebuild_zip (inner);
      envelope = encrypt (new_plain);
      replace_entry (zip_entry, envelope);

      g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (json_entry->data, NULL),
                                                 g_bytes_get_size (json_entry->data), NULL));
      meta = json_node_get_object (json_parser_get_root (parser));
      idem_sha256 (g_bytes_get_data (envelope, NULL), g_bytes_get_size (envelope), digest);
      encrypted_hash = idem_packet_base64url_encode (digest, sizeof digest);
      json_object_set_string_member (meta, "encryptedhash", encrypted_hash);
      if (resign)
        {
          g_autoptr(GBytes) signature = idem_crypto_sign (machine_key, IDEM_SIGNATURE_RSA_SHA256,
                                                          g_bytes_get_data (new_plain, NULL),
                                                          g_bytes_get_size (new_plain), NULL);
          g_autofree char *text = idem_packet_base64url_encode (g_bytes_get_data (signature, NULL),
                                                                g_bytes_get_size (signature));

          json_object_set_string_member (meta, "signature", text);
        }
      json_generator_set_root (generator, json_parser_get_root (parser));
      meta_text = json_generator_to_data (generator, &meta_length);
      {
        g_autoptr(GBytes) meta_bytes = g_bytes_new_take (g_steal_pointer (&meta_text), meta_length);

        replace_entry (json_entry, meta_bytes);
      }
    }

  if (edit_container != NULL)
    edit_container (entries, user_data);

  rebuilt = rebuild_zip (entries);
  return encrypt (rebuilt);
}

/* A writable copy of @bytes; its length in @length. */
static guint8 *
copy_bytes (GBytes *bytes,
            gsize  *length)
{
  *length = g_bytes_get_size (bytes);
  return g_memdup2 (g_bytes_get_data (bytes, NULL), *length);
}

static GBytes *
flip_byte (GBytes *bytes,
           gsize   position)
{
  gsize length;
  guint8 *copy = copy_bytes (bytes, &length);

  g_assert_cmpuint (position, <, length);
  copy[position] ^= 0x01;
  return g_bytes_new_take (copy, length);
}

static void
test_tamper_outer (void)
{
  g_auto(Packet) packet = { 0 };
  gsize length;
  /* nonce, AAD, thumbprint, wrapped key, splitter, ciphertext, tag */
  gsize positions[] = { 0, 20, 50, 200, 335, 0, 0 };

  make_packet (&packet);
  length = g_bytes_get_size (packet.sealed);
  positions[5] = 346 + (length - 362) / 2;
  positions[6] = length - 1;

  for (guint i = 0; i < G_N_ELEMENTS (positions); i++)
    {
      g_autoptr(GBytes) flipped = flip_byte (packet.sealed, positions[i]);
      g_autoptr(IdemPacketReader) reader = new_reader ();
      g_autoptr(GError) error = NULL;

      assert_open_fails (flipped, IDEM_PACKET_ERROR_DECRYPT, NULL);

      /* With the declared hash, the hash check comes first */
      idem_packet_reader_set_declared (reader, packet.hash, packet.size);
      g_assert_false (idem_packet_reader_open (reader, flipped, &error));
      g_assert_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_HASH_MISMATCH);
    }
}

typedef struct
{
  const char *name;
  gsize       position;
  const char *search;
  int         offset;
} Flip;

static void
flip_container_entry_cb (GPtrArray *entries,
                         gpointer   user_data)
{
  Flip *flip = user_data;
  IdemZipEntry *entry = idem_zip_entry_find (entries, flip->name);
  g_autoptr(GBytes) flipped = NULL;
  gsize position = flip->position;

  g_assert_nonnull (entry);
  if (flip->search != NULL)
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (entry->data, NULL), g_bytes_get_size (entry->data));
      const char *found = strstr (text, flip->search);

      g_assert_nonnull (found);
      position = (found - text) + strlen (flip->search) + flip->offset;
    }
  if (flip->search != NULL)
    {
      /* another character of the same alphabet, so base64 stays base64 */
      gsize length;
      guint8 *copy = copy_bytes (entry->data, &length);

      copy[position] = copy[position] == 'A' ? 'B' : 'A';
      flipped = g_bytes_new_take (copy, length);
    }
  else
    flipped = flip_byte (entry->data, position);
  replace_entry (entry, flipped);
}

static void
test_tamper_container (void)
{
  g_auto(Packet) packet = { 0 };
  const char *names[] = { "id", "evidence", "optional" };

  make_packet (&packet);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *zip_name = g_strdup_printf ("REGISTRATION_CLIENT/NEW/" RID "_%s.zip", names[i]);
      g_autofree char *json_name = g_strdup_printf ("REGISTRATION_CLIENT/NEW/" RID "_%s.json", names[i]);
      g_autofree char *quoted = g_strdup_printf ("“%s”", names[i]);
      /* every part of the sub-packet envelope, then three kinds of byte in its meta JSON */
      Flip zip_flips[] = { { zip_name, 5 }, { zip_name, 30 }, { zip_name, 60 }, { zip_name, 100 },
                           { zip_name, 340 }, { zip_name, 400 } };
      Flip json_flips[] = {
        { json_name, 0, "\"signature\":\"", 10 },
        { json_name, 0, "\"encryptedhash\":\"", 5 },
        { json_name, 0, NULL, 0 },
        { json_name, 0, "\"packetname\":\"", 3 },
      };
      int json_codes[] = { IDEM_PACKET_ERROR_SIGNATURE_INVALID, IDEM_PACKET_ERROR_ENCRYPTED_HASH_MISMATCH,
                           IDEM_PACKET_ERROR_META_INVALID, IDEM_PACKET_ERROR_META_INVALID };

      for (guint j = 0; j < G_N_ELEMENTS (zip_flips); j++)
        {
          g_autoptr(GBytes) tampered = tamper (packet.sealed, NULL, NULL, FALSE, flip_container_entry_cb, &zip_flips[j]);

          assert_open_fails (tampered, IDEM_PACKET_ERROR_SUBPACKET_DECRYPT, quoted);
        }
      for (guint j = 0; j < G_N_ELEMENTS (json_flips); j++)
        {
          g_autoptr(GBytes) tampered = tamper (packet.sealed, NULL, NULL, FALSE, flip_container_entry_cb, &json_flips[j]);

          assert_open_fails (tampered, json_codes[j], NULL);
        }
    }
}

typedef struct
{
  const char *file;
  gboolean    found;
} InnerEdit;

/* Changes the last letter or digit of a file: JSON stays JSON, a hex hash
 * stays hex, and the change lands in a value, not in the structure. */
static void
change_inner_file_cb (GPtrArray *entries,
                      gpointer   user_data)
{
  InnerEdit *edit = user_data;
  IdemZipEntry *entry = idem_zip_entry_find (entries, edit->file);
  gsize length;
  guint8 *copy;

  if (entry == NULL)
    return;
  edit->found = TRUE;
  copy = copy_bytes (entry->data, &length);
  for (gsize i = length; i-- > 0;)
    {
      if (g_ascii_isdigit (copy[i]))
        {
          copy[i] = copy[i] == '9' ? '0' : copy[i] + 1;
          break;
        }
      if (g_ascii_isalpha (copy[i]))
        {
          copy[i] = copy[i] == 'z' ? 'y' : copy[i] == 'Z' ? 'Y' : copy[i] == 'F' ? 'E' : copy[i] + 1;
          break;
        }
    }
  {
    g_autoptr(GBytes) changed = g_bytes_new_take (copy, length);

    replace_entry (entry, changed);
  }
}

static void
test_tamper_inner (void)
{
  g_auto(Packet) packet = { 0 };
  struct {
    const char *subpacket;
    const char *file;
    int         code;
  } cases[] = {
    { "id", "individualBiometrics_bio_CBEFF.xml", IDEM_PACKET_ERROR_DATA_HASH_MISMATCH },
    { "id", "proofOfIdentity.pdf", IDEM_PACKET_ERROR_DATA_HASH_MISMATCH },
    { "id", "ID.json", IDEM_PACKET_ERROR_DATA_HASH_MISMATCH },
    { "id", "officer_bio_cbeff.xml", IDEM_PACKET_ERROR_OPERATIONS_HASH_MISMATCH },
    { "id", "audit.json", IDEM_PACKET_ERROR_OPERATIONS_HASH_MISMATCH },
    { "id", "packet_operations_hash.txt", IDEM_PACKET_ERROR_OPERATIONS_HASH_MISMATCH },
    { "id", "packet_data_hash.txt", IDEM_PACKET_ERROR_DATA_HASH_MISMATCH },
    /* the last value is a name in a hash sequence */
    { "id", "packet_meta_info.json", IDEM_PACKET_ERROR_MISSING_FILE },
    { "evidence", "proofOfException.pdf", IDEM_PACKET_ERROR_DATA_HASH_MISMATCH },
    { "evidence", "ID.json", IDEM_PACKET_ERROR_DATA_HASH_MISMATCH },
    { "evidence", "packet_data_hash.txt", IDEM_PACKET_ERROR_DATA_HASH_MISMATCH },
    { "evidence", "packet_meta_info.json", IDEM_PACKET_ERROR_MISSING_FILE },
    { "optional", "ID.json", IDEM_PACKET_ERROR_DATA_HASH_MISMATCH },
    { "optional", "packet_data_hash.txt", IDEM_PACKET_ERROR_DATA_HASH_MISMATCH },
    { "optional", "packet_meta_info.json", IDEM_PACKET_ERROR_MISSING_FILE },
  };

  make_packet (&packet);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      InnerEdit edit = { cases[i].file, FALSE };
      g_autoptr(GBytes) resigned = NULL;
      g_autoptr(GBytes) unsigned_ = NULL;
      g_autofree char *quoted = g_strdup_printf ("“%s”", cases[i].subpacket);

      g_test_message ("%s/%s", cases[i].subpacket, cases[i].file);
      resigned = tamper (packet.sealed, cases[i].subpacket, change_inner_file_cb, TRUE, NULL, &edit);
      g_assert_true (edit.found);
      assert_open_fails (resigned, cases[i].code, quoted);

      /* Without the machine's key, the signature catches it first */
      unsigned_ = tamper (packet.sealed, cases[i].subpacket, change_inner_file_cb, FALSE, NULL, &edit);
      assert_open_fails (unsigned_, IDEM_PACKET_ERROR_SIGNATURE_INVALID, quoted);
    }
}

static void
remove_entry_cb (GPtrArray *entries,
                 gpointer   user_data)
{
  IdemZipEntry *entry = idem_zip_entry_find (entries, user_data);

  g_assert_nonnull (entry);
  g_ptr_array_remove (entries, entry);
}

static void
add_entry_cb (GPtrArray *entries,
              gpointer   user_data)
{
  IdemZipEntry *entry = g_new0 (IdemZipEntry, 1);

  entry->name = g_strdup (user_data);
  entry->data = g_bytes_new_static ("extra", 5);
  g_ptr_array_add (entries, entry);
}

static void
test_tamper_removed_added (void)
{
  g_auto(Packet) packet = { 0 };
  const char *names[] = { "id", "evidence", "optional" };

  make_packet (&packet);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      for (guint j = 0; j < 2; j++)
        {
          g_autofree char *name = g_strdup_printf ("REGISTRATION_CLIENT/NEW/" RID "_%s.%s", names[i], j == 0 ? "zip" : "json");
          g_autoptr(GBytes) tampered = tamper (packet.sealed, NULL, NULL, FALSE, remove_entry_cb, name);

          assert_open_fails (tampered, IDEM_PACKET_ERROR_MISSING_SUBPACKET, names[i]);
        }
    }

  {
    const char *extras[] = { "REGISTRATION_CLIENT/NEW/" RID "_extra.zip", "REGISTRATION_CLIENT/NEW/notes.txt",
                             "REGISTRATION_CLIENT/UPDATE/" RID "_id.json", "README" };

    for (guint i = 0; i < G_N_ELEMENTS (extras); i++)
      {
        g_autoptr(GBytes) tampered = tamper (packet.sealed, NULL, NULL, FALSE, add_entry_cb, (gpointer) extras[i]);

        assert_open_fails (tampered, IDEM_PACKET_ERROR_ZIP_UNEXPECTED_ENTRY, NULL);
      }
  }

  /* Inside a sub-packet, re-signed: a named file removed, an unnamed one added */
  {
    g_autoptr(GBytes) removed = tamper (packet.sealed, "id", remove_entry_cb, TRUE, NULL,
                                        (gpointer) "individualBiometrics_bio_CBEFF.xml");
    g_autoptr(GBytes) removed_audit = tamper (packet.sealed, "id", remove_entry_cb, TRUE, NULL, (gpointer) "audit.json");
    g_autoptr(GBytes) removed_hash = tamper (packet.sealed, "evidence", remove_entry_cb, TRUE, NULL,
                                             (gpointer) "packet_data_hash.txt");
    g_autoptr(GBytes) added = tamper (packet.sealed, "evidence", add_entry_cb, TRUE, NULL, (gpointer) "extra.pdf");
    g_autoptr(GBytes) shadow = tamper (packet.sealed, "id", add_entry_cb, TRUE, NULL, (gpointer) "Id.JSON");

    assert_open_fails (removed, IDEM_PACKET_ERROR_MISSING_FILE, "individualBiometrics_bio_CBEFF");
    assert_open_fails (removed_audit, IDEM_PACKET_ERROR_MISSING_FILE, "audit");
    assert_open_fails (removed_hash, IDEM_PACKET_ERROR_MISSING_FILE, "packet_data_hash.txt");
    assert_open_fails (added, IDEM_PACKET_ERROR_ZIP_UNEXPECTED_ENTRY, "extra.pdf");
    /* A second ID.json differing in case would be found by MOSIP's lookup */
    assert_open_fails (shadow, IDEM_PACKET_ERROR_ZIP_DUPLICATE, NULL);
  }
}

static EVP_PKEY *
lookup_machine_key_cb (const char *ref_id,
                       const char *machine_id,
                       gpointer    user_data)
{
  guint *calls = user_data;

  (*calls)++;
  g_assert_cmpstr (ref_id, ==, CENTRE "_" MACHINE);
  g_assert_cmpstr (machine_id, ==, MACHINE);
  EVP_PKEY_up_ref (machine_key);
  return machine_key;
}

static EVP_PKEY *
unknown_machine_cb (const char *ref_id,
                    const char *machine_id,
                    gpointer    user_data)
{
  return NULL;
}

static void
test_wrong_keys (void)
{
  g_auto(Packet) packet = { 0 };
  guint8 other_thumbprint[IDEM_MOSIP_THUMBPRINT_SIZE] = { 7 };
  guint calls = 0;

  make_packet (&packet);

  /* Another certificate's key and thumbprint: refused by thumbprint */
  {
    g_autoptr(IdemPacketReader) reader = new_reader ();
    g_autoptr(GError) error = NULL;

    idem_packet_reader_set_decryption_key (reader, other_key, other_thumbprint);
    g_assert_false (idem_packet_reader_open (reader, packet.sealed, &error));
    g_assert_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_DECRYPT);
    g_assert_nonnull (strstr (error->message, "another certificate"));
  }

  /* The wrong key without a thumbprint: the key does not unwrap */
  {
    g_autoptr(IdemPacketReader) reader = new_reader ();
    g_autoptr(GError) error = NULL;

    idem_packet_reader_set_decryption_key (reader, other_key, NULL);
    g_assert_false (idem_packet_reader_open (reader, packet.sealed, &error));
    g_assert_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_DECRYPT);
  }

  /* Another machine's signing key */
  {
    g_autoptr(IdemPacketReader) reader = new_reader ();
    g_autoptr(GError) error = NULL;

    idem_packet_reader_set_signing_key (reader, other_key);
    g_assert_false (idem_packet_reader_open (reader, packet.sealed, &error));
    g_assert_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_SIGNATURE_INVALID);
    g_assert_nonnull (strstr (error->message, "“id”"));
  }

  /* The key found by the meta JSON's refid */
  {
    g_autoptr(IdemPacketReader) reader = idem_packet_reader_new ();
    g_autoptr(GError) error = NULL;

    idem_packet_reader_set_decryption_key (reader, encryption_key, thumbprint);
    idem_packet_reader_set_signing_key_func (reader, lookup_machine_key_cb, &calls, NULL);
    g_assert_true (idem_packet_reader_open (reader, packet.sealed, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (calls, ==, 3);

    idem_packet_reader_set_signing_key_func (reader, unknown_machine_cb, NULL, NULL);
    g_assert_false (idem_packet_reader_open (reader, packet.sealed, &error));
    g_assert_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_NO_SIGNING_KEY);
  }
}

static void
test_declared (void)
{
  g_auto(Packet) packet = { 0 };
  g_autoptr(IdemPacketReader) reader = new_reader ();
  g_autoptr(GError) error = NULL;
  g_autofree char *lower = NULL;

  make_packet (&packet);

  idem_packet_reader_set_declared (reader, packet.hash, packet.size + 1);
  g_assert_false (idem_packet_reader_open (reader, packet.sealed, &error));
  g_assert_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_SIZE_MISMATCH);
  g_clear_error (&error);

  idem_packet_reader_set_declared (reader, "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", packet.size);
  g_assert_false (idem_packet_reader_open (reader, packet.sealed, &error));
  g_assert_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_HASH_MISMATCH);
  g_clear_error (&error);

  lower = g_ascii_strdown (packet.hash, -1);
  idem_packet_reader_set_declared (reader, lower, packet.size);
  g_assert_true (idem_packet_reader_open (reader, packet.sealed, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (idem_packet_reader_get_packet_hash (reader), ==, packet.hash);
}

static void
test_schema_invalid (void)
{
  g_auto(Packet) packet = { 0 };
  g_autoptr(IdemPacketWriter) writer = new_writer (&packet, FALSE);
  g_autoptr(IdemPacketReader) reader = new_reader ();
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *violations;
  gboolean named = FALSE;

  idem_packet_writer_set_value_string (writer, "phone", "not a phone");
  sealed = idem_packet_writer_seal (writer, &error);
  g_assert_no_error (error);

  g_assert_false (idem_packet_reader_open (reader, sealed, &error));
  g_assert_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_SCHEMA_INVALID);
  violations = idem_packet_reader_get_violations (reader);
  g_assert_cmpuint (violations->len, >=, 2);
  for (guint i = 0; i < violations->len; i++)
    named |= strstr (g_ptr_array_index (violations, i), "fullName") != NULL;
  g_assert_true (named);

  /* Without a schema the same packet verifies */
  {
    g_autoptr(IdemPacketReader) lenient = idem_packet_reader_new ();
    g_autoptr(GError) local_error = NULL;

    idem_packet_reader_set_decryption_key (lenient, encryption_key, thumbprint);
    idem_packet_reader_set_signing_key (lenient, machine_key);
    g_assert_true (idem_packet_reader_open (lenient, sealed, &local_error));
    g_assert_no_error (local_error);
  }
}

static void
test_writer_bad_input (void)
{
  struct {
    const char *what;
  } cases[] = { { "no audits" }, { "empty document" }, { "unknown field" }, { "document as value" },
                { "empty CBEFF" }, { "no keys" }, { "bad format" } };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Packet) packet = { 0 };
      g_autoptr(IdemPacketWriter) writer = new_writer (&packet, TRUE);
      g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) sealed = NULL;

      switch (i)
        {
        case 0:
          {
            g_autoptr(JsonArray) none = json_array_new ();

            idem_packet_writer_set_audits (writer, none);
          }
          break;
        case 1:
          idem_packet_writer_add_document (writer, "proofOfAddress", "RNC", "pdf", NULL, empty);
          break;
        case 2:
          idem_packet_writer_set_value_string (writer, "favouriteColour", "blue");
          break;
        case 3:
          idem_packet_writer_set_value_string (writer, "proofOfAddress", "a string");
          break;
        case 4:
          idem_packet_writer_add_biometrics (writer, "individualBiometrics", empty);
          break;
        case 5:
          {
            g_autoptr(IdemPacketWriter) bare = idem_packet_writer_new (RID, CENTRE, MACHINE, IDEM_PACKET_PROCESS_NEW);

            idem_packet_writer_set_schema (bare, schema);
            g_set_object (&writer, bare);
          }
          break;
        default:
          idem_packet_writer_add_document (writer, "proofOfAddress", "RNC", "../pdf", NULL, packet.address_proof);
          break;
        }

      g_test_message ("%s", cases[i].what);
      sealed = idem_packet_writer_seal (writer, &error);
      g_assert_null (sealed);
      g_assert_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_INVALID_INPUT);
      g_assert_null (idem_packet_writer_get_packet_hash (writer));
    }
}

/* --- Hostile zips ----------------------------------------------------- */

static GBytes *
zip_of (const char *first_name,
        ...)
{
  g_autoptr(IdemZipWriter) writer = idem_zip_writer_new ();
  va_list args;

  va_start (args, first_name);
  for (const char *name = first_name; name != NULL; name = va_arg (args, const char *))
    {
      GBytes *data = va_arg (args, GBytes *);

      g_assert_true (idem_zip_writer_add (writer, name, data, IDEM_ZIP_DEFLATE, NULL));
    }
  va_end (args);

  return idem_zip_writer_finish (writer);
}

static void
assert_zip_fails (GBytes *zip,
                  int     code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = idem_zip_read (zip, NULL, &error);

  g_assert_null (entries);
  if (error->code != code)
    g_test_message ("expected %s, got %s: %s", idem_packet_error_get_name (code),
                    idem_packet_error_get_name (error->code), error->message);
  g_assert_error (error, IDEM_PACKET_ERROR, code);
}

/* Replaces every occurrence of @from by @to (same length) in the names of
 * both headers: how hostile names are made, since the writer refuses them. */
static GBytes *
patch (GBytes     *zip,
       const char *from,
       const char *to,
       gsize       length)
{
  gsize size;
  guint8 *copy = copy_bytes (zip, &size);

  for (gsize i = 0; i + length <= size; i++)
    if (memcmp (copy + i, from, length) == 0)
      memcpy (copy + i, to, length);

  return g_bytes_new_take (copy, size);
}

static void
put32 (guint8  *p,
       guint32  value)
{
  p[0] = value;
  p[1] = value >> 8;
  p[2] = value >> 16;
  p[3] = value >> 24;
}

static void
test_zip_truncated (void)
{
  g_autoptr(GBytes) data = random_bytes (300);
  g_autoptr(GBytes) zip = zip_of ("a.txt", data, "b.txt", data, NULL);
  gsize length = g_bytes_get_size (zip);

  /* Every prefix: never a crash, always a zip error */
  for (gsize cut = 0; cut < length; cut++)
    {
      g_autoptr(GBytes) prefix = g_bytes_new_from_bytes (zip, 0, cut);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) entries = idem_zip_read (prefix, NULL, &error);

      g_assert_null (entries);
      g_assert_true (error->domain == IDEM_PACKET_ERROR);
      g_assert_cmpint (error->code, >=, IDEM_PACKET_ERROR_ZIP_TRUNCATED);
      g_assert_cmpint (error->code, <=, IDEM_PACKET_ERROR_ZIP_UNEXPECTED_ENTRY);
    }
  {
    g_autoptr(GBytes) half = g_bytes_new_from_bytes (zip, 0, length / 2);

    assert_zip_fails (half, IDEM_PACKET_ERROR_ZIP_TRUNCATED);
  }

  /* And through the reader: a truncated container inside a valid envelope */
  {
    g_auto(Packet) packet = { 0 };
    g_autoptr(GBytes) container = NULL;
    g_autoptr(GBytes) cut = NULL;
    g_autoptr(GBytes) sealed = NULL;

    make_packet (&packet);
    container = decrypt_outer (packet.sealed);
    cut = g_bytes_new_from_bytes (container, 0, g_bytes_get_size (container) - 30);
    sealed = encrypt (cut);
    assert_open_fails (sealed, IDEM_PACKET_ERROR_ZIP_TRUNCATED, NULL);
  }
}

/* A DEFLATE stream of @size zeros, made without holding them all */
static GBytes *
deflated_zeros (gsize size)
{
  static const guint8 zeros[1 << 16];
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint8 buffer[1 << 14];
  z_stream stream = { 0 };
  gsize left = size;
  int flush;

  g_assert_cmpint (deflateInit2 (&stream, 1, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY), ==, Z_OK);
  do
    {
      gsize chunk = MIN (left, sizeof zeros);

      stream.next_in = (Bytef *) zeros;
      stream.avail_in = chunk;
      left -= chunk;
      flush = left == 0 ? Z_FINISH : Z_NO_FLUSH;
      do
        {
          stream.next_out = buffer;
          stream.avail_out = sizeof buffer;
          deflate (&stream, flush);
          g_byte_array_append (out, buffer, sizeof buffer - stream.avail_out);
        }
      while (stream.avail_out == 0);
    }
  while (flush != Z_FINISH);
  deflateEnd (&stream);

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* A one-entry zip around an existing DEFLATE stream, declaring @size and
 * @crc as given. */
static GBytes *
zip_around (GBytes  *deflated,
            guint32  size,
            guint32  crc)
{
  g_autoptr(GBytes) placeholder = g_bytes_new_static ("x", 1);
  g_autoptr(IdemZipWriter) writer = idem_zip_writer_new ();
  g_autoptr(GBytes) shell = NULL;
  g_autoptr(GByteArray) out = g_byte_array_new ();
  const guint8 *p;
  gsize shell_length, compressed = g_bytes_get_size (deflated);
  guint8 local[35], central[51], end[22];

  g_assert_true (idem_zip_writer_add (writer, "zeros", placeholder, IDEM_ZIP_STORED, NULL));
  shell = idem_zip_writer_finish (writer);
  p = g_bytes_get_data (shell, &shell_length);
  g_assert_cmpuint (shell_length, ==, 35 + 1 + 51 + 22);

  memcpy (local, p, 35);
  memcpy (central, p + 36, 51);
  memcpy (end, p + 36 + 51, 22);
  local[8] = central[10] = 8;
  put32 (local + 14, crc);
  put32 (local + 18, compressed);
  put32 (local + 22, size);
  put32 (central + 16, crc);
  put32 (central + 20, compressed);
  put32 (central + 24, size);
  put32 (end + 16, 35 + compressed);

  g_byte_array_append (out, local, sizeof local);
  g_byte_array_append (out, g_bytes_get_data (deflated, NULL), compressed);
  g_byte_array_append (out, central, sizeof central);
  g_byte_array_append (out, end, sizeof end);

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static void
test_zip_bomb (void)
{
  /* 1 GB of zeros, honestly declared: over the per-entry limit */
  {
    g_autoptr(GBytes) stream = deflated_zeros ((gsize) 1 << 30);
    g_autoptr(GBytes) zip = zip_around (stream, 1u << 30, 0);

    g_assert_cmpuint (g_bytes_get_size (stream), <, 8 << 20);
    assert_zip_fails (zip, IDEM_PACKET_ERROR_ZIP_TOO_LARGE);
  }

  /* 32 MB of zeros, within the size limit: refused by its ratio */
  {
    g_autoptr(GBytes) stream = deflated_zeros (32 << 20);
    g_autoptr(GBytes) zip = zip_around (stream, 32 << 20, 0);

    assert_zip_fails (zip, IDEM_PACKET_ERROR_ZIP_BOMB);
  }

  /* 32 MB of zeros declaring 100 kB: caught when it inflates past that */
  {
    g_autoptr(GBytes) stream = deflated_zeros (32 << 20);
    g_autoptr(GBytes) zip = zip_around (stream, 100000, 0);

    assert_zip_fails (zip, IDEM_PACKET_ERROR_ZIP_BOMB);
  }

  /* Declaring more than it holds, and a wrong CRC */
  {
    g_autoptr(GBytes) stream = deflated_zeros (1000);
    g_autoptr(GBytes) longer = zip_around (stream, 2000, 0);
    g_autoptr(GBytes) bad_crc = zip_around (stream, 1000, 0x12345678);

    assert_zip_fails (longer, IDEM_PACKET_ERROR_ZIP_MALFORMED);
    assert_zip_fails (bad_crc, IDEM_PACKET_ERROR_ZIP_CRC_MISMATCH);
  }

  /* Huge declared sizes: 4 GB - 2 for one entry, and ZIP64's marker */
  {
    g_autoptr(GBytes) stream = deflated_zeros (1000);
    g_autoptr(GBytes) huge = zip_around (stream, 0xfffffffe, 0);
    g_autoptr(GBytes) zip64 = zip_around (stream, 0xffffffff, 0);

    assert_zip_fails (huge, IDEM_PACKET_ERROR_ZIP_TOO_LARGE);
    assert_zip_fails (zip64, IDEM_PACKET_ERROR_ZIP_UNSUPPORTED);
  }

  /* Many entries adding up beyond the total limit */
  {
    IdemZipLimits limits = *idem_zip_default_limits ();
    g_autoptr(GBytes) data = random_bytes (4000);
    g_autoptr(GBytes) zip = zip_of ("a", data, "b", data, "c", data, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) entries = NULL;

    limits.max_total_size = 10000;
    entries = idem_zip_read (zip, &limits, &error);
    g_assert_null (entries);
    g_assert_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_ZIP_TOO_LARGE);
  }
}

static void
test_zip_names (void)
{
  g_autoptr(GBytes) data = g_bytes_new_static ("content", 7);
  g_autoptr(GBytes) zip = zip_of ("aaaaaaaaa.txt", data, "bbbbbbbbb.txt", data, NULL);
  const char *hostile[] = { "../../etc/x", "/etc/passwd1", "a\\b\\c\\d.txt", "a/../../b.tx",
                            "C:/windows/1", "./a/b/c.txt1", "a//b/c.txt12" };

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) entries = idem_zip_read (zip, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (entries->len, ==, 2);
  }

  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      g_autofree char *name = g_strndup (hostile[i], 13);
      g_autoptr(GBytes) patched = NULL;

      while (strlen (name) < 13)
        {
          g_autofree char *longer = g_strconcat (name, "x", NULL);

          g_free (name);
          name = g_steal_pointer (&longer);
        }
      patched = patch (zip, "aaaaaaaaa.txt", name, 13);
      g_test_message ("%s", name);
      assert_zip_fails (patched, IDEM_PACKET_ERROR_ZIP_BAD_NAME);
    }

  /* A directory entry, a NUL inside a name, and bytes that are not UTF-8 */
  {
    g_autoptr(GBytes) directory = patch (zip, "aaaaaaaaa.txt", "aaaaaaaaa/xy/", 13);
    g_autoptr(GBytes) nul = patch (zip, "aaaaaaaaa.txt", "aaaa\0aaaa.txt", 13);
    g_autoptr(GBytes) latin1 = patch (zip, "aaaaaaaaa.txt", "aaaa\xe9" "aaaa.txt", 13);

    assert_zip_fails (directory, IDEM_PACKET_ERROR_ZIP_BAD_NAME);
    assert_zip_fails (nul, IDEM_PACKET_ERROR_ZIP_BAD_NAME);
    assert_zip_fails (latin1, IDEM_PACKET_ERROR_ZIP_BAD_NAME);
  }

  /* Duplicates, exact and by case */
  {
    g_autoptr(GBytes) same = patch (zip, "bbbbbbbbb.txt", "aaaaaaaaa.txt", 13);
    g_autoptr(GBytes) cased = patch (zip, "bbbbbbbbb.txt", "AAAAAAAAA.TXT", 13);

    assert_zip_fails (same, IDEM_PACKET_ERROR_ZIP_DUPLICATE);
    assert_zip_fails (cased, IDEM_PACKET_ERROR_ZIP_DUPLICATE);
  }

  /* The writer refuses them too */
  {
    g_autoptr(IdemZipWriter) writer = idem_zip_writer_new ();
    g_autoptr(GError) error = NULL;

    g_assert_false (idem_zip_writer_add (writer, "../x", data, IDEM_ZIP_STORED, &error));
    g_assert_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_ZIP_BAD_NAME);
    g_clear_error (&error);
    g_assert_true (idem_zip_writer_add (writer, "x", data, IDEM_ZIP_STORED, NULL));
    g_assert_false (idem_zip_writer_add (writer, "x", data, IDEM_ZIP_STORED, &error));
    g_assert_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_ZIP_DUPLICATE);
  }

  /* Path traversal in the container, through the whole reader */
  {
    g_auto(Packet) packet = { 0 };
    g_autoptr(GBytes) container = NULL;
    g_autoptr(GBytes) patched = NULL;
    g_autoptr(GBytes) sealed = NULL;

    make_packet (&packet);
    container = decrypt_outer (packet.sealed);
    patched = patch (container, "REGISTRATION_CLIENT/", "../../../../../../..", 20);
    sealed = encrypt (patched);
    assert_open_fails (sealed, IDEM_PACKET_ERROR_ZIP_BAD_NAME, NULL);
  }
}

static void
test_zip_too_many (void)
{
  g_autoptr(IdemZipWriter) writer = idem_zip_writer_new ();
  g_autoptr(GBytes) data = g_bytes_new_static ("1", 1);
  g_autoptr(GBytes) zip = NULL;

  for (guint i = 0; i <= idem_zip_default_limits ()->max_entries; i++)
    {
      g_autofree char *name = g_strdup_printf ("f%u", i);

      g_assert_true (idem_zip_writer_add (writer, name, data, IDEM_ZIP_STORED, NULL));
    }
  zip = idem_zip_writer_finish (writer);
  assert_zip_fails (zip, IDEM_PACKET_ERROR_ZIP_TOO_MANY_ENTRIES);
}

/* --- Fuzz seeds ------------------------------------------------------- */

static void
keep_seed (const char *name,
           guint8      layer,
           GBytes     *bytes)
{
  const char *directory = g_getenv ("IDEM_PACKET_SEED_DIR");
  g_autoptr(GByteArray) seed = g_byte_array_new ();
  g_autofree char *path = NULL;

  if (directory == NULL)
    return;
  g_byte_array_append (seed, &layer, 1);
  g_byte_array_append (seed, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  path = g_build_filename (directory, name, NULL);
  g_assert_true (g_file_set_contents (path, (const char *) seed->data, seed->len, NULL));
}

/* Our own packet with its sub-packets decrypted reads in plaintext mode,
 * like MOSIP's sample; these layers are the fuzz target's seeds (written
 * out when IDEM_PACKET_SEED_DIR is set). */
static void
test_plaintext_layers (void)
{
  g_autoptr(IdemPacketWriter) writer = idem_packet_writer_new (RID, CENTRE, MACHINE, IDEM_PACKET_PROCESS_UPDATE);
  g_autoptr(IdemPacketReader) reader = idem_packet_reader_new ();
  g_autoptr(JsonArray) audits = json_array_new ();
  g_autoptr(JsonNode) name = language_values ("Ali", "Ali");
  g_autoptr(GBytes) cbeff = fake_cbeff (300);
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GBytes) container = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GBytes) plain_container = NULL;
  g_autoptr(GError) error = NULL;

  json_array_add_string_element (audits, "login");
  idem_packet_writer_set_schema (writer, schema);
  idem_packet_writer_set_signing_key (writer, machine_key);
  idem_packet_writer_set_encryption_key (writer, encryption_key, thumbprint);
  idem_packet_writer_set_audits (writer, audits);
  idem_packet_writer_set_value (writer, "fullName", name);
  idem_packet_writer_set_value_string (writer, "introducerRID", "10001100771000120220101101010");
  idem_packet_writer_add_biometrics (writer, "individualBiometrics", cbeff);
  idem_packet_writer_set_supervisor_biometrics (writer, cbeff);
  idem_packet_writer_add_document (writer, "proofOfException", "COE", "pdf", "X1", cbeff);
  sealed = idem_packet_writer_seal (writer, &error);
  g_assert_no_error (error);

  container = decrypt_outer (sealed);
  entries = idem_zip_read (container, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    {
      IdemZipEntry *entry = g_ptr_array_index (entries, i);
      g_autoptr(GBytes) plain = NULL;

      if (!g_str_has_suffix (entry->name, ".zip"))
        {
          if (g_str_has_suffix (entry->name, "_id.json"))
            keep_seed ("meta-json", 3, entry->data);
          continue;
        }
      plain = idem_mosip_decrypt (entry->data, encryption_key, thumbprint, &error);
      g_assert_no_error (error);
      g_assert_true (idem_packet_check_subpacket_zip (g_str_has_suffix (entry->name, "_id.zip") ? "id" : "evidence",
                                                      plain, &error));
      g_assert_no_error (error);
      if (g_str_has_suffix (entry->name, "_id.zip"))
        keep_seed ("id-subpacket", 1, plain);
      else if (g_str_has_suffix (entry->name, "_evidence.zip"))
        keep_seed ("evidence-subpacket", 2, plain);
      replace_entry (entry, plain);
    }
  plain_container = rebuild_zip (entries);
  keep_seed ("container", 0, plain_container);

  idem_packet_reader_set_plaintext_subpackets (reader, TRUE);
  idem_packet_reader_set_schema (reader, NULL);
  g_assert_true (idem_packet_reader_open (reader, plain_container, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (idem_packet_reader_get_process (reader), ==, "UPDATE");
  g_assert_cmpint (idem_packet_subpacket_get_operations_hash_check (idem_packet_reader_find_subpacket (reader, "id")),
                   ==, IDEM_PACKET_CHECK_PASSED);
  g_assert_true (bytes_equal (idem_packet_subpacket_get_file (idem_packet_reader_find_subpacket (reader, "id"),
                                                              "supervisor_bio_cbeff.xml"), cbeff));

  /* The plaintext mode never accepts an encrypted packet */
  g_assert_false (idem_packet_reader_open (reader, sealed, &error));
  g_assert_true (error->domain == IDEM_PACKET_ERROR);
}

/* A self-signed certificate for the packet key, as the server issues one
 * per centre and machine. */
static X509 *
make_certificate (EVP_PKEY *key)
{
  X509 *certificate = X509_new ();
  X509_NAME *name;

  g_assert_cmpint (X509_set_version (certificate, 2), ==, 1);
  g_assert_cmpint (ASN1_INTEGER_set (X509_get_serialNumber (certificate), 7), ==, 1);
  g_assert_nonnull (X509_gmtime_adj (X509_getm_notBefore (certificate), 0));
  g_assert_nonnull (X509_gmtime_adj (X509_getm_notAfter (certificate), 3600));
  g_assert_cmpint (X509_set_pubkey (certificate, key), ==, 1);
  name = X509_get_subject_name (certificate);
  g_assert_cmpint (X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_ASC, (const unsigned char *) CENTRE "_" MACHINE,
                                               -1, -1, 0), ==, 1);
  g_assert_cmpint (X509_set_issuer_name (certificate, name), ==, 1);
  g_assert_cmpint (X509_sign (certificate, key, EVP_sha256 ()), >, 0);

  return certificate;
}

static void
test_certificate (void)
{
  g_auto(Packet) packet = { 0 };
  g_autoptr(IdemPacketWriter) writer = new_writer (&packet, TRUE);
  g_autoptr(IdemPacketReader) reader = new_reader ();
  g_autoptr(X509) certificate = make_certificate (encryption_key);
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *der = NULL;
  guint8 expected[IDEM_MOSIP_THUMBPRINT_SIZE];
  guint8 found[IDEM_MOSIP_THUMBPRINT_SIZE];
  int der_length;

  idem_packet_writer_set_encryption_certificate (writer, certificate);
  sealed = idem_packet_writer_seal (writer, &error);
  g_assert_no_error (error);

  /* The thumbprint is the SHA-256 of the certificate's DER, in both layers */
  der_length = i2d_X509 (certificate, NULL);
  der = g_malloc (der_length);
  {
    unsigned char *p = der;

    i2d_X509 (certificate, &p);
  }
  idem_sha256 (der, der_length, expected);
  g_assert_true (idem_mosip_envelope_get_thumbprint (sealed, found, NULL));
  g_assert_cmpmem (found, sizeof found, expected, sizeof expected);

  idem_packet_reader_set_decryption_key (reader, encryption_key, expected);
  g_assert_true (idem_packet_reader_open (reader, sealed, &error));
  g_assert_no_error (error);

  /* A reader holding the key under the other thumbprint refuses it */
  idem_packet_reader_set_decryption_key (reader, encryption_key, thumbprint);
  g_assert_false (idem_packet_reader_open (reader, sealed, &error));
  g_assert_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_DECRYPT);
}

/* A hostile ID.json nested a hundred thousand deep must not reach the
 * recursive JSON parser; nor may an empty one. */
static void
test_hostile_json (void)
{
  GString *deep = g_string_new ("{ \"identity\" : ");
  g_autoptr(GBytes) deep_bytes = NULL;
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GBytes) zip = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, ']');
  g_string_append (deep, " } ");
  deep_bytes = g_string_free_to_bytes (deep);

  zip = zip_of ("ID.json", deep_bytes, "packet_meta_info.json", deep_bytes, NULL);
  g_assert_false (idem_packet_check_subpacket_zip ("id", zip, &error));
  g_assert_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_META_INVALID);
  g_clear_error (&error);

  g_clear_pointer (&zip, g_bytes_unref);
  zip = zip_of ("ID.json", empty, "packet_meta_info.json", empty, NULL);
  g_assert_false (idem_packet_check_subpacket_zip ("id", zip, &error));
  g_assert_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_META_INVALID);
  g_clear_error (&error);

  g_assert_null (idem_packet_meta_parse (empty, "meta.json", &error));
  g_assert_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_META_INVALID);
}

static void
test_error_names (void)
{
  g_assert_cmpstr (idem_packet_error_get_name (IDEM_PACKET_ERROR_SIGNATURE_INVALID), ==, "SIGNATURE_INVALID");
  g_assert_cmpstr (idem_packet_error_get_name (IDEM_PACKET_ERROR_SCHEMA_INVALID), ==, "SCHEMA_INVALID");
  g_assert_null (idem_packet_error_get_name (0));
  g_assert_null (idem_packet_error_get_name (999));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *schema_path = NULL;
  g_autoptr(GFile) schema_file = NULL;
  g_autofree guint8 *der = NULL;
  int der_length, status;

  g_test_init (&argc, &argv, NULL);

  encryption_key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_RSA, 2048, &error);
  g_assert_no_error (error);
  machine_key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_RSA, 2048, &error);
  g_assert_no_error (error);
  other_key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_RSA, 2048, &error);
  g_assert_no_error (error);
  /* No certificate is needed to test the packet: the public key's DER
   * stands in for the certificate's. */
  der_length = i2d_PUBKEY (encryption_key, NULL);
  der = g_malloc (der_length);
  {
    unsigned char *p = der;

    i2d_PUBKEY (encryption_key, &p);
  }
  idem_sha256 (der, der_length, thumbprint);

  schema_path = shared_path ("id-schema-sample.json");
  schema_file = g_file_new_for_path (schema_path);
  schema = idem_id_schema_new_from_file (schema_file, &error);
  g_assert_no_error (error);

  g_test_add_func ("/packet/round-trip", test_round_trip);
  g_test_add_func ("/packet/file-async", test_file_async);
  g_test_add_func ("/packet/zip-layout", test_zip_layout);
  g_test_add_func ("/packet/sample", test_sample);
  g_test_add_func ("/packet/tamper/outer", test_tamper_outer);
  g_test_add_func ("/packet/tamper/container", test_tamper_container);
  g_test_add_func ("/packet/tamper/inner", test_tamper_inner);
  g_test_add_func ("/packet/tamper/removed-added", test_tamper_removed_added);
  g_test_add_func ("/packet/wrong-keys", test_wrong_keys);
  g_test_add_func ("/packet/declared", test_declared);
  g_test_add_func ("/packet/schema-invalid", test_schema_invalid);
  g_test_add_func ("/packet/writer-bad-input", test_writer_bad_input);
  g_test_add_func ("/packet/zip/truncated", test_zip_truncated);
  g_test_add_func ("/packet/zip/bomb", test_zip_bomb);
  g_test_add_func ("/packet/zip/names", test_zip_names);
  g_test_add_func ("/packet/zip/too-many", test_zip_too_many);
  g_test_add_func ("/packet/plaintext-layers", test_plaintext_layers);
  g_test_add_func ("/packet/certificate", test_certificate);
  g_test_add_func ("/packet/hostile-json", test_hostile_json);
  g_test_add_func ("/packet/error-names", test_error_names);

  status = g_test_run ();

  g_clear_object (&schema);
  g_clear_pointer (&encryption_key, EVP_PKEY_free);
  g_clear_pointer (&machine_key, EVP_PKEY_free);
  g_clear_pointer (&other_key, EVP_PKEY_free);

  return status;
}
