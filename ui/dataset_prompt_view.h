#pragma once
// The selected record as the model sees it: the exact rendered text, token by token, with the tokens
// the loss trains on (labels != -100) on a green background and the masked ones in grey; special
// tokens the tokenizer adds (BOS, EOS) shown as marked pieces; where the cutoff truncates, a cut mark
// and the text past it struck through. Optionally every token as its own piece, id on hover.
//
// Each character carries its token's index in its example and whether it is trained
// (kTokenIndexProperty, kTrainedProperty) so what is drawn can be checked against the labels.
#include <string>
#include <vector>

#include "prompt_format.h"
#include "tokenized_dataset.h"
#include "tokenizer.h"

#include <QTextEdit>

namespace ui {

// One token of an example as it is drawn.
struct TokenPiece {
  int32_t id = 0;
  std::string text;      // the text it adds (may be empty while a character is split over tokens)
  bool trained = false;  // label != -100
  bool special = false;  // a special token
  bool added = false;    // not in the rendered text: put there by the tokenizer or the EOS option
};

struct ExampleLayout {
  std::vector<TokenPiece> pieces;
  bool aligned = true;     // the pieces' text is the start of the rendered text
  std::string past_cut;    // truncated and aligned: the rendered text the cutoff cuts away
};

// Splits an example into drawn pieces. `rendered` is the record's full rendered text ("" when the
// example is a raw-text block, whose text is not aligned).
ExampleLayout layout_example(const lora::Tokenizer& tokenizer, const lora::TokenizedExample& example,
                             const std::string& rendered);

class DatasetPromptView : public QTextEdit {
  Q_OBJECT

 public:
  static constexpr int kTokenIndexProperty = 0x100100;  // QTextFormat::UserProperty + n
  static constexpr int kTrainedProperty = 0x100101;
  static constexpr int kPastCutProperty = 0x100102;
  static constexpr int kCutMarkProperty = 0x100103;
  static constexpr int kBlockProperty = 0x100104;  // raw text: the block the token belongs to
  static constexpr int kTokenIdProperty = 0x100105;  // token pieces view: the id shown after a piece

  explicit DatasetPromptView(QWidget* parent = nullptr);

  // The tokenized examples of one record (several blocks for raw text).
  void showExamples(const lora::Tokenizer& tokenizer, const std::vector<lora::TokenizedExample>& examples,
                    const std::string& rendered, bool raw_text, bool show_pieces);
  // No tokenizer: the rendered text with the response parts marked as trained.
  void showSegments(const lora::PromptSegments& segments);
  // A record that cannot be shown as a prompt: why, and its text in the file.
  void showProblem(const QString& reason, const QString& raw_text);
};

}  // namespace ui
