/* srv-demo-country.h — `idem-server init --demo`: a fictional country to try Idem on
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "srv-config.h"
#include "srv-database.h"

G_BEGIN_DECLS

/* In the data directory: the demo users' passwords, and the private keys
 * of the demo machines that tests and the registration client act as. */
#define SRV_DEMO_CREDENTIALS_FILE "demo-credentials.txt"
#define SRV_DEMO_MACHINES_DIR     "demo-machines"
#define SRV_DEMO_MACHINE_KEY_FILE "demo-machine-key.pem"

gboolean srv_demo_country_seed        (SrvConfig    *config,
                                       SrvDatabase  *database,
                                       GError      **error);
void     srv_demo_country_print_login (SrvConfig    *config);

G_END_DECLS
