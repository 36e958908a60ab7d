/* reg-password.c — checking a password offline against its synced hash
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The server stores each user's password as a self-describing scrypt
 * string in the PHC format, and the sync hands it to the workstation so an
 * operator can sign in without the network:
 *
 *   $scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<hash>
 *
 * with the salt and hash in standard base64 without padding.  The bounds
 * below keep a planted string from asking for gigabytes of memory.
 */

#define G_LOG_DOMAIN "reg-password"

#include "config.h"

#include "reg-password.h"

#include "idem-ui.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#define MIN_LOG_N       10
#define MAX_LOG_N       20
#define MAX_R           32
#define MAX_P           16
#define MIN_SALT_SIZE   4
#define MAX_SALT_SIZE   64
#define MIN_HASH_SIZE   16
#define MAX_HASH_SIZE   64
#define MAX_HASH_STRING 512

static guint8 *
decode_unpadded (const char *text,
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
    if (!g_ascii_isalnum (text[i]) && text[i] != '+' && text[i] != '/')
      return NULL;

  padded = g_strnfill (text_length + (4 - text_length % 4) % 4, '=');
  memcpy (padded, text, text_length);
  data = g_base64_decode (padded, length);
  if (*length < min_length || *length > max_length)
    return NULL;

  return g_steal_pointer (&data);
}

static gboolean
parse_parameter (const char *text,
                 const char *name,
                 guint64     min,
                 guint64     max,
                 guint64    *value)
{
  gsize name_length = strlen (name);

  return strncmp (text, name, name_length) == 0 && text[name_length] == '=' &&
         g_ascii_string_to_unsigned (text + name_length + 1, 10, min, max, value, NULL);
}

/**
 * reg_password_verify:
 * @hash: a `$scrypt$…` string, as synced from the server
 * @password: what the user typed
 *
 * Returns: %TRUE when @password matches @hash; %FALSE when it does not,
 *   or when @hash is malformed or out of bounds
 */
gboolean
reg_password_verify (const char *hash,
                     const char *password)
{
  g_auto(GStrv) parts = NULL;
  g_auto(GStrv) parameters = NULL;
  g_autofree guint8 *salt = NULL;
  g_autofree guint8 *expected = NULL;
  g_autofree guint8 *derived = NULL;
  gsize salt_length = 0;
  gsize hash_length = 0;
  guint64 log_n, r, p, n;
  uint32_t r32, p32;
  uint64_t max_memory;
  EVP_KDF *kdf = NULL;
  EVP_KDF_CTX *context = NULL;
  OSSL_PARAM params[7];
  gboolean derived_ok = FALSE;
  gboolean match;

  g_return_val_if_fail (password != NULL, FALSE);

  if (hash == NULL || strlen (hash) > MAX_HASH_STRING)
    return FALSE;

  /* "", "scrypt", "ln=…,r=…,p=…", salt, hash */
  parts = g_strsplit (hash, "$", -1);
  if (g_strv_length (parts) != 5 || parts[0][0] != '\0' || !g_str_equal (parts[1], "scrypt"))
    return FALSE;

  parameters = g_strsplit (parts[2], ",", -1);
  if (g_strv_length (parameters) != 3 ||
      !parse_parameter (parameters[0], "ln", MIN_LOG_N, MAX_LOG_N, &log_n) ||
      !parse_parameter (parameters[1], "r", 1, MAX_R, &r) ||
      !parse_parameter (parameters[2], "p", 1, MAX_P, &p))
    return FALSE;

  salt = decode_unpadded (parts[3], MIN_SALT_SIZE, MAX_SALT_SIZE, &salt_length);
  expected = decode_unpadded (parts[4], MIN_HASH_SIZE, MAX_HASH_SIZE, &hash_length);
  if (salt == NULL || expected == NULL)
    return FALSE;

  n = G_GUINT64_CONSTANT (1) << log_n;
  r32 = (uint32_t) r;
  p32 = (uint32_t) p;
  /* The table takes 128·r·N bytes and the blocks 128·r·p. */
  max_memory = 128 * r * (n + p) + 1024 * 1024;
  derived = g_malloc (hash_length);

  params[0] = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_PASSWORD, (void *) password, strlen (password));
  params[1] = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_SALT, salt, salt_length);
  params[2] = OSSL_PARAM_construct_uint64 (OSSL_KDF_PARAM_SCRYPT_N, &n);
  params[3] = OSSL_PARAM_construct_uint32 (OSSL_KDF_PARAM_SCRYPT_R, &r32);
  params[4] = OSSL_PARAM_construct_uint32 (OSSL_KDF_PARAM_SCRYPT_P, &p32);
  params[5] = OSSL_PARAM_construct_uint64 (OSSL_KDF_PARAM_SCRYPT_MAXMEM, &max_memory);
  params[6] = OSSL_PARAM_construct_end ();

  kdf = EVP_KDF_fetch (NULL, "SCRYPT", NULL);
  if (kdf != NULL)
    context = EVP_KDF_CTX_new (kdf);
  if (context != NULL)
    derived_ok = EVP_KDF_derive (context, derived, hash_length, params) == 1;

  EVP_KDF_CTX_free (context);
  EVP_KDF_free (kdf);
  ERR_clear_error ();

  match = derived_ok && idem_crypto_equal (derived, expected, hash_length);
  idem_crypto_wipe (derived, hash_length);

  return match;
}
