/* reg-machine.h — who this workstation is, and what it synced
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "idem-ui.h"
#include "reg-machine-key.h"
#include "reg-store.h"

G_BEGIN_DECLS

#define REG_MACHINE_ERROR (reg_machine_error_quark ())

/**
 * RegMachineError:
 * @REG_MACHINE_ERROR_NO_KEY: the machine has no key pair yet
 * @REG_MACHINE_ERROR_BAD_MACHINE_ID: a machine ID that is not 5 digits
 * @REG_MACHINE_ERROR_BAD_SYNC_DATA: synced data that does not parse
 *
 * Stable error codes of %REG_MACHINE_ERROR; new codes are only appended.
 */
typedef enum
{
  REG_MACHINE_ERROR_NO_KEY = 1,
  REG_MACHINE_ERROR_BAD_MACHINE_ID = 2,
  REG_MACHINE_ERROR_BAD_SYNC_DATA = 3,
} RegMachineError;

/* The names under which the machine's synced data is kept in the store. */
#define REG_SYNC_ID_SCHEMA   "id-schema"
#define REG_SYNC_UI_SPEC     "ui-spec"
#define REG_SYNC_MASTER_DATA "master-data"
#define REG_SYNC_USERS       "users"
#define REG_SYNC_CERTIFICATE "certificate"

#define REG_TYPE_MACHINE (reg_machine_get_type ())

G_DECLARE_FINAL_TYPE (RegMachine, reg_machine, REG, MACHINE, GObject)

GQuark         reg_machine_error_quark          (void);

RegMachine    *reg_machine_new                  (RegStore             *store,
                                                 RegMachineKey        *key,
                                                 GError              **error);
RegStore      *reg_machine_get_store            (RegMachine           *self);

gboolean       reg_machine_has_key              (RegMachine           *self);
void           reg_machine_generate_key_async   (RegMachine           *self,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean       reg_machine_generate_key_finish  (RegMachine           *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);
gboolean       reg_machine_is_generating_key    (RegMachine           *self);
EVP_PKEY      *reg_machine_get_signing_key      (RegMachine           *self);
const char    *reg_machine_get_key_fingerprint  (RegMachine           *self);
char          *reg_machine_get_public_key_pem   (RegMachine           *self);

const char    *reg_machine_get_machine_id       (RegMachine           *self);
gboolean       reg_machine_set_machine_id       (RegMachine           *self,
                                                 const char           *machine_id,
                                                 GError              **error);
const char    *reg_machine_get_centre_id        (RegMachine           *self);
gboolean       reg_machine_set_centre_id        (RegMachine           *self,
                                                 const char           *centre_id,
                                                 GError              **error);

gboolean       reg_machine_apply_sync_document  (RegMachine           *self,
                                                 const char           *kind,
                                                 const char           *content,
                                                 GError              **error);
GDateTime     *reg_machine_get_last_sync        (RegMachine           *self);
gboolean       reg_machine_set_last_sync        (RegMachine           *self,
                                                 GDateTime            *when,
                                                 GError              **error);
gboolean       reg_machine_is_synced            (RegMachine           *self);

const char    *reg_machine_get_certificate_pem  (RegMachine           *self);
IdemIdSchema  *reg_machine_get_id_schema        (RegMachine           *self);
IdemUiSpec    *reg_machine_get_ui_spec          (RegMachine           *self);
JsonArray     *reg_machine_get_master_data      (RegMachine           *self,
                                                 const char           *type);
JsonObject    *reg_machine_find_user            (RegMachine           *self,
                                                 const char           *user_id);

G_END_DECLS
