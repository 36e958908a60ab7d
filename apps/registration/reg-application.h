/* reg-application.h
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "idem-ui.h"
#include "reg-machine.h"
#include "reg-sync.h"

G_BEGIN_DECLS

#define REG_APPLICATION_ID "org.idem.Registration"

#define REG_TYPE_APPLICATION (reg_application_get_type ())

G_DECLARE_FINAL_TYPE (RegApplication, reg_application, REG, APPLICATION, IdemApplication)

RegApplication *reg_application_new         (void);
RegMachine     *reg_application_get_machine (RegApplication  *self,
                                             GError         **error);
RegSync        *reg_application_get_sync    (RegApplication  *self);

G_END_DECLS
