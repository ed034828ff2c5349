#pragma once
// `train`'s data-parallel side: which rank this process is (the torchrun environment), and the launcher
// that starts the workers of --nproc N / --nnodes M runs (each one this same executable, a rank).
#include <optional>
#include <string>
#include <vector>

#include "cli_command.h"
#include "world.h"

namespace cli {

// The options `train` takes for data-parallel runs (for check_known).
const std::vector<std::string>& train_distributed_options();

// This process's rank when it runs as a worker (RANK / WORLD_SIZE set by our launcher, torchrun or a
// SLURM script): nullopt otherwise. --dist-timeout applies.
std::optional<lora::dist::WorldOptions> train_world_from_environment(const Args& args);

// True when the command line asks for several processes (--nproc > 1 or --nnodes > 1).
bool train_wants_workers(const Args& args);

// Starts this node's workers (the same `train` command line minus the launcher's options), waits for
// them and returns the exit code; `flag_names`: the options that take no value.
int launch_train_workers(const Args& args, const std::vector<std::string>& known_options,
                         const std::vector<std::string>& flag_names, const std::string& device);

}  // namespace cli
