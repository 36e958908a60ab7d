/* idem-request-signature.h — signing HTTP requests as a registration machine
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#if !defined(IDEM_INSIDE) && !defined(IDEM_COMPILATION)
# error "Only <idem.h> can be included directly."
#endif

#include <glib.h>
#include <openssl/types.h>

G_BEGIN_DECLS

/* The headers a signed request carries. */
#define IDEM_REQUEST_HEADER_MACHINE   "X-Idem-Machine"
#define IDEM_REQUEST_HEADER_TIMESTAMP "X-Idem-Timestamp"
#define IDEM_REQUEST_HEADER_NONCE     "X-Idem-Nonce"
#define IDEM_REQUEST_HEADER_SIGNATURE "X-Idem-Signature"

/* How far a request's timestamp may be from the verifier's clock. */
#define IDEM_REQUEST_CLOCK_SKEW_SECONDS 300

/* Random bytes in a nonce; encoded as 22 base64url characters. */
#define IDEM_REQUEST_NONCE_BYTES 16

#define IDEM_REQUEST_ERROR (idem_request_error_quark ())

/**
 * IdemRequestError:
 * @IDEM_REQUEST_ERROR_BAD_KEY: the key is not an Ed25519 key, or lacks the
 *   private half needed to sign
 * @IDEM_REQUEST_ERROR_BAD_INPUT: a machine id, method, path, timestamp,
 *   nonce or signature is empty or malformed
 * @IDEM_REQUEST_ERROR_BAD_SIGNATURE: the signature does not match the
 *   request and the key
 *
 * Error codes of %IDEM_REQUEST_ERROR.  The values are stable.
 */
typedef enum
{
  IDEM_REQUEST_ERROR_BAD_KEY = 1,
  IDEM_REQUEST_ERROR_BAD_INPUT = 2,
  IDEM_REQUEST_ERROR_BAD_SIGNATURE = 3,
} IdemRequestError;

GQuark     idem_request_error_quark        (void);

GStrv      idem_request_sign               (EVP_PKEY      *key,
                                            const char    *machine_id,
                                            const char    *method,
                                            const char    *path_and_query,
                                            GBytes        *body,
                                            GDateTime     *now,
                                            GError       **error);
char      *idem_request_canonical_string   (const char    *method,
                                            const char    *path_and_query,
                                            const char    *timestamp,
                                            const char    *nonce,
                                            GBytes        *body);
gboolean   idem_request_verify             (EVP_PKEY      *public_key,
                                            const char    *method,
                                            const char    *path_and_query,
                                            const char    *timestamp,
                                            const char    *nonce,
                                            GBytes        *body,
                                            const char    *signature,
                                            GError       **error);
GDateTime *idem_request_parse_timestamp    (const char    *timestamp,
                                            GError       **error);
gboolean   idem_request_nonce_is_valid     (const char    *nonce);
char      *idem_base64url_encode           (const guint8  *data,
                                            gsize          length);
GBytes    *idem_base64url_decode           (const char    *text);

G_END_DECLS
