package config_test

import (
	"errors"
	"math"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/internal/config"
)

// FuzzParse: whatever the bytes, Parse does not panic, and returns either a
// *config.Errors with at least one problem and no file, or a file that keeps
// the promises synth relies on. Seeds: the real environments.yaml, the
// bad-input suite of internal/synth and this package's testdata; crashers the
// fuzzer found live in testdata/fuzz/FuzzParse.
//
//	go test -run '^$' -fuzz FuzzParse -fuzztime 60s ./internal/config/
func FuzzParse(f *testing.F) {
	var seeds []string
	for _, pattern := range []string{realFile, "testdata/*.yaml", "../synth/testdata/*.yaml", "../synth/testdata/bad/*.yaml"} {
		matches, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, matches...)
	}
	if len(seeds) < 30 {
		f.Fatalf("got %d seed files, want the real file, the bad-input suite and testdata", len(seeds))
	}
	for _, p := range seeds {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := config.Parse("fuzz.yaml", data)
		if err != nil {
			if file != nil {
				t.Fatalf("Parse returned both a file and an error: %v", err)
			}
			var ce *config.Errors
			if !errors.As(err, &ce) {
				t.Fatalf("error is %T, want *config.Errors: %v", err, err)
			}
			if len(ce.Problems) == 0 {
				t.Fatalf("*config.Errors without problems")
			}
			for _, p := range ce.Problems {
				if p.Msg == "" || p.Line < 0 {
					t.Fatalf("problem without a message or with a negative line: %#v", p)
				}
			}
			// Same input, same message.
			if _, again := config.Parse("fuzz.yaml", data); again == nil || again.Error() != err.Error() {
				t.Fatalf("second Parse of the same input: got\n%v\nwant\n%v", again, err)
			}
			return
		}
		if file == nil {
			t.Fatal("Parse returned neither a file nor an error")
		}
		checkInvariants(t, file)
	})
}

var (
	projectRE = regexp.MustCompile(`^[a-z][a-z0-9-]{1,14}[a-z0-9]$`)
	envRE     = regexp.MustCompile(`^[a-z][a-z0-9]{0,11}$`)
)

// checkInvariants asserts what a valid file promises the constructs.
func checkInvariants(t *testing.T, f *config.File) {
	t.Helper()
	if !projectRE.MatchString(f.Project) {
		t.Fatalf("accepted project %q", f.Project)
	}
	if len(f.Environments) == 0 {
		t.Fatal("accepted a file without environments")
	}
	names := map[string]bool{}
	states := map[string]string{}
	for _, e := range f.Environments {
		bad := func(format string, args ...any) {
			t.Helper()
			t.Fatalf("%s: accepted "+format, append([]any{e.Name}, args...)...)
		}
		if !envRE.MatchString(e.Name) || names[e.Name] {
			bad("environment name %q (duplicate: %v)", e.Name, names[e.Name])
		}
		names[e.Name] = true
		if len(f.Project)+1+len(e.Name) > 28 {
			bad("name prefix %s-%s", f.Project, e.Name)
		}
		// Region and zones.
		if e.Region == "" {
			bad("an empty region")
		}
		if len(e.AvailabilityZones) < 2 {
			bad("%d availability zones", len(e.AvailabilityZones))
		}
		azs := map[string]bool{}
		for _, az := range e.AvailabilityZones {
			if azs[az] || len(az) != len(e.Region)+1 || !strings.HasPrefix(az, e.Region) || az[len(az)-1] < 'a' || az[len(az)-1] > 'z' {
				bad("availability zone %q in region %q (zones %v)", az, e.Region, e.AvailabilityZones)
			}
			azs[az] = true
		}
		if e.ComputeMode != "ec2" && e.ComputeMode != "asg" {
			bad("compute_mode %q", e.ComputeMode)
		}
		// Network.
		nw := e.Network
		if nw.NATMode != "none" && nw.NATMode != "single" && nw.NATMode != "per_az" {
			bad("nat_mode %q", nw.NATMode)
		}
		ip, vpc, err := net.ParseCIDR(nw.CIDR)
		if err != nil || ip.To4() == nil || !ip.Equal(vpc.IP) {
			bad("network.cidr %q", nw.CIDR)
		}
		ones, _ := vpc.Mask.Size()
		if ones < 16 || ones > 24 {
			bad("network.cidr %q", nw.CIDR)
		}
		if len(nw.PublicSubnetCIDRs) == 0 && len(nw.PrivateSubnetCIDRs) == 0 {
			if nw.SubnetNewbits < 1 || nw.SubnetNewbits > 28-ones || len(e.AvailabilityZones) > 1<<(nw.SubnetNewbits-1) {
				bad("subnet_newbits %d for %s and %d zones", nw.SubnetNewbits, nw.CIDR, len(e.AvailabilityZones))
			}
		} else {
			var all []*net.IPNet
			for _, list := range [][]string{nw.PublicSubnetCIDRs, nw.PrivateSubnetCIDRs} {
				if len(list) != len(e.AvailabilityZones) {
					bad("%d subnets for %d zones", len(list), len(e.AvailabilityZones))
				}
				for _, s := range list {
					sip, sn, err := net.ParseCIDR(s)
					if err != nil || sip.To4() == nil || !sip.Equal(sn.IP) {
						bad("subnet %q", s)
					}
					if p, _ := sn.Mask.Size(); p > 28 || p < ones || !vpc.Contains(sn.IP) {
						bad("subnet %q in VPC %s", s, nw.CIDR)
					}
					for _, o := range all {
						if o.Contains(sn.IP) || sn.Contains(o.IP) {
							bad("overlapping subnets %s and %s", o, sn)
						}
					}
					all = append(all, sn)
				}
			}
		}
		// Compute.
		cp := e.Compute
		if cp.AppPort < 1024 || cp.AppPort > 65535 {
			bad("app_port %d", cp.AppPort)
		}
		if !strings.HasPrefix(cp.HealthPath, "/") || !strings.HasPrefix(e.ALB.HealthCheck.Path, "/") {
			bad("health paths %q, %q", cp.HealthPath, e.ALB.HealthCheck.Path)
		}
		if e.ComputeMode == "asg" && !(1 <= cp.MinSize && cp.MinSize <= cp.DesiredCapacity && cp.DesiredCapacity <= cp.MaxSize && cp.MaxSize <= 100) {
			bad("sizes min %d desired %d max %d", cp.MinSize, cp.DesiredCapacity, cp.MaxSize)
		}
		// Load balancer.
		a := e.ALB
		if len(a.IngressCIDRs) == 0 {
			bad("no ingress CIDRs")
		}
		for _, s := range a.IngressCIDRs {
			if ip, n, err := net.ParseCIDR(s); err != nil || ip.To4() == nil || !ip.Equal(n.IP) {
				bad("ingress CIDR %q (the listener rules take IPv4 networks)", s)
			}
		}
		if a.HTTPS != (a.CertificateARN != "") {
			bad("https %v with certificate_arn %q", a.HTTPS, a.CertificateARN)
		}
		if hc := a.HealthCheck; hc.Timeout < 2 || hc.Timeout >= hc.Interval || hc.Interval > 300 {
			bad("health check timeout %d interval %d", hc.Timeout, hc.Interval)
		}
		// Scaling.
		s := e.Scaling
		if e.ComputeMode == "asg" {
			switch s.Policy {
			case "target_tracking":
				if !(s.TargetCPU > 0 && s.TargetCPU < 100) {
					bad("target_cpu %g", s.TargetCPU)
				}
			case "step":
				if s.Period < 60 || s.Period%60 != 0 || s.Period > 86400 {
					bad("period %d", s.Period)
				}
				for _, r := range []config.Rule{s.ScaleOut, s.ScaleIn} {
					if !(r.Threshold >= 0 && r.Threshold <= 100) {
						bad("threshold %g", r.Threshold)
					}
					if r.EvaluationPeriods < 1 || r.EvaluationPeriods > 86400/s.Period {
						bad("evaluation_periods %d of %d s", r.EvaluationPeriods, s.Period)
					}
					if r.DatapointsToAlarm < 1 || r.DatapointsToAlarm > r.EvaluationPeriods {
						bad("datapoints_to_alarm %d of %d", r.DatapointsToAlarm, r.EvaluationPeriods)
					}
				}
				if !(s.ScaleIn.Threshold < s.ScaleOut.Threshold) {
					bad("scale_in.threshold %g with scale_out.threshold %g", s.ScaleIn.Threshold, s.ScaleOut.Threshold)
				}
				if s.ScaleOut.Adjustment <= 0 || s.ScaleIn.Adjustment >= 0 {
					bad("adjustments out %d in %d", s.ScaleOut.Adjustment, s.ScaleIn.Adjustment)
				}
			default:
				bad("scaling policy %q", s.Policy)
			}
		}
		// Observability.
		if l := e.Observability.LatencyP95Seconds; !(l > 0 && l <= 60) || math.IsInf(l, 0) {
			bad("latency_p95_seconds %g", l)
		}
		// State.
		if b := e.Backend; b != nil {
			if b.Bucket == "" || b.Key == "" || b.Region == "" || !b.Encrypt || !b.UseLockfile {
				bad("backend %+v", *b)
			}
			id := b.Bucket + "/" + b.Key
			if other, dup := states[id]; dup {
				bad("backend state s3://%s shared with %s", id, other)
			}
			states[id] = e.Name
		}
		for _, sup := range e.Suppressions {
			if strings.TrimSpace(sup.Reason) == "" {
				bad("suppression %+v without reason", sup)
			}
		}
	}
}
