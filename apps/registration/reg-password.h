/* reg-password.h — checking a password offline against its synced hash
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean reg_password_verify (const char *hash,
                              const char *password);

G_END_DECLS
