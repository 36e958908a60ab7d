/* reg-documents-step.h — the resident's supporting documents
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "idem-ui.h"
#include "reg-demographics-step.h"
#include "reg-packet-builder.h"

G_BEGIN_DECLS

/* Larger files are refused: a phone photo of a page is well under this. */
#define REG_DOCUMENT_MAX_SIZE (5 * 1024 * 1024)

#define REG_TYPE_DOCUMENTS_STEP (reg_documents_step_get_type ())

G_DECLARE_FINAL_TYPE (RegDocumentsStep, reg_documents_step, REG, DOCUMENTS_STEP, AdwBin)

GtkWidget  *reg_documents_step_new               (IdemUiSpec         *ui_spec,
                                                  const char         *language,
                                                  RegMasterDataFunc   master_data,
                                                  gpointer            user_data);
guint       reg_documents_step_get_n_fields      (RegDocumentsStep   *self);
void        reg_documents_step_set_age           (RegDocumentsStep   *self,
                                                  int                 age);
char      **reg_documents_step_dup_type_codes    (RegDocumentsStep   *self,
                                                  const char         *field);
gboolean    reg_documents_step_select_type       (RegDocumentsStep   *self,
                                                  const char         *field,
                                                  const char         *code);
const char *reg_documents_step_get_document_type (RegDocumentsStep   *self,
                                                  const char         *field);
const char *reg_documents_step_get_notice        (RegDocumentsStep   *self,
                                                  const char         *field);
void        reg_documents_step_load_file         (RegDocumentsStep   *self,
                                                  const char         *field,
                                                  GFile              *file);
gboolean    reg_documents_step_get_busy          (RegDocumentsStep   *self);
const char *reg_documents_step_get_error         (RegDocumentsStep   *self,
                                                  const char         *field);
gboolean    reg_documents_step_has_file          (RegDocumentsStep   *self,
                                                  const char         *field);
gboolean    reg_documents_step_validate          (RegDocumentsStep   *self);
void        reg_documents_step_collect           (RegDocumentsStep   *self,
                                                  RegPacketBuilder   *builder);
void        reg_documents_step_add_summary       (RegDocumentsStep   *self,
                                                  GPtrArray          *summary);

G_END_DECLS
