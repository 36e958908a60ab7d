/* test-tls.c — TLS settings for test processes
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include "test-tls.h"

/**
 * test_tls_trust_nothing_by_default:
 *
 * Makes the TLS backend's default database one that trusts no certificate,
 * once per process.
 *
 * libsoup makes every client connection with the default database and only
 * then applies a session's own, and glib-networking builds each new
 * connection's trust list from it: with the system's database that is a
 * parse of every CA certificate on the machine, tens of milliseconds of CPU
 * (several times that under AddressSanitizer) per connection.  The server
 * answers every request with "Connection: close", so the tests pay it for
 * each request they make.
 *
 * What the tests check stays the same: their servers' certificates are
 * self-signed, which the system never trusted either, and the clients pin
 * them (an "accept-certificate" handler, or IdemClient's pin).
 */
void
test_tls_trust_nothing_by_default (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      g_autoptr(GTlsDatabase) nothing = idem_pinned_database_new (NULL);

      g_tls_backend_set_default_database (g_tls_backend_get_default (), nothing);
      g_once_init_leave (&done, 1);
    }
}
