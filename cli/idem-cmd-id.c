/* idem-cmd-id.c — idem uin|vid|prid|rid: checking and making identifiers
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "idem-cli"

#include "config.h"

#include "idem-cli.h"

#include <idem.h>
#include <glib/gi18n.h>
#include <string.h>

/* A pool of a million takes about 25 MB while it is drawn.  Values are only
 * distinct within one run: larger pools belong to a program that keeps the
 * numbers already issued. */
#define MAX_GENERATE_COUNT 1000000

static gboolean list_all_rules;
static char *generate_count;
static char *expected_centre;
static char *expected_machine;

static const GOptionEntry validate_options[] = {
  { "all", 'a', 0, G_OPTION_ARG_NONE, &list_all_rules, N_("List every rule a value breaks, not only the first"), NULL },
  { NULL }
};

static const GOptionEntry generate_options[] = {
  { "count", 'n', 0, G_OPTION_ARG_STRING, &generate_count, N_("How many distinct values to draw (default 1)"), N_("COUNT") },
  { NULL }
};

static const GOptionEntry rid_options[] = {
  { "centre", 'c', 0, G_OPTION_ARG_STRING, &expected_centre, N_("The registration centre the RID must come from"), N_("ID") },
  { "machine", 'm', 0, G_OPTION_ARG_STRING, &expected_machine, N_("The registration machine the RID must come from"), N_("ID") },
  { NULL }
};

static void
print_rules (guint broken)
{
  for (IdemIdError code = 0; idem_id_error_get_rule_name (code) != NULL; code++)
    {
      if (broken & IDEM_ID_RULE (code))
        g_print ("  - %s (%s)\n", idem_id_error_describe (code), idem_id_error_get_rule_name (code));
    }
}

/* @kind is the identifier's name as users know it: UIN, VID, PRID. */
static IdemCliExit
validate_all (char               **args,
              const char          *kind,
              const IdemIdPolicy  *policy)
{
  IdemCliExit status = IDEM_CLI_EXIT_OK;

  for (guint i = 0; args[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      guint broken;

      broken = idem_id_policy_check (policy, args[i], &error);
      if (broken == 0)
        {
          /* TRANSLATORS: "2013023805: valid UIN" */
          g_print (_("%s: valid %s\n"), args[i], kind);
          continue;
        }

      /* TRANSLATORS: "2013023800: invalid UIN: The check digit is wrong…" */
      g_print (_("%s: invalid %s: %s\n"), args[i], kind, error->message);
      if (list_all_rules)
        print_rules (broken);
      status = IDEM_CLI_EXIT_INVALID;
    }

  return status;
}

static gboolean
parse_count (guint *count)
{
  guint64 value = 1;
  g_autoptr(GError) error = NULL;

  if (generate_count != NULL
      && !g_ascii_string_to_unsigned (generate_count, 10, 1, MAX_GENERATE_COUNT, &value, &error))
    {
      idem_cli_usage_error (_("--count must be a number from 1 to %u, not “%s”."),
                            MAX_GENERATE_COUNT, generate_count);
      return FALSE;
    }

  *count = (guint) value;
  return TRUE;
}

static IdemCliExit
generate_all (const IdemIdPolicy *policy)
{
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;
  guint count;

  if (!parse_count (&count))
    return IDEM_CLI_EXIT_USAGE;

  ids = idem_id_policy_generate_batch (policy, count, &error);
  if (ids == NULL)
    {
      g_printerr ("idem: %s\n", error->message);
      return IDEM_CLI_EXIT_INVALID;
    }

  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *id = idem_id_policy_format (policy, g_array_index (ids, guint64, i));

      g_print ("%s\n", id);
    }

  return IDEM_CLI_EXIT_OK;
}

static IdemCliExit
uin_validate (char **args)
{
  IdemUinPolicy policy;

  idem_uin_policy_init_validation (&policy);
  return validate_all (args, "UIN", &policy);
}

static IdemCliExit
uin_generate (char **args)
{
  IdemUinPolicy policy;

  idem_uin_policy_init_generation (&policy);
  return generate_all (&policy);
}

static IdemCliExit
vid_validate (char **args)
{
  IdemVidPolicy policy;

  idem_vid_policy_init_validation (&policy);
  return validate_all (args, "VID", &policy);
}

static IdemCliExit
vid_generate (char **args)
{
  IdemVidPolicy policy;

  idem_vid_policy_init_generation (&policy);
  return generate_all (&policy);
}

static IdemCliExit
prid_validate (char **args)
{
  IdemIdPolicy policy;

  idem_prid_policy_init (&policy);
  return validate_all (args, "PRID", &policy);
}

static IdemCliExit
prid_generate (char **args)
{
  IdemIdPolicy policy;

  idem_prid_policy_init (&policy);
  return generate_all (&policy);
}

static gboolean
is_five_digits (const char *text)
{
  return strlen (text) == 5 && strspn (text, "0123456789") == 5;
}

static IdemCliExit
rid_validate (char **args)
{
  IdemCliExit status = IDEM_CLI_EXIT_OK;

  if (expected_centre != NULL && !is_five_digits (expected_centre))
    return idem_cli_usage_error (_("--centre must be 5 digits, not “%s”."), expected_centre);
  if (expected_machine != NULL && !is_five_digits (expected_machine))
    return idem_cli_usage_error (_("--machine must be 5 digits, not “%s”."), expected_machine);

  for (guint i = 0; args[i] != NULL; i++)
    {
      const char *rid = args[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(GDateTime) timestamp = NULL;
      g_autofree char *when = NULL;

      if (!idem_rid_validate (rid, expected_centre, expected_machine, &error))
        {
          g_print (_("%s: invalid RID: %s\n"), rid, error->message);
          status = IDEM_CLI_EXIT_INVALID;
          continue;
        }

      timestamp = idem_rid_get_timestamp (rid, NULL);
      when = g_date_time_format (timestamp, "%Y-%m-%d %H:%M:%S");
      /* TRANSLATORS: the parts of a registration ID, then its date and time */
      g_print (_("%s: valid RID (centre %.5s, machine %.5s, sequence %.5s, %s UTC)\n"),
               rid, rid, rid + IDEM_RID_CENTRE_LENGTH,
               rid + IDEM_RID_CENTRE_LENGTH + IDEM_RID_MACHINE_LENGTH, when);
    }

  return status;
}

static const IdemCliCommand uin_commands[] = {
  { "validate", N_("NUMBER…"), N_("Check UINs against MOSIP's validation rules"), validate_options, 1, G_MAXUINT, uin_validate },
  { "generate", NULL, N_("Draw distinct new UINs from a secure random source"), generate_options, 0, 0, uin_generate },
  { NULL }
};

static const IdemCliCommand vid_commands[] = {
  { "validate", N_("NUMBER…"), N_("Check VIDs against MOSIP's validation rules"), validate_options, 1, G_MAXUINT, vid_validate },
  { "generate", NULL, N_("Draw distinct new VIDs from a secure random source"), generate_options, 0, 0, vid_generate },
  { NULL }
};

static const IdemCliCommand prid_commands[] = {
  { "validate", N_("NUMBER…"), N_("Check pre-registration IDs against MOSIP's rules"), validate_options, 1, G_MAXUINT, prid_validate },
  { "generate", NULL, N_("Draw distinct new pre-registration IDs"), generate_options, 0, 0, prid_generate },
  { NULL }
};

static const IdemCliCommand rid_commands[] = {
  { "validate", N_("RID…"), N_("Check registration IDs: structure, centre, machine, date and time"), rid_options, 1, G_MAXUINT, rid_validate },
  { NULL }
};

const IdemCliGroup idem_cli_group_uin = {
  "uin", N_("Unique Identification Numbers: 10 digits ending with a Verhoeff check digit."), uin_commands,
};

const IdemCliGroup idem_cli_group_vid = {
  "vid", N_("Virtual IDs: 16 digits that stand in for a UIN."), vid_commands,
};

const IdemCliGroup idem_cli_group_prid = {
  "prid", N_("Pre-registration IDs: 14 digits naming an application made online."), prid_commands,
};

const IdemCliGroup idem_cli_group_rid = {
  "rid", N_("Registration IDs: centre, machine, sequence number and UTC timestamp of a registration."), rid_commands,
};
