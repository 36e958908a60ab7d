/* server-test-util.c — data directories and an HTTPS client for the server tests
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include "server-test-util.h"

#include "srv-init.h"
#include "test-tls.h"

#include <glib/gstdio.h>
#include <sys/stat.h>

/* Under AddressSanitizer: LeakSanitizer misreads the dynamic TLS block of
 * threads that use a dlopen()ed module with thread-local storage (GnuTLS,
 * loaded by glib-networking for HTTPS), computes a bogus range and crashes
 * in its tracer at exit ("Tracer caught signal 11"), at random.  This is
 * google/sanitizers#1322, still in Debian 12's GCC 12 runtime.  Not tracking
 * dynamic TLS avoids it; leaks are still checked everywhere else.  The
 * sanitizer runtime calls this function; it is unused in other builds. */
const char *__asan_default_options (void);

G_GNUC_UNUSED const char *
__asan_default_options (void)
{
  return SRV_TEST_ASAN_OPTIONS;
}

/* One data directory made by srv_init_data_dir() per test program, copied
 * for each test that needs a fresh one: RSA-3072 key generation is the slow
 * part of init, and copying keeps every test independent. */
static char *template_tmp;
static char *template_dir;

char *
srv_test_make_tmp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *path = g_dir_make_tmp ("idem-server-test-XXXXXX", &error);

  g_assert_no_error (error);
  return path;
}

void
srv_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *entry;

  if (dir != NULL)
    {
      while ((entry = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, entry, NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            srv_test_remove_tree (child);
          else
            g_assert_no_errno (g_unlink (child));
        }
    }

  g_assert_no_errno (g_rmdir (path));
}

/* Copies files and directories with their modes: the tests check that the
 * server refuses a passphrase file others can read, so modes matter. */
void
srv_test_copy_tree (const char *source,
                    const char *destination)
{
  g_autoptr(GDir) dir = NULL;
  const char *entry;
  GStatBuf st;

  g_assert_no_errno (g_stat (source, &st));
  g_assert_no_errno (g_mkdir (destination, st.st_mode & 07777));

  dir = g_dir_open (source, 0, NULL);
  g_assert_nonnull (dir);

  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *from = g_build_filename (source, entry, NULL);
      g_autofree char *to = g_build_filename (destination, entry, NULL);

      if (g_file_test (from, G_FILE_TEST_IS_DIR))
        {
          srv_test_copy_tree (from, to);
        }
      else
        {
          g_autofree char *contents = NULL;
          gsize length = 0;

          g_assert_no_errno (g_stat (from, &st));
          g_assert_true (g_file_get_contents (from, &contents, &length, NULL));
          g_assert_true (g_file_set_contents_full (to, contents, length,
                                                   G_FILE_SET_CONTENTS_NONE,
                                                   st.st_mode & 07777, NULL));
        }
    }
}

const char *
srv_test_get_template_dir (void)
{
  if (template_dir == NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *data_dir = NULL;
      SrvConfig *config;

      template_tmp = srv_test_make_tmp_dir ();
      data_dir = g_build_filename (template_tmp, "data", NULL);
      config = srv_init_data_dir (data_dir, FALSE, &error);
      g_assert_no_error (error);
      g_assert_nonnull (config);
      srv_config_free (config);
      template_dir = g_steal_pointer (&data_dir);
    }

  return template_dir;
}

/**
 * srv_test_new_data_dir:
 * @tmp_dir: (out): the temporary directory holding it, for
 *   srv_test_remove_tree()
 *
 * Returns: a fresh copy of an initialized data directory
 */
char *
srv_test_new_data_dir (char **tmp_dir)
{
  const char *template = srv_test_get_template_dir ();
  char *data_dir;

  *tmp_dir = srv_test_make_tmp_dir ();
  data_dir = g_build_filename (*tmp_dir, "data", NULL);
  srv_test_copy_tree (template, data_dir);

  return data_dir;
}

void
srv_test_cleanup (void)
{
  if (template_tmp != NULL)
    srv_test_remove_tree (template_tmp);

  g_clear_pointer (&template_tmp, g_free);
  g_clear_pointer (&template_dir, g_free);
}

/**
 * srv_test_launcher_new:
 *
 * Returns: (transfer full): a launcher for idem-server processes, with
 *   stdout and stderr piped and the sanitizer workaround in their
 *   environment
 */
GSubprocessLauncher *
srv_test_launcher_new (void)
{
  GSubprocessLauncher *launcher;
  const char *asan_options = g_getenv ("ASAN_OPTIONS");
  g_autofree char *options = NULL;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  /* Options given later win: the environment's own come first. */
  if (asan_options != NULL && asan_options[0] != '\0')
    options = g_strconcat (asan_options, ":" SRV_TEST_ASAN_OPTIONS, NULL);
  else
    options = g_strdup (SRV_TEST_ASAN_OPTIONS);
  g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", options, TRUE);

  return launcher;
}

GTlsCertificate *
srv_test_load_certificate (const char *data_dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (data_dir, "tls", "server.crt", NULL);
  GTlsCertificate *certificate = g_tls_certificate_new_from_file (path, &error);

  g_assert_no_error (error);
  return certificate;
}

SoupSession *
srv_test_session_new (void)
{
  /* Keeps each connection from parsing the system's CA list, which these
   * clients never rely on; see test_tls_trust_nothing_by_default(). */
  test_tls_trust_nothing_by_default ();

  /* A short timeout so that a server that hangs fails the test instead of
   * stalling the suite. */
  return soup_session_new_with_options ("timeout", 10,
                                        "idle-timeout", 10,
                                        NULL);
}

static gboolean
accept_certificate_cb (SoupMessage          *msg,
                       GTlsCertificate      *peer,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  GTlsCertificate *pinned = user_data;

  /* Pinning: trust exactly the server's own certificate, nothing else. */
  return pinned != NULL && g_tls_certificate_is_same (peer, pinned);
}

typedef struct
{
  GBytes  *body;
  GError  *error;
  gboolean done;
} RequestState;

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  RequestState *state = user_data;

  state->body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &state->error);
  state->done = TRUE;
}

/**
 * srv_test_request:
 *
 * Sends one request and iterates the default main context until the answer
 * is in, so the same call works against a server in this process (which
 * needs the main context to run) and one in another process.
 *
 * Returns: (transfer full) (nullable): the response, with its body parsed
 *   as JSON when it is JSON
 */
SrvTestResponse *
srv_test_request (SoupSession      *session,
                  GTlsCertificate  *pinned,
                  const char       *method,
                  const char       *url,
                  GError          **error)
{
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(SrvTestResponse) response = g_new0 (SrvTestResponse, 1);
  RequestState state = { NULL, NULL, FALSE };
  const char *content_type;

  g_assert_nonnull (msg);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_certificate_cb), pinned);

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, send_cb, &state);
  while (!state.done)
    g_main_context_iteration (NULL, TRUE);

  if (state.error != NULL)
    {
      g_propagate_error (error, state.error);
      return NULL;
    }

  response->status = soup_message_get_status (msg);
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  response->body = state.body;

  content_type = soup_message_headers_get_content_type (response->headers, NULL);
  if (g_strcmp0 (content_type, "application/json") == 0 && g_bytes_get_size (response->body) > 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      gsize length = 0;
      const char *data = g_bytes_get_data (response->body, &length);

      if (!json_parser_load_from_data (parser, data, length, error))
        return NULL;
      response->json = json_node_ref (json_parser_get_root (parser));
    }

  return g_steal_pointer (&response);
}

void
srv_test_response_free (SrvTestResponse *response)
{
  if (response == NULL)
    return;

  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_clear_pointer (&response->body, g_bytes_unref);
  g_clear_pointer (&response->json, json_node_unref);
  g_free (response);
}

/**
 * srv_test_get_object:
 * @root: a JSON document
 * @path: member names separated by dots, such as "response.components.disk"
 *
 * Returns: (transfer none): the object at @path; the test fails when any step
 *   is missing or not an object
 */
JsonObject *
srv_test_get_object (JsonNode   *root,
                     const char *path)
{
  g_auto(GStrv) names = g_strsplit (path, ".", -1);
  JsonObject *object;

  g_assert_nonnull (root);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  object = json_node_get_object (root);

  for (guint i = 0; names[i] != NULL && names[i][0] != '\0'; i++)
    {
      JsonNode *member = json_object_get_member (object, names[i]);

      if (member == NULL || !JSON_NODE_HOLDS_OBJECT (member))
        g_error ("%s: no object member “%s”", path, names[i]);
      object = json_node_get_object (member);
    }

  return object;
}
