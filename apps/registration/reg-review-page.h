/* reg-review-page.h
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "idem-ui.h"
#include "reg-machine.h"

G_BEGIN_DECLS

#define REG_TYPE_REVIEW_PAGE (reg_review_page_get_type ())

G_DECLARE_FINAL_TYPE (RegReviewPage, reg_review_page, REG, REVIEW_PAGE, AdwBin)

RegReviewPage *reg_review_page_new                 (RegMachine    *machine,
                                                    const char    *user_id);
void           reg_review_page_reload              (RegReviewPage *self);
guint          reg_review_page_get_n_pending       (RegReviewPage *self);
gboolean       reg_review_page_select              (RegReviewPage *self,
                                                    const char    *rid);
const char    *reg_review_page_get_selected        (RegReviewPage *self);
gboolean       reg_review_page_set_reason          (RegReviewPage *self,
                                                    const char    *code);
gboolean       reg_review_page_get_busy            (RegReviewPage *self);
gboolean       reg_review_page_get_use_fingerprint (RegReviewPage *self);
void           reg_review_page_set_use_fingerprint (RegReviewPage *self,
                                                    gboolean       use_fingerprint);

G_END_DECLS
