#pragma once
// Every setting of a LoRA training run, with defaults that follow text-generation-webui's where
// they are sound. Saved beside the adapter as training_parameters.json and read back by
// `--config`, "copy parameters from" and resume.
#include <cstdint>
#include <string>
#include <vector>

#include "tokenized_dataset.h"

namespace lora {

struct TrainingSettings {
  // What to train on and where to write.
  std::string model_dir;
  std::string dataset_path;
  std::string eval_dataset_path;        // "" = split off eval_split of the training set
  std::string output_dir;
  std::string format = "alpaca-format";  // a built-in format name or a format file
  std::string chat_template;             // for conversations: "" / "model" = the model's own, or a built-in name
  std::string init_adapter;             // start LoRA A/B from this adapter (its r, alpha, targets)

  // LoRA.
  std::vector<std::string> target_modules = {"q_proj", "v_proj"};  // or {"all-linear"}
  int64_t rank = 32;
  double alpha = 64;
  double dropout = 0.05;
  bool use_rslora = false;
  bool use_dora = false;          // DoRA (PEFT's use_dora): a trained magnitude per output row
  double lora_plus_ratio = 1.0;   // LoRA+: lora_B trains at this multiple of the learning rate (1 = plain LoRA)

  // Schedule.
  int64_t epochs = 3;
  int64_t max_steps = 0;  // > 0 overrides epochs
  double learning_rate = 3e-4;
  std::string scheduler = "linear";
  int64_t warmup_steps = 0;

  // Optimizer.
  std::string optimizer = "adamw_torch";
  double weight_decay = 0.0;
  double adam_beta1 = 0.9;
  double adam_beta2 = 0.999;
  double adam_epsilon = 1e-8;
  double max_grad_norm = 1.0;  // 0 = no clipping

  // Batches and data.
  int64_t micro_batch_size = 4;
  int64_t batch_size = 16;  // gradient accumulation = batch_size / micro_batch_size
  int64_t cutoff_len = 256;
  bool drop_long = false;  // drop records longer than cutoff_len instead of truncating them
  bool train_on_prompt = false;
  bool add_eos = true;
  bool skip_bad_records = false;
  bool group_by_length = true;
  int64_t raw_text_overlap = 128;

  // Evaluation, saving, stopping.
  double eval_split = 0.0;  // fraction of the training set held out
  int64_t eval_every = 0;   // steps; 0 = only at the end when there is an eval set
  int64_t eval_samples = 3;         // eval prompts answered greedily at each evaluation; 0 = off
  int64_t eval_sample_tokens = 64;  // most new tokens of each of those answers
  int64_t save_every = 0;   // steps; 0 = only the final adapter
  int64_t log_every = 1;
  double stop_at_loss = 0.0;  // 0 = off
  uint64_t seed = 42;

  // Compute.
  std::string device = "auto";
  std::string precision = "auto";  // "auto" | "float32" | "bfloat16" | "float16"
  bool gradient_checkpointing = false;
  std::string quantize = "none";  // frozen decoder weights: "none" | "nf4" | "int8" (QLoRA)
  bool double_quant = false;      // nf4 only: the absmax values quantized again (bitsandbytes' double quantization)
  int threads = 0;

  // Throws lora::Error naming the first invalid setting and what it accepts.
  void validate() const;
  int64_t gradient_accumulation() const { return batch_size / micro_batch_size; }
};

std::string training_settings_to_json(const TrainingSettings& settings);
// Reads a training_parameters.json / --config file; unknown keys are an error (a typo must not be ignored).
// Keys absent from the file keep the values of `defaults`.
TrainingSettings training_settings_from_json(const std::string& json_text, const std::string& source,
                                             const TrainingSettings& defaults = {});

// The dataset options a run with `settings` uses (format, cutoff, EOS, ...): a set tokenized with
// them holds exactly the examples the trainer sees. Validated.
DatasetOptions dataset_options_for(const TrainingSettings& settings);

}  // namespace lora
