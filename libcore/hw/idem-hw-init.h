/* idem-hw-init.h
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#if !defined(IDEM_INSIDE) && !defined(IDEM_COMPILATION)
# error "Only <idem-hw.h> can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

void idem_hw_init (int    *argc,
                   char ***argv);

G_END_DECLS
