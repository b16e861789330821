// A vector of fixed-size segments: growing never moves or copies existing elements, so a ledger
// with tens of millions of transfers never stalls the writer on a multi-gigabyte reallocation.
// Only what the state machine needs: push_back, shrink by resize, back, operator[].
#pragma once

#include <cstddef>
#include <new>

#include <sys/mman.h>
#include <type_traits>
#include <vector>

#include "core/check.h"

namespace suanli::ledger {

// T must be trivially destructible and copyable (plain rows). Segments are raw memory, so
// their pages are touched one by one as rows arrive, not all at once when allocated.
template <typename T, std::size_t kSegmentElements = 1 << 16>
class SegmentedVector {
  static_assert(std::is_trivially_destructible_v<T> && std::is_trivially_copyable_v<T>);

 public:
  SegmentedVector() = default;
  SegmentedVector(const SegmentedVector&) = delete;
  SegmentedVector& operator=(const SegmentedVector&) = delete;
  ~SegmentedVector() {
    for (T* s : segments_) ::operator delete(s, kAlign);
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](std::size_t i) { return segments_[i / kSegmentElements][i % kSegmentElements]; }
  const T& operator[](std::size_t i) const {
    return segments_[i / kSegmentElements][i % kSegmentElements];
  }
  T& back() { return (*this)[size_ - 1]; }
  const T& back() const { return (*this)[size_ - 1]; }

  void push_back(const T& value) {
    if (size_ == segments_.size() * kSegmentElements) {
      // Segments stay allocated after a shrink, so this runs only when truly growing.
      segments_.reserve(segments_.size() + 1);
      void* segment = ::operator new(kSegmentBytes, kAlign);
      // Random access over 10^7 accounts: huge pages spare a TLB miss per access. Advice
      // only; harmless where transparent huge pages are off.
      ::madvise(segment, kSegmentBytes, MADV_HUGEPAGE);
      segments_.push_back(static_cast<T*>(segment));
    }
    new (&(*this)[size_]) T(value);
    ++size_;
  }
  // Shrinks only (rollback); kept segments are reused by later push_backs.
  void resize(std::size_t n) {
    SUANLI_CHECK(n <= size_);
    size_ = n;
  }

 private:
  static constexpr std::size_t kSegmentBytes = sizeof(T) * kSegmentElements;
  static constexpr std::size_t kHugePageBytes = 2 << 20;
  static constexpr std::align_val_t kAlign{
      kSegmentBytes >= kHugePageBytes ? kHugePageBytes : alignof(T)};
  std::vector<T*> segments_;  // owned
  std::size_t size_ = 0;
};

}  // namespace suanli::ledger
