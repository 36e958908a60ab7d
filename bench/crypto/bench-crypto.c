/* bench-crypto.c — how fast the crypto module is, on one core
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Each figure runs its operation in a loop for about --seconds (default
 * 1) on the calling thread and prints one plain line.  Rates are per second
 * of the thread's own CPU time, so a figure means "on one core" even when
 * other processes compete for the machine.  The sizes are those of
 * registration packets (1 MB and 4 MB) and of the ID repository's UIN
 * lookups (an HMAC over 10 digits).
 *
 *   bench-crypto [--seconds S]
 */

#include "config.h"

#include <idem.h>
#include <idem-openssl-types.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

static double seconds = 1.0;

typedef gboolean (*BenchFunc) (gpointer data);

static double
thread_cpu_seconds (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);

  return (double) now.tv_sec + (double) now.tv_nsec / 1e9;
}

/* Runs @func until the time is up; returns operations per CPU second. */
static double
measure (BenchFunc func,
         gpointer  data)
{
  gint64 start;
  gint64 elapsed;
  double cpu_start;
  guint64 count = 0;

  /* One warm-up call: first calls fetch algorithms and fault pages in. */
  if (!func (data))
    g_error ("The benchmarked operation failed");

  start = g_get_monotonic_time ();
  cpu_start = thread_cpu_seconds ();
  do
    {
      for (guint i = 0; i < 16; i++)
        if (!func (data))
          g_error ("The benchmarked operation failed");
      count += 16;
      elapsed = g_get_monotonic_time () - start;
    }
  while (elapsed < (gint64) (seconds * G_USEC_PER_SEC));

  return (double) count / (thread_cpu_seconds () - cpu_start);
}

typedef struct
{
  guint8  key[IDEM_AES_256_KEY_SIZE];
  guint8  nonce[IDEM_GCM_NONCE_SIZE];
  guint8  aad[32];
  guint8 *plaintext;
  guint8 *sealed;
  guint8 *opened;
  gsize   length;
} GcmJob;

static gboolean
gcm_seal_cb (gpointer data)
{
  GcmJob *job = data;

  return idem_aes_gcm_seal (job->key, job->nonce, job->aad, sizeof job->aad,
                            job->plaintext, job->length, job->sealed, NULL);
}

static gboolean
gcm_open_cb (gpointer data)
{
  GcmJob *job = data;

  return idem_aes_gcm_open (job->key, job->nonce, job->aad, sizeof job->aad,
                            job->sealed, job->length + IDEM_GCM_TAG_SIZE, job->opened, NULL);
}

static void
bench_gcm (gsize length)
{
  GcmJob job = { .length = length };
  double rate;

  idem_crypto_random_bytes (job.key, sizeof job.key, NULL);
  idem_crypto_random_bytes (job.nonce, sizeof job.nonce, NULL);
  idem_crypto_random_bytes (job.aad, sizeof job.aad, NULL);
  job.plaintext = g_malloc (length);
  job.sealed = g_malloc (length + IDEM_GCM_TAG_SIZE);
  job.opened = g_malloc (length);
  idem_crypto_random_bytes (job.plaintext, length, NULL);

  rate = measure (gcm_seal_cb, &job);
  g_print ("AES-256-GCM seal, %" G_GSIZE_FORMAT " MB: %.0f MB/s\n",
           length >> 20, rate * (double) length / 1e6);
  rate = measure (gcm_open_cb, &job);
  g_print ("AES-256-GCM open, %" G_GSIZE_FORMAT " MB: %.0f MB/s\n",
           length >> 20, rate * (double) length / 1e6);

  g_free (job.plaintext);
  g_free (job.sealed);
  g_free (job.opened);
}

typedef struct
{
  EVP_PKEY               *key;
  IdemSignatureAlgorithm  algorithm;
  GBytes                 *wrapped;
  GBytes                 *signature;
  guint8                  message[32];
} KeyJob;

static gboolean
oaep_wrap_cb (gpointer data)
{
  KeyJob *job = data;
  g_autoptr(GBytes) wrapped = idem_rsa_oaep_wrap (job->key, job->message, 32, NULL);

  return wrapped != NULL;
}

static gboolean
oaep_unwrap_cb (gpointer data)
{
  KeyJob *job = data;
  g_autoptr(GBytes) secret = idem_rsa_oaep_unwrap (job->key,
                                                   g_bytes_get_data (job->wrapped, NULL),
                                                   g_bytes_get_size (job->wrapped), NULL);

  return secret != NULL;
}

static gboolean
sign_cb (gpointer data)
{
  KeyJob *job = data;
  g_autoptr(GBytes) signature = idem_crypto_sign (job->key, job->algorithm,
                                                  job->message, sizeof job->message, NULL);

  return signature != NULL;
}

static gboolean
verify_cb (gpointer data)
{
  KeyJob *job = data;

  return idem_crypto_verify (job->key, job->algorithm, job->message, sizeof job->message,
                             g_bytes_get_data (job->signature, NULL),
                             g_bytes_get_size (job->signature), NULL);
}

static void
bench_rsa (guint bits)
{
  g_autoptr(EVP_PKEY) key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_RSA, bits, NULL);
  KeyJob job = { .key = key, .algorithm = IDEM_SIGNATURE_RSA_SHA256 };

  idem_crypto_random_bytes (job.message, sizeof job.message, NULL);
  job.wrapped = idem_rsa_oaep_wrap (key, job.message, 32, NULL);
  job.signature = idem_crypto_sign (key, job.algorithm, job.message, sizeof job.message, NULL);

  g_print ("RSA-%u OAEP-SHA256 wrap: %.0f/s\n", bits, measure (oaep_wrap_cb, &job));
  g_print ("RSA-%u OAEP-SHA256 unwrap: %.0f/s\n", bits, measure (oaep_unwrap_cb, &job));
  g_print ("RSA-%u SHA256 sign: %.0f/s\n", bits, measure (sign_cb, &job));
  g_print ("RSA-%u SHA256 verify: %.0f/s\n", bits, measure (verify_cb, &job));

  g_bytes_unref (job.wrapped);
  g_bytes_unref (job.signature);
}

static void
bench_signature (IdemCryptoKeyType       type,
                 IdemSignatureAlgorithm  algorithm,
                 const char             *name)
{
  g_autoptr(EVP_PKEY) key = idem_crypto_generate_key (type, 0, NULL);
  KeyJob job = { .key = key, .algorithm = algorithm };

  idem_crypto_random_bytes (job.message, sizeof job.message, NULL);
  job.signature = idem_crypto_sign (key, algorithm, job.message, sizeof job.message, NULL);

  g_print ("%s sign: %.0f/s\n", name, measure (sign_cb, &job));
  g_print ("%s verify: %.0f/s\n", name, measure (verify_cb, &job));

  g_bytes_unref (job.signature);
}

#define N_UINS 4096

typedef struct
{
  IdemHmac *hmac;
  guint8    key[32];
  char      uins[N_UINS][11];
  guint     next;
} HmacJob;

/* A different 10-digit input each time, as lookups would be, made up
 * front so the loop times the MAC alone. */
static const guint8 *
next_uin (HmacJob *job)
{
  return (const guint8 *) job->uins[job->next++ % N_UINS];
}

static gboolean
hmac_context_cb (gpointer data)
{
  HmacJob *job = data;
  guint8 mac[IDEM_SHA256_SIZE];

  idem_hmac_compute (job->hmac, next_uin (job), 10, mac);

  return TRUE;
}

static gboolean
hmac_one_shot_cb (gpointer data)
{
  HmacJob *job = data;
  guint8 mac[IDEM_SHA256_SIZE];

  return idem_hmac_sha256 (job->key, sizeof job->key, next_uin (job), 10, mac, NULL);
}

static void
bench_hmac (void)
{
  g_autofree HmacJob *job = g_new0 (HmacJob, 1);

  idem_crypto_random_bytes (job->key, sizeof job->key, NULL);
  job->hmac = idem_hmac_new (job->key, sizeof job->key, NULL);
  for (guint i = 0; i < N_UINS; i++)
    g_snprintf (job->uins[i], sizeof job->uins[i], "%010u", g_random_int_range (2000000000, G_MAXINT32));

  g_print ("HMAC-SHA256 of a 10-digit UIN, keyed context: %.0f/s\n", measure (hmac_context_cb, job));
  g_print ("HMAC-SHA256 of a 10-digit UIN, one-shot: %.0f/s\n", measure (hmac_one_shot_cb, job));

  idem_hmac_free (job->hmac);
}

typedef struct
{
  GBytes   *data;
} Sha256Job;

static gboolean
sha256_cb (gpointer data)
{
  Sha256Job *job = data;
  guint8 digest[IDEM_SHA256_SIZE];

  idem_sha256 (g_bytes_get_data (job->data, NULL), g_bytes_get_size (job->data), digest);

  return TRUE;
}

static void
bench_sha256 (gsize length)
{
  guint8 *data = g_malloc (length);
  Sha256Job job;

  idem_crypto_random_bytes (data, length, NULL);
  job.data = g_bytes_new_take (data, length);

  g_print ("SHA-256, %" G_GSIZE_FORMAT " MB: %.0f MB/s\n", length >> 20,
           measure (sha256_cb, &job) * (double) length / 1e6);

  g_bytes_unref (job.data);
}

typedef struct
{
  EVP_PKEY *key;
  guint8    thumbprint[IDEM_MOSIP_THUMBPRINT_SIZE];
  GBytes   *payload;
  GBytes   *envelope;
} EnvelopeJob;

static gboolean
envelope_encrypt_cb (gpointer data)
{
  EnvelopeJob *job = data;
  g_autoptr(GBytes) envelope = idem_mosip_encrypt (job->payload, job->key, job->thumbprint, NULL, NULL);

  return envelope != NULL;
}

static gboolean
envelope_decrypt_cb (gpointer data)
{
  EnvelopeJob *job = data;
  g_autoptr(GBytes) payload = idem_mosip_decrypt (job->envelope, job->key, job->thumbprint, NULL);

  return payload != NULL;
}

static void
bench_envelope (EVP_PKEY *key,
                gsize     length)
{
  EnvelopeJob job = { .key = key };
  guint8 *data = g_malloc (length);

  idem_crypto_random_bytes (data, length, NULL);
  idem_crypto_random_bytes (job.thumbprint, sizeof job.thumbprint, NULL);
  job.payload = g_bytes_new_take (data, length);
  job.envelope = idem_mosip_encrypt (job.payload, key, job.thumbprint, NULL, NULL);

  g_print ("MOSIP envelope (RSA-%d), %" G_GSIZE_FORMAT " MB: encrypt %.0f/s, ",
           EVP_PKEY_get_bits (key), length >> 20, measure (envelope_encrypt_cb, &job));
  g_print ("decrypt %.0f/s\n", measure (envelope_decrypt_cb, &job));

  g_bytes_unref (job.payload);
  g_bytes_unref (job.envelope);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EVP_PKEY) rsa_2048 = NULL;
  const GOptionEntry entries[] = {
    { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &seconds, "Time per figure", "S" },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }

  g_print ("One thread, rates per second of its CPU time; %.1f s per figure\n", seconds);

  bench_gcm (1024 * 1024);
  bench_gcm (4 * 1024 * 1024);
  bench_sha256 (1024 * 1024);
  bench_rsa (2048);
  bench_rsa (3072);
  bench_signature (IDEM_CRYPTO_KEY_ED25519, IDEM_SIGNATURE_ED25519, "Ed25519");
  bench_signature (IDEM_CRYPTO_KEY_EC_P256, IDEM_SIGNATURE_ES256_RAW, "ES256");
  bench_hmac ();

  rsa_2048 = idem_crypto_generate_key (IDEM_CRYPTO_KEY_RSA, 2048, NULL);
  bench_envelope (rsa_2048, 1024 * 1024);
  bench_envelope (rsa_2048, 4 * 1024 * 1024);

  return EXIT_SUCCESS;
}
