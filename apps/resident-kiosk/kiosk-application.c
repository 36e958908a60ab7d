/* kiosk-application.c — the resident kiosk's application object
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "kiosk-application"

#include "config.h"

#include "kiosk-application.h"
#include "kiosk-window.h"

struct _KioskApplication
{
  IdemApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (KioskApplication, kiosk_application, IDEM_TYPE_APPLICATION)

static GtkWindow *
kiosk_application_create_window (IdemApplication *application)
{
  return GTK_WINDOW (kiosk_window_new (KIOSK_APPLICATION (application)));
}

static void
kiosk_application_retranslate_window (IdemApplication *application,
                                      GtkWindow       *window)
{
  if (KIOSK_IS_WINDOW (window))
    kiosk_window_retranslate (KIOSK_WINDOW (window));
}

static void
kiosk_application_class_init (KioskApplicationClass *klass)
{
  IdemApplicationClass *idem_application_class = IDEM_APPLICATION_CLASS (klass);

  idem_application_class->create_window = kiosk_application_create_window;
  idem_application_class->retranslate_window = kiosk_application_retranslate_window;
}

static void
kiosk_application_init (KioskApplication *self)
{
}

KioskApplication *
kiosk_application_new (void)
{
  return g_object_new (KIOSK_TYPE_APPLICATION,
                       "application-id", KIOSK_APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/org/idem/ResidentKiosk",
                       NULL);
}
