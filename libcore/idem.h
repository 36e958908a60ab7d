/* idem.h — the umbrella header of libcore's base layer
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The base layer needs only GLib, GIO, json-glib, OpenSSL and SQLite, so the
 * server can link it without pulling in GTK, GStreamer or libfprint.
 */

#pragma once

#include <glib.h>

#define IDEM_INSIDE
# include "idem-cbeff.h"
# include "idem-client.h"
# include "idem-crypto.h"
# include "idem-fingerprint-matcher.h"
# include "idem-id-error.h"
# include "idem-id-policy.h"
# include "idem-id-schema.h"
# include "idem-iso19794.h"
# include "idem-keystore.h"
# include "idem-language.h"
# include "idem-ledger.h"
# include "idem-merkle.h"
# include "idem-minutiae.h"
# include "idem-mosip-crypto.h"
# include "idem-name-normalize.h"
# include "idem-name-phonetic.h"
# include "idem-name-similarity.h"
# include "idem-packet-error.h"
# include "idem-packet-reader.h"
# include "idem-packet-writer.h"
# include "idem-pinned-database.h"
# include "idem-prid.h"
# include "idem-request-signature.h"
# include "idem-rid.h"
# include "idem-ui-spec.h"
# include "idem-uin.h"
# include "idem-verhoeff.h"
# include "idem-version.h"
# include "idem-vid.h"
#undef IDEM_INSIDE
