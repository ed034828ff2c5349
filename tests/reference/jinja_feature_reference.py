#!/usr/bin/env python3
"""Renders small Jinja templates, one per feature of the language that chat templates use, with
jinja2 configured as transformers' apply_chat_template configures it (ImmutableSandboxedEnvironment,
trim_blocks, lstrip_blocks, loopcontrols, the {% generation %} tag, its tojson filter, raise_exception
and strftime_now), and writes tests/fixtures/jinja/features.json. test_jinja renders every case with
lora::JinjaTemplate and compares the text byte for byte (or the error, or the generation spans).

Run with Debian's python3 (python3-jinja2):  /usr/bin/python3 tests/reference/jinja_feature_reference.py
The committed fixture was rendered with jinja2 3.1.6, the newest release (what transformers users get),
by pointing JINJA2_SRC at its sources (git archive of pallets/jinja tag 3.1.6, folder src/):
    JINJA2_SRC=/tmp/jinja-3.1.6/src /usr/bin/python3 tests/reference/jinja_feature_reference.py
Debian's 3.1.2 differs from it in two cases here: the sandbox only refuses list.pop/clear since 3.1.5,
and 3.1.5 fixed a name set in every branch of an {% if %} reading as undefined before it (#1253).
"""
import json
import os
import sys
from contextlib import contextmanager
from datetime import datetime

if os.environ.get("JINJA2_SRC"):
    sys.path.insert(0, os.environ["JINJA2_SRC"])

import jinja2  # noqa: E402
import jinja2.ext  # noqa: E402
from jinja2.ext import Extension
from jinja2.sandbox import ImmutableSandboxedEnvironment  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures", "jinja", "features.json")


# --- transformers' environment (src/transformers/utils/chat_template_utils.py) ---------------------

class AssistantTracker(Extension):
    tags = {"generation"}

    def __init__(self, environment):
        super().__init__(environment)
        environment.extend(activate_tracker=self.activate_tracker)
        self._rendered_blocks = None
        self._generation_indices = None

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        return jinja2.nodes.CallBlock(self.call_method("_generation_support"), [], [], body).set_lineno(lineno)

    @jinja2.pass_eval_context
    def _generation_support(self, context, caller):
        rv = caller()
        if self.is_active():
            start_index = len("".join(self._rendered_blocks))
            end_index = start_index + len(rv)
            self._generation_indices.append((start_index, end_index))
        return rv

    def is_active(self):
        return self._rendered_blocks or self._generation_indices

    @contextmanager
    def activate_tracker(self, rendered_blocks, generation_indices):
        try:
            if self.is_active():
                raise ValueError("AssistantTracker should not be reused before closed")
            self._rendered_blocks = rendered_blocks
            self._generation_indices = generation_indices
            yield
        finally:
            self._rendered_blocks = None
            self._generation_indices = None


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def strftime_now(format):
    return datetime.now().strftime(format)


env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                    extensions=[AssistantTracker, jinja2.ext.loopcontrols])
env.filters["tojson"] = tojson
env.globals["raise_exception"] = raise_exception
env.globals["strftime_now"] = strftime_now


def render(source, variables):
    """Renders as transformers' _render_with_assistant_indices does. Its character offsets become the
    byte ranges lora::JinjaRender::generation_spans holds: converted over the final text (an offset
    past its end is its end), empty ones left out, sorted, overlapping ones (nested blocks) merged."""
    compiled = env.from_string(source)
    blocks, indices = [], []
    with env.activate_tracker(blocks, indices):
        for block in compiled.generate(**variables):
            blocks.append(block)
        text = "".join(blocks)
    spans = []
    for start, end in indices:
        byte_start, byte_end = len(text[:start].encode("utf-8")), len(text[:end].encode("utf-8"))
        if byte_end > byte_start:
            spans.append([byte_start, byte_end])
    merged = []
    for span in sorted(spans):
        if merged and span[0] < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], span[1])
        else:
            merged.append(span)
    return text, merged


CONVERSATION = [
    {"role": "system", "content": "You are helpful."},
    {"role": "user", "content": "Hi there"},
    {"role": "assistant", "content": "Hello! How can I help?"},
    {"role": "user", "content": "Tell me a joke about caf\u00e9s \U0001F600"},
]
USERS = [{"name": "ann", "age": 31, "city": "Paris"}, {"name": "Bob", "age": 25, "city": "berlin"},
         {"name": "cid", "age": 31, "city": "paris"}, {"name": "Dee", "age": 19}]

# (name, template, variables). None: the default variables {"messages": CONVERSATION, "users": USERS},
# stored once in the fixture ("default_variables"); a case holds "variables" only when it has its own.
CASES = [
    # ---- lexer: whitespace control, trim_blocks, lstrip_blocks, comments, raw ------------------------
    ("text_only", "Hello world", None),
    ("trailing_newline_dropped", "Hello\n", None),
    ("two_trailing_newlines", "Hello\n\n", None),
    ("crlf_normalised", "a\r\nb\rc\n", None),
    ("trim_blocks", "{% if true %}\nyes\n{% endif %}\nafter", None),
    ("lstrip_blocks", "  {% if true %}\n    x\n  {% endif %}\nend", None),
    ("lstrip_not_for_variables", "  {{ 'v' }}\n", None),
    ("lstrip_only_whitespace_line", "a  {% if true %}b{% endif %}", None),
    ("minus_strips_left", "a   \n  {%- if true %}b{% endif %}", None),
    ("minus_strips_right", "{% if true -%}  \n  b{% endif %}", None),
    ("variable_minus", "a  {{- 'b' -}}  c", None),
    ("plus_disables_lstrip", "  {%+ if true %}x{% endif %}", None),
    ("plus_block_end_keeps_newline", "{% if true +%}\nx{% endif %}", None),
    ("comment_trim", "a\n{# comment #}\nb", None),
    ("comment_lstrip", "a\n    {# c #}\nb", None),
    ("comment_minus", "a   {#- c -#}   b", None),
    ("raw_block", "{% raw %}{{ not parsed }}{% endraw %}", None),
    ("raw_block_trim", "x\n  {% raw %}\n{{ y }}\n  {% endraw %}\nz", None),
    ("unclosed_comment_at_end", "abc{#", None),
    ("nested_brackets_in_variable", "{{ {'a': {'b': 1}} }}", None),
    ("tab_lstrip", "\t{% if true %}t{% endif %}", None),
    ("lstrip_after_text_line", "text\n   {% if true %}\nx{% endif %}", None),
    ("minus_dash_number", "{{-1}}", None),
    ("whitespace_after_minus_end_nonspace", "{%- if true -%}   x   {%- endif -%}   ", None),
    ("unicode_whitespace_strip", "a\u00a0\u2003{%- if true %}b{% endif %}", None),
    ("multiline_tag", "{%\n  if true\n%}\nok{% endif %}", None),

    # ---- literals ---------------------------------------------------------------------------------
    ("string_escapes", r"""{{ 'a\nb\tc\\d\'e"f' }}|{{ "x\"y" }}|{{ '\x41\u00e9\U0001F600\101' }}""", None),
    ("unknown_escape_kept", r"{{ '\d\w' }}", None),
    ("escape_before_non_ascii", "{{ '\\\u00e9' }}", None),
    ("adjacent_strings", "{{ 'a' 'b' \"c\" }}", None),
    ("integers", "{{ 42 }} {{ 1_000 }} {{ 0x1F }} {{ 0o17 }} {{ 0b101 }} {{ 0 }}", None),
    ("floats", "{{ 1.5 }} {{ 1e3 }} {{ 2.5E-3 }} {{ 1_0.2_5 }} {{ 0.1 + 0.2 }} {{ 1e16 }} {{ 1e15 }} {{ 1e-5 }} {{ 0.0001 }}", None),
    ("float_repr", "{{ 3.0 }} {{ -0.0 }} {{ 1/3 }} {{ 2/3 }} {{ 100.0 * 1.1 }} {{ 123456789012345678.0 }}", None),
    ("booleans_none", "{{ true }} {{ True }} {{ false }} {{ none }} {{ None }}", None),
    ("list_tuple_dict_literals", "{{ [1, 'a', none, true] }} {{ (1,) }} {{ (1, 2) }} {{ () }} {{ {'k': 'v', 1: 2.5} }} {{ [] }} {{ {} }}", None),
    ("trailing_commas", "{{ [1, 2,] }} {{ {'a': 1,} }} {{ (1, 2,) }}", None),
    ("string_repr_quotes", "{{ [\"it's\", 'say \"hi\"', 'both \\' \"', 'tab\\t', 'nl\\n', '\u00e9\u00a0\\x7f'] }}", None),

    # ---- operators ----------------------------------------------------------------------------------
    ("arithmetic", "{{ 7 + 3 }} {{ 7 - 10 }} {{ 7 * 3 }} {{ 7 / 2 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 2 ** 10 }} {{ 2 ** -1 }}", None),
    ("float_arithmetic", "{{ 7.5 // 2 }} {{ -7.5 % 2 }} {{ 1.5 * 2 }} {{ 3 / 1.5 }} {{ 2 ** 0.5 }}", None),
    ("bool_arithmetic", "{{ true + true }} {{ true * 3 }} {{ false - 1 }}", None),
    ("string_concat", "{{ 'a' + 'b' }} {{ 'x' ~ 1 ~ none ~ true ~ [1] }}", None),
    ("string_repeat", "{{ 'ab' * 3 }}{{ 'x' * 0 }}{{ 3 * 'y' }}{{ 'z' * -1 }}", None),
    ("list_ops", "{{ [1, 2] + [3] }} {{ [0] * 3 }} {{ (1,) + (2,) }}", None),
    ("precedence", "{{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }} {{ 2 ** 3 ** 2 }} {{ -2 ** 2 }} {{ 10 - 2 - 3 }} {{ 'a' ~ 1 * 2 }} {{ ('a' ~ 1) + 'b' }} {{ 1 + 2 | string | length }} {{ not 1 == 2 }} {{ 'x' if 1 in [1] and not false else 'y' }}", None),
    ("unary", "{{ -3 }} {{ +3 }} {{ - -3 }} {{ not true }} {{ not not 1 }} {{ -(3) }}", None),
    ("comparisons", "{{ 1 < 2 }} {{ 1 <= 1 }} {{ 2 > 3 }} {{ 'a' < 'b' }} {{ [1, 2] < [1, 3] }} {{ 1 == 1.0 }} {{ true == 1 }} {{ 'a' != 'b' }} {{ none == none }} {{ [1] == (1,) }}", None),
    ("chained_comparison", "{{ 1 < 2 < 3 }} {{ 1 < 3 < 2 }} {{ 1 == 1 == 1 }} {{ 3 > 2 > 1 }}", None),
    ("in_operator", "{{ 'b' in 'abc' }} {{ 2 in [1, 2] }} {{ 'k' in {'k': 1} }} {{ 'z' not in 'abc' }} {{ 3 not in [1] }} {{ 'x' in undefined_var }}", None),
    ("and_or_values", "{{ 0 or 'x' }} {{ 1 and 'y' }} {{ '' and 'z' }} {{ none or none }} {{ [] or [1] }}", None),
    ("ternary", "{{ 'y' if true else 'n' }} {{ 'y' if false else 'n' }} [{{ 'y' if false }}] {{ 1 if 0 else 2 if 0 else 3 }}", None),
    ("dict_equality", "{{ {'a': 1, 'b': 2} == {'b': 2, 'a': 1} }} {{ {'a': 1} == {'a': 1.0} }}", None),
    ("percent_format_operator", "{{ '%s and %s' % ('a', 'b') }} {{ '%d%%' % 50 }} {{ '%05.2f' % 3.14159 }} {{ '%-5s|' % 'ab' }} {{ '%x %X %o' % (255, 255, 8) }} {{ '%(a)s-%(b)d' % {'a': 'x', 'b': 2} }} {{ '%r' % 'q' }} {{ '%+d % d' % (5, 5) }} {{ '%.3s' % 'abcdef' }} {{ '%s' % [1, 2] }} {{ '%e %g' % (12345.678, 0.0001234) }}", None),

    # ---- variables, attributes, subscripts --------------------------------------------------------------
    ("attribute_and_item", "{{ messages[0].role }} {{ messages[0]['content'] }} {{ messages.0.role }} {{ messages[-1].role }}", None),
    ("missing_attribute_is_undefined", "[{{ messages[0].missing }}][{{ messages[0]['missing'] }}][{{ messages[10] }}][{{ nothing }}]", None),
    ("dict_method_vs_key", "{{ d.items is callable }}|{{ d['items'] }}|{{ d.keys() | list }}", {"d": {"items": "stored", "a": 1}}),
    ("item_falls_back_to_method", "{{ d['get']('a') }}", {"d": {"a": 1}}),
    ("string_index", "{{ s[0] }}{{ s[-1] }}{{ s[1] }}|{{ s[99] }}|", {"s": "h\u00e9llo"}),
    ("slices", "{{ s[1:3] }} {{ s[::-1] }} {{ s[:2] }} {{ s[-2:] }} {{ s[::2] }} {{ l[1:] }} {{ l[::-1] }} {{ l[-2:-1] }} {{ l[5:] }} {{ l[:-10] }} {{ t[1:] }}", {"s": "caf\u00e9s\U0001F600", "l": [1, 2, 3, 4], "t": [5, 6]}),
    ("slice_step_negative", "{{ l[3:0:-1] }} {{ l[::-2] }} {{ 'abcdef'[5:1:-2] }}", {"l": [0, 1, 2, 3, 4]}),
    ("none_attribute", "[{{ x.foo }}]", {"x": None}),
    ("undefined_default_render", "[{{ undefined_thing }}]", None),
    ("getattr_on_int", "[{{ (5).real }}]", None),

    # ---- if / for / set / loop ----------------------------------------------------------------------------------
    ("if_elif_else", "{% for x in [1, 2, 3] %}{% if x == 1 %}one{% elif x == 2 %}two{% else %}many{% endif %} {% endfor %}", None),
    ("for_else", "{% for x in [] %}x{% else %}empty{% endfor %}|{% for x in [1] %}{{ x }}{% else %}empty{% endfor %}", None),
    ("loop_variables", "{% for x in 'abc' %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }};{% endfor %}", None),
    ("loop_prev_next", "{% for x in [1, 2, 3] %}[{{ loop.previtem }}|{{ loop.nextitem }}]{% endfor %}", None),
    ("loop_cycle", "{% for x in range(5) %}{{ loop.cycle('a', 'b', 'c') }}{% endfor %}", None),
    ("loop_changed", "{% for x in [1, 1, 2, 2, 1] %}{{ loop.changed(x) }} {% endfor %}", None),
    ("loop_filter", "{% for m in messages if m.role != 'system' %}{{ loop.index }}/{{ loop.length }}:{{ m.role }}{{ ',' if not loop.last }}{% endfor %}", None),
    ("loop_unpacking", "{% for k, v in {'a': 1, 'b': 2}.items() %}{{ k }}={{ v }};{% endfor %}{% for a, b in [[1, 2], 'xy'] %}{{ a }}{{ b }}{% endfor %}", None),
    ("loop_over_dict", "{% for k in {'x': 1, 'y': 2} %}{{ k }}{% endfor %}", None),
    ("loop_over_string", "{% for c in 'h\u00e9\U0001F600' %}[{{ c }}]{% endfor %}", None),
    ("loop_over_undefined", "{% for x in nothing %}x{% else %}none{% endfor %}", None),
    ("nested_loops", "{% for a in [1, 2] %}{% for b in 'xy' %}{{ a }}{{ b }}{{ loop.index }}{% endfor %}{{ loop.index }};{% endfor %}", None),
    ("break_continue", "{% for x in range(10) %}{% if x is odd %}{% continue %}{% endif %}{% if x > 6 %}{% break %}{% endif %}{{ x }}{% endfor %}", None),
    ("recursive_loop", "{% for item in tree recursive %}<{{ item.name }}{% if item.children %}:{{ loop(item.children) }}{% endif %}@{{ loop.depth }}>{% endfor %}", {"tree": [{"name": "a", "children": [{"name": "b", "children": [{"name": "c"}]}]}, {"name": "d"}]}),
    ("set_simple", "{% set x = 1 %}{% set y = x + 1 %}{{ x }}{{ y }}", None),
    ("set_tuple", "{% set a, b = 1, 2 %}{{ a }}{{ b }}{% set c, d = 'xy' %}{{ c }}{{ d }}", None),
    ("set_block", "{% set x %}inner {{ 1 + 1 }}{% endset %}[{{ x }}]", None),
    ("set_block_filter", "{% set x | upper %}shout{% endset %}{{ x }}", None),
    ("set_in_loop_does_not_leak", "{% set x = 0 %}{% for i in range(3) %}{% set x = x + i %}{{ x }}{% endfor %}|{{ x }}", None),
    ("set_in_if_leaks", "{% if true %}{% set y = 5 %}{% endif %}{{ y }}", None),
    ("loop_iteration_scope", "{% for i in range(3) %}{% if i == 0 %}{% set z = 5 %}{% endif %}[{{ z }}]{% endfor %}", None),
    ("namespace", "{% set ns = namespace(total=0, items=[]) %}{% for i in range(4) %}{% set ns.total = ns.total + i %}{% set ns.items = ns.items + [i] %}{% endfor %}{{ ns.total }} {{ ns.items }}", None),
    ("namespace_from_dict", "{% set ns = namespace({'a': 1}, b=2) %}{{ ns.a }}{{ ns.b }}{{ ns['a'] }}[{{ ns.c }}]", None),
    ("namespace_repr", "{{ namespace(a=1) }}", None),
    ("set_overrides_variable", "{% set add_generation_prompt = false %}{{ add_generation_prompt }}", {"add_generation_prompt": True}),
    ("variable_then_set", "{{ x }}{% set x = 1 %}{{ x }}", {"x": 5}),
    ("with_block", "{% with a = 1, b = 2 %}{{ a + b }}{% endwith %}[{{ a }}]", None),
    ("loop_var_after_loop", "{% for i in range(2) %}{% endfor %}[{{ i }}]", None),
    ("outer_variable_in_loop_before_set", "{% set x = 1 %}{% for i in range(2) %}{{ x }}{% set x = 5 %}{{ x }}{% endfor %}{{ x }}", None),

    # ---- macros and call blocks ------------------------------------------------------------------------------------
    ("macro_defaults", "{% macro greet(name, greeting='Hello') %}{{ greeting }}, {{ name }}!{% endmacro %}{{ greet('Ann') }} {{ greet('Bob', 'Hi') }} {{ greet(greeting='Yo', name='Cid') }}", None),
    ("macro_missing_param", "{% macro m(a, b) %}[{{ a }}|{{ b }}]{% endmacro %}{{ m(1) }}", None),
    ("macro_varargs_kwargs", "{% macro m(a) %}{{ a }}{{ varargs }}{{ kwargs }}{% endmacro %}{{ m(1, 2, 3, x=4) }}", None),
    ("macro_recursive", "{% macro fact(n) %}{% if n <= 1 %}1{% else %}{{ n * fact(n - 1) | int }}{% endif %}{% endmacro %}{{ fact(6) }}", None),
    ("macro_closure", "{% set x = 3 %}{% macro m() %}{{ x }}{% endmacro %}{% set x = 4 %}{{ m() }}", None),
    ("macro_default_uses_param", "{% macro m(a, b=a * 2) %}{{ a }}{{ b }}{% endmacro %}{{ m(3) }}", None),
    ("macro_returns_string", "{% macro m() %}42{% endmacro %}{{ m() ~ '!' }} {{ m() | length }} {{ m() is string }}", None),
    ("call_block", "{% macro wrap(tag) %}<{{ tag }}>{{ caller() }}</{{ tag }}>{% endmacro %}{% call wrap('b') %}bold {{ 1 }}{% endcall %}", None),
    ("call_block_args", "{% macro each(items) %}{% for i in items %}{{ caller(i) }}{% endfor %}{% endmacro %}{% call(x) each([1, 2]) %}<{{ x }}>{% endcall %}", None),
    ("macro_in_loop", "{% for i in range(2) %}{% macro m() %}{{ i }}{% endmacro %}{{ m() }}{% endfor %}", None),
    ("macro_repr_attributes", "{% macro m(a, b) %}{% endmacro %}{{ m.name }} {{ m.arguments }}", None),
    ("filter_block", "{% filter upper %}hello {{ 'world' }}{% endfilter %}", None),
    ("filter_block_chain", "{% filter trim | replace('a', 'o') %}  banana  {% endfilter %}", None),

    # ---- tests ----------------------------------------------------------------------------------------------------
    ("tests_types", "{{ 1 is integer }}{{ 1.0 is float }}{{ true is boolean }}{{ 1 is number }}{{ true is number }}{{ 'a' is string }}{{ {} is mapping }}{{ [] is sequence }}{{ 'x' is sequence }}{{ [] is iterable }}{{ 1 is iterable }}{{ none is none }}{{ true is true }}{{ 1 is true }}{{ false is false }}{{ true is integer }}", None),
    ("tests_defined", "{{ x is defined }}{{ y is defined }}{{ y is undefined }}{{ x is not defined }}{{ messages[0].nope is defined }}", {"x": 1, "messages": CONVERSATION}),
    ("tests_numbers", "{{ 3 is odd }}{{ 4 is even }}{{ 9 is divisibleby 3 }}{{ 9 is divisibleby(2) }}{{ 3.0 is odd }}", None),
    ("tests_comparison", "{{ 1 is eq 1 }}{{ 1 is equalto 2 }}{{ 1 is ne 2 }}{{ 1 is lt 2 }}{{ 1 is gt 2 }}{{ 2 is ge 2 }}{{ 2 is le 1 }}{{ 1 is eq(1) }}{{ 2 is lessthan 3 }}{{ 3 is greaterthan 3 }}", None),
    ("tests_in_sameas", "{{ 2 is in [1, 2] }}{{ 'a' is in 'bc' }}{{ none is sameas none }}{{ 1 is sameas 1 }}{{ x is sameas x }}", {"x": [1]}),
    ("tests_case", "{{ 'abc' is lower }}{{ 'ABC' is upper }}{{ 'aBc' is lower }}{{ '123' is lower }}", None),
    ("tests_callable", "{{ range is callable }}{{ 'a' is callable }}{{ 'a'.upper is callable }}{{ nothing is callable }}", None),
    ("tests_filter_test", "{{ 'upper' is filter }}{{ 'nope' is filter }}{{ 'odd' is test }}", None),
    ("test_in_expression_with_and", "{{ x is defined and x > 0 }}{{ y is not none or 'n' }}", {"x": 1, "y": None}),
    ("undefined_is_sequence_iterable", "{{ nothing is sequence }}{{ nothing is iterable }}{{ nothing is mapping }}", None),

    # ---- filters ----------------------------------------------------------------------------------------------------
    ("filter_length", "{{ messages | length }} {{ 'h\u00e9\U0001F600' | length }} {{ {'a': 1} | count }} {{ nothing | length }}", None),
    ("filter_first_last", "{{ [1, 2, 3] | first }} {{ [1, 2, 3] | last }} {{ 'abc' | first }} {{ 'abc' | last }} [{{ [] | first }}] {{ {'a': 1, 'b': 2} | last }}", None),
    ("filter_join", "{{ [1, 2, 3] | join(', ') }} {{ 'abc' | join('-') }} {{ users | join(', ', attribute='name') }} {{ [1, none] | join }}", None),
    ("filter_case", "{{ 'Hello World' | upper }} {{ 'Hello World' | lower }} {{ 'hello world' | capitalize }} {{ 'hELLO wORLD-foo (bar) x' | title }} {{ \"they're bill's\" | title }}", None),
    ("filter_trim", "[{{ '  a b  ' | trim }}][{{ 'xxaxx' | trim('x') }}][{{ '\u00a0\u3000a\n' | trim }}]", None),
    ("filter_replace", "{{ 'aaa' | replace('a', 'b') }} {{ 'aaa' | replace('a', 'b', 2) }} {{ 'abc' | replace('', '-') }} {{ 123 | replace('2', 'x') }}", None),
    ("filter_default", "{{ nothing | default('dflt') }} {{ '' | default('e') }} {{ '' | default('e', true) }} {{ 0 | d('z', boolean=true) }} {{ none | default('n') }} [{{ nothing | default }}]", None),
    ("filter_list_string", "{{ 'ab' | list }} {{ {'a': 1} | list }} {{ 1 | string }} {{ [1, 'a'] | string }} {{ none | string }}", None),
    ("filter_int_float", "{{ '42' | int }} {{ '4.7' | int }} {{ 'x' | int }} {{ 'x' | int(7) }} {{ 3.9 | int }} {{ '0x1F' | int(0, 16) }} {{ '0b11' | int(base=2) }} {{ ' 12 ' | int }} {{ true | int }} {{ none | int }} {{ '1_000' | int }}", None),
    ("filter_float", "{{ '1.5' | float }} {{ 'x' | float }} {{ 2 | float }} {{ 'nan' | float }} {{ '1e3' | float }} {{ 'x' | float(1.5) }}", None),
    ("filter_abs_round", "{{ -3 | abs }} {{ -2.5 | abs }} {{ 2.5 | round }} {{ 3.5 | round }} {{ 2.675 | round(2) }} {{ 42 | round }} {{ 3.14159 | round(2, 'floor') }} {{ 3.14159 | round(1, 'ceil') }} {{ -1.5 | round }} {{ 1234.5 | round(-2) }}", None),
    ("filter_tojson", "{{ messages[0] | tojson }} {{ [1, 2.5, none, true, 'caf\u00e9 \"q\" \\\\ / \n\t\x1b'] | tojson }}", None),
    ("filter_tojson_indent", "{{ {'a': [1, {'b': 2}], 'c': {}, 'd': []} | tojson(indent=2) }}|{{ [1] | tojson(indent=0) }}|{{ {'x': 1} | tojson(indent='\t') }}", None),
    ("filter_tojson_options", "{{ {'b': 1, 'a': [1, 2]} | tojson(separators=(',', ':')) }} {{ {'b': 1, 'a': 2} | tojson(sort_keys=true) }} {{ 'caf\u00e9\U0001F600' | tojson(ensure_ascii=true) }} {{ {1: 'a', true: 'b', none: 'c', 2.5: 'd'} | tojson }}", None),
    ("filter_tojson_positional_is_ensure_ascii", "{{ ['\u00e9'] | tojson(4) }}", None),
    ("filter_tojson_floats", "{{ [1.0, 1e16, 1e-7, 0.1, -0.0, 123.456, 1.5e300] | tojson }}", None),
    ("filter_items_dictsort", "{{ {'b': 1, 'a': 2} | items | list }} {{ {'b': 1, 'A': 2, 'c': 0} | dictsort }} {{ {'b': 1, 'A': 2} | dictsort(true) }} {{ {'b': 1, 'a': 2} | dictsort(by='value') }} {{ {'b': 1, 'a': 2} | dictsort(reverse=true) }}", None),
    ("filter_map", "{{ users | map(attribute='name') | list }} {{ ['a', 'B'] | map('upper') | list }} {{ users | map(attribute='city', default='?') | list }} {{ [[1, 2], [3]] | map('length') | list }} {{ ['a,b', 'c'] | map('replace', ',', ';') | join('|') }}", None),
    ("filter_select_reject", "{{ [1, 2, 3, 4, 5] | select('odd') | list }} {{ [1, 2, 3, 4] | reject('even') | list }} {{ [0, 1, '', 'a', none] | select | list }} {{ [1, 5, 10] | select('gt', 4) | list }} {{ [1, 5, 10] | select('>', 4) | list }}", None),
    ("filter_selectattr", "{{ messages | selectattr('role', 'equalto', 'user') | map(attribute='content') | list }} {{ users | rejectattr('city') | map(attribute='name') | list }} {{ users | selectattr('age', 'gt', 26) | list | length }} {{ messages | selectattr('tool_calls', 'undefined') | list | length }}", None),
    ("filter_sort", "{{ [3, 1, 2] | sort }} {{ ['b', 'A', 'c'] | sort }} {{ ['b', 'A', 'c'] | sort(case_sensitive=true) }} {{ [3, 1, 2] | sort(reverse=true) }} {{ users | sort(attribute='age') | map(attribute='name') | join(',') }} {{ users | sort(attribute='age,name') | map(attribute='name') | join(',') }} {{ users | sort(attribute='age', reverse=true) | map(attribute='name') | join(',') }}", None),
    ("filter_unique", "{{ [1, 2, 1, 3, 2] | unique | list }} {{ ['a', 'A', 'b'] | unique | list }} {{ ['a', 'A', 'b'] | unique(case_sensitive=true) | list }} {{ users | unique(attribute='age') | map(attribute='name') | list }}", None),
    ("filter_reverse", "{{ 'abc' | reverse }} {{ [1, 2, 3] | reverse | list }} {{ (1, 2) | reverse | join }}", None),
    ("filter_sum_min_max", "{{ [1, 2, 3] | sum }} {{ users | sum(attribute='age') }} {{ [1.5, 2] | sum(start=10) }} {{ [3, 1, 2] | min }} {{ [3, 1, 2] | max }} {{ ['b', 'A', 'c'] | max }} {{ ['b', 'A', 'c'] | min(case_sensitive=true) }} {{ users | max(attribute='age') | attr('name') }} [{{ [] | max }}]", None),
    ("filter_indent", "{{ 'a\nb\n\nc' | indent }}|{{ 'a\nb' | indent(2, true) }}|{{ 'a\n\nb' | indent(2, blank=true) }}|{{ 'x\ny' | indent('> ') }}", None),
    ("filter_center_wordcount_truncate", "[{{ 'ab' | center(7) }}] {{ 'one two, three!' | wordcount }} {{ 'foo bar baz qux' | truncate(9) }} {{ 'foo bar baz qux' | truncate(9, true) }} {{ 'foo bar baz qux' | truncate(11) }} {{ 'foo bar baz qux' | truncate(11, false, '..', 0) }}", None),
    ("filter_batch_slice", "{{ [1, 2, 3, 4, 5] | batch(2) | list }} {{ [1, 2, 3] | batch(2, 'x') | list }} {{ [1, 2, 3, 4, 5] | slice(2) | list }} {{ [1, 2, 3, 4] | slice(3, 0) | list }}", None),
    ("filter_format", "{{ '%s-%d' | format('a', 3) }} {{ '%(x)s!' | format(x='hi') }} {{ '%.2f' | format(3.14159) }}", None),
    ("filter_escape_safe", "{{ '<a href=\"x\">&\\'</a>' | e }} {{ '<b>' | safe }} {{ 5 | escape }}", None),
    ("filter_attr", "{{ messages[0] | attr('role') }}[{{ messages[0] | attr('nope') }}]{{ 'abc' | attr('upper') is callable }}", None),
    ("filter_groupby", "{% for city, people in users | groupby('city', default='none') %}{{ city }}:{{ people | map(attribute='name') | join('+') }};{% endfor %}|{% for g in users | groupby('age') %}{{ g.grouper }}={{ g.list | length }} {% endfor %}", None),
    ("filter_filesizeformat_striptags", "{{ 1 | filesizeformat }} {{ 512 | filesizeformat }} {{ 1234567 | filesizeformat }} {{ 1048576 | filesizeformat(true) }} {{ '<p>a  <b>b</b></p>\n<!-- c -->d &amp; e' | striptags }}", None),
    ("filter_chain_on_generator_truthy", "{{ 'yes' if ([] | select('odd')) else 'no' }} {{ ([] | select) is iterable }}", None),
    ("generator_consumed_once", "{% set g = [1, 2] | map('string') %}{{ g | join }}|{{ g | join }}", None),

    # ---- str / list / dict methods -------------------------------------------------------------------------------------------
    ("str_strip_methods", "[{{ '  x  '.strip() }}][{{ '\n\nx\n'.lstrip('\n') }}][{{ 'xyyx'.rstrip('x') }}][{{ 'abcab'.strip('ab') }}]", None),
    ("str_split", "{{ 'a,b,,c'.split(',') }} {{ '  a  b \t c '.split() }} {{ 'a,b,c'.split(',', 1) }} {{ 'a,b,c'.rsplit(',', 1) }} {{ ''.split() }} {{ ''.split(',') }} {{ 'a b c'.split(None, 1) }} {{ '  a b  '.rsplit(None, 1) }}", None),
    ("str_split_index", "{{ 'x</think>\n\nanswer'.split('</think>')[-1].lstrip('\n') }}|{{ '<think>r</think>a'.split('</think>')[0].split('<think>')[-1] }}", None),
    ("str_start_end", "{{ 'hello'.startswith('he') }}{{ 'hello'.endswith('lo') }}{{ 'hello'.startswith(('x', 'h')) }}{{ 'hello'.startswith('l', 2) }}{{ 'hello'.endswith('he', 0, 2) }}", None),
    ("str_case_methods", "{{ 'hi There'.upper() }} {{ 'hi There'.lower() }} {{ 'hi there'.title() }} {{ 'hI there'.capitalize() }} {{ 'Hi'.swapcase() }} {{ 'stra\u00dfe'.upper() }}", None),
    ("str_find_count", "{{ 'hello'.find('l') }} {{ 'hello'.rfind('l') }} {{ 'hello'.find('z') }} {{ 'h\u00e9llo'.find('l') }} {{ 'hello'.count('l') }} {{ 'hello'.index('e') }} {{ 'aaa'.count('') }}", None),
    ("str_replace_method", "{{ 'a-b-c'.replace('-', '+') }} {{ 'a-b-c'.replace('-', '', 1) }}", None),
    ("str_predicates", "{{ '123'.isdigit() }}{{ '12a'.isdigit() }}{{ 'abc'.isalpha() }}{{ 'a1'.isalnum() }}{{ '  '.isspace() }}{{ ''.isspace() }}{{ 'abc'.islower() }}{{ 'ABC'.isupper() }}{{ 'Ab Cd'.istitle() }}", None),
    ("str_misc_methods", "{{ ', '.join(['a', 'b']) }} {{ 'ab'.ljust(4, '.') }} {{ 'ab'.rjust(4) }} {{ 'ab'.center(6, '*') }} {{ '42'.zfill(5) }} {{ 'a=b=c'.partition('=') }} {{ 'a=b=c'.rpartition('=') }} {{ 'prefix_x'.removeprefix('prefix_') }} {{ 'x.txt'.removesuffix('.txt') }} {{ 'a\nb\r\nc'.splitlines() }}", None),
    ("str_format_method", "{{ '{} and {}'.format('a', 'b') }} {{ '{1}{0}'.format('x', 'y') }} {{ '{name}!'.format(name='n') }} {{ '{:>5}|{:<5}|{:^5}'.format('a', 'b', 'c') }} {{ '{:.2f} {:5d} {:05d} {:,}'.format(3.14159, 42, 42, 1234567) }} {{ '{0[role]}'.format(messages[0]) }} {{ '{{x}}'.format() }} {{ '{!r}'.format('q') }}", None),
    ("dict_methods", "{{ d.get('a') }} {{ d.get('z') }} {{ d.get('z', 'dflt') }} {{ d.keys() | list }} {{ d.values() | list }} {{ d.items() | list }} {{ d.copy() }}", {"d": {"a": 1, "b": [2]}}),
    ("list_methods", "{{ l.index(2) }} {{ l.count(1) }} {{ l.copy() }} {{ l }}", {"l": [1, 2, 3, 1]}),
    ("error_security_list_pop", "{{ l.pop() }}", {"l": [1, 2]}),
    ("set_in_all_if_branches", "{% set v = 'outer' %}{% for i in range(2) %}[{{ v }}]{% if i %}{% set v = 'a' %}{% else %}{% set v = 'b' %}{% endif %}{{ v }}{% endfor %}", None),
    ("tuple_methods", "{{ (1, 2, 1).count(1) }} {{ (1, 2).index(2) }}", None),

    # ---- globals ------------------------------------------------------------------------------------------------------------
    ("range_forms", "{{ range(3) | list }} {{ range(1, 4) | list }} {{ range(10, 0, -3) | list }} {{ range(0) | list }} {{ range(3) | length }}", None),
    ("dict_global", "{{ dict(a=1, b=2) }} {{ dict([('x', 1)]) }} {{ dict({'k': 'v'}, z=0) }}", None),
    ("cycler_joiner", "{% set c = cycler('a', 'b') %}{{ c.next() }}{{ c.next() }}{{ c.next() }}{{ c.current }}{% set j = joiner('|') %}{% for i in range(3) %}{{ j() }}{{ i }}{% endfor %}", None),
    ("raise_exception", "before{{ raise_exception('Conversation roles must alternate') }}", None),

    # ---- undefined behaviour -------------------------------------------------------------------------------------------------
    ("undefined_in_concat", "[{{ 'a' ~ nothing ~ 'b' }}]", None),
    ("undefined_falsy", "{% if nothing %}yes{% else %}no{% endif %}{{ not nothing }}", None),
    ("undefined_equality", "{{ nothing == nothing }}{{ nothing == none }}{{ nothing != 1 }}", None),
    ("percent_with_undefined", "[{{ '%s' % nothing }}]", None),
    ("undefined_length_iter", "{{ nothing | length }}{{ nothing | list }}", None),

    # ---- generation spans --------------------------------------------------------------------------------------------------------
    ("generation_spans", "{% for m in messages %}<{{ m.role }}>{% if m.role == 'assistant' %}{% generation %}{{ m.content }}</s>{% endgeneration %}{% else %}{{ m.content }}{% endif %}\n{% endfor %}", None),
    ("generation_unicode_offsets", "caf\u00e9 {% generation %}\U0001F600 ok{% endgeneration %} end {% generation %}{% endgeneration %}{% generation %}x{% endgeneration %}", None),
    ("generation_first_is_dropped", "{% generation %}first{% endgeneration %}|{% generation %}second{% endgeneration %}", None),
    ("generation_scope", "{% set x = 1 %}{% generation %}{% set x = 2 %}{{ x }}{% endgeneration %}{{ x }}", None),
    ("generation_in_macro", "start{% macro m() %}ab{% generation %}cd{% endgeneration %}{% endmacro %}{{ m() }}", None),
    ("generation_nested", "a{% generation %}b{% generation %}c\u00e9{% endgeneration %}d{% endgeneration %}e", None),
    ("generation_in_set_block", "ab{% set x %}{% generation %}xyz{% endgeneration %}{% endset %}c{{ x }}", None),
    ("generation_past_the_end", "ab{% set x %}{% generation %}xyz{% endgeneration %}{% endset %}", None),

    # ---- undefined through filters and tests ------------------------------------------------------------
    ("undefined_through_filters", "[{{ nothing | upper }}|{{ nothing | trim }}|{{ nothing | join(',') }}|{{ nothing | string }}|{{ nothing | list }}|{{ nothing | sort }}|{{ nothing | map('upper') | list }}|{{ nothing | items | list }}|{{ nothing | replace('a', 'b') }}|{{ nothing | sum }}|{{ nothing | reverse | list }}|{{ nothing | unique | list }}|{{ nothing | slice(2) | list }}|{{ nothing | batch(2) | list }}|{{ nothing | wordcount }}|{{ nothing | escape }}|{{ nothing | format }}|{{ nothing | center(4) }}]", None),
    ("undefined_through_tests", "{{ nothing is lower }}{{ nothing is eq 1 }}{{ nothing is in [1] }}{{ nothing is sameas nothing }}{{ nothing is none }}{{ nothing is string }}", None),
    ("error_undefined_abs", "{{ nothing | abs }}", None),
    ("error_undefined_round", "{{ nothing | round }}", None),
    ("error_undefined_int", "{{ nothing | int }}", None),
    ("error_undefined_dictsort", "{{ nothing | dictsort }}", None),
    ("error_undefined_odd", "{{ nothing is odd }}", None),

    # ---- idioms of real chat templates ----------------------------------------------------------------------
    ("idiom_last_message", "{{ (messages | last).role }} {{ messages[-1]['content'][:5] }} {{ (messages | selectattr('role', 'equalto', 'user') | first).content }}", None),
    ("idiom_found_flag", "{%- set ns = namespace(found=false) -%}{%- for m in messages -%}{%- if m.role == 'system' -%}{%- set ns.found = true -%}{%- endif -%}{%- endfor -%}{{ ns.found }}", None),
    ("idiom_join_lines", "{{ '\n'.join(messages | map(attribute='role')) }}", None),
    ("idiom_tools_length", "{% if tools is not none and tools | length > 0 %}{{ tools | length }} tools{% else %}none{% endif %}|{% if tools %}t{% endif %}", {"tools": [{"name": "a"}, {"name": "b"}]}),
    ("idiom_content_parts", "{% for m in messages %}{% if m.content is string %}{{ m.content }}{% else %}{% for part in m.content %}{% if part.type == 'text' %}{{ part.text }}{% elif part.type == 'image' %}<img>{% endif %}{% endfor %}{% endif %};{% endfor %}", {"messages": [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "what?"}]}, {"role": "assistant", "content": "a cat"}]}),
    ("idiom_tojson_of_tuple_and_nested_unicode", "{{ {'k\u00e9y': ('a', 1, [true, none])} | tojson }} {{ {'b': {'d': 1, 'c': 2}, 'a': 0} | tojson(sort_keys=true, indent=1) }}", None),
    ("idiom_string_of_dict", "{{ {'content': 'caf\u00e9', 'n': [1.5, none]} | string }}", None),
    ("idiom_arguments_mapping_or_string", "{% for c in calls %}{% if c.arguments is mapping %}{{ c.arguments | tojson }}{% else %}{{ c.arguments }}{% endif %}|{% endfor %}", {"calls": [{"arguments": {"x": 1}}, {"arguments": "{\"y\": 2}"}]}),
    ("idiom_macro_in_loop_sees_loop", "{% for m in messages %}{% macro tag() %}{{ loop.index }}:{{ m.role }}{% endmacro %}{{ tag() }} {% endfor %}", None),
    ("idiom_macro_outside_loop_no_loop", "{% macro tag() %}[{{ loop }}]{% endmacro %}{% for i in range(2) %}{{ tag() }}{% endfor %}", None),
    ("idiom_caller_sees_loop_variable", "{% macro twice() %}{{ caller() }}{{ caller() }}{% endmacro %}{% for i in range(2) %}{% call twice() %}{{ i }}{% endcall %}{% endfor %}", None),
    ("idiom_nested_namespace_list", "{% set ns = namespace(parts=[]) %}{% for m in messages %}{% set ns.parts = ns.parts + [m.role[:1] | upper] %}{% endfor %}{{ ns.parts | join }}", None),
    ("idiom_dict_literal_duplicates", "{{ {'a': 1, 'b': 2, 'a': 3} }}", None),
    ("idiom_numeric_keys", "{% set d = {1: 'one', 2.0: 'two'} %}{{ d[1.0] }}{{ d[2] }}{{ d[true] }}", None),
    ("idiom_strip_chain", "{{ '  <think>\nx\n</think>\n\n answer  '.split('</think>')[-1].strip() }}|{{ ('a' ~ '\n\n').rstrip() }}|", None),
    ("idiom_ternary_in_concat", "{{ 'A' + ('B' if true else 'C') + 'D' }}{{ 'x' ~ (none if false) ~ 'y' }}", None),
    ("idiom_loop_index_parity", "{% for m in messages %}{% if (m.role == 'user') != (loop.index0 % 2 == 1) %}!{% else %}.{% endif %}{% endfor %}", None),
    ("idiom_date_string_default", "{% if not date_string is defined %}{% set date_string = '26 Jul 2024' %}{% endif %}{{ date_string }}", None),
    ("idiom_inline_if_without_else_in_output", "[{{ 'tools' if tools }}]", {"tools": None}),
    ("idiom_whitespace_heavy", "{%- for m in messages %}\n    {%- if m.role == 'user' %}\n        {{- '<u>' + m.content }}\n    {%- else %}\n        {{- '<o>' }}\n    {%- endif %}\n{%- endfor %}\n", None),
    ("idiom_lstrip_keeps_text_lines", "{% for m in messages %}\n  line {{ loop.index }}\n  {% if loop.last %}last{% endif %}\n{% endfor %}", None),

    # ---- runtime errors ----------------------------------------------------------------------------------------------------------------
    ("error_undefined_attribute", "line1\n{{ nothing.attr }}", None),
    ("error_undefined_arith", "{{ nothing + 1 }}", None),
    ("error_attribute_of_missing_attribute", "{{ messages[0].nope.deeper }}", None),
    ("error_call_undefined", "{{ nothing() }}", None),
    ("error_call_non_callable", "{{ 'abc'() }}", None),
    ("error_type_add", "{{ 'a' + 1 }}", None),
    ("error_type_compare", "{{ 'a' < 1 }}", None),
    ("error_security_append", "{% set l = [] %}{{ l.append(1) }}", None),
    ("error_security_dict_update", "{{ messages[0].update({'a': 1}) }}", None),
    ("error_division_by_zero", "{{ 1 / 0 }}", None),
    ("error_unknown_filter_runtime_in_if", "{% if true %}{{ 'a' | nope }}{% endif %}", None),
    ("unknown_filter_in_untaken_branch", "{% if false %}{{ 'a' | nope }}{% endif %}ok", None),
    ("error_unknown_test_runtime", "{{ 1 if (1 is nope) else 2 }}", None),
    ("error_not_iterable", "{% for x in 5 %}{% endfor %}", None),
    ("error_unpack", "{% for a, b in [[1, 2, 3]] %}{% endfor %}", None),
    ("error_namespace_assign", "{% set x = 1 %}{% set x.y = 2 %}", None),
    ("error_macro_kwargs", "{% macro m(a) %}{% endmacro %}{{ m(b=1) }}", None),
    ("error_macro_too_many", "{% macro m(a) %}{% endmacro %}{{ m(1, 2) }}", None),
    ("error_range_too_big", "{% for i in range(1000000) %}{% endfor %}", None),
    ("error_tojson_undefined", "{{ nothing | tojson }}", None),
    ("error_slice_step_zero", "{{ 'abc'[::0] }}", None),
    ("error_items_not_mapping", "{{ [1] | items | list }}", None),
    ("error_str_in_int", "{{ 1 in 'abc' }}", None),
    ("error_not_enough_format_args", "{{ '%s %s' % 'a' }}", None),
    ("error_loop_without_recursive", "{% for x in [1] %}{{ loop([1]) }}{% endfor %}", None),

    # ---- syntax errors --------------------------------------------------------------------------------------------------------------
    ("syntax_unclosed_for", "{% for x in y %}\nbody", None),
    ("syntax_unknown_tag", "a\n{% frobnicate %}", None),
    ("syntax_nesting_mistake", "{% for x in y %}{% endif %}", None),
    ("syntax_unexpected_token", "{{ 1 + }}", None),
    ("syntax_missing_variable_end", "{{ x ", None),
    ("syntax_unknown_filter", "a\n\n{{ x | nope }}", None),
    ("syntax_unknown_test", "{{ x is nope }}", None),
    ("syntax_break_outside_loop", "{% break %}", None),
    ("syntax_unbalanced_brackets", "{{ (1 + 2] }}", None),
    ("syntax_bad_char", "{{ 1 ! 2 }}", None),
    ("syntax_assign_to_literal", "{% set 1 = 2 %}", None),
    ("syntax_unclosed_comment", "{# never closed", None),
    ("syntax_unclosed_string", "{{ 'abc }}", None),
    ("syntax_bad_escape", "{{ '\\x4' }}", None),
    ("syntax_chained_tests", "{{ 1 is odd is even }}", None),
    ("syntax_else_without_if", "{% else %}", None),
    ("syntax_endfor_extra", "{% endfor %}", None),
    ("syntax_macro_default_order", "{% macro m(a=1, b) %}{% endmacro %}", None),
    ("syntax_call_block_not_call", "{% call foo %}{% endcall %}", None),
]


def template_line(error):
    """The template line a runtime error happened on (jinja2 puts template frames in the traceback)."""
    tb, line = error.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def main():
    results = []
    default_variables = {"messages": CONVERSATION, "users": USERS}
    for name, source, variables in CASES:
        case = {"name": name, "template": source}
        if variables is None:
            variables = default_variables
        else:
            case["variables"] = variables
        try:
            text, spans = render(source, variables)
            case["text"] = text
            if spans or "generation" in source:
                case["spans"] = spans
        except jinja2.exceptions.TemplateSyntaxError as e:
            case["syntax_error"] = e.message
            case["line"] = e.lineno
        except jinja2.exceptions.TemplateError as e:
            if type(e) is jinja2.exceptions.TemplateError:
                case["raised"] = str(e)
            else:
                case["error"] = str(e)
                case["error_type"] = type(e).__name__
                case["line"] = template_line(e)
        except Exception as e:  # Python errors surfacing through the template: TypeError, ValueError, ...
            case["error"] = str(e)
            case["error_type"] = type(e).__name__
            case["line"] = template_line(e)
        results.append(case)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump({"generator": "tests/reference/jinja_feature_reference.py", "jinja2": jinja2.__version__,
                   "default_variables": default_variables, "cases": results}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"wrote {len(results)} cases to {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
