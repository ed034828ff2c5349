#include "sentencepiece_tokenizer.h"

// ---------------------------------------------------------------------------------------------
// Why sentencepiece is loaded with dlopen (NOTES.md, "Trap 1").
//
// Debian's libsentencepiece.so.0 embeds its own protobuf-lite (3.14) and exports its
// google::protobuf symbols; libtorch_cpu.so links the system libprotobuf (3.21). Linked into one
// executable, whichever order, the two protobufs resolve each other's symbols: the process
// segfaults in protobuf's static initialisation or aborts with "compiled against version
// 3.14.0 ... not compatible with 3.21.12". So:
//
//  1. No engine library or executable links sentencepiece. Only lora_spm_bridge does
//     (engine/text/spm_bridge/), and it exports nothing but a C API (spm_bridge_api.h).
//  2. The bridge is loaded here with dlopen(RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND):
//     RTLD_LOCAL keeps its symbols (and sentencepiece's protobuf) out of the global scope, so
//     libtorch never sees them; RTLD_DEEPBIND makes the bridge and the libraries it pulls in
//     resolve their own symbols first, so sentencepiece binds to its embedded protobuf even
//     when libtorch's protobuf is already loaded.
//  3. Every executable that loads it is compiled with -fPIC, not -fPIE (top-level CMakeLists):
//     an -fPIE executable gets copy relocations of std::cout/std::cerr, and sentencepiece,
//     deep-bound to libstdc++'s own copies, then crashes in its first log line.
//
// The bridge is looked for, in this order: $LORA_STUDIO_SPM_BRIDGE (must work if set); the build
// tree's copy (LORA_SPM_BRIDGE_BUILD_PATH); the installed copy (LORA_SPM_BRIDGE_INSTALL_PATH);
// beside the running executable; and ../lib/lora-studio/ from it. It stays loaded until exit.
// test_sentencepiece checks that torch and sentencepiece work in one process.
// ---------------------------------------------------------------------------------------------

#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <type_traits>
#include <filesystem>
#include <mutex>

#include "error.h"
#include "text_messages.h"
#include "spm_bridge/spm_bridge_api.h"
#include "unicode_text.h"

#ifndef LORA_SPM_BRIDGE_BUILD_PATH
#define LORA_SPM_BRIDGE_BUILD_PATH ""
#endif
#ifndef LORA_SPM_BRIDGE_INSTALL_PATH
#define LORA_SPM_BRIDGE_INSTALL_PATH ""
#endif

namespace lora {

// The bridge's functions, resolved once.
struct SpmBridge {
  std::string path;
  decltype(&lora_spm_api_version) api_version = nullptr;
  decltype(&lora_spm_load) load = nullptr;
  decltype(&lora_spm_free) free_model = nullptr;
  decltype(&lora_spm_encode) encode = nullptr;
  decltype(&lora_spm_free_ids) free_ids = nullptr;
  decltype(&lora_spm_decode) decode = nullptr;
  decltype(&lora_spm_free_string) free_string = nullptr;
  decltype(&lora_spm_vocab_size) vocab_size = nullptr;
  decltype(&lora_spm_id_to_piece) id_to_piece = nullptr;
  decltype(&lora_spm_piece_to_id) piece_to_id = nullptr;
  decltype(&lora_spm_is_control) is_control = nullptr;
  decltype(&lora_spm_is_unknown) is_unknown = nullptr;
  decltype(&lora_spm_is_byte) is_byte = nullptr;
  decltype(&lora_spm_is_unused) is_unused = nullptr;
  decltype(&lora_spm_bos_id) bos_id = nullptr;
  decltype(&lora_spm_eos_id) eos_id = nullptr;
  decltype(&lora_spm_unk_id) unk_id = nullptr;
  decltype(&lora_spm_pad_id) pad_id = nullptr;
  decltype(&lora_spm_train) train = nullptr;
};

namespace {

constexpr const char* kBridgeFileName = "liblora_spm_bridge.so";

std::filesystem::path executable_dir() {
  std::error_code error;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::filesystem::path() : exe.parent_path();
}

// Opens `path` and resolves every function; returns nullptr and sets `why` on failure.
std::unique_ptr<SpmBridge> open_bridge(const std::string& path, Message& why) {
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
  if (handle == nullptr) {
    const char* message = dlerror();
    why = message != nullptr ? Message(msg::Text::bridge_dlopen_error, message) : Message(msg::Text::bridge_dlopen_failed);
    return nullptr;
  }
  auto bridge = std::make_unique<SpmBridge>();
  bridge->path = path;
  bool complete = true;
  auto resolve = [&](auto& function, const char* name) {
    function = reinterpret_cast<std::remove_reference_t<decltype(function)>>(dlsym(handle, name));
    if (function == nullptr) {
      complete = false;
      why = Message(msg::Text::bridge_lacks_function, name);
    }
  };
  resolve(bridge->api_version, "lora_spm_api_version");
  resolve(bridge->load, "lora_spm_load");
  resolve(bridge->free_model, "lora_spm_free");
  resolve(bridge->encode, "lora_spm_encode");
  resolve(bridge->free_ids, "lora_spm_free_ids");
  resolve(bridge->decode, "lora_spm_decode");
  resolve(bridge->free_string, "lora_spm_free_string");
  resolve(bridge->vocab_size, "lora_spm_vocab_size");
  resolve(bridge->id_to_piece, "lora_spm_id_to_piece");
  resolve(bridge->piece_to_id, "lora_spm_piece_to_id");
  resolve(bridge->is_control, "lora_spm_is_control");
  resolve(bridge->is_unknown, "lora_spm_is_unknown");
  resolve(bridge->is_byte, "lora_spm_is_byte");
  resolve(bridge->is_unused, "lora_spm_is_unused");
  resolve(bridge->bos_id, "lora_spm_bos_id");
  resolve(bridge->eos_id, "lora_spm_eos_id");
  resolve(bridge->unk_id, "lora_spm_unk_id");
  resolve(bridge->pad_id, "lora_spm_pad_id");
  resolve(bridge->train, "lora_spm_train");
  if (complete && bridge->api_version() != LORA_SPM_BRIDGE_API_VERSION) {
    complete = false;
    why = Message(msg::Text::bridge_wrong_version, bridge->api_version(), LORA_SPM_BRIDGE_API_VERSION);
  }
  // The handle is kept open for the life of the process even when incomplete: closing a library
  // that may have run sentencepiece's static constructors is not worth the risk.
  if (!complete) return nullptr;
  return bridge;
}

const SpmBridge& bridge() {
  static std::mutex mutex;
  static std::unique_ptr<SpmBridge> loaded;
  std::lock_guard<std::mutex> lock(mutex);
  if (loaded) return *loaded;

  Message why;
  if (const char* chosen = std::getenv("LORA_STUDIO_SPM_BRIDGE"); chosen != nullptr && *chosen != '\0') {
    loaded = open_bridge(chosen, why);
    if (!loaded)
      throw Error(msg::Text::chosen_bridge_unloadable, chosen, why);
    return *loaded;
  }
  std::vector<std::string> candidates = {LORA_SPM_BRIDGE_BUILD_PATH, LORA_SPM_BRIDGE_INSTALL_PATH};
  const auto exe_dir = executable_dir();
  if (!exe_dir.empty()) {
    candidates.push_back((exe_dir / kBridgeFileName).string());
    candidates.push_back(
        (exe_dir / ".." / "lib" / "lora-studio" / "plugins" / kBridgeFileName).lexically_normal().string());
  }
  std::vector<Message> tried;
  for (const auto& candidate : candidates) {
    if (candidate.empty()) continue;
    std::error_code error;
    if (!std::filesystem::is_regular_file(candidate, error)) {
      tried.emplace_back(msg::Text::bridge_candidate_missing, candidate);
      continue;
    }
    loaded = open_bridge(candidate, why);
    if (loaded) return *loaded;
    tried.emplace_back(msg::Text::bridge_candidate_failed, candidate, why);
  }
  if (tried.empty()) throw Error(msg::Text::bridge_not_found, kBridgeFileName);
  throw Error(msg::Text::bridge_not_found_tried, kBridgeFileName, std::move(tried));
}

}  // namespace

std::string sentencepiece_bridge_path() { return bridge().path; }

struct SentencePieceTokenizer::ModelHandle {
  const SpmBridge* bridge;
  lora_spm_model* model;
  ModelHandle(const ModelHandle&) = delete;
  ModelHandle& operator=(const ModelHandle&) = delete;
  ~ModelHandle() {
    if (model != nullptr) bridge->free_model(model);
  }
};

SentencePieceTokenizer::SentencePieceTokenizer(const std::string& model_path, const TokenizerConfigFile& config)
    : path_(model_path), bridge_(&bridge()) {
  char error[1024] = {};
  lora_spm_model* model = bridge_->load(model_path.c_str(), error, sizeof(error));
  if (model == nullptr) throw Error(msg::Text::not_a_sentencepiece_model, model_path, error);
  model_.reset(new ModelHandle{bridge_, model});  // (no temporary: its destructor would free the model)

  auto piece_id = [&](const std::string& piece) -> int32_t {
    return piece.empty() ? -1 : bridge_->piece_to_id(model, piece.data(), piece.size());
  };
  auto piece_of = [&](int32_t id) -> std::string {
    const char* piece = id >= 0 ? bridge_->id_to_piece(model, id) : nullptr;
    return piece != nullptr ? piece : "";
  };

  config_ = config.tokens;
  // Where tokenizer_config.json names no bos/eos/unk token, the model's own special pieces are
  // used (transformers' LlamaTokenizer defaults <s>, </s>, <unk> are exactly these in Llama models).
  if (config_.bos_token.empty()) config_.bos_token = piece_of(bridge_->bos_id(model));
  if (config_.eos_token.empty()) config_.eos_token = piece_of(bridge_->eos_id(model));
  if (config_.unk_token.empty()) config_.unk_token = piece_of(bridge_->unk_id(model));
  if (!config.present) config_.pad_token = piece_of(bridge_->pad_id(model));

  // Tokens recognised in the text, as the slow tokenizer's added-tokens trie: declared added
  // tokens (with their own ids when beyond the sentencepiece vocabulary) and the named specials.
  for (const auto& [id, token] : config.added_tokens_decoder) {
    AddedToken raw = token;
    raw.normalized = false;  // the slow tokenizer matches them in the raw text
    const int32_t in_model = piece_id(token.content);
    added_.add(in_model >= 0 ? in_model : id, raw);
  }
  std::vector<std::string> named = {config_.bos_token, config_.eos_token, config_.unk_token, config_.pad_token};
  named.insert(named.end(), config.additional_special_tokens.begin(), config.additional_special_tokens.end());
  for (const auto& content : named) {
    if (content.empty()) continue;
    const auto existing = added_.token_to_id(content);
    const int32_t id = existing ? *existing : piece_id(content);
    if (id < 0) continue;
    AddedToken token = existing ? *added_.token_of_id(id) : AddedToken{};
    token.content = content;
    token.special = true;
    token.normalized = false;
    added_.add(id, token);
  }
  added_.rebuild({});

  auto id_of = [&](const std::string& token) -> int32_t { return token.empty() ? -1 : token_to_id(token).value_or(-1); };
  config_.bos_id = id_of(config_.bos_token);
  config_.eos_id = id_of(config_.eos_token);
  config_.pad_id = id_of(config_.pad_token);
  config_.unk_id = id_of(config_.unk_token);
}

SentencePieceTokenizer::~SentencePieceTokenizer() = default;

std::vector<int32_t> SentencePieceTokenizer::encode_plain(const std::string& text) const {
  std::vector<int32_t> ids;
  if (text.empty()) return ids;
  int32_t* buffer = nullptr;
  size_t count = 0;
  char error[1024] = {};
  if (!bridge_->encode(model_->model, text.data(), text.size(), &buffer, &count, error, sizeof(error)))
    throw Error(msg::Text::sentencepiece_encode_failed, path_, error);
  ids.assign(buffer, buffer + count);
  bridge_->free_ids(buffer);
  return ids;
}

std::vector<int32_t> SentencePieceTokenizer::encode(const std::string& text, bool add_special_tokens) const {
  const std::string input = unicode::to_valid_utf8(text);
  std::vector<int32_t> ids;
  if (add_special_tokens && config_.add_bos_token.value_or(true) && config_.bos_id >= 0) ids.push_back(config_.bos_id);
  // Each stretch between special tokens is encoded on its own (transformers' legacy behaviour,
  // which every Llama 2 / Mistral tokenizer_config.json asks for): each gets sentencepiece's
  // dummy-prefix space.
  for (const auto& split : added_.split(input, false)) {
    if (split.token_id) {
      ids.push_back(*split.token_id);
      continue;
    }
    const auto part = encode_plain(input.substr(split.begin, split.end - split.begin));
    ids.insert(ids.end(), part.begin(), part.end());
  }
  if (add_special_tokens && config_.add_eos_token.value_or(false) && config_.eos_id >= 0) ids.push_back(config_.eos_id);
  return ids;
}

std::string SentencePieceTokenizer::decode(const std::vector<int32_t>& ids, bool skip_special_tokens) const {
  std::string text;
  std::vector<int32_t> run;
  const int32_t size = bridge_->vocab_size(model_->model);
  auto flush = [&]() {
    if (run.empty()) return;
    char* decoded = nullptr;
    size_t decoded_size = 0;
    char error[1024] = {};
    if (!bridge_->decode(model_->model, run.data(), run.size(), &decoded, &decoded_size, error, sizeof(error)))
      throw Error(msg::Text::sentencepiece_decode_failed, path_, error);
    text.append(decoded, decoded_size);
    bridge_->free_string(decoded);
    run.clear();
  };
  for (const int32_t id : ids) {
    const AddedToken* added = added_.token_of_id(id);
    if (added != nullptr || is_special(id)) {
      flush();
      if (skip_special_tokens && is_special(id)) continue;
      text += added != nullptr ? added->content : id_to_token(id);
    } else if (id >= 0 && id < size) {
      run.push_back(id);
    }
    // Ids outside the vocabulary decode to nothing, as in tokenizers.
  }
  flush();
  return text;
}

int32_t SentencePieceTokenizer::vocab_size() const {
  int32_t size = bridge_->vocab_size(model_->model);
  for (const auto& [id, token] : added_.tokens()) size = std::max(size, id + 1);
  return size;
}

std::optional<int32_t> SentencePieceTokenizer::token_to_id(const std::string& token) const {
  if (const auto id = added_.token_to_id(token)) return id;
  const int32_t id = bridge_->piece_to_id(model_->model, token.data(), token.size());
  if (id < 0) return std::nullopt;
  return id;
}

std::string SentencePieceTokenizer::id_to_token(int32_t id) const {
  if (const AddedToken* added = added_.token_of_id(id)) return added->content;
  const char* piece = bridge_->id_to_piece(model_->model, id);
  return piece != nullptr ? piece : "";
}

bool SentencePieceTokenizer::is_special(int32_t id) const {
  if (const AddedToken* added = added_.token_of_id(id)) return added->special;
  return bridge_->is_control(model_->model, id) || bridge_->is_unknown(model_->model, id);
}

void train_sentencepiece(const SentencePieceTrainingOptions& options) {
  if (options.input_files.empty()) throw Error(msg::Text::sentencepiece_training_without_input);
  if (options.model_prefix.empty()) throw Error(msg::Text::sentencepiece_training_without_prefix);
  std::string inputs;
  for (const auto& file : options.input_files) {
    if (!std::filesystem::is_regular_file(file)) throw Error(msg::Text::training_text_missing, file);
    inputs += (inputs.empty() ? "" : ",") + file;
  }
  std::vector<std::pair<std::string, std::string>> flags = {
      {"input", inputs},
      {"model_prefix", options.model_prefix},
      {"vocab_size", std::to_string(options.vocab_size)},
      {"model_type", options.model_type},
      {"byte_fallback", options.byte_fallback ? "true" : "false"},
      {"character_coverage", std::to_string(options.character_coverage)},
  };
  if (options.quiet) flags.emplace_back("minloglevel", "1");
  flags.insert(flags.end(), options.extra_flags.begin(), options.extra_flags.end());
  std::vector<const char*> keys, values;
  for (const auto& [key, value] : flags) {
    keys.push_back(key.c_str());
    values.push_back(value.c_str());
  }
  char error[2048] = {};
  if (!bridge().train(keys.data(), values.data(), keys.size(), error, sizeof(error)))
    throw Error(msg::Text::sentencepiece_training_failed, options.model_prefix, error);
}

}  // namespace lora
