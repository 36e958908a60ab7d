/* idem-form.c — inline errors next to form fields
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "idem-form"

#include "config.h"

#include "idem-ui.h"

/**
 * idem_form_show_error:
 * @field: the entry whose content is wrong
 * @error_label: the label under @field that explains the problem
 * @message: what is wrong and how to put it right
 *
 * Shows @message next to @field, draws @field in the error colour and tells
 * assistive technologies that @field is invalid and described by @message,
 * so that a screen reader reads the reason along with the field.
 */
void
idem_form_show_error (GtkWidget  *field,
                      GtkLabel   *error_label,
                      const char *message)
{
  g_return_if_fail (GTK_IS_WIDGET (field));
  g_return_if_fail (GTK_IS_LABEL (error_label));
  g_return_if_fail (message != NULL);

  gtk_label_set_text (error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (error_label), TRUE);
  gtk_widget_add_css_class (field, "error");
  gtk_accessible_update_state (GTK_ACCESSIBLE (field),
                               GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                               -1);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (field),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, error_label, NULL,
                                  -1);
}

/**
 * idem_form_clear_error:
 * @field: an entry
 * @error_label: the label under @field that explains a problem
 *
 * Undoes idem_form_show_error().
 */
void
idem_form_clear_error (GtkWidget *field,
                       GtkLabel  *error_label)
{
  g_return_if_fail (GTK_IS_WIDGET (field));
  g_return_if_fail (GTK_IS_LABEL (error_label));

  gtk_label_set_text (error_label, "");
  gtk_widget_set_visible (GTK_WIDGET (error_label), FALSE);
  gtk_widget_remove_css_class (field, "error");
  gtk_accessible_reset_state (GTK_ACCESSIBLE (field), GTK_ACCESSIBLE_STATE_INVALID);
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (field), GTK_ACCESSIBLE_RELATION_DESCRIBED_BY);
}
