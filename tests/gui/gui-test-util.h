/* gui-test-util.h — helpers shared by the application tests
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "idem-ui.h"

G_BEGIN_DECLS

typedef gboolean (*GuiTestCondition) (gpointer data);

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
void       gui_test_wait_until              (GuiTestCondition  condition,
                                             gpointer          data,
                                             const char       *what);
void       gui_test_wait_step               (gint64            deadline,
                                             const char       *what);
void       gui_test_remove_tree             (const char       *path);
void       gui_test_activate                (GtkWidget        *widget,
                                             const char       *action,
                                             GVariant         *parameter);

/**
 * GUI_TEST_WAIT_UNTIL:
 * @condition: an expression
 *
 * Runs the main loop until @condition holds, and fails the test after a
 * minute: long enough for work that crosses a server and its pipeline
 * under AddressSanitizer, short of the test's own time limit.
 */
#define GUI_TEST_WAIT_UNTIL(condition) \
  G_STMT_START { \
    gint64 gui_test_deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC; \
    while (!(condition)) \
      gui_test_wait_step (gui_test_deadline, #condition); \
  } G_STMT_END

G_END_DECLS
