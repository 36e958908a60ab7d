/* srv-abis-api.h — MOSIP's ABIS API over HTTP, at /v1/abis/
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "srv-abis.h"
#include "srv-http.h"

G_BEGIN_DECLS

/* Declared here too so this header stands alone; srv-server.h has it. */
typedef struct _SrvServer SrvServer;

#define SRV_ABIS_API_INSERT          "mosip.abis.insert"
#define SRV_ABIS_API_IDENTIFY        "mosip.abis.identify"
#define SRV_ABIS_API_DELETE          "mosip.abis.delete"
#define SRV_ABIS_API_PING            "mosip.abis.ping"
#define SRV_ABIS_API_PENDING_JOBS    "mosip.abis.pendingJobs"
#define SRV_ABIS_API_REFERENCE_COUNT "mosip.abis.referenceCount"

/* Stable error codes, next to MOSIP's numeric failure reasons. */
#define SRV_ERROR_CODE_ABIS_JSON        "IDM-ABS-JSON"
#define SRV_ERROR_CODE_ABIS_INVALID     "IDM-ABS-400"
#define SRV_ERROR_CODE_ABIS_BIOMETRICS  "IDM-ABS-BIOMETRICS"
#define SRV_ERROR_CODE_ABIS_FETCH       "IDM-ABS-FETCH"
#define SRV_ERROR_CODE_ABIS_EXISTS      "IDM-ABS-EXISTS"
#define SRV_ERROR_CODE_ABIS_NOT_FOUND   "IDM-ABS-404"
#define SRV_ERROR_CODE_ABIS_TOO_LARGE   "IDM-ABS-413"
#define SRV_ERROR_CODE_ABIS_UNAVAILABLE "IDM-ABS-503"
#define SRV_ERROR_CODE_ABIS_INTERNAL    "IDM-ABS-500"

/**
 * SrvAbisFailureReason:
 *
 * MOSIP's ABIS failure reasons (the `failureReason` of a response with
 * `returnValue` 2), as the ABIS API specification numbers them.
 */
typedef enum
{
  SRV_ABIS_FAILURE_INTERNAL = 1,
  SRV_ABIS_FAILURE_ABORTED = 2,
  SRV_ABIS_FAILURE_UNEXPECTED = 3,
  SRV_ABIS_FAILURE_INVALID_REQUEST = 4,
  SRV_ABIS_FAILURE_MISSING_REFERENCE_ID = 5,
  SRV_ABIS_FAILURE_MISSING_REQUEST_ID = 6,
  SRV_ABIS_FAILURE_FETCH = 7,
  SRV_ABIS_FAILURE_MISSING_REFERENCE_URL = 8,
  SRV_ABIS_FAILURE_MISSING_REQUEST_TIME = 9,
  SRV_ABIS_FAILURE_REFERENCE_EXISTS = 10,
  SRV_ABIS_FAILURE_CBEFF_NO_DATA = 11,
  SRV_ABIS_FAILURE_REFERENCE_NOT_FOUND = 12,
  SRV_ABIS_FAILURE_INVALID_VERSION = 13,
  SRV_ABIS_FAILURE_INVALID_ID = 14,
  SRV_ABIS_FAILURE_INVALID_REQUEST_TIME = 15,
  SRV_ABIS_FAILURE_INVALID_CBEFF = 16,
} SrvAbisFailureReason;

/* The largest request body: a ten-print CBEFF with a face, in base64. */
#define SRV_ABIS_API_MAX_BODY_BYTES (16 * 1024 * 1024)

/* The default maxResults, and the score a candidate must reach when the
 * request has no targetFPIR. */
#define SRV_ABIS_API_DEFAULT_MAX_RESULTS 10
#define SRV_ABIS_API_DEFAULT_THRESHOLD   50.0

void   srv_abis_api_add_routes            (SrvRouter  *router,
                                           SrvServer  *server);
double srv_abis_api_threshold_for_fpir    (double      target_fpir);
GError *srv_abis_api_error_from_response  (guint       status,
                                           JsonNode   *root);

G_END_DECLS
