/* idem-id-schema-private.h — what the schema loader and validator share
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "idem-id-schema.h"

G_BEGIN_DECLS

typedef struct
{
  char   *pattern;
  char   *language;
  GRegex *regex;
} IdemIdValidator;

struct _IdemIdField
{
  char              *id;
  IdemIdFieldKind    kind;
  IdemFieldCategory  category;
  gboolean           required;
  gboolean           nullable;
  char              *format;
  char              *field_type;
  GStrv              bio_attributes;
  gboolean           has_minimum;
  gboolean           has_maximum;
  double             minimum;
  double             maximum;
  GPtrArray         *validators;
};

struct _IdemIdSchema
{
  GObject     parent_instance;

  GPtrArray  *fields;
  GHashTable *fields_by_id;
  double      version;
  gboolean    allows_unknown_fields;
  gboolean    root_allows_unknown;
  GStrv       languages;
};

JsonNode *idem_json_parse_bounded (GBytes   *bytes,
                                   GQuark    domain,
                                   int       parse_code,
                                   int       too_large_code,
                                   GError  **error);

G_END_DECLS
