/* srv-server.h — one running idem-server: its database, keys and listener
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include <libsoup/soup.h>

#include "srv-abis.h"
#include "srv-admin-auth.h"
#include "srv-config.h"
#include "srv-database.h"
#include "srv-demo-dedup.h"
#include "srv-http.h"
#include "srv-idrepo.h"
#include "srv-keys.h"
#include "srv-ledger.h"
#include "srv-outbox.h"
#include "srv-packet-keys.h"
#include "srv-pipeline.h"
#include "srv-uin-pool.h"

G_BEGIN_DECLS

#define SRV_TYPE_SERVER (srv_server_get_type ())

G_DECLARE_FINAL_TYPE (SrvServer, srv_server, SRV, SERVER, GObject)

SrvServer   *srv_server_new            (SrvConfig  *config);
gboolean     srv_server_start          (SrvServer  *self,
                                        GError    **error);
gboolean     srv_server_stop           (SrvServer  *self,
                                        GError    **error);
SrvConfig   *srv_server_get_config     (SrvServer  *self);
SrvDatabase *srv_server_get_database   (SrvServer  *self);
SrvKeys     *srv_server_get_keys       (SrvServer  *self);
SrvLedger   *srv_server_get_ledger     (SrvServer  *self);
SrvIdrepo   *srv_server_get_idrepo     (SrvServer  *self);
SrvDemoDedup *srv_server_get_demo_dedup (SrvServer *self);
SrvAdminAuth *srv_server_get_admin_auth (SrvServer *self);
SrvPacketKeys *srv_server_get_packet_keys (SrvServer *self);
SrvAbis     *srv_server_get_abis       (SrvServer  *self);
SrvUinPool  *srv_server_get_uin_pool   (SrvServer  *self);
SrvOutbox   *srv_server_get_outbox     (SrvServer  *self);
SrvPipeline *srv_server_get_pipeline   (SrvServer  *self);
SrvRouter   *srv_server_get_router     (SrvServer  *self);
SoupServer  *srv_server_get_soup       (SrvServer  *self);
gint64       srv_server_get_start_time (SrvServer  *self);
guint        srv_server_get_port       (SrvServer  *self);
char        *srv_server_get_url        (SrvServer  *self);

G_END_DECLS
