/* srv-audit.h — audit events: who did what, to what, from where, and how it ended
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "srv-database.h"

G_BEGIN_DECLS

gboolean srv_audit_record (SrvDatabase  *database,
                           const char   *actor,
                           const char   *action,
                           const char   *object,
                           gboolean      success,
                           const char   *origin,
                           const char   *detail,
                           GError      **error);

G_END_DECLS
