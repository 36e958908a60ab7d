/* test-crypto.c — known answers for SHA-256, HMAC, HKDF and AES-256-GCM
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The expected values are the published ones, typed in from FIPS 180-2
 * appendix B, RFC 4231, RFC 5869 and the GCM specification's AES-256 test
 * cases 13-16 (McGrew and Viega, the vectors NIST SP 800-38D refers to).
 */

#include "config.h"

#include "idem.h"
#include "idem-openssl-types.h"

#include "test-crypto-util.h"

static void
test_sha256_known_answers (void)
{
  static const struct {
    const char *message;
    const char *digest;
  } vectors[] = {
    { "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
    { "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
    { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      guint8 digest[IDEM_SHA256_SIZE];

      idem_sha256 ((const guint8 *) vectors[i].message, strlen (vectors[i].message), digest);
      assert_bytes_hex (digest, sizeof digest, vectors[i].digest);
    }
}

static void
test_sha256_streaming (void)
{
  g_autoptr(IdemSha256) sha = idem_sha256_new ();
  guint8 chunk[1000];
  guint8 digest[IDEM_SHA256_SIZE];

  /* "abc" fed one byte at a time. */
  idem_sha256_update (sha, (const guint8 *) "a", 1);
  idem_sha256_update (sha, (const guint8 *) "b", 1);
  idem_sha256_update (sha, NULL, 0);
  idem_sha256_update (sha, (const guint8 *) "c", 1);
  idem_sha256_finish (sha, digest);
  assert_bytes_hex (digest, sizeof digest,
                    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

  /* finish() resets: FIPS 180-2 B.3, one million "a", in 1000 pieces. */
  memset (chunk, 'a', sizeof chunk);
  for (guint i = 0; i < 1000; i++)
    idem_sha256_update (sha, chunk, sizeof chunk);
  idem_sha256_finish (sha, digest);
  assert_bytes_hex (digest, sizeof digest,
                    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");

  /* Nothing fed at all is the digest of the empty string. */
  idem_sha256_finish (sha, digest);
  assert_bytes_hex (digest, sizeof digest,
                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

typedef struct
{
  const char *key_hex;
  const char *data;          /* text, or hex when data_is_hex */
  gboolean    data_is_hex;
  const char *mac;           /* possibly truncated, as test case 5 is */
} HmacVector;

static const char long_key_hex[] =
  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

static const HmacVector rfc4231[] = {
  { "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "Hi There", FALSE,
    "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
  { "4a656665", "what do ya want for nothing?", FALSE,
    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
  { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd", TRUE,
    "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
  { "0102030405060708090a0b0c0d0e0f10111213141516171819",
    "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd", TRUE,
    "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b" },
  { "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c", "Test With Truncation", FALSE,
    "a3b6167473100ee06e0c796c2955552b" },
  { long_key_hex, "Test Using Larger Than Block-Size Key - Hash Key First", FALSE,
    "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
  { long_key_hex,
    "This is a test using a larger than block-size key and a larger than block-size data. "
    "The key needs to be hashed before being used by the HMAC algorithm.", FALSE,
    "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2" },
};

static void
test_hmac_rfc4231 (void)
{
  g_assert_cmpuint (strlen (long_key_hex), ==, 2 * 131);

  for (guint i = 0; i < G_N_ELEMENTS (rfc4231); i++)
    {
      const HmacVector *v = &rfc4231[i];
      g_autoptr(GBytes) key = hex_to_bytes (v->key_hex);
      g_autoptr(GBytes) data = v->data_is_hex ? hex_to_bytes (v->data)
                                              : g_bytes_new_static (v->data, strlen (v->data));
      g_autoptr(IdemHmac) hmac = NULL;
      g_autoptr(GError) error = NULL;
      guint8 one_shot[IDEM_SHA256_SIZE];
      guint8 keyed[IDEM_SHA256_SIZE];
      gsize key_length, data_length;
      const guint8 *key_data = g_bytes_get_data (key, &key_length);
      const guint8 *data_data = g_bytes_get_data (data, &data_length);
      gsize compare = strlen (v->mac) / 2;

      g_test_message ("RFC 4231 test case %u", i + 1);

      g_assert_true (idem_hmac_sha256 (key_data, key_length, data_data, data_length,
                                       one_shot, &error));
      g_assert_no_error (error);
      assert_bytes_hex (one_shot, compare, v->mac);

      /* The reusable context gives the same MAC, every time. */
      hmac = idem_hmac_new (key_data, key_length, &error);
      g_assert_no_error (error);
      for (guint round = 0; round < 3; round++)
        {
          idem_hmac_compute (hmac, data_data, data_length, keyed);
          assert_bytes_hex (keyed, compare, v->mac);
        }
    }
}

static void
test_hmac_context_reuse (void)
{
  static const guint8 key[] = "a key for looking up UINs";
  g_autoptr(IdemHmac) hmac = NULL;
  g_autoptr(GError) error = NULL;
  guint8 first[IDEM_SHA256_SIZE];
  guint8 second[IDEM_SHA256_SIZE];
  guint8 again[IDEM_SHA256_SIZE];
  guint8 expected[IDEM_SHA256_SIZE];

  hmac = idem_hmac_new (key, sizeof key - 1, &error);
  g_assert_no_error (error);

  /* Alternating messages: no state leaks from one MAC into the next. */
  idem_hmac_compute (hmac, (const guint8 *) "2847391056", 10, first);
  idem_hmac_compute (hmac, (const guint8 *) "5930284716", 10, second);
  idem_hmac_compute (hmac, (const guint8 *) "2847391056", 10, again);
  g_assert_cmpmem (first, sizeof first, again, sizeof again);
  g_assert_false (idem_crypto_equal (first, second, sizeof first));

  g_assert_true (idem_hmac_sha256 (key, sizeof key - 1, (const guint8 *) "5930284716", 10,
                                   expected, &error));
  g_assert_cmpmem (second, sizeof second, expected, sizeof expected);

  /* An empty key and an empty message are valid HMAC inputs. */
  g_assert_true (idem_hmac_sha256 (NULL, 0, NULL, 0, expected, &error));
  g_assert_no_error (error);
  assert_bytes_hex (expected, sizeof expected,
                    "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
  g_assert_cmpuint (ERR_peek_error (), ==, 0);
}

typedef struct
{
  const char *ikm;
  const char *salt;
  const char *info;
  gsize       length;
  const char *prk;
  const char *okm;
} HkdfVector;

static const HkdfVector rfc5869[] = {
  { "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
    "000102030405060708090a0b0c",
    "f0f1f2f3f4f5f6f7f8f9",
    42,
    "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
    "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865" },
  { "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
    "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
    "404142434445464748494a4b4c4d4e4f",
    "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
    "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
    "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf",
    "b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecf"
    "d0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeef"
    "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
    82,
    "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
    "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
    "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
    "cc30c58179ec3e87c14c01d5c1f3434f1d87" },
  { "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
    "",
    "",
    42,
    "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
    "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8" },
};

static void
test_hkdf_rfc5869 (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (rfc5869); i++)
    {
      const HkdfVector *v = &rfc5869[i];
      g_autoptr(GBytes) ikm = hex_to_bytes (v->ikm);
      g_autoptr(GBytes) salt = hex_to_bytes (v->salt);
      g_autoptr(GBytes) info = hex_to_bytes (v->info);
      g_autoptr(GError) error = NULL;
      g_autofree guint8 *okm = g_malloc (v->length);
      guint8 prk[IDEM_SHA256_SIZE];
      gsize ikm_length, salt_length, info_length;
      const guint8 *ikm_data = g_bytes_get_data (ikm, &ikm_length);
      const guint8 *salt_data = g_bytes_get_data (salt, &salt_length);
      const guint8 *info_data = g_bytes_get_data (info, &info_length);

      g_test_message ("RFC 5869 test case %u", i + 1);

      g_assert_true (idem_hkdf_sha256_extract (salt_data, salt_length, ikm_data, ikm_length,
                                               prk, &error));
      g_assert_no_error (error);
      assert_bytes_hex (prk, sizeof prk, v->prk);

      g_assert_true (idem_hkdf_sha256_expand (prk, sizeof prk, info_data, info_length,
                                              okm, v->length, &error));
      g_assert_no_error (error);
      assert_bytes_hex (okm, v->length, v->okm);

      memset (okm, 0, v->length);
      g_assert_true (idem_hkdf_sha256 (salt_data, salt_length, ikm_data, ikm_length,
                                       info_data, info_length, okm, v->length, &error));
      g_assert_no_error (error);
      assert_bytes_hex (okm, v->length, v->okm);
    }
}

static void
test_hkdf_bad_input (void)
{
  static const guint8 prk[IDEM_SHA256_SIZE] = { 1, 2, 3 };
  g_autofree guint8 *okm = g_malloc (255 * 32 + 1);
  GError *error = NULL;

  /* RFC 5869 caps the output at 255 blocks: 8160 is allowed, 8161 not. */
  g_assert_true (idem_hkdf_sha256_expand (prk, sizeof prk, NULL, 0, okm, 255 * 32, &error));
  g_assert_no_error (error);

  g_assert_false (idem_hkdf_sha256_expand (prk, sizeof prk, NULL, 0, okm, 255 * 32 + 1, &error));
  assert_crypto_error (error, IDEM_CRYPTO_ERROR_BAD_INPUT);

  g_assert_false (idem_hkdf_sha256_expand (prk, sizeof prk, NULL, 0, okm, 0, &error));
  assert_crypto_error (error, IDEM_CRYPTO_ERROR_BAD_INPUT);

  g_assert_false (idem_hkdf_sha256 (NULL, 0, prk, sizeof prk, NULL, 0, okm, 0, &error));
  assert_crypto_error (error, IDEM_CRYPTO_ERROR_BAD_INPUT);

  /* A pseudorandom key shorter than the hash is not one. */
  g_assert_false (idem_hkdf_sha256_expand (prk, 16, NULL, 0, okm, 32, &error));
  assert_crypto_error (error, IDEM_CRYPTO_ERROR_BAD_INPUT);
}

typedef struct
{
  const char *key;
  const char *nonce;
  const char *aad;
  const char *plaintext;
  const char *ciphertext;
  const char *tag;
} GcmVector;

#define GCM_KEY_15 "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"
#define GCM_PLAINTEXT_15                                                    \
  "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"        \
  "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255"
#define GCM_CIPHERTEXT_15                                                   \
  "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"        \
  "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad"

static const GcmVector gcm_vectors[] = {
  /* Test case 13: all zero, empty plaintext. */
  { "0000000000000000000000000000000000000000000000000000000000000000",
    "000000000000000000000000", "", "", "",
    "530f8afbc74536b9a963b4f1c4cb738b" },
  /* Test case 14: one zero block. */
  { "0000000000000000000000000000000000000000000000000000000000000000",
    "000000000000000000000000", "",
    "00000000000000000000000000000000",
    "cea7403d4d606b6e074ec5d3baf39d18",
    "d0d1c8a799996bf0265b98b5d48ab919" },
  /* Test case 15: four blocks, no AAD. */
  { GCM_KEY_15, "cafebabefacedbaddecaf888", "",
    GCM_PLAINTEXT_15, GCM_CIPHERTEXT_15,
    "b094dac5d93471bdec1a502270e3cc6c" },
  /* Test case 16: a partial last block and 20 bytes of AAD. */
  { GCM_KEY_15, "cafebabefacedbaddecaf888",
    "feedfacedeadbeeffeedfacedeadbeefabaddad2",
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
    "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
    "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
    "76fc6ece0f4e1768cddf8853bb2d551b" },
};

static void
test_aes_gcm_known_answers (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (gcm_vectors); i++)
    {
      const GcmVector *v = &gcm_vectors[i];
      g_autoptr(GBytes) key = hex_to_bytes (v->key);
      g_autoptr(GBytes) nonce = hex_to_bytes (v->nonce);
      g_autoptr(GBytes) aad = hex_to_bytes (v->aad);
      g_autoptr(GBytes) plaintext = hex_to_bytes (v->plaintext);
      g_autoptr(GBytes) sealed = NULL;
      g_autoptr(GBytes) opened = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *expected = g_strconcat (v->ciphertext, v->tag, NULL);
      const guint8 *sealed_data;
      gsize sealed_length;

      g_test_message ("GCM test case %u", 13 + i);
      g_assert_cmpuint (g_bytes_get_size (key), ==, IDEM_AES_256_KEY_SIZE);
      g_assert_cmpuint (g_bytes_get_size (nonce), ==, IDEM_GCM_NONCE_SIZE);

      sealed = idem_aes_gcm_seal_bytes (g_bytes_get_data (key, NULL),
                                        g_bytes_get_data (nonce, NULL),
                                        aad, plaintext, &error);
      g_assert_no_error (error);
      sealed_data = g_bytes_get_data (sealed, &sealed_length);
      assert_bytes_hex (sealed_data, sealed_length, expected);

      opened = idem_aes_gcm_open_bytes (g_bytes_get_data (key, NULL),
                                        g_bytes_get_data (nonce, NULL),
                                        aad, sealed, &error);
      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (opened, plaintext));
    }
}

static void
test_aes_gcm_tampering (void)
{
  guint8 key[IDEM_AES_256_KEY_SIZE];
  guint8 nonce[IDEM_GCM_NONCE_SIZE];
  guint8 aad[32];
  guint8 plaintext[100];
  guint8 sealed[sizeof plaintext + IDEM_GCM_TAG_SIZE];
  guint8 opened[sizeof plaintext];
  GError *error = NULL;

  g_assert_true (idem_crypto_random_bytes (key, sizeof key, NULL));
  g_assert_true (idem_crypto_random_bytes (nonce, sizeof nonce, NULL));
  g_assert_true (idem_crypto_random_bytes (aad, sizeof aad, NULL));
  g_assert_true (idem_crypto_random_bytes (plaintext, sizeof plaintext, NULL));

  g_assert_true (idem_aes_gcm_seal (key, nonce, aad, sizeof aad, plaintext, sizeof plaintext,
                                    sealed, &error));
  g_assert_no_error (error);
  g_assert_true (idem_aes_gcm_open (key, nonce, aad, sizeof aad, sealed, sizeof sealed,
                                    opened, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (opened, sizeof opened, plaintext, sizeof plaintext);

  /* Every single bit flipped anywhere in ciphertext or tag is caught, and
   * no unauthenticated plaintext is left in the output. */
  for (gsize i = 0; i < sizeof sealed; i++)
    {
      sealed[i] ^= 1 << (i % 8);
      memset (opened, 0xa5, sizeof opened);
      g_assert_false (idem_aes_gcm_open (key, nonce, aad, sizeof aad, sealed, sizeof sealed,
                                         opened, &error));
      assert_crypto_error (error, IDEM_CRYPTO_ERROR_AUTH_FAILED);
      for (gsize j = 0; j < sizeof opened; j++)
        g_assert_cmpuint (opened[j], ==, 0);
      sealed[i] ^= 1 << (i % 8);
    }

  /* The associated data, the nonce and the key are all authenticated. */
  aad[31] ^= 0x80;
  g_assert_false (idem_aes_gcm_open (key, nonce, aad, sizeof aad, sealed, sizeof sealed, opened, &error));
  assert_crypto_error (error, IDEM_CRYPTO_ERROR_AUTH_FAILED);
  aad[31] ^= 0x80;

  g_assert_false (idem_aes_gcm_open (key, nonce, aad, sizeof aad - 1, sealed, sizeof sealed, opened, &error));
  assert_crypto_error (error, IDEM_CRYPTO_ERROR_AUTH_FAILED);

  g_assert_false (idem_aes_gcm_open (key, nonce, NULL, 0, sealed, sizeof sealed, opened, &error));
  assert_crypto_error (error, IDEM_CRYPTO_ERROR_AUTH_FAILED);

  nonce[0] ^= 1;
  g_assert_false (idem_aes_gcm_open (key, nonce, aad, sizeof aad, sealed, sizeof sealed, opened, &error));
  assert_crypto_error (error, IDEM_CRYPTO_ERROR_AUTH_FAILED);
  nonce[0] ^= 1;

  key[7] ^= 4;
  g_assert_false (idem_aes_gcm_open (key, nonce, aad, sizeof aad, sealed, sizeof sealed, opened, &error));
  assert_crypto_error (error, IDEM_CRYPTO_ERROR_AUTH_FAILED);
  key[7] ^= 4;

  /* Truncated: one byte short moves the tag, shorter than a tag is malformed. */
  g_assert_false (idem_aes_gcm_open (key, nonce, aad, sizeof aad, sealed, sizeof sealed - 1, opened, &error));
  assert_crypto_error (error, IDEM_CRYPTO_ERROR_AUTH_FAILED);

  g_assert_false (idem_aes_gcm_open (key, nonce, aad, sizeof aad, sealed, IDEM_GCM_TAG_SIZE - 1, opened, &error));
  assert_crypto_error (error, IDEM_CRYPTO_ERROR_BAD_INPUT);

  g_assert_false (idem_aes_gcm_open (key, nonce, aad, sizeof aad, NULL, 0, NULL, &error));
  assert_crypto_error (error, IDEM_CRYPTO_ERROR_BAD_INPUT);

  /* After all that, the original still opens. */
  g_assert_true (idem_aes_gcm_open (key, nonce, aad, sizeof aad, sealed, sizeof sealed, opened, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (opened, sizeof opened, plaintext, sizeof plaintext);
}

static void
test_aes_gcm_edge_cases (void)
{
  static const guint8 key[IDEM_AES_256_KEY_SIZE] = { 0x42 };
  static const guint8 nonce[IDEM_GCM_NONCE_SIZE] = { 0x24 };
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GBytes) opened = NULL;
  g_autofree guint8 *buffer = NULL;
  g_autofree guint8 *original = NULL;
  GError *error = NULL;
  const gsize large = 3 * 1024 * 1024 + 7;

  /* An empty plaintext seals to a bare tag, with or without AAD. */
  sealed = idem_aes_gcm_seal_bytes (key, nonce, NULL, empty, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (sealed), ==, IDEM_GCM_TAG_SIZE);
  opened = idem_aes_gcm_open_bytes (key, nonce, NULL, sealed, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (opened), ==, 0);
  g_clear_pointer (&opened, g_bytes_unref);

  /* ... and the tag still authenticates AAD it was not sealed with. */
  opened = idem_aes_gcm_open_bytes (key, nonce, sealed, sealed, &error);
  assert_crypto_error (error, IDEM_CRYPTO_ERROR_AUTH_FAILED);
  g_assert_null (opened);
  g_clear_pointer (&sealed, g_bytes_unref);

  /* In place, over several megabytes. */
  buffer = g_malloc (large + IDEM_GCM_TAG_SIZE);
  g_assert_true (idem_crypto_random_bytes (buffer, large, NULL));
  original = g_memdup2 (buffer, large);
  g_assert_true (idem_aes_gcm_seal (key, nonce, NULL, 0, buffer, large, buffer, &error));
  g_assert_no_error (error);
  g_assert_false (memcmp (buffer, original, large) == 0);
  g_assert_true (idem_aes_gcm_open (key, nonce, NULL, 0, buffer, large + IDEM_GCM_TAG_SIZE, buffer, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (buffer, large, original, large);

  g_assert_cmpuint (ERR_peek_error (), ==, 0);
}

static void
test_random_and_compare (void)
{
  guint8 a[32] = { 0 };
  guint8 b[32] = { 0 };
  g_autoptr(GBytes) secret = NULL;
  GError *error = NULL;

  g_assert_true (idem_crypto_random_bytes (a, sizeof a, &error));
  g_assert_no_error (error);
  g_assert_true (idem_crypto_random_bytes (b, sizeof b, &error));
  g_assert_true (idem_crypto_random_bytes (NULL, 0, &error));

  /* Two 256-bit draws collide with probability 2^-256. */
  g_assert_false (idem_crypto_equal (a, b, sizeof a));
  g_assert_true (idem_crypto_equal (a, a, sizeof a));
  g_assert_true (idem_crypto_equal (NULL, NULL, 0));
  memcpy (b, a, sizeof a);
  g_assert_true (idem_crypto_equal (a, b, sizeof a));
  b[31] ^= 1;
  g_assert_false (idem_crypto_equal (a, b, sizeof a));
  b[31] ^= 1;
  b[0] ^= 0x80;
  g_assert_false (idem_crypto_equal (a, b, sizeof a));

  secret = idem_crypto_secret_bytes_new (a, sizeof a);
  g_assert_cmpmem (g_bytes_get_data (secret, NULL), g_bytes_get_size (secret), a, sizeof a);

  idem_crypto_wipe (a, sizeof a);
  for (gsize i = 0; i < sizeof a; i++)
    g_assert_cmpuint (a[i], ==, 0);
  idem_crypto_wipe (NULL, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/crypto/sha256/known-answers", test_sha256_known_answers);
  g_test_add_func ("/crypto/sha256/streaming", test_sha256_streaming);
  g_test_add_func ("/crypto/hmac/rfc4231", test_hmac_rfc4231);
  g_test_add_func ("/crypto/hmac/context-reuse", test_hmac_context_reuse);
  g_test_add_func ("/crypto/hkdf/rfc5869", test_hkdf_rfc5869);
  g_test_add_func ("/crypto/hkdf/bad-input", test_hkdf_bad_input);
  g_test_add_func ("/crypto/aes-gcm/known-answers", test_aes_gcm_known_answers);
  g_test_add_func ("/crypto/aes-gcm/tampering", test_aes_gcm_tampering);
  g_test_add_func ("/crypto/aes-gcm/edge-cases", test_aes_gcm_edge_cases);
  g_test_add_func ("/crypto/random-and-compare", test_random_and_compare);

  return g_test_run ();
}
