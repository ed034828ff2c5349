#pragma once
// A base model with a PEFT LoRA adapter merged in, tensor by tensor, without writing a folder:
// for exporters that stream the merged weights into another format (GGUF). Same planning and
// checks as merge_adapter (adapter_merge.h): shapes, targets, tied heads; each tensor is computed
// only when asked for (W + scaling·B·A in fp32), so memory holds one tensor, not the model.
#include <ATen/core/Tensor.h>

#include <memory>
#include <string>
#include <vector>

#include "message.h"
#include "model_config.h"
#include "model_family.h"

namespace lora {

class MergedWeights {
 public:
  // Throws lora::Error as merge_adapter does for a bad model or adapter folder.
  static std::unique_ptr<MergedWeights> open(const std::string& model_dir, const std::string& adapter_dir);
  ~MergedWeights();

  const ModelConfig& config() const;
  const WeightLayout& layout() const;
  // The merged checkpoint's tensor names, in state-dict order (an untied head last).
  std::vector<std::string> names() const;
  std::vector<int64_t> shape(const std::string& name) const;
  // The tensor with its delta added, in float32 (a CPU tensor of its own).
  at::Tensor tensor(const std::string& name) const;
  // True when the adapter changed lm_head of a tied model: the merged model has its own head.
  bool untied_lm_head() const;
  int64_t merged_modules() const;
  // The chat template the adapter was trained with (training_prompt.json), or "".
  const std::string& trained_chat_template() const;

 private:
  MergedWeights();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lora
