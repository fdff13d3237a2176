// Package snapshot compares synthesized stacks with their snapshot files
// with Jest's rules (Sync), and says how two stacks differ by resource
// address and attribute (Diff). __tests__ uses it for the user's snapshots
// of environments.yaml and for the library's golden files; it is jsii-free,
// so its rules are tested here in milliseconds.
package snapshot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/google/go-cmp/cmp"
)

// Mode says how Sync treats a missing, changed or obsolete snapshot.
type Mode struct {
	CI     bool // a missing or obsolete snapshot fails; nothing is written
	Update bool // every snapshot is written, the obsolete ones removed
}

// CIFromEnv reads CI as Jest does (--ci is the default when CI is set): any
// value but "", "0" or "false" means a CI run.
func CIFromEnv() bool {
	v := strings.ToLower(strings.TrimSpace(os.Getenv("CI")))
	return v != "" && v != "0" && v != "false"
}

// Report is what Sync did and found.
type Report struct {
	Written  []string          // environments whose snapshot was missing and has been written
	Updated  []string          // environments whose changed snapshot has been rewritten (Update)
	Obsolete []string          // snapshots of environments not in the file, left in place
	Removed  []string          // obsolete snapshots removed (Update)
	Failures map[string]string // environment (or obsolete snapshot's name) -> what is wrong
}

// Summary is the report as Jest prints it ("1 snapshot written: qa"), one
// line each; "" when nothing was written, removed or found obsolete.
func (r Report) Summary() string {
	var lines []string
	for _, l := range []struct {
		what  string
		names []string
	}{{"written", r.Written}, {"updated", r.Updated}, {"removed (obsolete)", r.Removed}, {"obsolete", r.Obsolete}} {
		if len(l.names) > 0 {
			lines = append(lines, fmt.Sprintf("%s %s: %s", plural(len(l.names), "snapshot"), l.what, strings.Join(l.names, ", ")))
		}
	}
	return strings.Join(lines, "\n")
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// Sync compares each environment's synthesized stack (got, keyed by
// environment; envs in file order) with its snapshot dir/<env>.tf.json:
//
//   - missing: written and reported (Written); with CI, a failure naming the
//     environment and command, the command that writes snapshots;
//   - changed: a failure with Diff's lines (Update rewrites it: Updated);
//   - a snapshot of an environment not in envs is obsolete: reported
//     (Obsolete); with CI, a failure; Update removes it (Removed).
//
// display is dir as the messages show it. Only dir's *.tf.json files are
// snapshots: its subdirectories are not looked at.
func Sync(dir, display string, envs []string, got map[string][]byte, mode Mode, command string) (Report, error) {
	rep := Report{Failures: map[string]string{}}
	if mode.Update {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return rep, err
		}
	}
	for _, env := range envs {
		stack, ok := got[env]
		if !ok {
			rep.Failures[env] = fmt.Sprintf("no stack synthesized for environment %s", env)
			continue
		}
		path := filepath.Join(dir, env+".tf.json")
		shown := filepath.ToSlash(filepath.Join(display, env+".tf.json"))
		want, err := os.ReadFile(path)
		switch {
		case errors.Is(err, fs.ErrNotExist) && mode.CI && !mode.Update:
			rep.Failures[env] = fmt.Sprintf("no snapshot of environment %s (%s): with CI set, a missing snapshot fails instead of being written; run `%s`, review and commit it",
				env, shown, command)
		case errors.Is(err, fs.ErrNotExist):
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return rep, err
			}
			if err := os.WriteFile(path, stack, 0o644); err != nil {
				return rep, err
			}
			rep.Written = append(rep.Written, env)
		case err != nil:
			return rep, err
		case bytes.Equal(want, stack):
		case mode.Update:
			if err := os.WriteFile(path, stack, 0o644); err != nil {
				return rep, err
			}
			rep.Updated = append(rep.Updated, env)
		default:
			rep.Failures[env] = fmt.Sprintf("environment %s differs from its snapshot %s (want: the snapshot, got: the synthesized stack):\n%s\nIf the change is intended, run `%s` and review the diff.",
				env, shown, Describe(want, stack), command)
		}
	}

	files, err := filepath.Glob(filepath.Join(dir, "*.tf.json"))
	if err != nil {
		return rep, err
	}
	for _, f := range files {
		env := strings.TrimSuffix(filepath.Base(f), ".tf.json")
		if slices.Contains(envs, env) {
			continue
		}
		shown := filepath.ToSlash(filepath.Join(display, filepath.Base(f)))
		switch {
		case mode.Update:
			if err := os.Remove(f); err != nil {
				return rep, err
			}
			rep.Removed = append(rep.Removed, env)
		case mode.CI:
			rep.Failures[env] = fmt.Sprintf("obsolete snapshot %s: no environment %s in the file; run `%s` to remove it", shown, env, command)
		default:
			rep.Obsolete = append(rep.Obsolete, env)
		}
	}
	return rep, nil
}

// Describe says how got differs from want, two synthesized stacks, for a
// failure message: Diff's lines (at most 40), indented. JSON that does not
// decode, or the same values in other bytes, falls back to the first
// differing lines.
func Describe(want, got []byte) string {
	lines, err := Diff(want, got)
	if err != nil {
		return fmt.Sprintf("  (not comparable as JSON: %v)\n%s", err, lineDiff(string(want), string(got)))
	}
	if len(lines) == 0 {
		return "  same JSON values, different bytes (formatting or key order):\n" + lineDiff(string(want), string(got))
	}
	const maxLines = 40
	var b strings.Builder
	for i, l := range lines {
		if i == maxLines {
			fmt.Fprintf(&b, "  ... and %d more\n", len(lines)-maxLines)
			break
		}
		b.WriteString("  " + l + "\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// Diff decodes two JSON documents and lists their differences by JSON path
// (resource.<type>.<name>.<attribute>...), one line per differing value:
// "<path>: got <value>, want <value>", "<path>: added <value>" or "<path>:
// removed (was <value>)", sorted by path. One inserted resource is one
// line, however much of the file it shifts.
func Diff(want, got []byte) ([]string, error) {
	var w, g any
	if err := json.Unmarshal(want, &w); err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	if err := json.Unmarshal(got, &g); err != nil {
		return nil, fmt.Errorf("synthesized stack: %w", err)
	}
	diffs := diffValues("", w, g)
	slices.Sort(diffs)
	return diffs, nil
}

// diffValues lists the differences of two decoded JSON values, their paths
// under prefix.
func diffValues(prefix string, want, got any) []string {
	r := pathReporter{prefix: prefix}
	cmp.Equal(want, got, cmp.Reporter(&r))
	return r.diffs
}

// pathReporter is a cmp.Reporter that records every unequal leaf by its
// JSON path (cmp compares x = want, y = got).
type pathReporter struct {
	prefix string // the path of the JSON string these values were decoded from
	path   cmp.Path
	diffs  []string
}

func (r *pathReporter) PushStep(ps cmp.PathStep) { r.path = append(r.path, ps) }
func (r *pathReporter) PopStep()                 { r.path = r.path[:len(r.path)-1] }

func (r *pathReporter) Report(rs cmp.Result) {
	if rs.Equal() {
		return
	}
	want, got := r.path.Last().Values()
	where := joinPath(r.prefix, jsonPath(r.path))
	if want.IsValid() && got.IsValid() {
		ws, wok := want.Interface().(string)
		gs, gok := got.Interface().(string)
		if wok && gok {
			// A JSON document in a string (a policy, a dashboard body) is
			// compared as JSON too, so the line names what changed in it.
			if wj, gj, ok := embeddedJSON(ws, gs); ok {
				if d := diffValues(where+"(json)", wj, gj); len(d) > 0 {
					r.diffs = append(r.diffs, d...)
					return
				}
			}
			w, g := aroundFirstDifference(ws, gs)
			r.diffs = append(r.diffs, fmt.Sprintf("%s: got %s, want %s", where, g, w))
			return
		}
	}
	switch {
	case !want.IsValid():
		r.diffs = append(r.diffs, fmt.Sprintf("%s: added %s", where, short(got.Interface())))
	case !got.IsValid():
		r.diffs = append(r.diffs, fmt.Sprintf("%s: removed (was %s)", where, short(want.Interface())))
	default:
		r.diffs = append(r.diffs, fmt.Sprintf("%s: got %s, want %s", where, short(got.Interface()), short(want.Interface())))
	}
}

// embeddedJSON decodes two strings that both hold a JSON object or list.
func embeddedJSON(want, got string) (w, g any, ok bool) {
	isDoc := func(s string) bool {
		s = strings.TrimSpace(s)
		return strings.HasPrefix(s, "{") || strings.HasPrefix(s, "[")
	}
	if !isDoc(want) || !isDoc(got) {
		return nil, nil, false
	}
	if json.Unmarshal([]byte(want), &w) != nil || json.Unmarshal([]byte(got), &g) != nil {
		return nil, nil, false
	}
	return w, g, true
}

// aroundFirstDifference quotes two differing strings; long ones are cut to
// the part around where they first differ, so the line shows the change.
func aroundFirstDifference(want, got string) (string, string) {
	const width = 80
	w, g := []rune(want), []rune(got)
	if len(w) <= width && len(g) <= width {
		return quote(want), quote(got)
	}
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	from := max(0, i-width/4)
	cut := func(r []rune) string {
		to := min(len(r), from+width)
		s := quote(string(r[min(from, to):to]))
		if from > 0 {
			s = "..." + s
		}
		if to < len(r) {
			s += "..."
		}
		return s
	}
	return cut(w), cut(g)
}

var plainKey = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// jsonPath renders a cmp path through decoded JSON: map keys joined by dots
// (quoted when they are not plain words), list indexes in brackets; "" for
// the value itself.
func jsonPath(p cmp.Path) string {
	var b strings.Builder
	for _, s := range p {
		switch s := s.(type) {
		case cmp.MapIndex:
			k := fmt.Sprint(s.Key().Interface())
			if !plainKey.MatchString(k) {
				b.WriteString("[" + strconv.Quote(k) + "]")
				continue
			}
			if b.Len() > 0 {
				b.WriteString(".")
			}
			b.WriteString(k)
		case cmp.SliceIndex:
			x, y := s.SplitKeys()
			i := y // got's index; an element only in want has its own
			if i < 0 {
				i = x
			}
			b.WriteString("[" + strconv.Itoa(i) + "]")
		}
	}
	return b.String()
}

// joinPath puts a path below prefix (a path to the JSON string it was decoded from).
func joinPath(prefix, path string) string {
	switch {
	case prefix == "" && path == "":
		return "(the whole document)"
	case prefix == "" || path == "":
		return prefix + path
	case strings.HasPrefix(path, "["):
		return prefix + path
	}
	return prefix + "." + path
}

// short is a JSON value in one line, cut at 120 characters.
func short(v any) string {
	s := quote(v)
	if r := []rune(s); len(r) > 120 {
		return string(r[:117]) + "..."
	}
	return s
}

// quote is a JSON value in one line, without escaping <, > and &.
func quote(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// lineDiff shows the first differing lines (at most 15).
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl == gl {
			continue
		}
		b.WriteString("  line " + strconv.Itoa(i+1) + ":\n    - " + wl + "\n    + " + gl + "\n")
		if shown++; shown == 15 {
			b.WriteString("  ...\n")
			break
		}
	}
	return strings.TrimSuffix(b.String(), "\n")
}
