/* srv-keys.c — creating and loading the server's keys
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The keys live in the software keystore (libcore's IdemKeystore) under the
 * data directory, encrypted with a passphrase.  `init` generates a random
 * passphrase into a 0600 file next to the keys, so a development or demo
 * server starts unattended.  That file protects the keys no better than the
 * file system does: a production deployment supplies the passphrase from a
 * secret store (systemd credentials, Vault, a TPM-sealed secret) by pointing
 * [keys] passphrase-file at it, or moves the keys into an HSM behind the same
 * keystore interface.
 */

#define G_LOG_DOMAIN "idem-server"

#include "config.h"

#include "srv-keys.h"
#include "srv-error.h"

#include "idem.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sys/stat.h>

#define PASSPHRASE_BYTES 32

/* A buffer holding a secret: wiped before it is freed. */
static void
secret_free (char *secret)
{
  if (secret == NULL)
    return;

  OPENSSL_cleanse (secret, strlen (secret));
  g_free (secret);
}

typedef char SrvSecret;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrvSecret, secret_free)

static char *
read_passphrase (const char  *path,
                 GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(SrvSecret) contents = NULL;
  gsize length = 0;
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, SRV_ERROR, SRV_ERROR_KEYS,
                   _("Could not read the keystore passphrase %s: %s"),
                   path, g_strerror (saved_errno));
      return NULL;
    }

  /* Like ssh with its keys: a passphrase others can read is refused, not
   * used, so the mistake is noticed. */
  if ((st.st_mode & 0077) != 0)
    {
      g_set_error (error, SRV_ERROR, SRV_ERROR_KEYS,
                   _("The keystore passphrase %s can be read by other users: run “chmod 600 %s”"),
                   path, path);
      return NULL;
    }

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, SRV_ERROR, SRV_ERROR_KEYS,
                   _("Could not read the keystore passphrase: %s"), local_error->message);
      return NULL;
    }

  g_strchomp (contents);
  if (contents[0] == '\0')
    {
      g_set_error (error, SRV_ERROR, SRV_ERROR_KEYS,
                   _("The keystore passphrase file %s is empty"), path);
      return NULL;
    }

  return g_steal_pointer (&contents);
}

static gboolean
write_passphrase (const char  *path,
                  GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(SrvSecret) hex = NULL;
  guchar random[PASSPHRASE_BYTES];
  gboolean ok;

  if (RAND_priv_bytes (random, sizeof random) != 1)
    {
      g_set_error (error, SRV_ERROR, SRV_ERROR_KEYS,
                   _("The system random number generator failed"));
      return FALSE;
    }

  hex = g_malloc (2 * sizeof random + 2);
  for (gsize i = 0; i < sizeof random; i++)
    g_snprintf (hex + 2 * i, 3, "%02x", random[i]);
  hex[2 * sizeof random] = '\n';
  hex[2 * sizeof random + 1] = '\0';
  OPENSSL_cleanse (random, sizeof random);

  ok = g_file_set_contents_full (path, hex, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local_error);
  if (!ok)
    g_set_error (error, SRV_ERROR, SRV_ERROR_IO,
                 _("Could not write the keystore passphrase: %s"), local_error->message);

  return ok;
}

/**
 * srv_keys_create:
 * @config: the data directory's configuration
 * @error: return location for an error in %SRV_ERROR
 *
 * Generates the keystore passphrase and the server's two key pairs.
 *
 * Returns: whether everything was created
 */
gboolean
srv_keys_create (SrvConfig  *config,
                 GError    **error)
{
  g_autoptr(IdemKeystore) keystore = NULL;
  g_autoptr(SrvSecret) passphrase = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *passphrase_dir = NULL;

  g_return_val_if_fail (config != NULL, FALSE);

  passphrase_dir = g_path_get_dirname (config->passphrase_file);
  if (g_mkdir_with_parents (config->keys_dir, 0700) != 0 ||
      g_mkdir_with_parents (passphrase_dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, SRV_ERROR, SRV_ERROR_IO,
                   _("Could not create the key directory %s: %s"),
                   config->keys_dir, g_strerror (saved_errno));
      return FALSE;
    }

  if (!write_passphrase (config->passphrase_file, error) ||
      !(passphrase = read_passphrase (config->passphrase_file, error)))
    return FALSE;

  keystore = idem_keystore_new (config->keys_dir);
  if (!idem_keystore_generate (keystore, config->signing_key, IDEM_KEY_TYPE_ED25519,
                               passphrase, &local_error) ||
      !idem_keystore_generate (keystore, config->encryption_key, IDEM_KEY_TYPE_RSA_3072,
                               passphrase, &local_error))
    {
      g_set_error (error, SRV_ERROR, SRV_ERROR_KEYS,
                   _("Could not generate the server’s keys: %s"), local_error->message);
      return FALSE;
    }

  return TRUE;
}

static gboolean
load_one (IdemKeystore  *keystore,
          const char    *name,
          IdemKeyType    type,
          const char    *passphrase,
          EVP_PKEY     **key,
          char         **fingerprint,
          GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  IdemKeyType stored_type = 0;

  if (!idem_keystore_get_key_type (keystore, name, &stored_type, &local_error) ||
      !(*key = idem_keystore_load_private (keystore, name, passphrase, &local_error)))
    {
      g_set_error (error, SRV_ERROR, SRV_ERROR_KEYS,
                   _("Could not load the server key “%s”: %s"), name, local_error->message);
      return FALSE;
    }

  if (stored_type != type)
    {
      g_set_error (error, SRV_ERROR, SRV_ERROR_KEYS,
                   _("The server key “%s” is a %s key, but a %s key is needed"),
                   name, idem_key_type_to_string (stored_type), idem_key_type_to_string (type));
      return FALSE;
    }

  *fingerprint = idem_public_key_fingerprint (*key);
  return TRUE;
}

/**
 * srv_keys_load:
 * @config: the data directory's configuration
 * @error: return location for a %SRV_ERROR_KEYS error
 *
 * Reads the passphrase, loads both key pairs and wipes the passphrase.
 *
 * Returns: (transfer full) (nullable): the server's keys
 */
SrvKeys *
srv_keys_load (SrvConfig  *config,
               GError    **error)
{
  g_autoptr(SrvKeys) keys = g_new0 (SrvKeys, 1);
  g_autoptr(IdemKeystore) keystore = NULL;
  g_autoptr(SrvSecret) passphrase = NULL;

  g_return_val_if_fail (config != NULL, NULL);

  if (!(passphrase = read_passphrase (config->passphrase_file, error)))
    return NULL;

  keystore = idem_keystore_new (config->keys_dir);
  if (!load_one (keystore, config->signing_key, IDEM_KEY_TYPE_ED25519, passphrase,
                 &keys->signing, &keys->signing_fingerprint, error) ||
      !load_one (keystore, config->encryption_key, IDEM_KEY_TYPE_RSA_3072, passphrase,
                 &keys->encryption, &keys->encryption_fingerprint, error))
    return NULL;

  return g_steal_pointer (&keys);
}

void
srv_keys_free (SrvKeys *keys)
{
  if (keys == NULL)
    return;

  g_clear_pointer (&keys->signing, EVP_PKEY_free);
  g_clear_pointer (&keys->encryption, EVP_PKEY_free);
  g_free (keys->signing_fingerprint);
  g_free (keys->encryption_fingerprint);
  g_free (keys);
}
