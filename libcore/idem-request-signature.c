/* idem-request-signature.c — signing HTTP requests as a registration machine
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A registration machine proves who it is by signing each request with its
 * Ed25519 key; the server holds the public half from the machine's
 * registration.  The signature covers, one per line (joined by "\n", no
 * trailing newline):
 *
 *   GET                                   the method, upper case
 *   /v1/sync/masterdata?since=12          path and query as sent (encoded)
 *   2026-01-31T12:00:00Z                  X-Idem-Timestamp, RFC 3339 UTC
 *   q3N2m7U0kV6g0QyJcQ3zXw                X-Idem-Nonce, 16 random bytes, base64url
 *   e3b0c442…b855                         SHA-256 of the body, lower-case hex
 *
 * The timestamp bounds how long a captured request stays usable (±5
 * minutes); the nonce, remembered by the server for that long, makes each
 * request usable once.  Every field is checked to hold no line break, so no
 * two different requests share a canonical string.
 */

#define G_LOG_DOMAIN "idem-request"

#include "config.h"

#include "idem-request-signature.h"
#include "idem-crypto.h"

#include <glib/gi18n-lib.h>
#include <openssl/evp.h>
#include <string.h>

G_DEFINE_QUARK (idem-request-error-quark, idem_request_error)

#define ED25519_SIGNATURE_SIZE 64
#define MAX_NONCE_LENGTH       64
#define MAX_TIMESTAMP_LENGTH   40

/**
 * idem_base64url_encode:
 * @data: (array length=length): bytes
 * @length: the number of bytes
 *
 * Returns: (transfer full): @data in base64url without padding (RFC 4648 §5)
 */
char *
idem_base64url_encode (const guint8 *data,
                       gsize         length)
{
  char *text = g_base64_encode (data, length);
  gsize n = strlen (text);

  for (gsize i = 0; i < n; i++)
    {
      if (text[i] == '+')
        text[i] = '-';
      else if (text[i] == '/')
        text[i] = '_';
    }
  while (n > 0 && text[n - 1] == '=')
    text[--n] = '\0';

  return text;
}

/**
 * idem_base64url_decode:
 * @text: base64url without padding
 *
 * Strict: any character outside the base64url alphabet, padding, or a
 * length no encoding produces is refused.
 *
 * Returns: (transfer full) (nullable): the bytes, or %NULL when @text is
 *   not base64url
 */
GBytes *
idem_base64url_decode (const char *text)
{
  g_autofree char *standard = NULL;
  gsize n, padded;
  guchar *out;
  gsize out_length = 0;

  g_return_val_if_fail (text != NULL, NULL);

  n = strlen (text);
  if (n % 4 == 1)
    return NULL;

  padded = (n + 3) / 4 * 4;
  standard = g_malloc (padded + 1);
  for (gsize i = 0; i < n; i++)
    {
      char c = text[i];

      if (c == '-')
        c = '+';
      else if (c == '_')
        c = '/';
      else if (!g_ascii_isalnum (c))
        return NULL;
      standard[i] = c;
    }
  for (gsize i = n; i < padded; i++)
    standard[i] = '=';
  standard[padded] = '\0';

  out = g_base64_decode (standard, &out_length);
  return g_bytes_new_take (out, out_length);
}

static gboolean
is_method (const char *method)
{
  if (method == NULL || method[0] == '\0' || strlen (method) > 16)
    return FALSE;

  for (const char *p = method; *p != '\0'; p++)
    if (!g_ascii_isupper (*p))
      return FALSE;

  return TRUE;
}

static gboolean
is_path (const char *path_and_query)
{
  if (path_and_query == NULL || path_and_query[0] != '/')
    return FALSE;

  /* Control characters (a line break above all) never appear in a request
   * line; refusing them keeps the canonical string unambiguous. */
  for (const char *p = path_and_query; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      return FALSE;

  return TRUE;
}

/**
 * idem_request_nonce_is_valid:
 * @nonce: (nullable): a nonce header value
 *
 * Returns: whether @nonce is 16 to 64 base64url characters
 */
gboolean
idem_request_nonce_is_valid (const char *nonce)
{
  gsize n;

  if (nonce == NULL)
    return FALSE;

  n = strlen (nonce);
  if (n < 16 || n > MAX_NONCE_LENGTH)
    return FALSE;

  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isalnum (nonce[i]) && nonce[i] != '-' && nonce[i] != '_')
      return FALSE;

  return TRUE;
}

/**
 * idem_request_parse_timestamp:
 * @timestamp: an RFC 3339 time in UTC, ending in "Z"
 * @error: return location for an %IDEM_REQUEST_ERROR_BAD_INPUT error
 *
 * Returns: (transfer full) (nullable): the time
 */
GDateTime *
idem_request_parse_timestamp (const char  *timestamp,
                              GError     **error)
{
  GDateTime *time = NULL;
  gsize n;

  g_return_val_if_fail (timestamp != NULL, NULL);

  n = strlen (timestamp);
  if (n >= 20 && n <= MAX_TIMESTAMP_LENGTH && timestamp[n - 1] == 'Z' && timestamp[10] == 'T')
    time = g_date_time_new_from_iso8601 (timestamp, NULL);

  if (time == NULL)
    g_set_error (error, IDEM_REQUEST_ERROR, IDEM_REQUEST_ERROR_BAD_INPUT,
                 _("The request time “%.40s” is not an RFC 3339 time in UTC, such as 2026-01-31T12:00:00Z"),
                 timestamp);

  return time;
}

/**
 * idem_request_canonical_string:
 * @method: the HTTP method, upper case
 * @path_and_query: the request target as sent: the encoded path, and "?"
 *   and the encoded query when there is one
 * @timestamp: the X-Idem-Timestamp value
 * @nonce: the X-Idem-Nonce value
 * @body: (nullable): the request body; %NULL is the empty body
 *
 * Returns: (transfer full): the text a request signature covers
 */
char *
idem_request_canonical_string (const char *method,
                               const char *path_and_query,
                               const char *timestamp,
                               const char *nonce,
                               GBytes     *body)
{
  g_autofree char *body_hash = NULL;
  gsize length = 0;
  gconstpointer data = NULL;

  g_return_val_if_fail (method != NULL, NULL);
  g_return_val_if_fail (path_and_query != NULL, NULL);
  g_return_val_if_fail (timestamp != NULL, NULL);
  g_return_val_if_fail (nonce != NULL, NULL);

  if (body != NULL)
    data = g_bytes_get_data (body, &length);
  body_hash = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data != NULL ? data : (const guchar *) "", length);

  return g_strjoin ("\n", method, path_and_query, timestamp, nonce, body_hash, NULL);
}

static gboolean
check_fields (const char  *method,
              const char  *path_and_query,
              GError     **error)
{
  if (!is_method (method))
    {
      g_set_error (error, IDEM_REQUEST_ERROR, IDEM_REQUEST_ERROR_BAD_INPUT,
                   _("“%.16s” is not an HTTP method such as GET or POST"), method != NULL ? method : "");
      return FALSE;
    }

  if (!is_path (path_and_query))
    {
      g_set_error_literal (error, IDEM_REQUEST_ERROR, IDEM_REQUEST_ERROR_BAD_INPUT,
                           _("The request path must start with “/” and hold no control characters"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
is_ed25519 (EVP_PKEY *key)
{
  return EVP_PKEY_is_a (key, "ED25519");
}

/**
 * idem_request_sign:
 * @key: the machine's Ed25519 private key
 * @machine_id: the machine's registered id
 * @method: the HTTP method, upper case
 * @path_and_query: the request target as it will be sent (encoded)
 * @body: (nullable): the request body; %NULL for none
 * @now: (nullable): the time to sign at; %NULL for the current time
 * @error: return location for an error in %IDEM_REQUEST_ERROR
 *
 * Signs a request with a fresh random nonce.
 *
 * Returns: (transfer full) (nullable): the headers to add, as a
 *   %NULL-terminated list name, value, name, value, …
 */
GStrv
idem_request_sign (EVP_PKEY    *key,
                   const char  *machine_id,
                   const char  *method,
                   const char  *path_and_query,
                   GBytes      *body,
                   GDateTime   *now,
                   GError     **error)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *timestamp = NULL;
  g_autofree char *nonce = NULL;
  g_autofree char *canonical = NULL;
  g_autofree char *signature_text = NULL;
  guint8 random[IDEM_REQUEST_NONCE_BYTES];
  GStrvBuilder *builder;
  GStrv headers;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!is_ed25519 (key) || !idem_crypto_key_has_private (key))
    {
      g_set_error_literal (error, IDEM_REQUEST_ERROR, IDEM_REQUEST_ERROR_BAD_KEY,
                           _("Requests are signed with the machine’s Ed25519 private key"));
      return NULL;
    }

  if (machine_id == NULL || machine_id[0] == '\0' || strchr (machine_id, '\n') != NULL ||
      strchr (machine_id, '\r') != NULL)
    {
      g_set_error_literal (error, IDEM_REQUEST_ERROR, IDEM_REQUEST_ERROR_BAD_INPUT,
                           _("The machine id is empty or holds a line break"));
      return NULL;
    }

  if (!check_fields (method, path_and_query, error))
    return NULL;

  utc = now != NULL ? g_date_time_to_utc (now) : g_date_time_new_now_utc ();
  timestamp = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");

  if (!idem_crypto_random_bytes (random, sizeof random, &local_error))
    {
      g_set_error (error, IDEM_REQUEST_ERROR, IDEM_REQUEST_ERROR_BAD_KEY, "%s", local_error->message);
      return NULL;
    }
  nonce = idem_base64url_encode (random, sizeof random);

  canonical = idem_request_canonical_string (method, path_and_query, timestamp, nonce, body);
  signature = idem_crypto_sign (key, IDEM_SIGNATURE_ED25519, (const guint8 *) canonical,
                                strlen (canonical), &local_error);
  if (signature == NULL)
    {
      g_set_error (error, IDEM_REQUEST_ERROR, IDEM_REQUEST_ERROR_BAD_KEY, "%s", local_error->message);
      return NULL;
    }
  signature_text = idem_base64url_encode (g_bytes_get_data (signature, NULL), g_bytes_get_size (signature));

  builder = g_strv_builder_new ();
  g_strv_builder_add_many (builder,
                           IDEM_REQUEST_HEADER_MACHINE, machine_id,
                           IDEM_REQUEST_HEADER_TIMESTAMP, timestamp,
                           IDEM_REQUEST_HEADER_NONCE, nonce,
                           IDEM_REQUEST_HEADER_SIGNATURE, signature_text,
                           NULL);
  headers = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);

  return headers;
}

/**
 * idem_request_verify:
 * @public_key: the machine's Ed25519 public key
 * @method: the HTTP method of the request
 * @path_and_query: the request target as received (encoded)
 * @timestamp: the X-Idem-Timestamp value
 * @nonce: the X-Idem-Nonce value
 * @body: (nullable): the request body
 * @signature: the X-Idem-Signature value
 * @error: return location for an error in %IDEM_REQUEST_ERROR
 *
 * Checks the signature only: the time window and the nonce's freshness
 * are the verifier's to check, against its clock and its memory.
 *
 * Returns: whether @signature is the key's signature of the request
 */
gboolean
idem_request_verify (EVP_PKEY    *public_key,
                     const char  *method,
                     const char  *path_and_query,
                     const char  *timestamp,
                     const char  *nonce,
                     GBytes      *body,
                     const char  *signature,
                     GError     **error)
{
  g_autoptr(GBytes) raw_signature = NULL;
  g_autofree char *canonical = NULL;

  g_return_val_if_fail (public_key != NULL, FALSE);
  g_return_val_if_fail (timestamp != NULL, FALSE);
  g_return_val_if_fail (nonce != NULL, FALSE);
  g_return_val_if_fail (signature != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!is_ed25519 (public_key))
    {
      g_set_error_literal (error, IDEM_REQUEST_ERROR, IDEM_REQUEST_ERROR_BAD_KEY,
                           _("Request signatures are checked with an Ed25519 public key"));
      return FALSE;
    }

  if (!check_fields (method, path_and_query, error))
    return FALSE;

  if (strlen (timestamp) > MAX_TIMESTAMP_LENGTH || strpbrk (timestamp, "\r\n") != NULL ||
      !idem_request_nonce_is_valid (nonce))
    {
      g_set_error_literal (error, IDEM_REQUEST_ERROR, IDEM_REQUEST_ERROR_BAD_INPUT,
                           _("The request time or nonce is malformed"));
      return FALSE;
    }

  raw_signature = idem_base64url_decode (signature);
  if (raw_signature == NULL || g_bytes_get_size (raw_signature) != ED25519_SIGNATURE_SIZE)
    {
      g_set_error_literal (error, IDEM_REQUEST_ERROR, IDEM_REQUEST_ERROR_BAD_INPUT,
                           _("The request signature is not 64 bytes in base64url"));
      return FALSE;
    }

  canonical = idem_request_canonical_string (method, path_and_query, timestamp, nonce, body);
  if (!idem_crypto_verify (public_key, IDEM_SIGNATURE_ED25519, (const guint8 *) canonical, strlen (canonical),
                           g_bytes_get_data (raw_signature, NULL), g_bytes_get_size (raw_signature), NULL))
    {
      g_set_error_literal (error, IDEM_REQUEST_ERROR, IDEM_REQUEST_ERROR_BAD_SIGNATURE,
                           _("The request signature does not match the request and the machine’s key"));
      return FALSE;
    }

  return TRUE;
}
