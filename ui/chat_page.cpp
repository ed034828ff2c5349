#include "chat_page.h"

#include "causal_lm.h"
#include "chat_prompt.h"
#include "lora_adapter.h"
#include "tokenizer.h"

#include <algorithm>

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QStackedWidget>
#include <QThread>
#include <QVBoxLayout>

#include "app_session.h"
#include "chat_pane.h"
#include "chat_worker.h"
#include "engine_messages.h"
#include "generation_settings_form.h"

namespace ui {

namespace {

constexpr int kMaxRecentAdapters = 8;

QString adapter_name(const QString& dir) { return QFileInfo(QDir::cleanPath(dir)).fileName(); }

}  // namespace

ChatPage::ChatPage(AppSession* session, QWidget* parent) : QWidget(parent), session_(session) {
  auto* outer = new QVBoxLayout(this);
  outer->setContentsMargins(0, 0, 0, 0);
  stack_ = new QStackedWidget(this);
  stack_->setObjectName("chat_stack");
  outer->addWidget(stack_);

  stack_->addWidget(buildNoModelPage(stack_));

  // --- The chat. ---
  auto* chat_page = new QWidget(stack_);
  auto* layout = new QVBoxLayout(chat_page);

  buildChoices(chat_page, layout);
  layout->addWidget(buildPanes(chat_page), 1);
  buildInput(chat_page, layout);
  status_ = new QLabel(chat_page);
  status_->setObjectName("chat_status");
  layout->addWidget(status_);
  stack_->addWidget(chat_page);

  connect(send_button_, &QPushButton::clicked, this, &ChatPage::send);
  connect(stop_button_, &QPushButton::clicked, this, &ChatPage::stop);
  connect(clear_button_, &QPushButton::clicked, this, &ChatPage::clearConversation);
  for (const QKeySequence& keys : {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)}) {
    auto* shortcut = new QShortcut(keys, prompt_edit_);
    shortcut->setContext(Qt::WidgetShortcut);
    connect(shortcut, &QShortcut::activated, this, &ChatPage::send);
  }
  connect(prompt_edit_, &QPlainTextEdit::textChanged, this, &ChatPage::updateButtons);
  connect(prompt_edit_, &QPlainTextEdit::textChanged, context_warning_, &QWidget::hide);

  fillAdapterChoices();
  startWorker();

  for (auto signal : {&AppSession::modelLoaded, &AppSession::modelLoadStarted})
    connect(session_, signal, this, &ChatPage::updateModelState);
  connect(session_, &AppSession::modelLoadFailed, this, &ChatPage::updateModelState);
  connect(session_, &AppSession::modelUnloaded, this, &ChatPage::updateModelState);
  connect(session_, &AppSession::trainingChanged, this, [this](bool running) { training_note_->setVisible(running); });
  training_note_->setVisible(session_->isTraining());
  updateModelState();
  updateAdapterPane();
}

// Shown until a model is loaded.
QWidget* ChatPage::buildNoModelPage(QWidget* parent) {
  auto* no_model_page = new QWidget(parent);
  auto* no_model_layout = new QVBoxLayout(no_model_page);
  no_model_layout->addStretch();
  no_model_label_ = new QLabel(no_model_page);
  no_model_label_->setObjectName("no_model_label");
  no_model_label_->setAlignment(Qt::AlignCenter);
  no_model_label_->setWordWrap(true);
  no_model_layout->addWidget(no_model_label_);
  open_models_button_ = new QPushButton(tr("Open the Models page"), no_model_page);
  open_models_button_->setObjectName("open_models_button");
  connect(open_models_button_, &QPushButton::clicked, this, [this] { Q_EMIT session_->pageRequested("models"); });
  no_model_layout->addWidget(open_models_button_, 0, Qt::AlignCenter);
  no_model_layout->addStretch();
  return no_model_page;
}

// The adapter and the prompt format, and the notes under them.
void ChatPage::buildChoices(QWidget* chat_page, QVBoxLayout* layout) {
  auto* choices = new QHBoxLayout;
  choices->addWidget(new QLabel(tr("Adapter:"), chat_page));
  adapter_combo_ = new QComboBox(chat_page);
  adapter_combo_->setObjectName("adapter_combo");
  adapter_combo_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  adapter_combo_->setToolTip(tr("The LoRA adapter compared with the base model. It is switched on and off on "
                                "the loaded model, which is not loaded twice."));
  adapter_combo_->addItem(tr("None (base model only)"), QString());
  choices->addWidget(adapter_combo_, 1);
  auto* browse = new QPushButton(tr("Browse…"), chat_page);
  browse->setObjectName("browse_adapter_button");
  browse->setToolTip(tr("Choose an adapter folder (one with adapter_config.json)"));
  connect(browse, &QPushButton::clicked, this, &ChatPage::browseAdapter);
  choices->addWidget(browse);
  choices->addSpacing(12);
  choices->addWidget(new QLabel(tr("Prompt format:"), chat_page));
  format_combo_ = new QComboBox(chat_page);
  format_combo_->setObjectName("format_combo");
  format_combo_->setToolTip(tr("How the conversation is written for the model. Automatic uses the template the "
                               "adapter was trained with (its training_prompt.json), else the model's own chat "
                               "template, rendered exactly as Hugging Face transformers renders it. An adapter "
                               "answers best in its training format."));
  format_combo_->addItem(tr("Automatic"), QString());
  format_combo_->addItem(tr("The model's own template"), QString::fromLatin1(lora::ChatTemplate::kModelName));
  for (const std::string& name : lora::ChatTemplate::builtin_names())
    format_combo_->addItem(QString::fromStdString(name), QString::fromStdString(name));
  const int saved_format = format_combo_->findData(session_->settings().value("chat/format").toString());
  format_combo_->setCurrentIndex(saved_format < 0 ? 0 : saved_format);
  choices->addWidget(format_combo_);
  choices->addSpacing(12);
  choices->addWidget(new QLabel(tr("Weights:"), chat_page));
  quantize_combo_ = new QComboBox(chat_page);
  quantize_combo_->setObjectName("quantize_combo");
  quantize_combo_->setToolTip(tr("How the model's layers are kept in memory. 4-bit NF4 (as QLoRA) takes about a "
                                 "third of the memory of 16-bit weights, 8-bit about half; answers change a little. "
                                 "Changing it reloads the model. A model downloaded in 4-bit (bnb-4bit) stays 4-bit."));
  quantize_combo_->addItem(tr("Full precision"), QString("none"));
  quantize_combo_->addItem(tr("4-bit NF4 (QLoRA)"), QString("nf4"));
  quantize_combo_->addItem(tr("8-bit"), QString("int8"));
  quantize_combo_->setCurrentIndex(std::max(0, quantize_combo_->findData(session_->modelQuantize())));
  connect(quantize_combo_, qOverload<int>(&QComboBox::currentIndexChanged), this,
          [this] { session_->setModelQuantize(quantize_combo_->currentData().toString()); });
  choices->addWidget(quantize_combo_);
  layout->addLayout(choices);

  format_label_ = new QLabel(chat_page);
  format_label_->setObjectName("format_label");
  format_label_->setWordWrap(true);
  format_label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(format_label_);
  training_note_ = new QLabel(tr("Training is running: it has its own copy of the model, so chat still works, "
                                 "but answers come more slowly while both share the processor."),
                              chat_page);
  training_note_->setObjectName("training_note");
  training_note_->setWordWrap(true);
  layout->addWidget(training_note_);
}

// The two answer panes side by side, and the generation settings.
QSplitter* ChatPage::buildPanes(QWidget* chat_page) {
  auto* splitter = new QSplitter(Qt::Horizontal, chat_page);
  base_pane_ = new ChatPane("base", splitter);
  base_pane_->setTitle(tr("Base model"));
  adapter_pane_ = new ChatPane("adapter", splitter);
  connect(adapter_pane_, &ChatPane::hintActionClicked, this, [this] { Q_EMIT session_->pageRequested("train"); });
  auto* settings_box = new QGroupBox(tr("Generation settings"), splitter);
  auto* settings_layout = new QVBoxLayout(settings_box);
  settings_form_ = new GenerationSettingsForm(&session_->settings(), settings_box);
  settings_layout->addWidget(settings_form_);
  settings_layout->addWidget(new QLabel(tr("System prompt:"), settings_box));
  system_prompt_ = new QLineEdit(settings_box);
  system_prompt_->setObjectName("system_prompt");
  system_prompt_->setPlaceholderText(tr("(none)"));
  system_prompt_->setToolTip(tr("An instruction put before the conversation in both panes, e.g. \"Answer briefly.\""));
  system_prompt_->setText(session_->settings().value("chat/system_prompt").toString());
  connect(system_prompt_, &QLineEdit::textChanged, this,
          [this](const QString& text) { session_->settings().setValue("chat/system_prompt", text); });
  settings_layout->addWidget(system_prompt_);
  settings_layout->addStretch();
  splitter->addWidget(base_pane_);
  splitter->addWidget(adapter_pane_);
  splitter->addWidget(settings_box);
  splitter->setStretchFactor(0, 3);
  splitter->setStretchFactor(1, 3);
  splitter->setStretchFactor(2, 1);
  return splitter;
}

// The message box with its buttons, and the offer to forget the oldest turns.
void ChatPage::buildInput(QWidget* chat_page, QVBoxLayout* layout) {
  auto* input = new QHBoxLayout;
  prompt_edit_ = new QPlainTextEdit(chat_page);
  prompt_edit_->setObjectName("prompt_edit");
  prompt_edit_->setPlaceholderText(tr("Type a message; Ctrl+Enter sends it to both models"));
  prompt_edit_->setMaximumHeight(90);
  input->addWidget(prompt_edit_, 1);
  auto* buttons = new QVBoxLayout;
  send_button_ = new QPushButton(tr("Send"), chat_page);
  send_button_->setObjectName("send_button");
  send_button_->setToolTip(tr("Send the message to both panes (Ctrl+Enter)"));
  send_button_->setDefault(true);
  stop_button_ = new QPushButton(tr("Stop"), chat_page);
  stop_button_->setObjectName("stop_button");
  stop_button_->setToolTip(tr("Stop generating; what was written so far is kept"));
  clear_button_ = new QPushButton(tr("Clear"), chat_page);
  clear_button_->setObjectName("clear_button");
  clear_button_->setToolTip(tr("Start a new conversation in both panes"));
  for (QPushButton* button : {send_button_, stop_button_, clear_button_}) buttons->addWidget(button);
  input->addLayout(buttons);
  layout->addLayout(input);
  // Before a message is sent that would not fit the model's context length (the answer would be cut
  // short, or the pane fail), an offer to forget the oldest turns.
  context_warning_ = new QWidget(chat_page);
  context_warning_->setObjectName("context_warning");
  auto* warning_layout = new QHBoxLayout(context_warning_);
  warning_layout->setContentsMargins(0, 0, 0, 0);
  context_warning_label_ = new QLabel(context_warning_);
  context_warning_label_->setObjectName("context_warning_label");
  context_warning_label_->setWordWrap(true);
  context_warning_label_->setStyleSheet("QLabel { color: #8a5a00; }");
  warning_layout->addWidget(context_warning_label_, 1);
  context_drop_button_ = new QPushButton(tr("Drop the oldest turns and send"), context_warning_);
  context_drop_button_->setObjectName("context_drop_button");
  auto* send_anyway = new QPushButton(tr("Send anyway"), context_warning_);
  send_anyway->setObjectName("context_send_anyway_button");
  warning_layout->addWidget(context_drop_button_);
  warning_layout->addWidget(send_anyway);
  context_warning_->hide();
  layout->addWidget(context_warning_);
  connect(context_drop_button_, &QPushButton::clicked, this, &ChatPage::dropOldestTurnsAndSend);
  connect(send_anyway, &QPushButton::clicked, this, [this] { sendMessage(true); });
  for (ChatPane* chat_pane : {base_pane_, adapter_pane_}) {
    // After a pane found the context full: the message goes back to the prompt box, to be sent again.
    connect(chat_pane, &ChatPane::dropOldestTurnsRequested, this, [this] {
      if (prompt_edit_->toPlainText().trimmed().isEmpty()) prompt_edit_->setPlainText(turn_user_message_);
      dropOldestTurnsAndSend();
    });
    connect(chat_pane, &ChatPane::clearRequested, this, [this] {
      const QString message = turn_user_message_;
      clearConversation();
      if (prompt_edit_->toPlainText().trimmed().isEmpty()) prompt_edit_->setPlainText(message);
    });
  }
}

// Adapters: the session's, and those browsed to before.
void ChatPage::fillAdapterChoices() {
  for (const QString& dir : session_->settings().value("chat/recent_adapters").toStringList())
    if (QFileInfo::exists(dir + "/adapter_config.json")) addAdapterChoice(dir);
  if (!session_->adapterDir().isEmpty()) addAdapterChoice(session_->adapterDir());
  const int session_adapter = adapter_combo_->findData(session_->adapterDir());
  adapter_combo_->setCurrentIndex(session_->adapterDir().isEmpty() || session_adapter < 0 ? 0 : session_adapter);
  connect(adapter_combo_, qOverload<int>(&QComboBox::currentIndexChanged), this, &ChatPage::adapterChosen);
  connect(format_combo_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
    session_->settings().setValue("chat/format", format_combo_->currentData().toString());
    updateFormatLabel();
  });
  connect(session_, &AppSession::adapterDirChanged, this, [this](const QString& dir) {
    if (dir.isEmpty()) return;
    addAdapterChoice(dir);
    adapter_combo_->setCurrentIndex(adapter_combo_->findData(dir));
  });
}

// The worker thread: one for the page's life, so turns run one after the other. It streams pieces and
// takes stop requests by turn id, so it keeps its own long-lived thread rather than a BackgroundJob.
void ChatPage::startWorker() {
  thread_ = new QThread(this);
  thread_->setObjectName("chat generation");
  worker_ = new ChatWorker;
  worker_->moveToThread(thread_);
  connect(worker_, &ChatWorker::paneStarted, this, &ChatPage::onPaneStarted);
  connect(worker_, &ChatWorker::pieceGenerated, this, &ChatPage::onPiece);
  connect(worker_, &ChatWorker::paneFinished, this, &ChatPage::onPaneFinished);
  connect(worker_, &ChatWorker::paneFailed, this, &ChatPage::onPaneFailed);
  connect(worker_, &ChatWorker::paneContextFull, this, &ChatPage::onPaneContextFull);
  connect(worker_, &ChatWorker::turnFinished, this, &ChatPage::onTurnFinished);
  thread_->start();
}

ChatPage::~ChatPage() {
  // The turn in flight stops after its current token; the worker holds its own model pointer.
  worker_->cancel(last_turn_);
  thread_->quit();
  thread_->wait();
  delete worker_;
}

ChatPane* ChatPage::pane(int id) const { return id == kBasePane ? base_pane_ : adapter_pane_; }

QString ChatPage::chosenAdapterDir() const { return adapter_combo_->currentData().toString(); }

void ChatPage::addAdapterChoice(const QString& dir) {
  if (adapter_combo_->findData(dir) >= 0) return;
  adapter_combo_->addItem(adapter_name(dir), dir);
  adapter_combo_->setItemData(adapter_combo_->count() - 1, QDir::toNativeSeparators(dir), Qt::ToolTipRole);
}

void ChatPage::browseAdapter() {
  const QString start = chosenAdapterDir().isEmpty() ? QDir::homePath() : chosenAdapterDir();
  const QString dir = QFileDialog::getExistingDirectory(this, tr("Choose an adapter folder"), start);
  if (dir.isEmpty()) return;
  try {
    lora::load_lora_config(dir.toStdString());
  } catch (const std::exception& e) {
    QMessageBox::warning(this, tr("Not a LoRA adapter"),
                         tr("%1 is not a PEFT LoRA adapter folder:\n%2").arg(dir, engineMessage(e)));
    return;
  }
  QStringList recent = session_->settings().value("chat/recent_adapters").toStringList();
  recent.removeAll(dir);
  recent.prepend(dir);
  session_->settings().setValue("chat/recent_adapters", QStringList(recent.mid(0, kMaxRecentAdapters)));
  addAdapterChoice(dir);
  adapter_combo_->setCurrentIndex(adapter_combo_->findData(dir));
}

void ChatPage::adapterChosen() {
  const QString dir = chosenAdapterDir();
  if (!dir.isEmpty()) session_->setAdapterDir(dir);
  // The adapter pane's conversation belonged to the previous adapter.
  if (!base_history_.empty() || isGenerating()) {
    clearConversation();
    status_->setText(tr("New conversation: the adapter changed."));
  }
  updateAdapterPane();
}

void ChatPage::updateAdapterPane() {
  const QString dir = chosenAdapterDir();
  if (dir.isEmpty()) {
    adapter_pane_->setTitle(tr("With adapter: (none)"));
    adapter_pane_->setHint(tr("No adapter is chosen, so only the base model answers.\nTrain one on the Train page, "
                              "or choose an adapter folder above with Browse…"),
                           tr("Open the Train page"));
  } else {
    adapter_pane_->setTitle(tr("With adapter: %1").arg(adapter_name(dir)));
    adapter_pane_->setToolTip(QDir::toNativeSeparators(dir));
    adapter_pane_->setHint(QString());
  }
  updateFormatLabel();
}

void ChatPage::updateFormatLabel() {
  const auto tokenizer = session_->tokenizer();
  if (!tokenizer) {
    format_label_->clear();
    return;
  }
  try {
    const lora::PromptTemplate prompt_template = lora::resolve_prompt_template(
        format_combo_->currentData().toString().toStdString(), chosenAdapterDir().toStdString(), tokenizer->config());
    format_label_->setText(tr("Prompt format: %1").arg(describeTemplate(prompt_template)));
    format_label_->setStyleSheet(QString());
  } catch (const std::exception& e) {
    format_label_->setText(tr("Prompt format: %1").arg(engineMessage(e)));
    format_label_->setStyleSheet("color: red");
  }
}

QString ChatPage::describeTemplate(const lora::PromptTemplate& prompt_template) {
  const std::string& source = prompt_template.source;
  const bool from_adapter = source == "training_prompt.json of the adapter";
  if (prompt_template.is_format_file)
    return from_adapter ? tr("the instruction template of a format file (from the adapter's training_prompt.json)")
                        : tr("the instruction template of a format file");
  if (!prompt_template.chat_template.is_builtin()) {
    if (from_adapter) return tr("the chat template the adapter was trained with (its training_prompt.json)");
    if (source == "chosen") return tr("the model's chat template (chosen)");
    return tr("the model's chat template");
  }
  const QString name = QString::fromStdString(prompt_template.chat_template.name());
  QString why;
  if (from_adapter) why = tr("from the adapter's training_prompt.json");
  else if (source == "chosen") why = tr("chosen");
  else if (source == "no chat_template: default") why = tr("the default: the model has no chat template");
  else why = QString::fromStdString(source);
  return tr("%1 (%2)").arg(name, why);
}

void ChatPage::updateModelState() {
  switch (session_->modelState()) {
    case AppSession::ModelState::Loaded:
      stack_->setCurrentIndex(1);
      break;
    case AppSession::ModelState::Loading:
      no_model_label_->setText(tr("Loading %1…").arg(QFileInfo(session_->modelDir()).fileName()));
      open_models_button_->hide();
      stack_->setCurrentIndex(0);
      break;
    case AppSession::ModelState::None:
      no_model_label_->setText(tr("No model is loaded. Load a model (or the built-in demo) on the Models page to "
                                  "chat with it and compare it with your adapter."));
      open_models_button_->show();
      stack_->setCurrentIndex(0);
      break;
  }
  // Another model (or none): the conversations so far were with the old one.
  if (isGenerating() || !base_history_.empty()) clearConversation();
  updateFormatLabel();
  updateButtons();
}

void ChatPage::updateButtons() {
  const bool loaded = session_->modelState() == AppSession::ModelState::Loaded;
  send_button_->setEnabled(loaded && !isGenerating() && !prompt_edit_->toPlainText().trimmed().isEmpty());
  stop_button_->setEnabled(isGenerating());
}

void ChatPage::send() { sendMessage(false); }

ChatTurnRequest ChatPage::makeRequest(const QString& text) const {
  ChatTurnRequest request;
  request.model = session_->model();
  request.tokenizer = session_->tokenizer();
  request.model_dir = session_->modelFolder().toStdString();  // a .gguf file's prepared folder
  request.adapter_dir = chosenAdapterDir().toStdString();
  request.format = format_combo_->currentData().toString().toStdString();
  request.system_prompt = system_prompt_->text().trimmed().toStdString();
  request.base_history = base_history_;
  request.adapter_history = adapter_history_;
  request.user_message = text.toStdString();
  request.sampling = settings_form_->options();
  return request;
}

int ChatPage::contextLength() const {
  const auto model = session_->model();
  return model ? int(model->config().max_position_embeddings) : 0;
}

int ChatPage::tokensNeeded(const ChatTurnRequest& request) const {
  int prompt = ChatWorker::promptTokens(request, kBasePane);
  if (!request.adapter_dir.empty()) prompt = std::max(prompt, ChatWorker::promptTokens(request, kAdapterPane));
  return prompt < 0 ? -1 : prompt + request.sampling.max_new_tokens;
}

void ChatPage::dropOldestTurnsAndSend() {
  const QString text = prompt_edit_->toPlainText().trimmed();
  if (text.isEmpty() || isGenerating() || !session_->model() || !session_->tokenizer()) return;
  const int context = contextLength();
  ChatTurnRequest request = makeRequest(text);
  for (int id : {kBasePane, kAdapterPane}) {
    if (id == kAdapterPane && request.adapter_dir.empty()) continue;
    auto& history = id == kBasePane ? base_history_ : adapter_history_;
    auto& request_history = id == kBasePane ? request.base_history : request.adapter_history;
    int dropped = 0;
    while (!history.empty() && context > 0) {
      request_history = history;
      const int prompt = ChatWorker::promptTokens(request, id);
      if (prompt >= 0 && prompt + request.sampling.max_new_tokens <= context) break;
      // A turn is the user's message and the answer to it.
      history.erase(history.begin(), history.begin() + std::min<size_t>(2, history.size()));
      ++dropped;
    }
    if (dropped > 0)
      pane(id)->addNote(dropped == 1 ? tr("(1 earlier turn dropped: the conversation did not fit the model's "
                                          "context length)")
                                     : tr("(%1 earlier turns dropped: the conversation did not fit the model's "
                                          "context length)")
                                           .arg(dropped));
  }
  sendMessage(true);
}

void ChatPage::sendMessage(bool past_the_context) {
  const QString text = prompt_edit_->toPlainText().trimmed();
  if (text.isEmpty() || isGenerating() || !session_->model() || !session_->tokenizer()) return;
  ChatTurnRequest request = makeRequest(text);
  const int context = contextLength();
  if (!past_the_context && context > 0) {
    const int needed = tokensNeeded(request);
    if (needed > context) {
      const bool has_history = !base_history_.empty() || !adapter_history_.empty();
      context_warning_label_->setText(
          tr("This message and the conversation before it take %1 tokens; with up to %2 new tokens that passes "
             "the model's context length of %3 tokens, and the answer would be cut short or fail.")
              .arg(needed - request.sampling.max_new_tokens)
              .arg(request.sampling.max_new_tokens)
              .arg(context) +
          (has_history ? QString() : QStringLiteral(" ") + tr("Shorten the message or lower the max new tokens.")));
      context_drop_button_->setEnabled(has_history);
      context_warning_->show();
      return;
    }
  }
  context_warning_->hide();
  request.turn = ++last_turn_;

  active_turn_ = request.turn;
  turn_uses_adapter_ = !request.adapter_dir.empty();
  base_pane_started_ = adapter_pane_started_ = false;
  turn_user_message_ = text;
  base_pane_->beginTurn(text);
  if (turn_uses_adapter_) {
    adapter_pane_->beginTurn(text);
    adapter_pane_->setStatus(tr("Loading the adapter…"));
  }
  prompt_edit_->clear();
  status_->setText(tr("Generating…"));
  updateButtons();
  ChatWorker* worker = worker_;
  QMetaObject::invokeMethod(worker_, [worker, request] { worker->runTurn(request); }, Qt::QueuedConnection);
}

void ChatPage::stop() {
  if (!isGenerating()) return;
  worker_->cancel(active_turn_);
  status_->setText(tr("Stopping…"));
}

void ChatPage::clearConversation() {
  if (isGenerating()) worker_->cancel(active_turn_);
  active_turn_ = 0;  // whatever the stopped turn still sends is dropped
  base_history_.clear();
  adapter_history_.clear();
  base_pane_->clear();
  adapter_pane_->clear();
  context_warning_->hide();
  status_->clear();
  updateButtons();
}

void ChatPage::onPaneStarted(quint64 turn, int id) {
  if (turn != active_turn_) return;
  (id == kAdapterPane ? adapter_pane_started_ : base_pane_started_) = true;
  pane(id)->beginAnswer(id == kBasePane ? tr("Base model") : tr("With adapter"));
}

void ChatPage::onPiece(quint64 turn, int id, const QString& piece) {
  if (turn == active_turn_) pane(id)->appendPiece(piece);
}

void ChatPage::onPaneFinished(quint64 turn, int id, const QString& answer, int tokens, double tokens_per_second,
                              const QString& stop_reason) {
  if (turn != active_turn_) return;
  QString why;
  if (stop_reason == QLatin1String("cancelled")) why = tr("stopped");
  else if (stop_reason == QLatin1String("max_tokens")) why = tr("reached the max new tokens");
  else if (stop_reason == QLatin1String("context_length")) why = tr("reached the model's context length");
  else why = tr("finished");
  pane(id)->finishAnswer(answer, tr("%1 tokens, %2 tokens/s, %3")
                                     .arg(tokens)
                                     .arg(QLocale().toString(tokens_per_second, 'f', 1))
                                     .arg(why));
  // A stopped answer stays in the conversation as far as it got; one stopped before any text does not.
  if (answer.isEmpty() && stop_reason == QLatin1String("cancelled")) return;
  auto& history = id == kBasePane ? base_history_ : adapter_history_;
  history.push_back({"user", turn_user_message_.toStdString()});
  history.push_back({"assistant", answer.toStdString()});
}

void ChatPage::onPaneFailed(quint64 turn, int id, const QString& message) {
  if (turn != active_turn_) return;
  (id == kAdapterPane ? adapter_pane_started_ : base_pane_started_) = true;  // it says why it failed
  pane(id)->failAnswer(message);
}

void ChatPage::onPaneContextFull(quint64 turn, int id, int prompt_tokens, int context_length) {
  if (turn != active_turn_) return;
  (id == kAdapterPane ? adapter_pane_started_ : base_pane_started_) = true;
  const bool has_history = !(id == kBasePane ? base_history_ : adapter_history_).empty();
  const QString why = tr("The conversation no longer fits the model's context length: with this message it is %1 "
                         "tokens, and the model reads at most %2.")
                          .arg(prompt_tokens)
                          .arg(context_length);
  pane(id)->failAnswer(why + QStringLiteral(" ") +
                           (has_history ? tr("Drop the oldest turns to go on, or clear the conversation.")
                                        : tr("This message alone is too long for the model: shorten it.")),
                       has_history);
}

void ChatPage::onTurnFinished(quint64 turn) {
  if (turn != active_turn_) return;
  if (!base_pane_started_) base_pane_->setStatus(tr("Stopped before this pane answered"));
  if (turn_uses_adapter_ && !adapter_pane_started_)
    adapter_pane_->setStatus(tr("Stopped before this pane answered"));
  active_turn_ = 0;
  status_->setText(tr("Ready"));
  updateButtons();
}

}  // namespace ui
