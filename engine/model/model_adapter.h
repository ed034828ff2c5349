#pragma once
// A PEFT LoRA adapter on a loaded CausalLM: read from a folder (adapter_config.json +
// adapter_model.safetensors) or created fresh for training, switched on and off at run time, saved
// as PEFT writes it. The model only runs its layers (each LoraLinear carries its factors); which
// layers an adapter targets, its keys, its initialisation and its files live here, apart from the
// model, as torchtune and llama.cpp keep them.
#include <ATen/core/Tensor.h>
#include <c10/core/ScalarType.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "lora_adapter.h"

namespace lora {

class CausalLM;
class LoraLinear;

// One adapter per model at a time: attaching one (load or create) first takes every LoRA factor out
// of the model's layers, so an older ModelAdapter of the same model is then no longer attached.
// Destroying an adapter detaches it; the model may go first (the adapter then holds nothing).
class ModelAdapter {
 public:
  // Loads an adapter folder onto the model's linear layers. Throws lora::Error naming the key for
  // missing/mis-shaped/unexpected tensors, and when the adapter's target_modules select no linear
  // layer of this model (or a module that is not linear); the model is left as it was then.
  // Factors written under the family's other layout (PEFT on another transformers version) are
  // moved to this model's paths; factors of a part that is not the language model are left out.
  // Loaded factors are fp32 with requires_grad false.
  static std::unique_ptr<ModelAdapter> load(CausalLM& model, const std::string& adapter_dir);
  // A new adapter initialised as PEFT does (lora_A kaiming-uniform = U(±1/sqrt(in)), lora_B zeros),
  // from a seeded generator: same seed, same weights. Factors fp32, requires_grad true. Target names
  // of layers the family has fused become the fused layer's name (Phi-3: q_proj → qkv_proj,
  // gate_proj → gate_up_proj), and config() records the names used.
  static std::unique_ptr<ModelAdapter> create(CausalLM& model, const LoraConfig& config, uint64_t seed);

  ~ModelAdapter();
  ModelAdapter(const ModelAdapter&) = delete;
  ModelAdapter& operator=(const ModelAdapter&) = delete;

  // Takes this adapter's factors out of the layers (unmerging merged ones): the base model again.
  void detach();
  // False after detach() or once another adapter was attached to the model.
  bool attached() const;

  const LoraConfig& config() const { return config_; }
  // The live fp32 factors under PEFT keys ("base_model.model.<path>.lora_A.weight"), in module
  // order, each module's DoRA magnitude after its pair ("<path>.lora_magnitude_vector"): these are
  // the tensors an optimizer updates. Empty when not attached.
  std::vector<std::pair<std::string, at::Tensor>> parameters() const;
  // Switches the adapter at run time without reloading the base weights.
  void set_enabled(bool enabled);
  bool enabled() const;  // attached and switched on
  void set_trainable(bool trainable);
  // Turns a plain LoRA adapter into DoRA (train --dora --init-adapter <plain LoRA>): each layer's
  // magnitude starts, as PEFT's, at the row norms of W + scaling·B·A, trainable as its factors are;
  // config().use_dora becomes true. Layers that already have one keep it.
  void enable_dora();
  // Writes adapter_config.json (base_model_name_or_path = the model folder unless the config sets
  // one) and adapter_model.safetensors with PEFT keys, in `dtype` (default fp32). Throws lora::Error
  // when not attached.
  void save(const std::string& adapter_dir, c10::ScalarType dtype = c10::kFloat) const;

 private:
  struct Layer {
    std::string path;
    std::weak_ptr<LoraLinear> linear;  // weak: the adapter never keeps an unloaded model's weights alive
    at::Tensor lora_A;                 // tells this adapter's factors from a later adapter's
  };
  ModelAdapter(LoraConfig config, std::string model_dir, std::vector<Layer> layers);
  // The layer while it still holds this adapter's factors, else nullptr.
  std::shared_ptr<LoraLinear> holding(const Layer& layer) const;

  LoraConfig config_;
  std::string model_dir_;
  std::vector<Layer> layers_;
  bool enabled_ = true;
};

}  // namespace lora
