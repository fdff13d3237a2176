package config

import (
	"encoding/base64"
)

// Validation for Go callers: the constructs' New and webtier.New run these
// on the settings they are given. They are the rules the YAML reader runs
// (the same functions, so the same messages, fields named as in
// environments.yaml), every problem at once, returned as *Errors without
// line numbers; nil when the settings are valid. A section's Validate
// checks the section alone; the rules that span sections (e.g.
// compute.drain_seconds >= alb.deregistration_delay) are the environment's
// (Environment.Validate).

// goPath collects the problems of a Go caller's settings: no lines.
type goPath struct {
	c   *collector
	env string
}

func newGoPath(env string) *goPath { return &goPath{c: newCollector(), env: env} }

func (g *goPath) bad(field, format string, args ...any) { g.c.add(0, g.env, field, format, args...) }

func (g *goPath) badAt(_ int, field, format string, args ...any) { g.bad(field, format, args...) }

func (g *goPath) err() error {
	if len(g.c.problems) == 0 && g.c.omitted == 0 {
		return nil
	}
	return &Errors{Problems: g.c.problems, Omitted: g.c.omitted}
}

// Validate checks the network settings for zones availability zones (the
// subnet lists must have one subnet per zone, derived subnets must fit).
func (n Network) Validate(zones int) error {
	g := newGoPath("")
	validateNetwork(&Environment{Network: n, AvailabilityZones: make([]string, zones)}, g.bad)
	return g.err()
}

// ValidateRegion checks a region and its availability zones (region and
// availability_zones of an environment).
func ValidateRegion(region string, zones []string) error {
	g := newGoPath("")
	validateRegion(&Environment{Region: region, AvailabilityZones: zones}, g.bad)
	return g.err()
}

// ValidateRegionName checks a region on its own (an environment's region,
// without its zones): "" is missing, and the region must be one of the aws
// partition (Regions).
func ValidateRegionName(region string) error {
	g := newGoPath("")
	validateRegionName(region, g.bad)
	return g.err()
}

// Validate checks the compute settings. Compute.UserData is taken as given
// (compute.user_data_file is read by the YAML reader only).
func (c Compute) Validate() error {
	g := newGoPath("")
	e := &Environment{Compute: c}
	validateCompute(e, g.bad)
	validateComputeLifecycle(e, g.bad)
	checkUserData(e, g.bad)
	return g.err()
}

// Validate checks the load balancer settings of a load balancer in region
// (an alb.certificate_arn must be from it; "" checks no region).
func (a ALB) Validate(region string) error {
	g := newGoPath("")
	validateALB(&Environment{Region: region, ALB: a}, g.bad)
	if a.HealthCheck.Path == "" {
		// validateALB leaves a path equal to compute.health_path (here
		// empty) to the compute rules; on its own it is the ALB's problem.
		checkPath(g.bad, "alb.health_check.path", a.HealthCheck.Path)
	}
	return g.err()
}

// Validate checks the scaling settings of an Auto Scaling group.
func (s Scaling) Validate() error {
	g := newGoPath("")
	validateScaling(&Environment{ComputeMode: ComputeASG, Scaling: s}, g.bad)
	return g.err()
}

// Validate checks the observability settings.
func (o Observability) Validate() error {
	g := newGoPath("")
	validateObservability(&Environment{Observability: o}, g.bad)
	validateLogs(&Environment{Observability: o}, g.bad)
	return g.err()
}

// Validate checks environment e of project: the project and environment
// names and every rule the YAML reader runs on an environment, those that
// span sections included, in the same order. Compute.UserData is taken as
// given (compute.user_data_file is read by the YAML reader only). Apply
// ApplyDerivedDefaults first, as the reader does.
func (e *Environment) Validate(project string) error {
	g := newGoPath(e.Name)
	if msg := projectProblem(project); msg != "" {
		g.c.add(0, "", "project", "%s", msg)
	}
	if msg := envNameProblem(e.Name); msg != "" {
		g.bad("", "%s", msg)
	}
	checkEnv(project, e, g.bad, nil, nil, g.badAt, func() { checkUserData(e, g.bad) })
	return g.err()
}

// checkUserData is the Go path's step where the YAML reader reads
// compute.user_data_file: Compute.UserData is given, so it is checked as
// the reader checks the file's contents.
func checkUserData(e *Environment, bad badFunc) {
	cp := e.Compute
	switch n := len(cp.UserData); {
	case cp.UserDataFile != "" && n == 0:
		bad("compute.user_data_file", "%s is read by the environments file's reader only; set Compute.UserData to the script instead", q(cp.UserDataFile))
	case cp.App != nil && n > 0 && cp.UserDataFile == "":
		bad("compute.app", "is set together with Compute.UserData; both define what the instances run: keep one")
	case base64.StdEncoding.EncodedLen(n) > MaxUserDataBytes:
		bad("compute.user_data", "is %d bytes, %d once base64-encoded; EC2 takes at most %d (16 KB): want at most %d bytes before encoding",
			n, base64.StdEncoding.EncodedLen(n), MaxUserDataBytes, MaxUserDataBytes/4*3)
	}
}
