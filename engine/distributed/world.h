#pragma once
// A data-parallel world over PyTorch's own distributed engine (c10d): a TCPStore rendezvous hosted by
// rank 0, a ProcessGroupGloo between CPU processes (ProcessGroupNCCL between GPUs where the build has
// it), and the few collectives training needs. A failed collective becomes a lora::Error that names the
// rank at fault: each rank keeps a heartbeat and its step in the store, and a rank that fails on its own
// leaves its message there, so the others can tell a dead, a frozen, a lagging and a failed rank apart.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "message.h"

namespace lora::dist {

struct WorldOptions {
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;  // the GPU of this rank on its machine (cuda:local_rank)
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
  double timeout_seconds = 600;  // rendezvous and every collective
  // Under torchrun (TORCHELASTIC_USE_AGENT_STORE=True) its agent already hosts the store on MASTER_PORT:
  // every rank, rank 0 included, joins it as a client, under a prefix of its own per restart
  // ("/worker/attempt_N/", as torch.distributed's env:// rendezvous).
  bool join_existing_store = false;
  std::string key_prefix = "lora/";
};

// The torchrun environment (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT): nullopt when
// WORLD_SIZE is not set. Throws lora::Error naming a variable with an invalid value.
std::optional<WorldOptions> world_options_from_environment();

// Whether this build can run a world of several processes on `device_type` ("cpu" or "cuda").
bool backend_available(const std::string& device_type);

class World {
 public:
  // Joins the run: rank 0 hosts the rendezvous, every rank waits for all the others (options.timeout_seconds).
  // `device_type` "cuda" uses NCCL where the build has it, Gloo otherwise. Throws lora::Error for a port
  // in use, an unreachable master (naming the address and why: unknown host, no connection, not a store),
  // a missing rank or a rank claimed twice.
  static std::unique_ptr<World> join(const WorldOptions& options, const std::string& device_type);
  ~World();

  int rank() const { return options_.rank; }
  int size() const { return options_.world_size; }
  bool is_main() const { return options_.rank == 0; }
  std::string backend_name() const;
  const WorldOptions& options() const { return options_; }
  // Where tensors handed to the collectives must live (the GPU for NCCL, else the CPU).
  c10::Device communication_device() const;

  // The step this rank is working on, kept in the store for diagnosing a hang.
  void set_step(int64_t step);
  int64_t step() const { return step_; }

  // In-place collectives; a failure throws lora::Error naming the rank at fault.
  void broadcast(std::vector<at::Tensor>& tensors, int root = 0);
  void all_reduce_sum(std::vector<at::Tensor>& tensors);
  // Starts summing `tensor` over the ranks; wait() completes it (in launch order, as the ranks agree).
  class PendingSum {
   public:
    void wait();
    ~PendingSum();
    PendingSum(PendingSum&&) noexcept;

   private:
    friend class World;
    struct Impl;
    explicit PendingSum(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
  };
  PendingSum all_reduce_sum_async(at::Tensor& tensor);
  bool any(bool flag);  // true on every rank when it is true on one
  void barrier();

  // Every rank gives a digest of `what` (one of the dist_what_* messages); throws on every rank, naming
  // the first rank whose digest differs from rank 0's.
  void check_same(const Message& what, const std::string& digest);

  // This rank failed on its own (bad data, disk full): leaves the message for the others and closes the
  // connections so they stop at once instead of at the timeout. Call before rethrowing.
  void report_failure(const std::string& english_message) noexcept;
  // Set once a collective failed because of another rank (then report_failure adds nothing).
  bool peer_failed() const { return peer_failed_; }

 private:
  struct Impl;
  explicit World(WorldOptions options);
  [[noreturn]] void raise_peer_failure(const std::exception& cause);
  void note_progress();
  WorldOptions options_;
  std::unique_ptr<Impl> impl_;
  int64_t step_ = 0;
  bool peer_failed_ = false;
};

// A short, stable digest (FNV-1a 64, hex) of bytes, and of a model folder (config.json, the safetensors
// headers and samples of the weights: cheap for a 14 GB model, yet different for a different checkpoint).
std::string digest_bytes(const std::string& bytes);
std::string digest_model_folder(const std::string& model_dir);

}  // namespace lora::dist
