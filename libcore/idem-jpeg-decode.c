/* idem-jpeg-decode.c — JPEG to 8-bit grey with libjpeg-turbo
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Registration workstations store the face as JPEG inside its ISO/IEC
 * 19794-5 record, and the server decodes it to measure its quality.  The
 * bytes come out of packets, so they are hostile until proven otherwise:
 *
 *  - the header is read first and an image larger than
 *    IDEM_JPEG_MAX_PIXELS is refused before any pixel buffer exists, and
 *    libjpeg's own working memory is capped too;
 *  - a progressive image may hold thousands of tiny scans, each a full pass
 *    over the coefficients; more than MAX_SCANS is refused, as libjpeg-turbo's
 *    own tools do, so a small file cannot keep a worker busy for minutes;
 *  - libjpeg reports errors by calling error_exit(), which must not return:
 *    it longjmp()s back to the one place that frees everything;
 *  - warnings mean corrupt data that libjpeg would paper over (a truncated
 *    file is completed with grey); a biometric image must be whole, so a
 *    warning fails the decode as well.
 *
 * libjpeg converts YCbCr, RGB and grey images to grey itself (the luma,
 * Rec. 601 weights, as the JPEG 2000 path does); CMYK is refused.
 */

#define G_LOG_DOMAIN "idem-minutiae"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "idem-jpeg-decode-private.h"

#include "idem-minutiae.h"

#include <setjmp.h>
#include <stdio.h>
#include <jpeglib.h>

#define MAX_SCANS 100
#define MAX_WORKING_MEMORY (256l * 1024 * 1024)

typedef struct
{
  struct jpeg_error_mgr manager;
  jmp_buf               escape;
  char                  message[JMSG_LENGTH_MAX];
} Failure;

static void
error_exit_cb (j_common_ptr common)
{
  Failure *failure = (Failure *) common->err;

  common->err->format_message (common, failure->message);
  longjmp (failure->escape, 1);
}

static void
emit_message_cb (j_common_ptr common,
                 int          level)
{
  /* Level -1 is a warning; the others are traces, which are dropped. */
  if (level < 0)
    error_exit_cb (common);
}

static void
progress_cb (j_common_ptr common)
{
  j_decompress_ptr decompress = (j_decompress_ptr) common;
  Failure *failure = (Failure *) common->err;

  if (decompress->input_scan_number > MAX_SCANS)
    {
      g_snprintf (failure->message, sizeof failure->message,
                  "more than %d scans", MAX_SCANS);
      longjmp (failure->escape, 1);
    }
}

/* Decodes a JPEG file to 8-bit grey; its size is returned in @width and
 * @height.  Fails with IDEM_MINUTIAE_ERROR_IMAGE. */
guint8 *
_idem_jpeg_decode_grey (const guint8  *data,
                        gsize          size,
                        guint         *width,
                        guint         *height,
                        GError       **error)
{
  struct jpeg_decompress_struct decompress = { 0 };
  struct jpeg_progress_mgr progress = { 0 };
  Failure failure = { 0 };
  guint8 * volatile pixels = NULL;
  guint out_width, out_height;

  g_return_val_if_fail (data != NULL || size == 0, NULL);
  g_return_val_if_fail (width != NULL && height != NULL, NULL);

  if (size > G_MAXULONG)
    {
      g_set_error (error, IDEM_MINUTIAE_ERROR, IDEM_MINUTIAE_ERROR_IMAGE,
                   _("The JPEG image is too large to decode"));
      return NULL;
    }

  decompress.err = jpeg_std_error (&failure.manager);
  failure.manager.error_exit = error_exit_cb;
  failure.manager.emit_message = emit_message_cb;
  progress.progress_monitor = progress_cb;

  if (setjmp (failure.escape) != 0)
    {
      g_set_error (error, IDEM_MINUTIAE_ERROR, IDEM_MINUTIAE_ERROR_IMAGE,
                   _("The JPEG image cannot be decoded: %s"), failure.message);
      jpeg_destroy_decompress (&decompress);
      g_free (pixels);
      return NULL;
    }

  jpeg_create_decompress (&decompress);
  decompress.mem->max_memory_to_use = MAX_WORKING_MEMORY;
  decompress.progress = &progress;
  jpeg_mem_src (&decompress, data, (unsigned long) size);
  jpeg_read_header (&decompress, TRUE);

  if (decompress.image_width > IDEM_JPEG_MAX_SIDE || decompress.image_height > IDEM_JPEG_MAX_SIDE
      || (guint64) decompress.image_width * decompress.image_height > IDEM_JPEG_MAX_PIXELS)
    {
      g_set_error (error, IDEM_MINUTIAE_ERROR, IDEM_MINUTIAE_ERROR_IMAGE,
                   _("A %u×%u image is outside what can be decoded (at most %u pixels)"),
                   decompress.image_width, decompress.image_height, IDEM_JPEG_MAX_PIXELS);
      jpeg_destroy_decompress (&decompress);
      return NULL;
    }

  decompress.out_color_space = JCS_GRAYSCALE;
  jpeg_start_decompress (&decompress);
  out_width = decompress.output_width;
  out_height = decompress.output_height;
  if (decompress.output_components != 1 || out_width == 0 || out_height == 0)
    {
      g_set_error (error, IDEM_MINUTIAE_ERROR, IDEM_MINUTIAE_ERROR_IMAGE,
                   _("The JPEG image cannot be decoded to grey"));
      jpeg_destroy_decompress (&decompress);
      return NULL;
    }

  pixels = g_new (guint8, (gsize) out_width * out_height);
  while (decompress.output_scanline < out_height)
    {
      JSAMPROW row = pixels + (gsize) decompress.output_scanline * out_width;

      jpeg_read_scanlines (&decompress, &row, 1);
    }
  jpeg_finish_decompress (&decompress);
  jpeg_destroy_decompress (&decompress);

  *width = out_width;
  *height = out_height;

  return pixels;
}
