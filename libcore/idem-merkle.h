/* idem-merkle.h — RFC 9162 Merkle tree hashing, proofs and their checks
 *
 * SPDX-License-Identifier: MPL-2.0
 */

#pragma once

#if !defined(IDEM_INSIDE) && !defined(IDEM_COMPILATION)
# error "Only <idem.h> can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

#define IDEM_MERKLE_HASH_SIZE 32

/* A frontier holds one perfect subtree root per bit of the tree size. */
#define IDEM_MERKLE_MAX_LEVELS 64

#define IDEM_MERKLE_ERROR (idem_merkle_error_quark ())

/**
 * IdemMerkleError:
 * @IDEM_MERKLE_ERROR_OUT_OF_RANGE: an index or size lies outside the tree,
 *   or a pair of sizes is in the wrong order
 * @IDEM_MERKLE_ERROR_BAD_PROOF: a proof has the wrong length or does not
 *   lead to the expected root
 * @IDEM_MERKLE_ERROR_MISSING_NODE: the node store lacks a hash it should hold
 *
 * Stable error codes of %IDEM_MERKLE_ERROR: values are never renumbered.
 */
typedef enum
{
  IDEM_MERKLE_ERROR_OUT_OF_RANGE = 1,
  IDEM_MERKLE_ERROR_BAD_PROOF = 2,
  IDEM_MERKLE_ERROR_MISSING_NODE = 3,
} IdemMerkleError;

/**
 * IdemMerkleNodeFunc:
 * @level: the height of the subtree: 0 for a leaf
 * @index: which subtree of that height, counting from the left
 * @hash: (out caller-allocates) (array fixed-size=32): where to write it
 * @user_data: the data given with the function
 * @error: return location for an error
 *
 * Reads the stored hash of the perfect subtree that covers the leaves
 * [@index × 2^@level, (@index + 1) × 2^@level).  Proof generation asks only
 * for subtrees that are complete in the tree it works on.
 *
 * Returns: whether @hash was written
 */
typedef gboolean (*IdemMerkleNodeFunc) (guint     level,
                                        guint64   index,
                                        guint8   *hash,
                                        gpointer  user_data,
                                        GError  **error);

/**
 * IdemMerkleFrontier:
 * @size: the number of leaves appended
 * @nodes: @nodes[level] is the root of the perfect subtree of 2^level
 *   leaves at the right edge of the tree, for each bit set in @size
 *
 * The right edge of an append-only tree: enough to append in O(log n) and
 * to compute the root hash in O(log n), without the leaves.
 */
typedef struct
{
  guint64 size;
  guint8  nodes[IDEM_MERKLE_MAX_LEVELS][IDEM_MERKLE_HASH_SIZE];
} IdemMerkleFrontier;

/**
 * IdemMerkleNodeSink:
 * @level: the height of a subtree that has just become complete
 * @index: its index at that height
 * @hash: (array fixed-size=32): its hash
 * @user_data: the data given to idem_merkle_frontier_append()
 *
 * Receives the subtrees an append completes, for a caller that stores them
 * to answer proofs later.
 */
typedef void (*IdemMerkleNodeSink) (guint         level,
                                    guint64       index,
                                    const guint8 *hash,
                                    gpointer      user_data);

typedef struct _IdemMerkleTree IdemMerkleTree;

GQuark          idem_merkle_error_quark              (void);

void            idem_merkle_hash_leaf                (const guint8        *data,
                                                      gsize                length,
                                                      guint8              *hash);
void            idem_merkle_hash_children            (const guint8        *left,
                                                      const guint8        *right,
                                                      guint8              *hash);
void            idem_merkle_empty_root               (guint8              *hash);

void            idem_merkle_frontier_init            (IdemMerkleFrontier  *frontier);
void            idem_merkle_frontier_append          (IdemMerkleFrontier  *frontier,
                                                      const guint8        *leaf_hash,
                                                      IdemMerkleNodeSink   sink,
                                                      gpointer             user_data);
void            idem_merkle_frontier_get_root        (const IdemMerkleFrontier *frontier,
                                                      guint8              *root);
gboolean        idem_merkle_frontier_load            (IdemMerkleFrontier  *frontier,
                                                      guint64              size,
                                                      IdemMerkleNodeFunc   get_node,
                                                      gpointer             user_data,
                                                      GError             **error);

gboolean        idem_merkle_root                     (guint64              size,
                                                      IdemMerkleNodeFunc   get_node,
                                                      gpointer             user_data,
                                                      guint8              *root,
                                                      GError             **error);
GBytes         *idem_merkle_inclusion_proof          (guint64              index,
                                                      guint64              size,
                                                      IdemMerkleNodeFunc   get_node,
                                                      gpointer             user_data,
                                                      GError             **error);
GBytes         *idem_merkle_consistency_proof        (guint64              old_size,
                                                      guint64              new_size,
                                                      IdemMerkleNodeFunc   get_node,
                                                      gpointer             user_data,
                                                      GError             **error);
gboolean        idem_merkle_verify_inclusion         (guint64              index,
                                                      guint64              size,
                                                      const guint8        *leaf_hash,
                                                      const guint8        *proof,
                                                      gsize                proof_length,
                                                      const guint8        *root,
                                                      GError             **error);
gboolean        idem_merkle_verify_consistency       (guint64              old_size,
                                                      guint64              new_size,
                                                      const guint8        *old_root,
                                                      const guint8        *new_root,
                                                      const guint8        *proof,
                                                      gsize                proof_length,
                                                      GError             **error);

IdemMerkleTree *idem_merkle_tree_new                 (void);
void            idem_merkle_tree_free                (IdemMerkleTree      *self);
void            idem_merkle_tree_append              (IdemMerkleTree      *self,
                                                      const guint8        *leaf_hash);
guint64         idem_merkle_tree_get_size            (IdemMerkleTree      *self);
void            idem_merkle_tree_get_root            (IdemMerkleTree      *self,
                                                      guint8              *root);
gboolean        idem_merkle_tree_get_node            (guint                level,
                                                      guint64              index,
                                                      guint8              *hash,
                                                      gpointer             tree,
                                                      GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdemMerkleTree, idem_merkle_tree_free)

G_END_DECLS
