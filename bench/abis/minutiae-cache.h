/* minutiae-cache.h — extracted minutiae kept in a file between benchmark runs
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include <idem.h>

G_BEGIN_DECLS

gboolean minutiae_cache_load (const char           *path,
                              IdemMinutiae        **minutiae,
                              guint                 n_fingers,
                              guint                 n_impressions);
void     minutiae_cache_save (const char           *path,
                              IdemMinutiae * const *minutiae,
                              guint                 n_fingers,
                              guint                 n_impressions);

G_END_DECLS
