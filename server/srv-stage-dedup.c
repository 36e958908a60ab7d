/* srv-stage-dedup.c — is this resident already known?  And, for updates
 * and lost UINs, which resident is it?
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Demographic de-duplication runs on the main context (the index is in
 * the database) and only gathers candidates.  The biometric stages run in
 * a worker, since matching is the slowest work there is.  A new packet
 * is filed in the ABIS under its RID before the identification, as
 * MOSIP's ABIS API wants; the insert is idempotent and identify never
 * returns the probe itself, so running the stage twice changes nothing.
 *
 * A biometric match means a suspected duplicate and goes to a person
 * (ADJUDICATION) with every candidate.  Demographic candidates alone are
 * settled by the biometrics when there are any: the same name and date of
 * birth with different fingers are two people.  Without biometrics (an
 * infant), demographic candidates go to a person too.
 */

#define G_LOG_DOMAIN "idem-pipeline"

#include "config.h"

#include "srv-pipeline-private.h"
#include "srv-abis.h"
#include "srv-demo-dedup.h"
#include "srv-uin-pool.h"

#define MAX_CANDIDATES 10

static void
add_candidate (SrvPacketJob *job,
               const char   *kind,
               const char   *reference_id,
               double        score)
{
  JsonObject *candidate = json_object_new ();

  if (job->candidates == NULL)
    job->candidates = json_array_new ();
  json_object_set_string_member (candidate, "kind", kind);
  json_object_set_string_member (candidate, "referenceId", reference_id);
  json_object_set_double_member (candidate, "score", score);
  json_array_add_object_element (job->candidates, candidate);
}

static gboolean
find_demo_candidates_main (SrvPipeline  *self,
                           gpointer      data,
                           GError      **error)
{
  SrvPacketJob *job = data;
  SrvDemoDedup *dedup = srv_server_get_demo_dedup (srv_pipeline_get_server (self));
  g_autoptr(GPtrArray) candidates = NULL;

  if (job->candidates == NULL)
    job->candidates = json_array_new ();
  if (dedup == NULL)
    return TRUE;

  candidates = srv_demo_dedup_find (dedup, job->identity, srv_pipeline_get_settings (self)->demo_threshold, error);
  if (candidates == NULL)
    return FALSE;
  for (guint i = 0; i < candidates->len && i < MAX_CANDIDATES; i++)
    {
      SrvDemoCandidate *candidate = g_ptr_array_index (candidates, i);

      if (g_strcmp0 (candidate->reference_id, job->rid) != 0)
        add_candidate (job, "demographic", candidate->reference_id, candidate->score);
    }
  return TRUE;
}

SrvStageVerdict
srv_stage_demo_dedup (SrvPipeline  *self,
                      SrvPacketJob *job)
{
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&job->candidates, json_array_unref);
  if (!find_demo_candidates_main (self, job, &error))
    return srv_stage_set (job, SRV_STAGE_RETRY, SRV_REASON_INTERNAL, "%s", error->message);

  return srv_stage_set (job, SRV_STAGE_PASS, NULL, "%u candidate(s)", json_array_get_length (job->candidates));
}

static SrvStageVerdict
abis_failed (SrvPacketJob *job,
             GError       *error)
{
  if (g_error_matches (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_BAD_BIOMETRICS))
    return srv_stage_set (job, SRV_STAGE_REREGISTER, SRV_REASON_BAD_BIOMETRICS, "%s", error->message);
  return srv_stage_set (job, SRV_STAGE_RETRY, SRV_REASON_INTERNAL, "ABIS: %s", error->message);
}

static SrvAbis *
get_abis (SrvPipeline *self)
{
  return srv_server_get_abis (srv_pipeline_get_server (self));
}

SrvStageVerdict
srv_stage_bio_dedup (SrvPipeline  *self,
                     SrvPacketJob *job)
{
  g_autoptr(GPtrArray) matches = NULL;
  g_autoptr(GError) error = NULL;
  SrvAbis *abis = get_abis (self);
  guint n_demographic;

  /* After a restart the demographic stage's candidates are gone from
   * memory: ask the index again; it only reads. */
  if (job->candidates == NULL && !srv_pipeline_call_main (self, find_demo_candidates_main, job, &error))
    return srv_stage_set (job, SRV_STAGE_RETRY, SRV_REASON_INTERNAL, "%s", error->message);
  n_demographic = json_array_get_length (job->candidates);

  if (job->biometrics == NULL)
    {
      if (n_demographic > 0)
        return srv_stage_set (job, SRV_STAGE_ADJUDICATE, SRV_REASON_DUPLICATE,
                              "no biometrics, %u demographic candidate(s)", n_demographic);
      return srv_stage_set (job, SRV_STAGE_PASS, NULL, "no biometrics");
    }

  if (!srv_pipeline_get_settings (self)->biometric_matching)
    return srv_stage_set (job, SRV_STAGE_PASS, NULL, "biometric matching is off");

  if (abis == NULL)
    return srv_stage_set (job, SRV_STAGE_RETRY, SRV_REASON_INTERNAL, "no ABIS is configured");

  if (!srv_abis_insert (abis, job->rid, job->biometrics, &error))
    return abis_failed (job, error);
  matches = srv_abis_identify (abis, job->rid, NULL, NULL, MAX_CANDIDATES,
                               srv_pipeline_get_settings (self)->bio_threshold, &error);
  if (matches == NULL)
    return abis_failed (job, error);

  for (guint i = 0; i < matches->len; i++)
    {
      SrvAbisCandidate *candidate = g_ptr_array_index (matches, i);

      add_candidate (job, "biometric", candidate->reference_id, candidate->score);
    }

  if (matches->len > 0)
    return srv_stage_set (job, SRV_STAGE_ADJUDICATE, SRV_REASON_DUPLICATE,
                          "%u biometric and %u demographic candidate(s)", matches->len, n_demographic);

  return srv_stage_set (job, SRV_STAGE_PASS, NULL, "no biometric match; %u demographic candidate(s) set aside",
                        n_demographic);
}

typedef struct
{
  SrvPacketJob *job;
  char         *reference;
} ReferenceCall;

static gboolean
find_reference_main (SrvPipeline  *self,
                     gpointer      data,
                     GError      **error)
{
  ReferenceCall *call = data;
  SrvServer *server = srv_pipeline_get_server (self);
  g_autofree char *status = NULL;
  g_autofree char *identity = NULL;

  identity = srv_idrepo_lookup_uin (srv_server_get_idrepo (server), call->job->uin, &status, NULL);
  if (identity == NULL)
    return TRUE;
  call->reference = srv_uin_pool_lookup_rid (srv_server_get_uin_pool (server), call->job->uin, error);
  return call->reference != NULL || error == NULL || *error == NULL;
}

SrvStageVerdict
srv_stage_bio_verify (SrvPipeline  *self,
                      SrvPacketJob *job)
{
  g_autoptr(GPtrArray) matches = NULL;
  g_autoptr(GError) error = NULL;
  ReferenceCall call = { job, NULL };
  g_autofree char *reference = NULL;
  SrvAbis *abis = get_abis (self);
  const char *gallery[2] = { NULL, NULL };

  g_free (job->uin);
  job->uin = g_strdup (json_object_get_string_member_with_default (job->identity, "UIN", NULL));
  if (job->uin == NULL)
    return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_UIN_NOT_FOUND, "the update names no UIN");

  if (!srv_pipeline_call_main (self, find_reference_main, &call, &error))
    return srv_stage_set (job, SRV_STAGE_RETRY, SRV_REASON_INTERNAL, "%s", error->message);
  reference = call.reference;
  if (reference == NULL)
    return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_UIN_NOT_FOUND, "no identity has that UIN");

  if (job->biometrics == NULL)
    return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_NO_BIOMETRICS,
                          "an update needs the resident's biometrics");
  if (abis == NULL)
    return srv_stage_set (job, SRV_STAGE_RETRY, SRV_REASON_INTERNAL, "no ABIS is configured");

  /* 1:1 — a gallery of one: the reference filed when the UIN was issued. */
  gallery[0] = reference;
  matches = srv_abis_identify (abis, NULL, job->biometrics, gallery, 1,
                               srv_pipeline_get_settings (self)->bio_threshold, &error);
  if (matches == NULL)
    return abis_failed (job, error);
  if (matches->len == 0)
    return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_BIOMETRIC_MISMATCH,
                          "the biometrics do not match the identity's");

  return srv_stage_set (job, SRV_STAGE_PASS, NULL, "biometrics match, score %.0f",
                        ((SrvAbisCandidate *) g_ptr_array_index (matches, 0))->score);
}

SrvStageVerdict
srv_stage_bio_search (SrvPipeline  *self,
                      SrvPacketJob *job)
{
  g_autoptr(GPtrArray) matches = NULL;
  g_autoptr(GError) error = NULL;
  SrvAbis *abis = get_abis (self);
  SrvAbisCandidate *best;

  if (job->biometrics == NULL)
    return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_NO_BIOMETRICS,
                          "finding a lost UIN needs the resident's biometrics");
  if (abis == NULL)
    return srv_stage_set (job, SRV_STAGE_RETRY, SRV_REASON_INTERNAL, "no ABIS is configured");

  matches = srv_abis_identify (abis, NULL, job->biometrics, NULL, 2,
                               srv_pipeline_get_settings (self)->bio_threshold, &error);
  if (matches == NULL)
    return abis_failed (job, error);
  if (matches->len == 0)
    return srv_stage_set (job, SRV_STAGE_REJECT, SRV_REASON_UIN_NOT_FOUND, "no one enrolled has these biometrics");

  best = g_ptr_array_index (matches, 0);
  g_clear_pointer (&job->candidates, json_array_unref);
  add_candidate (job, "biometric", best->reference_id, best->score);
  return srv_stage_set (job, SRV_STAGE_PASS, NULL, "found %s, score %.0f", best->reference_id, best->score);
}
