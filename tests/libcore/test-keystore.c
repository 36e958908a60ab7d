/* test-keystore.c — the software keystore against real OpenSSL and real files
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include "idem.h"
#include "idem-openssl-types.h"

#include <glib/gstdio.h>
#include <openssl/err.h>
#include <sys/stat.h>

#define PASSPHRASE "correct horse battery staple"

/* One RSA and one Ed25519 key, generated once: RSA-3072 generation is the
 * slow part, and the read-only tests can share them. */
static char *shared_dir;

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *entry;

  if (dir != NULL)
    {
      while ((entry = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, entry, NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            remove_tree (child);
          else
            g_assert_no_errno (g_unlink (child));
        }
    }

  g_assert_no_errno (g_rmdir (path));
}

static char *
make_tmp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *path = g_dir_make_tmp ("idem-keystore-XXXXXX", &error);

  g_assert_no_error (error);
  return path;
}

static guint
file_mode (const char *directory,
           const char *basename)
{
  g_autofree char *path = g_build_filename (directory, basename, NULL);
  GStatBuf st;

  g_assert_no_errno (g_stat (path, &st));
  return st.st_mode & 07777;
}

/* Signs with @private_key through EVP_DigestSign and verifies with the public
 * key read straight from the PEM file, so the pair is checked end to end
 * without going through the keystore's own loading of the public key. */
static void
assert_sign_verify (EVP_PKEY   *private_key,
                    const char *public_pem_path,
                    const char *digest)
{
  static const char message[] = "Idem keystore signature test";
  g_autoptr(EVP_MD_CTX) sign_ctx = EVP_MD_CTX_new ();
  g_autoptr(EVP_MD_CTX) verify_ctx = EVP_MD_CTX_new ();
  g_autoptr(EVP_PKEY) public_key = NULL;
  g_autoptr(BIO) bio = NULL;
  g_autofree guchar *signature = NULL;
  g_autofree char *pem = NULL;
  gsize pem_length = 0;
  size_t signature_length = 0;

  g_assert_true (g_file_get_contents (public_pem_path, &pem, &pem_length, NULL));
  bio = BIO_new_mem_buf (pem, pem_length);
  public_key = PEM_read_bio_PUBKEY (bio, NULL, NULL, NULL);
  g_assert_nonnull (public_key);

  g_assert_cmpint (EVP_DigestSignInit_ex (sign_ctx, NULL, digest, NULL, NULL, private_key, NULL), ==, 1);
  g_assert_cmpint (EVP_DigestSign (sign_ctx, NULL, &signature_length,
                                   (const guchar *) message, sizeof message), ==, 1);
  signature = g_malloc (signature_length);
  g_assert_cmpint (EVP_DigestSign (sign_ctx, signature, &signature_length,
                                   (const guchar *) message, sizeof message), ==, 1);

  g_assert_cmpint (EVP_DigestVerifyInit_ex (verify_ctx, NULL, digest, NULL, NULL, public_key, NULL), ==, 1);
  g_assert_cmpint (EVP_DigestVerify (verify_ctx, signature, signature_length,
                                     (const guchar *) message, sizeof message), ==, 1);

  /* And a changed message does not verify: the check above can fail. */
  g_clear_pointer (&verify_ctx, EVP_MD_CTX_free);
  verify_ctx = EVP_MD_CTX_new ();
  g_assert_cmpint (EVP_DigestVerifyInit_ex (verify_ctx, NULL, digest, NULL, NULL, public_key, NULL), ==, 1);
  g_assert_cmpint (EVP_DigestVerify (verify_ctx, signature, signature_length,
                                     (const guchar *) message, sizeof message - 2), !=, 1);
  ERR_clear_error ();
}

static void
assert_round_trip (const char  *name,
                   IdemKeyType  type,
                   const char  *openssl_name,
                   const char  *digest)
{
  g_autoptr(IdemKeystore) keystore = idem_keystore_new (shared_dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(EVP_PKEY) private_key = NULL;
  g_autoptr(EVP_PKEY) public_key = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *private_fingerprint = NULL;
  g_autofree char *public_path = NULL;
  g_autofree char *private_basename = g_strconcat (name, ".key.pem", NULL);
  g_autofree char *public_basename = g_strconcat (name, ".pub.pem", NULL);
  IdemKeyType stored_type = 0;

  g_assert_true (idem_keystore_has_key (keystore, name));
  g_assert_true (idem_keystore_get_key_type (keystore, name, &stored_type, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stored_type, ==, type);

  private_key = idem_keystore_load_private (keystore, name, PASSPHRASE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (private_key);
  g_assert_true (EVP_PKEY_is_a (private_key, openssl_name));
  if (type == IDEM_KEY_TYPE_RSA_3072)
    g_assert_cmpint (EVP_PKEY_get_bits (private_key), ==, 3072);

  public_key = idem_keystore_load_public (keystore, name, &error);
  g_assert_no_error (error);
  g_assert_cmpint (EVP_PKEY_eq (private_key, public_key), ==, 1);

  fingerprint = idem_keystore_get_fingerprint (keystore, name, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (fingerprint), ==, 64);
  private_fingerprint = idem_public_key_fingerprint (private_key);
  g_assert_cmpstr (fingerprint, ==, private_fingerprint);

  g_assert_cmphex (file_mode (shared_dir, private_basename), ==, 0600);
  g_assert_cmphex (file_mode (shared_dir, public_basename), ==, 0644);

  public_path = g_build_filename (shared_dir, public_basename, NULL);
  assert_sign_verify (private_key, public_path, digest);
}

static void
test_round_trip_ed25519 (void)
{
  assert_round_trip ("signing", IDEM_KEY_TYPE_ED25519, "ED25519", NULL);
}

static void
test_round_trip_rsa (void)
{
  assert_round_trip ("encryption", IDEM_KEY_TYPE_RSA_3072, "RSA", "SHA256");
}

/* The private key file is ordinary PKCS#8: OpenSSL's generic PEM reader opens
 * it with the passphrase, and gets the same key as the keystore. */
static void
test_standard_pem (void)
{
  g_autoptr(IdemKeystore) keystore = idem_keystore_new (shared_dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(EVP_PKEY) ours = NULL;
  g_autoptr(EVP_PKEY) theirs = NULL;
  g_autoptr(BIO) bio = NULL;
  g_autofree char *path = g_build_filename (shared_dir, "signing.key.pem", NULL);
  g_autofree char *pem = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &pem, &length, NULL));
  g_assert_true (g_str_has_prefix (pem, "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));

  bio = BIO_new_mem_buf (pem, length);
  theirs = PEM_read_bio_PrivateKey (bio, NULL, NULL, (void *) PASSPHRASE);
  g_assert_nonnull (theirs);

  ours = idem_keystore_load_private (keystore, "signing", PASSPHRASE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (EVP_PKEY_eq (ours, theirs), ==, 1);
}

static void
test_list (void)
{
  g_autoptr(IdemKeystore) keystore = idem_keystore_new (shared_dir);
  g_autoptr(IdemKeystore) missing = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;
  g_auto(GStrv) none = NULL;
  g_autofree char *missing_dir = g_build_filename (shared_dir, "does-not-exist", NULL);

  names = idem_keystore_list (keystore, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (names), ==, 2);
  g_assert_cmpstr (names[0], ==, "encryption");
  g_assert_cmpstr (names[1], ==, "signing");

  missing = idem_keystore_new (missing_dir);
  none = idem_keystore_list (missing, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (none), ==, 0);
}

static void
test_wrong_passphrase (void)
{
  g_autoptr(IdemKeystore) keystore = idem_keystore_new (shared_dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(EVP_PKEY) key = NULL;

  key = idem_keystore_load_private (keystore, "signing", "not the passphrase", &error);
  g_assert_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_WRONG_PASSPHRASE);
  g_assert_null (key);
  g_clear_error (&error);

  key = idem_keystore_load_private (keystore, "encryption", "", &error);
  g_assert_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_WRONG_PASSPHRASE);
  g_assert_null (key);
  g_assert_cmpuint (ERR_peek_error (), ==, 0);
}

static void
test_not_found (void)
{
  g_autoptr(IdemKeystore) keystore = idem_keystore_new (shared_dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(EVP_PKEY) key = NULL;
  g_autofree char *fingerprint = NULL;

  key = idem_keystore_load_private (keystore, "nobody", PASSPHRASE, &error);
  g_assert_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_NOT_FOUND);
  g_assert_null (key);
  g_clear_error (&error);

  fingerprint = idem_keystore_get_fingerprint (keystore, "nobody", &error);
  g_assert_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_NOT_FOUND);
  g_assert_null (fingerprint);
  g_assert_false (idem_keystore_has_key (keystore, "nobody"));
}

static void
test_invalid_arguments (void)
{
  static const char * const bad_names[] = { "", "../signing", "a/b", ".hidden", "-x", "tab\tname" };
  g_autofree char *dir = make_tmp_dir ();
  g_autoptr(IdemKeystore) keystore = idem_keystore_new (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) listing = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad_names); i++)
    {
      g_autoptr(EVP_PKEY) key = NULL;

      g_assert_false (idem_keystore_generate (keystore, bad_names[i], IDEM_KEY_TYPE_ED25519, PASSPHRASE, &error));
      g_assert_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);

      key = idem_keystore_load_private (keystore, bad_names[i], PASSPHRASE, &error);
      g_assert_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
    }

  g_assert_false (idem_keystore_generate (keystore, "ok", IDEM_KEY_TYPE_ED25519, "", &error));
  g_assert_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_false (idem_keystore_generate (keystore, "ok", (IdemKeyType) 99, PASSPHRASE, &error));
  g_assert_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* Bad input changed nothing. */
  listing = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  g_assert_null (g_dir_read_name (listing));

  remove_tree (dir);
}

static void
test_exists (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autoptr(IdemKeystore) keystore = idem_keystore_new (dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_assert_true (idem_keystore_generate (keystore, "k", IDEM_KEY_TYPE_ED25519, PASSPHRASE, &error));
  g_assert_no_error (error);
  before = idem_keystore_get_fingerprint (keystore, "k", &error);
  g_assert_no_error (error);

  g_assert_false (idem_keystore_generate (keystore, "k", IDEM_KEY_TYPE_ED25519, PASSPHRASE, &error));
  g_assert_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_EXISTS);
  g_clear_error (&error);

  after = idem_keystore_get_fingerprint (keystore, "k", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (before, ==, after);

  remove_tree (dir);
}

static void
flip_byte (const char *path,
           gsize       offset)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_cmpuint (offset, <, length);
  /* Stay inside the base64 alphabet so the PEM still parses: only the
   * recorded digest can tell this change from a wrong passphrase. */
  contents[offset] = contents[offset] == 'A' ? 'B' : 'A';
  g_assert_true (g_file_set_contents (path, contents, length, &error));
}

static void
test_corrupt (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autoptr(IdemKeystore) keystore = idem_keystore_new (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(EVP_PKEY) key = NULL;
  g_autofree char *private_path = g_build_filename (dir, "a.key.pem", NULL);
  g_autofree char *public_path = g_build_filename (dir, "a.pub.pem", NULL);
  g_autofree char *other_public_path = g_build_filename (dir, "b.pub.pem", NULL);
  g_autofree char *record_path = g_build_filename (dir, "a.meta", NULL);
  g_autofree char *other_public = NULL;
  gsize other_length = 0;

  g_assert_true (idem_keystore_generate (keystore, "a", IDEM_KEY_TYPE_ED25519, PASSPHRASE, &error));
  g_assert_true (idem_keystore_generate (keystore, "b", IDEM_KEY_TYPE_ED25519, PASSPHRASE, &error));
  g_assert_no_error (error);

  /* A byte changed in the middle of the encrypted key. */
  flip_byte (private_path, 100);
  key = idem_keystore_load_private (keystore, "a", PASSPHRASE, &error);
  g_assert_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_CORRUPT);
  g_assert_null (key);
  g_clear_error (&error);

  /* The private key file gone while its record remains. */
  g_assert_no_errno (g_unlink (private_path));
  key = idem_keystore_load_private (keystore, "a", PASSPHRASE, &error);
  g_assert_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_CORRUPT);
  g_clear_error (&error);

  /* Another key's public half in place of this one's. */
  g_assert_true (g_file_get_contents (other_public_path, &other_public, &other_length, NULL));
  g_assert_true (g_file_set_contents (public_path, other_public, other_length, NULL));
  key = idem_keystore_load_public (keystore, "a", &error);
  g_assert_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_CORRUPT);
  g_clear_error (&error);

  /* A record that is not a key file at all. */
  g_assert_true (g_file_set_contents (record_path, "\x01\x02 not a key file", -1, NULL));
  key = idem_keystore_load_public (keystore, "a", &error);
  g_assert_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_CORRUPT);
  g_clear_error (&error);

  /* The untouched key still loads. */
  key = idem_keystore_load_private (keystore, "b", PASSPHRASE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (key);
  g_assert_cmpuint (ERR_peek_error (), ==, 0);

  remove_tree (dir);
}

static void
generate_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GError **error = user_data;

  idem_keystore_generate_finish (IDEM_KEYSTORE (object), result, error);
  if (*error == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "done");
}

static void
test_generate_async (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *keys_dir = g_build_filename (dir, "nested", "keys", NULL);
  g_autoptr(IdemKeystore) keystore = idem_keystore_new (keys_dir);
  g_autoptr(EVP_PKEY) key = NULL;
  GError *error = NULL;
  GStatBuf st;

  idem_keystore_generate_async (keystore, "async", IDEM_KEY_TYPE_ED25519, PASSPHRASE,
                                NULL, generate_cb, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  /* generate_cb marks success with this sentinel. */
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);

  /* The directory is created private. */
  g_assert_no_errno (g_stat (keys_dir, &st));
  g_assert_cmphex (st.st_mode & 0777, ==, 0700);

  key = idem_keystore_load_private (keystore, "async", PASSPHRASE, &error);
  g_assert_no_error (error);
  g_assert_true (EVP_PKEY_is_a (key, "ED25519"));

  remove_tree (dir);
}

static void
test_key_type_names (void)
{
  IdemKeyType type = 0;

  g_assert_cmpstr (idem_key_type_to_string (IDEM_KEY_TYPE_RSA_3072), ==, "rsa-3072");
  g_assert_cmpstr (idem_key_type_to_string (IDEM_KEY_TYPE_ED25519), ==, "ed25519");
  g_assert_null (idem_key_type_to_string ((IdemKeyType) 0));
  g_assert_true (idem_key_type_from_string ("ed25519", &type));
  g_assert_cmpint (type, ==, IDEM_KEY_TYPE_ED25519);
  g_assert_false (idem_key_type_from_string ("dsa", &type));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(IdemKeystore) keystore = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  shared_dir = make_tmp_dir ();
  keystore = idem_keystore_new (shared_dir);
  idem_keystore_generate (keystore, "signing", IDEM_KEY_TYPE_ED25519, PASSPHRASE, &error);
  g_assert_no_error (error);
  idem_keystore_generate (keystore, "encryption", IDEM_KEY_TYPE_RSA_3072, PASSPHRASE, &error);
  g_assert_no_error (error);

  g_test_add_func ("/keystore/round-trip/ed25519", test_round_trip_ed25519);
  g_test_add_func ("/keystore/round-trip/rsa-3072", test_round_trip_rsa);
  g_test_add_func ("/keystore/standard-pem", test_standard_pem);
  g_test_add_func ("/keystore/list", test_list);
  g_test_add_func ("/keystore/wrong-passphrase", test_wrong_passphrase);
  g_test_add_func ("/keystore/not-found", test_not_found);
  g_test_add_func ("/keystore/invalid-arguments", test_invalid_arguments);
  g_test_add_func ("/keystore/exists", test_exists);
  g_test_add_func ("/keystore/corrupt", test_corrupt);
  g_test_add_func ("/keystore/generate-async", test_generate_async);
  g_test_add_func ("/keystore/key-type-names", test_key_type_names);

  status = g_test_run ();

  remove_tree (shared_dir);
  g_free (shared_dir);

  return status;
}
