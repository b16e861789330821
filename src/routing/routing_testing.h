// Builders the routing tests share: a center offer with one resource type in one line, and a
// request for a few GPUs, so each test states only what it is about.
#pragma once

#include <cstdint>

#include <gtest/gtest.h>

#include "routing/job_request.h"
#include "routing/offer.h"

namespace suanli::routing::testing {

inline ResourceOffer Gpu(std::int64_t price_fen, std::uint32_t free_units = 16,
                         std::uint32_t total_units = 16, std::int64_t wait_s = 0,
                         bool domestic = false) {
  ResourceOffer r;
  r.type = ShortName::Of("gpu");
  r.price_fen_per_unit_hour = price_fen;
  r.free_units = free_units;
  r.total_units = total_units;
  r.wait_s = wait_s;
  r.domestic_chip = domestic;
  return r;
}

inline CenterOffer Center(std::uint64_t id, const ResourceOffer& resource,
                          const char* region = "成都", std::uint64_t provider = 0) {
  CenterOffer offer;
  offer.center = CenterId(id);
  offer.provider = ProviderId(provider == 0 ? id : provider);
  offer.region = ShortName::Of(region);
  EXPECT_TRUE(offer.AddResource(resource).ok());
  EXPECT_TRUE(offer.AddFramework(ShortName::Of("PyTorch"), Version::Of(2, 1, 0)).ok());
  return offer;
}

// Two GPUs for an hour, no framework, no deadline, no shares.
inline JobRequest TwoGpus() {
  JobRequest request;
  request.resource_type = ShortName::Of("gpu");
  request.units = 2;
  request.time_limit_s = 3600;
  return request;
}

}  // namespace suanli::routing::testing
