/* reg-receipt.h — the acknowledgement receipt a resident takes home
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "idem-ui.h"

G_BEGIN_DECLS

#define REG_RECEIPT_ERROR (reg_receipt_error_quark ())

/**
 * RegReceiptError:
 * @REG_RECEIPT_ERROR_QR: the RID could not be encoded as a QR code
 * @REG_RECEIPT_ERROR_WRITE: the PDF could not be written
 * @REG_RECEIPT_ERROR_PRINT: printing failed
 *
 * Stable error codes of %REG_RECEIPT_ERROR; new codes are only appended.
 */
typedef enum
{
  REG_RECEIPT_ERROR_QR = 1,
  REG_RECEIPT_ERROR_WRITE = 2,
  REG_RECEIPT_ERROR_PRINT = 3,
} RegReceiptError;

/* A4 in PostScript points. */
#define REG_RECEIPT_PAGE_WIDTH  595.0
#define REG_RECEIPT_PAGE_HEIGHT 842.0

#define REG_TYPE_RECEIPT (reg_receipt_get_type ())

G_DECLARE_FINAL_TYPE (RegReceipt, reg_receipt, REG, RECEIPT, GObject)

GQuark      reg_receipt_error_quark (void);

RegReceipt *reg_receipt_new         (const char     *rid);
const char *reg_receipt_get_rid     (RegReceipt     *self);
void        reg_receipt_set_photo   (RegReceipt     *self,
                                     IdemVideoFrame *photo);
void        reg_receipt_add_field   (RegReceipt     *self,
                                     const char     *label,
                                     const char     *value);
gboolean    reg_receipt_draw        (RegReceipt     *self,
                                     cairo_t        *cr,
                                     double          width,
                                     double          height,
                                     GError        **error);
gboolean    reg_receipt_write_pdf   (RegReceipt     *self,
                                     const char     *path,
                                     GError        **error);
gboolean    reg_receipt_print       (RegReceipt     *self,
                                     GtkWindow      *parent,
                                     const char     *export_path,
                                     GError        **error);

G_END_DECLS
