// The Jinja chat-template engine against jinja2 as transformers' apply_chat_template runs it.
//
// tests/fixtures/chat_template/cases.json was written by tests/reference/chat_template_reference.py:
// every real template of tests/fixtures/chat_template/templates/ (Qwen, Llama 3.x, Mistral, gpt-oss,
// DeepSeek, Gemma, Phi, Granite, Hermes, Command R, TRL's {% generation %} training templates, plus
// small hand-written feature probes) rendered by jinja2's ImmutableSandboxedEnvironment with
// transformers' settings, for a corpus of conversations (tools and tool calls, reasoning, thinking
// on/off, documents, Unicode, text that looks like Jinja, content given as parts, ...), plus small inline
// snippets (a case with "source": the sandbox, runtime errors, syntax errors). Each case holds the
// template variables exactly as passed (key order kept) and one of:
//   expected          the rendered text: lora::JinjaTemplate must give the same bytes;
//   generation_spans  for templates with {% generation %}: byte ranges of the assistant text;
//   error             the template called raise_exception(msg): the engine must throw JinjaRaised(msg);
//   python_error      jinja2 itself failed (TypeError, UndefinedError, ...): the engine must throw a
//                     lora::Error "SOURCE:LINE:COLUMN: ..." as well (the wording is not compared);
//   syntax_error      jinja2 refused to compile it: parse must throw "SOURCE:LINE:COLUMN: ...", on
//                     jinja2's line unless the error is at the end of the template.
// Hostile templates (endless loops, huge strings, runaway recursion) must stop at JinjaLimits.
// Cases that call strftime_now were rendered with a frozen clock; the engine reads the real one, so
// today's date, formatted as each recorded format asks, replaces the frozen text before comparing.
#include <QElapsedTimer>
#include <QFile>
#include <QtTest>
#include <cstdio>
#include <ctime>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "error.h"
#include "jinja_template.h"
#include "test_support.h"

using ordered_json = nlohmann::ordered_json;
using Spans = std::vector<std::pair<size_t, size_t>>;

namespace {

QByteArray read_file(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) qFatal("cannot open %s", qPrintable(path));
  return file.readAll();
}

QString fixture_path(const QString& relative) { return test_support::fixtures_dir() + "/chat_template/" + relative; }

// Bytes shown in a failure message: line breaks and other control characters as escapes, so that a
// difference in whitespace is visible.
std::string printable(const std::string& bytes) {
  std::string out;
  for (unsigned char c : bytes) {
    switch (c) {
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
          out += escaped;
        } else {
          out += char(c);
        }
    }
  }
  return out;
}

size_t utf8_boundary_before(const std::string& text, size_t pos) {
  while (pos > 0 && pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) --pos;
  return pos;
}

std::string excerpt(const std::string& text, size_t from, size_t to) {
  from = utf8_boundary_before(text, std::min(from, text.size()));
  to = utf8_boundary_before(text, std::min(to, text.size()));
  return printable(text.substr(from, to - from));
}

// Where two texts first differ, with the bytes around it from both sides ("|>" marks the spot).
std::string describe_difference(const std::string& got, const std::string& expected) {
  size_t pos = 0;
  while (pos < got.size() && pos < expected.size() && got[pos] == expected[pos]) ++pos;
  const size_t context = 120;
  const size_t from = pos > context ? pos - context : 0;
  std::ostringstream out;
  out << "first difference at byte " << pos << " (engine wrote " << got.size() << " bytes, jinja2 " << expected.size()
      << ")\n   engine: " << excerpt(got, from, pos) << "|>" << excerpt(got, pos, pos + context)
      << "\n   jinja2: " << excerpt(expected, from, pos) << "|>" << excerpt(expected, pos, pos + context);
  return out.str();
}

std::string describe_spans(const Spans& spans, const std::string& text) {
  std::ostringstream out;
  for (const auto& [first, second] : spans) {
    out << "\n     [" << first << ", " << second << ") ";
    if (first <= second && second <= text.size())
      out << '"' << printable(text.substr(first, second - first)) << '"';
    else
      out << "(outside the text)";
  }
  if (spans.empty()) out << " none";
  return out.str();
}

// Whether `what` is "SOURCE:LINE:COLUMN: message" for `source`; *line gets LINE.
bool located_in(const std::string& what, const std::string& source, long* line = nullptr) {
  static const std::regex line_column(R"(^(\d+):(\d+): .+)");
  const std::string prefix = source + ":";
  std::smatch match;
  const std::string rest = what.compare(0, prefix.size(), prefix) == 0 ? what.substr(prefix.size()) : std::string();
  if (!std::regex_search(rest, match, line_column)) return false;
  if (line) *line = std::stol(match[1].str());
  return true;
}

// ---- today's date, as Python's datetime.now().strftime writes it (C locale: English names) ----

std::tm local_now() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  return local;
}

bool same_day(const std::tm& a, const std::tm& b) {
  return a.tm_year == b.tm_year && a.tm_mon == b.tm_mon && a.tm_mday == b.tm_mday;
}

// Formats the date fields of `format`. Time-of-day fields would make the comparison racy, so a fixture
// that uses them is refused (`error` says which).
std::string format_date(const std::string& format, const std::tm& day, std::string* error) {
  static const char* kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                  "July",    "August",   "September", "October", "November", "December"};
  static const char* kWeekdays[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
  std::string out;
  char number[16];
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%' || i + 1 == format.size()) {
      out += format[i];
      continue;
    }
    const char conversion = format[++i];
    switch (conversion) {
      case 'Y':
        std::snprintf(number, sizeof number, "%d", day.tm_year + 1900);
        out += number;
        break;
      case 'y':
        std::snprintf(number, sizeof number, "%02d", (day.tm_year + 1900) % 100);
        out += number;
        break;
      case 'm':
        std::snprintf(number, sizeof number, "%02d", day.tm_mon + 1);
        out += number;
        break;
      case 'd':
        std::snprintf(number, sizeof number, "%02d", day.tm_mday);
        out += number;
        break;
      case 'j':
        std::snprintf(number, sizeof number, "%03d", day.tm_yday + 1);
        out += number;
        break;
      case 'B':
        out += kMonths[day.tm_mon];
        break;
      case 'b':
        out += std::string(kMonths[day.tm_mon]).substr(0, 3);
        break;
      case 'A':
        out += kWeekdays[day.tm_wday];
        break;
      case 'a':
        out += std::string(kWeekdays[day.tm_wday]).substr(0, 3);
        break;
      case '%':
        out += '%';
        break;
      default:
        *error = "strftime_now(\"" + format + "\") uses %" + conversion +
                 ", which this test cannot predict; keep such cases out of the fixture";
        return {};
    }
  }
  return out;
}

// The jinja2 text with the frozen clock's dates replaced by today's, and its generation spans moved
// by any change of length.
struct Expectation {
  std::string text;
  Spans spans;
};

Expectation with_today(const ordered_json& c, const std::tm& today, std::string* error) {
  Expectation result;
  result.text = c.value("expected", std::string());
  if (c.contains("generation_spans"))
    for (const auto& span : c["generation_spans"])
      result.spans.emplace_back(span[0].get<size_t>(), span[1].get<size_t>());
  if (!c.contains("strftime_now")) return result;
  for (const auto& call : c["strftime_now"]) {
    const std::string frozen = call[1].get<std::string>();
    const std::string now = format_date(call[0].get<std::string>(), today, error);
    if (!error->empty()) return result;
    if (frozen == now || frozen.empty()) continue;
    std::vector<size_t> ends;  // where each occurrence of the frozen text ends, in the text before replacing
    std::string replaced;
    size_t from = 0;
    for (size_t at = result.text.find(frozen); at != std::string::npos; at = result.text.find(frozen, from)) {
      replaced.append(result.text, from, at - from);
      replaced += now;
      from = at + frozen.size();
      ends.push_back(from);
    }
    replaced.append(result.text, from, std::string::npos);
    result.text = std::move(replaced);
    const long shift = long(now.size()) - long(frozen.size());
    auto moved = [&](size_t offset) {
      long passed = 0;
      for (size_t end : ends) passed += end <= offset ? 1 : 0;
      return size_t(long(offset) + passed * shift);
    };
    for (auto& [first, second] : result.spans) {
      first = moved(first);
      second = moved(second);
    }
  }
  return result;
}

}  // namespace

class TestChatTemplate : public QObject {
  Q_OBJECT

  ordered_json fixture_;
  std::map<std::string, std::unique_ptr<lora::JinjaTemplate>> templates_;
  std::map<std::string, std::string> parse_errors_;
  std::map<std::string, bool> tracks_generation_;
  int rendered_ok_ = 0, rendered_total_ = 0;
  int raised_ok_ = 0, raised_total_ = 0;
  int failed_ok_ = 0, failed_total_ = 0;
  int rejected_ok_ = 0, rejected_total_ = 0;
  int dated_cases_ = 0;

  const ordered_json& case_at(int index) const { return fixture_["cases"][size_t(index)]; }

  static std::string source_name(const std::string& template_name) { return template_name + ".jinja"; }

  static std::string template_name(const ordered_json& c) { return c["template"].get<std::string>(); }

  // The parsed template of a case; nullptr when it did not parse (parse_errors_ says why).
  const lora::JinjaTemplate* template_of(const ordered_json& c) {
    auto found = templates_.find(template_name(c));
    return found == templates_.end() ? nullptr : found->second.get();
  }

  void add_rows(const char* kind) {
    QTest::addColumn<int>("index");
    const auto& cases = fixture_["cases"];
    for (size_t i = 0; i < cases.size(); ++i)
      if (cases[i].contains(kind)) QTest::newRow(cases[i]["name"].get<std::string>().c_str()) << int(i);
  }

 private slots:
  void initTestCase() {
    const QByteArray bytes = read_file(fixture_path("cases.json"));
    fixture_ = ordered_json::parse(bytes.begin(), bytes.end());
    int real_renders = 0;
    for (const auto& c : fixture_["cases"]) {
      const std::string name = c["template"].get<std::string>();
      if (c.contains("expected") && !c.contains("source") && name.rfind("lora-features-", 0) != 0) ++real_renders;
      if (!c.contains("source")) tracks_generation_[name] = tracks_generation_[name] || c.contains("generation_spans");
      if (templates_.count(name) || parse_errors_.count(name)) continue;
      const std::string source =
          c.contains("source")
              ? c["source"].get<std::string>()
              : read_file(fixture_path("templates/" + QString::fromStdString(name) + ".jinja")).toStdString();
      try {
        templates_[name] = std::make_unique<lora::JinjaTemplate>(lora::JinjaTemplate::parse(source, source_name(name)));
      } catch (const std::exception& e) {
        parse_errors_[name] = e.what();
      }
    }
    // The acceptance bar: at least 150 renders of real models' templates to match.
    QVERIFY2(real_renders >= 150,
             qPrintable(QString("only %1 renders of real templates in the fixture").arg(real_renders)));
  }

  void parses_every_template_data() {
    QTest::addColumn<QString>("name");
    for (const auto& [name, tracks] : tracks_generation_) QTest::newRow(name.c_str()) << QString::fromStdString(name);
  }

  void parses_every_template() {
    QFETCH(QString, name);
    const std::string key = name.toStdString();
    QVERIFY2(!parse_errors_.count(key), qPrintable("parse failed: " + QString::fromStdString(parse_errors_[key])));
    const lora::JinjaTemplate& parsed = *templates_.at(key);
    const QByteArray source = read_file(fixture_path("templates/" + name + ".jinja"));
    QVERIFY(parsed.source() == source.toStdString());
    QCOMPARE(parsed.has_generation_blocks(), tracks_generation_.at(key));
  }

  void renders_like_transformers_data() { add_rows("expected"); }

  void renders_like_transformers() {
    QFETCH(int, index);
    const ordered_json& c = case_at(index);
    ++rendered_total_;
    const lora::JinjaTemplate* tmpl = template_of(c);
    if (!tmpl) QFAIL(qPrintable("template did not parse: " + QString::fromStdString(parse_errors_[template_name(c)])));
    if (c.contains("strftime_now")) ++dated_cases_;

    lora::JinjaRender render;
    Expectation expected;
    for (int attempt = 0;; ++attempt) {
      const std::tm before = local_now();
      try {
        render = tmpl->render(c["variables"]);
      } catch (const std::exception& e) {
        QFAIL(qPrintable(
            QString::fromStdString("engine threw where jinja2 rendered: " + std::string(e.what()) +
                                   "\n   jinja2 starts: " + excerpt(c["expected"].get<std::string>(), 0, 200))));
      }
      const std::tm after = local_now();
      if (!same_day(before, after) && attempt == 0) continue;  // rendered across midnight: once more
      std::string error;
      expected = with_today(c, before, &error);
      if (!error.empty()) QFAIL(error.c_str());
      break;
    }

    if (render.text != expected.text) QFAIL(describe_difference(render.text, expected.text).c_str());
    if (c.contains("generation_spans")) {
      if (render.generation_spans != expected.spans)
        QFAIL(qPrintable(QString::fromStdString(
            "generation spans differ\n   engine:" + describe_spans(render.generation_spans, render.text) +
            "\n   jinja2:" + describe_spans(expected.spans, expected.text))));
    } else {
      QVERIFY2(render.generation_spans.empty(), "spans reported for a template without {% generation %}");
    }
    ++rendered_ok_;
  }

  void raises_like_transformers_data() { add_rows("error"); }

  void raises_like_transformers() {
    QFETCH(int, index);
    const ordered_json& c = case_at(index);
    ++raised_total_;
    const lora::JinjaTemplate* tmpl = template_of(c);
    if (!tmpl) QFAIL(qPrintable("template did not parse: " + QString::fromStdString(parse_errors_[template_name(c)])));
    const std::string message = c["error"].get<std::string>();
    try {
      const lora::JinjaRender render = tmpl->render(c["variables"]);
      QFAIL(qPrintable(QString::fromStdString("rendered instead of raising \"" + message +
                                              "\"; rendered: " + excerpt(render.text, 0, 300))));
    } catch (const lora::JinjaRaised& e) {
      QCOMPARE(QString::fromStdString(e.what()), QString::fromStdString(message));
    } catch (const std::exception& e) {
      QFAIL(qPrintable(QString::fromStdString("threw \"" + std::string(e.what()) + "\" instead of JinjaRaised \"" +
                                              message + "\"")));
    }
    ++raised_ok_;
  }

  void fails_where_jinja2_fails_data() { add_rows("python_error"); }

  void fails_where_jinja2_fails() {
    QFETCH(int, index);
    const ordered_json& c = case_at(index);
    ++failed_total_;
    const std::string python_error = c["python_error"].get<std::string>();
    const lora::JinjaTemplate* tmpl = template_of(c);
    if (!tmpl) {
      // Refusing it already at parse time (e.g. an unknown test) is as good, if the error says where.
      const std::string& why = parse_errors_[template_name(c)];
      QVERIFY2(c.contains("source") && located_in(why, source_name(template_name(c))),
               qPrintable(QString::fromStdString("template did not parse: " + why)));
      ++failed_ok_;
      return;
    }
    try {
      const lora::JinjaRender render = tmpl->render(c["variables"]);
      QFAIL(qPrintable(QString::fromStdString("rendered where jinja2 fails with " + python_error +
                                              "; rendered: " + excerpt(render.text, 0, 300))));
    } catch (const lora::JinjaRaised& e) {
      QFAIL(qPrintable(QString::fromStdString("raise_exception(\"" + std::string(e.what()) +
                                              "\") reached where jinja2 fails earlier with " + python_error)));
    } catch (const lora::Error& e) {
      // The header's promise for runtime errors: "SOURCE_NAME:LINE:COLUMN: what is wrong".
      QVERIFY2(located_in(e.what(), source_name(template_name(c))),
               qPrintable(QString::fromStdString("error not located as " + source_name(template_name(c)) +
                                                 ":LINE:COLUMN: " + e.what() + " (jinja2: " + python_error + ")")));
    } catch (const std::exception& e) {
      QFAIL(qPrintable(QString::fromStdString("threw a non-lora::Error \"" + std::string(e.what()) +
                                              "\" (jinja2: " + python_error + ")")));
    }
    ++failed_ok_;
  }

  void rejects_what_jinja2_rejects_data() { add_rows("syntax_error"); }

  void rejects_what_jinja2_rejects() {
    QFETCH(int, index);
    const ordered_json& c = case_at(index);
    ++rejected_total_;
    const std::string jinja2_error = c["syntax_error"].get<std::string>();
    const std::string source = source_name(template_name(c));
    if (const lora::JinjaTemplate* tmpl = template_of(c)) {
      // jinja2 finds an unknown filter while compiling; finding it when rendering is as good.
      if (jinja2_error.rfind("TemplateAssertionError", 0) == 0) {
        try {
          tmpl->render(c["variables"]);
        } catch (const lora::JinjaRaised& e) {
          QFAIL(e.what());
        } catch (const lora::Error& e) {
          QVERIFY2(located_in(e.what(), source), e.what());
          ++rejected_ok_;
          return;
        }
      }
      QFAIL(qPrintable(QString::fromStdString("parsed although jinja2 rejects it: " + jinja2_error)));
    }
    const std::string& why = parse_errors_[template_name(c)];
    long line = 0;
    QVERIFY2(located_in(why, source, &line),
             qPrintable(QString::fromStdString("not located as " + source + ":LINE:COLUMN: " + why)));
    if (c.value("syntax_error_line_exact", false))
      QVERIFY2(line == c["syntax_error_line"].get<long>(),
               qPrintable(QString::fromStdString(why + " (jinja2 names line " +
                                                 std::to_string(c["syntax_error_line"].get<long>()) + ": " +
                                                 jinja2_error + ")")));
    ++rejected_ok_;
  }

  // Templates that would hang or exhaust memory stop at the limits, quickly, with a located error.
  void stops_hostile_templates_at_limits_data() {
    QTest::addColumn<QString>("source");
    QTest::addColumn<qulonglong>("max_steps");
    QTest::addColumn<qulonglong>("max_output_bytes");
    QTest::addColumn<int>("max_depth");
    const lora::JinjaLimits defaults;
    const qulonglong steps = defaults.max_steps, bytes = defaults.max_output_bytes;
    const int depth = defaults.max_depth;
    QTest::newRow("endless loop") << "{% for i in range(1000000000) %}{% endfor %}" << qulonglong(100000) << bytes
                                  << depth;
    QTest::newRow("nested loops") << "{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}"
                                  << qulonglong(100000) << bytes << depth;
    QTest::newRow("huge repetition") << "{{ 'x' * 100000000 }}" << steps << qulonglong(1 << 20) << depth;
    QTest::newRow("doubling string (default limits)")
        << "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}"
           "{{ ns.s | length }}"
        << steps << bytes << depth;
    QTest::newRow("output too long") << "{% for i in range(100000) %}{{ 'line of text ' * 10 }}{% endfor %}" << steps
                                     << qulonglong(1 << 16) << depth;
    QTest::newRow("runaway macro recursion")
        << "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}" << steps << bytes << 64;
  }

  void stops_hostile_templates_at_limits() {
    QFETCH(QString, source);
    QFETCH(qulonglong, max_steps);
    QFETCH(qulonglong, max_output_bytes);
    QFETCH(int, max_depth);
    lora::JinjaLimits limits;
    limits.max_steps = max_steps;
    limits.max_output_bytes = size_t(max_output_bytes);
    limits.max_depth = max_depth;
    const lora::JinjaTemplate tmpl = lora::JinjaTemplate::parse(source.toStdString(), "hostile.jinja");
    QElapsedTimer timer;
    timer.start();
    try {
      const lora::JinjaRender render = tmpl.render(ordered_json::object(), limits);
      QFAIL(qPrintable(QString("rendered %1 bytes instead of stopping").arg(render.text.size())));
    } catch (const lora::JinjaRaised& e) {
      QFAIL(e.what());
    } catch (const lora::Error& e) {
      QVERIFY2(located_in(e.what(), "hostile.jinja"), e.what());
    }
    QVERIFY2(timer.elapsed() < 20000, qPrintable(QString("took %1 ms to stop").arg(timer.elapsed())));
  }

  void cleanupTestCase() {
    const QString dated = dated_cases_ ? QString(" (%1 with today's date for strftime_now)").arg(dated_cases_) : "";
    const QString summary =
        QString(
            "chat templates (%1 templates, jinja2 %2 reference): %3/%4 renders byte-identical%5, "
            "%6/%7 raise_exception messages, %8/%9 jinja2 failures reproduced, %10/%11 syntax errors")
            .arg(tracks_generation_.size())
            .arg(QString::fromStdString(fixture_.value("jinja2_version", std::string("?"))))
            .arg(rendered_ok_)
            .arg(rendered_total_)
            .arg(dated)
            .arg(raised_ok_)
            .arg(raised_total_)
            .arg(failed_ok_)
            .arg(failed_total_)
            .arg(rejected_ok_)
            .arg(rejected_total_);
    qInfo("%s", qPrintable(summary));
  }
};

QTEST_GUILESS_MAIN(TestChatTemplate)
#include "test_chat_template.moc"
