#pragma once
// Reading a GGUF model back (llama.cpp / Ollama / LM Studio files, ours included): the inverse of
// gguf_model_export. A .gguf file is prepared once as a small Hugging Face style folder in the
// cache, $XDG_CACHE_HOME (or ~/.cache)/lora-studio/gguf/<stem>-<hash of path, size, mtime>/:
// config.json and generation_config.json rebuilt from the <arch>.* keys, the tokenizer files from
// the tokenizer.* keys (gguf_tokenizer_import.h), and model/gguf_checkpoint.h's weight map naming
// the .gguf, through which Checkpoint reads each tensor from the GGUF, dequantized on request.
//
// What is undone: llama.cpp's tensor names (token_embd, blk.N.attn_q, ..., output; no output =
// tied embeddings), the llama architecture's Q/K row permutation, Gemma 3's norms stored as 1 + w,
// Llama 3's rope_freqs tensor (back to rope_scaling llama3 factors, checked to reproduce it), Phi-3's
// rope factor tensors (rope_scaling longrope), Gemma 3's sliding-window pattern (layer_types).
// Architectures: llama (Llama, and Mistral, which the converter writes as llama), qwen2, qwen3,
// gemma3 (text), phi3.
#include <cstdint>
#include <string>

namespace lora::gguf {

// A model path as the user gives it: a Hugging Face model folder is returned unchanged; a .gguf file
// is prepared once (again when it changes) as the cache folder above, and that folder is returned.
// Throws lora::Error naming the file for what it cannot read (a corrupt file, an architecture or
// tokenizer it cannot rebuild).
std::string resolve_model_path(const std::string& path);
// True for an existing regular file named *.gguf (any case) or starting with the GGUF magic.
bool is_gguf_path(const std::string& path);
// The .gguf file a folder returned by resolve_model_path was prepared from; "" for other folders.
std::string gguf_source_of(const std::string& model_dir);
// The tensor type holding most of a GGUF file's bytes ("Q4_K", "F16", ...), for listing it; "" when
// the file cannot be read.
std::string gguf_weight_type(const std::string& path);
// Where the prepared folders live ($XDG_CACHE_HOME or ~/.cache, then lora-studio/gguf).
std::string gguf_cache_root();

}  // namespace lora::gguf
