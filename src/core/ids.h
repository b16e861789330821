// Strong ids: a VoucherId cannot be passed where an OrgId is meant. Each id is a tagged
// integer; the tag types are empty and exist only to make the ids distinct types.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>

namespace suanli {

template <typename Tag>
struct StrongId {
  std::uint64_t value = 0;

  constexpr StrongId() = default;
  constexpr explicit StrongId(std::uint64_t v) : value(v) {}
  constexpr bool valid() const { return value != 0; }
  auto operator<=>(const StrongId&) const = default;
};

struct OrgTag {};
struct ProviderTag {};
struct ProgramTag {};
struct ContractTag {};
struct VoucherTag {};
struct AccountTag {};
struct TransferTag {};

using OrgId = StrongId<OrgTag>;
using ProviderId = StrongId<ProviderTag>;
using ProgramId = StrongId<ProgramTag>;
using ContractId = StrongId<ContractTag>;
using VoucherId = StrongId<VoucherTag>;
using AccountId = StrongId<AccountTag>;
using TransferId = StrongId<TransferTag>;

}  // namespace suanli

template <typename Tag>
struct std::hash<suanli::StrongId<Tag>> {
  std::size_t operator()(const suanli::StrongId<Tag>& id) const noexcept {
    return std::hash<std::uint64_t>{}(id.value);
  }
};
