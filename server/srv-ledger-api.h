/* srv-ledger-api.h — the ledger's HTTP API
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "srv-http.h"
#include "srv-ledger.h"

G_BEGIN_DECLS

#define SRV_API_ID_LEDGER "idem.ledger"

/* Stable error codes of the ledger API. */
#define SRV_ERROR_CODE_LEDGER_MISSING_PARAMETER "IDM-LDG-001"
#define SRV_ERROR_CODE_LEDGER_NOT_A_NUMBER      "IDM-LDG-002"
#define SRV_ERROR_CODE_LEDGER_OUT_OF_RANGE      "IDM-LDG-003"
#define SRV_ERROR_CODE_LEDGER_BEYOND_TREE       "IDM-LDG-004"
#define SRV_ERROR_CODE_LEDGER_NO_CHECKPOINT     "IDM-LDG-005"

/* The most leaves one GET /v1/ledger/leaves returns. */
#define SRV_LEDGER_MAX_LEAVES_PER_REQUEST 1000

void srv_ledger_api_add_routes (SrvRouter *router,
                                SrvLedger *ledger);

G_END_DECLS
