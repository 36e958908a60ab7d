/* srv-serve.c — `idem-server serve`: run until told to stop
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "idem-server"

#include "config.h"

#include "srv-serve.h"
#include "srv-cli.h"
#include "srv-error.h"
#include "srv-log.h"
#include "srv-server.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

typedef struct
{
  GMainLoop  *loop;
  const char *signal_name;
} StopContext;

static gboolean
stop_signal_cb (gpointer user_data)
{
  StopContext *stop = user_data;

  g_info ("Received %s: stopping", stop->signal_name);
  g_main_loop_quit (stop->loop);
  return G_SOURCE_CONTINUE;
}

/**
 * srv_serve_command:
 * @argc: the number of arguments after the command name, plus one
 * @argv: (array length=argc): the command name, then its arguments
 *
 * `idem-server serve DATADIR [--address A] [--port N] [--verbose]`
 *
 * Runs until SIGTERM or SIGINT, then stops listening, checkpoints and closes
 * the database, and exits 0.
 *
 * Returns: an exit status
 */
int
srv_serve_command (int    argc,
                   char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SrvConfig) overrides = NULL;
  g_autoptr(SrvConfig) config = NULL;
  g_autoptr(SrvServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  g_autofree char *port = NULL;
  g_autofree char *url = NULL;
  gboolean verbose = FALSE;
  StopContext term = { NULL, "SIGTERM" };
  StopContext interrupt = { NULL, "SIGINT" };
  guint term_id;
  guint interrupt_id;
  int status;
  const GOptionEntry entries[] = {
    { "address", 'a', 0, G_OPTION_ARG_STRING, &address,
      N_("Listen on this IP address instead of the one in idem.conf"), N_("ADDRESS") },
    { "port", 'p', 0, G_OPTION_ARG_STRING, &port,
      N_("Listen on this TCP port instead of the one in idem.conf; 0 picks a free port"), N_("PORT") },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
      N_("Log debug messages too"), NULL },
    G_OPTION_ENTRY_NULL
  };

  context = g_option_context_new (_("DATADIR"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Start the server on a data directory made by “idem-server init”.\n"
                                  "It prints the URL it listens on, logs one line per request, answers\n"
                                  "GET /health, and stops cleanly on SIGTERM or SIGINT (Ctrl+C)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  status = srv_cli_parse_command (context, "serve", &argc, &argv);
  if (status != SRV_EXIT_OK)
    return status;

  if (argc != 2)
    {
      g_printerr (_("idem-server serve: give exactly one DATADIR (see “idem-server serve --help”)\n"));
      return SRV_EXIT_USAGE;
    }

  /* Check the overrides before touching the data directory: a typo in an
   * option is a usage error whatever the directory holds. */
  overrides = srv_config_new_default ("/");
  if (address != NULL && !srv_config_set_address (overrides, address, &error))
    {
      g_printerr (_("idem-server serve: --address: %s\n"), error->message);
      return SRV_EXIT_USAGE;
    }

  if (port != NULL)
    {
      gint64 value = -1;

      if (!g_ascii_string_to_signed (port, 10, G_MININT64, G_MAXINT64, &value, NULL))
        {
          g_printerr (_("idem-server serve: --port: “%s” is not a number\n"), port);
          return SRV_EXIT_USAGE;
        }
      if (!srv_config_set_port (overrides, value, &error))
        {
          g_printerr (_("idem-server serve: --port: %s\n"), error->message);
          return SRV_EXIT_USAGE;
        }
    }

  srv_log_set_verbose (verbose);

  config = srv_config_load (argv[1], &error);
  if (config == NULL)
    {
      g_printerr (_("idem-server serve: %s\n"), error->message);
      return SRV_EXIT_FAILURE;
    }

  if (address != NULL)
    srv_config_set_address (config, overrides->address, NULL);
  if (port != NULL)
    config->port = overrides->port;

  server = srv_server_new (g_steal_pointer (&config));
  if (!srv_server_start (server, &error))
    {
      g_printerr (_("idem-server serve: %s\n"), error->message);
      return SRV_EXIT_FAILURE;
    }

  url = srv_server_get_url (server);
  g_info ("Listening on %s (data directory %s)", url, srv_server_get_config (server)->data_dir);
  /* On stdout, for people and for scripts that started it with --port 0. */
  g_print (_("Listening on %s\n"), url);

#ifdef __GLIBC__
  /* Start-up (migrations, keys, the ABIS gallery and the indexes) frees
   * much of what it allocated, and glibc keeps those pages: give them
   * back before idling, about a third of the resident size. */
  malloc_trim (0);
#endif

  loop = g_main_loop_new (NULL, FALSE);
  term.loop = loop;
  interrupt.loop = loop;
  term_id = g_unix_signal_add (SIGTERM, stop_signal_cb, &term);
  interrupt_id = g_unix_signal_add (SIGINT, stop_signal_cb, &interrupt);

  g_main_loop_run (loop);

  g_source_remove (term_id);
  g_source_remove (interrupt_id);

  if (!srv_server_stop (server, &error))
    {
      g_printerr (_("idem-server serve: %s\n"), error->message);
      return SRV_EXIT_FAILURE;
    }

  g_info ("Stopped");
  return SRV_EXIT_OK;
}
