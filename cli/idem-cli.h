/* idem-cli.h — command groups of the idem tool
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Each group of commands ("uin", "rid", "packet", …) lives in its own
 * idem-cmd-*.c file and exports one IdemCliGroup; idem.c lists the groups.
 * The framework parses options, prints help and maps errors to exit codes,
 * so a command only checks its arguments' meaning and does its work.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * IdemCliExit:
 * @IDEM_CLI_EXIT_OK: everything given was valid, or the work was done
 * @IDEM_CLI_EXIT_INVALID: a value given was checked and found invalid, or
 *   the work failed
 * @IDEM_CLI_EXIT_USAGE: the command line itself was wrong
 */
typedef enum
{
  IDEM_CLI_EXIT_OK = 0,
  IDEM_CLI_EXIT_INVALID = 1,
  IDEM_CLI_EXIT_USAGE = 2,
} IdemCliExit;

typedef struct _IdemCliCommand IdemCliCommand;

/**
 * IdemCliCommand:
 * @name: the command's name within its group ("validate")
 * @parameters: the positional arguments, for the usage line; marked with N_()
 * @summary: one line saying what the command does; marked with N_()
 * @options: (nullable): the command's options, %NULL-terminated; their
 *   descriptions marked with N_()
 * @min_args: the fewest positional arguments the command takes
 * @max_args: the most positional arguments, or %G_MAXUINT
 * @run: does the work, given the positional arguments (%NULL-terminated)
 *   once the options are parsed; returns an #IdemCliExit
 */
struct _IdemCliCommand
{
  const char          *name;
  const char          *parameters;
  const char          *summary;
  const GOptionEntry  *options;
  guint                min_args;
  guint                max_args;
  IdemCliExit        (*run) (char **args);
};

/**
 * IdemCliGroup:
 * @name: the group's name, the first word on the command line ("uin")
 * @summary: what the group is about; marked with N_()
 * @commands: the group's commands, ended by one with a %NULL name
 */
typedef struct
{
  const char           *name;
  const char           *summary;
  const IdemCliCommand *commands;
} IdemCliGroup;

extern const IdemCliGroup idem_cli_group_uin;
extern const IdemCliGroup idem_cli_group_vid;
extern const IdemCliGroup idem_cli_group_prid;
extern const IdemCliGroup idem_cli_group_rid;
extern const IdemCliGroup idem_cli_group_log;
extern const IdemCliGroup idem_cli_group_packet;
extern const IdemCliGroup idem_cli_group_schema;

int         idem_cli_main        (const IdemCliGroup * const *groups,
                                  int                         argc,
                                  char                      **argv);
IdemCliExit idem_cli_usage_error (const char                 *format,
                                  ...) G_GNUC_PRINTF (1, 2);

G_END_DECLS
