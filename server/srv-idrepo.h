/* srv-idrepo.h — the ID repository: sealed identities, VIDs, locks
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "srv-data-keys.h"
#include "srv-database.h"
#include "srv-ledger.h"

G_BEGIN_DECLS

#define SRV_IDREPO_ERROR (srv_idrepo_error_quark ())

/**
 * SrvIdrepoError:
 * @SRV_IDREPO_ERROR_NOT_FOUND: no identity or VID has that number
 * @SRV_IDREPO_ERROR_INVALID_ARGUMENT: a malformed UIN, JSON, status or
 *   authentication type
 * @SRV_IDREPO_ERROR_DUPLICATE: the UIN already has an identity
 * @SRV_IDREPO_ERROR_VID_LIMIT: the VID policy allows no more active VIDs
 *   of that type
 * @SRV_IDREPO_ERROR_VID_EXPIRED: the VID's time is over
 * @SRV_IDREPO_ERROR_VID_REVOKED: the VID was revoked
 * @SRV_IDREPO_ERROR_VID_USED: the VID has no uses left
 * @SRV_IDREPO_ERROR_TAMPERED: a sealed record does not open: altered,
 *   swapped or under another key
 * @SRV_IDREPO_ERROR_DATABASE: the database failed
 * @SRV_IDREPO_ERROR_NOT_ACTIVE: the identity is blocked or deactivated
 * @SRV_IDREPO_ERROR_DRAFT_EXISTS: the identity already has a draft
 * @SRV_IDREPO_ERROR_NO_DRAFT: the identity has no draft
 * @SRV_IDREPO_ERROR_DRAFT_STALE: the identity changed since its draft was
 *   made
 *
 * Stable error codes of %SRV_IDREPO_ERROR: values are never renumbered.
 */
typedef enum
{
  SRV_IDREPO_ERROR_NOT_FOUND = 1,
  SRV_IDREPO_ERROR_INVALID_ARGUMENT = 2,
  SRV_IDREPO_ERROR_DUPLICATE = 3,
  SRV_IDREPO_ERROR_VID_LIMIT = 4,
  SRV_IDREPO_ERROR_VID_EXPIRED = 5,
  SRV_IDREPO_ERROR_VID_REVOKED = 6,
  SRV_IDREPO_ERROR_VID_USED = 7,
  SRV_IDREPO_ERROR_TAMPERED = 8,
  SRV_IDREPO_ERROR_DATABASE = 9,
  SRV_IDREPO_ERROR_NOT_ACTIVE = 10,
  SRV_IDREPO_ERROR_DRAFT_EXISTS = 11,
  SRV_IDREPO_ERROR_NO_DRAFT = 12,
  SRV_IDREPO_ERROR_DRAFT_STALE = 13,
} SrvIdrepoError;

/**
 * SrvVidType:
 * @SRV_VID_PERPETUAL: one active at a time, no expiry, unlimited uses; a
 *   new one replaces it when it is revoked
 * @SRV_VID_TEMPORARY: up to 5 active, each valid 30 minutes for 2 uses
 * @SRV_VID_ONE_TIME_USE: valid for one use
 *
 * MOSIP's VID types; the rules given are those of the built-in policy
 * (data/vid-policy.json), which srv_idrepo_set_vid_policy() replaces.
 */
typedef enum
{
  SRV_VID_PERPETUAL = 1,
  SRV_VID_TEMPORARY = 2,
  SRV_VID_ONE_TIME_USE = 3,
} SrvVidType;

/**
 * SrvVidInfo:
 * @vid: the VID
 * @type: its policy
 * @status: "ACTIVE", "REVOKED", "EXPIRED" or "USED"
 * @expires: when it expires, µs since the epoch, or 0 for never
 * @uses_left: how many uses remain, or -1 for unlimited
 */
typedef struct
{
  char       *vid;
  SrvVidType  type;
  char       *status;
  gint64      expires;
  gint64      uses_left;
} SrvVidInfo;

#define SRV_TYPE_IDREPO (srv_idrepo_get_type ())

G_DECLARE_FINAL_TYPE (SrvIdrepo, srv_idrepo, SRV, IDREPO, GObject)

GQuark      srv_idrepo_error_quark           (void);

SrvIdrepo  *srv_idrepo_new                   (SrvDatabase   *database,
                                              SrvLedger     *ledger,
                                              SrvDataKeys   *keys);
gboolean    srv_idrepo_create_identity       (SrvIdrepo     *self,
                                              const char    *uin,
                                              const char    *identity_json,
                                              GBytes        *biometrics,
                                              GBytes        *documents,
                                              const char    *actor,
                                              GError       **error);
char       *srv_idrepo_lookup_uin            (SrvIdrepo     *self,
                                              const char    *uin,
                                              char         **status,
                                              GError       **error);
GBytes     *srv_idrepo_get_biometrics        (SrvIdrepo     *self,
                                              const char    *uin,
                                              GError       **error);
GBytes     *srv_idrepo_get_documents         (SrvIdrepo     *self,
                                              const char    *uin,
                                              GError       **error);
gboolean    srv_idrepo_update_demographics   (SrvIdrepo     *self,
                                              const char    *uin,
                                              const char    *identity_json,
                                              const char    *actor,
                                              GError       **error);
GArray     *srv_idrepo_get_demographics_history (SrvIdrepo  *self,
                                                 const char    *uin,
                                                 GError       **error);
gboolean    srv_idrepo_set_status            (SrvIdrepo     *self,
                                              const char    *uin,
                                              const char    *status,
                                              const char    *actor,
                                              GError       **error);
gboolean    srv_idrepo_set_auth_lock         (SrvIdrepo     *self,
                                              const char    *uin,
                                              const char    *auth_type,
                                              gboolean       locked,
                                              const char    *actor,
                                              GError       **error);
gboolean    srv_idrepo_is_auth_locked        (SrvIdrepo     *self,
                                              const char    *uin,
                                              const char    *auth_type,
                                              gboolean      *locked,
                                              GError       **error);
char       *srv_idrepo_create_vid            (SrvIdrepo     *self,
                                              const char    *uin,
                                              SrvVidType     type,
                                              const char    *actor,
                                              GError       **error);
char       *srv_idrepo_use_vid               (SrvIdrepo     *self,
                                              const char    *vid,
                                              const char    *actor,
                                              GError       **error);
char       *srv_idrepo_revoke_vid            (SrvIdrepo     *self,
                                              const char    *vid,
                                              const char    *actor,
                                              GError       **error);
GPtrArray  *srv_idrepo_list_vids             (SrvIdrepo     *self,
                                              const char    *uin,
                                              GError       **error);
void        srv_vid_info_free                (SrvVidInfo    *info);

const char *srv_vid_type_to_string           (SrvVidType     type);
gboolean    srv_vid_type_from_string         (const char    *name,
                                              SrvVidType    *type);
const char * const *srv_idrepo_get_auth_types (void);
gboolean    srv_idrepo_set_vid_policy        (SrvIdrepo     *self,
                                              GBytes        *json,
                                              GError       **error);
char       *srv_idrepo_lookup_vid            (SrvIdrepo     *self,
                                              const char    *vid,
                                              SrvVidInfo   **info,
                                              GError       **error);
gint64      srv_idrepo_get_identity_id       (SrvIdrepo     *self,
                                              const char    *uin,
                                              GError       **error);
gboolean    srv_idrepo_create_draft          (SrvIdrepo     *self,
                                              const char    *uin,
                                              const char    *actor,
                                              GError       **error);
char       *srv_idrepo_get_draft             (SrvIdrepo     *self,
                                              const char    *uin,
                                              GError       **error);
gboolean    srv_idrepo_update_draft          (SrvIdrepo     *self,
                                              const char    *uin,
                                              const char    *identity_json,
                                              const char    *actor,
                                              GError       **error);
gboolean    srv_idrepo_publish_draft         (SrvIdrepo     *self,
                                              const char    *uin,
                                              const char    *actor,
                                              GError       **error);
gboolean    srv_idrepo_discard_draft         (SrvIdrepo     *self,
                                              const char    *uin,
                                              const char    *actor,
                                              GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SrvVidInfo, srv_vid_info_free)

G_END_DECLS
