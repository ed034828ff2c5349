#pragma once
// Sums the LoRA gradients over the ranks of a World, in buckets (as PyTorch's DistributedDataParallel):
// parameters are grouped in reverse order (the order backward produces them) into buckets of about
// `bucket_bytes`. With overlap, each bucket's all-reduce starts from a gradient hook as soon as the
// rank's last backward of the step has produced every gradient in it, while backward goes on with the
// layers below; the buckets start in the same order on every rank, as the collectives require.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace lora::dist {

class World;

class GradientReducer {
 public:
  // `overlap`: start buckets from gradient hooks during backward (each parameter's hook must fire once
  // per backward: off with gradient checkpointing, whose recomputation runs nested backwards).
  GradientReducer(World& world, std::vector<std::pair<std::string, at::Tensor>> params, int64_t bucket_bytes,
                  bool overlap);
  ~GradientReducer();
  GradientReducer(const GradientReducer&) = delete;
  GradientReducer& operator=(const GradientReducer&) = delete;

  // Call right before the backward of this rank's last micro-batch of the step.
  void arm();
  // After the rank's last backward (or none, when it had no micro-batch this step): starts the buckets not
  // started yet, waits for all and leaves the sum over the ranks in each parameter's grad.
  void finish();

  size_t bucket_count() const;
  // Buckets whose all-reduce started during backward in the last step (for tests and the log).
  size_t started_during_backward() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The bucket size PyTorch's DDP uses, unless LORA_STUDIO_DIST_BUCKET_BYTES says otherwise (tests use a
// small one to have several buckets on a tiny model).
int64_t default_bucket_bytes();

}  // namespace lora::dist
