/* fuzz-image-decode.c — face and finger image decoding on any bytes
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The server decodes the face image of every packet it enrols, and those
 * bytes are the workstation's to choose: JPEG and JPEG 2000 decoding must
 * answer with pixels or an error for any input, within the size bound.
 * The input is tried as a bare image and as an ISO/IEC 19794 record.
 */

#include "config.h"

#include "idem.h"
#include "idem-minutiae-extract.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

/* The decoder's bound, IDEM_JPEG_MAX_PIXELS; JPEG 2000 allows 16384². */
#define MAX_PIXELS ((guint64) 16384 * 16384)

static void
check_decoded (guint8 *pixels,
               guint   width,
               guint   height,
               GError *error)
{
  g_assert ((pixels == NULL) == (error != NULL));
  if (pixels != NULL)
    {
      volatile guint8 last;

      g_assert (width >= 1 && height >= 1 && (guint64) width * height <= MAX_PIXELS);
      /* Every byte is there to read: ASan catches a short buffer. */
      last = pixels[(gsize) width * height - 1];
      (void) last;
    }
  else
    {
      g_assert (g_error_matches (error, IDEM_MINUTIAE_ERROR, IDEM_MINUTIAE_ERROR_IMAGE));
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(IdemIso19794Record) record = NULL;

  {
    g_autoptr(GError) error = NULL;
    g_autofree guint8 *pixels = NULL;
    guint width = 0, height = 0;

    pixels = idem_image_decode_grey (bytes, &width, &height, &error);
    check_decoded (pixels, width, height, error);
  }

  record = idem_iso19794_parse (bytes, NULL);
  for (guint i = 0; record != NULL && i < idem_iso19794_record_get_n_images (record); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree guint8 *pixels = NULL;
      guint width = 0, height = 0;

      pixels = idem_iso19794_image_decode_grey (idem_iso19794_record_get_image (record, i),
                                                &width, &height, &error);
      check_decoded (pixels, width, height, error);
    }

  return 0;
}
