#!/usr/bin/env python3
# SPDX-License-Identifier: MPL-2.0
#
# An independent RFC 9162 §2.1 Merkle tree, written straight from the
# recursive definitions (MTH, PATH, SUBPROOF) with hashlib, to check the C
# implementation against.  Leaf i of every tree is the ASCII text "leaf-i".
#
# Prints, one per line:
#   root N HEX
#   incl N M HEX...        (the audit path of leaf M in the tree of N leaves)
#   cons M N HEX...        (the consistency proof from M to N leaves)

import hashlib
import sys


def leaf_hash(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def split(n):
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(leaves):
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaf_hash(leaves[0])
    k = split(n)
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def path(m, leaves):
    n = len(leaves)
    if n == 1:
        return []
    k = split(n)
    if m < k:
        return path(m, leaves[:k]) + [mth(leaves[k:])]
    return path(m - k, leaves[k:]) + [mth(leaves[:k])]


def subproof(m, leaves, complete):
    n = len(leaves)
    if m == n:
        return [] if complete else [mth(leaves)]
    k = split(n)
    if m <= k:
        return subproof(m, leaves[:k], complete) + [mth(leaves[k:])]
    return subproof(m - k, leaves[k:], False) + [mth(leaves[:k])]


def main():
    max_size = int(sys.argv[1])
    max_consistency = int(sys.argv[2])
    leaves = [("leaf-%d" % i).encode() for i in range(max_size)]
    out = sys.stdout
    for n in range(1, max_size + 1):
        tree = leaves[:n]
        out.write("root %d %s\n" % (n, mth(tree).hex()))
        for m in range(n):
            out.write("incl %d %d %s\n" % (n, m, " ".join(h.hex() for h in path(m, tree))))
    for n in range(1, max_consistency + 1):
        for m in range(1, n + 1):
            proof = subproof(m, leaves[:n], True)
            out.write("cons %d %d %s\n" % (m, n, " ".join(h.hex() for h in proof)))


main()
