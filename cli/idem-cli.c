/* idem-cli.c — dispatch, options and help for the idem tool
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "idem-cli"

#include "config.h"

#include "idem-cli.h"

#include <glib/gi18n.h>
#include <stdio.h>

static const IdemCliGroup *
find_group (const IdemCliGroup * const *groups,
            const char                 *name)
{
  for (guint i = 0; groups[i] != NULL; i++)
    {
      if (g_str_equal (groups[i]->name, name))
        return groups[i];
    }

  return NULL;
}

static const IdemCliCommand *
find_command (const IdemCliGroup *group,
              const char         *name)
{
  for (guint i = 0; group->commands[i].name != NULL; i++)
    {
      if (g_str_equal (group->commands[i].name, name))
        return &group->commands[i];
    }

  return NULL;
}

/* Pads by characters, not bytes: "…" is three bytes wide in UTF-8. */
static void
append_row (GString    *text,
            const char *left,
            const char *right)
{
  glong width = g_utf8_strlen (left, -1);

  g_string_append_printf (text, "  %s", left);
  for (glong i = width; i < 32; i++)
    g_string_append_c (text, ' ');
  g_string_append_printf (text, " %s\n", right);
}

static void
append_command_lines (GString            *text,
                      const IdemCliGroup *group)
{
  for (guint i = 0; group->commands[i].name != NULL; i++)
    {
      const IdemCliCommand *command = &group->commands[i];
      g_autofree char *call = g_strdup_printf ("%s %s %s", group->name, command->name,
                                               command->parameters != NULL ? _(command->parameters) : "");

      append_row (text, g_strstrip (call), _(command->summary));
    }
}

static char *
overview_help (const IdemCliGroup * const *groups)
{
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "%s\n  idem %s\n\n", _("Usage:"), _("COMMAND SUBCOMMAND [OPTION…] [ARGUMENT…]"));
  g_string_append_printf (text, "%s\n\n", _("Offline tools for integrators and auditors of an Idem deployment."));
  g_string_append_printf (text, "%s\n", _("Commands:"));
  for (guint i = 0; groups[i] != NULL; i++)
    append_command_lines (text, groups[i]);
  g_string_append_printf (text, "\n%s\n", _("Options:"));
  append_row (text, "-h, --help", _("Show this help"));
  append_row (text, "--version", _("Show the version"));
  g_string_append_printf (text, "\n%s\n", _("Run “idem help COMMAND [SUBCOMMAND]” for the options of a command."));

  return g_string_free (text, FALSE);
}

static char *
group_help (const IdemCliGroup *group)
{
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "%s\n  idem %s %s\n\n", _("Usage:"), group->name,
                          _("SUBCOMMAND [OPTION…] [ARGUMENT…]"));
  g_string_append_printf (text, "%s\n\n", _(group->summary));
  g_string_append_printf (text, "%s\n", _("Commands:"));
  append_command_lines (text, group);
  g_string_append_printf (text, "\n%s\n", _("Run “idem help COMMAND [SUBCOMMAND]” for the options of a command."));

  return g_string_free (text, FALSE);
}

static GOptionContext *
command_context (const IdemCliGroup   *group,
                 const IdemCliCommand *command,
                 gboolean             *show_help)
{
  const GOptionEntry help_entries[] = {
    { "help", 'h', 0, G_OPTION_ARG_NONE, show_help, N_("Show this help"), NULL },
    { NULL }
  };
  g_autofree char *program = g_strdup_printf ("idem %s %s", group->name, command->name);
  GOptionContext *context;

  /* The usage line shows the program name: make it the whole command. */
  g_set_prgname (program);

  context = g_option_context_new (command->parameters != NULL ? _(command->parameters) : NULL);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _(command->summary));
  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_add_main_entries (context, help_entries, GETTEXT_PACKAGE);
  if (command->options != NULL)
    g_option_context_add_main_entries (context, command->options, GETTEXT_PACKAGE);

  return context;
}

static char *
command_help (const IdemCliGroup   *group,
              const IdemCliCommand *command)
{
  g_autoptr(GOptionContext) context = NULL;
  gboolean show_help = FALSE;

  context = command_context (group, command, &show_help);
  return g_option_context_get_help (context, TRUE, NULL);
}

/**
 * idem_cli_usage_error:
 * @format: printf-style format of the message
 *
 * Tells the user the command line is wrong, and how to get help.
 *
 * Returns: %IDEM_CLI_EXIT_USAGE
 */
IdemCliExit
idem_cli_usage_error (const char *format,
                      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("idem: %s\n", message);
  g_printerr ("%s\n", _("Run “idem --help” for a list of commands."));

  return IDEM_CLI_EXIT_USAGE;
}

static int
run_help (const IdemCliGroup * const *groups,
          int                         argc,
          char                      **argv)
{
  const IdemCliGroup *group;
  const IdemCliCommand *command;
  g_autofree char *text = NULL;

  if (argc == 0)
    text = overview_help (groups);
  else if ((group = find_group (groups, argv[0])) == NULL)
    return idem_cli_usage_error (_("There is no command “%s”."), argv[0]);
  else if (argc == 1)
    text = group_help (group);
  else if (argc > 2)
    return idem_cli_usage_error (_("“help” takes a command and at most one subcommand."));
  else if ((command = find_command (group, argv[1])) == NULL)
    return idem_cli_usage_error (_("There is no command “%s %s”."), argv[0], argv[1]);
  else
    text = command_help (group, command);

  g_print ("%s", text);
  return IDEM_CLI_EXIT_OK;
}

static int
run_command (const IdemCliGroup   *group,
             const IdemCliCommand *command,
             int                   argc,
             char                **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) args = NULL;
  gboolean show_help = FALSE;
  guint n_args;

  context = command_context (group, command, &show_help);

  /* argv[0] is the subcommand's name, where GOption expects the program's. */
  args = g_new0 (char *, argc + 1);
  for (int i = 0; i < argc; i++)
    args[i] = g_strdup (argv[i]);

  if (!g_option_context_parse_strv (context, &args, &error))
    return idem_cli_usage_error ("%s", error->message);

  if (show_help)
    {
      g_autofree char *text = g_option_context_get_help (context, TRUE, NULL);

      g_print ("%s", text);
      return IDEM_CLI_EXIT_OK;
    }

  n_args = g_strv_length (args) - 1;
  if (n_args < command->min_args)
    return idem_cli_usage_error (_("“idem %s %s” needs %s."), group->name, command->name,
                                 _(command->parameters));
  if (n_args > command->max_args)
    return idem_cli_usage_error (_("“idem %s %s” takes no more than %u arguments."),
                                 group->name, command->name, command->max_args);

  return command->run (args + 1);
}

/**
 * idem_cli_main:
 * @groups: the command groups, %NULL-terminated
 * @argc: the number of arguments
 * @argv: the arguments, as main() got them
 *
 * Returns: the process's exit status, an #IdemCliExit
 */
int
idem_cli_main (const IdemCliGroup * const *groups,
               int                         argc,
               char                      **argv)
{
  const IdemCliGroup *group;
  const IdemCliCommand *command;

  g_return_val_if_fail (groups != NULL, IDEM_CLI_EXIT_USAGE);

  if (argc < 2)
    {
      g_autofree char *text = overview_help (groups);

      g_printerr ("%s", text);
      return IDEM_CLI_EXIT_USAGE;
    }

  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    return run_help (groups, 0, NULL);

  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("idem %s\n", PACKAGE_VERSION);
      return IDEM_CLI_EXIT_OK;
    }

  if (g_str_equal (argv[1], "help"))
    return run_help (groups, argc - 2, argv + 2);

  if (argv[1][0] == '-')
    return idem_cli_usage_error (_("Unknown option “%s”."), argv[1]);

  group = find_group (groups, argv[1]);
  if (group == NULL)
    return idem_cli_usage_error (_("There is no command “%s”."), argv[1]);

  if (argc < 3 || g_str_equal (argv[2], "--help") || g_str_equal (argv[2], "-h"))
    {
      g_autofree char *text = group_help (group);

      if (argc < 3)
        {
          g_printerr ("%s", text);
          return IDEM_CLI_EXIT_USAGE;
        }

      g_print ("%s", text);
      return IDEM_CLI_EXIT_OK;
    }

  command = find_command (group, argv[2]);
  if (command == NULL)
    return idem_cli_usage_error (_("There is no command “%s %s”."), argv[1], argv[2]);

  return run_command (group, command, argc - 2, argv + 2);
}
