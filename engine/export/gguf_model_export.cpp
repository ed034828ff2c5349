#include "gguf_model_export.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "error.h"
#include "export_messages.h"
#include "gguf_model_plan.h"
#include "gguf_tokenizer_metadata.h"
#include "gguf_writer.h"
#include "model_config.h"
#include "string_affix.h"
#include "tokenizer.h"

namespace lora::gguf {
namespace {

namespace fs = std::filesystem;

// llama.cpp's llama architecture wants Q and K rows in the order its RoPE pairs them (the
// converter's permute): each head's rows [first half; second half] interleaved.
at::Tensor permute_for_rope(const at::Tensor& weight, int64_t heads) {
  std::vector<int64_t> shape = weight.sizes().vec();
  std::vector<int64_t> split = {heads, 2, shape[0] / heads / 2};
  for (size_t i = 1; i < shape.size(); ++i) split.push_back(shape[i]);
  return weight.reshape(split).transpose(1, 2).reshape(shape).contiguous();
}

at::Tensor float_tensor(const std::vector<double>& values) {
  std::vector<float> floats(values.begin(), values.end());
  return at::tensor(floats, at::kFloat);
}

// The values of a planned tensor the checkpoint does not hold (PlannedTensor::source ""): Llama 3's
// rope_freqs, Phi-3's long and short rope factors.
at::Tensor computed_tensor(const std::string& gguf_name, const ModelConfig& config) {
  if (gguf_name == "rope_freqs.weight")
    return at::tensor(llama3_rope_divisors(config.rope_theta, config.head_dim, config.rope_scaling), at::kFloat);
  const RopeScaling& scaling = config.rope_scaling;
  return float_tensor(gguf_name == "rope_factors_long.weight" ? scaling.long_factor : scaling.short_factor);
}

// Gemma 3's sliding layers as llama.cpp describes them: a period P in which the first P-1 layers
// slide (its set_swa_pattern). 0 when no period describes `config`'s layer_types.
uint32_t sliding_window_period(const ModelConfig& config) {
  auto matches = [&](int64_t period) {
    for (int64_t layer = 0; layer < config.num_hidden_layers; ++layer)
      if (config.layer_is_sliding(layer) != (layer % period < period - 1)) return false;
    return true;
  };
  if (matches(6)) return 6;  // llama.cpp's default for Gemma 3
  for (int64_t period = 2; period <= config.num_hidden_layers + 1; ++period)
    if (matches(period)) return static_cast<uint32_t>(period);
  return 0;
}

std::string format_number(double value) {
  std::ostringstream text;
  text << value;
  return text.str();
}

void write_hyperparameters(GgufWriter& writer, const ModelConfig& config, const std::string& arch,
                           const std::string& config_path, std::vector<Message>& notes) {
  const std::string p = arch + ".";
  writer.add_uint32(p + "block_count", static_cast<uint32_t>(config.num_hidden_layers));
  writer.add_uint32(p + "context_length", static_cast<uint32_t>(config.max_position_embeddings));
  writer.add_uint32(p + "embedding_length", static_cast<uint32_t>(config.hidden_size));
  writer.add_uint32(p + "feed_forward_length", static_cast<uint32_t>(config.intermediate_size));
  writer.add_uint32(p + "attention.head_count", static_cast<uint32_t>(config.num_attention_heads));
  writer.add_uint32(p + "attention.head_count_kv", static_cast<uint32_t>(config.num_key_value_heads));
  writer.add_float32(p + "rope.freq_base", static_cast<float>(config.rope_theta));
  writer.add_float32(p + "attention.layer_norm_rms_epsilon", static_cast<float>(config.rms_norm_eps));
  if (arch != "phi3") {
    writer.add_uint32(p + "attention.key_length", static_cast<uint32_t>(config.head_dim));
    writer.add_uint32(p + "attention.value_length", static_cast<uint32_t>(config.head_dim));
  }
  if (arch == "llama") {
    writer.add_uint32(p + "vocab_size", static_cast<uint32_t>(config.vocab_size));
    writer.add_uint32(p + "rope.dimension_count", static_cast<uint32_t>(config.head_dim));
  }
  const RopeScaling& scaling = config.rope_scaling;
  if (scaling.type == "linear") {
    writer.add_string(p + "rope.scaling.type", "linear");
    writer.add_float32(p + "rope.scaling.factor", static_cast<float>(scaling.factor));
  } else if (scaling.type == "longrope") {
    const int64_t original = config.original_max_position_embeddings > 0 ? config.original_max_position_embeddings
                                                                         : scaling.original_max_position_embeddings;
    const double scale = static_cast<double>(config.max_position_embeddings) / static_cast<double>(original);
    const double attn_factor = scaling.attention_factor > 0 ? scaling.attention_factor
                               : scale > 1.0 ? std::sqrt(1 + std::log(scale) / std::log(static_cast<double>(original)))
                                             : 1.0;
    writer.add_float32(p + "rope.scaling.attn_factor", static_cast<float>(attn_factor));
  } else if (!scaling.type.empty() && scaling.type != "llama3") {
    throw Error(msg::Export::gguf_rope_scaling_unsupported, config_path, scaling.type);
  }
  if (arch == "phi3") {
    const int64_t original = config.original_max_position_embeddings > 0 ? config.original_max_position_embeddings
                                                                         : config.max_position_embeddings;
    writer.add_uint32(p + "rope.scaling.original_context_length", static_cast<uint32_t>(original));
    writer.add_uint32(p + "rope.dimension_count", static_cast<uint32_t>(config.rotary_dim()));
    writer.add_uint32(p + "attention.sliding_window", static_cast<uint32_t>(config.sliding_window));
  }
  if (arch == "gemma3") {
    if (config.final_logit_softcapping > 0)
      writer.add_float32(p + "final_logit_softcapping", static_cast<float>(config.final_logit_softcapping));
    if (config.sliding_window > 0) {
      const uint32_t period = sliding_window_period(config);
      if (period == 0) throw Error(msg::Export::gguf_gemma_layer_pattern, config_path);
      writer.add_uint32(p + "attention.sliding_window", static_cast<uint32_t>(config.sliding_window));
      writer.add_uint32(p + "attention.sliding_window_pattern", period);
      if (config.sliding_rope_theta > 0)
        writer.add_float32(p + "rope.freq_base_swa", static_cast<float>(config.sliding_rope_theta));
    }
    // llama.cpp scales queries by head_dim^-0.5 (n_embd / n_head for its 27B, 62 layers).
    const double llama_cpp_scalar = config.num_hidden_layers == 62
                                        ? static_cast<double>(config.hidden_size / config.num_attention_heads)
                                        : static_cast<double>(config.head_dim);
    const double scalar = config.query_pre_attn_scalar > 0 ? config.query_pre_attn_scalar : config.head_dim;
    if (std::fabs(scalar - llama_cpp_scalar) > 1e-9 * llama_cpp_scalar)
      throw Error(msg::Export::gguf_gemma_query_scale, config_path, format_number(scalar),
                  format_number(llama_cpp_scalar));
  }
  if ((arch == "llama" || arch == "qwen2" || arch == "qwen3") && config.sliding_window > 0 &&
      config.sliding_window < config.max_position_embeddings)
    notes.emplace_back(msg::Export::gguf_sliding_window_not_carried, arch, std::to_string(config.sliding_window));
}

std::string file_base_name(const std::string& folder) {
  fs::path path(folder);
  if (path.filename().empty()) path = path.parent_path();
  return path.filename().string();
}

}  // namespace

ModelExportResult export_model_gguf(const ModelExportOptions& options) {
  if (options.output_path.empty()) throw Error(msg::Export::gguf_no_output);
  ModelWeightSource source = open_model_weights(options.model_dir, options.adapter_dir);
  const ModelConfig& config = source.config;
  const std::string config_path = source.config_path;
  const std::string arch = gguf_architecture_of(source);
  const ExportType type = options.type ? *options.type : default_export_type(source);
  ModelExportResult result;
  result.output_path = options.output_path;
  result.architecture = arch;
  result.type = export_type_name(type);
  result.merged_modules = source.merged_modules;
  const std::vector<PlannedTensor> planned = plan_model_tensors(source, arch, type);

  // --- metadata, in the converter's order ---
  GgufWriter writer;
  writer.add_string("general.architecture", arch);
  writer.add_string("general.type", "model");
  writer.add_string("general.name", file_base_name(options.model_dir));
  write_hyperparameters(writer, config, arch, config_path, result.notes);
  writer.add_uint32("general.file_type", file_type_number(type));
  writer.add_uint32("general.quantization_version", 2);
  const std::unique_ptr<Tokenizer> tokenizer = Tokenizer::load(options.model_dir);
  result.tokenizer_pre = write_tokenizer_metadata(writer, *tokenizer, tokenizer_metadata_options(source));
  // The converter's Gemma 3: sentencepiece without the dummy-prefix space.
  if (arch == "gemma3" && tokenizer->kind() == "sentencepiece") writer.add_bool("tokenizer.ggml.add_space_prefix", false);

  // --- tensor data, one tensor at a time ---
  const bool llama_permute = arch == "llama";
  const bool gemma_norms = arch == "gemma3";
  const int64_t heads = config.num_attention_heads, kv_heads = config.num_key_value_heads;
  auto weights = std::make_shared<ModelWeightSource>(std::move(source));
  for (const PlannedTensor& tensor : planned) {
    const TensorType tensor_type = tensor.type;
    const PlannedTensor planned_tensor = tensor;
    writer.add_tensor(tensor.name, tensor.shape, tensor_type, [=](const ByteSink& sink) {
      at::Tensor data = planned_tensor.source.empty() ? computed_tensor(planned_tensor.name, weights->config)
                                                      : weights->tensor(planned_tensor.source);
      const std::string& from = planned_tensor.source;
      if (llama_permute) {
        if (ends_with(from, "self_attn.q_proj.weight") || ends_with(from, "self_attn.q_proj.bias"))
          data = permute_for_rope(data, heads);
        else if (ends_with(from, "self_attn.k_proj.weight") || ends_with(from, "self_attn.k_proj.bias"))
          data = permute_for_rope(data, kv_heads);
      }
      if (gemma_norms && ends_with(from, "norm.weight")) data = data + 1.0f;  // Gemma3RMSNorm's (1 + w)
      data = data.to(at::kFloat).contiguous();
      const int64_t row = planned_tensor.shape.empty() ? 1 : planned_tensor.shape.back();
      const int64_t rows = row == 0 ? 0 : data.numel() / row;
      const float* values = data.data_ptr<float>();
      // Rows go out in chunks so the encoded copy stays small next to the fp32 tensor.
      const int64_t chunk_rows = std::max<int64_t>(1, (int64_t(4) << 20) / std::max<int64_t>(1, row));
      std::string encoded;
      for (int64_t first = 0; first < rows; first += chunk_rows) {
        const int64_t count = std::min(chunk_rows, rows - first);
        encoded.clear();
        encode_rows(tensor_type, values + first * row, count, row, encoded);
        sink(encoded.data(), encoded.size());
      }
    });
  }
  result.tensors = static_cast<int64_t>(writer.tensor_count());
  WriteCallbacks callbacks;
  callbacks.cancelled = options.cancelled;
  callbacks.progress = options.progress;
  writer.write(options.output_path, callbacks);
  result.file_size = fs::file_size(options.output_path);
  return result;
}

std::string model_export_result_to_json(const ModelExportResult& result) {
  std::vector<std::string> notes;
  for (const Message& note : result.notes) notes.push_back(note.english());
  const nlohmann::json object = {{"output", result.output_path},      {"architecture", result.architecture},
                                 {"type", result.type},               {"tensors", result.tensors},
                                 {"file_size", result.file_size},     {"merged_modules", result.merged_modules},
                                 {"tokenizer_pre", result.tokenizer_pre}, {"notes", notes}};
  return object.dump();
}

}  // namespace lora::gguf
