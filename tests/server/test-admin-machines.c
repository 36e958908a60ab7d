/* test-admin-machines.c — machines and devices through the admin API, over real HTTPS
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include "test-admin-util.h"

#include "idem.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

static void
seed_centres (AdminFixture *fixture)
{
  const char *calls[] = {
    "/v1/admin/locations", "{\"request\": {\"code\": \"KA\", \"level\": 0, \"levelName\": \"Country\", \"names\": {\"eng\": \"Kalia\"}}}",
    "/v1/admin/centres", "{\"request\": {\"id\": \"10001\", \"names\": {\"eng\": \"One\"}, \"locationCode\": \"KA\", \"timeZone\": \"UTC\"}}",
    "/v1/admin/centres", "{\"request\": {\"id\": \"10002\", \"names\": {\"eng\": \"Two\"}, \"locationCode\": \"KA\", \"timeZone\": \"UTC\"}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (calls); i += 2)
    {
      g_autoptr(SrvTestResponse) response = NULL;

      admin_expect (fixture, &response, "POST", calls[i], calls[i + 1], SOUP_STATUS_CREATED);
    }
}

static char *
public_key_pem (EVP_PKEY *key)
{
  BIO *bio = BIO_new (BIO_s_mem ());
  char *data = NULL;
  long length;
  char *pem;

  g_assert_cmpint (PEM_write_bio_PUBKEY (bio, key), ==, 1);
  length = BIO_get_mem_data (bio, &data);
  pem = g_strndup (data, length);
  BIO_free (bio);

  return pem;
}

static GBytes *
public_key_der (EVP_PKEY *key)
{
  unsigned char *der = NULL;
  int length = i2d_PUBKEY (key, &der);
  GBytes *bytes = g_bytes_new (der, length);

  OPENSSL_free (der);
  return bytes;
}

static char *
machine_body (const char *id,
              const char *centre,
              const char *key)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "request");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, "Desk");
  json_builder_set_member_name (builder, "centreId");
  json_builder_add_string_value (builder, centre);
  json_builder_set_member_name (builder, "publicKey");
  json_builder_add_string_value (builder, key);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}

static void
test_machines (AdminFixture  *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  EVP_PKEY *key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_ED25519, 0, &error);
  EVP_PKEY *other = idem_crypto_generate_key (IDEM_CRYPTO_KEY_ED25519, 0, &error);
  g_autofree char *pem = public_key_pem (key);
  g_autoptr(GBytes) der = public_key_der (key);
  g_autoptr(GBytes) other_der = public_key_der (other);
  g_autofree char *der_b64 = g_base64_encode (g_bytes_get_data (der, NULL), g_bytes_get_size (der));
  g_autofree char *other_b64 = g_base64_encode (g_bytes_get_data (other_der, NULL), g_bytes_get_size (other_der));
  g_autofree char *fingerprint = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, der);
  g_autofree char *body = machine_body ("M-1", "10001", pem);
  g_autofree char *moved = NULL;
  g_autoptr(SrvTestResponse) created = NULL;
  g_autoptr(SrvTestResponse) updated = NULL;
  g_autoptr(SrvTestResponse) second = NULL;
  g_autoptr(SrvTestResponse) list = NULL;
  JsonObject *object;
  gint64 clock;

  g_assert_no_error (error);
  admin_fixture_start_admin (fixture);
  seed_centres (fixture);
  clock = admin_sync_clock (fixture);

  /* PEM in, DER and its SHA-256 out. */
  object = admin_expect (fixture, &created, "POST", "/v1/admin/machines", body, SOUP_STATUS_CREATED);
  g_assert_cmpstr (json_object_get_string_member (object, "publicKey"), ==, der_b64);
  g_assert_cmpstr (json_object_get_string_member (object, "keyFingerprint"), ==, fingerprint);
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "ACTIVE");
  g_assert_cmpint (json_object_get_int_member (object, "version"), ==, clock + 1);

  /* The same key for a second machine is refused; base64 DER works too. */
  g_free (body);
  body = machine_body ("M-2", "10001", der_b64);
  admin_assert_refused (fixture, "POST", "/v1/admin/machines", body, SOUP_STATUS_CONFLICT, "IDM-ADM-EXISTS",
                        "SELECT count(*) FROM machine");
  g_free (body);
  body = machine_body ("M-2", "10002", other_b64);
  admin_expect (fixture, &second, "POST", "/v1/admin/machines", body, SOUP_STATUS_CREATED);

  /* Moving to another centre, then decommissioning, which is final. */
  object = admin_expect (fixture, &updated, "PUT", "/v1/admin/machines/M-1",
                         "{\"request\": {\"centreId\": \"10002\", \"status\": \"INACTIVE\"}}", SOUP_STATUS_OK);
  g_assert_cmpstr (json_object_get_string_member (object, "centreId"), ==, "10002");
  g_assert_cmpstr (json_object_get_string_member (object, "keyFingerprint"), ==, fingerprint);
  g_assert_cmpint (json_object_get_int_member (object, "version"), ==, clock + 3);

  object = admin_expect (fixture, &list, "GET", "/v1/admin/machines", NULL, SOUP_STATUS_OK);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "items")), ==, 2);

  g_clear_pointer (&updated, srv_test_response_free);
  admin_expect (fixture, &updated, "PUT", "/v1/admin/machines/M-1", "{\"request\": {\"status\": \"DECOMMISSIONED\"}}",
                SOUP_STATUS_OK);
  admin_assert_refused (fixture, "PUT", "/v1/admin/machines/M-1", "{\"request\": {\"status\": \"ACTIVE\"}}",
                        SOUP_STATUS_CONFLICT, "IDM-ADM-CONFLICT", "SELECT count(*) FROM machine WHERE status = 'ACTIVE'");

  /* A centre with an active machine cannot be decommissioned. */
  admin_assert_refused (fixture, "PUT", "/v1/admin/centres/10002", "{\"request\": {\"status\": \"DECOMMISSIONED\"}}",
                        SOUP_STATUS_CONFLICT, "IDM-ADM-CONFLICT", "SELECT count(*) FROM centre WHERE status = 'ACTIVE'");
  moved = admin_query_text (fixture, "SELECT action FROM audit_event WHERE outcome = 'success' ORDER BY id DESC LIMIT 1");
  g_assert_cmpstr (moved, ==, "machine.update");

  EVP_PKEY_free (key);
  EVP_PKEY_free (other);
}

static void
test_machines_bad_input (AdminFixture  *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  EVP_PKEY *rsa = idem_crypto_generate_key (IDEM_CRYPTO_KEY_RSA, 2048, &error);
  EVP_PKEY *key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_ED25519, 0, &error);
  g_autofree char *rsa_pem = public_key_pem (rsa);
  g_autofree char *pem = public_key_pem (key);
  const char *count = "SELECT count(*) FROM machine";
  g_autofree char *body = NULL;

  g_assert_no_error (error);
  admin_fixture_start_admin (fixture);
  seed_centres (fixture);

  body = machine_body ("M-1", "10001", rsa_pem);
  admin_assert_refused (fixture, "POST", "/v1/admin/machines", body, SOUP_STATUS_BAD_REQUEST, "IDM-ADM-INVALID", count);
  g_free (body);
  body = machine_body ("M-1", "10001", "bm90IGEga2V5");
  admin_assert_refused (fixture, "POST", "/v1/admin/machines", body, SOUP_STATUS_BAD_REQUEST, "IDM-ADM-INVALID", count);
  g_free (body);
  body = machine_body ("M-1", "99999", pem);
  admin_assert_refused (fixture, "POST", "/v1/admin/machines", body, SOUP_STATUS_BAD_REQUEST, "IDM-ADM-REFERENCE", count);
  admin_assert_refused (fixture, "POST", "/v1/admin/machines",
                        "{\"request\": {\"id\": \"M-1\", \"name\": \"Desk\", \"centreId\": \"10001\"}}",
                        SOUP_STATUS_BAD_REQUEST, "IDM-ADM-MISSING", count);
  admin_assert_refused (fixture, "POST", "/v1/admin/machines",
                        "{\"request\": {\"id\": \"M-1\", \"name\": \"Desk\", \"centreId\": \"10001\", \"publicKey\": 7}}",
                        SOUP_STATUS_BAD_REQUEST, "IDM-ADM-TYPE", count);
  admin_assert_refused (fixture, "POST", "/v1/admin/machines", "not json", SOUP_STATUS_BAD_REQUEST, "IDM-ADM-JSON", count);
  admin_assert_refused (fixture, "PUT", "/v1/admin/machines/NOPE", "{\"request\": {\"name\": \"x\"}}",
                        SOUP_STATUS_NOT_FOUND, "IDM-ADM-NOT-FOUND", count);
  admin_assert_refused (fixture, "GET", "/v1/admin/machines/NOPE", NULL, SOUP_STATUS_NOT_FOUND, "IDM-ADM-NOT-FOUND", count);

  EVP_PKEY_free (rsa);
  EVP_PKEY_free (key);
}

static void
test_devices (AdminFixture  *fixture,
              gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  EVP_PKEY *key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_ED25519, 0, &error);
  g_autofree char *pem = public_key_pem (key);
  g_autofree char *body = machine_body ("M-1", "10001", pem);
  g_autoptr(SrvTestResponse) machine = NULL;
  g_autoptr(SrvTestResponse) created = NULL;
  g_autoptr(SrvTestResponse) moved = NULL;
  g_autoptr(SrvTestResponse) list = NULL;
  const char *count = "SELECT count(*) FROM device";
  JsonObject *object;

  g_assert_no_error (error);
  admin_fixture_start_admin (fixture);
  seed_centres (fixture);
  admin_expect (fixture, &machine, "POST", "/v1/admin/machines", body, SOUP_STATUS_CREATED);

  object = admin_expect (fixture, &created, "POST", "/v1/admin/devices",
                         "{\"request\": {\"id\": \"D-1\", \"type\": \"FINGERPRINT\", \"make\": \"Acme\", \"model\": \"Scan 4\","
                         " \"serial\": \"SN-77\", \"centreId\": \"10001\", \"machineId\": \"M-1\"}}", SOUP_STATUS_CREATED);
  g_assert_cmpstr (json_object_get_string_member (object, "machineId"), ==, "M-1");
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "ACTIVE");

  /* Moving to another centre detaches it from the old centre's machine. */
  object = admin_expect (fixture, &moved, "PUT", "/v1/admin/devices/D-1", "{\"request\": {\"centreId\": \"10002\"}}",
                         SOUP_STATUS_OK);
  g_assert_cmpstr (json_object_get_string_member (object, "centreId"), ==, "10002");
  g_assert_true (json_object_get_null_member (object, "machineId"));

  object = admin_expect (fixture, &list, "GET", "/v1/admin/devices", NULL, SOUP_STATUS_OK);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "items")), ==, 1);

  /* A machine of another centre, an unknown type, a type change. */
  admin_assert_refused (fixture, "PUT", "/v1/admin/devices/D-1", "{\"request\": {\"machineId\": \"M-1\"}}",
                        SOUP_STATUS_BAD_REQUEST, "IDM-ADM-REFERENCE", "SELECT count(*) FROM device WHERE machine_id IS NULL");
  admin_assert_refused (fixture, "POST", "/v1/admin/devices",
                        "{\"request\": {\"id\": \"D-2\", \"type\": \"TOASTER\", \"make\": \"Acme\", \"model\": \"T\","
                        " \"serial\": \"1\", \"centreId\": \"10001\"}}",
                        SOUP_STATUS_BAD_REQUEST, "IDM-ADM-INVALID", count);
  admin_assert_refused (fixture, "POST", "/v1/admin/devices",
                        "{\"request\": {\"id\": \"D-2\", \"type\": \"CAMERA\", \"make\": \"Acme\", \"model\": \"T\","
                        " \"serial\": 1, \"centreId\": \"10001\"}}",
                        SOUP_STATUS_BAD_REQUEST, "IDM-ADM-TYPE", count);
  admin_assert_refused (fixture, "PUT", "/v1/admin/devices/D-1", "{\"request\": {\"type\": \"CAMERA\"}}",
                        SOUP_STATUS_BAD_REQUEST, "IDM-ADM-INVALID", "SELECT count(*) FROM device WHERE type = 'FINGERPRINT'");
  admin_assert_refused (fixture, "PUT", "/v1/admin/devices/D-9", "{\"request\": {\"serial\": \"2\"}}",
                        SOUP_STATUS_NOT_FOUND, "IDM-ADM-NOT-FOUND", count);

  EVP_PKEY_free (key);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  idem_i18n_init ();
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, AdminFixture, NULL, admin_fixture_set_up, func, admin_fixture_tear_down)

  ADD ("/server/admin/machines", test_machines);
  ADD ("/server/admin/machines-bad-input", test_machines_bad_input);
  ADD ("/server/admin/devices", test_devices);

#undef ADD

  status = g_test_run ();
  srv_test_cleanup ();

  return status;
}
