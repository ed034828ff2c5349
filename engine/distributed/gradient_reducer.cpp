#include "gradient_reducer.h"

#include <ATen/ATen.h>

#include <cstdlib>
#include <optional>

#include "world.h"

namespace lora::dist {

namespace {

struct Bucket {
  std::vector<size_t> params;   // indices into Impl::params
  std::vector<int64_t> offsets;  // element offset of each in `flat`
  at::Tensor flat;               // fp32 on the communication device
  size_t ready = 0;
  bool started = false;
  std::optional<World::PendingSum> pending;
};

}  // namespace

struct GradientReducer::Impl {
  World* world = nullptr;
  std::vector<std::pair<std::string, at::Tensor>> params;
  std::vector<Bucket> buckets;
  std::vector<size_t> bucket_of;     // per parameter
  std::vector<size_t> slot_of;       // its position inside the bucket
  std::vector<bool> param_ready;
  std::vector<int> hook_handles;     // per parameter (-1: none)
  size_t next_to_start = 0;
  size_t started_early = 0;
  bool armed = false;

  void fill(size_t p, const at::Tensor& local_total) {
    Bucket& b = buckets[bucket_of[p]];
    const size_t slot = slot_of[p];
    const int64_t n = params[p].second.numel();
    at::Tensor view = b.flat.narrow(0, b.offsets[slot], n);
    if (local_total.defined())
      view.copy_(local_total.reshape({-1}), /*non_blocking=*/true);
    else
      view.zero_();
  }

  // Buckets start strictly in index order: every rank launches the same collectives in the same order.
  void start_ready_buckets() {
    while (next_to_start < buckets.size() && buckets[next_to_start].ready == buckets[next_to_start].params.size()) {
      Bucket& b = buckets[next_to_start++];
      b.started = true;
      b.pending.emplace(world->all_reduce_sum_async(b.flat));
    }
  }
};

int64_t default_bucket_bytes() {
  if (const char* bytes = std::getenv("LORA_STUDIO_DIST_BUCKET_BYTES")) {
    const long long value = std::atoll(bytes);
    if (value > 0) return value;
  }
  return 25ll << 20;
}

GradientReducer::GradientReducer(World& world, std::vector<std::pair<std::string, at::Tensor>> params,
                                 int64_t bucket_bytes, bool overlap)
    : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.world = &world;
  m.params = std::move(params);
  const size_t n = m.params.size();
  m.bucket_of.assign(n, 0);
  m.slot_of.assign(n, 0);
  m.param_ready.assign(n, false);
  m.hook_handles.assign(n, -1);
  // Reverse order: the last layers' gradients come first in backward.
  int64_t bytes = 0;
  for (size_t k = n; k-- > 0;) {
    const int64_t size = m.params[k].second.numel() * 4;
    if (m.buckets.empty() || (bytes > 0 && bytes + size > bucket_bytes)) {
      m.buckets.emplace_back();
      bytes = 0;
    }
    Bucket& b = m.buckets.back();
    m.bucket_of[k] = m.buckets.size() - 1;
    m.slot_of[k] = b.params.size();
    b.offsets.push_back(b.params.empty() ? 0 : b.offsets.back() + m.params[b.params.back()].second.numel());
    b.params.push_back(k);
    bytes += size;
  }
  for (Bucket& b : m.buckets) {
    const int64_t total = b.offsets.back() + m.params[b.params.back()].second.numel();
    b.flat = at::zeros({total}, at::TensorOptions().dtype(at::kFloat).device(world.communication_device()));
  }
  if (!overlap || world.size() == 1) return;
  for (size_t k = 0; k < n; ++k) {
    at::Tensor& param = m.params[k].second;
    if (!param.requires_grad()) continue;
    Impl* impl = &m;
    m.hook_handles[k] = static_cast<int>(param.register_hook([impl, k](const at::Tensor& grad) {
      if (!impl->armed || impl->param_ready[k]) return;
      // The hook sees this backward's gradient before it is added to .grad: the local sum of the
      // step is .grad (earlier micro-batches) plus it.
      const at::Tensor& earlier = impl->params[k].second.grad();
      impl->fill(k, earlier.defined() ? earlier + grad : grad);
      impl->param_ready[k] = true;
      ++impl->buckets[impl->bucket_of[k]].ready;
      const size_t before = impl->next_to_start;
      impl->start_ready_buckets();
      impl->started_early += impl->next_to_start - before;
    }));
  }
}

GradientReducer::~GradientReducer() {
  for (size_t k = 0; k < impl_->params.size(); ++k)
    if (impl_->hook_handles[k] >= 0) {
      try {
        impl_->params[k].second.remove_hook(static_cast<unsigned>(impl_->hook_handles[k]));
      } catch (...) {
      }
    }
}

void GradientReducer::arm() {
  impl_->armed = true;
  impl_->started_early = 0;
}

void GradientReducer::finish() {
  Impl& m = *impl_;
  m.armed = false;
  if (m.world->size() > 1) {
    // Parameters without a hook call this step (no micro-batch on this rank, or no gradient): their
    // local sum is .grad as it stands (or zero).
    for (size_t k = 0; k < m.params.size(); ++k) {
      if (m.param_ready[k]) continue;
      m.fill(k, m.params[k].second.grad());
      m.param_ready[k] = true;
      ++m.buckets[m.bucket_of[k]].ready;
    }
    m.start_ready_buckets();
    at::NoGradGuard no_grad;
    for (Bucket& b : m.buckets) {
      b.pending->wait();
      b.pending.reset();
      for (size_t slot = 0; slot < b.params.size(); ++slot) {
        at::Tensor& param = m.params[b.params[slot]].second;
        const at::Tensor summed = b.flat.narrow(0, b.offsets[slot], param.numel()).view(param.sizes());
        if (param.grad().defined())
          param.mutable_grad().copy_(summed);
        else
          param.mutable_grad() = summed.to(param.device()).clone();
      }
    }
  }
  for (Bucket& b : m.buckets) {
    b.ready = 0;
    b.started = false;
  }
  std::fill(m.param_ready.begin(), m.param_ready.end(), false);
  m.next_to_start = 0;
}

size_t GradientReducer::bucket_count() const { return impl_->buckets.size(); }

size_t GradientReducer::started_during_backward() const { return impl_->started_early; }

}  // namespace lora::dist
