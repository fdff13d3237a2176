package cronspec

import (
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	from := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC) // a Monday
	tests := []struct {
		expr    string
		next    string // the first run after from, or "" when refused
		wantErr string
	}{
		{expr: "0 8 * * 1-5", next: "2026-01-05T08:00:00Z"},
		{expr: "30 19 * * MON-FRI", next: "2026-01-05T19:30:00Z"},
		{expr: "0 0 1 * *", next: "2026-02-01T00:00:00Z"},
		{expr: "*/15 * * * *", next: "2026-01-05T00:15:00Z"},
		{expr: "0 8 * * 6", next: "2026-01-10T08:00:00Z"}, // Saturday
		{expr: "0 0 8 * * 1-5", wantErr: "5 fields"},      // seconds
		{expr: "0 9 * *", wantErr: "5 fields"},
		{expr: "@daily", wantErr: "5 fields"},
		{expr: "", wantErr: "5 fields"},
		{expr: "TZ=UTC 0 8 * * 1-5", wantErr: "time zone prefix"},
		{expr: "CRON_TZ=Europe/Berlin 0 8 * * *", wantErr: "time zone prefix"},
		{expr: "60 8 * * *", wantErr: "allowed is Unix cron"},
		{expr: "0 24 * * *", wantErr: "allowed is Unix cron"},
		{expr: "0 8 * * 1-8", wantErr: "allowed is Unix cron"},
		{expr: "0 8 * JANUARY *", wantErr: "allowed is Unix cron"},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			s, err := Parse(tc.expr)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Parse(%q) error = %v, want one containing %q", tc.expr, err, tc.wantErr)
				}
				if strings.Contains(err.Error(), tc.expr) && tc.expr != "" {
					t.Errorf("Parse(%q) error %q repeats the value; callers quote it", tc.expr, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.expr, err)
			}
			if got := s.Next(from).Format(time.RFC3339); got != tc.next {
				t.Errorf("Parse(%q).Next(%s) = %s, want %s", tc.expr, from.Format(time.RFC3339), got, tc.next)
			}
		})
	}
}
