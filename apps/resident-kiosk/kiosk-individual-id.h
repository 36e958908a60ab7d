/* kiosk-individual-id.h
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define KIOSK_INDIVIDUAL_ID_ERROR (kiosk_individual_id_error_quark ())

/**
 * KioskIndividualIdError:
 * @KIOSK_INDIVIDUAL_ID_ERROR_EMPTY: nothing was entered
 * @KIOSK_INDIVIDUAL_ID_ERROR_NOT_DIGITS: something other than digits was entered
 * @KIOSK_INDIVIDUAL_ID_ERROR_WRONG_LENGTH: neither 10 digits (UIN) nor 16 (VID)
 *
 * Why what a resident typed is not a UIN or VID.  The values are stable.
 */
typedef enum
{
  KIOSK_INDIVIDUAL_ID_ERROR_EMPTY = 1,
  KIOSK_INDIVIDUAL_ID_ERROR_NOT_DIGITS = 2,
  KIOSK_INDIVIDUAL_ID_ERROR_WRONG_LENGTH = 3,
} KioskIndividualIdError;

/**
 * KioskIndividualIdType:
 * @KIOSK_INDIVIDUAL_ID_NONE: not an individual ID
 * @KIOSK_INDIVIDUAL_ID_UIN: a unique identification number, 10 digits
 * @KIOSK_INDIVIDUAL_ID_VID: a virtual ID, 16 digits
 *
 * The kinds of number a resident logs in with.
 */
typedef enum
{
  KIOSK_INDIVIDUAL_ID_NONE,
  KIOSK_INDIVIDUAL_ID_UIN,
  KIOSK_INDIVIDUAL_ID_VID,
} KioskIndividualIdType;

#define KIOSK_UIN_LENGTH 10
#define KIOSK_VID_LENGTH 16

GQuark                kiosk_individual_id_error_quark (void);
KioskIndividualIdType kiosk_individual_id_parse       (const char  *text,
                                                       char       **digits,
                                                       GError     **error);

G_END_DECLS
