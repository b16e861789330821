#include "security/digest.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "core/check.h"

namespace suanli::security {

Sha256 Sha256Of(std::string_view data) {
  Sha256Builder b;
  b.Add(data);
  return b.Finish();
}

std::string Sha256Hex(std::string_view data) { return ToHex(Sha256Of(data)); }

std::string ToHex(const Sha256& digest) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(digest.size() * 2, '0');
  for (std::size_t i = 0; i < digest.size(); ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 0xf];
  }
  return out;
}

namespace {

// OpenSSL 3 looks the algorithm up in its provider tables on every EVP_DigestInit_ex given
// EVP_sha256() (an implicit fetch, with its locks: most of a short digest's time); fetched
// once, the implementation is reused. Never freed: it lives as long as the process.
const EVP_MD* Sha256Implementation() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  SUANLI_CHECK(md != nullptr);
  return md;
}

}  // namespace

Sha256Builder::Sha256Builder() : ctx_(EVP_MD_CTX_new()) {
  SUANLI_CHECK(ctx_ != nullptr);
  SUANLI_CHECK(
      EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), Sha256Implementation(), nullptr) == 1);
}

Sha256Builder::~Sha256Builder() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }

Sha256Builder& Sha256Builder::Add(std::string_view data) {
  SUANLI_CHECK(EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data.data(), data.size()) == 1);
  return *this;
}

Sha256Builder& Sha256Builder::AddField(std::string_view data) {
  std::uint64_t n = data.size();
  char len[8];
  for (char& c : len) {
    c = static_cast<char>(n & 0xff);
    n >>= 8;
  }
  Add(std::string_view(len, sizeof len));
  return Add(data);
}

Sha256 Sha256Builder::Finish() {
  Sha256 out{};
  unsigned int n = 0;
  SUANLI_CHECK(EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), out.data(), &n) == 1);
  SUANLI_CHECK(n == out.size());
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace suanli::security
