/* srv-log.c — where idem-server's log goes
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Everything logs through GLib's structured logging.  GLib's default writer
 * hides info and debug messages unless G_MESSAGES_DEBUG is set; a server's
 * info messages (one line per request, start-up, shutdown) are its log, so
 * this writer shows them, and debug ones too with --verbose.  Under systemd
 * they go to the journal with their fields (HTTP_STATUS=…); otherwise to
 * stderr, keeping stdout for what the commands print.
 */

#define G_LOG_DOMAIN "idem-server"

#include "config.h"

#include "srv-log.h"

#include <stdio.h>
#include <unistd.h>

static gboolean log_verbose;

static gboolean
domain_is_ours (const GLogField *fields,
                gsize            n_fields)
{
  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
        return fields[i].length < 0 &&
               g_str_has_prefix (fields[i].value, "idem");
    }

  return FALSE;
}

static GLogWriterOutput
srv_log_writer (GLogLevelFlags   log_level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  gboolean show = FALSE;

  if ((log_level & G_LOG_LEVEL_INFO) != 0)
    show = domain_is_ours (fields, n_fields);
  else if ((log_level & G_LOG_LEVEL_DEBUG) != 0)
    show = log_verbose && domain_is_ours (fields, n_fields);

  /* Warnings and errors, and whatever is not ours, take GLib's default path,
   * which also honours G_DEBUG=fatal-warnings and G_MESSAGES_DEBUG. */
  if (!show)
    return g_log_writer_default (log_level, fields, n_fields, user_data);

  if (g_log_writer_is_journald (fileno (stderr)) &&
      g_log_writer_journald (log_level, fields, n_fields, user_data) == G_LOG_WRITER_HANDLED)
    return G_LOG_WRITER_HANDLED;

  return g_log_writer_standard_streams (log_level, fields, n_fields, user_data);
}

/**
 * srv_log_init:
 *
 * Installs the server's log writer.  Call once, from the command-line entry
 * point, before anything logs.
 */
void
srv_log_init (void)
{
  g_log_writer_default_set_use_stderr (TRUE);
  g_log_set_writer_func (srv_log_writer, NULL, NULL);
}

/**
 * srv_log_set_verbose:
 * @verbose: whether to show idem-server's debug messages too
 */
void
srv_log_set_verbose (gboolean verbose)
{
  log_verbose = verbose;
}
