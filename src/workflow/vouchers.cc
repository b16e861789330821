// Reading vouchers and their deductions. A voucher read comes from the in-memory index (no
// lock held for long, no SQLite): it is the most frequent request after settlement.
#include <boost/json.hpp>

#include "core/money.h"
#include "workflow/platform_state.h"

namespace suanli::workflow {

std::string Yuan(std::int64_t fen) { return Money::FromFen(fen).FormatYuan(); }

std::string TierOfQuote(std::string_view quote_json) {
  boost::system::error_code ec;
  const boost::json::value quote = boost::json::parse(quote_json, ec);
  const boost::json::object* o = ec ? nullptr : quote.if_object();
  const boost::json::value* tier = o == nullptr ? nullptr : o->if_contains("tier");
  return tier != nullptr && tier->is_string() ? std::string(tier->get_string()) : std::string();
}

static const char* kSelectSettlement =
    "SELECT transfer_id, voucher_id, provider_id, program_id, bill_no, bill_fen, deduction_fen, "
    "at_us, reversed_by FROM settlements ";

static SettlementRow ReadSettlement(const storage::Stmt& q) {
  SettlementRow r;
  r.id = q.Int(0);
  r.voucher_id = q.Int(1);
  r.provider_id = q.Int(2);
  r.program_id = q.Text(3);
  r.bill_no = q.Text(4);
  r.bill_fen = q.Int(5);
  r.deduction_fen = q.Int(6);
  r.at = Instant::FromMicros(q.Int(7));
  r.reversed_by = q.OptInt(8);
  return r;
}

Result<SettlementRow> LoadSettlement(storage::Db& db, std::int64_t id) {
  SUANLI_ASSIGN(auto q, db.Prepare(std::string(kSelectSettlement) + "WHERE transfer_id = ?1"));
  q.Bind(1, id);
  SUANLI_ASSIGN(const bool row, q.Step());
  if (!row) return NotFound("settlement", id);
  return ReadSettlement(q);
}

static Voucher ToVoucher(const VoucherEntry& e, Instant now) {
  Voucher v;
  v.id = e.id;
  v.org_id = e.org_id;
  v.org_name = e.org_name;
  v.provider_id = e.provider_id;
  v.program_id = e.program_id;
  v.grant_fen = e.grant_fen;
  if (e.terms) {
    v.rate = e.terms->share;
    v.rounding = e.terms->rounding.Name();
    v.program_version = e.terms->program_version;
  }
  v.used_fen = e.used_fen.load();
  v.remaining_fen = e.remaining_fen();
  v.lapsed_fen = e.lapsed_fen.load();
  if (RedeemedByOrg(e)) v.redeemed_by = "organisation";
  v.held_fen = e.held_fen.load();
  v.expires_at = e.expires_at;
  switch (e.status.load()) {
    case VoucherEntry::kLapsed: v.status = "lapsed"; break;
    case VoucherEntry::kClawedBack: v.status = "clawed_back"; break;
    default: v.status = now >= e.expires_at ? "expired" : "active"; break;
  }
  return v;
}

// ExpertPanelOrgs, taking the workflow lock for experts only: every other role's voucher read
// stays off SQLite and the lock.
static Result<std::vector<std::int64_t>> PanelOrgs(Platform::State& s, const Principal& actor) {
  if (actor.role != Role::kExpert) return std::vector<std::int64_t>{};
  std::lock_guard lock(s.mu);
  return ExpertPanelOrgs(*s.db, actor);
}

// A provider reads the vouchers for its own services; everyone else as the organisation's
// records (an expert: the organisations on its panels, `panel_orgs`).
static Status RequireVoucherAccess(const Principal& actor, const VoucherEntry& e,
                                   const std::vector<std::int64_t>& panel_orgs) {
  if (actor.role == Role::kProvider) return RequireProviderAccess(actor, e.provider_id);
  return RequireOrgReadAccess(actor, e.org_id, panel_orgs, "voucher_id");
}

Result<Voucher> Platform::GetVoucher(const Principal& actor, std::int64_t voucher_id) {
  const VoucherEntry* e = state_->vouchers.Find(voucher_id);
  if (e == nullptr) return NotFound("voucher", voucher_id);
  SUANLI_ASSIGN(const auto panel_orgs, PanelOrgs(*state_, actor));
  SUANLI_TRY(RequireVoucherAccess(actor, *e, panel_orgs));
  Voucher v = ToVoucher(*e, state_->clock->Now());
  return v;
}

Result<std::vector<Voucher>> Platform::ListVouchers(const Principal& actor, const Page& page) {
  std::vector<VoucherEntry*> all = state_->vouchers.All();
  std::sort(all.begin(), all.end(), [](auto* a, auto* b) { return a->id < b->id; });
  const Instant now = state_->clock->Now();
  SUANLI_ASSIGN(const auto panel_orgs, PanelOrgs(*state_, actor));
  std::vector<Voucher> out;
  for (const VoucherEntry* e : all) {
    if (e->id <= page.after_id) continue;
    if (!RequireVoucherAccess(actor, *e, panel_orgs).ok()) continue;
    out.push_back(ToVoucher(*e, now));
    if (static_cast<int>(out.size()) >= page.limit) break;
  }
  return out;
}

Result<std::vector<SettlementRow>> Platform::ListDeductions(const Principal& actor,
                                                            std::int64_t voucher_id) {
  const VoucherEntry* e = state_->vouchers.Find(voucher_id);
  if (e == nullptr) return NotFound("voucher", voucher_id);
  SUANLI_ASSIGN(const auto panel_orgs, PanelOrgs(*state_, actor));
  SUANLI_TRY(RequireVoucherAccess(actor, *e, panel_orgs));
  SUANLI_TRY(state_->journal->Flush());
  std::lock_guard lock(state_->mu);
  SUANLI_ASSIGN(auto q, state_->db->Prepare(std::string(kSelectSettlement) +
                                            "WHERE voucher_id = ?1 ORDER BY transfer_id"));
  q.Bind(1, voucher_id);
  std::vector<SettlementRow> out;
  while (true) {
    SUANLI_ASSIGN(const bool row, q.Step());
    if (!row) break;
    out.push_back(ReadSettlement(q));
  }
  return out;
}

}  // namespace suanli::workflow
