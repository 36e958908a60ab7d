/* idem-video-frame-private.h — building frames from GStreamer samples
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "idem-video-frame.h"

#include <gst/gst.h>

G_BEGIN_DECLS

IdemVideoFrame *_idem_video_frame_new_from_sample (GstSample  *sample,
                                                   GError    **error);
const char     *_idem_pixel_format_to_gst_name    (IdemPixelFormat format);

G_END_DECLS
