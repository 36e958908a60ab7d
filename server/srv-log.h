/* srv-log.h — where idem-server's log goes
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void srv_log_init        (void);
void srv_log_set_verbose (gboolean verbose);

G_END_DECLS
