/* srv-uin-pool.h — pre-generated UINs, each issued at most once
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include <gio/gio.h>

#include "srv-database.h"

G_BEGIN_DECLS

/* Refill when fewer than this many UINs are left, by this many. */
#define SRV_UIN_POOL_LOW_WATER 1000
#define SRV_UIN_POOL_BATCH     5000

#define SRV_TYPE_UIN_POOL (srv_uin_pool_get_type ())

G_DECLARE_FINAL_TYPE (SrvUinPool, srv_uin_pool, SRV, UIN_POOL, GObject)

SrvUinPool *srv_uin_pool_new             (SrvDatabase  *database,
                                          guint         low_water,
                                          guint         batch);
gint64      srv_uin_pool_count_available (SrvUinPool   *self,
                                          GError      **error);
gboolean    srv_uin_pool_add             (SrvUinPool   *self,
                                          GArray       *uins,
                                          guint        *added,
                                          GError      **error);
gboolean    srv_uin_pool_refill          (SrvUinPool   *self,
                                          GError      **error);
void        srv_uin_pool_refill_async    (SrvUinPool          *self,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean    srv_uin_pool_refill_finish   (SrvUinPool          *self,
                                          GAsyncResult        *result,
                                          GError             **error);
char       *srv_uin_pool_assign          (SrvUinPool   *self,
                                          const char   *rid,
                                          GError      **error);
char       *srv_uin_pool_lookup_rid      (SrvUinPool   *self,
                                          const char   *uin,
                                          GError      **error);

G_END_DECLS
