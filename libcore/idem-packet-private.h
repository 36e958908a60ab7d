/* idem-packet-private.h — the packet reader's layers after decryption (private)
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * For the fuzz target and the tests: the parts of the reader that see the
 * bytes an attacker controls once a layer is decrypted.
 */

#pragma once

#include "idem-packet-reader.h"

G_BEGIN_DECLS

gboolean idem_packet_reader_open_container (IdemPacketReader  *self,
                                            GBytes            *container,
                                            GError           **error);
gboolean idem_packet_check_subpacket_zip   (const char        *name,
                                            GBytes            *zip,
                                            GError           **error);

G_END_DECLS
