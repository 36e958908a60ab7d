/* kiosk-welcome-page.h
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "idem-ui.h"

G_BEGIN_DECLS

#define KIOSK_TYPE_WELCOME_PAGE (kiosk_welcome_page_get_type ())

G_DECLARE_FINAL_TYPE (KioskWelcomePage, kiosk_welcome_page, KIOSK, WELCOME_PAGE, AdwBin)

KioskWelcomePage *kiosk_welcome_page_new (void);

G_END_DECLS
