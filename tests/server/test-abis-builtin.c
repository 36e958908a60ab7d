/* test-abis-builtin.c — the built-in ABIS on real SQLite, real AES-GCM and
 * NBIS templates of MOSIP's samples and of synthetic fingers
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include "srv-abis-builtin.h"
#include "srv-database.h"

#include "server-test-util.h"
#include "test-abis-support.h"
#include "test-sanitizer.h"

#include <stdio.h>
#include <string.h>
#include <jpeglib.h>

/* The duplicate-enrolment gallery: person 7 must be in it.  Each person
 * is two rendered fingers through NBIS, the bulk of this test's time
 * under the sanitizers. */
#define N_PERSONS TEST_SIZE (12, 8)

typedef struct
{
  char           *tmp_dir;
  SrvDatabase    *database;
  SrvDataKeys     keys;
  SrvAbisBuiltin *abis;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  fixture->tmp_dir = srv_test_make_tmp_dir ();
  path = g_build_filename (fixture->tmp_dir, "idem.db", NULL);
  fixture->database = srv_database_open (path, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (srv_database_migrate (fixture->database, &error));
  g_assert_no_error (error);
  g_assert_true (idem_crypto_random_bytes ((guint8 *) &fixture->keys, sizeof fixture->keys, &error));

  fixture->abis = srv_abis_builtin_new (fixture->database, &fixture->keys, 2, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->abis);
  g_assert_true (srv_database_close (fixture->database, NULL));
  g_clear_object (&fixture->database);
  srv_test_remove_tree (fixture->tmp_dir);
  g_free (fixture->tmp_dir);
}

static void
reopen (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_clear_object (&fixture->abis);
  fixture->abis = srv_abis_builtin_new (fixture->database, &fixture->keys, 2, &error);
  g_assert_no_error (error);
}

static void
insert_ok (Fixture    *fixture,
           const char *reference_id,
           GBytes     *cbeff)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (srv_abis_insert (SRV_ABIS (fixture->abis), reference_id, cbeff, &error));
  g_assert_no_error (error);
}

static const SrvAbisCandidate *
candidate (GPtrArray *candidates,
           guint      n)
{
  return g_ptr_array_index (candidates, n);
}

static GBytes *
mosip_person (const char         *kind,
              gboolean            with_face,
              const char * const *names,
              const char * const *subtypes,
              guint               n)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  AbisTestBir birs[8];

  g_assert_cmpuint (n, <, G_N_ELEMENTS (birs));
  for (guint i = 0; i < n; i++)
    {
      g_ptr_array_add (records, abis_test_mosip_record (kind, names[i]));
      birs[i] = (AbisTestBir) { IDEM_BIOMETRIC_TYPE_FINGER, subtypes[i], g_ptr_array_index (records, i) };
    }
  if (with_face)
    {
      g_ptr_array_add (records, abis_test_mosip_record (kind, "Face.iso"));
      birs[n++] = (AbisTestBir) { IDEM_BIOMETRIC_TYPE_FACE, NULL, g_ptr_array_index (records, records->len - 1) };
    }

  return abis_test_cbeff_new (birs, n);
}

static void
test_mosip_samples (Fixture       *fixture,
                    gconstpointer  data)
{
  const char *names[] = { "Left_Index.iso", "Right_Thumb.iso" };
  const char *subtypes[] = { "Left IndexFinger", "Right Thumb" };
  g_autoptr(GBytes) registration = NULL;
  g_autoptr(GBytes) auth = NULL;
  g_autoptr(GBytes) stranger = NULL;
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GError) error = NULL;
  SrvFaceQuality quality;

  if (!abis_test_have_samples ())
    {
      g_test_skip ("IDEM_SHARED_DIR is not set");
      return;
    }

  registration = mosip_person ("Registration", TRUE, names, subtypes, 2);
  auth = mosip_person ("Auth", FALSE, names, subtypes, 2);
  /* A stranger with the same two finger positions: synthetic fingers. */
  {
    g_autoptr(GBytes) left = abis_test_synthetic_record (5001, 1, 7);
    g_autoptr(GBytes) thumb = abis_test_synthetic_record (5002, 2, 1);
    AbisTestBir birs[] = {
      { IDEM_BIOMETRIC_TYPE_FINGER, "Left IndexFinger", left },
      { IDEM_BIOMETRIC_TYPE_FINGER, "Right Thumb", thumb },
    };

    stranger = abis_test_cbeff_new (birs, G_N_ELEMENTS (birs));
  }

  insert_ok (fixture, "10001100010000120250101000000", registration);
  insert_ok (fixture, "10001100010000220250101000000", stranger);
  g_assert_cmpint (srv_abis_reference_count (SRV_ABIS (fixture->abis), NULL), ==, 2);

  /* The Auth captures of the same fingers find the registration, and
   * only it: the stranger's fingers at the same positions do not match. */
  candidates = srv_abis_identify (SRV_ABIS (fixture->abis), NULL, auth, NULL, 10, 50.0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (candidates->len, ==, 1);
  g_assert_cmpstr (candidate (candidates, 0)->reference_id, ==, "10001100010000120250101000000");
  g_assert_cmpfloat (candidate (candidates, 0)->finger_score, >=, 50.0);
  g_assert_cmpfloat (candidate (candidates, 0)->score, <=, 100.0);
  g_assert_cmpfloat (candidate (candidates, 0)->face_score, ==, -1.0);
  g_test_message ("MOSIP Auth against Registration: score %.1f", candidate (candidates, 0)->score);
  g_clear_pointer (&candidates, g_ptr_array_unref);

  /* With no threshold the stranger may appear, but far below. */
  candidates = srv_abis_identify (SRV_ABIS (fixture->abis), NULL, auth, NULL, 10, 0.0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (candidate (candidates, 0)->reference_id, ==, "10001100010000120250101000000");
  for (guint i = 1; i < candidates->len; i++)
    g_assert_cmpfloat (candidate (candidates, i)->score, <, 50.0);
  g_clear_pointer (&candidates, g_ptr_array_unref);

  /* The face is stored, sealed, with its quality figures. */
  g_assert_true (srv_abis_builtin_get_face_quality (fixture->abis, "10001100010000120250101000000", &quality, &error));
  g_assert_no_error (error);
  g_test_message ("face %u×%u sharpness %.1f brightness %.1f clipped %.3f/%.3f", quality.width, quality.height,
                  quality.sharpness, quality.brightness, quality.clipped_dark, quality.clipped_bright);
  g_assert_cmpuint (quality.width, >, 100);
  g_assert_cmpuint (quality.height, >, 100);
  g_assert_cmpfloat (quality.sharpness, >, 0.0);
  g_assert_cmpfloat (quality.brightness, >, 20.0);
  g_assert_cmpfloat (quality.brightness, <, 235.0);
  g_assert_false (srv_abis_builtin_get_face_quality (fixture->abis, "10001100010000220250101000000", &quality, &error));
  g_assert_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_BAD_BIOMETRICS);
}

static gboolean
contains (const guint8 *haystack,
          gsize         size,
          const guint8 *needle,
          gsize         length)
{
  for (gsize i = 0; i + length <= size; i++)
    if (memcmp (haystack + i, needle, length) == 0)
      return TRUE;

  return FALSE;
}

/* A face as the registration client stores it: a camera still in JPEG
 * (made here with libjpeg: a bright oval on a darker background, with
 * features to give it edges), inside an ISO/IEC 19794-5 record. */
static GBytes *
jpeg_face_record (guint    width,
                  guint    height,
                  gboolean truncate)
{
  g_autoptr(GDateTime) time = g_date_time_new_utc (2026, 1, 1, 9, 0, 0);
  g_autoptr(GBytes) jpeg = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *row = g_new (guint8, width * 3);
  struct jpeg_compress_struct compress;
  struct jpeg_error_mgr errors;
  unsigned char *buffer = NULL;
  unsigned long size = 0;
  IdemIso19794Image image = { .quality = -1, .width = width, .height = height,
                              .format = IDEM_BIOMETRIC_IMAGE_FORMAT_JPEG };
  GBytes *record;

  compress.err = jpeg_std_error (&errors);
  jpeg_create_compress (&compress);
  jpeg_mem_dest (&compress, &buffer, &size);
  compress.image_width = width;
  compress.image_height = height;
  compress.input_components = 3;
  compress.in_color_space = JCS_RGB;
  jpeg_set_defaults (&compress);
  jpeg_set_quality (&compress, 90, TRUE);
  jpeg_start_compress (&compress, TRUE);
  while (compress.next_scanline < height)
    {
      double v = (compress.next_scanline - height / 2.0) / (height * 0.35);
      JSAMPROW rows[1] = { row };

      for (guint x = 0; x < width; x++)
        {
          double u = (x - width / 2.0) / (width * 0.3);
          gboolean skin = u * u + v * v < 1.0;
          gboolean eye = ABS (ABS (u) - 0.4) < 0.12 && ABS (v + 0.25) < 0.06;
          guint8 level = eye ? 30 : skin ? 190 : 70 + (x * 40 / width);

          row[3 * x] = level;
          row[3 * x + 1] = (guint8) (level * 0.8);
          row[3 * x + 2] = (guint8) (level * 0.7);
        }
      jpeg_write_scanlines (&compress, rows, 1);
    }
  jpeg_finish_compress (&compress);
  jpeg_destroy_compress (&compress);

  jpeg = g_bytes_new (buffer, truncate ? size / 2 : size);
  free (buffer);
  image.image = jpeg;
  record = idem_iso19794_write (IDEM_ISO19794_FACE, &image, time, &error);
  g_assert_no_error (error);

  return record;
}

/* Registration workstations send JPEG faces: the face is stored with its
 * quality figures, like a JPEG 2000 one; a damaged one is left aside
 * while the fingers are still enrolled. */
static void
test_jpeg_face (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GBytes) finger = abis_test_synthetic_record (6001, 1, 2);
  g_autoptr(GBytes) face = jpeg_face_record (480, 640, FALSE);
  g_autoptr(GBytes) damaged = jpeg_face_record (480, 640, TRUE);
  g_autoptr(GBytes) stored_face = NULL;
  g_autoptr(GError) error = NULL;
  SrvFaceQuality quality;

  {
    AbisTestBir birs[] = {
      { IDEM_BIOMETRIC_TYPE_FINGER, "Right IndexFinger", finger },
      { IDEM_BIOMETRIC_TYPE_FACE, NULL, face },
    };
    g_autoptr(GBytes) cbeff = abis_test_cbeff_new (birs, G_N_ELEMENTS (birs));

    insert_ok (fixture, "jpeg-face", cbeff);
  }
  g_assert_true (srv_abis_builtin_get_face_quality (fixture->abis, "jpeg-face", &quality, &error));
  g_assert_no_error (error);
  g_test_message ("JPEG face %u×%u sharpness %.1f brightness %.1f clipped %.3f/%.3f", quality.width,
                  quality.height, quality.sharpness, quality.brightness, quality.clipped_dark,
                  quality.clipped_bright);
  g_assert_cmpuint (quality.width, ==, 480);
  g_assert_cmpuint (quality.height, ==, 640);
  g_assert_cmpfloat (quality.sharpness, >, 0.0);
  g_assert_cmpfloat (quality.brightness, >, 70.0);
  g_assert_cmpfloat (quality.brightness, <, 200.0);
  stored_face = srv_abis_builtin_get_face_record (fixture->abis, "jpeg-face", &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (stored_face, face));

  {
    AbisTestBir birs[] = {
      { IDEM_BIOMETRIC_TYPE_FINGER, "Right IndexFinger", finger },
      { IDEM_BIOMETRIC_TYPE_FACE, NULL, damaged },
    };
    g_autoptr(GBytes) cbeff = abis_test_cbeff_new (birs, G_N_ELEMENTS (birs));

    insert_ok (fixture, "damaged-face", cbeff);
  }
  g_assert_false (srv_abis_builtin_get_face_quality (fixture->abis, "damaged-face", &quality, &error));
  g_assert_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_BAD_BIOMETRICS);
}

static void
test_face_sealed (Fixture       *fixture,
                  gconstpointer  data)
{
  const char *names[] = { "Left_Index.iso" };
  const char *subtypes[] = { "Left IndexFinger" };
  g_autoptr(GBytes) registration = NULL;
  g_autoptr(GBytes) face = NULL;
  g_autoptr(GBytes) stored_face = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *statement;
  sqlite3 *db = srv_database_get_handle (fixture->database);
  const guint8 *blob;
  gsize face_size;
  int blob_size;

  if (!abis_test_have_samples ())
    {
      g_test_skip ("IDEM_SHARED_DIR is not set");
      return;
    }

  registration = mosip_person ("Registration", TRUE, names, subtypes, 1);
  face = abis_test_mosip_record ("Registration", "Face.iso");
  insert_ok (fixture, "sealed", registration);

  stored_face = srv_abis_builtin_get_face_record (fixture->abis, "sealed", &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (stored_face, face));

  /* What the table holds is not the record in clear. */
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT face FROM abis_reference WHERE reference_id = 'sealed'",
                                       -1, &statement, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_ROW);
  blob = sqlite3_column_blob (statement, 0);
  blob_size = sqlite3_column_bytes (statement, 0);
  face_size = g_bytes_get_size (face);
  g_assert_cmpint (blob_size, ==, (int) face_size + 12 + 16);
  g_assert_false (contains (blob, blob_size, g_bytes_get_data (face, NULL), 64));
  sqlite3_finalize (statement);
}

static void
test_duplicate_enrolment (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GBytes) again = NULL;
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  start = g_get_monotonic_time ();
  for (guint p = 0; p < N_PERSONS; p++)
    {
      g_autoptr(GBytes) cbeff = abis_test_synthetic_person (p, 100 + 10 * p);
      g_autofree char *reference = g_strdup_printf ("person-%02u", p);

      insert_ok (fixture, reference, cbeff);
    }
  g_test_message ("%u renderings and inserts of two fingers: %.1f ms each", N_PERSONS,
                  (g_get_monotonic_time () - start) / 1000.0 / N_PERSONS);

  /* Person 7 enrols again under a new reference, with new impressions. */
  again = abis_test_synthetic_person (7, 555);
  insert_ok (fixture, "person-07-again", again);

  candidates = srv_abis_identify (SRV_ABIS (fixture->abis), "person-07-again", NULL, NULL, 5, 0.0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (candidates->len, >=, 1);
  g_assert_cmpstr (candidate (candidates, 0)->reference_id, ==, "person-07");
  g_assert_cmpfloat (candidate (candidates, 0)->score, >=, 50.0);
  for (guint i = 0; i < candidates->len; i++)
    g_assert_cmpstr (candidate (candidates, i)->reference_id, !=, "person-07-again");
  for (guint i = 1; i < candidates->len; i++)
    g_assert_cmpfloat (candidate (candidates, i)->score, <, 50.0);
  g_clear_pointer (&candidates, g_ptr_array_unref);

  /* Restricted to a gallery without person 7: no candidate above 50. */
  {
    const char *gallery[] = { "person-01", "person-02", "person-07-again", NULL };
    const char *unknown[] = { "person-01", "nobody", NULL };

    candidates = srv_abis_identify (SRV_ABIS (fixture->abis), "person-07-again", NULL, gallery, 5, 50.0, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (candidates->len, ==, 0);
    g_clear_pointer (&candidates, g_ptr_array_unref);

    gallery[1] = "person-07";
    candidates = srv_abis_identify (SRV_ABIS (fixture->abis), "person-07-again", NULL, gallery, 5, 50.0, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (candidates->len, ==, 1);
    g_assert_cmpstr (candidate (candidates, 0)->reference_id, ==, "person-07");
    g_clear_pointer (&candidates, g_ptr_array_unref);

    candidates = srv_abis_identify (SRV_ABIS (fixture->abis), "person-07-again", NULL, unknown, 5, 50.0, &error);
    g_assert_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_REFERENCE_NOT_FOUND);
    g_assert_null (candidates);
    g_clear_error (&error);
  }

  /* max_results cuts the list. */
  candidates = srv_abis_identify (SRV_ABIS (fixture->abis), NULL, again, NULL, 1, 0.0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (candidates->len, ==, 1);
  g_assert_true (g_str_has_prefix (candidate (candidates, 0)->reference_id, "person-07"));
  g_clear_pointer (&candidates, g_ptr_array_unref);

  /* A restart reloads the same gallery from the sealed rows. */
  reopen (fixture);
  g_assert_cmpint (srv_abis_reference_count (SRV_ABIS (fixture->abis), NULL), ==, N_PERSONS + 1);
  g_test_message ("reloaded %u references in %.3f s", N_PERSONS + 1, srv_abis_builtin_get_load_seconds (fixture->abis));
  candidates = srv_abis_identify (SRV_ABIS (fixture->abis), "person-07-again", NULL, NULL, 5, 50.0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (candidates->len, ==, 1);
  g_assert_cmpstr (candidate (candidates, 0)->reference_id, ==, "person-07");
  g_clear_pointer (&candidates, g_ptr_array_unref);

  /* Removal takes the person out of both the table and the gallery. */
  g_assert_true (srv_abis_remove (SRV_ABIS (fixture->abis), "person-07", &error));
  g_assert_no_error (error);
  g_assert_false (srv_abis_remove (SRV_ABIS (fixture->abis), "person-07", &error));
  g_assert_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_REFERENCE_NOT_FOUND);
  g_clear_error (&error);
  candidates = srv_abis_identify (SRV_ABIS (fixture->abis), "person-07-again", NULL, NULL, 5, 50.0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (candidates->len, ==, 0);
  g_clear_pointer (&candidates, g_ptr_array_unref);
  reopen (fixture);
  g_assert_cmpint (srv_abis_reference_count (SRV_ABIS (fixture->abis), NULL), ==, N_PERSONS);
  g_assert_cmpint (srv_abis_pending_jobs (SRV_ABIS (fixture->abis), NULL), ==, 0);
  g_assert_true (srv_abis_ping (SRV_ABIS (fixture->abis), NULL));
}

static void
test_insert_again (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GBytes) first = abis_test_synthetic_person (1, 10);
  g_autoptr(GBytes) other = abis_test_synthetic_person (2, 20);
  g_autoptr(GError) error = NULL;

  insert_ok (fixture, "rid-1", first);
  /* A retry with the same biometrics is accepted and changes nothing. */
  insert_ok (fixture, "rid-1", first);
  g_assert_cmpint (srv_abis_reference_count (SRV_ABIS (fixture->abis), NULL), ==, 1);

  g_assert_false (srv_abis_insert (SRV_ABIS (fixture->abis), "rid-1", other, &error));
  g_assert_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_DUPLICATE_REFERENCE);
  g_assert_cmpint (srv_abis_reference_count (SRV_ABIS (fixture->abis), NULL), ==, 1);
}

static void
expect_bad (Fixture     *fixture,
            GBytes      *cbeff,
            SrvAbisError code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) candidates = NULL;

  g_assert_false (srv_abis_insert (SRV_ABIS (fixture->abis), "bad", cbeff, &error));
  g_assert_error (error, SRV_ABIS_ERROR, code);
  g_test_message ("refused: %s", error->message);
  g_clear_error (&error);
  candidates = srv_abis_identify (SRV_ABIS (fixture->abis), NULL, cbeff, NULL, 3, 0.0, &error);
  g_assert_error (error, SRV_ABIS_ERROR, code);
  g_assert_null (candidates);
}

static void
test_bad_biometrics (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GBytes) garbage = g_bytes_new_static ("<BIR><nope", 10);
  g_autoptr(GBytes) not_iso = g_bytes_new_static ("FIR\0" "999\0" "xxxxxxxxxxxxxxxx", 24);
  g_autoptr(GBytes) blank_pixels = NULL;
  g_autoptr(GBytes) blank = NULL;
  g_autoptr(GBytes) face_only = NULL;
  g_autoptr(GBytes) broken_finger = NULL;
  g_autoptr(GBytes) no_minutiae = NULL;
  g_autoptr(GDateTime) captured = g_date_time_new_utc (2026, 11, 22, 4, 0, 0);
  g_autoptr(GError) error = NULL;
  IdemIso19794Image image = { 0 };
  guint8 *white = g_malloc (300 * 400);

  memset (white, 0xff, 300 * 400);
  blank_pixels = g_bytes_new_take (white, 300 * 400);
  image = (IdemIso19794Image) {
    .finger_position = 2, .quality = -1, .width = 300, .height = 400, .horizontal_ppi = 500,
    .vertical_ppi = 500, .bit_depth = 8, .format = IDEM_BIOMETRIC_IMAGE_FORMAT_RAW, .image = blank_pixels,
  };
  blank = idem_iso19794_write (IDEM_ISO19794_FINGER, &image, captured, &error);
  g_assert_no_error (error);

  {
    AbisTestBir broken[] = { { IDEM_BIOMETRIC_TYPE_FINGER, "Right IndexFinger", not_iso } };
    AbisTestBir empty[] = { { IDEM_BIOMETRIC_TYPE_FINGER, "Right IndexFinger", blank } };

    broken_finger = abis_test_cbeff_new (broken, 1);
    no_minutiae = abis_test_cbeff_new (empty, 1);
  }

  expect_bad (fixture, garbage, SRV_ABIS_ERROR_BAD_BIOMETRICS);
  expect_bad (fixture, broken_finger, SRV_ABIS_ERROR_BAD_BIOMETRICS);
  expect_bad (fixture, no_minutiae, SRV_ABIS_ERROR_BAD_BIOMETRICS);
  if (abis_test_have_samples ())
    {
      g_autoptr(GBytes) face = abis_test_mosip_record ("Registration", "Face.iso");
      g_autoptr(GBytes) wsq = abis_test_mosip_record ("Auth", "Left_Index_wsq.iso");
      g_autoptr(GBytes) wsq_only = NULL;
      AbisTestBir faces[] = { { IDEM_BIOMETRIC_TYPE_FACE, NULL, face } };
      AbisTestBir wsqs[] = { { IDEM_BIOMETRIC_TYPE_FINGER, "Left IndexFinger", wsq } };

      face_only = abis_test_cbeff_new (faces, 1);
      expect_bad (fixture, face_only, SRV_ABIS_ERROR_BAD_BIOMETRICS);
      wsq_only = abis_test_cbeff_new (wsqs, 1);
      expect_bad (fixture, wsq_only, SRV_ABIS_ERROR_BAD_BIOMETRICS);
    }

  /* Nothing was stored. */
  g_assert_cmpint (srv_abis_reference_count (SRV_ABIS (fixture->abis), NULL), ==, 0);
  reopen (fixture);
  g_assert_cmpint (srv_abis_reference_count (SRV_ABIS (fixture->abis), NULL), ==, 0);
}

static void
test_bad_requests (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GBytes) person = abis_test_synthetic_person (3, 30);
  g_autoptr(GError) error = NULL;
  g_autofree char *long_id = g_strnfill (300, 'x');
  SrvAbis *abis = SRV_ABIS (fixture->abis);

  g_assert_false (srv_abis_insert (abis, "", person, &error));
  g_assert_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_INVALID_REQUEST);
  g_clear_error (&error);
  g_assert_false (srv_abis_insert (abis, long_id, person, &error));
  g_assert_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_INVALID_REQUEST);
  g_clear_error (&error);
  g_assert_false (srv_abis_insert (abis, "tab\there", person, &error));
  g_assert_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_INVALID_REQUEST);
  g_clear_error (&error);

  g_assert_null (srv_abis_identify (abis, NULL, NULL, NULL, 3, 0.0, &error));
  g_assert_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_INVALID_REQUEST);
  g_clear_error (&error);
  g_assert_null (srv_abis_identify (abis, "a", person, NULL, 3, 0.0, &error));
  g_assert_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_INVALID_REQUEST);
  g_clear_error (&error);
  g_assert_null (srv_abis_identify (abis, NULL, person, NULL, 0, 0.0, &error));
  g_assert_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_INVALID_REQUEST);
  g_clear_error (&error);
  g_assert_null (srv_abis_identify (abis, NULL, person, NULL, 3, 101.0, &error));
  g_assert_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_INVALID_REQUEST);
  g_clear_error (&error);
  g_assert_null (srv_abis_identify (abis, "nobody", NULL, NULL, 3, 0.0, &error));
  g_assert_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_REFERENCE_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (srv_abis_remove (abis, "nobody", &error));
  g_assert_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_REFERENCE_NOT_FOUND);
  g_clear_error (&error);
}

static void
test_tampered_row (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GBytes) person = abis_test_synthetic_person (4, 40);
  g_autoptr(GBytes) other = abis_test_synthetic_person (5, 50);
  g_autoptr(GError) error = NULL;
  g_autoptr(SrvAbisBuiltin) again = NULL;
  SrvDataKeys other_keys;

  insert_ok (fixture, "rid-4", person);
  insert_ok (fixture, "rid-5", other);

  /* Templates moved to another reference do not open: the reference ID
   * is the sealing's associated data. */
  g_assert_true (srv_database_exec (fixture->database,
                                    "UPDATE abis_reference SET templates ="
                                    " (SELECT templates FROM abis_reference WHERE reference_id = 'rid-4')"
                                    " WHERE reference_id = 'rid-5'", &error));
  g_assert_no_error (error);
  again = srv_abis_builtin_new (fixture->database, &fixture->keys, 2, &error);
  g_assert_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_INTERNAL);
  g_assert_null (again);
  g_clear_error (&error);

  /* Nor with other keys. */
  g_assert_true (srv_database_exec (fixture->database, "DELETE FROM abis_reference WHERE reference_id = 'rid-5'", &error));
  other_keys = fixture->keys;
  other_keys.biometrics[0] ^= 1;
  again = srv_abis_builtin_new (fixture->database, &other_keys, 2, &error);
  g_assert_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_INTERNAL);
  g_assert_null (again);
}

typedef struct
{
  Fixture *fixture;
  guint    index;
} ThreadData;

static gpointer
insert_thread (gpointer user_data)
{
  ThreadData *data = user_data;
  g_autoptr(GBytes) cbeff = abis_test_synthetic_person (20 + data->index, 7);
  g_autofree char *reference = g_strdup_printf ("thread-%u", data->index);
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (srv_abis_insert (SRV_ABIS (data->fixture->abis), reference, cbeff, &error));
  g_assert_no_error (error);
  candidates = srv_abis_identify (SRV_ABIS (data->fixture->abis), NULL, cbeff, NULL, 3, 50.0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (candidates->len, >=, 1);
  g_assert_cmpstr (candidate (candidates, 0)->reference_id, ==, reference);

  return NULL;
}

static void
test_threads (Fixture       *fixture,
              gconstpointer  data)
{
  ThreadData threads_data[4];
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      threads_data[i] = (ThreadData) { fixture, i };
      threads[i] = g_thread_new ("abis-test", insert_thread, &threads_data[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);

  g_assert_cmpint (srv_abis_reference_count (SRV_ABIS (fixture->abis), NULL), ==, G_N_ELEMENTS (threads));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
        g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/abis/builtin/mosip-samples", test_mosip_samples);
  ADD ("/abis/builtin/face-sealed", test_face_sealed);
  ADD ("/abis/builtin/jpeg-face", test_jpeg_face);
  ADD ("/abis/builtin/duplicate-enrolment", test_duplicate_enrolment);
  ADD ("/abis/builtin/insert-again", test_insert_again);
  ADD ("/abis/builtin/bad-biometrics", test_bad_biometrics);
  ADD ("/abis/builtin/bad-requests", test_bad_requests);
  ADD ("/abis/builtin/tampered-row", test_tampered_row);
  ADD ("/abis/builtin/threads", test_threads);
#undef ADD

  status = g_test_run ();
  srv_test_cleanup ();
  return status;
}
