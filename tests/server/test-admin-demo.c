/* test-admin-demo.c — `idem-server init --demo`: the seeded country, its logins and machine keys
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The path of the binary comes from meson as --idem-server=PATH.
 */

#include "config.h"

#include "test-admin-util.h"

#include "srv-demo-country.h"
#include "srv-init.h"

#include "idem.h"

#include <glib/gstdio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <string.h>
#include <sys/stat.h>

static char *server_binary;
static char *demo_tmp;
static char *demo_template;

/* One demo data directory per program (init makes an RSA-3072 key and
 * hashes three passwords), copied for each test. */
static const char *
get_demo_template (void)
{
  if (demo_template == NULL)
    {
      g_autoptr(GError) error = NULL;
      SrvConfig *config;

      demo_tmp = srv_test_make_tmp_dir ();
      demo_template = g_build_filename (demo_tmp, "demo", NULL);
      config = srv_init_data_dir (demo_template, TRUE, &error);
      g_assert_no_error (error);
      srv_config_free (config);
    }

  return demo_template;
}

static void
demo_fixture_set_up (AdminFixture  *fixture,
                     gconstpointer  user_data)
{
  fixture->tmp_dir = srv_test_make_tmp_dir ();
  fixture->data_dir = g_build_filename (fixture->tmp_dir, "data", NULL);
  srv_test_copy_tree (get_demo_template (), fixture->data_dir);
  fixture->session = srv_test_session_new ();
  fixture->certificate = srv_test_load_certificate (fixture->data_dir);
}

/* Reads "user ID (...): password P" lines. */
static GHashTable *
read_passwords (const char *data_dir)
{
  g_autofree char *path = g_build_filename (data_dir, SRV_DEMO_CREDENTIALS_FILE, NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *passwords = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *password = strstr (lines[i], ": password ");
      g_auto(GStrv) words = NULL;

      if (!g_str_has_prefix (lines[i], "user ") || password == NULL)
        continue;

      words = g_strsplit (lines[i], " ", 3);
      g_hash_table_insert (passwords, g_strdup (words[1]), g_strdup (password + strlen (": password ")));
    }

  return passwords;
}

static void
test_seeded_contents (AdminFixture  *fixture,
                      gconstpointer  user_data)
{
  g_autofree char *names = NULL;
  g_autofree char *schema = NULL;

  admin_fixture_start (fixture);

  /* A country, two regions (the administrative zones), two provinces, four
   * cities, eight city zones, eight postal codes: each one level below its
   * parent, the zones at the level the UI spec's Zone dropdown lists. */
  g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM location"), ==, 25);
  g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM location WHERE level = 0 AND parent_code IS NULL"), ==, 1);
  g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM location WHERE is_zone"), ==, 2);
  g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM location WHERE is_zone AND level = 1"), ==, 2);
  g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM location c JOIN location p ON p.code = c.parent_code"
                                    " WHERE c.level = p.level + 1"), ==, 24);
  g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM location WHERE level = 4 AND level_name = 'Zone'"), ==, 8);
  g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM location WHERE level = 5 AND level_name = 'Postal code'"), ==, 8);
  g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM location c JOIN location p ON p.code = c.parent_code"
                                    " WHERE c.level = 4 AND p.level_name = 'City'"), ==, 8);
  g_assert_cmpint (admin_query_int (fixture, "SELECT count(DISTINCT json_extract (names, '$.ara')) FROM location"
                                    " WHERE level = 4"), ==, 8);
  names = admin_query_text (fixture, "SELECT names FROM location WHERE level = 0");
  g_assert_nonnull (strstr (names, "\"eng\""));
  g_assert_nonnull (strstr (names, "\"fra\""));
  g_assert_nonnull (strstr (names, "\"ara\""));

  /* Two centres in different cities, Monday–Friday 08:00–17:00, Saturday
   * morning, Independence Day off. */
  g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM centre WHERE status = 'ACTIVE'"), ==, 2);
  g_assert_cmpint (admin_query_int (fixture,
                                    "SELECT count(DISTINCT p.parent_code) FROM centre c JOIN location l ON l.code = c.location_code"
                                    " JOIN location p ON p.code = l.parent_code"), ==, 2);
  g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM centre_working_hours WHERE weekday BETWEEN 1 AND 5"
                                    " AND opens = '08:00' AND closes = '17:00'"), ==, 10);
  g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM centre_working_hours WHERE weekday = 6 AND closes = '12:00'"), ==, 2);
  g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM centre_working_hours WHERE weekday = 7"), ==, 0);
  g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM centre_holiday WHERE date LIKE '%-06-12'"), ==, 4);

  /* Two machines and two devices a centre; each key's fingerprint is the
   * SHA-256 of its DER. */
  g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM machine GROUP BY centre_id LIMIT 1"), ==, 2);
  g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM machine"), ==, 4);
  g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM machine WHERE length(public_key) = 44"), ==, 4);
  g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM device d JOIN machine m ON m.id = d.machine_id"
                                    " WHERE d.centre_id = m.centre_id"), ==, 8);

  /* The three users, each with one role and a centre. */
  g_assert_cmpint (admin_query_int (fixture,
                                    "SELECT count(*) FROM app_user u JOIN user_role r ON r.user_id = u.id"
                                    " JOIN user_centre c ON c.user_id = u.id AND c.valid_to IS NULL"
                                    " WHERE (u.id, r.role) IN (VALUES ('operator1', 'OPERATOR'), ('supervisor1', 'SUPERVISOR'),"
                                    " ('admin', 'ADMIN')) AND u.password_hash LIKE '$scrypt$%'"), ==, 3);

  /* Master data in three languages, with consistent references. */
  g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM master_data WHERE type = 'gender'"), ==, 3);
  g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM master_data WHERE json_extract(names, '$.eng') IS NULL"
                                    " OR json_extract(names, '$.fra') IS NULL OR json_extract(names, '$.ara') IS NULL"), ==, 0);
  g_assert_cmpint (admin_query_int (fixture,
                                    "SELECT count(*) FROM master_data t WHERE t.type = 'documentType' AND NOT EXISTS"
                                    " (SELECT 1 FROM master_data c WHERE c.type = 'documentCategory'"
                                    "  AND c.code = json_extract(t.attributes, '$.category'))"), ==, 0);
  g_assert_cmpint (admin_query_int (fixture, "SELECT count(DISTINCT type) FROM master_data"), >=, 8);
  g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM applicant_valid_document"), ==, 16);

  /* Every document category the published UI spec asks for exists and has
   * a type valid for at least one age group: without one, the client would
   * have nothing the server accepts to offer for it. */
#define UI_SPEC_CATEGORIES \
  "SELECT DISTINCT json_extract(f.field, '$.subType') AS code" \
  " FROM (SELECT CASE WHEN t.type = 'object' THEN t.value END AS field" \
  "       FROM published_document d, json_tree(d.content) t WHERE d.kind = 'ui-spec') f" \
  " WHERE json_extract(f.field, '$.controlType') = 'fileupload'"
  g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM (" UI_SPEC_CATEGORIES ")"), ==, 5);
  g_assert_cmpint (admin_query_int (fixture,
                                    "SELECT count(*) FROM (" UI_SPEC_CATEGORIES ") u WHERE NOT EXISTS"
                                    " (SELECT 1 FROM master_data c WHERE c.type = 'documentCategory' AND c.code = u.code)"
                                    " OR NOT EXISTS (SELECT 1 FROM applicant_valid_document a JOIN master_data t"
                                    "  ON t.type = 'documentType' AND t.code = a.document_type"
                                    "  AND json_extract(t.attributes, '$.category') = a.document_category"
                                    "  WHERE a.document_category = u.code)"), ==, 0);
#undef UI_SPEC_CATEGORIES
  g_assert_cmpint (admin_query_int (fixture,
                                    "SELECT count(*) FROM applicant_valid_document WHERE document_type = 'BIRTH_CERTIFICATE'"
                                    " AND applicant_type IN ('INFANT', 'MINOR')"), ==, 2);

  /* The default ID schema and UI spec, published as version 1. */
  g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM published_document WHERE version = 1"), ==, 2);
  schema = admin_query_text (fixture, "SELECT json_extract(content, '$.title') FROM published_document WHERE kind = 'id-schema'");
  g_assert_cmpstr (schema, ==, "Idem identity");

  /* One write, one sync clock version: a machine's first sync takes all. */
  g_assert_cmpint (admin_sync_clock (fixture), ==, 1);
  g_assert_cmpint (admin_query_int (fixture,
                                    "SELECT (SELECT count(*) FROM location WHERE version != 1) + (SELECT count(*) FROM centre WHERE version != 1)"
                                    " + (SELECT count(*) FROM machine WHERE version != 1) + (SELECT count(*) FROM app_user WHERE version != 1)"
                                    " + (SELECT count(*) FROM master_data WHERE version != 1)"
                                    " + (SELECT count(*) FROM published_document WHERE sync_version != 1)"), ==, 0);
  g_assert_cmpint (admin_query_int (fixture, "SELECT count(*) FROM audit_event WHERE action = 'demo.seed' AND actor = 'system'"), ==, 1);
}

static void
test_logins (AdminFixture  *fixture,
             gconstpointer  user_data)
{
  g_autoptr(GHashTable) passwords = read_passwords (fixture->data_dir);
  g_autofree char *operator = NULL;
  g_autofree char *supervisor = NULL;
  g_autoptr(SrvTestResponse) centres = NULL;
  g_autoptr(SrvTestResponse) refused = NULL;
  g_autoptr(SrvTestResponse) session = NULL;
  g_autofree char *path = g_build_filename (fixture->data_dir, SRV_DEMO_CREDENTIALS_FILE, NULL);
  GStatBuf st;
  JsonObject *object;

  g_assert_no_errno (g_stat (path, &st));
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpuint (g_hash_table_size (passwords), ==, 3);

  admin_fixture_start (fixture);
  fixture->token = admin_login (fixture, "admin", g_hash_table_lookup (passwords, "admin"));
  operator = admin_login (fixture, "operator1", g_hash_table_lookup (passwords, "operator1"));
  supervisor = admin_login (fixture, "supervisor1", g_hash_table_lookup (passwords, "supervisor1"));

  object = admin_expect (fixture, &centres, "GET", "/v1/admin/centres", NULL, SOUP_STATUS_OK);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "items")), ==, 2);

  refused = admin_call (fixture, "GET", "/v1/admin/centres", operator, NULL);
  g_assert_cmpuint (refused->status, ==, SOUP_STATUS_FORBIDDEN);

  session = admin_call (fixture, "GET", "/v1/auth/session", supervisor, NULL);
  g_assert_cmpuint (session->status, ==, SOUP_STATUS_OK);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (admin_response_object (session), "roles"), 0),
                   ==, "SUPERVISOR");
}

/* The kept private keys are the registered machines' keys. */
static void
test_machine_keys (AdminFixture  *fixture,
                   gconstpointer  user_data)
{
  const char *ids[] = { "10011", "10021" };

  admin_fixture_start (fixture);

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *name = g_strconcat (ids[i], ".pem", NULL);
      g_autofree char *path = g_build_filename (fixture->data_dir, SRV_DEMO_MACHINES_DIR, name, NULL);
      g_autofree char *pem = NULL;
      g_autofree char *sql = g_strdup_printf ("SELECT hex(public_key) FROM machine WHERE id = '%s'", ids[i]);
      g_autofree char *registered = admin_query_text (fixture, sql);
      g_autoptr(GString) hex = g_string_new (NULL);
      unsigned char *der = NULL;
      int length;
      EVP_PKEY *key;
      BIO *bio;
      GStatBuf st;

      g_assert_no_errno (g_stat (path, &st));
      g_assert_cmpint (st.st_mode & 0777, ==, 0600);
      g_assert_true (g_file_get_contents (path, &pem, NULL, NULL));
      bio = BIO_new_mem_buf (pem, -1);
      key = PEM_read_bio_PrivateKey (bio, NULL, NULL, NULL);
      BIO_free (bio);
      g_assert_nonnull (key);
      g_assert_cmpint (EVP_PKEY_get_base_id (key), ==, EVP_PKEY_ED25519);

      length = i2d_PUBKEY (key, &der);
      for (int j = 0; j < length; j++)
        g_string_append_printf (hex, "%02X", der[j]);
      OPENSSL_free (der);
      EVP_PKEY_free (key);
      g_assert_cmpstr (hex->str, ==, registered);
    }

  /* The machines whose keys were not kept have none on disk. */
  {
    g_autofree char *other = g_build_filename (fixture->data_dir, SRV_DEMO_MACHINES_DIR, "10012.pem", NULL);
    g_autofree char *link = g_build_filename (get_demo_template (), SRV_DEMO_MACHINE_KEY_FILE, NULL);
    g_autofree char *target = g_file_read_link (link, NULL);

    g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));
    g_assert_cmpstr (target, ==, SRV_DEMO_MACHINES_DIR "/10011.pem");
  }
}

/* The real command prints the logins it stored; a plain init seeds nothing. */
static void
test_command (void)
{
  g_autoptr(GSubprocessLauncher) launcher = srv_test_launcher_new ();
  g_autoptr(GSubprocess) demo = NULL;
  g_autoptr(GSubprocess) plain = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = srv_test_make_tmp_dir ();
  g_autofree char *demo_dir = g_build_filename (tmp, "demo", NULL);
  g_autofree char *plain_dir = g_build_filename (tmp, "plain", NULL);
  g_autofree char *plain_credentials = g_build_filename (plain_dir, SRV_DEMO_CREDENTIALS_FILE, NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GHashTable) passwords = NULL;
  GHashTableIter iter;
  gpointer user;
  gpointer password;

  demo = g_subprocess_launcher_spawn (launcher, &error, server_binary, "init", "--demo", demo_dir, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (demo, NULL, NULL, &out, &err, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (demo));
  g_assert_cmpint (g_subprocess_get_exit_status (demo), ==, 0);

  g_assert_nonnull (strstr (out, "Republic of Veridia"));
  g_assert_nonnull (strstr (out, "Log in"));
  g_assert_nonnull (strstr (out, "10011"));
  passwords = read_passwords (demo_dir);
  g_assert_cmpuint (g_hash_table_size (passwords), ==, 3);
  g_hash_table_iter_init (&iter, passwords);
  while (g_hash_table_iter_next (&iter, &user, &password))
    {
      g_autofree char *line = g_strdup_printf (" %s ", (char *) user);

      g_assert_nonnull (strstr (out, line));
      g_assert_nonnull (strstr (out, password));
    }

  plain = g_subprocess_launcher_spawn (launcher, &error, server_binary, "init", plain_dir, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (plain, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (plain_credentials, G_FILE_TEST_EXISTS));

  srv_test_remove_tree (tmp);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* Take our own argument out before GLib's test options are parsed. */
  for (int i = 1; i < argc; i++)
    {
      if (g_str_has_prefix (argv[i], "--idem-server="))
        {
          server_binary = g_strdup (argv[i] + strlen ("--idem-server="));
          memmove (&argv[i], &argv[i + 1], (argc - i) * sizeof (char *));
          argc--;
          break;
        }
    }

  idem_i18n_init ();
  g_test_init (&argc, &argv, NULL);

  if (server_binary == NULL)
    g_error ("Give the idem-server binary as --idem-server=PATH");

#define ADD(path, func) \
  g_test_add (path, AdminFixture, NULL, demo_fixture_set_up, func, admin_fixture_tear_down)

  ADD ("/server/demo/seeded-contents", test_seeded_contents);
  ADD ("/server/demo/logins", test_logins);
  ADD ("/server/demo/machine-keys", test_machine_keys);
  g_test_add_func ("/server/demo/command", test_command);

#undef ADD

  status = g_test_run ();
  if (demo_tmp != NULL)
    srv_test_remove_tree (demo_tmp);
  g_free (demo_tmp);
  g_free (demo_template);
  g_free (server_binary);

  return status;
}
