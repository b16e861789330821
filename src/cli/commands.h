// The `suanli` command's subcommands. Each lives in its own file and registers itself on the
// CLI11 app; main.cc only lists them. A subcommand's handler returns the process exit code:
// 0 success, 1 a business "no" (e.g. a case that is not eligible), 2 bad input or usage.
#pragma once

#include <CLI/CLI.hpp>

namespace suanli::cli {

// Each Register* adds one subcommand; the callback it installs stores the exit code in *exit_code.
void RegisterQuoteCommand(CLI::App& app, int* exit_code);     // quote_command.cc
void RegisterProgramsCommand(CLI::App& app, int* exit_code);  // programs_command.cc
void RegisterLedgerCommand(CLI::App& app, int* exit_code);    // ledger_command.cc
void RegisterDrawCommand(CLI::App& app, int* exit_code);      // draw_command.cc
void RegisterAuditCommand(CLI::App& app, int* exit_code);     // audit_command.cc
// `audit reconcile`, added by RegisterAuditCommand (reconcile_command.cc).
void AddAuditReconcileCommand(CLI::App& audit_cmd, int* exit_code);
void RegisterServeCommand(CLI::App& app, int* exit_code);     // serve_command.cc
void RegisterUsageCommand(CLI::App& app, int* exit_code);     // usage_command.cc

}  // namespace suanli::cli
