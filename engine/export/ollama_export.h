#pragma once
// `export-ollama`: a folder Ollama can create a model from: model.gguf (the model, with the adapter
// merged in, gguf_model_export.h) and a Modelfile (FROM ./model.gguf, the adapter's prompt format as
// TEMPLATE / SYSTEM / PARAMETER stop, ollama_modelfile.h). Running `ollama create` is the caller's.
#include <functional>
#include <optional>
#include <string>

#include "gguf_model_export.h"
#include "ollama_modelfile.h"

namespace lora::gguf {

struct OllamaExportOptions {
  std::string model_dir;
  std::string adapter_dir;  // "" = the model alone
  std::string output_dir;   // created when missing
  ExportType type = ExportType::q4_k_m;
  bool force = false;       // replace model.gguf / Modelfile already in output_dir
  std::function<bool()> cancelled;
  std::function<void(std::uint64_t done, std::uint64_t total, const std::string& tensor)> progress;
};

struct OllamaExportResult {
  std::string output_dir;
  std::string gguf_path;       // <output_dir>/model.gguf
  std::string modelfile_path;  // <output_dir>/Modelfile
  OllamaPromptFormat format;
  ModelExportResult model;
};

// The prompt format the adapter (or the model) would be prompted with here, for Ollama.
OllamaPromptFormat ollama_prompt_format_for(const std::string& model_dir, const std::string& adapter_dir);

// Checks the output folder (existing model.gguf / Modelfile need force) and the prompt format before
// writing; model.gguf appears only when complete, the Modelfile after it. Throws lora::Error.
OllamaExportResult export_ollama(const OllamaExportOptions& options);

std::string ollama_export_result_to_json(const OllamaExportResult& result);

}  // namespace lora::gguf
