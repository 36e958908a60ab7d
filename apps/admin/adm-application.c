/* adm-application.c — the admin console's application object
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "adm-application"

#include "config.h"

#include "adm-application.h"
#include "adm-window.h"

struct _AdmApplication
{
  IdemApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (AdmApplication, adm_application, IDEM_TYPE_APPLICATION)

static GtkWindow *
adm_application_create_window (IdemApplication *application)
{
  return GTK_WINDOW (adm_window_new (ADM_APPLICATION (application)));
}

static void
adm_application_retranslate_window (IdemApplication *application,
                                    GtkWindow       *window)
{
  if (ADM_IS_WINDOW (window))
    adm_window_retranslate (ADM_WINDOW (window));
}

static void
adm_application_class_init (AdmApplicationClass *klass)
{
  IdemApplicationClass *idem_application_class = IDEM_APPLICATION_CLASS (klass);

  idem_application_class->create_window = adm_application_create_window;
  idem_application_class->retranslate_window = adm_application_retranslate_window;
}

static void
adm_application_init (AdmApplication *self)
{
}

AdmApplication *
adm_application_new (void)
{
  return g_object_new (ADM_TYPE_APPLICATION,
                       "application-id", ADM_APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/org/idem/Admin",
                       NULL);
}
