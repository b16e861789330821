// The offer index (offer_index.h).
#include "routing/offer_index.h"

#include <algorithm>

#include "core/check.h"

namespace suanli::routing {

OfferIndex::OfferIndex(std::span<const CenterOffer> offers) : offer_count_(offers.size()) {
  SUANLI_CHECK(offers.size() <= UINT32_MAX);
  // Each entry with its type's position in types_ (types in order of first appearance).
  std::vector<std::pair<std::size_t, IndexedResource>> all;
  for (std::size_t i = 0; i < offers.size(); ++i) {
    const CenterOffer& offer = offers[i];
    if (!offer.up) continue;
    for (std::size_t r = 0; r < offer.resource_count; ++r) {
      const ResourceOffer& resource = offer.resources[r];
      std::size_t type = 0;
      while (type < types_.size() && !(types_[type].type == resource.type)) ++type;
      if (type == types_.size()) types_.push_back({resource.type, 0, 0});
      all.push_back({type,
                     {.price_fen_per_unit_hour = resource.price_fen_per_unit_hour,
                      .wait_s = resource.wait_s,
                      .free_units = resource.free_units,
                      .total_units = resource.total_units,
                      .offer_index = static_cast<std::uint32_t>(i),
                      .domestic_chip = resource.domestic_chip,
                      .center = offer.center,
                      .provider = offer.provider,
                      .offer = &offer}});
    }
  }
  // Grouped by type, then by price; stable, so offer order breaks price ties.
  std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    return a.second.price_fen_per_unit_hour < b.second.price_fen_per_unit_hour;
  });
  entries_.reserve(all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    TypeList& list = types_[all[i].first];
    if (list.begin == list.end) list.begin = i;
    list.end = i + 1;
    entries_.push_back(all[i].second);
  }
}

std::span<const IndexedResource> OfferIndex::Of(ShortName type) const {
  for (const TypeList& list : types_) {
    if (list.type == type) {
      return std::span<const IndexedResource>(entries_).subspan(list.begin, list.end - list.begin);
    }
  }
  return {};
}

}  // namespace suanli::routing
