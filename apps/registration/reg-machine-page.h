/* reg-machine-page.h
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "idem-ui.h"
#include "reg-machine.h"
#include "reg-sync.h"

G_BEGIN_DECLS

#define REG_TYPE_MACHINE_PAGE (reg_machine_page_get_type ())

G_DECLARE_FINAL_TYPE (RegMachinePage, reg_machine_page, REG, MACHINE_PAGE, AdwBin)

RegMachinePage *reg_machine_page_new            (RegMachine     *machine);
gboolean        reg_machine_page_get_generating (RegMachinePage *self);
void            reg_machine_page_set_machine_id (RegMachinePage *self,
                                                 const char     *machine_id);
void            reg_machine_page_set_sync       (RegMachinePage *self,
                                                 RegSync        *sync);
gboolean        reg_machine_page_get_checking   (RegMachinePage *self);

G_END_DECLS
