#pragma once
// Starts the worker processes of a data-parallel run on this machine, as torchrun does: one process per
// rank with RANK, LOCAL_RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT set, CPU ranks pinned to their own
// share of the cores. Waits for them; when one fails, the others get a grace period to stop on their own
// (they notice through their collectives and name the rank) before they are terminated.
#include <string>
#include <utility>
#include <vector>

#include "message.h"

namespace lora::dist {

struct WorkerSpec {
  int rank = 0;
  std::vector<std::string> argv;                            // argv[0]: the executable
  std::vector<std::pair<std::string, std::string>> env;     // added to this process's environment
  std::vector<int> cpus;                                    // empty: not pinned
};

struct WorkerExit {
  int rank = 0;
  int pid = 0;
  int exit_code = 0;  // when it exited
  int signal = 0;     // when a signal ended it
  bool ok() const { return exit_code == 0 && signal == 0; }
};

// The ranks' environment variables for local rank `local_rank` of node `node_rank`.
std::vector<std::pair<std::string, std::string>> torchrun_environment(int node_rank, int nproc_per_node, int nnodes,
                                                                      int local_rank, const std::string& master_addr,
                                                                      int master_port);

// This machine's usable cores (sched_getaffinity) dealt into `parts` contiguous shares.
std::vector<std::vector<int>> split_cpus(int parts);

// A TCP port that was free a moment ago (the kernel's choice), for a single-machine rendezvous.
int free_tcp_port();

// Starts every worker, then waits for all. Throws lora::Error when one cannot start (those started are
// stopped). `grace_seconds`: how long the others may take to stop after one failed; then they get
// SIGTERM, and SIGKILL 3 s later (a hung rank never stops on its own: no worker outlives the launcher).
std::vector<WorkerExit> run_workers(const std::vector<WorkerSpec>& workers, double grace_seconds);

// "rank 1 (process 123) was killed by signal 9 (Killed)" / "... exited with code 1".
Message describe_exit(const WorkerExit& exit);

}  // namespace lora::dist
