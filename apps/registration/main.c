/* main.c — the registration client
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include "reg-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(RegApplication) app = NULL;

  idem_ui_i18n_init ();
  idem_hw_init (&argc, &argv);

  app = reg_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
