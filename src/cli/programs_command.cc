// Placeholder until the Programs subcommand lands; it registers nothing.
#include "cli/commands.h"

namespace suanli::cli {
void RegisterProgramsCommand(CLI::App& /*app*/, int* /*exit_code*/) {}
}  // namespace suanli::cli
