// The network's catalogue: goods beyond raw compute (software licences, datasets, models,
// services) listed by providers, and one search over them and the centers, open to everyone.
// The catalogue is small (thousands of rows at the National Supercomputing Internet's scale),
// so the search is a case-insensitive substring match over the rows, not an index.
#include <algorithm>
#include <cctype>
#include <iterator>

#include "workflow/platform.h"
#include "workflow/platform_state.h"

namespace suanli::workflow {

namespace {

constexpr std::int64_t kGoodsPriceFenMax = 100'000'000'00;  // ¥100 million: a typo above that
constexpr std::size_t kDescriptionBytesMax = 4000;
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

Status ValidateGoods(const NewGoods& g) {
  const bool known = std::any_of(std::begin(kGoodsKinds), std::end(kGoodsKinds),
                                 [&](const char* k) { return g.kind == k; });
  if (!known) {
    return MakeError(ErrorCode::kOutOfRange, "kind",
                     "one of software_licence, dataset, model, service");
  }
  if (g.name.empty() || g.name.size() > 200) {
    return MakeError(ErrorCode::kOutOfRange, "name", "1 to 200 bytes");
  }
  if (g.description.size() > kDescriptionBytesMax) {
    return MakeError(ErrorCode::kOutOfRange, "description", "at most 4000 bytes");
  }
  if (g.unit.empty() || g.unit.size() > 40) {
    return MakeError(ErrorCode::kOutOfRange, "unit", "1 to 40 bytes, e.g. 套/年 or 次");
  }
  if (g.price_fen < 0) return MakeError(ErrorCode::kNegativeAmount, "price", "must be ≥ 0");
  if (g.price_fen > kGoodsPriceFenMax) {
    return MakeError(ErrorCode::kOutOfRange, "price", "at most 100000000.00");
  }
  return OkStatus();
}

}  // namespace

Result<Goods> Platform::AddGoods(const Principal& actor, const NewGoods& g) {
  SUANLI_TRY(RequireRole(actor, {Role::kAdmin, Role::kProvider}));
  SUANLI_TRY(RequireProviderAccess(actor, g.provider_id));
  SUANLI_TRY(ValidateGoods(g));
  if (g.center_id) {
    SUANLI_ASSIGN(const Center c, GetCenter(*g.center_id));
    if (c.provider_id != g.provider_id) {
      return MakeError(ErrorCode::kForbidden, "center_id", "the center is another provider's");
    }
  }
  return state_->RunStep<Goods>(actor, [&](StepContext& ctx) -> Result<Goods> {
    SUANLI_ASSIGN(auto name, ctx.db.Prepare("SELECT name FROM providers WHERE id = ?1"));
    SUANLI_ASSIGN(const bool found, name.Bind(1, g.provider_id).Step());
    if (!found) return NotFound("provider", g.provider_id);
    SUANLI_ASSIGN(auto ins, ctx.db.Prepare("INSERT INTO goods (provider_id, center_id, kind, "
                                           "name, description, unit, price_fen, created_at_us) "
                                           "VALUES (?1,?2,?3,?4,?5,?6,?7,?8)"));
    ins.Bind(1, g.provider_id);
    if (g.center_id) ins.Bind(2, *g.center_id);
    const Status st = ins.Bind(3, g.kind)
                          .Bind(4, g.name)
                          .Bind(5, g.description)
                          .Bind(6, g.unit)
                          .Bind(7, g.price_fen)
                          .Bind(8, ctx.now.micros())
                          .Run();
    if (!st.ok()) {
      if (st.error().code == ErrorCode::kContradiction) {
        return MakeError(ErrorCode::kDuplicate, "name", "you list goods of this name already");
      }
      return st.error();
    }
    Goods out{ctx.db.LastInsertRowid(), g.provider_id, g.center_id, g.kind, g.name,
              g.description, g.unit, name.Text(0), g.price_fen, ctx.now};
    SUANLI_TRY(ctx.Audit("goods.add", "goods/" + std::to_string(out.id), "",
                         "{\"kind\":" + Quoted(g.kind) + ",\"name\":" + Quoted(g.name) +
                             ",\"price_fen\":" + std::to_string(g.price_fen) + "}"));
    return out;
  });
}

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
      if (CenterMatches(c, q)) out.centers.push_back(std::move(c));
    }
  }
  if (kind == "compute") return out;
  std::lock_guard lock(state_->mu);
  SUANLI_ASSIGN(auto rows, state_->db->Prepare(
                               "SELECT g.id, g.provider_id, g.center_id, g.kind, g.name, "
                               "g.description, g.unit, p.name, g.price_fen, g.created_at_us "
                               "FROM goods g JOIN providers p ON p.id = g.provider_id "
                               "WHERE (?1 = '' OR g.kind = ?1) ORDER BY g.id"));
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
