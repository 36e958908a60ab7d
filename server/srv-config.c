/* srv-config.c — reading and writing idem.conf
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "idem-server"

#include "config.h"

#include "srv-config.h"
#include "srv-error.h"

#include <gio/gio.h>
#include <glib/gi18n.h>

/* Defaults, as written into a new idem.conf.  Paths are relative to the data
 * directory. */
#define DEFAULT_ADDRESS "127.0.0.1"
#define DEFAULT_PORT 8443
#define DEFAULT_TLS_CERTIFICATE "tls/server.crt"
#define DEFAULT_TLS_KEY "tls/server.key"
#define DEFAULT_DATABASE "idem.db"
#define DEFAULT_KEYS_DIR "keys"
#define DEFAULT_PASSPHRASE_FILE "keys/passphrase"
#define DEFAULT_SIGNING_KEY "server-signing"
#define DEFAULT_ENCRYPTION_KEY "server-encryption"
#define DEFAULT_DISK_MIN_FREE_MB 64

static char *
resolve (const char *data_dir,
         const char *path)
{
  return g_canonicalize_filename (path, data_dir);
}

/* Stores a path relative to the data directory when it lies inside it. */
static void
set_path (GKeyFile   *keyfile,
          const char *group,
          const char *key,
          const char *data_dir,
          const char *path)
{
  g_autofree char *prefix = g_strconcat (data_dir, G_DIR_SEPARATOR_S, NULL);

  if (g_str_has_prefix (path, prefix))
    g_key_file_set_string (keyfile, group, key, path + strlen (prefix));
  else
    g_key_file_set_string (keyfile, group, key, path);
}

/**
 * srv_config_new_default:
 * @data_dir: the data directory; made absolute
 *
 * Returns: (transfer full): the configuration `idem-server init` writes
 */
SrvConfig *
srv_config_new_default (const char *data_dir)
{
  SrvConfig *config;

  g_return_val_if_fail (data_dir != NULL, NULL);

  config = g_new0 (SrvConfig, 1);
  config->data_dir = g_canonicalize_filename (data_dir, NULL);
  config->address = g_strdup (DEFAULT_ADDRESS);
  config->port = DEFAULT_PORT;
  config->tls = TRUE;
  config->tls_certificate = resolve (config->data_dir, DEFAULT_TLS_CERTIFICATE);
  config->tls_key = resolve (config->data_dir, DEFAULT_TLS_KEY);
  config->database_path = resolve (config->data_dir, DEFAULT_DATABASE);
  config->keys_dir = resolve (config->data_dir, DEFAULT_KEYS_DIR);
  config->passphrase_file = resolve (config->data_dir, DEFAULT_PASSPHRASE_FILE);
  config->signing_key = g_strdup (DEFAULT_SIGNING_KEY);
  config->encryption_key = g_strdup (DEFAULT_ENCRYPTION_KEY);
  config->disk_min_free = (guint64) DEFAULT_DISK_MIN_FREE_MB * 1024 * 1024;
  config->demo = FALSE;

  return config;
}

void
srv_config_free (SrvConfig *config)
{
  if (config == NULL)
    return;

  g_free (config->data_dir);
  g_free (config->address);
  g_free (config->tls_certificate);
  g_free (config->tls_key);
  g_free (config->database_path);
  g_free (config->keys_dir);
  g_free (config->passphrase_file);
  g_free (config->signing_key);
  g_free (config->encryption_key);
  g_free (config->abis_url);
  g_free (config->abis_user);
  g_free (config->abis_password_file);
  g_free (config->abis_certificate);
  g_free (config);
}

/**
 * srv_config_set_address:
 * @config: a configuration
 * @address: an IPv4 or IPv6 address literal
 * @error: return location for a %SRV_ERROR_INVALID_ARGUMENT error
 *
 * Returns: whether @address was valid and set; nothing changes otherwise
 */
gboolean
srv_config_set_address (SrvConfig   *config,
                        const char  *address,
                        GError     **error)
{
  g_autoptr(GInetAddress) parsed = NULL;

  g_return_val_if_fail (config != NULL, FALSE);

  parsed = address != NULL ? g_inet_address_new_from_string (address) : NULL;
  if (parsed == NULL)
    {
      g_set_error (error, SRV_ERROR, SRV_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an IP address: give one such as 127.0.0.1, 0.0.0.0 or ::1"),
                   address != NULL ? address : "");
      return FALSE;
    }

  g_free (config->address);
  config->address = g_inet_address_to_string (parsed);
  return TRUE;
}

/**
 * srv_config_set_port:
 * @config: a configuration
 * @port: a TCP port, 0 to 65535; 0 lets the system pick a free port
 * @error: return location for a %SRV_ERROR_INVALID_ARGUMENT error
 *
 * Returns: whether @port was valid and set; nothing changes otherwise
 */
gboolean
srv_config_set_port (SrvConfig  *config,
                     gint64      port,
                     GError    **error)
{
  g_return_val_if_fail (config != NULL, FALSE);

  if (port < 0 || port > 65535)
    {
      /* Formatted apart: a format macro cannot sit inside a message
       * that xgettext extracts. */
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, port);

      g_set_error (error, SRV_ERROR, SRV_ERROR_INVALID_ARGUMENT,
                   _("%s is not a TCP port: give a number from 0 to 65535 (0 picks a free port)"),
                   number);
      return FALSE;
    }

  config->port = (guint) port;
  return TRUE;
}

static char *
get_string (GKeyFile    *keyfile,
            const char  *group,
            const char  *key,
            const char  *fallback,
            GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  char *value = g_key_file_get_string (keyfile, group, key, &local_error);

  if (value != NULL)
    {
      if (value[0] == '\0')
        {
          g_free (value);
          g_set_error (error, SRV_ERROR, SRV_ERROR_CONFIG,
                       _("idem.conf: [%s] %s is empty"), group, key);
          return NULL;
        }
      return value;
    }

  if (g_error_matches (local_error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND) ||
      g_error_matches (local_error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_GROUP_NOT_FOUND))
    return g_strdup (fallback);

  g_set_error (error, SRV_ERROR, SRV_ERROR_CONFIG,
               _("idem.conf: [%s] %s: %s"), group, key, local_error->message);
  return NULL;
}

static gboolean
get_integer (GKeyFile    *keyfile,
             const char  *group,
             const char  *key,
             gint64       fallback,
             gint64      *value,
             GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!g_key_file_has_key (keyfile, group, key, NULL))
    {
      *value = fallback;
      return TRUE;
    }

  *value = g_key_file_get_int64 (keyfile, group, key, &local_error);
  if (local_error != NULL)
    {
      g_set_error (error, SRV_ERROR, SRV_ERROR_CONFIG,
                   _("idem.conf: [%s] %s is not a whole number"), group, key);
      return FALSE;
    }

  return TRUE;
}

static gboolean
get_boolean (GKeyFile    *keyfile,
             const char  *group,
             const char  *key,
             gboolean     fallback,
             gboolean    *value,
             GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!g_key_file_has_key (keyfile, group, key, NULL))
    {
      *value = fallback;
      return TRUE;
    }

  *value = g_key_file_get_boolean (keyfile, group, key, &local_error);
  if (local_error != NULL)
    {
      g_set_error (error, SRV_ERROR, SRV_ERROR_CONFIG,
                   _("idem.conf: [%s] %s must be true or false"), group, key);
      return FALSE;
    }

  return TRUE;
}

static gboolean
get_path (GKeyFile    *keyfile,
          const char  *group,
          const char  *key,
          const char  *data_dir,
          char       **path,
          GError     **error)
{
  g_autofree char *value = get_string (keyfile, group, key, *path, error);

  if (value == NULL)
    return FALSE;

  g_free (*path);
  *path = resolve (data_dir, value);
  return TRUE;
}

/**
 * srv_config_load:
 * @data_dir: a data directory made by `idem-server init`
 * @error: return location for an error in %SRV_ERROR
 *
 * Reads `DATA_DIR/idem.conf`.  Missing keys take their defaults; a key with a
 * bad value is an error naming the group and key.
 *
 * Returns: (transfer full) (nullable): the configuration
 */
SrvConfig *
srv_config_load (const char  *data_dir,
                 GError     **error)
{
  g_autoptr(SrvConfig) config = NULL;
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *address = NULL;
  gint64 port = 0;
  gint64 min_free_mb = 0;

  g_return_val_if_fail (data_dir != NULL, NULL);

  config = srv_config_new_default (data_dir);
  path = g_build_filename (config->data_dir, SRV_CONFIG_FILENAME, NULL);

  if (!g_file_test (config->data_dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, SRV_ERROR, SRV_ERROR_NOT_A_DATADIR,
                   _("%s is not a directory: create a data directory with “idem-server init %s”"),
                   config->data_dir, data_dir);
      return NULL;
    }

  if (!g_key_file_load_from_file (keyfile, path, G_KEY_FILE_KEEP_COMMENTS, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_set_error (error, SRV_ERROR, SRV_ERROR_NOT_A_DATADIR,
                     _("%s is not an Idem data directory (it has no %s): create one with “idem-server init DATADIR”"),
                     config->data_dir, SRV_CONFIG_FILENAME);
      else
        g_set_error (error, SRV_ERROR, SRV_ERROR_CONFIG,
                     _("Could not read %s: %s"), path, local_error->message);
      return NULL;
    }

  if (!(address = get_string (keyfile, "server", "address", config->address, error)) ||
      !srv_config_set_address (config, address, &local_error))
    {
      if (local_error != NULL)
        g_set_error (error, SRV_ERROR, SRV_ERROR_CONFIG,
                     "idem.conf: [server] address: %s", local_error->message);
      return NULL;
    }

  if (!get_integer (keyfile, "server", "port", config->port, &port, error))
    return NULL;
  if (!srv_config_set_port (config, port, &local_error))
    {
      g_set_error (error, SRV_ERROR, SRV_ERROR_CONFIG,
                   "idem.conf: [server] port: %s", local_error->message);
      return NULL;
    }

  if (!get_boolean (keyfile, "server", "tls", config->tls, &config->tls, error) ||
      !get_path (keyfile, "server", "tls-certificate", config->data_dir, &config->tls_certificate, error) ||
      !get_path (keyfile, "server", "tls-key", config->data_dir, &config->tls_key, error) ||
      !get_path (keyfile, "database", "path", config->data_dir, &config->database_path, error) ||
      !get_path (keyfile, "keys", "directory", config->data_dir, &config->keys_dir, error) ||
      !get_path (keyfile, "keys", "passphrase-file", config->data_dir, &config->passphrase_file, error) ||
      !get_boolean (keyfile, "instance", "demo", config->demo, &config->demo, error) ||
      !get_integer (keyfile, "health", "disk-min-free-mb",
                    (gint64) (config->disk_min_free / (1024 * 1024)), &min_free_mb, error))
    return NULL;

  if (min_free_mb < 0)
    {
      g_set_error (error, SRV_ERROR, SRV_ERROR_CONFIG,
                   _("idem.conf: [%s] %s must not be negative"), "health", "disk-min-free-mb");
      return NULL;
    }
  config->disk_min_free = (guint64) min_free_mb * 1024 * 1024;

  g_free (config->signing_key);
  if (!(config->signing_key = get_string (keyfile, "keys", "signing-key", DEFAULT_SIGNING_KEY, error)))
    return NULL;
  g_free (config->encryption_key);
  if (!(config->encryption_key = get_string (keyfile, "keys", "encryption-key", DEFAULT_ENCRYPTION_KEY, error)))
    return NULL;

  /* An external ABIS replaces the built-in one when idem.conf names it. */
  if (g_key_file_has_key (keyfile, "abis", "url", NULL))
    {
      g_autoptr(GUri) uri = NULL;

      if (!(config->abis_url = get_string (keyfile, "abis", "url", NULL, error)))
        return NULL;
      uri = g_uri_parse (config->abis_url, G_URI_FLAGS_NONE, NULL);
      if (uri == NULL || (g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 &&
                          g_strcmp0 (g_uri_get_scheme (uri), "http") != 0))
        {
          g_set_error (error, SRV_ERROR, SRV_ERROR_CONFIG,
                       _("idem.conf: [%s] %s must be an http or https URL"), "abis", "url");
          return NULL;
        }
      /* get_string() and get_path() give NULL without an error for a
       * missing key that has no default: these two are required. */
      if (!g_key_file_has_key (keyfile, "abis", "user", NULL) ||
          !g_key_file_has_key (keyfile, "abis", "password-file", NULL))
        {
          g_set_error (error, SRV_ERROR, SRV_ERROR_CONFIG,
                       _("idem.conf: an external ABIS needs [abis] user and password-file"));
          return NULL;
        }
      if (!(config->abis_user = get_string (keyfile, "abis", "user", NULL, error)) ||
          !get_path (keyfile, "abis", "password-file", config->data_dir, &config->abis_password_file, error) ||
          (g_key_file_has_key (keyfile, "abis", "certificate", NULL) &&
           !get_path (keyfile, "abis", "certificate", config->data_dir, &config->abis_certificate, error)))
        return NULL;
    }

  return g_steal_pointer (&config);
}

/**
 * srv_config_save:
 * @config: a configuration
 * @error: return location for a %SRV_ERROR_IO error
 *
 * Writes `idem.conf` into the data directory, with a comment on each group
 * so an operator editing it knows what each setting does.  The write is
 * atomic: a crash leaves the old file or the new one.
 *
 * Returns: whether the file was written
 */
gboolean
srv_config_save (SrvConfig  *config,
                 GError    **error)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *data = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *created = g_date_time_format_iso8601 (now);
  gsize length = 0;

  g_return_val_if_fail (config != NULL, FALSE);

  g_key_file_set_string (keyfile, "server", "address", config->address);
  g_key_file_set_integer (keyfile, "server", "port", config->port);
  g_key_file_set_boolean (keyfile, "server", "tls", config->tls);
  set_path (keyfile, "server", "tls-certificate", config->data_dir, config->tls_certificate);
  set_path (keyfile, "server", "tls-key", config->data_dir, config->tls_key);
  g_key_file_set_comment (keyfile, "server", NULL,
                          " Where idem-server listens.  serve --address and --port override these.\n"
                          " The TLS certificate made by init is self-signed, for development:\n"
                          " a deployment puts its own certificate and key here.", NULL);

  set_path (keyfile, "database", "path", config->data_dir, config->database_path);
  g_key_file_set_comment (keyfile, "database", NULL,
                          " The SQLite database (WAL mode), relative to this directory.", NULL);

  set_path (keyfile, "keys", "directory", config->data_dir, config->keys_dir);
  set_path (keyfile, "keys", "passphrase-file", config->data_dir, config->passphrase_file);
  g_key_file_set_string (keyfile, "keys", "signing-key", config->signing_key);
  g_key_file_set_string (keyfile, "keys", "encryption-key", config->encryption_key);
  g_key_file_set_comment (keyfile, "keys", NULL,
                          " The software keystore.  The passphrase file is generated by init; a\n"
                          " production deployment supplies the passphrase from a secret store or\n"
                          " keeps the keys in an HSM instead.", NULL);

  g_key_file_set_uint64 (keyfile, "health", "disk-min-free-mb", config->disk_min_free / (1024 * 1024));
  g_key_file_set_comment (keyfile, "health", NULL,
                          " GET /health reports the disk DOWN below this much free space.", NULL);

  g_key_file_set_boolean (keyfile, "instance", "demo", config->demo);
  g_key_file_set_string (keyfile, "instance", "created", created);
  g_key_file_set_comment (keyfile, "instance", NULL,
                          " A demo data directory holds made-up people, never real ones.", NULL);

  data = g_key_file_to_data (keyfile, &length, NULL);
  path = g_build_filename (config->data_dir, SRV_CONFIG_FILENAME, NULL);

  if (!g_file_set_contents_full (path, data, length,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0644, &local_error))
    {
      g_set_error (error, SRV_ERROR, SRV_ERROR_IO,
                   _("Could not write %s: %s"), path, local_error->message);
      return FALSE;
    }

  return TRUE;
}
