/* bench-demo-dedup.c — the demographic index: inserts and find() on
 * 100 000 identities
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Fills a fresh index with --identities (default 100 000) synthetic
 * people: a first name and a family name drawn from lists of common
 * Arabic, French and English names (a third of them written in Arabic
 * script), a date of birth uniform over 1940–2009, and a gender; 1000
 * inserts per transaction.  Then runs 2000 find() calls at the default
 * threshold, each for a stored person respelled (another transliteration
 * of the first name, tokens swapped, one letter changed), and reports the
 * time per lookup and how many were found.  Names are drawn with a
 * fixed seed, so runs compare.
 *
 *   bench-demo-dedup [--identities N]
 */

#include "config.h"

#include "srv-data-keys.h"
#include "srv-database.h"
#include "srv-demo-dedup.h"

#include <idem.h>
#include <idem-openssl-types.h>

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Each row: spellings of one first name, the last in Arabic script. */
static const char * const first_names[][4] = {
  { "Mohamed", "Muhammad", "Mohammed", "محمد" },
  { "Ahmed", "Ahmad", "Ahmet", "أحمد" },
  { "Youssef", "Yusuf", "Yousef", "يوسف" },
  { "Omar", "Umar", "Omer", "عمر" },
  { "Ali", "Aly", "Ali", "علي" },
  { "Hassan", "Hasan", "Hassane", "حسن" },
  { "Ibrahim", "Ebrahim", "Brahim", "إبراهيم" },
  { "Khaled", "Khalid", "Khaleed", "خالد" },
  { "Karim", "Kareem", "Karime", "كريم" },
  { "Said", "Saeed", "Saïd", "سعيد" },
  { "Mustapha", "Mustafa", "Moustafa", "مصطفى" },
  { "Abdullah", "Abdallah", "Abdulla", "عبد الله" },
  { "Walid", "Oualid", "Waleed", "وليد" },
  { "Samir", "Sameer", "Samire", "سمير" },
  { "Rachid", "Rashid", "Rachide", "رشيد" },
  { "Fatima", "Fatma", "Fatimah", "فاطمة" },
  { "Aicha", "Aisha", "Aïcha", "عائشة" },
  { "Khadija", "Khadidja", "Kadija", "خديجة" },
  { "Meriem", "Maryam", "Mariam", "مريم" },
  { "Amina", "Aminah", "Ameena", "أمينة" },
  { "Nadia", "Nadiya", "Nadja", "نادية" },
  { "Samira", "Sameera", "Samirah", "سميرة" },
  { "Layla", "Leila", "Laila", "ليلى" },
  { "Zineb", "Zaynab", "Zeinab", "زينب" },
  { "Salma", "Selma", "Salmah", "سلمى" },
  { "Jean", "Jehan", "Jeann", "جان" },
  { "Pierre", "Piere", "Pierr", "بيير" },
  { "Hélène", "Helene", "Hélene", "هيلين" },
  { "François", "Francois", "Françoise", "فرانسوا" },
  { "Marie", "Mary", "Maria", "ماري" },
  { "Sophie", "Sofie", "Sophy", "صوفي" },
  { "Thomas", "Tomas", "Thoma", "توماس" },
};

static const char * const family_names[] = {
  "Benali", "Haddad", "El Amrani", "Bensaid", "Mansouri", "Chaoui", "Bouazza",
  "Tazi", "Alaoui", "Idrissi", "Benjelloun", "Fassi", "Berrada", "Cherkaoui",
  "Lahlou", "Zouhair", "Bennani", "Kettani", "Sqalli", "Guessous", "Naciri",
  "Hassani", "Karimi", "Saidi", "Rahmani", "Belkadi", "Boukhari", "Daoudi",
  "Ziani", "Hamdi", "Touati", "Mekki", "Slimani", "Ouali", "Abbasi", "Jaziri",
  "Nasser", "Khoury", "Salem", "Farouk", "Mahmoud", "Qasim", "Suleiman",
  "Dupont", "Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Laurent",
  "Simon", "Michel", "Garcia", "Roux", "Fontaine", "Chevalier", "Mercier",
  "Girard", "Bonnet", "Lambert", "Rousseau", "Faure", "Blanc", "Guérin",
  "Smith", "Johnson", "Brown", "Taylor", "Wilson", "Davies", "Evans",
  "Ben Youssef", "Abou Zaid", "El Fassi", "Al Masri", "Ould Ahmed",
  "Benslimane", "Boutaleb", "Zerhouni", "Lamrani", "Hajji", "Ouazzani",
  "Kabbaj", "Sefrioui", "Tahiri", "Filali", "Belhaj", "Chraibi", "Amrani",
  "Bouzid", "Meziane", "Brahimi", "Benchekroun", "Lazrak", "Rami", "Fikri",
};

typedef struct
{
  guint first;
  guint family;
  guint year;
  guint month;
  guint day;
  gboolean female;
} Person;

static double
thread_cpu_seconds (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return (double) now.tv_sec + (double) now.tv_nsec / 1e9;
}

static JsonObject *
make_identity (const char   *name,
               const Person *person)
{
  g_autoptr(JsonObject) identity = json_object_new ();
  g_autoptr(JsonObject) entry = json_object_new ();
  g_autoptr(JsonObject) gender = json_object_new ();
  JsonArray *names = json_array_new ();
  JsonArray *genders = json_array_new ();
  g_autofree char *birth = g_strdup_printf ("%04u/%02u/%02u", person->year, person->month, person->day);

  json_object_set_string_member (entry, "language", "eng");
  json_object_set_string_member (entry, "value", name);
  json_array_add_object_element (names, g_steal_pointer (&entry));
  json_object_set_array_member (identity, "fullName", names);
  json_object_set_string_member (identity, "dateOfBirth", birth);
  json_object_set_string_member (gender, "language", "eng");
  json_object_set_string_member (gender, "value", person->female ? "Female" : "Male");
  json_array_add_object_element (genders, g_steal_pointer (&gender));
  json_object_set_array_member (identity, "gender", genders);
  return g_steal_pointer (&identity);
}

static char *
stored_name (const Person *person,
             GRand        *rand)
{
  /* A third in Arabic script, as some centres write. */
  guint spelling = g_rand_int_range (rand, 0, 3) == 0 ? 3 : 0;

  return g_strdup_printf ("%s %s", first_names[person->first][spelling], family_names[person->family]);
}

/* The same person as another clerk wrote them. */
static char *
respelled_name (const Person *person,
                GRand        *rand)
{
  g_autofree char *family = g_strdup (family_names[person->family]);
  const char *first = first_names[person->first][g_rand_int_range (rand, 1, 3)];
  gsize length = strlen (family);

  switch (g_rand_int_range (rand, 0, 3))
    {
    case 0:
      return g_strdup_printf ("%s %s", family, first);

    case 1:
      /* One letter of the family name changed (ASCII ones only). */
      if (length > 3 && g_ascii_isalpha (family[length - 2]))
        family[length - 2] = family[length - 2] == 'e' ? 'a' : 'e';
      return g_strdup_printf ("%s %s", first, family);

    default:
      return g_strdup_printf ("%s %s", first, family);
    }
}

static void
remove_database (const char *dir,
                 const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EVP_PKEY) encryption = NULL;
  g_autoptr(SrvDatabase) database = NULL;
  g_autoptr(SrvDataKeys) keys = NULL;
  g_autoptr(SrvDemoDedup) dedup = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autoptr(GArray) people = g_array_new (FALSE, FALSE, sizeof (Person));
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  guint n_identities = 100000;
  guint n_lookups = 2000;
  guint found = 0;
  guint candidates = 0;
  double cpu_start;
  double cpu;
  gint64 start;
  gint64 elapsed;

  if (argc == 3 && g_str_equal (argv[1], "--identities"))
    n_identities = MAX (1000, atoi (argv[2]));

  dir = g_dir_make_tmp ("idem-bench-dedup-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "idem.db", NULL);
  database = srv_database_open (path, TRUE, &error);
  if (database == NULL || !srv_database_migrate (database, &error))
    g_error ("database: %s", error->message);
  encryption = idem_crypto_generate_key (IDEM_CRYPTO_KEY_RSA, 2048, &error);
  keys = srv_data_keys_load (database, encryption, &error);
  g_assert_no_error (error);
  dedup = srv_demo_dedup_new (database, keys);

  for (guint i = 0; i < n_identities; i++)
    {
      Person person;

      person.first = g_rand_int_range (rand, 0, G_N_ELEMENTS (first_names));
      person.family = g_rand_int_range (rand, 0, G_N_ELEMENTS (family_names));
      person.year = g_rand_int_range (rand, 1940, 2010);
      person.month = g_rand_int_range (rand, 1, 13);
      person.day = g_rand_int_range (rand, 1, 29);
      person.female = person.first >= 15 && person.first < 25;
      g_array_append_val (people, person);
    }

  start = g_get_monotonic_time ();
  cpu_start = thread_cpu_seconds ();
  for (guint i = 0; i < n_identities; i++)
    {
      const Person *person = &g_array_index (people, Person, i);
      g_autofree char *name = stored_name (person, rand);
      g_autofree char *reference = g_strdup_printf ("R%09u", i);
      g_autoptr(JsonObject) identity = make_identity (name, person);

      if (i % 1000 == 0 && !srv_database_exec (database, "BEGIN", &error))
        g_error ("%s", error->message);
      if (!srv_demo_dedup_add (dedup, reference, identity, &error))
        g_error ("add: %s", error->message);
      if ((i % 1000 == 999 || i == n_identities - 1) && !srv_database_exec (database, "COMMIT", &error))
        g_error ("%s", error->message);
    }
  elapsed = g_get_monotonic_time () - start;
  cpu = thread_cpu_seconds () - cpu_start;
  g_print ("demo-dedup inserts: %u identities in %.2f s: %.0f inserts/s (%.0f per CPU second)\n",
           n_identities, elapsed / 1e6, n_identities / (elapsed / 1e6), n_identities / cpu);

  start = g_get_monotonic_time ();
  cpu_start = thread_cpu_seconds ();
  for (guint i = 0; i < n_lookups; i++)
    {
      guint index = g_rand_int_range (rand, 0, n_identities);
      const Person *person = &g_array_index (people, Person, index);
      g_autofree char *name = respelled_name (person, rand);
      g_autofree char *reference = g_strdup_printf ("R%09u", index);
      g_autoptr(JsonObject) identity = make_identity (name, person);
      g_autoptr(GPtrArray) result = srv_demo_dedup_find (dedup, identity, SRV_DEMO_DEDUP_THRESHOLD, &error);

      if (result == NULL)
        g_error ("find: %s", error->message);
      candidates += result->len;
      for (guint c = 0; c < result->len; c++)
        if (g_str_equal (((SrvDemoCandidate *) g_ptr_array_index (result, c))->reference_id, reference))
          found++;
    }
  elapsed = g_get_monotonic_time () - start;
  cpu = thread_cpu_seconds () - cpu_start;
  g_print ("demo-dedup find: %u lookups on %u identities: %.0f us per lookup (%.0f us CPU), "
           "%.1f%% of respelled people found, %.2f candidates per lookup\n",
           n_lookups, n_identities, (double) elapsed / n_lookups, cpu * 1e6 / n_lookups,
           100.0 * found / n_lookups, (double) candidates / n_lookups);

  srv_database_close (database, NULL);
  g_clear_object (&database);
  remove_database (dir, path);
  return 0;
}
