// `lora-studio-cli export-ollama`: model.gguf + Modelfile for Ollama, and `ollama create` when asked.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_command.h"
#include "error.h"
#include "ollama_export.h"

namespace cli {
namespace {

constexpr const char* kHelp =
    R"(Writes FOLDER/model.gguf (as export-gguf writes it, the adapter merged in) and FOLDER/Modelfile:
FROM ./model.gguf, and the prompt format the adapter was trained with (the one generate and the Chat
page use: training_prompt.json, else the model's chat template, else alpaca) as Ollama's TEMPLATE (Go
template syntax), SYSTEM (a default system prompt) and PARAMETER stop lines. Known formats: ChatML
(Qwen), Llama 3, Mistral, Llama 2, Gemma, Phi-3, Alpaca, raw and text-generation-webui format files;
for another template the Modelfile has no TEMPLATE and Ollama uses the GGUF's chat template.

With --name, and `ollama` on PATH, runs `ollama create NAME -f FOLDER/Modelfile` afterwards; then
`ollama run NAME` chats with it.

Prints a JSON summary on stdout (output_dir, gguf, modelfile, prompt_format, prompt_source, stops,
model, ollama_created).

Options:
  --model DIR                 the model folder (or give it as the first argument)
  --adapter DIR               a PEFT LoRA adapter folder to merge in
  --output FOLDER             where model.gguf and Modelfile go (required; created when missing)
  --type f32|f16|bf16|q8_0|q4_0|q4_k_m
                              tensor encoding of model.gguf (default q4_k_m)
  --name NAME                 the Ollama model to create
  --force                     replace model.gguf / Modelfile already in FOLDER)";

// Runs `ollama create NAME -f Modelfile` in `folder`; its exit status, or -1 when it could not start.
int run_ollama_create(const std::string& name, const std::string& folder) {
  const pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    if (chdir(folder.c_str()) != 0) _exit(127);
    // Its output goes to our stderr: stdout carries the JSON summary.
    dup2(STDERR_FILENO, STDOUT_FILENO);
    execlp("ollama", "ollama", "create", name.c_str(), "-f", "Modelfile", static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool ollama_on_path() {
  const char* path = std::getenv("PATH");
  if (!path) return false;
  std::string dirs = path;
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    const std::string candidate = (end > start ? dirs.substr(start, end - start) : ".") + "/ollama";
    if (access(candidate.c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

int run_export_ollama(const Args& args) {
  args.check_known({"model", "adapter", "output", "type", "name", "force"});
  lora::gguf::OllamaExportOptions options;
  options.model_dir = args.model_dir(0);
  if (args.positional().size() > 1) throw cli::UsageError("unexpected argument '" + args.positional()[1] + "'");
  options.adapter_dir = args.get("adapter");
  options.output_dir = args.require("output");
  if (args.has("type")) options.type = lora::gguf::parse_export_type(args.get("type"), "--type");
  options.force = args.has("force");
  const std::string name = args.get("name");
  if (args.has("name") && name.empty()) throw cli::UsageError("option --name needs a model name");

  const bool tty = isatty(fileno(stderr));
  if (tty)
    options.progress = [](std::uint64_t done, std::uint64_t total, const std::string&) {
      std::cerr << "\r\033[Kexporting: " << (total ? done * 100 / total : 100) << "%" << std::flush;
    };
  const lora::gguf::OllamaExportResult result = lora::gguf::export_ollama(options);
  if (tty) std::cerr << "\r\033[K";
  std::cerr << "wrote " << result.gguf_path << " (" << result.model.architecture << ", " << result.model.type << ", "
            << result.model.file_size << " bytes) and " << result.modelfile_path << " (prompt format "
            << (result.format.name.empty() ? std::string("from the GGUF's chat template") : result.format.name)
            << ")\n";
  for (const lora::Message& note : result.model.notes) std::cerr << "info: " << note.english() << "\n";

  std::string created = "not asked (--name)";
  int exit_code = 0;
  if (!name.empty()) {
    if (!ollama_on_path()) {
      created = "ollama is not on PATH";
      std::cerr << "ollama is not on PATH: run `ollama create " << name << " -f Modelfile` in " << result.output_dir
                << " where Ollama is installed\n";
    } else {
      const int status = run_ollama_create(name, result.output_dir);
      created = status == 0 ? "created " + name : "ollama create failed (exit status " + std::to_string(status) + ")";
      if (status != 0) exit_code = 1;
      std::cerr << created << "\n";
    }
  } else {
    std::cerr << "next: cd " << result.output_dir << " && ollama create NAME -f Modelfile && ollama run NAME\n";
  }
  nlohmann::ordered_json summary = nlohmann::ordered_json::parse(lora::gguf::ollama_export_result_to_json(result));
  summary["ollama_created"] = created;
  std::cout << summary.dump(2) << std::endl;
  return exit_code;
}

const CliCommandRegistration registration({
    "export-ollama",
    "export-ollama --model DIR [--adapter DIR] --output FOLDER [--type q4_k_m] [--name NAME] [--force]",
    kHelp,
    {"force"},
    run_export_ollama,
});

}  // namespace
}  // namespace cli
