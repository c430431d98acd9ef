#pragma once

// C2SP signed-note (https://c2sp.org/signed-note) with Ed25519 signatures via OpenSSL 3.
//
// A note is UTF-8 text ending in a newline, a blank line, then one or more signature lines
// "— <name> <base64(key_id[4] || signature[64])>\n" ("—" is U+2014). The key ID is the first four
// bytes of SHA-256(name || 0x0A || 0x01 || public_key), big-endian. Keys are written as in Go's
// golang.org/x/mod/sumdb/note: verifier "name+hex8(key_id)+base64(0x01 || public_key)", signer
// "PRIVATE+KEY+name+hex8(key_id)+base64(0x01 || seed)".

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace vakt::audit {

// NoteKeyId returns the signed-note key ID of an Ed25519 public key under `name`.
std::uint32_t NoteKeyId(std::string_view name, std::string_view public_key);

// NoteVerifier holds one Ed25519 public key and its name. Immutable; safe to share across
// threads.
class NoteVerifier {
 public:
  // FromVerifierKey parses "name+hex8+base64(0x01||key)"; InvalidArgument naming the problem
  // (including a key ID that does not match the key).
  static Result<NoteVerifier> FromVerifierKey(std::string_view verifier_key);
  static Result<NoteVerifier> FromPublicKey(std::string name, std::string_view public_key);

  const std::string& name() const { return name_; }
  std::uint32_t key_id() const { return key_id_; }
  const std::string& public_key() const { return public_key_; }
  std::string VerifierKey() const;
  // VerifySignature checks a raw 64-byte Ed25519 signature of `message`.
  bool VerifySignature(std::string_view message, std::string_view signature) const;

 private:
  NoteVerifier(std::string name, std::string public_key);
  std::string name_;
  std::string public_key_;  // 32 raw bytes
  std::uint32_t key_id_;
};

// NoteSigner holds one Ed25519 private key (its 32-byte seed) and its name. Immutable; safe to
// share across threads. The seed is a secret: never log SignerKey().
class NoteSigner {
 public:
  // Generate makes a new key from OpenSSL's CSPRNG.
  static Result<NoteSigner> Generate(std::string name);
  static Result<NoteSigner> FromSeed(std::string name, std::string_view seed);
  // FromSignerKey parses "PRIVATE+KEY+name+hex8+base64(0x01||seed)".
  static Result<NoteSigner> FromSignerKey(std::string_view signer_key);

  const std::string& name() const { return name_; }
  std::string SignerKey() const;
  const NoteVerifier& verifier() const { return verifier_; }
  // Sign returns the raw 64-byte Ed25519 signature of `message`.
  Result<std::string> Sign(std::string_view message) const;

 private:
  NoteSigner(std::string name, std::string seed, NoteVerifier verifier);
  std::string name_;
  std::string seed_;
  NoteVerifier verifier_;
};

// SignNote returns text + "\n" + one signature line. InvalidArgument if text is empty, does not
// end in a newline, or contains a blank line that would be mistaken for the signature block.
Result<std::string> SignNote(std::string_view text, const NoteSigner& signer);

// OpenNote checks that `note` carries a valid signature by `verifier` and returns its text.
// Signature lines from other keys are ignored. Corruption if the key's signature is present but
// wrong; PermissionDenied if no line is from this key; InvalidArgument if the note is malformed.
Result<std::string> OpenNote(std::string_view note, const NoteVerifier& verifier);

}  // namespace vakt::audit
