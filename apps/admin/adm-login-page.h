/* adm-login-page.h
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "idem-ui.h"

G_BEGIN_DECLS

#define ADM_TYPE_LOGIN_PAGE (adm_login_page_get_type ())

G_DECLARE_FINAL_TYPE (AdmLoginPage, adm_login_page, ADM, LOGIN_PAGE, AdwBin)

AdmLoginPage *adm_login_page_new           (void);
const char   *adm_login_page_get_address   (AdmLoginPage *self);
void          adm_login_page_set_address   (AdmLoginPage *self,
                                            const char   *address);
const char   *adm_login_page_get_user_name (AdmLoginPage *self);
void          adm_login_page_set_user_name (AdmLoginPage *self,
                                            const char   *user_name);

G_END_DECLS
