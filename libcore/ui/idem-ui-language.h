/* idem-ui-language.h
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#if !defined(IDEM_INSIDE) && !defined(IDEM_COMPILATION)
# error "Only <idem-ui.h> can be included directly."
#endif

#include <gtk/gtk.h>

G_BEGIN_DECLS

void           idem_ui_i18n_init          (void);
gboolean       idem_ui_apply_language     (const char *code);
GSimpleAction *idem_language_action_new   (GSettings  *settings,
                                           const char *key);

G_END_DECLS
