// Goods beyond raw compute — software licences, datasets, models, services — through their
// life: a provider's operator (or an admin) lists them, reprices them (or changes their unit or
// description) and withdraws them; everyone may read them, as the catalogue. Withdrawn goods
// leave the catalogue and the default listing but stay readable by id, and every change is on
// the audit log with the figures before and after.
#include <algorithm>
#include <iterator>

#include "workflow/platform.h"
#include "workflow/platform_state.h"

namespace suanli::workflow {

namespace {

constexpr std::int64_t kGoodsPriceFenMax = 100'000'000'00;  // ¥100 million: a typo above that
constexpr std::size_t kNameBytesMax = 200;
constexpr std::size_t kDescriptionBytesMax = 4000;
constexpr std::size_t kUnitBytesMax = 40;

constexpr char kGoodsColumns[] =
    "SELECT g.id, g.provider_id, g.center_id, g.kind, g.name, g.description, g.unit, p.name, "
    "g.price_fen, g.created_at_us, g.withdrawn_at_us FROM goods g "
    "JOIN providers p ON p.id = g.provider_id ";

Goods GoodsFrom(storage::Stmt& q) {
  Goods g{q.Int(0), q.Int(1), std::nullopt, q.Text(3), q.Text(4), q.Text(5),
          q.Text(6), q.Text(7), q.Int(8), Instant::FromMicros(q.Int(9))};
  if (!q.IsNull(2)) g.center_id = q.Int(2);
  if (!q.IsNull(10)) g.withdrawn_at = Instant::FromMicros(q.Int(10));
  return g;
}

Result<Goods> GoodsIn(storage::Db& db, std::int64_t goods_id) {
  SUANLI_ASSIGN(auto q, db.Prepare(std::string(kGoodsColumns) + "WHERE g.id = ?1"));
  SUANLI_ASSIGN(const bool row, q.Bind(1, goods_id).Step());
  if (!row) return NotFound("goods", goods_id);
  return GoodsFrom(q);
}

bool KnownKind(std::string_view kind) {
  return std::any_of(std::begin(kGoodsKinds), std::end(kGoodsKinds),
                     [&](const char* k) { return kind == k; });
}

Status ValidateDescription(std::string_view description) {
  if (description.size() > kDescriptionBytesMax) {
    return MakeError(ErrorCode::kOutOfRange, "description", "at most 4000 bytes");
  }
  return OkStatus();
}

Status ValidateUnit(std::string_view unit) {
  if (unit.empty() || unit.size() > kUnitBytesMax) {
    return MakeError(ErrorCode::kOutOfRange, "unit", "1 to 40 bytes, e.g. 套/年 or 次");
  }
  return OkStatus();
}

Status ValidatePrice(std::int64_t price_fen) {
  if (price_fen < 0) return MakeError(ErrorCode::kNegativeAmount, "price", "must be ≥ 0");
  if (price_fen > kGoodsPriceFenMax) {
    return MakeError(ErrorCode::kOutOfRange, "price", "at most 100000000.00");
  }
  return OkStatus();
}

Status ValidateGoods(const NewGoods& g) {
  if (!KnownKind(g.kind)) {
    return MakeError(ErrorCode::kOutOfRange, "kind",
                     "one of software_licence, dataset, model, service");
  }
  if (g.name.empty() || g.name.size() > kNameBytesMax) {
    return MakeError(ErrorCode::kOutOfRange, "name", "1 to 200 bytes");
  }
  SUANLI_TRY(ValidateDescription(g.description));
  SUANLI_TRY(ValidateUnit(g.unit));
  return ValidatePrice(g.price_fen);
}

Status ValidateEdit(const GoodsEdit& e) {
  if (e.empty()) {
    return MakeError(ErrorCode::kMissingField, "", "nothing to change: price, unit or description");
  }
  if (e.price_fen) SUANLI_TRY(ValidatePrice(*e.price_fen));
  if (e.unit) SUANLI_TRY(ValidateUnit(*e.unit));
  if (e.description) SUANLI_TRY(ValidateDescription(*e.description));
  return OkStatus();
}

// What an edit may change, as the audit entry records it before and after.
std::string TermsJson(const Goods& g) {
  return "{\"price_fen\":" + std::to_string(g.price_fen) + ",\"unit\":" + Quoted(g.unit) +
         ",\"description\":" + Quoted(g.description) + "}";
}

// Who may change goods: their provider's operator, or an admin (as listing them).
Result<Goods> ChangeableGoods(Platform& p, const Principal& actor, std::int64_t goods_id) {
  SUANLI_TRY(RequireRole(actor, {Role::kAdmin, Role::kProvider}));
  SUANLI_ASSIGN(const Goods g, p.GetGoods(goods_id));
  SUANLI_TRY(RequireProviderAccess(actor, g.provider_id));
  return g;
}

Error Withdrawn(const Goods& g) {
  return MakeError(ErrorCode::kStateConflict, "goods_id",
                   g.name + " was withdrawn on " + g.withdrawn_at->CstDate().ToString());
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
    if (c.retired_at) {
      return MakeError(ErrorCode::kStateConflict, "center_id",
                       "center " + c.spec.name + " is retired");
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
        // Names stay taken after a withdrawal: the audit log and old references name them.
        return MakeError(ErrorCode::kDuplicate, "name",
                         "you list goods of this name already (withdrawn goods keep theirs)");
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

Result<std::vector<Goods>> Platform::ListGoods(const GoodsFilter& filter, const Page& page) {
  if (!filter.kind.empty() && !KnownKind(filter.kind)) {
    return MakeError(ErrorCode::kOutOfRange, "kind",
                     "software_licence, dataset, model or service");
  }
  std::lock_guard lock(state_->mu);
  SUANLI_ASSIGN(auto q, state_->db->Prepare(
                            std::string(kGoodsColumns) +
                            "WHERE g.id > ?1 AND (?2 = 0 OR g.provider_id = ?2) AND "
                            "(?3 = '' OR g.kind = ?3) AND (?4 = 1 OR g.withdrawn_at_us IS NULL) "
                            "ORDER BY g.id LIMIT ?5"));
  q.Bind(1, page.after_id).Bind(2, filter.provider_id.value_or(0)).Bind(3, filter.kind);
  q.Bind(4, std::int64_t{filter.include_withdrawn}).Bind(5, std::int64_t{page.limit});
  std::vector<Goods> out;
  while (true) {
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) break;
    out.push_back(GoodsFrom(q));
  }
  return out;
}

Result<Goods> Platform::GetGoods(std::int64_t goods_id) {
  std::lock_guard lock(state_->mu);
  return GoodsIn(*state_->db, goods_id);
}

Result<Goods> Platform::EditGoods(const Principal& actor, std::int64_t goods_id,
                                  const GoodsEdit& edit) {
  SUANLI_TRY(ChangeableGoods(*this, actor, goods_id));
  SUANLI_TRY(ValidateEdit(edit));
  return state_->RunStep<Goods>(actor, [&](StepContext& ctx) -> Result<Goods> {
    SUANLI_ASSIGN(Goods g, GoodsIn(ctx.db, goods_id));
    if (g.withdrawn_at) return Withdrawn(g);
    const std::string before = TermsJson(g);
    if (edit.price_fen) g.price_fen = *edit.price_fen;
    if (edit.unit) g.unit = *edit.unit;
    if (edit.description) g.description = *edit.description;
    const std::string after = TermsJson(g);
    if (after == before) return g;  // nothing to record (a retry of an edit made)
    SUANLI_ASSIGN(auto up, ctx.db.Prepare("UPDATE goods SET price_fen = ?1, unit = ?2, "
                                          "description = ?3 WHERE id = ?4"));
    SUANLI_TRY(up.Bind(1, g.price_fen).Bind(2, g.unit).Bind(3, g.description)
                   .Bind(4, goods_id).Run());
    // The log keeps digests of before and after; the figures themselves go in the detail.
    SUANLI_TRY(ctx.Audit("goods.edit", "goods/" + std::to_string(goods_id), before, after,
                         "{\"before\":" + before + ",\"after\":" + after + "}"));
    return g;
  });
}

Result<Goods> Platform::WithdrawGoods(const Principal& actor, std::int64_t goods_id,
                                      std::string_view reason) {
  SUANLI_TRY(ChangeableGoods(*this, actor, goods_id));
  SUANLI_TRY(ValidateReason(reason));
  return state_->RunStep<Goods>(actor, [&](StepContext& ctx) -> Result<Goods> {
    SUANLI_ASSIGN(Goods g, GoodsIn(ctx.db, goods_id));
    if (g.withdrawn_at) return Withdrawn(g);
    SUANLI_ASSIGN(auto up, ctx.db.Prepare("UPDATE goods SET withdrawn_at_us = ?1 WHERE id = ?2"));
    SUANLI_TRY(up.Bind(1, ctx.now.micros()).Bind(2, goods_id).Run());
    g.withdrawn_at = ctx.now;
    SUANLI_TRY(ctx.Audit("goods.withdraw", "goods/" + std::to_string(goods_id),
                         "{\"withdrawn_at\":null}",
                         "{\"withdrawn_at\":\"" + ctx.now.ToString() + "\"}",
                         "{\"reason\":" + Quoted(reason) + "}"));
    return g;
  });
}

}  // namespace suanli::workflow
