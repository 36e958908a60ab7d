/* reg-application.c — the registration client's application object
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "reg-application"

#include "config.h"

#include "reg-application.h"
#include "reg-window.h"

struct _RegApplication
{
  IdemApplication parent_instance;
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
reg_application_class_init (RegApplicationClass *klass)
{
  IdemApplicationClass *idem_application_class = IDEM_APPLICATION_CLASS (klass);

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
