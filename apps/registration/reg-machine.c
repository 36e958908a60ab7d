/* reg-machine.c — who this workstation is, and what it synced
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The machine is its signing key, the ID the administrator registered it
 * under, its centre, and the data its server hands it at each sync: the ID
 * schema and UI spec the form is built from, master data, the operators
 * who may sign in, and the certificate packets are encrypted for.  All of
 * it is kept in the workstation's store, so the machine works offline.
 * Until the first sync, the ID schema and UI spec are the defaults built
 * into the client.
 */

#define G_LOG_DOMAIN "reg-machine"

#include "config.h"

#include "reg-machine.h"

#include "idem-openssl-types.h"

#include <glib/gi18n.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#define VALUE_MACHINE_ID "machine-id"
#define VALUE_CENTRE_ID  "centre-id"
#define VALUE_LAST_SYNC  "last-sync"

#define DEFAULT_ID_SCHEMA "/org/idem/Registration/schema/id-schema.json"
#define DEFAULT_UI_SPEC   "/org/idem/Registration/schema/ui-spec.json"

struct _RegMachine
{
  GObject        parent_instance;

  RegStore      *store;
  RegMachineKey *key;

  EVP_PKEY      *signing_key;
  char          *fingerprint;
  char          *machine_id;
  char          *centre_id;

  IdemIdSchema  *id_schema;
  IdemUiSpec    *ui_spec;
  JsonNode      *master_data;
  JsonNode      *users;
  char          *certificate_pem;
  gboolean       generating;
};

G_DEFINE_FINAL_TYPE (RegMachine, reg_machine, G_TYPE_OBJECT)

G_DEFINE_QUARK (reg-machine-error-quark, reg_machine_error)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
is_machine_id (const char *id)
{
  if (id == NULL || strlen (id) != IDEM_RID_MACHINE_LENGTH)
    return FALSE;

  for (guint i = 0; id[i] != '\0'; i++)
    if (!g_ascii_isdigit (id[i]))
      return FALSE;

  return TRUE;
}

static void
set_bad_sync_data (GError     **error,
                   const char  *kind,
                   const char  *detail)
{
  g_set_error (error, REG_MACHINE_ERROR, REG_MACHINE_ERROR_BAD_SYNC_DATA,
               _("The synced %s cannot be used: %s"), kind, detail);
}

static JsonNode *
parse_json (const char  *kind,
            const char  *content,
            JsonNodeType type,
            GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) parse_error = NULL;
  JsonNode *root;

  if (!json_parser_load_from_data (parser, content, -1, &parse_error))
    {
      set_bad_sync_data (error, kind, parse_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || JSON_NODE_TYPE (root) != type)
    {
      set_bad_sync_data (error, kind,
                         type == JSON_NODE_ARRAY ? _("it is not a JSON array") : _("it is not a JSON object"));
      return NULL;
    }

  return json_node_ref (root);
}

static gboolean
check_certificate (const char  *pem,
                   GError     **error)
{
  BIO *bio;
  X509 *certificate;

  bio = BIO_new_mem_buf (pem, -1);
  certificate = bio != NULL ? PEM_read_bio_X509 (bio, NULL, NULL, NULL) : NULL;
  BIO_free (bio);
  ERR_clear_error ();

  if (certificate == NULL)
    {
      set_bad_sync_data (error, _("certificate"), _("it is not a PEM X.509 certificate"));
      return FALSE;
    }

  X509_free (certificate);
  return TRUE;
}

/* Parses one synced document into the machine's fields, or leaves them as
 * they are and fails. */
static gboolean
load_document (RegMachine  *self,
               const char  *kind,
               const char  *content,
               GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (g_str_equal (kind, REG_SYNC_ID_SCHEMA))
    {
      g_autoptr(GBytes) bytes = g_bytes_new (content, strlen (content));
      IdemIdSchema *schema = idem_id_schema_new_from_bytes (bytes, &local_error);

      if (schema == NULL)
        {
          set_bad_sync_data (error, _("ID schema"), local_error->message);
          return FALSE;
        }

      g_set_object (&self->id_schema, schema);
      g_object_unref (schema);
    }
  else if (g_str_equal (kind, REG_SYNC_UI_SPEC))
    {
      g_autoptr(GBytes) bytes = g_bytes_new (content, strlen (content));
      g_autoptr(IdemUiSpec) spec = idem_ui_spec_new_from_bytes (bytes, &local_error);

      if (spec == NULL || !idem_ui_spec_check_schema (spec, self->id_schema, &local_error))
        {
          set_bad_sync_data (error, _("UI spec"), local_error->message);
          return FALSE;
        }

      g_set_object (&self->ui_spec, spec);
    }
  else if (g_str_equal (kind, REG_SYNC_MASTER_DATA))
    {
      JsonNode *node = parse_json (_("master data"), content, JSON_NODE_OBJECT, error);

      if (node == NULL)
        return FALSE;

      g_clear_pointer (&self->master_data, json_node_unref);
      self->master_data = node;
    }
  else if (g_str_equal (kind, REG_SYNC_USERS))
    {
      JsonNode *node = parse_json (_("user list"), content, JSON_NODE_ARRAY, error);

      if (node == NULL)
        return FALSE;

      g_clear_pointer (&self->users, json_node_unref);
      self->users = node;
    }
  else if (g_str_equal (kind, REG_SYNC_CERTIFICATE))
    {
      if (!check_certificate (content, error))
        return FALSE;

      g_free (self->certificate_pem);
      self->certificate_pem = g_strdup (content);
    }
  else
    {
      set_bad_sync_data (error, kind, _("the workstation does not know this kind of data"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
load_defaults (RegMachine  *self,
               GError     **error)
{
  g_autoptr(GBytes) schema_bytes = NULL;
  g_autoptr(GBytes) spec_bytes = NULL;

  schema_bytes = g_resources_lookup_data (DEFAULT_ID_SCHEMA, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (schema_bytes == NULL)
    return FALSE;
  self->id_schema = idem_id_schema_new_from_bytes (schema_bytes, error);
  if (self->id_schema == NULL)
    return FALSE;

  spec_bytes = g_resources_lookup_data (DEFAULT_UI_SPEC, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (spec_bytes == NULL)
    return FALSE;
  self->ui_spec = idem_ui_spec_new_from_bytes (spec_bytes, error);

  return self->ui_spec != NULL;
}

static gboolean
load_key (RegMachine  *self,
          GError     **error)
{
  g_autoptr(EVP_PKEY) key = NULL;

  if (!reg_machine_key_has_key (self->key))
    return TRUE;

  key = reg_machine_key_load_private (self->key, error);
  if (key == NULL)
    return FALSE;

  g_free (self->fingerprint);
  self->fingerprint = idem_public_key_fingerprint (key);
  g_clear_pointer (&self->signing_key, EVP_PKEY_free);
  self->signing_key = g_steal_pointer (&key);

  return TRUE;
}

static void
generate_key_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  RegMachineKey *key = task_data;
  GError *error = NULL;

  if (!reg_machine_key_generate (key, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
reg_machine_finalize (GObject *object)
{
  RegMachine *self = REG_MACHINE (object);

  g_clear_object (&self->store);
  g_clear_object (&self->key);
  g_clear_pointer (&self->signing_key, EVP_PKEY_free);
  g_clear_pointer (&self->fingerprint, g_free);
  g_clear_pointer (&self->machine_id, g_free);
  g_clear_pointer (&self->centre_id, g_free);
  g_clear_object (&self->id_schema);
  g_clear_object (&self->ui_spec);
  g_clear_pointer (&self->master_data, json_node_unref);
  g_clear_pointer (&self->users, json_node_unref);
  g_clear_pointer (&self->certificate_pem, g_free);

  G_OBJECT_CLASS (reg_machine_parent_class)->finalize (object);
}

static void
reg_machine_class_init (RegMachineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = reg_machine_finalize;

  /**
   * RegMachine::changed:
   *
   * Emitted when the machine's identity or synced data changed.
   */
  signals[CHANGED] = g_signal_new ("changed",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);
}

static void
reg_machine_init (RegMachine *self)
{
}

/**
 * reg_machine_new:
 * @store: the workstation's store
 * @key: (nullable): where the signing key lives; %NULL for the software
 *   keystore in the store's directory
 * @error: return location for a #GError
 *
 * Loads the machine: its key, identity and last synced data.
 *
 * Returns: (transfer full): the machine, or %NULL with @error set (a key
 *   that exists but does not load, synced data that no longer parses)
 */
RegMachine *
reg_machine_new (RegStore       *store,
                 RegMachineKey  *key,
                 GError        **error)
{
  static const char * const kinds[] = {
    REG_SYNC_ID_SCHEMA, REG_SYNC_UI_SPEC, REG_SYNC_MASTER_DATA, REG_SYNC_USERS, REG_SYNC_CERTIFICATE,
  };
  g_autoptr(RegMachine) self = NULL;

  g_return_val_if_fail (REG_IS_STORE (store), NULL);
  g_return_val_if_fail (key == NULL || REG_IS_MACHINE_KEY (key), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (REG_TYPE_MACHINE, NULL);
  self->store = g_object_ref (store);
  self->key = key != NULL ? g_object_ref (key) : reg_machine_key_new_software (reg_store_get_directory (store));
  self->machine_id = reg_store_get_value (store, VALUE_MACHINE_ID);
  self->centre_id = reg_store_get_value (store, VALUE_CENTRE_ID);

  if (!load_key (self, error) || !load_defaults (self, error))
    return NULL;

  /* In this order: the UI spec is checked against the ID schema. */
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *content = reg_store_load_sync_document (store, kinds[i]);

      if (content != NULL && !load_document (self, kinds[i], content, error))
        return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * reg_machine_get_store:
 * @self: a #RegMachine
 *
 * Returns: (transfer none): the workstation's store
 */
RegStore *
reg_machine_get_store (RegMachine *self)
{
  g_return_val_if_fail (REG_IS_MACHINE (self), NULL);

  return self->store;
}

/**
 * reg_machine_has_key:
 * @self: a #RegMachine
 *
 * Returns: whether the machine has its signing key pair
 */
gboolean
reg_machine_has_key (RegMachine *self)
{
  g_return_val_if_fail (REG_IS_MACHINE (self), FALSE);

  return self->signing_key != NULL;
}

/**
 * reg_machine_generate_key_async:
 * @self: a #RegMachine without a key
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the key pair exists
 * @user_data: data for @callback
 *
 * Generates the machine's Ed25519 key pair in a thread and stores it
 * encrypted.
 */
void
reg_machine_generate_key_async (RegMachine          *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (REG_IS_MACHINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, reg_machine_generate_key_async);
  /* A key that was generated is loaded even if the caller went away:
   * otherwise the next attempt would find it on disk and fail. */
  g_task_set_check_cancellable (task, FALSE);
  self->generating = TRUE;
  g_task_set_task_data (task, g_object_ref (self->key), g_object_unref);
  g_task_run_in_thread (task, generate_key_thread);
}

/**
 * reg_machine_generate_key_finish:
 * @self: a #RegMachine
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the machine now has its key pair
 */
gboolean
reg_machine_generate_key_finish (RegMachine    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (REG_IS_MACHINE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  self->generating = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), error) || !load_key (self, error))
    {
      g_signal_emit (self, signals[CHANGED], 0);
      return FALSE;
    }

  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

/**
 * reg_machine_is_generating_key:
 * @self: a #RegMachine
 *
 * Returns: whether reg_machine_generate_key_async() is running
 */
gboolean
reg_machine_is_generating_key (RegMachine *self)
{
  g_return_val_if_fail (REG_IS_MACHINE (self), FALSE);

  return self->generating;
}

/**
 * reg_machine_get_signing_key:
 * @self: a #RegMachine
 *
 * Returns: (transfer none) (nullable): the machine's Ed25519 private key,
 *   which signs its requests and packets; %NULL before it is generated
 */
EVP_PKEY *
reg_machine_get_signing_key (RegMachine *self)
{
  g_return_val_if_fail (REG_IS_MACHINE (self), NULL);

  return self->signing_key;
}

/**
 * reg_machine_get_key_fingerprint:
 * @self: a #RegMachine
 *
 * Returns: (nullable): hex SHA-256 of the public key's DER
 *   SubjectPublicKeyInfo, as the server records it; %NULL without a key
 */
const char *
reg_machine_get_key_fingerprint (RegMachine *self)
{
  g_return_val_if_fail (REG_IS_MACHINE (self), NULL);

  return self->fingerprint;
}

/**
 * reg_machine_get_public_key_pem:
 * @self: a #RegMachine
 *
 * Returns: (transfer full) (nullable): the public key in PEM, for the
 *   administrator to register; %NULL without a key
 */
char *
reg_machine_get_public_key_pem (RegMachine *self)
{
  BIO *bio;
  char *data = NULL;
  long length;
  char *pem = NULL;

  g_return_val_if_fail (REG_IS_MACHINE (self), NULL);

  if (self->signing_key == NULL)
    return NULL;

  bio = BIO_new (BIO_s_mem ());
  if (bio != NULL && PEM_write_bio_PUBKEY (bio, self->signing_key) == 1)
    {
      length = BIO_get_mem_data (bio, &data);
      pem = g_strndup (data, (gsize) length);
    }
  BIO_free (bio);
  ERR_clear_error ();

  return pem;
}

/**
 * reg_machine_get_machine_id:
 * @self: a #RegMachine
 *
 * Returns: (nullable): the 5-digit ID the administrator registered this
 *   machine under, or %NULL until it is set
 */
const char *
reg_machine_get_machine_id (RegMachine *self)
{
  g_return_val_if_fail (REG_IS_MACHINE (self), NULL);

  return self->machine_id;
}

/**
 * reg_machine_set_machine_id:
 * @self: a #RegMachine
 * @machine_id: 5 digits, as the administrator registered the machine
 * @error: return location for a #GError
 *
 * Returns: %TRUE when stored; a malformed ID changes nothing
 */
gboolean
reg_machine_set_machine_id (RegMachine  *self,
                            const char  *machine_id,
                            GError     **error)
{
  g_return_val_if_fail (REG_IS_MACHINE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!is_machine_id (machine_id))
    {
      g_set_error (error, REG_MACHINE_ERROR, REG_MACHINE_ERROR_BAD_MACHINE_ID,
                   _("“%s” is not a machine ID: your administrator gives you one of 5 digits"),
                   machine_id != NULL ? machine_id : "");
      return FALSE;
    }

  if (g_strcmp0 (self->machine_id, machine_id) == 0)
    return TRUE;

  if (!reg_store_set_value (self->store, VALUE_MACHINE_ID, machine_id, error))
    return FALSE;

  g_free (self->machine_id);
  self->machine_id = g_strdup (machine_id);
  g_signal_emit (self, signals[CHANGED], 0);

  return TRUE;
}

/**
 * reg_machine_get_centre_id:
 * @self: a #RegMachine
 *
 * Returns: (nullable): the ID of the machine's registration centre, as the
 *   last sync reported it
 */
const char *
reg_machine_get_centre_id (RegMachine *self)
{
  g_return_val_if_fail (REG_IS_MACHINE (self), NULL);

  return self->centre_id;
}

/**
 * reg_machine_set_centre_id:
 * @self: a #RegMachine
 * @centre_id: 5 digits
 * @error: return location for a #GError
 *
 * Returns: %TRUE when stored; a malformed ID changes nothing
 */
gboolean
reg_machine_set_centre_id (RegMachine  *self,
                           const char  *centre_id,
                           GError     **error)
{
  g_return_val_if_fail (REG_IS_MACHINE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!is_machine_id (centre_id))
    {
      g_set_error (error, REG_MACHINE_ERROR, REG_MACHINE_ERROR_BAD_SYNC_DATA,
                   _("“%s” is not a registration centre ID: it must have 5 digits"),
                   centre_id != NULL ? centre_id : "");
      return FALSE;
    }

  if (g_strcmp0 (self->centre_id, centre_id) == 0)
    return TRUE;

  if (!reg_store_set_value (self->store, VALUE_CENTRE_ID, centre_id, error))
    return FALSE;

  g_free (self->centre_id);
  self->centre_id = g_strdup (centre_id);
  g_signal_emit (self, signals[CHANGED], 0);

  return TRUE;
}

/**
 * reg_machine_apply_sync_document:
 * @self: a #RegMachine
 * @kind: one of %REG_SYNC_ID_SCHEMA, %REG_SYNC_UI_SPEC,
 *   %REG_SYNC_MASTER_DATA (a JSON object: type → array of rows),
 *   %REG_SYNC_USERS (a JSON array of user objects) or
 *   %REG_SYNC_CERTIFICATE (PEM)
 * @content: the document's text
 * @error: return location for a #GError
 *
 * Checks and keeps a document the sync downloaded.  A document that does
 * not parse is refused with %REG_MACHINE_ERROR_BAD_SYNC_DATA and the
 * machine keeps what it had.
 *
 * Returns: %TRUE when applied and stored
 */
gboolean
reg_machine_apply_sync_document (RegMachine  *self,
                                 const char  *kind,
                                 const char  *content,
                                 GError     **error)
{
  g_return_val_if_fail (REG_IS_MACHINE (self), FALSE);
  g_return_val_if_fail (kind != NULL, FALSE);
  g_return_val_if_fail (content != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!load_document (self, kind, content, error) ||
      !reg_store_save_sync_document (self->store, kind, content, error))
    return FALSE;

  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

/**
 * reg_machine_get_last_sync:
 * @self: a #RegMachine
 *
 * Returns: (transfer full) (nullable): when the last complete sync
 *   finished, or %NULL if the machine never synced
 */
GDateTime *
reg_machine_get_last_sync (RegMachine *self)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (REG_IS_MACHINE (self), NULL);

  text = reg_store_get_value (self->store, VALUE_LAST_SYNC);
  if (text == NULL)
    return NULL;

  return g_date_time_new_from_iso8601 (text, NULL);
}

/**
 * reg_machine_set_last_sync:
 * @self: a #RegMachine
 * @when: when a complete sync finished
 * @error: return location for a #GError
 *
 * Returns: %TRUE when stored
 */
gboolean
reg_machine_set_last_sync (RegMachine  *self,
                           GDateTime   *when,
                           GError     **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (REG_IS_MACHINE (self), FALSE);
  g_return_val_if_fail (when != NULL, FALSE);

  text = g_date_time_format_iso8601 (when);
  if (!reg_store_set_value (self->store, VALUE_LAST_SYNC, text, error))
    return FALSE;

  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

/**
 * reg_machine_is_synced:
 * @self: a #RegMachine
 *
 * Returns: whether the machine has completed a sync, and so knows its
 *   operators
 */
gboolean
reg_machine_is_synced (RegMachine *self)
{
  g_autoptr(GDateTime) last = NULL;

  g_return_val_if_fail (REG_IS_MACHINE (self), FALSE);

  last = reg_machine_get_last_sync (self);
  return last != NULL && self->users != NULL;
}

/**
 * reg_machine_get_certificate_pem:
 * @self: a #RegMachine
 *
 * Returns: (nullable): the PEM certificate of the RSA key packets are
 *   encrypted for (this centre and machine's), or %NULL before a sync
 */
const char *
reg_machine_get_certificate_pem (RegMachine *self)
{
  g_return_val_if_fail (REG_IS_MACHINE (self), NULL);

  return self->certificate_pem;
}

/**
 * reg_machine_get_id_schema:
 * @self: a #RegMachine
 *
 * Returns: (transfer none): the synced ID schema, or the built-in default
 *   before the first sync
 */
IdemIdSchema *
reg_machine_get_id_schema (RegMachine *self)
{
  g_return_val_if_fail (REG_IS_MACHINE (self), NULL);

  return self->id_schema;
}

/**
 * reg_machine_get_ui_spec:
 * @self: a #RegMachine
 *
 * Returns: (transfer none): the synced UI spec, or the built-in default
 *   before the first sync
 */
IdemUiSpec *
reg_machine_get_ui_spec (RegMachine *self)
{
  g_return_val_if_fail (REG_IS_MACHINE (self), NULL);

  return self->ui_spec;
}

/**
 * reg_machine_get_master_data:
 * @self: a #RegMachine
 * @type: a master-data type: `gender`, `documentCategory`,
 *   `rejectionReason`, `blocklistedWord`, …
 *
 * Returns: (transfer full): the rows of @type as the sync delivered them,
 *   an empty array when there are none; free with json_array_unref()
 */
JsonArray *
reg_machine_get_master_data (RegMachine *self,
                             const char *type)
{
  JsonObject *types;
  JsonNode *rows;

  g_return_val_if_fail (REG_IS_MACHINE (self), NULL);
  g_return_val_if_fail (type != NULL, NULL);

  if (self->master_data == NULL)
    return json_array_new ();

  types = json_node_get_object (self->master_data);
  rows = json_object_get_member (types, type);
  if (rows == NULL || !JSON_NODE_HOLDS_ARRAY (rows))
    return json_array_new ();

  return json_array_ref (json_node_get_array (rows));
}

/**
 * reg_machine_find_user:
 * @self: a #RegMachine
 * @user_id: a user ID
 *
 * Returns: (transfer full) (nullable): the synced user whose `userId` (or
 *   `id`) is @user_id; free with json_object_unref()
 */
JsonObject *
reg_machine_find_user (RegMachine *self,
                       const char *user_id)
{
  JsonArray *users;

  g_return_val_if_fail (REG_IS_MACHINE (self), NULL);
  g_return_val_if_fail (user_id != NULL, NULL);

  if (self->users == NULL)
    return NULL;

  users = json_node_get_array (self->users);
  for (guint i = 0; i < json_array_get_length (users); i++)
    {
      JsonNode *node = json_array_get_element (users, i);
      JsonObject *user;
      const char *id;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;

      user = json_node_get_object (node);
      id = json_object_get_string_member_with_default (user, "userId",
                                                       json_object_get_string_member_with_default (user, "id", NULL));
      if (g_strcmp0 (id, user_id) == 0)
        return json_object_ref (user);
    }

  return NULL;
}
