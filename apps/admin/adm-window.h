/* adm-window.h
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "adm-application.h"

G_BEGIN_DECLS

#define ADM_TYPE_WINDOW (adm_window_get_type ())

G_DECLARE_FINAL_TYPE (AdmWindow, adm_window, ADM, WINDOW, AdwApplicationWindow)

AdmWindow *adm_window_new         (AdmApplication *application);
void       adm_window_retranslate (AdmWindow      *self);
GtkWidget *adm_window_get_page    (AdmWindow      *self);

G_END_DECLS
