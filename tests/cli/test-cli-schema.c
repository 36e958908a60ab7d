/* test-cli-schema.c — idem schema validate|fields, run as a process
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Exit status 0 for a valid identity, 1 for an invalid one with each
 * violation as “path: message”, 2 for a wrong command line or a file that
 * cannot be read.
 */

#include "config.h"

#include "idem.h"

#include <gio/gio.h>
#include <string.h>

static const char *idem_path;
static char *work_dir;

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
run_idem (Run        *run,
          const char *language,
          const char *first_arg,
          ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  va_list args;

  g_ptr_array_add (argv, (char *) idem_path);
  va_start (args, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  if (language != NULL)
    g_subprocess_launcher_setenv (launcher, "LANGUAGE", language, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "LANGUAGE");
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);
}

#define assert_contains(haystack, needle) \
  G_STMT_START { \
    if (strstr ((haystack), (needle)) == NULL) \
      g_error ("“%s” not found in:\n%s", (needle), (haystack)); \
  } G_STMT_END

static char *
sample_schema (void)
{
  return g_build_filename (g_getenv ("IDEM_SHARED_DIR"), "vectors", "mosip-packet", "id-schema-sample.json", NULL);
}

static char *
sample_identity (const char *subpacket)
{
  return g_build_filename (g_getenv ("IDEM_SHARED_DIR"), "vectors", "mosip-packet", "components",
                           subpacket, "ID.json", NULL);
}

static char *
default_schema (void)
{
  return g_build_filename (g_getenv ("IDEM_SOURCE_DIR"), "data", "schema", "id-schema.json", NULL);
}

static char *
write_file (const char *name,
            const char *contents)
{
  char *path = g_build_filename (work_dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

static const char valid_identity[] =
  "{ \"identity\" : {\"IDSchemaVersion\":0.1,"
  "\"fullName\":[{\"language\":\"eng\",\"value\":\"Amina Diallo\"},{\"language\":\"ara\",\"value\":\"أمينة ديالو\"}],"
  "\"dateOfBirth\":\"1990/04/17\",\"gender\":[{\"language\":\"eng\",\"value\":\"Female\"}],"
  "\"residenceStatus\":[{\"language\":\"eng\",\"value\":\"Resident\"}],"
  "\"addressLine1\":[{\"language\":\"eng\",\"value\":\"12 Ibn Sina Street\"}],"
  "\"region\":[{\"language\":\"eng\",\"value\":\"Rabat\"}],\"province\":[{\"language\":\"eng\",\"value\":\"Rabat\"}],"
  "\"city\":[{\"language\":\"eng\",\"value\":\"Rabat\"}],\"zone\":[{\"language\":\"eng\",\"value\":\"Agdal\"}],"
  "\"postalCode\":\"10090\","
  "\"individualBiometrics\":{\"format\":\"cbeff\",\"version\":1.0,\"value\":\"individualBiometrics_bio_CBEFF\"}} } ";

static void
test_validate_valid (void)
{
  g_autofree char *schema = default_schema ();
  g_autofree char *identity = write_file ("valid.json", valid_identity);
  g_auto(Run) run = { 0 };

  run_idem (&run, NULL, "schema", "validate", schema, identity, NULL);
  g_assert_cmpint (run.status, ==, 0);
  assert_contains (run.out, "valid.json: valid identity");
  g_assert_cmpstr (run.err, ==, "");

  {
    g_auto(Run) limited = { 0 };

    run_idem (&limited, NULL, "schema", "validate", "--languages=eng,fra", schema, identity, NULL);
    g_assert_cmpint (limited.status, ==, 1);
    assert_contains (limited.out, "identity.fullName[1].language: “ara” is not one of the languages collected.\n");
  }
}

static void
test_validate_sample (void)
{
  g_autofree char *schema = sample_schema ();
  g_autofree char *identity = sample_identity ("id");
  g_autofree char *evidence = sample_identity ("evidence");
  g_auto(Run) run = { 0 };
  g_auto(Run) strict = { 0 };
  g_auto(Run) part = { 0 };
  g_auto(Run) whole = { 0 };

  /* The sample's names are longer than its own schema allows. */
  run_idem (&run, NULL, "schema", "validate", schema, identity, NULL);
  g_assert_cmpint (run.status, ==, 1);
  assert_contains (run.out, "identity.fullName[0].value: The value does not have the expected form (pattern ^(?=.{3,50}$).*).\n");
  assert_contains (run.out, "identity.fullName[2].value: ");
  assert_contains (run.out, "ID.json: invalid identity, 3 violations\n");

  run_idem (&strict, NULL, "schema", "validate", "--strict", schema, identity, NULL);
  g_assert_cmpint (strict.status, ==, 1);
  assert_contains (strict.out, "introducerBiometrics: Only “identity” may stand at the top level, not “introducerBiometrics”.\n");
  assert_contains (strict.out, "invalid identity, 4 violations\n");

  run_idem (&part, NULL, "schema", "validate", "--partial", schema, evidence, NULL);
  g_assert_cmpint (part.status, ==, 0);

  run_idem (&whole, NULL, "schema", "validate", schema, evidence, NULL);
  g_assert_cmpint (whole.status, ==, 1);
  assert_contains (whole.out, "identity.fullName: The field is required.\n");
}

static void
test_validate_invalid (void)
{
  g_autofree char *schema = default_schema ();
  g_autofree char *identity = write_file ("invalid.json",
                                          "{\"identity\":{\"IDSchemaVersion\":0.1,\"nickname\":\"Mimi\","
                                          "\"fullName\":[{\"language\":\"eng\",\"value\":\"Amina\"},{\"language\":\"eng\",\"value\":\"Amina\"}],"
                                          "\"dateOfBirth\":\"17/04/1990\",\"proofOfIdentity\":\"passport.pdf\"}}");
  g_autofree char *not_json = write_file ("broken.json", "{\"identity\":");
  g_auto(Run) run = { 0 };
  g_auto(Run) broken = { 0 };

  run_idem (&run, NULL, "schema", "validate", schema, identity, NULL);
  g_assert_cmpint (run.status, ==, 1);
  assert_contains (run.out, "identity.nickname: The ID schema has no field “nickname”.\n");
  assert_contains (run.out, "identity.fullName[1].language: There is already a value in “eng”.\n");
  assert_contains (run.out, "identity.dateOfBirth: The value does not have the expected form");
  assert_contains (run.out, "identity.gender: The field is required.\n");
  assert_contains (run.out, "identity.proofOfIdentity: Expected a document reference (an object), found a string.\n");

  run_idem (&broken, NULL, "schema", "validate", schema, not_json, NULL);
  g_assert_cmpint (broken.status, ==, 1);
  assert_contains (broken.out, "broken.json: invalid identity: The document is not valid JSON");
}

static void
test_usage_and_unreadable (void)
{
  g_autofree char *schema = default_schema ();
  g_autofree char *identity = write_file ("valid2.json", valid_identity);
  g_autofree char *bad_schema = write_file ("bad-schema.json", "{\"properties\":{\"identity\":{\"properties\":{\"a\":{}}}}}");

  {
    g_auto(Run) run = { 0 };

    run_idem (&run, NULL, "schema", "validate", schema, NULL);
    g_assert_cmpint (run.status, ==, 2);
    assert_contains (run.err, "needs SCHEMA IDENTITY");
  }
  {
    g_auto(Run) run = { 0 };

    run_idem (&run, NULL, "schema", "validate", schema, "/nonexistent/ID.json", NULL);
    g_assert_cmpint (run.status, ==, 2);
    assert_contains (run.err, "/nonexistent/ID.json");
  }
  {
    g_auto(Run) run = { 0 };

    run_idem (&run, NULL, "schema", "validate", "/nonexistent/schema.json", identity, NULL);
    g_assert_cmpint (run.status, ==, 2);
    assert_contains (run.err, "The ID schema could not be read");
  }
  {
    g_auto(Run) run = { 0 };

    run_idem (&run, NULL, "schema", "validate", bad_schema, identity, NULL);
    g_assert_cmpint (run.status, ==, 2);
    assert_contains (run.err, "properties.identity.properties.a");
  }
  {
    g_auto(Run) run = { 0 };

    run_idem (&run, NULL, "schema", "validate", "--languages=eng,,fra", schema, identity, NULL);
    g_assert_cmpint (run.status, ==, 2);
  }
  {
    g_auto(Run) run = { 0 };

    run_idem (&run, NULL, "help", "schema", "validate", NULL);
    g_assert_cmpint (run.status, ==, 0);
    assert_contains (run.out, "--strict");
    assert_contains (run.out, "--partial");
    assert_contains (run.out, "--languages=CODES");
  }
}

static void
test_fields (void)
{
  g_autofree char *schema = sample_schema ();
  g_auto(Run) run = { 0 };
  g_auto(GStrv) lines = NULL;

  run_idem (&run, NULL, "schema", "fields", schema, NULL);
  g_assert_cmpint (run.status, ==, 0);
  lines = g_strsplit (run.out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 29 + 1);
  assert_contains (run.out, "fullName                     simple     pvt      id                    required\n");
  assert_contains (run.out, "IDSchemaVersion              number     none     id,evidence,optional  required\n");
  assert_contains (run.out, "proofOfException             document   evidence evidence              optional\n");
  assert_contains (run.out, "individualBiometrics         biometrics pvt      id                    required\n");

  {
    g_auto(Run) missing = { 0 };

    run_idem (&missing, NULL, "schema", "fields", "/nonexistent/schema.json", NULL);
    g_assert_cmpint (missing.status, ==, 2);
  }
}

static void
test_translated (void)
{
  g_autofree char *schema = default_schema ();
  g_autofree char *identity = write_file ("fr.json", "{\"identity\":{\"nickname\":1}}");
  g_auto(Run) fr = { 0 };
  g_auto(Run) ar = { 0 };

  run_idem (&fr, "fr", "schema", "validate", "--partial", schema, identity, NULL);
  g_assert_cmpint (fr.status, ==, 1);
  assert_contains (fr.out, "identity.nickname: Le schéma d’identité n’a pas de champ « nickname ».\n");

  run_idem (&ar, "ar", "schema", "validate", "--partial", schema, identity, NULL);
  g_assert_cmpint (ar.status, ==, 1);
  assert_contains (ar.out, "identity.nickname: لا يحتوي مخطط الهوية على الحقل «nickname».\n");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  if (argc < 2)
    g_error ("usage: %s PATH-TO-IDEM", argv[0]);
  idem_path = argv[1];
  work_dir = g_dir_make_tmp ("idem-cli-schema-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/cli/schema/validate-valid", test_validate_valid);
  g_test_add_func ("/cli/schema/validate-sample", test_validate_sample);
  g_test_add_func ("/cli/schema/validate-invalid", test_validate_invalid);
  g_test_add_func ("/cli/schema/usage-and-unreadable", test_usage_and_unreadable);
  g_test_add_func ("/cli/schema/fields", test_fields);
  g_test_add_func ("/cli/schema/translated", test_translated);

  status = g_test_run ();

  {
    g_autoptr(GFile) dir = g_file_new_for_path (work_dir);
    g_autoptr(GFileEnumerator) children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                                                     G_FILE_QUERY_INFO_NONE, NULL, NULL);
    GFileInfo *info;

    while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
      {
        g_autoptr(GFile) child = g_file_get_child (dir, g_file_info_get_name (info));

        g_file_delete (child, NULL, NULL);
        g_object_unref (info);
      }
    g_file_delete (dir, NULL, NULL);
  }
  g_free (work_dir);

  return status;
}
