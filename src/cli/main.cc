// `suanli`: the command line of the platform. Subcommands are listed here and live in their
// own files (commands.h).
#include <iostream>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"suanli — compute-voucher programs and the compute network they pay for"};
  app.require_subcommand(1);
  int exit_code = 0;
  suanli::cli::RegisterQuoteCommand(app, &exit_code);
  suanli::cli::RegisterProgramsCommand(app, &exit_code);
  suanli::cli::RegisterLedgerCommand(app, &exit_code);
  suanli::cli::RegisterDrawCommand(app, &exit_code);
  suanli::cli::RegisterAuditCommand(app, &exit_code);
  suanli::cli::RegisterServeCommand(app, &exit_code);
  suanli::cli::RegisterUsageCommand(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  return exit_code;
}
