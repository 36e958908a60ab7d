/* idem-video-frame-texture.h
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#if !defined(IDEM_INSIDE) && !defined(IDEM_COMPILATION)
# error "Only <idem-ui.h> can be included directly."
#endif

#include <gtk/gtk.h>

#include "idem-hw.h"

G_BEGIN_DECLS

GdkTexture *idem_video_frame_to_texture (IdemVideoFrame *frame);

G_END_DECLS
