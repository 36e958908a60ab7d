/* hw-test-util.h — waiting with a deadline, and feeding libfprint's virtual
 * devices from the test process
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* No wait in the hw suite may take longer than this: a missed event fails
 * the test instead of hanging it. */
#define HW_TEST_TIMEOUT_SECONDS 15

void          hw_test_init              (int              *argc,
                                         char           ***argv);
char         *hw_test_make_socket_dir   (void);
void          hw_test_remove_socket_dir (const char       *dir);
void          hw_test_wait_for          (const gboolean   *done,
                                         const char       *what);
void          hw_test_store_result_cb   (GObject          *source,
                                         GAsyncResult     *result,
                                         gpointer          user_data);
GAsyncResult *hw_test_wait_result       (GAsyncResult    **slot,
                                         const char       *what);
void          hw_test_iterate           (guint             milliseconds);

/* The virtual_device driver reads one text command per connection, and
 * drops a connection when a new one arrives, so commands go one at a time:
 * the next connects only when the driver has closed the previous one. */
typedef struct _HwCommandFeeder HwCommandFeeder;

HwCommandFeeder *hw_command_feeder_new         (const char       *socket_path);
void             hw_command_feeder_free        (HwCommandFeeder  *self);
void             hw_command_feeder_push        (HwCommandFeeder  *self,
                                                const char       *command);
void             hw_command_feeder_wait_idle   (HwCommandFeeder  *self);

/* The virtual_image driver reads a stream on one connection: two native
 * int32 (width, height) then width × height grey bytes, or a negative width
 * as a command. */
typedef struct _HwImageFeeder HwImageFeeder;

HwImageFeeder   *hw_image_feeder_new           (const char       *socket_path);
void             hw_image_feeder_free          (HwImageFeeder    *self);
void             hw_image_feeder_send_image    (HwImageFeeder    *self,
                                                const guint8     *grey,
                                                guint             width,
                                                guint             height);
void             hw_image_feeder_send_command  (HwImageFeeder    *self,
                                                gint32            command,
                                                gint32            argument);
void             hw_image_feeder_wait_idle     (HwImageFeeder    *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HwCommandFeeder, hw_command_feeder_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HwImageFeeder, hw_image_feeder_free)

G_END_DECLS
