/* srv-error.h — the server's error domain
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SRV_ERROR (srv_error_quark ())

/**
 * SrvError:
 * @SRV_ERROR_INVALID_ARGUMENT: a bad command-line argument or option value
 * @SRV_ERROR_DATADIR_NOT_EMPTY: `init` was given a directory that holds files
 * @SRV_ERROR_NOT_A_DATADIR: the directory has no idem.conf
 * @SRV_ERROR_CONFIG: idem.conf cannot be read or has a bad value
 * @SRV_ERROR_DATABASE: the database cannot be opened, migrated or queried
 * @SRV_ERROR_SCHEMA_TOO_NEW: the database was migrated by a newer idem-server
 * @SRV_ERROR_KEYS: the server's keys or their passphrase cannot be loaded
 * @SRV_ERROR_TLS: the TLS certificate cannot be made or loaded
 * @SRV_ERROR_LISTEN: the server cannot listen on the address and port
 * @SRV_ERROR_IO: a file in the data directory cannot be written
 *
 * Stable error codes of %SRV_ERROR: values are never renumbered.
 */
typedef enum
{
  SRV_ERROR_INVALID_ARGUMENT = 1,
  SRV_ERROR_DATADIR_NOT_EMPTY = 2,
  SRV_ERROR_NOT_A_DATADIR = 3,
  SRV_ERROR_CONFIG = 4,
  SRV_ERROR_DATABASE = 5,
  SRV_ERROR_SCHEMA_TOO_NEW = 6,
  SRV_ERROR_KEYS = 7,
  SRV_ERROR_TLS = 8,
  SRV_ERROR_LISTEN = 9,
  SRV_ERROR_IO = 10,
} SrvError;

GQuark srv_error_quark (void);

G_END_DECLS
