/* idem-cbeff.h — biometric information records (CBEFF, ISO/IEC 19785-3 XML)
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#if !defined(IDEM_INSIDE) && !defined(IDEM_COMPILATION)
# error "Only <idem.h> can be included directly."
#endif

#include <glib-object.h>

G_BEGIN_DECLS

#define IDEM_CBEFF_ERROR (idem_cbeff_error_quark ())

/* The namespace MOSIP writes and its XSD declares. */
#define IDEM_CBEFF_NAMESPACE "http://standards.iso.org/iso-iec/19785/-3/ed-2/"
/* The OASIS BIAS patron format namespace of older MOSIP documents; read only. */
#define IDEM_CBEFF_NAMESPACE_BIAS "http://docs.oasis-open.org/bias/ns/biaspatronformat-1.0/"

/* Bounds on what the reader accepts, so a hostile document costs little. */
#define IDEM_CBEFF_MAX_DOCUMENT_SIZE (64 * 1024 * 1024)
#define IDEM_CBEFF_MAX_BIRS          1024
#define IDEM_CBEFF_MAX_DEPTH         4
#define IDEM_CBEFF_MAX_OTHERS        256

/**
 * IdemCbeffError:
 * @IDEM_CBEFF_ERROR_MALFORMED_XML: the document is not well-formed XML
 * @IDEM_CBEFF_ERROR_UNSAFE_XML: the document has a DTD (entities, external
 *   references): refused before anything in it is resolved
 * @IDEM_CBEFF_ERROR_NOT_CBEFF: the root element is not a CBEFF `BIR`
 * @IDEM_CBEFF_ERROR_MISSING_ELEMENT: a mandatory element is absent
 * @IDEM_CBEFF_ERROR_BAD_VALUE: an element holds a value outside its type
 * @IDEM_CBEFF_ERROR_BAD_BASE64: a `BDB`, `SB` or `Payload` is not base64
 * @IDEM_CBEFF_ERROR_TOO_LARGE: the document, its nesting or its number of
 *   records exceeds the reader's bounds
 * @IDEM_CBEFF_ERROR_INCOMPLETE: the writer was given a record that lacks
 *   what the schema requires
 *
 * Stable codes; new ones are only ever appended.
 */
typedef enum
{
  IDEM_CBEFF_ERROR_MALFORMED_XML,
  IDEM_CBEFF_ERROR_UNSAFE_XML,
  IDEM_CBEFF_ERROR_NOT_CBEFF,
  IDEM_CBEFF_ERROR_MISSING_ELEMENT,
  IDEM_CBEFF_ERROR_BAD_VALUE,
  IDEM_CBEFF_ERROR_BAD_BASE64,
  IDEM_CBEFF_ERROR_TOO_LARGE,
  IDEM_CBEFF_ERROR_INCOMPLETE,
} IdemCbeffError;

/**
 * IdemBiometricType:
 * @IDEM_BIOMETRIC_TYPE_NONE: no `Type` (the outer record of a set)
 * @IDEM_BIOMETRIC_TYPE_FINGER: a finger (`Finger`)
 * @IDEM_BIOMETRIC_TYPE_IRIS: an iris (`Iris`)
 * @IDEM_BIOMETRIC_TYPE_FACE: a face (`Face`)
 * @IDEM_BIOMETRIC_TYPE_EXCEPTION_PHOTO: the photo of a person whose
 *   biometrics could not be captured (`ExceptionPhoto`)
 */
typedef enum
{
  IDEM_BIOMETRIC_TYPE_NONE,
  IDEM_BIOMETRIC_TYPE_FINGER,
  IDEM_BIOMETRIC_TYPE_IRIS,
  IDEM_BIOMETRIC_TYPE_FACE,
  IDEM_BIOMETRIC_TYPE_EXCEPTION_PHOTO,
} IdemBiometricType;

/**
 * IdemBirPurpose:
 *
 * The `Purpose` of a capture, as the schema spells it.
 */
typedef enum
{
  IDEM_BIR_PURPOSE_NONE,
  IDEM_BIR_PURPOSE_VERIFY,
  IDEM_BIR_PURPOSE_IDENTIFY,
  IDEM_BIR_PURPOSE_ENROLL,
  IDEM_BIR_PURPOSE_ENROLL_VERIFY,
  IDEM_BIR_PURPOSE_ENROLL_IDENTIFY,
  IDEM_BIR_PURPOSE_AUDIT,
} IdemBirPurpose;

/**
 * IdemBirLevel:
 *
 * The processing `Level` of the biometric data block.
 */
typedef enum
{
  IDEM_BIR_LEVEL_NONE,
  IDEM_BIR_LEVEL_RAW,
  IDEM_BIR_LEVEL_INTERMEDIATE,
  IDEM_BIR_LEVEL_PROCESSED,
} IdemBirLevel;

#define IDEM_TYPE_BIR (idem_bir_get_type ())

/**
 * IdemBir:
 *
 * One biometric information record: header (`BIRInfo`, `BDBInfo`), the
 * biometric data block (`BDB`, here an ISO 19794 record), MOSIP's `others`
 * entries, and nested records.  A MOSIP document is one outer record, with
 * only `BIRInfo`, whose children are the captures.  Reference counted.
 */
typedef struct _IdemBir IdemBir;

GType              idem_bir_get_type                   (void) G_GNUC_CONST;
GQuark             idem_cbeff_error_quark              (void);

IdemBir           *idem_bir_new                        (void);
IdemBir           *idem_bir_ref                        (IdemBir           *bir);
void               idem_bir_unref                      (IdemBir           *bir);

/* Version and CBEFFVersion; absent unless set. */
gboolean           idem_bir_get_version                (IdemBir           *bir,
                                                        guint             *major,
                                                        guint             *minor);
void               idem_bir_set_version                (IdemBir           *bir,
                                                        guint              major,
                                                        guint              minor);
gboolean           idem_bir_get_cbeff_version          (IdemBir           *bir,
                                                        guint             *major,
                                                        guint             *minor);
void               idem_bir_set_cbeff_version          (IdemBir           *bir,
                                                        guint              major,
                                                        guint              minor);

/* BIRInfo */
gboolean           idem_bir_get_integrity              (IdemBir           *bir);
void               idem_bir_set_integrity              (IdemBir           *bir,
                                                        gboolean           integrity);
const char        *idem_bir_get_creator                (IdemBir           *bir);
void               idem_bir_set_creator                (IdemBir           *bir,
                                                        const char        *creator);
const char        *idem_bir_get_index                  (IdemBir           *bir);
gboolean           idem_bir_set_index                  (IdemBir           *bir,
                                                        const char        *uuid);
GBytes            *idem_bir_get_payload                (IdemBir           *bir);
void               idem_bir_set_payload                (IdemBir           *bir,
                                                        GBytes            *payload);
GDateTime         *idem_bir_get_creation_date          (IdemBir           *bir);
void               idem_bir_set_creation_date          (IdemBir           *bir,
                                                        GDateTime         *date);

/* BDBInfo */
IdemBiometricType  idem_bir_get_biometric_type         (IdemBir           *bir);
void               idem_bir_set_biometric_type         (IdemBir           *bir,
                                                        IdemBiometricType  type);
const char        *idem_bir_get_subtype                (IdemBir           *bir);
gboolean           idem_bir_set_subtype                (IdemBir           *bir,
                                                        const char        *subtype);
const char        *idem_bir_get_bdb_index              (IdemBir           *bir);
gboolean           idem_bir_set_bdb_index              (IdemBir           *bir,
                                                        const char        *uuid);
gboolean           idem_bir_get_format                 (IdemBir           *bir,
                                                        const char       **organization,
                                                        const char       **type);
void               idem_bir_set_format                 (IdemBir           *bir,
                                                        const char        *organization,
                                                        const char        *type);
GDateTime         *idem_bir_get_bdb_creation_date      (IdemBir           *bir);
void               idem_bir_set_bdb_creation_date      (IdemBir           *bir,
                                                        GDateTime         *date);
IdemBirLevel       idem_bir_get_level                  (IdemBir           *bir);
void               idem_bir_set_level                  (IdemBir           *bir,
                                                        IdemBirLevel       level);
IdemBirPurpose     idem_bir_get_purpose                (IdemBir           *bir);
void               idem_bir_set_purpose                (IdemBir           *bir,
                                                        IdemBirPurpose     purpose);
int                idem_bir_get_quality_score          (IdemBir           *bir);
gboolean           idem_bir_get_quality_algorithm      (IdemBir           *bir,
                                                        const char       **organization,
                                                        const char       **type);
void               idem_bir_set_quality                (IdemBir           *bir,
                                                        const char        *algorithm_organization,
                                                        const char        *algorithm_type,
                                                        int                score);

/* BDB, SB and MOSIP's others */
GBytes            *idem_bir_get_bdb                    (IdemBir           *bir);
void               idem_bir_set_bdb                    (IdemBir           *bir,
                                                        GBytes            *bdb);
GBytes            *idem_bir_get_sb                     (IdemBir           *bir);
void               idem_bir_set_sb                     (IdemBir           *bir,
                                                        GBytes            *sb);
guint              idem_bir_get_n_others               (IdemBir           *bir);
void               idem_bir_get_nth_other              (IdemBir           *bir,
                                                        guint              n,
                                                        const char       **key,
                                                        const char       **value);
const char        *idem_bir_lookup_other               (IdemBir           *bir,
                                                        const char        *key);
void               idem_bir_set_other                  (IdemBir           *bir,
                                                        const char        *key,
                                                        const char        *value);

/* Nested records */
guint              idem_bir_get_n_children             (IdemBir           *bir);
IdemBir           *idem_bir_get_child                  (IdemBir           *bir,
                                                        guint              n);
void               idem_bir_add_child                  (IdemBir           *bir,
                                                        IdemBir           *child);

/* Names as the schema spells them */
const char        *idem_biometric_type_to_string       (IdemBiometricType  type);
const char        *idem_bir_purpose_to_string          (IdemBirPurpose     purpose);
const char        *idem_bir_level_to_string            (IdemBirLevel       level);

/* XML */
IdemBir           *idem_cbeff_read                     (GBytes            *xml,
                                                        GError           **error);
GBytes            *idem_cbeff_write                    (IdemBir           *bir,
                                                        GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdemBir, idem_bir_unref)

G_END_DECLS
