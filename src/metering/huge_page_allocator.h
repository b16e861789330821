// An allocator for the large, randomly or freshly written tables of the usage store's key
// index. Internal to metering.
//
// Why: tens of MB written once each (the index's slots) or probed at random (its job table)
// pay a page fault per fresh 4 KiB page and a TLB miss per probe, both dear under
// virtualisation. Blocks of 2 MiB or more are therefore mapped 2 MiB-aligned with
// madvise(MADV_HUGEPAGE), a hint the kernel may ignore (transparent_hugepage "madvise" or
// "always"); smaller ones come from operator new. Measured in docs/benchmarks-metering.md.
#pragma once

#include <cstddef>
#include <new>

namespace suanli::metering {

void* AllocateHugePages(std::size_t bytes);
void FreeHugePages(void* p, std::size_t bytes) noexcept;

template <class T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}  // NOLINT: rebinding converts
  T* allocate(std::size_t n) {
    static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__);
    return static_cast<T*>(AllocateHugePages(n * sizeof(T)));
  }
  void deallocate(T* p, std::size_t n) noexcept { FreeHugePages(p, n * sizeof(T)); }
  template <class U>
  bool operator==(const HugePageAllocator<U>&) const noexcept {
    return true;
  }
};

}  // namespace suanli::metering
