/* reg-login-page.h
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "idem-ui.h"
#include "reg-machine.h"

G_BEGIN_DECLS

#define REG_TYPE_LOGIN_PAGE (reg_login_page_get_type ())

G_DECLARE_FINAL_TYPE (RegLoginPage, reg_login_page, REG, LOGIN_PAGE, AdwBin)

RegLoginPage *reg_login_page_new         (void);
void          reg_login_page_reload      (RegLoginPage *self);
const char   *reg_login_page_get_user_id (RegLoginPage *self);
void          reg_login_page_set_user_id (RegLoginPage *self,
                                          const char   *user_id);
void          reg_login_page_set_machine (RegLoginPage *self,
                                          RegMachine   *machine);
gboolean      reg_login_page_get_busy    (RegLoginPage *self);

G_END_DECLS
