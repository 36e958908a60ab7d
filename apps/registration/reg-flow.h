/* reg-flow.h — the steps of a registration, from consent to receipt
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "idem-ui.h"
#include "reg-demographics-step.h"
#include "reg-machine.h"
#include "reg-packet-builder.h"
#include "reg-store.h"

G_BEGIN_DECLS

#define REG_FLOW_ERROR (reg_flow_error_quark ())

/**
 * RegFlowError:
 * @REG_FLOW_ERROR_NOT_READY: the workstation cannot register yet: it has
 *   no key pair, no centre or machine ID, or no packet certificate
 *
 * Stable error codes of %REG_FLOW_ERROR; new codes are only appended.
 */
typedef enum
{
  REG_FLOW_ERROR_NOT_READY = 1,
} RegFlowError;

/**
 * RegFlowAuthFunc:
 * @user_id: the operator
 * @password: what the operator typed
 * @user_data: the setup's @authenticate_data
 *
 * Checks the operator's password before the packet is sealed.  It is
 * called in a worker thread (a password hash is slow on purpose), so it
 * must not touch widgets.
 *
 * Returns: %TRUE when the password is the operator's
 */
typedef gboolean (*RegFlowAuthFunc) (const char *user_id,
                                     const char *password,
                                     gpointer    user_data);

/**
 * RegFlowSetup:
 * @schema: the ID schema
 * @ui_spec: the UI spec the form is generated from
 * @process: new registration, update, lost UIN
 * @centre_id: the registration centre
 * @machine_id: this machine
 * @rid_sequence: the sequence number of the RID, from the store
 * @signing_key: the machine's private key
 * @certificate: the centre and machine's packet encryption certificate
 * @store: (nullable): the workstation's store: the sealed packet and its
 *   preview are recorded there, and @packet_dir defaults to its packet
 *   directory
 * @packet_dir: (nullable): where packets are written
 * @operator_id: the logged-in operator
 * @primary_language: three-letter code of the form's first language
 * @secondary_language: (nullable): a second language for texts
 * @consent_text: (nullable): the consent text; a default when %NULL
 * @camera_source: (nullable): the GStreamer source of the camera
 * @master_data: (nullable): the synced master data, by type
 * @master_data_user_data: data for @master_data
 * @authenticate: checks the operator's password before sealing
 * @authenticate_data: data for @authenticate
 * @operator_fingers: (nullable): the operator's finger templates, so the
 *   resident's fingers are checked not to be the operator's
 * @n_operator_fingers: how many
 *
 * What a registration needs from the workstation; the flow keeps copies.
 */
typedef struct
{
  IdemIdSchema        *schema;
  IdemUiSpec          *ui_spec;
  IdemPacketProcess    process;
  const char          *centre_id;
  const char          *machine_id;
  guint                rid_sequence;
  EVP_PKEY            *signing_key;
  X509                *certificate;
  RegStore            *store;
  const char          *packet_dir;
  const char          *operator_id;
  const char          *primary_language;
  const char          *secondary_language;
  const char          *consent_text;
  const char          *camera_source;
  RegMasterDataFunc    master_data;
  gpointer             master_data_user_data;
  RegFlowAuthFunc      authenticate;
  gpointer             authenticate_data;
  IdemFingerTemplate **operator_fingers;
  guint                n_operator_fingers;
} RegFlowSetup;

#define REG_TYPE_FLOW (reg_flow_get_type ())

G_DECLARE_FINAL_TYPE (RegFlow, reg_flow, REG, FLOW, AdwBin)

GQuark      reg_flow_error_quark        (void);
GtkWidget  *reg_flow_new                (const RegFlowSetup *setup);
GtkWidget  *reg_flow_new_for_machine    (RegMachine         *machine,
                                         IdemPacketProcess   process,
                                         const char         *operator_id,
                                         const char         *primary_language,
                                         const char         *camera_source,
                                         RegFlowAuthFunc     authenticate,
                                         gpointer            authenticate_data,
                                         GError            **error);
const char *reg_flow_get_step_name      (RegFlow            *self);
GtkWidget  *reg_flow_get_step           (RegFlow            *self,
                                         const char         *name);
const char *reg_flow_get_message        (RegFlow            *self);
gboolean    reg_flow_get_busy           (RegFlow            *self);
const char *reg_flow_get_rid            (RegFlow            *self);
const char *reg_flow_get_packet_path    (RegFlow            *self);
const char *reg_flow_get_packet_hash    (RegFlow            *self);
gsize       reg_flow_get_packet_size    (RegFlow            *self);
const char *reg_flow_get_receipt_path   (RegFlow            *self);
GBytes     *reg_flow_dup_preview_json   (RegFlow            *self);
gint64      reg_flow_get_seal_time      (RegFlow            *self);
void        reg_flow_set_password       (RegFlow            *self,
                                         const char         *password);

G_END_DECLS
