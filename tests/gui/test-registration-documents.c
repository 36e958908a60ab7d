/* test-registration-documents.c — the document types the documents step
 * offers for the resident's age group
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The step is built from the default UI spec and master data shaped as
 * the server's sync delivers it (the demo country's categories, types and
 * applicantValidDocument rows, plus an inactive type and an inactive
 * row).  An adult, a minor and an infant are each offered their own
 * types only; a category with none for the resident says why, accessibly,
 * and gives no type at all, never the category code.  A choice survives an
 * age change while it stays valid, and a file held for a category that
 * becomes invalid is left out of the summary.
 */

#include "config.h"

#include "gui-test-util.h"
#include "reg-documents-step.h"
#include "reg-test-flow.h"

#include <glib/gstdio.h>

#define WAIT_SECONDS 10

static IdemUiSpec *ui_spec;
static JsonObject *master_data;

static void
add_row (const char *type,
         JsonObject *row)
{
  if (!json_object_has_member (master_data, type))
    json_object_set_array_member (master_data, type, json_array_new ());
  json_array_add_object_element (json_object_get_array_member (master_data, type), row);
}

static void
add_document_type (const char *code,
                   const char *category,
                   const char *english,
                   const char *french,
                   gboolean    active)
{
  JsonObject *row = json_object_new ();
  JsonObject *names = json_object_new ();
  JsonObject *attributes = json_object_new ();

  json_object_set_string_member (names, "eng", english);
  json_object_set_string_member (names, "fra", french);
  json_object_set_string_member (attributes, "category", category);
  json_object_set_string_member (row, "type", "documentType");
  json_object_set_string_member (row, "code", code);
  json_object_set_object_member (row, "names", names);
  json_object_set_object_member (row, "attributes", attributes);
  json_object_set_boolean_member (row, "active", active);
  add_row ("documentType", row);
}

static void
add_valid (const char *applicant,
           const char *category,
           const char *type,
           gboolean    active)
{
  JsonObject *row = json_object_new ();

  json_object_set_string_member (row, "applicantType", applicant);
  json_object_set_string_member (row, "documentCategory", category);
  json_object_set_string_member (row, "documentType", type);
  json_object_set_boolean_member (row, "active", active);
  add_row ("applicantValidDocument", row);
}

static void
make_master_data (void)
{
  master_data = json_object_new ();
  add_document_type ("PASSPORT", "POI", "Passport", "Passeport", TRUE);
  add_document_type ("DRIVING_LICENCE", "POI", "Driving licence", "Permis de conduire", TRUE);
  add_document_type ("OLD_ID_CARD", "POI", "Old identity card", "Ancienne carte d’identité", FALSE);
  add_document_type ("UTILITY_BILL", "POA", "Utility bill", "Facture de services publics", TRUE);
  add_document_type ("LEASE", "POA", "Lease", "Bail", TRUE);
  add_document_type ("BIRTH_CERTIFICATE", "POB", "Birth certificate", "Acte de naissance", TRUE);
  add_document_type ("FAMILY_RECORD", "POR", "Family record book", "Livret de famille", TRUE);
  add_document_type ("MEDICAL_CERTIFICATE", "POE", "Medical certificate", "Certificat médical", TRUE);

  add_valid ("ADULT", "POI", "PASSPORT", TRUE);
  add_valid ("ADULT", "POI", "DRIVING_LICENCE", TRUE);
  add_valid ("ADULT", "POI", "OLD_ID_CARD", TRUE);
  add_valid ("ADULT", "POA", "UTILITY_BILL", TRUE);
  add_valid ("ADULT", "POA", "LEASE", TRUE);
  add_valid ("ADULT", "POR", "FAMILY_RECORD", FALSE);
  add_valid ("ADULT", "POE", "MEDICAL_CERTIFICATE", TRUE);
  add_valid ("MINOR", "POI", "PASSPORT", TRUE);
  add_valid ("MINOR", "POA", "UTILITY_BILL", TRUE);
  add_valid ("MINOR", "POA", "LEASE", TRUE);
  add_valid ("MINOR", "POB", "BIRTH_CERTIFICATE", TRUE);
  add_valid ("MINOR", "POR", "FAMILY_RECORD", TRUE);
  add_valid ("MINOR", "POE", "MEDICAL_CERTIFICATE", TRUE);
  add_valid ("INFANT", "POA", "UTILITY_BILL", TRUE);
  add_valid ("INFANT", "POA", "LEASE", TRUE);
  add_valid ("INFANT", "POB", "BIRTH_CERTIFICATE", TRUE);
  add_valid ("INFANT", "POR", "FAMILY_RECORD", TRUE);
  add_valid ("INFANT", "POE", "MEDICAL_CERTIFICATE", TRUE);
}

/* Asserts that @field offers exactly @codes (NULL-terminated), and, when
 * it offers none, that it says why and gives no type. */
static void
assert_offered (RegDocumentsStep *step,
                const char       *field,
                ...)
{
  g_auto(GStrv) offered = reg_documents_step_dup_type_codes (step, field);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) expected = NULL;
  const char *code;
  va_list args;

  va_start (args, field);
  while ((code = va_arg (args, const char *)) != NULL)
    g_strv_builder_add (builder, code);
  va_end (args);
  expected = g_strv_builder_end (builder);

  g_assert_nonnull (offered);
  if (!g_strv_equal ((const char * const *) offered, (const char * const *) expected))
    {
      g_autofree char *got = g_strjoinv (", ", offered);
      g_autofree char *wanted = g_strjoinv (", ", expected);

      g_error ("%s offers [%s], not [%s]", field, got, wanted);
    }

  if (expected[0] == NULL)
    {
      g_assert_nonnull (reg_documents_step_get_notice (step, field));
      g_assert_null (reg_documents_step_get_document_type (step, field));
    }
  else
    {
      g_assert_null (reg_documents_step_get_notice (step, field));
      g_assert_true (g_strv_contains ((const char * const *) expected,
                                      reg_documents_step_get_document_type (step, field)));
    }
}

static GtkWidget *
make_step (GtkWindow        **window,
           const char        *language,
           RegMasterDataFunc  master_data_func)
{
  GtkWidget *step = reg_documents_step_new (ui_spec, language, master_data_func, master_data);

  *window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_child (*window, step);
  gtk_window_set_default_size (*window, 600, 900);
  gtk_window_present (*window);

  return step;
}

static void
test_adult (void)
{
  GtkWindow *window;
  RegDocumentsStep *step = REG_DOCUMENTS_STEP (make_step (&window, "eng", reg_test_master_data_cb));

  g_assert_cmpuint (reg_documents_step_get_n_fields (step), ==, 5);
  reg_documents_step_set_age (step, 34);
  /* The inactive type, and the inactive row, are not offered. */
  assert_offered (step, "proofOfIdentity", "PASSPORT", "DRIVING_LICENCE", NULL);
  assert_offered (step, "proofOfAddress", "UTILITY_BILL", "LEASE", NULL);
  assert_offered (step, "proofOfDateOfBirth", NULL);
  assert_offered (step, "proofOfRelationship", NULL);
  assert_offered (step, "proofOfException", "MEDICAL_CERTIFICATE", NULL);
  g_assert_cmpstr (reg_documents_step_get_notice (step, "proofOfDateOfBirth"), ==,
                   "No document of this kind is accepted for an adult.");
  g_assert_null (reg_documents_step_dup_type_codes (step, "proofOfNothing"));

  /* The notice is on screen, and describes the disabled rows to a screen
   * reader. */
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  gui_test_assert_label (GTK_WIDGET (window), "No document of this kind is accepted for an adult.");
  gui_test_assert_accessible (GTK_WIDGET (window));
  gui_test_save_screenshot (GTK_WIDGET (window), "registration-documents-adult");

  gtk_window_destroy (window);
}

static void
test_minor_and_infant (void)
{
  GtkWindow *window;
  RegDocumentsStep *step = REG_DOCUMENTS_STEP (make_step (&window, "eng", reg_test_master_data_cb));
  GtkWidget *identity_row;

  reg_documents_step_set_age (step, 12);
  assert_offered (step, "proofOfIdentity", "PASSPORT", NULL);
  assert_offered (step, "proofOfDateOfBirth", "BIRTH_CERTIFICATE", NULL);
  assert_offered (step, "proofOfRelationship", "FAMILY_RECORD", NULL);

  /* 17 is still a minor, 18 an adult, 4 an infant: the server's groups. */
  reg_documents_step_set_age (step, 17);
  assert_offered (step, "proofOfIdentity", "PASSPORT", NULL);
  reg_documents_step_set_age (step, 18);
  assert_offered (step, "proofOfDateOfBirth", NULL);

  reg_documents_step_set_age (step, 4);
  assert_offered (step, "proofOfIdentity", NULL);
  assert_offered (step, "proofOfAddress", "UTILITY_BILL", "LEASE", NULL);
  assert_offered (step, "proofOfDateOfBirth", "BIRTH_CERTIFICATE", NULL);
  assert_offered (step, "proofOfRelationship", "FAMILY_RECORD", NULL);
  assert_offered (step, "proofOfException", "MEDICAL_CERTIFICATE", NULL);
  g_assert_cmpstr (reg_documents_step_get_notice (step, "proofOfIdentity"), ==,
                   "No document of this kind is accepted for a child under 5.");

  /* The first combo row is the proof of identity's: it cannot be used,
   * and points at the reason. */
  gui_test_wait_frames (GTK_WIDGET (window), 2);
  identity_row = gui_test_find_widget (GTK_WIDGET (window), ADW_TYPE_COMBO_ROW);
  g_assert_nonnull (identity_row);
  g_assert_false (gtk_widget_get_sensitive (identity_row));
  g_assert_true (gtk_test_accessible_has_relation (GTK_ACCESSIBLE (identity_row), GTK_ACCESSIBLE_RELATION_DESCRIBED_BY));
  gui_test_assert_label (GTK_WIDGET (window), "No document of this kind is accepted for a child under 5.");
  gui_test_save_screenshot (GTK_WIDGET (window), "registration-documents-infant");

  gtk_window_destroy (window);
}

static gboolean
wait_idle (RegDocumentsStep *step)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;

  while (reg_documents_step_get_busy (step))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }

  return TRUE;
}

static gboolean
summary_has (GPtrArray  *summary,
             const char *label)
{
  for (guint i = 0; i + 1 < summary->len; i += 2)
    if (g_str_equal (g_ptr_array_index (summary, i), label))
      return TRUE;

  return FALSE;
}

static void
test_age_change (void)
{
  GtkWindow *window;
  RegDocumentsStep *step = REG_DOCUMENTS_STEP (make_step (&window, "eng", reg_test_master_data_cb));
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GPtrArray) adult_summary = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) infant_summary = g_ptr_array_new_with_free_func (g_free);
  int fd;

  reg_documents_step_set_age (step, 40);
  g_assert_true (reg_documents_step_select_type (step, "proofOfAddress", "LEASE"));
  g_assert_true (reg_documents_step_select_type (step, "proofOfIdentity", "DRIVING_LICENCE"));
  /* Only offered types can be chosen: not a category, not another's type. */
  g_assert_false (reg_documents_step_select_type (step, "proofOfIdentity", "POI"));
  g_assert_false (reg_documents_step_select_type (step, "proofOfIdentity", "LEASE"));
  g_assert_cmpstr (reg_documents_step_get_document_type (step, "proofOfIdentity"), ==, "DRIVING_LICENCE");

  fd = g_file_open_tmp ("idem-document-XXXXXX.pdf", &path, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, "%PDF-1.4\n%%EOF\n", -1, NULL));
  close (fd);
  file = g_file_new_for_path (path);
  reg_documents_step_load_file (step, "proofOfIdentity", file);
  g_assert_true (wait_idle (step));
  g_assert_null (reg_documents_step_get_error (step, "proofOfIdentity"));
  g_assert_true (reg_documents_step_has_file (step, "proofOfIdentity"));
  reg_documents_step_add_summary (step, adult_summary);
  g_assert_true (summary_has (adult_summary, "Proof of identity"));

  /* A baby after all: the lease is still a valid proof of address and
   * stays chosen; the proof of identity has no valid type, so its file is
   * neither summarised nor sent, and the step still validates. */
  reg_documents_step_set_age (step, 1);
  g_assert_cmpstr (reg_documents_step_get_document_type (step, "proofOfAddress"), ==, "LEASE");
  g_assert_null (reg_documents_step_get_document_type (step, "proofOfIdentity"));
  reg_documents_step_add_summary (step, infant_summary);
  g_assert_false (summary_has (infant_summary, "Proof of identity"));
  g_assert_true (reg_documents_step_validate (step));

  /* A minor: the driving licence is not valid, the passport is. */
  reg_documents_step_set_age (step, 15);
  g_assert_cmpstr (reg_documents_step_get_document_type (step, "proofOfIdentity"), ==, "PASSPORT");
  g_assert_cmpstr (reg_documents_step_get_document_type (step, "proofOfAddress"), ==, "LEASE");

  g_unlink (path);
  gtk_window_destroy (window);
}

/* An update that leaves the date of birth alone: the types valid for some
 * age group are offered, and the server decides. */
static void
test_unknown_age (void)
{
  GtkWindow *window;
  RegDocumentsStep *step = REG_DOCUMENTS_STEP (make_step (&window, "eng", reg_test_master_data_cb));

  reg_documents_step_set_age (step, 30);
  reg_documents_step_set_age (step, -1);
  assert_offered (step, "proofOfIdentity", "PASSPORT", "DRIVING_LICENCE", NULL);
  assert_offered (step, "proofOfDateOfBirth", "BIRTH_CERTIFICATE", NULL);
  assert_offered (step, "proofOfRelationship", "FAMILY_RECORD", NULL);

  gtk_window_destroy (window);
}

/* Before the first sync there is nothing to offer, and the notice says what
 * to do. */
static void
test_no_master_data (void)
{
  GtkWindow *window;
  RegDocumentsStep *step = REG_DOCUMENTS_STEP (make_step (&window, "fra", NULL));

  reg_documents_step_set_age (step, 30);
  assert_offered (step, "proofOfAddress", NULL);
  reg_documents_step_set_age (step, -1);
  assert_offered (step, "proofOfAddress", NULL);
  g_assert_nonnull (strstr (reg_documents_step_get_notice (step, "proofOfAddress"), "Synchronise"));
  g_assert_true (reg_documents_step_validate (step));

  gtk_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  gui_test_init (&argc, &argv);

  ui_spec = reg_test_load_ui_spec ();
  make_master_data ();

  g_test_add_func ("/registration/documents/adult", test_adult);
  g_test_add_func ("/registration/documents/minor-and-infant", test_minor_and_infant);
  g_test_add_func ("/registration/documents/age-change", test_age_change);
  g_test_add_func ("/registration/documents/unknown-age", test_unknown_age);
  g_test_add_func ("/registration/documents/no-master-data", test_no_master_data);

  status = g_test_run ();

  json_object_unref (master_data);
  g_object_unref (ui_spec);

  return status;
}
