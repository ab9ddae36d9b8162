#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Turn oci-types.desc into ocispec.h and ocispec.c.

usage: generate.py DESCRIPTION OUT.h OUT.c

The description format is explained in README.md. The emitted C calls the
hand-written helpers of ocispec-json.h (ocj_*) for everything that does not
depend on a type: reading one member of a JSON object, writing one member with
yajl_gen, error messages. What is emitted per object type is a struct, its
reader (parse_T), writer (gen_T), free function and the public entry points.
"""

import re
import sys

INT_RANGES = {
    'int8': (-2**7, 2**7 - 1),
    'int16': (-2**15, 2**15 - 1),
    'int32': (-2**31, 2**31 - 1),
    'int64': (-2**63, 2**63 - 1),
    'uint8': (0, 2**8 - 1),
    'uint16': (0, 2**16 - 1),
    'uint32': (0, 2**32 - 1),
    'uint64': (0, 2**64 - 1),
}
SCALARS = ('string', 'bool', 'double', 'json')

# Identifiers a JSON key cannot become: the C keywords.
C_RESERVED = set('''
    auto break case char const continue default do double else enum extern float for goto if
    inline int long register restrict return short signed sizeof static struct switch typedef
    union unsigned void volatile while _Alignas _Alignof _Atomic _Bool _Complex _Generic
    _Imaginary _Noreturn _Static_assert _Thread_local bool true false alignas alignof
    static_assert thread_local
'''.split())

# Macros GCC predefines in gnu modes that would rewrite a member name; the header
# #undefs those it uses (`linux`: code tests __linux__ instead).
GNU_MACROS = ('linux', 'unix', 'i386')

# The regular-expression subset ocj_pattern_match() implements.
PATTERN_SYNTAX = re.compile(r'''\^?(?:(?:[^\\\[\]()|{}^$*+?]|\\.|\[\^?(?:[^\\\]]|\\.)+\])[*+?]?)*\$?$''')


class DescError(Exception):
    pass


class Kind:
    """What a member holds: base is one of string bool double json int uint enum
    object; array and map wrap another Kind."""

    def __init__(self, base, name=None, lo=None, hi=None, item=None):
        self.base = base      # string bool double json int uint enum object array map
        self.name = name      # int8..uint64, the enum name or the object type name
        self.lo, self.hi = lo, hi
        self.item = item      # for array and map

    def __repr__(self):
        if self.base == 'array':
            return '[]%r' % self.item
        if self.base == 'map':
            return 'map:%r' % self.item
        return self.name or self.base


class Field:
    def __init__(self, key, kind, line):
        self.key = key
        self.kind = kind
        self.line = line
        self.required = False
        self.min_items = 0
        self.pattern = None
        self.cname = key + '_' if key in C_RESERVED else key
        if not re.match(r'^[A-Za-z_][A-Za-z0-9_]*$', self.cname):
            self.cname = re.sub(r'[^A-Za-z0-9_]', '_', self.cname)
            if self.cname[0].isdigit():
                self.cname = '_' + self.cname


class Type:
    def __init__(self, name, line):
        self.name = name
        self.line = line
        self.fields = []


class Model:
    def __init__(self):
        self.enums = {}   # name -> [values]
        self.types = {}   # name -> Type, in description order


def parse_kind(text, where):
    if text.startswith('[]'):
        item = parse_kind(text[2:], where)
        if item.base in ('array', 'map'):
            raise DescError('%s: arrays of %s are not supported' % (where, item.base))
        return Kind('array', item=item)
    if text.startswith('map:'):
        item = parse_kind(text[4:], where)
        if item.base not in ('string', 'name'):
            raise DescError('%s: a map holds strings or objects, not %s' % (where, text[4:]))
        return Kind('map', item=item)
    if text in SCALARS:
        return Kind(text)
    if text in INT_RANGES:
        lo, hi = INT_RANGES[text]
        return Kind('uint' if text.startswith('u') else 'int', text, lo, hi)
    # an enum or object type name, resolved once the whole file is read
    if not re.match(r'^[a-z][a-z0-9_]*$', text):
        raise DescError('%s: bad kind %r' % (where, text))
    return Kind('name', text)


def parse_flags(field, words, rest, where):
    """words: the flags before any pattern=, rest: the raw text after it."""
    kind = field.kind
    for word in words:
        if word == 'required':
            field.required = True
        elif word.startswith(('min=', 'max=')):
            if kind.base not in ('int', 'uint'):
                raise DescError('%s: %s on a non-integer member' % (where, word))
            value = int(word[4:])
            lo, hi = INT_RANGES[kind.name]
            if not lo <= value <= hi:
                raise DescError('%s: %s is outside %s' % (where, word, kind.name))
            if word.startswith('min='):
                kind.lo = value
            else:
                kind.hi = value
        elif word.startswith('min-items='):
            if kind.base != 'array':
                raise DescError('%s: min-items on a non-array member' % where)
            field.min_items = int(word[len('min-items='):])
        else:
            raise DescError('%s: unknown flag %r' % (where, word))
    if rest is not None:
        target = kind.item if kind.base == 'array' else kind
        if target.base != 'string':
            raise DescError('%s: pattern on a non-string member' % where)
        if not PATTERN_SYNTAX.match(rest):
            raise DescError('%s: pattern %r uses syntax ocj_pattern_match() lacks' % (where, rest))
        field.pattern = rest


def load(path):
    """Read a description file into a Model; raises DescError naming the line."""
    model = Model()
    current = None
    last_enum = None
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    for number, raw in enumerate(lines, 1):
        where = '%s:%d' % (path, number)
        text = raw.rstrip()
        if not text.strip() or text.lstrip().startswith('#'):
            continue
        words = text.split()
        if not raw[0].isspace():
            current = last_enum = None
            if words[0] == 'enum' and len(words) >= 3:
                if words[1] in model.enums or words[1] in model.types:
                    raise DescError('%s: %s is defined twice' % (where, words[1]))
                model.enums[words[1]] = words[2:]
                last_enum = words[1]
            elif words[0] == 'type' and len(words) == 2:
                if words[1] in model.enums or words[1] in model.types:
                    raise DescError('%s: %s is defined twice' % (where, words[1]))
                current = Type(words[1], number)
                model.types[current.name] = current
            else:
                raise DescError('%s: expected "enum NAME VALUE..." or "type NAME"' % where)
        elif last_enum is not None:
            model.enums[last_enum].extend(words)
        elif current is not None:
            if len(words) < 2:
                raise DescError('%s: expected "KEY KIND [FLAG...]"' % where)
            pattern = None
            if 'pattern=' in text:
                head, pattern = text.split('pattern=', 1)
                words = head.split()
            field = Field(words[0], parse_kind(words[1], where), number)
            if any(f.key == field.key for f in current.fields):
                raise DescError('%s: %s.%s is defined twice' % (where, current.name, field.key))
            parse_flags(field, words[2:], pattern, where)
            current.fields.append(field)
        else:
            raise DescError('%s: indented line outside a type or enum' % where)
    resolve(model, path)
    return model


def resolve(model, path):
    def fix(kind, where):
        if kind.base in ('array', 'map'):
            fix(kind.item, where)
        elif kind.base == 'name':
            if kind.name in model.enums:
                kind.base = 'enum'
            elif kind.name in model.types:
                kind.base = 'object'
            else:
                raise DescError('%s: unknown kind %s' % (where, kind.name))

    for t in model.types.values():
        for f in t.fields:
            where = '%s:%d' % (path, f.line)
            fix(f.kind, where)
            target = f.kind.item if f.kind.base == 'array' else f.kind
            if f.pattern and target.base != 'string':
                raise DescError('%s: pattern on a non-string member' % where)
    for name, values in model.enums.items():
        if len(set(values)) != len(values):
            raise DescError('%s: enum %s repeats a value' % (path, name))


# ---------------------------------------------------------------- C emission

def c_string(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'


def c_int(value, unsigned):
    if unsigned:
        return 'UINT64_MAX' if value == 2**64 - 1 else '%dU' % value
    if value == -2**63:
        return 'INT64_MIN'
    if value == 2**63 - 1:
        return 'INT64_MAX'
    return '%d' % value if value >= 0 else '(%d)' % value


def wrap(line, width=100, start=0):
    """Breaks a long declaration or call after commas, aligning with its opening
    parenthesis (the first one at or after start)."""
    indent = ' ' * (line.index('(', start) + 1)
    lines = []
    while len(line) > width:
        cut = line.rfind(', ', 0, width - 1)
        if cut < 0:
            break
        lines.append(line[:cut + 1])
        line = indent + line[cut + 2:]
    return lines + [line]


GET_PARAMS = ('struct ocj_ctx *cx, const struct ocj_path *path, const struct ocj_node *j, '
              'const char *key, int flags')
PUT_PARAMS = 'struct ocj_ctx *cx, const struct ocj_path *path, const char *key, int flags'


def condition(calls, tail):
    """`  if (a < 0 ||` ... `      z < 0` + tail, each call wrapped on its own."""
    out = []
    for i, call in enumerate(calls):
        prefix = '  if (' if i == 0 else '      '
        suffix = ' ||' if i < len(calls) - 1 else tail
        out += wrap(prefix + call + suffix, start=len(prefix))
    return out


def flags(f):
    return 'OCJ_REQUIRED' if f.required else '0'


def check_name(t, f):
    """The ocj_check a string member is validated with, or NULL."""
    item = f.kind.item if f.kind.base == 'array' else f.kind
    if item.base == 'enum':
        return '&check_%s' % item.name
    if f.pattern is not None:
        return '&check_%s_%s' % (t.name, f.cname)
    return 'NULL'


def describe(f, model):
    """A comment for a member's declaration: what the C type does not say."""
    k = f.kind.item if f.kind.base == 'array' else f.kind
    notes = []
    if k.base in ('int', 'uint'):
        lo, hi = INT_RANGES[k.name]
        notes.append(k.name if (k.lo, k.hi) == (lo, hi) else '%s %d..%d' % (k.name, k.lo, k.hi))
    elif k.base == 'enum':
        values = model.enums[k.name]
        text = ' '.join(values)
        notes.append(text if len(text) <= 60 else 'enum %s' % k.name)
    elif k.base == 'json':
        notes.append('any JSON object, as compact text')
    if f.pattern:
        notes.append(f.pattern.replace('*/', '*\\/'))
    if f.min_items:
        notes.append('at least %d' % f.min_items)
    if f.required:
        notes.append('required')
    return ' /* %s */' % ', '.join(notes) if notes else ''


def member_decl(f, model):
    """The C declaration(s) of one member."""
    k, n, note = f.kind, f.cname, describe(f, model)
    if k.base in ('string', 'enum', 'json'):
        return ['char *%s;%s' % (n, note)]
    if k.base in ('bool', 'int', 'uint', 'double'):
        ctype = {'bool': 'bool', 'int': 'int64_t', 'uint': 'uint64_t', 'double': 'double'}[k.base]
        return ['%s %s;%s' % (ctype, n, note), 'bool has_%s;' % n]
    if k.base == 'object':
        return ['oci_%s *%s;%s' % (k.name, n, note)]
    if k.base == 'map':
        mtype = 'oci_string_map' if k.item.base == 'string' else 'oci_%s_map' % k.item.name
        return ['%s *%s;%s' % (mtype, n, note)]
    ctype = {'string': 'char **', 'enum': 'char **', 'int': 'int64_t *',
             'uint': 'uint64_t *'}.get(k.item.base, 'oci_%s **' % k.item.name)
    return ['%s%s;%s' % (ctype, n, note), 'size_t %s_len;' % n]


class Emitter:
    def __init__(self, model):
        self.m = model
        # which per-type helpers are needed: as a member, in an array, in a map
        self.as_member, self.as_list, self.as_map = set(), set(), set()
        for t in model.types.values():
            for f in t.fields:
                k = f.kind
                if k.base == 'object':
                    self.as_member.add(k.name)
                elif k.base == 'array' and k.item.base == 'object':
                    self.as_list.add(k.item.name)
                elif k.base == 'map' and k.item.base == 'object':
                    self.as_map.add(k.item.name)
                if k.base == 'array' and k.item.base not in ('string', 'enum', 'int', 'uint',
                                                            'object'):
                    raise DescError('%s.%s: arrays of %s are not supported' %
                                    (t.name, f.key, k.item.base))

    # ---- header

    def header(self):
        out = ['/* Generated by libocispec/generate.py from oci-types.desc: do not edit. */',
               '/* SPDX-License-Identifier: GPL-2.0-or-later */',
               '/*',
               ' * The OCI runtime-spec documents as C structs (libocispec/API.md):',
               ' *   string, enum   char *, NULL when absent',
               ' *   bool, integer  the value and has_NAME; signed int64_t, unsigned uint64_t,',
               ' *                  range-checked as the comment says',
               ' *   object, map    a pointer, NULL when absent',
               ' *   array          NAME and NAME_len; NULL when absent, non-NULL when present',
               ' * All memory belongs to the struct and is released by its _free function, so',
               ' * fields set by hand must be malloc\'d. Errors are malloc\'d strings.',
               ' */',
               '#ifndef OCISPEC_H', '#define OCISPEC_H', '',
               '#include <stdbool.h>', '#include <stddef.h>', '#include <stdint.h>', '',
               '/* A JSON object of strings; keys in document order. */',
               'typedef struct oci_string_map {', '  char **keys;', '  char **values;',
               '  size_t len;', '} oci_string_map;', '']
        keys = {f.cname for t in self.m.types.values() for f in t.fields}
        undefs = [name for name in GNU_MACROS if name in keys]
        if undefs:
            out.append('/* GCC predefines these in gnu modes; they are member names here. */')
            out += ['#undef %s' % name for name in undefs]
            out.append('')
        for name in self.m.types:
            out.append('typedef struct oci_%s oci_%s;' % (name, name))
        out.append('')
        for name in sorted(self.as_map):
            out += ['/* A JSON object of oci_%s; keys in document order. */' % name,
                    'typedef struct oci_%s_map {' % name, '  char **keys;',
                    '  oci_%s **values;' % name, '  size_t len;', '} oci_%s_map;' % name, '']
        for t in self.m.types.values():
            out.append('struct oci_%s {' % t.name)
            for f in t.fields:
                out += ['  ' + d for d in member_decl(f, self.m)]
            out += ['};', '']
        for t in self.m.types.values():
            n = t.name
            out += wrap('oci_%s *oci_%s_parse_data(const char *json, size_t len, const char *origin, '
                        'char **err);' % (n, n))
            out += wrap('oci_%s *oci_%s_parse_file(const char *path, const char *origin, '
                        'char **err);' % (n, n))
            out += ['char *oci_%s_serialize(const oci_%s *v, char **err);' % (n, n),
                    'void oci_%s_free(oci_%s *v);' % (n, n), '']
        out += ['void oci_string_map_free(oci_string_map *m);',
                '/* The value of key, NULL when absent. */',
                'const char *oci_string_map_get(const oci_string_map *m, const char *key);',
                '/* Sets key to a copy of value (replacing an existing one); 0, or -1 on ENOMEM. */',
                'int oci_string_map_set(oci_string_map *m, const char *key, const char *value);',
                '']
        for name in sorted(self.as_map):
            out += ['void oci_%s_map_free(oci_%s_map *m);' % (name, name),
                    'oci_%s *oci_%s_map_get(const oci_%s_map *m, const char *key);' %
                    (name, name, name), '']
        out += ['#endif', '']
        return '\n'.join(out)

    # ---- source

    def source(self):
        out = ['/* Generated by libocispec/generate.py from oci-types.desc: do not edit. */',
               '/* SPDX-License-Identifier: GPL-2.0-or-later */',
               '#include <stdlib.h>', '#include <string.h>', '',
               '#include "ocispec-json.h"', '#include "ocispec.h"', '']
        out += self.checks()
        out.append('/* Readers and writers, defined below in description order. */')
        for t in self.m.types.values():
            n = t.name
            out += wrap('static int parse_%s(struct ocj_ctx *cx, const struct ocj_path *path, '
                        'const struct ocj_node *j, oci_%s **out);' % (n, n))
            out += wrap('static int gen_%s(struct ocj_ctx *cx, const struct ocj_path *path, '
                        'const oci_%s *v);' % (n, n))
        out.append('')
        out.append('/* Readers and writers of members, arrays and maps of each type. */')
        out.append('')
        for t in self.m.types.values():
            if t.name in self.as_member:
                out += self.member_helpers(t.name)
            if t.name in self.as_list:
                out += self.list_helpers(t.name)
            if t.name in self.as_map:
                out += self.map_helpers(t.name)
        for t in self.m.types.values():
            out += self.type_code(t)
        return '\n'.join(out)

    def checks(self):
        used_enums, patterns = [], []
        for t in self.m.types.values():
            for f in t.fields:
                item = f.kind.item if f.kind.base == 'array' else f.kind
                if item.base == 'enum' and item.name not in used_enums:
                    used_enums.append(item.name)
                if f.pattern is not None:
                    patterns.append((t, f))
        out = []
        for name in used_enums:
            values = self.m.enums[name]
            out.append('static const char *const %s_values[] = {' % name)
            line = ' '
            for v in values:
                piece = ' ' + c_string(v) + ','
                if len(line) + len(piece) > 92:
                    out.append(line)
                    line = ' '
                line += piece
            out.append(line + ' NULL};')
            line = 'static const struct ocj_check check_%s = {NULL, %s_values};' % (name, name)
            out += [line] if len(line) <= 100 else [line.replace('= ', '=\n    ')]
        for t, f in patterns:
            out.append('static const struct ocj_check check_%s_%s = {%s, NULL};' %
                       (t.name, f.cname, c_string(f.pattern)))
        out.append('')
        return out

    def type_code(self, t):
        n = t.name
        out = ['/* ---------------------------------------------------------------- oci_%s */' % n,
               '']
        # reader
        out += wrap('static int parse_%s(struct ocj_ctx *cx, const struct ocj_path *path, '
                    'const struct ocj_node *j, oci_%s **out)' % (n, n))
        out += ['{',
                '  oci_%s *v;' % n, '',
                '  if (ocj_expect(cx, path, j, OCJ_OBJECT) < 0)', '    return -1;',
                '  v = calloc(1, sizeof(*v));', '  if (v == NULL)', '    return ocj_nomem(cx);']
        reads = [self.read_call(t, f) for f in t.fields]
        if reads:
            out += condition(reads, ') {')
            out += ['    oci_%s_free(v);' % n, '    return -1;', '  }']
        out += ['  *out = v;', '  return 0;', '}', '']
        # writer
        out += wrap('static int gen_%s(struct ocj_ctx *cx, const struct ocj_path *path, '
                    'const oci_%s *v)' % (n, n))
        out.append('{')
        writes = ['ocj_put_open(cx) < 0'] + [self.write_call(t, f) for f in t.fields]
        out += condition(writes, ')')
        out += ['    return -1;']
        if not t.fields:
            out.append('  (void)path;')
        out += ['  return ocj_put_close(cx);', '}', '']
        # free
        out += ['void oci_%s_free(oci_%s *v)' % (n, n), '{']
        frees = [line for f in t.fields for line in self.free_lines(f)]
        if any(line.startswith('for') for line in frees):
            out.append('  size_t i;')
            out.append('')
        out += ['  if (v == NULL)', '    return;']
        out += [piece for line in frees for piece in wrap('  ' + line)]
        out += ['  free(v);', '}', '']
        # public entry points
        out += ['static void *root_parse_%s(struct ocj_ctx *cx, const struct ocj_node *j)' % n,
                '{', '  oci_%s *v = NULL;' % n, '',
                '  return parse_%s(cx, NULL, j, &v) < 0 ? NULL : v;' % n, '}', '',
                'static int root_gen_%s(struct ocj_ctx *cx, const void *v)' % n, '{',
                '  return gen_%s(cx, NULL, v);' % n, '}', '',
                ] + wrap('oci_%s *oci_%s_parse_data(const char *json, size_t len, '
                         'const char *origin, char **err)' % (n, n)) + ['{',
                '  return ocj_parse_data(json, len, origin, err, root_parse_%s);' % n, '}', '',
                ] + wrap('oci_%s *oci_%s_parse_file(const char *path, const char *origin, '
                         'char **err)' % (n, n)) + ['{',
                '  return ocj_parse_file(path, origin, err, root_parse_%s);' % n, '}', '',
                'char *oci_%s_serialize(const oci_%s *v, char **err)' % (n, n), '{',
                '  return ocj_serialize(v, "oci_%s", err, root_gen_%s);' % (n, n), '}', '']
        return out

    def read_call(self, t, f):
        k, key, fl, m = f.kind, c_string(f.key), flags(f), 'v->' + f.cname
        head = 'cx, path, j, %s, %s' % (key, fl)
        if k.base in ('string', 'enum'):
            return 'ocj_get_string(%s, %s, &%s) < 0' % (head, check_name(t, f), m)
        if k.base == 'json':
            return 'ocj_get_json(%s, &%s) < 0' % (head, m)
        if k.base in ('bool', 'double'):
            return 'ocj_get_%s(%s, &%s, &v->has_%s) < 0' % (k.base, head, m, f.cname)
        if k.base in ('int', 'uint'):
            u = k.base == 'uint'
            return 'ocj_get_%s(%s, %s, %s, &%s, &v->has_%s) < 0' % (
                k.base, head, c_int(k.lo, u), c_int(k.hi, u), m, f.cname)
        if k.base == 'object':
            return 'get_%s(%s, &%s) < 0' % (k.name, head, m)
        if k.base == 'map':
            if k.item.base == 'string':
                return 'ocj_get_string_map(%s, &%s) < 0' % (head, m)
            return 'get_%s_map(%s, &%s) < 0' % (k.item.name, head, m)
        item = k.item
        tail = '&%s, &%s_len' % (m, m)
        if item.base in ('string', 'enum'):
            return 'ocj_get_strings(%s, %d, %s, %s) < 0' % (head, f.min_items, check_name(t, f), tail)
        if item.base in ('int', 'uint'):
            u = item.base == 'uint'
            return 'ocj_get_%ss(%s, %d, %s, %s, %s) < 0' % (
                item.base, head, f.min_items, c_int(item.lo, u), c_int(item.hi, u), tail)
        return 'get_%s_list(%s, %d, %s) < 0' % (item.name, head, f.min_items, tail)

    def write_call(self, t, f):
        k, key, fl, m = f.kind, c_string(f.key), flags(f), 'v->' + f.cname
        head = 'cx, path, %s, %s' % (key, fl)
        if k.base in ('string', 'enum'):
            return 'ocj_put_string(%s, %s, %s) < 0' % (head, check_name(t, f), m)
        if k.base == 'json':
            return 'ocj_put_json(%s, %s) < 0' % (head, m)
        if k.base in ('bool', 'double'):
            return 'ocj_put_%s(%s, v->has_%s, %s) < 0' % (k.base, head, f.cname, m)
        if k.base in ('int', 'uint'):
            u = k.base == 'uint'
            return 'ocj_put_%s(%s, %s, %s, v->has_%s, %s) < 0' % (
                k.base, head, c_int(k.lo, u), c_int(k.hi, u), f.cname, m)
        if k.base == 'object':
            return 'put_%s(%s, %s) < 0' % (k.name, head, m)
        if k.base == 'map':
            if k.item.base == 'string':
                return 'ocj_put_string_map(%s, %s) < 0' % (head, m)
            return 'put_%s_map(%s, %s) < 0' % (k.item.name, head, m)
        item = k.item
        tail = '%s, %s_len' % (m, m)
        if item.base in ('string', 'enum'):
            return 'ocj_put_strings(%s, %d, %s, %s) < 0' % (head, f.min_items, check_name(t, f), tail)
        if item.base in ('int', 'uint'):
            u = item.base == 'uint'
            return 'ocj_put_%ss(%s, %d, %s, %s, %s) < 0' % (
                item.base, head, f.min_items, c_int(item.lo, u), c_int(item.hi, u), tail)
        return 'put_%s_list(%s, %d, %s) < 0' % (item.name, head, f.min_items, tail)

    def free_lines(self, f):
        k, m = f.kind, 'v->' + f.cname
        if k.base in ('string', 'enum', 'json'):
            return ['free(%s);' % m]
        if k.base in ('bool', 'int', 'uint', 'double'):
            return []
        if k.base == 'object':
            return ['oci_%s_free(%s);' % (k.name, m)]
        if k.base == 'map':
            name = 'string' if k.item.base == 'string' else k.item.name
            return ['oci_%s_map_free(%s);' % (name, m)]
        if k.item.base in ('string', 'enum'):
            return ['ocj_free_strings(%s, %s_len);' % (m, m)]
        if k.item.base == 'object':
            return ['for (i = 0; i < %s_len; i++)' % m,
                    '  oci_%s_free(%s[i]);' % (k.item.name, m), 'free(%s);' % m]
        return ['free(%s);' % m]

    def member_helpers(self, n):
        return wrap('static int get_%s(%s, oci_%s **out)' % (n, GET_PARAMS, n)) + [
            '{',
            '  struct ocj_path p;', '  const struct ocj_node *m;',
            '  int rc = ocj_find(cx, path, j, key, flags, &p, &m);', '',
            '  return rc <= 0 ? rc : parse_%s(cx, &p, m, out);' % n, '}', '',
        ] + wrap('static int put_%s(%s, const oci_%s *v)' % (n, PUT_PARAMS, n)) + [
            '{', '  struct ocj_path p;',
            '  int rc = ocj_put_key(cx, path, key, flags, v != NULL, &p);', '',
            '  return rc <= 0 ? rc : gen_%s(cx, &p, v);' % n, '}', '']

    def list_helpers(self, n):
        return wrap('static int get_%s_list(%s, size_t min_items, oci_%s ***out, size_t *len)'
                    % (n, GET_PARAMS, n)) + [
            '{',
            '  struct ocj_path p;', '  const struct ocj_node *m;', '  size_t i;',
            '  int rc = ocj_find_array(cx, path, j, key, flags, min_items, &p, &m);', '',
            '  if (rc <= 0)', '    return rc;',
            '  *out = calloc(m->len + 1, sizeof(**out));', '  if (*out == NULL)',
            '    return ocj_nomem(cx);',
            '  for (i = 0; i < m->len; i++) {',
            '    struct ocj_path ip = {&p, NULL, i};', '',
            '    if (parse_%s(cx, &ip, m->items[i], &(*out)[i]) < 0)' % n, '      return -1;',
            '    *len = i + 1;', '  }', '  return 0;', '}', '',
        ] + wrap('static int put_%s_list(%s, size_t min_items, oci_%s *const *v, size_t len)'
                 % (n, PUT_PARAMS, n)) + [
            '{',
            '  struct ocj_path p;', '  size_t i;',
            '  int rc = ocj_put_array_open(cx, path, key, flags, min_items, v != NULL, len, &p);',
            '', '  if (rc <= 0)', '    return rc;',
            '  for (i = 0; i < len; i++) {', '    struct ocj_path ip = {&p, NULL, i};', '',
            '    if (v[i] == NULL)', '      return ocj_fail(cx, &ip, "missing value");',
            '    if (gen_%s(cx, &ip, v[i]) < 0)' % n, '      return -1;', '  }',
            '  return ocj_put_array_close(cx);', '}', '']

    def map_helpers(self, n):
        return wrap('static int get_%s_map(%s, oci_%s_map **out)' % (n, GET_PARAMS, n)) + [
            '{',
            '  struct ocj_path p;', '  const struct ocj_node *m;', '  oci_%s_map *map;' % n,
            '  size_t i;',
            '  int rc = ocj_find_object(cx, path, j, key, flags, &p, &m);', '',
            '  if (rc <= 0)', '    return rc;',
            '  map = calloc(1, sizeof(*map));', '  if (map == NULL)', '    return ocj_nomem(cx);',
            '  *out = map;',
            '  map->keys = calloc(m->len + 1, sizeof(*map->keys));',
            '  map->values = calloc(m->len + 1, sizeof(*map->values));',
            '  if (map->keys == NULL || map->values == NULL)', '    return ocj_nomem(cx);',
            '  for (i = 0; i < m->len; i++) {',
            '    struct ocj_path kp = {&p, m->keys[i], 0};', '',
            '    if (parse_%s(cx, &kp, m->items[i], &map->values[i]) < 0)' % n,
            '      return -1;',
            '    map->keys[i] = strdup(m->keys[i]);', '    if (map->keys[i] == NULL) {',
            '      oci_%s_free(map->values[i]);' % n, '      map->values[i] = NULL;',
            '      return ocj_nomem(cx);', '    }', '    map->len = i + 1;', '  }',
            '  return 0;', '}', '',
        ] + wrap('static int put_%s_map(%s, const oci_%s_map *v)' % (n, PUT_PARAMS, n)) + [
            '{', '  struct ocj_path p;', '  size_t i;',
            '  int rc = ocj_put_key(cx, path, key, flags, v != NULL, &p);', '',
            '  if (rc <= 0)', '    return rc;', '  if (ocj_put_open(cx) < 0)', '    return -1;',
            '  for (i = 0; i < v->len; i++) {',
            '    struct ocj_path kp = {&p, v->keys[i], 0};', '',
            '    if (v->keys[i] == NULL || v->values[i] == NULL)',
            '      return ocj_fail(cx, &p, "missing key or value");',
            '    if (ocj_put_name(cx, &kp, v->keys[i]) < 0 || gen_%s(cx, &kp, v->values[i]) < 0)' % n,
            '      return -1;', '  }', '  return ocj_put_close(cx);', '}', '',
            'void oci_%s_map_free(oci_%s_map *m)' % (n, n), '{', '  size_t i;', '',
            '  if (m == NULL)', '    return;', '  for (i = 0; i < m->len; i++) {',
            '    free(m->keys[i]);', '    oci_%s_free(m->values[i]);' % n, '  }',
            '  free(m->keys);', '  free(m->values);', '  free(m);', '}', '',
            'oci_%s *oci_%s_map_get(const oci_%s_map *m, const char *key)' % (n, n, n), '{',
            '  size_t i;', '', '  for (i = 0; m != NULL && i < m->len; i++)',
            '    if (strcmp(m->keys[i], key) == 0)', '      return m->values[i];',
            '  return NULL;', '}', '']


def main(argv):
    if len(argv) != 4:
        sys.stderr.write('usage: generate.py DESCRIPTION OUT.h OUT.c\n')
        return 2
    try:
        model = load(argv[1])
        emitter = Emitter(model)
        header, source = emitter.header(), emitter.source()
    except (DescError, OSError) as e:
        sys.stderr.write('generate.py: %s\n' % e)
        return 1
    for path, text in ((argv[2], header), (argv[3], source)):
        with open(path, 'w', encoding='utf-8') as f:
            f.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
