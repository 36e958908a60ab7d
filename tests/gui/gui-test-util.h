/* gui-test-util.h — helpers shared by the application tests
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "idem-ui.h"

G_BEGIN_DECLS

void       gui_test_init                    (int              *argc,
                                             char           ***argv);
GtkWindow *gui_test_start_application       (GApplication     *application);
void       gui_test_wait_frames             (GtkWidget        *widget,
                                             guint             n_frames);
void       gui_test_set_language            (GtkWidget        *widget,
                                             const char       *code);
GtkWidget *gui_test_find_label              (GtkWidget        *root,
                                             const char       *text);
GtkWidget *gui_test_find_widget             (GtkWidget        *root,
                                             GType             type);
void       gui_test_assert_label            (GtkWidget        *root,
                                             const char       *text);
void       gui_test_wait_for_label          (GtkWidget        *root,
                                             const char       *text);
void       gui_test_assert_direction        (GtkWidget        *root,
                                             GtkTextDirection  direction);
void       gui_test_assert_accessible       (GtkWidget        *root);
void       gui_test_save_screenshot         (GtkWidget        *window,
                                             const char       *name);

G_END_DECLS
