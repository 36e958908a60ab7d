/* idem-packet-zip.h — the zip archives of a registration packet (private)
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Not part of the umbrella header: only the packet code, its tests and its
 * fuzz target use it.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * IdemZipMethod:
 * @IDEM_ZIP_STORED: the bytes as they are
 * @IDEM_ZIP_DEFLATE: raw DEFLATE
 */
typedef enum
{
  IDEM_ZIP_STORED = 0,
  IDEM_ZIP_DEFLATE = 8,
} IdemZipMethod;

/**
 * IdemZipLimits:
 * @max_entries: the most entries an archive may hold
 * @max_entry_size: the most bytes one entry may expand to
 * @max_total_size: the most bytes all entries together may expand to
 * @max_ratio: the most an entry larger than 1 MiB may expand per
 *   compressed byte
 * @authenticated: the archive is the plaintext of an AES-GCM envelope,
 *   whose tag already proved every byte; its CRC-32s are then not
 *   computed (zlib's CRC-32 runs at about 500 MB/s here, and was the
 *   largest cost of opening a packet after SHA-256 and RSA)
 *
 * What a reader accepts from an untrusted archive.
 */
typedef struct
{
  guint  max_entries;
  gsize  max_entry_size;
  gsize  max_total_size;
  guint  max_ratio;
  gboolean authenticated;
} IdemZipLimits;

typedef struct _IdemZipWriter IdemZipWriter;

typedef struct
{
  char   *name;
  GBytes *data;
} IdemZipEntry;

const IdemZipLimits *idem_zip_default_limits (void);

IdemZipWriter *idem_zip_writer_new      (void);
void           idem_zip_writer_free     (IdemZipWriter  *self);
gboolean       idem_zip_writer_add      (IdemZipWriter  *self,
                                         const char     *name,
                                         GBytes         *data,
                                         IdemZipMethod   method,
                                         GError        **error);
GBytes        *idem_zip_writer_finish   (IdemZipWriter  *self);

GPtrArray     *idem_zip_read            (GBytes               *archive,
                                         const IdemZipLimits  *limits,
                                         GError              **error);
IdemZipEntry  *idem_zip_entry_find      (GPtrArray            *entries,
                                         const char           *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdemZipWriter, idem_zip_writer_free)

G_END_DECLS
