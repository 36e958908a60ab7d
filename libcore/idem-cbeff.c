/* idem-cbeff.c — the biometric information record model
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "idem-cbeff"

#include "config.h"

#include "idem-cbeff-private.h"

#include <string.h>

typedef struct
{
  char *key;
  char *value;
} OtherEntry;

struct _IdemBir
{
  gatomicrefcount   ref_count;

  gboolean          has_version;
  guint             version[2];
  gboolean          has_cbeff_version;
  guint             cbeff_version[2];

  gboolean          integrity;
  char             *creator;
  char             *index;
  GBytes           *payload;
  GDateTime        *creation_date;

  IdemBiometricType type;
  char             *subtype;
  char             *bdb_index;
  char             *format_organization;
  char             *format_type;
  GDateTime        *bdb_creation_date;
  IdemBirLevel      level;
  IdemBirPurpose    purpose;
  char             *quality_organization;
  char             *quality_type;
  int               quality_score;

  GBytes           *bdb;
  GBytes           *sb;
  GArray           *others;
  GPtrArray        *children;
};

G_DEFINE_BOXED_TYPE (IdemBir, idem_bir, idem_bir_ref, idem_bir_unref)
G_DEFINE_QUARK (idem-cbeff-error-quark, idem_cbeff_error)

static const char * const biometric_type_names[] = {
  [IDEM_BIOMETRIC_TYPE_NONE] = NULL,
  [IDEM_BIOMETRIC_TYPE_FINGER] = "Finger",
  [IDEM_BIOMETRIC_TYPE_IRIS] = "Iris",
  [IDEM_BIOMETRIC_TYPE_FACE] = "Face",
  [IDEM_BIOMETRIC_TYPE_EXCEPTION_PHOTO] = "ExceptionPhoto",
};

static const char * const purpose_names[] = {
  [IDEM_BIR_PURPOSE_NONE] = NULL,
  [IDEM_BIR_PURPOSE_VERIFY] = "Verify",
  [IDEM_BIR_PURPOSE_IDENTIFY] = "Identify",
  [IDEM_BIR_PURPOSE_ENROLL] = "Enroll",
  [IDEM_BIR_PURPOSE_ENROLL_VERIFY] = "EnrollVerify",
  [IDEM_BIR_PURPOSE_ENROLL_IDENTIFY] = "EnrollIdentify",
  [IDEM_BIR_PURPOSE_AUDIT] = "Audit",
};

static const char * const level_names[] = {
  [IDEM_BIR_LEVEL_NONE] = NULL,
  [IDEM_BIR_LEVEL_RAW] = "Raw",
  [IDEM_BIR_LEVEL_INTERMEDIATE] = "Intermediate",
  [IDEM_BIR_LEVEL_PROCESSED] = "Processed",
};

/* The two subtype vocabularies of the schema; a subtype is a list drawn
 * from one of them. */
static const char * const any_subtypes[] = {
  "Left", "Right", "Thumb", "IndexFinger", "MiddleFinger", "RingFinger", "LittleFinger", NULL,
};
static const char * const vein_subtypes[] = {
  "LeftVein", "RightVein", "Palm", "BackOfHand", "Wrist", "Reserved1", "Reserved2", NULL,
};

static int
lookup_name (const char * const *names,
             guint               n_names,
             const char         *text)
{
  if (text == NULL)
    return 0;

  for (guint i = 1; i < n_names; i++)
    if (g_strcmp0 (names[i], text) == 0)
      return (int) i;

  return -1;
}

gboolean
_idem_biometric_type_from_string (const char        *text,
                                  IdemBiometricType *type)
{
  int found = lookup_name (biometric_type_names, G_N_ELEMENTS (biometric_type_names), text);

  *type = MAX (found, 0);
  return found >= 0;
}

gboolean
_idem_bir_purpose_from_string (const char     *text,
                               IdemBirPurpose *purpose)
{
  int found = lookup_name (purpose_names, G_N_ELEMENTS (purpose_names), text);

  *purpose = MAX (found, 0);
  return found >= 0;
}

gboolean
_idem_bir_level_from_string (const char   *text,
                             IdemBirLevel *level)
{
  int found = lookup_name (level_names, G_N_ELEMENTS (level_names), text);

  *level = MAX (found, 0);
  return found >= 0;
}

static gboolean
tokens_in (char              **tokens,
           const char * const *vocabulary)
{
  for (guint i = 0; tokens[i] != NULL; i++)
    if (!g_strv_contains (vocabulary, tokens[i]))
      return FALSE;

  return TRUE;
}

gboolean
_idem_cbeff_subtype_is_valid (const char *subtype)
{
  g_auto(GStrv) tokens = g_strsplit (subtype, " ", -1);

  /* A single space between tokens, none around: what the writer emits. */
  for (guint i = 0; tokens[i] != NULL; i++)
    if (tokens[i][0] == '\0')
      return FALSE;

  return tokens[0] != NULL &&
         (tokens_in (tokens, any_subtypes) || tokens_in (tokens, vein_subtypes));
}

gboolean
_idem_cbeff_uuid_is_valid (const char *text)
{
  static const int group_lengths[] = { 8, 4, 4, 4, 12 };
  const char *p = text;

  for (guint g = 0; g < G_N_ELEMENTS (group_lengths); g++)
    {
      if (g > 0 && *p++ != '-')
        return FALSE;
      for (int i = 0; i < group_lengths[g]; i++)
        if (!g_ascii_isxdigit (*p++))
          return FALSE;
    }

  return *p == '\0';
}

static int
base64_value (char c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  /* Both alphabets: MOSIP 1.2 writes the URL-safe one, the XSD's
   * base64Binary and older MOSIP documents the standard one. */
  if (c == '+' || c == '-')
    return 62;
  if (c == '/' || c == '_')
    return 63;

  return -1;
}

/* Strict on the alphabet and on padding, unlike g_base64_decode(), which
 * skips what it does not know: a stray character means a damaged record,
 * not one to guess at.  Lenient on the tail, like the commons-codec decoder
 * MOSIP reads with: bits that do not make a whole byte are dropped (MOSIP's
 * sample packet has BDBs whose length is 1 modulo 4). */
GBytes *
_idem_cbeff_base64_decode (const char *text)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint32 accumulator = 0;
  guint n_bits = 0;
  guint n_symbols = 0;
  guint n_padding = 0;

  for (const char *p = text; *p != '\0'; p++)
    {
      int value;

      if (g_ascii_isspace (*p))
        continue;

      if (*p == '=')
        {
          n_padding++;
          continue;
        }

      value = base64_value (*p);
      if (value < 0 || n_padding > 0)
        return NULL;

      accumulator = (accumulator << 6) | (guint32) value;
      n_bits += 6;
      n_symbols++;
      if (n_bits >= 8)
        {
          guint8 byte;

          n_bits -= 8;
          byte = (guint8) (accumulator >> n_bits);
          g_byte_array_append (out, &byte, 1);
        }
    }

  /* Padding, when there is any, only completes the last quantum. */
  if (n_padding > 2 || (n_padding > 0 && (n_symbols + n_padding) % 4 != 0))
    return NULL;

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

char *
_idem_cbeff_format_date (GDateTime *date)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (date);

  /* By hand: "%Y" gives no leading zeros, and xs:dateTime (and GLib's own
   * ISO 8601 parser) want four digits for the year 226 too. */
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
                          g_date_time_get_year (utc), g_date_time_get_month (utc),
                          g_date_time_get_day_of_month (utc), g_date_time_get_hour (utc),
                          g_date_time_get_minute (utc), g_date_time_get_second (utc),
                          g_date_time_get_microsecond (utc));
}

static void
other_entry_clear (gpointer data)
{
  OtherEntry *entry = data;

  g_free (entry->key);
  g_free (entry->value);
}

static void
idem_bir_free (IdemBir *bir)
{
  g_free (bir->creator);
  g_free (bir->index);
  g_clear_pointer (&bir->payload, g_bytes_unref);
  g_clear_pointer (&bir->creation_date, g_date_time_unref);
  g_free (bir->subtype);
  g_free (bir->bdb_index);
  g_free (bir->format_organization);
  g_free (bir->format_type);
  g_clear_pointer (&bir->bdb_creation_date, g_date_time_unref);
  g_free (bir->quality_organization);
  g_free (bir->quality_type);
  g_clear_pointer (&bir->bdb, g_bytes_unref);
  g_clear_pointer (&bir->sb, g_bytes_unref);
  g_array_unref (bir->others);
  g_ptr_array_unref (bir->children);
  g_free (bir);
}

/**
 * idem_bir_new:
 *
 * Returns: (transfer full): an empty record: no integrity, no quality
 *   score, no children
 */
IdemBir *
idem_bir_new (void)
{
  IdemBir *bir = g_new0 (IdemBir, 1);

  g_atomic_ref_count_init (&bir->ref_count);
  bir->quality_score = -1;
  bir->others = g_array_new (FALSE, FALSE, sizeof (OtherEntry));
  g_array_set_clear_func (bir->others, other_entry_clear);
  bir->children = g_ptr_array_new_with_free_func ((GDestroyNotify) idem_bir_unref);

  return bir;
}

IdemBir *
idem_bir_ref (IdemBir *bir)
{
  g_return_val_if_fail (bir != NULL, NULL);

  g_atomic_ref_count_inc (&bir->ref_count);

  return bir;
}

void
idem_bir_unref (IdemBir *bir)
{
  g_return_if_fail (bir != NULL);

  if (g_atomic_ref_count_dec (&bir->ref_count))
    idem_bir_free (bir);
}

gboolean
idem_bir_get_version (IdemBir *bir,
                      guint   *major,
                      guint   *minor)
{
  g_return_val_if_fail (bir != NULL, FALSE);

  if (major != NULL)
    *major = bir->version[0];
  if (minor != NULL)
    *minor = bir->version[1];

  return bir->has_version;
}

void
idem_bir_set_version (IdemBir *bir,
                      guint    major,
                      guint    minor)
{
  g_return_if_fail (bir != NULL);

  bir->has_version = TRUE;
  bir->version[0] = major;
  bir->version[1] = minor;
}

gboolean
idem_bir_get_cbeff_version (IdemBir *bir,
                            guint   *major,
                            guint   *minor)
{
  g_return_val_if_fail (bir != NULL, FALSE);

  if (major != NULL)
    *major = bir->cbeff_version[0];
  if (minor != NULL)
    *minor = bir->cbeff_version[1];

  return bir->has_cbeff_version;
}

void
idem_bir_set_cbeff_version (IdemBir *bir,
                            guint    major,
                            guint    minor)
{
  g_return_if_fail (bir != NULL);

  bir->has_cbeff_version = TRUE;
  bir->cbeff_version[0] = major;
  bir->cbeff_version[1] = minor;
}

gboolean
idem_bir_get_integrity (IdemBir *bir)
{
  g_return_val_if_fail (bir != NULL, FALSE);

  return bir->integrity;
}

void
idem_bir_set_integrity (IdemBir  *bir,
                        gboolean  integrity)
{
  g_return_if_fail (bir != NULL);

  bir->integrity = !!integrity;
}

const char *
idem_bir_get_creator (IdemBir *bir)
{
  g_return_val_if_fail (bir != NULL, NULL);

  return bir->creator;
}

void
idem_bir_set_creator (IdemBir    *bir,
                      const char *creator)
{
  g_return_if_fail (bir != NULL);

  g_free (bir->creator);
  bir->creator = g_strdup (creator);
}

const char *
idem_bir_get_index (IdemBir *bir)
{
  g_return_val_if_fail (bir != NULL, NULL);

  return bir->index;
}

/**
 * idem_bir_set_index:
 * @bir: a record
 * @uuid: (nullable): a UUID in its 8-4-4-4-12 hexadecimal form
 *
 * Returns: %FALSE, leaving @bir unchanged, when @uuid is not a UUID
 */
gboolean
idem_bir_set_index (IdemBir    *bir,
                    const char *uuid)
{
  g_return_val_if_fail (bir != NULL, FALSE);

  if (uuid != NULL && !_idem_cbeff_uuid_is_valid (uuid))
    return FALSE;

  g_free (bir->index);
  bir->index = g_strdup (uuid);

  return TRUE;
}

GBytes *
idem_bir_get_payload (IdemBir *bir)
{
  g_return_val_if_fail (bir != NULL, NULL);

  return bir->payload;
}

void
idem_bir_set_payload (IdemBir *bir,
                      GBytes  *payload)
{
  g_return_if_fail (bir != NULL);

  g_clear_pointer (&bir->payload, g_bytes_unref);
  bir->payload = payload != NULL ? g_bytes_ref (payload) : NULL;
}

GDateTime *
idem_bir_get_creation_date (IdemBir *bir)
{
  g_return_val_if_fail (bir != NULL, NULL);

  return bir->creation_date;
}

void
idem_bir_set_creation_date (IdemBir   *bir,
                            GDateTime *date)
{
  g_return_if_fail (bir != NULL);

  g_clear_pointer (&bir->creation_date, g_date_time_unref);
  bir->creation_date = date != NULL ? g_date_time_ref (date) : NULL;
}

IdemBiometricType
idem_bir_get_biometric_type (IdemBir *bir)
{
  g_return_val_if_fail (bir != NULL, IDEM_BIOMETRIC_TYPE_NONE);

  return bir->type;
}

void
idem_bir_set_biometric_type (IdemBir           *bir,
                             IdemBiometricType  type)
{
  g_return_if_fail (bir != NULL);
  g_return_if_fail ((guint) type < G_N_ELEMENTS (biometric_type_names));

  bir->type = type;
}

const char *
idem_bir_get_subtype (IdemBir *bir)
{
  g_return_val_if_fail (bir != NULL, NULL);

  return bir->subtype;
}

/**
 * idem_bir_set_subtype:
 * @bir: a record
 * @subtype: (nullable): space-separated schema subtypes, "Left IndexFinger"
 *
 * Returns: %FALSE, leaving @bir unchanged, when @subtype uses words outside
 *   the schema's subtype vocabulary
 */
gboolean
idem_bir_set_subtype (IdemBir    *bir,
                      const char *subtype)
{
  g_return_val_if_fail (bir != NULL, FALSE);

  if (subtype != NULL && !_idem_cbeff_subtype_is_valid (subtype))
    return FALSE;

  g_free (bir->subtype);
  bir->subtype = g_strdup (subtype);

  return TRUE;
}

const char *
idem_bir_get_bdb_index (IdemBir *bir)
{
  g_return_val_if_fail (bir != NULL, NULL);

  return bir->bdb_index;
}

gboolean
idem_bir_set_bdb_index (IdemBir    *bir,
                        const char *uuid)
{
  g_return_val_if_fail (bir != NULL, FALSE);

  if (uuid != NULL && !_idem_cbeff_uuid_is_valid (uuid))
    return FALSE;

  g_free (bir->bdb_index);
  bir->bdb_index = g_strdup (uuid);

  return TRUE;
}

/**
 * idem_bir_get_format:
 * @bir: a record
 * @organization: (out) (optional): the format owner, "257" for ISO/IEC
 *   JTC 1 SC 37 (MOSIP writes "Mosip")
 * @type: (out) (optional): the format type, "7" finger image, "8" face,
 *   "9" iris, "2" finger minutiae
 *
 * Returns: whether the record has a BDB format
 */
gboolean
idem_bir_get_format (IdemBir     *bir,
                     const char **organization,
                     const char **type)
{
  g_return_val_if_fail (bir != NULL, FALSE);

  if (organization != NULL)
    *organization = bir->format_organization;
  if (type != NULL)
    *type = bir->format_type;

  return bir->format_organization != NULL;
}

void
idem_bir_set_format (IdemBir    *bir,
                     const char *organization,
                     const char *type)
{
  g_return_if_fail (bir != NULL);
  g_return_if_fail ((organization == NULL) == (type == NULL));

  g_free (bir->format_organization);
  g_free (bir->format_type);
  bir->format_organization = g_strdup (organization);
  bir->format_type = g_strdup (type);
}

GDateTime *
idem_bir_get_bdb_creation_date (IdemBir *bir)
{
  g_return_val_if_fail (bir != NULL, NULL);

  return bir->bdb_creation_date;
}

void
idem_bir_set_bdb_creation_date (IdemBir   *bir,
                                GDateTime *date)
{
  g_return_if_fail (bir != NULL);

  g_clear_pointer (&bir->bdb_creation_date, g_date_time_unref);
  bir->bdb_creation_date = date != NULL ? g_date_time_ref (date) : NULL;
}

IdemBirLevel
idem_bir_get_level (IdemBir *bir)
{
  g_return_val_if_fail (bir != NULL, IDEM_BIR_LEVEL_NONE);

  return bir->level;
}

void
idem_bir_set_level (IdemBir      *bir,
                    IdemBirLevel  level)
{
  g_return_if_fail (bir != NULL);
  g_return_if_fail ((guint) level < G_N_ELEMENTS (level_names));

  bir->level = level;
}

IdemBirPurpose
idem_bir_get_purpose (IdemBir *bir)
{
  g_return_val_if_fail (bir != NULL, IDEM_BIR_PURPOSE_NONE);

  return bir->purpose;
}

void
idem_bir_set_purpose (IdemBir        *bir,
                      IdemBirPurpose  purpose)
{
  g_return_if_fail (bir != NULL);
  g_return_if_fail ((guint) purpose < G_N_ELEMENTS (purpose_names));

  bir->purpose = purpose;
}

/**
 * idem_bir_get_quality_score:
 * @bir: a record
 *
 * Returns: the quality score, 0 to 100, or -1 when the record has none
 */
int
idem_bir_get_quality_score (IdemBir *bir)
{
  g_return_val_if_fail (bir != NULL, -1);

  return bir->quality_score;
}

gboolean
idem_bir_get_quality_algorithm (IdemBir     *bir,
                                const char **organization,
                                const char **type)
{
  g_return_val_if_fail (bir != NULL, FALSE);

  if (organization != NULL)
    *organization = bir->quality_organization;
  if (type != NULL)
    *type = bir->quality_type;

  return bir->quality_organization != NULL;
}

/**
 * idem_bir_set_quality:
 * @bir: a record
 * @algorithm_organization: (nullable): who defined the quality algorithm
 * @algorithm_type: (nullable): which algorithm
 * @score: 0 to 100, or -1 to remove the quality
 */
void
idem_bir_set_quality (IdemBir    *bir,
                      const char *algorithm_organization,
                      const char *algorithm_type,
                      int         score)
{
  g_return_if_fail (bir != NULL);
  g_return_if_fail (score >= -1 && score <= 100);

  g_free (bir->quality_organization);
  g_free (bir->quality_type);
  bir->quality_organization = g_strdup (algorithm_organization);
  bir->quality_type = g_strdup (algorithm_type);
  bir->quality_score = score;
}

GBytes *
idem_bir_get_bdb (IdemBir *bir)
{
  g_return_val_if_fail (bir != NULL, NULL);

  return bir->bdb;
}

void
idem_bir_set_bdb (IdemBir *bir,
                  GBytes  *bdb)
{
  g_return_if_fail (bir != NULL);

  g_clear_pointer (&bir->bdb, g_bytes_unref);
  bir->bdb = bdb != NULL ? g_bytes_ref (bdb) : NULL;
}

GBytes *
idem_bir_get_sb (IdemBir *bir)
{
  g_return_val_if_fail (bir != NULL, NULL);

  return bir->sb;
}

void
idem_bir_set_sb (IdemBir *bir,
                 GBytes  *sb)
{
  g_return_if_fail (bir != NULL);

  g_clear_pointer (&bir->sb, g_bytes_unref);
  bir->sb = sb != NULL ? g_bytes_ref (sb) : NULL;
}

guint
idem_bir_get_n_others (IdemBir *bir)
{
  g_return_val_if_fail (bir != NULL, 0);

  return bir->others->len;
}

void
idem_bir_get_nth_other (IdemBir     *bir,
                        guint        n,
                        const char **key,
                        const char **value)
{
  const OtherEntry *entry;

  g_return_if_fail (bir != NULL);
  g_return_if_fail (n < bir->others->len);

  entry = &g_array_index (bir->others, OtherEntry, n);
  if (key != NULL)
    *key = entry->key;
  if (value != NULL)
    *value = entry->value;
}

const char *
idem_bir_lookup_other (IdemBir    *bir,
                       const char *key)
{
  g_return_val_if_fail (bir != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  for (guint i = 0; i < bir->others->len; i++)
    {
      const OtherEntry *entry = &g_array_index (bir->others, OtherEntry, i);

      if (strcmp (entry->key, key) == 0)
        return entry->value;
    }

  return NULL;
}

/**
 * idem_bir_set_other:
 * @bir: a record
 * @key: the entry's key ("EXCEPTION", "RETRIES", "PAYLOAD", …)
 * @value: its value
 *
 * Replaces the value of an existing key in place, so the order MOSIP wrote
 * the entries in survives, or appends a new entry.
 */
void
idem_bir_set_other (IdemBir    *bir,
                    const char *key,
                    const char *value)
{
  OtherEntry entry;

  g_return_if_fail (bir != NULL);
  g_return_if_fail (key != NULL);
  g_return_if_fail (value != NULL);

  for (guint i = 0; i < bir->others->len; i++)
    {
      OtherEntry *existing = &g_array_index (bir->others, OtherEntry, i);

      if (strcmp (existing->key, key) == 0)
        {
          g_free (existing->value);
          existing->value = g_strdup (value);
          return;
        }
    }

  entry.key = g_strdup (key);
  entry.value = g_strdup (value);
  g_array_append_val (bir->others, entry);
}

guint
idem_bir_get_n_children (IdemBir *bir)
{
  g_return_val_if_fail (bir != NULL, 0);

  return bir->children->len;
}

/**
 * idem_bir_get_child:
 * @bir: a record
 * @n: which child
 *
 * Returns: (transfer none): the @n-th nested record
 */
IdemBir *
idem_bir_get_child (IdemBir *bir,
                    guint    n)
{
  g_return_val_if_fail (bir != NULL, NULL);
  g_return_val_if_fail (n < bir->children->len, NULL);

  return g_ptr_array_index (bir->children, n);
}

void
idem_bir_add_child (IdemBir *bir,
                    IdemBir *child)
{
  g_return_if_fail (bir != NULL);
  g_return_if_fail (child != NULL);
  g_return_if_fail (child != bir);

  g_ptr_array_add (bir->children, idem_bir_ref (child));
}

const char *
idem_biometric_type_to_string (IdemBiometricType type)
{
  g_return_val_if_fail ((guint) type < G_N_ELEMENTS (biometric_type_names), NULL);

  return biometric_type_names[type];
}

const char *
idem_bir_purpose_to_string (IdemBirPurpose purpose)
{
  g_return_val_if_fail ((guint) purpose < G_N_ELEMENTS (purpose_names), NULL);

  return purpose_names[purpose];
}

const char *
idem_bir_level_to_string (IdemBirLevel level)
{
  g_return_val_if_fail ((guint) level < G_N_ELEMENTS (level_names), NULL);

  return level_names[level];
}
