#pragma once
// Engine helpers the model tests share: the fp32 CPU engine the references are compared with, and
// adapters whose factors are all nonzero. Include it where <ATen/ATen.h> comes first, before Qt's
// headers (Qt's `slots` macro breaks ATen's headers).
#include <ATen/ATen.h>

#include <cstdint>
#include <string>

#include "causal_lm.h"
#include "lora_adapter.h"
#include "model_adapter.h"

namespace test_support {

// float32 on the CPU with `threads` threads (0 = every core).
inline lora::ComputeOptions fp32_cpu(int threads = 1) {
  lora::ComputeOptions options;
  options.device = "cpu";
  options.dtype = "float32";
  options.threads = threads;
  return options;
}

// An adapter for the model in model_dir, saved to adapter_dir, with nonzero factors everywhere it targets
// (PEFT starts lora_B at zero): created with `create_seed`, then every lora_B drawn from N(0, factor_std²)
// by a generator seeded with `factor_seed`. The model is loaded with `compute`.
inline void write_random_adapter(const std::string& model_dir, const std::string& adapter_dir,
                                 const lora::LoraConfig& config, uint64_t create_seed, uint64_t factor_seed,
                                 double factor_std, const lora::ComputeOptions& compute) {
  auto model = lora::CausalLM::load(model_dir, compute);
  auto adapter = lora::ModelAdapter::create(*model, config, create_seed);
  {
    at::NoGradGuard no_grad;
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(factor_seed);
    for (const auto& [key, tensor] : adapter->parameters())
      if (key.find("lora_B") != std::string::npos) tensor.normal_(0.0, factor_std, generator);
  }
  adapter->save(adapter_dir);
}

}  // namespace test_support
