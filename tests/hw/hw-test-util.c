/* hw-test-util.c — waiting with a deadline, and feeding libfprint's virtual
 * devices from the test process
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include "hw-test-util.h"

#include <idem-hw.h>

#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>

void
hw_test_init (int    *argc,
              char ***argv)
{
  g_test_init (argc, argv, NULL);
  idem_hw_init (argc, argv);
  idem_i18n_init ();
}

/**
 * hw_test_make_socket_dir:
 *
 * Returns: a new private directory for the virtual devices' sockets, unique
 *   to this run so parallel runs never share a socket
 */
char *
hw_test_make_socket_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir;

  dir = g_dir_make_tmp ("idem-hw-XXXXXX", &error);
  g_assert_no_error (error);

  return dir;
}

void
hw_test_remove_socket_dir (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

static gboolean
deadline_cb (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

/**
 * hw_test_wait_for:
 * @done: the flag a callback sets
 * @what: what is awaited, for the failure message
 *
 * Iterates the default main context until @done, and aborts the test after
 * %HW_TEST_TIMEOUT_SECONDS.
 */
void
hw_test_wait_for (const gboolean *done,
                  const char     *what)
{
  gboolean expired = FALSE;
  guint deadline_id;

  deadline_id = g_timeout_add_seconds (HW_TEST_TIMEOUT_SECONDS, deadline_cb, &expired);

  while (!*done && !expired)
    g_main_context_iteration (NULL, TRUE);

  if (!*done)
    g_error ("Timed out after %d s waiting for %s", HW_TEST_TIMEOUT_SECONDS, what);

  g_source_remove (deadline_id);
}

/**
 * hw_test_iterate:
 * @milliseconds: how long
 *
 * Runs the main context for a while, to let events that must *not* happen
 * a chance to happen.
 */
void
hw_test_iterate (guint milliseconds)
{
  gboolean expired = FALSE;

  g_timeout_add (milliseconds, deadline_cb, &expired);
  while (!expired)
    g_main_context_iteration (NULL, TRUE);
}

void
hw_test_store_result_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_null (*slot);
  *slot = g_object_ref (result);
}

static gboolean
result_arrived (GAsyncResult **slot)
{
  return *slot != NULL;
}

/**
 * hw_test_wait_result:
 * @slot: where hw_test_store_result_cb() stores the result
 * @what: what is awaited, for the failure message
 *
 * Returns: (transfer full): the result, @slot is cleared
 */
GAsyncResult *
hw_test_wait_result (GAsyncResult **slot,
                     const char    *what)
{
  gboolean expired = FALSE;
  guint deadline_id;

  deadline_id = g_timeout_add_seconds (HW_TEST_TIMEOUT_SECONDS, deadline_cb, &expired);

  while (!result_arrived (slot) && !expired)
    g_main_context_iteration (NULL, TRUE);

  if (*slot == NULL)
    g_error ("Timed out after %d s waiting for %s", HW_TEST_TIMEOUT_SECONDS, what);

  g_source_remove (deadline_id);

  return g_steal_pointer (slot);
}

struct _HwCommandFeeder
{
  char              *socket_path;
  GSocketClient     *client;
  GQueue             commands;
  GSocketConnection *connection;
  char              *current;
  char               read_buffer[64];
  gboolean           busy;
};

static void feeder_send_next (HwCommandFeeder *self);

static void
feeder_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  HwCommandFeeder *self = user_data;
  g_autoptr(GError) error = NULL;
  gssize n_read;

  n_read = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  /* The driver closes its end once it has taken the command; a reset is
   * the same answer. */
  if (n_read > 0)
    {
      g_input_stream_read_async (G_INPUT_STREAM (source),
                                 self->read_buffer, sizeof self->read_buffer,
                                 G_PRIORITY_DEFAULT, NULL, feeder_read_cb, self);
      return;
    }

  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE))
    g_error ("Reading the answer to \"%s\" failed: %s", self->current, error->message);

  g_io_stream_close (G_IO_STREAM (self->connection), NULL, NULL);
  g_clear_object (&self->connection);
  g_clear_pointer (&self->current, g_free);
  self->busy = FALSE;

  feeder_send_next (self);
}

static void
feeder_write_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  HwCommandFeeder *self = user_data;
  g_autoptr(GError) error = NULL;
  GInputStream *input;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    g_error ("Sending \"%s\" failed: %s", self->current, error->message);

  input = g_io_stream_get_input_stream (G_IO_STREAM (self->connection));
  g_input_stream_read_async (input, self->read_buffer, sizeof self->read_buffer,
                             G_PRIORITY_DEFAULT, NULL, feeder_read_cb, self);
}

static void
feeder_connect_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  HwCommandFeeder *self = user_data;
  g_autoptr(GError) error = NULL;
  GOutputStream *output;

  self->connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, &error);
  if (self->connection == NULL)
    g_error ("Connecting to the virtual device for \"%s\" failed: %s",
             self->current, error->message);

  output = g_io_stream_get_output_stream (G_IO_STREAM (self->connection));
  g_output_stream_write_all_async (output, self->current, strlen (self->current),
                                   G_PRIORITY_DEFAULT, NULL, feeder_write_cb, self);
}

static void
feeder_send_next (HwCommandFeeder *self)
{
  g_autoptr(GSocketAddress) address = NULL;

  if (self->busy || g_queue_is_empty (&self->commands))
    return;

  self->busy = TRUE;
  self->current = g_queue_pop_head (&self->commands);
  g_debug ("Virtual device command: %s", self->current);

  address = g_unix_socket_address_new (self->socket_path);
  g_socket_client_connect_async (self->client, G_SOCKET_CONNECTABLE (address), NULL,
                                 feeder_connect_cb, self);
}

HwCommandFeeder *
hw_command_feeder_new (const char *socket_path)
{
  HwCommandFeeder *self = g_new0 (HwCommandFeeder, 1);

  self->socket_path = g_strdup (socket_path);
  self->client = g_socket_client_new ();
  g_queue_init (&self->commands);

  return self;
}

void
hw_command_feeder_free (HwCommandFeeder *self)
{
  g_assert_false (self->busy);
  g_queue_clear_full (&self->commands, g_free);
  g_object_unref (self->client);
  g_free (self->socket_path);
  g_free (self);
}

void
hw_command_feeder_push (HwCommandFeeder *self,
                        const char      *command)
{
  g_queue_push_tail (&self->commands, g_strdup (command));
  feeder_send_next (self);
}

static gboolean
feeder_is_idle (HwCommandFeeder *self)
{
  return !self->busy && g_queue_is_empty (&self->commands);
}

void
hw_command_feeder_wait_idle (HwCommandFeeder *self)
{
  gboolean expired = FALSE;
  guint deadline_id;

  deadline_id = g_timeout_add_seconds (HW_TEST_TIMEOUT_SECONDS, deadline_cb, &expired);
  while (!feeder_is_idle (self) && !expired)
    g_main_context_iteration (NULL, TRUE);

  if (!feeder_is_idle (self))
    g_error ("Timed out sending commands to the virtual device");

  g_source_remove (deadline_id);
}

struct _HwImageFeeder
{
  GSocketConnection *connection;
  GQueue             pending;
  gboolean           writing;
};

static void image_feeder_write_next (HwImageFeeder *self);

static void
image_feeder_write_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  HwImageFeeder *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    g_error ("Sending to the virtual image device failed: %s", error->message);

  g_bytes_unref (g_queue_pop_head (&self->pending));
  self->writing = FALSE;
  image_feeder_write_next (self);
}

static void
image_feeder_write_next (HwImageFeeder *self)
{
  GBytes *bytes;
  GOutputStream *output;

  if (self->writing || g_queue_is_empty (&self->pending))
    return;

  self->writing = TRUE;
  bytes = g_queue_peek_head (&self->pending);
  output = g_io_stream_get_output_stream (G_IO_STREAM (self->connection));
  g_output_stream_write_all_async (output,
                                   g_bytes_get_data (bytes, NULL),
                                   g_bytes_get_size (bytes),
                                   G_PRIORITY_DEFAULT, NULL,
                                   image_feeder_write_cb, self);
}

HwImageFeeder *
hw_image_feeder_new (const char *socket_path)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (socket_path);
  g_autoptr(GError) error = NULL;
  HwImageFeeder *self = g_new0 (HwImageFeeder, 1);

  /* The driver listens from the moment the device is opened; connecting
   * completes in the kernel's backlog without the driver's main loop. */
  self->connection = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address), NULL, &error);
  g_assert_no_error (error);
  g_queue_init (&self->pending);

  return self;
}

void
hw_image_feeder_free (HwImageFeeder *self)
{
  g_assert_false (self->writing);
  g_queue_clear_full (&self->pending, (GDestroyNotify) g_bytes_unref);
  g_io_stream_close (G_IO_STREAM (self->connection), NULL, NULL);
  g_object_unref (self->connection);
  g_free (self);
}

void
hw_image_feeder_send_image (HwImageFeeder *self,
                            const guint8  *grey,
                            guint          width,
                            guint          height)
{
  gint32 header[2] = { (gint32) width, (gint32) height };
  GByteArray *message = g_byte_array_sized_new (sizeof header + width * height);

  g_byte_array_append (message, (const guint8 *) header, sizeof header);
  g_byte_array_append (message, grey, width * height);
  g_queue_push_tail (&self->pending, g_byte_array_free_to_bytes (message));
  image_feeder_write_next (self);
}

void
hw_image_feeder_send_command (HwImageFeeder *self,
                              gint32         command,
                              gint32         argument)
{
  gint32 header[2] = { command, argument };

  g_assert_cmpint (command, <, 0);
  g_queue_push_tail (&self->pending, g_bytes_new (header, sizeof header));
  image_feeder_write_next (self);
}

void
hw_image_feeder_wait_idle (HwImageFeeder *self)
{
  gboolean expired = FALSE;
  guint deadline_id;

  deadline_id = g_timeout_add_seconds (HW_TEST_TIMEOUT_SECONDS, deadline_cb, &expired);
  while ((self->writing || !g_queue_is_empty (&self->pending)) && !expired)
    g_main_context_iteration (NULL, TRUE);

  if (self->writing)
    g_error ("Timed out sending to the virtual image device");

  g_source_remove (deadline_id);
}
