#include "gguf_model_export.h"

#include "gguf_names.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "checkpoint.h"
#include "error.h"
#include "export_messages.h"
#include "gguf_tokenizer_metadata.h"
#include "gguf_writer.h"
#include "merged_weights.h"
#include "model_config.h"
#include "model_family.h"
#include "tokenizer.h"

namespace lora::gguf {
namespace {

namespace fs = std::filesystem;

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }
bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Where the weights come from: the checkpoint as it is, or with the adapter merged in.
struct WeightSource {
  ModelConfig config;
  WeightLayout layout;
  std::vector<std::string> names;
  std::function<std::vector<int64_t>(const std::string&)> shape;
  std::function<at::Tensor(const std::string&)> tensor;  // float32
  bool has_output = false;                               // a head of its own (not tied)
  std::string embedding_dtype;                           // safetensors' name, "BF16", ...
  std::string trained_template;
  int64_t merged_modules = 0;
};

WeightSource open_weights(const ModelExportOptions& options) {
  WeightSource source;
  std::error_code ec;
  if (options.model_dir.empty() || !fs::is_directory(options.model_dir, ec))
    throw Error(msg::Export::model_folder_missing, options.model_dir);
  const std::string config_path = (fs::path(options.model_dir) / "config.json").string();
  if (!fs::exists(config_path, ec)) throw Error(msg::Export::model_folder_no_config, options.model_dir);
  auto checkpoint = std::make_shared<Checkpoint>(Checkpoint::open(options.model_dir));
  if (options.adapter_dir.empty()) {
    source.config = load_model_config(config_path);
    source.layout = detect_weight_layout(source.config, [&](const std::string& name) { return checkpoint->contains(name); });
    source.names = checkpoint->names();
    source.shape = [checkpoint](const std::string& name) { return checkpoint->info(name).shape; };
    source.tensor = [checkpoint](const std::string& name) { return checkpoint->tensor(name).to(at::kFloat); };
    source.has_output = !source.config.tie_word_embeddings && checkpoint->contains(source.layout.lm_head_weight());
  } else {
    std::shared_ptr<MergedWeights> merged = MergedWeights::open(options.model_dir, options.adapter_dir);
    source.config = merged->config();
    source.layout = merged->layout();
    source.names = merged->names();
    source.shape = [merged](const std::string& name) { return merged->shape(name); };
    source.tensor = [merged](const std::string& name) { return merged->tensor(name); };
    const bool head_in_names =
        std::find(source.names.begin(), source.names.end(), source.layout.lm_head_weight()) != source.names.end();
    source.has_output = head_in_names && (!source.config.tie_word_embeddings || merged->untied_lm_head());
    source.trained_template = merged->trained_chat_template();
    source.merged_modules = merged->merged_modules();
  }
  const std::string embedding = source.layout.embedding();
  if (checkpoint->contains(embedding)) source.embedding_dtype = dtype_name(checkpoint->info(embedding).dtype);
  return source;
}

// GGUF's architecture name for a family, or an error naming the config file.
std::string architecture_of(const ModelConfig& config, const std::string& config_path) {
  std::string architecture = gguf_architecture(config);
  if (architecture.empty()) throw Error(msg::Export::gguf_unknown_architecture, config_path, config.model_type);
  return architecture;
}

struct PlannedTensor {
  std::string source;  // checkpoint name ("" for generated tensors)
  std::string name;    // GGUF name
  std::vector<int64_t> shape;
  int layer = -1;
  TensorType type = TensorType::f32;
  std::function<at::Tensor()> generated;  // rope_freqs and rope factors
};

// llama.cpp's llama architecture wants Q and K rows in the order its RoPE pairs them (the
// converter's permute): each head's rows [first half; second half] interleaved.
at::Tensor permute_for_rope(const at::Tensor& weight, int64_t heads) {
  std::vector<int64_t> shape = weight.sizes().vec();
  std::vector<int64_t> split = {heads, 2, shape[0] / heads / 2};
  for (size_t i = 1; i < shape.size(); ++i) split.push_back(shape[i]);
  return weight.reshape(split).transpose(1, 2).reshape(shape).contiguous();
}

// Llama 3's rope_freqs: the per-frequency divisor transformers' llama3 RoPE applies.
at::Tensor llama3_rope_factors(const ModelConfig& config) {
  const RopeScaling& scaling = config.rope_scaling;
  const int64_t dim = config.head_dim;
  const double low_wavelen = scaling.original_max_position_embeddings / scaling.low_freq_factor;
  const double high_wavelen = scaling.original_max_position_embeddings / scaling.high_freq_factor;
  std::vector<float> factors;
  for (int64_t i = 0; i < dim; i += 2) {
    const float exponent = static_cast<float>(i) / static_cast<float>(dim);
    const float freq = 1.0f / std::pow(static_cast<float>(config.rope_theta), exponent);
    const double wavelen = 2 * M_PI / freq;
    if (wavelen < high_wavelen) {
      factors.push_back(1.0f);
    } else if (wavelen > low_wavelen) {
      factors.push_back(static_cast<float>(scaling.factor));
    } else {
      const double smooth = (scaling.original_max_position_embeddings / wavelen - scaling.low_freq_factor) /
                            (scaling.high_freq_factor - scaling.low_freq_factor);
      factors.push_back(static_cast<float>(1 / ((1 - smooth) / scaling.factor + smooth)));
    }
  }
  return at::tensor(factors, at::kFloat);
}

at::Tensor float_tensor(const std::vector<double>& values) {
  std::vector<float> floats(values.begin(), values.end());
  return at::tensor(floats, at::kFloat);
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
  WeightSource source = open_weights(options);
  const ModelConfig& config = source.config;
  const std::string config_path = (fs::path(options.model_dir) / "config.json").string();
  const std::string arch = architecture_of(config, config_path);
  const ExportType type = options.type ? *options.type
                          : source.embedding_dtype == "BF16" ? ExportType::bf16
                                                             : ExportType::f16;
  ModelExportResult result;
  result.output_path = options.output_path;
  result.architecture = arch;
  result.type = export_type_name(type);
  result.merged_modules = source.merged_modules;

  // --- the tensors, named and typed ---
  const std::string decoder = source.layout.decoder + ".";
  std::vector<PlannedTensor> planned;
  for (const std::string& name : source.names) {
    if (is_foreign_tensor(config, name) || ends_with(name, "rotary_emb.inv_freq")) continue;
    PlannedTensor tensor;
    tensor.source = name;
    if (name == source.layout.lm_head_weight()) {
      if (!source.has_output) continue;
      tensor.name = "output.weight";
    } else if (name == source.layout.embedding()) {
      tensor.name = "token_embd.weight";
    } else if (starts_with(name, decoder + "norm.")) {
      tensor.name = "output_norm." + name.substr(decoder.size() + 5);
    } else if (starts_with(name, decoder + "layers.")) {
      const std::string rest = name.substr(decoder.size() + 7);
      const size_t dot = rest.find('.');
      const std::string mapped = dot == std::string::npos ? "" : gguf_block_tensor_name(rest.substr(dot + 1), arch);
      if (mapped.empty()) throw Error(msg::Export::gguf_unknown_tensor, options.model_dir, name, arch);
      tensor.layer = std::stoi(rest.substr(0, dot));
      tensor.name = "blk." + rest.substr(0, dot) + "." + mapped;
    } else {
      throw Error(msg::Export::gguf_unknown_tensor, options.model_dir, name, arch);
    }
    tensor.shape = source.shape(name);
    planned.push_back(std::move(tensor));
  }
  if (arch == "llama" && config.rope_scaling.type == "llama3") {
    PlannedTensor rope;
    rope.name = "rope_freqs.weight";
    rope.shape = {config.head_dim / 2};
    rope.generated = [config] { return llama3_rope_factors(config); };
    planned.push_back(std::move(rope));
  }
  if (arch == "phi3" && config.rope_scaling.type == "longrope" && !config.rope_scaling.long_factor.empty()) {
    const RopeScaling scaling = config.rope_scaling;
    PlannedTensor long_factors, short_factors;
    long_factors.name = "rope_factors_long.weight";
    long_factors.shape = {static_cast<int64_t>(scaling.long_factor.size())};
    long_factors.generated = [scaling] { return float_tensor(scaling.long_factor); };
    short_factors.name = "rope_factors_short.weight";
    short_factors.shape = {static_cast<int64_t>(scaling.short_factor.size())};
    short_factors.generated = [scaling] { return float_tensor(scaling.short_factor); };
    planned.push_back(std::move(long_factors));
    planned.push_back(std::move(short_factors));
  }
  // llama.cpp's own order (llama-quantize's counters walk it): outside the blocks first, then by layer.
  std::stable_sort(planned.begin(), planned.end(), [](const PlannedTensor& a, const PlannedTensor& b) {
    if (a.layer != b.layer) return a.layer < b.layer;
    return a.name < b.name;
  });
  int attn_v_count = 0;
  for (const PlannedTensor& tensor : planned)
    if (tensor.name.find("attn_v.weight") != std::string::npos || tensor.name.find("attn_qkv.weight") != std::string::npos)
      ++attn_v_count;
  int attn_v_index = 0;
  for (PlannedTensor& tensor : planned) {
    TensorPlacement placement;
    placement.name = tensor.name;
    placement.torch_shape = tensor.shape;
    placement.layer = tensor.layer;
    placement.layer_count = static_cast<int>(config.num_hidden_layers);
    placement.attn_v_index = attn_v_index;
    placement.attn_v_count = attn_v_count;
    placement.model_has_output = source.has_output;
    tensor.type = choose_tensor_type(type, placement);
    if (tensor.name.find("attn_v.weight") != std::string::npos || tensor.name.find("attn_qkv.weight") != std::string::npos)
      ++attn_v_index;
  }

  // --- metadata, in the converter's order ---
  GgufWriter writer;
  writer.add_string("general.architecture", arch);
  writer.add_string("general.type", "model");
  writer.add_string("general.name", file_base_name(options.model_dir));
  write_hyperparameters(writer, config, arch, config_path, result.notes);
  writer.add_uint32("general.file_type", file_type_number(type));
  writer.add_uint32("general.quantization_version", 2);
  const std::unique_ptr<Tokenizer> tokenizer = Tokenizer::load(options.model_dir);
  TokenizerMetadataOptions tokenizer_options;
  tokenizer_options.model_dir = options.model_dir;
  tokenizer_options.vocab_size = config.vocab_size;
  tokenizer_options.chat_template = source.trained_template;
  tokenizer_options.config_bos_ids = config.bos_token_ids;
  tokenizer_options.config_eos_ids = config.eos_token_ids;
  result.tokenizer_pre = write_tokenizer_metadata(writer, *tokenizer, tokenizer_options);
  // The converter's Gemma 3: sentencepiece without the dummy-prefix space.
  if (arch == "gemma3" && tokenizer->kind() == "sentencepiece") writer.add_bool("tokenizer.ggml.add_space_prefix", false);

  // --- tensor data, one tensor at a time ---
  const bool llama_permute = arch == "llama";
  const bool gemma_norms = arch == "gemma3";
  const int64_t heads = config.num_attention_heads, kv_heads = config.num_key_value_heads;
  auto weights = std::make_shared<WeightSource>(std::move(source));
  for (const PlannedTensor& tensor : planned) {
    const TensorType tensor_type = tensor.type;
    const PlannedTensor planned_tensor = tensor;
    writer.add_tensor(tensor.name, tensor.shape, tensor_type, [=](const ByteSink& sink) {
      at::Tensor data = planned_tensor.generated ? planned_tensor.generated() : weights->tensor(planned_tensor.source);
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
