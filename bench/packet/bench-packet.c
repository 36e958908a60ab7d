/* bench-packet.c — how fast registration packets are sealed and opened, on one core
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A realistic registration: ten fingerprints and a face in one CBEFF file
 * (random bytes standing for the JPEG 2000 images, base64 inside the XML as
 * MOSIP stores them) and two scanned documents, for a packet of about 1 MB
 * and one of about 4 MB.  "Seal" is the whole writer: build the sub-packet
 * zips, sign each with RSA-2048, encrypt them and the container.  "Open" is
 * the whole reader with the declared hash and size: hash, decrypt, verify
 * three signatures, unzip, check every hash file and validate the identity
 * against MOSIP's sample ID schema.  Rates are per second of the thread's
 * own CPU time.  It also measures what DEFLATE would buy on the CBEFF file,
 * the reason the writer stores it.
 *
 *   bench-packet [--seconds S]
 */

#include "config.h"

#include <idem.h>
#include <idem-openssl-types.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

static double seconds = 1.0;

typedef gboolean (*BenchFunc) (gpointer data);

static double
thread_cpu_seconds (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);

  return (double) now.tv_sec + (double) now.tv_nsec / 1e9;
}

static double
measure (BenchFunc func,
         gpointer  data)
{
  gint64 start;
  double cpu_start;
  guint64 count = 0;

  if (!func (data))
    g_error ("The benchmarked operation failed");

  start = g_get_monotonic_time ();
  cpu_start = thread_cpu_seconds ();
  do
    {
      if (!func (data))
        g_error ("The benchmarked operation failed");
      count++;
    }
  while (g_get_monotonic_time () - start < (gint64) (seconds * G_USEC_PER_SEC));

  return (double) count / (thread_cpu_seconds () - cpu_start);
}

typedef struct
{
  IdemIdSchema *schema;
  EVP_PKEY     *encryption_key;
  EVP_PKEY     *machine_key;
  guint8        thumbprint[IDEM_MOSIP_THUMBPRINT_SIZE];
  GBytes       *cbeff;
  GBytes       *documents[2];
  GBytes       *sealed;
  char         *hash;
  gboolean      check_declared;
} Job;

static GBytes *
random_bytes (gsize length)
{
  guint8 *data = g_malloc (length);

  if (!idem_crypto_random_bytes (data, length, NULL))
    g_error ("No random bytes");
  return g_bytes_new_take (data, length);
}

/* Ten fingers and a face, as CBEFF BIRs around base64 image bytes. */
static GBytes *
make_cbeff (gsize finger_size,
            gsize face_size)
{
  static const char * const fingers[] = { "Left IndexFinger", "Left MiddleFinger", "Left RingFinger",
                                          "Left LittleFinger", "Left Thumb", "Right IndexFinger",
                                          "Right MiddleFinger", "Right RingFinger", "Right LittleFinger",
                                          "Right Thumb" };
  GString *xml = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                               "<BIR xmlns=\"http://standards.iso.org/iso-iec/19785/-3/ed-2/\">\n"
                               "<BIRInfo><Integrity>false</Integrity></BIRInfo>\n");

  for (guint i = 0; i <= G_N_ELEMENTS (fingers); i++)
    {
      gboolean face = i == G_N_ELEMENTS (fingers);
      g_autoptr(GBytes) image = random_bytes (face ? face_size : finger_size);
      g_autofree char *base64 = g_base64_encode (g_bytes_get_data (image, NULL), g_bytes_get_size (image));

      g_string_append_printf (xml,
                              "<BIR><Version><Major>1</Major><Minor>1</Minor></Version>"
                              "<BDBInfo><Format><Organization>Mosip</Organization><Type>%s</Type></Format>"
                              "<CreationDate>2022-01-28T22:36:18.105Z</CreationDate>"
                              "<Type>%s</Type><Subtype>%s</Subtype><Level>Raw</Level><Purpose>Enroll</Purpose>"
                              "<Quality><Score>80</Score></Quality></BDBInfo>"
                              "<BDB>%s</BDB></BIR>\n",
                              face ? "8" : "7", face ? "Face" : "Finger", face ? "" : fingers[i], base64);
    }
  g_string_append (xml, "</BIR>\n");

  return g_string_free_to_bytes (xml);
}

static JsonNode *
language_value (const char *text)
{
  g_autofree char *json = g_strdup_printf ("[{\"language\":\"eng\",\"value\":\"%s\"},{\"language\":\"fra\",\"value\":\"%s\"}]",
                                           text, text);
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (!json_parser_load_from_data (parser, json, -1, NULL))
    g_error ("Bad JSON");
  return json_node_copy (json_parser_get_root (parser));
}

static gboolean
seal_cb (gpointer data)
{
  Job *job = data;
  g_autoptr(IdemPacketWriter) writer = idem_packet_writer_new ("10001100771006920220128223618", "10001", "10077",
                                                               IDEM_PACKET_PROCESS_NEW);
  g_autoptr(JsonArray) audits = json_array_new ();
  g_autoptr(GError) error = NULL;
  const char *simple[] = { "fullName", "gender", "city", "province", "region", "zone",
                           "addressLine1", "addressLine2", "addressLine3" };

  idem_packet_writer_set_schema (writer, job->schema);
  idem_packet_writer_set_signing_key (writer, job->machine_key);
  idem_packet_writer_set_encryption_key (writer, job->encryption_key, job->thumbprint);
  for (guint i = 0; i < G_N_ELEMENTS (simple); i++)
    {
      g_autoptr(JsonNode) value = language_value ("Kenitra Avenue");

      idem_packet_writer_set_value (writer, simple[i], value);
    }
  idem_packet_writer_set_value_string (writer, "dateOfBirth", "1988/03/14");
  idem_packet_writer_set_value_string (writer, "postalCode", "14000");
  idem_packet_writer_set_value_string (writer, "phone", "0612345678");
  idem_packet_writer_set_value_string (writer, "email", "amina.benali@example.org");
  idem_packet_writer_add_document (writer, "proofOfIdentity", "DOC001", "pdf", NULL, job->documents[0]);
  idem_packet_writer_add_document (writer, "proofOfAddress", "RNC", "pdf", NULL, job->documents[1]);
  idem_packet_writer_add_biometrics (writer, "individualBiometrics", job->cbeff);
  for (guint i = 0; i < 20; i++)
    json_array_add_string_element (audits, "{\"eventId\":\"REG-EVT-066\",\"description\":\"Packet created\"}");
  idem_packet_writer_set_audits (writer, audits);

  g_clear_pointer (&job->sealed, g_bytes_unref);
  job->sealed = idem_packet_writer_seal (writer, &error);
  if (job->sealed == NULL)
    {
      g_printerr ("%s\n", error->message);
      return FALSE;
    }
  g_free (job->hash);
  job->hash = g_strdup (idem_packet_writer_get_packet_hash (writer));

  return TRUE;
}

static gboolean
open_cb (gpointer data)
{
  Job *job = data;
  g_autoptr(IdemPacketReader) reader = idem_packet_reader_new ();
  g_autoptr(GError) error = NULL;

  if (job->check_declared)
    idem_packet_reader_set_declared (reader, job->hash, g_bytes_get_size (job->sealed));
  idem_packet_reader_set_decryption_key (reader, job->encryption_key, job->thumbprint);
  idem_packet_reader_set_signing_key (reader, job->machine_key);
  idem_packet_reader_set_schema (reader, job->schema);
  if (!idem_packet_reader_open (reader, job->sealed, &error))
    {
      g_printerr ("%s\n", error->message);
      return FALSE;
    }

  return TRUE;
}

static void
deflate_figures (GBytes *cbeff)
{
  gsize length = g_bytes_get_size (cbeff);
  uLongf compressed_length = compressBound (length);
  g_autofree Bytef *compressed = g_malloc (compressed_length);
  g_autofree Bytef *restored = g_malloc (length);
  uLongf restored_length = length;
  double start;
  guint rounds = 0;

  if (compress2 (compressed, &compressed_length, g_bytes_get_data (cbeff, NULL), length, Z_DEFAULT_COMPRESSION) != Z_OK)
    g_error ("compress2 failed");
  start = thread_cpu_seconds ();
  do
    {
      restored_length = length;
      if (uncompress (restored, &restored_length, compressed, compressed_length) != Z_OK)
        g_error ("uncompress failed");
      rounds++;
    }
  while (thread_cpu_seconds () - start < seconds / 4);

  g_print ("  DEFLATE would shrink the CBEFF file to %.0f %% and cost %.2f ms to inflate on each open\n",
           100.0 * compressed_length / length, 1000.0 * (thread_cpu_seconds () - start) / rounds);
}

static void
run (const char *label,
     Job        *job,
     gsize       finger_size,
     gsize       face_size,
     gsize       document_size)
{
  double seal_rate, open_rate, open_undeclared_rate;

  job->cbeff = make_cbeff (finger_size, face_size);
  job->documents[0] = random_bytes (document_size);
  job->documents[1] = random_bytes (document_size);

  seal_rate = measure (seal_cb, job);
  job->check_declared = TRUE;
  open_rate = measure (open_cb, job);
  job->check_declared = FALSE;
  open_undeclared_rate = measure (open_cb, job);

  g_print ("%s packet (%.2f MB): seal %.1f packets/s, open %.1f packets/s (%.1f MB/s)\n",
           label, g_bytes_get_size (job->sealed) / 1e6, seal_rate, open_rate,
           open_rate * g_bytes_get_size (job->sealed) / 1e6);
  /* Intake checks the declared hash once when the packet arrives; the
   * pipeline's later opens need not repeat it. */
  g_print ("  open without the declared hash (checked at intake): %.1f packets/s\n", open_undeclared_rate);
  deflate_figures (job->cbeff);

  g_clear_pointer (&job->cbeff, g_bytes_unref);
  g_clear_pointer (&job->documents[0], g_bytes_unref);
  g_clear_pointer (&job->documents[1], g_bytes_unref);
  g_clear_pointer (&job->sealed, g_bytes_unref);
  g_clear_pointer (&job->hash, g_free);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *schema_path = NULL;
  g_autoptr(GFile) schema_file = NULL;
  Job job = { 0 };
  const char *shared = g_getenv ("IDEM_SHARED_DIR");

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--seconds") && i + 1 < argc)
        seconds = g_ascii_strtod (argv[++i], NULL);
      else
        {
          g_printerr ("usage: bench-packet [--seconds S]\n");
          return 2;
        }
    }
  if (shared == NULL)
    {
      g_printerr ("bench-packet: set IDEM_SHARED_DIR to the shared test data\n");
      return 2;
    }

  schema_path = g_build_filename (shared, "vectors", "mosip-packet", "id-schema-sample.json", NULL);
  schema_file = g_file_new_for_path (schema_path);
  job.schema = idem_id_schema_new_from_file (schema_file, &error);
  if (job.schema == NULL)
    g_error ("%s", error->message);
  job.encryption_key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_RSA, 2048, NULL);
  job.machine_key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_RSA, 2048, NULL);
  if (!idem_crypto_random_bytes (job.thumbprint, sizeof job.thumbprint, NULL))
    g_error ("No random bytes");

  /* 10 × 45 kB + 120 kB of images, base64: 0.76 MB; documents 2 × 110 kB */
  run ("1 MB", &job, 45000, 120000, 110000);
  /* 10 × 180 kB + 600 kB of images, base64: 3.2 MB; documents 2 × 400 kB */
  run ("4 MB", &job, 180000, 600000, 400000);

  g_clear_object (&job.schema);
  EVP_PKEY_free (job.encryption_key);
  EVP_PKEY_free (job.machine_key);

  return 0;
}
