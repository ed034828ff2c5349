#include "cli_train_distributed.h"

#include <ATen/detail/CUDAHooksInterface.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <iostream>

#include "cli_train_progress.h"
#include "error.h"
#include "training_messages.h"
#include "worker_launcher.h"

namespace cli {

namespace {

constexpr double kDefaultTimeoutSeconds = 600;
constexpr double kFailureGraceSeconds = 10;

double timeout_of(const Args& args) {
  const double seconds = args.get_double("dist-timeout", kDefaultTimeoutSeconds);
  if (!(seconds > 0)) throw UsageError("option --dist-timeout expects a positive number of seconds");
  return seconds;
}

std::string this_executable() {
  char path[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) throw UsageError("cannot find this program's own path (/proc/self/exe) to start the workers");
  path[n] = '\0';
  return path;
}

}  // namespace

const std::vector<std::string>& train_distributed_options() {
  static const std::vector<std::string> options = {"nproc", "nnodes", "node-rank", "master-addr", "master-port",
                                                   "dist-timeout"};
  return options;
}

std::optional<lora::dist::WorldOptions> train_world_from_environment(const Args& args) {
  auto world = lora::dist::world_options_from_environment();
  if (world) world->timeout_seconds = timeout_of(args);
  return world;
}

bool train_wants_workers(const Args& args) { return args.get_int("nproc", 1) > 1 || args.get_int("nnodes", 1) > 1; }

int launch_train_workers(const Args& args, const std::vector<std::string>& known_options,
                         const std::vector<std::string>& flag_names, const std::string& device) {
  const int nproc = args.get_int("nproc", 1), nnodes = args.get_int("nnodes", 1);
  const int node_rank = args.get_int("node-rank", 0);
  if (nproc < 1 || nproc > 1024) throw UsageError("option --nproc expects 1 to 1024 processes");
  if (nnodes < 1) throw UsageError("option --nnodes expects at least 1 machine");
  if (node_rank < 0 || node_rank >= nnodes) throw UsageError("option --node-rank expects 0 to --nnodes - 1");
  if (nnodes > 1 && !args.has("master-addr"))
    throw UsageError("a run on several machines needs --master-addr HOST (the machine of --node-rank 0)");
  const std::string master_addr = args.get("master-addr", "127.0.0.1");
  const int master_port = args.has("master-port") ? args.get_int("master-port", 29500)
                          : nnodes > 1            ? 29500
                                                  : lora::dist::free_tcp_port();
  if (master_port < 1 || master_port > 65535) throw UsageError("option --master-port expects 1 to 65535");
  const double timeout = timeout_of(args);

  // One GPU per process where there are GPUs (--device auto or cuda), else CPU processes that split the cores.
  const int gpus = at::detail::getCUDAHooks().getNumGPUs();
  const bool on_gpu = device.rfind("cuda", 0) == 0 || (device == "auto" && gpus > 0);
  if (on_gpu && nproc > gpus)
    throw UsageError("--nproc " + std::to_string(nproc) + " asks for one GPU per process, and this machine has " +
                     std::to_string(gpus));
  const auto cpu_shares = lora::dist::split_cpus(nproc);

  std::vector<std::string> base = {this_executable(), "train"};
  const auto& launcher_options = train_distributed_options();
  for (const std::string& key : known_options) {
    if (!args.has(key)) continue;
    if (std::find(launcher_options.begin(), launcher_options.end(), key) != launcher_options.end() &&
        key != "dist-timeout")
      continue;
    if (on_gpu && key == "device") continue;
    if (!on_gpu && key == "threads") continue;
    base.push_back("--" + key);
    if (std::find(flag_names.begin(), flag_names.end(), key) == flag_names.end()) base.push_back(args.get(key));
  }
  std::vector<lora::dist::WorkerSpec> workers;
  for (int local = 0; local < nproc; ++local) {
    lora::dist::WorkerSpec w;
    w.rank = node_rank * nproc + local;
    w.argv = base;
    w.env = lora::dist::torchrun_environment(node_rank, nproc, nnodes, local, master_addr, master_port);
    if (on_gpu) {
      w.argv.insert(w.argv.end(), {"--device", "cuda:" + std::to_string(local)});
    } else {
      // Each CPU rank computes on its own cores: threads = its share, pinned there.
      const int threads = args.has("threads") && args.get_int("threads", 0) > 0
                              ? args.get_int("threads", 0)
                              : std::max<int>(1, static_cast<int>(cpu_shares[local].size()));
      w.argv.insert(w.argv.end(), {"--threads", std::to_string(threads)});
      w.cpus = cpu_shares[local];
      w.env.emplace_back("OMP_NUM_THREADS", std::to_string(threads));
    }
    workers.push_back(std::move(w));
  }
  // After one rank failed, the others learn it at their next collective: at once when its connections
  // closed, within --dist-timeout when it hangs. A hung rank never learns it, so it is stopped after a grace
  // that lets the others name the rank at fault first (their diagnosis takes a few seconds).
  const auto exits = lora::dist::run_workers(workers, std::min(timeout, kFailureGraceSeconds));
  int code = 0;
  for (const auto& e : exits) {
    if (e.ok()) continue;
    const lora::Message stopped(lora::msg::Training::dist_workers_stopped, lora::dist::describe_exit(e));
    std::cerr << "error: " << stopped.english() << "\n";
    if (args.has("progress-json")) print_error_json(-1, stopped);
    if (code == 0) code = e.exit_code != 0 ? e.exit_code : 1;
  }
  return code;
}

}  // namespace cli
