#include "lora_adapter.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <memory>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "atomic_file.h"
#include "checkpoint.h"
#include "error.h"
#include "json_reader.h"
#include "model_messages.h"
#include "safetensors.h"
#include "string_affix.h"

namespace lora {

namespace {

using nlohmann::json;

const char* const kPeftPrefix = "base_model.model.";

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// PEFT's patterns are Python regexes, run here with PCRE2 (Perl syntax, as close to Python's re as
// C++ gets). A pattern comes from a stranger's adapter_config.json, so matching is bounded: a
// pattern that backtracks catastrophically ("(a+)+$") stops with an error instead of hanging.
class PathRegex {
 public:
  PathRegex(const std::string& pattern, const std::string& what) : pattern_(pattern), what_(what) {
    int error_code = 0;
    PCRE2_SIZE error_offset = 0;
    code_.reset(pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), 0, &error_code,
                              &error_offset, nullptr));
    if (!code_) {
      PCRE2_UCHAR message[256];
      pcre2_get_error_message(error_code, message, sizeof message);
      throw Error(msg::Model::regex_invalid, what, pattern, reinterpret_cast<const char*>(message), error_offset);
    }
    context_.reset(pcre2_match_context_create(nullptr));
    pcre2_set_match_limit(context_.get(), 1000000);
    pcre2_set_depth_limit(context_.get(), 10000);
  }
  // The whole of `text` matches (Python's re.fullmatch).
  bool full_match(const std::string& text) const { return run(text, PCRE2_ANCHORED | PCRE2_ENDANCHORED, nullptr); }
  // A match anywhere; *group1 receives the first group's text.
  bool search(const std::string& text, std::string* group1) const { return run(text, 0, group1); }

 private:
  bool run(const std::string& text, uint32_t options, std::string* group1) const {
    std::unique_ptr<pcre2_match_data, decltype(&pcre2_match_data_free)> match(
        pcre2_match_data_create_from_pattern(code_.get(), nullptr), &pcre2_match_data_free);
    const int result = pcre2_match(code_.get(), reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0, options,
                                   match.get(), context_.get());
    if (result == PCRE2_ERROR_NOMATCH) return false;
    if (result < 0)
      throw Error(msg::Model::regex_too_complex, what_, pattern_, text);
    if (group1) {
      const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(match.get());
      *group1 = result > 1 && ovector[2] != PCRE2_UNSET ? text.substr(ovector[2], ovector[3] - ovector[2]) : "";
    }
    return true;
  }
  std::string pattern_, what_;
  std::unique_ptr<pcre2_code, decltype(&pcre2_code_free)> code_{nullptr, &pcre2_code_free};
  std::unique_ptr<pcre2_match_context, decltype(&pcre2_match_context_free)> context_{nullptr,
                                                                                     &pcre2_match_context_free};
};

PathRegex compile_regex(const std::string& pattern, const std::string& what) { return PathRegex(pattern, what); }

bool selector_matches(const ModuleSelector& selector, const std::string& path, const std::string& what) {
  if (selector.is_regex) return compile_regex(selector.regex, what).full_match(path);
  for (const auto& name : selector.names) {
    if (path == name) return true;
    if (ends_with(path, "." + name)) return true;
  }
  return false;
}

// get_pattern_key: the first key (in sorted order, as PEFT's file and json.load give them) for which
// "(.*\.)?(key)" matches the whole path.
template <typename Value>
const Value* pattern_value(const std::map<std::string, Value>& patterns, const std::string& path,
                           const std::string& what) {
  for (const auto& [key, value] : patterns) {
    if (compile_regex("(.*\\.)?(" + key + ")", what).full_match(path)) return &value;
  }
  return nullptr;
}

ModuleSelector parse_selector(const json& value, const JsonPath& at) {
  ModuleSelector selector;
  if (value.is_null()) return selector;
  if (value.is_string()) {
    selector.is_regex = true;
    selector.regex = value.get<std::string>();
    return selector;
  }
  if (!value.is_array()) at.fail_value(value, Message(msg::Model::expected_module_names_or_string));
  for (size_t i = 0; i < value.size(); ++i) selector.names.push_back(json_to_string(value[i], at[i]));
  return selector;
}

json selector_to_json(const ModuleSelector& selector) {
  if (selector.is_regex) return selector.regex;
  if (selector.names.empty()) return nullptr;
  return selector.names;
}

// Ranks and layer indices far beyond any real model's widths and depths are refused before they
// size anything.
constexpr int64_t kMaxRank = 65536;
constexpr int64_t kMaxLayerIndex = 65535;
// lora_alpha is a scale: any finite value PEFT would take (negative flips the update's sign).
const NumberRange kAlphaRange = NumberRange::between(-1e9, 1e9);

// lora_alpha 16 stays 16 (as PEFT writes it), 0.5 stays 0.5.
json plain_number(double value) {
  if (std::floor(value) == value && std::fabs(value) < 1e15) return static_cast<int64_t>(value);
  return value;
}

}  // namespace

LoraConfig parse_lora_config(const std::string& json_text, const std::string& source) {
  const json root = parse_json_object_text(json_text, source);
  const JsonFields fields(root, JsonPath(source));
  LoraConfig config;

  const std::string peft_type = fields.optional_string("peft_type", "");
  if (peft_type.empty()) throw Error(msg::Model::peft_type_missing, source);
  if (peft_type != "LORA")
    throw Error(msg::Model::peft_type_not_lora, source, peft_type);

  auto targets = root.find("target_modules");
  if (targets == root.end() || targets->is_null())
    throw Error(msg::Model::target_modules_missing, source);
  config.target_modules = parse_selector(*targets, fields.path("target_modules"));
  if (config.target_modules.empty()) throw Error(msg::Model::target_modules_empty, source);
  if (auto it = root.find("exclude_modules"); it != root.end())
    config.exclude_modules = parse_selector(*it, fields.path("exclude_modules"));

  config.r = fields.optional_int("r", config.r, 1, kMaxRank);
  config.lora_alpha = fields.optional_number("lora_alpha", 8.0, kAlphaRange);
  config.lora_dropout = fields.optional_number("lora_dropout", 0.0, NumberRange{0.0, 1.0, true, false});
  config.use_rslora = fields.optional_bool("use_rslora", false);
  config.inference_mode = fields.optional_bool("inference_mode", true);
  config.base_model_name_or_path = fields.optional_string("base_model_name_or_path", "");
  config.task_type = fields.optional_string("task_type", "CAUSAL_LM");

  if (fields.has("rank_pattern")) {
    const json& patterns = fields.at("rank_pattern");
    if (!patterns.is_object()) fields.fail("rank_pattern", Message(msg::Model::expected_rank_pattern));
    for (const auto& [key, value] : patterns.items())
      config.rank_pattern[key] = json_to_int(value, fields.path("rank_pattern") / key, 1, kMaxRank);
  }
  if (fields.has("alpha_pattern")) {
    const json& patterns = fields.at("alpha_pattern");
    if (!patterns.is_object()) fields.fail("alpha_pattern", Message(msg::Model::expected_alpha_pattern));
    for (const auto& [key, value] : patterns.items())
      config.alpha_pattern[key] = json_to_number(value, fields.path("alpha_pattern") / key, kAlphaRange);
  }
  if (fields.has("layers_to_transform")) {
    const json& layers = fields.at("layers_to_transform");
    const JsonPath at = fields.path("layers_to_transform");
    if (layers.is_array()) {
      for (size_t i = 0; i < layers.size(); ++i)
        config.layers_to_transform.push_back(json_to_int(layers[i], at[i], 0, kMaxLayerIndex));
    } else {
      config.layers_to_transform.push_back(json_to_int(layers, at, 0, kMaxLayerIndex));
    }
  }
  if (fields.has("layers_pattern")) {
    const json& patterns = fields.at("layers_pattern");
    const JsonPath at = fields.path("layers_pattern");
    if (patterns.is_string()) {
      if (!patterns.get<std::string>().empty()) config.layers_pattern.push_back(patterns.get<std::string>());
    } else if (patterns.is_array()) {
      for (size_t i = 0; i < patterns.size(); ++i) config.layers_pattern.push_back(json_to_string(patterns[i], at[i]));
    } else {
      at.fail_value(patterns, Message(msg::Model::expected_string_or_strings));
    }
  }

  // What an adapter may ask for that this engine does not run: refuse rather than compute
  // something different from what the adapter was trained as.
  config.use_dora = fields.optional_bool("use_dora", false);
  const std::string bias = fields.optional_string("bias", "none");
  if (bias != "none") throw Error(msg::Model::bias_unsupported, source, bias);
  if (auto it = root.find("modules_to_save"); it != root.end() && !it->is_null() && !(it->is_array() && it->empty()))
    throw Error(msg::Model::modules_to_save_unsupported, source);
  if (auto it = root.find("layer_replication"); it != root.end() && !it->is_null())
    throw Error(msg::Model::layer_replication_unsupported, source);
  if (fields.optional_bool("lora_bias", false))
    throw Error(msg::Model::lora_bias_unsupported, source);
  if (auto it = root.find("target_parameters"); it != root.end() && !it->is_null() && !(it->is_array() && it->empty()))
    throw Error(msg::Model::target_parameters_unsupported, source);
  // Validate the patterns now, so a bad one is reported before any weights are read.
  if (config.target_modules.is_regex && lower(config.target_modules.regex) != "all-linear")
    compile_regex(config.target_modules.regex, source + ": target_modules");
  if (config.exclude_modules.is_regex) compile_regex(config.exclude_modules.regex, source + ": exclude_modules");
  for (const auto& [key, value] : config.rank_pattern) compile_regex(key, source + ": rank_pattern");
  for (const auto& [key, value] : config.alpha_pattern) compile_regex(key, source + ": alpha_pattern");
  return config;
}

LoraConfig load_lora_config(const std::string& adapter_dir) {
  const std::string path = (std::filesystem::path(adapter_dir) / "adapter_config.json").string();
  if (!std::filesystem::exists(path))
    throw Error(msg::Model::adapter_config_missing, adapter_dir);
  return parse_lora_config(read_text_file(path), path);
}

std::string lora_config_to_json(const LoraConfig& config) {
  json root = json::object();  // std::map underneath: keys come out sorted, as PEFT's sort_keys=True
  json alpha_pattern = json::object();
  for (const auto& [key, value] : config.alpha_pattern) alpha_pattern[key] = plain_number(value);
  json rank_pattern = json::object();
  for (const auto& [key, value] : config.rank_pattern) rank_pattern[key] = value;
  root["alpha_pattern"] = alpha_pattern;
  root["auto_mapping"] = nullptr;
  root["base_model_name_or_path"] = config.base_model_name_or_path;
  root["bias"] = "none";
  root["fan_in_fan_out"] = false;
  root["inference_mode"] = config.inference_mode;
  root["init_lora_weights"] = true;
  root["layers_pattern"] = config.layers_pattern.empty() ? json(nullptr)
                           : config.layers_pattern.size() == 1 ? json(config.layers_pattern[0])
                                                               : json(config.layers_pattern);
  root["layers_to_transform"] = config.layers_to_transform.empty() ? json(nullptr) : json(config.layers_to_transform);
  root["lora_alpha"] = plain_number(config.lora_alpha);
  root["lora_dropout"] = config.lora_dropout;
  root["modules_to_save"] = nullptr;
  root["peft_type"] = "LORA";
  root["r"] = config.r;
  root["rank_pattern"] = rank_pattern;
  root["revision"] = nullptr;
  root["target_modules"] = selector_to_json(config.target_modules);
  root["task_type"] = config.task_type;
  root["use_dora"] = config.use_dora;
  root["use_rslora"] = config.use_rslora;
  if (!config.exclude_modules.empty()) root["exclude_modules"] = selector_to_json(config.exclude_modules);
  return root.dump(2) + "\n";
}

bool lora_targets_module(const LoraConfig& config, const std::string& module_path, bool is_output_layer) {
  if (!config.exclude_modules.empty() && selector_matches(config.exclude_modules, module_path, "exclude_modules"))
    return false;
  const ModuleSelector& targets = config.target_modules;
  if (targets.is_regex) {
    if (lower(targets.regex) == "all-linear") return !is_output_layer;  // caller passes linear layers only
    return selector_matches(targets, module_path, "target_modules");
  }
  if (!selector_matches(targets, module_path, "target_modules")) return false;
  // PEFT checks layers_to_transform for suffix matches of a target list (an exact path listed in
  // target_modules is taken as is).
  bool exact = std::find(targets.names.begin(), targets.names.end(), module_path) != targets.names.end();
  if (exact || config.layers_to_transform.empty()) return true;
  std::string layer_text;
  bool found = false;
  if (config.layers_pattern.empty()) {
    static const PathRegex any_layer(R"(^.*\.[^.]*\.(\d+)\.)", "layers_pattern");
    found = any_layer.search(module_path, &layer_text);
  } else {
    for (const auto& pattern : config.layers_pattern) {
      if (compile_regex("^.*\\." + pattern + "\\.(\\d+)\\.", "layers_pattern").search(module_path, &layer_text)) {
        found = true;
        break;
      }
    }
  }
  if (!found || layer_text.empty() || layer_text.size() > 18) return false;  // no layer index, or none of ours
  const int64_t layer = std::stoll(layer_text);
  return std::find(config.layers_to_transform.begin(), config.layers_to_transform.end(), layer) !=
         config.layers_to_transform.end();
}

int64_t lora_rank_for(const LoraConfig& config, const std::string& module_path) {
  const int64_t* rank = pattern_value(config.rank_pattern, module_path, "rank_pattern");
  return rank ? *rank : config.r;
}

double lora_alpha_for(const LoraConfig& config, const std::string& module_path) {
  const double* alpha = pattern_value(config.alpha_pattern, module_path, "alpha_pattern");
  return alpha ? *alpha : config.lora_alpha;
}

double lora_scaling_for(const LoraConfig& config, const std::string& module_path) {
  const double rank = static_cast<double>(lora_rank_for(config, module_path));
  const double alpha = lora_alpha_for(config, module_path);
  return config.use_rslora ? alpha / std::sqrt(rank) : alpha / rank;
}

std::string peft_lora_key(const std::string& module_path, char factor) {
  return std::string(kPeftPrefix) + module_path + (factor == 'A' ? ".lora_A.weight" : ".lora_B.weight");
}

std::string peft_magnitude_key(const std::string& module_path) {
  return std::string(kPeftPrefix) + module_path + ".lora_magnitude_vector";
}

std::map<std::string, LoraFactors> read_lora_weights(const std::string& adapter_dir) {
  const std::filesystem::path dir(adapter_dir);
  const std::string path = (dir / "adapter_model.safetensors").string();
  if (!std::filesystem::exists(path)) {
    if (std::filesystem::exists(dir / "adapter_model.bin"))
      throw Error(msg::Model::adapter_is_pickle, adapter_dir);
    throw Error(msg::Model::adapter_weights_missing, adapter_dir);
  }
  auto file = SafetensorsFile::open(path);
  std::map<std::string, LoraFactors> factors;
  static const std::vector<std::pair<std::string, char>> suffixes = {
      {".lora_A.weight", 'A'}, {".lora_B.weight", 'B'}, {".lora_A.default.weight", 'A'}, {".lora_B.default.weight", 'B'}};
  static const std::vector<std::string> magnitude_suffixes = {
      ".lora_magnitude_vector", ".lora_magnitude_vector.weight", ".lora_magnitude_vector.default",
      ".lora_magnitude_vector.default.weight"};
  std::map<std::string, std::string> magnitude_keys;  // module path -> its key, for messages
  for (const TensorInfo& info : file->tensors()) {
    const std::string& key = info.name;
    if (!starts_with(key, kPeftPrefix))
      throw Error(msg::Model::adapter_key_not_peft, path, key);
    std::string magnitude_module;
    for (const auto& suffix : magnitude_suffixes) {
      if (key.size() > suffix.size() + std::strlen(kPeftPrefix) && ends_with(key, suffix)) {
        magnitude_module = key.substr(std::strlen(kPeftPrefix), key.size() - suffix.size() - std::strlen(kPeftPrefix));
        break;
      }
    }
    if (!magnitude_module.empty()) {
      if (info.dtype != DType::F32 && info.dtype != DType::BF16 && info.dtype != DType::F16)
        throw Error(msg::Model::adapter_tensor_dtype, path, key, dtype_name(info.dtype));
      if (info.shape.size() != 1) throw Error(msg::Model::adapter_magnitude_not_1d, path, key, info.shape.size());
      LoraFactors& entry = factors[magnitude_module];
      if (entry.magnitude.defined()) throw Error(msg::Model::adapter_magnitude_twice, path, magnitude_module);
      entry.magnitude = tensor_from_safetensors(*file, info);
      magnitude_keys[magnitude_module] = key;
      continue;
    }
    std::string module_path;
    char factor = 0;
    for (const auto& [suffix, which] : suffixes) {
      if (key.size() > suffix.size() + std::strlen(kPeftPrefix) && ends_with(key, suffix)) {
        module_path = key.substr(std::strlen(kPeftPrefix), key.size() - suffix.size() - std::strlen(kPeftPrefix));
        factor = which;
        break;
      }
    }
    if (!factor)
      throw Error(msg::Model::adapter_key_not_factor, path, key);
    if (info.dtype != DType::F32 && info.dtype != DType::BF16 && info.dtype != DType::F16)
      throw Error(msg::Model::adapter_tensor_dtype, path, key, dtype_name(info.dtype));
    if (info.shape.size() != 2)
      throw Error(msg::Model::adapter_tensor_not_2d, path, key, info.shape.size());
    LoraFactors& entry = factors[module_path];
    at::Tensor& slot = factor == 'A' ? entry.A : entry.B;
    if (slot.defined()) throw Error(msg::Model::adapter_factor_twice, path, module_path, std::string(1, factor));
    slot = tensor_from_safetensors(*file, info);
  }
  for (const auto& [module_path, entry] : factors) {
    if (entry.magnitude.defined() && !entry.A.defined() && !entry.B.defined())
      throw Error(msg::Model::adapter_magnitude_without_factors, path, magnitude_keys[module_path], module_path);
    if (!entry.A.defined()) throw Error(msg::Model::adapter_tensor_missing, path, peft_lora_key(module_path, 'A'));
    if (!entry.B.defined()) throw Error(msg::Model::adapter_tensor_missing, path, peft_lora_key(module_path, 'B'));
  }
  return factors;
}

void write_lora_adapter(const std::string& adapter_dir, const LoraConfig& config,
                        const std::vector<std::pair<std::string, at::Tensor>>& tensors) {
  std::error_code ec;
  std::filesystem::create_directories(adapter_dir, ec);
  if (ec) throw Error(msg::Model::adapter_folder_not_created, adapter_dir, ec.message());
  save_tensors((std::filesystem::path(adapter_dir) / "adapter_model.safetensors").string(), tensors);
  write_file_atomically((std::filesystem::path(adapter_dir) / "adapter_config.json").string(),
                        lora_config_to_json(config));
}

}  // namespace lora
