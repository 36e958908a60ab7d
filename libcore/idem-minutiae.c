/* idem-minutiae.c — finger minutiae templates and their serialized form
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The serialized template is small and fixed-layout, big-endian:
 *
 *   "IDMT"  magic
 *   u8      format version (1)
 *   u8      reserved, 0
 *   u16     image width, u16 image height, u16 resolution (dpi)
 *   u16     number of minutiae n
 *   n × 6   u16 x, u16 y, u8 angle, u8 (type << 6 | quality)
 *
 * Six bytes a minutia: a typical finger (30–60 minutiae) fits in 200–400
 * bytes, so templates can be stored sealed next to the record cheaply.
 */

#define G_LOG_DOMAIN "idem-minutiae"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "idem-minutiae.h"

#include <string.h>

#define FORMAT_MAGIC "IDMT"
#define FORMAT_VERSION 1
#define HEADER_SIZE 14
#define RECORD_SIZE 6

struct _IdemMinutiae
{
  gatomicrefcount ref_count;
  guint           width;
  guint           height;
  guint           resolution;
  GArray         *minutiae;
};

G_DEFINE_BOXED_TYPE (IdemMinutiae, idem_minutiae, idem_minutiae_ref, idem_minutiae_unref)
G_DEFINE_QUARK (idem-minutiae-error-quark, idem_minutiae_error)

static guint16
read_u16 (const guint8 *p)
{
  return (guint16) ((p[0] << 8) | p[1]);
}

static void
append_u16 (GByteArray *out,
            guint       value)
{
  guint8 b[2] = { (value >> 8) & 0xff, value & 0xff };

  g_byte_array_append (out, b, 2);
}

static gint
compare_by_quality_desc (gconstpointer a,
                         gconstpointer b)
{
  const IdemMinutia *ma = a;
  const IdemMinutia *mb = b;

  return (gint) mb->quality - (gint) ma->quality;
}

/**
 * idem_minutiae_new:
 * @width: image width in pixels (1–65535)
 * @height: image height in pixels (1–65535)
 * @resolution_dpi: image resolution in dots per inch, usually 500
 *
 * Returns: (transfer full): an empty template for an image of that size
 */
IdemMinutiae *
idem_minutiae_new (guint width,
                   guint height,
                   guint resolution_dpi)
{
  IdemMinutiae *self;

  g_return_val_if_fail (width > 0 && width <= G_MAXUINT16, NULL);
  g_return_val_if_fail (height > 0 && height <= G_MAXUINT16, NULL);
  g_return_val_if_fail (resolution_dpi > 0 && resolution_dpi <= G_MAXUINT16, NULL);

  self = g_new0 (IdemMinutiae, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->width = width;
  self->height = height;
  self->resolution = resolution_dpi;
  self->minutiae = g_array_new (FALSE, FALSE, sizeof (IdemMinutia));

  return self;
}

IdemMinutiae *
idem_minutiae_ref (IdemMinutiae *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
idem_minutiae_unref (IdemMinutiae *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_array_unref (self->minutiae);
      g_free (self);
    }
}

/**
 * idem_minutiae_add:
 * @self: a template
 * @minutia: the minutia to append
 * @error: return location for an error
 *
 * Appends a minutia.  A minutia outside the image, of an unknown type, with a
 * quality above 63, or one too many is refused with
 * %IDEM_MINUTIAE_ERROR_OUT_OF_RANGE and the template is unchanged.
 *
 * Returns: %TRUE when the minutia was added
 */
gboolean
idem_minutiae_add (IdemMinutiae      *self,
                   const IdemMinutia *minutia,
                   GError           **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (minutia != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (minutia->x >= self->width || minutia->y >= self->height)
    {
      g_set_error (error, IDEM_MINUTIAE_ERROR, IDEM_MINUTIAE_ERROR_OUT_OF_RANGE,
                   _("Minutia at (%u, %u) lies outside the %u×%u image"),
                   minutia->x, minutia->y, self->width, self->height);
      return FALSE;
    }
  if (minutia->type > IDEM_MINUTIA_BIFURCATION || minutia->quality > 63)
    {
      g_set_error (error, IDEM_MINUTIAE_ERROR, IDEM_MINUTIAE_ERROR_OUT_OF_RANGE,
                   _("Minutia type %u or quality %u is out of range"),
                   minutia->type, minutia->quality);
      return FALSE;
    }
  if (self->minutiae->len >= IDEM_MINUTIAE_MAX)
    {
      g_set_error (error, IDEM_MINUTIAE_ERROR, IDEM_MINUTIAE_ERROR_OUT_OF_RANGE,
                   _("A template holds at most %u minutiae"), IDEM_MINUTIAE_MAX);
      return FALSE;
    }

  g_array_append_vals (self->minutiae, minutia, 1);

  return TRUE;
}

/**
 * idem_minutiae_keep_best:
 * @self: a template
 * @max_minutiae: how many to keep
 *
 * Sorts the minutiae by decreasing quality and drops all but the
 * @max_minutiae most reliable ones.
 */
void
idem_minutiae_keep_best (IdemMinutiae *self,
                         guint         max_minutiae)
{
  g_return_if_fail (self != NULL);

  /* g_array_sort is a stable merge sort: ties keep the extractor's order. */
  g_array_sort (self->minutiae, compare_by_quality_desc);
  if (self->minutiae->len > max_minutiae)
    g_array_set_size (self->minutiae, max_minutiae);
}

guint
idem_minutiae_get_width (IdemMinutiae *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->width;
}

guint
idem_minutiae_get_height (IdemMinutiae *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->height;
}

guint
idem_minutiae_get_resolution (IdemMinutiae *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->resolution;
}

guint
idem_minutiae_get_count (IdemMinutiae *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->minutiae->len;
}

/**
 * idem_minutiae_get_all:
 * @self: a template
 * @n_minutiae: (out) (optional): the number of minutiae
 *
 * Returns: (transfer none) (array length=n_minutiae): the minutiae
 */
const IdemMinutia *
idem_minutiae_get_all (IdemMinutiae *self,
                       guint        *n_minutiae)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (n_minutiae != NULL)
    *n_minutiae = self->minutiae->len;

  return (const IdemMinutia *) (gpointer) self->minutiae->data;
}

/**
 * idem_minutiae_serialize:
 * @self: a template
 *
 * Returns: (transfer full): the template in Idem's compact binary form
 */
GBytes *
idem_minutiae_serialize (IdemMinutiae *self)
{
  GByteArray *out;

  g_return_val_if_fail (self != NULL, NULL);

  out = g_byte_array_sized_new (HEADER_SIZE + RECORD_SIZE * self->minutiae->len);
  g_byte_array_append (out, (const guint8 *) FORMAT_MAGIC, 4);
  g_byte_array_append (out, (const guint8 []) { FORMAT_VERSION, 0 }, 2);
  append_u16 (out, self->width);
  append_u16 (out, self->height);
  append_u16 (out, self->resolution);
  append_u16 (out, self->minutiae->len);

  for (guint i = 0; i < self->minutiae->len; i++)
    {
      const IdemMinutia *m = &g_array_index (self->minutiae, IdemMinutia, i);
      guint8 tail[2] = { m->angle, (guint8) ((m->type << 6) | m->quality) };

      append_u16 (out, m->x);
      append_u16 (out, m->y);
      g_byte_array_append (out, tail, 2);
    }

  return g_byte_array_free_to_bytes (out);
}

/**
 * idem_minutiae_deserialize:
 * @bytes: a serialized template
 * @error: return location for an error
 *
 * Reads a template written by idem_minutiae_serialize().  Anything else —
 * another magic, a future version, a short or overlong buffer, a minutia
 * outside the image — is refused with an #IdemMinutiaeError.
 *
 * Returns: (transfer full): the template, or %NULL with @error set
 */
IdemMinutiae *
idem_minutiae_deserialize (GBytes  *bytes,
                           GError **error)
{
  g_autoptr(IdemMinutiae) self = NULL;
  const guint8 *data;
  gsize size;
  guint width, height, resolution, count;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (bytes, &size);
  if (size < 4 || memcmp (data, FORMAT_MAGIC, 4) != 0)
    {
      g_set_error (error, IDEM_MINUTIAE_ERROR, IDEM_MINUTIAE_ERROR_INVALID,
                   _("Not an Idem minutiae template (bad magic)"));
      return NULL;
    }
  if (size < HEADER_SIZE)
    {
      g_set_error (error, IDEM_MINUTIAE_ERROR, IDEM_MINUTIAE_ERROR_TRUNCATED,
                   _("Minutiae template header is truncated (%lu bytes)"), (unsigned long) size);
      return NULL;
    }
  if (data[4] != FORMAT_VERSION)
    {
      g_set_error (error, IDEM_MINUTIAE_ERROR, IDEM_MINUTIAE_ERROR_UNSUPPORTED_VERSION,
                   _("Minutiae template version %u is not supported"), data[4]);
      return NULL;
    }

  width = read_u16 (data + 6);
  height = read_u16 (data + 8);
  resolution = read_u16 (data + 10);
  count = read_u16 (data + 12);
  if (width == 0 || height == 0 || resolution == 0 || count > IDEM_MINUTIAE_MAX)
    {
      g_set_error (error, IDEM_MINUTIAE_ERROR, IDEM_MINUTIAE_ERROR_OUT_OF_RANGE,
                   _("Minutiae template header is out of range (%u×%u, %u dpi, %u minutiae)"),
                   width, height, resolution, count);
      return NULL;
    }
  if (size != HEADER_SIZE + (gsize) count * RECORD_SIZE)
    {
      g_set_error (error, IDEM_MINUTIAE_ERROR,
                   size < HEADER_SIZE + (gsize) count * RECORD_SIZE
                   ? IDEM_MINUTIAE_ERROR_TRUNCATED : IDEM_MINUTIAE_ERROR_INVALID,
                   _("Minutiae template of %u minutiae has %lu bytes, expected %lu"),
                   count, (unsigned long) size, (unsigned long) (HEADER_SIZE + (gsize) count * RECORD_SIZE));
      return NULL;
    }

  self = idem_minutiae_new (width, height, resolution);
  for (guint i = 0; i < count; i++)
    {
      const guint8 *r = data + HEADER_SIZE + i * RECORD_SIZE;
      IdemMinutia m = {
        .x = read_u16 (r),
        .y = read_u16 (r + 2),
        .angle = r[4],
        .type = r[5] >> 6,
        .quality = r[5] & 0x3f,
      };

      if (!idem_minutiae_add (self, &m, error))
        return NULL;
    }

  return g_steal_pointer (&self);
}
