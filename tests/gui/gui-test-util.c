/* gui-test-util.c — helpers shared by the application tests
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#include "config.h"

#include "gui-test-util.h"
#include "test-tls.h"

#include <glib/gstdio.h>

#ifdef __SANITIZE_ADDRESS__
/* Past 2048 quarks (GTK, GStreamer and libfprint together make that many),
 * GLib moves to a new block of quark pointers and deliberately never frees
 * the first one, allocated before main(), because other threads may still
 * read it.  LeakSanitizer reports it, with a stack that ends inside GLib and
 * cannot be told from others.  AddressSanitizer calls this hook for every
 * allocation: the blocks of that size made before gui_test_init() are kept
 * in a global, so they stay reachable as GLib intends. */
#define QUARK_BLOCK_SIZE (2048 * sizeof (char *))

static const volatile void *early_quark_blocks[4];
static guint n_early_quark_blocks;
static gboolean initialized;

void __sanitizer_malloc_hook (const volatile void *pointer,
                              size_t               size);

void
__sanitizer_malloc_hook (const volatile void *pointer,
                         size_t               size)
{
  if (!initialized && size == QUARK_BLOCK_SIZE && n_early_quark_blocks < G_N_ELEMENTS (early_quark_blocks))
    early_quark_blocks[n_early_quark_blocks++] = pointer;
}
#endif

/**
 * gui_test_init:
 *
 * Sets up gettext, GTK and the test framework.  Animations are turned off so
 * that a screenshot never catches a page half faded in.
 */
void
gui_test_init (int    *argc,
               char ***argv)
{
#ifdef __SANITIZE_ADDRESS__
  initialized = TRUE;
#endif
  idem_ui_i18n_init ();
  gtk_test_init (argc, argv, NULL);
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  test_tls_trust_nothing_by_default ();
}

/**
 * gui_test_start_application:
 * @application: one of the applications
 *
 * Registers @application (without claiming its bus name, so that a test
 * never talks to a running copy of the app) and activates it the way a
 * launcher does, then waits until its window is on screen and laid out.
 *
 * Returns: (transfer none): the application's window
 */
GtkWindow *
gui_test_start_application (GApplication *application)
{
  g_autoptr(GError) error = NULL;
  GList *windows;

  g_application_set_flags (application, G_APPLICATION_NON_UNIQUE);
  g_application_register (application, NULL, &error);
  g_assert_no_error (error);

  g_application_activate (application);

  windows = gtk_application_get_windows (GTK_APPLICATION (application));
  g_assert_nonnull (windows);
  g_assert_null (windows->next);

  gui_test_wait_frames (windows->data, 3);

  return windows->data;
}

static gboolean
count_frame_cb (GtkWidget     *widget,
                GdkFrameClock *frame_clock,
                gpointer       user_data)
{
  guint *remaining = user_data;

  if (*remaining > 0)
    (*remaining)--;

  return *remaining > 0 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/**
 * gui_test_wait_frames:
 * @widget: a widget in a window that is being shown
 * @n_frames: how many frames to wait for
 *
 * Runs the main loop until @widget is mapped and its window has drawn
 * @n_frames frames, so that layout and styles are settled.
 */
void
gui_test_wait_frames (GtkWidget *widget,
                      guint      n_frames)
{
  GtkWidget *root = GTK_WIDGET (gtk_widget_get_root (widget));
  gboolean timed_out = FALSE;
  guint timeout_id;
  guint remaining = n_frames;

  timeout_id = g_timeout_add_seconds (10, timeout_cb, &timed_out);

  while (!gtk_widget_get_mapped (root) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  gtk_widget_add_tick_callback (root, count_frame_cb, &remaining, NULL);
  while (remaining > 0 && !timed_out)
    {
      gtk_widget_queue_draw (root);
      g_main_context_iteration (NULL, TRUE);
    }

  g_assert_false (timed_out);
  g_source_remove (timeout_id);

  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static GtkWidget *
find_language_button (GtkWidget  *widget,
                      const char *code)
{
  if (GTK_IS_STACK (widget))
    {
      GtkWidget *visible = gtk_stack_get_visible_child (GTK_STACK (widget));

      return visible != NULL ? find_language_button (visible, code) : NULL;
    }

  if (IDEM_IS_LANGUAGE_CHOOSER (widget))
    {
      for (GtkWidget *child = gtk_widget_get_first_child (widget);
           child != NULL;
           child = gtk_widget_get_next_sibling (child))
        {
          if (g_strcmp0 (gtk_widget_get_name (child), code) == 0)
            return child;
        }
      return NULL;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_language_button (child, code);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/**
 * gui_test_set_language:
 * @widget: any widget of the application's window
 * @code: a language code
 *
 * Presses the button for @code in the language chooser on screen, as a user
 * does, and waits for the rebuilt window to be drawn; then checks that the
 * new chooser shows that language as chosen.  A code without a button
 * (a bad request) goes to the `app.language` action the buttons activate.
 */
void
gui_test_set_language (GtkWidget  *widget,
                       const char *code)
{
  GtkWidget *root = GTK_WIDGET (gtk_widget_get_root (widget));
  GtkWidget *button = find_language_button (root, code);

  /* "clicked" is what a click or a tap ends in; GtkButton's keyboard
   * activation only emits it after a visual delay. */
  if (button != NULL)
    g_signal_emit_by_name (button, "clicked");
  else
    g_assert_true (gtk_widget_activate_action (root, "app.language", "s", code));

  gui_test_wait_frames (root, 2);

  button = find_language_button (root, code);
  if (button != NULL)
    g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button)));
}

static GtkWidget *
find_label (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) &&
      gtk_widget_get_visible (widget) &&
      g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return widget;

  /* Only the page on screen counts: a hidden stack page may well hold the
   * same words. */
  if (GTK_IS_STACK (widget))
    {
      GtkWidget *visible = gtk_stack_get_visible_child (GTK_STACK (widget));

      return visible != NULL ? find_label (visible, text) : NULL;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/**
 * gui_test_find_label:
 * @root: where to look
 * @text: the text of the label, without mnemonic underscores
 *
 * Returns: (transfer none) (nullable): the first visible label under @root
 *   that shows @text on the visible page of every stack
 */
GtkWidget *
gui_test_find_label (GtkWidget  *root,
                     const char *text)
{
  return find_label (root, text);
}

/**
 * gui_test_find_widget:
 * @root: where to look
 * @type: a widget type
 *
 * Returns: (transfer none) (nullable): the first widget of @type under @root,
 *   depth first
 */
GtkWidget *
gui_test_find_widget (GtkWidget *root,
                      GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = gui_test_find_widget (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

void
gui_test_assert_label (GtkWidget  *root,
                       const char *text)
{
  if (find_label (root, text) == NULL)
    g_error ("No visible label shows “%s”", text);
}

/**
 * gui_test_wait_for_label:
 * @root: where to look
 * @text: the text of the label
 *
 * Runs the main loop until a visible label under @root shows @text, for
 * what happens after a delay (a button activated from the keyboard shows
 * itself pressed for a moment before it acts); fails after five seconds.
 */
void
gui_test_wait_for_label (GtkWidget  *root,
                         const char *text)
{
  gboolean timed_out = FALSE;
  guint timeout_id = g_timeout_add_seconds (5, timeout_cb, &timed_out);

  while (find_label (root, text) == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (timed_out)
    g_error ("No visible label shows “%s” after five seconds", text);
  g_source_remove (timeout_id);
}

/**
 * gui_test_assert_direction:
 * @root: a widget
 * @direction: %GTK_TEXT_DIR_LTR or %GTK_TEXT_DIR_RTL
 *
 * Asserts that @root and every widget under it lay out in @direction.
 */
void
gui_test_assert_direction (GtkWidget        *root,
                           GtkTextDirection  direction)
{
  if (gtk_widget_get_direction (root) != direction)
    g_error ("%s lays out %s", G_OBJECT_TYPE_NAME (root),
             gtk_widget_get_direction (root) == GTK_TEXT_DIR_RTL ? "right to left" : "left to right");

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gui_test_assert_direction (child, direction);
}

/**
 * gui_test_assert_accessible:
 * @root: a widget
 *
 * Asserts what a keyboard or screen-reader user needs from the widgets under
 * @root: every text entry has a label that names it and moves the focus to
 * it with its mnemonic, and every button that shows only an icon has an
 * accessible name.
 */
void
gui_test_assert_accessible (GtkWidget *root)
{
  if (GTK_IS_ENTRY (root) || GTK_IS_PASSWORD_ENTRY (root))
    {
      GList *labels = gtk_widget_list_mnemonic_labels (root);

      if (labels == NULL)
        g_error ("A %s has no label", G_OBJECT_TYPE_NAME (root));
      g_assert_true (gtk_test_accessible_has_relation (GTK_ACCESSIBLE (root),
                                                       GTK_ACCESSIBLE_RELATION_LABELLED_BY));
      g_list_free (labels);
      return;
    }

  if (GTK_IS_BUTTON (root) && gtk_button_get_icon_name (GTK_BUTTON (root)) != NULL)
    {
      if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (root), GTK_ACCESSIBLE_PROPERTY_LABEL))
        g_error ("The button showing %s has no accessible label",
                 gtk_button_get_icon_name (GTK_BUTTON (root)));
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gui_test_assert_accessible (child);
}

/**
 * gui_test_save_screenshot:
 * @window: a window on screen
 * @name: the file name without extension, such as "registration-ar"
 *
 * Renders @window in-process with the Cairo renderer and saves it as
 * `screenshots/NAME.png` in the test build directory, then reads the file
 * back to check that it holds an image of the window's size.
 */
void
gui_test_save_screenshot (GtkWidget  *window,
                          const char *name)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GskRenderer) renderer = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GdkTexture) saved = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *file_name = NULL;
  g_autofree char *path = NULL;
  int width = gtk_widget_get_width (window);
  int height = gtk_widget_get_height (window);

  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  paintable = gtk_widget_paintable_new (window);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);

  renderer = gsk_cairo_renderer_new ();
  gsk_renderer_realize (renderer, gtk_native_get_surface (GTK_NATIVE (window)), &error);
  g_assert_no_error (error);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gsk_renderer_unrealize (renderer);

  dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR") != NULL ? g_getenv ("G_TEST_BUILDDIR") : ".",
                          "screenshots", NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  file_name = g_strdup_printf ("%s.png", name);
  path = g_build_filename (dir, file_name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));

  saved = gdk_texture_new_from_filename (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (saved), ==, width);
  g_assert_cmpint (gdk_texture_get_height (saved), ==, height);

  g_test_message ("Screenshot: %s", path);
}

/**
 * gui_test_wait_step:
 * @deadline: the monotonic time by which the wait must end
 * @what: what is awaited, for the message
 *
 * One turn of a wait: fails the test once @deadline has passed, otherwise
 * dispatches what is ready, and sleeps a millisecond when nothing was, so
 * that a wait on a thread or another process does not spin.
 */
void
gui_test_wait_step (gint64      deadline,
                    const char *what)
{
  if (g_get_monotonic_time () > deadline)
    g_error ("Timed out waiting for %s", what);
  if (!g_main_context_iteration (NULL, FALSE))
    g_usleep (1000);
}

/**
 * gui_test_wait_until:
 * @condition: checks what is awaited
 * @data: passed to @condition
 * @what: what is awaited, for the message
 *
 * Runs the main loop until @condition returns %TRUE, and fails the test
 * after 30 seconds: a step of the registration flow (the camera starting,
 * a finger read, a packet sealed) never takes that long.
 */
void
gui_test_wait_until (GuiTestCondition  condition,
                     gpointer          data,
                     const char       *what)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!condition (data))
    gui_test_wait_step (deadline, what);
}

/**
 * gui_test_remove_tree:
 * @path: a directory a test made
 *
 * Removes @path and everything under it, without following symbolic
 * links, so that a test leaves nothing behind in the temporary directory.
 */
void
gui_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        gui_test_remove_tree (child);
      else
        g_unlink (child);
    }

  g_rmdir (path);
}

/**
 * gui_test_activate:
 * @widget: a widget on screen
 * @action: the name of an action, such as "flow.next"
 * @parameter: (nullable): its parameter
 *
 * Activates @action from @widget, as the button bound to it does, and
 * fails the test if no such action is in reach: a test that drives the
 * interface through its actions must not go on after a misspelt one.
 */
void
gui_test_activate (GtkWidget  *widget,
                   const char *action,
                   GVariant   *parameter)
{
  g_assert_true (gtk_widget_activate_action_variant (widget, action, parameter));
}
