/* test-admin-util.h — a server in this process and JSON calls with a bearer token
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "server-test-util.h"

#include "srv-server.h"

G_BEGIN_DECLS

typedef struct
{
  char            *tmp_dir;
  char            *data_dir;
  SrvServer       *server;
  SoupSession     *session;
  GTlsCertificate *certificate;
  char            *url;
  char            *token;
} AdminFixture;

void             admin_fixture_set_up      (AdminFixture  *fixture,
                                            gconstpointer  user_data);
void             admin_fixture_tear_down   (AdminFixture  *fixture,
                                            gconstpointer  user_data);
void             admin_fixture_start       (AdminFixture  *fixture);
void             admin_fixture_start_admin (AdminFixture  *fixture);

SrvTestResponse *admin_call                (AdminFixture  *fixture,
                                            const char    *method,
                                            const char    *path,
                                            const char    *token,
                                            const char    *body);
SrvTestResponse *admin_call_bytes          (AdminFixture  *fixture,
                                            const char    *method,
                                            const char    *path,
                                            const char    *token,
                                            GBytes        *body);
const char      *admin_error_code          (SrvTestResponse *response);
JsonObject      *admin_response_object     (SrvTestResponse *response);
char            *admin_login               (AdminFixture  *fixture,
                                            const char    *user_id,
                                            const char    *password);
void             admin_add_user            (AdminFixture  *fixture,
                                            const char    *user_id,
                                            const char    *password,
                                            const char    *roles);

gint64           admin_query_int           (AdminFixture  *fixture,
                                            const char    *sql);
char            *admin_query_text          (AdminFixture  *fixture,
                                            const char    *sql);
void             admin_exec                (AdminFixture  *fixture,
                                            const char    *sql);
JsonObject      *admin_expect              (AdminFixture  *fixture,
                                            SrvTestResponse **out,
                                            const char    *method,
                                            const char    *path,
                                            const char    *body,
                                            guint          status);
void             admin_assert_refused      (AdminFixture  *fixture,
                                            const char    *method,
                                            const char    *path,
                                            const char    *body,
                                            guint          status,
                                            const char    *code,
                                            const char    *count_sql);
gint64           admin_sync_clock          (AdminFixture  *fixture);

G_END_DECLS
