/* idem-language.h
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#if !defined(IDEM_INSIDE) && !defined(IDEM_COMPILATION)
# error "Only <idem.h> can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

/**
 * IdemLanguage:
 * @code: the ISO 639-1 code used for gettext ("en", "fr", "ar")
 * @iso639_3: the ISO 639-3 code MOSIP uses in identity data ("eng", "fra", "ara")
 * @native_name: the language's name written in that language
 * @right_to_left: whether the script is written right to left
 *
 * A language the user interface is translated into.
 */
typedef struct
{
  const char *code;
  const char *iso639_3;
  const char *native_name;
  gboolean    right_to_left;
} IdemLanguage;

void                idem_i18n_init                  (void);
const IdemLanguage *idem_language_get_all           (guint      *n_languages);
const IdemLanguage *idem_language_lookup            (const char *code);
const IdemLanguage *idem_language_get_default       (void);
const IdemLanguage *idem_language_get_current       (void);
gboolean            idem_language_set_current       (const char *code);

G_END_DECLS
