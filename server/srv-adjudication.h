/* srv-adjudication.h — the administrators' hold on the pipeline: pause,
 * resume, reprocess, reject, and the queue of suspected duplicates
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "srv-http.h"

G_BEGIN_DECLS

typedef struct _SrvServer SrvServer;

#define SRV_API_ID_PIPELINE "idem.pipeline"

/* Stable error codes of the pipeline administration calls */
#define SRV_ERROR_CODE_PIPELINE_JSON      "IDM-PIP-JSON"
#define SRV_ERROR_CODE_PIPELINE_INVALID   "IDM-PIP-INVALID"
#define SRV_ERROR_CODE_PIPELINE_NOT_FOUND "IDM-PIP-NOT-FOUND"
#define SRV_ERROR_CODE_PIPELINE_STATE     "IDM-PIP-STATE"
#define SRV_ERROR_CODE_PIPELINE_TOO_LARGE "IDM-PIP-TOO-LARGE"
#define SRV_ERROR_CODE_PIPELINE_INTERNAL  "IDM-PIP-500"

#define SRV_ADJUDICATION_MAX_BODY_BYTES (16 * 1024)

void srv_adjudication_add_routes (SrvRouter *router,
                                  SrvServer *server);

G_END_DECLS
