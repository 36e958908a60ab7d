/* srv-outbox.h — notifications written with the change that causes them,
 * delivered once afterwards
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include <json-glib/json-glib.h>

#include "srv-database.h"

G_BEGIN_DECLS

#define SRV_OUTBOX_SINK_NAME "notifications.jsonl"

#define SRV_TYPE_OUTBOX (srv_outbox_get_type ())

G_DECLARE_FINAL_TYPE (SrvOutbox, srv_outbox, SRV, OUTBOX, GObject)

SrvOutbox *srv_outbox_new           (SrvDatabase  *database,
                                     const char   *sink_path);
gboolean   srv_outbox_enqueue       (SrvOutbox    *self,
                                     const char   *rid,
                                     const char   *event,
                                     JsonObject   *payload,
                                     GError      **error);
gboolean   srv_outbox_recover       (SrvOutbox    *self,
                                     GError      **error);
gint64     srv_outbox_deliver       (SrvOutbox    *self,
                                     guint         max_rows,
                                     GError      **error);
void       srv_outbox_start         (SrvOutbox    *self,
                                     guint         interval_ms);
void       srv_outbox_stop          (SrvOutbox    *self);

G_END_DECLS
