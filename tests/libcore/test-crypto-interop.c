/* test-crypto-interop.c — the crypto module against python3-cryptography
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A round trip through our own code would pass even if both directions
 * shared a mistake (MGF1 left at SHA-1, the nonce fed as AAD, a signature
 * encoding nobody else reads).  Here an independent implementation,
 * python3-cryptography driven by crypto-oracle.py, reads the MOSIP
 * envelope and the signatures we write, following the published layout,
 * and writes its own for us to read.
 */

#include "config.h"

#include "idem.h"
#include "idem-openssl-types.h"

#include "test-crypto-util.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <openssl/pem.h>

static gboolean
python_has_cryptography (const char *python)
{
  g_autoptr(GSubprocess) process = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                              NULL, python, "-c",
                              "from cryptography.hazmat.primitives.ciphers.aead import AESGCM", NULL);

  return process != NULL
         && g_subprocess_wait (process, NULL, NULL)
         && g_subprocess_get_if_exited (process)
         && g_subprocess_get_exit_status (process) == 0;
}

/* IDEM_PYTHON if set, then python3 on PATH, then the distribution's, where
 * apt installs python3-cryptography. */
static char *
find_python (void)
{
  const char *candidates[] = { g_getenv ("IDEM_PYTHON"), "python3", "/usr/bin/python3" };

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      if (candidates[i] != NULL && python_has_cryptography (candidates[i]))
        return g_strdup (candidates[i]);
    }

  return NULL;
}

static void
write_pem (const char *directory,
           const char *name,
           EVP_PKEY   *key,
           X509       *certificate)
{
  g_autofree char *path = g_build_filename (directory, name, NULL);
  g_autoptr(BIO) bio = BIO_new_file (path, "w");

  g_assert_nonnull (bio);
  if (key != NULL)
    g_assert_cmpint (PEM_write_bio_PrivateKey (bio, key, NULL, NULL, 0, NULL, NULL), ==, 1);
  else
    g_assert_cmpint (PEM_write_bio_X509 (bio, certificate), ==, 1);
}

static void
write_file (const char *directory,
            const char *name,
            GBytes     *bytes)
{
  g_autofree char *path = g_build_filename (directory, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (bytes);
  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
}

static GBytes *
read_file (const char *directory,
           const char *name)
{
  g_autofree char *path = g_build_filename (directory, name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);

  return g_bytes_new_take (contents, length);
}

static void
remove_directory (const char *directory)
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

static void
assert_verifies (EVP_PKEY               *key,
                 IdemSignatureAlgorithm  algorithm,
                 GBytes                 *message,
                 GBytes                 *signature)
{
  GError *error = NULL;

  g_assert_true (idem_crypto_verify (key, algorithm,
                                     g_bytes_get_data (message, NULL), g_bytes_get_size (message),
                                     g_bytes_get_data (signature, NULL), g_bytes_get_size (signature),
                                     &error));
  g_assert_no_error (error);
}

static void
test_interop_with_python (void)
{
  g_autofree char *python = find_python ();
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "libcore", "crypto-oracle.py", NULL);
  g_autofree char *directory = NULL;
  g_autofree char *output = NULL;
  g_autoptr(EVP_PKEY) rsa_key = NULL;
  g_autoptr(EVP_PKEY) ec_key = NULL;
  g_autoptr(EVP_PKEY) ed_key = NULL;
  g_autoptr(X509) certificate = NULL;
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GBytes) py_payload = NULL;
  g_autoptr(GBytes) py_envelope = NULL;
  g_autoptr(GBytes) decrypted = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  guint8 thumbprint[IDEM_MOSIP_THUMBPRINT_SIZE];
  guint8 *payload_data;

  if (python == NULL)
    {
      g_test_fail_printf ("no python3 with the cryptography module: install python3-cryptography (tools/debian-packages)");
      return;
    }

  directory = g_dir_make_tmp ("idem-crypto-interop-XXXXXX", &error);
  g_assert_no_error (error);

  rsa_key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_RSA, 2048, &error);
  g_assert_no_error (error);
  ec_key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_EC_P256, 0, &error);
  g_assert_no_error (error);
  ed_key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_ED25519, 0, &error);
  g_assert_no_error (error);
  certificate = make_certificate (rsa_key, "10011_10012");
  idem_mosip_certificate_thumbprint (certificate, thumbprint);

  payload_data = g_malloc (100000);
  g_assert_true (idem_crypto_random_bytes (payload_data, 100000, NULL));
  payload = g_bytes_new_take (payload_data, 100000);

  write_pem (directory, "rsa-key.pem", rsa_key, NULL);
  write_pem (directory, "ec-key.pem", ec_key, NULL);
  write_pem (directory, "ed-key.pem", ed_key, NULL);
  write_pem (directory, "cert.pem", NULL, certificate);
  write_file (directory, "payload.bin", payload);

#define SIGN(algorithm, key) \
  idem_crypto_sign ((key), (algorithm), g_bytes_get_data (payload, NULL), g_bytes_get_size (payload), NULL)
  {
    g_autoptr(GBytes) envelope = idem_mosip_encrypt_for_certificate (payload, certificate, NULL, NULL);
    g_autoptr(GBytes) rsa_signature = SIGN (IDEM_SIGNATURE_RSA_SHA256, rsa_key);
    g_autoptr(GBytes) der_signature = SIGN (IDEM_SIGNATURE_ES256_DER, ec_key);
    g_autoptr(GBytes) raw_signature = SIGN (IDEM_SIGNATURE_ES256_RAW, ec_key);
    g_autoptr(GBytes) ed_signature = SIGN (IDEM_SIGNATURE_ED25519, ed_key);

    write_file (directory, "envelope.bin", envelope);
    write_file (directory, "rsa-sha256.sig", rsa_signature);
    write_file (directory, "es256-der.sig", der_signature);
    write_file (directory, "es256-raw.sig", raw_signature);
    write_file (directory, "ed25519.sig", ed_signature);
  }
#undef SIGN

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE, &error,
                              python, script, directory, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &output, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("%s", output);
  if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 0)
    g_error ("crypto-oracle.py refused what we wrote:\n%s", output);
  g_assert_nonnull (strstr (output, "written: ok"));

  /* What python3-cryptography wrote, read by us. */
  py_payload = read_file (directory, "py-payload.bin");
  py_envelope = read_file (directory, "py-envelope.bin");
  decrypted = idem_mosip_decrypt (py_envelope, rsa_key, thumbprint, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (decrypted, py_payload));

  {
    g_autoptr(GBytes) rsa_signature = read_file (directory, "py-rsa-sha256.sig");
    g_autoptr(GBytes) raw_signature = read_file (directory, "py-es256-raw.sig");
    g_autoptr(GBytes) ed_signature = read_file (directory, "py-ed25519.sig");

    assert_verifies (rsa_key, IDEM_SIGNATURE_RSA_SHA256, py_payload, rsa_signature);
    assert_verifies (ec_key, IDEM_SIGNATURE_ES256_RAW, py_payload, raw_signature);
    assert_verifies (ed_key, IDEM_SIGNATURE_ED25519, py_payload, ed_signature);
  }

  g_assert_cmpuint (ERR_peek_error (), ==, 0);
  remove_directory (directory);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/crypto/interop/python-cryptography", test_interop_with_python);

  return g_test_run ();
}
