#pragma once

// RFC 6962 / RFC 9162 Merkle tree hashing, proof generation and proof verification.
// The stored format built on top of these functions is described in docs/audit_log_format.md.

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/crypto.h"
#include "common/status.h"

namespace vakt::audit {

inline constexpr size_t kHashSize = 32;

// Hash is one SHA-256 value: a leaf hash, an interior node hash or a tree root.
using Hash = Sha256Digest;

// HashLeaf returns SHA-256(0x00 || data), the RFC 6962 leaf hash.
Hash HashLeaf(std::string_view data);
// HashChildren returns SHA-256(0x01 || left || right), the RFC 6962 interior node hash.
Hash HashChildren(const Hash& left, const Hash& right);
// HashChildrenBytes is HashChildren over arbitrary byte strings; only for known-answer tests.
Hash HashChildrenBytes(std::string_view left, std::string_view right);
// EmptyRoot returns MTH({}) = SHA-256("").
Hash EmptyRoot();

// HashToHex renders lowercase hex; HashFromHex accepts exactly 64 hex digits.
std::string HashToHex(const Hash& hash);
Result<Hash> HashFromHex(std::string_view hex);
// HashFromBytes accepts exactly kHashSize bytes, else InvalidArgument naming `what`.
Result<Hash> HashFromBytes(std::string_view bytes, std::string_view what);
std::string_view HashBytes(const Hash& hash);

// LargestPowerOfTwoBelow returns the largest power of two k with k < n. REQUIRES: n > 1.
std::uint64_t LargestPowerOfTwoBelow(std::uint64_t n);

// RootFromLeafHashes computes MTH over the given leaf hashes (RFC 6962 §2.1). O(n).
Hash RootFromLeafHashes(std::span<const Hash> leaf_hashes);

// RangeHasher returns MTH(D[begin:end]) for a range that the RFC 6962 recursion visits; proof
// generation is written once against it so the O(n) reference (a span of leaf hashes) and the
// O(log n) MerkleTree share the algorithm.
using RangeHasher = std::function<Hash(std::uint64_t begin, std::uint64_t end)>;

// InclusionProofFor returns PATH(index, D[size]) (RFC 6962 §2.1.1), leaf side first.
// InvalidArgument if index >= size.
Result<std::vector<Hash>> InclusionProofFor(const RangeHasher& hasher, std::uint64_t index,
                                            std::uint64_t size);
// ConsistencyProofFor returns PROOF(old_size, D[new_size]) (RFC 6962 §2.1.2).
// InvalidArgument unless 0 < old_size <= new_size (an empty proof when the sizes are equal).
Result<std::vector<Hash>> ConsistencyProofFor(const RangeHasher& hasher, std::uint64_t old_size,
                                              std::uint64_t new_size);

// Reference proof generation over all leaf hashes in memory (O(n) per proof). REQUIRES for a
// success: size <= leaf_hashes.size().
Result<std::vector<Hash>> InclusionProof(std::span<const Hash> leaf_hashes, std::uint64_t index,
                                         std::uint64_t size);
Result<std::vector<Hash>> ConsistencyProof(std::span<const Hash> leaf_hashes,
                                           std::uint64_t old_size, std::uint64_t new_size);

// Verification (RFC 9162 §2.1.3.2 and §2.1.4.2, the iterative fn/sn bit walk).
//
// Every verifier returns Ok when the proof is valid, InvalidArgument when the input is malformed
// (a hash that is not 32 bytes, index >= size, old_size > new_size, old_size == 0, a proof of
// the wrong length) and Corruption when the input is well formed but the hashes do not match.
// The message always says why. Inputs are raw byte strings so that wrong lengths are reported
// rather than truncated or padded.
//
// Policy (docs/audit_log_format.md): a consistency proof from size 0 is rejected, as in
// transparency-dev/merkle; equal sizes require an empty proof and equal roots.
Status VerifyInclusion(std::uint64_t index, std::uint64_t size, std::string_view leaf_hash,
                       std::span<const std::string> proof, std::string_view root);
Status VerifyConsistency(std::uint64_t old_size, std::uint64_t new_size,
                         std::span<const std::string> proof, std::string_view old_root,
                         std::string_view new_root);

// Typed conveniences over the byte-string verifiers.
Status VerifyInclusion(std::uint64_t index, std::uint64_t size, const Hash& leaf_hash,
                       std::span<const Hash> proof, const Hash& root);
Status VerifyConsistency(std::uint64_t old_size, std::uint64_t new_size,
                         std::span<const Hash> proof, const Hash& old_root, const Hash& new_root);

// RootFromInclusionProof runs the RFC 9162 §2.1.3.2 walk and returns the root it implies.
Result<Hash> RootFromInclusionProof(std::uint64_t index, std::uint64_t size, const Hash& leaf_hash,
                                    std::span<const Hash> proof);

}  // namespace vakt::audit
