/* srv-audit.c — audit events: who did what, to what, from where, and how it ended
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * One row of audit_event per state-changing call, refused ones included:
 * a refusal is often the more interesting event (a guessed password, an
 * operator trying an admin route).  A success is recorded inside the
 * caller's transaction, so the change and its audit row commit together;
 * a refusal is recorded after the caller rolled back, on its own.
 */

#define G_LOG_DOMAIN "idem-server"

#include "config.h"

#include "srv-audit.h"
#include "srv-error.h"

#include <glib/gi18n.h>

/* An actor is unknown before login ("anonymous") and the server itself
 * acts at start-up ("system"); a detail longer than this is cut, so a
 * hostile request cannot grow the audit table without bound. */
#define MAX_DETAIL_BYTES 2048

static char *
truncate_utf8 (const char *text,
               gsize       max_bytes)
{
  const char *end;

  if (text == NULL)
    return NULL;

  if (!g_utf8_validate (text, -1, &end))
    return g_utf8_make_valid (text, MIN ((gsize) (end - text), max_bytes));

  if (strlen (text) <= max_bytes)
    return g_strdup (text);

  end = g_utf8_find_prev_char (text, text + max_bytes + 1);
  return g_strndup (text, end - text);
}

/**
 * srv_audit_record:
 * @database: the server's database
 * @actor: who acted: a user id, a machine id, "anonymous" or "system"
 * @action: what was done, such as "centre.create" or "auth.login"
 * @object: (nullable): what it was done to, such as the centre's id
 * @success: whether the action took effect
 * @origin: (nullable): where the call came from: the client's address
 * @detail: (nullable): a short explanation, such as the error code of a
 *   refusal; never secrets or personal data
 * @error: return location for a %SRV_ERROR_DATABASE error
 *
 * Records one audit event, in the current transaction when there is one.
 *
 * Returns: whether the row was written
 */
gboolean
srv_audit_record (SrvDatabase  *database,
                  const char   *actor,
                  const char   *action,
                  const char   *object,
                  gboolean      success,
                  const char   *origin,
                  const char   *detail,
                  GError      **error)
{
  sqlite3 *db;
  sqlite3_stmt *statement = NULL;
  g_autofree char *safe_object = truncate_utf8 (object, MAX_DETAIL_BYTES);
  g_autofree char *safe_detail = truncate_utf8 (detail, MAX_DETAIL_BYTES);
  g_autofree char *safe_origin = truncate_utf8 (origin, 256);
  int rc;

  g_return_val_if_fail (SRV_IS_DATABASE (database), FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);
  g_return_val_if_fail (action != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  db = srv_database_get_handle (database);
  if (db == NULL)
    {
      g_set_error_literal (error, SRV_ERROR, SRV_ERROR_DATABASE, _("The database is closed"));
      return FALSE;
    }

  if (sqlite3_prepare_v2 (db,
                          "INSERT INTO audit_event (time, actor, action, object, outcome, origin, detail)"
                          " VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?1, ?2, ?3, ?4, ?5, ?6)",
                          -1, &statement, NULL) != SQLITE_OK)
    goto fail;

  sqlite3_bind_text (statement, 1, actor, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 2, action, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 3, safe_object, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 4, success ? "success" : "failure", -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 5, safe_origin, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 6, safe_detail, -1, SQLITE_STATIC);

  rc = sqlite3_step (statement);
  sqlite3_finalize (statement);
  if (rc == SQLITE_DONE)
    return TRUE;

fail:
  g_set_error (error, SRV_ERROR, SRV_ERROR_DATABASE,
               _("Could not record an audit event: %s"), sqlite3_errmsg (db));
  return FALSE;
}
