/* srv-admin.h — the admin API: centres, machines, devices, users, master data, documents
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "srv-http.h"

G_BEGIN_DECLS

typedef struct _SrvServer SrvServer;

#define SRV_API_ID_ADMIN "idem.admin"

void srv_admin_add_routes (SrvRouter *router,
                           SrvServer *server);

G_END_DECLS
