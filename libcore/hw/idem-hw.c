/* idem-hw.c — starting the hardware layer
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#define G_LOG_DOMAIN "idem-hw"

#include "config.h"

#include "idem-hw.h"

#include <gst/gst.h>

/**
 * idem_hw_init:
 * @argc: (inout) (nullable): the program's argument count
 * @argv: (inout) (nullable): the program's arguments
 *
 * Starts GStreamer.  Call it from `main()` before any thread exists: libfprint
 * reads its device environment (FP_DRIVERS_ALLOWLIST, FP_VIRTUAL_*) when its
 * context is first created, and GStreamer's initialisation is not thread-safe.
 */
void
idem_hw_init (int    *argc,
              char ***argv)
{
  gst_init (argc, argv);
}
