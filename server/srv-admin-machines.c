/* srv-admin-machines.c — registration machines and their signing keys
 *
 *   GET  /v1/admin/machines
 *   GET  /v1/admin/machines/{id}
 *   POST /v1/admin/machines        {id, name, centreId, publicKey, status?}
 *   PUT  /v1/admin/machines/{id}   {name?, centreId?, publicKey?, status?}
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A machine is known by the Ed25519 key it signs its requests with:
 * publicKey is a PEM "PUBLIC KEY" block or the base64 of the DER
 * SubjectPublicKeyInfo.  The server keeps the DER and its SHA-256
 * (keyFingerprint, hex); two machines never share a key.  A machine is
 * mapped to one active centre; decommissioning is final.
 */

#define G_LOG_DOMAIN "idem-server"

#include "config.h"

#include "srv-admin-private.h"

#include "idem.h"

#include <glib/gi18n.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <string.h>

#define MAX_KEY_TEXT 4096

static const SrvAdminColumn columns[] = {
  { "id", SRV_ADMIN_COLUMN_TEXT },
  { "name", SRV_ADMIN_COLUMN_TEXT },
  { "centreId", SRV_ADMIN_COLUMN_TEXT },
  { "publicKey", SRV_ADMIN_COLUMN_BASE64 },
  { "keyFingerprint", SRV_ADMIN_COLUMN_TEXT },
  { "status", SRV_ADMIN_COLUMN_TEXT },
  { "version", SRV_ADMIN_COLUMN_INT },
};

#define SELECT "SELECT id, name, centre_id, public_key, key_fingerprint, status, version FROM machine"

/* Parses a PEM or base64 DER public key; returns the canonical DER of an
 * Ed25519 key, or NULL. */
static GBytes *
parse_public_key (const char *text)
{
  EVP_PKEY *key = NULL;
  unsigned char *der = NULL;
  int der_length;
  GBytes *result = NULL;

  if (g_str_has_prefix (text, "-----BEGIN"))
    {
      BIO *bio = BIO_new_mem_buf (text, -1);

      key = PEM_read_bio_PUBKEY (bio, NULL, NULL, NULL);
      BIO_free (bio);
    }
  else
    {
      g_autofree guchar *data = NULL;
      gsize length = 0;
      gboolean clean = TRUE;

      for (const char *p = text; *p != '\0' && clean; p++)
        clean = g_ascii_isalnum (*p) || *p == '+' || *p == '/' || *p == '=';

      if (clean && strlen (text) % 4 == 0)
        {
          const unsigned char *cursor;

          data = g_base64_decode (text, &length);
          cursor = data;
          key = d2i_PUBKEY (NULL, &cursor, length);
          if (key != NULL && cursor != data + length)
            g_clear_pointer (&key, EVP_PKEY_free);
        }
    }

  if (key != NULL && EVP_PKEY_get_base_id (key) == EVP_PKEY_ED25519)
    {
      der_length = i2d_PUBKEY (key, &der);
      if (der_length > 0)
        result = g_bytes_new (der, der_length);
      OPENSSL_free (der);
    }

  EVP_PKEY_free (key);
  ERR_clear_error ();
  return result;
}

static char *
fingerprint (GBytes *der)
{
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, der);
}

static gboolean
get_public_key (SrvAdminCall  *call,
                gboolean       required,
                GBytes       **der)
{
  JsonNode *node = json_object_get_member (call->request, "publicKey");
  const char *text;

  /* Not srv_admin_call_get_string(): PEM has line breaks. */
  *der = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        srv_admin_call_refuse (call, SOUP_STATUS_BAD_REQUEST, SRV_ADMIN_CODE_MISSING,
                               _("The member “publicKey” is missing"));
      return !required;
    }

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      srv_admin_call_refuse (call, SOUP_STATUS_BAD_REQUEST, SRV_ADMIN_CODE_TYPE,
                             _("The member “publicKey” must be a string"));
      return FALSE;
    }

  text = json_node_get_string (node);
  if (strlen (text) <= MAX_KEY_TEXT)
    *der = parse_public_key (text);

  if (*der == NULL)
    {
      srv_admin_call_refuse (call, SOUP_STATUS_BAD_REQUEST, SRV_ADMIN_CODE_INVALID,
                             _("“publicKey” must be an Ed25519 public key, as PEM or as the base64 of its DER form"));
      return FALSE;
    }

  return TRUE;
}

static void
respond_machine (SrvAdminCall *call,
                 guint         status,
                 const char   *id)
{
  srv_admin_respond_one (call, status, SELECT " WHERE id = ?1", id, NULL, columns, G_N_ELEMENTS (columns), NULL);
}

static void
list_cb (SoupServerMessage *msg,
         GHashTable        *params,
         gpointer           user_data)
{
  g_auto(SrvAdminCall) call = { 0 };

  srv_admin_call_init (&call, user_data, msg, SRV_API_ID_ADMIN, SRV_ADMIN_CODE_PREFIX, NULL);
  if (!srv_admin_call_authorize (&call, SRV_ROLE_ADMIN))
    return;

  srv_admin_respond_list (&call, SELECT " ORDER BY id", NULL, columns, G_N_ELEMENTS (columns), NULL);
}

static void
get_cb (SoupServerMessage *msg,
        GHashTable        *params,
        gpointer           user_data)
{
  g_auto(SrvAdminCall) call = { 0 };

  srv_admin_call_init (&call, user_data, msg, SRV_API_ID_ADMIN, SRV_ADMIN_CODE_PREFIX, NULL);
  if (!srv_admin_call_authorize (&call, SRV_ROLE_ADMIN))
    return;

  respond_machine (&call, SOUP_STATUS_OK, g_hash_table_lookup (params, "id"));
}

/* The centre must exist and not be decommissioned; the key must be no
 * other machine's.  Refuses (after rolling back) when not. */
static gboolean
check_references (SrvAdminCall  *call,
                  const char    *id,
                  const char    *centre_id,
                  const char    *key_fingerprint,
                  gboolean      *ok,
                  GError       **error)
{
  sqlite3 *db = srv_admin_db (call);
  g_autofree char *status = NULL;
  g_autofree char *owner = NULL;

  *ok = FALSE;
  if (centre_id != NULL)
    {
      if (!srv_admin_query_text (db, &status, error, "SELECT status FROM centre WHERE id = ?", "t", centre_id))
        return FALSE;

      if (status == NULL || g_str_equal (status, "DECOMMISSIONED"))
        {
          g_autofree char *message = g_strdup_printf (_("There is no centre “%s” that machines can be mapped to"), centre_id);

          srv_admin_rollback (call);
          srv_admin_call_refuse (call, SOUP_STATUS_BAD_REQUEST, SRV_ADMIN_CODE_REFERENCE, message);
          return TRUE;
        }
    }

  if (key_fingerprint != NULL)
    {
      if (!srv_admin_query_text (db, &owner, error, "SELECT id FROM machine WHERE key_fingerprint = ? AND id != ?",
                                 "tt", key_fingerprint, id))
        return FALSE;

      if (owner != NULL)
        {
          g_autofree char *message = g_strdup_printf (_("The machine “%s” has this public key already: each machine needs its own"), owner);

          srv_admin_rollback (call);
          srv_admin_call_refuse (call, SOUP_STATUS_CONFLICT, SRV_ADMIN_CODE_EXISTS, message);
          return TRUE;
        }
    }

  *ok = TRUE;
  return TRUE;
}

static void
create_cb (SoupServerMessage *msg,
           GHashTable        *params,
           gpointer           user_data)
{
  g_auto(SrvAdminCall) call = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) der = NULL;
  g_autofree char *key_fingerprint = NULL;
  const char *id;
  const char *name;
  const char *centre_id;
  const char *status;
  gboolean exists = FALSE;
  gboolean ok = FALSE;
  gint64 version = 0;
  sqlite3 *db;

  srv_admin_call_init (&call, user_data, msg, SRV_API_ID_ADMIN, SRV_ADMIN_CODE_PREFIX, "machine.create");
  if (!srv_admin_call_authorize (&call, SRV_ROLE_ADMIN) ||
      !srv_admin_call_read (&call, SRV_ADMIN_MAX_BODY_BYTES) ||
      !srv_admin_call_get_id (&call, call.request, "id", TRUE, &id) ||
      !srv_admin_call_get_string (&call, call.request, "name", TRUE, 128, &name) ||
      !srv_admin_call_get_id (&call, call.request, "centreId", TRUE, &centre_id) ||
      !get_public_key (&call, TRUE, &der) ||
      !srv_admin_call_get_enum (&call, call.request, "status", FALSE, srv_admin_statuses, &status))
    return;

  srv_admin_call_set_object (&call, id);
  if (g_strcmp0 (status, "DECOMMISSIONED") == 0)
    {
      srv_admin_call_refuse (&call, SOUP_STATUS_BAD_REQUEST, SRV_ADMIN_CODE_INVALID,
                             _("A new machine cannot be decommissioned"));
      return;
    }

  key_fingerprint = fingerprint (der);
  db = srv_admin_db (&call);
  if (!srv_admin_begin (&call, &error) ||
      !srv_admin_exists (db, &exists, &error, "SELECT 1 FROM machine WHERE id = ?", "t", id))
    goto fail;
  if (exists)
    {
      g_autofree char *message = g_strdup_printf (_("The machine “%s” exists already"), id);

      srv_admin_rollback (&call);
      srv_admin_call_refuse (&call, SOUP_STATUS_CONFLICT, SRV_ADMIN_CODE_EXISTS, message);
      return;
    }

  if (!check_references (&call, id, centre_id, key_fingerprint, &ok, &error))
    goto fail;
  if (!ok)
    return;

  if (!srv_admin_next_version (&call, &version, &error) ||
      !srv_admin_exec (db, &error,
                       "INSERT INTO machine (id, name, centre_id, public_key, key_fingerprint, status, version)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?)",
                       "tttbtti", id, name, centre_id,
                       g_bytes_get_data (der, NULL), g_bytes_get_size (der),
                       key_fingerprint, status != NULL ? status : "ACTIVE", version) ||
      !srv_admin_call_audit_success (&call, key_fingerprint, &error) ||
      !srv_admin_commit (&call, &error))
    goto fail;

  respond_machine (&call, SOUP_STATUS_CREATED, id);
  return;

fail:
  srv_admin_rollback (&call);
  srv_admin_call_fail (&call, error);
}

static void
update_cb (SoupServerMessage *msg,
           GHashTable        *params,
           gpointer           user_data)
{
  g_auto(SrvAdminCall) call = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) der = NULL;
  g_autofree char *key_fingerprint = NULL;
  g_autofree char *current = NULL;
  const char *id = g_hash_table_lookup (params, "id");
  const char *name;
  const char *centre_id;
  const char *status;
  gboolean ok = FALSE;
  gint64 version = 0;
  sqlite3 *db;

  srv_admin_call_init (&call, user_data, msg, SRV_API_ID_ADMIN, SRV_ADMIN_CODE_PREFIX, "machine.update");
  srv_admin_call_set_object (&call, id);
  if (!srv_admin_call_authorize (&call, SRV_ROLE_ADMIN) ||
      !srv_admin_call_read (&call, SRV_ADMIN_MAX_BODY_BYTES) ||
      !srv_admin_call_get_string (&call, call.request, "name", FALSE, 128, &name) ||
      !srv_admin_call_get_id (&call, call.request, "centreId", FALSE, &centre_id) ||
      !get_public_key (&call, FALSE, &der) ||
      !srv_admin_call_get_enum (&call, call.request, "status", FALSE, srv_admin_statuses, &status))
    return;

  if (der != NULL)
    key_fingerprint = fingerprint (der);

  db = srv_admin_db (&call);
  if (!srv_admin_begin (&call, &error) ||
      !srv_admin_query_text (db, &current, &error, "SELECT status FROM machine WHERE id = ?", "t", id))
    goto fail;

  if (current == NULL)
    {
      srv_admin_rollback (&call);
      srv_admin_refuse_not_found (&call, _("machine"), id);
      return;
    }

  if (g_str_equal (current, "DECOMMISSIONED"))
    {
      srv_admin_rollback (&call);
      srv_admin_call_refuse (&call, SOUP_STATUS_CONFLICT, SRV_ADMIN_CODE_CONFLICT,
                             _("This machine is decommissioned, which is final"));
      return;
    }

  if (!check_references (&call, id, centre_id, key_fingerprint, &ok, &error))
    goto fail;
  if (!ok)
    return;

  if (!srv_admin_next_version (&call, &version, &error) ||
      !srv_admin_exec (db, &error,
                       "UPDATE machine SET name = coalesce(?2, name), centre_id = coalesce(?3, centre_id),"
                       " public_key = coalesce(?4, public_key), key_fingerprint = coalesce(?5, key_fingerprint),"
                       " status = coalesce(?6, status), version = ?7 WHERE id = ?1",
                       "tttbtti", id, name, centre_id,
                       der != NULL ? g_bytes_get_data (der, NULL) : NULL, der != NULL ? g_bytes_get_size (der) : 0,
                       key_fingerprint, status, version) ||
      !srv_admin_call_audit_success (&call, status, &error) ||
      !srv_admin_commit (&call, &error))
    goto fail;

  respond_machine (&call, SOUP_STATUS_OK, id);
  return;

fail:
  srv_admin_rollback (&call);
  srv_admin_call_fail (&call, error);
}

void
srv_admin_machines_add_routes (SrvRouter *router,
                               SrvServer *server)
{
  srv_router_add (router, SOUP_METHOD_GET, "/v1/admin/machines", list_cb, server);
  srv_router_add (router, SOUP_METHOD_POST, "/v1/admin/machines", create_cb, server);
  srv_router_add (router, SOUP_METHOD_GET, "/v1/admin/machines/{id}", get_cb, server);
  srv_router_add (router, SOUP_METHOD_PUT, "/v1/admin/machines/{id}", update_cb, server);
}
