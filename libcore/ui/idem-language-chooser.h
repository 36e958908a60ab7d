/* idem-language-chooser.h
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#if !defined(IDEM_INSIDE) && !defined(IDEM_COMPILATION)
# error "Only <idem-ui.h> can be included directly."
#endif

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define IDEM_TYPE_LANGUAGE_CHOOSER (idem_language_chooser_get_type ())

G_DECLARE_FINAL_TYPE (IdemLanguageChooser, idem_language_chooser, IDEM, LANGUAGE_CHOOSER, GtkWidget)

GtkWidget *idem_language_chooser_new       (void);
gboolean   idem_language_chooser_get_large (IdemLanguageChooser *self);
void       idem_language_chooser_set_large (IdemLanguageChooser *self,
                                            gboolean             large);

G_END_DECLS
