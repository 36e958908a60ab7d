/* srv-admin-users.c — operators, supervisors, administrators
 *
 *   GET  /v1/admin/users
 *   GET  /v1/admin/users/{id}
 *   POST /v1/admin/users        {id, name, email?, password, roles, centreId?, status?, fingerprints?}
 *   PUT  /v1/admin/users/{id}   {name?, email?, password?, roles?, centreId?, status?, fingerprints?}
 *
 * roles:        ["ADMIN", "SUPERVISOR", "OPERATOR", "ADJUDICATOR"], at least one
 * fingerprints: [{"finger": "Right IndexFinger", "template": base64 of an
 *                IdemMinutiae serialisation}], for login at the registration client
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Answers never hold a password hash.  The centre mapping keeps its
 * history in user_centre (valid_from, valid_to): the pipeline checks that
 * an operator belonged to the centre when the packet was made, not today.
 * "centreId": null unmaps.  A new password, a deactivation or a change of
 * roles ends the user's sessions; a new password also lifts a lockout.
 * Password hashing (scrypt) runs in a worker thread, the database work on
 * the main thread after it.
 */

#define G_LOG_DOMAIN "idem-server"

#include "config.h"

#include "srv-admin-private.h"
#include "srv-password.h"

#include "idem.h"

#include <glib/gi18n.h>

#define MAX_TEMPLATE_BASE64 8192

static const char * const user_statuses[] = { "ACTIVE", "INACTIVE", NULL };
static const char * const role_names[] = { "ADMIN", "SUPERVISOR", "OPERATOR", "ADJUDICATOR", NULL };
static const char * const finger_names[] = {
  "Left Thumb", "Left IndexFinger", "Left MiddleFinger", "Left RingFinger", "Left LittleFinger",
  "Right Thumb", "Right IndexFinger", "Right MiddleFinger", "Right RingFinger", "Right LittleFinger",
  NULL
};

static const SrvAdminColumn columns[] = {
  { "id", SRV_ADMIN_COLUMN_TEXT },
  { "name", SRV_ADMIN_COLUMN_TEXT },
  { "email", SRV_ADMIN_COLUMN_TEXT },
  { "status", SRV_ADMIN_COLUMN_TEXT },
  { "locked", SRV_ADMIN_COLUMN_BOOL, SRV_ADMIN_NULL_IS_FALSE },
  { "version", SRV_ADMIN_COLUMN_INT },
};

#define SELECT "SELECT id, name, email, status, locked_until > strftime('%s', 'now'), version FROM app_user"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

static char *
format_time (gint64 seconds)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (seconds);

  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
}

static gboolean
add_details (sqlite3      *db,
             const char   *id,
             JsonBuilder  *builder,
             GError      **error)
{
  g_autoptr(sqlite3_stmt) roles = NULL;
  g_autoptr(sqlite3_stmt) centres = NULL;
  g_autoptr(sqlite3_stmt) fingers = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, "SELECT role FROM user_role WHERE user_id = ? ORDER BY role", -1, &roles, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, "SELECT centre_id, valid_from, valid_to FROM user_centre WHERE user_id = ? ORDER BY valid_from",
                          -1, &centres, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, "SELECT finger FROM user_biometric WHERE user_id = ? ORDER BY finger", -1, &fingers, NULL) != SQLITE_OK)
    goto fail;

  sqlite3_bind_text (roles, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (centres, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (fingers, 1, id, -1, SQLITE_TRANSIENT);

  json_builder_set_member_name (builder, "roles");
  json_builder_begin_array (builder);
  while ((rc = sqlite3_step (roles)) == SQLITE_ROW)
    json_builder_add_string_value (builder, (const char *) sqlite3_column_text (roles, 0));
  json_builder_end_array (builder);
  if (rc != SQLITE_DONE)
    goto fail;

  json_builder_set_member_name (builder, "centreHistory");
  json_builder_begin_array (builder);
  while ((rc = sqlite3_step (centres)) == SQLITE_ROW)
    {
      g_autofree char *from = format_time (sqlite3_column_int64 (centres, 1));

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "centreId");
      json_builder_add_string_value (builder, (const char *) sqlite3_column_text (centres, 0));
      json_builder_set_member_name (builder, "validFrom");
      json_builder_add_string_value (builder, from);
      json_builder_set_member_name (builder, "validTo");
      if (sqlite3_column_type (centres, 2) == SQLITE_NULL)
        {
          json_builder_add_null_value (builder);
        }
      else
        {
          g_autofree char *to = format_time (sqlite3_column_int64 (centres, 2));

          json_builder_add_string_value (builder, to);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (rc != SQLITE_DONE)
    goto fail;

  json_builder_set_member_name (builder, "centreId");
  {
    g_autofree char *centre = NULL;

    if (!srv_admin_query_text (db, &centre, error,
                               "SELECT centre_id FROM user_centre WHERE user_id = ? AND valid_to IS NULL", "t", id))
      return FALSE;
    if (centre != NULL)
      json_builder_add_string_value (builder, centre);
    else
      json_builder_add_null_value (builder);
  }

  json_builder_set_member_name (builder, "fingers");
  json_builder_begin_array (builder);
  while ((rc = sqlite3_step (fingers)) == SQLITE_ROW)
    json_builder_add_string_value (builder, (const char *) sqlite3_column_text (fingers, 0));
  json_builder_end_array (builder);
  if (rc != SQLITE_DONE)
    goto fail;

  return TRUE;

fail:
  srv_admin_set_sqlite_error (error, db);
  return FALSE;
}

static void
respond_user (SrvAdminCall *call,
              guint         status,
              const char   *id)
{
  srv_admin_respond_one (call, status, SELECT " WHERE id = ?1", id, NULL,
                         columns, G_N_ELEMENTS (columns), add_details);
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

  srv_admin_respond_list (&call, SELECT " ORDER BY id", NULL, columns, G_N_ELEMENTS (columns), add_details);
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

  respond_user (&call, SOUP_STATUS_OK, g_hash_table_lookup (params, "id"));
}

typedef struct
{
  char   *finger;
  GBytes *template;
} Fingerprint;

static void
fingerprint_free (Fingerprint *fingerprint)
{
  g_free (fingerprint->finger);
  g_bytes_unref (fingerprint->template);
  g_free (fingerprint);
}

/* One create or update, carried across the hashing thread. */
typedef struct
{
  SrvAdminCall  call;
  gboolean      creating;
  char         *id;
  char         *name;
  char         *email;
  char         *password;
  char         *password_hash;
  GError       *hash_error;
  char         *status;
  SrvRole       roles;
  gboolean      has_roles;
  char         *centre_id;
  gboolean      has_centre;
  GPtrArray    *fingerprints;
} UserWrite;

static void
user_write_free (UserWrite *write)
{
  if (write->call.msg != NULL)
    g_object_unref (write->call.msg);
  if (write->call.server != NULL)
    g_object_unref (write->call.server);
  srv_admin_call_clear (&write->call);
  g_free (write->id);
  g_free (write->name);
  g_free (write->email);
  if (write->password != NULL)
    idem_crypto_wipe (write->password, strlen (write->password));
  g_free (write->password);
  g_free (write->password_hash);
  g_clear_error (&write->hash_error);
  g_free (write->status);
  g_free (write->centre_id);
  g_clear_pointer (&write->fingerprints, g_ptr_array_unref);
  g_free (write);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UserWrite, user_write_free)

static gboolean
get_roles (UserWrite *write)
{
  SrvAdminCall *call = &write->call;
  JsonArray *array;

  if (!srv_admin_call_get_array (call, call->request, "roles", write->creating, 4, &array))
    return FALSE;
  if (array == NULL)
    return TRUE;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      SrvRole role;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
          !srv_role_from_string (json_node_get_string (node), &role))
        {
          g_autofree char *list = g_strjoinv (", ", (char **) role_names);
          g_autofree char *message = g_strdup_printf (_("Each role must be one of %s"), list);

          srv_admin_call_refuse (call, SOUP_STATUS_BAD_REQUEST, SRV_ADMIN_CODE_INVALID, message);
          return FALSE;
        }

      write->roles |= role;
    }

  if (write->roles == 0)
    {
      srv_admin_call_refuse (call, SOUP_STATUS_BAD_REQUEST, SRV_ADMIN_CODE_INVALID,
                             _("A user holds at least one role"));
      return FALSE;
    }

  write->has_roles = TRUE;
  return TRUE;
}

static gboolean
get_fingerprints (UserWrite *write)
{
  SrvAdminCall *call = &write->call;
  JsonArray *array;

  if (!srv_admin_call_get_array (call, call->request, "fingerprints", FALSE, 10, &array))
    return FALSE;
  if (array == NULL)
    return TRUE;

  write->fingerprints = g_ptr_array_new_with_free_func ((GDestroyNotify) fingerprint_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(IdemMinutiae) minutiae = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree guchar *data = NULL;
      const char *finger;
      const char *text;
      gsize length = 0;
      Fingerprint *fingerprint;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          srv_admin_call_refuse (call, SOUP_STATUS_BAD_REQUEST, SRV_ADMIN_CODE_TYPE,
                                 _("Each of “fingerprints” must be an object"));
          return FALSE;
        }

      if (!srv_admin_call_get_enum (call, json_node_get_object (node), "finger", TRUE, finger_names, &finger) ||
          !srv_admin_call_get_string (call, json_node_get_object (node), "template", TRUE, MAX_TEMPLATE_BASE64, &text))
        return FALSE;

      for (guint j = 0; j < write->fingerprints->len; j++)
        {
          if (g_str_equal (((Fingerprint *) g_ptr_array_index (write->fingerprints, j))->finger, finger))
            {
              srv_admin_call_refuse (call, SOUP_STATUS_BAD_REQUEST, SRV_ADMIN_CODE_INVALID,
                                     _("A finger appears twice in “fingerprints”"));
              return FALSE;
            }
        }

      data = g_base64_decode (text, &length);
      bytes = g_bytes_new_take (g_steal_pointer (&data), length);
      minutiae = idem_minutiae_deserialize (bytes, &error);
      if (minutiae == NULL)
        {
          g_autofree char *message = g_strdup_printf (_("The template of “%s” is not an Idem minutiae template: %s"),
                                                      finger, error->message);

          srv_admin_call_refuse (call, SOUP_STATUS_BAD_REQUEST, SRV_ADMIN_CODE_INVALID, message);
          return FALSE;
        }

      fingerprint = g_new0 (Fingerprint, 1);
      fingerprint->finger = g_strdup (finger);
      /* Stored as re-serialised, so only what the parser understood is kept. */
      fingerprint->template = idem_minutiae_serialize (minutiae);
      g_ptr_array_add (write->fingerprints, fingerprint);
    }

  return TRUE;
}

/* Reads and checks the whole request; refuses and returns FALSE on the
 * first mistake. */
static gboolean
read_user (UserWrite *write)
{
  SrvAdminCall *call = &write->call;
  g_autoptr(GError) error = NULL;
  const char *id = NULL;
  const char *name;
  const char *email;
  const char *password;
  const char *status;
  const char *centre_id;

  if (!srv_admin_call_read (call, SRV_ADMIN_MAX_BODY_BYTES))
    return FALSE;

  if (write->creating && !srv_admin_call_get_id (call, call->request, "id", TRUE, &id))
    return FALSE;
  if (id != NULL)
    {
      write->id = g_strdup (id);
      srv_admin_call_set_object (call, id);
    }

  if (!srv_admin_call_get_string (call, call->request, "name", write->creating, 128, &name) ||
      !srv_admin_call_get_string (call, call->request, "email", FALSE, 254, &email) ||
      !srv_admin_call_get_string (call, call->request, "password", write->creating, SRV_PASSWORD_MAX_BYTES, &password) ||
      !srv_admin_call_get_enum (call, call->request, "status", FALSE, user_statuses, &status) ||
      !srv_admin_call_get_id (call, call->request, "centreId", FALSE, &centre_id) ||
      !get_roles (write) ||
      !get_fingerprints (write))
    return FALSE;

  if (email != NULL && (strchr (email, '@') == NULL || strchr (email, ' ') != NULL))
    {
      srv_admin_call_refuse (call, SOUP_STATUS_BAD_REQUEST, SRV_ADMIN_CODE_INVALID,
                             _("“email” must be an e-mail address"));
      return FALSE;
    }

  if (password != NULL && !srv_password_check_policy (password, &error))
    {
      srv_admin_call_refuse (call, SOUP_STATUS_BAD_REQUEST, "PASSWORD", error->message);
      return FALSE;
    }

  write->name = g_strdup (name);
  write->email = g_strdup (email);
  write->password = g_strdup (password);
  write->status = g_strdup (status);
  write->centre_id = g_strdup (centre_id);
  write->has_centre = json_object_has_member (call->request, "centreId");

  return TRUE;
}

static gboolean
write_roles (sqlite3    *db,
             UserWrite  *write,
             GError    **error)
{
  if (!srv_admin_exec (db, error, "DELETE FROM user_role WHERE user_id = ?", "t", write->id))
    return FALSE;

  for (guint i = 0; role_names[i] != NULL; i++)
    {
      SrvRole role = 0;

      srv_role_from_string (role_names[i], &role);
      if ((write->roles & role) &&
          !srv_admin_exec (db, error, "INSERT INTO user_role (user_id, role) VALUES (?, ?)", "tt",
                           write->id, role_names[i]))
        return FALSE;
    }

  return TRUE;
}

/* Closes the current mapping and opens the new one.  Mappings that began
 * this very second lasted no time and are dropped (the history's key is
 * the start second). */
static gboolean
write_centre (sqlite3    *db,
              UserWrite  *write,
              GError    **error)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *current = NULL;

  if (!srv_admin_query_text (db, &current, error,
                             "SELECT centre_id FROM user_centre WHERE user_id = ? AND valid_to IS NULL", "t", write->id))
    return FALSE;

  if (g_strcmp0 (current, write->centre_id) == 0)
    return TRUE;

  return srv_admin_exec (db, error, "DELETE FROM user_centre WHERE user_id = ? AND valid_from = ?",
                         "ti", write->id, now) &&
         srv_admin_exec (db, error, "UPDATE user_centre SET valid_to = ? WHERE user_id = ? AND valid_to IS NULL",
                         "it", now, write->id) &&
         (write->centre_id == NULL ||
          srv_admin_exec (db, error, "INSERT INTO user_centre (user_id, centre_id, valid_from) VALUES (?, ?, ?)",
                          "tti", write->id, write->centre_id, now));
}

static gboolean
write_fingerprints (sqlite3    *db,
                    UserWrite  *write,
                    GError    **error)
{
  if (!srv_admin_exec (db, error, "DELETE FROM user_biometric WHERE user_id = ?", "t", write->id))
    return FALSE;

  for (guint i = 0; i < write->fingerprints->len; i++)
    {
      Fingerprint *fingerprint = g_ptr_array_index (write->fingerprints, i);

      if (!srv_admin_exec (db, error, "INSERT INTO user_biometric (user_id, finger, template) VALUES (?, ?, ?)",
                           "ttb", write->id, fingerprint->finger,
                           g_bytes_get_data (fingerprint->template, NULL), g_bytes_get_size (fingerprint->template)))
        return FALSE;
    }

  return TRUE;
}

/* Refuses (after rolling back) unless the centre exists and is active. */
static gboolean
check_centre (UserWrite  *write,
              gboolean   *ok,
              GError    **error)
{
  g_autofree char *status = NULL;

  *ok = TRUE;
  if (write->centre_id == NULL)
    return TRUE;

  if (!srv_admin_query_text (srv_admin_db (&write->call), &status, error,
                             "SELECT status FROM centre WHERE id = ?", "t", write->centre_id))
    return FALSE;

  if (g_strcmp0 (status, "ACTIVE") != 0)
    {
      g_autofree char *message = g_strdup_printf (_("There is no active centre “%s” to map the user to"), write->centre_id);

      srv_admin_rollback (&write->call);
      srv_admin_call_refuse (&write->call, SOUP_STATUS_BAD_REQUEST, SRV_ADMIN_CODE_REFERENCE, message);
      *ok = FALSE;
    }

  return TRUE;
}

/* The database part, on the main thread once the hash is ready. */
static void
finish_write (UserWrite *write)
{
  SrvAdminCall *call = &write->call;
  g_autoptr(GError) error = NULL;
  sqlite3 *db;
  gboolean exists = FALSE;
  gboolean ok = FALSE;
  gint64 version = 0;
  gboolean end_sessions;

  if (write->hash_error != NULL)
    {
      srv_admin_call_fail (call, write->hash_error);
      return;
    }

  if (srv_server_get_database (call->server) == NULL)
    {
      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_CLOSED, _("The server is stopping"));
      srv_admin_call_fail (call, error);
      return;
    }

  db = srv_admin_db (call);
  if (!srv_admin_begin (call, &error) ||
      !srv_admin_exists (db, &exists, &error, "SELECT 1 FROM app_user WHERE id = ?", "t", write->id))
    goto fail;

  if (exists == write->creating)
    {
      srv_admin_rollback (call);
      if (exists)
        {
          g_autofree char *message = g_strdup_printf (_("The user “%s” exists already"), write->id);

          srv_admin_call_refuse (call, SOUP_STATUS_CONFLICT, SRV_ADMIN_CODE_EXISTS, message);
        }
      else
        {
          srv_admin_refuse_not_found (call, _("user"), write->id);
        }
      return;
    }

  if (!check_centre (write, &ok, &error))
    goto fail;
  if (!ok)
    return;

  if (!srv_admin_next_version (call, &version, &error))
    goto fail;

  if (write->creating)
    {
      if (!srv_admin_exec (db, &error,
                           "INSERT INTO app_user (id, name, email, password_hash, status, version)"
                           " VALUES (?, ?, ?, ?, ?, ?)",
                           "ttttti", write->id, write->name, write->email, write->password_hash,
                           write->status != NULL ? write->status : "ACTIVE", version))
        goto fail;
    }
  else if (!srv_admin_exec (db, &error,
                            "UPDATE app_user SET name = coalesce(?2, name), email = coalesce(?3, email),"
                            " password_hash = coalesce(?4, password_hash),"
                            " failed_logins = CASE WHEN ?4 IS NULL THEN failed_logins ELSE 0 END,"
                            " locked_until = CASE WHEN ?4 IS NULL THEN locked_until ELSE 0 END,"
                            " status = coalesce(?5, status), version = ?6 WHERE id = ?1",
                            "ttttti", write->id, write->name, write->email, write->password_hash,
                            write->status, version))
    goto fail;

  if ((write->has_roles && !write_roles (db, write, &error)) ||
      (write->has_centre && !write_centre (db, write, &error)) ||
      (write->fingerprints != NULL && !write_fingerprints (db, write, &error)))
    goto fail;

  end_sessions = !write->creating &&
                 (write->password_hash != NULL || write->has_roles || g_strcmp0 (write->status, "INACTIVE") == 0);
  if (end_sessions && !srv_admin_exec (db, &error, "DELETE FROM user_session WHERE user_id = ?", "t", write->id))
    goto fail;

  if (!srv_admin_call_audit_success (call, write->password_hash != NULL && !write->creating ? "password changed" : write->status,
                                     &error) ||
      !srv_admin_commit (call, &error))
    goto fail;

  respond_user (call, write->creating ? SOUP_STATUS_CREATED : SOUP_STATUS_OK, write->id);
  return;

fail:
  srv_admin_rollback (call);
  srv_admin_call_fail (call, error);
}

static void
hash_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  UserWrite *write = task_data;

  write->password_hash = srv_password_hash (write->password, &write->hash_error);
  g_task_return_boolean (task, TRUE);
}

static void
hashed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  UserWrite *write = g_task_get_task_data (G_TASK (result));

  finish_write (write);
  soup_server_message_unpause (write->call.msg);
}

static void
handle_write (SoupServerMessage *msg,
              SrvServer         *server,
              const char        *id,
              gboolean           creating)
{
  g_autoptr(UserWrite) write = g_new0 (UserWrite, 1);
  g_autoptr(GTask) task = NULL;

  write->creating = creating;
  srv_admin_call_init (&write->call, g_object_ref (server), g_object_ref (msg),
                       SRV_API_ID_ADMIN, SRV_ADMIN_CODE_PREFIX, creating ? "user.create" : "user.update");
  if (id != NULL)
    {
      write->id = g_strdup (id);
      srv_admin_call_set_object (&write->call, id);
    }

  if (!srv_admin_call_authorize (&write->call, SRV_ROLE_ADMIN) || !read_user (write))
    return;

  if (write->password == NULL)
    {
      finish_write (write);
      return;
    }

  soup_server_message_pause (msg);
  task = g_task_new (NULL, NULL, hashed_cb, NULL);
  g_task_set_source_tag (task, handle_write);
  g_task_set_task_data (task, g_steal_pointer (&write), (GDestroyNotify) user_write_free);
  g_task_run_in_thread (task, hash_thread);
}

static void
create_cb (SoupServerMessage *msg,
           GHashTable        *params,
           gpointer           user_data)
{
  handle_write (msg, user_data, NULL, TRUE);
}

static void
update_cb (SoupServerMessage *msg,
           GHashTable        *params,
           gpointer           user_data)
{
  handle_write (msg, user_data, g_hash_table_lookup (params, "id"), FALSE);
}

void
srv_admin_users_add_routes (SrvRouter *router,
                            SrvServer *server)
{
  srv_router_add (router, SOUP_METHOD_GET, "/v1/admin/users", list_cb, server);
  srv_router_add (router, SOUP_METHOD_POST, "/v1/admin/users", create_cb, server);
  srv_router_add (router, SOUP_METHOD_GET, "/v1/admin/users/{id}", get_cb, server);
  srv_router_add (router, SOUP_METHOD_PUT, "/v1/admin/users/{id}", update_cb, server);
}
