/* srv-password.c — password hashes for the people who log in
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * scrypt (RFC 7914) through OpenSSL's EVP_KDF: memory-hard, so a stolen
 * database costs an attacker memory as well as time for every guess.  The
 * stored string describes itself, in the PHC string format:
 *
 *   $scrypt$ln=14,r=8,p=1$<salt>$<hash>
 *
 * with N = 2^ln, the salt (16 random bytes) and the 32-byte hash in
 * standard base64 without padding.  Parameters can be raised later without
 * a migration: old hashes keep verifying with their own.  New hashes use
 * N = 2^14, r = 8, p = 1, the scrypt paper's choice for interactive
 * logins: 16 MiB and about 80 ms of processor time per hash on the
 * project's two-core test machine, where N = 2^15 takes about 150 ms,
 * more than a login should wait.
 */

#define G_LOG_DOMAIN "idem-server"

#include "config.h"

#include "srv-password.h"

#include "idem.h"

#include <glib/gi18n.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <string.h>

#define SCHEME          "scrypt"
#define DEFAULT_LOG_N   14
#define DEFAULT_R       8
#define DEFAULT_P       1
#define SALT_SIZE       16
#define HASH_SIZE       32

/* What verification accepts from a stored string: enough room to raise the
 * cost, and a bound so a planted hash cannot ask for gigabytes. */
#define MIN_LOG_N       10
#define MAX_LOG_N       20
#define MAX_R           32
#define MAX_P           16
#define MIN_SALT_SIZE   8
#define MAX_SALT_SIZE   64
#define MIN_HASH_SIZE   16
#define MAX_HASH_SIZE   64

G_DEFINE_QUARK (srv-password-error-quark, srv_password_error)

static gboolean
derive (const char   *password,
        const guint8 *salt,
        gsize         salt_length,
        guint         log_n,
        guint32       r,
        guint32       p,
        guint8       *out,
        gsize         out_length)
{
  EVP_KDF *kdf = NULL;
  EVP_KDF_CTX *context = NULL;
  OSSL_PARAM params[7];
  uint64_t n = G_GUINT64_CONSTANT (1) << log_n;
  /* scrypt needs 128·r·N bytes for its table and 128·r·p for the blocks;
   * OpenSSL's default ceiling (32 MiB) is exactly the table alone. */
  uint64_t max_memory = 128 * (uint64_t) r * (n + p) + 1024 * 1024;
  gboolean ok = FALSE;

  params[0] = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_PASSWORD, (void *) password, strlen (password));
  params[1] = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_SALT, (void *) salt, salt_length);
  params[2] = OSSL_PARAM_construct_uint64 (OSSL_KDF_PARAM_SCRYPT_N, &n);
  params[3] = OSSL_PARAM_construct_uint32 (OSSL_KDF_PARAM_SCRYPT_R, &r);
  params[4] = OSSL_PARAM_construct_uint32 (OSSL_KDF_PARAM_SCRYPT_P, &p);
  params[5] = OSSL_PARAM_construct_uint64 (OSSL_KDF_PARAM_SCRYPT_MAXMEM, &max_memory);
  params[6] = OSSL_PARAM_construct_end ();

  kdf = EVP_KDF_fetch (NULL, "SCRYPT", NULL);
  if (kdf != NULL)
    context = EVP_KDF_CTX_new (kdf);
  if (context != NULL)
    ok = EVP_KDF_derive (context, out, out_length, params) == 1;

  EVP_KDF_CTX_free (context);
  EVP_KDF_free (kdf);
  ERR_clear_error ();

  return ok;
}

static char *
encode (const guint8 *data,
        gsize         length)
{
  char *text = g_base64_encode (data, length);
  char *padding = strchr (text, '=');

  if (padding != NULL)
    *padding = '\0';

  return text;
}

/* Strict: standard alphabet, no padding, nothing else; g_base64_decode()
 * would skip stray characters silently. */
static guint8 *
decode (const char *text,
        gsize       min_length,
        gsize       max_length,
        gsize      *length)
{
  gsize text_length = strlen (text);
  g_autofree char *padded = NULL;
  g_autofree guint8 *data = NULL;

  if (text_length == 0 || text_length % 4 == 1)
    return NULL;

  for (gsize i = 0; i < text_length; i++)
    {
      if (!g_ascii_isalnum (text[i]) && text[i] != '+' && text[i] != '/')
        return NULL;
    }

  padded = g_strnfill (text_length + (4 - text_length % 4) % 4, '=');
  memcpy (padded, text, text_length);
  data = g_base64_decode (padded, length);

  if (*length < min_length || *length > max_length)
    return NULL;

  return g_steal_pointer (&data);
}

static gboolean
parse_uint (const char *text,
            const char *name,
            guint       min,
            guint       max,
            guint      *value)
{
  gsize name_length = strlen (name);
  guint64 parsed = 0;

  if (strncmp (text, name, name_length) != 0 || text[name_length] != '=')
    return FALSE;

  if (!g_ascii_string_to_unsigned (text + name_length + 1, 10, min, max, &parsed, NULL))
    return FALSE;

  *value = (guint) parsed;
  return TRUE;
}

/**
 * srv_password_check_policy:
 * @password: a password a user chose
 * @error: return location for an error in %SRV_PASSWORD_ERROR
 *
 * Checks what is asked of a new password: valid UTF-8, at least
 * %SRV_PASSWORD_MIN_LENGTH characters, at most %SRV_PASSWORD_MAX_BYTES
 * bytes.
 *
 * Returns: whether @password may be set
 */
gboolean
srv_password_check_policy (const char  *password,
                           GError     **error)
{
  g_return_val_if_fail (password != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (strlen (password) > SRV_PASSWORD_MAX_BYTES)
    {
      g_set_error (error, SRV_PASSWORD_ERROR, SRV_PASSWORD_ERROR_TOO_LONG,
                   _("The password is longer than %d bytes"), SRV_PASSWORD_MAX_BYTES);
      return FALSE;
    }

  if (!g_utf8_validate (password, -1, NULL))
    {
      g_set_error_literal (error, SRV_PASSWORD_ERROR, SRV_PASSWORD_ERROR_NOT_UTF8,
                           _("The password is not valid UTF-8 text"));
      return FALSE;
    }

  if (g_utf8_strlen (password, -1) < SRV_PASSWORD_MIN_LENGTH)
    {
      g_set_error (error, SRV_PASSWORD_ERROR, SRV_PASSWORD_ERROR_TOO_SHORT,
                   _("The password must have at least %d characters"), SRV_PASSWORD_MIN_LENGTH);
      return FALSE;
    }

  return TRUE;
}

/**
 * srv_password_hash:
 * @password: the password, at most %SRV_PASSWORD_MAX_BYTES bytes
 * @error: return location for an error in %SRV_PASSWORD_ERROR
 *
 * Hashes @password with scrypt under a fresh random salt.  Slow on
 * purpose (tens of milliseconds): call it from a worker thread.
 *
 * Returns: (transfer full) (nullable): the self-describing hash string
 */
char *
srv_password_hash (const char  *password,
                   GError     **error)
{
  guint8 salt[SALT_SIZE];
  guint8 hash[HASH_SIZE];
  g_autofree char *salt_text = NULL;
  g_autofree char *hash_text = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (password != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (strlen (password) > SRV_PASSWORD_MAX_BYTES)
    {
      g_set_error (error, SRV_PASSWORD_ERROR, SRV_PASSWORD_ERROR_TOO_LONG,
                   _("The password is longer than %d bytes"), SRV_PASSWORD_MAX_BYTES);
      return NULL;
    }

  if (!idem_crypto_random_bytes (salt, sizeof salt, &local_error))
    {
      g_set_error (error, SRV_PASSWORD_ERROR, SRV_PASSWORD_ERROR_INTERNAL,
                   _("Could not hash the password: %s"), local_error->message);
      return NULL;
    }

  if (!derive (password, salt, sizeof salt, DEFAULT_LOG_N, DEFAULT_R, DEFAULT_P, hash, sizeof hash))
    {
      g_set_error_literal (error, SRV_PASSWORD_ERROR, SRV_PASSWORD_ERROR_INTERNAL,
                           _("Could not hash the password: the scrypt key derivation failed"));
      return NULL;
    }

  salt_text = encode (salt, sizeof salt);
  hash_text = encode (hash, sizeof hash);
  idem_crypto_wipe (hash, sizeof hash);

  return g_strdup_printf ("$" SCHEME "$ln=%d,r=%d,p=%d$%s$%s",
                          DEFAULT_LOG_N, DEFAULT_R, DEFAULT_P, salt_text, hash_text);
}

/**
 * srv_password_verify:
 * @hash: a string made by srv_password_hash(), possibly with other
 *   parameters
 * @password: the password to check
 *
 * Derives the hash of @password with @hash's own parameters and salt and
 * compares in constant time.  A malformed @hash, or parameters outside the
 * accepted bounds, never verify.
 *
 * Returns: whether @password is the one @hash was made from
 */
gboolean
srv_password_verify (const char *hash,
                     const char *password)
{
  g_auto(GStrv) parts = NULL;
  g_auto(GStrv) params = NULL;
  g_autofree guint8 *salt = NULL;
  g_autofree guint8 *expected = NULL;
  g_autofree guint8 *actual = NULL;
  gsize salt_length = 0;
  gsize hash_length = 0;
  guint log_n = 0;
  guint r = 0;
  guint p = 0;
  gboolean equal;

  g_return_val_if_fail (hash != NULL, FALSE);
  g_return_val_if_fail (password != NULL, FALSE);

  if (strlen (password) > SRV_PASSWORD_MAX_BYTES)
    return FALSE;

  /* "", "scrypt", "ln=…,r=…,p=…", salt, hash */
  parts = g_strsplit (hash, "$", -1);
  if (g_strv_length (parts) != 5 || parts[0][0] != '\0' || !g_str_equal (parts[1], SCHEME))
    return FALSE;

  params = g_strsplit (parts[2], ",", -1);
  if (g_strv_length (params) != 3 ||
      !parse_uint (params[0], "ln", MIN_LOG_N, MAX_LOG_N, &log_n) ||
      !parse_uint (params[1], "r", 1, MAX_R, &r) ||
      !parse_uint (params[2], "p", 1, MAX_P, &p))
    return FALSE;

  salt = decode (parts[3], MIN_SALT_SIZE, MAX_SALT_SIZE, &salt_length);
  expected = decode (parts[4], MIN_HASH_SIZE, MAX_HASH_SIZE, &hash_length);
  if (salt == NULL || expected == NULL)
    return FALSE;

  actual = g_malloc (hash_length);
  if (!derive (password, salt, salt_length, log_n, r, p, actual, hash_length))
    return FALSE;

  equal = idem_crypto_equal (actual, expected, hash_length);
  idem_crypto_wipe (actual, hash_length);

  return equal;
}

/**
 * srv_password_generate:
 * @error: return location for an error from the random source
 *
 * Makes a password for a person to type from a printout: for the demo
 * country's users and the first administrator of a data directory.
 * 16 characters from an alphabet without look-alikes (no 0/O, 1/l/I), in
 * groups of four: about 90 bits.
 *
 * Returns: (transfer full) (nullable): the password; wipe it when done
 */
char *
srv_password_generate (GError **error)
{
  static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  guint8 random[16];
  GString *password = g_string_new (NULL);

  if (!idem_crypto_random_bytes (random, sizeof random, error))
    {
      g_string_free (password, TRUE);
      return NULL;
    }

  for (guint i = 0; i < sizeof random; i++)
    {
      /* 256 is not a multiple of the alphabet's size; the bias left
       * (under 1 %) takes less than a bit from 90. */
      if (i > 0 && i % 4 == 0)
        g_string_append_c (password, '-');
      g_string_append_c (password, alphabet[random[i] % (sizeof alphabet - 1)]);
    }

  idem_crypto_wipe (random, sizeof random);
  return g_string_free (password, FALSE);
}
