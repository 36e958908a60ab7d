/* srv-idrepo-api.h — the ID repository's HTTP API
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "srv-http.h"
#include "srv-idrepo.h"

G_BEGIN_DECLS

#define SRV_API_ID_IDREPO "idem.idrepo"

/* Error codes are this prefix, a dash and a suffix: the request-reading
 * suffixes of srv-admin-call.h (JSON, MISSING, TYPE, INVALID, TOO-LARGE)
 * and those below. */
#define SRV_IDREPO_CODE_PREFIX       "IDM-IDR"
#define SRV_IDREPO_CODE_NOT_FOUND    "NOT-FOUND"    /* 404: no identity has that UIN or VID */
#define SRV_IDREPO_CODE_NOT_ACTIVE   "NOT-ACTIVE"   /* 409: the identity is blocked or deactivated */
#define SRV_IDREPO_CODE_VID_LIMIT    "VID-LIMIT"    /* 409: the policy allows no more VIDs of that type */
#define SRV_IDREPO_CODE_VID_EXPIRED  "VID-EXPIRED"  /* 409: the VID's time is over */
#define SRV_IDREPO_CODE_VID_REVOKED  "VID-REVOKED"  /* 409: the VID was revoked */
#define SRV_IDREPO_CODE_VID_USED     "VID-USED"     /* 409: the VID has no uses left */
#define SRV_IDREPO_CODE_DRAFT_EXISTS "DRAFT-EXISTS" /* 409: the identity already has a draft */
#define SRV_IDREPO_CODE_NO_DRAFT     "NO-DRAFT"     /* 404: the identity has no draft */
#define SRV_IDREPO_CODE_DRAFT_STALE  "DRAFT-STALE"  /* 409: the identity changed since the draft was made */
#define SRV_IDREPO_CODE_SCHEMA       "SCHEMA"       /* 400: the draft would break the published ID schema */

/* Drafts carry whole identities; everything else is small. */
#define SRV_IDREPO_MAX_BODY_BYTES       (16 * 1024)
#define SRV_IDREPO_MAX_DRAFT_BODY_BYTES (256 * 1024)

/* The file in a data directory that replaces the built-in VID policy. */
#define SRV_IDREPO_VID_POLICY_FILENAME "vid-policy.json"

typedef struct _SrvServer SrvServer;

void     srv_idrepo_api_add_routes       (SrvRouter   *router,
                                          SrvServer   *server);
gboolean srv_idrepo_api_load_vid_policy  (SrvIdrepo   *idrepo,
                                          const char  *data_dir,
                                          GError     **error);

G_END_DECLS
