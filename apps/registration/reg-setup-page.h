/* reg-setup-page.h
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "idem-ui.h"

G_BEGIN_DECLS

#define REG_TYPE_SETUP_PAGE (reg_setup_page_get_type ())

G_DECLARE_FINAL_TYPE (RegSetupPage, reg_setup_page, REG, SETUP_PAGE, AdwBin)

RegSetupPage *reg_setup_page_new         (void);
const char   *reg_setup_page_get_address (RegSetupPage *self);
void          reg_setup_page_set_address (RegSetupPage *self,
                                          const char   *address);

G_END_DECLS
