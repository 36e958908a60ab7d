/* srv-cli.c — idem-server's command line: COMMAND [ARGUMENT…]
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Each command parses its own options with its own GOptionContext, so
 * `idem-server COMMAND --help` lists exactly that command's options; the
 * top-level context only knows --help and --version and stops at the
 * command name.
 */

#define G_LOG_DOMAIN "idem-server"

#include "config.h"

#include "srv-cli.h"
#include "srv-add-admin.h"
#include "srv-init.h"
#include "srv-log.h"
#include "srv-serve.h"

#include "idem.h"

#include <glib/gi18n.h>

typedef struct
{
  const char *name;
  const char *synopsis;
  const char *description;
  int       (*run)(int    argc,
                   char **argv);
} SrvCommand;

static int help_command (int    argc,
                         char **argv);

static const SrvCommand commands[] = {
  { "init", N_("DATADIR [--demo]"),
    N_("Create a new data directory: configuration, database, keys, TLS certificate"),
    srv_init_command },
  { "serve", N_("DATADIR [--address ADDRESS] [--port PORT]"),
    N_("Start the server on a data directory; stop it with SIGTERM or Ctrl+C"),
    srv_serve_command },
  { "add-admin", N_("DATADIR USER_ID [--name NAME]"),
    N_("Create an administrator with a generated password, while the server is stopped"),
    srv_add_admin_command },
  { "help", N_("[COMMAND]"),
    N_("Show this help, or a command’s options"),
    help_command },
};

static const SrvCommand *
lookup_command (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (g_str_equal (commands[i].name, name))
        return &commands[i];
    }

  return NULL;
}

static GOptionContext *
make_main_context (gboolean *show_version)
{
  GOptionContext *context;
  g_autoptr(GString) summary = g_string_new (_("Commands:"));
  const GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, show_version,
      N_("Show the version and exit"), NULL },
    G_OPTION_ENTRY_NULL
  };

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (summary, "\n  %s %s\n      %s",
                            commands[i].name,
                            _(commands[i].synopsis),
                            _(commands[i].description));

  context = g_option_context_new (_("COMMAND [ARGUMENT…]"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary->str);
  g_option_context_set_description (context,
                                    _("Run “idem-server COMMAND --help” for the options of a command.\n"
                                      "Idem is an open foundational identity platform; idem-server is its\n"
                                      "one server process, which keeps everything in one data directory."));
  /* Stop at the command name: what follows belongs to the command. */
  g_option_context_set_strict_posix (context, TRUE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  return context;
}

static void
print_main_help (gboolean to_stderr)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autofree char *help = NULL;
  gboolean show_version = FALSE;

  context = make_main_context (&show_version);
  help = g_option_context_get_help (context, TRUE, NULL);

  if (to_stderr)
    g_printerr ("%s", help);
  else
    g_print ("%s", help);
}

static int
help_command (int    argc,
              char **argv)
{
  const SrvCommand *command;

  if (argc < 2)
    {
      print_main_help (FALSE);
      return SRV_EXIT_OK;
    }

  command = lookup_command (argv[1]);
  if (command == NULL || command->run == help_command)
    {
      if (command == NULL)
        g_printerr (_("idem-server: unknown command “%s”\n\n"), argv[1]);
      print_main_help (command == NULL);
      return command == NULL ? SRV_EXIT_USAGE : SRV_EXIT_OK;
    }

  {
    char *help_argv[] = { (char *) command->name, (char *) "--help", NULL };

    return command->run (2, help_argv);
  }
}

/**
 * srv_cli_parse_command:
 * @context: the command's option context
 * @command: the command's name
 * @argc: (inout): the argument count, from the command name on
 * @argv: (inout): the arguments, from the command name on
 *
 * Parses a command's options, answering --help on stdout.  Leaves the
 * command name in (*argv)[0] and the remaining arguments after it.
 *
 * Returns: %SRV_EXIT_OK to go on, %SRV_CLI_HELP_SHOWN when the help was
 *   printed, or %SRV_EXIT_USAGE for bad options
 */
int
srv_cli_parse_command (GOptionContext   *context,
                       const char       *command,
                       int              *argc,
                       char           ***argv)
{
  g_autoptr(GError) error = NULL;
  gboolean help = FALSE;
  const GOptionEntry help_entries[] = {
    { "help", 'h', 0, G_OPTION_ARG_NONE, &help, N_("Show this help"), NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autofree char *prgname = g_strdup_printf ("idem-server %s", command);

  /* GLib's own --help exits the process from inside the parser; answering
   * it here lets the command return and clean up like any other path. */
  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_add_main_entries (context, help_entries, GETTEXT_PACKAGE);
  g_set_prgname (prgname);

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr (_("idem-server %s: %s\nRun “idem-server %s --help” for its options.\n"),
                  command, error->message, command);
      return SRV_EXIT_USAGE;
    }

  if (help)
    {
      g_autofree char *text = g_option_context_get_help (context, TRUE, NULL);

      g_print ("%s", text);
      return SRV_CLI_HELP_SHOWN;
    }

  return SRV_EXIT_OK;
}

/**
 * srv_cli_run:
 * @argc: the argument count of main()
 * @argv: (array length=argc): the arguments of main()
 *
 * Returns: the process's exit status
 */
int
srv_cli_run (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  const SrvCommand *command;
  gboolean show_version = FALSE;
  int status;

  g_set_prgname ("idem-server");
  srv_log_init ();

  context = make_main_context (&show_version);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr (_("idem-server: %s\n\n"), error->message);
      print_main_help (TRUE);
      return SRV_EXIT_USAGE;
    }

  if (show_version)
    {
      g_print ("idem-server %s\n", IDEM_VERSION_STRING);
      return SRV_EXIT_OK;
    }

  if (argc < 2)
    {
      g_printerr (_("idem-server: give a command\n\n"));
      print_main_help (TRUE);
      return SRV_EXIT_USAGE;
    }

  command = lookup_command (argv[1]);
  if (command == NULL)
    {
      g_printerr (_("idem-server: unknown command “%s”\n\n"), argv[1]);
      print_main_help (TRUE);
      return SRV_EXIT_USAGE;
    }

  status = command->run (argc - 1, argv + 1);
  /* A command's --help is a success. */
  return status == SRV_CLI_HELP_SHOWN ? SRV_EXIT_OK : status;
}
