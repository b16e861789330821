#include "core/short_bytes.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace suanli {
namespace {

// Each string sits at the very end of its own heap block, so a read past it is caught by ASan
// (make test's build).
std::unique_ptr<char[]> AtEnd(const std::string& s) {
  auto block = std::make_unique<char[]>(s.size() + 1);
  std::copy(s.begin(), s.end(), block.get() + 1);
  return block;
}

TEST(ShortBytes, EqualAgreesWithStringEqualityAtEveryLengthAndPosition) {
  for (std::size_t n = 0; n <= 80; ++n) {  // words, the overlapping tail, and memcmp past 64
    std::string a(n, 'x');
    for (std::size_t i = 0; i < n; ++i) a[i] = static_cast<char>('a' + (i * 7) % 26);
    const auto a_block = AtEnd(a);
    const std::string_view av(a_block.get() + 1, n);
    const auto same_block = AtEnd(a);
    EXPECT_TRUE(ShortEqual(av, std::string_view(same_block.get() + 1, n))) << n;
    for (std::size_t i = 0; i < n; ++i) {  // one byte differs, at every position
      std::string b = a;
      b[i] = static_cast<char>(b[i] ^ 0x20);
      const auto b_block = AtEnd(b);
      EXPECT_FALSE(ShortEqual(av, std::string_view(b_block.get() + 1, n))) << n << " at " << i;
    }
    const std::string longer = a + "z";
    const auto longer_block = AtEnd(longer);
    EXPECT_FALSE(ShortEqual(av, std::string_view(longer_block.get() + 1, n + 1))) << n;
  }
}

TEST(ShortBytes, HashIsEqualForEqualBytesWherever) {
  const std::string a = "cdhpc\x1f" "acct-0265";
  const auto block = AtEnd(a);
  EXPECT_EQ(ShortHash(a), ShortHash(std::string_view(block.get() + 1, a.size())));
  EXPECT_NE(ShortHash("acct-0265"), ShortHash("acct-0266"));
  EXPECT_NE(ShortHash(""), ShortHash(std::string_view("\0", 1)));
}

}  // namespace
}  // namespace suanli
