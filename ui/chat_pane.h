#pragma once
// One side of the Chat page: a title, the conversation as it streams in, the last answer's speed,
// and a button to copy that answer. When the pane cannot run (no adapter), a hint with an action
// takes the conversation's place.
#include <QWidget>

class QLabel;
class QPushButton;
class QStackedWidget;
class QTextBrowser;

namespace ui {

class ChatPane : public QWidget {
  Q_OBJECT

 public:
  // `name` prefixes the child object names ("base" → "base_transcript", "base_copy_button", ...).
  ChatPane(const QString& name, QWidget* parent = nullptr);

  void setTitle(const QString& title);
  // Shows `hint` with a button labelled `action` instead of the conversation; an empty hint shows it again.
  void setHint(const QString& hint, const QString& action = {});

  void beginTurn(const QString& user_message);  // the user's message, then the answer's heading
  void beginAnswer(const QString& speaker);
  void appendPiece(const QString& piece);
  void finishAnswer(const QString& answer, const QString& summary);
  // Shows why the answer failed where the user is looking: in the transcript, scrolled into view, and in a
  // box under it; `offer_shortening` adds buttons to drop the oldest turns or clear (a full context).
  void failAnswer(const QString& message, bool offer_shortening = false);
  // A note in the transcript (grey), e.g. that earlier turns were dropped.
  void addNote(const QString& note);
  void setStatus(const QString& text);
  void clear();

  QString lastAnswer() const { return last_answer_; }
  QString transcriptText() const;

 Q_SIGNALS:
  void hintActionClicked();
  void dropOldestTurnsRequested();
  void clearRequested();

 private:
  void appendBlock(const QString& text, bool bold, const QColor& color = {});

  QLabel* title_;
  QStackedWidget* stack_;
  QTextBrowser* transcript_;
  QLabel* hint_label_;
  QPushButton* hint_button_;
  QWidget* problem_;
  QLabel* problem_label_;
  QPushButton* drop_button_;
  QPushButton* clear_button_;
  QLabel* status_;
  QPushButton* copy_button_;
  QString last_answer_;
};

}  // namespace ui
