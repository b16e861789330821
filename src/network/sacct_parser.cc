// sacct --parsable2 parsing (sacct_parser.h). The good-line path only slices the line into
// string_views and converts digits by hand; strings are built only to describe an error.
#include "network/sacct_parser.h"

#include <cstring>
#include <utility>

#include "core/check.h"

namespace suanli::network {
namespace {

struct ColumnName {
  std::string_view name;
  std::uint8_t column;
};
// Header spellings; matched case-insensitively (sacct prints "JobID", users type "jobid").
constexpr std::array<ColumnName, 12> kColumnNames = {{
    {"jobid", 0}, {"cluster", 1}, {"account", 2}, {"user", 3}, {"partition", 4},
    {"submit", 5}, {"start", 6}, {"end", 7}, {"elapsedraw", 8}, {"alloctres", 9},
    {"state", 10}, {"exitcode", 11},
}};

bool EqualsIgnoreCase(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Two or four digits at p (caller checked the length).
int Digits2(const char* p) { return (p[0] - '0') * 10 + (p[1] - '0'); }

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

// Days since 1970-01-01 of a civil date (Howard Hinnant's days_from_civil).
std::int64_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return std::int64_t{era} * 146097 + doe - 719468;
}

int DaysInMonth(int y, int m) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return kDays[static_cast<std::size_t>(m - 1)];
}

// "YYYY-MM-DDTHH:MM:SS" in local time at utc_offset_s. False when malformed or nonexistent.
bool ParseLocalTime(std::string_view s, std::int64_t utc_offset_s, Instant* out) {
  if (s.size() != 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':') {
    return false;
  }
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u, 11u, 12u, 14u, 15u, 17u, 18u}) {
    if (!IsDigit(s[i])) return false;
  }
  const char* p = s.data();
  const int year = Digits2(p) * 100 + Digits2(p + 2);
  const int month = Digits2(p + 5);
  const int day = Digits2(p + 8);
  const int hour = Digits2(p + 11);
  const int minute = Digits2(p + 14);
  const int second = Digits2(p + 17);
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month) ||
      hour > 23 || minute > 59 || second > 59) {
    return false;
  }
  const std::int64_t local_s =
      DaysFromCivil(year, month, day) * kSecondsPerDay + hour * 3600 + minute * 60 + second;
  *out = Instant::FromUnixSeconds(local_s - utc_offset_s);
  return true;
}

// An optional time: sacct prints "Unknown" (or "None") for a start/end not reached yet.
bool IsAbsentTime(std::string_view s) { return s == "Unknown" || s == "None" || s.empty(); }

// A non-negative decimal integer that fits in int64; false on anything else.
bool ParseUint(std::string_view s, std::int64_t* out) {
  if (s.empty() || s.size() > 18) return false;  // 18 digits never overflow int64
  std::int64_t v = 0;
  for (char c : s) {
    if (!IsDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

bool ParseInt(std::string_view s, std::int64_t* out) {
  if (!s.empty() && s[0] == '-') {
    if (!ParseUint(s.substr(1), out)) return false;
    *out = -*out;
    return true;
  }
  return ParseUint(s, out);
}

// A TRES count: digits, an optional fraction of up to 2 digits and an optional size suffix
// (K, M, G, T, P: sacct prints "mem=2G", "mem=187.50G"). Sized values are returned in MB
// (Slurm's unit for mem), a K value rounded up to whole MB.
bool ParseTresCount(std::string_view s, std::int64_t* out) {
  std::int64_t kb_per_unit = 0;  // 0: no suffix
  if (!s.empty() && !IsDigit(s.back())) {
    switch (s.back()) {
      case 'K': kb_per_unit = 1; break;
      case 'M': kb_per_unit = 1024; break;
      case 'G': kb_per_unit = 1024LL * 1024; break;
      case 'T': kb_per_unit = 1024LL * 1024 * 1024; break;
      case 'P': kb_per_unit = 1024LL * 1024 * 1024 * 1024; break;
      default: return false;
    }
    s.remove_suffix(1);
  }
  std::string_view whole = s;
  std::string_view frac;
  const auto dot = s.find('.');
  if (dot != std::string_view::npos) {
    whole = s.substr(0, dot);
    frac = s.substr(dot + 1);
    if (frac.empty() || frac.size() > 2 || !AllDigits(frac) || kb_per_unit == 0) return false;
  }
  std::int64_t w = 0;
  if (!ParseUint(whole, &w)) return false;
  if (kb_per_unit == 0) {
    *out = w;
    return true;
  }
  if (w >= 1000000) return false;  // sacct picks the suffix that keeps the number small
  std::int64_t hundredths = w * 100;
  if (!frac.empty()) hundredths += frac.size() == 1 ? (frac[0] - '0') * 10 : Digits2(frac.data());
  if (kb_per_unit == 1) {
    *out = ((hundredths + 99) / 100 + 1023) / 1024;
  } else {
    *out = (hundredths * (kb_per_unit / 1024) + 99) / 100;  // < 1e8 * 2^30: no overflow
  }
  return true;
}

bool IsTresNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c) || c == '/' ||
         c == '_' || c == '-' || c == ':' || c == '.';
}

// JobID "<job>[.<step>]" where <job> is digits with an optional "_task", "_[range]" or
// "+component".
bool SplitJobId(std::string_view s, std::string_view* job, std::string_view* step) {
  const auto dot = s.find('.');
  *job = s.substr(0, dot);
  *step = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
  if (job->empty() || !IsDigit((*job)[0])) return false;
  if (dot != std::string_view::npos && step->empty()) return false;
  for (char c : *job) {
    if (!IsDigit(c) && c != '_' && c != '+' && c != '[' && c != ']' && c != '-' && c != ',') {
      return false;
    }
  }
  for (char c : *step) {
    if (!IsTresNameChar(c) || c == '/' || c == ':') return false;
  }
  return true;
}

}  // namespace

std::string_view SacctErrorKindName(SacctErrorKind kind) {
  switch (kind) {
    case SacctErrorKind::kMalformed: return "malformed line";
    case SacctErrorKind::kMissingColumn: return "missing column";
    case SacctErrorKind::kUnknownColumn: return "unknown column";
    case SacctErrorKind::kEmptyField: return "empty field";
    case SacctErrorKind::kBadJobId: return "bad job id";
    case SacctErrorKind::kBadTime: return "bad time";
    case SacctErrorKind::kBadNumber: return "bad number";
    case SacctErrorKind::kNegativeDuration: return "negative duration";
    case SacctErrorKind::kEndBeforeStart: return "end before start";
    case SacctErrorKind::kBadTres: return "bad TRES";
    case SacctErrorKind::kBadState: return "bad state";
    case SacctErrorKind::kBadExitCode: return "bad exit code";
  }
  return "unknown";
}

std::string SacctLineError::ToString() const {
  std::string out = "line " + std::to_string(line) + ": ";
  if (!column.empty()) out += column + ": ";
  out += std::string(SacctErrorKindName(kind)) + " (" + reason + ")";
  return out;
}

bool ParseTresString(std::string_view text, TresMap* out) {
  out->clear();
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    const auto eq = item.find('=');
    std::int64_t count = 0;
    if (eq == std::string_view::npos || eq == 0 || !ParseTresCount(item.substr(eq + 1), &count)) {
      return false;
    }
    (*out)[std::string(item.substr(0, eq))] = count;
  }
  return true;
}

UsageRecord ToUsageRecord(const SacctRow& row) {
  UsageRecord r;
  r.cluster = row.cluster;
  r.job_id = row.job_id;
  r.step = row.step;
  r.account = row.account;
  r.user = row.user;
  r.partition = row.partition;
  r.submit = row.submit;
  r.start = row.start;
  r.end = row.end;
  r.elapsed_s = row.elapsed_s;
  for (std::size_t i = 0; i < row.tres_count; ++i) {
    r.alloc_tres.emplace(std::string(row.tres[i].name), row.tres[i].count);
  }
  r.state = row.state;
  r.exit_code = row.exit_code;
  r.exit_signal = row.exit_signal;
  return r;
}

std::optional<SacctParser> SacctParser::FromHeader(std::string_view header, SacctOptions options,
                                                   SacctLineError* error) {
  SacctParser p;
  p.options_ = std::move(options);
  if (!header.empty() && header.back() == '\r') header.remove_suffix(1);
  std::array<bool, kColumnCount> seen{};
  std::size_t pos = 0;
  while (true) {
    const auto bar = header.find('|', pos);
    const std::string_view name = header.substr(pos, bar == std::string_view::npos ? bar : bar - pos);
    if (p.field_count_ == kMaxColumns) {
      p.Fail(1, SacctErrorKind::kMalformed, kIgnored,
             "more than " + std::to_string(kMaxColumns) + " columns", error);
      return std::nullopt;
    }
    Column column = kIgnored;
    for (const auto& known : kColumnNames) {
      if (EqualsIgnoreCase(name, known.name)) column = static_cast<Column>(known.column);
    }
    if (column == kIgnored && !p.options_.allow_unknown_columns) {
      *error = SacctLineError{1, SacctErrorKind::kUnknownColumn, std::string(name),
                              "not one of JobID|Cluster|Account|User|Partition|Submit|Start|End|"
                              "ElapsedRaw|AllocTRES|State|ExitCode"};
      return std::nullopt;
    }
    if (column != kIgnored) {
      if (seen[column]) {
        *error = SacctLineError{1, SacctErrorKind::kMalformed, std::string(name),
                                "column named twice"};
        return std::nullopt;
      }
      seen[column] = true;
      p.names_[column] = std::string(name);
    }
    p.columns_[p.field_count_++] = column;
    if (bar == std::string_view::npos) break;
    pos = bar + 1;
  }
  for (const auto& known : kColumnNames) {
    const auto column = static_cast<Column>(known.column);
    if (seen[column]) continue;
    if (column == kCluster && !p.options_.default_cluster.empty()) continue;
    *error = SacctLineError{1, SacctErrorKind::kMissingColumn, std::string(known.name),
                            column == kCluster ? "required (or set a default cluster)"
                                               : "required"};
    return std::nullopt;
  }
  return p;
}

bool SacctParser::Fail(std::uint64_t line_no, SacctErrorKind kind, Column column,
                       std::string reason, SacctLineError* error) const {
  error->line = line_no;
  error->kind = kind;
  error->column = column == kIgnored ? std::string() : names_[column];
  error->reason = std::move(reason);
  return false;
}

bool SacctParser::ParseLine(std::string_view line, std::uint64_t line_no, SacctRow* row,
                            SacctLineError* error) const {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::array<std::string_view, kColumnCount> f{};
  std::size_t index = 0;
  const char* p = line.data();
  const char* const end = p + line.size();
  while (true) {
    const void* bar_v = std::memchr(p, '|', static_cast<std::size_t>(end - p));
    const char* bar = bar_v == nullptr ? end : static_cast<const char*>(bar_v);
    if (index == field_count_) {
      return Fail(line_no, SacctErrorKind::kMalformed, kIgnored,
                  "more than the header's " + std::to_string(field_count_) + " fields", error);
    }
    const Column column = columns_[index++];
    if (column != kIgnored) f[column] = std::string_view(p, static_cast<std::size_t>(bar - p));
    if (bar == end) break;
    p = bar + 1;
  }
  if (index != field_count_) {
    return Fail(line_no, SacctErrorKind::kMalformed, kIgnored,
                "truncated: " + std::to_string(index) + " of " + std::to_string(field_count_) +
                    " fields",
                error);
  }
  return ParseFields(f, line_no, row, error);
}

bool SacctParser::ParseFields(const std::array<std::string_view, kColumnCount>& f,
                              std::uint64_t line_no, SacctRow* row,
                              SacctLineError* error) const {
  if (!SplitJobId(f[kJobId], &row->job_id, &row->step)) {
    return Fail(line_no, SacctErrorKind::kBadJobId, kJobId,
                "'" + std::string(f[kJobId]) + "' is not <job>[.<step>]", error);
  }
  const bool whole_job = row->step.empty();
  row->cluster = f[kCluster].empty() ? std::string_view(options_.default_cluster) : f[kCluster];
  if (row->cluster.empty()) {
    return Fail(line_no, SacctErrorKind::kEmptyField, kCluster, "no cluster", error);
  }
  row->account = f[kAccount];
  row->user = f[kUser];
  row->partition = f[kPartition];
  // Step rows carry no user/partition in sacct; a job row must name who ran it.
  if (row->account.empty()) {
    return Fail(line_no, SacctErrorKind::kEmptyField, kAccount, "no account", error);
  }
  if (whole_job && row->user.empty()) {
    return Fail(line_no, SacctErrorKind::kEmptyField, kUser, "no user on a job row", error);
  }
  if (!ParseLocalTime(f[kSubmit], options_.utc_offset_s, &row->submit)) {
    return Fail(line_no, SacctErrorKind::kBadTime, kSubmit,
                "'" + std::string(f[kSubmit]) + "' is not YYYY-MM-DDTHH:MM:SS", error);
  }
  for (Column c : {kStart, kEnd}) {
    std::optional<Instant>& t = c == kStart ? row->start : row->end;
    if (IsAbsentTime(f[c])) {
      t.reset();
      continue;
    }
    Instant v;
    if (!ParseLocalTime(f[c], options_.utc_offset_s, &v)) {
      return Fail(line_no, SacctErrorKind::kBadTime, c,
                  "'" + std::string(f[c]) + "' is not YYYY-MM-DDTHH:MM:SS, Unknown or None",
                  error);
    }
    t = v;
  }
  if (row->start && row->end && *row->end < *row->start) {
    return Fail(line_no, SacctErrorKind::kEndBeforeStart, kEnd,
                std::string(f[kEnd]) + " < Start " + std::string(f[kStart]), error);
  }
  if (!ParseInt(f[kElapsedRaw], &row->elapsed_s)) {
    return Fail(line_no, SacctErrorKind::kBadNumber, kElapsedRaw,
                "'" + std::string(f[kElapsedRaw]) + "' is not a whole number of seconds", error);
  }
  if (row->elapsed_s < 0) {
    return Fail(line_no, SacctErrorKind::kNegativeDuration, kElapsedRaw,
                std::to_string(row->elapsed_s) + " s", error);
  }
  // AllocTRES: name=count[,name=count...]; empty for a job that was never allocated.
  row->tres_count = 0;
  std::string_view tres = f[kAllocTres];
  while (!tres.empty()) {
    const auto comma = tres.find(',');
    const std::string_view item = tres.substr(0, comma);
    tres = comma == std::string_view::npos ? std::string_view{} : tres.substr(comma + 1);
    const auto eq = item.find('=');
    bool name_ok = eq != std::string_view::npos && eq > 0;
    for (std::size_t i = 0; name_ok && i < eq; ++i) name_ok = IsTresNameChar(item[i]);
    std::int64_t count = 0;
    if (!name_ok || !ParseTresCount(item.substr(eq + 1), &count)) {
      return Fail(line_no, SacctErrorKind::kBadTres, kAllocTres,
                  "'" + std::string(item) + "' is not name=count", error);
    }
    if (row->tres_count == kSacctMaxTres) {
      return Fail(line_no, SacctErrorKind::kBadTres, kAllocTres,
                  "more than " + std::to_string(kSacctMaxTres) + " TRES", error);
    }
    row->tres[row->tres_count++] = TresCount{item.substr(0, eq), count};
    if (comma != std::string_view::npos && tres.empty()) {
      return Fail(line_no, SacctErrorKind::kBadTres, kAllocTres, "trailing comma", error);
    }
  }
  row->state = ParseJobState(f[kState]);
  if (row->state == JobState::kUnknown) {
    return Fail(line_no, SacctErrorKind::kBadState, kState,
                "'" + std::string(f[kState]) + "' is not a Slurm job state", error);
  }
  const std::string_view exit = f[kExitCode];
  const auto colon = exit.find(':');
  std::int64_t code = 0;
  std::int64_t signal = 0;
  if (colon == std::string_view::npos || !ParseUint(exit.substr(0, colon), &code) ||
      !ParseUint(exit.substr(colon + 1), &signal) || code > 255 || signal > 255) {
    return Fail(line_no, SacctErrorKind::kBadExitCode, kExitCode,
                "'" + std::string(exit) + "' is not <code>:<signal>", error);
  }
  row->exit_code = static_cast<std::int32_t>(code);
  row->exit_signal = static_cast<std::int32_t>(signal);
  return true;
}

SacctFileStats ParseSacctText(std::string_view text, const SacctOptions& options,
                              const std::function<void(const SacctRow&, std::uint64_t)>& on_row,
                              const std::function<void(const SacctLineError&)>& on_error) {
  SacctFileStats stats;
  std::size_t pos = 0;
  auto next_line = [&](std::string_view* line) {
    if (pos >= text.size()) return false;
    const void* nl = std::memchr(text.data() + pos, '\n', text.size() - pos);
    const std::size_t stop =
        nl == nullptr ? text.size() : static_cast<std::size_t>(static_cast<const char*>(nl) - text.data());
    *line = text.substr(pos, stop - pos);
    pos = stop + 1;
    ++stats.lines;
    return true;
  };
  std::string_view line;
  SacctLineError error;
  if (!next_line(&line)) {
    ++stats.errors;
    on_error(SacctLineError{1, SacctErrorKind::kMissingColumn, "", "empty file: no header"});
    return stats;
  }
  std::optional<SacctParser> parser = SacctParser::FromHeader(line, options, &error);
  if (!parser) {
    ++stats.errors;
    on_error(error);
    return stats;
  }
  SacctRow row;
  while (next_line(&line)) {
    if (line.empty() || line == "\r") continue;
    if (parser->ParseLine(line, stats.lines, &row, &error)) {
      ++stats.rows;
      on_row(row, stats.lines);
    } else {
      ++stats.errors;
      on_error(error);
    }
  }
  return stats;
}

SacctFile ParseSacctFile(std::string_view text, const SacctOptions& options) {
  SacctFile file;
  file.stats = ParseSacctText(
      text, options,
      [&](const SacctRow& row, std::uint64_t) { file.records.push_back(ToUsageRecord(row)); },
      [&](const SacctLineError& e) { file.errors.push_back(e); });
  return file;
}

}  // namespace suanli::network
