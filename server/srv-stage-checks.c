/* srv-stage-checks.c — the stages that check a packet against the
 * server's records: centre, machine and devices; operator and
 * supervisor; age group and introducer
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * They run on the main context inside the transaction that records their
 * outcome, and only read.  Everything is judged at the packet's creation
 * time, not now: a centre may close, an operator leave, and packets made
 * before still stand.
 */

#define G_LOG_DOMAIN "idem-pipeline"

#include "config.h"

#include "srv-pipeline-private.h"
#include "srv-uin-pool.h"

#include <string.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

static sqlite3_stmt *
query (SrvPipeline *self,
       const char  *sql,
       const char  *first,
       const char  *second)
{
  sqlite3_stmt *statement = NULL;

  if (sqlite3_prepare_v2 (srv_pipeline_get_db (self), sql, -1, &statement, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_text (statement, 1, first, -1, SQLITE_TRANSIENT);
  if (second != NULL)
    sqlite3_bind_text (statement, 2, second, -1, SQLITE_TRANSIENT);
  return statement;
}

static SrvStageVerdict
database_failed (SrvPipeline  *self,
                 SrvPacketJob *job)
{
  return srv_stage_set (job, SRV_STAGE_RETRY, SRV_REASON_INTERNAL, "%s",
                        sqlite3_errmsg (srv_pipeline_get_db (self)));
}

/* "08:30" or "08:30:00" → minutes since midnight, or -1 */
static int
parse_clock (const char *text)
{
  guint hours = 0;
  guint minutes = 0;

  if (text == NULL || sscanf (text, "%u:%u", &hours, &minutes) != 2 || hours > 24 || minutes > 59)
    return -1;
  return hours * 60 + minutes;
}

static SrvStageVerdict
check_devices (SrvPipeline  *self,
               SrvPacketJob *job)
{
  JsonNode *node = json_object_get_member (job->meta_info, "capturedRegisteredDevices");
  JsonArray *devices;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return SRV_STAGE_PASS;

  devices = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (devices); i++)
    {
      JsonNode *element = json_array_get_element (devices, i);
      g_autoptr(sqlite3_stmt) statement = NULL;
      JsonObject *device;
      JsonNode *digital_id;
      const char *code;
      const char *serial = NULL;
      const char *status;
      const char *centre;
      int rc;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      device = json_node_get_object (element);
      code = json_object_get_string_member_with_default (device, "deviceCode", NULL);
      digital_id = json_object_get_member (device, "digitalId");
      if (digital_id != NULL && JSON_NODE_HOLDS_OBJECT (digital_id))
        serial = json_object_get_string_member_with_default (json_node_get_object (digital_id), "serialNo", NULL);
      if (code == NULL && serial == NULL)
        continue;

      statement = code != NULL
                  ? query (self, "SELECT status, centre_id FROM device WHERE id = ?", code, NULL)
                  : query (self, "SELECT status, centre_id FROM device WHERE serial = ?", serial, NULL);
      if (statement == NULL)
        return database_failed (self, job);
      rc = sqlite3_step (statement);
      if (rc == SQLITE_DONE)
        return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_DEVICE,
                              "device %s is not registered", code != NULL ? code : serial);
      if (rc != SQLITE_ROW)
        return database_failed (self, job);
      status = (const char *) sqlite3_column_text (statement, 0);
      centre = (const char *) sqlite3_column_text (statement, 1);
      if (g_strcmp0 (status, "ACTIVE") != 0)
        return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_DEVICE,
                              "device %s is %s", code != NULL ? code : serial, status);
      if (g_strcmp0 (centre, job->centre_id) != 0)
        return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_DEVICE,
                              "device %s belongs to centre %s", code != NULL ? code : serial, centre);
    }

  return SRV_STAGE_PASS;
}

SrvStageVerdict
srv_stage_centre (SrvPipeline  *self,
                  SrvPacketJob *job)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  g_autoptr(GTimeZone) zone = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *time_zone = NULL;
  g_autofree char *date = NULL;
  const char *status;
  int rc;
  int now_minutes;
  int opens;
  int closes;

  statement = query (self, "SELECT status, time_zone FROM centre WHERE id = ?", job->centre_id, NULL);
  if (statement == NULL)
    return database_failed (self, job);
  rc = sqlite3_step (statement);
  if (rc == SQLITE_DONE)
    return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_CENTRE, "centre %s is unknown", job->centre_id);
  if (rc != SQLITE_ROW)
    return database_failed (self, job);
  status = (const char *) sqlite3_column_text (statement, 0);
  if (g_strcmp0 (status, "ACTIVE") != 0)
    return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_CENTRE, "centre %s is %s", job->centre_id, status);
  time_zone = g_strdup ((const char *) sqlite3_column_text (statement, 1));
  g_clear_pointer (&statement, sqlite3_finalize);

  statement = query (self, "SELECT status, centre_id FROM machine WHERE id = ?", job->machine_id, NULL);
  if (statement == NULL)
    return database_failed (self, job);
  rc = sqlite3_step (statement);
  if (rc == SQLITE_DONE)
    return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_MACHINE, "machine %s is unknown", job->machine_id);
  if (rc != SQLITE_ROW)
    return database_failed (self, job);
  status = (const char *) sqlite3_column_text (statement, 0);
  if (g_strcmp0 (status, "ACTIVE") != 0)
    return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_MACHINE, "machine %s is %s", job->machine_id, status);
  if (g_strcmp0 ((const char *) sqlite3_column_text (statement, 1), job->centre_id) != 0)
    return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_MACHINE, "machine %s belongs to centre %s",
                          job->machine_id, (const char *) sqlite3_column_text (statement, 1));
  g_clear_pointer (&statement, sqlite3_finalize);

  if (check_devices (self, job) != SRV_STAGE_PASS)
    return job->verdict;

  zone = g_time_zone_new_identifier (time_zone);
  if (zone == NULL)
    return srv_stage_set (job, SRV_STAGE_FAIL, SRV_REASON_CENTRE, "centre %s has an unknown time zone %s",
                          job->centre_id, time_zone);
  local = g_date_time_to_timezone (job->created, zone);
  date = g_date_time_format (local, "%Y-%m-%d");

  statement = query (self, "SELECT 1 FROM centre_holiday WHERE centre_id = ? AND date = ?", job->centre_id, date);
  if (statement == NULL)
    return database_failed (self, job);
  rc = sqlite3_step (statement);
  if (rc == SQLITE_ROW)
    return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_HOLIDAY, "made on %s, a holiday of centre %s",
                          date, job->centre_id);
  if (rc != SQLITE_DONE)
    return database_failed (self, job);
  g_clear_pointer (&statement, sqlite3_finalize);

  {
    char weekday[2] = { '0' + g_date_time_get_day_of_week (local), '\0' };

    statement = query (self, "SELECT opens, closes FROM centre_working_hours WHERE centre_id = ? AND weekday = ?",
                       job->centre_id, weekday);
  }
  if (statement == NULL)
    return database_failed (self, job);
  rc = sqlite3_step (statement);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return database_failed (self, job);
  now_minutes = g_date_time_get_hour (local) * 60 + g_date_time_get_minute (local);
  opens = rc == SQLITE_ROW ? parse_clock ((const char *) sqlite3_column_text (statement, 0)) : -1;
  closes = rc == SQLITE_ROW ? parse_clock ((const char *) sqlite3_column_text (statement, 1)) : -1;
  if (opens < 0 || closes < 0 || now_minutes < opens || now_minutes >= closes)
    {
      g_autofree char *when = g_date_time_format (local, "%A %H:%M");

      return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_WORKING_HOURS,
                            "made %s (%s), outside the hours of centre %s", when, time_zone, job->centre_id);
    }

  return srv_stage_set (job, SRV_STAGE_PASS, NULL, NULL);
}

static SrvStageVerdict
check_user (SrvPipeline  *self,
            SrvPacketJob *job,
            const char   *user_id,
            const char   *role,
            const char   *reason)
{
  g_autoptr(sqlite3_stmt) statement = NULL;
  const char *status;
  gint64 created = g_date_time_to_unix (job->created);
  int rc;

  statement = query (self, "SELECT status FROM app_user WHERE id = ?", user_id, NULL);
  if (statement == NULL)
    return database_failed (self, job);
  rc = sqlite3_step (statement);
  if (rc == SQLITE_DONE)
    return srv_stage_set (job, SRV_STAGE_REJECT, reason, "user %s is unknown", user_id);
  if (rc != SQLITE_ROW)
    return database_failed (self, job);
  status = (const char *) sqlite3_column_text (statement, 0);
  if (g_strcmp0 (status, "ACTIVE") != 0)
    return srv_stage_set (job, SRV_STAGE_REJECT, reason, "user %s is %s", user_id, status);
  g_clear_pointer (&statement, sqlite3_finalize);

  statement = query (self,
                     "SELECT 1 FROM user_role WHERE user_id = ?1 AND (role = ?2 OR role = 'SUPERVISOR')",
                     user_id, role);
  if (statement == NULL)
    return database_failed (self, job);
  rc = sqlite3_step (statement);
  if (rc == SQLITE_DONE)
    return srv_stage_set (job, SRV_STAGE_REJECT, reason, "user %s does not have the role %s", user_id, role);
  if (rc != SQLITE_ROW)
    return database_failed (self, job);
  g_clear_pointer (&statement, sqlite3_finalize);

  statement = query (self,
                     "SELECT 1 FROM user_centre WHERE user_id = ?1 AND centre_id = ?2"
                     " AND valid_from <= ?3 AND (valid_to IS NULL OR valid_to > ?3)",
                     user_id, job->centre_id);
  if (statement == NULL)
    return database_failed (self, job);
  sqlite3_bind_int64 (statement, 3, created);
  rc = sqlite3_step (statement);
  if (rc == SQLITE_DONE)
    return srv_stage_set (job, SRV_STAGE_REJECT, reason, "user %s was not mapped to centre %s when the packet was made",
                          user_id, job->centre_id);
  if (rc != SQLITE_ROW)
    return database_failed (self, job);

  return SRV_STAGE_PASS;
}

SrvStageVerdict
srv_stage_operator (SrvPipeline  *self,
                    SrvPacketJob *job)
{
  if (check_user (self, job, job->officer_id, "OPERATOR", SRV_REASON_OPERATOR) != SRV_STAGE_PASS)
    return job->verdict;
  if (job->supervisor_id != NULL &&
      check_user (self, job, job->supervisor_id, "SUPERVISOR", SRV_REASON_SUPERVISOR) != SRV_STAGE_PASS)
    return job->verdict;

  return srv_stage_set (job, SRV_STAGE_PASS, NULL, NULL);
}

static GDateTime *
parse_date_of_birth (const char *text)
{
  guint year = 0;
  guint month = 0;
  guint day = 0;
  char separator[2] = { 0 };

  if (text == NULL ||
      sscanf (text, "%4u%1[/-]%2u%*1[/-]%2u", &year, separator, &month, &day) != 4)
    return NULL;
  if (month < 1 || month > 12 || day < 1 || day > 31)
    return NULL;
  return g_date_time_new_utc (year, month, day, 0, 0, 0);
}

static gboolean
introducer_exists (SrvPipeline  *self,
                   SrvPacketJob *job)
{
  const char *uin = json_object_get_string_member_with_default (job->identity, "introducerUIN", NULL);
  const char *rid = json_object_get_string_member_with_default (job->identity, "introducerRID", NULL);

  if (uin != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *status = NULL;
      g_autofree char *identity = srv_idrepo_lookup_uin (srv_server_get_idrepo (srv_pipeline_get_server (self)),
                                                         uin, &status, &error);

      return identity != NULL && g_strcmp0 (status, "ACTIVATED") == 0;
    }
  if (rid != NULL)
    {
      g_autoptr(sqlite3_stmt) statement = query (self, "SELECT 1 FROM packet WHERE rid = ? AND state = 'PROCESSED'",
                                                 rid, NULL);

      return statement != NULL && sqlite3_step (statement) == SQLITE_ROW;
    }
  return FALSE;
}

SrvStageVerdict
srv_stage_classify (SrvPipeline  *self,
                    SrvPacketJob *job)
{
  g_autoptr(GDateTime) birth = NULL;
  const char *text = json_object_get_string_member_with_default (job->identity, "dateOfBirth", NULL);
  int years;

  birth = parse_date_of_birth (text);
  if (birth == NULL || g_date_time_compare (birth, job->created) > 0)
    {
      /* An update may leave the date of birth out: it is unchanged. */
      if (text == NULL && g_strcmp0 (job->registration_type, "NEW") != 0)
        {
          g_free (job->age_group);
          job->age_group = g_strdup ("UNKNOWN");
          return srv_stage_set (job, SRV_STAGE_PASS, NULL, "no date of birth");
        }
      return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_DATE_OF_BIRTH, "date of birth “%s”",
                            text != NULL ? text : "");
    }

  years = g_date_time_get_year (job->created) - g_date_time_get_year (birth);
  if (g_date_time_get_month (job->created) < g_date_time_get_month (birth) ||
      (g_date_time_get_month (job->created) == g_date_time_get_month (birth) &&
       g_date_time_get_day_of_month (job->created) < g_date_time_get_day_of_month (birth)))
    years--;

  g_free (job->age_group);
  job->age_group = g_strdup (years < 5 ? "INFANT" : years < 18 ? "MINOR" : "ADULT");

  /* An infant's identity rests on an introducer's, which must exist. */
  if (years < 5 && g_strcmp0 (job->registration_type, "NEW") == 0 && !introducer_exists (self, job))
    return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_INTRODUCER,
                          "an infant needs an introducer with an issued UIN or processed RID");

  {
    JsonNode *exceptions = json_object_get_member (job->meta_info, "exceptionBiometrics");
    guint n_exceptions = 0;

    if (exceptions != NULL && JSON_NODE_HOLDS_OBJECT (exceptions))
      n_exceptions = json_object_get_size (json_node_get_object (exceptions));
    else if (exceptions != NULL && JSON_NODE_HOLDS_ARRAY (exceptions))
      n_exceptions = json_array_get_length (json_node_get_array (exceptions));

    return srv_stage_set (job, SRV_STAGE_PASS, NULL, "%s, %u biometric exception(s)", job->age_group, n_exceptions);
  }
}
