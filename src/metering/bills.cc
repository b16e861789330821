// Bills from the journal of lines (bills.h).
#include "metering/bills.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace suanli::metering {
namespace {

Result<std::int64_t> Sum(std::int64_t a, std::int64_t b) {
  std::int64_t s = 0;
  if (__builtin_add_overflow(a, b, &s)) {
    return MakeError(ErrorCode::kOverflow, "total_fen", "a bill's total overflows int64");
  }
  return s;
}

}  // namespace

Result<Period> Period::Parse(std::string_view text, std::string_view field) {
  const std::string f(field);
  if (text.size() == 6 && text[4] == 'Q') {
    SUANLI_ASSIGN(const Quarter q, Quarter::Parse(text, field));
    return OfQuarter(q);
  }
  const auto dots = text.find("..");
  if (dots == std::string_view::npos) {
    return MakeError(ErrorCode::kParse, f,
                     "'" + std::string(text) + "' is not 2024Q3 or 2024-07-01..2024-09-30");
  }
  SUANLI_ASSIGN(Date first, Date::Parse(text.substr(0, dots), f));
  SUANLI_ASSIGN(Date last, Date::Parse(text.substr(dots + 2), f));
  if (last < first) {
    return MakeError(ErrorCode::kContradiction, f, "the period ends before it starts");
  }
  return Period{first, last};
}

std::string Period::ToString() const { return first.ToString() + ".." + last.ToString(); }

Result<std::vector<Bill>> BuildBills(std::span<const BillLine> lines, const Period& period) {
  // (org, contract or 0) → bill; contract 0 (none) sorts first.
  std::map<std::pair<std::uint64_t, std::uint64_t>, Bill> bills;
  for (const BillLine& l : lines) {
    const RatedFigures& f = l.line.figures;
    if (!period.Contains(f.day)) continue;
    const std::uint64_t contract = f.contract ? f.contract->value : 0;
    Bill& bill = bills[{f.org.value, contract}];
    if (bill.lines.empty()) {
      bill.org = f.org;
      bill.contract = f.contract;
      bill.period = period;
    }
    bill.lines.push_back(l);
    std::int64_t& part = l.kind == LineKind::kOriginal ? bill.original_fen : bill.adjustments_fen;
    SUANLI_ASSIGN(part, Sum(part, f.amount_fen));
    SUANLI_ASSIGN(bill.total_fen, Sum(bill.total_fen, f.amount_fen));
  }
  std::vector<Bill> out;
  out.reserve(bills.size());
  for (auto& [key, bill] : bills) out.push_back(std::move(bill));
  return out;
}

Result<std::vector<Bill>> BillsFor(const UsageStore& store, OrgId org, const Period& period) {
  SUANLI_ASSIGN(std::vector<BillLine> lines, store.Lines(period.first, period.last, org));
  return BuildBills(lines, period);
}

Result<std::int64_t> TotalFen(std::span<const Bill> bills) {
  std::int64_t total = 0;
  for (const Bill& b : bills) {
    SUANLI_ASSIGN(total, Sum(total, b.total_fen));
  }
  return total;
}

}  // namespace suanli::metering
