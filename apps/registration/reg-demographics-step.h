/* reg-demographics-step.h — the demographic form, generated from the UI spec
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#include "idem-ui.h"
#include "reg-packet-builder.h"

G_BEGIN_DECLS

#define REG_TYPE_DEMOGRAPHICS_STEP (reg_demographics_step_get_type ())

G_DECLARE_FINAL_TYPE (RegDemographicsStep, reg_demographics_step, REG, DEMOGRAPHICS_STEP, AdwBin)

/* Returns the rows of a master-data type, like `gender` or `location`. */
typedef JsonArray * (*RegMasterDataFunc) (const char *type,
                                          gpointer    user_data);

GtkWidget  *reg_demographics_step_new                    (IdemIdSchema        *schema,
                                                          IdemUiSpec          *ui_spec,
                                                          const char          *primary_language,
                                                          const char          *secondary_language,
                                                          RegMasterDataFunc    master_data,
                                                          gpointer             user_data);
void        reg_demographics_step_set_update_mode        (RegDemographicsStep *self);
void        reg_demographics_step_set_optional           (RegDemographicsStep *self);
void        reg_demographics_step_set_group_selected     (RegDemographicsStep *self,
                                                          const char          *group,
                                                          gboolean             selected);
gboolean    reg_demographics_step_set_value              (RegDemographicsStep *self,
                                                          const char          *field,
                                                          const char          *language,
                                                          const char          *value);
const char *reg_demographics_step_get_error              (RegDemographicsStep *self,
                                                          const char          *field);
gboolean    reg_demographics_step_get_field_visible      (RegDemographicsStep *self,
                                                          const char          *field);
gboolean    reg_demographics_step_validate               (RegDemographicsStep *self);
int         reg_demographics_step_get_age                (RegDemographicsStep *self);
void        reg_demographics_step_collect                (RegDemographicsStep *self,
                                                          RegPacketBuilder    *builder);
GPtrArray  *reg_demographics_step_get_summary            (RegDemographicsStep *self);
void        reg_demographics_step_set_secondary_language (RegDemographicsStep *self,
                                                          const char          *language);
const char *reg_demographics_step_get_secondary_language (RegDemographicsStep *self);

G_END_DECLS
