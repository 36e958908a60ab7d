/* main.c — the resident kiosk
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include "kiosk-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(KioskApplication) app = NULL;

  idem_ui_i18n_init ();
  idem_hw_init (&argc, &argv);

  app = kiosk_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
