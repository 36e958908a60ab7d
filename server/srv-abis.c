/* srv-abis.c — the ABIS interface's dispatch
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * The public functions check their arguments once, here, so that every
 * implementation receives the same well-formed calls and a caller gets the
 * same errors whichever ABIS is configured.
 */

#define G_LOG_DOMAIN "idem-abis"

#include "config.h"

#include "srv-abis.h"

#include <glib/gi18n.h>
#include <string.h>

/* MOSIP reference IDs are RIDs or UUIDs; anything far longer is an error. */
#define MAX_REFERENCE_LENGTH 256

G_DEFINE_QUARK (srv-abis-error-quark, srv_abis_error)
G_DEFINE_INTERFACE (SrvAbis, srv_abis, G_TYPE_OBJECT)

static void
srv_abis_default_init (SrvAbisInterface *iface)
{
}

static gboolean
check_reference_id (const char  *reference_id,
                    GError     **error)
{
  gsize length = strlen (reference_id);

  if (length == 0 || length > MAX_REFERENCE_LENGTH || !g_utf8_validate (reference_id, length, NULL))
    {
      g_set_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_INVALID_REQUEST,
                   _("A reference ID must be 1 to %u bytes of UTF-8"), MAX_REFERENCE_LENGTH);
      return FALSE;
    }
  for (const char *p = reference_id; *p != '\0'; p++)
    if (g_ascii_iscntrl (*p))
      {
        g_set_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_INVALID_REQUEST,
                     _("A reference ID cannot hold control characters"));
        return FALSE;
      }

  return TRUE;
}

/**
 * srv_abis_insert:
 * @self: an ABIS
 * @reference_id: the reference ID to file the biometrics under
 * @cbeff: the CBEFF XML document (MOSIP's biometric record)
 * @error: return location for an error in %SRV_ABIS_ERROR
 *
 * Adds a person to the gallery.  Inserting the same reference ID again
 * with the same biometrics succeeds (MOSIP retries inserts); with other
 * biometrics it fails with %SRV_ABIS_ERROR_DUPLICATE_REFERENCE.
 *
 * Returns: whether the person is in the gallery
 */
gboolean
srv_abis_insert (SrvAbis     *self,
                 const char  *reference_id,
                 GBytes      *cbeff,
                 GError     **error)
{
  g_return_val_if_fail (SRV_IS_ABIS (self), FALSE);
  g_return_val_if_fail (reference_id != NULL, FALSE);
  g_return_val_if_fail (cbeff != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_reference_id (reference_id, error))
    return FALSE;

  return SRV_ABIS_GET_IFACE (self)->insert (self, reference_id, cbeff, error);
}

/**
 * srv_abis_identify:
 * @self: an ABIS
 * @reference_id: (nullable): the probe, an entry already inserted
 * @cbeff: (nullable): the probe, inline; exactly one of @reference_id and
 *   @cbeff is given
 * @gallery: (nullable) (array zero-terminated=1): compare only with these
 *   reference IDs; %NULL for the whole gallery
 * @max_results: the most candidates to return, at least 1
 * @threshold: candidates whose fused score is below this (0–100) are left out
 * @error: return location for an error in %SRV_ABIS_ERROR
 *
 * 1:N identification.  A probe given by reference ID is never its own
 * candidate.
 *
 * Returns: (transfer container) (element-type SrvAbisCandidate): the
 *   candidates, best first, possibly none; %NULL with @error set
 */
GPtrArray *
srv_abis_identify (SrvAbis            *self,
                   const char         *reference_id,
                   GBytes             *cbeff,
                   const char * const *gallery,
                   guint               max_results,
                   double              threshold,
                   GError            **error)
{
  g_return_val_if_fail (SRV_IS_ABIS (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((reference_id == NULL) == (cbeff == NULL))
    {
      g_set_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_INVALID_REQUEST,
                   _("An identification needs either a reference ID or biometrics, not both"));
      return NULL;
    }
  if (reference_id != NULL && !check_reference_id (reference_id, error))
    return NULL;
  for (guint i = 0; gallery != NULL && gallery[i] != NULL; i++)
    if (!check_reference_id (gallery[i], error))
      return NULL;
  if (max_results == 0)
    {
      g_set_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_INVALID_REQUEST,
                   _("An identification must ask for at least one result"));
      return NULL;
    }
  if (!(threshold >= 0.0 && threshold <= 100.0))
    {
      g_set_error (error, SRV_ABIS_ERROR, SRV_ABIS_ERROR_INVALID_REQUEST,
                   _("A score threshold lies between 0 and 100"));
      return NULL;
    }

  return SRV_ABIS_GET_IFACE (self)->identify (self, reference_id, cbeff, gallery,
                                              max_results, threshold, error);
}

/**
 * srv_abis_remove:
 * @self: an ABIS
 * @reference_id: the entry to remove
 * @error: return location for an error in %SRV_ABIS_ERROR
 *
 * Returns: whether the entry was removed; %SRV_ABIS_ERROR_REFERENCE_NOT_FOUND
 *   when there was none
 */
gboolean
srv_abis_remove (SrvAbis     *self,
                 const char  *reference_id,
                 GError     **error)
{
  g_return_val_if_fail (SRV_IS_ABIS (self), FALSE);
  g_return_val_if_fail (reference_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_reference_id (reference_id, error))
    return FALSE;

  return SRV_ABIS_GET_IFACE (self)->remove (self, reference_id, error);
}

/**
 * srv_abis_ping:
 * @self: an ABIS
 * @error: return location for an error in %SRV_ABIS_ERROR
 *
 * Returns: whether the ABIS is up and ready
 */
gboolean
srv_abis_ping (SrvAbis  *self,
               GError  **error)
{
  g_return_val_if_fail (SRV_IS_ABIS (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return SRV_ABIS_GET_IFACE (self)->ping (self, error);
}

/**
 * srv_abis_pending_jobs:
 * @self: an ABIS
 * @error: return location for an error in %SRV_ABIS_ERROR
 *
 * Returns: the requests the ABIS has accepted but not finished, or -1 with
 *   @error set
 */
gint64
srv_abis_pending_jobs (SrvAbis  *self,
                       GError  **error)
{
  g_return_val_if_fail (SRV_IS_ABIS (self), -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  return SRV_ABIS_GET_IFACE (self)->pending_jobs (self, error);
}

/**
 * srv_abis_reference_count:
 * @self: an ABIS
 * @error: return location for an error in %SRV_ABIS_ERROR
 *
 * Returns: the entries in the gallery, or -1 with @error set
 */
gint64
srv_abis_reference_count (SrvAbis  *self,
                          GError  **error)
{
  g_return_val_if_fail (SRV_IS_ABIS (self), -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  return SRV_ABIS_GET_IFACE (self)->reference_count (self, error);
}

void
srv_abis_candidate_free (SrvAbisCandidate *candidate)
{
  if (candidate == NULL)
    return;
  g_free (candidate->reference_id);
  g_free (candidate);
}
