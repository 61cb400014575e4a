#!/usr/bin/env python3
# decodetree.py: turns guest pattern files (*.decode, format described in
# docs/decode-format.md) into a C decoder fragment that a front end includes
# after declaring DisasContext.  Python 3 standard library only.
#
# Guarantees: the output depends only on the input text and the options
# (same input, same bytes); on any error it prints "file:line: message",
# exits non-zero and leaves no output file (the output is written to a
# temporary file and renamed into place only when everything succeeded).
#
# Outline: read logical lines -> parse definitions and the group tree ->
# resolve formats and patterns (bits, members, argument sets) -> check that
# patterns outside {} groups do not overlap -> build a decision tree that
# switches on the bits fixed in every candidate, and emit C.

import argparse
import binascii
import os
import re
import sys
import tempfile

IDENT_RE = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*$')
BITS_RE = re.compile(r'^[01.\-]+$')
INLINE_RE = re.compile(r'^([A-Za-z_][A-Za-z0-9_]*):(s?)([0-9]+)$')
SEGMENT_RE = re.compile(r'^([0-9]+):(s?)([0-9]+)$')
ASSIGN_RE = re.compile(r'^([A-Za-z_][A-Za-z0-9_]*)=(.*)$')
CONST_RE = re.compile(r'^-?(0[xX][0-9a-fA-F]+|0[bB][01]+|[0-9]+)$')
FUNCTION_RE = re.compile(r'^!function=(.*)$')

C_KEYWORDS = frozenset('''
    auto break case char const continue default do double else enum extern
    float for goto if inline int long register restrict return short signed
    sizeof static struct switch typedef union unsigned void volatile while
    _Bool _Complex _Imaginary _Alignas _Alignof _Atomic _Generic _Noreturn
    _Static_assert _Thread_local
'''.split())


class DecodeError(Exception):
    """An error in the input, reported as 'file:line: message'."""

    def __init__(self, loc, msg):
        super().__init__(msg)
        self.loc = loc
        self.msg = msg

    def __str__(self):
        if self.loc is None:
            return self.msg
        return '%s: %s' % (self.loc, self.msg)


class Loc:
    """A position in the input: file name as given and 1-based line."""

    def __init__(self, path, line):
        self.path = path
        self.line = line

    def __str__(self):
        return '%s:%d' % (self.path, self.line)

    def short(self):
        """Location without directories, for comments in the output (so
        that the output does not depend on where the build runs)."""
        return '%s:%d' % (os.path.basename(self.path), self.line)


class Field:
    """%name: segments (pos, len) most significant first."""

    def __init__(self, name, loc, segments, signed, func):
        self.name = name
        self.loc = loc
        self.segments = segments
        self.signed = signed
        self.func = func

    def length(self):
        return sum(n for _, n in self.segments)


class ArgSet:
    """&name: an ordered list of members; implicit sets are those made for
    a format or a pattern without an explicit set."""

    def __init__(self, name, loc, members, origin):
        self.name = name
        self.loc = loc
        self.members = members
        self.origin = origin  # None for '&name' lines, else a description


class Assign:
    """One member assignment: kind is 'inline' (value = (pos, len,
    signed)), 'field' (value = Field) or 'const' (value = int)."""

    def __init__(self, member, kind, value, loc):
        self.member = member
        self.kind = kind
        self.value = value
        self.loc = loc


class Format:
    def __init__(self, name, loc, tokens):
        self.name = name
        self.loc = loc
        self.tokens = tokens
        self.used = False
        # Filled by resolve_format():
        self.cells = None     # per bit (index = bit number): '0' '1' '.' '-'
                              # or ('field', name)
        self.argset = None
        self.assigns = None


class Pattern:
    def __init__(self, name, loc, tokens):
        self.name = name
        self.loc = loc
        self.tokens = tokens
        # Filled by resolve_pattern():
        self.fmt = None
        self.mask = 0
        self.value = 0
        self.argset = None
        self.own_assigns = None   # assignments made by the pattern itself


class Group:
    """'{' (overlap, ordered) or '[' (no overlap) or 'top' (the implicit
    outermost no-overlap group)."""

    def __init__(self, kind, loc):
        self.kind = kind
        self.loc = loc
        self.members = []
        self.mask = 0
        self.value = 0


CLOSERS = {'{': '}', '[': ']'}


class Decoder:
    def __init__(self, width, name):
        self.width = width
        self.name = name
        self.fields = {}
        self.argsets = {}
        self.argset_order = []
        self.formats = {}
        self.format_order = []
        self.patterns = {}
        self.pattern_order = []
        self.top = Group('top', None)

    # ------------------------------------------------------------------
    # Reading

    def read_file(self, path):
        try:
            with open(path, 'r', encoding='utf-8') as f:
                text = f.read()
        except (OSError, UnicodeDecodeError) as e:
            raise DecodeError(None, 'decodetree.py: cannot read %s: %s'
                              % (path, e))
        stack = [self.top]
        pending = ''
        start = None
        lines = text.split('\n')
        if lines and lines[-1] == '':
            lines.pop()
        for number, raw in enumerate(lines, 1):
            body = raw.split('#', 1)[0].rstrip()
            if start is None:
                start = number
            if body.endswith('\\'):
                pending += body[:-1] + ' '
                continue
            pending += body
            self.parse_line(pending, Loc(path, start), stack)
            pending = ''
            start = None
        if start is not None:
            self.parse_line(pending, Loc(path, start), stack)
        if len(stack) > 1:
            g = stack[-1]
            raise DecodeError(g.loc, "unterminated group: '%s' is never "
                              "closed by '%s'" % (g.kind, CLOSERS[g.kind]))

    def parse_line(self, text, loc, stack):
        toks = text.split()
        if not toks:
            return
        first = toks[0]
        if first in ('{', '[', '}', ']'):
            if len(toks) != 1:
                raise DecodeError(loc, "'%s' must be alone on its line"
                                  % first)
            if first in CLOSERS:
                g = Group(first, loc)
                stack[-1].members.append(g)
                stack.append(g)
                return
            if len(stack) == 1:
                raise DecodeError(loc, "'%s' without an open group" % first)
            g = stack[-1]
            if CLOSERS[g.kind] != first:
                raise DecodeError(loc, "'%s' closes the '%s' group opened at "
                                  "%s" % (first, g.kind, g.loc))
            stack.pop()
            return
        c = first[0]
        if c == '%':
            self.parse_field(first[1:], toks[1:], loc)
        elif c == '&':
            self.parse_argset(first[1:], toks[1:], loc)
        elif c == '@':
            name = self.check_name(first[1:], 'format', loc)
            if name in self.formats:
                raise DecodeError(loc, "format '@%s' redefined (first "
                                  "defined at %s)"
                                  % (name, self.formats[name].loc))
            fmt = Format(name, loc, toks[1:])
            self.formats[name] = fmt
            self.format_order.append(fmt)
        else:
            name = self.check_name(first, 'pattern', loc)
            if name in self.patterns:
                raise DecodeError(loc, "pattern '%s' redefined (first "
                                  "defined at %s)"
                                  % (name, self.patterns[name].loc))
            pat = Pattern(name, loc, toks[1:])
            self.patterns[name] = pat
            self.pattern_order.append(pat)
            stack[-1].members.append(pat)

    @staticmethod
    def check_name(name, what, loc):
        if not IDENT_RE.match(name):
            raise DecodeError(loc, "invalid %s name '%s'" % (what, name))
        return name

    def parse_field(self, name, toks, loc):
        self.check_name(name, 'field', loc)
        if name in self.fields:
            raise DecodeError(loc, "field '%%%s' redefined (first defined "
                              "at %s)" % (name, self.fields[name].loc))
        segments = []
        signed = False
        func = None
        for t in toks:
            m = FUNCTION_RE.match(t)
            if m:
                if func is not None:
                    raise DecodeError(loc, "field '%%%s' has two !function"
                                      % name)
                func = self.check_name(m.group(1), 'function', loc)
                continue
            m = SEGMENT_RE.match(t)
            if not m:
                raise DecodeError(loc, "field '%%%s': bad segment '%s' "
                                  "(expected pos:len or pos:slen)"
                                  % (name, t))
            if func is not None:
                raise DecodeError(loc, "field '%%%s': segment '%s' after "
                                  "!function" % (name, t))
            pos, length = int(m.group(1)), int(m.group(3))
            if length == 0:
                raise DecodeError(loc, "field '%%%s': segment '%s' is empty"
                                  % (name, t))
            if pos + length > self.width:
                raise DecodeError(loc, "field '%%%s': segment '%s' lies "
                                  "outside the %d-bit instruction"
                                  % (name, t, self.width))
            if m.group(2):
                signed = True
            segments.append((pos, length))
        if not segments:
            raise DecodeError(loc, "field '%%%s' has no segment" % name)
        field = Field(name, loc, segments, signed, func)
        if field.length() > 32:
            raise DecodeError(loc, "field '%%%s' is %d bits long, more than "
                              "32" % (name, field.length()))
        self.fields[name] = field

    def parse_argset(self, name, toks, loc):
        self.check_name(name, 'argument set', loc)
        members = []
        for t in toks:
            self.check_member(t, loc)
            if t in members:
                raise DecodeError(loc, "argument set '&%s' lists member "
                                  "'%s' twice" % (name, t))
            members.append(t)
        self.add_argset(ArgSet(name, loc, members, None))

    def add_argset(self, aset):
        old = self.argsets.get(aset.name)
        if old is not None:
            what = "argument set '&%s'" % aset.name
            if aset.origin:
                what = "argument set '%s' (implicit, of %s)" % (aset.name,
                                                              aset.origin)
            hint = ''
            if aset.origin and aset.origin.startswith('format'):
                hint = "; give the format '&%s' to use it" % aset.name
            raise DecodeError(aset.loc, "%s redefined (first defined at "
                              "%s)%s" % (what, old.loc, hint))
        self.argsets[aset.name] = aset
        self.argset_order.append(aset)

    @staticmethod
    def check_member(name, loc):
        if not IDENT_RE.match(name):
            raise DecodeError(loc, "invalid member name '%s'" % name)
        if name in C_KEYWORDS:
            raise DecodeError(loc, "member name '%s' is a C keyword" % name)

    # ------------------------------------------------------------------
    # Resolving formats and patterns

    def parse_bits(self, what, toks, loc, allow_fmt, allow_set):
        """Splits a format or pattern line into its bit cells (indexed by
        bit number), its assignments in order, and its @format/&set."""
        seq = []          # ('bit', char) or ('inline', name, len, signed)
        assigns = []
        fmt = None
        aset = None
        for t in toks:
            if BITS_RE.match(t):
                seq.extend(('bit', ch) for ch in t)
                continue
            m = INLINE_RE.match(t)
            if m:
                length = int(m.group(3))
                if length == 0:
                    raise DecodeError(loc, "%s: inline field '%s' is empty"
                                      % (what, t))
                self.check_member(m.group(1), loc)
                seq.append(('inline', m.group(1), length, bool(m.group(2))))
                continue
            if t.startswith('@'):
                if not allow_fmt:
                    raise DecodeError(loc, "%s: unexpected '%s' (a format "
                                      "cannot use another format)"
                                      % (what, t))
                if fmt is not None:
                    raise DecodeError(loc, "%s: more than one format"
                                      % what)
                fmt = t[1:]
                continue
            if t.startswith('&'):
                if not allow_set:
                    raise DecodeError(loc, "%s: unexpected '%s' (a pattern "
                                      "takes its argument set from its "
                                      "format)" % (what, t))
                if aset is not None:
                    raise DecodeError(loc, "%s: more than one argument set"
                                      % what)
                aset = t[1:]
                continue
            m = ASSIGN_RE.match(t)
            if m:
                member, val = m.group(1), m.group(2)
                self.check_member(member, loc)
                if val.startswith('%'):
                    field = self.fields.get(val[1:])
                    if field is None:
                        raise DecodeError(loc, "%s: unknown field '%s'"
                                          % (what, val))
                    assigns.append(Assign(member, 'field', field, loc))
                elif CONST_RE.match(val):
                    assigns.append(Assign(member, 'const', int(val, 0), loc))
                else:
                    raise DecodeError(loc, "%s: bad value '%s' for member "
                                      "'%s' (expected %%field or an "
                                      "integer)" % (what, val, member))
                continue
            raise DecodeError(loc, "%s: unexpected '%s'" % (what, t))

        total = sum(1 if s[0] == 'bit' else s[2] for s in seq)
        if total != self.width:
            raise DecodeError(loc, "%s has %d bits, expected %d"
                              % (what, total, self.width))
        cells = [None] * self.width
        inline = []
        pos = self.width
        for s in seq:
            if s[0] == 'bit':
                pos -= 1
                cells[pos] = s[1]
            else:
                _, name, length, signed = s
                pos -= length
                for b in range(pos, pos + length):
                    cells[b] = ('field', name)
                inline.append(Assign(name, 'inline', (pos, length, signed),
                                     loc))
        return cells, inline + assigns, fmt, aset

    def check_unique(self, what, assigns):
        seen = set()
        for a in assigns:
            if a.member in seen:
                raise DecodeError(a.loc, "%s: member '%s' assigned twice"
                                  % (what, a.member))
            seen.add(a.member)

    def check_in_set(self, what, aset, assigns):
        for a in assigns:
            if a.member not in aset.members:
                raise DecodeError(a.loc, "%s: argument set '&%s' has no "
                                  "member '%s'" % (what, aset.name,
                                                   a.member))

    def resolve_format(self, fmt):
        what = "format '@%s'" % fmt.name
        cells, assigns, _, aset = self.parse_bits(what, fmt.tokens, fmt.loc,
                                                  False, True)
        self.check_unique(what, assigns)
        if aset is not None:
            if aset not in self.argsets:
                raise DecodeError(fmt.loc, "%s: unknown argument set '&%s'"
                                  % (what, aset))
            fmt.argset = self.argsets[aset]
            self.check_in_set(what, fmt.argset, assigns)
        else:
            fmt.argset = ArgSet(fmt.name, fmt.loc,
                                [a.member for a in assigns], what)
            self.add_argset(fmt.argset)
        fmt.cells = cells
        fmt.assigns = assigns

    def resolve_pattern(self, pat):
        what = "pattern '%s'" % pat.name
        cells, own, fmt_name, _ = self.parse_bits(what, pat.tokens, pat.loc,
                                                  True, False)
        self.check_unique(what, own)
        fmt = None
        inherited = []
        if fmt_name is not None:
            fmt = self.formats.get(fmt_name)
            if fmt is None:
                raise DecodeError(pat.loc, "%s: unknown format '@%s'"
                                  % (what, fmt_name))
            fmt.used = True
            inherited = fmt.assigns
            for a in own:
                for b in inherited:
                    if a.member == b.member:
                        raise DecodeError(pat.loc, "%s: member '%s' "
                                          "assigned twice (also by format "
                                          "'@%s')" % (what, a.member,
                                                      fmt.name))
            cells = self.merge_cells(what, pat.loc, cells, fmt)
        mask = value = 0
        for b, c in enumerate(cells):
            if c == '0' or c == '1':
                mask |= 1 << b
                if c == '1':
                    value |= 1 << b
        if fmt is not None:
            aset = fmt.argset
            self.check_in_set(what, aset, own)
        else:
            aset = ArgSet(pat.name, pat.loc, [a.member for a in own], what)
            self.add_argset(aset)
        assigned = set(a.member for a in inherited + own)
        for m in aset.members:
            if m not in assigned:
                raise DecodeError(pat.loc, "%s: member '%s' of argument set "
                                  "'&%s' is never assigned"
                                  % (what, m, aset.name))
        pat.fmt = fmt
        pat.mask = mask
        pat.value = value
        pat.argset = aset
        pat.own_assigns = own

    def merge_cells(self, what, loc, pcells, fmt):
        """Combines a pattern's bits with its format's bits."""
        out = [None] * self.width
        for b in range(self.width - 1, -1, -1):
            p, f = pcells[b], fmt.cells[b]
            pfix = p in ('0', '1')
            ffix = f in ('0', '1')
            pfield = isinstance(p, tuple)
            ffield = isinstance(f, tuple)
            if pfield and ffield:
                raise DecodeError(loc, "%s: inline field '%s' overlaps "
                                  "inline field '%s' of format '@%s' at bit "
                                  "%d" % (what, p[1], f[1], fmt.name, b))
            if pfield and ffix:
                raise DecodeError(loc, "%s: inline field '%s' overlaps "
                                  "bit %d, fixed by format '@%s'"
                                  % (what, p[1], b, fmt.name))
            if ffield and pfix:
                raise DecodeError(loc, "%s: inline field '%s' of format "
                                  "'@%s' overlaps bit %d, fixed by the "
                                  "pattern" % (what, f[1], fmt.name, b))
            if pfix and ffix and p != f:
                raise DecodeError(loc, "%s: bit %d is %s but format '@%s' "
                                  "fixes it to %s"
                                  % (what, b, p, fmt.name, f))
            if pfix or pfield:
                out[b] = p
            elif ffix or ffield:
                out[b] = f
            else:
                out[b] = p if p == '-' else f
        return out

    def resolve(self):
        for fmt in self.format_order:
            self.resolve_format(fmt)
        for pat in self.pattern_order:
            self.resolve_pattern(pat)
        self.compute_guards(self.top)
        self.check_overlaps(self.top)

    # ------------------------------------------------------------------
    # Groups: guards and overlap checks

    def compute_guards(self, group):
        """A group's guard: the bits fixed, to the same value, in every
        pattern under it.  No instruction outside the guard can match."""
        mask = (1 << self.width) - 1
        value = None
        for m in group.members:
            if isinstance(m, Group):
                self.compute_guards(m)
            if value is None:
                value = m.value
            mask &= m.mask & ~(m.value ^ value)
        if value is None:
            mask = value = 0
        group.mask = mask
        group.value = value & mask

    def leaves(self, item):
        if isinstance(item, Pattern):
            yield item
        else:
            for m in item.members:
                yield from self.leaves(m)

    def check_overlaps(self, group):
        if group.kind != '{':
            members = group.members
            for j in range(len(members)):
                for i in range(j):
                    for q in self.leaves(members[j]):
                        for p in self.leaves(members[i]):
                            if (p.value ^ q.value) & p.mask & q.mask == 0:
                                raise DecodeError(
                                    q.loc, "pattern '%s' overlaps pattern "
                                    "'%s' (%s); only members of a {} group "
                                    "may overlap" % (q.name, p.name, p.loc))
        for m in group.members:
            if isinstance(m, Group):
                self.check_overlaps(m)

    # ------------------------------------------------------------------
    # Code generation

    def hex(self, v):
        return '0x%0*x' % (self.width // 4, v)

    def generate(self, inputs):
        used = set()
        for pat in self.pattern_order:
            for a in (pat.fmt.assigns if pat.fmt else []) + pat.own_assigns:
                if a.kind == 'field':
                    used.add(a.value.name)
        self.used_fields = [f for f in self.fields.values() if f.name in used]
        out = []
        w = out.append
        w('/*')
        w(' * %s: %d-bit instruction decoder generated by '
          'tools/decodetree.py' % (self.name, self.width))
        w(' * from %s; do not edit.'
          % ', '.join(os.path.basename(p) for p in inputs))
        w(' * Include it after declaring DisasContext; the front end defines '
          'the')
        w(' * trans_ and !function functions declared here.')
        w(' */')
        w('#include <stdbool.h>')
        w('#include <stdint.h>')
        w('')
        w('#ifndef DECODETREE_HELPERS')
        w('#define DECODETREE_HELPERS')
        w('/* Bits [pos, pos + len) of v, zero- or sign-extended. */')
        w('static inline uint32_t dt_extract32(uint32_t v, int pos, int len)')
        w('{')
        w('    return (v >> pos) & (0xffffffffu >> (32 - len));')
        w('}')
        w('')
        w('static inline int32_t dt_sextract32(uint32_t v, int pos, int len)')
        w('{')
        w('    return (int32_t)(v << (32 - pos - len)) >> (32 - len);')
        w('}')
        w('#endif')
        for aset in self.argset_order:
            w('')
            self.emit_argset(w, aset)
        w('')
        for pat in self.pattern_order:
            w('static bool trans_%s(DisasContext *ctx, arg_%s *a);'
              % (pat.name, pat.argset.name))
        funcs = []
        for f in self.used_fields:
            if f.func and f.func not in funcs:
                funcs.append(f.func)
        if funcs:
            w('')
            for fn in funcs:
                w('static int %s(DisasContext *ctx, int x);' % fn)
        for f in self.used_fields:
            w('')
            self.emit_field(w, f)
        for fmt in self.format_order:
            if fmt.used and fmt.assigns:
                w('')
                self.emit_extract(w, fmt)
        w('')
        w('static bool %s(DisasContext *ctx, uint%d_t insn)'
          % (self.name, self.width))
        w('{')
        body = []
        self.emit_items(body, self.flatten(self.top), 0, 1, True)
        if not body:
            w('    (void)ctx;')
            w('    (void)insn;')
        out.extend(body)
        w('    return false;')
        w('}')
        return '\n'.join(out) + '\n'

    def emit_argset(self, w, aset):
        guard = 'DT_ARG_%s' % aset.name
        sig = binascii.crc32(','.join(aset.members).encode()) & 0xffffffff
        w('/* &%s (%s) */' % (aset.name, aset.loc.short()))
        w('#ifndef %s' % guard)
        w('#define %s 0x%08xu' % (guard, sig))
        w('typedef struct {')
        for m in aset.members:
            w('    int %s;' % m)
        if not aset.members:
            w('    int dt_unused;')
        w('} arg_%s;' % aset.name)
        w('#elif %s != 0x%08xu' % (guard, sig))
        w('#error "arg_%s is defined with different members by two '
          'decoders"' % aset.name)
        w('#endif')

    def field_fn(self, f):
        return '%s_field_%s' % (self.name, f.name)

    def emit_field(self, w, f):
        w('/* %%%s (%s) */' % (f.name, f.loc.short()))
        w('static int %s(DisasContext *ctx, uint32_t insn)' % self.field_fn(f))
        w('{')
        if len(f.segments) == 1:
            pos, length = f.segments[0]
            expr = '%s(insn, %d, %d)' % ('dt_sextract32' if f.signed
                                         else 'dt_extract32', pos, length)
        else:
            parts = []
            shift = f.length()
            for pos, length in f.segments:
                shift -= length
                e = 'dt_extract32(insn, %d, %d)' % (pos, length)
                if shift:
                    e = '(%s << %d)' % (e, shift)
                parts.append(e)
            w('    uint32_t v = %s;' % '\n        | '.join(parts))
            expr = ('dt_sextract32(v, 0, %d)' % f.length() if f.signed
                    else 'v')
        if f.func:
            w('    return %s(ctx, %s);' % (f.func, expr))
        else:
            w('    (void)ctx;')
            w('    return %s;' % expr)
        w('}')

    def assign_expr(self, a):
        if a.kind == 'const':
            return str(a.value)
        if a.kind == 'field':
            return '%s(ctx, insn)' % self.field_fn(a.value)
        pos, length, signed = a.value
        return '%s(insn, %d, %d)' % ('dt_sextract32' if signed
                                     else 'dt_extract32', pos, length)

    def emit_extract(self, w, fmt):
        w('/* @%s (%s) */' % (fmt.name, fmt.loc.short()))
        w('static void %s_extract_%s(DisasContext *ctx, arg_%s *a,'
          % (self.name, fmt.name, fmt.argset.name))
        w('    uint32_t insn)')
        w('{')
        if not any(a.kind == 'field' for a in fmt.assigns):
            w('    (void)ctx;')
        for a in fmt.assigns:
            w('    a->%s = %s;' % (a.member, self.assign_expr(a)))
        w('}')

    def flatten(self, group):
        """The items decoded together in a no-overlap context: patterns
        and {} groups; [] groups are only notation and dissolve."""
        items = []
        for m in group.members:
            if isinstance(m, Pattern):
                items.append(m)
            elif m.kind == '[':
                items.extend(self.flatten(m))
            elif m.members:
                items.append(m)
        return items

    def emit_items(self, out, items, known, depth, top):
        """Emits code matching items (no two of which match the same
        instruction) given the bits in known already tested.  With top
        set (outside any {} group), a matched pattern returns its trans_
        result; otherwise only a true result returns."""
        if not items:
            return
        if len(items) == 1:
            self.emit_item(out, items[0], known, depth, top)
            return
        ind = '    ' * depth
        common = ~known & ((1 << self.width) - 1)
        for it in items:
            common &= it.mask
        if common:
            parts = {}
            for it in items:
                parts.setdefault(it.value & common, []).append(it)
            keys = sorted(parts)
            if len(keys) == 1:
                out.append('%sif ((insn & %s) == %s) {'
                           % (ind, self.hex(common), self.hex(keys[0])))
                self.emit_items(out, parts[keys[0]], known | common,
                                depth + 1, top)
                out.append('%s}' % ind)
                return
            out.append('%sswitch (insn & %s) {' % (ind, self.hex(common)))
            for k in keys:
                out.append('%scase %s:' % (ind, self.hex(k)))
                self.emit_items(out, parts[k], known | common, depth + 1,
                                top)
                out.append('%s    break;' % ind)
            out.append('%s}' % ind)
            return
        # No bit is fixed in all items: split off those fixing the bit
        # fixed in the most items (at most one item can match, so the two
        # halves can be tried one after the other).
        best = None
        best_count = 0
        for b in range(self.width - 1, -1, -1):
            count = sum(1 for it in items if it.mask & ~known & (1 << b))
            if count > best_count:
                best, best_count = b, count
        if best is None:
            for it in items:
                self.emit_item(out, it, known, depth, top)
            return
        bit = 1 << best
        self.emit_items(out, [it for it in items if it.mask & bit], known,
                        depth, top)
        self.emit_items(out, [it for it in items if not it.mask & bit],
                        known, depth, top)

    def emit_item(self, out, item, known, depth, top):
        ind = '    ' * depth
        rest = item.mask & ~known
        if rest:
            out.append('%sif ((insn & %s) == %s) {'
                       % (ind, self.hex(rest), self.hex(item.value & rest)))
        else:
            out.append('%s{' % ind)
        if isinstance(item, Pattern):
            self.emit_leaf(out, item, depth + 1, top)
        else:
            self.emit_ordered(out, item, known | item.mask, depth + 1)
        out.append('%s}' % ind)

    def emit_ordered(self, out, group, known, depth):
        """A {} group: members tried in order until a trans_ returns
        true."""
        for m in group.members:
            if isinstance(m, Pattern):
                self.emit_item(out, m, known, depth, False)
            elif m.kind == '[':
                self.emit_items(out, self.flatten(m), known, depth, False)
            elif m.members:
                self.emit_item(out, m, known, depth, False)

    def emit_leaf(self, out, pat, depth, top):
        ind = '    ' * depth
        out.append('%s/* %s: %s */' % (ind, pat.name, pat.loc.short()))
        out.append('%sarg_%s a;' % (ind, pat.argset.name))
        if pat.fmt is not None and pat.fmt.assigns:
            out.append('%s%s_extract_%s(ctx, &a, insn);'
                       % (ind, self.name, pat.fmt.name))
        for a in pat.own_assigns:
            out.append('%sa.%s = %s;' % (ind, a.member, self.assign_expr(a)))
        if top:
            out.append('%sreturn trans_%s(ctx, &a);' % (ind, pat.name))
        else:
            out.append('%sif (trans_%s(ctx, &a)) {' % (ind, pat.name))
            out.append('%s    return true;' % ind)
            out.append('%s}' % ind)


def remove_quietly(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def main(argv):
    ap = argparse.ArgumentParser(
        prog='decodetree.py',
        description='Generate a C instruction decoder from pattern files '
                    '(docs/decode-format.md).')
    ap.add_argument('--decode', default='decode', metavar='FUNC',
                    help='name of the decoder function (default: decode)')
    ap.add_argument('--width', type=int, choices=(16, 32), default=32,
                    help='instruction width in bits (default: 32)')
    ap.add_argument('-o', dest='output', metavar='OUT',
                    help='output file (default: standard output)')
    ap.add_argument('inputs', nargs='+', metavar='FILE',
                    help='pattern files, read as one decoder')
    args = ap.parse_args(argv)

    try:
        if not IDENT_RE.match(args.decode):
            raise DecodeError(None, 'decodetree.py: --decode %s is not a C '
                              'identifier' % args.decode)
        if args.output and any(os.path.abspath(args.output)
                               == os.path.abspath(i) for i in args.inputs):
            raise DecodeError(None, 'decodetree.py: the output %s is also an '
                              'input' % args.output)
        dec = Decoder(args.width, args.decode)
        for path in args.inputs:
            dec.read_file(path)
        dec.resolve()
        text = dec.generate(args.inputs)
    except DecodeError as e:
        print(e, file=sys.stderr)
        if args.output:
            remove_quietly(args.output)
        return 1

    if not args.output:
        sys.stdout.write(text)
        return 0
    out_dir = os.path.dirname(os.path.abspath(args.output))
    fd, tmp = tempfile.mkstemp(prefix='.decodetree-', suffix='.tmp',
                               dir=out_dir)
    try:
        with os.fdopen(fd, 'w', encoding='utf-8', newline='\n') as f:
            f.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, args.output)
    except OSError as e:
        remove_quietly(tmp)
        print('decodetree.py: cannot write %s: %s' % (args.output, e),
              file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
