// SHA-256 digests (OpenSSL EVP) for content addressing (uploaded documents), the audit log's
// hash chain and stored token digests. Only this folder includes OpenSSL headers.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace suanli::security {

using Sha256 = std::array<std::uint8_t, 32>;

// The SHA-256 of `data`.
Sha256 Sha256Of(std::string_view data);
// Lower-case hex (64 characters) of the SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);
// Lower-case hex of any digest.
std::string ToHex(const Sha256& digest);

// Incremental SHA-256, for data given in pieces (a hash chain's fields).
class Sha256Builder {
 public:
  Sha256Builder();
  ~Sha256Builder();
  Sha256Builder(const Sha256Builder&) = delete;
  Sha256Builder& operator=(const Sha256Builder&) = delete;
  Sha256Builder& Add(std::string_view data);
  // Adds the length (8 bytes, little-endian) and then the bytes, so that field boundaries
  // are part of the digest ("ab"+"c" and "a"+"bc" differ).
  Sha256Builder& AddField(std::string_view data);
  Sha256 Finish();

 private:
  void* ctx_;  // EVP_MD_CTX*
};

// Compares two strings in time independent of where they differ (token digests).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace suanli::security
