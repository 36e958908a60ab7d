/* idem-pinned-database.c — a TLS database that trusts one certificate only
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A workstation pins its server's own certificate.  Pinning with the
 * "accept-certificate" signal alone is not enough: that signal is only
 * emitted when verification against the connection's database fails, so
 * a certificate the system's authorities vouch for would be accepted
 * without the pin ever being looked at.  Made the connection's database,
 * this one is what verification asks, and it says yes to the pinned
 * certificate and no to everything else.
 *
 * It is also cheap.  glib-networking builds a GnuTLS trust list for each
 * new connection from a database of its own kind (the system one parses
 * every CA certificate on the machine, tens of milliseconds of CPU); a
 * database of another kind gets empty credentials and is asked through
 * g_tls_database_verify_chain() only.
 *
 * The certificate is set once, at construction: connections on other
 * threads may verify with the same database at any time.
 */

#define G_LOG_DOMAIN "idem-pinned-database"

#include "config.h"

#include "idem.h"

struct _IdemPinnedDatabase
{
  GTlsDatabase     parent_instance;

  GTlsCertificate *certificate;
};

G_DEFINE_FINAL_TYPE (IdemPinnedDatabase, idem_pinned_database, G_TYPE_TLS_DATABASE)

enum {
  PROP_0,
  PROP_CERTIFICATE,
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];

static GTlsCertificateFlags
idem_pinned_database_verify_chain (GTlsDatabase             *database,
                                   GTlsCertificate          *chain,
                                   const char               *purpose,
                                   GSocketConnectable       *identity,
                                   GTlsInteraction          *interaction,
                                   GTlsDatabaseVerifyFlags   flags,
                                   GCancellable             *cancellable,
                                   GError                  **error)
{
  IdemPinnedDatabase *self = IDEM_PINNED_DATABASE (database);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return G_TLS_CERTIFICATE_GENERIC_ERROR;

  /* Only the leaf counts: the pin is the server's own certificate, not an
   * authority.  @identity is deliberately not checked: a workstation may
   * reach its server by an address the certificate does not name (an IP
   * address on the site's network, a new DNS name), and the pin already
   * says which server this is, since only the holder of the pinned
   * certificate's key can complete the handshake.  Nor are the validity
   * dates: the pin is the whole trust decision, and it is changed by
   * pinning the server's new certificate. */
  if (self->certificate != NULL && g_tls_certificate_is_same (chain, self->certificate))
    return G_TLS_CERTIFICATE_NO_FLAGS;

  return G_TLS_CERTIFICATE_UNKNOWN_CA;
}

/* The lookups answer "not here".  Nothing in GLib, glib-networking or
 * libsoup asks a database that is not GnuTLS's own for them, but
 * GTlsDatabase's public functions fail with a critical when the class leaves
 * one out, and a caller deserves an answer. */

static char *
idem_pinned_database_create_certificate_handle (GTlsDatabase    *database,
                                                GTlsCertificate *certificate)
{
  return NULL;
}

static GTlsCertificate *
idem_pinned_database_lookup_certificate_for_handle (GTlsDatabase             *database,
                                                    const char               *handle,
                                                    GTlsInteraction          *interaction,
                                                    GTlsDatabaseLookupFlags   flags,
                                                    GCancellable             *cancellable,
                                                    GError                  **error)
{
  g_cancellable_set_error_if_cancelled (cancellable, error);
  return NULL;
}

static GTlsCertificate *
idem_pinned_database_lookup_certificate_issuer (GTlsDatabase             *database,
                                                GTlsCertificate          *certificate,
                                                GTlsInteraction          *interaction,
                                                GTlsDatabaseLookupFlags   flags,
                                                GCancellable             *cancellable,
                                                GError                  **error)
{
  g_cancellable_set_error_if_cancelled (cancellable, error);
  return NULL;
}

static GList *
idem_pinned_database_lookup_certificates_issued_by (GTlsDatabase             *database,
                                                    GByteArray               *issuer_raw_dn,
                                                    GTlsInteraction          *interaction,
                                                    GTlsDatabaseLookupFlags   flags,
                                                    GCancellable             *cancellable,
                                                    GError                  **error)
{
  g_cancellable_set_error_if_cancelled (cancellable, error);
  return NULL;
}

static void
idem_pinned_database_dispose (GObject *object)
{
  IdemPinnedDatabase *self = (IdemPinnedDatabase *)object;

  g_clear_object (&self->certificate);

  G_OBJECT_CLASS (idem_pinned_database_parent_class)->dispose (object);
}

static void
idem_pinned_database_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  IdemPinnedDatabase *self = IDEM_PINNED_DATABASE (object);

  switch (prop_id)
    {
    case PROP_CERTIFICATE:
      g_value_set_object (value, self->certificate);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
idem_pinned_database_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  IdemPinnedDatabase *self = IDEM_PINNED_DATABASE (object);

  switch (prop_id)
    {
    case PROP_CERTIFICATE:
      self->certificate = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
idem_pinned_database_class_init (IdemPinnedDatabaseClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GTlsDatabaseClass *database_class = G_TLS_DATABASE_CLASS (klass);

  object_class->dispose = idem_pinned_database_dispose;
  object_class->get_property = idem_pinned_database_get_property;
  object_class->set_property = idem_pinned_database_set_property;

  database_class->verify_chain = idem_pinned_database_verify_chain;
  database_class->create_certificate_handle = idem_pinned_database_create_certificate_handle;
  database_class->lookup_certificate_for_handle = idem_pinned_database_lookup_certificate_for_handle;
  database_class->lookup_certificate_issuer = idem_pinned_database_lookup_certificate_issuer;
  database_class->lookup_certificates_issued_by = idem_pinned_database_lookup_certificates_issued_by;

  /**
   * IdemPinnedDatabase:certificate:
   *
   * The only certificate the database trusts, or %NULL to trust none.
   * Set at construction only.
   */
  properties[PROP_CERTIFICATE] =
    g_param_spec_object ("certificate", NULL, NULL, G_TYPE_TLS_CERTIFICATE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
idem_pinned_database_init (IdemPinnedDatabase *self)
{
}

/**
 * idem_pinned_database_new:
 * @certificate: (nullable): the one certificate to trust, or %NULL to
 *   trust none
 *
 * A database for g_tls_connection_set_database() or a SoupSession's
 * "tls-database": verification succeeds for a chain whose first
 * certificate is @certificate, whatever the peer's name, and fails with
 * %G_TLS_CERTIFICATE_UNKNOWN_CA for any other.
 *
 * Returns: (transfer full): a new database
 */
GTlsDatabase *
idem_pinned_database_new (GTlsCertificate *certificate)
{
  g_return_val_if_fail (certificate == NULL || G_IS_TLS_CERTIFICATE (certificate), NULL);

  return g_object_new (IDEM_TYPE_PINNED_DATABASE, "certificate", certificate, NULL);
}

/**
 * idem_pinned_database_get_certificate:
 * @self: a pinned database
 *
 * Returns: (transfer none) (nullable): the certificate it trusts
 */
GTlsCertificate *
idem_pinned_database_get_certificate (IdemPinnedDatabase *self)
{
  g_return_val_if_fail (IDEM_IS_PINNED_DATABASE (self), NULL);

  return self->certificate;
}
