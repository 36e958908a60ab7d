/* synthetic-finger.c — procedural fingerprints for tests and benchmarks
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A master finger is a ridge field on a 360×440 grid at 500 dpi:
 *
 * - an orientation field from the zero-pole model: every core turns the
 *   ridge direction by half of its argument, every delta by minus half, so
 *   the singular points of each Henry class sit where they should (an arch
 *   has none and uses a smooth bump instead);
 * - ridges grown from random noise by iterated oriented Gabor filtering:
 *   each pass reinforces a sinusoid across the local ridge direction at the
 *   finger's ridge period, and clipping turns it into ridges and valleys.
 *   Where the noise made the ridge lines disagree, endings and bifurcations
 *   remain — different for every seed, like real minutiae.
 *
 * An impression samples the master through a rotation, a shift and a smooth
 * elastic displacement, inside an elliptic contact area that may cut part of
 * the finger off, with uneven contrast and sensor noise.  Everything is drawn
 * from GRand with explicit seeds, so the same seeds give the same pixels.
 */

#include "config.h"

#include "synthetic-finger.h"

#include <math.h>
#include <string.h>

#define MASTER_WIDTH  360
#define MASTER_HEIGHT 440
#define KERNEL_RADIUS 5
#define KERNEL_SIZE (2 * KERNEL_RADIUS + 1)
#define N_ORIENTATIONS 16
#define GROWTH_PASSES 7

struct _SyntheticFinger
{
  SyntheticFingerClass klass;
  float               *ridges;   /* MASTER_WIDTH × MASTER_HEIGHT, −1 valley … 1 ridge */
};

typedef struct
{
  double x;
  double y;
} Point;

static double
uniform (GRand  *rand,
         double  low,
         double  high)
{
  return g_rand_double_range (rand, low, high);
}

static double
gaussian (GRand *rand)
{
  double u = g_rand_double_range (rand, 1e-12, 1.0);
  double v = g_rand_double (rand);

  return sqrt (-2.0 * log (u)) * cos (2.0 * G_PI * v);
}

static double
orientation_at (SyntheticFingerClass  klass,
                const Point          *cores,
                guint                 n_cores,
                const Point          *deltas,
                guint                 n_deltas,
                double                arch_height,
                double                x,
                double                y)
{
  double theta = 0.0;

  if (klass == SYNTHETIC_FINGER_ARCH)
    {
      double cx = MASTER_WIDTH / 2.0;
      double s = 70.0;
      /* Ridges y = c − h(y)·exp(−(x − cx)²/2s²), bulging less towards the bottom. */
      double h = arch_height * CLAMP ((MASTER_HEIGHT - y) / MASTER_HEIGHT, 0.1, 1.0);
      double slope = h * (x - cx) / (s * s) * exp (-(x - cx) * (x - cx) / (2 * s * s));

      return atan (slope);
    }

  for (guint i = 0; i < n_cores; i++)
    theta += 0.5 * atan2 (y - cores[i].y, x - cores[i].x);
  for (guint i = 0; i < n_deltas; i++)
    theta -= 0.5 * atan2 (y - deltas[i].y, x - deltas[i].x);

  return theta;
}

static void
place_singularities (SyntheticFingerClass  klass,
                     GRand                *rand,
                     Point                *cores,
                     guint                *n_cores,
                     Point                *deltas,
                     guint                *n_deltas)
{
  double cx = MASTER_WIDTH / 2.0 + uniform (rand, -20, 20);
  double cy = MASTER_HEIGHT * 0.42 + uniform (rand, -20, 20);

  *n_cores = *n_deltas = 0;
  switch (klass)
    {
    case SYNTHETIC_FINGER_TENTED_ARCH:
      cores[(*n_cores)++] = (Point) { cx, cy };
      deltas[(*n_deltas)++] = (Point) { cx + uniform (rand, -8, 8), cy + uniform (rand, 70, 100) };
      break;

    case SYNTHETIC_FINGER_LEFT_LOOP:
      cores[(*n_cores)++] = (Point) { cx + 20, cy };
      deltas[(*n_deltas)++] = (Point) { cx - uniform (rand, 70, 110), cy + uniform (rand, 100, 140) };
      break;

    case SYNTHETIC_FINGER_RIGHT_LOOP:
      cores[(*n_cores)++] = (Point) { cx - 20, cy };
      deltas[(*n_deltas)++] = (Point) { cx + uniform (rand, 70, 110), cy + uniform (rand, 100, 140) };
      break;

    case SYNTHETIC_FINGER_WHORL:
      cores[(*n_cores)++] = (Point) { cx + uniform (rand, -15, 0), cy - uniform (rand, 10, 25) };
      cores[(*n_cores)++] = (Point) { cx + uniform (rand, 0, 15), cy + uniform (rand, 10, 25) };
      deltas[(*n_deltas)++] = (Point) { cx - uniform (rand, 90, 130), cy + uniform (rand, 110, 150) };
      deltas[(*n_deltas)++] = (Point) { cx + uniform (rand, 90, 130), cy + uniform (rand, 110, 150) };
      break;

    case SYNTHETIC_FINGER_ARCH:
    case SYNTHETIC_FINGER_N_CLASSES:
    default:
      break;
    }
}

/**
 * synthetic_finger_new:
 * @seed: which finger
 * @klass: its pattern class
 *
 * Grows a master finger.  Takes about a tenth of a second.
 *
 * Returns: (transfer full): the finger
 */
SyntheticFinger *
synthetic_finger_new (guint32              seed,
                      SyntheticFingerClass klass)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autofree guint8 *orientation = g_new (guint8, MASTER_WIDTH * MASTER_HEIGHT);
  g_autofree float *next = g_new (float, MASTER_WIDTH * MASTER_HEIGHT);
  float kernels[N_ORIENTATIONS][KERNEL_SIZE * KERNEL_SIZE];
  float gains[N_ORIENTATIONS];
  Point cores[2], deltas[2];
  guint n_cores, n_deltas;
  double period, arch_height, sigma;
  SyntheticFinger *self;

  g_return_val_if_fail (klass < SYNTHETIC_FINGER_N_CLASSES, NULL);

  self = g_new0 (SyntheticFinger, 1);
  self->klass = klass;
  self->ridges = g_new (float, MASTER_WIDTH * MASTER_HEIGHT);

  period = uniform (rand, 8.5, 10.5);
  arch_height = uniform (rand, 60, 120);
  sigma = period * 0.45;
  place_singularities (klass, rand, cores, &n_cores, deltas, &n_deltas);

  for (guint y = 0; y < MASTER_HEIGHT; y++)
    for (guint x = 0; x < MASTER_WIDTH; x++)
      {
        double theta = orientation_at (klass, cores, n_cores, deltas, n_deltas,
                                       arch_height, x, y);
        double turns = fmod (theta / G_PI + 8.0, 1.0);

        orientation[y * MASTER_WIDTH + x] = (guint) lrint (turns * N_ORIENTATIONS) % N_ORIENTATIONS;
      }

  for (guint k = 0; k < N_ORIENTATIONS; k++)
    {
      double theta = G_PI * k / N_ORIENTATIONS;
      double absolute_sum = 0.0;

      for (int dy = -KERNEL_RADIUS; dy <= KERNEL_RADIUS; dy++)
        for (int dx = -KERNEL_RADIUS; dx <= KERNEL_RADIUS; dx++)
          {
            /* Across the ridge: the sinusoid runs along the normal. */
            double across = -dx *sin (theta) + dy * cos (theta);
            double value = exp (-(dx * dx + dy * dy) / (2 * sigma * sigma))
                           * cos (2 * G_PI * across / period);

            kernels[k][(dy + KERNEL_RADIUS) * KERNEL_SIZE + dx + KERNEL_RADIUS] = value;
            absolute_sum += fabs (value);
          }
      gains[k] = 4.0 / absolute_sum;
    }

  for (guint i = 0; i < MASTER_WIDTH * MASTER_HEIGHT; i++)
    self->ridges[i] = (float) uniform (rand, -1, 1);

  for (guint pass = 0; pass < GROWTH_PASSES; pass++)
    {
      for (int y = 0; y < MASTER_HEIGHT; y++)
        for (int x = 0; x < MASTER_WIDTH; x++)
          {
            guint k = orientation[y * MASTER_WIDTH + x];
            const float *kernel = kernels[k];
            float sum = 0.0f;

            if (y >= KERNEL_RADIUS && y < MASTER_HEIGHT - KERNEL_RADIUS
                && x >= KERNEL_RADIUS && x < MASTER_WIDTH - KERNEL_RADIUS)
              {
                for (int dy = 0; dy < KERNEL_SIZE; dy++)
                  {
                    const float *row = self->ridges + (y + dy - KERNEL_RADIUS) * MASTER_WIDTH + x - KERNEL_RADIUS;
                    const float *krow = kernel + dy * KERNEL_SIZE;

                    for (int dx = 0; dx < KERNEL_SIZE; dx++)
                      sum += krow[dx] * row[dx];
                  }
              }
            else
              {
                for (int dy = -KERNEL_RADIUS; dy <= KERNEL_RADIUS; dy++)
                  for (int dx = -KERNEL_RADIUS; dx <= KERNEL_RADIUS; dx++)
                    {
                      int sx = x + dx, sy = y + dy;

                      if (sx >= 0 && sy >= 0 && sx < MASTER_WIDTH && sy < MASTER_HEIGHT)
                        sum += kernel[(dy + KERNEL_RADIUS) * KERNEL_SIZE + dx + KERNEL_RADIUS]
                               * self->ridges[sy * MASTER_WIDTH + sx];
                    }
              }
            next[y * MASTER_WIDTH + x] = CLAMP (sum * gains[k], -1.0f, 1.0f);
          }
      memcpy (self->ridges, next, sizeof (float) * MASTER_WIDTH * MASTER_HEIGHT);
    }

  return self;
}

void
synthetic_finger_free (SyntheticFinger *self)
{
  if (self == NULL)
    return;
  g_free (self->ridges);
  g_free (self);
}

SyntheticFingerClass
synthetic_finger_get_class (SyntheticFinger *self)
{
  return self->klass;
}

/**
 * synthetic_finger_random_impression:
 * @seed: which impression
 * @params: (out): its parameters
 *
 * Draws the parameters of a typical impression: rotation within ±20°,
 * shift within ±20 px, 2–5 px of elastic distortion, moderate noise and a
 * contact area from 65 % to all of the image.
 */
void
synthetic_finger_random_impression (guint32                    seed,
                                    SyntheticImpressionParams *params)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed ^ 0x9e3779b9u);

  params->rotation_degrees = CLAMP (gaussian (rand) * 8.0, -20.0, 20.0);
  params->shift_x = uniform (rand, -20, 20);
  params->shift_y = uniform (rand, -20, 20);
  params->distortion = uniform (rand, 2, 5);
  params->noise = uniform (rand, 8, 20);
  params->contact = uniform (rand, 0.65, 1.0);
}

static float
sample_master (const SyntheticFinger *self,
               double                 x,
               double                 y,
               gboolean              *inside)
{
  int x0 = (int) floor (x), y0 = (int) floor (y);
  float fx = (float) (x - x0), fy = (float) (y - y0);
  const float *r;

  if (x0 < 0 || y0 < 0 || x0 + 1 >= MASTER_WIDTH || y0 + 1 >= MASTER_HEIGHT)
    {
      *inside = FALSE;
      return -1.0f;
    }
  *inside = TRUE;
  r = self->ridges + y0 * MASTER_WIDTH + x0;

  return (r[0] * (1 - fx) + r[1] * fx) * (1 - fy)
         + (r[MASTER_WIDTH] * (1 - fx) + r[MASTER_WIDTH + 1] * fx) * fy;
}

/**
 * synthetic_finger_render:
 * @self: a finger
 * @seed: seed of the impression's noise, distortion and contact shape
 * @params: the impression's pose and conditions
 *
 * Renders one impression: dark ridges on white, 8-bit grey,
 * %SYNTHETIC_FINGER_WIDTH × %SYNTHETIC_FINGER_HEIGHT pixels at 500 dpi.
 *
 * Returns: (transfer full): the pixels, row by row
 */
guint8 *
synthetic_finger_render (SyntheticFinger                 *self,
                         guint32                          seed,
                         const SyntheticImpressionParams *params)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint8 *pixels = g_new (guint8, SYNTHETIC_FINGER_WIDTH * SYNTHETIC_FINGER_HEIGHT);
  double angle = params->rotation_degrees * G_PI / 180.0;
  double c = cos (angle), s = sin (angle);
  double icx = SYNTHETIC_FINGER_WIDTH / 2.0, icy = SYNTHETIC_FINGER_HEIGHT / 2.0;
  double mcx = MASTER_WIDTH / 2.0, mcy = MASTER_HEIGHT / 2.0;
  double wave_f[4], wave_phase[4], wave_dir[4];
  double contrast_f[2], contrast_phase[2];
  double ex, ey, ea, eb, spill;

  for (guint i = 0; i < 4; i++)
    {
      wave_f[i] = uniform (rand, 1.0 / 400, 1.0 / 150) * 2 * G_PI;
      wave_phase[i] = uniform (rand, 0, 2 * G_PI);
      wave_dir[i] = uniform (rand, 0, 2 * G_PI);
    }
  for (guint i = 0; i < 2; i++)
    {
      contrast_f[i] = uniform (rand, 1.0 / 200, 1.0 / 80) * 2 * G_PI;
      contrast_phase[i] = uniform (rand, 0, 2 * G_PI);
    }

  /* The contact ellipse: smaller contact moves it off centre too. */
  spill = (1.0 - params->contact) * 90.0;
  ex = icx + uniform (rand, -spill, spill);
  ey = icy + uniform (rand, -spill, spill);
  ea = SYNTHETIC_FINGER_WIDTH * 0.5 * params->contact * uniform (rand, 0.95, 1.1);
  eb = SYNTHETIC_FINGER_HEIGHT * 0.5 * params->contact * uniform (rand, 0.95, 1.1);

  for (guint v = 0; v < SYNTHETIC_FINGER_HEIGHT; v++)
    for (guint u = 0; u < SYNTHETIC_FINGER_WIDTH; u++)
      {
        double du = u - icx, dv = v - icy;
        double ddx = 0.0, ddy = 0.0;
        double mx, my, amplitude, grey, edge;
        double nx = (u - ex) / ea, ny = (v - ey) / eb;
        gboolean inside;
        float ridge;

        /* Smooth elastic displacement: a few long waves in x and in y. */
        for (guint i = 0; i < 2; i++)
          ddx += sin (wave_f[i] * (u * cos (wave_dir[i]) + v * sin (wave_dir[i])) + wave_phase[i]);
        for (guint i = 2; i < 4; i++)
          ddy += sin (wave_f[i] * (u * cos (wave_dir[i]) + v * sin (wave_dir[i])) + wave_phase[i]);
        du += params->distortion * ddx / 2;
        dv += params->distortion * ddy / 2;

        mx = mcx + c * du - s * dv - params->shift_x;
        my = mcy + s * du + c * dv - params->shift_y;
        ridge = sample_master (self, mx, my, &inside);

        edge = 1.0 - (nx * nx + ny * ny);
        if (!inside || edge <= 0.0)
          {
            grey = 245.0 + gaussian (rand) * params->noise * 0.3;
          }
        else
          {
            amplitude = 0.8 + 0.2 * sin (contrast_f[0] * u + contrast_phase[0])
                        * sin (contrast_f[1] * v + contrast_phase[1]);
            /* Pressure fades towards the rim of the contact area. */
            amplitude *= MIN (1.0, edge * 6.0);
            grey = 150.0 - 100.0 * amplitude * ridge + gaussian (rand) * params->noise;
            grey = grey * MIN (1.0, edge * 6.0) + 245.0 * (1.0 - MIN (1.0, edge * 6.0));
          }
        pixels[v * SYNTHETIC_FINGER_WIDTH + u] = (guint8) CLAMP (lrint (grey), 0, 255);
      }

  return pixels;
}

/**
 * synthetic_minutiae_random:
 * @seed: which finger
 *
 * Draws a minutiae template directly, without an image: 40–90 minutiae
 * spread over an elliptic contact area at least 10 px apart, their
 * directions following the orientation field of a random pattern class
 * (either way along the ridge), with NBIS-like qualities.  A few
 * microseconds a template, so galleries of hundreds of thousands of
 * unrelated fingers can be built for benchmarks.  Unlike images, these are
 * not extracted, so they only stand in for impostors.
 *
 * Returns: (transfer full): the minutiae
 */
IdemMinutiae *
synthetic_minutiae_random (guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed ^ 0x5bd1e995u);
  IdemMinutiae *minutiae = idem_minutiae_new (SYNTHETIC_FINGER_WIDTH, SYNTHETIC_FINGER_HEIGHT, 500);
  SyntheticFingerClass klass = g_rand_int_range (rand, 0, SYNTHETIC_FINGER_N_CLASSES);
  guint wanted = g_rand_int_range (rand, 40, 91);
  double arch_height = uniform (rand, 60, 120);
  double offset_x = (MASTER_WIDTH - SYNTHETIC_FINGER_WIDTH) / 2.0;
  double offset_y = (MASTER_HEIGHT - SYNTHETIC_FINGER_HEIGHT) / 2.0;
  Point cores[2], deltas[2];
  guint n_cores, n_deltas;
  guint16 xs[IDEM_MINUTIAE_MAX], ys[IDEM_MINUTIAE_MAX];
  guint n = 0;

  place_singularities (klass, rand, cores, &n_cores, deltas, &n_deltas);

  for (guint attempt = 0; attempt < 4000 && n < wanted; attempt++)
    {
      double x = uniform (rand, 0, SYNTHETIC_FINGER_WIDTH);
      double y = uniform (rand, 0, SYNTHETIC_FINGER_HEIGHT);
      double nx = (x - SYNTHETIC_FINGER_WIDTH / 2.0) / (SYNTHETIC_FINGER_WIDTH * 0.48);
      double ny = (y - SYNTHETIC_FINGER_HEIGHT / 2.0) / (SYNTHETIC_FINGER_HEIGHT * 0.48);
      gboolean crowded = FALSE;
      double theta;
      IdemMinutia m;

      if (nx * nx + ny * ny > 1.0)
        continue;
      for (guint i = 0; i < n && !crowded; i++)
        crowded = (xs[i] - x) * (xs[i] - x) + (ys[i] - y) * (ys[i] - y) < 100.0;
      if (crowded)
        continue;

      theta = orientation_at (klass, cores, n_cores, deltas, n_deltas, arch_height,
                              x + offset_x, y + offset_y);
      if (g_rand_boolean (rand))
        theta += G_PI;
      xs[n] = m.x = (guint16) x;
      ys[n] = m.y = (guint16) y;
      m.angle = (guint8) lrint (fmod (theta / (2 * G_PI) + 8.0, 1.0) * 256.0);
      m.type = g_rand_boolean (rand) ? IDEM_MINUTIA_ENDING : IDEM_MINUTIA_BIFURCATION;
      m.quality = g_rand_int_range (rand, 10, 64);
      idem_minutiae_add (minutiae, &m, NULL);
      n++;
    }

  return minutiae;
}
