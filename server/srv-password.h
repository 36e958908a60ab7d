/* srv-password.h — password hashes for the people who log in
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SRV_PASSWORD_ERROR (srv_password_error_quark ())

/**
 * SrvPasswordError:
 * @SRV_PASSWORD_ERROR_TOO_SHORT: the password is shorter than
 *   %SRV_PASSWORD_MIN_LENGTH characters
 * @SRV_PASSWORD_ERROR_TOO_LONG: the password is longer than
 *   %SRV_PASSWORD_MAX_BYTES bytes
 * @SRV_PASSWORD_ERROR_NOT_UTF8: the password is not valid UTF-8
 * @SRV_PASSWORD_ERROR_INTERNAL: the key derivation failed (out of memory,
 *   no random numbers)
 *
 * Error codes of %SRV_PASSWORD_ERROR; the values are stable.
 */
typedef enum
{
  SRV_PASSWORD_ERROR_TOO_SHORT = 1,
  SRV_PASSWORD_ERROR_TOO_LONG = 2,
  SRV_PASSWORD_ERROR_NOT_UTF8 = 3,
  SRV_PASSWORD_ERROR_INTERNAL = 4,
} SrvPasswordError;

/* In characters: a shorter password falls to a dictionary at any KDF cost. */
#define SRV_PASSWORD_MIN_LENGTH 8

/* In bytes: bounds the work an unauthenticated login can ask for. */
#define SRV_PASSWORD_MAX_BYTES 1024

GQuark    srv_password_error_quark  (void);
gboolean  srv_password_check_policy (const char  *password,
                                     GError     **error);
char     *srv_password_hash         (const char  *password,
                                     GError     **error);
char     *srv_password_generate     (GError     **error);
gboolean  srv_password_verify       (const char  *hash,
                                     const char  *password);

G_END_DECLS
