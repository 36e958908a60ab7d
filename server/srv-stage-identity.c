/* srv-stage-identity.c — the last stages: issue a UIN and write the
 * identity, apply an update, or report a lost UIN
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * They run on the main context inside the transaction that marks the
 * packet PROCESSED and queues its notification, so the UIN taken from the
 * pool, the sealed identity, its ledger leaves, its entry in the
 * demographic index and the packet's final state commit together or not
 * at all.
 */

#define G_LOG_DOMAIN "idem-pipeline"

#include "config.h"

#include "srv-pipeline-private.h"
#include "srv-demo-dedup.h"
#include "srv-uin-pool.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

#define PIPELINE_ACTOR "pipeline"

/* The documents of the identity as one JSON object: field → {type,
 * format, value (base64 of the file)}. */
static GBytes *
collect_documents (SrvPacketJob *job)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GList) members = json_object_get_members (job->identity);
  char *text;
  guint count = 0;

  json_builder_begin_object (builder);
  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *node = json_object_get_member (job->identity, l->data);
      JsonObject *document;
      const char *format;
      const char *stem;
      g_autofree char *name = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      document = json_node_get_object (node);
      format = json_object_get_string_member_with_default (document, "format", NULL);
      stem = json_object_get_string_member_with_default (document, "value", NULL);
      if (format == NULL || stem == NULL || !json_object_has_member (document, "type"))
        continue;
      name = g_strconcat (stem, ".", format, NULL);
      for (guint i = 0; i < idem_packet_reader_get_n_subpackets (job->reader); i++)
        {
          GBytes *bytes = idem_packet_subpacket_get_file (idem_packet_reader_get_subpacket (job->reader, i), name);
          g_autofree char *base64 = NULL;

          if (bytes == NULL)
            continue;
          base64 = g_base64_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
          json_builder_set_member_name (builder, l->data);
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "type");
          json_builder_add_string_value (builder, json_object_get_string_member_with_default (document, "type", ""));
          json_builder_set_member_name (builder, "format");
          json_builder_add_string_value (builder, format);
          json_builder_set_member_name (builder, "value");
          json_builder_add_string_value (builder, base64);
          json_builder_end_object (builder);
          count++;
          break;
        }
    }
  json_builder_end_object (builder);

  if (count == 0)
    return NULL;
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);
  return g_bytes_new_take (text, strlen (text));
}

static char *
identity_with_uin (JsonObject *identity,
                   const char *uin)
{
  g_autoptr(JsonNode) copy = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object;

  json_node_take_object (copy, json_object_new ());
  object = json_node_get_object (copy);
  for (GList *members = json_object_get_members (identity), *l = members; l != NULL; l = l->next)
    {
      json_object_set_member (object, l->data, json_node_copy (json_object_get_member (identity, l->data)));
      if (l->next == NULL)
        g_list_free (members);
    }
  json_object_set_string_member (object, "UIN", uin);
  return json_to_string (copy, FALSE);
}

SrvStageVerdict
srv_stage_issue_uin (SrvPipeline  *self,
                     SrvPacketJob *job)
{
  SrvServer *server = srv_pipeline_get_server (self);
  SrvDemoDedup *dedup = srv_server_get_demo_dedup (server);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) documents = NULL;
  g_autofree char *uin = NULL;
  g_autofree char *identity = NULL;

  uin = srv_uin_pool_assign (srv_server_get_uin_pool (server), job->rid, &error);
  if (uin == NULL)
    return srv_stage_set (job, SRV_STAGE_RETRY, SRV_REASON_INTERNAL, "%s", error->message);

  identity = identity_with_uin (job->identity, uin);
  documents = collect_documents (job);
  if (!srv_idrepo_create_identity (srv_server_get_idrepo (server), uin, identity, job->biometrics, documents,
                                   PIPELINE_ACTOR, &error))
    {
      if (g_error_matches (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_DATABASE))
        return srv_stage_set (job, SRV_STAGE_RETRY, SRV_REASON_INTERNAL, "%s", error->message);
      return srv_stage_set (job, SRV_STAGE_FAIL, SRV_REASON_INTERNAL, "%s", error->message);
    }

  if (dedup != NULL && !srv_demo_dedup_add (dedup, job->rid, job->identity, &error))
    return srv_stage_set (job, SRV_STAGE_RETRY, SRV_REASON_INTERNAL, "%s", error->message);

  g_free (job->uin);
  job->uin = g_steal_pointer (&uin);
  return srv_stage_set (job, SRV_STAGE_DONE, NULL, NULL);
}

SrvStageVerdict
srv_stage_update_identity (SrvPipeline  *self,
                           SrvPacketJob *job)
{
  SrvServer *server = srv_pipeline_get_server (self);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *current = NULL;
  g_autofree char *status = NULL;
  g_autofree char *merged = NULL;
  JsonObject *object;

  if (job->uin == NULL)
    job->uin = g_strdup (json_object_get_string_member_with_default (job->identity, "UIN", NULL));
  if (job->uin == NULL)
    return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_UIN_NOT_FOUND, "the update names no UIN");

  current = srv_idrepo_lookup_uin (srv_server_get_idrepo (server), job->uin, &status, &error);
  if (current == NULL)
    return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_UIN_NOT_FOUND, "%s", error->message);
  if (!json_parser_load_from_data (parser, current, -1, &error) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return srv_stage_set (job, SRV_STAGE_FAIL, SRV_REASON_INTERNAL, "the stored identity is not a JSON object");

  /* An update packet carries the fields that change; the rest stay. */
  object = json_node_get_object (json_parser_get_root (parser));
  for (GList *members = json_object_get_members (job->identity), *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *value = json_object_get_member (job->identity, name);

      if (!JSON_NODE_HOLDS_OBJECT (value) || !json_object_has_member (json_node_get_object (value), "format"))
        json_object_set_member (object, name, json_node_copy (value));
      if (l->next == NULL)
        g_list_free (members);
    }
  {
    const char *violation = srv_schema_first_violation (job->schema, object, FALSE);

    if (violation != NULL)
      return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_SCHEMA, "%s", violation);
  }
  merged = json_to_string (json_parser_get_root (parser), FALSE);

  if (!srv_idrepo_update_demographics (srv_server_get_idrepo (server), job->uin, merged, PIPELINE_ACTOR, &error))
    {
      if (g_error_matches (error, SRV_IDREPO_ERROR, SRV_IDREPO_ERROR_DATABASE))
        return srv_stage_set (job, SRV_STAGE_RETRY, SRV_REASON_INTERNAL, "%s", error->message);
      return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_UIN_NOT_FOUND, "%s", error->message);
    }

  return srv_stage_set (job, SRV_STAGE_DONE, NULL, NULL);
}

/* The search result of a LOST packet.  bio_search runs in a worker and
 * leaves it in memory; this stage runs first in the transaction that
 * records bio_search's outcome, and writes it there, so that when this
 * stage is retried, or the server restarts before it ends, the result
 * is read back instead of lost. */
static SrvStageVerdict
keep_search_result (SrvPipeline  *self,
                    SrvPacketJob *job,
                    char        **reference)
{
  SrvDatabase *database = srv_server_get_database (srv_pipeline_get_server (self));
  sqlite3 *db = srv_pipeline_get_db (self);
  g_autoptr(SrvStatement) statement = NULL;
  JsonObject *best;
  int rc;

  if (job->candidates != NULL && json_array_get_length (job->candidates) > 0)
    {
      best = json_array_get_object_element (job->candidates, 0);
      *reference = g_strdup (json_object_get_string_member_with_default (best, "referenceId", NULL));
      if (*reference == NULL)
        return srv_stage_set (job, SRV_STAGE_FAIL, SRV_REASON_INTERNAL, "the search result names no reference");
      statement = srv_database_statement (database,
                                          "INSERT INTO packet_search_result (rid, reference_id, score, searched_at)"
                                          " VALUES (?, ?, ?, unixepoch ())"
                                          " ON CONFLICT (rid) DO UPDATE SET reference_id = excluded.reference_id,"
                                          " score = excluded.score, searched_at = excluded.searched_at", NULL);
      if (statement == NULL)
        goto failed;
      sqlite3_bind_text (statement, 1, job->rid, -1, SQLITE_STATIC);
      sqlite3_bind_text (statement, 2, *reference, -1, SQLITE_STATIC);
      sqlite3_bind_double (statement, 3, json_object_get_double_member_with_default (best, "score", 0.0));
      if (sqlite3_step (statement) != SQLITE_DONE)
        goto failed;
      return SRV_STAGE_PASS;
    }

  statement = srv_database_statement (database, "SELECT reference_id FROM packet_search_result WHERE rid = ?", NULL);
  if (statement == NULL)
    goto failed;
  sqlite3_bind_text (statement, 1, job->rid, -1, SQLITE_STATIC);
  rc = sqlite3_step (statement);
  if (rc == SQLITE_ROW)
    *reference = g_strdup ((const char *) sqlite3_column_text (statement, 0));
  else if (rc != SQLITE_DONE)
    goto failed;
  return SRV_STAGE_PASS;

failed:
  g_clear_pointer (reference, g_free);
  return srv_stage_set (job, SRV_STAGE_RETRY, SRV_REASON_INTERNAL, "%s", sqlite3_errmsg (db));
}

SrvStageVerdict
srv_stage_report_lost (SrvPipeline  *self,
                       SrvPacketJob *job)
{
  SrvDatabase *database = srv_server_get_database (srv_pipeline_get_server (self));
  sqlite3 *db = srv_pipeline_get_db (self);
  g_autoptr(SrvStatement) statement = NULL;
  g_autofree char *reference = NULL;
  g_autofree char *state = NULL;
  int rc;

  if (keep_search_result (self, job, &reference) != SRV_STAGE_PASS)
    return job->verdict;
  if (reference == NULL)
    return srv_stage_set (job, SRV_STAGE_FAIL, SRV_REASON_INTERNAL,
                          "no search result is stored; reprocess the packet");

  statement = srv_database_statement (database, "SELECT uin FROM uin_pool WHERE rid = ? AND status = 'ASSIGNED'", NULL);
  if (statement == NULL)
    return srv_stage_set (job, SRV_STAGE_RETRY, SRV_REASON_INTERNAL, "%s", sqlite3_errmsg (db));
  sqlite3_bind_text (statement, 1, reference, -1, SQLITE_STATIC);
  rc = sqlite3_step (statement);
  if (rc == SQLITE_ROW)
    {
      g_free (job->uin);
      job->uin = g_strdup ((const char *) sqlite3_column_text (statement, 0));
      return srv_stage_set (job, SRV_STAGE_DONE, NULL, "found by %s", reference);
    }
  if (rc != SQLITE_DONE)
    return srv_stage_set (job, SRV_STAGE_RETRY, SRV_REASON_INTERNAL, "%s", sqlite3_errmsg (db));
  g_clear_pointer (&statement, srv_statement_release);

  /* The match is a registration still on its way to a UIN (in the
   * pipeline, or waiting for an adjudicator): its UIN is to come, so
   * wait for it rather than tell the resident there is none. */
  statement = srv_database_statement (database, "SELECT state FROM packet WHERE rid = ?", NULL);
  if (statement == NULL)
    return srv_stage_set (job, SRV_STAGE_RETRY, SRV_REASON_INTERNAL, "%s", sqlite3_errmsg (db));
  sqlite3_bind_text (statement, 1, reference, -1, SQLITE_STATIC);
  rc = sqlite3_step (statement);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return srv_stage_set (job, SRV_STAGE_RETRY, SRV_REASON_INTERNAL, "%s", sqlite3_errmsg (db));
  state = rc == SQLITE_ROW ? g_strdup ((const char *) sqlite3_column_text (statement, 0)) : NULL;
  if (g_strcmp0 (state, "PROCESSING") == 0 || g_strcmp0 (state, "ADJUDICATION") == 0)
    return srv_stage_set (job, SRV_STAGE_RETRY, SRV_REASON_UIN_NOT_FOUND,
                          "%s, which matches, has no UIN yet (%s)", reference, state);

  return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_UIN_NOT_FOUND, "%s has no UIN", reference);
}
