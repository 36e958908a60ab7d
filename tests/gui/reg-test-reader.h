/* reg-test-reader.h — libfprint's virtual image reader, pressed with
 * synthetic fingers, for the registration client's tests
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "hw-test-util.h"
#include "reg-fingers-step.h"
#include "synthetic-finger.h"

G_BEGIN_DECLS

const char *reg_test_init_with_reader    (int              *argc,
                                          char           ***argv);
void        reg_test_reader_shutdown     (void);
guint8     *reg_test_impression          (SyntheticFinger  *finger,
                                          guint32           seed);
char       *reg_test_enrolled_template   (SyntheticFinger  *finger);
void        reg_test_capture_finger      (RegFingersStep   *fingers,
                                          HwImageFeeder   **feeder,
                                          const guint8     *pixels);
void        reg_test_sign_in_with_finger (GtkWindow        *window,
                                          const char       *user_id,
                                          const guint8     *pixels);

G_END_DECLS
