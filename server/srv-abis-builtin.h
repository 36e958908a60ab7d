/* srv-abis-builtin.h — the built-in ABIS: sealed templates in SQLite, an
 * in-memory gallery for identification
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "idem.h"

#include "srv-abis.h"
#include "srv-data-keys.h"
#include "srv-database.h"
#include "srv-face-quality.h"

G_BEGIN_DECLS

#define SRV_TYPE_ABIS_BUILTIN (srv_abis_builtin_get_type ())

G_DECLARE_FINAL_TYPE (SrvAbisBuiltin, srv_abis_builtin, SRV, ABIS_BUILTIN, GObject)

SrvAbisBuiltin *srv_abis_builtin_new              (SrvDatabase        *database,
                                                   const SrvDataKeys  *keys,
                                                   guint               n_workers,
                                                   GError            **error);
gboolean        srv_abis_builtin_insert_minutiae  (SrvAbisBuiltin     *self,
                                                   const char         *reference_id,
                                                   IdemMinutiae      **minutiae,
                                                   const guint        *positions,
                                                   guint               n_fingers,
                                                   GError            **error);
double          srv_abis_builtin_get_load_seconds (SrvAbisBuiltin     *self);
gsize           srv_abis_builtin_get_template_bytes (SrvAbisBuiltin   *self);
gboolean        srv_abis_builtin_get_face_quality (SrvAbisBuiltin     *self,
                                                   const char         *reference_id,
                                                   SrvFaceQuality     *quality,
                                                   GError            **error);
GBytes         *srv_abis_builtin_get_face_record  (SrvAbisBuiltin     *self,
                                                   const char         *reference_id,
                                                   GError            **error);

/* The score scale of candidates: see srv-abis-builtin.c. */
double          srv_abis_builtin_scale_score      (double              raw_score);

G_END_DECLS
