/* idem-id-schema.h — MOSIP-style ID schemas and the identities they describe
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * An ID schema is a JSON Schema (draft-07 subset) whose
 * `properties.identity.properties` are the fields of an identity: their
 * kind, the sub-packet they travel in (`fieldCategory`), whether they are
 * required and the regular expressions their values must match.
 */

#pragma once

#if !defined(IDEM_INSIDE) && !defined(IDEM_COMPILATION)
# error "Only <idem.h> can be included directly."
#endif

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define IDEM_ID_SCHEMA_ERROR (idem_id_schema_error_quark ())

/**
 * IdemIdSchemaError:
 * @IDEM_ID_SCHEMA_ERROR_PARSE: the text is not JSON
 * @IDEM_ID_SCHEMA_ERROR_MALFORMED: the JSON is not an ID schema; the message
 *   names the JSON path of the first fault
 * @IDEM_ID_SCHEMA_ERROR_UNSUPPORTED: the schema uses a feature Idem cannot
 *   check (a validator engine other than `regex`), so it is refused rather
 *   than half applied
 * @IDEM_ID_SCHEMA_ERROR_BAD_REGEX: a validator's regular expression does not
 *   compile
 * @IDEM_ID_SCHEMA_ERROR_TOO_LARGE: the input is larger or deeper than the
 *   limits below
 * @IDEM_ID_SCHEMA_ERROR_IO: the file could not be read
 *
 * Stable error codes of %IDEM_ID_SCHEMA_ERROR; new codes are only appended.
 */
typedef enum
{
  IDEM_ID_SCHEMA_ERROR_PARSE = 1,
  IDEM_ID_SCHEMA_ERROR_MALFORMED = 2,
  IDEM_ID_SCHEMA_ERROR_UNSUPPORTED = 3,
  IDEM_ID_SCHEMA_ERROR_BAD_REGEX = 4,
  IDEM_ID_SCHEMA_ERROR_TOO_LARGE = 5,
  IDEM_ID_SCHEMA_ERROR_IO = 6,
} IdemIdSchemaError;

/**
 * IdemIdFieldKind:
 * @IDEM_ID_FIELD_KIND_SIMPLE: language-tagged values,
 *   `[{"language": "eng", "value": "…"}, …]` (`#/definitions/simpleType`)
 * @IDEM_ID_FIELD_KIND_DOCUMENT: a document's metadata,
 *   `{"format", "type", "value", "refNumber"}` (`#/definitions/documentType`)
 * @IDEM_ID_FIELD_KIND_BIOMETRICS: a CBEFF file's reference,
 *   `{"format", "version", "value"}` (`#/definitions/biometricsType`)
 * @IDEM_ID_FIELD_KIND_STRING: a plain string
 * @IDEM_ID_FIELD_KIND_NUMBER: a JSON number
 * @IDEM_ID_FIELD_KIND_INTEGER: a JSON number without a fraction
 * @IDEM_ID_FIELD_KIND_BOOLEAN: `true` or `false`
 *
 * What a field's value looks like.  Stable values.
 */
typedef enum
{
  IDEM_ID_FIELD_KIND_SIMPLE = 1,
  IDEM_ID_FIELD_KIND_DOCUMENT = 2,
  IDEM_ID_FIELD_KIND_BIOMETRICS = 3,
  IDEM_ID_FIELD_KIND_STRING = 4,
  IDEM_ID_FIELD_KIND_NUMBER = 5,
  IDEM_ID_FIELD_KIND_INTEGER = 6,
  IDEM_ID_FIELD_KIND_BOOLEAN = 7,
} IdemIdFieldKind;

/**
 * IdemFieldCategory:
 * @IDEM_FIELD_CATEGORY_NONE: `none`, or no category: kept in every sub-packet
 * @IDEM_FIELD_CATEGORY_PVT: `pvt`, private, usable for authentication
 * @IDEM_FIELD_CATEGORY_KYC: `kyc`, may be disclosed to partners
 * @IDEM_FIELD_CATEGORY_EVIDENCE: `evidence`, proof that may be removed
 * @IDEM_FIELD_CATEGORY_OPTIONAL: `optional`, removed after a set time
 *
 * MOSIP's `fieldCategory`.  Stable values.
 */
typedef enum
{
  IDEM_FIELD_CATEGORY_NONE = 0,
  IDEM_FIELD_CATEGORY_PVT = 1,
  IDEM_FIELD_CATEGORY_KYC = 2,
  IDEM_FIELD_CATEGORY_EVIDENCE = 3,
  IDEM_FIELD_CATEGORY_OPTIONAL = 4,
} IdemFieldCategory;

/**
 * IdemSubpackets:
 * @IDEM_SUBPACKET_ID: the `id` sub-packet
 * @IDEM_SUBPACKET_EVIDENCE: the `evidence` sub-packet
 * @IDEM_SUBPACKET_OPTIONAL: the `optional` sub-packet
 *
 * A set of the sub-packets of a registration packet.
 */
typedef enum /*< flags >*/
{
  IDEM_SUBPACKET_ID = 1 << 0,
  IDEM_SUBPACKET_EVIDENCE = 1 << 1,
  IDEM_SUBPACKET_OPTIONAL = 1 << 2,
} IdemSubpackets;

#define IDEM_SUBPACKET_ALL (IDEM_SUBPACKET_ID | IDEM_SUBPACKET_EVIDENCE | IDEM_SUBPACKET_OPTIONAL)

/**
 * IdemIdSchemaLimit:
 * @IDEM_ID_SCHEMA_MAX_BYTES: the largest schema or identity document read
 * @IDEM_ID_SCHEMA_MAX_DEPTH: the deepest nesting of arrays and objects read
 * @IDEM_ID_SCHEMA_MAX_FIELDS: the most fields a schema may define
 * @IDEM_ID_SCHEMA_MAX_VALUES: the most language-tagged values a field may hold
 * @IDEM_ID_SCHEMA_MAX_VALUE_LENGTH: the longest string, in bytes, matched
 *   against a validator
 * @IDEM_ID_SCHEMA_MAX_VIOLATIONS: the most violations reported for one identity
 *
 * Bounds on the work done for hostile input.  Identities beyond them are
 * reported as violations (%IDEM_SCHEMA_VIOLATION_TOO_LARGE and friends).
 */
typedef enum
{
  IDEM_ID_SCHEMA_MAX_BYTES = 4 * 1024 * 1024,
  IDEM_ID_SCHEMA_MAX_DEPTH = 32,
  IDEM_ID_SCHEMA_MAX_FIELDS = 512,
  IDEM_ID_SCHEMA_MAX_VALUES = 16,
  IDEM_ID_SCHEMA_MAX_VALUE_LENGTH = 4096,
  IDEM_ID_SCHEMA_MAX_VIOLATIONS = 256,
} IdemIdSchemaLimit;

/**
 * IdemSchemaViolationCode:
 * @IDEM_SCHEMA_VIOLATION_REQUIRED: a required field or member is missing
 * @IDEM_SCHEMA_VIOLATION_WRONG_TYPE: the value has the wrong JSON type
 * @IDEM_SCHEMA_VIOLATION_PATTERN: a string does not match a validator
 * @IDEM_SCHEMA_VIOLATION_UNKNOWN_FIELD: the schema does not define this
 *   field and allows no others
 * @IDEM_SCHEMA_VIOLATION_UNKNOWN_LANGUAGE: a language code that is not
 *   allowed, or not a language code
 * @IDEM_SCHEMA_VIOLATION_DUPLICATE_LANGUAGE: two values in the same language
 * @IDEM_SCHEMA_VIOLATION_OUT_OF_RANGE: a number below its minimum or above
 *   its maximum
 * @IDEM_SCHEMA_VIOLATION_BAD_DOCUMENT: a document reference of the wrong shape
 * @IDEM_SCHEMA_VIOLATION_BAD_BIOMETRICS: a biometrics reference of the wrong
 *   shape
 * @IDEM_SCHEMA_VIOLATION_TOO_LARGE: too many values, or a string too long to check
 * @IDEM_SCHEMA_VIOLATION_TOO_DEEP: arrays or objects nested too deeply
 * @IDEM_SCHEMA_VIOLATION_TOO_MANY: more violations than are reported; the
 *   rest were not listed
 * @IDEM_SCHEMA_VIOLATION_NOT_AN_OBJECT: the identity is not a JSON object
 *
 * Stable codes of an #IdemSchemaViolation; new codes are only appended.
 */
typedef enum
{
  IDEM_SCHEMA_VIOLATION_REQUIRED = 1,
  IDEM_SCHEMA_VIOLATION_WRONG_TYPE = 2,
  IDEM_SCHEMA_VIOLATION_PATTERN = 3,
  IDEM_SCHEMA_VIOLATION_UNKNOWN_FIELD = 4,
  IDEM_SCHEMA_VIOLATION_UNKNOWN_LANGUAGE = 5,
  IDEM_SCHEMA_VIOLATION_DUPLICATE_LANGUAGE = 6,
  IDEM_SCHEMA_VIOLATION_OUT_OF_RANGE = 7,
  IDEM_SCHEMA_VIOLATION_BAD_DOCUMENT = 8,
  IDEM_SCHEMA_VIOLATION_BAD_BIOMETRICS = 9,
  IDEM_SCHEMA_VIOLATION_TOO_LARGE = 10,
  IDEM_SCHEMA_VIOLATION_TOO_DEEP = 11,
  IDEM_SCHEMA_VIOLATION_TOO_MANY = 12,
  IDEM_SCHEMA_VIOLATION_NOT_AN_OBJECT = 13,
} IdemSchemaViolationCode;

/**
 * IdemIdValidateFlags:
 * @IDEM_ID_VALIDATE_NONE: MOSIP's reading: only the `identity` member of a
 *   wrapped object is checked, as MOSIP's packet reader only reads that one
 * @IDEM_ID_VALIDATE_STRICT_WRAPPER: also report members beside `identity`
 *   that the schema's top level does not allow
 * @IDEM_ID_VALIDATE_PARTIAL: the identity is one sub-packet's share, which
 *   holds only the fields routed to it: missing required fields are not
 *   reported
 */
typedef enum /*< flags >*/
{
  IDEM_ID_VALIDATE_NONE = 0,
  IDEM_ID_VALIDATE_STRICT_WRAPPER = 1 << 0,
  IDEM_ID_VALIDATE_PARTIAL = 1 << 1,
} IdemIdValidateFlags;

/**
 * IdemSchemaViolation:
 * @code: what is wrong
 * @path: where: `identity.fullName[1].value`
 * @message: a translated sentence saying what is wrong
 *
 * One way an identity breaks its schema.
 */
typedef struct
{
  IdemSchemaViolationCode  code;
  char                    *path;
  char                    *message;
} IdemSchemaViolation;

#define IDEM_TYPE_SCHEMA_VIOLATION (idem_schema_violation_get_type ())

GType                idem_schema_violation_get_type    (void) G_GNUC_CONST;
IdemSchemaViolation *idem_schema_violation_new         (IdemSchemaViolationCode    code,
                                                        const char                *path,
                                                        const char                *message);
IdemSchemaViolation *idem_schema_violation_copy        (const IdemSchemaViolation *violation);
void                 idem_schema_violation_free        (IdemSchemaViolation       *violation);
const char          *idem_schema_violation_code_to_string (IdemSchemaViolationCode code);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdemSchemaViolation, idem_schema_violation_free)

/**
 * IdemIdField:
 *
 * One field of an #IdemIdSchema.  It belongs to the schema and lives as long
 * as the schema does.
 */
typedef struct _IdemIdField IdemIdField;

#define IDEM_TYPE_ID_SCHEMA (idem_id_schema_get_type ())

G_DECLARE_FINAL_TYPE (IdemIdSchema, idem_id_schema, IDEM, ID_SCHEMA, GObject)

GQuark              idem_id_schema_error_quark        (void);

const char         *idem_id_field_kind_to_string      (IdemIdFieldKind     kind);
const char         *idem_field_category_to_string     (IdemFieldCategory   category);
gboolean            idem_field_category_from_string   (const char         *string,
                                                       IdemFieldCategory  *category);
IdemSubpackets      idem_field_category_get_subpackets (IdemFieldCategory  category);

IdemIdSchema       *idem_id_schema_new_from_bytes     (GBytes             *bytes,
                                                       GError            **error);
IdemIdSchema       *idem_id_schema_new_from_file      (GFile              *file,
                                                       GError            **error);
double              idem_id_schema_get_version        (IdemIdSchema       *self);
guint               idem_id_schema_get_n_fields       (IdemIdSchema       *self);
const IdemIdField  *idem_id_schema_get_field          (IdemIdSchema       *self,
                                                       guint               position);
const IdemIdField  *idem_id_schema_lookup_field       (IdemIdSchema       *self,
                                                       const char         *id);
gboolean            idem_id_schema_get_allows_unknown_fields (IdemIdSchema *self);
void                idem_id_schema_set_languages      (IdemIdSchema       *self,
                                                       const char * const *languages);
const char * const *idem_id_schema_get_languages      (IdemIdSchema       *self);
GPtrArray          *idem_id_schema_validate           (IdemIdSchema       *self,
                                                       JsonObject         *object,
                                                       IdemIdValidateFlags flags);
GPtrArray          *idem_id_schema_validate_node      (IdemIdSchema       *self,
                                                       JsonNode           *node,
                                                       IdemIdValidateFlags flags);
GPtrArray          *idem_id_schema_validate_bytes     (IdemIdSchema       *self,
                                                       GBytes             *bytes,
                                                       IdemIdValidateFlags flags,
                                                       GError            **error);

const char         *idem_id_field_get_id              (const IdemIdField  *field);
IdemIdFieldKind     idem_id_field_get_kind            (const IdemIdField  *field);
IdemFieldCategory   idem_id_field_get_category        (const IdemIdField  *field);
IdemSubpackets      idem_id_field_get_subpackets      (const IdemIdField  *field);
gboolean            idem_id_field_is_required         (const IdemIdField  *field);
gboolean            idem_id_field_is_nullable         (const IdemIdField  *field);
const char         *idem_id_field_get_format          (const IdemIdField  *field);
const char         *idem_id_field_get_field_type      (const IdemIdField  *field);
const char * const *idem_id_field_get_bio_attributes  (const IdemIdField  *field);
gboolean            idem_id_field_get_minimum         (const IdemIdField  *field,
                                                       double             *minimum);
gboolean            idem_id_field_get_maximum         (const IdemIdField  *field,
                                                       double             *maximum);
guint               idem_id_field_get_n_validators    (const IdemIdField  *field);
const char         *idem_id_field_get_validator_pattern (const IdemIdField *field,
                                                         guint               position);
const char         *idem_id_field_get_validator_language (const IdemIdField *field,
                                                          guint               position);

G_END_DECLS
