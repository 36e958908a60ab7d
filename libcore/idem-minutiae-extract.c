/* idem-minutiae-extract.c — minutiae from finger images
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Extraction is libfprint's NBIS (mindtct), reached through
 * fp_image_detect_minutiae(), which needs no device.  libfprint's public API
 * gives only a minutia's coordinates, but the ridge direction is what makes
 * minutiae comparable; FpMinutia is NBIS's MINUTIA structure, unchanged since
 * libfprint took NBIS in, so its leading fields are read through a mirror of
 * that layout.  Every minutia's mirrored coordinates are checked against
 * fp_minutia_get_coords(): should a future libfprint change the layout,
 * extraction fails with an error instead of returning garbage.
 *
 * ISO/IEC 19794-4:2011 records (the MOSIP samples) are parsed here; their
 * JPEG 2000 images are decoded with libopenjp2, uncompressed ones read as
 * they are.  WSQ is refused: Debian 12 ships no WSQ decoder library.  Face
 * images, JPEG 2000 or JPEG (idem-jpeg-decode.c), are decoded to grey here
 * too, for the server's quality figures.
 */

#define G_LOG_DOMAIN "idem-minutiae"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "idem-minutiae-extract.h"
#include "idem-jpeg-decode-private.h"

#include <fprint.h>
#include <math.h>
#include <openjpeg.h>
#include <string.h>

/* The leading fields of NBIS's MINUTIA (libfprint/nbis/include/lfs.h). */
typedef struct
{
  int    x;
  int    y;
  int    ex;
  int    ey;
  int    direction;
  double reliability;
  int    type;
} NbisMinutiaMirror;

#define NBIS_BIFURCATION 0
#define NBIS_RIDGE_ENDING 1
/* NBIS directions count 32 steps of 11.25° a turn. */
#define NBIS_DIRECTIONS 32

#define ISO_COMPRESSION_NONE 0
#define ISO_COMPRESSION_WSQ 2
#define ISO_COMPRESSION_JPEG2000_LOSSY 4
#define ISO_COMPRESSION_JPEG2000_LOSSLESS 5

void
idem_finger_image_free (IdemFingerImage *image)
{
  if (image == NULL)
    return;
  g_free (image->pixels);
  g_free (image);
}

typedef struct
{
  GMainContext *context;
  GAsyncResult *result;
} SyncWait;

static void
detect_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  SyncWait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_context_wakeup (wait->context);
}

/**
 * idem_minutiae_extract:
 * @pixels: 8-bit grey, dark ridges on white, row by row
 * @width: in pixels
 * @height: in pixels
 * @resolution: in dots per inch
 * @error: return location for an error
 *
 * Extracts minutiae with NBIS.  Blocks for tens of milliseconds; call it from
 * a worker thread.  Safe to call from several threads at once.
 *
 * Returns: (transfer full): the minutiae, or %NULL with @error set
 */
IdemMinutiae *
idem_minutiae_extract (const guint8 *pixels,
                       guint         width,
                       guint         height,
                       guint         resolution,
                       GError      **error)
{
  g_autoptr(GMainContext) context = NULL;
  g_autoptr(FpImage) image = NULL;
  g_autoptr(IdemMinutiae) minutiae = NULL;
  g_autoptr(GError) local_error = NULL;
  SyncWait wait = { NULL, NULL };
  GPtrArray *found;
  gsize size;
  guint8 *data;

  g_return_val_if_fail (pixels != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (width < 64 || height < 64 || width > 4096 || height > 4096 || resolution < 250 || resolution > 2000)
    {
      g_set_error (error, IDEM_MINUTIAE_ERROR, IDEM_MINUTIAE_ERROR_IMAGE,
                   _("A %u×%u finger image at %u dpi is outside what can be extracted "
                     "(64–4096 pixels a side, 250–2000 dpi)"), width, height, resolution);
      return NULL;
    }

  image = fp_image_new (width, height);
  data = (guint8 *) fp_image_get_data (image, &size);
  g_assert (size == (gsize) width * height);
  memcpy (data, pixels, size);

  /* The detection runs in a GTask thread and reports to this thread's own
   * context, so this works from any thread, main loop or not. */
  context = g_main_context_new ();
  wait.context = context;
  g_main_context_push_thread_default (context);
  fp_image_detect_minutiae (image, NULL, detect_done_cb, &wait);
  while (wait.result == NULL)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);

  if (!fp_image_detect_minutiae_finish (image, wait.result, &local_error))
    {
      g_object_unref (wait.result);
      g_set_error (error, IDEM_MINUTIAE_ERROR, IDEM_MINUTIAE_ERROR_EXTRACTION,
                   _("Minutiae extraction failed: %s"), local_error->message);
      return NULL;
    }
  g_object_unref (wait.result);

  minutiae = idem_minutiae_new (width, height, resolution);
  found = fp_image_get_minutiae (image);
  for (guint i = 0; found != NULL && i < found->len && i < IDEM_MINUTIAE_MAX; i++)
    {
      FpMinutia *m = g_ptr_array_index (found, i);
      const NbisMinutiaMirror *mirror = (const NbisMinutiaMirror *) (gconstpointer) m;
      IdemMinutia out;
      int x, y;

      fp_minutia_get_coords (m, &x, &y);
      if (x != mirror->x || y != mirror->y || mirror->direction < 0 || mirror->direction >= NBIS_DIRECTIONS)
        {
          g_set_error (error, IDEM_MINUTIAE_ERROR, IDEM_MINUTIAE_ERROR_EXTRACTION,
                       _("This libfprint's minutia layout is not NBIS's: cannot read directions"));
          return NULL;
        }
      if (x < 0 || y < 0 || (guint) x >= width || (guint) y >= height)
        continue;

      /* NBIS direction 0 points up (−y) and steps clockwise on screen;
       * Idem's angle 0 points right (+x) and grows towards +y. */
      out.x = x;
      out.y = y;
      out.angle = (guint8) (192 + mirror->direction * (256 / NBIS_DIRECTIONS));
      out.type = mirror->type == NBIS_BIFURCATION ? IDEM_MINUTIA_BIFURCATION
                 : mirror->type == NBIS_RIDGE_ENDING ? IDEM_MINUTIA_ENDING : IDEM_MINUTIA_OTHER;
      out.quality = (guint8) CLAMP (lrint (mirror->reliability * 63.0), 0, 63);
      if (!idem_minutiae_add (minutiae, &out, error))
        return NULL;
    }

  return g_steal_pointer (&minutiae);
}

/**
 * idem_minutiae_extract_from_image:
 * @image: a decoded finger image
 * @error: return location for an error
 *
 * Returns: (transfer full): the minutiae, or %NULL with @error set
 */
IdemMinutiae *
idem_minutiae_extract_from_image (const IdemFingerImage  *image,
                                  GError                **error)
{
  g_return_val_if_fail (image != NULL, NULL);

  return idem_minutiae_extract (image->pixels, image->width, image->height, image->resolution, error);
}

static void
extract_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;
  IdemMinutiae *minutiae = idem_minutiae_extract_from_image (task_data, &error);

  if (minutiae == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, minutiae, (GDestroyNotify) idem_minutiae_unref);
}

/**
 * idem_minutiae_extract_async:
 * @image: a decoded finger image (copied)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the minutiae are ready
 * @user_data: for @callback
 *
 * Extracts minutiae in a worker thread; see idem_minutiae_extract().
 */
void
idem_minutiae_extract_async (const IdemFingerImage *image,
                             GCancellable          *cancellable,
                             GAsyncReadyCallback    callback,
                             gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  IdemFingerImage *copy;

  g_return_if_fail (image != NULL && image->pixels != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  copy = g_memdup2 (image, sizeof *image);
  copy->pixels = g_memdup2 (image->pixels, (gsize) image->width * image->height);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, idem_minutiae_extract_async);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_set_task_data (task, copy, (GDestroyNotify) idem_finger_image_free);
  g_task_run_in_thread (task, extract_thread);
}

/**
 * idem_minutiae_extract_finish:
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Returns: (transfer full): the minutiae, or %NULL with @error set
 */
IdemMinutiae *
idem_minutiae_extract_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* JPEG 2000 from memory */

typedef struct
{
  const guint8 *data;
  gsize         size;
  gsize         offset;
} MemoryStream;

static OPJ_SIZE_T
memory_read (void       *buffer,
             OPJ_SIZE_T  n_bytes,
             void       *user_data)
{
  MemoryStream *stream = user_data;
  gsize left = stream->size - stream->offset;

  if (left == 0)
    return (OPJ_SIZE_T) -1;
  n_bytes = MIN (n_bytes, left);
  memcpy (buffer, stream->data + stream->offset, n_bytes);
  stream->offset += n_bytes;

  return n_bytes;
}

static OPJ_OFF_T
memory_skip (OPJ_OFF_T  n_bytes,
             void      *user_data)
{
  MemoryStream *stream = user_data;

  if (n_bytes < 0)
    n_bytes = -(OPJ_OFF_T) MIN ((gsize) -n_bytes, stream->offset);
  else
    n_bytes = (OPJ_OFF_T) MIN ((gsize) n_bytes, stream->size - stream->offset);
  stream->offset += n_bytes;

  return n_bytes;
}

static OPJ_BOOL
memory_seek (OPJ_OFF_T  offset,
             void      *user_data)
{
  MemoryStream *stream = user_data;

  if (offset < 0 || (gsize) offset > stream->size)
    return OPJ_FALSE;
  stream->offset = offset;

  return OPJ_TRUE;
}

static void
quiet_cb (const char *message,
          void       *user_data)
{
}

static guint8
sample_to_byte (const opj_image_comp_t *component,
                gsize                   i)
{
  int shift = (int) component->prec - 8;
  int value = component->data[i] + (component->sgnd ? 1 << (component->prec - 1) : 0);

  value = shift >= 0 ? value >> shift : value << -shift;

  return (guint8) CLAMP (value, 0, 255);
}

/* Decodes a JP2 file or a JPEG 2000 codestream to 8-bit grey.  When
 * @expected_width is not 0 the image must have that size; otherwise its
 * size is returned in @width and @height.  Colour images (three components
 * of the same size) become their luma, Rec. 601 weights. */
static guint8 *
decode_jpeg2000 (const guint8  *data,
                 gsize          size,
                 guint          expected_width,
                 guint          expected_height,
                 guint         *width,
                 guint         *height,
                 GError       **error)
{
  static const guint8 jp2_signature[] = { 0, 0, 0, 0x0c, 'j', 'P', ' ', ' ' };
  MemoryStream memory = { data, size, 0 };
  opj_dparameters_t parameters;
  opj_codec_t *codec;
  opj_stream_t *stream;
  opj_image_t *image = NULL;
  guint8 *pixels = NULL;
  gboolean ok;

  if (size >= sizeof jp2_signature && memcmp (data, jp2_signature, sizeof jp2_signature) == 0)
    codec = opj_create_decompress (OPJ_CODEC_JP2);
  else if (size >= 2 && data[0] == 0xff && data[1] == 0x4f)
    codec = opj_create_decompress (OPJ_CODEC_J2K);
  else
    {
      g_set_error (error, IDEM_MINUTIAE_ERROR, IDEM_MINUTIAE_ERROR_IMAGE,
                   _("The image is neither a JP2 file nor a JPEG 2000 codestream"));
      return NULL;
    }

  opj_set_info_handler (codec, quiet_cb, NULL);
  opj_set_warning_handler (codec, quiet_cb, NULL);
  opj_set_error_handler (codec, quiet_cb, NULL);
  opj_set_default_decoder_parameters (&parameters);

  stream = opj_stream_create (OPJ_J2K_STREAM_CHUNK_SIZE, OPJ_TRUE);
  opj_stream_set_user_data (stream, &memory, NULL);
  opj_stream_set_user_data_length (stream, size);
  opj_stream_set_read_function (stream, memory_read);
  opj_stream_set_skip_function (stream, memory_skip);
  opj_stream_set_seek_function (stream, memory_seek);

  ok = opj_setup_decoder (codec, &parameters)
       && opj_read_header (stream, codec, &image)
       && opj_decode (codec, stream, image)
       && opj_end_decompress (codec, stream);

  if (!ok || image == NULL || image->numcomps < 1 || image->comps[0].data == NULL
      || image->comps[0].prec < 1 || image->comps[0].prec > 16)
    {
      g_set_error (error, IDEM_MINUTIAE_ERROR, IDEM_MINUTIAE_ERROR_IMAGE,
                   _("The JPEG 2000 image cannot be decoded"));
    }
  else if (expected_width != 0
           && (image->comps[0].w != expected_width || image->comps[0].h != expected_height))
    {
      g_set_error (error, IDEM_MINUTIAE_ERROR, IDEM_MINUTIAE_ERROR_IMAGE,
                   _("The JPEG 2000 image is %u×%u, the record says %u×%u"),
                   image->comps[0].w, image->comps[0].h, expected_width, expected_height);
    }
  else if (image->comps[0].w == 0 || image->comps[0].h == 0
           || image->comps[0].w > 16384 || image->comps[0].h > 16384)
    {
      g_set_error (error, IDEM_MINUTIAE_ERROR, IDEM_MINUTIAE_ERROR_IMAGE,
                   _("A %u×%u image is outside what can be decoded (1–16384 pixels a side)"),
                   image->comps[0].w, image->comps[0].h);
    }
  else
    {
      const opj_image_comp_t *c = image->comps;
      gsize n_pixels = (gsize) c[0].w * c[0].h;
      gboolean colour = image->numcomps >= 3;

      for (guint k = 1; colour && k < 3; k++)
        colour = c[k].data != NULL && c[k].w == c[0].w && c[k].h == c[0].h
                 && c[k].prec >= 1 && c[k].prec <= 16;

      pixels = g_new (guint8, n_pixels);
      for (gsize i = 0; i < n_pixels; i++)
        {
          if (colour)
            pixels[i] = (guint8) ((77 * sample_to_byte (&c[0], i) + 150 * sample_to_byte (&c[1], i)
                                   + 29 * sample_to_byte (&c[2], i)) >> 8);
          else
            pixels[i] = sample_to_byte (&c[0], i);
        }
      if (width != NULL)
        *width = c[0].w;
      if (height != NULL)
        *height = c[0].h;
    }

  if (image != NULL)
    opj_image_destroy (image);
  opj_stream_destroy (stream);
  opj_destroy_codec (codec);

  return pixels;
}

/**
 * idem_image_decode_grey:
 * @image: an image as a biometric record carries it (a face's JPEG 2000)
 * @width: (out): its width in pixels
 * @height: (out): its height in pixels
 * @error: return location for an error
 *
 * Decodes an image to 8-bit grey, the luma of a colour image.  The format
 * is told by the image's own signature: JPEG 2000 (a JP2 file or a
 * codestream) and JPEG are supported, anything else is refused with
 * %IDEM_MINUTIAE_ERROR_IMAGE, as are corrupt, truncated and oversized
 * images (see idem-jpeg-decode.c for the bounds).
 *
 * Returns: (transfer full): @width × @height bytes, or %NULL with @error set
 */
guint8 *
idem_image_decode_grey (GBytes  *image,
                        guint   *width,
                        guint   *height,
                        GError **error)
{
  const guint8 *data;
  gsize size;
  IdemBiometricImageFormat format;

  g_return_val_if_fail (image != NULL, NULL);
  g_return_val_if_fail (width != NULL, NULL);
  g_return_val_if_fail (height != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (image, &size);
  format = idem_biometric_image_format_detect (data, size);
  switch (format)
    {
    case IDEM_BIOMETRIC_IMAGE_FORMAT_JPEG2000:
      return decode_jpeg2000 (data, size, 0, 0, width, height, error);

    case IDEM_BIOMETRIC_IMAGE_FORMAT_JPEG:
      return _idem_jpeg_decode_grey (data, size, width, height, error);

    case IDEM_BIOMETRIC_IMAGE_FORMAT_UNKNOWN:
    case IDEM_BIOMETRIC_IMAGE_FORMAT_RAW:
    case IDEM_BIOMETRIC_IMAGE_FORMAT_WSQ:
    case IDEM_BIOMETRIC_IMAGE_FORMAT_PNG:
    default:
      g_set_error (error, IDEM_MINUTIAE_ERROR, IDEM_MINUTIAE_ERROR_IMAGE,
                   _("Images in %s cannot be decoded; JPEG and JPEG 2000 can"),
                   idem_biometric_image_format_to_string (format));
      return NULL;
    }
}

/**
 * idem_iso19794_image_decode_grey:
 * @image: a face image from a parsed ISO/IEC 19794 record
 * @width: (out): its width in pixels
 * @height: (out): its height in pixels
 * @error: return location for an error
 *
 * Decodes @image->image as idem_image_decode_grey() does, which goes by
 * the bytes' signature, never by the record's image type.  The record must
 * agree with the bytes nonetheless: a record that says JPEG 2000 over JPEG
 * bytes (or the reverse), or whose width and height are not the image's,
 * was not written by a conforming device and is refused with
 * %IDEM_MINUTIAE_ERROR_IMAGE rather than half-trusted.
 *
 * Returns: (transfer full): @width × @height bytes, or %NULL with @error set
 */
guint8 *
idem_iso19794_image_decode_grey (const IdemIso19794Image  *image,
                                 guint                    *width,
                                 guint                    *height,
                                 GError                  **error)
{
  g_autofree guint8 *pixels = NULL;

  g_return_val_if_fail (image != NULL && image->image != NULL, NULL);
  g_return_val_if_fail (width != NULL, NULL);
  g_return_val_if_fail (height != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (image->format != image->detected_format)
    {
      g_set_error (error, IDEM_MINUTIAE_ERROR, IDEM_MINUTIAE_ERROR_IMAGE,
                   _("The record says its image is %s, but the image is %s"),
                   idem_biometric_image_format_to_string (image->format),
                   idem_biometric_image_format_to_string (image->detected_format));
      return NULL;
    }

  pixels = idem_image_decode_grey (image->image, width, height, error);
  if (pixels == NULL)
    return NULL;
  if ((image->width != 0 && image->width != *width) || (image->height != 0 && image->height != *height))
    {
      g_set_error (error, IDEM_MINUTIAE_ERROR, IDEM_MINUTIAE_ERROR_IMAGE,
                   _("The image is %u×%u, the record says %u×%u"),
                   *width, *height, image->width, image->height);
      return NULL;
    }

  return g_steal_pointer (&pixels);
}

static guint
read_be (const guint8 *p,
         guint         n_bytes)
{
  guint value = 0;

  for (guint i = 0; i < n_bytes; i++)
    value = (value << 8) | p[i];

  return value;
}

/**
 * idem_finger_image_decode_iso:
 * @record: an ISO/IEC 19794-4:2011 finger image record
 * @error: return location for an error
 *
 * Decodes the first finger representation of the record.  JPEG 2000 and
 * uncompressed 8-bit images are supported; WSQ and others are refused with
 * %IDEM_MINUTIAE_ERROR_IMAGE.
 *
 * Returns: (transfer full): the image, or %NULL with @error set
 */
IdemFingerImage *
idem_finger_image_decode_iso (GBytes  *record,
                              GError **error)
{
  g_autoptr(IdemFingerImage) image = NULL;
  const guint8 *data;
  gsize size, offset;
  guint record_length, n_representations, certified, n_quality, n_certificates;
  guint representation_length, bit_depth, compression, image_length;
  guint horizontal_dpi, scale_units;

  g_return_val_if_fail (record != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (record, &size);
  if (size < 16 || memcmp (data, "FIR\0", 4) != 0)
    {
      g_set_error (error, IDEM_MINUTIAE_ERROR, IDEM_MINUTIAE_ERROR_INVALID,
                   _("Not an ISO/IEC 19794-4 finger image record"));
      return NULL;
    }
  if (memcmp (data + 4, "020\0", 4) != 0)
    {
      g_set_error (error, IDEM_MINUTIAE_ERROR, IDEM_MINUTIAE_ERROR_UNSUPPORTED_VERSION,
                   _("Only the 2011 edition (version 020) of ISO/IEC 19794-4 is supported"));
      return NULL;
    }

  record_length = read_be (data + 8, 4);
  n_representations = read_be (data + 12, 2);
  certified = data[14];
  if (record_length > size || n_representations == 0)
    {
      g_set_error (error, IDEM_MINUTIAE_ERROR, IDEM_MINUTIAE_ERROR_TRUNCATED,
                   _("The finger image record is truncated or empty"));
      return NULL;
    }

  /* Representation header: length, capture time (9), device technology (1),
   * vendor (2), type (2), then the quality and certification blocks. */
  offset = 16;
  if (offset + 19 > size)
    goto truncated;
  representation_length = read_be (data + offset, 4);
  if (representation_length > size - offset)
    goto truncated;
  offset += 4 + 9 + 1 + 2 + 2;
  n_quality = data[offset++];
  offset += 5 * n_quality;
  if (certified)
    {
      if (offset >= size)
        goto truncated;
      n_certificates = data[offset++];
      offset += 3 * n_certificates;
    }
  if (offset + 24 > size)
    goto truncated;

  image = g_new0 (IdemFingerImage, 1);
  image->position = data[offset];
  scale_units = data[offset + 2];
  horizontal_dpi = read_be (data + offset + 7, 2);
  bit_depth = data[offset + 11];
  compression = data[offset + 12];
  image->width = read_be (data + offset + 14, 2);
  image->height = read_be (data + offset + 16, 2);
  image_length = read_be (data + offset + 18, 4);
  offset += 22;

  /* Scale units: 1 is pixels per inch, 2 pixels per centimetre. */
  image->resolution = scale_units == 2 ? (guint) lrint (horizontal_dpi * 2.54) : horizontal_dpi;
  if (image_length > size - offset || image->width == 0 || image->height == 0)
    goto truncated;
  if (bit_depth != 8)
    {
      g_set_error (error, IDEM_MINUTIAE_ERROR, IDEM_MINUTIAE_ERROR_IMAGE,
                   _("Finger images of %u bits a pixel are not supported"), bit_depth);
      return NULL;
    }

  switch (compression)
    {
    case ISO_COMPRESSION_NONE:
      if (image_length != image->width * image->height)
        goto truncated;
      image->pixels = g_memdup2 (data + offset, image_length);
      break;

    case ISO_COMPRESSION_JPEG2000_LOSSY:
    case ISO_COMPRESSION_JPEG2000_LOSSLESS:
      image->pixels = decode_jpeg2000 (data + offset, image_length, image->width, image->height,
                                       NULL, NULL, error);
      if (image->pixels == NULL)
        return NULL;
      break;

    case ISO_COMPRESSION_WSQ:
      g_set_error (error, IDEM_MINUTIAE_ERROR, IDEM_MINUTIAE_ERROR_IMAGE,
                   _("WSQ finger images are not supported: no WSQ decoder is available"));
      return NULL;

    default:
      g_set_error (error, IDEM_MINUTIAE_ERROR, IDEM_MINUTIAE_ERROR_IMAGE,
                   _("Finger image compression %u is not supported"), compression);
      return NULL;
    }

  return g_steal_pointer (&image);

truncated:
  g_set_error (error, IDEM_MINUTIAE_ERROR, IDEM_MINUTIAE_ERROR_TRUNCATED,
               _("The finger image record is truncated"));
  return NULL;
}
