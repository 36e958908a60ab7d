/* reg-lockout.c — failed authentications in a row lock a user out
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Sign-in and a supervisor's signature on a decision count toward the
 * same lockout, whether a password or a finger failed: someone guessing
 * a supervisor's password at the review page must not get more tries
 * than at the sign-in page.  The failures are kept in the store, so a
 * restart does not reset them; the limits are the application settings
 * login-attempts and lockout-seconds.
 */

#define G_LOG_DOMAIN "reg-lockout"

#include "config.h"

#include "reg-lockout.h"

#include <glib/gi18n.h>

/**
 * reg_lockout_get_remaining:
 * @store: the workstation's store
 * @settings: the application settings
 * @user_id: who is trying
 *
 * Ends a lockout that has run its time.
 *
 * Returns: the seconds left of @user_id's lockout, or 0 when they may try
 */
gint64
reg_lockout_get_remaining (RegStore   *store,
                           GSettings  *settings,
                           const char *user_id)
{
  guint allowed;
  gint64 lockout;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 last = 0;
  guint failures;

  g_return_val_if_fail (REG_IS_STORE (store), 0);
  g_return_val_if_fail (G_IS_SETTINGS (settings), 0);
  g_return_val_if_fail (user_id != NULL, 0);

  allowed = (guint) g_settings_get_int (settings, "login-attempts");
  lockout = g_settings_get_int (settings, "lockout-seconds");
  failures = reg_store_get_login_failures (store, user_id, &last);
  if (failures < allowed)
    return 0;

  if (now - last >= lockout)
    {
      reg_store_clear_login_failures (store, user_id);
      return 0;
    }

  return lockout - (now - last);
}

/**
 * reg_lockout_record_failure:
 * @store: the workstation's store
 * @settings: the application settings
 * @user_id: who failed
 * @error: where a store failure is reported
 *
 * Counts one more failure for @user_id.
 *
 * Returns: the attempts left before the lockout (0 when it has begun), or
 *   %G_MAXUINT with @error set when the failure could not be recorded
 */
guint
reg_lockout_record_failure (RegStore    *store,
                            GSettings   *settings,
                            const char  *user_id,
                            GError     **error)
{
  guint allowed;
  guint failures;

  g_return_val_if_fail (REG_IS_STORE (store), G_MAXUINT);
  g_return_val_if_fail (G_IS_SETTINGS (settings), G_MAXUINT);
  g_return_val_if_fail (user_id != NULL, G_MAXUINT);
  g_return_val_if_fail (error == NULL || *error == NULL, G_MAXUINT);

  allowed = (guint) g_settings_get_int (settings, "login-attempts");
  failures = reg_store_add_login_failure (store, user_id, error);
  if (failures == 0)
    return G_MAXUINT;

  return failures >= allowed ? 0 : allowed - failures;
}

/**
 * reg_lockout_describe:
 * @seconds: how long the lockout still lasts
 *
 * Returns: (transfer full): what the user reads while locked out
 */
char *
reg_lockout_describe (gint64 seconds)
{
  guint minutes = (guint) ((MAX (seconds, 1) + 59) / 60);

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Too many sign-ins failed in a row. Try again in %u minute, or ask your supervisor.",
                                       "Too many sign-ins failed in a row. Try again in %u minutes, or ask your supervisor.",
                                       minutes),
                          minutes);
}
