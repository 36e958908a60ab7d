/* test-merkle.c — the RFC 9162 Merkle tree against an independent oracle
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * merkle-oracle.py computes roots and proofs with Python's hashlib from the
 * RFC's recursive definitions; every root of 1 to 70 leaves, every
 * inclusion proof in those trees and every consistency proof between sizes
 * up to 32 must match byte for byte, verify, and fail once tampered with.
 * The RFC's own 7-leaf example checks the shape of the proofs by name.
 */

#include "config.h"

#include "idem.h"

#include <gio/gio.h>
#include <string.h>

#define MAX_SIZE 70
#define MAX_CONSISTENCY 32

static void
leaf_hash_of (guint64  i,
              guint8  *hash)
{
  g_autofree char *text = g_strdup_printf ("leaf-%" G_GUINT64_FORMAT, i);

  idem_merkle_hash_leaf ((const guint8 *) text, strlen (text), hash);
}

static IdemMerkleTree *
tree_of (guint64 size)
{
  IdemMerkleTree *tree = idem_merkle_tree_new ();

  for (guint64 i = 0; i < size; i++)
    {
      guint8 hash[32];

      leaf_hash_of (i, hash);
      idem_merkle_tree_append (tree, hash);
    }

  return tree;
}

static GBytes *
hashes_from_hex (char **words)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();

  for (guint i = 0; words[i] != NULL; i++)
    {
      if (words[i][0] == '\0')
        continue;
      g_assert_cmpuint (strlen (words[i]), ==, 64);
      for (guint j = 0; j < 32; j++)
        {
          guint8 byte = (g_ascii_xdigit_value (words[i][2 * j]) << 4) |
                        g_ascii_xdigit_value (words[i][2 * j + 1]);
          g_byte_array_append (bytes, &byte, 1);
        }
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

static void
test_empty (void)
{
  g_autoptr(IdemMerkleTree) tree = idem_merkle_tree_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *hex = NULL;
  guint8 root[32];
  guint8 other[32];

  idem_merkle_tree_get_root (tree, root);
  hex = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) "", 0);
  g_assert_cmpstr (hex, ==, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  g_assert_true (idem_merkle_root (0, idem_merkle_tree_get_node, tree, other, &error));
  g_assert_cmpmem (root, 32, other, 32);
  for (guint i = 0; i < 32; i++)
    g_assert_cmpuint (root[i], ==, (g_ascii_xdigit_value (hex[2 * i]) << 4) | g_ascii_xdigit_value (hex[2 * i + 1]));
}

/* The leaf and node hashes of RFC 9162 §2.1.5's tree of 7 leaves d0…d6:
 * leaves a b c d e f j(=d6), nodes g=(a,b) h=(c,d) i=(e,f) k=(g,h) l=(i,j). */
typedef struct
{
  guint8 a[32], b[32], c[32], d[32], e[32], f[32], j[32];
  guint8 g[32], h[32], i[32], k[32], l[32], root[32];
} RfcTree;

static void
rfc_tree_compute (RfcTree *t)
{
  leaf_hash_of (0, t->a);
  leaf_hash_of (1, t->b);
  leaf_hash_of (2, t->c);
  leaf_hash_of (3, t->d);
  leaf_hash_of (4, t->e);
  leaf_hash_of (5, t->f);
  leaf_hash_of (6, t->j);
  idem_merkle_hash_children (t->a, t->b, t->g);
  idem_merkle_hash_children (t->c, t->d, t->h);
  idem_merkle_hash_children (t->e, t->f, t->i);
  idem_merkle_hash_children (t->g, t->h, t->k);
  idem_merkle_hash_children (t->i, t->j, t->l);
  idem_merkle_hash_children (t->k, t->l, t->root);
}

static void
assert_proof (GBytes        *proof,
              const guint8  *first,
              ...)
{
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (proof, &length);
  guint n = 0;
  va_list args;

  va_start (args, first);
  for (const guint8 *expected = first; expected != NULL; expected = va_arg (args, const guint8 *))
    {
      g_assert_cmpuint (length, >=, (n + 1) * 32);
      g_assert_cmpmem (data + n * 32, 32, expected, 32);
      n++;
    }
  va_end (args);

  g_assert_cmpuint (length, ==, n * 32);
}

static void
test_rfc_example (void)
{
  g_autoptr(IdemMerkleTree) tree = tree_of (7);
  g_autoptr(GBytes) proof = NULL;
  g_autoptr(GError) error = NULL;
  guint8 root[32];
  RfcTree t;

  rfc_tree_compute (&t);
  idem_merkle_tree_get_root (tree, root);
  g_assert_cmpmem (root, 32, t.root, 32);

#define INCLUSION(index, ...) \
  proof = idem_merkle_inclusion_proof (index, 7, idem_merkle_tree_get_node, tree, &error); \
  g_assert_no_error (error); \
  assert_proof (proof, __VA_ARGS__, NULL); \
  g_clear_pointer (&proof, g_bytes_unref)

  INCLUSION (0, t.b, t.h, t.l);
  INCLUSION (3, t.c, t.g, t.l);
  INCLUSION (4, t.f, t.j, t.k);
  INCLUSION (6, t.i, t.k);
#undef INCLUSION

#define CONSISTENCY(old_size, ...) \
  proof = idem_merkle_consistency_proof (old_size, 7, idem_merkle_tree_get_node, tree, &error); \
  g_assert_no_error (error); \
  assert_proof (proof, __VA_ARGS__, NULL); \
  g_clear_pointer (&proof, g_bytes_unref)

  CONSISTENCY (3, t.c, t.d, t.g, t.l);
  CONSISTENCY (4, t.l);
  CONSISTENCY (6, t.i, t.j, t.k);
#undef CONSISTENCY
}

static char *
run_oracle (void)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "libcore", "merkle-oracle.py", NULL);
  g_autofree char *max_size = g_strdup_printf ("%d", MAX_SIZE);
  g_autofree char *max_consistency = g_strdup_printf ("%d", MAX_CONSISTENCY);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  char *output = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                              "python3", script, max_size, max_consistency, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &output, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);

  return output;
}

/* Every single-bit change of the proof, a proof one hash short or long,
 * and the neighbouring index or size must all fail. */
static void
check_inclusion_rejects_tampering (IdemMerkleTree *tree,
                                   guint64         size,
                                   guint64         index,
                                   GBytes         *proof,
                                   const guint8   *root)
{
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (proof, &length);
  g_autofree guint8 *copy = g_malloc0 (length + 32);
  guint8 leaf[32];
  guint8 other_leaf[32];

  if (length > 0)
    memcpy (copy, data, length);
  leaf_hash_of (index, leaf);
  leaf_hash_of (index + 1, other_leaf);
  g_assert_false (idem_merkle_verify_inclusion (index, size, other_leaf, data, length, root, NULL));

  for (gsize i = 0; i < length; i += 7)
    {
      g_autoptr(GError) error = NULL;

      copy[i] ^= 0x01;
      g_assert_false (idem_merkle_verify_inclusion (index, size, leaf, copy, length, root, &error));
      g_assert_error (error, IDEM_MERKLE_ERROR, IDEM_MERKLE_ERROR_BAD_PROOF);
      copy[i] ^= 0x01;
    }

  if (length > 0)
    g_assert_false (idem_merkle_verify_inclusion (index, size, leaf, data, length - 32, root, NULL));
  memset (copy + length, 0x5a, 32);
  g_assert_false (idem_merkle_verify_inclusion (index, size, leaf, copy, length + 32, root, NULL));
  if (index + 1 < size)
    g_assert_false (idem_merkle_verify_inclusion (index + 1, size, leaf, data, length, root, NULL));
  g_assert_false (idem_merkle_verify_inclusion (index, size, leaf, copy, 31, root, NULL));
}

static void
check_consistency_rejects_tampering (guint64       old_size,
                                     guint64       new_size,
                                     GBytes       *proof,
                                     const guint8 *old_root,
                                     const guint8 *new_root)
{
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (proof, &length);
  g_autofree guint8 *copy = g_malloc0 (length + 32);
  guint8 wrong_root[32];

  if (length > 0)
    memcpy (copy, data, length);
  for (gsize i = 0; i < length; i += 5)
    {
      copy[i] ^= 0x80;
      g_assert_false (idem_merkle_verify_consistency (old_size, new_size, old_root, new_root,
                                                      copy, length, NULL));
      copy[i] ^= 0x80;
    }

  memcpy (wrong_root, old_root, 32);
  wrong_root[31] ^= 1;
  g_assert_false (idem_merkle_verify_consistency (old_size, new_size, wrong_root, new_root, data, length, NULL));
  memcpy (wrong_root, new_root, 32);
  wrong_root[0] ^= 1;
  g_assert_false (idem_merkle_verify_consistency (old_size, new_size, old_root, wrong_root, data, length, NULL));
  if (length > 0)
    g_assert_false (idem_merkle_verify_consistency (old_size, new_size, old_root, new_root, data, length - 32, NULL));
  memset (copy + length, 0xa5, 32);
  g_assert_false (idem_merkle_verify_consistency (old_size, new_size, old_root, new_root, copy, length + 32, NULL));
}

static void
test_against_oracle (void)
{
  g_autoptr(IdemMerkleTree) tree = tree_of (MAX_SIZE);
  g_autofree char *output = run_oracle ();
  g_auto(GStrv) lines = g_strsplit (output, "\n", -1);
  guint8 roots[MAX_SIZE + 1][32];
  guint n_roots = 0;
  guint n_inclusion = 0;
  guint n_consistency = 0;

  for (guint l = 0; lines[l] != NULL && lines[l][0] != '\0'; l++)
    {
      g_auto(GStrv) words = g_strsplit (lines[l], " ", -1);
      g_autoptr(GError) error = NULL;

      if (g_str_equal (words[0], "root"))
        {
          guint64 size = g_ascii_strtoull (words[1], NULL, 10);
          g_autoptr(GBytes) expected = hashes_from_hex (words + 2);
          IdemMerkleFrontier frontier;
          guint8 root[32];

          g_assert_true (idem_merkle_root (size, idem_merkle_tree_get_node, tree, root, &error));
          g_assert_no_error (error);
          g_assert_cmpmem (root, 32, g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
          memcpy (roots[size], root, 32);

          /* The frontier of a stored tree gives the same root, and keeps
           * giving the right one as leaves are appended to it. */
          g_assert_true (idem_merkle_frontier_load (&frontier, size, idem_merkle_tree_get_node, tree, &error));
          g_assert_no_error (error);
          idem_merkle_frontier_get_root (&frontier, root);
          g_assert_cmpmem (root, 32, roots[size], 32);
          if (size > 1)
            {
              guint8 last[32];

              g_assert_true (idem_merkle_frontier_load (&frontier, size - 1, idem_merkle_tree_get_node, tree, &error));
              leaf_hash_of (size - 1, last);
              idem_merkle_frontier_append (&frontier, last, NULL, NULL);
              idem_merkle_frontier_get_root (&frontier, root);
              g_assert_cmpmem (root, 32, roots[size], 32);
            }
          n_roots++;
        }
      else if (g_str_equal (words[0], "incl"))
        {
          guint64 size = g_ascii_strtoull (words[1], NULL, 10);
          guint64 index = g_ascii_strtoull (words[2], NULL, 10);
          g_autoptr(GBytes) expected = hashes_from_hex (words + 3);
          g_autoptr(GBytes) proof = NULL;
          guint8 leaf[32];

          proof = idem_merkle_inclusion_proof (index, size, idem_merkle_tree_get_node, tree, &error);
          g_assert_no_error (error);
          g_assert_true (g_bytes_equal (proof, expected));

          leaf_hash_of (index, leaf);
          g_assert_true (idem_merkle_verify_inclusion (index, size, leaf,
                                                       g_bytes_get_data (proof, NULL),
                                                       g_bytes_get_size (proof),
                                                       roots[size], &error));
          g_assert_no_error (error);
          check_inclusion_rejects_tampering (tree, size, index, proof, roots[size]);
          n_inclusion++;
        }
      else if (g_str_equal (words[0], "cons"))
        {
          guint64 old_size = g_ascii_strtoull (words[1], NULL, 10);
          guint64 new_size = g_ascii_strtoull (words[2], NULL, 10);
          g_autoptr(GBytes) expected = hashes_from_hex (words + 3);
          g_autoptr(GBytes) proof = NULL;

          proof = idem_merkle_consistency_proof (old_size, new_size, idem_merkle_tree_get_node, tree, &error);
          g_assert_no_error (error);
          g_assert_true (g_bytes_equal (proof, expected));

          g_assert_true (idem_merkle_verify_consistency (old_size, new_size, roots[old_size], roots[new_size],
                                                         g_bytes_get_data (proof, NULL),
                                                         g_bytes_get_size (proof), &error));
          g_assert_no_error (error);
          check_consistency_rejects_tampering (old_size, new_size, proof, roots[old_size], roots[new_size]);
          n_consistency++;
        }
      else
        g_assert_not_reached ();
    }

  g_assert_cmpuint (n_roots, ==, MAX_SIZE);
  g_assert_cmpuint (n_inclusion, ==, MAX_SIZE * (MAX_SIZE + 1) / 2);
  g_assert_cmpuint (n_consistency, ==, MAX_CONSISTENCY * (MAX_CONSISTENCY + 1) / 2);
}

static void
test_bad_ranges (void)
{
  g_autoptr(IdemMerkleTree) tree = tree_of (5);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) proof = NULL;
  guint8 root[32];
  guint8 leaf[32];

  proof = idem_merkle_inclusion_proof (5, 5, idem_merkle_tree_get_node, tree, &error);
  g_assert_null (proof);
  g_assert_error (error, IDEM_MERKLE_ERROR, IDEM_MERKLE_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);

  proof = idem_merkle_consistency_proof (0, 5, idem_merkle_tree_get_node, tree, &error);
  g_assert_error (error, IDEM_MERKLE_ERROR, IDEM_MERKLE_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);

  proof = idem_merkle_consistency_proof (4, 3, idem_merkle_tree_get_node, tree, &error);
  g_assert_error (error, IDEM_MERKLE_ERROR, IDEM_MERKLE_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);

  /* Asking a tree of 5 for a proof in a tree of 8 finds nodes missing. */
  proof = idem_merkle_inclusion_proof (0, 8, idem_merkle_tree_get_node, tree, &error);
  g_assert_null (proof);
  g_assert_error (error, IDEM_MERKLE_ERROR, IDEM_MERKLE_ERROR_MISSING_NODE);
  g_clear_error (&error);

  idem_merkle_tree_get_root (tree, root);
  leaf_hash_of (0, leaf);
  g_assert_false (idem_merkle_verify_inclusion (0, 0, leaf, NULL, 0, root, &error));
  g_assert_error (error, IDEM_MERKLE_ERROR, IDEM_MERKLE_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);

  /* Same size: an empty proof and equal roots, nothing else. */
  g_assert_true (idem_merkle_verify_consistency (5, 5, root, root, NULL, 0, &error));
  g_assert_false (idem_merkle_verify_consistency (5, 5, root, root, root, 32, &error));
  g_assert_error (error, IDEM_MERKLE_ERROR, IDEM_MERKLE_ERROR_BAD_PROOF);
}

/* A large tree: the frontier's root equals the stored tree's, and proofs
 * of a far leaf verify, without the quadratic cost a naive MTH would have. */
static void
test_large_tree (void)
{
  g_autoptr(IdemMerkleTree) tree = tree_of (100003);
  g_autoptr(GBytes) proof = NULL;
  g_autoptr(GError) error = NULL;
  guint8 root[32];
  guint8 stored_root[32];
  guint8 leaf[32];

  idem_merkle_tree_get_root (tree, root);
  g_assert_true (idem_merkle_root (100003, idem_merkle_tree_get_node, tree, stored_root, &error));
  g_assert_cmpmem (root, 32, stored_root, 32);

  proof = idem_merkle_inclusion_proof (77777, 100003, idem_merkle_tree_get_node, tree, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (proof), ==, 17 * 32);
  leaf_hash_of (77777, leaf);
  g_assert_true (idem_merkle_verify_inclusion (77777, 100003, leaf, g_bytes_get_data (proof, NULL),
                                               g_bytes_get_size (proof), root, &error));
  g_assert_no_error (error);
  g_clear_pointer (&proof, g_bytes_unref);

  g_assert_true (idem_merkle_root (65537, idem_merkle_tree_get_node, tree, stored_root, &error));
  proof = idem_merkle_consistency_proof (65537, 100003, idem_merkle_tree_get_node, tree, &error);
  g_assert_no_error (error);
  g_assert_true (idem_merkle_verify_consistency (65537, 100003, stored_root, root,
                                                 g_bytes_get_data (proof, NULL),
                                                 g_bytes_get_size (proof), &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/merkle/empty", test_empty);
  g_test_add_func ("/merkle/rfc-example", test_rfc_example);
  g_test_add_func ("/merkle/oracle", test_against_oracle);
  g_test_add_func ("/merkle/bad-ranges", test_bad_ranges);
  g_test_add_func ("/merkle/large-tree", test_large_tree);

  return g_test_run ();
}
