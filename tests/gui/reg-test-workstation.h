/* reg-test-workstation.h — a registration workstation for the tests: its
 * machine and sync, its window, signing in and out
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "reg-application.h"
#include "reg-machine.h"
#include "reg-store.h"

G_BEGIN_DECLS

GSettings  *reg_test_settings          (void);
GtkWindow  *reg_test_start_workstation (const char      *store_dir,
                                        const char      *server_url,
                                        RegApplication **app);
RegMachine *reg_test_machine_new       (const char      *name_template,
                                        char           **directory);
void        reg_test_apply_sync        (RegMachine      *machine,
                                        const char      *users,
                                        const char      *master_data);
void        reg_test_add_sealed_packet (RegStore        *store,
                                        const char      *rid,
                                        const char      *name,
                                        const char      *date_of_birth);
void        reg_test_sign_in           (GtkWindow       *window,
                                        const char      *user_id,
                                        const char      *password);
void        reg_test_sign_out          (GtkWindow       *window);

G_END_DECLS
