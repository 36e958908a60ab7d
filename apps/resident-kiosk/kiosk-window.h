/* kiosk-window.h
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "kiosk-application.h"

G_BEGIN_DECLS

#define KIOSK_TYPE_WINDOW (kiosk_window_get_type ())

G_DECLARE_FINAL_TYPE (KioskWindow, kiosk_window, KIOSK, WINDOW, AdwApplicationWindow)

KioskWindow *kiosk_window_new         (KioskApplication *application);
void         kiosk_window_retranslate (KioskWindow      *self);
GtkWidget   *kiosk_window_get_page    (KioskWindow      *self);

G_END_DECLS
