/* idem-fingerprint-reader.c — enrol, verify and capture fingers with libfprint
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * One object per application: it owns libfprint's FpContext, follows readers
 * being plugged and unplugged, and drives the selected FpDevice.  A reader
 * does one thing at a time, so a second request while one runs fails with
 * IDEM_FINGERPRINT_READER_ERROR_BUSY instead of queueing behind a finger that may
 * never come.  libfprint's errors are translated into one stable domain with
 * messages an operator can act on.
 */

#define G_LOG_DOMAIN "idem-fingerprint"

#include "config.h"

#include "idem-hw.h"

#include <glib/gi18n-lib.h>
#include <string.h>

struct _IdemFingerprintReader
{
  GObject       parent_instance;

  FpContext    *context;
  FpDevice     *device;
  char         *reader_id;

  /* The operation in progress: its own cancellable, cancelled with the
   * caller's and when the reader is disposed. */
  gboolean      busy;
  GCancellable *op_cancellable;
  GCancellable *caller_cancellable;
  gulong        caller_cancelled_id;
};

G_DEFINE_FINAL_TYPE (IdemFingerprintReader, idem_fingerprint_reader, G_TYPE_OBJECT)

G_DEFINE_QUARK (idem-fingerprint-reader-error-quark, idem_fingerprint_reader_error)

enum {
  PROP_0,
  PROP_READER_ID,
  PROP_NAME,
  PROP_DRIVER,
  PROP_IS_OPEN,
  PROP_CAN_CAPTURE,
  PROP_N_ENROLL_STAGES,
  PROP_FINGER_NEEDED,
  PROP_FINGER_PRESENT,
  N_PROPS,
};

enum {
  READER_ADDED,
  READER_REMOVED,
  ENROLL_PROGRESS,
  N_SIGNALS,
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef struct
{
  IdemVideoFrame *frame;
  double          pixels_per_mm;
  guint           n_minutiae;
} CaptureResult;

static void
capture_result_free (CaptureResult *result)
{
  g_clear_pointer (&result->frame, idem_video_frame_unref);
  g_free (result);
}

/* A reader is known by driver and device id: two readers of one model differ
 * by device id, and the driver keeps the name stable across replugging. */
static char *
reader_id_for_device (FpDevice *device)
{
  return g_strdup_printf ("%s:%s",
                          fp_device_get_driver (device),
                          fp_device_get_device_id (device));
}

static void
notify_device_properties (IdemFingerprintReader *self)
{
  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = PROP_READER_ID; i < N_PROPS; i++)
    g_object_notify_by_pspec (G_OBJECT (self), properties[i]);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
device_notify_cb (FpDevice              *device,
                  GParamSpec            *pspec,
                  IdemFingerprintReader *self)
{
  if (g_str_equal (pspec->name, "finger-status"))
    {
      g_object_freeze_notify (G_OBJECT (self));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FINGER_NEEDED]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FINGER_PRESENT]);
      g_object_thaw_notify (G_OBJECT (self));
    }
  else if (g_str_equal (pspec->name, "nr-enroll-stages"))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ENROLL_STAGES]);
    }
}

static void
set_device (IdemFingerprintReader *self,
            FpDevice              *device)
{
  if (self->device == device)
    return;

  if (self->device != NULL)
    g_signal_handlers_disconnect_by_func (self->device, device_notify_cb, self);

  g_set_object (&self->device, device);
  g_clear_pointer (&self->reader_id, g_free);

  if (self->device != NULL)
    {
      self->reader_id = reader_id_for_device (self->device);
      g_signal_connect_object (self->device, "notify", G_CALLBACK (device_notify_cb), self, 0);
    }

  notify_device_properties (self);
}

static void
device_added_cb (FpContext             *context,
                 FpDevice              *device,
                 IdemFingerprintReader *self)
{
  g_autofree char *reader_id = reader_id_for_device (device);

  g_debug ("Fingerprint reader added: %s (%s)", reader_id, fp_device_get_name (device));

  if (self->device == NULL)
    set_device (self, device);

  g_signal_emit (self, signals[READER_ADDED], 0, reader_id);
}

static void
device_removed_cb (FpContext             *context,
                   FpDevice              *device,
                   IdemFingerprintReader *self)
{
  g_autofree char *reader_id = reader_id_for_device (device);

  g_debug ("Fingerprint reader removed: %s", reader_id);

  if (self->device == device)
    set_device (self, NULL);

  g_signal_emit (self, signals[READER_REMOVED], 0, reader_id);
}

static void
caller_cancelled_cb (GCancellable *caller_cancellable,
                     GCancellable *op_cancellable)
{
  g_cancellable_cancel (op_cancellable);
}

/* Checks that an operation may start, and marks the reader busy. */
static gboolean
begin_operation (IdemFingerprintReader  *self,
                 GCancellable           *cancellable,
                 gboolean                needs_open,
                 GError                **error)
{
  if (self->device == NULL)
    {
      g_set_error_literal (error, IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_NO_DEVICE,
                           _("No fingerprint reader is connected. Plug in the reader, then try again."));
      return FALSE;
    }

  if (self->busy)
    {
      g_set_error_literal (error, IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_BUSY,
                           _("The fingerprint reader is busy. Wait for the current scan to end."));
      return FALSE;
    }

  if (needs_open && !fp_device_is_open (self->device))
    {
      g_set_error_literal (error, IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_NOT_OPEN,
                           _("The fingerprint reader is not open"));
      return FALSE;
    }

  if (g_cancellable_is_cancelled (cancellable))
    {
      g_set_error_literal (error, IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_CANCELLED,
                           _("The fingerprint operation was cancelled"));
      return FALSE;
    }

  self->busy = TRUE;
  self->op_cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      self->caller_cancellable = g_object_ref (cancellable);
      self->caller_cancelled_id = g_cancellable_connect (cancellable,
                                                         G_CALLBACK (caller_cancelled_cb),
                                                         self->op_cancellable,
                                                         NULL);
    }

  return TRUE;
}

/* Called before the task returns, so its callback can start the next one. */
static void
end_operation (IdemFingerprintReader *self)
{
  if (self->caller_cancellable != NULL)
    {
      g_cancellable_disconnect (self->caller_cancellable, self->caller_cancelled_id);
      self->caller_cancelled_id = 0;
      g_clear_object (&self->caller_cancellable);
    }
  g_clear_object (&self->op_cancellable);
  self->busy = FALSE;
}

/**
 * idem_fingerprint_retry_get_hint:
 * @retry: why libfprint asks for another scan
 *
 * Returns: a translated sentence telling the person what to do
 */
const char *
idem_fingerprint_retry_get_hint (FpDeviceRetry retry)
{
  switch (retry)
    {
    case FP_DEVICE_RETRY_TOO_SHORT:
      return _("Finger lifted too quickly, try again");
    case FP_DEVICE_RETRY_CENTER_FINGER:
      return _("Finger not centred, try again");
    case FP_DEVICE_RETRY_REMOVE_FINGER:
      return _("Lift the finger, then place it again");
    case FP_DEVICE_RETRY_GENERAL:
    default:
      return _("The scan was not clear, try again");
    }
}

static GError *
error_from_libfprint (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_new_literal (IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_CANCELLED,
                                _("The fingerprint operation was cancelled"));

  if (error->domain == FP_DEVICE_RETRY)
    return g_error_new_literal (IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_RETRY,
                                idem_fingerprint_retry_get_hint (error->code));

  if (error->domain == FP_DEVICE_ERROR)
    {
      switch (error->code)
        {
        case FP_DEVICE_ERROR_BUSY:
          return g_error_new_literal (IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_BUSY,
                                      _("The fingerprint reader is busy. Wait for the current scan to end."));
        case FP_DEVICE_ERROR_NOT_OPEN:
          return g_error_new_literal (IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_NOT_OPEN,
                                      _("The fingerprint reader is not open"));
        case FP_DEVICE_ERROR_REMOVED:
          return g_error_new_literal (IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_NO_DEVICE,
                                      _("The fingerprint reader was unplugged. Plug it in again, then try again."));
        case FP_DEVICE_ERROR_NOT_SUPPORTED:
          return g_error_new_literal (IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_NOT_SUPPORTED,
                                      _("This fingerprint reader cannot do that"));
        case FP_DEVICE_ERROR_DATA_INVALID:
        case FP_DEVICE_ERROR_DATA_NOT_FOUND:
          return g_error_new_literal (IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_INVALID_PRINT,
                                      _("The stored fingerprint cannot be used with this reader"));
        default:
          break;
        }
    }

  return g_error_new (IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_DEVICE_ERROR,
                      _("The fingerprint reader failed (%s). Unplug it and plug it in again."),
                      error->message);
}

static void
return_libfprint_error (GTask  *task,
                        GError *error)
{
  g_debug ("libfprint: %s (%s %d)", error->message,
           g_quark_to_string (error->domain), error->code);
  g_task_return_error (task, error_from_libfprint (error));
  g_error_free (error);
}

static void
idem_fingerprint_reader_constructed (GObject *object)
{
  IdemFingerprintReader *self = IDEM_FINGERPRINT_READER (object);
  GPtrArray *devices;

  G_OBJECT_CLASS (idem_fingerprint_reader_parent_class)->constructed (object);

  self->context = fp_context_new ();
  g_signal_connect_object (self->context, "device-added",
                           G_CALLBACK (device_added_cb), self, 0);
  g_signal_connect_object (self->context, "device-removed",
                           G_CALLBACK (device_removed_cb), self, 0);

  /* Enumerating iterates the main context until every driver has probed;
   * readers found later arrive through ::device-added. */
  devices = fp_context_get_devices (self->context);
  if (self->device == NULL && devices != NULL && devices->len > 0)
    set_device (self, g_ptr_array_index (devices, 0));
}

static void
idem_fingerprint_reader_dispose (GObject *object)
{
  IdemFingerprintReader *self = IDEM_FINGERPRINT_READER (object);

  if (self->op_cancellable != NULL)
    g_cancellable_cancel (self->op_cancellable);

  /* An open device is closed so the hardware goes back to sleep; nobody
   * waits for the answer. */
  if (self->device != NULL && fp_device_is_open (self->device))
    fp_device_close (self->device, NULL, NULL, NULL);

  g_clear_object (&self->device);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (idem_fingerprint_reader_parent_class)->dispose (object);
}

static void
idem_fingerprint_reader_finalize (GObject *object)
{
  IdemFingerprintReader *self = IDEM_FINGERPRINT_READER (object);

  g_free (self->reader_id);

  G_OBJECT_CLASS (idem_fingerprint_reader_parent_class)->finalize (object);
}

static void
idem_fingerprint_reader_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  IdemFingerprintReader *self = IDEM_FINGERPRINT_READER (object);

  switch (prop_id)
    {
    case PROP_READER_ID:
      g_value_set_string (value, idem_fingerprint_reader_get_reader_id (self));
      break;

    case PROP_NAME:
      g_value_set_string (value, idem_fingerprint_reader_get_name (self));
      break;

    case PROP_DRIVER:
      g_value_set_string (value, idem_fingerprint_reader_get_driver (self));
      break;

    case PROP_IS_OPEN:
      g_value_set_boolean (value, idem_fingerprint_reader_get_is_open (self));
      break;

    case PROP_CAN_CAPTURE:
      g_value_set_boolean (value, idem_fingerprint_reader_get_can_capture (self));
      break;

    case PROP_N_ENROLL_STAGES:
      g_value_set_uint (value, idem_fingerprint_reader_get_n_enroll_stages (self));
      break;

    case PROP_FINGER_NEEDED:
      g_value_set_boolean (value, idem_fingerprint_reader_get_finger_needed (self));
      break;

    case PROP_FINGER_PRESENT:
      g_value_set_boolean (value, idem_fingerprint_reader_get_finger_present (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
idem_fingerprint_reader_class_init (IdemFingerprintReaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = idem_fingerprint_reader_constructed;
  object_class->dispose = idem_fingerprint_reader_dispose;
  object_class->finalize = idem_fingerprint_reader_finalize;
  object_class->get_property = idem_fingerprint_reader_get_property;

  /**
   * IdemFingerprintReader:reader-id:
   *
   * The selected reader, as listed by idem_fingerprint_reader_list_readers().
   */
  properties[PROP_READER_ID] =
    g_param_spec_string ("reader-id", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * IdemFingerprintReader:name:
   *
   * The selected reader's model name, for display.
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * IdemFingerprintReader:driver:
   *
   * The libfprint driver of the selected reader.
   */
  properties[PROP_DRIVER] =
    g_param_spec_string ("driver", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * IdemFingerprintReader:is-open:
   *
   * Whether the selected reader is open.
   */
  properties[PROP_IS_OPEN] =
    g_param_spec_boolean ("is-open", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * IdemFingerprintReader:can-capture:
   *
   * Whether the selected reader gives images (for the ABIS), not only
   * match decisions.
   */
  properties[PROP_CAN_CAPTURE] =
    g_param_spec_boolean ("can-capture", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * IdemFingerprintReader:n-enroll-stages:
   *
   * How many scans an enrolment takes on the selected reader.
   */
  properties[PROP_N_ENROLL_STAGES] =
    g_param_spec_uint ("n-enroll-stages", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * IdemFingerprintReader:finger-needed:
   *
   * Whether the reader waits for a finger: the moment to show "Place your
   * finger on the reader".
   */
  properties[PROP_FINGER_NEEDED] =
    g_param_spec_boolean ("finger-needed", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * IdemFingerprintReader:finger-present:
   *
   * Whether a finger is on the reader.
   */
  properties[PROP_FINGER_PRESENT] =
    g_param_spec_boolean ("finger-present", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * IdemFingerprintReader::reader-added:
   * @self: the reader object
   * @reader_id: the new reader
   *
   * A reader was plugged in.  If none was selected, it is selected.
   */
  signals[READER_ADDED] =
    g_signal_new ("reader-added",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  G_TYPE_STRING);

  /**
   * IdemFingerprintReader::reader-removed:
   * @self: the reader object
   * @reader_id: the reader that went away
   *
   * A reader was unplugged.  If it was selected, no reader is selected now.
   */
  signals[READER_REMOVED] =
    g_signal_new ("reader-removed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  G_TYPE_STRING);

  /**
   * IdemFingerprintReader::enroll-progress:
   * @self: the reader object
   * @completed_stages: how many scans were accepted so far
   * @n_stages: how many scans the enrolment needs
   * @retry_hint: (nullable): when the last scan was refused, a translated
   *   sentence telling the person what to do; %NULL when it was accepted
   *
   * Emitted after each scan of an enrolment.
   */
  signals[ENROLL_PROGRESS] =
    g_signal_new ("enroll-progress",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3,
                  G_TYPE_UINT,
                  G_TYPE_UINT,
                  G_TYPE_STRING);
}

static void
idem_fingerprint_reader_init (IdemFingerprintReader *self)
{
}

/**
 * idem_fingerprint_reader_new:
 *
 * Looks for fingerprint readers and selects the first one found.  Call it
 * on the main thread: libfprint delivers everything on the main context.
 *
 * Returns: (transfer full): a new reader object
 */
IdemFingerprintReader *
idem_fingerprint_reader_new (void)
{
  return g_object_new (IDEM_TYPE_FINGERPRINT_READER, NULL);
}

/**
 * idem_fingerprint_reader_list_readers:
 * @self: a reader object
 *
 * Returns: (transfer full): the identifiers of the connected readers
 */
char **
idem_fingerprint_reader_list_readers (IdemFingerprintReader *self)
{
  g_autoptr(GStrvBuilder) builder = NULL;
  GPtrArray *devices;

  g_return_val_if_fail (IDEM_IS_FINGERPRINT_READER (self), NULL);

  builder = g_strv_builder_new ();
  devices = fp_context_get_devices (self->context);
  for (guint i = 0; devices != NULL && i < devices->len; i++)
    {
      g_autofree char *reader_id = reader_id_for_device (g_ptr_array_index (devices, i));

      g_strv_builder_add (builder, reader_id);
    }

  return g_strv_builder_end (builder);
}

/**
 * idem_fingerprint_reader_select:
 * @self: a reader object
 * @reader_id: an identifier from idem_fingerprint_reader_list_readers()
 * @error: return location for an %IDEM_FINGERPRINT_READER_ERROR
 *
 * Chooses which reader the operations use.  Fails with
 * %IDEM_FINGERPRINT_READER_ERROR_NO_DEVICE for an unknown reader and with
 * %IDEM_FINGERPRINT_READER_ERROR_BUSY while the current reader is open.
 *
 * Returns: %TRUE when @reader_id is selected
 */
gboolean
idem_fingerprint_reader_select (IdemFingerprintReader  *self,
                                const char             *reader_id,
                                GError                **error)
{
  GPtrArray *devices;

  g_return_val_if_fail (IDEM_IS_FINGERPRINT_READER (self), FALSE);
  g_return_val_if_fail (reader_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  devices = fp_context_get_devices (self->context);
  for (guint i = 0; devices != NULL && i < devices->len; i++)
    {
      FpDevice *device = g_ptr_array_index (devices, i);
      g_autofree char *id = reader_id_for_device (device);

      if (!g_str_equal (id, reader_id))
        continue;

      if (device != self->device && self->device != NULL &&
          (self->busy || fp_device_is_open (self->device)))
        {
          g_set_error_literal (error, IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_BUSY,
                               _("Close the fingerprint reader in use before choosing another one"));
          return FALSE;
        }

      set_device (self, device);
      return TRUE;
    }

  g_set_error (error, IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_NO_DEVICE,
               _("The fingerprint reader “%s” is not connected"), reader_id);
  return FALSE;
}

/**
 * idem_fingerprint_reader_get_reader_id:
 * @self: a reader object
 *
 * Returns: (nullable): the selected reader, %NULL when none is connected
 */
const char *
idem_fingerprint_reader_get_reader_id (IdemFingerprintReader *self)
{
  g_return_val_if_fail (IDEM_IS_FINGERPRINT_READER (self), NULL);

  return self->reader_id;
}

const char *
idem_fingerprint_reader_get_name (IdemFingerprintReader *self)
{
  g_return_val_if_fail (IDEM_IS_FINGERPRINT_READER (self), NULL);

  return self->device ? fp_device_get_name (self->device) : NULL;
}

const char *
idem_fingerprint_reader_get_driver (IdemFingerprintReader *self)
{
  g_return_val_if_fail (IDEM_IS_FINGERPRINT_READER (self), NULL);

  return self->device ? fp_device_get_driver (self->device) : NULL;
}

gboolean
idem_fingerprint_reader_get_is_open (IdemFingerprintReader *self)
{
  g_return_val_if_fail (IDEM_IS_FINGERPRINT_READER (self), FALSE);

  return self->device != NULL && fp_device_is_open (self->device);
}

gboolean
idem_fingerprint_reader_get_can_capture (IdemFingerprintReader *self)
{
  g_return_val_if_fail (IDEM_IS_FINGERPRINT_READER (self), FALSE);

  return self->device != NULL && fp_device_has_feature (self->device, FP_DEVICE_FEATURE_CAPTURE);
}

guint
idem_fingerprint_reader_get_n_enroll_stages (IdemFingerprintReader *self)
{
  g_return_val_if_fail (IDEM_IS_FINGERPRINT_READER (self), 0);

  return self->device ? (guint) MAX (0, fp_device_get_nr_enroll_stages (self->device)) : 0;
}

gboolean
idem_fingerprint_reader_get_finger_needed (IdemFingerprintReader *self)
{
  g_return_val_if_fail (IDEM_IS_FINGERPRINT_READER (self), FALSE);

  return self->device != NULL &&
         (fp_device_get_finger_status (self->device) & FP_FINGER_STATUS_NEEDED) != 0;
}

gboolean
idem_fingerprint_reader_get_finger_present (IdemFingerprintReader *self)
{
  g_return_val_if_fail (IDEM_IS_FINGERPRINT_READER (self), FALSE);

  return self->device != NULL &&
         (fp_device_get_finger_status (self->device) & FP_FINGER_STATUS_PRESENT) != 0;
}

static void
open_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  IdemFingerprintReader *self = g_task_get_source_object (task);
  GError *error = NULL;

  end_operation (self);

  if (!fp_device_open_finish (FP_DEVICE (object), result, &error))
    {
      return_libfprint_error (task, error);
      return;
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_OPEN]);
  g_task_return_boolean (task, TRUE);
}

/**
 * idem_fingerprint_reader_open_async:
 * @self: a reader object
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the reader is open
 * @user_data: data for @callback
 *
 * Opens the selected reader.  Opening an open reader succeeds at once.
 */
void
idem_fingerprint_reader_open_async (IdemFingerprintReader *self,
                                    GCancellable          *cancellable,
                                    GAsyncReadyCallback    callback,
                                    gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (IDEM_IS_FINGERPRINT_READER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, idem_fingerprint_reader_open_async);
  /* Cancellation is reported in this component's own error domain. */
  g_task_set_check_cancellable (task, FALSE);

  if (!begin_operation (self, cancellable, FALSE, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (fp_device_is_open (self->device))
    {
      end_operation (self);
      g_task_return_boolean (task, TRUE);
      return;
    }

  fp_device_open (self->device, self->op_cancellable, open_cb, g_steal_pointer (&task));
}

/**
 * idem_fingerprint_reader_open_finish:
 * @self: a reader object
 * @result: the result given to the callback
 * @error: return location for an %IDEM_FINGERPRINT_READER_ERROR
 *
 * Returns: %TRUE when the reader is open
 */
gboolean
idem_fingerprint_reader_open_finish (IdemFingerprintReader  *self,
                                     GAsyncResult           *result,
                                     GError                **error)
{
  g_return_val_if_fail (IDEM_IS_FINGERPRINT_READER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == idem_fingerprint_reader_open_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
close_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  IdemFingerprintReader *self = g_task_get_source_object (task);
  GError *error = NULL;

  end_operation (self);

  /* A reader that was unplugged is as closed as it gets. */
  if (!fp_device_close_finish (FP_DEVICE (object), result, &error) &&
      !g_error_matches (error, FP_DEVICE_ERROR, FP_DEVICE_ERROR_REMOVED))
    {
      return_libfprint_error (task, error);
      return;
    }
  g_clear_error (&error);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_OPEN]);
  g_task_return_boolean (task, TRUE);
}

/**
 * idem_fingerprint_reader_close_async:
 * @self: a reader object
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the reader is closed
 * @user_data: data for @callback
 *
 * Closes the selected reader.  Closing a closed reader succeeds at once.
 */
void
idem_fingerprint_reader_close_async (IdemFingerprintReader *self,
                                     GCancellable          *cancellable,
                                     GAsyncReadyCallback    callback,
                                     gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (IDEM_IS_FINGERPRINT_READER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, idem_fingerprint_reader_close_async);
  /* Cancellation is reported in this component's own error domain. */
  g_task_set_check_cancellable (task, FALSE);

  if (self->device == NULL || (!self->busy && !fp_device_is_open (self->device)))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (!begin_operation (self, cancellable, FALSE, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  fp_device_close (self->device, self->op_cancellable, close_cb, g_steal_pointer (&task));
}

/**
 * idem_fingerprint_reader_close_finish:
 * @self: a reader object
 * @result: the result given to the callback
 * @error: return location for an %IDEM_FINGERPRINT_READER_ERROR
 *
 * Returns: %TRUE when the reader is closed
 */
gboolean
idem_fingerprint_reader_close_finish (IdemFingerprintReader  *self,
                                      GAsyncResult           *result,
                                      GError                **error)
{
  g_return_val_if_fail (IDEM_IS_FINGERPRINT_READER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == idem_fingerprint_reader_close_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
enroll_progress_cb (FpDevice *device,
                    gint      completed_stages,
                    FpPrint  *print,
                    gpointer  user_data,
                    GError   *error)
{
  IdemFingerprintReader *self = IDEM_FINGERPRINT_READER (user_data);
  const char *hint = NULL;

  if (error != NULL)
    hint = error->domain == FP_DEVICE_RETRY
           ? idem_fingerprint_retry_get_hint (error->code)
           : idem_fingerprint_retry_get_hint (FP_DEVICE_RETRY_GENERAL);

  g_signal_emit (self, signals[ENROLL_PROGRESS], 0,
                 (guint) MAX (0, completed_stages),
                 (guint) MAX (0, fp_device_get_nr_enroll_stages (device)),
                 hint);
}

static void
enroll_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  IdemFingerprintReader *self = g_task_get_source_object (task);
  GError *error = NULL;
  FpPrint *print;

  end_operation (self);

  print = fp_device_enroll_finish (FP_DEVICE (object), result, &error);
  if (print == NULL)
    {
      return_libfprint_error (task, error);
      return;
    }

  g_task_return_pointer (task, print, g_object_unref);
}

/**
 * idem_fingerprint_reader_enroll_async:
 * @self: a reader object with an open reader
 * @finger: which finger is enrolled
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the enrolment ends
 * @user_data: data for @callback
 *
 * Enrols a finger: the person places it #IdemFingerprintReader:n-enroll-stages
 * times, and #IdemFingerprintReader::enroll-progress reports each scan, with
 * a hint when a scan is refused.
 */
void
idem_fingerprint_reader_enroll_async (IdemFingerprintReader *self,
                                      FpFinger               finger,
                                      GCancellable          *cancellable,
                                      GAsyncReadyCallback    callback,
                                      gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GDate) today = NULL;
  g_autoptr(GDateTime) now = NULL;
  GError *error = NULL;
  FpPrint *template;

  g_return_if_fail (IDEM_IS_FINGERPRINT_READER (self));
  g_return_if_fail (finger == FP_FINGER_UNKNOWN || FP_FINGER_IS_VALID (finger));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, idem_fingerprint_reader_enroll_async);
  /* Cancellation is reported in this component's own error domain. */
  g_task_set_check_cancellable (task, FALSE);

  if (!begin_operation (self, cancellable, TRUE, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  now = g_date_time_new_now_local ();
  today = g_date_new_dmy (g_date_time_get_day_of_month (now),
                          g_date_time_get_month (now),
                          g_date_time_get_year (now));

  /* Floating: fp_device_enroll() sinks it. */
  template = fp_print_new (self->device);
  fp_print_set_finger (template, finger);
  fp_print_set_enroll_date (template, today);

  fp_device_enroll (self->device, template, self->op_cancellable,
                    enroll_progress_cb, self, NULL,
                    enroll_cb, g_steal_pointer (&task));
}

/**
 * idem_fingerprint_reader_enroll_finish:
 * @self: a reader object
 * @result: the result given to the callback
 * @error: return location for an %IDEM_FINGERPRINT_READER_ERROR
 *
 * Returns: (transfer full) (nullable): the enrolled print; store it with
 *   idem_fingerprint_print_serialize()
 */
FpPrint *
idem_fingerprint_reader_enroll_finish (IdemFingerprintReader  *self,
                                       GAsyncResult           *result,
                                       GError                **error)
{
  g_return_val_if_fail (IDEM_IS_FINGERPRINT_READER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == idem_fingerprint_reader_enroll_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
verify_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  IdemFingerprintReader *self = g_task_get_source_object (task);
  GError *error = NULL;
  gboolean match = FALSE;

  end_operation (self);

  if (!fp_device_verify_finish (FP_DEVICE (object), result, &match, NULL, &error))
    {
      return_libfprint_error (task, error);
      return;
    }

  if (!match)
    {
      g_task_return_new_error (task, IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_NO_MATCH,
                               _("The finger does not match"));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

/**
 * idem_fingerprint_reader_verify_async:
 * @self: a reader object with an open reader
 * @enrolled_print: a print enrolled on the same kind of reader
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the finger was read
 * @user_data: data for @callback
 *
 * Reads a finger and compares it with @enrolled_print.
 */
void
idem_fingerprint_reader_verify_async (IdemFingerprintReader *self,
                                      FpPrint               *enrolled_print,
                                      GCancellable          *cancellable,
                                      GAsyncReadyCallback    callback,
                                      gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (IDEM_IS_FINGERPRINT_READER (self));
  g_return_if_fail (FP_IS_PRINT (enrolled_print));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, idem_fingerprint_reader_verify_async);
  /* Cancellation is reported in this component's own error domain. */
  g_task_set_check_cancellable (task, FALSE);

  if (self->device != NULL && !fp_print_compatible (enrolled_print, self->device))
    {
      g_task_return_new_error (task, IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_INVALID_PRINT,
                               _("The stored fingerprint was taken with another kind of reader"));
      return;
    }

  if (!begin_operation (self, cancellable, TRUE, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  fp_device_verify (self->device, enrolled_print, self->op_cancellable,
                    NULL, NULL, NULL,
                    verify_cb, g_steal_pointer (&task));
}

/**
 * idem_fingerprint_reader_verify_finish:
 * @self: a reader object
 * @result: the result given to the callback
 * @error: return location for an %IDEM_FINGERPRINT_READER_ERROR; a finger that was
 *   read but does not match gives %IDEM_FINGERPRINT_READER_ERROR_NO_MATCH
 *
 * Returns: %TRUE when the finger matches the print
 */
gboolean
idem_fingerprint_reader_verify_finish (IdemFingerprintReader  *self,
                                       GAsyncResult           *result,
                                       GError                **error)
{
  g_return_val_if_fail (IDEM_IS_FINGERPRINT_READER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == idem_fingerprint_reader_verify_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
capture_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  IdemFingerprintReader *self = g_task_get_source_object (task);
  g_autoptr(FpImage) image = NULL;
  g_autoptr(GBytes) pixels = NULL;
  CaptureResult *capture;
  GError *error = NULL;
  const guchar *data;
  gsize length = 0;

  end_operation (self);

  image = fp_device_capture_finish (FP_DEVICE (object), result, &error);
  if (image == NULL)
    {
      return_libfprint_error (task, error);
      return;
    }

  data = fp_image_get_data (image, &length);
  pixels = g_bytes_new (data, length);

  capture = g_new0 (CaptureResult, 1);
  capture->pixels_per_mm = fp_image_get_ppmm (image);
  /* libfprint runs NBIS on every captured image; the count is the quality
   * figure an operator can act on (too few: press harder, clean the glass). */
  if (fp_image_get_minutiae (image) != NULL)
    capture->n_minutiae = fp_image_get_minutiae (image)->len;
  capture->frame = idem_video_frame_new (IDEM_PIXEL_FORMAT_GRAY8,
                                         fp_image_get_width (image),
                                         fp_image_get_height (image),
                                         fp_image_get_width (image),
                                         pixels,
                                         &error);
  if (capture->frame == NULL)
    {
      capture_result_free (capture);
      g_task_return_new_error (task, IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_DEVICE_ERROR,
                               _("The fingerprint reader sent a damaged image (%s)"),
                               error->message);
      g_error_free (error);
      return;
    }

  g_task_return_pointer (task, capture, (GDestroyNotify) capture_result_free);
}

/**
 * idem_fingerprint_reader_capture_async:
 * @self: a reader object with an open image reader
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when a finger was scanned
 * @user_data: data for @callback
 *
 * Waits for a finger and returns its grey image, for a server-side ABIS to
 * make its own templates.  Readers that only match on the chip fail with
 * %IDEM_FINGERPRINT_READER_ERROR_NOT_SUPPORTED.
 */
void
idem_fingerprint_reader_capture_async (IdemFingerprintReader *self,
                                       GCancellable          *cancellable,
                                       GAsyncReadyCallback    callback,
                                       gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (IDEM_IS_FINGERPRINT_READER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, idem_fingerprint_reader_capture_async);
  /* Cancellation is reported in this component's own error domain. */
  g_task_set_check_cancellable (task, FALSE);

  if (self->device != NULL && !fp_device_has_feature (self->device, FP_DEVICE_FEATURE_CAPTURE))
    {
      g_task_return_new_error (task, IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_NOT_SUPPORTED,
                               _("This fingerprint reader does not give images"));
      return;
    }

  if (!begin_operation (self, cancellable, TRUE, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  fp_device_capture (self->device, TRUE, self->op_cancellable,
                     capture_cb, g_steal_pointer (&task));
}

/**
 * idem_fingerprint_reader_capture_finish:
 * @self: a reader object
 * @result: the result given to the callback
 * @pixels_per_mm: (out) (optional): the image's resolution, 0 when the reader
 *   does not state it
 * @n_minutiae: (out) (optional): how many minutiae libfprint's NBIS found in
 *   the image; under 10 the image is too poor to match
 * @error: return location for an %IDEM_FINGERPRINT_READER_ERROR
 *
 * Returns: (transfer full) (nullable): the grey image, dark ridges on light
 */
IdemVideoFrame *
idem_fingerprint_reader_capture_finish (IdemFingerprintReader  *self,
                                        GAsyncResult           *result,
                                        double                 *pixels_per_mm,
                                        guint                  *n_minutiae,
                                        GError                **error)
{
  CaptureResult *capture;
  IdemVideoFrame *frame;

  g_return_val_if_fail (IDEM_IS_FINGERPRINT_READER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == idem_fingerprint_reader_capture_async, NULL);

  capture = g_task_propagate_pointer (G_TASK (result), error);
  if (capture == NULL)
    return NULL;

  if (pixels_per_mm != NULL)
    *pixels_per_mm = capture->pixels_per_mm;
  if (n_minutiae != NULL)
    *n_minutiae = capture->n_minutiae;
  frame = g_steal_pointer (&capture->frame);
  capture_result_free (capture);

  return frame;
}

/**
 * idem_fingerprint_print_serialize:
 * @print: an enrolled print
 * @error: return location for an %IDEM_FINGERPRINT_READER_ERROR
 *
 * Returns: (transfer full) (nullable): the print in libfprint's storage
 *   format, for the database
 */
GBytes *
idem_fingerprint_print_serialize (FpPrint  *print,
                                  GError  **error)
{
  g_autoptr(GError) local_error = NULL;
  guchar *data = NULL;
  gsize length = 0;

  g_return_val_if_fail (FP_IS_PRINT (print), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!fp_print_serialize (print, &data, &length, &local_error))
    {
      g_set_error (error, IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_INVALID_PRINT,
                   _("The fingerprint cannot be stored (%s)"), local_error->message);
      return NULL;
    }

  return g_bytes_new_take (data, length);
}

/* libfprint's storage format: "FP3" then a GVariant.  Its own parser asserts
 * on short input and warns on unknown print types, and a warning is a bug in
 * Idem's book, so damaged bytes from a database are refused here first. */
#define FP_PRINT_MAGIC        "FP3"
#define FP_PRINT_VARIANT_TYPE "(issbymsmsia{sv}v)"
#define FP_PRINT_TYPE_RAW     1
#define FP_PRINT_TYPE_NBIS    2

static gboolean
print_data_is_well_formed (const guchar *data,
                           gsize         length)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GVariant) variant = NULL;
  g_autoptr(GVariant) normal = NULL;
  g_autoptr(GVariant) payload = NULL;
  g_autoptr(GVariant) inner = NULL;
  gint32 print_type;
  gint32 julian_date;

  if (length <= strlen (FP_PRINT_MAGIC) || memcmp (data, FP_PRINT_MAGIC, strlen (FP_PRINT_MAGIC)) != 0)
    return FALSE;

  body = g_bytes_new (data + strlen (FP_PRINT_MAGIC), length - strlen (FP_PRINT_MAGIC));
  variant = g_variant_new_from_bytes (G_VARIANT_TYPE (FP_PRINT_VARIANT_TYPE), body, FALSE);
  if (G_BYTE_ORDER == G_BIG_ENDIAN)
    normal = g_variant_byteswap (variant);
  else
    normal = g_variant_get_normal_form (variant);

  g_variant_get (normal, "(i&s&sbym&sm&si@a{sv}v)",
                 &print_type, NULL, NULL, NULL, NULL, NULL, NULL,
                 &julian_date, NULL, &payload);

  if (julian_date != G_MININT32 && (julian_date <= 0 || !g_date_valid_julian ((guint32) julian_date)))
    return FALSE;

  switch (print_type)
    {
    case FP_PRINT_TYPE_RAW:
      return g_variant_is_of_type (payload, G_VARIANT_TYPE_VARIANT);

    case FP_PRINT_TYPE_NBIS:
      return g_variant_is_of_type (payload, G_VARIANT_TYPE ("(a(aiaiai))"));

    default:
      return FALSE;
    }
}

/**
 * idem_fingerprint_print_deserialize:
 * @data: bytes from idem_fingerprint_print_serialize()
 * @error: return location for an %IDEM_FINGERPRINT_READER_ERROR
 *
 * Returns: (transfer full) (nullable): the print, or %NULL with
 *   %IDEM_FINGERPRINT_READER_ERROR_INVALID_PRINT when the bytes are not one
 */
FpPrint *
idem_fingerprint_print_deserialize (GBytes  *data,
                                    GError **error)
{
  g_autoptr(GError) local_error = NULL;
  FpPrint *print;
  gsize length = 0;
  const guchar *bytes;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  bytes = g_bytes_get_data (data, &length);
  if (length == 0)
    {
      g_set_error_literal (error, IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_INVALID_PRINT,
                           _("The stored fingerprint is empty"));
      return NULL;
    }

  if (!print_data_is_well_formed (bytes, length))
    {
      g_set_error_literal (error, IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_INVALID_PRINT,
                           _("The stored fingerprint is damaged"));
      return NULL;
    }

  print = fp_print_deserialize (bytes, length, &local_error);
  if (print == NULL)
    {
      g_set_error (error, IDEM_FINGERPRINT_READER_ERROR, IDEM_FINGERPRINT_READER_ERROR_INVALID_PRINT,
                   _("The stored fingerprint is damaged (%s)"), local_error->message);
      return NULL;
    }

  /* Already sunk by libfprint. */
  return print;
}
