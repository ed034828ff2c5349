#pragma once
// The C interface of lora_spm_bridge, the one shared library that links sentencepiece.
//
// Why a separate library with a C interface: Debian's libsentencepiece embeds its own
// protobuf (3.14) and exports its symbols; libtorch links the system protobuf (3.21). Both in one
// global symbol scope crash the process before main. The engine therefore never links
// sentencepiece: it dlopen()s this bridge with RTLD_LOCAL | RTLD_DEEPBIND (see
// engine/text/sentencepiece_tokenizer.cpp) and talks to it only through these plain C functions,
// so no C++ type, protobuf symbol or allocator crosses the boundary. Memory the bridge allocates
// is released by the bridge (lora_spm_free_*).
//
// Every function that can fail writes a NUL-terminated message into `error` (at most
// error_size bytes, may be NULL) and returns 0 / NULL; on success it returns non-zero / non-NULL.
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// Bumped whenever a signature below changes; the engine refuses a bridge of another version.
#define LORA_SPM_BRIDGE_API_VERSION 1

typedef struct lora_spm_model lora_spm_model;

int lora_spm_api_version(void);

// Loads a tokenizer.model file.
lora_spm_model* lora_spm_load(const char* path, char* error, size_t error_size);
void lora_spm_free(lora_spm_model* model);

// Encodes UTF-8 text (text_size bytes) as sentencepiece does (normalization, dummy prefix,
// byte fallback...). *ids receives a buffer to release with lora_spm_free_ids.
int lora_spm_encode(const lora_spm_model* model, const char* text, size_t text_size, int32_t** ids,
                    size_t* id_count, char* error, size_t error_size);
void lora_spm_free_ids(int32_t* ids);

// Decodes ids to UTF-8 text (control ids decode to nothing, as in sentencepiece).
// *text receives a NUL-terminated buffer to release with lora_spm_free_string.
int lora_spm_decode(const lora_spm_model* model, const int32_t* ids, size_t id_count, char** text,
                    size_t* text_size, char* error, size_t error_size);
void lora_spm_free_string(char* text);

int32_t lora_spm_vocab_size(const lora_spm_model* model);
// Piece of an id, or NULL for an id out of range. Valid while the model is loaded.
const char* lora_spm_id_to_piece(const lora_spm_model* model, int32_t id);
// Id of a piece; -1 when the piece is not in the vocabulary.
int32_t lora_spm_piece_to_id(const lora_spm_model* model, const char* piece, size_t piece_size);

// Kinds of pieces (0/1). Out-of-range ids are none of them.
int lora_spm_is_control(const lora_spm_model* model, int32_t id);
int lora_spm_is_unknown(const lora_spm_model* model, int32_t id);
int lora_spm_is_byte(const lora_spm_model* model, int32_t id);
int lora_spm_is_unused(const lora_spm_model* model, int32_t id);

// Special ids as the model's trainer spec defines them (-1 when disabled).
int32_t lora_spm_bos_id(const lora_spm_model* model);
int32_t lora_spm_eos_id(const lora_spm_model* model);
int32_t lora_spm_unk_id(const lora_spm_model* model);
int32_t lora_spm_pad_id(const lora_spm_model* model);

// Trains a model as spm_train does. keys[i]=values[i] are spm_train's flags without the
// leading "--" (e.g. "input" = "corpus.txt", "model_prefix" = "/tmp/m", "vocab_size" = "500");
// writes <model_prefix>.model and <model_prefix>.vocab.
int lora_spm_train(const char* const* keys, const char* const* values, size_t count, char* error,
                   size_t error_size);

#ifdef __cplusplus
}
#endif
