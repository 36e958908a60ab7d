/* srv-stage-validate.c — the first stage: is this the packet that was
 * declared, sealed and signed as it should be, with the documents it
 * must have?
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Runs in a worker: decrypting and verifying a packet is the costliest
 * CPU work of the pipeline.  srv_pipeline_load_packet() does the
 * cryptography and the ID schema (which also refuses a new registration
 * without a document the schema requires); this stage adds what only the
 * server knows: the supervisor's decision at sync time, that the packet
 * says the same as its declaration (RID, process, centre, machine), and
 * that its documents are there and valid for the applicant.
 *
 * Documents.  Each document field of the identity ({type, format, value})
 * must have its file, value.format, in the packet, or the packet is
 * refused with SRV_REASON_DOCUMENT_MISSING.  Its type must be an active
 * documentType of the master data, of the category the packet's meta
 * info gives the field (when it gives one), and valid for the applicant:
 * an active applicant_valid_document row for the applicant type, the
 * document's category and its type; otherwise SRV_REASON_DOCUMENT_INVALID.
 * The applicant type is the age group (INFANT, MINOR, ADULT) at the
 * packet's creation, as the demo country and the admin API write those
 * rows.  An update that leaves the date of birth out takes it from the
 * identity it updates; when no date is known (a lost-UIN search, an
 * update of a UIN that does not exist, which bio_verify refuses), the
 * type must be valid for some applicant.  Packets without documents do
 * not touch the database here.
 */

#define G_LOG_DOMAIN "idem-pipeline"

#include "config.h"

#include "srv-pipeline-private.h"

typedef struct
{
  const char *field;
  const char *type;
  const char *category;  /* as the packet's meta info says, or NULL */
} Document;

typedef struct
{
  SrvPacketJob *job;
  GArray       *documents;
} DocumentsCall;

static gboolean
has_file (IdemPacketReader *reader,
          const char       *name)
{
  for (guint i = 0; i < idem_packet_reader_get_n_subpackets (reader); i++)
    if (idem_packet_subpacket_get_file (idem_packet_reader_get_subpacket (reader, i), name) != NULL)
      return TRUE;
  return FALSE;
}

/* The category the meta info's `documents` list gives @field. */
static const char *
declared_category (SrvPacketJob *job,
                   const char   *field)
{
  JsonNode *node = json_object_get_member (job->meta_info, "documents");
  JsonArray *list;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  list = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *element = json_array_get_element (list, i);
      JsonObject *entry;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      entry = json_node_get_object (element);
      if (g_strcmp0 (json_object_get_string_member_with_default (entry, "documentName", NULL), field) == 0)
        return json_object_get_string_member_with_default (entry, "documentCategory", NULL);
    }
  return NULL;
}

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* Worker side: what needs no database.  Fills @documents. */
static SrvStageVerdict
collect_documents (SrvPacketJob *job,
                   GArray       *documents)
{
  for (guint i = 0; i < idem_id_schema_get_n_fields (job->schema); i++)
    {
      const IdemIdField *field = idem_id_schema_get_field (job->schema, i);
      const char *id = idem_id_field_get_id (field);
      JsonNode *node;
      JsonObject *object;
      const char *value;
      const char *format;
      g_autofree char *file_name = NULL;
      Document document = { id, NULL, NULL };

      if (idem_id_field_get_kind (field) != IDEM_ID_FIELD_KIND_DOCUMENT)
        continue;
      node = json_object_get_member (job->identity, id);
      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        continue;
      if (!JSON_NODE_HOLDS_OBJECT (node))
        return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_DOCUMENT_INVALID,
                              "document %s is not an object", id);
      object = json_node_get_object (node);

      value = string_member (object, "value");
      format = string_member (object, "format");
      if (value == NULL || format == NULL)
        return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_DOCUMENT_MISSING,
                              "document %s names no file", id);
      file_name = g_strconcat (value, ".", format, NULL);
      if (!has_file (job->reader, file_name))
        return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_DOCUMENT_MISSING,
                              "document %s: its file %s is not in the packet", id, file_name);

      document.type = string_member (object, "type");
      if (document.type == NULL || document.type[0] == '\0')
        return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_DOCUMENT_INVALID,
                              "document %s has no document type", id);
      document.category = declared_category (job, id);
      g_array_append_val (documents, document);
    }

  return SRV_STAGE_PASS;
}

/* The applicant type of an update without a date of birth: the age group
 * of the identity it updates. */
static const char *
stored_age_group (SrvPipeline  *self,
                  SrvPacketJob *job)
{
  const char *uin = json_object_get_string_member_with_default (job->identity, "UIN", NULL);
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *identity = NULL;
  g_autofree char *status = NULL;
  JsonNode *root;

  if (uin == NULL)
    return NULL;
  identity = srv_idrepo_lookup_uin (srv_server_get_idrepo (srv_pipeline_get_server (self)), uin, &status, NULL);
  if (identity == NULL)
    return NULL;
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, identity, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return srv_age_group_at (json_object_get_string_member_with_default (json_node_get_object (root), "dateOfBirth",
                                                                       NULL),
                           job->created);
}

static gboolean
database_failed (SrvPipeline  *self,
                 SrvPacketJob *job)
{
  srv_stage_set (job, SRV_STAGE_RETRY, SRV_REASON_INTERNAL, "%s", sqlite3_errmsg (srv_pipeline_get_db (self)));
  return TRUE;
}

/* Main context side: the master data.  Returns FALSE only for an error
 * of the call itself; the verdict is in the job. */
static gboolean
check_documents_main (SrvPipeline  *self,
                      gpointer      data,
                      GError      **error)
{
  DocumentsCall *call = data;
  SrvPacketJob *job = call->job;
  SrvDatabase *database = srv_server_get_database (srv_pipeline_get_server (self));
  const char *applicant;

  applicant = srv_age_group_at (json_object_get_string_member_with_default (job->identity, "dateOfBirth", NULL),
                                job->created);
  if (applicant == NULL && g_strcmp0 (job->registration_type, "UPDATE") == 0)
    applicant = stored_age_group (self, job);

  for (guint i = 0; i < call->documents->len; i++)
    {
      Document *document = &g_array_index (call->documents, Document, i);
      g_autoptr(SrvStatement) statement = NULL;
      g_autofree char *category = NULL;
      int rc;

      statement = srv_database_statement (database,
                                          "SELECT json_extract (attributes, '$.category') FROM master_data"
                                          " WHERE type = 'documentType' AND code = ? AND active = 1", NULL);
      if (statement == NULL)
        return database_failed (self, job);
      sqlite3_bind_text (statement, 1, document->type, -1, SQLITE_STATIC);
      rc = sqlite3_step (statement);
      if (rc == SQLITE_DONE)
        {
          srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_DOCUMENT_INVALID,
                         "document %s: %s is not an active document type", document->field, document->type);
          return TRUE;
        }
      if (rc != SQLITE_ROW)
        return database_failed (self, job);
      category = g_strdup ((const char *) sqlite3_column_text (statement, 0));
      g_clear_pointer (&statement, srv_statement_release);

      if (document->category != NULL && g_strcmp0 (document->category, category) != 0)
        {
          srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_DOCUMENT_INVALID,
                         "document %s: %s is a %s document, the packet files it as %s",
                         document->field, document->type, category != NULL ? category : "(no category)",
                         document->category);
          return TRUE;
        }

      statement = srv_database_statement (database,
                                          "SELECT 1 FROM applicant_valid_document"
                                          " WHERE (?1 IS NULL OR applicant_type = ?1) AND document_category = ?2"
                                          " AND document_type = ?3 AND active = 1 LIMIT 1", NULL);
      if (statement == NULL)
        return database_failed (self, job);
      sqlite3_bind_text (statement, 1, applicant, -1, SQLITE_STATIC);
      sqlite3_bind_text (statement, 2, category, -1, SQLITE_STATIC);
      sqlite3_bind_text (statement, 3, document->type, -1, SQLITE_STATIC);
      rc = sqlite3_step (statement);
      if (rc == SQLITE_DONE)
        {
          if (applicant != NULL)
            srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_DOCUMENT_INVALID,
                           "document %s: %s is not a valid %s document for an applicant of type %s",
                           document->field, document->type, category != NULL ? category : "", applicant);
          else
            srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_DOCUMENT_INVALID,
                           "document %s: %s is not a valid %s document for any applicant",
                           document->field, document->type, category != NULL ? category : "");
          return TRUE;
        }
      if (rc != SQLITE_ROW)
        return database_failed (self, job);
    }

  srv_stage_set (job, SRV_STAGE_PASS, NULL, NULL);
  return TRUE;
}

static SrvStageVerdict
check_documents (SrvPipeline  *self,
                 SrvPacketJob *job)
{
  g_autoptr(GArray) documents = g_array_new (FALSE, FALSE, sizeof (Document));
  g_autoptr(GError) error = NULL;
  DocumentsCall call = { job, documents };

  if (collect_documents (job, documents) != SRV_STAGE_PASS)
    return job->verdict;
  if (documents->len == 0)
    return SRV_STAGE_PASS;

  if (!srv_pipeline_call_main (self, check_documents_main, &call, &error))
    return srv_stage_set (job, SRV_STAGE_RETRY, SRV_REASON_INTERNAL, "%s", error->message);
  return job->verdict;
}

SrvStageVerdict
srv_stage_validate (SrvPipeline  *self,
                    SrvPacketJob *job)
{
  const char *value;

  if (g_strcmp0 (job->supervisor_status, "APPROVED") != 0)
    return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_SUPERVISOR_REJECTED,
                          "the supervisor rejected the registration");

  if (!srv_pipeline_load_packet (self, job))
    return job->verdict;

  if (g_strcmp0 (idem_packet_reader_get_rid (job->reader), job->rid) != 0)
    return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_PACKET_MISMATCH,
                          "the packet holds RID %s", idem_packet_reader_get_rid (job->reader));
  if (g_strcmp0 (idem_packet_reader_get_process (job->reader), job->registration_type) != 0)
    return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_PACKET_MISMATCH,
                          "declared %s, the packet is %s", job->registration_type,
                          idem_packet_reader_get_process (job->reader));

  value = srv_packet_job_get_label (job, "metaData", "centerId");
  if (value != NULL && g_strcmp0 (value, job->centre_id) != 0)
    return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_PACKET_MISMATCH,
                          "declared by centre %s, made at centre %s", job->centre_id, value);
  value = srv_packet_job_get_label (job, "metaData", "machineId");
  if (value != NULL && g_strcmp0 (value, job->machine_id) != 0)
    return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_PACKET_MISMATCH,
                          "declared by machine %s, made on machine %s", job->machine_id, value);

  if (job->officer_id == NULL)
    return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_OPERATOR, "the packet names no officer");

  if (check_documents (self, job) != SRV_STAGE_PASS)
    return job->verdict;

  return srv_stage_set (job, SRV_STAGE_PASS, NULL, NULL);
}
