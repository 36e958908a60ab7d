/* fuzz-replay-main.c — runs a fuzz target over files, without libFuzzer
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Every build links each fuzz target with this driver, and the `fuzz` test
 * suite replays the target's seed corpus (and every crash once found and
 * kept there) through it, with or without sanitizers.  Real fuzzing links
 * the same target with clang's libFuzzer instead: see tools/fuzz.
 */

#include <glib.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static guint
replay_path (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, &error);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;
      guint count = 0;

      if (dir == NULL)
        g_error ("%s", error->message);

      /* Sorted, so a failure names the same file on every run. */
      while ((name = g_dir_read_name (dir)) != NULL)
        g_ptr_array_add (names, g_build_filename (path, name, NULL));
      g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);

      for (guint i = 0; i < names->len; i++)
        count += replay_path (g_ptr_array_index (names, i));

      return count;
    }

  if (!g_file_get_contents (path, &contents, &length, &error))
    g_error ("%s", error->message);

  LLVMFuzzerTestOneInput ((const uint8_t *) contents, length);
  return 1;
}

int
main (int   argc,
      char *argv[])
{
  guint count = 0;

  if (argc < 2)
    {
      g_printerr ("usage: %s CORPUS-FILE-OR-DIR...\n", argv[0]);
      return 2;
    }

  for (int i = 1; i < argc; i++)
    count += replay_path (argv[i]);

  if (count == 0)
    {
      g_printerr ("%s: no input replayed\n", argv[0]);
      return 1;
    }

  g_print ("replayed %u inputs\n", count);
  return 0;
}
