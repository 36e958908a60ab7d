/* fuzz-id-object.c — the ID schema loader and identity validator on any bytes
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Identities arrive inside packets from registration machines that may be
 * compromised: the validator must list violations, bounded in time and
 * memory, for any bytes at all.  The same bytes are also tried as a schema,
 * since schemas come over the network from the server's sync.
 */

#include "config.h"

#include "idem.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

/* A valid identity to run a fuzzed schema's validators on. */
static const char probe_identity[] =
  "{\"identity\":{\"IDSchemaVersion\":0.1,\"fullName\":[{\"language\":\"eng\",\"value\":\"Amina Diallo\"}],"
  "\"dateOfBirth\":\"1990/04/17\",\"postalCode\":\"10090\",\"phone\":\"+212612345678\","
  "\"proofOfIdentity\":{\"format\":\"pdf\",\"value\":\"proofOfIdentity\"},"
  "\"individualBiometrics\":{\"format\":\"cbeff\",\"version\":1,\"value\":\"individualBiometrics_bio_CBEFF\"}}}";

/* The default schema, loaded once: from the source tree named by
 * IDEM_SOURCE_DIR when the test environment sets it, else from the path
 * compiled in by meson. */
static IdemIdSchema *
default_schema (void)
{
  static IdemIdSchema *schema;

  if (schema == NULL)
    {
      const char * const languages[] = { "eng", "fra", "ara", NULL };
      g_autofree char *path = NULL;
      g_autoptr(GFile) file = NULL;
      g_autoptr(GError) error = NULL;

      if (g_getenv ("IDEM_SOURCE_DIR") != NULL)
        path = g_build_filename (g_getenv ("IDEM_SOURCE_DIR"), "data", "schema", "id-schema.json", NULL);
      else
        path = g_strdup (IDEM_FUZZ_ID_SCHEMA);

      file = g_file_new_for_path (path);
      schema = idem_id_schema_new_from_file (file, &error);
      if (schema == NULL)
        g_error ("%s", error->message);
      idem_id_schema_set_languages (schema, languages);
    }

  return schema;
}

static void
check_violations (GPtrArray *violations)
{
  g_assert (violations != NULL);
  g_assert (violations->len <= IDEM_ID_SCHEMA_MAX_VIOLATIONS);

  for (guint i = 0; i < violations->len; i++)
    {
      IdemSchemaViolation *violation = g_ptr_array_index (violations, i);

      g_assert (idem_schema_violation_code_to_string (violation->code) != NULL);
      g_assert (violation->path != NULL && violation->path[0] != '\0');
      g_assert (violation->message != NULL && violation->message[0] != '\0');
      g_assert (g_utf8_validate (violation->message, -1, NULL));
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  IdemIdSchema *schema = default_schema ();
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  const IdemIdValidateFlags flags[] = {
    IDEM_ID_VALIDATE_NONE,
    IDEM_ID_VALIDATE_STRICT_WRAPPER | IDEM_ID_VALIDATE_PARTIAL,
  };

  for (guint i = 0; i < G_N_ELEMENTS (flags); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) violations = NULL;

      violations = idem_id_schema_validate_bytes (schema, bytes, flags[i], &error);
      g_assert ((violations == NULL) == (error != NULL));
      if (violations != NULL)
        check_violations (violations);
      else
        g_assert (error->domain == IDEM_ID_SCHEMA_ERROR);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(IdemIdSchema) fuzzed = idem_id_schema_new_from_bytes (bytes, &error);

    g_assert ((fuzzed == NULL) == (error != NULL));
    if (fuzzed != NULL)
      {
        g_autoptr(GBytes) probe = g_bytes_new_static (probe_identity, sizeof probe_identity - 1);
        g_autoptr(GPtrArray) violations = idem_id_schema_validate_bytes (fuzzed, probe, IDEM_ID_VALIDATE_NONE, NULL);

        check_violations (violations);
        for (guint i = 0; i < idem_id_schema_get_n_fields (fuzzed); i++)
          {
            const IdemIdField *field = idem_id_schema_get_field (fuzzed, i);

            g_assert (idem_id_field_get_kind (field) >= IDEM_ID_FIELD_KIND_SIMPLE);
            g_assert (idem_id_field_get_subpackets (field) != 0);
            g_assert (idem_id_field_get_bio_attributes (field) != NULL);
          }
      }
    else
      g_assert (error->domain == IDEM_ID_SCHEMA_ERROR);
  }

  return 0;
}
