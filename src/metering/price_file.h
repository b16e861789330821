// The price file: one TOML document with the registered centers, discount classes, prices and
// the account → organisation map, from which a Rater is built (docs/metering.md has the format
// and bench/metering/prices.toml an example). The CLI reads it; the platform may build the
// same structures from its database instead.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "metering/price_list.h"
#include "metering/rating.h"

namespace suanli::metering {

struct PriceFile {
  PriceListSpec spec;
  std::vector<AccountEntry> accounts;
  std::vector<std::string> centers;
};

// Parses the TOML text. Every error names its dotted field ("prices[2].price") and a reason;
// unknown keys are refused so a misspelt key is never silently ignored. Prices are decimal
// yuan strings ("12.50"), never TOML floats. `origin` names the file in syntax errors.
Result<PriceFile> ParsePriceFile(std::string_view toml_text, std::string_view origin = "prices");

// Reads and parses `path`, then builds the PriceList and the Rater (their errors too).
Result<Rater> LoadRater(const std::string& path);

}  // namespace suanli::metering
