/* kiosk-login-page.h
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "idem-ui.h"

G_BEGIN_DECLS

#define KIOSK_TYPE_LOGIN_PAGE (kiosk_login_page_get_type ())

G_DECLARE_FINAL_TYPE (KioskLoginPage, kiosk_login_page, KIOSK, LOGIN_PAGE, AdwBin)

KioskLoginPage *kiosk_login_page_new               (void);
const char     *kiosk_login_page_get_individual_id (KioskLoginPage *self);
void            kiosk_login_page_set_individual_id (KioskLoginPage *self,
                                                    const char     *individual_id);

G_END_DECLS
