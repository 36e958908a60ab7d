/* srv-server.c — one running idem-server: its database, keys and listener
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Start-up checks everything before listening: the database (migrated),
 * the keys (decrypted), the TLS certificate.  A server that cannot do its
 * job refuses to start with an error saying why, rather than answer
 * requests it would fail.
 */

#define G_LOG_DOMAIN "idem-server"

#include "config.h"

#include "srv-server.h"
#include "srv-admin.h"
#include "srv-abis-api.h"
#include "srv-abis-builtin.h"
#include "srv-abis-http.h"
#include "srv-adjudication.h"
#include "srv-error.h"
#include "srv-health.h"
#include "srv-idrepo-api.h"
#include "srv-intake.h"
#include "srv-ledger-api.h"
#include "srv-sync.h"
#include "srv-tls.h"

#include "idem.h"

#include <glib/gi18n.h>

struct _SrvServer
{
  GObject      parent_instance;

  SrvConfig   *config;
  SrvDatabase *database;
  SrvKeys     *keys;
  SrvLedger   *ledger;
  SrvDataKeys *data_keys;
  SrvIdrepo   *idrepo;
  SrvDemoDedup *demo_dedup;
  SrvAdminAuth *admin_auth;
  SrvPacketKeys *packet_keys;
  SrvAbis     *abis;
  SrvUinPool  *uin_pool;
  SrvOutbox   *outbox;
  SrvPipeline *pipeline;
  SrvRouter   *router;
  SoupServer  *soup;
  gint64       start_time;
  guint        uin_refill;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (SrvServer, srv_server, G_TYPE_OBJECT)

/* How often the outbox sender and the UIN pool refill look for work. */
#define OUTBOX_INTERVAL_MS    200
#define UIN_REFILL_INTERVAL_S 5

static void
srv_server_dispose (GObject *object)
{
  SrvServer *self = (SrvServer *)object;

  srv_server_stop (self, NULL);

  G_OBJECT_CLASS (srv_server_parent_class)->dispose (object);
}

static void
srv_server_finalize (GObject *object)
{
  SrvServer *self = (SrvServer *)object;

  g_clear_pointer (&self->config, srv_config_free);

  G_OBJECT_CLASS (srv_server_parent_class)->finalize (object);
}

static void
srv_server_class_init (SrvServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = srv_server_dispose;
  object_class->finalize = srv_server_finalize;
}

static void
srv_server_init (SrvServer *self)
{
}

/**
 * srv_server_new:
 * @config: (transfer full): the configuration to run with
 *
 * Returns: (transfer full): a server, not yet started
 */
SrvServer *
srv_server_new (SrvConfig *config)
{
  SrvServer *self;

  g_return_val_if_fail (config != NULL, NULL);

  self = g_object_new (SRV_TYPE_SERVER, NULL);
  self->config = config;
  return self;
}

static gboolean
start_listening (SrvServer  *self,
                 GError    **error)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GError) local_error = NULL;

  address = g_inet_address_new_from_string (self->config->address);
  if (address == NULL)
    {
      g_set_error (error, SRV_ERROR, SRV_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an IP address"), self->config->address);
      return FALSE;
    }

  socket_address = g_inet_socket_address_new (address, self->config->port);
  if (!soup_server_listen (self->soup, socket_address,
                           self->config->tls ? SOUP_SERVER_LISTEN_HTTPS : 0,
                           &local_error))
    {
      g_set_error (error, SRV_ERROR, SRV_ERROR_LISTEN,
                   _("Could not listen on %s port %u: %s"),
                   self->config->address, self->config->port, local_error->message);
      return FALSE;
    }

  return TRUE;
}

/* The built-in ABIS, loaded from the database, unless idem.conf names an
 * external one. */
static SrvAbis *
create_abis (SrvServer  *self,
             GError    **error)
{
  g_autoptr(GTlsCertificate) pinned = NULL;
  g_autofree char *password = NULL;
  g_autoptr(GError) local_error = NULL;

  if (self->config->abis_url == NULL)
    return SRV_ABIS (srv_abis_builtin_new (self->database, self->data_keys, 0, error));

  if (!g_file_get_contents (self->config->abis_password_file, &password, NULL, &local_error))
    {
      g_set_error (error, SRV_ERROR, SRV_ERROR_CONFIG, _("The external ABIS password cannot be read: %s"),
                   local_error->message);
      return NULL;
    }
  g_strchomp (password);
  if (self->config->abis_certificate != NULL &&
      !(pinned = g_tls_certificate_new_from_file (self->config->abis_certificate, &local_error)))
    {
      g_set_error (error, SRV_ERROR, SRV_ERROR_CONFIG, _("The external ABIS certificate cannot be read: %s"),
                   local_error->message);
      return NULL;
    }

  return SRV_ABIS (srv_abis_http_new (self->config->abis_url, self->config->abis_user, password, pinned, error));
}

static void
uin_pool_refilled_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!srv_uin_pool_refill_finish (SRV_UIN_POOL (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("%s", error->message);
}

/* The pool is refilled in the background, ahead of need, so issuing a
 * UIN never waits for a batch to be drawn. */
static gboolean
refill_uin_pool_cb (gpointer user_data)
{
  SrvServer *self = user_data;
  gint64 available = srv_uin_pool_count_available (self->uin_pool, NULL);

  if (available >= 0 && available < SRV_UIN_POOL_LOW_WATER)
    srv_uin_pool_refill_async (self->uin_pool, self->cancellable, uin_pool_refilled_cb, NULL);

  return G_SOURCE_CONTINUE;
}

/* Intake and processing: the UIN pool (filled now if empty), the outbox
 * (reconciled with its sink) and the pipeline, not yet running. */
static gboolean
start_pipeline (SrvServer  *self,
                GError    **error)
{
  g_autofree char *sink = g_build_filename (self->config->data_dir, SRV_OUTBOX_SINK_NAME, NULL);
  SrvPipelineSettings settings;

  self->cancellable = g_cancellable_new ();
  self->uin_pool = srv_uin_pool_new (self->database, SRV_UIN_POOL_LOW_WATER, SRV_UIN_POOL_BATCH);
  if (!srv_uin_pool_refill (self->uin_pool, error))
    return FALSE;

  self->outbox = srv_outbox_new (self->database, sink);
  if (!srv_outbox_recover (self->outbox, error))
    return FALSE;

  srv_pipeline_settings_load (&settings, self->config->data_dir);
  self->pipeline = srv_pipeline_new (self, &settings);
  return TRUE;
}

/**
 * srv_server_start:
 * @self: a server
 * @error: return location for an error in %SRV_ERROR
 *
 * Opens and migrates the database, loads the keys and the TLS certificate,
 * and listens.  On failure nothing is left open.
 *
 * Returns: whether the server is listening
 */
gboolean
srv_server_start (SrvServer  *self,
                  GError    **error)
{
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autofree char *server_header = NULL;

  g_return_val_if_fail (SRV_IS_SERVER (self), FALSE);
  g_return_val_if_fail (self->soup == NULL, FALSE);

  self->database = srv_database_open (self->config->database_path, FALSE, error);
  if (self->database == NULL || !srv_database_migrate (self->database, error))
    goto fail;

  self->keys = srv_keys_load (self->config, error);
  if (self->keys == NULL)
    goto fail;

  self->ledger = srv_ledger_new (self->database, self->keys->signing, error);
  if (self->ledger == NULL)
    goto fail;
  srv_ledger_start_checkpoints (self->ledger, SRV_LEDGER_CHECKPOINT_INTERVAL_MS);

  self->data_keys = srv_data_keys_load (self->database, self->keys->encryption, error);
  if (self->data_keys == NULL)
    goto fail;
  self->idrepo = srv_idrepo_new (self->database, self->ledger, self->data_keys);
  self->demo_dedup = srv_demo_dedup_new (self->database, self->data_keys);
  if (!srv_idrepo_api_load_vid_policy (self->idrepo, self->config->data_dir, error))
    goto fail;

  self->admin_auth = srv_admin_auth_new (self->database, self->keys->encryption, error);
  if (self->admin_auth == NULL)
    goto fail;

  self->abis = create_abis (self, error);
  if (self->abis == NULL)
    goto fail;
  self->packet_keys = srv_packet_keys_new (self->database, self->keys->encryption, self->keys->signing);

  if (!start_pipeline (self, error))
    goto fail;

  if (self->config->tls)
    {
      certificate = srv_tls_load (self->config->tls_certificate, self->config->tls_key, error);
      if (certificate == NULL)
        goto fail;
    }

  /* The trailing space makes libsoup append its own name and version. */
  server_header = g_strdup_printf ("idem-server/%s ", IDEM_VERSION_STRING);
  self->soup = soup_server_new ("server-header", server_header,
                                "tls-certificate", certificate,
                                NULL);

  self->router = srv_router_new ();
  srv_health_add_routes (self->router, self);
  srv_ledger_api_add_routes (self->router, self->ledger);
  srv_idrepo_api_add_routes (self->router, self);
  srv_intake_add_routes (self->router, self);
  srv_adjudication_add_routes (self->router, self);
  srv_abis_api_add_routes (self->router, self);
  srv_sync_add_routes (self->router, self);
  srv_admin_auth_add_routes (self->router, self);
  srv_admin_add_routes (self->router, self);
  srv_router_attach (self->router, self->soup);

  if (!start_listening (self, error))
    goto fail;

  if (!srv_pipeline_start (self->pipeline, error))
    goto fail;
  srv_outbox_start (self->outbox, OUTBOX_INTERVAL_MS);
  self->uin_refill = g_timeout_add_seconds (UIN_REFILL_INTERVAL_S, refill_uin_pool_cb, self);

  self->start_time = g_get_monotonic_time ();
  return TRUE;

fail:
  srv_server_stop (self, NULL);
  return FALSE;
}

/**
 * srv_server_stop:
 * @self: a server
 * @error: return location for a %SRV_ERROR_DATABASE error
 *
 * Stops listening, drops open connections, checkpoints and closes the
 * database and frees the keys.  Stopping a stopped server does nothing.
 *
 * Returns: whether the database closed cleanly
 */
gboolean
srv_server_stop (SrvServer  *self,
                 GError    **error)
{
  gboolean ok = TRUE;

  g_return_val_if_fail (SRV_IS_SERVER (self), FALSE);

  /* Workers first: they use everything below. */
  if (self->pipeline != NULL)
    srv_pipeline_stop (self->pipeline);
  g_clear_object (&self->pipeline);
  g_clear_handle_id (&self->uin_refill, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->outbox != NULL)
    srv_outbox_stop (self->outbox);
  g_clear_object (&self->outbox);
  g_clear_object (&self->uin_pool);

  if (self->soup != NULL)
    soup_server_disconnect (self->soup);

  if (self->router != NULL)
    srv_router_detach (self->router);

  g_clear_object (&self->router);
  g_clear_object (&self->soup);

  g_clear_object (&self->abis);
  g_clear_object (&self->packet_keys);
  g_clear_object (&self->demo_dedup);
  g_clear_object (&self->idrepo);
  g_clear_object (&self->admin_auth);
  g_clear_pointer (&self->data_keys, srv_data_keys_free);

  /* The last leaves get their checkpoint before the database closes. */
  if (self->ledger != NULL)
    {
      g_autoptr(IdemLedgerCheckpoint) checkpoint = srv_ledger_sign_checkpoint (self->ledger, NULL);

      srv_ledger_stop_checkpoints (self->ledger);
    }
  g_clear_object (&self->ledger);

  if (self->database != NULL)
    ok = srv_database_close (self->database, error);

  g_clear_object (&self->database);
  g_clear_pointer (&self->keys, srv_keys_free);

  return ok;
}

SrvConfig *
srv_server_get_config (SrvServer *self)
{
  g_return_val_if_fail (SRV_IS_SERVER (self), NULL);

  return self->config;
}

SrvDatabase *
srv_server_get_database (SrvServer *self)
{
  g_return_val_if_fail (SRV_IS_SERVER (self), NULL);

  return self->database;
}

SrvKeys *
srv_server_get_keys (SrvServer *self)
{
  g_return_val_if_fail (SRV_IS_SERVER (self), NULL);

  return self->keys;
}

/**
 * srv_server_get_ledger:
 * @self: a started server
 *
 * Returns: (transfer none) (nullable): the ledger of identity changes
 */
SrvLedger *
srv_server_get_ledger (SrvServer *self)
{
  g_return_val_if_fail (SRV_IS_SERVER (self), NULL);

  return self->ledger;
}

/**
 * srv_server_get_idrepo:
 * @self: a started server
 *
 * Returns: (transfer none) (nullable): the ID repository
 */
SrvIdrepo *
srv_server_get_idrepo (SrvServer *self)
{
  g_return_val_if_fail (SRV_IS_SERVER (self), NULL);

  return self->idrepo;
}

/**
 * srv_server_get_demo_dedup:
 * @self: a started server
 *
 * Returns: (transfer none) (nullable): the demographic de-duplication index
 */
SrvDemoDedup *
srv_server_get_demo_dedup (SrvServer *self)
{
  g_return_val_if_fail (SRV_IS_SERVER (self), NULL);

  return self->demo_dedup;
}

/**
 * srv_server_get_packet_keys:
 * @self: a started server
 *
 * Returns: (transfer none) (nullable): the packet-encryption keys of the
 *   centres' machines
 */
SrvPacketKeys *
srv_server_get_packet_keys (SrvServer *self)
{
  g_return_val_if_fail (SRV_IS_SERVER (self), NULL);

  return self->packet_keys;
}

/**
 * srv_server_get_admin_auth:
 * @self: a started server
 *
 * Returns: (transfer none) (nullable): the login and token service
 */
SrvAdminAuth *
srv_server_get_admin_auth (SrvServer *self)
{
  g_return_val_if_fail (SRV_IS_SERVER (self), NULL);

  return self->admin_auth;
}

/**
 * srv_server_get_uin_pool:
 * @self: a started server
 *
 * Returns: (transfer none) (nullable): the pool UINs are issued from
 */
SrvUinPool *
srv_server_get_uin_pool (SrvServer *self)
{
  g_return_val_if_fail (SRV_IS_SERVER (self), NULL);

  return self->uin_pool;
}

/**
 * srv_server_get_outbox:
 * @self: a started server
 *
 * Returns: (transfer none) (nullable): the notifications outbox
 */
SrvOutbox *
srv_server_get_outbox (SrvServer *self)
{
  g_return_val_if_fail (SRV_IS_SERVER (self), NULL);

  return self->outbox;
}

/**
 * srv_server_get_pipeline:
 * @self: a started server
 *
 * Returns: (transfer none) (nullable): the processing pipeline
 */
SrvPipeline *
srv_server_get_pipeline (SrvServer *self)
{
  g_return_val_if_fail (SRV_IS_SERVER (self), NULL);

  return self->pipeline;
}

/**
 * srv_server_get_router:
 * @self: a started server
 *
 * Returns: (transfer none) (nullable): the router, for modules to add routes
 */
SrvRouter *
srv_server_get_router (SrvServer *self)
{
  g_return_val_if_fail (SRV_IS_SERVER (self), NULL);

  return self->router;
}

/**
 * srv_server_get_abis:
 * @self: a started server
 *
 * Returns: (transfer none) (nullable): the ABIS the server identifies
 *   biometrics with: the built-in one, or the external one idem.conf names
 */
SrvAbis *
srv_server_get_abis (SrvServer *self)
{
  g_return_val_if_fail (SRV_IS_SERVER (self), NULL);

  return self->abis;
}

SoupServer *
srv_server_get_soup (SrvServer *self)
{
  g_return_val_if_fail (SRV_IS_SERVER (self), NULL);

  return self->soup;
}

/**
 * srv_server_get_start_time:
 * @self: a server
 *
 * Returns: the monotonic time (g_get_monotonic_time()) the server started
 *   listening at
 */
gint64
srv_server_get_start_time (SrvServer *self)
{
  g_return_val_if_fail (SRV_IS_SERVER (self), 0);

  return self->start_time;
}

/**
 * srv_server_get_port:
 * @self: a started server
 *
 * Returns: the port actually bound, which differs from the configured one
 *   when that was 0; 0 when not listening
 */
guint
srv_server_get_port (SrvServer *self)
{
  GSList *listeners;
  guint port = 0;

  g_return_val_if_fail (SRV_IS_SERVER (self), 0);

  if (self->soup == NULL)
    return 0;

  /* Not soup_server_get_uris(): in libsoup 3.2 it leaks its GUris. */
  listeners = soup_server_get_listeners (self->soup);
  for (GSList *l = listeners; l != NULL && port == 0; l = l->next)
    {
      g_autoptr(GSocketAddress) address = g_socket_get_local_address (l->data, NULL);

      if (G_IS_INET_SOCKET_ADDRESS (address))
        port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
    }
  g_slist_free (listeners);

  return port;
}

/**
 * srv_server_get_url:
 * @self: a started server
 *
 * Returns: (transfer full) (nullable): the base URL the server answers on,
 *   such as "https://127.0.0.1:8443/"
 */
char *
srv_server_get_url (SrvServer *self)
{
  g_autoptr(GInetAddress) address = NULL;
  guint port;

  g_return_val_if_fail (SRV_IS_SERVER (self), NULL);

  port = srv_server_get_port (self);
  if (port == 0)
    return NULL;

  address = g_inet_address_new_from_string (self->config->address);
  return g_strdup_printf ("%s://%s%s%s:%u/",
                          self->config->tls ? "https" : "http",
                          g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6 ? "[" : "",
                          self->config->address,
                          g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6 ? "]" : "",
                          port);
}
