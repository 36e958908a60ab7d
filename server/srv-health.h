/* srv-health.h — GET /health
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "srv-http.h"
#include "srv-server.h"

G_BEGIN_DECLS

#define SRV_API_ID_HEALTH "idem.health"

void srv_health_add_routes (SrvRouter *router,
                            SrvServer *server);

G_END_DECLS
