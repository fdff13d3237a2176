// Package cronspec is the one reading of a scheduled action's recurrence:
// Unix cron with five fields (minute hour day-of-month month day-of-week),
// as EC2 Auto Scaling's Recurrence takes it, parsed with robfig/cron/v3.
// constructs/config validates scaling.schedules[].cron with it and
// internal/simulate runs the synthesized aws_autoscaling_schedule with it,
// so an expression one accepts the other can run.
// https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-scheduled-scaling.html (recurring schedules)
package cronspec

import (
	"errors"
	"strings"

	"github.com/robfig/cron/v3"
)

// Example is a valid recurrence for messages: 08:00 on weekdays.
const Example = "0 8 * * 1-5"

// Allowed says what a recurrence may be, for messages.
const Allowed = "Unix cron with 5 fields (minute hour day-of-month month day-of-week), e.g. \"" + Example + "\""

// parser reads exactly the five fields: no seconds, no @descriptors.
var parser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)

// Parse reads expr. The error says what is wrong without repeating expr
// (callers name the field and the value).
func Parse(expr string) (cron.Schedule, error) {
	switch {
	case strings.HasPrefix(expr, "TZ=") || strings.HasPrefix(expr, "CRON_TZ="):
		return nil, errors.New("a time zone prefix is not allowed here; use time_zone")
	case len(strings.Fields(expr)) != 5:
		return nil, errors.New("must be " + Allowed)
	}
	s, err := parser.Parse(expr)
	if err != nil {
		return nil, errors.New(err.Error() + "; allowed is " + Allowed)
	}
	return s, nil
}
