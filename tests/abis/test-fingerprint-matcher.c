/* test-fingerprint-matcher.c — the matcher on fingerprints: NBIS minutiae of
 * synthetic finger images, and the MOSIP ISO/IEC 19794-4 samples
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include <idem.h>
#include <idem-minutiae-extract.h>
#include <synthetic-finger.h>
#include <test-sanitizer.h>

/* Even: fingers 2p and 2p + 1 are person p.  The fingers are fixed by
 * their index, so the sanitized run checks a subset of the plain one's. */
#define N_FINGERS TEST_SIZE (20, 12)
#define N_IMPRESSIONS 3

/* Extracted once, in parallel, for all tests. */
static IdemFingerTemplate *templates[N_FINGERS][N_IMPRESSIONS];

static guint32
impression_seed (guint finger,
                 guint impression)
{
  return (7000 + finger) * 64 + impression;
}

static IdemFingerTemplate *
extract (SyntheticFinger                 *finger,
         guint32                          seed,
         const SyntheticImpressionParams *params,
         guint                            position)
{
  g_autofree guint8 *pixels = synthetic_finger_render (finger, seed, params);
  g_autoptr(IdemMinutiae) minutiae = NULL;
  g_autoptr(GError) error = NULL;
  IdemFingerTemplate *template;

  minutiae = idem_minutiae_extract (pixels, SYNTHETIC_FINGER_WIDTH, SYNTHETIC_FINGER_HEIGHT, 500, &error);
  g_assert_no_error (error);
  template = idem_finger_template_new (minutiae, position, &error);
  g_assert_no_error (error);

  return template;
}

static void
extract_finger_cb (gpointer data,
                   gpointer user_data)
{
  guint f = GPOINTER_TO_UINT (data) - 1;
  g_autoptr(SyntheticFinger) finger = synthetic_finger_new (7000 + f, f % SYNTHETIC_FINGER_N_CLASSES);

  for (guint k = 0; k < N_IMPRESSIONS; k++)
    {
      SyntheticImpressionParams params;

      synthetic_finger_random_impression (impression_seed (f, k), &params);
      templates[f][k] = extract (finger, impression_seed (f, k), &params, f % 2 ? 7 : 2);
    }
}

static void
ensure_templates (void)
{
  GThreadPool *pool;

  if (templates[0][0] != NULL)
    return;
  pool = g_thread_pool_new (extract_finger_cb, NULL, g_get_num_processors (), TRUE, NULL);
  for (guint f = 0; f < N_FINGERS; f++)
    g_thread_pool_push (pool, GUINT_TO_POINTER (f + 1), NULL);
  g_thread_pool_free (pool, FALSE, TRUE);
}

static void
test_genuine_and_impostor (void)
{
  guint genuine = 0, genuine_matched = 0, impostor = 0, impostor_rejected = 0;

  ensure_templates ();
  for (guint f = 0; f < N_FINGERS; f++)
    for (guint k = 1; k < N_IMPRESSIONS; k++)
      {
        double score = idem_finger_template_compare (templates[f][k], templates[f][0]);

        genuine++;
        genuine_matched += score >= IDEM_FINGERPRINT_MATCH_THRESHOLD;
        if (score < IDEM_FINGERPRINT_MATCH_THRESHOLD)
          g_test_message ("finger %u impression %u: genuine score %.1f below threshold", f, k, score);
      }
  for (guint f = 0; f < N_FINGERS; f++)
    for (guint g = 0; g < N_FINGERS; g++)
      if (f != g)
        {
          double score = idem_finger_template_compare (templates[f][1], templates[g][0]);

          impostor++;
          impostor_rejected += score < IDEM_FINGERPRINT_MATCH_THRESHOLD;
        }

  g_test_message ("genuine matched %u/%u, impostors rejected %u/%u",
                  genuine_matched, genuine, impostor_rejected, impostor);
  /* The benchmark measures FNMR about 2 % at this threshold: allow one miss
   * among these 40 pairs (24 under the sanitizers), but no false match
   * among the 380 (132) impostor pairs. */
  g_assert_cmpuint (genuine_matched, >=, genuine - 1);
  g_assert_cmpuint (impostor_rejected, ==, impostor);
}

static void
test_rotated_impression (void)
{
  g_autoptr(SyntheticFinger) finger = synthetic_finger_new (4242, SYNTHETIC_FINGER_WHORL);
  g_autoptr(SyntheticFinger) other = synthetic_finger_new (4243, SYNTHETIC_FINGER_WHORL);
  SyntheticImpressionParams params = { 0, 0, 0, 2.0, 10.0, 0.95 };
  g_autoptr(IdemFingerTemplate) upright = extract (finger, 1, &params, 0);
  g_autoptr(IdemFingerTemplate) stranger = extract (other, 1, &params, 0);

  for (guint i = 0; i < 3; i++)
    {
      const double degrees[] = { 25, -40, 60 };
      g_autoptr(IdemFingerTemplate) turned = NULL;
      double score;

      params.rotation_degrees = degrees[i];
      params.shift_x = 10 * i;
      turned = extract (finger, 2 + i, &params, 0);
      score = idem_finger_template_compare (turned, upright);
      g_test_message ("turned %g°: score %.1f", degrees[i], score);
      g_assert_cmpfloat (score, >=, IDEM_FINGERPRINT_MATCH_THRESHOLD);
      g_assert_cmpfloat (idem_finger_template_compare (turned, stranger), <, IDEM_FINGERPRINT_MATCH_THRESHOLD);
    }
}

static void
test_identify_person (void)
{
  g_autoptr(IdemFingerprintGallery) gallery = idem_fingerprint_gallery_new (0);

  ensure_templates ();
  /* Person p has fingers 2p (right index) and 2p + 1 (left index). */
  for (guint p = 0; p < N_FINGERS / 2; p++)
    {
      g_autofree char *reference = g_strdup_printf ("person-%u", p);
      IdemFingerTemplate *fingers[2] = { templates[2 * p][0], templates[2 * p + 1][0] };
      g_autoptr(GError) error = NULL;

      g_assert_true (idem_fingerprint_gallery_insert (gallery, reference, fingers, 2, &error));
      g_assert_no_error (error);
    }

  for (guint p = 0; p < N_FINGERS / 2; p++)
    {
      g_autofree char *expected = g_strdup_printf ("person-%u", p);
      IdemFingerTemplate *probe[2] = { templates[2 * p][2], templates[2 * p + 1][2] };
      g_autoptr(GPtrArray) candidates = NULL;
      g_autoptr(GError) error = NULL;
      double score;

      candidates = idem_fingerprint_gallery_identify (gallery, probe, 2, 3, 0.0, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (candidates->len, >=, 1);
      g_assert_cmpstr (((IdemFingerprintCandidate *) g_ptr_array_index (candidates, 0))->reference_id, ==, expected);

      g_assert_true (idem_fingerprint_gallery_verify (gallery, expected, probe, 2, &score, &error));
      g_assert_no_error (error);
      g_assert_cmpfloat (score, >=, IDEM_FINGERPRINT_MATCH_THRESHOLD);
    }
}

static void
test_garbage_image (void)
{
  g_autofree guint8 *white = g_malloc (SYNTHETIC_FINGER_WIDTH * SYNTHETIC_FINGER_HEIGHT);
  g_autoptr(IdemMinutiae) minutiae = NULL;
  g_autoptr(IdemFingerTemplate) template = NULL;
  g_autoptr(GError) error = NULL;

  /* A blank sensor: NBIS finds nothing, and says so. */
  memset (white, 255, SYNTHETIC_FINGER_WIDTH * SYNTHETIC_FINGER_HEIGHT);
  minutiae = idem_minutiae_extract (white, SYNTHETIC_FINGER_WIDTH, SYNTHETIC_FINGER_HEIGHT, 500, &error);
  g_assert_null (minutiae);
  g_assert_error (error, IDEM_MINUTIAE_ERROR, IDEM_MINUTIAE_ERROR_EXTRACTION);
  g_clear_error (&error);

  /* A smudge: a few dark blobs give a handful of minutiae, too few to use. */
  for (guint b = 0; b < 3; b++)
    for (guint y = 0; y < 30; y++)
      for (guint x = 0; x < 30; x++)
        white[(100 + 80 * b + y) * SYNTHETIC_FINGER_WIDTH + 120 + x] = 30;
  minutiae = idem_minutiae_extract (white, SYNTHETIC_FINGER_WIDTH, SYNTHETIC_FINGER_HEIGHT, 500, &error);
  if (minutiae != NULL)
    {
      g_test_message ("smudge: %u minutiae", idem_minutiae_get_count (minutiae));
      template = idem_finger_template_new (minutiae, 0, &error);
      g_assert_null (template);
      g_assert_error (error, IDEM_FINGERPRINT_ERROR, IDEM_FINGERPRINT_ERROR_TOO_FEW_MINUTIAE);
    }
  else
    {
      g_assert_error (error, IDEM_MINUTIAE_ERROR, IDEM_MINUTIAE_ERROR_EXTRACTION);
    }
  g_clear_error (&error);
  g_clear_pointer (&minutiae, idem_minutiae_unref);

  minutiae = idem_minutiae_extract (white, 20, 20, 500, &error);
  g_assert_null (minutiae);
  g_assert_error (error, IDEM_MINUTIAE_ERROR, IDEM_MINUTIAE_ERROR_IMAGE);
}

static GBytes *
read_sample (const char *profile,
             const char *kind,
             const char *name)
{
  const char *shared = g_getenv ("IDEM_SHARED_DIR");
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_nonnull (shared);
  path = g_build_filename (shared, "biometrics", "mosip-iso-samples", "Profile", profile, kind, name, NULL);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));

  return g_bytes_new_take (g_steal_pointer (&contents), length);
}

static IdemFingerTemplate *
sample_template (const char *kind,
                 const char *name)
{
  g_autoptr(GBytes) record = read_sample ("Default", kind, name);
  g_autoptr(IdemFingerImage) image = NULL;
  g_autoptr(IdemMinutiae) minutiae = NULL;
  g_autoptr(GError) error = NULL;
  IdemFingerTemplate *template;

  image = idem_finger_image_decode_iso (record, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (image->resolution, ==, 500);
  minutiae = idem_minutiae_extract_from_image (image, &error);
  g_assert_no_error (error);
  template = idem_finger_template_new (minutiae, image->position, &error);
  g_assert_no_error (error);

  return template;
}

static void
extract_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  IdemMinutiae **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = idem_minutiae_extract_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_extract_async (void)
{
  g_autoptr(SyntheticFinger) finger = synthetic_finger_new (99, SYNTHETIC_FINGER_LEFT_LOOP);
  SyntheticImpressionParams params;
  IdemFingerImage image = { SYNTHETIC_FINGER_WIDTH, SYNTHETIC_FINGER_HEIGHT, 500, 0, NULL };
  g_autoptr(IdemMinutiae) direct = NULL;
  IdemMinutiae *threaded = NULL;

  synthetic_finger_random_impression (5, &params);
  image.pixels = synthetic_finger_render (finger, 5, &params);
  direct = idem_minutiae_extract_from_image (&image, NULL);
  idem_minutiae_extract_async (&image, NULL, extract_done_cb, &threaded);
  g_free (image.pixels);
  while (threaded == NULL)
    g_main_context_iteration (NULL, TRUE);

  /* The same image gives the same minutiae, whichever thread runs NBIS. */
  {
    g_autoptr(GBytes) a = idem_minutiae_serialize (direct);
    g_autoptr(GBytes) b = idem_minutiae_serialize (threaded);

    g_assert_cmpuint (idem_minutiae_get_count (direct), >=, IDEM_MINUTIAE_MIN);
    g_assert_true (g_bytes_equal (a, b));
  }
  idem_minutiae_unref (threaded);
}

static void
test_mosip_samples (void)
{
  const char *fingers[] = { "Left_Index", "Right_Thumb", "Right_Middle" };
  IdemFingerTemplate *registration[G_N_ELEMENTS (fingers)];
  IdemFingerTemplate *auth[G_N_ELEMENTS (fingers)];

  if (g_getenv ("IDEM_SHARED_DIR") == NULL)
    {
      g_test_skip ("IDEM_SHARED_DIR is not set");
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (fingers); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s.iso", fingers[i]);

      registration[i] = sample_template ("Registration", name);
      auth[i] = sample_template ("Auth", name);
    }
  /* ISO position 7 is the left index finger. */
  g_assert_cmpuint (idem_finger_template_get_position (registration[0]), ==, 7);

  for (guint r = 0; r < G_N_ELEMENTS (fingers); r++)
    for (guint a = 0; a < G_N_ELEMENTS (fingers); a++)
      {
        double score = idem_finger_template_compare (auth[a], registration[r]);

        g_test_message ("%s auth × %s registration: %.1f", fingers[a], fingers[r], score);
        if (r == a)
          g_assert_cmpfloat (score, >=, IDEM_FINGERPRINT_MATCH_THRESHOLD);
        else
          g_assert_cmpfloat (score, <, IDEM_FINGERPRINT_MATCH_THRESHOLD);
      }

  for (guint i = 0; i < G_N_ELEMENTS (fingers); i++)
    {
      idem_finger_template_unref (registration[i]);
      idem_finger_template_unref (auth[i]);
    }
}

static void
expect_iso_refused (GBytes *record,
                    int     code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdemFingerImage) image = idem_finger_image_decode_iso (record, &error);

  g_assert_null (image);
  g_assert_error (error, IDEM_MINUTIAE_ERROR, code);
}

static void
test_iso_refused (void)
{
  g_autoptr(GBytes) wsq = NULL;
  g_autoptr(GBytes) good = NULL;
  g_autoptr(GBytes) short_record = NULL;
  g_autoptr(GBytes) not_iso = g_bytes_new_static ("GIF89a, not a finger", 20);
  g_autofree guint8 *old_version = NULL;
  g_autofree guint8 *broken_image = NULL;
  gsize size;

  if (g_getenv ("IDEM_SHARED_DIR") == NULL)
    {
      g_test_skip ("IDEM_SHARED_DIR is not set");
      return;
    }

  expect_iso_refused (not_iso, IDEM_MINUTIAE_ERROR_INVALID);

  wsq = read_sample ("Default", "Auth", "Left_Index_wsq.iso");
  expect_iso_refused (wsq, IDEM_MINUTIAE_ERROR_IMAGE);

  good = read_sample ("Default", "Auth", "Left_Index.iso");
  short_record = g_bytes_new_from_bytes (good, 0, 80);
  expect_iso_refused (short_record, IDEM_MINUTIAE_ERROR_TRUNCATED);

  size = g_bytes_get_size (good);
  old_version = g_memdup2 (g_bytes_get_data (good, NULL), size);
  memcpy (old_version + 4, "010", 4);
  {
    g_autoptr(GBytes) record = g_bytes_new (old_version, size);

    expect_iso_refused (record, IDEM_MINUTIAE_ERROR_UNSUPPORTED_VERSION);
  }

  /* The JPEG 2000 codestream cut to garbage in the middle. */
  broken_image = g_memdup2 (g_bytes_get_data (good, NULL), size);
  memset (broken_image + 200, 0x5a, size - 200);
  {
    g_autoptr(GBytes) record = g_bytes_new (broken_image, size);

    expect_iso_refused (record, IDEM_MINUTIAE_ERROR_IMAGE);
  }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/abis/extract/garbage-image", test_garbage_image);
  g_test_add_func ("/abis/extract/iso-refused", test_iso_refused);
  g_test_add_func ("/abis/extract/async", test_extract_async);
  g_test_add_func ("/abis/match/genuine-and-impostor", test_genuine_and_impostor);
  g_test_add_func ("/abis/match/rotated-impression", test_rotated_impression);
  g_test_add_func ("/abis/match/identify-person", test_identify_person);
  g_test_add_func ("/abis/match/mosip-samples", test_mosip_samples);

  status = g_test_run ();

  for (guint f = 0; f < N_FINGERS; f++)
    for (guint k = 0; k < N_IMPRESSIONS; k++)
      g_clear_pointer (&templates[f][k], idem_finger_template_unref);

  return status;
}
