/* reg-preview-step.h — everything collected, and the operator's password to seal it
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "idem-ui.h"

G_BEGIN_DECLS

#define REG_TYPE_PREVIEW_STEP (reg_preview_step_get_type ())

G_DECLARE_FINAL_TYPE (RegPreviewStep, reg_preview_step, REG, PREVIEW_STEP, AdwBin)

GtkWidget  *reg_preview_step_new          (void);
void        reg_preview_step_show         (RegPreviewStep *self,
                                           GPtrArray      *summary,
                                           IdemVideoFrame *photo);
const char *reg_preview_step_get_password (RegPreviewStep *self);
void        reg_preview_step_set_password (RegPreviewStep *self,
                                           const char     *password);
void        reg_preview_step_show_error   (RegPreviewStep *self,
                                           const char     *message);

G_END_DECLS
