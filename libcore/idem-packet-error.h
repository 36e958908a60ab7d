/* idem-packet-error.h — error codes of the registration packet reader and writer
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#if !defined(IDEM_INSIDE) && !defined(IDEM_COMPILATION)
# error "Only <idem.h> can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

#define IDEM_PACKET_ERROR (idem_packet_error_quark ())

/**
 * IdemPacketError:
 * @IDEM_PACKET_ERROR_INVALID_INPUT: the writer was given incomplete or
 *   inconsistent input (no audits, an empty file, an unknown process…)
 * @IDEM_PACKET_ERROR_IO: the packet file could not be read or written
 * @IDEM_PACKET_ERROR_SIZE_MISMATCH: the packet's length is not the declared size
 * @IDEM_PACKET_ERROR_HASH_MISMATCH: the packet's SHA-256 is not the declared hash
 * @IDEM_PACKET_ERROR_DECRYPT: the outer envelope does not decrypt; the
 *   message gives the envelope's own reason
 * @IDEM_PACKET_ERROR_ZIP_TRUNCATED: a zip ends before its central directory
 *   or its entries end
 * @IDEM_PACKET_ERROR_ZIP_MALFORMED: a zip's records are inconsistent
 *   (bad signature, overlapping entries, corrupt compressed data)
 * @IDEM_PACKET_ERROR_ZIP_UNSUPPORTED: a zip uses ZIP64, encryption, several
 *   disks or a compression method other than STORED and DEFLATE
 * @IDEM_PACKET_ERROR_ZIP_TOO_MANY_ENTRIES: a zip holds more entries than allowed
 * @IDEM_PACKET_ERROR_ZIP_TOO_LARGE: an entry, or all entries together, would
 *   expand beyond the allowed size
 * @IDEM_PACKET_ERROR_ZIP_BOMB: an entry expands far more than real content
 *   does, or beyond the size it declares
 * @IDEM_PACKET_ERROR_ZIP_BAD_NAME: an entry name is absolute, climbs with
 *   `..`, holds a backslash or NUL, is empty, names a directory or is not UTF-8
 * @IDEM_PACKET_ERROR_ZIP_DUPLICATE: two entries share a name
 * @IDEM_PACKET_ERROR_ZIP_CRC_MISMATCH: an entry's CRC-32 does not match its bytes
 * @IDEM_PACKET_ERROR_ZIP_UNEXPECTED_ENTRY: the outer container holds an
 *   entry that is not a sub-packet or its meta JSON
 * @IDEM_PACKET_ERROR_MISSING_SUBPACKET: a sub-packet or its meta JSON is missing
 * @IDEM_PACKET_ERROR_META_INVALID: a sub-packet's meta JSON, ID.json,
 *   packet_meta_info.json or hash sequence is not what MOSIP writes
 * @IDEM_PACKET_ERROR_NO_SIGNING_KEY: no public key is known for the machine
 *   that signed a sub-packet
 * @IDEM_PACKET_ERROR_SIGNATURE_INVALID: a sub-packet's signature does not
 *   verify with the machine's key
 * @IDEM_PACKET_ERROR_ENCRYPTED_HASH_MISMATCH: a sub-packet's `encryptedhash`
 *   does not match its encrypted bytes
 * @IDEM_PACKET_ERROR_SUBPACKET_DECRYPT: a sub-packet's envelope does not decrypt
 * @IDEM_PACKET_ERROR_DATA_HASH_MISMATCH: `packet_data_hash.txt` does not
 *   match the files of `hashSequence1`
 * @IDEM_PACKET_ERROR_OPERATIONS_HASH_MISMATCH: `packet_operations_hash.txt`
 *   does not match the files of `hashSequence2`
 * @IDEM_PACKET_ERROR_MISSING_FILE: a file named in a hash sequence is not
 *   in the sub-packet
 * @IDEM_PACKET_ERROR_SCHEMA_INVALID: the identity breaks the ID schema
 *
 * Error codes of %IDEM_PACKET_ERROR.  The values are stable; a reader
 * reports the first check that failed, in the order MOSIP's registration
 * processor checks.
 */
typedef enum
{
  IDEM_PACKET_ERROR_INVALID_INPUT = 1,
  IDEM_PACKET_ERROR_IO,
  IDEM_PACKET_ERROR_SIZE_MISMATCH,
  IDEM_PACKET_ERROR_HASH_MISMATCH,
  IDEM_PACKET_ERROR_DECRYPT,
  IDEM_PACKET_ERROR_ZIP_TRUNCATED,
  IDEM_PACKET_ERROR_ZIP_MALFORMED,
  IDEM_PACKET_ERROR_ZIP_UNSUPPORTED,
  IDEM_PACKET_ERROR_ZIP_TOO_MANY_ENTRIES,
  IDEM_PACKET_ERROR_ZIP_TOO_LARGE,
  IDEM_PACKET_ERROR_ZIP_BOMB,
  IDEM_PACKET_ERROR_ZIP_BAD_NAME,
  IDEM_PACKET_ERROR_ZIP_DUPLICATE,
  IDEM_PACKET_ERROR_ZIP_CRC_MISMATCH,
  IDEM_PACKET_ERROR_ZIP_UNEXPECTED_ENTRY,
  IDEM_PACKET_ERROR_MISSING_SUBPACKET,
  IDEM_PACKET_ERROR_META_INVALID,
  IDEM_PACKET_ERROR_NO_SIGNING_KEY,
  IDEM_PACKET_ERROR_SIGNATURE_INVALID,
  IDEM_PACKET_ERROR_ENCRYPTED_HASH_MISMATCH,
  IDEM_PACKET_ERROR_SUBPACKET_DECRYPT,
  IDEM_PACKET_ERROR_DATA_HASH_MISMATCH,
  IDEM_PACKET_ERROR_OPERATIONS_HASH_MISMATCH,
  IDEM_PACKET_ERROR_MISSING_FILE,
  IDEM_PACKET_ERROR_SCHEMA_INVALID,
} IdemPacketError;

GQuark      idem_packet_error_quark    (void);
const char *idem_packet_error_get_name (IdemPacketError code);

G_END_DECLS
