/* srv-admin-auth.c — users log in, get a bearer token, and routes check roles
 *
 *   POST /v1/auth/login    {"request": {"userId": …, "password": …}}
 *                          → {"userId", "token", "expires", "roles": [...]}
 *   POST /v1/auth/logout   (bearer) ends the session
 *   GET  /v1/auth/session  (bearer) → {"userId", "expires", "roles"}
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A token is 32 random bytes in base64url, valid SRV_AUTH_TOKEN_LIFETIME_S.
 * The database keeps only HMAC-SHA256 of it under a key of its own
 * ("user-session" in data_key, wrapped like the data root key under the
 * server's RSA key): whoever copies the database gets no usable token.
 * Roles and the user's status are read on every request, so taking a role
 * away or deactivating a user takes effect at once.
 *
 * Five wrong passwords in a row lock the account for SRV_AUTH_LOCKOUT_S;
 * an unknown user id costs the same scrypt work as a wrong password and
 * gets the same answer, so logins cannot probe for user ids.  The scrypt
 * work runs in a worker thread; every database access stays on the main
 * thread, because the process shares one SQLite connection.
 */

#define G_LOG_DOMAIN "idem-server"

#include "config.h"

#include "srv-admin-auth.h"
#include "srv-admin-call.h"
#include "srv-audit.h"
#include "srv-error.h"
#include "srv-password.h"
#include "srv-server.h"

#include "idem.h"

#include <glib/gi18n.h>
#include <string.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

#define TOKEN_SIZE      32
#define SESSION_KEY     "user-session"
#define CODE_PREFIX     "IDM-AUT"
#define MAX_LOGIN_BYTES 4096

/* Verified in place of a missing user's hash, so an unknown user id takes
 * as long as a wrong password.  Its hash matches no password. */
#define DUMMY_HASH \
        "$scrypt$ln=14,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

struct _SrvAdminAuth
{
  GObject      parent_instance;

  SrvDatabase *database;
  guint8       token_key[32];
};

G_DEFINE_FINAL_TYPE (SrvAdminAuth, srv_admin_auth, G_TYPE_OBJECT)

G_DEFINE_QUARK (srv-admin-auth-error-quark, srv_admin_auth_error)

static const struct
{
  SrvRole     role;
  const char *name;
} role_names[] = {
  { SRV_ROLE_ADMIN, "ADMIN" },
  { SRV_ROLE_SUPERVISOR, "SUPERVISOR" },
  { SRV_ROLE_OPERATOR, "OPERATOR" },
  { SRV_ROLE_ADJUDICATOR, "ADJUDICATOR" },
};

/**
 * srv_role_to_string:
 * @role: one role
 *
 * Returns: the role's name as stored and sent, such as "ADMIN"
 */
const char *
srv_role_to_string (SrvRole role)
{
  for (guint i = 0; i < G_N_ELEMENTS (role_names); i++)
    {
      if (role_names[i].role == role)
        return role_names[i].name;
    }

  g_return_val_if_reached (NULL);
}

gboolean
srv_role_from_string (const char *string,
                      SrvRole    *role)
{
  g_return_val_if_fail (string != NULL, FALSE);
  g_return_val_if_fail (role != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (role_names); i++)
    {
      if (g_str_equal (role_names[i].name, string))
        {
          *role = role_names[i].role;
          return TRUE;
        }
    }

  return FALSE;
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
set_database_error (GError     **error,
                    sqlite3     *db,
                    const char  *what)
{
  g_set_error (error, SRV_ADMIN_AUTH_ERROR, SRV_ADMIN_AUTH_ERROR_DATABASE,
               "%s: %s", what, sqlite3_errmsg (db));
}

static void
srv_admin_auth_finalize (GObject *object)
{
  SrvAdminAuth *self = (SrvAdminAuth *)object;

  idem_crypto_wipe (self->token_key, sizeof self->token_key);
  g_clear_object (&self->database);

  G_OBJECT_CLASS (srv_admin_auth_parent_class)->finalize (object);
}

static void
srv_admin_auth_class_init (SrvAdminAuthClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = srv_admin_auth_finalize;
}

static void
srv_admin_auth_init (SrvAdminAuth *self)
{
}

/* Reads the wrapped session key, or makes and stores one. */
static GBytes *
load_wrapped_key (sqlite3   *db,
                  EVP_PKEY  *encryption_key,
                  GError   **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  g_autoptr(GBytes) wrapped = NULL;
  guint8 key[32];
  int rc;

  if (sqlite3_prepare_v2 (db, "SELECT wrapped FROM data_key WHERE name = ?", -1, &statement, NULL) != SQLITE_OK)
    goto fail;
  sqlite3_bind_text (statement, 1, SESSION_KEY, -1, SQLITE_STATIC);
  rc = sqlite3_step (statement);
  if (rc == SQLITE_ROW)
    return g_bytes_new (sqlite3_column_blob (statement, 0), sqlite3_column_bytes (statement, 0));
  if (rc != SQLITE_DONE)
    goto fail;
  g_clear_pointer (&statement, sqlite3_finalize);

  if (!idem_crypto_random_bytes (key, sizeof key, error))
    return NULL;
  wrapped = idem_rsa_oaep_wrap (encryption_key, key, sizeof key, error);
  idem_crypto_wipe (key, sizeof key);
  if (wrapped == NULL)
    return NULL;

  if (sqlite3_prepare_v2 (db,
                          "INSERT INTO data_key (name, wrapped, created)"
                          " VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                          -1, &statement, NULL) != SQLITE_OK)
    goto fail;
  sqlite3_bind_text (statement, 1, SESSION_KEY, -1, SQLITE_STATIC);
  sqlite3_bind_blob (statement, 2, g_bytes_get_data (wrapped, NULL), g_bytes_get_size (wrapped), SQLITE_STATIC);
  if (sqlite3_step (statement) != SQLITE_DONE)
    goto fail;

  return g_steal_pointer (&wrapped);

fail:
  set_database_error (error, db, _("Could not load the session key"));
  return NULL;
}

/**
 * srv_admin_auth_new:
 * @database: the server's migrated database
 * @encryption_key: the server's RSA key pair, which wraps the session key
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the login service
 */
SrvAdminAuth *
srv_admin_auth_new (SrvDatabase  *database,
                    EVP_PKEY     *encryption_key,
                    GError      **error)
{
  g_autoptr(SrvAdminAuth) self = NULL;
  g_autoptr(GBytes) wrapped = NULL;
  g_autoptr(GBytes) key = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (SRV_IS_DATABASE (database), NULL);
  g_return_val_if_fail (encryption_key != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  wrapped = load_wrapped_key (srv_database_get_handle (database), encryption_key, error);
  if (wrapped == NULL)
    return NULL;

  key = idem_rsa_oaep_unwrap (encryption_key, g_bytes_get_data (wrapped, NULL),
                              g_bytes_get_size (wrapped), &local_error);
  if (key == NULL || g_bytes_get_size (key) != 32)
    {
      g_set_error (error, SRV_ERROR, SRV_ERROR_KEYS,
                   _("The session key cannot be unwrapped with the server’s key: %s"),
                   local_error != NULL ? local_error->message : _("wrong size"));
      return NULL;
    }

  self = g_object_new (SRV_TYPE_ADMIN_AUTH, NULL);
  self->database = g_object_ref (database);
  memcpy (self->token_key, g_bytes_get_data (key, NULL), sizeof self->token_key);

  return g_steal_pointer (&self);
}

static gboolean
read_roles (sqlite3     *db,
            const char  *user_id,
            SrvRole     *roles,
            GError     **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  int rc;

  *roles = 0;
  if (sqlite3_prepare_v2 (db, "SELECT role FROM user_role WHERE user_id = ?", -1, &statement, NULL) != SQLITE_OK)
    goto fail;
  sqlite3_bind_text (statement, 1, user_id, -1, SQLITE_TRANSIENT);

  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    {
      SrvRole role;

      if (srv_role_from_string ((const char *) sqlite3_column_text (statement, 0), &role))
        *roles |= role;
    }

  if (rc == SQLITE_DONE)
    return TRUE;

fail:
  set_database_error (error, db, _("Could not read the user’s roles"));
  return FALSE;
}

/* What a login needs to know about the user before checking the password. */
typedef struct
{
  char    *user_id;
  char    *password;
  char    *origin;
  char    *hash;
  gboolean exists;
  gboolean active;
  gint64   locked_until;
  gboolean verified;
} LoginAttempt;

static void
login_attempt_free (LoginAttempt *attempt)
{
  g_free (attempt->user_id);
  if (attempt->password != NULL)
    idem_crypto_wipe (attempt->password, strlen (attempt->password));
  g_free (attempt->password);
  g_free (attempt->origin);
  g_free (attempt->hash);
  g_free (attempt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LoginAttempt, login_attempt_free)

static LoginAttempt *
login_attempt_new (const char *user_id,
                   const char *password,
                   const char *origin)
{
  LoginAttempt *attempt = g_new0 (LoginAttempt, 1);

  attempt->user_id = g_strdup (user_id);
  attempt->password = g_strdup (password);
  attempt->origin = g_strdup (origin);
  return attempt;
}

static gboolean
login_lookup (SrvAdminAuth  *self,
              LoginAttempt  *attempt,
              GError       **error)
{
  sqlite3 *db = srv_database_get_handle (self->database);
  g_autoptr(sqlite3_stmt) statement = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db,
                          "SELECT password_hash, status, locked_until FROM app_user WHERE id = ?",
                          -1, &statement, NULL) != SQLITE_OK)
    goto fail;
  sqlite3_bind_text (statement, 1, attempt->user_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (statement);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW)
    goto fail;

  attempt->exists = TRUE;
  attempt->hash = g_strdup ((const char *) sqlite3_column_text (statement, 0));
  attempt->active = g_strcmp0 ((const char *) sqlite3_column_text (statement, 1), "ACTIVE") == 0;
  attempt->locked_until = sqlite3_column_int64 (statement, 2);
  return TRUE;

fail:
  set_database_error (error, db, _("Could not read the user"));
  return FALSE;
}

static gboolean
login_is_locked (LoginAttempt *attempt)
{
  return attempt->exists && attempt->locked_until > now_seconds ();
}

/* The slow part: safe in any thread, touches no database. */
static void
login_verify (LoginAttempt *attempt)
{
  attempt->verified = srv_password_verify (attempt->hash != NULL ? attempt->hash : DUMMY_HASH,
                                           attempt->password) &&
                      attempt->exists;
}

static void
audit_login (SrvAdminAuth *self,
             LoginAttempt *attempt,
             gboolean      success,
             const char   *detail)
{
  g_autoptr(GError) error = NULL;

  if (!srv_audit_record (self->database, attempt->user_id, "auth.login", attempt->user_id,
                         success, attempt->origin, detail, &error))
    g_message ("Could not audit a login: %s", error->message);
}

static gboolean
reset_failures (sqlite3     *db,
                const char  *user_id,
                GError     **error)
{
  g_autoptr(sqlite3_stmt) statement = NULL;

  if (sqlite3_prepare_v2 (db, "UPDATE app_user SET failed_logins = 0, locked_until = 0 WHERE id = ?",
                          -1, &statement, NULL) != SQLITE_OK)
    goto fail;
  sqlite3_bind_text (statement, 1, user_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (statement) == SQLITE_DONE)
    return TRUE;

fail:
  set_database_error (error, db, _("Could not update the user"));
  return FALSE;
}

/* Counts a wrong password; the one that reaches the limit locks the
 * account and restarts the count. */
static gboolean
count_failure (SrvAdminAuth  *self,
               LoginAttempt  *attempt,
               gboolean      *locked,
               GError       **error)
{
  sqlite3 *db = srv_database_get_handle (self->database);
  g_autoptr(sqlite3_stmt) statement = NULL;

  *locked = FALSE;
  if (!attempt->exists)
    return TRUE;

  if (sqlite3_prepare_v2 (db,
                          "UPDATE app_user SET"
                          "  locked_until = CASE WHEN failed_logins + 1 >= ?2 THEN ?3 ELSE locked_until END,"
                          "  failed_logins = CASE WHEN failed_logins + 1 >= ?2 THEN 0 ELSE failed_logins + 1 END"
                          " WHERE id = ?1 RETURNING locked_until",
                          -1, &statement, NULL) != SQLITE_OK)
    goto fail;
  sqlite3_bind_text (statement, 1, attempt->user_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (statement, 2, SRV_AUTH_MAX_FAILED_LOGINS);
  sqlite3_bind_int64 (statement, 3, now_seconds () + SRV_AUTH_LOCKOUT_S);
  if (sqlite3_step (statement) != SQLITE_ROW)
    goto fail;

  *locked = sqlite3_column_int64 (statement, 0) > now_seconds ();
  return TRUE;

fail:
  set_database_error (error, db, _("Could not count a failed login"));
  return FALSE;
}

static void
encode_token (const guint8 *token,
              char        **text)
{
  char *b64 = g_base64_encode (token, TOKEN_SIZE);

  for (char *p = b64; *p != '\0'; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
      else if (*p == '=')
        *p = '\0';
    }

  *text = b64;
}

/* Strict base64url of exactly TOKEN_SIZE bytes. */
static gboolean
decode_token (const char *text,
              guint8     *token)
{
  char padded[48];
  g_autofree guint8 *data = NULL;
  gsize length = 0;
  gboolean ok;

  /* 32 bytes are 43 characters without padding. */
  if (strlen (text) != 43)
    return FALSE;

  for (guint i = 0; i < 43; i++)
    {
      char c = text[i];

      if (g_ascii_isalnum (c))
        padded[i] = c;
      else if (c == '-')
        padded[i] = '+';
      else if (c == '_')
        padded[i] = '/';
      else
        return FALSE;
    }
  padded[43] = '=';
  padded[44] = '\0';

  data = g_base64_decode (padded, &length);
  ok = length == TOKEN_SIZE;
  if (ok)
    memcpy (token, data, TOKEN_SIZE);
  idem_crypto_wipe (data, length);

  return ok;
}

static gboolean
create_session (SrvAdminAuth  *self,
                const char    *user_id,
                char         **out_token,
                gint64        *out_expires,
                GError       **error)
{
  sqlite3 *db = srv_database_get_handle (self->database);
  g_autoptr(sqlite3_stmt) statement = NULL;
  guint8 token[TOKEN_SIZE];
  guint8 mac[IDEM_SHA256_SIZE];
  gint64 now = now_seconds ();
  gint64 expires = now + SRV_AUTH_TOKEN_LIFETIME_S;
  g_autoptr(GError) local_error = NULL;

  if (!idem_crypto_random_bytes (token, sizeof token, &local_error) ||
      !idem_hmac_sha256 (self->token_key, sizeof self->token_key, token, sizeof token, mac, &local_error))
    {
      g_set_error (error, SRV_ADMIN_AUTH_ERROR, SRV_ADMIN_AUTH_ERROR_DATABASE,
                   _("Could not make a session token: %s"), local_error->message);
      return FALSE;
    }

  /* Sessions that ended are of no use to anyone: drop them as new ones
   * start, so the table stays as small as the number of live sessions. */
  if (sqlite3_prepare_v2 (db, "DELETE FROM user_session WHERE expires <= ?", -1, &statement, NULL) != SQLITE_OK)
    goto fail;
  sqlite3_bind_int64 (statement, 1, now);
  if (sqlite3_step (statement) != SQLITE_DONE)
    goto fail;
  g_clear_pointer (&statement, sqlite3_finalize);

  if (sqlite3_prepare_v2 (db,
                          "INSERT INTO user_session (token_hmac, user_id, created, expires)"
                          " VALUES (?, ?, ?, ?)",
                          -1, &statement, NULL) != SQLITE_OK)
    goto fail;
  sqlite3_bind_blob (statement, 1, mac, sizeof mac, SQLITE_TRANSIENT);
  sqlite3_bind_text (statement, 2, user_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (statement, 3, now);
  sqlite3_bind_int64 (statement, 4, expires);
  if (sqlite3_step (statement) != SQLITE_DONE)
    goto fail;

  encode_token (token, out_token);
  idem_crypto_wipe (token, sizeof token);
  *out_expires = expires;
  return TRUE;

fail:
  idem_crypto_wipe (token, sizeof token);
  set_database_error (error, db, _("Could not store the session"));
  return FALSE;
}

/* After the password check: counts, locks, or opens the session. */
static gboolean
login_finish (SrvAdminAuth  *self,
              LoginAttempt  *attempt,
              char         **out_token,
              gint64        *out_expires,
              SrvRole       *out_roles,
              GError       **error)
{
  sqlite3 *db = srv_database_get_handle (self->database);
  g_autoptr(GError) local_error = NULL;
  gboolean locked = FALSE;

  if (!attempt->verified)
    {
      if (!count_failure (self, attempt, &locked, error))
        return FALSE;

      audit_login (self, attempt, FALSE, locked ? CODE_PREFIX "-FAILED, now locked" : CODE_PREFIX "-FAILED");
      g_set_error_literal (error, SRV_ADMIN_AUTH_ERROR, SRV_ADMIN_AUTH_ERROR_FAILED,
                           _("The user id or the password is wrong"));
      return FALSE;
    }

  if (!reset_failures (db, attempt->user_id, error))
    return FALSE;

  if (!attempt->active)
    {
      audit_login (self, attempt, FALSE, CODE_PREFIX "-INACTIVE");
      g_set_error_literal (error, SRV_ADMIN_AUTH_ERROR, SRV_ADMIN_AUTH_ERROR_INACTIVE,
                           _("This user is deactivated: ask an administrator"));
      return FALSE;
    }

  if (!read_roles (db, attempt->user_id, out_roles, error) ||
      !create_session (self, attempt->user_id, out_token, out_expires, error))
    return FALSE;

  audit_login (self, attempt, TRUE, NULL);
  return TRUE;
}

static void
refuse_locked (GError **error)
{
  g_set_error (error, SRV_ADMIN_AUTH_ERROR, SRV_ADMIN_AUTH_ERROR_LOCKED,
               _("Too many wrong passwords: this account is locked for %d minutes"),
               SRV_AUTH_LOCKOUT_S / 60);
}

/**
 * srv_admin_auth_login:
 * @self: the login service
 * @user_id: who logs in
 * @password: the password
 * @origin: (nullable): where from, for the audit
 * @out_token: (out) (transfer full): the bearer token
 * @out_expires: (out): when it expires, in Unix seconds
 * @out_roles: (out): the user's roles
 * @error: return location for an error in %SRV_ADMIN_AUTH_ERROR
 *
 * Logs a user in, counting wrong passwords and locking the account after
 * %SRV_AUTH_MAX_FAILED_LOGINS of them.  Every attempt is audited.  Blocks
 * for the scrypt work: the HTTP route runs that part in a worker thread.
 *
 * Returns: whether the user is logged in
 */
gboolean
srv_admin_auth_login (SrvAdminAuth  *self,
                      const char    *user_id,
                      const char    *password,
                      const char    *origin,
                      char         **out_token,
                      gint64        *out_expires,
                      SrvRole       *out_roles,
                      GError       **error)
{
  g_autoptr(LoginAttempt) attempt = NULL;

  g_return_val_if_fail (SRV_IS_ADMIN_AUTH (self), FALSE);
  g_return_val_if_fail (user_id != NULL, FALSE);
  g_return_val_if_fail (password != NULL, FALSE);
  g_return_val_if_fail (out_token != NULL && out_expires != NULL && out_roles != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  attempt = login_attempt_new (user_id, password, origin);
  if (!login_lookup (self, attempt, error))
    return FALSE;

  if (login_is_locked (attempt))
    {
      audit_login (self, attempt, FALSE, CODE_PREFIX "-LOCKED");
      refuse_locked (error);
      return FALSE;
    }

  login_verify (attempt);
  return login_finish (self, attempt, out_token, out_expires, out_roles, error);
}

static gboolean check_token (SrvAdminAuth  *self,
                             const char    *token,
                             char         **out_user_id,
                             SrvRole       *out_roles,
                             gint64        *out_expires,
                             GError       **error);

/**
 * srv_admin_auth_check_token:
 * @self: the login service
 * @token: a bearer token
 * @out_user_id: (out) (optional) (transfer full): whose it is
 * @out_roles: (out) (optional): the user's current roles
 * @error: return location for an error in %SRV_ADMIN_AUTH_ERROR
 *
 * Returns: whether @token belongs to a live session of an active user
 */
gboolean
srv_admin_auth_check_token (SrvAdminAuth  *self,
                            const char    *token,
                            char         **out_user_id,
                            SrvRole       *out_roles,
                            GError       **error)
{
  g_return_val_if_fail (SRV_IS_ADMIN_AUTH (self), FALSE);
  g_return_val_if_fail (token != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return check_token (self, token, out_user_id, out_roles, NULL, error);
}

static gboolean
check_token (SrvAdminAuth  *self,
             const char    *token,
             char         **out_user_id,
             SrvRole       *out_roles,
             gint64        *out_expires,
             GError       **error)
{
  sqlite3 *db;
  g_autoptr(sqlite3_stmt) statement = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *user_id = NULL;
  guint8 raw[TOKEN_SIZE];
  guint8 mac[IDEM_SHA256_SIZE];
  SrvRole roles = 0;
  gint64 expires;
  int rc;

  db = srv_database_get_handle (self->database);

  if (!decode_token (token, raw))
    {
      g_set_error_literal (error, SRV_ADMIN_AUTH_ERROR, SRV_ADMIN_AUTH_ERROR_BAD_TOKEN,
                           _("The token is not one this server issues"));
      return FALSE;
    }

  if (!idem_hmac_sha256 (self->token_key, sizeof self->token_key, raw, sizeof raw, mac, &local_error))
    {
      idem_crypto_wipe (raw, sizeof raw);
      g_set_error (error, SRV_ADMIN_AUTH_ERROR, SRV_ADMIN_AUTH_ERROR_DATABASE,
                   _("Could not check the token: %s"), local_error->message);
      return FALSE;
    }
  idem_crypto_wipe (raw, sizeof raw);

  if (sqlite3_prepare_v2 (db,
                          "SELECT s.user_id, s.expires, u.status FROM user_session s"
                          " JOIN app_user u ON u.id = s.user_id WHERE s.token_hmac = ?",
                          -1, &statement, NULL) != SQLITE_OK)
    goto fail;
  sqlite3_bind_blob (statement, 1, mac, sizeof mac, SQLITE_TRANSIENT);
  rc = sqlite3_step (statement);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    goto fail;

  if (rc == SQLITE_DONE)
    {
      g_set_error_literal (error, SRV_ADMIN_AUTH_ERROR, SRV_ADMIN_AUTH_ERROR_BAD_TOKEN,
                           _("The token is unknown or its session has ended: log in again"));
      return FALSE;
    }

  expires = sqlite3_column_int64 (statement, 1);
  if (expires <= now_seconds ())
    {
      g_set_error_literal (error, SRV_ADMIN_AUTH_ERROR, SRV_ADMIN_AUTH_ERROR_BAD_TOKEN,
                           _("The session has expired: log in again"));
      return FALSE;
    }

  if (g_strcmp0 ((const char *) sqlite3_column_text (statement, 2), "ACTIVE") != 0)
    {
      g_set_error_literal (error, SRV_ADMIN_AUTH_ERROR, SRV_ADMIN_AUTH_ERROR_INACTIVE,
                           _("This user is deactivated: ask an administrator"));
      return FALSE;
    }

  user_id = g_strdup ((const char *) sqlite3_column_text (statement, 0));
  if (!read_roles (db, user_id, &roles, error))
    return FALSE;

  if (out_user_id != NULL)
    *out_user_id = g_steal_pointer (&user_id);
  if (out_roles != NULL)
    *out_roles = roles;
  if (out_expires != NULL)
    *out_expires = expires;
  return TRUE;

fail:
  set_database_error (error, db, _("Could not check the token"));
  return FALSE;
}

/**
 * srv_admin_auth_logout:
 * @self: the login service
 * @token: a bearer token
 * @error: return location for an error in %SRV_ADMIN_AUTH_ERROR
 *
 * Ends the token's session; the token is refused from then on.
 *
 * Returns: whether a session was ended
 */
gboolean
srv_admin_auth_logout (SrvAdminAuth  *self,
                       const char    *token,
                       GError       **error)
{
  sqlite3 *db;
  g_autoptr(sqlite3_stmt) statement = NULL;
  guint8 raw[TOKEN_SIZE];
  guint8 mac[IDEM_SHA256_SIZE];

  g_return_val_if_fail (SRV_IS_ADMIN_AUTH (self), FALSE);
  g_return_val_if_fail (token != NULL, FALSE);

  db = srv_database_get_handle (self->database);
  if (!decode_token (token, raw))
    {
      g_set_error_literal (error, SRV_ADMIN_AUTH_ERROR, SRV_ADMIN_AUTH_ERROR_BAD_TOKEN,
                           _("The token is not one this server issues"));
      return FALSE;
    }

  if (!idem_hmac_sha256 (self->token_key, sizeof self->token_key, raw, sizeof raw, mac, error))
    return FALSE;
  idem_crypto_wipe (raw, sizeof raw);

  if (sqlite3_prepare_v2 (db, "DELETE FROM user_session WHERE token_hmac = ?", -1, &statement, NULL) != SQLITE_OK)
    goto fail;
  sqlite3_bind_blob (statement, 1, mac, sizeof mac, SQLITE_TRANSIENT);
  if (sqlite3_step (statement) != SQLITE_DONE)
    goto fail;

  if (sqlite3_changes (db) == 0)
    {
      g_set_error_literal (error, SRV_ADMIN_AUTH_ERROR, SRV_ADMIN_AUTH_ERROR_BAD_TOKEN,
                           _("The token is unknown or its session has ended"));
      return FALSE;
    }

  return TRUE;

fail:
  set_database_error (error, db, _("Could not end the session"));
  return FALSE;
}

static const char *
get_bearer_token (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *value = soup_message_headers_get_one (headers, "Authorization");

  if (value == NULL || g_ascii_strncasecmp (value, "Bearer ", 7) != 0)
    return NULL;

  value += 7;
  while (*value == ' ')
    value++;

  return value;
}

static gboolean
is_read_only (SoupServerMessage *msg)
{
  const char *method = soup_server_message_get_method (msg);

  return g_str_equal (method, SOUP_METHOD_GET) || g_str_equal (method, SOUP_METHOD_HEAD);
}

static void
audit_refusal (SrvServer         *server,
               SoupServerMessage *msg,
               const char        *actor,
               const char        *code)
{
  g_autoptr(GError) error = NULL;
  GUri *uri = soup_server_message_get_uri (msg);
  g_autofree char *action = NULL;

  /* Reads are not audited; a refused attempt to change something is. */
  if (is_read_only (msg))
    return;

  action = g_strdup_printf ("%s %s", soup_server_message_get_method (msg), g_uri_get_path (uri));
  if (!srv_audit_record (srv_server_get_database (server), actor, action, NULL, FALSE,
                         soup_server_message_get_remote_host (msg), code, &error))
    g_message ("Could not audit a refused call: %s", error->message);
}

/**
 * srv_admin_auth_require:
 * @server: the server
 * @msg: the request
 * @api_id: the id of the API, for the envelope of a refusal
 * @any_of: the roles, any one of which lets the call through
 * @out_user_id: (out) (optional) (transfer full): the caller's user id
 *
 * Checks the request's `Authorization: Bearer` token and the caller's
 * roles.  When the call may not go on, answers it: 401 with
 * `IDM-AUT-401` for a missing, unknown or expired token or a deactivated
 * user, 403 with `IDM-AUT-403` when no role in @any_of is held; refused
 * calls that would change something are audited.
 *
 * Returns: whether the caller may go on
 */
gboolean
srv_admin_auth_require (SrvServer         *server,
                        SoupServerMessage *msg,
                        const char        *api_id,
                        SrvRole            any_of,
                        char             **out_user_id)
{
  SrvAdminAuth *self;
  g_autoptr(GError) error = NULL;
  g_autofree char *user_id = NULL;
  g_autofree char *message = NULL;
  const char *token;
  SrvRole roles = 0;

  g_return_val_if_fail (SRV_IS_SERVER (server), FALSE);
  g_return_val_if_fail (SOUP_IS_SERVER_MESSAGE (msg), FALSE);
  g_return_val_if_fail (api_id != NULL, FALSE);

  self = srv_server_get_admin_auth (server);
  token = get_bearer_token (msg);
  if (token == NULL)
    {
      g_set_error_literal (&error, SRV_ADMIN_AUTH_ERROR, SRV_ADMIN_AUTH_ERROR_BAD_TOKEN,
                           _("This call needs a login: send “Authorization: Bearer TOKEN” with a token from /v1/auth/login"));
    }
  else if (self == NULL)
    {
      g_set_error_literal (&error, SRV_ADMIN_AUTH_ERROR, SRV_ADMIN_AUTH_ERROR_DATABASE,
                           _("The server is not started"));
    }

  if (error == NULL && srv_admin_auth_check_token (self, token, &user_id, &roles, &error))
    {
      if ((roles & any_of) == 0)
        {
          message = g_strdup_printf (_("The user %s does not hold a role this call needs"), user_id);
          srv_http_respond_error (msg, SOUP_STATUS_FORBIDDEN, api_id, SRV_ERROR_CODE_AUTH_FORBIDDEN, message);
          audit_refusal (server, msg, user_id, SRV_ERROR_CODE_AUTH_FORBIDDEN);
          return FALSE;
        }

      if (out_user_id != NULL)
        *out_user_id = g_steal_pointer (&user_id);
      return TRUE;
    }

  if (g_error_matches (error, SRV_ADMIN_AUTH_ERROR, SRV_ADMIN_AUTH_ERROR_DATABASE))
    {
      srv_http_respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, api_id, SRV_ERROR_CODE_INTERNAL, error->message);
      return FALSE;
    }

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "WWW-Authenticate", "Bearer realm=\"idem\"");
  srv_http_respond_error (msg, SOUP_STATUS_UNAUTHORIZED, api_id, SRV_ERROR_CODE_AUTH_UNAUTHENTICATED, error->message);
  audit_refusal (server, msg, "anonymous", SRV_ERROR_CODE_AUTH_UNAUTHENTICATED);
  return FALSE;
}

static JsonNode *
session_response (const char *user_id,
                  const char *token,
                  gint64      expires,
                  SrvRole     roles)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (expires);
  g_autofree char *expires_text = g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "userId");
  json_builder_add_string_value (builder, user_id);
  if (token != NULL)
    {
      json_builder_set_member_name (builder, "token");
      json_builder_add_string_value (builder, token);
    }
  json_builder_set_member_name (builder, "expires");
  json_builder_add_string_value (builder, expires_text);
  json_builder_set_member_name (builder, "roles");
  json_builder_begin_array (builder);
  for (guint i = 0; i < G_N_ELEMENTS (role_names); i++)
    {
      if (roles & role_names[i].role)
        json_builder_add_string_value (builder, role_names[i].name);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

typedef struct
{
  SrvAdminCall  call;
  SrvAdminAuth *auth;
  LoginAttempt *attempt;
} LoginCall;

static void
login_call_free (LoginCall *login)
{
  g_object_unref (login->call.msg);
  g_object_unref (login->call.server);
  srv_admin_call_clear (&login->call);
  g_clear_object (&login->auth);
  g_clear_pointer (&login->attempt, login_attempt_free);
  g_free (login);
}

static void
respond_login_error (SrvAdminCall *call,
                     const GError *error)
{
  const char *code = NULL;
  guint status = SOUP_STATUS_INTERNAL_SERVER_ERROR;

  if (error->domain == SRV_ADMIN_AUTH_ERROR)
    {
      switch ((SrvAdminAuthError) error->code)
        {
        case SRV_ADMIN_AUTH_ERROR_FAILED:
          status = SOUP_STATUS_UNAUTHORIZED;
          code = SRV_ERROR_CODE_AUTH_FAILED;
          break;

        case SRV_ADMIN_AUTH_ERROR_LOCKED:
          status = SOUP_STATUS_FORBIDDEN;
          code = SRV_ERROR_CODE_AUTH_LOCKED;
          break;

        case SRV_ADMIN_AUTH_ERROR_INACTIVE:
          status = SOUP_STATUS_FORBIDDEN;
          code = SRV_ERROR_CODE_AUTH_INACTIVE;
          break;

        case SRV_ADMIN_AUTH_ERROR_BAD_TOKEN:
        case SRV_ADMIN_AUTH_ERROR_DATABASE:
        default:
          break;
        }
    }

  /* The attempt itself has been audited by the login service. */
  srv_http_respond_error (call->msg, status, call->api_id,
                          code != NULL ? code : SRV_ERROR_CODE_INTERNAL, error->message);
}

static void
login_verify_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  LoginCall *login = task_data;

  login_verify (login->attempt);
  g_task_return_boolean (task, TRUE);
}

static void
login_verified_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  LoginCall *login = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  gint64 expires = 0;
  SrvRole roles = 0;

  if (srv_server_get_database (login->call.server) == NULL)
    g_set_error_literal (&error, SRV_ADMIN_AUTH_ERROR, SRV_ADMIN_AUTH_ERROR_DATABASE,
                         _("The server is stopping"));
  else
    login_finish (login->auth, login->attempt, &token, &expires, &roles, &error);

  if (error != NULL)
    respond_login_error (&login->call, error);
  else
    srv_admin_call_respond (&login->call, SOUP_STATUS_OK,
                            session_response (login->attempt->user_id, token, expires, roles));

  soup_server_message_unpause (login->call.msg);
}

static void
login_cb (SoupServerMessage *msg,
          GHashTable        *params,
          gpointer           user_data)
{
  SrvServer *server = user_data;
  LoginCall *login = g_new0 (LoginCall, 1);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  const char *user_id;
  const char *password;

  /* Malformed requests are audited through the call; real attempts by
   * the login service, with the user as the actor. */
  srv_admin_call_init (&login->call, g_object_ref (server), g_object_ref (msg),
                       SRV_API_ID_AUTH, CODE_PREFIX, "auth.login");
  login->auth = g_object_ref (srv_server_get_admin_auth (server));

  if (!srv_admin_call_read (&login->call, MAX_LOGIN_BYTES) ||
      !srv_admin_call_get_string (&login->call, login->call.request, "userId", TRUE, 64, &user_id) ||
      !srv_admin_call_get_string (&login->call, login->call.request, "password", TRUE,
                                  SRV_PASSWORD_MAX_BYTES, &password))
    {
      login_call_free (login);
      return;
    }

  login->attempt = login_attempt_new (user_id, password, login->call.origin);
  if (!login_lookup (login->auth, login->attempt, &error))
    {
      respond_login_error (&login->call, error);
      login_call_free (login);
      return;
    }

  if (login_is_locked (login->attempt))
    {
      audit_login (login->auth, login->attempt, FALSE, SRV_ERROR_CODE_AUTH_LOCKED);
      refuse_locked (&error);
      respond_login_error (&login->call, error);
      login_call_free (login);
      return;
    }

  soup_server_message_pause (msg);
  task = g_task_new (NULL, NULL, login_verified_cb, NULL);
  g_task_set_source_tag (task, login_cb);
  g_task_set_task_data (task, login, (GDestroyNotify) login_call_free);
  g_task_run_in_thread (task, login_verify_thread);
}

static void
logout_cb (SoupServerMessage *msg,
           GHashTable        *params,
           gpointer           user_data)
{
  SrvServer *server = user_data;
  g_auto(SrvAdminCall) call = { 0 };
  g_autoptr(GError) error = NULL;

  srv_admin_call_init (&call, server, msg, SRV_API_ID_AUTH, CODE_PREFIX, "auth.logout");
  if (!srv_admin_call_authorize (&call, SRV_ROLE_ALL))
    return;

  srv_admin_call_set_object (&call, call.actor);
  if (!srv_admin_auth_logout (srv_server_get_admin_auth (server), get_bearer_token (msg), &error) ||
      !srv_admin_call_audit_success (&call, NULL, &error))
    {
      srv_admin_call_fail (&call, error);
      return;
    }

  srv_admin_call_respond (&call, SOUP_STATUS_OK, json_node_init_object (json_node_alloc (), json_object_new ()));
}

static void
session_cb (SoupServerMessage *msg,
            GHashTable        *params,
            gpointer           user_data)
{
  SrvServer *server = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *user_id = NULL;
  SrvRole roles = 0;
  gint64 expires = 0;

  if (!srv_admin_auth_require (server, msg, SRV_API_ID_AUTH, SRV_ROLE_ALL, NULL))
    return;

  if (!check_token (srv_server_get_admin_auth (server), get_bearer_token (msg),
                    &user_id, &roles, &expires, &error))
    {
      srv_http_respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, SRV_API_ID_AUTH,
                              SRV_ERROR_CODE_INTERNAL, error->message);
      return;
    }

  srv_http_respond (msg, SOUP_STATUS_OK, SRV_API_ID_AUTH,
                    session_response (user_id, NULL, expires, roles), NULL);
}

/**
 * srv_admin_auth_add_routes:
 * @router: the server's router
 * @server: the server, which must outlive the router
 */
void
srv_admin_auth_add_routes (SrvRouter *router,
                           SrvServer *server)
{
  g_return_if_fail (SRV_IS_ROUTER (router));
  g_return_if_fail (SRV_IS_SERVER (server));

  srv_router_add (router, SOUP_METHOD_POST, "/v1/auth/login", login_cb, server);
  srv_router_add (router, SOUP_METHOD_POST, "/v1/auth/logout", logout_cb, server);
  srv_router_add (router, SOUP_METHOD_GET, "/v1/auth/session", session_cb, server);
}
