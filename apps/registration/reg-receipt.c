/* reg-receipt.c — the acknowledgement receipt a resident takes home
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * One A4 page: a title, the RID in large digits and as a QR code (so the
 * centre and the kiosk can read it back), the resident's photo and the key
 * fields.  The same drawing goes to a PDF saved next to the packet and to
 * the printer.  Text goes through Pango, so Arabic is shaped and laid out
 * right to left.  Drawing touches no widget: the PDF can be written in a
 * worker thread.
 */

#define G_LOG_DOMAIN "reg-receipt"

#include "config.h"

#include "reg-receipt.h"

#include <cairo-pdf.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#define MARGIN      48.0
#define QR_SIZE     150.0
#define PHOTO_WIDTH 120.0

typedef struct
{
  char *label;
  char *value;
} Field;

struct _RegReceipt
{
  GObject         parent_instance;

  char           *rid;
  IdemVideoFrame *photo;
  GArray         *fields;
};

G_DEFINE_FINAL_TYPE (RegReceipt, reg_receipt, G_TYPE_OBJECT)

G_DEFINE_QUARK (reg-receipt-error-quark, reg_receipt_error)

static void
field_clear (Field *field)
{
  g_free (field->label);
  g_free (field->value);
}

static double
draw_text (cairo_t    *cr,
           const char *text,
           const char *font,
           double      x,
           double      y,
           double      width)
{
  g_autoptr(PangoLayout) layout = pango_cairo_create_layout (cr);
  g_autoptr(PangoFontDescription) description = pango_font_description_from_string (font);
  int text_height;

  pango_layout_set_font_description (layout, description);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_auto_dir (layout, TRUE);
  pango_layout_set_text (layout, text, -1);

  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  pango_layout_get_size (layout, NULL, &text_height);

  return (double) text_height / PANGO_SCALE;
}

/* The QR modules as filled squares, with the four-module quiet zone the
 * standard asks for so scanners find it. */
static gboolean
draw_qr (cairo_t     *cr,
         const char  *text,
         double       x,
         double       y,
         double       size,
         GError     **error)
{
  QRcode *code = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  double module;

  if (code == NULL)
    {
      g_set_error (error, REG_RECEIPT_ERROR, REG_RECEIPT_ERROR_QR,
                   _("The registration ID %s could not be encoded as a QR code."), text);
      return FALSE;
    }

  module = size / (code->width + 8);
  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, x, y, size, size);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  for (int row = 0; row < code->width; row++)
    for (int column = 0; column < code->width; column++)
      if (code->data[row * code->width + column] & 1)
        cairo_rectangle (cr, x + (column + 4) * module, y + (row + 4) * module, module, module);
  cairo_fill (cr);
  cairo_restore (cr);

  QRcode_free (code);

  return TRUE;
}

static cairo_surface_t *
photo_to_surface (IdemVideoFrame *photo)
{
  guint width = idem_video_frame_get_width (photo);
  guint height = idem_video_frame_get_height (photo);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) width, (int) height);
  int stride = cairo_image_surface_get_stride (surface);
  guint8 *data;

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  for (guint y = 0; y < height; y++)
    {
      guint32 *row = (guint32 *) (gpointer) (data + (gsize) y * stride);

      for (guint x = 0; x < width; x++)
        {
          guint8 red;
          guint8 green;
          guint8 blue;

          idem_video_frame_get_rgb (photo, x, y, &red, &green, &blue);
          row[x] = ((guint32) red << 16) | ((guint32) green << 8) | blue;
        }
    }
  cairo_surface_mark_dirty (surface);

  return surface;
}

static void
reg_receipt_finalize (GObject *object)
{
  RegReceipt *self = REG_RECEIPT (object);

  g_free (self->rid);
  g_clear_pointer (&self->photo, idem_video_frame_unref);
  g_array_unref (self->fields);

  G_OBJECT_CLASS (reg_receipt_parent_class)->finalize (object);
}

static void
reg_receipt_class_init (RegReceiptClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = reg_receipt_finalize;
}

static void
reg_receipt_init (RegReceipt *self)
{
  self->fields = g_array_new (FALSE, TRUE, sizeof (Field));
  g_array_set_clear_func (self->fields, (GDestroyNotify) field_clear);
}

/**
 * reg_receipt_new:
 * @rid: the registration ID the receipt acknowledges
 *
 * Returns: (transfer full): a receipt with no photo and no fields
 */
RegReceipt *
reg_receipt_new (const char *rid)
{
  RegReceipt *self;

  g_return_val_if_fail (rid != NULL, NULL);

  self = g_object_new (REG_TYPE_RECEIPT, NULL);
  self->rid = g_strdup (rid);

  return self;
}

const char *
reg_receipt_get_rid (RegReceipt *self)
{
  g_return_val_if_fail (REG_IS_RECEIPT (self), NULL);

  return self->rid;
}

/**
 * reg_receipt_set_photo:
 * @self: a receipt
 * @photo: (nullable): the resident's face photo
 */
void
reg_receipt_set_photo (RegReceipt     *self,
                       IdemVideoFrame *photo)
{
  g_return_if_fail (REG_IS_RECEIPT (self));

  g_clear_pointer (&self->photo, idem_video_frame_unref);
  if (photo != NULL)
    self->photo = idem_video_frame_ref (photo);
}

/**
 * reg_receipt_add_field:
 * @self: a receipt
 * @label: the field's translated label
 * @value: what was entered
 *
 * Appends a line to the receipt's list of key fields.
 */
void
reg_receipt_add_field (RegReceipt *self,
                       const char *label,
                       const char *value)
{
  Field field;

  g_return_if_fail (REG_IS_RECEIPT (self));
  g_return_if_fail (label != NULL);
  g_return_if_fail (value != NULL);

  field.label = g_strdup (label);
  field.value = g_strdup (value);
  g_array_append_val (self->fields, field);
}

/**
 * reg_receipt_draw:
 * @self: a receipt
 * @cr: where to draw, in points
 * @width: the page width
 * @height: the page height
 * @error: return location for an error
 *
 * Draws the receipt's page.
 *
 * Returns: %TRUE on success
 */
gboolean
reg_receipt_draw (RegReceipt  *self,
                  cairo_t     *cr,
                  double       width,
                  double       height,
                  GError     **error)
{
  g_autofree char *date = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  double text_width = width - 2 * MARGIN;
  double y = MARGIN;
  double top;

  g_return_val_if_fail (REG_IS_RECEIPT (self), FALSE);
  g_return_val_if_fail (cr != NULL, FALSE);

  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);

  y += draw_text (cr, _("Registration Acknowledgement"), "Sans Bold 20", MARGIN, y, text_width) + 8;
  date = g_date_time_format (now, "%Y-%m-%d %H:%M");
  y += draw_text (cr, date, "Sans 10", MARGIN, y, text_width) + 18;

  top = y;
  y += draw_text (cr, _("Registration ID"), "Sans 11", MARGIN, y, text_width - QR_SIZE) + 2;
  y += draw_text (cr, self->rid, "Monospace Bold 15", MARGIN, y, text_width - QR_SIZE) + 12;
  if (!draw_qr (cr, self->rid, width - MARGIN - QR_SIZE, top, QR_SIZE, error))
    {
      cairo_restore (cr);
      return FALSE;
    }

  if (self->photo != NULL)
    {
      cairo_surface_t *surface = photo_to_surface (self->photo);
      double scale = PHOTO_WIDTH / idem_video_frame_get_width (self->photo);

      cairo_save (cr);
      cairo_translate (cr, MARGIN, y);
      cairo_scale (cr, scale, scale);
      cairo_set_source_surface (cr, surface, 0, 0);
      cairo_paint (cr);
      cairo_restore (cr);
      cairo_surface_destroy (surface);
      y += idem_video_frame_get_height (self->photo) * scale;
    }
  y = MAX (y, top + QR_SIZE) + 24;

  for (guint i = 0; i < self->fields->len; i++)
    {
      const Field *field = &g_array_index (self->fields, Field, i);
      double label_height = draw_text (cr, field->label, "Sans Bold 11", MARGIN, y, text_width / 3 - 8);
      double value_height = draw_text (cr, field->value, "Sans 11", MARGIN + text_width / 3, y, text_width * 2 / 3);

      y += MAX (label_height, value_height) + 8;
      if (y > height - 2 * MARGIN)
        break;
    }

  draw_text (cr, _("Keep this receipt. Quote the registration ID when you ask about your registration."),
             "Sans Italic 10", MARGIN, height - MARGIN - 30, text_width);
  cairo_restore (cr);

  return TRUE;
}

/**
 * reg_receipt_write_pdf:
 * @self: a receipt
 * @path: the PDF file to write
 * @error: return location for an error
 *
 * Writes the receipt as a one-page A4 PDF.  Touches no widget, so it may
 * run in a worker thread.
 *
 * Returns: %TRUE on success
 */
gboolean
reg_receipt_write_pdf (RegReceipt  *self,
                       const char  *path,
                       GError     **error)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;
  gboolean drawn;

  g_return_val_if_fail (REG_IS_RECEIPT (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  surface = cairo_pdf_surface_create (path, REG_RECEIPT_PAGE_WIDTH, REG_RECEIPT_PAGE_HEIGHT);
  cr = cairo_create (surface);
  drawn = reg_receipt_draw (self, cr, REG_RECEIPT_PAGE_WIDTH, REG_RECEIPT_PAGE_HEIGHT, error);
  cairo_show_page (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (!drawn)
    {
      g_unlink (path);
      return FALSE;
    }
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, REG_RECEIPT_ERROR, REG_RECEIPT_ERROR_WRITE,
                   _("The receipt could not be written to %s: %s"), path, cairo_status_to_string (status));
      return FALSE;
    }

  return TRUE;
}

static void
begin_print_cb (GtkPrintOperation *operation,
                GtkPrintContext   *context,
                gpointer           user_data)
{
  gtk_print_operation_set_n_pages (operation, 1);
}

static void
draw_page_cb (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page_number,
              gpointer           user_data)
{
  RegReceipt *self = user_data;
  cairo_t *cr = gtk_print_context_get_cairo_context (context);
  double width = gtk_print_context_get_width (context);
  double height = gtk_print_context_get_height (context);
  double scale = MIN (width / REG_RECEIPT_PAGE_WIDTH, height / REG_RECEIPT_PAGE_HEIGHT);
  g_autoptr(GError) error = NULL;

  cairo_scale (cr, scale, scale);
  if (!reg_receipt_draw (self, cr, REG_RECEIPT_PAGE_WIDTH, REG_RECEIPT_PAGE_HEIGHT, &error))
    gtk_print_operation_cancel (operation);
}

/**
 * reg_receipt_print:
 * @self: a receipt
 * @parent: (nullable): the window the print dialog belongs to
 * @export_path: (nullable): a PDF file to print to without a dialog
 * @error: return location for an error
 *
 * Prints the receipt through GTK's print dialog, or straight to
 * @export_path.
 *
 * Returns: %TRUE unless printing failed
 */
gboolean
reg_receipt_print (RegReceipt  *self,
                   GtkWindow   *parent,
                   const char  *export_path,
                   GError     **error)
{
  g_autoptr(GtkPrintOperation) operation = NULL;
  g_autoptr(GtkPageSetup) page_setup = gtk_page_setup_new ();
  g_autoptr(GtkPaperSize) paper = gtk_paper_size_new (GTK_PAPER_NAME_A4);
  g_autoptr(GError) local_error = NULL;
  GtkPrintOperationResult result;

  g_return_val_if_fail (REG_IS_RECEIPT (self), FALSE);
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), FALSE);

  operation = gtk_print_operation_new ();
  gtk_page_setup_set_paper_size_and_default_margins (page_setup, paper);
  gtk_print_operation_set_default_page_setup (operation, page_setup);
  gtk_print_operation_set_job_name (operation, self->rid);
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  g_signal_connect (operation, "begin-print", G_CALLBACK (begin_print_cb), self);
  g_signal_connect (operation, "draw-page", G_CALLBACK (draw_page_cb), self);

  if (export_path != NULL)
    gtk_print_operation_set_export_filename (operation, export_path);
  result = gtk_print_operation_run (operation,
                                    export_path != NULL ? GTK_PRINT_OPERATION_ACTION_EXPORT
                                                        : GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                                    parent, &local_error);
  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      g_set_error (error, REG_RECEIPT_ERROR, REG_RECEIPT_ERROR_PRINT,
                   _("The receipt could not be printed: %s"), local_error->message);
      return FALSE;
    }

  return TRUE;
}
