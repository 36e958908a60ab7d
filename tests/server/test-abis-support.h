/* test-abis-support.h — biometric records for the ABIS tests: MOSIP's
 * samples and synthetic fingers, wrapped in CBEFF
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include <idem.h>
#include <synthetic-finger.h>

G_BEGIN_DECLS

/**
 * AbisTestBir:
 * @type: the record's biometric type
 * @subtype: MOSIP's subtype ("Left IndexFinger"), or %NULL
 * @record: the ISO/IEC 19794 record
 *
 * One capture of a CBEFF document.
 */
typedef struct
{
  IdemBiometricType  type;
  const char        *subtype;
  GBytes            *record;
} AbisTestBir;

gboolean  abis_test_have_samples       (void);
GBytes   *abis_test_mosip_record       (const char        *kind,
                                        const char        *name);
GBytes   *abis_test_synthetic_record   (guint32            finger_seed,
                                        guint32            impression_seed,
                                        guint              position);
GBytes   *abis_test_cbeff_new          (const AbisTestBir *birs,
                                        guint              n_birs);
GBytes   *abis_test_synthetic_person   (guint              person,
                                        guint32            impression_seed);

G_END_DECLS
