/* srv-stage-validate.c — the first stage: is this the packet that was
 * declared, sealed and signed as it should be?
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Runs in a worker: decrypting and verifying a packet is the costliest
 * CPU work of the pipeline.  srv_pipeline_load_packet() does the
 * cryptography and the ID schema; this stage adds what only the server
 * knows: the supervisor's decision at sync time, and that the packet
 * says the same as its declaration (RID, process, centre, machine).
 */

#define G_LOG_DOMAIN "idem-pipeline"

#include "config.h"

#include "srv-pipeline-private.h"

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

  return srv_stage_set (job, SRV_STAGE_PASS, NULL, NULL);
}
