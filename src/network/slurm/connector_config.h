// The file that tells `suanli serve` which real Slurm clusters it reaches and how: one
// [[center]] table per cluster, naming its slurmrestd, the file holding the JWT, and the
// settings of SlurmRestOptions. The token lives in its own file (mode 0600, rotated by the
// operator with `scontrol token`), never in the settings file, which is safe to share.
//
//   [[center]]
//   cluster = "cd-hpc"                       # the cluster's ClusterName = the center's slurm_cluster
//   rest_url = "http://10.0.0.5:6820"        # its slurmrestd
//   token_file = "/etc/suanli/cd-hpc.jwt"    # `scontrol token username=root lifespan=...`
//   token_user = "root"                      # optional, default "root"
//   slurm_conf = "/etc/slurm/slurm.conf"     # optional: for sacctmgr (account hour limits)
//   timeout_ms = 15000                       # optional
//   usage_settle_s = 30                      # optional: hold back jobs that ended this recently
//
// docs/network.md, "Connecting real centers", has the whole story.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "network/slurm/slurm_rest_connector.h"

namespace suanli::network::slurm {

// Parses the file's text; relative token_file paths are read relative to `base_dir`. Every
// error names the field ("center[1].rest_url") and the reason; unknown keys are refused, as is
// a cluster listed twice, an unreadable or empty token file, a URL that is not http://host:port.
Result<std::vector<SlurmRestOptions>> ParseConnectorConfig(std::string_view toml_text,
                                                           std::string_view origin,
                                                           const std::string& base_dir);
// Reads and parses the file at `path` (base_dir = the file's directory).
Result<std::vector<SlurmRestOptions>> LoadConnectorConfig(const std::string& path);

}  // namespace suanli::network::slurm
