/* srv-config.h — idem.conf, the data directory's configuration
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SRV_CONFIG_FILENAME "idem.conf"

/**
 * SrvConfig:
 * @data_dir: the data directory, absolute
 * @address: the IP address to listen on
 * @port: the TCP port to listen on; 0 picks a free one
 * @tls: whether to speak HTTPS
 * @tls_certificate: the certificate PEM file, absolute
 * @tls_key: the certificate's private key PEM file, absolute
 * @database_path: the SQLite database, absolute
 * @keys_dir: the keystore directory, absolute
 * @passphrase_file: the file holding the keystore passphrase, absolute
 * @signing_key: the keystore name of the server's Ed25519 signing key
 * @encryption_key: the keystore name of the server's RSA encryption key
 * @disk_min_free: free bytes under which /health reports the disk DOWN
 * @demo: whether this is a demo data directory
 * @abis_url: the base URL of an external ABIS serving MOSIP's ABIS API
 *   (`[abis] url`), or %NULL for the built-in one
 * @abis_user: the user this server logs in as at the external ABIS
 * @abis_password_file: the file holding that user's password, absolute
 * @abis_certificate: (nullable): the external ABIS's TLS certificate to
 *   pin, absolute; %NULL trusts the system's authorities
 *
 * The settings of one data directory.  Relative paths in idem.conf are
 * resolved against the data directory, so the directory can be moved.
 */
typedef struct
{
  char     *data_dir;
  char     *address;
  guint     port;
  gboolean  tls;
  char     *tls_certificate;
  char     *tls_key;
  char     *database_path;
  char     *keys_dir;
  char     *passphrase_file;
  char     *signing_key;
  char     *encryption_key;
  guint64   disk_min_free;
  gboolean  demo;
  char     *abis_url;
  char     *abis_user;
  char     *abis_password_file;
  char     *abis_certificate;
} SrvConfig;

SrvConfig *srv_config_new_default (const char  *data_dir);
SrvConfig *srv_config_load        (const char  *data_dir,
                                   GError     **error);
gboolean   srv_config_save        (SrvConfig   *config,
                                   GError     **error);
gboolean   srv_config_set_address (SrvConfig   *config,
                                   const char  *address,
                                   GError     **error);
gboolean   srv_config_set_port    (SrvConfig   *config,
                                   gint64       port,
                                   GError     **error);
void       srv_config_free        (SrvConfig   *config);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrvConfig, srv_config_free)

G_END_DECLS
