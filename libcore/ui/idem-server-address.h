/* idem-server-address.h
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#if !defined(IDEM_INSIDE) && !defined(IDEM_COMPILATION)
# error "Only <idem-ui.h> can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

#define IDEM_SERVER_ADDRESS_ERROR (idem_server_address_error_quark ())

/**
 * IdemServerAddressError:
 * @IDEM_SERVER_ADDRESS_ERROR_EMPTY: nothing was entered
 * @IDEM_SERVER_ADDRESS_ERROR_MALFORMED: the text is not an absolute URL
 * @IDEM_SERVER_ADDRESS_ERROR_NOT_HTTPS: the scheme is not https
 * @IDEM_SERVER_ADDRESS_ERROR_NO_HOST: the URL names no host
 * @IDEM_SERVER_ADDRESS_ERROR_EXTRA_PARTS: the URL carries user information,
 *   a query or a fragment
 *
 * Why a server address was refused.  The values are stable.
 */
typedef enum
{
  IDEM_SERVER_ADDRESS_ERROR_EMPTY = 1,
  IDEM_SERVER_ADDRESS_ERROR_MALFORMED = 2,
  IDEM_SERVER_ADDRESS_ERROR_NOT_HTTPS = 3,
  IDEM_SERVER_ADDRESS_ERROR_NO_HOST = 4,
  IDEM_SERVER_ADDRESS_ERROR_EXTRA_PARTS = 5,
} IdemServerAddressError;

GQuark  idem_server_address_error_quark (void);
char   *idem_server_address_normalize   (const char  *text,
                                         GError     **error);

G_END_DECLS
