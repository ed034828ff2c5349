#include "worker_launcher.h"

#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <chrono>
#include <cstring>
#include <thread>

#include "error.h"
#include "training_messages.h"

namespace lora::dist {

std::vector<std::pair<std::string, std::string>> torchrun_environment(int node_rank, int nproc_per_node, int nnodes,
                                                                      int local_rank, const std::string& master_addr,
                                                                      int master_port) {
  return {{"RANK", std::to_string(node_rank * nproc_per_node + local_rank)},
          {"LOCAL_RANK", std::to_string(local_rank)},
          {"WORLD_SIZE", std::to_string(nnodes * nproc_per_node)},
          {"LOCAL_WORLD_SIZE", std::to_string(nproc_per_node)},
          {"GROUP_RANK", std::to_string(node_rank)},
          {"MASTER_ADDR", master_addr},
          {"MASTER_PORT", std::to_string(master_port)}};
}

std::vector<std::vector<int>> split_cpus(int parts) {
  std::vector<int> cpus;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    for (int c = 0; c < CPU_SETSIZE; ++c)
      if (CPU_ISSET(c, &set)) cpus.push_back(c);
  }
  std::vector<std::vector<int>> shares(static_cast<size_t>(std::max(1, parts)));
  if (cpus.empty()) return shares;
  if (static_cast<int>(cpus.size()) < parts) {
    // More ranks than cores: they share round-robin (correct, not faster).
    for (int p = 0; p < parts; ++p) shares[p].push_back(cpus[p % cpus.size()]);
    return shares;
  }
  const size_t each = cpus.size() / static_cast<size_t>(parts);
  for (int p = 0; p < parts; ++p)
    shares[p].assign(cpus.begin() + static_cast<long>(p * each), cpus.begin() + static_cast<long>((p + 1) * each));
  return shares;
}

int free_tcp_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 29500;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  int port = 29500;
  socklen_t length = sizeof address;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0)
    port = ntohs(address.sin_port);
  close(fd);
  return port;
}

namespace {

pid_t start_worker(const WorkerSpec& spec) {
  // Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
  std::vector<std::string> env_text;
  for (char** e = environ; *e; ++e) {
    const std::string entry = *e;
    const std::string name = entry.substr(0, entry.find('='));
    bool replaced = false;
    for (const auto& [key, value] : spec.env) replaced = replaced || key == name;
    if (!replaced) env_text.push_back(entry);
  }
  for (const auto& [key, value] : spec.env) env_text.push_back(key + "=" + value);
  std::vector<char*> envp, argv;
  for (auto& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = spec.argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int c : spec.cpus) CPU_SET(c, &set);

  const pid_t pid = fork();
  if (pid != 0) return pid;  // the parent, or -1
  if (!spec.cpus.empty()) sched_setaffinity(0, sizeof set, &set);
  execve(argv[0], argv.data(), envp.data());
  _exit(127);
}

// A stop asked of the launcher (SIGTERM: the window's Stop, kill; SIGINT: Ctrl-C) goes on to the workers,
// which end after their current step with the adapter saved; a second one kills them. Without this the
// launcher would die at once and leave its workers running.
volatile std::sig_atomic_t g_stop_signals = 0;
void on_stop_signal(int) { g_stop_signals = g_stop_signals + 1; }

class PassStopSignalsOn {
 public:
  PassStopSignalsOn() {
    g_stop_signals = 0;
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &action, &old_term_);
    sigaction(SIGINT, &action, &old_int_);
  }
  ~PassStopSignalsOn() {
    sigaction(SIGTERM, &old_term_, nullptr);
    sigaction(SIGINT, &old_int_, nullptr);
  }
  PassStopSignalsOn(const PassStopSignalsOn&) = delete;
  PassStopSignalsOn& operator=(const PassStopSignalsOn&) = delete;

 private:
  struct sigaction old_term_ {}, old_int_ {};
};

// After a failure, SIGTERM (a stop after the current step) cannot help a rank whose world is broken for
// long: a hung rank ignores it, and a rank in the middle of a step cannot finish it without the others.
constexpr double kTermToKillSeconds = 3;

const char* signal_name(int signal) {
  const char* name = strsignal(signal);
  return name ? name : "unknown signal";
}

}  // namespace

Message describe_exit(const WorkerExit& exit) {
  if (exit.signal != 0)
    return Message(msg::Training::dist_worker_signal, exit.rank, exit.pid, exit.signal, signal_name(exit.signal));
  return Message(msg::Training::dist_worker_exit, exit.rank, exit.pid, exit.exit_code);
}

std::vector<WorkerExit> run_workers(const std::vector<WorkerSpec>& workers, double grace_seconds) {
  std::vector<WorkerExit> exits(workers.size());
  std::vector<bool> running(workers.size(), false);
  const PassStopSignalsOn pass_stop_signals_on;
  std::sig_atomic_t stop_signals_passed = 0;
  auto stop_all = [&](int signal) {
    for (size_t i = 0; i < workers.size(); ++i)
      if (running[i]) kill(exits[i].pid, signal);
  };
  for (size_t i = 0; i < workers.size(); ++i) {
    exits[i].rank = workers[i].rank;
    const pid_t pid = start_worker(workers[i]);
    if (pid < 0) {
      const int error = errno;
      stop_all(SIGTERM);
      for (size_t j = 0; j < i; ++j) waitpid(exits[j].pid, nullptr, 0);
      throw Error(msg::Training::dist_worker_cannot_start, workers[i].rank, workers[i].argv.front(),
                  std::strerror(error));
    }
    exits[i].pid = static_cast<int>(pid);
    running[i] = true;
  }
  using Clock = std::chrono::steady_clock;
  Clock::time_point first_failure{};
  bool failed = false, terminated = false;
  size_t left = workers.size();
  while (left > 0) {
    int status = 0;
    const pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid > 0) {
      for (size_t i = 0; i < workers.size(); ++i) {
        if (!running[i] || exits[i].pid != pid) continue;
        running[i] = false;
        --left;
        if (WIFSIGNALED(status)) exits[i].signal = WTERMSIG(status);
        if (WIFEXITED(status)) exits[i].exit_code = WEXITSTATUS(status);
        if (!exits[i].ok() && !failed) {
          failed = true;
          first_failure = Clock::now();
        }
      }
      continue;
    }
    if (pid < 0 && errno != EINTR) break;
    if (g_stop_signals > stop_signals_passed) {
      stop_signals_passed = g_stop_signals;
      stop_all(stop_signals_passed > 1 ? SIGKILL : SIGTERM);
    }
    if (failed) {
      const double waited = std::chrono::duration<double>(Clock::now() - first_failure).count();
      if (!terminated && waited > grace_seconds) {
        stop_all(SIGTERM);
        terminated = true;
      } else if (terminated && waited > grace_seconds + kTermToKillSeconds) {
        stop_all(SIGKILL);
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return exits;
}

}  // namespace lora::dist
