/* reg-machine-key.c — where the machine's signing key lives
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "reg-machine-key"

#include "config.h"

#include "reg-machine-key.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#define KEY_NAME        "machine-signing"
#define PASSPHRASE_FILE "machine-key.passphrase"

G_DEFINE_INTERFACE (RegMachineKey, reg_machine_key, G_TYPE_OBJECT)

static void
reg_machine_key_default_init (RegMachineKeyInterface *iface)
{
}

/**
 * reg_machine_key_has_key:
 * @self: a #RegMachineKey
 *
 * Returns: whether the machine has a key pair
 */
gboolean
reg_machine_key_has_key (RegMachineKey *self)
{
  g_return_val_if_fail (REG_IS_MACHINE_KEY (self), FALSE);

  return REG_MACHINE_KEY_GET_IFACE (self)->has_key (self);
}

/**
 * reg_machine_key_generate:
 * @self: a #RegMachineKey
 * @error: return location for a #GError
 *
 * Creates the machine's Ed25519 key pair.  It never replaces one: a machine
 * whose key changes must be registered again.
 *
 * Returns: %TRUE when the key pair was created
 */
gboolean
reg_machine_key_generate (RegMachineKey  *self,
                          GError        **error)
{
  g_return_val_if_fail (REG_IS_MACHINE_KEY (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return REG_MACHINE_KEY_GET_IFACE (self)->generate (self, error);
}

/**
 * reg_machine_key_load_private:
 * @self: a #RegMachineKey
 * @error: return location for a #GError
 *
 * Returns: (transfer full): a key that signs as the machine, or %NULL with
 *   @error set
 */
EVP_PKEY *
reg_machine_key_load_private (RegMachineKey  *self,
                              GError        **error)
{
  g_return_val_if_fail (REG_IS_MACHINE_KEY (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return REG_MACHINE_KEY_GET_IFACE (self)->load_private (self, error);
}

/**
 * reg_machine_key_load_public:
 * @self: a #RegMachineKey
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the machine's public key, or %NULL with @error
 *   set
 */
EVP_PKEY *
reg_machine_key_load_public (RegMachineKey  *self,
                             GError        **error)
{
  g_return_val_if_fail (REG_IS_MACHINE_KEY (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return REG_MACHINE_KEY_GET_IFACE (self)->load_public (self, error);
}

/* The software backend: a keystore, and beside it a random passphrase in a
 * 0600 file.  The file stands in for what a TPM would seal; it keeps the
 * key off the disk in clear and makes a copied keystore alone useless. */

#define REG_TYPE_SOFTWARE_MACHINE_KEY (reg_software_machine_key_get_type ())

G_DECLARE_FINAL_TYPE (RegSoftwareMachineKey, reg_software_machine_key, REG, SOFTWARE_MACHINE_KEY, GObject)

struct _RegSoftwareMachineKey
{
  GObject       parent_instance;

  char         *directory;
  IdemKeystore *keystore;
};

static void reg_software_machine_key_iface_init (RegMachineKeyInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (RegSoftwareMachineKey, reg_software_machine_key, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (REG_TYPE_MACHINE_KEY, reg_software_machine_key_iface_init))

static char *
read_passphrase (RegSoftwareMachineKey  *self,
                 gboolean                create,
                 GError                **error)
{
  g_autofree char *path = g_build_filename (self->directory, PASSPHRASE_FILE, NULL);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *passphrase = NULL;
  guint8 secret[32];

  if (g_file_get_contents (path, &passphrase, NULL, &local_error))
    return g_steal_pointer (&passphrase);

  if (!create || !g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      g_set_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_IO,
                   _("Could not read the machine key’s passphrase: %s"), local_error->message);
      return NULL;
    }

  if (!idem_crypto_random_bytes (secret, sizeof secret, error))
    return NULL;

  passphrase = g_base64_encode (secret, sizeof secret);
  idem_crypto_wipe (secret, sizeof secret);

  g_clear_error (&local_error);
  if (!g_file_set_contents_full (path, passphrase, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local_error))
    {
      g_set_error (error, IDEM_KEYSTORE_ERROR, IDEM_KEYSTORE_ERROR_IO,
                   _("Could not write the machine key’s passphrase: %s"), local_error->message);
      idem_crypto_wipe (passphrase, strlen (passphrase));
      return NULL;
    }

  return g_steal_pointer (&passphrase);
}

static gboolean
software_has_key (RegMachineKey *key)
{
  RegSoftwareMachineKey *self = REG_SOFTWARE_MACHINE_KEY (key);

  return idem_keystore_has_key (self->keystore, KEY_NAME);
}

static gboolean
software_generate (RegMachineKey  *key,
                   GError        **error)
{
  RegSoftwareMachineKey *self = REG_SOFTWARE_MACHINE_KEY (key);
  g_autofree char *passphrase = NULL;
  gboolean ok;

  passphrase = read_passphrase (self, TRUE, error);
  if (passphrase == NULL)
    return FALSE;

  ok = idem_keystore_generate (self->keystore, KEY_NAME, IDEM_KEY_TYPE_ED25519, passphrase, error);
  idem_crypto_wipe (passphrase, strlen (passphrase));

  return ok;
}

static EVP_PKEY *
software_load_private (RegMachineKey  *key,
                       GError        **error)
{
  RegSoftwareMachineKey *self = REG_SOFTWARE_MACHINE_KEY (key);
  g_autofree char *passphrase = NULL;
  EVP_PKEY *pkey;

  passphrase = read_passphrase (self, FALSE, error);
  if (passphrase == NULL)
    return NULL;

  pkey = idem_keystore_load_private (self->keystore, KEY_NAME, passphrase, error);
  idem_crypto_wipe (passphrase, strlen (passphrase));

  return pkey;
}

static EVP_PKEY *
software_load_public (RegMachineKey  *key,
                      GError        **error)
{
  RegSoftwareMachineKey *self = REG_SOFTWARE_MACHINE_KEY (key);

  return idem_keystore_load_public (self->keystore, KEY_NAME, error);
}

static void
reg_software_machine_key_iface_init (RegMachineKeyInterface *iface)
{
  iface->has_key = software_has_key;
  iface->generate = software_generate;
  iface->load_private = software_load_private;
  iface->load_public = software_load_public;
}

static void
reg_software_machine_key_finalize (GObject *object)
{
  RegSoftwareMachineKey *self = REG_SOFTWARE_MACHINE_KEY (object);

  g_clear_object (&self->keystore);
  g_clear_pointer (&self->directory, g_free);

  G_OBJECT_CLASS (reg_software_machine_key_parent_class)->finalize (object);
}

static void
reg_software_machine_key_class_init (RegSoftwareMachineKeyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = reg_software_machine_key_finalize;
}

static void
reg_software_machine_key_init (RegSoftwareMachineKey *self)
{
}

/**
 * reg_machine_key_new_software:
 * @directory: the directory holding the keystore (`keys/`) and passphrase
 *
 * Returns: (transfer full): the software key backend
 */
RegMachineKey *
reg_machine_key_new_software (const char *directory)
{
  RegSoftwareMachineKey *self;
  g_autofree char *keys = NULL;

  g_return_val_if_fail (directory != NULL, NULL);

  self = g_object_new (REG_TYPE_SOFTWARE_MACHINE_KEY, NULL);
  self->directory = g_strdup (directory);
  keys = g_build_filename (directory, "keys", NULL);
  self->keystore = idem_keystore_new (keys);

  return REG_MACHINE_KEY (self);
}
