/* reg-packets-page.c — the registrations made at this workstation
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Lists the most recent packets, newest first: where each one is on this
 * workstation, what the server last said about it, and the UIN the server
 * issued or found.  A UIN is shown masked to its last digits until the
 * operator asks for it, row by row, so that it is not read over a
 * shoulder; it is read from the store, where it is sealed, only then.
 */

#define G_LOG_DOMAIN "reg-packets-page"

#include "config.h"

#include "reg-packets-page.h"

#include <glib/gi18n.h>
#include <string.h>

#define MAX_PACKETS      200
#define UIN_VISIBLE_TAIL 4

typedef struct
{
  GtkLabel  *uin_label;
  GtkButton *toggle_button;
  char      *masked;
  char      *tail;
  gboolean   revealed;
} UinRow;

struct _RegPacketsPage
{
  AdwBin       parent_instance;

  RegMachine  *machine;
  GHashTable  *uin_rows;
  guint        n_packets;

  GtkLabel    *status_label;
  GtkStack    *stack;
  GtkListBox  *packet_list;
};

G_DEFINE_FINAL_TYPE (RegPacketsPage, reg_packets_page, ADW_TYPE_BIN)

static void
uin_row_free (UinRow *row)
{
  g_free (row->masked);
  g_free (row->tail);
  g_free (row);
}

static const char *
local_state_label (RegPacketState state)
{
  switch (state)
    {
    case REG_PACKET_STATE_PENDING_APPROVAL:
      return _("Waiting for the supervisor");

    case REG_PACKET_STATE_APPROVED:
      return _("Approved, waiting for upload");

    case REG_PACKET_STATE_REJECTED_BY_SUPERVISOR:
      return _("Rejected by the supervisor, waiting for upload");

    case REG_PACKET_STATE_UPLOADED:
      return _("Uploaded");

    case REG_PACKET_STATE_ANY:
    default:
      return _("Unknown");
    }
}

/* The server's external status codes (srv_pipeline_external_status()),
 * in words; a code this build does not know is shown as it came. */
static const char *
server_status_label (const char *status)
{
  if (status == NULL)
    return _("Not sent yet");
  if (g_str_equal (status, "RESEND"))
    return _("The server asks for the packet again");
  if (g_str_equal (status, "RECEIVED"))
    return _("Received");
  if (g_str_equal (status, "PROCESSING"))
    return _("Being processed");
  if (g_str_equal (status, "UIN_GENERATED"))
    return _("UIN issued");
  if (g_str_equal (status, "PROCESSED"))
    return _("Processed");
  if (g_str_equal (status, "REJECTED"))
    return _("Rejected");
  if (g_str_equal (status, "REREGISTER"))
    return _("The resident must register again");
  if (g_str_equal (status, "FAILED"))
    return _("Processing failed");
  return status;
}

/* All but the last digits of @uin as bullets; sets @tail to those digits.
 * The left-to-right mark keeps the bullets where the hidden digits are
 * when the UIN is shown: alone, bullets and digits would take the
 * direction of an Arabic layout and put the bullets after the digits. */
static char *
mask_uin (const char  *uin,
          char       **tail)
{
  gsize length = strlen (uin);
  gsize hidden = length > UIN_VISIBLE_TAIL ? length - UIN_VISIBLE_TAIL : length;
  GString *masked = g_string_new ("\u200E");

  for (gsize i = 0; i < hidden; i++)
    g_string_append (masked, "•");
  g_string_append (masked, uin + hidden);
  *tail = g_strdup (uin + hidden);
  return g_string_free (masked, FALSE);
}

static void
show_status (RegPacketsPage *self,
             const char     *message)
{
  gtk_label_set_text (self->status_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), message != NULL);
}

static void
show_masked (UinRow *row)
{
  g_autofree char *hidden = g_strdup_printf (_("UIN hidden, ending in %s"), row->tail);

  gtk_label_set_text (row->uin_label, row->masked);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->uin_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, hidden,
                                  -1);
  gtk_button_set_label (row->toggle_button, _("Show UIN"));
  row->revealed = FALSE;
}

static void
toggle_uin_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  RegPacketsPage *self = REG_PACKETS_PAGE (widget);
  const char *rid = g_variant_get_string (parameter, NULL);
  UinRow *row = g_hash_table_lookup (self->uin_rows, rid);
  g_autoptr(GError) error = NULL;
  g_autofree char *uin = NULL;

  if (row == NULL)
    return;

  if (row->revealed)
    {
      show_masked (row);
      return;
    }

  uin = reg_store_load_uin (reg_machine_get_store (self->machine), rid, &error);
  if (uin == NULL)
    {
      show_status (self, error->message);
      return;
    }

  gtk_label_set_text (row->uin_label, uin);
  gtk_accessible_reset_property (GTK_ACCESSIBLE (row->uin_label), GTK_ACCESSIBLE_PROPERTY_LABEL);
  gtk_button_set_label (row->toggle_button, _("Hide UIN"));
  row->revealed = TRUE;
}

/* A masked UIN, with the button that shows it, at the row's end. */
static GtkWidget *
new_uin_box (RegPacketsPage  *self,
             const RegPacket *packet,
             const char      *uin)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *button = gtk_button_new ();
  g_autofree char *description = g_strdup_printf (_("UIN of registration %s"), packet->rid);
  UinRow *row = g_new0 (UinRow, 1);

  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (label, "numeric");
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (label),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "packets-page.toggle-uin");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_string (packet->rid));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);

  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), button);

  row->uin_label = GTK_LABEL (label);
  row->toggle_button = GTK_BUTTON (button);
  row->masked = mask_uin (uin, &row->tail);
  show_masked (row);
  g_hash_table_replace (self->uin_rows, g_strdup (packet->rid), row);

  return box;
}

static GtkWidget *
new_packet_row (RegPacketsPage  *self,
                const RegPacket *packet)
{
  GtkWidget *row = adw_action_row_new ();
  g_autoptr(GDateTime) created = g_date_time_new_from_unix_local (packet->created);
  g_autofree char *when = created != NULL ? g_date_time_format (created, "%x %X") : g_strdup ("");
  g_autofree char *server = NULL;
  g_autofree char *subtitle = NULL;

  if (packet->server_reason != NULL)
    /* Translators: the server's status of a registration, then its reason code */
    server = g_strdup_printf (_("%s (%s)"), server_status_label (packet->server_status), packet->server_reason);
  else
    server = g_strdup (server_status_label (packet->server_status));

  /* Translators: when the registration was made, where it is on this
   * workstation, and on the next line what the server says about it */
  subtitle = g_strdup_printf (_("Made %s · %s\nServer: %s"), when, local_state_label (packet->state), server);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), packet->rid);
  adw_preferences_row_set_title_selectable (ADW_PREFERENCES_ROW (row), TRUE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);

  if (packet->has_uin)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *uin = reg_store_load_uin (reg_machine_get_store (self->machine), packet->rid, &error);

      if (uin != NULL)
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), new_uin_box (self, packet, uin));
      else
        show_status (self, error->message);
    }

  return row;
}

static void
reg_packets_page_dispose (GObject *object)
{
  RegPacketsPage *self = REG_PACKETS_PAGE (object);

  g_hash_table_remove_all (self->uin_rows);
  gtk_widget_dispose_template (GTK_WIDGET (self), REG_TYPE_PACKETS_PAGE);
  g_clear_object (&self->machine);

  G_OBJECT_CLASS (reg_packets_page_parent_class)->dispose (object);
}

static void
reg_packets_page_finalize (GObject *object)
{
  RegPacketsPage *self = REG_PACKETS_PAGE (object);

  g_clear_pointer (&self->uin_rows, g_hash_table_unref);

  G_OBJECT_CLASS (reg_packets_page_parent_class)->finalize (object);
}

static void
reg_packets_page_class_init (RegPacketsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = reg_packets_page_dispose;
  object_class->finalize = reg_packets_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/idem/Registration/reg-packets-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RegPacketsPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, RegPacketsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, RegPacketsPage, packet_list);

  gtk_widget_class_install_action (widget_class, "packets-page.toggle-uin", "s", toggle_uin_action);
}

static void
reg_packets_page_init (RegPacketsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->uin_rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) uin_row_free);
}

/**
 * reg_packets_page_new:
 * @machine: the workstation's machine
 *
 * Returns: (transfer floating): a new page listing the workstation's
 *   recent registrations
 */
RegPacketsPage *
reg_packets_page_new (RegMachine *machine)
{
  RegPacketsPage *self;

  g_return_val_if_fail (REG_IS_MACHINE (machine), NULL);

  self = g_object_new (REG_TYPE_PACKETS_PAGE, NULL);
  self->machine = g_object_ref (machine);
  reg_packets_page_reload (self);

  return self;
}

/**
 * reg_packets_page_reload:
 * @self: a #RegPacketsPage
 *
 * Lists the packets again, every UIN masked.
 */
void
reg_packets_page_reload (RegPacketsPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) packets = NULL;
  GtkWidget *child;

  g_return_if_fail (REG_IS_PACKETS_PAGE (self));

  g_hash_table_remove_all (self->uin_rows);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->packet_list))) != NULL)
    gtk_list_box_remove (self->packet_list, child);
  show_status (self, NULL);

  packets = reg_store_list_recent_packets (reg_machine_get_store (self->machine), MAX_PACKETS, &error);
  if (packets == NULL)
    {
      show_status (self, error->message);
      packets = g_ptr_array_new_with_free_func ((GDestroyNotify) reg_packet_free);
    }

  for (guint i = 0; i < packets->len; i++)
    gtk_list_box_append (self->packet_list, new_packet_row (self, g_ptr_array_index (packets, i)));

  self->n_packets = packets->len;
  gtk_stack_set_visible_child_name (self->stack, packets->len > 0 ? "list" : "empty");
}

/**
 * reg_packets_page_get_n_packets:
 * @self: a #RegPacketsPage
 *
 * Returns: how many packets the page lists
 */
guint
reg_packets_page_get_n_packets (RegPacketsPage *self)
{
  g_return_val_if_fail (REG_IS_PACKETS_PAGE (self), 0);

  return self->n_packets;
}

/**
 * reg_packets_page_get_uin_text:
 * @self: a #RegPacketsPage
 * @rid: a listed packet's registration ID
 *
 * Returns: (nullable): what the page shows for the packet's UIN, masked
 *   or not, or %NULL when it shows none
 */
const char *
reg_packets_page_get_uin_text (RegPacketsPage *self,
                               const char     *rid)
{
  UinRow *row;

  g_return_val_if_fail (REG_IS_PACKETS_PAGE (self), NULL);
  g_return_val_if_fail (rid != NULL, NULL);

  row = g_hash_table_lookup (self->uin_rows, rid);
  return row != NULL ? gtk_label_get_text (row->uin_label) : NULL;
}
