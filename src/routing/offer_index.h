// A snapshot of the network's offers arranged for the router's hot path: per resource type, the
// up centers that offer it, cheapest list price first, with the fields every decision reads
// packed together. Router::PlaceBest walks one type's list in that order and stops at the first
// center whose price alone already exceeds the best total found, so a decision usually reads a
// handful of entries instead of every center (docs/routing.md, "The hot path").
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "routing/offer.h"

namespace suanli::routing {

// One center's units of one type, as the hot path reads them.
struct IndexedResource {
  std::int64_t price_fen_per_unit_hour = 0;  // the list price: the list's sort key
  std::int64_t wait_s = 0;
  std::uint32_t free_units = 0;
  std::uint32_t total_units = 0;
  std::uint32_t offer_index = 0;  // position in the offers the index was built from
  bool domestic_chip = false;
  CenterId center;
  ProviderId provider;
  const CenterOffer* offer = nullptr;  // for the framework scan and the region
};

class OfferIndex {
 public:
  // Indexes `offers`, which must pass ValidateOffer and outlive the index; centers that are
  // down are left out (they can take nothing). Offers are a snapshot: rebuild the index when
  // they change.
  explicit OfferIndex(std::span<const CenterOffer> offers);

  // The entries for `type`, cheapest list price first (offer order among equal prices); empty
  // when no up center offers it.
  std::span<const IndexedResource> Of(ShortName type) const;

  std::size_t offer_count() const { return offer_count_; }

 private:
  struct TypeList {
    ShortName type;
    std::size_t begin = 0;
    std::size_t end = 0;
  };
  std::vector<TypeList> types_;  // a network offers a handful of types: scanned, not hashed
  std::vector<IndexedResource> entries_;
  std::size_t offer_count_ = 0;
};

}  // namespace suanli::routing
