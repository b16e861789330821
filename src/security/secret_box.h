// Encryption at rest for personal data (a legal representative's resident ID number, say):
// AES-256-GCM under one 32-byte key kept in a file beside the database, never in it, so a
// copied database alone does not reveal the data. Sealed values are text, safe in a TEXT column.
#pragma once

#include <array>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/result.h"

namespace suanli::security {

inline constexpr std::size_t kSecretBoxKeyBytes = 32;    // AES-256
inline constexpr std::size_t kSecretBoxNonceBytes = 12;  // GCM's 96-bit nonce
inline constexpr std::size_t kSecretBoxTagBytes = 16;    // GCM's full 128-bit tag
// Personal data fields are short; 1 MiB bounds the work a request can ask of Seal/Open.
inline constexpr std::size_t kSecretBoxPlaintextBytesMax = 1 << 20;
inline constexpr std::size_t kSecretBoxAssociatedBytesMax = 1 << 20;

// Holds the key; Seal and Open are const and safe to call from many threads at once.
// Move-only, and the key is wiped (OPENSSL_cleanse) when the box is destroyed or moved from.
class SecretBox {
 public:
  // Loads the key from `key_file`, or creates it on first use. Creation writes 32 random bytes
  // to a temporary file (mode 0600) in the same folder, fsyncs it, renames it into place without
  // replacing an existing file (renameat2 RENAME_NOREPLACE; link+unlink where the file system
  // lacks it) and fsyncs the folder; if another process created the file first, its key is
  // loaded instead, so two starting processes never end up with different keys.
  // Errors (kIo, field "key_file"): the file is not a regular file, is not exactly 32 bytes,
  // grants any permission to group or others (chmod 600 it), or cannot be read or created.
  // Messages name the path, never the key.
  static Result<SecretBox> LoadOrCreate(const std::filesystem::path& key_file);

  // A box with the given raw key (a key from a KMS, or a test vector). Errors (kOutOfRange,
  // field "key") unless the key is exactly 32 bytes.
  static Result<SecretBox> FromKey(std::string_view key);

  SecretBox(SecretBox&& other) noexcept;
  SecretBox& operator=(SecretBox&& other) noexcept;
  SecretBox(const SecretBox&) = delete;
  SecretBox& operator=(const SecretBox&) = delete;
  ~SecretBox();

  // Encrypts `plaintext` with a fresh random nonce, authenticating `associated_data` too
  // (bind the value to where it is stored, e.g. "org/42/legal_rep_id", so it cannot be moved
  // to another row). Returns "v1." + base64url(nonce | ciphertext | tag), without padding.
  // Errors (kOutOfRange, field "plaintext" or "associated_data") above the 1 MiB limits.
  Result<std::string> Seal(std::string_view plaintext, std::string_view associated_data) const;

  // The plaintext of a value Seal produced under this key and the same associated data.
  // Errors (field "sealed"): kParse when it is not "v1." and canonical base64url of at least
  // nonce + tag bytes; kInvalidCode when authentication fails — any altered character, another
  // key, or other associated data. No partial plaintext is ever returned.
  Result<std::string> Open(std::string_view sealed, std::string_view associated_data) const;

 private:
  explicit SecretBox(const unsigned char* key);
  std::array<unsigned char, kSecretBoxKeyBytes> key_{};
};

}  // namespace suanli::security
