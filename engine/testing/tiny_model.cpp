#include "tiny_model.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "atomic_file.h"
#include "checkpoint.h"
#include "device.h"
#include "error.h"
#include "string_affix.h"
#include "testing_messages.h"
#include "json_reader.h"
#include "model_family.h"
#include "model_family_support.h"
#include "transformer.h"

namespace lora {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The files a Hugging Face tokenizer folder may hold; the ones present are copied.
const std::vector<std::string> kTokenizerFiles = {"tokenizer.json",          "tokenizer.model",
                                                  "tokenizer_config.json",   "special_tokens_map.json",
                                                  "added_tokens.json",       "chat_template.jinja",
                                                  "vocab.json",              "merges.txt"};

std::string read_binary(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(msg::Testing::cannot_be_read, path);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

int64_t tokenizer_json_vocab_size(const std::string& path) {
  const json root = parse_json_object_file(path);
  // Ids beyond int32 are no token ids (the tokenizer refuses them); they do not size the model.
  auto id_of = [](const json& value) { return json_int_in(value, 0, INT32_MAX).value_or(-1); };
  int64_t size = 0;
  const json* vocab = root.contains("model") && root.at("model").is_object() && root.at("model").contains("vocab")
                          ? &root.at("model").at("vocab")
                          : nullptr;
  if (!vocab) throw Error(msg::Testing::no_model_vocab, path);
  if (vocab->is_object()) {
    for (const auto& item : vocab->items())
      size = std::max<int64_t>(size, id_of(item.value()) + 1);
  } else if (vocab->is_array()) {  // Unigram: [[piece, score], ...]
    size = static_cast<int64_t>(vocab->size());
  } else {
    throw Error(msg::Testing::vocab_not_object_or_list, path);
  }
  if (root.contains("added_tokens") && root.at("added_tokens").is_array()) {
    for (const auto& token : root.at("added_tokens"))
      if (token.is_object() && token.contains("id")) size = std::max<int64_t>(size, id_of(token.at("id")) + 1);
  }
  if (size <= 0) throw Error(msg::Testing::vocabulary_empty, path);
  return size;
}

// tokenizer.model is a sentencepiece ModelProto: each piece is a length-delimited field 1 at the
// top level. Counting them needs no protobuf library.
int64_t sentencepiece_vocab_size(const std::string& path) {
  const std::string bytes = read_binary(path);
  size_t at = 0;
  auto varint = [&](uint64_t* value) {
    *value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (at >= bytes.size()) return false;
      const uint8_t byte = static_cast<uint8_t>(bytes[at++]);
      *value |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return true;
    }
    return false;
  };
  int64_t pieces = 0;
  while (at < bytes.size()) {
    uint64_t key = 0, value = 0;
    if (!varint(&key)) throw Error(msg::Testing::sentencepiece_truncated_key, path);
    const uint64_t field = key >> 3, wire = key & 7;
    if (wire == 0) {
      if (!varint(&value)) throw Error(msg::Testing::sentencepiece_truncated_varint, path);
    } else if (wire == 1 || wire == 5) {
      at += wire == 1 ? 8 : 4;
    } else if (wire == 2) {
      if (!varint(&value) || value > bytes.size() - at)
        throw Error(msg::Testing::sentencepiece_field_past_end, path);
      at += value;
      if (field == 1) ++pieces;
    } else {
      throw Error(msg::Testing::sentencepiece_wire_type, path, wire);
    }
    if (at > bytes.size()) throw Error(msg::Testing::sentencepiece_truncated, path);
  }
  if (pieces == 0) throw Error(msg::Testing::sentencepiece_no_pieces, path);
  return pieces;
}

// bos/eos ids from tokenizer_config.json's tokens looked up in tokenizer.json; sentencepiece
// models use <s> = 1 and </s> = 2.
std::pair<int64_t, int64_t> special_token_ids(const fs::path& dir) {
  int64_t bos = -1, eos = -1;
  if (!fs::exists(dir / "tokenizer.json")) {
    if (fs::exists(dir / "tokenizer.model")) return {1, 2};
    return {bos, eos};
  }
  json tokenizer;
  json config;
  try {
    tokenizer = json::parse(read_text_file((dir / "tokenizer.json").string()));
    if (fs::exists(dir / "tokenizer_config.json"))
      config = json::parse(read_text_file((dir / "tokenizer_config.json").string()));
  } catch (const json::exception&) {
    return {bos, eos};
  }
  auto token_text = [&](const char* field) -> std::string {
    if (!config.is_object() || !config.contains(field)) return "";
    const json& value = config[field];
    if (value.is_string()) return value.get<std::string>();
    if (value.is_object() && value.contains("content") && value["content"].is_string())
      return value["content"].get<std::string>();
    return "";
  };
  auto lookup = [&](const std::string& text) -> int64_t {
    if (text.empty()) return -1;
    if (tokenizer.contains("added_tokens") && tokenizer["added_tokens"].is_array())
      for (const auto& token : tokenizer["added_tokens"])
        if (token.is_object() && token.value("content", "") == text && token.contains("id"))
          return json_int_in(token.at("id"), 0, INT32_MAX).value_or(-1);
    if (tokenizer.contains("model") && tokenizer["model"].contains("vocab") && tokenizer["model"]["vocab"].is_object()) {
      const json& vocab = tokenizer["model"]["vocab"];
      if (vocab.contains(text)) return json_int_in(vocab.at(text), 0, INT32_MAX).value_or(-1);
    }
    return -1;
  };
  return {lookup(token_text("bos_token")), lookup(token_text("eos_token"))};
}

// The architectures make-tiny writes: every family's text model_type but the multimodal one.
const std::vector<std::string> kTinyArchitectures = {"llama", "qwen2", "mistral", "qwen3", "gemma3_text", "phi3"};

std::string tiny_architectures() {
  std::string list;
  for (const std::string& arch : kTinyArchitectures) list += (list.empty() ? "" : ", ") + arch;
  return list;
}

// The weights, drawn in the order the model takes them from one seeded generator: linear and
// embedding weights (and biases) normal(0, std), norms the identity.
class TinyWeights : public WeightSource {
 public:
  TinyWeights(uint64_t seed, double std, c10::ScalarType dtype, NormStyle norm_style)
      : generator_(at::make_generator<at::CPUGeneratorImpl>(seed)), std_(std), dtype_(dtype), norm_style_(norm_style) {}

  at::Tensor take(const std::string& name, const std::vector<int64_t>& shape) override {
    const bool norm = name.size() > 11 && name.compare(name.size() - 11, 11, "norm.weight") == 0;
    at::Tensor value = norm ? (norm_style_ == NormStyle::OnePlusWeight ? at::zeros(shape, at::kFloat)
                                                                       : at::ones(shape, at::kFloat))
                            : at::empty(shape, at::kFloat).normal_(0.0, std_, generator_);
    tensors.emplace_back(name, value.to(dtype_));
    return value;
  }

  std::vector<std::pair<std::string, at::Tensor>> tensors;

 private:
  at::Generator generator_;
  double std_;
  c10::ScalarType dtype_;
  NormStyle norm_style_;
};

void check_positive(int64_t value, msg::Testing what) {
  if (value <= 0) throw Error(msg::Testing::must_be_positive, Message(what), value);
}

// Copies the tokenizer files into the model folder; returns "tokenizer.json" / "sentencepiece".
std::string copy_tokenizer(const std::string& source, const fs::path& dir, std::vector<std::string>* files) {
  const fs::path from(source);
  std::vector<fs::path> to_copy;
  if (fs::is_directory(from)) {
    for (const auto& name : kTokenizerFiles)
      if (fs::exists(from / name)) to_copy.push_back(from / name);
    if (!fs::exists(from / "tokenizer.json") && !fs::exists(from / "tokenizer.model"))
      throw Error(msg::Testing::no_tokenizer_in_folder, source);
  } else if (fs::is_regular_file(from)) {
    const std::string name = from.filename().string();
    if (name != "tokenizer.json" && name != "tokenizer.model")
      throw Error(msg::Testing::not_a_tokenizer_file, source);
    to_copy.push_back(from);
  } else {
    throw Error(msg::Testing::no_such_tokenizer, source);
  }
  for (const auto& path : to_copy) {
    if (fs::absolute(path).lexically_normal() == fs::absolute(dir / path.filename()).lexically_normal()) continue;
    write_file_atomically((dir / path.filename()).string(), read_binary(path.string()));
    files->push_back(path.filename().string());
  }
  return fs::exists(dir / "tokenizer.json") ? "tokenizer.json" : "sentencepiece";
}

bool is_model_file(const std::string& name) {
  return name == "config.json" || name == "generation_config.json" || name == "model.safetensors.index.json" ||
         (starts_with(name, "model") && ends_with(name, ".safetensors"));
}

}  // namespace

int64_t tokenizer_vocab_size(const std::string& tokenizer_path) {
  const fs::path path(tokenizer_path);
  if (fs::is_directory(path)) {
    if (fs::exists(path / "tokenizer.json")) return tokenizer_json_vocab_size((path / "tokenizer.json").string());
    if (fs::exists(path / "tokenizer.model")) return sentencepiece_vocab_size((path / "tokenizer.model").string());
    throw Error(msg::Testing::no_tokenizer_in_folder, tokenizer_path);
  }
  if (!fs::is_regular_file(path)) throw Error(msg::Testing::no_such_tokenizer, tokenizer_path);
  if (path.filename() == "tokenizer.model") return sentencepiece_vocab_size(tokenizer_path);
  return tokenizer_json_vocab_size(tokenizer_path);
}

TinyModelInfo write_tiny_model(const std::string& model_dir, const TinyModelOptions& options) {
  if (std::find(kTinyArchitectures.begin(), kTinyArchitectures.end(), options.arch) == kTinyArchitectures.end())
    throw Error(msg::Testing::unknown_architecture, options.arch, tiny_architectures());
  const c10::ScalarType dtype = dtype_from_string(options.dtype, "make-tiny --dtype");
  check_positive(options.hidden_size, msg::Testing::hidden_size);
  check_positive(options.intermediate_size, msg::Testing::intermediate_size);
  check_positive(options.num_layers, msg::Testing::number_of_layers);
  check_positive(options.num_heads, msg::Testing::number_of_attention_heads);
  check_positive(options.num_kv_heads, msg::Testing::number_of_kv_heads);
  if (options.num_heads % options.num_kv_heads != 0)
    throw Error(msg::Testing::heads_not_multiple_of_kv_heads, options.num_heads, options.num_kv_heads);
  if (options.head_dim == 0 && options.hidden_size % options.num_heads != 0)
    throw Error(msg::Testing::hidden_size_not_divisible, options.hidden_size, options.num_heads);
  const int64_t head_dim = options.head_dim > 0 ? options.head_dim : options.hidden_size / options.num_heads;
  if (head_dim % 2 != 0) throw Error(msg::Testing::head_dim_odd, head_dim);
  if (options.shards < 1) throw Error(msg::Testing::shards_below_one);

  const fs::path dir(model_dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(msg::Testing::cannot_create_folder, model_dir, ec.message());
  std::vector<fs::path> existing;
  for (const auto& entry : fs::directory_iterator(dir))
    if (is_model_file(entry.path().filename().string())) existing.push_back(entry.path());
  if (!existing.empty()) {
    if (!options.overwrite)
      throw Error(msg::Testing::folder_holds_model, model_dir, existing.front().filename().string());
    for (const auto& path : existing) fs::remove(path);
  }

  TinyModelInfo info;
  if (!options.tokenizer_path.empty()) info.tokenizer = copy_tokenizer(options.tokenizer_path, dir, &info.files);
  int64_t vocab = options.vocab_size;
  if (vocab <= 0) vocab = info.tokenizer.empty() ? 512 : tokenizer_vocab_size(model_dir);
  info.vocab_size = vocab;

  // The config as the family reads it: the options in config.json's words, read back by the
  // family's parser (which sets every default and structure field), then written as transformers
  // writes it.
  const std::string& arch = options.arch;
  const bool llama_like = arch == "llama" || arch == "qwen2" || arch == "mistral";
  json fields = {{"model_type", arch},
                 {"vocab_size", vocab},
                 {"hidden_size", options.hidden_size},
                 {"intermediate_size", options.intermediate_size},
                 {"num_hidden_layers", options.num_layers},
                 {"num_attention_heads", options.num_heads},
                 {"num_key_value_heads", options.num_kv_heads},
                 {"max_position_embeddings", options.max_position_embeddings},
                 {"tie_word_embeddings", options.tied},
                 {"torch_dtype", dtype_to_string(dtype)}};
  // Explicit where the family would otherwise take its own default (Qwen3 128, Gemma 3 256).
  if (options.head_dim > 0 || !llama_like) fields["head_dim"] = head_dim;
  fields["rms_norm_eps"] = arch == "qwen2" || arch == "qwen3" || arch == "gemma3_text" ? 1e-6 : 1e-5;
  fields["rope_theta"] = options.rope_theta > 0 ? options.rope_theta : arch == "llama" || arch == "phi3" ? 10000.0
                                                                                                         : 1000000.0;
  if (!options.rope_scaling.type.empty()) {
    RopeScaling scaling = options.rope_scaling;
    if (scaling.type == "longrope" && scaling.original_max_position_embeddings <= 0)
      scaling.original_max_position_embeddings = options.max_position_embeddings;
    fields["rope_scaling"] = family_support::rope_scaling_json(scaling);
  }
  if (arch == "mistral" || arch == "phi3")
    fields["sliding_window"] = options.sliding_window > 0 ? json(options.sliding_window) : json(nullptr);
  if (arch == "qwen3" && options.sliding_window > 0) {
    fields["use_sliding_window"] = true;
    fields["sliding_window"] = options.sliding_window;
    fields["max_window_layers"] = 0;
  }
  if (arch == "gemma3_text") {
    fields["sliding_window"] = options.sliding_window > 0 ? options.sliding_window : 4096;
    fields["query_pre_attn_scalar"] = head_dim;
    // Gemma's five sliding layers to one global, cut to the model's depth: a 2-layer model has one of each.
    fields["sliding_window_pattern"] = std::min<int64_t>(6, options.num_layers);
  }
  if (arch == "phi3") {
    fields["original_max_position_embeddings"] = options.rope_scaling.type == "longrope"
                                                     ? options.rope_scaling.original_max_position_embeddings
                                                     : options.max_position_embeddings;
    if (options.partial_rotary_factor != 1.0) fields["partial_rotary_factor"] = options.partial_rotary_factor;
  } else if (options.partial_rotary_factor != 1.0) {
    throw Error(msg::Testing::partial_rotary_phi3_only);
  }
  int64_t bos = 1, eos = 2;
  if (!info.tokenizer.empty()) std::tie(bos, eos) = special_token_ids(dir);
  fields["bos_token_id"] = bos >= 0 && bos < vocab ? json(bos) : json(nullptr);
  fields["eos_token_id"] = eos >= 0 && eos < vocab ? json(eos) : json(nullptr);
  const ModelConfig config = parse_model_config(fields.dump(), "make-tiny (" + arch + ")");

  // Weights in checkpoint order, drawn from one seeded generator while the model's own modules take
  // them: the file has exactly the tensors, names and shapes the loader expects.
  TinyWeights weights(options.seed, options.init_std, dtype, config.norm_style);
  {
    at::NoGradGuard no_grad;
    CausalLMModule module(config, weights, c10::Device(c10::kCPU));
  }
  std::vector<std::pair<std::string, at::Tensor>>& tensors = weights.tensors;

  int64_t total_bytes = 0;
  for (const auto& [name, tensor] : tensors) {
    info.num_parameters += tensor.numel();
    total_bytes += tensor.numel() * static_cast<int64_t>(tensor.element_size());
  }
  if (options.shards > static_cast<int>(tensors.size()))
    throw Error(msg::Testing::too_many_shards, tensors.size(), options.shards);

  if (options.shards == 1) {
    save_tensors((dir / "model.safetensors").string(), tensors);
    info.files.push_back("model.safetensors");
  } else {
    // Consecutive tensors per shard, cut where the running size passes k/N of the total, each
    // shard keeping at least one tensor.
    const int shards = options.shards;
    auto shard_name = [&](int index) {
      char name[64];
      std::snprintf(name, sizeof(name), "model-%05d-of-%05d.safetensors", index + 1, shards);
      return std::string(name);
    };
    json weight_map = json::object();
    size_t next = 0;
    int64_t written = 0;
    for (int shard = 0; shard < shards; ++shard) {
      const size_t must_leave = static_cast<size_t>(shards - shard - 1);
      const int64_t target = total_bytes * (shard + 1) / shards;
      std::vector<std::pair<std::string, at::Tensor>> part;
      while (next < tensors.size() - must_leave &&
             (part.empty() || shard == shards - 1 || written < target)) {
        written += tensors[next].second.numel() * static_cast<int64_t>(tensors[next].second.element_size());
        weight_map[tensors[next].first] = shard_name(shard);
        part.push_back(tensors[next++]);
      }
      save_tensors((dir / shard_name(shard)).string(), part);
      info.files.push_back(shard_name(shard));
    }
    json index = {{"metadata", {{"total_size", total_bytes}}}, {"weight_map", weight_map}};
    write_file_atomically((dir / "model.safetensors.index.json").string(), index.dump(2) + "\n");
    info.files.push_back("model.safetensors.index.json");
  }

  json config_json = json::parse(model_config_to_json(config));
  config_json["initializer_range"] = options.init_std;
  write_file_atomically((dir / "config.json").string(), config_json.dump(2) + "\n");
  info.files.push_back("config.json");

  json generation = {{"_from_model_config", true}};
  if (!config.bos_token_ids.empty()) generation["bos_token_id"] = config.bos_token_ids[0];
  if (!config.eos_token_ids.empty()) generation["eos_token_id"] = config.eos_token_ids[0];
  write_file_atomically((dir / "generation_config.json").string(), generation.dump(2) + "\n");
  info.files.push_back("generation_config.json");
  return info;
}

}  // namespace lora
