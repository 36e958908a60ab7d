/* srv-pipeline-private.h — what the pipeline engine and its stages share
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "srv-pipeline.h"
#include "srv-server.h"

#include "idem.h"

G_BEGIN_DECLS

/* Stable reason codes a packet ends with; clients translate them. */
#define SRV_REASON_PACKET_UNREADABLE      "IDM-PIP-001"
#define SRV_REASON_SIGNATURE              "IDM-PIP-002"
#define SRV_REASON_HASH                   "IDM-PIP-003"
#define SRV_REASON_SCHEMA                 "IDM-PIP-004"
#define SRV_REASON_PACKET_MISMATCH        "IDM-PIP-005"
#define SRV_REASON_SUPERVISOR_REJECTED    "IDM-PIP-006"
#define SRV_REASON_DOCUMENT_MISSING       "IDM-PIP-007"
#define SRV_REASON_DOCUMENT_INVALID       "IDM-PIP-008"
#define SRV_REASON_CENTRE                 "IDM-PIP-010"
#define SRV_REASON_MACHINE                "IDM-PIP-011"
#define SRV_REASON_DEVICE                 "IDM-PIP-012"
#define SRV_REASON_WORKING_HOURS          "IDM-PIP-013"
#define SRV_REASON_HOLIDAY                "IDM-PIP-014"
#define SRV_REASON_DEVICE_UNKNOWN         "IDM-PIP-015"
#define SRV_REASON_DEVICE_UNMAPPED        "IDM-PIP-016"
#define SRV_REASON_OPERATOR               "IDM-PIP-020"
#define SRV_REASON_SUPERVISOR             "IDM-PIP-021"
#define SRV_REASON_DATE_OF_BIRTH          "IDM-PIP-030"
#define SRV_REASON_INTRODUCER             "IDM-PIP-031"
#define SRV_REASON_NO_BIOMETRICS          "IDM-PIP-032"
#define SRV_REASON_DUPLICATE              "IDM-PIP-040"
#define SRV_REASON_BIOMETRIC_MISMATCH     "IDM-PIP-041"
#define SRV_REASON_UIN_NOT_FOUND          "IDM-PIP-042"
#define SRV_REASON_BAD_BIOMETRICS         "IDM-PIP-043"
#define SRV_REASON_TOO_MANY_ATTEMPTS      "IDM-PIP-050"
#define SRV_REASON_INTERNAL               "IDM-PIP-051"
#define SRV_REASON_REJECTED_BY_ADMIN      "IDM-PIP-060"

/**
 * SrvStageVerdict:
 * @SRV_STAGE_PASS: go on to the next stage
 * @SRV_STAGE_REJECT: the packet is refused for good (REJECTED)
 * @SRV_STAGE_REREGISTER: the resident must register again (REREGISTER)
 * @SRV_STAGE_RETRY: a transient failure; try again after a backoff
 * @SRV_STAGE_ADJUDICATE: a suspected duplicate; wait for a person
 * @SRV_STAGE_FAIL: the server cannot process it (FAILED)
 * @SRV_STAGE_DONE: the last stage succeeded (PROCESSED)
 */
typedef enum
{
  SRV_STAGE_PASS,
  SRV_STAGE_REJECT,
  SRV_STAGE_REREGISTER,
  SRV_STAGE_RETRY,
  SRV_STAGE_ADJUDICATE,
  SRV_STAGE_FAIL,
  SRV_STAGE_DONE,
} SrvStageVerdict;

/* Everything known about the packet being processed.  Stages fill it in;
 * nothing in it outlives the packet's turn in a worker. */
typedef struct
{
  char             *rid;
  char             *machine_id;
  char             *centre_id;
  char             *registration_type;
  char             *declared_hash;
  char             *supervisor_status;
  char             *state;
  char             *stage;
  gint64            declared_size;
  gint64            attempts;

  IdemPacketReader *reader;
  IdemIdSchema     *schema;
  JsonObject       *identity;       /* owned by reader */
  GDateTime        *created;        /* UTC */
  char             *officer_id;
  char             *supervisor_id;
  JsonObject       *meta_info;      /* owned by reader */
  GBytes           *biometrics;     /* individualBiometrics CBEFF, or NULL */
  char             *age_group;
  char             *uin;            /* UPDATE, LOST: the identity concerned */
  JsonArray        *candidates;     /* suspected duplicates */

  /* The outcome of the stage just run */
  SrvStageVerdict   verdict;
  char             *reason;
  char             *detail;
} SrvPacketJob;

typedef SrvStageVerdict (*SrvStageFunc) (SrvPipeline  *self,
                                         SrvPacketJob *job);

/**
 * SrvStage:
 * @name: the stage's name in packet.stage and packet_history
 * @on_main: whether it runs on the thread that owns the database, inside
 *   the transaction that records its outcome (checks that only read and
 *   write the database); otherwise in a worker (CPU or external calls)
 * @run: the stage
 */
typedef struct
{
  const char   *name;
  gboolean      on_main;
  SrvStageFunc  run;
} SrvStage;

typedef gboolean (*SrvMainFunc) (SrvPipeline  *self,
                                 gpointer      data,
                                 GError      **error);

gboolean         srv_pipeline_call_main     (SrvPipeline      *self,
                                             SrvMainFunc       func,
                                             gpointer          data,
                                             GError          **error);
SrvServer       *srv_pipeline_get_server    (SrvPipeline      *self);
sqlite3         *srv_pipeline_get_db        (SrvPipeline      *self);
SrvStageVerdict  srv_stage_set              (SrvPacketJob     *job,
                                             SrvStageVerdict   verdict,
                                             const char       *reason,
                                             const char       *format,
                                             ...) G_GNUC_PRINTF (4, 5);
const char      *srv_packet_job_get_label   (SrvPacketJob     *job,
                                             const char       *list,
                                             const char       *label);
gboolean         srv_pipeline_load_packet   (SrvPipeline      *self,
                                             SrvPacketJob     *job);
const char      *srv_schema_first_violation (IdemIdSchema     *schema,
                                             JsonObject       *identity,
                                             gboolean          partial);
const char      *srv_age_group_at           (const char       *date_of_birth,
                                             GDateTime        *when);
SrvStageVerdict  srv_stage_validate         (SrvPipeline      *self,
                                             SrvPacketJob     *job);
SrvStageVerdict  srv_stage_centre           (SrvPipeline      *self,
                                             SrvPacketJob     *job);
SrvStageVerdict  srv_stage_operator         (SrvPipeline      *self,
                                             SrvPacketJob     *job);
SrvStageVerdict  srv_stage_classify         (SrvPipeline      *self,
                                             SrvPacketJob     *job);
SrvStageVerdict  srv_stage_demo_dedup       (SrvPipeline      *self,
                                             SrvPacketJob     *job);
SrvStageVerdict  srv_stage_bio_dedup        (SrvPipeline      *self,
                                             SrvPacketJob     *job);
SrvStageVerdict  srv_stage_bio_verify       (SrvPipeline      *self,
                                             SrvPacketJob     *job);
SrvStageVerdict  srv_stage_bio_search       (SrvPipeline      *self,
                                             SrvPacketJob     *job);
SrvStageVerdict  srv_stage_issue_uin        (SrvPipeline      *self,
                                             SrvPacketJob     *job);
SrvStageVerdict  srv_stage_update_identity  (SrvPipeline      *self,
                                             SrvPacketJob     *job);
SrvStageVerdict  srv_stage_report_lost      (SrvPipeline      *self,
                                             SrvPacketJob     *job);

G_END_DECLS
