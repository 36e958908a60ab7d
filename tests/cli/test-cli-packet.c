/* test-cli-packet.c — idem packet inspect, run as a process
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Exit status 0 when every check passes, 1 when one fails (named on the
 * last line), 2 for a wrong command line or unreadable input.
 */

#include "config.h"

#include "idem.h"
#include "idem-openssl-types.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#define RID "10001100771006920220128223618"

static const char *idem_path;
static char *directory;
static char *packet_path;
static char *key_path;
static char *machine_key_path;
static char *other_key_path;

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
run_idem (Run        *run,
          const char *first_arg,
          ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  va_list args;

  g_ptr_array_add (argv, (char *) idem_path);
  va_start (args, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "LANGUAGE");
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);
}

#define assert_contains(haystack, needle) \
  G_STMT_START { \
    if (strstr ((haystack), (needle)) == NULL) \
      g_error ("“%s” not found in:\n%s", (needle), (haystack)); \
  } G_STMT_END

static char *
write_pem (EVP_PKEY   *key,
           gboolean    private_part,
           const char *name)
{
  g_autoptr(BIO) bio = BIO_new (BIO_s_mem ());
  char *path = g_build_filename (directory, name, NULL);
  char *data;
  long length;

  if (private_part)
    g_assert_cmpint (PEM_write_bio_PrivateKey (bio, key, NULL, NULL, 0, NULL, NULL), ==, 1);
  else
    g_assert_cmpint (PEM_write_bio_PUBKEY (bio, key), ==, 1);
  length = BIO_get_mem_data (bio, &data);
  g_assert_true (g_file_set_contents (path, data, length, NULL));

  return path;
}

static void
make_packet (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EVP_PKEY) encryption_key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_RSA, 2048, &error);
  g_autoptr(EVP_PKEY) machine_key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_RSA, 2048, &error);
  g_autoptr(EVP_PKEY) other_key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_RSA, 2048, &error);
  g_autofree char *schema_path = g_build_filename (g_getenv ("IDEM_SHARED_DIR"), "vectors", "mosip-packet",
                                                   "id-schema-sample.json", NULL);
  g_autoptr(GFile) schema_file = g_file_new_for_path (schema_path);
  g_autoptr(IdemIdSchema) schema = idem_id_schema_new_from_file (schema_file, &error);
  g_autoptr(IdemPacketWriter) writer = idem_packet_writer_new (RID, "10001", "10077", IDEM_PACKET_PROCESS_NEW);
  g_autoptr(JsonArray) audits = json_array_new ();
  g_autoptr(GBytes) cbeff = g_bytes_new_static ("<BIR/>", 6);
  guint8 thumbprint[IDEM_MOSIP_THUMBPRINT_SIZE] = { 1, 2, 3 };

  g_assert_no_error (error);
  json_array_add_string_element (audits, "saved");
  idem_packet_writer_set_schema (writer, schema);
  idem_packet_writer_set_signing_key (writer, machine_key);
  idem_packet_writer_set_encryption_key (writer, encryption_key, thumbprint);
  idem_packet_writer_set_audits (writer, audits);
  idem_packet_writer_set_value_string (writer, "dateOfBirth", "1990/12/31");
  idem_packet_writer_add_biometrics (writer, "individualBiometrics", cbeff);
  packet_path = idem_packet_writer_write_file (writer, directory, &error);
  g_assert_no_error (error);

  key_path = write_pem (encryption_key, TRUE, "packet-key.pem");
  machine_key_path = write_pem (machine_key, FALSE, "machine.pem");
  other_key_path = write_pem (other_key, FALSE, "other-machine.pem");
}

static void
test_inspect_verified (void)
{
  g_auto(Run) run = { 0 };

  run_idem (&run, "packet", "inspect", "--key", key_path, "--machine-key", machine_key_path, packet_path, NULL);
  g_assert_cmpint (run.status, ==, 0);
  assert_contains (run.out, "RID: " RID);
  assert_contains (run.out, "Sub-packet id: REGISTRATION_CLIENT/NEW/" RID "_id.zip");
  assert_contains (run.out, "Sub-packet evidence:");
  assert_contains (run.out, "Signature:         verified");
  assert_contains (run.out, "individualBiometrics_bio_CBEFF.xml");
  assert_contains (run.out, "\"dateOfBirth\" : \"1990/12/31\"");
  assert_contains (run.out, "Every check passed.");
}

static void
test_inspect_failures (void)
{
  {
    g_auto(Run) run = { 0 };

    run_idem (&run, "packet", "inspect", "--key", key_path, "--machine-key", other_key_path, packet_path, NULL);
    g_assert_cmpint (run.status, ==, 1);
    assert_contains (run.out, "Signature:         FAILED");
    assert_contains (run.out, "First failed check: SIGNATURE_INVALID: ");
  }
  {
    g_auto(Run) run = { 0 };

    /* Without the machine key the contents show, but nothing is vouched for */
    run_idem (&run, "packet", "inspect", "--key", key_path, packet_path, NULL);
    g_assert_cmpint (run.status, ==, 1);
    assert_contains (run.out, "Signature:         not checked");
    assert_contains (run.out, "\"dateOfBirth\" : \"1990/12/31\"");
    assert_contains (run.out, "--machine-key");
  }
  {
    g_auto(Run) run = { 0 };
    g_autofree char *contents = NULL;
    g_autofree char *cut_path = g_build_filename (directory, "cut.zip", NULL);
    gsize length;

    g_assert_true (g_file_get_contents (packet_path, &contents, &length, NULL));
    g_assert_true (g_file_set_contents (cut_path, contents, length - 1, NULL));
    run_idem (&run, "packet", "inspect", "--key", key_path, "--machine-key", machine_key_path, cut_path, NULL);
    g_assert_cmpint (run.status, ==, 1);
    assert_contains (run.out, "First failed check: DECRYPT: ");
    g_unlink (cut_path);
  }
  {
    g_auto(Run) run = { 0 };
    g_autofree char *sample = g_build_filename (g_getenv ("IDEM_SHARED_DIR"), "vectors", "mosip-packet",
                                                "full-packet", NULL);

    run_idem (&run, "packet", "inspect", "--plaintext-subpackets", sample, NULL);
    g_assert_cmpint (run.status, ==, 1);
    assert_contains (run.out, "Data hash:         FAILED");
    assert_contains (run.out, "First failed check: DATA_HASH_MISMATCH: ");
    assert_contains (run.out, "\"postalCode\" : \"10114\"");
  }
}

static void
test_inspect_usage (void)
{
  g_autofree char *missing = g_build_filename (directory, "missing.zip", NULL);
  const char *cases[][6] = {
    { "packet", "inspect", packet_path, NULL },
    { "packet", "inspect", "--key", key_path, NULL },
    { "packet", "inspect", "--key", key_path, missing, NULL },
    { "packet", "inspect", "--key", packet_path, packet_path, NULL },
    { "packet", "inspect", "--key", key_path, "--machine-key", packet_path },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Run) run = { 0 };

      run_idem (&run, cases[i][0], cases[i][1], cases[i][2], cases[i][3], cases[i][4], cases[i][5],
                i == 4 ? packet_path : NULL, NULL);
      g_assert_cmpint (run.status, ==, 2);
      g_assert_cmpstr (run.err, !=, "");
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (argc, ==, 2);
  idem_path = argv[1];

  directory = g_dir_make_tmp ("idem-cli-packet-XXXXXX", &error);
  g_assert_no_error (error);
  make_packet ();

  g_test_add_func ("/cli/packet/inspect-verified", test_inspect_verified);
  g_test_add_func ("/cli/packet/inspect-failures", test_inspect_failures);
  g_test_add_func ("/cli/packet/inspect-usage", test_inspect_usage);
  status = g_test_run ();

  for (const char * const *path = (const char * const []) { packet_path, key_path, machine_key_path, other_key_path, NULL };
       *path != NULL; path++)
    g_unlink (*path);
  g_rmdir (directory);
  g_free (packet_path);
  g_free (key_path);
  g_free (machine_key_path);
  g_free (other_key_path);
  g_free (directory);

  return status;
}
