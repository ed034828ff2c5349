#include "gguf_model_import.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "atomic_file.h"
#include "dtype.h"
#include "error.h"
#include "export_messages.h"
#include "gguf_checkpoint.h"
#include "gguf_file.h"
#include "gguf_model_plan.h"
#include "json_reader.h"
#include "model_config.h"
#include "sha256.h"
#include "string_affix.h"
#if __has_include("gguf_tokenizer_import.h")
#include "gguf_tokenizer_import.h"
#define LORA_HAVE_GGUF_TOKENIZER_IMPORT 1
#endif

namespace lora::gguf {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Bump when the prepared folder's contents change meaning: old folders are then prepared again.
constexpr const char* kPreparedFormat = "lora-studio-gguf-import-1";

std::string lowercase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

struct Family {
  std::string model_type;
  std::string architecture;
};

// general.architecture -> the Hugging Face family it is read back as. Mistral comes back as llama:
// the converter writes it as llama, and llama computes the same (the window aside, which it drops).
const Family* family_of(const std::string& arch) {
  static const std::map<std::string, Family> families = {
      {"llama", {"llama", "LlamaForCausalLM"}},     {"qwen2", {"qwen2", "Qwen2ForCausalLM"}},
      {"qwen3", {"qwen3", "Qwen3ForCausalLM"}},     {"gemma3", {"gemma3_text", "Gemma3ForCausalLM"}},
      {"phi3", {"phi3", "Phi3ForCausalLM"}},
  };
  const auto found = families.find(arch);
  return found == families.end() ? nullptr : &found->second;
}

// The Hugging Face name below "model.layers.N." of a block tensor's GGUF name below "blk.N."
// (the inverse of gguf_names.cpp's gguf_block_tensor_name); "" when there is none.
std::string hf_block_tensor_name(const std::string& rest, const std::string& arch) {
  static const std::vector<std::pair<std::string, std::string>> common = {
      {"attn_q.", "self_attn.q_proj."},         {"attn_k.", "self_attn.k_proj."},
      {"attn_v.", "self_attn.v_proj."},         {"attn_output.", "self_attn.o_proj."},
      {"attn_qkv.", "self_attn.qkv_proj."},     {"attn_q_norm.", "self_attn.q_norm."},
      {"attn_k_norm.", "self_attn.k_norm."},    {"ffn_gate.", "mlp.gate_proj."},
      {"ffn_down.", "mlp.down_proj."},          {"attn_norm.", "input_layernorm."},
      {"post_attention_norm.", "post_attention_layernorm."},
      {"post_ffw_norm.", "post_feedforward_layernorm."},
  };
  // Longest prefixes first matter only for attn_q vs attn_q_norm: compare whole components.
  const size_t dot = rest.find('.');
  const std::string head = rest.substr(0, dot == std::string::npos ? rest.size() : dot + 1);
  const std::string tail = dot == std::string::npos ? "" : rest.substr(dot + 1);
  for (const auto& [gguf_name, hf] : common)
    if (head == gguf_name) return hf + tail;
  if (head == "ffn_up.") return (arch == "phi3" ? "mlp.gate_up_proj." : "mlp.up_proj.") + tail;
  if (head == "ffn_norm.")
    return (arch == "gemma3" ? "pre_feedforward_layernorm." : "post_attention_layernorm.") + tail;
  return "";
}

// transformers' llama3 RoPE divisors, as gguf_model_export writes rope_freqs.
std::vector<double> llama3_factors(double theta, int64_t dim, const RopeScaling& scaling) {
  const std::vector<float> divisors = llama3_rope_divisors(theta, dim, scaling);
  return {divisors.begin(), divisors.end()};
}

bool same_factors(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::fabs(a[i] - b[i]) > 1e-5 * std::max(1.0, std::fabs(b[i]))) return false;
  return true;
}

// rope_freqs.weight holds the per-frequency divisors of Llama 3's RoPE; config.json wants the rule's
// parameters. Only the ratios original / low and original / high matter, so original stays Llama 3's
// 8192 and low / high are solved from the divisors; the result is checked to reproduce them.
RopeScaling recover_llama3_scaling(const std::vector<double>& stored, double theta, int64_t head_dim,
                                   const std::string& path) {
  RopeScaling scaling;
  scaling.type = "llama3";
  scaling.factor = *std::max_element(stored.begin(), stored.end());
  scaling.low_freq_factor = 1.0;
  scaling.high_freq_factor = 4.0;
  scaling.original_max_position_embeddings = 8192;
  if (same_factors(llama3_factors(theta, head_dim, scaling), stored)) return scaling;

  const double original = 8192;
  std::vector<double> wavelens;
  for (int64_t i = 0; i < head_dim; i += 2) {
    const float freq = 1.0f / std::pow(static_cast<float>(theta), static_cast<float>(i) / static_cast<float>(head_dim));
    wavelens.push_back(2 * M_PI / freq);
  }
  auto near = [](double a, double b) { return std::fabs(a - b) <= 1e-5 * std::max(1.0, std::fabs(b)); };
  const double factor = scaling.factor;
  std::vector<size_t> middle;
  double unit_max = 0, rest_min = INFINITY, scaled_min = INFINITY, unscaled_max = 0;
  for (size_t i = 0; i < stored.size() && i < wavelens.size(); ++i) {
    const bool unit = near(stored[i], 1.0), scaled = near(stored[i], factor);
    if (unit) unit_max = std::max(unit_max, wavelens[i]);
    else rest_min = std::min(rest_min, wavelens[i]);
    if (scaled) scaled_min = std::min(scaled_min, wavelens[i]);
    else unscaled_max = std::max(unscaled_max, wavelens[i]);
    if (!unit && !scaled) middle.push_back(i);
  }
  auto smooth_of = [&](size_t i) { return (1 / stored[i] - 1 / factor) / (1 - 1 / factor); };
  std::vector<RopeScaling> candidates;
  if (middle.size() >= 2) {
    // smooth = original / (high - low) · (1 / wavelen) - low / (high - low): a line in 1 / wavelen.
    const size_t first = middle.front(), last = middle.back();
    const double slope = (smooth_of(last) - smooth_of(first)) / (1 / wavelens[last] - 1 / wavelens[first]);
    const double intercept = smooth_of(first) - slope / wavelens[first];
    RopeScaling fitted = scaling;
    fitted.original_max_position_embeddings = static_cast<int64_t>(original);
    fitted.low_freq_factor = -intercept * original / slope;
    fitted.high_freq_factor = fitted.low_freq_factor + original / slope;
    candidates.push_back(fitted);
  } else {
    // Boundaries between the groups; a single smoothed value fixes low from high.
    const double high_wavelen = unit_max > 0 && rest_min < INFINITY ? std::sqrt(unit_max * rest_min)
                                : unit_max > 0                     ? unit_max * 2
                                                                   : rest_min / 2;
    RopeScaling bounded = scaling;
    bounded.original_max_position_embeddings = static_cast<int64_t>(original);
    bounded.high_freq_factor = original / high_wavelen;
    if (middle.size() == 1) {
      const double s = smooth_of(middle[0]);
      bounded.low_freq_factor = (original / wavelens[middle[0]] - s * bounded.high_freq_factor) / (1 - s);
    } else {
      const double low_wavelen = scaled_min < INFINITY && unscaled_max > 0 ? std::sqrt(unscaled_max * scaled_min)
                                 : scaled_min < INFINITY                  ? scaled_min / 2
                                                                          : unscaled_max * 2;
      bounded.low_freq_factor = original / low_wavelen;
    }
    candidates.push_back(bounded);
  }
  for (const RopeScaling& candidate : candidates)
    if (candidate.high_freq_factor > candidate.low_freq_factor && candidate.low_freq_factor > 0 &&
        same_factors(llama3_factors(theta, head_dim, candidate), stored))
      return candidate;
  throw Error(msg::Export::gguf_import_rope_freqs, path);
}

// A float32 from the file as the shortest decimal that reads back as it (1e-06, not 9.99999997e-07),
// which is what the source config.json most likely said.
double float_as_decimal(double value) {
  const float single = static_cast<float>(value);
  for (int digits = 1; digits <= 9; ++digits) {
    char text[64];
    std::snprintf(text, sizeof(text), "%.*g", digits, static_cast<double>(single));
    const double parsed = std::strtod(text, nullptr);
    if (static_cast<float>(parsed) == single) return parsed;
  }
  return value;
}

std::vector<double> tensor_values(const GgufFile& file, const GgufTensorInfo& info) {
  std::vector<float> values(static_cast<size_t>(info.numel));
  file.read_f32(info, 0, info.numel, values.data());
  return std::vector<double>(values.begin(), values.end());
}

std::string torch_dtype_of(TensorType type) {
  switch (type) {
    case TensorType::f32: return torch_dtype_name(DType::F32);
    case TensorType::f16: return torch_dtype_name(DType::F16);
    default: return torch_dtype_name(DType::BF16);  // bf16, and quantized files (see gguf_checkpoint.h)
  }
}

struct Prepared {
  ModelConfig config;
  json weight_map = json::array();
  json generation_config = json::object();
};

Prepared prepare(const GgufFile& file) {
  const std::string& path = file.path();
  if (const auto type = file.optional_string("general.type"); type && *type != "model")
    throw Error(msg::Export::gguf_import_not_model, path, *type);
  const std::string arch = file.get_string("general.architecture");
  const Family* family = family_of(arch);
  if (!family) throw Error(msg::Export::gguf_import_architecture, path, arch);
  const std::string p = arch + ".";
  const GgufTensorInfo* embedding = file.find_tensor("token_embd.weight");
  if (!embedding || embedding->torch_shape.size() != 2)
    throw Error(msg::Export::gguf_import_missing_tensor, path, "token_embd.weight");

  Prepared prepared;
  ModelConfig& config = prepared.config;
  config.model_type = family->model_type;
  config.architecture = family->architecture;
  config.vocab_size = embedding->torch_shape[0];
  config.hidden_size = file.get_integer(p + "embedding_length");
  config.intermediate_size = file.get_integer(p + "feed_forward_length");
  config.num_hidden_layers = file.get_integer(p + "block_count");
  config.num_attention_heads = file.get_integer(p + "attention.head_count");
  config.num_key_value_heads = file.optional_integer(p + "attention.head_count_kv").value_or(config.num_attention_heads);
  config.head_dim = file.optional_integer(p + "attention.key_length")
                        .value_or(config.num_attention_heads > 0 ? config.hidden_size / config.num_attention_heads : 0);
  config.max_position_embeddings = file.optional_integer(p + "context_length").value_or(2048);
  config.rope_theta = float_as_decimal(file.optional_real(p + "rope.freq_base").value_or(10000.0));
  config.rms_norm_eps = float_as_decimal(file.optional_real(p + "attention.layer_norm_rms_epsilon").value_or(1e-6));
  config.tie_word_embeddings = file.find_tensor("output.weight") == nullptr;
  config.torch_dtype = torch_dtype_of(embedding->type);
  config.attention_bias = file.find_tensor("blk.0.attn_q.bias") != nullptr || file.find_tensor("blk.0.attn_qkv.bias");
  config.qkv_bias = arch == "qwen2" || config.attention_bias;
  config.o_bias = file.find_tensor("blk.0.attn_output.bias") != nullptr;
  config.mlp_bias = file.find_tensor("blk.0.ffn_gate.bias") != nullptr;
  {
    // The family's structure (norm style, q/k norms, fused layers, ...) as its config parser sets it.
    const json minimal = {{"model_type", family->model_type},          {"vocab_size", config.vocab_size},
                          {"hidden_size", config.hidden_size},          {"intermediate_size", config.intermediate_size},
                          {"num_hidden_layers", config.num_hidden_layers}, {"num_attention_heads", config.num_attention_heads},
                          {"num_key_value_heads", config.num_key_value_heads}, {"head_dim", config.head_dim}};
    const ModelConfig structured = parse_model_config(minimal.dump(), path);
    config.hidden_act = structured.hidden_act;
    config.norm_style = structured.norm_style;
    config.qk_norm = structured.qk_norm;
    config.sandwich_norms = structured.sandwich_norms;
    config.scale_embeddings = structured.scale_embeddings;
    config.fused_qkv = structured.fused_qkv;
    config.fused_gate_up = structured.fused_gate_up;
  }

  if (const auto type = file.optional_string(p + "rope.scaling.type"); type && !type->empty() && *type != "none") {
    if (*type != "linear") throw Error(msg::Export::gguf_import_rope_type, path, p + "rope.scaling.type", *type);
    config.rope_scaling.type = "linear";
    config.rope_scaling.factor = float_as_decimal(file.get_real(p + "rope.scaling.factor"));
  }
  if (const GgufTensorInfo* freqs = file.find_tensor("rope_freqs.weight")) {
    if (arch != "llama") throw Error(msg::Export::gguf_import_unknown_tensor, path, freqs->name, arch);
    const std::vector<double> values = tensor_values(file, *freqs);
    const bool scaled = std::any_of(values.begin(), values.end(), [](double v) { return v != 1.0; });
    if (scaled) config.rope_scaling = recover_llama3_scaling(values, config.rope_theta, config.head_dim, path);
  }
  if (arch == "phi3") {
    const int64_t rotary = file.optional_integer(p + "rope.dimension_count").value_or(config.head_dim);
    if (config.head_dim > 0 && rotary != config.head_dim)
      config.partial_rotary_factor = static_cast<double>(rotary) / static_cast<double>(config.head_dim);
    config.sliding_window = file.optional_integer(p + "attention.sliding_window").value_or(0);
    const int64_t original = file.optional_integer(p + "rope.scaling.original_context_length").value_or(0);
    const GgufTensorInfo* long_factors = file.find_tensor("rope_factors_long.weight");
    const GgufTensorInfo* short_factors = file.find_tensor("rope_factors_short.weight");
    if (long_factors && short_factors) {
      RopeScaling& scaling = config.rope_scaling;
      scaling.type = "longrope";
      scaling.long_factor = tensor_values(file, *long_factors);
      scaling.short_factor = tensor_values(file, *short_factors);
      if (original > 0) scaling.original_max_position_embeddings = original;
      config.original_max_position_embeddings = original;
      const double scale = original > 0 ? static_cast<double>(config.max_position_embeddings) / original : 1.0;
      const double default_factor = scale > 1.0 ? std::sqrt(1 + std::log(scale) / std::log(static_cast<double>(original))) : 1.0;
      if (const auto attn = file.optional_real(p + "rope.scaling.attn_factor");
          attn && std::fabs(*attn - default_factor) > 1e-6 * default_factor)
        scaling.attention_factor = *attn;
      scaling.factor = scale;
    } else if (original > 0 && original != config.max_position_embeddings) {
      config.original_max_position_embeddings = original;
    }
  }
  if (arch == "gemma3") {
    config.final_logit_softcapping = float_as_decimal(file.optional_real(p + "final_logit_softcapping").value_or(0.0));
    config.query_pre_attn_scalar = static_cast<double>(config.head_dim);
    if (config.num_hidden_layers == 62)  // llama.cpp's 27B rule (see gguf_model_export)
      config.query_pre_attn_scalar = static_cast<double>(config.hidden_size / config.num_attention_heads);
    config.sliding_window = file.optional_integer(p + "attention.sliding_window").value_or(0);
    if (config.sliding_window > 0) {
      const int64_t period = file.optional_integer(p + "attention.sliding_window_pattern").value_or(6);
      for (int64_t layer = 0; layer < config.num_hidden_layers; ++layer)
        config.layer_types.push_back(period > 0 && layer % period < period - 1 ? "sliding_attention" : "full_attention");
      config.sliding_rope_theta = float_as_decimal(file.optional_real(p + "rope.freq_base_swa").value_or(10000.0));
    }
  }

  // Special tokens for config.json / generation_config.json, as the tokenizer keys give them.
  if (const auto bos = file.optional_integer("tokenizer.ggml.bos_token_id")) {
    config.bos_token_ids = {*bos};
    prepared.generation_config["bos_token_id"] = *bos;
  }
  std::vector<int64_t> eos;
  if (const auto id = file.optional_integer("tokenizer.ggml.eos_token_id")) eos.push_back(*id);
  if (const auto id = file.optional_integer("tokenizer.ggml.eot_token_id"); id && std::find(eos.begin(), eos.end(), *id) == eos.end())
    eos.push_back(*id);
  config.eos_token_ids = eos;
  if (eos.size() == 1) prepared.generation_config["eos_token_id"] = eos[0];
  else if (!eos.empty()) prepared.generation_config["eos_token_id"] = eos;
  if (const auto pad = file.optional_integer("tokenizer.ggml.padding_token_id")) prepared.generation_config["pad_token_id"] = *pad;

  // --- the tensors, under their Hugging Face names ---
  const bool llama_permute = arch == "llama";
  for (const GgufTensorInfo& tensor : file.tensors()) {
    const std::string& name = tensor.name;
    if (name == "rope_freqs.weight" || name == "rope_factors_long.weight" || name == "rope_factors_short.weight")
      continue;  // carried by config.json's rope_scaling
    std::string hf;
    if (name == "token_embd.weight") hf = "model.embed_tokens.weight";
    else if (name == "output.weight") hf = "lm_head.weight";
    else if (starts_with(name, "output_norm.")) hf = "model.norm." + name.substr(12);
    else if (starts_with(name, "blk.")) {
      const size_t dot = name.find('.', 4);
      const std::string layer = dot == std::string::npos ? "" : name.substr(4, dot - 4);
      const bool number = !layer.empty() && layer.size() < 6 &&
                          std::all_of(layer.begin(), layer.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
      const std::string rest = number ? hf_block_tensor_name(name.substr(dot + 1), arch) : "";
      if (!rest.empty()) hf = "model.layers." + std::to_string(std::stoi(layer)) + "." + rest;
    }
    if (hf.empty()) throw Error(msg::Export::gguf_import_unknown_tensor, path, name, arch);
    json entry = {{"name", hf}, {"gguf", name}};
    if (llama_permute && (ends_with(hf, "self_attn.q_proj.weight") || ends_with(hf, "self_attn.q_proj.bias"))) {
      entry["transform"] = "unpermute_rope";
      entry["heads"] = config.num_attention_heads;
    } else if (llama_permute && (ends_with(hf, "self_attn.k_proj.weight") || ends_with(hf, "self_attn.k_proj.bias"))) {
      entry["transform"] = "unpermute_rope";
      entry["heads"] = config.num_key_value_heads;
    } else if (arch == "gemma3" && ends_with(hf, "norm.weight")) {
      entry["transform"] = "minus_one";  // Gemma3RMSNorm's (1 + w), stored by the converter as 1 + w
    }
    prepared.weight_map.push_back(std::move(entry));
  }
  return prepared;
}

#ifdef LORA_HAVE_GGUF_TOKENIZER_IMPORT
GgufTokenizerFields tokenizer_fields(const GgufFile& file) {
  GgufTokenizerFields fields;
  fields.model = file.get_string("tokenizer.ggml.model");
  fields.pre = file.optional_string("tokenizer.ggml.pre").value_or("");
  fields.tokens = file.get_string_array("tokenizer.ggml.tokens");
  if (file.contains("tokenizer.ggml.scores"))
    for (double score : file.get_real_array("tokenizer.ggml.scores")) fields.scores.push_back(static_cast<float>(score));
  if (file.contains("tokenizer.ggml.token_type"))
    for (int64_t type : file.get_integer_array("tokenizer.ggml.token_type"))
      fields.token_types.push_back(static_cast<std::int32_t>(type));
  if (file.contains("tokenizer.ggml.merges")) fields.merges = file.get_string_array("tokenizer.ggml.merges");
  fields.bos_id = file.optional_integer("tokenizer.ggml.bos_token_id");
  fields.eos_id = file.optional_integer("tokenizer.ggml.eos_token_id");
  fields.unk_id = file.optional_integer("tokenizer.ggml.unknown_token_id");
  fields.pad_id = file.optional_integer("tokenizer.ggml.padding_token_id");
  fields.eot_id = file.optional_integer("tokenizer.ggml.eot_token_id");
  fields.eom_id = file.optional_integer("tokenizer.ggml.eom_token_id");
  fields.add_bos = file.optional_bool("tokenizer.ggml.add_bos_token");
  fields.add_eos = file.optional_bool("tokenizer.ggml.add_eos_token");
  fields.add_space_prefix = file.optional_bool("tokenizer.ggml.add_space_prefix");
  fields.chat_template = file.optional_string("tokenizer.chat_template").value_or("");
  return fields;
}
#endif

std::string folder_stem(const fs::path& file) {
  std::string stem;
  for (char c : file.stem().string())
    stem += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ? c : '_';
  if (stem.size() > 48) stem.resize(48);
  return stem.empty() ? "model" : stem;
}

void write_text(const fs::path& path, const std::string& text) { write_file_atomically(path.string(), text); }

}  // namespace

std::string gguf_cache_root() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  fs::path root;
  if (xdg && *xdg && fs::path(xdg).is_absolute()) {
    root = xdg;
  } else {
    const char* home = std::getenv("HOME");
    root = fs::path(home && *home ? home : "/tmp") / ".cache";
  }
  return (root / "lora-studio" / "gguf").string();
}

bool is_gguf_path(const std::string& path) {
  std::error_code error;
  if (path.empty() || !fs::is_regular_file(path, error)) return false;
  if (ends_with(lowercase(path), ".gguf")) return true;
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  return in.read(magic, 4) && std::memcmp(magic, "GGUF", 4) == 0;
}

std::string gguf_weight_type(const std::string& path) {
  try {
    const std::shared_ptr<GgufFile> file = GgufFile::open(path);
    std::map<std::string, std::uint64_t> bytes;
    for (const GgufTensorInfo& tensor : file->tensors()) bytes[tensor_type_traits(tensor.type).name] += tensor.nbytes;
    std::string best;
    std::uint64_t most = 0;
    for (const auto& [name, size] : bytes)
      if (size > most || best.empty()) best = name, most = size;
    return best;
  } catch (const Error&) {
    return "";
  }
}

std::string gguf_source_of(const std::string& model_dir) {
  std::error_code error;
  const fs::path map = fs::path(model_dir) / kGgufWeightMapFile;
  if (model_dir.empty() || !fs::is_regular_file(map, error)) return "";
  try {
    const json parsed = parse_json_object_file(map.string());
    const json* gguf = find_field(parsed, "gguf");
    return gguf && gguf->is_string() ? gguf->get<std::string>() : "";
  } catch (const Error&) {
    return "";
  }
}

std::string resolve_model_path(const std::string& path) {
  std::error_code error;
  const bool named_gguf = ends_with(lowercase(path), ".gguf") && !fs::is_directory(path, error);
  if (!named_gguf && !is_gguf_path(path)) return path;

  const fs::path absolute = fs::weakly_canonical(fs::absolute(path, error), error);
  const std::string source = absolute.empty() ? path : absolute.string();
  // The folder is named after the file's path, size and modification time: a changed file gets a new one.
  const auto size = fs::file_size(source, error);
  const auto modified = fs::last_write_time(source, error).time_since_epoch().count();
  const std::string identity = std::string(kPreparedFormat) + "\n" + source + "\n" + std::to_string(size) + "\n" +
                               std::to_string(static_cast<long long>(modified));
  const fs::path root(gguf_cache_root());
  const fs::path folder = root / (folder_stem(source) + "-" + sha256_hex(identity).substr(0, 16));
  if (fs::is_regular_file(folder / kGgufWeightMapFile, error)) return folder.string();

  std::shared_ptr<GgufFile> file = GgufFile::open(source);  // validates; errors name the file
  const Prepared prepared = prepare(*file);
  fs::create_directories(root, error);
  if (error) throw Error(msg::Export::gguf_import_cache_folder, source, root.string(), error.message());
  // Built beside its final name and renamed into place, so a half-prepared folder is never used.
  std::random_device random;
  const fs::path building = root / (".building-" + folder.filename().string() + "-" + std::to_string(::getpid()) + "-" +
                                    std::to_string(random()));
  fs::create_directories(building, error);
  if (error) throw Error(msg::Export::gguf_import_cache_folder, source, building.string(), error.message());
  try {
    write_text(building / "config.json", model_config_to_json(prepared.config));
    write_text(building / "generation_config.json", prepared.generation_config.dump(2) + "\n");
#ifdef LORA_HAVE_GGUF_TOKENIZER_IMPORT
    if (file->contains("tokenizer.ggml.model"))
      write_tokenizer_files_from_gguf(tokenizer_fields(*file), building.string(), source);
#endif
    const json map = {{"format", kPreparedFormat},
                      {"gguf", source},
                      {"gguf_size", file->file_size()},
                      {"tensors", prepared.weight_map}};
    write_text(building / kGgufWeightMapFile, map.dump(1) + "\n");
    load_model_config((building / "config.json").string());  // what we wrote must read back
  } catch (...) {
    fs::remove_all(building, error);
    throw;
  }
  fs::rename(building, folder, error);
  if (error) {
    std::error_code ignored;
    fs::remove_all(building, ignored);
    // Another process prepared the same file at the same time: use its folder.
    if (fs::is_regular_file(folder / kGgufWeightMapFile, ignored)) return folder.string();
    throw Error(msg::Export::gguf_import_cache_folder, source, folder.string(), error.message());
  }
  return folder.string();
}

}  // namespace lora::gguf
