/* srv-admin-auth.h — users log in, get a bearer token, and routes check roles
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include <libsoup/soup.h>
#include <openssl/types.h>

#include "srv-database.h"
#include "srv-http.h"

G_BEGIN_DECLS

/* Declared here too so this header stands alone; srv-server.h has it. */
typedef struct _SrvServer SrvServer;

#define SRV_API_ID_AUTH "idem.auth"

/* Stable error codes of the login and token checks. */
#define SRV_ERROR_CODE_AUTH_UNAUTHENTICATED "IDM-AUT-401"
#define SRV_ERROR_CODE_AUTH_FORBIDDEN       "IDM-AUT-403"
#define SRV_ERROR_CODE_AUTH_FAILED          "IDM-AUT-FAILED"
#define SRV_ERROR_CODE_AUTH_LOCKED          "IDM-AUT-LOCKED"
#define SRV_ERROR_CODE_AUTH_INACTIVE        "IDM-AUT-INACTIVE"

/* A token lives one working day; five wrong passwords in a row lock the
 * account for a quarter of an hour. */
#define SRV_AUTH_TOKEN_LIFETIME_S   (8 * 60 * 60)
#define SRV_AUTH_MAX_FAILED_LOGINS  5
#define SRV_AUTH_LOCKOUT_S          (15 * 60)

/**
 * SrvRole:
 * @SRV_ROLE_ADMIN: manages centres, machines, users and master data
 * @SRV_ROLE_SUPERVISOR: approves a centre's registrations
 * @SRV_ROLE_OPERATOR: registers residents
 * @SRV_ROLE_ADJUDICATOR: decides suspected duplicates
 *
 * The roles a user can hold, as flags so a route can accept several.
 */
typedef enum /*< flags >*/
{
  SRV_ROLE_ADMIN = 1 << 0,
  SRV_ROLE_SUPERVISOR = 1 << 1,
  SRV_ROLE_OPERATOR = 1 << 2,
  SRV_ROLE_ADJUDICATOR = 1 << 3,
} SrvRole;

#define SRV_ROLE_ALL (SRV_ROLE_ADMIN | SRV_ROLE_SUPERVISOR | SRV_ROLE_OPERATOR | SRV_ROLE_ADJUDICATOR)

#define SRV_ADMIN_AUTH_ERROR (srv_admin_auth_error_quark ())

/**
 * SrvAdminAuthError:
 * @SRV_ADMIN_AUTH_ERROR_FAILED: unknown user or wrong password (not told
 *   apart, so logins cannot probe for user ids)
 * @SRV_ADMIN_AUTH_ERROR_LOCKED: too many wrong passwords: the account is
 *   locked for a while
 * @SRV_ADMIN_AUTH_ERROR_INACTIVE: the user is deactivated
 * @SRV_ADMIN_AUTH_ERROR_BAD_TOKEN: the token is missing, malformed, unknown
 *   or expired
 * @SRV_ADMIN_AUTH_ERROR_DATABASE: the database failed
 *
 * Error codes of %SRV_ADMIN_AUTH_ERROR; the values are stable.
 */
typedef enum
{
  SRV_ADMIN_AUTH_ERROR_FAILED = 1,
  SRV_ADMIN_AUTH_ERROR_LOCKED = 2,
  SRV_ADMIN_AUTH_ERROR_INACTIVE = 3,
  SRV_ADMIN_AUTH_ERROR_BAD_TOKEN = 4,
  SRV_ADMIN_AUTH_ERROR_DATABASE = 5,
} SrvAdminAuthError;

#define SRV_TYPE_ADMIN_AUTH (srv_admin_auth_get_type ())

G_DECLARE_FINAL_TYPE (SrvAdminAuth, srv_admin_auth, SRV, ADMIN_AUTH, GObject)

GQuark        srv_admin_auth_error_quark  (void);
const char   *srv_role_to_string          (SrvRole             role);
gboolean      srv_role_from_string        (const char         *string,
                                           SrvRole            *role);

SrvAdminAuth *srv_admin_auth_new          (SrvDatabase        *database,
                                           EVP_PKEY           *encryption_key,
                                           GError            **error);
gboolean      srv_admin_auth_login        (SrvAdminAuth       *self,
                                           const char         *user_id,
                                           const char         *password,
                                           const char         *origin,
                                           char              **out_token,
                                           gint64             *out_expires,
                                           SrvRole            *out_roles,
                                           GError            **error);
gboolean      srv_admin_auth_check_token  (SrvAdminAuth       *self,
                                           const char         *token,
                                           char              **out_user_id,
                                           SrvRole            *out_roles,
                                           GError            **error);
gboolean      srv_admin_auth_logout       (SrvAdminAuth       *self,
                                           const char         *token,
                                           GError            **error);
void          srv_admin_auth_add_routes   (SrvRouter          *router,
                                           SrvServer          *server);

gboolean      srv_admin_auth_require      (SrvServer          *server,
                                           SoupServerMessage  *msg,
                                           const char         *api_id,
                                           SrvRole             any_of,
                                           char              **out_user_id);

G_END_DECLS
