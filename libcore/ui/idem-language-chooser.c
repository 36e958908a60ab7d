/* idem-language-chooser.c — one button per language, each in its own script
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "idem-language-chooser"

#include "config.h"

#include "idem-ui.h"

#include <glib/gi18n-lib.h>

/**
 * IdemLanguageChooser:
 *
 * A row of toggle buttons, one per language Idem is translated into, each
 * labelled with the language's own name so that a reader finds it whatever
 * language the screen shows now.
 *
 * The buttons are bound to the application's stateful `app.language` action
 * (a string state holding the language code): the application owns the
 * choice, stores it and applies it, and the button of the current language
 * shows as pressed.  Several choosers, in several windows, stay in agreement
 * without knowing about each other.
 */
struct _IdemLanguageChooser
{
  GtkWidget parent_instance;

  gboolean  large;
};

G_DEFINE_FINAL_TYPE (IdemLanguageChooser, idem_language_chooser, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_LARGE,
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];

static void
idem_language_chooser_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (idem_language_chooser_parent_class)->dispose (object);
}

static void
idem_language_chooser_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  IdemLanguageChooser *self = IDEM_LANGUAGE_CHOOSER (object);

  switch (prop_id)
    {
    case PROP_LARGE:
      g_value_set_boolean (value, self->large);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
idem_language_chooser_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  IdemLanguageChooser *self = IDEM_LANGUAGE_CHOOSER (object);

  switch (prop_id)
    {
    case PROP_LARGE:
      idem_language_chooser_set_large (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
idem_language_chooser_class_init (IdemLanguageChooserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = idem_language_chooser_dispose;
  object_class->get_property = idem_language_chooser_get_property;
  object_class->set_property = idem_language_chooser_set_property;

  /**
   * IdemLanguageChooser:large:
   *
   * Whether the buttons are big and apart, for a touch screen, rather than a
   * compact linked group for a header bar.
   */
  properties[PROP_LARGE] =
    g_param_spec_boolean ("large", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "idemlanguagechooser");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
idem_language_chooser_init (IdemLanguageChooser *self)
{
  const IdemLanguage *languages;
  guint n_languages = 0;

  gtk_widget_add_css_class (GTK_WIDGET (self), "linked");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Language"),
                                  -1);

  languages = idem_language_get_all (&n_languages);
  for (guint i = 0; i < n_languages; i++)
    {
      GtkWidget *button = gtk_toggle_button_new_with_label (languages[i].native_name);

      gtk_widget_set_name (button, languages[i].code);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "app.language");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", languages[i].code);
      gtk_widget_set_parent (button, GTK_WIDGET (self));
    }
}

/**
 * idem_language_chooser_new:
 *
 * Returns: (transfer floating): a new language chooser
 */
GtkWidget *
idem_language_chooser_new (void)
{
  return g_object_new (IDEM_TYPE_LANGUAGE_CHOOSER, NULL);
}

gboolean
idem_language_chooser_get_large (IdemLanguageChooser *self)
{
  g_return_val_if_fail (IDEM_IS_LANGUAGE_CHOOSER (self), FALSE);

  return self->large;
}

void
idem_language_chooser_set_large (IdemLanguageChooser *self,
                                 gboolean             large)
{
  GtkLayoutManager *layout;

  g_return_if_fail (IDEM_IS_LANGUAGE_CHOOSER (self));

  large = !!large;
  if (self->large == large)
    return;

  self->large = large;

  layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), large ? 18 : 0);
  gtk_box_layout_set_homogeneous (GTK_BOX_LAYOUT (layout), large);

  if (large)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self), "linked");
      gtk_widget_add_css_class (GTK_WIDGET (self), "large");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self), "large");
      gtk_widget_add_css_class (GTK_WIDGET (self), "linked");
    }

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (large)
        gtk_widget_add_css_class (child, "pill");
      else
        gtk_widget_remove_css_class (child, "pill");
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LARGE]);
}
