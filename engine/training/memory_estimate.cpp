#include "memory_estimate.h"

#include <torch/version.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "checkpoint.h"
#include "device.h"
#include "dtype.h"
#include "lora_adapter.h"
#include "model_messages.h"
#include "model_family.h"
#include "ops.h"
#include "core_messages.h"
#include "error.h"
#include "training_messages.h"

namespace fs = std::filesystem;

namespace lora {

namespace {

// libtorch >= 2.1 trains attention through scaled_dot_product_attention (ops/dispatch.cpp), which
// keeps the output and one log-sum-exp per row instead of the [T, T] probabilities of each head.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 1)
constexpr bool kAttentionKeepsProbabilities = false;
#else
constexpr bool kAttentionKeepsProbabilities = true;
#endif

// Measured on the CPU (docs/PERFORMANCE.md, "Memory pre-flight"): the resident size of a `train`
// process beyond its tensors while it trains (libtorch's code and data, the OpenMP/oneDNN/OpenBLAS
// thread pools and buffers, the tokenizer and dataset), and while it loads (the tokenizer's JSON
// and the dataset's records being parsed, on top).
// (Refitted at 165 MiB once the token embeddings stopped being copied: the 125 MiB fitted before
// had hidden ~40 MiB of runtime behind an embedding table counted whole, of which a step reads a few rows.)
constexpr uint64_t kCpuRuntimeOverhead = 165ull << 20;
constexpr uint64_t kCpuLoadingOverhead = 175ull << 20;
// Activations of a few MB each come from malloc's heap, where the temporaries freed between them
// leave holes that stay resident: fitted on the CPU runs of docs/PERFORMANCE.md (1.15-1.2).
constexpr double kCpuHeapSlack = 1.18;
// On CUDA: the context, cuBLAS's workspaces and the caching allocator's rounding (not calibrated).
constexpr uint64_t kCudaRuntimeOverhead = 600ull << 20;
constexpr double kCudaAllocatorSlack = 1.1;

uint64_t element_bytes(const std::string& dtype) { return dtype == "float32" ? 4 : 2; }

uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

struct Linear {
  enum Group { AttentionIn, AttentionOut, MlpIn, MlpOut } group;
  std::string name;
  int64_t in = 0, out = 0;
  bool bias = false;
};

std::vector<Linear> layer_linears(const ModelConfig& c) {
  const int64_t q_out = c.num_attention_heads * c.head_dim, kv_out = c.num_key_value_heads * c.head_dim;
  std::vector<Linear> linears;
  if (c.fused_qkv) {
    linears.push_back({Linear::AttentionIn, "qkv_proj", c.hidden_size, q_out + 2 * kv_out, c.qkv_bias});
  } else {
    linears.push_back({Linear::AttentionIn, "q_proj", c.hidden_size, q_out, c.qkv_bias});
    linears.push_back({Linear::AttentionIn, "k_proj", c.hidden_size, kv_out, c.qkv_bias});
    linears.push_back({Linear::AttentionIn, "v_proj", c.hidden_size, kv_out, c.qkv_bias});
  }
  linears.push_back({Linear::AttentionOut, "o_proj", q_out, c.hidden_size, c.o_bias});
  if (c.fused_gate_up) {
    linears.push_back({Linear::MlpIn, "gate_up_proj", c.hidden_size, 2 * c.intermediate_size, c.mlp_bias});
  } else {
    linears.push_back({Linear::MlpIn, "gate_proj", c.hidden_size, c.intermediate_size, c.mlp_bias});
    linears.push_back({Linear::MlpIn, "up_proj", c.hidden_size, c.intermediate_size, c.mlp_bias});
  }
  linears.push_back({Linear::MlpOut, "down_proj", c.intermediate_size, c.hidden_size, c.mlp_bias});
  return linears;
}

// The adapter's LoRA settings as ModelAdapter::create applies them (fused names for Phi-3).
LoraConfig lora_config_for(const ModelConfig& model, const TrainingSettings& s) {
  LoraConfig c;
  const bool all_linear =
      std::find(s.target_modules.begin(), s.target_modules.end(), "all-linear") != s.target_modules.end();
  if (all_linear) {
    c.target_modules.is_regex = true;
    c.target_modules.regex = "all-linear";
  } else {
    const ModelFamily* family = find_model_family(model.model_type);
    for (std::string name : s.target_modules) {
      if (family)
        for (const auto& [alias, fused] : family->target_aliases)
          if (name == alias) name = fused;
      if (std::find(c.target_modules.names.begin(), c.target_modules.names.end(), name) == c.target_modules.names.end())
        c.target_modules.names.push_back(name);
    }
  }
  c.r = s.rank;
  c.lora_alpha = s.alpha;
  return c;
}

// Bytes of a frozen decoder linear weight [out, in] as training holds it.
uint64_t linear_weight_bytes(uint64_t out, uint64_t in, const std::string& quantize, bool double_quant,
                             uint64_t element) {
  const uint64_t n = out * in;
  if (quantize == "nf4") {
    const uint64_t blocks = ceil_div(n, 64);
    // Two codes a byte; an fp32 absmax per block of 64, or with double quantization a byte per
    // block plus an fp32 absmax per 256 of them (and their code book and mean).
    const uint64_t absmax = double_quant ? blocks + 4 * ceil_div(blocks, 256) + 256 * 4 + 4 : 4 * blocks;
    return ceil_div(n, 2) + absmax;
  }
  if (quantize == "int8") return n + 4 * out;  // a byte each and an fp32 scale per row
  return n * element;
}

struct Activations {
  uint64_t saved_per_layer = 0;      // what one decoder layer keeps for backward
  uint64_t layer_input = 0;          // its input alone (what gradient checkpointing keeps)
  uint64_t backward_temporaries = 0; // the largest a layer's backward holds at once
};

}  // namespace

MemoryEstimate estimate_training_memory(const ModelShape& model, const TrainingSettings& s, bool on_gpu,
                                        const std::string& compute_dtype,
                                        const std::optional<MemoryAvailable>& available) {
  const ModelConfig& c = model.config;
  MemoryEstimate estimate;
  estimate.on_gpu = on_gpu;
  estimate.compute_dtype = compute_dtype;
  estimate.quantize = s.quantize;
  estimate.micro_batch = s.micro_batch_size;
  estimate.cutoff = s.cutoff_len;
  estimate.gradient_checkpointing = s.gradient_checkpointing;
  estimate.vocab_size = c.vocab_size;
  estimate.available = available;

  const uint64_t e = element_bytes(compute_dtype);
  const uint64_t h = c.hidden_size, inner = c.intermediate_size, layers = c.num_hidden_layers, vocab = c.vocab_size;
  const uint64_t heads = c.num_attention_heads, kv_heads = c.num_key_value_heads, head_dim = c.head_dim;
  const uint64_t batch = std::max<int64_t>(1, s.micro_batch_size), length = std::max<int64_t>(1, s.cutoff_len);
  // Every row as long as the cutoff: the most a micro-batch can hold (padding to its longest row).
  const uint64_t tokens = batch * length;
  // The attention scores a head keeps: the CPU node skips the blocks above the diagonal of plain
  // causal attention; a sliding window's mask (a layer that needs one) and the GPU keep the square.
  bool masked_layers = false;
  for (int64_t layer = 0; layer < c.num_hidden_layers; ++layer)
    masked_layers = masked_layers || (c.layer_is_sliding(layer) && c.sliding_window < static_cast<int64_t>(length));
  const uint64_t scores_per_head = on_gpu || masked_layers
                                       ? length * length
                                       : static_cast<uint64_t>(ops::cpu::causal_attention_score_elements(
                                             length, heads / std::max<uint64_t>(1, kv_heads),
                                             dtype_from_string(compute_dtype, "compute dtype")));

  LoraConfig lora = lora_config_for(c, s);
  if (!s.init_adapter.empty() && fs::exists(fs::path(s.init_adapter) / "adapter_config.json"))
    lora = load_lora_config(s.init_adapter);

  // ---- frozen weights
  uint64_t frozen = 0, largest_linear = 0, trainable = 0, dora_rows = 0, dora_weights = 0, saved_down_projections = 0;
  // Elements per token that DoRA's composed (ATen) branch keeps beyond the fused LoRA node (which
  // QLoRA uses too): the dropout mask and the dropped input, the base and LoRA outputs.
  uint64_t composed_per_token = 0;
  const bool composed_branch = s.use_dora;
  bool attention_in_targeted = false, attention_out_targeted = false, mlp_in_targeted = false,
       mlp_out_targeted = false;
  const std::vector<Linear> linears = layer_linears(c);
  for (uint64_t layer = 0; layer < layers; ++layer) {
    for (const Linear& linear : linears) {
      const uint64_t out = linear.out, in = linear.in;
      frozen += linear_weight_bytes(out, in, s.quantize, s.double_quant, e) + (linear.bias ? out * e : 0);
      largest_linear = std::max(largest_linear, out * in);
      const std::string path = "model.layers." + std::to_string(layer) +
                               (linear.group <= Linear::AttentionOut ? ".self_attn." : ".mlp.") + linear.name;
      if (!lora_targets_module(lora, path)) continue;
      const uint64_t rank = static_cast<uint64_t>(lora_rank_for(lora, path));
      trainable += rank * (in + out);
      dora_rows += out;
      dora_weights += out * in;
      saved_down_projections += rank;
      if (composed_branch && s.dropout > 0) composed_per_token += 2 * in;
      if (s.use_dora) composed_per_token += 2 * out;  // the base output and the LoRA output, for the magnitude's gradient
      (linear.group == Linear::AttentionIn    ? attention_in_targeted
       : linear.group == Linear::AttentionOut ? attention_out_targeted
       : linear.group == Linear::MlpIn        ? mlp_in_targeted
                                              : mlp_out_targeted) = true;
    }
  }
  const uint64_t norms_per_layer = (c.sandwich_norms ? 4 : 2) * h + (c.qk_norm ? 2 * head_dim : 0);
  frozen += layers * norms_per_layer * e + h * e;           // the layers' norms and the final one
  // Embeddings and lm_head, never quantized. On the CPU, embeddings stored in the compute dtype
  // stay in the file's mapping (model/causal_lm.cpp), where only the rows of a batch's tokens are
  // ever read into memory; tied, lm_head reads them all.
  const bool embeddings_in_place = !on_gpu && model.safetensors && model.stored_dtype == compute_dtype;
  frozen += vocab * h * e * (c.tie_word_embeddings ? 1 : (embeddings_in_place ? 1 : 2));
  // Dequantized on the fly: on CUDA one layer's weight at a time in the compute dtype.
  if (s.quantize != "none" && on_gpu) frozen += largest_linear * e;
  estimate.parts.frozen_weights = frozen;

  // ---- the adapter: fp32 masters, their fp32 gradients, the optimizer's state
  const bool adam = s.optimizer.rfind("adamw", 0) == 0;
  if (s.use_dora) trainable += dora_rows;  // a magnitude per output row
  estimate.trainable_parameters = static_cast<int64_t>(trainable);
  estimate.parts.adapter = trainable * 4 * (2 + (adam ? 2 : 1));
  // The factors cast to the compute dtype for the matmuls, kept for backward.
  if (e != 4) estimate.parts.adapter += trainable * e;

  // ---- activations: what one decoder layer keeps for backward (the autograd nodes of ops/)
  Activations a;
  const uint64_t q_width = heads * head_dim, kv_width = kv_heads * head_dim;
  a.layer_input = tokens * h * e;
  uint64_t kept = a.layer_input;                                      // the input norm's input
  kept += tokens * 4 * (c.sandwich_norms ? 4 : 2);                    // an fp32 rstd per row per norm
  if (attention_in_targeted) kept += tokens * h * e;                  // the normed input, once for q, k, v
  if (c.qk_norm) kept += tokens * (q_width + kv_width) * e;           // q/k norms' inputs
  if (kAttentionKeepsProbabilities) {
    kept += tokens * (q_width + kv_width) * e;                        // rotated q and k
    kept += tokens * (c.fused_qkv ? q_width + 2 * kv_width : kv_width) * e;  // v: a view of its projection
    kept += batch * heads * scores_per_head * e;                      // the softmax probabilities
  } else {
    // SDPA keeps q, k and v repeated to every query head, its output and a log-sum-exp per row.
    kept += tokens * q_width * e * 4 + batch * heads * length * 4;
  }
  if (attention_out_targeted) kept += tokens * q_width * e;           // o_proj's input
  kept += tokens * h * e * (c.sandwich_norms ? 3 : 1);                // the residual after attention (+ sandwich norms' inputs)
  if (mlp_in_targeted) kept += tokens * h * e;                        // the normed input, once for gate and up
  const bool gelu = c.hidden_act == "gelu_pytorch_tanh";
  kept += tokens * inner * e * (gelu ? 3 : 2);                        // gate and up (GeGLU: and gelu(gate))
  if (mlp_out_targeted) kept += tokens * inner * e;                   // down_proj's input
  kept += tokens * e * (saved_down_projections / std::max<uint64_t>(layers, 1));  // each LoRA's x·Aᵀ
  kept += tokens * e * (composed_per_token / std::max<uint64_t>(layers, 1));
  a.saved_per_layer = kept;
  // Backward of one layer at its widest: the attention's score gradients (or SDPA's), or the gated
  // product's gradients, beside the gradient flowing down the residual stream.
  const uint64_t attention_backward =
      (kAttentionKeepsProbabilities ? batch * heads * scores_per_head * e : 0) +
      tokens * (2 * q_width + 2 * kv_width) * e;
  const uint64_t mlp_backward = tokens * inner * e * 3;
  a.backward_temporaries = std::max(attention_backward, mlp_backward) + 2 * tokens * h * e;
  uint64_t dora_temporaries = 0;
  if (s.use_dora) {
    // W + s·B·A in fp32 for each layer's row norms: freed after each layer, but from the heap, between
    // the activations the layers keep, where about half of them stays resident (measured on the CPU,
    // docs/PERFORMANCE.md: 100M model, 1 x 128 and 4 x 128 tokens).
    dora_temporaries = on_gpu ? 2 * largest_linear * 4 : dora_weights * 4 / 2;
    // Over a quantized base the layer computes with the dequantized weight, which backward keeps.
    if (s.quantize != "none") dora_temporaries += dora_weights * e;
  }

  const double slack = on_gpu ? kCudaAllocatorSlack : kCpuHeapSlack;
  auto with_slack = [slack](uint64_t bytes) { return static_cast<uint64_t>(static_cast<double>(bytes) * slack); };
  estimate.activations_without_checkpointing =
      with_slack(layers * a.saved_per_layer) + a.backward_temporaries + dora_temporaries;
  // Checkpointing keeps each layer's input; backward recomputes one layer's activations at a time,
  // and about one more layer's worth stays resident beside them: the previous recomputation's,
  // freed into the heap between tensors that live on (fitted on the CPU: 100M model, 4 x 512 tokens,
  // -14.8% with one layer, -1.1% with two; the tiny model's 2 x 128 row moves by 1%).
  // (A model of one or two layers has nothing to save by it: never more than without.)
  estimate.activations_with_checkpointing =
      std::min(with_slack(layers * a.layer_input + 2 * a.saved_per_layer) + a.backward_temporaries + dora_temporaries,
               estimate.activations_without_checkpointing);
  estimate.parts.activations = s.gradient_checkpointing ? estimate.activations_with_checkpointing
                                                        : estimate.activations_without_checkpointing;

  // ---- logits and loss. A plain head (no LoRA on it, no soft-capping) runs in one node with the
  // cross-entropy (ops::linear_cross_entropy_sum, as training/target_loss.cpp chooses): one band of
  // logits (ops::linear_cross_entropy_band_rows) and the hidden states' gradient.
  // Otherwise the whole [tokens, vocab] in the compute dtype (the cross-entropy writes its gradient
  // over them). Both: a loss per row; the final norm's input and output, the rows selected.
  const bool banded_head = !lora_targets_module(lora, "lm_head", /*is_output_layer=*/true) &&
                           c.final_logit_softcapping <= 0;
  uint64_t logits = tokens * 12 + 3 * tokens * h * e;
  if (banded_head) {
    const uint64_t band_rows = static_cast<uint64_t>(ops::linear_cross_entropy_band_rows(
        static_cast<int64_t>(tokens), static_cast<int64_t>(vocab), !on_gpu));
    logits += band_rows * vocab * e + tokens * h * e;
  } else {
    logits += tokens * vocab * e;
    if (c.final_logit_softcapping > 0) logits += 2 * tokens * vocab * e;  // tanh's input and output
  }
  estimate.parts.logits_and_loss = logits;

  estimate.parts.overhead = on_gpu ? kCudaRuntimeOverhead : kCpuRuntimeOverhead;

  // ---- loading: each weight is copied out of the memory-mapped checkpoint (model/checkpoint.cpp),
  // whose pages are released slice by slice as they are copied (core/mapped_file.h): the weights
  // accumulate, and beside them only the tensor being read: a slice of its mapped pages, then, when
  // it is converted to the compute dtype, the copy beside the result, or when it is quantized, the
  // copy beside the quantizer's fp32 working copy. In host memory only.
  if (!on_gpu) {
    const uint64_t stored_element = element_bytes(model.stored_dtype);
    const bool converted = model.stored_dtype != compute_dtype;
    constexpr uint64_t kCopySlice = 8u << 20;  // checkpoint.cpp's slice
    const uint64_t dense_reading = converted ? std::max(vocab * h, largest_linear) * stored_element : kCopySlice;
    const uint64_t quantized_reading =
        s.quantize != "none" ? largest_linear * std::max<uint64_t>(2 * stored_element, stored_element + 4) : 0;
    estimate.loading_peak = kCpuLoadingOverhead + frozen + std::max(dense_reading, quantized_reading);
  }

  // ---- what would make it fit
  if (!available || estimate.peak() <= available->bytes) return estimate;
  const uint64_t room = available->bytes;
  auto peak_with = [&](TrainingSettings changed) {
    return estimate_training_memory(model, changed, on_gpu, compute_dtype, std::nullopt).peak();
  };
  TrainingSettings all = s;
  if (s.quantize != "nf4") {
    TrainingSettings changed = s;
    changed.quantize = "nf4";
    changed.double_quant = true;
    all.quantize = "nf4";
    all.double_quant = true;
    const uint64_t peak = peak_with(changed);
    estimate.suggestions.push_back({MemoryChange::QuantizeNf4, 0, peak, peak <= room});
  }
  if (!s.gradient_checkpointing) {
    TrainingSettings changed = s;
    changed.gradient_checkpointing = true;
    all.gradient_checkpointing = true;
    const uint64_t peak = peak_with(changed);
    estimate.suggestions.push_back({MemoryChange::GradientCheckpointing, 0, peak, peak <= room});
  }
  if (s.micro_batch_size > 1) {
    // The largest micro-batch below this one that divides the batch size (the batch stays the same
    // through gradient accumulation) and fits; else the smallest.
    MemorySuggestion best{MemoryChange::MicroBatch, 1, 0, false};
    for (int64_t m = s.micro_batch_size - 1; m >= 1; --m) {
      if (s.batch_size % m != 0) continue;
      TrainingSettings changed = s;
      changed.micro_batch_size = m;
      const uint64_t peak = peak_with(changed);
      best = {MemoryChange::MicroBatch, m, peak, peak <= room};
      if (best.fits) break;
    }
    all.micro_batch_size = best.value;
    estimate.suggestions.push_back(best);
  }
  if (s.cutoff_len > 64) {
    // The longest cutoff in steps of 64 tokens (from 64 up) that fits; else 64.
    MemorySuggestion best{MemoryChange::CutoffLength, 64, 0, false};
    for (int64_t cut = (s.cutoff_len - 1) / 64 * 64; cut >= 64; cut -= 64) {
      TrainingSettings changed = s;
      changed.cutoff_len = cut;
      const uint64_t peak = peak_with(changed);
      best = {MemoryChange::CutoffLength, cut, peak, peak <= room};
      if (best.fits) break;
    }
    estimate.suggestions.push_back(best);
  }
  const bool one_fits = std::any_of(estimate.suggestions.begin(), estimate.suggestions.end(),
                                    [](const MemorySuggestion& x) { return x.fits; });
  if (!one_fits && estimate.suggestions.size() > 1) {
    // Nothing alone is enough: all of them at once (the cutoff kept; it changes what is learnt).
    const uint64_t peak = peak_with(all);
    estimate.suggestions.push_back({MemoryChange::AllTogether, all.micro_batch_size, peak, peak <= room});
  }
  return estimate;
}

MemoryEstimate estimate_training_memory(const TrainingSettings& settings) {
  // The same checks, and errors, as CausalLM::load.
  if (!fs::is_directory(settings.model_dir)) throw Error(msg::Model::folder_not_a_folder, settings.model_dir);
  const std::string config_path = (fs::path(settings.model_dir) / "config.json").string();
  if (!fs::exists(config_path)) throw Error(msg::Model::folder_no_config_json, settings.model_dir);
  ModelShape model;
  model.config = load_model_config(config_path);
  model.stored_dtype = model.config.torch_dtype;
  {
    const Checkpoint checkpoint = Checkpoint::open(settings.model_dir);
    const WeightLayout layout =
        detect_weight_layout(model.config, [&](const std::string& name) { return checkpoint.contains(name); });
    model.safetensors = checkpoint.gguf_path().empty();
    if (checkpoint.contains(layout.embedding())) {
      const DType stored = checkpoint.info(layout.embedding()).dtype;
      model.stored_dtype = stored_precision_name(stored);
    }
  }
  ComputeOptions options;
  options.device = settings.device;
  options.dtype = settings.precision;
  const ComputeTarget target = resolve_compute_target(options, model.stored_dtype);
  const bool on_gpu = target.device.is_cuda();
  const std::string compute_dtype = dtype_to_string(target.dtype);
  const std::optional<MemoryAvailable> available =
      on_gpu ? available_cuda_memory(target.device.index() < 0 ? 0 : target.device.index()) : available_ram();
  return estimate_training_memory(model, settings, on_gpu, compute_dtype, available);
}

Message memory_estimate_summary(const MemoryEstimate& x) {
  const Message where = x.on_gpu ? Message(msg::Core::memory_gpu) : Message(msg::Core::memory_ram);
  if (!x.available) return Message(msg::Training::preflight_total_unknown, where, format_bytes(x.peak()));
  if (x.fits())
    return Message(msg::Training::preflight_total_fits, where, format_bytes(x.peak()), format_bytes(x.available->bytes),
                   x.available->source);
  return Message(msg::Training::preflight_total_too_much, where, format_bytes(x.peak()),
                 format_bytes(x.available->bytes), x.available->source);
}

std::vector<Message> describe_memory_estimate(const MemoryEstimate& x) {
  std::vector<Message> lines;
  lines.push_back(memory_estimate_summary(x));
  const TrainingMemoryParts& p = x.parts;
  if (x.quantize == "none")
    lines.emplace_back(msg::Training::preflight_frozen_weights, x.compute_dtype, format_bytes(p.frozen_weights));
  else
    lines.emplace_back(msg::Training::preflight_frozen_weights_quantized, x.quantize, x.compute_dtype,
                       format_bytes(p.frozen_weights));
  lines.emplace_back(msg::Training::preflight_adapter, x.trainable_parameters, format_bytes(p.adapter));
  if (x.gradient_checkpointing)
    lines.emplace_back(msg::Training::preflight_activations_checkpointed, x.micro_batch, x.cutoff,
                       format_bytes(x.activations_with_checkpointing), format_bytes(x.activations_without_checkpointing));
  else
    lines.emplace_back(msg::Training::preflight_activations, x.micro_batch, x.cutoff,
                       format_bytes(x.activations_without_checkpointing), format_bytes(x.activations_with_checkpointing));
  lines.emplace_back(msg::Training::preflight_logits, x.micro_batch * x.cutoff, x.vocab_size,
                     format_bytes(p.logits_and_loss));
  lines.emplace_back(msg::Training::preflight_overhead, format_bytes(p.overhead));
  if (x.loading_peak > p.total()) lines.emplace_back(msg::Training::preflight_loading_one_tensor, format_bytes(x.loading_peak));
  if (!x.suggestions.empty()) lines.emplace_back(msg::Training::preflight_to_fit);
  for (const MemorySuggestion& s : x.suggestions) {
    const Message verdict = s.fits ? Message(msg::Training::preflight_fits) : Message(msg::Training::preflight_still_too_much);
    switch (s.change) {
      case MemoryChange::QuantizeNf4:
        lines.emplace_back(msg::Training::preflight_suggest_nf4, format_bytes(s.peak), verdict);
        break;
      case MemoryChange::GradientCheckpointing:
        lines.emplace_back(msg::Training::preflight_suggest_checkpointing, format_bytes(s.peak), verdict);
        break;
      case MemoryChange::MicroBatch:
        lines.emplace_back(msg::Training::preflight_suggest_micro_batch, s.value, format_bytes(s.peak), verdict);
        break;
      case MemoryChange::CutoffLength:
        lines.emplace_back(msg::Training::preflight_suggest_cutoff, s.value, format_bytes(s.peak), verdict);
        break;
      case MemoryChange::AllTogether:
        lines.emplace_back(msg::Training::preflight_suggest_all, format_bytes(s.peak), verdict);
        break;
    }
  }
  return lines;
}

std::string memory_estimate_to_json(const MemoryEstimate& x) {
  nlohmann::ordered_json j;
  j["device"] = x.on_gpu ? "cuda" : "cpu";
  j["compute_dtype"] = x.compute_dtype;
  j["quantize"] = x.quantize;
  j["micro_batch_size"] = x.micro_batch;
  j["cutoff_len"] = x.cutoff;
  j["gradient_checkpointing"] = x.gradient_checkpointing;
  j["trainable_parameters"] = x.trainable_parameters;
  j["peak_bytes"] = x.peak();
  j["available_bytes"] = x.available ? nlohmann::ordered_json(x.available->bytes) : nlohmann::ordered_json(nullptr);
  j["available_source"] = x.available ? nlohmann::ordered_json(x.available->source.english()) : nlohmann::ordered_json(nullptr);
  j["fits"] = x.fits();
  nlohmann::ordered_json parts;
  parts["frozen_weights"] = x.parts.frozen_weights;
  parts["adapter"] = x.parts.adapter;
  parts["activations"] = x.parts.activations;
  parts["activations_with_checkpointing"] = x.activations_with_checkpointing;
  parts["activations_without_checkpointing"] = x.activations_without_checkpointing;
  parts["logits_and_loss"] = x.parts.logits_and_loss;
  parts["overhead"] = x.parts.overhead;
  parts["loading_peak"] = x.loading_peak;
  j["parts"] = parts;
  nlohmann::ordered_json suggestions = nlohmann::ordered_json::array();
  for (const MemorySuggestion& s : x.suggestions) {
    nlohmann::ordered_json one;
    switch (s.change) {
      case MemoryChange::QuantizeNf4: one["change"] = "quantize"; one["value"] = "nf4"; break;
      case MemoryChange::GradientCheckpointing: one["change"] = "gradient_checkpointing"; one["value"] = true; break;
      case MemoryChange::MicroBatch: one["change"] = "micro_batch_size"; one["value"] = s.value; break;
      case MemoryChange::CutoffLength: one["change"] = "cutoff_len"; one["value"] = s.value; break;
      case MemoryChange::AllTogether: one["change"] = "all"; one["value"] = nullptr; break;
    }
    one["peak_bytes"] = s.peak;
    one["fits"] = s.fits;
    suggestions.push_back(one);
  }
  j["suggestions"] = suggestions;
  return j.dump(2);
}

}  // namespace lora
