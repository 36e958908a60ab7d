/* srv-intake.h — RID sync, packet upload and registration status
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "srv-http.h"

G_BEGIN_DECLS

typedef struct _SrvServer SrvServer;

#define SRV_API_ID_INTAKE "idem.registration"

/* Stable error codes of intake */
#define SRV_ERROR_CODE_INTAKE_JSON         "IDM-INT-JSON"
#define SRV_ERROR_CODE_INTAKE_MISSING      "IDM-INT-MISSING"
#define SRV_ERROR_CODE_INTAKE_TYPE         "IDM-INT-TYPE"
#define SRV_ERROR_CODE_INTAKE_INVALID      "IDM-INT-INVALID"
#define SRV_ERROR_CODE_INTAKE_RID          "IDM-INT-RID"
#define SRV_ERROR_CODE_INTAKE_TOO_LARGE    "IDM-INT-TOO-LARGE"
#define SRV_ERROR_CODE_INTAKE_LENGTH       "IDM-INT-LENGTH"
#define SRV_ERROR_CODE_INTAKE_CONFLICT     "IDM-INT-CONFLICT"
#define SRV_ERROR_CODE_INTAKE_NOT_DECLARED "IDM-INT-NOT-DECLARED"
#define SRV_ERROR_CODE_INTAKE_MACHINE      "IDM-INT-MACHINE"
#define SRV_ERROR_CODE_INTAKE_SIZE         "IDM-INT-SIZE"
#define SRV_ERROR_CODE_INTAKE_HASH         "IDM-INT-HASH"
#define SRV_ERROR_CODE_INTAKE_NOT_FOUND    "IDM-INT-NOT-FOUND"
#define SRV_ERROR_CODE_INTAKE_INTERNAL     "IDM-INT-500"

/* Bodies of the JSON calls; a packet's limit is the pipeline setting. */
#define SRV_INTAKE_MAX_JSON_BYTES (1024 * 1024)
#define SRV_INTAKE_MAX_ENTRIES    1000

void srv_intake_add_routes (SrvRouter *router,
                            SrvServer *server);

G_END_DECLS
