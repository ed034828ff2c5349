#include "ollama_export.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "atomic_file.h"
#include "chat_prompt.h"
#include "error.h"
#include "export_messages.h"
#include "tokenizer.h"

namespace lora::gguf {

namespace fs = std::filesystem;

OllamaPromptFormat ollama_prompt_format_for(const std::string& model_dir, const std::string& adapter_dir) {
  const std::unique_ptr<Tokenizer> tokenizer = Tokenizer::load(model_dir);
  const PromptTemplate prompt = resolve_prompt_template("", adapter_dir, tokenizer->config());
  return ollama_prompt_format(prompt, tokenizer->config());
}

OllamaExportResult export_ollama(const OllamaExportOptions& options) {
  if (options.output_dir.empty()) throw Error(msg::Export::ollama_no_output);
  const fs::path folder = fs::path(options.output_dir);
  std::error_code ec;
  if (fs::exists(folder, ec) && !fs::is_directory(folder, ec)) throw Error(msg::Export::ollama_output_not_folder, folder);
  OllamaExportResult result;
  result.output_dir = folder.string();
  result.gguf_path = (folder / "model.gguf").string();
  result.modelfile_path = (folder / "Modelfile").string();
  if (!options.force)
    for (const std::string& file : {result.gguf_path, result.modelfile_path})
      if (fs::exists(file, ec)) throw Error(msg::Export::ollama_file_exists, file);
  // The prompt format first: a model or adapter it cannot be read from fails before the long export.
  result.format = ollama_prompt_format_for(options.model_dir, options.adapter_dir);
  fs::create_directories(folder, ec);
  if (ec) throw Error(msg::Export::ollama_folder_not_created, folder, ec.message());

  ModelExportOptions model;
  model.model_dir = options.model_dir;
  model.adapter_dir = options.adapter_dir;
  model.output_path = result.gguf_path;
  model.type = options.type;
  model.cancelled = options.cancelled;
  model.progress = options.progress;
  result.model = export_model_gguf(model);
  write_file_atomically(result.modelfile_path, ollama_modelfile_text("./model.gguf", result.format));
  return result;
}

std::string ollama_export_result_to_json(const OllamaExportResult& result) {
  nlohmann::ordered_json json;
  json["output_dir"] = result.output_dir;
  json["gguf"] = result.gguf_path;
  json["modelfile"] = result.modelfile_path;
  json["prompt_format"] = result.format.name.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(result.format.name);
  json["prompt_source"] = result.format.source;
  json["stops"] = result.format.stops;
  json["model"] = nlohmann::ordered_json::parse(model_export_result_to_json(result.model));
  return json.dump(2);
}

}  // namespace lora::gguf
