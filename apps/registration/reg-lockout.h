/* reg-lockout.h
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "reg-store.h"

G_BEGIN_DECLS

gint64  reg_lockout_get_remaining  (RegStore    *store,
                                    GSettings   *settings,
                                    const char  *user_id);
guint   reg_lockout_record_failure (RegStore    *store,
                                    GSettings   *settings,
                                    const char  *user_id,
                                    GError     **error);
char   *reg_lockout_describe       (gint64       seconds);

G_END_DECLS
