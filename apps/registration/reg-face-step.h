/* reg-face-step.h — the resident's face photo from the camera
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "idem-ui.h"

G_BEGIN_DECLS

#define REG_TYPE_FACE_STEP (reg_face_step_get_type ())

G_DECLARE_FINAL_TYPE (RegFaceStep, reg_face_step, REG, FACE_STEP, AdwBin)

GtkWidget      *reg_face_step_new          (IdemCamera  *camera);
IdemVideoFrame *reg_face_step_get_photo    (RegFaceStep *self);
const char     *reg_face_step_get_status   (RegFaceStep *self);
gboolean        reg_face_step_get_starting (RegFaceStep *self);
gboolean        reg_face_step_get_busy     (RegFaceStep *self);

G_END_DECLS
