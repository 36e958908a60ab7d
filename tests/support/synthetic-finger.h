/* synthetic-finger.h — procedural fingerprints for tests and benchmarks
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include <idem.h>

G_BEGIN_DECLS

/**
 * SyntheticFingerClass:
 *
 * The Henry pattern classes the generator draws.
 */
typedef enum
{
  SYNTHETIC_FINGER_ARCH,
  SYNTHETIC_FINGER_TENTED_ARCH,
  SYNTHETIC_FINGER_LEFT_LOOP,
  SYNTHETIC_FINGER_RIGHT_LOOP,
  SYNTHETIC_FINGER_WHORL,
  SYNTHETIC_FINGER_N_CLASSES,
} SyntheticFingerClass;

/**
 * SyntheticImpressionParams:
 * @rotation_degrees: rotation of the finger on the sensor
 * @shift_x: horizontal shift in pixels
 * @shift_y: vertical shift in pixels
 * @distortion: amplitude of the elastic skin distortion in pixels
 * @noise: standard deviation of the sensor noise, in grey levels
 * @contact: fraction of the image the finger touches, 0.5 (partial) to 1
 *
 * How one impression differs from the master finger.
 */
typedef struct
{
  double rotation_degrees;
  double shift_x;
  double shift_y;
  double distortion;
  double noise;
  double contact;
} SyntheticImpressionParams;

typedef struct _SyntheticFinger SyntheticFinger;

/* Impressions are this size, 500 dpi: 15.2 × 20.3 mm. */
#define SYNTHETIC_FINGER_WIDTH  300
#define SYNTHETIC_FINGER_HEIGHT 400

SyntheticFinger      *synthetic_finger_new                 (guint32                          seed,
                                                            SyntheticFingerClass             klass);
void                  synthetic_finger_free                (SyntheticFinger                 *self);
SyntheticFingerClass  synthetic_finger_get_class           (SyntheticFinger                 *self);
void                  synthetic_finger_random_impression   (guint32                          seed,
                                                            SyntheticImpressionParams       *params);
guint8               *synthetic_finger_render              (SyntheticFinger                 *self,
                                                            guint32                          seed,
                                                            const SyntheticImpressionParams *params);

IdemMinutiae         *synthetic_minutiae_random            (guint32                          seed);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyntheticFinger, synthetic_finger_free)

G_END_DECLS
