/* kiosk-welcome-page.c — the kiosk's idle screen: language, then log in
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "kiosk-welcome-page"

#include "config.h"

#include "kiosk-welcome-page.h"

struct _KioskWelcomePage
{
  AdwBin     parent_instance;

  GtkWidget *login_button;
};

G_DEFINE_FINAL_TYPE (KioskWelcomePage, kiosk_welcome_page, ADW_TYPE_BIN)

static void
kiosk_welcome_page_map (GtkWidget *widget)
{
  KioskWelcomePage *self = KIOSK_WELCOME_PAGE (widget);

  GTK_WIDGET_CLASS (kiosk_welcome_page_parent_class)->map (widget);

  gtk_window_set_default_widget (GTK_WINDOW (gtk_widget_get_root (widget)), self->login_button);
  gtk_widget_grab_focus (self->login_button);
}

static void
kiosk_welcome_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), KIOSK_TYPE_WELCOME_PAGE);

  G_OBJECT_CLASS (kiosk_welcome_page_parent_class)->dispose (object);
}

static void
kiosk_welcome_page_class_init (KioskWelcomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kiosk_welcome_page_dispose;

  widget_class->map = kiosk_welcome_page_map;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/idem/ResidentKiosk/kiosk-welcome-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KioskWelcomePage, login_button);
}

static void
kiosk_welcome_page_init (KioskWelcomePage *self)
{
  g_type_ensure (IDEM_TYPE_LANGUAGE_CHOOSER);

  gtk_widget_init_template (GTK_WIDGET (self));
}

KioskWelcomePage *
kiosk_welcome_page_new (void)
{
  return g_object_new (KIOSK_TYPE_WELCOME_PAGE, NULL);
}
