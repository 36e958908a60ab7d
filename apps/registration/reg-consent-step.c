/* reg-consent-step.c — the resident's consent, first step of a registration
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "reg-consent-step"

#include "config.h"

#include "reg-consent-step.h"

#include <glib/gi18n.h>

struct _RegConsentStep
{
  AdwBin          parent_instance;

  GtkCheckButton *accept_check;
  gboolean        accepted;
};

G_DEFINE_FINAL_TYPE (RegConsentStep, reg_consent_step, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_ACCEPTED,
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];

static void
reg_consent_step_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  RegConsentStep *self = REG_CONSENT_STEP (object);

  switch (prop_id)
    {
    case PROP_ACCEPTED:
      g_value_set_boolean (value, self->accepted);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
reg_consent_step_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  RegConsentStep *self = REG_CONSENT_STEP (object);

  switch (prop_id)
    {
    case PROP_ACCEPTED:
      reg_consent_step_set_accepted (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
reg_consent_step_class_init (RegConsentStepClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = reg_consent_step_get_property;
  object_class->set_property = reg_consent_step_set_property;

  properties[PROP_ACCEPTED] =
    g_param_spec_boolean ("accepted", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_property_action (widget_class, "consent.accept", "accepted");
}

static void
reg_consent_step_init (RegConsentStep *self)
{
}

/**
 * reg_consent_step_new:
 * @text: (nullable): the consent text from the UI spec; a default when %NULL
 *
 * Returns: (transfer floating): a consent step
 */
GtkWidget *
reg_consent_step_new (const char *text)
{
  RegConsentStep *self = g_object_new (REG_TYPE_CONSENT_STEP, NULL);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  GtkWidget *title = gtk_label_new (_("Consent"));
  GtkWidget *body;

  if (text == NULL)
    text = _("The information and biometrics collected here are used to establish the resident’s identity "
             "and are kept by the identity authority under the law. The resident has been told why they are "
             "collected, who may see them and how to ask for their correction.");
  body = gtk_label_new (text);

  gtk_widget_set_margin_top (box, 24);
  gtk_widget_set_margin_bottom (box, 24);
  gtk_widget_set_margin_start (box, 24);
  gtk_widget_set_margin_end (box, 24);
  gtk_widget_add_css_class (title, "title-2");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_accessible_update_property (GTK_ACCESSIBLE (title), GTK_ACCESSIBLE_PROPERTY_LEVEL, 2, -1);
  gtk_label_set_wrap (GTK_LABEL (body), TRUE);
  gtk_label_set_xalign (GTK_LABEL (body), 0);

  self->accept_check = GTK_CHECK_BUTTON (gtk_check_button_new_with_mnemonic (_("The resident _agrees")));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->accept_check), "consent.accept");

  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), body);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->accept_check));
  adw_bin_set_child (ADW_BIN (self), box);

  return GTK_WIDGET (self);
}

gboolean
reg_consent_step_get_accepted (RegConsentStep *self)
{
  g_return_val_if_fail (REG_IS_CONSENT_STEP (self), FALSE);

  return self->accepted;
}

void
reg_consent_step_set_accepted (RegConsentStep *self,
                               gboolean        accepted)
{
  g_return_if_fail (REG_IS_CONSENT_STEP (self));

  accepted = !!accepted;
  if (self->accepted == accepted)
    return;

  self->accepted = accepted;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCEPTED]);
}
