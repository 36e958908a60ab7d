/* server-test-util.h — data directories and an HTTPS client for the server tests
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* See __asan_default_options() in server-test-util.c; child processes get
 * the same through their environment. */
#define SRV_TEST_ASAN_OPTIONS "intercept_tls_get_addr=0"

typedef struct
{
  guint               status;
  SoupMessageHeaders *headers;
  GBytes             *body;
  JsonNode           *json;
} SrvTestResponse;

char            *srv_test_make_tmp_dir     (void);
void             srv_test_remove_tree      (const char       *path);
void             srv_test_copy_tree        (const char       *source,
                                            const char       *destination);
const char      *srv_test_get_template_dir (void);
char            *srv_test_new_data_dir     (char            **tmp_dir);
void             srv_test_cleanup          (void);
GSubprocessLauncher *srv_test_launcher_new (void);

GTlsCertificate *srv_test_load_certificate (const char       *data_dir);
SoupSession     *srv_test_session_new      (void);
SrvTestResponse *srv_test_request          (SoupSession      *session,
                                            GTlsCertificate  *pinned,
                                            const char       *method,
                                            const char       *url,
                                            GError          **error);
void             srv_test_response_free    (SrvTestResponse  *response);

JsonObject      *srv_test_get_object       (JsonNode         *root,
                                            const char       *path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrvTestResponse, srv_test_response_free)

G_END_DECLS
