/* idem-keystore.c — a software keystore: named keys, encrypted with a passphrase
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Each key NAME is three files in the keystore's directory:
 *
 *   NAME.key.pem   the private key as PKCS#8 "ENCRYPTED PRIVATE KEY" PEM
 *                  (PBES2: scrypt, then AES-256-CBC), mode 0600
 *   NAME.pub.pem   the public key as SubjectPublicKeyInfo PEM
 *   NAME.meta      a small key file: the key type, when it was made, the
 *                  SHA-256 of NAME.key.pem and the public key's fingerprint
 *
 * The record in NAME.meta is written last, so a key exists once its record
 * does.  It is also what lets a load tell a damaged file (CORRUPT) from a wrong
 * passphrase (WRONG_PASSPHRASE): AES-CBC has no authentication tag, and without
 * the recorded digest a flipped bit in the ciphertext looks exactly like a
 * wrong passphrase.
 *
 * The PEM files are standard: `openssl pkey -in NAME.key.pem` reads them, so
 * keys can be moved in and out of the keystore with ordinary tools.
 *
 * Passphrases: the caller owns its passphrase and wipes it when done; the
 * keystore hands it straight to OpenSSL and keeps no copy, except the async
 * variant, which copies it into its task and wipes the copy with
 * OPENSSL_cleanse() when the task is done.  Nothing here logs key material.
 *
 * An HSM behind the same calls: the interface deals only in key names and
 * EVP_PKEY handles, never in key bytes.  With OpenSSL 3 a PKCS#11 provider
 * (pkcs11-provider) yields EVP_PKEY handles whose private half stays in the
 * token, and every EVP_* operation on them runs in the HSM.  A PKCS#11 backend
 * would map NAME to a "pkcs11:object=NAME" URI: generate with
 * EVP_PKEY_CTX_new_from_name (NULL, alg, "provider=pkcs11"), load with
 * OSSL_STORE_open on the URI, and the passphrase becomes the token PIN.  The
 * callers (packet sealing, signing) would not change.
 */

#define G_LOG_DOMAIN "idem-keystore"

#include "config.h"

#include "idem.h"
#include "idem-openssl-types.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pkcs12.h>
#include <string.h>
#include <unistd.h>

/* scrypt cost: N = 2^14, r = 8, p = 1 uses 16 MiB and about 50 ms per load on
 * one core.  These are the parameters `openssl pkcs8 -scrypt` uses, and they
 * stay under OpenSSL's default scrypt memory limit (32 MiB), which the decoder
 * applies when reading the key back. */
#define SCRYPT_N 16384
#define SCRYPT_R 8
#define SCRYPT_P 1

#define META_GROUP "key"
#define MAX_NAME_LENGTH 64

struct _IdemKeystore
{
  GObject  parent_instance;

  char    *directory;
};

G_DEFINE_FINAL_TYPE (IdemKeystore, idem_keystore, G_TYPE_OBJECT)

G_DEFINE_QUARK (idem-keystore-error-quark, idem_keystore_error)

enum {
  PROP_0,
  PROP_DIRECTORY,
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];

static const struct {
  IdemKeyType  type;
  const char  *name;
} key_types[] = {
  { IDEM_KEY_TYPE_RSA_3072, "rsa-3072" },
  { IDEM_KEY_TYPE_ED25519, "ed25519" },
};

static gboolean
name_is_valid (const char *name)
{
  gsize length;

  if (name == NULL)
    return FALSE;

  length = strlen (name);
  if (length == 0 || length > MAX_NAME_LENGTH)
    return FALSE;

  /* Names become file names: no separators, no dot files, nothing a shell
   * or a path would read specially. */
  if (!g_ascii_isalnum (name[0]))
    return FALSE;

  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isalnum (name[i]) && name[i] != '-' && name[i] != '_')
        return FALSE;
    }

  return TRUE;
}

static gboolean
check_name (const char  *name,
            GError     **error)
{
  if (name_is_valid (name))
    return TRUE;

  g_set_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_INVALID_ARGUMENT,
               _("“%s” is not a valid key name: use 1 to %d letters, digits, “-” or “_”, starting with a letter or digit"),
               name != NULL ? name : "", MAX_NAME_LENGTH);
  return FALSE;
}

static char *
key_path (IdemKeystore *self,
          const char   *name,
          const char   *suffix)
{
  g_autofree char *basename = g_strconcat (name, suffix, NULL);

  return g_build_filename (self->directory, basename, NULL);
}

/* Drops whatever OpenSSL queued while failing, so the next caller on this
 * thread does not see stale errors. */
static void
set_crypto_error (GError     **error,
                  const char  *what)
{
  unsigned long code = ERR_peek_last_error ();
  char reason[256] = "";

  if (code != 0)
    ERR_error_string_n (code, reason, sizeof reason);
  ERR_clear_error ();

  g_set_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_CRYPTO,
               "%s (%s)", what, reason[0] != '\0' ? reason : "unknown OpenSSL error");
}

static gboolean
fsync_directory (const char  *directory,
                 GError     **error)
{
  int fd = g_open (directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  int saved_errno;

  if (fd < 0 || fsync (fd) != 0)
    {
      saved_errno = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_IO,
                   _("Could not flush the key directory %s: %s"),
                   directory, g_strerror (saved_errno));
      return FALSE;
    }

  close (fd);
  return TRUE;
}

/* Writes @path so that it either does not exist or holds all of @data, even
 * across a crash: a temporary file in the same directory, fsync, then a link
 * to the final name.  link() rather than rename() because link() refuses to
 * replace an existing file, so two writers can never overwrite a key; where
 * the file system has no hard links, rename() after the existence check. */
static gboolean
write_file_atomically (const char  *path,
                       const char  *data,
                       gsize        length,
                       int          mode,
                       GError     **error)
{
  g_autofree char *directory = g_path_get_dirname (path);
  g_autofree char *basename = g_path_get_basename (path);
  g_autofree char *template = NULL;
  gsize written = 0;
  int fd;
  int saved_errno;

  template = g_strdup_printf ("%s/.%s.XXXXXX", directory, basename);
  fd = g_mkstemp_full (template, O_WRONLY | O_CLOEXEC, mode);
  if (fd < 0)
    {
      saved_errno = errno;
      g_set_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_IO,
                   _("Could not create a file in %s: %s"),
                   directory, g_strerror (saved_errno));
      return FALSE;
    }

  while (written < length)
    {
      gssize n = write (fd, data + written, length - written);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        goto fail;
      written += n;
    }

  /* The umask may have narrowed the mode: set it exactly. */
  if (fchmod (fd, mode) != 0 || fsync (fd) != 0)
    goto fail;

  if (close (fd) != 0)
    {
      fd = -1;
      goto fail;
    }
  fd = -1;

  if (link (template, path) == 0)
    {
      g_unlink (template);
    }
  else if (errno == EEXIST)
    {
      g_unlink (template);
      g_set_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_EXISTS,
                   _("%s already exists"), path);
      return FALSE;
    }
  else if (errno == EPERM || errno == EOPNOTSUPP || errno == ENOSYS)
    {
      if (g_file_test (path, G_FILE_TEST_EXISTS))
        {
          g_unlink (template);
          g_set_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_EXISTS,
                       _("%s already exists"), path);
          return FALSE;
        }
      if (g_rename (template, path) != 0)
        goto fail;
    }
  else
    {
      goto fail;
    }

  return fsync_directory (directory, error);

fail:
  saved_errno = errno;
  if (fd >= 0)
    close (fd);
  g_unlink (template);
  g_set_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_IO,
               _("Could not write %s: %s"), path, g_strerror (saved_errno));
  return FALSE;
}

static GBytes *
bio_to_bytes (BIO *bio)
{
  char *data = NULL;
  long length = BIO_get_mem_data (bio, &data);

  return g_bytes_new (data, length);
}

char *
idem_public_key_fingerprint (EVP_PKEY *key)
{
  unsigned char *der = NULL;
  char *fingerprint;
  int length;

  g_return_val_if_fail (key != NULL, NULL);

  length = i2d_PUBKEY (key, &der);
  if (length <= 0)
    {
      ERR_clear_error ();
      return NULL;
    }

  fingerprint = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der, length);
  OPENSSL_free (der);
  return fingerprint;
}

static EVP_PKEY *
generate_key (IdemKeyType   type,
              GError      **error)
{
  EVP_PKEY *key = NULL;

  switch (type)
    {
    case IDEM_KEY_TYPE_RSA_3072:
      key = EVP_PKEY_Q_keygen (NULL, NULL, "RSA", (size_t) 3072);
      break;

    case IDEM_KEY_TYPE_ED25519:
      key = EVP_PKEY_Q_keygen (NULL, NULL, "ED25519");
      break;

    default:
      g_set_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_INVALID_ARGUMENT,
                   _("Unknown key type %d"), (int) type);
      return NULL;
    }

  if (key == NULL)
    set_crypto_error (error, _("Could not generate the key"));

  return key;
}

static gboolean
key_has_type (EVP_PKEY    *key,
              IdemKeyType  type)
{
  switch (type)
    {
    case IDEM_KEY_TYPE_RSA_3072:
      return EVP_PKEY_is_a (key, "RSA") && EVP_PKEY_get_bits (key) == 3072;

    case IDEM_KEY_TYPE_ED25519:
      return EVP_PKEY_is_a (key, "ED25519");

    default:
      return FALSE;
    }
}

static GBytes *
encrypt_private_key (EVP_PKEY    *key,
                     const char  *passphrase,
                     GError     **error)
{
  g_autoptr(PKCS8_PRIV_KEY_INFO) info = NULL;
  g_autoptr(X509_SIG) encrypted = NULL;
  g_autoptr(BIO) bio = NULL;
  X509_ALGOR *pbe;

  /* PEM_write_bio_PKCS8PrivateKey() would do this in one call, but its key
   * derivation is PBKDF2 with a fixed 2048 iterations; building the PBES2
   * parameters here puts scrypt in front of the same AES-256-CBC encryption
   * and the same standard PEM. */
  info = EVP_PKEY2PKCS8 (key);
  if (info == NULL)
    {
      set_crypto_error (error, _("Could not encode the private key"));
      return NULL;
    }

  pbe = PKCS5_pbe2_set_scrypt (EVP_aes_256_cbc (), NULL, 0, NULL,
                               SCRYPT_N, SCRYPT_R, SCRYPT_P);
  if (pbe == NULL)
    {
      set_crypto_error (error, _("Could not set up the key encryption"));
      return NULL;
    }

  encrypted = PKCS8_set0_pbe (passphrase, strlen (passphrase), info, pbe);
  if (encrypted == NULL)
    {
      X509_ALGOR_free (pbe);
      set_crypto_error (error, _("Could not encrypt the private key"));
      return NULL;
    }

  bio = BIO_new (BIO_s_mem ());
  if (bio == NULL || !PEM_write_bio_PKCS8 (bio, encrypted))
    {
      set_crypto_error (error, _("Could not encode the private key"));
      return NULL;
    }

  return bio_to_bytes (bio);
}

static GBytes *
encode_public_key (EVP_PKEY  *key,
                   GError   **error)
{
  g_autoptr(BIO) bio = BIO_new (BIO_s_mem ());

  if (bio == NULL || !PEM_write_bio_PUBKEY (bio, key))
    {
      set_crypto_error (error, _("Could not encode the public key"));
      return NULL;
    }

  return bio_to_bytes (bio);
}

typedef struct
{
  IdemKeyType  type;
  char        *private_sha256;
  char        *fingerprint;
} KeyRecord;

static void
key_record_free (KeyRecord *record)
{
  g_free (record->private_sha256);
  g_free (record->fingerprint);
  g_free (record);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KeyRecord, key_record_free)

static KeyRecord *
read_record (IdemKeystore  *self,
             const char    *name,
             GError       **error)
{
  g_autofree char *path = key_path (self, name, ".meta");
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(KeyRecord) record = g_new0 (KeyRecord, 1);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *type = NULL;

  if (!g_key_file_load_from_file (keyfile, path, G_KEY_FILE_NONE, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_set_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_NOT_FOUND,
                     _("There is no key named “%s” in %s"), name, self->directory);
      else if (local_error->domain == G_FILE_ERROR)
        g_set_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_IO,
                     _("Could not read %s: %s"), path, local_error->message);
      else
        g_set_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_CORRUPT,
                     _("The record of key “%s” is damaged: %s"), name, local_error->message);
      return NULL;
    }

  type = g_key_file_get_string (keyfile, META_GROUP, "type", NULL);
  record->private_sha256 = g_key_file_get_string (keyfile, META_GROUP, "private-sha256", NULL);
  record->fingerprint = g_key_file_get_string (keyfile, META_GROUP, "fingerprint", NULL);

  if (type == NULL || !idem_key_type_from_string (type, &record->type) ||
      record->private_sha256 == NULL || record->fingerprint == NULL)
    {
      g_set_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_CORRUPT,
                   _("The record of key “%s” is damaged: a field is missing or unknown"), name);
      return NULL;
    }

  return g_steal_pointer (&record);
}

static GBytes *
read_key_file (IdemKeystore  *self,
               const char    *name,
               const char    *suffix,
               GError       **error)
{
  g_autofree char *path = key_path (self, name, suffix);
  g_autoptr(GError) local_error = NULL;
  char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      /* The record exists (callers read it first), so a missing key file
       * means the key is damaged, not absent. */
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_set_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_CORRUPT,
                     _("Key “%s” is damaged: %s is missing"), name, path);
      else
        g_set_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_IO,
                     _("Could not read %s: %s"), path, local_error->message);
      return NULL;
    }

  return g_bytes_new_take (contents, length);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
remove_key_files (IdemKeystore *self,
                  const char   *name)
{
  static const char * const suffixes[] = { ".meta", ".pub.pem", ".key.pem" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = key_path (self, name, suffixes[i]);

      g_unlink (path);
    }
}

static void
idem_keystore_finalize (GObject *object)
{
  IdemKeystore *self = (IdemKeystore *)object;

  g_clear_pointer (&self->directory, g_free);

  G_OBJECT_CLASS (idem_keystore_parent_class)->finalize (object);
}

static void
idem_keystore_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  IdemKeystore *self = IDEM_KEYSTORE (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      g_value_set_string (value, self->directory);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
idem_keystore_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  IdemKeystore *self = IDEM_KEYSTORE (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      self->directory = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
idem_keystore_class_init (IdemKeystoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = idem_keystore_finalize;
  object_class->get_property = idem_keystore_get_property;
  object_class->set_property = idem_keystore_set_property;

  /**
   * IdemKeystore:directory:
   *
   * The directory holding the keys.  Fixed at construction: a keystore is
   * bound to one directory for its whole life.
   */
  properties[PROP_DIRECTORY] =
    g_param_spec_string ("directory", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
idem_keystore_init (IdemKeystore *self)
{
}

/**
 * idem_key_type_to_string:
 * @type: a key type
 *
 * Returns: (nullable): the stable name of @type as stored in key records
 *   ("rsa-3072", "ed25519"), or %NULL for an unknown type
 */
const char *
idem_key_type_to_string (IdemKeyType type)
{
  for (guint i = 0; i < G_N_ELEMENTS (key_types); i++)
    {
      if (key_types[i].type == type)
        return key_types[i].name;
    }

  return NULL;
}

/**
 * idem_key_type_from_string:
 * @string: a key type's name
 * @type: (out): the key type
 *
 * Returns: whether @string names a key type
 */
gboolean
idem_key_type_from_string (const char  *string,
                           IdemKeyType *type)
{
  g_return_val_if_fail (type != NULL, FALSE);

  if (string == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (key_types); i++)
    {
      if (g_str_equal (key_types[i].name, string))
        {
          *type = key_types[i].type;
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * idem_keystore_new:
 * @directory: the directory holding the keys; created on the first generate
 *
 * Returns: (transfer full): a keystore bound to @directory
 */
IdemKeystore *
idem_keystore_new (const char *directory)
{
  g_return_val_if_fail (directory != NULL, NULL);

  return g_object_new (IDEM_TYPE_KEYSTORE,
                       "directory", directory,
                       NULL);
}

const char *
idem_keystore_get_directory (IdemKeystore *self)
{
  g_return_val_if_fail (IDEM_IS_KEYSTORE (self), NULL);

  return self->directory;
}

/**
 * idem_keystore_generate:
 * @self: a keystore
 * @name: the new key's name: letters, digits, "-" and "_"
 * @type: the kind of key
 * @passphrase: the passphrase that encrypts the private key; not kept
 * @error: return location for an error in %IDEM_KEYSTORE_ERROR
 *
 * Generates a key pair and stores it under @name.  Refuses with
 * %IDEM_KEYSTORE_ERROR_EXISTS to replace a key.  The directory is created
 * (mode 0700) when missing.  RSA generation takes up to a few seconds: see
 * idem_keystore_generate_async() for callers on a main loop.
 *
 * Returns: whether the key was generated and stored
 */
gboolean
idem_keystore_generate (IdemKeystore  *self,
                        const char    *name,
                        IdemKeyType    type,
                        const char    *passphrase,
                        GError       **error)
{
  g_autoptr(EVP_PKEY) key = NULL;
  g_autoptr(GBytes) private_pem = NULL;
  g_autoptr(GBytes) public_pem = NULL;
  g_autoptr(GKeyFile) record = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *private_path = NULL;
  g_autofree char *public_path = NULL;
  g_autofree char *record_path = NULL;
  g_autofree char *private_sha256 = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *created = NULL;
  g_autofree char *record_data = NULL;
  gsize record_length = 0;

  g_return_val_if_fail (IDEM_IS_KEYSTORE (self), FALSE);
  g_return_val_if_fail (passphrase != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_name (name, error))
    return FALSE;

  if (passphrase[0] == '\0')
    {
      g_set_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_INVALID_ARGUMENT,
                   _("A key cannot be stored without a passphrase"));
      return FALSE;
    }

  if (idem_key_type_to_string (type) == NULL)
    {
      g_set_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_INVALID_ARGUMENT,
                   _("Unknown key type %d"), (int) type);
      return FALSE;
    }

  private_path = key_path (self, name, ".key.pem");
  public_path = key_path (self, name, ".pub.pem");
  record_path = key_path (self, name, ".meta");

  /* Any of the three files, even a leftover of an interrupted generation,
   * means the name is taken: never guess which one is right. */
  if (g_file_test (private_path, G_FILE_TEST_EXISTS) ||
      g_file_test (public_path, G_FILE_TEST_EXISTS) ||
      g_file_test (record_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_EXISTS,
                   _("A key named “%s” already exists in %s"), name, self->directory);
      return FALSE;
    }

  if (g_mkdir_with_parents (self->directory, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_IO,
                   _("Could not create the key directory %s: %s"),
                   self->directory, g_strerror (saved_errno));
      return FALSE;
    }

  if (!(key = generate_key (type, error)) ||
      !(private_pem = encrypt_private_key (key, passphrase, error)) ||
      !(public_pem = encode_public_key (key, error)))
    return FALSE;

  fingerprint = idem_public_key_fingerprint (key);
  if (fingerprint == NULL)
    {
      set_crypto_error (error, _("Could not encode the public key"));
      return FALSE;
    }

  private_sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, private_pem);
  now = g_date_time_new_now_utc ();
  created = g_date_time_format_iso8601 (now);

  record = g_key_file_new ();
  g_key_file_set_string (record, META_GROUP, "type", idem_key_type_to_string (type));
  g_key_file_set_string (record, META_GROUP, "created", created);
  g_key_file_set_string (record, META_GROUP, "private-sha256", private_sha256);
  g_key_file_set_string (record, META_GROUP, "fingerprint", fingerprint);
  record_data = g_key_file_to_data (record, &record_length, NULL);

  if (!write_file_atomically (private_path,
                              g_bytes_get_data (private_pem, NULL),
                              g_bytes_get_size (private_pem),
                              0600, error))
    return FALSE;

  if (!write_file_atomically (public_path,
                              g_bytes_get_data (public_pem, NULL),
                              g_bytes_get_size (public_pem),
                              0644, error) ||
      !write_file_atomically (record_path, record_data, record_length, 0644, error))
    {
      remove_key_files (self, name);
      return FALSE;
    }

  g_debug ("Generated %s key “%s” with fingerprint %s",
           idem_key_type_to_string (type), name, fingerprint);

  return TRUE;
}

typedef struct
{
  char        *name;
  char        *passphrase;
  IdemKeyType  type;
} GenerateData;

static void
generate_data_free (GenerateData *data)
{
  g_free (data->name);
  if (data->passphrase != NULL)
    {
      OPENSSL_cleanse (data->passphrase, strlen (data->passphrase));
      g_free (data->passphrase);
    }
  g_free (data);
}

static void
generate_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GenerateData *data = task_data;
  GError *error = NULL;

  if (idem_keystore_generate (source_object, data->name, data->type, data->passphrase, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * idem_keystore_generate_async:
 * @self: a keystore
 * @name: the new key's name
 * @type: the kind of key
 * @passphrase: the passphrase; copied, and the copy wiped when done
 * @cancellable: (nullable): a #GCancellable; generation itself cannot be
 *   interrupted, but a cancelled task reports %G_IO_ERROR_CANCELLED
 * @callback: called when the key is stored
 * @user_data: data for @callback
 *
 * Generates and stores a key in a worker thread: see idem_keystore_generate().
 */
void
idem_keystore_generate_async (IdemKeystore        *self,
                              const char          *name,
                              IdemKeyType          type,
                              const char          *passphrase,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GenerateData *data;

  g_return_if_fail (IDEM_IS_KEYSTORE (self));
  g_return_if_fail (passphrase != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (GenerateData, 1);
  data->name = g_strdup (name);
  data->type = type;
  data->passphrase = g_strdup (passphrase);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, idem_keystore_generate_async);
  g_task_set_task_data (task, data, (GDestroyNotify) generate_data_free);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, generate_thread);
}

gboolean
idem_keystore_generate_finish (IdemKeystore  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (IDEM_IS_KEYSTORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * idem_keystore_load_private:
 * @self: a keystore
 * @name: the key's name
 * @passphrase: the passphrase the key was stored with; not kept
 * @error: return location for an error in %IDEM_KEYSTORE_ERROR
 *
 * Reads and decrypts a private key.  Before decrypting, the file is checked
 * against the digest recorded when it was written, so a damaged file gives
 * %IDEM_KEYSTORE_ERROR_CORRUPT and only a wrong passphrase gives
 * %IDEM_KEYSTORE_ERROR_WRONG_PASSPHRASE.
 *
 * Returns: (transfer full) (nullable): the key pair, free with EVP_PKEY_free()
 */
EVP_PKEY *
idem_keystore_load_private (IdemKeystore  *self,
                            const char    *name,
                            const char    *passphrase,
                            GError       **error)
{
  g_autoptr(KeyRecord) record = NULL;
  g_autoptr(GBytes) pem = NULL;
  g_autoptr(BIO) bio = NULL;
  g_autoptr(X509_SIG) encrypted = NULL;
  g_autoptr(PKCS8_PRIV_KEY_INFO) info = NULL;
  g_autoptr(EVP_PKEY) key = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *fingerprint = NULL;

  g_return_val_if_fail (IDEM_IS_KEYSTORE (self), NULL);
  g_return_val_if_fail (passphrase != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_name (name, error) ||
      !(record = read_record (self, name, error)) ||
      !(pem = read_key_file (self, name, ".key.pem", error)))
    return NULL;

  sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, pem);
  if (g_ascii_strcasecmp (sha256, record->private_sha256) != 0)
    {
      g_set_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_CORRUPT,
                   _("The private key file of “%s” is damaged: it does not match its recorded digest"),
                   name);
      return NULL;
    }

  bio = BIO_new_mem_buf (g_bytes_get_data (pem, NULL), g_bytes_get_size (pem));
  encrypted = bio != NULL ? PEM_read_bio_PKCS8 (bio, NULL, NULL, NULL) : NULL;
  if (encrypted == NULL)
    {
      ERR_clear_error ();
      g_set_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_CORRUPT,
                   _("The private key file of “%s” is not an encrypted PKCS#8 key"), name);
      return NULL;
    }

  info = PKCS8_decrypt (encrypted, passphrase, strlen (passphrase));
  if (info == NULL)
    {
      ERR_clear_error ();
      g_set_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_WRONG_PASSPHRASE,
                   _("Wrong passphrase for key “%s”"), name);
      return NULL;
    }

  key = EVP_PKCS82PKEY (info);
  if (key == NULL)
    {
      ERR_clear_error ();
      g_set_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_CORRUPT,
                   _("The private key of “%s” cannot be decoded"), name);
      return NULL;
    }

  fingerprint = idem_public_key_fingerprint (key);
  if (!key_has_type (key, record->type) ||
      fingerprint == NULL ||
      g_ascii_strcasecmp (fingerprint, record->fingerprint) != 0)
    {
      g_set_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_CORRUPT,
                   _("The private key of “%s” does not match its record"), name);
      return NULL;
    }

  return g_steal_pointer (&key);
}

/**
 * idem_keystore_load_public:
 * @self: a keystore
 * @name: the key's name
 * @error: return location for an error in %IDEM_KEYSTORE_ERROR
 *
 * Reads a public key, checked against the fingerprint recorded for @name.
 * Needs no passphrase.
 *
 * Returns: (transfer full) (nullable): the public key, free with EVP_PKEY_free()
 */
EVP_PKEY *
idem_keystore_load_public (IdemKeystore  *self,
                           const char    *name,
                           GError       **error)
{
  g_autoptr(KeyRecord) record = NULL;
  g_autoptr(GBytes) pem = NULL;
  g_autoptr(BIO) bio = NULL;
  g_autoptr(EVP_PKEY) key = NULL;
  g_autofree char *fingerprint = NULL;

  g_return_val_if_fail (IDEM_IS_KEYSTORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_name (name, error) ||
      !(record = read_record (self, name, error)) ||
      !(pem = read_key_file (self, name, ".pub.pem", error)))
    return NULL;

  bio = BIO_new_mem_buf (g_bytes_get_data (pem, NULL), g_bytes_get_size (pem));
  key = bio != NULL ? PEM_read_bio_PUBKEY (bio, NULL, NULL, NULL) : NULL;
  if (key != NULL)
    fingerprint = idem_public_key_fingerprint (key);
  ERR_clear_error ();

  if (key == NULL || !key_has_type (key, record->type) ||
      fingerprint == NULL ||
      g_ascii_strcasecmp (fingerprint, record->fingerprint) != 0)
    {
      g_set_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_CORRUPT,
                   _("The public key file of “%s” is damaged or does not match its record"),
                   name);
      return NULL;
    }

  return g_steal_pointer (&key);
}

/**
 * idem_keystore_get_public_pem:
 * @self: a keystore
 * @name: the key's name
 * @error: return location for an error in %IDEM_KEYSTORE_ERROR
 *
 * Returns: (transfer full) (nullable): the public key as SubjectPublicKeyInfo
 *   PEM, checked against its record, for publishing to partners and machines
 */
char *
idem_keystore_get_public_pem (IdemKeystore  *self,
                              const char    *name,
                              GError       **error)
{
  g_autoptr(EVP_PKEY) key = NULL;
  g_autoptr(GBytes) pem = NULL;

  g_return_val_if_fail (IDEM_IS_KEYSTORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(key = idem_keystore_load_public (self, name, error)) ||
      !(pem = encode_public_key (key, error)))
    return NULL;

  return g_strndup (g_bytes_get_data (pem, NULL), g_bytes_get_size (pem));
}

/**
 * idem_keystore_get_key_type:
 * @self: a keystore
 * @name: the key's name
 * @type: (out): the key's type
 * @error: return location for an error in %IDEM_KEYSTORE_ERROR
 *
 * Returns: whether the key exists and its type was read
 */
gboolean
idem_keystore_get_key_type (IdemKeystore  *self,
                            const char    *name,
                            IdemKeyType   *type,
                            GError       **error)
{
  g_autoptr(KeyRecord) record = NULL;

  g_return_val_if_fail (IDEM_IS_KEYSTORE (self), FALSE);
  g_return_val_if_fail (type != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_name (name, error) || !(record = read_record (self, name, error)))
    return FALSE;

  *type = record->type;
  return TRUE;
}

/**
 * idem_keystore_get_fingerprint:
 * @self: a keystore
 * @name: the key's name
 * @error: return location for an error in %IDEM_KEYSTORE_ERROR
 *
 * The fingerprint is the SHA-256 of the public key's DER SubjectPublicKeyInfo,
 * in lowercase hex: what `openssl pkey -pubin -outform DER | sha256sum` shows,
 * so an operator can compare it with a partner's copy.
 *
 * Returns: (transfer full) (nullable): the fingerprint, computed from the
 *   public key file (not merely read from the record)
 */
char *
idem_keystore_get_fingerprint (IdemKeystore  *self,
                               const char    *name,
                               GError       **error)
{
  g_autoptr(EVP_PKEY) key = NULL;

  g_return_val_if_fail (IDEM_IS_KEYSTORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  key = idem_keystore_load_public (self, name, error);
  if (key == NULL)
    return NULL;

  return idem_public_key_fingerprint (key);
}

/**
 * idem_keystore_has_key:
 * @self: a keystore
 * @name: a key name
 *
 * Returns: whether a key named @name has been stored (its record exists)
 */
gboolean
idem_keystore_has_key (IdemKeystore *self,
                       const char   *name)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (IDEM_IS_KEYSTORE (self), FALSE);

  if (!name_is_valid (name))
    return FALSE;

  path = key_path (self, name, ".meta");
  return g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

/**
 * idem_keystore_list:
 * @self: a keystore
 * @error: return location for an error in %IDEM_KEYSTORE_ERROR
 *
 * A directory that does not exist yet holds no keys: that is an empty list,
 * not an error.
 *
 * Returns: (transfer full) (nullable): the names of the stored keys, sorted
 */
char **
idem_keystore_list (IdemKeystore  *self,
                    GError       **error)
{
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *entry;

  g_return_val_if_fail (IDEM_IS_KEYSTORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  names = g_ptr_array_new_with_free_func (g_free);

  dir = g_dir_open (self->directory, 0, &local_error);
  if (dir == NULL)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_ptr_array_add (names, NULL);
          return (char **) g_ptr_array_steal (names, NULL);
        }

      g_set_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_IO,
                   _("Could not list the keys in %s: %s"),
                   self->directory, local_error->message);
      return NULL;
    }

  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *name = NULL;

      if (!g_str_has_suffix (entry, ".meta"))
        continue;

      name = g_strndup (entry, strlen (entry) - strlen (".meta"));
      if (name_is_valid (name))
        g_ptr_array_add (names, g_steal_pointer (&name));
    }

  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_steal (names, NULL);
}
