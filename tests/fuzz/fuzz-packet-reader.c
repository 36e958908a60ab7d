/* fuzz-packet-reader.c — the packet reader's layers after decryption
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Whoever holds a machine's keys controls every byte inside the envelopes,
 * so the reader must fail cleanly on any container zip, sub-packet zip,
 * meta JSON and hash sequence.  The first byte picks the layer:
 *
 *   0  the container zip with plaintext sub-packets, read to the end
 *   1  an id sub-packet zip (ID.json, packet_meta_info.json, hash files)
 *   2  an evidence sub-packet zip
 *   3  a sub-packet's meta JSON (<rid>_<name>.json)
 */

#include "config.h"

#include "idem.h"
#include "idem-packet-meta.h"
#include "idem-packet-private.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (size < 1)
    return 0;
  bytes = g_bytes_new (data + 1, size - 1);

  switch (data[0] & 3)
    {
    case 0:
      {
        g_autoptr(IdemPacketReader) reader = idem_packet_reader_new ();

        idem_packet_reader_set_plaintext_subpackets (reader, TRUE);
        ok = idem_packet_reader_open_container (reader, bytes, &error);
        /* what was read stays readable after a failure */
        for (guint i = 0; i < idem_packet_reader_get_n_subpackets (reader); i++)
          {
            IdemPacketSubpacket *subpacket = idem_packet_reader_get_subpacket (reader, i);

            for (guint j = 0; j < idem_packet_subpacket_get_n_files (subpacket); j++)
              g_assert_nonnull (idem_packet_subpacket_get_file (subpacket, idem_packet_subpacket_get_file_name (subpacket, j)));
          }
      }
      break;

    case 1:
      ok = idem_packet_check_subpacket_zip ("id", bytes, &error);
      break;

    case 2:
      ok = idem_packet_check_subpacket_zip ("evidence", bytes, &error);
      break;

    case 3:
    default:
      {
        g_autoptr(IdemPacketMeta) meta = idem_packet_meta_parse (bytes, "meta.json", &error);

        ok = meta != NULL;
      }
      break;
    }

  g_assert (ok == (error == NULL));
  g_assert (ok || error->domain == IDEM_PACKET_ERROR);
  g_assert (ok || idem_packet_error_get_name (error->code) != NULL);

  return 0;
}
