/* idem-iso19794.c — ISO/IEC 19794-4 finger image and 19794-5 face records
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The biometric data blocks of MOSIP's CBEFF documents.  Read: finger image
 * records of 19794-4:2005 ("FIR" "010", MOSIP's older samples) and
 * 19794-4:2011 ("FIR" "020", what MOSIP devices send), face records of
 * 19794-5:2011 ("FAC" "030").  Written: the 2011 editions, one
 * representation per record, as MOSIP's registration client does.
 *
 * Every length is checked against the bytes that are really there before
 * anything is read, and every length must agree with the lengths around
 * it: a record either parses completely or not at all.
 */

#define G_LOG_DOMAIN "idem-iso19794"

#include "config.h"

#include "idem-iso19794.h"

#include <glib/gi18n-lib.h>
#include <string.h>

struct _IdemIso19794Record
{
  gatomicrefcount      ref_count;
  IdemIso19794Modality modality;
  char                 version[4];
  GArray              *images;
};

G_DEFINE_BOXED_TYPE (IdemIso19794Record, idem_iso19794_record,
                     idem_iso19794_record_ref, idem_iso19794_record_unref)
G_DEFINE_QUARK (idem-iso19794-error-quark, idem_iso19794_error)

#define FINGER_2005_HEADER_SIZE      32
#define FINGER_2005_VIEW_HEADER_SIZE 14
#define FINGER_2011_HEADER_SIZE      16
#define FACE_2011_HEADER_SIZE        17
#define FACIAL_INFORMATION_SIZE      17
#define LANDMARK_SIZE                8
#define FACE_IMAGE_INFORMATION_SIZE  11

/* A cursor that can only move within its bytes. */
typedef struct
{
  const guint8 *origin;
  const guint8 *data;
  gsize         size;
  gsize         offset;
} Reader;

/* Where the reader stands in the whole record: what error messages give,
 * being the same in every language. */
static gsize
position (const Reader *reader)
{
  return (gsize) (reader->data - reader->origin) + reader->offset;
}

/* @what names the part for whoever reads the code; the message gives the
 * byte offset instead. */
static gboolean
truncated (const Reader  *reader,
           const char    *what,
           GError       **error)
{
  g_set_error (error, IDEM_ISO19794_ERROR, IDEM_ISO19794_ERROR_TRUNCATED,
               _("The biometric image record is cut short at byte %lu."),
               (gulong) position (reader));
  return FALSE;
}

static gboolean
bad_length (const Reader  *reader,
            const char    *what,
            GError       **error)
{
  g_set_error (error, IDEM_ISO19794_ERROR, IDEM_ISO19794_ERROR_BAD_LENGTH,
               _("The lengths declared in the biometric image record disagree at byte %lu."),
               (gulong) position (reader));
  return FALSE;
}

static gboolean
bad_value (const Reader  *reader,
           const char    *what,
           guint          value,
           GError       **error)
{
  g_set_error (error, IDEM_ISO19794_ERROR, IDEM_ISO19794_ERROR_BAD_VALUE,
               _("The biometric image record holds a value it may not have (%u) before byte %lu."),
               value, (gulong) position (reader));
  return FALSE;
}

static gboolean
reader_has (Reader *reader,
            gsize   n)
{
  return reader->size - reader->offset >= n;
}

static guint64
read_be (Reader *reader,
         guint   n_bytes)
{
  guint64 value = 0;

  g_assert (reader_has (reader, n_bytes));
  for (guint i = 0; i < n_bytes; i++)
    value = (value << 8) | reader->data[reader->offset++];

  return value;
}

static gboolean
skip (Reader      *reader,
      gsize        n,
      const char  *what,
      GError     **error)
{
  if (!reader_has (reader, n))
    return truncated (reader, what, error);

  reader->offset += n;
  return TRUE;
}

IdemBiometricImageFormat
idem_biometric_image_format_detect (const guint8 *data,
                                    gsize         size)
{
  static const guint8 jp2[] = { 0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A };
  static const guint8 j2k[] = { 0xFF, 0x4F, 0xFF, 0x51 };
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A };

  g_return_val_if_fail (data != NULL || size == 0, IDEM_BIOMETRIC_IMAGE_FORMAT_UNKNOWN);

  if (size >= sizeof jp2 && memcmp (data, jp2, sizeof jp2) == 0)
    return IDEM_BIOMETRIC_IMAGE_FORMAT_JPEG2000;
  if (size >= sizeof j2k && memcmp (data, j2k, sizeof j2k) == 0)
    return IDEM_BIOMETRIC_IMAGE_FORMAT_JPEG2000;
  if (size >= sizeof png && memcmp (data, png, sizeof png) == 0)
    return IDEM_BIOMETRIC_IMAGE_FORMAT_PNG;
  if (size >= 2 && data[0] == 0xFF && data[1] == 0xA0)
    return IDEM_BIOMETRIC_IMAGE_FORMAT_WSQ;
  if (size >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
    return IDEM_BIOMETRIC_IMAGE_FORMAT_JPEG;

  return IDEM_BIOMETRIC_IMAGE_FORMAT_UNKNOWN;
}

const char *
idem_biometric_image_format_to_string (IdemBiometricImageFormat format)
{
  switch (format)
    {
    case IDEM_BIOMETRIC_IMAGE_FORMAT_RAW: return "raw";
    case IDEM_BIOMETRIC_IMAGE_FORMAT_WSQ: return "wsq";
    case IDEM_BIOMETRIC_IMAGE_FORMAT_JPEG: return "jpeg";
    case IDEM_BIOMETRIC_IMAGE_FORMAT_JPEG2000: return "jpeg2000";
    case IDEM_BIOMETRIC_IMAGE_FORMAT_PNG: return "png";
    case IDEM_BIOMETRIC_IMAGE_FORMAT_UNKNOWN:
    default: return "unknown";
    }
}

/* Compression codes: Table 9 of 19794-4:2011; 2005 has no lossless
 * JPEG 2000 code, so PNG is 5 there. */
static IdemBiometricImageFormat
finger_compression_format (guint    code,
                           gboolean edition_2005)
{
  switch (code)
    {
    case 0: case 1: return IDEM_BIOMETRIC_IMAGE_FORMAT_RAW;
    case 2: return IDEM_BIOMETRIC_IMAGE_FORMAT_WSQ;
    case 3: return IDEM_BIOMETRIC_IMAGE_FORMAT_JPEG;
    case 4: return IDEM_BIOMETRIC_IMAGE_FORMAT_JPEG2000;
    case 5: return edition_2005 ? IDEM_BIOMETRIC_IMAGE_FORMAT_PNG : IDEM_BIOMETRIC_IMAGE_FORMAT_JPEG2000;
    case 6: return edition_2005 ? IDEM_BIOMETRIC_IMAGE_FORMAT_UNKNOWN : IDEM_BIOMETRIC_IMAGE_FORMAT_PNG;
    default: return IDEM_BIOMETRIC_IMAGE_FORMAT_UNKNOWN;
    }
}

/* Image data type codes: Table 17 of 19794-5:2011. */
static IdemBiometricImageFormat
face_data_type_format (guint code)
{
  switch (code)
    {
    case 0: return IDEM_BIOMETRIC_IMAGE_FORMAT_JPEG;
    case 1: case 2: return IDEM_BIOMETRIC_IMAGE_FORMAT_JPEG2000;
    case 3: return IDEM_BIOMETRIC_IMAGE_FORMAT_PNG;
    default: return IDEM_BIOMETRIC_IMAGE_FORMAT_UNKNOWN;
    }
}

/* 19794-4 scale units: 1 pixels per inch, 2 pixels per centimetre. */
static guint
to_ppi (guint value,
        guint scale_units)
{
  return scale_units == 2 ? (guint) ((value * 254 + 50) / 100) : value;
}

static void
image_clear (gpointer data)
{
  IdemIso19794Image *image = data;

  g_clear_pointer (&image->image, g_bytes_unref);
}

static IdemIso19794Record *
record_new (IdemIso19794Modality modality,
            const guint8        *version)
{
  IdemIso19794Record *record = g_new0 (IdemIso19794Record, 1);

  g_atomic_ref_count_init (&record->ref_count);
  record->modality = modality;
  memcpy (record->version, version, 3);
  record->images = g_array_new (FALSE, TRUE, sizeof (IdemIso19794Image));
  g_array_set_clear_func (record->images, image_clear);

  return record;
}

static void
take_image (Reader            *reader,
            GBytes            *bytes,
            gsize              length,
            IdemIso19794Image *image)
{
  image->image = g_bytes_new_from_bytes (bytes, reader->offset, length);
  image->detected_format = idem_biometric_image_format_detect (reader->data + reader->offset, length);
  reader->offset += length;
}

static gboolean
check_count (guint64   count,
             GError  **error)
{
  if (count == 0 || count > IDEM_ISO19794_MAX_REPRESENTATIONS)
    {
      g_set_error (error, IDEM_ISO19794_ERROR, IDEM_ISO19794_ERROR_TOO_MANY,
                   _("The biometric image record declares %u representations; between 1 and %u are accepted."),
                   (guint) MIN (count, G_MAXUINT), IDEM_ISO19794_MAX_REPRESENTATIONS);
      return FALSE;
    }

  return TRUE;
}

/* The record length comes first; it must be the size of the whole. */
static gboolean
check_record_length (const Reader  *reader,
                     guint64        declared,
                     GError       **error)
{
  if (declared > reader->size)
    return truncated (reader, "record", error);
  if (declared != reader->size)
    return bad_length (reader, "record length", error);

  return TRUE;
}

static gboolean
parse_finger_2005 (Reader              *reader,
                   GBytes              *bytes,
                   IdemIso19794Record  *record,
                   GError             **error)
{
  guint scale_units, h_res, v_res, depth, compression;
  guint64 n_views;

  if (!reader_has (reader, FINGER_2005_HEADER_SIZE - 8))
    return truncated (reader, "general header", error);

  if (!check_record_length (reader, read_be (reader, 6), error))
    return FALSE;
  read_be (reader, 2);          /* capture device */
  read_be (reader, 2);          /* image acquisition level */
  n_views = read_be (reader, 1);
  scale_units = read_be (reader, 1);
  read_be (reader, 4);          /* scan resolution */
  h_res = read_be (reader, 2);
  v_res = read_be (reader, 2);
  depth = read_be (reader, 1);
  compression = read_be (reader, 1);
  read_be (reader, 2);          /* reserved */

  if (!check_count (n_views, error))
    return FALSE;
  if (depth == 0 || depth > 16)
    return bad_value (reader, "pixel depth", depth, error);

  for (guint i = 0; i < n_views; i++)
    {
      IdemIso19794Image image = { 0 };
      guint64 length;
      guint quality;

      if (!reader_has (reader, FINGER_2005_VIEW_HEADER_SIZE))
        return truncated (reader, "finger header", error);

      length = read_be (reader, 4);
      if (length < FINGER_2005_VIEW_HEADER_SIZE)
        return bad_length (reader, "finger record length", error);
      if (!reader_has (reader, length - 4))
        return truncated (reader, "finger image", error);

      image.finger_position = read_be (reader, 1);
      read_be (reader, 1);      /* count of views */
      read_be (reader, 1);      /* view number */
      quality = read_be (reader, 1);
      image.impression_type = read_be (reader, 1);
      image.width = read_be (reader, 2);
      image.height = read_be (reader, 2);
      read_be (reader, 1);      /* reserved */

      if (image.finger_position > 15)
        return bad_value (reader, "finger position", image.finger_position, error);

      image.quality = quality <= 100 ? (int) quality : -1;
      image.horizontal_ppi = to_ppi (h_res, scale_units);
      image.vertical_ppi = to_ppi (v_res, scale_units);
      image.bit_depth = depth;
      image.compression = compression;
      image.format = finger_compression_format (compression, TRUE);
      take_image (reader, bytes, length - FINGER_2005_VIEW_HEADER_SIZE, &image);
      g_array_append_val (record->images, image);
    }

  if (reader->offset != reader->size)
    return bad_length (reader, "finger record lengths", error);

  return TRUE;
}

static gboolean
read_quality_blocks (Reader             *reader,
                     IdemIso19794Image  *image,
                     GError            **error)
{
  guint n_blocks;

  image->quality = -1;
  if (!reader_has (reader, 1))
    return truncated (reader, "quality blocks", error);
  n_blocks = read_be (reader, 1);
  if (!reader_has (reader, (gsize) n_blocks * 5))
    return truncated (reader, "quality blocks", error);

  for (guint i = 0; i < n_blocks; i++)
    {
      guint score = read_be (reader, 1);
      guint vendor = read_be (reader, 2);
      guint algorithm = read_be (reader, 2);

      /* 255 means the algorithm failed; the first real score counts. */
      if (score > 100 && score != 255)
        return bad_value (reader, "quality score", score, error);
      if (image->quality < 0 && score <= 100)
        {
          image->quality = (int) score;
          image->quality_vendor = vendor;
          image->quality_algorithm = algorithm;
        }
    }

  return TRUE;
}

static gboolean
skip_certification_blocks (Reader   *reader,
                           gboolean  certified,
                           GError  **error)
{
  guint n_blocks;

  if (!certified)
    return TRUE;
  if (!reader_has (reader, 1))
    return truncated (reader, "certification blocks", error);
  n_blocks = read_be (reader, 1);

  return skip (reader, (gsize) n_blocks * 3, "certification blocks", error);
}

/* Representation header common to 19794-4 and -5:2011: length, capture
 * date and time (9), device technology (1), vendor (2), type (2). */
static gboolean
read_representation_start (Reader   *reader,
                           Reader   *representation,
                           GError  **error)
{
  guint64 length;

  if (!reader_has (reader, 4))
    return truncated (reader, "representation header", error);
  length = read_be (reader, 4);
  if (length < 4 + 14)
    return bad_length (reader, "representation length", error);
  if (!reader_has (reader, length - 4))
    return truncated (reader, "representation", error);

  representation->origin = reader->origin;
  representation->data = reader->data + reader->offset;
  representation->size = length - 4;
  representation->offset = 0;
  reader->offset += length - 4;

  return skip (representation, 14, "representation header", error);
}

static gboolean
parse_finger_2011 (Reader              *reader,
                   GBytes              *bytes,
                   IdemIso19794Record  *record,
                   GError             **error)
{
  guint64 n_representations;
  gboolean certified;

  if (!reader_has (reader, FINGER_2011_HEADER_SIZE - 8))
    return truncated (reader, "general header", error);
  if (!check_record_length (reader, read_be (reader, 4), error))
    return FALSE;
  n_representations = read_be (reader, 2);
  certified = read_be (reader, 1) != 0;
  read_be (reader, 1);          /* number of distinct positions */

  if (!check_count (n_representations, error))
    return FALSE;

  for (guint i = 0; i < n_representations; i++)
    {
      IdemIso19794Image image = { 0 };
      g_autoptr(GBytes) representation_bytes = NULL;
      Reader representation;
      guint scale_units;
      guint64 image_length;

      if (!read_representation_start (reader, &representation, error) ||
          !read_quality_blocks (&representation, &image, error) ||
          !skip_certification_blocks (&representation, certified, error))
        return FALSE;

      if (!reader_has (&representation, 1 + 1 + 1 + 8 + 1 + 1 + 1 + 4 + 4))
        return truncated (&representation, "image header", error);
      image.finger_position = read_be (&representation, 1);
      read_be (&representation, 1); /* representation number */
      scale_units = read_be (&representation, 1);
      read_be (&representation, 4); /* capture sampling rate */
      image.horizontal_ppi = to_ppi (read_be (&representation, 2), scale_units);
      image.vertical_ppi = to_ppi (read_be (&representation, 2), scale_units);
      image.bit_depth = read_be (&representation, 1);
      image.compression = read_be (&representation, 1);
      image.impression_type = read_be (&representation, 1);
      image.width = read_be (&representation, 2);
      image.height = read_be (&representation, 2);
      image_length = read_be (&representation, 4);

      /* Positions: 0–10 fingers, 11–15 multi-finger, 20–40 palm. */
      if (image.finger_position > 50)
        return bad_value (&representation, "finger position", image.finger_position, error);
      if (image.bit_depth == 0 || image.bit_depth > 16)
        return bad_value (&representation, "bit depth", image.bit_depth, error);
      if (!reader_has (&representation, image_length))
        return truncated (&representation, "finger image", error);

      image.format = finger_compression_format (image.compression, FALSE);
      representation_bytes = g_bytes_new_from_bytes (bytes, representation.data - reader->data,
                                                     representation.size);
      take_image (&representation, representation_bytes, image_length, &image);

      /* Extended data blocks (segmentation, annotation, comment): a type
       * and a length that counts its own four bytes. */
      while (representation.offset < representation.size)
        {
          guint block_length;

          if (!reader_has (&representation, 4))
            {
              image_clear (&image);
              return truncated (&representation, "extended data block", error);
            }
          read_be (&representation, 2);
          block_length = read_be (&representation, 2);
          if (block_length < 4 || !skip (&representation, block_length - 4, "extended data block", error))
            {
              image_clear (&image);
              if (block_length < 4)
                return bad_length (&representation, "extended data block length", error);
              return FALSE;
            }
        }

      g_array_append_val (record->images, image);
    }

  if (reader->offset != reader->size)
    return bad_length (reader, "representation lengths", error);

  return TRUE;
}

static gboolean
parse_face_2011 (Reader              *reader,
                 GBytes              *bytes,
                 IdemIso19794Record  *record,
                 GError             **error)
{
  guint64 n_representations;
  gboolean certified;

  if (!reader_has (reader, FACE_2011_HEADER_SIZE - 8))
    return truncated (reader, "general header", error);
  if (!check_record_length (reader, read_be (reader, 4), error))
    return FALSE;
  n_representations = read_be (reader, 2);
  certified = read_be (reader, 1) != 0;
  read_be (reader, 2);          /* temporal semantics */

  if (!check_count (n_representations, error))
    return FALSE;

  for (guint i = 0; i < n_representations; i++)
    {
      IdemIso19794Image image = { 0 };
      g_autoptr(GBytes) representation_bytes = NULL;
      Reader representation;
      guint n_landmarks;
      guint64 image_length;

      if (!read_representation_start (reader, &representation, error) ||
          !read_quality_blocks (&representation, &image, error) ||
          !skip_certification_blocks (&representation, certified, error))
        return FALSE;

      if (!reader_has (&representation, FACIAL_INFORMATION_SIZE))
        return truncated (&representation, "facial information", error);
      n_landmarks = read_be (&representation, 2);
      representation.offset += FACIAL_INFORMATION_SIZE - 2;
      if (!skip (&representation, (gsize) n_landmarks * LANDMARK_SIZE, "landmark points", error))
        return FALSE;

      if (!reader_has (&representation, FACE_IMAGE_INFORMATION_SIZE + 4))
        return truncated (&representation, "image information", error);
      read_be (&representation, 1); /* face image type */
      image.compression = read_be (&representation, 1);
      image.width = read_be (&representation, 2);
      image.height = read_be (&representation, 2);
      read_be (&representation, 1); /* spatial sampling rate level */
      read_be (&representation, 2); /* post-acquisition processing */
      read_be (&representation, 1); /* cross reference */
      read_be (&representation, 1); /* colour space */
      image_length = read_be (&representation, 4);

      if (!reader_has (&representation, image_length))
        return truncated (&representation, "face image", error);

      /* Whatever follows the image in the representation is 3D data,
       * which Idem does not use. */
      image.format = face_data_type_format (image.compression);
      representation_bytes = g_bytes_new_from_bytes (bytes, representation.data - reader->data,
                                                     representation.size);
      take_image (&representation, representation_bytes, image_length, &image);
      g_array_append_val (record->images, image);
    }

  if (reader->offset != reader->size)
    return bad_length (reader, "representation lengths", error);

  return TRUE;
}

/**
 * idem_iso19794_parse:
 * @record: the bytes of a finger (19794-4:2005 or 2011) or face
 *   (19794-5:2011) image record
 * @error: return location for an #IDEM_ISO19794_ERROR
 *
 * Returns: (transfer full): the parsed record, whose images share @record's
 *   memory
 */
IdemIso19794Record *
idem_iso19794_parse (GBytes  *record,
                     GError **error)
{
  g_autoptr(IdemIso19794Record) parsed = NULL;
  Reader reader = { 0 };
  const guint8 *magic;
  const guint8 *version;
  gboolean ok;

  g_return_val_if_fail (record != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  reader.data = g_bytes_get_data (record, &reader.size);
  reader.origin = reader.data;
  if (reader.size < 8)
    {
      truncated (&reader, "format identifier", error);
      return NULL;
    }
  magic = reader.data;
  version = reader.data + 4;
  reader.offset = 8;

  if (memcmp (magic, "FIR\0", 4) == 0 || memcmp (magic, "FAC\0", 4) == 0)
    {
      gboolean finger = magic[1] == 'I';

      if (finger && memcmp (version, "010\0", 4) == 0)
        {
          parsed = record_new (IDEM_ISO19794_FINGER, version);
          ok = parse_finger_2005 (&reader, record, parsed, error);
        }
      else if (finger && memcmp (version, "020\0", 4) == 0)
        {
          parsed = record_new (IDEM_ISO19794_FINGER, version);
          ok = parse_finger_2011 (&reader, record, parsed, error);
        }
      else if (!finger && memcmp (version, "030\0", 4) == 0)
        {
          parsed = record_new (IDEM_ISO19794_FACE, version);
          ok = parse_face_2011 (&reader, record, parsed, error);
        }
      else
        {
          g_set_error (error, IDEM_ISO19794_ERROR, IDEM_ISO19794_ERROR_UNSUPPORTED,
                       _("This version of the biometric image record format is not supported."));
          return NULL;
        }
    }
  else if (memcmp (magic, "IIR\0", 4) == 0 || memcmp (magic, "FMR\0", 4) == 0)
    {
      g_set_error (error, IDEM_ISO19794_ERROR, IDEM_ISO19794_ERROR_UNSUPPORTED,
                   _("Iris images and minutiae templates are not read as image records."));
      return NULL;
    }
  else
    {
      g_set_error (error, IDEM_ISO19794_ERROR, IDEM_ISO19794_ERROR_NOT_ISO19794,
                   _("The data is not an ISO/IEC 19794 biometric record."));
      return NULL;
    }

  if (!ok)
    return NULL;

  return g_steal_pointer (&parsed);
}

IdemIso19794Record *
idem_iso19794_record_ref (IdemIso19794Record *record)
{
  g_return_val_if_fail (record != NULL, NULL);

  g_atomic_ref_count_inc (&record->ref_count);

  return record;
}

void
idem_iso19794_record_unref (IdemIso19794Record *record)
{
  g_return_if_fail (record != NULL);

  if (g_atomic_ref_count_dec (&record->ref_count))
    {
      g_array_unref (record->images);
      g_free (record);
    }
}

IdemIso19794Modality
idem_iso19794_record_get_modality (IdemIso19794Record *record)
{
  g_return_val_if_fail (record != NULL, IDEM_ISO19794_FINGER);

  return record->modality;
}

/**
 * idem_iso19794_record_get_version:
 * @record: a record
 *
 * Returns: the record's version: "010" (19794-4:2005), "020"
 *   (19794-4:2011) or "030" (19794-5:2011)
 */
const char *
idem_iso19794_record_get_version (IdemIso19794Record *record)
{
  g_return_val_if_fail (record != NULL, NULL);

  return record->version;
}

guint
idem_iso19794_record_get_n_images (IdemIso19794Record *record)
{
  g_return_val_if_fail (record != NULL, 0);

  return record->images->len;
}

const IdemIso19794Image *
idem_iso19794_record_get_image (IdemIso19794Record *record,
                                guint               n)
{
  g_return_val_if_fail (record != NULL, NULL);
  g_return_val_if_fail (n < record->images->len, NULL);

  return &g_array_index (record->images, IdemIso19794Image, n);
}

static void
put_be (GByteArray *out,
        guint64     value,
        guint       n_bytes)
{
  for (guint i = n_bytes; i > 0; i--)
    {
      guint8 byte = (guint8) (value >> (8 * (i - 1)));

      g_byte_array_append (out, &byte, 1);
    }
}

static void
put_capture_time (GByteArray *out,
                  GDateTime  *capture_time)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (capture_time);

  put_be (out, g_date_time_get_year (utc), 2);
  put_be (out, g_date_time_get_month (utc), 1);
  put_be (out, g_date_time_get_day_of_month (utc), 1);
  put_be (out, g_date_time_get_hour (utc), 1);
  put_be (out, g_date_time_get_minute (utc), 1);
  put_be (out, g_date_time_get_second (utc), 1);
  put_be (out, g_date_time_get_microsecond (utc) / 1000, 2);
}

G_GNUC_PRINTF (3, 4)
static gboolean
cannot_write (GError    **error,
              int         code,
              const char *format,
              ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (IDEM_ISO19794_ERROR, code, format, args));
  va_end (args);

  return FALSE;
}

static gboolean
check_image (IdemIso19794Modality      modality,
             const IdemIso19794Image  *image,
             guint                    *code,
             GError                  **error)
{
  gsize size = g_bytes_get_size (image->image);
  const guint8 *data = g_bytes_get_data (image->image, NULL);

  if (image->width == 0 || image->width > G_MAXUINT16)
    return cannot_write (error, IDEM_ISO19794_ERROR_BAD_VALUE,
                         _("A record cannot hold an image of %u × %u pixels."), image->width, image->height);
  if (image->height == 0 || image->height > G_MAXUINT16)
    return cannot_write (error, IDEM_ISO19794_ERROR_BAD_VALUE,
                         _("A record cannot hold an image of %u × %u pixels."), image->width, image->height);
  if (image->quality > 100)
    return cannot_write (error, IDEM_ISO19794_ERROR_BAD_VALUE,
                         _("The quality score %d is not between 0 and 100."), image->quality);
  if (size > G_MAXUINT32 - 256)
    return cannot_write (error, IDEM_ISO19794_ERROR_BAD_VALUE, _("The image is too large for a record."));

  if (image->format == IDEM_BIOMETRIC_IMAGE_FORMAT_RAW)
    {
      guint depth = image->bit_depth != 0 ? image->bit_depth : 8;

      if (modality != IDEM_ISO19794_FINGER)
        return cannot_write (error, IDEM_ISO19794_ERROR_BAD_VALUE, _("A face record cannot hold %s images."),
                             idem_biometric_image_format_to_string (image->format));
      if (depth != 8 || size != (gsize) image->width * image->height)
        return cannot_write (error, IDEM_ISO19794_ERROR_BAD_LENGTH,
                             _("The grey image has %lu bytes, not %u × %u."),
                             (gulong) size, image->width, image->height);
    }
  else if (idem_biometric_image_format_detect (data, size) != image->format)
    {
      return cannot_write (error, IDEM_ISO19794_ERROR_BAD_VALUE,
                           _("The image bytes are not in the format the record declares (%s)."),
                           idem_biometric_image_format_to_string (image->format));
    }

  /* JPEG 2000 is written as lossless: what MOSIP asks of registration. */
  switch (image->format)
    {
    case IDEM_BIOMETRIC_IMAGE_FORMAT_RAW: *code = 0; break;
    case IDEM_BIOMETRIC_IMAGE_FORMAT_WSQ:
      if (modality != IDEM_ISO19794_FINGER)
        return cannot_write (error, IDEM_ISO19794_ERROR_BAD_VALUE, _("A face record cannot hold %s images."),
                             idem_biometric_image_format_to_string (image->format));
      *code = 2;
      break;
    case IDEM_BIOMETRIC_IMAGE_FORMAT_JPEG: *code = modality == IDEM_ISO19794_FINGER ? 3 : 0; break;
    case IDEM_BIOMETRIC_IMAGE_FORMAT_JPEG2000: *code = modality == IDEM_ISO19794_FINGER ? 5 : 2; break;
    case IDEM_BIOMETRIC_IMAGE_FORMAT_PNG: *code = modality == IDEM_ISO19794_FINGER ? 6 : 3; break;
    case IDEM_BIOMETRIC_IMAGE_FORMAT_UNKNOWN:
    default:
      return cannot_write (error, IDEM_ISO19794_ERROR_BAD_VALUE, _("The image format is unknown."));
    }

  return TRUE;
}

/**
 * idem_iso19794_write:
 * @modality: finger or face
 * @image: the image and what is known about it; @image->format says what
 *   @image->image holds, @image->compression and @image->detected_format
 *   are ignored
 * @capture_time: when the image was captured
 * @error: return location for an #IDEM_ISO19794_ERROR
 *
 * Writes a one-representation 19794-4:2011 finger image record or
 * 19794-5:2011 face record, as MOSIP devices produce them.
 *
 * Returns: (transfer full): the record
 */
GBytes *
idem_iso19794_write (IdemIso19794Modality      modality,
                     const IdemIso19794Image  *image,
                     GDateTime                *capture_time,
                     GError                  **error)
{
  g_autoptr(GByteArray) out = NULL;
  gsize image_size;
  gsize representation_start;
  guint code = 0;

  g_return_val_if_fail (modality == IDEM_ISO19794_FINGER || modality == IDEM_ISO19794_FACE, NULL);
  g_return_val_if_fail (image != NULL && image->image != NULL, NULL);
  g_return_val_if_fail (capture_time != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_image (modality, image, &code, error))
    return NULL;
  if (modality == IDEM_ISO19794_FINGER && image->finger_position > 50)
    {
      cannot_write (error, IDEM_ISO19794_ERROR_BAD_VALUE, _("%u is not a finger position."), image->finger_position);
      return NULL;
    }

  image_size = g_bytes_get_size (image->image);
  out = g_byte_array_sized_new (image_size + 128);

  g_byte_array_append (out, (const guint8 *) (modality == IDEM_ISO19794_FINGER ? "FIR\0" "020\0" : "FAC\0" "030\0"), 8);
  put_be (out, 0, 4);           /* record length, filled in below */
  put_be (out, 1, 2);           /* one representation */
  put_be (out, 0, 1);           /* no certification blocks */
  if (modality == IDEM_ISO19794_FINGER)
    put_be (out, 1, 1);         /* one distinct position */
  else
    put_be (out, 0, 2);         /* temporal semantics: a single image */

  representation_start = out->len;
  put_be (out, 0, 4);           /* representation length, filled in below */
  put_capture_time (out, capture_time);
  put_be (out, 0, 1);           /* capture device technology: unknown */
  put_be (out, 0, 2);           /* vendor */
  put_be (out, 0, 2);           /* device type */
  if (image->quality >= 0)
    {
      put_be (out, 1, 1);
      put_be (out, (guint) image->quality, 1);
      put_be (out, image->quality_vendor, 2);
      put_be (out, image->quality_algorithm, 2);
    }
  else
    {
      put_be (out, 0, 1);
    }

  if (modality == IDEM_ISO19794_FINGER)
    {
      guint ppi_h = image->horizontal_ppi != 0 ? image->horizontal_ppi : 500;
      guint ppi_v = image->vertical_ppi != 0 ? image->vertical_ppi : 500;

      if (ppi_h > G_MAXUINT16 || ppi_v > G_MAXUINT16)
        {
          cannot_write (error, IDEM_ISO19794_ERROR_BAD_VALUE,
                        _("A record cannot hold a resolution of %u pixels per inch."), MAX (ppi_h, ppi_v));
          return NULL;
        }
      put_be (out, image->finger_position, 1);
      put_be (out, 0, 1);       /* representation number */
      put_be (out, 1, 1);       /* scale units: pixels per inch */
      put_be (out, ppi_h, 2);   /* capture sampling rate */
      put_be (out, ppi_v, 2);
      put_be (out, ppi_h, 2);   /* image sampling rate */
      put_be (out, ppi_v, 2);
      put_be (out, image->bit_depth != 0 ? image->bit_depth : 8, 1);
      put_be (out, code, 1);
      put_be (out, image->impression_type, 1);
      put_be (out, image->width, 2);
      put_be (out, image->height, 2);
    }
  else
    {
      put_be (out, 0, 2);       /* no landmark points */
      put_be (out, 0xFF, 1);    /* gender: unknown */
      put_be (out, 0, 1);       /* eye colour: unspecified */
      put_be (out, 0, 1);       /* hair colour: unspecified */
      put_be (out, 0, 1);       /* subject height: unspecified */
      put_be (out, 0, 3);       /* property mask */
      put_be (out, 0, 2);       /* expression */
      put_be (out, 0, 3);       /* pose angle */
      put_be (out, 0, 3);       /* pose angle uncertainty */
      put_be (out, 1, 1);       /* face image type: full frontal */
      put_be (out, code, 1);
      put_be (out, image->width, 2);
      put_be (out, image->height, 2);
      put_be (out, 0, 1);       /* spatial sampling rate level */
      put_be (out, 0, 2);       /* post-acquisition processing */
      put_be (out, 0, 1);       /* cross reference */
      put_be (out, 0, 1);       /* colour space: unspecified */
    }

  put_be (out, image_size, 4);
  g_byte_array_append (out, g_bytes_get_data (image->image, NULL), image_size);

  /* Lengths, now that they are known. */
  for (guint i = 0; i < 4; i++)
    {
      out->data[8 + i] = (guint8) (out->len >> (8 * (3 - i)));
      out->data[representation_start + i] = (guint8) ((out->len - representation_start) >> (8 * (3 - i)));
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
