// sacct --parsable2 parsing: good lines (jobs, steps, arrays, sized memory, pending rows) and
// each class of bad line, reported with its line number, column and reason.
#include "network/sacct_parser.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <memory>
#include <string>
#include <vector>

#include "network/sacct_scan.h"

namespace suanli::network {
namespace {

constexpr std::string_view kHeader =
    "JobID|Cluster|Account|User|Partition|Submit|Start|End|ElapsedRaw|AllocTRES|State|ExitCode";

SacctFile Parse(std::string_view body, SacctOptions options = {}) {
  const std::string text = std::string(kHeader) + "\n" + std::string(body);
  return ParseSacctFile(text, options);
}

// One bad line → exactly one error; returns it.
SacctLineError OnlyError(std::string_view line) {
  SacctFile f = Parse(std::string(line) + "\n");
  EXPECT_TRUE(f.records.empty()) << line;
  EXPECT_EQ(f.errors.size(), 1u) << line;
  return f.errors.empty() ? SacctLineError{} : f.errors[0];
}

constexpr std::string_view kGood =
    "6|center-a|org-alpha|root|batch|2026-11-23T06:50:00|2026-11-23T06:50:01|"
    "2026-11-23T06:50:04|3|billing=4,cpu=4,gres/gpu=2,mem=2G,node=1|COMPLETED|0:0";

TEST(SacctParser, GoodJobLine) {
  SacctFile f = Parse(std::string(kGood) + "\n");
  ASSERT_TRUE(f.errors.empty()) << f.errors[0].ToString();
  ASSERT_EQ(f.records.size(), 1u);
  const UsageRecord& r = f.records[0];
  EXPECT_EQ(r.cluster, "center-a");
  EXPECT_EQ(r.job_id, "6");
  EXPECT_EQ(r.step, "");
  EXPECT_EQ(r.account, "org-alpha");
  EXPECT_EQ(r.user, "root");
  EXPECT_EQ(r.partition, "batch");
  // CST by default: 06:50:01 CST is 22:50:01 UTC the day before.
  EXPECT_EQ(r.start->ToString(), "2026-11-23T06:50:01+08:00");
  EXPECT_EQ(r.end->micros() - r.start->micros(), 3 * kMicrosPerSecond);
  EXPECT_EQ(r.submit.ToString(), "2026-11-23T06:50:00+08:00");
  EXPECT_EQ(r.elapsed_s, 3);
  EXPECT_EQ(r.alloc_tres, (TresMap{{"billing", 4}, {"cpu", 4}, {"gres/gpu", 2}, {"mem", 2048},
                                   {"node", 1}}));
  EXPECT_EQ(r.state, JobState::kCompleted);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(f.stats.lines, 2u);
  EXPECT_EQ(f.stats.rows, 1u);
}

TEST(SacctParser, UtcOffsetIsAnOption) {
  SacctOptions utc;
  utc.utc_offset_s = 0;
  SacctFile f = Parse(std::string(kGood) + "\n", utc);
  ASSERT_EQ(f.records.size(), 1u);
  EXPECT_EQ(f.records[0].start->ToString(), "2026-11-23T14:50:01+08:00");
}

TEST(SacctParser, StepsArraysPendingAndCancelledRows) {
  SacctFile f = Parse(
      "8.batch|center-a|org-beta|||2026-11-23T06:50:01|2026-11-23T06:50:01|2026-11-23T06:50:03|"
      "2|cpu=1,mem=1G,node=1|FAILED|3:0\n"
      "9_4|center-b|org-beta|nobody|gpu|2026-11-23T06:50:01|2026-11-23T06:50:02|"
      "2026-11-23T06:50:03|1|cpu=2,mem=187.50G,node=1|CANCELLED by 0|0:15\n"
      "10|center-b|org-beta|nobody|gpu|2026-11-23T06:51:00|Unknown|Unknown|0||PENDING|0:0\r\n"
      "\n"
      "11+1.0|center-b|org-beta|nobody|gpu|2026-11-23T06:51:00|2026-11-23T06:51:00|None|5|"
      "cpu=2,mem=512M|RUNNING|0:0\n");
  ASSERT_TRUE(f.errors.empty()) << f.errors[0].ToString();
  ASSERT_EQ(f.records.size(), 4u);
  EXPECT_EQ(f.records[0].job_id, "8");
  EXPECT_EQ(f.records[0].step, "batch");
  EXPECT_EQ(f.records[0].user, "");
  EXPECT_EQ(f.records[0].state, JobState::kFailed);
  EXPECT_EQ(f.records[0].exit_code, 3);
  EXPECT_EQ(f.records[1].job_id, "9_4");
  EXPECT_EQ(f.records[1].alloc_tres.at("mem"), 192000);  // 187.5 × 1024
  EXPECT_EQ(f.records[1].state, JobState::kCancelled);
  EXPECT_EQ(f.records[1].exit_signal, 15);
  EXPECT_FALSE(f.records[2].start.has_value());
  EXPECT_FALSE(f.records[2].end.has_value());
  EXPECT_TRUE(f.records[2].alloc_tres.empty());
  EXPECT_EQ(f.records[3].job_id, "11+1");
  EXPECT_EQ(f.records[3].step, "0");
  EXPECT_EQ(f.records[3].alloc_tres.at("mem"), 512);
  EXPECT_EQ(f.stats.lines, 6u);
}

TEST(SacctParser, ColumnsInAnyOrderAndDefaultCluster) {
  SacctOptions options;
  options.default_cluster = "center-z";
  const std::string text =
      "jobid|State|ExitCode|Account|User|Partition|Submit|Start|End|ElapsedRaw|AllocTRES\n"
      "5|COMPLETED|0:0|org|u|p|2026-01-01T00:00:00|2026-01-01T00:00:00|2026-01-01T00:01:00|60|"
      "cpu=1\n";
  SacctFile f = ParseSacctFile(text, options);
  ASSERT_TRUE(f.errors.empty()) << f.errors[0].ToString();
  ASSERT_EQ(f.records.size(), 1u);
  EXPECT_EQ(f.records[0].cluster, "center-z");
  EXPECT_EQ(f.records[0].elapsed_s, 60);
}

TEST(SacctParser, TruncatedLine) {
  const SacctLineError e = OnlyError(
      "6|center-a|org-alpha|root|batch|2026-11-23T06:50:00|2026-11-23T06:50:01|2026-11-2");
  EXPECT_EQ(e.line, 2u);
  EXPECT_EQ(e.kind, SacctErrorKind::kMalformed);
  EXPECT_EQ(e.reason, "truncated: 8 of 12 fields");
  EXPECT_EQ(e.ToString(), "line 2: malformed line (truncated: 8 of 12 fields)");
}

TEST(SacctParser, TooManyFields) {
  const SacctLineError e = OnlyError(std::string(kGood) + "|extra");
  EXPECT_EQ(e.kind, SacctErrorKind::kMalformed);
}

TEST(SacctParser, UnknownAndMissingColumns) {
  SacctFile f = ParseSacctFile(std::string(kHeader) + "|JobName\n" + std::string(kGood) + "|x\n",
                               {});
  ASSERT_EQ(f.errors.size(), 1u);
  EXPECT_EQ(f.errors[0].line, 1u);
  EXPECT_EQ(f.errors[0].kind, SacctErrorKind::kUnknownColumn);
  EXPECT_EQ(f.errors[0].column, "JobName");
  EXPECT_TRUE(f.records.empty());

  SacctOptions lenient;
  lenient.allow_unknown_columns = true;
  f = ParseSacctFile(std::string(kHeader) + "|JobName\n" + std::string(kGood) + "|x\n", lenient);
  EXPECT_TRUE(f.errors.empty());
  EXPECT_EQ(f.records.size(), 1u);

  f = ParseSacctFile("JobID|Account|User\n1|a|u\n", {});
  ASSERT_EQ(f.errors.size(), 1u);
  EXPECT_EQ(f.errors[0].kind, SacctErrorKind::kMissingColumn);
  EXPECT_EQ(f.errors[0].column, "cluster");

  f = ParseSacctFile("", {});
  ASSERT_EQ(f.errors.size(), 1u);
  EXPECT_EQ(f.errors[0].line, 1u);
}

// Replaces the n-th '|'-field of kGood.
std::string WithField(std::size_t n, std::string_view value) {
  std::string line(kGood);
  std::size_t start = 0;
  for (std::size_t i = 0; i < n; ++i) start = line.find('|', start) + 1;
  const std::size_t stop = line.find('|', start);
  return line.replace(start, (stop == std::string::npos ? line.size() : stop) - start, value);
}

TEST(SacctParser, NegativeDuration) {
  const SacctLineError e = OnlyError(WithField(8, "-5"));
  EXPECT_EQ(e.kind, SacctErrorKind::kNegativeDuration);
  EXPECT_EQ(e.column, "ElapsedRaw");
  EXPECT_EQ(e.ToString(), "line 2: ElapsedRaw: negative duration (-5 s)");
  EXPECT_EQ(OnlyError(WithField(8, "3s")).kind, SacctErrorKind::kBadNumber);
  EXPECT_EQ(OnlyError(WithField(8, "")).kind, SacctErrorKind::kBadNumber);
}

// ElapsedRaw of 1–8 digits is read as one word (ParseShortUint), longer ones digit by digit:
// every length up to 19 digits, leading zeros, a non-digit at each position, and the column first
// in its line (where fewer than 8 bytes precede it, so the word would start before the line).
TEST(SacctParser, ElapsedRawOfEveryLengthAndPlace) {
  const std::string first_header =
      "ElapsedRaw|JobID|Cluster|Account|User|Partition|Submit|Start|End|AllocTRES|State|ExitCode";
  const auto elapsed_first = [](std::string_view value) {
    std::string line(kGood);
    std::size_t start = 0;
    for (int i = 0; i < 8; ++i) start = line.find('|', start) + 1;
    const std::size_t stop = line.find('|', start);
    line.erase(start - 1, stop - start + 1);  // drop "|<elapsed>"
    return std::string(value) + "|" + line;
  };
  for (std::size_t length = 1; length <= 19; ++length) {
    std::string digits;
    for (std::size_t i = 0; i < length; ++i) digits += static_cast<char>('1' + (i * 7) % 9);
    const std::int64_t value = length <= 18 ? std::stoll(digits) : 0;
    for (const bool at_start : {false, true}) {
      const std::string body = at_start ? elapsed_first(digits) : WithField(8, digits);
      const std::string text =
          (at_start ? first_header : std::string(kHeader)) + "\n" + body + "\n";
      SacctFile f = ParseSacctFile(text, {});
      if (length > 18) {  // more than int64 surely holds: refused, as before
        ASSERT_EQ(f.errors.size(), 1u) << length;
        EXPECT_EQ(f.errors[0].kind, SacctErrorKind::kBadNumber);
        continue;
      }
      ASSERT_EQ(f.records.size(), 1u) << length << " " << at_start;
      EXPECT_EQ(f.records[0].elapsed_s, value) << digits;
      // leading zeros change nothing
      const std::string zeros = "00" + digits.substr(0, std::min<std::size_t>(length, 16));
      SacctFile z = Parse(WithField(8, zeros) + "\n");
      ASSERT_EQ(z.records.size(), 1u) << zeros;
      EXPECT_EQ(z.records[0].elapsed_s, std::stoll(zeros)) << zeros;
      // any byte but a digit, anywhere, is refused ('-' in front of digits: a negative duration)
      for (std::size_t at = 0; at < length; ++at) {
        for (const char c : {'/', ':', 'a', ' ', '\x06', '\xf9', '-', '+'}) {
          std::string bad = digits;
          bad[at] = c;
          const SacctLineError e = OnlyError(WithField(8, bad));
          EXPECT_EQ(e.kind, at == 0 && c == '-' && length > 1 ? SacctErrorKind::kNegativeDuration
                                                : SacctErrorKind::kBadNumber)
              << bad;
          EXPECT_EQ(e.column, "ElapsedRaw");
        }
      }
    }
  }
}

TEST(SacctParser, BadTimes) {
  for (std::string_view bad : {"2026-02-30T00:00:00", "2026-11-23 06:50:01", "2026-11-23T24:00:00",
                               "2026-11-23T06:50", "Unknown", "2026-13-01T00:00:00"}) {
    const SacctLineError e = OnlyError(WithField(5, bad));
    EXPECT_EQ(e.kind, SacctErrorKind::kBadTime) << bad;
    EXPECT_EQ(e.column, "Submit") << bad;
  }
  EXPECT_EQ(OnlyError(WithField(7, "yesterday")).column, "End");
  const SacctLineError e = OnlyError(WithField(7, "2026-11-23T06:49:00"));
  EXPECT_EQ(e.kind, SacctErrorKind::kEndBeforeStart);
}

TEST(SacctParser, BadTres) {
  for (std::string_view bad : {"cpu", "cpu=", "=4", "cpu=4,", "cpu=four", "mem=2X", "cpu=1.5",
                               "mem=1.234G", "cpu=-1", "c pu=1"}) {
    const SacctLineError e = OnlyError(WithField(9, bad));
    EXPECT_EQ(e.kind, SacctErrorKind::kBadTres) << bad;
    EXPECT_EQ(e.column, "AllocTRES") << bad;
  }
}

TEST(SacctParser, BadJobIdStateAndExitCode) {
  EXPECT_EQ(OnlyError(WithField(0, "abc")).kind, SacctErrorKind::kBadJobId);
  EXPECT_EQ(OnlyError(WithField(0, "12.")).kind, SacctErrorKind::kBadJobId);
  EXPECT_EQ(OnlyError(WithField(0, "")).kind, SacctErrorKind::kBadJobId);
  EXPECT_EQ(OnlyError(WithField(10, "DONE")).kind, SacctErrorKind::kBadState);
  EXPECT_EQ(OnlyError(WithField(11, "0")).kind, SacctErrorKind::kBadExitCode);
  EXPECT_EQ(OnlyError(WithField(11, "1:x")).kind, SacctErrorKind::kBadExitCode);
  EXPECT_EQ(OnlyError(WithField(2, "")).kind, SacctErrorKind::kEmptyField);
  EXPECT_EQ(OnlyError(WithField(3, "")).column, "User");  // a job row must name its user
}

TEST(SacctParser, BadLinesDoNotStopTheFile) {
  SacctFile f = Parse(std::string(kGood) + "\n" + WithField(8, "-1") + "\n" + "garbage\n" +
                      std::string(kGood) + "\n");
  ASSERT_EQ(f.records.size(), 2u);
  ASSERT_EQ(f.errors.size(), 2u);
  EXPECT_EQ(f.errors[0].line, 3u);
  EXPECT_EQ(f.errors[1].line, 4u);
  EXPECT_EQ(f.stats.rows, 2u);
  EXPECT_EQ(f.stats.errors, 2u);
}

TEST(SacctParser, LastLineWithoutNewline) {
  SacctFile f = Parse(kGood);
  EXPECT_EQ(f.records.size(), 1u);
  EXPECT_TRUE(f.errors.empty());
}


// The vector scans (16 bytes a step, and 32 with AVX2 when this CPU has it) must find the same
// bars and end as a byte loop wherever the newline and the bars fall against their steps, and
// never read past the text.
TEST(SacctScan, BarsAndEndAtEveryOffset) {
  std::vector<SacctScanFn> scans = {&ScanSacctLine};
  if (BestSacctScan() != &ScanSacctLine) scans.push_back(BestSacctScan());
  for (const SacctScanFn scan : scans) {
    for (std::size_t length = 0; length <= 200; ++length) {
      for (std::size_t newline_at = 0; newline_at <= length; ++newline_at) {
        // bars at every third byte; a newline at newline_at (none when it equals length)
        std::string text(length, 'x');
        for (std::size_t i = 1; i < length; i += 3) text[i] = '|';
        if (newline_at < length) text[newline_at] = '\n';
        // a heap copy of exactly `length` bytes, so ASan catches a read past its end
        std::unique_ptr<char[]> exact(new char[length == 0 ? 1 : length]);
        std::copy(text.begin(), text.end(), exact.get());
        std::array<const char*, 8> bars{};
        std::size_t count = 0;
        const char* end =
            scan(exact.get(), exact.get() + length, bars.data(), bars.size(), &count);
        EXPECT_EQ(static_cast<std::size_t>(end - exact.get()), newline_at) << length;
        std::size_t expected = 0;
        for (std::size_t i = 0; i < newline_at; ++i) {
          if (text[i] != '|') continue;
          if (expected < bars.size()) {
            EXPECT_EQ(static_cast<std::size_t>(bars[expected] - exact.get()), i) << length;
          }
          ++expected;
        }
        EXPECT_EQ(count, expected) << length << " " << newline_at;  // counted beyond bars.size()
      }
    }
  }
}

// A job's steps repeat its AllocTRES and dates, which the parser remembers from line to line.
// What it remembers must never leak: every row's TRES names point into its own line, and a
// different value after a repeated one is parsed afresh.
TEST(SacctParser, RepeatedTresAndDatesAreTheirOwnRows) {
  const std::string a = WithField(9, "billing=8,cpu=8,mem=16G,node=1");
  const std::string b = WithField(9, "billing=8,cpu=8,mem=16G,node=2");  // same length
  const std::string c = WithField(9, "billing=8,cpu=8,mem=16G,node=3");
  std::string later = a;  // submitted on another day
  later.replace(later.find("2026-11-23T06:50:00"), 19, "2026-12-01T06:50:00");
  const std::string text = std::string(kHeader) + "\n" + a + "\n" + a + "\n" + b + "\n" +
                           later + "\n" + a + "\n" + WithField(9, "billing=8,cpu=8,") + "\n" + a +
                           "\n" + c + "\n" + b + "\n" + a;  // three texts through two slots
  std::vector<std::int64_t> nodes;
  std::vector<std::int64_t> submits;
  std::vector<SacctLineError> errors;
  ParseSacctText(
      text, {},
      [&](const SacctRow& row, std::uint64_t line) {
        // the row's views lie inside its own line of `text`
        std::size_t begin = 0;
        for (std::uint64_t i = 1; i < line; ++i) begin = text.find('\n', begin) + 1;
        const std::size_t stop = std::min(text.find('\n', begin), text.size());
        for (std::size_t i = 0; i < row.tres_count; ++i) {
          EXPECT_GE(row.tres[i].name.data(), text.data() + begin) << line;
          EXPECT_LE(row.tres[i].name.data() + row.tres[i].name.size(), text.data() + stop)
              << line;
        }
        if (row.tres_count == 4) {
          EXPECT_EQ(row.tres[2].name, "mem");
          EXPECT_EQ(row.tres[2].count, 16 * 1024);
          EXPECT_EQ(row.tres[3].name, "node");
          nodes.push_back(row.tres[3].count);
        } else {
          ADD_FAILURE() << "line " << line << ": " << int{row.tres_count} << " TRES";
        }
        submits.push_back(row.submit.micros());
      },
      [&](const SacctLineError& e) { errors.push_back(e); });
  ASSERT_EQ(submits.size(), 9u);
  EXPECT_EQ(nodes, (std::vector<std::int64_t>{1, 1, 2, 1, 1, 1, 3, 2, 1}));
  const std::int64_t day = 86400LL * kMicrosPerSecond;
  EXPECT_EQ(submits[3] - submits[0], 8 * day);  // 2026-11-23 → 2026-12-01, same time of day
  EXPECT_EQ(submits[4], submits[0]);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].line, 7u);
  EXPECT_EQ(errors[0].reason, "trailing comma");
}

// A step's AllocTRES is often the job's without its leading item (Slurm prints billing= only on
// the job row); the parser reuses the job's items from that item on. A tail that does not start
// at an item is parsed afresh: its first item is another name, or an error.
TEST(SacctParser, TresTailsOfTheLastTextStartAtAnItem) {
  const std::string job = "billing=8,cpu=8,mem=16G,node=1";
  std::vector<std::string> lines;
  for (const char* tres : {"billing=8,cpu=8,mem=16G,node=1", "cpu=8,mem=16G,node=1",
                           "node=1", "pu=8,mem=16G,node=1", "mem=16G,node=1", "8,mem=16G,node=1",
                           "g=8,cpu=8,mem=16G,node=1", "cpu=8,mem=16G,node=1"}) {
    lines.push_back(WithField(9, tres));
  }
  std::string text = std::string(kHeader);
  std::vector<std::size_t> starts;  // of each data line in text
  for (const auto& line : lines) {
    text += "\n";
    starts.push_back(text.size());
    text += line;
  }
  std::vector<std::string> parsed;  // "name=count,..." of each row, rebuilt from its items
  std::vector<SacctLineError> errors;
  ParseSacctText(
      text, {},
      [&](const SacctRow& row, std::uint64_t line) {
        const char* begin = text.data() + starts[line - 2];
        std::string items;
        for (std::size_t i = 0; i < row.tres_count; ++i) {
          EXPECT_GE(row.tres[i].name.data(), begin) << line;  // a view into its own line
          EXPECT_LE(row.tres[i].name.data() + row.tres[i].name.size(),
                    begin + lines[line - 2].size())
              << line;
          items += (i == 0 ? "" : ",") + std::string(row.tres[i].name) + "=" +
                   std::to_string(row.tres[i].count);
        }
        parsed.push_back(items);
      },
      [&](const SacctLineError& e) { errors.push_back(e); });
  EXPECT_EQ(parsed, (std::vector<std::string>{
                        "billing=8,cpu=8,mem=16384,node=1", "cpu=8,mem=16384,node=1", "node=1",
                        "pu=8,mem=16384,node=1", "mem=16384,node=1", "g=8,cpu=8,mem=16384,node=1",
                        "cpu=8,mem=16384,node=1"}));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].line, 7u);
  EXPECT_EQ(errors[0].kind, SacctErrorKind::kBadTres);
}

// AllocTRES texts are remembered across jobs (sacct_tres_cache.h): more texts than the cache has
// slots, each seen again later in another order (never the line before, so the memo of the last
// two does not serve it), long texts and texts of many items that are not remembered, and bad
// texts one byte off good ones. Every row gives exactly what a parse of its own text gives, as
// views into its own line.
TEST(SacctParser, TresTextsRememberedAcrossJobsAreParsedAlike) {
  std::vector<std::string> texts;
  for (int n = 1; n <= 1500; ++n) {
    texts.push_back("billing=" + std::to_string(n) + ",cpu=" + std::to_string(n) +
                    ",mem=" + std::to_string(n * 4) + "G,node=1");
  }
  texts.push_back("billing=1,cpu=1,energy=1,fs/disk=1,gres/gpu=1,mem=1M,node=1");  // long
  texts.push_back("billing=96,cpu=96,gres/gpu:a800=8,license/matlab=2,mem=1031G,node=12");
  texts.push_back("a=1,b=2,c=3,d=4,e=5,f=6,g=7");  // short, but more items than remembered
  std::vector<std::string> order;  // every text twice: once in order, once from the end
  for (const auto& t : texts) order.push_back(t);
  for (auto it = texts.rbegin(); it != texts.rend(); ++it) order.push_back(*it);
  for (std::size_t i = 0; i < 40; ++i) {
    order.push_back(texts[i * 37 % texts.size()] + ",");   // a trailing comma after a good text
    order.push_back(texts[i * 53 % texts.size()] + "x");   // a bad count
    order.push_back(texts[i * 37 % texts.size()]);
  }
  std::string text(kHeader);
  std::vector<std::size_t> starts;
  for (const auto& t : order) {
    text += "\n";
    starts.push_back(text.size());
    text += WithField(9, t);
  }
  std::size_t rows = 0;
  std::vector<std::uint64_t> error_lines;
  ParseSacctText(
      text, {},
      [&](const SacctRow& row, std::uint64_t line) {
        ++rows;
        const std::string& tres = order[line - 2];
        const char* begin = text.data() + starts[line - 2];
        const char* end = begin + WithField(9, tres).size();
        TresMap expected;
        ASSERT_TRUE(ParseTresString(tres, &expected)) << tres;
        TresMap got;
        for (std::size_t i = 0; i < row.tres_count; ++i) {
          EXPECT_GE(row.tres[i].name.data(), begin) << line;
          EXPECT_LE(row.tres[i].name.data() + row.tres[i].name.size(), end) << line;
          got[std::string(row.tres[i].name)] = row.tres[i].count;
        }
        EXPECT_EQ(got, expected) << "line " << line << ": " << tres;
      },
      [&](const SacctLineError& e) {
        EXPECT_EQ(e.kind, SacctErrorKind::kBadTres) << e.ToString();
        error_lines.push_back(e.line);
      });
  EXPECT_EQ(rows, 2 * texts.size() + 40);
  ASSERT_EQ(error_lines.size(), 80u);
  for (std::size_t i = 0; i < 40; ++i) {
    EXPECT_EQ(error_lines[2 * i], 2 * texts.size() + 3 * i + 2);
    EXPECT_EQ(error_lines[2 * i + 1], 2 * texts.size() + 3 * i + 3);
  }
}

// Every byte of the date replaced: each digit by the characters either side of '0'..'9', a dash,
// a letter and bytes that carry when 6 is added to them; each dash by another character.
TEST(SacctParser, DateDigitsAreChecked) {
  const std::string good = "2026-11-23T06:50:00";
  for (std::size_t i = 0; i < 10; ++i) {
    for (const char c : {'/', ':', '-', '\xff', '\xfa', 'T', '0'}) {
      std::string bad = good;
      if (bad[i] == c || (i != 4 && i != 7 && c == '0')) continue;
      bad[i] = c;
      const SacctFile f = Parse(WithField(5, bad));
      ASSERT_EQ(f.errors.size(), 1u) << bad;
      EXPECT_EQ(f.errors[0].kind, SacctErrorKind::kBadTime) << bad;
    }
  }
  EXPECT_EQ(Parse(WithField(5, good)).errors.size(), 0u);
}

TEST(SacctParser, TimeOfDayDigitsAreChecked) {
  for (std::string_view bad : {"2026-11-23T0a:50:00", "2026-11-23T06:5/:00", "2026-11-23T06:50:0:",
                               "2026-11-23T06-50:00", "2026-11-23T06:60:00", "2026-11-23T06:50:60",
                               "2026-11-23T\xff""6:50:00"}) {
    EXPECT_EQ(OnlyError(WithField(6, bad)).kind, SacctErrorKind::kBadTime) << bad;
  }
  SacctFile f = Parse(WithField(7, "2026-11-23T23:59:59") + "\n");
  ASSERT_EQ(f.records.size(), 1u);
  EXPECT_EQ(f.records[0].end->ToString(), "2026-11-23T23:59:59+08:00");
}

TEST(SacctParser, CrlfAndBlankLines) {
  SacctFile f = Parse(std::string(kGood) + "\r\n\r\n\n" + std::string(kGood) + "\r\n");
  ASSERT_TRUE(f.errors.empty()) << f.errors[0].ToString();
  ASSERT_EQ(f.records.size(), 2u);
  EXPECT_EQ(f.records[1].exit_signal, 0);
  EXPECT_EQ(f.stats.lines, 5u);
}


// Fed in chunks of any size, the stream yields exactly what the whole text yields: the same
// rows, errors, line numbers and counts, whichever byte each chunk ends on.
TEST(SacctStream, ChunksOfEverySizeMatchTheWholeText) {
  const std::string body = std::string(kGood) + "\r\n" + WithField(8, "-1") + "\n\n" +
                           WithField(9, "billing=2,cpu=2,mem=1G,node=1") + "\n" + "garbage\n" +
                           WithField(0, "6.batch") + "\r\n\r\n" + WithField(9, "cpu=4,") + "\n" +
                           std::string(kGood);  // the last line without its newline
  const std::string text = std::string(kHeader) + "\n" + body;
  auto render = [](const std::string& input, std::size_t chunk) {
    std::string out;
    auto on_row = [&](const SacctRow& row, std::uint64_t line) {
      const UsageRecord r = ToUsageRecord(row);
      out += std::to_string(line) + " " + r.job_id + "." + r.step + " " + r.account + " " +
             std::to_string(r.submit.micros()) + " " + std::to_string(r.elapsed_s);
      for (const auto& [name, count] : r.alloc_tres) out += " " + name + "=" + std::to_string(count);
      out += "\n";
    };
    auto on_error = [&](const SacctLineError& e) { out += e.ToString() + "\n"; };
    SacctStream stream({}, on_row, on_error);
    for (std::size_t i = 0; i < input.size(); i += chunk) {
      stream.Feed(std::string_view(input).substr(i, chunk));
    }
    const SacctFileStats stats = stream.Finish();
    out += std::to_string(stats.lines) + " " + std::to_string(stats.rows) + " " +
           std::to_string(stats.errors);
    return out;
  };
  const std::string whole = render(text, text.size());
  EXPECT_NE(whole.find("line 3: ElapsedRaw"), std::string::npos) << whole;
  EXPECT_NE(whole.find("line 6: malformed line"), std::string::npos) << whole;
  EXPECT_NE(whole.find("line 9: AllocTRES"), std::string::npos) << whole;
  EXPECT_TRUE(whole.ends_with("10 4 3")) << whole;  // 10 lines, 4 rows, 3 errors
  for (std::size_t chunk = 1; chunk < text.size(); ++chunk) {
    ASSERT_EQ(render(text, chunk), whole) << "chunks of " << chunk;
  }
  EXPECT_EQ(render("", 1), "line 1: missing column (empty file: no header)\n0 0 1");
  EXPECT_EQ(render(std::string(kHeader), 7), "1 0 0");  // a header alone, no newline
  EXPECT_EQ(render("JobID|Nope\n" + std::string(kGood) + "\n", 5).substr(0, 8), "line 1: ");
}


// A column's date may come from another column's memo (a job's Start is on its Submit's day):
// every row's three times are still exactly their own, whichever column saw the date first.
TEST(SacctParser, DatesSeenInAnotherColumnGiveTheSameInstants) {
  const std::vector<std::string> days = {"2024-02-28", "2024-02-29", "2024-03-01", "2025-02-28",
                                         "2026-12-31"};
  std::string text(kHeader);
  std::vector<std::array<std::string, 3>> expected;  // Submit, Start, End as ISO with offset
  for (std::size_t a = 0; a < days.size(); ++a) {
    for (std::size_t b = a; b < days.size(); ++b) {
      for (std::size_t c = b; c < days.size(); ++c) {
        for (const char* clock : {"00:00:00", "12:34:56", "23:59:59"}) {
          const std::array<std::string, 3> t = {days[c] + "T" + clock, days[a] + "T" + clock,
                                                days[b] + "T" + clock};  // Submit after Start
          std::string line = WithField(5, t[0]);
          text += "\n" + line.replace(line.find("2026-11-23T06:50:01"), 19, t[1])
                              .replace(line.find("2026-11-23T06:50:04"), 19, t[2]);
          expected.push_back({t[0] + "+08:00", t[1] + "+08:00", t[2] + "+08:00"});
        }
      }
    }
  }
  std::size_t rows = 0;
  ParseSacctText(
      text, {},
      [&](const SacctRow& row, std::uint64_t line) {
        ++rows;
        const auto& want = expected[line - 2];
        EXPECT_EQ(row.submit, *Instant::Parse(want[0])) << line;
        ASSERT_TRUE(row.start && row.end) << line;
        EXPECT_EQ(*row.start, *Instant::Parse(want[1])) << line;
        EXPECT_EQ(*row.end, *Instant::Parse(want[2])) << line;
      },
      [&](const SacctLineError& e) { ADD_FAILURE() << e.ToString(); });
  EXPECT_EQ(rows, expected.size());
}

// The time memo compares all 19 bytes: a time one second off on the same day is its own.
TEST(SacctParser, ATimeOneSecondOffIsItsOwn) {
  std::string earlier(kGood);
  earlier.replace(earlier.find("06:50:00"), 8, "06:49:59");
  SacctFile f = Parse(std::string(kGood) + "\n" + earlier + "\n" + std::string(kGood) + "\n");
  ASSERT_EQ(f.records.size(), 3u);
  EXPECT_EQ(f.records[0].submit.micros() - f.records[1].submit.micros(), kMicrosPerSecond);
  EXPECT_EQ(f.records[2].submit, f.records[0].submit);
  EXPECT_EQ(f.records[1].submit.ToString(), "2026-11-23T06:49:59+08:00");
}

}  // namespace
}  // namespace suanli::network
