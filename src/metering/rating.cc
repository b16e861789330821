// Rating a usage record (rating.h). The hot path (Rater::Rate on a job row) does a hash lookup
// of the account (skipped when the memo holds it), one of the partition's prices, a short scan
// of its price versions and the exact product in 128 bits (divided in 64 when it fits); it
// allocates only to describe a reject.
#include "metering/rating.h"

#include <algorithm>
#include <limits>

#include "core/check.h"
#include "core/limits.h"
#include "core/prefetch.h"
#include "core/short_bytes.h"

namespace suanli::metering {
namespace {

using i128 = __int128;
constexpr std::int64_t kSecondsPerHour = 3600;

std::int64_t CountOf(std::span<const network::TresCount> tres, std::string_view name) {
  for (const auto& t : tres) {
    if (t.name == name) return t.count;
  }
  return 0;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

}  // namespace

std::string_view RejectReasonName(RejectReason reason) {
  switch (reason) {
    case RejectReason::kUnregisteredCenter:
      return "unregistered center";
    case RejectReason::kUnknownAccount:
      return "unknown account";
    case RejectReason::kNotFinal:
      return "not final";
    case RejectReason::kNegativeDuration:
      return "negative duration";
    case RejectReason::kAbsentDuration:
      return "absent duration";
    case RejectReason::kNoPriceInForce:
      return "no price in force";
    case RejectReason::kOverflow:
      return "overflow";
    case RejectReason::kImpossibleDuration:
      return "impossible duration";
    case RejectReason::kInTheFuture:
      return "in the future";
  }
  return "unknown";
}

UsageView UsageView::FromRow(const network::SacctRow& row) {
  UsageView v;
  v.cluster = row.cluster;
  v.job_id = row.job_id;
  v.step = row.step;
  v.account = row.account;
  v.partition = row.partition;
  v.start = row.start;
  v.end = row.end;
  v.elapsed_s = row.elapsed_s;
  v.state = row.state;
  v.tres = std::span<const network::TresCount>(row.tres.data(), row.tres_count);
  v.user = row.user;
  v.submit = row.submit;
  v.exit_code = row.exit_code;
  v.exit_signal = row.exit_signal;
  return v;
}

UsageView UsageView::FromRecord(
    const network::UsageRecord& record,
    std::array<network::TresCount, network::kSacctMaxTres>* tres_storage) {
  UsageView v;
  v.cluster = record.cluster;
  v.job_id = record.job_id;
  v.step = record.step;
  v.account = record.account;
  v.partition = record.partition;
  v.start = record.start;
  v.end = record.end;
  v.elapsed_s = record.elapsed_s;
  v.state = record.state;
  std::size_t n = 0;
  for (const auto& [name, count] : record.alloc_tres) {
    if (n == tres_storage->size()) break;
    (*tres_storage)[n++] = network::TresCount{name, count};
  }
  v.tres = std::span<const network::TresCount>(tres_storage->data(), n);
  v.user = record.user;
  v.submit = record.submit;
  v.exit_code = record.exit_code;
  v.exit_signal = record.exit_signal;
  return v;
}

network::UsageRecord UsageView::ToRecord() const {
  network::UsageRecord r;
  r.cluster = cluster;
  r.job_id = job_id;
  r.step = step;
  r.account = account;
  r.user = user;
  r.partition = partition;
  r.submit = submit;
  r.start = start;
  r.end = end;
  r.elapsed_s = elapsed_s;
  for (const auto& t : tres) r.alloc_tres.emplace(std::string(t.name), t.count);
  r.state = state;
  r.exit_code = exit_code;
  r.exit_signal = exit_signal;
  return r;
}

namespace {

// The formula's amount into *out; false when it overflows (the 128-bit product, or a result
// beyond limits::kAmountFenMax). The product nearly always fits in 64 bits, where one hardware
// division gives quotient and remainder; 128-bit division is two library calls.
bool AmountFen(std::int64_t unit_price_fen, std::int64_t quantity_unit_s, Rate share,
               std::int64_t* out) {
  SUANLI_CHECK(share.den > 0);
  i128 n = 0;
  if (__builtin_mul_overflow(static_cast<i128>(unit_price_fen), static_cast<i128>(quantity_unit_s),
                             &n) ||
      __builtin_mul_overflow(n, static_cast<i128>(share.num), &n)) {
    return false;
  }
  const i128 d = static_cast<i128>(share.den) * kSecondsPerHour;
  i128 q = 0;
  i128 r = 0;
  if (n >= 0 && n <= std::numeric_limits<std::uint64_t>::max() &&
      d <= std::numeric_limits<std::uint64_t>::max()) {
    const auto un = static_cast<std::uint64_t>(n);
    const auto ud = static_cast<std::uint64_t>(d);
    q = un / ud;
    r = un % ud;
  } else {
    q = n / d;
    r = n % d;
  }
  // Half up: ties away from zero.
  const i128 twice = (r < 0 ? -r : r) * 2;
  if (twice >= d) q += n < 0 ? -1 : 1;
  if (q > limits::kAmountFenMax || q < -limits::kAmountFenMax) return false;
  *out = static_cast<std::int64_t>(q);
  return true;
}

// UnitsOf into *out; false on overflow.
bool CountUnits(const PriceEntry& entry, std::span<const network::TresCount> tres,
                std::int64_t* out) {
  switch (entry.unit) {
    case PriceUnit::kCardHour:
      *out = CountOf(tres, entry.tres);
      return true;
    case PriceUnit::kCoreHour:
      *out = CountOf(tres, "cpu");
      return true;
    case PriceUnit::kNodeHour:
      *out = CountOf(tres, "node");
      return true;
    case PriceUnit::kGbMonth:
      *out = 0;  // storage is rated by RateStorage
      return true;
    case PriceUnit::kBillingHour:
      break;
  }
  // Σ weight × count as one exact fraction over the weights' common denominator would grow;
  // summing in 128 bits with a common denominator of the product is bounded by the few terms.
  i128 num = 0;
  i128 den = 1;
  for (const auto& w : entry.weights) {
    std::int64_t count = 0;
    for (const auto& t : tres) {
      if (EqualsIgnoreCase(t.name, w.tres)) count = t.count;
    }
    if (count == 0 || w.weight.num == 0) continue;
    // num/den + count × wn/wd = (num × wd + count × wn × den) / (den × wd), every product and
    // sum checked: the bound below is tested only after a term, and one term of a huge count
    // and weight could pass 2^127 before it (undefined behaviour, possibly a negative amount).
    i128 scaled = 0, term = 0, next_den = 0;
    if (__builtin_mul_overflow(num, static_cast<i128>(w.weight.den), &scaled) ||
        __builtin_mul_overflow(static_cast<i128>(count), static_cast<i128>(w.weight.num), &term) ||
        __builtin_mul_overflow(term, den, &term) || __builtin_add_overflow(scaled, term, &num) ||
        __builtin_mul_overflow(den, static_cast<i128>(w.weight.den), &next_den)) {
      return false;
    }
    den = next_den;
    const i128 kLimit = static_cast<i128>(1) << 100;
    if (num > kLimit || den > kLimit || num < 0) return false;
  }
  const i128 units = num / den;  // truncated to a whole unit, as Slurm reports billing=
  if (units > std::numeric_limits<std::int64_t>::max()) return false;
  *out = static_cast<std::int64_t>(units);
  return true;
}

}  // namespace

Result<std::int64_t> LineAmountFen(std::int64_t unit_price_fen, std::int64_t quantity_unit_s,
                                   Rate share) {
  std::int64_t amount = 0;
  if (!AmountFen(unit_price_fen, quantity_unit_s, share, &amount)) {
    return MakeError(ErrorCode::kOverflow, "amount_fen",
                     "price × quantity × share overflows or exceeds 10^15 fen");
  }
  return amount;
}

Result<std::int64_t> UnitsOf(const PriceEntry& entry, std::span<const network::TresCount> tres) {
  std::int64_t units = 0;
  if (!CountUnits(entry, tres, &units)) {
    return MakeError(ErrorCode::kOverflow, "billing", "billing units overflow");
  }
  return units;
}

Result<Rater> Rater::Make(PriceList prices, std::vector<AccountEntry> accounts,
                          std::vector<std::string> registered_centers) {
  Rater rater;
  for (std::size_t i = 0; i < accounts.size(); ++i) {
    const auto& a = accounts[i];
    const std::string f = "accounts[" + std::to_string(i) + "]";
    if (a.account.empty()) return MakeError(ErrorCode::kMissingField, f + ".account", "required");
    if (!a.org.valid()) return MakeError(ErrorCode::kMissingField, f + ".org", "required (> 0)");
    if (a.contract && !a.contract->valid()) {
      return MakeError(ErrorCode::kOutOfRange, f + ".contract", "must be > 0 when given");
    }
    auto share = prices.ShareFor(a.discount_class);
    if (!share.ok()) return MakeError(ErrorCode::kNotFound, f + ".class", share.error().message);
    AccountEntries& entries = rater.account_index_[a.account];
    const bool twice =
        a.center.empty()
            ? entries.every_center != AccountEntries::kNone
            : std::any_of(entries.on_center.begin(), entries.on_center.end(),
                          [&](std::uint32_t j) { return accounts[j].center == a.center; });
    if (twice) {
      return MakeError(ErrorCode::kDuplicate, f + ".account",
                       "'" + a.account + "' on '" + a.center + "' is mapped twice");
    }
    (a.center.empty() ? entries.every_center : entries.on_center.emplace_back()) =
        static_cast<std::uint32_t>(i);
    // A free trial pays nothing, below any floor: the floor bounds a discount, not a gift.
    rater.account_terms_.push_back(
        AccountTerms{a.org, a.contract, a.free_trial ? suanli::Rate{0, 1} : *share});
  }
  for (auto& c : registered_centers) {
    if (c.empty()) return MakeError(ErrorCode::kMissingField, "centers", "empty center name");
    rater.centers_.insert(std::move(c));
  }
  rater.accounts_ = std::move(accounts);
  rater.prices_ = std::move(prices);
  return rater;
}

bool Rater::IsRegistered(std::string_view center) const {
  return centers_.find(center) != centers_.end();
}

const AccountEntry* Rater::FindAccount(std::string_view center, std::string_view account) const {
  const auto it = account_index_.find(account);
  if (it == account_index_.end()) return nullptr;
  for (const std::uint32_t i : it->second.on_center) {
    if (ShortEqual(accounts_[i].center, center)) return &accounts_[i];
  }
  const std::uint32_t every = it->second.every_center;
  return every == AccountEntries::kNone ? nullptr : &accounts_[every];
}

void Rater::Reject(RejectReason reason, std::string detail, RatingOutcome* out) {
  out->ok = false;
  out->reject = reason;
  out->detail = std::move(detail);
}

RatingOutcome Rater::Reject(RejectReason reason, std::string detail) const {
  RatingOutcome out;
  Reject(reason, std::move(detail), &out);
  return out;
}

RatingOutcome Rater::Rate(const UsageView& in, Memo* memo) const {
  RatingOutcome out;
  Decide(in, memo, &out);
  return out;
}

void Rater::Decide(const UsageView& in, Memo* memo, RatingOutcome* out) const {
  bool registered = false;
  const AccountEntry* account = nullptr;
  if (memo == nullptr) {
    registered = IsRegistered(in.cluster);
    if (registered) account = FindAccount(in.cluster, in.account);
  } else {
    if (memo->centers == 0 || !ShortEqual(memo->center[0], in.cluster)) {
      // The other center becomes the last one, or the last one the other and this one is
      // looked up.
      std::swap(memo->center[0], memo->center[1]);
      std::swap(memo->registered[0], memo->registered[1]);
      if (memo->centers < 2 || !ShortEqual(memo->center[0], in.cluster)) {
        memo->center[0].assign(in.cluster);
        memo->registered[0] = IsRegistered(in.cluster);
        memo->centers = static_cast<std::uint8_t>(std::min(memo->centers + 1, 2));
      }
      memo->account.clear();
      memo->entry_valid = false;
    }
    registered = memo->registered[0];
    if (registered) {
      if (!memo->entry_valid || !ShortEqual(memo->account, in.account)) {
        memo->account.assign(in.account);
        memo->entry = FindAccount(in.cluster, in.account);
        memo->entry_valid = true;
      }
      account = memo->entry;
    }
  }
  if (!registered) {
    return Reject(RejectReason::kUnregisteredCenter,
                  "'" + std::string(in.cluster) + "' is not a registered center", out);
  }
  if (account == nullptr) {
    return Reject(RejectReason::kUnknownAccount,
                  "'" + std::string(in.account) + "' on '" + std::string(in.cluster) +
                      "' belongs to no organisation",
                  out);
  }
  if (!network::IsFinal(in.state)) {
    return Reject(RejectReason::kNotFinal,
                  "job is " + std::string(network::JobStateName(in.state)) +
                      ": usage is not final; ingest it after it ends",
                  out);
  }
  if (in.elapsed_s < 0) {
    return Reject(RejectReason::kNegativeDuration, std::to_string(in.elapsed_s) + " s", out);
  }
  out->ok = true;
  if (!in.start && in.elapsed_s == 0) {
    out->kind = RatingKind::kNeverRan;
    return;
  }
  if (!in.start || !in.end) {
    return Reject(RejectReason::kAbsentDuration,
                  std::string(in.start ? "no End" : "no Start") + " on a job that ran " +
                      std::to_string(in.elapsed_s) + " s",
                  out);
  }
  // A job is billed for ElapsedRaw seconds, so it must fit between Start and End (it is less
  // when the job was suspended, never more): a record claiming 100 hours for a 10-second run
  // would otherwise be billed 100 hours. The parser refuses End before Start in a file; records
  // pulled from a center come here without it.
  if (*in.end < *in.start) {
    return Reject(RejectReason::kImpossibleDuration,
                  "End " + in.end->ToString() + " before Start " + in.start->ToString(), out);
  }
  const std::int64_t span_s = (in.end->micros() - in.start->micros()) / kMicrosPerSecond;
  if (in.elapsed_s > span_s) {
    return Reject(RejectReason::kImpossibleDuration,
                  "ElapsedRaw " + std::to_string(in.elapsed_s) + " s is longer than End − Start (" +
                      std::to_string(span_s) + " s)",
                  out);
  }
  if (not_after_ && *in.end > *not_after_) {
    return Reject(RejectReason::kInTheFuture,
                  "End " + in.end->ToString() + " is after now: usage is final once it ended",
                  out);
  }
  if (!in.step.empty()) {
    out->kind = RatingKind::kStep;
    return;
  }
  // The account's terms are likely out of cache; their load overlaps the price lookup.
  PrefetchLine(&account_terms_[static_cast<std::size_t>(account - accounts_.data())]);
  Price(in, *account, out);
}

bool Rater::Price(const UsageView& in, const AccountEntry& account, RatingOutcome* out) const {
  const PriceEntry* entry = prices_.Find(in.cluster, in.partition, *in.start);
  if (entry == nullptr || entry->unit == PriceUnit::kGbMonth) {
    Reject(RejectReason::kNoPriceInForce,
           "no price for partition '" + std::string(in.partition) + "' on '" +
               std::string(in.cluster) + "' at " + in.start->ToString(),
           out);
    return false;
  }
  std::int64_t units = 0;
  std::int64_t quantity = 0;
  if (!CountUnits(*entry, in.tres, &units) ||
      __builtin_mul_overflow(units, in.elapsed_s, &quantity)) {
    Reject(RejectReason::kOverflow, "units × ElapsedRaw overflows", out);
    return false;
  }
  const AccountTerms& terms =
      account_terms_[static_cast<std::size_t>(&account - accounts_.data())];
  const suanli::Rate share = terms.share;
  std::int64_t amount = 0;
  if (!AmountFen(entry->price_fen, quantity, share, &amount)) {
    Reject(RejectReason::kOverflow, "price × quantity × share overflows or exceeds 10^15 fen",
           out);
    return false;
  }
  RatedFigures& f = out->figures;
  f.org = terms.org;
  f.contract = terms.contract;
  f.day = in.end->CstDate();
  f.unit = entry->unit;
  f.quantity_unit_s = quantity;
  f.unit_price_fen = entry->price_fen;
  f.price_effective_from = entry->effective_from;
  f.discount_share = share;
  f.amount_fen = amount;
  out->kind = RatingKind::kBilled;
  return true;
}

RatingOutcome Rater::RateStorage(std::string_view center, std::string_view partition,
                                 std::string_view account, std::int64_t gb,
                                 Date month_first_day) const {
  if (!IsRegistered(center)) {
    return Reject(RejectReason::kUnregisteredCenter,
                  "'" + std::string(center) + "' is not a registered center");
  }
  const AccountEntry* entry = FindAccount(center, account);
  if (entry == nullptr) {
    return Reject(RejectReason::kUnknownAccount, "'" + std::string(account) + "' on '" +
                                                     std::string(center) +
                                                     "' belongs to no organisation");
  }
  if (gb < 0) return Reject(RejectReason::kNegativeDuration, std::to_string(gb) + " GB");
  const Instant at = Instant::StartOfDay(month_first_day);
  const PriceEntry* price = prices_.Find(center, partition, at);
  if (price == nullptr || price->unit != PriceUnit::kGbMonth) {
    return Reject(RejectReason::kNoPriceInForce,
                  "no gb_month price on '" + std::string(center) + "' at " + at.ToString());
  }
  std::int64_t quantity = 0;
  if (__builtin_mul_overflow(gb, kSecondsPerHour, &quantity)) {
    return Reject(RejectReason::kOverflow, "GB overflows");
  }
  const suanli::Rate share =
      account_terms_[static_cast<std::size_t>(entry - accounts_.data())].share;
  const auto amount = LineAmountFen(price->price_fen, quantity, share);
  if (!amount.ok()) return Reject(RejectReason::kOverflow, amount.error().message);
  RatingOutcome out;
  out.ok = true;
  out.kind = RatingKind::kBilled;
  out.figures =
      RatedFigures{entry->org, entry->contract,  month_first_day,       PriceUnit::kGbMonth,
                   quantity,   price->price_fen, price->effective_from, share,
                   *amount};
  return out;
}

}  // namespace suanli::metering
