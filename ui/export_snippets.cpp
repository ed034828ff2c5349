#include "export_snippets.h"

#include <algorithm>

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace ui {

namespace {

QString name_of(const QString& dir, const char* fallback) {
  const QString name = QFileInfo(QDir::cleanPath(dir)).fileName();
  return name.isEmpty() ? QString::fromLatin1(fallback) : name;
}

// A shell word: quoted when it holds anything a shell would split or expand.
QString shell(const QString& path) {
  static const QString safe = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+:=@";
  bool plain = !path.isEmpty();
  for (QChar c : path) plain = plain && safe.contains(c);
  if (plain) return path;
  QString quoted = path;
  quoted.replace("'", "'\\''");
  return "'" + quoted + "'";
}

// A Python string literal.
QString python(const QString& path) {
  QString escaped = path;
  escaped.replace("\\", "\\\\").replace("\"", "\\\"");
  return "\"" + escaped + "\"";
}

// A comment line of a snippet, in the interface language (the code around it stays as the tool needs it).
QString comment(const char* english) {
  return "# " + QCoreApplication::translate("ui::ExportSnippets", english) + "\n";
}

QString or_placeholder(const QString& path, const char* placeholder) {
  return path.isEmpty() ? QString::fromLatin1(placeholder) : QDir::toNativeSeparators(path);
}

}  // namespace

QString textGenerationWebuiSnippet(const ExportPaths& paths) {
  const QString adapter = or_placeholder(paths.adapter_dir, "/path/to/adapter");
  return (comment(QT_TRANSLATE_NOOP("ui::ExportSnippets",
                                     "text-generation-webui: LoRA folders live in user_data/loras/ (loras/ in older "
                                     "versions)")) +
          QStringLiteral("cp -r %1 text-generation-webui/user_data/loras/\n") +
          comment(QT_TRANSLATE_NOOP("ui::ExportSnippets",
                                    "the base model goes to user_data/models/ (models/ in older versions)")) +
          QStringLiteral("cp -r %2 text-generation-webui/user_data/models/\n\n") +
          comment(QT_TRANSLATE_NOOP("ui::ExportSnippets",
                                    "start with both (Transformers loader), or pick the LoRA on the Model tab and "
                                    "Apply LoRAs")) +
          QStringLiteral("python server.py --loader transformers --model %3 --lora %4\n"))
      .arg(shell(adapter), shell(or_placeholder(paths.model_dir, "/path/to/base-model")),
           shell(name_of(paths.model_dir, "base-model")), shell(name_of(paths.adapter_dir, "adapter")));
}

QString peftSnippet(const ExportPaths& paths) {
  return (QStringLiteral(
             "from transformers import AutoModelForCausalLM, AutoTokenizer\n"
             "from peft import PeftModel\n\n"
             "base = AutoModelForCausalLM.from_pretrained(%1, torch_dtype=\"auto\")\n"
             "tokenizer = AutoTokenizer.from_pretrained(%1)\n"
             "model = PeftModel.from_pretrained(base, %2)\n\n"
             "inputs = tokenizer(\"Hello\", return_tensors=\"pt\")\n"
             "print(tokenizer.decode(model.generate(**inputs, max_new_tokens=64)[0]))\n\n") +
          comment(QT_TRANSLATE_NOOP("ui::ExportSnippets",
                                    "optional: fold the adapter into the weights (what \"Merge into model\" writes)")) +
          QStringLiteral("# model = model.merge_and_unload()\n"))
      .arg(python(or_placeholder(paths.model_dir, "/path/to/base-model")),
           python(or_placeholder(paths.adapter_dir, "/path/to/adapter")));
}

QString vllmSnippet(const ExportPaths& paths) {
  // vLLM refuses adapters above --max-lora-rank (default 16); it accepts these values.
  int max_rank = 16;
  for (int allowed : {8, 16, 32, 64, 128, 256, 320, 512})
    if (allowed >= paths.rank) {
      max_rank = std::max(allowed, 16);
      break;
    }
  return (QStringLiteral(
             "vllm serve %1 --enable-lora --max-lora-rank %2 \\\n"
             "    --lora-modules %3=%4\n\n") +
          comment(QT_TRANSLATE_NOOP("ui::ExportSnippets", "then ask for the adapter by its name:")) +
          QStringLiteral(
             "curl http://localhost:8000/v1/completions -H 'Content-Type: application/json' \\\n"
             "    -d '{\"model\": \"%3\", \"prompt\": \"Hello\", \"max_tokens\": 64}'\n"))
      .arg(shell(or_placeholder(paths.model_dir, "/path/to/base-model")))
      .arg(max_rank)
      .arg(name_of(paths.adapter_dir, "adapter"), shell(or_placeholder(paths.adapter_dir, "/path/to/adapter")));
}

QString llamaCppSnippet(const ExportPaths& paths) {
  const QString name = name_of(paths.adapter_dir, "adapter");
  return (comment(QT_TRANSLATE_NOOP("ui::ExportSnippets", "GGUF files for llama.cpp, written by lora-studio-cli:")) +
          QStringLiteral(
             "lora-studio-cli export-gguf --model %1 --output base.gguf\n"
             "lora-studio-cli export-gguf --model %1 --adapter %3 --lora-only --output %2.gguf\n\n"
             "llama-cli -m base.gguf --lora %2.gguf -p \"Hello\"\n"))
      .arg(shell(or_placeholder(paths.model_dir, "/path/to/base-model")), shell(name),
           shell(or_placeholder(paths.adapter_dir, "/path/to/adapter")));
}

QString mergedModelSnippet(const ExportPaths& paths) {
  const QString merged = or_placeholder(paths.merged_dir, "/path/to/merged-model");
  return (comment(QT_TRANSLATE_NOOP("ui::ExportSnippets", "transformers (no PEFT needed)")) +
          QStringLiteral("from transformers import AutoModelForCausalLM, AutoTokenizer\n"
                         "model = AutoModelForCausalLM.from_pretrained(%1, torch_dtype=\"auto\")\n"
                         "tokenizer = AutoTokenizer.from_pretrained(%1)\n\n") +
          QStringLiteral("# vLLM\nvllm serve %2\n\n") +
          comment(QT_TRANSLATE_NOOP("ui::ExportSnippets", "llama.cpp (then Ollama / LM Studio can import the .gguf)")) +
          QStringLiteral("lora-studio-cli export-gguf --model %2 --output %3.gguf --type q8_0\n"
                         "llama-cli -m %3.gguf -p \"Hello\"\n\n") +
          comment(QT_TRANSLATE_NOOP("ui::ExportSnippets", "text-generation-webui: copy the folder into user_data/models/")))
      .arg(python(merged), shell(merged), shell(name_of(paths.merged_dir, "merged-model")));
}

QString ggufModelNextSteps(const QString& gguf_file) {
  const QString file = shell(or_placeholder(gguf_file, "model.gguf"));
  return (comment(QT_TRANSLATE_NOOP("ui::ExportSnippets", "llama.cpp: chat with the model in the terminal")) +
          QStringLiteral("llama-cli -m %1 -cnv\n\n") +
          comment(QT_TRANSLATE_NOOP("ui::ExportSnippets", "or serve it (an OpenAI-compatible API on port 8080)")) +
          QStringLiteral("llama-server -m %1 --port 8080\n\n") +
          comment(QT_TRANSLATE_NOOP("ui::ExportSnippets", "LM Studio: import the file into its models folder")) +
          QStringLiteral("lms import %1\n"))
      .arg(file);
}

QString ggufAdapterNextSteps(const QString& adapter_gguf_file, const QString& model_dir) {
  return (comment(QT_TRANSLATE_NOOP("ui::ExportSnippets",
                                    "llama.cpp applies the adapter on top of the base model's GGUF: write that once")) +
          QStringLiteral("lora-studio-cli export-gguf --model %1 --output base.gguf\n\n") +
          comment(QT_TRANSLATE_NOOP("ui::ExportSnippets", "then chat, or serve, with the adapter applied")) +
          QStringLiteral("llama-cli -m base.gguf --lora %2 -cnv\n"
                         "llama-server -m base.gguf --lora %2 --port 8080\n"))
      .arg(shell(or_placeholder(model_dir, "/path/to/base-model")),
           shell(or_placeholder(adapter_gguf_file, "adapter.gguf")));
}

QString ollamaNextSteps(const QString& folder, const QString& name) {
  const QString model = name.isEmpty() ? QStringLiteral("my-model") : name;
  return (comment(QT_TRANSLATE_NOOP("ui::ExportSnippets", "create the Ollama model from the folder (needs Ollama)")) +
          QStringLiteral("ollama create %1 -f %2\n\n") +
          comment(QT_TRANSLATE_NOOP("ui::ExportSnippets", "then chat with it")) +
          QStringLiteral("ollama run %1\n"))
      .arg(shell(model), shell(QDir::toNativeSeparators(QDir(or_placeholder(folder, "/path/to/folder")).filePath("Modelfile"))));
}

QString lmStudioNextSteps(const QString& gguf_file, const QString& model_key) {
  return (comment(QT_TRANSLATE_NOOP("ui::ExportSnippets",
                                    "LM Studio lists the model under My Models (restart it if it is running); or load "
                                    "it from its command line:")) +
          QStringLiteral("lms load %1\n\n") +
          comment(QT_TRANSLATE_NOOP("ui::ExportSnippets",
                                    "a file outside LM Studio's models folder: import it (lms copies it in)")) +
          QStringLiteral("lms import %2\n"))
      .arg(shell(model_key.isEmpty() ? QStringLiteral("publisher/model") : model_key),
           shell(or_placeholder(gguf_file, "model.gguf")));
}

}  // namespace ui
