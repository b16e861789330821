// CRC-32C (Castagnoli), the checksum of every usage-log entry: the SSE4.2 instruction when the
// CPU has it (about 20 GB/s, so checksumming never shows in ingest time), else a table.
#pragma once

#include <cstdint>
#include <string_view>

namespace suanli::metering {

// CRC-32C of `data` continuing from `crc` (0 to start). Crc32c("123456789") == 0xE3069283.
std::uint32_t Crc32c(std::string_view data, std::uint32_t crc = 0);

}  // namespace suanli::metering
