#include "jinja_parser.h"

#include <set>

#include "error.h"
#include "text_messages.h"
#include "jinja_builtins.h"
#include "jinja_strings.h"

namespace lora::jinja {

namespace {

// Nesting the recursive-descent parser accepts (brackets, unary operators, nested blocks): deeper
// templates are refused rather than allowed to exhaust the stack.
constexpr int kMaxParseDepth = 600;

// A token jinja2's parser waits for: a keyword name ("name:endfor") or a token type / operator.
struct Expected {
  TokenType type;
  std::string value;  // the name or the operator; empty: any token of the type
};

std::string describe_expected(const Expected& e) {
  if (!e.value.empty()) return e.value;
  Token token;
  token.type = e.type;
  return e.type == TokenType::Name ? "name" : describe_token(token);
}

Expected keyword(const char* name) { return {TokenType::Name, name}; }

class Parser {
 public:
  Parser(const std::string& source, const std::string& name) : tokens_(tokenize(source, name)), name_(name) {}

  Body parse() { return subparse(nullptr); }
  bool has_generation() const { return has_generation_; }

  [[noreturn]] void fail(const std::string& message, SourcePos pos) const {
    throw Error(msg::Text::template_error_at, name_, pos.line, pos.column, message);
  }

 private:
  // ---- the token stream -----------------------------------------------------------------------------

  const Token& current() const { return tokens_[index_]; }
  const Token& look() const { return tokens_[std::min(index_ + 1, tokens_.size() - 1)]; }
  const Token& next() {
    const Token& token = tokens_[index_];
    if (index_ + 1 < tokens_.size()) ++index_;
    return token;
  }
  static bool matches(const Token& token, const Expected& e) {
    if (token.type != e.type) return false;
    return e.value.empty() || token.value == e.value;
  }
  bool is_name(const char* value) const { return current().type == TokenType::Name && current().value == value; }
  bool is_op(const char* value) const { return current().type == TokenType::Operator && current().value == value; }
  bool skip_name(const char* value) {
    if (!is_name(value)) return false;
    next();
    return true;
  }
  bool skip_op(const char* value) {
    if (!is_op(value)) return false;
    next();
    return true;
  }
  const Token& expect(const Expected& e) {
    if (!matches(current(), e)) {
      const std::string wanted = pystr::repr(describe_expected(e));
      if (current().type == TokenType::Eof) fail("unexpected end of template, expected " + wanted + ".", current().pos);
      fail("expected token " + wanted + ", got " + pystr::repr(describe_token(current())), current().pos);
    }
    return next();
  }
  const Token& expect_op(const char* op) { return expect({TokenType::Operator, op}); }
  const Token& expect_name() { return expect({TokenType::Name, ""}); }

  struct DepthGuard {
    Parser& parser;
    explicit DepthGuard(Parser& p) : parser(p) {
      if (++parser.depth_ > kMaxParseDepth)
        parser.fail("the template nests more than the parser allows", parser.current().pos);
    }
    ~DepthGuard() { --parser.depth_; }
  };

  // ---- errors for unknown tags and the end of the template ------------------------------------------

  [[noreturn]] void fail_unknown_or_eof(const std::string* tag, const std::vector<std::vector<Expected>>& stack,
                                        SourcePos pos) const {
    std::set<std::string> expected;
    for (const auto& exprs : stack)
      for (const auto& e : exprs) expected.insert(describe_expected(e));
    std::string looking;
    if (!stack.empty()) {
      for (const auto& e : stack.back()) {
        if (!looking.empty()) looking += " or ";
        looking += pystr::repr(describe_expected(e));
      }
    }
    std::string message = tag ? "Encountered unknown tag " + pystr::repr(*tag) + "." : "Unexpected end of template.";
    if (!looking.empty()) {
      if (tag && expected.count(*tag))
        message += " You probably made a nesting mistake. Jinja is expecting this tag, but currently looking for " +
                   looking + ".";
      else
        message += " Jinja was looking for the following tags: " + looking + ".";
    }
    if (!tag_stack_.empty())
      message += " The innermost block that needs to be closed is " + pystr::repr(tag_stack_.back()) + ".";
    fail(message, pos);
  }

  [[noreturn]] void fail_eof(const std::vector<Expected>* end_tokens) const {
    auto stack = end_token_stack_;
    if (end_tokens) stack.push_back(*end_tokens);
    fail_unknown_or_eof(nullptr, stack, current().pos);
  }

  // ---- statements --------------------------------------------------------------------------------

  Body subparse(const std::vector<Expected>* end_tokens) {
    Body body;
    std::vector<OutputPiece> pieces;
    SourcePos pieces_pos;
    const auto flush = [&] {
      if (pieces.empty()) return;
      auto stmt = std::make_unique<Stmt>();
      stmt->kind = StmtKind::Output;
      stmt->pos = pieces_pos;
      stmt->pieces = std::move(pieces);
      pieces.clear();
      body.push_back(std::move(stmt));
    };
    const auto add_piece = [&](OutputPiece piece, SourcePos pos) {
      if (pieces.empty()) pieces_pos = pos;
      pieces.push_back(std::move(piece));
    };
    if (end_tokens) end_token_stack_.push_back(*end_tokens);
    while (current().type != TokenType::Eof) {
      const Token& token = current();
      if (token.type == TokenType::Data) {
        OutputPiece piece;
        piece.text = token.value;
        add_piece(std::move(piece), token.pos);
        next();
      } else if (token.type == TokenType::VariableBegin) {
        const SourcePos pos = next().pos;
        OutputPiece piece;
        piece.expr = parse_tuple(false, true, nullptr, false);
        add_piece(std::move(piece), pos);
        expect({TokenType::VariableEnd, ""});
      } else if (token.type == TokenType::BlockBegin) {
        flush();
        next();
        if (end_tokens) {
          for (const auto& e : *end_tokens) {
            if (matches(current(), e)) {
              end_token_stack_.pop_back();
              return body;
            }
          }
        }
        body.push_back(parse_statement());
        expect({TokenType::BlockEnd, ""});
      } else {
        fail("internal parsing error", token.pos);
      }
    }
    flush();
    if (end_tokens) end_token_stack_.pop_back();
    return body;
  }

  Body parse_statements(const std::vector<Expected>& end_tokens, bool drop_needle) {
    skip_op(":");
    expect({TokenType::BlockEnd, ""});
    Body result = subparse(&end_tokens);
    if (current().type == TokenType::Eof) fail_eof(&end_tokens);
    if (drop_needle) next();
    return result;
  }

  StmtPtr make_stmt(StmtKind kind, SourcePos pos) {
    auto stmt = std::make_unique<Stmt>();
    stmt->kind = kind;
    stmt->pos = pos;
    return stmt;
  }

  StmtPtr parse_statement() {
    DepthGuard guard(*this);
    const Token& token = current();
    if (token.type != TokenType::Name) fail("tag name expected", token.pos);
    const std::string tag = token.value;
    static const std::set<std::string> kKnown = {"for",     "if",     "block",      "extends", "print",   "macro",
                                                 "include", "from",   "import",     "set",     "with",    "autoescape",
                                                 "call",    "filter", "generation", "break",   "continue"};
    if (!kKnown.count(tag)) fail_unknown_or_eof(&tag, end_token_stack_, token.pos);
    tag_stack_.push_back(tag);
    StmtPtr stmt;
    if (tag == "for")
      stmt = parse_for();
    else if (tag == "if")
      stmt = parse_if();
    else if (tag == "block")
      stmt = parse_block();
    else if (tag == "extends")
      stmt = parse_unsupported_expression();
    else if (tag == "print")
      stmt = parse_print();
    else if (tag == "macro")
      stmt = parse_macro();
    else if (tag == "include")
      stmt = parse_include();
    else if (tag == "from")
      stmt = parse_from();
    else if (tag == "import")
      stmt = parse_import();
    else if (tag == "set")
      stmt = parse_set();
    else if (tag == "with")
      stmt = parse_with();
    else if (tag == "autoescape")
      stmt = parse_autoescape();
    else if (tag == "call")
      stmt = parse_call_block();
    else if (tag == "filter")
      stmt = parse_filter_block();
    else if (tag == "generation")
      stmt = parse_generation();
    else
      stmt = parse_loop_control(tag == "break");
    tag_stack_.pop_back();
    return stmt;
  }

  StmtPtr parse_loop_control(bool is_break) {
    const Token& token = next();
    if (loop_depth_ == 0) fail(std::string("'") + (is_break ? "break" : "continue") + "' outside loop", token.pos);
    return make_stmt(is_break ? StmtKind::Break : StmtKind::Continue, token.pos);
  }

  // A body that runs as a function of its own in jinja2's compiled code (macro, call block, generation,
  // block): a break inside cannot reach an enclosing loop.
  Body parse_function_body(const std::vector<Expected>& end_tokens) {
    const int saved = loop_depth_;
    loop_depth_ = 0;
    Body body = parse_statements(end_tokens, true);
    loop_depth_ = saved;
    return body;
  }

  StmtPtr parse_generation() {
    auto stmt = make_stmt(StmtKind::Generation, next().pos);
    stmt->bodies.push_back(parse_function_body({keyword("endgeneration")}));
    has_generation_ = true;
    return stmt;
  }

  StmtPtr parse_set() {
    auto stmt = make_stmt(StmtKind::Set, next().pos);
    stmt->target = parse_assign_target(true, false, nullptr, true);
    if (skip_op("=")) {
      stmt->exprs.push_back(parse_tuple(false, true, nullptr, false));
      return stmt;
    }
    stmt->kind = StmtKind::SetBlock;
    stmt->exprs.push_back(parse_filter(nullptr, false));
    stmt->bodies.push_back(parse_statements({keyword("endset")}, true));
    return stmt;
  }

  StmtPtr parse_for() {
    auto stmt = make_stmt(StmtKind::For, expect(keyword("for")).pos);
    const std::vector<Expected> in_rule = {keyword("in")};
    stmt->target = parse_assign_target(true, false, &in_rule, false);
    expect(keyword("in"));
    const std::vector<Expected> recursive_rule = {keyword("recursive")};
    stmt->exprs.push_back(parse_tuple(false, false, &recursive_rule, false));
    ExprPtr filter;
    if (skip_name("if")) filter = parse_expression(true);
    stmt->exprs.push_back(std::move(filter));
    stmt->recursive = skip_name("recursive");
    ++loop_depth_;
    stmt->bodies.push_back(parse_statements({keyword("endfor"), keyword("else")}, false));
    --loop_depth_;
    if (next().value == "endfor")
      stmt->bodies.emplace_back();
    else
      stmt->bodies.push_back(parse_statements({keyword("endfor")}, true));
    return stmt;
  }

  StmtPtr parse_if() {
    auto stmt = make_stmt(StmtKind::If, expect(keyword("if")).pos);
    while (true) {
      stmt->exprs.push_back(parse_tuple(false, false, nullptr, false));
      stmt->bodies.push_back(parse_statements({keyword("elif"), keyword("else"), keyword("endif")}, false));
      const Token& token = next();
      if (token.value == "elif") continue;
      if (token.value == "else") stmt->bodies.push_back(parse_statements({keyword("endif")}, true));
      break;
    }
    if (stmt->bodies.size() == stmt->exprs.size()) stmt->bodies.emplace_back();
    return stmt;
  }

  StmtPtr parse_with() {
    auto stmt = make_stmt(StmtKind::With, next().pos);
    while (current().type != TokenType::BlockEnd) {
      if (!stmt->targets.empty()) expect_op(",");
      stmt->targets.push_back(parse_assign_target(true, false, nullptr, false));
      expect_op("=");
      stmt->exprs.push_back(parse_expression(true));
    }
    stmt->bodies.push_back(parse_statements({keyword("endwith")}, true));
    return stmt;
  }

  StmtPtr parse_autoescape() {
    // Escaping is not modelled (transformers renders with autoescape off): the block is a plain scope.
    auto stmt = make_stmt(StmtKind::With, next().pos);
    parse_expression(true);
    stmt->bodies.push_back(parse_statements({keyword("endautoescape")}, true));
    return stmt;
  }

  StmtPtr parse_block() {
    auto stmt = make_stmt(StmtKind::Block, next().pos);
    const Token& name = expect_name();
    stmt->message = name.value;
    if (!block_names_.insert(name.value).second) fail("block " + pystr::repr(name.value) + " defined twice", name.pos);
    stmt->scoped = skip_name("scoped");
    const bool required = skip_name("required");
    if (is_op("-"))
      fail(
          "Block names in Jinja have to be valid Python identifiers and may not contain hyphens, use an "
          "underscore instead.",
          current().pos);
    stmt->bodies.push_back(parse_function_body({keyword("endblock")}));
    if (required) {
      for (const auto& child : stmt->bodies[0]) {
        bool blank = child->kind == StmtKind::Output;
        if (blank)
          for (const auto& piece : child->pieces)
            if (piece.expr || !pystr::all_of(piece.text, pystr::is_space)) blank = false;
        if (!blank) fail("Required blocks can only contain comments or whitespace", stmt->pos);
      }
    }
    skip_name(stmt->message.c_str());
    return stmt;
  }

  StmtPtr make_unsupported(SourcePos pos, ExprPtr template_name) {
    auto stmt = make_stmt(StmtKind::Unsupported, pos);
    stmt->message = "no loader for this environment specified";
    stmt->exprs.push_back(std::move(template_name));
    return stmt;
  }

  StmtPtr parse_unsupported_expression() {  // extends
    const SourcePos pos = next().pos;
    return make_unsupported(pos, parse_expression(true));
  }

  void parse_import_context() {
    if ((is_name("with") || is_name("without")) && look().type == TokenType::Name && look().value == "context") {
      next();
      next();
    }
  }

  StmtPtr parse_include() {
    const SourcePos pos = next().pos;
    auto stmt = make_unsupported(pos, parse_expression(true));
    if (is_name("ignore") && look().type == TokenType::Name && look().value == "missing") {
      next();
      next();
    }
    parse_import_context();
    return stmt;
  }

  StmtPtr parse_import() {
    const SourcePos pos = next().pos;
    auto stmt = make_unsupported(pos, parse_expression(true));
    expect(keyword("as"));
    parse_assign_target(true, true, nullptr, false);
    parse_import_context();
    return stmt;
  }

  StmtPtr parse_from() {
    const SourcePos pos = next().pos;
    auto stmt = make_unsupported(pos, parse_expression(true));
    expect(keyword("import"));
    bool any = false;
    const auto parse_context = [&] {
      if ((is_name("with") || is_name("without")) && look().type == TokenType::Name && look().value == "context") {
        next();
        next();
        return true;
      }
      return false;
    };
    while (true) {
      if (any) expect_op(",");
      if (current().type == TokenType::Name) {
        if (parse_context()) break;
        const Target target = parse_assign_target(true, true, nullptr, false);
        if (!target.name.empty() && target.name[0] == '_')
          fail("names starting with an underline can not be imported", target.pos);
        if (skip_name("as")) parse_assign_target(true, true, nullptr, false);
        any = true;
        if (parse_context() || !is_op(",")) break;
      } else {
        expect_name();
      }
    }
    return stmt;
  }

  StmtPtr parse_print() {
    auto stmt = make_stmt(StmtKind::Output, next().pos);
    while (current().type != TokenType::BlockEnd) {
      if (!stmt->pieces.empty()) expect_op(",");
      OutputPiece piece;
      piece.expr = parse_expression(true);
      stmt->pieces.push_back(std::move(piece));
    }
    return stmt;
  }

  void parse_signature(MacroDef& macro) {
    expect_op("(");
    while (!is_op(")")) {
      if (!macro.params.empty()) expect_op(",");
      const Target arg = parse_assign_target(true, true, nullptr, false);
      if (skip_op("="))
        macro.defaults.push_back(parse_expression(true));
      else if (!macro.defaults.empty())
        fail("non-default argument follows default argument", current().pos);
      macro.params.push_back(arg.name);
    }
    expect_op(")");
  }

  StmtPtr parse_macro() {
    auto stmt = make_stmt(StmtKind::Macro, next().pos);
    stmt->macro = std::make_shared<MacroDef>();
    stmt->macro->pos = stmt->pos;
    stmt->macro->name = parse_assign_target(true, true, nullptr, false).name;
    parse_signature(*stmt->macro);
    stmt->macro->body = parse_function_body({keyword("endmacro")});
    return stmt;
  }

  StmtPtr parse_call_block() {
    auto stmt = make_stmt(StmtKind::CallBlock, next().pos);
    stmt->macro = std::make_shared<MacroDef>();
    stmt->macro->name = "caller";
    stmt->macro->pos = stmt->pos;
    if (is_op("(")) parse_signature(*stmt->macro);
    ExprPtr call = parse_expression(true);
    if (call->kind != ExprKind::Call) fail("expected call", stmt->pos);
    stmt->exprs.push_back(std::move(call));
    stmt->macro->body = parse_function_body({keyword("endcall")});
    return stmt;
  }

  StmtPtr parse_filter_block() {
    auto stmt = make_stmt(StmtKind::FilterBlock, next().pos);
    stmt->exprs.push_back(parse_filter(nullptr, true));
    stmt->bodies.push_back(parse_statements({keyword("endfilter")}, true));
    return stmt;
  }

  // ---- assignment targets ------------------------------------------------------------------------

  static const char* node_type_name(const Expr& e) {
    switch (e.kind) {
      case ExprKind::Const:
        return "const";
      case ExprKind::Name:
        return "name";
      case ExprKind::Getattr:
        return "getattr";
      case ExprKind::Getitem:
        return "getitem";
      case ExprKind::Slice:
        return "slice";
      case ExprKind::Call:
        return "call";
      case ExprKind::Filter:
        return "filter";
      case ExprKind::Test:
        return "test";
      case ExprKind::Not:
        return "not";
      case ExprKind::Neg:
        return "neg";
      case ExprKind::Pos:
        return "pos";
      case ExprKind::And:
        return "and";
      case ExprKind::Or:
        return "or";
      case ExprKind::Concat:
        return "concat";
      case ExprKind::Compare:
        return "compare";
      case ExprKind::CondExpr:
        return "condexpr";
      case ExprKind::List:
        return "list";
      case ExprKind::Tuple:
        return "tuple";
      case ExprKind::Dict:
        return "dict";
      case ExprKind::Binary:
        switch (e.op) {
          case BinaryOp::Add:
            return "add";
          case BinaryOp::Sub:
            return "sub";
          case BinaryOp::Mul:
            return "mul";
          case BinaryOp::Div:
            return "div";
          case BinaryOp::FloorDiv:
            return "floordiv";
          case BinaryOp::Mod:
            return "mod";
          case BinaryOp::Pow:
            return "pow";
        }
    }
    return "node";
  }

  static bool assignable_name(const std::string& name) {
    return name != "true" && name != "false" && name != "none" && name != "True" && name != "False" && name != "None";
  }

  Target to_target(const Expr& e) {
    Target target;
    target.pos = e.pos;
    if (e.kind == ExprKind::Name && assignable_name(e.name)) {
      target.name = e.name;
      return target;
    }
    if (e.kind == ExprKind::Tuple) {
      target.kind = Target::Kind::Tuple;
      for (const auto& item : e.children) {
        const bool ok = (item->kind == ExprKind::Name && assignable_name(item->name)) || item->kind == ExprKind::Tuple;
        if (!ok) fail("can't assign to 'tuple'", e.pos);
        target.items.push_back(to_target(*item));
      }
      return target;
    }
    fail(std::string("can't assign to '") + node_type_name(e) + "'", e.pos);
  }

  Target parse_assign_target(bool with_tuple, bool name_only, const std::vector<Expected>* extra_end_rules,
                             bool with_namespace) {
    if (with_namespace && look().type == TokenType::Operator && look().value == ".") {
      const Token& token = expect_name();
      Target target;
      target.kind = Target::Kind::Namespace;
      target.name = token.value;
      target.pos = token.pos;
      next();
      target.attribute = expect_name().value;
      return target;
    }
    if (name_only) {
      const Token& token = expect_name();
      if (!assignable_name(token.value)) fail("can't assign to 'name'", token.pos);
      Target target;
      target.name = token.value;
      target.pos = token.pos;
      return target;
    }
    ExprPtr expr = with_tuple ? parse_tuple(true, true, extra_end_rules, false) : parse_primary();
    return to_target(*expr);
  }

  // ---- expressions --------------------------------------------------------------------------------

  ExprPtr make_expr(ExprKind kind, SourcePos pos) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->pos = pos;
    return e;
  }

  ExprPtr make_binary(ExprKind kind, SourcePos pos, ExprPtr left, ExprPtr right) {
    auto e = make_expr(kind, pos);
    e->children.push_back(std::move(left));
    e->children.push_back(std::move(right));
    return e;
  }

  ExprPtr parse_expression(bool with_condexpr) { return with_condexpr ? parse_condexpr() : parse_or(); }

  ExprPtr parse_condexpr() {
    DepthGuard guard(*this);
    ExprPtr expr1 = parse_or();
    while (is_name("if")) {
      const SourcePos pos = next().pos;
      ExprPtr expr2 = parse_or();
      ExprPtr expr3;
      if (skip_name("else")) expr3 = parse_condexpr();
      auto cond = make_expr(ExprKind::CondExpr, pos);
      cond->children.push_back(std::move(expr1));
      cond->children.push_back(std::move(expr2));
      cond->children.push_back(std::move(expr3));
      expr1 = std::move(cond);
    }
    return expr1;
  }

  ExprPtr parse_or() {
    ExprPtr left = parse_and();
    while (is_name("or")) {
      const SourcePos pos = next().pos;
      left = make_binary(ExprKind::Or, pos, std::move(left), parse_and());
    }
    return left;
  }

  ExprPtr parse_and() {
    ExprPtr left = parse_not();
    while (is_name("and")) {
      const SourcePos pos = next().pos;
      left = make_binary(ExprKind::And, pos, std::move(left), parse_not());
    }
    return left;
  }

  ExprPtr parse_not() {
    DepthGuard guard(*this);
    if (is_name("not")) {
      auto e = make_expr(ExprKind::Not, next().pos);
      e->children.push_back(parse_not());
      return e;
    }
    return parse_compare();
  }

  ExprPtr parse_compare() {
    const SourcePos pos = current().pos;
    ExprPtr first = parse_math1();
    ExprPtr compare;
    while (true) {
      CompareOp op;
      const Token& token = current();
      if (token.type == TokenType::Operator && token.value == "==")
        op = CompareOp::Eq;
      else if (token.type == TokenType::Operator && token.value == "!=")
        op = CompareOp::Ne;
      else if (token.type == TokenType::Operator && token.value == "<")
        op = CompareOp::Lt;
      else if (token.type == TokenType::Operator && token.value == "<=")
        op = CompareOp::Le;
      else if (token.type == TokenType::Operator && token.value == ">")
        op = CompareOp::Gt;
      else if (token.type == TokenType::Operator && token.value == ">=")
        op = CompareOp::Ge;
      else if (is_name("in"))
        op = CompareOp::In;
      else if (is_name("not") && look().type == TokenType::Name && look().value == "in")
        op = CompareOp::NotIn;
      else
        break;
      if (!compare) {
        compare = make_expr(ExprKind::Compare, pos);
        compare->children.push_back(std::move(first));
      }
      compare->pos = next().pos;
      if (op == CompareOp::NotIn) next();
      compare->compare_ops.push_back(op);
      compare->children.push_back(parse_math1());
    }
    return compare ? std::move(compare) : std::move(first);
  }

  ExprPtr parse_math1() {
    ExprPtr left = parse_concat();
    while (is_op("+") || is_op("-")) {
      const Token& token = next();
      auto e = make_binary(ExprKind::Binary, token.pos, std::move(left), nullptr);
      e->op = token.value == "+" ? BinaryOp::Add : BinaryOp::Sub;
      e->children[1] = parse_concat();
      left = std::move(e);
    }
    return left;
  }

  ExprPtr parse_concat() {
    ExprPtr first = parse_math2();
    if (!is_op("~")) return first;
    auto e = make_expr(ExprKind::Concat, current().pos);
    e->children.push_back(std::move(first));
    while (skip_op("~")) e->children.push_back(parse_math2());
    return e;
  }

  ExprPtr parse_math2() {
    ExprPtr left = parse_pow();
    while (is_op("*") || is_op("/") || is_op("//") || is_op("%")) {
      const Token& token = next();
      auto e = make_binary(ExprKind::Binary, token.pos, std::move(left), nullptr);
      e->op = token.value == "*"    ? BinaryOp::Mul
              : token.value == "/"  ? BinaryOp::Div
              : token.value == "//" ? BinaryOp::FloorDiv
                                    : BinaryOp::Mod;
      e->children[1] = parse_pow();
      left = std::move(e);
    }
    return left;
  }

  // Whether jinja2's optimizer folds `e` into a constant (literals and operators on literals).
  static bool is_constant(const Expr& e) {
    switch (e.kind) {
      case ExprKind::Const:
        return true;
      case ExprKind::Neg:
      case ExprKind::Pos:
      case ExprKind::Not:
      case ExprKind::Binary:
      case ExprKind::And:
      case ExprKind::Or:
      case ExprKind::Concat:
      case ExprKind::Compare:
      case ExprKind::List:
      case ExprKind::Tuple:
      case ExprKind::Dict:
        for (const auto& child : e.children)
          if (!child || !is_constant(*child)) return false;
        return true;
      default:
        return false;
    }
  }

  // A minus sign folded onto a number literal: -3, -(3), - -3.
  static bool is_negative_literal(const Expr& e) {
    bool negative = false;
    const Expr* node = &e;
    while (node->kind == ExprKind::Neg || node->kind == ExprKind::Pos) {
      if (node->kind == ExprKind::Neg) negative = !negative;
      node = node->children[0].get();
    }
    if (node->kind != ExprKind::Const || !node->constant.is_number() || node->constant.is_bool()) return false;
    const double value = node->constant.as_float();
    return negative ? value > 0 : value < 0;
  }

  ExprPtr parse_pow() {
    ExprPtr left = parse_unary(true);
    while (is_op("**")) {
      const SourcePos pos = next().pos;
      ExprPtr right = parse_unary(true);
      // jinja2 folds `-3` into the constant -3 and writes it into Python source as `-3 ** x`, which
      // Python reads as -(3 ** x): with a non-constant exponent, that is what jinja2 computes.
      if (is_negative_literal(*left) && !is_constant(*right)) {
        auto power = make_binary(ExprKind::Binary, pos, nullptr, std::move(right));
        power->op = BinaryOp::Pow;
        auto magnitude = make_expr(ExprKind::Neg, left->pos);
        magnitude->children.push_back(std::move(left));
        power->children[0] = std::move(magnitude);
        left = make_expr(ExprKind::Neg, pos);
        left->children.push_back(std::move(power));
        continue;
      }
      auto e = make_binary(ExprKind::Binary, pos, std::move(left), std::move(right));
      e->op = BinaryOp::Pow;
      left = std::move(e);
    }
    return left;
  }

  ExprPtr parse_unary(bool with_filter) {
    DepthGuard guard(*this);
    ExprPtr node;
    if (is_op("-") || is_op("+")) {
      const Token& token = next();
      node = make_expr(token.value == "-" ? ExprKind::Neg : ExprKind::Pos, token.pos);
      node->children.push_back(parse_unary(false));
    } else {
      node = parse_primary();
    }
    node = parse_postfix(std::move(node));
    if (with_filter) node = parse_filter_expr(std::move(node));
    return node;
  }

  ExprPtr parse_primary() {
    DepthGuard guard(*this);
    const Token& token = current();
    if (token.type == TokenType::Name) {
      next();
      auto e = make_expr(ExprKind::Const, token.pos);
      if (token.value == "true" || token.value == "True")
        e->constant = Value::boolean(true);
      else if (token.value == "false" || token.value == "False")
        e->constant = Value::boolean(false);
      else if (token.value == "none" || token.value == "None")
        e->constant = Value::none();
      else {
        e->kind = ExprKind::Name;
        e->name = token.value;
      }
      return e;
    }
    if (token.type == TokenType::String) {
      auto e = make_expr(ExprKind::Const, token.pos);
      std::string text = next().value;
      while (current().type == TokenType::String) text += next().value;
      e->constant = Value::string(std::move(text));
      return e;
    }
    if (token.type == TokenType::Integer || token.type == TokenType::Float) {
      next();
      auto e = make_expr(ExprKind::Const, token.pos);
      e->constant = token.type == TokenType::Integer ? Value::integer(token.integer) : Value::real(token.number);
      return e;
    }
    if (is_op("(")) {
      next();
      ExprPtr e = parse_tuple(false, true, nullptr, true);
      expect_op(")");
      return e;
    }
    if (is_op("[")) return parse_list();
    if (is_op("{")) return parse_dict();
    fail("unexpected " + pystr::repr(describe_token(token)), token.pos);
  }

  bool is_tuple_end(const std::vector<Expected>* extra_end_rules) const {
    if (current().type == TokenType::VariableEnd || current().type == TokenType::BlockEnd || is_op(")")) return true;
    if (extra_end_rules)
      for (const auto& e : *extra_end_rules)
        if (matches(current(), e)) return true;
    return false;
  }

  ExprPtr parse_tuple(bool simplified, bool with_condexpr, const std::vector<Expected>* extra_end_rules,
                      bool explicit_parentheses) {
    const SourcePos pos = current().pos;
    std::vector<ExprPtr> args;
    bool is_tuple = false;
    while (true) {
      if (!args.empty()) expect_op(",");
      if (is_tuple_end(extra_end_rules)) break;
      args.push_back(simplified ? parse_primary() : parse_expression(with_condexpr));
      if (is_op(","))
        is_tuple = true;
      else
        break;
    }
    if (!is_tuple) {
      if (!args.empty()) return std::move(args[0]);
      if (!explicit_parentheses)
        fail("Expected an expression, got " + pystr::repr(describe_token(current())), current().pos);
    }
    auto e = make_expr(ExprKind::Tuple, pos);
    e->children = std::move(args);
    return e;
  }

  ExprPtr parse_list() {
    auto e = make_expr(ExprKind::List, expect_op("[").pos);
    while (!is_op("]")) {
      if (!e->children.empty()) expect_op(",");
      if (is_op("]")) break;
      e->children.push_back(parse_expression(true));
    }
    expect_op("]");
    return e;
  }

  ExprPtr parse_dict() {
    auto e = make_expr(ExprKind::Dict, expect_op("{").pos);
    while (!is_op("}")) {
      if (!e->children.empty()) expect_op(",");
      if (is_op("}")) break;
      e->children.push_back(parse_expression(true));
      expect_op(":");
      e->children.push_back(parse_expression(true));
    }
    expect_op("}");
    return e;
  }

  ExprPtr parse_postfix(ExprPtr node) {
    while (true) {
      if (is_op(".") || is_op("["))
        node = parse_subscript(std::move(node));
      else if (is_op("("))
        node = parse_call(std::move(node));
      else
        break;
    }
    return node;
  }

  ExprPtr parse_filter_expr(ExprPtr node) {
    while (true) {
      if (is_op("|"))
        node = parse_filter(std::move(node), false);
      else if (is_name("is"))
        node = parse_test(std::move(node));
      else if (is_op("("))
        node = parse_call(std::move(node));
      else
        break;
    }
    return node;
  }

  ExprPtr parse_subscript(ExprPtr node) {
    const Token& token = next();
    if (token.value == ".") {
      const Token& attr = next();
      if (attr.type == TokenType::Name) {
        auto e = make_expr(ExprKind::Getattr, token.pos);
        e->name = attr.value;
        e->children.push_back(std::move(node));
        return e;
      }
      if (attr.type != TokenType::Integer) fail("expected name or number", attr.pos);
      auto index = make_expr(ExprKind::Const, attr.pos);
      index->constant = Value::integer(attr.integer);
      auto e = make_expr(ExprKind::Getitem, token.pos);
      e->children.push_back(std::move(node));
      e->children.push_back(std::move(index));
      return e;
    }
    std::vector<ExprPtr> args;
    while (!is_op("]")) {
      if (!args.empty()) expect_op(",");
      args.push_back(parse_subscribed());
    }
    expect_op("]");
    auto e = make_expr(ExprKind::Getitem, token.pos);
    e->children.push_back(std::move(node));
    if (args.size() == 1) {
      e->children.push_back(std::move(args[0]));
    } else {
      auto tuple = make_expr(ExprKind::Tuple, token.pos);
      tuple->children = std::move(args);
      e->children.push_back(std::move(tuple));
    }
    return e;
  }

  ExprPtr parse_subscribed() {
    const SourcePos pos = current().pos;
    std::vector<ExprPtr> args;
    if (is_op(":")) {
      next();
      args.push_back(nullptr);
    } else {
      ExprPtr node = parse_expression(true);
      if (!is_op(":")) return node;
      next();
      args.push_back(std::move(node));
    }
    if (is_op(":"))
      args.push_back(nullptr);
    else if (!is_op("]") && !is_op(","))
      args.push_back(parse_expression(true));
    else
      args.push_back(nullptr);
    if (is_op(":")) {
      next();
      if (!is_op("]") && !is_op(","))
        args.push_back(parse_expression(true));
      else
        args.push_back(nullptr);
    } else {
      args.push_back(nullptr);
    }
    auto e = make_expr(ExprKind::Slice, pos);
    e->children = std::move(args);
    return e;
  }

  ArgList parse_call_args() {
    const Token& paren = expect_op("(");
    const SourcePos pos = paren.pos;
    ArgList args;
    bool require_comma = false;
    const auto ensure = [&](bool ok) {
      if (!ok) fail("invalid syntax for function call expression", pos);
    };
    while (!is_op(")")) {
      if (require_comma) {
        expect_op(",");
        if (is_op(")")) break;
      }
      if (is_op("*")) {
        ensure(!args.star && !args.star_star);
        next();
        args.star = parse_expression(true);
      } else if (is_op("**")) {
        ensure(!args.star_star);
        next();
        args.star_star = parse_expression(true);
      } else if (current().type == TokenType::Name && look().type == TokenType::Operator && look().value == "=") {
        ensure(!args.star_star);
        const std::string key = current().value;
        next();
        next();
        args.keywords.emplace_back(key, parse_expression(true));
      } else {
        ensure(!args.star && !args.star_star && args.keywords.empty());
        args.positional.push_back(parse_expression(true));
      }
      require_comma = true;
    }
    expect_op(")");
    return args;
  }

  ExprPtr parse_call(ExprPtr node) {
    auto e = make_expr(ExprKind::Call, current().pos);
    e->args = parse_call_args();
    e->children.push_back(std::move(node));
    return e;
  }

  std::string parse_dotted_name() {
    std::string name = expect_name().value;
    while (is_op(".")) {
      next();
      name += "." + expect_name().value;
    }
    return name;
  }

  ExprPtr parse_filter(ExprPtr node, bool start_inline) {
    while (is_op("|") || start_inline) {
      if (!start_inline) next();
      auto e = make_expr(ExprKind::Filter, current().pos);
      e->name = parse_dotted_name();
      if (is_op("(")) e->args = parse_call_args();
      e->children.push_back(std::move(node));
      node = std::move(e);
      start_inline = false;
    }
    return node;
  }

  ExprPtr parse_test(ExprPtr node) {
    const SourcePos pos = next().pos;
    const bool negated = skip_name("not");
    auto e = make_expr(ExprKind::Test, pos);
    e->name = parse_dotted_name();
    const Token& token = current();
    const bool argument_follows = token.type == TokenType::Name || token.type == TokenType::String ||
                                  token.type == TokenType::Integer || token.type == TokenType::Float || is_op("(") ||
                                  is_op("[") || is_op("{");
    if (is_op("(")) {
      e->args = parse_call_args();
    } else if (argument_follows && !is_name("else") && !is_name("or") && !is_name("and")) {
      if (is_name("is")) fail("You cannot chain multiple tests with is", token.pos);
      e->args.positional.push_back(parse_postfix(parse_primary()));
    }
    e->children.push_back(std::move(node));
    if (!negated) return e;
    auto not_node = make_expr(ExprKind::Not, pos);
    not_node->children.push_back(std::move(e));
    return not_node;
  }

  std::vector<Token> tokens_;
  const std::string& name_;
  size_t index_ = 0;
  std::vector<std::string> tag_stack_;
  std::vector<std::vector<Expected>> end_token_stack_;
  std::set<std::string> block_names_;
  int depth_ = 0;
  int loop_depth_ = 0;
  bool has_generation_ = false;
};

// jinja2's compile-time pass over the tree: resolves filters and tests (an unknown one fails here,
// unless it sits in an {% if %} or an inline if-expression, where jinja2 fails only if it runs), and
// finds which macros use caller, varargs and kwargs.
class Resolver {
 public:
  explicit Resolver(const Parser& parser) : parser_(parser) {}

  void body(const Body& statements, bool soft) {
    for (const auto& stmt : statements) statement(*stmt, soft);
  }

 private:
  void statement(const Stmt& stmt, bool soft) {
    switch (stmt.kind) {
      case StmtKind::Output:
        for (const auto& piece : stmt.pieces)
          if (piece.expr) expr(*piece.expr, soft);
        break;
      case StmtKind::If:
        for (const auto& e : stmt.exprs) expr(*e, true);
        for (const auto& b : stmt.bodies) body(b, true);
        break;
      case StmtKind::For:
        expr(*stmt.exprs[0], soft);
        if (stmt.exprs[1]) expr(*stmt.exprs[1], false);
        for (const auto& b : stmt.bodies) body(b, false);
        break;
      case StmtKind::Set:
      case StmtKind::With:
      case StmtKind::Unsupported:
        for (const auto& e : stmt.exprs)
          if (e) expr(*e, soft);
        for (const auto& b : stmt.bodies) body(b, false);
        break;
      case StmtKind::SetBlock:
      case StmtKind::FilterBlock:
        if (stmt.exprs[0]) expr(*stmt.exprs[0], false);
        body(stmt.bodies[0], false);
        break;
      case StmtKind::Macro:
        macro(*stmt.macro);
        break;
      case StmtKind::CallBlock:
        expr(*stmt.exprs[0], soft);
        macro(*stmt.macro);
        break;
      case StmtKind::Generation:
      case StmtKind::Block:
        body(stmt.bodies[0], false);
        break;
      case StmtKind::Break:
      case StmtKind::Continue:
        break;
    }
  }

  void macro(MacroDef& def) {
    for (const auto& e : def.defaults) expr(*e, false);
    body(def.body, false);
    std::set<std::string> used;
    names_in_body(def.body, used);
    for (const auto& e : def.defaults) names_in_expr(*e, used);
    def.uses_caller = used.count("caller") > 0;
    def.catch_varargs = used.count("varargs") > 0;
    def.catch_kwargs = used.count("kwargs") > 0;
    for (const auto& param : def.params)
      if (param == "caller") def.uses_caller = true;
  }

  void args(const ArgList& list, bool soft) {
    for (const auto& e : list.positional) expr(*e, soft);
    for (const auto& kw : list.keywords) expr(*kw.second, soft);
    if (list.star) expr(*list.star, soft);
    if (list.star_star) expr(*list.star_star, soft);
  }

  void expr(Expr& e, bool soft) {
    if (e.kind == ExprKind::CondExpr) soft = true;
    if (e.kind == ExprKind::Filter) {
      e.filter = find_filter(e.name);
      if (!e.filter && !soft) parser_.fail("No filter named " + pystr::repr(e.name) + ".", e.pos);
    } else if (e.kind == ExprKind::Test) {
      e.test = find_test(e.name);
      if (!e.test && !soft) parser_.fail("No test named " + pystr::repr(e.name) + ".", e.pos);
    }
    for (const auto& child : e.children)
      if (child) expr(*child, soft);
    args(e.args, soft);
  }

  // The names a macro body reads (jinja2's find_undeclared, which does not look into blocks).
  static void names_in_expr(const Expr& e, std::set<std::string>& names) {
    if (e.kind == ExprKind::Name) names.insert(e.name);
    for (const auto& child : e.children)
      if (child) names_in_expr(*child, names);
    for (const auto& p : e.args.positional) names_in_expr(*p, names);
    for (const auto& kw : e.args.keywords) names_in_expr(*kw.second, names);
    if (e.args.star) names_in_expr(*e.args.star, names);
    if (e.args.star_star) names_in_expr(*e.args.star_star, names);
  }

  static void names_in_body(const Body& statements, std::set<std::string>& names) {
    for (const auto& stmt : statements) {
      if (stmt->kind == StmtKind::Block) continue;
      for (const auto& piece : stmt->pieces)
        if (piece.expr) names_in_expr(*piece.expr, names);
      for (const auto& e : stmt->exprs)
        if (e) names_in_expr(*e, names);
      for (const auto& b : stmt->bodies) names_in_body(b, names);
      if (stmt->macro) {
        names_in_body(stmt->macro->body, names);
        for (const auto& e : stmt->macro->defaults) names_in_expr(*e, names);
      }
    }
  }

  const Parser& parser_;
};

}  // namespace

std::shared_ptr<const Program> parse_program(const std::string& source, const std::string& source_name) {
  auto program = std::make_shared<Program>();
  program->source = source;
  program->name = source_name;
  Parser parser(source, source_name);
  program->body = parser.parse();
  program->has_generation = parser.has_generation();
  Resolver(parser).body(program->body, false);
  return program;
}

}  // namespace lora::jinja
