/* reg-upload.h — sending reviewed packets to the server
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "reg-sync.h"

G_BEGIN_DECLS

#define REG_TYPE_UPLOAD (reg_upload_get_type ())

G_DECLARE_FINAL_TYPE (RegUpload, reg_upload, REG, UPLOAD, GObject)

RegUpload *reg_upload_new          (RegSync              *sync);
void       reg_upload_run_async    (RegUpload            *self,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
guint      reg_upload_run_finish   (RegUpload            *self,
                                    GAsyncResult         *result,
                                    GError              **error);
gboolean   reg_upload_get_busy     (RegUpload            *self);

G_END_DECLS
