/* idem-merkle.c — RFC 9162 Merkle tree hashing, proofs and their checks
 *
 * SPDX-License-Identifier: MPL-2.0
 *
 * Written from RFC 9162 (Certificate Transparency 2.0) §2.1: the leaf hash
 * is SHA-256(0x00 ‖ leaf), an interior node SHA-256(0x01 ‖ left ‖ right),
 * and a tree of n leaves splits at k, the largest power of two below n, so
 * its left part is always a perfect subtree.  That is what lets a store
 * keep only perfect subtrees (each written once, when it completes) and
 * still produce the hash of any tree size and any proof in O(log n) reads.
 *
 * The proofs come from the recursive definitions PATH and SUBPROOF; the
 * checks are the iterative algorithms of §2.1.3.2 and §2.1.4.2, which need
 * nothing but the proof, the sizes and the roots.
 */

#define G_LOG_DOMAIN "idem-core"

#include "config.h"

#include "idem-merkle.h"
#include "idem-crypto.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <string.h>

G_DEFINE_QUARK (idem-merkle-error-quark, idem_merkle_error)

#define HASH_SIZE IDEM_MERKLE_HASH_SIZE

/**
 * idem_merkle_hash_leaf:
 * @data: (array length=length): the leaf's bytes
 * @length: their length
 * @hash: (out caller-allocates) (array fixed-size=32): SHA-256(0x00 ‖ data)
 */
void
idem_merkle_hash_leaf (const guint8 *data,
                       gsize         length,
                       guint8       *hash)
{
  g_autoptr(IdemSha256) sha = NULL;
  static const guint8 prefix = 0x00;

  g_return_if_fail (data != NULL || length == 0);
  g_return_if_fail (hash != NULL);

  sha = idem_sha256_new ();
  idem_sha256_update (sha, &prefix, 1);
  if (length > 0)
    idem_sha256_update (sha, data, length);
  idem_sha256_finish (sha, hash);
}

/**
 * idem_merkle_hash_children:
 * @left: (array fixed-size=32): the left child's hash
 * @right: (array fixed-size=32): the right child's hash
 * @hash: (out caller-allocates) (array fixed-size=32): SHA-256(0x01 ‖ left ‖ right)
 */
void
idem_merkle_hash_children (const guint8 *left,
                           const guint8 *right,
                           guint8       *hash)
{
  guint8 buffer[1 + 2 * HASH_SIZE];

  g_return_if_fail (left != NULL && right != NULL && hash != NULL);

  buffer[0] = 0x01;
  memcpy (buffer + 1, left, HASH_SIZE);
  memcpy (buffer + 1 + HASH_SIZE, right, HASH_SIZE);
  idem_sha256 (buffer, sizeof buffer, hash);
}

/**
 * idem_merkle_empty_root:
 * @hash: (out caller-allocates) (array fixed-size=32): the root of the
 *   empty tree, SHA-256 of nothing
 */
void
idem_merkle_empty_root (guint8 *hash)
{
  g_return_if_fail (hash != NULL);

  idem_sha256 (NULL, 0, hash);
}

/* The largest power of two strictly below @n, for n ≥ 2. */
static guint64
split_point (guint64 n)
{
  return G_GUINT64_CONSTANT (1) << (63 - __builtin_clzll (n - 1));
}

static gboolean
subtree_hash (guint64             lo,
              guint64             hi,
              IdemMerkleNodeFunc  get_node,
              gpointer            user_data,
              guint8             *hash,
              GError            **error)
{
  guint64 n = hi - lo;
  guint8 left[HASH_SIZE];
  guint8 right[HASH_SIZE];
  guint64 k;

  /* A perfect, aligned subtree is stored: one read. */
  if ((n & (n - 1)) == 0 && lo % n == 0)
    {
      guint level = __builtin_ctzll (n);

      return get_node (level, lo >> level, hash, user_data, error);
    }

  k = split_point (n);
  if (!subtree_hash (lo, lo + k, get_node, user_data, left, error) ||
      !subtree_hash (lo + k, hi, get_node, user_data, right, error))
    return FALSE;

  idem_merkle_hash_children (left, right, hash);
  return TRUE;
}

/**
 * idem_merkle_frontier_init:
 * @frontier: a frontier to reset to the empty tree
 */
void
idem_merkle_frontier_init (IdemMerkleFrontier *frontier)
{
  g_return_if_fail (frontier != NULL);

  memset (frontier, 0, sizeof *frontier);
}

/**
 * idem_merkle_frontier_append:
 * @frontier: the right edge of a tree
 * @leaf_hash: (array fixed-size=32): the new leaf's hash
 * @sink: (nullable) (scope call): told about the leaf and every subtree
 *   the append completes, bottom up
 * @user_data: data for @sink
 *
 * Appends one leaf: O(log n) hashing at worst, one on average.
 */
void
idem_merkle_frontier_append (IdemMerkleFrontier *frontier,
                             const guint8       *leaf_hash,
                             IdemMerkleNodeSink  sink,
                             gpointer            user_data)
{
  guint8 hash[HASH_SIZE];
  guint64 index;
  guint level = 0;

  g_return_if_fail (frontier != NULL);
  g_return_if_fail (leaf_hash != NULL);
  g_return_if_fail (frontier->size < G_MAXUINT64);

  index = frontier->size;
  memcpy (hash, leaf_hash, HASH_SIZE);
  if (sink != NULL)
    sink (0, index, hash, user_data);

  /* Like a binary counter's carry: each set low bit is a perfect subtree
   * on the left of the new one, and they merge. */
  while (frontier->size & (G_GUINT64_CONSTANT (1) << level))
    {
      idem_merkle_hash_children (frontier->nodes[level], hash, hash);
      level++;
      index >>= 1;
      if (sink != NULL)
        sink (level, index, hash, user_data);
    }

  memcpy (frontier->nodes[level], hash, HASH_SIZE);
  frontier->size++;
}

/**
 * idem_merkle_frontier_get_root:
 * @frontier: the right edge of a tree
 * @root: (out caller-allocates) (array fixed-size=32): the tree's root hash
 */
void
idem_merkle_frontier_get_root (const IdemMerkleFrontier *frontier,
                               guint8                   *root)
{
  gboolean have = FALSE;

  g_return_if_fail (frontier != NULL);
  g_return_if_fail (root != NULL);

  if (frontier->size == 0)
    {
      idem_merkle_empty_root (root);
      return;
    }

  /* MTH splits off the largest perfect subtree on the left, so the root
   * folds the edge from the smallest subtree up to the largest. */
  for (guint level = 0; level < IDEM_MERKLE_MAX_LEVELS; level++)
    {
      if (!(frontier->size & (G_GUINT64_CONSTANT (1) << level)))
        continue;

      if (!have)
        memcpy (root, frontier->nodes[level], HASH_SIZE);
      else
        idem_merkle_hash_children (frontier->nodes[level], root, root);
      have = TRUE;
    }
}

/**
 * idem_merkle_frontier_load:
 * @frontier: (out caller-allocates): the frontier to fill
 * @size: the tree's size
 * @get_node: (scope call): reads stored subtrees
 * @user_data: data for @get_node
 * @error: return location for an error
 *
 * Rebuilds the right edge of a stored tree of @size leaves with one read
 * per bit of @size, so a restart does not rehash the log.
 *
 * Returns: whether every node was read
 */
gboolean
idem_merkle_frontier_load (IdemMerkleFrontier  *frontier,
                           guint64              size,
                           IdemMerkleNodeFunc   get_node,
                           gpointer             user_data,
                           GError             **error)
{
  g_return_val_if_fail (frontier != NULL, FALSE);
  g_return_val_if_fail (get_node != NULL, FALSE);

  idem_merkle_frontier_init (frontier);
  for (guint level = 0; level < IDEM_MERKLE_MAX_LEVELS; level++)
    {
      if (!(size & (G_GUINT64_CONSTANT (1) << level)))
        continue;

      if (!get_node (level, (size >> level) - 1, frontier->nodes[level], user_data, error))
        return FALSE;
    }

  frontier->size = size;
  return TRUE;
}

/**
 * idem_merkle_root:
 * @size: a tree size, at most the stored tree's
 * @get_node: (scope call): reads stored subtrees
 * @user_data: data for @get_node
 * @root: (out caller-allocates) (array fixed-size=32): MTH of the first
 *   @size leaves
 * @error: return location for an error
 *
 * Returns: whether @root was computed
 */
gboolean
idem_merkle_root (guint64              size,
                  IdemMerkleNodeFunc   get_node,
                  gpointer             user_data,
                  guint8              *root,
                  GError             **error)
{
  g_return_val_if_fail (get_node != NULL, FALSE);
  g_return_val_if_fail (root != NULL, FALSE);

  if (size == 0)
    {
      idem_merkle_empty_root (root);
      return TRUE;
    }

  return subtree_hash (0, size, get_node, user_data, root, error);
}

static gboolean
append_subtree (GByteArray          *proof,
                guint64              lo,
                guint64              hi,
                IdemMerkleNodeFunc   get_node,
                gpointer             user_data,
                GError             **error)
{
  guint8 hash[HASH_SIZE];

  if (!subtree_hash (lo, hi, get_node, user_data, hash, error))
    return FALSE;

  g_byte_array_append (proof, hash, HASH_SIZE);
  return TRUE;
}

/* PATH(m, D[lo:hi]) of RFC 9162 §2.1.3.1, with m counted from lo. */
static gboolean
audit_path (GByteArray          *proof,
            guint64              m,
            guint64              lo,
            guint64              hi,
            IdemMerkleNodeFunc   get_node,
            gpointer             user_data,
            GError             **error)
{
  guint64 k;

  if (hi - lo == 1)
    return TRUE;

  k = split_point (hi - lo);
  if (m < k)
    return audit_path (proof, m, lo, lo + k, get_node, user_data, error) &&
           append_subtree (proof, lo + k, hi, get_node, user_data, error);
  else
    return audit_path (proof, m - k, lo + k, hi, get_node, user_data, error) &&
           append_subtree (proof, lo, lo + k, get_node, user_data, error);
}

/**
 * idem_merkle_inclusion_proof:
 * @index: the leaf, from 0
 * @size: the tree size the proof is for; more than @index
 * @get_node: (scope call): reads stored subtrees of a tree of at least
 *   @size leaves
 * @user_data: data for @get_node
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the audit path, hashes of 32 bytes
 *   one after another, from the leaf's sibling up
 */
GBytes *
idem_merkle_inclusion_proof (guint64              index,
                             guint64              size,
                             IdemMerkleNodeFunc   get_node,
                             gpointer             user_data,
                             GError             **error)
{
  g_autoptr(GByteArray) proof = g_byte_array_new ();

  g_return_val_if_fail (get_node != NULL, NULL);

  if (index >= size)
    {
      g_set_error (error, IDEM_MERKLE_ERROR, IDEM_MERKLE_ERROR_OUT_OF_RANGE,
                   _("Leaf %" PRIu64 " is not in a tree of %" PRIu64 " leaves"),
                   index, size);
      return NULL;
    }

  if (!audit_path (proof, index, 0, size, get_node, user_data, error))
    return NULL;

  return g_byte_array_free_to_bytes (g_steal_pointer (&proof));
}

/* SUBPROOF(m, D[lo:hi], b) of RFC 9162 §2.1.4.1. */
static gboolean
subproof (GByteArray          *proof,
          guint64              m,
          guint64              lo,
          guint64              hi,
          gboolean             complete,
          IdemMerkleNodeFunc   get_node,
          gpointer             user_data,
          GError             **error)
{
  guint64 k;

  if (m == hi - lo)
    return complete || append_subtree (proof, lo, hi, get_node, user_data, error);

  k = split_point (hi - lo);
  if (m <= k)
    return subproof (proof, m, lo, lo + k, complete, get_node, user_data, error) &&
           append_subtree (proof, lo + k, hi, get_node, user_data, error);
  else
    return subproof (proof, m - k, lo + k, hi, FALSE, get_node, user_data, error) &&
           append_subtree (proof, lo, lo + k, get_node, user_data, error);
}

/**
 * idem_merkle_consistency_proof:
 * @old_size: the earlier tree size, at least 1
 * @new_size: the later tree size, at least @old_size
 * @get_node: (scope call): reads stored subtrees of a tree of at least
 *   @new_size leaves
 * @user_data: data for @get_node
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the proof that the tree of
 *   @old_size leaves is a prefix of the one of @new_size leaves, hashes of
 *   32 bytes one after another; empty when the sizes are equal
 */
GBytes *
idem_merkle_consistency_proof (guint64              old_size,
                               guint64              new_size,
                               IdemMerkleNodeFunc   get_node,
                               gpointer             user_data,
                               GError             **error)
{
  g_autoptr(GByteArray) proof = g_byte_array_new ();

  g_return_val_if_fail (get_node != NULL, NULL);

  if (old_size == 0 || old_size > new_size)
    {
      g_set_error (error, IDEM_MERKLE_ERROR, IDEM_MERKLE_ERROR_OUT_OF_RANGE,
                   _("No consistency proof goes from %" PRIu64 " to %" PRIu64 " leaves"),
                   old_size, new_size);
      return NULL;
    }

  if (old_size < new_size &&
      !subproof (proof, old_size, 0, new_size, TRUE, get_node, user_data, error))
    return NULL;

  return g_byte_array_free_to_bytes (g_steal_pointer (&proof));
}

static gboolean
bad_proof (GError     **error,
           const char  *message)
{
  g_set_error_literal (error, IDEM_MERKLE_ERROR, IDEM_MERKLE_ERROR_BAD_PROOF, message);
  return FALSE;
}

/**
 * idem_merkle_verify_inclusion:
 * @index: the leaf, from 0
 * @size: the tree size of @root
 * @leaf_hash: (array fixed-size=32): the leaf's hash
 * @proof: (array length=proof_length) (nullable): the audit path
 * @proof_length: its length in bytes, a multiple of 32
 * @root: (array fixed-size=32): the root the path must lead to
 * @error: return location for an error
 *
 * RFC 9162 §2.1.3.2.
 *
 * Returns: whether the leaf is at @index in the tree of @root
 */
gboolean
idem_merkle_verify_inclusion (guint64       index,
                              guint64       size,
                              const guint8 *leaf_hash,
                              const guint8 *proof,
                              gsize         proof_length,
                              const guint8 *root,
                              GError      **error)
{
  guint8 r[HASH_SIZE];
  guint64 fn = index;
  guint64 sn;

  g_return_val_if_fail (leaf_hash != NULL && root != NULL, FALSE);
  g_return_val_if_fail (proof != NULL || proof_length == 0, FALSE);

  if (index >= size)
    {
      g_set_error (error, IDEM_MERKLE_ERROR, IDEM_MERKLE_ERROR_OUT_OF_RANGE,
                   _("Leaf %" PRIu64 " is not in a tree of %" PRIu64 " leaves"),
                   index, size);
      return FALSE;
    }

  if (proof_length % HASH_SIZE != 0)
    return bad_proof (error, _("The proof’s length is not a whole number of hashes"));

  sn = size - 1;
  memcpy (r, leaf_hash, HASH_SIZE);

  for (gsize offset = 0; offset < proof_length; offset += HASH_SIZE)
    {
      const guint8 *p = proof + offset;

      if (sn == 0)
        return bad_proof (error, _("The inclusion proof is too long"));

      if ((fn & 1) || fn == sn)
        {
          idem_merkle_hash_children (p, r, r);
          while (!(fn & 1) && fn != 0)
            {
              fn >>= 1;
              sn >>= 1;
            }
        }
      else
        idem_merkle_hash_children (r, p, r);

      fn >>= 1;
      sn >>= 1;
    }

  if (sn != 0)
    return bad_proof (error, _("The inclusion proof is too short"));

  if (!idem_crypto_equal (r, root, HASH_SIZE))
    return bad_proof (error, _("The inclusion proof does not lead to the root"));

  return TRUE;
}

/**
 * idem_merkle_verify_consistency:
 * @old_size: the earlier tree size, at least 1
 * @new_size: the later tree size
 * @old_root: (array fixed-size=32): the earlier root
 * @new_root: (array fixed-size=32): the later root
 * @proof: (array length=proof_length) (nullable): the consistency proof
 * @proof_length: its length in bytes, a multiple of 32
 * @error: return location for an error
 *
 * RFC 9162 §2.1.4.2: the later tree only appended leaves to the earlier.
 *
 * Returns: whether the proof holds
 */
gboolean
idem_merkle_verify_consistency (guint64       old_size,
                                guint64       new_size,
                                const guint8 *old_root,
                                const guint8 *new_root,
                                const guint8 *proof,
                                gsize         proof_length,
                                GError      **error)
{
  guint8 fr[HASH_SIZE];
  guint8 sr[HASH_SIZE];
  const guint8 *first;
  gsize offset;
  guint64 fn;
  guint64 sn;

  g_return_val_if_fail (old_root != NULL && new_root != NULL, FALSE);
  g_return_val_if_fail (proof != NULL || proof_length == 0, FALSE);

  if (old_size == 0 || old_size > new_size)
    {
      g_set_error (error, IDEM_MERKLE_ERROR, IDEM_MERKLE_ERROR_OUT_OF_RANGE,
                   _("No consistency proof goes from %" PRIu64 " to %" PRIu64 " leaves"),
                   old_size, new_size);
      return FALSE;
    }

  if (proof_length % HASH_SIZE != 0)
    return bad_proof (error, _("The proof’s length is not a whole number of hashes"));

  if (old_size == new_size)
    {
      if (proof_length != 0)
        return bad_proof (error, _("The consistency proof between equal sizes must be empty"));
      if (!idem_crypto_equal (old_root, new_root, HASH_SIZE))
        return bad_proof (error, _("Two trees of the same size have different roots"));
      return TRUE;
    }

  if (proof_length == 0)
    return bad_proof (error, _("The consistency proof is empty"));

  /* When the old tree is a perfect subtree, its root is the proof's
   * implicit first element. */
  if ((old_size & (old_size - 1)) == 0)
    {
      first = old_root;
      offset = 0;
    }
  else
    {
      first = proof;
      offset = HASH_SIZE;
    }

  fn = old_size - 1;
  sn = new_size - 1;
  while (fn & 1)
    {
      fn >>= 1;
      sn >>= 1;
    }

  memcpy (fr, first, HASH_SIZE);
  memcpy (sr, first, HASH_SIZE);

  for (; offset < proof_length; offset += HASH_SIZE)
    {
      const guint8 *c = proof + offset;

      if (sn == 0)
        return bad_proof (error, _("The consistency proof is too long"));

      if ((fn & 1) || fn == sn)
        {
          idem_merkle_hash_children (c, fr, fr);
          idem_merkle_hash_children (c, sr, sr);
          while (!(fn & 1) && fn != 0)
            {
              fn >>= 1;
              sn >>= 1;
            }
        }
      else
        idem_merkle_hash_children (sr, c, sr);

      fn >>= 1;
      sn >>= 1;
    }

  if (sn != 0)
    return bad_proof (error, _("The consistency proof is too short"));

  if (!idem_crypto_equal (fr, old_root, HASH_SIZE) ||
      !idem_crypto_equal (sr, new_root, HASH_SIZE))
    return bad_proof (error, _("The consistency proof does not lead to both roots"));

  return TRUE;
}

/* In memory: every perfect subtree, level by level, for the offline
 * verifier (which recomputes a whole log) and for tests. */
struct _IdemMerkleTree
{
  GPtrArray          *levels;   /* of GByteArray, HASH_SIZE per node */
  IdemMerkleFrontier  frontier;
};

/**
 * idem_merkle_tree_new:
 *
 * Returns: (transfer full): an empty tree kept in memory, 64 bytes per leaf
 */
IdemMerkleTree *
idem_merkle_tree_new (void)
{
  IdemMerkleTree *self = g_new0 (IdemMerkleTree, 1);

  self->levels = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
  idem_merkle_frontier_init (&self->frontier);
  return self;
}

void
idem_merkle_tree_free (IdemMerkleTree *self)
{
  if (self == NULL)
    return;

  g_ptr_array_unref (self->levels);
  g_free (self);
}

static void
store_node_cb (guint         level,
               guint64       index,
               const guint8 *hash,
               gpointer      user_data)
{
  IdemMerkleTree *self = user_data;

  if (level == self->levels->len)
    g_ptr_array_add (self->levels, g_byte_array_new ());

  g_byte_array_append (g_ptr_array_index (self->levels, level), hash, HASH_SIZE);
}

/**
 * idem_merkle_tree_append:
 * @self: a tree
 * @leaf_hash: (array fixed-size=32): the new leaf's hash
 */
void
idem_merkle_tree_append (IdemMerkleTree *self,
                         const guint8   *leaf_hash)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (leaf_hash != NULL);

  idem_merkle_frontier_append (&self->frontier, leaf_hash, store_node_cb, self);
}

guint64
idem_merkle_tree_get_size (IdemMerkleTree *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->frontier.size;
}

/**
 * idem_merkle_tree_get_root:
 * @self: a tree
 * @root: (out caller-allocates) (array fixed-size=32): its root hash
 */
void
idem_merkle_tree_get_root (IdemMerkleTree *self,
                           guint8         *root)
{
  g_return_if_fail (self != NULL);

  idem_merkle_frontier_get_root (&self->frontier, root);
}

/**
 * idem_merkle_tree_get_node: (skip)
 * @level: the subtree's height
 * @index: its index at that height
 * @hash: (out caller-allocates) (array fixed-size=32): its hash
 * @tree: an #IdemMerkleTree
 * @error: return location for an error
 *
 * An #IdemMerkleNodeFunc over an in-memory tree: pass it with the tree to
 * idem_merkle_root() and the proof functions.
 *
 * Returns: whether the subtree is complete in @tree
 */
gboolean
idem_merkle_tree_get_node (guint     level,
                           guint64   index,
                           guint8   *hash,
                           gpointer  tree,
                           GError  **error)
{
  IdemMerkleTree *self = tree;
  GByteArray *nodes;

  g_return_val_if_fail (self != NULL, FALSE);

  if (level >= self->levels->len ||
      index >= (nodes = g_ptr_array_index (self->levels, level))->len / HASH_SIZE)
    {
      g_set_error (error, IDEM_MERKLE_ERROR, IDEM_MERKLE_ERROR_MISSING_NODE,
                   _("The tree has no complete subtree %" PRIu64 " at level %u"),
                   index, level);
      return FALSE;
    }

  memcpy (hash, nodes->data + index * HASH_SIZE, HASH_SIZE);
  return TRUE;
}
