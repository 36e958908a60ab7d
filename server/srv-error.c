/* srv-error.c
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "idem-server"

#include "config.h"

#include "srv-error.h"

G_DEFINE_QUARK (srv-error-quark, srv_error)
