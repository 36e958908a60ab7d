/* idem-application.h
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#if !defined(IDEM_INSIDE) && !defined(IDEM_COMPILATION)
# error "Only <idem-ui.h> can be included directly."
#endif

#include <adwaita.h>

G_BEGIN_DECLS

#define IDEM_TYPE_APPLICATION (idem_application_get_type ())

G_DECLARE_DERIVABLE_TYPE (IdemApplication, idem_application, IDEM, APPLICATION, AdwApplication)

/**
 * IdemApplicationClass:
 * @parent_class: the parent class
 * @create_window: returns a new main window of the application, which
 *   #GApplication::activate presents when no window is active
 * @retranslate_window: shows @window's texts in the language now chosen;
 *   called for each window of the application, including windows of other
 *   types, which it leaves as they are
 *
 * What each of the three apps says about its own windows.
 */
struct _IdemApplicationClass
{
  AdwApplicationClass parent_class;

  GtkWindow * (*create_window)      (IdemApplication *self);
  void        (*retranslate_window) (IdemApplication *self,
                                     GtkWindow       *window);
};

GSettings *idem_application_get_settings (IdemApplication *self);

G_END_DECLS
