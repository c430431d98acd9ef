#include "audit/merkle.h"

#include <openssl/evp.h>

#include <bit>
#include <memory>
#include <string>

namespace vakt::audit {
namespace {

// Hashing sits on the append and verify hot paths (two hashes per leaf), so each thread keeps one
// digest context and the SHA-256 implementation is fetched once instead of per call.
class Sha256Hasher {
 public:
  Sha256Hasher() : md_(EVP_MD_fetch(nullptr, "SHA256", nullptr)), ctx_(EVP_MD_CTX_new()) {}
  ~Sha256Hasher() {
    EVP_MD_CTX_free(ctx_);
    EVP_MD_free(md_);
  }
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  Hash Digest(std::uint8_t prefix, std::string_view first, std::string_view second) {
    Hash out{};
    unsigned int length = 0;
    EVP_DigestInit_ex2(ctx_, md_, nullptr);
    EVP_DigestUpdate(ctx_, &prefix, 1);
    EVP_DigestUpdate(ctx_, first.data(), first.size());
    if (!second.empty()) EVP_DigestUpdate(ctx_, second.data(), second.size());
    EVP_DigestFinal_ex(ctx_, out.data(), &length);
    return out;
  }

  static Sha256Hasher& ForThread() {
    thread_local Sha256Hasher hasher;
    return hasher;
  }

 private:
  EVP_MD* md_;
  EVP_MD_CTX* ctx_;
};

Hash RangeRoot(std::span<const Hash> leaves) {
  if (leaves.empty()) return EmptyRoot();
  if (leaves.size() == 1) return leaves[0];
  const std::uint64_t split = LargestPowerOfTwoBelow(leaves.size());
  return HashChildren(RangeRoot(leaves.subspan(0, split)), RangeRoot(leaves.subspan(split)));
}

// AppendPath implements PATH(m, D[begin:end]) from RFC 6962 §2.1.1.
void AppendPath(const RangeHasher& hasher, std::uint64_t index, std::uint64_t begin,
                std::uint64_t end, std::vector<Hash>& out) {
  if (end - begin <= 1) return;
  const std::uint64_t split = LargestPowerOfTwoBelow(end - begin);
  if (index < split) {
    AppendPath(hasher, index, begin, begin + split, out);
    out.push_back(hasher(begin + split, end));
  } else {
    AppendPath(hasher, index - split, begin + split, end, out);
    out.push_back(hasher(begin, begin + split));
  }
}

// AppendSubproof implements SUBPROOF(m, D[begin:end], complete) from RFC 6962 §2.1.2.
void AppendSubproof(const RangeHasher& hasher, std::uint64_t old_size, std::uint64_t begin,
                    std::uint64_t end, bool complete, std::vector<Hash>& out) {
  const std::uint64_t size = end - begin;
  if (old_size == size) {
    if (!complete) out.push_back(hasher(begin, end));
    return;
  }
  const std::uint64_t split = LargestPowerOfTwoBelow(size);
  if (old_size <= split) {
    AppendSubproof(hasher, old_size, begin, begin + split, complete, out);
    out.push_back(hasher(begin + split, end));
  } else {
    AppendSubproof(hasher, old_size - split, begin + split, end, false, out);
    out.push_back(hasher(begin, begin + split));
  }
}

RangeHasher SpanHasher(std::span<const Hash> leaves) {
  return [leaves](std::uint64_t begin, std::uint64_t end) {
    return RangeRoot(leaves.subspan(begin, end - begin));
  };
}

std::string SizeText(std::uint64_t value) { return std::to_string(value); }

Result<std::vector<Hash>> ParseProof(std::span<const std::string> proof) {
  std::vector<Hash> hashes;
  hashes.reserve(proof.size());
  for (size_t pos = 0; pos < proof.size(); ++pos) {
    VAKT_ASSIGN_OR_RETURN(Hash hash, HashFromBytes(proof[pos], "proof[" + SizeText(pos) + "]"));
    hashes.push_back(hash);
  }
  return hashes;
}

}  // namespace

Hash HashLeaf(std::string_view data) { return Sha256Hasher::ForThread().Digest(0x00, data, {}); }

Hash HashChildren(const Hash& left, const Hash& right) {
  return Sha256Hasher::ForThread().Digest(0x01, HashBytes(left), HashBytes(right));
}

Hash HashChildrenBytes(std::string_view left, std::string_view right) {
  return Sha256Hasher::ForThread().Digest(0x01, left, right);
}

Hash EmptyRoot() { return Sha256(""); }

std::string HashToHex(const Hash& hash) { return HexEncode(hash); }

Result<Hash> HashFromHex(std::string_view hex) {
  VAKT_ASSIGN_OR_RETURN(std::string bytes, HexDecode(hex));
  return HashFromBytes(bytes, "hash");
}

Result<Hash> HashFromBytes(std::string_view bytes, std::string_view what) {
  if (bytes.size() != kHashSize) {
    return Status::InvalidArgument(std::string(what) + " is " + SizeText(bytes.size()) +
                                   " bytes, want " + SizeText(kHashSize));
  }
  Hash hash{};
  std::copy(bytes.begin(), bytes.end(), reinterpret_cast<char*>(hash.data()));
  return hash;
}

std::string_view HashBytes(const Hash& hash) {
  return {reinterpret_cast<const char*>(hash.data()), hash.size()};
}

std::uint64_t LargestPowerOfTwoBelow(std::uint64_t n) { return std::bit_floor(n - 1); }

Hash RootFromLeafHashes(std::span<const Hash> leaf_hashes) { return RangeRoot(leaf_hashes); }

Result<std::vector<Hash>> InclusionProofFor(const RangeHasher& hasher, std::uint64_t index,
                                            std::uint64_t size) {
  if (index >= size) {
    return Status::InvalidArgument("leaf index " + SizeText(index) + " is not below tree size " +
                                   SizeText(size));
  }
  std::vector<Hash> proof;
  AppendPath(hasher, index, 0, size, proof);
  return proof;
}

Result<std::vector<Hash>> ConsistencyProofFor(const RangeHasher& hasher, std::uint64_t old_size,
                                              std::uint64_t new_size) {
  if (old_size == 0 || old_size > new_size) {
    return Status::InvalidArgument("consistency proof needs 0 < old size <= new size, got " +
                                   SizeText(old_size) + " and " + SizeText(new_size));
  }
  std::vector<Hash> proof;
  AppendSubproof(hasher, old_size, 0, new_size, true, proof);
  return proof;
}

Result<std::vector<Hash>> InclusionProof(std::span<const Hash> leaf_hashes, std::uint64_t index,
                                         std::uint64_t size) {
  if (size > leaf_hashes.size()) {
    return Status::InvalidArgument("tree size " + SizeText(size) + " exceeds the " +
                                   SizeText(leaf_hashes.size()) + " leaves known");
  }
  return InclusionProofFor(SpanHasher(leaf_hashes), index, size);
}

Result<std::vector<Hash>> ConsistencyProof(std::span<const Hash> leaf_hashes,
                                           std::uint64_t old_size, std::uint64_t new_size) {
  if (new_size > leaf_hashes.size()) {
    return Status::InvalidArgument("tree size " + SizeText(new_size) + " exceeds the " +
                                   SizeText(leaf_hashes.size()) + " leaves known");
  }
  return ConsistencyProofFor(SpanHasher(leaf_hashes), old_size, new_size);
}

Result<Hash> RootFromInclusionProof(std::uint64_t index, std::uint64_t size, const Hash& leaf_hash,
                                    std::span<const Hash> proof) {
  if (index >= size) {
    return Status::InvalidArgument("leaf index " + SizeText(index) + " is not below tree size " +
                                   SizeText(size));
  }
  std::uint64_t fn = index;
  std::uint64_t sn = size - 1;
  Hash root = leaf_hash;
  for (size_t pos = 0; pos < proof.size(); ++pos) {
    if (sn == 0) {
      return Status::InvalidArgument("inclusion proof too long: " + SizeText(proof.size()) +
                                     " hashes, the path ends after " + SizeText(pos));
    }
    if ((fn & 1) != 0 || fn == sn) {
      root = HashChildren(proof[pos], root);
      if ((fn & 1) == 0) {
        // fn is a right-edge node with no sibling at these levels: climb to the next level where
        // it is a right child, or to the top.
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      root = HashChildren(root, proof[pos]);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return Status::InvalidArgument("inclusion proof too short: " + SizeText(proof.size()) +
                                   " hashes for leaf " + SizeText(index) + " of " +
                                   SizeText(size));
  }
  return root;
}

Status VerifyInclusion(std::uint64_t index, std::uint64_t size, const Hash& leaf_hash,
                       std::span<const Hash> proof, const Hash& root) {
  VAKT_ASSIGN_OR_RETURN(Hash computed, RootFromInclusionProof(index, size, leaf_hash, proof));
  if (computed != root) {
    return Status::Corruption("inclusion proof for leaf " + SizeText(index) + " of " +
                              SizeText(size) + " leads to root " + HashToHex(computed) +
                              ", not " + HashToHex(root));
  }
  return Status::Ok();
}

Status VerifyInclusion(std::uint64_t index, std::uint64_t size, std::string_view leaf_hash,
                       std::span<const std::string> proof, std::string_view root) {
  VAKT_ASSIGN_OR_RETURN(Hash leaf, HashFromBytes(leaf_hash, "leaf hash"));
  VAKT_ASSIGN_OR_RETURN(Hash want_root, HashFromBytes(root, "root"));
  VAKT_ASSIGN_OR_RETURN(std::vector<Hash> hashes, ParseProof(proof));
  return VerifyInclusion(index, size, leaf, hashes, want_root);
}

Status VerifyConsistency(std::uint64_t old_size, std::uint64_t new_size,
                         std::span<const Hash> proof, const Hash& old_root, const Hash& new_root) {
  if (old_size > new_size) {
    return Status::InvalidArgument("old size " + SizeText(old_size) + " is larger than new size " +
                                   SizeText(new_size));
  }
  if (old_size == 0) {
    return Status::InvalidArgument("consistency from an empty tree is not proven (policy)");
  }
  if (old_size == new_size) {
    if (!proof.empty()) {
      return Status::InvalidArgument("equal sizes need an empty proof, got " +
                                     SizeText(proof.size()) + " hashes");
    }
    if (old_root != new_root) {
      return Status::Corruption("equal sizes " + SizeText(old_size) + " but different roots");
    }
    return Status::Ok();
  }
  if (proof.empty()) return Status::InvalidArgument("consistency proof is empty");

  // RFC 9162 §2.1.4.2. When old_size is a power of two the old tree is a complete subtree of the
  // new one, so its root is the first element of the walk.
  std::vector<Hash> path;
  path.reserve(proof.size() + 1);
  if (std::has_single_bit(old_size)) path.push_back(old_root);
  path.insert(path.end(), proof.begin(), proof.end());

  std::uint64_t fn = old_size - 1;
  std::uint64_t sn = new_size - 1;
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0];
  Hash sr = path[0];
  for (size_t pos = 1; pos < path.size(); ++pos) {
    if (sn == 0) {
      return Status::InvalidArgument("consistency proof too long: " + SizeText(proof.size()) +
                                     " hashes");
    }
    const Hash& node = path[pos];
    if ((fn & 1) != 0 || fn == sn) {
      fr = HashChildren(node, fr);
      sr = HashChildren(node, sr);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = HashChildren(sr, node);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return Status::InvalidArgument("consistency proof too short: " + SizeText(proof.size()) +
                                   " hashes from size " + SizeText(old_size) + " to " +
                                   SizeText(new_size));
  }
  if (fr != old_root) {
    return Status::Corruption("consistency proof does not reproduce the old root of size " +
                              SizeText(old_size));
  }
  if (sr != new_root) {
    return Status::Corruption("consistency proof does not reproduce the new root of size " +
                              SizeText(new_size));
  }
  return Status::Ok();
}

Status VerifyConsistency(std::uint64_t old_size, std::uint64_t new_size,
                         std::span<const std::string> proof, std::string_view old_root,
                         std::string_view new_root) {
  VAKT_ASSIGN_OR_RETURN(Hash first, HashFromBytes(old_root, "old root"));
  VAKT_ASSIGN_OR_RETURN(Hash second, HashFromBytes(new_root, "new root"));
  VAKT_ASSIGN_OR_RETURN(std::vector<Hash> hashes, ParseProof(proof));
  return VerifyConsistency(old_size, new_size, hashes, first, second);
}

}  // namespace vakt::audit
