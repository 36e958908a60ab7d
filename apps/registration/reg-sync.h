/* reg-sync.h — downloading what the machine needs, and packet statuses
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "reg-machine.h"

G_BEGIN_DECLS

#define REG_SYNC_ERROR (reg_sync_error_quark ())

/**
 * RegSyncError:
 * @REG_SYNC_ERROR_NOT_REGISTERED: the machine has no key or machine ID yet
 * @REG_SYNC_ERROR_SERVER_KEY_CHANGED: the server's signing key is not the
 *   one this workstation pinned at its first sync
 * @REG_SYNC_ERROR_BAD_ANSWER: an answer lacks what the sync API promises
 *
 * Stable error codes of %REG_SYNC_ERROR; network and server failures are
 * reported in %IDEM_CLIENT_ERROR.
 */
typedef enum
{
  REG_SYNC_ERROR_NOT_REGISTERED = 1,
  REG_SYNC_ERROR_SERVER_KEY_CHANGED = 2,
  REG_SYNC_ERROR_BAD_ANSWER = 3,
} RegSyncError;

#define REG_TYPE_SYNC (reg_sync_get_type ())

G_DECLARE_FINAL_TYPE (RegSync, reg_sync, REG, SYNC, GObject)

GQuark      reg_sync_error_quark     (void);

RegSync    *reg_sync_new             (RegMachine           *machine,
                                      const char           *server_url);
RegMachine *reg_sync_get_machine     (RegSync              *self);
IdemClient *reg_sync_get_client      (RegSync              *self);
void        reg_sync_set_pinned_certificate (RegSync        *self,
                                             GTlsCertificate *certificate);
gboolean    reg_sync_prepare_client  (RegSync              *self,
                                      GError              **error);
void        reg_sync_run_async       (RegSync              *self,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
gboolean    reg_sync_run_finish      (RegSync              *self,
                                      GAsyncResult         *result,
                                      GError              **error);
gboolean    reg_sync_get_busy        (RegSync              *self);

G_END_DECLS
