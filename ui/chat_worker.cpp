#include "chat_worker.h"

#include "causal_lm.h"
#include "chat_prompt.h"
#include "error.h"
#include "generation.h"
#include "model_adapter.h"
#include "tokenizer.h"
#include "engine_messages.h"

namespace ui {

namespace {

lora::GenerationSettings engine_settings(const ChatSamplingOptions& options, const std::string& model_dir) {
  lora::GenerationSettings settings;
  // Only the end-of-sequence ids come from generation_config.json: the sampling values are the user's.
  settings.eos_token_ids = lora::load_generation_config(model_dir).eos_token_ids;
  settings.max_new_tokens = options.max_new_tokens;
  settings.seed = options.seed;
  settings.sampling.temperature = options.temperature;
  settings.sampling.do_sample = options.temperature > 0;
  settings.sampling.top_p = options.top_p;
  settings.sampling.top_k = options.top_k;
  settings.sampling.repetition_penalty = options.repetition_penalty;
  lora::validate_sampling_settings(settings.sampling);
  return settings;
}

std::filesystem::file_time_type weights_time(const std::string& adapter_dir) {
  std::error_code ec;
  const auto time = std::filesystem::last_write_time(std::filesystem::path(adapter_dir) / "adapter_model.safetensors", ec);
  return ec ? std::filesystem::file_time_type{} : time;
}

std::vector<lora::ChatMessage> pane_messages(const ChatTurnRequest& request, int pane) {
  std::vector<lora::ChatMessage> messages;
  if (!request.system_prompt.empty()) messages.push_back({"system", request.system_prompt});
  const auto& history = pane == kBasePane ? request.base_history : request.adapter_history;
  messages.insert(messages.end(), history.begin(), history.end());
  messages.push_back({"user", request.user_message});
  return messages;
}

}  // namespace

int ChatWorker::promptTokens(const ChatTurnRequest& request, int pane) {
  try {
    const lora::PromptTemplate prompt_template =
        lora::resolve_prompt_template(request.format, request.adapter_dir, request.tokenizer->config());
    return int(lora::encode_prompt(prompt_template, *request.tokenizer, pane_messages(request, pane)).ids.size());
  } catch (const std::exception&) {
    return -1;
  }
}

ChatWorker::ChatWorker(QObject* parent) : QObject(parent) {}
ChatWorker::~ChatWorker() = default;

void ChatWorker::ensureAdapter(const std::shared_ptr<lora::CausalLM>& model, const std::string& adapter_dir) {
  const auto time = weights_time(adapter_dir);
  if (adapted_model_.lock() == model && loaded_adapter_dir_ == adapter_dir && loaded_adapter_time_ == time &&
      adapter_ && adapter_->attached())
    return;
  adapted_model_.reset();
  loaded_adapter_dir_.clear();
  try {
    adapter_ = lora::ModelAdapter::load(*model, adapter_dir);
  } catch (...) {
    // The adapter that was there is stale now: the base pane must not run with it.
    adapter_.reset();
    throw;
  }
  adapted_model_ = model;
  loaded_adapter_dir_ = adapter_dir;
  loaded_adapter_time_ = time;
}

void ChatWorker::runTurn(const ChatTurnRequest& request) {
  const quint64 turn = request.turn;
  const bool with_adapter = !request.adapter_dir.empty();
  lora::CausalLM& model = *request.model;
  const lora::Tokenizer& tokenizer = *request.tokenizer;

  lora::PromptTemplate prompt_template;
  lora::GenerationSettings settings;
  try {
    prompt_template = lora::resolve_prompt_template(request.format, request.adapter_dir, tokenizer.config());
    settings = engine_settings(request.sampling, request.model_dir);
  } catch (const std::exception& e) {
    Q_EMIT paneFailed(turn, kBasePane, engineMessage(e));
    if (with_adapter) Q_EMIT paneFailed(turn, kAdapterPane, engineMessage(e));
    Q_EMIT turnFinished(turn);
    return;
  }
  Q_EMIT promptFormatResolved(turn, QString::fromStdString(prompt_template.describe()));

  QString adapter_error;
  if (with_adapter) {
    try {
      ensureAdapter(request.model, request.adapter_dir);
    } catch (const std::exception& e) {
      adapter_error = engineMessage(e);
    }
  }

  // Both answers advance a token at a time in turn, the adapter switched off for the base pane's
  // steps and on for the adapter pane's, so they stream side by side; each has its own KV cache and
  // sampler (same seed), so each text is the one it would be alone.
  struct PaneRun {
    int pane;
    std::unique_ptr<lora::Generation> generation;
    bool started = false;
  };
  std::vector<PaneRun> runs;
  for (int pane : {kBasePane, kAdapterPane}) {
    if (pane == kAdapterPane && !with_adapter) break;
    if (pane == kAdapterPane && !adapter_error.isEmpty()) {
      Q_EMIT paneFailed(turn, pane, adapter_error);
      break;
    }
    try {
      const lora::EncodedPrompt prompt = lora::encode_prompt(prompt_template, tokenizer, pane_messages(request, pane));
      const int64_t context_length = model.config().max_position_embeddings;
      if (context_length > 0 && int64_t(prompt.ids.size()) >= context_length) {
        Q_EMIT paneContextFull(turn, pane, int(prompt.ids.size()), int(context_length));
        continue;
      }
      lora::GenerationSettings pane_settings = settings;
      pane_settings.stop_strings = prompt.stop_strings;
      runs.push_back({pane, std::make_unique<lora::Generation>(
                                model, tokenizer, prompt.ids, pane_settings, [this, turn, pane](const std::string& piece) {
                                  if (!piece.empty()) Q_EMIT pieceGenerated(turn, pane, QString::fromStdString(piece));
                                  return !isCancelled(turn);
                                })});
    } catch (const std::exception& e) {
      Q_EMIT paneFailed(turn, pane, engineMessage(e));
    }
  }

  const auto report_end = [&](const PaneRun& run) {
    const lora::GenerationResult& result = run.generation->result();
    const double seconds = result.prefill_seconds + result.decode_seconds;
    const double rate = seconds > 0 ? double(result.ids.size()) / seconds : 0.0;
    Q_EMIT paneFinished(turn, run.pane, QString::fromStdString(result.text), int(result.ids.size()), rate,
                      QString::fromLatin1(lora::stop_reason_name(result.stop_reason)));
  };
  bool any_running = !runs.empty();
  while (any_running) {
    any_running = false;
    for (PaneRun& run : runs) {
      if (!run.generation) continue;  // ended (finished or failed)
      if (!run.started) {
        // Stopped before this pane's first step: it runs no prefill and never starts (the page says so).
        if (isCancelled(turn)) {
          run.generation.reset();
          continue;
        }
        run.started = true;
        Q_EMIT paneStarted(turn, run.pane);
      }
      try {
        if (adapter_ && adapter_->attached()) adapter_->set_enabled(run.pane == kAdapterPane);
        if (run.generation->step()) {
          any_running = true;
          continue;
        }
        report_end(run);
      } catch (const std::exception& e) {
        Q_EMIT paneFailed(turn, run.pane, engineMessage(e));
      }
      run.generation.reset();
    }
  }
  Q_EMIT turnFinished(turn);
}

}  // namespace ui
