/* reg-test-flow.h — what the registration flow's tests set up alike: the
 * country's schema, keys and master data, a flow on screen, a face photo
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "reg-face-step.h"
#include "reg-flow.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

G_BEGIN_DECLS

/* The centre and machine the flow tests seal their packets on. */
#define REG_TEST_CENTRE  "10001"
#define REG_TEST_MACHINE "10077"

/* GStreamer's test picture in skin tones, which the face check accepts. */
#define REG_TEST_FACE_SOURCE "videotestsrc is-live=true pattern=pinwheel foreground-color=0xffd09070 background-color=0xff905030"

IdemIdSchema *reg_test_load_id_schema       (void);
IdemUiSpec   *reg_test_load_ui_spec         (void);
X509         *reg_test_make_certificate     (EVP_PKEY           *key,
                                             const char         *common_name,
                                             long                serial);
char         *reg_test_certificate_to_pem   (X509               *certificate);
JsonObject   *reg_test_master_data_row      (const char         *code,
                                             const char         *english,
                                             const char         *arabic,
                                             const char         *parent);
void          reg_test_master_data_add_rows (JsonObject         *master_data,
                                             const char         *type,
                                             JsonObject        **rows,
                                             guint               n_rows);
JsonArray    *reg_test_master_data_cb       (const char         *type,
                                             gpointer            master_data);
void          reg_test_flow_setup_init      (RegFlowSetup       *setup,
                                             IdemPacketProcess   process,
                                             guint               rid_sequence,
                                             IdemIdSchema       *schema,
                                             IdemUiSpec         *ui_spec,
                                             EVP_PKEY           *signing_key,
                                             X509               *certificate);
RegFlow      *reg_test_present_flow         (RegFlowSetup       *setup,
                                             GtkWindow         **window);
void          reg_test_capture_face         (GtkWindow          *window,
                                             RegFaceStep        *face);
void          reg_test_wait_for_step        (RegFlow            *flow,
                                             const char         *step,
                                             const char         *what);
char         *reg_test_date_years_ago       (int                 years);
GBytes       *reg_test_scanned_page         (void);
gboolean      reg_test_can_decode_qr        (void);
char         *reg_test_decode_receipt_qr    (const char         *pdf,
                                             const char         *directory);

G_END_DECLS
