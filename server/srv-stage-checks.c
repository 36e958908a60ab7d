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

/* @sql compiled once for the life of the connection, from the
 * database's statement cache: these checks run for every packet. */
static SrvStatement *
query (SrvPipeline *self,
       const char  *sql,
       const char  *first,
       const char  *second)
{
  SrvStatement *statement = srv_database_statement (srv_server_get_database (srv_pipeline_get_server (self)),
                                                    sql, NULL);

  if (statement == NULL)
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

/* MOSIP's digitalId.type of a device, and the type our device table
 * records for it. */
static const struct
{
  const char *digital_id_type;
  const char *device_type;
} device_types[] = {
  { "Finger", "FINGERPRINT" },
  { "Face", "CAMERA" },
  { "Iris", "IRIS" },
};

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* Whether @claimed, said by the packet, contradicts @registered, the
 * device table's value: only what the packet states is compared. */
static gboolean
differs (const char *claimed,
         const char *registered)
{
  return claimed != NULL && g_strcmp0 (claimed, registered) != 0;
}

/* One entry of capturedRegisteredDevices: {deviceCode, digitalId: {serialNo,
 * make, model, type, …}, deviceServiceVersion}. */
static SrvStageVerdict
check_device (SrvPipeline  *self,
              SrvPacketJob *job,
              guint         index,
              JsonNode     *element)
{
  g_autoptr(SrvStatement) statement = NULL;
  JsonObject *device;
  JsonObject *digital_id = NULL;
  const char *code;
  const char *serial;
  const char *name;
  const char *type;
  const char *status;
  const char *centre;
  const char *machine;
  int rc;

  if (!JSON_NODE_HOLDS_OBJECT (element))
    return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_DEVICE_UNKNOWN,
                          "captured device %u is not an object", index);
  device = json_node_get_object (element);
  if (json_object_has_member (device, "digitalId") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (device, "digitalId")))
    digital_id = json_object_get_object_member (device, "digitalId");
  code = member_string (device, "deviceCode");
  serial = member_string (digital_id, "serialNo");
  if (code == NULL && serial == NULL)
    return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_DEVICE_UNKNOWN,
                          "captured device %u has neither a device code nor a serial number", index);
  name = code != NULL ? code : serial;

  statement = code != NULL
              ? query (self, "SELECT status, centre_id, machine_id, serial, make, model, type FROM device WHERE id = ?",
                       code, NULL)
              : query (self, "SELECT status, centre_id, machine_id, serial, make, model, type FROM device WHERE serial = ?",
                       serial, NULL);
  if (statement == NULL)
    return database_failed (self, job);
  rc = sqlite3_step (statement);
  if (rc == SQLITE_DONE)
    return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_DEVICE_UNKNOWN, "device %s is not registered", name);
  if (rc != SQLITE_ROW)
    return database_failed (self, job);

  /* A device code with another device's serial, make or model is not
   * the registered device. */
  if (differs (serial, (const char *) sqlite3_column_text (statement, 3)) ||
      differs (member_string (digital_id, "make"), (const char *) sqlite3_column_text (statement, 4)) ||
      differs (member_string (digital_id, "model"), (const char *) sqlite3_column_text (statement, 5)))
    return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_DEVICE_UNKNOWN,
                          "device %s is not the registered device of that code (serial, make or model differ)", name);
  type = member_string (digital_id, "type");
  if (type != NULL)
    {
      const char *registered = (const char *) sqlite3_column_text (statement, 6);
      const char *expected = NULL;

      for (guint i = 0; i < G_N_ELEMENTS (device_types); i++)
        if (g_ascii_strcasecmp (device_types[i].digital_id_type, type) == 0)
          expected = device_types[i].device_type;
      if (g_strcmp0 (expected, registered) != 0)
        return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_DEVICE_UNKNOWN,
                              "device %s captured as “%s” but is registered as %s", name, type, registered);
    }

  status = (const char *) sqlite3_column_text (statement, 0);
  centre = (const char *) sqlite3_column_text (statement, 1);
  machine = (const char *) sqlite3_column_text (statement, 2);
  if (g_strcmp0 (status, "ACTIVE") != 0)
    return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_DEVICE, "device %s is %s", name, status);
  if (g_strcmp0 (centre, job->centre_id) != 0)
    return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_DEVICE_UNMAPPED,
                          "device %s belongs to centre %s", name, centre);
  if (machine != NULL && g_strcmp0 (machine, job->machine_id) != 0)
    return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_DEVICE_UNMAPPED,
                          "device %s is attached to machine %s", name, machine);

  return SRV_STAGE_PASS;
}

/* Every device the packet says captured it must be a registered, active
 * device of the packet's centre, and of its machine when the device is
 * attached to one.  A packet that lists no device passes: the
 * registration client captures through libfprint and GStreamer, which
 * give no registered-device identity to list, and MOSIP's own sample
 * packets list none either.  What a packet does list is checked. */
static SrvStageVerdict
check_devices (SrvPipeline  *self,
               SrvPacketJob *job)
{
  JsonNode *node = json_object_get_member (job->meta_info, "capturedRegisteredDevices");
  JsonArray *devices;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return SRV_STAGE_PASS;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_DEVICE_UNKNOWN,
                          "capturedRegisteredDevices is not a list");

  devices = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (devices); i++)
    if (check_device (self, job, i, json_array_get_element (devices, i)) != SRV_STAGE_PASS)
      return job->verdict;

  return SRV_STAGE_PASS;
}

SrvStageVerdict
srv_stage_centre (SrvPipeline  *self,
                  SrvPacketJob *job)
{
  g_autoptr(SrvStatement) statement = NULL;
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
  g_clear_pointer (&statement, srv_statement_release);

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
  g_clear_pointer (&statement, srv_statement_release);

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
  g_clear_pointer (&statement, srv_statement_release);

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
  g_autoptr(SrvStatement) statement = NULL;
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
  g_clear_pointer (&statement, srv_statement_release);

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
  g_clear_pointer (&statement, srv_statement_release);

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

/**
 * srv_age_group_at:
 * @date_of_birth: (nullable): as the ID schema writes it, "1988/03/14"
 * @when: the instant the age is taken at, the packet's creation
 *
 * The age group is also the applicant type of the applicant-valid
 * documents' master data.
 *
 * Returns: (nullable): "INFANT" (under 5), "MINOR" (under 18) or "ADULT";
 *   %NULL for a missing or unreadable date, or one after @when
 */
const char *
srv_age_group_at (const char *date_of_birth,
                  GDateTime  *when)
{
  g_autoptr(GDateTime) birth = parse_date_of_birth (date_of_birth);
  int years;

  if (birth == NULL || g_date_time_compare (birth, when) > 0)
    return NULL;

  years = g_date_time_get_year (when) - g_date_time_get_year (birth);
  if (g_date_time_get_month (when) < g_date_time_get_month (birth) ||
      (g_date_time_get_month (when) == g_date_time_get_month (birth) &&
       g_date_time_get_day_of_month (when) < g_date_time_get_day_of_month (birth)))
    years--;

  return years < 5 ? "INFANT" : years < 18 ? "MINOR" : "ADULT";
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
      g_autoptr(SrvStatement) statement = query (self, "SELECT 1 FROM packet WHERE rid = ? AND state = 'PROCESSED'",
                                                 rid, NULL);

      return statement != NULL && sqlite3_step (statement) == SQLITE_ROW;
    }
  return FALSE;
}

SrvStageVerdict
srv_stage_classify (SrvPipeline  *self,
                    SrvPacketJob *job)
{
  const char *text = json_object_get_string_member_with_default (job->identity, "dateOfBirth", NULL);
  const char *age_group = srv_age_group_at (text, job->created);

  if (age_group == NULL)
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

  g_free (job->age_group);
  job->age_group = g_strdup (age_group);

  /* An infant's identity rests on an introducer's, which must exist. */
  if (g_str_equal (age_group, "INFANT") && g_strcmp0 (job->registration_type, "NEW") == 0 && !introducer_exists (self, job))
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
