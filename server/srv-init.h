/* srv-init.h — `idem-server init`: a new data directory
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "srv-config.h"

G_BEGIN_DECLS

SrvConfig *srv_init_data_dir (const char  *data_dir,
                              gboolean     demo,
                              GError     **error);
int        srv_init_command  (int          argc,
                              char       **argv);

G_END_DECLS
