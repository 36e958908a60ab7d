/* idem-cbeff-writer.c — biometric information records to CBEFF XML
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Writes what MOSIP's mosip-cbeff.xsd accepts, elements in the schema's
 * order.  Binary blocks use the standard base64 alphabet, the only one
 * xs:base64Binary allows; MOSIP's reader (commons-codec) decodes both.
 */

#define G_LOG_DOMAIN "idem-cbeff"

#include "config.h"

#include "idem-cbeff-private.h"

#include <glib/gi18n-lib.h>
#include <libxml/tree.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlDoc, xmlFreeDoc)

static xmlNode *
add_text (xmlNode    *parent,
          const char *name,
          const char *text)
{
  return xmlNewTextChild (parent, NULL, (const xmlChar *) name, (const xmlChar *) text);
}

static void
add_unsigned (xmlNode    *parent,
              const char *name,
              guint       value)
{
  char text[16];

  g_snprintf (text, sizeof text, "%u", value);
  add_text (parent, name, text);
}

static void
add_base64 (xmlNode    *parent,
            const char *name,
            GBytes     *bytes)
{
  gsize size;
  const guchar *data = g_bytes_get_data (bytes, &size);
  g_autofree char *text = g_base64_encode (data, size);

  add_text (parent, name, text);
}

static void
add_date (xmlNode    *parent,
          const char *name,
          GDateTime  *date)
{
  g_autofree char *text = _idem_cbeff_format_date (date);

  add_text (parent, name, text);
}

static void
add_version (xmlNode    *parent,
             const char *name,
             guint       major,
             guint       minor)
{
  xmlNode *version = add_text (parent, name, NULL);

  add_unsigned (version, "Major", major);
  add_unsigned (version, "Minor", minor);
}

static void
add_registry_id (xmlNode    *parent,
                 const char *name,
                 const char *organization,
                 const char *type)
{
  xmlNode *node = add_text (parent, name, NULL);

  add_text (node, "Organization", organization);
  add_text (node, "Type", type);
}

static gboolean
has_bdb_info (IdemBir *bir)
{
  return idem_bir_get_bdb_index (bir) != NULL ||
         idem_bir_get_format (bir, NULL, NULL) ||
         idem_bir_get_bdb_creation_date (bir) != NULL ||
         idem_bir_get_biometric_type (bir) != IDEM_BIOMETRIC_TYPE_NONE ||
         idem_bir_get_subtype (bir) != NULL ||
         idem_bir_get_level (bir) != IDEM_BIR_LEVEL_NONE ||
         idem_bir_get_purpose (bir) != IDEM_BIR_PURPOSE_NONE ||
         idem_bir_get_quality_score (bir) >= 0 ||
         idem_bir_get_quality_algorithm (bir, NULL, NULL);
}

static gboolean
write_bdb_info (xmlNode  *parent,
                IdemBir  *bir,
                GError  **error)
{
  xmlNode *info = add_text (parent, "BDBInfo", NULL);
  const char *organization;
  const char *type;

  if (idem_bir_get_bdb_index (bir) != NULL)
    add_text (info, "Index", idem_bir_get_bdb_index (bir));
  if (idem_bir_get_format (bir, &organization, &type))
    add_registry_id (info, "Format", organization, type);
  if (idem_bir_get_bdb_creation_date (bir) != NULL)
    add_date (info, "CreationDate", idem_bir_get_bdb_creation_date (bir));
  if (idem_bir_get_biometric_type (bir) != IDEM_BIOMETRIC_TYPE_NONE)
    add_text (info, "Type", idem_biometric_type_to_string (idem_bir_get_biometric_type (bir)));
  if (idem_bir_get_subtype (bir) != NULL)
    add_text (info, "Subtype", idem_bir_get_subtype (bir));
  if (idem_bir_get_level (bir) != IDEM_BIR_LEVEL_NONE)
    add_text (info, "Level", idem_bir_level_to_string (idem_bir_get_level (bir)));
  if (idem_bir_get_purpose (bir) != IDEM_BIR_PURPOSE_NONE)
    add_text (info, "Purpose", idem_bir_purpose_to_string (idem_bir_get_purpose (bir)));

  if (idem_bir_get_quality_algorithm (bir, &organization, &type))
    {
      xmlNode *quality = add_text (info, "Quality", NULL);

      add_registry_id (quality, "Algorithm", organization, type);
      if (idem_bir_get_quality_score (bir) >= 0)
        add_unsigned (quality, "Score", (guint) idem_bir_get_quality_score (bir));
      else
        add_text (quality, "QualityCalculationFailed", "");
    }
  else if (idem_bir_get_quality_score (bir) >= 0)
    {
      /* The schema wants the algorithm that gave the score. */
      g_set_error (error, IDEM_CBEFF_ERROR, IDEM_CBEFF_ERROR_INCOMPLETE,
                   _("A biometric record has a quality score but no quality algorithm."));
      return FALSE;
    }

  return TRUE;
}

static gboolean
write_bir (xmlNode  *element,
           IdemBir  *bir,
           guint     depth,
           GError  **error)
{
  xmlNode *info;
  guint major;
  guint minor;

  /* Children are added by reference, so a careless caller can build a
   * cycle; the same bound as the reader's stops it. */
  if (depth > IDEM_CBEFF_MAX_DEPTH)
    {
      g_set_error (error, IDEM_CBEFF_ERROR, IDEM_CBEFF_ERROR_TOO_LARGE,
                   _("The biometric document nests more than %u levels or holds more than %u records."),
                   IDEM_CBEFF_MAX_DEPTH, IDEM_CBEFF_MAX_BIRS);
      return FALSE;
    }

  if (idem_bir_get_version (bir, &major, &minor))
    add_version (element, "Version", major, minor);
  if (idem_bir_get_cbeff_version (bir, &major, &minor))
    add_version (element, "CBEFFVersion", major, minor);

  info = add_text (element, "BIRInfo", NULL);
  if (idem_bir_get_creator (bir) != NULL)
    add_text (info, "Creator", idem_bir_get_creator (bir));
  if (idem_bir_get_index (bir) != NULL)
    add_text (info, "Index", idem_bir_get_index (bir));
  if (idem_bir_get_payload (bir) != NULL)
    add_base64 (info, "Payload", idem_bir_get_payload (bir));
  add_text (info, "Integrity", idem_bir_get_integrity (bir) ? "true" : "false");
  if (idem_bir_get_creation_date (bir) != NULL)
    add_date (info, "CreationDate", idem_bir_get_creation_date (bir));

  if (has_bdb_info (bir) && !write_bdb_info (element, bir, error))
    return FALSE;

  for (guint i = 0; i < idem_bir_get_n_children (bir); i++)
    {
      xmlNode *child = add_text (element, "BIR", NULL);

      if (!write_bir (child, idem_bir_get_child (bir, i), depth + 1, error))
        return FALSE;
    }

  if (idem_bir_get_bdb (bir) != NULL)
    add_base64 (element, "BDB", idem_bir_get_bdb (bir));
  if (idem_bir_get_sb (bir) != NULL)
    add_base64 (element, "SB", idem_bir_get_sb (bir));

  if (idem_bir_get_n_others (bir) > 0)
    {
      xmlNode *others = add_text (element, "others", NULL);

      for (guint i = 0; i < idem_bir_get_n_others (bir); i++)
        {
          const char *key;
          const char *value;
          xmlNode *entry;

          idem_bir_get_nth_other (bir, i, &key, &value);
          entry = add_text (others, "entry", value);
          xmlNewProp (entry, (const xmlChar *) "key", (const xmlChar *) key);
        }
    }

  return TRUE;
}

/**
 * idem_cbeff_write:
 * @bir: the outer record
 * @error: return location for an #IDEM_CBEFF_ERROR
 *
 * Returns: (transfer full): the UTF-8 XML document, valid against MOSIP's
 *   mosip-cbeff.xsd
 */
GBytes *
idem_cbeff_write (IdemBir  *bir,
                  GError  **error)
{
  g_autoptr(xmlDoc) doc = NULL;
  xmlNode *root;
  xmlChar *text = NULL;
  int size = 0;
  GBytes *bytes;

  g_return_val_if_fail (bir != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  doc = xmlNewDoc ((const xmlChar *) "1.0");
  root = xmlNewDocNode (doc, NULL, (const xmlChar *) "BIR", NULL);
  xmlSetNs (root, xmlNewNs (root, (const xmlChar *) IDEM_CBEFF_NAMESPACE, NULL));
  xmlDocSetRootElement (doc, root);

  if (!write_bir (root, bir, 0, error))
    return NULL;

  xmlDocDumpFormatMemoryEnc (doc, &text, &size, "UTF-8", 1);
  if (text == NULL)
    g_error ("libxml2 could not serialize a document");

  bytes = g_bytes_new (text, (gsize) size);
  xmlFree (text);

  return bytes;
}
