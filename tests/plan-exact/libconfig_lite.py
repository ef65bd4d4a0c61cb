"""A reader of the part of libconfig's syntax that campaign files use, so
that check.py reads a campaign itself rather than through appui: settings
`name = value;` (or `:`, `,` or no terminator), groups `{ }`, arrays `[ ]`,
lists `( )`, strings (adjacent strings are joined), integers (decimal or
hex, with an optional L), floats, booleans, and `#`, `//` and `/* */`
comments. `@include` is refused. Floats are returned as exact
fractions.Fraction values of their decimal text, so money sums are exact.
"""
import fractions
import re

_TOKEN = re.compile(r'''
    (?P<space>\s+)
  | (?P<comment>\#[^\n]*|//[^\n]*|/\*.*?\*/)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<float>[-+]?(?:\d+\.\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?\d+[eE][-+]?\d+)
  | (?P<hex>0[xX][0-9A-Fa-f]+L{0,2})
  | (?P<int>[-+]?\d+L{0,2})
  | (?P<bool>(?i:true|false)\b)
  | (?P<name>[A-Za-z*][-A-Za-z0-9_*]*)
  | (?P<punct>[=:;,{}\[\]()])
  | (?P<include>@include)
''', re.S | re.X)

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "\\": "\\", '"': '"'}


class ConfigError(Exception):
    pass


def _unquote(text):
    out, i = [], 1
    while i < len(text) - 1:
        ch = text[i]
        if ch == "\\":
            nxt = text[i + 1]
            if nxt == "x":
                out.append(chr(int(text[i + 2:i + 4], 16)))
                i += 4
                continue
            out.append(_ESCAPES.get(nxt, nxt))
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _tokens(text):
    pos, line = 0, 1
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise ConfigError("line %d: cannot read %r" % (line, text[pos:pos + 20]))
        kind, value = m.lastgroup, m.group()
        if kind == "include":
            raise ConfigError("line %d: @include is not supported" % line)
        if kind not in ("space", "comment"):
            yield kind, value, line
        line += value.count("\n")
        pos = m.end()
    yield "end", "", line


class _Parser:
    def __init__(self, text):
        self.toks = list(_tokens(text))
        self.i = 0

    def peek(self):
        return self.toks[self.i]

    def take(self, want=None):
        tok = self.toks[self.i]
        if want is not None and tok[1] != want:
            raise ConfigError("line %d: expected %r, got %r" % (tok[2], want, tok[1]))
        self.i += 1
        return tok

    def settings(self, closing):
        group = {}
        while self.peek()[1] != closing and self.peek()[0] != "end":
            kind, name, line = self.take()
            if kind != "name":
                raise ConfigError("line %d: expected a setting name, got %r" % (line, name))
            if self.peek()[1] not in ("=", ":"):
                raise ConfigError("line %d: expected = after %s" % (line, name))
            self.take()
            if name in group:
                raise ConfigError("line %d: %s set twice" % (line, name))
            group[name] = self.value()
            if self.peek()[1] in (";", ","):
                self.take()
        return group

    def value(self):
        kind, text, line = self.take()
        if text == "{":
            v = self.settings("}")
            self.take("}")
            return v
        if text in ("[", "("):
            closing = "]" if text == "[" else ")"
            items = []
            while self.peek()[1] != closing:
                items.append(self.value())
                if self.peek()[1] == ",":
                    self.take()
                elif self.peek()[1] != closing:
                    raise ConfigError("line %d: expected , or %s" % (self.peek()[2], closing))
            self.take(closing)
            return items
        if kind == "string":
            s = _unquote(text)
            while self.peek()[0] == "string":
                s += _unquote(self.take()[1])
            return s
        if kind == "float":
            return fractions.Fraction(text)
        if kind == "hex":
            return int(text.rstrip("L"), 16)
        if kind == "int":
            return int(text.rstrip("L"))
        if kind == "bool":
            return text.lower() == "true"
        raise ConfigError("line %d: unexpected %r" % (line, text))


def parse(text):
    """The settings of a libconfig document, as nested dicts and lists."""
    p = _Parser(text)
    root = p.settings(None)
    if p.peek()[0] != "end":
        raise ConfigError("line %d: unexpected %r" % (p.peek()[2], p.peek()[1]))
    return root
