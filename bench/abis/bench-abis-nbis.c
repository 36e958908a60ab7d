/* bench-abis-nbis.c — agreement with libfprint's own NBIS matcher
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * libfprint's virtual_image device runs NBIS end to end (mindtct, then
 * bozorth3 with its threshold of 40) on images sent over a socket.  Each
 * synthetic finger's first impression is enrolled (the same image for all
 * five stages, so NBIS holds exactly one template, as Idem does); then a
 * second impression of the same finger and one of the next finger are
 * verified.  The same images go through Idem's extraction and matcher, and
 * the two decisions are compared.
 *
 *   bench-abis-nbis [--fingers N]
 */

#include "config.h"

#include <idem.h>
#include <idem-minutiae-extract.h>
#include <synthetic-finger.h>

#include <fprint.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>

typedef struct
{
  FpDevice          *device;
  GSocketConnection *connection;
  const guint8      *image;
  gboolean           done;
  gboolean           matched;
  guint              retries;
  GError            *error;
} Session;

static void
send_image (Session *session)
{
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (session->connection));
  gint32 header[2] = { SYNTHETIC_FINGER_WIDTH, SYNTHETIC_FINGER_HEIGHT };
  g_autoptr(GError) error = NULL;

  /* Small enough for the socket buffer: the device reads it from the main
   * loop once this returns. */
  if (!g_output_stream_write_all (out, header, sizeof header, NULL, NULL, &error)
      || !g_output_stream_write_all (out, session->image, SYNTHETIC_FINGER_WIDTH * SYNTHETIC_FINGER_HEIGHT,
                                     NULL, NULL, &error))
    g_error ("Cannot send the image to the virtual device: %s", error->message);
}

static void
enroll_progress_cb (FpDevice *device,
                    gint      completed_stages,
                    FpPrint  *print,
                    gpointer  user_data,
                    GError   *error)
{
  Session *session = user_data;

  if (error != NULL)
    session->retries++;
  if (completed_stages < fp_device_get_nr_enroll_stages (device) && session->retries < 10)
    send_image (session);
}

static void
enroll_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Session *session = user_data;

  session->connection = NULL;
  g_object_set_data_full (G_OBJECT (session->device), "enrolled",
                          fp_device_enroll_finish (FP_DEVICE (object), result, &session->error),
                          g_object_unref);
  session->done = TRUE;
}

static void
verify_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Session *session = user_data;

  fp_device_verify_finish (FP_DEVICE (object), result, &session->matched, NULL, &session->error);
  session->done = TRUE;
}

static FpPrint *
nbis_enroll (Session            *session,
             GSocketConnection  *connection,
             const guint8       *image)
{
  g_autoptr(FpPrint) template = fp_print_new (session->device);

  session->connection = connection;
  session->image = image;
  session->done = FALSE;
  session->retries = 0;
  fp_device_enroll (session->device, g_steal_pointer (&template), NULL,
                    enroll_progress_cb, session, NULL, enroll_done_cb, session);
  send_image (session);
  while (!session->done)
    g_main_context_iteration (NULL, TRUE);

  return g_object_steal_data (G_OBJECT (session->device), "enrolled");
}

static gboolean
nbis_verify (Session           *session,
             GSocketConnection *connection,
             FpPrint           *enrolled,
             const guint8      *image)
{
  session->connection = connection;
  session->image = image;
  session->done = FALSE;
  fp_device_verify (session->device, enrolled, NULL, NULL, NULL, NULL, verify_done_cb, session);
  send_image (session);
  while (!session->done)
    g_main_context_iteration (NULL, TRUE);
  session->connection = NULL;

  return session->matched;
}

static IdemFingerTemplate *
idem_template (const guint8 *image)
{
  g_autoptr(IdemMinutiae) minutiae = idem_minutiae_extract (image, SYNTHETIC_FINGER_WIDTH,
                                                            SYNTHETIC_FINGER_HEIGHT, 500, NULL);

  return minutiae ? idem_finger_template_new (minutiae, 0, NULL) : NULL;
}

static guint8 *
render (guint finger,
        guint impression)
{
  g_autoptr(SyntheticFinger) master = synthetic_finger_new (20000 + finger, finger % SYNTHETIC_FINGER_N_CLASSES);
  SyntheticImpressionParams params;
  guint32 seed = (20000 + finger) * 64 + impression;

  synthetic_finger_random_impression (seed, &params);

  return synthetic_finger_render (master, seed, &params);
}

int
main (int   argc,
      char *argv[])
{
  int n_fingers = 20;
  GOptionEntry entries[] = {
    { "fingers", 0, 0, G_OPTION_ARG_INT, &n_fingers, "Synthetic fingers", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *directory = NULL;
  g_autofree char *socket_path = NULL;
  g_autoptr(FpContext) fp_context = NULL;
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  GPtrArray *devices;
  Session session = { NULL };
  guint pairs = 0, agree = 0, nbis_genuine = 0, idem_genuine = 0, nbis_impostor = 0, idem_impostor = 0;
  guint genuine_pairs = 0, impostor_pairs = 0;
  gint64 start = g_get_monotonic_time ();

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || n_fingers < 2)
    {
      g_printerr ("%s\n", error ? error->message : "need at least 2 fingers");
      return 2;
    }

  /* libfprint reads these once, before any thread exists. */
  directory = g_dir_make_tmp ("idem-nbis-XXXXXX", &error);
  g_assert_no_error (error);
  socket_path = g_build_filename (directory, "virtual-image", NULL);
  g_setenv ("FP_VIRTUAL_IMAGE", socket_path, TRUE);
  g_setenv ("FP_DRIVERS_WHITELIST", "virtual_image", TRUE);
  g_setenv ("FP_DRIVERS_ALLOWLIST", "virtual_image", TRUE);

  fp_context = fp_context_new ();
  devices = fp_context_get_devices (fp_context);
  if (devices == NULL || devices->len == 0)
    {
      g_printerr ("libfprint's virtual_image device is not available\n");
      return 1;
    }
  session.device = g_ptr_array_index (devices, 0);
  if (!fp_device_open_sync (session.device, NULL, &error))
    {
      g_printerr ("Cannot open the virtual image device: %s\n", error->message);
      return 1;
    }

  client = g_socket_client_new ();
  address = g_unix_socket_address_new (socket_path);
  connection = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address), NULL, &error);
  g_assert_no_error (error);

  for (int f = 0; f < n_fingers; f++)
    {
      g_autofree guint8 *enrol_image = render (f, 0);
      g_autofree guint8 *same_image = render (f, 1);
      g_autofree guint8 *other_image = render ((f + 1) % n_fingers, 1);
      g_autoptr(IdemFingerTemplate) enrolled_idem = idem_template (enrol_image);
      g_autoptr(IdemFingerTemplate) same_idem = idem_template (same_image);
      g_autoptr(IdemFingerTemplate) other_idem = idem_template (other_image);
      g_autoptr(FpPrint) enrolled = NULL;
      gboolean nbis_same, nbis_other, idem_same, idem_other;

      g_clear_error (&session.error);
      enrolled = nbis_enroll (&session, connection, enrol_image);
      if (enrolled == NULL)
        {
          g_print ("  finger %d: NBIS enrolment failed (%s), left out\n", f,
                   session.error ? session.error->message : "no print");
          continue;
        }
      g_clear_error (&session.error);
      nbis_same = nbis_verify (&session, connection, enrolled, same_image);
      if (session.error != NULL)
        {
          g_print ("  finger %d: NBIS verification failed (%s), counted as no match\n", f, session.error->message);
          g_clear_error (&session.error);
        }
      nbis_other = nbis_verify (&session, connection, enrolled, other_image);
      g_clear_error (&session.error);

      idem_same = enrolled_idem && same_idem
                  && idem_finger_template_compare (same_idem, enrolled_idem) >= IDEM_FINGERPRINT_MATCH_THRESHOLD;
      idem_other = enrolled_idem && other_idem
                   && idem_finger_template_compare (other_idem, enrolled_idem) >= IDEM_FINGERPRINT_MATCH_THRESHOLD;

      genuine_pairs++;
      impostor_pairs++;
      nbis_genuine += nbis_same;
      idem_genuine += idem_same;
      nbis_impostor += nbis_other;
      idem_impostor += idem_other;
      pairs += 2;
      agree += (nbis_same == idem_same) + (nbis_other == idem_other);
      if (nbis_same != idem_same || nbis_other != idem_other)
        g_print ("  finger %d: genuine NBIS %s / Idem %s; impostor NBIS %s / Idem %s\n", f,
                 nbis_same ? "match" : "no match", idem_same ? "match" : "no match",
                 nbis_other ? "match" : "no match", idem_other ? "match" : "no match");
    }

  fp_device_close_sync (session.device, NULL, NULL);
  g_clear_object (&connection);
  g_unlink (socket_path);
  g_rmdir (directory);

  g_print ("NBIS cross-check (libfprint virtual_image, bozorth3 threshold 40) on %u fingers, %.0f s:\n",
           genuine_pairs, (g_get_monotonic_time () - start) / 1e6);
  g_print ("  | | genuine pairs matched | impostor pairs matched |\n  |---|---|---|\n");
  g_print ("  | libfprint NBIS | %u/%u | %u/%u |\n", nbis_genuine, genuine_pairs, nbis_impostor, impostor_pairs);
  g_print ("  | Idem (threshold %.0f) | %u/%u | %u/%u |\n", IDEM_FINGERPRINT_MATCH_THRESHOLD,
           idem_genuine, genuine_pairs, idem_impostor, impostor_pairs);
  g_print ("  agreement: %u/%u decisions (%.1f %%)\n", agree, pairs, pairs ? 100.0 * agree / pairs : 0.0);

  return 0;
}
