// The network's catalogue: one search over the centers in service and the goods offered
// (goods.cc keeps the goods themselves), open to everyone.
// The catalogue is small (thousands of rows at the National Supercomputing Internet's scale),
// so the search is a case-insensitive substring match over the rows, not an index.
#include <algorithm>
#include <cctype>
#include <iterator>

#include "workflow/platform.h"
#include "workflow/platform_state.h"

namespace suanli::workflow {

namespace {

constexpr std::size_t kQueryBytesMax = 200;

std::string Lower(std::string_view s) {
  std::string out(s);
  // ASCII folding only: Chinese text has no case, and UTF-8 bytes ≥ 0x80 are left alone.
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool Contains(std::string_view haystack, const std::string& needle_lower) {
  return Lower(haystack).find(needle_lower) != std::string::npos;
}

bool CenterMatches(const Center& c, const std::string& q) {
  if (q.empty()) return true;
  const auto& s = c.spec;
  if (Contains(s.name, q) || Contains(s.region, q) || Contains(s.kind, q)) return true;
  for (const auto& p : s.partitions) {
    if (Contains(p.name, q) || Contains(p.cpu_model, q)) return true;
    if (p.accelerator && Contains(p.accelerator->model, q)) return true;
  }
  for (const auto& sw : s.software) {
    if (Contains(sw.name + " " + sw.version, q)) return true;
  }
  return false;
}

}  // namespace

Result<CatalogueResult> Platform::SearchCatalogue(std::string_view query,
                                                  std::string_view kind) {
  if (query.size() > kQueryBytesMax) {
    return MakeError(ErrorCode::kOutOfRange, "q", "at most 200 bytes");
  }
  const bool known_kind =
      kind.empty() || kind == "compute" ||
      std::any_of(std::begin(kGoodsKinds), std::end(kGoodsKinds),
                  [&](const char* k) { return kind == k; });
  if (!known_kind) {
    return MakeError(ErrorCode::kOutOfRange, "kind",
                     "compute, software_licence, dataset, model or service");
  }
  const std::string q = Lower(query);
  CatalogueResult out;
  if (kind.empty() || kind == "compute") {
    SUANLI_ASSIGN(auto centers, ListCenters());
    for (auto& c : centers) {
      if (!c.retired_at && CenterMatches(c, q)) out.centers.push_back(std::move(c));
    }
  }
  if (kind == "compute") return out;
  std::lock_guard lock(state_->mu);
  SUANLI_ASSIGN(auto rows, state_->db->Prepare(
                               "SELECT g.id, g.provider_id, g.center_id, g.kind, g.name, "
                               "g.description, g.unit, p.name, g.price_fen, g.created_at_us "
                               "FROM goods g JOIN providers p ON p.id = g.provider_id "
                               "WHERE (?1 = '' OR g.kind = ?1) AND g.withdrawn_at_us IS NULL "
                               "ORDER BY g.id"));
  rows.Bind(1, kind);
  while (true) {
    SUANLI_ASSIGN(const bool row, rows.Step());
    if (!row) break;
    Goods g{rows.Int(0), rows.Int(1), std::nullopt, rows.Text(3), rows.Text(4), rows.Text(5),
            rows.Text(6), rows.Text(7), rows.Int(8), Instant::FromMicros(rows.Int(9))};
    if (!rows.IsNull(2)) g.center_id = rows.Int(2);
    if (q.empty() || Contains(g.name, q) || Contains(g.description, q) ||
        Contains(g.provider_name, q)) {
      out.goods.push_back(std::move(g));
    }
  }
  return out;
}

}  // namespace suanli::workflow
