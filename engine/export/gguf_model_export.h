#pragma once
// A complete model GGUF (llama.cpp / Ollama / LM Studio) from a Hugging Face model folder, with a
// LoRA adapter merged in first when one is given. Laid out as llama.cpp's convert_hf_to_gguf.py
// lays it out: architecture names ("llama" for Llama and Mistral, "qwen2", "qwen3", "gemma3",
// "phi3"), the <arch>.* hyperparameters, tensor names (token_embd, blk.N.attn_q, ..., output_norm,
// output; no output tensor for tied embeddings), the Q/K row permutation of the llama
// architecture, Gemma's norm weights stored as 1 + w, Llama 3's rope_freqs and Phi-3's rope
// factors tensors. Tokenizer metadata from tokenizer.json (byte-level BPE, "gpt2") or tokenizer.model
// (sentencepiece, "llama"; see gguf_tokenizer_metadata.h): tokens padded
// to vocab_size with [PAD{id}], token types, merges, the pre-tokenizer name llama.cpp expects
// (recognised as the converter recognises it, by hashing the encoding of a fixed text), special
// token ids, add_bos/add_eos as our tokenizer adds them, and the chat template the adapter was
// trained with (or the model's).
//
// Streams: one tensor is read, merged, converted and written at a time.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "gguf_quantize.h"
#include "message.h"

namespace lora::gguf {

struct ModelExportOptions {
  std::string model_dir;
  std::string adapter_dir;  // "" = the model alone
  std::string output_path;  // FILE.gguf
  std::optional<ExportType> type;  // absent: f16, or bf16 when the source embedding is bf16
  std::function<bool()> cancelled;
  // bytes written and the final size, and the tensor just written
  std::function<void(std::uint64_t done, std::uint64_t total, const std::string& tensor)> progress;
};

struct ModelExportResult {
  std::string output_path;
  std::string architecture;  // "llama", "qwen2", ...
  std::string type;          // "f16", "q4_k_m", ...
  std::int64_t tensors = 0;
  std::uint64_t file_size = 0;
  std::int64_t merged_modules = 0;  // 0 without an adapter
  std::string tokenizer_pre;        // tokenizer.ggml.pre
  std::vector<Message> notes;       // limits the user should know of (a sliding window not carried, ...)
};

// Throws lora::Error naming the folder / file / tensor for an unknown architecture, an unsupported
// tokenizer, a failed write or a cancel; nothing is left under output_path then.
ModelExportResult export_model_gguf(const ModelExportOptions& options);

// The JSON summary `lora-studio-cli export-gguf` prints.
std::string model_export_result_to_json(const ModelExportResult& result);

}  // namespace lora::gguf
