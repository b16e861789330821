// Names the router compares on its hot path (resource types, frameworks, regions), held inline
// in 24 bytes: offers and requests then own no heap memory, and comparing two names is three
// 64-bit compares instead of a string compare.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/result.h"

namespace suanli::routing {

class ShortName {
 public:
  // 24 bytes of UTF-8: "gpu", "PyTorch", "成都", a five-character Chinese region name.
  static constexpr std::size_t kBytesMax = 24;

  constexpr ShortName() = default;
  // Errors with kOutOfRange when `text` is longer than kBytesMax and kParse when it contains a
  // NUL byte (NUL pads the storage). The empty name is valid and means "none" where allowed.
  static Result<ShortName> Make(std::string_view text, std::string_view field = "name");
  // For literals in code and tests; aborts (CHECK) on a name Make would refuse.
  static ShortName Of(std::string_view text);

  std::string_view view() const;
  constexpr bool empty() const { return words_[0] == 0; }

  friend constexpr bool operator==(const ShortName& a, const ShortName& b) {
    return a.words_[0] == b.words_[0] && a.words_[1] == b.words_[1] && a.words_[2] == b.words_[2];
  }

 private:
  std::array<std::uint64_t, 3> words_{};  // the bytes, NUL-padded
};

// A software version "major.minor.patch" packed so that comparing versions is comparing
// integers: each part 0..1023 ("2.1" is "2.1.0").
class Version {
 public:
  static constexpr std::uint32_t kPartMax = 1023;

  constexpr Version() = default;
  static constexpr Version Of(std::uint32_t major, std::uint32_t minor = 0,
                              std::uint32_t patch = 0) {
    return Version((major << 20) | (minor << 10) | patch);
  }
  // "2", "2.1", "2.1.0": one to three dot-separated decimal parts, each at most kPartMax.
  // Suffixes ("2.1.0+cu118", "2.1rc1") are refused: the platform compares numbers only.
  static Result<Version> Parse(std::string_view text, std::string_view field = "version");

  constexpr std::uint32_t packed() const { return packed_; }
  auto operator<=>(const Version&) const = default;

 private:
  constexpr explicit Version(std::uint32_t packed) : packed_(packed) {}
  std::uint32_t packed_ = 0;
};

}  // namespace suanli::routing
