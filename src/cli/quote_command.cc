// Placeholder until the Quote subcommand lands; it registers nothing.
#include "cli/commands.h"

namespace suanli::cli {
void RegisterQuoteCommand(CLI::App& /*app*/, int* /*exit_code*/) {}
}  // namespace suanli::cli
