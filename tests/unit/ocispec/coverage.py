#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Checks that libocispec's description covers the runtime-spec JSON schema.

usage: coverage.py DESCRIPTION SHARED_DIR

Walks every property reachable from config-schema.json, state-schema.json and
features-schema.json (following $ref into config-linux.json, defs*.json,
features-linux.json and the other platforms' files) and compares it with the
description: the member must exist with a matching kind, enum values, pattern,
integer range, minItems, and be required when the schema requires it. Members
the description has beyond the schema are listed, not failed. Exits 77 (skip)
when SHARED_DIR has no schema.
"""

import json
import os
import sys

ROOTS = [('config-schema.json', 'config'), ('state-schema.json', 'state'),
         ('features-schema.json', 'features')]

# Where the description departs from the schema on purpose, and why. Anything else that
# differs fails.
DELIBERATE = {
    # Podman sends the whole st_mode (0o20666 with the file type bits); runc accepts it and
    # uses the permission bits, so the description takes any uint32.
    'config.linux.devices[].fileMode': 'range',
}


class Checker:
    def __init__(self, model, schema_dir):
        self.model = model
        self.dir = schema_dir
        self.files = {}
        self.problems = []
        self.checked = 0
        self.seen = set()   # (type, key) pairs the schema mentions

    def load(self, name):
        if name not in self.files:
            with open(os.path.join(self.dir, name), encoding='utf-8') as f:
                self.files[name] = json.load(f)
        return self.files[name]

    def resolve(self, node, current):
        """Follows $ref (also the schema's "#definitions/x" slip); returns (node, file)."""
        while '$ref' in node:
            ref = node['$ref']
            name, _, pointer = ref.partition('#')
            name = name or current
            target = self.load(name)
            for part in pointer.strip('/').split('/'):
                if part:
                    target = target[part]
            rest = {k: v for k, v in node.items() if k != '$ref'}
            node, current = dict(target, **rest), name
        return node, current

    def problem(self, where, text):
        self.problems.append('%s: %s' % (where, text))

    def check(self, node, file, kind, where, field=None):
        node, file = self.resolve(node, file)
        for part in node.get('allOf', []) + node.get('anyOf', []):
            self.check(part, file, kind, where, field)
        if 'properties' in node:
            self.check_object(node, file, kind, where)
            return
        if 'additionalProperties' in node or 'patternProperties' in node:
            if kind.base != 'map':
                self.problem(where, 'the schema has a map, the description %r' % kind)
                return
            values = node.get('additionalProperties') or \
                next(iter(node['patternProperties'].values()))
            self.check(values, file, kind.item, where + '.*')
            return
        schema_type = node.get('type')
        if schema_type == 'array':
            self.check_array(node, file, kind, where, field)
        elif schema_type == 'object':
            if kind.base not in ('json', 'object'):
                self.problem(where, 'the schema has an object, the description %r' % kind)
        elif schema_type == 'string':
            self.check_string(node, kind, where, field)
        elif schema_type == 'integer':
            self.check_integer(node, kind, where)
        elif schema_type == 'boolean':
            if kind.base != 'bool':
                self.problem(where, 'the schema has a boolean, the description %r' % kind)
        elif schema_type is not None:
            self.problem(where, 'schema type %s is not handled by coverage.py' % schema_type)

    def check_object(self, node, file, kind, where):
        if kind.base == 'map':
            # e.g. linux.timeOffsets: the schema names the keys, the description keeps a map
            for key, sub in node['properties'].items():
                self.checked += 1
                self.check(sub, file, kind.item, '%s.%s' % (where, key))
            return
        if kind.base != 'object':
            self.problem(where, 'the schema has an object with properties, the description %r'
                         % kind)
            return
        t = self.model.types[kind.name]
        fields = {f.key: f for f in t.fields}
        for key, sub in node['properties'].items():
            self.checked += 1
            self.seen.add((t.name, key))
            path = '%s.%s' % (where, key) if where else key
            if key not in fields:
                self.problem(path, 'missing from type %s' % t.name)
                continue
            self.check(sub, file, fields[key].kind, path, fields[key])
        for key in node.get('required', []):
            if key in fields and not fields[key].required:
                self.problem('%s.%s' % (where, key) if where else key,
                             'required by the schema, optional in type %s' % t.name)

    def check_array(self, node, file, kind, where, field):
        if kind.base != 'array':
            self.problem(where, 'the schema has an array, the description %r' % kind)
            return
        if field is not None and node.get('minItems', 0) != field.min_items:
            self.problem(where, 'minItems %s, the description min-items=%s' %
                         (node.get('minItems', 0), field.min_items))
        items = node.get('items', {})
        for item in items if isinstance(items, list) else [items]:
            self.check(item, file, kind.item, where + '[]', field)

    def check_string(self, node, kind, where, field):
        if kind.base not in ('string', 'enum'):
            self.problem(where, 'the schema has a string, the description %r' % kind)
            return
        if 'enum' in node:
            if kind.base != 'enum':
                self.problem(where, 'the schema has an enum, the description a plain string')
            else:
                lacking = [v for v in node['enum'] if v not in self.model.enums[kind.name]]
                if lacking:
                    self.problem(where, 'enum %s lacks %s' % (kind.name, ', '.join(lacking)))
        pattern = field.pattern if field is not None else None
        if node.get('pattern') != pattern:
            self.problem(where, 'pattern %r, the description %r' % (node.get('pattern'), pattern))

    def check_integer(self, node, kind, where):
        if kind.base not in ('int', 'uint'):
            self.problem(where, 'the schema has an integer, the description %r' % kind)
            return
        lo, hi = node.get('minimum'), node.get('maximum')
        if DELIBERATE.get(where) == 'range':
            return
        if (lo is not None and lo != kind.lo) or (hi is not None and hi != kind.hi):
            self.problem(where, 'range [%s, %s], the description [%s, %s]' %
                         (lo, hi, kind.lo, kind.hi))
        if lo is None and kind.base == 'uint':
            self.problem(where, 'the schema allows negative values, the description is unsigned')


def main(argv):
    if len(argv) != 3:
        sys.stderr.write('usage: coverage.py DESCRIPTION SHARED_DIR\n')
        return 2
    schema_dir = os.path.join(argv[2], 'runtime-spec', 'schema')
    if not os.path.isfile(os.path.join(schema_dir, 'config-schema.json')):
        print('SKIP: %s is absent: no schema to compare the description with' % schema_dir)
        return 77
    sys.path.insert(0, os.path.dirname(os.path.abspath(argv[1])))
    import generate  # libocispec/generate.py, next to the description
    from generate import Kind

    model = generate.load(argv[1])
    checker = Checker(model, schema_dir)
    for file, type_name in ROOTS:
        checker.check(checker.load(file), file, Kind('object', type_name), type_name)
    extra = ['%s.%s' % (t.name, f.key) for t in model.types.values() for f in t.fields
             if (t.name, f.key) not in checker.seen and t.name != 'container_record']
    print('checked %d schema properties against %d described types' %
          (checker.checked, len(model.types)))
    if extra:
        print('described beyond the schema (fine, listed for review): ' + ', '.join(extra))
    for p in checker.problems:
        print('FAIL ' + p)
    return 1 if checker.problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
