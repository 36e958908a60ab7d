/* test-tls.h — TLS settings for test processes
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include <idem.h>

G_BEGIN_DECLS

void test_tls_trust_nothing_by_default (void);

G_END_DECLS
