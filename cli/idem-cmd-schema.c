/* idem-cmd-schema.c — idem schema validate|fields: ID schemas and identities
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "idem-cli"

#include "config.h"

#include "idem-cli.h"

#include <idem.h>
#include <glib/gi18n.h>

static gboolean strict_wrapper;
static gboolean partial;
static char *languages;

static const GOptionEntry validate_options[] = {
  { "strict", 's', 0, G_OPTION_ARG_NONE, &strict_wrapper, N_("Also report members beside “identity” the schema does not allow"), NULL },
  { "partial", 'p', 0, G_OPTION_ARG_NONE, &partial, N_("The identity is one sub-packet’s share: do not report missing required fields"), NULL },
  { "languages", 'l', 0, G_OPTION_ARG_STRING, &languages, N_("The languages values may be in, comma-separated ISO 639-3 codes"), N_("CODES") },
  { NULL }
};

static IdemIdSchema *
load_schema (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
  g_autoptr(GError) error = NULL;
  IdemIdSchema *schema;

  schema = idem_id_schema_new_from_file (file, &error);
  if (schema == NULL)
    g_printerr ("idem: %s: %s\n", path, error->message);

  return schema;
}

static IdemCliExit
schema_validate (char **args)
{
  g_autoptr(IdemIdSchema) schema = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GPtrArray) violations = NULL;
  g_autoptr(GError) error = NULL;
  IdemIdValidateFlags flags = IDEM_ID_VALIDATE_NONE;

  if (languages != NULL)
    {
      g_auto(GStrv) codes = g_strsplit (languages, ",", -1);

      for (guint i = 0; codes[i] != NULL; i++)
        {
          g_strstrip (codes[i]);
          if (codes[i][0] == '\0')
            return idem_cli_usage_error (_("--languages needs language codes separated by commas, not “%s”."),
                                         languages);
        }
      schema = load_schema (args[0]);
      if (schema == NULL)
        return IDEM_CLI_EXIT_USAGE;
      idem_id_schema_set_languages (schema, (const char * const *) codes);
    }
  else if ((schema = load_schema (args[0])) == NULL)
    return IDEM_CLI_EXIT_USAGE;

  file = g_file_new_for_commandline_arg (args[1]);
  bytes = g_file_load_bytes (file, NULL, NULL, &error);
  if (bytes == NULL)
    {
      g_printerr ("idem: %s: %s\n", args[1], error->message);
      return IDEM_CLI_EXIT_USAGE;
    }

  if (strict_wrapper)
    flags |= IDEM_ID_VALIDATE_STRICT_WRAPPER;
  if (partial)
    flags |= IDEM_ID_VALIDATE_PARTIAL;

  violations = idem_id_schema_validate_bytes (schema, bytes, flags, &error);
  if (violations == NULL)
    {
      /* TRANSLATORS: "ID.json: invalid identity: The document is not valid JSON: …" */
      g_print (_("%s: invalid identity: %s\n"), args[1], error->message);
      return IDEM_CLI_EXIT_INVALID;
    }

  if (violations->len == 0)
    {
      g_print (_("%s: valid identity\n"), args[1]);
      return IDEM_CLI_EXIT_OK;
    }

  for (guint i = 0; i < violations->len; i++)
    {
      IdemSchemaViolation *violation = g_ptr_array_index (violations, i);

      g_print ("%s: %s\n", violation->path, violation->message);
    }
  /* TRANSLATORS: "ID.json: invalid identity, 3 violations" */
  g_print (g_dngettext (GETTEXT_PACKAGE, "%s: invalid identity, %u violation\n",
                        "%s: invalid identity, %u violations\n", violations->len),
           args[1], violations->len);

  return IDEM_CLI_EXIT_INVALID;
}

static char *
subpackets_to_string (IdemSubpackets subpackets)
{
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_auto(GStrv) list = NULL;

  if (subpackets & IDEM_SUBPACKET_ID)
    g_strv_builder_add (names, "id");
  if (subpackets & IDEM_SUBPACKET_EVIDENCE)
    g_strv_builder_add (names, "evidence");
  if (subpackets & IDEM_SUBPACKET_OPTIONAL)
    g_strv_builder_add (names, "optional");

  list = g_strv_builder_end (names);
  return g_strjoinv (",", list);
}

static IdemCliExit
schema_fields (char **args)
{
  g_autoptr(IdemIdSchema) schema = load_schema (args[0]);

  if (schema == NULL)
    return IDEM_CLI_EXIT_USAGE;

  for (guint i = 0; i < idem_id_schema_get_n_fields (schema); i++)
    {
      const IdemIdField *field = idem_id_schema_get_field (schema, i);
      g_autofree char *subpackets = subpackets_to_string (idem_id_field_get_subpackets (field));

      /* Machine-readable columns: id, kind, category, sub-packets, and
       * "required" or "optional". */
      g_print ("%-28s %-10s %-8s %-21s %s\n",
               idem_id_field_get_id (field),
               idem_id_field_kind_to_string (idem_id_field_get_kind (field)),
               idem_field_category_to_string (idem_id_field_get_category (field)),
               subpackets,
               idem_id_field_is_required (field) ? "required" : "optional");
    }

  return IDEM_CLI_EXIT_OK;
}

static const IdemCliCommand schema_commands[] = {
  { "validate", N_("SCHEMA IDENTITY"), N_("Check an identity (an ID.json) against an ID schema, listing every violation"),
    validate_options, 2, 2, schema_validate },
  { "fields", N_("SCHEMA"), N_("List an ID schema’s fields: kind, category, sub-packets, required"),
    NULL, 1, 1, schema_fields },
  { NULL }
};

const IdemCliGroup idem_cli_group_schema = {
  "schema", N_("MOSIP-style ID schemas and the identities they describe."), schema_commands,
};
