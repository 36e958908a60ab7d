/* idem-hw.h — the umbrella header of libcore's hardware layer
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "idem.h"

#define IDEM_INSIDE
# include "idem-hw-init.h"
#undef IDEM_INSIDE
