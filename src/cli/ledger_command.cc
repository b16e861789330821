// Placeholder until the Ledger subcommand lands; it registers nothing.
#include "cli/commands.h"

namespace suanli::cli {
void RegisterLedgerCommand(CLI::App& /*app*/, int* /*exit_code*/) {}
}  // namespace suanli::cli
