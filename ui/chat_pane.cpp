#include "chat_pane.h"

#include <QApplication>
#include <QClipboard>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollBar>
#include <QStackedWidget>
#include <QTextBrowser>
#include <QTextCursor>
#include <QTimer>
#include <QVBoxLayout>

namespace ui {

ChatPane::ChatPane(const QString& name, QWidget* parent) : QWidget(parent) {
  setObjectName(name + "_pane");
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  title_ = new QLabel(this);
  title_->setObjectName(name + "_title");
  QFont title_font = title_->font();
  title_font.setBold(true);
  title_->setFont(title_font);
  title_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(title_);

  stack_ = new QStackedWidget(this);
  transcript_ = new QTextBrowser(stack_);
  transcript_->setObjectName(name + "_transcript");
  transcript_->setOpenLinks(false);
  stack_->addWidget(transcript_);
  auto* hint_page = new QWidget(stack_);
  auto* hint_layout = new QVBoxLayout(hint_page);
  hint_layout->addStretch();
  hint_label_ = new QLabel(hint_page);
  hint_label_->setObjectName(name + "_hint");
  hint_label_->setWordWrap(true);
  hint_label_->setAlignment(Qt::AlignCenter);
  hint_layout->addWidget(hint_label_);
  hint_button_ = new QPushButton(hint_page);
  hint_button_->setObjectName(name + "_hint_button");
  hint_layout->addWidget(hint_button_, 0, Qt::AlignCenter);
  hint_layout->addStretch();
  stack_->addWidget(hint_page);
  layout->addWidget(stack_, 1);
  connect(hint_button_, &QPushButton::clicked, this, &ChatPane::hintActionClicked);

  problem_ = new QWidget(this);
  problem_->setObjectName(name + "_problem");
  auto* problem_layout = new QVBoxLayout(problem_);
  problem_layout->setContentsMargins(0, 0, 0, 0);
  problem_label_ = new QLabel(problem_);
  problem_label_->setObjectName(name + "_problem_label");
  problem_label_->setWordWrap(true);
  problem_label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  problem_label_->setStyleSheet("QLabel { color: #b00020; }");
  problem_layout->addWidget(problem_label_);
  auto* problem_buttons = new QHBoxLayout;
  drop_button_ = new QPushButton(tr("Drop the oldest turns"), problem_);
  drop_button_->setObjectName(name + "_drop_oldest_button");
  drop_button_->setToolTip(tr("Forget the oldest questions and answers of both panes until the next message fits"));
  clear_button_ = new QPushButton(tr("Clear the conversation"), problem_);
  clear_button_->setObjectName(name + "_clear_conversation_button");
  problem_buttons->addWidget(drop_button_);
  problem_buttons->addWidget(clear_button_);
  problem_buttons->addStretch();
  problem_layout->addLayout(problem_buttons);
  problem_->hide();
  layout->addWidget(problem_);
  connect(drop_button_, &QPushButton::clicked, this, &ChatPane::dropOldestTurnsRequested);
  connect(clear_button_, &QPushButton::clicked, this, &ChatPane::clearRequested);

  auto* footer = new QHBoxLayout;
  status_ = new QLabel(this);
  status_->setObjectName(name + "_status");
  footer->addWidget(status_, 1);
  copy_button_ = new QPushButton(tr("Copy answer"), this);
  copy_button_->setObjectName(name + "_copy_button");
  copy_button_->setToolTip(tr("Copy this pane's last answer to the clipboard"));
  copy_button_->setEnabled(false);
  connect(copy_button_, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(last_answer_); });
  footer->addWidget(copy_button_);
  layout->addLayout(footer);
}

void ChatPane::setTitle(const QString& title) { title_->setText(title); }

void ChatPane::setHint(const QString& hint, const QString& action) {
  hint_label_->setText(hint);
  hint_button_->setText(action);
  hint_button_->setVisible(!action.isEmpty());
  stack_->setCurrentIndex(hint.isEmpty() ? 0 : 1);
  if (!hint.isEmpty()) status_->clear();
}

void ChatPane::appendBlock(const QString& text, bool bold, const QColor& color) {
  QTextCursor cursor(transcript_->document());
  cursor.movePosition(QTextCursor::End);
  if (!transcript_->document()->isEmpty()) cursor.insertBlock();
  QTextCharFormat format;
  format.setFontWeight(bold ? QFont::Bold : QFont::Normal);
  if (color.isValid()) format.setForeground(color);
  cursor.insertText(text, format);
}

void ChatPane::beginTurn(const QString& user_message) {
  problem_->hide();
  appendBlock(tr("You"), true);
  appendBlock(user_message, false);
}

void ChatPane::beginAnswer(const QString& speaker) {
  appendBlock(speaker, true, palette().color(QPalette::Link));
  appendBlock(QString(), false);
  status_->setText(tr("Generating…"));
}

void ChatPane::appendPiece(const QString& piece) {
  QScrollBar* bar = transcript_->verticalScrollBar();
  const bool at_bottom = bar->value() >= bar->maximum() - 4;
  QTextCursor cursor(transcript_->document());
  cursor.movePosition(QTextCursor::End);
  QTextCharFormat format;
  format.setFontWeight(QFont::Normal);
  cursor.insertText(piece, format);
  if (at_bottom) bar->setValue(bar->maximum());  // follow the answer unless the user scrolled up to read
}

void ChatPane::finishAnswer(const QString& answer, const QString& summary) {
  last_answer_ = answer;
  copy_button_->setEnabled(true);
  status_->setText(summary);
}

void ChatPane::failAnswer(const QString& message, bool offer_shortening) {
  appendBlock(message, false, QColor(Qt::red));
  problem_label_->setText(message);
  drop_button_->setVisible(offer_shortening);
  clear_button_->setVisible(offer_shortening);
  problem_->show();
  status_->setText(tr("Failed: see the message above"));
  // The box under the transcript makes it shorter: scroll to the end once it has its new height.
  layout()->activate();
  QScrollBar* bar = transcript_->verticalScrollBar();
  bar->setValue(bar->maximum());
  QTimer::singleShot(0, bar, [bar] { bar->setValue(bar->maximum()); });
}

void ChatPane::addNote(const QString& note) { appendBlock(note, false, palette().color(QPalette::PlaceholderText)); }

void ChatPane::setStatus(const QString& text) { status_->setText(text); }

void ChatPane::clear() {
  transcript_->clear();
  last_answer_.clear();
  copy_button_->setEnabled(false);
  status_->clear();
  problem_->hide();
}

QString ChatPane::transcriptText() const { return transcript_->toPlainText(); }

}  // namespace ui
