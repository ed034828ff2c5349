// lora_spm_bridge: sentencepiece behind a C interface (see spm_bridge_api.h for why).
// No exception may leave these functions: the caller is on the other side of dlopen().
#include "spm_bridge_api.h"

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#define LORA_SPM_EXPORT extern "C" __attribute__((visibility("default")))

struct lora_spm_model {
  sentencepiece::SentencePieceProcessor processor;
};

namespace {

void write_error(char* error, size_t error_size, const std::string& message) {
  if (error == nullptr || error_size == 0) return;
  size_t n = message.size() < error_size - 1 ? message.size() : error_size - 1;
  std::memcpy(error, message.data(), n);
  error[n] = '\0';
}

bool valid_id(const lora_spm_model* model, int32_t id) {
  return model != nullptr && id >= 0 && id < model->processor.GetPieceSize();
}

}  // namespace

LORA_SPM_EXPORT int lora_spm_api_version(void) { return LORA_SPM_BRIDGE_API_VERSION; }

LORA_SPM_EXPORT lora_spm_model* lora_spm_load(const char* path, char* error, size_t error_size) {
  try {
    auto model = std::make_unique<lora_spm_model>();
    const auto status = model->processor.Load(path);
    if (!status.ok()) {
      write_error(error, error_size, status.ToString());
      return nullptr;
    }
    return model.release();
  } catch (const std::exception& e) {
    write_error(error, error_size, e.what());
    return nullptr;
  }
}

LORA_SPM_EXPORT void lora_spm_free(lora_spm_model* model) { delete model; }

LORA_SPM_EXPORT int lora_spm_encode(const lora_spm_model* model, const char* text, size_t text_size,
                                    int32_t** ids, size_t* id_count, char* error, size_t error_size) {
  try {
    std::vector<int> pieces;
    const auto status = model->processor.Encode(absl::string_view(text, text_size), &pieces);
    if (!status.ok()) {
      write_error(error, error_size, status.ToString());
      return 0;
    }
    auto* out = static_cast<int32_t*>(std::malloc(sizeof(int32_t) * (pieces.empty() ? 1 : pieces.size())));
    if (out == nullptr) {
      write_error(error, error_size, "out of memory");
      return 0;
    }
    for (size_t i = 0; i < pieces.size(); ++i) out[i] = static_cast<int32_t>(pieces[i]);
    *ids = out;
    *id_count = pieces.size();
    return 1;
  } catch (const std::exception& e) {
    write_error(error, error_size, e.what());
    return 0;
  }
}

LORA_SPM_EXPORT void lora_spm_free_ids(int32_t* ids) { std::free(ids); }

LORA_SPM_EXPORT int lora_spm_decode(const lora_spm_model* model, const int32_t* ids, size_t id_count, char** text,
                                    size_t* text_size, char* error, size_t error_size) {
  try {
    std::vector<int> pieces(ids, ids + id_count);
    for (int id : pieces) {
      if (!valid_id(model, id)) {
        write_error(error, error_size, "token id " + std::to_string(id) + " is outside the vocabulary");
        return 0;
      }
    }
    std::string decoded;
    const auto status = model->processor.Decode(pieces, &decoded);
    if (!status.ok()) {
      write_error(error, error_size, status.ToString());
      return 0;
    }
    auto* out = static_cast<char*>(std::malloc(decoded.size() + 1));
    if (out == nullptr) {
      write_error(error, error_size, "out of memory");
      return 0;
    }
    std::memcpy(out, decoded.data(), decoded.size());
    out[decoded.size()] = '\0';
    *text = out;
    *text_size = decoded.size();
    return 1;
  } catch (const std::exception& e) {
    write_error(error, error_size, e.what());
    return 0;
  }
}

LORA_SPM_EXPORT void lora_spm_free_string(char* text) { std::free(text); }

LORA_SPM_EXPORT int32_t lora_spm_vocab_size(const lora_spm_model* model) {
  return model->processor.GetPieceSize();
}

LORA_SPM_EXPORT const char* lora_spm_id_to_piece(const lora_spm_model* model, int32_t id) {
  if (!valid_id(model, id)) return nullptr;
  return model->processor.IdToPiece(id).c_str();
}

LORA_SPM_EXPORT int32_t lora_spm_piece_to_id(const lora_spm_model* model, const char* piece, size_t piece_size) {
  const absl::string_view wanted(piece, piece_size);
  const int id = model->processor.PieceToId(wanted);
  // sentencepiece answers unk_id for pieces it does not know: tell that apart from "<unk>" itself.
  if (!valid_id(model, id) || model->processor.IdToPiece(id) != std::string(wanted.data(), wanted.size())) return -1;
  return id;
}

LORA_SPM_EXPORT int lora_spm_is_control(const lora_spm_model* model, int32_t id) {
  return valid_id(model, id) && model->processor.IsControl(id);
}
LORA_SPM_EXPORT int lora_spm_is_unknown(const lora_spm_model* model, int32_t id) {
  return valid_id(model, id) && model->processor.IsUnknown(id);
}
LORA_SPM_EXPORT int lora_spm_is_byte(const lora_spm_model* model, int32_t id) {
  return valid_id(model, id) && model->processor.IsByte(id);
}
LORA_SPM_EXPORT int lora_spm_is_unused(const lora_spm_model* model, int32_t id) {
  return valid_id(model, id) && model->processor.IsUnused(id);
}

LORA_SPM_EXPORT int32_t lora_spm_bos_id(const lora_spm_model* model) { return model->processor.bos_id(); }
LORA_SPM_EXPORT int32_t lora_spm_eos_id(const lora_spm_model* model) { return model->processor.eos_id(); }
LORA_SPM_EXPORT int32_t lora_spm_unk_id(const lora_spm_model* model) { return model->processor.unk_id(); }
LORA_SPM_EXPORT int32_t lora_spm_pad_id(const lora_spm_model* model) { return model->processor.pad_id(); }

LORA_SPM_EXPORT int lora_spm_train(const char* const* keys, const char* const* values, size_t count, char* error,
                                   size_t error_size) {
  try {
    // The map form, not the "--a=b --c=d" string: paths with spaces survive it.
    std::unordered_map<std::string, std::string> flags;
    for (size_t i = 0; i < count; ++i) flags[keys[i]] = values[i];
    const auto status = sentencepiece::SentencePieceTrainer::Train(flags);
    if (!status.ok()) {
      write_error(error, error_size, status.ToString());
      return 0;
    }
    return 1;
  } catch (const std::exception& e) {
    write_error(error, error_size, e.what());
    return 0;
  }
}
