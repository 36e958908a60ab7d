/* srv-data-keys.c — the symmetric keys that seal identity data
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The hierarchy:
 *
 *   server-encryption (RSA-3072, in the keystore, under its passphrase)
 *     └─ wraps (RSA-OAEP-SHA256) the data root key: 32 random bytes,
 *        stored wrapped in the database's data_key table
 *          └─ HKDF-SHA256 (salt "idem-data-keys-v1", info the purpose)
 *               demographics, biometrics, documents, events: AES-256-GCM
 *               lookup: HMAC-SHA256 of UINs and VIDs
 *
 * The root is made on the first start after migration and travels with
 * the database, so a backup holds everything but the keystore and its
 * passphrase; without those the sealed records cannot be opened.  A
 * purpose key can be replaced by changing its info label (with a
 * re-encryption pass) without touching the others.
 */

#define G_LOG_DOMAIN "idem-server"

#include "config.h"

#include "srv-data-keys.h"
#include "srv-error.h"

#include "idem.h"

#include <glib/gi18n.h>
#include <string.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

#define ROOT_NAME "root"
#define SALT "idem-data-keys-v1"

static GBytes *
read_wrapped_root (sqlite3  *db,
                   GError  **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, "SELECT wrapped FROM data_key WHERE name = ?", -1, &statement, NULL) != SQLITE_OK)
    goto fail;
  sqlite3_bind_text (statement, 1, ROOT_NAME, -1, SQLITE_STATIC);
  rc = sqlite3_step (statement);
  if (rc == SQLITE_DONE)
    return NULL;
  if (rc != SQLITE_ROW)
    goto fail;

  return g_bytes_new (sqlite3_column_blob (statement, 0), sqlite3_column_bytes (statement, 0));

fail:
  g_set_error (error, SRV_ERROR, SRV_ERROR_DATABASE, _("Could not read the data keys: %s"), sqlite3_errmsg (db));
  return NULL;
}

static GBytes *
create_root (sqlite3   *db,
             EVP_PKEY  *encryption_key,
             GError   **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  g_autoptr(GBytes) wrapped = NULL;
  guint8 root[32];

  if (!idem_crypto_random_bytes (root, sizeof root, error))
    return NULL;

  wrapped = idem_rsa_oaep_wrap (encryption_key, root, sizeof root, error);
  idem_crypto_wipe (root, sizeof root);
  if (wrapped == NULL)
    return NULL;

  if (sqlite3_prepare_v2 (db,
                          "INSERT INTO data_key (name, wrapped, created)"
                          " VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                          -1, &statement, NULL) != SQLITE_OK)
    goto fail;
  sqlite3_bind_text (statement, 1, ROOT_NAME, -1, SQLITE_STATIC);
  sqlite3_bind_blob (statement, 2, g_bytes_get_data (wrapped, NULL), g_bytes_get_size (wrapped), SQLITE_STATIC);
  if (sqlite3_step (statement) != SQLITE_DONE)
    goto fail;

  return g_steal_pointer (&wrapped);

fail:
  g_set_error (error, SRV_ERROR, SRV_ERROR_DATABASE, _("Could not store the data root key: %s"), sqlite3_errmsg (db));
  return NULL;
}

static gboolean
derive (const guint8  *root,
        const char    *purpose,
        guint8        *key,
        GError       **error)
{
  return idem_hkdf_sha256 ((const guint8 *) SALT, strlen (SALT), root, 32,
                           (const guint8 *) purpose, strlen (purpose), key, 32, error);
}

/**
 * srv_data_keys_load:
 * @database: the server's migrated database
 * @encryption_key: the server's RSA key pair
 * @error: return location for an error in %SRV_ERROR
 *
 * Unwraps the data root key (making it on first use) and derives the
 * purpose keys.
 *
 * Returns: (transfer full) (nullable): the keys; wiped when freed
 */
SrvDataKeys *
srv_data_keys_load (SrvDatabase  *database,
                    EVP_PKEY     *encryption_key,
                    GError      **error)
{
  g_autoptr(SrvDataKeys) keys = g_new0 (SrvDataKeys, 1);
  g_autoptr(GBytes) wrapped = NULL;
  g_autoptr(GBytes) root = NULL;
  g_autoptr(GError) local_error = NULL;
  sqlite3 *db;

  g_return_val_if_fail (SRV_IS_DATABASE (database), NULL);
  g_return_val_if_fail (encryption_key != NULL, NULL);

  db = srv_database_get_handle (database);
  wrapped = read_wrapped_root (db, &local_error);
  if (wrapped == NULL && local_error == NULL)
    wrapped = create_root (db, encryption_key, &local_error);
  if (wrapped == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  root = idem_rsa_oaep_unwrap (encryption_key, g_bytes_get_data (wrapped, NULL),
                               g_bytes_get_size (wrapped), &local_error);
  if (root == NULL || g_bytes_get_size (root) != 32)
    {
      g_set_error (error, SRV_ERROR, SRV_ERROR_KEYS,
                   _("The data root key cannot be unwrapped with the server’s key: %s"),
                   local_error != NULL ? local_error->message : _("wrong size"));
      return NULL;
    }

  if (!derive (g_bytes_get_data (root, NULL), "idrepo/demographics", keys->demographics, error) ||
      !derive (g_bytes_get_data (root, NULL), "idrepo/biometrics", keys->biometrics, error) ||
      !derive (g_bytes_get_data (root, NULL), "idrepo/documents", keys->documents, error) ||
      !derive (g_bytes_get_data (root, NULL), "idrepo/events", keys->events, error) ||
      !derive (g_bytes_get_data (root, NULL), "idrepo/lookup", keys->lookup, error))
    return NULL;

  return g_steal_pointer (&keys);
}

void
srv_data_keys_free (SrvDataKeys *keys)
{
  if (keys == NULL)
    return;

  idem_crypto_wipe (keys, sizeof *keys);
  g_free (keys);
}
