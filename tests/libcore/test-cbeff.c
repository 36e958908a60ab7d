/* test-cbeff.c — CBEFF XML biometric records
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * MOSIP's sample documents and a real packet's biometrics are read in
 * place; MOSIP's own XSD, through libxml2's validator, judges both its
 * sample and what Idem writes; hostile documents (XXE, entity bombs,
 * damaged base64, missing parts, oversized sets) are refused with their
 * own codes.
 */

#include "config.h"

#include "idem.h"

#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <string.h>

#define NS "xmlns=\"http://standards.iso.org/iso-iec/19785/-3/ed-2/\""

static char *
shared_path (const char *first,
             ...)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  va_list args;

  g_ptr_array_add (parts, (gpointer) g_getenv ("IDEM_SHARED_DIR"));
  g_ptr_array_add (parts, (gpointer) first);
  va_start (args, first);
  for (const char *part = va_arg (args, const char *); part != NULL; part = va_arg (args, const char *))
    g_ptr_array_add (parts, (gpointer) part);
  va_end (args);
  g_ptr_array_add (parts, NULL);

  return g_build_filenamev ((char **) parts->pdata);
}

static GBytes *
load (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents;
  gsize length;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);

  return g_bytes_new_take (contents, length);
}

static IdemBir *
read_ok (GBytes *xml)
{
  g_autoptr(GError) error = NULL;
  IdemBir *bir = idem_cbeff_read (xml, &error);

  g_assert_no_error (error);
  g_assert_nonnull (bir);

  return bir;
}

static GError *
read_error (const char *xml)
{
  g_autoptr(GBytes) bytes = g_bytes_new (xml, strlen (xml));
  GError *error = NULL;
  g_autoptr(IdemBir) bir = idem_cbeff_read (bytes, &error);

  g_assert_null (bir);
  g_assert_nonnull (error);

  return error;
}

static void
assert_read_error (const char *xml,
                   int         code)
{
  g_autoptr(GError) error = read_error (xml);

  g_assert_error (error, IDEM_CBEFF_ERROR, code);
}

static void
keep_first_error_cb (void           *user_data,
                     const xmlError *error)
{
  char **first_error = user_data;

  if (*first_error == NULL)
    *first_error = g_strdup (error->message);
}

/* libxml2's XSD validator, on MOSIP's own schema. */
static gboolean
validates (GBytes  *xml,
           char   **first_error)
{
  g_autofree char *xsd = shared_path ("biometrics", "mosip-cbeff", "schema", "mosip-cbeff.xsd", NULL);
  xmlSchemaParserCtxtPtr parser = xmlSchemaNewParserCtxt (xsd);
  xmlSchemaPtr schema = xmlSchemaParse (parser);
  xmlSchemaValidCtxtPtr context;
  xmlDocPtr doc;
  gsize size;
  const char *data = g_bytes_get_data (xml, &size);
  g_autofree char *message = NULL;
  int result;

  g_assert_nonnull (schema);
  context = xmlSchemaNewValidCtxt (schema);
  doc = xmlReadMemory (data, (int) size, NULL, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  g_assert_nonnull (doc);
  xmlSchemaSetValidStructuredErrors (context, (xmlStructuredErrorFunc) keep_first_error_cb, &message);
  result = xmlSchemaValidateDoc (context, doc);
  if (first_error != NULL)
    *first_error = g_steal_pointer (&message);

  xmlFreeDoc (doc);
  xmlSchemaFreeValidCtxt (context);
  xmlSchemaFree (schema);
  xmlSchemaFreeParserCtxt (parser);

  return result == 0;
}

static void
test_mosip_samples (void)
{
  g_autofree char *directory = shared_path ("biometrics", "mosip-cbeff", "schema", NULL);
  g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
  const char *name;
  guint n_documents = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (directory, name, NULL);
      g_autoptr(GBytes) xml = NULL;
      g_autoptr(IdemBir) bir = NULL;
      guint n_finger_records = 0;

      /* The .xsd files are schemas, not records. */
      if (!g_str_has_suffix (name, ".xml"))
        continue;

      xml = load (path);
      bir = read_ok (xml);
      g_assert_cmpuint (idem_bir_get_n_children (bir), >, 0);

      for (guint i = 0; i < idem_bir_get_n_children (bir); i++)
        {
          IdemBir *child = idem_bir_get_child (bir, i);
          g_autoptr(IdemIso19794Record) record = NULL;
          GBytes *bdb = idem_bir_get_bdb (child);
          g_autoptr(GError) error = NULL;

          g_assert_cmpint (idem_bir_get_biometric_type (child), !=, IDEM_BIOMETRIC_TYPE_NONE);
          g_assert_nonnull (bdb);

          /* Finger images are 19794-4 records ("FIR"); minutiae, iris and
           * the "Test" placeholder faces are not read here. */
          record = idem_iso19794_parse (bdb, &error);
          if (idem_bir_get_biometric_type (child) == IDEM_BIOMETRIC_TYPE_FINGER &&
              g_bytes_get_size (bdb) > 4 && memcmp (g_bytes_get_data (bdb, NULL), "FIR", 4) == 0)
            {
              g_assert_no_error (error);
              n_finger_records++;
            }
        }

      g_test_message ("%s: %u records, %u finger images", name, idem_bir_get_n_children (bir), n_finger_records);
      g_assert_cmpuint (n_finger_records, >, 0);
      n_documents++;
    }

  g_assert_cmpuint (n_documents, ==, 7);
}

static void
test_latest2 (void)
{
  static const char * const subtypes[] = {
    "Right IndexFinger", "Right MiddleFinger", "Right RingFinger", "Right LittleFinger",
    "Left IndexFinger", "Left MiddleFinger", "Left RingFinger", "Left LittleFinger",
    "Right Thumb", "Left Thumb",
  };
  /* ISO finger positions of the subtypes above */
  static const guint positions[] = { 2, 3, 4, 5, 7, 8, 9, 10, 1, 6 };
  g_autofree char *path = shared_path ("biometrics", "mosip-cbeff", "schema", "createCbeffLatest2.xml", NULL);
  g_autoptr(GBytes) xml = load (path);
  g_autoptr(IdemBir) bir = read_ok (xml);
  g_autofree char *reason = NULL;

  g_assert_true (validates (xml, &reason));
  g_assert_false (idem_bir_get_integrity (bir));
  g_assert_false (idem_bir_get_version (bir, NULL, NULL));
  g_assert_cmpuint (idem_bir_get_n_children (bir), ==, 10);

  for (guint i = 0; i < 10; i++)
    {
      IdemBir *child = idem_bir_get_child (bir, i);
      g_autoptr(IdemIso19794Record) record = NULL;
      g_autofree char *date = NULL;
      const char *organization;
      const char *type;
      guint major;
      guint minor;

      g_assert_true (idem_bir_get_version (child, &major, &minor));
      g_assert_cmpuint (major, ==, 1);
      g_assert_cmpuint (minor, ==, 1);
      g_assert_true (idem_bir_get_cbeff_version (child, &major, &minor));
      g_assert_cmpuint (major, ==, 1);
      g_assert_cmpuint (minor, ==, 1);
      g_assert_cmpint (idem_bir_get_biometric_type (child), ==, IDEM_BIOMETRIC_TYPE_FINGER);
      g_assert_cmpstr (idem_bir_get_subtype (child), ==, subtypes[i]);
      g_assert_cmpint (idem_bir_get_level (child), ==, IDEM_BIR_LEVEL_RAW);
      g_assert_cmpint (idem_bir_get_purpose (child), ==, IDEM_BIR_PURPOSE_ENROLL);
      g_assert_cmpint (idem_bir_get_quality_score (child), ==, 100);
      g_assert_true (idem_bir_get_quality_algorithm (child, &organization, &type));
      g_assert_cmpstr (organization, ==, "HMAC");
      g_assert_cmpstr (type, ==, "SHA-256");
      g_assert_true (idem_bir_get_format (child, &organization, &type));
      g_assert_cmpstr (organization, ==, "257");
      g_assert_cmpstr (type, ==, "7");

      date = g_date_time_format_iso8601 (idem_bir_get_bdb_creation_date (child));
      g_assert_true (g_str_has_prefix (date, "2020-07-16T11:22:"));

      record = idem_iso19794_parse (idem_bir_get_bdb (child), NULL);
      g_assert_nonnull (record);
      g_assert_cmpuint (idem_iso19794_record_get_image (record, 0)->finger_position, ==, positions[i]);
    }
}

/* The XSD is not a rubber stamp: it refuses MOSIP's own older sample. */
static void
test_validator_refuses (void)
{
  g_autofree char *path = shared_path ("biometrics", "mosip-cbeff", "schema", "cbeff-sample.xml", NULL);
  g_autoptr(GBytes) xml = load (path);

  g_assert_false (validates (xml, NULL));
}

static void
test_packet_biometrics (void)
{
  g_autofree char *path = shared_path ("vectors", "mosip-packet", "components", "id",
                                       "individualBiometrics_bio_CBEFF.xml", NULL);
  g_autoptr(GBytes) xml = load (path);
  g_autoptr(IdemBir) bir = read_ok (xml);
  guint n_by_type[IDEM_BIOMETRIC_TYPE_EXCEPTION_PHOTO + 1] = { 0 };

  g_assert_cmpuint (idem_bir_get_n_children (bir), ==, 13);
  for (guint i = 0; i < idem_bir_get_n_children (bir); i++)
    {
      IdemBir *child = idem_bir_get_child (bir, i);
      const char *payload = idem_bir_lookup_other (child, "PAYLOAD");
      g_autoptr(IdemIso19794Record) record = NULL;
      g_autoptr(GError) error = NULL;

      n_by_type[idem_bir_get_biometric_type (child)]++;
      g_assert_cmpstr (idem_bir_lookup_other (child, "EXCEPTION"), ==, "false");
      g_assert_nonnull (payload);
      g_assert_true (g_str_has_prefix (payload, "{\"digitalId\":"));
      g_assert_nonnull (idem_bir_get_sb (child));
      g_assert_cmpint (idem_bir_get_quality_score (child), ==, 94);

      /* The BDBs are base64url.  This packet's CBEFF file was edited
       * after the packet was made (FORMAT.md §6): its finger and face
       * records were cut, and the record parser says so. */
      record = idem_iso19794_parse (idem_bir_get_bdb (child), &error);
      g_assert_null (record);
      if (idem_bir_get_biometric_type (child) == IDEM_BIOMETRIC_TYPE_FINGER)
        {
          g_assert_cmpmem (g_bytes_get_data (idem_bir_get_bdb (child), NULL), 8, "FIR\0" "020\0", 8);
          g_assert_error (error, IDEM_ISO19794_ERROR, IDEM_ISO19794_ERROR_TRUNCATED);
        }
      else if (idem_bir_get_biometric_type (child) == IDEM_BIOMETRIC_TYPE_FACE)
        {
          g_assert_null (idem_bir_get_subtype (child));
          g_assert_cmpmem (g_bytes_get_data (idem_bir_get_bdb (child), NULL), 8, "FAC\0" "030\0", 8);
          g_assert_error (error, IDEM_ISO19794_ERROR, IDEM_ISO19794_ERROR_BAD_LENGTH);
        }
    }

  g_assert_cmpuint (n_by_type[IDEM_BIOMETRIC_TYPE_FINGER], ==, 10);
  g_assert_cmpuint (n_by_type[IDEM_BIOMETRIC_TYPE_IRIS], ==, 2);
  g_assert_cmpuint (n_by_type[IDEM_BIOMETRIC_TYPE_FACE], ==, 1);
}

static GBytes *
finger_record (guint position,
               guint seed)
{
  g_autoptr(GDateTime) when = g_date_time_new_utc (2026, 11, 22, 2, 0, 0);
  g_autoptr(GError) error = NULL;
  guint8 *pixels = g_malloc (32 * 40);
  g_autoptr(GBytes) grey = NULL;
  IdemIso19794Image image = { .finger_position = position, .quality = 60 + position,
                              .width = 32, .height = 40, .bit_depth = 8,
                              .format = IDEM_BIOMETRIC_IMAGE_FORMAT_RAW };
  GBytes *record;

  for (guint i = 0; i < 32 * 40; i++)
    pixels[i] = (guint8) (i * seed + position);
  grey = g_bytes_new_take (pixels, 32 * 40);
  image.image = grey;
  record = idem_iso19794_write (IDEM_ISO19794_FINGER, &image, when, &error);
  g_assert_no_error (error);

  return record;
}

static GBytes *
face_record (const char *file)
{
  g_autofree char *path = shared_path ("biometrics", "mosip-iso-samples", "Profile", "Default",
                                       "Registration", file, NULL);
  g_autoptr(GBytes) sample = load (path);
  g_autoptr(IdemIso19794Record) parsed = idem_iso19794_parse (sample, NULL);
  g_autoptr(GDateTime) when = g_date_time_new_utc (2026, 11, 22, 2, 1, 0);
  g_autoptr(GError) error = NULL;
  GBytes *record;

  g_assert_nonnull (parsed);
  record = idem_iso19794_write (IDEM_ISO19794_FACE, idem_iso19794_record_get_image (parsed, 0), when, &error);
  g_assert_no_error (error);

  return record;
}

static void
assert_same_date (GDateTime *a,
                  GDateTime *b)
{
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_true (g_date_time_equal (a, b));
}

static void
assert_same_bir (IdemBir *a,
                 IdemBir *b)
{
  const char *organization_a, *organization_b, *type_a, *type_b;
  guint major_a = 0, minor_a = 0, major_b = 0, minor_b = 0;

  g_assert_cmpint (idem_bir_get_version (a, &major_a, &minor_a), ==, idem_bir_get_version (b, &major_b, &minor_b));
  g_assert_cmpuint (major_a, ==, major_b);
  g_assert_cmpuint (minor_a, ==, minor_b);
  g_assert_cmpint (idem_bir_get_cbeff_version (a, &major_a, &minor_a), ==, idem_bir_get_cbeff_version (b, &major_b, &minor_b));
  g_assert_cmpuint (major_a, ==, major_b);
  g_assert_cmpuint (minor_a, ==, minor_b);
  g_assert_cmpint (idem_bir_get_integrity (a), ==, idem_bir_get_integrity (b));
  g_assert_cmpstr (idem_bir_get_creator (a), ==, idem_bir_get_creator (b));
  g_assert_cmpstr (idem_bir_get_index (a), ==, idem_bir_get_index (b));
  g_assert_true ((idem_bir_get_payload (a) == NULL) == (idem_bir_get_payload (b) == NULL));
  if (idem_bir_get_payload (a) != NULL)
    g_assert_true (g_bytes_equal (idem_bir_get_payload (a), idem_bir_get_payload (b)));
  if (idem_bir_get_creation_date (a) != NULL || idem_bir_get_creation_date (b) != NULL)
    assert_same_date (idem_bir_get_creation_date (a), idem_bir_get_creation_date (b));

  g_assert_cmpint (idem_bir_get_biometric_type (a), ==, idem_bir_get_biometric_type (b));
  g_assert_cmpstr (idem_bir_get_subtype (a), ==, idem_bir_get_subtype (b));
  g_assert_cmpstr (idem_bir_get_bdb_index (a), ==, idem_bir_get_bdb_index (b));
  g_assert_cmpint (idem_bir_get_format (a, &organization_a, &type_a), ==, idem_bir_get_format (b, &organization_b, &type_b));
  if (idem_bir_get_format (a, NULL, NULL))
    {
      g_assert_cmpstr (organization_a, ==, organization_b);
      g_assert_cmpstr (type_a, ==, type_b);
    }
  if (idem_bir_get_bdb_creation_date (a) != NULL || idem_bir_get_bdb_creation_date (b) != NULL)
    assert_same_date (idem_bir_get_bdb_creation_date (a), idem_bir_get_bdb_creation_date (b));
  g_assert_cmpint (idem_bir_get_level (a), ==, idem_bir_get_level (b));
  g_assert_cmpint (idem_bir_get_purpose (a), ==, idem_bir_get_purpose (b));
  g_assert_cmpint (idem_bir_get_quality_score (a), ==, idem_bir_get_quality_score (b));
  g_assert_cmpint (idem_bir_get_quality_algorithm (a, &organization_a, &type_a), ==,
                   idem_bir_get_quality_algorithm (b, &organization_b, &type_b));
  if (idem_bir_get_quality_algorithm (a, NULL, NULL))
    {
      g_assert_cmpstr (organization_a, ==, organization_b);
      g_assert_cmpstr (type_a, ==, type_b);
    }

  g_assert_true ((idem_bir_get_bdb (a) == NULL) == (idem_bir_get_bdb (b) == NULL));
  if (idem_bir_get_bdb (a) != NULL)
    g_assert_true (g_bytes_equal (idem_bir_get_bdb (a), idem_bir_get_bdb (b)));
  g_assert_true ((idem_bir_get_sb (a) == NULL) == (idem_bir_get_sb (b) == NULL));
  if (idem_bir_get_sb (a) != NULL)
    g_assert_true (g_bytes_equal (idem_bir_get_sb (a), idem_bir_get_sb (b)));

  g_assert_cmpuint (idem_bir_get_n_others (a), ==, idem_bir_get_n_others (b));
  for (guint i = 0; i < idem_bir_get_n_others (a); i++)
    {
      const char *key_a, *key_b, *value_a, *value_b;

      idem_bir_get_nth_other (a, i, &key_a, &value_a);
      idem_bir_get_nth_other (b, i, &key_b, &value_b);
      g_assert_cmpstr (key_a, ==, key_b);
      g_assert_cmpstr (value_a, ==, value_b);
    }

  g_assert_cmpuint (idem_bir_get_n_children (a), ==, idem_bir_get_n_children (b));
  for (guint i = 0; i < idem_bir_get_n_children (a); i++)
    assert_same_bir (idem_bir_get_child (a, i), idem_bir_get_child (b, i));
}

/* Ten fingers, a face and an exception photo, as the registration client
 * will write them. */
static IdemBir *
registration_set (void)
{
  static const char * const subtypes[] = {
    "Right Thumb", "Right IndexFinger", "Right MiddleFinger", "Right RingFinger", "Right LittleFinger",
    "Left Thumb", "Left IndexFinger", "Left MiddleFinger", "Left RingFinger", "Left LittleFinger",
  };
  g_autoptr(GDateTime) created = g_date_time_new_from_iso8601 ("2026-11-22T02:03:04.123456Z", NULL);
  IdemBir *set = idem_bir_new ();

  for (guint i = 0; i < 12; i++)
    {
      g_autoptr(IdemBir) bir = idem_bir_new ();
      g_autoptr(GBytes) bdb = NULL;
      g_autoptr(GBytes) sb = NULL;
      g_autofree char *uuid = g_uuid_string_random ();
      g_autofree char *retries = g_strdup_printf ("%u", i % 3 + 1);

      idem_bir_set_version (bir, 1, 1);
      idem_bir_set_cbeff_version (bir, 1, 1);
      idem_bir_set_integrity (bir, FALSE);
      idem_bir_set_creation_date (bir, created);
      g_assert_true (idem_bir_set_bdb_index (bir, uuid));
      idem_bir_set_bdb_creation_date (bir, created);
      idem_bir_set_level (bir, IDEM_BIR_LEVEL_RAW);
      idem_bir_set_purpose (bir, IDEM_BIR_PURPOSE_ENROLL);
      idem_bir_set_quality (bir, "HMAC", "SHA-256", 70 + i);
      if (i < 10)
        {
          idem_bir_set_biometric_type (bir, IDEM_BIOMETRIC_TYPE_FINGER);
          g_assert_true (idem_bir_set_subtype (bir, subtypes[i]));
          idem_bir_set_format (bir, "Mosip", "7");
          bdb = finger_record (i + 1, 13);
        }
      else
        {
          idem_bir_set_biometric_type (bir, i == 10 ? IDEM_BIOMETRIC_TYPE_FACE : IDEM_BIOMETRIC_TYPE_EXCEPTION_PHOTO);
          idem_bir_set_format (bir, "Mosip", "8");
          bdb = face_record (i == 10 ? "Face.iso" : "Exception_Photo.iso");
        }
      idem_bir_set_bdb (bir, bdb);
      sb = g_bytes_new (uuid, strlen (uuid));
      idem_bir_set_sb (bir, sb);
      idem_bir_set_other (bir, "EXCEPTION", "false");
      idem_bir_set_other (bir, "RETRIES", retries);
      idem_bir_set_other (bir, "PAYLOAD", "{\"digitalId\":\"a<b&c>\",\"bioValue\":\"<bioValue>\"}");
      idem_bir_add_child (set, bir);
    }

  return set;
}

static void
test_write_round_trip (void)
{
  g_autoptr(IdemBir) set = registration_set ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) xml = idem_cbeff_write (set, &error);
  g_autoptr(IdemBir) read_back = NULL;
  g_autoptr(GBytes) rewritten = NULL;
  g_autofree char *reason = NULL;

  g_assert_no_error (error);
  if (!validates (xml, &reason))
    g_error ("the written document does not validate: %s", reason);

  read_back = read_ok (xml);
  assert_same_bir (set, read_back);
  g_assert_cmpint (idem_bir_get_biometric_type (idem_bir_get_child (read_back, 11)), ==,
                   IDEM_BIOMETRIC_TYPE_EXCEPTION_PHOTO);

  /* Writing what was read gives the same document. */
  rewritten = idem_cbeff_write (read_back, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (xml, rewritten));
}

static void
test_write_everything (void)
{
  g_autoptr(IdemBir) set = idem_bir_new ();
  g_autoptr(IdemBir) child = idem_bir_new ();
  g_autoptr(IdemBir) grandchild = idem_bir_new ();
  g_autoptr(GBytes) payload = g_bytes_new_static ("\0\1\2\3\4", 5);
  g_autoptr(GBytes) bdb = finger_record (3, 5);
  g_autoptr(GDateTime) created = g_date_time_new_from_iso8601 ("2026-01-02T03:04:05+02:00", NULL);
  g_autoptr(GDateTime) early = g_date_time_new_utc (226, 11, 22, 2, 0, 0.5);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) xml = NULL;
  g_autoptr(IdemBir) read_back = NULL;
  g_autofree char *reason = NULL;

  idem_bir_set_version (set, 2, 0);
  idem_bir_set_creator (set, "Idem <registration> & co");
  g_assert_true (idem_bir_set_index (set, "0d5f2b7c-1a2b-4c3d-8e9f-a0b1c2d3e4f5"));
  g_assert_false (idem_bir_set_index (set, "not-a-uuid"));
  idem_bir_set_payload (set, payload);
  idem_bir_set_integrity (set, TRUE);
  idem_bir_set_creation_date (set, created);
  idem_bir_set_other (set, "CONSENT", "yes");

  /* A year before 1000 keeps its four digits (found by fuzzing). */
  idem_bir_set_bdb_creation_date (child, early);
  idem_bir_set_biometric_type (child, IDEM_BIOMETRIC_TYPE_IRIS);
  g_assert_true (idem_bir_set_subtype (child, "Left"));
  g_assert_false (idem_bir_set_subtype (child, "Left Toe"));
  g_assert_cmpstr (idem_bir_get_subtype (child), ==, "Left");
  idem_bir_set_purpose (child, IDEM_BIR_PURPOSE_ENROLL_IDENTIFY);
  idem_bir_set_level (child, IDEM_BIR_LEVEL_PROCESSED);
  idem_bir_set_quality (child, "257", "1", -1);
  idem_bir_set_bdb (child, bdb);
  idem_bir_add_child (set, child);

  idem_bir_set_biometric_type (grandchild, IDEM_BIOMETRIC_TYPE_FINGER);
  g_assert_true (idem_bir_set_subtype (grandchild, "LeftVein Palm"));
  idem_bir_set_bdb (grandchild, bdb);
  idem_bir_set_other (grandchild, "EXCEPTION", "false");
  idem_bir_add_child (child, grandchild);

  xml = idem_cbeff_write (set, &error);
  g_assert_no_error (error);
  if (!validates (xml, &reason))
    g_error ("the written document does not validate: %s", reason);
  read_back = read_ok (xml);
  assert_same_bir (set, read_back);
  g_assert_cmpint (idem_bir_get_quality_score (idem_bir_get_child (read_back, 0)), ==, -1);
}

static void
test_write_incomplete (void)
{
  g_autoptr(IdemBir) set = idem_bir_new ();
  g_autoptr(IdemBir) child = idem_bir_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) xml = NULL;

  idem_bir_set_quality (child, NULL, NULL, 50);
  idem_bir_add_child (set, child);
  xml = idem_cbeff_write (set, &error);
  g_assert_error (error, IDEM_CBEFF_ERROR, IDEM_CBEFF_ERROR_INCOMPLETE);
  g_assert_null (xml);
  g_clear_error (&error);

  /* Nesting deeper than the reader accepts is not written either. */
  {
    g_autoptr(IdemBir) top = idem_bir_new ();
    IdemBir *parent = top;

    for (guint i = 0; i < IDEM_CBEFF_MAX_DEPTH + 1; i++)
      {
        g_autoptr(IdemBir) nested = idem_bir_new ();

        idem_bir_add_child (parent, nested);
        parent = nested;
      }
    xml = idem_cbeff_write (top, &error);
    g_assert_error (error, IDEM_CBEFF_ERROR, IDEM_CBEFF_ERROR_TOO_LARGE);
    g_assert_null (xml);
  }
}

static void
test_legacy_forms (void)
{
  static const char xml[] =
    "<BIR xmlns=\"http://docs.oasis-open.org/bias/ns/biaspatronformat-1.0/\">"
    " <BIRInfo><Integrity>0</Integrity></BIRInfo>"
    " <BIR>"
    "  <t:Extra xmlns:t=\"testschema\">ignored</t:Extra>"
    "  <CBEFFVersion><Major>1</Major></CBEFFVersion>"
    "  <BIRInfo><Integrity>1</Integrity></BIRInfo>"
    "  <BDBInfo><FormatOwner>257</FormatOwner><FormatType>7</FormatType>"
    "   <CreationDate>2019-01-03T10:22:18.043+05:30</CreationDate>"
    "   <Type>Finger</Type><Subtype>  Right\n IndexFinger </Subtype><Quality>95</Quality></BDBInfo>"
    "  <BDB>-_-_</BDB>"
    "  <Others><Key>EXCEPTION</Key><Value>false</Value></Others>"
    "  <Others><Key>RETRIES</Key><Value>2</Value></Others>"
    " </BIR>"
    "</BIR>";
  g_autoptr(GBytes) bytes = g_bytes_new_static (xml, sizeof xml - 1);
  g_autoptr(IdemBir) bir = read_ok (bytes);
  IdemBir *child = idem_bir_get_child (bir, 0);
  g_autoptr(GDateTime) expected = g_date_time_new_from_iso8601 ("2019-01-03T04:52:18.043Z", NULL);
  const char *organization;
  const char *type;
  const guint8 *bdb;
  gsize size;

  g_assert_true (idem_bir_get_integrity (child));
  g_assert_false (idem_bir_get_cbeff_version (child, NULL, NULL));
  g_assert_true (idem_bir_get_format (child, &organization, &type));
  g_assert_cmpstr (organization, ==, "257");
  g_assert_cmpstr (type, ==, "7");
  g_assert_cmpstr (idem_bir_get_subtype (child), ==, "Right IndexFinger");
  g_assert_cmpint (idem_bir_get_quality_score (child), ==, 95);
  g_assert_false (idem_bir_get_quality_algorithm (child, NULL, NULL));
  assert_same_date (idem_bir_get_bdb_creation_date (child), expected);
  g_assert_cmpuint (idem_bir_get_n_others (child), ==, 2);
  g_assert_cmpstr (idem_bir_lookup_other (child, "RETRIES"), ==, "2");

  /* "-_-_" is base64url for FB FF BF */
  bdb = g_bytes_get_data (idem_bir_get_bdb (child), &size);
  g_assert_cmpuint (size, ==, 3);
  g_assert_cmpuint (bdb[0], ==, 0xFB);
  g_assert_cmpuint (bdb[1], ==, 0xFF);
  g_assert_cmpuint (bdb[2], ==, 0xBF);
}

#define CAPTURE(bdb_info, body) \
  "<BIR " NS "><BIRInfo><Integrity>false</Integrity></BIRInfo><BIR>" \
  "<BIRInfo><Integrity>false</Integrity></BIRInfo><BDBInfo>" bdb_info "</BDBInfo>" body "</BIR></BIR>"

static void
test_damaged (void)
{
  g_autoptr(IdemBir) set = registration_set ();
  g_autoptr(GBytes) xml = idem_cbeff_write (set, NULL);
  gsize size = g_bytes_get_size (xml);

  /* Cut anywhere, the document is malformed. */
  for (gsize cut = 1; cut < size; cut += size / 37)
    {
      g_autoptr(GBytes) prefix = g_bytes_new_from_bytes (xml, 0, cut);
      g_autoptr(GError) error = NULL;
      g_autoptr(IdemBir) bir = idem_cbeff_read (prefix, &error);

      g_assert_error (error, IDEM_CBEFF_ERROR, IDEM_CBEFF_ERROR_MALFORMED_XML);
      g_assert_null (bir);
    }

  assert_read_error ("", IDEM_CBEFF_ERROR_MALFORMED_XML);
  assert_read_error ("<BIR " NS "><BIRInfo>", IDEM_CBEFF_ERROR_MALFORMED_XML);
  assert_read_error ("<BIR><BIRInfo><Integrity>false</Integrity></BIRInfo></BIR>", IDEM_CBEFF_ERROR_NOT_CBEFF);
  assert_read_error ("<html " NS "/>", IDEM_CBEFF_ERROR_NOT_CBEFF);
  assert_read_error ("<BIR " NS "/>", IDEM_CBEFF_ERROR_MISSING_ELEMENT);
  assert_read_error ("<BIR " NS "><BIRInfo/></BIR>", IDEM_CBEFF_ERROR_MISSING_ELEMENT);
  assert_read_error ("<BIR " NS "><BIRInfo><Integrity>maybe</Integrity></BIRInfo></BIR>", IDEM_CBEFF_ERROR_BAD_VALUE);

  /* Missing data block, unless the capture is an exception */
  assert_read_error (CAPTURE ("<Type>Finger</Type>", ""), IDEM_CBEFF_ERROR_MISSING_ELEMENT);
  assert_read_error (CAPTURE ("<Type>Finger</Type>", "<BDB></BDB>"), IDEM_CBEFF_ERROR_MISSING_ELEMENT);
  {
    static const char exception[] = CAPTURE ("<Type>Finger</Type>", "<others><entry key=\"EXCEPTION\">true</entry></others>");
    g_autoptr(GBytes) bytes = g_bytes_new_static (exception, sizeof exception - 1);
    g_autoptr(IdemBir) bir = read_ok (bytes);

    g_assert_null (idem_bir_get_bdb (idem_bir_get_child (bir, 0)));
  }

  /* Base64 */
  assert_read_error (CAPTURE ("<Type>Finger</Type>", "<BDB>AAAA*AAA</BDB>"), IDEM_CBEFF_ERROR_BAD_BASE64);
  assert_read_error (CAPTURE ("<Type>Finger</Type>", "<BDB>AAAA\xc3\xa9</BDB>"), IDEM_CBEFF_ERROR_BAD_BASE64);
  assert_read_error (CAPTURE ("<Type>Finger</Type>", "<BDB>AA=A</BDB>"), IDEM_CBEFF_ERROR_BAD_BASE64);
  assert_read_error (CAPTURE ("<Type>Finger</Type>", "<BDB>AAAAA=</BDB>"), IDEM_CBEFF_ERROR_BAD_BASE64);
  assert_read_error (CAPTURE ("<Type>Finger</Type>", "<BDB>AAA===</BDB>"), IDEM_CBEFF_ERROR_BAD_BASE64);
  assert_read_error (CAPTURE ("<Type>Finger</Type>", "<SB>%%</SB><BDB>AAAA</BDB>"), IDEM_CBEFF_ERROR_BAD_BASE64);

  /* Values */
  assert_read_error (CAPTURE ("<Type>Finger Toe</Type>", "<BDB>AAAA</BDB>"), IDEM_CBEFF_ERROR_BAD_VALUE);
  assert_read_error (CAPTURE ("<Type>Voice</Type>", "<BDB>AAAA</BDB>"), IDEM_CBEFF_ERROR_BAD_VALUE);
  assert_read_error (CAPTURE ("<Subtype>Left Toe</Subtype>", "<BDB>AAAA</BDB>"), IDEM_CBEFF_ERROR_BAD_VALUE);
  assert_read_error (CAPTURE ("<Level>Cooked</Level>", "<BDB>AAAA</BDB>"), IDEM_CBEFF_ERROR_BAD_VALUE);
  assert_read_error (CAPTURE ("<Purpose>Sell</Purpose>", "<BDB>AAAA</BDB>"), IDEM_CBEFF_ERROR_BAD_VALUE);
  assert_read_error (CAPTURE ("<Index>123</Index>", "<BDB>AAAA</BDB>"), IDEM_CBEFF_ERROR_BAD_VALUE);
  assert_read_error (CAPTURE ("<CreationDate>yesterday</CreationDate>", "<BDB>AAAA</BDB>"), IDEM_CBEFF_ERROR_BAD_VALUE);
  assert_read_error (CAPTURE ("<Quality>101</Quality>", "<BDB>AAAA</BDB>"), IDEM_CBEFF_ERROR_BAD_VALUE);
  assert_read_error (CAPTURE ("<Quality><Algorithm><Organization>a</Organization><Type>b</Type></Algorithm>"
                              "<Score>-1</Score></Quality>", "<BDB>AAAA</BDB>"), IDEM_CBEFF_ERROR_BAD_VALUE);
  assert_read_error (CAPTURE ("<Quality><Score>50</Score></Quality>", "<BDB>AAAA</BDB>"), IDEM_CBEFF_ERROR_MISSING_ELEMENT);
  assert_read_error (CAPTURE ("<Format><Type>7</Type></Format>", "<BDB>AAAA</BDB>"), IDEM_CBEFF_ERROR_MISSING_ELEMENT);
  assert_read_error (CAPTURE ("<Type>Face</Type>", "<BDB>AAAA</BDB><others><entry>x</entry></others>"),
                     IDEM_CBEFF_ERROR_MISSING_ELEMENT);
  assert_read_error (CAPTURE ("<Type>Face</Type>", "<BDB>AAAA</BDB><Others><Key>x</Key></Others>"),
                     IDEM_CBEFF_ERROR_MISSING_ELEMENT);
}

static void
test_too_large (void)
{
  g_autoptr(GString) many = g_string_new ("<BIR " NS "><BIRInfo><Integrity>false</Integrity></BIRInfo>");
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GString) others = g_string_new (CAPTURE ("<Type>Face</Type>", "<BDB>AAAA</BDB><others>"));
  gsize huge_size = IDEM_CBEFF_MAX_DOCUMENT_SIZE + 1;
  g_autoptr(GBytes) huge = g_bytes_new_take (g_malloc0 (huge_size), huge_size);
  g_autoptr(GError) error = NULL;
  g_autoptr(IdemBir) bir = NULL;

  for (guint i = 0; i < IDEM_CBEFF_MAX_BIRS + 1; i++)
    g_string_append (many, "<BIR><BIRInfo><Integrity>false</Integrity></BIRInfo></BIR>");
  g_string_append (many, "</BIR>");
  assert_read_error (many->str, IDEM_CBEFF_ERROR_TOO_LARGE);

  for (guint i = 0; i < IDEM_CBEFF_MAX_DEPTH + 2; i++)
    g_string_append (deep, "<BIR " NS "><BIRInfo><Integrity>false</Integrity></BIRInfo>");
  for (guint i = 0; i < IDEM_CBEFF_MAX_DEPTH + 2; i++)
    g_string_append (deep, "</BIR>");
  assert_read_error (deep->str, IDEM_CBEFF_ERROR_TOO_LARGE);

  g_string_truncate (others, others->len - strlen ("</BIR></BIR>"));
  for (guint i = 0; i < IDEM_CBEFF_MAX_OTHERS + 1; i++)
    g_string_append_printf (others, "<entry key=\"k%u\">v</entry>", i);
  g_string_append (others, "</others></BIR></BIR>");
  assert_read_error (others->str, IDEM_CBEFF_ERROR_TOO_LARGE);

  bir = idem_cbeff_read (huge, &error);
  g_assert_error (error, IDEM_CBEFF_ERROR, IDEM_CBEFF_ERROR_TOO_LARGE);
  g_assert_null (bir);
}

/* An external entity naming a file must not read it. */
static void
test_xxe (void)
{
  g_autofree char *directory = g_dir_make_tmp ("idem-cbeff-XXXXXX", NULL);
  g_autofree char *secret_path = g_build_filename (directory, "secret", NULL);
  g_autofree char *xml = NULL;
  g_autofree char *parameter_xml = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (secret_path, "Left", -1, NULL));
  xml = g_strdup_printf ("<?xml version=\"1.0\"?>\n"
                         "<!DOCTYPE BIR [ <!ENTITY xxe SYSTEM \"file://%s\"> ]>\n"
                         "<BIR " NS "><BIRInfo><Integrity>false</Integrity></BIRInfo>"
                         "<others><entry key=\"leak\">&xxe;</entry></others></BIR>", secret_path);
  error = read_error (xml);
  g_assert_error (error, IDEM_CBEFF_ERROR, IDEM_CBEFF_ERROR_UNSAFE_XML);
  g_clear_error (&error);

  parameter_xml = g_strdup_printf ("<!DOCTYPE BIR SYSTEM \"file://%s\">"
                                   "<BIR " NS "><BIRInfo><Integrity>false</Integrity></BIRInfo></BIR>",
                                   secret_path);
  error = read_error (parameter_xml);
  g_assert_error (error, IDEM_CBEFF_ERROR, IDEM_CBEFF_ERROR_UNSAFE_XML);
  g_clear_error (&error);

  /* And no entity is resolved without a DTD either. */
  error = read_error ("<BIR " NS "><BIRInfo><Integrity>&xxe;</Integrity></BIRInfo></BIR>");
  g_assert_error (error, IDEM_CBEFF_ERROR, IDEM_CBEFF_ERROR_MALFORMED_XML);

  g_assert_cmpint (g_remove (secret_path), ==, 0);
  g_assert_cmpint (g_rmdir (directory), ==, 0);
}

static void
test_billion_laughs (void)
{
  g_autoptr(GString) xml = g_string_new ("<?xml version=\"1.0\"?>\n<!DOCTYPE BIR [\n"
                                         "<!ENTITY lol0 \"lollollollollollollollollollol\">\n");
  g_autoptr(GTimer) timer = g_timer_new ();
  g_autoptr(GError) error = NULL;

  for (guint i = 1; i < 10; i++)
    {
      g_string_append_printf (xml, "<!ENTITY lol%u \"", i);
      for (guint j = 0; j < 10; j++)
        g_string_append_printf (xml, "&lol%u;", i - 1);
      g_string_append (xml, "\">\n");
    }
  g_string_append (xml, "]>\n<BIR " NS "><BIRInfo><Integrity>false</Integrity></BIRInfo>"
                   "<others><entry key=\"x\">&lol9;</entry></others></BIR>");

  error = read_error (xml->str);
  g_assert_error (error, IDEM_CBEFF_ERROR, IDEM_CBEFF_ERROR_UNSAFE_XML);
  g_assert_cmpfloat (g_timer_elapsed (timer, NULL), <, 0.5);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cbeff/mosip-samples", test_mosip_samples);
  g_test_add_func ("/cbeff/latest2", test_latest2);
  g_test_add_func ("/cbeff/validator-refuses", test_validator_refuses);
  g_test_add_func ("/cbeff/packet-biometrics", test_packet_biometrics);
  g_test_add_func ("/cbeff/write-round-trip", test_write_round_trip);
  g_test_add_func ("/cbeff/write-everything", test_write_everything);
  g_test_add_func ("/cbeff/write-incomplete", test_write_incomplete);
  g_test_add_func ("/cbeff/legacy-forms", test_legacy_forms);
  g_test_add_func ("/cbeff/damaged", test_damaged);
  g_test_add_func ("/cbeff/too-large", test_too_large);
  g_test_add_func ("/cbeff/xxe", test_xxe);
  g_test_add_func ("/cbeff/billion-laughs", test_billion_laughs);

  return g_test_run ();
}
