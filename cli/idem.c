/* idem.c — the idem command-line tool
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Offline operations for integrators and auditors: checking and making
 * identifiers, and more as groups are added below.
 */

#define G_LOG_DOMAIN "idem-cli"

#include "config.h"

#include "idem-cli.h"

#include <idem.h>

/* One line per group of commands; a group is defined in its idem-cmd-*.c. */
static const IdemCliGroup * const groups[] = {
  &idem_cli_group_uin,
  &idem_cli_group_vid,
  &idem_cli_group_prid,
  &idem_cli_group_rid,
  &idem_cli_group_log,
  &idem_cli_group_packet,
  &idem_cli_group_schema,
  NULL
};

int
main (int   argc,
      char *argv[])
{
  idem_i18n_init ();
  g_set_prgname ("idem");

  return idem_cli_main (groups, argc, argv);
}
