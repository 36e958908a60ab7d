/* srv-cli.h — idem-server's command line
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit statuses: usage errors are told apart from failures, like most
 * command-line tools. */
#define SRV_EXIT_OK      0
#define SRV_EXIT_FAILURE 1
#define SRV_EXIT_USAGE   2

/* Not an exit status: srv_cli_parse_command() answered --help, and the
 * command has nothing more to do. */
#define SRV_CLI_HELP_SHOWN (-1)

int  srv_cli_run           (int          argc,
                            char       **argv);
int  srv_cli_parse_command (GOptionContext  *context,
                            const char      *command,
                            int             *argc,
                            char          ***argv);

G_END_DECLS
