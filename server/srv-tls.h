/* srv-tls.h — the server's TLS certificate
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gboolean         srv_tls_create_self_signed (const char  *certificate_path,
                                             const char  *key_path,
                                             GError     **error);
GTlsCertificate *srv_tls_load               (const char  *certificate_path,
                                             const char  *key_path,
                                             GError     **error);
char            *srv_tls_get_fingerprint    (GTlsCertificate *certificate);

G_END_DECLS
