package config_test

import (
	"errors"
	"math"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
)

// FuzzParse: whatever the bytes, Parse does not panic, and returns either a
// *config.Errors with at least one problem and no file, or a file that keeps
// the promises synth relies on. Seeds: the library's fixture environments file, the
// bad-input suite of internal/synth and this package's testdata; crashers the
// fuzzer found live in testdata/fuzz/FuzzParse.
//
//	go test -run '^$' -fuzz FuzzParse -fuzztime 60s ./constructs/config/
func FuzzParse(f *testing.F) {
	var seeds []string
	for _, pattern := range []string{fixtureFile, "testdata/*.yaml", "../../internal/synth/testdata/*.yaml", "../../internal/synth/testdata/bad/*.yaml"} {
		matches, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, matches...)
	}
	if len(seeds) < 30 {
		f.Fatalf("got %d seed files, want the fixture, the bad-input suite and testdata", len(seeds))
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
		if !slices.Contains(config.Regions(), e.Region) {
			bad("region %q (not a region of the aws partition)", e.Region)
		}
		if b := e.Backend; b != nil && !slices.Contains(config.Regions(), b.Region) {
			bad("backend region %q", b.Region)
		}
		if !config.IsModernTLSPolicy(e.ALB.SSLPolicy) {
			bad("ssl_policy %q", e.ALB.SSLPolicy)
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
		if nw.NATMode == "none" && !nw.InterfaceEndpoints {
			bad("nat_mode none without interface_endpoints")
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
		for _, p := range []string{cp.HealthPath, e.ALB.HealthCheck.Path} {
			// "/" then bytes of RFC 3986 paths that no shell reads (and % only
			// as an escape): written out here apart from validate.go's pattern.
			if !strings.HasPrefix(p, "/") || strings.Trim(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._/:@+,=%") != "" {
				bad("health path %q", p)
			}
			for i := strings.IndexByte(p, '%'); i >= 0; i = strings.IndexByte(p, '%') {
				if len(p) < i+3 || strings.Trim(p[i+1:i+3], "0123456789abcdefABCDEF") != "" {
					bad("health path %q: a %% that is no escape", p)
					break
				}
				p = p[i+3:]
			}
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
			case "request_count":
				if s.TargetRequestsPerTarget < 1 || s.TargetRequestsPerTarget > 100000 {
					bad("target_requests_per_target %d", s.TargetRequestsPerTarget)
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

// FuzzFieldValue aims the fuzzer at the validator: it writes one YAML value
// (a scalar, a flow list or mapping, anything) at one key path of a valid
// file, in the environment or in the defaults block, and checks the same
// promises as FuzzParse. Random bytes rarely make a valid file; one value in
// a valid file finds missing range checks, overflows and NaN quickly.
//
//	go test -run '^$' -fuzz FuzzFieldValue -fuzztime 60s ./constructs/config/
func FuzzFieldValue(f *testing.F) {
	paths := leafPaths(reflect.TypeOf(config.Environment{}), "")
	for i, v := range []string{
		"0", "-1", "1", "59", "61", "100", "101", "65536", "1e309", ".nan", "-.inf",
		"9223372036854775807", "18446744073709551615", "-9223372036854775808", "0x10", "1_000",
		"''", "' '", "'::/0'", "10.0.0.0/16", "[]", "[a, b]", "{}", "~", "true", "!!str 5",
		"arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
	} {
		f.Add(uint8(i), false, v)
		f.Add(uint8(i*7+3), true, v)
	}
	f.Fuzz(func(t *testing.T, which uint8, inDefaults bool, value string) {
		path := paths[int(which)%len(paths)]
		var node yaml.Node
		if err := yaml.Unmarshal([]byte(value), &node); err != nil || len(node.Content) == 0 {
			node = yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value}
		} else {
			node = *node.Content[0]
		}
		tree := map[string]any{
			"region":             "us-east-1",
			"availability_zones": []string{"us-east-1a", "us-east-1b"},
			"network":            map[string]any{"cidr": "10.0.0.0/16"},
		}
		doc := map[string]any{"environments": map[string]any{"dev": tree}}
		if inDefaults {
			d := map[string]any{}
			doc["defaults"] = d
			tree = d
		}
		parts := strings.Split(path, ".")
		for _, p := range parts[:len(parts)-1] {
			next, ok := tree[p].(map[string]any)
			if !ok {
				next = map[string]any{}
				tree[p] = next
			}
			tree = next
		}
		tree[parts[len(parts)-1]] = &node
		data, err := yaml.Marshal(doc)
		if err != nil {
			t.Skip("value does not marshal:", err)
		}
		file, err := config.Parse("fuzz.yaml", data)
		if err != nil {
			var ce *config.Errors
			if !errors.As(err, &ce) || len(ce.Problems) == 0 || file != nil {
				t.Fatalf("got %v, %v (%T); want nil and *config.Errors with problems\n%s", file, err, err, data)
			}
			return
		}
		checkInvariants(t, file)
	})
}

// leafPaths lists the dotted YAML key paths of t's settings that hold a
// value (scalars, lists, maps), descending into nested settings.
func leafPaths(t reflect.Type, prefix string) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var out []string
	for i := 0; i < t.NumField(); i++ {
		tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
		if tag == "" || tag == "-" {
			continue
		}
		ft := t.Field(i).Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct {
			out = append(out, leafPaths(ft, prefix+tag+".")...)
		} else {
			out = append(out, prefix+tag)
		}
	}
	return out
}
