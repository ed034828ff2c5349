#include "gradient_checkpoint.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/custom_function.h>
#include <torch/csrc/autograd/autograd.h>

#include <mutex>

namespace lora {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// What the backward pass needs besides tensors: the block and the generator state it ran with.
struct Recompute : torch::CustomClassHolder {
  std::function<at::Tensor(const at::Tensor&)> block;
  c10::Device device = c10::Device(c10::kCPU);
  at::Tensor rng_state;
};

at::Generator generator_for(c10::Device device) { return at::globalContext().defaultGenerator(device); }

at::Tensor generator_state(c10::Device device) {
  at::Generator gen = generator_for(device);
  std::lock_guard<std::mutex> lock(gen.mutex());
  return gen.get_state();
}

void set_generator_state(c10::Device device, const at::Tensor& state) {
  at::Generator gen = generator_for(device);
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_state(state);
}

struct CheckpointFunction : public torch::autograd::Function<CheckpointFunction> {
  static variable_list forward(AutogradContext* ctx, const at::Tensor& input, at::TensorList params,
                               c10::intrusive_ptr<Recompute> recompute) {
    recompute->rng_state = generator_state(recompute->device);
    at::Tensor output;
    {
      at::NoGradGuard no_grad;
      output = recompute->block(input);
    }
    ctx->save_for_backward({input});
    ctx->saved_data["recompute"] = c10::IValue::make_capsule(recompute);
    ctx->saved_data["num_params"] = static_cast<int64_t>(params.size());
    std::vector<at::Tensor> kept(params.begin(), params.end());
    ctx->saved_data["params"] = at::IValue(c10::List<at::Tensor>(kept));
    return {output};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    auto recompute = c10::static_intrusive_pointer_cast<Recompute>(ctx->saved_data["recompute"].toCapsule());
    const at::Tensor input = ctx->get_saved_variables()[0].detach().requires_grad_(true);
    const auto params_list = ctx->saved_data["params"].toTensorList();
    std::vector<at::Tensor> params(params_list.begin(), params_list.end());

    // Replay the forward with the same dropout masks, then put the generator back where it was.
    const at::Tensor current_state = generator_state(recompute->device);
    set_generator_state(recompute->device, recompute->rng_state);
    at::Tensor output;
    {
      at::AutoGradMode grad(true);
      output = recompute->block(input);
    }
    set_generator_state(recompute->device, current_state);

    std::vector<at::Tensor> wrt = {input};
    wrt.insert(wrt.end(), params.begin(), params.end());
    variable_list grads = torch::autograd::grad({output}, wrt, {grad_outputs[0]}, /*retain_graph=*/false,
                                                /*create_graph=*/false, /*allow_unused=*/true);
    grads.push_back(at::Tensor());  // for the Recompute argument
    return grads;
  }
};

}  // namespace

at::Tensor checkpointed_block(std::function<at::Tensor(const at::Tensor&)> block, const at::Tensor& input,
                              const std::vector<at::Tensor>& params) {
  auto recompute = c10::make_intrusive<Recompute>();
  recompute->block = std::move(block);
  recompute->device = input.device();
  return CheckpointFunction::apply(input, at::TensorList(params), recompute)[0];
}

}  // namespace lora
