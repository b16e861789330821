// Helpers shared by the ledger's tests (unit, simulation, store, throughput check); not part of
// the ledger's API.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace suanli::ledger::test_support {

// prefix + n. ("t" + std::to_string(n) trips a false -Wrestrict in g++ 12 at -O3.)
inline std::string Key(const char* prefix, std::uint64_t n) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%llu", prefix, static_cast<unsigned long long>(n));
  return buf;
}

}  // namespace suanli::ledger::test_support
