// `bench train --model DIR --nproc N`: runs the same short training (`train`, real code path: data plan,
// micro-batches, gradient all-reduce, optimizer) once in one process and once in N processes, on a
// generated dataset whose records all fill --seq-len, and reports each run's tokens/s (from the
// training log, after the warm-up steps) and the scaling efficiency. Efficiency compares with what the
// N processes were given: on GPUs N devices for one, so efficiency = speed-up / N; CPU processes share
// this machine's cores, so efficiency = speed-up (1.0 = no loss from splitting the cores).
#include "cli_bench_train_nproc.h"

#include <ATen/detail/CUDAHooksInterface.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "cli_bench.h"
#include "error.h"

namespace cli {

namespace {

struct RunFigures {
  double tokens_per_second = 0;
  double seconds = 0;
};

std::string this_executable() {
  char path[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) throw UsageError("cannot find this program's own path (/proc/self/exe)");
  path[n] = '\0';
  return path;
}

// Runs argv, stderr passed through; throws when it fails.
void run_or_throw(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  std::vector<std::string> copy = argv;
  for (auto& a : copy) args.push_back(a.data());
  args.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string line;
    for (const auto& a : argv) line += a + " ";
    throw UsageError("bench train --nproc: this run failed: " + line);
  }
}

RunFigures read_log(const std::filesystem::path& log, int64_t warmup) {
  std::ifstream in(log);
  std::string line;
  double tokens0 = 0, seconds0 = 0, tokens1 = 0, seconds1 = 0;
  int64_t steps = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto entry = nlohmann::json::parse(line);
    ++steps;
    const double tokens = entry.value("tokens", 0.0), seconds = entry.value("elapsed_seconds", 0.0);
    if (steps == warmup) {
      tokens0 = tokens;
      seconds0 = seconds;
    }
    tokens1 = tokens;
    seconds1 = seconds;
  }
  RunFigures f;
  f.seconds = seconds1 - seconds0;
  f.tokens_per_second = f.seconds > 0 ? (tokens1 - tokens0) / f.seconds : 0;
  return f;
}

}  // namespace

int run_bench_train_nproc(const Args& args) {
  const int nproc = args.get_int("nproc", 2);
  if (nproc < 2) throw UsageError("bench train --nproc expects at least 2 processes");
  if (!args.has_model_dir(1)) throw UsageError("bench train --nproc needs a model folder with a tokenizer (--model DIR)");
  const std::string model = args.model_dir(1);
  const int seq_len = args.get_int("seq-len", 256), micro = args.get_int("micro-batch-size", 4);
  const int steps = args.get_int("steps", 5), warmup = std::max(1, args.get_int("warmup", 1));
  const int batch = args.get_int("batch-size", micro * nproc);
  const std::string dtype = args.get("dtype", "auto");
  BenchTemporaryDir tmp;

  // Records of random words, each longer than --seq-len tokens: every micro-batch is seq_len wide.
  const std::filesystem::path data = tmp.path / "bench.jsonl";
  {
    static const char* words[] = {"river", "stone", "light", "garden", "number", "window", "paper", "music",
                                  "forest", "yellow", "engine", "market", "silver", "planet", "bridge", "summer"};
    std::mt19937 rng(1);
    std::ofstream out(data);
    for (int r = 0; r < batch * (steps + warmup); ++r) {
      std::string text;
      for (int w = 0; w < seq_len * 2; ++w) text += std::string(words[rng() % 16]) + " ";
      out << nlohmann::json({{"instruction", "Continue."}, {"output", text}}).dump() << "\n";
    }
  }
  auto figures = [&](int processes) {
    const std::filesystem::path output = tmp.path / ("run" + std::to_string(processes));
    std::vector<std::string> argv = {this_executable(), "train", "--model", model, "--dataset", data.string(),
                                     "--output", output.string(), "--max-steps", std::to_string(steps + warmup),
                                     "--batch-size", std::to_string(batch), "--micro-batch-size", std::to_string(micro),
                                     "--cutoff-len", std::to_string(seq_len), "--train-on-prompt", "--eval-samples", "0",
                                     "--rank", std::to_string(args.get_int("rank", 16)), "--target-modules",
                                     args.get("target-modules", "all-linear"), "--dtype", dtype, "--quiet",
                                     "--nproc", std::to_string(processes)};
    if (args.has("device")) argv.insert(argv.end(), {"--device", args.get("device")});
    if (args.has("threads")) argv.insert(argv.end(), {"--threads", args.get("threads")});
    run_or_throw(argv);
    return read_log(output / "training_log.jsonl", warmup);
  };
  const RunFigures one = figures(1), many = figures(nproc);
  const bool on_gpu = args.get("device", "auto").rfind("cuda", 0) == 0 ||
                      (args.get("device", "auto") == "auto" && at::detail::getCUDAHooks().getNumGPUs() > 0);
  const double speedup = one.tokens_per_second > 0 ? many.tokens_per_second / one.tokens_per_second : 0;
  const double efficiency = on_gpu ? speedup / nproc : speedup;
  if (args.has("json")) {
    std::cout << nlohmann::json({{"nproc", nproc}, {"device", on_gpu ? "cuda" : "cpu"}, {"batch_size", batch},
                                 {"micro_batch_size", micro}, {"seq_len", seq_len}, {"steps", steps},
                                 {"tokens_per_second_1", one.tokens_per_second},
                                 {"tokens_per_second_n", many.tokens_per_second}, {"speedup", speedup},
                                 {"scaling_efficiency", efficiency}})
                     .dump()
              << "\n";
    return 0;
  }
  row("processes", printf_string("1 and %d (%s)", nproc, on_gpu ? "one GPU each" : "CPU processes splitting the cores"));
  row("batch", printf_string("%d records of %d tokens, micro-batches of %d", batch, seq_len, micro));
  row("1 process", printf_string("%.0f tokens/s", one.tokens_per_second));
  row((std::to_string(nproc) + " processes").c_str(), printf_string("%.0f tokens/s", many.tokens_per_second));
  row("speed-up", printf_string("%.2fx", speedup));
  row("scaling efficiency",
      printf_string("%.0f%% (%s)", efficiency * 100, on_gpu ? "speed-up / processes" : "same cores: speed-up itself"));
  return 0;
}

}  // namespace cli
