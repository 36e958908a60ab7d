/* reg-fingers-step.h — guided capture of the resident's fingers
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "idem-ui.h"
#include "reg-packet-builder.h"

G_BEGIN_DECLS

/* Fewer minutiae than this and NBIS found too little of the finger. */
#define REG_FINGER_MIN_MINUTIAE 12

#define REG_TYPE_FINGERS_STEP (reg_fingers_step_get_type ())

G_DECLARE_FINAL_TYPE (RegFingersStep, reg_fingers_step, REG, FINGERS_STEP, AdwBin)

GtkWidget  *reg_fingers_step_new                (IdemFingerprintReader      *reader,
                                                 IdemCamera                 *camera,
                                                 const char * const         *attributes,
                                                 IdemFingerTemplate * const *operator_fingers,
                                                 guint                       n_operator_fingers);
guint       reg_fingers_step_get_current        (RegFingersStep             *self);
const char *reg_fingers_step_get_status         (RegFingersStep             *self);
gboolean    reg_fingers_step_get_busy           (RegFingersStep             *self);
gboolean    reg_fingers_step_is_captured        (RegFingersStep             *self,
                                                 guint                       position);
gboolean    reg_fingers_step_is_complete        (RegFingersStep             *self);
guint       reg_fingers_step_get_n_captured     (RegFingersStep             *self);
guint       reg_fingers_step_get_n_missing      (RegFingersStep             *self);
void        reg_fingers_step_collect            (RegFingersStep             *self,
                                                 RegPacketBuilder           *builder);
void        reg_fingers_step_set_introducer     (RegFingersStep             *self);
gboolean    reg_fingers_step_get_introducer     (RegFingersStep             *self);

G_END_DECLS
