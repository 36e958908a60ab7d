/* idem-packet-meta.c — the JSON and hash files of a packet
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * MOSIP's packet writer frames ID.json and packet_meta_info.json as the
 * literal text `{ "identity" : ` + Jackson's indented JSON + ` } `, and the
 * per-sub-packet meta JSON as compact org.json text.  Every hash is over
 * the exact bytes, so readers keep the bytes they were given and writers
 * produce the bytes once, here.
 */

#define G_LOG_DOMAIN "idem-packet"

#include "config.h"

#include "idem-packet-meta.h"
#include "idem-packet-error.h"

#include <glib/gi18n-lib.h>
#include <string.h>

static const char hex_upper[] = "0123456789ABCDEF";

const char * const idem_packet_subpacket_names[IDEM_PACKET_N_SUBPACKETS] = {
  [IDEM_PACKET_SUBPACKET_EVIDENCE] = "evidence",
  [IDEM_PACKET_SUBPACKET_OPTIONAL] = "optional",
  [IDEM_PACKET_SUBPACKET_ID] = "id",
};

static void
packet_field_free (IdemPacketField *field)
{
  g_free (field->name);
  g_free (field);
}

/**
 * idem_packet_schema_fields:
 * @schema: an ID schema
 *
 * Lists the identity fields of @schema in its order, each with the
 * sub-packets MOSIP's routing rule sends it to (idem_id_field_get_subpackets()).
 *
 * Returns: (transfer full) (element-type IdemPacketField): the fields
 */
GPtrArray *
idem_packet_schema_fields (IdemIdSchema *schema)
{
  GPtrArray *fields = g_ptr_array_new_with_free_func ((GDestroyNotify) packet_field_free);

  for (guint i = 0; i < idem_id_schema_get_n_fields (schema); i++)
    {
      const IdemIdField *schema_field = idem_id_schema_get_field (schema, i);
      IdemSubpackets subpackets = idem_id_field_get_subpackets (schema_field);
      IdemPacketField *field = g_new0 (IdemPacketField, 1);

      field->name = g_strdup (idem_id_field_get_id (schema_field));
      switch (idem_id_field_get_kind (schema_field))
        {
        case IDEM_ID_FIELD_KIND_DOCUMENT:
          field->kind = IDEM_PACKET_FIELD_DOCUMENT;
          break;
        case IDEM_ID_FIELD_KIND_BIOMETRICS:
          field->kind = IDEM_PACKET_FIELD_BIOMETRICS;
          break;
        case IDEM_ID_FIELD_KIND_SIMPLE:
        case IDEM_ID_FIELD_KIND_STRING:
        case IDEM_ID_FIELD_KIND_NUMBER:
        case IDEM_ID_FIELD_KIND_INTEGER:
        case IDEM_ID_FIELD_KIND_BOOLEAN:
        default:
          field->kind = IDEM_PACKET_FIELD_VALUE;
          break;
        }
      if (subpackets & IDEM_SUBPACKET_ID)
        field->subpackets |= 1 << IDEM_PACKET_SUBPACKET_ID;
      if (subpackets & IDEM_SUBPACKET_EVIDENCE)
        field->subpackets |= 1 << IDEM_PACKET_SUBPACKET_EVIDENCE;
      if (subpackets & IDEM_SUBPACKET_OPTIONAL)
        field->subpackets |= 1 << IDEM_PACKET_SUBPACKET_OPTIONAL;

      g_ptr_array_add (fields, field);
    }

  return fields;
}

/**
 * idem_packet_signature_algorithm:
 * @key: a machine's signing key, private or public
 *
 * MOSIP's machines sign packets with RSA (SHA256withRSA); Idem's
 * registration machines hold an Ed25519 key, the one they also sign
 * requests with.  The key's type decides, so both kinds of packet open.
 *
 * Returns: the signature scheme for @key
 */
IdemSignatureAlgorithm
idem_packet_signature_algorithm (EVP_PKEY *key)
{
  return EVP_PKEY_get_base_id (key) == EVP_PKEY_ED25519 ? IDEM_SIGNATURE_ED25519 : IDEM_SIGNATURE_RSA_SHA256;
}

char *
idem_packet_hex_upper (const guint8 *digest)
{
  char *text = g_malloc (IDEM_PACKET_HEX_HASH_LENGTH + 1);

  for (guint i = 0; i < 32; i++)
    {
      text[2 * i] = hex_upper[digest[i] >> 4];
      text[2 * i + 1] = hex_upper[digest[i] & 0xf];
    }
  text[IDEM_PACKET_HEX_HASH_LENGTH] = '\0';

  return text;
}

/* Java's Base64.getUrlEncoder().withoutPadding(). */
char *
idem_packet_base64url_encode (const guint8 *data,
                              gsize         length)
{
  char *text = g_base64_encode (data, length);
  gsize n = strlen (text);

  for (gsize i = 0; i < n; i++)
    {
      if (text[i] == '+')
        text[i] = '-';
      else if (text[i] == '/')
        text[i] = '_';
    }
  while (n > 0 && text[n - 1] == '=')
    text[--n] = '\0';

  return text;
}

/* Accepts base64url with or without padding, and standard base64 (the
 * documentation sample's form); says which was seen.  %NULL on anything
 * else, including mixed alphabets. */
GBytes *
idem_packet_base64_decode_any (const char *text,
                               gboolean   *was_standard)
{
  g_autofree char *copy = NULL;
  gsize n = strlen (text), padded, out_length;
  gboolean url = FALSE, standard = FALSE;
  guchar *out;

  if (n == 0 || n > 4096)
    return NULL;

  copy = g_malloc (n + 4);
  for (gsize i = 0; i < n; i++)
    {
      char c = text[i];

      if (c == '-' || c == '_')
        {
          url = TRUE;
          c = c == '-' ? '+' : '/';
        }
      else if (c == '+' || c == '/')
        standard = TRUE;
      else if (c == '=')
        {
          /* padding only at the end */
          for (gsize j = i; j < n; j++)
            if (text[j] != '=')
              return NULL;
          if (n - i > 2)
            return NULL;
        }
      else if (!g_ascii_isalnum (c))
        return NULL;
      copy[i] = c;
    }
  if (url && standard)
    return NULL;

  padded = n;
  while (padded % 4 != 0)
    copy[padded++] = '=';
  if (padded != n && text[n - 1] == '=')
    return NULL;
  copy[padded] = '\0';
  if (n % 4 == 1)
    return NULL;

  out = g_base64_decode (copy, &out_length);
  if (was_standard != NULL)
    *was_standard = standard || (text[n - 1] == '=');

  return g_bytes_new_take (out, out_length);
}

static void
append_escaped (GString    *out,
                const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = *p;

      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        default:
          if (c < 0x20)
            g_string_append_printf (out, "\\u%04X", c);
          else
            g_string_append_c (out, c);
        }
    }
  g_string_append_c (out, '"');
}

static void
append_indent (GString *out,
               guint    level)
{
  g_string_append_c (out, '\n');
  for (guint i = 0; i < level; i++)
    g_string_append (out, "  ");
}

/* Jackson's DefaultPrettyPrinter: objects one member a line, indented two
 * spaces per object level, ` : ` after keys; arrays inline as `[ a, b ]`
 * and not adding a level; empty ones as `{ }` and `[ ]`. */
static void
append_pretty (GString  *out,
               JsonNode *node,
               guint     level)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        g_autoptr(GList) members = json_object_get_members (object);

        if (members == NULL)
          {
            g_string_append (out, "{ }");
            break;
          }
        g_string_append_c (out, '{');
        for (GList *l = members; l != NULL; l = l->next)
          {
            append_indent (out, level + 1);
            append_escaped (out, l->data);
            g_string_append (out, " : ");
            append_pretty (out, json_object_get_member (object, l->data), level + 1);
            if (l->next != NULL)
              g_string_append_c (out, ',');
          }
        append_indent (out, level);
        g_string_append_c (out, '}');
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint length = json_array_get_length (array);

        if (length == 0)
          {
            g_string_append (out, "[ ]");
            break;
          }
        g_string_append (out, "[ ");
        for (guint i = 0; i < length; i++)
          {
            append_pretty (out, json_array_get_element (array, i), level);
            if (i + 1 < length)
              g_string_append (out, ", ");
          }
        g_string_append (out, " ]");
      }
      break;

    case JSON_NODE_NULL:
      g_string_append (out, "null");
      break;

    case JSON_NODE_VALUE:
    default:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING:
          append_escaped (out, json_node_get_string (node));
          break;
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        case G_TYPE_DOUBLE:
          {
            double value = json_node_get_double (node);
            char buffer[G_ASCII_DTOSTR_BUF_SIZE];

            /* Java prints a double with a fraction: 1.0, not 1 */
            if (value == (double) (gint64) value && value > -1e15 && value < 1e15)
              g_string_append_printf (out, "%" G_GINT64_FORMAT ".0", (gint64) value);
            else
              g_string_append (out, g_ascii_dtostr (buffer, sizeof buffer, value));
          }
          break;
        default:
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        }
      break;
    }
}

char *
idem_packet_json_pretty (JsonNode *node)
{
  GString *out = g_string_new (NULL);

  append_pretty (out, node, 0);

  return g_string_free (out, FALSE);
}

/**
 * idem_packet_frame_identity:
 * @identity: the identity object
 *
 * Returns: (transfer full): the bytes of ID.json or packet_meta_info.json
 *   exactly as MOSIP's writer frames them
 */
GBytes *
idem_packet_frame_identity (JsonNode *identity)
{
  GString *out = g_string_new ("{ \"identity\" : ");

  append_pretty (out, identity, 0);
  g_string_append (out, " } ");

  return g_string_free_to_bytes (out);
}

/* json-glib parses recursively: refuse deep nesting before it does, so a
 * hostile file cannot exhaust the stack.  Brackets inside strings do not
 * count. */
#define MAX_JSON_DEPTH 64
#define MAX_JSON_SIZE  (4 * 1024 * 1024)

static gboolean
json_is_shallow (const char *text,
                 gsize       length)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  if (length > MAX_JSON_SIZE)
    return FALSE;

  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          if (++depth > MAX_JSON_DEPTH)
            return FALSE;
        }
      else if ((c == '}' || c == ']') && depth > 0)
        depth--;
    }

  return TRUE;
}

/**
 * idem_packet_parse_identity_file:
 * @bytes: the bytes of ID.json or packet_meta_info.json
 * @file: the file's name, for messages
 * @error: return location for an error
 *
 * Returns: (transfer full): the object under "identity"
 */
JsonObject *
idem_packet_parse_identity_file (GBytes      *bytes,
                                 const char  *file,
                                 GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  gsize length;
  const char *text = g_bytes_get_data (bytes, &length);
  JsonNode *root, *identity;

  /* GBytes gives NULL for no bytes, which json-glib refuses loudly */
  if (length == 0)
    {
      g_set_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_META_INVALID, _("%s is empty"), file);
      return NULL;
    }
  if (!json_is_shallow (text, length))
    {
      g_set_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_META_INVALID,
                   _("%s is larger or nested deeper than a packet file can be"), file);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, text, length, &local_error))
    {
      g_set_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_META_INVALID,
                   _("%s is not valid JSON: %s"), file, local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)
      || (identity = json_object_get_member (json_node_get_object (root), "identity")) == NULL
      || !JSON_NODE_HOLDS_OBJECT (identity))
    {
      g_set_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_META_INVALID,
                   _("%s has no “identity” object"), file);
      return NULL;
    }

  return json_object_ref (json_node_get_object (identity));
}

char *
idem_packet_meta_to_json (const IdemPacketMeta *meta)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *signature = NULL;
  g_autofree char *encrypted_hash = NULL;

  signature = idem_packet_base64url_encode (g_bytes_get_data (meta->signature, NULL),
                                            g_bytes_get_size (meta->signature));
  encrypted_hash = idem_packet_base64url_encode (meta->encrypted_hash, sizeof meta->encrypted_hash);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, meta->id);
  json_builder_set_member_name (builder, "packetname");
  json_builder_add_string_value (builder, meta->packet_name);
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, meta->source);
  json_builder_set_member_name (builder, "process");
  json_builder_add_string_value (builder, meta->process);
  json_builder_set_member_name (builder, "schemaversion");
  json_builder_add_string_value (builder, meta->schema_version);
  json_builder_set_member_name (builder, "signature");
  json_builder_add_string_value (builder, signature);
  json_builder_set_member_name (builder, "encryptedhash");
  json_builder_add_string_value (builder, encrypted_hash);
  json_builder_set_member_name (builder, "providername");
  json_builder_add_string_value (builder, meta->provider_name);
  json_builder_set_member_name (builder, "providerversion");
  json_builder_add_string_value (builder, meta->provider_version);
  json_builder_set_member_name (builder, "creationdate");
  json_builder_add_string_value (builder, meta->creation_date);
  json_builder_set_member_name (builder, "refid");
  json_builder_add_string_value (builder, meta->ref_id);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);

  return json_generator_to_data (generator, NULL);
}

void
idem_packet_meta_free (IdemPacketMeta *meta)
{
  if (meta == NULL)
    return;

  g_free (meta->id);
  g_free (meta->packet_name);
  g_free (meta->source);
  g_free (meta->process);
  g_free (meta->schema_version);
  g_free (meta->creation_date);
  g_free (meta->ref_id);
  g_free (meta->provider_name);
  g_free (meta->provider_version);
  g_clear_pointer (&meta->signature, g_bytes_unref);
  g_free (meta);
}

static char *
dup_member_string (JsonObject *object,
                   const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return g_strdup (json_node_get_string (node));
}

/**
 * idem_packet_meta_parse:
 * @bytes: the bytes of `<rid>_<name>.json`
 * @file: its name, for messages
 * @error: return location for an error
 *
 * Accepts both MOSIP's writer's form and the documentation sample's:
 * `schemaversion` as a string or a number, `refid` absent, the signature
 * in base64url or standard base64.
 *
 * Returns: (transfer full): the decoded meta JSON
 */
IdemPacketMeta *
idem_packet_meta_parse (GBytes      *bytes,
                        const char  *file,
                        GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(IdemPacketMeta) meta = g_new0 (IdemPacketMeta, 1);
  g_autoptr(GBytes) hash = NULL;
  g_autofree char *signature = NULL;
  g_autofree char *encrypted_hash = NULL;
  gboolean standard = FALSE;
  gsize length;
  const char *text = g_bytes_get_data (bytes, &length);
  JsonObject *object;
  JsonNode *root, *version;
  const char *missing = NULL;

  if (length == 0 || !json_is_shallow (text, length) || !json_parser_load_from_data (parser, text, length, NULL)
      || (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_META_INVALID,
                   _("%s is not a JSON object"), file);
      return NULL;
    }
  object = json_node_get_object (root);

  meta->id = dup_member_string (object, "id");
  meta->packet_name = dup_member_string (object, "packetname");
  meta->source = dup_member_string (object, "source");
  meta->process = dup_member_string (object, "process");
  meta->creation_date = dup_member_string (object, "creationdate");
  meta->ref_id = dup_member_string (object, "refid");
  meta->provider_name = dup_member_string (object, "providername");
  meta->provider_version = dup_member_string (object, "providerversion");
  signature = dup_member_string (object, "signature");
  encrypted_hash = dup_member_string (object, "encryptedhash");

  version = json_object_get_member (object, "schemaversion");
  if (version != NULL && JSON_NODE_HOLDS_VALUE (version))
    {
      if (json_node_get_value_type (version) == G_TYPE_STRING)
        meta->schema_version = g_strdup (json_node_get_string (version));
      else if (json_node_get_value_type (version) == G_TYPE_DOUBLE
               || json_node_get_value_type (version) == G_TYPE_INT64)
        {
          char buffer[G_ASCII_DTOSTR_BUF_SIZE];

          meta->schema_version = g_strdup (g_ascii_dtostr (buffer, sizeof buffer, json_node_get_double (version)));
        }
    }

  if (meta->id == NULL)
    missing = "id";
  else if (meta->packet_name == NULL)
    missing = "packetname";
  else if (meta->process == NULL)
    missing = "process";
  else if (meta->schema_version == NULL)
    missing = "schemaversion";
  else if (signature == NULL)
    missing = "signature";
  else if (encrypted_hash == NULL)
    missing = "encryptedhash";
  if (missing != NULL)
    {
      g_set_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_META_INVALID,
                   _("%s has no valid “%s”"), file, missing);
      return NULL;
    }

  meta->signature = idem_packet_base64_decode_any (signature, &standard);
  if (meta->signature == NULL || g_bytes_get_size (meta->signature) < 64
      || g_bytes_get_size (meta->signature) > 1024)
    {
      g_set_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_META_INVALID,
                   _("%s has a “signature” that is not a base64 RSA signature"), file);
      return NULL;
    }
  meta->signature_is_standard_base64 = standard;

  hash = idem_packet_base64_decode_any (encrypted_hash, NULL);
  if (hash == NULL || g_bytes_get_size (hash) != sizeof meta->encrypted_hash)
    {
      g_set_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_META_INVALID,
                   _("%s has an “encryptedhash” that is not a base64 SHA-256"), file);
      return NULL;
    }
  memcpy (meta->encrypted_hash, g_bytes_get_data (hash, NULL), sizeof meta->encrypted_hash);

  return g_steal_pointer (&meta);
}

/**
 * idem_packet_hash_sequence_get:
 * @meta_info: packet_meta_info.json's identity
 * @key: "hashSequence1" or "hashSequence2"
 * @file: the file's name, for messages
 * @error: return location for an error
 *
 * Checks that the sequence is a list of {"label", "value": [names]} and
 * returns it.  An absent sequence is an empty one (MOSIP hashes nothing).
 *
 * Returns: (transfer full): the sequence
 */
JsonArray *
idem_packet_hash_sequence_get (JsonObject  *meta_info,
                               const char  *key,
                               const char  *file,
                               GError     **error)
{
  JsonNode *node = json_object_get_member (meta_info, key);
  JsonArray *sequence;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return json_array_new ();
  if (!JSON_NODE_HOLDS_ARRAY (node))
    goto bad;

  sequence = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (sequence); i++)
    {
      JsonNode *element = json_array_get_element (sequence, i);
      JsonNode *value;
      JsonArray *names;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        goto bad;
      value = json_object_get_member (json_node_get_object (element), "value");
      if (value == NULL || !JSON_NODE_HOLDS_ARRAY (value))
        goto bad;
      names = json_node_get_array (value);
      for (guint j = 0; j < json_array_get_length (names); j++)
        {
          JsonNode *name = json_array_get_element (names, j);

          if (!JSON_NODE_HOLDS_VALUE (name) || json_node_get_value_type (name) != G_TYPE_STRING)
            goto bad;
        }
    }

  return json_array_ref (sequence);

bad:
  g_set_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_META_INVALID,
               _("%s has a “%s” that is not a list of labelled file names"), file, key);
  return NULL;
}
