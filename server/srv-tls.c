/* srv-tls.c — a self-signed certificate, so a new server speaks HTTPS at once
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * OpenSSL makes the certificate; libsoup serves it through GLib's TLS backend
 * (GnuTLS), which only needs the two PEM files.  The certificate is for
 * development and demos: clients pin it (accept it by its exact bytes) rather
 * than trust it.  A deployment replaces both files with a certificate from
 * its own CA and points idem.conf at them.
 */

#define G_LOG_DOMAIN "idem-server"

#include "config.h"

#include "srv-tls.h"
#include "srv-error.h"

#include "idem-openssl-types.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#define VALIDITY_DAYS 365
#define SUBJECT_ALT_NAMES "DNS:localhost,IP:127.0.0.1,IP:::1"

static void
set_tls_error (GError     **error,
               const char  *what)
{
  unsigned long code = ERR_peek_last_error ();
  char reason[256] = "";

  if (code != 0)
    ERR_error_string_n (code, reason, sizeof reason);
  ERR_clear_error ();

  g_set_error (error, SRV_ERROR, SRV_ERROR_TLS, "%s (%s)", what,
               reason[0] != '\0' ? reason : "unknown OpenSSL error");
}

static gboolean
add_extension (X509       *certificate,
               X509V3_CTX *ctx,
               int         nid,
               const char *value)
{
  X509_EXTENSION *extension = X509V3_EXT_nconf_nid (NULL, ctx, nid, value);
  gboolean ok;

  if (extension == NULL)
    return FALSE;

  ok = X509_add_ext (certificate, extension, -1) == 1;
  X509_EXTENSION_free (extension);
  return ok;
}

static X509 *
make_certificate (EVP_PKEY *key)
{
  g_autoptr(X509) certificate = X509_new ();
  g_autoptr(BIGNUM) serial = BN_new ();
  X509_NAME *name;
  X509V3_CTX ctx;

  if (certificate == NULL || serial == NULL)
    return NULL;

  /* RFC 5280: a positive serial of at most 20 octets; 159 random bits. */
  if (!X509_set_version (certificate, X509_VERSION_3) ||
      !BN_rand (serial, 159, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) ||
      BN_to_ASN1_INTEGER (serial, X509_get_serialNumber (certificate)) == NULL)
    return NULL;

  /* An hour of slack for clocks that run behind. */
  if (X509_gmtime_adj (X509_getm_notBefore (certificate), -3600) == NULL ||
      X509_gmtime_adj (X509_getm_notAfter (certificate), (long) VALIDITY_DAYS * 24 * 3600) == NULL)
    return NULL;

  name = X509_get_subject_name (certificate);
  if (!X509_NAME_add_entry_by_txt (name, "O", MBSTRING_UTF8,
                                   (const guchar *) "Idem development server", -1, -1, 0) ||
      !X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8,
                                   (const guchar *) "localhost", -1, -1, 0) ||
      !X509_set_issuer_name (certificate, name) ||
      !X509_set_pubkey (certificate, key))
    return NULL;

  X509V3_set_ctx_nodb (&ctx);
  X509V3_set_ctx (&ctx, certificate, certificate, NULL, NULL, 0);

  if (!add_extension (certificate, &ctx, NID_basic_constraints, "critical,CA:FALSE") ||
      !add_extension (certificate, &ctx, NID_key_usage, "critical,digitalSignature") ||
      !add_extension (certificate, &ctx, NID_ext_key_usage, "serverAuth") ||
      !add_extension (certificate, &ctx, NID_subject_alt_name, SUBJECT_ALT_NAMES) ||
      !add_extension (certificate, &ctx, NID_subject_key_identifier, "hash"))
    return NULL;

  if (X509_sign (certificate, key, EVP_sha256 ()) <= 0)
    return NULL;

  return g_steal_pointer (&certificate);
}

static gboolean
write_pem (const char  *path,
           BIO         *bio,
           int          mode,
           GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *directory = g_path_get_dirname (path);
  char *data = NULL;
  long length = BIO_get_mem_data (bio, &data);

  if (g_mkdir_with_parents (directory, 0700) != 0 ||
      !g_file_set_contents_full (path, data, length,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 mode, &local_error))
    {
      g_set_error (error, SRV_ERROR, SRV_ERROR_IO,
                   _("Could not write %s: %s"), path,
                   local_error != NULL ? local_error->message : g_strerror (errno));
      return FALSE;
    }

  return TRUE;
}

/**
 * srv_tls_create_self_signed:
 * @certificate_path: where to write the certificate (PEM)
 * @key_path: where to write its private key (PEM, mode 0600)
 * @error: return location for an error in %SRV_ERROR
 *
 * Makes an ECDSA P-256 key and a self-signed certificate for localhost,
 * 127.0.0.1 and ::1, valid for a year.  The key is stored unencrypted
 * (mode 0600) because GLib's TLS backend reads only unencrypted PEM keys.
 *
 * Returns: whether both files were written
 */
gboolean
srv_tls_create_self_signed (const char  *certificate_path,
                            const char  *key_path,
                            GError     **error)
{
  g_autoptr(EVP_PKEY) key = NULL;
  g_autoptr(X509) certificate = NULL;
  g_autoptr(BIO) key_bio = NULL;
  g_autoptr(BIO) certificate_bio = NULL;

  g_return_val_if_fail (certificate_path != NULL, FALSE);
  g_return_val_if_fail (key_path != NULL, FALSE);

  key = EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-256");
  if (key == NULL)
    {
      set_tls_error (error, _("Could not generate the TLS key"));
      return FALSE;
    }

  certificate = make_certificate (key);
  if (certificate == NULL)
    {
      set_tls_error (error, _("Could not make the TLS certificate"));
      return FALSE;
    }

  key_bio = BIO_new (BIO_s_secmem ());
  certificate_bio = BIO_new (BIO_s_mem ());
  if (key_bio == NULL || certificate_bio == NULL ||
      !PEM_write_bio_PrivateKey (key_bio, key, NULL, NULL, 0, NULL, NULL) ||
      !PEM_write_bio_X509 (certificate_bio, certificate))
    {
      set_tls_error (error, _("Could not encode the TLS certificate"));
      return FALSE;
    }

  return write_pem (key_path, key_bio, 0600, error) &&
         write_pem (certificate_path, certificate_bio, 0644, error);
}

/**
 * srv_tls_load:
 * @certificate_path: the certificate PEM file
 * @key_path: its private key PEM file
 * @error: return location for a %SRV_ERROR_TLS error
 *
 * Returns: (transfer full) (nullable): the certificate with its key, for
 *   SoupServer:tls-certificate
 */
GTlsCertificate *
srv_tls_load (const char  *certificate_path,
              const char  *key_path,
              GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  GTlsCertificate *certificate;

  g_return_val_if_fail (certificate_path != NULL, NULL);
  g_return_val_if_fail (key_path != NULL, NULL);

  certificate = g_tls_certificate_new_from_files (certificate_path, key_path, &local_error);
  if (certificate == NULL)
    g_set_error (error, SRV_ERROR, SRV_ERROR_TLS,
                 _("Could not load the TLS certificate %s with key %s: %s"),
                 certificate_path, key_path, local_error->message);

  return certificate;
}

/**
 * srv_tls_get_fingerprint:
 * @certificate: a certificate
 *
 * Returns: (transfer full): the SHA-256 of the certificate's DER bytes, in
 *   hex: what a client compares when it pins the certificate
 */
char *
srv_tls_get_fingerprint (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  g_object_get (certificate, "certificate", &der, NULL);
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
}
