/* test-crypto-util.h — small helpers shared by the crypto tests
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "idem.h"

#include <openssl/err.h>
#include <openssl/x509.h>
#include <string.h>

/* Every failing call must leave OpenSSL's error queue empty, or the next
 * unrelated OpenSSL call would report a stale error. */
#define assert_error_and_clean_queue(error, domain, code)        \
  G_STMT_START {                                                 \
    g_assert_error ((error), (domain), (code));                  \
    g_assert_nonnull ((error)->message);                         \
    g_assert_cmpstr ((error)->message, !=, "");                  \
    g_assert_cmpuint (ERR_peek_error (), ==, 0);                 \
    g_clear_error (&(error));                                    \
  } G_STMT_END

#define assert_crypto_error(error, code) \
  assert_error_and_clean_queue (error, IDEM_CRYPTO_ERROR, code)

#define assert_mosip_error(error, code) \
  assert_error_and_clean_queue (error, IDEM_MOSIP_CRYPTO_ERROR, code)

static inline GBytes *
hex_to_bytes (const char *hex)
{
  gsize length = strlen (hex);
  guint8 *data = g_malloc (length / 2 + 1);

  g_assert_cmpuint (length % 2, ==, 0);
  for (gsize i = 0; i < length / 2; i++)
    {
      int high = g_ascii_xdigit_value (hex[2 * i]);
      int low = g_ascii_xdigit_value (hex[2 * i + 1]);

      g_assert_cmpint (high, >=, 0);
      g_assert_cmpint (low, >=, 0);
      data[i] = (guint8) (high << 4 | low);
    }

  return g_bytes_new_take (data, length / 2);
}

static inline char *
bytes_to_hex (const guint8 *data,
              gsize         length)
{
  GString *hex = g_string_sized_new (2 * length);

  for (gsize i = 0; i < length; i++)
    g_string_append_printf (hex, "%02x", data[i]);

  return g_string_free (hex, FALSE);
}

#define assert_bytes_hex(data, length, expected_hex)                     \
  G_STMT_START {                                                         \
    g_autofree char *actual_hex__ = bytes_to_hex ((data), (length));     \
    g_assert_cmpstr (actual_hex__, ==, (expected_hex));                  \
  } G_STMT_END

/* Base58btc as multibase's "z" prefix uses it (the Bitcoin alphabet). */
static inline GBytes *
base58btc_decode (const char *text)
{
  static const char alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  gsize length = strlen (text);
  g_autofree guint8 *number = g_malloc0 (length + 1);
  gsize number_length = 0;
  gsize leading_zeros = 0;
  GByteArray *out;

  while (text[leading_zeros] == '1')
    leading_zeros++;

  for (gsize i = leading_zeros; i < length; i++)
    {
      const char *digit = strchr (alphabet, text[i]);
      guint carry;

      g_assert_nonnull (digit);
      carry = (guint) (digit - alphabet);

      /* number (big-endian, number_length bytes at the end) = number * 58 + digit */
      for (gsize j = 0; j < number_length; j++)
        {
          guint8 *byte = &number[length - 1 - j];

          carry += (guint) *byte * 58;
          *byte = carry & 0xff;
          carry >>= 8;
        }
      while (carry > 0)
        {
          number[length - 1 - number_length++] = carry & 0xff;
          carry >>= 8;
        }
    }

  out = g_byte_array_new ();
  for (gsize i = 0; i < leading_zeros; i++)
    g_byte_array_append (out, (const guint8 *) "", 1);
  g_byte_array_append (out, number + length - number_length, number_length);

  return g_byte_array_free_to_bytes (out);
}

/* Canonical forms are hashed byte for byte, so @strip is only for files
 * holding one value (hex, base58) that may end in a newline. */
static inline char *
shared_file_contents (const char *relative_path,
                      gboolean    strip)
{
  const char *shared_dir = g_getenv ("IDEM_SHARED_DIR");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_assert_nonnull (shared_dir);
  path = g_build_filename (shared_dir, relative_path, NULL);
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);

  return strip ? g_strstrip (contents) : contents;
}

/* The public half alone, as a verifier or a sender gets it. */
static inline EVP_PKEY *
public_only (EVP_PKEY *key)
{
  unsigned char *der = NULL;
  const unsigned char *p;
  EVP_PKEY *public_key;
  int length;

  length = i2d_PUBKEY (key, &der);
  g_assert_cmpint (length, >, 0);
  p = der;
  public_key = d2i_PUBKEY (NULL, &p, length);
  OPENSSL_free (der);
  g_assert_nonnull (public_key);

  return public_key;
}

/* A self-signed certificate, as a MOSIP keymanager issues for a machine. */
static inline X509 *
make_certificate (EVP_PKEY   *key,
                  const char *common_name)
{
  X509 *certificate = X509_new ();
  X509_NAME *name;

  g_assert_nonnull (certificate);
  g_assert_cmpint (X509_set_version (certificate, 2), ==, 1);
  g_assert_cmpint (ASN1_INTEGER_set (X509_get_serialNumber (certificate), 1), ==, 1);
  g_assert_nonnull (X509_gmtime_adj (X509_getm_notBefore (certificate), 0));
  g_assert_nonnull (X509_gmtime_adj (X509_getm_notAfter (certificate), 365L * 24 * 3600));
  g_assert_cmpint (X509_set_pubkey (certificate, key), ==, 1);

  name = X509_get_subject_name (certificate);
  g_assert_cmpint (X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8,
                                               (const unsigned char *) common_name,
                                               -1, -1, 0), ==, 1);
  g_assert_cmpint (X509_set_issuer_name (certificate, name), ==, 1);
  g_assert_cmpint (X509_sign (certificate, key, EVP_sha256 ()), >, 0);

  return certificate;
}
