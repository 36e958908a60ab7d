/* srv-abis-http.h — an external ABIS, reached over MOSIP's ABIS API
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include <gio/gio.h>

#include "srv-abis.h"

G_BEGIN_DECLS

#define SRV_TYPE_ABIS_HTTP (srv_abis_http_get_type ())

G_DECLARE_FINAL_TYPE (SrvAbisHttp, srv_abis_http, SRV, ABIS_HTTP, GObject)

SrvAbisHttp *srv_abis_http_new (const char       *base_url,
                                const char       *user_id,
                                const char       *password,
                                GTlsCertificate  *pinned_certificate,
                                GError          **error);

G_END_DECLS
