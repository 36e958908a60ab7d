/* srv-admin-centres.c — registration centres, their working hours and holidays
 *
 *   GET  /v1/admin/centres
 *   GET  /v1/admin/centres/{id}
 *   POST /v1/admin/centres        {id, names, locationCode, timeZone, address?, latitude?,
 *                                  longitude?, status?, workingHours?, holidays?}
 *   PUT  /v1/admin/centres/{id}   the same members but id, each optional
 *
 * workingHours: [{"weekday": 1…7 (ISO, Monday is 1), "opens": "08:00", "closes": "17:00"}]
 * holidays:     [{"date": "2026-12-25", "names": {"eng": …}}]
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Given working hours or holidays replace the whole set.  The pipeline
 * checks a packet's creation time against them, in the centre's own time
 * zone.  A decommissioned centre is final: it changes no more, and a
 * centre is decommissioned only once no active machine is mapped to it.
 */

#define G_LOG_DOMAIN "idem-server"

#include "config.h"

#include "srv-admin-private.h"

#include <glib/gi18n.h>
#include <string.h>

#define MAX_HOLIDAYS 366

static const SrvAdminColumn columns[] = {
  { "id", SRV_ADMIN_COLUMN_TEXT },
  { "names", SRV_ADMIN_COLUMN_JSON },
  { "locationCode", SRV_ADMIN_COLUMN_TEXT },
  { "timeZone", SRV_ADMIN_COLUMN_TEXT },
  { "address", SRV_ADMIN_COLUMN_TEXT },
  { "latitude", SRV_ADMIN_COLUMN_REAL },
  { "longitude", SRV_ADMIN_COLUMN_REAL },
  { "status", SRV_ADMIN_COLUMN_TEXT },
  { "version", SRV_ADMIN_COLUMN_INT },
};

static const SrvAdminColumn hours_columns[] = {
  { "weekday", SRV_ADMIN_COLUMN_INT },
  { "opens", SRV_ADMIN_COLUMN_TEXT },
  { "closes", SRV_ADMIN_COLUMN_TEXT },
};

static const SrvAdminColumn holiday_columns[] = {
  { "date", SRV_ADMIN_COLUMN_TEXT },
  { "names", SRV_ADMIN_COLUMN_JSON },
};

#define SELECT "SELECT id, names, location_code, time_zone, address, latitude, longitude, status, version FROM centre"

/**
 * srv_admin_add_schedule:
 * @id: a centre's id
 *
 * Adds the centre's "workingHours" and "holidays", as both the admin API
 * and machine sync send them.  A #SrvAdminRowFunc.
 */
gboolean
srv_admin_add_schedule (sqlite3      *db,
                        const char   *id,
                        JsonBuilder  *builder,
                        GError      **error)
{
  return srv_admin_add_rows_for (builder, "workingHours", db,
                                 "SELECT weekday, opens, closes FROM centre_working_hours WHERE centre_id = ? ORDER BY weekday",
                                 id, hours_columns, G_N_ELEMENTS (hours_columns), error) &&
         srv_admin_add_rows_for (builder, "holidays", db,
                                 "SELECT date, names FROM centre_holiday WHERE centre_id = ? ORDER BY date",
                                 id, holiday_columns, G_N_ELEMENTS (holiday_columns), error);
}

static void
respond_centre (SrvAdminCall *call,
                guint         status,
                const char   *id)
{
  srv_admin_respond_one (call, status, SELECT " WHERE id = ?1", id, NULL,
                         columns, G_N_ELEMENTS (columns), srv_admin_add_schedule);
}

static void
list_cb (SoupServerMessage *msg,
         GHashTable        *params,
         gpointer           user_data)
{
  g_auto(SrvAdminCall) call = { 0 };

  srv_admin_call_init (&call, user_data, msg, SRV_API_ID_ADMIN, SRV_ADMIN_CODE_PREFIX, NULL);
  if (!srv_admin_call_authorize (&call, SRV_ROLE_ADMIN))
    return;

  srv_admin_respond_list (&call, SELECT " ORDER BY id", NULL, columns, G_N_ELEMENTS (columns), srv_admin_add_schedule);
}

static void
get_cb (SoupServerMessage *msg,
        GHashTable        *params,
        gpointer           user_data)
{
  g_auto(SrvAdminCall) call = { 0 };

  srv_admin_call_init (&call, user_data, msg, SRV_API_ID_ADMIN, SRV_ADMIN_CODE_PREFIX, NULL);
  if (!srv_admin_call_authorize (&call, SRV_ROLE_ADMIN))
    return;

  respond_centre (&call, SOUP_STATUS_OK, g_hash_table_lookup (params, "id"));
}

/* "HH:MM", 00:00 to 23:59 */
static gboolean
parse_time_of_day (const char *text,
                   int        *minutes)
{
  if (strlen (text) != 5 || text[2] != ':' ||
      !g_ascii_isdigit (text[0]) || !g_ascii_isdigit (text[1]) ||
      !g_ascii_isdigit (text[3]) || !g_ascii_isdigit (text[4]))
    return FALSE;

  *minutes = ((text[0] - '0') * 10 + (text[1] - '0')) * 60 + (text[3] - '0') * 10 + (text[4] - '0');
  return (text[0] - '0') * 10 + (text[1] - '0') < 24 && (text[3] - '0') < 6;
}

/* "YYYY-MM-DD", a real date */
static gboolean
parse_date (const char *text)
{
  guint64 year;
  guint64 month;
  guint64 day;
  char year_text[5];
  char month_text[3];
  char day_text[3];

  if (strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;

  memcpy (year_text, text, 4);
  year_text[4] = '\0';
  memcpy (month_text, text + 5, 2);
  month_text[2] = '\0';
  memcpy (day_text, text + 8, 2);
  day_text[2] = '\0';

  return g_ascii_string_to_unsigned (year_text, 10, 1900, 9999, &year, NULL) &&
         g_ascii_string_to_unsigned (month_text, 10, 1, 12, &month, NULL) &&
         g_ascii_string_to_unsigned (day_text, 10, 1, 31, &day, NULL) &&
         g_date_valid_dmy (day, month, year);
}

typedef struct
{
  gint64  weekday;
  char   *opens;
  char   *closes;
} WorkingDay;

typedef struct
{
  char *date;
  char *names;
} Holiday;

static void
working_day_free (WorkingDay *day)
{
  g_free (day->opens);
  g_free (day->closes);
  g_free (day);
}

static void
holiday_free (Holiday *holiday)
{
  g_free (holiday->date);
  g_free (holiday->names);
  g_free (holiday);
}

/* Reads and checks "workingHours"; *days stays NULL when absent. */
static gboolean
get_working_hours (SrvAdminCall  *call,
                   GPtrArray    **days)
{
  JsonArray *array;
  gboolean seen[8] = { FALSE };

  *days = NULL;
  if (!srv_admin_call_get_array (call, call->request, "workingHours", FALSE, 7, &array))
    return FALSE;
  if (array == NULL)
    return TRUE;

  *days = g_ptr_array_new_with_free_func ((GDestroyNotify) working_day_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      WorkingDay day = { 0 };
      const char *opens;
      const char *closes;
      int opens_minutes = 0;
      int closes_minutes = 0;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          srv_admin_call_refuse (call, SOUP_STATUS_BAD_REQUEST, SRV_ADMIN_CODE_TYPE,
                                 _("Each of “workingHours” must be an object"));
          return FALSE;
        }

      if (!srv_admin_call_get_int (call, json_node_get_object (node), "weekday", TRUE, 1, 7, &day.weekday) ||
          !srv_admin_call_get_string (call, json_node_get_object (node), "opens", TRUE, 5, &opens) ||
          !srv_admin_call_get_string (call, json_node_get_object (node), "closes", TRUE, 5, &closes))
        return FALSE;

      if (!parse_time_of_day (opens, &opens_minutes) || !parse_time_of_day (closes, &closes_minutes) ||
          opens_minutes >= closes_minutes)
        {
          srv_admin_call_refuse (call, SOUP_STATUS_BAD_REQUEST, SRV_ADMIN_CODE_INVALID,
                                 _("Working hours are two times “HH:MM”, the opening before the closing"));
          return FALSE;
        }

      if (seen[day.weekday])
        {
          srv_admin_call_refuse (call, SOUP_STATUS_BAD_REQUEST, SRV_ADMIN_CODE_INVALID,
                                 _("A weekday appears twice in “workingHours”"));
          return FALSE;
        }
      seen[day.weekday] = TRUE;

      day.opens = g_strdup (opens);
      day.closes = g_strdup (closes);
      g_ptr_array_add (*days, g_memdup2 (&day, sizeof day));
    }

  return TRUE;
}

static gboolean
get_holidays (SrvAdminCall  *call,
              GPtrArray    **holidays)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *array;

  *holidays = NULL;
  if (!srv_admin_call_get_array (call, call->request, "holidays", FALSE, MAX_HOLIDAYS, &array))
    return FALSE;
  if (array == NULL)
    return TRUE;

  *holidays = g_ptr_array_new_with_free_func ((GDestroyNotify) holiday_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      Holiday holiday = { 0 };
      const char *date;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          srv_admin_call_refuse (call, SOUP_STATUS_BAD_REQUEST, SRV_ADMIN_CODE_TYPE,
                                 _("Each of “holidays” must be an object"));
          return FALSE;
        }

      if (!srv_admin_call_get_string (call, json_node_get_object (node), "date", TRUE, 10, &date) ||
          !srv_admin_call_get_names (call, json_node_get_object (node), "names", TRUE, &holiday.names))
        return FALSE;

      if (!parse_date (date) || g_hash_table_contains (seen, date))
        {
          g_free (holiday.names);
          srv_admin_call_refuse (call, SOUP_STATUS_BAD_REQUEST, SRV_ADMIN_CODE_INVALID,
                                 _("A holiday’s date is a real date “YYYY-MM-DD”, each given once"));
          return FALSE;
        }
      g_hash_table_add (seen, (gpointer) date);

      holiday.date = g_strdup (date);
      g_ptr_array_add (*holidays, g_memdup2 (&holiday, sizeof holiday));
    }

  return TRUE;
}

static gboolean
get_time_zone (SrvAdminCall  *call,
               gboolean       required,
               const char   **value)
{
  g_autoptr(GTimeZone) zone = NULL;

  if (!srv_admin_call_get_string (call, call->request, "timeZone", required, 64, value))
    return FALSE;
  if (*value == NULL)
    return TRUE;

  zone = g_time_zone_new_identifier (*value);
  if (zone == NULL)
    {
      srv_admin_call_refuse (call, SOUP_STATUS_BAD_REQUEST, SRV_ADMIN_CODE_INVALID,
                             _("“timeZone” must be an IANA time zone such as “Africa/Abidjan”"));
      *value = NULL;
      return FALSE;
    }

  return TRUE;
}

static gboolean
write_schedule (sqlite3     *db,
                const char  *id,
                GPtrArray   *days,
                GPtrArray   *holidays,
                GError     **error)
{
  if (days != NULL)
    {
      if (!srv_admin_exec (db, error, "DELETE FROM centre_working_hours WHERE centre_id = ?", "t", id))
        return FALSE;

      for (guint i = 0; i < days->len; i++)
        {
          WorkingDay *day = g_ptr_array_index (days, i);

          if (!srv_admin_exec (db, error,
                               "INSERT INTO centre_working_hours (centre_id, weekday, opens, closes) VALUES (?, ?, ?, ?)",
                               "titt", id, day->weekday, day->opens, day->closes))
            return FALSE;
        }
    }

  if (holidays != NULL)
    {
      if (!srv_admin_exec (db, error, "DELETE FROM centre_holiday WHERE centre_id = ?", "t", id))
        return FALSE;

      for (guint i = 0; i < holidays->len; i++)
        {
          Holiday *holiday = g_ptr_array_index (holidays, i);

          if (!srv_admin_exec (db, error,
                               "INSERT INTO centre_holiday (centre_id, date, names) VALUES (?, ?, ?)",
                               "ttt", id, holiday->date, holiday->names))
            return FALSE;
        }
    }

  return TRUE;
}

/* The members create and update share. */
typedef struct
{
  char       *names;
  const char *location_code;
  const char *time_zone;
  const char *address;
  gboolean    has_latitude;
  double      latitude;
  gboolean    has_longitude;
  double      longitude;
  const char *status;
  GPtrArray  *days;
  GPtrArray  *holidays;
} CentreFields;

static void
centre_fields_clear (CentreFields *fields)
{
  g_clear_pointer (&fields->names, g_free);
  g_clear_pointer (&fields->days, g_ptr_array_unref);
  g_clear_pointer (&fields->holidays, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CentreFields, centre_fields_clear)

static gboolean
get_fields (SrvAdminCall *call,
            gboolean      creating,
            CentreFields *fields)
{
  return srv_admin_call_get_names (call, call->request, "names", creating, &fields->names) &&
         srv_admin_call_get_id (call, call->request, "locationCode", creating, &fields->location_code) &&
         get_time_zone (call, creating, &fields->time_zone) &&
         srv_admin_call_get_string (call, call->request, "address", FALSE, 512, &fields->address) &&
         srv_admin_call_get_double (call, call->request, "latitude", FALSE, -90, 90,
                                    &fields->has_latitude, &fields->latitude) &&
         srv_admin_call_get_double (call, call->request, "longitude", FALSE, -180, 180,
                                    &fields->has_longitude, &fields->longitude) &&
         srv_admin_call_get_enum (call, call->request, "status", FALSE, srv_admin_statuses, &fields->status) &&
         get_working_hours (call, &fields->days) &&
         get_holidays (call, &fields->holidays);
}

/* Checks the location exists; refuses when not.  Rolls back on refusal. */
static gboolean
check_location (SrvAdminCall  *call,
                const char    *location_code,
                gboolean      *ok,
                GError       **error)
{
  gboolean exists = FALSE;

  *ok = TRUE;
  if (location_code == NULL)
    return TRUE;

  if (!srv_admin_exists (srv_admin_db (call), &exists, error,
                         "SELECT 1 FROM location WHERE code = ? AND active", "t", location_code))
    return FALSE;

  if (!exists)
    {
      g_autofree char *message = g_strdup_printf (_("There is no active location “%s”"), location_code);

      srv_admin_rollback (call);
      srv_admin_call_refuse (call, SOUP_STATUS_BAD_REQUEST, SRV_ADMIN_CODE_REFERENCE, message);
      *ok = FALSE;
    }

  return TRUE;
}

static void
create_cb (SoupServerMessage *msg,
           GHashTable        *params,
           gpointer           user_data)
{
  g_auto(SrvAdminCall) call = { 0 };
  g_auto(CentreFields) fields = { 0 };
  g_autoptr(GError) error = NULL;
  const char *id;
  gboolean exists = FALSE;
  gboolean ok = FALSE;
  gint64 version = 0;
  sqlite3 *db;

  srv_admin_call_init (&call, user_data, msg, SRV_API_ID_ADMIN, SRV_ADMIN_CODE_PREFIX, "centre.create");
  if (!srv_admin_call_authorize (&call, SRV_ROLE_ADMIN) ||
      !srv_admin_call_read (&call, SRV_ADMIN_MAX_BODY_BYTES) ||
      !srv_admin_call_get_id (&call, call.request, "id", TRUE, &id) ||
      !get_fields (&call, TRUE, &fields))
    return;

  srv_admin_call_set_object (&call, id);
  if (g_strcmp0 (fields.status, "DECOMMISSIONED") == 0)
    {
      srv_admin_call_refuse (&call, SOUP_STATUS_BAD_REQUEST, SRV_ADMIN_CODE_INVALID,
                             _("A new centre cannot be decommissioned"));
      return;
    }

  db = srv_admin_db (&call);
  if (!srv_admin_begin (&call, &error) ||
      !srv_admin_exists (db, &exists, &error, "SELECT 1 FROM centre WHERE id = ?", "t", id))
    goto fail;
  if (exists)
    {
      g_autofree char *message = g_strdup_printf (_("The centre “%s” exists already"), id);

      srv_admin_rollback (&call);
      srv_admin_call_refuse (&call, SOUP_STATUS_CONFLICT, SRV_ADMIN_CODE_EXISTS, message);
      return;
    }

  if (!check_location (&call, fields.location_code, &ok, &error))
    goto fail;
  if (!ok)
    return;

  if (!srv_admin_next_version (&call, &version, &error) ||
      !srv_admin_exec (db, &error,
                       "INSERT INTO centre (id, names, location_code, time_zone, address, latitude, longitude, status, version)"
                       " VALUES (?, ?, ?, ?, ?, CASE WHEN ?6 THEN ?7 END, CASE WHEN ?8 THEN ?9 END, ?10, ?11)",
                       "tttttirirti", id, fields.names, fields.location_code, fields.time_zone, fields.address,
                       (gint64) fields.has_latitude, fields.latitude, (gint64) fields.has_longitude, fields.longitude,
                       fields.status != NULL ? fields.status : "ACTIVE", version) ||
      !write_schedule (db, id, fields.days, fields.holidays, &error) ||
      !srv_admin_call_audit_success (&call, NULL, &error) ||
      !srv_admin_commit (&call, &error))
    goto fail;

  respond_centre (&call, SOUP_STATUS_CREATED, id);
  return;

fail:
  srv_admin_rollback (&call);
  srv_admin_call_fail (&call, error);
}

static void
update_cb (SoupServerMessage *msg,
           GHashTable        *params,
           gpointer           user_data)
{
  g_auto(SrvAdminCall) call = { 0 };
  g_auto(CentreFields) fields = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *current = NULL;
  const char *id = g_hash_table_lookup (params, "id");
  gboolean ok = FALSE;
  gint64 version = 0;
  sqlite3 *db;

  srv_admin_call_init (&call, user_data, msg, SRV_API_ID_ADMIN, SRV_ADMIN_CODE_PREFIX, "centre.update");
  srv_admin_call_set_object (&call, id);
  if (!srv_admin_call_authorize (&call, SRV_ROLE_ADMIN) ||
      !srv_admin_call_read (&call, SRV_ADMIN_MAX_BODY_BYTES) ||
      !get_fields (&call, FALSE, &fields))
    return;

  db = srv_admin_db (&call);
  if (!srv_admin_begin (&call, &error) ||
      !srv_admin_query_text (db, &current, &error, "SELECT status FROM centre WHERE id = ?", "t", id))
    goto fail;

  if (current == NULL)
    {
      srv_admin_rollback (&call);
      srv_admin_refuse_not_found (&call, _("centre"), id);
      return;
    }

  if (g_str_equal (current, "DECOMMISSIONED"))
    {
      srv_admin_rollback (&call);
      srv_admin_call_refuse (&call, SOUP_STATUS_CONFLICT, SRV_ADMIN_CODE_CONFLICT,
                             _("This centre is decommissioned, which is final"));
      return;
    }

  if (g_strcmp0 (fields.status, "DECOMMISSIONED") == 0)
    {
      g_autofree char *machine = NULL;

      if (!srv_admin_query_text (db, &machine, &error,
                                 "SELECT id FROM machine WHERE centre_id = ? AND status = 'ACTIVE' LIMIT 1",
                                 "t", id))
        goto fail;

      if (machine != NULL)
        {
          g_autofree char *message = g_strdup_printf (_("The machine “%s” is still active at this centre: decommission or move the centre’s machines first"),
                                                      machine);

          srv_admin_rollback (&call);
          srv_admin_call_refuse (&call, SOUP_STATUS_CONFLICT, SRV_ADMIN_CODE_CONFLICT, message);
          return;
        }
    }

  if (!check_location (&call, fields.location_code, &ok, &error))
    goto fail;
  if (!ok)
    return;

  if (!srv_admin_next_version (&call, &version, &error) ||
      !srv_admin_exec (db, &error,
                       "UPDATE centre SET names = coalesce(?2, names), location_code = coalesce(?3, location_code),"
                       " time_zone = coalesce(?4, time_zone), address = coalesce(?5, address),"
                       " latitude = CASE WHEN ?6 THEN ?7 ELSE latitude END,"
                       " longitude = CASE WHEN ?8 THEN ?9 ELSE longitude END,"
                       " status = coalesce(?10, status), version = ?11 WHERE id = ?1",
                       "tttttirirti", id, fields.names, fields.location_code, fields.time_zone, fields.address,
                       (gint64) fields.has_latitude, fields.latitude, (gint64) fields.has_longitude, fields.longitude,
                       fields.status, version) ||
      !write_schedule (db, id, fields.days, fields.holidays, &error) ||
      !srv_admin_call_audit_success (&call, fields.status, &error) ||
      !srv_admin_commit (&call, &error))
    goto fail;

  respond_centre (&call, SOUP_STATUS_OK, id);
  return;

fail:
  srv_admin_rollback (&call);
  srv_admin_call_fail (&call, error);
}

void
srv_admin_centres_add_routes (SrvRouter *router,
                              SrvServer *server)
{
  srv_router_add (router, SOUP_METHOD_GET, "/v1/admin/centres", list_cb, server);
  srv_router_add (router, SOUP_METHOD_POST, "/v1/admin/centres", create_cb, server);
  srv_router_add (router, SOUP_METHOD_GET, "/v1/admin/centres/{id}", get_cb, server);
  srv_router_add (router, SOUP_METHOD_PUT, "/v1/admin/centres/{id}", update_cb, server);
}
