/* srv-pipeline.h — the processing pipeline: packets in, identities out
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _SrvServer SrvServer;

#define SRV_PIPELINE_ERROR (srv_pipeline_error_quark ())

/**
 * SrvPipelineError:
 * @SRV_PIPELINE_ERROR_NOT_FOUND: no packet has that RID
 * @SRV_PIPELINE_ERROR_WRONG_STATE: the packet is not in a state that
 *   allows the operation (resuming a packet that is not paused, deciding
 *   a packet that waits for no decision, …)
 * @SRV_PIPELINE_ERROR_DATABASE: the database failed
 * @SRV_PIPELINE_ERROR_STOPPING: the pipeline is stopping
 * @SRV_PIPELINE_ERROR_INVALID_ARGUMENT: a malformed reason code or decision
 *
 * Stable error codes of %SRV_PIPELINE_ERROR: values are never renumbered.
 */
typedef enum
{
  SRV_PIPELINE_ERROR_NOT_FOUND = 1,
  SRV_PIPELINE_ERROR_WRONG_STATE = 2,
  SRV_PIPELINE_ERROR_DATABASE = 3,
  SRV_PIPELINE_ERROR_STOPPING = 4,
  SRV_PIPELINE_ERROR_INVALID_ARGUMENT = 5,
} SrvPipelineError;

/**
 * SrvPipelineSettings:
 * @workers: worker threads
 * @biometric_matching: whether NEW packets go through the ABIS (the
 *   benchmark turns it off to measure the rest)
 * @demo_threshold: demographic candidates at or above this score (0–1)
 *   are suspected duplicates
 * @bio_threshold: ABIS candidates at or above this fused score (0–100)
 *   are suspected duplicates
 * @retry_base_seconds: the first backoff of a transient failure; each
 *   retry doubles it
 * @max_attempts: transient failures after which a packet is FAILED
 * @max_packet_size: the largest packet intake accepts, in bytes
 *
 * The `[pipeline]` group of idem.conf; every key is optional.
 */
typedef struct
{
  guint    workers;
  gboolean biometric_matching;
  double   demo_threshold;
  double   bio_threshold;
  guint    retry_base_seconds;
  guint    max_attempts;
  guint64  max_packet_size;
} SrvPipelineSettings;

#define SRV_TYPE_PIPELINE (srv_pipeline_get_type ())

G_DECLARE_FINAL_TYPE (SrvPipeline, srv_pipeline, SRV, PIPELINE, GObject)

GQuark                     srv_pipeline_error_quark     (void);
void                       srv_pipeline_settings_load   (SrvPipelineSettings        *settings,
                                                         const char                 *data_dir);
SrvPipeline               *srv_pipeline_new             (SrvServer                  *server,
                                                         const SrvPipelineSettings  *settings);
const SrvPipelineSettings *srv_pipeline_get_settings    (SrvPipeline                *self);
const char                *srv_pipeline_get_packet_dir  (SrvPipeline                *self);
gboolean                   srv_pipeline_start           (SrvPipeline                *self,
                                                         GError                    **error);
void                       srv_pipeline_stop            (SrvPipeline                *self);
void                       srv_pipeline_wake            (SrvPipeline                *self);
gboolean                   srv_pipeline_pause           (SrvPipeline                *self,
                                                         const char                 *rid,
                                                         GError                    **error);
gboolean                   srv_pipeline_resume          (SrvPipeline                *self,
                                                         const char                 *rid,
                                                         GError                    **error);
gboolean                   srv_pipeline_reprocess       (SrvPipeline                *self,
                                                         const char                 *rid,
                                                         GError                    **error);
gboolean                   srv_pipeline_reject          (SrvPipeline                *self,
                                                         const char                 *rid,
                                                         const char                 *reason_code,
                                                         const char                 *actor,
                                                         GError                    **error);
gboolean                   srv_pipeline_decide          (SrvPipeline                *self,
                                                         const char                 *rid,
                                                         gboolean                    duplicate,
                                                         const char                 *actor,
                                                         GError                    **error);
const char                *srv_pipeline_external_status (const char                 *state,
                                                         const char                 *stage,
                                                         const char                 *registration_type);

G_END_DECLS
