#include "world.h"

#include <ATen/ATen.h>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#ifdef USE_C10D_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#ifdef USE_C10D_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "error.h"
#include "training_messages.h"

namespace fs = std::filesystem;

namespace lora::dist {

namespace {

using std::chrono::milliseconds;

milliseconds as_milliseconds(double seconds) {
  return milliseconds(static_cast<int64_t>(std::max(0.001, seconds) * 1000.0));
}

std::string seconds_text(double seconds) {
  std::ostringstream out;
  out << seconds;
  return out.str();
}

// c10d's messages carry a C++ backtrace after the first line; the user needs the first line only.
std::string first_line(const std::string& text) {
  const size_t end = text.find('\n');
  return end == std::string::npos ? text : text.substr(0, end);
}

bool contains(const std::string& text, const char* part) { return text.find(part) != std::string::npos; }

// Every key of ours starts with the run's prefix (one World per process).
std::string& key_prefix() {
  static std::string prefix = "lora/";
  return prefix;
}
std::string key(const std::string& what) { return key_prefix() + what; }
std::string key_of(const char* what, int rank) { return key_prefix() + what + "/" + std::to_string(rank); }

std::string store_text(const std::vector<uint8_t>& bytes) { return std::string(bytes.begin(), bytes.end()); }
std::vector<uint8_t> store_bytes(const std::string& text) { return std::vector<uint8_t>(text.begin(), text.end()); }

int env_integer(const char* name, int low, int high, const char* expected, std::optional<int> fallback) {
  const char* value = std::getenv(name);
  if (!value || !*value) {
    if (fallback) return *fallback;
    throw Error(msg::Training::dist_environment_invalid, name, expected, "");
  }
  char* end = nullptr;
  const long number = std::strtol(value, &end, 10);
  if (*end != '\0' || number < low || number > high)
    throw Error(msg::Training::dist_environment_invalid, name, expected, value);
  return static_cast<int>(number);
}

bool is_loopback(const std::string& host) {
  return host == "localhost" || host.rfind("127.", 0) == 0 || host == "::1";
}

using Clock = std::chrono::steady_clock;

// One TCP connection attempt that gives up after `wait` (a blocking connect to an address that drops
// packets would wait for the kernel's own two minutes). Leaves the reason in *why on failure.
bool connects_within(const addrinfo& address, milliseconds wait, std::string* why) {
  const int fd = socket(address.ai_family, address.ai_socktype, address.ai_protocol);
  if (fd < 0) {
    *why = std::strerror(errno);
    return false;
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK);
  int error = connect(fd, address.ai_addr, address.ai_addrlen) == 0 ? 0 : errno;
  if (error == EINPROGRESS) {
    pollfd waiting{fd, POLLOUT, 0};
    const int ready = poll(&waiting, 1, static_cast<int>(wait.count()));
    socklen_t length = sizeof error;
    if (ready <= 0) error = ETIMEDOUT;
    else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
  }
  close(fd);
  if (error != 0) *why = std::strerror(error);
  return error == 0;
}

// Waits until host:port accepts a TCP connection (rank 0 or torchrun's agent may start after us), or
// `deadline`: nullopt once it does, else why not (an unknown host name at once: it will not resolve later).
std::optional<Message> wait_until_port_accepts(const std::string& host, int port, Clock::time_point deadline) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  std::string why = "timed out";
  for (;;) {
    addrinfo* found = nullptr;
    const int resolved = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
    if (resolved == EAI_NONAME) return Message(msg::Training::dist_cause_unresolved, gai_strerror(resolved));
    if (resolved != 0) why = gai_strerror(resolved);
    for (addrinfo* a = found; a; a = a->ai_next) {
      const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
      if (connects_within(*a, std::clamp(left, milliseconds(1), milliseconds(1000)), &why)) {
        freeaddrinfo(found);
        return std::nullopt;
      }
    }
    if (found) freeaddrinfo(found);
    if (Clock::now() >= deadline)
      return resolved == 0 ? Message(msg::Training::dist_cause_no_connection, why)
                           : Message(msg::Training::dist_cause_unresolved, why);
    std::this_thread::sleep_for(milliseconds(50));
  }
}

// Fault injection for the tests (tests/test_distributed.cpp), like LORA_STUDIO_INJECT_OOM_AT_STEP:
// LORA_STUDIO_TEST_HANG_RANK=r with LORA_STUDIO_TEST_HANG_AT_STEP=k makes rank r stop making progress
// when it starts step k (1-based) while its process, heartbeat included, stays alive: a hung rank, as a
// deadlock or a stuck device would leave it, for the others' timeout to find.
void hang_here_for_tests(int rank, int64_t step_number) {
  const char* hang_rank = std::getenv("LORA_STUDIO_TEST_HANG_RANK");
  const char* hang_step = std::getenv("LORA_STUDIO_TEST_HANG_AT_STEP");
  if (!hang_rank || !hang_step || std::atoi(hang_rank) != rank || std::atoll(hang_step) != step_number) return;
  for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
}

}  // namespace

std::optional<WorldOptions> world_options_from_environment() {
  const char* world_size = std::getenv("WORLD_SIZE");
  if (!world_size || !*world_size) return std::nullopt;
  WorldOptions o;
  o.world_size = env_integer("WORLD_SIZE", 1, 1 << 20, "a whole number of processes, at least 1", std::nullopt);
  o.rank = env_integer("RANK", 0, o.world_size - 1, "a whole number from 0 to WORLD_SIZE - 1", std::nullopt);
  o.local_rank = env_integer("LOCAL_RANK", 0, 1 << 20, "a whole number, at least 0", 0);
  if (const char* addr = std::getenv("MASTER_ADDR"); addr && *addr) o.master_addr = addr;
  o.master_port = env_integer("MASTER_PORT", 1, 65535, "a TCP port from 1 to 65535", 29500);
  // torchrun's elastic agent sets TORCHELASTIC_USE_AGENT_STORE to Python's str(True) when it hosts the
  // store itself (local_elastic_agent.py); its store outlives restarts of the workers, so each attempt's
  // keys go under a prefix of their own, the one torch.distributed's env:// rendezvous uses
  // (rendezvous.py, _create_c10d_store: PrefixStore("/worker/attempt_{TORCHELASTIC_RESTART_COUNT}")).
  if (const char* agent = std::getenv("TORCHELASTIC_USE_AGENT_STORE"); agent && std::string(agent) == "True") {
    o.join_existing_store = true;
    const char* restart = std::getenv("TORCHELASTIC_RESTART_COUNT");
    o.key_prefix = std::string("/worker/attempt_") + (restart && *restart ? restart : "0") + "/lora/";
  }
  return o;
}

bool backend_available(const std::string& device_type) {
#ifdef USE_C10D_NCCL
  if (device_type == "cuda") return true;
#endif
#ifdef USE_C10D_GLOO
  return device_type == "cpu" || device_type == "cuda";  // CUDA without NCCL: Gloo over host copies
#else
  (void)device_type;
  return false;
#endif
}

struct World::Impl {
  c10::intrusive_ptr<c10d::TCPStore> store;
#ifdef USE_C10D_GLOO
  c10::intrusive_ptr<c10d::ProcessGroupGloo> gloo;
#endif
#ifdef USE_C10D_NCCL
  c10::intrusive_ptr<c10d::ProcessGroupNCCL> nccl;
#endif
  bool on_gpu = false;  // NCCL: tensors stay on the GPU
  int64_t collectives = 0;

  std::thread heartbeat;
  std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;

  bool has_group() const {
#ifdef USE_C10D_NCCL
    if (nccl) return true;
#endif
#ifdef USE_C10D_GLOO
    if (gloo) return true;
#endif
    return false;
  }

  template <class F>
  c10::intrusive_ptr<c10d::Work> run(F&& f) {
#ifdef USE_C10D_NCCL
    if (nccl) return f(*nccl);
#endif
#ifdef USE_C10D_GLOO
    if (gloo) return f(*gloo);
#endif
    TORCH_CHECK(false, "the process group is closed");
  }

  void close_group() {
#ifdef USE_C10D_NCCL
    nccl.reset();
#endif
#ifdef USE_C10D_GLOO
    gloo.reset();
#endif
  }

  void stop_heartbeat() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      stopping = true;
    }
    wake.notify_all();
    if (heartbeat.joinable()) heartbeat.join();
  }
};

struct World::PendingSum::Impl {
  World* world = nullptr;
  c10::intrusive_ptr<c10d::Work> work;
};

World::PendingSum::PendingSum(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
World::PendingSum::PendingSum(PendingSum&&) noexcept = default;
World::PendingSum::~PendingSum() = default;

void World::PendingSum::wait() {
  if (!impl_ || !impl_->work) return;
  try {
    impl_->work->wait();
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    impl_->work.reset();
    impl_->world->raise_peer_failure(e);
  }
  impl_->work.reset();
}

World::World(WorldOptions options) : options_(std::move(options)), impl_(std::make_unique<Impl>()) {}

World::~World() {
  impl_->stop_heartbeat();
  try {
    impl_->close_group();
  } catch (...) {
  }
  impl_->store.reset();
}

std::unique_ptr<World> World::join(const WorldOptions& o, const std::string& device_type) {
  if (o.world_size < 1 || o.rank < 0 || o.rank >= o.world_size)
    throw Error(msg::Training::dist_rank_outside_world, o.rank, o.world_size);
  std::unique_ptr<World> world(new World(o));
  if (o.world_size == 1) return world;  // nobody to talk to: every collective is the identity
  if (!backend_available(device_type))
    throw Error(msg::Training::dist_backend_missing, device_type, device_type == "cuda" ? "NCCL" : "Gloo");
  // A rank that dies leaves sockets whose next write raises SIGPIPE, which would end this process
  // without a word (seen as a silent exit when a rank was killed during an all-reduce on a loaded
  // machine). Ignored, the write fails and the collective's error names the rank (raise_peer_failure).
  std::signal(SIGPIPE, SIG_IGN);
  Impl& impl = *world->impl_;
  const milliseconds timeout = as_milliseconds(o.timeout_seconds);
  const std::string port = std::to_string(o.master_port);

  key_prefix() = o.key_prefix;
  c10d::TCPStoreOptions store_options;
  store_options.port = static_cast<std::uint16_t>(o.master_port);
  store_options.isServer = o.rank == 0 && !o.join_existing_store;
  store_options.numWorkers = o.world_size;
  store_options.waitWorkers = false;  // we wait below, to name the missing rank
  store_options.timeout = timeout;
  // Whoever hosts the store (rank 0, or torchrun's agent) is named when it cannot be reached.
  auto unreachable = [&](MessageArg cause) {
    return Error(o.join_existing_store ? msg::Training::dist_agent_store_unreachable
                                       : msg::Training::dist_master_unreachable,
                 o.master_addr, port, seconds_text(o.timeout_seconds), std::move(cause));
  };
  // Connecting and claiming the rank run on a thread of their own with a deadline: a client that reached
  // something else on the port (not a TCPStore) would wait for its answer for ever.
  struct Connection {
    std::mutex mutex;
    std::condition_variable done;
    bool finished = false;
    bool talking = false;  // a TCP connection was made: what answers is not (yet) known to be a store
    c10::intrusive_ptr<c10d::TCPStore> store;
    int64_t claims = 0;
    std::optional<Message> cause;
    std::string error;  // c10d's own
  };
  auto connection = std::make_shared<Connection>();
  std::thread([connection, o, store_options] {
    c10::intrusive_ptr<c10d::TCPStore> store;
    int64_t claims = 0;
    std::optional<Message> cause;
    std::string error;
    try {
      // c10d's client would retry alone (about once a second, with its own log lines); knocking ourselves
      // starts a moment after the store is up, and knows an unknown host or a silent address from a busy one.
      if (!store_options.isServer)
        cause = wait_until_port_accepts(o.master_addr, o.master_port, Clock::now() + store_options.timeout);
      if (!cause) {
        {
          std::lock_guard<std::mutex> lock(connection->mutex);
          connection->talking = true;
        }
        store = c10::make_intrusive<c10d::TCPStore>(o.master_addr, store_options);
        // A store echoes what it was given; another program on the port does not.
        const std::string hello = key("hello/") + std::to_string(getpid()) + "/" +
                                  std::to_string(Clock::now().time_since_epoch().count());
        store->set(hello, store_bytes(hello));
        if (store_text(store->get(hello)) != hello) {
          cause = Message(msg::Training::dist_cause_not_a_store);
        } else {
          claims = store->add(key_of("rank", o.rank), 1);
          store->add(key("joined"), 1);
        }
      }
    } catch (const std::exception& e) {
      error = e.what();
      if (error.empty()) error = "connection failed";
      // A client that made its TCP connection and then got no store's answer (c10d: "Stop_waiting
      // response is expected" from a proxy or a web server on the port).
      if (!store_options.isServer && !cause) {
        std::lock_guard<std::mutex> lock(connection->mutex);
        if (connection->talking) cause = Message(msg::Training::dist_cause_not_a_store);
      }
    }
    std::lock_guard<std::mutex> lock(connection->mutex);
    connection->store = store;
    connection->claims = claims;
    connection->cause = cause;
    connection->error = error;
    connection->finished = true;
    connection->done.notify_all();
  }).detach();
  {
    std::unique_lock<std::mutex> lock(connection->mutex);
    if (!connection->done.wait_for(lock, timeout + milliseconds(2000), [&] { return connection->finished; })) {
      if (connection->talking) throw unreachable(Message(msg::Training::dist_cause_not_a_store));
      throw unreachable(Message(msg::Training::dist_cause_no_connection, "timed out"));
    }
    if (connection->cause) throw unreachable(*connection->cause);
    const std::string& what = connection->error;
    if (!what.empty()) {
      if (store_options.isServer && (contains(what, "already in use") || contains(what, "errno: 98")))
        throw Error(msg::Training::dist_port_in_use, o.master_port);
      throw unreachable(first_line(what));
    }
    impl.store = connection->store;
    if (connection->claims != 1) throw Error(msg::Training::dist_rank_taken, o.rank);
  }

  // Rendezvous: every rank has claimed its number; wait for the others.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  try {
    while (impl.store->add(key("joined"), 0) < o.world_size) {
      if (std::chrono::steady_clock::now() > deadline) {
        int missing = 0;
        for (int r = 0; r < o.world_size; ++r)
          if (!impl.store->check({key_of("rank", r)})) {
            missing = r;
            break;
          }
        throw Error(msg::Training::dist_not_all_joined, impl.store->add(key("joined"), 0), o.world_size,
                    o.master_addr, port, seconds_text(o.timeout_seconds), missing);
      }
      std::this_thread::sleep_for(milliseconds(20));
    }
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw unreachable(first_line(e.what()));
  }

  auto group_store = c10::make_intrusive<c10d::PrefixStore>(key("group"), impl.store);
  try {
#ifdef USE_C10D_NCCL
    if (device_type == "cuda") {
      auto nccl_options = c10d::ProcessGroupNCCL::Options::create();
      nccl_options->timeout = timeout;
      impl.nccl = c10::make_intrusive<c10d::ProcessGroupNCCL>(group_store, o.rank, o.world_size, nccl_options);
      impl.on_gpu = true;
    }
#endif
#ifdef USE_C10D_GLOO
    if (!impl.has_group()) {
      auto gloo_options = c10d::ProcessGroupGloo::Options::create(timeout);
      const char* interface = std::getenv("GLOO_SOCKET_IFNAME");
      if (interface && *interface)
        gloo_options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(interface));
      else if (is_loopback(o.master_addr))
        gloo_options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
      else
        gloo_options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
      gloo_options->threads = 2;
      impl.gloo = c10::make_intrusive<c10d::ProcessGroupGloo>(group_store, o.rank, o.world_size, gloo_options);
    }
#endif
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(msg::Training::dist_communication_failed, 0, first_line(e.what()));
  }

  // The heartbeat has its own connection: the training thread may be inside a long store call.
  impl.heartbeat = std::thread([&impl, o] {
    try {
      c10d::TCPStoreOptions beat_options;
      beat_options.port = static_cast<std::uint16_t>(o.master_port);
      beat_options.waitWorkers = false;
      beat_options.timeout = milliseconds(10000);
      c10d::TCPStore beat_store(o.master_addr, beat_options);
      std::unique_lock<std::mutex> lock(impl.mutex);
      while (!impl.stopping) {
        lock.unlock();
        beat_store.add(key_of("beat", o.rank), 1);
        lock.lock();
        impl.wake.wait_for(lock, milliseconds(400), [&] { return impl.stopping; });
      }
    } catch (...) {
      // The master is gone: the training thread finds out at its next collective and names it.
    }
  });
  world->set_step(0);
  return world;
}

std::string World::backend_name() const {
#ifdef USE_C10D_NCCL
  if (impl_->nccl) return "NCCL";
#endif
#ifdef USE_C10D_GLOO
  if (impl_->gloo) return "Gloo";
#endif
  return "none";
}

c10::Device World::communication_device() const {
  return impl_->on_gpu ? c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(options_.local_rank))
                       : c10::Device(c10::kCPU);
}

void World::set_step(int64_t step) {
  step_ = step;
  note_progress();
  if (size() > 1) hang_here_for_tests(rank(), step + 1);
}

// Before each collective: where this rank is, so a rank stuck in one can name the rank that never came.
void World::note_progress() {
  if (!impl_->store) return;
  try {
    impl_->store->set(key_of("step", rank()), store_bytes(std::to_string(step_) + " " + std::to_string(impl_->collectives)));
  } catch (const std::exception& e) {
    raise_peer_failure(e);
  }
}

void World::broadcast(std::vector<at::Tensor>& tensors, int root) {
  if (size() == 1 || tensors.empty()) return;
  try {
    ++impl_->collectives;
    note_progress();
    c10d::BroadcastOptions options;
    options.rootRank = root;
    // One flat buffer per dtype: c10d broadcasts a list only of equal shapes, and one message is faster.
    at::NoGradGuard no_grad;
    std::map<at::ScalarType, std::vector<size_t>> by_dtype;
    for (size_t i = 0; i < tensors.size(); ++i) by_dtype[tensors[i].scalar_type()].push_back(i);
    for (const auto& [dtype, indices] : by_dtype) {
      std::vector<at::Tensor> parts;
      for (size_t i : indices) parts.push_back(tensors[i].reshape({-1}).to(communication_device()));
      std::vector<at::Tensor> flat{at::cat(parts)};
      impl_->run([&](auto& group) { return group.broadcast(flat, options); })->wait();
      int64_t offset = 0;
      for (size_t i : indices) {
        const int64_t n = tensors[i].numel();
        tensors[i].copy_(flat[0].narrow(0, offset, n).view(tensors[i].sizes()));
        offset += n;
      }
    }
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    raise_peer_failure(e);
  }
}

World::PendingSum World::all_reduce_sum_async(at::Tensor& tensor) {
  auto pending = std::make_unique<PendingSum::Impl>();
  pending->world = this;
  if (size() > 1) {
    try {
      ++impl_->collectives;
      note_progress();
      std::vector<at::Tensor> tensors{tensor};
      c10d::AllreduceOptions options;
      options.reduceOp = c10d::ReduceOp::SUM;
      pending->work = impl_->run([&](auto& group) { return group.allreduce(tensors, options); });
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      raise_peer_failure(e);
    }
  }
  return PendingSum(std::move(pending));
}

void World::all_reduce_sum(std::vector<at::Tensor>& tensors) {
  if (size() == 1) return;
  for (auto& t : tensors) {
    at::Tensor staged = t.to(communication_device()).contiguous();
    all_reduce_sum_async(staged).wait();
    if (!staged.is_same(t)) {
      at::NoGradGuard no_grad;
      t.copy_(staged);
    }
  }
}

bool World::any(bool flag) {
  if (size() == 1) return flag;
  std::vector<at::Tensor> t{at::full({1}, flag ? 1.0 : 0.0, at::kDouble)};
  all_reduce_sum(t);
  return t[0].item<double>() > 0;
}

void World::barrier() {
  if (size() == 1) return;
  // An all-reduce rather than c10d's barrier: it has the collectives' timeout and error path.
  any(false);
}

void World::check_same(const Message& what, const std::string& digest) {
  if (size() == 1) return;
  const std::string tag = std::to_string(impl_->collectives++);  // the same on every rank at this point
  const auto deadline = std::chrono::steady_clock::now() + as_milliseconds(options_.timeout_seconds);
  try {
    impl_->store->set(key("digest/") + tag + "/" + std::to_string(rank()), store_bytes(digest));
    std::vector<std::string> digests(size());
    for (int r = 0; r < size(); ++r) {
      const std::string digest_key = key("digest/") + tag + "/" + std::to_string(r);
      while (!impl_->store->check({digest_key})) {
        // A rank that failed before getting here (bad dataset, no model) has left its message.
        if (impl_->store->check({key_of("failed", r)})) {
          const std::string message = store_text(impl_->store->get(key_of("failed", r)));
          impl_->store->add(key("failure_seen"), 1);
          peer_failed_ = true;
          throw Error(msg::Training::dist_rank_failed, r, message);
        }
        if (std::chrono::steady_clock::now() > deadline) {
          peer_failed_ = true;
          throw Error(msg::Training::dist_rank_hung, r, step_ + 1, seconds_text(options_.timeout_seconds), step_ + 1);
        }
        std::this_thread::sleep_for(milliseconds(20));
      }
      digests[r] = store_text(impl_->store->get(digest_key));
    }
    // Rank 0 hosts the store: it leaves this check (and, when the digests differ, the process) only once
    // every rank has read them, or a rank that is slower to read would see the store gone instead of
    // the difference.
    const std::string read_key = key("digest/") + tag + "/read";
    impl_->store->add(read_key, 1);
    if (rank() == 0)
      while (impl_->store->add(read_key, 0) < size() && std::chrono::steady_clock::now() < deadline) {
        bool any_failed = false;
        for (int r = 1; r < size() && !any_failed; ++r) any_failed = impl_->store->check({key_of("failed", r)});
        if (any_failed) break;
        std::this_thread::sleep_for(milliseconds(20));
      }
    for (int r = 1; r < size(); ++r)
      if (digests[r] != digests[0]) {
        peer_failed_ = true;  // every rank raises this itself: nothing to report to the others
        throw Error(msg::Training::dist_settings_differ, r, what, digests[r], digests[0]);
      }
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    raise_peer_failure(e);
  }
}

void World::report_failure(const std::string& english_message) noexcept {
  if (size() == 1 || peer_failed_ || !impl_->store) return;
  try {
    impl_->store->set(key_of("failed", rank()), store_bytes(english_message));
  } catch (...) {
    return;
  }
  // Closing the connections makes the others' collectives fail now, not at the timeout.
  impl_->stop_heartbeat();
  try {
    impl_->close_group();
  } catch (...) {
  }
  if (!is_main() || options_.join_existing_store) return;
  // Rank 0 hosts the store: keep it up until the others have read why (or a while).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  try {
    while (impl_->store->add(key("failure_seen"), 0) < size() - 1 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(milliseconds(50));
  } catch (...) {
  }
}

void World::raise_peer_failure(const std::exception& cause) {
  peer_failed_ = true;
  const std::string cause_text = first_line(cause.what());
  const std::string step_text = std::to_string(step_ + 1);
  try {
    impl_->store->setTimeout(milliseconds(5000));
    // A rank that failed on its own left its message.
    for (int r = 0; r < size(); ++r) {
      if (r == rank() || !impl_->store->check({key_of("failed", r)})) continue;
      const std::string message = store_text(impl_->store->get(key_of("failed", r)));
      impl_->store->add(key("failure_seen"), 1);
      throw Error(msg::Training::dist_rank_failed, r, message);
    }
    // A rank whose heartbeat stopped is dead or frozen.
    auto beats = [&] {
      std::vector<int64_t> out(size());
      for (int r = 0; r < size(); ++r) out[r] = impl_->store->add(key_of("beat", r), 0);
      return out;
    };
    const std::vector<int64_t> before = beats();
    std::this_thread::sleep_for(milliseconds(2000));
    const std::vector<int64_t> after = beats();
    for (int r = 0; r < size(); ++r)
      if (r != rank() && after[r] == before[r]) throw Error(msg::Training::dist_rank_stopped, r, step_text);
    // A live rank that has not reached this collective is hung (or far behind).
    std::istringstream mine(store_text(impl_->store->get(key_of("step", rank()))));
    for (int r = 0; r < size(); ++r) {
      if (r == rank()) continue;
      std::istringstream theirs(store_text(impl_->store->get(key_of("step", r))));
      int64_t their_step = 0, their_collectives = 0;
      theirs >> their_step >> their_collectives;
      if (their_collectives < impl_->collectives || their_step < step_)
        throw Error(msg::Training::dist_rank_hung, r, step_text, seconds_text(options_.timeout_seconds),
                    std::to_string(their_step + 1));
    }
  } catch (const Error&) {
    throw;
  } catch (const std::exception&) {
    // The store itself is unreachable: whoever hosts it (rank 0, or torchrun's agent) is gone.
    if (options_.join_existing_store) throw Error(msg::Training::dist_agent_store_gone, options_.master_addr, step_text);
    if (!is_main()) throw Error(msg::Training::dist_master_gone, options_.master_addr, step_text);
  }
  throw Error(msg::Training::dist_communication_failed, step_text, cause_text);
}

// FNV-1a, 64 bits: a stable digest of our own (no dependency), enough to tell inputs apart.
namespace {
struct Fnv {
  uint64_t h = 1469598103934665603ULL;
  void add(const void* data, size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < n; ++i) {
      h ^= p[i];
      h *= 1099511628211ULL;
    }
  }
  void add(const std::string& s) {
    add(s.data(), s.size());
    const char end = 0;
    add(&end, 1);
  }
  std::string hex() const {
    char buffer[17];
    std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(h));
    return buffer;
  }
};
}  // namespace

std::string digest_bytes(const std::string& bytes) {
  Fnv f;
  f.add(bytes);
  return f.hex();
}

std::string digest_model_folder(const std::string& model_dir) {
  Fnv f;
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(model_dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name == "config.json" || entry.path().extension() == ".safetensors") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    const uint64_t size = fs::file_size(path, ec);
    f.add(path.filename().string());
    f.add(&size, sizeof size);
    if (path.extension() != ".safetensors") {
      std::ostringstream text;
      text << in.rdbuf();
      f.add(text.str());
      continue;
    }
    // The header (names, dtypes, shapes, offsets) and 16 samples of 4 KiB spread over the weights.
    std::string chunk(4096, '\0');
    uint64_t header = 0;
    in.read(reinterpret_cast<char*>(&header), 8);
    header = std::min<uint64_t>(header, 100u << 20);
    std::string header_text(static_cast<size_t>(header), '\0');
    in.read(header_text.data(), static_cast<std::streamsize>(header));
    f.add(header_text);
    for (uint64_t i = 0; i < 16 && size > 0; ++i) {
      in.clear();
      in.seekg(static_cast<std::streamoff>(size / 16 * i));
      in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      f.add(chunk.data(), static_cast<size_t>(in.gcount()));
    }
  }
  return f.hex();
}

}  // namespace lora::dist
