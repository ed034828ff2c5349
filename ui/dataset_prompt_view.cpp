#include "dataset_prompt_view.h"

#include "streaming_decoder.h"

#include <QFontDatabase>
#include <QTextCursor>

namespace ui {
namespace {

const QColor kTrainedBackground(0xc6, 0xef, 0xce);
const QColor kTrainedBackgroundAlt(0x9f, 0xdf, 0xae);
const QColor kMaskedForeground(0x80, 0x80, 0x80);
const QColor kMaskedBackgroundAlt(0xec, 0xec, 0xec);
const QColor kAddedTrainedBackground(0x7f, 0xcf, 0x8f);
const QColor kAddedMaskedBackground(0xd8, 0xd8, 0xd8);

bool text_at(const std::string& text, size_t at, const std::string& piece) {
  return at <= text.size() && text.compare(at, piece.size(), piece) == 0 && at + piece.size() <= text.size();
}

// A token's text with its whitespace made visible (the token-pieces view).
QString visible_piece(const std::string& text) {
  QString shown = QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
  shown.replace(QLatin1Char(' '), QChar(0x00B7));
  shown.replace(QLatin1Char('\t'), QChar(0x2192));
  shown.replace(QLatin1Char('\n'), QStringLiteral("\u21B5\n"));
  return shown.isEmpty() ? QStringLiteral("\u2205") : shown;
}

}  // namespace

ExampleLayout layout_example(const lora::Tokenizer& tokenizer, const lora::TokenizedExample& example,
                             const std::string& rendered) {
  ExampleLayout layout;
  layout.aligned = !rendered.empty();
  size_t cursor = 0;  // how much of `rendered` the pieces have covered
  auto decoder = std::make_unique<lora::StreamingDecoder>(tokenizer);
  int last_decoded = -1;  // the piece that receives text a decoder still holds back
  auto place = [&](TokenPiece& piece) {
    if (!layout.aligned) return;
    if (text_at(rendered, cursor, piece.text)) {
      cursor += piece.text.size();
    } else if (!piece.text.empty() && text_at(rendered, cursor, " " + piece.text)) {
      // Sentencepiece decoders drop the space of the first token after a restart; the text has it.
      piece.text.insert(0, " ");
      cursor += piece.text.size();
    } else {
      layout.aligned = false;
    }
  };
  auto flush = [&] {
    const std::string tail = decoder->finish();
    if (!tail.empty() && last_decoded >= 0) {
      TokenPiece& piece = layout.pieces[static_cast<size_t>(last_decoded)];
      TokenPiece extra = piece;
      extra.text = tail;
      place(extra);
      piece.text += extra.text;
    }
    decoder = std::make_unique<lora::StreamingDecoder>(tokenizer);
    last_decoded = -1;
  };

  for (size_t i = 0; i < example.input_ids.size(); ++i) {
    TokenPiece piece;
    piece.id = example.input_ids[i];
    piece.trained = example.labels[i] != lora::kIgnoreLabel;
    piece.special = tokenizer.is_special(piece.id);
    if (piece.special) {
      // Decoded on their own: a decoder window running across BOS would strip or add spaces.
      flush();
      piece.text = tokenizer.id_to_token(piece.id);
      piece.added = !layout.aligned || !text_at(rendered, cursor, piece.text);
      if (!piece.added) cursor += piece.text.size();
    } else {
      piece.text = decoder->push(piece.id);
      place(piece);
      last_decoded = static_cast<int>(layout.pieces.size());
    }
    layout.pieces.push_back(std::move(piece));
  }
  flush();
  if (layout.aligned && example.truncated() && cursor < rendered.size()) layout.past_cut = rendered.substr(cursor);
  return layout;
}

DatasetPromptView::DatasetPromptView(QWidget* parent) : QTextEdit(parent) {
  setReadOnly(true);
  setUndoRedoEnabled(false);
  setLineWrapMode(QTextEdit::WidgetWidth);
  setToolTip(tr("The record exactly as the model sees it. Green: tokens the model is trained to produce. "
                "Grey: masked tokens (the prompt), which give context but add no loss. "
                "Struck through: text the cutoff cuts away."));
}

void DatasetPromptView::showExamples(const lora::Tokenizer& tokenizer, const std::vector<lora::TokenizedExample>& examples,
                                     const std::string& rendered, bool raw_text, bool show_pieces) {
  clear();
  QTextCursor cursor(document());
  const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
  for (size_t b = 0; b < examples.size(); ++b) {
    const lora::TokenizedExample& example = examples[b];
    if (raw_text) {
      QTextCharFormat heading;
      heading.setFontWeight(QFont::Bold);
      if (b > 0) cursor.insertText(QStringLiteral("\n\n"));
      cursor.insertText(tr("Block %1 of %2").arg(b + 1).arg(examples.size()) + QLatin1Char('\n'), heading);
    }
    const ExampleLayout layout = layout_example(tokenizer, example, raw_text ? std::string() : rendered);
    for (size_t i = 0; i < layout.pieces.size(); ++i) {
      const TokenPiece& piece = layout.pieces[i];
      QTextCharFormat format;
      format.setProperty(kTokenIndexProperty, static_cast<int>(i));
      format.setProperty(kTrainedProperty, piece.trained);
      format.setProperty(kBlockProperty, static_cast<int>(b));
      const QString raw_piece = QString::fromStdString(tokenizer.id_to_token(piece.id)).toHtmlEscaped();
      format.setToolTip(tr("Token %1: id %2, piece “%3”, %4")
                            .arg(i)
                            .arg(piece.id)
                            .arg(raw_piece, piece.trained ? tr("trained") : tr("masked")));
      QString text;
      if (show_pieces) {
        // A byte token holding part of a character decodes to nothing yet: show its byte (<0xE4>) instead.
        text = piece.text.empty() && !piece.special ? QString::fromStdString(tokenizer.id_to_token(piece.id))
                                                    : visible_piece(piece.text);
        if (text.isEmpty()) text = visible_piece(piece.text);
        format.setFont(fixed);
        const bool odd = i % 2 == 1;
        if (piece.trained)
          format.setBackground(odd ? kTrainedBackgroundAlt : kTrainedBackground);
        else
          format.setBackground(odd ? kMaskedBackgroundAlt : QColor(0xf8, 0xf8, 0xf8));
        if (!piece.trained) format.setForeground(QColor(0x50, 0x50, 0x50));
      } else {
        text = QString::fromUtf8(piece.text.data(), static_cast<qsizetype>(piece.text.size()));
        if (piece.added) {
          format.setFont(fixed);
          format.setFontPointSize(std::max(6.0, fixed.pointSizeF() * 0.85));
          format.setBackground(piece.trained ? kAddedTrainedBackground : kAddedMaskedBackground);
        } else if (piece.trained) {
          format.setBackground(kTrainedBackground);
        } else {
          format.setForeground(kMaskedForeground);
        }
      }
      if (piece.added && !show_pieces) text = QStringLiteral("\u2009") + text + QStringLiteral("\u2009");
      if (!text.isEmpty()) cursor.insertText(text, format);
      if (show_pieces) {
        // The id after its piece, small and lowered, so pieces and ids read together.
        QTextCharFormat id_format;
        id_format.setVerticalAlignment(QTextCharFormat::AlignSubScript);
        id_format.setForeground(QColor(0x30, 0x50, 0xa0));
        id_format.setProperty(kTokenIdProperty, piece.id);
        id_format.setToolTip(format.toolTip());
        cursor.insertText(QString::number(piece.id), id_format);
        cursor.insertText(QStringLiteral(" "), QTextCharFormat());
      }
    }
    if (example.truncated()) {
      QTextCharFormat mark;
      mark.setForeground(QColor(0xc0, 0x10, 0x10));
      mark.setBackground(QColor(0xff, 0xe0, 0xe0));
      mark.setFontWeight(QFont::Bold);
      mark.setProperty(kCutMarkProperty, true);
      mark.setToolTip(tr("The cutoff length ends the example here; the model never sees what follows."));
      cursor.insertText(QStringLiteral(" \u2702 ") +
                            tr("cutoff: %1 of %2 tokens kept").arg(example.input_ids.size()).arg(example.full_length) +
                            QStringLiteral(" "),
                        mark);
      if (!layout.past_cut.empty()) {
        QTextCharFormat past;
        past.setForeground(QColor(0xa8, 0xa8, 0xa8));
        past.setFontStrikeOut(true);
        past.setProperty(kPastCutProperty, true);
        cursor.insertText(QString::fromStdString(layout.past_cut), past);
      }
    }
  }
  moveCursor(QTextCursor::Start);
}

void DatasetPromptView::showSegments(const lora::PromptSegments& segments) {
  clear();
  QTextCursor cursor(document());
  for (const lora::PromptSegment& segment : segments) {
    QTextCharFormat format;
    format.setProperty(kTrainedProperty, segment.is_response);
    if (segment.is_response)
      format.setBackground(kTrainedBackground);
    else
      format.setForeground(kMaskedForeground);
    cursor.insertText(QString::fromStdString(segment.text), format);
  }
  moveCursor(QTextCursor::Start);
}

void DatasetPromptView::showProblem(const QString& reason, const QString& raw_text) {
  clear();
  QTextCursor cursor(document());
  QTextCharFormat error;
  error.setForeground(QColor(0xc0, 0x10, 0x10));
  error.setFontWeight(QFont::Bold);
  cursor.insertText(reason + QLatin1Char('\n'), error);
  if (!raw_text.isEmpty()) {
    QTextCharFormat raw;
    raw.setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    cursor.insertText(QLatin1Char('\n') + raw_text, raw);
  }
  moveCursor(QTextCursor::Start);
}

}  // namespace ui
