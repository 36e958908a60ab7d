/* test-pipeline-checks.c — the pipeline's document and device checks, and
 * a lost-UIN search that survives a restart
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Packets are made as the registration client makes them (libcore's
 * writer, signed by the machine's key, encrypted for the server) and go
 * through a real server in this process over HTTPS.  Each check has
 * packets it lets through and packets it refuses; a refused packet ends
 * REJECTED with its stable reason code, gets no UIN and leaves no
 * identity.
 */

#include "config.h"

#include "test-abis-support.h"
#include "test-pipeline-util.h"

#include "srv-abis.h"
#include "srv-packet-keys.h"
#include "srv-pipeline.h"

#include "idem-openssl-types.h"
#include "idem-packet-meta.h"
#include "idem-packet-zip.h"

#include <string.h>

#define OTHER_CENTRE  "10002"
#define OTHER_MACHINE "10078"

/* What a test packet holds beyond what every packet has. */
typedef struct
{
  const char *process;
  const char *name;
  const char *date_of_birth;
  const char *uin;             /* UPDATE: the identity it changes */
  const char *introducer_uin;  /* an infant's introducer */
  const char *document_field;  /* one document, or NULL */
  const char *document_type;
  const char *document_category;
  const char *devices;         /* capturedRegisteredDevices as JSON, or NULL for [] */
  GBytes     *fingers;
} PacketSpec;

static JsonNode *
language_value (const char *text)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "language");
  json_builder_add_string_value (builder, "eng");
  json_builder_set_member_name (builder, "value");
  json_builder_add_string_value (builder, text);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  return json_builder_get_root (builder);
}

static void
add_label (JsonArray  *list,
           const char *label,
           const char *value)
{
  JsonObject *pair = json_object_new ();

  json_object_set_string_member (pair, "label", label);
  json_object_set_string_member (pair, "value", value);
  json_array_add_object_element (list, pair);
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static TestPacket *
make_packet (PipelineTest     *test,
             const PacketSpec *spec)
{
  g_autofree char *rid = pipeline_test_next_rid (test);
  IdemPacketProcess kind = g_str_equal (spec->process, "UPDATE") ? IDEM_PACKET_PROCESS_UPDATE
                           : g_str_equal (spec->process, "LOST") ? IDEM_PACKET_PROCESS_LOST : IDEM_PACKET_PROCESS_NEW;
  g_autoptr(IdemPacketWriter) writer = idem_packet_writer_new (rid, PIPELINE_TEST_CENTRE, PIPELINE_TEST_MACHINE, kind);
  g_autoptr(JsonObject) meta_info = json_object_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  JsonArray *meta_data = json_array_new ();
  JsonArray *operations = json_array_new ();
  JsonArray *documents = json_array_new ();
  TestPacket *packet;
  const char *simple[][2] = {
    { "gender", "Female" }, { "residenceStatus", "Resident" }, { "addressLine1", "12 Avenue Mohammed V" },
    { "region", "Rabat Salé Kénitra" }, { "province", "Rabat" }, { "city", "Rabat" }, { "zone", "Agdal" },
  };

  idem_packet_writer_set_schema (writer, test->schema);
  idem_packet_writer_set_signing_key (writer, test->machine_key);
  idem_packet_writer_set_encryption_certificate (writer, test->packet_certificate);
  idem_packet_writer_set_creation_time (writer, now);

  if (spec->name != NULL)
    {
      g_autoptr(JsonNode) value = language_value (spec->name);

      idem_packet_writer_set_value (writer, "fullName", value);
    }
  if (kind == IDEM_PACKET_PROCESS_NEW)
    {
      for (guint i = 0; i < G_N_ELEMENTS (simple); i++)
        {
          g_autoptr(JsonNode) value = language_value (simple[i][1]);

          idem_packet_writer_set_value (writer, simple[i][0], value);
        }
      idem_packet_writer_set_value_string (writer, "postalCode", "10090");
    }
  if (kind == IDEM_PACKET_PROCESS_UPDATE)
    {
      g_autoptr(JsonNode) value = language_value ("3 Rue de Fès");

      idem_packet_writer_set_value (writer, "addressLine1", value);
    }
  if (spec->date_of_birth != NULL)
    idem_packet_writer_set_value_string (writer, "dateOfBirth", spec->date_of_birth);
  if (spec->uin != NULL)
    idem_packet_writer_set_value_string (writer, "UIN", spec->uin);
  if (spec->introducer_uin != NULL)
    idem_packet_writer_set_value_string (writer, "introducerUIN", spec->introducer_uin);
  if (spec->fingers != NULL)
    idem_packet_writer_add_biometrics (writer, "individualBiometrics", spec->fingers);

  if (spec->document_field != NULL)
    {
      static const char scan[] = "%PDF-1.4\n% a scanned page\n%%EOF\n";
      g_autoptr(GBytes) bytes = g_bytes_new_static (scan, sizeof scan - 1);
      JsonObject *entry = json_object_new ();

      idem_packet_writer_add_document (writer, spec->document_field, spec->document_type, "pdf", NULL, bytes);
      json_object_set_null_member (entry, "refNumber");
      json_object_set_string_member (entry, "documentCategory", spec->document_category);
      json_object_set_string_member (entry, "documentOwner", "Applicant");
      json_object_set_string_member (entry, "documentName", spec->document_field);
      json_array_add_object_element (documents, entry);
    }

  add_label (meta_data, "centerId", PIPELINE_TEST_CENTRE);
  add_label (meta_data, "machineId", PIPELINE_TEST_MACHINE);
  add_label (operations, "officerId", PIPELINE_TEST_OPERATOR);
  add_label (operations, "supervisorId", PIPELINE_TEST_SUPERVISOR);
  json_object_set_array_member (meta_info, "metaData", meta_data);
  json_object_set_array_member (meta_info, "operationsData", operations);
  json_object_set_array_member (meta_info, "documents", documents);
  json_object_set_member (meta_info, "capturedRegisteredDevices", parse_json (spec->devices != NULL ? spec->devices : "[]"));
  json_object_set_object_member (meta_info, "exceptionBiometrics", json_object_new ());
  idem_packet_writer_set_meta_info (writer, meta_info);
  {
    g_autoptr(JsonArray) audits = json_array_new ();

    json_array_add_string_element (audits, "{\"eventId\":\"REG-EVT-066\",\"description\":\"Packet created\"}");
    idem_packet_writer_set_audits (writer, audits);
  }

  packet = g_new0 (TestPacket, 1);
  packet->sealed = idem_packet_writer_seal (writer, &error);
  g_assert_no_error (error);
  packet->rid = g_steal_pointer (&rid);
  packet->hash = g_strdup (idem_packet_writer_get_packet_hash (writer));
  return packet;
}

static void
exec_sql (PipelineTest *test,
          const char   *sql)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (srv_database_exec (srv_server_get_database (test->server), sql, &error));
  g_assert_no_error (error);
}

/* Syncs and uploads @packet, and waits for the pipeline to leave it. */
static char *
submit (PipelineTest *test,
        TestPacket   *packet,
        const char   *process,
        char        **reason)
{
  g_autofree char *code = NULL;

  g_assert_cmpuint (pipeline_test_sync (test, packet, process, "APPROVED", &code), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (pipeline_test_upload (test, packet, &code), ==, SOUP_STATUS_OK);
  g_assert_null (code);
  return pipeline_test_wait (test, packet->rid, "PROCESSING", reason);
}

/* Runs a count whose SQL names the packet as {rid}. */
static gint64
count_where_rid (PipelineTest *test,
                 const char   *sql,
                 const char   *rid)
{
  g_autoptr(GString) text = g_string_new (sql);

  g_string_replace (text, "{rid}", rid, 0);
  return pipeline_test_count (test, text->str);
}

/* Submits a packet that must pass and get a UIN. */
static char *
expect_processed (PipelineTest     *test,
                  const PacketSpec *spec)
{
  g_autoptr(TestPacket) packet = make_packet (test, spec);
  g_autofree char *reason = NULL;
  g_autofree char *state = submit (test, packet, spec->process, &reason);
  g_autofree char *sql = NULL;

  g_test_message ("%s: %s %s", packet->rid, state, reason != NULL ? reason : "");
  g_assert_cmpstr (state, ==, "PROCESSED");
  g_assert_null (reason);
  sql = g_strdup_printf ("SELECT uin FROM uin_pool WHERE rid = '%s' AND status = 'ASSIGNED'", packet->rid);
  return g_strdup_printf ("%010" G_GINT64_FORMAT, pipeline_test_count (test, sql));
}

/* Submits a packet that must be refused for @want_reason, with a detail
 * naming @needle, and change nothing. */
static void
expect_refused (PipelineTest     *test,
                const PacketSpec *spec,
                const char       *want_reason,
                const char       *needle)
{
  g_autoptr(TestPacket) packet = make_packet (test, spec);
  gint64 identities = pipeline_test_count (test, "SELECT count(*) FROM idrepo_identity");
  gint64 assigned = pipeline_test_count (test, "SELECT count(*) FROM uin_pool WHERE status = 'ASSIGNED'");
  g_autofree char *reason = NULL;
  g_autofree char *state = submit (test, packet, spec->process, &reason);
  g_autofree char *sql = NULL;

  g_assert_cmpstr (state, ==, "REJECTED");
  g_assert_cmpstr (reason, ==, want_reason);

  /* The history says which document or device, and why. */
  sql = g_strdup_printf ("SELECT count(*) FROM packet_history WHERE rid = '%s' AND outcome = 'REJECTED'"
                         " AND detail LIKE '%s: %%%s%%'", packet->rid, want_reason, needle);
  g_assert_cmpint (pipeline_test_count (test, sql), ==, 1);

  g_assert_cmpint (pipeline_test_count (test, "SELECT count(*) FROM idrepo_identity"), ==, identities);
  g_assert_cmpint (pipeline_test_count (test, "SELECT count(*) FROM uin_pool WHERE status = 'ASSIGNED'"), ==,
                   assigned);
  g_assert_cmpint (count_where_rid (test, "SELECT count(*) FROM uin_pool WHERE rid = '{rid}'", packet->rid), ==, 0);
}

static GBytes *
rebuild_zip (GPtrArray *entries)
{
  g_autoptr(IdemZipWriter) writer = idem_zip_writer_new ();

  for (guint i = 0; i < entries->len; i++)
    {
      IdemZipEntry *entry = g_ptr_array_index (entries, i);

      g_assert_true (idem_zip_writer_add (writer, entry->name, entry->data,
                                          g_str_has_suffix (entry->name, ".json") ||
                                          g_str_has_suffix (entry->name, ".txt") ? IDEM_ZIP_DEFLATE : IDEM_ZIP_STORED,
                                          NULL));
    }
  return idem_zip_writer_finish (writer);
}

/* Gives @entry the content @data, taking it. */
static void
replace_entry (IdemZipEntry *entry,
               GBytes       *data)
{
  g_bytes_unref (entry->data);
  entry->data = data;
}

static char *
base64url_sha256 (GBytes *bytes)
{
  guint8 digest[IDEM_SHA256_SIZE];

  idem_sha256 (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), digest);
  return idem_packet_base64url_encode (digest, sizeof digest);
}

/* The file of @stem ("proofOfAddress" for "proofOfAddress.pdf"). */
static IdemZipEntry *
find_stem (GPtrArray  *entries,
           const char *stem)
{
  for (guint i = 0; i < entries->len; i++)
    {
      IdemZipEntry *entry = g_ptr_array_index (entries, i);
      gsize length = strlen (stem);

      if (strncmp (entry->name, stem, length) == 0 && entry->name[length] == '.')
        return entry;
    }
  return NULL;
}

/* Rewrites the id sub-packet of @packet without the file of the document
 * @field, as a client other than Idem's might send it: ID.json still
 * names the document, and the hashes, the signature (by the machine's
 * own key) and the encryption are all made again, so that only the
 * missing file is wrong. */
static void
drop_document_file (PipelineTest *test,
                    TestPacket   *packet,
                    const char   *field)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EVP_PKEY) key = srv_packet_keys_get_private (srv_server_get_packet_keys (test->server),
                                                         PIPELINE_TEST_CENTRE "_" PIPELINE_TEST_MACHINE, &error);
  g_autoptr(GBytes) container = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GBytes) rebuilt = NULL;
  guint8 digest[IDEM_SHA256_SIZE];
  gboolean done = FALSE;

  g_assert_no_error (error);
  container = idem_mosip_decrypt (packet->sealed, key, NULL, &error);
  g_assert_no_error (error);
  entries = idem_zip_read (container, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < entries->len; i++)
    {
      IdemZipEntry *zip_entry = g_ptr_array_index (entries, i);
      g_autofree char *json_name = NULL;
      g_autoptr(GBytes) plain = NULL;
      g_autoptr(GBytes) new_plain = NULL;
      g_autoptr(GBytes) envelope = NULL;
      g_autoptr(GBytes) meta_bytes = NULL;
      g_autoptr(GBytes) signature = NULL;
      g_autoptr(GPtrArray) inner = NULL;
      g_autoptr(JsonObject) meta_info = NULL;
      g_autoptr(JsonNode) meta_node = NULL;
      g_autoptr(IdemSha256) hash = idem_sha256_new ();
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autofree char *text = NULL;
      g_autofree char *signature_text = NULL;
      g_autofree char *encrypted_hash = NULL;
      JsonArray *sequence;
      IdemZipEntry *json_entry;
      IdemZipEntry *document;
      GString *hex;

      if (!g_str_has_suffix (zip_entry->name, "_id.zip"))
        continue;

      plain = idem_mosip_decrypt (zip_entry->data, key, NULL, &error);
      g_assert_no_error (error);
      inner = idem_zip_read (plain, NULL, &error);
      g_assert_no_error (error);

      document = find_stem (inner, field);
      g_assert_nonnull (document);
      g_ptr_array_remove (inner, document);

      /* The data hash covers the files the sequence lists, in order. */
      meta_info = idem_packet_parse_identity_file (idem_zip_entry_find (inner, IDEM_PACKET_META_INFO_FILE)->data,
                                                   IDEM_PACKET_META_INFO_FILE, &error);
      g_assert_no_error (error);
      sequence = json_object_get_array_member (meta_info, "hashSequence1");
      for (guint s = 0; s < json_array_get_length (sequence); s++)
        {
          JsonObject *element = json_array_get_object_element (sequence, s);
          JsonArray *names = json_object_get_array_member (element, "value");
          g_autoptr(JsonArray) kept = json_array_new ();

          for (guint n = 0; n < json_array_get_length (names); n++)
            {
              const char *name = json_array_get_string_element (names, n);
              IdemZipEntry *file;

              if (g_str_equal (name, field))
                continue;
              json_array_add_string_element (kept, name);
              file = find_stem (inner, name);
              g_assert_nonnull (file);
              idem_sha256_update (hash, g_bytes_get_data (file->data, NULL), g_bytes_get_size (file->data));
            }
          json_object_set_array_member (element, "value", json_array_ref (kept));
        }
      idem_sha256_finish (hash, digest);
      hex = g_string_new (NULL);
      for (guint b = 0; b < sizeof digest; b++)
        g_string_append_printf (hex, "%02X", digest[b]);
      replace_entry (idem_zip_entry_find (inner, IDEM_PACKET_DATA_HASH_FILE), g_string_free_to_bytes (hex));
      meta_node = json_node_init_object (json_node_alloc (), meta_info);
      meta_bytes = idem_packet_frame_identity (meta_node);
      replace_entry (idem_zip_entry_find (inner, IDEM_PACKET_META_INFO_FILE), g_steal_pointer (&meta_bytes));

      new_plain = rebuild_zip (inner);
      envelope = idem_mosip_encrypt_for_certificate (new_plain, test->packet_certificate, NULL, &error);
      g_assert_no_error (error);
      replace_entry (zip_entry, g_bytes_ref (envelope));

      json_name = g_strndup (zip_entry->name, strlen (zip_entry->name) - strlen (".zip"));
      {
        g_autofree char *full = g_strconcat (json_name, ".json", NULL);

        json_entry = idem_zip_entry_find (entries, full);
      }
      g_assert_nonnull (json_entry);
      g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (json_entry->data, NULL),
                                                 g_bytes_get_size (json_entry->data), &error));
      signature = idem_crypto_sign (test->machine_key, idem_packet_signature_algorithm (test->machine_key),
                                    g_bytes_get_data (new_plain, NULL), g_bytes_get_size (new_plain), &error);
      g_assert_no_error (error);
      signature_text = idem_packet_base64url_encode (g_bytes_get_data (signature, NULL), g_bytes_get_size (signature));
      encrypted_hash = base64url_sha256 (envelope);
      json_object_set_string_member (json_node_get_object (json_parser_get_root (parser)), "signature", signature_text);
      json_object_set_string_member (json_node_get_object (json_parser_get_root (parser)), "encryptedhash",
                                     encrypted_hash);
      text = json_to_string (json_parser_get_root (parser), FALSE);
      {
        gsize length = strlen (text);

        replace_entry (json_entry, g_bytes_new_take (g_steal_pointer (&text), length));
      }
      done = TRUE;
    }
  g_assert_true (done);

  rebuilt = rebuild_zip (entries);
  g_bytes_unref (packet->sealed);
  packet->sealed = idem_mosip_encrypt_for_certificate (rebuilt, test->packet_certificate, NULL, &error);
  g_assert_no_error (error);
  {
    g_autofree char *lower = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, packet->sealed);

    g_free (packet->hash);
    packet->hash = g_ascii_strup (lower, -1);
  }
}

/* MOSIP-style master data: document types with their categories, and
 * which applicant (age group) may bring which. */
#define DOCUMENT_MASTER_DATA \
  "INSERT INTO master_data (type, code, names, attributes, active, version) VALUES" \
  " ('documentCategory', 'POI', '{\"eng\":\"Proof of identity\"}', NULL, 1, 1)," \
  " ('documentCategory', 'POA', '{\"eng\":\"Proof of address\"}', NULL, 1, 1)," \
  " ('documentCategory', 'POB', '{\"eng\":\"Proof of birth\"}', NULL, 1, 1)," \
  " ('documentType', 'PASSPORT', '{\"eng\":\"Passport\"}', '{\"category\":\"POI\"}', 1, 1)," \
  " ('documentType', 'UTILITY_BILL', '{\"eng\":\"Utility bill\"}', '{\"category\":\"POA\"}', 1, 1)," \
  " ('documentType', 'LEASE', '{\"eng\":\"Lease\"}', '{\"category\":\"POA\"}', 1, 1)," \
  " ('documentType', 'OLD_CARD', '{\"eng\":\"Old card\"}', '{\"category\":\"POI\"}', 0, 1)," \
  " ('documentType', 'BIRTH_CERTIFICATE', '{\"eng\":\"Birth certificate\"}', '{\"category\":\"POB\"}', 1, 1);" \
  "INSERT INTO applicant_valid_document (applicant_type, document_category, document_type, active, version) VALUES" \
  " ('ADULT', 'POI', 'PASSPORT', 1, 1)," \
  " ('ADULT', 'POA', 'UTILITY_BILL', 1, 1)," \
  " ('ADULT', 'POA', 'LEASE', 1, 1)," \
  " ('ADULT', 'POI', 'OLD_CARD', 1, 1)," \
  " ('MINOR', 'POB', 'BIRTH_CERTIFICATE', 1, 1)," \
  " ('INFANT', 'POB', 'BIRTH_CERTIFICATE', 1, 1)," \
  " ('INFANT', 'POA', 'LEASE', 0, 1);"

/* Publishes, as the next version, the default ID schema with @field
 * required. */
static void
publish_schema_requiring (PipelineTest *test,
                          const char   *field)
{
  g_autofree char *path = g_build_filename (g_getenv ("IDEM_SOURCE_DIR"), "data", "schema", "id-schema.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  sqlite3 *db = srv_database_get_handle (srv_server_get_database (test->server));
  sqlite3_stmt *statement = NULL;
  JsonObject *identity;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  identity = json_object_get_object_member (json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                                                           "properties"), "identity");
  json_array_add_string_element (json_object_get_array_member (identity, "required"), field);
  text = json_to_string (json_parser_get_root (parser), FALSE);

  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "INSERT INTO published_document (kind, version, content, published)"
                                       " SELECT 'id-schema', max(version) + 1, ?, '2026-02-01T00:00:00Z'"
                                       " FROM published_document WHERE kind = 'id-schema'",
                                       -1, &statement, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (statement, 1, text, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_DONE);
  sqlite3_finalize (statement);
}

static void
test_documents (void)
{
  PipelineTest *test = pipeline_test_new ("[pipeline]\nbiometric-matching=false\n", TRUE);
  g_autoptr(GBytes) fingers = abis_test_synthetic_person (6, 41);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *infant_birth = g_date_time_format (now, "%Y/01/01");
  g_autofree char *uin = NULL;
  g_autofree char *infant_uin = NULL;
  PacketSpec spec;

  exec_sql (test, DOCUMENT_MASTER_DATA);

  /* An adult with a utility bill as proof of address, as the
   * registration client files it. */
  spec = (PacketSpec) { "NEW", "Samira Haddad", "1984/05/17", NULL, NULL,
                        "proofOfAddress", "UTILITY_BILL", "POA", NULL, fingers };
  uin = expect_processed (test, &spec);

  /* Without the meta info's category, the type's own is used. */
  spec = (PacketSpec) { "NEW", "Samira Haddad Bis", "1984/05/18", NULL, NULL,
                        "proofOfIdentity", "PASSPORT", NULL, NULL, fingers };
  g_free (expect_processed (test, &spec));

  /* A birth certificate is for minors and infants, not adults. */
  spec = (PacketSpec) { "NEW", "Karima Sefrioui", "1979/02/02", NULL, NULL,
                        "proofOfDateOfBirth", "BIRTH_CERTIFICATE", "POB", NULL, fingers };
  expect_refused (test, &spec, "IDM-PIP-008", "BIRTH_CERTIFICATE is not a valid POB document for an applicant of type ADULT");

  /* A type the master data does not know, or no longer accepts. */
  spec = (PacketSpec) { "NEW", "Karima Sefrioui", "1979/02/02", NULL, NULL,
                        "proofOfIdentity", "LIBRARY_CARD", "POI", NULL, fingers };
  expect_refused (test, &spec, "IDM-PIP-008", "proofOfIdentity: LIBRARY_CARD is not an active document type");
  spec.document_type = "OLD_CARD";
  expect_refused (test, &spec, "IDM-PIP-008", "OLD_CARD is not an active document type");

  /* A passport filed as a proof of address. */
  spec = (PacketSpec) { "NEW", "Karima Sefrioui", "1979/02/02", NULL, NULL,
                        "proofOfAddress", "PASSPORT", "POA", NULL, fingers };
  expect_refused (test, &spec, "IDM-PIP-008", "PASSPORT is a POI document, the packet files it as POA");

  /* An infant brings a birth certificate, not a passport, and not a
   * lease while that rule is inactive. */
  spec = (PacketSpec) { "NEW", "Ines Haddad", infant_birth, NULL, uin,
                        "proofOfDateOfBirth", "BIRTH_CERTIFICATE", "POB", NULL, fingers };
  infant_uin = expect_processed (test, &spec);
  spec = (PacketSpec) { "NEW", "Rayan Haddad", infant_birth, NULL, uin,
                        "proofOfIdentity", "PASSPORT", "POI", NULL, fingers };
  expect_refused (test, &spec, "IDM-PIP-008", "PASSPORT is not a valid POI document for an applicant of type INFANT");
  spec = (PacketSpec) { "NEW", "Rayan Haddad", infant_birth, NULL, uin,
                        "proofOfAddress", "LEASE", "POA", NULL, fingers };
  expect_refused (test, &spec, "IDM-PIP-008", "LEASE is not a valid POA document for an applicant of type INFANT");

  /* An update without a date of birth is judged by the identity it
   * updates: a lease suits the adult, a birth certificate does not.  The
   * lease passes validation (the update then needs the resident's
   * fingers, which this test does not match). */
  spec = (PacketSpec) { "UPDATE", NULL, NULL, uin, NULL, "proofOfDateOfBirth", "BIRTH_CERTIFICATE", "POB", NULL,
                        fingers };
  {
    g_autoptr(TestPacket) packet = make_packet (test, &spec);
    g_autofree char *reason = NULL;
    g_autofree char *state = submit (test, packet, "UPDATE", &reason);

    g_assert_cmpstr (state, ==, "REJECTED");
    g_assert_cmpstr (reason, ==, "IDM-PIP-008");
    g_assert_cmpint (count_where_rid (test, "SELECT count(*) FROM packet_history WHERE rid = '{rid}'"
                                      " AND detail LIKE '%applicant of type ADULT%'", packet->rid), ==, 1);
  }
  spec = (PacketSpec) { "UPDATE", NULL, NULL, uin, NULL, "proofOfAddress", "LEASE", "POA", NULL, fingers };
  {
    g_autoptr(TestPacket) packet = make_packet (test, &spec);
    g_autofree char *code = NULL;
    gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

    g_assert_cmpuint (pipeline_test_sync (test, packet, "UPDATE", "APPROVED", &code), ==, SOUP_STATUS_OK);
    g_assert_cmpuint (pipeline_test_upload (test, packet, &code), ==, SOUP_STATUS_OK);
    while (count_where_rid (test, "SELECT count(*) FROM packet_history WHERE rid = '{rid}' AND stage = 'validate'",
                            packet->rid) == 0)
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        while (g_main_context_iteration (NULL, FALSE))
          ;
        g_usleep (5000);
      }
    g_assert_cmpint (count_where_rid (test, "SELECT count(*) FROM packet_history WHERE rid = '{rid}'"
                                      " AND stage = 'validate' AND outcome = 'PASS'", packet->rid), ==, 1);
  }

  /* A packet whose ID.json names a document it does not carry, signed
   * by the machine: the rest passes, and the packet is refused. */
  spec = (PacketSpec) { "NEW", "Karima Sefrioui", "1979/02/02", NULL, NULL,
                        "proofOfAddress", "LEASE", "POA", NULL, fingers };
  {
    g_autoptr(TestPacket) packet = make_packet (test, &spec);
    g_autofree char *reason = NULL;
    g_autofree char *state = NULL;

    drop_document_file (test, packet, "proofOfAddress");
    state = submit (test, packet, "NEW", &reason);
    g_assert_cmpstr (state, ==, "REJECTED");
    g_assert_cmpstr (reason, ==, "IDM-PIP-007");
    g_assert_cmpint (count_where_rid (test, "SELECT count(*) FROM packet_history WHERE rid = '{rid}'"
                                      " AND detail LIKE '%proofOfAddress: its file proofOfAddress.pdf is not in the packet%'",
                                      packet->rid), ==, 1);
    g_assert_cmpint (count_where_rid (test, "SELECT count(*) FROM uin_pool WHERE rid = '{rid}'", packet->rid), ==, 0);
  }

  /* A document the published ID schema requires: a new registration
   * without it is refused by the schema check, which names it; with it,
   * it passes. */
  publish_schema_requiring (test, "proofOfIdentity");
  spec = (PacketSpec) { "NEW", "Nabil Ouazzani", "1986/06/06", NULL, NULL,
                        "proofOfAddress", "LEASE", "POA", NULL, fingers };
  expect_refused (test, &spec, "IDM-PIP-004", "proofOfIdentity");
  spec = (PacketSpec) { "NEW", "Nabil Ouazzani", "1986/06/06", NULL, NULL,
                        "proofOfIdentity", "PASSPORT", "POI", NULL, fingers };
  g_free (expect_processed (test, &spec));

  g_assert_cmpint (pipeline_test_count (test, "SELECT count(*) FROM uin_pool WHERE status = 'ASSIGNED'"), ==, 4);
  pipeline_test_free (test);
}

#define DEVICES \
  "INSERT INTO centre (id, names, location_code, time_zone, status, version)" \
  "  VALUES ('" OTHER_CENTRE "', '{\"eng\":\"Centre Hassan\"}', 'RSK', 'Africa/Casablanca', 'ACTIVE', 1);" \
  "INSERT INTO machine (id, name, centre_id, public_key, key_fingerprint, status, version)" \
  "  VALUES ('" OTHER_MACHINE "', 'Station 8', '" PIPELINE_TEST_CENTRE "', x'00', 'not-a-key', 'ACTIVE', 1);" \
  "INSERT INTO device (id, type, make, model, serial, centre_id, machine_id, status, version) VALUES" \
  " ('FP-7', 'FINGERPRINT', 'Idem', 'Reader 1', 'SN-FP-7', '" PIPELINE_TEST_CENTRE "', '" PIPELINE_TEST_MACHINE "', 'ACTIVE', 1)," \
  " ('CAM-A', 'CAMERA', 'Idem', 'Camera 1', 'SN-CAM-A', '" PIPELINE_TEST_CENTRE "', NULL, 'ACTIVE', 1)," \
  " ('FP-OLD', 'FINGERPRINT', 'Idem', 'Reader 0', 'SN-FP-OLD', '" PIPELINE_TEST_CENTRE "', NULL, 'INACTIVE', 1)," \
  " ('FP-GONE', 'FINGERPRINT', 'Idem', 'Reader 0', 'SN-FP-GONE', '" PIPELINE_TEST_CENTRE "', NULL, 'DECOMMISSIONED', 1)," \
  " ('FP-HASSAN', 'FINGERPRINT', 'Idem', 'Reader 1', 'SN-FP-H', '" OTHER_CENTRE "', NULL, 'ACTIVE', 1)," \
  " ('FP-8', 'FINGERPRINT', 'Idem', 'Reader 1', 'SN-FP-8', '" PIPELINE_TEST_CENTRE "', '" OTHER_MACHINE "', 'ACTIVE', 1);"

static void
test_devices (void)
{
  PipelineTest *test = pipeline_test_new ("[pipeline]\nbiometric-matching=false\n", TRUE);
  g_autoptr(GBytes) fingers = abis_test_synthetic_person (7, 51);
  PacketSpec spec = { "NEW", "Zineb Tahiri", "1991/08/08", NULL, NULL, NULL, NULL, NULL, NULL, fingers };
  const struct
  {
    const char *devices;
    const char *reason;
    const char *needle;
  } refused[] = {
    { "[{\"deviceCode\":\"FP-99\",\"digitalId\":{\"serialNo\":\"SN-FP-99\",\"type\":\"Finger\"}}]",
      "IDM-PIP-015", "device FP-99 is not registered" },
    { "[{\"digitalId\":{\"serialNo\":\"SN-NOBODY\",\"type\":\"Finger\"}}]",
      "IDM-PIP-015", "device SN-NOBODY is not registered" },
    { "[{\"deviceCode\":\"FP-7\",\"digitalId\":{\"serialNo\":\"SN-CLONE\",\"type\":\"Finger\"}}]",
      "IDM-PIP-015", "device FP-7 is not the registered device" },
    { "[{\"deviceCode\":\"FP-7\",\"digitalId\":{\"make\":\"Other\",\"type\":\"Finger\"}}]",
      "IDM-PIP-015", "device FP-7 is not the registered device" },
    { "[{\"deviceCode\":\"FP-7\",\"digitalId\":{\"type\":\"Face\"}}]",
      "IDM-PIP-015", "device FP-7 captured as “Face” but is registered as FINGERPRINT" },
    { "[{\"deviceServiceVersion\":\"1.0\"}]",
      "IDM-PIP-015", "captured device 0 has neither a device code nor a serial number" },
    { "[\"FP-7\"]", "IDM-PIP-015", "captured device 0 is not an object" },
    { "{\"deviceCode\":\"FP-7\"}", "IDM-PIP-015", "capturedRegisteredDevices is not a list" },
    { "[{\"deviceCode\":\"FP-OLD\"}]", "IDM-PIP-012", "device FP-OLD is INACTIVE" },
    { "[{\"deviceCode\":\"CAM-A\"},{\"deviceCode\":\"FP-GONE\"}]", "IDM-PIP-012", "device FP-GONE is DECOMMISSIONED" },
    { "[{\"deviceCode\":\"FP-HASSAN\"}]", "IDM-PIP-016", "device FP-HASSAN belongs to centre " OTHER_CENTRE },
    { "[{\"deviceCode\":\"FP-8\",\"digitalId\":{\"serialNo\":\"SN-FP-8\"}}]",
      "IDM-PIP-016", "device FP-8 is attached to machine " OTHER_MACHINE },
  };

  exec_sql (test, DEVICES);

  /* The machine's own reader and the centre's shared camera, named by
   * code with a matching digital ID, or by serial number alone. */
  spec.devices = "[{\"deviceServiceVersion\":\"1.0\",\"deviceCode\":\"FP-7\",\"digitalId\":{\"serialNo\":\"SN-FP-7\","
                 "\"make\":\"Idem\",\"model\":\"Reader 1\",\"type\":\"Finger\",\"deviceSubType\":\"Slap\"}},"
                 "{\"digitalId\":{\"serialNo\":\"SN-CAM-A\",\"type\":\"Face\"}}]";
  g_free (expect_processed (test, &spec));

  /* A packet that lists no device, as the registration client writes
   * today, passes. */
  spec.name = "Zineb Tahiri Bis";
  spec.devices = "[]";
  g_free (expect_processed (test, &spec));

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      spec.name = "Hajar Benjelloun";
      spec.devices = refused[i].devices;
      expect_refused (test, &spec, refused[i].reason, refused[i].needle);
    }

  /* Once the reader is active again, the same kind of packet passes. */
  exec_sql (test, "UPDATE device SET status = 'ACTIVE' WHERE id = 'FP-OLD'");
  spec.name = "Hajar Benjelloun";
  spec.devices = "[{\"deviceCode\":\"FP-OLD\"}]";
  g_free (expect_processed (test, &spec));

  g_assert_cmpint (pipeline_test_count (test, "SELECT count(*) FROM uin_pool WHERE status = 'ASSIGNED'"), ==, 3);
  pipeline_test_free (test);
}

/* Stops the in-process server and starts another on the same data
 * directory: whatever the pipeline kept in memory is gone. */
static void
restart (PipelineTest *test)
{
  g_autoptr(GError) error = NULL;
  SrvConfig *config;

  g_assert_true (srv_server_stop (test->server, &error));
  g_assert_no_error (error);
  g_clear_object (&test->server);
  g_clear_pointer (&test->url, g_free);

  config = srv_config_load (test->data_dir, &error);
  g_assert_no_error (error);
  g_assert_true (srv_config_set_port (config, 0, &error));
  test->server = srv_server_new (config);
  g_assert_true (srv_server_start (test->server, &error));
  g_assert_no_error (error);
  test->url = srv_server_get_url (test->server);
}

static guint
decide (PipelineTest *test,
        const char   *token,
        const char   *rid,
        const char   *decision)
{
  g_autofree char *path = g_strdup_printf ("/v1/adjudication/%s/decision", rid);
  g_autofree char *text = g_strdup_printf ("{\"request\":{\"decision\":\"%s\"}}", decision);
  g_autoptr(GBytes) body = g_bytes_new (text, strlen (text));

  return pipeline_test_call (test, "POST", path, body, FALSE, token, NULL, NULL);
}

static char *
wait_final (PipelineTest *test,
            const char   *rid,
            char        **reason)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autofree char *state = pipeline_test_wait (test, rid, "PROCESSING", reason);

      if (g_strcmp0 (state, "PROCESSING") != 0 || g_get_monotonic_time () > deadline)
        return g_steal_pointer (&state);
      if (reason != NULL)
        g_clear_pointer (reason, g_free);
    }
}

/* Calls an admin endpoint on a packet: pause, resume, reprocess. */
static guint
packet_action (PipelineTest *test,
               const char   *token,
               const char   *rid,
               const char   *action)
{
  g_autofree char *path = g_strdup_printf ("/v1/packets/%s/%s", rid, action);

  return pipeline_test_call (test, "POST", path, NULL, FALSE, token, NULL, NULL);
}

/* A lost-UIN search finds a registration that has no UIN yet: the last
 * stage waits for it, and the server restarts meanwhile.  The search
 * result must come back from the database, not from memory (gone) nor
 * from a second search. */
static void
test_lost_survives_restart (void)
{
  PipelineTest *test = pipeline_test_new ("[pipeline]\nretry-seconds=3600\nmax-attempts=100\n", TRUE);
  g_autoptr(GBytes) first_fingers = abis_test_synthetic_person (8, 61);
  g_autoptr(GBytes) again_fingers = abis_test_synthetic_person (8, 62);
  g_autoptr(GBytes) lost_fingers = abis_test_synthetic_person (8, 63);
  g_autoptr(TestPacket) first = pipeline_test_make_packet (test, "NEW", "Houda Lamrani", "1969/09/09", first_fingers,
                                                           NULL);
  g_autoptr(TestPacket) again = pipeline_test_make_packet (test, "NEW", "Houda El Lamrani", "1969/09/19",
                                                           again_fingers, NULL);
  g_autoptr(TestPacket) lost = pipeline_test_make_packet (test, "LOST", NULL, NULL, lost_fingers, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *state = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *code = NULL;
  g_autofree char *uin = NULL;
  g_autofree char *first_uin = NULL;
  gint64 deadline;

  state = submit (test, first, "NEW", NULL);
  g_assert_cmpstr (state, ==, "PROCESSED");
  g_clear_pointer (&state, g_free);
  state = submit (test, again, "NEW", NULL);
  g_assert_cmpstr (state, ==, "ADJUDICATION");
  g_clear_pointer (&state, g_free);

  /* Leave the registration waiting for the adjudicator as the only
   * match of these fingers. */
  g_assert_true (srv_abis_remove (srv_server_get_abis (test->server), first->rid, &error));
  g_assert_no_error (error);

  /* One main-context turn at a time, so that the test sees the first
   * outcome of the last stage before another attempt runs. */
  g_assert_cmpuint (pipeline_test_sync (test, lost, "LOST", "APPROVED", &code), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (pipeline_test_upload (test, lost, &code), ==, SOUP_STATUS_OK);
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (count_where_rid (test, "SELECT count(*) FROM packet_history WHERE rid = '{rid}'"
                          " AND stage = 'report_lost' AND outcome = 'RETRY'", lost->rid) == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }

  /* A retry waits out its backoff (an hour here) instead of running
   * again at once and spending its attempts in a moment. */
  deadline = g_get_monotonic_time () + G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_cmpint (count_where_rid (test, "SELECT count(*) FROM packet_history WHERE rid = '{rid}'"
                                    " AND stage = 'report_lost' AND outcome = 'RETRY'", lost->rid), ==, 1);
  srv_pipeline_stop (srv_server_get_pipeline (test->server));

  g_assert_cmpint (count_where_rid (test, "SELECT count(*) FROM packet WHERE rid = '{rid}' AND state = 'PROCESSING'"
                                    " AND stage = 'report_lost' AND reason_code = 'IDM-PIP-042'", lost->rid), ==, 1);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM packet_search_result WHERE rid = '%s'"
                                            " AND reference_id = '%s' AND score > 0", lost->rid, again->rid);

    g_assert_cmpint (pipeline_test_count (test, sql), ==, 1);
  }

  /* The adjudicator finds it is no duplicate while the pipeline is down;
   * the restarted server issues its UIN. */
  token = pipeline_test_admin_token (test, "ADJUDICATOR");
  g_assert_cmpuint (decide (test, token, again->rid, "NOT_DUPLICATE"), ==, SOUP_STATUS_OK);
  restart (test);
  state = wait_final (test, again->rid, NULL);
  g_assert_cmpstr (state, ==, "PROCESSED");
  g_clear_pointer (&state, g_free);

  /* The lost-UIN packet waits out its backoff; resuming it runs its last
   * stage now, on a server that never saw its search. */
  g_clear_pointer (&token, g_free);
  token = pipeline_test_admin_token (test, "ADMIN");
  g_assert_cmpuint (packet_action (test, token, lost->rid, "pause"), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (packet_action (test, token, lost->rid, "resume"), ==, SOUP_STATUS_OK);
  state = wait_final (test, lost->rid, &reason);
  g_assert_cmpstr (state, ==, "PROCESSED");
  g_assert_null (reason);

  {
    g_autofree char *sql = g_strdup_printf ("SELECT uin FROM uin_pool WHERE rid = '%s'", again->rid);
    g_autofree char *first_sql = g_strdup_printf ("SELECT uin FROM uin_pool WHERE rid = '%s'", first->rid);
    g_autofree char *path = g_build_filename (test->data_dir, "notifications.jsonl", NULL);

    uin = g_strdup_printf ("%010" G_GINT64_FORMAT, pipeline_test_count (test, sql));
    first_uin = g_strdup_printf ("%010" G_GINT64_FORMAT, pipeline_test_count (test, first_sql));
    g_assert_cmpstr (uin, !=, first_uin);
    g_assert_cmpint (count_where_rid (test, "SELECT count(*) FROM outbox WHERE rid = '{rid}'", lost->rid), ==, 1);
    deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
    for (;;)
      {
        g_autofree char *contents = NULL;
        g_autofree char *needle = g_strdup_printf ("\"uin\":\"%s\"", uin);
        gboolean told = FALSE;

        if (g_file_get_contents (path, &contents, NULL, NULL))
          {
            g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);

            for (guint i = 0; lines[i] != NULL; i++)
              if (strstr (lines[i], lost->rid) != NULL && strstr (lines[i], needle) != NULL)
                told = TRUE;
          }
        if (told)
          break;
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        while (g_main_context_iteration (NULL, FALSE))
          ;
        g_usleep (10000);
      }
  }

  /* One search only: the restarted server read its result back. */
  g_assert_cmpint (count_where_rid (test, "SELECT count(*) FROM packet_history WHERE rid = '{rid}'"
                                    " AND stage = 'bio_search'", lost->rid), ==, 1);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM packet_history WHERE rid = '%s'"
                                            " AND stage = 'report_lost' AND outcome = 'PROCESSED'"
                                            " AND detail = 'found by %s'", lost->rid, again->rid);

    g_assert_cmpint (pipeline_test_count (test, sql), ==, 1);
  }
  g_assert_cmpint (pipeline_test_count (test, "SELECT count(*) FROM uin_pool WHERE status = 'ASSIGNED'"), ==, 2);

  pipeline_test_free (test);
}

/* A packet left at the last stage without a stored search result (an
 * older server's, or one whose result could not be written) fails
 * visibly instead of reporting a UIN it cannot know; reprocessing it
 * searches again and finds the UIN. */
static void
test_lost_without_result (void)
{
  PipelineTest *test = pipeline_test_new ("[pipeline]\nretry-seconds=1\n", TRUE);
  g_autoptr(GBytes) enrolled = abis_test_synthetic_person (9, 71);
  g_autoptr(GBytes) same = abis_test_synthetic_person (9, 72);
  g_autoptr(TestPacket) first = pipeline_test_make_packet (test, "NEW", "Mounia Chami", "1977/07/27", enrolled, NULL);
  g_autoptr(TestPacket) lost = pipeline_test_make_packet (test, "LOST", NULL, NULL, same, NULL);
  g_autofree char *token = pipeline_test_admin_token (test, "ADMIN");
  g_autofree char *path = g_strdup_printf ("/v1/packets/%s/reprocess", lost->rid);
  g_autofree char *state = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *code = NULL;

  state = submit (test, first, "NEW", NULL);
  g_assert_cmpstr (state, ==, "PROCESSED");
  g_clear_pointer (&state, g_free);

  srv_pipeline_stop (srv_server_get_pipeline (test->server));
  g_assert_cmpuint (pipeline_test_sync (test, lost, "LOST", "APPROVED", &code), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (pipeline_test_upload (test, lost, &code), ==, SOUP_STATUS_OK);
  {
    g_autofree char *sql = g_strdup_printf ("UPDATE packet SET stage = 'report_lost' WHERE rid = '%s'", lost->rid);

    exec_sql (test, sql);
  }
  restart (test);

  state = wait_final (test, lost->rid, &reason);
  g_assert_cmpstr (state, ==, "FAILED");
  g_assert_cmpstr (reason, ==, "IDM-PIP-051");
  g_assert_cmpint (count_where_rid (test, "SELECT count(*) FROM outbox WHERE rid = '{rid}'"
                                    " AND event = 'PACKET_NOT_PROCESSED'", lost->rid), ==, 1);
  g_clear_pointer (&state, g_free);
  g_clear_pointer (&reason, g_free);

  g_assert_cmpuint (pipeline_test_call (test, "POST", path, NULL, FALSE, token, NULL, &code), ==, SOUP_STATUS_OK);
  state = pipeline_test_wait (test, lost->rid, "FAILED", NULL);
  if (g_strcmp0 (state, "PROCESSING") == 0)
    {
      g_free (state);
      state = wait_final (test, lost->rid, &reason);
    }
  g_assert_cmpstr (state, ==, "PROCESSED");
  g_assert_cmpint (count_where_rid (test, "SELECT count(*) FROM packet_search_result WHERE rid = '{rid}'", lost->rid),
                   ==, 1);

  pipeline_test_free (test);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pipeline-checks/documents", test_documents);
  g_test_add_func ("/pipeline-checks/devices", test_devices);
  g_test_add_func ("/pipeline-checks/lost-survives-restart", test_lost_survives_restart);
  g_test_add_func ("/pipeline-checks/lost-without-result", test_lost_without_result);

  status = g_test_run ();
  pipeline_test_cleanup ();
  srv_test_cleanup ();
  return status;
}
