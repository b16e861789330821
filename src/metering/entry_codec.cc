// Usage-log payload encoding (entry_codec.h).
#include "metering/entry_codec.h"

#include <cstring>
#include <limits>

#include "core/check.h"

namespace suanli::metering::codec {
namespace {

constexpr std::int64_t kAbsent = std::numeric_limits<std::int64_t>::min();

template <typename T>
void Put(std::string* out, T v) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));  // x86-64 and aarch64 are little-endian, as the format is
  out->append(b, sizeof(T));
}

void PutStr(std::string* out, std::string_view s) {
  SUANLI_CHECK(s.size() <= 0xffff);  // Slurm names are far shorter; the parser bounds lines
  Put<std::uint16_t>(out, static_cast<std::uint16_t>(s.size()));
  out->append(s);
}

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  template <typename T>
  bool Get(T* v) {
    if (in_.size() < sizeof(T)) return false;
    std::memcpy(v, in_.data(), sizeof(T));
    in_.remove_prefix(sizeof(T));
    return true;
  }
  bool Str(std::string_view* s) {
    std::uint16_t n = 0;
    if (!Get(&n) || in_.size() < n) return false;
    *s = in_.substr(0, n);
    in_.remove_prefix(n);
    return true;
  }
  bool Str(std::string* s) {
    std::string_view v;
    if (!Str(&v)) return false;
    s->assign(v);
    return true;
  }
  bool done() const { return in_.empty(); }

 private:
  std::string_view in_;
};

void PutFigures(std::string* out, const RatedFigures& f) {
  Put<std::uint64_t>(out, f.org.value);
  Put<std::uint64_t>(out, f.contract ? f.contract->value : 0);
  Put<std::int32_t>(out, f.day.days());
  Put<std::uint8_t>(out, static_cast<std::uint8_t>(f.unit));
  Put<std::int64_t>(out, f.quantity_unit_s);
  Put<std::int64_t>(out, f.unit_price_fen);
  Put<std::int64_t>(out, f.price_effective_from.micros());
  Put<std::int64_t>(out, f.discount_share.num);
  Put<std::int64_t>(out, f.discount_share.den);
  Put<std::int64_t>(out, f.amount_fen);
}

bool GetFigures(Reader* r, RatedFigures* f) {
  std::uint64_t org = 0, contract = 0;
  std::int32_t day = 0;
  std::uint8_t unit = 0;
  std::int64_t eff = 0;
  if (!r->Get(&org) || !r->Get(&contract) || !r->Get(&day) || !r->Get(&unit) ||
      !r->Get(&f->quantity_unit_s) || !r->Get(&f->unit_price_fen) || !r->Get(&eff) ||
      !r->Get(&f->discount_share.num) || !r->Get(&f->discount_share.den) ||
      !r->Get(&f->amount_fen)) {
    return false;
  }
  if (unit < 1 || unit > 5 || f->discount_share.den <= 0) return false;
  f->org = OrgId(org);
  f->contract = contract == 0 ? std::nullopt : std::optional<ContractId>(ContractId(contract));
  f->day = Date::FromDays(day);
  f->unit = static_cast<PriceUnit>(unit);
  f->price_effective_from = Instant::FromMicros(eff);
  return true;
}

std::int64_t OptMicros(const std::optional<Instant>& t) { return t ? t->micros() : kAbsent; }
std::optional<Instant> FromOptMicros(std::int64_t us) {
  return us == kAbsent ? std::nullopt : std::optional<Instant>(Instant::FromMicros(us));
}

}  // namespace

void EncodeUsage(const UsageView& u, const RatingOutcome& outcome, std::string* out) {
  SUANLI_CHECK(outcome.ok);
  Put<std::uint8_t>(out, static_cast<std::uint8_t>(outcome.kind));
  PutStr(out, u.cluster);
  PutStr(out, u.job_id);
  PutStr(out, u.step);
  PutStr(out, u.account);
  PutStr(out, u.user);
  PutStr(out, u.partition);
  Put<std::int64_t>(out, u.submit.micros());
  Put<std::int64_t>(out, OptMicros(u.start));
  Put<std::int64_t>(out, OptMicros(u.end));
  Put<std::int64_t>(out, u.elapsed_s);
  Put<std::uint8_t>(out, static_cast<std::uint8_t>(u.state));
  Put<std::int32_t>(out, u.exit_code);
  Put<std::int32_t>(out, u.exit_signal);
  SUANLI_CHECK(u.tres.size() <= 255);
  Put<std::uint8_t>(out, static_cast<std::uint8_t>(u.tres.size()));
  for (const auto& t : u.tres) {
    PutStr(out, t.name);
    Put<std::int64_t>(out, t.count);
  }
  if (outcome.kind == RatingKind::kBilled) PutFigures(out, outcome.figures);
}

bool DecodeUsageKey(std::string_view payload, std::string_view* cluster, std::string_view* job_id,
                    std::string_view* step) {
  Reader r(payload);
  std::uint8_t kind = 0;
  return r.Get(&kind) && r.Str(cluster) && r.Str(job_id) && r.Str(step);
}

bool DecodeUsage(std::string_view payload, StoredUsage* out) {
  Reader r(payload);
  std::uint8_t kind = 0, state = 0, n = 0;
  std::int64_t submit = 0, start = 0, end = 0;
  auto& rec = out->record;
  if (!r.Get(&kind) || kind < 1 || kind > 3 || !r.Str(&rec.cluster) || !r.Str(&rec.job_id) ||
      !r.Str(&rec.step) || !r.Str(&rec.account) || !r.Str(&rec.user) || !r.Str(&rec.partition) ||
      !r.Get(&submit) || !r.Get(&start) || !r.Get(&end) || !r.Get(&rec.elapsed_s) ||
      !r.Get(&state) || !r.Get(&rec.exit_code) || !r.Get(&rec.exit_signal) || !r.Get(&n)) {
    return false;
  }
  rec.submit = Instant::FromMicros(submit);
  rec.start = FromOptMicros(start);
  rec.end = FromOptMicros(end);
  rec.state = static_cast<network::JobState>(state);
  rec.alloc_tres.clear();
  for (std::uint8_t i = 0; i < n; ++i) {
    std::string_view name;
    std::int64_t count = 0;
    if (!r.Str(&name) || !r.Get(&count)) return false;
    rec.alloc_tres.emplace(std::string(name), count);
  }
  out->kind = static_cast<RatingKind>(kind);
  out->revision = 0;
  out->figures.reset();
  if (out->kind == RatingKind::kBilled) {
    RatedFigures f;
    if (!GetFigures(&r, &f)) return false;
    out->figures = f;
  }
  return r.done();
}

void EncodeAdjustment(const Adjustment& a, std::string* out) {
  PutStr(out, a.center);
  PutStr(out, a.job_id);
  PutStr(out, a.step);
  PutStr(out, a.reason);
  Put<std::uint32_t>(out, a.old_revision);
  PutFigures(out, a.old_figures);
  PutFigures(out, a.new_figures);
}

bool DecodeAdjustment(std::string_view payload, Adjustment* out) {
  Reader r(payload);
  return r.Str(&out->center) && r.Str(&out->job_id) && r.Str(&out->step) && r.Str(&out->reason) &&
         r.Get(&out->old_revision) && GetFigures(&r, &out->old_figures) &&
         GetFigures(&r, &out->new_figures) && r.done();
}

void EncodeCursor(std::string_view center, std::string_view cursor, std::string* out) {
  PutStr(out, center);
  PutStr(out, cursor);
}

bool DecodeCursor(std::string_view payload, std::string* center, std::string* cursor) {
  Reader r(payload);
  return r.Str(center) && r.Str(cursor) && r.done();
}

}  // namespace suanli::metering::codec
