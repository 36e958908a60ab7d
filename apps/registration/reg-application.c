/* reg-application.c — the registration client's application object
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "reg-application"

#include "config.h"

#include "reg-application.h"
#include "reg-window.h"

#include <glib/gi18n.h>

struct _RegApplication
{
  IdemApplication  parent_instance;

  RegMachine      *machine;
  RegSync         *sync;
  char            *sync_url;
  GError          *machine_error;
  gboolean         machine_loaded;
};

G_DEFINE_FINAL_TYPE (RegApplication, reg_application, IDEM_TYPE_APPLICATION)

static GtkWindow *
reg_application_create_window (IdemApplication *application)
{
  return GTK_WINDOW (reg_window_new (REG_APPLICATION (application)));
}

static void
reg_application_retranslate_window (IdemApplication *application,
                                    GtkWindow       *window)
{
  if (REG_IS_WINDOW (window))
    reg_window_retranslate (REG_WINDOW (window));
}

static void
reg_application_dispose (GObject *object)
{
  RegApplication *self = REG_APPLICATION (object);

  g_clear_object (&self->sync);
  g_clear_pointer (&self->sync_url, g_free);
  g_clear_object (&self->machine);
  g_clear_error (&self->machine_error);

  G_OBJECT_CLASS (reg_application_parent_class)->dispose (object);
}

static void
reg_application_class_init (RegApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  IdemApplicationClass *idem_application_class = IDEM_APPLICATION_CLASS (klass);

  object_class->dispose = reg_application_dispose;

  idem_application_class->create_window = reg_application_create_window;
  idem_application_class->retranslate_window = reg_application_retranslate_window;
}

static void
reg_application_init (RegApplication *self)
{
}

RegApplication *
reg_application_new (void)
{
  return g_object_new (REG_TYPE_APPLICATION,
                       "application-id", REG_APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/org/idem/Registration",
                       NULL);
}

/**
 * reg_application_get_machine:
 * @self: a #RegApplication
 * @error: return location for a #GError
 *
 * Opens the workstation's store and machine the first time it is called,
 * in the directory reg_store_get_default_directory() names.
 *
 * Returns: (transfer none): the machine, or %NULL with @error set when the
 *   store cannot be opened
 */
RegMachine *
reg_application_get_machine (RegApplication  *self,
                             GError         **error)
{
  g_return_val_if_fail (REG_IS_APPLICATION (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!self->machine_loaded)
    {
      g_autofree char *directory = reg_store_get_default_directory ();
      g_autoptr(RegStore) store = NULL;

      self->machine_loaded = TRUE;
      store = reg_store_new (directory, &self->machine_error);
      if (store != NULL)
        self->machine = reg_machine_new (store, NULL, &self->machine_error);
    }

  if (self->machine == NULL)
    {
      g_propagate_error (error, g_error_copy (self->machine_error));
      return NULL;
    }

  return self->machine;
}

/* A server with a self-signed certificate (a demo, a training centre) is
 * trusted only when its certificate is given explicitly, never by
 * lowering the check: IDEM_SERVER_CERTIFICATE names that PEM file. */
static void
pin_server_certificate (RegSync *sync)
{
  const char *path = g_getenv ("IDEM_SERVER_CERTIFICATE");
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;

  if (path == NULL || path[0] == '\0')
    return;

  certificate = g_tls_certificate_new_from_file (path, &error);
  if (certificate == NULL)
    {
      g_printerr (_("Cannot read the server certificate named by IDEM_SERVER_CERTIFICATE: %s\n"), error->message);
      return;
    }

  reg_sync_set_pinned_certificate (sync, certificate);
}

/**
 * reg_application_get_sync:
 * @self: a #RegApplication
 *
 * The sync of the machine with the server in the `server-url` setting;
 * made again when the setting changed.
 *
 * Returns: (transfer none) (nullable): the sync, or %NULL when the machine
 *   cannot be opened or no server is set
 */
RegSync *
reg_application_get_sync (RegApplication *self)
{
  g_autofree char *server_url = NULL;
  RegMachine *machine;

  g_return_val_if_fail (REG_IS_APPLICATION (self), NULL);

  machine = reg_application_get_machine (self, NULL);
  server_url = g_settings_get_string (idem_application_get_settings (IDEM_APPLICATION (self)), "server-url");
  if (machine == NULL || server_url[0] == '\0')
    return NULL;

  if (self->sync == NULL || g_strcmp0 (self->sync_url, server_url) != 0)
    {
      g_clear_object (&self->sync);
      self->sync = reg_sync_new (machine, server_url);
      pin_server_certificate (self->sync);
      g_free (self->sync_url);
      self->sync_url = g_steal_pointer (&server_url);
    }

  return self->sync;
}
