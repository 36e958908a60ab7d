/* reg-window.h
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "reg-application.h"

G_BEGIN_DECLS

#define REG_TYPE_WINDOW (reg_window_get_type ())

G_DECLARE_FINAL_TYPE (RegWindow, reg_window, REG, WINDOW, AdwApplicationWindow)

RegWindow  *reg_window_new              (RegApplication *application);
void        reg_window_retranslate      (RegWindow      *self);
GtkWidget  *reg_window_get_page         (RegWindow      *self);
const char *reg_window_get_user_id      (RegWindow      *self);
const char *reg_window_get_idle_message (RegWindow      *self);
GtkWidget  *reg_window_get_flow         (RegWindow      *self);

G_END_DECLS
