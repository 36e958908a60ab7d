/* reg-export.h — copying reviewed packets to removable media
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "reg-machine.h"

G_BEGIN_DECLS

#define REG_EXPORT_ERROR (reg_export_error_quark ())

/**
 * RegExportError:
 * @REG_EXPORT_ERROR_NOTHING: no packet is approved or rejected and waiting
 * @REG_EXPORT_ERROR_IO: the folder or a file could not be written or read
 * @REG_EXPORT_ERROR_CORRUPT: a stored packet no longer matches its hash,
 *   or its copy does not; nothing of the export is kept
 *
 * Stable error codes of %REG_EXPORT_ERROR; new codes are only appended.
 */
typedef enum
{
  REG_EXPORT_ERROR_NOTHING = 1,
  REG_EXPORT_ERROR_IO = 2,
  REG_EXPORT_ERROR_CORRUPT = 3,
} RegExportError;

#define REG_EXPORT_MANIFEST "manifest.json"

GQuark reg_export_error_quark    (void);

void   reg_export_packets_async  (RegMachine           *machine,
                                  GFile                *folder,
                                  GCancellable         *cancellable,
                                  GAsyncReadyCallback   callback,
                                  gpointer              user_data);
GFile *reg_export_packets_finish (RegMachine           *machine,
                                  GAsyncResult         *result,
                                  guint                *n_packets,
                                  GError              **error);

G_END_DECLS
