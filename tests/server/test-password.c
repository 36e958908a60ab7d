/* test-password.c — scrypt password hashes
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include "srv-password.h"

#include "idem.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <string.h>
#include <time.h>

static void
test_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = srv_password_hash ("correct horse battery staple", &error);
  const char *fields;

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (hash, "$scrypt$ln=14,r=8,p=1$"));
  /* Unpadded base64 after the parameters. */
  fields = strchr (hash + strlen ("$scrypt$"), '$');
  g_assert_nonnull (fields);
  g_assert_null (strchr (fields, '='));
  g_assert_true (srv_password_verify (hash, "correct horse battery staple"));
  g_assert_false (srv_password_verify (hash, "correct horse battery stapler"));
  g_assert_false (srv_password_verify (hash, ""));
}

/* The same password twice gives two different strings: the salt is fresh. */
static void
test_salted (void)
{
  g_autofree char *a = srv_password_hash ("same password", NULL);
  g_autofree char *b = srv_password_hash ("same password", NULL);

  g_assert_cmpstr (a, !=, b);
  g_assert_true (srv_password_verify (a, "same password"));
  g_assert_true (srv_password_verify (b, "same password"));
}

/* An independent computation with OpenSSL's scrypt from the fields of the
 * string gives the stored hash: the format says what it holds. */
static void
test_format_is_scrypt (void)
{
  g_autofree char *hash = srv_password_hash ("Pa55word!", NULL);
  g_auto(GStrv) parts = g_strsplit (hash, "$", -1);
  g_autofree char *salt_b64 = NULL;
  g_autofree char *hash_b64 = NULL;
  g_autofree guint8 *salt = NULL;
  g_autofree guint8 *expected = NULL;
  gsize salt_length = 0;
  gsize hash_length = 0;
  guint8 derived[32];
  EVP_KDF *kdf;
  EVP_KDF_CTX *context;
  uint64_t n = 1 << 14;
  uint32_t r = 8;
  uint32_t p = 1;
  uint64_t max_memory = 64 * 1024 * 1024;
  OSSL_PARAM params[7];

  g_assert_cmpuint (g_strv_length (parts), ==, 5);
  g_assert_cmpstr (parts[1], ==, "scrypt");
  g_assert_cmpstr (parts[2], ==, "ln=14,r=8,p=1");
  salt_b64 = g_strconcat (parts[3], "==", NULL);
  hash_b64 = g_strconcat (parts[4], "=", NULL);
  salt = g_base64_decode (salt_b64, &salt_length);
  expected = g_base64_decode (hash_b64, &hash_length);
  g_assert_cmpuint (salt_length, ==, 16);
  g_assert_cmpuint (hash_length, ==, 32);

  params[0] = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_PASSWORD, (void *) "Pa55word!", 9);
  params[1] = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_SALT, salt, salt_length);
  params[2] = OSSL_PARAM_construct_uint64 (OSSL_KDF_PARAM_SCRYPT_N, &n);
  params[3] = OSSL_PARAM_construct_uint32 (OSSL_KDF_PARAM_SCRYPT_R, &r);
  params[4] = OSSL_PARAM_construct_uint32 (OSSL_KDF_PARAM_SCRYPT_P, &p);
  params[5] = OSSL_PARAM_construct_uint64 (OSSL_KDF_PARAM_SCRYPT_MAXMEM, &max_memory);
  params[6] = OSSL_PARAM_construct_end ();
  kdf = EVP_KDF_fetch (NULL, "SCRYPT", NULL);
  context = EVP_KDF_CTX_new (kdf);
  g_assert_cmpint (EVP_KDF_derive (context, derived, sizeof derived, params), ==, 1);
  EVP_KDF_CTX_free (context);
  EVP_KDF_free (kdf);

  g_assert_cmpmem (derived, sizeof derived, expected, hash_length);
}

/* RFC 7914 section 12, third vector, truncated to 32 bytes, in the
 * stored form: verification reads the parameters from the string. */
static void
test_rfc7914_vector (void)
{
  /* P = "pleaseletmein", S = "SodiumChloride", N = 16384, r = 8, p = 1 */
  static const guint8 expected[32] = {
    0x70, 0x23, 0xbd, 0xcb, 0x3a, 0xfd, 0x73, 0x48, 0x46, 0x1c, 0x06, 0xcd, 0x81, 0xfd, 0x38, 0xeb,
    0xfd, 0xa8, 0xfb, 0xba, 0x90, 0x4f, 0x8e, 0x3e, 0xa9, 0xb5, 0x43, 0xf6, 0x54, 0x5d, 0xa1, 0xf2,
  };
  g_autofree char *salt = g_base64_encode ((const guint8 *) "SodiumChloride", 14);
  g_autofree char *hash = g_base64_encode (expected, sizeof expected);
  g_autofree char *stored = NULL;

  *strchr (salt, '=') = '\0';
  *strchr (hash, '=') = '\0';
  stored = g_strdup_printf ("$scrypt$ln=14,r=8,p=1$%s$%s", salt, hash);

  g_assert_true (srv_password_verify (stored, "pleaseletmein"));
  g_assert_false (srv_password_verify (stored, "pleaseletmeout"));
}

static void
test_malformed_hashes (void)
{
  g_autofree char *good = srv_password_hash ("a good password", NULL);
  g_auto(GStrv) parts = g_strsplit (good, "$", -1);
  const char *params[] = {
    "ln=15,r=8", "ln=15,r=8,p=1,x=2", "ln=9,r=8,p=1", "ln=21,r=8,p=1", "ln=15,r=0,p=1",
    "ln=15,r=33,p=1", "ln=15,r=8,p=17", "n=15,r=8,p=1", "ln=15,r=8,p=-1", "ln=0x0f,r=8,p=1",
  };

  g_assert_false (srv_password_verify ("", "a good password"));
  g_assert_false (srv_password_verify ("a good password", "a good password"));
  g_assert_false (srv_password_verify ("$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", "a good password"));

  for (guint i = 0; i < G_N_ELEMENTS (params); i++)
    {
      g_autofree char *bad = g_strdup_printf ("$scrypt$%s$%s$%s", params[i], parts[3], parts[4]);

      g_assert_false (srv_password_verify (bad, "a good password"));
    }

  /* Padding, other alphabets, stray characters and short fields. */
  {
    g_autofree char *padded = g_strdup_printf ("$scrypt$%s$%s==$%s", parts[2], parts[3], parts[4]);
    g_autofree char *urlsafe = g_strdup_printf ("$scrypt$%s$%s$%s", parts[2], parts[3], parts[4]);
    g_autofree char *stray = g_strdup_printf ("$scrypt$%s$%s$ %s", parts[2], parts[3], parts[4]);
    g_autofree char *short_salt = g_strdup_printf ("$scrypt$%s$QUFB$%s", parts[2], parts[4]);
    g_autofree char *short_hash = g_strdup_printf ("$scrypt$%s$%s$QUFBQUFB", parts[2], parts[3]);
    g_autofree char *extra = g_strdup_printf ("%s$", good);

    for (char *c = urlsafe; *c != '\0'; c++)
      {
        if (*c == '+')
          *c = '-';
        else if (*c == '/')
          *c = '_';
      }

    g_assert_false (srv_password_verify (padded, "a good password"));
    if (strpbrk (good + 20, "+/") != NULL)
      g_assert_false (srv_password_verify (urlsafe, "a good password"));
    g_assert_false (srv_password_verify (stray, "a good password"));
    g_assert_false (srv_password_verify (short_salt, "a good password"));
    g_assert_false (srv_password_verify (short_hash, "a good password"));
    g_assert_false (srv_password_verify (extra, "a good password"));
  }

  /* One flipped character of the hash. */
  {
    g_autofree char *flipped = g_strdup (good);
    char *last = flipped + strlen (flipped) - 2;

    *last = *last == 'A' ? 'B' : 'A';
    g_assert_false (srv_password_verify (flipped, "a good password"));
  }

  g_assert_cmpint (ERR_peek_error (), ==, 0);
}

static void
test_policy (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *long_password = g_strnfill (SRV_PASSWORD_MAX_BYTES + 1, 'x');

  g_assert_true (srv_password_check_policy ("eight ch", &error));
  g_assert_no_error (error);
  /* Characters, not bytes: eight Arabic letters are sixteen bytes. */
  g_assert_true (srv_password_check_policy ("كلمةسرّي", &error));
  g_assert_no_error (error);

  g_assert_false (srv_password_check_policy ("seven c", &error));
  g_assert_error (error, SRV_PASSWORD_ERROR, SRV_PASSWORD_ERROR_TOO_SHORT);
  g_clear_error (&error);

  g_assert_false (srv_password_check_policy (long_password, &error));
  g_assert_error (error, SRV_PASSWORD_ERROR, SRV_PASSWORD_ERROR_TOO_LONG);
  g_clear_error (&error);

  g_assert_false (srv_password_check_policy ("abc\xff\xfe defgh", &error));
  g_assert_error (error, SRV_PASSWORD_ERROR, SRV_PASSWORD_ERROR_NOT_UTF8);
  g_clear_error (&error);

  g_assert_null (srv_password_hash (long_password, &error));
  g_assert_error (error, SRV_PASSWORD_ERROR, SRV_PASSWORD_ERROR_TOO_LONG);
}

static double
thread_cpu_ms (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec * 1000.0 + now.tv_nsec / 1e6;
}

/* Slow enough to hurt a guesser, fast enough for a login: report it.
 * Processor time, since wall time depends on what else runs. */
static void
test_timing (void)
{
  g_autofree char *hash = NULL;
  gint64 start;
  double cpu_start;
  double hash_ms;
  double hash_cpu_ms;
  double verify_cpu_ms;

  start = g_get_monotonic_time ();
  cpu_start = thread_cpu_ms ();
  hash = srv_password_hash ("timing the hash", NULL);
  hash_cpu_ms = thread_cpu_ms () - cpu_start;
  hash_ms = (g_get_monotonic_time () - start) / 1000.0;

  cpu_start = thread_cpu_ms ();
  g_assert_true (srv_password_verify (hash, "timing the hash"));
  verify_cpu_ms = thread_cpu_ms () - cpu_start;

  g_test_message ("scrypt N=2^14 r=8 p=1: hash %.1f ms of processor time (%.1f ms wall), verify %.1f ms",
                  hash_cpu_ms, hash_ms, verify_cpu_ms);
  /* Generous: sanitizer builds run several times slower. */
  g_assert_cmpfloat (hash_cpu_ms, <, 2000);
  g_assert_cmpfloat (hash_cpu_ms, >, 1);
}

int
main (int   argc,
      char *argv[])
{
  idem_i18n_init ();
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/password/round-trip", test_round_trip);
  g_test_add_func ("/server/password/salted", test_salted);
  g_test_add_func ("/server/password/format-is-scrypt", test_format_is_scrypt);
  g_test_add_func ("/server/password/rfc7914-vector", test_rfc7914_vector);
  g_test_add_func ("/server/password/malformed-hashes", test_malformed_hashes);
  g_test_add_func ("/server/password/policy", test_policy);
  g_test_add_func ("/server/password/timing", test_timing);

  return g_test_run ();
}
