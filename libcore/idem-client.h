/* idem-client.h — the REST client the applications talk to the server with
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#if !defined(IDEM_INSIDE) && !defined(IDEM_COMPILATION)
# error "Only <idem.h> can be included directly."
#endif

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <openssl/types.h>

G_BEGIN_DECLS

/* The headers of a response the server signed (the sync API's answers). */
#define IDEM_CLIENT_HEADER_RESPONSE_SIGNATURE "X-Idem-Response-Signature"
#define IDEM_CLIENT_HEADER_RESPONSE_KEY       "X-Idem-Response-Key"

#define IDEM_CLIENT_ERROR (idem_client_error_quark ())

/**
 * IdemClientError:
 * @IDEM_CLIENT_ERROR_UNREACHABLE: the server could not be reached: no
 *   network, connection refused, name not resolved, timed out.  Work
 *   offline and try again later.
 * @IDEM_CLIENT_ERROR_UNTRUSTED: the server's TLS certificate is not the
 *   pinned one (or, without a pin, not trusted by the system)
 * @IDEM_CLIENT_ERROR_SERVER: the server answered with an error: its stable
 *   code is idem_client_error_get_code(), the HTTP status
 *   idem_client_error_get_status(), and the message is the server's
 * @IDEM_CLIENT_ERROR_BAD_RESPONSE: the answer is not a JSON envelope
 * @IDEM_CLIENT_ERROR_BAD_SIGNATURE: a response that had to be signed by
 *   the server's key is unsigned, or its signature does not match
 * @IDEM_CLIENT_ERROR_INVALID_ARGUMENT: the call could not be made: a path
 *   that is not absolute, a URL that does not parse, a key that cannot sign
 *
 * Error codes of %IDEM_CLIENT_ERROR.  The values are stable.  Cancelled
 * calls fail with %G_IO_ERROR_CANCELLED, as GIO's own calls do.
 */
typedef enum
{
  IDEM_CLIENT_ERROR_UNREACHABLE = 1,
  IDEM_CLIENT_ERROR_UNTRUSTED = 2,
  IDEM_CLIENT_ERROR_SERVER = 3,
  IDEM_CLIENT_ERROR_BAD_RESPONSE = 4,
  IDEM_CLIENT_ERROR_BAD_SIGNATURE = 5,
  IDEM_CLIENT_ERROR_INVALID_ARGUMENT = 6,
} IdemClientError;

/**
 * IdemClientCallFlags:
 * @IDEM_CLIENT_CALL_NONE: no flags
 * @IDEM_CLIENT_CALL_VERIFY_SIGNATURE: a successful answer must carry the
 *   server's signature of its body, checked with the key given to
 *   idem_client_set_server_key(); for the sync API
 *
 * Flags of idem_client_call_full_async().
 */
typedef enum
{
  IDEM_CLIENT_CALL_NONE = 0,
  IDEM_CLIENT_CALL_VERIFY_SIGNATURE = 1 << 0,
} IdemClientCallFlags;

#define IDEM_TYPE_CLIENT (idem_client_get_type ())

G_DECLARE_FINAL_TYPE (IdemClient, idem_client, IDEM, CLIENT, GObject)

GQuark           idem_client_error_quark            (void);
const char      *idem_client_error_get_code         (const GError         *error);
guint            idem_client_error_get_status       (const GError         *error);

IdemClient      *idem_client_new                    (const char           *base_url);
const char      *idem_client_get_base_url           (IdemClient           *self);
void             idem_client_set_base_url           (IdemClient           *self,
                                                     const char           *base_url);
GTlsCertificate *idem_client_get_pinned_certificate (IdemClient           *self);
void             idem_client_set_pinned_certificate (IdemClient           *self,
                                                     GTlsCertificate      *certificate);
const char      *idem_client_get_token              (IdemClient           *self);
void             idem_client_set_token              (IdemClient           *self,
                                                     const char           *token);
const char      *idem_client_get_machine_id         (IdemClient           *self);
void             idem_client_set_machine_key        (IdemClient           *self,
                                                     const char           *machine_id,
                                                     EVP_PKEY             *key);
void             idem_client_set_server_key         (IdemClient           *self,
                                                     EVP_PKEY             *key);
gint64           idem_client_get_clock_offset       (IdemClient           *self);
void             idem_client_set_clock_offset       (IdemClient           *self,
                                                     gint64                offset);

void             idem_client_call_async             (IdemClient           *self,
                                                     const char           *method,
                                                     const char           *path,
                                                     JsonNode             *request,
                                                     GBytes               *raw_body,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
void             idem_client_call_full_async        (IdemClient           *self,
                                                     const char           *method,
                                                     const char           *path,
                                                     JsonNode             *request,
                                                     GBytes               *raw_body,
                                                     IdemClientCallFlags   flags,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
JsonNode        *idem_client_call_finish            (IdemClient           *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

G_END_DECLS
