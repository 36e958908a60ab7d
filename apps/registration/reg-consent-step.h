/* reg-consent-step.h — the resident's consent, first step of a registration
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "idem-ui.h"

G_BEGIN_DECLS

#define REG_TYPE_CONSENT_STEP (reg_consent_step_get_type ())

G_DECLARE_FINAL_TYPE (RegConsentStep, reg_consent_step, REG, CONSENT_STEP, AdwBin)

GtkWidget *reg_consent_step_new          (const char     *text);
gboolean   reg_consent_step_get_accepted (RegConsentStep *self);
void       reg_consent_step_set_accepted (RegConsentStep *self,
                                          gboolean        accepted);

G_END_DECLS
