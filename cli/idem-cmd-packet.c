/* idem-cmd-packet.c — idem packet inspect: what a registration packet holds
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * For auditors and integrators: opens a MOSIP 1.2 packet with the centre
 * machine's packet key, verifies it as the server would, and prints its
 * structure, the SHA-256 of every file, the signature status, the decrypted
 * ID.json, and the first check that failed.
 */

#define G_LOG_DOMAIN "idem-cli"

#include "config.h"

#include "idem-cli.h"

#include <idem.h>
#include "idem-openssl-types.h"
#include "idem-packet-zip.h"

#include <glib/gi18n.h>
#include <openssl/pem.h>
#include <string.h>

static char *key_path;
static char *machine_key_path;
static gboolean plaintext_subpackets;

static const GOptionEntry inspect_options[] = {
  { "key", 'k', 0, G_OPTION_ARG_FILENAME, &key_path, N_("The packet decryption private key (PEM)"), N_("PEM") },
  { "machine-key", 'm', 0, G_OPTION_ARG_FILENAME, &machine_key_path, N_("The registration machine's public signing key, certificate or key pair (PEM)"), N_("PEM") },
  { "plaintext-subpackets", 0, 0, G_OPTION_ARG_NONE, &plaintext_subpackets, N_("Read a packet whose layers are not encrypted, like MOSIP's documentation sample (a file or a folder)"), NULL },
  { NULL }
};

/* Any PEM that holds the machine's public key: a public key, a
 * certificate, or the key pair itself. */
static EVP_PKEY *
read_public_key (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length;
  EVP_PKEY *key = NULL;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return NULL;

  {
    g_autoptr(BIO) bio = BIO_new_mem_buf (contents, length);

    key = PEM_read_bio_PUBKEY (bio, NULL, NULL, NULL);
  }
  if (key == NULL)
    {
      g_autoptr(BIO) bio = BIO_new_mem_buf (contents, length);
      g_autoptr(X509) certificate = PEM_read_bio_X509 (bio, NULL, NULL, NULL);

      if (certificate != NULL)
        key = X509_get_pubkey (certificate);
    }
  if (key == NULL)
    {
      g_autoptr(BIO) bio = BIO_new_mem_buf (contents, length);

      key = PEM_read_bio_PrivateKey (bio, NULL, NULL, NULL);
    }

  return key;
}

static EVP_PKEY *
read_private_key (const char *path)
{
  g_autofree char *contents = NULL;
  g_autoptr(BIO) bio = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return NULL;
  bio = BIO_new_mem_buf (contents, length);

  return PEM_read_bio_PrivateKey (bio, NULL, NULL, NULL);
}

static void
add_folder (IdemZipWriter *writer,
            const char    *root,
            const char    *relative,
            gboolean      *ok)
{
  g_autofree char *path = g_build_filename (root, relative, NULL);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    {
      *ok = FALSE;
      return;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = relative[0] != '\0' ? g_strconcat (relative, "/", name, NULL) : g_strdup (name);
      g_autofree char *child_path = g_build_filename (root, child, NULL);
      g_autoptr(GBytes) bytes = NULL;
      char *contents;
      gsize length;

      if (g_file_test (child_path, G_FILE_TEST_IS_DIR))
        {
          add_folder (writer, root, child, ok);
          continue;
        }
      if (!g_file_get_contents (child_path, &contents, &length, NULL))
        {
          *ok = FALSE;
          continue;
        }
      bytes = g_bytes_new_take (contents, length);
      if (!idem_zip_writer_add (writer, child, bytes, IDEM_ZIP_STORED, NULL))
        *ok = FALSE;
    }
}

/* The unpacked documentation sample is a folder holding
 * REGISTRATION_CLIENT/<PROCESS>/…: read as the container it was. */
static GBytes *
read_input (const char *path)
{
  g_autoptr(GMappedFile) file = NULL;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(IdemZipWriter) writer = idem_zip_writer_new ();
      gboolean ok = TRUE;

      add_folder (writer, path, "", &ok);
      return ok ? idem_zip_writer_finish (writer) : NULL;
    }

  file = g_mapped_file_new (path, FALSE, NULL);
  return file != NULL ? g_mapped_file_get_bytes (file) : NULL;
}

static const char *
describe_check (IdemPacketCheck check)
{
  switch (check)
    {
    case IDEM_PACKET_CHECK_PASSED:
      return _("verified");
    case IDEM_PACKET_CHECK_FAILED:
      return _("FAILED");
    case IDEM_PACKET_CHECK_NOT_DONE:
    default:
      return _("not checked");
    }
}

static void
print_subpacket (IdemPacketSubpacket *subpacket)
{
  JsonObject *identity = idem_packet_subpacket_get_identity (subpacket);

  /* TRANSLATORS: "Sub-packet id: REGISTRATION_CLIENT/NEW/…_id.zip" */
  g_print (_("Sub-packet %s: %s\n"), idem_packet_subpacket_get_name (subpacket),
           idem_packet_subpacket_get_container_name (subpacket));
  g_print ("  %-18s %s\n", _("Signature:"), describe_check (idem_packet_subpacket_get_signature_check (subpacket)));
  g_print ("  %-18s %s\n", _("Encrypted hash:"), describe_check (idem_packet_subpacket_get_encrypted_hash_check (subpacket)));
  g_print ("  %-18s %s\n", _("Data hash:"), describe_check (idem_packet_subpacket_get_data_hash_check (subpacket)));
  g_print ("  %-18s %s\n", _("Operations hash:"), describe_check (idem_packet_subpacket_get_operations_hash_check (subpacket)));

  if (idem_packet_subpacket_get_n_files (subpacket) > 0)
    g_print ("  %s\n", _("Files (SHA-256, bytes, name):"));
  for (guint i = 0; i < idem_packet_subpacket_get_n_files (subpacket); i++)
    {
      const char *name = idem_packet_subpacket_get_file_name (subpacket, i);
      GBytes *bytes = idem_packet_subpacket_get_file (subpacket, name);
      g_autofree char *hash = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
      g_autofree char *upper = g_ascii_strup (hash, -1);

      g_print ("    %s %9lu %s\n", upper, (gulong) g_bytes_get_size (bytes), name);
    }

  if (identity != NULL)
    {
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), identity);
      g_autofree char *text = NULL;
      g_auto(GStrv) lines = NULL;

      json_generator_set_pretty (generator, TRUE);
      json_generator_set_indent (generator, 2);
      json_generator_set_root (generator, node);
      text = json_generator_to_data (generator, NULL);
      lines = g_strsplit (text, "\n", -1);
      g_print ("  %s\n", _("ID.json identity:"));
      for (guint i = 0; lines[i] != NULL; i++)
        g_print ("    %s\n", lines[i]);
    }
}

static IdemCliExit
run_inspect (char **args)
{
  g_autoptr(IdemPacketReader) reader = idem_packet_reader_new ();
  g_autoptr(EVP_PKEY) key = NULL;
  g_autoptr(EVP_PKEY) machine_key = NULL;
  g_autoptr(GBytes) packet = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (key_path == NULL && !plaintext_subpackets)
    return idem_cli_usage_error (_("An encrypted packet needs its decryption key: give --key"));

  if (key_path != NULL)
    {
      key = read_private_key (key_path);
      if (key == NULL)
        {
          g_printerr (_("%s: not a readable PEM private key\n"), key_path);
          return IDEM_CLI_EXIT_USAGE;
        }
      idem_packet_reader_set_decryption_key (reader, key, NULL);
    }
  if (machine_key_path != NULL)
    {
      machine_key = read_public_key (machine_key_path);
      if (machine_key == NULL)
        {
          g_printerr (_("%s: not a readable PEM public key or certificate\n"), machine_key_path);
          return IDEM_CLI_EXIT_USAGE;
        }
      idem_packet_reader_set_signing_key (reader, machine_key);
    }
  idem_packet_reader_set_plaintext_subpackets (reader, plaintext_subpackets);
  idem_packet_reader_set_require_signatures (reader, machine_key != NULL);

  packet = read_input (args[0]);
  if (packet == NULL)
    {
      g_printerr (_("%s: cannot be read\n"), args[0]);
      return IDEM_CLI_EXIT_USAGE;
    }

  ok = idem_packet_reader_open (reader, packet, &error);

  g_print (_("Packet: %s\n"), args[0]);
  g_print (_("Size: %lu bytes\n"), (gulong) idem_packet_reader_get_packet_size (reader));
  g_print (_("SHA-256: %s\n"), idem_packet_reader_get_packet_hash (reader));
  if (idem_packet_reader_get_rid (reader) != NULL)
    {
      g_print (_("RID: %s\n"), idem_packet_reader_get_rid (reader));
      g_print (_("Process: %s\n"), idem_packet_reader_get_process (reader));
    }
  if (machine_key == NULL)
    g_print ("%s\n", _("No machine key given: signatures are not checked."));

  for (guint i = 0; i < idem_packet_reader_get_n_subpackets (reader); i++)
    print_subpacket (idem_packet_reader_get_subpacket (reader, i));

  if (ok && machine_key == NULL)
    {
      g_print ("%s\n", _("Every other check passed, but the signatures were not checked: give --machine-key."));
      return IDEM_CLI_EXIT_INVALID;
    }
  if (ok)
    {
      g_print ("%s\n", _("Every check passed."));
      return IDEM_CLI_EXIT_OK;
    }

  /* TRANSLATORS: "First failed check: SIGNATURE_INVALID: The signature of…" */
  g_print (_("First failed check: %s: %s\n"), idem_packet_error_get_name (error->code), error->message);

  return IDEM_CLI_EXIT_INVALID;
}

static const IdemCliCommand packet_commands[] = {
  { "inspect", N_("FILE"), N_("Verify a registration packet and show what it holds"), inspect_options, 1, 1, run_inspect },
  { NULL }
};

const IdemCliGroup idem_cli_group_packet = {
  "packet", N_("MOSIP 1.2 registration packets: structure, hashes, signatures and identity."), packet_commands,
};
