// The usage log's batch buffer (log_buffer.h).
#include "metering/log_buffer.h"

#include <cstring>

#include "metering/huge_page_allocator.h"

namespace suanli::metering {

LogBuffer::~LogBuffer() {
  if (data_ != nullptr) FreeHugePages(data_, capacity_);
}

void LogBuffer::reserve(std::size_t n) {
  if (n <= capacity_) return;
  char* grown = static_cast<char*>(AllocateHugePages(n));
  if (size_ > 0) std::memcpy(grown, data_, size_);
  if (data_ != nullptr) FreeHugePages(data_, capacity_);
  data_ = grown;
  capacity_ = n;
}

void LogBuffer::append(std::string_view bytes) {
  const std::size_t at = size_;
  resize(size_ + bytes.size());
  if (!bytes.empty()) std::memcpy(data_ + at, bytes.data(), bytes.size());
}

}  // namespace suanli::metering
