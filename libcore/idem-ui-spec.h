/* idem-ui-spec.h — MOSIP-style UI specs: the screens of a registration form
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A UI spec lists screens, each with fields that name ID schema fields and
 * say how to capture them: the control, a label per language, the group,
 * whether input is required, the master-data type behind a dropdown and
 * when the field is shown.  The registration form is generated from it.
 */

#pragma once

#if !defined(IDEM_INSIDE) && !defined(IDEM_COMPILATION)
# error "Only <idem.h> can be included directly."
#endif

#include <gio/gio.h>

#include "idem-id-schema.h"

G_BEGIN_DECLS

#define IDEM_UI_SPEC_ERROR (idem_ui_spec_error_quark ())

/**
 * IdemUiSpecError:
 * @IDEM_UI_SPEC_ERROR_PARSE: the text is not JSON
 * @IDEM_UI_SPEC_ERROR_MALFORMED: the JSON is not a UI spec; the message
 *   names the JSON path of the fault
 * @IDEM_UI_SPEC_ERROR_TOO_LARGE: the document is larger or deeper than an
 *   ID schema may be
 * @IDEM_UI_SPEC_ERROR_IO: the file could not be read
 * @IDEM_UI_SPEC_ERROR_SCHEMA_MISMATCH: a field of the spec is not in the
 *   ID schema
 *
 * Stable error codes of %IDEM_UI_SPEC_ERROR; new codes are only appended.
 */
typedef enum
{
  IDEM_UI_SPEC_ERROR_PARSE = 1,
  IDEM_UI_SPEC_ERROR_MALFORMED = 2,
  IDEM_UI_SPEC_ERROR_TOO_LARGE = 3,
  IDEM_UI_SPEC_ERROR_IO = 4,
  IDEM_UI_SPEC_ERROR_SCHEMA_MISMATCH = 5,
} IdemUiSpecError;

/**
 * IdemUiScreen:
 *
 * One screen of a form; it belongs to its #IdemUiSpec.
 */
typedef struct _IdemUiScreen IdemUiScreen;

/**
 * IdemUiField:
 *
 * One field of a screen; it belongs to its #IdemUiSpec.
 */
typedef struct _IdemUiField IdemUiField;

#define IDEM_TYPE_UI_SPEC (idem_ui_spec_get_type ())

G_DECLARE_FINAL_TYPE (IdemUiSpec, idem_ui_spec, IDEM, UI_SPEC, GObject)

GQuark              idem_ui_spec_error_quark          (void);

IdemUiSpec         *idem_ui_spec_new_from_bytes       (GBytes             *bytes,
                                                       GError            **error);
IdemUiSpec         *idem_ui_spec_new_from_file        (GFile              *file,
                                                       GError            **error);
guint               idem_ui_spec_get_n_screens        (IdemUiSpec         *self);
const IdemUiScreen *idem_ui_spec_get_screen           (IdemUiSpec         *self,
                                                       guint               position);
const IdemUiField  *idem_ui_spec_lookup_field         (IdemUiSpec         *self,
                                                       const char         *id);
gboolean            idem_ui_spec_check_schema         (IdemUiSpec         *self,
                                                       IdemIdSchema       *schema,
                                                       GError            **error);

const char         *idem_ui_screen_get_name           (const IdemUiScreen *screen);
const char         *idem_ui_screen_get_label          (const IdemUiScreen *screen,
                                                       const char         *language);
guint               idem_ui_screen_get_n_fields       (const IdemUiScreen *screen);
const IdemUiField  *idem_ui_screen_get_field          (const IdemUiScreen *screen,
                                                       guint               position);

const char         *idem_ui_field_get_id              (const IdemUiField  *field);
const char         *idem_ui_field_get_control_type    (const IdemUiField  *field);
const char         *idem_ui_field_get_label           (const IdemUiField  *field,
                                                       const char         *language);
gboolean            idem_ui_field_has_label           (const IdemUiField  *field,
                                                       const char         *language);
const char         *idem_ui_field_get_group           (const IdemUiField  *field);
const char         *idem_ui_field_get_sub_type        (const IdemUiField  *field);
const char         *idem_ui_field_get_field_type      (const IdemUiField  *field);
const char         *idem_ui_field_get_value_type      (const IdemUiField  *field);
gboolean            idem_ui_field_is_required         (const IdemUiField  *field);
gboolean            idem_ui_field_is_input_required   (const IdemUiField  *field);
const char * const *idem_ui_field_get_bio_attributes  (const IdemUiField  *field);
gboolean            idem_ui_field_get_visible_condition (const IdemUiField *field,
                                                         const char        **field_id,
                                                         const char        **operator_name,
                                                         const char        **value);

G_END_DECLS
