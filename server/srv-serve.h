/* srv-serve.h — `idem-server serve`: run until told to stop
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

int srv_serve_command (int    argc,
                       char **argv);

G_END_DECLS
