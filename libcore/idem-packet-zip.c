/* idem-packet-zip.c — reading and writing the zip archives of a packet
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The zip format is written here directly over zlib rather than through
 * libzip.  A packet's archives are built and read whole in memory, and the
 * reader must treat every byte as hostile: with our own small parser each
 * limit (entry count, sizes, expansion ratio, names, overlap, CRC) is
 * checked at the one place the value is read, and reported with its own
 * error code, instead of being inferred from a general library's errors.
 * The writer always knows the sizes and CRC before it writes a local
 * header, so it puts them there and never writes a data descriptor:
 * java.util.zip.ZipInputStream, which MOSIP reads packets with, refuses a
 * STORED entry with a data descriptor.  No ZIP64, no directory entries,
 * no encryption; names are flagged UTF-8 (general purpose bit 11).
 */

#define G_LOG_DOMAIN "idem-packet"

#include "config.h"

#include "idem-packet-zip.h"
#include "idem-packet-error.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include <zlib.h>

#define LOCAL_HEADER_SIGNATURE    0x04034b50
#define CENTRAL_HEADER_SIGNATURE  0x02014b50
#define END_SIGNATURE             0x06054b50
#define LOCAL_HEADER_SIZE         30
#define CENTRAL_HEADER_SIZE       46
#define END_RECORD_SIZE           22
#define FLAG_ENCRYPTED            0x0001
#define FLAG_UTF8                 0x0800
#define VERSION_NEEDED            20
#define RATIO_THRESHOLD           (1024 * 1024)
/* Java's writer stamps the local time; ours is fixed so that the same
 * input gives the same archive: 1980-01-01 00:00, the DOS epoch. */
#define DOS_DATE                  ((0 << 9) | (1 << 5) | 1)
#define DOS_TIME                  0

static const IdemZipLimits default_limits = {
  .max_entries = 1024,
  .max_entry_size = 64 * 1024 * 1024,
  .max_total_size = 256 * 1024 * 1024,
  .max_ratio = 100,
  .authenticated = FALSE,
};

struct _IdemZipWriter
{
  GByteArray *archive;
  GByteArray *directory;
  GHashTable *names;
  guint       count;
};

/**
 * idem_zip_default_limits:
 *
 * Returns: the limits a packet reader uses: 1024 entries, 64 MiB per
 *   entry, 256 MiB in all, and a ratio of 100 for entries over 1 MiB
 *   (JSON compresses about tenfold, image data not at all; a run of zeros
 *   a thousandfold)
 */
const IdemZipLimits *
idem_zip_default_limits (void)
{
  return &default_limits;
}

static void
put_u16 (GByteArray *array,
         guint       value)
{
  guint8 bytes[2] = { value & 0xff, (value >> 8) & 0xff };

  g_byte_array_append (array, bytes, 2);
}

static void
put_u32 (GByteArray *array,
         guint32     value)
{
  guint8 bytes[4] = { value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff, (value >> 24) & 0xff };

  g_byte_array_append (array, bytes, 4);
}

static guint
get_u16 (const guint8 *p)
{
  return p[0] | (p[1] << 8);
}

static guint32
get_u32 (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
}

/* The rules for names both ways: a relative path of non-empty components,
 * none of them "." or "..", no backslash (Windows separator), no NUL, no
 * trailing slash (a directory), valid UTF-8. */
static gboolean
check_name (const char  *name,
            gsize        length,
            GError     **error)
{
  g_auto(GStrv) parts = NULL;

  if (length == 0 || memchr (name, '\0', length) != NULL || memchr (name, '\\', length) != NULL
      || !g_utf8_validate (name, length, NULL) || name[0] == '/' || name[length - 1] == '/'
      || (length >= 2 && name[1] == ':'))
    goto bad;

  parts = g_strsplit (name, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (parts[i][0] == '\0' || g_str_equal (parts[i], ".") || g_str_equal (parts[i], ".."))
        goto bad;
    }

  return TRUE;

bad:
  {
    g_autofree char *shown = g_strndup (name, length);

    g_set_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_ZIP_BAD_NAME,
                 _("The zip entry name “%s” is not a plain relative file name"),
                 g_utf8_validate (shown, -1, NULL) ? shown : "?");
    return FALSE;
  }
}

IdemZipWriter *
idem_zip_writer_new (void)
{
  IdemZipWriter *self = g_new0 (IdemZipWriter, 1);

  self->archive = g_byte_array_new ();
  self->directory = g_byte_array_new ();
  self->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  return self;
}

void
idem_zip_writer_free (IdemZipWriter *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->archive, g_byte_array_unref);
  g_clear_pointer (&self->directory, g_byte_array_unref);
  g_clear_pointer (&self->names, g_hash_table_unref);
  g_free (self);
}

static GBytes *
deflate_bytes (const guint8  *data,
               gsize          length,
               GError       **error)
{
  z_stream stream = { 0 };
  guint8 *out;
  gsize capacity = deflateBound (NULL, length) + 64;
  int status;

  if (deflateInit2 (&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    {
      g_set_error_literal (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_INVALID_INPUT,
                           _("The compressor could not start"));
      return NULL;
    }

  out = g_malloc (capacity);
  stream.next_in = (Bytef *) data;
  stream.next_out = out;
  stream.avail_out = capacity;
  /* zlib's avail_in is 32 bits: feed larger inputs in slices. */
  do
    {
      gsize left = length - (stream.next_in - data);
      gsize slice = MIN (left, (gsize) G_MAXUINT32);

      stream.avail_in = slice;
      status = deflate (&stream, slice == left ? Z_FINISH : Z_NO_FLUSH);
    }
  while (status == Z_OK);
  deflateEnd (&stream);

  if (status != Z_STREAM_END)
    {
      g_free (out);
      g_set_error_literal (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_INVALID_INPUT,
                           _("The compressor failed"));
      return NULL;
    }

  return g_bytes_new_take (g_realloc (out, stream.total_out), stream.total_out);
}

static guint32
crc_of (const guint8 *data,
        gsize         length)
{
  uLong crc = crc32 (0, Z_NULL, 0);

  while (length > 0)
    {
      uInt slice = MIN (length, (gsize) G_MAXUINT32);

      crc = crc32 (crc, data, slice);
      data += slice;
      length -= slice;
    }

  return crc;
}

/**
 * idem_zip_writer_add:
 * @self: a writer
 * @name: the entry's name, a relative path
 * @data: its bytes
 * @method: how to store them
 * @error: return location for an error
 *
 * Adds an entry.  A name that breaks the reader's rules, a repeated name or
 * a size beyond 32 bits (no ZIP64) is refused and changes nothing.
 */
gboolean
idem_zip_writer_add (IdemZipWriter  *self,
                     const char     *name,
                     GBytes         *data,
                     IdemZipMethod   method,
                     GError        **error)
{
  g_autoptr(GBytes) stored = NULL;
  const guint8 *bytes;
  gsize length, name_length;
  gsize offset = self->archive->len;
  guint32 crc;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (data != NULL, FALSE);

  name_length = strlen (name);
  if (!check_name (name, name_length, error))
    return FALSE;
  if (name_length > G_MAXUINT16 || g_hash_table_contains (self->names, name))
    {
      g_set_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_ZIP_DUPLICATE,
                   _("The zip already has an entry “%s”"), name);
      return FALSE;
    }

  bytes = g_bytes_get_data (data, &length);
  if (method == IDEM_ZIP_DEFLATE)
    {
      stored = deflate_bytes (bytes, length, error);
      if (stored == NULL)
        return FALSE;
    }
  else
    stored = g_bytes_ref (data);

  if (length > G_MAXUINT32 - 1 || g_bytes_get_size (stored) > G_MAXUINT32 - 1
      || offset + LOCAL_HEADER_SIZE + name_length + g_bytes_get_size (stored) > G_MAXUINT32 - 1
      || self->count == G_MAXUINT16)
    {
      g_set_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_ZIP_TOO_LARGE,
                   _("The zip entry “%s” would need ZIP64, which packets do not use"), name);
      return FALSE;
    }

  crc = crc_of (bytes, length);

  put_u32 (self->archive, LOCAL_HEADER_SIGNATURE);
  put_u16 (self->archive, VERSION_NEEDED);
  put_u16 (self->archive, FLAG_UTF8);
  put_u16 (self->archive, method);
  put_u16 (self->archive, DOS_TIME);
  put_u16 (self->archive, DOS_DATE);
  put_u32 (self->archive, crc);
  put_u32 (self->archive, g_bytes_get_size (stored));
  put_u32 (self->archive, length);
  put_u16 (self->archive, name_length);
  put_u16 (self->archive, 0);
  g_byte_array_append (self->archive, (const guint8 *) name, name_length);
  g_byte_array_append (self->archive, g_bytes_get_data (stored, NULL), g_bytes_get_size (stored));

  put_u32 (self->directory, CENTRAL_HEADER_SIGNATURE);
  put_u16 (self->directory, VERSION_NEEDED);
  put_u16 (self->directory, VERSION_NEEDED);
  put_u16 (self->directory, FLAG_UTF8);
  put_u16 (self->directory, method);
  put_u16 (self->directory, DOS_TIME);
  put_u16 (self->directory, DOS_DATE);
  put_u32 (self->directory, crc);
  put_u32 (self->directory, g_bytes_get_size (stored));
  put_u32 (self->directory, length);
  put_u16 (self->directory, name_length);
  put_u16 (self->directory, 0);  /* extra */
  put_u16 (self->directory, 0);  /* comment */
  put_u16 (self->directory, 0);  /* disk */
  put_u16 (self->directory, 0);  /* internal attributes */
  put_u32 (self->directory, 0);  /* external attributes */
  put_u32 (self->directory, offset);
  g_byte_array_append (self->directory, (const guint8 *) name, name_length);

  g_hash_table_add (self->names, g_strdup (name));
  self->count++;

  return TRUE;
}

/**
 * idem_zip_writer_finish:
 * @self: a writer
 *
 * Appends the central directory and returns the archive.  The writer must
 * not be used afterwards, except to free it.
 *
 * Returns: (transfer full): the zip bytes
 */
GBytes *
idem_zip_writer_finish (IdemZipWriter *self)
{
  gsize directory_offset;
  gsize directory_size;

  g_return_val_if_fail (self != NULL && self->archive != NULL, NULL);

  directory_offset = self->archive->len;
  directory_size = self->directory->len;
  g_byte_array_append (self->archive, self->directory->data, self->directory->len);
  put_u32 (self->archive, END_SIGNATURE);
  put_u16 (self->archive, 0);
  put_u16 (self->archive, 0);
  put_u16 (self->archive, self->count);
  put_u16 (self->archive, self->count);
  put_u32 (self->archive, directory_size);
  put_u32 (self->archive, directory_offset);
  put_u16 (self->archive, 0);

  return g_byte_array_free_to_bytes (g_steal_pointer (&self->archive));
}

static void
zip_entry_free (IdemZipEntry *entry)
{
  g_free (entry->name);
  g_bytes_unref (entry->data);
  g_free (entry);
}

typedef struct
{
  char    *name;
  guint    method;
  guint32  crc;
  gsize    compressed_size;
  gsize    size;
  gsize    local_offset;
  gsize    data_offset;
} CentralRecord;

static void
central_record_clear (CentralRecord *record)
{
  g_free (record->name);
}

static gboolean
set_error_at (GError          **error,
              IdemPacketError   code,
              const char       *message)
{
  g_set_error_literal (error, IDEM_PACKET_ERROR, code, message);
  return FALSE;
}

static GBytes *
inflate_entry (const guint8         *data,
               const CentralRecord  *record,
               GError              **error)
{
  z_stream stream = { 0 };
  guint8 *out;
  guint8 probe;
  int status;

  if (inflateInit2 (&stream, -MAX_WBITS) != Z_OK)
    {
      set_error_at (error, IDEM_PACKET_ERROR_ZIP_MALFORMED, _("The decompressor could not start"));
      return NULL;
    }

  /* Exactly the declared size, then one more byte as a probe: an entry that
   * inflates beyond what it declares is a bomb, whatever its ratio. */
  out = g_malloc (MAX (record->size, 1));
  stream.next_in = (Bytef *) data;
  stream.avail_in = record->compressed_size;
  stream.next_out = out;
  stream.avail_out = record->size;
  status = inflate (&stream, Z_FINISH);
  if (status == Z_BUF_ERROR && stream.avail_out == 0)
    {
      stream.next_out = &probe;
      stream.avail_out = 1;
      status = inflate (&stream, Z_FINISH);
      if (stream.avail_out == 0)
        {
          inflateEnd (&stream);
          g_free (out);
          g_set_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_ZIP_BOMB,
                       _("The zip entry “%s” expands beyond the %lu bytes it declares"),
                       record->name, (gulong) record->size);
          return NULL;
        }
    }
  inflateEnd (&stream);

  if (status != Z_STREAM_END || stream.total_out != record->size)
    {
      g_free (out);
      g_set_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_ZIP_MALFORMED,
                   _("The compressed data of zip entry “%s” is corrupt or shorter than declared"),
                   record->name);
      return NULL;
    }

  return g_bytes_new_take (out, record->size);
}

static gboolean
parse_central_record (const guint8         *archive,
                      gsize                 directory_end,
                      gsize                *cursor,
                      CentralRecord        *record,
                      GError              **error)
{
  const guint8 *p = archive + *cursor;
  guint flags, name_length, extra_length, comment_length;

  if (directory_end - *cursor < CENTRAL_HEADER_SIZE)
    return set_error_at (error, IDEM_PACKET_ERROR_ZIP_TRUNCATED, _("The zip's central directory is cut short"));
  if (get_u32 (p) != CENTRAL_HEADER_SIGNATURE)
    return set_error_at (error, IDEM_PACKET_ERROR_ZIP_MALFORMED, _("The zip's central directory has a bad record"));

  flags = get_u16 (p + 8);
  record->method = get_u16 (p + 10);
  record->crc = get_u32 (p + 16);
  record->compressed_size = get_u32 (p + 20);
  record->size = get_u32 (p + 24);
  name_length = get_u16 (p + 28);
  extra_length = get_u16 (p + 30);
  comment_length = get_u16 (p + 32);
  record->local_offset = get_u32 (p + 42);

  if (directory_end - *cursor - CENTRAL_HEADER_SIZE < (gsize) name_length + extra_length + comment_length)
    return set_error_at (error, IDEM_PACKET_ERROR_ZIP_TRUNCATED, _("The zip's central directory is cut short"));
  if (!check_name ((const char *) p + CENTRAL_HEADER_SIZE, name_length, error))
    return FALSE;
  record->name = g_strndup ((const char *) p + CENTRAL_HEADER_SIZE, name_length);

  if (flags & FLAG_ENCRYPTED)
    {
      g_set_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_ZIP_UNSUPPORTED,
                   _("The zip entry “%s” is encrypted"), record->name);
      return FALSE;
    }
  if (record->compressed_size == G_MAXUINT32 || record->size == G_MAXUINT32
      || record->local_offset == G_MAXUINT32)
    {
      g_set_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_ZIP_UNSUPPORTED,
                   _("The zip entry “%s” uses ZIP64"), record->name);
      return FALSE;
    }
  if (record->method != IDEM_ZIP_STORED && record->method != IDEM_ZIP_DEFLATE)
    {
      g_set_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_ZIP_UNSUPPORTED,
                   _("The zip entry “%s” uses compression method %u, not STORED or DEFLATE"),
                   record->name, record->method);
      return FALSE;
    }

  *cursor += CENTRAL_HEADER_SIZE + name_length + extra_length + comment_length;
  return TRUE;
}

static gboolean
check_sizes (const CentralRecord  *record,
             const IdemZipLimits  *limits,
             gsize                *total,
             GError              **error)
{
  if (record->size > limits->max_entry_size)
    {
      g_set_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_ZIP_TOO_LARGE,
                   _("The zip entry “%s” declares %lu bytes, more than the %lu allowed"),
                   record->name, (gulong) record->size, (gulong) limits->max_entry_size);
      return FALSE;
    }
  *total += record->size;
  if (*total > limits->max_total_size)
    {
      g_set_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_ZIP_TOO_LARGE,
                   _("The zip's entries expand to more than the %lu bytes allowed"),
                   (gulong) limits->max_total_size);
      return FALSE;
    }
  if (record->method == IDEM_ZIP_STORED && record->size != record->compressed_size)
    {
      g_set_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_ZIP_MALFORMED,
                   _("The stored zip entry “%s” has two different sizes"), record->name);
      return FALSE;
    }
  if (record->size > RATIO_THRESHOLD
      && record->size / MAX (record->compressed_size, 1) >= limits->max_ratio)
    {
      g_set_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_ZIP_BOMB,
                   _("The zip entry “%s” expands %lu-fold, more than real content does"),
                   record->name, (gulong) (record->size / MAX (record->compressed_size, 1)));
      return FALSE;
    }

  return TRUE;
}

static gint
compare_offsets (gconstpointer a,
                 gconstpointer b)
{
  const CentralRecord *ra = *(const CentralRecord * const *) a;
  const CentralRecord *rb = *(const CentralRecord * const *) b;

  return (ra->local_offset > rb->local_offset) - (ra->local_offset < rb->local_offset);
}

/* Each local header must agree with its central record and its data must
 * end before the next entry starts: overlapping entries are the other way
 * to make a small archive expand enormously. */
static gboolean
check_local_headers (const guint8   *archive,
                     gsize           directory_offset,
                     CentralRecord  *records,
                     guint           count,
                     GError        **error)
{
  g_autofree CentralRecord **sorted = g_new (CentralRecord *, MAX (count, 1));
  gsize previous_end = 0;

  for (guint i = 0; i < count; i++)
    sorted[i] = &records[i];
  qsort (sorted, count, sizeof (CentralRecord *), compare_offsets);

  for (guint i = 0; i < count; i++)
    {
      CentralRecord *record = sorted[i];
      const guint8 *p = archive + record->local_offset;
      gsize name_length, extra_length;

      if (record->local_offset < previous_end)
        {
          g_set_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_ZIP_MALFORMED,
                       _("The zip entry “%s” overlaps another"), record->name);
          return FALSE;
        }
      if (record->local_offset > directory_offset
          || directory_offset - record->local_offset < LOCAL_HEADER_SIZE)
        {
          g_set_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_ZIP_TRUNCATED,
                       _("The zip is cut short in the header of entry “%s”"), record->name);
          return FALSE;
        }
      if (get_u32 (p) != LOCAL_HEADER_SIGNATURE)
        {
          g_set_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_ZIP_MALFORMED,
                       _("The zip entry “%s” has no local header where its directory record points"),
                       record->name);
          return FALSE;
        }
      name_length = get_u16 (p + 26);
      extra_length = get_u16 (p + 28);
      record->data_offset = record->local_offset + LOCAL_HEADER_SIZE + name_length + extra_length;
      if (record->data_offset > directory_offset
          || directory_offset - record->data_offset < record->compressed_size)
        {
          g_set_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_ZIP_TRUNCATED,
                       _("The zip is cut short in the data of entry “%s”"), record->name);
          return FALSE;
        }
      if (name_length != strlen (record->name)
          || memcmp (p + LOCAL_HEADER_SIZE, record->name, name_length) != 0
          || get_u16 (p + 8) != record->method
          || (get_u16 (p + 6) & FLAG_ENCRYPTED) != 0)
        {
          g_set_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_ZIP_MALFORMED,
                       _("The local header of zip entry “%s” disagrees with the directory"),
                       record->name);
          return FALSE;
        }
      previous_end = record->data_offset + record->compressed_size;
    }

  return TRUE;
}

/**
 * idem_zip_read:
 * @archive: the zip bytes, untrusted
 * @limits: (nullable): the limits, or %NULL for idem_zip_default_limits()
 * @error: return location for an error
 *
 * Reads every entry of an archive, refusing anything a packet never holds
 * or that could exhaust memory, each with its own %IDEM_PACKET_ERROR code.
 *
 * Returns: (transfer full) (element-type IdemZipEntry): the entries in
 *   directory order, or %NULL
 */
GPtrArray *
idem_zip_read (GBytes               *archive,
               const IdemZipLimits  *limits,
               GError              **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autofree CentralRecord *records = NULL;
  const guint8 *data;
  gsize length, end = 0, cursor, directory_offset, directory_size, total = 0;
  guint count = 0, parsed = 0;
  gboolean found = FALSE, ok = FALSE;

  g_return_val_if_fail (archive != NULL, NULL);

  if (limits == NULL)
    limits = &default_limits;

  data = g_bytes_get_data (archive, &length);
  if (length < END_RECORD_SIZE)
    {
      set_error_at (error, IDEM_PACKET_ERROR_ZIP_TRUNCATED, _("The zip is too short to hold its end record"));
      return NULL;
    }

  /* The end record is the last thing, followed only by a comment of up to
   * 65535 bytes; search back for it. */
  for (gsize i = length - END_RECORD_SIZE + 1; i-- > 0 && length - i <= END_RECORD_SIZE + G_MAXUINT16;)
    {
      if (get_u32 (data + i) == END_SIGNATURE && i + END_RECORD_SIZE + get_u16 (data + i + 20) == length)
        {
          end = i;
          found = TRUE;
          break;
        }
    }
  if (!found)
    {
      set_error_at (error, IDEM_PACKET_ERROR_ZIP_TRUNCATED, _("The zip has no end record: it is cut short or not a zip"));
      return NULL;
    }

  if (get_u16 (data + end + 4) != 0 || get_u16 (data + end + 6) != 0
      || get_u16 (data + end + 8) != get_u16 (data + end + 10))
    {
      set_error_at (error, IDEM_PACKET_ERROR_ZIP_UNSUPPORTED, _("The zip spans several disks"));
      return NULL;
    }
  count = get_u16 (data + end + 10);
  directory_size = get_u32 (data + end + 12);
  directory_offset = get_u32 (data + end + 16);
  if (count == G_MAXUINT16 || directory_size == G_MAXUINT32 || directory_offset == G_MAXUINT32)
    {
      set_error_at (error, IDEM_PACKET_ERROR_ZIP_UNSUPPORTED, _("The zip uses ZIP64"));
      return NULL;
    }
  if (count > limits->max_entries)
    {
      g_set_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_ZIP_TOO_MANY_ENTRIES,
                   _("The zip has %u entries, more than the %u allowed"), count, limits->max_entries);
      return NULL;
    }
  if (directory_offset > end || end - directory_offset < directory_size)
    {
      set_error_at (error, IDEM_PACKET_ERROR_ZIP_TRUNCATED, _("The zip's central directory lies outside the file"));
      return NULL;
    }

  records = g_new0 (CentralRecord, MAX (count, 1));
  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  cursor = directory_offset;
  for (; parsed < count; parsed++)
    {
      g_autofree char *folded = NULL;

      if (!parse_central_record (data, directory_offset + directory_size, &cursor, &records[parsed], error))
        goto out;
      /* MOSIP finds files by name without regard to case: two names that
       * differ only in case would let a reader see another file than the
       * hash covered. */
      folded = g_utf8_casefold (records[parsed].name, -1);
      if (!g_hash_table_add (seen, g_steal_pointer (&folded)))
        {
          g_set_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_ZIP_DUPLICATE,
                       _("The zip has two entries named “%s”"), records[parsed].name);
          parsed++;
          goto out;
        }
      if (!check_sizes (&records[parsed], limits, &total, error))
        {
          parsed++;
          goto out;
        }
    }
  if (cursor != directory_offset + directory_size)
    {
      set_error_at (error, IDEM_PACKET_ERROR_ZIP_MALFORMED, _("The zip's central directory has stray bytes"));
      goto out;
    }

  if (!check_local_headers (data, directory_offset, records, count, error))
    goto out;

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) zip_entry_free);
  for (guint i = 0; i < count; i++)
    {
      const CentralRecord *record = &records[i];
      const guint8 *payload = data + record->data_offset;
      g_autoptr(GBytes) bytes = NULL;
      IdemZipEntry *entry;

      if (record->method == IDEM_ZIP_STORED)
        bytes = g_bytes_new_from_bytes (archive, record->data_offset, record->size);
      else if ((bytes = inflate_entry (payload, record, error)) == NULL)
        goto out;

      if (!limits->authenticated && crc_of (g_bytes_get_data (bytes, NULL), record->size) != record->crc)
        {
          g_set_error (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_ZIP_CRC_MISMATCH,
                       _("The zip entry “%s” does not match its CRC-32"), record->name);
          goto out;
        }

      entry = g_new0 (IdemZipEntry, 1);
      entry->name = g_strdup (record->name);
      entry->data = g_steal_pointer (&bytes);
      g_ptr_array_add (entries, entry);
    }
  ok = TRUE;

out:
  for (guint i = 0; i < parsed; i++)
    central_record_clear (&records[i]);
  if (!ok)
    {
      /* parse_central_record may have set a name before failing */
      if (parsed < count && records != NULL)
        central_record_clear (&records[parsed]);
      return NULL;
    }

  return g_steal_pointer (&entries);
}

/**
 * idem_zip_entry_find:
 * @entries: (element-type IdemZipEntry): entries from idem_zip_read()
 * @name: an exact name
 *
 * Returns: (transfer none) (nullable): the entry named @name
 */
IdemZipEntry *
idem_zip_entry_find (GPtrArray  *entries,
                     const char *name)
{
  for (guint i = 0; i < entries->len; i++)
    {
      IdemZipEntry *entry = g_ptr_array_index (entries, i);

      if (g_str_equal (entry->name, name))
        return entry;
    }

  return NULL;
}
