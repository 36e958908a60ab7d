/* reg-preview-step.c — everything collected, and the operator's password to seal it
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "reg-preview-step"

#include "config.h"

#include "reg-preview-step.h"

#include <glib/gi18n.h>

struct _RegPreviewStep
{
  AdwBin      parent_instance;

  GtkPicture *photo;
  GtkListBox *list;
  GtkWidget  *password_entry;
  GtkLabel   *password_error;
};

G_DEFINE_FINAL_TYPE (RegPreviewStep, reg_preview_step, ADW_TYPE_BIN)

/* Enter in the password saves, as the Save button does. */
static void
password_activated_cb (AdwEntryRow    *row,
                       RegPreviewStep *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "flow.next", NULL);
}

static void
reg_preview_step_class_init (RegPreviewStepClass *klass)
{
}

static void
reg_preview_step_init (RegPreviewStep *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *password_list = gtk_list_box_new ();

  self->photo = GTK_PICTURE (gtk_picture_new ());
  gtk_widget_set_size_request (GTK_WIDGET (self->photo), 160, 120);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->photo), GTK_ACCESSIBLE_PROPERTY_LABEL, _("The resident’s photo"), -1);
  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");

  self->password_entry = adw_password_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->password_entry), _("Your password, to seal the registration"));
  g_signal_connect (self->password_entry, "entry-activated", G_CALLBACK (password_activated_cb), self);
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (password_list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (password_list, "boxed-list");
  gtk_list_box_append (GTK_LIST_BOX (password_list), self->password_entry);
  self->password_error = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->password_error), "error");
  gtk_label_set_xalign (self->password_error, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->password_error), FALSE);

  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->photo));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->list));
  gtk_box_append (GTK_BOX (box), password_list);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->password_error));
  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_widget_set_vexpand (scrolled, TRUE);
  adw_bin_set_child (ADW_BIN (self), scrolled);
}

GtkWidget *
reg_preview_step_new (void)
{
  return g_object_new (REG_TYPE_PREVIEW_STEP, NULL);
}

/**
 * reg_preview_step_show:
 * @self: the preview
 * @summary: (element-type utf8): label, value, label, value…
 * @photo: (nullable): the face photo
 *
 * Fills the preview with what was collected, and clears the password.
 */
void
reg_preview_step_show (RegPreviewStep *self,
                       GPtrArray      *summary,
                       IdemVideoFrame *photo)
{
  GtkWidget *child;

  g_return_if_fail (REG_IS_PREVIEW_STEP (self));
  g_return_if_fail (summary != NULL && summary->len % 2 == 0);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);

  for (guint i = 0; i < summary->len; i += 2)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), g_ptr_array_index (summary, i + 1));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), g_ptr_array_index (summary, i));
      gtk_widget_add_css_class (row, "property");
      gtk_list_box_append (self->list, row);
    }

  if (photo != NULL)
    {
      g_autoptr(GdkTexture) texture = idem_video_frame_to_texture (photo);

      gtk_picture_set_paintable (self->photo, GDK_PAINTABLE (texture));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->photo), photo != NULL);

  gtk_editable_set_text (GTK_EDITABLE (self->password_entry), "");
  idem_form_clear_error (self->password_entry, self->password_error);
}

const char *
reg_preview_step_get_password (RegPreviewStep *self)
{
  g_return_val_if_fail (REG_IS_PREVIEW_STEP (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->password_entry));
}

void
reg_preview_step_set_password (RegPreviewStep *self,
                               const char     *password)
{
  g_return_if_fail (REG_IS_PREVIEW_STEP (self));
  g_return_if_fail (password != NULL);

  gtk_editable_set_text (GTK_EDITABLE (self->password_entry), password);
}

/**
 * reg_preview_step_show_error:
 * @self: the preview
 * @message: (nullable): what is wrong with the password, or %NULL to clear
 */
void
reg_preview_step_show_error (RegPreviewStep *self,
                             const char     *message)
{
  g_return_if_fail (REG_IS_PREVIEW_STEP (self));

  if (message == NULL)
    {
      idem_form_clear_error (self->password_entry, self->password_error);
      return;
    }

  idem_form_show_error (self->password_entry, self->password_error, message);
  gtk_widget_grab_focus (self->password_entry);
}
