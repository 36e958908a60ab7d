/* srv-demo-country.c — `idem-server init --demo`: a fictional country to try Idem on
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The Republic of Veridia: a country, two regions (the zones), a province
 * in each, two cities in each province, two zones in each city and a postal
 * code in each zone; a registration centre in Ambara and one in Port
 * Selene, open Monday to Friday 08:00–17:00 and Saturday morning, closed on
 * Independence Day; two machines and two devices at each centre; the users
 * operator1, supervisor1 and admin; master data in English, French and
 * Arabic; the default ID schema and UI spec published as version 1.
 *
 * The address levels are the ones the registration form asks for: region,
 * province, city and zone, locationHierarchyLevel 1 to 4 in the UI spec, as
 * in MOSIP's hierarchy.  The form's zone, a part of a city, is not the
 * administrative zone that users and centres are mapped on: that is a
 * location marked is_zone, the regions here.
 *
 * Everything is written in one transaction, at one sync clock version, so
 * a machine's first sync downloads it whole.  Passwords are generated and
 * written, with the login instructions, to demo-credentials.txt (0600) in
 * the data directory.  The first machine of each centre has its Ed25519
 * private key written to demo-machines/<machine-id>.pem (0600), so that
 * tests and the registration client can act as that machine;
 * demo-machine-key.pem links to the first of them.
 */

#define G_LOG_DOMAIN "idem-server"

#include "config.h"

#include "srv-demo-country.h"
#include "srv-admin-private.h"
#include "srv-audit.h"
#include "srv-error.h"
#include "srv-password.h"

#include "idem.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <string.h>
#include <unistd.h>

#define SCHEMA_RESOURCE "/org/idem/Server/schema/"

typedef struct
{
  const char *code;
  const char *parent;
  int         level;
  const char *level_name;
  gboolean    is_zone;
  const char *eng;
  const char *fra;
  const char *ara;
} Location;

static const Location locations[] = {
  { "VRD", NULL, 0, "Country", FALSE, "Republic of Veridia", "République de Véridie", "جمهورية فيريديا" },
  { "VRD-N", "VRD", 1, "Region", TRUE, "Northern Region", "Région du Nord", "الإقليم الشمالي" },
  { "VRD-C", "VRD", 1, "Region", TRUE, "Coastal Region", "Région côtière", "الإقليم الساحلي" },
  { "VRD-N-HL", "VRD-N", 2, "Province", FALSE, "Highlands Province", "Province des Hautes-Terres", "محافظة المرتفعات" },
  { "VRD-C-BY", "VRD-C", 2, "Province", FALSE, "Bay Province", "Province de la Baie", "محافظة الخليج" },
  { "AMB", "VRD-N-HL", 3, "City", FALSE, "Ambara", "Ambara", "أمبارا" },
  { "TES", "VRD-N-HL", 3, "City", FALSE, "Tesso", "Tesso", "تيسو" },
  { "PSL", "VRD-C-BY", 3, "City", FALSE, "Port Selene", "Port-Sélène", "بورت سيلين" },
  { "MRB", "VRD-C-BY", 3, "City", FALSE, "Maribay", "Maribaie", "ماريباي" },
  { "AMB-OT", "AMB", 4, "Zone", FALSE, "Old Town", "Vieille-Ville", "المدينة القديمة" },
  { "AMB-RS", "AMB", 4, "Zone", FALSE, "Riverside", "Bord-de-Rivière", "ضفة النهر" },
  { "TES-MK", "TES", 4, "Zone", FALSE, "Market Quarter", "Quartier du Marché", "حي السوق" },
  { "TES-HS", "TES", 4, "Zone", FALSE, "Hillside", "Coteau", "سفح التل" },
  { "PSL-HB", "PSL", 4, "Zone", FALSE, "Harbour", "Port", "الميناء" },
  { "PSL-LH", "PSL", 4, "Zone", FALSE, "Lighthouse", "Le Phare", "المنارة" },
  { "MRB-BF", "MRB", 4, "Zone", FALSE, "Beachfront", "Front de mer", "الواجهة البحرية" },
  { "MRB-SM", "MRB", 4, "Zone", FALSE, "Salt Marsh", "Marais salant", "السبخة" },
  { "10101", "AMB-OT", 5, "Postal code", FALSE, "10101", "10101", "10101" },
  { "10102", "AMB-RS", 5, "Postal code", FALSE, "10102", "10102", "10102" },
  { "10201", "TES-MK", 5, "Postal code", FALSE, "10201", "10201", "10201" },
  { "10202", "TES-HS", 5, "Postal code", FALSE, "10202", "10202", "10202" },
  { "20101", "PSL-HB", 5, "Postal code", FALSE, "20101", "20101", "20101" },
  { "20102", "PSL-LH", 5, "Postal code", FALSE, "20102", "20102", "20102" },
  { "20201", "MRB-BF", 5, "Postal code", FALSE, "20201", "20201", "20201" },
  { "20202", "MRB-SM", 5, "Postal code", FALSE, "20202", "20202", "20202" },
};

typedef struct
{
  const char *id;
  const char *location;
  const char *address;
  double      latitude;
  double      longitude;
  const char *eng;
  const char *fra;
  const char *ara;
} Centre;

static const Centre centres[] = {
  { "10001", "10101", "12 Independence Avenue, Ambara", 7.1234, -5.4321,
    "Ambara Central Registration Centre", "Centre d’enregistrement central d’Ambara", "مركز التسجيل المركزي في أمبارا" },
  { "10002", "20101", "3 Harbour Road, Port Selene", 5.3456, -4.0123,
    "Port Selene Registration Centre", "Centre d’enregistrement de Port-Sélène", "مركز التسجيل في بورت سيلين" },
};

typedef struct
{
  const char *id;
  const char *centre;
  const char *name;
  gboolean    keep_key;
} Machine;

static const Machine machines[] = {
  { "10011", "10001", "Ambara desk 1", TRUE },
  { "10012", "10001", "Ambara desk 2", FALSE },
  { "10021", "10002", "Port Selene desk 1", TRUE },
  { "10022", "10002", "Port Selene desk 2", FALSE },
};

typedef struct
{
  const char *id;
  const char *role;
  const char *name;
  const char *centre;
} User;

static const User users[] = {
  { "operator1", "OPERATOR", "Amara Okafor", "10001" },
  { "supervisor1", "SUPERVISOR", "Yusuf Haddad", "10001" },
  { "admin", "ADMIN", "Claire Moreau", "10001" },
};

typedef struct
{
  const char *type;
  const char *code;
  const char *category;
  const char *eng;
  const char *fra;
  const char *ara;
} MasterDatum;

static const MasterDatum master_data[] = {
  { "gender", "MLE", NULL, "Male", "Masculin", "ذكر" },
  { "gender", "FLE", NULL, "Female", "Féminin", "أنثى" },
  { "gender", "OTH", NULL, "Other", "Autre", "آخر" },
  { "individualType", "NFR", NULL, "Citizen", "Citoyen", "مواطن" },
  { "individualType", "FR", NULL, "Foreign resident", "Résident étranger", "مقيم أجنبي" },
  { "residenceStatus", "NFR", NULL, "Citizen", "Citoyen", "مواطن" },
  { "residenceStatus", "FR", NULL, "Foreign resident", "Résident étranger", "مقيم أجنبي" },
  { "title", "MR", NULL, "Mr", "M.", "السيد" },
  { "title", "MRS", NULL, "Mrs", "Mme", "السيدة" },
  { "title", "DR", NULL, "Dr", "Dr", "الدكتور" },
  { "documentCategory", "POI", NULL, "Proof of identity", "Preuve d’identité", "إثبات الهوية" },
  { "documentCategory", "POA", NULL, "Proof of address", "Justificatif de domicile", "إثبات العنوان" },
  { "documentCategory", "POB", NULL, "Proof of birth", "Preuve de naissance", "إثبات الميلاد" },
  { "documentCategory", "POR", NULL, "Proof of relationship", "Preuve de lien de parenté", "إثبات صلة القرابة" },
  { "documentCategory", "POE", NULL, "Proof of exception", "Preuve d’exception", "إثبات الاستثناء" },
  { "documentType", "PASSPORT", "POI", "Passport", "Passeport", "جواز سفر" },
  { "documentType", "DRIVING_LICENCE", "POI", "Driving licence", "Permis de conduire", "رخصة قيادة" },
  { "documentType", "UTILITY_BILL", "POA", "Utility bill", "Facture de services publics", "فاتورة خدمات" },
  { "documentType", "LEASE", "POA", "Lease", "Bail", "عقد إيجار" },
  { "documentType", "BIRTH_CERTIFICATE", "POB", "Birth certificate", "Acte de naissance", "شهادة ميلاد" },
  { "documentType", "FAMILY_RECORD", "POR", "Family record book", "Livret de famille", "دفتر العائلة" },
  { "documentType", "MEDICAL_CERTIFICATE", "POE", "Medical certificate", "Certificat médical", "شهادة طبية" },
  { "reasonCategory", "DEMO", NULL, "Demographic data", "Données démographiques", "البيانات الديموغرافية" },
  { "reasonCategory", "BIO", NULL, "Biometrics", "Biométrie", "القياسات الحيوية" },
  { "reasonCategory", "DOC", NULL, "Documents", "Documents", "الوثائق" },
  { "rejectionReason", "NAME_MISMATCH", "DEMO", "The name does not match the documents",
    "Le nom ne correspond pas aux documents", "الاسم لا يطابق الوثائق" },
  { "rejectionReason", "POOR_PHOTO", "BIO", "The photo is of poor quality", "La photo est de mauvaise qualité", "الصورة رديئة الجودة" },
  { "rejectionReason", "ILLEGIBLE_DOCUMENT", "DOC", "A document is illegible", "Un document est illisible", "وثيقة غير مقروءة" },
  { "blocklistedWord", "unknown", NULL, "Not a name", "Pas un nom", "ليس اسمًا" },
  { "blocklistedWord", "anonymous", NULL, "Not a name", "Pas un nom", "ليس اسمًا" },
  { "blocklistedWord", "test", NULL, "Not a name", "Pas un nom", "ليس اسمًا" },
};

static const struct
{
  const char *applicant;
  const char *category;
  const char *type;
} valid_documents[] = {
  { "ADULT", "POI", "PASSPORT" },
  { "ADULT", "POI", "DRIVING_LICENCE" },
  { "ADULT", "POA", "UTILITY_BILL" },
  { "ADULT", "POA", "LEASE" },
  { "ADULT", "POE", "MEDICAL_CERTIFICATE" },
  { "MINOR", "POI", "PASSPORT" },
  { "MINOR", "POA", "UTILITY_BILL" },
  { "MINOR", "POA", "LEASE" },
  { "MINOR", "POB", "BIRTH_CERTIFICATE" },
  { "MINOR", "POR", "FAMILY_RECORD" },
  { "MINOR", "POE", "MEDICAL_CERTIFICATE" },
  { "INFANT", "POA", "UTILITY_BILL" },
  { "INFANT", "POA", "LEASE" },
  { "INFANT", "POB", "BIRTH_CERTIFICATE" },
  { "INFANT", "POR", "FAMILY_RECORD" },
  { "INFANT", "POE", "MEDICAL_CERTIFICATE" },
};

static char *
names_json (const char *eng,
            const char *fra,
            const char *ara)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "eng");
  json_builder_add_string_value (builder, eng);
  json_builder_set_member_name (builder, "fra");
  json_builder_add_string_value (builder, fra);
  json_builder_set_member_name (builder, "ara");
  json_builder_add_string_value (builder, ara);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}

static gboolean
write_private_file (const char  *path,
                    const char  *contents,
                    GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!g_file_set_contents_full (path, contents, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local_error))
    {
      g_set_error (error, SRV_ERROR, SRV_ERROR_IO, _("Could not write %s: %s"), path, local_error->message);
      return FALSE;
    }

  return TRUE;
}

static char *
private_key_pem (EVP_PKEY *key)
{
  BIO *bio = BIO_new (BIO_s_mem ());
  char *data = NULL;
  char *pem = NULL;
  long length;

  if (PEM_write_bio_PrivateKey (bio, key, NULL, NULL, 0, NULL, NULL) == 1)
    {
      length = BIO_get_mem_data (bio, &data);
      pem = g_strndup (data, length);
    }
  BIO_free (bio);
  ERR_clear_error ();

  return pem;
}

static GBytes *
public_key_der (EVP_PKEY *key)
{
  unsigned char *der = NULL;
  int length = i2d_PUBKEY (key, &der);
  GBytes *bytes = NULL;

  if (length > 0)
    bytes = g_bytes_new (der, length);
  OPENSSL_free (der);
  ERR_clear_error ();

  return bytes;
}

static gboolean
seed_locations (sqlite3  *db,
                gint64    version,
                GError  **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (locations); i++)
    {
      const Location *l = &locations[i];
      g_autofree char *names = names_json (l->eng, l->fra, l->ara);

      if (!srv_admin_exec (db, error,
                           "INSERT INTO location (code, parent_code, level, level_name, names, is_zone, active, version)"
                           " VALUES (?, ?, ?, ?, ?, ?, 1, ?)",
                           "ttittii", l->code, l->parent, (gint64) l->level, l->level_name, names,
                           (gint64) l->is_zone, version))
        return FALSE;
    }

  return TRUE;
}

static gboolean
seed_centres (sqlite3  *db,
              gint64    version,
              GError  **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  int year = g_date_time_get_year (now);
  g_autofree char *holiday_names = names_json ("Independence Day", "Fête de l’indépendance", "عيد الاستقلال");

  for (guint i = 0; i < G_N_ELEMENTS (centres); i++)
    {
      const Centre *c = &centres[i];
      g_autofree char *names = names_json (c->eng, c->fra, c->ara);

      if (!srv_admin_exec (db, error,
                           "INSERT INTO centre (id, names, location_code, time_zone, address, latitude, longitude, status, version)"
                           " VALUES (?, ?, ?, 'Africa/Abidjan', ?, ?, ?, 'ACTIVE', ?)",
                           "ttttrri", c->id, names, c->location, c->address, c->latitude, c->longitude, version))
        return FALSE;

      /* Monday to Friday all day, Saturday morning. */
      for (gint64 weekday = 1; weekday <= 6; weekday++)
        {
          if (!srv_admin_exec (db, error,
                               "INSERT INTO centre_working_hours (centre_id, weekday, opens, closes) VALUES (?, ?, '08:00', ?)",
                               "tit", c->id, weekday, weekday == 6 ? "12:00" : "17:00"))
            return FALSE;
        }

      for (int y = year; y <= year + 1; y++)
        {
          g_autofree char *date = g_strdup_printf ("%04d-06-12", y);

          if (!srv_admin_exec (db, error, "INSERT INTO centre_holiday (centre_id, date, names) VALUES (?, ?, ?)",
                               "ttt", c->id, date, holiday_names))
            return FALSE;
        }
    }

  return TRUE;
}

static gboolean
seed_machines (SrvConfig  *config,
               sqlite3    *db,
               gint64      version,
               GString    *credentials,
               GError    **error)
{
  g_autofree char *machines_dir = g_build_filename (config->data_dir, SRV_DEMO_MACHINES_DIR, NULL);
  gboolean linked = FALSE;

  if (g_mkdir_with_parents (machines_dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, SRV_ERROR, SRV_ERROR_IO, _("Could not create %s: %s"), machines_dir, g_strerror (saved_errno));
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (machines); i++)
    {
      const Machine *m = &machines[i];
      EVP_PKEY *key = idem_crypto_generate_key (IDEM_CRYPTO_KEY_ED25519, 0, error);
      g_autoptr(GBytes) der = NULL;
      g_autofree char *fingerprint = NULL;
      g_autofree char *pem = NULL;
      g_autofree char *path = NULL;
      g_autofree char *device_fp = g_strdup_printf ("D%s-FP", m->id + 1);
      g_autofree char *device_cam = g_strdup_printf ("D%s-CAM", m->id + 1);
      g_autofree char *serial_fp = g_strdup_printf ("VFP-%s", m->id + 1);
      g_autofree char *serial_cam = g_strdup_printf ("VCAM-%s", m->id + 1);
      gboolean ok;

      if (key == NULL)
        return FALSE;

      der = public_key_der (key);
      if (m->keep_key)
        pem = private_key_pem (key);
      EVP_PKEY_free (key);

      if (der == NULL || (m->keep_key && pem == NULL))
        {
          g_set_error_literal (error, SRV_ERROR, SRV_ERROR_KEYS, _("Could not encode a demo machine’s key"));
          return FALSE;
        }

      fingerprint = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, der);
      ok = srv_admin_exec (db, error,
                           "INSERT INTO machine (id, name, centre_id, public_key, key_fingerprint, status, version)"
                           " VALUES (?, ?, ?, ?, ?, 'ACTIVE', ?)",
                           "tttbti", m->id, m->name, m->centre, g_bytes_get_data (der, NULL), g_bytes_get_size (der),
                           fingerprint, version) &&
           srv_admin_exec (db, error,
                           "INSERT INTO device (id, type, make, model, serial, centre_id, machine_id, status, version)"
                           " VALUES (?, 'FINGERPRINT', 'libfprint', 'Virtual image sensor', ?, ?, ?, 'ACTIVE', ?)",
                           "tttti", device_fp, serial_fp, m->centre, m->id, version) &&
           srv_admin_exec (db, error,
                           "INSERT INTO device (id, type, make, model, serial, centre_id, machine_id, status, version)"
                           " VALUES (?, 'CAMERA', 'GStreamer', 'Test source', ?, ?, ?, 'ACTIVE', ?)",
                           "tttti", device_cam, serial_cam, m->centre, m->id, version);
      if (!ok)
        {
          g_clear_pointer (&pem, g_free);
          return FALSE;
        }

      if (pem == NULL)
        continue;

      path = g_build_filename (machines_dir, m->id, NULL);
      {
        g_autofree char *file = g_strconcat (path, ".pem", NULL);

        ok = write_private_file (file, pem, error);
        idem_crypto_wipe (pem, strlen (pem));
        if (!ok)
          return FALSE;

        g_string_append_printf (credentials, "machine %s (centre %s): private key %s\n", m->id, m->centre, file);

        if (!linked)
          {
            g_autofree char *link = g_build_filename (config->data_dir, SRV_DEMO_MACHINE_KEY_FILE, NULL);
            g_autofree char *target = g_build_filename (SRV_DEMO_MACHINES_DIR, m->id, NULL);
            g_autofree char *target_pem = g_strconcat (target, ".pem", NULL);

            if (symlink (target_pem, link) != 0)
              {
                int saved_errno = errno;

                g_set_error (error, SRV_ERROR, SRV_ERROR_IO, _("Could not create %s: %s"), link, g_strerror (saved_errno));
                return FALSE;
              }
            linked = TRUE;
          }
      }
    }

  return TRUE;
}

static gboolean
seed_users (sqlite3  *db,
            gint64    version,
            GString  *credentials,
            GError  **error)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    {
      const User *u = &users[i];
      g_autofree char *password = srv_password_generate (error);
      g_autofree char *hash = NULL;
      g_autofree char *email = NULL;

      if (password == NULL)
        return FALSE;

      hash = srv_password_hash (password, error);
      if (hash == NULL)
        return FALSE;

      email = g_strdup_printf ("%s@demo.idem.invalid", u->id);
      if (!srv_admin_exec (db, error,
                           "INSERT INTO app_user (id, name, email, password_hash, status, version)"
                           " VALUES (?, ?, ?, ?, 'ACTIVE', ?)",
                           "tttti", u->id, u->name, email, hash, version) ||
          !srv_admin_exec (db, error, "INSERT INTO user_role (user_id, role) VALUES (?, ?)", "tt", u->id, u->role) ||
          !srv_admin_exec (db, error, "INSERT INTO user_centre (user_id, centre_id, valid_from) VALUES (?, ?, ?)",
                           "tti", u->id, u->centre, now))
        return FALSE;

      g_string_append_printf (credentials, "user %s (%s, centre %s): password %s\n", u->id, u->role, u->centre, password);
      idem_crypto_wipe (password, strlen (password));
    }

  return TRUE;
}

static gboolean
seed_master_data (sqlite3  *db,
                  gint64    version,
                  GError  **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (master_data); i++)
    {
      const MasterDatum *d = &master_data[i];
      g_autofree char *names = names_json (d->eng, d->fra, d->ara);
      g_autofree char *attributes = d->category != NULL ? g_strdup_printf ("{\"category\":\"%s\"}", d->category) : NULL;

      if (!srv_admin_exec (db, error,
                           "INSERT INTO master_data (type, code, names, attributes, active, version) VALUES (?, ?, ?, ?, 1, ?)",
                           "tttti", d->type, d->code, names, attributes, version))
        return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (valid_documents); i++)
    {
      if (!srv_admin_exec (db, error,
                           "INSERT INTO applicant_valid_document (applicant_type, document_category, document_type, active, version)"
                           " VALUES (?, ?, ?, 1, ?)",
                           "ttti", valid_documents[i].applicant, valid_documents[i].category, valid_documents[i].type, version))
        return FALSE;
    }

  return TRUE;
}

static gboolean
seed_documents (sqlite3  *db,
                gint64    version,
                GError  **error)
{
  const char *kinds[][2] = { { "id-schema", "id-schema.json" }, { "ui-spec", "ui-spec.json" } };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *path = g_strconcat (SCHEMA_RESOURCE, kinds[i][1], NULL);
      g_autoptr(GBytes) bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *content = NULL;
      gint64 document_version = 0;

      if (bytes == NULL)
        return FALSE;

      /* Stored compact, as the admin API stores what it is sent. */
      node = json_from_string (g_bytes_get_data (bytes, NULL), error);
      if (node == NULL)
        return FALSE;
      content = json_to_string (node, FALSE);

      g_clear_pointer (&bytes, g_bytes_unref);
      bytes = g_bytes_new_static (content, strlen (content));
      if (!srv_admin_documents_check (db, kinds[i][0], bytes, error) ||
          !srv_admin_documents_insert (db, kinds[i][0], content, version, &document_version, error))
        return FALSE;
    }

  return TRUE;
}

/**
 * srv_demo_country_seed:
 * @config: the configuration of the new data directory
 * @database: its migrated database
 * @error: return location for an error
 *
 * Seeds the demo country in one transaction and writes the credentials
 * and machine keys into the data directory.
 *
 * Returns: whether everything was written
 */
gboolean
srv_demo_country_seed (SrvConfig    *config,
                       SrvDatabase  *database,
                       GError      **error)
{
  g_autoptr(GString) credentials = g_string_new (NULL);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *credentials_path = NULL;
  g_autofree char *version_text = NULL;
  sqlite3 *db;
  gint64 version;

  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (SRV_IS_DATABASE (database), FALSE);

  db = srv_database_get_handle (database);
  credentials_path = g_build_filename (config->data_dir, SRV_DEMO_CREDENTIALS_FILE, NULL);

  g_string_append (credentials,
                   "# The demo country's logins (idem-server init --demo).  Demo only: never\n"
                   "# use this data directory for real people.\n");

  if (!srv_database_exec (database, "BEGIN IMMEDIATE", &local_error) ||
      !srv_admin_query_text (db, &version_text, &local_error,
                             "UPDATE sync_clock SET version = version + 1 WHERE id = 1 RETURNING version", NULL))
    goto fail;
  version = g_ascii_strtoll (version_text, NULL, 10);

  if (!seed_locations (db, version, &local_error) ||
      !seed_centres (db, version, &local_error) ||
      !seed_machines (config, db, version, credentials, &local_error) ||
      !seed_users (db, version, credentials, &local_error) ||
      !seed_master_data (db, version, &local_error) ||
      !seed_documents (db, version, &local_error) ||
      !srv_audit_record (database, "system", "demo.seed", config->data_dir, TRUE, "idem-server init", NULL, &local_error) ||
      !write_private_file (credentials_path, credentials->str, &local_error) ||
      !srv_database_exec (database, "COMMIT", &local_error))
    goto fail;

  idem_crypto_wipe (credentials->str, credentials->len);
  return TRUE;

fail:
  idem_crypto_wipe (credentials->str, credentials->len);
  if (!sqlite3_get_autocommit (db))
    srv_database_exec (database, "ROLLBACK", NULL);
  g_propagate_prefixed_error (error, g_steal_pointer (&local_error), _("Could not seed the demo country: "));
  return FALSE;
}

/**
 * srv_demo_country_print_login:
 * @config: a demo data directory's configuration
 *
 * Prints how to log in, with the demo passwords.
 */
void
srv_demo_country_print_login (SrvConfig *config)
{
  g_autofree char *path = g_build_filename (config->data_dir, SRV_DEMO_CREDENTIALS_FILE, NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  g_return_if_fail (config != NULL);

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return;

  g_print (_("The demo country, the Republic of Veridia, is seeded: 2 centres (10001 in Ambara, 10002 in Port Selene),\n"
             "4 machines, 8 devices, master data in English, French and Arabic, the ID schema and UI spec (version 1).\n"));
  g_print (_("Log in to the admin console and the registration client at %s://%s:%u/ with:\n"),
           config->tls ? "https" : "http", config->address, config->port);

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "user "))
        g_print ("  %s\n", lines[i]);
    }

  g_print (_("The registration client and the tests can act as these demo machines:\n"));
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "machine "))
        g_print ("  %s\n", lines[i]);
    }

  g_print (_("These logins are kept in %s (readable by you only).\n"), path);
  idem_crypto_wipe (contents, strlen (contents));
}
