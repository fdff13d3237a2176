package simulate

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/platformstarter/elastic-web-tier/internal/cronspec"
)

// testdata/stacks/stage-schedules is stage (min 2, max 4, desired 2; > 70%
// for 2 of 2 -> +1, < 30% for 5 of 5 -> -1; launch delay 120 s; 30 s
// drain) with office hours in Europe/Berlin: "0 8 * * 1-5" sets min 3, max
// 6, desired 3 and "0 18 * * 1-5" sets min 2, max 4, desired 2.

type srun struct{ minute, min, max, desired int }

func scheduledRuns(r *Result) []srun {
	out := []srun{}
	for _, s := range r.Scheduled {
		out = append(out, srun{s.Minute, s.MinAfter, s.MaxAfter, s.DesiredAfter})
	}
	return out
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestOfficeHoursSchedule(t *testing.T) {
	// Constant load 60: 30% on 2 instances (not < 30, no scale-in), 20% on
	// 3 (the low alarm goes to ALARM, but 3 - 1 = 2 is below the scheduled
	// min 3: nothing), so only the schedules move the group.
	tests := []struct {
		name    string
		start   string
		minutes int
		want    []srun
	}{
		// January: Berlin is UTC+1. From Monday 00:00 UTC, 08:00 CET is
		// 07:00 UTC = minute 420 and 18:00 CET is 17:00 UTC = minute 1020.
		{"winter Monday", "2026-01-05T00:00:00Z", 1440, []srun{{420, 3, 6, 3}, {1020, 2, 4, 2}}},
		// July: Berlin is UTC+2: 06:00 UTC = 360, 16:00 UTC = 960.
		{"summer Monday", "2026-07-06T00:00:00Z", 1440, []srun{{360, 3, 6, 3}, {960, 2, 4, 2}}},
		// --start with an offset: 2026-01-05T08:00+01:00 is 08:00 in Berlin,
		// so the start action runs at minute 0 and the end one 600 later.
		{"start at 08:00 Berlin", "2026-01-05T08:00:00+01:00", 700, []srun{{0, 3, 6, 3}, {600, 2, 4, 2}}},
		// Saturday 2026-01-10 and Sunday: "1-5" never matches.
		{"weekend", "2026-01-10T00:00:00Z", 2880, []srun{}},
		// Friday 2026-01-09 00:00 UTC for three days: Friday's two runs
		// (420, 1020), then nothing until Monday 07:00 UTC = 3 x 1440 + 420.
		{"Friday to Monday", "2026-01-09T00:00:00Z", 3*1440 + 421, []srun{{420, 3, 6, 3}, {1020, 2, 4, 2}, {3*1440 + 420, 3, 6, 3}}},
	}
	m, err := FromStack(loadFixture(t, "stage-schedules"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Run(m, loads{60}, Options{Minutes: tc.minutes, LaunchDelay: -1, Start: mustTime(t, tc.start)})
			if err != nil {
				t.Fatal(err)
			}
			if got := scheduledRuns(r); !slices.Equal(got, tc.want) {
				t.Errorf("scheduled runs = %v\nwant             %v", got, tc.want)
			}
			if got := events(r); len(got) != 0 {
				t.Errorf("scaling events = %v, want none", got)
			}
		})
	}
}

func TestScheduleTimeline(t *testing.T) {
	// Winter Monday: at 420 desired 2 -> 3; the new instance serves from
	// 422 (120 s); at 1020 desired 3 -> 2 and the newest goes at once.
	m, err := FromStack(loadFixture(t, "stage-schedules"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(m, loads{60}, Options{Minutes: 1440, LaunchDelay: -1})
	if err != nil {
		t.Fatal(err)
	}
	type cell struct{ minute, min, max, desired, inService int }
	want := []cell{{419, 2, 4, 2, 2}, {420, 3, 6, 3, 2}, {421, 3, 6, 3, 2}, {422, 3, 6, 3, 3}, {1019, 3, 6, 3, 3}, {1020, 2, 4, 2, 2}}
	for _, w := range want {
		row := r.Timeline[w.minute]
		got := cell{row.Minute, row.MinSize, row.MaxSize, row.Desired, row.InService}
		if got != w {
			t.Errorf("row = %+v, want %+v", got, w)
		}
	}
	if got, want := r.Timeline[420].Time, "2026-01-05T07:00:00Z"; got != want {
		t.Errorf("minute 420 time = %s, want %s (default start %s)", got, want, DefaultStart)
	}
	if got, want := r.Scheduled[0].Time, "Mon 2026-01-05 08:00 CET"; got != want {
		t.Errorf("first run's time = %q, want %q (in the action's time zone)", got, want)
	}
}

func TestOneTimeActionThenDynamicScaleIn(t *testing.T) {
	// A one-time action at 12:30 UTC (minute 750) sets desired 4 on stage
	// (2..4). Load 60: the two new instances serve from 752 at 15% each;
	// minutes 752..756 breach < 30% -> ALARM at 757: 4 -> 3. The removed
	// one drains 30 s, so at 758 current capacity is 3, still 20%: 3 -> 2.
	// At 759 minute 758 (30% on 2) does not breach: OK.
	s := mutateFixture(t, "stage", func(r map[string]map[string]map[string]any) {
		r["aws_autoscaling_schedule"] = map[string]map[string]any{"once": {
			"autoscaling_group_name": "${aws_autoscaling_group.compute_asg_4EBBEC64.name}",
			"scheduled_action_name":  "lunch", "start_time": "2026-01-05T12:30:00Z", "desired_capacity": 4,
		}}
	})
	m, err := FromStack(s)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(m, loads{60}, Options{Minutes: 800, LaunchDelay: -1})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := scheduledRuns(r), []srun{{750, 2, 4, 4}}; !slices.Equal(got, want) {
		t.Errorf("scheduled runs = %v, want %v", got, want)
	}
	if got, want := events(r), []ev{{757, 4, 3}, {758, 3, 2}}; !slices.Equal(got, want) {
		t.Errorf("events = %v, want %v", got, want)
	}
}

func TestScheduleThatContradictsTheGroupFails(t *testing.T) {
	// min_size 5 alone on stage (max 4): the API would refuse it at run
	// time; the group stays 2..4, desired 2.
	s := mutateFixture(t, "stage", func(r map[string]map[string]map[string]any) {
		r["aws_autoscaling_schedule"] = map[string]map[string]any{"big": {
			"autoscaling_group_name": "${aws_autoscaling_group.compute_asg_4EBBEC64.name}",
			"scheduled_action_name":  "big", "recurrence": "0 1 * * *", "min_size": 5, "max_size": -1,
		}}
	})
	m, err := FromStack(s)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(m, loads{60}, Options{Minutes: 120, LaunchDelay: -1})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Scheduled) != 1 || r.Scheduled[0].Minute != 60 || r.Scheduled[0].Failed != "min_size 5 would be above max_size 4" {
		t.Fatalf("scheduled = %+v, want one failed run at minute 60 (min_size 5 would be above max_size 4)", r.Scheduled)
	}
	if row := r.Timeline[60]; row.MinSize != 2 || row.MaxSize != 4 || row.Desired != 2 {
		t.Errorf("minute 60: %d..%d desired %d, want 2..4 desired 2", row.MinSize, row.MaxSize, row.Desired)
	}
}

func TestScheduleRunsWithinStartAndEnd(t *testing.T) {
	// Hourly from 02:30 until 05:00 UTC, looked at over a day from 00:00:
	// 03:00 and 04:00 (05:00 is the end, excluded); one-time at 02:30.
	from := mustTime(t, "2026-01-05T00:00:00Z")
	to := from.Add(24 * time.Hour)
	start, end := mustTime(t, "2026-01-05T02:30:00Z"), mustTime(t, "2026-01-05T05:00:00Z")
	c, err := cronspec.Parse("0 * * * *")
	if err != nil {
		t.Fatal(err)
	}
	hourly := Schedule{cron: c, loc: time.UTC, Start: &start, End: &end}
	once := Schedule{loc: time.UTC, Start: &start}
	late := mustTime(t, "2026-01-06T00:00:00Z")
	tests := []struct {
		name string
		s    Schedule
		want []string
	}{
		{"hourly in bounds", hourly, []string{"03:00", "04:00"}},
		{"one-time", once, []string{"02:30"}},
		{"one-time after the window", Schedule{loc: time.UTC, Start: &late}, nil},
	}
	for _, tc := range tests {
		var got []string
		for _, t := range tc.s.runs(from, to) {
			got = append(got, t.UTC().Format("15:04"))
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: runs = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestFromStackRejectsBadSchedules(t *testing.T) {
	type res = map[string]map[string]map[string]any
	const addr = "aws_autoscaling_schedule.scaling_schedule-office-hours-start_1A2B3C4D"
	set := func(k string, v any) func(r res) {
		return func(r res) { r["aws_autoscaling_schedule"]["scaling_schedule-office-hours-start_1A2B3C4D"][k] = v }
	}
	tests := []struct {
		name string
		edit func(r res)
		want []string
	}{
		{"six fields", set("recurrence", "0 0 8 * * 1-5"), []string{addr, `recurrence = "0 0 8 * * 1-5": must be Unix cron with 5 fields`}},
		{"bad field", set("recurrence", "0 25 * * *"), []string{`recurrence = "0 25 * * *"`, "allowed is Unix cron with 5 fields"}},
		{"descriptor", set("recurrence", "@daily"), []string{`recurrence = "@daily": must be Unix cron with 5 fields`}},
		{"time zone prefix", set("recurrence", "CRON_TZ=UTC 0 8 * * *"), []string{"a time zone prefix is not allowed here; use time_zone"}},
		{"unknown time zone", set("time_zone", "Europe/Atlantis"), []string{`time_zone = "Europe/Atlantis": must be an IANA time zone name`}},
		{"bad start time", set("start_time", "tomorrow"), []string{`start_time = "tomorrow": must be an RFC 3339 time`}},
		{"end before start", func(r res) {
			set("start_time", "2026-02-01T00:00:00Z")(r)
			set("end_time", "2026-01-01T00:00:00Z")(r)
		}, []string{"end_time = 2026-01-01T00:00:00Z: must be after start_time (2026-02-01T00:00:00Z)"}},
		{"changes nothing", func(r res) {
			set("min_size", -1)(r)
			set("max_size", -1)(r)
			delete(r["aws_autoscaling_schedule"]["scaling_schedule-office-hours-start_1A2B3C4D"], "desired_capacity")
		}, []string{"min_size, max_size and desired_capacity are all absent or -1"}},
		{"never runs", set("recurrence", ""), []string{"neither recurrence nor start_time is set"}},
		{"min above max", set("min_size", 7), []string{"min_size = 7: must be <= max_size (6)"}},
		{"desired outside", set("desired_capacity", 9), []string{"desired_capacity = 9: must be within the action's min_size..max_size"}},
		{"negative size", set("max_size", -3), []string{"max_size = -3: must be >= 0, or -1 to leave it unchanged"}},
		{"no name", set("scheduled_action_name", ""), []string{"scheduled_action_name is missing"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := FromStack(mutateFixture(t, "stage-schedules", tc.edit))
			if err == nil {
				t.Fatalf("FromStack accepted it, want an error mentioning %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not mention %q", err, w)
				}
			}
		})
	}
}

func TestMainSchedulesText(t *testing.T) {
	code, stdout, stderr := runMain("--stack", "testdata/stacks/stage-schedules", "--profile", "constant:load=60", "--minutes", "600", "--start", "2026-01-05T06:30:00Z")
	if code != ExitOK {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	// 08:00 CET = 07:00 UTC = minute 30 after 06:30 UTC.
	for _, want := range []string{
		"webtier-stage-office-hours-start: cron 0 8 * * 1-5 (Europe/Berlin): min 3, max 6, desired 3",
		"minute 0 is 2026-01-05T06:30:00Z",
		"minute 30 (Mon 2026-01-05 08:00 CET): webtier-stage-office-hours-start: min..max 2..4 -> 3..6, desired 2 -> 3",
		"min..max",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("text output does not contain %q:\n%s", want, stdout)
		}
	}
}

func TestMainBadStart(t *testing.T) {
	for _, tc := range []struct{ start, want string }{
		{"Monday", `--start = "Monday": must be an RFC 3339 time such as ` + DefaultStart},
		{"2026-01-05T08:00:30Z", `--start = "2026-01-05T08:00:30Z": must be on a whole minute`},
	} {
		code, _, stderr := runMain("--stack", prodDir, "--profile", "constant:load=1", "--start", tc.start)
		if code != ExitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("--start %s: exit %d, stderr %q; want %d and %q", tc.start, code, stderr, ExitUsage, tc.want)
		}
	}
}
