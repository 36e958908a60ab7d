/* idem-hw.h — the umbrella header of libcore's hardware layer
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Fingerprint readers (libfprint) and cameras (GStreamer).  Nothing here
 * links GTK: pictures leave as #IdemVideoFrame pixel buffers.
 */

#pragma once

#include "idem.h"

#define IDEM_INSIDE
# include "idem-hw-init.h"
# include "idem-video-frame.h"
# include "idem-hw-enums.h"
# include "idem-image-quality.h"
# include "idem-camera.h"
# include "idem-fingerprint-reader.h"
#undef IDEM_INSIDE
