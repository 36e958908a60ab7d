/* srv-abis-builtin.c — the built-in ABIS: sealed templates in SQLite, an
 * in-memory gallery for identification
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * An insert reads the CBEFF document, decodes each finger's ISO/IEC
 * 19794-4 image (JPEG 2000 or uncompressed), extracts its minutiae with
 * NBIS and compiles them into libcore's matcher templates.  What is stored
 * is the minutiae, not the compiled form, so a better matcher can
 * recompile them at the next start; they are sealed with AES-256-GCM
 * (associated data: the reference ID, so a row cannot be moved to another
 * reference) in one abis_reference row, apart from demographics.  A face
 * is stored sealed too, with basic quality figures; faces are not
 * compared.
 *
 * The gallery lives in memory (IdemFingerprintGallery) and is rebuilt from
 * the table at start-up, in parallel.  Writes to the table and the gallery
 * happen together under one lock, so both always hold the same references.
 *
 * Scores: the matcher's finger scores are unbounded sums; candidates carry
 * 100·s / (s + T), where s is the sum of the probe's finger scores and T
 * the matcher's single-finger decision threshold.  So 50 means "as strong
 * as one finger at the 1:1 threshold", two such fingers give 67, and the
 * scale never saturates, which keeps near-duplicates ranked.
 *
 * A repeated insert of the same reference with the same biometric data
 * (an HMAC of the data blocks tells) succeeds without change: MOSIP
 * retries inserts.  With other data it is a conflict.
 */

#define G_LOG_DOMAIN "idem-abis"

#include "config.h"

#include "srv-abis-builtin.h"

#include "idem.h"
#include "idem-minutiae-extract.h"

#include <glib/gi18n.h>
#include <string.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

#define KEY_SALT "idem-abis-v1"
#define AAD_LABEL "idem-abis-templates-v1|"
#define FACE_AAD_LABEL "idem-abis-face-v1|"
#define TEMPLATES_VERSION 2
/* Rows handed to a loading worker at once. */
#define LOAD_BATCH 256

struct _SrvAbisBuiltin
{
  GObject                 parent_instance;

  SrvDatabase            *database;
  IdemFingerprintGallery *gallery;
  guint8                  seal_key[32];
  guint8                  digest_key[32];
  /* Serialises writers: the table and the gallery change together. */
  GMutex                  write_lock;
  gint                    in_flight;
  double                  load_seconds;
};

static void srv_abis_builtin_iface_init (SrvAbisInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SrvAbisBuiltin, srv_abis_builtin, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (SRV_TYPE_ABIS, srv_abis_builtin_iface_init))

/* What an insert or an inline probe yields from a CBEFF document. */
typedef struct
{
  GPtrArray      *fingers;    /* IdemFingerTemplate */
  GPtrArray      *minutiae;   /* IdemMinutiae, same order */
  GError         *first_error;
  IdemSha256     *digest;    /* of the data blocks, for the stored HMAC */
  GBytes         *face_record;
  SrvFaceQuality  face_quality;
  gboolean        has_face;
} Biometrics;

static void
biometrics_clear (Biometrics *biometrics)
{
  g_clear_pointer (&biometrics->fingers, g_ptr_array_unref);
  g_clear_pointer (&biometrics->minutiae, g_ptr_array_unref);
  g_clear_error (&biometrics->first_error);
  g_clear_pointer (&biometrics->digest, idem_sha256_free);
  g_clear_pointer (&biometrics->face_record, g_bytes_unref);
}

static gboolean
database_error (SrvAbisBuiltin  *self,
                GError         **error)
{
  g_set_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_INTERNAL,
               _("ABIS database: %s"), sqlite3_errmsg (srv_database_get_handle (self->database)));
  return FALSE;
}

static sqlite3_stmt *
prepare (SrvAbisBuiltin  *self,
         const char      *sql,
         GError         **error)
{
  sqlite3_stmt *statement = NULL;
  sqlite3 *db = srv_database_get_handle (self->database);

  if (db == NULL)
    {
      g_set_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_UNAVAILABLE, _("The ABIS database is closed"));
      return NULL;
    }
  if (sqlite3_prepare_v2 (db, sql, -1, &statement, NULL) != SQLITE_OK)
    {
      database_error (self, error);
      return NULL;
    }

  return statement;
}

/* MOSIP's finger subtypes, for records whose image says "unknown". */
static guint
position_from_subtype (const char *subtype)
{
  static const char * const names[] = {
    "Right Thumb", "Right IndexFinger", "Right MiddleFinger", "Right RingFinger", "Right LittleFinger",
    "Left Thumb", "Left IndexFinger", "Left MiddleFinger", "Left RingFinger", "Left LittleFinger",
  };

  for (guint i = 0; subtype != NULL && i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (subtype, names[i]))
      return i + 1;

  return IDEM_FINGER_POSITION_UNKNOWN;
}

static void
digest_block (Biometrics *biometrics,
              guint8      kind,
              GBytes     *block)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (block, &size);
  guint8 header[9] = { kind };

  for (guint i = 0; i < 8; i++)
    header[1 + i] = (guint8) ((guint64) size >> (56 - 8 * i));
  idem_sha256_update (biometrics->digest, header, sizeof header);
  idem_sha256_update (biometrics->digest, data, size);
}

static void
remember_error (Biometrics *biometrics,
                GError     *error)
{
  if (biometrics->first_error == NULL)
    biometrics->first_error = error;
  else
    g_error_free (error);
}

static void
read_finger (Biometrics *biometrics,
             IdemBir    *bir)
{
  g_autoptr(IdemFingerImage) image = NULL;
  g_autoptr(IdemMinutiae) minutiae = NULL;
  IdemFingerTemplate *template;
  GBytes *bdb = idem_bir_get_bdb (bir);
  GError *error = NULL;
  guint position;

  if (bdb == NULL)
    return;
  if (biometrics->digest != NULL)
    digest_block (biometrics, 'F', bdb);

  image = idem_finger_image_decode_iso (bdb, &error);
  if (image != NULL)
    minutiae = idem_minutiae_extract_from_image (image, &error);
  if (minutiae == NULL)
    {
      remember_error (biometrics, error);
      return;
    }

  position = image->position != IDEM_FINGER_POSITION_UNKNOWN && image->position <= IDEM_FINGER_POSITION_MAX
             ? image->position : position_from_subtype (idem_bir_get_subtype (bir));
  template = idem_finger_template_new (minutiae, position, &error);
  if (template == NULL)
    {
      remember_error (biometrics, error);
      return;
    }
  g_ptr_array_add (biometrics->fingers, template);
  g_ptr_array_add (biometrics->minutiae, g_steal_pointer (&minutiae));
}

static void
read_face (Biometrics *biometrics,
           IdemBir    *bir)
{
  g_autoptr(IdemIso19794Record) record = NULL;
  g_autofree guint8 *pixels = NULL;
  const IdemIso19794Image *image;
  GBytes *bdb = idem_bir_get_bdb (bir);
  GError *error = NULL;
  guint width, height;

  if (bdb == NULL || biometrics->has_face)
    return;
  if (biometrics->digest != NULL)
    digest_block (biometrics, 'A', bdb);

  record = idem_iso19794_parse (bdb, &error);
  if (record == NULL || idem_iso19794_record_get_modality (record) != IDEM_ISO19794_FACE)
    {
      g_debug ("Face record left aside: %s", error != NULL ? error->message : "not a face record");
      g_clear_error (&error);
      return;
    }
  image = idem_iso19794_record_get_image (record, 0);
  pixels = idem_iso19794_image_decode_grey (image, &width, &height, &error);
  if (pixels == NULL)
    {
      g_debug ("Face image left aside: %s", error->message);
      g_clear_error (&error);
      return;
    }

  srv_face_quality_measure (pixels, width, height, &biometrics->face_quality);
  biometrics->face_record = g_bytes_ref (bdb);
  biometrics->has_face = TRUE;
}

static void
walk_birs (Biometrics *biometrics,
           IdemBir    *bir,
           gboolean    with_faces)
{
  switch (idem_bir_get_biometric_type (bir))
    {
    case IDEM_BIOMETRIC_TYPE_FINGER:
      read_finger (biometrics, bir);
      break;

    case IDEM_BIOMETRIC_TYPE_FACE:
      if (with_faces)
        read_face (biometrics, bir);
      break;

    case IDEM_BIOMETRIC_TYPE_NONE:
    case IDEM_BIOMETRIC_TYPE_IRIS:
    case IDEM_BIOMETRIC_TYPE_EXCEPTION_PHOTO:
    default:
      break;
    }

  for (guint i = 0; i < idem_bir_get_n_children (bir); i++)
    walk_birs (biometrics, idem_bir_get_child (bir, i), with_faces);
}

/* Reads the document into @biometrics; for an insert (@for_insert) also
 * the face and the digest.  Fails unless at least one finger is usable. */
static gboolean
read_biometrics (SrvAbisBuiltin  *self,
                 GBytes          *cbeff,
                 gboolean         for_insert,
                 Biometrics      *biometrics,
                 GError         **error)
{
  g_autoptr(IdemBir) bir = NULL;
  g_autoptr(GError) local_error = NULL;

  biometrics->fingers = g_ptr_array_new_with_free_func ((GDestroyNotify) idem_finger_template_unref);
  biometrics->minutiae = g_ptr_array_new_with_free_func ((GDestroyNotify) idem_minutiae_unref);
  if (for_insert)
    biometrics->digest = idem_sha256_new ();

  bir = idem_cbeff_read (cbeff, &local_error);
  if (bir == NULL)
    {
      g_set_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_BAD_BIOMETRICS,
                   _("The biometric record cannot be read: %s"), local_error->message);
      return FALSE;
    }

  walk_birs (biometrics, bir, for_insert);

  if (biometrics->fingers->len == 0)
    {
      if (biometrics->first_error != NULL)
        g_set_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_BAD_BIOMETRICS,
                     _("The biometric record has no usable finger: %s"), biometrics->first_error->message);
      else
        g_set_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_BAD_BIOMETRICS,
                     _("The biometric record has no finger"));
      return FALSE;
    }

  return TRUE;
}

static GBytes *
make_aad (const char *label,
          const char *reference_id)
{
  char *text = g_strconcat (label, reference_id, NULL);

  return g_bytes_new_take (text, strlen (text));
}

static GBytes *
seal (SrvAbisBuiltin  *self,
      const char      *label,
      const char      *reference_id,
      GBytes          *plaintext,
      GError         **error)
{
  g_autoptr(GBytes) aad = make_aad (label, reference_id);
  g_autoptr(GBytes) sealed = NULL;
  GByteArray *stored;
  guint8 nonce[IDEM_GCM_NONCE_SIZE];

  if (!idem_crypto_random_bytes (nonce, sizeof nonce, error) ||
      !(sealed = idem_aes_gcm_seal_bytes (self->seal_key, nonce, aad, plaintext, error)))
    return NULL;

  stored = g_byte_array_sized_new (sizeof nonce + g_bytes_get_size (sealed));
  g_byte_array_append (stored, nonce, sizeof nonce);
  g_byte_array_append (stored, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed));

  return g_byte_array_free_to_bytes (stored);
}

static GBytes *
unseal (const guint8  *key,
        const char    *label,
        const char    *reference_id,
        const guint8  *stored,
        gsize          size,
        GError       **error)
{
  g_autoptr(GBytes) aad = make_aad (label, reference_id);
  g_autoptr(GBytes) sealed = NULL;

  if (size < IDEM_GCM_NONCE_SIZE + IDEM_GCM_TAG_SIZE)
    {
      g_set_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_INTERNAL,
                   _("The sealed record of reference “%s” is truncated"), reference_id);
      return NULL;
    }
  sealed = g_bytes_new (stored + IDEM_GCM_NONCE_SIZE, size - IDEM_GCM_NONCE_SIZE);

  return idem_aes_gcm_open_bytes (key, stored, aad, sealed, error);
}

/* Templates plaintext: version, count, then per finger its position, a
 * 32-bit big-endian length and the IdemMinutiae serialisation, and (from
 * version 2) a 32-bit length and the compiled template, which loads far
 * faster than the minutiae compile; the minutiae stay the reference, and
 * are compiled again when the matcher's format has changed. */
static void
append_block (GByteArray *out,
              GBytes     *bytes)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  guint8 length[4] = { (guint8) (size >> 24), (guint8) (size >> 16), (guint8) (size >> 8), (guint8) size };

  g_byte_array_append (out, length, sizeof length);
  g_byte_array_append (out, data, size);
}

static GBytes *
serialize_fingers (Biometrics *biometrics)
{
  GByteArray *out = g_byte_array_new ();
  guint8 header[2] = { TEMPLATES_VERSION, (guint8) MIN (biometrics->fingers->len, 255) };

  g_byte_array_append (out, header, sizeof header);
  for (guint i = 0; i < header[1]; i++)
    {
      const IdemFingerTemplate *template = g_ptr_array_index (biometrics->fingers, i);
      g_autoptr(GBytes) minutiae = idem_minutiae_serialize (g_ptr_array_index (biometrics->minutiae, i));
      g_autoptr(GBytes) compiled = idem_finger_template_serialize (template);
      guint8 position = (guint8) idem_finger_template_get_position (template);

      g_byte_array_append (out, &position, 1);
      append_block (out, minutiae);
      append_block (out, compiled);
    }

  return g_byte_array_free_to_bytes (out);
}

static GBytes *
read_block (GBytes *plaintext,
            gsize  *offset)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (plaintext, &size);
  gsize length;

  if (size - *offset < 4)
    return NULL;
  length = ((gsize) data[*offset] << 24) | ((gsize) data[*offset + 1] << 16)
           | ((gsize) data[*offset + 2] << 8) | data[*offset + 3];
  if (size - *offset - 4 < length)
    return NULL;
  *offset += 4 + length;

  return g_bytes_new_from_bytes (plaintext, *offset - length, length);
}

static GPtrArray *
deserialize_fingers (GBytes  *plaintext,
                     GError **error)
{
  g_autoptr(GPtrArray) fingers = g_ptr_array_new_with_free_func ((GDestroyNotify) idem_finger_template_unref);
  gsize size, offset = 2;
  const guint8 *data = g_bytes_get_data (plaintext, &size);
  guint version;

  if (size < 2 || (data[0] != 1 && data[0] != TEMPLATES_VERSION) || data[1] == 0)
    goto invalid;
  version = data[0];

  for (guint i = 0; i < data[1]; i++)
    {
      g_autoptr(GBytes) minutiae_bytes = NULL;
      g_autoptr(GBytes) compiled = NULL;
      IdemFingerTemplate *template = NULL;
      guint position;

      if (offset >= size)
        goto invalid;
      position = data[offset++];
      minutiae_bytes = read_block (plaintext, &offset);
      if (minutiae_bytes == NULL)
        goto invalid;
      if (version >= 2 && (compiled = read_block (plaintext, &offset)) == NULL)
        goto invalid;

      if (compiled != NULL)
        template = idem_finger_template_deserialize (compiled, NULL);
      if (template != NULL && idem_finger_template_get_position (template) != position)
        g_clear_pointer (&template, idem_finger_template_unref);
      if (template == NULL)
        {
          g_autoptr(IdemMinutiae) minutiae = idem_minutiae_deserialize (minutiae_bytes, error);

          if (minutiae == NULL)
            return NULL;
          template = idem_finger_template_new (minutiae, position, error);
          if (template == NULL)
            return NULL;
        }
      g_ptr_array_add (fingers, template);
    }
  if (offset != size)
    goto invalid;

  return g_steal_pointer (&fingers);

invalid:
  g_set_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_INTERNAL, _("A stored template set is malformed"));
  return NULL;
}

/* Loading */

typedef struct
{
  char   *reference_id;
  GBytes *stored;
} LoadRow;

typedef struct
{
  SrvAbisBuiltin *self;
  GMutex          mutex;
  GError         *error;
} LoadState;

static void
load_batch_cb (gpointer data,
               gpointer user_data)
{
  GArray *batch = data;
  LoadState *state = user_data;

  for (guint i = 0; i < batch->len; i++)
    {
      LoadRow *row = &g_array_index (batch, LoadRow, i);
      g_autoptr(GBytes) plaintext = NULL;
      g_autoptr(GPtrArray) fingers = NULL;
      g_autoptr(GError) error = NULL;
      gsize size;
      const guint8 *stored = g_bytes_get_data (row->stored, &size);

      plaintext = unseal (state->self->seal_key, AAD_LABEL, row->reference_id, stored, size, &error);
      if (plaintext != NULL)
        fingers = deserialize_fingers (plaintext, &error);
      if (fingers == NULL ||
          !idem_fingerprint_gallery_insert (state->self->gallery, row->reference_id,
                                            (IdemFingerTemplate * const *) fingers->pdata, fingers->len,
                                            &error))
        {
          g_mutex_lock (&state->mutex);
          if (state->error == NULL)
            state->error = g_error_new (SRV_ABIS_ERROR, SRV_ABIS_ERROR_INTERNAL,
                                        _("The templates of reference “%s” cannot be loaded: %s"),
                                        row->reference_id, error->message);
          g_mutex_unlock (&state->mutex);
        }
    }

  g_array_unref (batch);
}

static void
load_row_clear (LoadRow *row)
{
  g_free (row->reference_id);
  g_bytes_unref (row->stored);
}

static GArray *
load_batch_new (void)
{
  GArray *batch = g_array_sized_new (FALSE, FALSE, sizeof (LoadRow), LOAD_BATCH);

  g_array_set_clear_func (batch, (GDestroyNotify) load_row_clear);
  return batch;
}

static gboolean
load_gallery (SrvAbisBuiltin  *self,
              guint            n_workers,
              GError         **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  LoadState state = { self, { 0 }, NULL };
  GThreadPool *pool;
  GArray *batch;
  gint64 start = g_get_monotonic_time ();
  int rc;

  statement = prepare (self, "SELECT reference_id, templates FROM abis_reference", error);
  if (statement == NULL)
    return FALSE;

  g_mutex_init (&state.mutex);
  pool = g_thread_pool_new (load_batch_cb, &state, MAX (1, n_workers), FALSE, NULL);
  batch = load_batch_new ();
  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    {
      LoadRow row = {
        g_strdup ((const char *) sqlite3_column_text (statement, 0)),
        g_bytes_new (sqlite3_column_blob (statement, 1), sqlite3_column_bytes (statement, 1)),
      };

      g_array_append_val (batch, row);
      if (batch->len == LOAD_BATCH)
        {
          g_thread_pool_push (pool, batch, NULL);
          batch = load_batch_new ();
        }
    }
  g_thread_pool_push (pool, batch, NULL);
  g_thread_pool_free (pool, FALSE, TRUE);
  g_mutex_clear (&state.mutex);

  if (rc != SQLITE_DONE)
    {
      g_clear_error (&state.error);
      return database_error (self, error);
    }
  if (state.error != NULL)
    {
      g_propagate_error (error, state.error);
      return FALSE;
    }

  self->load_seconds = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  g_debug ("Loaded %u references in %.3f s", idem_fingerprint_gallery_get_count (self->gallery),
           self->load_seconds);

  return TRUE;
}

/* SrvAbis */

static gboolean
stored_digest_matches (SrvAbisBuiltin  *self,
                       const char      *reference_id,
                       const guint8    *digest,
                       gboolean        *exists,
                       GError         **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  int rc;

  statement = prepare (self, "SELECT digest FROM abis_reference WHERE reference_id = ?", error);
  if (statement == NULL)
    return FALSE;
  sqlite3_bind_text (statement, 1, reference_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (statement);
  *exists = rc == SQLITE_ROW;
  if (rc == SQLITE_DONE)
    return FALSE;
  if (rc != SQLITE_ROW)
    return database_error (self, error);

  return sqlite3_column_bytes (statement, 0) == IDEM_SHA256_SIZE
         && idem_crypto_equal (sqlite3_column_blob (statement, 0), digest, IDEM_SHA256_SIZE);
}

static gboolean
store_reference (SrvAbisBuiltin  *self,
                 const char      *reference_id,
                 Biometrics      *biometrics,
                 const guint8    *digest,
                 GError         **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  g_autoptr(GBytes) plaintext = serialize_fingers (biometrics);
  g_autoptr(GBytes) templates = NULL;
  g_autoptr(GBytes) face = NULL;

  templates = seal (self, AAD_LABEL, reference_id, plaintext, error);
  if (templates == NULL)
    return FALSE;
  if (biometrics->has_face)
    {
      face = seal (self, FACE_AAD_LABEL, reference_id, biometrics->face_record, error);
      if (face == NULL)
        return FALSE;
    }

  statement = prepare (self,
                       "INSERT INTO abis_reference (reference_id, digest, templates, face, face_width,"
                       " face_height, face_sharpness, face_brightness, face_clipped_dark,"
                       " face_clipped_bright, inserted)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                       error);
  if (statement == NULL)
    return FALSE;
  sqlite3_bind_text (statement, 1, reference_id, -1, SQLITE_STATIC);
  sqlite3_bind_blob (statement, 2, digest, IDEM_SHA256_SIZE, SQLITE_STATIC);
  sqlite3_bind_blob (statement, 3, g_bytes_get_data (templates, NULL), g_bytes_get_size (templates), SQLITE_STATIC);
  if (face != NULL)
    {
      const SrvFaceQuality *q = &biometrics->face_quality;

      sqlite3_bind_blob (statement, 4, g_bytes_get_data (face, NULL), g_bytes_get_size (face), SQLITE_STATIC);
      sqlite3_bind_int64 (statement, 5, q->width);
      sqlite3_bind_int64 (statement, 6, q->height);
      sqlite3_bind_double (statement, 7, q->sharpness);
      sqlite3_bind_double (statement, 8, q->brightness);
      sqlite3_bind_double (statement, 9, q->clipped_dark);
      sqlite3_bind_double (statement, 10, q->clipped_bright);
    }
  if (sqlite3_step (statement) != SQLITE_DONE)
    return database_error (self, error);

  return TRUE;
}

/* Files prepared biometrics under @reference_id: the digest keyed, the
 * retry or conflict told apart, the row and the gallery written together. */
static gboolean
insert_prepared (SrvAbisBuiltin  *self,
                 const char      *reference_id,
                 Biometrics      *biometrics,
                 GError         **error)
{
  guint8 digest[IDEM_SHA256_SIZE];
  gboolean exists = FALSE;
  gboolean ok = FALSE;
  GError *local_error = NULL;

  idem_sha256_finish (biometrics->digest, digest);
  /* Keyed: a bare hash of biometric data would let anyone holding a copy
   * of the record test it against the database. */
  if (!idem_hmac_sha256 (self->digest_key, sizeof self->digest_key, digest, sizeof digest, digest, error))
    return FALSE;

  g_mutex_lock (&self->write_lock);
  if (stored_digest_matches (self, reference_id, digest, &exists, &local_error))
    ok = TRUE;
  else if (local_error != NULL)
    g_propagate_error (error, local_error);
  else if (exists)
    g_set_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_DUPLICATE_REFERENCE,
                 _("Reference ID “%s” is already in the gallery with other biometrics"), reference_id);
  else if (store_reference (self, reference_id, biometrics, digest, error))
    {
      g_autoptr(GError) gallery_error = NULL;

      ok = idem_fingerprint_gallery_insert (self->gallery, reference_id,
                                            (IdemFingerTemplate * const *) biometrics->fingers->pdata,
                                            biometrics->fingers->len, &gallery_error);
      if (!ok)
        g_set_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_INTERNAL,
                     _("The gallery refused reference “%s”: %s"), reference_id, gallery_error->message);
    }
  g_mutex_unlock (&self->write_lock);

  idem_crypto_wipe (digest, sizeof digest);
  return ok;
}

static gboolean
srv_abis_builtin_insert (SrvAbis     *abis,
                         const char  *reference_id,
                         GBytes      *cbeff,
                         GError     **error)
{
  SrvAbisBuiltin *self = SRV_ABIS_BUILTIN (abis);
  Biometrics biometrics = { 0 };
  gboolean ok = FALSE;

  g_atomic_int_inc (&self->in_flight);

  /* The slow part, extraction, happens outside the lock. */
  if (read_biometrics (self, cbeff, TRUE, &biometrics, error))
    ok = insert_prepared (self, reference_id, &biometrics, error);

  biometrics_clear (&biometrics);
  g_atomic_int_add (&self->in_flight, -1);
  return ok;
}

/**
 * srv_abis_builtin_insert_minutiae:
 * @self: the built-in ABIS
 * @reference_id: the reference ID to file the fingers under
 * @minutiae: (array length=n_fingers): each finger's minutiae
 * @positions: (array length=n_fingers): each finger's ISO/IEC 19794-4
 *   position, 0 when unknown
 * @n_fingers: how many fingers, at least one
 * @error: return location for an error in %SRV_ABIS_ERROR
 *
 * Inserts fingers whose minutiae were extracted already, such as a
 * reader's templates or a migration from another ABIS; like
 * srv_abis_insert() otherwise.
 *
 * Returns: whether the person is in the gallery
 */
gboolean
srv_abis_builtin_insert_minutiae (SrvAbisBuiltin  *self,
                                  const char      *reference_id,
                                  IdemMinutiae   **minutiae,
                                  const guint     *positions,
                                  guint            n_fingers,
                                  GError         **error)
{
  Biometrics biometrics = { 0 };
  gboolean ok = FALSE;

  g_return_val_if_fail (SRV_IS_ABIS_BUILTIN (self), FALSE);
  g_return_val_if_fail (reference_id != NULL, FALSE);
  g_return_val_if_fail (minutiae != NULL || n_fingers == 0, FALSE);
  g_return_val_if_fail (positions != NULL || n_fingers == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (reference_id[0] == '\0' || strlen (reference_id) > 256 || !g_utf8_validate (reference_id, -1, NULL))
    {
      g_set_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_INVALID_REQUEST,
                   _("A reference ID must be 1 to %u bytes of UTF-8"), 256);
      return FALSE;
    }
  if (n_fingers == 0 || n_fingers > 255)
    {
      g_set_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_BAD_BIOMETRICS, _("A person has 1 to 255 fingers"));
      return FALSE;
    }

  biometrics.fingers = g_ptr_array_new_with_free_func ((GDestroyNotify) idem_finger_template_unref);
  biometrics.minutiae = g_ptr_array_new_with_free_func ((GDestroyNotify) idem_minutiae_unref);
  biometrics.digest = idem_sha256_new ();
  for (guint i = 0; i < n_fingers; i++)
    {
      g_autoptr(GBytes) serialized = idem_minutiae_serialize (minutiae[i]);
      g_autoptr(GError) local_error = NULL;
      IdemFingerTemplate *template = idem_finger_template_new (minutiae[i], positions[i], &local_error);

      if (template == NULL)
        {
          g_set_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_BAD_BIOMETRICS,
                       _("Finger %u cannot be used: %s"), i + 1, local_error->message);
          goto out;
        }
      g_ptr_array_add (biometrics.fingers, template);
      g_ptr_array_add (biometrics.minutiae, idem_minutiae_ref (minutiae[i]));
      digest_block (&biometrics, 'M', serialized);
    }
  ok = insert_prepared (self, reference_id, &biometrics, error);

out:
  biometrics_clear (&biometrics);
  return ok;
}

/**
 * srv_abis_builtin_scale_score:
 * @raw_score: a fused matcher score, 0 or more
 *
 * Returns: the score on the ABIS scale, 0–100 (see the top of this file)
 */
double
srv_abis_builtin_scale_score (double raw_score)
{
  if (raw_score <= 0.0)
    return 0.0;

  return 100.0 * raw_score / (raw_score + IDEM_FINGERPRINT_MATCH_THRESHOLD);
}

static double
raw_from_scaled (double scaled)
{
  if (scaled >= 100.0)
    return G_MAXDOUBLE;

  return IDEM_FINGERPRINT_MATCH_THRESHOLD * scaled / (100.0 - scaled);
}

static SrvAbisCandidate *
candidate_new (const char *reference_id,
               double      raw_score)
{
  SrvAbisCandidate *candidate = g_new0 (SrvAbisCandidate, 1);

  candidate->reference_id = g_strdup (reference_id);
  candidate->finger_score = srv_abis_builtin_scale_score (raw_score);
  candidate->score = candidate->finger_score;
  candidate->face_score = -1.0;

  return candidate;
}

static int
compare_candidates (gconstpointer a,
                    gconstpointer b)
{
  const SrvAbisCandidate *x = *(const SrvAbisCandidate * const *) a;
  const SrvAbisCandidate *y = *(const SrvAbisCandidate * const *) b;

  if (x->score != y->score)
    return x->score < y->score ? 1 : -1;

  return strcmp (x->reference_id, y->reference_id);
}

static GPtrArray *
identify_within (SrvAbisBuiltin      *self,
                 const char          *probe_reference,
                 GPtrArray           *probe,
                 const char * const  *gallery,
                 guint                max_results,
                 double               min_raw,
                 GError             **error)
{
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) srv_abis_candidate_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; gallery[i] != NULL; i++)
    {
      g_autoptr(GError) local_error = NULL;
      double raw = 0.0;

      if (!g_hash_table_add (seen, (gpointer) gallery[i]))
        continue;
      if (probe_reference != NULL && g_str_equal (gallery[i], probe_reference))
        continue;
      if (!idem_fingerprint_gallery_verify (self->gallery, gallery[i],
                                            (IdemFingerTemplate * const *) probe->pdata, probe->len,
                                            &raw, &local_error))
        {
          g_set_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_REFERENCE_NOT_FOUND,
                       _("The gallery holds no reference ID “%s”"), gallery[i]);
          return NULL;
        }
      if (raw > 0.0 && raw >= min_raw)
        g_ptr_array_add (result, candidate_new (gallery[i], raw));
    }

  g_ptr_array_sort (result, compare_candidates);
  if (result->len > max_results)
    g_ptr_array_set_size (result, max_results);

  return g_steal_pointer (&result);
}

static GPtrArray *
identify_all (SrvAbisBuiltin  *self,
              const char      *probe_reference,
              GPtrArray       *probe,
              guint            max_results,
              double           min_raw,
              GError         **error)
{
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) local_error = NULL;
  GPtrArray *result;
  guint wanted = max_results < G_MAXUINT ? max_results + (probe_reference != NULL) : max_results;

  found = idem_fingerprint_gallery_identify (self->gallery, (IdemFingerTemplate * const *) probe->pdata,
                                             probe->len, wanted, min_raw, &local_error);
  if (found == NULL)
    {
      g_set_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_INTERNAL, "%s", local_error->message);
      return NULL;
    }

  result = g_ptr_array_new_with_free_func ((GDestroyNotify) srv_abis_candidate_free);
  for (guint i = 0; i < found->len && result->len < max_results; i++)
    {
      IdemFingerprintCandidate *hit = g_ptr_array_index (found, i);

      if (probe_reference == NULL || !g_str_equal (hit->reference_id, probe_reference))
        g_ptr_array_add (result, candidate_new (hit->reference_id, hit->score));
    }

  return result;
}

static GPtrArray *
srv_abis_builtin_identify (SrvAbis             *abis,
                           const char          *reference_id,
                           GBytes              *cbeff,
                           const char * const  *gallery,
                           guint                max_results,
                           double               threshold,
                           GError             **error)
{
  SrvAbisBuiltin *self = SRV_ABIS_BUILTIN (abis);
  Biometrics biometrics = { 0 };
  g_autoptr(GPtrArray) probe = NULL;
  GPtrArray *result = NULL;
  double min_raw = raw_from_scaled (threshold);

  g_atomic_int_inc (&self->in_flight);

  if (reference_id != NULL)
    {
      probe = idem_fingerprint_gallery_get_fingers (self->gallery, reference_id);
      if (probe == NULL)
        {
          g_set_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_REFERENCE_NOT_FOUND,
                       _("The gallery holds no reference ID “%s”"), reference_id);
          goto out;
        }
    }
  else
    {
      if (!read_biometrics (self, cbeff, FALSE, &biometrics, error))
        goto out;
      probe = g_ptr_array_ref (biometrics.fingers);
    }

  /* Zero means "no match" to the matcher: never a candidate. */
  min_raw = MAX (min_raw, G_MINDOUBLE);
  if (gallery != NULL)
    result = identify_within (self, reference_id, probe, gallery, max_results, min_raw, error);
  else
    result = identify_all (self, reference_id, probe, max_results, min_raw, error);

out:
  biometrics_clear (&biometrics);
  g_atomic_int_add (&self->in_flight, -1);
  return result;
}

static gboolean
srv_abis_builtin_remove (SrvAbis     *abis,
                         const char  *reference_id,
                         GError     **error)
{
  SrvAbisBuiltin *self = SRV_ABIS_BUILTIN (abis);
  g_autoptr(sqlite3_stmt) statement = NULL;
  gboolean ok = FALSE;

  g_mutex_lock (&self->write_lock);
  statement = prepare (self, "DELETE FROM abis_reference WHERE reference_id = ?", error);
  if (statement == NULL)
    goto out;
  sqlite3_bind_text (statement, 1, reference_id, -1, SQLITE_STATIC);
  if (sqlite3_step (statement) != SQLITE_DONE)
    {
      database_error (self, error);
      goto out;
    }
  if (sqlite3_changes (srv_database_get_handle (self->database)) == 0)
    {
      g_set_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_REFERENCE_NOT_FOUND,
                   _("The gallery holds no reference ID “%s”"), reference_id);
      goto out;
    }
  ok = idem_fingerprint_gallery_remove (self->gallery, reference_id, NULL);
  if (!ok)
    g_set_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_INTERNAL,
                 _("Reference “%s” was stored but not in the gallery"), reference_id);

out:
  g_mutex_unlock (&self->write_lock);
  return ok;
}

static gboolean
srv_abis_builtin_ping (SrvAbis  *abis,
                       GError  **error)
{
  SrvAbisBuiltin *self = SRV_ABIS_BUILTIN (abis);

  if (!srv_database_is_open (self->database))
    {
      g_set_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_UNAVAILABLE, _("The ABIS database is closed"));
      return FALSE;
    }

  return TRUE;
}

static gint64
srv_abis_builtin_pending_jobs (SrvAbis  *abis,
                               GError  **error)
{
  SrvAbisBuiltin *self = SRV_ABIS_BUILTIN (abis);

  /* Requests run as they come, each in its caller's thread: the pending
   * jobs are the inserts and identifications under way right now. */
  return g_atomic_int_get (&self->in_flight);
}

static gint64
srv_abis_builtin_reference_count (SrvAbis  *abis,
                                  GError  **error)
{
  SrvAbisBuiltin *self = SRV_ABIS_BUILTIN (abis);

  return idem_fingerprint_gallery_get_count (self->gallery);
}

static void
srv_abis_builtin_iface_init (SrvAbisInterface *iface)
{
  iface->insert = srv_abis_builtin_insert;
  iface->identify = srv_abis_builtin_identify;
  iface->remove = srv_abis_builtin_remove;
  iface->ping = srv_abis_builtin_ping;
  iface->pending_jobs = srv_abis_builtin_pending_jobs;
  iface->reference_count = srv_abis_builtin_reference_count;
}

static void
srv_abis_builtin_finalize (GObject *object)
{
  SrvAbisBuiltin *self = SRV_ABIS_BUILTIN (object);

  g_clear_object (&self->gallery);
  g_clear_object (&self->database);
  idem_crypto_wipe (self->seal_key, sizeof self->seal_key);
  idem_crypto_wipe (self->digest_key, sizeof self->digest_key);
  g_mutex_clear (&self->write_lock);

  G_OBJECT_CLASS (srv_abis_builtin_parent_class)->finalize (object);
}

static void
srv_abis_builtin_class_init (SrvAbisBuiltinClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = srv_abis_builtin_finalize;
}

static void
srv_abis_builtin_init (SrvAbisBuiltin *self)
{
  g_mutex_init (&self->write_lock);
}

/**
 * srv_abis_builtin_new:
 * @database: the server's migrated database
 * @keys: the data keys; the ABIS derives its own from the biometrics key
 * @n_workers: threads for identification and loading, 0 for one a processor
 * @error: return location for an error in %SRV_ABIS_ERROR
 *
 * Loads the gallery from the database.
 *
 * Returns: (transfer full) (nullable): the ABIS
 */
SrvAbisBuiltin *
srv_abis_builtin_new (SrvDatabase        *database,
                      const SrvDataKeys  *keys,
                      guint               n_workers,
                      GError            **error)
{
  g_autoptr(SrvAbisBuiltin) self = NULL;

  g_return_val_if_fail (SRV_IS_DATABASE (database), NULL);
  g_return_val_if_fail (keys != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (SRV_TYPE_ABIS_BUILTIN, NULL);
  self->database = g_object_ref (database);
  self->gallery = idem_fingerprint_gallery_new (n_workers);

  if (!idem_hkdf_sha256 ((const guint8 *) KEY_SALT, strlen (KEY_SALT), keys->biometrics, sizeof keys->biometrics,
                         (const guint8 *) "abis/templates", strlen ("abis/templates"),
                         self->seal_key, sizeof self->seal_key, NULL) ||
      !idem_hkdf_sha256 ((const guint8 *) KEY_SALT, strlen (KEY_SALT), keys->biometrics, sizeof keys->biometrics,
                         (const guint8 *) "abis/digest", strlen ("abis/digest"),
                         self->digest_key, sizeof self->digest_key, NULL))
    {
      g_set_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_INTERNAL, _("The ABIS keys cannot be derived"));
      return NULL;
    }

  if (!load_gallery (self, idem_fingerprint_gallery_get_n_workers (self->gallery), error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * srv_abis_builtin_get_load_seconds:
 * @self: the built-in ABIS
 *
 * Returns: how long loading the gallery from the database took
 */
double
srv_abis_builtin_get_load_seconds (SrvAbisBuiltin *self)
{
  g_return_val_if_fail (SRV_IS_ABIS_BUILTIN (self), 0.0);

  return self->load_seconds;
}

/**
 * srv_abis_builtin_get_template_bytes:
 * @self: the built-in ABIS
 *
 * Returns: the memory the compiled finger templates of the gallery hold
 */
gsize
srv_abis_builtin_get_template_bytes (SrvAbisBuiltin *self)
{
  g_return_val_if_fail (SRV_IS_ABIS_BUILTIN (self), 0);

  return idem_fingerprint_gallery_get_template_bytes (self->gallery);
}

static gboolean
face_row (SrvAbisBuiltin  *self,
          const char      *reference_id,
          sqlite3_stmt    *statement,
          GError         **error)
{
  int rc;

  sqlite3_bind_text (statement, 1, reference_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (statement);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_REFERENCE_NOT_FOUND,
                   _("The gallery holds no reference ID “%s”"), reference_id);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    return database_error (self, error);
  if (sqlite3_column_type (statement, 0) == SQLITE_NULL)
    {
      g_set_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_BAD_BIOMETRICS,
                   _("Reference “%s” has no face"), reference_id);
      return FALSE;
    }

  return TRUE;
}

/**
 * srv_abis_builtin_get_face_quality:
 * @self: the built-in ABIS
 * @reference_id: an inserted reference
 * @quality: (out caller-allocates): the face's quality figures
 * @error: return location for an error in %SRV_ABIS_ERROR
 *
 * Returns: %TRUE with @quality set; %SRV_ABIS_ERROR_BAD_BIOMETRICS when the
 *   reference has no face
 */
gboolean
srv_abis_builtin_get_face_quality (SrvAbisBuiltin  *self,
                                   const char      *reference_id,
                                   SrvFaceQuality  *quality,
                                   GError         **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;

  g_return_val_if_fail (SRV_IS_ABIS_BUILTIN (self), FALSE);
  g_return_val_if_fail (reference_id != NULL, FALSE);
  g_return_val_if_fail (quality != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  statement = prepare (self,
                       "SELECT face_width, face_height, face_sharpness, face_brightness,"
                       " face_clipped_dark, face_clipped_bright FROM abis_reference WHERE reference_id = ?",
                       error);
  if (statement == NULL || !face_row (self, reference_id, statement, error))
    return FALSE;

  quality->width = sqlite3_column_int (statement, 0);
  quality->height = sqlite3_column_int (statement, 1);
  quality->sharpness = sqlite3_column_double (statement, 2);
  quality->brightness = sqlite3_column_double (statement, 3);
  quality->clipped_dark = sqlite3_column_double (statement, 4);
  quality->clipped_bright = sqlite3_column_double (statement, 5);

  return TRUE;
}

/**
 * srv_abis_builtin_get_face_record:
 * @self: the built-in ABIS
 * @reference_id: an inserted reference
 * @error: return location for an error in %SRV_ABIS_ERROR
 *
 * Returns: (transfer full) (nullable): the stored ISO/IEC 19794-5 face
 *   record, unsealed
 */
GBytes *
srv_abis_builtin_get_face_record (SrvAbisBuiltin  *self,
                                  const char      *reference_id,
                                  GError         **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  g_autoptr(GError) local_error = NULL;
  GBytes *record;

  g_return_val_if_fail (SRV_IS_ABIS_BUILTIN (self), NULL);
  g_return_val_if_fail (reference_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  statement = prepare (self, "SELECT face FROM abis_reference WHERE reference_id = ?", error);
  if (statement == NULL || !face_row (self, reference_id, statement, error))
    return NULL;

  record = unseal (self->seal_key, FACE_AAD_LABEL, reference_id, sqlite3_column_blob (statement, 0),
                   sqlite3_column_bytes (statement, 0), &local_error);
  if (record == NULL)
    g_set_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_INTERNAL,
                 _("The face of reference “%s” cannot be unsealed: %s"), reference_id, local_error->message);

  return record;
}
