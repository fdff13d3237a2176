package stackjson

import "testing"

func TestLiteral(t *testing.T) {
	tests := []struct {
		in   any
		want float64
		ok   bool
	}{
		{8.0, 8, true}, {"8", 8, true}, {" 30 ", 30, true}, {"0", 0, true},
		{"${var.size}", 0, false}, {"NaN", 0, false}, {"+Inf", 0, false}, {true, 0, false}, {nil, 0, false},
	}
	for _, tt := range tests {
		if got, ok := Literal(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("Literal(%#v) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestRegion(t *testing.T) {
	tests := []struct{ json, want string }{
		{`{"provider": {"aws": [{"region": "eu-west-1"}]}}`, "eu-west-1"},
		{`{"provider": {"aws": [{"alias": "dr", "region": "us-west-2"}, {"region": "eu-central-1"}]}}`, "eu-central-1"},
		{`{"provider": {"aws": {"region": "ap-south-1"}}}`, "ap-south-1"},
		{`{"provider": {"aws": [{"region": "${var.region}"}]}}`, ""},
		{`{}`, ""},
	}
	for _, tt := range tests {
		s, err := Parse("x", []byte(tt.json))
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Region(); got != tt.want {
			t.Errorf("Region of %s = %q, want %q", tt.json, got, tt.want)
		}
	}
}
