/* test-crypto-sign.c — signatures and RSA-OAEP key wrapping
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Ed25519 is deterministic, so RFC 8032's test vectors and the W3C Data
 * Integrity EdDSA vectors are known answers.  RSA and ECDSA keys are made
 * fresh for each run: those tests prove round trips, and that every kind
 * of damage is refused with the right code.
 */

#include "config.h"

#include "idem.h"
#include "idem-openssl-types.h"

#include "test-crypto-util.h"

static EVP_PKEY *rsa_key;
static EVP_PKEY *rsa_other_key;
static EVP_PKEY *ec_key;
static EVP_PKEY *ec_other_key;
static EVP_PKEY *ed_key;

typedef struct
{
  const char *secret;
  const char *public;
  const char *message;
  const char *signature;
} Ed25519Vector;

/* RFC 8032 §7.1, tests 1 to 3. */
static const Ed25519Vector rfc8032[] = {
  { "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
    "",
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
    "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b" },
  { "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
    "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
    "72",
    "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
    "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00" },
  { "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
    "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
    "af82",
    "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
    "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a" },
};

static void
test_ed25519_rfc8032 (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (rfc8032); i++)
    {
      const Ed25519Vector *v = &rfc8032[i];
      g_autoptr(GBytes) secret = hex_to_bytes (v->secret);
      g_autoptr(GBytes) public = hex_to_bytes (v->public);
      g_autoptr(GBytes) message = hex_to_bytes (v->message);
      g_autoptr(GBytes) signature = NULL;
      g_autoptr(EVP_PKEY) private_key = NULL;
      g_autoptr(EVP_PKEY) public_key = NULL;
      g_autofree guint8 *damaged = NULL;
      GError *error = NULL;
      guint8 derived[IDEM_ED25519_KEY_SIZE];
      const guint8 *message_data;
      const guint8 *signature_data;
      gsize message_length;
      gsize signature_length;

      g_test_message ("RFC 8032 test %u", i + 1);
      message_data = g_bytes_get_data (message, &message_length);

      private_key = idem_crypto_ed25519_new_private (g_bytes_get_data (secret, NULL), &error);
      g_assert_no_error (error);
      g_assert_true (idem_crypto_ed25519_get_public (private_key, derived, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (derived, sizeof derived, g_bytes_get_data (public, NULL), g_bytes_get_size (public));

      signature = idem_crypto_sign (private_key, IDEM_SIGNATURE_ED25519,
                                    message_data, message_length, &error);
      g_assert_no_error (error);
      signature_data = g_bytes_get_data (signature, &signature_length);
      assert_bytes_hex (signature_data, signature_length, v->signature);

      public_key = idem_crypto_ed25519_new_public (g_bytes_get_data (public, NULL), &error);
      g_assert_no_error (error);
      g_assert_true (idem_crypto_verify (public_key, IDEM_SIGNATURE_ED25519,
                                         message_data, message_length,
                                         signature_data, signature_length, &error));
      g_assert_no_error (error);

      /* Any flipped bit in the signature is refused. */
      damaged = g_memdup2 (signature_data, signature_length);
      for (gsize j = 0; j < signature_length; j += 7)
        {
          damaged[j] ^= 1 << (j % 8);
          g_assert_false (idem_crypto_verify (public_key, IDEM_SIGNATURE_ED25519,
                                              message_data, message_length,
                                              damaged, signature_length, &error));
          assert_crypto_error (error, IDEM_CRYPTO_ERROR_BAD_SIGNATURE);
          damaged[j] ^= 1 << (j % 8);
        }

      /* So is another message. */
      g_assert_false (idem_crypto_verify (public_key, IDEM_SIGNATURE_ED25519,
                                          (const guint8 *) "x", 1,
                                          signature_data, signature_length, &error));
      assert_crypto_error (error, IDEM_CRYPTO_ERROR_BAD_SIGNATURE);
    }
}

static GBytes *
multikey_decode (const char *multibase,
                 guint8      codec_0,
                 guint8      codec_1)
{
  g_autoptr(GBytes) decoded = NULL;
  const guint8 *data;
  gsize length;

  /* "z" is multibase's prefix for base58btc; the multicodec prefix is
   * 0xed 0x01 for an Ed25519 public key, 0x80 0x26 for a private one. */
  g_assert_cmpint (multibase[0], ==, 'z');
  decoded = base58btc_decode (multibase + 1);
  data = g_bytes_get_data (decoded, &length);
  g_assert_cmpuint (length, ==, 2 + IDEM_ED25519_KEY_SIZE);
  g_assert_cmpuint (data[0], ==, codec_0);
  g_assert_cmpuint (data[1], ==, codec_1);

  return g_bytes_new_from_bytes (decoded, 2, IDEM_ED25519_KEY_SIZE);
}

static void
check_w3c_proof (EVP_PKEY   *key,
                 const char *directory,
                 const char *suffix)
{
  g_autofree char *doc_canon = NULL;
  g_autofree char *proof_canon = NULL;
  g_autofree char *doc_hash = NULL;
  g_autofree char *proof_hash = NULL;
  g_autofree char *combined_hex = NULL;
  g_autofree char *signature_hex = NULL;
  g_autofree char *signature_b58 = NULL;
  g_autoptr(GBytes) combined = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(GBytes) signature_decoded = NULL;
  g_autofree char *path = NULL;
  GError *error = NULL;
  guint8 digest[IDEM_SHA256_SIZE];
  const guint8 *signature_data;
  gsize signature_length;

#define READ_VECTOR(var, name, strip) \
  G_STMT_START { \
    g_free (path); \
    path = g_strdup_printf ("vectors/w3c-vc-di-eddsa/%s/" name "%s.txt", directory, suffix); \
    var = shared_file_contents (path, strip); \
  } G_STMT_END

  READ_VECTOR (doc_canon, "canonDoc", FALSE);
  READ_VECTOR (proof_canon, "proofCanon", FALSE);
  READ_VECTOR (doc_hash, "docHash", TRUE);
  READ_VECTOR (proof_hash, "proofHash", TRUE);
  READ_VECTOR (combined_hex, "combinedHash", TRUE);
  READ_VECTOR (signature_hex, "sigHex", TRUE);
  READ_VECTOR (signature_b58, "sigBTC58", TRUE);
#undef READ_VECTOR

  /* The hashes of the canonical forms, and the message the suite signs:
   * proof configuration hash followed by document hash. */
  idem_sha256 ((const guint8 *) doc_canon, strlen (doc_canon), digest);
  assert_bytes_hex (digest, sizeof digest, doc_hash);
  idem_sha256 ((const guint8 *) proof_canon, strlen (proof_canon), digest);
  assert_bytes_hex (digest, sizeof digest, proof_hash);
  {
    g_autofree char *expected_combined = g_strconcat (proof_hash, doc_hash, NULL);
    g_assert_cmpstr (combined_hex, ==, expected_combined);
  }

  combined = hex_to_bytes (combined_hex);
  signature = idem_crypto_sign (key, IDEM_SIGNATURE_ED25519,
                                g_bytes_get_data (combined, NULL), g_bytes_get_size (combined),
                                &error);
  g_assert_no_error (error);
  signature_data = g_bytes_get_data (signature, &signature_length);
  assert_bytes_hex (signature_data, signature_length, signature_hex);

  g_assert_cmpint (signature_b58[0], ==, 'z');
  signature_decoded = base58btc_decode (signature_b58 + 1);
  g_assert_true (g_bytes_equal (signature_decoded, signature));

  g_assert_true (idem_crypto_verify (key, IDEM_SIGNATURE_ED25519,
                                     g_bytes_get_data (combined, NULL), g_bytes_get_size (combined),
                                     signature_data, signature_length, &error));
  g_assert_no_error (error);
}

static void
test_ed25519_w3c_vectors (void)
{
  g_autofree char *key_pair_json = shared_file_contents ("vectors/w3c-vc-di-eddsa/keyPair.json", FALSE);
  g_autoptr(GRegex) regex = NULL;
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *public_multibase = NULL;
  g_autofree char *private_multibase = NULL;
  g_autoptr(GBytes) public = NULL;
  g_autoptr(GBytes) private = NULL;
  g_autoptr(EVP_PKEY) key = NULL;
  GError *error = NULL;
  guint8 derived[IDEM_ED25519_KEY_SIZE];

  regex = g_regex_new ("\"(publicKeyMultibase|privateKeyMultibase)\"\\s*:\\s*\"(z[1-9A-HJ-NP-Za-km-z]+)\"",
                       0, 0, &error);
  g_assert_no_error (error);
  g_regex_match (regex, key_pair_json, 0, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *name = g_match_info_fetch (match, 1);

      if (g_str_equal (name, "publicKeyMultibase"))
        public_multibase = g_match_info_fetch (match, 2);
      else
        private_multibase = g_match_info_fetch (match, 2);
      g_match_info_next (match, NULL);
    }
  g_assert_nonnull (public_multibase);
  g_assert_nonnull (private_multibase);

  public = multikey_decode (public_multibase, 0xed, 0x01);
  private = multikey_decode (private_multibase, 0x80, 0x26);

  /* The public key derived from the private one is the one published. */
  key = idem_crypto_ed25519_new_private (g_bytes_get_data (private, NULL), &error);
  g_assert_no_error (error);
  g_assert_true (idem_crypto_ed25519_get_public (key, derived, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (derived, sizeof derived, g_bytes_get_data (public, NULL), g_bytes_get_size (public));

  check_w3c_proof (key, "eddsa-jcs-2022", "JCS");
  check_w3c_proof (key, "eddsa-rdfc-2022", "DataInt");
}

static void
check_round_trip_and_tampering (EVP_PKEY               *key,
                                EVP_PKEY               *other_key,
                                IdemSignatureAlgorithm  algorithm)
{
  static const char message[] = "REGISTRATION_CLIENT/NEW/10001100011000420240101120000_id.zip";
  g_autoptr(EVP_PKEY) public_key = public_only (key);
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(GBytes) empty_signature = NULL;
  g_autofree guint8 *damaged = NULL;
  GError *error = NULL;
  const guint8 *data;
  gsize length;

  signature = idem_crypto_sign (key, algorithm, (const guint8 *) message, strlen (message), &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (signature, &length);

  switch (algorithm)
    {
    case IDEM_SIGNATURE_RSA_SHA256:
      g_assert_cmpuint (length, ==, (gsize) EVP_PKEY_get_size (key));
      break;
    case IDEM_SIGNATURE_ES256_RAW:
      g_assert_cmpuint (length, ==, IDEM_ES256_RAW_SIZE);
      break;
    case IDEM_SIGNATURE_ES256_DER:
      g_assert_cmpuint (data[0], ==, 0x30);
      g_assert_cmpuint (length, <=, 72);
      break;
    case IDEM_SIGNATURE_ED25519:
    default:
      g_assert_cmpuint (length, ==, 64);
      break;
    }

  /* The public half verifies it; so does the key pair itself. */
  g_assert_true (idem_crypto_verify (public_key, algorithm, (const guint8 *) message, strlen (message),
                                     data, length, &error));
  g_assert_no_error (error);
  g_assert_true (idem_crypto_verify (key, algorithm, (const guint8 *) message, strlen (message),
                                     data, length, &error));
  g_assert_no_error (error);

  /* A flipped byte of the message or of the signature. */
  g_assert_false (idem_crypto_verify (public_key, algorithm, (const guint8 *) message, strlen (message) - 1,
                                      data, length, &error));
  assert_crypto_error (error, IDEM_CRYPTO_ERROR_BAD_SIGNATURE);

  damaged = g_memdup2 (data, length);
  for (gsize i = 0; i < length; i += 5)
    {
      damaged[i] ^= 0x10;
      g_assert_false (idem_crypto_verify (public_key, algorithm, (const guint8 *) message, strlen (message),
                                          damaged, length, &error));
      assert_crypto_error (error, IDEM_CRYPTO_ERROR_BAD_SIGNATURE);
      damaged[i] ^= 0x10;
    }

  /* Truncated, empty, and made by another key of the same kind. */
  g_assert_false (idem_crypto_verify (public_key, algorithm, (const guint8 *) message, strlen (message),
                                      data, length - 1, &error));
  assert_crypto_error (error, IDEM_CRYPTO_ERROR_BAD_SIGNATURE);

  g_assert_false (idem_crypto_verify (public_key, algorithm, (const guint8 *) message, strlen (message),
                                      NULL, 0, &error));
  assert_crypto_error (error, IDEM_CRYPTO_ERROR_BAD_SIGNATURE);

  g_assert_false (idem_crypto_verify (other_key, algorithm, (const guint8 *) message, strlen (message),
                                      data, length, &error));
  assert_crypto_error (error, IDEM_CRYPTO_ERROR_BAD_SIGNATURE);

  /* An empty message signs and verifies like any other. */
  empty_signature = idem_crypto_sign (key, algorithm, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_true (idem_crypto_verify (public_key, algorithm, NULL, 0,
                                     g_bytes_get_data (empty_signature, NULL),
                                     g_bytes_get_size (empty_signature), &error));
  g_assert_no_error (error);
  g_assert_false (idem_crypto_verify (public_key, algorithm, (const guint8 *) message, strlen (message),
                                      g_bytes_get_data (empty_signature, NULL),
                                      g_bytes_get_size (empty_signature), &error));
  assert_crypto_error (error, IDEM_CRYPTO_ERROR_BAD_SIGNATURE);

  /* Only a private key signs. */
  g_assert_null (idem_crypto_sign (public_key, algorithm, (const guint8 *) message, strlen (message), &error));
  assert_crypto_error (error, IDEM_CRYPTO_ERROR_BAD_KEY);
}

static void
test_rsa_sha256 (void)
{
  check_round_trip_and_tampering (rsa_key, rsa_other_key, IDEM_SIGNATURE_RSA_SHA256);
}

static void
test_ed25519_fresh_keys (void)
{
  g_autoptr(EVP_PKEY) other = idem_crypto_generate_key (IDEM_CRYPTO_KEY_ED25519, 0, NULL);

  check_round_trip_and_tampering (ed_key, other, IDEM_SIGNATURE_ED25519);
}

static void
test_es256 (void)
{
  static const char message[] = "{\"alg\":\"ES256\"}.payload";
  g_autoptr(GBytes) der = NULL;
  g_autoptr(GBytes) raw = NULL;
  GError *error = NULL;

  check_round_trip_and_tampering (ec_key, ec_other_key, IDEM_SIGNATURE_ES256_DER);
  check_round_trip_and_tampering (ec_key, ec_other_key, IDEM_SIGNATURE_ES256_RAW);

  /* The two encodings are not interchangeable. */
  der = idem_crypto_sign (ec_key, IDEM_SIGNATURE_ES256_DER, (const guint8 *) message, strlen (message), &error);
  g_assert_no_error (error);
  raw = idem_crypto_sign (ec_key, IDEM_SIGNATURE_ES256_RAW, (const guint8 *) message, strlen (message), &error);
  g_assert_no_error (error);

  g_assert_false (idem_crypto_verify (ec_key, IDEM_SIGNATURE_ES256_RAW, (const guint8 *) message, strlen (message),
                                      g_bytes_get_data (der, NULL), g_bytes_get_size (der), &error));
  assert_crypto_error (error, IDEM_CRYPTO_ERROR_BAD_SIGNATURE);
  g_assert_false (idem_crypto_verify (ec_key, IDEM_SIGNATURE_ES256_DER, (const guint8 *) message, strlen (message),
                                      g_bytes_get_data (raw, NULL), g_bytes_get_size (raw), &error));
  assert_crypto_error (error, IDEM_CRYPTO_ERROR_BAD_SIGNATURE);

  /* r = s = 0 is well-formed and never valid. */
  {
    guint8 zeros[IDEM_ES256_RAW_SIZE] = { 0 };

    g_assert_false (idem_crypto_verify (ec_key, IDEM_SIGNATURE_ES256_RAW, (const guint8 *) message,
                                        strlen (message), zeros, sizeof zeros, &error));
    assert_crypto_error (error, IDEM_CRYPTO_ERROR_BAD_SIGNATURE);
  }
}

static void
test_signature_key_mismatch (void)
{
  static const guint8 message[] = "m";
  g_autoptr(EVP_PKEY) small_rsa = EVP_PKEY_Q_keygen (NULL, NULL, "RSA", (size_t) 1024);
  g_autoptr(EVP_PKEY) p384 = EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-384");
  g_autoptr(GBytes) signature = NULL;
  GError *error = NULL;

  /* Each scheme takes only its own kind of key. */
  g_assert_null (idem_crypto_sign (ed_key, IDEM_SIGNATURE_RSA_SHA256, message, 1, &error));
  assert_crypto_error (error, IDEM_CRYPTO_ERROR_BAD_KEY);
  g_assert_null (idem_crypto_sign (rsa_key, IDEM_SIGNATURE_ED25519, message, 1, &error));
  assert_crypto_error (error, IDEM_CRYPTO_ERROR_BAD_KEY);
  g_assert_null (idem_crypto_sign (rsa_key, IDEM_SIGNATURE_ES256_RAW, message, 1, &error));
  assert_crypto_error (error, IDEM_CRYPTO_ERROR_BAD_KEY);
  g_assert_null (idem_crypto_sign (p384, IDEM_SIGNATURE_ES256_DER, message, 1, &error));
  assert_crypto_error (error, IDEM_CRYPTO_ERROR_BAD_KEY);
  g_assert_null (idem_crypto_sign (small_rsa, IDEM_SIGNATURE_RSA_SHA256, message, 1, &error));
  assert_crypto_error (error, IDEM_CRYPTO_ERROR_BAD_KEY);
  g_assert_null (idem_crypto_sign (rsa_key, (IdemSignatureAlgorithm) 99, message, 1, &error));
  assert_crypto_error (error, IDEM_CRYPTO_ERROR_BAD_INPUT);

  signature = idem_crypto_sign (ec_key, IDEM_SIGNATURE_ES256_DER, message, 1, &error);
  g_assert_no_error (error);
  g_assert_false (idem_crypto_verify (rsa_key, IDEM_SIGNATURE_ES256_DER, message, 1,
                                      g_bytes_get_data (signature, NULL), g_bytes_get_size (signature), &error));
  assert_crypto_error (error, IDEM_CRYPTO_ERROR_BAD_KEY);
  g_assert_false (idem_crypto_verify (ec_key, IDEM_SIGNATURE_RSA_SHA256, message, 1,
                                      g_bytes_get_data (signature, NULL), g_bytes_get_size (signature), &error));
  assert_crypto_error (error, IDEM_CRYPTO_ERROR_BAD_KEY);

  /* Key generation refuses sizes below the floor, and unknown types. */
  g_assert_null (idem_crypto_generate_key (IDEM_CRYPTO_KEY_RSA, 1024, &error));
  assert_crypto_error (error, IDEM_CRYPTO_ERROR_BAD_INPUT);
  g_assert_null (idem_crypto_generate_key ((IdemCryptoKeyType) 42, 0, &error));
  assert_crypto_error (error, IDEM_CRYPTO_ERROR_BAD_INPUT);

  /* Raw Ed25519 accessors refuse other keys. */
  {
    guint8 raw[IDEM_ED25519_KEY_SIZE];

    g_assert_false (idem_crypto_ed25519_get_public (rsa_key, raw, &error));
    assert_crypto_error (error, IDEM_CRYPTO_ERROR_BAD_KEY);
  }

  g_assert_true (idem_crypto_key_has_private (rsa_key));
  {
    g_autoptr(EVP_PKEY) public_rsa = public_only (rsa_key);
    g_autoptr(EVP_PKEY) public_ec = public_only (ec_key);
    g_autoptr(EVP_PKEY) public_ed = public_only (ed_key);

    g_assert_false (idem_crypto_key_has_private (public_rsa));
    g_assert_false (idem_crypto_key_has_private (public_ec));
    g_assert_false (idem_crypto_key_has_private (public_ed));
    g_assert_true (idem_crypto_key_has_private (ec_key));
    g_assert_true (idem_crypto_key_has_private (ed_key));
  }
  g_assert_cmpuint (ERR_peek_error (), ==, 0);
}

static void
test_rsa_oaep (void)
{
  g_autoptr(EVP_PKEY) public_key = public_only (rsa_key);
  g_autoptr(GBytes) wrapped = NULL;
  g_autoptr(GBytes) wrapped_again = NULL;
  g_autoptr(GBytes) unwrapped = NULL;
  g_autoptr(GBytes) empty_wrapped = NULL;
  g_autofree guint8 *damaged = NULL;
  GError *error = NULL;
  guint8 secret[IDEM_AES_256_KEY_SIZE];
  guint8 too_long[2048 / 8 - 2 * 32 - 1];
  const guint8 *data;
  gsize length;

  g_assert_true (idem_crypto_random_bytes (secret, sizeof secret, NULL));

  wrapped = idem_rsa_oaep_wrap (public_key, secret, sizeof secret, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (wrapped, &length);
  g_assert_cmpuint (length, ==, 256);

  /* OAEP is randomised: the same secret never wraps the same way twice. */
  wrapped_again = idem_rsa_oaep_wrap (public_key, secret, sizeof secret, &error);
  g_assert_no_error (error);
  g_assert_false (g_bytes_equal (wrapped, wrapped_again));

  unwrapped = idem_rsa_oaep_unwrap (rsa_key, data, length, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (unwrapped, NULL), g_bytes_get_size (unwrapped), secret, sizeof secret);

  /* Altered anywhere, or for another key: one error, one message. */
  damaged = g_memdup2 (data, length);
  for (gsize i = 0; i < length; i += 31)
    {
      damaged[i] ^= 0x01;
      g_assert_null (idem_rsa_oaep_unwrap (rsa_key, damaged, length, &error));
      assert_crypto_error (error, IDEM_CRYPTO_ERROR_DECRYPT_FAILED);
      damaged[i] ^= 0x01;
    }
  g_assert_null (idem_rsa_oaep_unwrap (rsa_other_key, data, length, &error));
  assert_crypto_error (error, IDEM_CRYPTO_ERROR_DECRYPT_FAILED);

  /* Truncated or empty input is malformed; a public key cannot unwrap. */
  g_assert_null (idem_rsa_oaep_unwrap (rsa_key, data, length - 1, &error));
  assert_crypto_error (error, IDEM_CRYPTO_ERROR_BAD_INPUT);
  g_assert_null (idem_rsa_oaep_unwrap (rsa_key, NULL, 0, &error));
  assert_crypto_error (error, IDEM_CRYPTO_ERROR_BAD_INPUT);
  g_assert_null (idem_rsa_oaep_unwrap (public_key, data, length, &error));
  assert_crypto_error (error, IDEM_CRYPTO_ERROR_BAD_KEY);
  g_assert_null (idem_rsa_oaep_unwrap (ec_key, data, length, &error));
  assert_crypto_error (error, IDEM_CRYPTO_ERROR_BAD_KEY);
  g_assert_null (idem_rsa_oaep_wrap (ed_key, secret, sizeof secret, &error));
  assert_crypto_error (error, IDEM_CRYPTO_ERROR_BAD_KEY);

  /* RFC 8017's length limit: k - 2 hLen - 2 = 190 bytes for RSA-2048. */
  memset (too_long, 7, sizeof too_long);
  g_assert_null (idem_rsa_oaep_wrap (public_key, too_long, sizeof too_long, &error));
  assert_crypto_error (error, IDEM_CRYPTO_ERROR_BAD_INPUT);
  g_clear_pointer (&wrapped_again, g_bytes_unref);
  wrapped_again = idem_rsa_oaep_wrap (public_key, too_long, sizeof too_long - 1, &error);
  g_assert_no_error (error);
  g_clear_pointer (&unwrapped, g_bytes_unref);
  unwrapped = idem_rsa_oaep_unwrap (rsa_key, g_bytes_get_data (wrapped_again, NULL),
                                    g_bytes_get_size (wrapped_again), &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (unwrapped, NULL), g_bytes_get_size (unwrapped),
                   too_long, sizeof too_long - 1);

  /* An empty secret is a valid OAEP message. */
  empty_wrapped = idem_rsa_oaep_wrap (public_key, NULL, 0, &error);
  g_assert_no_error (error);
  g_clear_pointer (&unwrapped, g_bytes_unref);
  unwrapped = idem_rsa_oaep_unwrap (rsa_key, g_bytes_get_data (empty_wrapped, NULL),
                                    g_bytes_get_size (empty_wrapped), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (unwrapped), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  rsa_key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_RSA, 2048, NULL);
  rsa_other_key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_RSA, 2048, NULL);
  ec_key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_EC_P256, 0, NULL);
  ec_other_key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_EC_P256, 0, NULL);
  ed_key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_ED25519, 0, NULL);
  g_assert_nonnull (rsa_key);
  g_assert_nonnull (rsa_other_key);
  g_assert_nonnull (ec_key);
  g_assert_nonnull (ec_other_key);
  g_assert_nonnull (ed_key);

  g_test_add_func ("/crypto/ed25519/rfc8032", test_ed25519_rfc8032);
  g_test_add_func ("/crypto/ed25519/w3c-vectors", test_ed25519_w3c_vectors);
  g_test_add_func ("/crypto/ed25519/fresh-keys", test_ed25519_fresh_keys);
  g_test_add_func ("/crypto/rsa-sha256", test_rsa_sha256);
  g_test_add_func ("/crypto/es256", test_es256);
  g_test_add_func ("/crypto/signature-key-mismatch", test_signature_key_mismatch);
  g_test_add_func ("/crypto/rsa-oaep", test_rsa_oaep);

  status = g_test_run ();

  EVP_PKEY_free (rsa_key);
  EVP_PKEY_free (rsa_other_key);
  EVP_PKEY_free (ec_key);
  EVP_PKEY_free (ec_other_key);
  EVP_PKEY_free (ed_key);

  return status;
}
