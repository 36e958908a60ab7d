/* main.c — idem-server's entry point
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "idem-server"

#include "config.h"

#include "srv-cli.h"

#include "idem.h"

int
main (int   argc,
      char *argv[])
{
  idem_i18n_init ();

  return srv_cli_run (argc, argv);
}
