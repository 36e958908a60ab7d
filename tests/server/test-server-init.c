/* test-server-init.c — `init`'s data directory, idem.conf and the TLS certificate
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include "server-test-util.h"

#include "srv-config.h"
#include "srv-error.h"
#include "srv-init.h"
#include "srv-migrations.h"

#include "idem.h"
#include "idem-openssl-types.h"

#include <glib/gstdio.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

static guint
mode_of (const char *data_dir,
         const char *relative)
{
  g_autofree char *path = g_build_filename (data_dir, relative, NULL);
  GStatBuf st;

  g_assert_no_errno (g_stat (path, &st));
  return st.st_mode & 07777;
}

/* The directory made once for the suite by srv_init_data_dir(). */
static void
test_init_creates (void)
{
  const char *data_dir = srv_test_get_template_dir ();
  g_autoptr(SrvConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(IdemKeystore) keystore = NULL;
  g_auto(GStrv) keys = NULL;
  g_autofree char *passphrase = NULL;
  g_autofree char *passphrase_path = g_build_filename (data_dir, "keys", "passphrase", NULL);
  g_autofree char *idem_db = g_build_filename (data_dir, "idem.db", NULL);
  g_autofree char *idem_wal = g_build_filename (data_dir, "idem.db-wal", NULL);
  IdemKeyType type = 0;

  g_assert_cmphex (mode_of (data_dir, "."), ==, 0700);
  g_assert_cmphex (mode_of (data_dir, "keys"), ==, 0700);
  g_assert_cmphex (mode_of (data_dir, "keys/passphrase"), ==, 0600);
  g_assert_cmphex (mode_of (data_dir, "keys/server-signing.key.pem"), ==, 0600);
  g_assert_cmphex (mode_of (data_dir, "keys/server-encryption.key.pem"), ==, 0600);
  g_assert_cmphex (mode_of (data_dir, "tls/server.key"), ==, 0600);
  g_assert_true (g_file_test (idem_db, G_FILE_TEST_IS_REGULAR));
  /* init closed the database cleanly: no write-ahead log is left over. */
  g_assert_false (g_file_test (idem_wal, G_FILE_TEST_EXISTS));

  config = srv_config_load (data_dir, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (config->address, ==, "127.0.0.1");
  g_assert_cmpuint (config->port, ==, 8443);
  g_assert_true (config->tls);
  g_assert_false (config->demo);
  g_assert_true (g_str_has_prefix (config->database_path, config->data_dir));
  g_assert_true (g_str_has_suffix (config->database_path, "/idem.db"));

  /* 32 random bytes, in hex. */
  g_assert_true (g_file_get_contents (passphrase_path, &passphrase, NULL, NULL));
  g_strchomp (passphrase);
  g_assert_cmpuint (strlen (passphrase), ==, 64);
  for (guint i = 0; passphrase[i] != '\0'; i++)
    g_assert_true (g_ascii_isxdigit (passphrase[i]));

  keystore = idem_keystore_new (config->keys_dir);
  keys = idem_keystore_list (keystore, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (keys), ==, 2);
  g_assert_true (idem_keystore_get_key_type (keystore, "server-signing", &type, NULL));
  g_assert_cmpint (type, ==, IDEM_KEY_TYPE_ED25519);
  g_assert_true (idem_keystore_get_key_type (keystore, "server-encryption", &type, NULL));
  g_assert_cmpint (type, ==, IDEM_KEY_TYPE_RSA_3072);
}

static void
test_init_demo_flag (void)
{
  g_autofree char *tmp_dir = NULL;
  g_autofree char *data_dir = srv_test_new_data_dir (&tmp_dir);
  g_autofree char *conf = g_build_filename (data_dir, SRV_CONFIG_FILENAME, NULL);
  g_autoptr(SrvConfig) config = srv_config_load (data_dir, NULL);
  g_autoptr(SrvConfig) reloaded = NULL;
  g_autoptr(GError) error = NULL;

  /* init --demo writes demo=true through the same save path. */
  config->demo = TRUE;
  g_assert_true (srv_config_save (config, &error));
  g_assert_no_error (error);
  reloaded = srv_config_load (data_dir, &error);
  g_assert_no_error (error);
  g_assert_true (reloaded->demo);
  g_assert_cmphex (mode_of (data_dir, SRV_CONFIG_FILENAME), ==, 0644);

  srv_test_remove_tree (tmp_dir);
}

static void
test_init_refuses_non_empty (void)
{
  g_autofree char *tmp_dir = srv_test_make_tmp_dir ();
  g_autofree char *existing = g_build_filename (tmp_dir, "precious.txt", NULL);
  g_autoptr(SrvConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autofree char *contents = NULL;
  guint n_entries = 0;

  g_assert_true (g_file_set_contents (existing, "keep me", -1, NULL));

  config = srv_init_data_dir (tmp_dir, FALSE, &error);
  g_assert_null (config);
  g_assert_error (error, SRV_ERROR, SRV_ERROR_DATADIR_NOT_EMPTY);
  g_assert_nonnull (strstr (error->message, "not empty"));

  /* Nothing was added and the file is as it was. */
  dir = g_dir_open (tmp_dir, 0, NULL);
  while (g_dir_read_name (dir) != NULL)
    n_entries++;
  g_assert_cmpuint (n_entries, ==, 1);
  g_assert_true (g_file_get_contents (existing, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "keep me");

  srv_test_remove_tree (tmp_dir);
}

static void
test_init_refuses_file (void)
{
  g_autofree char *tmp_dir = srv_test_make_tmp_dir ();
  g_autofree char *file = g_build_filename (tmp_dir, "a-file", NULL);
  g_autoptr(SrvConfig) config = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (file, "", -1, NULL));
  config = srv_init_data_dir (file, FALSE, &error);
  g_assert_null (config);
  g_assert_error (error, SRV_ERROR, SRV_ERROR_INVALID_ARGUMENT);

  srv_test_remove_tree (tmp_dir);
}

static void
write_conf (const char *data_dir,
            const char *contents)
{
  g_autofree char *path = g_build_filename (data_dir, SRV_CONFIG_FILENAME, NULL);

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
}

static void
test_config_bad_values (void)
{
  static const struct {
    const char *contents;
    const char *mentions;
  } cases[] = {
    { "[server]\nport=eighty\n", "port" },
    { "[server]\nport=70000\n", "port" },
    { "[server]\nport=-1\n", "port" },
    { "[server]\naddress=example.org\n", "address" },
    { "[server]\naddress=\n", "address" },
    { "[server]\ntls=maybe\n", "tls" },
    { "[database]\npath=\n", "path" },
    { "[health]\ndisk-min-free-mb=-5\n", "disk-min-free-mb" },
    { "this is not a key file\n", SRV_CONFIG_FILENAME },
  };
  g_autofree char *tmp_dir = srv_test_make_tmp_dir ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SrvConfig) config = NULL;
      g_autoptr(GError) error = NULL;

      write_conf (tmp_dir, cases[i].contents);
      config = srv_config_load (tmp_dir, &error);
      g_assert_null (config);
      g_assert_error (error, SRV_ERROR, SRV_ERROR_CONFIG);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, cases[i].mentions));
    }

  srv_test_remove_tree (tmp_dir);
}

static void
test_config_defaults_and_missing (void)
{
  g_autofree char *tmp_dir = srv_test_make_tmp_dir ();
  g_autofree char *nowhere = g_build_filename (tmp_dir, "nowhere", NULL);
  g_autoptr(SrvConfig) config = NULL;
  g_autoptr(GError) error = NULL;

  /* No idem.conf: not a data directory. */
  config = srv_config_load (tmp_dir, &error);
  g_assert_null (config);
  g_assert_error (error, SRV_ERROR, SRV_ERROR_NOT_A_DATADIR);
  g_assert_nonnull (strstr (error->message, "idem-server init"));
  g_clear_error (&error);

  config = srv_config_load (nowhere, &error);
  g_assert_error (error, SRV_ERROR, SRV_ERROR_NOT_A_DATADIR);
  g_clear_error (&error);

  /* An empty idem.conf takes every default, paths inside the directory. */
  write_conf (tmp_dir, "");
  config = srv_config_load (tmp_dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (config->port, ==, 8443);
  g_assert_true (g_str_has_prefix (config->keys_dir, config->data_dir));
  g_assert_cmpstr (config->signing_key, ==, "server-signing");

  srv_test_remove_tree (tmp_dir);
}

static void
test_config_overrides (void)
{
  g_autoptr(SrvConfig) config = srv_config_new_default ("/srv/idem");
  g_autoptr(GError) error = NULL;

  g_assert_true (srv_config_set_port (config, 0, &error));
  g_assert_cmpuint (config->port, ==, 0);
  g_assert_true (srv_config_set_port (config, 65535, &error));
  g_assert_false (srv_config_set_port (config, 65536, &error));
  g_assert_error (error, SRV_ERROR, SRV_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_cmpuint (config->port, ==, 65535);

  g_assert_true (srv_config_set_address (config, "::1", &error));
  g_assert_cmpstr (config->address, ==, "::1");
  g_assert_false (srv_config_set_address (config, "localhost", &error));
  g_assert_error (error, SRV_ERROR, SRV_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (config->address, ==, "::1");
}

/* The certificate init makes, checked with OpenSSL: the names a local
 * client uses, server authentication, self-signed, and matching its key. */
static void
test_tls_certificate (void)
{
  const char *data_dir = srv_test_get_template_dir ();
  g_autofree char *crt_path = g_build_filename (data_dir, "tls", "server.crt", NULL);
  g_autofree char *key_path = g_build_filename (data_dir, "tls", "server.key", NULL);
  g_autofree char *crt_pem = NULL;
  g_autofree char *key_pem = NULL;
  g_autoptr(BIO) crt_bio = NULL;
  g_autoptr(BIO) key_bio = NULL;
  g_autoptr(X509) certificate = NULL;
  g_autoptr(EVP_PKEY) key = NULL;
  gsize crt_length = 0;
  gsize key_length = 0;

  g_assert_true (g_file_get_contents (crt_path, &crt_pem, &crt_length, NULL));
  g_assert_true (g_file_get_contents (key_path, &key_pem, &key_length, NULL));
  crt_bio = BIO_new_mem_buf (crt_pem, crt_length);
  key_bio = BIO_new_mem_buf (key_pem, key_length);
  certificate = PEM_read_bio_X509 (crt_bio, NULL, NULL, NULL);
  key = PEM_read_bio_PrivateKey (key_bio, NULL, NULL, NULL);
  g_assert_nonnull (certificate);
  g_assert_nonnull (key);

  g_assert_cmpint (X509_check_host (certificate, "localhost", 0, 0, NULL), ==, 1);
  g_assert_cmpint (X509_check_host (certificate, "example.org", 0, 0, NULL), ==, 0);
  g_assert_cmpint (X509_check_ip_asc (certificate, "127.0.0.1", 0), ==, 1);
  g_assert_cmpint (X509_check_ip_asc (certificate, "::1", 0), ==, 1);
  g_assert_cmpint (X509_check_purpose (certificate, X509_PURPOSE_SSL_SERVER, 0), ==, 1);
  g_assert_cmpint (X509_check_ca (certificate), ==, 0);
  g_assert_cmpint (X509_check_private_key (certificate, key), ==, 1);
  g_assert_cmpint (X509_verify (certificate, X509_get0_pubkey (certificate)), ==, 1);
  g_assert_cmpint (X509_cmp_current_time (X509_get0_notBefore (certificate)), <, 0);
  g_assert_cmpint (X509_cmp_current_time (X509_get0_notAfter (certificate)), >, 0);
  g_assert_true (EVP_PKEY_is_a (key, "EC"));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  idem_i18n_init ();
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/init/creates", test_init_creates);
  g_test_add_func ("/init/demo-flag", test_init_demo_flag);
  g_test_add_func ("/init/refuses-non-empty", test_init_refuses_non_empty);
  g_test_add_func ("/init/refuses-file", test_init_refuses_file);
  g_test_add_func ("/config/bad-values", test_config_bad_values);
  g_test_add_func ("/config/defaults-and-missing", test_config_defaults_and_missing);
  g_test_add_func ("/config/overrides", test_config_overrides);
  g_test_add_func ("/tls/certificate", test_tls_certificate);

  status = g_test_run ();
  srv_test_cleanup ();

  return status;
}
