#pragma once
// Chat: the base model and the model with the adapter answering side by side. Both answers come
// from the one loaded model on one worker thread (adapter off, then on), with the same prompt,
// sampling settings and seed; each pane keeps its own conversation, both get the same user turns.
#include <vector>

#include "chat_template.h"
#include "chat_worker.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSplitter;
class QStackedWidget;
class QThread;
class QVBoxLayout;

namespace lora {
struct PromptTemplate;
}

namespace ui {

class AppSession;
class ChatPane;
class ChatWorker;
class GenerationSettingsForm;

class ChatPage : public QWidget {
  Q_OBJECT

 public:
  // "chatml (from the model's chat template)": a prompt format and where it came from, in the
  // interface language (also the Models page's "Chat format" row).
  static QString describeTemplate(const lora::PromptTemplate& prompt_template);
  explicit ChatPage(AppSession* session, QWidget* parent = nullptr);
  ~ChatPage() override;

  bool isGenerating() const { return active_turn_ != 0; }

 private:
  // The constructor's sections.
  QWidget* buildNoModelPage(QWidget* parent);
  void buildChoices(QWidget* chat_page, QVBoxLayout* layout);
  QSplitter* buildPanes(QWidget* chat_page);
  void buildInput(QWidget* chat_page, QVBoxLayout* layout);
  void fillAdapterChoices();
  void startWorker();
  void send();
  // Sends the prompt box's message; unless `past_the_context` is allowed, first warns when the conversation
  // plus the max new tokens would not fit the model's context length.
  void sendMessage(bool past_the_context);
  // Forgets each pane's oldest turns until the message in the prompt box fits, then sends it.
  void dropOldestTurnsAndSend();
  ChatTurnRequest makeRequest(const QString& text) const;
  // The most tokens either pane would need: its prompt plus the max new tokens.
  int tokensNeeded(const ChatTurnRequest& request) const;
  int contextLength() const;  // the loaded model's max_position_embeddings; 0 = unknown
  void stop();
  void clearConversation();
  void browseAdapter();
  void addAdapterChoice(const QString& dir);
  void adapterChosen();
  void updateModelState();
  void updateAdapterPane();
  void updateFormatLabel();

  void updateButtons();
  QString chosenAdapterDir() const;

  void onPaneStarted(quint64 turn, int pane);
  void onPiece(quint64 turn, int pane, const QString& piece);
  void onPaneFinished(quint64 turn, int pane, const QString& answer, int tokens, double tokens_per_second,
                      const QString& stop_reason);
  void onPaneFailed(quint64 turn, int pane, const QString& message);
  void onPaneContextFull(quint64 turn, int pane, int prompt_tokens, int context_length);
  void onTurnFinished(quint64 turn);
  ChatPane* pane(int id) const;

  AppSession* session_;
  QStackedWidget* stack_;
  QLabel* no_model_label_;
  QPushButton* open_models_button_;
  QComboBox* adapter_combo_;
  QComboBox* format_combo_;
  QComboBox* quantize_combo_;
  QLabel* format_label_;
  QLabel* training_note_;
  ChatPane* base_pane_;
  ChatPane* adapter_pane_;
  GenerationSettingsForm* settings_form_;
  QLineEdit* system_prompt_;
  QPlainTextEdit* prompt_edit_;
  QPushButton* send_button_;
  QPushButton* stop_button_;
  QPushButton* clear_button_;
  QLabel* status_;
  QWidget* context_warning_;
  QLabel* context_warning_label_;
  QPushButton* context_drop_button_;

  QThread* thread_;
  ChatWorker* worker_;
  quint64 last_turn_ = 0;
  quint64 active_turn_ = 0;  // 0 = none running (or its results are no longer wanted)
  bool turn_uses_adapter_ = false;
  bool base_pane_started_ = false, adapter_pane_started_ = false;  // this turn reached the pane
  QString turn_user_message_;
  std::vector<lora::ChatMessage> base_history_, adapter_history_;
};

}  // namespace ui
