package lazyjsii

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// Export is one name a package index exports: exports[Name] = require(Path).
type Export struct {
	Name string
	Path string
}

// Index is a parsed CommonJS index of the shape jsii-compiled cdktf provider
// packages have (tsc output of `export * as name from './path'`).
type Index struct {
	// Header holds the `exports.a = exports.b = ... = void 0;` lines verbatim:
	// tsc declares every name up front, which fixes the order of the keys.
	Header []string
	// Exports in the order the original requires them.
	Exports []Export
}

const esModuleLine = `Object.defineProperty(exports, "__esModule", { value: true });`

// ParseIndex reads an original (eager) index.js. It is strict: any statement
// other than "use strict", the __esModule marker, tsc's void-0 header,
// `exports.x = require("./y");`, comments and blank lines is an error, so
// that the set of exported names is exactly the set of require lines and
// nothing the original does at load time is lost.
func ParseIndex(src []byte) (*Index, error) {
	if bytes.IndexByte(src, '\r') >= 0 {
		return nil, fmt.Errorf("index: unexpected carriage return")
	}
	ix := &Index{}
	declared := map[string]bool{}
	seen := map[string]bool{}
	sawStrict, sawESModule := false, false
	inComment := false
	for n, line := range strings.Split(string(src), "\n") {
		lineNo := n + 1
		t := strings.TrimSpace(line)
		switch {
		case inComment:
			if strings.Contains(t, "*/") {
				if !strings.HasSuffix(t, "*/") {
					return nil, fmt.Errorf("index line %d: code after a block comment", lineNo)
				}
				inComment = false
			}
		case t == "":
		case strings.HasPrefix(t, "//"):
		case strings.HasPrefix(t, "/*"):
			end := strings.Index(t[2:], "*/")
			switch {
			case end < 0:
				inComment = true
			case end+4 != len(t):
				return nil, fmt.Errorf("index line %d: code after a block comment", lineNo)
			}
		case t == `"use strict";`:
			if n != 0 {
				return nil, fmt.Errorf(`index line %d: "use strict" must be the first line`, lineNo)
			}
			sawStrict = true
		case line == esModuleLine:
			sawESModule = true
		default:
			if names, ok := parseHeader(line); ok {
				if len(ix.Exports) > 0 {
					return nil, fmt.Errorf("index line %d: declaration after the first require", lineNo)
				}
				for _, name := range names {
					if declared[name] {
						return nil, fmt.Errorf("index line %d: %s declared twice", lineNo, name)
					}
					declared[name] = true
				}
				ix.Header = append(ix.Header, line)
				continue
			}
			name, modPath, ok := parseRequire(line)
			if !ok {
				return nil, fmt.Errorf("index line %d: unsupported statement %.80q", lineNo, line)
			}
			if seen[name] {
				return nil, fmt.Errorf("index line %d: %s exported twice", lineNo, name)
			}
			if strings.Contains(modPath, "..") || strings.Contains(modPath, "//") {
				return nil, fmt.Errorf("index line %d: module path %q leaves the package", lineNo, modPath)
			}
			seen[name] = true
			ix.Exports = append(ix.Exports, Export{Name: name, Path: modPath})
		}
	}
	switch {
	case inComment:
		return nil, fmt.Errorf("index: unterminated block comment")
	case !sawStrict:
		return nil, fmt.Errorf(`index: no "use strict"`)
	case !sawESModule:
		return nil, fmt.Errorf("index: no __esModule marker")
	case len(ix.Exports) == 0:
		return nil, fmt.Errorf("index: exports nothing")
	}
	if len(ix.Header) > 0 {
		if len(declared) != len(seen) {
			return nil, fmt.Errorf("index: declares %d names but requires %d", len(declared), len(seen))
		}
		for name := range seen {
			if !declared[name] {
				return nil, fmt.Errorf("index: %s is required but not declared", name)
			}
		}
	}
	return ix, nil
}

// parseHeader matches tsc's `exports.a = exports.b = ... = void 0;` and
// returns the names it declares.
func parseHeader(line string) ([]string, bool) {
	rest, ok := strings.CutSuffix(line, " = void 0;")
	if !ok {
		return nil, false
	}
	parts := strings.Split(rest, " = ")
	names := make([]string, len(parts))
	for i, part := range parts {
		name, ok := strings.CutPrefix(part, "exports.")
		if !ok || !isIdent(name) {
			return nil, false
		}
		names[i] = name
	}
	return names, true
}

// parseRequire matches `exports.name = require("./path");`.
func parseRequire(line string) (name, modPath string, ok bool) {
	rest, ok := strings.CutPrefix(line, "exports.")
	if !ok {
		return "", "", false
	}
	name, rest, ok = strings.Cut(rest, ` = require("`)
	if !ok || !isIdent(name) {
		return "", "", false
	}
	modPath, ok = strings.CutSuffix(rest, `");`)
	if !ok || !strings.HasPrefix(modPath, "./") || strings.IndexFunc(modPath, notPathChar) >= 0 {
		return "", "", false
	}
	return name, modPath, true
}

// isIdent reports whether s is an ASCII JavaScript identifier.
func isIdent(s string) bool {
	for i, r := range s {
		letter := r == '_' || r == '$' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
		if !letter && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return s != ""
}

func notPathChar(r rune) bool {
	return !(r == '_' || r == '.' || r == '/' || r == '-' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9')
}

// LazySource renders the lazily loading index: the same header (same key
// order), then every export defined as a getter that requires its module on
// first access and replaces itself with a plain property holding it, which is
// what the original's assignment leaves behind. A setter keeps assignments
// working as they did.
func (ix *Index) LazySource() []byte {
	var b bytes.Buffer
	b.WriteString(`"use strict";
// Lazily loading index written by elastic-web-tier (internal/lazyjsii) from
// index.eager.js, the package's original index: each export requires its
// module on first access instead of all of them up front.
`)
	b.WriteString(esModuleLine + "\n")
	for _, h := range ix.Header {
		b.WriteString(h + "\n")
	}
	b.WriteString("const modules = [\n")
	for _, e := range ix.Exports {
		fmt.Fprintf(&b, "  [%s, %s],\n", strconv.Quote(e.Name), strconv.Quote(e.Path))
	}
	b.WriteString(`];
for (const [name, path] of modules) {
  const settle = (value) => {
    Object.defineProperty(exports, name, { value, writable: true, enumerable: true, configurable: true });
    return value;
  };
  Object.defineProperty(exports, name, {
    enumerable: true,
    configurable: true,
    get() { return settle(require(path)); },
    set(value) { settle(value); },
  });
}
`)
	return b.Bytes()
}
