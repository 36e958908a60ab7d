/* kiosk-login-page.c — the resident gives their UIN or VID
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "kiosk-login-page"

#include "config.h"

#include "kiosk-login-page.h"
#include "kiosk-individual-id.h"

#include <glib/gi18n.h>

struct _KioskLoginPage
{
  AdwBin     parent_instance;

  GtkEntry  *id_entry;
  GtkLabel  *id_error;
  GtkWidget *status_box;
  GtkLabel  *status_title;
  GtkLabel  *status_label;
  GtkWidget *continue_button;
};

G_DEFINE_FINAL_TYPE (KioskLoginPage, kiosk_login_page, ADW_TYPE_BIN)

static void
continue_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  KioskLoginPage *self = KIOSK_LOGIN_PAGE (widget);
  g_autoptr(GError) error = NULL;
  KioskIndividualIdType type;

  gtk_widget_set_visible (self->status_box, FALSE);

  type = kiosk_individual_id_parse (gtk_editable_get_text (GTK_EDITABLE (self->id_entry)), NULL, &error);
  if (type == KIOSK_INDIVIDUAL_ID_NONE)
    {
      idem_form_show_error (GTK_WIDGET (self->id_entry), self->id_error, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->id_entry));
      return;
    }

  idem_form_clear_error (GTK_WIDGET (self->id_entry), self->id_error);

  /* The next step sends a one-time password through the server, which the
   * kiosk does not talk to yet: say so instead of pretending. */
  gtk_label_set_text (self->status_title,
                      type == KIOSK_INDIVIDUAL_ID_UIN ? _("This is a UIN")
                                                      : _("This is a VID"));
  gtk_label_set_text (self->status_label,
                      _("This kiosk is not connected to the Idem server yet, so it cannot send you "
                        "a one-time password. Please ask at the counter."));
  gtk_widget_set_visible (self->status_box, TRUE);
}

static void
id_changed_cb (KioskLoginPage *self)
{
  if (gtk_widget_get_visible (GTK_WIDGET (self->id_error)))
    idem_form_clear_error (GTK_WIDGET (self->id_entry), self->id_error);
  gtk_widget_set_visible (self->status_box, FALSE);
}

static void
kiosk_login_page_map (GtkWidget *widget)
{
  KioskLoginPage *self = KIOSK_LOGIN_PAGE (widget);

  GTK_WIDGET_CLASS (kiosk_login_page_parent_class)->map (widget);

  gtk_window_set_default_widget (GTK_WINDOW (gtk_widget_get_root (widget)), self->continue_button);
  gtk_widget_grab_focus (GTK_WIDGET (self->id_entry));
}

static void
kiosk_login_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), KIOSK_TYPE_LOGIN_PAGE);

  G_OBJECT_CLASS (kiosk_login_page_parent_class)->dispose (object);
}

static void
kiosk_login_page_class_init (KioskLoginPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kiosk_login_page_dispose;

  widget_class->map = kiosk_login_page_map;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/idem/ResidentKiosk/kiosk-login-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KioskLoginPage, id_entry);
  gtk_widget_class_bind_template_child (widget_class, KioskLoginPage, id_error);
  gtk_widget_class_bind_template_child (widget_class, KioskLoginPage, status_box);
  gtk_widget_class_bind_template_child (widget_class, KioskLoginPage, status_title);
  gtk_widget_class_bind_template_child (widget_class, KioskLoginPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, KioskLoginPage, continue_button);
  gtk_widget_class_bind_template_callback (widget_class, id_changed_cb);

  gtk_widget_class_install_action (widget_class, "login-page.continue", NULL, continue_action);
}

static void
kiosk_login_page_init (KioskLoginPage *self)
{
  g_type_ensure (IDEM_TYPE_LANGUAGE_CHOOSER);

  gtk_widget_init_template (GTK_WIDGET (self));
}

KioskLoginPage *
kiosk_login_page_new (void)
{
  return g_object_new (KIOSK_TYPE_LOGIN_PAGE, NULL);
}

const char *
kiosk_login_page_get_individual_id (KioskLoginPage *self)
{
  g_return_val_if_fail (KIOSK_IS_LOGIN_PAGE (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->id_entry));
}

void
kiosk_login_page_set_individual_id (KioskLoginPage *self,
                                    const char     *individual_id)
{
  g_return_if_fail (KIOSK_IS_LOGIN_PAGE (self));
  g_return_if_fail (individual_id != NULL);

  gtk_editable_set_text (GTK_EDITABLE (self->id_entry), individual_id);
}
