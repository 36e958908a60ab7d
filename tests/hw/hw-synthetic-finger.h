/* hw-synthetic-finger.h — procedural fingerprint images for the virtual
 * image reader
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  HW_FINGER_LOOP,
  HW_FINGER_WHORL,
  HW_FINGER_ARCH,
} HwFingerPattern;

/* Impressions are 500 dpi, 13 × 16 mm: the size of a small optical sensor. */
#define HW_FINGER_IMAGE_WIDTH  256
#define HW_FINGER_IMAGE_HEIGHT 320

typedef struct _HwSyntheticFinger HwSyntheticFinger;

HwSyntheticFinger *hw_synthetic_finger_new        (HwFingerPattern    pattern,
                                                   guint32            seed);
void               hw_synthetic_finger_free       (HwSyntheticFinger *self);
guint8            *hw_synthetic_finger_impression (HwSyntheticFinger *self,
                                                   guint32            impression_seed);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HwSyntheticFinger, hw_synthetic_finger_free)

G_END_DECLS
