/* srv-machine-auth.h — authenticating registration machines by their request signatures
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include <libsoup/soup.h>

#include "srv-database.h"
#include "srv-server.h"

G_BEGIN_DECLS

/* Stable error codes of refused machine requests. */
#define SRV_ERROR_CODE_MACHINE_UNAUTHENTICATED "IDM-MAC-401"
#define SRV_ERROR_CODE_MACHINE_UNKNOWN         "IDM-MAC-403"
#define SRV_ERROR_CODE_MACHINE_INACTIVE        "IDM-MAC-INACTIVE"
#define SRV_ERROR_CODE_MACHINE_DECOMMISSIONED  "IDM-MAC-DECOMMISSIONED"
#define SRV_ERROR_CODE_MACHINE_REPLAY          "IDM-MAC-REPLAY"
#define SRV_ERROR_CODE_MACHINE_CLOCK           "IDM-MAC-CLOCK"

gboolean  srv_machine_auth_verify         (SrvServer          *server,
                                           SoupServerMessage  *msg,
                                           const char         *api_id,
                                           GBytes             *body,
                                           char              **out_machine_id,
                                           char              **out_centre_id);
gint64    srv_machine_auth_prune_nonces   (SrvDatabase        *database,
                                           gint64              now,
                                           GError            **error);
char     *srv_machine_auth_path_and_query (SoupServerMessage  *msg);

G_END_DECLS
