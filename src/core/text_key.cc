#include "core/text_key.h"

namespace suanli {

std::string ComparisonKey(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char b = byte(i);
    if (b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\v' || b == '\f') {
      ++i;
      continue;
    }
    if (b == 0xC2 && i + 1 < text.size() && byte(i + 1) == 0xA0) {  // U+00A0 no-break space
      i += 2;
      continue;
    }
    if (b == 0xE3 && i + 2 < text.size() && byte(i + 1) == 0x80 && byte(i + 2) == 0x80) {  // U+3000
      i += 3;
      continue;
    }
    // U+2000..U+200B (en quad … zero-width space: E2 80 80..8B) and U+FEFF (a byte-order mark
    // pasted from a file: EF BB BF).
    if (b == 0xE2 && i + 2 < text.size() && byte(i + 1) == 0x80 && byte(i + 2) <= 0x8B) {
      i += 3;
      continue;
    }
    if (b == 0xEF && i + 2 < text.size() && byte(i + 1) == 0xBB && byte(i + 2) == 0xBF) {
      i += 3;
      continue;
    }
    // U+FF01..U+FF5E (EF BC 81..EF BD 9E) → U+0021..U+007E.
    if (b == 0xEF && i + 2 < text.size()) {
      const unsigned char b1 = byte(i + 1), b2 = byte(i + 2);
      const bool full_width = (b1 == 0xBC && b2 >= 0x81 && b2 <= 0xBF) ||
                              (b1 == 0xBD && b2 >= 0x80 && b2 <= 0x9E);
      if (full_width) {
        const unsigned code = 0xFF00u + ((b1 == 0xBC ? 0u : 0x40u) + (b2 - 0x80u));
        char ascii = static_cast<char>(code - 0xFF00u + 0x20u);
        if (ascii >= 'a' && ascii <= 'z') ascii = static_cast<char>(ascii - 'a' + 'A');
        out.push_back(ascii);
        i += 3;
        continue;
      }
    }
    char c = text[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    out.push_back(c);
    ++i;
  }
  return out;
}

}  // namespace suanli
