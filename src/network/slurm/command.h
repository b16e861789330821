// Runs a Slurm command-line tool (sacctmgr, sacct) without a shell, for what slurmrestd 22.05
// cannot do. Arguments are passed as a vector, so account names never meet a shell parser.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace suanli::network::slurm {

struct CommandOutput {
  int exit_status = 0;  // the program's exit code; 128+N when killed by signal N
  std::string output;   // stdout and stderr, interleaved
};

// Runs argv[0] (looked up in PATH) with argv, the caller's environment plus `env`
// ("NAME=value" entries, overriding). kIo when it cannot be started; a non-zero exit is a
// value for the caller to judge. Output beyond 1 MiB is dropped (these commands print little).
Result<CommandOutput> RunCommand(const std::vector<std::string>& argv,
                                 const std::vector<std::string>& env);

}  // namespace suanli::network::slurm
