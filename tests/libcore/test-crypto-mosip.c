/* test-crypto-mosip.c — MOSIP's packet encryption envelope
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The layout checks take envelopes apart by offset, as FORMAT.md §1
 * describes them, and decrypt the pieces with the primitives directly, so
 * a mistake shared by idem_mosip_encrypt() and idem_mosip_decrypt() (an
 * AAD that includes the nonce, say) cannot pass unnoticed.
 */

#include "config.h"

#include "idem.h"
#include "idem-openssl-types.h"

#include "test-crypto-util.h"

/* FORMAT.md §1, for RSA-2048. */
#define OFFSET_AAD         12
#define OFFSET_THUMBPRINT  44
#define OFFSET_WRAPPED_KEY 76
#define OFFSET_SPLITTER    332
#define OFFSET_CIPHERTEXT  346

static EVP_PKEY *key;
static EVP_PKEY *other_key;
static X509 *certificate;
static X509 *other_certificate;
static guint8 thumbprint[IDEM_MOSIP_THUMBPRINT_SIZE];
static guint8 other_thumbprint[IDEM_MOSIP_THUMBPRINT_SIZE];

static GBytes *
random_payload (gsize length)
{
  guint8 *data = g_malloc (length + 1);

  g_assert_true (idem_crypto_random_bytes (data, length, NULL));

  return g_bytes_new_take (data, length);
}

static GBytes *
modified (GBytes *envelope,
          gsize   offset,
          guint8  xor_mask)
{
  gsize length;
  guint8 *data = g_bytes_unref_to_data (g_bytes_ref (envelope), &length);

  g_assert_cmpuint (offset, <, length);
  data[offset] ^= xor_mask;

  return g_bytes_new_take (data, length);
}

static GBytes *
without_byte (GBytes *envelope,
              gsize   offset)
{
  const guint8 *data;
  gsize length;
  GByteArray *out = g_byte_array_new ();

  data = g_bytes_get_data (envelope, &length);
  g_byte_array_append (out, data, offset);
  g_byte_array_append (out, data + offset + 1, length - offset - 1);

  return g_byte_array_free_to_bytes (out);
}

static void
test_mosip_layout (void)
{
  g_autoptr(GBytes) payload = random_payload (1000);
  g_autoptr(GBytes) envelope = NULL;
  g_autoptr(GBytes) wrapped_key = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GBytes) opened = NULL;
  g_autoptr(GBytes) aad = NULL;
  g_autoptr(GBytes) decrypted = NULL;
  unsigned char *der = NULL;
  GError *error = NULL;
  guint8 expected_thumbprint[IDEM_SHA256_SIZE];
  guint8 read_thumbprint[IDEM_MOSIP_THUMBPRINT_SIZE];
  const guint8 *data;
  gsize length;
  int der_length;

  envelope = idem_mosip_encrypt_for_certificate (payload, certificate, NULL, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (envelope, &length);

  g_assert_cmpuint (length, ==, OFFSET_CIPHERTEXT + 1000 + 16);
  g_assert_cmpuint (length, ==, idem_mosip_envelope_size (key, 1000));

  /* Thumbprint: SHA-256 of the certificate's DER. */
  der_length = i2d_X509 (certificate, &der);
  g_assert_cmpint (der_length, >, 0);
  idem_sha256 (der, (gsize) der_length, expected_thumbprint);
  OPENSSL_free (der);
  g_assert_cmpmem (data + OFFSET_THUMBPRINT, IDEM_MOSIP_THUMBPRINT_SIZE,
                   expected_thumbprint, sizeof expected_thumbprint);
  g_assert_cmpmem (thumbprint, sizeof thumbprint, expected_thumbprint, sizeof expected_thumbprint);

  g_assert_true (idem_mosip_envelope_get_thumbprint (envelope, read_thumbprint, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (read_thumbprint, sizeof read_thumbprint, expected_thumbprint, sizeof expected_thumbprint);

  g_assert_cmpmem (data + OFFSET_SPLITTER, 14, "#KEY_SPLITTER#", 14);

  /* Unwrap the key and open the ciphertext by hand: nonce at 0, and the
   * 32 bytes at 12 (not the nonce) as the only AAD. */
  wrapped_key = idem_rsa_oaep_unwrap (key, data + OFFSET_WRAPPED_KEY, 256, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (wrapped_key), ==, 32);

  aad = g_bytes_new (data + OFFSET_AAD, 32);
  sealed = g_bytes_new (data + OFFSET_CIPHERTEXT, length - OFFSET_CIPHERTEXT);
  opened = idem_aes_gcm_open_bytes (g_bytes_get_data (wrapped_key, NULL), data, aad, sealed, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (opened, payload));

  decrypted = idem_mosip_decrypt (envelope, key, thumbprint, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (decrypted, payload));
  g_assert_cmpuint (ERR_peek_error (), ==, 0);
}

static void
test_mosip_round_trip (void)
{
  static const gsize sizes[] = { 0, 1, 15, 16, 17, 4096, 1024 * 1024 + 3 };
  static const guint8 fixed_aad[IDEM_MOSIP_AAD_SIZE] = "thirty-two bytes of given AAD..";

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GBytes) payload = random_payload (sizes[i]);
      g_autoptr(GBytes) first = NULL;
      g_autoptr(GBytes) second = NULL;
      g_autoptr(GBytes) decrypted = NULL;
      GError *error = NULL;
      const guint8 *a;
      const guint8 *b;

      first = idem_mosip_encrypt (payload, key, thumbprint, fixed_aad, &error);
      g_assert_no_error (error);
      second = idem_mosip_encrypt (payload, key, thumbprint, fixed_aad, &error);
      g_assert_no_error (error);

      /* The given AAD is written; nonce and key are fresh every time. */
      a = g_bytes_get_data (first, NULL);
      b = g_bytes_get_data (second, NULL);
      g_assert_cmpmem (a + OFFSET_AAD, 32, fixed_aad, 32);
      g_assert_false (memcmp (a, b, IDEM_MOSIP_NONCE_SIZE) == 0);
      g_assert_false (memcmp (a + OFFSET_WRAPPED_KEY, b + OFFSET_WRAPPED_KEY, 256) == 0);

      decrypted = idem_mosip_decrypt (first, key, thumbprint, &error);
      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (decrypted, payload));
      g_clear_pointer (&decrypted, g_bytes_unref);

      /* Without an expected thumbprint, the key alone decides. */
      decrypted = idem_mosip_decrypt (second, key, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (decrypted, payload));
    }

  /* Random AAD when none is given: two envelopes differ there too. */
  {
    g_autoptr(GBytes) payload = random_payload (10);
    g_autoptr(GBytes) first = idem_mosip_encrypt (payload, key, thumbprint, NULL, NULL);
    g_autoptr(GBytes) second = idem_mosip_encrypt (payload, key, thumbprint, NULL, NULL);

    g_assert_false (memcmp ((const guint8 *) g_bytes_get_data (first, NULL) + OFFSET_AAD,
                            (const guint8 *) g_bytes_get_data (second, NULL) + OFFSET_AAD, 32) == 0);
  }
}

static void
test_mosip_errors (void)
{
  g_autoptr(GBytes) payload = g_bytes_new_static ("{\"identity\":{}} #KEY_SPLITTER# inside", 37);
  g_autoptr(GBytes) envelope = NULL;
  g_autoptr(GBytes) bad = NULL;
  g_autoptr(GBytes) decrypted = NULL;
  g_autoptr(EVP_PKEY) public_key = NULL;
  g_autoptr(EVP_PKEY) ec_key = NULL;
  g_autoptr(EVP_PKEY) small_key = NULL;
  GError *error = NULL;
  const guint8 *data;
  gsize length;
  guint8 read_thumbprint[IDEM_MOSIP_THUMBPRINT_SIZE];

  envelope = idem_mosip_encrypt_for_certificate (payload, certificate, NULL, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (envelope, &length);

  /* The splitter inside the payload is encrypted, so it cannot confuse
   * the search; the plain round trip still works. */
  decrypted = idem_mosip_decrypt (envelope, key, thumbprint, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (decrypted, payload));

#define EXPECT_DECRYPT_ERROR(input, k, expected_thumbprint, code)              \
  G_STMT_START {                                                               \
    g_autoptr(GBytes) result__ = idem_mosip_decrypt ((input), (k),             \
                                                     (expected_thumbprint),    \
                                                     &error);                  \
    g_assert_null (result__);                                                  \
    assert_mosip_error (error, (code));                                        \
  } G_STMT_END

  /* Too short: nothing, just nonce and AAD, and one byte under the least
   * an envelope can be. */
  bad = g_bytes_new (NULL, 0);
  EXPECT_DECRYPT_ERROR (bad, key, thumbprint, IDEM_MOSIP_CRYPTO_ERROR_TOO_SHORT);
  g_clear_pointer (&bad, g_bytes_unref);
  bad = g_bytes_new (data, 44);
  EXPECT_DECRYPT_ERROR (bad, key, thumbprint, IDEM_MOSIP_CRYPTO_ERROR_TOO_SHORT);
  g_clear_pointer (&bad, g_bytes_unref);
  bad = g_bytes_new (data, 44 + 32 + 14 + 16 - 1);
  EXPECT_DECRYPT_ERROR (bad, key, thumbprint, IDEM_MOSIP_CRYPTO_ERROR_TOO_SHORT);
  g_clear_pointer (&bad, g_bytes_unref);

  /* Cut inside the tag: the splitter is there but the tag is not. */
  bad = g_bytes_new (data, OFFSET_CIPHERTEXT + 15);
  EXPECT_DECRYPT_ERROR (bad, key, thumbprint, IDEM_MOSIP_CRYPTO_ERROR_TOO_SHORT);
  g_clear_pointer (&bad, g_bytes_unref);

  /* Cut before the splitter. */
  bad = g_bytes_new (data, OFFSET_SPLITTER + 5);
  EXPECT_DECRYPT_ERROR (bad, key, thumbprint, IDEM_MOSIP_CRYPTO_ERROR_NO_KEY_SPLITTER);
  g_clear_pointer (&bad, g_bytes_unref);

  /* The splitter damaged. */
  bad = modified (envelope, OFFSET_SPLITTER + 3, 0x20);
  EXPECT_DECRYPT_ERROR (bad, key, thumbprint, IDEM_MOSIP_CRYPTO_ERROR_NO_KEY_SPLITTER);
  g_assert_false (idem_mosip_envelope_get_thumbprint (bad, read_thumbprint, &error));
  assert_mosip_error (error, IDEM_MOSIP_CRYPTO_ERROR_NO_KEY_SPLITTER);
  g_clear_pointer (&bad, g_bytes_unref);

  /* A byte missing from the wrapped key: the key block is 287 bytes. */
  bad = without_byte (envelope, OFFSET_WRAPPED_KEY + 100);
  EXPECT_DECRYPT_ERROR (bad, key, thumbprint, IDEM_MOSIP_CRYPTO_ERROR_BAD_KEY_BLOCK);
  g_clear_pointer (&bad, g_bytes_unref);

  /* Nothing but a thumbprint before the splitter. */
  {
    GByteArray *array = g_byte_array_new ();

    g_byte_array_append (array, data, OFFSET_WRAPPED_KEY);
    g_byte_array_append (array, data + OFFSET_SPLITTER, length - OFFSET_SPLITTER);
    bad = g_byte_array_free_to_bytes (array);
  }
  EXPECT_DECRYPT_ERROR (bad, key, thumbprint, IDEM_MOSIP_CRYPTO_ERROR_BAD_KEY_BLOCK);
  g_clear_pointer (&bad, g_bytes_unref);

  /* Made for another certificate. */
  EXPECT_DECRYPT_ERROR (envelope, other_key, other_thumbprint, IDEM_MOSIP_CRYPTO_ERROR_THUMBPRINT_MISMATCH);
  EXPECT_DECRYPT_ERROR (envelope, key, other_thumbprint, IDEM_MOSIP_CRYPTO_ERROR_THUMBPRINT_MISMATCH);
  bad = modified (envelope, OFFSET_THUMBPRINT + 31, 0x01);
  EXPECT_DECRYPT_ERROR (bad, key, thumbprint, IDEM_MOSIP_CRYPTO_ERROR_THUMBPRINT_MISMATCH);
  g_clear_pointer (&bad, g_bytes_unref);

  /* The wrong private key, unchecked thumbprint; and a damaged wrapped key. */
  EXPECT_DECRYPT_ERROR (envelope, other_key, NULL, IDEM_MOSIP_CRYPTO_ERROR_UNWRAP_FAILED);
  bad = modified (envelope, OFFSET_WRAPPED_KEY + 200, 0x04);
  EXPECT_DECRYPT_ERROR (bad, key, thumbprint, IDEM_MOSIP_CRYPTO_ERROR_UNWRAP_FAILED);
  g_clear_pointer (&bad, g_bytes_unref);

  /* A wrapped secret that is not a 32-byte AES key. */
  {
    g_autoptr(GBytes) short_key = idem_rsa_oaep_wrap (key, (const guint8 *) "sixteen byte key", 16, &error);
    GByteArray *array = g_byte_array_new ();

    g_assert_no_error (error);
    g_byte_array_append (array, data, OFFSET_WRAPPED_KEY);
    g_byte_array_append (array, g_bytes_get_data (short_key, NULL), 256);
    g_byte_array_append (array, data + OFFSET_SPLITTER, length - OFFSET_SPLITTER);
    bad = g_byte_array_free_to_bytes (array);
  }
  EXPECT_DECRYPT_ERROR (bad, key, thumbprint, IDEM_MOSIP_CRYPTO_ERROR_UNWRAP_FAILED);
  g_clear_pointer (&bad, g_bytes_unref);

  /* The tag catches changes to nonce, AAD, ciphertext, tag, and truncation. */
  {
    const gsize offsets[] = { 0, 11, OFFSET_AAD, OFFSET_AAD + 31, OFFSET_CIPHERTEXT,
                              OFFSET_CIPHERTEXT + 20, length - 16, length - 1 };

    for (guint i = 0; i < G_N_ELEMENTS (offsets); i++)
      {
        bad = modified (envelope, offsets[i], 0x80);
        EXPECT_DECRYPT_ERROR (bad, key, thumbprint, IDEM_MOSIP_CRYPTO_ERROR_AUTH_FAILED);
        g_clear_pointer (&bad, g_bytes_unref);
      }
  }
  bad = g_bytes_new (data, length - 1);
  EXPECT_DECRYPT_ERROR (bad, key, thumbprint, IDEM_MOSIP_CRYPTO_ERROR_AUTH_FAILED);
  g_clear_pointer (&bad, g_bytes_unref);

  /* Keys that cannot take part. */
  public_key = public_only (key);
  EXPECT_DECRYPT_ERROR (envelope, public_key, thumbprint, IDEM_MOSIP_CRYPTO_ERROR_BAD_KEY);

  ec_key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_EC_P256, 0, NULL);
  EXPECT_DECRYPT_ERROR (envelope, ec_key, thumbprint, IDEM_MOSIP_CRYPTO_ERROR_BAD_KEY);
  g_assert_null (idem_mosip_encrypt (payload, ec_key, thumbprint, NULL, &error));
  assert_mosip_error (error, IDEM_MOSIP_CRYPTO_ERROR_BAD_KEY);

  small_key = EVP_PKEY_Q_keygen (NULL, NULL, "RSA", (size_t) 1024);
  g_assert_null (idem_mosip_encrypt (payload, small_key, thumbprint, NULL, &error));
  assert_mosip_error (error, IDEM_MOSIP_CRYPTO_ERROR_BAD_KEY);

#undef EXPECT_DECRYPT_ERROR

  /* After all of that, the original still decrypts. */
  g_clear_pointer (&decrypted, g_bytes_unref);
  decrypted = idem_mosip_decrypt (envelope, key, thumbprint, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (decrypted, payload));
}

/* Every prefix of an envelope, and random bytes around a splitter placed
 * anywhere: each is refused with one of the documented codes, never
 * accepted, and leaves nothing in OpenSSL's error queue. */
static void
test_mosip_every_truncation_and_garbage (void)
{
  g_autoptr(GBytes) payload = random_payload (40);
  g_autoptr(GBytes) envelope = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260101);
  const guint8 *data;
  gsize length;

  envelope = idem_mosip_encrypt (payload, key, thumbprint, NULL, NULL);
  data = g_bytes_get_data (envelope, &length);

  for (gsize cut = 0; cut < length; cut++)
    {
      g_autoptr(GBytes) prefix = g_bytes_new (data, cut);
      g_autoptr(GBytes) result = NULL;
      GError *error = NULL;

      result = idem_mosip_decrypt (prefix, key, thumbprint, &error);
      g_assert_null (result);
      g_assert_nonnull (error);
      g_assert_true (error->domain == IDEM_MOSIP_CRYPTO_ERROR);
      if (cut < 44 + 32 + 14 + 16)
        g_assert_cmpint (error->code, ==, IDEM_MOSIP_CRYPTO_ERROR_TOO_SHORT);
      else if (cut < OFFSET_CIPHERTEXT)
        g_assert_cmpint (error->code, ==, IDEM_MOSIP_CRYPTO_ERROR_NO_KEY_SPLITTER);
      else if (cut < OFFSET_CIPHERTEXT + 16)
        g_assert_cmpint (error->code, ==, IDEM_MOSIP_CRYPTO_ERROR_TOO_SHORT);
      else
        g_assert_cmpint (error->code, ==, IDEM_MOSIP_CRYPTO_ERROR_AUTH_FAILED);
      g_assert_cmpuint (ERR_peek_error (), ==, 0);
      g_clear_error (&error);
    }

  for (guint i = 0; i < 200; i++)
    {
      gsize garbage_length = g_rand_int_range (rand, 0, 700);
      g_autofree guint8 *garbage = g_malloc (garbage_length + 1);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GBytes) result = NULL;
      GError *error = NULL;

      for (gsize j = 0; j < garbage_length; j++)
        garbage[j] = g_rand_int_range (rand, 0, 256);
      if (garbage_length > 60 && i % 2 == 0)
        {
          gsize at = g_rand_int_range (rand, 44, garbage_length - 14);

          memcpy (garbage + at, IDEM_MOSIP_KEY_SPLITTER, IDEM_MOSIP_KEY_SPLITTER_SIZE);
        }
      bytes = g_bytes_new (garbage, garbage_length);

      result = idem_mosip_decrypt (bytes, key, i % 3 == 0 ? NULL : thumbprint, &error);
      g_assert_null (result);
      g_assert_nonnull (error);
      g_assert_true (error->domain == IDEM_MOSIP_CRYPTO_ERROR);
      g_assert_cmpint (error->code, >=, IDEM_MOSIP_CRYPTO_ERROR_TOO_SHORT);
      g_assert_cmpint (error->code, <=, IDEM_MOSIP_CRYPTO_ERROR_AUTH_FAILED);
      g_assert_cmpuint (ERR_peek_error (), ==, 0);
      g_clear_error (&error);
    }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_RSA, 2048, NULL);
  other_key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_RSA, 2048, NULL);
  g_assert_nonnull (key);
  g_assert_nonnull (other_key);
  certificate = make_certificate (key, "10001_10002");
  other_certificate = make_certificate (other_key, "10001_10003");
  idem_mosip_certificate_thumbprint (certificate, thumbprint);
  idem_mosip_certificate_thumbprint (other_certificate, other_thumbprint);

  g_test_add_func ("/crypto/mosip/layout", test_mosip_layout);
  g_test_add_func ("/crypto/mosip/round-trip", test_mosip_round_trip);
  g_test_add_func ("/crypto/mosip/errors", test_mosip_errors);
  g_test_add_func ("/crypto/mosip/every-truncation-and-garbage", test_mosip_every_truncation_and_garbage);

  status = g_test_run ();

  X509_free (certificate);
  X509_free (other_certificate);
  EVP_PKEY_free (key);
  EVP_PKEY_free (other_key);

  return status;
}
