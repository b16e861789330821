// `suanli audit`: `verify` checks a data directory's audit log (DIR/platform.db) against its
// hash chain and its anchor (DIR/audit.anchor) — exit 0 intact, 1 tampered (each problem
// listed), 2 bad input; `list` prints entries with filters and a cursor; `demo` (hidden) writes
// a few entries of a voucher's life so the other two have something to read (tests use it).
#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "audit/audit_files.h"
#include "audit/audit_log.h"
#include "cli/commands.h"
#include "cli/input.h"
#include "policy/quote_json.h"

namespace suanli::cli {
namespace {

namespace fs = std::filesystem;

// Opens DIR/platform.db; errors name the --data option. Never creates a database.
Result<std::unique_ptr<storage::Db>> OpenPlatformDb(const std::string& dir, bool read_only) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return MakeError(ErrorCode::kNotFound, "data", "no such directory: " + dir);
  }
  const fs::path db_path = fs::path(dir) / audit::kPlatformDbFile;
  if (!fs::is_regular_file(db_path, ec)) {
    return MakeError(ErrorCode::kNotFound, "data", "no platform database: " + db_path.string());
  }
  return storage::Db::Open(storage::DbOptions{db_path.string(), read_only});
}

boost::json::value AnchorJson(const std::optional<audit::Anchor>& a) {
  if (!a) return nullptr;
  return boost::json::object{{"seq", a->seq}, {"hash", a->hash}};
}

void PrintVerifyHuman(const std::string& dir, const audit::VerifyReport& r,
                      const std::optional<audit::Anchor>& anchor,
                      const std::vector<std::string>& warnings) {
  const std::string head =
      r.head ? "head seq " + std::to_string(r.head->seq) + " " + r.head->hash.substr(0, 16) + "…"
             : "empty log";
  const std::string anchored =
      anchor ? "anchor seq " + std::to_string(anchor->seq) : std::string("no anchor");
  if (r.ok) {
    std::printf("audit log in %s: intact (%lld entries checked, %s, %s)\n", dir.c_str(),
                static_cast<long long>(r.entries_checked), head.c_str(), anchored.c_str());
  } else {
    std::printf("audit log in %s: TAMPERED (%lld problems in %lld entries, %s, %s)\n", dir.c_str(),
                static_cast<long long>(r.problems_total), static_cast<long long>(r.entries_checked),
                head.c_str(), anchored.c_str());
    for (const std::string& p : r.problems) std::printf("  %s\n", p.c_str());
    const auto shown = static_cast<std::int64_t>(r.problems.size());
    if (r.problems_total > shown) {
      std::printf("  … and %lld more\n", static_cast<long long>(r.problems_total - shown));
    }
  }
  for (const std::string& w : warnings) std::printf("warning: %s\n", w.c_str());
}

int RunVerify(const std::string& dir, bool json, bool require_anchor) {
  auto db = OpenPlatformDb(dir, /*read_only=*/true);
  if (!db.ok()) return BadInput(db.error(), "data");
  std::vector<std::string> warnings;
  std::vector<std::string> anchor_problems;
  std::optional<audit::Anchor> anchor;
  auto read = audit::ReadAnchor(fs::path(dir) / audit::kAnchorFile);
  if (!read.ok()) {
    // An anchor that exists but cannot be read vouches for nothing: the tail is unchecked.
    anchor_problems.push_back(std::string(audit::kAnchorFile) + ": " + read.error().message);
  } else {
    anchor = *read;
  }
  auto report = audit::Verify(**db, anchor);
  if (!report.ok()) return BadInput(report.error(), "data");
  audit::VerifyReport r = std::move(report).value();
  // An anchor of the empty log (seq 0) over a log with entries vouches for none of them: the
  // platform advances it after every step, so it is stale or was replaced; as good as none.
  const bool anchors_nothing = anchor && anchor->seq <= 0;
  if (read.ok() && (!anchor || anchors_nothing) && r.entries_checked > 0) {
    const std::string why =
        (anchors_nothing ? std::string(audit::kAnchorFile) + " anchors no entry (seq 0)"
                         : std::string("no ") + audit::kAnchorFile) +
        ": entries removed from the end of the log cannot be detected";
    if (require_anchor) {
      anchor_problems.push_back(why);
    } else {
      warnings.push_back(why);
    }
  }
  for (std::string& p : anchor_problems) {
    r.ok = false;
    ++r.problems_total;
    r.problems.push_back(std::move(p));
  }

  if (json) {
    boost::json::array problems(r.problems.begin(), r.problems.end());
    boost::json::array warns(warnings.begin(), warnings.end());
    boost::json::object out{{"ok", r.ok},
                            {"entries_checked", r.entries_checked},
                            {"head", AnchorJson(r.head)},
                            {"anchor", AnchorJson(anchor)},
                            {"problems", std::move(problems)},
                            {"problems_total", r.problems_total},
                            {"warnings", std::move(warns)}};
    std::cout << policy::PrettyJson(out);
  } else {
    PrintVerifyHuman(dir, r, anchor, warnings);
  }
  return r.ok ? 0 : 1;
}

boost::json::object EntryJson(const audit::AuditEntry& e) {
  return {{"seq", e.seq},
          {"at", e.at.ToString()},
          {"actor", e.actor},
          {"action", e.action},
          {"object", e.object},
          {"before_sha256", e.before_sha256},
          {"after_sha256", e.after_sha256},
          {"detail", e.detail_json},
          {"prev_hash", e.prev_hash},
          {"hash", e.hash}};
}

struct ListOptions {
  std::string dir;
  std::string actor, action, object_prefix;
  std::int64_t after_seq = 0;
  int limit = 50;
  bool json = false;
};

int RunList(const ListOptions& o) {
  auto db = OpenPlatformDb(o.dir, /*read_only=*/true);
  if (!db.ok()) return BadInput(db.error(), "data");
  audit::AuditFilter filter;
  if (!o.actor.empty()) filter.actor = o.actor;
  if (!o.action.empty()) filter.action = o.action;
  if (!o.object_prefix.empty()) filter.object_prefix = o.object_prefix;
  filter.after_seq = o.after_seq;
  filter.limit = o.limit;
  auto page = audit::List(**db, filter);
  if (!page.ok()) return BadInput(page.error(), "filter");
  if (o.json) {
    boost::json::array entries;
    for (const auto& e : page->entries) entries.push_back(EntryJson(e));
    boost::json::object out{{"entries", std::move(entries)}};
    out["next_after_seq"] = page->next_after_seq ? boost::json::value(*page->next_after_seq)
                                                 : boost::json::value(nullptr);
    std::cout << policy::PrettyJson(out);
    return 0;
  }
  for (const auto& e : page->entries) {
    std::printf("%6lld  %s  %-12s %-24s %-28s %s\n", static_cast<long long>(e.seq),
                e.at.ToString().c_str(), e.actor.c_str(), e.action.c_str(), e.object.c_str(),
                e.detail_json.c_str());
  }
  if (page->next_after_seq) {
    std::printf("more: --after %lld\n", static_cast<long long>(*page->next_after_seq));
  }
  return 0;
}

// A voucher's life in six entries, each committed in its own transaction and followed by the
// anchor, as the platform does it. Times are fixed so runs are reproducible.
int RunDemo(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return BadInput(MakeError(ErrorCode::kIo, "data", ec.message()), "data");
  auto db =
      storage::Db::Open(storage::DbOptions{(fs::path(dir) / audit::kPlatformDbFile).string()});
  if (!db.ok()) return BadInput(db.error(), "data");
  storage::Db& d = **db;
  const auto fail = [](const Error& e) {
    std::fprintf(stderr, "audit demo: %s\n", e.ToString().c_str());
    return 2;
  };
  if (auto s = audit::CreateSchema(d); !s.ok()) return fail(s.error());
  auto writer = audit::AuditWriter::Open(d);
  if (!writer.ok()) return fail(writer.error());
  ManualClock clock(Instant::Parse("2024-07-01T09:00:00+08:00").value());
  const audit::AuditRecord records[] = {
      {"user:12", "org.register", "org/91510100MA61R1234W", "",
       R"({"name":"成都智算科技有限公司","state":"registered"})",
       R"({"uscc":"91510100MA61R1234W"})"},
      {"user:12", "application.submit", "application/42", "",
       R"({"state":"submitted","program":"chengdu-2024"})", R"({"requested":"300000.00"})"},
      {"user:3", "application.approve", "application/42",
       R"({"state":"submitted","program":"chengdu-2024"})",
       R"({"state":"approved","program":"chengdu-2024"})", R"({"reason":"meets §二"})"},
      {"system", "voucher.grant", "voucher/7", "", R"({"balance":"300000.00"})",
       R"({"application":42,"amount":"300000.00"})"},
      {"apikey:3", "claim.submit", "claim/1001", "", R"({"state":"submitted"})",
       R"({"bill":"120000.00","voucher_pays":"60000.00"})"},
      {"user:3", "payout.approve", "payout/2024Q3", R"({"state":"pending"})",
       R"({"state":"approved"})", R"({"amount":"60000.00","center":"chengdu-ai-center"})"},
  };
  std::optional<audit::AuditEntry> last;
  for (const audit::AuditRecord& record : records) {
    auto tx = storage::Transaction::Begin(d);
    if (!tx.ok()) return fail(tx.error());
    auto entry = writer.value().Append(clock.Now(), record);
    if (!entry.ok()) return fail(entry.error());
    if (auto s = tx.value().Commit(); !s.ok()) return fail(s.error());
    auto anchored = audit::WriteAnchor(fs::path(dir) / audit::kAnchorFile,
                                       audit::Anchor{entry->seq, entry->hash});
    if (!anchored.ok()) return fail(anchored.error());
    last = std::move(entry).value();
    clock.Advance(3600 * kMicrosPerSecond);
  }
  std::printf("wrote %zu audit entries to %s; head seq %lld\n", std::size(records),
              (fs::path(dir) / audit::kPlatformDbFile).c_str(), static_cast<long long>(last->seq));
  return 0;
}

}  // namespace

void RegisterAuditCommand(CLI::App& app, int* exit_code) {
  auto* audit_cmd = app.add_subcommand("audit", "Verify and read the tamper-evident audit log");
  audit_cmd->require_subcommand(1);

  auto* verify = audit_cmd->add_subcommand(
      "verify", "Check the hash chain and the anchor (exit 0 intact, 1 tampered, 2 bad input)");
  auto dir = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto require_anchor = std::make_shared<bool>(false);
  verify->add_option("--data", *dir, "data directory (platform.db, audit.anchor)")->required();
  verify->add_flag("--json", *json, "print a JSON report");
  verify->add_flag("--require-anchor", *require_anchor,
                   "treat a missing anchor file as a problem when the log has entries");
  verify->callback([=] { *exit_code = RunVerify(*dir, *json, *require_anchor); });

  auto* list = audit_cmd->add_subcommand("list", "Print audit entries in seq order");
  auto opts = std::make_shared<ListOptions>();
  list->add_option("--data", opts->dir, "data directory")->required();
  list->add_option("--actor", opts->actor, "only this actor (\"user:12\")");
  list->add_option("--action", opts->action, "only this action (\"application.approve\")");
  list->add_option("--object", opts->object_prefix, "only objects starting with this");
  list->add_option("--after", opts->after_seq, "entries after this seq (the cursor)");
  list->add_option("--limit", opts->limit, "at most this many entries (1..1000)");
  list->add_flag("--json", opts->json, "print JSON");
  list->callback([=] { *exit_code = RunList(*opts); });

  AddAuditReconcileCommand(*audit_cmd, exit_code);

  auto* demo = audit_cmd->add_subcommand("demo", "Write a few demo entries (for tests)");
  demo->group("");  // hidden from --help
  auto demo_dir = std::make_shared<std::string>();
  demo->add_option("--data", *demo_dir, "data directory (created)")->required();
  demo->callback([=] { *exit_code = RunDemo(*demo_dir); });
}

}  // namespace suanli::cli
