/* idem-cbeff-private.h — what the CBEFF model, reader and writer share
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "idem-cbeff.h"

G_BEGIN_DECLS

gboolean           _idem_cbeff_subtype_is_valid        (const char        *subtype);
gboolean           _idem_cbeff_uuid_is_valid           (const char        *text);
gboolean           _idem_biometric_type_from_string    (const char        *text,
                                                        IdemBiometricType *type);
gboolean           _idem_bir_purpose_from_string       (const char        *text,
                                                        IdemBirPurpose    *purpose);
gboolean           _idem_bir_level_from_string         (const char        *text,
                                                        IdemBirLevel      *level);
GBytes            *_idem_cbeff_base64_decode           (const char        *text);
char              *_idem_cbeff_format_date             (GDateTime         *date);

G_END_DECLS
