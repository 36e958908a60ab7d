/* idem-rid.h — the registration ID
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#if !defined(IDEM_INSIDE) && !defined(IDEM_COMPILATION)
# error "Only <idem.h> can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

/* centre id (5) ‖ machine id (5) ‖ sequence (5) ‖ yyyyMMddHHmmss in UTC (14) */
#define IDEM_RID_LENGTH           29
#define IDEM_RID_CENTRE_LENGTH     5
#define IDEM_RID_MACHINE_LENGTH    5
#define IDEM_RID_SEQUENCE_LENGTH   5
#define IDEM_RID_TIMESTAMP_LENGTH 14
#define IDEM_RID_MAX_SEQUENCE     99999

/* How far in the future a RID's timestamp may lie before it is refused: a
 * registration machine's clock may be off, or set to local time. */
#define IDEM_RID_DEFAULT_FUTURE_TOLERANCE G_TIME_SPAN_DAY

char      *idem_rid_build         (const char  *centre_id,
                                   const char  *machine_id,
                                   guint        sequence,
                                   GDateTime   *timestamp,
                                   GError     **error);
gboolean   idem_rid_validate      (const char  *rid,
                                   const char  *centre_id,
                                   const char  *machine_id,
                                   GError     **error);
gboolean   idem_rid_validate_at   (const char  *rid,
                                   const char  *centre_id,
                                   const char  *machine_id,
                                   GDateTime   *now,
                                   GTimeSpan    future_tolerance,
                                   GError     **error);
GDateTime *idem_rid_get_timestamp (const char  *rid,
                                   GError     **error);

G_END_DECLS
