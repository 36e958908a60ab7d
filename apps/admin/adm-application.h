/* adm-application.h
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "idem-ui.h"

G_BEGIN_DECLS

#define ADM_APPLICATION_ID "org.idem.Admin"

#define ADM_TYPE_APPLICATION (adm_application_get_type ())

G_DECLARE_FINAL_TYPE (AdmApplication, adm_application, ADM, APPLICATION, IdemApplication)

AdmApplication *adm_application_new (void);

G_END_DECLS
