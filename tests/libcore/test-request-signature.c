/* test-request-signature.c — signing requests as a registration machine
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Round trips prove sign and verify agree; an independent verifier
 * (Python's cryptography package, rebuilding the canonical string from
 * the headers by itself) proves the format is the documented one; every
 * change to what is signed, and every malformed input, is refused with
 * its code.
 */

#include "config.h"

#include "idem.h"
#include "idem-openssl-types.h"

#include <string.h>

/* RFC 8032 §7.1 test 1: a fixed key, so failures reproduce. */
static const guint8 seed[32] = {
  0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
  0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60,
};

static EVP_PKEY *machine_key;
static EVP_PKEY *other_key;

typedef struct
{
  char *machine;
  char *timestamp;
  char *nonce;
  char *signature;
} Signed;

static void
signed_clear (Signed *s)
{
  g_free (s->machine);
  g_free (s->timestamp);
  g_free (s->nonce);
  g_free (s->signature);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Signed, signed_clear)

static void
sign (const char *method,
      const char *path,
      GBytes     *body,
      GDateTime  *now,
      Signed     *out)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) headers = NULL;

  headers = idem_request_sign (machine_key, "10001", method, path, body, now, &error);
  g_assert_no_error (error);
  g_assert_nonnull (headers);
  g_assert_cmpuint (g_strv_length (headers), ==, 8);
  g_assert_cmpstr (headers[0], ==, "X-Idem-Machine");
  g_assert_cmpstr (headers[2], ==, "X-Idem-Timestamp");
  g_assert_cmpstr (headers[4], ==, "X-Idem-Nonce");
  g_assert_cmpstr (headers[6], ==, "X-Idem-Signature");

  out->machine = g_strdup (headers[1]);
  out->timestamp = g_strdup (headers[3]);
  out->nonce = g_strdup (headers[5]);
  out->signature = g_strdup (headers[7]);
}

static void
assert_verify_fails (EVP_PKEY   *key,
                     const char *method,
                     const char *path,
                     const char *timestamp,
                     const char *nonce,
                     GBytes     *body,
                     const char *signature,
                     int         code)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (idem_request_verify (key, method, path, timestamp, nonce, body, signature, &error));
  g_assert_error (error, IDEM_REQUEST_ERROR, code);
  g_assert_nonnull (error->message);
}

static void
test_round_trip (void)
{
  g_autoptr(GBytes) body = g_bytes_new_static ("{\"request\":{}}", 14);
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 1, 31, 12, 0, 5);
  g_autoptr(GError) error = NULL;
  g_auto(Signed) s = { 0 };
  g_autoptr(GBytes) raw_nonce = NULL;

  sign ("POST", "/v1/registration/sync?x=%20y", body, now, &s);
  g_assert_cmpstr (s.machine, ==, "10001");
  g_assert_cmpstr (s.timestamp, ==, "2026-01-31T12:00:05Z");
  g_assert_cmpuint (strlen (s.nonce), ==, 22);
  g_assert_true (idem_request_nonce_is_valid (s.nonce));
  raw_nonce = idem_base64url_decode (s.nonce);
  g_assert_cmpuint (g_bytes_get_size (raw_nonce), ==, IDEM_REQUEST_NONCE_BYTES);
  /* 64 bytes in base64url without padding. */
  g_assert_cmpuint (strlen (s.signature), ==, 86);

  g_assert_true (idem_request_verify (machine_key, "POST", "/v1/registration/sync?x=%20y",
                                      s.timestamp, s.nonce, body, s.signature, &error));
  g_assert_no_error (error);
}

static void
test_canonical_string (void)
{
  g_autoptr(GBytes) abc = g_bytes_new_static ("abc", 3);
  g_autofree char *with_body = NULL;
  g_autofree char *without_body = NULL;

  /* SHA-256 of "abc" and of "": FIPS 180-2's published values. */
  with_body = idem_request_canonical_string ("PUT", "/a?b=c", "2026-01-31T12:00:00Z", "AAAAAAAAAAAAAAAAAAAAAA", abc);
  g_assert_cmpstr (with_body, ==,
                   "PUT\n/a?b=c\n2026-01-31T12:00:00Z\nAAAAAAAAAAAAAAAAAAAAAA\n"
                   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

  without_body = idem_request_canonical_string ("GET", "/", "2026-01-31T12:00:00Z", "AAAAAAAAAAAAAAAAAAAAAA", NULL);
  g_assert_cmpstr (without_body, ==,
                   "GET\n/\n2026-01-31T12:00:00Z\nAAAAAAAAAAAAAAAAAAAAAA\n"
                   "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

/* The oracle rebuilds the canonical string from the documented format and
 * checks the signature with the raw public key. */
static const char oracle[] =
  "import sys, hashlib, base64\n"
  "from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey\n"
  "pub, method, path, ts, nonce, body, sig = sys.argv[1:8]\n"
  "def b64u(s): return base64.urlsafe_b64decode(s + '=' * (-len(s) % 4))\n"
  "text = '\\n'.join([method, path, ts, nonce, hashlib.sha256(body.encode()).hexdigest()])\n"
  "Ed25519PublicKey.from_public_bytes(bytes.fromhex(pub)).verify(b64u(sig), text.encode())\n"
  "print('ok')\n";

static void
test_independent_verifier (void)
{
  const char *body_text = "{\"request\":{\"since\":3}}";
  g_autoptr(GBytes) body = g_bytes_new_static (body_text, strlen (body_text));
  g_autoptr(GError) error = NULL;
  g_auto(Signed) s = { 0 };
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  g_autofree char *python = NULL;
  char public_hex[65];
  guint8 public[32];
  int status = 0;

  python = g_find_program_in_path ("python3");
  if (python == NULL)
    {
      g_test_skip ("python3 is not installed");
      return;
    }

  g_assert_true (idem_crypto_ed25519_get_public (machine_key, public, &error));
  for (guint i = 0; i < 32; i++)
    g_snprintf (public_hex + 2 * i, 3, "%02x", public[i]);

  sign ("POST", "/v1/sync/masterdata?since=3&lang=fra", body, NULL, &s);

  {
    const char *argv[] = {
      "python3", "-c", oracle, public_hex, "POST", "/v1/sync/masterdata?since=3&lang=fra",
      s.timestamp, s.nonce, body_text, s.signature, NULL,
    };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                                 &stdout_text, &stderr_text, &status, &error));
  }
  g_assert_no_error (error);
  if (strstr (stderr_text, "No module named") != NULL)
    {
      g_test_skip ("Python's cryptography package is not installed");
      return;
    }
  g_assert_cmpstr (stderr_text, ==, "");
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_cmpstr (stdout_text, ==, "ok\n");
}

static void
test_tampering (void)
{
  g_autoptr(GBytes) body = g_bytes_new_static ("{\"a\":1}", 7);
  g_autoptr(GBytes) altered_body = g_bytes_new_static ("{\"a\":2}", 7);
  g_auto(Signed) s = { 0 };
  g_auto(Signed) other = { 0 };

  sign ("POST", "/v1/sync/users?since=1", body, NULL, &s);
  sign ("POST", "/v1/sync/users?since=1", body, NULL, &other);
  g_assert_cmpstr (s.nonce, !=, other.nonce);

  /* Wrong key, then every signed part changed in turn. */
  assert_verify_fails (other_key, "POST", "/v1/sync/users?since=1", s.timestamp, s.nonce, body, s.signature,
                       IDEM_REQUEST_ERROR_BAD_SIGNATURE);
  assert_verify_fails (machine_key, "POST", "/v1/sync/users?since=1", s.timestamp, s.nonce, altered_body, s.signature,
                       IDEM_REQUEST_ERROR_BAD_SIGNATURE);
  assert_verify_fails (machine_key, "POST", "/v1/sync/users?since=1", s.timestamp, s.nonce, NULL, s.signature,
                       IDEM_REQUEST_ERROR_BAD_SIGNATURE);
  assert_verify_fails (machine_key, "PUT", "/v1/sync/users?since=1", s.timestamp, s.nonce, body, s.signature,
                       IDEM_REQUEST_ERROR_BAD_SIGNATURE);
  assert_verify_fails (machine_key, "POST", "/v1/sync/users?since=0", s.timestamp, s.nonce, body, s.signature,
                       IDEM_REQUEST_ERROR_BAD_SIGNATURE);
  assert_verify_fails (machine_key, "POST", "/v1/sync/users", s.timestamp, s.nonce, body, s.signature,
                       IDEM_REQUEST_ERROR_BAD_SIGNATURE);
  assert_verify_fails (machine_key, "POST", "/v1/sync/users?since=1", "2020-01-01T00:00:00Z", s.nonce, body, s.signature,
                       IDEM_REQUEST_ERROR_BAD_SIGNATURE);
  assert_verify_fails (machine_key, "POST", "/v1/sync/users?since=1", s.timestamp, other.nonce, body, s.signature,
                       IDEM_REQUEST_ERROR_BAD_SIGNATURE);
  assert_verify_fails (machine_key, "POST", "/v1/sync/users?since=1", s.timestamp, s.nonce, body, other.signature,
                       IDEM_REQUEST_ERROR_BAD_SIGNATURE);
}

static void
test_bad_input (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EVP_PKEY) rsa = NULL;
  g_autoptr(EVP_PKEY) public_only = NULL;
  g_auto(GStrv) headers = NULL;
  g_auto(Signed) s = { 0 };
  guint8 public[32];

  rsa = idem_crypto_generate_key (IDEM_CRYPTO_KEY_RSA, 2048, &error);
  g_assert_no_error (error);
  headers = idem_request_sign (rsa, "m", "GET", "/", NULL, NULL, &error);
  g_assert_error (error, IDEM_REQUEST_ERROR, IDEM_REQUEST_ERROR_BAD_KEY);
  g_assert_null (headers);
  g_clear_error (&error);

  g_assert_true (idem_crypto_ed25519_get_public (machine_key, public, NULL));
  public_only = idem_crypto_ed25519_new_public (public, &error);
  g_assert_no_error (error);
  headers = idem_request_sign (public_only, "m", "GET", "/", NULL, NULL, &error);
  g_assert_error (error, IDEM_REQUEST_ERROR, IDEM_REQUEST_ERROR_BAD_KEY);
  g_clear_error (&error);

  headers = idem_request_sign (machine_key, "", "GET", "/", NULL, NULL, &error);
  g_assert_error (error, IDEM_REQUEST_ERROR, IDEM_REQUEST_ERROR_BAD_INPUT);
  g_clear_error (&error);
  headers = idem_request_sign (machine_key, "a\nb", "GET", "/", NULL, NULL, &error);
  g_assert_error (error, IDEM_REQUEST_ERROR, IDEM_REQUEST_ERROR_BAD_INPUT);
  g_clear_error (&error);
  headers = idem_request_sign (machine_key, "m", "get", "/", NULL, NULL, &error);
  g_assert_error (error, IDEM_REQUEST_ERROR, IDEM_REQUEST_ERROR_BAD_INPUT);
  g_clear_error (&error);
  headers = idem_request_sign (machine_key, "m", "GET", "v1/x", NULL, NULL, &error);
  g_assert_error (error, IDEM_REQUEST_ERROR, IDEM_REQUEST_ERROR_BAD_INPUT);
  g_clear_error (&error);
  headers = idem_request_sign (machine_key, "m", "GET", "/a\nGET", NULL, NULL, &error);
  g_assert_error (error, IDEM_REQUEST_ERROR, IDEM_REQUEST_ERROR_BAD_INPUT);
  g_clear_error (&error);

  sign ("GET", "/v1/sync/schema", NULL, NULL, &s);
  assert_verify_fails (rsa, "GET", "/v1/sync/schema", s.timestamp, s.nonce, NULL, s.signature,
                       IDEM_REQUEST_ERROR_BAD_KEY);
  /* Padding, the standard alphabet, a truncated signature, junk. */
  {
    g_autofree char *padded = g_strconcat (s.signature, "==", NULL);
    g_autofree char *standard = g_strdup (s.signature);
    g_autofree char *truncated = g_strndup (s.signature, 80);

    for (char *p = standard; *p != '\0'; p++)
      if (*p == '-')
        *p = '+';
      else if (*p == '_')
        *p = '/';

    assert_verify_fails (machine_key, "GET", "/v1/sync/schema", s.timestamp, s.nonce, NULL, padded,
                         IDEM_REQUEST_ERROR_BAD_INPUT);
    if (strcmp (standard, s.signature) != 0)
      assert_verify_fails (machine_key, "GET", "/v1/sync/schema", s.timestamp, s.nonce, NULL, standard,
                           IDEM_REQUEST_ERROR_BAD_INPUT);
    assert_verify_fails (machine_key, "GET", "/v1/sync/schema", s.timestamp, s.nonce, NULL, truncated,
                         IDEM_REQUEST_ERROR_BAD_INPUT);
    assert_verify_fails (machine_key, "GET", "/v1/sync/schema", s.timestamp, s.nonce, NULL, "not base64!",
                         IDEM_REQUEST_ERROR_BAD_INPUT);
  }
  assert_verify_fails (machine_key, "GET", "/v1/sync/schema", s.timestamp, "short", NULL, s.signature,
                       IDEM_REQUEST_ERROR_BAD_INPUT);
  assert_verify_fails (machine_key, "GET", "/v1/sync/schema", s.timestamp, "AAAAAAAAAAAAAAAAAAAA==", NULL, s.signature,
                       IDEM_REQUEST_ERROR_BAD_INPUT);
  assert_verify_fails (machine_key, "GET", "/v1/sync/schema", "2026-01-31T12:00:00Z\nx", s.nonce, NULL, s.signature,
                       IDEM_REQUEST_ERROR_BAD_INPUT);
}

static void
test_timestamps (void)
{
  const char *bad[] = {
    "", "2026-01-31", "2026-01-31 12:00:00Z", "2026-01-31T12:00:00", "2026-01-31T12:00:00+01:00",
    "2026-02-30T12:00:00Z", "2026-01-31T25:00:00Z", "yesterday at noon Z",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) time = NULL;

  time = idem_request_parse_timestamp ("2026-01-31T12:00:00Z", &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_date_time_to_unix (time), ==, G_GINT64_CONSTANT (1769860800));
  g_clear_pointer (&time, g_date_time_unref);

  time = idem_request_parse_timestamp ("2026-01-31T12:00:00.250Z", &error);
  g_assert_no_error (error);
  g_clear_pointer (&time, g_date_time_unref);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      time = idem_request_parse_timestamp (bad[i], &error);
      g_assert_null (time);
      g_assert_error (error, IDEM_REQUEST_ERROR, IDEM_REQUEST_ERROR_BAD_INPUT);
      g_clear_error (&error);
    }
}

static void
test_base64url (void)
{
  /* RFC 4648 §10, in the URL alphabet without padding. */
  const struct { const char *data; const char *text; } vectors[] = {
    { "", "" }, { "f", "Zg" }, { "fo", "Zm8" }, { "foo", "Zm9v" }, { "foob", "Zm9vYg" },
    { "fooba", "Zm9vYmE" }, { "foobar", "Zm9vYmFy" }, { "\xfb\xff", "-_8" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autofree char *text = idem_base64url_encode ((const guint8 *) vectors[i].data, strlen (vectors[i].data));
      g_autoptr(GBytes) back = idem_base64url_decode (vectors[i].text);

      g_assert_cmpstr (text, ==, vectors[i].text);
      g_assert_nonnull (back);
      g_assert_cmpmem (g_bytes_get_data (back, NULL), g_bytes_get_size (back),
                       vectors[i].data, strlen (vectors[i].data));
    }

  g_assert_null (idem_base64url_decode ("Zg=="));
  g_assert_null (idem_base64url_decode ("+/8"));
  g_assert_null (idem_base64url_decode ("Zm9vY"));
  g_assert_null (idem_base64url_decode ("Zm 9v"));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int result;

  g_test_init (&argc, &argv, NULL);

  machine_key = idem_crypto_ed25519_new_private (seed, &error);
  g_assert_no_error (error);
  other_key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_ED25519, 0, &error);
  g_assert_no_error (error);

  g_test_add_func ("/request-signature/round-trip", test_round_trip);
  g_test_add_func ("/request-signature/canonical-string", test_canonical_string);
  g_test_add_func ("/request-signature/independent-verifier", test_independent_verifier);
  g_test_add_func ("/request-signature/tampering", test_tampering);
  g_test_add_func ("/request-signature/bad-input", test_bad_input);
  g_test_add_func ("/request-signature/timestamps", test_timestamps);
  g_test_add_func ("/request-signature/base64url", test_base64url);

  result = g_test_run ();

  EVP_PKEY_free (machine_key);
  EVP_PKEY_free (other_key);

  return result;
}
