// AllocTRES texts already parsed, remembered across jobs: text → its items, so a text seen
// before costs a hash and a compare instead of a parse.
//
// Why: the parser's memo of the last two texts serves a job's steps, but every job row and
// every numbered step whose text differs from those two was parsed afresh (≈ 0.9 M of the
// benchmark file's 2 M lines), while a center's jobs use few distinct texts (2,351 in that
// file: cpu counts × memory × cards). Only good texts are stored, and a hit gives exactly the
// items a parse gives, their names as views into the caller's text.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <string_view>

#include "core/short_bytes.h"

namespace suanli::network {

class SacctTresCache {
 public:
  // Texts longer than this or with more items are not remembered (they are parsed each time).
  static constexpr std::size_t kMaxText = 56;
  static constexpr std::size_t kMaxItems = 6;

  SacctTresCache() : slots_(std::make_unique<Slot[]>(kSlots)) {}

  // (Row is SacctRow: a template so that sacct_parser.h, which defines it, can hold the cache.)
  // The items of `text` into row->tres and row->tres_count, as a parse of it would give them;
  // false when the text is not remembered (row untouched).
  template <typename Row>
  bool Find(std::string_view text, Row* row) const {
    if (text.empty() || text.size() > kMaxText) return false;
    const Slot& s = slots_[ShortHash(text) & (kSlots - 1)];
    if (s.size != text.size() || !ShortEqual(text, std::string_view(s.text.data(), s.size))) {
      return false;
    }
    for (std::size_t i = 0; i < s.count; ++i) {
      row->tres[i] = {text.substr(s.name_offset[i], s.name_size[i]), s.value[i]};
    }
    row->tres_count = s.count;
    return true;
  }

  // Remembers the items a parse of `text` gave (row's names are views into text), replacing
  // whatever text shared the slot.
  template <typename Row>
  void Store(std::string_view text, const Row& row) {
    if (text.empty() || text.size() > kMaxText || row.tres_count > kMaxItems) return;
    Slot& s = slots_[ShortHash(text) & (kSlots - 1)];
    s.size = static_cast<std::uint8_t>(text.size());
    s.count = row.tres_count;
    std::copy(text.begin(), text.end(), s.text.begin());
    for (std::size_t i = 0; i < row.tres_count; ++i) {
      s.name_offset[i] = static_cast<std::uint8_t>(row.tres[i].name.data() - text.data());
      s.name_size[i] = static_cast<std::uint8_t>(row.tres[i].name.size());
      s.value[i] = row.tres[i].count;
    }
  }

 private:
  // 1024 slots of two cache lines (128 KiB): 4096 held more texts but missed the core's cache
  // more often, and was no faster on the benchmark file.
  static constexpr std::size_t kSlots = 1024;
  struct alignas(64) Slot {
    std::array<char, kMaxText> text;
    std::uint8_t size = 0;  // 0: empty
    std::uint8_t count = 0;
    std::array<std::uint8_t, kMaxItems> name_offset;
    std::array<std::uint8_t, kMaxItems> name_size;
    std::array<std::int64_t, kMaxItems> value;
  };
  static_assert(sizeof(Slot) == 128);
  std::unique_ptr<Slot[]> slots_;
};

}  // namespace suanli::network
