/* main.c — the admin console
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include "adm-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AdmApplication) app = NULL;

  idem_ui_i18n_init ();

  app = adm_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
