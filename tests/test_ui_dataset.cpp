// The Dataset page driven as a user would: open the demo dataset with a tiny model's real tokenizer
// loaded, read the table, histogram and counts, select records and compare the drawn trained/masked
// text with the engine's labels, list and click bad records, lower the cutoff, open a 100,000-record
// file while the event loop keeps running, and preview without a model.
#include "chat_template.h"
#include "tiny_model.h"
#include "tokenized_dataset.h"
#include "tokenizer.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTextBlock>
#include <QTextDocument>
#include <QTimer>
#include <QtTest>

#include "app_session.h"
#include "dataset_page.h"
#include "dataset_prompt_view.h"
#include "dataset_table_model.h"
#include "test_support.h"

using test_support::child;
#include "token_length_histogram.h"

namespace {

struct DrawnText {
  QString trained, masked;
  QMap<int, bool> token_trained;  // token index → drawn as trained
  bool cut_mark = false;
  QString past_cut;
};

// Walks the prompt view's characters and sorts them by the properties the view gives each token.
DrawnText drawn_text(const QTextDocument* document, int block_of_interest = 0) {
  DrawnText drawn;
  for (QTextBlock block = document->begin(); block.isValid(); block = block.next()) {
    for (auto it = block.begin(); !it.atEnd(); ++it) {
      const QTextFragment fragment = it.fragment();
      const QTextCharFormat format = fragment.charFormat();
      if (format.hasProperty(ui::DatasetPromptView::kCutMarkProperty)) drawn.cut_mark = true;
      if (format.hasProperty(ui::DatasetPromptView::kPastCutProperty)) drawn.past_cut += fragment.text();
      if (!format.hasProperty(ui::DatasetPromptView::kTokenIndexProperty)) continue;
      if (format.intProperty(ui::DatasetPromptView::kBlockProperty) != block_of_interest) continue;
      const bool trained = format.boolProperty(ui::DatasetPromptView::kTrainedProperty);
      drawn.token_trained[format.intProperty(ui::DatasetPromptView::kTokenIndexProperty)] = trained;
      (trained ? drawn.trained : drawn.masked) += fragment.text();
    }
    if (block.next().isValid()) drawn.masked += QLatin1Char('\n');
  }
  drawn.trained.replace(QChar(0x2029), QLatin1Char('\n'));
  return drawn;
}

void select_row(QTableView* table, int row) {
  const QModelIndex index = table->model()->index(row, 1);
  table->scrollTo(index);
  const QRect rect = table->visualRect(index);
  QTest::mouseClick(table->viewport(), Qt::LeftButton, Qt::NoModifier, rect.center());
}

}  // namespace

class TestUiDataset : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir tmp_;
  QString model_dir_;
  QString demo_path_;
  std::unique_ptr<QSettings> settings_;
  std::unique_ptr<ui::AppSession> session_;
  std::shared_ptr<const lora::Tokenizer> tokenizer_;

  // Opens `path` on a new page and waits until tokenizing has finished.
  std::unique_ptr<ui::DatasetPage> open_page(const QString& path) {
    auto page = std::make_unique<ui::DatasetPage>(session_.get());
    page->resize(1200, 800);
    page->show();
    page->openDataset(path);
    [&] { QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy() && page->tableModel()->tokens() != nullptr, 60000); }();
    return page;
  }

  // Every drawn token is trained exactly where its label is not -100; a token that draws no text of
  // its own (a newline, which becomes a paragraph break, or a byte of a character split over tokens)
  // decodes to whitespace or to part of a character.
  void verify_against_labels(const DrawnText& drawn, const lora::TokenizedExample& example) {
    QVERIFY(!drawn.token_trained.isEmpty());
    for (size_t i = 0; i < example.input_ids.size(); ++i) {
      if (drawn.token_trained.contains(int(i))) {
        QCOMPARE(drawn.token_trained.value(int(i)), example.labels[i] != lora::kIgnoreLabel);
      } else {
        const std::string text = tokenizer_->decode({example.input_ids[i]});
        const QString decoded = QString::fromStdString(text);
        QVERIFY2(decoded.trimmed().isEmpty() || decoded.contains(QChar(0xFFFD)),
                 qPrintable(QString("token %1 (%2) is not drawn").arg(i).arg(decoded)));
      }
    }
  }

  QString count(ui::DatasetPage* page, const char* name) {
    auto* label = child<QLabel>(page, name);
    return label ? label->text() : QString();
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(tmp_.isValid());
    demo_path_ = QFileInfo(test_support::reference_dir() + "/../../resources/demo/demo_dataset.json").canonicalFilePath();
    QVERIFY2(QFileInfo::exists(demo_path_), qPrintable(demo_path_));
    model_dir_ = tmp_.filePath("tiny-model");
    lora::TinyModelOptions options;
    options.tokenizer_path = test_support::npm_tokenizer_dir("tokenizer-llama2").toStdString();
    options.hidden_size = 32;
    options.intermediate_size = 64;
    options.num_layers = 1;
    lora::write_tiny_model(model_dir_.toStdString(), options);
    settings_ = std::make_unique<QSettings>(tmp_.filePath("settings.ini"), QSettings::IniFormat);
    session_ = std::make_unique<ui::AppSession>(settings_.get());
    session_->loadModel(model_dir_);
    QTRY_VERIFY_WITH_TIMEOUT(session_->modelState() == ui::AppSession::ModelState::Loaded, 120000);
    tokenizer_ = session_->tokenizer();
    QVERIFY(tokenizer_);
  }

  void demoDatasetShowsRecordsHistogramAndTrainedTokens() {
    auto page = open_page(demo_path_);
    QCOMPARE(session_->datasetPath(), demo_path_);
    QCOMPARE(page->tableModel()->rowCount(), 316);
    // Columns by field, then the token statistics.
    QStringList headers;
    for (int c = 0; c < page->tableModel()->columnCount(); ++c)
      headers << page->tableModel()->headerData(c, Qt::Horizontal).toString();
    QVERIFY2(headers.contains("instruction") && headers.contains("input") && headers.contains("output"),
             qPrintable(headers.join(',')));

    lora::DatasetOptions options;  // the page's defaults: alpaca-format, cutoff 256, EOS, masked prompt
    const lora::TrainingDataset reference = lora::TrainingDataset::load(demo_path_.toStdString(), *tokenizer_, options);
    const lora::TokenizedSet all = reference.tokenize_all();
    auto* histogram = page->findChild<ui::TokenLengthHistogram*>("lengthHistogram");
    QVERIFY(histogram);
    QCOMPARE(histogram->examples(), int64_t(316));
    QCOMPARE(histogram->plottedExamples(), 316.0);
    QVERIFY(histogram->binCount() > 1);
    QCOMPARE(histogram->cutoffLineX(), 256.0);
    QCOMPARE(count(page.get(), "countRecords"), QString("316"));
    QCOMPARE(count(page.get(), "countBad"), QString("0"));
    QCOMPARE(count(page.get(), "countTrainedTokens"), QLocale().toString(qlonglong(all.stats.target_tokens)));
    QCOMPARE(count(page.get(), "countTokens"), QLocale().toString(qlonglong(all.stats.tokens)));

    // Select a record with an input field: its drawn text follows the labels token by token.
    auto* table = page->findChild<QTableView*>("recordsTable");
    auto* view = page->findChild<ui::DatasetPromptView*>("promptView");
    QVERIFY(table && view);
    int row = -1;
    for (size_t i = 0; i < reference.size() && row < 0; ++i)
      if (reference.record(i).field("input") && i > 3) row = int(i);
    QVERIFY(row > 0);
    select_row(table, row);
    QTRY_COMPARE(table->currentIndex().row(), row);
    const lora::TokenizedExample example = reference.tokenize(size_t(row)).front();
    const DrawnText drawn = drawn_text(view->document());
    verify_against_labels(drawn, example);
    const lora::DatasetRecord& record = reference.record(size_t(row));
    QVERIFY2(drawn.trained.contains(QString::fromStdString(*record.field("output"))), qPrintable(drawn.trained));
    QVERIFY(drawn.masked.contains(QString::fromStdString(*record.field("instruction"))));
    QVERIFY(drawn.masked.contains(QString::fromStdString(*record.field("input"))));
    QVERIFY(!drawn.trained.contains(QString::fromStdString(*record.field("instruction"))));
    QVERIFY(drawn.trained.contains("</s>"));  // EOS is trained
    QVERIFY(!drawn.cut_mark);
    auto* summary = child<QLabel>(page.get(), "recordSummary");
    QVERIFY(summary->text().contains(QString::number(example.full_length)));

    // The token pieces view shows the same tokens one by one, the id on hover.
    child<QCheckBox>(page.get(), "showTokenPieces")->setChecked(true);
    const DrawnText pieces = drawn_text(view->document());
    verify_against_labels(pieces, example);
    QCOMPARE(pieces.token_trained.size(), int(example.input_ids.size()));  // every token is a piece
    QVERIFY(view->toPlainText().contains(QChar(0x00B7)));  // visible spaces
    child<QCheckBox>(page.get(), "showTokenPieces")->setChecked(false);
  }

  void badRecordsAreListedAndClickable() {
    const QString path = tmp_.filePath("bad.jsonl");
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{\"instruction\": \"Say hi\", \"output\": \"Hi\"}\n"
               "{\"instruction\": \"broken\"\n"
               "{\"instruction\": \"Say bye\", \"output\": \"Bye\"}\n"
               "{\"instruction\": 5, \"output\": \"five\"}\n"
               "{\"instruction\": \"Count\", \"output\": \"1 2 3\"}\n");
    file.close();
    auto page = open_page(path);
    QCOMPARE(page->tableModel()->rowCount(), 4);  // the unreadable record 2 has no row
    auto* list = child<QListWidget>(page.get(), "badRecords");
    QCOMPARE(list->count(), 2);
    QVERIFY2(list->item(0)->text().startsWith("Record 2 (line 2)"), qPrintable(list->item(0)->text()));
    QVERIFY2(list->item(1)->text().startsWith("Record 4 (line 4)") && list->item(1)->text().contains("instruction"),
             qPrintable(list->item(1)->text()));
    QCOMPARE(count(page.get(), "countRecords"), QString("5"));
    QCOMPARE(count(page.get(), "countBad"), QString("2"));
    QCOMPARE(count(page.get(), "countKept"), QString("3"));

    auto* table = child<QTableView>(page.get(), "recordsTable");
    auto* view = child<ui::DatasetPromptView>(page.get(), "promptView");
    // Record 4 was read but the format cannot use it: clicking selects its row and shows why.
    QTest::mouseClick(list->viewport(), Qt::LeftButton, Qt::NoModifier, list->visualItemRect(list->item(1)).center());
    QTRY_COMPARE(table->currentIndex().row(), 2);
    QCOMPARE(table->currentIndex().data(ui::DatasetTableModel::RecordNumberRole).toInt(), 4);
    QVERIFY2(view->toPlainText().contains("expected a string"), qPrintable(view->toPlainText()));
    QVERIFY(view->toPlainText().contains("\"instruction\": 5"));
    // Record 2 cannot be read: clicking shows the error and the line in the file.
    QTest::mouseClick(list->viewport(), Qt::LeftButton, Qt::NoModifier, list->visualItemRect(list->item(0)).center());
    QTRY_VERIFY(view->toPlainText().contains("{\"instruction\": \"broken\""));
    QVERIFY(view->toPlainText().contains(list->item(0)->toolTip()));
  }

  void loweringTheCutoffTruncatesAndUpdatesTheShare() {
    auto page = open_page(demo_path_);
    QCOMPARE(count(page.get(), "countTruncated"), QString("0"));
    auto* histogram = child<ui::TokenLengthHistogram>(page.get(), "lengthHistogram");
    QCOMPARE(histogram->examplesOverCutoff(), int64_t(0));

    lora::DatasetOptions options;
    options.cutoff_len = 64;
    const lora::TrainingDataset reference = lora::TrainingDataset::load(demo_path_.toStdString(), *tokenizer_, options);
    const lora::TokenizedSet all = reference.tokenize_all();
    QVERIFY(all.stats.truncated > 10 && all.stats.truncated < 300);
    child<QSpinBox>(page.get(), "cutoffLength")->setValue(64);
    QCOMPARE(histogram->cutoffLineX(), 64.0);  // at once, before tokenizing again
    QTRY_VERIFY_WITH_TIMEOUT(page->tableModel()->tokens() && page->tableModel()->tokens()->cutoff_len == 64 && !page->isBusy(),
                             60000);
    QCOMPARE(count(page.get(), "countTruncated"), QString::number(all.stats.truncated));
    QCOMPARE(count(page.get(), "countDropped"), QString::number(all.stats.dropped_too_long + all.stats.dropped_no_targets));
    int over_cutoff = 0;
    for (const auto* examples : {&all.examples, &all.dropped})
      for (const auto& example : *examples) over_cutoff += example.full_length > 64;
    QVERIFY(over_cutoff >= int(all.stats.truncated));
    QCOMPARE(histogram->examplesOverCutoff(), int64_t(over_cutoff));
    const QString share = QLocale().toString(100.0 * over_cutoff / 316.0, 'f', 1) + "% of 316";
    QVERIFY2(histogram->summaryText().contains(share) && histogram->summaryText().contains("truncated"),
             qPrintable(histogram->summaryText() + " / " + share));
    QCOMPARE(settings_->value("dataset/cutoff_len").toInt(), 64);

    // A truncated record shows where the cut falls, and the table says so.
    int row = -1;
    for (const auto& example : all.examples)
      if (example.truncated()) row = int(example.record);
    QVERIFY(row >= 0);
    auto* table = child<QTableView>(page.get(), "recordsTable");
    select_row(table, row);
    QTRY_COMPARE(table->currentIndex().row(), row);
    const DrawnText drawn = drawn_text(child<ui::DatasetPromptView>(page.get(), "promptView")->document());
    QVERIFY(drawn.cut_mark);
    QVERIFY(!drawn.past_cut.isEmpty());
    QCOMPARE(drawn.token_trained.lastKey(), 63);  // the last token drawn before the cut is the 64th
    const int status_column = page->tableModel()->columnCount() - 1;
    QCOMPARE(page->tableModel()->index(row, status_column).data().toString(), QString("truncated"));

    // Drop mode: the same examples are dropped instead.
    child<QCheckBox>(page.get(), "dropLong")->setChecked(true);
    QTRY_VERIFY_WITH_TIMEOUT(page->tableModel()->tokens() && page->tableModel()->tokens()->drop_long && !page->isBusy(), 60000);
    QCOMPARE(count(page.get(), "countTruncated"), QString("0"));
    QCOMPARE(count(page.get(), "countDropped"), QString::number(all.stats.truncated + all.stats.dropped_no_targets));
    QVERIFY(histogram->summaryText().contains("dropped"));
    child<QCheckBox>(page.get(), "dropLong")->setChecked(false);
    child<QSpinBox>(page.get(), "cutoffLength")->setValue(256);
    QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy(), 60000);
  }

  void chatFormatsConversationsAndRawText() {
    // Instruction records in a chat format: choosing it re-renders everything.
    auto page = open_page(demo_path_);
    auto* format = child<QComboBox>(page.get(), "formatChooser");
    const int chatml = format->findData("chat:chatml");
    QVERIFY(chatml >= 0);
    format->setCurrentIndex(chatml);
    QTRY_VERIFY_WITH_TIMEOUT(page->tableModel()->records() &&
                                 page->tableModel()->records()->format_description == "chat (chatml)" &&
                                 page->tableModel()->tokens() && !page->isBusy(),
                             60000);
    QCOMPARE(settings_->value("dataset/format").toString(), QString("chat:chatml"));
    auto* view = child<ui::DatasetPromptView>(page.get(), "promptView");
    QTRY_VERIFY(view->toPlainText().contains("<|im_start|>assistant"));
    format->setCurrentIndex(format->findData("alpaca-format"));
    QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy() && page->tableModel()->records()->format_description == "alpaca-format", 60000);

    // Conversations: one column for the messages; the assistant turns are trained, the rest masked.
    const QString chat_path = tmp_.filePath("chat.jsonl");
    {
      QFile file(chat_path);
      QVERIFY(file.open(QIODevice::WriteOnly));
      file.write("{\"messages\": [{\"role\": \"user\", \"content\": \"Name a colour.\"}, "
                 "{\"role\": \"assistant\", \"content\": \"Blue is a colour.\"}]}\n"
                 "{\"messages\": [{\"role\": \"system\", \"content\": \"Be brief.\"}, "
                 "{\"role\": \"user\", \"content\": \"Say yes.\"}, {\"role\": \"assistant\", \"content\": \"Yes.\"}]}\n");
    }
    page->openDataset(chat_path);
    QTRY_VERIFY_WITH_TIMEOUT(page->tableModel()->rowCount() == 2 && page->tableModel()->tokens() && !page->isBusy(), 60000);
    QCOMPARE(page->tableModel()->headerData(1, Qt::Horizontal).toString(), QString("conversation"));
    const lora::TrainingDataset chats = lora::TrainingDataset::load(chat_path.toStdString(), *tokenizer_, {});
    auto* table = child<QTableView>(page.get(), "recordsTable");
    select_row(table, 0);
    QTRY_COMPARE(table->currentIndex().row(), 0);
    DrawnText drawn = drawn_text(view->document());
    verify_against_labels(drawn, chats.tokenize(0).front());
    QVERIFY2(drawn.trained.contains("Blue is a colour."), qPrintable(drawn.trained));
    QVERIFY(drawn.masked.contains("Name a colour."));

    // Raw text: a long part is cut into blocks of the cutoff length.
    const QString text_path = tmp_.filePath("notes.txt");
    {
      QFile file(text_path);
      QVERIFY(file.open(QIODevice::WriteOnly));
      QByteArray text;
      for (int i = 0; i < 120; ++i) text += "Sentence number " + QByteArray::number(i) + " of the notes. ";
      file.write(text + "\n\n\n\nA short second part.\n");
    }
    page->openDataset(text_path);
    QTRY_VERIFY_WITH_TIMEOUT(page->tableModel()->rowCount() == 2 && page->tableModel()->tokens() && !page->isBusy(), 60000);
    QCOMPARE(page->tableModel()->headerData(1, Qt::Horizontal).toString(), QString("text"));
    const lora::TrainingDataset notes = lora::TrainingDataset::load(text_path.toStdString(), *tokenizer_, {});
    const auto blocks = notes.tokenize(0);
    QVERIFY(blocks.size() >= 2);
    select_row(table, 0);
    QTRY_COMPARE(table->currentIndex().row(), 0);
    QVERIFY(child<QLabel>(page.get(), "recordSummary")->text().contains(QString("Cut into %1 blocks").arg(blocks.size())));
    verify_against_labels(drawn_text(view->document(), 1), blocks[1]);  // the overlap of block 2 is masked
    QVERIFY(drawn_text(view->document(), 1).token_trained.values().contains(false));
  }

  void hundredThousandRecordsOpenWithoutBlocking() {
    const QString path = tmp_.filePath("big.jsonl");
    {
      QFile file(path);
      QVERIFY(file.open(QIODevice::WriteOnly));
      QByteArray data;
      for (int i = 0; i < 100000; ++i)
        data += "{\"instruction\": \"Add " + QByteArray::number(i) + " and 1.\", \"output\": \"" +
                QByteArray::number(i + 1) + "\"}\n";
      file.write(data);
    }
    QElapsedTimer clock;
    qint64 last_tick = 0, longest_gap = 0;
    int ticks = 0;
    QTimer timer;
    timer.setInterval(10);
    connect(&timer, &QTimer::timeout, [&] {
      ++ticks;
      longest_gap = std::max(longest_gap, clock.elapsed() - last_tick);
      last_tick = clock.elapsed();
    });
    auto page = std::make_unique<ui::DatasetPage>(session_.get());
    page->resize(1200, 800);
    page->show();
    clock.start();
    timer.start();
    page->openDataset(path);  // returns at once: the file is read on the worker thread
    QVERIFY(clock.elapsed() < 1000);
    QVERIFY(page->isBusy());
    QTRY_COMPARE_WITH_TIMEOUT(page->tableModel()->rowCount(), 100000, 60000);
    QVERIFY2(ticks >= 3, qPrintable(QString::number(ticks)));
    QVERIFY2(longest_gap < 3000, qPrintable(QString::number(longest_gap)));
    QCOMPARE(page->tableModel()->index(99999, 0).data().toInt(), 100000);
    QCOMPARE(page->tableModel()->index(99999, 1).data().toString(), QString("Add 99999 and 1."));
    // Tokenizing goes on with progress and can be cancelled.
    auto* cancel = child<QPushButton>(page.get(), "cancelDatasetJob");
    auto* progress = child<QProgressBar>(page.get(), "datasetProgress");
    QVERIFY(page->isBusy());
    QTRY_VERIFY(progress->format().startsWith("Tokenizing record"));
    QVERIFY(cancel->isVisible());
    QTest::mouseClick(cancel, Qt::LeftButton);
    QVERIFY(!page->isBusy());
    QVERIFY(!progress->isVisible());
    QCOMPARE(page->tableModel()->rowCount(), 100000);  // what was shown stays
    QElapsedTimer closing;
    closing.start();
    page.reset();  // a running job is cancelled and waited for
    QVERIFY(closing.elapsed() < 5000);
  }

  void withoutModelRecordsStillShow() {
    QSettings settings(tmp_.filePath("no-model.ini"), QSettings::IniFormat);
    ui::AppSession session(&settings);
    QSignalSpy page_requests(&session, &ui::AppSession::pageRequested);
    session.setDatasetPath(demo_path_);
    ui::DatasetPage page(&session);  // opens the session's dataset on start
    page.show();
    QCOMPARE(page.currentPath(), demo_path_);
    QTRY_COMPARE_WITH_TIMEOUT(page.tableModel()->rowCount(), 316, 30000);
    QTRY_VERIFY(!page.isBusy());
    QVERIFY(child<QWidget>(&page, "modelNotice")->isVisible());
    auto* table = child<QTableView>(&page, "recordsTable");
    select_row(table, 5);
    QTRY_COMPARE(table->currentIndex().row(), 5);
    const DrawnText drawn = [&] {
      DrawnText d;
      const QTextDocument* document = child<ui::DatasetPromptView>(&page, "promptView")->document();
      for (QTextBlock block = document->begin(); block.isValid(); block = block.next())
        for (auto it = block.begin(); !it.atEnd(); ++it)
          (it.fragment().charFormat().boolProperty(ui::DatasetPromptView::kTrainedProperty) ? d.trained : d.masked) +=
              it.fragment().text();
      return d;
    }();
    QVERIFY(!drawn.trained.isEmpty());
    QVERIFY(!drawn.masked.isEmpty());
    QCOMPARE(page.tableModel()->tokens(), nullptr);
    QTest::mouseClick(child<QPushButton>(&page, "goToModels"), Qt::LeftButton);
    QCOMPARE(page_requests.count(), 1);
    QCOMPARE(page_requests.front().front().toString(), QString("models"));
  }

  // A file with conversations is rendered with a chat template, not the alpaca format chosen for
  // instruction records; the status line says which one.
  void conversationFileNamesTheChatTemplateItUses() {
    const QString chat_path = tmp_.filePath("label-chat.jsonl");
    {
      QFile file(chat_path);
      QVERIFY(file.open(QIODevice::WriteOnly));
      file.write("{\"conversations\": [{\"from\": \"human\", \"value\": \"Name a colour.\"}, "
                 "{\"from\": \"gpt\", \"value\": \"Blue.\"}]}\n");
    }
    auto page = open_page(demo_path_);
    auto* format = child<QComboBox>(page.get(), "formatChooser");
    format->setCurrentIndex(format->findData("alpaca-format"));
    QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy() && page->tableModel()->records()->format_description == "alpaca-format", 60000);
    auto* status = child<QLabel>(page.get(), "datasetStatus");
    QVERIFY2(status->text().contains("alpaca-format"), qPrintable(status->text()));
    page->openDataset(chat_path);
    QTRY_VERIFY_WITH_TIMEOUT(page->tableModel()->rowCount() == 1 && page->tableModel()->tokens() && !page->isBusy(), 60000);
    lora::DatasetOptions options;
    options.format = "alpaca-format";
    const lora::TrainingDataset reference = lora::TrainingDataset::load(chat_path.toStdString(), *tokenizer_, options);
    const std::string used = reference.chat_template().name();
    const QString expected = used == lora::ChatTemplate::kModelName ? QString("the model's chat template")
                                                                    : QString("chat template %1").arg(QString::fromStdString(used));
    QVERIFY2(status->text().contains(expected), qPrintable(status->text() + " / " + expected));
    QVERIFY2(!status->text().contains("alpaca"), qPrintable(status->text()));
    // And the preview agrees: the conversation is drawn with that template's markers.
    const std::string rendered = reference.text(0);
    QVERIFY(!rendered.empty());
    const QString first_line = QString::fromStdString(rendered).section('\n', 0, 0).trimmed();
    QVERIFY(!first_line.isEmpty());
    QTRY_VERIFY2(child<ui::DatasetPromptView>(page.get(), "promptView")->toPlainText().contains(first_line),
                 qPrintable(first_line));
  }

  // One broken line: the status line and the Records count say the same number; the bad records and
  // the scroll position belong to the file they came from.
  void anotherFileStartsFresh() {
    const QString bad_path = tmp_.filePath("fresh-bad.jsonl");
    const QString good_path = tmp_.filePath("fresh-good.jsonl");
    {
      QFile file(bad_path);
      QVERIFY(file.open(QIODevice::WriteOnly));
      file.write("{\"instruction\": \"Say hi\", \"input\": \"now\", \"output\": \"Hi\"}\n"
                 "{\"instruction\": \"broken\"\n"
                 "{\"instruction\": \"Say bye\", \"input\": \"later\", \"output\": \"Bye\"}\n"
                 "{\"instruction\": \"Count\", \"input\": \"to three\", \"output\": \"1 2 3\"}\n");
      QFile good(good_path);
      QVERIFY(good.open(QIODevice::WriteOnly));
      good.write("{\"instruction\": \"Say yes\", \"input\": \"please\", \"output\": \"Yes\"}\n"
                 "{\"instruction\": \"Say no\", \"input\": \"please\", \"output\": \"No\"}\n");
    }
    auto page = open_page(bad_path);
    auto* format = child<QComboBox>(page.get(), "formatChooser");
    format->setCurrentIndex(format->findData("alpaca-format"));
    QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy() && page->tableModel()->tokens() &&
                                 page->tableModel()->records()->format_description == "alpaca-format", 60000);
    auto* status = child<QLabel>(page.get(), "datasetStatus");
    QVERIFY2(status->text().startsWith("4 records, 1 unreadable, format alpaca-format"), qPrintable(status->text()));
    QCOMPARE(count(page.get(), "countRecords"), QString("4"));
    auto* list = child<QListWidget>(page.get(), "badRecords");
    QCOMPARE(list->count(), 1);
    const auto titles = page->findChildren<QLabel*>();
    auto has_title = [&](const QString& text) {
      return std::any_of(titles.begin(), titles.end(), [&](QLabel* l) { return l->text() == text; });
    };
    QVERIFY(has_title("Bad records (1)"));

    // Narrow the page so the table scrolls sideways, and scroll it to the far right.
    page->resize(420, 600);
    auto* table = child<QTableView>(page.get(), "recordsTable");
    QScrollBar* sideways = table->horizontalScrollBar();
    QTRY_VERIFY(sideways->maximum() > 0);
    sideways->setValue(sideways->maximum());
    QVERIFY(sideways->value() > 0);

    page->openDataset(good_path);
    QTRY_VERIFY_WITH_TIMEOUT(page->tableModel()->rowCount() == 2 && page->tableModel()->tokens() && !page->isBusy(), 60000);
    QCOMPARE(list->count(), 0);
    QVERIFY(has_title("Bad records (0)"));
    QVERIFY(!has_title("Bad records (1)"));
    QCOMPARE(count(page.get(), "countBad"), QString("0"));
    QVERIFY2(status->text().startsWith("2 records, format alpaca-format"), qPrintable(status->text()));
    QCOMPARE(count(page.get(), "countRecords"), QString("2"));
    QCOMPARE(sideways->value(), 0);
  }

  // "Show tokens" draws every piece followed by its id; a byte token that is only part of a character
  // shows its byte instead of an empty mark.
  void showTokensGivesIdsAndBytes() {
    const QString path = tmp_.filePath("llama.jsonl");
    {
      QFile file(path);
      QVERIFY(file.open(QIODevice::WriteOnly));
      file.write("{\"instruction\": \"Draw an animal\", \"output\": \"A \xF0\x9F\xA6\x99 here\"}\n");
    }
    auto page = open_page(path);
    auto* format = child<QComboBox>(page.get(), "formatChooser");
    format->setCurrentIndex(format->findData("alpaca-format"));
    QTRY_VERIFY_WITH_TIMEOUT(!page->isBusy() && page->tableModel()->tokens() &&
                                 page->tableModel()->records()->format_description == "alpaca-format", 60000);
    auto* pieces = child<QCheckBox>(page.get(), "showTokenPieces");
    pieces->setChecked(true);
    auto* table = child<QTableView>(page.get(), "recordsTable");
    select_row(table, 0);
    QTRY_COMPARE(table->currentIndex().row(), 0);
    lora::DatasetOptions options;
    options.format = "alpaca-format";
    const lora::TrainingDataset reference = lora::TrainingDataset::load(path.toStdString(), *tokenizer_, options);
    const lora::TokenizedExample example = reference.tokenize(0).front();
    auto* view = child<ui::DatasetPromptView>(page.get(), "promptView");
    QTRY_VERIFY(!view->toPlainText().isEmpty());
    std::vector<int32_t> shown_ids;
    for (QTextBlock block = view->document()->begin(); block.isValid(); block = block.next())
      for (auto it = block.begin(); !it.atEnd(); ++it) {
        const QTextCharFormat f = it.fragment().charFormat();
        if (!f.hasProperty(ui::DatasetPromptView::kTokenIdProperty)) continue;
        QCOMPARE(it.fragment().text(), QString::number(f.intProperty(ui::DatasetPromptView::kTokenIdProperty)));
        shown_ids.push_back(f.intProperty(ui::DatasetPromptView::kTokenIdProperty));
      }
    QCOMPARE(shown_ids, example.input_ids);
    // The llama 2 vocabulary has no piece for the llama emoji: it falls back to its four UTF-8 bytes.
    const QString text = view->toPlainText();
    QVERIFY2(text.contains("<0xF0>") && text.contains("<0x9F>") && text.contains("<0xA6>"), qPrintable(text));
    QVERIFY2(!text.contains(QChar(0x2205)), qPrintable(text));
    QVERIFY2(text.contains(QString::fromUtf8("\xF0\x9F\xA6\x99")), qPrintable(text));  // the last byte completes it
    pieces->setChecked(false);
  }

  void cleanupTestCase() {
    session_.reset();
    settings_.reset();
  }
};

QTEST_MAIN(TestUiDataset)
#include "test_ui_dataset.moc"
