#pragma once
// The Chat page's generation thread. One turn answers the user's message twice on the one loaded
// model, token by token in turn: with the adapter switched off (the base model) and switched on, so
// the model is never loaded twice, both answers stream side by side, and they use the same prompt,
// sampling settings and seed.
// Pieces of text stream back to the GUI thread through queued signals as they are generated.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "chat_template.h"

#include <QObject>
#include <QString>

namespace lora {
class CausalLM;
class ModelAdapter;
class Tokenizer;
}  // namespace lora

namespace ui {

// Sampling choices as the page holds them (kept free of engine headers so widgets can include it).
struct ChatSamplingOptions {
  int max_new_tokens = 256;
  double temperature = 0.7;  // 0 = greedy
  double top_p = 0.9;
  int top_k = 40;
  double repetition_penalty = 1.0;
  quint64 seed = 42;
};

enum ChatPaneId { kBasePane = 0, kAdapterPane = 1 };

struct ChatTurnRequest {
  quint64 turn = 0;  // increases with every request; signals carry it so stale ones can be dropped
  std::shared_ptr<lora::CausalLM> model;  // held for the whole turn: unloading never pulls it away
  std::shared_ptr<const lora::Tokenizer> tokenizer;
  std::string model_dir;
  std::string adapter_dir;  // "" = base model only
  std::string format;       // "" = automatic (the adapter's training_prompt.json first)
  std::string system_prompt;
  // Each pane's own earlier conversation (user and assistant messages, no system message).
  std::vector<lora::ChatMessage> base_history, adapter_history;
  std::string user_message;
  ChatSamplingOptions sampling;
};

class ChatWorker : public QObject {
  Q_OBJECT

 public:
  explicit ChatWorker(QObject* parent = nullptr);
  ~ChatWorker() override;

  // Runs on the worker's thread (call through a queued invocation).
  void runTurn(const ChatTurnRequest& request);
  // How many tokens the pane's prompt of `request` takes (the system prompt, that pane's earlier turns and
  // the new message, in the prompt format the turn would use); -1 when it cannot be encoded. Any thread.
  static int promptTokens(const ChatTurnRequest& request, int pane);
  // Thread-safe: stops `turn` (and any earlier) after the token being generated.
  void cancel(quint64 turn) { cancelled_up_to_.store(turn); }

 Q_SIGNALS:
  void promptFormatResolved(quint64 turn, const QString& description);
  void paneStarted(quint64 turn, int pane);
  void pieceGenerated(quint64 turn, int pane, const QString& piece);
  // stop_reason: the engine's name ("eos", "stop_string", "max_tokens", "context_length", "cancelled").
  void paneFinished(quint64 turn, int pane, const QString& answer, int tokens, double tokens_per_second,
                    const QString& stop_reason);
  void paneFailed(quint64 turn, int pane, const QString& message);
  // The pane's prompt (system prompt, earlier turns, the new message) does not fit the model's context
  // length (max_position_embeddings): it was not run. Sent instead of paneFailed.
  void paneContextFull(quint64 turn, int pane, int prompt_tokens, int context_length);
  void turnFinished(quint64 turn);

 private:
  bool isCancelled(quint64 turn) const { return cancelled_up_to_.load() >= turn; }
  // Loads the adapter onto the model unless that very file is already on it.
  void ensureAdapter(const std::shared_ptr<lora::CausalLM>& model, const std::string& adapter_dir);

  std::atomic<quint64> cancelled_up_to_{0};
  // What the model currently holds, to switch the adapter on and off rather than reload it. The
  // weights file's time tells an adapter retrained into the same folder apart.
  std::weak_ptr<lora::CausalLM> adapted_model_;
  std::unique_ptr<lora::ModelAdapter> adapter_;  // on adapted_model_; keeps none of its weights alive
  std::string loaded_adapter_dir_;
  std::filesystem::file_time_type loaded_adapter_time_{};
};

}  // namespace ui
