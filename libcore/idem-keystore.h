/* idem-keystore.h — named private keys, stored encrypted in a directory
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#if !defined(IDEM_INSIDE) && !defined(IDEM_COMPILATION)
# error "Only <idem.h> can be included directly."
#endif

#include <gio/gio.h>
#include <openssl/evp.h>

G_BEGIN_DECLS

/**
 * IdemKeyType:
 * @IDEM_KEY_TYPE_RSA_3072: RSA with a 3072-bit modulus, for RSA-OAEP key
 *   wrapping (MOSIP packet encryption) and RSA-SHA256 signatures
 * @IDEM_KEY_TYPE_ED25519: Ed25519, for signatures
 *
 * The kinds of key the keystore generates.  The values are stable: they are
 * never renumbered, new kinds (EC P-256 for ES256, say) are appended.
 */
typedef enum
{
  IDEM_KEY_TYPE_RSA_3072 = 1,
  IDEM_KEY_TYPE_ED25519  = 2,
} IdemKeyType;

#define IDEM_KEYSTORE_ERROR (idem_keystore_error_quark ())

/**
 * IdemKeystoreError:
 * @IDEM_KEYSTORE_ERROR_NOT_FOUND: no key has that name
 * @IDEM_KEYSTORE_ERROR_WRONG_PASSPHRASE: the passphrase does not decrypt the key
 * @IDEM_KEYSTORE_ERROR_CORRUPT: a key file is damaged or does not match its record
 * @IDEM_KEYSTORE_ERROR_IO: the directory or a file could not be read or written
 * @IDEM_KEYSTORE_ERROR_EXISTS: a key with that name already exists
 * @IDEM_KEYSTORE_ERROR_INVALID_ARGUMENT: a bad key name, key type or empty passphrase
 * @IDEM_KEYSTORE_ERROR_CRYPTO: OpenSSL failed to generate or encode a key
 *
 * Stable error codes of %IDEM_KEYSTORE_ERROR: values are never renumbered.
 */
typedef enum
{
  IDEM_KEYSTORE_ERROR_NOT_FOUND = 1,
  IDEM_KEYSTORE_ERROR_WRONG_PASSPHRASE = 2,
  IDEM_KEYSTORE_ERROR_CORRUPT = 3,
  IDEM_KEYSTORE_ERROR_IO = 4,
  IDEM_KEYSTORE_ERROR_EXISTS = 5,
  IDEM_KEYSTORE_ERROR_INVALID_ARGUMENT = 6,
  IDEM_KEYSTORE_ERROR_CRYPTO = 7,
} IdemKeystoreError;

#define IDEM_TYPE_KEYSTORE (idem_keystore_get_type ())

G_DECLARE_FINAL_TYPE (IdemKeystore, idem_keystore, IDEM, KEYSTORE, GObject)

GQuark        idem_keystore_error_quark          (void);

const char   *idem_key_type_to_string            (IdemKeyType          type);
gboolean      idem_key_type_from_string          (const char          *string,
                                                  IdemKeyType         *type);

IdemKeystore *idem_keystore_new                  (const char          *directory);
const char   *idem_keystore_get_directory        (IdemKeystore        *self);
gboolean      idem_keystore_generate             (IdemKeystore        *self,
                                                  const char          *name,
                                                  IdemKeyType          type,
                                                  const char          *passphrase,
                                                  GError             **error);
void          idem_keystore_generate_async       (IdemKeystore        *self,
                                                  const char          *name,
                                                  IdemKeyType          type,
                                                  const char          *passphrase,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean      idem_keystore_generate_finish      (IdemKeystore        *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
EVP_PKEY     *idem_keystore_load_private         (IdemKeystore        *self,
                                                  const char          *name,
                                                  const char          *passphrase,
                                                  GError             **error);
EVP_PKEY     *idem_keystore_load_public          (IdemKeystore        *self,
                                                  const char          *name,
                                                  GError             **error);
char         *idem_keystore_get_public_pem       (IdemKeystore        *self,
                                                  const char          *name,
                                                  GError             **error);
gboolean      idem_keystore_get_key_type         (IdemKeystore        *self,
                                                  const char          *name,
                                                  IdemKeyType         *type,
                                                  GError             **error);
char         *idem_keystore_get_fingerprint      (IdemKeystore        *self,
                                                  const char          *name,
                                                  GError             **error);
gboolean      idem_keystore_has_key              (IdemKeystore        *self,
                                                  const char          *name);
char        **idem_keystore_list                 (IdemKeystore        *self,
                                                  GError             **error);

char         *idem_public_key_fingerprint        (EVP_PKEY            *key);

G_END_DECLS
