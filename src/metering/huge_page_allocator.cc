// Huge-page-backed blocks (huge_page_allocator.h).
#include "metering/huge_page_allocator.h"

#include <sys/mman.h>

#include <cstdint>

namespace suanli::metering {
namespace {
constexpr std::size_t kHuge = std::size_t{2} << 20;
}  // namespace

void* AllocateHugePages(std::size_t bytes) {
  if (bytes < kHuge) return ::operator new(bytes);
  const std::size_t len = (bytes + kHuge - 1) / kHuge * kHuge;
  // One huge page more than needed, then the unaligned head and tail are given back.
  void* raw = ::mmap(nullptr, len + kHuge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                     -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  const auto raw_addr = reinterpret_cast<std::uintptr_t>(raw);
  const std::uintptr_t start = (raw_addr + kHuge - 1) / kHuge * kHuge;
  const std::size_t head = start - raw_addr;
  if (head > 0) ::munmap(raw, head);
  if (kHuge - head > 0) ::munmap(reinterpret_cast<char*>(start) + len, kHuge - head);
  (void)::madvise(reinterpret_cast<void*>(start), len, MADV_HUGEPAGE);  // a hint only
  return reinterpret_cast<void*>(start);
}

void FreeHugePages(void* p, std::size_t bytes) noexcept {
  if (bytes < kHuge) {
    ::operator delete(p);
    return;
  }
  ::munmap(p, (bytes + kHuge - 1) / kHuge * kHuge);
}

}  // namespace suanli::metering
