/* srv-sync.h — what registration machines download
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "srv-http.h"
#include "srv-server.h"

G_BEGIN_DECLS

#define SRV_API_ID_SYNC "idem.sync"

/* The headers of a signed sync response. */
#define SRV_SYNC_HEADER_SIGNATURE "X-Idem-Response-Signature"
#define SRV_SYNC_HEADER_KEY       "X-Idem-Response-Key"

/* Stable error codes of the sync API (machine authentication adds the
 * IDM-MAC-* codes). */
#define SRV_ERROR_CODE_SYNC_BAD_SINCE   "IDM-SYN-SINCE"
#define SRV_ERROR_CODE_SYNC_AHEAD       "IDM-SYN-AHEAD"
#define SRV_ERROR_CODE_SYNC_BODY        "IDM-SYN-BODY"
#define SRV_ERROR_CODE_SYNC_CERTIFICATE "IDM-SYN-CERTIFICATE"

void     srv_sync_add_routes    (SrvRouter         *router,
                                 SrvServer         *server);
gboolean srv_sync_sign_response (SrvServer         *server,
                                 SoupServerMessage *msg);

G_END_DECLS
