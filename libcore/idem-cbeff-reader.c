/* idem-cbeff-reader.c — CBEFF XML to biometric information records
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Biometric XML arrives inside registration packets from machines in the
 * field, so it is parsed as hostile: no network, no DTD at all (a DOCTYPE is
 * refused the moment the parser meets it, before any entity is declared,
 * which closes both XXE and entity-expansion bombs), bounded size, depth and
 * record count.  Within those bounds the reader is tolerant of what MOSIP
 * has written over the years: the OASIS namespace, `FormatOwner` and
 * `FormatType`, a bare quality score, `Others` with `Key`/`Value` pairs,
 * incomplete version elements and foreign elements.
 */

#define G_LOG_DOMAIN "idem-cbeff"

#include "config.h"

#include "idem-cbeff-private.h"

#include <glib/gi18n-lib.h>
#include <libxml/globals.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <string.h>

typedef struct
{
  guint    n_birs;
  gboolean saw_doctype;
} ReadState;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlDoc, xmlFreeDoc)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlParserCtxt, xmlFreeParserCtxt)

typedef xmlChar XmlText;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (XmlText, xmlFree)

static gboolean
is_cbeff_element (xmlNode    *node,
                  const char *name)
{
  const char *href;

  if (node->type != XML_ELEMENT_NODE || node->ns == NULL || node->ns->href == NULL)
    return FALSE;

  href = (const char *) node->ns->href;
  if (strcmp (href, IDEM_CBEFF_NAMESPACE) != 0 && strcmp (href, IDEM_CBEFF_NAMESPACE_BIAS) != 0)
    return FALSE;

  return name == NULL || strcmp ((const char *) node->name, name) == 0;
}

static xmlNode *
find_child (xmlNode    *parent,
            const char *name)
{
  for (xmlNode *child = parent->children; child != NULL; child = child->next)
    if (is_cbeff_element (child, name))
      return child;

  return NULL;
}

/* The element's text, trimmed: MOSIP pretty-prints its documents. */
static char *
node_text (xmlNode *node)
{
  g_autoptr(XmlText) content = xmlNodeGetContent (node);

  if (content == NULL)
    return g_strdup ("");

  return g_strstrip (g_strdup ((const char *) content));
}

static gboolean
missing (const char  *parent,
         const char  *name,
         GError     **error)
{
  g_set_error (error, IDEM_CBEFF_ERROR, IDEM_CBEFF_ERROR_MISSING_ELEMENT,
               _("The biometric record lacks the element %s in %s."), name, parent);
  return FALSE;
}

static gboolean
bad_value (const char  *name,
           const char  *value,
           GError     **error)
{
  g_autofree char *shown = g_utf8_make_valid (value, MIN (strlen (value), 64));

  g_set_error (error, IDEM_CBEFF_ERROR, IDEM_CBEFF_ERROR_BAD_VALUE,
               _("The biometric record’s %s holds a value it may not have: “%s”."), name, shown);
  return FALSE;
}

static gboolean
read_unsigned (xmlNode     *node,
               guint64      max,
               guint64     *value,
               GError     **error)
{
  g_autofree char *text = node_text (node);

  if (!g_ascii_string_to_unsigned (text, 10, 0, max, value, NULL))
    return bad_value ((const char *) node->name, text, error);

  return TRUE;
}

static gboolean
read_boolean (xmlNode   *node,
              gboolean  *value,
              GError   **error)
{
  g_autofree char *text = node_text (node);

  /* xs:boolean's four spellings */
  if (strcmp (text, "true") == 0 || strcmp (text, "1") == 0)
    *value = TRUE;
  else if (strcmp (text, "false") == 0 || strcmp (text, "0") == 0)
    *value = FALSE;
  else
    return bad_value ((const char *) node->name, text, error);

  return TRUE;
}

static GDateTime *
read_date (xmlNode  *node,
           GError  **error)
{
  g_autofree char *text = node_text (node);
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  GDateTime *date = g_date_time_new_from_iso8601 (text, utc);

  if (date == NULL)
    bad_value ((const char *) node->name, text, error);

  return date;
}

static GBytes *
read_base64 (xmlNode  *node,
             GError  **error)
{
  g_autoptr(XmlText) content = xmlNodeGetContent (node);
  GBytes *bytes = _idem_cbeff_base64_decode (content != NULL ? (const char *) content : "");

  if (bytes == NULL)
    g_set_error (error, IDEM_CBEFF_ERROR, IDEM_CBEFF_ERROR_BAD_BASE64,
                 _("The biometric record’s %s is not valid base64."), (const char *) node->name);

  return bytes;
}

static gboolean
read_uuid (xmlNode  *node,
           char    **uuid,
           GError  **error)
{
  g_autofree char *text = node_text (node);

  if (!_idem_cbeff_uuid_is_valid (text))
    return bad_value ((const char *) node->name, text, error);

  g_free (*uuid);
  *uuid = g_steal_pointer (&text);

  return TRUE;
}

static gboolean
read_version (xmlNode  *node,
              gboolean *has_version,
              guint    *major,
              guint    *minor,
              GError  **error)
{
  xmlNode *major_node = find_child (node, "Major");
  xmlNode *minor_node = find_child (node, "Minor");
  guint64 values[2];

  /* MOSIP once wrote a CBEFFVersion with a Major only (updateCbeff.xml):
   * a version that is not all there is no version. */
  if (major_node == NULL || minor_node == NULL)
    return TRUE;

  if (!read_unsigned (major_node, G_MAXUINT32, &values[0], error) ||
      !read_unsigned (minor_node, G_MAXUINT32, &values[1], error))
    return FALSE;

  *has_version = TRUE;
  *major = (guint) values[0];
  *minor = (guint) values[1];

  return TRUE;
}

static gboolean
read_registry_id (xmlNode     *node,
                  char       **organization,
                  char       **type,
                  GError     **error)
{
  xmlNode *organization_node = find_child (node, "Organization");
  xmlNode *type_node = find_child (node, "Type");

  if (organization_node == NULL)
    return missing ((const char *) node->name, "Organization", error);
  if (type_node == NULL)
    return missing ((const char *) node->name, "Type", error);

  *organization = node_text (organization_node);
  *type = node_text (type_node);

  return TRUE;
}

static gboolean
read_bir_info (IdemBir  *bir,
               xmlNode  *info,
               GError  **error)
{
  gboolean has_integrity = FALSE;

  for (xmlNode *node = info->children; node != NULL; node = node->next)
    {
      if (!is_cbeff_element (node, NULL))
        continue;

      if (strcmp ((const char *) node->name, "Creator") == 0)
        {
          g_autofree char *creator = node_text (node);

          idem_bir_set_creator (bir, creator);
        }
      else if (strcmp ((const char *) node->name, "Index") == 0)
        {
          g_autofree char *uuid = NULL;

          if (!read_uuid (node, &uuid, error))
            return FALSE;
          idem_bir_set_index (bir, uuid);
        }
      else if (strcmp ((const char *) node->name, "Payload") == 0)
        {
          g_autoptr(GBytes) payload = read_base64 (node, error);

          if (payload == NULL)
            return FALSE;
          idem_bir_set_payload (bir, payload);
        }
      else if (strcmp ((const char *) node->name, "Integrity") == 0)
        {
          gboolean integrity = FALSE;

          if (!read_boolean (node, &integrity, error))
            return FALSE;
          idem_bir_set_integrity (bir, integrity);
          has_integrity = TRUE;
        }
      else if (strcmp ((const char *) node->name, "CreationDate") == 0)
        {
          g_autoptr(GDateTime) date = read_date (node, error);

          if (date == NULL)
            return FALSE;
          idem_bir_set_creation_date (bir, date);
        }
    }

  if (!has_integrity)
    return missing ("BIRInfo", "Integrity", error);

  return TRUE;
}

static gboolean
read_quality (IdemBir  *bir,
              xmlNode  *quality,
              GError  **error)
{
  xmlNode *algorithm = find_child (quality, "Algorithm");
  xmlNode *score_node = find_child (quality, "Score");
  g_autofree char *organization = NULL;
  g_autofree char *type = NULL;
  guint64 score;

  /* The 2019 documents carry a bare <Quality>95</Quality>. */
  if (algorithm == NULL && find_child (quality, NULL) == NULL)
    {
      if (!read_unsigned (quality, 100, &score, error))
        return FALSE;
      idem_bir_set_quality (bir, NULL, NULL, (int) score);
      return TRUE;
    }

  if (algorithm == NULL)
    return missing ("Quality", "Algorithm", error);
  if (!read_registry_id (algorithm, &organization, &type, error))
    return FALSE;

  /* QualityCalculationFailed is the schema's other choice: no score. */
  if (score_node == NULL)
    {
      if (find_child (quality, "QualityCalculationFailed") == NULL)
        return missing ("Quality", "Score", error);
      idem_bir_set_quality (bir, organization, type, -1);
      return TRUE;
    }

  if (!read_unsigned (score_node, 100, &score, error))
    return FALSE;
  idem_bir_set_quality (bir, organization, type, (int) score);

  return TRUE;
}

static gboolean
read_bdb_info (IdemBir  *bir,
               xmlNode  *info,
               GError  **error)
{
  g_autofree char *format_owner = NULL;
  g_autofree char *format_type = NULL;

  for (xmlNode *node = info->children; node != NULL; node = node->next)
    {
      const char *name = (const char *) node->name;

      if (!is_cbeff_element (node, NULL))
        continue;

      if (strcmp (name, "Index") == 0)
        {
          g_autofree char *uuid = NULL;

          if (!read_uuid (node, &uuid, error))
            return FALSE;
          idem_bir_set_bdb_index (bir, uuid);
        }
      else if (strcmp (name, "Format") == 0)
        {
          g_autofree char *organization = NULL;
          g_autofree char *type = NULL;

          if (!read_registry_id (node, &organization, &type, error))
            return FALSE;
          idem_bir_set_format (bir, organization, type);
        }
      else if (strcmp (name, "FormatOwner") == 0)
        {
          g_free (format_owner);
          format_owner = node_text (node);
        }
      else if (strcmp (name, "FormatType") == 0)
        {
          g_free (format_type);
          format_type = node_text (node);
        }
      else if (strcmp (name, "CreationDate") == 0)
        {
          g_autoptr(GDateTime) date = read_date (node, error);

          if (date == NULL)
            return FALSE;
          idem_bir_set_bdb_creation_date (bir, date);
        }
      else if (strcmp (name, "Type") == 0)
        {
          g_autofree char *text = node_text (node);
          IdemBiometricType type;

          if (!_idem_biometric_type_from_string (text, &type) || type == IDEM_BIOMETRIC_TYPE_NONE)
            return bad_value (name, text, error);
          idem_bir_set_biometric_type (bir, type);
        }
      else if (strcmp (name, "Subtype") == 0)
        {
          g_autofree char *text = node_text (node);
          g_auto(GStrv) tokens = NULL;
          g_autoptr(GString) normalized = g_string_new (NULL);

          /* A face has an empty Subtype; tokens may be spaced any way. */
          tokens = g_strsplit_set (text, " \t\r\n", -1);
          for (guint i = 0; tokens[i] != NULL; i++)
            if (tokens[i][0] != '\0')
              g_string_append_printf (normalized, "%s%s", normalized->len > 0 ? " " : "", tokens[i]);
          if (normalized->len > 0 && !idem_bir_set_subtype (bir, normalized->str))
            return bad_value (name, text, error);
        }
      else if (strcmp (name, "Level") == 0)
        {
          g_autofree char *text = node_text (node);
          IdemBirLevel level;

          if (!_idem_bir_level_from_string (text, &level) || level == IDEM_BIR_LEVEL_NONE)
            return bad_value (name, text, error);
          idem_bir_set_level (bir, level);
        }
      else if (strcmp (name, "Purpose") == 0)
        {
          g_autofree char *text = node_text (node);
          IdemBirPurpose purpose;

          if (!_idem_bir_purpose_from_string (text, &purpose) || purpose == IDEM_BIR_PURPOSE_NONE)
            return bad_value (name, text, error);
          idem_bir_set_purpose (bir, purpose);
        }
      else if (strcmp (name, "Quality") == 0)
        {
          if (!read_quality (bir, node, error))
            return FALSE;
        }
    }

  if (!idem_bir_get_format (bir, NULL, NULL) && format_owner != NULL && format_type != NULL)
    idem_bir_set_format (bir, format_owner, format_type);

  return TRUE;
}

static gboolean
read_others (IdemBir  *bir,
             xmlNode  *others,
             GError  **error)
{
  g_autofree char *pending_key = NULL;

  for (xmlNode *node = others->children; node != NULL; node = node->next)
    {
      const char *name = (const char *) node->name;

      if (!is_cbeff_element (node, NULL))
        continue;

      if (idem_bir_get_n_others (bir) >= IDEM_CBEFF_MAX_OTHERS)
        {
          g_set_error (error, IDEM_CBEFF_ERROR, IDEM_CBEFF_ERROR_TOO_LARGE,
                       _("A biometric record has more than %u “others” entries."), IDEM_CBEFF_MAX_OTHERS);
          return FALSE;
        }

      /* MOSIP 1.2: <entry key="EXCEPTION">false</entry> */
      if (strcmp (name, "entry") == 0)
        {
          g_autoptr(XmlText) key = xmlGetNoNsProp (node, (const xmlChar *) "key");
          g_autofree char *value = NULL;

          if (key == NULL)
            return missing ("entry", "key", error);
          value = node_text (node);
          idem_bir_set_other (bir, (const char *) key, value);
        }
      /* Before: <Others><Key>EXCEPTION</Key><Value>false</Value></Others> */
      else if (strcmp (name, "Key") == 0)
        {
          if (pending_key != NULL)
            return missing ("Others", "Value", error);
          pending_key = node_text (node);
        }
      else if (strcmp (name, "Value") == 0)
        {
          g_autofree char *value = node_text (node);

          if (pending_key == NULL)
            return missing ("Others", "Key", error);
          idem_bir_set_other (bir, pending_key, value);
          g_clear_pointer (&pending_key, g_free);
        }
    }

  if (pending_key != NULL)
    return missing ("Others", "Value", error);

  return TRUE;
}

static IdemBir *
read_bir (xmlNode    *element,
          guint       depth,
          ReadState  *state,
          GError    **error)
{
  g_autoptr(IdemBir) bir = NULL;
  xmlNode *info;
  gboolean has_bdb_info = FALSE;

  if (depth > IDEM_CBEFF_MAX_DEPTH || ++state->n_birs > IDEM_CBEFF_MAX_BIRS)
    {
      g_set_error (error, IDEM_CBEFF_ERROR, IDEM_CBEFF_ERROR_TOO_LARGE,
                   _("The biometric document nests more than %u levels or holds more than %u records."),
                   IDEM_CBEFF_MAX_DEPTH, IDEM_CBEFF_MAX_BIRS);
      return NULL;
    }

  bir = idem_bir_new ();

  info = find_child (element, "BIRInfo");
  if (info == NULL)
    {
      missing ("BIR", "BIRInfo", error);
      return NULL;
    }
  if (!read_bir_info (bir, info, error))
    return NULL;

  for (xmlNode *node = element->children; node != NULL; node = node->next)
    {
      const char *name = (const char *) node->name;

      if (!is_cbeff_element (node, NULL))
        continue;

      if (strcmp (name, "Version") == 0 || strcmp (name, "CBEFFVersion") == 0)
        {
          gboolean has_version = FALSE;
          guint major = 0;
          guint minor = 0;

          if (!read_version (node, &has_version, &major, &minor, error))
            return NULL;
          if (has_version && name[0] == 'V')
            idem_bir_set_version (bir, major, minor);
          else if (has_version)
            idem_bir_set_cbeff_version (bir, major, minor);
        }
      else if (strcmp (name, "BDBInfo") == 0)
        {
          if (!read_bdb_info (bir, node, error))
            return NULL;
          has_bdb_info = TRUE;
        }
      else if (strcmp (name, "BIR") == 0)
        {
          g_autoptr(IdemBir) child = read_bir (node, depth + 1, state, error);

          if (child == NULL)
            return NULL;
          idem_bir_add_child (bir, child);
        }
      else if (strcmp (name, "BDB") == 0 || strcmp (name, "SB") == 0)
        {
          g_autoptr(GBytes) bytes = read_base64 (node, error);

          if (bytes == NULL)
            return NULL;
          if (name[0] == 'B')
            idem_bir_set_bdb (bir, bytes);
          else
            idem_bir_set_sb (bir, bytes);
        }
      else if (strcmp (name, "others") == 0 || strcmp (name, "Others") == 0)
        {
          if (!read_others (bir, node, error))
            return NULL;
        }
    }

  /* A capture carries its data, unless it records that the body part
   * could not be captured (MOSIP's EXCEPTION entry). */
  if (has_bdb_info &&
      (idem_bir_get_bdb (bir) == NULL || g_bytes_get_size (idem_bir_get_bdb (bir)) == 0) &&
      g_strcmp0 (idem_bir_lookup_other (bir, "EXCEPTION"), "true") != 0)
    {
      missing ("BIR", "BDB", error);
      return NULL;
    }

  return g_steal_pointer (&bir);
}

static void
discard_error_cb (void           *user_data,
                  const xmlError *error)
{
}

static void
refuse_doctype_cb (void          *user_data,
                   const xmlChar *name,
                   const xmlChar *external_id,
                   const xmlChar *system_id)
{
  xmlParserCtxt *ctxt = user_data;
  ReadState *state = ctxt->_private;

  state->saw_doctype = TRUE;
  xmlStopParser (ctxt);
}

/**
 * idem_cbeff_read:
 * @xml: a CBEFF XML document
 * @error: return location for an #IDEM_CBEFF_ERROR
 *
 * Parses a MOSIP CBEFF document.  Elements of other namespaces are skipped;
 * both base64 alphabets are accepted in `BDB`, `SB` and `Payload`.
 *
 * Returns: (transfer full): the outer record, its captures as children
 */
IdemBir *
idem_cbeff_read (GBytes  *xml,
                 GError **error)
{
  g_autoptr(xmlParserCtxt) ctxt = NULL;
  g_autoptr(xmlDoc) doc = NULL;
  ReadState state = { 0 };
  xmlStructuredErrorFunc saved_handler;
  void *saved_context;
  xmlNode *root;
  gsize size;
  const char *data;

  g_return_val_if_fail (xml != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (xml, &size);
  if (size > IDEM_CBEFF_MAX_DOCUMENT_SIZE)
    {
      g_set_error (error, IDEM_CBEFF_ERROR, IDEM_CBEFF_ERROR_TOO_LARGE,
                   _("The biometric document is larger than %u MiB."),
                   IDEM_CBEFF_MAX_DOCUMENT_SIZE / (1024 * 1024));
      return NULL;
    }
  if (size == 0)
    {
      g_set_error (error, IDEM_CBEFF_ERROR, IDEM_CBEFF_ERROR_MALFORMED_XML,
                   _("The biometric document is not well-formed XML: %s"), "empty");
      return NULL;
    }

  xmlInitParser ();
  ctxt = xmlNewParserCtxt ();
  if (ctxt == NULL)
    g_error ("libxml2 could not allocate a parser");
  ctxt->_private = &state;
  ctxt->sax->internalSubset = refuse_doctype_cb;

  /* No XML_PARSE_NOENT, DTDLOAD, DTDATTR, XINCLUDE or HUGE: nothing outside
   * the bytes given is ever read, and libxml2's own limits stay on. */
  /* Some of libxml2's errors (bad encodings) bypass the context and go to
   * the thread's handler, which prints them: a hostile document must not
   * write to our stderr.  The handler is per thread, restored after. */
  saved_handler = xmlStructuredError;
  saved_context = xmlStructuredErrorContext;
  xmlSetStructuredErrorFunc (NULL, (xmlStructuredErrorFunc) discard_error_cb);
  doc = xmlCtxtReadMemory (ctxt, data, (int) size, NULL, NULL,
                           XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  xmlSetStructuredErrorFunc (saved_context, saved_handler);

  if (state.saw_doctype || (doc != NULL && (doc->intSubset != NULL || doc->extSubset != NULL)))
    {
      g_set_error (error, IDEM_CBEFF_ERROR, IDEM_CBEFF_ERROR_UNSAFE_XML,
                   _("The biometric document declares a DTD, which is refused."));
      return NULL;
    }

  if (doc == NULL || !ctxt->wellFormed)
    {
      const xmlError *xml_error = xmlCtxtGetLastError (ctxt);
      g_autofree char *reason = g_strdup (xml_error != NULL && xml_error->message != NULL
                                          ? xml_error->message : "");

      g_set_error (error, IDEM_CBEFF_ERROR, IDEM_CBEFF_ERROR_MALFORMED_XML,
                   _("The biometric document is not well-formed XML: %s"), g_strstrip (reason));
      return NULL;
    }

  root = xmlDocGetRootElement (doc);
  if (root == NULL || !is_cbeff_element (root, "BIR"))
    {
      g_set_error (error, IDEM_CBEFF_ERROR, IDEM_CBEFF_ERROR_NOT_CBEFF,
                   _("The document is not a CBEFF biometric record."));
      return NULL;
    }

  return read_bir (root, 0, &state, error);
}
