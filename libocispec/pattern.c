/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The few regular expressions the runtime-spec schema uses ("^RLIMIT_[A-Z]+$",
 * "^[1-9][0-9]*[KMG]B$", "^MB:[^\n]*$" ...) matched by a small backtracking
 * matcher: literals, '.', bracket sets with ranges and negation, the escapes
 * \n \t \r and \<char>, the quantifiers * + ?, and the anchors ^ $.
 * generate.py refuses patterns outside this subset.
 */
#include <stdint.h>
#include <string.h>

#include "ocispec-json.h"

static char unescape(char c)
{
  switch (c) {
  case 'n':
    return '\n';
  case 't':
    return '\t';
  case 'r':
    return '\r';
  default:
    return c;
  }
}

/* The end of the atom (literal, '.', escape or set) that starts at re. */
static const char *atom_end(const char *re)
{
  if (*re == '\\')
    return re + 2;
  if (*re != '[')
    return re + 1;
  re++;
  if (*re == '^')
    re++;
  while (*re != ']') {
    re += *re == '\\' ? 2 : 1;
  }
  return re + 1;
}

static bool set_matches(const char *re, char c)
{
  bool negate = false, found = false;

  re++;
  if (*re == '^') {
    negate = true;
    re++;
  }
  while (*re != ']') {
    char lo = *re == '\\' ? unescape(*++re) : *re;
    char hi = lo;

    re++;
    if (re[0] == '-' && re[1] != ']') {
      re++;
      hi = *re == '\\' ? unescape(*++re) : *re;
      re++;
    }
    if (c >= lo && c <= hi)
      found = true;
  }
  return found != negate;
}

static bool atom_matches(const char *re, char c)
{
  if (*re == '[')
    return set_matches(re, c);
  if (*re == '\\')
    return c == unescape(re[1]);
  return *re == '.' || *re == c;
}

static bool match_here(const char *re, const char *s)
{
  const char *next;
  size_t min, max, n;

  if (*re == '\0')
    return true;
  if (re[0] == '$' && re[1] == '\0')
    return *s == '\0';
  next = atom_end(re);
  if (*next != '*' && *next != '+' && *next != '?')
    return *s != '\0' && atom_matches(re, *s) && match_here(next, s + 1);
  min = *next == '+' ? 1 : 0;
  max = *next == '?' ? 1 : SIZE_MAX;
  for (n = 0; n < max && s[n] != '\0' && atom_matches(re, s[n]); n++)
    ;
  for (;; n--) { /* greedy: the longest run first */
    if (n < min)
      return false;
    if (match_here(next + 1, s + n))
      return true;
    if (n == 0)
      return false;
  }
}

bool ocj_pattern_match(const char *pattern, const char *s)
{
  if (*pattern == '^')
    return match_here(pattern + 1, s);
  do {
    if (match_here(pattern, s))
      return true;
  } while (*s++ != '\0');
  return false;
}
