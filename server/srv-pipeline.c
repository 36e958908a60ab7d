/* srv-pipeline.c — the processing pipeline: packets in, identities out
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * A persistent state machine in SQLite.  Intake leaves a packet in state
 * PROCESSING at stage "validate" once its file is durable.  Worker
 * threads claim runnable packets (PROCESSING, not paused, next_attempt
 * reached) and run the stages of the packet's flow in order:
 *
 *   NEW     validate → centre → operator → classify → demo_dedup →
 *           bio_dedup → issue_uin
 *   UPDATE  validate → centre → operator → classify → bio_verify →
 *           update_identity
 *   LOST    validate → centre → operator → bio_search → report_lost
 *
 * Each stage's outcome is a packet_history row written in the same
 * transaction that moves the packet to its next stage (or to a final
 * state: PROCESSED, REJECTED, REREGISTER, FAILED; or ADJUDICATION, which
 * waits for a person).  Every stage is idempotent, so a crash at any
 * instant only means the stage the packet was in runs again:
 *
 * - validate, checks, classify and demographic de-duplication only read;
 * - the ABIS insert is idempotent for the same reference and biometrics,
 *   and identify never returns the probe itself;
 * - issue_uin takes a UIN from the pool, writes the identity (sealed
 *   records and their ledger leaves), adds the resident to the
 *   demographic index, queues the notification and marks the packet
 *   PROCESSED in one transaction: all of it happens once or not at all.
 *
 * Threads and the database.  The server has one SQLite connection, shared
 * by the HTTP handlers and timers on the main context.  Two threads using
 * one connection would interleave their transactions, so every database
 * call of the pipeline runs on the main context: a worker queues a call
 * and waits (srv_pipeline_call_main()).  Workers do what is slow and
 * touches no database: reading, decrypting and verifying the packet, and
 * the ABIS.  Stages marked on_main run back to back in one transaction
 * with the recording of the outcome of the worker stage before them, so
 * a packet costs three or four commits, not one per stage.
 *
 * Transient failures (the ABIS unavailable, a full disk) set next_attempt
 * with exponential backoff; after max_attempts the packet is FAILED.
 */

#define G_LOG_DOMAIN "idem-pipeline"

#include "config.h"

#include "srv-pipeline-private.h"
#include "srv-error.h"
#include "srv-outbox.h"
#include "srv-uin-pool.h"

#include "idem-openssl-types.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <errno.h>
#include <string.h>

G_DEFINE_QUARK (srv-pipeline-error-quark, srv_pipeline_error)

/* How long an idle worker sleeps before looking for packets whose
 * backoff is over, when nothing wakes it. */
#define IDLE_POLL_US (G_USEC_PER_SEC / 2)
#define MAX_BACKOFF_SECONDS 3600

typedef struct
{
  SrvMainFunc  func;
  gpointer     data;
  GError      *error;
  gboolean     ok;
  gboolean     done;
} MainCall;

struct _SrvPipeline
{
  GObject              parent_instance;

  SrvServer           *server;     /* owns the pipeline */
  SrvPipelineSettings  settings;
  char                *packet_dir;
  GMainContext        *context;

  GMutex               lock;
  GCond                cond;
  GQueue               calls;
  gboolean             drain_scheduled;
  gboolean             running;
  gboolean             stopping;
  guint64              wake_serial;
  GPtrArray           *threads;
  GHashTable          *claimed;

  /* Main context only: what opening a packet needs, kept parsed between
   * packets and parsed again when the database holds something else. */
  GBytes              *schema_source; /* the published schema's text */
  IdemIdSchema        *schema;
  GHashTable          *machine_keys;  /* machine id → MachineKey */
};

typedef struct
{
  GBytes   *der;
  EVP_PKEY *key;
} MachineKey;

static void
machine_key_free (MachineKey *entry)
{
  g_bytes_unref (entry->der);
  EVP_PKEY_free (entry->key);
  g_free (entry);
}

G_DEFINE_FINAL_TYPE (SrvPipeline, srv_pipeline, G_TYPE_OBJECT)

static const SrvStage new_flow[] = {
  { "validate", FALSE, srv_stage_validate },
  { "centre", TRUE, srv_stage_centre },
  { "operator", TRUE, srv_stage_operator },
  { "classify", TRUE, srv_stage_classify },
  { "demo_dedup", TRUE, srv_stage_demo_dedup },
  { "bio_dedup", FALSE, srv_stage_bio_dedup },
  { "issue_uin", TRUE, srv_stage_issue_uin },
  { NULL, FALSE, NULL },
};

static const SrvStage update_flow[] = {
  { "validate", FALSE, srv_stage_validate },
  { "centre", TRUE, srv_stage_centre },
  { "operator", TRUE, srv_stage_operator },
  { "classify", TRUE, srv_stage_classify },
  { "bio_verify", FALSE, srv_stage_bio_verify },
  { "update_identity", TRUE, srv_stage_update_identity },
  { NULL, FALSE, NULL },
};

static const SrvStage lost_flow[] = {
  { "validate", FALSE, srv_stage_validate },
  { "centre", TRUE, srv_stage_centre },
  { "operator", TRUE, srv_stage_operator },
  { "bio_search", FALSE, srv_stage_bio_search },
  { "report_lost", TRUE, srv_stage_report_lost },
  { NULL, FALSE, NULL },
};

static const SrvStage *
flow_of (const char *registration_type)
{
  if (g_strcmp0 (registration_type, "UPDATE") == 0)
    return update_flow;
  if (g_strcmp0 (registration_type, "LOST") == 0)
    return lost_flow;
  return new_flow;
}

static const SrvStage *
find_stage (const SrvStage *flow,
            const char     *name)
{
  for (const SrvStage *stage = flow; stage->name != NULL; stage++)
    if (g_strcmp0 (stage->name, name) == 0)
      return stage;
  return NULL;
}

/* ---- Settings ---------------------------------------------------------- */

/**
 * srv_pipeline_settings_load:
 * @settings: (out caller-allocates): the settings
 * @data_dir: the data directory whose idem.conf is read
 *
 * Reads the `[pipeline]` group of idem.conf; a missing file, group or key,
 * or a value out of range, leaves the default.
 */
void
srv_pipeline_settings_load (SrvPipelineSettings *settings,
                            const char          *data_dir)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  gint64 number;
  double real;
  gboolean flag;

  g_return_if_fail (settings != NULL);

  settings->workers = 2;
  settings->biometric_matching = TRUE;
  settings->demo_threshold = 0.9;
  settings->bio_threshold = 40.0;
  settings->retry_base_seconds = 5;
  settings->max_attempts = 8;
  settings->max_packet_size = 64 * 1024 * 1024;

  if (data_dir == NULL)
    return;

  path = g_build_filename (data_dir, "idem.conf", NULL);
  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, NULL))
    return;

  number = g_key_file_get_int64 (file, "pipeline", "workers", &error);
  if (error == NULL && number >= 1 && number <= 64)
    settings->workers = number;
  g_clear_error (&error);
  flag = g_key_file_get_boolean (file, "pipeline", "biometric-matching", &error);
  if (error == NULL)
    settings->biometric_matching = flag;
  g_clear_error (&error);
  real = g_key_file_get_double (file, "pipeline", "demographic-threshold", &error);
  if (error == NULL && real > 0.0 && real <= 1.0)
    settings->demo_threshold = real;
  g_clear_error (&error);
  real = g_key_file_get_double (file, "pipeline", "biometric-threshold", &error);
  if (error == NULL && real > 0.0 && real <= 100.0)
    settings->bio_threshold = real;
  g_clear_error (&error);
  number = g_key_file_get_int64 (file, "pipeline", "retry-seconds", &error);
  if (error == NULL && number >= 0 && number <= MAX_BACKOFF_SECONDS)
    settings->retry_base_seconds = number;
  g_clear_error (&error);
  number = g_key_file_get_int64 (file, "pipeline", "max-attempts", &error);
  if (error == NULL && number >= 1 && number <= 100)
    settings->max_attempts = number;
  g_clear_error (&error);
  number = g_key_file_get_int64 (file, "pipeline", "max-packet-size", &error);
  if (error == NULL && number >= 1024)
    settings->max_packet_size = number;
  g_clear_error (&error);
}

/* ---- Calls onto the main context ---------------------------------------- */

static gboolean
drain_calls_cb (gpointer user_data)
{
  SrvPipeline *self = user_data;
  GQueue calls = G_QUEUE_INIT;

  g_mutex_lock (&self->lock);
  self->drain_scheduled = FALSE;
  while (!g_queue_is_empty (&self->calls))
    g_queue_push_tail (&calls, g_queue_pop_head (&self->calls));
  g_mutex_unlock (&self->lock);

  while (!g_queue_is_empty (&calls))
    {
      MainCall *call = g_queue_pop_head (&calls);

      call->ok = call->func (self, call->data, &call->error);
      g_mutex_lock (&self->lock);
      call->done = TRUE;
      g_cond_broadcast (&self->cond);
      g_mutex_unlock (&self->lock);
    }

  return G_SOURCE_REMOVE;
}

/**
 * srv_pipeline_call_main:
 * @self: a pipeline
 * @func: what to run on the main context
 * @data: its data
 * @error: return location for @func's error, or
 *   %SRV_PIPELINE_ERROR_STOPPING
 *
 * Runs @func on the main context, which owns the database, and waits for
 * it.  Called from the main context itself, runs @func at once.
 *
 * Returns: what @func returned
 */
gboolean
srv_pipeline_call_main (SrvPipeline  *self,
                        SrvMainFunc   func,
                        gpointer      data,
                        GError      **error)
{
  MainCall call = { func, data, NULL, FALSE, FALSE };

  if (g_main_context_is_owner (self->context))
    return func (self, data, error);

  g_mutex_lock (&self->lock);
  if (self->stopping)
    {
      g_mutex_unlock (&self->lock);
      g_set_error_literal (error, SRV_PIPELINE_ERROR, SRV_PIPELINE_ERROR_STOPPING,
                           _("The pipeline is stopping"));
      return FALSE;
    }
  g_queue_push_tail (&self->calls, &call);
  if (!self->drain_scheduled)
    {
      GSource *source = g_idle_source_new ();

      self->drain_scheduled = TRUE;
      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, drain_calls_cb, g_object_ref (self), g_object_unref);
      g_source_set_static_name (source, "[idem] pipeline database calls");
      g_source_attach (source, self->context);
      g_source_unref (source);
    }
  while (!call.done)
    g_cond_wait (&self->cond, &self->lock);
  g_mutex_unlock (&self->lock);

  if (call.error != NULL)
    g_propagate_error (error, call.error);
  return call.ok;
}

SrvServer *
srv_pipeline_get_server (SrvPipeline *self)
{
  return self->server;
}

sqlite3 *
srv_pipeline_get_db (SrvPipeline *self)
{
  return srv_database_get_handle (srv_server_get_database (self->server));
}

static gboolean
db_error (SrvPipeline  *self,
          GError      **error)
{
  g_set_error (error, SRV_PIPELINE_ERROR, SRV_PIPELINE_ERROR_DATABASE,
               _("Pipeline: %s"), sqlite3_errmsg (srv_pipeline_get_db (self)));
  return FALSE;
}

static gboolean
db_exec (SrvPipeline  *self,
         const char   *sql,
         GError      **error)
{
  return sqlite3_exec (srv_pipeline_get_db (self), sql, NULL, NULL, NULL) == SQLITE_OK || db_error (self, error);
}

/* Statements come from the database's cache: compiled once, not for
 * every packet.  Declare them g_autoptr(SrvStatement), never finalize. */
static SrvStatement *
db_prepare (SrvPipeline  *self,
            const char   *sql,
            GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  SrvStatement *statement;

  statement = srv_database_statement (srv_server_get_database (self->server), sql, &local_error);
  if (statement == NULL)
    g_set_error (error, SRV_PIPELINE_ERROR, SRV_PIPELINE_ERROR_DATABASE,
                 _("Pipeline: %s"), local_error->message);
  return statement;
}

static gboolean
begin (SrvPipeline  *self,
       GError      **error)
{
  return db_exec (self, "BEGIN IMMEDIATE", error);
}

static gboolean
commit (SrvPipeline  *self,
        GError      **error)
{
  if (db_exec (self, "COMMIT", error))
    return TRUE;
  sqlite3_exec (srv_pipeline_get_db (self), "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

static void
rollback (SrvPipeline *self)
{
  if (!sqlite3_get_autocommit (srv_pipeline_get_db (self)))
    sqlite3_exec (srv_pipeline_get_db (self), "ROLLBACK", NULL, NULL, NULL);
}

/* Durability of the pipeline's own transactions.  The connection runs
 * with synchronous=FULL: every commit fsyncs the WAL.  A stage transition
 * does not need that.  In WAL mode a commit made with synchronous=NORMAL
 * is in the WAL file when COMMIT returns, so it survives a crash of the
 * process (kill -9); only a power cut can take it away, and then it takes
 * with it only a tail of commits, never one from the middle, because the
 * WAL is written in order.  A lost stage transition just makes the packet
 * run its stage again, which every stage allows (see above).
 *
 * What leaves the server must not be lost that way: a final state queues
 * a notification, and a UIN must not reach the resident before the
 * identity carrying it is durable.  So a batch that ends in a final state
 * fsyncs the WAL after its commit, which makes it and every earlier
 * commit durable before the outbox (on the same main context, later) can
 * read it.  The packet's arrival is made durable by intake, before its
 * answer, so a packet is never lost either.
 *
 * synchronous cannot change inside a transaction, hence begin_relaxed()
 * and commit_relaxed() around it. */
static gboolean
begin_relaxed (SrvPipeline  *self,
               GError      **error)
{
  if (!db_exec (self, "PRAGMA synchronous = NORMAL", error))
    return FALSE;
  if (begin (self, error))
    return TRUE;
  sqlite3_exec (srv_pipeline_get_db (self), "PRAGMA synchronous = FULL", NULL, NULL, NULL);
  return FALSE;
}

static void
end_relaxed (SrvPipeline *self)
{
  /* Whatever happened, the rest of the server gets FULL back; failing
   * to restore it is a bug, not a condition to handle. */
  if (sqlite3_exec (srv_pipeline_get_db (self), "PRAGMA synchronous = FULL", NULL, NULL, NULL) != SQLITE_OK)
    g_critical ("Could not restore synchronous=FULL: %s", sqlite3_errmsg (srv_pipeline_get_db (self)));
}

/* Makes every commit so far durable: fsyncs the WAL file. */
static gboolean
sync_wal (SrvPipeline  *self,
          GError      **error)
{
  sqlite3_file *wal = NULL;

  if (sqlite3_file_control (srv_pipeline_get_db (self), "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal) != SQLITE_OK ||
      wal == NULL || wal->pMethods == NULL)
    {
      g_set_error_literal (error, SRV_PIPELINE_ERROR, SRV_PIPELINE_ERROR_DATABASE,
                           _("Pipeline: the database has no write-ahead log to sync"));
      return FALSE;
    }
  if (wal->pMethods->xSync (wal, SQLITE_SYNC_FULL) != SQLITE_OK)
    {
      g_set_error_literal (error, SRV_PIPELINE_ERROR, SRV_PIPELINE_ERROR_DATABASE,
                           _("Pipeline: could not sync the write-ahead log"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
commit_relaxed (SrvPipeline  *self,
                gboolean      durable,
                GError      **error)
{
  gboolean ok = commit (self, error);

  end_relaxed (self);
  return ok && (!durable || sync_wal (self, error));
}

/* ---- Jobs -------------------------------------------------------------- */

static void
srv_packet_job_free (SrvPacketJob *job)
{
  g_free (job->rid);
  g_free (job->machine_id);
  g_free (job->centre_id);
  g_free (job->registration_type);
  g_free (job->declared_hash);
  g_free (job->supervisor_status);
  g_free (job->state);
  g_free (job->stage);
  g_clear_object (&job->reader);
  g_clear_object (&job->schema);
  g_clear_pointer (&job->created, g_date_time_unref);
  g_free (job->officer_id);
  g_free (job->supervisor_id);
  g_clear_pointer (&job->biometrics, g_bytes_unref);
  g_free (job->age_group);
  g_free (job->uin);
  g_clear_pointer (&job->candidates, json_array_unref);
  g_free (job->reason);
  g_free (job->detail);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrvPacketJob, srv_packet_job_free)

/**
 * srv_stage_set:
 * @job: the packet
 * @verdict: the stage's outcome
 * @reason: (nullable): a stable reason code, for anything but a pass
 * @format: (nullable): a printf-style detail for the history
 *
 * Returns: @verdict, so a stage can `return srv_stage_set (…)`
 */
SrvStageVerdict
srv_stage_set (SrvPacketJob    *job,
               SrvStageVerdict  verdict,
               const char      *reason,
               const char      *format,
               ...)
{
  job->verdict = verdict;
  g_free (job->reason);
  job->reason = g_strdup (reason);
  g_clear_pointer (&job->detail, g_free);
  if (format != NULL)
    {
      va_list args;

      va_start (args, format);
      job->detail = g_strdup_vprintf (format, args);
      va_end (args);
    }
  return verdict;
}

/**
 * srv_packet_job_get_label:
 * @job: a loaded packet
 * @list: "metaData" or "operationsData"
 * @label: the label, such as "officerId"
 *
 * Returns: (nullable): the value of a label/value pair of the packet's
 *   meta info
 */
const char *
srv_packet_job_get_label (SrvPacketJob *job,
                          const char   *list,
                          const char   *label)
{
  JsonNode *node;
  JsonArray *array;

  if (job->meta_info == NULL)
    return NULL;
  node = json_object_get_member (job->meta_info, list);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *pair;
      JsonNode *value;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      pair = json_node_get_object (element);
      if (g_strcmp0 (json_object_get_string_member_with_default (pair, "label", NULL), label) != 0)
        continue;
      value = json_object_get_member (pair, "value");
      if (value != NULL && JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
        return json_node_get_string (value);
    }
  return NULL;
}

static char *
column_dup (sqlite3_stmt *statement,
            int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (statement, column));
}

typedef struct
{
  guint         worker;
  SrvPacketJob *job;
} ClaimCall;

/* Picks the runnable packet that waited longest and no other worker has. */
static gboolean
claim_main (SrvPipeline  *self,
            gpointer      data,
            GError      **error)
{
  ClaimCall *claim = data;
  g_autoptr(SrvStatement) statement = NULL;
  int rc;

  statement = db_prepare (self,
                          "SELECT rid, machine_id, centre_id, registration_type, declared_hash,"
                          "       supervisor_status, state, stage, declared_size, attempts"
                          " FROM packet WHERE state = 'PROCESSING' AND paused = 0 AND next_attempt <= unixepoch ()"
                          " ORDER BY next_attempt, received_at LIMIT ?",
                          error);
  if (statement == NULL)
    return FALSE;
  sqlite3_bind_int64 (statement, 1, self->settings.workers + 1);

  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    {
      const char *rid = (const char *) sqlite3_column_text (statement, 0);
      SrvPacketJob *job;
      gboolean taken;

      g_mutex_lock (&self->lock);
      taken = g_hash_table_contains (self->claimed, rid);
      if (!taken)
        g_hash_table_add (self->claimed, g_strdup (rid));
      g_mutex_unlock (&self->lock);
      if (taken)
        continue;

      job = g_new0 (SrvPacketJob, 1);
      job->rid = g_strdup (rid);
      job->machine_id = column_dup (statement, 1);
      job->centre_id = column_dup (statement, 2);
      job->registration_type = column_dup (statement, 3);
      job->declared_hash = column_dup (statement, 4);
      job->supervisor_status = column_dup (statement, 5);
      job->state = column_dup (statement, 6);
      job->stage = column_dup (statement, 7);
      job->declared_size = sqlite3_column_int64 (statement, 8);
      job->attempts = sqlite3_column_int64 (statement, 9);
      claim->job = job;
      return TRUE;
    }

  return rc == SQLITE_DONE || db_error (self, error);
}

static void
release (SrvPipeline  *self,
         SrvPacketJob *job)
{
  g_mutex_lock (&self->lock);
  g_hash_table_remove (self->claimed, job->rid);
  g_mutex_unlock (&self->lock);
}

/* ---- Recording outcomes ------------------------------------------------ */

static gboolean
add_history (SrvPipeline  *self,
             const char   *rid,
             const char   *stage,
             const char   *outcome,
             const char   *detail,
             GError      **error)
{
  g_autoptr(SrvStatement) statement = NULL;

  statement = db_prepare (self,
                          "INSERT INTO packet_history (rid, stage, outcome, time, detail)"
                          " VALUES (?, ?, ?, unixepoch (), ?)", error);
  if (statement == NULL)
    return FALSE;
  sqlite3_bind_text (statement, 1, rid, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 2, stage, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 3, outcome, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 4, detail, -1, SQLITE_STATIC);
  return sqlite3_step (statement) == SQLITE_DONE || db_error (self, error);
}

static const char *
verdict_name (SrvStageVerdict verdict)
{
  switch (verdict)
    {
    case SRV_STAGE_PASS:
      return "PASS";
    case SRV_STAGE_REJECT:
      return "REJECTED";
    case SRV_STAGE_REREGISTER:
      return "REREGISTER";
    case SRV_STAGE_RETRY:
      return "RETRY";
    case SRV_STAGE_ADJUDICATE:
      return "ADJUDICATION";
    case SRV_STAGE_FAIL:
      return "FAILED";
    case SRV_STAGE_DONE:
      return "PROCESSED";
    default:
      return "?";
    }
}

static gboolean
set_packet (SrvPipeline  *self,
            SrvPacketJob *job,
            const char   *state,
            const char   *stage,
            const char   *reason,
            gint64        attempts,
            gint64        next_attempt,
            GError      **error)
{
  g_autoptr(SrvStatement) statement = NULL;

  statement = db_prepare (self,
                          "UPDATE packet SET state = ?, stage = ?, reason_code = ?, attempts = ?,"
                          " next_attempt = ?, age_group = coalesce (?, age_group), updated_at = unixepoch ()"
                          " WHERE rid = ?", error);
  if (statement == NULL)
    return FALSE;
  sqlite3_bind_text (statement, 1, state, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 2, stage, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 3, reason, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (statement, 4, attempts);
  sqlite3_bind_int64 (statement, 5, next_attempt);
  sqlite3_bind_text (statement, 6, job->age_group, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 7, job->rid, -1, SQLITE_STATIC);
  if (sqlite3_step (statement) != SQLITE_DONE)
    return db_error (self, error);

  g_free (job->state);
  job->state = g_strdup (state);
  if (job->stage != stage)
    {
      g_free (job->stage);
      job->stage = g_strdup (stage);
    }
  job->attempts = attempts;
  return TRUE;
}

static gboolean
notify_final (SrvPipeline  *self,
              SrvPacketJob *job,
              const char   *state,
              GError      **error)
{
  g_autoptr(JsonObject) payload = json_object_new ();

  json_object_set_string_member (payload, "registrationId", job->rid);
  json_object_set_string_member (payload, "status",
                                 srv_pipeline_external_status (state, NULL, job->registration_type));
  if (job->reason != NULL)
    json_object_set_string_member (payload, "reasonCode", job->reason);
  /* The development sink stands for the SMS or e-mail to the resident,
   * which carries the UIN. */
  if (job->uin != NULL)
    json_object_set_string_member (payload, "uin", job->uin);
  return srv_outbox_enqueue (srv_server_get_outbox (self->server), job->rid,
                             g_strcmp0 (state, "PROCESSED") == 0 ? "PACKET_PROCESSED" : "PACKET_NOT_PROCESSED",
                             payload, error);
}

static gboolean
add_adjudication (SrvPipeline  *self,
                  SrvPacketJob *job,
                  GError      **error)
{
  g_autoptr(SrvStatement) statement = NULL;
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
  g_autofree char *text = NULL;

  json_node_set_array (node, job->candidates != NULL ? job->candidates : json_array_new ());
  text = json_to_string (node, FALSE);
  statement = db_prepare (self,
                          "INSERT INTO adjudication (rid, candidates, status, created) VALUES (?, ?, 'PENDING', unixepoch ())"
                          " ON CONFLICT (rid) DO UPDATE SET candidates = excluded.candidates, status = 'PENDING',"
                          " created = excluded.created, decided_by = NULL, decided_at = NULL", error);
  if (statement == NULL)
    return FALSE;
  sqlite3_bind_text (statement, 1, job->rid, -1, SQLITE_STATIC);
  sqlite3_bind_text (statement, 2, text, -1, SQLITE_STATIC);
  return sqlite3_step (statement) == SQLITE_DONE || db_error (self, error);
}

/* Writes the outcome of @stage, in the caller's transaction, and moves the
 * packet on.  Returns whether the packet goes on to another stage now. */
static gboolean
record_outcome (SrvPipeline     *self,
                SrvPacketJob    *job,
                const SrvStage  *flow,
                const SrvStage  *stage,
                gboolean        *go_on,
                GError         **error)
{
  const char *detail = job->detail;
  g_autofree char *joined = NULL;

  if (job->reason != NULL)
    detail = joined = g_strdup_printf ("%s%s%s", job->reason, job->detail != NULL ? ": " : "",
                                       job->detail != NULL ? job->detail : "");

  *go_on = FALSE;
  if (!add_history (self, job->rid, stage->name, verdict_name (job->verdict), detail, error))
    return FALSE;

  switch (job->verdict)
    {
    case SRV_STAGE_PASS:
      {
        const SrvStage *next = stage + 1;

        g_assert (next->name != NULL);
        *go_on = TRUE;
        return set_packet (self, job, "PROCESSING", next->name, NULL, 0, 0, error);
      }

    case SRV_STAGE_DONE:
      return set_packet (self, job, "PROCESSED", NULL, NULL, job->attempts, 0, error) &&
             notify_final (self, job, "PROCESSED", error);

    case SRV_STAGE_ADJUDICATE:
      {
        const SrvStage *next = stage + 1;

        return add_adjudication (self, job, error) &&
               set_packet (self, job, "ADJUDICATION", next->name, job->reason, 0, 0, error);
      }

    case SRV_STAGE_RETRY:
      {
        gint64 attempts = job->attempts + 1;
        gint64 delay = self->settings.retry_base_seconds;

        if (attempts >= self->settings.max_attempts)
          {
            srv_stage_set (job, SRV_STAGE_FAIL, SRV_REASON_TOO_MANY_ATTEMPTS,
                           "%s", detail != NULL ? detail : "");
            return set_packet (self, job, "FAILED", stage->name, job->reason, attempts, 0, error) &&
                   notify_final (self, job, "FAILED", error);
          }
        for (gint64 i = 1; i < attempts && delay < MAX_BACKOFF_SECONDS; i++)
          delay *= 2;
        delay = MIN (delay, MAX_BACKOFF_SECONDS);
        return set_packet (self, job, "PROCESSING", stage->name, job->reason, attempts,
                           g_get_real_time () / G_USEC_PER_SEC + delay, error);
      }

    case SRV_STAGE_REJECT:
      return set_packet (self, job, "REJECTED", stage->name, job->reason, job->attempts, 0, error) &&
             notify_final (self, job, "REJECTED", error);

    case SRV_STAGE_REREGISTER:
      return set_packet (self, job, "REREGISTER", stage->name, job->reason, job->attempts, 0, error) &&
             notify_final (self, job, "REREGISTER", error);

    case SRV_STAGE_FAIL:
    default:
      return set_packet (self, job, "FAILED", stage->name, job->reason, job->attempts, 0, error) &&
             notify_final (self, job, "FAILED", error);
    }
}

typedef struct
{
  SrvPacketJob   *job;
  const SrvStage *flow;
  const SrvStage *done;     /* a worker stage whose outcome is to record, or NULL */
} BatchCall;

/* One transaction: the outcome of the worker stage just run, then every
 * on_main stage that follows, until one does not pass or a worker stage
 * comes. */
static gboolean
batch_main (SrvPipeline  *self,
            gpointer      data,
            GError      **error)
{
  BatchCall *batch = data;
  SrvPacketJob *job = batch->job;
  gboolean go_on = TRUE;

  if (!begin_relaxed (self, error))
    return FALSE;

  /* The row may have changed since the claim: an administrator paused,
   * rejected or reprocessed it. */
  {
    g_autoptr(SrvStatement) statement = db_prepare (self, "SELECT state, stage, paused FROM packet WHERE rid = ?", error);

    if (statement == NULL)
      goto fail;
    sqlite3_bind_text (statement, 1, job->rid, -1, SQLITE_STATIC);
    if (sqlite3_step (statement) != SQLITE_ROW)
      {
        db_error (self, error);
        goto fail;
      }
    if (g_strcmp0 ((const char *) sqlite3_column_text (statement, 0), "PROCESSING") != 0 ||
        g_strcmp0 ((const char *) sqlite3_column_text (statement, 1), job->stage) != 0 ||
        sqlite3_column_int (statement, 2) != 0)
      {
        g_set_error (error, SRV_PIPELINE_ERROR, SRV_PIPELINE_ERROR_WRONG_STATE,
                     _("Packet %s changed while it was processed"), job->rid);
        goto fail;
      }
  }

  if (batch->done != NULL)
    {
      if (!record_outcome (self, job, batch->flow, batch->done, &go_on, error))
        goto fail;
    }

  while (go_on)
    {
      const SrvStage *stage = find_stage (batch->flow, job->stage);

      if (stage == NULL || !stage->on_main)
        break;
      srv_stage_set (job, SRV_STAGE_FAIL, SRV_REASON_INTERNAL, NULL);
      stage->run (self, job);
      if (job->verdict == SRV_STAGE_RETRY && job->detail != NULL && job->reason == NULL)
        job->reason = g_strdup (SRV_REASON_INTERNAL);
      if (!record_outcome (self, job, batch->flow, stage, &go_on, error))
        goto fail;
    }

  return commit_relaxed (self, g_strcmp0 (job->state, "PROCESSING") != 0, error);

fail:
  rollback (self);
  end_relaxed (self);
  return FALSE;
}

static char *
packet_path (SrvPipeline *self,
             const char  *rid)
{
  g_autofree char *name = g_strconcat (rid, ".zip", NULL);

  return g_build_filename (self->packet_dir, name, NULL);
}

static void
process (SrvPipeline  *self,
         SrvPacketJob *job)
{
  const SrvStage *flow = flow_of (job->registration_type);
  gboolean loaded = FALSE;

  while (g_strcmp0 (job->state, "PROCESSING") == 0)
    {
      const SrvStage *stage = find_stage (flow, job->stage);
      BatchCall batch = { job, flow, NULL };
      g_autoptr(GError) error = NULL;

      if (stage == NULL)
        {
          /* A stage this server does not know: an older database, or a
           * packet whose type changed.  Fail it visibly. */
          g_free (job->stage);
          job->stage = g_strdup (flow[0].name);
          stage = flow;
          srv_stage_set (job, SRV_STAGE_FAIL, SRV_REASON_INTERNAL, "unknown stage");
          batch.done = stage;
        }
      else if (g_strcmp0 (stage->name, "validate") == 0)
        {
          srv_stage_set (job, SRV_STAGE_FAIL, SRV_REASON_INTERNAL, NULL);
          stage->run (self, job);
          loaded = job->verdict == SRV_STAGE_PASS;
          batch.done = stage;
        }
      else
        {
          if (!loaded)
            {
              /* Resumed after a restart or adjudication: read the packet
               * again.  It passed validation once, so failing now is the
               * server's fault (a key or file lost). */
              if (!srv_pipeline_load_packet (self, job))
                {
                  if (job->verdict == SRV_STAGE_PASS)
                    srv_stage_set (job, SRV_STAGE_FAIL, SRV_REASON_PACKET_UNREADABLE, NULL);
                  batch.done = stage;
                }
              loaded = TRUE;
            }
          if (batch.done == NULL && !stage->on_main)
            {
              srv_stage_set (job, SRV_STAGE_FAIL, SRV_REASON_INTERNAL, NULL);
              stage->run (self, job);
              batch.done = stage;
            }
        }

      if (!srv_pipeline_call_main (self, batch_main, &batch, &error))
        {
          if (!g_error_matches (error, SRV_PIPELINE_ERROR, SRV_PIPELINE_ERROR_STOPPING) &&
              !g_error_matches (error, SRV_PIPELINE_ERROR, SRV_PIPELINE_ERROR_WRONG_STATE))
            g_message ("Packet %s stays at stage %s: %s", job->rid, job->stage, error->message);
          return;
        }

      /* A retry waits for its next_attempt: let the packet go, and the
       * claim picks it up again when its time comes. */
      if (job->verdict == SRV_STAGE_RETRY && g_strcmp0 (job->state, "PROCESSING") == 0)
        return;
    }
}

static gpointer
worker_thread (gpointer user_data)
{
  SrvPipeline *self = user_data;

  for (;;)
    {
      ClaimCall claim = { 0, NULL };
      g_autoptr(GError) error = NULL;
      guint64 serial;

      g_mutex_lock (&self->lock);
      serial = self->wake_serial;
      if (self->stopping)
        {
          g_mutex_unlock (&self->lock);
          break;
        }
      g_mutex_unlock (&self->lock);

      if (!srv_pipeline_call_main (self, claim_main, &claim, &error))
        {
          if (!g_error_matches (error, SRV_PIPELINE_ERROR, SRV_PIPELINE_ERROR_STOPPING))
            g_message ("Could not look for packets to process: %s", error->message);
        }

      if (claim.job != NULL)
        {
          g_autoptr(SrvPacketJob) job = claim.job;

          process (self, job);
          release (self, job);
          continue;
        }

      g_mutex_lock (&self->lock);
      if (!self->stopping && self->wake_serial == serial)
        {
          gint64 deadline = g_get_monotonic_time () + IDLE_POLL_US;

          while (!self->stopping && self->wake_serial == serial &&
                 g_cond_wait_until (&self->cond, &self->lock, deadline))
            ;
        }
      g_mutex_unlock (&self->lock);
    }

  g_object_unref (self);
  return NULL;
}

/* ---- Object ------------------------------------------------------------ */

static void
srv_pipeline_dispose (GObject *object)
{
  srv_pipeline_stop (SRV_PIPELINE (object));

  G_OBJECT_CLASS (srv_pipeline_parent_class)->dispose (object);
}

static void
srv_pipeline_finalize (GObject *object)
{
  SrvPipeline *self = (SrvPipeline *)object;

  g_clear_pointer (&self->packet_dir, g_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->threads, g_ptr_array_unref);
  g_clear_pointer (&self->claimed, g_hash_table_unref);
  g_clear_pointer (&self->schema_source, g_bytes_unref);
  g_clear_object (&self->schema);
  g_clear_pointer (&self->machine_keys, g_hash_table_unref);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (srv_pipeline_parent_class)->finalize (object);
}

static void
srv_pipeline_class_init (SrvPipelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = srv_pipeline_dispose;
  object_class->finalize = srv_pipeline_finalize;
}

static void
srv_pipeline_init (SrvPipeline *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  g_queue_init (&self->calls);
  self->threads = g_ptr_array_new ();
  self->claimed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->machine_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) machine_key_free);
}

/**
 * srv_pipeline_new:
 * @server: the server, which owns the pipeline and outlives it
 * @settings: the settings, copied
 *
 * Returns: (transfer full): a pipeline, not started
 */
SrvPipeline *
srv_pipeline_new (SrvServer                 *server,
                  const SrvPipelineSettings *settings)
{
  SrvPipeline *self;

  g_return_val_if_fail (SRV_IS_SERVER (server), NULL);
  g_return_val_if_fail (settings != NULL, NULL);

  self = g_object_new (SRV_TYPE_PIPELINE, NULL);
  self->server = server;
  self->settings = *settings;
  self->packet_dir = g_build_filename (srv_server_get_config (server)->data_dir, "packets", NULL);
  return self;
}

const SrvPipelineSettings *
srv_pipeline_get_settings (SrvPipeline *self)
{
  g_return_val_if_fail (SRV_IS_PIPELINE (self), NULL);

  return &self->settings;
}

/**
 * srv_pipeline_get_packet_dir:
 * @self: a pipeline
 *
 * Returns: the directory intake writes packets to, `packets/` in the data
 *   directory
 */
const char *
srv_pipeline_get_packet_dir (SrvPipeline *self)
{
  g_return_val_if_fail (SRV_IS_PIPELINE (self), NULL);

  return self->packet_dir;
}

/**
 * srv_pipeline_start:
 * @self: a pipeline
 * @error: return location for a %SRV_ERROR_IO error
 *
 * Makes the packet directory and starts the workers.  Their database calls
 * run on the thread-default main context of the caller.
 *
 * Returns: whether the workers run
 */
gboolean
srv_pipeline_start (SrvPipeline  *self,
                    GError      **error)
{
  g_return_val_if_fail (SRV_IS_PIPELINE (self), FALSE);
  g_return_val_if_fail (!self->running, FALSE);

  if (g_mkdir_with_parents (self->packet_dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, SRV_ERROR, SRV_ERROR_IO,
                   _("Could not make the packet directory %s: %s"), self->packet_dir, g_strerror (saved_errno));
      return FALSE;
    }

  self->context = g_main_context_ref_thread_default ();
  self->stopping = FALSE;
  self->running = TRUE;
  for (guint i = 0; i < self->settings.workers; i++)
    {
      g_autofree char *name = g_strdup_printf ("pipeline-%u", i);

      g_ptr_array_add (self->threads, g_thread_new (name, worker_thread, g_object_ref (self)));
    }

  return TRUE;
}

/**
 * srv_pipeline_stop:
 * @self: a pipeline
 *
 * Stops the workers and waits for them.  A packet in the middle of a
 * stage stays where its last committed transaction left it, and is picked
 * up again at the next start.  Call it from the main context.
 */
void
srv_pipeline_stop (SrvPipeline *self)
{
  g_return_if_fail (SRV_IS_PIPELINE (self));

  if (!self->running)
    return;

  g_mutex_lock (&self->lock);
  self->stopping = TRUE;
  /* Calls queued but not run fail; the workers give up their packet. */
  while (!g_queue_is_empty (&self->calls))
    {
      MainCall *call = g_queue_pop_head (&self->calls);

      call->ok = FALSE;
      g_set_error_literal (&call->error, SRV_PIPELINE_ERROR, SRV_PIPELINE_ERROR_STOPPING,
                           _("The pipeline is stopping"));
      call->done = TRUE;
    }
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);

  for (guint i = 0; i < self->threads->len; i++)
    g_thread_join (g_ptr_array_index (self->threads, i));
  g_ptr_array_set_size (self->threads, 0);
  self->running = FALSE;
}

/**
 * srv_pipeline_wake:
 * @self: a pipeline
 *
 * Tells idle workers there is work: intake calls it for each packet.
 */
void
srv_pipeline_wake (SrvPipeline *self)
{
  g_return_if_fail (SRV_IS_PIPELINE (self));

  g_mutex_lock (&self->lock);
  self->wake_serial++;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

/* ---- Administration ---------------------------------------------------- */

static gboolean
read_state (SrvPipeline  *self,
            const char   *rid,
            char        **state,
            char        **stage,
            char        **registration_type,
            gboolean     *paused,
            GError      **error)
{
  g_autoptr(SrvStatement) statement = NULL;
  int rc;

  statement = db_prepare (self, "SELECT state, stage, registration_type, paused FROM packet WHERE rid = ?", error);
  if (statement == NULL)
    return FALSE;
  sqlite3_bind_text (statement, 1, rid, -1, SQLITE_STATIC);
  rc = sqlite3_step (statement);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, SRV_PIPELINE_ERROR, SRV_PIPELINE_ERROR_NOT_FOUND,
                   _("There is no packet %s"), rid);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    return db_error (self, error);

  *state = column_dup (statement, 0);
  *stage = column_dup (statement, 1);
  if (registration_type != NULL)
    *registration_type = column_dup (statement, 2);
  *paused = sqlite3_column_int (statement, 3) != 0;
  return TRUE;
}

static gboolean
wrong_state (GError     **error,
             const char  *rid,
             const char  *state)
{
  g_set_error (error, SRV_PIPELINE_ERROR, SRV_PIPELINE_ERROR_WRONG_STATE,
               _("Packet %s is %s, which does not allow this"), rid, state);
  return FALSE;
}

static gboolean
admin_change (SrvPipeline  *self,
              const char   *rid,
              const char   *sql,
              const char   *stage_name,
              const char   *outcome,
              const char   *detail,
              const char   *bind_text,
              GError      **error)
{
  g_autoptr(SrvStatement) statement = NULL;

  statement = db_prepare (self, sql, error);
  if (statement == NULL)
    return FALSE;
  sqlite3_bind_text (statement, 1, rid, -1, SQLITE_STATIC);
  if (bind_text != NULL)
    sqlite3_bind_text (statement, 2, bind_text, -1, SQLITE_STATIC);
  if (sqlite3_step (statement) != SQLITE_DONE)
    return db_error (self, error);
  return add_history (self, rid, stage_name, outcome, detail, error);
}

/**
 * srv_pipeline_pause:
 * @self: a pipeline
 * @rid: a packet in processing
 * @error: return location for an error in %SRV_PIPELINE_ERROR
 *
 * Keeps the workers off the packet until srv_pipeline_resume().  A stage
 * running at that moment finishes, and its outcome is not recorded.
 *
 * Returns: whether the packet is paused
 */
gboolean
srv_pipeline_pause (SrvPipeline  *self,
                    const char   *rid,
                    GError      **error)
{
  g_autofree char *state = NULL;
  g_autofree char *stage = NULL;
  gboolean paused = FALSE;

  g_return_val_if_fail (SRV_IS_PIPELINE (self), FALSE);
  g_return_val_if_fail (rid != NULL, FALSE);

  if (!begin (self, error))
    return FALSE;
  if (!read_state (self, rid, &state, &stage, NULL, &paused, error))
    goto fail;
  if (g_strcmp0 (state, "PROCESSING") != 0 || paused)
    {
      wrong_state (error, rid, paused ? "PAUSED" : state);
      goto fail;
    }
  if (!admin_change (self, rid, "UPDATE packet SET paused = 1, updated_at = unixepoch () WHERE rid = ?",
                     stage, "PAUSED", NULL, NULL, error))
    goto fail;
  return commit (self, error);

fail:
  rollback (self);
  return FALSE;
}

/**
 * srv_pipeline_resume:
 * @self: a pipeline
 * @rid: a paused packet
 * @error: return location for an error in %SRV_PIPELINE_ERROR
 *
 * Returns: whether the packet runs again
 */
gboolean
srv_pipeline_resume (SrvPipeline  *self,
                     const char   *rid,
                     GError      **error)
{
  g_autofree char *state = NULL;
  g_autofree char *stage = NULL;
  gboolean paused = FALSE;

  g_return_val_if_fail (SRV_IS_PIPELINE (self), FALSE);
  g_return_val_if_fail (rid != NULL, FALSE);

  if (!begin (self, error))
    return FALSE;
  if (!read_state (self, rid, &state, &stage, NULL, &paused, error))
    goto fail;
  if (!paused)
    {
      wrong_state (error, rid, state);
      goto fail;
    }
  if (!admin_change (self, rid,
                     "UPDATE packet SET paused = 0, next_attempt = 0, updated_at = unixepoch () WHERE rid = ?",
                     stage, "RESUMED", NULL, NULL, error) ||
      !commit (self, error))
    goto fail;

  srv_pipeline_wake (self);
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

/**
 * srv_pipeline_reprocess:
 * @self: a pipeline
 * @rid: a packet that ended FAILED, REREGISTER or REJECTED, or waits for
 *   a retry
 * @error: return location for an error in %SRV_PIPELINE_ERROR
 *
 * Runs the packet through the pipeline again from validation, once the
 * cause is fixed (a centre's hours corrected, a machine re-activated).  A
 * PROCESSED packet has its UIN and is never reprocessed.
 *
 * Returns: whether the packet is queued again
 */
gboolean
srv_pipeline_reprocess (SrvPipeline  *self,
                        const char   *rid,
                        GError      **error)
{
  g_autofree char *state = NULL;
  g_autofree char *stage = NULL;
  gboolean paused = FALSE;

  g_return_val_if_fail (SRV_IS_PIPELINE (self), FALSE);
  g_return_val_if_fail (rid != NULL, FALSE);

  if (!begin (self, error))
    return FALSE;
  if (!read_state (self, rid, &state, &stage, NULL, &paused, error))
    goto fail;
  if (g_strcmp0 (state, "PROCESSED") == 0 || g_strcmp0 (state, "DECLARED") == 0 ||
      g_strcmp0 (state, "ADJUDICATION") == 0)
    {
      wrong_state (error, rid, state);
      goto fail;
    }
  if (!admin_change (self, rid,
                     "UPDATE packet SET state = 'PROCESSING', stage = 'validate', reason_code = NULL, paused = 0,"
                     " attempts = 0, next_attempt = 0, updated_at = unixepoch () WHERE rid = ?",
                     "validate", "REPROCESS", state, NULL, error) ||
      !commit (self, error))
    goto fail;

  srv_pipeline_wake (self);
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

static gboolean
valid_reason_code (const char *code)
{
  gsize length = strlen (code);

  if (length == 0 || length > 64)
    return FALSE;
  for (const char *p = code; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

/**
 * srv_pipeline_reject:
 * @self: a pipeline
 * @rid: a packet not yet in a final state
 * @reason_code: (nullable): the reason given to the client, letters,
 *   digits, '-' and '_'; %NULL for %SRV_REASON_REJECTED_BY_ADMIN
 * @actor: who rejects it
 * @error: return location for an error in %SRV_PIPELINE_ERROR
 *
 * Returns: whether the packet is REJECTED
 */
gboolean
srv_pipeline_reject (SrvPipeline  *self,
                     const char   *rid,
                     const char   *reason_code,
                     const char   *actor,
                     GError      **error)
{
  g_autofree char *state = NULL;
  g_autofree char *stage = NULL;
  g_autofree char *type = NULL;
  g_autofree char *detail = NULL;
  gboolean paused = FALSE;
  SrvPacketJob job = { 0 };

  g_return_val_if_fail (SRV_IS_PIPELINE (self), FALSE);
  g_return_val_if_fail (rid != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);

  if (reason_code == NULL)
    reason_code = SRV_REASON_REJECTED_BY_ADMIN;
  if (!valid_reason_code (reason_code))
    {
      g_set_error (error, SRV_PIPELINE_ERROR, SRV_PIPELINE_ERROR_INVALID_ARGUMENT,
                   _("A reason code is 1 to 64 letters, digits, “-” or “_”"));
      return FALSE;
    }

  if (!begin (self, error))
    return FALSE;
  if (!read_state (self, rid, &state, &stage, &type, &paused, error))
    goto fail;
  if (g_strcmp0 (state, "PROCESSING") != 0 && g_strcmp0 (state, "ADJUDICATION") != 0 &&
      g_strcmp0 (state, "DECLARED") != 0)
    {
      wrong_state (error, rid, state);
      goto fail;
    }

  job.rid = (char *) rid;
  job.registration_type = type;
  job.reason = (char *) reason_code;
  detail = g_strdup_printf ("%s: %s", reason_code, actor);
  if (!admin_change (self, rid,
                     "UPDATE packet SET state = 'REJECTED', reason_code = ?2, paused = 0, updated_at = unixepoch ()"
                     " WHERE rid = ?1",
                     stage != NULL ? stage : "intake", "REJECTED", detail, reason_code, error) ||
      !notify_final (self, &job, "REJECTED", error))
    goto fail;
  if (g_strcmp0 (state, "ADJUDICATION") == 0 &&
      !admin_change (self, rid,
                     "UPDATE adjudication SET status = 'DUPLICATE', decided_by = ?2, decided_at = unixepoch ()"
                     " WHERE rid = ?1", "adjudication", "DUPLICATE", actor, actor, error))
    goto fail;
  if (!commit (self, error))
    return FALSE;

  /* A rejected registration must not come up as a candidate for the
   * next ones.  Best effort: the gallery may not hold it. */
  if (srv_server_get_abis (self->server) != NULL)
    {
      g_autoptr(GError) local_error = NULL;

      if (!srv_abis_remove (srv_server_get_abis (self->server), rid, &local_error) &&
          !g_error_matches (local_error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_REFERENCE_NOT_FOUND))
        g_message ("Could not remove packet %s from the ABIS: %s", rid, local_error->message);
    }
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

/**
 * srv_pipeline_decide:
 * @self: a pipeline
 * @rid: a packet waiting in ADJUDICATION
 * @duplicate: the adjudicator's finding: %TRUE rejects the packet as a
 *   duplicate, %FALSE lets it go on
 * @actor: the adjudicator
 * @error: return location for an error in %SRV_PIPELINE_ERROR
 *
 * Returns: whether the decision is recorded
 */
gboolean
srv_pipeline_decide (SrvPipeline  *self,
                     const char   *rid,
                     gboolean      duplicate,
                     const char   *actor,
                     GError      **error)
{
  g_autofree char *state = NULL;
  g_autofree char *stage = NULL;
  gboolean paused = FALSE;

  g_return_val_if_fail (SRV_IS_PIPELINE (self), FALSE);
  g_return_val_if_fail (rid != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);

  if (duplicate)
    {
      if (!begin (self, error))
        return FALSE;
      if (!read_state (self, rid, &state, &stage, NULL, &paused, error))
        goto fail;
      rollback (self);
      if (g_strcmp0 (state, "ADJUDICATION") != 0)
        return wrong_state (error, rid, state);
      return srv_pipeline_reject (self, rid, SRV_REASON_DUPLICATE, actor, error);
    }

  if (!begin (self, error))
    return FALSE;
  if (!read_state (self, rid, &state, &stage, NULL, &paused, error))
    goto fail;
  if (g_strcmp0 (state, "ADJUDICATION") != 0)
    {
      wrong_state (error, rid, state);
      goto fail;
    }
  if (!admin_change (self, rid,
                     "UPDATE adjudication SET status = 'NOT_DUPLICATE', decided_by = ?2, decided_at = unixepoch ()"
                     " WHERE rid = ?1", "adjudication", "NOT_DUPLICATE", actor, actor, error) ||
      !admin_change (self, rid,
                     "UPDATE packet SET state = 'PROCESSING', reason_code = NULL, next_attempt = 0,"
                     " updated_at = unixepoch () WHERE rid = ?",
                     stage, "RESUMED", NULL, NULL, error) ||
      !commit (self, error))
    goto fail;

  srv_pipeline_wake (self);
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

/**
 * srv_pipeline_external_status:
 * @state: the packet's state
 * @stage: (nullable): its stage
 * @registration_type: (nullable): NEW, UPDATE or LOST
 *
 * Returns: MOSIP's external status for a packet in @state: what a
 *   registration client shows its operator
 */
const char *
srv_pipeline_external_status (const char *state,
                              const char *stage,
                              const char *registration_type)
{
  if (g_strcmp0 (state, "DECLARED") == 0)
    return "RESEND";
  if (g_strcmp0 (state, "PROCESSING") == 0)
    return g_strcmp0 (stage, "validate") == 0 ? "RECEIVED" : "PROCESSING";
  if (g_strcmp0 (state, "ADJUDICATION") == 0)
    return "PROCESSING";
  if (g_strcmp0 (state, "PROCESSED") == 0)
    return g_strcmp0 (registration_type, "NEW") == 0 || registration_type == NULL ? "UIN_GENERATED" : "PROCESSED";
  if (g_strcmp0 (state, "REJECTED") == 0)
    return "REJECTED";
  if (g_strcmp0 (state, "REREGISTER") == 0)
    return "REREGISTER";
  return "FAILED";
}

/* ---- Loading a packet (shared by validate and resumed packets) ---------- */

typedef struct
{
  SrvPipeline *self;
  const char  *machine_id;
  EVP_PKEY    *key;
} KeyLookup;

static gboolean
lookup_machine_key_main (SrvPipeline  *self,
                         gpointer      data,
                         GError      **error)
{
  KeyLookup *lookup = data;
  g_autoptr(SrvStatement) statement = NULL;
  const unsigned char *der;
  const void *blob;
  int length;
  MachineKey *entry;

  statement = db_prepare (self, "SELECT public_key FROM machine WHERE id = ?", error);
  if (statement == NULL)
    return FALSE;
  sqlite3_bind_text (statement, 1, lookup->machine_id, -1, SQLITE_STATIC);
  if (sqlite3_step (statement) != SQLITE_ROW)
    return TRUE;
  blob = sqlite3_column_blob (statement, 0);
  length = sqlite3_column_bytes (statement, 0);

  /* Decoding the key costs more than the rest of the lookup: reuse the
   * last one decoded for this machine while its registered key is the
   * same bytes. */
  entry = g_hash_table_lookup (self->machine_keys, lookup->machine_id);
  if (entry != NULL && g_bytes_get_size (entry->der) == (gsize) length &&
      (length == 0 || memcmp (g_bytes_get_data (entry->der, NULL), blob, length) == 0))
    {
      if (entry->key != NULL)
        EVP_PKEY_up_ref (entry->key);
      lookup->key = entry->key;
      return TRUE;
    }

  der = blob;
  lookup->key = d2i_PUBKEY (NULL, &der, length);
  ERR_clear_error ();

  entry = g_new0 (MachineKey, 1);
  entry->der = g_bytes_new (blob, length);
  entry->key = lookup->key;
  if (entry->key != NULL)
    EVP_PKEY_up_ref (entry->key);
  g_hash_table_replace (self->machine_keys, g_strdup (lookup->machine_id), entry);
  return TRUE;
}

static EVP_PKEY *
signing_key_cb (const char *ref_id,
                const char *machine_id,
                gpointer    user_data)
{
  KeyLookup lookup = { user_data, machine_id, NULL };

  if (machine_id == NULL)
    return NULL;
  if (!srv_pipeline_call_main (lookup.self, lookup_machine_key_main, &lookup, NULL))
    return NULL;
  return lookup.key;
}

typedef struct
{
  SrvPacketJob *job;
  EVP_PKEY     *private_key;
  IdemIdSchema *schema;
} KeysCall;

static gboolean
load_keys_main (SrvPipeline  *self,
                gpointer      data,
                GError      **error)
{
  KeysCall *call = data;
  g_autofree char *reference = g_strconcat (call->job->centre_id, "_", call->job->machine_id, NULL);
  g_autoptr(SrvStatement) statement = NULL;

  call->private_key = srv_packet_keys_get_private (srv_server_get_packet_keys (self->server), reference, error);
  if (call->private_key == NULL)
    return FALSE;

  statement = db_prepare (self,
                          "SELECT content FROM published_document WHERE kind = 'id-schema'"
                          " ORDER BY version DESC LIMIT 1", error);
  if (statement == NULL)
    return FALSE;
  if (sqlite3_step (statement) == SQLITE_ROW)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (sqlite3_column_blob (statement, 0), sqlite3_column_bytes (statement, 0));

      /* Parsing the schema (and compiling its patterns) costs more than
       * everything else here: reuse the parsed one while the latest
       * published text is the same.  A schema is not changed once made,
       * so packets on several workers may share it. */
      if (self->schema == NULL || self->schema_source == NULL || !g_bytes_equal (bytes, self->schema_source))
        {
          IdemIdSchema *schema = idem_id_schema_new_from_bytes (bytes, error);

          if (schema == NULL)
            return FALSE;
          g_set_object (&self->schema, schema);
          g_object_unref (schema);
          g_clear_pointer (&self->schema_source, g_bytes_unref);
          self->schema_source = g_steal_pointer (&bytes);
        }
      call->schema = g_object_ref (self->schema);
      return TRUE;
    }
  else
    {
      g_autofree char *path = g_build_filename (PKGDATADIR, "schema", "id-schema.json", NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);

      call->schema = idem_id_schema_new_from_file (file, error);
      return call->schema != NULL;
    }
}

static GBytes *
find_biometrics (IdemPacketReader *reader,
                 JsonObject       *identity,
                 const char       *field)
{
  JsonNode *node = json_object_get_member (identity, field);
  const char *stem;
  g_autofree char *name = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  stem = json_object_get_string_member_with_default (json_node_get_object (node), "value", NULL);
  if (stem == NULL)
    return NULL;
  name = g_strconcat (stem, ".xml", NULL);
  for (guint i = 0; i < idem_packet_reader_get_n_subpackets (reader); i++)
    {
      GBytes *bytes = idem_packet_subpacket_get_file (idem_packet_reader_get_subpacket (reader, i), name);

      if (bytes != NULL)
        return g_bytes_ref (bytes);
    }
  return NULL;
}

/**
 * srv_schema_first_violation:
 * @schema: an ID schema
 * @identity: an identity object
 * @partial: whether @identity may leave required fields out
 *
 * Returns: (nullable): the first violation, "path: message", or %NULL when
 *   @identity is valid; valid until the next call in this thread
 */
const char *
srv_schema_first_violation (IdemIdSchema *schema,
                            JsonObject   *identity,
                            gboolean      partial)
{
  static GPrivate last = G_PRIVATE_INIT (g_free);
  g_autoptr(JsonObject) wrapper = json_object_new ();
  g_autoptr(GPtrArray) violations = NULL;
  IdemSchemaViolation *first;
  char *text;

  json_object_set_object_member (wrapper, "identity", json_object_ref (identity));
  violations = idem_id_schema_validate (schema, wrapper, partial ? IDEM_ID_VALIDATE_PARTIAL : IDEM_ID_VALIDATE_NONE);
  if (violations == NULL || violations->len == 0)
    return NULL;

  first = g_ptr_array_index (violations, 0);
  text = g_strdup_printf ("%s: %s", first->path, first->message);
  g_private_replace (&last, text);
  return text;
}

/**
 * srv_pipeline_load_packet:
 * @self: a pipeline
 * @job: a claimed packet
 *
 * Opens the packet file: checks its declared hash and size, decrypts it
 * with its centre+machine key, verifies each sub-packet's signature with
 * the key its machine registered, checks the hash files and validates
 * the identity against the latest published ID schema.  Fills in what
 * the later stages need.
 *
 * Returns: whether the packet opened; otherwise @job's verdict says why
 */
gboolean
srv_pipeline_load_packet (SrvPipeline  *self,
                          SrvPacketJob *job)
{
  g_autoptr(IdemPacketReader) reader = idem_packet_reader_new ();
  g_autofree char *path = packet_path (self, job->rid);
  g_autoptr(GError) error = NULL;
  g_autoptr(IdemIdSchema) schema = NULL;
  g_autoptr(EVP_PKEY) private_key = NULL;
  KeysCall keys = { job, NULL, NULL };
  IdemPacketSubpacket *id;
  const char *creation;
  GPtrArray *violations;

  if (!srv_pipeline_call_main (self, load_keys_main, &keys, &error))
    {
      srv_stage_set (job, SRV_STAGE_RETRY, SRV_REASON_INTERNAL, "%s", error->message);
      return FALSE;
    }
  private_key = keys.private_key;
  schema = keys.schema;

  idem_packet_reader_set_declared (reader, job->declared_hash, job->declared_size);
  idem_packet_reader_set_decryption_key (reader, private_key, NULL);
  idem_packet_reader_set_signing_key_func (reader, signing_key_cb, self, NULL);
  idem_packet_reader_set_require_signatures (reader, TRUE);
  /* An update or a lost-UIN search carries only some fields: it is
   * checked as a part here, and an update again once merged. */
  if (g_strcmp0 (job->registration_type, "NEW") == 0)
    idem_packet_reader_set_schema (reader, schema);

  if (!idem_packet_reader_open_file (reader, path, &error))
    {
      /* Intake checked the hash before answering, so a missing or
       * different file is the server's loss: FAILED, not the resident's
       * fault. */
      if (g_error_matches (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_IO) ||
          g_error_matches (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_SIZE_MISMATCH) ||
          g_error_matches (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_HASH_MISMATCH))
        srv_stage_set (job, SRV_STAGE_FAIL, SRV_REASON_HASH, "%s", error->message);
      else if (g_error_matches (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_SIGNATURE_INVALID) ||
               g_error_matches (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_NO_SIGNING_KEY))
        srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_SIGNATURE, "%s", error->message);
      else if (g_error_matches (error, IDEM_PACKET_ERROR, IDEM_PACKET_ERROR_SCHEMA_INVALID))
        {
          violations = idem_packet_reader_get_violations (reader);
          srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_SCHEMA, "%s",
                         violations != NULL && violations->len > 0
                         ? (const char *) g_ptr_array_index (violations, 0) : error->message);
        }
      else
        srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_PACKET_UNREADABLE, "%s", error->message);
      return FALSE;
    }

  id = idem_packet_reader_find_subpacket (reader, "id");
  job->identity = idem_packet_reader_get_identity (reader);
  job->meta_info = id != NULL ? idem_packet_subpacket_get_meta_info (id) : NULL;
  if (job->identity == NULL || job->meta_info == NULL)
    {
      srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_PACKET_UNREADABLE, "no id sub-packet");
      return FALSE;
    }

  if (g_strcmp0 (job->registration_type, "NEW") != 0)
    {
      const char *violation = srv_schema_first_violation (schema, job->identity, TRUE);

      if (violation != NULL)
        {
          srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_SCHEMA, "%s", violation);
          return FALSE;
        }
    }
  job->schema = g_object_ref (schema);

  creation = json_object_get_string_member_with_default (job->meta_info, "creationDate", NULL);
  job->created = creation != NULL ? g_date_time_new_from_iso8601 (creation, NULL) : NULL;
  if (job->created == NULL)
    {
      srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_PACKET_MISMATCH, "no creation date");
      return FALSE;
    }
  job->officer_id = g_strdup (srv_packet_job_get_label (job, "operationsData", "officerId"));
  job->supervisor_id = g_strdup (srv_packet_job_get_label (job, "operationsData", "supervisorId"));
  job->biometrics = find_biometrics (reader, job->identity, "individualBiometrics");
  job->reader = g_steal_pointer (&reader);

  srv_stage_set (job, SRV_STAGE_PASS, NULL, NULL);
  return TRUE;
}
