/* srv-add-admin.h — `idem-server add-admin`: the first administrator
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "srv-config.h"

G_BEGIN_DECLS

gboolean srv_add_admin         (SrvConfig   *config,
                                const char  *user_id,
                                const char  *name,
                                char       **password,
                                GError     **error);
int      srv_add_admin_command (int          argc,
                                char       **argv);

G_END_DECLS
