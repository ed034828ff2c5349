#pragma once
// Ready-to-paste commands and code that load the exported adapter or merged model in other tools,
// filled in with the real folders. The code stays as the tools need it; the comment lines are in the
// interface language (context "ui::ExportSnippets").
#include <QString>

namespace ui {

struct ExportPaths {
  QString model_dir;    // the base model
  QString adapter_dir;
  QString merged_dir;   // the merge's output folder
  int rank = 8;         // the adapter's LoRA rank (vLLM needs a maximum at least as large)
};

QString textGenerationWebuiSnippet(const ExportPaths& paths);
QString peftSnippet(const ExportPaths& paths);
QString vllmSnippet(const ExportPaths& paths);
QString llamaCppSnippet(const ExportPaths& paths);
QString mergedModelSnippet(const ExportPaths& paths);

// What to do with a GGUF export (each with the real paths): run the file in llama.cpp, apply an adapter
// GGUF on top of the base model's, create and run the Ollama model, open or import it in LM Studio.
QString ggufModelNextSteps(const QString& gguf_file);
QString ggufAdapterNextSteps(const QString& adapter_gguf_file, const QString& model_dir);
QString ollamaNextSteps(const QString& folder, const QString& name);
QString lmStudioNextSteps(const QString& gguf_file, const QString& model_key);

}  // namespace ui
