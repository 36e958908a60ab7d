/* hw-synthetic-finger.c — procedural fingerprint images for the virtual
 * image reader
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A finger is a ridge pattern grown once from its seed; an impression is
 * that pattern as one touch of a sensor sees it.
 *
 * The pattern: an orientation field from the zero-pole model (cores turn
 * the ridge direction by +π, deltas by −π, so a loop is one core above one
 * delta, a whorl two of each; an arch has none and bends the ridges over a
 * hump), then ridges grown from random sparks by repeatedly filtering with
 * Gabor kernels tuned to the local orientation and a ridge period of nine
 * pixels (0.45 mm at 500 dpi).  Where grown ridges meet at odd angles they
 * fork or end: those are the minutiae NBIS finds.
 *
 * An impression rotates and shifts the pattern, stretches it elastically
 * as skin does, adds sensor noise, and keeps an elliptic contact area,
 * dark ridges on white.
 */

#include "config.h"

#include "hw-synthetic-finger.h"

#include <math.h>
#include <string.h>

#define MARGIN            48
#define MASTER_WIDTH      (HW_FINGER_IMAGE_WIDTH + 2 * MARGIN)
#define MASTER_HEIGHT     (HW_FINGER_IMAGE_HEIGHT + 2 * MARGIN)
#define RIDGE_PERIOD      9.0
#define KERNEL_RADIUS     6
#define KERNEL_SIZE       (2 * KERNEL_RADIUS + 1)
#define N_ORIENTATIONS    24
#define GROWTH_ITERATIONS 10

typedef float Kernel[KERNEL_SIZE][KERNEL_SIZE];
typedef float RidgeRow[MASTER_WIDTH];
typedef guint8 BinRow[MASTER_WIDTH];

struct _HwSyntheticFinger
{
  HwFingerPattern pattern;
  float           ridges[MASTER_HEIGHT][MASTER_WIDTH];   /* −1 valley … +1 ridge */
};

typedef struct
{
  double x;
  double y;
} Point;

/* The ridge direction at (x, y), in radians modulo π. */
static double
orientation_at (HwFingerPattern  pattern,
                const Point     *cores,
                guint            n_cores,
                const Point     *deltas,
                guint            n_deltas,
                double           x,
                double           y)
{
  double angle = 0;

  if (pattern == HW_FINGER_ARCH)
    {
      /* Ridges follow y = hump (x), a bump that flattens towards the tip. */
      double cx = cores[0].x;
      double spread = MASTER_WIDTH / 4.0;
      double height = 40.0 * CLAMP (1.0 - y / (MASTER_HEIGHT * 0.9), 0.0, 1.0);
      double u = (x - cx) / spread;
      double slope = -2.0 * height * u / spread * exp (-u * u);

      return atan (slope);
    }

  for (guint i = 0; i < n_cores; i++)
    angle += atan2 (y - cores[i].y, x - cores[i].x);
  for (guint i = 0; i < n_deltas; i++)
    angle -= atan2 (y - deltas[i].y, x - deltas[i].x);

  return angle / 2.0;
}

static void
build_kernels (Kernel *kernels)
{
  const double sigma = 3.2;

  for (guint k = 0; k < N_ORIENTATIONS; k++)
    {
      double theta = G_PI * k / N_ORIENTATIONS;
      /* The wave runs across the ridges: along the normal of theta. */
      double nx = -sin (theta);
      double ny = cos (theta);
      double mean = 0;

      for (int v = -KERNEL_RADIUS; v <= KERNEL_RADIUS; v++)
        for (int u = -KERNEL_RADIUS; u <= KERNEL_RADIUS; u++)
          {
            double envelope = exp (-(u * u + v * v) / (2 * sigma * sigma));
            double wave = cos (2 * G_PI * (u * nx + v * ny) / RIDGE_PERIOD);

            kernels[k][v + KERNEL_RADIUS][u + KERNEL_RADIUS] = envelope * wave;
            mean += envelope * wave;
          }

      /* No DC response, so growth makes ridges, not a grey wash. */
      mean /= KERNEL_SIZE * KERNEL_SIZE;
      for (int v = 0; v < KERNEL_SIZE; v++)
        for (int u = 0; u < KERNEL_SIZE; u++)
          kernels[k][v][u] -= mean;
    }
}

static void
grow_ridges (HwSyntheticFinger *self,
             GRand             *rand,
             const BinRow      *bins)
{
  g_autofree Kernel *kernels = g_new (Kernel, N_ORIENTATIONS);
  g_autofree RidgeRow *next = g_new0 (RidgeRow, MASTER_HEIGHT);

  build_kernels (kernels);

  /* Sparks: where ridges start differs from finger to finger. */
  memset (self->ridges, 0, sizeof self->ridges);
  for (guint i = 0; i < MASTER_WIDTH * MASTER_HEIGHT / 60; i++)
    {
      guint x = g_rand_int_range (rand, 0, MASTER_WIDTH);
      guint y = g_rand_int_range (rand, 0, MASTER_HEIGHT);

      self->ridges[y][x] = g_rand_boolean (rand) ? 1.0f : -1.0f;
    }

  for (guint iteration = 0; iteration < GROWTH_ITERATIONS; iteration++)
    {
      double square_sum = 0;
      double gain;

      for (int y = 0; y < MASTER_HEIGHT; y++)
        for (int x = 0; x < MASTER_WIDTH; x++)
          {
            float (*kernel)[KERNEL_SIZE] = kernels[bins[y][x]];
            float sum = 0;

            for (int v = -KERNEL_RADIUS; v <= KERNEL_RADIUS; v++)
              {
                int yy = y + v;

                if (yy < 0 || yy >= MASTER_HEIGHT)
                  continue;

                for (int u = -KERNEL_RADIUS; u <= KERNEL_RADIUS; u++)
                  {
                    int xx = x + u;

                    if (xx >= 0 && xx < MASTER_WIDTH)
                      sum += kernel[v + KERNEL_RADIUS][u + KERNEL_RADIUS] * self->ridges[yy][xx];
                  }
              }

            next[y][x] = sum;
            square_sum += (double) sum * sum;
          }

      /* Normalise then saturate: the saturation squares the sinusoid into
       * ridges of even contrast everywhere. */
      gain = 2.0 / MAX (sqrt (square_sum / (MASTER_WIDTH * MASTER_HEIGHT)), 1e-6);
      for (int y = 0; y < MASTER_HEIGHT; y++)
        for (int x = 0; x < MASTER_WIDTH; x++)
          self->ridges[y][x] = CLAMP (next[y][x] * gain, -1.0, 1.0);
    }
}

/**
 * hw_synthetic_finger_new:
 * @pattern: the pattern class
 * @seed: which finger of that class; the same seed gives the same finger
 *
 * Returns: (transfer full): a finger
 */
HwSyntheticFinger *
hw_synthetic_finger_new (HwFingerPattern pattern,
                         guint32         seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autofree BinRow *bins = g_new (BinRow, MASTER_HEIGHT);
  HwSyntheticFinger *self = g_new0 (HwSyntheticFinger, 1);
  Point cores[2];
  Point deltas[2];
  guint n_cores = 0;
  guint n_deltas = 0;
  double jitter_x = g_rand_double_range (rand, -12, 12);
  double jitter_y = g_rand_double_range (rand, -12, 12);
  double cx = MASTER_WIDTH / 2.0 + jitter_x;
  double cy = MASTER_HEIGHT * 0.42 + jitter_y;

  self->pattern = pattern;

  switch (pattern)
    {
    case HW_FINGER_LOOP:
      cores[n_cores++] = (Point) { cx, cy };
      deltas[n_deltas++] = (Point) { cx - 70 + jitter_y, cy + 110 };
      break;

    case HW_FINGER_WHORL:
      cores[n_cores++] = (Point) { cx - 8, cy - 14 };
      cores[n_cores++] = (Point) { cx + 8, cy + 14 };
      deltas[n_deltas++] = (Point) { cx - 95, cy + 105 + jitter_x };
      deltas[n_deltas++] = (Point) { cx + 95, cy + 105 - jitter_x };
      break;

    case HW_FINGER_ARCH:
    default:
      cores[n_cores++] = (Point) { cx, cy };
      break;
    }

  for (int y = 0; y < MASTER_HEIGHT; y++)
    for (int x = 0; x < MASTER_WIDTH; x++)
      {
        double theta = orientation_at (pattern, cores, n_cores, deltas, n_deltas, x, y);
        double turns = theta / G_PI;
        int bin = (int) floor ((turns - floor (turns)) * N_ORIENTATIONS + 0.5);

        bins[y][x] = bin % N_ORIENTATIONS;
      }

  grow_ridges (self, rand, bins);

  return self;
}

void
hw_synthetic_finger_free (HwSyntheticFinger *self)
{
  g_free (self);
}

static double
sample_bilinear (HwSyntheticFinger *self,
                 double             x,
                 double             y)
{
  int x0 = (int) floor (x);
  int y0 = (int) floor (y);
  double fx = x - x0;
  double fy = y - y0;

  if (x0 < 0 || y0 < 0 || x0 + 1 >= MASTER_WIDTH || y0 + 1 >= MASTER_HEIGHT)
    return -1.0;

  return (1 - fy) * ((1 - fx) * self->ridges[y0][x0] + fx * self->ridges[y0][x0 + 1])
         + fy * ((1 - fx) * self->ridges[y0 + 1][x0] + fx * self->ridges[y0 + 1][x0 + 1]);
}

/**
 * hw_synthetic_finger_impression:
 * @self: a finger
 * @impression_seed: which touch; each gives another placement and noise
 *
 * Returns: (transfer full): %HW_FINGER_IMAGE_WIDTH × %HW_FINGER_IMAGE_HEIGHT
 *   grey bytes, dark ridges on white
 */
guint8 *
hw_synthetic_finger_impression (HwSyntheticFinger *self,
                                guint32            impression_seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (impression_seed ^ 0x9e3779b9u);
  guint8 *image = g_malloc (HW_FINGER_IMAGE_WIDTH * HW_FINGER_IMAGE_HEIGHT);
  double angle = g_rand_double_range (rand, -6, 6) * G_PI / 180;
  double shift_x = g_rand_double_range (rand, -8, 8);
  double shift_y = g_rand_double_range (rand, -8, 8);
  double stretch = g_rand_double_range (rand, 1.0, 2.0);
  double phase_x = g_rand_double_range (rand, 0, 2 * G_PI);
  double phase_y = g_rand_double_range (rand, 0, 2 * G_PI);
  double cos_a = cos (angle);
  double sin_a = sin (angle);
  const double half_w = HW_FINGER_IMAGE_WIDTH / 2.0;
  const double half_h = HW_FINGER_IMAGE_HEIGHT / 2.0;

  for (int y = 0; y < HW_FINGER_IMAGE_HEIGHT; y++)
    for (int x = 0; x < HW_FINGER_IMAGE_WIDTH; x++)
      {
        double u = x - half_w;
        double v = y - half_h;
        double ex = u / (half_w * 0.95);
        double ey = v / (half_h * 0.97);
        double mx, my, ridge, grey;

        /* Outside the contact ellipse the sensor sees nothing. */
        if (ex * ex + ey * ey > 1.0)
          {
            image[y * HW_FINGER_IMAGE_WIDTH + x] = 255;
            continue;
          }

        /* Skin stretches smoothly: a displacement of a few pixels that
         * varies over about half the finger. */
        u += stretch * sin (2 * G_PI * v / 160 + phase_x);
        v += stretch * sin (2 * G_PI * u / 140 + phase_y);

        mx = cos_a * u - sin_a * v + MASTER_WIDTH / 2.0 + shift_x;
        my = sin_a * u + cos_a * v + MASTER_HEIGHT / 2.0 + shift_y;

        ridge = sample_bilinear (self, mx, my);
        grey = 140 - 100 * ridge + g_rand_double_range (rand, -12, 12);
        image[y * HW_FINGER_IMAGE_WIDTH + x] = (guint8) CLAMP (grey, 0, 255);
      }

  return image;
}
