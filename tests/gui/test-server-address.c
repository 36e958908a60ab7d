/* test-server-address.c — the server address check every app's forms use
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include "idem-ui.h"

static void
test_accepted (void)
{
  static const struct {
    const char *typed;
    const char *canonical;
  } cases[] = {
    { "https://idem.example.org", "https://idem.example.org" },
    { "  https://idem.example.org/  ", "https://idem.example.org" },
    { "HTTPS://Idem.Example.ORG:8443/registration/", "https://idem.example.org:8443/registration" },
    { "https://127.0.0.1:4433", "https://127.0.0.1:4433" },
    { "https://[::1]:4433/", "https://[::1]:4433" },
    { "https://état-civil.example", "https://xn--tat-civil-93a.example" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *canonical = idem_server_address_normalize (cases[i].typed, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (canonical, ==, cases[i].canonical);
    }
}

static void
test_refused (void)
{
  static const struct {
    const char *typed;
    IdemServerAddressError code;
  } cases[] = {
    { "", IDEM_SERVER_ADDRESS_ERROR_EMPTY },
    { " \t ", IDEM_SERVER_ADDRESS_ERROR_EMPTY },
    { "idem.example.org", IDEM_SERVER_ADDRESS_ERROR_MALFORMED },
    { "idem.example.org:443", IDEM_SERVER_ADDRESS_ERROR_MALFORMED },
    { "https:/idem.example.org", IDEM_SERVER_ADDRESS_ERROR_MALFORMED },
    { "https://idem example.org", IDEM_SERVER_ADDRESS_ERROR_MALFORMED },
    { "https://idem_example.org", IDEM_SERVER_ADDRESS_ERROR_MALFORMED },
    { "https://.example.org", IDEM_SERVER_ADDRESS_ERROR_MALFORMED },
    { "http://idem.example.org", IDEM_SERVER_ADDRESS_ERROR_NOT_HTTPS },
    { "ftp://idem.example.org", IDEM_SERVER_ADDRESS_ERROR_NOT_HTTPS },
    { "https://", IDEM_SERVER_ADDRESS_ERROR_NO_HOST },
    { "https:///path", IDEM_SERVER_ADDRESS_ERROR_NO_HOST },
    { "https://user:secret@idem.example.org", IDEM_SERVER_ADDRESS_ERROR_EXTRA_PARTS },
    { "https://idem.example.org/?debug=1", IDEM_SERVER_ADDRESS_ERROR_EXTRA_PARTS },
    { "https://idem.example.org/#top", IDEM_SERVER_ADDRESS_ERROR_EXTRA_PARTS },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *canonical = idem_server_address_normalize (cases[i].typed, &error);

      g_test_message ("Refusing “%s”", cases[i].typed);
      g_assert_null (canonical);
      g_assert_error (error, IDEM_SERVER_ADDRESS_ERROR, (int) cases[i].code);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_cmpstr (error->message, !=, "");
    }
}

int
main (int   argc,
      char *argv[])
{
  idem_ui_i18n_init ();
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server-address/accepted", test_accepted);
  g_test_add_func ("/server-address/refused", test_refused);

  return g_test_run ();
}
