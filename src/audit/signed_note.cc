#include "audit/signed_note.h"

#include <openssl/evp.h>

#include <memory>
#include <utility>

#include "common/crypto.h"

namespace vakt::audit {
namespace {

constexpr size_t kKeySize = 32;
constexpr size_t kSignatureSize = 64;
constexpr char kAlgEd25519 = 0x01;
constexpr std::string_view kSignaturePrefix = "\xE2\x80\x94 ";  // "— "
constexpr std::string_view kPrivateKeyPrefix = "PRIVATE+KEY+";
// Bounds work done on an untrusted note, as Go's note.Open does.
constexpr int kMaxSignatureLines = 100;

struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

const unsigned char* Bytes(std::string_view data) {
  return reinterpret_cast<const unsigned char*>(data.data());
}

Status CheckName(std::string_view name) {
  if (name.empty()) return Status::InvalidArgument("key name is empty");
  for (char c : name) {
    if (c == '+' || c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
        static_cast<unsigned char>(c) < 0x20) {
      return Status::InvalidArgument("key name \"" + std::string(name) +
                                     "\" contains '+', whitespace or a control character");
    }
  }
  return Status::Ok();
}

std::string KeyIdHex(std::uint32_t key_id) {
  std::string bytes(4, '\0');
  for (int pos = 0; pos < 4; ++pos) bytes[pos] = static_cast<char>(key_id >> (24 - 8 * pos));
  return HexEncode(bytes);
}

std::uint32_t ReadKeyId(std::string_view four_bytes) {
  std::uint32_t key_id = 0;
  for (int pos = 0; pos < 4; ++pos) {
    key_id = (key_id << 8) | static_cast<unsigned char>(four_bytes[pos]);
  }
  return key_id;
}

// SplitKey parses "name+hex8+base64(alg||key)" into name, key ID and raw key.
Status SplitKey(std::string_view text, std::string& name, std::uint32_t& key_id,
                std::string& key) {
  // Names cannot contain '+' but base64 can, so split from the left.
  const size_t first_plus = text.find('+');
  if (first_plus == std::string_view::npos) return Status::InvalidArgument("key is not name+keyid+key");
  const size_t second_plus = text.find('+', first_plus + 1);
  if (second_plus == std::string_view::npos) {
    return Status::InvalidArgument("key is not name+keyid+key");
  }
  name = std::string(text.substr(0, first_plus));
  VAKT_RETURN_IF_ERROR(CheckName(name));
  const std::string_view id_hex = text.substr(first_plus + 1, second_plus - first_plus - 1);
  auto id_bytes = HexDecode(id_hex);
  if (id_hex.size() != 8 || !id_bytes.ok()) {
    return Status::InvalidArgument("key ID \"" + std::string(id_hex) + "\" is not 8 hex digits");
  }
  key_id = ReadKeyId(*id_bytes);
  auto decoded = Base64Decode(text.substr(second_plus + 1));
  if (!decoded.ok() || Base64Encode(*decoded) != text.substr(second_plus + 1)) {
    return Status::InvalidArgument("key material is not canonical base64");
  }
  if (decoded->size() != 1 + kKeySize || (*decoded)[0] != kAlgEd25519) {
    return Status::InvalidArgument("key is not an Ed25519 (0x01 || 32 bytes) key");
  }
  key = decoded->substr(1);
  return Status::Ok();
}

}  // namespace

std::uint32_t NoteKeyId(std::string_view name, std::string_view public_key) {
  std::string input(name);
  input.push_back('\n');
  input.push_back(kAlgEd25519);
  input.append(public_key);
  const Sha256Digest digest = Sha256(input);
  return ReadKeyId(std::string_view(reinterpret_cast<const char*>(digest.data()), 4));
}

NoteVerifier::NoteVerifier(std::string name, std::string public_key)
    : name_(std::move(name)),
      public_key_(std::move(public_key)),
      key_id_(NoteKeyId(name_, public_key_)) {}

Result<NoteVerifier> NoteVerifier::FromPublicKey(std::string name, std::string_view public_key) {
  VAKT_RETURN_IF_ERROR(CheckName(name));
  if (public_key.size() != kKeySize) {
    return Status::InvalidArgument("Ed25519 public key must be 32 bytes");
  }
  return NoteVerifier(std::move(name), std::string(public_key));
}

Result<NoteVerifier> NoteVerifier::FromVerifierKey(std::string_view verifier_key) {
  std::string name;
  std::uint32_t key_id = 0;
  std::string key;
  VAKT_RETURN_IF_ERROR(SplitKey(verifier_key, name, key_id, key).WithContext("verifier key"));
  NoteVerifier verifier(std::move(name), std::move(key));
  if (verifier.key_id() != key_id) {
    return Status::InvalidArgument("verifier key ID " + KeyIdHex(key_id) +
                                   " does not match its key (" + KeyIdHex(verifier.key_id()) + ")");
  }
  return verifier;
}

std::string NoteVerifier::VerifierKey() const {
  return name_ + "+" + KeyIdHex(key_id_) + "+" + Base64Encode(std::string(1, kAlgEd25519) + public_key_);
}

bool NoteVerifier::VerifySignature(std::string_view message, std::string_view signature) const {
  if (signature.size() != kSignatureSize) return false;
  PkeyPtr key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, Bytes(public_key_),
                                          public_key_.size()));
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!key || !ctx) return false;
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1) return false;
  return EVP_DigestVerify(ctx.get(), Bytes(signature), signature.size(), Bytes(message),
                          message.size()) == 1;
}

NoteSigner::NoteSigner(std::string name, std::string seed, NoteVerifier verifier)
    : name_(std::move(name)), seed_(std::move(seed)), verifier_(std::move(verifier)) {}

Result<NoteSigner> NoteSigner::Generate(std::string name) {
  return FromSeed(std::move(name), RandomBytes(kKeySize));
}

Result<NoteSigner> NoteSigner::FromSeed(std::string name, std::string_view seed) {
  VAKT_RETURN_IF_ERROR(CheckName(name));
  if (seed.size() != kKeySize) return Status::InvalidArgument("Ed25519 seed must be 32 bytes");
  PkeyPtr key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, Bytes(seed), seed.size()));
  if (!key) return Status::Internal("OpenSSL rejected the Ed25519 seed");
  std::string public_key(kKeySize, '\0');
  size_t length = public_key.size();
  if (EVP_PKEY_get_raw_public_key(key.get(), reinterpret_cast<unsigned char*>(public_key.data()),
                                  &length) != 1 ||
      length != kKeySize) {
    return Status::Internal("OpenSSL could not derive the Ed25519 public key");
  }
  VAKT_ASSIGN_OR_RETURN(NoteVerifier verifier, NoteVerifier::FromPublicKey(name, public_key));
  return NoteSigner(std::move(name), std::string(seed), std::move(verifier));
}

Result<NoteSigner> NoteSigner::FromSignerKey(std::string_view signer_key) {
  if (signer_key.substr(0, kPrivateKeyPrefix.size()) != kPrivateKeyPrefix) {
    return Status::InvalidArgument("signer key does not start with PRIVATE+KEY+");
  }
  std::string name;
  std::uint32_t key_id = 0;
  std::string seed;
  VAKT_RETURN_IF_ERROR(SplitKey(signer_key.substr(kPrivateKeyPrefix.size()), name, key_id, seed)
                           .WithContext("signer key"));
  VAKT_ASSIGN_OR_RETURN(NoteSigner signer, FromSeed(std::move(name), seed));
  if (signer.verifier().key_id() != key_id) {
    return Status::InvalidArgument("signer key ID " + KeyIdHex(key_id) + " does not match its key");
  }
  return signer;
}

std::string NoteSigner::SignerKey() const {
  return std::string(kPrivateKeyPrefix) + name_ + "+" + KeyIdHex(verifier_.key_id()) + "+" +
         Base64Encode(std::string(1, kAlgEd25519) + seed_);
}

Result<std::string> NoteSigner::Sign(std::string_view message) const {
  PkeyPtr key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, Bytes(seed_), seed_.size()));
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!key || !ctx) return Status::Internal("OpenSSL could not load the Ed25519 key");
  std::string signature(kSignatureSize, '\0');
  size_t length = signature.size();
  if (EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     Bytes(message), message.size()) != 1 ||
      length != kSignatureSize) {
    return Status::Internal("OpenSSL Ed25519 signing failed");
  }
  return signature;
}

Result<std::string> SignNote(std::string_view text, const NoteSigner& signer) {
  if (text.empty() || text.back() != '\n') {
    return Status::InvalidArgument("note text must be non-empty and end with a newline");
  }
  VAKT_ASSIGN_OR_RETURN(std::string signature, signer.Sign(text));
  std::string key_id(4, '\0');
  const std::uint32_t id = signer.verifier().key_id();
  for (int pos = 0; pos < 4; ++pos) key_id[pos] = static_cast<char>(id >> (24 - 8 * pos));
  std::string note(text);
  note += "\n";
  note += kSignaturePrefix;
  note += signer.name() + " " + Base64Encode(key_id + signature) + "\n";
  return note;
}

Result<std::string> OpenNote(std::string_view note, const NoteVerifier& verifier) {
  const size_t split = note.rfind("\n\n");
  if (split == std::string_view::npos) {
    return Status::InvalidArgument("note has no blank line before its signatures");
  }
  const std::string_view text = note.substr(0, split + 1);
  std::string_view signatures = note.substr(split + 2);
  if (signatures.empty() || signatures.back() != '\n') {
    return Status::InvalidArgument("note signature block must end with a newline");
  }
  bool found = false;
  for (int line_no = 0; !signatures.empty(); ++line_no) {
    if (line_no >= kMaxSignatureLines) return Status::InvalidArgument("note has too many signatures");
    const size_t newline = signatures.find('\n');
    const std::string_view line = signatures.substr(0, newline);
    signatures.remove_prefix(newline + 1);
    if (line.substr(0, kSignaturePrefix.size()) != kSignaturePrefix) {
      return Status::InvalidArgument("signature line " + std::to_string(line_no + 1) +
                                     " does not start with an em dash");
    }
    const std::string_view rest = line.substr(kSignaturePrefix.size());
    const size_t space = rest.find(' ');
    if (space == std::string_view::npos || space == 0) {
      return Status::InvalidArgument("signature line " + std::to_string(line_no + 1) +
                                     " is not \"— name base64\"");
    }
    auto blob = Base64Decode(rest.substr(space + 1));
    // Only the canonical encoding: otherwise a changed padding bit would leave a note that
    // differs from what was signed and still verifies.
    if (!blob.ok() || blob->size() < 5 || Base64Encode(*blob) != rest.substr(space + 1)) {
      return Status::InvalidArgument("signature line " + std::to_string(line_no + 1) +
                                     " has a malformed signature");
    }
    if (rest.substr(0, space) != verifier.name() ||
        ReadKeyId(std::string_view(*blob).substr(0, 4)) != verifier.key_id()) {
      continue;  // another witness or key: not ours to judge
    }
    if (!verifier.VerifySignature(text, std::string_view(*blob).substr(4))) {
      return Status::Corruption("signature by " + verifier.name() + " does not verify");
    }
    found = true;
  }
  if (!found) {
    return Status::PermissionDenied("note is not signed by " + verifier.name() + "+" +
                                    KeyIdHex(verifier.key_id()));
  }
  return std::string(text);
}

}  // namespace vakt::audit
