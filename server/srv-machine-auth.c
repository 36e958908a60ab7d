/* srv-machine-auth.c — authenticating registration machines by their request signatures
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A registration machine signs every request with its Ed25519 key
 * (libcore's idem-request-signature.c says what is signed).  The checks,
 * in this order, each with its own stable code:
 *
 *   headers present and well formed        else 401 IDM-MAC-401
 *   timestamp within ±5 minutes            else 401 IDM-MAC-CLOCK
 *   machine registered                     else 403 IDM-MAC-403
 *   signature by the machine's key         else 401 IDM-MAC-401
 *   machine ACTIVE                         else 403 IDM-MAC-INACTIVE / -DECOMMISSIONED
 *   nonce never seen from that machine     else 409 IDM-MAC-REPLAY
 *
 * The status is told only to a caller that proved it holds the machine's
 * key.  Nonces are kept in SQLite (machine_request_nonce), so a restart
 * does not reopen the replay window, with the request's own signed time:
 * once that time is more than the window in the past, the clock check
 * refuses any replay by itself and the row can go.
 */

#define G_LOG_DOMAIN "idem-server"

#include "config.h"

#include "srv-machine-auth.h"
#include "srv-http.h"

#include "idem.h"
#include "idem-openssl-types.h"

#include <glib/gi18n.h>
#include <inttypes.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* Pruning costs one indexed DELETE; once a minute is plenty. */
#define PRUNE_INTERVAL_S 60

#define MAX_MACHINE_ID_LENGTH 128

G_LOCK_DEFINE_STATIC (prune);
static gint64 last_prune;

typedef struct
{
  EVP_PKEY *public_key;
  char     *centre_id;
  char     *status;
} MachineRecord;

static void
machine_record_free (MachineRecord *record)
{
  g_clear_pointer (&record->public_key, EVP_PKEY_free);
  g_free (record->centre_id);
  g_free (record->status);
  g_free (record);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MachineRecord, machine_record_free)

/* NULL with no error: no such machine. */
static MachineRecord *
lookup_machine (SrvDatabase  *database,
                const char   *machine_id,
                GError      **error)
{
  sqlite3 *db = srv_database_get_handle (database);
  g_autoptr(SrvStatement) stmt = NULL;
  g_autoptr(MachineRecord) record = NULL;
  const unsigned char *der;
  int rc;

  /* Every machine request comes here: the statement stays compiled. */
  stmt = srv_database_statement (database, "SELECT public_key, centre_id, status FROM machine WHERE id = ?", NULL);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, machine_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return NULL;
  if (rc != SQLITE_ROW)
    goto fail;

  record = g_new0 (MachineRecord, 1);
  der = sqlite3_column_blob (stmt, 0);
  if (der != NULL)
    record->public_key = d2i_PUBKEY (NULL, &der, sqlite3_column_bytes (stmt, 0));
  if (record->public_key == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "The registered public key of machine %s cannot be read", machine_id);
      return NULL;
    }
  record->centre_id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  record->status = g_strdup ((const char *) sqlite3_column_text (stmt, 2));

  return g_steal_pointer (&record);

fail:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not look the machine up: %s", sqlite3_errmsg (db));
  return NULL;
}

/* 1: recorded; 0: already seen; -1: error. */
static int
record_nonce (SrvDatabase  *database,
              const char   *machine_id,
              const char   *nonce,
              gint64        request_time,
              GError      **error)
{
  sqlite3 *db = srv_database_get_handle (database);
  g_autoptr(SrvStatement) stmt = NULL;
  gboolean relaxed;
  int result = -1;
  int rc;

  stmt = srv_database_statement (database,
                                 "INSERT INTO machine_request_nonce (machine_id, nonce, request_time) VALUES (?, ?, ?)",
                                 NULL);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, machine_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, nonce, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, request_time);

  /* The nonce is committed with synchronous=NORMAL: no fsync of its own.
   * In WAL mode that commit survives a crash of the process; a power cut
   * may drop it, but only together with every later commit, since the
   * WAL is sequential.  Every request that changes something or is
   * answered with success ends in a synchronous=FULL commit (its change,
   * its audit row) before the answer, which makes the nonce durable too;
   * a request cut short by the power cut was never answered.  So the
   * replay protection holds as before.  synchronous cannot change inside
   * a transaction, so only an autocommit insert is relaxed. */
  relaxed = sqlite3_get_autocommit (db) &&
            sqlite3_exec (db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL) == SQLITE_OK;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    result = 1;
  else if (rc == SQLITE_CONSTRAINT || sqlite3_extended_errcode (db) == SQLITE_CONSTRAINT_PRIMARYKEY)
    result = 0;
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not record the request nonce: %s", sqlite3_errmsg (db));
  if (relaxed && sqlite3_exec (db, "PRAGMA synchronous = FULL", NULL, NULL, NULL) != SQLITE_OK)
    g_critical ("Could not restore synchronous=FULL: %s", sqlite3_errmsg (db));
  return result;

fail:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not record the request nonce: %s", sqlite3_errmsg (db));
  return -1;
}

/**
 * srv_machine_auth_prune_nonces:
 * @database: the server's database
 * @now: the current time, Unix seconds
 * @error: return location for an error
 *
 * Forgets the nonces of requests signed more than the clock window before
 * @now: any replay of those is refused by the clock check already.
 *
 * Returns: the number of nonces forgotten, or -1 on error
 */
gint64
srv_machine_auth_prune_nonces (SrvDatabase  *database,
                               gint64        now,
                               GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  sqlite3 *db;

  g_return_val_if_fail (SRV_IS_DATABASE (database), -1);

  db = srv_database_get_handle (database);
  if (sqlite3_prepare_v2 (db, "DELETE FROM machine_request_nonce WHERE request_time < ?",
                          -1, &stmt, NULL) != SQLITE_OK)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, now - IDEM_REQUEST_CLOCK_SKEW_SECONDS);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    goto fail;

  return sqlite3_changes64 (db);

fail:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not prune request nonces: %s", sqlite3_errmsg (db));
  return -1;
}

static void
prune_now_and_then (SrvDatabase *database,
                    gint64       now)
{
  g_autoptr(GError) error = NULL;
  gboolean due;

  G_LOCK (prune);
  due = now - last_prune >= PRUNE_INTERVAL_S;
  if (due)
    last_prune = now;
  G_UNLOCK (prune);

  if (due && srv_machine_auth_prune_nonces (database, now, &error) < 0)
    g_message ("%s", error->message);
}

/**
 * srv_machine_auth_path_and_query:
 * @msg: a request
 *
 * Returns: (transfer full): the request target as the signature covers it:
 *   the encoded path, and "?" and the encoded query when there is one
 */
char *
srv_machine_auth_path_and_query (SoupServerMessage *msg)
{
  GUri *uri;
  const char *query;

  g_return_val_if_fail (SOUP_IS_SERVER_MESSAGE (msg), NULL);

  uri = soup_server_message_get_uri (msg);
  query = g_uri_get_query (uri);
  if (query != NULL)
    return g_strconcat (g_uri_get_path (uri), "?", query, NULL);

  return g_strdup (g_uri_get_path (uri));
}

static void
refuse (SoupServerMessage *msg,
        guint              status,
        const char        *api_id,
        const char        *code,
        const char        *message)
{
  srv_http_respond_error (msg, status, api_id, code, message);
}

/**
 * srv_machine_auth_verify:
 * @server: the server
 * @msg: a request that must come from a registered machine
 * @api_id: the id of the API answering, for the error envelope
 * @body: (nullable): the request body, %NULL for none
 * @out_machine_id: (out) (optional): the machine's id
 * @out_centre_id: (out) (optional): the centre the machine belongs to
 *
 * Checks that @msg is signed by an active registered machine and was not
 * seen before.  When it is not, answers @msg itself with 401, 403 or 409
 * and a stable IDM-MAC-* code.
 *
 * Returns: whether the request may go on
 */
gboolean
srv_machine_auth_verify (SrvServer          *server,
                         SoupServerMessage  *msg,
                         const char         *api_id,
                         GBytes             *body,
                         char              **out_machine_id,
                         char              **out_centre_id)
{
  SoupMessageHeaders *headers;
  SrvDatabase *database;
  g_autoptr(MachineRecord) machine = NULL;
  g_autoptr(GDateTime) signed_time = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path_and_query = NULL;
  g_autofree char *message = NULL;
  const char *machine_id;
  const char *timestamp;
  const char *nonce;
  const char *signature;
  gint64 now;
  gint64 request_time;
  int recorded;

  g_return_val_if_fail (SRV_IS_SERVER (server), FALSE);
  g_return_val_if_fail (SOUP_IS_SERVER_MESSAGE (msg), FALSE);
  g_return_val_if_fail (api_id != NULL, FALSE);

  headers = soup_server_message_get_request_headers (msg);
  machine_id = soup_message_headers_get_one (headers, IDEM_REQUEST_HEADER_MACHINE);
  timestamp = soup_message_headers_get_one (headers, IDEM_REQUEST_HEADER_TIMESTAMP);
  nonce = soup_message_headers_get_one (headers, IDEM_REQUEST_HEADER_NONCE);
  signature = soup_message_headers_get_one (headers, IDEM_REQUEST_HEADER_SIGNATURE);

  if (machine_id == NULL || timestamp == NULL || nonce == NULL || signature == NULL)
    {
      refuse (msg, SOUP_STATUS_UNAUTHORIZED, api_id, SRV_ERROR_CODE_MACHINE_UNAUTHENTICATED,
              _("This request must be signed by a registered machine: the headers X-Idem-Machine, X-Idem-Timestamp, X-Idem-Nonce and X-Idem-Signature are required"));
      return FALSE;
    }

  if (machine_id[0] == '\0' || strlen (machine_id) > MAX_MACHINE_ID_LENGTH ||
      !g_utf8_validate (machine_id, -1, NULL))
    {
      refuse (msg, SOUP_STATUS_UNAUTHORIZED, api_id, SRV_ERROR_CODE_MACHINE_UNAUTHENTICATED,
              _("The machine id in X-Idem-Machine is empty, too long or not UTF-8"));
      return FALSE;
    }

  signed_time = idem_request_parse_timestamp (timestamp, &error);
  if (signed_time == NULL)
    {
      refuse (msg, SOUP_STATUS_UNAUTHORIZED, api_id, SRV_ERROR_CODE_MACHINE_UNAUTHENTICATED, error->message);
      return FALSE;
    }

  if (!idem_request_nonce_is_valid (nonce))
    {
      refuse (msg, SOUP_STATUS_UNAUTHORIZED, api_id, SRV_ERROR_CODE_MACHINE_UNAUTHENTICATED,
              _("The nonce in X-Idem-Nonce must be 16 to 64 base64url characters"));
      return FALSE;
    }

  now = g_get_real_time () / G_USEC_PER_SEC;
  request_time = g_date_time_to_unix (signed_time);
  if (ABS (request_time - now) > IDEM_REQUEST_CLOCK_SKEW_SECONDS)
    {
      g_autoptr(GDateTime) server_time = g_date_time_new_from_unix_utc (now);
      g_autofree char *server_text = g_date_time_format (server_time, "%Y-%m-%dT%H:%M:%SZ");

      message = g_strdup_printf (_("The request was signed at %s but the server’s time is %s: set the machine’s clock right (at most %d minutes apart)"),
                                 timestamp, server_text, IDEM_REQUEST_CLOCK_SKEW_SECONDS / 60);
      refuse (msg, SOUP_STATUS_UNAUTHORIZED, api_id, SRV_ERROR_CODE_MACHINE_CLOCK, message);
      return FALSE;
    }

  database = srv_server_get_database (server);
  machine = lookup_machine (database, machine_id, &error);
  if (machine == NULL && error != NULL)
    {
      g_message ("%s", error->message);
      refuse (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, api_id, SRV_ERROR_CODE_INTERNAL, error->message);
      return FALSE;
    }
  if (machine == NULL)
    {
      message = g_strdup_printf (_("No machine “%s” is registered: ask an administrator to register this machine’s public key"),
                                 machine_id);
      refuse (msg, SOUP_STATUS_FORBIDDEN, api_id, SRV_ERROR_CODE_MACHINE_UNKNOWN, message);
      return FALSE;
    }

  path_and_query = srv_machine_auth_path_and_query (msg);
  if (!idem_request_verify (machine->public_key, soup_server_message_get_method (msg), path_and_query,
                            timestamp, nonce, body, signature, &error))
    {
      refuse (msg, SOUP_STATUS_UNAUTHORIZED, api_id, SRV_ERROR_CODE_MACHINE_UNAUTHENTICATED, error->message);
      return FALSE;
    }

  if (g_strcmp0 (machine->status, "ACTIVE") != 0)
    {
      gboolean decommissioned = g_strcmp0 (machine->status, "DECOMMISSIONED") == 0;

      if (decommissioned)
        message = g_strdup_printf (_("The machine “%s” is decommissioned and can no longer sync or upload"), machine_id);
      else
        message = g_strdup_printf (_("The machine “%s” is inactive: ask an administrator to activate it"), machine_id);
      refuse (msg, SOUP_STATUS_FORBIDDEN, api_id,
              decommissioned ? SRV_ERROR_CODE_MACHINE_DECOMMISSIONED : SRV_ERROR_CODE_MACHINE_INACTIVE,
              message);
      return FALSE;
    }

  prune_now_and_then (database, now);

  recorded = record_nonce (database, machine_id, nonce, request_time, &error);
  if (recorded < 0)
    {
      g_message ("%s", error->message);
      refuse (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, api_id, SRV_ERROR_CODE_INTERNAL, error->message);
      return FALSE;
    }
  if (recorded == 0)
    {
      message = g_strdup_printf (_("This request from machine “%s” was already received (nonce %s): a request is accepted once"),
                                 machine_id, nonce);
      refuse (msg, SOUP_STATUS_CONFLICT, api_id, SRV_ERROR_CODE_MACHINE_REPLAY, message);
      return FALSE;
    }

  if (out_machine_id != NULL)
    *out_machine_id = g_strdup (machine_id);
  if (out_centre_id != NULL)
    *out_centre_id = g_strdup (machine->centre_id);

  return TRUE;
}
