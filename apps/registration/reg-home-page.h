/* reg-home-page.h
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "idem-ui.h"
#include "reg-machine.h"
#include "reg-sync.h"

G_BEGIN_DECLS

/**
 * RegServerState:
 * @REG_SERVER_STATE_UNKNOWN: not tried since the application started
 * @REG_SERVER_STATE_REACHABLE: the last request reached the server
 * @REG_SERVER_STATE_UNREACHABLE: the last request did not
 *
 * What the workstation knows of its server.
 */
typedef enum
{
  REG_SERVER_STATE_UNKNOWN = 0,
  REG_SERVER_STATE_REACHABLE = 1,
  REG_SERVER_STATE_UNREACHABLE = 2,
} RegServerState;

#define REG_TYPE_HOME_PAGE (reg_home_page_get_type ())

G_DECLARE_FINAL_TYPE (RegHomePage, reg_home_page, REG, HOME_PAGE, AdwBin)

RegHomePage *reg_home_page_new              (RegMachine     *machine,
                                             RegSync        *sync,
                                             const char     *user_id);
void         reg_home_page_refresh          (RegHomePage    *self);
void         reg_home_page_set_server_state (RegHomePage    *self,
                                             RegServerState  state);
void         reg_home_page_export_to        (RegHomePage    *self,
                                             GFile          *folder);
gboolean     reg_home_page_get_busy         (RegHomePage    *self);
void         reg_home_page_show_message     (RegHomePage    *self,
                                             const char     *message,
                                             gboolean        is_error);

G_END_DECLS
