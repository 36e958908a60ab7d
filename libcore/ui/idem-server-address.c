/* idem-server-address.c — checking the server address typed into a form
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "idem-server-address"

#include "config.h"

#include "idem-ui.h"

#include <glib/gi18n-lib.h>
#include <string.h>

G_DEFINE_QUARK (idem-server-address-error-quark, idem_server_address_error)

/* A DNS name (in its ASCII form) or an IP address: GUri lets spaces and
 * other stray characters through in the host. */
static gboolean
host_is_valid (const char *host)
{
  if (g_hostname_is_ip_address (host))
    return TRUE;

  if (host[0] == '.' || host[0] == '-')
    return FALSE;

  for (const char *p = host; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.')
        return FALSE;
    }

  return TRUE;
}

/**
 * idem_server_address_normalize:
 * @text: what the user typed
 * @error: return location for a #GError in %IDEM_SERVER_ADDRESS_ERROR
 *
 * Checks that @text is the address of an Idem server: an absolute `https`
 * URL with a host, an optional port and path, and nothing else.  Machines
 * only ever talk to their server over TLS, so plain `http` is refused rather
 * than silently upgraded: the operator should know which address is stored.
 *
 * The error message is written for the person who typed the address and is
 * meant to be shown next to the field.
 *
 * Returns: (transfer full) (nullable): the address in canonical form (lower
 *   case scheme and host, no trailing slash), or %NULL with @error set
 */
char *
idem_server_address_normalize (const char  *text,
                               GError     **error)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *host = NULL;
  g_autofree char *host_lower = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GUri) canonical = NULL;
  const char *scheme;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  trimmed = g_strstrip (g_strdup (text));
  if (trimmed[0] == '\0')
    {
      g_set_error_literal (error, IDEM_SERVER_ADDRESS_ERROR, IDEM_SERVER_ADDRESS_ERROR_EMPTY,
                           _("Enter the address of the server."));
      return NULL;
    }

  scheme = g_uri_peek_scheme (trimmed);
  if (scheme != NULL && !g_str_equal (scheme, "https") && strstr (trimmed, "://") != NULL)
    {
      g_set_error_literal (error, IDEM_SERVER_ADDRESS_ERROR, IDEM_SERVER_ADDRESS_ERROR_NOT_HTTPS,
                           _("The address must start with https:// — Idem only talks to its "
                             "server over an encrypted connection."));
      return NULL;
    }

  uri = g_uri_parse (trimmed, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || scheme == NULL || strstr (trimmed, "://") == NULL)
    {
      g_set_error_literal (error, IDEM_SERVER_ADDRESS_ERROR, IDEM_SERVER_ADDRESS_ERROR_MALFORMED,
                           _("This is not a web address. Write the full address, for example "
                             "https://idem.example.org"));
      return NULL;
    }

  if (g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0')
    {
      g_set_error_literal (error, IDEM_SERVER_ADDRESS_ERROR, IDEM_SERVER_ADDRESS_ERROR_NO_HOST,
                           _("The address names no server. Write it like "
                             "https://idem.example.org"));
      return NULL;
    }

  if (g_uri_get_userinfo (uri) != NULL ||
      g_uri_get_query (uri) != NULL ||
      g_uri_get_fragment (uri) != NULL)
    {
      g_set_error_literal (error, IDEM_SERVER_ADDRESS_ERROR, IDEM_SERVER_ADDRESS_ERROR_EXTRA_PARTS,
                           _("Give only the server, with its port and path if it has one: "
                             "no user name, “?” or “#” parts."));
      return NULL;
    }

  host = g_hostname_to_ascii (g_uri_get_host (uri));
  if (host == NULL || !host_is_valid (host))
    {
      g_set_error_literal (error, IDEM_SERVER_ADDRESS_ERROR, IDEM_SERVER_ADDRESS_ERROR_MALFORMED,
                           _("This is not a web address. Write the full address, for example "
                             "https://idem.example.org"));
      return NULL;
    }
  host_lower = g_ascii_strdown (host, -1);
  path = g_strdup (g_uri_get_path (uri));
  while (path[0] != '\0' && g_str_has_suffix (path, "/"))
    path[strlen (path) - 1] = '\0';

  canonical = g_uri_build (G_URI_FLAGS_NONE, "https", NULL, host_lower,
                           g_uri_get_port (uri), path, NULL, NULL);
  return g_uri_to_string (canonical);
}
