// A growable byte buffer for the usage log's batches. Internal to metering.
//
// Why not std::string: records are coded into room reserved ahead of them, and
// std::string::resize zero-fills what it adds (4 % of a durable ingest's time went to that
// memset, docs/benchmarks-metering.md); C++20 has no resize_and_overwrite. Its blocks come from
// AllocateHugePages, so a 4 MiB batch costs two page faults rather than 1,024.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string_view>
#include <utility>

namespace suanli::metering {

class LogBuffer {
 public:
  LogBuffer() = default;
  ~LogBuffer();
  LogBuffer(const LogBuffer&) = delete;
  LogBuffer& operator=(const LogBuffer&) = delete;

  char* data() { return data_; }
  const char* data() const { return data_; }
  std::size_t size() const { return size_; }
  std::size_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }
  std::string_view view() const { return {data_, size_}; }

  // Capacity for n bytes in all; the contents stay.
  void reserve(std::size_t n);
  // Grows (with bytes of no particular value) or shrinks to n bytes.
  void resize(std::size_t n) {
    if (n > capacity_) reserve(std::max(n, capacity_ * 2));
    size_ = n;
  }
  void append(std::string_view bytes);
  void clear() { size_ = 0; }
  void swap(LogBuffer& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    std::swap(capacity_, other.capacity_);
  }

 private:
  char* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace suanli::metering
