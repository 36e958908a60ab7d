/* reg-idle-logout.h
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "idem-ui.h"

G_BEGIN_DECLS

#define REG_TYPE_IDLE_LOGOUT (reg_idle_logout_get_type ())

G_DECLARE_FINAL_TYPE (RegIdleLogout, reg_idle_logout, REG, IDLE_LOGOUT, GObject)

RegIdleLogout *reg_idle_logout_new         (GtkWidget     *watched,
                                            GSettings     *settings);
void           reg_idle_logout_start       (RegIdleLogout *self);
void           reg_idle_logout_stop        (RegIdleLogout *self);
gboolean       reg_idle_logout_is_running  (RegIdleLogout *self);
void           reg_idle_logout_poke        (RegIdleLogout *self);

G_END_DECLS
