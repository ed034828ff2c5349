// The Chat page on a tiny model with a real tokenizer and an adapter that changes its answers: a
// message streams into both panes; at temperature 0 the base pane is the engine's greedy answer with
// the adapter off and the other pane the one with it on, and they differ; a second turn is answered
// with each pane's own history; Stop ends a long answer at once; without a model or an adapter the
// page says what to do.
#include <ATen/ATen.h>

#include "causal_lm.h"
#include "chat_prompt.h"
#include "generation.h"
#include "lora_adapter.h"
#include "lora_linear.h"
#include "model_adapter.h"
#include "model_test_support.h"
#include "tiny_model.h"
#include "tokenizer.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QScrollBar>
#include <QtTest>

#include "app_session.h"
#include "chat_page.h"
#include "chat_worker.h"
#include "test_support.h"

using test_support::child;

namespace {

lora::ComputeOptions fp32_cpu() { return test_support::fp32_cpu(2); }

// An adapter on every projection with nonzero B, so that it changes the answers.
void write_adapter(const std::string& model_dir, const std::string& adapter_dir) {
  lora::LoraConfig config;
  config.target_modules.names = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"};
  config.r = 4;
  config.lora_alpha = 8;
  test_support::write_random_adapter(model_dir, adapter_dir, config, 3, 7, 0.3, fp32_cpu());
}

}  // namespace

class TestUiChat : public QObject {
  Q_OBJECT

  QTemporaryDir tmp_;
  QString model_dir_, adapter_dir_;
  std::unique_ptr<QSettings> settings_;
  std::unique_ptr<ui::AppSession> session_;
  std::unique_ptr<ui::ChatPage> page_;

  // What the engine answers greedily on the session's model, the adapter on or off.
  QString engineAnswer(bool adapter, const std::vector<lora::ChatMessage>& messages, int max_new_tokens) {
    auto model = session_->model();
    auto tokenizer = session_->tokenizer();
    const lora::PromptTemplate prompt_template =
        lora::resolve_prompt_template("", adapter_dir_.toStdString(), tokenizer->config());
    const lora::EncodedPrompt prompt = lora::encode_prompt(prompt_template, *tokenizer, messages);
    lora::GenerationSettings settings;
    settings.eos_token_ids = lora::load_generation_config(model_dir_.toStdString()).eos_token_ids;
    settings.sampling.do_sample = false;
    settings.max_new_tokens = max_new_tokens;
    settings.stop_strings = prompt.stop_strings;
    // The adapter the chat worker loaded onto the session's model, switched as the worker switches it.
    for (const auto& path : model->linear_layer_paths())
      if (model->linear_layer(path).has_lora()) model->linear_layer(path).set_lora_enabled(adapter);
    return QString::fromStdString(lora::generate(*model, *tokenizer, prompt.ids, settings).text);
  }

  QString copiedAnswer(const char* button) {
    QApplication::clipboard()->clear();
    QTest::mouseClick(child<QPushButton>(page_.get(), button), Qt::LeftButton);
    return QApplication::clipboard()->text();
  }

  void sendMessage(const QString& text) {
    child<QPlainTextEdit>(page_.get(), "prompt_edit")->setPlainText(text);
    QVERIFY(child<QPushButton>(page_.get(), "send_button")->isEnabled());
    QTest::mouseClick(child<QPushButton>(page_.get(), "send_button"), Qt::LeftButton);
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    model_dir_ = tmp_.path() + "/model";
    adapter_dir_ = tmp_.path() + "/my-adapter";
    lora::TinyModelOptions options;
    options.arch = "llama";
    options.tokenizer_path = test_support::npm_tokenizer_dir("tokenizer-llama2").toStdString();
    options.seed = 5;
    options.init_std = 0.3;  // logits with room to move, so the adapter changes the answer
    options.max_position_embeddings = 4096;
    lora::write_tiny_model(model_dir_.toStdString(), options);
    write_adapter(model_dir_.toStdString(), adapter_dir_.toStdString());
    QFile prompt_file(adapter_dir_ + "/training_prompt.json");
    QVERIFY(prompt_file.open(QIODevice::WriteOnly));
    prompt_file.write("{\"format\": \"alpaca-format\"}\n");
    prompt_file.close();

    settings_ = std::make_unique<QSettings>(tmp_.path() + "/settings.ini", QSettings::IniFormat);
    settings_->setValue("compute/device", "cpu");
    settings_->setValue("compute/threads", 2);
    session_ = std::make_unique<ui::AppSession>(settings_.get());
    page_ = std::make_unique<ui::ChatPage>(session_.get());
    page_->resize(1200, 700);
    page_->show();
  }

  void without_a_model_the_page_points_to_the_models_page() {
    QCOMPARE(child<QStackedWidget>(page_.get(), "chat_stack")->currentIndex(), 0);
    QVERIFY(child<QLabel>(page_.get(), "no_model_label")->text().contains("Models page"));
    QSignalSpy requested(session_.get(), &ui::AppSession::pageRequested);
    QTest::mouseClick(child<QPushButton>(page_.get(), "open_models_button"), Qt::LeftButton);
    QCOMPARE(requested.count(), 1);
    QCOMPARE(requested.at(0).at(0).toString(), QString("models"));
  }

  void loading_a_model_and_an_adapter_shows_the_chat() {
    QSignalSpy loaded(session_.get(), &ui::AppSession::modelLoaded);
    session_->loadModel(model_dir_);
    QVERIFY(loaded.wait(30000));
    QCOMPARE(child<QStackedWidget>(page_.get(), "chat_stack")->currentIndex(), 1);
    // No adapter yet: only the base model answers, and the other pane says how to get one.
    QVERIFY(child<QLabel>(page_.get(), "adapter_hint")->isVisible());
    QVERIFY(child<QLabel>(page_.get(), "adapter_hint")->text().contains("Train"));

    session_->setAdapterDir(adapter_dir_);
    QCOMPARE(child<QComboBox>(page_.get(), "adapter_combo")->currentData().toString(), adapter_dir_);
    QVERIFY(!child<QLabel>(page_.get(), "adapter_hint")->isVisible());
    QCOMPARE(child<QLabel>(page_.get(), "adapter_title")->text(), QString("With adapter: my-adapter"));
    // The format defaults to the one the adapter was trained with.
    const QString format = child<QLabel>(page_.get(), "format_label")->text();
    QVERIFY2(format.contains("alpaca") && format.contains("training_prompt.json"), qPrintable(format));
  }

  void both_panes_stream_the_engines_answers() {
    child<QDoubleSpinBox>(page_.get(), "temperature")->setValue(0.0);
    child<QSpinBox>(page_.get(), "max_new_tokens")->setValue(20);
    QSignalSpy base_updates(child<QTextBrowser>(page_.get(), "base_transcript"), &QTextBrowser::textChanged);
    QSignalSpy adapter_updates(child<QTextBrowser>(page_.get(), "adapter_transcript"), &QTextBrowser::textChanged);
    sendMessage("What is the capital of France?");
    QVERIFY(page_->isGenerating());
    QVERIFY(child<QPushButton>(page_.get(), "stop_button")->isEnabled());
    // Which transcript changes, in order, once the answers start coming.
    QStringList order;
    QObject listener;
    connect(child<QTextBrowser>(page_.get(), "base_transcript"), &QTextBrowser::textChanged, &listener, [&] { order << "base"; });
    connect(child<QTextBrowser>(page_.get(), "adapter_transcript"), &QTextBrowser::textChanged, &listener, [&] { order << "adapter"; });
    QTRY_VERIFY_WITH_TIMEOUT(!page_->isGenerating(), 30000);

    // Side by side: the adapter's answer was streaming before the base model's had ended.
    const qsizetype first_adapter = order.indexOf("adapter"), last_base = order.lastIndexOf("base");
    QVERIFY2(first_adapter >= 0 && first_adapter < last_base && order.count("adapter") >= 8,
             qPrintable("the answers did not stream side by side: " + order.join(' ')));

    // Streamed: the transcript changed piece by piece, not once at the end.
    QVERIFY2(base_updates.count() >= 8, qPrintable(QString::number(base_updates.count())));
    QVERIFY2(adapter_updates.count() >= 8, qPrintable(QString::number(adapter_updates.count())));
    const QString base = copiedAnswer("base_copy_button");
    const QString adapted = copiedAnswer("adapter_copy_button");
    const std::vector<lora::ChatMessage> turn = {{"user", "What is the capital of France?"}};
    QCOMPARE(base, engineAnswer(false, turn, 20));
    QCOMPARE(adapted, engineAnswer(true, turn, 20));
    QVERIFY(!base.isEmpty());
    QVERIFY(base != adapted);
    QVERIFY(child<QTextBrowser>(page_.get(), "base_transcript")->toPlainText().contains(base));
    QVERIFY(child<QTextBrowser>(page_.get(), "adapter_transcript")->toPlainText().contains(adapted));
    QVERIFY2(child<QLabel>(page_.get(), "base_status")->text().contains("tokens/s"), qPrintable(child<QLabel>(page_.get(), "base_status")->text()));
    QVERIFY(child<QLabel>(page_.get(), "adapter_status")->text().contains("tokens/s"));

    // A second turn: each pane continues its own conversation.
    sendMessage("And of Italy?");
    QTRY_VERIFY_WITH_TIMEOUT(!page_->isGenerating(), 30000);
    const QString base2 = copiedAnswer("base_copy_button");
    const QString adapted2 = copiedAnswer("adapter_copy_button");
    QCOMPARE(base2, engineAnswer(false, {turn[0], {"assistant", base.toStdString()}, {"user", "And of Italy?"}}, 20));
    QCOMPARE(adapted2,
             engineAnswer(true, {turn[0], {"assistant", adapted.toStdString()}, {"user", "And of Italy?"}}, 20));
    // Without the history the answer would be another one (the test would prove nothing otherwise).
    QVERIFY(base2 != engineAnswer(false, {{"user", "And of Italy?"}}, 20));
  }

  void stop_ends_a_long_answer_at_once() {
    child<QDoubleSpinBox>(page_.get(), "temperature")->setValue(0.9);
    child<QSpinBox>(page_.get(), "max_new_tokens")->setValue(3000);
    QSignalSpy base_updates(child<QTextBrowser>(page_.get(), "base_transcript"), &QTextBrowser::textChanged);
    sendMessage("Tell me a very long story.");
    QTRY_VERIFY_WITH_TIMEOUT(base_updates.count() >= 10, 20000);
    QElapsedTimer timer;
    timer.start();
    QTest::mouseClick(child<QPushButton>(page_.get(), "stop_button"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!page_->isGenerating(), 5000);
    QVERIFY2(timer.elapsed() < 2000, qPrintable(QString::number(timer.elapsed())));
    QVERIFY2(child<QLabel>(page_.get(), "base_status")->text().contains("stopped"), qPrintable(child<QLabel>(page_.get(), "base_status")->text()));
    // Both answers were streaming side by side, and both stop.
    QVERIFY2(child<QLabel>(page_.get(), "adapter_status")->text().contains("stopped"),
             qPrintable(child<QLabel>(page_.get(), "adapter_status")->text()));
    QVERIFY(child<QPushButton>(page_.get(), "send_button")->isEnabled() == false);  // the prompt box is empty again
    child<QPlainTextEdit>(page_.get(), "prompt_edit")->setPlainText("x");
    QVERIFY(child<QPushButton>(page_.get(), "send_button")->isEnabled());
    QVERIFY(!child<QPushButton>(page_.get(), "stop_button")->isEnabled());
  }

  // Stop pressed before the worker reached the turn: neither pane runs its prompt or shows a token,
  // so no one-token "answer" enters either conversation.
  void a_turn_stopped_before_it_starts_runs_nothing() {
    ui::ChatWorker worker;
    QSignalSpy started(&worker, &ui::ChatWorker::paneStarted), pieces(&worker, &ui::ChatWorker::pieceGenerated),
        finished(&worker, &ui::ChatWorker::paneFinished), turns(&worker, &ui::ChatWorker::turnFinished);
    ui::ChatTurnRequest request;
    request.turn = 1000;
    request.model = session_->model();
    request.tokenizer = session_->tokenizer();
    request.model_dir = model_dir_.toStdString();
    request.adapter_dir = adapter_dir_.toStdString();
    request.user_message = "Hello?";
    worker.cancel(request.turn);
    worker.runTurn(request);
    QCOMPARE(started.count(), 0);
    QCOMPARE(pieces.count(), 0);
    QCOMPARE(finished.count(), 0);
    QCOMPARE(turns.count(), 1);
  }

  void clear_starts_over_and_settings_persist() {
    QTest::mouseClick(child<QPushButton>(page_.get(), "clear_button"), Qt::LeftButton);
    QVERIFY(child<QTextBrowser>(page_.get(), "base_transcript")->toPlainText().isEmpty());
    QVERIFY(child<QTextBrowser>(page_.get(), "adapter_transcript")->toPlainText().isEmpty());
    QVERIFY(!child<QPushButton>(page_.get(), "base_copy_button")->isEnabled());
    QCOMPARE(settings_->value("chat/max_new_tokens").toInt(), 3000);
    QCOMPARE(settings_->value("chat/temperature").toDouble(), 0.9);
    ui::ChatPage second(session_.get());
    QCOMPARE(child<QSpinBox>(&second, "max_new_tokens")->value(), 3000);
  }

  void without_an_adapter_only_the_base_pane_answers() {
    child<QComboBox>(page_.get(), "adapter_combo")->setCurrentIndex(0);
    QVERIFY(child<QLabel>(page_.get(), "adapter_hint")->isVisible());
    child<QDoubleSpinBox>(page_.get(), "temperature")->setValue(0.0);
    child<QSpinBox>(page_.get(), "max_new_tokens")->setValue(8);
    sendMessage("Hello");
    QTRY_VERIFY_WITH_TIMEOUT(!page_->isGenerating(), 30000);
    QVERIFY(!child<QTextBrowser>(page_.get(), "base_transcript")->toPlainText().isEmpty());
    QVERIFY(child<QTextBrowser>(page_.get(), "adapter_transcript")->toPlainText().isEmpty());
    QSignalSpy requested(session_.get(), &ui::AppSession::pageRequested);
    QTest::mouseClick(child<QPushButton>(page_.get(), "adapter_hint_button"), Qt::LeftButton);
    QCOMPARE(requested.at(0).at(0).toString(), QString("train"));
  }

  // A conversation that outgrows the model's context length (max_position_embeddings, 4096 here): warned
  // about before it is sent, with the offer to forget the oldest turns; and when a pane cannot run it, the
  // reason is shown in that pane, in view, with the way out.
  void a_conversation_too_long_for_the_context_is_warned_about_and_shortened() {
    QTest::mouseClick(child<QPushButton>(page_.get(), "clear_button"), Qt::LeftButton);
    const int context = int(session_->model()->config().max_position_embeddings);
    QCOMPARE(context, 4096);
    std::string hundred;
    for (int i = 0; i < 100; ++i) hundred += "apple ";
    const double tokens_per_word = session_->tokenizer()->encode(hundred, false).size() / 100.0;
    QVERIFY(tokens_per_word >= 1);
    const auto message_of = [&](int tokens) { return QString("apple ").repeated(int(tokens / tokens_per_word)).trimmed(); };
    auto* warning = child<QWidget>(page_.get(), "context_warning");
    child<QDoubleSpinBox>(page_.get(), "temperature")->setValue(0.0);
    child<QSpinBox>(page_.get(), "max_new_tokens")->setValue(4);

    sendMessage(message_of(1500));
    QVERIFY(!warning->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(!page_->isGenerating(), 60000);

    // 1500 + 1500 tokens of conversation and up to 1200 new ones do not fit 4096: nothing is sent yet.
    child<QSpinBox>(page_.get(), "max_new_tokens")->setValue(1200);
    sendMessage(message_of(1500));
    QVERIFY(!page_->isGenerating());
    QVERIFY(warning->isVisible());
    const QString warned = child<QLabel>(page_.get(), "context_warning_label")->text();
    QVERIFY2(warned.contains("4096") && warned.contains("1200"), qPrintable(warned));
    QVERIFY(child<QPushButton>(page_.get(), "context_drop_button")->isEnabled());
    QTest::mouseClick(child<QPushButton>(page_.get(), "context_drop_button"), Qt::LeftButton);
    QVERIFY(page_->isGenerating());
    QVERIFY(!warning->isVisible());
    QVERIFY2(child<QTextBrowser>(page_.get(), "base_transcript")->toPlainText().contains("1 earlier turn dropped"),
             qPrintable(child<QTextBrowser>(page_.get(), "base_transcript")->toPlainText().right(300)));
    QTest::mouseClick(child<QPushButton>(page_.get(), "stop_button"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!page_->isGenerating(), 60000);

    // Sent anyway past the context: the pane says why, in view, and offers to drop the oldest turns.
    QTest::mouseClick(child<QPushButton>(page_.get(), "clear_button"), Qt::LeftButton);
    child<QSpinBox>(page_.get(), "max_new_tokens")->setValue(4);
    sendMessage(message_of(2500));
    QTRY_VERIFY_WITH_TIMEOUT(!page_->isGenerating(), 60000);
    sendMessage(message_of(2500));
    QVERIFY(warning->isVisible());
    QTest::mouseClick(child<QPushButton>(page_.get(), "context_send_anyway_button"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!page_->isGenerating(), 60000);
    QVERIFY(child<QWidget>(page_.get(), "base_problem")->isVisible());
    const QString problem = child<QLabel>(page_.get(), "base_problem_label")->text();
    QVERIFY2(problem.contains("context length") && problem.contains("4096") && problem.contains("Drop the oldest"),
             qPrintable(problem));
    QVERIFY(child<QPushButton>(page_.get(), "base_drop_oldest_button")->isVisible());
    QVERIFY(child<QPushButton>(page_.get(), "base_clear_conversation_button")->isVisible());
    QVERIFY(child<QLabel>(page_.get(), "base_status")->text().startsWith("Failed"));
    QScrollBar* bar = child<QTextBrowser>(page_.get(), "base_transcript")->verticalScrollBar();
    QTRY_COMPARE(bar->value(), bar->maximum());  // the red message at the end is in view
    QVERIFY(bar->maximum() > 0);

    QTest::mouseClick(child<QPushButton>(page_.get(), "base_drop_oldest_button"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!page_->isGenerating(), 60000);
    QVERIFY(!child<QWidget>(page_.get(), "base_problem")->isVisible());
    QVERIFY2(child<QLabel>(page_.get(), "base_status")->text().contains("tokens/s"), qPrintable(child<QLabel>(page_.get(), "base_status")->text()));
    QVERIFY(child<QTextBrowser>(page_.get(), "base_transcript")->toPlainText().contains("1 earlier turn dropped"));

    // Or clear: a new conversation, the message kept in the prompt box to be sent again.
    const QString last = message_of(2500);
    sendMessage(last);
    QTest::mouseClick(child<QPushButton>(page_.get(), "context_send_anyway_button"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!page_->isGenerating(), 60000);
    QVERIFY(child<QWidget>(page_.get(), "base_problem")->isVisible());
    QTest::mouseClick(child<QPushButton>(page_.get(), "base_clear_conversation_button"), Qt::LeftButton);
    QVERIFY(!child<QWidget>(page_.get(), "base_problem")->isVisible());
    QVERIFY(child<QTextBrowser>(page_.get(), "base_transcript")->toPlainText().isEmpty());
    QCOMPARE(child<QPlainTextEdit>(page_.get(), "prompt_edit")->toPlainText(), last);
    QTest::mouseClick(child<QPushButton>(page_.get(), "send_button"), Qt::LeftButton);
    QVERIFY(!warning->isVisible());  // alone it fits
    QTRY_VERIFY_WITH_TIMEOUT(!page_->isGenerating(), 60000);
    QVERIFY(child<QLabel>(page_.get(), "base_status")->text().contains("tokens/s"));
  }

  void cleanupTestCase() { page_.reset(); }
};

QTEST_MAIN(TestUiChat)
#include "test_ui_chat.moc"
