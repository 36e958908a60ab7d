/* test-abis-support.c — biometric records for the ABIS tests: MOSIP's
 * samples and synthetic fingers, wrapped in CBEFF
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include "test-abis-support.h"

/**
 * abis_test_have_samples:
 *
 * Returns: whether IDEM_SHARED_DIR points at the shared test data
 */
gboolean
abis_test_have_samples (void)
{
  return g_getenv ("IDEM_SHARED_DIR") != NULL;
}

/* An ISO record of MOSIP's default profile: @kind "Registration" or "Auth". */
GBytes *
abis_test_mosip_record (const char *kind,
                        const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("IDEM_SHARED_DIR"), "biometrics", "mosip-iso-samples",
                                            "Profile", "Default", kind, name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);

  return g_bytes_new_take (contents, length);
}

/* One impression of a synthetic finger, as an uncompressed ISO/IEC
 * 19794-4 record at 500 dpi.  The finger's pattern class follows its seed,
 * so neighbouring seeds differ in class too. */
GBytes *
abis_test_synthetic_record (guint32 finger_seed,
                            guint32 impression_seed,
                            guint   position)
{
  g_autoptr(SyntheticFinger) finger = synthetic_finger_new (finger_seed, finger_seed % SYNTHETIC_FINGER_N_CLASSES);
  g_autoptr(GBytes) pixels = NULL;
  g_autoptr(GDateTime) captured = g_date_time_new_utc (2026, 11, 22, 4, 0, 0);
  g_autoptr(GError) error = NULL;
  SyntheticImpressionParams params;
  IdemIso19794Image image = { 0 };
  GBytes *record;

  synthetic_finger_random_impression (impression_seed, &params);
  pixels = g_bytes_new_take (synthetic_finger_render (finger, impression_seed, &params),
                             SYNTHETIC_FINGER_WIDTH * SYNTHETIC_FINGER_HEIGHT);

  image.finger_position = position;
  image.quality = -1;
  image.width = SYNTHETIC_FINGER_WIDTH;
  image.height = SYNTHETIC_FINGER_HEIGHT;
  image.horizontal_ppi = 500;
  image.vertical_ppi = 500;
  image.bit_depth = 8;
  image.compression = 0;
  image.format = IDEM_BIOMETRIC_IMAGE_FORMAT_RAW;
  image.image = pixels;
  record = idem_iso19794_write (IDEM_ISO19794_FINGER, &image, captured, &error);
  g_assert_no_error (error);

  return record;
}

GBytes *
abis_test_cbeff_new (const AbisTestBir *birs,
                     guint              n_birs)
{
  g_autoptr(IdemBir) set = idem_bir_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  GBytes *xml;

  idem_bir_set_version (set, 1, 1);
  idem_bir_set_cbeff_version (set, 1, 1);
  idem_bir_set_integrity (set, FALSE);
  for (guint i = 0; i < n_birs; i++)
    {
      g_autoptr(IdemBir) bir = idem_bir_new ();
      g_autofree char *uuid = g_uuid_string_random ();

      idem_bir_set_version (bir, 1, 1);
      idem_bir_set_cbeff_version (bir, 1, 1);
      idem_bir_set_integrity (bir, FALSE);
      idem_bir_set_creation_date (bir, now);
      g_assert_true (idem_bir_set_bdb_index (bir, uuid));
      idem_bir_set_biometric_type (bir, birs[i].type);
      if (birs[i].subtype != NULL)
        g_assert_true (idem_bir_set_subtype (bir, birs[i].subtype));
      idem_bir_set_format (bir, "Mosip", birs[i].type == IDEM_BIOMETRIC_TYPE_FACE ? "8" : "7");
      idem_bir_set_level (bir, IDEM_BIR_LEVEL_RAW);
      idem_bir_set_purpose (bir, IDEM_BIR_PURPOSE_ENROLL);
      idem_bir_set_bdb (bir, birs[i].record);
      idem_bir_add_child (set, bir);
    }

  xml = idem_cbeff_write (set, &error);
  g_assert_no_error (error);

  return xml;
}

/* Person p of the synthetic population: right and left index fingers,
 * drawn from seeds 9000 + 2p and 9001 + 2p. */
GBytes *
abis_test_synthetic_person (guint   person,
                            guint32 impression_seed)
{
  g_autoptr(GBytes) right = abis_test_synthetic_record (9000 + 2 * person, impression_seed, 2);
  g_autoptr(GBytes) left = abis_test_synthetic_record (9001 + 2 * person, impression_seed + 1, 7);
  AbisTestBir birs[] = {
    { IDEM_BIOMETRIC_TYPE_FINGER, "Right IndexFinger", right },
    { IDEM_BIOMETRIC_TYPE_FINGER, "Left IndexFinger", left },
  };

  return abis_test_cbeff_new (birs, G_N_ELEMENTS (birs));
}
