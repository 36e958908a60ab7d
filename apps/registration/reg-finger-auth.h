/* reg-finger-auth.h
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "idem-hw.h"

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define REG_FINGER_AUTH_ERROR (reg_finger_auth_error_quark ())

/**
 * RegFingerAuthError:
 * @REG_FINGER_AUTH_ERROR_NO_READER: no fingerprint reader could be opened
 * @REG_FINGER_AUTH_ERROR_NOT_READ: the reader gave no usable image; the
 *   user may simply try again
 * @REG_FINGER_AUTH_ERROR_NO_MATCH: the finger matches none of the user's
 *   synced templates (or the user has none)
 *
 * Why a finger did not authenticate a user.  The codes are stable.
 */
typedef enum
{
  REG_FINGER_AUTH_ERROR_NO_READER,
  REG_FINGER_AUTH_ERROR_NOT_READ,
  REG_FINGER_AUTH_ERROR_NO_MATCH,
} RegFingerAuthError;

#define REG_TYPE_FINGER_AUTH (reg_finger_auth_get_type ())

G_DECLARE_FINAL_TYPE (RegFingerAuth, reg_finger_auth, REG, FINGER_AUTH, GObject)

GQuark         reg_finger_auth_error_quark     (void);

RegFingerAuth *reg_finger_auth_new             (void);
void           reg_finger_auth_verify_async    (RegFingerAuth       *self,
                                                JsonObject          *user,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean       reg_finger_auth_verify_finish   (RegFingerAuth       *self,
                                                GAsyncResult        *result,
                                                GError             **error);
guint          reg_finger_auth_count_templates (JsonObject          *user);

G_END_DECLS
