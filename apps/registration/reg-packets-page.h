/* reg-packets-page.h — the registrations made at this workstation
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "idem-ui.h"
#include "reg-machine.h"

G_BEGIN_DECLS

#define REG_TYPE_PACKETS_PAGE (reg_packets_page_get_type ())

G_DECLARE_FINAL_TYPE (RegPacketsPage, reg_packets_page, REG, PACKETS_PAGE, AdwBin)

RegPacketsPage *reg_packets_page_new           (RegMachine     *machine);
void            reg_packets_page_reload        (RegPacketsPage *self);
guint           reg_packets_page_get_n_packets (RegPacketsPage *self);
const char     *reg_packets_page_get_uin_text  (RegPacketsPage *self,
                                                const char     *rid);

G_END_DECLS
