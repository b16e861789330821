// Centers and their price lists: a provider's operator (or the platform admin) registers a
// center with its declared spec and quotes prices per unit with effective dates. Prices are
// never edited: a correction is a new entry, and the price in force at an instant is the
// latest entry whose day has begun.
#include <algorithm>
#include <iterator>

#include "metering/price_list.h"
#include "workflow/center_row.h"
#include "workflow/platform.h"
#include "workflow/platform_state.h"

namespace suanli::workflow {

namespace {

// ¥100,000 per unit: far above any card-hour (¥10–¥40 in the seeds); a bigger number is a typo.
constexpr std::int64_t kUnitPriceFenMax = 100'000'00;

}  // namespace

Result<Center> CenterFrom(storage::Stmt& q) {
  Center c;
  c.id = q.Int(0);
  c.provider_id = q.Int(1);
  SUANLI_ASSIGN(c.spec, network::ParseCenterSpec(q.Text(2)));
  c.created_at = Instant::FromMicros(q.Int(3));
  if (!q.IsNull(4)) c.retired_at = Instant::FromMicros(q.Int(4));
  return c;
}

namespace {

Status ValidatePrice(const Center& center, const NewPrice& p) {
  // A retired center takes no new jobs, so a price from after its retirement would price
  // nothing; an entry in force by that day corrects usage it ran (and re-rates it).
  if (center.retired_at && p.effective_from > center.retired_at->CstDate()) {
    return MakeError(ErrorCode::kStateConflict, "effective_from",
                     "the center was retired on " + center.retired_at->CstDate().ToString() +
                         ": only a price in force by then (a correction) is accepted");
  }
  const network::Partition* part = center.spec.FindPartition(p.partition);
  if (part == nullptr) {
    return MakeError(ErrorCode::kNotFound, "partition",
                     "center " + center.spec.name + " has no partition " + p.partition);
  }
  const bool known = std::any_of(std::begin(kPriceUnits), std::end(kPriceUnits),
                                 [&](const char* u) { return p.unit == u; });
  if (!known) {
    return MakeError(ErrorCode::kOutOfRange, "unit",
                     "one of card_hour, core_hour, node_hour, billing_hour, gb_month");
  }
  if ((p.unit == "billing_hour") != !p.billing_weights.empty()) {
    return MakeError(ErrorCode::kContradiction, "billing_weights",
                     "required for billing_hour prices, and only for them");
  }
  if (!p.billing_weights.empty()) {
    SUANLI_TRY(metering::ParseTresBillingWeights(p.billing_weights, "billing_weights"));
  }
  if (p.unit == "card_hour" && !part->accelerator) {
    return MakeError(ErrorCode::kContradiction, "unit",
                     "partition " + p.partition + " has no accelerator cards to price per card");
  }
  if (p.price_fen <= 0) return MakeError(ErrorCode::kOutOfRange, "price", "must be positive");
  if (p.price_fen > kUnitPriceFenMax) {
    return MakeError(ErrorCode::kOutOfRange, "price", "at most 100000.00 per unit");
  }
  return OkStatus();
}

}  // namespace

Result<Center> Platform::RegisterCenter(const Principal& actor, std::int64_t provider_id,
                                        const network::CenterSpec& spec) {
  SUANLI_TRY(RequireRole(actor, {Role::kAdmin, Role::kProvider}));
  SUANLI_TRY(RequireProviderAccess(actor, provider_id));
  return state_->RunStep<Center>(actor, [&](StepContext& ctx) -> Result<Center> {
    SUANLI_ASSIGN(auto has, ctx.db.Prepare("SELECT 1 FROM providers WHERE id = ?1"));
    SUANLI_ASSIGN(const bool found, has.Bind(1, provider_id).Step());
    if (!found) return NotFound("provider", provider_id);
    for (const char* column : {"name", "slurm_cluster"}) {
      SUANLI_ASSIGN(auto taken, ctx.db.Prepare(std::string("SELECT 1 FROM compute_centers WHERE ") +
                                               column + " = ?1"));
      SUANLI_ASSIGN(const bool exists,
                    taken.Bind(1, std::string_view(column) == "name" ? spec.name
                                                                      : spec.slurm_cluster)
                        .Step());
      if (exists) {
        return MakeError(ErrorCode::kDuplicate, column, "another center has this " +
                                                            std::string(column));
      }
    }
    const std::string spec_json = network::CenterSpecJson(spec);
    SUANLI_ASSIGN(auto ins, ctx.db.Prepare("INSERT INTO compute_centers (provider_id, name, "
                                           "slurm_cluster, spec_json, created_at_us) "
                                           "VALUES (?1,?2,?3,?4,?5)"));
    SUANLI_TRY(ins.Bind(1, provider_id)
                   .Bind(2, spec.name)
                   .Bind(3, spec.slurm_cluster)
                   .Bind(4, spec_json)
                   .Bind(5, ctx.now.micros())
                   .Run());
    Center out{ctx.db.LastInsertRowid(), provider_id, spec, ctx.now};
    SUANLI_TRY(ctx.Audit("center.register", "center/" + std::to_string(out.id), "", spec_json));
    return out;
  });
}

Result<std::vector<Center>> Platform::ListCenters() {
  std::lock_guard lock(state_->mu);
  SUANLI_ASSIGN(auto q, state_->db->Prepare(std::string(kCenterColumns) + " ORDER BY id"));
  std::vector<Center> out;
  while (true) {
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) break;
    SUANLI_ASSIGN(Center c, CenterFrom(q));
    out.push_back(std::move(c));
  }
  return out;
}

Result<Center> Platform::GetCenter(std::int64_t center_id) {
  std::lock_guard lock(state_->mu);
  SUANLI_ASSIGN(auto q, state_->db->Prepare(std::string(kCenterColumns) + " WHERE id = ?1"));
  SUANLI_ASSIGN(const bool row, q.Bind(1, center_id).Step());
  if (!row) return NotFound("center", center_id);
  return CenterFrom(q);
}

Result<Price> Platform::SetPrice(const Principal& actor, const NewPrice& p) {
  SUANLI_TRY(RequireRole(actor, {Role::kAdmin, Role::kProvider}));
  SUANLI_ASSIGN(const Center center, GetCenter(p.center_id));
  SUANLI_TRY(RequireProviderAccess(actor, center.provider_id));
  SUANLI_TRY(ValidatePrice(center, p));
  SUANLI_ASSIGN(Price price, state_->RunStep<Price>(actor, [&](StepContext& ctx) -> Result<Price> {
    // A partition is billed in one unit (a job is rated by exactly one price entry), so every
    // entry of a partition has the unit of its first.
    SUANLI_ASSIGN(auto unit, ctx.db.Prepare("SELECT unit FROM center_prices WHERE center_id = ?1 "
                                            "AND partition_name = ?2 LIMIT 1"));
    SUANLI_ASSIGN(const bool priced, unit.Bind(1, p.center_id).Bind(2, p.partition).Step());
    if (priced && unit.Text(0) != p.unit) {
      return MakeError(ErrorCode::kContradiction, "unit",
                       "partition " + p.partition + " is billed per " + unit.Text(0) +
                           "; a partition has one unit");
    }
    SUANLI_ASSIGN(auto ins, ctx.db.Prepare("INSERT INTO center_prices (center_id, "
                                           "partition_name, unit, price_fen, effective_from, "
                                           "created_at_us, billing_weights) "
                                           "VALUES (?1,?2,?3,?4,?5,?6,?7)"));
    const Status st = ins.Bind(1, p.center_id)
                          .Bind(2, p.partition)
                          .Bind(3, p.unit)
                          .Bind(4, p.price_fen)
                          .Bind(5, p.effective_from.ToString())
                          .Bind(6, ctx.now.micros())
                          .Bind(7, p.billing_weights)
                          .Run();
    if (!st.ok()) {
      if (st.error().code != ErrorCode::kContradiction) return st.error();
      // The same entry again (a retry, say after its re-rate failed) is the entry recorded:
      // re-rated again below. Another price for that day is a conflict.
      SUANLI_ASSIGN(auto same, ctx.db.Prepare("SELECT id, price_fen, billing_weights, "
                                              "created_at_us FROM center_prices WHERE "
                                              "center_id = ?1 AND partition_name = ?2 AND unit = "
                                              "?3 AND effective_from = ?4"));
      same.Bind(1, p.center_id).Bind(2, p.partition).Bind(3, p.unit);
      SUANLI_ASSIGN(const bool found, same.Bind(4, p.effective_from.ToString()).Step());
      if (!found || same.Int(1) != p.price_fen || same.Text(2) != p.billing_weights) {
        return MakeError(ErrorCode::kDuplicate, "effective_from",
                         "another price for this partition and unit takes effect that day");
      }
      return Price{same.Int(0), p.center_id, p.partition, p.unit, p.price_fen,
                   p.effective_from, Instant::FromMicros(same.Int(3)), p.billing_weights};
    }
    Price out{ctx.db.LastInsertRowid(), p.center_id, p.partition, p.unit, p.price_fen,
              p.effective_from, ctx.now, p.billing_weights};
    SUANLI_TRY(ctx.Audit("price.set", "center/" + std::to_string(p.center_id), "",
                         "{\"partition\":" + Quoted(p.partition) + ",\"unit\":" + Quoted(p.unit) +
                             ",\"price_fen\":" + std::to_string(p.price_fen) +
                             ",\"effective_from\":\"" + p.effective_from.ToString() + "\"}"));
    return out;
  }));
  // A price correction (issue 4 §3): the lines already billed for jobs that ran under this
  // entry are re-rated with reversing entries, so a job costs the price in force when it ran
  // whenever it was ingested. If this fails the entry stands; setting it again re-rates.
  auto rerated = RerateAfterPriceChange(*state_, center, p.partition, p.effective_from);
  if (!rerated.ok()) {
    Error e = rerated.error();
    e.message = "the price is recorded, but re-rating the lines already billed failed (" +
                e.message + "): set the same price again to re-rate";
    return e;
  }
  price.lines_rerated = rerated->changed;
  price.rerated_delta_fen = rerated->reversed_fen + rerated->corrected_fen;
  price.lines_rerate_failed = rerated->failed;
  if (rerated->changed > 0 || rerated->failed > 0) {
    SUANLI_TRY(state_->RunStep<bool>(actor, [&](StepContext& ctx) -> Result<bool> {
      SUANLI_TRY(ctx.Audit("usage.rerate", "center/" + std::to_string(p.center_id), "",
                           "{\"partition\":" + Quoted(p.partition) + ",\"from\":\"" +
                               p.effective_from.ToString() + "\",\"changed\":" +
                               std::to_string(rerated->changed) + ",\"delta_fen\":" +
                               std::to_string(price.rerated_delta_fen) + ",\"failed\":" +
                               std::to_string(rerated->failed) + "}"));
      return true;
    }));
  }
  return price;
}

// The rows of a query selecting, in this order, id, center_id, partition_name, unit, price_fen,
// effective_from, created_at_us, billing_weights from center_prices.
static Result<std::vector<Price>> ReadPrices(storage::Stmt& q) {
  std::vector<Price> out;
  while (true) {
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) break;
    SUANLI_ASSIGN(const Date from, Date::Parse(q.Text(5), "effective_from"));
    out.push_back(Price{q.Int(0), q.Int(1), q.Text(2), q.Text(3), q.Int(4), from,
                        Instant::FromMicros(q.Int(6)), q.Text(7)});
  }
  return out;
}

Result<std::vector<Price>> Platform::PricesInForce(Date day) {
  std::lock_guard lock(state_->mu);
  // Per (center, partition, unit) the latest entry whose day has begun; the table's UNIQUE
  // index on those columns and effective_from answers the inner query.
  SUANLI_ASSIGN(auto q, state_->db->Prepare(
                            "SELECT id, center_id, partition_name, unit, price_fen, "
                            "effective_from, created_at_us, billing_weights FROM center_prices p "
                            "WHERE effective_from = (SELECT max(effective_from) FROM center_prices "
                            "WHERE center_id = p.center_id AND partition_name = p.partition_name "
                            "AND unit = p.unit AND effective_from <= ?1) "
                            "ORDER BY center_id, partition_name, unit"));
  q.Bind(1, day.ToString());
  return ReadPrices(q);
}

Result<std::vector<Price>> Platform::ListPrices(std::int64_t center_id) {
  std::lock_guard lock(state_->mu);
  SUANLI_ASSIGN(auto q, state_->db->Prepare(
                            "SELECT id, center_id, partition_name, unit, price_fen, "
                            "effective_from, created_at_us, billing_weights FROM center_prices "
                            "WHERE center_id = ?1 "
                            "ORDER BY partition_name, unit, effective_from"));
  q.Bind(1, center_id);
  return ReadPrices(q);
}

}  // namespace suanli::workflow
