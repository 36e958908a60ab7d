/* fuzz-identifiers.c — the UIN, VID, PRID and RID validators on any bytes
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Identifiers arrive from forms, QR codes and API requests: every validator
 * must answer yes or no, with an error, for any string at all.
 */

#include "config.h"

#include "idem.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  gboolean valid;

  {
    g_autoptr(GError) error = NULL;
    valid = idem_uin_validate (text, &error);
    g_assert (valid == (error == NULL));
  }
  {
    g_autoptr(GError) error = NULL;
    valid = idem_vid_validate (text, &error);
    g_assert (valid == (error == NULL));
  }
  {
    g_autoptr(GError) error = NULL;
    valid = idem_prid_validate (text, &error);
    g_assert (valid == (error == NULL));
  }
  {
    g_autoptr(GError) error = NULL;
    valid = idem_rid_validate (text, NULL, NULL, &error);
    g_assert (valid == (error == NULL));
  }

  return 0;
}
