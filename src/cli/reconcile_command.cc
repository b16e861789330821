// `suanli audit reconcile`: the ledger's transfers against the platform's records
// (Platform::Reconcile, docs/audit.md §Reconciliation), offline, on a data directory — a copy
// handed to an auditor, or the server's own while it is stopped (opening it runs the platform's
// start-up recovery, as the server would). Exit 0 when nothing differs, 1 when something does
// (each difference listed), 2 for bad input.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include <boost/json.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "api/views.h"
#include "audit/audit_files.h"
#include "cli/commands.h"
#include "core/cst_time.h"
#include "workflow/platform.h"

namespace suanli::cli {
namespace {

namespace fs = std::filesystem;

int RunReconcile(const std::string& dir, const std::string& programs, bool json) {
  std::error_code ec;
  if (!fs::is_regular_file(fs::path(dir) / audit::kPlatformDbFile, ec)) {
    std::fprintf(stderr, "suanli audit reconcile: no platform database in %s\n", dir.c_str());
    return 2;
  }
  // The platform's start-up logs go to stderr: stdout is the report (and with --json, JSON).
  spdlog::set_default_logger(spdlog::stderr_logger_mt("suanli-reconcile"));
  SystemClock clock;
  workflow::PlatformOptions po;
  po.data_dir = dir;
  po.programs_dir = programs;
  po.clock = &clock;
  auto platform = workflow::Platform::Open(po);
  if (!platform.ok()) {
    std::fprintf(stderr, "suanli audit reconcile: %s\n", platform.error().ToString().c_str());
    return 2;
  }
  auto r = (*platform)->Reconcile(workflow::Principal::System());
  if (!r.ok()) {
    std::fprintf(stderr, "suanli audit reconcile: %s\n", r.error().ToString().c_str());
    return 2;
  }
  if (json) {
    std::printf("%s\n", boost::json::serialize(api::View(*r)).c_str());
  } else {
    std::printf("%lld transfers, %lld settlements, %lld outbox moves, %lld audit entries, "
                "%lld records checked\n",
                static_cast<long long>(r->transfers), static_cast<long long>(r->settlements),
                static_cast<long long>(r->moves), static_cast<long long>(r->audit_entries),
                static_cast<long long>(r->records));
    for (const std::string& d : r->differences) std::printf("difference: %s\n", d.c_str());
    if (r->rebuilt_total > 0) {
      std::printf("%lld settlement(s) rest on the ledger alone (rebuilt at a start-up); check "
                  "them against the provider's bills:",
                  static_cast<long long>(r->rebuilt_total));
      for (const std::int64_t id : r->rebuilt_settlements) std::printf(" %lld", static_cast<long long>(id));
      std::printf("\n");
    }
    std::printf("reconciliation: %s\n",
                r->ok() ? "the ledger, the records and the audit log agree"
                        : (std::to_string(r->differences_total) + " difference(s)").c_str());
  }
  return r->ok() ? 0 : 1;
}

}  // namespace

void AddAuditReconcileCommand(CLI::App& audit_cmd, int* exit_code) {
  auto* cmd = audit_cmd.add_subcommand(
      "reconcile",
      "Check every ledger transfer against the platform's records (exit 0 agree, 1 differ, 2 bad "
      "input); run it on a copy, or with the server stopped");
  auto dir = std::make_shared<std::string>();
  auto programs = std::make_shared<std::string>("programs");
  auto json = std::make_shared<bool>(false);
  cmd->add_option("--data", *dir, "data directory (platform.db, ledger.db)")->required();
  cmd->add_option("--programs", *programs, "directory of program TOML files (the appropriations)");
  cmd->add_flag("--json", *json, "print a JSON report");
  cmd->callback([=] { *exit_code = RunReconcile(*dir, *programs, *json); });
}

}  // namespace suanli::cli
