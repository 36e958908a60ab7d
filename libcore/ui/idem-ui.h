/* idem-ui.h — the umbrella header of libcore's interface layer
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include <adwaita.h>

#include "idem-hw.h"

#define IDEM_INSIDE
# include "idem-application.h"
# include "idem-form.h"
# include "idem-language-chooser.h"
# include "idem-server-address.h"
# include "idem-ui-language.h"
# include "idem-video-frame-texture.h"
# include "idem-window-geometry.h"
#undef IDEM_INSIDE
