/* idem-pinned-database.h — a TLS database that trusts one certificate only
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#if !defined(IDEM_INSIDE) && !defined(IDEM_COMPILATION)
# error "Only <idem.h> can be included directly."
#endif

#include <gio/gio.h>

G_BEGIN_DECLS

#define IDEM_TYPE_PINNED_DATABASE (idem_pinned_database_get_type ())

G_DECLARE_FINAL_TYPE (IdemPinnedDatabase, idem_pinned_database, IDEM, PINNED_DATABASE, GTlsDatabase)

GTlsDatabase    *idem_pinned_database_new             (GTlsCertificate    *certificate);
GTlsCertificate *idem_pinned_database_get_certificate (IdemPinnedDatabase *self);

G_END_DECLS
