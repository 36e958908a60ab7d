/* idem-jpeg-decode-private.h — JPEG to 8-bit grey, for the extract layer
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The largest image decoded: a face at 5000×5000 is already far beyond
 * what ISO/IEC 19794-5 asks of a full frontal image, and the bound keeps
 * an attacker's packet from making the server allocate gigabytes. */
#define IDEM_JPEG_MAX_PIXELS (5000u * 5000u)
#define IDEM_JPEG_MAX_SIDE 16384u

guint8 *_idem_jpeg_decode_grey (const guint8  *data,
                                gsize          size,
                                guint         *width,
                                guint         *height,
                                GError       **error);

G_END_DECLS
