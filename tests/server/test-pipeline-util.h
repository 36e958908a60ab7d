/* test-pipeline-util.h — a registration machine for the intake and
 * pipeline tests: registry rows, signed and encrypted packets, signed
 * requests
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "server-test-util.h"
#include "srv-server.h"

#include "idem.h"

G_BEGIN_DECLS

#define PIPELINE_TEST_CENTRE     "10001"
#define PIPELINE_TEST_MACHINE    "10077"
#define PIPELINE_TEST_OPERATOR   "110024"
#define PIPELINE_TEST_SUPERVISOR "110025"

/* Opens the test centre every hour of every day. */
#define PIPELINE_TEST_OPEN_ALL_WEEK \
  "WITH RECURSIVE day (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM day WHERE n < 7)" \
  " INSERT INTO centre_working_hours (centre_id, weekday, opens, closes)" \
  " SELECT '" PIPELINE_TEST_CENTRE "', n, '00:00', '24:00' FROM day"

typedef struct
{
  char            *tmp_dir;
  char            *data_dir;
  char            *url;
  SrvServer       *server;        /* NULL when the server is another process */
  SoupSession     *session;
  GTlsCertificate *certificate;
  EVP_PKEY        *machine_key;
  X509            *packet_certificate;
  IdemIdSchema    *schema;
  guint            sequence;
} PipelineTest;

typedef struct
{
  char   *rid;
  GBytes *sealed;
  char   *hash;
} TestPacket;

PipelineTest *pipeline_test_new          (const char    *conf_lines,
                                          gboolean       in_process);
void          pipeline_test_free         (PipelineTest  *test);
void          pipeline_test_cleanup      (void);
void          pipeline_test_set_url      (PipelineTest  *test,
                                          guint          port);
char         *pipeline_test_next_rid     (PipelineTest  *test);
TestPacket   *pipeline_test_make_packet  (PipelineTest  *test,
                                          const char    *process,
                                          const char    *name,
                                          const char    *date_of_birth,
                                          GBytes        *cbeff,
                                          const char    *uin);
void          test_packet_free           (TestPacket    *packet);
guint         pipeline_test_call         (PipelineTest  *test,
                                          const char    *method,
                                          const char    *path,
                                          GBytes        *body,
                                          gboolean       sign,
                                          const char    *token,
                                          JsonNode     **json,
                                          char         **code);
guint         pipeline_test_post         (PipelineTest  *test,
                                          const char    *path,
                                          GBytes        *body,
                                          JsonNode     **json,
                                          char         **code);
guint         pipeline_test_sync         (PipelineTest  *test,
                                          TestPacket    *packet,
                                          const char    *process,
                                          const char    *supervisor_status,
                                          char         **code);
guint         pipeline_test_upload       (PipelineTest  *test,
                                          TestPacket    *packet,
                                          char         **code);
char         *pipeline_test_get_state    (PipelineTest  *test,
                                          const char    *rid,
                                          char         **reason);
char         *pipeline_test_wait         (PipelineTest  *test,
                                          const char    *rid,
                                          const char    *until_not,
                                          char         **reason);
char         *pipeline_test_admin_token  (PipelineTest  *test,
                                          const char    *role);
gint64        pipeline_test_count        (PipelineTest  *test,
                                          const char    *sql);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestPacket, test_packet_free)

G_END_DECLS
