/* fuzz-cbeff.c — the CBEFF reader and the ISO 19794 parser on any bytes
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Biometric XML comes out of registration packets, and every data block in
 * it goes on to the image record parser: both must answer with a record or
 * an error for any input.  What reads back is written again and must read
 * back the same, so the writer is exercised on hostile content too.
 */

#include "config.h"

#include "idem.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
parse_data_blocks (IdemBir *bir)
{
  GBytes *bdb = idem_bir_get_bdb (bir);

  if (bdb != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(IdemIso19794Record) record = idem_iso19794_parse (bdb, &error);

      g_assert ((record == NULL) == (error != NULL));
      for (guint i = 0; record != NULL && i < idem_iso19794_record_get_n_images (record); i++)
        {
          const IdemIso19794Image *image = idem_iso19794_record_get_image (record, i);

          g_assert (g_bytes_get_size (image->image) < g_bytes_get_size (bdb));
        }
    }

  for (guint i = 0; i < idem_bir_get_n_children (bir); i++)
    parse_data_blocks (idem_bir_get_child (bir, i));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(IdemBir) bir = NULL;
  g_autoptr(GBytes) written = NULL;

  /* The input as an image record on its own, too. */
  {
    g_autoptr(GError) iso_error = NULL;
    g_autoptr(IdemIso19794Record) record = idem_iso19794_parse (bytes, &iso_error);

    g_assert ((record == NULL) == (iso_error != NULL));
  }

  bir = idem_cbeff_read (bytes, &error);
  g_assert ((bir == NULL) == (error != NULL));
  if (bir == NULL)
    return 0;

  parse_data_blocks (bir);

  written = idem_cbeff_write (bir, &error);
  if (written != NULL)
    {
      g_autoptr(IdemBir) again = idem_cbeff_read (written, &error);
      g_autoptr(GBytes) rewritten = NULL;

      g_assert_no_error (error);
      rewritten = idem_cbeff_write (again, &error);
      g_assert_no_error (error);
      g_assert (g_bytes_equal (written, rewritten));
    }
  else
    {
      /* A score without an algorithm (the old bare form) is all that the
       * writer refuses of what the reader accepts. */
      g_assert (g_error_matches (error, IDEM_CBEFF_ERROR, IDEM_CBEFF_ERROR_INCOMPLETE));
    }

  return 0;
}
