/* minutiae-cache.c — extracted minutiae kept in a file between benchmark runs
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * NBIS extraction takes most of an accuracy or speed run, so the ABIS
 * benchmarks can keep what they extracted.  The file holds, per
 * impression, a 32-bit length (0: extraction failed) and the IdemMinutiae
 * serialisation, fingers and impressions in order.  The arrays below are
 * laid out the same way: finger f's impression k is at f * n_impressions + k.
 */

#include "config.h"

#include "minutiae-cache.h"

#include <string.h>

/**
 * minutiae_cache_load:
 * @path: the cache file
 * @minutiae: (out caller-allocates): n_fingers × n_impressions slots,
 *   %NULL on entry; %NULL where extraction had failed
 *
 * Returns: %TRUE if the file holds exactly that many impressions; on
 *   %FALSE the slots are %NULL again
 */
gboolean
minutiae_cache_load (const char    *path,
                     IdemMinutiae **minutiae,
                     guint          n_fingers,
                     guint          n_impressions)
{
  g_autofree char *contents = NULL;
  guint n_slots = n_fingers * n_impressions;
  gsize length = 0, offset = 0;
  guint slot;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;
  for (slot = 0; slot < n_slots; slot++)
    {
      g_autoptr(GBytes) bytes = NULL;
      guint32 size;

      if (length - offset < 4)
        break;
      memcpy (&size, contents + offset, 4);
      offset += 4;
      if (size == 0)
        continue;
      if (length - offset < size)
        break;
      bytes = g_bytes_new (contents + offset, size);
      offset += size;
      minutiae[slot] = idem_minutiae_deserialize (bytes, NULL);
      if (minutiae[slot] == NULL)
        break;
    }

  if (slot == n_slots && offset == length)
    return TRUE;
  for (slot = 0; slot < n_slots; slot++)
    g_clear_pointer (&minutiae[slot], idem_minutiae_unref);
  return FALSE;
}

/**
 * minutiae_cache_save:
 * @path: the cache file
 * @minutiae: n_fingers × n_impressions slots, %NULL where extraction failed
 *
 * Writes the cache; a failure is reported on stderr only, since a run
 * without its cache is still a run.
 */
void
minutiae_cache_save (const char           *path,
                     IdemMinutiae * const *minutiae,
                     guint                 n_fingers,
                     guint                 n_impressions)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GError) error = NULL;

  for (guint slot = 0; slot < n_fingers * n_impressions; slot++)
    {
      g_autoptr(GBytes) bytes = minutiae[slot] != NULL ? idem_minutiae_serialize (minutiae[slot]) : NULL;
      guint32 size = bytes != NULL ? g_bytes_get_size (bytes) : 0;

      g_byte_array_append (out, (const guint8 *) &size, 4);
      if (bytes != NULL)
        g_byte_array_append (out, g_bytes_get_data (bytes, NULL), size);
    }
  if (!g_file_set_contents (path, (const char *) out->data, out->len, &error))
    g_printerr ("The minutiae cache cannot be written: %s\n", error->message);
}
