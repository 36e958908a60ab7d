/* kiosk-application.h
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "idem-ui.h"

G_BEGIN_DECLS

#define KIOSK_APPLICATION_ID "org.idem.ResidentKiosk"

#define KIOSK_TYPE_APPLICATION (kiosk_application_get_type ())

G_DECLARE_FINAL_TYPE (KioskApplication, kiosk_application, KIOSK, APPLICATION, IdemApplication)

KioskApplication *kiosk_application_new (void);

G_END_DECLS
