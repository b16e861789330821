// A vector of fixed-size segments: growing never moves or copies existing elements, so a ledger
// with tens of millions of transfers never stalls the writer on a multi-gigabyte reallocation.
// Only what the state machine needs: push_back, shrink by resize, back, operator[].
#pragma once

#include <cstddef>
#include <future>
#include <new>
#include <system_error>

#include <sys/mman.h>
#include <type_traits>
#include <vector>

#include "core/check.h"

namespace suanli::ledger {

// T must be trivially destructible and copyable (plain rows).
//
// The first touch of a fresh page costs a fault and the kernel's zeroing of the page (2 MiB at
// once with huge pages). Paid on the ledger's single writer thread as rows arrive, that was
// about a seventh of its time at a million transfers a second (perf, ledger_bench K=64). So the
// next segment is allocated and its pages touched on another thread while the current one
// fills (one segment ahead: 4.5 MiB of transfer rows last ~65,000 transfers), and the writer
// finds its pages ready. Small vectors (fewer than kSegmentsBeforeSpare segments) get none.
template <typename T, std::size_t kSegmentElements = 1 << 16>
class SegmentedVector {
  static_assert(std::is_trivially_destructible_v<T> && std::is_trivially_copyable_v<T>);

 public:
  SegmentedVector() = default;
  SegmentedVector(const SegmentedVector&) = delete;
  SegmentedVector& operator=(const SegmentedVector&) = delete;
  ~SegmentedVector() {
    if (spare_.valid()) ::operator delete(spare_.get(), kAlign);
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
      segments_.push_back(spare_.valid() ? spare_.get() : NewSegment(/*touch=*/false));
      // Only a vector that keeps growing gets a spare: a small ledger (a test's, a new
      // service's) would pay a thread and a segment's pages for rows it may never hold.
      if (segments_.size() >= kSegmentsBeforeSpare) {
        try {
          spare_ = std::async(std::launch::async, [] { return NewSegment(/*touch=*/true); });
        } catch (const std::system_error&) {
          // No thread to be had: the next segment is allocated here when it is needed.
        }
      }
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
  static constexpr std::size_t kPageBytes = 4096;
  static constexpr std::size_t kSegmentsBeforeSpare = 2;

  static T* NewSegment(bool touch) {
    void* segment = ::operator new(kSegmentBytes, kAlign);
    // Random access over 10^7 accounts: huge pages spare a TLB miss per access. Advice only;
    // harmless where transparent huge pages are off.
    ::madvise(segment, kSegmentBytes, MADV_HUGEPAGE);
    if (touch) {
      auto* bytes = static_cast<volatile unsigned char*>(segment);
      for (std::size_t at = 0; at < kSegmentBytes; at += kPageBytes) bytes[at] = 0;
    }
    return static_cast<T*>(segment);
  }

  std::vector<T*> segments_;  // owned
  std::future<T*> spare_;     // the next segment, being touched on another thread (owned)
  std::size_t size_ = 0;
};

}  // namespace suanli::ledger
